//! World reference data: countries (ISO 3166-1 codes, common and official
//! English names, UN M49 regions, a point to put a mark) and cities (from
//! GeoNames), with lookups by code or by name.
//!
//! Owns the tables in `world/data.rs`, which `tools/world/generate.py` writes
//! from pinned public packages and which are committed, so builds need no
//! network; `world/README.md` names the sources, their versions and their
//! licenses (GeoNames data needs attribution). This module reads no files
//! and touches no network at run time, and knows nothing of sites, pages or
//! maps. Lookups take any text (user content) and never panic; names are
//! compared after [`fold`], so case, diacritics and punctuation don't matter.

use std::collections::HashMap;
use std::sync::OnceLock;

#[rustfmt::skip]
mod data;
#[rustfmt::skip]
mod names;

/// A country or territory of ISO 3166-1 (and Kosovo, `XK`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorldCountry {
    /// ISO 3166-1 alpha-2, e.g. "CN"; "XK" for Kosovo (user-assigned).
    pub alpha2: &'static str,
    /// ISO 3166-1 alpha-3, e.g. "CHN"; "XKX" for Kosovo.
    pub alpha3: &'static str,
    /// ISO 3166-1 numeric, e.g. 156; 0 for Kosovo, which has none.
    pub numeric: u16,
    /// The short English name in common use: "China", "United States",
    /// "South Korea", "Türkiye", "Côte d'Ivoire".
    pub name: &'static str,
    /// The official name where one exists ("People's Republic of China"),
    /// else the name.
    pub official_name: &'static str,
    /// The UN M49 top-level region: "Africa", "Americas", "Asia", "Europe",
    /// "Oceania", or "Antarctica" (for AQ).
    pub region: &'static str,
    /// (longitude, latitude) of a point to put a mark: inside the largest
    /// polygon of its outline, or its capital for a country too small to have
    /// one on the map.
    pub label: (f32, f32),
}

/// A city: every one of at least 300,000 people, every capital, and some
/// smaller places where summits and talks are held (Geneva, Davos, Yalta).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorldCity {
    /// The GeoNames name, in English where it has one ("Munich", "Kyiv").
    pub name: &'static str,
    /// The alpha-2 code of its country.
    pub country: &'static str,
    pub lat: f32,
    pub lon: f32,
    pub population: u32,
    /// Whether it is the capital of its country or territory.
    pub capital: bool,
}

/// Every country, sorted by alpha-2 code (250: ISO 3166-1's 249 and Kosovo).
pub fn countries() -> &'static [WorldCountry] {
    &data::COUNTRIES
}

/// The name of the country `alpha2` in the language `tag` (BCP 47), from
/// the table of that tag or of its primary language (`pt-BR`: `pt`); none
/// when neither has one. Chinese names are in simplified characters, so a
/// tag asking for traditional ones (`zh-Hant`, `zh-TW`, `zh-HK`, `zh-MO`)
/// gets none.
pub fn country_name_in(alpha2: &str, tag: &str) -> Option<&'static str> {
    let at = data::COUNTRIES
        .binary_search_by(|c| c.alpha2.cmp(alpha2))
        .ok()?;
    let lower = tag.to_ascii_lowercase();
    let mut subtags = lower.split('-');
    let primary = subtags.next()?;
    if primary == "zh" && subtags.any(|s| matches!(s, "hant" | "tw" | "hk" | "mo")) {
        return None;
    }
    let table = names::NAMES
        .iter()
        .find(|(t, _)| *t == lower)
        .or_else(|| names::NAMES.iter().find(|(t, _)| *t == primary))?;
    Some(table.1[at]).filter(|n| !n.is_empty())
}

/// The country with this alpha-2 or alpha-3 code, in any case ("cn", "CHN").
pub fn country(code: &str) -> Option<&'static WorldCountry> {
    let code = code.trim();
    match code.len() {
        2 => {
            let upper = code.to_ascii_uppercase();
            let at = data::COUNTRIES
                .binary_search_by(|c| c.alpha2.cmp(upper.as_str()))
                .ok()?;
            data::COUNTRIES.get(at)
        }
        3 => data::COUNTRIES
            .iter()
            .find(|c| c.alpha3.eq_ignore_ascii_case(code)),
        _ => None,
    }
}

/// The country with this name, official name or alias ("USA", "U.S.",
/// "UK", "Britain", "PRC", "Russia", "Turkey", "Viet Nam", "Burma"...),
/// compared after [`fold`]. An alias two countries share ("Congo") names
/// neither.
pub fn country_named(name: &str) -> Option<&'static WorldCountry> {
    static INDEX: OnceLock<HashMap<String, usize>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut index = HashMap::new();
        let countries = &data::COUNTRIES;
        let names = countries.iter().enumerate().map(|(i, c)| (c.name, i));
        let officials = countries
            .iter()
            .enumerate()
            .map(|(i, c)| (c.official_name, i));
        let aliases = data::COUNTRY_ALIASES.iter().filter_map(|&(alias, code)| {
            let at = countries.iter().position(|c| c.alpha2 == code)?;
            Some((alias, at))
        });
        // Names first: an official name or an alias never takes a name.
        for (name, at) in names.chain(officials).chain(aliases) {
            index.entry(fold(name)).or_insert(at);
        }
        index
    });
    let at = *index.get(&fold(name))?;
    data::COUNTRIES.get(at)
}

/// Every city, sorted by country, then name.
pub fn cities() -> &'static [WorldCity] {
    &data::CITIES
}

/// The city with this name (or a common other name: "Kiev", "Bombay", "New
/// York", "Washington, D.C."), compared after [`fold`]. With `country` (an
/// alpha-2 or alpha-3 code, or a country's name), only a city of that
/// country; without, the most populous city of that name. An unknown
/// country finds nothing.
pub fn city(name: &str, country: Option<&str>) -> Option<&'static WorldCity> {
    static INDEX: OnceLock<HashMap<String, Vec<usize>>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let cities = &data::CITIES;
        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        for (at, city) in cities.iter().enumerate() {
            index.entry(fold(city.name)).or_default().push(at);
        }
        for &(alias, code, target) in &data::CITY_ALIASES {
            let found = cities
                .iter()
                .enumerate()
                .filter(|(_, c)| c.country == code && c.name == target)
                .max_by_key(|(at, c)| (c.population, std::cmp::Reverse(*at)));
            if let Some((at, _)) = found {
                let entry = index.entry(fold(alias)).or_default();
                if !entry.contains(&at) {
                    entry.push(at);
                }
            }
        }
        for entry in index.values_mut() {
            entry.sort_by_key(|&at| (std::cmp::Reverse(cities[at].population), at));
        }
        index
    });
    let found = index.get(&fold(name))?;
    let code = match country {
        Some(text) => Some(self::country(text).or_else(|| country_named(text))?.alpha2),
        None => None,
    };
    found
        .iter()
        .map(|&at| &data::CITIES[at])
        .find(|c| code.is_none_or(|code| c.country == code))
}

/// The key names are compared by: lower case, Latin letters without their
/// diacritics ("Türkiye" → "turkiye", "Łódź" → "lodz", "Straße" → "strasse"),
/// without `.` `,` `'` `’` `(` `)`, `-` `/` `_` as spaces, `&` as "and", "St"
/// and "Ste" as "Saint" and "Sainte", without a leading "The", and single
/// spaces between words. `tools/world/generate.py` folds the same way to
/// find aliases two countries share.
pub fn fold(text: &str) -> String {
    let mut flat = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        if ch.is_ascii() {
            push_folded(&mut flat, ch.to_ascii_lowercase());
        } else if let Ok(at) = data::FOLD.binary_search_by(|(c, _)| c.cmp(&ch)) {
            data::FOLD[at]
                .1
                .chars()
                .for_each(|c| push_folded(&mut flat, c));
        } else {
            ch.to_lowercase().for_each(|c| push_folded(&mut flat, c));
        }
    }
    let mut words = flat.split_whitespace().peekable();
    let mut out = String::with_capacity(flat.len());
    if let Some(&"the") = words.peek() {
        let mut rest = words.clone();
        rest.next();
        if rest.peek().is_some() {
            words = rest;
        }
    }
    for word in words {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(match word {
            "st" => "saint",
            "ste" => "sainte",
            other => other,
        });
    }
    out
}

fn push_folded(out: &mut String, ch: char) {
    match ch {
        '.' | '\'' | '’' | '‘' | 'ʼ' | 'ʻ' | '`' | '´' | ',' | '(' | ')' | '"' => {}
        '&' => out.push_str(" and "),
        '-' | '‐' | '‑' | '–' | '—' | '_' | '/' => out.push(' '),
        c if c.is_whitespace() => out.push(' '),
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str) -> Option<&'static str> {
        country_named(name).map(|c| c.alpha2)
    }

    #[test]
    fn country_names_in_other_languages() {
        assert_eq!(country_name_in("CN", "zh"), Some("中国"));
        assert_eq!(country_name_in("US", "zh-Hans"), Some("美国"));
        assert_eq!(country_name_in("CN", "fr"), Some("Chine"));
        // A region falls back to its language; a list gives its first.
        assert_eq!(country_name_in("US", "pt-BR"), Some("Estados Unidos"));
        assert_eq!(
            country_name_in("US", "DE"),
            Some("Vereinigte Staaten von Amerika")
        );
        // Simplified characters are not given for traditional ones.
        assert_eq!(country_name_in("CN", "zh-Hant"), None);
        assert_eq!(country_name_in("CN", "zh-TW"), None);
        // Unknown languages and codes.
        assert_eq!(country_name_in("CN", "tlh"), None);
        assert_eq!(country_name_in("QQ", "zh"), None);
        // Every language has most countries.
        for (tag, names) in names::NAMES.iter() {
            let given = names.iter().filter(|n| !n.is_empty()).count();
            assert!(given >= 240, "{tag}: {given}");
        }
    }

    #[test]
    fn countries_are_sorted_unique_and_complete() {
        let all = countries();
        assert_eq!(all.len(), 250, "ISO 3166-1's 249 and Kosovo");
        assert!(all.windows(2).all(|w| w[0].alpha2 < w[1].alpha2));
        let mut alpha3: Vec<_> = all.iter().map(|c| c.alpha3).collect();
        alpha3.sort_unstable();
        alpha3.dedup();
        assert_eq!(alpha3.len(), all.len());
        let mut numeric: Vec<_> = all.iter().map(|c| c.numeric).filter(|&n| n != 0).collect();
        numeric.sort_unstable();
        numeric.dedup();
        assert_eq!(
            numeric.len(),
            all.len() - 1,
            "only Kosovo has no numeric code"
        );
        let regions = [
            "Africa",
            "Americas",
            "Asia",
            "Europe",
            "Oceania",
            "Antarctica",
        ];
        for c in all {
            assert!(regions.contains(&c.region), "{}: {}", c.alpha2, c.region);
            assert!(c.alpha2.len() == 2 && c.alpha3.len() == 3, "{c:?}");
            assert!(!c.name.is_empty() && !c.official_name.is_empty(), "{c:?}");
            let (lon, lat) = c.label;
            assert!((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat));
        }
    }

    #[test]
    fn regions_follow_un_m49() {
        let region = |code: &str| country(code).map(|c| c.region);
        assert_eq!(region("AQ"), Some("Antarctica"));
        assert_eq!(region("US"), Some("Americas"));
        assert_eq!(region("BR"), Some("Americas"));
        assert_eq!(region("GL"), Some("Americas"));
        assert_eq!(region("RU"), Some("Europe"));
        assert_eq!(region("CY"), Some("Asia"));
        assert_eq!(region("TR"), Some("Asia"));
        assert_eq!(region("EG"), Some("Africa"));
        assert_eq!(region("TL"), Some("Asia"));
        assert_eq!(region("AU"), Some("Oceania"));
    }

    #[test]
    fn by_code_in_any_case() {
        let cn = country("CN").map(|c| (c.alpha3, c.numeric, c.name, c.official_name));
        assert_eq!(
            cn,
            Some(("CHN", 156, "China", "People's Republic of China"))
        );
        assert_eq!(country("cn").map(|c| c.alpha2), Some("CN"));
        assert_eq!(country("CHN").map(|c| c.alpha2), Some("CN"));
        assert_eq!(country("chn").map(|c| c.alpha2), Some("CN"));
        assert_eq!(country(" us ").map(|c| c.name), Some("United States"));
        assert_eq!(country("usa").map(|c| c.alpha2), Some("US"));
        assert_eq!(country("xk").map(|c| c.name), Some("Kosovo"));
        for nothing in [
            "",
            "X",
            "XX",
            "ZZZ",
            "CHNA",
            "é",
            "éé",
            "中国",
            "\u{0}\u{0}",
        ] {
            assert!(country(nothing).is_none(), "{nothing:?}");
        }
    }

    #[test]
    fn names_are_common_names() {
        let name = |code: &str| country(code).map(|c| c.name);
        assert_eq!(name("US"), Some("United States"));
        assert_eq!(name("KR"), Some("South Korea"));
        assert_eq!(name("KP"), Some("North Korea"));
        assert_eq!(name("RU"), Some("Russia"));
        assert_eq!(name("GB"), Some("United Kingdom"));
        assert_eq!(name("TR"), Some("Türkiye"));
        assert_eq!(name("CI"), Some("Côte d'Ivoire"));
        assert_eq!(name("VN"), Some("Vietnam"));
        assert_eq!(name("CZ"), Some("Czechia"));
        let official = |code: &str| country(code).map(|c| c.official_name);
        assert_eq!(official("US"), Some("United States of America"));
        assert_eq!(official("KR"), Some("Republic of Korea"));
        assert_eq!(official("JP"), Some("Japan"));
        assert_eq!(official("ER"), Some("State of Eritrea"));
    }

    #[test]
    fn by_name_official_name_or_alias() {
        let cases = [
            ("China", "CN"),
            ("PRC", "CN"),
            ("People's Republic of China", "CN"),
            ("peoples republic of china", "CN"),
            ("USA", "US"),
            ("U.S.", "US"),
            ("US", "US"),
            ("United States", "US"),
            ("United States of America", "US"),
            ("UK", "GB"),
            ("Britain", "GB"),
            ("Great Britain", "GB"),
            ("United Kingdom of Great Britain and Northern Ireland", "GB"),
            ("Russia", "RU"),
            ("Russian Federation", "RU"),
            ("South Korea", "KR"),
            ("Republic of Korea", "KR"),
            ("North Korea", "KP"),
            ("DPRK", "KP"),
            ("Türkiye", "TR"),
            ("Turkiye", "TR"),
            ("TÜRKIYE", "TR"),
            ("Turkey", "TR"),
            ("Czechia", "CZ"),
            ("Czech Republic", "CZ"),
            ("Vietnam", "VN"),
            ("Viet Nam", "VN"),
            ("Côte d'Ivoire", "CI"),
            ("Cote d’Ivoire", "CI"),
            ("cote divoire", "CI"),
            ("Ivory Coast", "CI"),
            ("the Netherlands", "NL"),
            ("Netherlands", "NL"),
            ("The Gambia", "GM"),
            ("Bosnia & Herzegovina", "BA"),
            ("St. Lucia", "LC"),
            ("Saint Kitts & Nevis", "KN"),
            ("Holy See", "VA"),
            ("Burma", "MM"),
            ("Timor-Leste", "TL"),
            ("East Timor", "TL"),
            ("Åland Islands", "AX"),
            ("Kosovo", "XK"),
            ("Taiwan", "TW"),
            ("Republic of the Congo", "CG"),
            ("Democratic Republic of the Congo", "CD"),
            ("DRC", "CD"),
            ("  Germany  ", "DE"),
        ];
        for (name, code) in cases {
            assert_eq!(named(name), Some(code), "{name}");
        }
        // Shared by two countries: neither.
        assert_eq!(named("Congo"), None);
        for nothing in ["", " ", "Atlantis", "the", "...", "\u{0}", "Ünïcödé"] {
            assert_eq!(named(nothing), None, "{nothing:?}");
        }
    }

    #[test]
    fn every_name_and_alias_finds_its_country() {
        // Also checks that generate.py folds as `fold` does: an alias it
        // thought unique must find its own country here.
        for c in countries() {
            assert_eq!(named(c.name), Some(c.alpha2), "{}", c.name);
            assert_eq!(
                named(c.official_name),
                Some(c.alpha2),
                "{}",
                c.official_name
            );
        }
        for &(alias, code) in &data::COUNTRY_ALIASES {
            assert_eq!(named(alias), Some(code), "{alias}");
        }
    }

    #[test]
    fn folding() {
        assert_eq!(fold("Türkiye"), "turkiye");
        assert_eq!(fold("Côte d’Ivoire"), "cote divoire");
        assert_eq!(fold("  The   Gambia "), "gambia");
        assert_eq!(fold("The"), "the");
        assert_eq!(fold("Łódź"), "lodz");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Hồ Chí Minh"), "ho chi minh");
        assert_eq!(fold("St. Lucia"), "saint lucia");
        assert_eq!(fold("Washington, D.C."), "washington dc");
        assert_eq!(fold("Guinea-Bissau"), "guinea bissau");
        assert_eq!(fold("Trinidad&Tobago"), "trinidad and tobago");
        assert_eq!(fold("Москва"), "москва");
        assert_eq!(fold(""), "");
        assert!(data::FOLD.windows(2).all(|w| w[0].0 < w[1].0));
    }

    fn found(name: &str, country: Option<&str>) -> Option<(&'static str, &'static str)> {
        city(name, country).map(|c| (c.name, c.country))
    }

    #[test]
    fn cities_by_name_and_country() {
        let beijing = city("Beijing", Some("CN")).map(|c| (c.lat, c.lon));
        let (lat, lon) = beijing.unwrap_or_default();
        assert!(
            (lat - 39.9).abs() < 0.1 && (lon - 116.4).abs() < 0.1,
            "{beijing:?}"
        );
        assert_eq!(found("beijing", None), Some(("Beijing", "CN")));
        assert_eq!(found("BEIJING", Some("cn")), Some(("Beijing", "CN")));
        assert_eq!(found("Beijing", Some("CHN")), Some(("Beijing", "CN")));
        assert_eq!(found("Beijing", Some("China")), Some(("Beijing", "CN")));
        assert_eq!(found("Peking", None), Some(("Beijing", "CN")));
        assert_eq!(found("Beijing", Some("JP")), None);
        assert_eq!(found("Beijing", Some("nowhere")), None);

        let washington = city("Washington", Some("US"));
        let (lat, lon) = washington.map(|c| (c.lat, c.lon)).unwrap_or_default();
        assert!(
            (lat - 38.895).abs() < 0.01 && (lon + 77.036).abs() < 0.01,
            "{washington:?}"
        );
        assert!(washington.is_some_and(|c| c.capital));
        assert_eq!(city("Washington, D.C.", None), washington);
        assert_eq!(city("washington dc", Some("USA")), washington);

        assert_eq!(found("Geneva", None), Some(("Geneva", "CH")));
        assert_eq!(found("Genève", None), Some(("Geneva", "CH")));
        assert_eq!(found("New Delhi", None), Some(("New Delhi", "IN")));
        assert_eq!(found("new delhi", Some("IN")), Some(("New Delhi", "IN")));
        assert!(city("New Delhi", None).is_some_and(|c| c.capital));
        assert!(city("Delhi", None).is_some_and(|c| !c.capital));
        assert_eq!(found("New York", None), Some(("New York City", "US")));
        assert_eq!(found("Kiev", None), Some(("Kyiv", "UA")));
        assert_eq!(found("Sao Paulo", Some("BR")), Some(("São Paulo", "BR")));
        assert_eq!(found("The Hague", None), Some(("The Hague", "NL")));
        assert_eq!(found("Den Haag", None), Some(("The Hague", "NL")));
        assert_eq!(found("Reykjavik", None), Some(("Reykjavík", "IS")));
        assert_eq!(found("Vatican City", None), Some(("Vatican City", "VA")));
        assert_eq!(found("Yalta", None), Some(("Yalta", "UA")));
        // The most populous of a name, unless the country says otherwise.
        assert_eq!(found("Hyderabad", None), Some(("Hyderabad", "IN")));
        assert_eq!(found("Hyderabad", Some("PK")), Some(("Hyderabad", "PK")));
        for nothing in ["", "Atlantis", "\u{0}", "   "] {
            assert_eq!(found(nothing, None), None, "{nothing:?}");
        }
    }

    #[test]
    fn city_table_is_small_and_consistent() {
        let all = cities();
        assert!((1500..=2500).contains(&all.len()), "{} cities", all.len());
        for c in all {
            assert!(country(c.country).is_some(), "{c:?}");
            assert!((-90.0..=90.0).contains(&c.lat) && (-180.0..=180.0).contains(&c.lon));
            assert_eq!(found(c.name, Some(c.country)).map(|f| f.1), Some(c.country));
        }
        // Every country with a capital has exactly one.
        let mut capitals: Vec<_> = all
            .iter()
            .filter(|c| c.capital)
            .map(|c| c.country)
            .collect();
        let n = capitals.len();
        capitals.dedup();
        assert_eq!(capitals.len(), n, "one capital per country");
        let without: Vec<_> = countries()
            .iter()
            .filter(|c| !capitals.contains(&c.alpha2))
            .map(|c| c.alpha2)
            .collect();
        assert_eq!(without, ["AQ", "BV", "HM", "IO", "UM"]);
        for &(alias, code, name) in &data::CITY_ALIASES {
            assert_eq!(found(alias, Some(code)).map(|f| f.0), Some(name), "{alias}");
        }
    }

    #[test]
    fn labels_are_where_the_country_is() {
        let label = |code: &str| country(code).map(|c| c.label).unwrap_or_default();
        let near = |(lon, lat): (f32, f32), (x, y): (f32, f32), within: f32| {
            (lon - x).abs() < within && (lat - y).abs() < within
        };
        assert!(near(label("CN"), (104.0, 35.0), 8.0), "{:?}", label("CN"));
        assert!(near(label("US"), (-98.0, 39.0), 8.0), "{:?}", label("US"));
        assert!(near(label("FR"), (2.5, 46.5), 3.0), "{:?}", label("FR"));
        assert!(near(label("NO"), (10.0, 62.0), 6.0), "{:?}", label("NO"));
        // Too small for an outline: its capital.
        assert!(near(label("SG"), (103.85, 1.29), 0.1), "{:?}", label("SG"));
    }
}
