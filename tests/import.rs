//! `bantin import` end to end: imported Markdown renders the same page as the
//! raw file, and no word of a story is lost, on the samples and on a
//! generated corpus of thousands of raw files.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{bantin, fixture_dir, main_of};

/// A raw article of the `example` fixture (a copy of one of the samples).
fn example_file(rel: &str) -> PathBuf {
    fixture_dir("example").join(rel)
}

fn write_site(dir: &Path) {
    std::fs::create_dir_all(dir.join("content/thoi-su")).unwrap();
    std::fs::write(
        dir.join("config.yaml"),
        "title: Báo\nbase_url: https://example.org/\ntag_rules:\n  - match: [\"công an\"]\n    tags: [\"An ninh trật tự\"]\n",
    )
    .unwrap();
}

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{:?} failed:\n{}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn imported_markdown_builds_the_same_page_as_the_raw_file() {
    let tmp = tempfile::tempdir().unwrap();
    let raw_site = tmp.path().join("raw");
    let md_site = tmp.path().join("md");
    write_site(&raw_site);
    write_site(&md_site);
    let sample = example_file("content/thoi-su/000_1bcfdb0c6c82e8ea.txt");
    let tricky = "05/03/2024 - 07:00\n\nTít có *sao* và <b>thẻ</b>\n\n(CT) - Mở đầu có [liên kết](x) & 1. số.\n\n# không phải tít\n\n- không phải danh sách\n\nẢnh: HOÀNG NAM\n\nĐoạn cuối có hai câu. Câu thứ hai.\n\nBài: AN - BÌNH\n\nChia sẻ bài viết\n";
    std::fs::copy(&sample, raw_site.join("content/thoi-su/a.txt")).unwrap();
    std::fs::write(raw_site.join("content/thoi-su/b.txt"), tricky).unwrap();
    run_ok(
        bantin()
            .args(["import"])
            .arg(raw_site.join("content/thoi-su"))
            .arg("--into")
            .arg(md_site.join("content/thoi-su"))
            .arg("--root")
            .arg(&md_site),
    );
    for site in [&raw_site, &md_site] {
        run_ok(bantin().arg("build").arg("--root").arg(site));
    }
    for page in [
        "thoi-su/phoi-hop-giu-gin-an-ninh-trat-tu-linh-vuc-lao-dong-cong-doan/index.html",
        "thoi-su/tit-co-sao-va-b-the-b/index.html",
    ] {
        let a = std::fs::read_to_string(raw_site.join("public").join(page)).unwrap();
        let b = std::fs::read_to_string(md_site.join("public").join(page)).unwrap();
        assert_eq!(main_of(&a), main_of(&b), "{page} differs");
    }
    let b =
        std::fs::read_to_string(md_site.join("public/thoi-su/tit-co-sao-va-b-the-b/index.html"))
            .unwrap();
    assert!(
        b.contains("<p>(CT) - Mở đầu có [liên kết](x) &amp; 1. số.</p>"),
        "{}",
        main_of(&b)
    );
    assert!(b.contains("<p class=\"photo-caption\">Ảnh: HOÀNG NAM</p>"));
    assert!(b.contains("An, Bình"), "byline lists both authors");
}

#[test]
fn import_never_overwrites_and_reports_bad_files() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("raw");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("1.txt"),
        "04/03/2024 - 18:48\n\nCùng tít\n\nMột.\n",
    )
    .unwrap();
    std::fs::write(
        src.join("2.txt"),
        "05/03/2024 - 18:48\n\nCùng tít\n\nHai.\n",
    )
    .unwrap();
    std::fs::write(src.join("3.txt"), "30/02/2024 - 10:00\n\nTít\n").unwrap();
    std::fs::write(src.join("4.txt"), "").unwrap();
    let into = tmp.path().join("out");
    let out = bantin()
        .arg("import")
        .arg(&src)
        .arg("--into")
        .arg(&into)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let s3 = src.join("3.txt");
    let s4 = src.join("4.txt");
    assert!(
        stderr.contains(&format!(
            "error: {}:1:1: invalid date 30/02/2024: month 2 of 2024 has 29 days",
            s3.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("error: {}:1:1: the file is empty", s4.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains("Imported 2 articles, 0 already imported, 2 failed"),
        "{stderr}"
    );
    assert!(into.join("cung-tit.md").is_file() && into.join("cung-tit-2.md").is_file());
    // A file at the slug's name that no longer says it was imported (replaced
    // by hand) is not import's: importing again picks a new name, and
    // --force, which only replaces import's own articles, leaves it too.
    std::fs::write(into.join("cung-tit.md"), "edited by hand").unwrap();
    let out = bantin()
        .arg("import")
        .arg(src.join("1.txt"))
        .arg("--into")
        .arg(&into)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(into.join("cung-tit.md")).unwrap(),
        "edited by hand"
    );
    assert!(
        into.join("cung-tit-3.md").is_file(),
        "a new name instead of overwriting"
    );
    run_ok(
        bantin()
            .arg("import")
            .arg(src.join("1.txt"))
            .arg("--into")
            .arg(&into)
            .arg("--force"),
    );
    assert_eq!(
        std::fs::read_to_string(into.join("cung-tit.md")).unwrap(),
        "edited by hand"
    );
    assert!(!into.join("cung-tit-4.md").exists());
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn reimport_never_duplicates_an_edited_article() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("1.txt");
    std::fs::write(&src, "04/03/2024 - 18:48\n\nBão số 3\n\n(CT) - Gió mạnh.\n").unwrap();
    let into = tmp.path().join("md");
    let target = into.join("bao-so-3.md");
    let import = |force: bool| {
        let mut cmd = bantin();
        cmd.arg("import").arg(&src).arg("--into").arg(&into);
        if force {
            cmd.arg("--force");
        }
        let out = cmd.output().unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (code, stdout, _) = import(false);
    assert_eq!(code, Some(0));
    assert_eq!(
        stdout,
        format!("{} <- {}\n", target.display(), src.display())
    );
    let original = std::fs::read_to_string(&target).unwrap();
    assert!(
        original.contains("\nimported_from: 1.txt\nimported_sha256: "),
        "{original}"
    );

    let (code, stdout, stderr) = import(false);
    assert_eq!((code, stdout.as_str()), (Some(0), ""));
    assert_eq!(
        stderr,
        "Imported 0 articles, 1 already imported, 0 failed\n"
    );

    // An editor fixes the story; the same import runs again (a cron job, say).
    let edited = original.replace("Gió mạnh.", "Gió mạnh cấp 12.");
    std::fs::write(&target, &edited).unwrap();
    let (code, stdout, stderr) = import(false);
    assert_eq!((code, stdout.as_str()), (Some(0), ""));
    assert_eq!(
        stderr,
        format!(
            "{}: already imported as {} (edited since), skipped; --force replaces it\nImported 0 articles, 1 already imported (1 changed since, skipped), 0 failed\n",
            src.display(),
            target.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), edited);
    assert_eq!(file_names(&into), ["bao-so-3.md"]);

    // A corrected export of the same file is not a new story either.
    std::fs::write(
        &src,
        "04/03/2024 - 18:48\n\nBão số 3\n\n(CT) - Gió rất mạnh.\n",
    )
    .unwrap();
    let (code, _, stderr) = import(false);
    assert_eq!(code, Some(0));
    assert!(
        stderr.contains("already imported as")
            && stderr.contains("from another version of the file, skipped"),
        "{stderr}"
    );
    assert_eq!(file_names(&into), ["bao-so-3.md"]);

    // --force replaces that same file, never a new -2 one.
    let (code, stdout, _) = import(true);
    assert_eq!(code, Some(0));
    assert_eq!(
        stdout,
        format!("{} <- {} (replaced)\n", target.display(), src.display())
    );
    assert_eq!(file_names(&into), ["bao-so-3.md"]);
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("Gió rất mạnh.")
    );
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

/// Plain text of rendered HTML: tags dropped, the escapes bantin emits undone.
fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            c => out.push(c),
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Every word of every story body (title to credit) appears in the built
/// article page, in order.
fn assert_no_word_lost(raw_dir: &Path, limit: usize) -> usize {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    write_site(&site);
    let mut files: Vec<PathBuf> = std::fs::read_dir(raw_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files.truncate(limit);
    for f in &files {
        std::fs::copy(f, site.join("content/thoi-su").join(f.file_name().unwrap())).unwrap();
    }
    run_ok(
        bantin()
            .arg("import")
            .arg(site.join("content/thoi-su"))
            .arg("--into")
            .arg(site.join("md"))
            .arg("--root")
            .arg(&site),
    );
    // Build from the imported Markdown only.
    std::fs::remove_dir_all(site.join("content/thoi-su")).unwrap();
    std::fs::rename(site.join("md"), site.join("content/thoi-su")).unwrap();
    run_ok(bantin().arg("build").arg("--root").arg(&site));
    let list = run_ok(bantin().arg("list").arg("--root").arg(&site));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&list).unwrap();
    assert_eq!(rows.len(), files.len(), "one article per raw file");
    let by_title: std::collections::HashMap<String, Vec<String>> =
        rows.iter().fold(Default::default(), |mut m, r| {
            let path = r["url"]
                .as_str()
                .unwrap()
                .trim_start_matches("https://example.org/")
                .to_string();
            m.entry(r["title"].as_str().unwrap().to_string())
                .or_default()
                .push(path);
            m
        });
    for f in &files {
        let text = bantin::text::decode(&std::fs::read(f).unwrap()).unwrap();
        let raw = bantin::parse::raw_article::parse_raw(&text, &Default::default()).unwrap();
        let want: Vec<String> = raw.blocks.iter().flat_map(|b| words(b.text())).collect();
        let candidates = &by_title[&raw.title];
        let ok = candidates.iter().any(|p| {
            let html =
                std::fs::read_to_string(site.join("public").join(p).join("index.html")).unwrap();
            let got = words(&html_text(&html));
            let mut it = got.iter();
            want.iter().all(|w| it.any(|g| g == w))
                && raw.authors.iter().all(|a| html.contains(&a.name))
        });
        assert!(
            ok,
            "{}: a word of the story is missing from its page",
            f.display()
        );
    }
    files.len()
}

#[test]
fn no_word_is_lost_from_the_samples() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples");
    let dir = if samples.is_dir() {
        samples
    } else {
        example_file("content/thoi-su")
    };
    assert!(assert_no_word_lost(&dir, usize::MAX) >= 1);
}

/// A self-contained corpus of raw exports in every variant the parser knows,
/// built from the sentences of the example fixture's raw articles, so the word-for-word
/// check runs even where `gen_corpus.py` is not available.
fn write_variant_corpus(dir: &Path, n: usize) {
    let mut sentences: Vec<String> = Vec::new();
    for f in std::fs::read_dir(example_file("content/thoi-su"))
        .unwrap()
        .chain(std::fs::read_dir(example_file("content/xa-hoi")).unwrap())
    {
        let f = f.unwrap().path();
        if f.extension().is_some_and(|e| e == "txt") {
            let text = std::fs::read_to_string(&f).unwrap();
            for para in text
                .lines()
                .skip(3)
                .filter(|l| l.split_whitespace().count() > 12)
            {
                sentences.extend(
                    para.split(". ")
                        .map(|s| s.trim().trim_end_matches('.').to_string()),
                );
            }
        }
    }
    assert!(sentences.len() > 20);
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |m: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % m as u64) as usize
    };
    let weekdays = ["Thứ Hai, ", "Chủ nhật, ", "", "", ""];
    let datelines = ["(CT) - ", "(CT)- ", "(TTXVN) - ", "CẦN THƠ - ", ""];
    let credits = [
        "Tin, ảnh: KIỀU CHINH",
        "Bài, ảnh: NGỌC HÂN",
        "Bài và ảnh: MỸ THANH",
        "Tin: DUY KHÔI - TRÚC LINH",
        "Bài: HÀ VĂN, BẢO TRÂN",
        "Theo TTXVN",
        "Nguồn: Báo Chính phủ",
        "",
    ];
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        let mut s = |k: usize| {
            (0..k)
                .map(|_| sentences[next(sentences.len())].clone())
                .collect::<Vec<_>>()
                .join(". ")
                + "."
        };
        let date = format!(
            "{}{:02}/{:02}/20{:02}{}{:02}:{:02}",
            weekdays[i % weekdays.len()],
            1 + i % 28,
            1 + i % 12,
            20 + i % 6,
            [" - ", " ", " -  "][i % 3],
            i % 24,
            i % 60
        );
        let title = s(1).trim_end_matches('.').to_string() + if i % 7 == 0 { "\u{a0}" } else { "" };
        let mut body = vec![format!("{}{}", datelines[i % datelines.len()], s(3))];
        for p in 0..(2 + i % 5) {
            body.push(if p == 1 && i % 2 == 0 {
                s(1)
            } else {
                s(2 + p % 3)
            });
        }
        if i % 5 == 0 {
            body.push(format!("{} - Ảnh: HOÀNG NAM", s(1)));
        }
        let sep = ["\n\n", "\n\n\n", "\r\n\r\n"][i % 3];
        let mut text = [date, title]
            .into_iter()
            .chain(body)
            .collect::<Vec<_>>()
            .join(sep);
        let credit = credits[i % credits.len()];
        if !credit.is_empty() {
            text.push_str(sep);
            text.push_str(credit);
        }
        text.push_str(sep);
        text.push_str("Chia sẻ bài viết");
        let bytes = if i % 11 == 0 {
            [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()
        } else {
            text.into_bytes()
        };
        std::fs::write(dir.join(format!("{i:05}.txt")), bytes).unwrap();
    }
}

#[test]
fn no_word_is_lost_on_a_corpus_of_every_variant() {
    let tmp = tempfile::tempdir().unwrap();
    write_variant_corpus(&tmp.path().join("raw"), 2000);
    assert_eq!(
        assert_no_word_lost(&tmp.path().join("raw"), usize::MAX),
        2000
    );
}

#[test]
fn no_word_is_lost_on_a_generated_corpus() {
    let generator = std::env::var_os("BANTIN_CORPUS_GEN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            // In the repository, so this test runs everywhere.
            Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/corpus/gen_corpus.py")
        });
    assert!(
        generator.is_file(),
        "corpus generator {} not found",
        generator.display()
    );
    let tmp = tempfile::tempdir().unwrap();
    let status = Command::new("python3")
        .arg(&generator)
        .args(["--n", "3000", "--out"])
        .arg(tmp.path().join("c"))
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        assert_no_word_lost(&tmp.path().join("c/raw"), usize::MAX),
        3000
    );
}

#[test]
fn suggests_tag_rules_from_recurring_names() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("raw");
    std::fs::create_dir_all(&src).unwrap();
    for (i, body) in [
        "UBND TP Cần Thơ họp với LĐLĐ.",
        "LĐLĐ và UBND TP Cần Thơ ký kết.",
        "Trời mưa to.",
    ]
    .iter()
    .enumerate()
    {
        std::fs::write(
            src.join(format!("{i}.txt")),
            format!("0{}/03/2024 - 08:00\n\nTít {i}\n\n(CT) - {body}\n", i + 1),
        )
        .unwrap();
    }
    let out = bantin()
        .arg("import")
        .arg(&src)
        .arg("--into")
        .arg(tmp.path().join("out"))
        .args(["--dry-run", "--suggest-tags", "--root"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let snippet: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("tag_rules:"))
        .collect();
    assert_eq!(
        snippet,
        [
            "tag_rules:",
            "  - { match: [\"LĐLĐ\"], tags: [\"LĐLĐ\"] }  # 2",
            "  - { match: [\"UBND TP Cần Thơ\"], tags: [\"UBND TP Cần Thơ\"] }  # 2",
        ]
    );
    assert!(!tmp.path().join("out").exists(), "--dry-run writes nothing");
}

#[test]
fn import_puts_articles_in_the_given_section() {
    let tmp = tempfile::tempdir().unwrap();
    let sample = example_file("content/thoi-su/000_1bcfdb0c6c82e8ea.txt");
    let out = run_ok(
        bantin()
            .arg("import")
            .arg(&sample)
            .arg("--into")
            .arg(tmp.path().join("content"))
            .args(["--section", "thoi-su"]),
    );
    let written = tmp
        .path()
        .join("content/thoi-su/phoi-hop-giu-gin-an-ninh-trat-tu-linh-vuc-lao-dong-cong-doan.md");
    assert!(written.is_file());
    assert!(out.contains(&written.display().to_string()), "{out}");
}
