//! `bantin check`: build (or read a built site) and verify every internal link.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use bantin::check::check_output;
use bantin::site::{BuildOptions, NoProgress, Site};

use super::RootArg;

#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) root: RootArg,
    /// The built site to check [default: ROOT/public].
    #[arg(long, short)]
    pub(crate) output: Option<PathBuf>,
    /// Check the existing output as is instead of building first; its
    /// address is read from it (the home page's canonical link).
    #[arg(long)]
    pub(crate) no_build: bool,
    /// The address the site is (or is built) for, instead of config.yaml's
    /// base_url (as `build --base-url`).
    #[arg(long)]
    pub(crate) base_url: Option<String>,
    /// Also print every external link (they are never fetched).
    #[arg(long)]
    pub(crate) external: bool,
    #[command(flatten)]
    pub(crate) clock: super::ClockArgs,
}

pub(crate) fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let mut config = super::load_config(&args.root.root)?;
    if let Some(url) = &args.base_url {
        config.set_base_url(url)?;
    }
    let output = match args.output {
        Some(o) => std::path::absolute(o)?,
        None => config.root.join("public"),
    };
    if !args.no_build {
        super::remove_staging_on_signal();
        let options = BuildOptions {
            drafts: false,
            output: output.clone(),
            future: args.clock.future,
            now: Some(args.clock.now()?),
        };
        Site::new(config.clone(), options).build(&NoProgress)?;
    } else {
        // A build killed mid-commit left a journal: finish it before reading.
        if bantin::write::recover(&output, &|m| eprintln!("{m}"))? {
            eprintln!(
                "warning: an interrupted build of {} was finished first",
                output.display()
            );
        }
        if !output.is_dir() {
            anyhow::bail!(
                "{} does not exist: build the site first or drop --no-build",
                output.display()
            );
        }
        // Checked as built: a site built with `build --base-url` links to
        // that address, not to config.yaml's.
        if args.base_url.is_none()
            && let Some(url) = bantin::check::built_base_url(&output)?
        {
            config.set_base_url(&url)?;
        }
    }
    let report = check_output(&output, &config)?;
    let mut out = std::io::stdout().lock();
    for (page, target) in &report.broken {
        writeln!(out, "broken: {page} -> {target}")?;
    }
    if args.external {
        for (url, page) in &report.external {
            writeln!(out, "external: {url} (first on {page})")?;
        }
    }
    writeln!(
        std::io::stderr(),
        "Checked {} links on {} pages: {} broken, {} external (not fetched)",
        report.links,
        report.pages,
        report.broken.len(),
        report.external.len()
    )?;
    Ok(if report.broken.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
