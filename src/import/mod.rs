//! `detente import`: exchanges from another tool's data into a site's
//! `content/`.
//!
//! Owns the run of an import, in order: read the site and the file, turn
//! the file's rows into [`Record`]s (one module per input format), plan
//! the entries they make ([`plan`]: names matched or created, formats,
//! slugs, what exists already), check the site as it would be with them
//! (the same load, model and validate code as `detente check`), and only
//! then write every file, or none. Printing the report is the command's
//! (`cmd::import`).

pub mod csv;
pub mod detente_json;
pub mod html;
pub mod names;
pub mod plan;
pub mod timelinejs_csv;
pub mod timelinejs_json;
pub mod write;

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::error::{Diagnostic, Error, LineCol, Result};
use crate::load::{self, SourceLink};
use crate::model::Site;
use crate::{pipeline, suggest, validate};

pub use plan::{Plan, Planned, Status};

/// The formats `detente import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The TimelineJS Google Sheets template, downloaded as CSV.
    TimelinejsCsv,
    /// TimelineJS3 JSON (`events`, `title`).
    TimelinejsJson,
    /// Any CSV with a header row (columns mapped by name or --map).
    Csv,
    /// detente's own exchanges.json.
    DetenteJson,
}

/// How to read numeric dates such as 03/04/2023.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DateOrder {
    /// Day first: 03/04/2023 is 3 April.
    Dmy,
    /// Month first: 03/04/2023 is 4 March.
    Mdy,
}

/// What to import, from where, and how.
#[derive(Debug, Clone)]
pub struct Options {
    pub format: Format,
    pub file: PathBuf,
    pub root: PathBuf,
    pub dry_run: bool,
    /// `FIELD=COLUMN`, as given.
    pub map: Vec<String>,
    /// The country of new officials whose row gives none.
    pub country: Option<String>,
    /// The format of exchanges whose row names none of the site's.
    pub default_format: Option<String>,
    pub update: bool,
    pub keep_going: bool,
    pub date_order: Option<DateOrder>,
}

/// Where a row is in the input: a CSV line (the header is line 1) or an
/// item of a JSON list (`events[3]`, counted from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RowId {
    Line(usize),
    Item(&'static str, usize),
}

impl fmt::Display for RowId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowId::Line(n) => write!(f, "line {n}"),
            RowId::Item(list, i) => write!(f, "{list}[{i}]"),
        }
    }
}

/// Something wrong (or worth saying) about one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub row: RowId,
    pub message: String,
    pub help: Option<String>,
}

impl Problem {
    pub fn new(row: RowId, message: impl Into<String>) -> Problem {
        Problem {
            row,
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }

    /// As a diagnostic on the input file, at the row's line for CSV.
    pub fn diagnostic(&self, file: &Path, warning: bool) -> Diagnostic {
        let message = match self.row {
            RowId::Line(_) => self.message.clone(),
            RowId::Item(..) => format!("{}: {}", self.row, self.message),
        };
        let d = if warning {
            Diagnostic::warning(file, message)
        } else {
            Diagnostic::error(file, message)
        };
        let d = d.at(match self.row {
            RowId::Line(line) => Some(LineCol { line, column: 1 }),
            RowId::Item(..) => None,
        });
        match &self.help {
            Some(h) => d.help(h),
            None => d,
        }
    }
}

/// An official as a row names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The name (or slug) as written.
    pub text: String,
    /// The slug the source gives them (detente's own data).
    pub slug: Option<String>,
    /// The name to show, when the text is a slug.
    pub name: Option<String>,
    /// A country key or name, for a new official.
    pub country: Option<String>,
    /// The role held on the exchange's date.
    pub role: Option<String>,
}

/// An issue as a row names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub text: String,
    pub slug: Option<String>,
    pub name: Option<String>,
}

/// One row of the input, read: an exchange before its names are matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub row: RowId,
    /// The slug the source gives the exchange, if any.
    pub slug: Option<String>,
    pub title: String,
    pub date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    /// A format, type or kind as written.
    pub format: Option<String>,
    /// A TimelineJS group: the format when it names one, else an issue.
    pub group: Option<String>,
    pub location: Option<String>,
    pub summary: Option<String>,
    /// Markdown.
    pub body: String,
    pub officials: Vec<Person>,
    pub issues: Vec<Topic>,
    pub sources: Vec<SourceLink>,
    /// Its text in other languages, by language tag (detente's own data).
    pub translations: Vec<(String, crate::model::TranslatedText)>,
}

/// A whole input file, read.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub records: Vec<Record>,
    /// Rows that cannot be imported.
    pub problems: Vec<Problem>,
    /// Rows imported with something left out (and why).
    pub notes: Vec<Problem>,
    /// How the input's columns or fields map to an exchange's.
    pub mapping: Vec<String>,
    /// Rows that are not exchanges (a title slide, eras, blank rows).
    pub ignored: Vec<String>,
    /// The title the input gives the timeline.
    pub title: Option<String>,
}

/// What an import did, or would do.
#[derive(Debug)]
pub struct Outcome {
    pub parsed: Parsed,
    pub plan: Plan,
    /// The site's own title, for the report on a title slide.
    pub site_title: String,
    /// Problems of the site as it would be after the import: when there
    /// are any, nothing was written.
    pub invalid: Vec<Diagnostic>,
    /// Warnings `detente check` gives on the site with the import.
    pub warnings: Vec<Diagnostic>,
    /// Whether the files were written (not a dry run, no problem stopped it).
    pub written: bool,
    /// `detente check`'s summary of the site after writing.
    pub checked: Option<String>,
}

impl Outcome {
    /// Whether rows were skipped (and nothing written without --keep-going).
    pub fn skipped(&self) -> usize {
        let mut rows: Vec<RowId> = self
            .parsed
            .problems
            .iter()
            .chain(&self.plan.problems)
            .map(|p| p.row)
            .collect();
        rows.sort();
        rows.dedup();
        rows.len()
    }
}

/// Runs an import. Errors that stop it before any row is read (no site,
/// an unreadable file, a bad option) come back as `Err`; problems with
/// rows and with the resulting site are in the [`Outcome`].
pub fn run(opts: &Options) -> Result<Outcome> {
    let site_toml = opts.root.join(load::SITE_TOML);
    if !site_toml.exists() {
        return Err(Error::one(
            Diagnostic::error(
                &site_toml,
                format!("{} is not a detente site: it has no content/site.toml", opts.root.display()),
            )
            .help(format!(
                "create a site with `detente init DIR` (then remove its example entries), and import into it with --root DIR; or pass --root to point at your site (now {})",
                opts.root.display()
            )),
        ));
    }
    let loaded = load::load(&opts.root).map_err(Error::Site)?;
    let config = &loaded.config;
    let countries: Vec<&str> = config.countries.iter().map(|c| c.key.as_str()).collect();
    if let Some(c) = &opts.country
        && config.country(c).is_none()
    {
        return Err(Error::usage(
            format!("--country: unknown country `{c}`"),
            format!(
                "{} (the [countries.KEY] tables of content/site.toml)",
                suggest::hint(c, "countries", &countries)
            ),
        ));
    }
    let formats: Vec<&str> = config.formats.iter().map(String::as_str).collect();
    if let Some(f) = &opts.default_format
        && !formats.contains(&f.as_str())
    {
        return Err(Error::usage(
            format!("--format: unknown format `{f}`"),
            suggest::hint(f, "formats", &formats),
        ));
    }
    if !opts.map.is_empty() && !matches!(opts.format, Format::Csv | Format::TimelinejsCsv) {
        return Err(Error::usage(
            "--map applies to CSV files",
            "JSON fields are read by their names; leave out --map",
        ));
    }
    let text = read_input(&opts.file)?;
    let parsed = match opts.format {
        Format::Csv => csv::parse(&text, opts)?,
        Format::TimelinejsCsv => timelinejs_csv::parse(&text, opts)?,
        Format::TimelinejsJson => timelinejs_json::parse(&text, opts)?,
        Format::DetenteJson => detente_json::parse(&text, opts)?,
    };
    let mut plan = plan::plan(&loaded, &parsed, opts);
    if let Some(title) = &parsed.title
        && has_no_title(config)
    {
        plan.site_title = read_input(&opts.root.join(load::SITE_TOML))
            .ok()
            .and_then(|text| with_title(&text, title))
            .map(|text| (text, title.clone()));
    }
    let merged = plan.merged(&loaded, opts.update);
    let site = Site::build(merged, false);
    let (invalid, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = validate::validate(&site)
        .into_iter()
        .partition(Diagnostic::is_error);
    let mut outcome = Outcome {
        site_title: config.title.clone(),
        parsed,
        plan,
        invalid,
        warnings,
        written: false,
        checked: None,
    };
    let stopped = outcome.skipped() > 0 && !opts.keep_going;
    if opts.dry_run || stopped || !outcome.invalid.is_empty() {
        return Ok(outcome);
    }
    outcome.plan.write(&opts.root, opts.update)?;
    outcome.written = true;
    let report = pipeline::check(&opts.root, false).map_err(|e| match e {
        Error::Site(mut diagnostics) => {
            diagnostics.insert(
                0,
                Diagnostic::error(
                    opts.root.join(load::SITE_TOML),
                    "the import was written, but `detente check` fails on the site",
                )
                .help("fix the problems below and run `detente check`"),
            );
            Error::Site(diagnostics)
        }
        other => other,
    })?;
    outcome.warnings = report.warnings;
    outcome.checked = Some(format!(
        "detente check: ok, {} pages would be built",
        report.pages
    ));
    Ok(outcome)
}

/// The title `detente init` gives a new site, which an import may
/// replace like an empty one.
pub const INIT_TITLE: &str = "My exchanges timeline";

/// Whether the site still waits for a title: none, or `detente init`'s.
fn has_no_title(config: &crate::config::Config) -> bool {
    let title = config.title.trim();
    title.is_empty() || title == INIT_TITLE
}

/// site.toml's text with its top-level `title` set to `title`, if that
/// line can be replaced and the result reads back with that title.
fn with_title(text: &str, title: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() + title.len());
    let (mut top, mut done) = (true, false);
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        top &= !t.starts_with('[');
        let is_title = t
            .strip_prefix("title")
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        if top && !done && is_title {
            out.push_str(&format!("title = {}\n", crate::frontmatter::quote(title)));
            done = true;
        } else {
            out.push_str(line);
        }
    }
    let raw: crate::config::RawConfig = toml::from_str(&out).ok()?;
    (done && crate::config::Config::from_raw(raw).title == title).then_some(out)
}

/// The input file as text (UTF-8, a byte order mark dropped).
fn read_input(file: &Path) -> Result<String> {
    let bytes = std::fs::read(file).map_err(|e| Error::io("read", file, e))?;
    let text = load::decode(bytes, file).map_err(Error::one)?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_fills_the_title_line_only() {
        let text = "# a site\ntitle = \"\"\nbase_url = \"\"\n[countries.US]\nname = \"x\"\n";
        let new = with_title(text, "Talks \"2023\"").expect("replaced");
        assert!(
            new.starts_with("# a site\ntitle = \"Talks \\\"2023\\\"\"\nbase_url"),
            "{new}"
        );
        assert!(new.ends_with("[countries.US]\nname = \"x\"\n"), "{new}");
        assert_eq!(with_title("base_url = \"\"\n", "x"), None);
    }
}
