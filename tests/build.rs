//! End-to-end builds of small fixture sites with the real `bantin` binary:
//! which files exist, where they link, what lists, feeds and archives hold.
//!
//! Fixtures (tests/fixtures/): `news` (two sections, a top-level page, raw and
//! Markdown articles, a draft, tags that test Vietnamese order and merging,
//! paginate_by 2), `bao` (base_url with a path), `collisions` (two articles
//! with one title), `minimal` (one article, a base for edits).

mod common;

use common::*;

const BASE: &str = "https://example.org/";

// The news fixture's published articles, newest first (what every list shows).
const A1: &str = "thoi-su/canh-bao-ma-doc-trong-tep-dinh-kem/";
const A2: &str = "thoi-su/phoi-hop-giu-gin-an-ninh-trat-tu-linh-vuc-lao-dong-cong-doan/";
const A3: &str = "the-thao/can-tho-thang-tran-mo-man/";
const A4: &str = "thoi-su/gia-xang-tang-giam/";
const A5: &str = "thoi-su/duong-pho-dem-giao-thua-an-toan/";
const A6: &str = "thoi-su/phao-hoa-chao-nam-moi-ben-song-hau/";
const A7: &str = "the-thao/dua-ghe-ngo-tren-song/";
const A8: &str = "gioi-thieu/";

const T1: &str = "Cảnh báo mã độc trong tệp đính kèm";
const T2: &str = "Phối hợp giữ gìn an ninh trật tự lĩnh vực lao động, công đoàn";
const T3: &str = "Cần Thơ thắng trận mở màn";
const T4: &str = "Giá \"xăng\" <tăng> & giảm";
const T5: &str = "Đường phố đêm giao thừa an toàn";
const T6: &str = "Pháo hoa chào năm mới bên sông Hậu";
const T7: &str = "Đua ghe ngo trên sông";
const T8: &str = "Giới thiệu";

/// Absolute URLs of site paths.
fn urls(paths: &[&str]) -> Vec<String> {
    paths.iter().map(|p| format!("{BASE}{p}")).collect()
}

fn news() -> Site {
    let site = Site::fixture("news");
    site.build_ok(&[]);
    site
}

#[test]
fn every_page_kind_is_written_and_nothing_else() {
    let site = Site::fixture("news");
    let run = site.build_ok(&[]);
    assert_eq!(run.warnings(), Vec::<&str>::new());
    let expected = [
        "2023/11/15/index.html",
        "2023/11/15/page/1/index.html",
        "2023/11/index.html",
        "2023/11/page/1/index.html",
        "2023/index.html",
        "2023/page/1/index.html",
        "2024/01/01/index.html",
        "2024/01/01/page/1/index.html",
        "2024/01/index.html",
        "2024/01/page/1/index.html",
        "2024/02/10/index.html",
        "2024/02/10/page/1/index.html",
        "2024/02/20/index.html",
        "2024/02/20/page/1/index.html",
        "2024/02/index.html",
        "2024/02/page/1/index.html",
        "2024/03/04/index.html",
        "2024/03/04/page/1/index.html",
        "2024/03/05/index.html",
        "2024/03/05/page/1/index.html",
        "2024/03/index.html",
        "2024/03/page/1/index.html",
        "2024/index.html",
        "2024/page/1/index.html",
        "2024/page/2/index.html",
        "2024/page/3/index.html",
        "404.html",
        "ads.txt",
        "archive/index.html",
        "atom.xml",
        "css/style.css",
        "gioi-thieu/index.html",
        "images/logo.svg",
        "index.html",
        "page/1/index.html",
        "page/2/index.html",
        "page/3/index.html",
        "page/4/index.html",
        "robots.txt",
        "rss.xml",
        "sitemap.xml",
        "tags/am-nhac/atom.xml",
        "tags/am-nhac/index.html",
        "tags/am-nhac/page/1/index.html",
        "tags/am-nhac/rss.xml",
        "tags/an-ninh/atom.xml",
        "tags/an-ninh/index.html",
        "tags/an-ninh/page/1/index.html",
        "tags/an-ninh/rss.xml",
        "tags/an-uong/atom.xml",
        "tags/an-uong/index.html",
        "tags/an-uong/page/1/index.html",
        "tags/an-uong/rss.xml",
        "tags/bong-da/atom.xml",
        "tags/bong-da/index.html",
        "tags/bong-da/page/1/index.html",
        "tags/bong-da/rss.xml",
        "tags/can-tho/atom.xml",
        "tags/can-tho/index.html",
        "tags/can-tho/page/1/index.html",
        "tags/can-tho/page/2/index.html",
        "tags/can-tho/rss.xml",
        "tags/do-thi/atom.xml",
        "tags/do-thi/index.html",
        "tags/do-thi/page/1/index.html",
        "tags/do-thi/rss.xml",
        "tags/du-lich/atom.xml",
        "tags/du-lich/index.html",
        "tags/du-lich/page/1/index.html",
        "tags/du-lich/rss.xml",
        "tags/index.html",
        "the-thao/atom.xml",
        "the-thao/can-tho-thang-tran-mo-man/index.html",
        "the-thao/dua-ghe-ngo-tren-song/index.html",
        "the-thao/index.html",
        "the-thao/page/1/index.html",
        "the-thao/rss.xml",
        "the-thao/san-van-dong.svg",
        "thoi-su/atom.xml",
        "thoi-su/canh-bao-ma-doc-trong-tep-dinh-kem/index.html",
        "thoi-su/duong-pho-dem-giao-thua-an-toan/index.html",
        "thoi-su/gia-xang-tang-giam/index.html",
        "thoi-su/index.html",
        "thoi-su/page/1/index.html",
        "thoi-su/page/2/index.html",
        "thoi-su/page/3/index.html",
        "thoi-su/phao-hoa-chao-nam-moi-ben-song-hau/index.html",
        "thoi-su/phoi-hop-giu-gin-an-ninh-trat-tu-linh-vuc-lao-dong-cong-doan/index.html",
        "thoi-su/rss.xml",
        "tim-kiem/index.html",
    ];
    // The search index is checked by tests/search.rs; here, only that it is
    // all under tim-kiem/index/, with the script beside the stylesheet.
    let files = site.files();
    let (index, mut pages): (Vec<String>, Vec<String>) = files
        .into_iter()
        .partition(|f| f.starts_with("tim-kiem/index/"));
    assert!(index.contains(&"tim-kiem/index/meta.json".to_string()));
    assert!(pages.contains(&"js/search.js".to_string()));
    pages.retain(|f| f != "js/search.js");
    assert_eq!(pages, expected);
    let total = expected.len() + 1 + index.len();
    assert_eq!(run.built_counts(), (8, total, total, 0));
}

#[test]
fn every_internal_link_resolves() {
    let site = news();
    let checked = assert_internal_links_resolve(&site.out, BASE);
    assert!(checked > 500, "only {checked} links checked");
}

#[test]
fn articles_live_at_section_slug_and_top_level_slug() {
    let site = news();
    for (path, title) in [(A5, T5), (A3, T3), (A8, T8)] {
        let html = site.read(&format!("{path}index.html"));
        assert!(
            html.contains(&format!("<link rel=\"canonical\" href=\"{BASE}{path}\">")),
            "{path}"
        );
        let h1 = format!("<h1 class=\"story-title\">{title}</h1>");
        assert!(html.contains(&h1), "{path}: no {h1}");
    }
    // A top-level article has no section: no kicker, no section feeds.
    let top = site.read("gioi-thieu/index.html");
    assert!(!main_of(&top).contains("class=\"kicker\""));
    // An article in a section links its section and advertises its feeds.
    let art = site.read(&format!("{A5}index.html"));
    assert!(main_of(&art).contains(&format!(
        "<p class=\"kicker\"><a href=\"{BASE}thoi-su/\">Thời sự</a></p>"
    )));
    assert!(art.contains(&format!(
        "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Báo Thử Nghiệm - Thời sự\" href=\"{BASE}thoi-su/rss.xml\">"
    )));
    // prev = older, next = newer, within the section.
    assert!(art.contains(&format!("<a href=\"{BASE}{A6}\" rel=\"prev\">")));
    assert!(art.contains(&format!("<a href=\"{BASE}{A4}\" rel=\"next\">")));
    // Tags link to their pages.
    assert!(art.contains(&format!(
        "<li><a href=\"{BASE}tags/an-ninh/\" rel=\"tag\">An ninh</a></li>"
    )));
    assert!(art.contains(&format!(
        "<li><a href=\"{BASE}tags/can-tho/\" rel=\"tag\">Cần Thơ</a></li>"
    )));
}

#[test]
fn home_is_paginated_and_page_1_redirects_home() {
    let site = news();
    let home = site.read("index.html");
    // Page 1: the five top stories (nothing featured: the newest), then each
    // section's newest not already shown, in menu order; no story twice.
    assert_eq!(article_links(&home), urls(&[A1, A2, A3, A4, A5, A6, A7]));
    assert!(home.contains(&format!("<a href=\"{BASE}page/2/\" rel=\"next\">")));
    assert!(!home.contains("rel=\"prev\""));
    assert_eq!(
        article_links(&site.read("page/2/index.html")),
        urls(&[A3, A4])
    );
    // An editor's `featured: true` leads the front page.
    let path = site.path("content/the-thao/dua-ghe.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("---\n", "---\nfeatured: true\n", 1)).unwrap();
    site.build_ok(&[]);
    assert_eq!(
        article_links(&site.read("index.html")),
        urls(&[A7, A1, A2, A3, A4, A5, A6])
    );
    assert_eq!(
        article_links(&site.read("page/3/index.html")),
        urls(&[A5, A6])
    );
    let last = site.read("page/4/index.html");
    // The top-level page (A8) is not news: in no list.
    assert_eq!(article_links(&last), urls(&[A7]));
    assert!(last.contains(&format!("<a href=\"{BASE}page/3/\" rel=\"prev\">")));
    assert!(!last.contains("rel=\"next\""));
    assert!(!site.exists("page/5/index.html"));
    assert!(
        last.contains(&format!("<link rel=\"canonical\" href=\"{BASE}page/4/\">")),
        "page 4 canonical"
    );

    let redirect = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>https://example.org/</title><link rel=\"canonical\" href=\"https://example.org/\"><meta name=\"robots\" content=\"noindex\"><meta http-equiv=\"refresh\" content=\"0; url=https://example.org/\"></head><body><a href=\"https://example.org/\">https://example.org/</a></body></html>\n";
    assert_eq!(site.read("page/1/index.html"), redirect);
}

#[test]
fn sections_are_paginated() {
    let site = news();
    let first = site.read("thoi-su/index.html");
    assert!(main_of(&first).contains("<h1>Thời sự</h1>"));
    assert!(main_of(&first).contains("<p class=\"count\">5 bài viết</p>"));
    assert_eq!(article_links(&first), urls(&[A1, A2]));
    assert_eq!(
        article_links(&site.read("thoi-su/page/2/index.html")),
        urls(&[A4, A5])
    );
    assert_eq!(
        article_links(&site.read("thoi-su/page/3/index.html")),
        urls(&[A6])
    );
    assert!(!site.exists("thoi-su/page/4/index.html"));
    assert!(
        site.read("thoi-su/page/1/index.html").contains(
            "<meta http-equiv=\"refresh\" content=\"0; url=https://example.org/thoi-su/\">"
        )
    );

    let sport = site.read("the-thao/index.html");
    assert_eq!(article_links(&sport), urls(&[A3, A7]));
    assert!(!sport.contains("class=\"pager\""));
    assert!(!site.exists("the-thao/page/2/index.html"));
}

/// (url, name, count) of every entry of `/tags/`.
fn tag_cloud(html: &str) -> Vec<(String, String, usize)> {
    let main = main_of(html);
    let cloud = &main[main.find("<ul class=\"tag-cloud\">").expect("tag cloud")..];
    let cloud = &cloud[..cloud.find("</ul>").expect("end of tag cloud")];
    cloud
        .lines()
        .filter(|l| l.starts_with("<li"))
        .map(|l| {
            let href = attr_values(l, "href").remove(0);
            let after_a = &l[l.find("\">").expect("a") + 2..];
            let after_li = &after_a[after_a.find("\">").map_or(0, |i| i + 2)..];
            let name =
                after_li[..after_li.find(" <span class=\"count\">").expect("count")].to_string();
            let c = &after_li[after_li.find("<span class=\"count\">").unwrap() + 20..];
            let count = c[..c.find('<').unwrap()].parse().unwrap();
            (href, unescape(&name), count)
        })
        .collect()
}

#[test]
fn tags_page_lists_tags_in_vietnamese_order_with_counts() {
    let site = news();
    let cloud = tag_cloud(&site.read("tags/index.html"));
    let expect =
        |slug: &str, name: &str, n: usize| (format!("{BASE}tags/{slug}/"), name.to_string(), n);
    assert_eq!(
        cloud,
        vec![
            expect("an-ninh", "An ninh", 1),
            expect("an-uong", "Ăn uống", 1),
            expect("am-nhac", "Âm nhạc", 1),
            expect("bong-da", "Bóng đá", 1),
            expect("can-tho", "Cần Thơ", 4),
            expect("du-lich", "Du lịch", 1),
            expect("do-thi", "Đô thị", 1),
        ]
    );
    assert!(
        site.read("tags/index.html")
            .contains("<p class=\"count\">7 chủ đề</p>")
    );
}

#[test]
fn tag_spellings_that_slug_alike_are_one_tag() {
    // "Cần Thơ" (3 articles) and "cần thơ" (1 article) are one tag, can-tho,
    // named by its most used spelling.
    let site = news();
    let tag = site.read("tags/can-tho/index.html");
    assert!(main_of(&tag).contains("<h1>Cần Thơ</h1>"));
    assert!(main_of(&tag).contains("<p class=\"count\">4 bài viết"));
    assert_eq!(article_links(&tag), urls(&[A3, A4]));
    assert_eq!(
        article_links(&site.read("tags/can-tho/page/2/index.html")),
        urls(&[A5, A6])
    );
    assert!(!site.exists("tags/can-tho/page/3/index.html"));
    assert!(!site.files().iter().any(|f| f.contains("can-tho-2")));
    // The article written with "cần thơ" links the merged tag under its common name.
    let a4 = site.read(&format!("{A4}index.html"));
    assert!(a4.contains(&format!(
        "<li><a href=\"{BASE}tags/can-tho/\" rel=\"tag\">Cần Thơ</a></li>"
    )));
    assert_eq!(
        child_texts(&site.read("tags/can-tho/rss.xml"), "item", "title"),
        [T3, T4, T5, T6]
    );
}

#[test]
fn date_archives_hold_their_articles() {
    let site = news();
    let year = site.read("2024/index.html");
    assert!(main_of(&year).contains("<p class=\"count\">6 bài viết</p>"));
    assert_eq!(article_links(&year), urls(&[A1, A2]));
    assert_eq!(
        article_links(&site.read("2024/page/2/index.html")),
        urls(&[A3, A4])
    );
    assert_eq!(
        article_links(&site.read("2024/page/3/index.html")),
        urls(&[A5, A6])
    );
    assert_eq!(
        article_links(&site.read("2024/03/index.html")),
        urls(&[A1, A2])
    );
    assert_eq!(
        article_links(&site.read("2024/03/04/index.html")),
        urls(&[A2])
    );
    // The top-level page (A8) is in no date archive.
    assert_eq!(article_links(&site.read("2023/index.html")), urls(&[A7]));
    assert!(!site.exists("2023/06/01/index.html"));
    // Month pages list their days, oldest first.
    let feb = site.read("2024/02/index.html");
    let days: Vec<String> = attr_values(main_of(&feb), "href")
        .into_iter()
        .filter(|h| h.starts_with(&format!("{BASE}2024/02/")) && h.len() > BASE.len() + 8)
        .collect();
    assert_eq!(days, urls(&["2024/02/10/", "2024/02/20/"]));

    let archive = main_of(&site.read("archive/index.html")).to_string();
    for (url, text) in [
        (
            "2024/",
            "Năm <time datetime=\"2024\">2024</time></a> <span class=\"count\">6 bài viết</span>",
        ),
        (
            "2023/",
            "Năm <time datetime=\"2023\">2023</time></a> <span class=\"count\">1 bài viết</span>",
        ),
        (
            "2024/01/",
            "Tháng <time datetime=\"2024-01\">1/2024</time></a> <span class=\"count\">2<",
        ),
    ] {
        let want = format!("<a href=\"{BASE}{url}\">{text}");
        assert!(archive.contains(&want), "archive lacks {want}");
    }
    // Years newest first.
    assert!(archive.find("y2024").unwrap() < archive.find("y2023").unwrap());
}

#[test]
fn archives_use_the_site_timezone_date() {
    // dem-giao-thua.md: `2024-01-01 06:30` (site time); phao-hoa.md:
    // `2023-12-31T23:30:00Z`, the same instant. Both belong to 1 January 2024.
    let site = news();
    let day = site.read("2024/01/01/index.html");
    assert_eq!(article_links(&day), urls(&[A5, A6]));
    assert!(main_of(&day).contains("<p class=\"count\">2 bài viết</p>"));
    assert!(!site.files().iter().any(|f| f.starts_with("2023/12/")));
    let y2023 = site.read("2023/index.html");
    assert!(main_of(&y2023).contains("<p class=\"count\">1 bài viết</p>"));
    let a6 = site.read(&format!("{A6}index.html"));
    assert!(a6.contains(
        "<time datetime=\"2024-01-01T06:30:00+07:00\">Thứ Hai, 01/01/2024 - 06:30</time>"
    ));
    let rss = site.read("rss.xml");
    assert!(rss.contains("<pubDate>Mon, 01 Jan 2024 06:30:00 +0700</pubDate>"));
    assert!(site.read("sitemap.xml").contains(&format!(
        "<url><loc>{BASE}{A6}</loc><lastmod>2024-01-01T06:30:00+07:00</lastmod></url>"
    )));
}

#[test]
fn feeds_are_well_formed_and_hold_the_newest_articles() {
    let site = news();
    // Not T8: the top-level page is not news.
    let all = [T1, T2, T3, T4, T5, T6, T7];
    for (feed, title, items) in [
        ("rss.xml", "Báo Thử Nghiệm", &all[..]),
        (
            "thoi-su/rss.xml",
            "Báo Thử Nghiệm - Thời sự",
            &[T1, T2, T4, T5, T6][..],
        ),
        (
            "the-thao/rss.xml",
            "Báo Thử Nghiệm - Thể thao",
            &[T3, T7][..],
        ),
        (
            "tags/can-tho/rss.xml",
            "Báo Thử Nghiệm - Cần Thơ",
            &[T3, T4, T5, T6][..],
        ),
        (
            "tags/am-nhac/rss.xml",
            "Báo Thử Nghiệm - Âm nhạc",
            &[T6][..],
        ),
    ] {
        let xml = site.read(feed);
        assert_well_formed_xml(&xml);
        let channel = elements(&xml, "channel").remove(0);
        assert_eq!(element_texts(channel, "title")[0], title, "{feed}");
        assert_eq!(child_texts(&xml, "item", "title"), items, "{feed}");
        assert!(
            xml.contains(&format!(
                "<atom:link href=\"{BASE}{feed}\" rel=\"self\" type=\"application/rss+xml\"/>"
            )),
            "{feed} self link"
        );
        let atom_path = feed.replace("rss.xml", "atom.xml");
        let atom = site.read(&atom_path);
        assert_well_formed_xml(&atom);
        assert_eq!(child_texts(&atom, "entry", "title"), items, "{atom_path}");
        assert!(atom.contains(&format!("<id>{BASE}{atom_path}</id>")));
    }
    let rss = site.read("rss.xml");
    assert_eq!(
        child_texts(&rss, "item", "link"),
        urls(&[A1, A2, A3, A4, A5, A6, A7])
    );
    assert_eq!(
        child_texts(&rss, "item", "guid"),
        urls(&[A1, A2, A3, A4, A5, A6, A7])
    );
    assert!(rss.contains("<lastBuildDate>Tue, 05 Mar 2024 09:15:00 +0700</lastBuildDate>"));
    assert!(
        site.read("atom.xml")
            .contains("<updated>2024-03-05T09:15:00+07:00</updated>")
    );
    // Day, month and year archives have no feeds.
    assert!(
        !site
            .files()
            .iter()
            .any(|f| f.starts_with("20") && f.ends_with(".xml"))
    );
}

#[test]
fn feed_text_is_escaped() {
    let site = news();
    let rss = site.read("rss.xml");
    assert!(rss.contains("<title>Giá &quot;xăng&quot; &lt;tăng&gt; &amp; giảm</title>"));
    assert!(rss.contains(
        "<description>Giá xăng &lt;b&gt;điều chỉnh&lt;/b&gt; &amp; dầu giữ nguyên.</description>"
    ));
    assert!(!rss.contains("<tăng>") && !rss.contains("<b>"));
    let atom = site.read("atom.xml");
    assert!(atom.contains("<title>Giá &quot;xăng&quot; &lt;tăng&gt; &amp; giảm</title>"));
    assert!(atom.contains("<category term=\"can-tho\" label=\"Cần Thơ\"/>"));
    // And in HTML.
    let page = site.read(&format!("{A4}index.html"));
    assert!(
        page.contains(
            "<h1 class=\"story-title\">Giá &quot;xăng&quot; &lt;tăng&gt; &amp; giảm</h1>"
        )
    );
    assert!(
        page.contains(
            "<title>Giá &quot;xăng&quot; &lt;tăng&gt; &amp; giảm - Báo Thử Nghiệm</title>"
        )
    );
}

#[test]
fn feeds_hold_at_most_20_items() {
    let site = Site::fixture("news");
    for d in 1..=15 {
        site.write(
            &format!("content/tin-nhanh/tin-{d:02}.md"),
            &format!("---\ntitle: \"Tin nhanh số {d}\"\ndate: 2024-04-{d:02} 08:00\n---\n\nNội dung {d}.\n"),
        );
    }
    site.build_ok(&[]);
    let mut want: Vec<String> = (1..=15)
        .rev()
        .map(|d| format!("Tin nhanh số {d}"))
        .collect();
    want.extend([T1, T2, T3, T4, T5].map(String::from));
    let rss = site.read("rss.xml");
    assert_well_formed_xml(&rss);
    assert_eq!(child_texts(&rss, "item", "title"), want);
    assert_eq!(child_texts(&site.read("atom.xml"), "entry", "title"), want);
    let section = site.read("tin-nhanh/rss.xml");
    assert_eq!(elements(&section, "item").len(), 15);
    // The home page still lists all 22 articles (not the top-level page):
    // 11 pages of 2.
    assert!(site.exists("page/11/index.html"));
    assert!(!site.exists("page/12/index.html"));
}

#[test]
fn sitemap_robots_and_404() {
    let site = news();
    let sitemap = site.read("sitemap.xml");
    assert_well_formed_xml(&sitemap);
    let locs = element_texts(&sitemap, "loc");
    // 7 articles and a page, home, 2 sections, 7 tags, 6 days, 4 months, 2 years, /tags/,
    // /archive/.
    assert_eq!(locs.len(), 32, "{locs:#?}");
    assert_eq!(locs[..8], urls(&[A1, A2, A3, A4, A5, A6, A7, A8])[..]);
    for must in [
        "",
        "thoi-su/",
        "the-thao/",
        "tags/",
        "tags/do-thi/",
        "archive/",
        "2024/01/01/",
        "2023/",
    ] {
        assert!(
            locs.contains(&format!("{BASE}{must}")),
            "sitemap lacks /{must}"
        );
    }
    assert!(!locs.iter().any(|l| l.contains("/page/")));
    assert!(sitemap.contains(&format!(
        "<url><loc>{BASE}{A2}</loc><lastmod>2024-03-04T18:48:00+07:00</lastmod></url>"
    )));

    assert_eq!(
        site.read("robots.txt"),
        "User-agent: *\nAllow: /\nSitemap: https://example.org/sitemap.xml\n"
    );

    let nf = site.read("404.html");
    assert!(nf.contains("<title>Không tìm thấy trang - Báo Thử Nghiệm</title>"));
    assert!(nf.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(main_of(&nf).contains(&format!(
        "<a class=\"button\" href=\"{BASE}\">Quay về trang chủ</a>"
    )));
}

#[test]
fn static_files_are_copied() {
    let site = news();
    let fixture = fixture_dir("news");
    for (out, src) in [
        ("ads.txt", fixture.join("static/ads.txt")),
        ("images/logo.svg", fixture.join("static/images/logo.svg")),
        // Files beside articles keep their place under content/.
        (
            "the-thao/san-van-dong.svg",
            fixture.join("content/the-thao/san-van-dong.svg"),
        ),
        (
            "css/style.css",
            repo_file("themes/default/static/css/style.css"),
        ),
    ] {
        assert_eq!(site.read_bytes(out), std::fs::read(&src).unwrap(), "{out}");
    }
    let html = site.read("index.html");
    assert!(html.contains(&format!(
        "<link rel=\"stylesheet\" href=\"{BASE}css/style.css\">"
    )));
    // A front-matter image is a site path under the base URL.
    assert!(
        site.read(&format!("{A3}index.html"))
            .contains(&format!("<img src=\"{BASE}images/logo.svg\" alt=\"{T3}\">"))
    );
}

#[test]
fn vietnamese_titles_make_ascii_slugs() {
    let site = news();
    for (title, path) in [(T2, A2), (T5, A5), (T7, A7), (T4, A4)] {
        assert!(
            site.exists(&format!("{path}index.html")),
            "{title} should be at /{path}"
        );
    }
    assert_eq!(
        A2,
        "thoi-su/phoi-hop-giu-gin-an-ninh-trat-tu-linh-vuc-lao-dong-cong-doan/"
    );
    // đ/Đ -> d, in article and tag slugs alike.
    assert_eq!(A5, "thoi-su/duong-pho-dem-giao-thua-an-toan/");
    assert!(site.exists("tags/do-thi/index.html"));
    for f in site.files() {
        assert!(f.is_ascii(), "non-ASCII output path {f}");
    }
}

#[test]
fn decomposed_title_gives_the_composed_slug_and_text() {
    // "Đồng bằng sông Cửu Long" typed with combining marks (NFD), as some
    // Mac and Word exports do.
    let site = Site::fixture("minimal");
    let nfd = "Đo\u{302}\u{300}ng ba\u{306}\u{300}ng so\u{302}ng Cu\u{31b}\u{309}u Long";
    site.write(
        "content/thoi-su/dbscl.md",
        &format!("---\ntitle: \"{nfd}\"\ndate: 2024-05-05 08:00\ntags: [\"Mie\u{302}\u{300}n Ta\u{302}y\"]\n---\n\nx\n"),
    );
    site.build_ok(&[]);
    let html = site.read("thoi-su/dong-bang-song-cuu-long/index.html");
    assert!(html.contains("<h1 class=\"story-title\">Đồng bằng sông Cửu Long</h1>"));
    assert!(site.exists("tags/mien-tay/index.html"));
    assert!(html.contains("rel=\"tag\">Miền Tây</a>"));
}

#[test]
fn same_title_older_article_keeps_the_plain_slug() {
    let site = Site::fixture("collisions");
    let run = site.build_ok(&[]);
    assert_eq!(
        run.warnings(),
        [
            "warning: content/thoi-su/a-moi.md:2:1: URL /thoi-su/mua-lon-gay-ngap/ is taken by content/thoi-su/b-cu.md; this article gets /thoi-su/mua-lon-gay-ngap-2/ (set `slug:` to choose)"
        ]
    );
    let older = site.read("thoi-su/mua-lon-gay-ngap/index.html");
    assert!(older.contains("<p>Bản tin cũ hơn.</p>"));
    let newer = site.read("thoi-su/mua-lon-gay-ngap-2/index.html");
    assert!(newer.contains("<p>Bản tin mới hơn.</p>"));
    assert!(!site.exists("thoi-su/mua-lon-gay-ngap-3/index.html"));
}

#[test]
fn third_same_title_article_gets_3_and_names_the_plain_urls_holder() {
    let site = Site::fixture("collisions");
    site.write(
        "content/thoi-su/c-moi-nhat.md",
        "---\ntitle: \"Mưa lớn gây ngập\"\ndate: 2024-06-03 08:00\n---\n\nBản tin mới nhất.\n",
    );
    let run = site.build_ok(&[]);
    assert_eq!(
        run.warnings(),
        [
            "warning: content/thoi-su/a-moi.md:2:1: URL /thoi-su/mua-lon-gay-ngap/ is taken by content/thoi-su/b-cu.md; this article gets /thoi-su/mua-lon-gay-ngap-2/ (set `slug:` to choose)",
            "warning: content/thoi-su/c-moi-nhat.md:2:1: URL /thoi-su/mua-lon-gay-ngap/ is taken by content/thoi-su/b-cu.md; this article gets /thoi-su/mua-lon-gay-ngap-3/ (set `slug:` to choose)",
        ]
    );
    assert!(
        site.read("thoi-su/mua-lon-gay-ngap-3/index.html")
            .contains("<p>Bản tin mới nhất.</p>")
    );
}

#[test]
fn identical_explicit_slugs_in_one_section_are_an_error() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/cu.md",
        "---\ntitle: \"Bài cũ\"\ndate: 2024-01-01 08:00\nslug: trung-ten\n---\n\nx\n",
    );
    site.write(
        "content/thoi-su/moi.md",
        "---\ntitle: \"Bài mới\"\ndate: 2024-01-05 08:00\ntags: [\"A\"]\nslug: \"Trùng tên\"\n---\n\nx\n",
    );
    let run = site.build(&[]);
    run.assert_code(1);
    assert_eq!(
        run.stderr,
        "error: content/thoi-su/moi.md:5:1: slug \"trung-ten\" gives the URL /thoi-su/trung-ten/, already used by content/thoi-su/cu.md\n  help: give one of the two articles a different `slug:`\n1 error found; nothing was written\n"
    );
    assert!(!site.out.exists());
}

#[test]
fn identical_explicit_slugs_in_different_sections_are_fine() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/a.md",
        "---\ntitle: \"Một\"\ndate: 2024-01-01 08:00\nslug: tin-chinh\n---\n\nx\n",
    );
    site.write(
        "content/kinh-te/a.md",
        "---\ntitle: \"Hai\"\ndate: 2024-01-02 08:00\nslug: tin-chinh\n---\n\nx\n",
    );
    // A folder named as its title needs no _index.md.
    site.write(
        "content/Văn hóa/b.md",
        "---\ntitle: \"Ba\"\ndate: 2024-01-03 08:00\n---\n\nx\n",
    );
    let run = site.build_ok(&[]);
    assert!(site.read("index.html").contains(">Văn hóa</a>"));
    // The only warning: kinh-te/ has no title of its own.
    assert_eq!(
        run.warnings(),
        [
            "warning: content/kinh-te: section \"kinh-te\" has no title, so the menu shows its folder name; add content/kinh-te/_index.md with a line `title: \"...\"` (e.g. \"Thời sự\")"
        ]
    );
    assert!(site.exists("thoi-su/tin-chinh/index.html"));
    assert!(site.exists("kinh-te/tin-chinh/index.html"));
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let draft = "thoi-su/ban-nhap-chua-dang/index.html";
    let site = Site::fixture("news");
    let run = site.build_ok(&[]);
    assert_eq!(run.built_counts().0, 8);
    assert!(!site.exists(draft));
    assert!(!site.exists("tags/ban-nhap/index.html"));
    assert!(!site.exists("2024/03/10/index.html"));
    for f in site.files() {
        if f.ends_with(".html") || f.ends_with(".xml") {
            let text = site.read(&f);
            assert!(
                !text.contains("Bản nháp") && !text.contains("ban-nhap"),
                "draft leaks into {f}"
            );
        }
    }

    let with = site.build(&["--drafts"]);
    with.assert_ok();
    assert_eq!(with.built_counts().0, 9);
    assert!(
        site.read(draft)
            .contains("<h1 class=\"story-title\">Bản nháp chưa đăng</h1>")
    );
    assert!(site.exists("tags/ban-nhap/index.html"));
    assert!(site.exists("2024/03/10/index.html"));
    assert_eq!(
        child_texts(&site.read("rss.xml"), "item", "title")[0],
        "Bản nháp chưa đăng"
    );
    // And a later build without the flag takes them out again.
    site.build_ok(&[]);
    assert!(!site.exists(draft));
}

/// Every absolute http(s) URL in the output's HTML and XML files.
fn absolute_urls(site: &Site) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in site.files() {
        if !(f.ends_with(".html") || f.ends_with(".xml") || f.ends_with(".txt")) {
            continue;
        }
        let text = site.read(&f);
        let mut rest = text.as_str();
        while let Some(i) = rest.find("http") {
            rest = &rest[i..];
            let end = rest
                .find(|c: char| c == '"' || c == '<' || c.is_whitespace())
                .unwrap_or(rest.len());
            let url = &rest[..end];
            if url.starts_with("https://") || url.starts_with("http://") {
                out.push((f.clone(), url.to_string()));
            }
            rest = &rest[end.max(1)..];
        }
    }
    out
}

/// Namespace and schema URLs in feeds and sitemaps, not links of the site.
fn is_xml_namespace(url: &str) -> bool {
    url.starts_with("http://www.w3.org/")
        || url.starts_with("http://purl.org/")
        || url.starts_with("http://www.sitemaps.org/")
}

#[test]
fn base_url_with_a_path_prefixes_every_link() {
    let base = "https://example.org/bao/";
    let site = Site::fixture("bao");
    site.build_ok(&[]);
    // Every absolute URL of the site carries /bao/.
    for (file, url) in absolute_urls(&site) {
        // The search page's fallback without JavaScript is a web search.
        if is_xml_namespace(&url)
            || url.starts_with("https://example.com/")
            || url == "https://duckduckgo.com/"
        {
            continue;
        }
        assert!(url.starts_with(base), "{file}: {url}");
    }
    // Root-relative links too, and every one of them resolves.
    let checked = assert_internal_links_resolve(&site.out, base);
    assert!(checked > 100);

    let body =
        main_of(&site.read("thoi-su/mua-lon-gay-ngap-nhieu-tuyen-duong/index.html")).to_string();
    assert!(body.contains("<a href=\"/bao/tags/\">tất cả chủ đề</a>"));
    assert!(body.contains("<a href=\"/bao/archive/\">lưu trữ</a>"));
    assert!(body.contains("<img src=\"/bao/images/mua.svg\" alt=\"mưa\" />"));
    assert!(body.contains("<a href=\"https://example.com/a\">giữ nguyên</a>"));
    // Relative links and images are relative to the article's file, whose
    // neighbours are published in the section's folder.
    assert!(body.contains("<a href=\"/bao/thoi-su/anh.svg\">tương đối</a>"));
    assert!(body.contains("<img src=\"/bao/thoi-su/anh.svg\" alt=\"Ảnh minh họa\" />"));
    assert!(site.exists("thoi-su/anh.svg"));
    assert!(body.contains("<img src=\"https://example.org/bao/images/mua.svg\""));

    let home = site.read("index.html");
    assert!(home.contains("<link rel=\"canonical\" href=\"https://example.org/bao/\">"));
    assert!(
        home.contains("<link rel=\"stylesheet\" href=\"https://example.org/bao/css/style.css\">")
    );
    assert!(home.contains("<a href=\"https://example.org/bao/page/2/\" rel=\"next\">"));
    assert!(
        site.read("page/1/index.html")
            .contains("<meta http-equiv=\"refresh\" content=\"0; url=https://example.org/bao/\">")
    );
    let rss = site.read("rss.xml");
    assert!(rss.contains("<link>https://example.org/bao/</link>"));
    assert!(rss.contains(
        "<atom:link href=\"https://example.org/bao/rss.xml\" rel=\"self\" type=\"application/rss+xml\"/>"
    ));
    assert_eq!(
        child_texts(&rss, "item", "link"),
        [
            "https://example.org/bao/thoi-su/mua-lon-gay-ngap-nhieu-tuyen-duong/",
            "https://example.org/bao/thoi-su/nang-nong-keo-dai/",
        ]
    );
    assert!(site
        .read("tags/thoi-tiet/atom.xml")
        .contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"https://example.org/bao/tags/thoi-tiet/atom.xml\"/>"));
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("<url><loc>https://example.org/bao/</loc>"));
    assert!(sitemap.contains("<url><loc>https://example.org/bao/tags/</loc></url>"));
    assert_eq!(
        site.read("robots.txt"),
        "User-agent: *\nAllow: /\nSitemap: https://example.org/bao/sitemap.xml\n"
    );
    // The output tree itself does not get a bao/ folder.
    assert!(site.exists("index.html") && !site.out.join("bao").exists());
}

#[test]
fn base_url_flag_overrides_the_config() {
    let base = "https://tin.example.net/ban-in/";
    let site = Site::fixture("bao");
    site.build_ok(&["--base-url", "https://tin.example.net/ban-in"]);
    for (file, url) in absolute_urls(&site) {
        // The search page's fallback without JavaScript is a web search.
        if is_xml_namespace(&url)
            || url.starts_with("https://example.com/")
            || url == "https://duckduckgo.com/"
        {
            continue;
        }
        assert!(url.starts_with(base), "{file}: {url}");
    }
    assert_internal_links_resolve(&site.out, base);
    let body = site.read("thoi-su/mua-lon-gay-ngap-nhieu-tuyen-duong/index.html");
    assert!(body.contains("<a href=\"/ban-in/tags/\">tất cả chủ đề</a>"));
    assert!(!body.contains("\"/bao/") && !body.contains("example.org"));
    assert_eq!(
        site.read("robots.txt"),
        "User-agent: *\nAllow: /\nSitemap: https://tin.example.net/ban-in/sitemap.xml\n"
    );
    // The news fixture has base_url https://example.org/: root-relative links
    // stay as written until a path is added.
    let news = Site::fixture("news");
    news.build_ok(&["--base-url", "https://example.org/bao/"]);
    let a5 = news.read(&format!("{A5}index.html"));
    assert!(a5.contains("<a href=\"/bao/tags/\">chủ đề</a>"));
    assert!(a5.contains("<link rel=\"canonical\" href=\"https://example.org/bao/thoi-su/duong-pho-dem-giao-thua-an-toan/\">"));
}

#[test]
fn raw_text_article_page() {
    let site = news();
    let html = site.read(&format!("{A2}index.html"));
    let main = main_of(&html);
    assert!(html.contains(&format!("<title>{T2} - Báo Thử Nghiệm</title>")));
    assert!(main.contains(&format!("<h1 class=\"story-title\">{T2}</h1>")));
    assert!(main.contains(
        "<time datetime=\"2024-03-04T18:48:00+07:00\">Thứ Hai, 04/03/2024 - 18:48</time>"
    ));
    assert!(main.contains(
        "<p class=\"byline\"><span class=\"visually-hidden\">Tác giả: </span>Kiều Chinh</p>"
    ));
    assert!(html.contains("<meta name=\"author\" content=\"Kiều Chinh\">"));
    assert!(main.contains(
        "<p class=\"photo-caption\">Đại diện Công an TP Cần Thơ và LĐLĐ thành phố ký kết quy chế phối hợp.</p>"
    ));
    assert_eq!(main.matches("class=\"photo-caption\"").count(), 1);
    // The lead with its dateline is the first paragraph of the body.
    assert!(main.contains("<div class=\"story-body\">\n<p>(CT) - Chiều 4-3, Công an TP Cần Thơ"));
    // Export boilerplate and the credit line are not body text.
    assert!(!html.contains("Chia sẻ bài viết"));
    assert!(!main.contains("KIỀU CHINH"));
    assert!(!main.contains("Tin, ảnh:"));
    // The body keeps every paragraph: lead, caption, three more.
    let body = &main[main.find("<div class=\"story-body\">").unwrap()..];
    let body = &body[..body.find("</div>").unwrap()];
    assert_eq!(body.matches("<p").count(), 5);
    assert!(body.contains("phục vụ các mục tiêu phát triển kinh tế - xã hội, đảm bảo quốc phòng, an ninh thành phố.</p>"));
}

#[test]
fn raw_file_with_bom_and_crlf_reads_like_the_original() {
    // Windows exports: UTF-8 with a BOM and CRLF line endings.
    let site = Site::fixture("news");
    let original =
        std::fs::read_to_string(site.path("content/thoi-su/000_1bcfdb0c6c82e8ea.txt")).unwrap();
    site.remove("content/thoi-su/000_1bcfdb0c6c82e8ea.txt");
    std::fs::write(
        site.path("content/thoi-su/000_1bcfdb0c6c82e8ea.txt"),
        format!("\u{feff}{}", original.replace('\n', "\r\n")),
    )
    .unwrap();
    site.build_ok(&[]);
    let reference = news();
    assert_eq!(
        site.read(&format!("{A2}index.html")),
        reference.read(&format!("{A2}index.html"))
    );
    assert!(read_tree(&site.out) == read_tree(&reference.out));
}

#[test]

fn uppercase_txt_extension_is_a_raw_article() {
    let site = Site::fixture("minimal");
    std::fs::copy(
        fixture_dir("news").join("content/thoi-su/000_1bcfdb0c6c82e8ea.txt"),
        site.path("content/thoi-su/TIN.TXT"),
    )
    .unwrap();
    site.build_ok(&[]);
    assert!(site.exists(&format!("{A2}index.html")));
    assert!(
        !site.exists("thoi-su/TIN.TXT"),
        "the raw export is published as is"
    );
}

#[test]

fn assets_beside_articles_follow_the_section_url() {
    let site = Site::fixture("minimal");
    site.write(
        "content/Thể Thao/bong-chuyen.md",
        "---\ntitle: \"Bóng chuyền\"\ndate: 2024-01-01 10:00\n---\n\nx\n",
    );
    site.write(
        "content/Thể Thao/anh.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    site.build_ok(&[]);
    assert!(site.exists("the-thao/bong-chuyen/index.html"));
    assert_eq!(
        site.files()
            .into_iter()
            .filter(|f| f.ends_with("anh.svg"))
            .collect::<Vec<_>>(),
        ["the-thao/anh.svg"]
    );
}

#[test]
fn raw_text_is_never_markup() {
    let site = news();
    let html = site.read(&format!("{A1}index.html"));
    assert!(!html.contains("<script"), "raw <script> reached the page");
    let main = main_of(&html);
    assert!(main.contains("kèm tệp có đoạn mã &lt;script&gt;alert("));
    assert!(main.contains(")&lt;/script&gt; để lấy cắp mật khẩu."));
    assert!(!html.contains("Chia sẻ bài viết"));
    assert!(main.contains(
        "<p class=\"byline\"><span class=\"visually-hidden\">Tác giả: </span>Minh Anh</p>"
    ));
    // Lists and feeds carry the lead, not the markup either.
    assert!(!site.read("index.html").contains("<script"));
    assert!(!site.read("thoi-su/rss.xml").contains("<script"));
}

#[test]
fn builds_are_deterministic() {
    let site = Site::fixture("news");
    let a = site.tmp.join("out-a");
    let b = site.tmp.join("out-b");
    site.build_into(&a, &[]).assert_ok();
    site.build_into(&b, &[]).assert_ok();
    let ta = read_tree(&a);
    let tb = read_tree(&b);
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(v == &tb[k], "{k} differs between two builds");
    }
    assert_eq!(
        ta.len(),
        89 + 166,
        "pages, plus the search page, script and index"
    );
}

#[test]
fn rebuild_writes_nothing_and_keeps_mtimes() {
    let site = Site::fixture("news");
    let first = site.build_ok(&[]);
    let (articles, files, written, unchanged) = first.built_counts();
    assert_eq!((articles, written, unchanged), (8, files, 0));
    let before_tree = read_tree(&site.out);
    let before = mtimes(&site.out);
    // Let the clock move past any filesystem timestamp granularity.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = site.build_ok(&[]);
    assert_eq!(second.built_counts(), (8, files, 0, files));
    assert!(
        second.stderr.contains(&format!(
            ": {files} files (0 written, {files} unchanged) in "
        )),
        "{}",
        second.stderr
    );
    assert_eq!(mtimes(&site.out), before);
    assert!(read_tree(&site.out) == before_tree);
    // No staging or backup folders are left beside the output.
    let mut beside: Vec<String> = std::fs::read_dir(&site.tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    beside.sort();
    // Only the list of files the last build wrote and the lock file (never
    // deployed: they are not inside the output).
    assert_eq!(
        beside,
        [".out.bantin-lock", ".out.bantin-manifest", "out", "site"]
    );

    // A paragraph added after an article's first one (its summary): only that
    // article's own page changes, so only it is written.
    let text = std::fs::read_to_string(site.path("content/the-thao/dua-ghe.md")).unwrap();
    site.write(
        "content/the-thao/dua-ghe.md",
        &format!("{text}\nĐoạn văn bổ sung về giải đua.\n"),
    );
    // The search index changes only in the files of the new words (and the
    // article's own result entry); the other index files keep their bytes.
    let third = site.build_ok(&[]);
    let (_, files3, written3, unchanged3) = third.built_counts();
    assert_eq!(files3, files);
    assert_eq!(unchanged3, files - written3);
    let after = mtimes(&site.out);
    let changed: Vec<&String> = after.keys().filter(|k| after[*k] != before[*k]).collect();
    assert_eq!(written3, changed.len(), "{}", third.stderr);
    let (index, pages): (Vec<&String>, Vec<&String>) = changed
        .into_iter()
        .partition(|k| k.starts_with("tim-kiem/index/"));
    assert_eq!(pages, [&format!("{A7}index.html")]);
    let index_files = after
        .keys()
        .filter(|k| k.starts_with("tim-kiem/index/"))
        .count();
    assert!(
        !index.is_empty() && index.len() * 4 < index_files,
        "{} of {index_files} index files rewritten: {index:?}",
        index.len()
    );
}

#[test]
fn snapshot_article_main() {
    let site = news();
    insta::assert_snapshot!(
        "news_article_main",
        main_of(&site.read(&format!("{A5}index.html")))
    );
}

#[test]
fn snapshot_raw_article_main() {
    let site = news();
    insta::assert_snapshot!(
        "news_raw_article_main",
        main_of(&site.read(&format!("{A2}index.html")))
    );
}

#[test]
fn snapshot_home_main() {
    let site = news();
    insta::assert_snapshot!("news_home_main", main_of(&site.read("index.html")));
}
