//! Command-line interface: one file per subcommand.

mod build;
mod check;
mod import;
mod init;
mod list;
mod new;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// bantin: a static site generator for newsrooms.
#[derive(Debug, Parser)]
#[command(name = "bantin", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, clap::Args)]
pub(crate) struct RootArg {
    /// The site folder (holding config.yaml and content/).
    #[arg(long, default_value = ".")]
    pub(crate) root: PathBuf,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Build the site into public/.
    Build(build::BuildArgs),
    /// Build, then verify that every internal link and asset resolves.
    Check(check::CheckArgs),
    /// Preview the site with live reload (http://127.0.0.1:1111/).
    Serve(serve::ServeArgs),
    /// Create a new site that builds as is.
    Init(init::InitArgs),
    /// Convert raw newsroom text files into Markdown articles.
    Import(import::ImportArgs),
    /// Print every article (JSON or CSV).
    List(list::ListArgs),
    /// Start a new draft article: `bantin new thoi-su "Tiêu đề"`.
    New(new::NewArgs),
}

pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build(a) => build::run(a),
        Command::Init(a) => init::run(a),
        Command::Check(a) => check::run(a),
        Command::Serve(a) => serve::run(a),
        Command::List(a) => list::run(a),
        Command::Import(a) => import::run(a),
        Command::New(a) => new::run(a),
    }
}

/// Loads config.yaml from `root`, with the root made absolute.
pub(crate) fn load_config(root: &std::path::Path) -> anyhow::Result<bantin::config::Config> {
    let root = std::path::absolute(root)?;
    bantin::config::Config::load(&root)
}

/// The build's clock, shared by the commands that publish.
#[derive(Debug, clap::Args)]
pub(crate) struct ClockArgs {
    /// Build as if it were this time (RFC 3339, e.g. 2024-09-16T12:00:00+07:00);
    /// SOURCE_DATE_EPOCH is read too. Decides what is scheduled or expired.
    #[arg(long)]
    pub(crate) now: Option<String>,
    /// Also publish articles dated in the future (a preview of scheduled ones).
    #[arg(long)]
    pub(crate) future: bool,
}

impl ClockArgs {
    pub(crate) fn now(&self) -> anyhow::Result<jiff::Timestamp> {
        bantin::clock::now(self.now.as_deref())
    }
}

/// What the clock held back, and when to build again so the next scheduled
/// article goes live on time (for a cron job or CI schedule).
pub(crate) fn print_schedule(
    out: &mut impl std::io::Write,
    schedule: &bantin::site::Schedule,
    tz: &jiff::tz::TimeZone,
    root: &std::path::Path,
) -> std::io::Result<()> {
    if schedule.expired > 0 {
        writeln!(
            out,
            "{} expired article{} taken down",
            schedule.expired,
            if schedule.expired == 1 { "" } else { "s" }
        )?;
    }
    if let Some((at, path, event)) = &schedule.next {
        let when = at
            .to_zoned_datetime(tz.clone())
            .strftime("%Y-%m-%d %H:%M %:z");
        let path = path.strip_prefix(root).unwrap_or(path).display();
        let what = match event {
            bantin::site::ScheduleEvent::GoesLive => "goes live",
            bantin::site::ScheduleEvent::Expires => "expires",
        };
        writeln!(
            out,
            "{} scheduled article{} not published yet; next: {path} {what} at {when}: build again then",
            schedule.scheduled,
            if schedule.scheduled == 1 { "" } else { "s" },
        )?;
    }
    Ok(())
}

/// Ctrl-C and SIGTERM during a build: let a commit in progress finish,
/// remove the staging folder, exit 130 (128 + SIGINT, as shells expect).
pub(crate) fn remove_staging_on_signal() {
    let _ = ctrlc::set_handler(|| {
        bantin::write::interrupt();
        std::process::exit(130);
    });
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
