//! The everyday mistakes of editors in front matter: each is either read the
//! way the editor meant it or stopped with a message in the editor's words,
//! never dropped without a word (a misspelt `draft` once published a draft).

mod common;

use common::{Site, run};

fn article(fm: &str) -> String {
    format!("---\ntitle: Bài viết\ndate: 2024-03-04 18:48\n{fm}---\n\nNội dung.\n")
}

#[test]
fn misspelt_keys_are_errors_with_the_nearest_key() {
    let site = Site::fixture("minimal");
    site.write("content/thoi-su/a.md", &article("drafts: true\n"));
    site.write(
        "content/thoi-su/b.md",
        &article("titel: Tít\nimgae: /a.jpg\ntag: [Cần Thơ]\nvi_tri: Ninh Kiều\n"),
    );
    let r = site.build(&[]);
    r.assert_code(1);
    let help = "  help: fix the spelling, or put your own fields under `extra:`";
    for line in [
        "error: content/thoi-su/a.md:4:1: unknown key `drafts`; did you mean `draft`?",
        "error: content/thoi-su/b.md:4:1: unknown key `titel`; did you mean `title`?",
        "error: content/thoi-su/b.md:5:1: unknown key `imgae`; did you mean `image`?",
        "error: content/thoi-su/b.md:6:1: unknown key `tag`; did you mean `tags`?",
        "error: content/thoi-su/b.md:7:1: unknown key `vi_tri`\n",
    ] {
        assert!(r.stderr.contains(line), "{line}\n---\n{}", r.stderr);
    }
    assert!(r.stderr.contains(help), "{}", r.stderr);
    assert!(r.stderr.ends_with("5 errors found; nothing was written\n"));
    assert!(!site.out.exists(), "the draft was not published");
}

#[test]
fn custom_fields_live_under_extra() {
    let site = Site::fixture("minimal");
    site.remove("content/thoi-su/bai-mau.md");
    site.write(
        "content/thoi-su/a.md",
        &article("extra:\n  location: Ninh Kiều\nfeatured: true\n"),
    );
    site.write(
        "templates/article.html",
        "{{ page.extra.location }}|{{ page.extra.featured }}",
    );
    site.build_ok(&[]);
    assert_eq!(site.read("thoi-su/bai-viet/index.html"), "Ninh Kiều|true");
    site.write("content/thoi-su/a.md", &article("extra: Ninh Kiều\n"));
    let r = site.build(&[]);
    r.assert_code(1);
    assert!(
        r.stderr.contains(
            "error: content/thoi-su/a.md:4:8: `extra` is \"Ninh Kiều\"; it must be a set of keys"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn comma_separated_tags_and_authors_are_split() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/a.md",
        &article(
            "tags: \"Giao thông, Ô Môn, Cần Thơ\"\nauthors: \"Nguyễn Văn Đức, Trần Thị Ánh\"\n",
        ),
    );
    site.build_ok(&[]);
    for tag in ["giao-thong", "o-mon", "can-tho"] {
        assert!(site.exists(&format!("tags/{tag}/index.html")), "{tag}");
    }
    assert!(!site.exists("tags/giao-thong-o-mon-can-tho/index.html"));
    let r = run(site
        .bantin()
        .args(["list", "--format", "json", "--root"])
        .arg(&site.root));
    r.assert_ok();
    let list: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let a = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Bài viết")
        .unwrap();
    assert_eq!(
        a["authors"],
        serde_json::json!(["Nguyễn Văn Đức", "Trần Thị Ánh"])
    );
}

#[test]
fn a_mis_indented_list_item_is_an_error_not_one_merged_name() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/a.md",
        &article("authors:\n  - Nguyễn Văn Đức\n    - Trần Thị Ánh\n"),
    );
    let r = site.build(&[]);
    r.assert_code(1);
    assert!(
        r.stderr.contains(
            "error: content/thoi-su/a.md:6:5: this `- ` item of `authors` is indented deeper than the one above, so YAML joined them into one: \"Nguyễn Văn Đức - Trần Thị Ánh\"\n  help: start every `- ` item of a list in the same column"
        ),
        "{}",
        r.stderr
    );
    // A dash inside a name on one line is fine.
    site.write(
        "content/thoi-su/a.md",
        &article("authors:\n  - Duy Khôi - Trúc Linh\n"),
    );
    site.build_ok(&[]);
}

#[test]
fn dates_as_vietnamese_write_them() {
    let site = Site::fixture("minimal");
    for (i, date) in ["04/03/2024 - 18:48", "04/03/2024 18:48", "4/3/2024"]
        .iter()
        .enumerate()
    {
        site.write(
            &format!("content/thoi-su/a{i}.md"),
            &format!("---\ntitle: Bài {i}\ndate: \"{date}\"\n---\n\nx\n"),
        );
    }
    site.build_ok(&[]);
    let page = site.read("thoi-su/bai-0/index.html");
    assert!(
        page.contains("datetime=\"2024-03-04T18:48:00+07:00\""),
        "{page}"
    );
    let page = site.read("thoi-su/bai-2/index.html");
    assert!(page.contains("datetime=\"2024-03-04T00:00:00+07:00\""));
    site.write(
        "content/thoi-su/a0.md",
        "---\ntitle: Bài\ndate: \"31/04/2024 - 25:00\"\n---\n\nx\n",
    );
    let r = site.build(&[]);
    r.assert_code(1);
    assert!(
        r.stderr.contains(
            "content/thoi-su/a0.md:3:7: invalid date \"31/04/2024 - 25:00\": month 4 of 2024 has 30 days"
        ),
        "{}",
        r.stderr
    );
}
