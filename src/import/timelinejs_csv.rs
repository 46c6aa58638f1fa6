//! `detente import timelinejs-csv`: the TimelineJS Google Sheets template
//! (File → Download → Comma-separated values).
//!
//! Owns the template's columns and what each becomes: Year/Month/Day (and
//! End …) the dates, Headline the title, Text (HTML) the summary and body,
//! Media with its caption and credit a source, Type the format (`title`
//! and `era` rows are not exchanges), Group the format when it names one,
//! else an issue. Columns the template does not have (People, Location,
//! Tags…) are mapped like `detente import csv`'s.

use super::csv::{self as table, Cells, Field};
use super::html;
use super::{Options, Parsed, Person, Problem, Record, RowId, Topic};
use crate::error::{Error, Result};

/// The template's columns, in its order.
const COLUMNS: [&str; 18] = [
    "Year",
    "Month",
    "Day",
    "Time",
    "End Year",
    "End Month",
    "End Day",
    "End Time",
    "Display Date",
    "Headline",
    "Text",
    "Media",
    "Media Credit",
    "Media Caption",
    "Media Thumbnail",
    "Type",
    "Group",
    "Background",
];

/// Where each template column is in the file.
struct Template([Option<usize>; 18]);

impl Template {
    fn find(headers: &[String]) -> Template {
        let mut cols = [None; 18];
        for (slot, name) in cols.iter_mut().zip(COLUMNS) {
            *slot = headers
                .iter()
                .position(|h| table::normalize(h) == table::normalize(name));
        }
        Template(cols)
    }

    fn col(&self, name: &str) -> Option<usize> {
        let i = COLUMNS.iter().position(|c| *c == name)?;
        self.0[i]
    }

    fn taken(&self) -> Vec<usize> {
        self.0.iter().flatten().copied().collect()
    }
}

/// What the report says the template's columns become.
const REPORT: &[(&[&str], &str)] = &[
    (&["Year", "Month", "Day"], "date"),
    (&["End Year", "End Month", "End Day"], "end_date"),
    (&["Headline"], "title"),
    (
        &["Text"],
        "summary (a short first paragraph) and body (HTML to Markdown); links to detente official and issue pages → officials and issues",
    ),
    (
        &["Media", "Media Caption", "Media Credit"],
        "a source (an http(s) Media URL, titled by its caption and credit)",
    ),
    (
        &["Type"],
        "format (`title` and `era` rows are not exchanges)",
    ),
    (&["Group"], "format when it names one, else an issue"),
    (
        &[
            "Time",
            "End Time",
            "Display Date",
            "Media Thumbnail",
            "Background",
        ],
        "not imported (detente has days, not times, writes its own display dates, and has no media)",
    ),
];

/// Reads a TimelineJS sheet saved as CSV.
pub fn parse(text: &str, opts: &Options) -> Result<Parsed> {
    let t = table::read_table(text, &opts.file)?;
    let tpl = Template::find(&t.headers);
    if tpl.col("Year").is_none() || tpl.col("Headline").is_none() {
        return Err(Error::usage(
            format!(
                "{} is not a TimelineJS sheet: it has no Year or no Headline column",
                opts.file.display()
            ),
            "download the TimelineJS template sheet as CSV, or import other sheets with `detente import csv`",
        ));
    }
    let maps = table::parse_maps(&opts.map)?;
    let extra = table::map_columns(&t.headers, &[], &tpl.taken(), &maps)?;
    let mut parsed = Parsed::default();
    for (names, what) in REPORT {
        let present: Vec<String> = names
            .iter()
            .filter(|n| tpl.col(n).is_some())
            .map(|n| format!("\"{n}\""))
            .collect();
        if !present.is_empty() {
            parsed
                .mapping
                .push(format!("{} → {what}", present.join(", ")));
        }
    }
    parsed.mapping.extend(extra.report.iter().cloned());
    for (line, row) in &t.rows {
        let id = RowId::Line(*line);
        let cells = Cells {
            row,
            mapping: &extra,
        };
        if cells.is_blank() {
            parsed.ignored.push(format!("{id}: a blank row"));
            continue;
        }
        let cell = |name: &str| tpl.col(name).and_then(|i| cells.at(i));
        let kind = cell("Type").map(str::to_ascii_lowercase);
        match kind.as_deref() {
            Some("title") => {
                let title = cell("Headline").map(html::to_text).unwrap_or_default();
                parsed.ignored.push(format!(
                    "{id}: the title slide (\"{}\")",
                    table::short(&title)
                ));
                if !title.is_empty() && parsed.title.is_none() {
                    parsed.title = Some(title);
                }
                continue;
            }
            Some("era") => {
                let title = cell("Headline").map(html::to_text).unwrap_or_default();
                parsed.ignored.push(format!(
                    "{id}: an era (\"{}\"), not an exchange",
                    table::short(&title)
                ));
                continue;
            }
            _ => {}
        }
        match row_record(id, &cells, &tpl) {
            Ok((record, notes)) => {
                parsed
                    .notes
                    .extend(notes.into_iter().map(|n| Problem::new(id, n)));
                parsed.records.push(record);
            }
            Err(problems) => parsed.problems.extend(problems),
        }
    }
    Ok(parsed)
}

/// A date from year, month and day cells.
fn date_of(
    year: Option<&str>,
    month: Option<&str>,
    day: Option<&str>,
) -> std::result::Result<Option<chrono::NaiveDate>, String> {
    let Some(year) = year else {
        return match (month, day) {
            (None, None) => Ok(None),
            _ => Err("a month or day without a year".into()),
        };
    };
    let (Some(month), Some(day)) = (month, day) else {
        return Err(format!(
            "the date `{}` has no {}: detente's exchanges are dated to the day",
            [Some(year), month, day]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("-"),
            if month.is_none() { "month" } else { "day" }
        ));
    };
    let iso = format!("{year}-{month:0>2}-{day:0>2}");
    table::parse_date(&iso, None).map(Some).map_err(|_| {
        format!("`{year}`/`{month}`/`{day}` is not a date (year, month and day as numbers)")
    })
}

type RowResult = std::result::Result<(Record, Vec<String>), Vec<Problem>>;

fn row_record(id: RowId, cells: &Cells, tpl: &Template) -> RowResult {
    let cell = |name: &str| tpl.col(name).and_then(|i| cells.at(i));
    let mut problems: Vec<Problem> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let date = match date_of(cell("Year"), cell("Month"), cell("Day")) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            problems
                .push(Problem::new(id, "no date").help("fill in the row's Year, Month and Day"));
            None
        }
        Err(e) => {
            problems
                .push(Problem::new(id, e).help("fill in the row's Year, Month and Day as numbers"));
            None
        }
    };
    let end_date = match date_of(cell("End Year"), cell("End Month"), cell("End Day")) {
        Ok(d) => d,
        Err(e) => {
            problems.push(Problem::new(id, format!("end date: {e}")).help(
                "fill in End Year, End Month and End Day as numbers, or leave all three empty",
            ));
            None
        }
    };
    let title = cell("Headline")
        .map(html::to_text)
        .filter(|t| !t.is_empty());
    if title.is_none() {
        problems.push(
            Problem::new(id, "no title")
                .help("every exchange needs a title: fill in the row's Headline"),
        );
    }
    let summary_column = cells.get(Field::Summary).map(str::to_string);
    let account = html::account(cell("Text").unwrap_or_default(), summary_column.is_none());
    let mut row_problems = Vec::new();
    let mut officials = table::people(cells, &mut row_problems);
    problems.extend(row_problems.into_iter().map(|p| {
        Problem::new(id, p).help("fix the row, or pass --keep-going to import the others")
    }));
    officials.extend(account.officials.into_iter().map(|o| Person {
        text: o.name.clone(),
        slug: Some(o.slug),
        name: Some(o.name),
        country: o.country,
        role: o.role,
    }));
    let mut issues = table::topics(cells);
    issues.extend(account.issues.into_iter().map(|i| Topic {
        text: i.name.clone(),
        slug: Some(i.slug),
        name: Some(i.name),
    }));
    let mut sources = Vec::new();
    if let Some(url) = cell("Media") {
        let caption = cell("Media Caption")
            .map(html::to_text)
            .filter(|c| !c.is_empty());
        let credit = cell("Media Credit")
            .map(html::to_text)
            .filter(|c| !c.is_empty());
        let title = match (caption, credit) {
            (Some(c), Some(by)) => Some(format!("{c} ({by})")),
            (one, other) => one.or(other),
        };
        sources.extend(table::source(
            Some(url),
            Some(title.as_deref().unwrap_or("Media")),
            &mut notes,
        ));
    }
    sources.extend(table::source(
        cells.get(Field::SourceUrl),
        cells.get(Field::SourceTitle),
        &mut notes,
    ));
    let (Some(date), Some(title), true) = (date, title, problems.is_empty()) else {
        return Err(problems);
    };
    Ok((
        Record {
            row: id,
            slug: cells.get(Field::Slug).map(str::to_string),
            title,
            date,
            end_date,
            format: cells
                .get(Field::Format)
                .or(cell("Type"))
                .map(str::to_string),
            group: cell("Group").map(html::to_text).filter(|g| !g.is_empty()),
            location: cells.get(Field::Location).map(str::to_string),
            summary: summary_column.or(account.summary),
            body: account.body,
            officials,
            issues,
            sources,
            translations: Vec::new(),
        },
        notes,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_three_cells() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert_eq!(
            date_of(Some("2023"), Some("6"), Some("18")),
            Ok(d("2023-06-18"))
        );
        assert_eq!(date_of(None, None, None), Ok(None));
        assert!(date_of(Some("2023"), None, None).is_err_and(|e| e.contains("no month")));
        assert!(date_of(Some("2023"), Some("2"), Some("30")).is_err());
        assert!(date_of(Some("-500"), Some("1"), Some("1")).is_err());
    }
}
