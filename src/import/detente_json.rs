//! `detente import detente-json`: a site's own published `exchanges.json`,
//! so a site can be rebuilt from its data.
//!
//! Owns the reading of its exchanges (`slug`, `title`, `date`,
//! `end_date`, `format`, `location`, `summary`, `officials` with `slug`,
//! `name`, `country` and `role`, `issues` with `slug` and `name`,
//! `sources`). Slugs are kept, so the rebuilt pages have the same
//! addresses; new officials get their name and country, and roles from
//! the roles the file gives them (see `plan::derive_roles`). The bodies
//! are not in the file: imported exchanges have none.

use serde::Deserialize;
use serde_json::Value;

use super::csv::{self as table};
use super::{Options, Parsed, Person, Problem, Record, RowId, Topic};
use crate::error::{Diagnostic, Error, Result};

#[derive(Debug, Deserialize)]
struct JsonExchange {
    slug: Option<String>,
    title: Option<String>,
    date: Option<String>,
    end_date: Option<String>,
    format: Option<String>,
    location: Option<String>,
    summary: Option<String>,
    #[serde(default)]
    officials: Vec<JsonOfficial>,
    #[serde(default)]
    issues: Vec<JsonIssue>,
    #[serde(default)]
    sources: Vec<JsonSource>,
    /// Its text in the site's other languages, by tag.
    #[serde(default)]
    translations: std::collections::BTreeMap<String, JsonTranslation>,
}

#[derive(Debug, Deserialize)]
struct JsonTranslation {
    title: Option<String>,
    summary: Option<String>,
    location: Option<String>,
}

#[derive(Debug, Deserialize)]
struct JsonOfficial {
    slug: Option<String>,
    name: Option<String>,
    country: Option<String>,
    role: Option<String>,
}

#[derive(Debug, Deserialize)]
struct JsonIssue {
    slug: Option<String>,
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct JsonSource {
    title: Option<String>,
    url: Option<String>,
}

/// Reads a detente `exchanges.json`.
pub fn parse(text: &str, opts: &Options) -> Result<Parsed> {
    let doc: Value = serde_json::from_str(text)
        .map_err(|e| super::timelinejs_json::json_error(&opts.file, &e))?;
    let Some(exchanges) = doc.get("exchanges").and_then(Value::as_array) else {
        return Err(Error::one(
            Diagnostic::error(
                &opts.file,
                "this is not a detente exchanges.json: it has no `exchanges` list",
            )
            .help("import the exchanges.json a detente build writes (for timeline.json, use timelinejs-json)"),
        ));
    };
    let mut parsed = Parsed {
        mapping: [
            "slug, title, date, end_date, format, location, summary, sources → the same fields",
            "officials → officials (matched by slug, then by name; new ones with their name, country and roles)",
            "issues → issues (matched by slug, then by name)",
            "translations → a translation beside each exchange (`<slug>.<lang>.md`: title, summary, location), for the languages content/site.toml lists",
            "url, officials' and issues' url, country_name → not imported (the new site makes its own)",
        ]
        .into_iter()
        .map(str::to_string)
        .collect(),
        title: doc
            .get("title")
            .and_then(Value::as_str)
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty()),
        ..Parsed::default()
    };
    for (i, value) in exchanges.iter().enumerate() {
        let id = RowId::Item("exchanges", i);
        match serde_json::from_value::<JsonExchange>(value.clone()) {
            Ok(e) => match record(id, e) {
                Ok((r, notes)) => {
                    parsed
                        .notes
                        .extend(notes.into_iter().map(|n| Problem::new(id, n)));
                    parsed.records.push(r);
                }
                Err(p) => parsed.problems.extend(p),
            },
            Err(e) => parsed.problems.push(
                Problem::new(id, format!("not an exchange: {e}"))
                    .help("fix the entry, or pass --keep-going to import the others"),
            ),
        }
    }
    Ok(parsed)
}

type RowResult = std::result::Result<(Record, Vec<String>), Vec<Problem>>;

fn record(id: RowId, e: JsonExchange) -> RowResult {
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let help = "fix the entry, or pass --keep-going to import the others";
    let date = match e.date.as_deref().map(|d| table::parse_date(d, None)) {
        Some(Ok(d)) => Some(d),
        Some(Err(m)) => {
            problems.push(Problem::new(id, m).help(table::DATE_HELP));
            None
        }
        None => {
            problems.push(Problem::new(id, "no date").help(help));
            None
        }
    };
    let end_date = match e.end_date.as_deref().map(|d| table::parse_date(d, None)) {
        Some(Ok(d)) => Some(d),
        Some(Err(m)) => {
            problems.push(Problem::new(id, format!("end_date: {m}")).help(table::DATE_HELP));
            None
        }
        None => None,
    };
    let title = e
        .title
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    if title.is_none() {
        problems.push(Problem::new(id, "no title").help(help));
    }
    let officials = e
        .officials
        .into_iter()
        .filter_map(|o| {
            let text = o.name.clone().or_else(|| o.slug.clone())?;
            Some(Person {
                text,
                slug: o.slug,
                name: o.name,
                country: o.country,
                role: o.role.filter(|r| !r.trim().is_empty()),
            })
        })
        .collect();
    let issues = e
        .issues
        .into_iter()
        .filter_map(|i| {
            let text = i.name.clone().or_else(|| i.slug.clone())?;
            Some(Topic {
                text,
                slug: i.slug,
                name: i.name,
            })
        })
        .collect();
    let sources = e
        .sources
        .into_iter()
        .filter_map(|s| table::source(s.url.as_deref(), s.title.as_deref(), &mut notes))
        .collect();
    let (Some(date), Some(title), true) = (date, title, problems.is_empty()) else {
        return Err(problems);
    };
    Ok((
        Record {
            row: id,
            slug: e.slug,
            title,
            date,
            end_date,
            format: e.format,
            group: None,
            location: e.location,
            summary: e.summary,
            body: String::new(),
            officials,
            issues,
            sources,
            translations: e
                .translations
                .into_iter()
                .filter_map(|(tag, t)| {
                    let title = t
                        .title
                        .map(|t| t.trim().to_string())
                        .filter(|t| !t.is_empty())?;
                    let tag = tag.trim().to_string();
                    crate::config::is_language_tag(&tag).then_some(())?;
                    Some((
                        tag,
                        crate::model::TranslatedText {
                            title,
                            summary: t.summary.unwrap_or_default().trim().to_string(),
                            location: t
                                .location
                                .map(|l| l.trim().to_string())
                                .filter(|l| !l.is_empty()),
                        },
                    ))
                })
                .collect(),
        },
        notes,
    ))
}
