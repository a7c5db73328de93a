//! `bantin serve`: build into a private folder, serve it on loopback, watch
//! the site and rebuild on change, and tell open pages to reload over
//! Server-Sent Events. Nothing of this reaches `public/`.
//!
//! Changes that arrive while a rebuild runs are merged into one next step.
//! An edit that leaves an article in place (same URL, date, section, tags)
//! re-parses that one file; new, deleted or moved articles re-index the site
//! from the parse cache. Either way only the pages whose inputs changed are
//! re-rendered (see [`crate::incremental`]). Templates, config, static files
//! or a new section are a full rebuild, which still writes only the files
//! whose bytes changed.

pub mod reload;
pub mod server;
pub mod watch;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify_debouncer_full::DebounceEventResult;

use crate::config::Config;
use crate::site::{BuildOptions, Site, Update, is_article_file};
use reload::Reload;
use watch::{ChangeKind, classify};

/// A batch that arrives this soon after the previous step ended means edits
/// are still coming (an edit storm, a checkout, a script): it waits
/// [`SETTLE`] for more. One after a quiet spell is applied at once, so a
/// single save is served as fast as before.
const BURST: Duration = Duration::from_secs(1);
/// In a burst, how long to wait for more changes before acting.
const SETTLE: Duration = Duration::from_millis(30);
/// The longest that waiting may last, so a steady stream of edits still
/// shows up in the browser.
const SETTLE_MAX: Duration = Duration::from_millis(300);
/// Threads that answer requests. A preview has one reader; two keep a slow
/// answer from stalling the rest without competing with rebuilds.
const WORKER_THREADS: usize = 2;
/// Threads for file reads (tokio runs those off the workers).
const BLOCKING_THREADS: usize = 8;

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
    let prefix = format!("bantin-serve-{}-", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    // Created owner-only rather than narrowed afterwards, so drafts are
    // never readable by other users of the machine, not even for a moment.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
    Ok(builder.tempdir_in(tmp)?)
}

/// The file watcher, as `notify_debouncer_full` builds it.
type Debouncer = notify_debouncer_full::Debouncer<
    notify_debouncer_full::notify::RecommendedWatcher,
    notify_debouncer_full::RecommendedCache,
>;

/// The watcher and the folders it watches now, so that a change to the
/// list (a new `static/`, another theme) can be applied.
struct Watched {
    debouncer: Debouncer,
    folders: Vec<(PathBuf, notify::RecursiveMode)>,
}

/// Runs the preview until the process is stopped. `log` receives one line per event.
///
/// Setup (listener, private folder, watcher, first build, HTTP server) comes
/// first; then each change on disk, or a scheduled article's time, is one
/// `step` of the loop.
pub fn run(
    mut config: Config,
    bind: &str,
    port: u16,
    drafts: bool,
    future: bool,
    open: bool,
    log: &(dyn Fn(&str) + Sync),
) -> Result<()> {
    let (listener, host, port) = listen(bind, port)?;
    config.set_base_url(&format!("http://{host}:{port}/"))?;
    let private = private_output()?;
    remove_on_stop(private.path());
    let out = private.path().join("site");
    let reload = Arc::new(Reload::new());
    let options = BuildOptions {
        drafts,
        future,
        // The real clock at each build: scheduled articles go live by themselves.
        now: None,
        output: out.clone(),
    };

    // Watch before the first build, so no edit made while it runs, or right
    // after the first page is served, can be missed.
    let (tx, rx) = std::sync::mpsc::channel();
    let debouncer = notify_debouncer_full::new_debouncer(Duration::from_millis(15), None, tx)?;
    let mut watched = Watched {
        debouncer,
        folders: watch_list(&config),
    };
    for (p, mode) in &watched.folders {
        watched.debouncer.watch(p, *mode)?;
    }

    let mut site = Site::cached(config, options);
    rebuild(&mut site, &reload, Change::Full, log);
    let url = format!("http://{host}:{port}/");
    log(&format!("Serving at {url} (Ctrl-C to stop)"));
    if open {
        open_browser(&url);
    }
    // Kept until the loop ends: dropping the runtime stops the server.
    let _runtime = start_server(listener, out, &url, bind, &reload)?;

    loop {
        let waiting = Instant::now();
        let first = match next_batch(&site, &rx) {
            Ok(batch) => batch,
            Err(RecvTimeoutError::Timeout) => {
                rebuild(&mut site, &reload, Change::Scheduled, log);
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => break,
        };
        let changed = gather(first, &rx, waiting.elapsed() < BURST, log);
        step(&mut site, &reload, &mut watched, &changed, log)?;
    }
    drop(private);
    Ok(())
}

/// Binds the listener and returns it with the host and port that pages are
/// built for. `--port 0` asks the system for a free port: links must use
/// that one. For 0.0.0.0 (every interface) pages are built for loopback and
/// rewritten per request (see `server`).
fn listen(bind: &str, port: u16) -> Result<(TcpListener, String, u16)> {
    let listener = TcpListener::bind((bind, port)).map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
            format!(
                "port {port} is in use (another `bantin serve`?); choose another with --port, or --port 0 for any free port"
            )
        } else {
            e.to_string()
        };
        anyhow::anyhow!("cannot listen on {bind}:{port}: {hint}")
    })?;
    let port = listener.local_addr()?.port();
    let unspecified = bind
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_unspecified());
    let host = match bind {
        _ if unspecified && bind.contains(':') => "[::1]".to_string(),
        _ if unspecified => "127.0.0.1".to_string(),
        b if b.contains(':') => format!("[{b}]"),
        b => b.to_string(),
    };
    Ok((listener, host, port))
}

/// Removes the private folder on Ctrl-C or SIGTERM, so drafts do not
/// outlive the preview.
fn remove_on_stop(private: &Path) {
    let cleanup = private.to_path_buf();
    let _ = ctrlc::set_handler(move || {
        let _ = std::fs::remove_dir_all(&cleanup);
        std::process::exit(0);
    });
}

/// Starts answering requests on a small runtime of its own, so this thread
/// keeps the watcher and the rebuilds. The server lives as long as the
/// returned runtime.
fn start_server(
    listener: TcpListener,
    out: PathBuf,
    url: &str,
    bind: &str,
    reload: &Arc<Reload>,
) -> Result<tokio::runtime::Runtime> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKER_THREADS)
        .max_blocking_threads(BLOCKING_THREADS)
        .thread_name("bantin-serve")
        .enable_all()
        .build()
        .context("cannot start the HTTP server")?;
    let server = Arc::new(server::Server::new(
        out,
        url.to_string(),
        server::is_loopback_host(bind),
        Arc::clone(reload),
    ));
    listener.set_nonblocking(true)?;
    let listener = {
        let _guard = runtime.enter();
        tokio::net::TcpListener::from_std(listener)?
    };
    runtime.spawn(server::serve(listener, server));
    Ok(runtime)
}

/// Sleeps until the next change on disk, or until a scheduled article goes
/// live (or expires), whichever comes first: the latter is a `Timeout`.
fn next_batch(
    site: &Site,
    rx: &Receiver<DebounceEventResult>,
) -> Result<DebounceEventResult, RecvTimeoutError> {
    match site.next_scheduled() {
        Some(at) => {
            let ms = at.as_millisecond() - jiff::Timestamp::now().as_millisecond();
            rx.recv_timeout(Duration::from_millis(ms.max(0) as u64 + 1))
        }
        None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
    }
}

/// Applies one gathered set of changed paths: article edits in place or by
/// re-indexing when they can be, else (after reloading the config and the
/// watch list if need be) a full rebuild. Errors in the site are reported
/// to the terminal and the open pages; only one that stops the preview is
/// returned.
fn step(
    site: &mut Site,
    reload: &Reload,
    watched: &mut Watched,
    changed: &[PathBuf],
    log: &(dyn Fn(&str) + Sync),
) -> Result<()> {
    let paths: Vec<&Path> = changed.iter().map(PathBuf::as_path).collect();
    let root = site.config().root.clone();
    let kinds = classify(paths.iter().copied(), &root, &site.config().theme_dir());
    if kinds.is_empty() {
        return Ok(());
    }
    // Article files only: re-render the pages whose inputs changed. Files
    // beside articles (images) take the full path, which copies them.
    let only_articles = paths.iter().all(|p| is_article_file(p) || p.is_dir());
    if kinds == [ChangeKind::Content]
        && only_articles
        && update_articles(site, reload, &paths, &root, log)
    {
        return Ok(());
    }
    if kinds.contains(&ChangeKind::Config) && !reload_config(site, reload, &root, log)? {
        return Ok(());
    }
    rewatch(watched, site.config(), log);
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
    rebuild(site, reload, change, log);
    Ok(())
}

/// Re-renders only the pages whose inputs changed, for edits to article
/// files. False when the change needs a full build instead; true when it
/// was applied or its error reported.
fn update_articles(
    site: &mut Site,
    reload: &Reload,
    paths: &[&Path],
    root: &Path,
    log: &(dyn Fn(&str) + Sync),
) -> bool {
    let t = Instant::now();
    let names = changed_names(paths, root);
    let done = match site.update(paths) {
        Ok(Update::InPlace(w)) => Some((format!("updated {names} in place"), w)),
        Ok(Update::Replanned(w)) => {
            Some((format!("rebuilt ({names}, only pages that changed)"), w))
        }
        Ok(Update::NeedsFullBuild) => None,
        Err(e) => {
            let msg = format!("{e:#}");
            log(&msg);
            reload.publish(format!("error:{}", escape_html(&msg)));
            return true;
        }
    };
    let Some((what, w)) = done else {
        return false;
    };
    log(&format!(
        "{what}: {} pages re-rendered, {} changed, in {:.1} ms",
        w.pages,
        w.written,
        t.elapsed().as_secs_f64() * 1e3
    ));
    reload.publish("reload".into());
    true
}

/// Reloads `config.yaml`, keeping the preview's base URL. False when the
/// new config has errors (reported, and the site left as it was); an error
/// only when the base URL cannot be kept.
fn reload_config(
    site: &mut Site,
    reload: &Reload,
    root: &Path,
    log: &(dyn Fn(&str) + Sync),
) -> Result<bool> {
    match crate::config::Config::load(root) {
        Ok(mut c) => {
            c.set_base_url(&site.config().base_url)?;
            site.set_config(c);
            Ok(true)
        }
        Err(e) => {
            log(&format!("error: {e:#}"));
            reload.publish(format!("error:{}", escape_html(&format!("{e:#}"))));
            Ok(false)
        }
    }
}

/// A new static/ or templates/ folder, or another theme: watch it.
fn rewatch(watched: &mut Watched, config: &Config, log: &(dyn Fn(&str) + Sync)) {
    let now = watch_list(config);
    if now != watched.folders {
        for (p, _) in &watched.folders {
            // A folder that was removed is no longer watched anyway.
            let _ = watched.debouncer.unwatch(p);
        }
        for (p, mode) in &now {
            if let Err(e) = watched.debouncer.watch(p, *mode) {
                log(&format!("error: cannot watch {}: {e}", p.display()));
            }
        }
        watched.folders = now;
    }
}

/// The changed paths of `first` and of every batch already queued, sorted
/// and without repeats: edits that arrived while a rebuild ran are applied
/// together, not one rebuild each. With `settle`, also those of batches
/// that follow within [`SETTLE`] of the previous one, for at most
/// [`SETTLE_MAX`].
fn gather(
    first: DebounceEventResult,
    rx: &Receiver<DebounceEventResult>,
    settle: bool,
    log: &(dyn Fn(&str) + Sync),
) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    let mut add = |batch: DebounceEventResult| {
        // A watcher error names no change to apply, but it may mean edits
        // are being missed: the user should know why a page went stale.
        let events = match batch {
            Ok(events) => events,
            Err(errors) => {
                for e in errors {
                    log(&format!("error: watching files: {e}"));
                }
                return;
            }
        };
        // Reads (the build's own) are access events; only changes count.
        // Editor swap and backup files are never content; drop them here so
        // nothing below has to think about them.
        for e in events {
            if e.kind.is_access() || e.kind.is_other() {
                continue;
            }
            paths.extend(
                e.event
                    .paths
                    .into_iter()
                    .filter(|p| !crate::load::is_ignored_path(p)),
            );
        }
    };
    add(first);
    let start = Instant::now();
    loop {
        while let Ok(batch) = rx.try_recv() {
            add(batch);
        }
        let left = SETTLE_MAX.saturating_sub(start.elapsed());
        if !settle || left.is_zero() {
            break;
        }
        match rx.recv_timeout(SETTLE.min(left)) {
            Ok(batch) => add(batch),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
        }
    }
    paths.sort();
    paths.dedup();
    paths
}

/// What a rebuild is for, for the terminal and the reload message.
#[derive(Clone, Copy)]
enum Change<'a> {
    Full,
    /// The clock reached a scheduled article's time.
    Scheduled,
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
    if let Ok(mut child) = std::process::Command::new(cmd)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        // Reaped when it exits, so no zombie is left for the life of the preview.
        std::thread::spawn(move || child.wait());
    }
}

/// A full build (reusing the parse cache) and its report to the terminal
/// and to open pages.
fn rebuild(site: &mut Site, reload: &Reload, change: Change<'_>, log: &(dyn Fn(&str) + Sync)) {
    let t = Instant::now();
    match site.build(&crate::site::NoProgress) {
        Ok(report) => {
            let what = match change {
                Change::Full => "site".to_string(),
                Change::Scheduled => "scheduled publishing".to_string(),
                Change::CssOnly => "stylesheets".to_string(),
                Change::Files(paths) => changed_names(paths, &site.config().root),
            };
            log(&format!(
                "rebuilt ({what}): {} pages, {} changed, in {} ms",
                report.files,
                report.stats.written,
                t.elapsed().as_millis()
            ));
            reload.publish(if matches!(change, Change::CssOnly) {
                "css".into()
            } else {
                "reload".into()
            });
        }
        Err(e) => {
            let msg = format!("{e:#}");
            log(&msg);
            reload.publish(format!("error:{}", escape_html(&msg)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, EventKind, ModifyKind};
    use notify_debouncer_full::DebouncedEvent;

    fn batch(kind: EventKind, paths: &[&str]) -> DebounceEventResult {
        let mut event = notify::Event::new(kind);
        for p in paths {
            event = event.add_path(PathBuf::from(p));
        }
        Ok(vec![DebouncedEvent::new(event, Instant::now())])
    }

    #[test]
    fn merges_queued_batches_into_one_step() {
        let (tx, rx) = std::sync::mpsc::channel();
        let edit = EventKind::Modify(ModifyKind::Any);
        tx.send(batch(edit, &["/s/content/b.md", "/s/content/.b.md.swp"]))
            .unwrap();
        tx.send(batch(
            EventKind::Access(AccessKind::Any),
            &["/s/content/c.md"],
        ))
        .unwrap();
        tx.send(Err(vec![notify::Error::generic("lost")])).unwrap();
        tx.send(batch(
            EventKind::Create(CreateKind::File),
            &["/s/content/a.md"],
        ))
        .unwrap();
        let first = batch(edit, &["/s/content/b.md"]);
        let lines = std::sync::Mutex::new(Vec::new());
        let log = |l: &str| lines.lock().unwrap().push(l.to_string());
        let paths = gather(first, &rx, false, &log);
        assert_eq!(
            paths,
            [PathBuf::from("/s/content/a.md"), "/s/content/b.md".into()]
        );
        assert!(rx.try_recv().is_err(), "everything queued was taken");
        assert_eq!(*lines.lock().unwrap(), ["error: watching files: lost"]);

        tx.send(batch(edit, &["/s/content/c.md"])).unwrap();
        let first = batch(edit, &["/s/templates/x.html"]);
        let paths = gather(first, &rx, true, &log);
        assert_eq!(
            paths,
            [
                PathBuf::from("/s/content/c.md"),
                "/s/templates/x.html".into()
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn private_folder_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = private_output().unwrap();
        let mode = std::fs::metadata(dir.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{mode:o}");
    }
}
