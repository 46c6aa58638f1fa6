//! The files made from the model beside the pages: feeds, `sitemap.xml`
//! and `robots.txt`, the open-data exports, the search index's manifest
//! and shards and the hashed copies of assets.
//!
//! Owns the table of those files ([`Leaf`]), what each one reads (its
//! fingerprint, from `render::deps`) and making one on demand, so a build
//! or the dev server makes only the files whose inputs changed, one at a
//! time, instead of holding them all. Each format lives in its own module
//! (`feeds`, `sitemap`, `exports`, `render::search`, `assets`); this one
//! only lists and dispatches. It writes nothing.

use std::sync::OnceLock;

use crate::assets::Assets;
use crate::exports;
use crate::feeds::{self, Scope};
use crate::model::Site;
use crate::render::deps::{Fingerprints, Reads, hash_of};
use crate::render::routes::Page;
use crate::render::search;
use crate::render::values::UrlStyle;
use crate::sitemap;
use crate::statics::StaticFile;
use crate::urls::Urls;

/// One file beside the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaf {
    Feed(Scope),
    /// `sitemap.xml`: every page, or the index of the numbered sitemaps.
    Sitemap,
    /// The `n`th numbered sitemap of a site over the protocol's limits.
    SitemapPart(usize),
    Robots,
    /// The `n`th of [`exports::FILES`].
    Export(usize),
    /// The `n`th file of the search index (the manifest first).
    Search(usize),
    /// The `n`th hashed asset copy.
    Asset(usize),
}

/// Everything the leaves of one build are made from.
pub struct Leaves<'a> {
    site: &'a Site,
    pages: &'a [Page],
    assets: &'a Assets,
    style: UrlStyle,
    urls: &'a Urls,
    own_robots: bool,
    /// How the pages are shared out between sitemap files (none without
    /// absolute URLs).
    sitemap: Option<sitemap::Plan>,
    /// Feed entries shared between feeds, made once.
    entries: feeds::Entries,
    /// For a site in another language (`zh/`): only its feeds and its
    /// filter index, under that folder; sitemap, robots.txt, data files
    /// and assets are the default language's, one set for all.
    language: Option<String>,
    /// The search index, made on first use.
    search: OnceLock<search::Index>,
}

impl<'a> Leaves<'a> {
    pub fn new(
        site: &'a Site,
        urls: &'a Urls,
        pages: &'a [Page],
        statics: &[StaticFile],
        assets: &'a Assets,
        style: UrlStyle,
    ) -> Leaves<'a> {
        Leaves::of(site, urls, pages, statics, assets, style, None)
    }

    /// The leaves of `site`, the site in language `tag`, written under `tag/`.
    pub fn for_language(
        site: &'a Site,
        urls: &'a Urls,
        pages: &'a [Page],
        statics: &[StaticFile],
        assets: &'a Assets,
        style: UrlStyle,
        tag: &str,
    ) -> Leaves<'a> {
        Leaves::of(site, urls, pages, statics, assets, style, Some(tag))
    }

    fn of(
        site: &'a Site,
        urls: &'a Urls,
        pages: &'a [Page],
        statics: &[StaticFile],
        assets: &'a Assets,
        style: UrlStyle,
        language: Option<&str>,
    ) -> Leaves<'a> {
        Leaves {
            site,
            pages,
            assets,
            style,
            urls,
            own_robots: statics.iter().any(|f| f.rel == sitemap::ROBOTS),
            // One sitemap, the default language's, lists every language.
            sitemap: (urls.is_absolute() && language.is_none())
                .then(|| sitemap::Plan::new(site, urls, pages, sitemap::LIMITS)),
            entries: feeds::Entries::new(site),
            search: OnceLock::new(),
            language: language.map(str::to_string),
        }
    }

    /// The search index's files.
    fn search(&self) -> &[(String, Vec<u8>)] {
        &self
            .search
            .get_or_init(|| search::site_index(self.site, self.style))
            .files
    }

    /// Every leaf of the site, in a stable order. A sitemap needs absolute
    /// URLs, and a site's own `static/robots.txt` wins over ours.
    pub fn all(&self) -> Vec<Leaf> {
        let mut out: Vec<Leaf> = feeds::all(self.site).into_iter().map(Leaf::Feed).collect();
        if self.language.is_some() {
            out.extend((0..self.search().len()).map(Leaf::Search));
            return out;
        }
        if let Some(plan) = &self.sitemap {
            out.push(Leaf::Sitemap);
            out.extend((0..plan.numbered()).map(Leaf::SitemapPart));
        }
        if !self.own_robots {
            out.push(Leaf::Robots);
        }
        out.extend((0..exports::FILES.len()).map(Leaf::Export));
        out.extend((0..self.search().len()).map(Leaf::Search));
        out.extend((0..self.assets.files().len()).map(Leaf::Asset));
        out
    }

    /// Where `leaf` lives, relative to the output root.
    pub fn path(&self, leaf: Leaf) -> String {
        match &self.language {
            Some(tag) => format!("{tag}/{}", self.own_path(leaf)),
            None => self.own_path(leaf),
        }
    }

    /// Where `leaf` lives, relative to its language's root.
    fn own_path(&self, leaf: Leaf) -> String {
        match leaf {
            Leaf::Feed(scope) => scope.path(self.site),
            Leaf::Sitemap => sitemap::SITEMAP.to_string(),
            Leaf::SitemapPart(n) => sitemap::part_path(n),
            Leaf::Robots => sitemap::ROBOTS.to_string(),
            Leaf::Export(n) => exports::FILES[n].path.to_string(),
            Leaf::Search(n) => self.search()[n].0.clone(),
            Leaf::Asset(n) => self.assets.files()[n].0.clone(),
        }
    }

    /// A fingerprint of everything `leaf` is made from: equal
    /// fingerprints, equal bytes.
    pub fn fingerprint(&self, fps: &Fingerprints, leaf: Leaf) -> u64 {
        let every = || 0..self.site.exchanges.len();
        let cards = Reads::default();
        match leaf {
            Leaf::Feed(scope) => {
                let shown = scope.shown(self.site);
                let reads = Reads {
                    body: true,
                    sources: false,
                    media: false,
                };
                // An empty feed is dated by the whole site.
                if shown.is_empty() {
                    fps.of_exchanges(every(), cards)
                } else {
                    fps.of_exchanges(shown.iter().copied(), reads)
                }
            }
            // The sitemap lists every page (a page per exchange, pages by
            // count), dated from the exchanges it shows; where it is split
            // depends on all of them.
            Leaf::Sitemap | Leaf::SitemapPart(_) => fps.of_exchanges(every(), cards),
            // Named by their content: only what a shard holds.
            Leaf::Search(n) => hash_of(&self.search()[n].1),
            Leaf::Robots => fps.of_exchanges(std::iter::empty(), cards),
            Leaf::Export(n) => fps.of_exchanges(every(), exports::FILES[n].reads) ^ fps.translated,
            // The name carries a hash of the bytes.
            Leaf::Asset(n) => hash_of(&self.assets.files()[n].0),
        }
    }

    /// Writes `leaf` to `out`. The data files are streamed as they are
    /// made; the others are small and made whole.
    pub fn write(&self, leaf: Leaf, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        match leaf {
            Leaf::Export(n) => exports::FILES[n].write(self.site, self.urls, out),
            _ => out.write_all(&self.make(leaf)),
        }
    }

    /// The bytes of `leaf`.
    pub fn make(&self, leaf: Leaf) -> Vec<u8> {
        let (site, urls) = (self.site, self.urls);
        match leaf {
            Leaf::Feed(scope) => feeds::render(site, urls, scope, &self.entries).into_bytes(),
            Leaf::Sitemap => self
                .sitemap
                .as_ref()
                .map_or_else(String::new, |plan| plan.main(site, urls, self.pages))
                .into_bytes(),
            Leaf::SitemapPart(n) => self
                .sitemap
                .as_ref()
                .map_or_else(String::new, |plan| plan.part(n, site, urls, self.pages))
                .into_bytes(),
            Leaf::Robots => sitemap::robots(urls).into_bytes(),
            Leaf::Export(n) => exports::FILES[n].make(site, urls),
            Leaf::Search(n) => self.search()[n].1.clone(),
            Leaf::Asset(n) => self.assets.files()[n].1.clone(),
        }
    }
}
