//! The `detente` command line: parses arguments, runs one subcommand, and
//! reports its result or errors once, here, with the exit code.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use detente::cmd;

/// A build makes millions of small, short-lived allocations (template
/// values, strings) from several threads. glibc's allocator spends a
/// fifth of a 10,000-exchange build in them, and more per allocation as
/// the heap grows; mimalloc serves them for a fraction (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (see mimalloc.h): how long freed
/// memory is kept before it is returned to the system (1,000 ms unless set).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

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
    /// Import exchanges from TimelineJS, a CSV or a detente exchanges.json.
    Import(cmd::import::Args),
    /// Build, serve and rebuild the site on every edit, reloading open tabs.
    Serve(detente::serve::Args),
    /// List the templates in use and where each comes from; `eject` one to edit.
    Templates(cmd::templates::Args),
}

fn main() -> ExitCode {
    // Return freed memory after 10 ms, and use no transparent huge pages:
    // a build frees and reuses memory in waves, and a huge page that comes
    // back must be zeroed whole (2 MiB). Measured at 10,000 exchanges: peak
    // memory 140 -> 120 MiB (against 1 ms with huge pages), time within the
    // noise. MIMALLOC_PURGE_DELAY in the environment still wins.
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets a plain integer option before any thread is started.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10) };
    }
    #[cfg(target_os = "linux")]
    // SAFETY: a prctl that only sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
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
        Command::Import(a) => cmd::import::run(a),
        Command::Serve(a) => detente::serve::run(a),
        Command::Templates(a) => cmd::templates::run(a),
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
