//! The site's configuration, `content/site.toml`, and its defaults.
//!
//! Owns the schema of site.toml and the defaults of every key but `title`.
//! It does not read files (that is `load`) nor check content against it
//! (that is `validate`).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

/// A country the site's officials belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country {
    /// The key used in official files and places, e.g. `US`.
    pub key: String,
    pub name: String,
    pub short: String,
    /// Its ISO 3166-1 alpha-2 code, when it has one (the key itself when
    /// the key is one): places it on the map and in a region.
    pub iso: Option<String>,
    /// Written in site.toml (not taken from the world table because an
    /// official or a place named its code).
    pub listed: bool,
}

/// Options for rendering Markdown bodies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Pass raw HTML in Markdown through instead of escaping it.
    #[serde(default)]
    pub unsafe_html: bool,
}

/// Options for `exchanges.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvConfig {
    /// Start the file with a UTF-8 byte order mark, which Excel needs to
    /// read it as UTF-8 rather than the system's legacy code page.
    #[serde(default = "yes")]
    pub bom: bool,
}

fn yes() -> bool {
    true
}

impl Default for CsvConfig {
    fn default() -> CsvConfig {
        CsvConfig { bom: true }
    }
}

/// A language the site is also published in, besides its default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// A BCP 47 tag: `zh`, `zh-Hans`, `pt-BR`.
    pub tag: String,
    /// The site's title and description in that language (default: the
    /// default language's).
    pub title: Option<String>,
    pub description: Option<String>,
    /// Country names in that language, by country key (default: the
    /// world table's name there, else the default language's).
    pub countries: BTreeMap<String, CountryName>,
    /// City names in that language, by the name written in the content.
    pub cities: BTreeMap<String, String>,
}

/// A country's name in another language: `name`, and `short` (default:
/// `name`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountryName {
    pub name: String,
    pub short: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    title: Option<String>,
    description: Option<String>,
    #[serde(default)]
    countries: BTreeMap<String, CountryName>,
    #[serde(default)]
    cities: BTreeMap<String, String>,
}

/// Whether `tag` looks like a BCP 47 language tag: a language subtag of
/// 2–3 letters, then subtags of 1–8 letters or digits, joined by `-`.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let Some(first) = parts.next() else {
        return false;
    };
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The typed, defaulted content of `content/site.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub title: String,
    /// Always ends with `/`; empty means "no absolute URL known".
    pub base_url: String,
    pub description: String,
    pub language: String,
    pub countries: Vec<Country>,
    pub formats: Vec<String>,
    pub markdown: MarkdownConfig,
    pub csv: CsvConfig,
    /// How many exchanges a list page shows before it continues on a next page.
    pub paginate: usize,
    /// The theme (a folder of `themes/`) whose templates and static files
    /// sit between the site's own and the defaults.
    pub theme: Option<String>,
    /// Where `theme` is written in site.toml, for messages.
    pub theme_at: Option<crate::error::LineCol>,
    /// The other languages the site is published in (`[languages.TAG]`),
    /// in the order written; empty for a site in one language.
    pub languages: Vec<Language>,
    /// `[images]`: the widths and quality images are published at.
    pub images: crate::media::ImagesConfig,
}

/// The keys allowed in site.toml, for suggestions.
pub const KEYS: &[&str] = &[
    "title",
    "base_url",
    "description",
    "language",
    "countries",
    "formats",
    "markdown",
    "csv",
    "paginate",
    "theme",
    "languages",
    "images",
];

pub const DEFAULT_FORMATS: &[&str] = &["in-person", "virtual", "phone", "sidelines"];
pub const DEFAULT_PAGINATE: usize = 250;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    title: String,
    /// Checked as it is read, so a bad one is reported at its line.
    #[serde(default, deserialize_with = "checked_base_url")]
    base_url: Option<String>,
    description: Option<String>,
    language: Option<String>,
    countries: Option<Ordered<RawCountry>>,
    formats: Option<Vec<String>>,
    #[serde(default)]
    markdown: MarkdownConfig,
    #[serde(default)]
    csv: CsvConfig,
    paginate: Option<usize>,
    theme: Option<toml::Spanned<String>>,
    #[serde(default, deserialize_with = "checked_languages")]
    languages: Option<Ordered<RawLanguage>>,
    #[serde(default)]
    images: crate::media::ImagesConfig,
}

/// `[languages.TAG]` tables, each tag checked as it is read.
fn checked_languages<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Ordered<RawLanguage>>, D::Error> {
    let table = Option::<Ordered<RawLanguage>>::deserialize(d)?;
    if let Some(Ordered(list)) = &table {
        for (tag, _) in list {
            if !is_language_tag(tag) {
                return Err(serde::de::Error::custom(format!(
                    "`{tag}` is not a language tag (BCP 47, e.g. zh, zh-Hans, pt-BR)"
                )));
            }
        }
    }
    Ok(table)
}

impl RawConfig {
    /// Where `theme` is written, as a byte range of site.toml.
    pub fn theme_span(&self) -> Option<std::ops::Range<usize>> {
        self.theme.as_ref().map(toml::Spanned::span)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCountry {
    name: String,
    short: Option<String>,
    iso: Option<String>,
}

/// A TOML table read in document order.
#[derive(Debug)]
struct Ordered<V>(Vec<(String, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visit<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
    }
}

impl Config {
    /// Applies the defaults to a parsed site.toml.
    pub fn from_raw(raw: RawConfig) -> Config {
        let countries = match raw.countries {
            Some(Ordered(list)) if !list.is_empty() => list
                .into_iter()
                .map(|(key, c)| Country {
                    short: c.short.unwrap_or_else(|| key.clone()),
                    iso: c
                        .iso
                        .map(|i| i.to_ascii_uppercase())
                        .or_else(|| crate::world::country(&key).map(|w| w.alpha2.to_string())),
                    key,
                    name: c.name,
                    listed: true,
                })
                .collect(),
            _ => default_countries(),
        };
        Config {
            title: raw.title,
            base_url: normalize_base_url(raw.base_url.as_deref().unwrap_or("")),
            description: raw.description.unwrap_or_default(),
            language: raw.language.unwrap_or_else(|| "en".to_string()),
            countries,
            formats: raw
                .formats
                .unwrap_or_else(|| DEFAULT_FORMATS.iter().map(|s| s.to_string()).collect()),
            markdown: raw.markdown,
            csv: raw.csv,
            paginate: raw.paginate.unwrap_or(DEFAULT_PAGINATE).max(1),
            theme: raw.theme.map(toml::Spanned::into_inner),
            theme_at: None,
            languages: raw
                .languages
                .map(|Ordered(list)| {
                    list.into_iter()
                        .map(|(tag, l)| Language {
                            tag,
                            title: l.title,
                            description: l.description,
                            countries: l.countries,
                            cities: l.cities,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            images: raw.images,
        }
    }

    pub fn country(&self, key: &str) -> Option<&Country> {
        self.countries.iter().find(|c| c.key == key)
    }
}

fn checked_base_url<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let url = String::deserialize(d)?;
    check_base_url(&url).map_err(serde::de::Error::custom)?;
    Ok(Some(url))
}

/// Why `url` cannot be a site's `base_url`, if it cannot: it must be an
/// absolute `http://` or `https://` URL with an ASCII host and no query
/// or fragment, or empty (no absolute URLs). Its path may hold any text;
/// [`normalize_base_url`] percent-encodes it.
pub fn check_base_url(url: &str) -> Result<(), String> {
    let url = url.trim();
    if url.is_empty() {
        return Ok(());
    }
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return Err(format!(
            "`base_url` must be an absolute http:// or https:// URL, found `{url}`"
        ));
    };
    if url.contains(['?', '#']) {
        return Err(format!(
            "`base_url` may not have a query (`?`) or a fragment (`#`), found `{url}`"
        ));
    }
    let authority = rest.split('/').next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let (host, port) = match host_port.rfind(':') {
        Some(i) if !host_port[i..].contains(']') => (&host_port[..i], Some(&host_port[i + 1..])),
        _ => (host_port, None),
    };
    if host.is_empty() {
        return Err(format!("`base_url` has no host, found `{url}`"));
    }
    if !host.is_ascii() {
        return Err(format!(
            "the host `{host}` of `base_url` is not ASCII: write it in its punycode form (`xn--…`)"
        ));
    }
    let host_char = |c: char| c.is_ascii_alphanumeric() || "-._~[]:".contains(c);
    if !host.chars().all(host_char) {
        return Err(format!(
            "the host `{host}` of `base_url` may only hold letters, digits, `-` and `.`"
        ));
    }
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return Err(format!(
            "the port of `base_url` must be a number, found `{url}`"
        ));
    }
    Ok(())
}

/// Makes a base URL end with exactly one `/`, leaving an empty one empty,
/// with its scheme in lower case and its path percent-encoded (a space
/// becomes `%20`, `ä` `%C3%A4`), so it can be written into any URL.
pub fn normalize_base_url(url: &str) -> String {
    let url = url.trim();
    if url.is_empty() {
        return String::new();
    }
    let url = url.trim_end_matches('/');
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (format!("{}://", scheme.to_ascii_lowercase()), rest),
        None => (String::new(), url),
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    format!(
        "{scheme}{authority}{}/",
        crate::urls::percent_encode_path(path)
    )
}

fn default_countries() -> Vec<Country> {
    vec![
        Country {
            key: "US".into(),
            name: "United States".into(),
            short: "US".into(),
            iso: Some("US".into()),
            listed: true,
        },
        Country {
            key: "CN".into(),
            name: "People's Republic of China".into(),
            short: "China".into(),
            iso: Some("CN".into()),
            listed: true,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_must_be_absolute_http() {
        for ok in [
            "",
            "https://example.org/",
            "http://example.org",
            "HTTPS://Example.org/time line/ä/",
            "http://user@127.0.0.1:8080/x",
            "http://[::1]:1111/",
        ] {
            assert_eq!(check_base_url(ok), Ok(()), "{ok}");
        }
        for (bad, says) in [
            ("example.org/timeline", "absolute http"),
            ("/timeline/", "absolute http"),
            ("ftp://example.org/", "absolute http"),
            ("https://", "no host"),
            ("https:///x", "no host"),
            ("https://exa mple.org/", "may only hold"),
            ("https://bücher.example/", "punycode"),
            ("https://example.org/?a=1", "query"),
            ("https://example.org/#top", "fragment"),
            ("https://example.org:80a/", "port"),
        ] {
            let err = check_base_url(bad).expect_err(bad);
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    #[test]
    fn base_url_paths_are_percent_encoded() {
        assert_eq!(
            normalize_base_url(" HTTPS://example.org/time line/Käse// "),
            "https://example.org/time%20line/K%C3%A4se/"
        );
        // Already-encoded text and the characters URLs allow stay as they are.
        assert_eq!(
            normalize_base_url("https://example.org/a%20b/~x;y=1,z!/"),
            "https://example.org/a%20b/~x;y=1,z!/"
        );
        assert_eq!(
            normalize_base_url("https://example.org"),
            "https://example.org/"
        );
        assert_eq!(normalize_base_url(""), "");
        // Normalizing twice changes nothing.
        let once = normalize_base_url("https://example.org/a b/\"q\"/100%/");
        assert_eq!(once, "https://example.org/a%20b/%22q%22/100%25/");
        assert_eq!(normalize_base_url(&once), once);
    }
}
