//! What pages offer for exploring the timeline: the charts of the home,
//! official and issue pages, the filter form's choices, and the "who met
//! whom" page.
//!
//! Owns those parts of the template contexts (documented in the README).
//! The charts themselves are drawn by `charts`; this module picks what they
//! show and where their links go.

use std::collections::HashMap;

use tera::Value;

use super::Ctx;

use super::charts::{self, TimelineOptions};
use super::search;
use super::values::{self, map, s};
use super::{Renderer, Shared};

/// How many officials of each side the who-met-whom grid shows at most.
pub const MATRIX_LIMIT: usize = 40;

/// A query string for the home timeline's filters.
fn query(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    format!("?{}", parts.join("&"))
}

/// Percent-encodes a query value (slugs are mostly safe already).
fn encode(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Renderer<'_> {
    /// The home timeline's URL with a filter query, relative to the site root.
    fn filtered(&self, pairs: &[(&str, &str)]) -> String {
        format!("{}{}", self.style.url(""), query(pairs))
    }

    /// The home page's chart and filter form.
    pub(super) fn home_browse(&self, root: &str) -> Shared {
        let site = self.site;
        let all = &site.timeline;
        let label = site
            .strings
            .text("chart.timeline_all", Some(all.len() as i64), &[]);
        let link = |year: i32| self.style.url(&format!("years/{year}/"));
        let chart = charts::timeline(
            site,
            all,
            &TimelineOptions {
                id: "tl-home",
                label: &label,
                root,
                style: self.style,
                bucket_link: &link,
                axes: &self.lists.axes,
                own_span: false,
            },
        );
        let chart = Value::safe_string(&chart);

        let countries: Vec<Value> = site
            .config
            .countries
            .iter()
            .map(|c| {
                let mut members = site.officials_of(&c.key);
                members.retain(|&i| !site.by_official[i].is_empty());
                map([
                    ("key", s(&c.key)),
                    ("name", s(&c.name)),
                    (
                        "officials",
                        Value::from(
                            members
                                .iter()
                                .map(|&i| self.values.officials[i].clone())
                                .collect::<Vec<_>>(),
                        ),
                    ),
                ])
            })
            .collect();
        let mut issues: Vec<usize> = (0..site.issues.len())
            .filter(|&i| !site.by_issue[i].is_empty())
            .collect();
        issues.sort_by(|&a, &b| site.issues[a].name.cmp(&site.issues[b].name));
        let years: Vec<Value> = site
            .years
            .iter()
            .rev()
            .map(|y| Value::from(y.year))
            .collect();
        // Facets with one value are not offered (the templates check).
        let used: std::collections::HashSet<&str> =
            site.exchanges.iter().map(|e| e.format.as_str()).collect();
        let formats: Vec<Value> = site
            .config
            .formats
            .iter()
            .filter(|f| used.contains(f.as_str()))
            .map(|f| s(f))
            .collect();
        let countries_active: Vec<Value> = site
            .config
            .countries
            .iter()
            .filter(|c| {
                site.officials
                    .iter()
                    .enumerate()
                    .any(|(i, o)| o.country == c.key && !site.by_official[i].is_empty())
            })
            .map(|c| map([("key", s(&c.key)), ("name", s(&c.name))]))
            .collect();
        let cities: usize = site.places.iter().map(|c| c.cities.len()).sum();
        // The words the filter script prints, in this language.
        let mut words: std::collections::BTreeMap<String, String> = [
            "more",
            "failed",
            "loading",
            "match_one",
            "match_other",
            "none",
            "issues",
        ]
        .into_iter()
        .map(|k| {
            (
                k.to_string(),
                site.strings.text(&format!("script.{k}"), None, &[]),
            )
        })
        .collect();
        // Format names, as the cards the script makes show them.
        for f in &site.config.formats {
            let key = format!("format.{f}");
            let name = site
                .strings
                .get(&key, None, &[])
                .unwrap_or_else(|| f.clone());
            words.insert(key, name);
        }
        let filter = map([
            (
                "strings",
                s(&serde_json::to_string(&words).unwrap_or_default()),
            ),
            ("formats", Value::from(formats)),
            ("countries_active", Value::from(countries_active)),
            ("cities", Value::from(cities)),
            ("countries", Value::from(countries)),
            (
                "issues",
                Value::from(
                    issues
                        .iter()
                        .map(|&i| self.values.issues[i].clone())
                        .collect::<Vec<_>>(),
                ),
            ),
            ("years", Value::from(years)),
            ("places", self.filter_places()),
            (
                "index_url",
                s(&format!("{root}{}{}", search::DIR, search::MANIFEST)),
            ),
            ("index_global", s(search::CALLBACK)),
        ]);
        let places_map = if site.places.is_empty() {
            Value::none()
        } else {
            self.world_map()
        };
        vec![
            ("timeline_chart", chart),
            ("filter", filter),
            ("places_map", places_map),
        ]
    }

    /// The filter's place choices: each country exchanges were held in
    /// (`key`, `name`) with its `cities` (`value` = `country/city`, `name`).
    fn filter_places(&self) -> Value {
        let site = self.site;
        let mut countries: Vec<(String, Value)> = site
            .places
            .iter()
            .map(|c| {
                let name = site
                    .config
                    .country(&c.key)
                    .map_or(c.key.clone(), |k| k.name.clone());
                let cities: Vec<Value> = c
                    .cities
                    .iter()
                    .map(|city| {
                        map([
                            ("value", s(&format!("{}/{}", c.slug, city.slug))),
                            ("name", s(&city.name)),
                        ])
                    })
                    .collect();
                let value = map([
                    ("key", s(&c.key)),
                    ("name", s(&name)),
                    ("cities", Value::from(cities)),
                ]);
                (name, value)
            })
            .collect();
        countries.sort_by(|a, b| a.0.cmp(&b.0));
        Value::from(countries.into_iter().map(|(_, v)| v).collect::<Vec<_>>())
    }

    /// The timeline and per-year bars of an official's or an issue's
    /// exchanges; `filter` is the timeline query that shows the same list.
    pub(super) fn entry_charts(
        &self,
        root: &str,
        ids: &[usize],
        name: &str,
        filter: &[(&str, &str)],
    ) -> Shared {
        let label = self.site.strings.text(
            "chart.timeline_of",
            Some(ids.len() as i64),
            &[("name", name.to_string())],
        );
        let link = |year: i32| {
            let y = year.to_string();
            let mut pairs = filter.to_vec();
            pairs.extend([("from", y.as_str()), ("to", y.as_str())]);
            self.filtered(&pairs)
        };
        let chart = charts::timeline(
            self.site,
            ids,
            &TimelineOptions {
                id: "tl-entry",
                label: &label,
                root,
                style: self.style,
                bucket_link: &link,
                axes: &self.lists.axes,
                own_span: true,
            },
        );
        let bars = charts::per_year(
            self.site,
            ids,
            "per-year",
            &self
                .site
                .strings
                .text("chart.per_year", None, &[("name", name.to_string())]),
        );
        vec![
            ("timeline_chart", Value::safe_string(&chart)),
            ("year_chart", Value::safe_string(&bars)),
            (
                "timeline_url",
                s(&format!("{root}{}", self.filtered(filter))),
            ),
        ]
    }

    /// The who-met-whom grid: officials of the first country (rows) against
    /// those of the others (columns), with the number of exchanges per pair.
    ///
    /// With more than two countries, the who-met-whom page is instead an
    /// index of the pairs of countries that met, each pair (`pair`) with a
    /// grid of its own: its first country's officials against the second's.
    pub(super) fn matrix(&self, ctx: &mut Ctx, pair: Option<usize>) {
        let site = self.site;
        let root = Self::root_of(ctx);
        if pair.is_none() && !site.country_pairs.is_empty() {
            return self.matrix_pairs(ctx, &root);
        }
        let pair = pair.map(|p| &site.country_pairs[p]);
        let first = match pair {
            Some(p) => Some(p.a.as_str()),
            None => site.config.countries.first().map(|c| c.key.as_str()),
        };
        let in_cols = |country: &str| match pair {
            Some(p) => country == p.b,
            None => Some(country) != first,
        };
        let active = |i: &usize| !site.by_official[*i].is_empty();
        let mut rows: Vec<usize> = (0..site.officials.len())
            .filter(active)
            .filter(|&i| Some(site.officials[i].country.as_str()) == first)
            .collect();
        let mut cols: Vec<usize> = (0..site.officials.len())
            .filter(active)
            .filter(|&i| in_cols(&site.officials[i].country))
            .collect();
        if cols.is_empty() {
            cols = rows.clone();
        }
        let by_count = |list: &mut Vec<usize>| {
            list.sort_by(|&a, &b| {
                site.by_official[b]
                    .len()
                    .cmp(&site.by_official[a].len())
                    .then_with(|| site.officials[a].name.cmp(&site.officials[b].name))
            });
        };
        by_count(&mut rows);
        by_count(&mut cols);
        let truncated = rows.len() > MATRIX_LIMIT || cols.len() > MATRIX_LIMIT;
        rows.truncate(MATRIX_LIMIT);
        cols.truncate(MATRIX_LIMIT);

        let mut pairs: HashMap<(usize, usize), usize> = HashMap::new();
        for e in &site.exchanges {
            let mut present: Vec<usize> = e.officials().collect();
            present.sort_unstable();
            present.dedup();
            for &a in &present {
                for &b in &present {
                    if a != b {
                        *pairs.entry((a, b)).or_default() += 1;
                    }
                }
            }
        }
        let max = pairs.values().copied().max().unwrap_or(1).max(1);
        let head = |i: usize| {
            values::extended(
                &self.values.officials[i],
                [("count", Value::from(site.by_official[i].len()))],
            )
        };
        let row_values: Vec<Value> = rows
            .iter()
            .map(|&r| {
                let cells: Vec<Value> = cols
                    .iter()
                    .map(|&c| {
                        let n = pairs.get(&(r, c)).copied().unwrap_or(0);
                        let (a, b) = (&site.officials[r], &site.officials[c]);
                        let url = if n > 0 {
                            s(&format!(
                                "{root}{}",
                                self.filtered(&[("official", &a.slug), ("official", &b.slug)])
                            ))
                        } else {
                            Value::none()
                        };
                        map([
                            ("count", Value::from(n)),
                            // 0–4, for shading
                            (
                                "level",
                                Value::from(if n == 0 {
                                    0
                                } else {
                                    1 + (n * 3).div_ceil(max).min(3)
                                }),
                            ),
                            ("url", url),
                            (
                                "label",
                                s(&site.strings.text(
                                    "matrix.cell",
                                    Some(n as i64),
                                    &[("a", a.name.clone()), ("b", b.name.clone())],
                                )),
                            ),
                        ])
                    })
                    .collect();
                map([("official", head(r)), ("cells", Value::from(cells))])
            })
            .collect();
        let country_name = |key: Option<&str>| {
            key.and_then(|k| site.config.country(k))
                .map_or(String::new(), |c| c.name.clone())
        };
        let others: Vec<&str> = match pair {
            Some(p) => vec![
                site.config
                    .country(&p.b)
                    .map_or(p.b.as_str(), |c| c.name.as_str()),
            ],
            None => site
                .config
                .countries
                .iter()
                .skip(1)
                .map(|c| c.name.as_str())
                .collect(),
        };
        ctx.insert_value(
            "matrix",
            map([
                ("rows_country", s(&country_name(first))),
                (
                    "cols_country",
                    s(&if others.is_empty() {
                        country_name(first)
                    } else {
                        others.join(", ")
                    }),
                ),
                (
                    "columns",
                    Value::from(cols.iter().map(|&c| head(c)).collect::<Vec<_>>()),
                ),
                ("rows", Value::from(row_values)),
                ("truncated", Value::from(truncated)),
                ("limit", Value::from(MATRIX_LIMIT)),
                ("pairs", Value::none()),
                (
                    "index_url",
                    if pair.is_some() {
                        s(&self.style.url("who-met-whom/"))
                    } else {
                        Value::none()
                    },
                ),
            ]),
        );
    }

    /// The index of the pairs of countries that met, most exchanges first.
    fn matrix_pairs(&self, ctx: &mut Ctx, root: &str) {
        let site = self.site;
        let name = |key: &str| {
            site.config
                .country(key)
                .map_or(key.to_string(), |c| c.name.clone())
        };
        let pairs: Vec<Value> = site
            .country_pairs
            .iter()
            .map(|p| {
                map([
                    ("a", s(&p.a)),
                    ("a_name", s(&name(&p.a))),
                    ("b", s(&p.b)),
                    ("b_name", s(&name(&p.b))),
                    ("count", Value::from(p.exchanges.len())),
                    ("url", s(&format!("{root}{}", self.style.url(&p.path())))),
                ])
            })
            .collect();
        let countries: std::collections::BTreeSet<&str> = site
            .country_pairs
            .iter()
            .flat_map(|p| [p.a.as_str(), p.b.as_str()])
            .collect();
        ctx.insert_value(
            "matrix",
            map([
                ("pairs", Value::from(pairs)),
                ("countries", Value::from(countries.len())),
                ("rows", Value::from(Vec::<Value>::new())),
                ("columns", Value::from(Vec::<Value>::new())),
                ("rows_country", s("")),
                ("cols_country", s("")),
                ("truncated", Value::from(false)),
                ("limit", Value::from(MATRIX_LIMIT)),
                ("index_url", Value::none()),
            ]),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(
            query(&[("official", "xi-jinping"), ("q", "a&b c")]),
            "?official=xi-jinping&q=a%26b%20c"
        );
    }
}
