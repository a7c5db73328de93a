//! `bantin import`: raw newsroom text files -> Markdown articles.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use rayon::prelude::*;

use bantin::config::Config;
use bantin::error::{ContentError, Location};
use bantin::import::{file_name, to_markdown};
use bantin::parse::decode_source;
use bantin::parse::raw_article::parse_raw;
use bantin::{fsx, text};

#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// Raw .txt files, or folders of them.
    #[arg(required = true)]
    pub(crate) paths: Vec<PathBuf>,
    /// Folder to write the Markdown files into (usually content/ or a section of it).
    #[arg(long)]
    pub(crate) into: PathBuf,
    /// Put the articles in this section folder under --into.
    #[arg(long)]
    pub(crate) section: Option<String>,
    /// Show what would be written, write nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Overwrite existing files.
    #[arg(long)]
    pub(crate) force: bool,
    /// Also print `tag_rules` suggestions: proper-noun phrases that recur
    /// across the imported articles, ready to paste into config.yaml.
    #[arg(long)]
    pub(crate) suggest_tags: bool,
    /// Site folder whose config.yaml (timezone, raw rules, tag rules) applies.
    #[arg(long, default_value = ".")]
    pub(crate) root: PathBuf,
}

fn collect(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            for e in walkdir::WalkDir::new(p).sort_by_file_name() {
                let e = e.with_context(|| format!("cannot walk {}", p.display()))?;
                let name = e.file_name().to_string_lossy();
                if e.file_type().is_file()
                    && name.ends_with(".txt")
                    && !bantin::load::is_ignored_name(&name)
                {
                    files.push(e.into_path());
                }
            }
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            anyhow::bail!("{} does not exist", p.display());
        }
    }
    Ok(files)
}

pub(crate) fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let root = std::path::absolute(&args.root)?;
    let config = if root.join(bantin::config::CONFIG_FILE).is_file() {
        Config::load(&root)?
    } else {
        Config::parse(&root, "title: x\nbase_url: https://example.org/\n")
            .map_err(|e| anyhow::anyhow!("{e}"))?
    };
    let files = collect(&args.paths)?;
    let dest = match &args.section {
        Some(s) => args.into.join(s),
        None => args.into.clone(),
    };
    let bar = (files.len() > 200).then(|| {
        let b = indicatif::ProgressBar::new(files.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                .expect("valid progress template"),
        );
        b
    });
    // Parse in parallel; name and write in input order so names are deterministic.
    let converted: Vec<Result<(String, String, String), ContentError>> = files
        .par_iter()
        .map(|f| {
            let shown = f.as_path();
            let bytes = fsx::read(f)
                .map_err(|e| ContentError::new(Location::file(shown), format!("{e:#}")))?;
            let text = decode_source(shown, bytes)?;
            let raw = parse_raw(&text, &config.raw).map_err(|e| {
                ContentError::new(Location::new(shown, e.line, e.col), e.message).help(e.help)
            })?;
            let source_name = f
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let md = to_markdown(&raw, &source_name, &config)
                .map_err(|e| ContentError::new(Location::new(shown, 1, 1), e))?;
            if let Some(b) = &bar {
                b.inc(1);
            }
            // The lead without its dateline: "(CT)" is not a subject.
            let plain = [raw.title.as_str(), raw.lead.as_str()]
                .into_iter()
                .chain(raw.blocks.iter().skip(1).map(|b| b.text()))
                .collect::<Vec<_>>()
                .join("\n");
            let slug = text::truncate_slug(&text::slugify(&raw.title), 80).to_string();
            if slug.is_empty() {
                return Err(ContentError::new(
                    Location::new(shown, raw.title_line, 1),
                    format!("cannot make a file name from the title \"{}\"", raw.title),
                )
                .help("give the article a title with letters or digits"));
            }
            Ok((slug, md, plain))
        })
        .collect();
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let mut used: HashSet<String> = HashSet::new();
    let mut errors = Vec::new();
    let (mut written, mut unchanged) = (0, 0);
    let mut out = std::io::stdout().lock();
    let mut texts = Vec::new();
    for (f, r) in files.iter().zip(converted) {
        let (slug, md, plain) = match r {
            Ok(x) => x,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        texts.push(plain);
        // The same source imported again maps to the same file.
        let existing_same = |name: &str| -> bool {
            std::fs::read(dest.join(name)).is_ok_and(|b| b == md.as_bytes())
        };
        let name = file_name(&slug, &|n: &str| {
            used.contains(n) || (dest.join(n).exists() && !args.force && !existing_same(n))
        });
        used.insert(name.clone());
        let target = dest.join(&name);
        if existing_same(&name) {
            unchanged += 1;
            continue;
        }
        if !args.dry_run {
            fsx::write_creating_dirs(&target, md.as_bytes())?;
        }
        written += 1;
        writeln!(out, "{} <- {}", display(&target), display(f))?;
    }
    let mut err = std::io::stderr().lock();
    for e in &errors {
        writeln!(err, "error: {e}")?;
    }
    writeln!(
        err,
        "{} {written} article{}, {unchanged} already imported, {} failed",
        if args.dry_run {
            "Would import"
        } else {
            "Imported"
        },
        if written == 1 { "" } else { "s" },
        errors.len()
    )?;
    if args.suggest_tags {
        print_suggestions(&mut out, &texts, &config)?;
    }
    Ok(if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Phrases in at least 2 articles (and 2% of them), not already covered by a
/// tag rule, as a `tag_rules:` snippet.
fn print_suggestions(
    out: &mut impl Write,
    texts: &[String],
    config: &Config,
) -> anyhow::Result<()> {
    let min = (texts.len() / 50).max(2);
    let known: Vec<String> = config
        .tag_rules
        .iter()
        .flat_map(|r| r.phrases.iter().map(|p| p.to_lowercase()))
        .collect();
    let suggestions: Vec<(String, usize)> = bantin::suggest::suggest(texts, min)
        .into_iter()
        .filter(|(p, _)| !known.contains(&p.to_lowercase()))
        .take(25)
        .collect();
    if suggestions.is_empty() {
        writeln!(out, "# no phrase recurs in {min} or more of these articles")?;
        return Ok(());
    }
    writeln!(
        out,
        "# Suggested tag rules (phrase: articles mentioning it); edit and paste into config.yaml"
    )?;
    writeln!(out, "tag_rules:")?;
    for (phrase, n) in suggestions {
        let quoted = serde_json::to_string(&phrase)?;
        writeln!(out, "  - {{ match: [{quoted}], tags: [{quoted}] }}  # {n}")?;
    }
    Ok(())
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
