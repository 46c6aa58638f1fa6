//! The filter index: every exchange with what the timeline's filters match
//! on (officials, issues, format, date, title, summary), written once per
//! build for `static/timeline.js`.
//!
//! Owns the index's shape (documented in the README). It is a script that
//! assigns one global, not a JSON file, so the filters work from `file://`
//! too, where a page may not fetch files. It returns bytes; `pipeline`
//! writes them.

use serde::Serialize;

use super::values::{UrlStyle, display_range};
use crate::model::Site;

/// The index's path in the output.
pub const FILE: &str = "search-index.js";
/// The global the index script assigns.
pub const GLOBAL: &str = "detenteIndex";

#[derive(Serialize)]
struct Index<'a> {
    version: u32,
    /// `[slug, name, country key, url]`
    officials: Vec<[&'a str; 4]>,
    /// `[slug, name, url]`
    issues: Vec<[&'a str; 3]>,
    formats: &'a [String],
    /// An exchange's URL is `prefix + slug + suffix`.
    exchange_url: [&'a str; 2],
    /// `[key, name, short]`
    countries: Vec<[&'a str; 3]>,
    exchanges: Vec<Entry<'a>>,
}

/// One exchange. Officials and issues are indexes into the lists above.
#[derive(Serialize)]
struct Entry<'a> {
    slug: &'a str,
    title: &'a str,
    date: String,
    /// The dates as pages show them.
    dates: String,
    year: i32,
    format: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<&'a str>,
    /// The key of the country it was held in (a structured place).
    #[serde(skip_serializing_if = "Option::is_none")]
    held: Option<&'a str>,
    /// Its city, as `country-slug/city-slug`.
    #[serde(skip_serializing_if = "Option::is_none")]
    city: Option<String>,
    officials: Vec<usize>,
    issues: Vec<usize>,
    summary: &'a str,
}

/// The index script for `site`, with URLs in `style`, relative to the site root.
pub fn index_js(site: &Site, style: UrlStyle) -> Vec<u8> {
    let official_urls: Vec<String> = site
        .officials
        .iter()
        .map(|o| style.url(&format!("officials/{}/", o.slug)))
        .collect();
    let issue_urls: Vec<String> = site
        .issues
        .iter()
        .map(|i| style.url(&format!("issues/{}/", i.slug)))
        .collect();
    let index = Index {
        version: 1,
        officials: site
            .officials
            .iter()
            .zip(&official_urls)
            .map(|(o, u)| [o.slug.as_str(), &o.name, &o.country, u])
            .collect(),
        issues: site
            .issues
            .iter()
            .zip(&issue_urls)
            .map(|(i, u)| [i.slug.as_str(), &i.name, u])
            .collect(),
        formats: &site.config.formats,
        exchange_url: [
            "exchanges/",
            match style {
                UrlStyle::Pretty => "/",
                UrlStyle::Files => "/index.html",
            },
        ],
        countries: site
            .config
            .countries
            .iter()
            .map(|c| [c.key.as_str(), &c.name, &c.short])
            .collect(),
        exchanges: site
            .exchanges
            .iter()
            .map(|e| Entry {
                slug: &e.slug,
                title: &e.title,
                date: e.date.to_string(),
                dates: display_range(e.date, e.end_date),
                year: e.year(),
                format: &e.format,
                location: e.location.as_deref(),
                held: e
                    .place
                    .as_ref()
                    .and_then(|p| p.country.as_ref())
                    .map(|c| c.key.as_str()),
                city: e.place.as_ref().and_then(|p| {
                    let country = crate::places::country_slug(&p.country.as_ref()?.key);
                    Some(format!(
                        "{country}/{}",
                        crate::places::city_slug(p.city.as_deref()?)?
                    ))
                }),
                officials: e.officials().collect(),
                issues: e.issue_ids().collect(),
                summary: &e.summary,
            })
            .collect(),
    };
    // JSON is valid JavaScript; this file is loaded by a script element,
    // never parsed as HTML. It is still script-safe, so that no title can
    // ever close a script or open a tag, wherever the index ends up.
    let json = crate::script_safe::string(
        serde_json::to_string(&index).unwrap_or_else(|_| "null".to_string()),
    );
    format!("window.{GLOBAL} = {json};\n").into_bytes()
}
