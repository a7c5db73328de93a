//! The command line: `list` output, `init`, default paths and usage errors
//! (exit code 2).

mod common;

use common::*;
use serde_json::Value;

const KEYS: [&str; 9] = [
    "source", "url", "title", "date", "section", "tags", "authors", "draft", "status",
];

fn list(site: &Site, extra: &[&str]) -> Run {
    let mut cmd = site.bantin();
    cmd.arg("list").arg("--root").arg(&site.root).args(extra);
    let r = run(&mut cmd);
    r.assert_ok();
    r
}

fn is_rfc3339_vn(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 25
        && s.ends_with("+07:00")
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19..=24 => true,
            _ => c.is_ascii_digit(),
        })
}

#[test]
fn list_json_has_one_object_per_article_with_exactly_the_documented_keys() {
    let site = Site::fixture("news");
    let r = list(&site, &["--format", "json"]);
    assert_eq!(r.stderr, "");
    let v: Value = serde_json::from_str(&r.stdout).expect("valid JSON");
    let rows = v.as_array().expect("an array");
    // Every article, drafts included (flagged), newest first.
    assert_eq!(rows.len(), 9);
    for row in rows {
        let obj = row.as_object().expect("objects");
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort();
        let mut want = KEYS.to_vec();
        want.sort();
        assert_eq!(keys, want);
        let date = obj["date"].as_str().unwrap();
        assert!(is_rfc3339_vn(date), "date {date}");
        assert!(obj["tags"].is_array() && obj["authors"].is_array());
        assert!(obj["draft"].is_boolean());
        assert!(
            obj["url"]
                .as_str()
                .unwrap()
                .starts_with("https://example.org/")
        );
    }
    // Keys in the documented order in the text itself.
    let first_obj = &r.stdout[..r.stdout.find('}').unwrap()];
    let positions: Vec<usize> = KEYS
        .iter()
        .map(|k| first_obj.find(&format!("\"{k}\":")).expect(k))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{first_obj}");

    let dates: Vec<&str> = rows.iter().map(|r| r["date"].as_str().unwrap()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first");

    let find = |source: &str| -> &Value {
        rows.iter()
            .find(|r| r["source"] == source)
            .unwrap_or_else(|| panic!("{source} not listed"))
    };
    assert_eq!(
        find("content/thoi-su/000_1bcfdb0c6c82e8ea.txt"),
        &serde_json::json!({
            "source": "content/thoi-su/000_1bcfdb0c6c82e8ea.txt",
            "url": "https://example.org/thoi-su/phoi-hop-giu-gin-an-ninh-trat-tu-linh-vuc-lao-dong-cong-doan/",
            "title": "Phối hợp giữ gìn an ninh trật tự lĩnh vực lao động, công đoàn",
            "date": "2024-03-04T18:48:00+07:00",
            "section": "thoi-su",
            "tags": [],
            "authors": ["Kiều Chinh"],
            "draft": false,
            "status": "published"
        })
    );
    // An offset date is shown in site time.
    assert_eq!(
        find("content/thoi-su/phao-hoa.md")["date"],
        "2024-01-01T06:30:00+07:00"
    );
    // Top-level articles have no section.
    assert_eq!(find("content/gioi-thieu.md")["section"], Value::Null);
    assert_eq!(
        find("content/gioi-thieu.md")["url"],
        "https://example.org/gioi-thieu/"
    );
    assert_eq!(find("content/thoi-su/ban-nhap.md")["draft"], true);
    // Tags as written in the article.
    assert_eq!(
        find("content/thoi-su/gia-xang.md")["tags"],
        serde_json::json!(["cần thơ", "Đô thị"])
    );
}

#[test]
fn list_json_is_the_default_format() {
    let site = Site::fixture("news");
    assert_eq!(
        list(&site, &[]).stdout,
        list(&site, &["--format", "json"]).stdout
    );
}

#[test]
fn list_csv_has_a_header_and_quotes_fields() {
    let site = Site::fixture("news");
    let r = list(&site, &["--format", "csv"]);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "source,url,title,date,section,tags,authors,draft,status"
    );
    assert_eq!(lines.len(), 10);
    assert!(r.stdout.ends_with('\n'));
    assert!(lines.contains(
        &"content/thoi-su/gia-xang.md,https://example.org/thoi-su/gia-xang-tang-giam/,\"Giá \"\"xăng\"\" <tăng> & giảm\",2024-02-10T08:00:00+07:00,thoi-su,cần thơ; Đô thị,,false,published"
    ));
    assert!(lines.contains(
        &"content/thoi-su/000_1bcfdb0c6c82e8ea.txt,https://example.org/thoi-su/phoi-hop-giu-gin-an-ninh-trat-tu-linh-vuc-lao-dong-cong-doan/,\"Phối hợp giữ gìn an ninh trật tự lĩnh vực lao động, công đoàn\",2024-03-04T18:48:00+07:00,thoi-su,,Kiều Chinh,false,published"
    ));
    assert!(lines.contains(
        &"content/gioi-thieu.md,https://example.org/gioi-thieu/,Giới thiệu,2023-06-01T09:00:00+07:00,,,,false,published"
    ));
    // Same rows, same order as JSON.
    let json: Value = serde_json::from_str(&list(&site, &[]).stdout).unwrap();
    let json_sources: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    let csv_sources: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(json_sources, csv_sources);
}

#[test]
fn list_urls_match_the_built_site() {
    let site = Site::fixture("news");
    site.build_ok(&[]);
    let json: Value = serde_json::from_str(&list(&site, &[]).stdout).unwrap();
    for row in json.as_array().unwrap() {
        if row["draft"] == true {
            continue;
        }
        let url = row["url"].as_str().unwrap();
        let file = url_to_file(url, "https://example.org/").unwrap();
        assert!(site.exists(&file), "{url} listed but not built");
    }
}

#[test]

fn list_url_of_a_published_article_ignores_drafts() {
    // `list` indexes with drafts (so it can show them), but then the older
    // draft takes the plain slug and the published article is listed at
    // .../-2/, while `build` (without --drafts) publishes it at the plain URL.
    let site = Site::fixture("news");
    site.write(
        "content/thoi-su/nhap-cu.md",
        "---\ntitle: \"Pháo hoa chào năm mới bên sông Hậu\"\ndate: 2023-01-01 10:00\ndraft: true\n---\n\nBản nháp cũ.\n",
    );
    site.build_ok(&[]);
    let built = "thoi-su/phao-hoa-chao-nam-moi-ben-song-hau/index.html";
    assert!(site.read(built).contains("Màn pháo hoa kéo dài 15 phút"));
    let json: Value = serde_json::from_str(&list(&site, &[]).stdout).unwrap();
    let row = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["source"] == "content/thoi-su/phao-hoa.md")
        .unwrap();
    assert_eq!(
        row["url"],
        "https://example.org/thoi-su/phao-hoa-chao-nam-moi-ben-song-hau/"
    );
}

#[test]
fn list_reports_content_errors_like_build() {
    let site = Site::fixture("minimal");
    site.write("content/thoi-su/rong.txt", "");
    let mut cmd = site.bantin();
    cmd.arg("list").arg("--root").arg(&site.root);
    let r = run(&mut cmd);
    r.assert_code(1);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "error: content/thoi-su/rong.txt:1:1: the file is empty\n  help: a raw article starts with a date line `DD/MM/YYYY - HH:MM`, then the title and the text\n1 error found; nothing was written\n"
    );
}

#[test]
fn init_creates_a_site_that_builds() {
    let site = Site::empty();
    let mut cmd = site.bantin();
    cmd.arg("init").arg(&site.root);
    let r = run(&mut cmd);
    r.assert_ok();
    assert_eq!(
        r.stderr,
        format!(
            "Created a new site in {0}. Next: bantin build --root {0}\n",
            site.root.display()
        )
    );
    assert!(site.path("config.yaml").is_file());
    assert!(site.path("static").is_dir());
    assert_eq!(
        read_text(&site.path(".gitignore")),
        "/public\n/.public.bantin-*\n"
    );

    let mut cmd = site.bantin();
    cmd.arg("build").arg("--root").arg(&site.root);
    let b = run(&mut cmd);
    b.assert_ok();
    assert_eq!(b.warnings(), Vec::<&str>::new());
    assert_eq!(b.built_counts().0, 1);
    let public = site.root.join("public");
    let page = read_text(&public.join("thoi-su/chao-mung-den-voi-bantin/index.html"));
    assert!(page.contains("<h1 class=\"story-title\">Chào mừng đến với bantin</h1>"));
    assert!(page.contains("Thứ Hai, 04/03/2024 - 18:48"));
    for f in [
        "index.html",
        "404.html",
        "rss.xml",
        "atom.xml",
        "sitemap.xml",
        "robots.txt",
        "css/style.css",
        "tags/huong-dan/index.html",
        "2024/03/04/index.html",
    ] {
        assert!(public.join(f).is_file(), "{f}");
    }
    assert_internal_links_resolve(&public, "https://example.org/");
}

#[test]
fn init_takes_title_and_base_url() {
    let site = Site::empty();
    let mut cmd = site.bantin();
    cmd.arg("init").arg(&site.root).args([
        "--title",
        "Báo \"Cần Thơ\"",
        "--base-url",
        "https://baocantho.example/tin/",
    ]);
    run(&mut cmd).assert_ok();
    let mut cmd = site.bantin();
    cmd.arg("build").arg("--root").arg(&site.root);
    run(&mut cmd).assert_ok();
    let home = read_text(&site.root.join("public/index.html"));
    assert!(home.contains("<h1 class=\"site-title\"><a href=\"https://baocantho.example/tin/\">Báo &quot;Cần Thơ&quot;</a></h1>"));
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let site = Site::fixture("minimal");
    let before = read_tree(&site.root);
    let mut cmd = site.bantin();
    cmd.arg("init").arg(&site.root);
    let r = run(&mut cmd);
    r.assert_code(2);
    assert_eq!(
        r.stderr,
        format!(
            "error: {} exists and is not empty; choose a new folder\n",
            site.root.display()
        )
    );
    assert!(read_tree(&site.root) == before);
}

#[test]
fn build_defaults_to_the_current_folder_and_public() {
    let site = Site::fixture("minimal");
    let mut cmd = bantin();
    cmd.current_dir(&site.root).arg("build");
    let r = run(&mut cmd);
    r.assert_ok();
    let public = site.root.join("public");
    assert!(
        r.stderr
            .contains(&format!("Built 1 article into {}: ", public.display())),
        "{}",
        r.stderr
    );
    assert!(public.join("thoi-su/bai-mau/index.html").is_file());
    // A relative --output is taken from the current folder.
    let mut cmd = bantin();
    cmd.current_dir(&site.tmp)
        .args(["build", "--root", "site", "--output", "ra"]);
    run(&mut cmd).assert_ok();
    assert!(site.tmp.join("ra/thoi-su/bai-mau/index.html").is_file());
}

#[test]
fn timings_flag_prints_stage_times() {
    let site = Site::fixture("minimal");
    let r = site.build_ok(&["--timings"]);
    let line = r
        .stderr
        .lines()
        .find(|l| l.starts_with("timings: "))
        .unwrap_or_else(|| panic!("{}", r.stderr));
    for stage in ["load ", "parse ", "index ", "render+write ", "swap "] {
        assert!(line.contains(stage), "{line}");
    }
}

#[test]
fn missing_config_is_a_usage_error() {
    let site = Site::empty();
    std::fs::create_dir_all(&site.root).unwrap();
    let r = site.build(&[]);
    r.assert_code(2);
    assert_eq!(
        r.stderr,
        format!(
            "error: no config.yaml in {}: run bantin in a site folder, pass --root DIR, or create a site with `bantin init DIR`\n",
            site.root.display()
        )
    );
}

#[test]
fn output_folder_that_is_not_a_site_is_never_replaced() {
    let site = Site::fixture("minimal");
    std::fs::create_dir_all(&site.out).unwrap();
    std::fs::write(site.out.join("luan-van.docx"), "tài liệu quan trọng").unwrap();
    let r = site.build(&[]);
    r.assert_code(2);
    assert_eq!(
        r.stderr,
        format!(
            "error: refusing to replace {}: it is not empty and holds no built site (no index.html); choose an empty or new folder with --output\n",
            site.out.display()
        )
    );
    assert_eq!(list_files(&site.out), ["luan-van.docx"]);
}

#[test]
fn output_inside_content_is_refused() {
    let site = Site::fixture("minimal");
    let out = site.root.join("content/ra");
    let r = site.build_into(&out, &[]);
    r.assert_code(2);
    assert_eq!(
        r.stderr,
        format!(
            "error: the output folder {} is inside the site's content/; choose another --output\n",
            out.display()
        )
    );
    assert!(!out.exists());
}

#[test]
fn bad_arguments_are_usage_errors() {
    let site = Site::fixture("minimal");
    let mut cmd = site.bantin();
    cmd.args(["build", "--frobnicate"]);
    let r = run(&mut cmd);
    r.assert_code(2);
    assert!(
        r.stderr
            .starts_with("error: unexpected argument '--frobnicate' found"),
        "{}",
        r.stderr
    );

    let mut cmd = site.bantin();
    cmd.arg("list")
        .arg("--root")
        .arg(&site.root)
        .args(["--format", "xml"]);
    let r = run(&mut cmd);
    r.assert_code(2);
    assert!(
        r.stderr
            .starts_with("error: invalid value 'xml' for '--format <FORMAT>'"),
        "{}",
        r.stderr
    );

    let r = site.build(&["--base-url", "example.org"]);
    r.assert_code(2);
    assert_eq!(
        r.stderr,
        "error: base_url \"example.org\" must start with https:// or http://\n"
    );
    assert!(!site.out.exists());
}
