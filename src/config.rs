//! The site's configuration, `content/site.toml`, and its defaults.
//!
//! Owns the schema of site.toml and the defaults of every key but `title`.
//! It does not read files (that is `load`) nor check content against it
//! (that is `validate`).

use serde::{Deserialize, Deserializer};

/// A country the site's officials belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country {
    /// The key used in official files, e.g. `US`.
    pub key: String,
    pub name: String,
    pub short: String,
}

/// Options for rendering Markdown bodies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Pass raw HTML in Markdown through instead of escaping it.
    #[serde(default)]
    pub unsafe_html: bool,
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
    /// How many exchanges a list page shows before it continues on a next page.
    pub paginate: usize,
    /// The theme (a folder of `themes/`) whose templates and static files
    /// sit between the site's own and the defaults.
    pub theme: Option<String>,
    /// Where `theme` is written in site.toml, for messages.
    pub theme_at: Option<crate::error::LineCol>,
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
    "paginate",
    "theme",
];

pub const DEFAULT_FORMATS: &[&str] = &["in-person", "virtual", "phone", "sidelines"];
pub const DEFAULT_PAGINATE: usize = 250;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    title: String,
    base_url: Option<String>,
    description: Option<String>,
    language: Option<String>,
    countries: Option<Ordered<RawCountry>>,
    formats: Option<Vec<String>>,
    #[serde(default)]
    markdown: MarkdownConfig,
    paginate: Option<usize>,
    theme: Option<toml::Spanned<String>>,
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
                    key,
                    name: c.name,
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
            paginate: raw.paginate.unwrap_or(DEFAULT_PAGINATE).max(1),
            theme: raw.theme.map(toml::Spanned::into_inner),
            theme_at: None,
        }
    }

    pub fn country(&self, key: &str) -> Option<&Country> {
        self.countries.iter().find(|c| c.key == key)
    }
}

/// Makes a base URL end with exactly one `/`, leaving an empty one empty.
pub fn normalize_base_url(url: &str) -> String {
    let url = url.trim();
    if url.is_empty() {
        String::new()
    } else {
        format!("{}/", url.trim_end_matches('/'))
    }
}

fn default_countries() -> Vec<Country> {
    vec![
        Country {
            key: "US".into(),
            name: "United States".into(),
            short: "US".into(),
        },
        Country {
            key: "CN".into(),
            name: "People's Republic of China".into(),
            short: "China".into(),
        },
    ]
}
