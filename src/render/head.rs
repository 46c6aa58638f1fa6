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
    let media: &[crate::media::Media] = match page.kind {
        PageKind::Exchange => &site.exchanges[page.index].media,
        PageKind::Official => site.officials[page.index].image.as_slice(),
        _ => &[],
    };
    let image = crate::media::values::social(media, &urls);
    let twitter_card = if image.is_none() {
        "summary"
    } else {
        "summary_large_image"
    };
    vec![
        ("image", image),
        ("twitter_card", s(twitter_card)),
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
    let t = |key: &str, args: &[(&str, String)]| site.strings.text(key, None, args);
    let country = |k: &str| {
        site.config
            .country(k)
            .map_or(k.to_string(), |c| c.name.clone())
    };
    match page.kind {
        PageKind::Exchange => site.exchanges[i].title.clone(),
        PageKind::Official => site.officials[i].name.clone(),
        PageKind::Issue => site.issues[i].name.clone(),
        PageKind::Place => site.place_lists[i]
            .name(&site.places, &site.config)
            .to_string(),
        PageKind::Places => t("places.title", &[]),
        PageKind::Matrix => t("matrix.title", &[]),
        PageKind::MatrixPair => {
            let p = &site.country_pairs[i];
            format!(
                "{}: {}",
                t("matrix.title", &[]),
                t(
                    "matrix.pair_title",
                    &[("a", country(&p.a)), ("b", country(&p.b))]
                )
            )
        }
        PageKind::Year => t("year.heading", &[("year", site.years[i].year.to_string())]),
        PageKind::Officials => t("officials.title", &[]),
        PageKind::Issues => t("issues.title", &[]),
        PageKind::NotFound => t("notfound.title", &[]),
        PageKind::Home => site.config.title.clone(),
    }
}

/// One sentence about the page, as the default templates word it.
fn description(site: &Site, page: &Page) -> String {
    let i = page.index;
    let t = |key: &str, n: usize, args: &[(&str, String)]| {
        site.strings
            .text(key, Some(i64::try_from(n).unwrap_or(i64::MAX)), args)
    };
    let text = match page.kind {
        PageKind::Exchange => site.exchanges[i].summary.clone(),
        PageKind::Official => {
            let o = &site.officials[i];
            let country = site
                .config
                .country(&o.country)
                .map_or(o.country.as_str(), |c| c.name.as_str());
            t(
                "official.description",
                site.by_official[i].len(),
                &[("name", o.name.clone()), ("country", country.to_string())],
            )
        }
        PageKind::Issue => t(
            "issue.description",
            site.by_issue[i].len(),
            &[("name", site.issues[i].name.clone())],
        ),
        PageKind::Year => t(
            "year.description",
            site.years[i].exchanges.len(),
            &[("year", site.years[i].year.to_string())],
        ),
        PageKind::Officials => t("officials.description", site.officials.len(), &[]),
        PageKind::Issues => t("issues.description", site.issues.len(), &[]),
        PageKind::Place => {
            let list = site.place_lists[i];
            t(
                "place.description",
                list.exchanges(&site.places).len(),
                &[("name", list.name(&site.places, &site.config).to_string())],
            )
        }
        PageKind::Places => t(
            "places.description",
            site.places.iter().map(|c| c.exchanges.len()).sum(),
            &[],
        ),
        _ => String::new(),
    };
    if text.is_empty() {
        site.config.description.clone()
    } else {
        text
    }
}

/// How the officials of an exchange met, from its format alone: both
/// the JSON-LD attendance mode and the kind of location follow from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attendance {
    /// In one room: `in-person`, `sidelines`, and any format of the
    /// site's own that names no remote medium.
    InPerson,
    /// Apart: `virtual`, `phone`, and any format whose name holds
    /// `virtual`, `phone`, `video`, `call`, `online` or `remote`.
    Remote,
}

impl Attendance {
    pub fn of(format: &str) -> Attendance {
        let format = format.to_lowercase();
        if ["virtual", "phone", "video", "call", "online", "remote"]
            .iter()
            .any(|w| format.contains(w))
        {
            Attendance::Remote
        } else {
            Attendance::InPerson
        }
    }

    fn mode(self) -> &'static str {
        match self {
            Attendance::InPerson => "https://schema.org/OfflineEventAttendanceMode",
            Attendance::Remote => "https://schema.org/OnlineEventAttendanceMode",
        }
    }
}

/// The place name of an in-person exchange whose location is not given.
pub const NO_LOCATION: &str = "Location not published";

/// The postal address of a structured place: the city (or the venue) as
/// locality, the country as its ISO 3166-1 code where it has one (what
/// Google's Event rules ask for), else its name.
fn structured_address<'a>(
    site: &'a Site,
    e: &'a crate::model::Exchange,
) -> Option<PostalAddress<'a>> {
    let place = e.place.as_ref()?;
    let country = site.config.country(&place.country.as_ref()?.key)?;
    let locality = place
        .city
        .as_deref()
        .or(place.venue.as_deref())
        .unwrap_or(country.name.as_str());
    Some(PostalAddress {
        kind: "PostalAddress",
        address_country: Some(country.iso.as_deref().unwrap_or(&country.name)),
        address_locality: locality,
    })
}

/// The schema.org `Event` of exchange `i` as JSON-LD. Fields are written
/// in name order, each object made of borrowed strings and serialized
/// once (a page per exchange: this runs 10,000 times in a large build).
///
/// Every one has Google's required `name`, `startDate` and `location`
/// and its recommended `endDate`, `eventStatus`, `description` and
/// `performer` (the officials). The format decides the rest together: in
/// person, an offline event at a `Place` named by the location (or
/// [`NO_LOCATION`]) with a `PostalAddress` (`Beijing, China`: locality
/// `Beijing`, country `China`); remote, an online event at a
/// `VirtualLocation` whose `url` is the exchange's page.
pub fn event_json_ld(site: &Site, urls: &Urls, i: usize) -> String {
    let e = &site.exchanges[i];
    let page_url = urls.absolute(&Page::new(PageKind::Exchange, i).path(site));
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
    let attendance = Attendance::of(&e.format);
    let location = match attendance {
        Attendance::InPerson => {
            let place = e
                .location
                .as_deref()
                .map(str::trim)
                .filter(|l| !l.is_empty());
            Location {
                kind: "Place",
                address: Some(match (structured_address(site, e), place) {
                    (Some(postal), _) => Address::Postal(postal),
                    (None, Some(place)) => {
                        let (locality, country) = match place.rsplit_once(',') {
                            Some((head, tail))
                                if !head.trim().is_empty() && !tail.trim().is_empty() =>
                            {
                                (head.trim(), Some(tail.trim()))
                            }
                            _ => (place, None),
                        };
                        Address::Postal(PostalAddress {
                            kind: "PostalAddress",
                            address_country: country,
                            address_locality: locality,
                        })
                    }
                    (None, None) => Address::Text(NO_LOCATION),
                }),
                name: Some(place.unwrap_or(NO_LOCATION)),
                url: None,
            }
        }
        Attendance::Remote => Location {
            kind: "VirtualLocation",
            address: None,
            name: None,
            url: Some(page_url.clone()),
        },
    };
    let about: Vec<Named> = e
        .issue_ids()
        .map(|x| Named {
            kind: "Thing",
            name: &site.issues[x].name,
        })
        .collect();
    // A summary, or else one sentence from what the exchange has.
    let description = if e.summary.trim().is_empty() {
        format!(
            "{} ({}, {}).",
            e.title,
            super::values::display_range(e.date, e.end_date),
            e.format
        )
    } else {
        e.summary.clone()
    };
    let event = Event {
        context: "https://schema.org",
        kind: "Event",
        about,
        description,
        end_date: feeds::last_day(e).to_string(),
        event_attendance_mode: attendance.mode(),
        event_status: "https://schema.org/EventScheduled",
        image: e
            .media
            .iter()
            .filter(|m| m.is_image())
            .filter_map(|m| Some(urls.absolute(&m.done.as_ref()?.largest()?.fallback.path)))
            .collect(),
        location,
        name: &e.title,
        performer,
        start_date: e.date.to_string(),
        url: page_url,
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
    description: String,
    #[serde(rename = "endDate")]
    end_date: String,
    #[serde(rename = "eventAttendanceMode")]
    event_attendance_mode: &'static str,
    #[serde(rename = "eventStatus")]
    event_status: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    image: Vec<String>,
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

/// A `Place` or a `VirtualLocation`.
#[derive(Serialize)]
struct Location<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<Address<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Address<'a> {
    Postal(PostalAddress<'a>),
    Text(&'a str),
}

#[derive(Serialize)]
struct PostalAddress<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "addressCountry", skip_serializing_if = "Option::is_none")]
    address_country: Option<&'a str>,
    #[serde(rename = "addressLocality")]
    address_locality: &'a str,
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
    fn attendance_follows_the_format() {
        assert_eq!(Attendance::of("virtual"), Attendance::Remote);
        assert_eq!(Attendance::of("phone"), Attendance::Remote);
        assert_eq!(Attendance::of("Video-Call"), Attendance::Remote);
        assert_eq!(Attendance::of("in-person"), Attendance::InPerson);
        assert_eq!(Attendance::of("sidelines"), Attendance::InPerson);
        assert_eq!(Attendance::of("summit"), Attendance::InPerson);
    }

    /// The shipped site, with exchange `slug`'s format and location changed.
    fn event(slug: &str, format: &str, location: Option<&str>) -> serde_json::Value {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let loaded = crate::load::load(root).expect("the shipped site loads");
        let mut site = Site::build(loaded, false);
        let i = site
            .exchanges
            .iter()
            .position(|e| e.slug == slug)
            .expect("exchange");
        site.exchanges[i].format = format.to_string();
        site.exchanges[i].location = location.map(str::to_string);
        let urls = Urls::new(&site.config);
        let json = event_json_ld(&site, &urls, i);
        serde_json::from_str(&json).expect("JSON")
    }

    const CALL: &str = "2021-02-10-biden-xi-phone";
    const PAGE: &str = "https://example.org/exchanges/2021-02-10-biden-xi-phone/";

    #[test]
    fn a_call_with_a_location_is_online_at_its_page() {
        let v = event(CALL, "phone", Some("Washington, D.C., United States"));
        assert_eq!(
            v["eventAttendanceMode"],
            "https://schema.org/OnlineEventAttendanceMode"
        );
        assert_eq!(v["location"]["@type"], "VirtualLocation");
        assert_eq!(v["location"]["url"], PAGE);
        assert!(v["location"].get("address").is_none());
    }

    #[test]
    fn a_meeting_without_a_location_is_offline_at_a_place() {
        let v = event(CALL, "in-person", None);
        assert_eq!(
            v["eventAttendanceMode"],
            "https://schema.org/OfflineEventAttendanceMode"
        );
        assert_eq!(v["location"]["@type"], "Place");
        assert_eq!(v["location"]["name"], NO_LOCATION);
        assert_eq!(v["location"]["address"], NO_LOCATION);
    }

    #[test]
    fn a_meeting_at_a_location_has_its_postal_address() {
        let v = event(CALL, "summit", Some("Washington, D.C., United States"));
        assert_eq!(
            v["eventAttendanceMode"],
            "https://schema.org/OfflineEventAttendanceMode"
        );
        let place = &v["location"];
        assert_eq!(place["@type"], "Place");
        assert_eq!(place["name"], "Washington, D.C., United States");
        assert_eq!(place["address"]["@type"], "PostalAddress");
        assert_eq!(place["address"]["addressLocality"], "Washington, D.C.");
        assert_eq!(place["address"]["addressCountry"], "United States");
        let v = event(CALL, "in-person", Some("Singapore"));
        assert_eq!(v["location"]["address"]["addressLocality"], "Singapore");
        assert!(v["location"]["address"].get("addressCountry").is_none());
    }
}
