//! `bantin serve`: live-reload preview on loopback.

use std::process::ExitCode;

use super::RootArg;

#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) root: RootArg,
    /// Address to listen on; anything but loopback must be asked for.
    #[arg(long, default_value = "127.0.0.1")]
    pub(crate) bind: String,
    #[arg(long, default_value_t = 1111)]
    pub(crate) port: u16,
    /// Open the preview in the default browser.
    #[arg(long)]
    pub(crate) open: bool,
    /// Include articles marked `draft: true`.
    #[arg(long)]
    pub(crate) drafts: bool,
    /// Also show articles dated in the future (otherwise each appears by
    /// itself when its time comes).
    #[arg(long)]
    pub(crate) future: bool,
}

pub(crate) fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let config = super::load_config(&args.root.root)?;
    bantin::serve::run(
        config,
        &args.bind,
        args.port,
        args.drafts,
        args.future,
        args.open,
        &|line| eprintln!("{line}"),
    )?;
    Ok(ExitCode::SUCCESS)
}
