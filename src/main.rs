//! The `bantin` command: parses arguments, runs a library entry point, prints
//! the whole error chain and maps failures to exit codes (0 ok, 1 content or
//! template errors, 2 usage or I/O errors).

mod cli;

use std::io::Write;
use std::process::ExitCode;

use bantin::error::Failure;
use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`bantin list | head`) is not an error.
            if err.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            let mut stderr = std::io::stderr().lock();
            let failure = Failure::of(&err);
            if failure == Failure::Content {
                let _ = writeln!(stderr, "{err}");
            } else {
                let _ = writeln!(stderr, "error: {err:#}");
            }
            ExitCode::from(failure.exit_code())
        }
    }
}
