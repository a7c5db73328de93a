//! `bantin build`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use bantin::site::{BuildOptions, Progress, Site};

use super::RootArg;

#[derive(Debug, clap::Args)]
pub(crate) struct BuildArgs {
    #[command(flatten)]
    pub(crate) root: RootArg,
    /// Output folder [default: ROOT/public].
    #[arg(long, short)]
    pub(crate) output: Option<PathBuf>,
    /// Publish at this address instead of config.yaml's base_url.
    #[arg(long)]
    pub(crate) base_url: Option<String>,
    /// Include articles marked `draft: true`.
    #[arg(long)]
    pub(crate) drafts: bool,
    /// Print the time each stage took.
    #[arg(long)]
    pub(crate) timings: bool,
    #[command(flatten)]
    pub(crate) clock: super::ClockArgs,
}

pub(crate) fn run(args: BuildArgs) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let mut config = super::load_config(&args.root.root)?;
    if let Some(url) = &args.base_url {
        config.set_base_url(url)?;
    }
    let output = match args.output {
        Some(o) => std::path::absolute(o)?,
        None => config.root.join("public"),
    };
    super::remove_staging_on_signal();
    let bar = Bar::new();
    let options = BuildOptions {
        drafts: args.drafts,
        output: output.clone(),
        future: args.clock.future,
        now: Some(args.clock.now()?),
    };
    let tz = config.timezone.clone();
    let root = config.root.clone();
    let mut site = Site::new(config, options);
    let report = site.build(&bar)?;
    let report = &report;
    // Buffered: a site with thousands of warnings would otherwise pay a
    // system call per line.
    let mut err = std::io::BufWriter::new(std::io::stderr().lock());
    for w in &report.warnings {
        writeln!(err, "warning: {w}")?;
    }
    if args.timings {
        let t = &report.timings;
        writeln!(
            err,
            "timings: load {:.1} ms, parse {:.1} ms, index {:.1} ms, prepare {:.1} ms, render+write {:.1} ms, swap {:.1} ms",
            t.load.as_secs_f64() * 1e3,
            t.parse.as_secs_f64() * 1e3,
            t.index.as_secs_f64() * 1e3,
            t.prepare.as_secs_f64() * 1e3,
            t.render_write.as_secs_f64() * 1e3,
            t.commit.as_secs_f64() * 1e3
        )?;
    }
    writeln!(
        err,
        "Built {} article{} into {}: {} files ({} written, {} unchanged{}) in {:.2} s",
        report.articles,
        if report.articles == 1 { "" } else { "s" },
        output.display(),
        report.files,
        report.stats.written,
        report.stats.unchanged,
        if report.stats.removed > 0 {
            format!(", {} removed", report.stats.removed)
        } else {
            String::new()
        },
        start.elapsed().as_secs_f64()
    )?;
    super::print_schedule(&mut err, &report.schedule, &tz, &root)?;
    // Freeing a whole site's articles, views and templates one allocation
    // at a time takes tens of milliseconds at 100k articles, single-threaded,
    // just before the process exits and the OS frees everything at once.
    std::mem::forget(site);
    Ok(ExitCode::SUCCESS)
}

/// A progress bar on stderr for large builds, when stderr is a terminal.
struct Bar(std::sync::OnceLock<indicatif::ProgressBar>);

impl Bar {
    fn new() -> Self {
        Bar(std::sync::OnceLock::new())
    }
}

impl Progress for Bar {
    fn start(&self, total: usize) {
        use std::io::IsTerminal;
        if total >= 2000 && std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
                    .expect("valid progress template"),
            );
            let _ = self.0.set(bar);
        }
    }

    fn file_done(&self) {
        if let Some(b) = self.0.get() {
            b.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(b) = self.0.get() {
            b.finish_and_clear();
        }
    }

    fn waiting(&self, holder: &str) {
        eprintln!("{holder}");
    }
}
