//! The timeline as open data, beside the HTML: `exchanges.json`,
//! `timeline.json` (TimelineJS3), `exchanges.csv` (RFC 4180) and
//! `calendar.ics` (RFC 5545).
//!
//! Owns the table of data files ([`FILES`], which the footer lists) and
//! each format's shape and escaping rules. Every file is built from the
//! model alone, in a stable order, with no build time in it, so it only
//! changes when the content does. Returns bytes; writes nothing.

use std::io::{self, Write};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use tera::Value;

use crate::model::{Exchange, Site};
use crate::render::deps::Reads;
use crate::render::routes::{Page, PageKind};
use crate::render::values::{display_range, map, role_title, s};
use crate::urls::Urls;

/// One data file: where it lives, how the footer names it, its media type.
#[derive(Debug, Clone, Copy)]
pub struct DataFile {
    pub path: &'static str,
    pub label: &'static str,
    pub media_type: &'static str,
    pub title: &'static str,
    /// What the file reads of each exchange besides its card.
    pub reads: Reads,
    write: fn(&Site, &Urls, &mut dyn Write) -> io::Result<()>,
}

impl DataFile {
    /// The file's bytes.
    pub fn make(&self, site: &Site, urls: &Urls) -> Vec<u8> {
        let mut out = Vec::new();
        // Writing into memory cannot fail.
        let _ = self.write(site, urls, &mut out);
        out
    }

    /// Writes the file to `out` as it is made, exchange by exchange: a
    /// build streams these large files instead of holding them whole.
    pub fn write(&self, site: &Site, urls: &Urls, out: &mut dyn Write) -> io::Result<()> {
        (self.write)(site, urls, out)
    }
}

/// Every data file, in the order the footer lists them.
pub const FILES: &[DataFile] = &[
    DataFile {
        path: "exchanges.json",
        label: "JSON",
        media_type: "application/json",
        title: "Every exchange as JSON",
        reads: Reads {
            body: false,
            sources: true,
            media: true,
        },
        write: exchanges_json,
    },
    DataFile {
        path: "timeline.json",
        label: "TimelineJS",
        media_type: "application/json",
        title: "The timeline in the TimelineJS3 format",
        reads: Reads {
            body: false,
            sources: false,
            media: false,
        },
        write: timeline_json,
    },
    DataFile {
        path: "exchanges.csv",
        label: "CSV",
        media_type: "text/csv",
        title: "One row per exchange (RFC 4180)",
        reads: Reads {
            body: false,
            sources: false,
            media: false,
        },
        write: exchanges_csv,
    },
    DataFile {
        path: "calendar.ics",
        label: "iCalendar",
        media_type: "text/calendar",
        title: "Every exchange as a calendar event (RFC 5545)",
        reads: Reads {
            body: false,
            sources: false,
            media: false,
        },
        write: calendar_ics,
    },
];

/// The `data_files` template value: `[{url, label, type, title}]`, URLs
/// relative to the site root.
pub fn value() -> Value {
    value_under("")
}

/// [`value`] with `prefix` before each URL (`../` from a language's pages).
pub fn value_under(prefix: &str) -> Value {
    Value::from(
        FILES
            .iter()
            .map(|f| {
                map([
                    ("url", s(&format!("{prefix}{}", f.path))),
                    // The key of its title in the interface strings.
                    ("key", s(&f.path.replace('.', "_"))),
                    ("label", s(f.label)),
                    ("type", s(f.media_type)),
                    ("title", s(f.title)),
                ])
            })
            .collect::<Vec<_>>(),
    )
}

fn exchange_url(site: &Site, urls: &Urls, i: usize) -> String {
    urls.absolute(&Page::new(PageKind::Exchange, i).path(site))
}

/// An official as they took part in one exchange.
struct Taking<'a> {
    slug: &'a str,
    name: &'a str,
    country: &'a str,
    role: String,
    index: usize,
}

fn taking_part<'a>(site: &'a Site, e: &Exchange) -> Vec<Taking<'a>> {
    e.officials()
        .map(|o| {
            let off = &site.officials[o];
            Taking {
                slug: &off.slug,
                name: &off.name,
                country: &off.country,
                role: role_title(site, e, o),
                index: o,
            }
        })
        .collect()
}

// ---- exchanges.json ----

#[derive(Serialize)]
struct JsonSite<'a> {
    title: &'a str,
    description: &'a str,
    url: String,
    count: usize,
    exchanges: PerExchange<'a, JsonExchange<'a>>,
}

/// One item per exchange, each made as it is written out rather than all
/// held at once (these files are the largest a build writes): newest
/// first, or oldest first.
struct PerExchange<'a, T> {
    site: &'a Site,
    urls: &'a Urls,
    oldest_first: bool,
    item: fn(&'a Site, &'a Urls, usize) -> T,
}

impl<T: Serialize> Serialize for PerExchange<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (site, urls, item) = (self.site, self.urls, self.item);
        let newest_first = 0..site.exchanges.len();
        if self.oldest_first {
            serializer.collect_seq(newest_first.rev().map(|i| item(site, urls, i)))
        } else {
            serializer.collect_seq(newest_first.map(|i| item(site, urls, i)))
        }
    }
}

#[derive(Serialize)]
struct JsonExchange<'a> {
    slug: &'a str,
    title: &'a str,
    date: String,
    end_date: Option<String>,
    format: &'a str,
    location: Option<&'a str>,
    /// The structured place, when the location was written as one.
    #[serde(skip_serializing_if = "Option::is_none")]
    place: Option<JsonPlace<'a>>,
    /// The hosting country's key.
    #[serde(skip_serializing_if = "Option::is_none")]
    host: Option<&'a str>,
    summary: &'a str,
    url: String,
    /// The exchange in the site's other languages: title, summary and
    /// location there (only those translated).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    translations: std::collections::BTreeMap<&'a str, &'a crate::model::TranslatedText>,
    officials: Vec<JsonOfficial<'a>>,
    issues: Vec<JsonRef<'a>>,
    sources: Vec<JsonSource<'a>>,
    /// Images and documents, as listed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    media: Vec<crate::media::values::Json<'a>>,
}

#[derive(Serialize)]
struct JsonPlace<'a> {
    country: &'a str,
    country_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    iso: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    city: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    venue: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lat: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lon: Option<f64>,
}

fn json_place<'a>(site: &'a Site, e: &'a crate::model::Exchange) -> Option<JsonPlace<'a>> {
    let place = e.place.as_ref()?;
    let country = site.config.country(&place.country.as_ref()?.key)?;
    Some(JsonPlace {
        country: &country.key,
        country_name: &country.name,
        iso: country.iso.as_deref(),
        city: place.city.as_deref(),
        venue: place.venue.as_deref(),
        lat: place.coords.map(|c| c.1),
        lon: place.coords.map(|c| c.0),
    })
}

#[derive(Serialize)]
struct JsonOfficial<'a> {
    slug: &'a str,
    name: &'a str,
    country: &'a str,
    country_name: &'a str,
    /// The role held on the exchange's date, if known.
    role: Option<String>,
    url: String,
}

#[derive(Serialize)]
struct JsonRef<'a> {
    slug: &'a str,
    name: &'a str,
    url: String,
}

#[derive(Serialize)]
struct JsonSource<'a> {
    title: &'a str,
    url: &'a str,
}

fn json_exchange<'a>(site: &'a Site, urls: &Urls, i: usize) -> JsonExchange<'a> {
    let e = &site.exchanges[i];
    JsonExchange {
        slug: &e.slug,
        title: &e.title,
        date: e.date.to_string(),
        end_date: e.end_date.map(|d| d.to_string()),
        format: &e.format,
        location: e.location.as_deref(),
        place: json_place(site, e),
        host: e.host.as_ref().map(|h| h.key.as_str()),
        summary: &e.summary,
        url: exchange_url(site, urls, i),
        translations: site
            .translated
            .iter()
            .filter_map(|(tag, texts)| Some((tag.as_str(), texts.get(i)?.as_ref()?)))
            .collect(),
        officials: taking_part(site, e)
            .into_iter()
            .map(|t| JsonOfficial {
                slug: t.slug,
                name: t.name,
                country: t.country,
                country_name: site
                    .config
                    .country(t.country)
                    .map_or(t.country, |c| c.name.as_str()),
                role: (!t.role.is_empty()).then_some(t.role),
                url: urls.absolute(&Page::new(PageKind::Official, t.index).path(site)),
            })
            .collect(),
        issues: e
            .issue_ids()
            .map(|x| JsonRef {
                slug: &site.issues[x].slug,
                name: &site.issues[x].name,
                url: urls.absolute(&Page::new(PageKind::Issue, x).path(site)),
            })
            .collect(),
        sources: e
            .sources
            .iter()
            .map(|(src, _)| JsonSource {
                title: &src.title,
                url: &src.url,
            })
            .collect(),
        media: crate::media::values::json(&e.media, urls),
    }
}

fn exchanges_json(site: &Site, urls: &Urls, out: &mut dyn Write) -> io::Result<()> {
    let doc = JsonSite {
        title: &site.config.title,
        description: &site.config.description,
        url: urls.absolute(""),
        count: site.exchanges.len(),
        exchanges: PerExchange {
            site,
            urls,
            oldest_first: false,
            item: json_exchange,
        },
    };
    write_json(out, &doc)
}

/// Pretty JSON, [script-safe](crate::script_safe): the same data once
/// parsed, but no string can close a `<script>` that inlines the file.
/// Streamed through a buffer to `out`.
fn write_json(out: &mut dyn Write, doc: &impl Serialize) -> io::Result<()> {
    // serde_json writes token by token: those small writes are gathered
    // first, then escaped a buffer at a time, then gathered for the file.
    let safe = crate::script_safe::Writer::new(io::BufWriter::with_capacity(64 * 1024, out));
    let mut tokens = io::BufWriter::with_capacity(64 * 1024, safe);
    serde_json::to_writer_pretty(&mut tokens, doc)?;
    tokens.write_all(b"\n")?;
    tokens.flush()
}

// ---- timeline.json (TimelineJS3) ----

#[derive(Serialize)]
struct Timeline<'a> {
    title: Slide,
    /// Oldest first, the order a timeline reads in.
    events: PerExchange<'a, Slide>,
    scale: &'static str,
}

#[derive(Serialize)]
struct Slide {
    #[serde(skip_serializing_if = "Option::is_none")]
    start_date: Option<TlDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_date: Option<TlDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_date: Option<String>,
    text: TlText,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unique_id: Option<String>,
    /// The first image.
    #[serde(skip_serializing_if = "Option::is_none")]
    media: Option<TlMedia>,
}

/// A slide's media in TimelineJS: its first image.
#[derive(Serialize)]
struct TlMedia {
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    caption: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    thumbnail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    link: Option<String>,
}

#[derive(Serialize)]
struct TlDate {
    year: i32,
    month: u32,
    day: u32,
}

#[derive(Serialize)]
struct TlText {
    headline: String,
    text: String,
}

impl From<NaiveDate> for TlDate {
    fn from(d: NaiveDate) -> TlDate {
        TlDate {
            year: d.year(),
            month: d.month(),
            day: d.day(),
        }
    }
}

/// Text for TimelineJS, which shows headlines and texts as HTML.
fn html(text: &str) -> String {
    escape_with(text, |c| match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        '\'' => Some("&#39;"),
        _ => None,
    })
}

/// `text` with each character `f` maps replaced, runs of others copied whole.
fn escape_with(text: &str, f: impl Fn(char) -> Option<&'static str>) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some((i, c, with)) = rest
        .char_indices()
        .find_map(|(i, c)| f(c).map(|w| (i, c, w)))
    {
        out.push_str(&rest[..i]);
        out.push_str(with);
        rest = &rest[i + c.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// Exchange `i` as a TimelineJS slide.
fn slide(site: &Site, urls: &Urls, i: usize) -> Slide {
    let e = &site.exchanges[i];
    let mut text = String::new();
    if !e.summary.is_empty() {
        text.push_str(&format!("<p>{}</p>", html(&e.summary)));
    }
    // Officials (titled with their country) and issues link to their
    // pages, which is also how `detente import timelinejs-json` finds
    // them again.
    let people: Vec<String> = taking_part(site, e)
        .iter()
        .map(|t| {
            let url = urls.absolute(&Page::new(PageKind::Official, t.index).path(site));
            let country = site
                .config
                .country(t.country)
                .map_or(t.country, |c| c.name.as_str());
            let link = format!(
                "<a href=\"{}\" title=\"{}\">{}</a>",
                html(&url),
                html(country),
                html(t.name)
            );
            if t.role.is_empty() {
                link
            } else {
                format!("{link} ({})", html(&t.role))
            }
        })
        .collect();
    if !people.is_empty() {
        text.push_str(&format!("<p>{}</p>", people.join(", ")));
    }
    if let Some(location) = &e.location {
        text.push_str(&format!("<p class=\"tl-location\">{}</p>", html(location)));
    }
    let issues: Vec<String> = e
        .issue_ids()
        .map(|x| {
            let url = urls.absolute(&Page::new(PageKind::Issue, x).path(site));
            format!(
                "<a href=\"{}\">{}</a>",
                html(&url),
                html(&site.issues[x].name)
            )
        })
        .collect();
    if !issues.is_empty() {
        text.push_str(&format!("<p>Issues: {}</p>", issues.join(", ")));
    }
    text.push_str(&format!(
        "<p><a href=\"{}\">Read more</a></p>",
        html(&exchange_url(site, urls, i))
    ));
    Slide {
        start_date: Some(e.date.into()),
        end_date: e.end_date.filter(|&d| d > e.date).map(TlDate::from),
        display_date: Some(display_range(e.date, e.end_date)),
        text: TlText {
            headline: html(&e.title),
            text,
        },
        group: Some(e.format.clone()),
        unique_id: Some(e.slug.clone()),
        media: crate::media::values::first_image(&e.media).map(|(m, r)| {
            let f = &m.front;
            TlMedia {
                url: urls.absolute(&r.fallback.path),
                caption: f.caption.as_deref().map(html),
                credit: f.credit.as_deref().map(html),
                alt: f.alt.clone(),
                thumbnail: m
                    .done
                    .as_ref()
                    .and_then(|p| p.thumb.as_ref())
                    .map(|s| urls.absolute(&s.fallback.path)),
                link: f.link.clone(),
            }
        }),
    }
}

fn timeline_json(site: &Site, urls: &Urls, out: &mut dyn Write) -> io::Result<()> {
    let doc = Timeline {
        title: Slide {
            start_date: None,
            end_date: None,
            display_date: None,
            text: TlText {
                headline: html(&site.config.title),
                text: html(&site.config.description),
            },
            group: None,
            unique_id: None,
            media: None,
        },
        events: PerExchange {
            site,
            urls,
            oldest_first: true,
            item: slide,
        },
        scale: "human",
    };
    write_json(out, &doc)
}

// ---- exchanges.csv (RFC 4180) ----

/// The CSV header. The multi-valued columns (`officials`,
/// `official_names`, `roles`, `countries`, `issues`, `issue_names`) hold
/// a JSON array of strings: unambiguous whatever a name holds (`; `,
/// commas, quotes), one line per row, and read by one call in any language.
pub const CSV_COLUMNS: &[&str] = &[
    "slug",
    "date",
    "end_date",
    "title",
    "format",
    "location",
    "officials",
    "official_names",
    "roles",
    "countries",
    "issues",
    "issue_names",
    "summary",
    "url",
    "place_country",
    "place_city",
    "host",
];

/// One CSV field, quoted when it holds a comma, quote or line break.
/// A field a spreadsheet would take for a formula (starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, as
/// OWASP advises against CSV injection: the file opens as text, not code.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.into_owned()
    }
}

fn csv_row(out: &mut String, fields: &[String]) {
    let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    out.push_str(&row.join(","));
    out.push_str("\r\n");
}

/// A CSV cell holding several values: a JSON array of strings.
fn csv_list<'a>(values: impl Iterator<Item = &'a str>) -> String {
    serde_json::to_string(&values.collect::<Vec<&str>>()).unwrap_or_else(|_| "[]".to_string())
}

fn exchanges_csv(site: &Site, urls: &Urls, file: &mut dyn Write) -> io::Result<()> {
    let mut file = io::BufWriter::with_capacity(64 * 1024, file);
    let mut out = String::new();
    if site.config.csv.bom {
        out.push('\u{feff}');
    }
    csv_row(
        &mut out,
        &CSV_COLUMNS
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>(),
    );
    for (i, e) in site.exchanges.iter().enumerate() {
        let people = taking_part(site, e);
        let issues: Vec<usize> = e.issue_ids().collect();
        csv_row(
            &mut out,
            &[
                e.slug.clone(),
                e.date.to_string(),
                e.end_date.map(|d| d.to_string()).unwrap_or_default(),
                e.title.clone(),
                e.format.clone(),
                e.location.clone().unwrap_or_default(),
                csv_list(people.iter().map(|t| t.slug)),
                csv_list(people.iter().map(|t| t.name)),
                csv_list(people.iter().map(|t| t.role.as_str())),
                csv_list(people.iter().map(|t| t.country)),
                csv_list(issues.iter().map(|&x| site.issues[x].slug.as_str())),
                csv_list(issues.iter().map(|&x| site.issues[x].name.as_str())),
                e.summary.clone(),
                exchange_url(site, urls, i),
                e.place
                    .as_ref()
                    .and_then(|p| p.country.as_ref())
                    .map_or_else(String::new, |c| c.key.clone()),
                e.place
                    .as_ref()
                    .and_then(|p| p.city.clone())
                    .unwrap_or_default(),
                e.host.as_ref().map_or_else(String::new, |h| h.key.clone()),
            ],
        );
        file.write_all(out.as_bytes())?;
        out.clear();
    }
    file.write_all(out.as_bytes())?;
    file.flush()
}

// ---- calendar.ics (RFC 5545) ----

/// TEXT escaping of RFC 5545 §3.3.11 (control characters but tab dropped).
fn ics_text(text: &str) -> String {
    // Most text has nothing to escape: find that out byte by byte (C1
    // controls start with 0xC2).
    let plain = |b: &u8| !matches!(b, b'\\' | b';' | b',' | 0..0x20 | 0x7F | 0xC2) || *b == b'\t';
    if text.as_bytes().iter().all(plain) {
        return text.to_string();
    }
    escape_with(text, |c| match c {
        '\\' => Some("\\\\"),
        ';' => Some("\\;"),
        ',' => Some("\\,"),
        '\n' => Some("\\n"),
        c if c.is_control() && c != '\t' => Some(""),
        _ => None,
    })
}

/// A content line, folded so no line is longer than 75 octets (§3.1),
/// never inside a UTF-8 character, ended by CRLF.
fn ics_line(out: &mut String, line: &str) {
    // The first line holds 75 octets; each continuation a space and 74.
    let mut rest = line;
    let mut room = 75;
    while rest.len() > room {
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        room = 74;
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

fn ics_date(d: NaiveDate) -> String {
    if (0..=9999).contains(&d.year()) {
        format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
    } else {
        d.format("%Y%m%d").to_string()
    }
}

/// The end of an all-day event: DTEND, the day after the last one, or a
/// DURATION in days where that day would fall after the year 9999, which
/// iCalendar's DATE cannot write.
fn end_line(first: NaiveDate, last: NaiveDate) -> String {
    match last.succ_opt().filter(|d| d.year() <= 9999) {
        Some(end) => format!("DTEND;VALUE=DATE:{}", ics_date(end)),
        None => format!("DURATION:P{}D", (last - first).num_days() + 1),
    }
}

/// Where an exchange's structured place is: its own coordinates, else
/// those of its city in the place index.
fn place_coords(site: &Site, e: &crate::model::Exchange) -> Option<(f64, f64)> {
    let place = e.place.as_ref()?;
    if place.coords.is_some() {
        return place.coords;
    }
    let key = &place.country.as_ref()?.key;
    let slug = place.city_slug.as_deref()?;
    site.places
        .iter()
        .find(|c| &c.key == key)?
        .cities
        .iter()
        .find(|c| c.slug == slug)?
        .coords
}

/// What follows the `@` of every UID: the host and path of `base_url`
/// (`example.org/timeline`; the host alone for a site at the root), so
/// two sites on one host do not share UIDs; `detente.invalid` without one.
fn calendar_site_id(urls: &Urls) -> String {
    match urls.host() {
        "" => "detente.invalid".to_string(),
        host => format!("{host}{}", urls.base_path().trim_end_matches('/')),
    }
}

/// An event's SEQUENCE: a hash of everything else it says (FNV-1a 64 of
/// its lines, kept within the non-negative 32-bit integers RFC 5545
/// allows). Any edit to what the event shows changes it, so subscribed
/// calendars take the new version, and the same content gives the same
/// number in every build.
fn sequence(lines: &[String]) -> u64 {
    let mut bytes = Vec::with_capacity(lines.iter().map(|l| l.len() + 2).sum());
    for line in lines {
        bytes.extend_from_slice(line.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    crate::assets::fnv1a64(&bytes) % (1 << 31)
}

fn calendar_ics(site: &Site, urls: &Urls, file: &mut dyn Write) -> io::Result<()> {
    let mut file = io::BufWriter::with_capacity(64 * 1024, file);
    let site_id = calendar_site_id(urls);
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//detente//detente static site generator//EN".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        format!("X-WR-CALNAME:{}", ics_text(&site.config.title)),
        format!("X-WR-CALDESC:{}", ics_text(&site.config.description)),
    ] {
        ics_line(&mut out, &line);
    }
    for (i, e) in site.exchanges.iter().enumerate() {
        let url = exchange_url(site, urls, i);
        let last = crate::feeds::last_day(e);
        let people: Vec<String> = taking_part(site, e)
            .iter()
            .map(|t| {
                if t.role.is_empty() {
                    t.name.to_string()
                } else {
                    format!("{} ({})", t.name, t.role)
                }
            })
            .collect();
        let mut description = e.summary.clone();
        if !people.is_empty() {
            description.push_str(&format!("\n\nOfficials: {}", people.join(", ")));
        }
        description.push_str(&format!("\n\n{url}"));
        let mut lines = vec![
            format!("UID:{}", ics_text(&format!("{}@{site_id}", e.slug))),
            format!("DTSTART;VALUE=DATE:{}", ics_date(e.date)),
            end_line(e.date, last),
            format!("SUMMARY:{}", ics_text(&e.title)),
            format!("DESCRIPTION:{}", ics_text(&description)),
        ];
        if let Some(loc) = &e.location {
            lines.push(format!("LOCATION:{}", ics_text(loc)));
        }
        // RFC 5545 GEO: latitude;longitude, of the place or its city.
        if let Some((lon, lat)) = place_coords(site, e) {
            lines.push(format!("GEO:{lat:.4};{lon:.4}"));
        }
        let categories: Vec<String> = e
            .issue_ids()
            .map(|x| ics_text(&site.issues[x].name))
            .collect();
        if !categories.is_empty() {
            lines.push(format!("CATEGORIES:{}", categories.join(",")));
        }
        lines.push(format!("URL:{url}"));
        lines.push("TRANSP:TRANSPARENT".to_string());
        ics_line(&mut out, "BEGIN:VEVENT");
        ics_line(&mut out, &lines[0]);
        // The content's own date, not the build's: the file stays stable.
        ics_line(&mut out, &format!("DTSTAMP:{}T000000Z", ics_date(e.date)));
        ics_line(&mut out, &format!("SEQUENCE:{}", sequence(&lines)));
        for line in &lines[1..] {
            ics_line(&mut out, line);
        }
        ics_line(&mut out, "END:VEVENT");
        file.write_all(out.as_bytes())?;
        out.clear();
    }
    ics_line(&mut out, "END:VCALENDAR");
    file.write_all(out.as_bytes())?;
    file.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_cannot_close_a_script() {
        let mut bytes = Vec::new();
        let doc = serde_json::json!({"t": "</script><b>&", "u": "plain"});
        write_json(&mut bytes, &doc).expect("written");
        let text = String::from_utf8(bytes).expect("utf-8");
        assert!(!text.contains('<') && !text.contains('&'), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(back["t"], "</script><b>&");
        assert_eq!(back["u"], "plain");
        assert!(
            text.contains(r"\u003c/script\u003e\u003cb\u003e\u0026"),
            "{text}"
        );
    }

    #[test]
    fn csv_quotes_only_what_needs_it() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        // Formula injection: neutralised with a leading apostrophe.
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("+1"), "'+1");
        assert_eq!(csv_field("-2 + 3"), "'-2 + 3");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("a-b"), "a-b");
    }

    #[test]
    fn csv_lists_are_json_arrays() {
        let roles = csv_list(["Vice Premier; Special Envoy", "", "a \"b\", c"].into_iter());
        assert_eq!(roles, r#"["Vice Premier; Special Envoy","","a \"b\", c"]"#);
        assert_eq!(csv_list(std::iter::empty()), "[]");
        // Quoted as a CSV field, and read back whole.
        assert_eq!(
            csv_field(&roles),
            r#""[""Vice Premier; Special Envoy"","""",""a \""b\"", c""]""#
        );
    }

    #[test]
    fn ics_text_escapes_separators() {
        assert_eq!(ics_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        // Tabs stay; other controls (C0, DEL, C1) go; other text is kept.
        assert_eq!(ics_text("a\tb\u{1}c\u{7f}d\u{85}e"), "a\tbcde");
        assert_eq!(ics_text("Zhōu Ēnlái – 周恩来"), "Zhōu Ēnlái – 周恩来");
    }

    #[test]
    fn ics_lines_fold_at_75_octets_on_character_boundaries() {
        for long in [
            format!("SUMMARY:{}", "é".repeat(100)),
            format!("SUMMARY:{}", "a".repeat(300)),
            format!("D:{}", "周x".repeat(90)),
        ] {
            let mut out = String::new();
            ics_line(&mut out, &long);
            for line in out.split("\r\n").filter(|l| !l.is_empty()) {
                assert!(line.len() <= 75, "{} octets: {line}", line.len());
            }
            // Every line but the last is full, short only of a character.
            let lines: Vec<&str> = out.split("\r\n").filter(|l| !l.is_empty()).collect();
            for line in &lines[..lines.len() - 1] {
                assert!(line.len() > 75 - 4, "{} octets: {line}", line.len());
            }
            let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
            assert_eq!(unfolded, long);
        }
        let mut short = String::new();
        ics_line(&mut short, "VERSION:2.0");
        assert_eq!(short, "VERSION:2.0\r\n");
    }
}
