//! `serve`'s incremental paths must give exactly the files a full build gives:
//! an article edited in place, a rebuild from the parse cache, and updates
//! that re-index the site and re-render only the pages whose fingerprint
//! changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bantin::config::Config;
use bantin::incremental::Written;
use bantin::site::{BuildOptions, NoProgress, Site, Update};

mod common;

use common::{copy_dir, fixture_dir};

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

/// A copy of the `example` fixture, built once into `live` as `serve` builds it.
struct Live {
    _tmp: tempfile::TempDir,
    tmp: PathBuf,
    root: PathBuf,
    config: Config,
    site: Site,
}

impl Live {
    fn new() -> Live {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        copy_dir(&fixture_dir("example"), &root);
        let config = Config::load(&root).unwrap();
        let opts = BuildOptions::new(tmp.path().join("live"));
        let mut site = Site::cached(config.clone(), opts);
        site.build(&NoProgress).unwrap();
        Live {
            tmp: tmp.path().to_path_buf(),
            _tmp: tmp,
            root,
            config,
            site,
        }
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }

    /// Replaces the front-matter line starting with `key:`.
    fn set(&self, rel: &str, key: &str, line: &str) {
        let text = self.read(rel);
        let new: Vec<&str> = text
            .lines()
            .map(|l| if l.starts_with(key) { line } else { l })
            .collect();
        self.write(rel, &new.join("\n"));
    }

    fn output(&self) -> PathBuf {
        self.tmp.join("live")
    }

    /// What `serve` does when the files `rels` changed.
    fn try_update(&mut self, rels: &[&str]) -> anyhow::Result<Update> {
        let abs: Vec<PathBuf> = rels.iter().map(|r| self.root.join(r)).collect();
        let abs: Vec<&Path> = abs.iter().map(PathBuf::as_path).collect();
        self.site.update(&abs)
    }

    fn update(&mut self, rels: &[&str]) -> Update {
        self.try_update(rels).unwrap()
    }

    /// The live output equals a fresh build of the site as it is now; returns
    /// the fresh build's file count.
    #[track_caller]
    fn assert_same_as_fresh(&self, what: &str) -> usize {
        let fresh = self.tmp.join(format!("fresh-{what}"));
        let opts = BuildOptions::new(fresh.clone());
        Site::new(self.config.clone(), opts)
            .build(&NoProgress)
            .unwrap();
        let (a, b) = (tree(&self.output()), tree(&fresh));
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
        b.len()
    }
}

const ARTICLE: &str = "content/kinh-te/lua-phat-thai-thap-thoi-lai.md";

#[test]
fn in_place_update_matches_a_full_build() {
    let mut live = Live::new();
    // Edit the body, summary and title of an article with an explicit slug.
    let text = live.read(ARTICLE);
    let edited = text
        .replacen("title: \"", "title: \"[Cập nhật] ", 1)
        .replacen("summary: \"", "summary: \"Tin mới: ", 1)
        + "\nĐoạn bổ sung với **chữ đậm**.\n";
    assert_ne!(text, edited);
    live.write(ARTICLE, &edited);
    let result = live.update(&[ARTICLE]);
    let Update::InPlace(Written { pages, written }) = result else {
        panic!("expected an in-place update, got {result:?}")
    };
    assert!(pages < 40, "re-rendered {pages} files");
    assert!(written >= 3, "page, lists and feeds change: {written}");
    live.assert_same_as_fresh("in place");
}

#[test]
fn moved_articles_need_more_than_an_in_place_update() {
    let mut live = Live::new();
    // A new tag changes lists beyond this article's pages.
    live.write(
        ARTICLE,
        &live
            .read(ARTICLE)
            .replacen("tags: [", "tags: [\"Chủ đề mới\", ", 1),
    );
    let r = live.update(&[ARTICLE]);
    assert!(matches!(r, Update::Replanned(_)), "new tag: {r:?}");
    live.assert_same_as_fresh("new tag");
    // A file that is not an article of the site (any more).
    let r = live.update(&["content/kinh-te/moi.md"]);
    assert!(matches!(r, Update::Replanned(_)), "unknown file: {r:?}");
    // A broken edit is an error, not a rebuild, and leaves the output as is.
    live.write(ARTICLE, "---\ntitle: [\n---\n");
    assert!(live.try_update(&[ARTICLE]).is_err());
    assert!(live.try_update(&["content/kinh-te/moi.md"]).is_err());
}

#[test]
fn cached_rebuild_matches_a_fresh_build() {
    let mut live = Live::new();
    // A structural change: a new date moves the article in every list.
    live.set(ARTICLE, "date:", "date: 2022-06-01 09:00");
    // And a deleted article.
    std::fs::remove_file(
        live.root
            .join("content/van-hoa/lang-nghe-hu-tieu-cai-rang.md"),
    )
    .unwrap();
    let report = live.site.build(&NoProgress).unwrap();
    assert!(report.stats.removed > 0 && report.stats.written > 0);
    live.assert_same_as_fresh("cached");
    assert!(
        tree(&live.output())
            .keys()
            .any(|k| k.starts_with("2022/06/01")),
        "the moved article has its day archive"
    );
}

#[test]
fn structural_updates_match_a_fresh_build() {
    let mut live = Live::new();
    // An in-place edit first: it must keep the fingerprints true.
    let body = "content/the-thao/san-choi-bong-da-thieu-nhi-phong-dien.md";
    live.write(
        body,
        &live
            .read(body)
            .replacen("summary: \"", "summary: \"[Mới] ", 1),
    );
    let r = live.update(&[body]);
    assert!(matches!(r, Update::InPlace(_)), "{r:?}");
    let steps = [
        // A new date moves the article in every list it is on.
        ("moved date", ARTICLE, "date:", "date: 2022-06-01 09:00"),
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
    for (what, rel, key, line) in steps {
        live.set(rel, key, line);
        let r = live.update(&[rel]);
        let Update::Replanned(Written { pages, .. }) = r else {
            panic!("{what}: expected an incremental update, got {r:?}")
        };
        let files = live.assert_same_as_fresh(what);
        assert!(
            pages < files,
            "{what}: re-rendered {pages} of {files} files"
        );
    }
    // A new article and a deleted one: only the pages that list them change.
    live.write(
        "content/kinh-te/moi.md",
        "---\ntitle: Bài mới\ndate: 2024-12-30 08:00\ntags: [Kinh tế số]\n---\n\nx\n",
    );
    std::fs::remove_file(
        live.root
            .join("content/van-hoa/lang-nghe-hu-tieu-cai-rang.md"),
    )
    .unwrap();
    let r = live.update(&[
        "content/kinh-te/moi.md",
        "content/van-hoa/lang-nghe-hu-tieu-cai-rang.md",
    ]);
    assert!(
        matches!(r, Update::Replanned(_)),
        "new and deleted articles: {r:?}"
    );
    live.assert_same_as_fresh("new and deleted articles");
    // A new section changes the menu on every page: a full build.
    live.write(
        "content/suc-khoe/a.md",
        "---\ntitle: Sức khỏe\ndate: 2024-12-29 08:00\n---\n\nx\n",
    );
    assert_eq!(
        live.update(&["content/suc-khoe/a.md"]),
        Update::NeedsFullBuild
    );
}
