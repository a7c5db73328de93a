//! Site search with no server: at build time, an inverted index of every
//! article, cut into small JSON files the browser fetches only as a query
//! needs them (`themes/default/static/js/search.js` reads them). Terms are
//! keyed by their folded form (no diacritics, `đ` as `d`), and every
//! spelling seen is kept under it, so "dien bien" finds "Điện Biên" and
//! "bão" can rank ahead of "báo". docs/search.md describes the files.
//!
//! Document ids run oldest first, so publishing a new article appends to
//! the index: the files of terms it does not use keep their bytes, and the
//! writer skips rewriting them.

pub mod text;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::article::{Article, Body};
use crate::config::Config;
use crate::error::{ContentError, ContentErrors, Location, TemplateError};
use crate::index::Index;

pub use text::{fold, words};

/// Articles per metadata file: a page of ten results fetches at most ten
/// of these, so they stay small (about 15 KB).
pub const DOC_CHUNK: usize = 32;
/// A term found in at least this many articles gets files of its own; rarer
/// terms share a file with the terms of the same first two letters, so a
/// site does not get one file per typo, number and name.
pub const OWN_FILE_DOCS: usize = 64;
/// Characters of text shown under a result.
const SNIPPET_CHARS: usize = 240;
/// Score of one occurrence, by field: a word of the title says more about
/// the article than a word of its body.
const TITLE_WEIGHT: u32 = 8;
const SUMMARY_WEIGHT: u32 = 2;
const BODY_WEIGHT: u32 = 1;
/// Positions skipped between fields, so a quoted phrase never matches the
/// end of the title followed by the start of the body.
const FIELD_GAP: u32 = 16;
/// Bumped when the file format changes (search.js checks it).
const FORMAT: u32 = 1;

/// What templates see as `search` (docs/templates.md).
#[derive(Debug, Serialize)]
pub struct SearchView {
    pub enabled: bool,
    /// Absolute URL of the search page.
    pub url: String,
    /// Site-relative path of the search page (`/tim-kiem/`).
    pub path: String,
    /// Where the index files are, as a path from the server root (so the
    /// page works on whatever host serves it, `serve` included).
    pub index: String,
    /// Absolute URL of the script.
    pub script: String,
    /// The site's host and path for a site-restricted web search, the
    /// fallback without JavaScript (`example.org/bao`).
    pub site: String,
}

pub fn view(config: &Config) -> SearchView {
    let path = format!("/{}/", config.search.path);
    let site = config
        .base_url
        .split_once("://")
        .map_or(config.base_url.as_str(), |(_, rest)| rest)
        .trim_end_matches('/')
        .to_string();
    SearchView {
        enabled: config.search.enabled,
        url: config.url(&path),
        index: format!("{}{}/index/", config.base_path(), config.search.path),
        path,
        script: config.url("js/search.js"),
        site,
    }
}

/// One output file: path in the output folder, bytes.
pub type OutputFile = (String, Vec<u8>);

/// Every file of the search: the page (rendered with the theme's
/// `search.html`) and the index. Empty when search is off.
pub fn search_files(
    config: &Config,
    index: &Index,
    tera: &tera::Tera,
) -> Result<Vec<OutputFile>, TemplateError> {
    if !config.search.enabled {
        return Ok(Vec::new());
    }
    let mut files = vec![page(config, index, tera)?];
    files.extend(index_files(config, index));
    Ok(files)
}

/// An error naming every search file that another page also wants, at
/// config.yaml, whose `search.path` places them.
pub fn check_clashes<'a>(
    planned: impl Iterator<Item = &'a str>,
    files: &[OutputFile],
) -> Result<(), ContentErrors> {
    let ours: std::collections::HashSet<&str> = files.iter().map(|f| f.0.as_str()).collect();
    let mut clashes: Vec<&str> = planned.filter(|p| ours.contains(p)).collect();
    if clashes.is_empty() {
        return Ok(());
    }
    clashes.sort_unstable();
    Err(ContentErrors(vec![
        ContentError::new(
            Location::file(crate::config::CONFIG_FILE),
            format!(
                "the search page wants files that other pages also want: {}",
                clashes.join(", ")
            ),
        )
        .help("change search.path in config.yaml (or the section or static file in the way)"),
    ]))
}

/// Whether `files` are exactly the search files now in `output`: when one
/// article changes in place, any other outcome (a term appears or goes)
/// needs a full build, which also removes the files no longer wanted.
pub fn same_files(config: &Config, output: &Path, files: &[OutputFile]) -> bool {
    let dir = output.join(&config.search.path).join("index");
    let mut on_disk = Vec::new();
    for entry in walkdir::WalkDir::new(&dir) {
        let Ok(entry) = entry else { return false };
        if entry.file_type().is_file() {
            let Ok(rel) = entry.path().strip_prefix(output) else {
                return false;
            };
            on_disk.push(crate::load::slash_path(rel));
        }
    }
    let prefix = format!("{}/index/", config.search.path);
    let mut wanted: Vec<&str> = files
        .iter()
        .map(|f| f.0.as_str())
        .filter(|p| p.starts_with(&prefix))
        .collect();
    on_disk.sort_unstable();
    wanted.sort_unstable();
    on_disk == wanted
}

fn page(config: &Config, index: &Index, tera: &tera::Tera) -> Result<OutputFile, TemplateError> {
    let output = crate::render::urls::output_file(&format!("/{}/", config.search.path));
    let path = format!("/{}/", config.search.path);
    let mut ctx = tera::Context::new();
    ctx.insert("page_kind", "search");
    ctx.insert("current_path", &path);
    ctx.insert("canonical", &config.url(&path));
    ctx.insert(
        "feeds",
        &crate::render::views::feed_links("/", &config.title, config),
    );
    let years: Vec<i16> = index.years.keys().rev().copied().collect();
    ctx.insert("years", &years);
    let bytes = crate::render::render(tera, "search.html", &ctx, &output)?;
    Ok((output, bytes))
}

/// One article's terms: each spelling with its folded form, its score and
/// where it occurs.
struct DocTerms {
    /// Sorted by folded form, then spelling.
    terms: Vec<Term>,
}

/// (folded, spelling, score, positions) of one spelling in one article.
type Term = (String, String, u32, Vec<u32>);

fn doc_terms(a: &Article) -> DocTerms {
    let body = body_text(a);
    let summary = if a.lead_in_body { "" } else { &a.summary };
    let mut seen: HashMap<String, (u32, Vec<u32>)> = HashMap::new();
    let mut pos = 0u32;
    for (text, weight) in [
        (a.title.as_str(), TITLE_WEIGHT),
        (summary, SUMMARY_WEIGHT),
        (body.as_str(), BODY_WEIGHT),
    ] {
        for w in words(text) {
            let e = seen.entry(w).or_default();
            e.0 += weight;
            e.1.push(pos);
            pos += 1;
        }
        pos += FIELD_GAP;
    }
    let mut terms: Vec<_> = seen
        .into_iter()
        .map(|(w, (score, positions))| (fold(&w), w, score, positions))
        .collect();
    terms.sort_unstable_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    DocTerms { terms }
}

fn body_text(a: &Article) -> String {
    match &a.body {
        Body::Markdown(md) => text::markdown_text(md),
        Body::Html(h) => text::html_text(h),
    }
}

/// The index files, paths under the search folder's `index/`.
fn index_files(config: &Config, index: &Index) -> Vec<OutputFile> {
    let n = index.articles.len();
    let dir = format!("{}/index", config.search.path);
    // Document id `d` is article `n - 1 - d`: oldest first.
    let article = |d: usize| n - 1 - d;
    let docs: Vec<DocTerms> = (0..n)
        .into_par_iter()
        .map(|d| doc_terms(&index.articles[article(d)]))
        .collect();

    // Folded term -> (doc, position in that doc's terms), docs ascending.
    let mut by_term: HashMap<&str, Vec<(u32, u32)>> = HashMap::new();
    for (d, dt) in docs.iter().enumerate() {
        for (k, t) in dt.terms.iter().enumerate() {
            by_term
                .entry(t.0.as_str())
                .or_default()
                .push((d as u32, k as u32));
        }
    }
    let mut terms: Vec<(&str, Vec<(u32, u32)>)> = by_term.into_iter().collect();
    terms.sort_unstable_by(|a, b| a.0.cmp(b.0));

    // Each term's two JSON objects: scores, and positions (fetched only
    // for quoted phrases).
    struct Encoded<'a> {
        term: &'a str,
        own_file: bool,
        scores: String,
        positions: String,
    }
    let encoded: Vec<Encoded<'_>> = terms
        .par_iter()
        .map(|(term, hits)| {
            let mut by_spelling: BTreeMap<&str, Vec<(u32, &Term)>> = BTreeMap::new();
            for &(d, k) in hits {
                let t = &docs[d as usize].terms[k as usize];
                by_spelling.entry(t.1.as_str()).or_default().push((d, t));
            }
            let (mut scores, mut positions) = (String::from("{"), String::from("{"));
            for (i, (spelling, list)) in by_spelling.iter().enumerate() {
                if i > 0 {
                    scores.push(',');
                    positions.push(',');
                }
                let key = serde_json::to_string(spelling).unwrap_or_default();
                let _ = write!(scores, "{key}:[");
                let _ = write!(positions, "{key}:[");
                let mut prev = 0;
                for (j, (d, t)) in list.iter().enumerate() {
                    let sep = if j > 0 { "," } else { "" };
                    let _ = write!(scores, "{sep}{},{}", d - prev, t.2);
                    let _ = write!(positions, "{sep}{},{}", d - prev, t.3.len());
                    let mut p_prev = 0;
                    for &p in &t.3 {
                        let _ = write!(positions, ",{}", p - p_prev);
                        p_prev = p;
                    }
                    prev = *d;
                }
                scores.push(']');
                positions.push(']');
            }
            scores.push('}');
            positions.push('}');
            let mut docs_with: Vec<u32> = hits.iter().map(|h| h.0).collect();
            docs_with.dedup();
            Encoded {
                term,
                own_file: docs_with.len() >= OWN_FILE_DOCS,
                scores,
                positions,
            }
        })
        .collect();

    let mut files = Vec::new();
    // Shards: the first two letters of the folded term.
    let mut shards: BTreeMap<String, (String, String)> = BTreeMap::new();
    for e in &encoded {
        let prefix: String = e.term.chars().take(2).collect();
        let shard = shards.entry(text::file_name(&prefix)).or_default();
        let key = serde_json::to_string(e.term).unwrap_or_default();
        for s in [&mut shard.0, &mut shard.1] {
            s.push(if s.is_empty() { '{' } else { ',' });
            s.push_str(&key);
            s.push(':');
        }
        if e.own_file {
            // A marker: the term's data is in its own files.
            shard.0.push('1');
            shard.1.push('1');
            let name = text::file_name(e.term);
            files.push((
                format!("{dir}/w/{name}.json"),
                e.scores.clone().into_bytes(),
            ));
            files.push((
                format!("{dir}/wp/{name}.json"),
                e.positions.clone().into_bytes(),
            ));
        } else {
            shard.0.push_str(&e.scores);
            shard.1.push_str(&e.positions);
        }
    }
    for (name, (scores, positions)) in shards {
        files.push((
            format!("{dir}/s/{name}.json"),
            format!("{scores}}}").into_bytes(),
        ));
        files.push((
            format!("{dir}/sp/{name}.json"),
            format!("{positions}}}").into_bytes(),
        ));
    }

    // What each result shows, DOC_CHUNK articles a file.
    for (c, ids) in (0..n).collect::<Vec<_>>().chunks(DOC_CHUNK).enumerate() {
        let entries: Vec<DocEntry<'_>> = ids
            .par_iter()
            .map(|&d| doc_entry(config, index, article(d)))
            .collect();
        let json = serde_json::to_vec(&entries).unwrap_or_default();
        files.push((format!("{dir}/d/{c}.json"), json));
    }

    // Per section, its articles' ids (for the section filter).
    for (s, section) in index.sections.iter().enumerate() {
        let mut ids: Vec<usize> = section.members.iter().map(|&i| n - 1 - i).collect();
        ids.sort_unstable();
        files.push((format!("{dir}/c/{s}.json"), delta_json(&ids).into_bytes()));
    }

    let meta = Meta {
        v: FORMAT,
        n,
        chunk: DOC_CHUNK,
        sections: index.sections.iter().map(|s| s.title.as_str()).collect(),
        years: year_runs(index),
    };
    files.push((
        format!("{dir}/meta.json"),
        serde_json::to_vec(&meta).unwrap_or_default(),
    ));
    files
}

/// `[3, 5, 9]` as `[3,2,4]`.
fn delta_json(ids: &[usize]) -> String {
    let mut s = String::from("[");
    let mut prev = 0;
    for (i, &d) in ids.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "{}", d - prev);
        prev = d;
    }
    s.push(']');
    s
}

/// (year, first document id) for each run of ids in one year: ids are in
/// time order, so usually one run a year.
fn year_runs(index: &Index) -> Vec<(i16, usize)> {
    let n = index.articles.len();
    let mut runs: Vec<(i16, usize)> = Vec::new();
    for d in 0..n {
        let y = index.articles[n - 1 - d].date.year();
        if runs.last().is_none_or(|r| r.0 != y) {
            runs.push((y, d));
        }
    }
    runs
}

#[derive(Serialize)]
struct Meta<'a> {
    v: u32,
    n: usize,
    chunk: usize,
    sections: Vec<&'a str>,
    years: Vec<(i16, usize)>,
}

/// One result as the search page shows it.
#[derive(Serialize)]
struct DocEntry<'a> {
    /// Path from the site root (`/thoi-su/x/`).
    u: &'a str,
    t: &'a str,
    /// Date, `YYYY-MM-DD`, as the article's own timezone has it.
    d: String,
    /// Section position in `meta.sections`, -1 for none.
    s: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    i: Option<String>,
    x: String,
}

fn doc_entry<'a>(config: &Config, index: &'a Index, i: usize) -> DocEntry<'a> {
    let a = &index.articles[i];
    let snippet_source = if a.lead_in_body || a.summary.is_empty() {
        body_text(a)
    } else {
        a.summary.clone()
    };
    DocEntry {
        u: &index.paths[i],
        t: &a.title,
        d: a.date.date().to_string(),
        s: index.section_of[i].map_or(-1, |s| s as i64),
        i: a.image
            .as_deref()
            .map(|img| crate::render::views::asset_url(img, config)),
        x: crate::text::teaser(&snippet_source, SNIPPET_CHARS),
    }
}
