//! Scheduled publishing and expiry: an embargoed story appears nowhere (no
//! page, list, feed, sitemap, archive or search entry) until its time, and an
//! expired one is taken down, with one clock (`--now`, `SOURCE_DATE_EPOCH`,
//! or the system's) deciding everything.

mod common;

use common::{Site, run};

const NOW: &str = "2024-09-16T12:00:00+07:00";

fn article(slug: &str, title: &str, date: &str, more: &str) -> String {
    format!(
        "---\ntitle: {title}\nslug: {slug}\ndate: {date}\ntags: [Cấm vận]\n{more}---\n\nNội dung riêng {slug}.\n"
    )
}

/// Every output file that mentions `needle`.
fn mentions(site: &Site, needle: &str) -> Vec<String> {
    common::read_tree(&site.out)
        .into_iter()
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains(needle))
        .map(|(path, _)| path)
        .collect()
}

#[test]
fn a_future_article_is_published_nowhere_until_its_time() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/embargo.md",
        &article("tin-cam-vận", "Tin giờ G", "2024-09-16 18:00", ""),
    );
    let r = site.build(&["--now", NOW]);
    r.assert_ok();
    assert!(
        r.stderr.contains("1 scheduled article not published yet; next: content/thoi-su/embargo.md goes live at 2024-09-16 18:00 +07:00: build again then"),
        "{}",
        r.stderr
    );
    assert_eq!(r.built_counts().0, 1, "only the fixture's own article");
    assert_eq!(mentions(&site, "tin-cam-v"), Vec::<String>::new());
    assert_eq!(mentions(&site, "Tin giờ G"), Vec::<String>::new());
    assert!(!site.exists("tags/cam-van/index.html"));

    // At its time (SOURCE_DATE_EPOCH as a reproducible build sets it).
    let r = run(site
        .bantin()
        .env("SOURCE_DATE_EPOCH", "1726484400") // 2024-09-16 18:00 +07:00
        .arg("build")
        .arg("--root")
        .arg(&site.root)
        .arg("--output")
        .arg(&site.out));
    r.assert_ok();
    assert!(!r.stderr.contains("scheduled"), "{}", r.stderr);
    let page = site.read("thoi-su/tin-cam-van/index.html");
    assert!(page.contains("Tin giờ G"));
    for list in [
        "index.html",
        "thoi-su/index.html",
        "tags/cam-van/index.html",
        "rss.xml",
        "sitemap.xml",
        "2024/09/16/index.html",
    ] {
        assert!(site.read(list).contains("tin-cam-van"), "{list}");
    }
}

#[test]
fn future_previews_scheduled_articles() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/embargo.md",
        &article("hen-gio", "Tin hẹn giờ", "2030-01-01 07:00", ""),
    );
    site.build_ok(&["--now", NOW, "--future"]);
    assert!(site.exists("thoi-su/hen-gio/index.html"));
    assert!(site.read("index.html").contains("hen-gio"));
}

#[test]
fn an_expired_article_is_taken_down() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/km.md",
        &article(
            "khuyen-mai",
            "Khuyến mãi",
            "2024-09-01 08:00",
            "expires: 2024-09-15 23:59\n",
        ),
    );
    let r = site.build(&["--now", "2024-09-10T12:00:00+07:00"]);
    r.assert_ok();
    assert!(
        r.stderr
            .contains("next: content/thoi-su/km.md expires at 2024-09-15 23:59 +07:00"),
        "{}",
        r.stderr
    );
    assert!(site.exists("thoi-su/khuyen-mai/index.html"));
    let r = site.build(&["--now", NOW]);
    r.assert_ok();
    assert!(
        r.stderr.contains("1 expired article taken down"),
        "{}",
        r.stderr
    );
    assert!(!site.exists("thoi-su/khuyen-mai/index.html"));
    assert_eq!(mentions(&site, "khuyen-mai"), Vec::<String>::new());
}

#[test]
fn list_shows_what_is_scheduled_and_expired() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/a.md",
        &article("sap-dang", "Sắp đăng", "2024-09-20 08:00", ""),
    );
    site.write(
        "content/thoi-su/b.md",
        &article(
            "het-han",
            "Hết hạn",
            "2024-09-01 08:00",
            "expires: 2024-09-02 08:00\n",
        ),
    );
    let r = run(site
        .bantin()
        .args(["list", "--format", "csv", "--now", NOW, "--root"])
        .arg(&site.root));
    r.assert_ok();
    let status = |slug: &str| {
        r.stdout
            .lines()
            .find(|l| l.contains(slug))
            .unwrap_or_else(|| panic!("{slug} listed:\n{}", r.stdout))
            .rsplit(',')
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(status("sap-dang"), "scheduled");
    assert_eq!(status("het-han"), "expired");
    assert_eq!(status("bai-mau"), "published");
}

#[test]
fn serve_publishes_a_scheduled_article_by_itself() {
    let site = Site::fixture("minimal");
    // Three seconds from now, in site time.
    let at = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_secs(3))
        .unwrap()
        .to_zoned_datetime(jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").unwrap());
    site.write(
        "content/thoi-su/soon.md",
        &article(
            "sap-len",
            "Sắp lên",
            &at.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            "",
        ),
    );
    let (_serve, port) = common::start_serve(&site.root, &[], |_| {});
    assert_eq!(common::http::get(port, "/thoi-su/sap-len/").0, 404);
    common::wait_for("the scheduled article to go live", || {
        common::http::get(port, "/thoi-su/sap-len/").0 == 200
    });
    assert!(common::http::get(port, "/").1.contains("sap-len"));
}

#[test]
fn check_builds_with_the_same_clock() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/embargo.md",
        &article("hen-gio", "Tin hẹn giờ", "2024-09-16 18:00", ""),
    );
    let check = |extra: &[&str]| {
        let r = run(site
            .bantin()
            .args(["check", "--root"])
            .arg(&site.root)
            .arg("--output")
            .arg(&site.out)
            .args(extra));
        r.assert_ok();
        site.exists("thoi-su/hen-gio/index.html")
    };
    assert!(!check(&["--now", NOW]));
    assert!(check(&["--now", NOW, "--future"]));
    assert!(check(&["--now", "2024-09-16T18:00:00+07:00"]));
}
