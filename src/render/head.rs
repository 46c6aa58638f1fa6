//! What a page's `<head>` says about it beyond its body: a short title and
//! a description for social cards (Open Graph, Twitter), the Atom feeds
//! that cover it, and, on exchange pages, a JSON-LD schema.org `Event`.
//!
//! Owns those `page.*` values (see the README's template context). It only
//! describes pages: which feeds exist is `feeds`' business, absolute URLs
//! are `urls`'.

use serde::Serialize;
use tera::Value;

use super::routes::{Page, PageKind};
use super::values::{map, role_title, s};
use crate::feeds;
use crate::model::Site;
use crate::urls::Urls;

/// The extra `page.*` values of one page.
pub fn values(site: &Site, page: &Page) -> Vec<(&'static str, Value)> {
    let urls = Urls::new(&site.config);
    let feeds: Vec<Value> = feeds::for_page(page)
        .into_iter()
        .map(|f| {
            map([
                ("url", s(&f.path(site))),
                ("title", s(&f.title(site))),
                ("type", s(feeds::MEDIA_TYPE)),
            ])
        })
        .collect();
    let feed_url = feeds
        .first()
        .and_then(|f| f.as_map())
        .and_then(|m| m.get(&"url".into()).cloned())
        .unwrap_or(Value::none());
    let mut title = short_title(site, page);
    if page.number > 1 {
        title.push_str(&format!(" (page {})", page.number));
    }
    let og_type = match page.kind {
        PageKind::Exchange => "article",
        PageKind::Official => "profile",
        _ => "website",
    };
    let json_ld = match page.kind {
        PageKind::Exchange => Value::safe_string(&event_json_ld(site, &urls, page.index)),
        _ => Value::none(),
    };
    vec![
        ("title", s(&title)),
        ("description", s(&description(site, page))),
        ("og_type", s(og_type)),
        ("feeds", Value::from(feeds)),
        ("feed_url", feed_url),
        ("json_ld", json_ld),
    ]
}

/// The page's own name, without the site's title.
fn short_title(site: &Site, page: &Page) -> String {
    let i = page.index;
    match page.kind {
        PageKind::Exchange => site.exchanges[i].title.clone(),
        PageKind::Official => site.officials[i].name.clone(),
        PageKind::Issue => site.issues[i].name.clone(),
        PageKind::Year => format!("Exchanges in {}", site.years[i].year),
        PageKind::Officials => "Officials".to_string(),
        PageKind::Issues => "Issues".to_string(),
        PageKind::NotFound => "Page not found".to_string(),
        _ => site.config.title.clone(),
    }
}

/// One sentence about the page, as the default templates word it.
fn description(site: &Site, page: &Page) -> String {
    let i = page.index;
    let text = match page.kind {
        PageKind::Exchange => site.exchanges[i].summary.clone(),
        PageKind::Official => {
            let o = &site.officials[i];
            let country = site
                .config
                .country(&o.country)
                .map_or(o.country.as_str(), |c| c.name.as_str());
            format!(
                "{} ({country}): {} high-level exchanges.",
                o.name,
                site.by_official[i].len()
            )
        }
        PageKind::Issue => format!(
            "{}: {} high-level exchanges touched this issue.",
            site.issues[i].name,
            site.by_issue[i].len()
        ),
        PageKind::Year => format!(
            "{} high-level exchanges in {}.",
            site.years[i].exchanges.len(),
            site.years[i].year
        ),
        PageKind::Officials => format!(
            "The {} officials in the timeline, by country.",
            site.officials.len()
        ),
        PageKind::Issues => format!("The {} policy issues in the timeline.", site.issues.len()),
        _ => String::new(),
    };
    if text.is_empty() {
        site.config.description.clone()
    } else {
        text
    }
}

/// Whether a format means the officials were not in one room.
fn is_remote(format: &str) -> bool {
    ["virtual", "phone", "video", "call", "online"]
        .iter()
        .any(|w| format.contains(w))
}

/// The schema.org `Event` of exchange `i` as JSON-LD. Fields are written
/// in name order, each object made of borrowed strings and serialized
/// once (a page per exchange: this runs 10,000 times in a large build).
pub fn event_json_ld(site: &Site, urls: &Urls, i: usize) -> String {
    let e = &site.exchanges[i];
    let performer: Vec<Person> = e
        .officials()
        .map(|o| {
            let off = &site.officials[o];
            let role = role_title(site, e, o);
            Person {
                kind: "Person",
                job_title: (!role.is_empty()).then_some(role),
                name: &off.name,
                nationality: site.config.country(&off.country).map(|c| Named {
                    kind: "Country",
                    name: &c.name,
                }),
                url: urls.absolute(&Page::new(PageKind::Official, o).path(site)),
            }
        })
        .collect();
    let location = match &e.location {
        Some(place) => Location {
            kind: "Place",
            address: Some(place),
            name: place,
        },
        None => Location {
            kind: "VirtualLocation",
            address: None,
            name: &e.format,
        },
    };
    let about: Vec<Named> = e
        .issue_ids()
        .map(|x| Named {
            kind: "Thing",
            name: &site.issues[x].name,
        })
        .collect();
    let event = Event {
        context: "https://schema.org",
        kind: "Event",
        about,
        description: (!e.summary.is_empty()).then_some(e.summary.as_str()),
        end_date: feeds::last_day(e).to_string(),
        event_attendance_mode: if is_remote(&e.format) {
            "https://schema.org/OnlineEventAttendanceMode"
        } else {
            "https://schema.org/OfflineEventAttendanceMode"
        },
        event_status: "https://schema.org/EventScheduled",
        location,
        name: &e.title,
        performer,
        start_date: e.date.to_string(),
        url: urls.absolute(&Page::new(PageKind::Exchange, i).path(site)),
    };
    crate::script_safe::string(serde_json::to_string(&event).unwrap_or_else(|_| "{}".to_string()))
}

#[derive(Serialize)]
struct Event<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    about: Vec<Named<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(rename = "endDate")]
    end_date: String,
    #[serde(rename = "eventAttendanceMode")]
    event_attendance_mode: &'static str,
    #[serde(rename = "eventStatus")]
    event_status: &'static str,
    location: Location<'a>,
    name: &'a str,
    performer: Vec<Person<'a>>,
    #[serde(rename = "startDate")]
    start_date: String,
    url: String,
}

#[derive(Serialize)]
struct Person<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "jobTitle", skip_serializing_if = "Option::is_none")]
    job_title: Option<String>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    nationality: Option<Named<'a>>,
    url: String,
}

#[derive(Serialize)]
struct Location<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<&'a str>,
    name: &'a str,
}

#[derive(Serialize)]
struct Named<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_formats() {
        assert!(is_remote("virtual") && is_remote("phone"));
        assert!(!is_remote("in-person") && !is_remote("sidelines"));
    }
}
