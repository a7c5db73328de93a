//! `bantin new SECTION "Tiêu đề"`: a new draft article to write in.

use std::io::Write;
use std::process::ExitCode;

use super::RootArg;

#[derive(Debug, clap::Args)]
pub(crate) struct NewArgs {
    #[command(flatten)]
    pub(crate) root: RootArg,
    /// The section: a folder of content/ (`thoi-su`) or its name ("Thời sự").
    pub(crate) section: String,
    /// The article's title.
    pub(crate) title: String,
    /// Byline; repeat for several [default: $BANTIN_AUTHOR].
    #[arg(long = "author")]
    pub(crate) authors: Vec<String>,
    /// The article's date instead of now (RFC 3339, e.g. 2024-09-16T12:00:00+07:00);
    /// SOURCE_DATE_EPOCH is read too.
    #[arg(long)]
    pub(crate) now: Option<String>,
}

pub(crate) fn run(args: NewArgs) -> anyhow::Result<ExitCode> {
    let config = super::load_config(&args.root.root)?;
    let mut authors = args.authors;
    if authors.is_empty()
        && let Ok(a) = std::env::var("BANTIN_AUTHOR")
        && !a.trim().is_empty()
    {
        authors.push(a.trim().to_string());
    }
    let now = bantin::clock::now(args.now.as_deref())?;
    let made = bantin::new::new_article(&config, &args.section, &args.title, &authors, now)?;
    let path = made.path.display();
    eprintln!(
        "Created {path} (draft, id {}): write it, then remove `draft: true` to publish",
        made.id
    );
    // The path alone on stdout, for `$EDITOR "$(bantin new ...)"`.
    writeln!(std::io::stdout(), "{path}")?;
    Ok(ExitCode::SUCCESS)
}
