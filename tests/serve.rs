//! `bantin serve` over real HTTP: pages with the reload script, safety
//! checks, and an edit on disk showing up without a restart.

mod common;

use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::http::{body, get, header, request, request_bytes};
use common::{KillOnDrop, start_serve, wait_for};

fn site(dir: &Path) {
    std::fs::create_dir_all(dir.join("content/thoi-su")).unwrap();
    std::fs::write(
        dir.join("config.yaml"),
        "title: Báo\nbase_url: https://example.org/\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("content/thoi-su/a.md"),
        "---\ntitle: Tít ban đầu\ndate: 2024-03-04 18:48\nslug: a\n---\n\nNội dung.\n",
    )
    .unwrap();
}

/// `bantin serve` on a free port for the site at `root`, once it answers.
fn start(root: &Path) -> (KillOnDrop, u16) {
    start_with(root, &[])
}

fn start_with(root: &Path, extra: &[&str]) -> (KillOnDrop, u16) {
    start_serve(root, extra, |_| {})
}

/// `bantin serve` with its terminal output in `log`.
fn start_logged(root: &Path, extra: &[&str], log: &Path) -> (KillOnDrop, u16) {
    let file = std::fs::File::create(log).unwrap();
    start_serve(root, extra, |cmd: &mut Command| {
        cmd.stderr(file);
    })
}

#[test]
fn serves_reloads_and_refuses_unsafe_requests() {
    let tmp = tempfile::tempdir().unwrap();
    let log_dir = tempfile::tempdir().unwrap();
    let log = log_dir.path().join("serve.log");
    site(tmp.path());
    let (_serve, port) = start_logged(tmp.path(), &[], &log);
    let (status, page) = get(port, "/thoi-su/a/");
    assert_eq!(status, 200);
    assert!(page.contains("Content-Type: text/html; charset=utf-8"));
    assert!(page.contains("Tít ban đầu") && page.contains("/__bantin/events"));
    assert!(
        page.contains(&format!("http://127.0.0.1:{port}/thoi-su/")),
        "links point at the preview"
    );
    assert!(
        get(port, "/css/style.css")
            .1
            .contains("Content-Type: text/css; charset=utf-8")
    );
    assert!(
        !tmp.path().join("public").exists(),
        "serve never writes public/"
    );

    for bad in [
        "/../config.yaml",
        "/%2e%2e/config.yaml",
        "/%252e%252e/config.yaml",
        "/..%5cconfig.yaml",
        "/a%00",
    ] {
        assert_eq!(get(port, bad).0, 404, "{bad}");
    }
    assert_eq!(
        request(port, "GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n").0,
        403
    );
    assert_eq!(
        request(
            port,
            &format!("POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n")
        )
        .0,
        405
    );
    assert!(!get(port, "/").1.contains("Access-Control-Allow-Origin"));

    // An edit is served without a restart; a broken file keeps the last good page.
    std::fs::write(
        tmp.path().join("content/thoi-su/a.md"),
        "---\ntitle: Tít đã sửa\ndate: 2024-03-04 18:48\nslug: a\n---\n\nNội dung.\n",
    )
    .unwrap();
    wait_for("the edit", || {
        get(port, "/thoi-su/a/").1.contains("Tít đã sửa")
    });
    std::fs::write(
        tmp.path().join("content/thoi-su/a.md"),
        "---\ntitle: [\n---\n",
    )
    .unwrap();
    // Only once the server has reported the broken file does the old page
    // prove anything.
    wait_for("the error for the broken file", || {
        serve_log(&log)
            .iter()
            .any(|l| l.contains("content/thoi-su/a.md") && !is_step(l))
    });
    assert!(get(port, "/thoi-su/a/").1.contains("Tít đã sửa"));
    // Deleting an article removes its page.
    std::fs::remove_file(tmp.path().join("content/thoi-su/a.md")).unwrap();
    wait_for("the deletion", || get(port, "/thoi-su/a/").0 == 404);
}

#[test]
fn port_zero_serves_links_with_the_real_port() {
    use std::io::BufRead;
    let tmp = tempfile::tempdir().unwrap();
    site(tmp.path());
    let mut child = common::bantin()
        .args(["serve", "--port", "0", "--root"])
        .arg(tmp.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let _serve = KillOnDrop(child);
    let mut port = 0;
    for line in std::io::BufReader::new(stderr).lines() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("Serving at http://127.0.0.1:") {
            port = rest.split('/').next().unwrap().parse().unwrap();
            break;
        }
    }
    assert_ne!(port, 0);
    let (status, page) = get(port, "/thoi-su/a/");
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!("http://127.0.0.1:{port}/thoi-su/")),
        "links use the bound port"
    );
    assert!(!page.contains("127.0.0.1:0/"));
    // DNS rebinding: a name that merely starts like a loopback address.
    assert_eq!(
        request(port, "GET / HTTP/1.1\r\nHost: 127.evil.example\r\n\r\n").0,
        403
    );
}

#[test]
fn new_articles_and_tags_appear_without_a_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    site(&root);
    let log = tmp.path().join("serve.log");
    let (_serve, port) = start_logged(&root, &[], &log);
    assert_eq!(get(port, "/tags/bong-da/").0, 404);
    std::fs::create_dir_all(root.join("content/the-thao")).unwrap();
    std::fs::write(
        root.join("content/the-thao/b.md"),
        "---\ntitle: Trận đấu mới\ndate: 2024-03-05 20:00\ntags: [Bóng đá]\n---\n\nTỷ số 2-1.\n",
    )
    .unwrap();
    wait_for("the new article", || {
        get(port, "/the-thao/tran-dau-moi/").0 == 200
    });
    assert_eq!(get(port, "/tags/bong-da/").0, 200, "its new tag has a page");
    assert!(
        get(port, "/").1.contains("Trận đấu mới"),
        "and it is on the home page"
    );
    // Renaming the file keeps the article (its URL comes from the title).
    // The page is there before the rename, so first wait until the server
    // says it processed a change naming the new file: a rename that is never
    // seen fails here, one taken for a deletion fails the checks below.
    std::fs::rename(
        root.join("content/the-thao/b.md"),
        root.join("content/the-thao/c.md"),
    )
    .unwrap();
    wait_for("a rebuild step naming the renamed file", || {
        serve_steps(&log)
            .iter()
            .any(|l| l.contains("content/the-thao/c.md"))
    });
    assert_eq!(
        get(port, "/the-thao/tran-dau-moi/").0,
        200,
        "the renamed article keeps its page:\n{}",
        serve_steps(&log).join("\n")
    );
    assert!(get(port, "/").1.contains("Trận đấu mới"));
    assert_eq!(get(port, "/tags/bong-da/").0, 200);
}

/// The lines `bantin serve` logged after it started serving.
fn serve_log(log: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(log).unwrap();
    text.split_once("Serving at")
        .map_or("", |(_, after)| after)
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

/// Whether a log line reports a step that updated the preview.
fn is_step(line: &str) -> bool {
    line.starts_with("updated ") || line.starts_with("rebuilt ")
}

/// The `updated ...`/`rebuilt ...` lines `bantin serve` logged after it started.
fn serve_steps(log: &Path) -> Vec<String> {
    serve_log(log).into_iter().filter(|l| is_step(l)).collect()
}

#[test]
fn bound_to_every_interface_links_follow_the_browsers_address() {
    let tmp = tempfile::tempdir().unwrap();
    let log_dir = tempfile::tempdir().unwrap();
    let log = log_dir.path().join("serve.log");
    site(tmp.path());
    let (_serve, port) = start_logged(tmp.path(), &["--bind", "0.0.0.0"], &log);
    // Another device asks by a name of this machine: links use that name.
    let (status, page) = request(
        port,
        &format!("GET /thoi-su/a/ HTTP/1.1\r\nHost: newsroom-pc:{port}\r\n\r\n"),
    );
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!("http://newsroom-pc:{port}/thoi-su/")),
        "links follow the Host"
    );
    assert!(
        !page.contains("127.0.0.1"),
        "no loopback link reaches the other device"
    );
    // Drafts are previewed only when asked for.
    std::fs::write(
        tmp.path().join("content/thoi-su/nhap.md"),
        "---\ntitle: Bản nháp\ndate: 2024-03-04 19:00\ndraft: true\n---\n\nx\n",
    )
    .unwrap();
    // The 404 means "not previewed" only once the server has seen the draft.
    wait_for("a rebuild step naming the draft", || {
        serve_steps(&log)
            .iter()
            .any(|l| l.contains("content/thoi-su/nhap.md"))
    });
    assert_eq!(get(port, "/thoi-su/ban-nhap/").0, 404);
    let (_drafts, port) = start_with(tmp.path(), &["--drafts"]);
    assert_eq!(get(port, "/thoi-su/ban-nhap/").0, 200);
}

#[test]
fn answers_bad_requests_with_their_status() {
    let tmp = tempfile::tempdir().unwrap();
    site(tmp.path());
    let (_serve, port) = start(tmp.path());
    let host = format!("Host: 127.0.0.1:{port}\r\n");

    let (status, answer) = request(port, &format!("DELETE / HTTP/1.1\r\n{host}\r\n"));
    assert_eq!(status, 405);
    assert_eq!(header(&answer, "Allow"), Some("GET, HEAD"));

    for bad_host in [
        "GET / HTTP/1.1\r\n\r\n".to_string(),
        format!("GET / HTTP/1.1\r\n{host}{host}\r\n"),
        "GET / HTTP/1.1\r\nHost: a b\r\n\r\n".to_string(),
        "GET / HTTP/1.1\r\nHost: <x>\r\n\r\n".to_string(),
    ] {
        assert_eq!(request(port, &bad_host).0, 400, "{bad_host:?}");
    }
    for other in ["evil.example", "127.evil.example", "10.0.0.1"] {
        let raw = format!("GET / HTTP/1.1\r\nHost: {other}:{port}\r\n\r\n");
        assert_eq!(request(port, &raw).0, 403, "{other}");
    }

    // A missing page is the site's 404 page, with the reload script.
    let (status, answer) = get(port, "/khong-co/");
    assert_eq!(status, 404);
    assert_eq!(
        header(&answer, "Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert!(body(&answer).contains("</html>") && body(&answer).contains(EVENTS));

    // Long URLs are refused as such, at hyper's limit and at ours.
    for len in [100_000, 20_000] {
        let raw = format!("GET /{} HTTP/1.1\r\n{host}\r\n", "a".repeat(len));
        assert_eq!(request(port, &raw).0, 414, "{len}");
    }
    // A request line that is not UTF-8 still gets an answer.
    let mut raw = b"GET /\xff\xfe HTTP/1.1\r\n".to_vec();
    raw.extend_from_slice(host.as_bytes());
    raw.extend_from_slice(b"\r\n");
    assert_eq!(request_bytes(port, &raw).0, 400);

    // Every answer of ours says: no caching, no sniffing, no CORS.
    let (status, answer) = request(port, &format!("HEAD /thoi-su/a/ HTTP/1.1\r\n{host}\r\n"));
    assert_eq!(status, 200);
    assert_eq!(header(&answer, "Cache-Control"), Some("no-store"));
    assert_eq!(header(&answer, "X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(header(&answer, "Access-Control-Allow-Origin"), None);
    let length: usize = header(&answer, "Content-Length").unwrap().parse().unwrap();
    assert!(length > 0 && body(&answer).is_empty(), "HEAD has no body");
    assert_eq!(
        length,
        body(&get(port, "/thoi-su/a/").1).len(),
        "HEAD tells the length GET sends"
    );
}

const EVENTS: &str = "/__bantin/events";

#[test]
fn files_answer_conditional_and_range_requests() {
    let tmp = tempfile::tempdir().unwrap();
    site(tmp.path());
    let (_serve, port) = start(tmp.path());
    let (status, first) = get(port, "/css/style.css");
    assert_eq!(status, 200);
    let css = body(&first).to_string();
    assert!(css.len() > 10);
    let get_with = |extra: &str| {
        request(
            port,
            &format!("GET /css/style.css HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}\r\n"),
        )
    };

    let modified = header(&first, "Last-Modified").expect("Last-Modified");
    let (status, answer) = get_with(&format!("If-Modified-Since: {modified}\r\n"));
    assert_eq!(status, 304);
    assert!(body(&answer).is_empty());
    let etag = header(&first, "ETag").expect("ETag");
    assert_eq!(get_with(&format!("If-None-Match: {etag}\r\n")).0, 304);
    assert_eq!(get_with("If-None-Match: \"other\"\r\n").0, 200);

    let (status, answer) = get_with("Range: bytes=0-9\r\n");
    assert_eq!(status, 206);
    assert_eq!(body(&answer), &css[..10]);
    assert_eq!(
        header(&answer, "Content-Range"),
        Some(format!("bytes 0-9/{}", css.len()).as_str())
    );
    assert_eq!(
        header(&answer, "Content-Type"),
        Some("text/css; charset=utf-8")
    );
}

#[cfg(unix)]
#[test]
fn private_output_folder_is_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let temp = tmp.path().join("tmp");
    std::fs::create_dir_all(&temp).unwrap();
    site(&root);
    let (_serve, _port) = start_serve(&root, &[], |cmd| {
        cmd.env("TMPDIR", &temp);
    });
    let private: Vec<_> = std::fs::read_dir(&temp)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("bantin-serve-"))
        })
        .collect();
    assert_eq!(private.len(), 1, "{private:?}");
    assert!(
        private[0].join("site/index.html").is_file(),
        "it holds the build"
    );
    let mode = std::fs::metadata(&private[0]).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "mode {:o}", mode & 0o777);
}

/// The `Threads:` line of `/proc/<pid>/status`.
#[cfg(target_os = "linux")]
fn threads(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn many_clients_and_idle_connections_cost_no_threads() {
    const CLIENTS: usize = 64;
    const REQUESTS: usize = 10;
    const IDLE: usize = 500;
    let tmp = tempfile::tempdir().unwrap();
    site(tmp.path());
    let (serve, port) = start(tmp.path());
    let pid = serve.id();

    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            std::thread::spawn(move || {
                (0..REQUESTS)
                    .filter(|_| {
                        let (status, page) = get(port, "/thoi-su/a/");
                        status == 200 && page.contains(EVENTS)
                    })
                    .count()
            })
        })
        .collect();
    let served: usize = clients.into_iter().map(|c| c.join().unwrap()).sum();
    assert_eq!(
        served,
        CLIENTS * REQUESTS,
        "every request was answered in full"
    );
    let busy = threads(pid);

    // Connections that never send a request: each is a task, not a thread,
    // and a real request still gets through while they are held.
    let idle: Vec<TcpStream> = (0..IDLE)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let (status, page) = get(port, "/thoi-su/a/");
    assert_eq!(status, 200);
    assert!(page.contains("Tít ban đầu"));
    let held = threads(pid);
    // Only the capped pool for file reads may still grow.
    assert!(
        held <= busy + 8,
        "{held} threads with {IDLE} idle connections, {busy} before"
    );
    drop(idle);
}

#[test]
fn an_edit_storm_settles_on_the_last_edit_in_few_steps() {
    const EDITS: usize = 100;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    site(&root);
    let log = tmp.path().join("serve.log");
    let (_serve, port) = start_logged(&root, &[], &log);
    let article = root.join("content/thoi-su/a.md");
    let edit = |i: usize| {
        format!("---\ntitle: Tít số {i}\ndate: 2024-03-04 18:48\nslug: a\n---\n\nLần sửa {i}.\n")
    };
    for i in 0..EDITS {
        std::fs::write(&article, edit(i)).unwrap();
        std::thread::sleep(Duration::from_millis(10));
    }
    let last = format!("Tít số {}", EDITS - 1);
    wait_for("the last edit", || {
        get(port, "/thoi-su/a/").1.contains(&last)
    });
    // Let anything still queued finish before counting.
    std::thread::sleep(Duration::from_secs(1));
    assert!(get(port, "/thoi-su/a/").1.contains(&last));
    let steps = serve_steps(&log);
    assert!(
        (1..=EDITS / 3).contains(&steps.len()),
        "{} rebuild steps for {EDITS} edits:\n{}",
        steps.len(),
        serve_log(&log).join("\n")
    );
}
