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
    /// Print, for each location written as text that names a known city or
    /// country, the structured `location = { … }` line to write instead.
    /// Changes nothing.
    #[arg(long)]
    pub suggest_places: bool,
    /// Print, for each language besides the default, how many exchanges,
    /// officials and issues are translated, and the translation file each
    /// of the others would be.
    #[arg(long)]
    pub translations: bool,
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
    if args.suggest_places {
        summary.push_str(&format!("\n{}", suggest_places(args)?));
    }
    if args.translations {
        summary.push_str(&format!("\n{}", translations(args)?));
    }
    Ok(summary)
}

/// The untranslated entries of one kind: each one's file and name.
type Missing<'a> = Vec<(&'a std::path::Path, &'a str)>;

/// `what`, how many `items` there are, and those without a translation
/// (`parts` gives an item's `lang`, file and name).
fn untranslated<'a, T>(
    what: &'static str,
    items: &'a [T],
    parts: impl Fn(&'a T) -> (&'a Option<String>, &'a PathBuf, &'a String),
) -> (&'static str, usize, Missing<'a>) {
    let missing = items
        .iter()
        .map(parts)
        .filter(|(lang, _, _)| lang.is_some())
        .map(|(_, path, name)| (path.as_path(), name.as_str()))
        .collect();
    (what, items.len(), missing)
}

/// Each other language's share of translated entries, and the files the
/// missing translations would be.
fn translations(args: &Args) -> Result<String> {
    let (mut site, mut warnings) = pipeline::prepare(&args.root, args.drafts, None)?;
    let languages = pipeline::languages(&args.root, &mut site, &mut warnings)?;
    if languages.is_empty() {
        return Ok(format!(
            "the site is in one language ({}): add [languages.TAG] to content/site.toml for another",
            site.config.language
        ));
    }
    let mut out = Vec::new();
    for l in &languages {
        let tag = &l.config.language;
        // (what, how many, the untranslated ones' files and names)
        let kinds: [(&str, usize, Missing); 3] = [
            untranslated("exchanges", &l.exchanges, |e| (&e.lang, &e.path, &e.title)),
            untranslated("officials", &l.officials, |o| (&o.lang, &o.path, &o.name)),
            untranslated("issues", &l.issues, |i| (&i.lang, &i.path, &i.name)),
        ];
        let counts: Vec<String> = kinds
            .iter()
            .map(|(what, all, missing)| format!("{} of {all} {what}", all - missing.len()))
            .collect();
        out.push(format!("{tag}: {} translated", counts.join(", ")));
        for (_, _, missing) in &kinds {
            for (path, name) in missing {
                let file = path.with_extension(format!("{tag}.md"));
                out.push(format!("  missing {}  ({name})", file.display()));
            }
        }
    }
    Ok(out.join("\n"))
}

/// For each text location detente can place, the line to write instead.
fn suggest_places(args: &Args) -> Result<String> {
    let (site, _) = pipeline::prepare(&args.root, args.drafts, None)?;
    let mut out = String::new();
    let (mut matched, mut text) = (0, 0);
    for e in &site.exchanges {
        let Some(location) = e.location.as_deref().filter(|_| e.place.is_none()) else {
            continue;
        };
        text += 1;
        let Some((city, key)) = crate::places::suggest(&site.config, location) else {
            continue;
        };
        matched += 1;
        let at = e
            .places
            .location
            .map_or(String::new(), |at| format!(":{}:{}", at.line, at.column));
        let table = match city {
            Some(city) => format!("{{ city = {}, country = {} }}", quote(&city), quote(&key)),
            None => format!("{{ country = {} }}", quote(&key)),
        };
        out.push_str(&format!(
            "{}{at}: location = {table}    # was {}\n",
            e.path.display(),
            quote(location)
        ));
    }
    out.push_str(&format!(
        "{matched} of {text} locations written as text name a known place (nothing was changed)"
    ));
    Ok(out)
}

/// `text` as a TOML basic string.
fn quote(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
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
