//! Pages from the model through Tera: one function per page kind.
//!
//! Owns the context each template receives (documented in the README) and
//! turning a [`Page`] into HTML bytes. It does not decide which pages exist
//! (that is `routes`) nor write files (that is `output`).

mod browse;
pub mod charts;
mod context;
pub mod deps;
pub mod head;
mod places;
pub mod routes;
pub mod search;
pub mod templates;
pub mod values;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use tera::{Tera, Value};

pub use context::Ctx;

use crate::error::Diagnostic;
use crate::markdown::{self, RenderOptions};
use crate::model::Site;
use routes::{Page, PageKind};
use templates::Origin;
use values::{UrlStyle, Values, map, s};

/// Context values drawn from a whole list of exchanges rather than from
/// the page of it shown: charts, counts, the filter's choices.
pub(crate) type Shared = Vec<(&'static str, Value)>;

/// The [`Shared`] values of each list (the home timeline, each official's,
/// each issue's), made once, with [`values::ROOT_MARK`] for the root, when
/// the first page of the list is rendered, and reused by its other pages:
/// a long list's pages then cost what their own cards cost.
struct Lists {
    /// The timelines' axes, which all share the site's span.
    axes: charts::Axes,
    home: OnceLock<Shared>,
    officials: Vec<OnceLock<Shared>>,
    issues: Vec<OnceLock<Shared>>,
    places: Vec<OnceLock<Shared>>,
}

impl Lists {
    fn new(site: &Site) -> Lists {
        Lists {
            axes: charts::Axes::new(site),
            home: OnceLock::new(),
            officials: (0..site.officials.len()).map(|_| OnceLock::new()).collect(),
            issues: (0..site.issues.len()).map(|_| OnceLock::new()).collect(),
            places: (0..site.place_lists.len())
                .map(|_| OnceLock::new())
                .collect(),
        }
    }
}

/// How many counterparts, issues or officials an official's or an
/// issue's page names (most frequent first); the rest are counted.
pub const COUNTED_LIMIT: usize = 30;

/// Another language the site is published in, as seen from the language
/// a renderer renders: for the `alternates` of every page.
#[derive(Debug, Clone)]
pub struct LanguageLink {
    pub tag: String,
    /// Its own name for itself ("English", "中文").
    pub name: String,
    /// The way from this language's root to that one's: `zh/`, `../`, ``.
    pub from_here: String,
    /// Its absolute root (`base_url` + `zh/`), or "" without a base URL.
    pub base: String,
}

/// Everything needed to render any page of one build.
pub struct Renderer<'a> {
    pub site: &'a Site,
    tera: Tera,
    origin: Origin,
    pub values: Values,
    pub style: UrlStyle,
    /// Extra values every page receives (e.g. hashed asset URLs).
    globals: Vec<(&'static str, Value)>,
    lists: Lists,
    /// Every language of the site, this one included (none for a site in
    /// one language).
    languages: Vec<LanguageLink>,
}

/// What a [`Renderer`] owns: the templates and the values built for one site.
pub struct Parts {
    tera: Tera,
    origin: Origin,
    values: Values,
    style: UrlStyle,
    globals: Vec<(&'static str, Value)>,
    languages: Vec<LanguageLink>,
}

impl Parts {
    /// Exchange `i`'s finished card.
    pub fn card(&self, i: usize) -> &Value {
        &self.values.cards[i]
    }
}

/// Writes `/zh/../x` as `/x` in a page whose root is the absolute path
/// `root` (`/zh/`): the page not found of another language links the
/// site's shared files one folder up from its root.
fn climb_root(html: Vec<u8>, root: &str) -> Vec<u8> {
    let Some(parent) = root
        .strip_suffix('/')
        .and_then(|r| r.rsplit_once('/'))
        .map(|(parent, _)| format!("{parent}/"))
    else {
        return html;
    };
    match String::from_utf8(html) {
        Ok(text) => text.replace(&format!("{root}../"), &parent).into_bytes(),
        Err(e) => e.into_bytes(),
    }
}

impl<'a> Renderer<'a> {
    /// Prepares the values every page shares, rendering each exchange's
    /// card (`partials/card.html`) once.
    pub fn new(
        site: &'a Site,
        tera: Tera,
        origin: Origin,
        style: UrlStyle,
    ) -> Result<Renderer<'a>, Diagnostic> {
        Renderer::reusing(site, tera, origin, style, |_| None)
    }

    /// Like [`Renderer::new`], taking exchange `i`'s finished card from
    /// `reuse(i)` when it has one (the dev server's cache).
    pub fn reusing(
        site: &'a Site,
        tera: Tera,
        origin: Origin,
        style: UrlStyle,
        reuse: impl Fn(usize) -> Option<Value> + Sync,
    ) -> Result<Renderer<'a>, Diagnostic> {
        let mut values = Values::build_reusing(site, style, reuse);
        values.add_card_html(&tera, &origin)?;
        Ok(Renderer {
            values,
            site,
            tera,
            origin,
            style,
            globals: Vec::new(),
            lists: Lists::new(site),
            languages: Vec::new(),
        })
    }

    /// Takes the renderer apart, leaving the site it borrowed (the dev
    /// server keeps the parts between rebuilds).
    pub fn into_parts(self) -> Parts {
        Parts {
            tera: self.tera,
            origin: self.origin,
            values: self.values,
            style: self.style,
            globals: self.globals,
            languages: self.languages,
        }
    }

    /// A renderer of `site` from the parts of one made for it before.
    /// When an exchange changed in place, its card must be refreshed
    /// first ([`Renderer::refresh_card`]).
    pub fn from_parts(site: &'a Site, parts: Parts) -> Renderer<'a> {
        let Parts {
            tera,
            origin,
            values,
            style,
            globals,
            languages,
        } = parts;
        Renderer {
            site,
            tera,
            origin,
            values,
            style,
            globals,
            lists: Lists::new(site),
            languages,
        }
    }

    /// Remakes exchange `i`'s card after it changed in place.
    pub fn refresh_card(&mut self, i: usize) -> Result<(), Diagnostic> {
        self.values
            .refresh_card(self.site, i, self.style, &self.tera, &self.origin)
    }

    /// The languages of the site, for every page's `alternates` and
    /// language switcher.
    pub fn set_languages(&mut self, languages: Vec<LanguageLink>) {
        self.languages = languages;
    }

    /// Adds a value that every page's context receives.
    pub fn set_global(&mut self, key: &'static str, value: Value) {
        self.globals.push((key, value));
    }

    /// Renders one page to HTML.
    pub fn render(&self, page: &Page) -> Result<Vec<u8>, Diagnostic> {
        self.render_into(page, Vec::with_capacity(16 * 1024))
    }

    /// Renders one page to HTML in `buffer` (emptied first): a caller that
    /// renders many pages hands the same buffer back each time, so it grows
    /// to the largest page once instead of for every page.
    pub fn render_into(&self, page: &Page, buffer: Vec<u8>) -> Result<Vec<u8>, Diagnostic> {
        let ctx = self.context(page);
        let mut out = templates::Guarded::reusing(
            buffer,
            templates::RENDER_TIME_LIMIT,
            templates::RENDER_SIZE_LIMIT,
        );
        let template = page.kind.template();
        if let Err(e) = self.tera.render_to(template, ctx.as_context(), &mut out) {
            let file = page.file(self.site);
            return Err(templates::render_error(
                &self.origin,
                &e,
                &out,
                template,
                &file,
            ));
        }
        let root = ctx.get("root").and_then(Value::as_str).unwrap_or("./");
        let html = values::place_root(out.out, root);
        Ok(if page.kind == PageKind::NotFound {
            climb_root(html, root)
        } else {
            html
        })
    }

    /// The context `page`'s template receives.
    pub fn context(&self, page: &Page) -> Ctx {
        let path = page.path(self.site);
        let mut ctx = self.base_context(page, &path);
        match page.kind {
            PageKind::Home => self.home(page, &mut ctx),
            PageKind::Year => self.year(page, &mut ctx),
            PageKind::Exchange => self.exchange(page, &mut ctx),
            PageKind::Officials => self.officials(&mut ctx),
            PageKind::Official => self.official(page, &mut ctx),
            PageKind::Issues => self.issues(&mut ctx),
            PageKind::Issue => self.issue(page, &mut ctx),
            PageKind::Matrix => self.matrix(&mut ctx, None),
            PageKind::MatrixPair => self.matrix(&mut ctx, Some(page.index)),
            PageKind::Places => self.places(&mut ctx),
            PageKind::Place => self.place(page, &mut ctx),
            PageKind::NotFound => {}
        }
        ctx
    }

    /// The prefix from a page back to the site root. The 404 page is served
    /// at any depth, so it uses the base URL's path instead.
    fn root(&self, page: &Page, path: &str) -> String {
        if page.kind == PageKind::NotFound {
            let base = &self.site.config.base_url;
            let after_scheme = base.split_once("://").map_or("", |(_, rest)| rest);
            match after_scheme.find('/') {
                Some(i) => after_scheme[i..].to_string(),
                None => "/".to_string(),
            }
        } else {
            routes::root_prefix(path)
        }
    }

    fn base_context(&self, page: &Page, path: &str) -> Ctx {
        let mut ctx = Ctx::default();
        let root = self.root(page, path);
        let url = self.style.url(path);
        let permalink = if self.site.config.base_url.is_empty() {
            String::new()
        } else {
            format!("{}{}", self.site.config.base_url, path)
        };
        ctx.insert_value("site", self.values.site.clone());
        ctx.insert_value("years", self.values.years.clone());
        ctx.insert_value("decades", self.values.decades.clone());
        ctx.insert_value("root", s(&root));
        ctx.insert_value(
            "links",
            map([
                ("home", s(&self.style.url(""))),
                ("officials", s(&self.style.url("officials/"))),
                ("issues", s(&self.style.url("issues/"))),
                ("matrix", s(&self.style.url("who-met-whom/"))),
                (
                    "places",
                    if self.site.places.is_empty() {
                        Value::none()
                    } else {
                        s(&self.style.url("places/"))
                    },
                ),
            ]),
        );
        let mut page_value = BTreeMap::from([
            ("kind", s(page.kind.name())),
            ("path", s(path)),
            ("url", s(&url)),
            ("permalink", s(&permalink)),
            ("number", Value::from(page.number)),
        ]);
        page_value.extend(head::values(self.site, page));
        page_value.insert("alternates", self.alternates(page, path, &root));
        ctx.insert_value("page", Value::from(page_value));
        for (k, v) in &self.globals {
            ctx.insert_value(*k, v.clone());
        }
        ctx
    }

    /// The page in every language of the site: `lang`, `name`, `href`
    /// (absolute with a base URL, else relative), `current`; and the
    /// default language's again as `x-default`. Empty in one language;
    /// the languages' home pages on the page not found.
    fn alternates(&self, page: &Page, path: &str, root: &str) -> Value {
        if self.languages.len() < 2 {
            return Value::from(Vec::<Value>::new());
        }
        // A page not found has no other language: its switcher leads to
        // each language's home.
        let url = if page.kind == PageKind::NotFound {
            self.style.url("")
        } else {
            self.style.url(path)
        };
        let link = |l: &LanguageLink| {
            if l.base.is_empty() {
                format!("{root}{}{url}", l.from_here)
            } else {
                format!("{}{url}", l.base)
            }
        };
        let mut out: Vec<Value> = self
            .languages
            .iter()
            .map(|l| {
                map([
                    ("lang", s(&l.tag)),
                    ("dir", s(crate::i18n::direction(&l.tag))),
                    ("name", s(&l.name)),
                    ("href", s(&link(l))),
                    // Relative to the root: the switcher works on any host.
                    ("url", s(&format!("{}{url}", l.from_here))),
                    ("current", Value::from(l.tag == self.site.config.language)),
                ])
            })
            .collect();
        if let Some(default) = self.languages.first() {
            out.push(map([
                ("lang", s("x-default")),
                ("name", s(&default.name)),
                ("href", s(&link(default))),
                ("url", s(&format!("{}{url}", default.from_here))),
                ("current", Value::from(false)),
            ]));
        }
        Value::from(out)
    }

    fn body_html(&self, markdown: &str, root: &str) -> Value {
        Value::safe_string(&markdown::to_html(
            markdown,
            RenderOptions {
                unsafe_html: self.site.config.markdown.unsafe_html,
                root,
            },
        ))
    }

    fn cards(&self, ids: &[usize]) -> Value {
        Value::from(
            ids.iter()
                .map(|&i| self.values.cards[i].clone())
                .collect::<Vec<_>>(),
        )
    }

    /// Groups a newest-first list of exchanges by year.
    fn by_year(&self, ids: &[usize]) -> Value {
        let mut groups: Vec<(i32, Vec<Value>)> = Vec::new();
        for &i in ids {
            let year = self.site.exchanges[i].year();
            match groups.last_mut() {
                Some((y, list)) if *y == year => list.push(self.values.cards[i].clone()),
                _ => groups.push((year, vec![self.values.cards[i].clone()])),
            }
        }
        Value::from(
            groups
                .into_iter()
                .map(|(year, list)| {
                    map([
                        ("year", Value::from(year)),
                        ("url", s(&self.style.url(&format!("years/{year}/")))),
                        ("count", Value::from(list.len())),
                        ("exchanges", Value::from(list)),
                    ])
                })
                .collect::<Vec<_>>(),
        )
    }

    /// Links to the other pages of a paginated list whose first page is at `base`.
    fn pagination(&self, base: &str, number: usize, pages: usize, root: &str) -> Value {
        let link = |n: usize| {
            let path = if n <= 1 {
                base.to_string()
            } else {
                format!("{base}page/{n}/")
            };
            s(&format!("{root}{}", self.style.url(&path)))
        };
        map([
            ("number", Value::from(number)),
            ("pages", Value::from(pages)),
            (
                "prev_url",
                if number > 1 {
                    link(number - 1)
                } else {
                    Value::none()
                },
            ),
            (
                "next_url",
                if number < pages {
                    link(number + 1)
                } else {
                    Value::none()
                },
            ),
        ])
    }

    fn root_of(ctx: &Ctx) -> String {
        ctx.get("root")
            .and_then(Value::as_str)
            .unwrap_or("./")
            .to_string()
    }

    fn home(&self, page: &Page, ctx: &mut Ctx) {
        let (shown, pages) = page.list(self.site);
        ctx.insert_value("groups", self.by_year(shown));
        ctx.insert_value("count", Value::from(shown.len()));
        let root = Self::root_of(ctx);
        ctx.insert_value("pagination", self.pagination("", page.number, pages, &root));
        let shared = self
            .lists
            .home
            .get_or_init(|| self.home_browse(values::ROOT_MARK));
        Self::insert_shared(ctx, shared);
        // The filter form searches the whole timeline: the first page has
        // it, the others link there.
        if page.number > 1 {
            ctx.insert_value("filter", Value::none());
        }
    }

    fn year(&self, page: &Page, ctx: &mut Ctx) {
        let site = self.site;
        let y = &site.years[page.index];
        let (shown, pages) = page.list(site);
        let neighbour = |i: Option<usize>| {
            i.and_then(|i| site.years.get(i))
                .map_or(Value::none(), |y| {
                    s(&self.style.url(&format!("years/{}/", y.year)))
                })
        };
        ctx.insert_value(
            "year",
            map([
                ("year", Value::from(y.year)),
                ("count", Value::from(y.exchanges.len())),
                ("exchanges", self.cards(shown)),
                // years are newest first: the next (later) year comes before.
                ("next_url", neighbour(page.index.checked_sub(1))),
                ("prev_url", neighbour(Some(page.index + 1))),
            ]),
        );
        let root = Self::root_of(ctx);
        ctx.insert_value(
            "pagination",
            self.pagination(&format!("years/{}/", y.year), page.number, pages, &root),
        );
    }

    fn exchange(&self, page: &Page, ctx: &mut Ctx) {
        let site = self.site;
        let e = &site.exchanges[page.index];
        let root = Self::root_of(ctx);
        let mut m = self.values.cards[page.index]
            .as_map()
            .cloned()
            .unwrap_or_default();
        m.insert("body".into(), self.body_html(&e.body, &root));
        m.insert(
            "sources".into(),
            Value::from(
                e.sources
                    .iter()
                    .map(|(src, _)| map([("title", s(&src.title)), ("url", s(&src.url))]))
                    .collect::<Vec<_>>(),
            ),
        );
        // The timeline is newest first: the previous exchange is the older one.
        let card = |i: Option<usize>| {
            i.and_then(|i| self.values.cards.get(i))
                .cloned()
                .unwrap_or(Value::none())
        };
        for (k, v) in crate::media::values::exchange(&e.media) {
            m.insert(k.into(), v);
        }
        m.insert("previous".into(), card(Some(page.index + 1)));
        m.insert("next".into(), card(page.index.checked_sub(1)));
        ctx.insert_value("exchange", Value::from(m));
    }

    fn officials(&self, ctx: &mut Ctx) {
        let site = self.site;
        let countries: Vec<Value> = site
            .config
            .countries
            .iter()
            .filter(|c| c.listed || site.officials.iter().any(|o| o.country == c.key))
            .map(|c| {
                let members = site.officials_of(&c.key);
                let list: Vec<Value> = members.iter().map(|&i| self.official_summary(i)).collect();
                map([
                    ("key", s(&c.key)),
                    ("name", s(&c.name)),
                    ("short", s(&c.short)),
                    ("count", Value::from(list.len())),
                    ("officials", Value::from(list)),
                ])
            })
            .collect();
        ctx.insert_value("countries", Value::from(countries));
    }

    /// An official's reference plus exchange count and latest role.
    fn official_summary(&self, i: usize) -> Value {
        let o = &self.site.officials[i];
        values::extended(
            &self.values.officials[i],
            [
                ("count", Value::from(self.site.by_official[i].len())),
                (
                    "latest_role",
                    s(o.roles.last().map_or("", |r| r.title.as_str())),
                ),
            ],
        )
    }

    fn official(&self, page: &Page, ctx: &mut Ctx) {
        let site = self.site;
        let i = page.index;
        let o = &site.officials[i];
        let root = Self::root_of(ctx);
        let (shown, pages) = page.list(site);
        let roles = Value::from(
            o.roles
                .iter()
                .map(|r| {
                    map([
                        ("title", s(&r.title)),
                        ("from", s(&r.from.to_string())),
                        ("from_display", s(&site.strings.date(r.from))),
                        ("to", r.to.map_or(Value::none(), |d| s(&d.to_string()))),
                        (
                            "to_display",
                            r.to.map_or(Value::none(), |d| s(&site.strings.date(d))),
                        ),
                    ])
                })
                .collect::<Vec<_>>(),
        );
        let bio = self.body_html(&o.body, &root);
        let summary = self.official_summary(i);
        let image = o
            .image
            .as_ref()
            .and_then(|m| crate::media::values::image(m, false))
            .unwrap_or_else(Value::none);
        let official =
            values::extended(&summary, [("bio", bio), ("roles", roles), ("image", image)]);
        ctx.insert_value("official", official);
        let exchanges: Vec<Value> = shown
            .iter()
            .map(|&x| {
                let role = values::role_title(site, &site.exchanges[x], i);
                values::extended(&self.values.cards[x], [("role", s(&role))])
            })
            .collect();
        ctx.insert_value("exchanges", Value::from(exchanges));
        ctx.insert_value(
            "pagination",
            self.pagination(&format!("officials/{}/", o.slug), page.number, pages, &root),
        );
        let make = || {
            // Counterparts and issues across all of the official's exchanges.
            let mut counterparts: BTreeMap<usize, usize> = BTreeMap::new();
            let mut issues: BTreeMap<usize, usize> = BTreeMap::new();
            for &x in &site.by_official[i] {
                let e = &site.exchanges[x];
                for other in e.officials().filter(|&other| other != i) {
                    *counterparts.entry(other).or_default() += 1;
                }
                for issue in e.issue_ids() {
                    *issues.entry(issue).or_default() += 1;
                }
            }
            let mut shared: Shared = self
                .counted(
                    "counterparts",
                    "counterparts_more",
                    counterparts,
                    &self.values.officials,
                )
                .into_iter()
                .chain(self.counted("issues", "issues_more", issues, &self.values.issues))
                .collect();
            shared.extend(self.entry_charts(
                values::ROOT_MARK,
                &site.by_official[i],
                &o.name,
                &[("official", &o.slug)],
            ));
            shared
        };
        Self::insert_shared(ctx, &Self::once(&self.lists.officials[i], pages, make));
    }

    /// The [`Shared`] values of a list of `pages` pages: made once and
    /// kept in `cell` when other pages will need them, else just made.
    fn once<'s>(
        cell: &'s OnceLock<Shared>,
        pages: usize,
        make: impl FnOnce() -> Shared,
    ) -> std::borrow::Cow<'s, Shared> {
        if pages > 1 {
            std::borrow::Cow::Borrowed(cell.get_or_init(make))
        } else {
            std::borrow::Cow::Owned(make())
        }
    }

    fn insert_shared(ctx: &mut Ctx, shared: &Shared) {
        for (k, v) in shared {
            ctx.insert_value(*k, v.clone());
        }
    }

    /// The officials of the exchanges `ids`, most frequent first, as
    /// `officials` and `officials_more` (issue and place pages).
    fn officials_of(&self, ids: &[usize]) -> [(&'static str, Value); 2] {
        let mut officials: BTreeMap<usize, usize> = BTreeMap::new();
        for &x in ids {
            for o in self.site.exchanges[x].officials() {
                *officials.entry(o).or_default() += 1;
            }
        }
        self.counted(
            "officials",
            "officials_more",
            officials,
            &self.values.officials,
        )
    }

    /// Entries with how often they occur, most frequent first, then by
    /// name: the first [`COUNTED_LIMIT`] under `key`, and how many more
    /// there are under `{key}_more`.
    fn counted(
        &self,
        key: &'static str,
        more_key: &'static str,
        counts: BTreeMap<usize, usize>,
        refs: &[Value],
    ) -> [(&'static str, Value); 2] {
        let name = |i: usize| {
            refs[i]
                .as_map()
                .and_then(|m| m.get(&"name".into()))
                .and_then(Value::as_str)
                .unwrap_or("")
        };
        let mut list: Vec<(usize, usize, &str)> =
            counts.into_iter().map(|(i, n)| (i, n, name(i))).collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.2.cmp(b.2)));
        let more = list.len().saturating_sub(COUNTED_LIMIT);
        list.truncate(COUNTED_LIMIT);
        let shown = Value::from(
            list.into_iter()
                .map(|(i, n, _)| values::extended(&refs[i], [("count", Value::from(n))]))
                .collect::<Vec<_>>(),
        );
        [(key, shown), (more_key, Value::from(more))]
    }

    fn issues(&self, ctx: &mut Ctx) {
        let mut order: Vec<usize> = (0..self.site.issues.len()).collect();
        order.sort_by(|&a, &b| self.site.issues[a].name.cmp(&self.site.issues[b].name));
        ctx.insert_value(
            "issues",
            Value::from(
                order
                    .iter()
                    .map(|&i| self.values.issues[i].clone())
                    .collect::<Vec<_>>(),
            ),
        );
    }

    fn issue(&self, page: &Page, ctx: &mut Ctx) {
        let site = self.site;
        let i = page.index;
        let root = Self::root_of(ctx);
        let (shown, pages) = page.list(site);
        let description = self.body_html(&site.issues[i].body, &root);
        ctx.insert_value(
            "issue",
            values::extended(&self.values.issues[i], [("description", description)]),
        );
        ctx.insert_value("exchanges", self.cards(shown));
        ctx.insert_value(
            "pagination",
            self.pagination(
                &format!("issues/{}/", site.issues[i].slug),
                page.number,
                pages,
                &root,
            ),
        );
        let make = || {
            let issue = &site.issues[i];
            let mut shared: Shared = self.officials_of(&site.by_issue[i]).into();
            shared.extend(self.entry_charts(
                values::ROOT_MARK,
                &site.by_issue[i],
                &issue.name,
                &[("issue", &issue.slug)],
            ));
            shared
        };
        Self::insert_shared(ctx, &Self::once(&self.lists.issues[i], pages, make));
    }
}
