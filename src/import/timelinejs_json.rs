//! `detente import timelinejs-json`: a TimelineJS3 JSON file (the format
//! of detente's own `timeline.json`).
//!
//! Owns the reading of its `events`: `start_date`/`end_date` (`year`,
//! `month`, `day`, as numbers or numeric strings), `text.headline` (HTML)
//! the title, `text.text` (HTML) the summary, body, and officials and
//! issues linked to detente pages, `media` a source, `group` the format
//! when it names one, else an issue, `unique_id` the slug when it has
//! detente's form (`<date>-<words>`); and of the top-level `title` slide,
//! whose headline names the timeline. `eras` are not exchanges.

use serde_json::Value;

use super::csv::{self as table};
use super::html;
use super::{Options, Parsed, Person, Problem, Record, RowId, Topic};
use crate::error::{Diagnostic, Error, LineCol, Result};
use crate::validate::is_valid_slug;

/// Reads TimelineJS3 JSON.
pub fn parse(text: &str, opts: &Options) -> Result<Parsed> {
    let doc: Value = serde_json::from_str(text).map_err(|e| json_error(&opts.file, &e))?;
    let Some(events) = doc.get("events").and_then(Value::as_array) else {
        return Err(Error::one(
            Diagnostic::error(&opts.file, "this is not TimelineJS JSON: it has no `events` list")
                .help("a TimelineJS3 file is an object with an `events` list (and optionally `title` and `eras`)"),
        ));
    };
    let mut parsed = Parsed {
        mapping: [
            "start_date, end_date → date, end_date (year, month and day)",
            "text.headline → title",
            "text.text → summary (a short first paragraph) and body (HTML to Markdown); links to detente official and issue pages → officials and issues",
            "media → a source (an http(s) url, titled by its caption and credit)",
            "group → format when it names one, else an issue",
            "unique_id → the slug, when it is <date>-<words>",
            "display_date, background, autolink → not imported",
        ]
        .into_iter()
        .map(str::to_string)
        .collect(),
        ..Parsed::default()
    };
    if let Some(title) = doc
        .pointer("/title/text/headline")
        .and_then(Value::as_str)
        .map(html::to_text)
        .filter(|t| !t.is_empty())
    {
        parsed.ignored.push(format!(
            "title: the title slide (\"{}\")",
            table::short(&title)
        ));
        parsed.title = Some(title);
    }
    if let Some(eras) = doc.get("eras").and_then(Value::as_array)
        && !eras.is_empty()
    {
        parsed
            .ignored
            .push(format!("eras: {} eras, not exchanges", eras.len()));
    }
    for (i, event) in events.iter().enumerate() {
        let id = RowId::Item("events", i);
        match event_record(id, event) {
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

/// A JSON syntax error at its line and column.
pub fn json_error(file: &std::path::Path, e: &serde_json::Error) -> Error {
    Error::one(
        Diagnostic::error(file, format!("invalid JSON: {e}"))
            .at(Some(LineCol {
                line: e.line().max(1),
                column: e.column().max(1),
            }))
            .help("fix the JSON at the place shown (or export the file again)"),
    )
}

/// A string or number field as text.
fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A TimelineJS date object as a date: `Ok(None)` when absent.
fn date_of(v: Option<&Value>) -> std::result::Result<Option<chrono::NaiveDate>, String> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let part = |k: &str| text_of(v.get(k));
    let (year, month, day) = (part("year"), part("month"), part("day"));
    let Some(year) = year else {
        return Err("a date without a year".into());
    };
    let (Some(month), Some(day)) = (&month, &day) else {
        return Err(format!(
            "the date `{year}` has no {}: detente's exchanges are dated to the day",
            if month.is_none() { "month" } else { "day" }
        ));
    };
    let iso = format!("{year:0>4}-{month:0>2}-{day:0>2}");
    table::parse_date(&iso, None)
        .map(Some)
        .map_err(|_| format!("{year}/{month}/{day} is not a date"))
}

type EventResult = std::result::Result<(Record, Vec<String>), Vec<Problem>>;

fn event_record(id: RowId, event: &Value) -> EventResult {
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let help = "fix the event, or pass --keep-going to import the others";
    let date = match date_of(event.get("start_date")) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            problems.push(Problem::new(id, "no start_date").help(help));
            None
        }
        Err(e) => {
            problems.push(Problem::new(id, e).help(help));
            None
        }
    };
    let end_date = date_of(event.get("end_date")).unwrap_or_else(|e| {
        problems.push(Problem::new(id, format!("end_date: {e}")).help(help));
        None
    });
    let title = event
        .pointer("/text/headline")
        .and_then(Value::as_str)
        .map(html::to_text)
        .filter(|t| !t.is_empty());
    if title.is_none() {
        problems.push(
            Problem::new(id, "no title")
                .help("every exchange needs a title: give the event a text.headline"),
        );
    }
    let account = html::account(
        event
            .pointer("/text/text")
            .and_then(Value::as_str)
            .unwrap_or_default(),
        true,
    );
    let mut sources = Vec::new();
    if let Some(url) = text_of(event.pointer("/media/url")) {
        let part = |k: &str| {
            text_of(event.pointer(&format!("/media/{k}")))
                .map(|t| html::to_text(&t))
                .filter(|t| !t.is_empty())
        };
        let title = match (part("caption"), part("credit")) {
            (Some(c), Some(by)) => Some(format!("{c} ({by})")),
            (one, other) => one.or(other),
        };
        sources.extend(table::source(
            Some(&url),
            Some(title.as_deref().unwrap_or("Media")),
            &mut notes,
        ));
    }
    let (Some(date), Some(title), true) = (date, title, problems.is_empty()) else {
        return Err(problems);
    };
    let slug = text_of(event.get("unique_id"))
        .filter(|u| is_valid_slug(u) && u.starts_with(&format!("{date}-")));
    Ok((
        Record {
            row: id,
            slug,
            title,
            date,
            end_date,
            format: None,
            group: text_of(event.get("group"))
                .map(|g| html::to_text(&g))
                .filter(|g| !g.is_empty()),
            location: None,
            summary: account.summary,
            body: account.body,
            officials: account
                .officials
                .into_iter()
                .map(|o| Person {
                    text: o.name.clone(),
                    slug: Some(o.slug),
                    name: Some(o.name),
                    country: o.country,
                    role: o.role,
                })
                .collect(),
            issues: account
                .issues
                .into_iter()
                .map(|i| Topic {
                    text: i.name.clone(),
                    slug: Some(i.slug),
                    name: Some(i.name),
                })
                .collect(),
            sources,
            translations: Vec::new(),
        },
        notes,
    ))
}
