//! `bantin serve` over real HTTP: pages with the reload script, safety
//! checks, and an edit on disk showing up without a restart.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;

struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn request(port: u16, raw: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

fn get(port: u16, path: &str) -> (u16, String) {
    request(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
    )
}

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

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
fn start(root: &Path) -> (Serve, u16) {
    start_with(root, &[])
}

fn start_with(root: &Path, extra: &[&str]) -> (Serve, u16) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let serve = Serve(
        Command::cargo_bin("bantin")
            .unwrap()
            .args(["serve", "--port", &port.to_string(), "--root"])
            .arg(root)
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for("the server", || {
        TcpStream::connect(("127.0.0.1", port)).is_ok() && get(port, "/").0 == 200
    });
    (serve, port)
}

#[test]
fn serves_reloads_and_refuses_unsafe_requests() {
    let tmp = tempfile::tempdir().unwrap();
    site(tmp.path());
    let (_serve, port) = start(tmp.path());
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
    std::thread::sleep(Duration::from_millis(600));
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
    let mut child = Command::cargo_bin("bantin")
        .unwrap()
        .args(["serve", "--port", "0", "--root"])
        .arg(tmp.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let _serve = Serve(child);
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
    site(tmp.path());
    let (_serve, port) = start(tmp.path());
    assert_eq!(get(port, "/tags/bong-da/").0, 404);
    std::fs::create_dir_all(tmp.path().join("content/the-thao")).unwrap();
    std::fs::write(
        tmp.path().join("content/the-thao/b.md"),
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
    std::fs::rename(
        tmp.path().join("content/the-thao/b.md"),
        tmp.path().join("content/the-thao/c.md"),
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    wait_for("the renamed article", || {
        get(port, "/the-thao/tran-dau-moi/").0 == 200
    });
}

#[test]
fn bound_to_every_interface_links_follow_the_browsers_address() {
    let tmp = tempfile::tempdir().unwrap();
    site(tmp.path());
    let (_serve, port) = start_with(tmp.path(), &["--bind", "0.0.0.0"]);
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
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(get(port, "/thoi-su/ban-nhap/").0, 404);
    let (_drafts, port) = start_with(tmp.path(), &["--drafts"]);
    assert_eq!(get(port, "/thoi-su/ban-nhap/").0, 200);
}
