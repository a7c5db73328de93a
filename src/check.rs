//! `bantin check`: every internal link and asset reference in a built site
//! must resolve to a file of the output. External links are collected, never
//! fetched (a build must not depend on the network).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::Config;
use crate::load::slash_path;

#[derive(Debug, Default)]
pub struct CheckReport {
    pub pages: usize,
    pub links: usize,
    /// (page, target) pairs that resolve to nothing.
    pub broken: Vec<(String, String)>,
    /// External URL -> first page that links to it.
    pub external: BTreeMap<String, String>,
}

/// Attribute values and XML elements that hold URLs.
pub fn extract_urls(text: &str, xml: bool) -> Vec<String> {
    let mut out = Vec::new();
    // `action=`: a form (the search box) must lead to a page too.
    for attr in ["href=", "src=", "srcset=", "action="] {
        let mut rest = text;
        while let Some(i) = rest.find(attr) {
            let before = rest[..i].chars().last();
            rest = &rest[i + attr.len()..];
            if !before.is_some_and(char::is_whitespace) {
                continue;
            }
            let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                continue;
            };
            let Some(end) = rest[1..].find(q) else { break };
            let value = unescape(&rest[1..1 + end]);
            if attr == "srcset=" {
                out.extend(
                    value
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .map(str::to_string),
                );
            } else {
                out.push(value);
            }
            rest = &rest[1 + end..];
        }
    }
    if xml {
        for tag in ["loc", "link"] {
            let open = format!("<{tag}>");
            let close = format!("</{tag}>");
            let mut rest = text;
            while let Some(i) = rest.find(&open) {
                rest = &rest[i + open.len()..];
                let Some(end) = rest.find(&close) else { break };
                out.push(unescape(rest[..end].trim()));
                rest = &rest[end..];
            }
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn hex(b: &u8) -> Option<u8> {
    (*b as char).to_digit(16).map(|d| d as u8)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // Bytes, not a str slice: the two hex digits may sit next to a
        // multi-byte letter.
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(hex),
                bytes.get(i + 2).and_then(hex),
            )
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One page's findings: (page, links seen, broken links, external URLs).
type PageLinks = (String, usize, Vec<(String, String)>, BTreeSet<String>);

enum Target {
    Internal(String),
    External,
    Ignore,
}

/// Classifies `url` found on the page at `page_path` (`/thoi-su/x/`).
fn classify(url: &str, page_dir: &str, config: &Config) -> Target {
    let url = url.trim();
    if url.is_empty() || url.starts_with('#') {
        return Target::Ignore;
    }
    let lower = url.to_ascii_lowercase();
    if ["mailto:", "tel:", "data:", "javascript:"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        return Target::Ignore;
    }
    let url = url.split(['#', '?']).next().unwrap_or("");
    let base_path = config.base_path();
    if let Some(rest) = url.strip_prefix(config.base_url.as_str()) {
        return Target::Internal(format!("/{rest}"));
    }
    if url.starts_with("//") || url.contains("://") {
        return Target::External;
    }
    if url.starts_with('/') {
        // A root-relative link outside the base path cannot work on the host.
        return match url.strip_prefix(base_path) {
            Some(rest) => Target::Internal(format!("/{rest}")),
            None if format!("{url}/") == base_path => Target::Internal("/".into()),
            None => Target::Internal(format!("/../{}", url.trim_start_matches('/'))),
        };
    }
    Target::Internal(format!("{page_dir}{url}"))
}

/// Collapses `.` and `..`; None when the path climbs above the root.
fn normalize(path: &str) -> Option<String> {
    let mut segs: Vec<&str> = Vec::new();
    for s in path.split('/') {
        match s {
            "" | "." => {}
            ".." => {
                segs.pop()?;
            }
            s => segs.push(s),
        }
    }
    let mut out = format!("/{}", segs.join("/"));
    if path.ends_with('/') && out != "/" {
        out.push('/');
    }
    Some(out)
}

fn resolves(output: &Path, path: &str) -> bool {
    let decoded = percent_decode(path);
    let rel = decoded.trim_start_matches('/');
    let p = output.join(rel);
    if decoded.ends_with('/') || rel.is_empty() {
        return p.join("index.html").is_file();
    }
    p.is_file() || p.join("index.html").is_file()
}

pub fn check_output(output: &Path, config: &Config) -> Result<CheckReport> {
    // A folder or page that cannot be read would leave its links unchecked
    // and the check green: an error naming it instead.
    let mut files = Vec::new();
    for entry in WalkDir::new(output).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot check {}", output.display()))?;
        let p = entry.path();
        if entry.file_type().is_file() && p.extension().is_some_and(|x| x == "html" || x == "xml") {
            files.push(entry.into_path());
        }
    }
    let per_page: Vec<PageLinks> = files
        .par_iter()
        .map(|f| -> Result<PageLinks> {
            let rel = slash_path(f.strip_prefix(output).expect("under output"));
            let page_dir = match rel.rfind('/') {
                Some(i) => format!("/{}/", &rel[..i]),
                None => "/".to_string(),
            };
            // A page that is not UTF-8 (a static file in another encoding)
            // has no links bantin can read; it is skipped, as before.
            let text = String::from_utf8(crate::fsx::read(f)?).unwrap_or_default();
            let xml = rel.ends_with(".xml");
            let urls = extract_urls(&text, xml);
            let mut broken = Vec::new();
            let mut external = BTreeSet::new();
            for u in &urls {
                match classify(u, &page_dir, config) {
                    Target::Ignore => {}
                    Target::External => {
                        external.insert(u.clone());
                    }
                    Target::Internal(p) => {
                        if !normalize(&p).is_some_and(|n| resolves(output, &n)) {
                            broken.push((rel.clone(), u.clone()));
                        }
                    }
                }
            }
            Ok((rel, urls.len(), broken, external))
        })
        .collect::<Result<_>>()?;
    let mut report = CheckReport::default();
    for (rel, n, broken, external) in per_page {
        report.pages += 1;
        report.links += n;
        report.broken.extend(broken);
        for e in external {
            report.external.entry(e).or_insert_with(|| rel.clone());
        }
    }
    Ok(report)
}

/// The address a built site was built for: its home page's canonical link
/// (every bantin page has one), so `check --no-build` judges links the way
/// the build wrote them.
/// None when there is no home page (or it is not UTF-8); an error when it
/// is there but cannot be read.
pub fn built_base_url(output: &Path) -> Result<Option<String>> {
    let path = output.join("index.html");
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    Ok(String::from_utf8(bytes)
        .ok()
        .and_then(|home| canonical_base(&home)))
}

fn canonical_base(home: &str) -> Option<String> {
    let at =
        home.find("<link rel=\"canonical\" href=\"")? + "<link rel=\"canonical\" href=\"".len();
    let url = &home[at..at + home[at..].find('"')?];
    (url.starts_with("http://") || url.starts_with("https://")).then(|| url.replace("&amp;", "&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_urls_from_html_and_xml() {
        let html =
            r#"<a href="/a/">x</a><img src='b.png' srcset="c.png 1x, d.png 2x"><a data-href="no">"#;
        assert_eq!(
            extract_urls(html, false),
            ["/a/", "b.png", "c.png", "d.png"]
        );
        let xml = "<url><loc>https://e.org/a/</loc></url><link>https://e.org/</link>";
        assert_eq!(
            extract_urls(xml, true),
            ["https://e.org/a/", "https://e.org/"]
        );
    }

    #[test]
    fn decodes_percent_escapes_beside_letters() {
        assert_eq!(percent_decode("/x%aé"), "/x%aé");
        assert_eq!(percent_decode("/c%E1%BA%A7n"), "/cần");
        assert_eq!(percent_decode("/%"), "/%");
    }

    #[test]
    fn normalizes_paths() {
        assert_eq!(normalize("/a/./b/../c/").as_deref(), Some("/a/c/"));
        assert_eq!(normalize("/../x"), None);
    }
}
