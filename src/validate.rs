//! The content rules a site must meet before anything is rendered.
//!
//! Owns every rule that spans fields or files: slugs are well-formed and
//! unique, references resolve, dates are in order, formats and countries are
//! known, roles do not overlap, and each official held a role on the day of
//! each exchange (a warning). It reads the model and returns diagnostics; it
//! changes nothing and renders nothing.

use std::collections::HashMap;
use std::path::Path;

use crate::error::{Diagnostic, LineCol};
use crate::load::Kind;
use crate::markdown;
use crate::model::{Exchange, Ref, Site};
use crate::suggest;

/// Checks the whole site. Errors and warnings come back sorted by file and line.
pub fn validate(site: &Site) -> Vec<Diagnostic> {
    let mut out = site.load_diagnostics.clone();
    check_config(site, &mut out);
    check_slugs(
        Kind::Exchange,
        site.exchanges
            .iter()
            .map(|e| (e.slug.as_str(), e.path.as_path())),
        &mut out,
    );
    check_slugs(
        Kind::Official,
        site.officials
            .iter()
            .map(|o| (o.slug.as_str(), o.path.as_path())),
        &mut out,
    );
    check_slugs(
        Kind::Issue,
        site.issues
            .iter()
            .map(|i| (i.slug.as_str(), i.path.as_path())),
        &mut out,
    );
    check_officials(site, &mut out);
    check_issues(site, &mut out);
    check_exchanges(site, &mut out);
    out.sort_by(|a, b| a.file.cmp(&b.file).then(a.at.cmp(&b.at)));
    out
}

fn check_config(site: &Site, out: &mut Vec<Diagnostic>) {
    let file = Path::new(crate::load::SITE_TOML);
    if site.config.title.trim().is_empty() {
        out.push(
            Diagnostic::error(file, "`title` is empty")
                .help("give the site a title, e.g. title = \"US–China exchanges\""),
        );
    }
    if site.config.formats.is_empty() {
        out.push(
            Diagnostic::error(file, "`formats` is empty")
                .help("list at least one format, or remove the key to use the defaults"),
        );
    }
    for c in &site.config.countries {
        if !is_valid_slug(&c.key) {
            out.push(
                Diagnostic::error(
                    file,
                    format!(
                        "country key `{}` may only use letters, digits and dashes",
                        c.key
                    ),
                )
                .help("rename the [countries.KEY] table, e.g. [countries.US]"),
            );
        }
    }
}

/// Whether a slug is safe as one URL segment and file name.
pub fn is_valid_slug(slug: &str) -> bool {
    let mut chars = slug.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn check_slugs<'a>(
    kind: Kind,
    entries: impl Iterator<Item = (&'a str, &'a Path)>,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<String, &Path> = HashMap::new();
    for (slug, path) in entries {
        if !is_valid_slug(slug) {
            out.push(
                Diagnostic::error(path, format!("`{slug}` cannot be used as an {} slug", kind.noun()))
                    .help("name the file with letters, digits, `-` and `_` only, e.g. 2023-06-18-blinken-qin-beijing.md"),
            );
            continue;
        }
        let key = slug.to_ascii_lowercase();
        if let Some(first) = seen.get(&key) {
            out.push(
                Diagnostic::error(path, format!("the {} slug `{slug}` is used twice (also by {})", kind.noun(), first.display()))
                    .help("slugs must differ by more than letter case, since many hosts ignore case; rename one of the files"),
            );
        } else {
            seen.insert(key, path);
        }
    }
}

/// The keys of the countries site.toml lists.
fn listed_countries(site: &Site) -> Vec<&str> {
    site.config
        .countries
        .iter()
        .filter(|c| c.listed)
        .map(|c| c.key.as_str())
        .collect()
}

fn check_officials(site: &Site, out: &mut Vec<Diagnostic>) {
    let countries = listed_countries(site);
    for o in &site.officials {
        out.extend(o.image.iter().flat_map(crate::media::check));
        if o.name.is_empty() {
            out.push(
                Diagnostic::error(&o.path, "`name` is empty")
                    .at(Some(LineCol { line: 2, column: 1 }))
                    .help("write the name to show, e.g. name = \"Wang Yi\""),
            );
        }
        if site.config.country(&o.country).is_none() {
            out.push(unknown_country(
                &countries,
                &o.path,
                &o.country,
                o.country_at,
            ));
        }
        for r in &o.roles {
            if r.to.is_some_and(|to| to < r.from) {
                out.push(
                    Diagnostic::error(
                        &o.path,
                        format!(
                            "the role `{}` ends ({}) before it starts ({})",
                            r.title,
                            fmt_opt(r.to),
                            r.from
                        ),
                    )
                    .at(Some(r.at))
                    .help("swap `from` and `to`, or fix the dates"),
                );
            }
        }
        for pair in o.roles.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if a.to.is_none_or(|to| to >= b.from) {
                out.push(
                    Diagnostic::error(&o.path, format!("the roles `{}` (from {}) and `{}` (from {}) overlap", a.title, a.from, b.title, b.from))
                        .at(Some(b.at))
                        .help("end the earlier role before the later one starts; for offices held at once, name them in one role's title"),
                );
            }
        }
    }
}

fn check_issues(site: &Site, out: &mut Vec<Diagnostic>) {
    for i in &site.issues {
        if i.name.is_empty() {
            out.push(
                Diagnostic::error(&i.path, "`name` is empty")
                    .at(Some(LineCol { line: 2, column: 1 }))
                    .help("write the name to show, e.g. name = \"Wang Yi\""),
            );
        }
    }
}

fn check_exchanges(site: &Site, out: &mut Vec<Diagnostic>) {
    let names = Names::of(site);
    for e in &site.exchanges {
        check_exchange(site, &names, e, out);
    }
}

/// What an exchange may name: officials, issues and formats.
struct Names<'a> {
    officials: Vec<&'a str>,
    issues: Vec<&'a str>,
    formats: Vec<&'a str>,
    /// The countries site.toml lists, for suggestions.
    countries: Vec<&'a str>,
}

impl<'a> Names<'a> {
    fn of(site: &'a Site) -> Names<'a> {
        Names {
            officials: site.officials.iter().map(|o| o.slug.as_str()).collect(),
            issues: site.issues.iter().map(|i| i.slug.as_str()).collect(),
            formats: site.config.formats.iter().map(String::as_str).collect(),
            countries: listed_countries(site),
        }
    }
}

/// The problems of one exchange as it would stand in `site` (the dev
/// server's check of an exchange edited in place: nothing else in the
/// site can change what is said about it, nor it about anything else,
/// as long as its slug, date, officials and issues stay the same).
pub fn exchange(site: &Site, e: &Exchange) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_exchange(site, &Names::of(site), e, &mut out);
    out
}

/// `key` names no country of the site nor of the world table.
fn unknown_country(listed: &[&str], path: &Path, key: &str, at: LineCol) -> Diagnostic {
    let hint = match crate::world::country_named(key).or_else(|| crate::world::country(key)) {
        Some(w) => format!("did you mean `{}`? ({})", w.alpha2, w.name),
        None => suggest::hint(key, "countries", listed),
    };
    Diagnostic::error(path, format!("unknown country `{key}`"))
        .at(Some(at))
        .help(format!(
            "{hint} (a country is a [countries.KEY] table of content/site.toml, or an ISO 3166-1 alpha-2 code such as `JP`)"
        ))
}

/// A structured place and a host must name known countries; a place
/// needs its country, and coordinates must be on the globe.
fn check_place(site: &Site, countries: &[&str], e: &Exchange, out: &mut Vec<Diagnostic>) {
    if let Some(place) = &e.place {
        match &place.country {
            Some(c) if site.config.country(&c.key).is_none() => {
                out.push(unknown_country(countries, &e.path, &c.key, c.at));
            }
            Some(_) => {}
            None => out.push(
                Diagnostic::error(&e.path, "a place needs its `country`")
                    .at(Some(place.at))
                    .help("add the country's key: location = { city = \"Geneva\", country = \"CH\" }, or write the location as text"),
            ),
        }
        if let Some((lon, lat)) = place.coords {
            if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
                out.push(
                    Diagnostic::error(&e.path, format!("`lat` {lat} and `lon` {lon} are not on the globe"))
                        .at(Some(place.at))
                        .help("latitude runs from -90 to 90, longitude from -180 to 180 (decimal degrees)"),
                );
            }
        }
    }
    if let Some(host) = &e.host {
        let from_place = e.place.as_ref().and_then(|p| p.country.as_ref()) == Some(host);
        if !from_place && site.config.country(&host.key).is_none() {
            out.push(unknown_country(countries, &e.path, &host.key, host.at));
        }
    }
}

fn check_exchange(site: &Site, names: &Names, e: &Exchange, out: &mut Vec<Diagnostic>) {
    let (official_slugs, issue_slugs, formats) = (&names.officials, &names.issues, &names.formats);
    check_place(site, &names.countries, e, out);
    out.extend(e.media.iter().flat_map(crate::media::check));
    let p = &e.places;
    if e.title.is_empty() {
        out.push(
            Diagnostic::error(&e.path, "`title` is empty")
                .at(Some(p.title))
                .help("give the exchange a title, e.g. title = \"Blinken meets Qin in Beijing\""),
        );
    }
    if let Some(end) = e.end_date.filter(|end| *end < e.date) {
        out.push(
            Diagnostic::error(
                &e.path,
                format!("`end_date` ({end}) is before `date` ({})", e.date),
            )
            .at(p.end_date)
            .help("an exchange cannot end before it starts; fix or remove `end_date`"),
        );
    }
    if !formats.contains(&e.format.as_str()) {
        out.push(
            Diagnostic::error(&e.path, format!("unknown format `{}`", e.format))
                .at(Some(p.format))
                .help(suggest::hint(&e.format, "formats", formats)),
        );
    }
    if e.participants.is_empty() {
        out.push(
            Diagnostic::error(&e.path, "`officials` is empty")
                .at(Some(p.officials))
                .help("name at least one official by slug, e.g. officials = [\"antony-blinken\"]"),
        );
    }
    let mut seen = Vec::new();
    for part in &e.participants {
        let r = &part.official;
        if seen.contains(&r.slug) {
            out.push(
                Diagnostic::error(&e.path, format!("official `{}` is listed twice", r.slug))
                    .at(Some(r.at))
                    .help("remove the second mention"),
            );
        }
        seen.push(r.slug.clone());
        check_ref(site, Kind::Official, r, &e.path, official_slugs, out);
        if let (Some(o), None) = (r.target, part.role) {
            let o = &site.officials[o];
            out.push(
                Diagnostic::warning(
                    &e.path,
                    format!(
                        "{} ({}) held no role on {}, the date of `{}`",
                        o.name, o.slug, e.date, e.slug
                    ),
                )
                .at(Some(r.at))
                .help(format!(
                    "add the role they held then to {}",
                    o.path.display()
                )),
            );
        }
    }
    let mut seen = Vec::new();
    for r in &e.issues {
        if seen.contains(&r.slug) {
            out.push(
                Diagnostic::error(&e.path, format!("issue `{}` is listed twice", r.slug))
                    .at(Some(r.at))
                    .help("remove the second mention"),
            );
        }
        seen.push(r.slug.clone());
        check_ref(site, Kind::Issue, r, &e.path, issue_slugs, out);
    }
    for (s, at) in &e.sources {
        let url = s.url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://"))
            || !markdown::url_is_safe(url, false)
        {
            out.push(
                Diagnostic::error(
                    &e.path,
                    format!("source URL `{url}` is not an http(s) address"),
                )
                .at(Some(*at))
                .help("sources must link to web pages, e.g. https://www.state.gov/…"),
            );
        }
    }
}

fn check_ref(
    site: &Site,
    kind: Kind,
    r: &Ref,
    file: &Path,
    candidates: &[&str],
    out: &mut Vec<Diagnostic>,
) {
    if r.target.is_some()
        || site
            .unreadable
            .iter()
            .any(|(k, s)| *k == kind && *s == r.slug)
    {
        return;
    }
    if !is_valid_slug(&r.slug) {
        // A path (`../officials/x.md`) rather than a slug: suggest its last part.
        let last = r.slug.rsplit(['/', '\\']).next().unwrap_or_default();
        let guess = last.strip_suffix(".md").unwrap_or(last);
        out.push(
            Diagnostic::error(
                file,
                format!("`{}` is not an {} slug", r.slug, kind.noun()),
            )
            .at(Some(r.at))
            .help(format!(
                "name an {} by its file name in {}/ without `.md` (letters, digits, `-`, `_`); {}",
                kind.noun(),
                kind.dir(),
                suggest::hint(guess, &format!("{}s", kind.noun()), candidates)
            )),
        );
        return;
    }
    out.push(
        Diagnostic::error(file, format!("unknown {} `{}`", kind.noun(), r.slug))
            .at(Some(r.at))
            .help(format!(
                "{} (each {} is a file in {}/)",
                suggest::hint(&r.slug, &format!("{}s", kind.noun()), candidates),
                kind.noun(),
                kind.dir()
            )),
    );
}

fn fmt_opt(d: Option<chrono::NaiveDate>) -> String {
    d.map_or_else(String::new, |d| d.to_string())
}
