//! Raw newsroom text -> Markdown with YAML front matter, for `bantin import`.
//! The Markdown is written so that it renders to exactly the HTML bantin makes
//! from the raw file: paragraphs are escaped, never interpreted.
//!
//! Importing is idempotent: each article records the source's file name
//! (`imported_from`) and a hash of its bytes (`imported_sha256`), so running
//! the same import again recognises what it wrote before, even after an
//! editor changed it, and never publishes a story twice under `-2`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::dates::{local_to_zoned, rfc3339};
use crate::error::{ContentError, Location};
use crate::parse::raw_article::{Block, CAPTION_OPEN, RawArticle, escape_into, parse_raw};

#[derive(Serialize)]
struct Credit<'a> {
    name: &'a str,
    roles: Vec<&'static str>,
}

#[derive(Serialize)]
struct ImportedFrontMatter<'a> {
    title: &'a str,
    date: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    credits: Vec<Credit<'a>>,
    /// The `source:` key: a credit, not a file.
    #[serde(rename = "source", skip_serializing_if = "Option::is_none")]
    source_credit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dateline: Option<&'a str>,
    summary: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    imported_from: &'a str,
    imported_sha256: &'a str,
}

/// Where an imported article came from, as its front matter records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSource {
    /// The raw file's name (`imported_from`).
    pub name: String,
    /// SHA-256 of the raw file's bytes, lowercase hex (`imported_sha256`):
    /// tells "the editor changed the article" from "the source changed".
    pub sha256: String,
}

impl ImportSource {
    pub fn new(name: impl Into<String>, bytes: &[u8]) -> Self {
        let digest = Sha256::digest(bytes);
        ImportSource {
            name: name.into(),
            sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }
}

/// The Markdown file for a parsed raw article, recording `source`.
pub fn to_markdown(
    raw: &RawArticle,
    source: &ImportSource,
    config: &Config,
) -> Result<String, String> {
    let date = local_to_zoned(raw.date, &config.timezone).map_err(|e| e.to_string())?;
    let body_text: String = raw
        .blocks
        .iter()
        .map(|b| b.text())
        .collect::<Vec<_>>()
        .join("\n");
    let fm = ImportedFrontMatter {
        title: &raw.title,
        date: rfc3339(&date),
        authors: raw.authors.iter().map(|a| a.name.as_str()).collect(),
        credits: raw
            .authors
            .iter()
            .map(|a| Credit {
                name: &a.name,
                roles: a.roles.iter().map(|r| r.as_str()).collect(),
            })
            .collect(),
        source_credit: raw.source_credit.as_deref(),
        dateline: raw.dateline.as_deref(),
        summary: &raw.lead,
        tags: crate::tag_rules::tags_for(&raw.title, &body_text, &config.tag_rules),
        imported_from: &source.name,
        imported_sha256: &source.sha256,
    };
    let yaml = serde_yaml::to_string(&fm).map_err(|e| e.to_string())?;
    let mut out = String::with_capacity(yaml.len() + body_text.len() * 11 / 10 + 64);
    out.push_str("---\n");
    out.push_str(&yaml);
    out.push_str("---\n");
    for b in &raw.blocks {
        out.push('\n');
        match b {
            Block::Paragraph(t) => escape_markdown_into(&mut out, t),
            Block::Caption(t) => {
                out.push_str(CAPTION_OPEN);
                escape_into(&mut out, t);
                out.push_str("</p>");
            }
        }
        out.push('\n');
    }
    Ok(out)
}

/// Backslash-escapes what Markdown would read as markup in one paragraph of
/// plain text, and nothing else, so editors still read ordinary text.
pub fn escape_markdown_into(out: &mut String, text: &str) {
    let mut at_start = true;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let needs = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '|' | '!' | '$' => true,
            '#' | '-' | '+' | '=' if at_start => true,
            '.' | ')' => {
                // "1. " or "1) " at the start would begin an ordered list.
                text[..i].chars().all(|d| d.is_ascii_digit()) && i > 0
            }
            _ => false,
        };
        if needs {
            out.push('\\');
        }
        out.push(c);
        if !c.is_ascii_digit() {
            at_start = false;
        }
        let _ = chars.peek();
    }
}

/// A file name for an imported article: its slug, `-2`, `-3`... if taken.
pub fn file_name(slug: &str, taken: &dyn Fn(&str) -> bool) -> String {
    let mut name = format!("{slug}.md");
    let mut k = 1;
    while taken(&name) {
        k += 1;
        name = format!("{slug}-{k}.md");
    }
    name
}

/// One raw file converted to Markdown, not yet placed.
#[derive(Debug, Clone)]
pub struct Converted {
    /// The raw file, as given.
    pub path: PathBuf,
    pub source: ImportSource,
    /// The title's slug: the name of a new article's file.
    pub slug: String,
    pub markdown: String,
    /// Title, lead (without its dateline: "(CT)" is not a subject) and the
    /// other paragraphs, for `--suggest-tags`.
    pub plain: String,
}

/// Reads, parses and converts one raw file. Errors point into the raw file.
pub fn convert(path: &Path, config: &Config) -> Result<Converted, ContentError> {
    let bytes = crate::fsx::read(path)
        .map_err(|e| ContentError::new(Location::file(path), format!("{e:#}")))?;
    let source = ImportSource::new(
        path.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        &bytes,
    );
    let text = crate::parse::decode_source(path, bytes)?;
    let raw = parse_raw(&text, &config.raw).map_err(|e| e.at(path))?;
    let slug = crate::text::truncate_slug(
        &crate::text::slugify(&raw.title),
        crate::parse::MAX_SLUG_LEN,
    )
    .to_string();
    if slug.is_empty() {
        return Err(ContentError::new(
            Location::new(path, raw.title_line, 1),
            format!("cannot make a file name from the title \"{}\"", raw.title),
        )
        .help("give the article a title with letters or digits"));
    }
    let markdown = to_markdown(&raw, &source, config)
        .map_err(|e| ContentError::new(Location::new(path, 1, 1), e))?;
    let plain = [raw.title.as_str(), raw.lead.as_str()]
        .into_iter()
        .chain(raw.blocks.iter().skip(1).map(|b| b.text()))
        .collect::<Vec<_>>()
        .join("\n");
    Ok(Converted {
        path: path.to_path_buf(),
        source,
        slug,
        markdown,
        plain,
    })
}

/// What importing one article did (or, in a dry run, would do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A new article file.
    Created,
    /// `--force`: the file imported earlier from this source, overwritten in
    /// place (never a new `-2` file beside it).
    Replaced,
    /// The file imported earlier is exactly what importing again gives.
    AlreadyImported,
    /// Imported earlier from these very bytes, and the file has changed
    /// since (an editor's work, or changed `tag_rules`): kept as it is.
    EditedSince,
    /// Imported earlier from a different version of the source file (or by
    /// a bantin that did not record `imported_sha256`), and the file
    /// differs: kept, since bantin cannot tell whether an editor changed it.
    SourceChanged,
}

impl Outcome {
    /// Whether the article's file is (to be) written.
    pub fn writes(self) -> bool {
        matches!(self, Outcome::Created | Outcome::Replaced)
    }
}

/// Where one converted article went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// The raw file.
    pub path: PathBuf,
    /// The Markdown file in the target folder.
    pub target: PathBuf,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOptions {
    /// Replace articles imported earlier from the same source even when they
    /// were edited since. Never overwrites a file import did not write.
    pub force: bool,
    /// Decide everything, write nothing.
    pub dry_run: bool,
}

/// An article in the target folder that `import` wrote earlier.
struct Previous {
    name: String,
    source: String,
    sha256: Option<String>,
    bytes: Vec<u8>,
}

/// Places each converted article in `dest` and writes the files (unless a
/// dry run), in input order so names are deterministic. An article imported
/// before (same `imported_from`, preferring the same `imported_sha256`)
/// keeps its file: unchanged, skipped when it differs, or overwritten with
/// `force`. Only articles seen for the first time get a new name, `-2`,
/// `-3`... when the slug's is taken, so an existing file is never replaced
/// by a different story.
pub fn import_into(
    converted: &[Converted],
    dest: &Path,
    options: ImportOptions,
) -> anyhow::Result<Vec<Placed>> {
    let previous = previous_imports(dest)?;
    let matched = match_previous(converted, &previous);
    let mut used: HashSet<String> = HashSet::new();
    let mut placed = Vec::with_capacity(converted.len());
    for (c, m) in converted.iter().zip(matched) {
        let (name, outcome) = match m {
            Some(j) => {
                let p = &previous[j];
                let outcome = if p.bytes == c.markdown.as_bytes() {
                    Outcome::AlreadyImported
                } else if options.force {
                    Outcome::Replaced
                } else if p.sha256.as_deref() == Some(c.source.sha256.as_str()) {
                    Outcome::EditedSince
                } else {
                    Outcome::SourceChanged
                };
                (p.name.clone(), outcome)
            }
            None => {
                let name = file_name(&c.slug, &|n: &str| {
                    used.contains(n) || std::fs::symlink_metadata(dest.join(n)).is_ok()
                });
                (name, Outcome::Created)
            }
        };
        used.insert(name.clone());
        let target = dest.join(&name);
        if outcome.writes() && !options.dry_run {
            crate::fsx::write_creating_dirs(&target, c.markdown.as_bytes())?;
        }
        placed.push(Placed {
            path: c.path.clone(),
            target,
            outcome,
        });
    }
    Ok(placed)
}

/// For each converted article, the index of the earlier import it is, if
/// any. Exact matches (name and hash) are taken first, so two sources with
/// the same file name from different folders each find their own article.
fn match_previous(converted: &[Converted], previous: &[Previous]) -> Vec<Option<usize>> {
    let mut claimed = vec![false; previous.len()];
    let mut matched = vec![None; converted.len()];
    let exact = |c: &Converted, p: &Previous| {
        p.source == c.source.name && p.sha256.as_deref() == Some(c.source.sha256.as_str())
    };
    let same_name = |c: &Converted, p: &Previous| p.source == c.source.name;
    for rule in [&exact as &dyn Fn(&Converted, &Previous) -> bool, &same_name] {
        for (i, c) in converted.iter().enumerate() {
            if matched[i].is_some() {
                continue;
            }
            if let Some(j) = (0..previous.len()).find(|&j| !claimed[j] && rule(c, &previous[j])) {
                claimed[j] = true;
                matched[i] = Some(j);
            }
        }
    }
    matched
}

/// The Markdown files directly in `dest` whose front matter has
/// `imported_from`, sorted by name. None when `dest` does not exist yet.
fn previous_imports(dest: &Path) -> anyhow::Result<Vec<Previous>> {
    let entries = match std::fs::read_dir(dest) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!("cannot read {}", dest.display())));
        }
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| anyhow::anyhow!("cannot read {}: {e}", dest.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".md") || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let bytes = crate::fsx::read(&entry.path())?;
        if let Some((source, sha256)) = recorded_source(&bytes) {
            out.push(Previous {
                name,
                source,
                sha256,
                bytes,
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// `imported_from` and `imported_sha256` from a Markdown file's front
/// matter; none when the file does not say it was imported (or cannot be
/// read as front matter at all: then it is not one of ours to replace).
fn recorded_source(bytes: &[u8]) -> Option<(String, Option<String>)> {
    // Most articles were not imported: skip them without parsing YAML.
    if !bytes.windows(14).any(|w| w == b"imported_from:") {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let text = crate::text::normalize(text);
    let split = crate::parse::front_matter::split(Path::new(""), &text).ok()?;
    let map: serde_yaml::Mapping = serde_yaml::from_str(split.front_matter).ok()?;
    let source = map.get("imported_from")?.as_str()?.to_string();
    let sha256 = map
        .get("imported_sha256")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    Some((source, sha256))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::markdown::render;
    use crate::parse::raw_article::body_html;

    fn md_paragraph(text: &str) -> String {
        let mut s = String::new();
        escape_markdown_into(&mut s, text);
        s
    }

    #[test]
    fn escaped_markdown_renders_as_the_literal_text() {
        for text in [
            "*đậm* _nghiêng_ `mã` [x](y) ![i](j) <script>alert(1)</script> & &amp; \"q\" 'a'",
            "# không phải tít",
            "- không phải danh sách",
            "+ cũng không",
            "1. không phải danh sách số",
            "2024) năm",
            "> không phải trích dẫn",
            "a | b | c",
            "~~gạch~~ $x$ \\ cuối",
            "=== ---",
            "Chiều 4-3, giá 1.000 đồng.",
        ] {
            let blocks = [Block::Paragraph(text.to_string())];
            assert_eq!(
                render(&md_paragraph(text), "/", "/"),
                body_html(&blocks),
                "{text}"
            );
        }
    }

    fn converted(name: &str, source_bytes: &str, slug: &str) -> Converted {
        Converted {
            path: PathBuf::from(format!("raw/{name}")),
            source: ImportSource::new(name, source_bytes.as_bytes()),
            slug: slug.to_string(),
            markdown: format!(
                "---\ntitle: T\nimported_from: {name}\nimported_sha256: {}\n---\n\n{source_bytes}\n",
                ImportSource::new(name, source_bytes.as_bytes()).sha256
            ),
            plain: String::new(),
        }
    }

    fn outcomes(placed: &[Placed]) -> Vec<(String, Outcome)> {
        placed
            .iter()
            .map(|p| {
                let name = p.target.file_name().unwrap().to_string_lossy().into_owned();
                (name, p.outcome)
            })
            .collect()
    }

    const WRITE: ImportOptions = ImportOptions {
        force: false,
        dry_run: false,
    };

    #[test]
    fn recognises_what_it_imported_before() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("md");
        // A hand-written article already has the slug's name.
        std::fs::create_dir_all(&dest).unwrap();
        std::fs::write(dest.join("bao.md"), "---\ntitle: Bão\n---\nx\n").unwrap();
        let a = converted("1.txt", "một", "bao");
        let o = |r: anyhow::Result<Vec<Placed>>| outcomes(&r.unwrap());
        assert_eq!(
            o(import_into(std::slice::from_ref(&a), &dest, WRITE)),
            [("bao-2.md".into(), Outcome::Created)]
        );
        assert_eq!(
            o(import_into(std::slice::from_ref(&a), &dest, WRITE)),
            [("bao-2.md".into(), Outcome::AlreadyImported)]
        );
        let edited = a.markdown.replace("một", "một, sửa");
        std::fs::write(dest.join("bao-2.md"), &edited).unwrap();
        assert_eq!(
            o(import_into(std::slice::from_ref(&a), &dest, WRITE)),
            [("bao-2.md".into(), Outcome::EditedSince)]
        );
        assert_eq!(
            std::fs::read_to_string(dest.join("bao-2.md")).unwrap(),
            edited
        );
        // A new version of the source file is not taken for a new story.
        let b = converted("1.txt", "một, bản mới", "bao");
        assert_eq!(
            o(import_into(std::slice::from_ref(&b), &dest, WRITE)),
            [("bao-2.md".into(), Outcome::SourceChanged)]
        );
        let dry = ImportOptions {
            force: true,
            dry_run: true,
        };
        assert_eq!(
            o(import_into(std::slice::from_ref(&b), &dest, dry)),
            [("bao-2.md".into(), Outcome::Replaced)]
        );
        assert_eq!(
            std::fs::read_to_string(dest.join("bao-2.md")).unwrap(),
            edited
        );
        let force = ImportOptions {
            force: true,
            dry_run: false,
        };
        assert_eq!(
            o(import_into(std::slice::from_ref(&b), &dest, force)),
            [("bao-2.md".into(), Outcome::Replaced)]
        );
        assert_eq!(
            std::fs::read_to_string(dest.join("bao-2.md")).unwrap(),
            b.markdown
        );
        assert_eq!(
            std::fs::read_to_string(dest.join("bao.md")).unwrap(),
            "---\ntitle: Bão\n---\nx\n",
            "a file import did not write is never replaced"
        );
        let mut names: Vec<_> = std::fs::read_dir(&dest)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["bao-2.md", "bao.md"]);
    }

    #[test]
    fn same_named_sources_each_find_their_own_article() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("md");
        let a = converted("1.txt", "a", "tin");
        let b = converted("1.txt", "b", "tin");
        let both = [a.clone(), b.clone()];
        let first = outcomes(&import_into(&both, &dest, WRITE).unwrap());
        assert_eq!(
            first,
            [
                ("tin.md".into(), Outcome::Created),
                ("tin-2.md".into(), Outcome::Created)
            ]
        );
        // In the other order, each still maps to the file made from its bytes.
        let again = outcomes(&import_into(&[b, a], &dest, WRITE).unwrap());
        assert_eq!(
            again,
            [
                ("tin-2.md".into(), Outcome::AlreadyImported),
                ("tin.md".into(), Outcome::AlreadyImported)
            ]
        );
    }

    #[test]
    fn picks_free_file_names() {
        let taken = |n: &str| n == "a.md" || n == "a-2.md";
        assert_eq!(file_name("a", &taken), "a-3.md");
        assert_eq!(file_name("b", &taken), "b.md");
    }
}
