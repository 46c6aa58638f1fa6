//! The `detente` command line: parses arguments, runs one subcommand, and
//! reports its result or errors once, here, with the exit code.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use detente::cmd;

/// A static site generator for timelines of high-level diplomatic exchanges.
#[derive(Debug, Parser)]
#[command(name = "detente", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into its output folder.
    Build(cmd::build::Args),
    /// Check the site (content, templates) without writing anything.
    Check(cmd::check::Args),
    /// Create a new exchange file.
    New(cmd::new::Args),
    /// Create a new site.
    Init(cmd::init::Args),
    /// Build, serve and rebuild the site on every edit, reloading open tabs.
    Serve(detente::serve::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    detente::interrupt::install();
    let result = match &cli.command {
        Command::Build(a) => cmd::build::run(a),
        Command::Check(a) => cmd::check::run(a),
        Command::New(a) => cmd::new::run(a),
        Command::Init(a) => cmd::init::run(a),
        Command::Serve(a) => detente::serve::run(a),
    };
    match result {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(1))
        }
    }
}
