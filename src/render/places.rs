//! The place pages' contexts: the index of countries and cities by region
//! with the world map, and one page per country and per city.
//!
//! Owns what `places.html` and `place.html` receive and the map's marks.
//! It draws no SVG itself (that is `crate::map`) and decides no routes
//! (`routes` and `crate::places` do).

use std::collections::BTreeMap;

use tera::Value;

use super::values::{self, map, s};
use super::{Ctx, Renderer, Shared};
use crate::map::{Mark, world_svg};
use crate::places::{PlaceCountry, PlaceList};
use crate::render::routes::Page;

/// Stands for the page's root in marks' links while the map is drawn:
/// the map's escaping drops the control characters of
/// [`values::ROOT_MARK`], which replaces it afterwards.
const ROOT_HOLDER: &str = "\u{E000}root\u{E000}";

/// The map of `marks`, with [`values::ROOT_MARK`] where the root goes.
fn svg(marks: &[Mark], title: &str) -> String {
    world_svg(marks, title).replace(ROOT_HOLDER, values::ROOT_MARK)
}

impl Renderer<'_> {
    /// The country name of place country `c`.
    fn place_country_name(&self, c: &PlaceCountry) -> String {
        self.site
            .config
            .country(&c.key)
            .map_or(c.key.clone(), |k| k.name.clone())
    }

    /// The URL of place list `list`, relative to the root.
    fn place_url(&self, list: PlaceList) -> String {
        self.style.url(&list.path(&self.site.places))
    }

    /// One mark per city with coordinates, and one per country for the
    /// exchanges held there in no such city, linked with `root` before
    /// each URL. Only the places of `only` (a country index) when given.
    pub(super) fn place_marks(&self, root: &str, only: Option<usize>) -> Vec<Mark> {
        let site = self.site;
        let mut marks = Vec::new();
        for (ci, c) in site.places.iter().enumerate() {
            if only.is_some_and(|o| o != ci) {
                continue;
            }
            let country = self.place_country_name(c);
            let mut placed = 0;
            for (k, city) in c.cities.iter().enumerate() {
                let Some((lon, lat)) = city.coords else {
                    continue;
                };
                placed += city.exchanges.len();
                let list = PlaceList {
                    country: ci,
                    city: Some(k),
                };
                marks.push(Mark {
                    lon,
                    lat,
                    count: city.exchanges.len(),
                    label: format!("{}, {country}", city.name),
                    href: format!("{root}{}", self.place_url(list)),
                });
            }
            let rest = c.exchanges.len().saturating_sub(placed);
            if let (Some((lon, lat)), true) = (c.coords, rest > 0) {
                let list = PlaceList {
                    country: ci,
                    city: None,
                };
                marks.push(Mark {
                    lon,
                    lat,
                    count: rest,
                    label: country.clone(),
                    href: format!("{root}{}", self.place_url(list)),
                });
            }
        }
        marks
    }

    /// The world map of every place, for the places index and the home page.
    pub(super) fn world_map(&self) -> Value {
        let held: usize = self.site.places.iter().map(|c| c.exchanges.len()).sum();
        let title = self.site.strings.text("map.title", Some(held as i64), &[]);
        Value::safe_string(&svg(&self.place_marks(ROOT_HOLDER, None), &title))
    }

    /// A country's cities with their counts and links.
    fn city_values(&self, country: usize) -> Vec<Value> {
        let c = &self.site.places[country];
        c.cities
            .iter()
            .enumerate()
            .map(|(k, city)| {
                map([
                    ("name", s(&city.name)),
                    ("slug", s(&city.slug)),
                    (
                        "url",
                        s(&self.place_url(PlaceList {
                            country,
                            city: Some(k),
                        })),
                    ),
                    ("count", Value::from(city.exchanges.len())),
                ])
            })
            .collect()
    }

    /// `places.html`: countries with their cities, grouped by region.
    pub(super) fn places(&self, ctx: &mut Ctx) {
        let site = self.site;
        let mut regions: BTreeMap<&str, Vec<(String, Value)>> = BTreeMap::new();
        for (ci, c) in site.places.iter().enumerate() {
            let region = site
                .config
                .country(&c.key)
                .map_or("Elsewhere", crate::places::region);
            let name = self.place_country_name(c);
            let value = map([
                ("key", s(&c.key)),
                ("name", s(&name)),
                (
                    "url",
                    s(&self.place_url(PlaceList {
                        country: ci,
                        city: None,
                    })),
                ),
                ("count", Value::from(c.exchanges.len())),
                ("cities", Value::from(self.city_values(ci))),
            ]);
            regions.entry(region).or_default().push((name, value));
        }
        let regions: Vec<Value> = regions
            .into_iter()
            .map(|(name, mut countries)| {
                countries.sort_by(|a, b| a.0.cmp(&b.0));
                let count: usize = countries
                    .iter()
                    .filter_map(|(_, v)| v.as_map()?.get(&"count".into()).and_then(Value::as_u64))
                    .sum::<u64>() as usize;
                map([
                    ("name", s(name)),
                    ("count", Value::from(count)),
                    (
                        "countries",
                        Value::from(countries.into_iter().map(|(_, v)| v).collect::<Vec<_>>()),
                    ),
                ])
            })
            .collect();
        let held: usize = site.places.iter().map(|c| c.exchanges.len()).sum();
        ctx.insert_value("regions", Value::from(regions));
        ctx.insert_value("count", Value::from(held));
        ctx.insert_value("unplaced", Value::from(site.exchanges.len() - held));
        ctx.insert_value("map", self.world_map());
    }

    /// `place.html`: the exchanges held in one country or city.
    pub(super) fn place(&self, page: &Page, ctx: &mut Ctx) {
        let site = self.site;
        let list = site.place_lists[page.index];
        let country = &site.places[list.country];
        let root = Self::root_of(ctx);
        let (shown, pages) = page.list(site);
        let all = list.exchanges(&site.places);
        let name = list.name(&site.places, &site.config).to_string();
        let country_name = self.place_country_name(country);
        let country_list = PlaceList {
            country: list.country,
            city: None,
        };
        let region = site
            .config
            .country(&country.key)
            .map_or("Elsewhere", crate::places::region);
        let place = map([
            (
                "kind",
                s(if list.city.is_some() {
                    "city"
                } else {
                    "country"
                }),
            ),
            ("name", s(&name)),
            ("key", s(&country.key)),
            ("country_name", s(&country_name)),
            ("country_url", s(&self.place_url(country_list))),
            ("url", s(&self.place_url(list))),
            ("region", s(region)),
            ("count", Value::from(all.len())),
            (
                "cities",
                if list.city.is_none() {
                    Value::from(self.city_values(list.country))
                } else {
                    Value::from(Vec::<Value>::new())
                },
            ),
        ]);
        ctx.insert_value("place", place);
        ctx.insert_value("exchanges", self.cards(shown));
        ctx.insert_value(
            "pagination",
            self.pagination(&list.path(&site.places), page.number, pages, &root),
        );
        let make = || {
            let mut shared: Shared = self.officials_of(all).into();
            let city = list
                .city
                .map(|c| format!("{}/{}", country.slug, country.cities[c].slug))
                .unwrap_or_default();
            let mut filter = vec![("held", country.key.as_str())];
            if list.city.is_some() {
                filter.push(("city", city.as_str()));
            }
            shared.extend(self.entry_charts(values::ROOT_MARK, all, &name, &filter));
            let title = self.site.strings.text(
                "map.title_in",
                Some(all.len() as i64),
                &[("name", name.clone())],
            );
            let marks = self.place_marks(ROOT_HOLDER, Some(list.country));
            let marks: Vec<Mark> = match list.city {
                Some(c) => marks
                    .into_iter()
                    .filter(|m| {
                        m.label
                            .starts_with(&format!("{}, ", country.cities[c].name))
                    })
                    .collect(),
                None => marks,
            };
            shared.push(("map", Value::safe_string(&svg(&marks, &title))));
            shared
        };
        Self::insert_shared(
            ctx,
            &Self::once(&self.lists.places[page.index], pages, make),
        );
    }
}
