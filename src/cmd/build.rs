//! `detente build`: the site into its output folder.

use std::path::PathBuf;

use crate::config;
use crate::error::{Error, Result};
use crate::pipeline::{self, BuildOptions};
use crate::render::values::UrlStyle;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The site folder (holding content/, templates/, static/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site [default: <root>/public].
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// The URL the site will be served from, overriding site.toml.
    #[arg(long)]
    pub base_url: Option<String>,
    /// Include exchanges marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// Write links as `…/index.html`, so the site works opened from disk (file://).
    #[arg(long)]
    pub file_urls: bool,
    /// Print how long each stage of the build took.
    #[arg(long)]
    pub timings: bool,
    /// Build into a folder that holds files detente did not write (they
    /// are kept, never removed).
    #[arg(long)]
    pub force: bool,
}

impl Args {
    pub fn options(&self) -> BuildOptions {
        let mut opts = BuildOptions::new(&self.root);
        if let Some(out) = &self.output {
            opts.output = out.clone();
        }
        opts.base_url = self.base_url.clone();
        opts.drafts = self.drafts;
        opts.force = self.force;
        if self.file_urls {
            opts.style = UrlStyle::Files;
        }
        opts
    }
}

/// Refuses a `--base-url` that is not an absolute http(s) URL.
pub(crate) fn check_base_url_arg(url: Option<&str>) -> Result<()> {
    match url.map(config::check_base_url) {
        Some(Err(why)) => Err(Error::usage(
            format!("--base-url: {why}"),
            "give the full address the site is served from, e.g. --base-url https://example.org/timeline/",
        )),
        _ => Ok(()),
    }
}

/// Runs the build and returns the summary line.
pub fn run(args: &Args) -> Result<String> {
    check_base_url_arg(args.base_url.as_deref())?;
    let opts = args.options();
    let start = std::time::Instant::now();
    let report = pipeline::build(&opts)?;
    if args.timings {
        eprintln!("{:>11} {:>9}  stage", "time", "peak mem");
        for lap in &report.timings {
            let peak = lap
                .peak_bytes
                .map_or(String::new(), |b| format!("{:>5} MiB", b / (1024 * 1024)));
            eprintln!(
                "{:>8.1} ms {peak:>9}  {}",
                lap.took.as_secs_f64() * 1000.0,
                lap.stage
            );
        }
        // What is left: freeing what the build still holds on the way out
        // (its model and values are freed on a thread of their own, which
        // the exit does not wait for).
        let freed = start.elapsed().saturating_sub(report.elapsed);
        eprintln!(
            "{:>8.1} ms {:>9}  free the model",
            freed.as_secs_f64() * 1000.0,
            ""
        );
    }
    for w in report.warnings.iter().chain(&report.notices) {
        eprintln!("{w}\n");
    }
    if report.up_to_date {
        return Ok(format!(
            "{} is up to date: nothing it is built from changed since the last build ({} pages, {} files) [{} ms]",
            opts.output.display(),
            report.pages,
            report.output.files,
            report.elapsed.as_millis()
        ));
    }
    Ok(format!(
        "built {} pages ({} rendered) into {} ({} files written, {} unchanged, {} removed) in {} ms",
        report.pages,
        report.rendered,
        opts.output.display(),
        report.output.written,
        report.output.files - report.output.written,
        report.output.removed,
        report.elapsed.as_millis()
    ))
}
