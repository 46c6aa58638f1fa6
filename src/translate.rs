//! The site in another language: the default site's model with the text
//! of its translations (`<slug>.<lang>.md`).
//!
//! Owns the rules a translation follows: it carries text only (titles,
//! summaries, places as written, bodies, names, role titles); what it
//! repeats of its original (dates, format, officials, issues, role dates)
//! must agree, and a translation without an original is an error with a
//! suggestion. An entry without a translation keeps its default-language
//! text, marked with that language so pages can say so (`lang`). Places
//! are named in the language too: countries and cities from
//! `[languages.TAG]`, else the world table's names there. It reads no
//! files (`load::read_translations` does) and renders nothing.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::config::{Config, Language};
use crate::error::{Diagnostic, LineCol};
use crate::load::{Doc, ExchangeTrFront, Translations};
use crate::model::{Exchange, Site, TranslatedText};
use crate::{markdown, suggest, world};

/// `base` in `language`, with the site's translations into it applied,
/// and every problem they have. `strings` are the interface strings of
/// that language; `root` tells a translation of a draft (its original
/// exists but is not built) from one without an original.
pub fn translate(
    base: &Site,
    language: &Language,
    translations: &Translations,
    strings: crate::i18n::Table,
    root: &Path,
) -> (Site, Vec<Diagnostic>) {
    let tag = language.tag.as_str();
    let default = base.config.language.clone();
    let mut site = base.clone();
    site.strings = Arc::new(strings);
    let c = &mut site.config;
    c.language = tag.to_string();
    if let Some(title) = &language.title {
        c.title = title.clone();
    }
    if let Some(description) = &language.description {
        c.description = description.clone();
    }
    if !c.base_url.is_empty() {
        c.base_url = format!("{}{tag}/", c.base_url);
    }
    let mut problems = place_names(&mut site, language);
    // Every exchange: its translation, else its original marked (both with
    // its place in this language's names).
    let docs: std::collections::HashMap<&str, &Doc<ExchangeTrFront>> = translations
        .exchanges
        .iter()
        .filter(|(t, _)| t == tag)
        .map(|(_, d)| (d.slug.as_str(), d))
        .collect();
    let separator = site.place_separator();
    for (i, original) in base.exchanges.iter().enumerate() {
        let doc = docs.get(original.slug.as_str()).copied();
        site.exchanges[i] = exchange_in(
            original,
            &site.config,
            &separator,
            &default,
            doc,
            &mut problems,
        );
    }
    for o in &mut site.officials {
        o.lang = Some(default.clone());
    }
    for i in &mut site.issues {
        i.lang = Some(default.clone());
    }
    for (_, doc) in translations.exchanges.iter().filter(|(t, _)| t == tag) {
        if !base.exchange_slugs.contains_key(&doc.slug) {
            missing(
                doc,
                "exchange",
                "exchanges",
                base.exchange_slugs.keys(),
                root,
                &mut problems,
            );
        }
    }
    for (_, doc) in translations.officials.iter().filter(|(t, _)| t == tag) {
        apply_official(&mut site, base, doc, root, &mut problems);
    }
    for (_, doc) in translations.issues.iter().filter(|(t, _)| t == tag) {
        let Some(&i) = base.issue_slugs.get(&doc.slug) else {
            missing(
                doc,
                "issue",
                "issues",
                base.issue_slugs.keys(),
                root,
                &mut problems,
            );
            continue;
        };
        let issue = &mut site.issues[i];
        issue.name = doc.front.name.get_ref().trim().to_string();
        if !doc.body.trim().is_empty() {
            issue.body = doc.body.clone();
        }
        issue.lang = None;
    }
    (site, problems)
}

/// Languages a site's translations are written in that site.toml does
/// not list: one error per file.
pub fn unknown_languages(site: &Site, translations: &Translations) -> Vec<Diagnostic> {
    let known: Vec<&str> = site
        .config
        .languages
        .iter()
        .map(|l| l.tag.as_str())
        .collect();
    let files = translations
        .exchanges
        .iter()
        .map(|(t, d)| (t, &d.path))
        .chain(translations.officials.iter().map(|(t, d)| (t, &d.path)))
        .chain(translations.issues.iter().map(|(t, d)| (t, &d.path)));
    files
        .filter(|(t, _)| !known.contains(&t.as_str()))
        .map(|(t, path)| {
            Diagnostic::error(
                path,
                format!("a translation into `{t}`, a language site.toml does not list"),
            )
            .help(format!(
                "add [languages.{t}] to content/site.toml (with its title), or rename the file; {}",
                suggest::hint(t, "languages", &known)
            ))
        })
        .collect()
}

/// A translation whose original is missing (unless it is a draft).
fn missing<'a, F>(
    doc: &Doc<F>,
    what: &str,
    dir: &str,
    slugs: impl Iterator<Item = &'a String>,
    root: &Path,
    problems: &mut Vec<Diagnostic>,
) {
    let original = Path::new("content")
        .join(dir)
        .join(format!("{}.md", doc.slug));
    if root.join(&original).is_file() {
        // A draft, left out of this build: so is its translation.
        return;
    }
    let slugs: Vec<&str> = slugs.map(String::as_str).collect();
    problems.push(
        Diagnostic::error(
            &doc.path,
            format!(
                "a translation of the {what} `{}`, which does not exist",
                doc.slug
            ),
        )
        .help(format!(
            "a translation sits beside its original, {}; {}",
            original.display(),
            suggest::hint(&doc.slug, &format!("{what}s"), &slugs)
        )),
    );
}

/// `field` of the translation at `at` says `theirs`, the original `ours`.
fn disagree(
    doc_path: &Path,
    original: &Path,
    field: &str,
    at: LineCol,
    theirs: &str,
    ours: &str,
) -> Diagnostic {
    Diagnostic::error(
        doc_path,
        format!(
            "`{field}` is {theirs} here but {ours} in the original, {}",
            original.display()
        ),
    )
    .at(Some(at))
    .help(format!(
        "a translation takes `{field}` from its original: remove it here, or make the two agree"
    ))
}

/// Gives the countries and cities of `site` (a copy of the default
/// language's) their names in `language`: a country its name in
/// `[languages.TAG.countries]`, else the world table's in that language,
/// else the default language's; a city its name in
/// `[languages.TAG.cities]`. Returns the problems of those tables.
fn place_names(site: &mut Site, language: &Language) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let keys: Vec<&str> = site
        .config
        .countries
        .iter()
        .map(|c| c.key.as_str())
        .collect();
    for key in language.countries.keys() {
        if !keys.contains(&key.as_str()) {
            problems.push(
                Diagnostic::error(
                    crate::load::SITE_TOML,
                    format!(
                        "[languages.{}.countries] names `{key}`, a country the site does not know",
                        language.tag
                    ),
                )
                .help(suggest::hint(key, "countries", &keys)),
            );
        }
    }
    for c in &mut site.config.countries {
        if let Some(given) = language.countries.get(&c.key) {
            c.name = given.name.trim().to_string();
            c.short = given
                .short
                .as_deref()
                .unwrap_or(&given.name)
                .trim()
                .to_string();
        } else if let Some(name) = c
            .iso
            .as_deref()
            .and_then(|iso| world::country_name_in(iso, &language.tag))
        {
            c.name = name.to_string();
            c.short = name.to_string();
        }
    }
    let cities: Vec<&str> = site
        .places
        .iter()
        .flat_map(|c| c.cities.iter().map(|city| city.name.as_str()))
        .collect();
    for name in language.cities.keys() {
        let slug = crate::places::city_slug(name);
        if !site.places.iter().any(|c| {
            c.cities
                .iter()
                .any(|city| Some(&city.slug) == slug.as_ref())
        }) {
            problems.push(
                Diagnostic::warning(
                    crate::load::SITE_TOML,
                    format!(
                        "[languages.{}.cities] names `{name}`, a city no exchange is held in",
                        language.tag
                    ),
                )
                .help(format!(
                    "the key is the city's name as the content writes it; {}",
                    suggest::hint(name, "cities", &cities)
                )),
            );
        }
    }
    for country in &mut site.places {
        for city in &mut country.cities {
            if let Some(name) = city_name_in(&language.cities, &city.name) {
                city.name = name;
            }
        }
    }
    problems
}

/// The name `cities` (a `[languages.TAG.cities]` table) gives the city
/// written `name`: its own entry, else one of the same city slug
/// (`beijing` and `Beijing` are one city).
fn city_name_in(cities: &BTreeMap<String, String>, name: &str) -> Option<String> {
    let found = cities.get(name).or_else(|| {
        let slug = crate::places::city_slug(name)?;
        cities
            .iter()
            .find(|(k, _)| crate::places::city_slug(k).as_ref() == Some(&slug))
            .map(|(_, v)| v)
    })?;
    Some(found.trim().to_string()).filter(|n| !n.is_empty())
}

/// `original` (in the `default` language) as the pages of another
/// language show it: with the text of its translation `doc` there, or
/// as it is and marked as being in `default` without one; its structured
/// place with the names of `config` (the site in that language), its
/// parts joined by `separator`. What
/// the translation repeats of its original must agree (else `problems`).
pub fn exchange_in(
    original: &Exchange,
    config: &Config,
    separator: &str,
    default: &str,
    doc: Option<&Doc<ExchangeTrFront>>,
    problems: &mut Vec<Diagnostic>,
) -> Exchange {
    let mut e = original.clone();
    if let Some(place) = &mut e.place {
        let cities = config
            .languages
            .iter()
            .find(|l| l.tag == config.language)
            .map(|l| &l.cities);
        if let Some(name) = place.city.as_ref().and_then(|c| city_name_in(cities?, c)) {
            place.city = Some(name);
        }
        let country = place.country.as_ref().and_then(|c| config.country(&c.key));
        e.location = Some(crate::places::display(
            place.venue.as_deref(),
            place.city.as_deref(),
            country,
            separator,
        ))
        .filter(|t| !t.is_empty());
    }
    let Some(doc) = doc else {
        e.lang = Some(default.to_string());
        return e;
    };
    let f = &doc.front;
    let at = |span: std::ops::Range<usize>| doc.place(span);
    let mut agree = |field: &str, span, theirs: String, ours: String| {
        if theirs != ours {
            problems.push(disagree(
                &doc.path,
                &original.path,
                field,
                at(span),
                &theirs,
                &ours,
            ));
        }
    };
    if let Some(d) = &f.date {
        agree(
            "date",
            d.span(),
            d.get_ref().0.to_string(),
            original.date.to_string(),
        );
    }
    if let Some(d) = &f.end_date {
        let ours = original
            .end_date
            .map_or("none".to_string(), |d| d.to_string());
        agree("end_date", d.span(), d.get_ref().0.to_string(), ours);
    }
    if let Some(fmt) = &f.format {
        agree(
            "format",
            fmt.span(),
            fmt.get_ref().clone(),
            original.format.clone(),
        );
    }
    if let Some(list) = &f.officials {
        let ours: Vec<&str> = original
            .participants
            .iter()
            .map(|p| p.official.slug.as_str())
            .collect();
        agree(
            "officials",
            list.span(),
            list.get_ref().join(", "),
            ours.join(", "),
        );
    }
    if let Some(list) = &f.issues {
        let ours: Vec<&str> = original.issues.iter().map(|r| r.slug.as_str()).collect();
        agree(
            "issues",
            list.span(),
            list.get_ref().join(", "),
            ours.join(", "),
        );
    }
    e.title = f.title.get_ref().trim().to_string();
    let body = !doc.body.trim().is_empty();
    if body {
        e.body = doc.body.clone();
    }
    match &f.summary {
        Some(s) if !s.trim().is_empty() => e.summary = s.trim().to_string(),
        _ if body => e.summary = markdown::first_paragraph_text(&doc.body),
        _ => {}
    }
    if let Some(location) = f
        .location
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        e.location = Some(location.to_string());
    }
    e.lang = None;
    e
}

/// The text of `e` (an exchange of a translated site) that the data
/// files carry, when it has a translation.
pub fn text_of(e: &Exchange) -> Option<TranslatedText> {
    e.lang.is_none().then(|| TranslatedText {
        title: e.title.clone(),
        summary: e.summary.clone(),
        location: e.location.clone(),
    })
}

fn apply_official(
    site: &mut Site,
    base: &Site,
    doc: &Doc<crate::load::OfficialTrFront>,
    root: &Path,
    problems: &mut Vec<Diagnostic>,
) {
    let Some(&i) = base.official_slugs.get(&doc.slug) else {
        missing(
            doc,
            "official",
            "officials",
            base.official_slugs.keys(),
            root,
            problems,
        );
        return;
    };
    let f = &doc.front;
    let original = &base.officials[i];
    if let Some(country) = &f.country {
        if country.get_ref() != &original.country {
            problems.push(disagree(
                &doc.path,
                &original.path,
                "country",
                doc.place(country.span()),
                country.get_ref(),
                &original.country,
            ));
        }
    }
    if !f.roles.is_empty() && f.roles.len() != original.roles.len() {
        problems.push(
            Diagnostic::error(
                &doc.path,
                format!(
                    "{} roles here but {} in the original, {}",
                    f.roles.len(),
                    original.roles.len(),
                    original.path.display()
                ),
            )
            .at(Some(doc.place(f.roles[0].span())))
            .help("translate every role, in the original's order (oldest first), or none"),
        );
    }
    let o = &mut site.officials[i];
    o.name = f.name.get_ref().trim().to_string();
    o.sort_key = f
        .sort_as
        .as_deref()
        .unwrap_or(o.name.as_str())
        .trim()
        .to_lowercase();
    if f.roles.len() == original.roles.len() {
        for (role, tr) in o.roles.iter_mut().zip(&f.roles) {
            let tr = tr.get_ref();
            for (field, date, ours) in
                [("from", &tr.from, Some(role.from)), ("to", &tr.to, role.to)]
            {
                if let Some(d) = date {
                    if Some(d.get_ref().0) != ours {
                        problems.push(disagree(
                            &doc.path,
                            &original.path,
                            field,
                            doc.place(d.span()),
                            &d.get_ref().0.to_string(),
                            &ours.map_or("none".to_string(), |d| d.to_string()),
                        ));
                    }
                }
            }
            role.title = tr.title.trim().to_string();
        }
    }
    if !doc.body.trim().is_empty() {
        o.body = doc.body.clone();
    }
    o.lang = None;
}
