//! Atom feeds (RFC 4287) of the newest exchanges: the whole site's
//! `feed.xml`, and one per official and per issue beside their pages.
//!
//! Owns which feeds exist ([`Scope`]), where each lives, which pages link
//! to which ([`for_page`]), and the Atom documents themselves. Every date
//! comes from the content (no build time), so a feed only changes when its
//! exchanges do. It reads the model and returns bytes; it writes nothing.

use std::sync::OnceLock;

use chrono::NaiveDate;

use crate::markdown::{self, RenderOptions};
use crate::model::{Exchange, Site};
use crate::render::routes::{Page, PageKind};
use crate::urls::Urls;
use crate::xml::escape;

/// How many of the newest exchanges the site's feed holds.
pub const LIMIT: usize = 50;

/// How many an official's or an issue's feed holds: there are many of
/// those, and each entry carries the whole account.
pub const LIMIT_EACH: usize = 20;

/// The media type feeds are linked with.
pub const MEDIA_TYPE: &str = "application/atom+xml";

/// One feed: the exchanges it follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Site,
    Official(usize),
    Issue(usize),
    /// A country's or a city's (an index into `Site::place_lists`).
    Place(usize),
}

impl Scope {
    /// The feed's file, relative to the site root.
    pub fn path(self, site: &Site) -> String {
        format!("{}feed.xml", self.page_path(site))
    }

    /// The page the feed mirrors, relative to the site root.
    pub fn page_path(self, site: &Site) -> String {
        match self {
            Scope::Site => String::new(),
            Scope::Official(i) => Page::new(PageKind::Official, i).path(site),
            Scope::Issue(i) => Page::new(PageKind::Issue, i).path(site),
            Scope::Place(i) => Page::new(PageKind::Place, i).path(site),
        }
    }

    pub fn title(self, site: &Site) -> String {
        let site_title = &site.config.title;
        match self {
            Scope::Site => site_title.clone(),
            Scope::Official(i) => format!("{} · {site_title}", site.officials[i].name),
            Scope::Issue(i) => format!("{} · {site_title}", site.issues[i].name),
            Scope::Place(i) => format!(
                "{} · {site_title}",
                site.place_lists[i].name(&site.places, &site.config)
            ),
        }
    }

    fn subtitle(self, site: &Site) -> String {
        match self {
            Scope::Site => site.config.description.clone(),
            Scope::Official(i) => site.strings.text(
                "feed.official",
                None,
                &[("name", site.officials[i].name.clone())],
            ),
            Scope::Issue(i) => {
                site.strings
                    .text("feed.issue", None, &[("name", site.issues[i].name.clone())])
            }
            Scope::Place(i) => site.strings.text(
                "feed.place",
                None,
                &[(
                    "name",
                    site.place_lists[i]
                        .name(&site.places, &site.config)
                        .to_string(),
                )],
            ),
        }
    }

    /// How many entries the feed shows.
    pub fn limit(self) -> usize {
        match self {
            Scope::Site => LIMIT,
            _ => LIMIT_EACH,
        }
    }

    /// The exchanges the feed shows: the newest [`Scope::limit`].
    pub fn shown(self, site: &Site) -> &[usize] {
        let ids = self.exchanges(site);
        &ids[..ids.len().min(self.limit())]
    }

    /// Every exchange the feed follows, newest first (it shows the first [`Scope::limit`]).
    pub fn exchanges(self, site: &Site) -> &[usize] {
        match self {
            Scope::Site => &site.timeline,
            Scope::Official(i) => &site.by_official[i],
            Scope::Issue(i) => &site.by_issue[i],
            Scope::Place(i) => site.place_lists[i].exchanges(&site.places),
        }
    }
}

/// The entries of one build's feeds, each made once. An exchange is in
/// several feeds (the site's, its officials', its issues'), and its entry
/// (the account rendered and escaped) is the same in each: it is made for
/// the first and copied into the others. Only entries shown in
/// [`SHARED_BY`] feeds or more are kept, until the build's feeds are done.
pub struct Entries {
    /// By exchange: how many feeds show it.
    feeds: Vec<u8>,
    made: Vec<OnceLock<Box<str>>>,
}

/// How many feeds must show an exchange for its entry to be kept. At
/// 10,000 synthetic exchanges, 7,510 entries show 2,635 exchanges: keeping
/// those in three feeds or more (1,400, ~8 MB) saves 4,127 of the 4,875
/// renders that keeping every shared one would, for two thirds of its memory.
const SHARED_BY: u8 = 3;

impl Entries {
    pub fn new(site: &Site) -> Entries {
        let mut feeds = vec![0u8; site.exchanges.len()];
        for scope in all(site) {
            for &i in scope.shown(site) {
                feeds[i] = feeds[i].saturating_add(1);
            }
        }
        Entries {
            feeds,
            made: (0..site.exchanges.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Appends exchange `i`'s entry to `x`.
    fn write(&self, x: &mut String, site: &Site, urls: &Urls, i: usize) {
        match self.made.get(i) {
            Some(cell) if self.feeds.get(i).is_some_and(|&n| n >= SHARED_BY) => {
                x.push_str(cell.get_or_init(|| {
                    let mut one = String::new();
                    entry(&mut one, site, urls, i);
                    one.into_boxed_str()
                }));
            }
            _ => entry(x, site, urls, i),
        }
    }
}

/// Every feed of the site, in a stable order.
pub fn all(site: &Site) -> Vec<Scope> {
    std::iter::once(Scope::Site)
        .chain((0..site.officials.len()).map(Scope::Official))
        .chain((0..site.issues.len()).map(Scope::Issue))
        .chain((0..site.place_lists.len()).map(Scope::Place))
        .collect()
}

/// The feeds a page links to, most specific first: an official's or an
/// issue's own feed (on every page of its list), then the site's.
pub fn for_page(page: &Page) -> Vec<Scope> {
    let own = match page.kind {
        PageKind::Official => Some(Scope::Official(page.index)),
        PageKind::Issue => Some(Scope::Issue(page.index)),
        PageKind::Place => Some(Scope::Place(page.index)),
        _ => None,
    };
    own.into_iter()
        .chain(std::iter::once(Scope::Site))
        .collect()
}

/// `2023-06-18T00:00:00Z`: a content date as an Atom date.
fn timestamp(d: NaiveDate) -> String {
    format!("{d}T00:00:00Z")
}

/// The date an exchange was last current: its last day.
pub fn last_day(e: &Exchange) -> NaiveDate {
    e.end_date.unwrap_or(e.date).max(e.date)
}

/// An Atom id: the absolute URL, or a URN when the site has no `base_url`.
fn id(urls: &Urls, path: &str) -> String {
    if urls.is_absolute() {
        urls.absolute(path)
    } else {
        format!("urn:detente:{path}")
    }
}

/// One feed as an Atom document.
pub fn render(site: &Site, urls: &Urls, scope: Scope, entries: &Entries) -> String {
    let shown = scope.shown(site);
    // The feed is as new as its newest exchange; an empty one as the site.
    let updated = shown
        .iter()
        .map(|&i| last_day(&site.exchanges[i]))
        .max()
        .or_else(|| site.exchanges.iter().map(last_day).max())
        .unwrap_or_default();
    let path = scope.path(site);
    let page = scope.page_path(site);
    let mut x = String::with_capacity(4096 + shown.len() * 4096);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\" xml:base=\"{}\">\n",
        escape(&site.config.language),
        escape(&site_root(urls, &path))
    ));
    x.push_str(&format!(
        "  <title>{}</title>\n",
        escape(&scope.title(site))
    ));
    let subtitle = scope.subtitle(site);
    if !subtitle.is_empty() {
        x.push_str(&format!("  <subtitle>{}</subtitle>\n", escape(&subtitle)));
    }
    x.push_str(&format!("  <id>{}</id>\n", escape(&id(urls, &path))));
    x.push_str(&format!(
        "  <link rel=\"self\" type=\"{MEDIA_TYPE}\" href=\"{}\"/>\n",
        escape(&urls.absolute(&path))
    ));
    x.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&urls.absolute(&page))
    ));
    x.push_str(&format!("  <updated>{}</updated>\n", timestamp(updated)));
    x.push_str(&format!(
        "  <author><name>{}</name>{}</author>\n",
        escape(&site.config.title),
        if urls.is_absolute() {
            format!("<uri>{}</uri>", escape(&urls.absolute("")))
        } else {
            String::new()
        }
    ));
    x.push_str(&format!(
        "  <generator version=\"{}\">detente</generator>\n",
        env!("CARGO_PKG_VERSION")
    ));
    for &i in shown {
        entries.write(&mut x, site, urls, i);
    }
    x.push_str("</feed>\n");
    x
}

/// The feed's `xml:base`: the site's root, which relative references in
/// the feed resolve against. It is `base_url`, or without one the way
/// from the feed's folder up to the root (`./`, `../../`), which a reader
/// resolves against the address it fetched the feed from.
fn site_root(urls: &Urls, feed_path: &str) -> String {
    if urls.is_absolute() {
        urls.absolute("")
    } else {
        crate::render::routes::root_prefix(feed_path)
    }
}

/// One entry, the same in every feed that shows it. Its content's
/// `xml:base` is the exchange's page, so the account's page-relative links
/// resolve as they do on the page: the absolute URL, or without a
/// `base_url` the page's path from the site root (the feed's `xml:base`).
fn entry(x: &mut String, site: &Site, urls: &Urls, i: usize) {
    let e = &site.exchanges[i];
    let path = Page::new(PageKind::Exchange, i).path(site);
    let url = urls.absolute(&path);
    let (root, content_base) = if urls.is_absolute() {
        (urls.absolute(""), url.clone())
    } else {
        (crate::render::routes::root_prefix(&path), path.clone())
    };
    let body = markdown::to_html(
        &e.body,
        RenderOptions {
            unsafe_html: site.config.markdown.unsafe_html,
            root: &root,
        },
    );
    x.push_str("  <entry>\n");
    x.push_str(&format!("    <title>{}</title>\n", escape(&e.title)));
    x.push_str(&format!(
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&url)
    ));
    // The first image, as RSS readers and podcatchers know enclosures.
    if let Some((_, r)) = crate::media::values::first_image(&e.media) {
        x.push_str(&format!(
            "    <link rel=\"enclosure\" type=\"{}\" length=\"{}\" href=\"{}\"/>\n",
            r.fallback.media_type,
            r.fallback.bytes,
            escape(&urls.absolute(&r.fallback.path))
        ));
    }
    x.push_str(&format!("    <id>{}</id>\n", escape(&id(urls, &path))));
    x.push_str(&format!(
        "    <published>{}</published>\n",
        timestamp(e.date)
    ));
    x.push_str(&format!(
        "    <updated>{}</updated>\n",
        timestamp(last_day(e))
    ));
    // Officials and issues as categories, each under its own scheme.
    let officials = e
        .officials()
        .map(|o| (&site.officials[o].slug, &site.officials[o].name));
    let issues = e
        .issue_ids()
        .map(|i| (&site.issues[i].slug, &site.issues[i].name));
    for (scheme, (slug, name)) in officials
        .map(|c| ("officials/", c))
        .chain(issues.map(|c| ("issues/", c)))
    {
        x.push_str(&format!(
            "    <category term=\"{}\" scheme=\"{}\" label=\"{}\"/>\n",
            escape(slug),
            escape(&urls.absolute(scheme)),
            escape(name)
        ));
    }
    if !e.summary.is_empty() {
        x.push_str(&format!("    <summary>{}</summary>\n", escape(&e.summary)));
    }
    x.push_str(&format!(
        "    <content type=\"html\" xml:base=\"{}\">{}</content>\n",
        escape(&content_base),
        escape(&body)
    ));
    x.push_str("  </entry>\n");
}
