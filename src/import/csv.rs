//! `detente import csv`: any CSV with a header row, its columns mapped to
//! an exchange's fields by name (`Date`, `Start date` and `When` are all
//! the date…) or by `--map FIELD=COLUMN`.
//!
//! Owns reading CSV text (line numbers counting the header as line 1), the
//! import fields and their column aliases, the mapping and its report,
//! date parsing, and the splitting of list cells. The TimelineJS sheet
//! reader uses the same table, cells and mapping for its extra columns.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use super::{DateOrder, Options, Parsed, Person, Problem, Record, RowId, Topic};
use crate::error::{Diagnostic, Error, LineCol, Result};
use crate::load::SourceLink;
use crate::suggest;

/// A CSV file read whole: its header and rows, each row with the line it
/// starts on.
#[derive(Debug, Clone)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Reads CSV text. Errors name the file and line.
pub fn read_table(text: &str, file: &Path) -> Result<Table> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let place = |e: &::csv::Error| {
        e.position()
            .map(|p| LineCol {
                line: p.line() as usize,
                column: 1,
            })
            .or(Some(LineCol { line: 1, column: 1 }))
    };
    let bad = |e: ::csv::Error| {
        Error::one(
            Diagnostic::error(file, format!("cannot read the CSV: {e}"))
                .at(place(&e))
                .help("save the sheet as CSV (comma-separated, UTF-8) and import that file"),
        )
    };
    let headers: Vec<String> = reader
        .headers()
        .map_err(bad)?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(Error::one(
            Diagnostic::error(file, "the CSV has no header row")
                .at(Some(LineCol { line: 1, column: 1 }))
                .help("the first line must name the columns, e.g. Date,Title,People"),
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(bad)?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        rows.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(Table { headers, rows })
}

/// What a column can hold: one field of an exchange (or of the officials
/// and issues it names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Date,
    EndDate,
    Title,
    Summary,
    Body,
    Officials,
    OfficialNames,
    Roles,
    Country,
    Issues,
    IssueNames,
    Format,
    Location,
    SourceUrl,
    SourceTitle,
    Slug,
}

impl Field {
    pub const ALL: [Field; 16] = [
        Field::Date,
        Field::EndDate,
        Field::Title,
        Field::Summary,
        Field::Body,
        Field::Officials,
        Field::OfficialNames,
        Field::Roles,
        Field::Country,
        Field::Issues,
        Field::IssueNames,
        Field::Format,
        Field::Location,
        Field::SourceUrl,
        Field::SourceTitle,
        Field::Slug,
    ];

    /// The name `--map` uses.
    pub fn name(self) -> &'static str {
        match self {
            Field::Date => "date",
            Field::EndDate => "end_date",
            Field::Title => "title",
            Field::Summary => "summary",
            Field::Body => "body",
            Field::Officials => "officials",
            Field::OfficialNames => "official_names",
            Field::Roles => "roles",
            Field::Country => "country",
            Field::Issues => "issues",
            Field::IssueNames => "issue_names",
            Field::Format => "format",
            Field::Location => "location",
            Field::SourceUrl => "source_url",
            Field::SourceTitle => "source_title",
            Field::Slug => "slug",
        }
    }

    /// Column names taken for this field without `--map`, compared
    /// without case, spaces, `_` and `-`.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Date => &["date", "startdate", "start", "when", "day", "from"],
            Field::EndDate => &["enddate", "end", "until", "to", "through"],
            Field::Title => &["title", "headline", "event", "name", "subject"],
            Field::Summary => &["summary", "description", "abstract", "lead"],
            Field::Body => &["body", "text", "details", "notes", "account", "content"],
            Field::Officials => &[
                "officials",
                "people",
                "participants",
                "persons",
                "who",
                "attendees",
                "official",
            ],
            Field::OfficialNames => &["officialnames"],
            Field::Roles => &["roles", "role", "positions"],
            Field::Country => &["country", "countries", "nation"],
            Field::Issues => &[
                "issues",
                "tags",
                "topics",
                "themes",
                "subjects",
                "categories",
                "keywords",
                "group",
                "issue",
            ],
            Field::IssueNames => &["issuenames"],
            Field::Format => &["format", "type", "kind", "mode", "medium"],
            Field::Location => &["location", "place", "city", "venue", "where"],
            Field::SourceUrl => &["url", "link", "source", "sourceurl", "href", "reference"],
            Field::SourceTitle => &["sourcetitle", "linktitle", "sourcename"],
            Field::Slug => &["slug"],
        }
    }

    fn parse(name: &str) -> Option<Field> {
        let key = normalize(name);
        Field::ALL.into_iter().find(|f| normalize(f.name()) == key)
    }
}

/// A column name compared loosely: lowercase, without spaces, `_`, `-`.
pub fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Which column each field is read from.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    pub columns: HashMap<Field, usize>,
    /// Report lines: `"When" → date`, `"Notes" → not imported`.
    pub report: Vec<String>,
}

impl Mapping {
    pub fn col(&self, field: Field) -> Option<usize> {
        self.columns.get(&field).copied()
    }
}

/// Parses the `--map FIELD=COLUMN` options (a usage error names the bad one).
pub fn parse_maps(maps: &[String]) -> Result<Vec<(Field, String)>> {
    let names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
    maps.iter()
        .map(|m| {
            let (field, column) = m.split_once('=').ok_or_else(|| {
                Error::usage(
                    format!("--map `{m}` is not FIELD=COLUMN"),
                    "write the field, `=`, and the column's name as in the header, e.g. --map date=\"Start date\"",
                )
            })?;
            let f = Field::parse(field.trim()).ok_or_else(|| {
                Error::usage(
                    format!("--map: unknown field `{}`", field.trim()),
                    suggest::hint(field.trim(), "fields", &names),
                )
            })?;
            Ok((f, column.trim().to_string()))
        })
        .collect()
}

/// Maps the header's columns to fields: first `fixed` (a format's own
/// columns, which nothing else may take), then `--map`, then by name.
pub fn map_columns(
    headers: &[String],
    fixed: &[(Field, usize)],
    taken: &[usize],
    maps: &[(Field, String)],
) -> Result<Mapping> {
    let mut m = Mapping::default();
    let mut used: Vec<usize> = taken.to_vec();
    for &(f, i) in fixed {
        m.columns.insert(f, i);
        used.push(i);
    }
    let header_names: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut unread: Vec<Field> = Vec::new();
    for (field, column) in maps {
        if column.is_empty() {
            // `--map FIELD=`: no column gives this field.
            unread.push(*field);
            m.columns.remove(field);
            continue;
        }
        let i = headers
            .iter()
            .position(|h| h == column)
            .or_else(|| {
                headers
                    .iter()
                    .position(|h| normalize(h) == normalize(column))
            })
            .ok_or_else(|| {
                Error::usage(
                    format!("--map {}: there is no column `{column}`", field.name()),
                    suggest::hint(column, "columns", &header_names),
                )
            })?;
        m.columns.insert(*field, i);
        used.push(i);
    }
    for field in Field::ALL {
        if m.columns.contains_key(&field) || unread.contains(&field) {
            continue;
        }
        let found = field.aliases().iter().find_map(|alias| {
            headers
                .iter()
                .enumerate()
                .find(|(i, h)| !used.contains(i) && normalize(h) == *alias)
                .map(|(i, _)| i)
        });
        if let Some(i) = found {
            m.columns.insert(field, i);
            used.push(i);
        }
    }
    let mut by_column: Vec<(usize, Field)> = m.columns.iter().map(|(f, i)| (*i, *f)).collect();
    by_column.sort();
    for (i, f) in by_column {
        if !taken.contains(&i) {
            m.report.push(format!("\"{}\" → {}", headers[i], f.name()));
        }
    }
    for (i, h) in headers.iter().enumerate() {
        if !used.contains(&i) && !h.is_empty() {
            m.report.push(format!("\"{h}\" → not imported"));
        }
    }
    Ok(m)
}

/// The cells of one row, read through a mapping.
pub struct Cells<'a> {
    pub row: &'a [String],
    pub mapping: &'a Mapping,
}

impl Cells<'_> {
    /// The trimmed cell of `field`, if mapped and not blank.
    pub fn get(&self, field: Field) -> Option<&str> {
        let i = self.mapping.col(field)?;
        self.at(i)
    }

    /// The trimmed cell at column `i`, if not blank.
    pub fn at(&self, i: usize) -> Option<&str> {
        self.row.get(i).map(|s| s.trim()).filter(|s| !s.is_empty())
    }

    pub fn is_blank(&self) -> bool {
        self.row.iter().all(|c| c.trim().is_empty())
    }
}

/// The values of a list cell: a JSON array of strings, or values
/// separated by `;` (or by `,` when there is no `;`). With `one` set, a
/// cell without `;` is one value (a role may hold a comma).
pub fn split_list(cell: Option<&str>, one: bool) -> Vec<String> {
    let Some(cell) = cell else {
        return Vec::new();
    };
    if cell.starts_with('[')
        && let Ok(items) = serde_json::from_str::<Vec<String>>(cell)
    {
        return items
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
    }
    let sep = if cell.contains(';') {
        ';'
    } else if one {
        return vec![cell.trim().to_string()];
    } else {
        ','
    };
    cell.split(sep)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The officials a row names: names (or slugs) in the `officials` column,
/// with display names, roles and countries from their own columns, in
/// the same order (a single country applies to all).
pub fn people(cells: &Cells, problems: &mut Vec<String>) -> Vec<Person> {
    let texts = split_list(cells.get(Field::Officials), false);
    let names = split_list(cells.get(Field::OfficialNames), false);
    let roles = split_list(cells.get(Field::Roles), texts.len() <= 1);
    let countries = split_list(cells.get(Field::Country), false);
    let n = texts.len();
    for (what, len) in [("names", names.len()), ("roles", roles.len())] {
        if len != 0 && len != n {
            problems.push(format!(
                "{len} official {what} for {n} officials: give one per official, in the same order"
            ));
        }
    }
    if countries.len() > 1 && countries.len() != n {
        problems.push(format!(
            "{} countries for {n} officials: give one per official, in the same order, or one for all",
            countries.len()
        ));
    }
    texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| Person {
            slug: None,
            name: names.get(i).cloned(),
            role: roles.get(i).cloned().filter(|r| !r.is_empty()),
            country: match countries.len() {
                1 => countries.first().cloned(),
                _ => countries.get(i).cloned(),
            },
            text,
        })
        .collect()
}

/// The issues a row names, with display names from `issue_names`.
pub fn topics(cells: &Cells) -> Vec<Topic> {
    let names = split_list(cells.get(Field::IssueNames), false);
    split_list(cells.get(Field::Issues), false)
        .into_iter()
        .enumerate()
        .map(|(i, text)| Topic {
            slug: None,
            name: names.get(i).cloned(),
            text,
        })
        .collect()
}

/// A source from a URL and a title; a URL that is not http(s) is not
/// imported, and says so in `notes`.
pub fn source(
    url: Option<&str>,
    title: Option<&str>,
    notes: &mut Vec<String>,
) -> Option<SourceLink> {
    let url = url?.trim();
    if is_http(url) {
        Some(SourceLink {
            title: title
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .unwrap_or("Source")
                .to_string(),
            url: url.to_string(),
        })
    } else {
        notes.push(format!(
            "`{}` is not an http(s) address; not imported (detente's sources link to web pages)",
            short(url)
        ));
        None
    }
}

/// Whether a URL is an absolute http(s) address detente accepts as a source.
pub fn is_http(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && !url.chars().any(char::is_whitespace)
        && crate::markdown::url_is_safe(url, false)
}

/// At most 60 characters of a text, for messages.
pub fn short(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 60 {
        format!("{}…", one_line.chars().take(59).collect::<String>())
    } else {
        one_line
    }
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// A date written in a cell: `2023-06-18` (a time after it is ignored),
/// `2023/06/18`, `18 June 2023`, `June 18, 2023`, or `18/06/2023` and
/// `06/18/2023` when the order is plain or given by `order`.
pub fn parse_date(cell: &str, order: Option<DateOrder>) -> std::result::Result<NaiveDate, String> {
    let text = cell.trim();
    let not_a_date = || format!("`{}` is not a date", short(text));
    let ymd = |y: i64, m: i64, d: i64| -> std::result::Result<NaiveDate, String> {
        if !(1..=9999).contains(&y) {
            return Err(format!("`{}`: years run from 0001 to 9999", short(text)));
        }
        let (m, d) = (u32::try_from(m).unwrap_or(0), u32::try_from(d).unwrap_or(0));
        NaiveDate::from_ymd_opt(y as i32, m, d)
            .ok_or_else(|| format!("`{}` is not a real date", short(text)))
    };
    // Numbers and words, in order.
    let parts: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '/' | '.' | ','))
        .filter(|p| !p.is_empty())
        .collect();
    // ISO first, with anything after the date (a time) ignored.
    if let Some(head) = text.get(..10)
        && head.len() == 10
        && head.as_bytes()[4] == b'-'
        && head.as_bytes()[7] == b'-'
        && text[10..]
            .chars()
            .next()
            .is_none_or(|c| c == 'T' || c == ' ')
    {
        let n = |s: &str| s.parse::<i64>().map_err(|_| not_a_date());
        return ymd(n(&head[..4])?, n(&head[5..7])?, n(&head[8..10])?);
    }
    let month = |word: &str| {
        let w = word.to_ascii_lowercase();
        (w.len() >= 3)
            .then(|| MONTHS.iter().position(|m| w.starts_with(m)))
            .flatten()
            .map(|i| i as i64 + 1)
    };
    let num = |s: &str| s.parse::<i64>().ok();
    // Leave out a weekday ("Sunday, 18 June 2023").
    let parts: Vec<&str> = match parts.first() {
        Some(first) if parts.len() == 4 && num(first).is_none() && month(first).is_none() => {
            parts[1..].to_vec()
        }
        _ => parts,
    };
    let [a, b, c] = parts.as_slice() else {
        return Err(not_a_date());
    };
    match (num(a), num(b), num(c)) {
        (Some(y), Some(m), Some(d)) if a.len() == 4 => ymd(y, m, d),
        (Some(x), Some(y), Some(year)) if c.len() == 4 => {
            let (d, m) = match order {
                Some(DateOrder::Dmy) => (x, y),
                Some(DateOrder::Mdy) => (y, x),
                None if x > 12 || x == y => (x, y),
                None if y > 12 => (y, x),
                None => {
                    return Err(format!("`{}` could be day/month or month/day", short(text)));
                }
            };
            ymd(year, m, d)
        }
        (Some(d), None, Some(y)) if c.len() == 4 => match month(b) {
            Some(m) => ymd(y, m, d),
            None => Err(not_a_date()),
        },
        (None, Some(d), Some(y)) if c.len() == 4 => match month(a) {
            Some(m) => ymd(y, m, d),
            None => Err(not_a_date()),
        },
        _ => Err(not_a_date()),
    }
}

/// The help line for a date problem.
pub const DATE_HELP: &str =
    "write dates as YYYY-MM-DD (or pass --date-order dmy|mdy for 18/06/2023-style dates)";

/// Reads a CSV of exchanges with a header, mapped by `--map` and by name.
pub fn parse(text: &str, opts: &Options) -> Result<Parsed> {
    let table = read_table(text, &opts.file)?;
    let maps = parse_maps(&opts.map)?;
    let mapping = map_columns(&table.headers, &[], &[], &maps)?;
    let mut parsed = Parsed {
        mapping: mapping.report.clone(),
        ..Parsed::default()
    };
    for missing in [Field::Date, Field::Title] {
        if mapping.col(missing).is_none() {
            let names: Vec<&str> = table.headers.iter().map(String::as_str).collect();
            return Err(Error::usage(
                format!(
                    "no column of {} gives the {} (columns: {})",
                    opts.file.display(),
                    missing.name(),
                    names.join(", ")
                ),
                format!("name the column with --map {}=COLUMN", missing.name()),
            ));
        }
    }
    for (line, row) in &table.rows {
        let cells = Cells {
            row,
            mapping: &mapping,
        };
        let id = RowId::Line(*line);
        if cells.is_blank() {
            parsed.ignored.push(format!("{id}: a blank row"));
            continue;
        }
        let mut problems = Vec::new();
        let mut notes = Vec::new();
        let title = cells.get(Field::Title).map(str::to_string);
        if title.is_none() {
            problems.push("no title".to_string());
        }
        let date = match cells
            .get(Field::Date)
            .map(|d| parse_date(d, opts.date_order))
        {
            Some(Ok(d)) => Some(d),
            Some(Err(e)) => {
                problems.push(e);
                None
            }
            None => {
                problems.push("no date".to_string());
                None
            }
        };
        let end_date = match cells
            .get(Field::EndDate)
            .map(|d| parse_date(d, opts.date_order))
        {
            Some(Ok(d)) => Some(d),
            Some(Err(e)) => {
                problems.push(format!("end date: {e}"));
                None
            }
            None => None,
        };
        let officials = people(&cells, &mut problems);
        let sources: Vec<SourceLink> = source(
            cells.get(Field::SourceUrl),
            cells.get(Field::SourceTitle),
            &mut notes,
        )
        .into_iter()
        .collect();
        parsed
            .notes
            .extend(notes.into_iter().map(|n| Problem::new(id, n)));
        match (title, date) {
            (Some(title), Some(date)) if problems.is_empty() => parsed.records.push(Record {
                row: id,
                slug: cells.get(Field::Slug).map(str::to_string),
                title,
                date,
                end_date: end_date.filter(|&e| e != date),
                format: cells.get(Field::Format).map(str::to_string),
                group: None,
                location: cells.get(Field::Location).map(str::to_string),
                summary: cells.get(Field::Summary).map(str::to_string),
                body: cells.get(Field::Body).unwrap_or_default().to_string(),
                officials,
                issues: topics(&cells),
                sources,
                translations: Vec::new(),
            }),
            _ => parsed.problems.extend(problems.into_iter().map(|p| {
                let help = if p.contains("date") || p.contains("day/month") {
                    DATE_HELP
                } else if p == "no title" {
                    "every exchange needs a title: fill in the row's title cell"
                } else {
                    "fix the row, or pass --keep-going to import the other rows"
                };
                Problem::new(id, p).help(help)
            })),
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn dates_in_common_forms() {
        for text in [
            "2023-06-18",
            "2023-06-18T09:00:00Z",
            "2023-06-18 09:00",
            "2023/06/18",
            "18 June 2023",
            "18 Jun 2023",
            "June 18, 2023",
            "Sunday, June 18, 2023",
            "18/06/2023",
            "06/18/2023",
            "18.06.2023",
        ] {
            assert_eq!(parse_date(text, None), Ok(d("2023-06-18")), "{text}");
        }
        assert_eq!(
            parse_date("03/04/2023", Some(DateOrder::Dmy)),
            Ok(d("2023-04-03"))
        );
        assert_eq!(
            parse_date("03/04/2023", Some(DateOrder::Mdy)),
            Ok(d("2023-03-04"))
        );
        assert!(parse_date("03/04/2023", None).is_err_and(|e| e.contains("day/month")));
        assert!(parse_date("2023-02-30", None).is_err_and(|e| e.contains("not a real date")));
        assert!(parse_date("soon", None).is_err());
        assert!(parse_date("0000-01-01", None).is_err());
        assert!(parse_date("2023", None).is_err());
    }

    #[test]
    fn list_cells() {
        assert_eq!(split_list(Some("a; b ;c"), false), ["a", "b", "c"]);
        assert_eq!(split_list(Some("a, b"), false), ["a", "b"]);
        assert_eq!(
            split_list(Some("Director, Office"), true),
            ["Director, Office"]
        );
        assert_eq!(split_list(Some(r#"["x; y", "z"]"#), false), ["x; y", "z"]);
        assert!(split_list(None, false).is_empty());
    }

    #[test]
    fn columns_map_by_loose_name_and_by_option() {
        let headers: Vec<String> = [
            "When", "Event", "Who", "Topics", "Kind", "City", "Link", "Notes", "Extra",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let m = map_columns(
            &headers,
            &[],
            &[],
            &[
                (Field::Body, "extra".into()),
                (Field::SourceUrl, String::new()),
            ],
        )
        .expect("maps");
        assert_eq!(m.col(Field::Date), Some(0));
        assert_eq!(m.col(Field::Title), Some(1));
        assert_eq!(m.col(Field::Officials), Some(2));
        assert_eq!(m.col(Field::Issues), Some(3));
        assert_eq!(m.col(Field::Format), Some(4));
        assert_eq!(m.col(Field::Location), Some(5));
        assert_eq!(
            m.col(Field::SourceUrl),
            None,
            "--map source_url= reads none"
        );
        assert!(
            m.report.iter().any(|l| l == "\"Link\" → not imported"),
            "{:?}",
            m.report
        );
        assert_eq!(m.col(Field::Body), Some(8), "--map wins over the name");
        assert!(
            m.report.iter().any(|l| l == "\"Notes\" → not imported"),
            "{:?}",
            m.report
        );
        let e = map_columns(&headers, &[], &[], &[(Field::Body, "Nope".into())]);
        assert!(e.is_err());
        assert!(parse_maps(&["dat=When".into()]).is_err());
        assert!(parse_maps(&["When".into()]).is_err());
        assert_eq!(
            parse_maps(&["end-date=Until".into()]).expect("ok"),
            [(Field::EndDate, "Until".to_string())]
        );
    }
}
