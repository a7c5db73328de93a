//! `bantin list`: every article as JSON or CSV, for scripts and spreadsheets.

use std::io::Write;
use std::process::ExitCode;

use bantin::dates::rfc3339;
use bantin::load::slash_path;
use bantin::site::{BuildOptions, Site};

use super::RootArg;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum Format {
    Json,
    Csv,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ListArgs {
    #[command(flatten)]
    pub(crate) root: RootArg,
    #[arg(long, value_enum, default_value = "json")]
    pub(crate) format: Format,
    /// Decide what is scheduled or expired as of this time (RFC 3339);
    /// SOURCE_DATE_EPOCH is read too.
    #[arg(long)]
    pub(crate) now: Option<String>,
}

#[derive(serde::Serialize)]
struct Row<'a> {
    /// The article's file; `source` in the output, as documented.
    #[serde(rename = "source")]
    source_path: String,
    url: String,
    title: &'a str,
    date: String,
    section: Option<&'a str>,
    tags: &'a [String],
    authors: &'a [String],
    draft: bool,
    /// `published`, `draft`, `scheduled` (dated after now) or `expired`.
    status: &'static str,
}

pub(crate) fn run(args: ListArgs) -> anyhow::Result<ExitCode> {
    let config = super::load_config(&args.root.root)?;
    let now = bantin::clock::now(args.now.as_deref())?;
    let index_with = |drafts, now| {
        let options = BuildOptions {
            drafts,
            future: drafts,
            now: Some(now),
            ..BuildOptions::new(config.root.join("public"))
        };
        Site::new(config.clone(), options).index()
    };
    // Everything: drafts, scheduled and (as of the dawn of time) nothing expired.
    let index = index_with(true, jiff::Timestamp::MIN)?;
    // Published articles keep the URLs `build` gives them; drafts could
    // otherwise take a plain slug first and shift them.
    let published = index_with(false, now)?;
    let published_urls: std::collections::HashMap<&std::path::Path, &str> = published
        .articles
        .iter()
        .zip(&published.paths)
        .map(|(a, p)| (a.source_path.as_path(), p.as_str()))
        .collect();
    let rows: Vec<Row<'_>> = index
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| Row {
            source_path: slash_path(&a.source_path),
            url: config.url(
                published_urls
                    .get(a.source_path.as_path())
                    .copied()
                    .unwrap_or(&index.paths[i]),
            ),
            title: &a.title,
            date: rfc3339(&a.date),
            section: index.section_of[i].map(|s| index.sections[s].key.as_str()),
            tags: &a.tags,
            authors: &a.authors,
            draft: a.draft,
            status: if a.draft {
                "draft"
            } else if a.expires.as_ref().is_some_and(|e| e.timestamp() <= now) {
                "expired"
            } else if a.date.timestamp() > now {
                "scheduled"
            } else {
                "published"
            },
        })
        .collect();
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            // As an I/O error, so a closed pipe (`bantin list | head`) ends quietly.
            serde_json::to_writer_pretty(&mut out, &rows).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Csv => {
            writeln!(
                out,
                "source,url,title,date,section,tags,authors,draft,status"
            )?;
            for r in &rows {
                let fields = [
                    r.source_path.clone(),
                    r.url.clone(),
                    r.title.to_string(),
                    r.date.clone(),
                    r.section.unwrap_or("").to_string(),
                    r.tags.join("; "),
                    r.authors.join("; "),
                    r.draft.to_string(),
                    r.status.to_string(),
                ];
                let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
                writeln!(out, "{}", line.join(","))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// RFC 4180 quoting.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
