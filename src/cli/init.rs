//! `bantin init DIR`: a new site that builds as is, with the built-in theme.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;

use bantin::fsx;

#[derive(Debug, clap::Args)]
pub(crate) struct InitArgs {
    /// Folder to create (must not exist or be empty).
    pub(crate) dir: PathBuf,
    /// Site title.
    #[arg(long, default_value = "Bản tin")]
    pub(crate) title: String,
    /// Address the site will be published at.
    #[arg(long, default_value = "https://example.org/")]
    pub(crate) base_url: String,
}

pub(crate) fn run(args: InitArgs) -> anyhow::Result<ExitCode> {
    let dir = args.dir;
    if dir.exists() && std::fs::read_dir(&dir)?.next().is_some() {
        bail!(
            "{} exists and is not empty; choose a new folder",
            dir.display()
        );
    }
    let title = args.title.replace('"', "\\\"");
    let config = format!(
        "# bantin site configuration; every key is documented in bantin's README.\n\
         title: \"{title}\"\n\
         base_url: \"{}\"\n\
         description: \"Tin tức địa phương\"\n\
         language: vi\n\
         timezone: Asia/Ho_Chi_Minh\n\
         theme: default\n\
         paginate_by: 20\n",
        args.base_url
    );
    fsx::write_creating_dirs(&dir.join("config.yaml"), config.as_bytes())?;
    fsx::write_creating_dirs(
        &dir.join("content/thoi-su/_index.md"),
        "---\ntitle: \"Thời sự\"\ndescription: \"Tin thời sự trong nước và địa phương\"\nweight: 1\n---\n".as_bytes(),
    )?;
    fsx::write_creating_dirs(
        &dir.join("content/thoi-su/chao-mung-den-voi-bantin.md"),
        "---\ntitle: \"Chào mừng đến với bantin\"\ndate: 2024-03-04 18:48\ntags: [\"Hướng dẫn\"]\nauthors: [\"Ban biên tập\"]\nsummary: \"Bài viết đầu tiên của trang tin.\"\n---\n\nĐây là bài viết mẫu. Sửa tệp `content/thoi-su/chao-mung-den-voi-bantin.md` hoặc thêm bài mới vào `content/`, rồi chạy `bantin build`.\n".as_bytes(),
    )?;
    fsx::create_dir_all(&dir.join("static"))?;
    // The build output and bantin's list of what it wrote are not sources.
    fsx::write(&dir.join(".gitignore"), b"/public\n/.public.bantin-*\n")?;
    eprintln!(
        "Created a new site in {}. Next: bantin build --root {}",
        dir.display(),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
