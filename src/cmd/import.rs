//! `detente import`: exchanges from TimelineJS, a CSV or detente's own
//! exchanges.json into the site's `content/`. Owns the command's options
//! and the report it prints; the work is the `import` module's.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::error::{Diagnostic, Error, Result};
use crate::import::plan::{NameOutcome, NameUse};
use crate::import::{self, DateOrder, Format, Outcome, Status, names::How};
use crate::load::Kind;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What FILE is.
    #[arg(value_enum, value_name = "FORMAT")]
    pub input: Format,
    /// The file to import.
    pub file: PathBuf,
    /// The site folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Print what would be written, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Read FIELD from COLUMN (fields: date, end_date, title, summary,
    /// body, officials, official_names, roles, country, issues,
    /// issue_names, format, location, source_url, source_title, slug);
    /// `FIELD=` reads the field from no column. Repeatable.
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    pub map: Vec<String>,
    /// The country (a key of site.toml's countries) of new officials
    /// whose row gives none.
    #[arg(long, value_name = "KEY")]
    pub country: Option<String>,
    /// The format (one of site.toml's formats) of exchanges whose row
    /// names none of them.
    #[arg(long = "format", value_name = "F")]
    pub default_format: Option<String>,
    /// Rewrite existing entries whose content differs.
    #[arg(long)]
    pub update: bool,
    /// Import the good rows even when others must be skipped (exit 0).
    #[arg(long)]
    pub keep_going: bool,
    /// How to read numeric dates like 03/04/2023: day first or month first.
    #[arg(long, value_enum)]
    pub date_order: Option<DateOrder>,
}

impl Args {
    fn options(&self) -> import::Options {
        import::Options {
            format: self.input,
            file: self.file.clone(),
            root: self.root.clone(),
            dry_run: self.dry_run,
            map: self.map.clone(),
            country: self.country.clone(),
            default_format: self.default_format.clone(),
            update: self.update,
            keep_going: self.keep_going,
            date_order: self.date_order,
        }
    }
}

pub fn run(args: &Args) -> Result<String> {
    let opts = args.options();
    let outcome = import::run(&opts)?;
    print!("{}", report(&outcome, &opts));
    let problems: Vec<&import::Problem> = outcome
        .parsed
        .problems
        .iter()
        .chain(&outcome.plan.problems)
        .collect();
    let skipped = outcome.skipped();
    if !outcome.invalid.is_empty() {
        let mut diagnostics = vec![
            Diagnostic::error(
                &opts.file,
                "importing this would leave the site failing `detente check`; nothing was written",
            )
            .help("the problems follow: in the entries the import would write, or already in the site (run `detente check`)"),
        ];
        diagnostics.extend(outcome.invalid);
        return Err(Error::Site(diagnostics));
    }
    if skipped > 0 && !opts.keep_going {
        let mut diagnostics: Vec<Diagnostic> = problems
            .iter()
            .map(|p| p.diagnostic(&opts.file, false))
            .collect();
        if let Some(last) = diagnostics.last_mut() {
            let help = last.help.take().unwrap_or_default();
            last.help = Some(format!(
                "{help}\n{skipped} row(s) cannot be imported, so nothing was written: fix them, or pass --keep-going to import the others"
            ));
        }
        return Err(Error::Site(diagnostics));
    }
    for p in &problems {
        eprintln!("{}\n", p.diagnostic(&opts.file, true));
    }
    for w in &outcome.warnings {
        eprintln!("{w}\n");
    }
    Ok(summary(&outcome, &opts, skipped))
}

/// The report: how the input maps, every name matched, created or
/// ambiguous, the rows that are not exchanges, remarks on rows, and every
/// file with what happens to it.
fn report(o: &Outcome, opts: &import::Options) -> String {
    let mut r = String::new();
    let _ = writeln!(
        r,
        "importing {} into {}",
        opts.file.display(),
        opts.root.display()
    );
    if !o.parsed.mapping.is_empty() {
        r.push_str("mapping:\n");
        for line in &o.parsed.mapping {
            let _ = writeln!(r, "  {line}");
        }
    }
    for (kind, title) in [(Kind::Official, "officials"), (Kind::Issue, "issues")] {
        let uses: Vec<&NameUse> = o.plan.names.iter().filter(|u| u.kind == kind).collect();
        if uses.is_empty() {
            continue;
        }
        let _ = writeln!(r, "{title}:");
        for u in uses {
            let rows = rows(&u.rows);
            let _ = match &u.outcome {
                NameOutcome::Matched { slug, how } => writeln!(
                    r,
                    "  matched    \"{}\" → {slug} (by {}; {rows})",
                    u.text,
                    match how {
                        How::Slug => "slug",
                        How::Name => "name",
                    }
                ),
                NameOutcome::Created { slug, country } => writeln!(
                    r,
                    "  created    \"{}\" → {slug}{} ({rows})",
                    u.text,
                    country
                        .as_ref()
                        .map_or(String::new(), |c| format!(", country {c}"))
                ),
                NameOutcome::Ambiguous(slugs) => writeln!(
                    r,
                    "  ambiguous  \"{}\" → {} ({rows}: skipped)",
                    u.text,
                    slugs.join(" or ")
                ),
            };
        }
    }
    if !o.parsed.ignored.is_empty() {
        r.push_str("not exchanges:\n");
        for line in &o.parsed.ignored {
            let _ = writeln!(r, "  {line}");
        }
    }
    if let Some((_, title)) = &o.plan.site_title {
        let _ = writeln!(
            r,
            "title: content/site.toml had no title of its own; it gets the file's, \"{title}\""
        );
    } else if let Some(title) = &o.parsed.title
        && *title != o.site_title
    {
        let _ = writeln!(
            r,
            "title: the file names the timeline \"{title}\"; the site keeps its title \"{}\" (change it in content/site.toml)",
            o.site_title
        );
    }
    let notes: Vec<&import::Problem> = o.parsed.notes.iter().chain(&o.plan.notes).collect();
    if !notes.is_empty() {
        r.push_str("notes:\n");
        for n in notes {
            let _ = writeln!(r, "  {}: {}", n.row, n.message);
        }
    }
    if !o.plan.files.is_empty() {
        r.push_str("files:\n");
        for f in &o.plan.files {
            let what = match (f.status, opts.update) {
                (Status::New, _) => "new",
                (Status::Unchanged, _) => "unchanged",
                (Status::Changed, true) => "updated",
                (Status::Changed, false) => "changed",
            };
            let tail = if f.status == Status::Changed && !opts.update {
                " (not rewritten: pass --update to rewrite it)"
            } else {
                ""
            };
            let _ = writeln!(r, "  {what:<9}  {}  \"{}\"{tail}", f.rel.display(), f.label);
        }
    }
    r
}

/// `line 2`, `lines 2, 5, 9`, `events[0], events[3]`, at most six of
/// them and how many more.
fn rows(rows: &[import::RowId]) -> String {
    const SHOWN: usize = 6;
    let shown: Vec<String> = rows.iter().take(SHOWN).map(ToString::to_string).collect();
    let more = match rows.len().saturating_sub(SHOWN) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    match shown.as_slice() {
        [one] if more.is_empty() => one.clone(),
        many if many.iter().all(|r| r.starts_with("line ")) => {
            let numbers: Vec<&str> = many.iter().map(|r| &r[5..]).collect();
            format!("lines {}{more}", numbers.join(", "))
        }
        many => format!("{}{more}", many.join(", ")),
    }
}

/// The closing line.
fn summary(o: &Outcome, opts: &import::Options, skipped: usize) -> String {
    let count = |kind: Kind, status: Status| {
        o.plan
            .files
            .iter()
            .filter(|f| f.kind == kind && f.status == status)
            .filter(|f| crate::load::translation_of(&f.slug).is_none())
            .count()
    };
    let translations = o
        .plan
        .files
        .iter()
        .filter(|f| f.status == Status::New && crate::load::translation_of(&f.slug).is_some())
        .count();
    let to_write: Vec<_> = o
        .plan
        .files
        .iter()
        .filter(|f| f.to_write(opts.update))
        .collect();
    let changed = o
        .plan
        .files
        .iter()
        .filter(|f| f.status == Status::Changed)
        .count();
    let unchanged = o
        .plan
        .files
        .iter()
        .filter(|f| f.status == Status::Unchanged)
        .count();
    let mut s = format!(
        "{} {} files ({} new exchanges, {} new officials, {} new issues{}{})",
        if o.written { "wrote" } else { "would write" },
        to_write.len(),
        count(Kind::Exchange, Status::New),
        count(Kind::Official, Status::New),
        count(Kind::Issue, Status::New),
        if translations > 0 {
            format!(", {translations} new translations")
        } else {
            String::new()
        },
        if opts.update && changed > 0 {
            format!(", {changed} updated")
        } else {
            String::new()
        }
    );
    if unchanged > 0 {
        let _ = write!(s, "; {unchanged} unchanged");
    }
    if changed > 0 && !opts.update {
        let _ = write!(s, "; {changed} changed, not rewritten (pass --update)");
    }
    if skipped > 0 {
        let _ = write!(s, "; {skipped} rows skipped (--keep-going)");
    }
    if opts.dry_run {
        s.push_str("\ndry run: nothing was written");
    } else if let Some(checked) = &o.checked {
        let _ = write!(s, "\n{checked}");
    }
    s
}
