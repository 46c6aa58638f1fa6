//! `detente check`: everything `build` validates, writing nothing.

use std::path::PathBuf;

use crate::error::Result;
use crate::pipeline;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The site folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Include exchanges marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
}

pub fn run(args: &Args) -> Result<String> {
    let report = pipeline::check(&args.root, args.drafts)?;
    for w in &report.warnings {
        eprintln!("{w}\n");
    }
    Ok(format!(
        "ok: {} pages would be built, {} warnings, in {} ms",
        report.pages,
        report.warnings.len(),
        report.elapsed.as_millis()
    ))
}
