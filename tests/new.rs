//! `bantin new`: a reporter starts an article; it is a draft until an editor
//! publishes it, never overwrites another, and takes the next id.

mod common;

use common::{Site, run};

fn new(site: &Site, args: &[&str]) -> common::Run {
    run(site
        .bantin()
        .env("SOURCE_DATE_EPOCH", "1726462800") // 2024-09-16 12:00 +07:00
        .env_remove("BANTIN_AUTHOR")
        .arg("new")
        .arg("--root")
        .arg(&site.root)
        .args(args))
}

#[test]
fn writes_a_draft_named_by_its_title_with_the_next_id() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/cu.md",
        "---\ntitle: Bài cũ\ndate: 2024-03-04 18:48\nid: 41\n---\n\nx\n",
    );
    // The section by its display name finds the existing folder.
    let r = new(
        &site,
        &["Thời sự", "Cầu Đầu Sấu thông xe", "--author", "Kiều Chinh"],
    );
    r.assert_ok();
    assert_eq!(r.stdout, "content/thoi-su/cau-dau-sau-thong-xe.md\n");
    assert_eq!(
        std::fs::read_to_string(site.path("content/thoi-su/cau-dau-sau-thong-xe.md")).unwrap(),
        "---\ntitle: \"Cầu Đầu Sấu thông xe\"\ndate: 2024-09-16 12:00\nauthors: [\"Kiều Chinh\"]\ntags: []\nid: 42\ndraft: true\n---\n\n"
    );
    // A second one with the same title: a new file and the next id.
    let r = new(&site, &["thoi-su", "Cầu Đầu Sấu thông xe"]);
    r.assert_ok();
    let second =
        std::fs::read_to_string(site.path("content/thoi-su/cau-dau-sau-thong-xe-2.md")).unwrap();
    assert!(second.contains("\nid: 43\n"), "{second}");
    // Drafts are not published until --drafts (or draft: true is removed).
    site.build_ok(&[]);
    assert!(!site.exists("thoi-su/cau-dau-sau-thong-xe/index.html"));
    site.build_ok(&["--drafts"]);
    assert!(site.exists("thoi-su/cau-dau-sau-thong-xe/index.html"));
}

#[test]
fn follows_the_sites_archetype_and_byline_from_the_environment() {
    let site = Site::fixture("minimal");
    site.write(
        "archetypes/article.md",
        "---\ntitle: {{ title }}\ndate: {{ date }}\nauthors: {{ authors }}\nid: {{ id }}\ndraft: true\nextra:\n  section_name: {{ section }}\n---\n\nViết sapo ở đây.\n",
    );
    let r = run(site
        .bantin()
        .env("SOURCE_DATE_EPOCH", "1726462800")
        .env("BANTIN_AUTHOR", "Ngọc Hân")
        .args(["new", "--root"])
        .arg(&site.root)
        .args(["kinh-te", "Giá lúa tăng"]));
    r.assert_ok();
    let text = std::fs::read_to_string(site.path("content/kinh-te/gia-lua-tang.md")).unwrap();
    assert_eq!(
        text,
        "---\ntitle: \"Giá lúa tăng\"\ndate: 2024-09-16 12:00\nauthors: [\"Ngọc Hân\"]\nid: 1\ndraft: true\nextra:\n  section_name: \"kinh-te\"\n---\n\nViết sapo ở đây.\n"
    );
    site.build_ok(&["--drafts"]);
}

#[test]
fn refuses_titles_and_sections_it_cannot_name_a_file_by() {
    let site = Site::fixture("minimal");
    let r = new(&site, &["thoi-su", "!!!"]);
    r.assert_code(2);
    assert!(
        r.stderr.contains("has no letters or digits"),
        "{}",
        r.stderr
    );
    let r = new(&site, &["../ngoai", "Tít"]);
    r.assert_code(2);
    assert!(r.stderr.contains("is not a section name"), "{}", r.stderr);
    assert!(!site.tmp.join("ngoai").exists());
}
