//! Shared helpers for the integration tests: copy a fixture site into a temp
//! folder, run the real `bantin` binary on it, and read and check its output.
//!
//! Every test gets its own temp folder laid out as `<tmp>/site` (the fixture's
//! copy, safe to edit) and `<tmp>/out` (the build output), so tests can run in
//! parallel and never touch `tests/fixtures/`.

#![allow(dead_code, unreachable_pub, unused_imports)]

pub(crate) mod http;
pub(crate) mod process;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) use process::{KillOnDrop, free_port, start_serve, wait_for};

/// `tests/fixtures/<name>`.
pub(crate) fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A path inside the repository, for files of the product itself (the built-in
/// theme under `themes/default`). Never the example site: tests use fixtures.
pub(crate) fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The `bantin` binary built by Cargo for this test run, as a plain
/// `std::process::Command` (run it with [`run`], or spawn it).
pub(crate) fn bantin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bantin"));
    // Nothing in bantin reads these today; pinned so a future change cannot make
    // the output depend on the machine running the tests.
    cmd.env("TZ", "UTC")
        .env("LANG", "C.UTF-8")
        .env("NO_COLOR", "1");
    cmd
}

/// What a finished command printed and returned.
#[derive(Debug)]
pub(crate) struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: std::process::Output) -> Run {
        Run {
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    #[track_caller]
    pub(crate) fn assert_ok(&self) -> &Run {
        assert_eq!(
            self.code,
            Some(0),
            "expected success\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    pub(crate) fn assert_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit code {code}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// The `warning: ...` lines of stderr.
    pub(crate) fn warnings(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("warning: "))
            .collect()
    }

    /// The final `Built N articles into OUT: F files (W written, U unchanged) in T s`
    /// line, as (articles, files, written, unchanged).
    #[track_caller]
    pub(crate) fn built_counts(&self) -> (usize, usize, usize, usize) {
        let line = self
            .stderr
            .lines()
            .find(|l| l.starts_with("Built "))
            .unwrap_or_else(|| panic!("no `Built ...` line in stderr:\n{}", self.stderr));
        let num = |after: &str, before: &str| -> usize {
            let start = line.find(after).expect(after) + after.len();
            let end = start + line[start..].find(before).expect(before);
            line[start..end]
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("bad number in {line:?}"))
        };
        let articles = num("Built ", " article");
        let files = num(": ", " files");
        let written = num(" files (", " written");
        let unchanged = num(" written, ", " unchanged");
        (articles, files, written, unchanged)
    }
}

/// Runs a prepared command and collects its output.
pub(crate) fn run(cmd: &mut Command) -> Run {
    Run::from(cmd.output().expect("bantin runs"))
}

/// A fixture site copied into its own temp folder.
pub(crate) struct Site {
    _tmp: tempfile::TempDir,
    /// Folder holding `site/` and `out/`.
    pub tmp: PathBuf,
    /// The site root (holds `config.yaml`).
    pub root: PathBuf,
    /// The default output folder used by [`Site::build`].
    pub out: PathBuf,
}

impl Site {
    /// Copies `tests/fixtures/<name>` to a fresh temp folder.
    pub(crate) fn fixture(name: &str) -> Site {
        let tmp = tempfile::Builder::new()
            .prefix("bantin-test-")
            .tempdir()
            .expect("temp dir");
        let base = tmp.path().to_path_buf();
        let root = base.join("site");
        copy_dir(&fixture_dir(name), &root);
        Site {
            out: base.join("out"),
            tmp: base,
            root,
            _tmp: tmp,
        }
    }

    /// An empty temp folder with no site in it (for `init`).
    pub(crate) fn empty() -> Site {
        let tmp = tempfile::Builder::new()
            .prefix("bantin-test-")
            .tempdir()
            .expect("temp dir");
        let base = tmp.path().to_path_buf();
        Site {
            out: base.join("out"),
            root: base.join("site"),
            tmp: base,
            _tmp: tmp,
        }
    }

    /// A path in the site (`content/thoi-su/a.md`).
    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Writes (or replaces) a file of the site, creating folders.
    pub(crate) fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write site file");
    }

    pub(crate) fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path(rel)).expect("remove site file");
    }

    /// `bantin` run from the temp folder (not the site) so nothing relies on the
    /// working directory unless a test wants it to.
    pub(crate) fn bantin(&self) -> Command {
        let mut cmd = bantin();
        cmd.current_dir(&self.tmp);
        cmd
    }

    /// `bantin build --root SITE --output OUT [extra...]`.
    pub(crate) fn build(&self, extra: &[&str]) -> Run {
        self.build_into(&self.out, extra)
    }

    /// `bantin build --root SITE --output <out> [extra...]`.
    pub(crate) fn build_into(&self, out: &Path, extra: &[&str]) -> Run {
        let mut cmd = self.bantin();
        cmd.arg("build")
            .arg("--root")
            .arg(&self.root)
            .arg("--output")
            .arg(out)
            .args(extra);
        run(&mut cmd)
    }

    /// Builds and asserts success.
    #[track_caller]
    pub(crate) fn build_ok(&self, extra: &[&str]) -> Run {
        let r = self.build(extra);
        r.assert_ok();
        r
    }

    /// Text of an output file (`thoi-su/x/index.html`).
    #[track_caller]
    pub(crate) fn read(&self, rel: &str) -> String {
        read_text(&self.out.join(rel))
    }

    pub(crate) fn read_bytes(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.out.join(rel))
            .unwrap_or_else(|e| panic!("cannot read output file {rel}: {e}"))
    }

    pub(crate) fn exists(&self, rel: &str) -> bool {
        self.out.join(rel).is_file()
    }

    /// Every output file, `/`-separated, sorted.
    pub(crate) fn files(&self) -> Vec<String> {
        list_files(&self.out)
    }
}

#[track_caller]
pub(crate) fn read_text(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// Files under `dir`, relative, `/`-separated, sorted.
pub(crate) fn list_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let entry = entry.expect("dir entry");
            let p = entry.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).expect("under base");
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Every file under `dir` with its bytes.
pub(crate) fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    list_files(dir)
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(dir.join(&rel)).expect("read tree file");
            (rel, bytes)
        })
        .collect()
}

/// Every file under `dir` with its modification time.
pub(crate) fn mtimes(dir: &Path) -> BTreeMap<String, std::time::SystemTime> {
    list_files(dir)
        .into_iter()
        .map(|rel| {
            let t = std::fs::metadata(dir.join(&rel))
                .and_then(|m| m.modified())
                .expect("mtime");
            (rel, t)
        })
        .collect()
}

// ---------------------------------------------------------------------------
// HTML

/// The `<main ...>...</main>` element of a page, tags included.
#[track_caller]
pub(crate) fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("page has <main>");
    let end = html[start..].find("</main>").expect("page has </main>") + start + "</main>".len();
    &html[start..end]
}

/// Values of every `attr="..."` in `html`, in order.
pub(crate) fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        let end = rest.find('"').expect("closing quote");
        out.push(rest[..end].to_string());
        rest = &rest[end..];
    }
    out
}

/// The article links of a list page, in order: the `href` of every
/// `lead-title` and `card-title` heading link inside `<main>`.
pub(crate) fn article_links(html: &str) -> Vec<String> {
    let main = main_of(html);
    let mut out = Vec::new();
    let mut rest = main;
    loop {
        let lead = rest.find("class=\"lead-title\"><a href=\"");
        let card = rest.find("class=\"card-title\"><a href=\"");
        let i = match (lead, card) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => break,
        };
        rest = &rest[i..];
        let start = rest.find("href=\"").expect("href") + "href=\"".len();
        rest = &rest[start..];
        let end = rest.find('"').expect("closing quote");
        out.push(rest[..end].to_string());
        rest = &rest[end..];
    }
    out
}

/// Text with tags removed and the few entities bantin's templates produce decoded.
pub(crate) fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    unescape(&out)
}

pub(crate) fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

/// The output file a site URL is served from, or none for URLs off the site.
/// `base` is the site's base URL (`https://example.org/bao/`); root-relative
/// links must start with its path.
pub(crate) fn url_to_file(url: &str, base: &str) -> Option<String> {
    let base_path = {
        let after = &base[base.find("://").map_or(0, |i| i + 3)..];
        after.find('/').map_or("/", |i| &after[i..])
    };
    let path = if let Some(rest) = url.strip_prefix(base) {
        rest.to_string()
    } else if url.starts_with('/') && !url.starts_with("//") {
        match url.strip_prefix(base_path) {
            Some(rest) => rest.to_string(),
            // A root-relative link that forgot the base path: never a file.
            None => return Some(format!("(outside {base_path}){url}")),
        }
    } else {
        return None;
    };
    let path = path.split(['#', '?']).next().unwrap_or("").to_string();
    Some(if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path
    })
}

/// Every `href`/`src` in the HTML files, every `<link>`/`<loc>`/`href` in the
/// XML files: the ones on the site (absolute under `base`, or root-relative)
/// must name an output file. Returns how many links were checked.
#[track_caller]
pub(crate) fn assert_internal_links_resolve(out: &Path, base: &str) -> usize {
    let files: std::collections::BTreeSet<String> = list_files(out).into_iter().collect();
    let mut checked = 0;
    let mut broken = Vec::new();
    for f in &files {
        let links: Vec<String> = if f.ends_with(".html") {
            let html = read_text(&out.join(f));
            let mut v = attr_values(&html, "href");
            v.extend(attr_values(&html, "src"));
            v
        } else if f.ends_with(".xml") {
            let xml = read_text(&out.join(f));
            let mut v = attr_values(&xml, "href");
            v.extend(element_texts(&xml, "link"));
            v.extend(element_texts(&xml, "loc"));
            v.extend(element_texts(&xml, "guid"));
            v
        } else {
            continue;
        };
        for l in links {
            let l = unescape(&l);
            if let Some(target) = url_to_file(&l, base) {
                checked += 1;
                if !files.contains(&target) {
                    broken.push(format!("{f}: {l} -> {target}"));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "broken internal links:\n{}",
        broken.join("\n")
    );
    checked
}

// ---------------------------------------------------------------------------
// XML: a small well-formedness checker, enough to catch unescaped text,
// unbalanced tags and bad entities in feeds and sitemaps.

#[track_caller]
pub(crate) fn assert_well_formed_xml(xml: &str) {
    if let Err(e) = check_xml(xml) {
        panic!("not well-formed XML: {e}\n{xml}");
    }
}

pub(crate) fn check_xml(xml: &str) -> Result<(), String> {
    let rest = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .ok_or("missing XML declaration")?;
    let mut stack: Vec<&str> = Vec::new();
    let mut roots = 0;
    let mut i = 0;
    let b = rest.as_bytes();
    while i < b.len() {
        match b[i] {
            b'<' => {
                let tail = &rest[i..];
                if tail.starts_with("<!--") {
                    i += tail.find("-->").ok_or("unclosed comment")? + 3;
                    continue;
                }
                if tail.starts_with("<![CDATA[") {
                    i += tail.find("]]>").ok_or("unclosed CDATA")? + 3;
                    continue;
                }
                let end = tag_end(tail).ok_or_else(|| format!("unclosed tag at byte {i}"))?;
                let tag = &tail[1..end];
                if let Some(name) = tag.strip_prefix('/') {
                    let open = stack.pop().ok_or_else(|| format!("stray </{name}>"))?;
                    if open != name.trim() {
                        return Err(format!("<{open}> closed by </{name}>"));
                    }
                } else {
                    let self_closing = tag.ends_with('/');
                    let body = tag.trim_end_matches('/');
                    let name_end = body.find(char::is_whitespace).unwrap_or(body.len());
                    let name = &body[..name_end];
                    if name.is_empty()
                        || !name
                            .chars()
                            .all(|c| c.is_alphanumeric() || matches!(c, ':' | '-' | '_' | '.'))
                    {
                        return Err(format!("bad tag name in <{tag}>"));
                    }
                    check_attributes(&body[name_end..])?;
                    if stack.is_empty() {
                        roots += 1;
                    }
                    if !self_closing {
                        stack.push(name);
                    }
                }
                i += end + 1;
            }
            b'&' => {
                let tail = &rest[i..];
                let len = entity_len(tail)
                    .ok_or_else(|| format!("bad entity at {:?}", &tail[..tail.len().min(12)]))?;
                i += len;
            }
            _ => {
                if stack.is_empty() && !b[i].is_ascii_whitespace() {
                    return Err(format!("text outside the root element at byte {i}"));
                }
                i += 1;
            }
        }
    }
    if let Some(open) = stack.pop() {
        return Err(format!("<{open}> never closed"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(())
}

/// Index of the `>` that closes the tag starting at `tail[0] == '<'`,
/// skipping quoted attribute values.
fn tag_end(tail: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in tail.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

fn check_attributes(mut s: &str) -> Result<(), String> {
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return Ok(());
        }
        let eq = s
            .find('=')
            .ok_or_else(|| format!("attribute without value: {s}"))?;
        let name = s[..eq].trim();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(format!("bad attribute name {name:?}"));
        }
        let v = s[eq + 1..].trim_start();
        let q = v.chars().next().ok_or("missing attribute value")?;
        if q != '"' && q != '\'' {
            return Err(format!("unquoted attribute {name}"));
        }
        let end = v[1..].find(q).ok_or("unclosed attribute value")? + 1;
        let value = &v[1..end];
        if value.contains('<') {
            return Err(format!("`<` in attribute {name}"));
        }
        let mut j = 0;
        while let Some(k) = value[j..].find('&') {
            let len = entity_len(&value[j + k..])
                .ok_or_else(|| format!("bad entity in attribute {name}: {value}"))?;
            j += k + len;
        }
        s = &v[end + 1..];
    }
}

fn entity_len(tail: &str) -> Option<usize> {
    for e in ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"] {
        if tail.starts_with(e) {
            return Some(e.len());
        }
    }
    let semi = tail.find(';')?;
    let body = &tail[1..semi];
    let ok = if let Some(hex) = body.strip_prefix("#x") {
        !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit())
    } else if let Some(dec) = body.strip_prefix('#') {
        !dec.is_empty() && dec.chars().all(|c| c.is_ascii_digit())
    } else {
        false
    };
    ok.then_some(semi + 1)
}

/// The raw inner text of every `<name>` or `<name ...>` element (not nested in
/// itself), in document order.
pub(crate) fn elements<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let open_plain = format!("<{name}>");
    let open_attr = format!("<{name} ");
    let close = format!("</{name}>");
    let mut out = Vec::new();
    let mut rest = xml;
    loop {
        let i = match (rest.find(&open_plain), rest.find(&open_attr)) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => break,
        };
        let tag_close = rest[i..].find('>').expect("tag end") + i;
        if rest[..tag_close].ends_with('/') {
            rest = &rest[tag_close + 1..];
            continue;
        }
        let start = tag_close + 1;
        let end = rest[start..].find(&close).expect("element closed") + start;
        out.push(&rest[start..end]);
        rest = &rest[end + close.len()..];
    }
    out
}

/// The unescaped text of every `<name>` element.
pub(crate) fn element_texts(xml: &str, name: &str) -> Vec<String> {
    elements(xml, name).into_iter().map(unescape).collect()
}

/// The unescaped text of `<child>` in every `<parent>` (e.g. titles of items).
pub(crate) fn child_texts(xml: &str, parent: &str, child: &str) -> Vec<String> {
    elements(xml, parent)
        .into_iter()
        .map(|p| {
            element_texts(p, child)
                .into_iter()
                .next()
                .unwrap_or_else(|| panic!("<{parent}> without <{child}>"))
        })
        .collect()
}

/// Serves `dir` over HTTP on 127.0.0.1 at `/{prefix}` (`""` or `"bao/"`),
/// as a static host would: `x/` answers `x/index.html`. Returns the port;
/// the server lives until the test process ends.
pub(crate) fn serve_dir(dir: &Path, prefix: &str) -> u16 {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (dir, prefix) = (dir.to_path_buf(), format!("/{prefix}"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (dir, prefix) = (dir.clone(), prefix.clone());
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).map_or(true, |n| n == 0) || h.trim().is_empty() {
                        break;
                    }
                }
                let path = target.split('?').next().unwrap_or("");
                let file = path.strip_prefix(&prefix).map(|rel| {
                    let rel = if rel.is_empty() || rel.ends_with('/') {
                        format!("{rel}index.html")
                    } else {
                        rel.to_string()
                    };
                    dir.join(rel)
                });
                let body = file
                    .filter(|_| !path.contains(".."))
                    .and_then(|f| std::fs::read(&f).ok().map(|b| (f, b)));
                let mut out = &stream;
                let _ = match body {
                    Some((f, b)) => {
                        let kind = match f.extension().and_then(|e| e.to_str()) {
                            Some("html") => "text/html; charset=utf-8",
                            Some("js") => "text/javascript; charset=utf-8",
                            Some("json") => "application/json",
                            Some("css") => "text/css",
                            _ => "application/octet-stream",
                        };
                        write!(
                            out,
                            "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            b.len()
                        )
                        .and_then(|()| out.write_all(&b))
                    }
                    None => out.write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    ),
                };
            });
        }
    });
    port
}

#[cfg(test)]
mod self_tests {
    use super::*;

    #[test]
    fn xml_checker_accepts_and_rejects() {
        let ok = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x=\"1 &amp; 2\"><b>t &lt; &#39;</b><c/></a>\n";
        check_xml(ok).unwrap();
        let bad = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a><b></a></b>\n",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>x & y</a>\n",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>x <tăng> y</a>\n",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a></a><a></a>\n",
            "<a></a>",
        ];
        for b in bad {
            assert!(check_xml(b).is_err(), "{b}");
        }
    }

    #[test]
    fn urls_map_to_files() {
        let base = "https://example.org/bao/";
        assert_eq!(
            url_to_file("https://example.org/bao/", base).as_deref(),
            Some("index.html")
        );
        assert_eq!(
            url_to_file("https://example.org/bao/a/b/#x", base).as_deref(),
            Some("a/b/index.html")
        );
        assert_eq!(
            url_to_file("/bao/rss.xml", base).as_deref(),
            Some("rss.xml")
        );
        assert_eq!(
            url_to_file("/tags/", base).as_deref(),
            Some("(outside /bao/)/tags/")
        );
        assert_eq!(url_to_file("https://example.com/", base), None);
        assert_eq!(url_to_file("#main", base), None);
    }
}
