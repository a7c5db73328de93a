//! Cases from a review of bantin against nasty inputs: each used to panic,
//! write outside the output, lose data or mislead; each must now fail cleanly
//! or do the right thing.

mod common;

use common::{Site, bantin, main_of, run};

const ARTICLE: &str = "---\ntitle: Bài\ndate: 2024-03-04 18:48\n---\n\nNội dung.\n";

#[test]
fn rejects_permalinks_that_leave_the_output() {
    let site = Site::fixture("minimal");
    site.write(
        "config.yaml",
        "title: x\nbase_url: https://example.org/\npermalinks:\n  article: \"/../../:slug/\"\n",
    );
    // Two levels below the temp folder, so that `../../` from the output, or
    // from the staging folder bantin writes pages into first (two levels
    // below `a/b/`), still lands inside it: a page leaving the output would
    // be found by the listing below ("Bài mẫu" at a/b/bai-mau/index.html).
    let out = site.tmp.join("a/b/out");
    let run = site.build_into(&out, &[]);
    let outside: Vec<String> = common::list_files(&site.tmp)
        .into_iter()
        .filter(|f| !f.starts_with("site/") && !f.starts_with("a/b/out/"))
        .filter(|f| !f.ends_with(".bantin-lock"))
        .collect();
    assert!(
        outside.is_empty(),
        "written outside the output: {outside:?}\n{}",
        run.stderr
    );
    assert!(!out.exists(), "nothing was built");
    run.assert_code(1);
    assert!(
        run.stderr.starts_with(
            "error: config.yaml:3:12: permalinks.article \"/../../:slug/\" must be a plain path"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn check_survives_percent_escapes_beside_letters() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/x.md",
        "---\ntitle: Liên kết lạ\ndate: 2024-03-04 18:48\n---\n\n<a href=\"/x%aé\">x</a>\n",
    );
    let out = run(site
        .bantin()
        .arg("check")
        .arg("--root")
        .arg(&site.root)
        .arg("--output")
        .arg(&site.out));
    out.assert_code(1);
    assert!(
        out.stdout
            .contains("broken: thoi-su/lien-ket-la/index.html -> /x%aé"),
        "{}",
        out.stdout
    );
}

#[test]
fn rebuilds_never_delete_files_bantin_did_not_write() {
    let site = Site::fixture("minimal");
    site.build_ok(&[]);
    std::fs::create_dir_all(site.out.join(".git")).unwrap();
    std::fs::write(site.out.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    std::fs::write(site.out.join("CNAME"), "bao.example.org\n").unwrap();
    site.build_ok(&[]);
    assert!(site.out.join(".git/HEAD").is_file() && site.out.join("CNAME").is_file());
    // Without the manifest (an output from elsewhere), hidden files are still safe.
    std::fs::remove_file(site.tmp.join(".out.bantin-manifest")).unwrap();
    site.build_ok(&[]);
    assert!(site.out.join(".git/HEAD").is_file());
}

#[test]
fn import_refuses_titles_without_letters() {
    let site = Site::empty();
    std::fs::create_dir_all(site.tmp.join("raw")).unwrap();
    std::fs::write(
        site.tmp.join("raw/a.txt"),
        "04/03/2024 - 18:48\n\n!!! ???\n\n(CT) - Chiều 4-3, nội dung.\n",
    )
    .unwrap();
    let out = run(bantin()
        .arg("import")
        .arg(site.tmp.join("raw"))
        .arg("--into")
        .arg(site.tmp.join("md")));
    out.assert_code(1);
    assert!(
        out.stderr
            .contains("a.txt:3:1: cannot make a file name from the title \"!!! ???\""),
        "{}",
        out.stderr
    );
    assert!(!site.tmp.join("md").exists());
}

#[test]
fn files_that_would_replace_each_other_are_errors() {
    let site = Site::fixture("minimal");
    site.write("content/thoi-su/anh.svg", "<svg/>");
    site.write("content/Thời sự/anh.svg", "<svg></svg>");
    site.write("content/Thời sự/bai.md", ARTICLE);
    site.write("static/thoi-su/logo.svg", "<svg/>");
    site.write("content/thoi-su/logo.svg", "<svg/>");
    let run = site.build(&[]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("error: content/thoi-su: section folders \"Thời sự\" and \"thoi-su\" would both be published at /thoi-su/"),
        "{}",
        run.stderr
    );
    // With the folders merged, a file beside articles may not replace a static one.
    std::fs::remove_dir_all(site.path("content/Thời sự")).unwrap();
    let run = site.build(&[]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("error: content/thoi-su/logo.svg: published as /thoi-su/logo.svg, which is also a file of static/ or of the theme"),
        "{}",
        run.stderr
    );
}

#[test]
fn warns_when_different_words_share_a_tag_url() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/bao.md",
        "---\ntitle: Bão số 3\ndate: 2024-03-04 18:48\ntags: [Bão]\n---\n\nx\n",
    );
    site.write(
        "content/thoi-su/bao-chi.md",
        "---\ntitle: Ngày báo chí\ndate: 2024-06-21 08:00\ntags: [Báo, \"báo\", 2024]\n---\n\nx\n",
    );
    site.write(
        "content/thoi-su/bao-2.md",
        "---\ntitle: Báo xuân\ndate: 2024-02-01 08:00\ntags: [Báo]\n---\n\nx\n",
    );
    let run = site.build_ok(&[]);
    let warnings = run.warnings();
    assert!(
        warnings.iter().any(|w| w.contains(
            "content/thoi-su/bao.md: tag \"Bão\" has the same URL as \"Báo\" (/tags/bao/)"
        )),
        "{warnings:?}"
    );
    // "báo" differs only in case: one tag, no warning about it; a number is a tag too.
    assert_eq!(
        warnings
            .iter()
            .filter(|w| w.contains("has the same URL"))
            .count(),
        1,
        "{warnings:?}"
    );
    assert!(site.exists("tags/2024/index.html"));
}

#[test]
fn top_level_articles_link_only_to_top_level_neighbours_and_pages_to_none() {
    let site = Site::fixture("minimal");
    // Top-level files are standalone pages: no previous/next links.
    site.write(
        "content/gioi-thieu.md",
        "---\ntitle: Giới thiệu\ndate: 2024-03-05 08:00\n---\n\nx\n",
    );
    // Top-level news must say so; it links among top-level news only.
    site.write(
        "content/thong-bao.md",
        "---\ntitle: Thông báo\nkind: article\ndate: 2024-03-06 08:00\n---\n\nx\n",
    );
    site.write(
        "content/lien-he.md",
        "---\ntitle: Tin cũ\nkind: article\ndate: 2023-01-05 08:00\n---\n\nx\n",
    );
    site.build_ok(&[]);
    let page = site.read("gioi-thieu/index.html");
    assert!(!page.contains("rel=\"prev\"") && !page.contains("rel=\"next\""));
    let news = site.read("thong-bao/index.html");
    assert!(
        news.contains("/tin-cu/\" rel=\"prev\""),
        "{}",
        common::main_of(&news)
    );
    assert!(
        !news.contains("rel=\"next\""),
        "the newest top-level article has no newer neighbour"
    );
}

#[test]
fn rejects_aliases_that_are_not_plain_paths() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/a.md",
        "---\ntitle: Bài\ndate: 2024-03-04 18:48\naliases: [\"/tin cũ/a b/\", \"/old.php?id=5\"]\n---\n\nx\n",
    );
    let run = site.build(&[]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("content/thoi-su/a.md:4:10: alias \"/tin cũ/a b/\" is not a plain path"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("alias \"/old.php?id=5\" is not a plain path"),
        "{}",
        run.stderr
    );
}

#[test]
fn rejects_years_outside_four_digits() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/a.md",
        "---\ntitle: Bài\ndate: \"-000001-03-04T10:00:00Z\"\n---\n\nx\n",
    );
    let run = site.build(&[]);
    run.assert_code(1);
    assert!(run.stderr.contains("content/thoi-su/a.md:3:7: date \"-000001-03-04T10:00:00Z\" is outside the years 1000-9999"), "{}", run.stderr);
}

#[test]
fn quoted_keys_are_located() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/a.md",
        "---\ntitle: Bài\n\"date\": 2024-13-04\n---\n\nx\n",
    );
    let run = site.build(&[]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("content/thoi-su/a.md:3:9: invalid date \"2024-13-04\""),
        "{}",
        run.stderr
    );
}

#[cfg(target_os = "linux")]
#[test]
fn rejects_file_names_that_are_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let site = Site::fixture("minimal");
    let name = std::ffi::OsStr::from_bytes(b"a\xE0nh.jpg");
    std::fs::write(site.root.join("content/thoi-su").join(name), b"jpg").unwrap();
    let run = site.build(&[]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("the file name is not valid UTF-8"),
        "{}",
        run.stderr
    );
}

/// Every control character bantin must never publish (C0 but tab, newline
/// and carriage return; DEL; C1), as (file, byte offset) pairs.
fn control_chars_in(out: &std::path::Path) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for (rel, bytes) in common::read_tree(out) {
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        for (i, c) in text.char_indices() {
            if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
                found.push((rel.clone(), i));
            }
        }
    }
    found
}

#[test]
fn control_characters_never_reach_pages_or_slugs() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/bao.txt",
        "04/03/2024 - 18:48\n\u{1b}[31mBão\u{0} số\u{85} 3\u{7}\n\n(CT) - Gió\u{1b} mạnh\u{9b} cấp 12.\n",
    );
    // YAML escapes put controls into a value even when the file has none.
    site.write(
        "content/thoi-su/lu.md",
        "---\ntitle: \"Lũ\\e về\\0 sớm\"\ndate: 2024-03-05 08:00\ntags: [\"Miền\\x1bTây\"]\nsummary: \"Nước\\u0085 lên\"\n---\n\nNội\u{1b} dung.\n",
    );
    site.build_ok(&[]);
    assert_eq!(control_chars_in(&site.out), []);
    // The slugs come from the titles without the controls.
    let bao = site.read("thoi-su/31mbao-so-3/index.html");
    assert!(bao.contains("[31mBão số 3"), "{}", main_of(&bao));
    let lu = site.read("thoi-su/lu-ve-som/index.html");
    assert!(
        lu.contains("Lũ về sớm") && lu.contains("Nội dung."),
        "{}",
        main_of(&lu)
    );
    assert!(site.exists("tags/mientay/index.html"), "{:?}", site.files());
}

// Symbolic links: see src/walk.rs for the rule and why it is an error.

#[cfg(unix)]
const SECRET: &str = "-----BEGIN OPENSSH PRIVATE KEY----- bantin-test-secret";

/// A site with a secret beside it (not inside the site folder).
#[cfg(unix)]
fn site_with_secret() -> Site {
    let site = Site::fixture("minimal");
    std::fs::create_dir_all(site.tmp.join("outside")).unwrap();
    std::fs::write(site.tmp.join("outside/id_rsa"), SECRET).unwrap();
    site
}

/// Whether any output file holds the secret's bytes.
#[cfg(unix)]
fn secret_published(site: &Site) -> bool {
    site.out.exists()
        && common::read_tree(&site.out)
            .values()
            .any(|b| b.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()))
}

#[cfg(unix)]
#[test]
fn links_out_of_the_site_are_errors_and_nothing_is_published() {
    use std::os::unix::fs::symlink;
    let site = site_with_secret();
    site.build_ok(&[]);
    let before = common::read_tree(&site.out);
    symlink(
        "../../../outside/id_rsa",
        site.path("content/thoi-su/key.jpg"),
    )
    .unwrap();
    symlink("../outside", site.path("static")).unwrap();
    let run = site.build(&[]);
    run.assert_code(1);
    let outside = std::fs::canonicalize(site.tmp.join("outside")).unwrap();
    let help = "  help: copy the file into the site instead of linking to it: bantin never publishes files from outside the site folder";
    assert_eq!(
        run.stderr,
        format!(
            "error: content/thoi-su/key.jpg: symbolic link to {}, which is outside the site folder\n{help}\n1 error found; nothing was written\n",
            outside.join("id_rsa").display()
        )
    );
    assert!(!secret_published(&site));
    assert_eq!(
        common::read_tree(&site.out),
        before,
        "the old output is untouched"
    );
    // With the content link gone, the linked static/ folder is refused too.
    site.remove("content/thoi-su/key.jpg");
    let run = site.build(&[]);
    run.assert_code(1);
    assert_eq!(
        run.stderr,
        format!(
            "error: static: symbolic link to {}, which is outside the site folder\n{help}\n1 error found; nothing was written\n",
            outside.display()
        )
    );
    assert!(!secret_published(&site));
}

#[cfg(unix)]
#[test]
fn links_inside_the_site_still_work() {
    use std::os::unix::fs::symlink;
    let site = Site::fixture("minimal");
    site.write("shared/anh.svg", "<svg>chung</svg>");
    symlink("../../shared/anh.svg", site.path("content/thoi-su/anh.svg")).unwrap();
    std::fs::create_dir_all(site.path("static")).unwrap();
    symlink("../shared", site.path("static/chung")).unwrap();
    site.build_ok(&[]);
    assert_eq!(site.read("thoi-su/anh.svg"), "<svg>chung</svg>");
    assert_eq!(site.read("chung/anh.svg"), "<svg>chung</svg>");
}

#[cfg(unix)]
#[test]
fn broken_links_and_loops_are_named() {
    use std::os::unix::fs::symlink;
    let site = Site::fixture("minimal");
    symlink("khong-co.jpg", site.path("content/thoi-su/mat.jpg")).unwrap();
    symlink(".", site.path("content/thoi-su/vong")).unwrap();
    let run = site.build(&[]);
    run.assert_code(1);
    assert_eq!(
        run.stderr,
        "error: content/thoi-su/mat.jpg: broken symbolic link: its target khong-co.jpg does not exist\n  help: remove the link, or point it at a file inside the site\nerror: content/thoi-su/vong: symbolic link loop: it leads back to content/thoi-su, which contains it\n  help: remove the link, or point it at a folder that does not contain it\n2 errors found; nothing was written\n"
    );
    assert!(!site.out.exists());
}

#[cfg(unix)]
#[test]
fn a_content_folder_that_is_a_link_loop_is_not_called_missing() {
    let site = Site::fixture("minimal");
    std::fs::remove_dir_all(site.path("content")).unwrap();
    std::os::unix::fs::symlink("content", site.path("content")).unwrap();
    let run = site.build(&[]);
    run.assert_code(1);
    assert_eq!(
        run.stderr,
        "error: content: symbolic link loop: it points to content, and following the links never reaches a file or folder\n  help: remove the link, or point it at a file or folder inside the site\n1 error found; nothing was written\n"
    );
    assert!(!site.out.exists());
}
