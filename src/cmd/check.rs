//! `detente check`: everything `build` validates, writing nothing; with
//! `--output DIR`, also every internal link and `#fragment` of the site
//! already built in DIR.

use std::path::PathBuf;

use crate::error::{Diagnostic, Error, Result};
use crate::{config, linkcheck, load, pipeline};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The site folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Include exchanges marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// Also check the links of the site built in this folder (e.g. public):
    /// every internal href/src and #fragment must resolve.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// The URL the built site is served from, as given to `build`
    /// [default: base_url of site.toml]. Absolute links must stay under it.
    #[arg(long, requires = "output")]
    pub base_url: Option<String>,
    /// The built site was made with `build --file-urls`: links must name
    /// files, not folders.
    #[arg(long, requires = "output")]
    pub file_urls: bool,
}

pub fn run(args: &Args) -> Result<String> {
    let report = pipeline::check(&args.root, args.drafts)?;
    for w in &report.warnings {
        eprintln!("{w}\n");
    }
    let mut summary = format!(
        "ok: {} pages would be built, {} warnings, in {} ms",
        report.pages,
        report.warnings.len(),
        report.elapsed.as_millis()
    );
    if let Some(dir) = &args.output {
        summary.push_str(&format!("\n{}", check_links(args, dir)?));
    }
    Ok(summary)
}

fn check_links(args: &Args, dir: &std::path::Path) -> Result<String> {
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{} is not a built site: run `detente build --output {}` first",
            dir.display(),
            dir.display()
        )));
    }
    super::build::check_base_url_arg(args.base_url.as_deref())?;
    let base_url = match &args.base_url {
        Some(url) => config::normalize_base_url(url),
        None => load::load_config(&args.root).map_err(Error::one)?.base_url,
    };
    let opts = linkcheck::Options {
        base_url,
        file_urls: args.file_urls,
    };
    let report = linkcheck::check(dir, &opts)?;
    if !report.broken.is_empty() {
        return Err(Error::Site(
            report
                .broken
                .iter()
                .map(|b| {
                    Diagnostic::error(
                        dir.join(&b.page),
                        format!("broken link `{}`: {}", b.link, b.reason),
                    )
                    .help("fix the template or content that writes this link, then build again")
                })
                .collect(),
        ));
    }
    Ok(format!(
        "ok: {} internal links in {} pages of {} resolve",
        report.links,
        report.pages,
        dir.display()
    ))
}
