//! The search index files a build writes for `tests/fixtures/search`: what
//! a query without diacritics must find in them, the page and the header
//! box, and `search:` in config.yaml. The browser side is in tests/browser.rs.

mod common;

use common::Site;
use serde_json::Value;

fn json(site: &Site, rel: &str) -> Value {
    serde_json::from_str(&site.read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The (document, score) pairs of one spelling in a shard.
fn postings(shard: &Value, folded: &str, spelling: &str) -> Vec<(u64, u64)> {
    let list = shard[folded][spelling]
        .as_array()
        .unwrap_or_else(|| panic!("no {spelling} under {folded}: {shard}"));
    let mut doc = 0;
    list.chunks(2)
        .map(|p| {
            doc += p[0].as_u64().unwrap();
            (doc, p[1].as_u64().unwrap())
        })
        .collect()
}

#[test]
fn index_keeps_every_spelling_under_its_folded_form() {
    let site = Site::fixture("search");
    site.build_ok(&[]);
    let meta = json(&site, "tim-kiem/index/meta.json");
    assert_eq!(meta["n"], 6);
    assert_eq!(
        meta["sections"],
        serde_json::json!(["kinh-te", "thoi-su", "van-hoa"])
    );
    // Oldest first: 2022 is document 0.
    assert_eq!(
        meta["years"],
        serde_json::json!([[2022, 0], [2023, 1], [2024, 2]])
    );

    // `đ` folds to `d`: "Điện" is under "dien", "Đầu" under "dau".
    let di = json(&site, "tim-kiem/index/s/di.json");
    let dien = postings(&di, "dien", "điện");
    assert_eq!(dien.iter().map(|p| p.0).collect::<Vec<_>>(), [0, 2]);
    let da = json(&site, "tim-kiem/index/s/da.json");
    assert!(da["dau"]["đầu"].is_array(), "{da}");
    assert!(da["da"]["đà"].is_array(), "{da}");

    // "bão" and "báo" share "bao" and stay apart; a title word weighs more.
    let ba = json(&site, "tim-kiem/index/s/ba.json");
    assert_eq!(postings(&ba, "bao", "bão"), [(1, 8 + 1)]);
    let bao = postings(&ba, "bao", "báo");
    assert_eq!(bao.len(), 1);
    assert!(bao[0].1 > 8 + 1, "{bao:?}");

    // Positions of "đà" and "nẵng" side by side in the Đà Nẵng articles.
    let dap = json(&site, "tim-kiem/index/sp/da.json");
    let nap = json(&site, "tim-kiem/index/sp/na.json");
    assert!(dap["da"]["đà"].is_array() && nap["nang"]["nẵng"].is_array());

    // What a result shows: path, title, date, section, image, snippet.
    let docs = json(&site, "tim-kiem/index/d/0.json");
    let cau = docs
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["t"] == "Thông xe cầu Đầu Sấu")
        .unwrap();
    assert_eq!(cau["u"], "/thoi-su/thong-xe-cau-dau-sau/");
    assert_eq!(cau["d"], "2024-05-02");
    assert_eq!(cau["s"], 1);
    assert_eq!(cau["i"], "https://example.org/img/cau.gif");
    assert_eq!(
        cau["x"],
        "Cây cầu mới nối hai bờ kênh sau hai năm thi công."
    );

    // The page, the box in every header and on the 404 page.
    let page = site.read("tim-kiem/index.html");
    assert!(page.contains("data-index=\"/tim-kiem/index/\""), "{page}");
    assert!(page.contains("aria-live=\"polite\""));
    assert!(page.contains("<label for=\"search-q\">"));
    assert!(page.contains("name=\"sites\" value=\"example.org\""));
    assert!(
        site.read("index.html")
            .contains("action=\"https://example.org/tim-kiem/\"")
    );
    assert!(site.read("404.html").contains("id=\"not-found-search-q\""));
}

#[test]
fn search_can_move_or_be_turned_off() {
    let site = Site::fixture("search");
    site.write(
        "config.yaml",
        "title: Báo\nbase_url: https://example.org/\nsearch:\n  enabled: true\n  path: tim\n",
    );
    site.build_ok(&[]);
    assert!(site.exists("tim/index.html") && site.exists("tim/index/meta.json"));
    assert!(
        site.read("index.html")
            .contains("action=\"https://example.org/tim/\"")
    );

    site.write(
        "config.yaml",
        "title: Báo\nbase_url: https://example.org/\nsearch:\n  enabled: false\n",
    );
    site.build_ok(&[]);
    assert!(!site.exists("tim/index.html") && !site.exists("tim/index/meta.json"));
    assert!(!site.read("index.html").contains("search-box"));
}

#[test]
fn search_path_taken_by_a_section_is_an_error() {
    let site = Site::fixture("search");
    site.write(
        "config.yaml",
        "title: Báo\nbase_url: https://example.org/\nsearch:\n  enabled: true\n  path: thoi-su\n",
    );
    let run = site.build(&[]);
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("the search page wants files that other pages also want: thoi-su/index.html"),
        "{}",
        run.stderr
    );
}
