//! The typed site: exchanges, officials and issues, resolved and indexed.
//!
//! Owns the cross references between entries (slugs turned into indexes),
//! the role each official held on each exchange's date, the order of the
//! timeline, and the indexes by official, issue and year — built once here
//! and shared by every page, feed and export. It reports nothing: unresolved
//! references are kept as they were written, for `validate` to judge.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;

use crate::config::Config;
use crate::error::{Diagnostic, LineCol};
use crate::load::{
    Doc, ExchangeFront, IssueFront, Kind, Loaded, LocationFront, OfficialFront, SourceLink,
};
use crate::markdown;

/// A reference to another entry by slug, as written in front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    pub slug: String,
    pub at: LineCol,
    /// The index of the entry it names, if one exists.
    pub target: Option<usize>,
}

/// An official taking part in an exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub official: Ref,
    /// The index into the official's `roles` of the role held on the exchange's date.
    pub role: Option<usize>,
}

/// Where an exchange's fields stand in its file, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExchangePlaces {
    pub title: LineCol,
    pub date: LineCol,
    pub end_date: Option<LineCol>,
    pub format: LineCol,
    pub officials: LineCol,
    pub location: Option<LineCol>,
}

/// A country named by key in front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryRef {
    pub key: String,
    pub at: LineCol,
}

/// A structured place: `location = { city = "Beijing", country = "CN" }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub country: Option<CountryRef>,
    /// The city as shown (in another language, its name there).
    pub city: Option<String>,
    /// The URL segment of the city's place page, from the city as written
    /// in the default language (the same in every language).
    pub city_slug: Option<String>,
    pub venue: Option<String>,
    /// (longitude, latitude), when given.
    pub coords: Option<(f64, f64)>,
    /// Where the table stands in the file.
    pub at: LineCol,
}

#[derive(Debug, Clone)]
pub struct Exchange {
    pub slug: String,
    pub path: PathBuf,
    pub title: String,
    pub date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub format: String,
    /// Where it was held, as shown: the text written, or the place's
    /// venue, city and country name.
    pub location: Option<String>,
    /// Where it was held, when written as a table.
    pub place: Option<Place>,
    /// The country that hosted it: `host`, else the place's country.
    pub host: Option<CountryRef>,
    pub participants: Vec<Participant>,
    pub issues: Vec<Ref>,
    /// The given summary, or the text of the body's first paragraph.
    pub summary: String,
    pub body: Arc<str>,
    pub draft: bool,
    pub sources: Vec<(SourceLink, LineCol)>,
    pub places: ExchangePlaces,
    /// On a page in another language: the language this exchange's text
    /// is in, when it has no translation (`lang` on its element).
    pub lang: Option<String>,
    /// Images and documents, as listed (see `media`).
    pub media: Vec<crate::media::Media>,
}

impl Exchange {
    pub fn year(&self) -> i32 {
        self.date.year()
    }

    /// Resolved official indexes, in the order written.
    pub fn officials(&self) -> impl Iterator<Item = usize> + '_ {
        self.participants.iter().filter_map(|p| p.official.target)
    }

    /// Resolved issue indexes, in the order written.
    pub fn issue_ids(&self) -> impl Iterator<Item = usize> + '_ {
        self.issues.iter().filter_map(|r| r.target)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub title: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub at: LineCol,
}

impl Role {
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.from <= date && self.to.is_none_or(|to| date <= to)
    }
}

#[derive(Debug, Clone)]
pub struct Official {
    pub slug: String,
    pub path: PathBuf,
    pub name: String,
    /// The key lists sort by: `sort_as`, else the name's last word first
    /// ("Blinken Antony"), lowercase.
    pub sort_key: String,
    pub country: String,
    pub country_at: LineCol,
    pub roles: Vec<Role>,
    pub body: Arc<str>,
    /// The language of its text when it has no translation (see `Exchange::lang`).
    pub lang: Option<String>,
    /// A portrait (see `media`).
    pub image: Option<crate::media::Media>,
}

impl Official {
    /// The role held on `date`, if any.
    pub fn role_on(&self, date: NaiveDate) -> Option<usize> {
        self.roles.iter().position(|r| r.covers(date))
    }
}

#[derive(Debug, Clone)]
pub struct Issue {
    pub slug: String,
    pub path: PathBuf,
    pub name: String,
    pub body: Arc<str>,
    /// The language of its text when it has no translation.
    pub lang: Option<String>,
}

/// The exchanges of one calendar year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Year {
    pub year: i32,
    /// Exchange indexes, newest first.
    pub exchanges: Vec<usize>,
}

/// The whole site, ready to validate and render.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    /// Newest first (by date, then slug).
    pub exchanges: Vec<Exchange>,
    /// Every exchange's index, in timeline order: the home timeline's list.
    pub timeline: Vec<usize>,
    /// Sorted by slug.
    pub officials: Vec<Official>,
    /// Sorted by slug.
    pub issues: Vec<Issue>,
    /// For each official, the exchanges they took part in, newest first.
    pub by_official: Vec<Vec<usize>>,
    /// For each issue, the exchanges that touched it, newest first.
    pub by_issue: Vec<Vec<usize>>,
    /// Years with exchanges, newest first.
    pub years: Vec<Year>,
    /// The countries and cities exchanges were held in (structured places).
    pub places: Vec<crate::places::PlaceCountry>,
    /// Each place page's list: every country, each followed by its cities.
    pub place_lists: Vec<crate::places::PlaceList>,
    /// Pairs of countries whose officials met, when there are more than
    /// two countries (each has a who-met-whom page of its own).
    pub country_pairs: Vec<crate::places::CountryPair>,
    pub official_slugs: HashMap<String, usize>,
    pub issue_slugs: HashMap<String, usize>,
    pub exchange_slugs: HashMap<String, usize>,
    /// Entries that exist but could not be read; see `Loaded::unreadable`.
    pub unreadable: Vec<(Kind, String)>,
    /// Problems found while loading, kept for the report.
    pub load_diagnostics: Vec<Diagnostic>,
    /// The words pages print in this site's language.
    pub strings: Arc<crate::i18n::Table>,
    /// The text of each exchange in the site's other languages, for the
    /// data files: (language, per exchange its title, summary and
    /// location there, none when it has no translation).
    pub translated: Vec<(String, Vec<Option<TranslatedText>>)>,
}

/// An exchange's text in another language.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct TranslatedText {
    pub title: String,
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl Site {
    /// Builds the typed site from what was loaded. Drafts are left out
    /// unless `drafts` is set.
    pub fn build(loaded: Loaded, drafts: bool) -> Site {
        let Loaded {
            mut config,
            exchanges,
            officials,
            issues,
            unreadable,
            diagnostics,
            config_stamp: _,
        } = loaded;
        // Countries named by code, not in site.toml, come from the world table.
        let named: Vec<String> = officials
            .iter()
            .map(|d| d.front.country.get_ref().clone())
            .chain(exchanges.iter().flat_map(|d| {
                let place = match d.front.location.as_ref().map(|l| l.get_ref()) {
                    Some(LocationFront::Place(p)) => {
                        p.country.as_ref().map(|c| c.get_ref().clone())
                    }
                    _ => None,
                };
                place
                    .into_iter()
                    .chain(d.front.host.as_ref().map(|h| h.get_ref().clone()))
            }))
            .collect();
        crate::places::extend_countries(&mut config, named.iter().map(String::as_str));
        let officials: Vec<Official> = officials.into_iter().map(official).collect();
        let issues: Vec<Issue> = issues.into_iter().map(issue).collect();
        let official_slugs = slug_index(officials.iter().map(|o| o.slug.as_str()));
        let issue_slugs = slug_index(issues.iter().map(|i| i.slug.as_str()));

        let mut exchanges: Vec<Exchange> = exchanges
            .into_par_iter()
            .filter(|d| drafts || !d.front.draft)
            .map(|d| {
                let separator = crate::places::SEPARATOR;
                exchange(
                    d,
                    &official_slugs,
                    &issue_slugs,
                    &officials,
                    &config,
                    separator,
                )
            })
            .collect();
        // Newest first, then by slug. The keys are sorted, then each
        // exchange (a large struct) moved once, not at every merge step.
        exchanges.sort_by_cached_key(|e| (std::cmp::Reverse(e.date), e.slug.clone()));
        let exchange_slugs = slug_index(exchanges.iter().map(|e| e.slug.as_str()));

        let mut by_official = vec![Vec::new(); officials.len()];
        let mut by_issue = vec![Vec::new(); issues.len()];
        let mut years: Vec<Year> = Vec::new();
        for (i, e) in exchanges.iter().enumerate() {
            for o in e.officials() {
                if by_official[o].last() != Some(&i) {
                    by_official[o].push(i);
                }
            }
            for s in e.issue_ids() {
                if by_issue[s].last() != Some(&i) {
                    by_issue[s].push(i);
                }
            }
            match years.last_mut() {
                Some(y) if y.year == e.year() => y.exchanges.push(i),
                _ => years.push(Year {
                    year: e.year(),
                    exchanges: vec![i],
                }),
            }
        }
        let places = crate::places::index(&config, &exchanges);
        let place_lists = crate::places::lists(&places);
        let country_index: HashMap<&str, usize> = config
            .countries
            .iter()
            .enumerate()
            .map(|(i, c)| (c.key.as_str(), i))
            .collect();
        let country_pairs = crate::places::country_pairs(&config, &exchanges, |o| {
            country_index.get(officials[o].country.as_str()).copied()
        });
        Site {
            config,
            places,
            place_lists,
            country_pairs,
            timeline: (0..exchanges.len()).collect(),
            exchanges,
            officials,
            issues,
            by_official,
            by_issue,
            years,
            official_slugs,
            issue_slugs,
            exchange_slugs,
            unreadable,
            load_diagnostics: diagnostics,
            strings: Arc::new(crate::i18n::Table::english()),
            translated: Vec::new(),
        }
    }
}

impl Site {
    /// The exchange `doc` would be in this site, references resolved
    /// against its officials and issues (the dev server's in-place edit).
    pub fn exchange_from(&self, doc: Doc<ExchangeFront>) -> Exchange {
        exchange(
            doc,
            &self.official_slugs,
            &self.issue_slugs,
            &self.officials,
            &self.config,
            &self.place_separator(),
        )
    }

    /// What the parts of a place are joined with in the site's language.
    pub fn place_separator(&self) -> String {
        self.strings
            .get("place.separator", None, &[])
            .unwrap_or_else(|| crate::places::SEPARATOR.to_string())
    }

    /// Writes the places given as tables again with the separator of the
    /// site's interface strings (once they are loaded; `build` joins them
    /// the English way).
    pub fn relocate(&mut self) {
        let separator = self.place_separator();
        if separator == crate::places::SEPARATOR {
            return;
        }
        for e in &mut self.exchanges {
            let Some(place) = &e.place else { continue };
            let country = place
                .country
                .as_ref()
                .and_then(|c| self.config.country(&c.key));
            e.location = Some(crate::places::display(
                place.venue.as_deref(),
                place.city.as_deref(),
                country,
                &separator,
            ))
            .filter(|t| !t.is_empty());
        }
    }

    /// Whether `new` can take the place of exchange `i` without moving in
    /// the timeline or in any index: the same date, draft state, and
    /// officials and issues (as written and as resolved).
    pub fn keeps_indexes(&self, i: usize, new: &Exchange) -> bool {
        let old = &self.exchanges[i];
        new.slug == old.slug
            && new.date == old.date
            && new.place == old.place
            && new.host == old.host
            && new.draft == old.draft
            && new.participants.len() == old.participants.len()
            && new.officials().eq(old.officials())
            && new.issues.len() == old.issues.len()
            && new.issue_ids().eq(old.issue_ids())
    }

    /// The officials of one country, by name.
    pub fn officials_of(&self, country: &str) -> Vec<usize> {
        let mut members: Vec<usize> = (0..self.officials.len())
            .filter(|&i| self.officials[i].country == country)
            .collect();
        members.sort_by(|&a, &b| {
            let (a, b) = (&self.officials[a], &self.officials[b]);
            a.sort_key
                .cmp(&b.sort_key)
                .then_with(|| a.name.cmp(&b.name))
        });
        members
    }
}

fn slug_index<'a>(slugs: impl Iterator<Item = &'a str>) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    for (i, s) in slugs.enumerate() {
        map.entry(s.to_string()).or_insert(i);
    }
    map
}

fn resolve(
    r: &toml::Spanned<String>,
    doc_place: impl Fn(std::ops::Range<usize>) -> LineCol,
    index: &HashMap<String, usize>,
) -> Ref {
    Ref {
        slug: r.get_ref().clone(),
        at: doc_place(r.span()),
        target: index.get(r.get_ref()).copied(),
    }
}

fn exchange(
    doc: Doc<ExchangeFront>,
    officials_index: &HashMap<String, usize>,
    issues_index: &HashMap<String, usize>,
    officials: &[Official],
    config: &Config,
    separator: &str,
) -> Exchange {
    let place = |s| doc.place(s);
    let f = &doc.front;
    let date = f.date.get_ref().0;
    let participants = f
        .officials
        .get_ref()
        .iter()
        .map(|o| {
            let official = resolve(o, place, officials_index);
            let role = official.target.and_then(|t| officials[t].role_on(date));
            Participant { official, role }
        })
        .collect();
    let issues = f
        .issues
        .iter()
        .map(|i| resolve(i, place, issues_index))
        .collect();
    let summary = match &f.summary {
        Some(s) if !s.trim().is_empty() => s.trim().to_string(),
        _ => markdown::first_paragraph_text(&doc.body),
    };
    let places = ExchangePlaces {
        title: place(f.title.span()),
        date: place(f.date.span()),
        end_date: f.end_date.as_ref().map(|d| place(d.span())),
        format: place(f.format.span()),
        officials: place(f.officials.span()),
        location: f.location.as_ref().map(|l| place(l.span())),
    };
    let sources = f
        .sources
        .iter()
        .map(|s| (s.get_ref().clone(), place(s.span())))
        .collect();
    let country_ref = |c: &toml::Spanned<String>| CountryRef {
        key: c.get_ref().trim().to_string(),
        at: place(c.span()),
    };
    let (location, structured) = match f.location.as_ref().map(|l| (l.get_ref(), l.span())) {
        None => (None, None),
        Some((LocationFront::Text(text), _)) => (
            Some(text.trim().to_string()).filter(|t| !t.is_empty()),
            None,
        ),
        Some((LocationFront::Place(p), span)) => {
            let country = p.country.as_ref().map(country_ref);
            let text = crate::places::display(
                p.venue.as_deref(),
                p.city.as_deref(),
                country.as_ref().and_then(|c| config.country(&c.key)),
                separator,
            );
            let structured = Place {
                country,
                city: p
                    .city
                    .as_ref()
                    .map(|c| c.trim().to_string())
                    .filter(|c| !c.is_empty()),
                city_slug: p.city.as_deref().and_then(crate::places::city_slug),
                venue: p
                    .venue
                    .as_ref()
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty()),
                coords: p.lon.zip(p.lat),
                at: place(span),
            };
            (Some(text).filter(|t| !t.is_empty()), Some(structured))
        }
    };
    let host = f
        .host
        .as_ref()
        .map(country_ref)
        .or_else(|| structured.as_ref().and_then(|p| p.country.clone()));
    let media = crate::media::from_front(&doc.path, &f.media, place);
    Exchange {
        media,
        title: f.title.get_ref().trim().to_string(),
        date,
        end_date: f.end_date.as_ref().map(|d| d.get_ref().0),
        format: f.format.get_ref().clone(),
        location,
        place: structured,
        host,
        participants,
        issues,
        summary,
        draft: f.draft,
        sources,
        places,
        lang: None,
        slug: doc.slug,
        path: doc.path,
        body: doc.body,
    }
}

fn official(doc: Doc<OfficialFront>) -> Official {
    let f = &doc.front;
    let mut roles: Vec<Role> = f
        .roles
        .iter()
        .map(|r| Role {
            title: r.get_ref().title.clone(),
            from: r.get_ref().from.get_ref().0,
            to: r.get_ref().to.as_ref().map(|t| t.get_ref().0),
            at: doc.place(r.span()),
        })
        .collect();
    roles.sort_by_key(|r| r.from);
    let name = f.name.get_ref().trim().to_string();
    let sort_key = match &f.sort_as {
        Some(key) if !key.trim().is_empty() => key.trim().to_lowercase(),
        _ => match name.rsplit_once(' ') {
            Some((rest, last)) => format!("{last} {rest}").to_lowercase(),
            None => name.to_lowercase(),
        },
    };
    let image = f
        .image
        .as_ref()
        .map(|i| crate::media::Media::new(i.get_ref(), &doc.path, doc.place(i.span())));
    Official {
        image,
        sort_key,
        name,
        country: f.country.get_ref().clone(),
        country_at: doc.place(f.country.span()),
        roles,
        lang: None,
        slug: doc.slug,
        path: doc.path,
        body: doc.body,
    }
}

fn issue(doc: Doc<IssueFront>) -> Issue {
    Issue {
        name: doc.front.name.get_ref().trim().to_string(),
        lang: None,
        slug: doc.slug,
        path: doc.path,
        body: doc.body,
    }
}
