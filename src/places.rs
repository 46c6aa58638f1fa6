//! Where exchanges were held: countries and cities, resolved and indexed.
//!
//! Owns which countries a site knows (its site.toml `countries`, then any
//! ISO 3166-1 alpha-2 code from the embedded world table that an official
//! or a place names), the text a structured place is shown as, the slugs
//! of place pages, and the index of exchanges by country and city, built
//! once for every place page, feed and map. It reads no files and renders
//! nothing; `validate` judges unknown countries.

use std::collections::BTreeMap;

use crate::config::{Config, Country};
use crate::model::Exchange;
use crate::world;

/// Adds to `config.countries` every key in `keys` that site.toml does not
/// list but the world table knows (as its alpha-2 code), sorted by key
/// after the listed ones. Unknown keys are left for `validate`.
pub fn extend_countries<'a>(config: &mut Config, keys: impl Iterator<Item = &'a str>) {
    let mut added: BTreeMap<String, Country> = BTreeMap::new();
    for key in keys {
        if config.country(key).is_some() || added.contains_key(key) {
            continue;
        }
        let Some(w) = world::country(key).filter(|w| w.alpha2 == key) else {
            continue;
        };
        added.insert(
            key.to_string(),
            Country {
                key: key.to_string(),
                name: w.name.to_string(),
                short: w.name.to_string(),
                iso: Some(w.alpha2.to_string()),
                listed: false,
            },
        );
    }
    config.countries.extend(added.into_values());
}

/// The world region of a country ("Asia", "Europe", …), or "Elsewhere".
pub fn region(country: &Country) -> &'static str {
    country
        .iso
        .as_deref()
        .and_then(world::country)
        .map_or("Elsewhere", |w| w.region)
}

/// What [`display`] joins a place's parts with, unless the language's
/// interface strings say otherwise (`place.separator`).
pub const SEPARATOR: &str = ", ";

/// The text a place is shown as: venue, city, country name (what is
/// given), joined by `separator`.
pub fn display(
    venue: Option<&str>,
    city: Option<&str>,
    country: Option<&Country>,
    separator: &str,
) -> String {
    [venue, city, country.map(|c| c.name.as_str())]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(separator)
}

/// The URL segment of a country's place page: its key, lowercase.
pub fn country_slug(key: &str) -> String {
    key.to_lowercase()
}

/// The URL segment of a city's place page: lowercase letters and digits
/// (any script) joined by dashes; `None` for a name with none.
pub fn city_slug(name: &str) -> Option<String> {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            slug.extend(fold(c).to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    (!slug.is_empty()).then_some(slug)
}

/// A Latin letter without its accent (é → e, ü → u); others unchanged.
fn fold(c: char) -> char {
    const FROM: &str = "àáâãäåāăąçćčďèéêëēėęěìíîïīįıñńňòóôõöøōőùúûüūůűųýÿžźżśšşţťłßÀÁÂÃÄÅĀĂĄÇĆČĎÈÉÊËĒĖĘĚÌÍÎÏĪĮİÑŃŇÒÓÔÕÖØŌŐÙÚÛÜŪŮŰŲÝŸŽŹŻŚŠŞŢŤŁ";
    const TO: &str = "aaaaaaaaaccdeeeeeeeeiiiiiiinnnoooooooouuuuuuuuyyzzzssstlsAAAAAAAAACCCDEEEEEEEEIIIIIIINNNOOOOOOOOUUUUUUUUYYZZZSSSTTL";
    FROM.chars()
        .position(|f| f == c)
        .and_then(|i| TO.chars().nth(i))
        .unwrap_or(c)
}

/// The exchanges held in one city of a country.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceCity {
    pub name: String,
    pub slug: String,
    /// Newest first.
    pub exchanges: Vec<usize>,
    /// Where its mark goes: given in a place, or the world table's city.
    pub coords: Option<(f64, f64)>,
}

/// The exchanges held in one country.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceCountry {
    /// The key in `config.countries`.
    pub key: String,
    pub slug: String,
    /// Newest first.
    pub exchanges: Vec<usize>,
    /// By name.
    pub cities: Vec<PlaceCity>,
    /// Where its mark goes (the world table's label point).
    pub coords: Option<(f64, f64)>,
}

/// The structured place a free-text location names, when its parts name
/// a country (the last part) and maybe a city (the first) that detente
/// knows: `(city, country key)`. The key is the site's own when site.toml
/// lists that country, else its ISO code.
pub fn suggest(config: &Config, text: &str) -> Option<(Option<String>, String)> {
    let parts: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let last = *parts.last()?;
    let listed = config.countries.iter().find(|c| {
        c.name.eq_ignore_ascii_case(last)
            || c.short.eq_ignore_ascii_case(last)
            || c.key.eq_ignore_ascii_case(last)
    });
    let iso = match listed {
        Some(c) => c.iso.clone(),
        None => world::country_named(last)
            .or_else(|| world::country(last))
            .map(|w| w.alpha2.to_string()),
    };
    let key = match (listed, &iso) {
        (Some(c), _) => c.key.clone(),
        (None, Some(iso)) => config
            .countries
            .iter()
            .find(|c| c.iso.as_deref() == Some(iso.as_str()))
            .map_or_else(|| iso.clone(), |c| c.key.clone()),
        (None, None) => {
            // A city alone: "Geneva", "Bali".
            let city = world::city(parts[0], None)?;
            let key = config
                .countries
                .iter()
                .find(|c| c.iso.as_deref() == Some(city.country))
                .map_or_else(|| city.country.to_string(), |c| c.key.clone());
            return Some((Some(city.name.to_string()), key));
        }
    };
    let city = (parts.len() > 1).then(|| parts[0]).and_then(|c| {
        world::city(c, iso.as_deref())
            .map(|w| w.name.to_string())
            .or(Some(c.to_string()))
    });
    Some((city, key))
}

/// One place page's list: a country, or a city of it (indexes into
/// `Site::places` and its `cities`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PlaceList {
    pub country: usize,
    pub city: Option<usize>,
}

/// Every place page's list, countries each followed by their cities.
pub fn lists(places: &[PlaceCountry]) -> Vec<PlaceList> {
    places
        .iter()
        .enumerate()
        .flat_map(|(country, c)| {
            std::iter::once(PlaceList {
                country,
                city: None,
            })
            .chain((0..c.cities.len()).map(move |city| PlaceList {
                country,
                city: Some(city),
            }))
        })
        .collect()
}

impl PlaceList {
    /// The exchanges held there, newest first.
    pub fn exchanges<'a>(&self, places: &'a [PlaceCountry]) -> &'a [usize] {
        let country = &places[self.country];
        match self.city {
            Some(c) => &country.cities[c].exchanges,
            None => &country.exchanges,
        }
    }

    /// The page's folder: `places/cn/` or `places/cn/beijing/`.
    pub fn path(&self, places: &[PlaceCountry]) -> String {
        let country = &places[self.country];
        match self.city {
            Some(c) => format!("places/{}/{}/", country.slug, country.cities[c].slug),
            None => format!("places/{}/", country.slug),
        }
    }

    /// Its name: the city's, or the country's.
    pub fn name<'a>(&self, places: &'a [PlaceCountry], config: &'a Config) -> &'a str {
        let country = &places[self.country];
        match self.city {
            Some(c) => &country.cities[c].name,
            None => config
                .country(&country.key)
                .map_or(country.key.as_str(), |c| c.name.as_str()),
        }
    }
}

/// Indexes `exchanges` (newest first) by the country and city of their
/// structured places. Countries and cities come out sorted by slug.
pub fn index(config: &Config, exchanges: &[Exchange]) -> Vec<PlaceCountry> {
    let mut countries: BTreeMap<String, PlaceCountry> = BTreeMap::new();
    for (i, e) in exchanges.iter().enumerate() {
        let Some(place) = &e.place else { continue };
        let Some(key) = place.country.as_ref().map(|c| c.key.as_str()) else {
            continue;
        };
        let Some(country) = config.country(key) else {
            continue;
        };
        let entry = countries
            .entry(country_slug(key))
            .or_insert_with(|| PlaceCountry {
                key: key.to_string(),
                slug: country_slug(key),
                exchanges: Vec::new(),
                cities: Vec::new(),
                coords: country
                    .iso
                    .as_deref()
                    .and_then(world::country)
                    .map(|w| (f64::from(w.label.0), f64::from(w.label.1))),
            });
        entry.exchanges.push(i);
        let Some((name, slug)) = place
            .city
            .as_deref()
            .and_then(|c| Some((c.trim(), city_slug(c)?)))
        else {
            continue;
        };
        match entry.cities.iter_mut().find(|c| c.slug == slug) {
            Some(city) => {
                city.exchanges.push(i);
                city.coords = city.coords.or(place.coords);
            }
            None => entry.cities.push(PlaceCity {
                name: name.to_string(),
                slug,
                exchanges: vec![i],
                coords: place.coords.or_else(|| {
                    world::city(name, country.iso.as_deref())
                        .map(|c| (f64::from(c.lon), f64::from(c.lat)))
                }),
            }),
        }
    }
    let mut out: Vec<PlaceCountry> = countries.into_values().collect();
    for c in &mut out {
        c.cities.sort_by(|a, b| a.slug.cmp(&b.slug));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn city_slugs_fold_accents_and_keep_other_scripts() {
        assert_eq!(city_slug("Beijing").as_deref(), Some("beijing"));
        assert_eq!(
            city_slug("Nusa Dua, Bali").as_deref(),
            Some("nusa-dua-bali")
        );
        assert_eq!(city_slug("Genève").as_deref(), Some("geneve"));
        assert_eq!(city_slug("São Paulo").as_deref(), Some("sao-paulo"));
        assert_eq!(city_slug("北京").as_deref(), Some("北京"));
        assert_eq!(city_slug(" -- "), None);
    }

    #[test]
    fn display_joins_what_is_given() {
        let cn = Country {
            key: "CN".into(),
            name: "China".into(),
            short: "China".into(),
            iso: Some("CN".into()),
            listed: true,
        };
        assert_eq!(
            display(Some("Diaoyutai"), Some("Beijing"), Some(&cn), SEPARATOR),
            "Diaoyutai, Beijing, China"
        );
        assert_eq!(display(None, None, Some(&cn), SEPARATOR), "China");
        assert_eq!(display(None, Some(" Bali "), None, SEPARATOR), "Bali");
        assert_eq!(display(None, Some("北京"), Some(&cn), "，"), "北京，China");
    }
}

/// Two countries whose officials took part in the same exchanges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryPair {
    /// Keys, in the order of `config.countries`.
    pub a: String,
    pub b: String,
    /// The exchanges with officials of both, newest first.
    pub exchanges: Vec<usize>,
}

impl CountryPair {
    /// The page's folder: `who-met-whom/cn-us/`.
    pub fn path(&self) -> String {
        format!(
            "who-met-whom/{}-{}/",
            country_slug(&self.a),
            country_slug(&self.b)
        )
    }
}

/// The pairs of countries that met, most exchanges first, when officials
/// of more than two countries took part in exchanges; none otherwise
/// (two countries have the one grid of the who-met-whom page).
pub fn country_pairs(
    config: &Config,
    exchanges: &[Exchange],
    country_of: impl Fn(usize) -> Option<usize>,
) -> Vec<CountryPair> {
    let mut active = std::collections::BTreeSet::new();
    let mut pairs: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (i, e) in exchanges.iter().enumerate() {
        let mut here: Vec<usize> = e.officials().filter_map(&country_of).collect();
        here.sort_unstable();
        here.dedup();
        active.extend(here.iter().copied());
        for (k, &a) in here.iter().enumerate() {
            for &b in &here[k + 1..] {
                pairs.entry((a, b)).or_default().push(i);
            }
        }
    }
    if active.len() <= 2 {
        return Vec::new();
    }
    let mut out: Vec<CountryPair> = pairs
        .into_iter()
        .map(|((a, b), exchanges)| CountryPair {
            a: config.countries[a].key.clone(),
            b: config.countries[b].key.clone(),
            exchanges,
        })
        .collect();
    out.sort_by(|x, y| {
        y.exchanges
            .len()
            .cmp(&x.exchanges.len())
            .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
    });
    out
}
