//! `bantin serve` in a real browser: headless Chromium, driven through
//! chromedriver's W3C WebDriver HTTP API with nothing but `TcpStream` and
//! `serde_json`. An open page must swap its stylesheet (without reloading)
//! when only CSS changes, reload itself when an article changes, show the
//! build-error overlay for a broken file, and drop it once the file is fixed.
//!
//! The site search runs in the same browser: queries with and without
//! diacritics (`đ` included), ranking, phrases, filters and no results, at
//! the site root and under a sub-path `base_url`.
//!
//! Skips, saying so, when `/usr/bin/chromium` or `/usr/bin/chromedriver` is
//! missing (Debian: `apt-get install chromium chromium-driver`).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{KillOnDrop, free_port, start_serve};
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The W3C key of an element reference in WebDriver answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long the page gets to show a change made on disk.
const CHANGE_TIMEOUT: Duration = Duration::from_secs(15);
const ARTICLE: &str = "content/thoi-su/a.md";

/// One HTTP/1.1 request to chromedriver. Returns the answer's JSON `value`,
/// or the WebDriver error (`error: message`) or I/O failure as text.
fn http(
    port: u16,
    method: &str,
    path: &str,
    body: Option<&Value>,
    timeout: Duration,
) -> Result<Value, String> {
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut stream =
        TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    stream.set_read_timeout(Some(timeout)).ok();
    stream.set_write_timeout(Some(timeout)).ok();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(body.as_bytes()))
        .map_err(|e| format!("{method} {path}: write: {e}"))?;
    let raw = read_response(stream).map_err(|e| format!("{method} {path}: read: {e}"))?;
    let json: Value = serde_json::from_slice(&raw.1).map_err(|e| {
        format!(
            "{method} {path}: HTTP {}, not JSON ({e}): {}",
            raw.0,
            String::from_utf8_lossy(&raw.1)
        )
    })?;
    let value = json.get("value").cloned().unwrap_or(Value::Null);
    if (200..300).contains(&raw.0) {
        Ok(value)
    } else {
        Err(format!(
            "{method} {path}: HTTP {}: {}: {}",
            raw.0,
            value["error"].as_str().unwrap_or("?"),
            value["message"].as_str().unwrap_or("")
        ))
    }
}

/// Status code and body of an HTTP/1.1 answer (Content-Length, chunked, or until EOF).
fn read_response(stream: TcpStream) -> std::io::Result<(u16, Vec<u8>)> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    let mut r = BufReader::new(stream);
    let mut line = String::new();
    r.read_line(&mut line)?;
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| bad("no status line"))?;
    let (mut length, mut chunked) = (None, false);
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            let (k, v) = (k.trim(), v.trim());
            if k.eq_ignore_ascii_case("content-length") {
                length = Some(v.parse::<usize>().map_err(|_| bad("bad length"))?);
            } else if k.eq_ignore_ascii_case("transfer-encoding") {
                chunked = v.eq_ignore_ascii_case("chunked");
            }
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            line.clear();
            r.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                .map_err(|_| bad("bad chunk size"))?;
            if size == 0 {
                break;
            }
            let at = body.len();
            body.resize(at + size, 0);
            r.read_exact(&mut body[at..])?;
            line.clear();
            r.read_line(&mut line)?;
        }
    } else if let Some(n) = length {
        body.resize(n, 0);
        r.read_exact(&mut body)?;
    } else {
        r.read_to_end(&mut body)?;
    }
    Ok((status, body))
}

/// chromedriver on a free port, answering `/status`.
fn start_chromedriver() -> (KillOnDrop, u16) {
    let mut last = String::new();
    // The port is free when picked, but another test could take it first: retry.
    for _ in 0..3 {
        let port = free_port();
        let mut driver = KillOnDrop(
            Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("chromedriver starts"),
        );
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            if let Ok(Some(status)) = driver.0.try_wait() {
                last = format!("chromedriver exited: {status}");
                break;
            }
            match http(port, "GET", "/status", None, Duration::from_secs(5)) {
                Ok(v) if v["ready"] == true => return (driver, port),
                Ok(v) => last = format!("not ready: {v}"),
                Err(e) => last = e,
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    panic!("chromedriver did not start: {last}");
}

/// A browser session; quits Chromium when dropped (before chromedriver is killed).
struct Session {
    port: u16,
    id: String,
}

impl Drop for Session {
    fn drop(&mut self) {
        let path = format!("/session/{}", self.id);
        let _ = http(self.port, "DELETE", &path, None, Duration::from_secs(10));
    }
}

impl Session {
    fn new(port: u16, profile: &Path) -> Session {
        let caps = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "pageLoadStrategy": "normal",
                    "timeouts": { "script": 10_000, "pageLoad": 30_000, "implicit": 0 },
                    "goog:chromeOptions": {
                        "binary": CHROMIUM,
                        "args": [
                            "--headless",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-quic",
                            "--no-first-run",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            format!("--user-data-dir={}", profile.display()),
                        ],
                    },
                },
            },
        });
        let v = http(
            port,
            "POST",
            "/session",
            Some(&caps),
            Duration::from_secs(90),
        )
        .unwrap_or_else(|e| panic!("cannot start Chromium: {e}"));
        let id = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session id in {v}"))
            .to_string();
        Session { port, id }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
        let path = format!("/session/{}{path}", self.id);
        http(self.port, method, &path, body, Duration::from_secs(60))
    }

    fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(&json!({ "url": url })))
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    fn url(&self) -> Result<String, String> {
        Ok(self
            .cmd("GET", "/url", None)?
            .as_str()
            .unwrap_or("")
            .to_string())
    }

    /// Element ids matching a CSS selector, in document order.
    fn find_all(&self, css: &str) -> Result<Vec<String>, String> {
        let found = self.cmd(
            "POST",
            "/elements",
            Some(&json!({ "using": "css selector", "value": css })),
        )?;
        Ok(found
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e[ELEMENT].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default())
    }

    fn text(&self, element: &str) -> Result<String, String> {
        let v = self.cmd("GET", &format!("/element/{element}/text"), None)?;
        Ok(v.as_str().unwrap_or("").to_string())
    }

    /// The rendered text of every element matching `css` (a page reloading
    /// underneath gives an error, which callers treat as "not yet").
    fn texts(&self, css: &str) -> Result<Vec<String>, String> {
        self.find_all(css)?.iter().map(|e| self.text(e)).collect()
    }

    fn css_value(&self, css: &str, property: &str) -> Result<String, String> {
        let el = self.find_all(css)?;
        let el = el.first().ok_or_else(|| format!("no {css}"))?;
        let v = self.cmd("GET", &format!("/element/{el}/css/{property}"), None)?;
        Ok(v.as_str().unwrap_or("").to_string())
    }

    fn script(&self, js: &str) -> Result<Value, String> {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(&json!({ "script": js, "args": [] })),
        )
    }

    /// Waits until the preview's event stream answers this page. The page's
    /// own EventSource was opened while it loaded, before this probe, so a
    /// change made afterwards is not published before the page listens.
    fn wait_for_events(&self) {
        let probe = r#"
            var done = arguments[arguments.length - 1];
            var es = new EventSource("/__bantin/events");
            es.onopen = function () { es.close(); done(true); };
            es.onerror = function () { es.close(); done(false); };
        "#;
        let start = Instant::now();
        loop {
            let r = self.cmd(
                "POST",
                "/execute/async",
                Some(&json!({ "script": probe, "args": [] })),
            );
            match r {
                Ok(Value::Bool(true)) => return,
                other => assert!(
                    start.elapsed() < CHANGE_TIMEOUT,
                    "the event stream never opened: {other:?}"
                ),
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Polls `check` (without touching the page) until it says yes; panics with
/// the last state seen and the server's log after `CHANGE_TIMEOUT`.
fn wait_until(what: &str, log: &Path, mut check: impl FnMut() -> (bool, String)) -> Duration {
    let start = Instant::now();
    loop {
        let (ok, seen) = check();
        if ok {
            return start.elapsed();
        }
        if start.elapsed() > CHANGE_TIMEOUT {
            let log = std::fs::read_to_string(log).unwrap_or_default();
            panic!(
                "timed out after {CHANGE_TIMEOUT:?} waiting for {what}; last seen: {seen}\n--- bantin serve log ---\n{log}"
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits until the file watcher of a `bantin serve` that answers is live:
/// the server accepts requests a moment before it watches the site, and an
/// edit made in between is never seen. So: touch an unrelated static file
/// until an event arrives on the event stream (as the page would get it).
fn wait_until_watching(port: u16, root: &Path, log: &Path) {
    let mut events = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        events,
        "GET /__bantin/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )
    .unwrap();
    events
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let (mut got, mut buf, mut touches) = (Vec::new(), [0u8; 4096], 0);
    let mut last_touch: Option<Instant> = None;
    wait_until("the file watcher", log, || {
        if let Ok(n) = events.read(&mut buf) {
            got.extend_from_slice(&buf[..n]);
        }
        let seen = String::from_utf8_lossy(&got).into_owned();
        // Touch once this stream listens; again every 2 s (a full rebuild can
        // take a second on a loaded machine).
        if seen.contains(": connected")
            && last_touch.is_none_or(|t| t.elapsed() > Duration::from_secs(2))
        {
            touches += 1;
            std::fs::write(root.join("static/ready.txt"), touches.to_string()).unwrap();
            last_touch = Some(Instant::now());
        }
        (
            seen.contains("\ndata: "),
            format!("{touches} touches; stream: {seen:?}"),
        )
    });
}

fn article(title: &str) -> String {
    format!("---\ntitle: {title}\ndate: 2024-03-04 18:48\nslug: a\n---\n\nNội dung.\n")
}

#[test]
fn page_reloads_swaps_css_and_shows_build_errors() {
    for tool in [CHROMIUM, CHROMEDRIVER] {
        if !Path::new(tool).exists() {
            eprintln!(
                "skipped: chromium/chromedriver not installed ({tool} missing; apt-get install chromium chromium-driver)"
            );
            return;
        }
    }
    let t0 = Instant::now();

    // Drop order is the reverse of this: Chromium quits, then chromedriver
    // and the server are killed, then the temp folders go.
    let site = tempfile::tempdir().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let root = site.path();
    std::fs::create_dir_all(root.join("content/thoi-su")).unwrap();
    std::fs::create_dir_all(root.join("static/css")).unwrap();
    std::fs::write(
        root.join("config.yaml"),
        "title: Báo\nbase_url: https://example.org/\n",
    )
    .unwrap();
    std::fs::write(root.join(ARTICLE), article("Tít ban đầu")).unwrap();
    // The site's stylesheet replaces the theme's (keeps theme edits out of this test).
    let css = root.join("static/css/style.css");
    std::fs::write(&css, "h1 { color: rgb(0, 128, 0); }\n").unwrap();

    let log = scratch.path().join("serve.log");
    let log_file = std::fs::File::create(&log).unwrap();
    let (_serve, port) = start_serve(root, &[], |cmd: &mut Command| {
        cmd.stdout(log_file.try_clone().unwrap()).stderr(log_file);
    });
    let (_driver, driver_port) = start_chromedriver();
    let session = Session::new(driver_port, &scratch.path().join("profile"));
    let started = t0.elapsed();
    wait_until_watching(port, root, &log);
    let ready = t0.elapsed();

    let url = format!("http://127.0.0.1:{port}/thoi-su/a/");
    session.goto(&url);
    let h1 = |session: &Session, title: &str| {
        let seen = session.texts("h1");
        let ok = seen.as_ref().is_ok_and(|t| t.iter().any(|t| t == title));
        (ok, format!("h1 {seen:?}"))
    };
    wait_until("the first page", &log, || h1(&session, "Tít ban đầu"));
    let color = |session: &Session, want: &str| {
        let seen = session.css_value("h1", "color");
        (
            seen.as_ref().is_ok_and(|c| c.contains(want)),
            format!("{seen:?}"),
        )
    };
    wait_until("the site's stylesheet", &log, || {
        color(&session, "0, 128, 0")
    });

    // A stylesheet change is applied without reloading the page.
    session.script("window.bantinMarker = 1;").unwrap();
    session.wait_for_events();
    std::fs::write(&css, "h1 { color: rgb(0, 0, 255); }\n").unwrap();
    let css_took = wait_until("the new stylesheet", &log, || color(&session, "0, 0, 255"));
    assert_eq!(
        session.script("return window.bantinMarker;").unwrap(),
        json!(1),
        "a CSS-only change must not reload the page"
    );

    // An article edit reloads the page by itself: no navigation or refresh here.
    session.wait_for_events();
    std::fs::write(root.join(ARTICLE), article("Tít đã sửa")).unwrap();
    let reload_took = wait_until("the edited title", &log, || h1(&session, "Tít đã sửa"));
    assert_eq!(
        session
            .script("return window.bantinMarker === undefined;")
            .unwrap(),
        json!(true),
        "the page reloaded itself"
    );
    assert_eq!(session.url().unwrap(), url);

    // A broken file shows the error overlay, naming the file.
    session.wait_for_events();
    std::fs::write(root.join(ARTICLE), "---\ntitle: [\n---\n").unwrap();
    let error_took = wait_until("the error overlay", &log, || {
        let seen = session.texts("#bantin-error");
        let ok = seen
            .as_ref()
            .is_ok_and(|t| t.iter().any(|t| t.contains(ARTICLE)));
        (ok, format!("#bantin-error {seen:?}"))
    });
    // The last good page stays underneath.
    let (ok, seen) = h1(&session, "Tít đã sửa");
    assert!(ok, "{seen}");

    // Fixing it removes the overlay and shows the new title.
    std::fs::write(root.join(ARTICLE), article("Tít lần ba")).unwrap();
    let fix_took = wait_until("the fixed page", &log, || {
        let overlay = session.find_all("#bantin-error");
        let (title_ok, title) = h1(&session, "Tít lần ba");
        let ok = title_ok && overlay.as_ref().is_ok_and(Vec::is_empty);
        (ok, format!("{title}, overlay {overlay:?}"))
    });
    assert_eq!(session.url().unwrap(), url);

    eprintln!(
        "browser test: server + Chromium up in {started:?}, watcher live at {ready:?}; css swap {css_took:?}, reload {reload_took:?}, error overlay {error_took:?}, fix {fix_took:?}; total {:?}",
        t0.elapsed()
    );
}

/// What the search page shows once a search has finished.
#[derive(Debug)]
struct Shown {
    status: String,
    titles: Vec<String>,
    links: Vec<String>,
    marks: Vec<String>,
    thumbs: usize,
}

fn wait_for_results(session: &Session) -> Shown {
    let js = r#"
        var root = document.getElementById("search");
        if (!root || !root.hasAttribute("data-done")) return null;
        var q = function (css) { return Array.from(document.querySelectorAll(css)); };
        return {
            status: document.getElementById("search-status").textContent,
            titles: q(".search-result h2").map(function (e) { return e.textContent; }),
            links: q(".search-result h2 a").map(function (e) { return e.getAttribute("href"); }),
            marks: q(".search-result mark").map(function (e) { return e.textContent; }),
            thumbs: q(".search-thumb").length,
        };
    "#;
    let start = Instant::now();
    loop {
        if let Ok(v) = session.script(js)
            && !v.is_null()
        {
            let strings = |k: &str| -> Vec<String> {
                v[k].as_array()
                    .map(|a| {
                        a.iter()
                            .map(|s| s.as_str().unwrap_or("").to_string())
                            .collect()
                    })
                    .unwrap_or_default()
            };
            return Shown {
                status: v["status"].as_str().unwrap_or("").to_string(),
                titles: strings("titles"),
                links: strings("links"),
                marks: strings("marks"),
                thumbs: v["thumbs"].as_u64().unwrap_or(0) as usize,
            };
        }
        assert!(
            start.elapsed() < CHANGE_TIMEOUT,
            "the search never finished"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Searches `query`; what follows a `&` is more URL parameters, as is.
fn search(session: &Session, page: &str, query: &str) -> Shown {
    let (query, params) = query.split_once('&').unwrap_or((query, ""));
    let mut url = format!("{page}?{params}&q=");
    for b in query.bytes() {
        if b.is_ascii_alphanumeric() {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    session.goto(&url);
    wait_for_results(session)
}

const CAU: &str = "Thông xe cầu Đầu Sấu";
const BAO_SO_3: &str = "Bão số 3 đổ bộ Đà Nẵng";
const BAO_XUAN: &str = "Báo Xuân: báo chí Điện Biên ra số đặc biệt";
const DIEN_BIEN_PHU: &str = "Điện Biên Phủ đón du khách dịp lễ";
const PHAO_HOA: &str = "Pháo hoa rực sáng sông Hàn";
const GIA_LUA: &str = "Giá lúa đà tăng";

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn check_search(session: &Session, site: &str, prefix: &str) {
    let page = format!("{site}tim-kiem/");
    // Without diacritics, `đ` included.
    let r = search(session, &page, "dien bien");
    assert_eq!(sorted(r.titles.clone()), [BAO_XUAN, DIEN_BIEN_PHU], "{r:?}");
    assert!(r.status.starts_with("2 "), "{r:?}");
    assert!(r.marks.iter().any(|m| m == "Điện"), "{r:?}");
    for link in &r.links {
        assert!(
            link.starts_with(&format!("/{prefix}")),
            "{link} under /{prefix}"
        );
    }
    let r = search(session, &page, "cau dau sau");
    assert_eq!(r.titles, [CAU], "{r:?}");
    assert_eq!(r.thumbs, 1, "the lead image is shown: {r:?}");
    assert!(r.marks.iter().any(|m| m == "Đầu"), "{r:?}");
    let r = search(session, &page, "da nang");
    assert_eq!(sorted(r.titles), [BAO_SO_3, GIA_LUA, PHAO_HOA]);

    // With diacritics, the exact spelling first; without, the most mentions.
    let r = search(session, &page, "bão");
    assert_eq!(r.titles, [BAO_SO_3, BAO_XUAN], "{r:?}");
    let r = search(session, &page, "bao");
    assert_eq!(r.titles, [BAO_XUAN, BAO_SO_3], "{r:?}");

    // A quoted phrase: words side by side only.
    let r = search(session, &page, "\"da nang\"");
    assert_eq!(sorted(r.titles.clone()), [BAO_SO_3, PHAO_HOA], "{r:?}");

    // Filters and the newest-first order, from the URL.
    let r = search(session, &page, "dien bien&year=2022");
    assert_eq!(r.titles, [DIEN_BIEN_PHU], "{r:?}");
    let r = search(session, &page, "da nang&sort=date");
    assert_eq!(r.titles, [PHAO_HOA, GIA_LUA, BAO_SO_3], "{r:?}");
    // Sections in menu order: Kinh tế (0), Thời sự (1), Văn hóa (2).
    let r = search(session, &page, "da nang&section=1");
    assert_eq!(r.titles, [BAO_SO_3], "{r:?}");

    // No results: a message, no list.
    let r = search(session, &page, "xyzzy dien");
    assert!(r.titles.is_empty(), "{r:?}");
    assert!(r.status.starts_with("Không tìm thấy"), "{r:?}");

    // From the header of any page, by keyboard.
    session.goto(site);
    let input = session.find_all("#site-search-q").unwrap();
    let input = input.first().expect("a search box in the header");
    session
        .cmd(
            "POST",
            &format!("/element/{input}/value"),
            Some(&json!({ "text": "Đầu Sấu\u{E007}" })),
        )
        .unwrap();
    let r = wait_for_results(session);
    assert_eq!(r.titles, [CAU], "{r:?}");
    assert!(
        session.url().unwrap().starts_with(&page),
        "{:?}",
        session.url()
    );
}

#[test]
fn search_finds_vietnamese_with_and_without_diacritics() {
    for tool in [CHROMIUM, CHROMEDRIVER] {
        if !Path::new(tool).exists() {
            eprintln!(
                "skipped: chromium/chromedriver not installed ({tool} missing; apt-get install chromium chromium-driver)"
            );
            return;
        }
    }
    let (_driver, driver_port) = start_chromedriver();
    let scratch = tempfile::tempdir().unwrap();
    let session = Session::new(driver_port, &scratch.path().join("profile"));
    for prefix in ["", "bao/"] {
        let tmp = tempfile::tempdir().unwrap();
        let (root, out) = (tmp.path().join("site"), tmp.path().join("out"));
        common::copy_dir(&common::fixture_dir("search"), &root);
        let port = common::serve_dir(&out, prefix);
        let site = format!("http://127.0.0.1:{port}/{prefix}");
        std::fs::write(
            root.join("config.yaml"),
            format!("title: Báo Tìm\nbase_url: {site}\nsearch:\n  enabled: true\n"),
        )
        .unwrap();
        common::run(
            common::bantin()
                .args(["build", "--root"])
                .arg(&root)
                .arg("--output")
                .arg(&out),
        )
        .assert_ok();
        check_search(&session, &site, prefix);
    }
}
