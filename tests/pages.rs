//! Pages are not articles: About and Contact have no byline, date or tags,
//! appear in no list, feed or archive, and are linked from the footer (or
//! the menu) of every page, with the masthead information a Vietnamese news
//! site must show.

mod common;

use bantin::config::Config;
use bantin::site::{BuildOptions, NoProgress, Site as Builder, Update};
use common::{Site, main_of, read_tree};

const CONFIG: &str = "title: \"Bản tin nhỏ\"\nbase_url: \"https://example.org/\"\ntag_rules:\n  - match: [\"Cần Thơ\"]\n    tags: [\"Cần Thơ\"]\nfooter:\n  licence: \"Giấy phép số 1/GP-BTTTT\"\n  editor_in_chief: \"Nguyễn Văn An\"\n";

fn site() -> Site {
    let site = Site::fixture("minimal");
    site.write("config.yaml", CONFIG);
    site.write(
        "content/gioi-thieu.md",
        "---\ntitle: Giới thiệu\ndate: 2024-03-05 08:00\nauthors: [Ban Biên tập]\n---\n\nTòa soạn đặt tại Cần Thơ.\n",
    );
    site.write(
        "content/thoi-su/quang-cao.md",
        "---\ntitle: Liên hệ quảng cáo\nkind: page\nmenu: main\ndate: 2024-03-06 08:00\n---\n\nBảng giá.\n",
    );
    site.write(
        "content/cam-on.md",
        "---\ntitle: Cảm ơn\nmenu: none\ndate: 2024-03-06 08:00\n---\n\nCảm ơn bạn đọc.\n",
    );
    site
}

#[test]
fn pages_are_in_no_list_feed_or_archive_and_show_no_byline() {
    let site = site();
    site.build_ok(&[]);
    let about = site.read("gioi-thieu/index.html");
    let main = main_of(&about);
    assert!(main.contains("<h1 class=\"story-title\">Giới thiệu</h1>"));
    for not in [
        "Ban Biên tập",
        "<time",
        "phút đọc",
        "story-tags",
        "rel=\"prev\"",
    ] {
        assert!(!main.contains(not), "a page shows {not}");
    }
    // tag_rules do not tag pages ("Cần Thơ" is in its text).
    let tag = site.read("tags/can-tho/index.html");
    assert!(!main_of(&tag).contains("gioi-thieu"), "{}", main_of(&tag));
    // The page in a section folder lives at the section's URL, outside its lists.
    assert!(site.exists("thoi-su/lien-he-quang-cao/index.html"));
    for list in [
        "index.html",
        "thoi-su/index.html",
        "rss.xml",
        "atom.xml",
        "2024/index.html",
    ] {
        let text = site.read(list);
        for slug in ["gioi-thieu", "lien-he-quang-cao", "cam-on"] {
            assert!(
                !main_of_or_all(&text).contains(&format!("/{slug}/")),
                "{list} lists {slug}"
            );
        }
    }
    assert!(!site.exists("2024/03/05/index.html"));
    // Pages are in the sitemap (search engines should find them).
    assert!(
        site.read("sitemap.xml")
            .contains("https://example.org/gioi-thieu/")
    );
}

/// `<main>` of an HTML page, or a whole feed.
fn main_of_or_all(text: &str) -> &str {
    if text.contains("<main") {
        main_of(text)
    } else {
        text
    }
}

#[test]
fn every_page_links_the_footer_and_menu_pages_and_shows_the_masthead() {
    let site = site();
    site.build_ok(&[]);
    for page in ["index.html", "thoi-su/bai-mau/index.html", "404.html"] {
        let html = site.read(page);
        let footer = &html[html.find("<footer").unwrap()..];
        assert!(
            footer.contains("<li><a href=\"https://example.org/gioi-thieu/\">Giới thiệu</a></li>"),
            "{page}"
        );
        assert!(!footer.contains("cam-on"), "menu: none is not linked");
        assert!(footer.contains("<dt>Giấy phép</dt> <dd>Giấy phép số 1/GP-BTTTT</dd>"));
        assert!(footer.contains("<dt>Tổng biên tập</dt> <dd>Nguyễn Văn An</dd>"));
        let nav = &html[html.find("class=\"section-nav\"").unwrap()..html.find("<main").unwrap()];
        assert!(
            nav.contains("href=\"https://example.org/thoi-su/lien-he-quang-cao/\""),
            "{page}: menu: main"
        );
    }
}

#[test]
fn a_wrong_menu_or_kind_is_an_error() {
    let site = site();
    site.write(
        "content/cam-on.md",
        "---\ntitle: Cảm ơn\nmenu: chan-trang\nkind: trang\ndate: 2024-03-06 08:00\n---\n\nx\n",
    );
    let r = site.build(&[]);
    r.assert_code(1);
    assert!(
        r.stderr
            .contains("content/cam-on.md:4:7: `kind` is \"trang\"; it must be `article` or `page`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "content/cam-on.md:3:7: `menu` is \"chan-trang\"; it must be `footer`, `main` or `none`"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn retitling_a_footer_page_in_serve_updates_every_page() {
    let site = site();
    let config = Config::load(&site.root).unwrap();
    let live = site.tmp.join("live");
    let mut builder = Builder::cached(config.clone(), BuildOptions::new(live.clone()));
    builder.build(&NoProgress).unwrap();
    site.write(
        "content/gioi-thieu.md",
        "---\ntitle: Về chúng tôi\ndate: 2024-03-05 08:00\n---\n\nTòa soạn.\n",
    );
    let changed = site.path("content/gioi-thieu.md");
    match builder.update(&[changed.as_path()]).unwrap() {
        Update::NeedsFullBuild => {
            builder.build(&NoProgress).unwrap();
        }
        Update::InPlace(_) | Update::Replanned(_) => {}
    }
    let fresh = site.tmp.join("fresh");
    Builder::new(config, BuildOptions::new(fresh.clone()))
        .build(&NoProgress)
        .unwrap();
    let (a, b) = (read_tree(&live), read_tree(&fresh));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(v == &b[k], "{k} differs from a fresh build");
    }
    assert!(String::from_utf8_lossy(&a["thoi-su/bai-mau/index.html"]).contains("Về chúng tôi"));
}
