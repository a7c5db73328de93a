//! `bantin import`: raw newsroom text files -> Markdown articles.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use rayon::prelude::*;

use bantin::config::Config;
use bantin::error::ContentError;
use bantin::import::{Converted, ImportOptions, Outcome, convert, import_into};

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
    /// Replace articles imported earlier from the same source files, even
    /// if edited since (in place; files import did not write are never
    /// replaced).
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
    // Convert in parallel; the library places them in input order.
    let results: Vec<Result<Converted, ContentError>> = files
        .par_iter()
        .map(|f| {
            let r = convert(f, &config);
            if let Some(b) = &bar {
                b.inc(1);
            }
            r
        })
        .collect();
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let mut errors = Vec::new();
    let mut converted = Vec::new();
    for r in results {
        match r {
            Ok(c) => converted.push(c),
            Err(e) => errors.push(e),
        }
    }
    let options = ImportOptions {
        force: args.force,
        dry_run: args.dry_run,
    };
    let placed = import_into(&converted, &dest, options)?;
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let (mut written, mut unchanged, mut skipped) = (0, 0, 0);
    for p in &placed {
        let (target, source) = (display(&p.target), display(&p.path));
        match p.outcome {
            Outcome::Created => writeln!(out, "{target} <- {source}")?,
            Outcome::Replaced => writeln!(out, "{target} <- {source} (replaced)")?,
            Outcome::AlreadyImported => {}
            Outcome::EditedSince => writeln!(
                err,
                "{source}: already imported as {target} (edited since), skipped; --force replaces it"
            )?,
            Outcome::SourceChanged => writeln!(
                err,
                "{source}: already imported as {target} from another version of the file, skipped; --force replaces it"
            )?,
        }
        match p.outcome {
            Outcome::Created | Outcome::Replaced => written += 1,
            Outcome::AlreadyImported => unchanged += 1,
            Outcome::EditedSince | Outcome::SourceChanged => skipped += 1,
        }
    }
    for e in &errors {
        writeln!(err, "error: {e}")?;
    }
    let skipped_note = if skipped > 0 {
        format!(" ({skipped} changed since, skipped)")
    } else {
        String::new()
    };
    writeln!(
        err,
        "{} {written} article{}, {} already imported{skipped_note}, {} failed",
        if args.dry_run {
            "Would import"
        } else {
            "Imported"
        },
        if written == 1 { "" } else { "s" },
        unchanged + skipped,
        errors.len()
    )?;
    if args.suggest_tags {
        let texts: Vec<String> = converted.into_iter().map(|c| c.plain).collect();
        print_suggestions(&mut out, &texts, &config)?;
    }
    // A skipped article is not a failure: keeping an editor's work is what
    // a re-run should do. Only files that could not be imported fail it.
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
