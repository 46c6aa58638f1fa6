//! Template values built from the model, once per build.
//!
//! Owns the shape of what templates see (documented in the README): the
//! exchange "card" every list shows, officials, issues, years. Values are
//! built once and shared between pages (Tera values are reference counted),
//! so a list of 10,000 exchanges costs pointers, not copies.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rayon::prelude::*;
use tera::Value;

use crate::model::{Exchange, Official, Site};

/// Builds a template map from key/value pairs.
pub fn map<const N: usize>(pairs: [(&'static str, Value); N]) -> Value {
    Value::from(BTreeMap::from(pairs))
}

pub fn s(text: &str) -> Value {
    Value::from(text)
}

/// A copy of the map `base` with `extra` added (or replacing keys of the
/// same names). Sized once: Tera rebuilds a map it is given, so the copy
/// is made straight into a map of the final size.
pub fn extended<const N: usize>(base: &Value, extra: [(&'static str, Value); N]) -> Value {
    let empty = tera::Map::default();
    let base = base.as_map().unwrap_or(&empty);
    let mut m = tera::Map::with_capacity(base.len() + N);
    m.extend(base.iter().map(|(k, v)| (k.clone(), v.clone())));
    m.extend(extra.into_iter().map(|(k, v)| (k.into(), v)));
    Value::from(m)
}

/// How URLs inside the site are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlStyle {
    /// `exchanges/x/`: for web servers, which serve the folder's index.html.
    Pretty,
    /// `exchanges/x/index.html`: for opening the files straight from disk.
    Files,
}

impl UrlStyle {
    /// The URL, relative to the site root, of a page at `path`.
    pub fn url(self, path: &str) -> String {
        match self {
            UrlStyle::Files if path.is_empty() || path.ends_with('/') => {
                format!("{path}index.html")
            }
            _ => path.to_string(),
        }
    }
}

/// `18 June 2023`
pub fn display_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    // chrono's `%-d %B %Y`, without parsing the pattern for every date;
    // chrono itself writes the rare years `%Y` pads or signs.
    if (0..=9999).contains(&d.year()) {
        format!(
            "{} {} {:04}",
            d.day(),
            MONTHS[d.month0() as usize],
            d.year()
        )
    } else {
        d.format("%-d %B %Y").to_string()
    }
}

/// `18–19 June 2023`, `30 June – 1 July 2023`, or one date.
pub fn display_range(from: NaiveDate, to: Option<NaiveDate>) -> String {
    use chrono::Datelike;
    match to {
        Some(to) if to != from => {
            if from.year() != to.year() {
                format!("{} – {}", display_date(from), display_date(to))
            } else if from.month() != to.month() {
                format!("{} – {}", from.format("%-d %B"), display_date(to))
            } else {
                format!("{}–{}", from.format("%-d"), display_date(to))
            }
        }
        _ => display_date(from),
    }
}

/// The direction of an element in the language `lang` on a page in
/// `page_lang`, when the two differ (English text on an Arabic page);
/// none otherwise.
fn dir_of(lang: Option<&str>, page_lang: &str) -> Value {
    let dir = lang.map(crate::i18n::direction);
    match dir {
        Some(d) if d != crate::i18n::direction(page_lang) => s(d),
        _ => Value::none(),
    }
}

/// The values shared by all pages of one build.
pub struct Values {
    /// One card per exchange, in timeline order.
    pub cards: Vec<Value>,
    /// One short reference per official (name, url, country).
    pub officials: Vec<Value>,
    /// Per official, its reference with `role` added: first with no role
    /// (""), then one per role it held. Cards share these instead of each
    /// holding its own copy.
    participants: Vec<Vec<Value>>,
    /// One short reference per issue (name, url).
    pub issues: Vec<Value>,
    /// Every year: year, url, count.
    pub years: Value,
    /// The years grouped by decade (newest first), when there are more
    /// than [`DECADES_FROM`] years; none otherwise.
    pub decades: Value,
    pub site: Value,
}

/// Stands for the page's `root` in HTML rendered once for many pages (the
/// cards); each page replaces it with its own root after rendering.
pub const ROOT_MARK: &str = "\u{1}detente-root\u{1}";

/// The template of an exchange card, rendered once per exchange.
pub const CARD_TEMPLATE: &str = "partials/card.html";
/// The values the card template receives (see [`with_html`]).
pub const CARD_CONTEXT: [&str; 3] = ["e", "root", "site"];

/// Replaces every [`ROOT_MARK`] in a rendered page with the page's root.
/// A root no longer than the mark (every page's but a 404 page's under a
/// long base path) is written over the page in place, without a copy.
pub fn place_root(mut html: Vec<u8>, root: &str) -> Vec<u8> {
    let mark = ROOT_MARK.as_bytes();
    let finder = memchr::memmem::Finder::new(mark);
    let Some(first) = finder.find(&html) else {
        return html;
    };
    let root = root.as_bytes();
    if root.len() > mark.len() {
        let mut out = Vec::with_capacity(html.len());
        let mut last = 0;
        for at in finder.find_iter(&html) {
            out.extend_from_slice(&html[last..at]);
            out.extend_from_slice(root);
            last = at + mark.len();
        }
        out.extend_from_slice(&html[last..]);
        return out;
    }
    // Shrinking: the write position never passes the read position.
    let mut write = first;
    let mut read = first;
    while let Some(at) = finder.find(&html[read..]).map(|at| read + at) {
        html.copy_within(read..at, write);
        write += at - read;
        html[write..write + root.len()].copy_from_slice(root);
        write += root.len();
        read = at + mark.len();
    }
    let len = html.len();
    html.copy_within(read..len, write);
    html.truncate(write + (len - read));
    html
}

impl Values {
    /// Renders each card through `partials/card.html` (when the templates
    /// have it) and stores the HTML in the card as `html`, with
    /// [`ROOT_MARK`] where the page's root goes.
    pub fn add_card_html(
        &mut self,
        tera: &tera::Tera,
        origin: &super::templates::Origin,
    ) -> Result<(), crate::error::Diagnostic> {
        if !tera.get_template_names().any(|n| n == CARD_TEMPLATE) {
            return Ok(());
        }
        let site = &self.site;
        let cards: Result<Vec<Value>, crate::error::Diagnostic> = self
            .cards
            .par_iter()
            .map(|card| with_html(card, site, tera, origin))
            .collect();
        self.cards = cards?;
        Ok(())
    }

    /// Remakes exchange `i`'s card (and its HTML, when the templates have
    /// a card template) after the exchange changed in place.
    pub fn refresh_card(
        &mut self,
        site: &Site,
        i: usize,
        style: UrlStyle,
        tera: &tera::Tera,
        origin: &super::templates::Origin,
    ) -> Result<(), crate::error::Diagnostic> {
        let mut fresh = card(
            site,
            &site.exchanges[i],
            &self.participants,
            &self.issues,
            style,
        );
        if tera.get_template_names().any(|n| n == CARD_TEMPLATE) {
            fresh = with_html(&fresh, &self.site, tera, origin)?;
        }
        self.cards[i] = fresh;
        Ok(())
    }

    pub fn build(site: &Site, style: UrlStyle) -> Values {
        Values::build_reusing(site, style, |_| None)
    }

    /// Like [`Values::build`], taking exchange `i`'s finished card from
    /// `reuse(i)` when it has one (the dev server's cache).
    pub fn build_reusing(
        site: &Site,
        style: UrlStyle,
        reuse: impl Fn(usize) -> Option<Value> + Sync,
    ) -> Values {
        let officials: Vec<Value> = site
            .officials
            .iter()
            .map(|o| official_ref(site, o, style))
            .collect();
        let participants: Vec<Vec<Value>> = site
            .officials
            .iter()
            .zip(&officials)
            .map(|(o, reference)| {
                let with_role = |role: &str| extended(reference, [("role", s(role))]);
                std::iter::once(with_role(""))
                    .chain(o.roles.iter().map(|r| with_role(&r.title)))
                    .collect()
            })
            .collect();
        let issues: Vec<Value> = site
            .issues
            .iter()
            .enumerate()
            .map(|(i, issue)| {
                map([
                    ("slug", s(&issue.slug)),
                    ("name", s(&issue.name)),
                    ("url", s(&style.url(&format!("issues/{}/", issue.slug)))),
                    ("count", Value::from(site.by_issue[i].len())),
                    ("lang", issue.lang.as_deref().map_or(Value::none(), s)),
                    ("dir", dir_of(issue.lang.as_deref(), &site.config.language)),
                ])
            })
            .collect();
        let cards = site
            .exchanges
            .par_iter()
            .enumerate()
            .map(|(i, e)| reuse(i).unwrap_or_else(|| card(site, e, &participants, &issues, style)))
            .collect();
        let years = Value::from(
            site.years
                .iter()
                .map(|y| {
                    map([
                        ("year", Value::from(y.year)),
                        ("url", s(&style.url(&format!("years/{}/", y.year)))),
                        ("count", Value::from(y.exchanges.len())),
                    ])
                })
                .collect::<Vec<_>>(),
        );
        let decades = decades(&years);
        let c = &site.config;
        let site_value = map([
            ("title", s(&c.title)),
            ("description", s(&c.description)),
            ("base_url", s(&c.base_url)),
            ("language", s(&c.language)),
            ("dir", s(crate::i18n::direction(&c.language))),
            (
                "formats",
                Value::from(c.formats.iter().map(|f| s(f)).collect::<Vec<_>>()),
            ),
            (
                "countries",
                Value::from(
                    c.countries
                        .iter()
                        .map(|k| {
                            map([
                                ("key", s(&k.key)),
                                ("name", s(&k.name)),
                                ("short", s(&k.short)),
                            ])
                        })
                        .collect::<Vec<_>>(),
                ),
            ),
            ("exchange_count", Value::from(site.exchanges.len())),
            ("official_count", Value::from(site.officials.len())),
            ("issue_count", Value::from(site.issues.len())),
            (
                "generator",
                s(concat!("detente ", env!("CARGO_PKG_VERSION"))),
            ),
        ]);
        Values {
            cards,
            officials,
            participants,
            issues,
            years,
            decades,
            site: site_value,
        }
    }
}

/// How many years a site has before its year navigation groups them by
/// decade (a site of 121 years gets 13 rows, not one line of 121 links).
pub const DECADES_FROM: usize = 20;

/// `years` (year values, newest first) grouped by decade: `label`
/// ("1860s"), `years`; none when there are [`DECADES_FROM`] or fewer.
fn decades(years: &Value) -> Value {
    let Some(list) = years.as_array().filter(|l| l.len() > DECADES_FROM) else {
        return Value::none();
    };
    let mut out: Vec<(i64, Vec<Value>)> = Vec::new();
    for y in list {
        let year = y
            .as_map()
            .and_then(|m| m.get(&"year".into()))
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let decade = year.div_euclid(10) * 10;
        match out.last_mut() {
            Some((d, ys)) if *d == decade => ys.push(y.clone()),
            _ => out.push((decade, vec![y.clone()])),
        }
    }
    Value::from(
        out.into_iter()
            .map(|(d, ys)| map([("label", s(&format!("{d}s"))), ("years", Value::from(ys))]))
            .collect::<Vec<_>>(),
    )
}

/// `card` with its HTML from `partials/card.html` added as `html`.
fn with_html(
    card: &Value,
    site: &Value,
    tera: &tera::Tera,
    origin: &super::templates::Origin,
) -> Result<Value, crate::error::Diagnostic> {
    let mut ctx = tera::Context::new();
    ctx.insert_value("e", card.clone());
    ctx.insert_value("site", site.clone());
    ctx.insert_value("root", s(ROOT_MARK));
    // Guarded like a page: a runaway loop in the card is stopped.
    let mut out = super::templates::Guarded::new(4096);
    if let Err(e) = tera.render_to(CARD_TEMPLATE, &ctx, &mut out) {
        return Err(super::templates::render_error(
            origin,
            &e,
            &out,
            CARD_TEMPLATE,
            "an exchange card",
        ));
    }
    let html = String::from_utf8_lossy(&out.out);
    Ok(extended(card, [("html", Value::safe_string(&html))]))
}

fn official_ref(site: &Site, o: &Official, style: UrlStyle) -> Value {
    let country = site.config.country(&o.country);
    map([
        ("slug", s(&o.slug)),
        ("name", s(&o.name)),
        ("url", s(&style.url(&format!("officials/{}/", o.slug)))),
        ("country", s(&o.country)),
        (
            "country_name",
            s(country.map_or(o.country.as_str(), |c| c.name.as_str())),
        ),
        (
            "country_short",
            s(country.map_or(o.country.as_str(), |c| c.short.as_str())),
        ),
        ("lang", o.lang.as_deref().map_or(Value::none(), s)),
        ("dir", dir_of(o.lang.as_deref(), &site.config.language)),
    ])
}

/// The role title an official held in an exchange, or "".
pub fn role_title(site: &Site, e: &Exchange, official: usize) -> String {
    e.participants
        .iter()
        .find(|p| p.official.target == Some(official))
        .and_then(|p| {
            p.role
                .map(|r| site.officials[official].roles[r].title.clone())
        })
        .unwrap_or_default()
}

/// The `place` and `host` values of an exchange: where it was held, with
/// links to the place pages; none for a location written as text.
pub fn place_values(site: &Site, e: &Exchange, style: UrlStyle) -> (Value, Value) {
    let country_of = |key: &str| site.config.country(key);
    let place = e
        .place
        .as_ref()
        .and_then(|p| {
            let key = &p.country.as_ref()?.key;
            let country = country_of(key)?;
            let slug = crate::places::country_slug(key);
            let city_slug = p.city_slug.as_deref();
            Some(map([
                ("country", s(key)),
                ("country_name", s(&country.name)),
                ("url", s(&style.url(&format!("places/{slug}/")))),
                ("city", p.city.as_deref().map_or(Value::none(), s)),
                (
                    "city_url",
                    city_slug.map_or(Value::none(), |c| {
                        s(&style.url(&format!("places/{slug}/{c}/")))
                    }),
                ),
                ("venue", p.venue.as_deref().map_or(Value::none(), s)),
            ]))
        })
        .unwrap_or_else(Value::none);
    let host = e
        .host
        .as_ref()
        .and_then(|h| {
            let c = country_of(&h.key)?;
            Some(map([("key", s(&c.key)), ("name", s(&c.name))]))
        })
        .unwrap_or_else(Value::none);
    (place, host)
}

fn card(
    site: &Site,
    e: &Exchange,
    with_roles: &[Vec<Value>],
    issues: &[Value],
    style: UrlStyle,
) -> Value {
    let (place, host) = place_values(site, e, style);
    let participants: Vec<Value> = e
        .participants
        .iter()
        .filter_map(|p| {
            let roles = &with_roles[p.official.target?];
            roles.get(p.role.map_or(0, |r| r + 1)).cloned()
        })
        .collect();
    let issue_values: Vec<Value> = e.issue_ids().map(|i| issues[i].clone()).collect();
    map([
        ("slug", s(&e.slug)),
        ("url", s(&style.url(&format!("exchanges/{}/", e.slug)))),
        ("title", s(&e.title)),
        ("date", s(&e.date.to_string())),
        ("date_display", s(&site.strings.date(e.date))),
        (
            "end_date",
            e.end_date.map_or(Value::none(), |d| s(&d.to_string())),
        ),
        (
            "dates_display",
            s(&site.strings.date_range(e.date, e.end_date)),
        ),
        ("year", Value::from(e.year())),
        ("format", s(&e.format)),
        ("location", e.location.as_deref().map_or(Value::none(), s)),
        ("lang", e.lang.as_deref().map_or(Value::none(), s)),
        ("dir", dir_of(e.lang.as_deref(), &site.config.language)),
        ("place", place),
        ("host", host),
        ("summary", s(&e.summary)),
        ("officials", Value::from(participants)),
        ("issues", Value::from(issue_values)),
        ("image", crate::media::values::thumbnail(&e.media)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn display_dates_match_chrono_for_every_day_and_odd_years() {
        let mut day = d(1999, 1, 1);
        while day < d(2001, 1, 1) {
            assert_eq!(display_date(day), day.format("%-d %B %Y").to_string());
            day = day.succ_opt().expect("next day");
        }
        for year in [-44, 0, 7, 999, 9999, 10000, 262_000] {
            let day = d(year, 3, 9);
            assert_eq!(display_date(day), day.format("%-d %B %Y").to_string());
        }
    }

    #[test]
    fn date_ranges_read_naturally() {
        assert_eq!(display_range(d(2023, 6, 18), None), "18 June 2023");
        assert_eq!(
            display_range(d(2023, 6, 18), Some(d(2023, 6, 19))),
            "18–19 June 2023"
        );
        assert_eq!(
            display_range(d(2023, 6, 30), Some(d(2023, 7, 1))),
            "30 June – 1 July 2023"
        );
        assert_eq!(
            display_range(d(2022, 12, 31), Some(d(2023, 1, 1))),
            "31 December 2022 – 1 January 2023"
        );
    }

    #[test]
    fn roots_are_placed_in_place_or_by_copy() {
        let page = format!("a{ROOT_MARK}b{ROOT_MARK}{ROOT_MARK}c");
        for root in ["", "./", "../../", "/a/very/long/base/path/"] {
            let expected = page.replace(ROOT_MARK, root);
            let placed = place_root(page.clone().into_bytes(), root);
            assert_eq!(String::from_utf8(placed).expect("utf-8"), expected);
        }
        assert_eq!(place_root(b"no mark".to_vec(), "../"), b"no mark");
    }

    #[test]
    fn url_styles() {
        assert_eq!(UrlStyle::Pretty.url("exchanges/x/"), "exchanges/x/");
        assert_eq!(
            UrlStyle::Files.url("exchanges/x/"),
            "exchanges/x/index.html"
        );
        assert_eq!(UrlStyle::Files.url(""), "index.html");
        assert_eq!(UrlStyle::Files.url("feed.xml"), "feed.xml");
    }
}
