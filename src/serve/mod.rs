//! `bantin serve`: build into a private folder, serve it on loopback, watch
//! the site and rebuild on change, and tell open pages to reload over
//! Server-Sent Events. Nothing of this reaches `public/`.
//!
//! An edit that leaves an article in place (same URL, date, section, tags)
//! re-parses that one file; new, deleted or moved articles re-index the site
//! from the parse cache. Either way only the pages whose inputs changed are
//! re-rendered (see [`crate::incremental`]). Templates, config, static files
//! or a new section are a full rebuild, which still writes only the files
//! whose bytes changed.

pub mod server;
pub mod watch;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::config::Config;
use crate::site::{BuildOptions, Site, Update, is_article_file};
use watch::{ChangeKind, classify};

const EVENTS_PATH: &str = "/__bantin/events";

/// The script added to every HTML page served (never to built files).
const RELOAD_SCRIPT: &str = r#"<script>(function(){var es=new EventSource("/__bantin/events");es.onmessage=function(e){var d=e.data;if(d==="reload"){location.reload();}else if(d==="css"){document.querySelectorAll('link[rel="stylesheet"]').forEach(function(l){var u=new URL(l.href);u.searchParams.set("v",Date.now());l.href=u.toString();});var o=document.getElementById("bantin-error");if(o)o.remove();}else if(d.indexOf("error:")===0){var o=document.getElementById("bantin-error")||document.createElement("div");o.id="bantin-error";o.setAttribute("style","position:fixed;inset:0;background:rgba(20,0,0,.92);color:#fff;padding:2em;font:14px/1.5 monospace;white-space:pre-wrap;overflow:auto;z-index:99999");o.innerHTML=d.slice(6);document.body.appendChild(o);}};})();</script>"#;

/// What the reload channel says next: a version counter and the last message.
#[derive(Default)]
struct Shared {
    version: u64,
    message: String,
}

pub struct Preview {
    out: PathBuf,
    /// The base URL the preview pages are built with (`http://127.0.0.1:1111/`).
    base: String,
    shared: Mutex<Shared>,
    changed: Condvar,
}

impl Preview {
    fn publish(&self, message: String) {
        let mut s = self.shared.lock().expect("lock not poisoned");
        s.version += 1;
        s.message = message;
        self.changed.notify_all();
    }
}

pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\r', "")
        .replace('\n', "&#10;")
}

/// Folders to watch: the site root itself (not recursively, so a new
/// `static/` or a rewritten `config.yaml` is seen) and, recursively, the
/// content, templates, static files and the active theme that exist now.
fn watch_list(config: &Config) -> Vec<(PathBuf, notify::RecursiveMode)> {
    let mut v = vec![(config.root.clone(), notify::RecursiveMode::NonRecursive)];
    for d in ["content", "templates", "static"] {
        v.push((config.root.join(d), notify::RecursiveMode::Recursive));
    }
    v.push((config.theme_dir(), notify::RecursiveMode::Recursive));
    v.retain(|(p, _)| p.is_dir());
    v
}

/// The private output folder: random name, owner-only permissions, removed
/// on Ctrl-C or SIGTERM. Folders left by killed previews are swept first.
fn private_output() -> Result<tempfile::TempDir> {
    let tmp = std::env::temp_dir();
    #[cfg(target_os = "linux")]
    if let Ok(entries) = std::fs::read_dir(&tmp) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(pid) = name
                .strip_prefix("bantin-serve-")
                .and_then(|r| r.split('-').next())
            else {
                continue;
            };
            if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    Ok(tempfile::Builder::new()
        .prefix(&format!("bantin-serve-{}-", std::process::id()))
        .tempdir_in(tmp)?)
}

/// Runs the preview until the process is stopped. `log` receives one line per event.
pub fn run(
    mut config: Config,
    bind: &str,
    port: u16,
    drafts: bool,
    open: bool,
    log: &(dyn Fn(&str) + Sync),
) -> Result<()> {
    let listener = TcpListener::bind((bind, port))
        .with_context(|| format!("cannot listen on {bind}:{port}"))?;
    // `--port 0` asks the system for a free port: links must use that one.
    let port = listener.local_addr()?.port();
    // Pages are built for the bound address; for 0.0.0.0 (every interface)
    // they are built for loopback and rewritten per request (see `handle`).
    let unspecified = bind
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_unspecified());
    let host = match bind {
        _ if unspecified && bind.contains(':') => "[::1]".to_string(),
        _ if unspecified => "127.0.0.1".to_string(),
        b if b.contains(':') => format!("[{b}]"),
        b => b.to_string(),
    };
    config.set_base_url(&format!("http://{host}:{port}/"))?;
    let private = private_output()?;
    let cleanup = private.path().to_path_buf();
    let _ = ctrlc::set_handler(move || {
        let _ = std::fs::remove_dir_all(&cleanup);
        std::process::exit(0);
    });
    let preview = Arc::new(Preview {
        out: private.path().join("site"),
        base: format!("http://{host}:{port}/"),
        shared: Mutex::new(Shared::default()),
        changed: Condvar::new(),
    });
    let options = BuildOptions {
        drafts,
        output: preview.out.clone(),
    };

    // Watch before the first build, so no edit made while it runs, or right
    // after the first page is served, can be missed.
    let (tx, rx) = std::sync::mpsc::channel();
    let mut debouncer = notify_debouncer_full::new_debouncer(Duration::from_millis(15), None, tx)?;
    let mut watched = watch_list(&config);
    for (p, mode) in &watched {
        debouncer.watch(p, *mode)?;
    }

    let mut site = Site::cached(config, options);
    rebuild(&mut site, &preview, Change::Full, log);
    let url = format!("http://{host}:{port}/");
    log(&format!("Serving at {url} (Ctrl-C to stop)"));
    if open {
        open_browser(&url);
    }
    let loopback = server::is_loopback_host(bind);
    let p = Arc::clone(&preview);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let p = Arc::clone(&p);
            std::thread::spawn(move || {
                let _ = handle(stream, &p, loopback);
            });
        }
    });

    for batch in rx {
        let Ok(events) = batch else { continue };
        // Reads (the build's own) are access events; only changes count.
        // Editor swap and backup files are never content; drop them here so
        // nothing below has to think about them.
        let mut paths: Vec<&Path> = events
            .iter()
            .filter(|e| !e.kind.is_access() && !e.kind.is_other())
            .flat_map(|e| e.paths.iter().map(PathBuf::as_path))
            .filter(|p| !crate::load::is_ignored_path(p))
            .collect();
        paths.sort();
        paths.dedup();
        let root = site.config().root.clone();
        let kinds = classify(paths.iter().copied(), &root, &site.config().theme_dir());
        if kinds.is_empty() {
            continue;
        }
        // Article files only: re-render the pages whose inputs changed. Files
        // beside articles (images) take the full path, which copies them.
        let only_articles = paths.iter().all(|p| is_article_file(p) || p.is_dir());
        if kinds == [ChangeKind::Content] && only_articles {
            let t = Instant::now();
            let names = changed_names(&paths, &root);
            let done = match site.update(&paths) {
                Ok(Update::InPlace(w)) => Some((format!("updated {names} in place"), w)),
                Ok(Update::Replanned(w)) => {
                    Some((format!("rebuilt ({names}, only pages that changed)"), w))
                }
                Ok(Update::NeedsFullBuild) => None,
                Err(e) => {
                    let msg = format!("{e:#}");
                    log(&msg);
                    preview.publish(format!("error:{}", escape_html(&msg)));
                    continue;
                }
            };
            if let Some((what, w)) = done {
                log(&format!(
                    "{what}: {} pages re-rendered, {} changed, in {:.1} ms",
                    w.pages,
                    w.written,
                    t.elapsed().as_secs_f64() * 1e3
                ));
                preview.publish("reload".into());
                continue;
            }
        }
        if kinds.contains(&ChangeKind::Config) {
            match crate::config::Config::load(&root) {
                Ok(mut c) => {
                    c.set_base_url(&site.config().base_url)?;
                    site.set_config(c);
                }
                Err(e) => {
                    log(&format!("error: {e:#}"));
                    preview.publish(format!("error:{}", escape_html(&format!("{e:#}"))));
                    continue;
                }
            }
        }
        // A new static/ or templates/ folder, or another theme: watch it.
        let now = watch_list(site.config());
        if now != watched {
            for (p, _) in &watched {
                let _ = debouncer.unwatch(p);
            }
            for (p, mode) in &now {
                let _ = debouncer.watch(p, *mode);
            }
            watched = now;
        }
        // Only stylesheets changed: pages can swap them without reloading.
        let css_only = kinds == [ChangeKind::Static]
            && paths
                .iter()
                .all(|p| p.extension().is_some_and(|e| e == "css"));
        let change = if css_only {
            Change::CssOnly
        } else {
            Change::Files(&paths)
        };
        rebuild(&mut site, &preview, change, log);
    }
    drop(private);
    Ok(())
}

/// What a rebuild is for, for the terminal and the reload message.
#[derive(Clone, Copy)]
enum Change<'a> {
    Full,
    CssOnly,
    Files(&'a [&'a Path]),
}

/// The changed files, relative to the site, for the terminal.
fn changed_names(paths: &[&Path], root: &Path) -> String {
    let names: Vec<String> = paths
        .iter()
        .map(|p| crate::load::slash_path(p.strip_prefix(root).unwrap_or(p)))
        .collect();
    match names.len() {
        0..=3 => names.join(", "),
        n => format!("{}, ... ({n} files)", names[..3].join(", ")),
    }
}

/// Opens the preview in the desktop's browser; failure only means no browser.
fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(cmd)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

/// A full build (reusing the parse cache) and its report to the terminal
/// and to open pages.
fn rebuild(site: &mut Site, preview: &Preview, change: Change<'_>, log: &(dyn Fn(&str) + Sync)) {
    let t = Instant::now();
    match site.build(&crate::site::NoProgress) {
        Ok(report) => {
            let what = match change {
                Change::Full => "site".to_string(),
                Change::CssOnly => "stylesheets".to_string(),
                Change::Files(paths) => changed_names(paths, &site.config().root),
            };
            log(&format!(
                "rebuilt ({what}): {} pages, {} changed, in {} ms",
                report.files,
                report.stats.written,
                t.elapsed().as_millis()
            ));
            preview.publish(if matches!(change, Change::CssOnly) {
                "css".into()
            } else {
                "reload".into()
            });
        }
        Err(e) => {
            let msg = format!("{e:#}");
            log(&msg);
            preview.publish(format!("error:{}", escape_html(&msg)));
        }
    }
}

fn handle(stream: TcpStream, preview: &Preview, loopback: bool) -> std::io::Result<()> {
    use std::io::Read;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    // A request head larger than this is not a browser's.
    let mut reader = BufReader::new(stream.try_clone()?.take(32 * 1024));
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut hosts = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("host")
        {
            hosts.push(v.trim().to_string());
        }
    }
    let mut out = stream;
    // Exactly one Host, made of host-name characters: anything else is not a
    // browser asking for a page, and a second Host could dodge the check.
    let host = match hosts.as_slice() {
        [h] if server::is_plain_host(h) => h.clone(),
        _ => {
            return respond(
                &mut out,
                "400 Bad Request",
                "text/plain; charset=utf-8",
                b"bad host\n",
                "GET",
                &[],
            );
        }
    };
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut out,
            "405 Method Not Allowed",
            "text/plain; charset=utf-8",
            b"method not allowed\n",
            method,
            &[("Allow", "GET, HEAD")],
        );
    }
    if loopback && !server::is_loopback_host(&host) {
        return respond(
            &mut out,
            "403 Forbidden",
            "text/plain; charset=utf-8",
            b"forbidden host\n",
            method,
            &[],
        );
    }
    if target == EVENTS_PATH {
        if method == "HEAD" {
            return respond(&mut out, "200 OK", "text/event-stream", b"", method, &[]);
        }
        return events(out, preview);
    }
    match server::resolve(&preview.out, target) {
        Some(file) => {
            let mut body = std::fs::read(&file)?;
            let ctype = server::content_type(&file);
            // Bound to every interface: links must name the address this
            // browser used (a phone on the newsroom's network, say).
            let asked = format!("http://{host}/");
            let textual = ctype.starts_with("text/")
                || ctype.starts_with("application/xml")
                || ctype.starts_with("application/json");
            if !loopback
                && asked != preview.base
                && textual
                && let Ok(text) = std::str::from_utf8(&body)
            {
                body = text.replace(&preview.base, &asked).into_bytes();
            }
            if ctype.starts_with("text/html") {
                inject_script(&mut body);
            }
            respond(&mut out, "200 OK", ctype, &body, method, &[])
        }
        None => {
            let mut body = std::fs::read(preview.out.join("404.html"))
                .unwrap_or_else(|_| b"not found\n".to_vec());
            inject_script(&mut body);
            respond(
                &mut out,
                "404 Not Found",
                "text/html; charset=utf-8",
                &body,
                method,
                &[],
            )
        }
    }
}

fn inject_script(body: &mut Vec<u8>) {
    let at = body
        .windows(7)
        .rposition(|w| w == b"</body>")
        .unwrap_or(body.len());
    body.splice(at..at, RELOAD_SCRIPT.bytes());
}

fn respond(
    out: &mut TcpStream,
    status: &str,
    ctype: &str,
    body: &[u8],
    method: &str,
    extra: &[(&str, &str)],
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    if method != "HEAD" {
        out.write_all(body)?;
    }
    out.flush()
}

/// Server-Sent Events: the current error at once, then every later change.
fn events(mut out: TcpStream, preview: &Preview) -> std::io::Result<()> {
    out.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n")?;
    let (mut seen, current) = {
        let s = preview.shared.lock().expect("lock not poisoned");
        (s.version, s.message.clone())
    };
    if current.starts_with("error:") {
        out.write_all(format!("data: {current}\n\n").as_bytes())?;
    }
    out.write_all(b": connected\n\n")?;
    out.flush()?;
    loop {
        let next = {
            let s = preview.shared.lock().expect("lock not poisoned");
            let (s, timeout) = preview
                .changed
                .wait_timeout_while(s, Duration::from_secs(15), |s| s.version == seen)
                .expect("lock not poisoned");
            if timeout.timed_out() {
                None
            } else {
                // Several changes while this client was busy: a stylesheet
                // swap alone could hide a content change, so reload.
                let missed = s.version - seen > 1;
                seen = s.version;
                Some(if missed && s.message == "css" {
                    "reload".to_string()
                } else {
                    s.message.clone()
                })
            }
        };
        match next {
            None => out.write_all(b": keep-alive\n\n")?,
            Some(msg) => out.write_all(format!("data: {msg}\n\n").as_bytes())?,
        }
        out.flush()?;
    }
}
