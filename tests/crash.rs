//! Crash safety of the output folder: whatever happens to a build (killed at
//! any point, a failure in the middle of its commit, an interrupt, another
//! build at the same time), the folder ends up as the complete previous site
//! or the complete new one, with a manifest that lists exactly its files.
//!
//! Kill points inside the commit come from `BANTIN_FAILPOINT` (the process
//! aborts there: no destructor or handler runs, as with `kill -9`); one test
//! also sends real SIGKILLs at moments spread over a whole rebuild.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{Run, Site, read_tree, run};

type Tree = BTreeMap<String, Vec<u8>>;

/// The output tree and its manifest (the files bantin will delete next time).
fn snapshot(out: &Path) -> (Tree, String) {
    let manifest = std::fs::read_to_string(out.with_file_name(format!(
        ".{}.bantin-manifest",
        out.file_name().unwrap().to_string_lossy()
    )))
    .unwrap_or_default();
    (read_tree(out), manifest)
}

#[track_caller]
fn assert_consistent(out: &Path) {
    let (tree, manifest) = snapshot(out);
    let listed: Vec<&str> = manifest.lines().collect();
    let present: Vec<&str> = tree.keys().map(String::as_str).collect();
    assert_eq!(listed, present, "the manifest lists exactly the output");
    for leftover in ["bantin-staging", "bantin-journal"] {
        let p = out.with_file_name(format!(
            ".{}.{leftover}",
            out.file_name().unwrap().to_string_lossy()
        ));
        assert!(!p.exists(), "{} left behind", p.display());
    }
}

/// Edits that change, add and remove pages (and a tag, so tag pages go).
fn make_v2(site: &Site) {
    site.write(
        "content/thoi-su/gia-xang.md",
        "---\ntitle: Giá xăng giảm mạnh\ndate: 2024-02-10 08:00\ntags: [Đô thị]\n---\n\nGiá xăng giảm.\n",
    );
    site.write(
        "content/the-thao/moi.md",
        "---\ntitle: Bài mới về đua ghe\ndate: 2024-03-01 09:00\ntags: [Đua ghe]\n---\n\nMới.\n",
    );
    site.remove("content/the-thao/bong-da.md");
}

fn build_with_failpoint(site: &Site, root: &Path, out: &Path, failpoint: &str) -> Run {
    let mut cmd = site.bantin();
    cmd.env("BANTIN_FAILPOINT", failpoint)
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(out);
    run(&mut cmd)
}

/// `bantin build --root ROOT --output OUT` in the background, stdout
/// discarded, stderr as given.
fn spawn_build(root: &Path, out: &Path, stderr: Stdio) -> std::process::Child {
    common::bantin()
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap()
}

fn build(site: &Site, root: &Path, out: &Path) -> Run {
    build_with_failpoint(site, root, out, "")
}

/// `check --no-build`: the first reader after a crash finishes the commit.
fn check_existing(site: &Site, out: &Path) -> Run {
    let mut cmd = site.bantin();
    cmd.arg("check")
        .arg("--no-build")
        .arg("--root")
        .arg(&site.root)
        .arg("--output")
        .arg(out);
    run(&mut cmd)
}

/// Two copies of the `news` fixture: `site` (v1) and `v2` (edited), and the
/// complete trees each builds.
struct Versions {
    site: Site,
    v2: std::path::PathBuf,
    old: (Tree, String),
    new: (Tree, String),
}

fn versions() -> Versions {
    let site = Site::fixture("news");
    let v2_site = Site::fixture("news");
    make_v2(&v2_site);
    let v2 = site.tmp.join("site-v2");
    common::copy_dir(&v2_site.root, &v2);
    build(&site, &site.root, &site.out).assert_ok();
    let old = snapshot(&site.out);
    let clean = site.tmp.join("clean-v2");
    build(&site, &v2, &clean).assert_ok();
    let new = snapshot(&clean);
    assert_ne!(old.0, new.0);
    Versions { site, v2, old, new }
}

#[test]
fn a_kill_at_any_move_of_the_commit_leaves_the_old_or_the_new_site() {
    let v = versions();
    let (site, out) = (&v.site, &v.site.out);
    let mut moves = 0;
    for n in 1.. {
        let r = build_with_failpoint(site, &v.v2, out, &format!("commit-kill:{n}"));
        if r.code == Some(0) {
            // Fewer than n moves: the build finished, and the last kill
            // point was the last move.
            assert_eq!(snapshot(out), v.new);
            break;
        }
        assert_eq!(r.code, None, "killed by a signal:\n{}", r.stderr);
        moves = n;
        // The first reader finishes the interrupted commit: the new site.
        let c = check_existing(site, out);
        c.assert_ok();
        assert!(c.stderr.contains("interrupted build"), "{}", c.stderr);
        assert_eq!(snapshot(out), v.new, "after a kill at move {n}");
        assert_consistent(out);
        // Back to the old content: the old site exactly, nothing left over.
        build(site, &site.root, out).assert_ok();
        assert_eq!(snapshot(out), v.old, "rebuilt after a kill at move {n}");
        assert_consistent(out);
        assert!(n < 500, "the commit never ended");
    }
    assert!(
        moves >= 10,
        "only {moves} moves: the test changes too little"
    );

    // Killed by the next build rather than a reader: it finishes the old
    // commit, then makes its own.
    build(site, &site.root, out).assert_ok();
    let r = build_with_failpoint(site, &v.v2, out, "commit-kill:3");
    assert_eq!(r.code, None);
    let r = build(site, &site.root, out);
    r.assert_ok();
    assert!(
        r.stderr.contains("an earlier build was interrupted"),
        "{}",
        r.stderr
    );
    assert_eq!(snapshot(out), v.old);
}

#[test]
fn kills_before_and_after_the_moves_leave_a_complete_site() {
    let v = versions();
    let (site, out) = (&v.site, &v.site.out);
    // While pages are being staged, the output is not touched at all.
    for n in [1, 5, 20] {
        let r = build_with_failpoint(site, &v.v2, out, &format!("stage-kill:{n}"));
        assert_eq!(r.code, None, "{}", r.stderr);
        assert_eq!(snapshot(out), v.old, "killed while staging file {n}");
    }
    // Journal written, nothing moved yet; manifest promoted, journal not yet
    // removed: either way the next reader ends with the new site.
    for point in ["journal-kill", "manifest-kill"] {
        let r = build_with_failpoint(site, &v.v2, out, point);
        assert_eq!(r.code, None, "{point}: {}", r.stderr);
        check_existing(site, out).assert_ok();
        assert_eq!(snapshot(out), v.new, "{point}");
        assert_consistent(out);
        build(site, &site.root, out).assert_ok();
        assert_eq!(snapshot(out), v.old);
    }
    // The staging folder a killed build left is cleared by the next one.
    build(site, &site.root, out).assert_ok();
    assert_consistent(out);
}

#[test]
fn a_failure_in_the_middle_of_the_commit_is_undone() {
    let v = versions();
    let (site, out) = (&v.site, &v.site.out);
    for n in [1, 2, 7, 15] {
        let mtimes = common::mtimes(out);
        let r = build_with_failpoint(site, &v.v2, out, &format!("commit-fail:{n}"));
        r.assert_code(2);
        assert!(
            r.stderr
                .contains("failed and was undone; the previous site is intact"),
            "{}",
            r.stderr
        );
        assert_eq!(snapshot(out), v.old, "failure at move {n}");
        assert_eq!(
            common::mtimes(out),
            mtimes,
            "restored files are the old files"
        );
        assert_consistent(out);
    }
    // And the next build goes through.
    build(site, &v.v2, out).assert_ok();
    assert_eq!(snapshot(out), v.new);
}

/// A site big enough for a rebuild to take a while in a debug build.
fn big_site(articles: usize) -> Site {
    let site = Site::fixture("minimal");
    for i in 0..articles {
        site.write(
            &format!("content/muc-{}/bai-{i}.md", i % 7),
            &format!(
                "---\ntitle: Bài số {i}\ndate: 2024-{:02}-{:02} 08:{:02}\ntags: [Chủ đề {}, Cần Thơ]\n---\n\nNội dung của bài {i}. {}\n",
                1 + i % 12,
                1 + i % 28,
                i % 60,
                i % 13,
                "Câu chữ dài để trang có độ dài. ".repeat(20)
            ),
        );
    }
    site
}

#[test]
fn real_kill_9_at_moments_spread_over_a_rebuild() {
    let site = big_site(200);
    let out = site.out.clone();
    build(&site, &site.root, &out).assert_ok();
    let old = snapshot(&out);
    let journal = site.tmp.join(".out.bantin-journal");
    // v2: a new site title changes every page.
    let v2 = site.tmp.join("site-v2");
    common::copy_dir(&site.root, &v2);
    let config = std::fs::read_to_string(v2.join("config.yaml")).unwrap();
    std::fs::write(
        v2.join("config.yaml"),
        config.replacen("title:", "title: Mới", 1),
    )
    .unwrap();
    let clean = site.tmp.join("clean");
    build(&site, &v2, &clean).assert_ok();
    let new = snapshot(&clean);
    let t = Instant::now();
    build(&site, &v2, &out).assert_ok();
    let full = t.elapsed();
    build(&site, &site.root, &out).assert_ok();

    let mut outcomes = BTreeMap::new();
    // From 60% of the way to just past the end, where the commit is.
    for i in 0..8u32 {
        let mut child = spawn_build(&v2, &out, Stdio::null());
        std::thread::sleep(full * (60 + 6 * i) / 100);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        if journal.exists() {
            *outcomes.entry("killed mid-commit").or_insert(0) += 1;
        }
        check_existing(&site, &out);
        let now = snapshot(&out);
        let which = if now == old {
            "old"
        } else if now == new {
            "new"
        } else {
            panic!("a kill at {}% of the rebuild left a mixed site", 60 + 6 * i)
        };
        *outcomes.entry(which).or_insert(0) += 1;
        assert_consistent(&out);
        if which == "new" {
            build(&site, &site.root, &out).assert_ok();
        }
    }
    eprintln!("outcomes of 8 kills: {outcomes:?}");
}

#[test]
fn a_build_waits_for_the_process_writing_the_same_output() {
    let site = Site::fixture("news");
    site.build_ok(&[]);
    // Hold the lock as another bantin would.
    let lock_path = site.tmp.join(".out.bantin-lock");
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(&lock_path)
        .expect("a build leaves its lock file");
    lock.lock().unwrap();
    std::fs::write(&lock_path, "pid 4242, `bantin build`, since now").unwrap();
    let mut child = spawn_build(&site.root, &site.out, Stdio::piped());
    std::thread::sleep(Duration::from_millis(700));
    assert!(child.try_wait().unwrap().is_none(), "it waits");
    lock.unlock().unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("is being written by another bantin (pid 4242, `bantin build`"),
        "{stderr}"
    );
}

#[test]
fn two_builds_at_once_give_one_complete_site() {
    let site = big_site(120);
    let clean = site.tmp.join("clean");
    site.build_into(&clean, &[]).assert_ok();
    let want = read_tree(&clean);
    for _ in 0..3 {
        let spawn = || spawn_build(&site.root, &site.out, Stdio::null());
        let (mut a, mut b) = (spawn(), spawn());
        assert!(a.wait().unwrap().success() && b.wait().unwrap().success());
        assert_eq!(read_tree(&site.out), want);
        assert_consistent(&site.out);
    }
}

#[cfg(unix)]
#[test]
fn sigterm_and_sigint_remove_the_staging_folder() {
    let site = big_site(300);
    site.build_ok(&[]);
    let before = snapshot(&site.out);
    // Change every page, so the rebuild stages for a while.
    let config = std::fs::read_to_string(site.path("config.yaml")).unwrap();
    site.write("config.yaml", &config.replacen("title:", "title: Mới", 1));
    let staging = site.tmp.join(".out.bantin-staging");
    for signal in ["TERM", "INT"] {
        // A build that finishes before the signal arrives tests nothing:
        // try again until one is interrupted while staging.
        let mut interrupted = false;
        for attempt in 1..=5 {
            let mut child = spawn_build(&site.root, &site.out, Stdio::null());
            let t = Instant::now();
            // Wait until it stages files, then interrupt it.
            while !staging.join("new/index.html").exists() {
                assert!(
                    t.elapsed() < Duration::from_secs(30),
                    "SIG{signal}: the build never staged index.html"
                );
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            std::process::Command::new("kill")
                .arg(format!("-{signal}"))
                .arg(child.id().to_string())
                .status()
                .unwrap();
            let status = child.wait().unwrap();
            assert!(!staging.exists(), "SIG{signal} left {}", staging.display());
            if status.code() == Some(130) {
                assert_eq!(snapshot(&site.out), before, "interrupted before the commit");
                interrupted = true;
                break;
            }
            // It had already finished: fine, but then it built completely.
            assert!(status.success(), "SIG{signal}: {status:?}");
            eprintln!("SIG{signal}, attempt {attempt}: the build finished first");
            site.write("config.yaml", &config);
            site.build_ok(&[]);
            site.write("config.yaml", &config.replacen("title:", "title: Mới", 1));
        }
        assert!(
            interrupted,
            "SIG{signal} never arrived while a build was staging: nothing was tested"
        );
    }
}
