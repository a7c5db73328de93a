//! `serve`'s in-place update must give exactly the files a full build gives.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bantin::config::Config;
use bantin::site::{BuildOptions, Incremental, NoProgress, build, build_site, update_article};

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn example_site(tmp: &Path) -> PathBuf {
    let root = tmp.join("site");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for d in ["content", "static", "themes"] {
        copy_dir(&repo.join(d), &root.join(d));
    }
    std::fs::copy(repo.join("config.yaml"), root.join("config.yaml")).unwrap();
    root
}

#[test]
fn in_place_update_matches_a_full_build() {
    let tmp = tempfile::tempdir().unwrap();
    let root = example_site(tmp.path());
    let config = Config::load(&root).unwrap();
    let live = tmp.path().join("live");
    let mut built = build_site(
        &config,
        &BuildOptions {
            drafts: false,
            output: live.clone(),
        },
        &NoProgress,
    )
    .unwrap();

    // Edit the body, summary and title of an article with an explicit slug.
    let rel = Path::new("content/kinh-te/lua-phat-thai-thap-thoi-lai.md");
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let edited = text
        .replacen("title: \"", "title: \"[Cập nhật] ", 1)
        .replacen("summary: \"", "summary: \"Tin mới: ", 1)
        + "\nĐoạn bổ sung với **chữ đậm**.\n";
    assert_ne!(text, edited);
    std::fs::write(root.join(rel), &edited).unwrap();

    let result = update_article(&config, &mut built, rel, &live).unwrap();
    let Incremental::Applied { pages, written } = result else {
        panic!("expected an in-place update, got {result:?}")
    };
    assert!(pages < 40, "re-rendered {pages} files");
    assert!(written >= 3, "page, lists and feeds change: {written}");

    let full = tmp.path().join("full");
    build(
        &config,
        &BuildOptions {
            drafts: false,
            output: full.clone(),
        },
    )
    .unwrap();
    let (a, b) = (tree(&live), tree(&full));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &b {
        assert!(
            a[path] == *bytes,
            "{} differs from a full build",
            path.display()
        );
    }
}

#[test]
fn moved_articles_need_a_full_build() {
    let tmp = tempfile::tempdir().unwrap();
    let root = example_site(tmp.path());
    let config = Config::load(&root).unwrap();
    let live = tmp.path().join("live");
    let mut built = build_site(
        &config,
        &BuildOptions {
            drafts: false,
            output: live.clone(),
        },
        &NoProgress,
    )
    .unwrap();
    let rel = Path::new("content/kinh-te/lua-phat-thai-thap-thoi-lai.md");
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    // A new tag changes lists beyond this article's pages.
    std::fs::write(
        root.join(rel),
        text.replacen("tags: [", "tags: [\"Chủ đề mới\", ", 1),
    )
    .unwrap();
    assert_eq!(
        update_article(&config, &mut built, rel, &live).unwrap(),
        Incremental::NeedsFullBuild
    );
    // A file that is not an article of the site.
    assert_eq!(
        update_article(
            &config,
            &mut built,
            Path::new("content/kinh-te/moi.md"),
            &live
        )
        .unwrap(),
        Incremental::NeedsFullBuild
    );
    // A broken edit is an error, not a rebuild.
    std::fs::write(root.join(rel), "---\ntitle: [\n---\n").unwrap();
    assert!(update_article(&config, &mut built, rel, &live).is_err());
}

#[test]
fn cached_rebuild_matches_a_fresh_build() {
    use bantin::site::{ParseCache, build_site_with};
    let tmp = tempfile::tempdir().unwrap();
    let root = example_site(tmp.path());
    let config = Config::load(&root).unwrap();
    let live = tmp.path().join("live");
    let opts = BuildOptions {
        drafts: false,
        output: live.clone(),
    };
    let mut cache = ParseCache::default();
    build_site_with(&config, &opts, &NoProgress, Some(&mut cache)).unwrap();
    // A structural change: a new date moves the article in every list.
    let rel = Path::new("content/kinh-te/lua-phat-thai-thap-thoi-lai.md");
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    let moved = text
        .lines()
        .map(|l| {
            if l.starts_with("date:") {
                "date: 2022-06-01 09:00".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(root.join(rel), moved).unwrap();
    // And a deleted article.
    std::fs::remove_file(root.join("content/van-hoa/lang-nghe-hu-tieu-cai-rang.md")).unwrap();
    let report = build_site_with(&config, &opts, &NoProgress, Some(&mut cache))
        .unwrap()
        .report;
    assert!(report.stats.removed > 0 && report.stats.written > 0);
    let fresh = tmp.path().join("fresh");
    build(
        &config,
        &BuildOptions {
            drafts: false,
            output: fresh.clone(),
        },
    )
    .unwrap();
    assert!(
        tree(&live) == tree(&fresh),
        "a cached rebuild differs from a fresh build"
    );
    assert!(
        tree(&fresh).keys().any(|k| k.starts_with("2022/06/01")),
        "the moved article has its day archive"
    );
}

#[test]
fn structural_updates_match_a_fresh_build() {
    use bantin::site::{ParseCache, build_site_with, refresh_fingerprints, update_structure};
    let tmp = tempfile::tempdir().unwrap();
    let root = example_site(tmp.path());
    let config = Config::load(&root).unwrap();
    let live = tmp.path().join("live");
    let opts = BuildOptions {
        drafts: false,
        output: live.clone(),
    };
    let mut cache = ParseCache::default();
    let mut built = build_site_with(&config, &opts, &NoProgress, Some(&mut cache)).unwrap();
    refresh_fingerprints(&config, &mut built).unwrap();
    // Replaces the front-matter line starting with `key:`.
    let set = |rel: &str, key: &str, line: &str| {
        let text = std::fs::read_to_string(root.join(rel)).unwrap();
        let new: Vec<String> = text
            .lines()
            .map(|l| {
                if l.starts_with(key) {
                    line.to_string()
                } else {
                    l.to_string()
                }
            })
            .collect();
        std::fs::write(root.join(rel), new.join("\n")).unwrap();
    };
    let steps = [
        // A new date moves the article in every list it is on.
        (
            "moved date",
            "content/kinh-te/lua-phat-thai-thap-thoi-lai.md",
            "date:",
            "date: 2022-06-01 09:00",
        ),
        // A new tag gets its pages; the article leaves another tag.
        (
            "new tag",
            "content/van-hoa/don-ca-tai-tu-ben-ninh-kieu.md",
            "tags:",
            "tags: [\"Nghệ thuật mới\", \"Cần Thơ\"]",
        ),
        // A new title without `slug:` changes the URL.
        (
            "new title",
            "content/xa-hoi/sot-xuat-huyet-tang-manh.md",
            "title:",
            "title: \"Sốt xuất huyết giảm nhờ diệt lăng quăng\"",
        ),
    ];
    // An in-place edit first: it must keep the fingerprints true.
    let body = "content/the-thao/san-choi-bong-da-thieu-nhi-phong-dien.md";
    let text = std::fs::read_to_string(root.join(body)).unwrap();
    std::fs::write(
        root.join(body),
        text.replacen("summary: \"", "summary: \"[Mới] ", 1),
    )
    .unwrap();
    let r = update_article(&config, &mut built, std::path::Path::new(body), &live).unwrap();
    assert!(matches!(r, Incremental::Applied { .. }), "{r:?}");
    for (what, rel, key, line) in steps {
        set(rel, key, line);
        let r = update_structure(&config, &mut built, &opts, &mut cache).unwrap();
        let Incremental::Applied { pages, .. } = r else {
            panic!("{what}: expected an incremental update, got {r:?}")
        };
        let fresh = tmp.path().join(format!("fresh-{what}"));
        build(
            &config,
            &BuildOptions {
                drafts: false,
                output: fresh.clone(),
            },
        )
        .unwrap();
        let (a, b) = (tree(&live), tree(&fresh));
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "{what}: the file lists differ"
        );
        for (path, bytes) in &b {
            assert!(
                a[path] == *bytes,
                "{what}: {} differs from a fresh build",
                path.display()
            );
        }
        assert!(
            pages < b.len(),
            "{what}: re-rendered {pages} of {} files",
            b.len()
        );
    }
    // A new article and a deleted one: only the pages that list them change.
    std::fs::write(
        root.join("content/kinh-te/moi.md"),
        "---\ntitle: Bài mới\ndate: 2024-12-30 08:00\ntags: [Kinh tế số]\n---\n\nx\n",
    )
    .unwrap();
    std::fs::remove_file(root.join("content/van-hoa/lang-nghe-hu-tieu-cai-rang.md")).unwrap();
    let r = update_structure(&config, &mut built, &opts, &mut cache).unwrap();
    assert!(
        matches!(r, Incremental::Applied { .. }),
        "new and deleted articles: {r:?}"
    );
    let fresh = tmp.path().join("fresh-new");
    build(
        &config,
        &BuildOptions {
            drafts: false,
            output: fresh.clone(),
        },
    )
    .unwrap();
    assert!(
        tree(&live) == tree(&fresh),
        "new and deleted articles: differs from a fresh build"
    );
    // A new section changes the menu on every page: a full build.
    std::fs::create_dir_all(root.join("content/suc-khoe")).unwrap();
    std::fs::write(
        root.join("content/suc-khoe/a.md"),
        "---\ntitle: Sức khỏe\ndate: 2024-12-29 08:00\n---\n\nx\n",
    )
    .unwrap();
    assert_eq!(
        update_structure(&config, &mut built, &opts, &mut cache).unwrap(),
        Incremental::NeedsFullBuild
    );
}
