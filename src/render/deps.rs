//! What each page's HTML depends on, as one fingerprint per page.
//!
//! Owns the knowledge of which parts of the model a page kind reads, so
//! that the dev server re-renders only pages whose inputs changed. The
//! rule that keeps incremental output identical to a full build: a page's
//! fingerprint hashes everything its render function reads. Anything read
//! by every page (config, names of all officials and issues, the years,
//! the counts in the footer) goes into the site fingerprint, which every
//! page includes. This module renders nothing.

use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use rustc_hash::FxHasher;

use super::routes::{Page, PageKind};
use super::templates::TemplateFps;
use crate::model::{Exchange, Site};

/// Fingerprints of the parts of a site that pages read.
pub struct Fingerprints {
    site: u64,
    /// The templates each page kind reads, and the card's.
    templates: TemplateFps,
    /// What each exchange's card shows (everything but body and sources).
    exchanges: Vec<u64>,
    /// All of `exchanges` in one (for the pages that read every card).
    all_cards: u64,
    /// Each exchange's body (its own page and the feeds show it).
    bodies: Vec<u64>,
    /// Each exchange's sources (its own page and `exchanges.json`).
    sources: Vec<u64>,
    /// Each exchange's media (its own page and `exchanges.json`).
    media: Vec<u64>,
    officials: Vec<u64>,
    issues: Vec<u64>,
    /// The place index: countries, cities, their exchanges and marks.
    places: u64,
    /// The exchanges' text in the other languages (the data files carry it).
    pub translated: u64,
}

/// A fingerprint of one value.
pub fn hash_of(value: impl Hash) -> u64 {
    let mut h = FxHasher::default();
    value.hash(&mut h);
    h.finish()
}

/// Everything an exchange's card shows.
fn card_fp(e: &Exchange) -> u64 {
    let mut h = FxHasher::default();
    e.lang.hash(&mut h);
    (
        &e.slug,
        &e.title,
        e.date,
        e.end_date,
        &e.format,
        &e.location,
        &e.summary,
    )
        .hash(&mut h);
    if let Some(p) = &e.place {
        (
            p.country.as_ref().map(|c| &c.key),
            &p.city,
            &p.venue,
            p.coords.map(|(a, b)| (a.to_bits(), b.to_bits())),
        )
            .hash(&mut h);
    }
    e.host.as_ref().map(|c| &c.key).hash(&mut h);
    for p in &e.participants {
        (&p.official.slug, p.official.target, p.role).hash(&mut h);
    }
    for i in &e.issues {
        (&i.slug, i.target).hash(&mut h);
    }
    // The thumbnail; feeds and TimelineJS show the first image too.
    crate::media::values::first_image(&e.media)
        .map(|(m, _)| m.fingerprint())
        .hash(&mut h);
    h.finish()
}

/// Every image and document an exchange's page shows.
fn media_fp(e: &Exchange) -> u64 {
    hash_of(e.media.iter().map(|m| m.fingerprint()).collect::<Vec<_>>())
}

fn body_fp(e: &Exchange) -> u64 {
    hash_of(&*e.body)
}

fn sources_fp(e: &Exchange) -> u64 {
    let mut h = FxHasher::default();
    for (s, _) in &e.sources {
        (&s.title, &s.url).hash(&mut h);
    }
    h.finish()
}

impl Fingerprints {
    /// Fingerprints `site`; `global` identifies what every page reads
    /// besides the site (hashed asset names, the URL style), `templates`
    /// the templates each page kind reads.
    pub fn new(site: &Site, global: u64, templates: TemplateFps) -> Fingerprints {
        let c = &site.config;
        let mut h = FxHasher::default();
        global.hash(&mut h);
        (
            &c.title,
            &c.base_url,
            &c.description,
            &c.language,
            &c.formats,
            c.paginate,
            c.markdown.unsafe_html,
            c.csv.bom,
        )
            .hash(&mut h);
        // Every page prints interface strings.
        site.strings.fingerprint().hash(&mut h);
        // Every page links its translations; the sitemap lists them.
        for l in &c.languages {
            (&l.tag, &l.title, &l.description).hash(&mut h);
        }
        for k in &c.countries {
            (&k.key, &k.name, &k.short).hash(&mut h);
        }
        (
            site.exchanges.len(),
            site.officials.len(),
            site.issues.len(),
        )
            .hash(&mut h);
        for y in &site.years {
            (y.year, y.exchanges.len()).hash(&mut h);
        }
        for (i, o) in site.officials.iter().enumerate() {
            (&o.slug, &o.name, &o.country, site.by_official[i].len()).hash(&mut h);
            for r in &o.roles {
                (&r.title, r.from, r.to).hash(&mut h);
            }
        }
        for (i, s) in site.issues.iter().enumerate() {
            (&s.slug, &s.name, site.by_issue[i].len()).hash(&mut h);
        }
        // Every page links the places index when there is one.
        site.places.is_empty().hash(&mut h);
        let mut p = FxHasher::default();
        for c in &site.places {
            (
                &c.key,
                &c.slug,
                &c.exchanges,
                c.coords.map(|(a, b)| (a.to_bits(), b.to_bits())),
            )
                .hash(&mut p);
            for city in &c.cities {
                (
                    &city.name,
                    &city.slug,
                    &city.exchanges,
                    city.coords.map(|(a, b)| (a.to_bits(), b.to_bits())),
                )
                    .hash(&mut p);
            }
        }
        let exchanges: Vec<u64> = site.exchanges.par_iter().map(card_fp).collect();
        Fingerprints {
            site: h.finish(),
            templates,
            all_cards: hash_of(&exchanges),
            exchanges,
            bodies: site.exchanges.par_iter().map(body_fp).collect(),
            sources: site.exchanges.par_iter().map(sources_fp).collect(),
            media: site.exchanges.par_iter().map(media_fp).collect(),
            officials: site
                .officials
                .iter()
                .map(|o| hash_of((&*o.body, o.image.as_ref().map(|m| m.fingerprint()))))
                .collect(),
            issues: site.issues.iter().map(|i| hash_of(&*i.body)).collect(),
            places: p.finish(),
            translated: hash_of(&site.translated),
        }
    }

    /// Takes note that exchange `i` changed in place (the dev server's
    /// edit of one entry). The caller checks that nothing site-wide moved.
    pub fn update_exchange(&mut self, i: usize, e: &Exchange) {
        self.exchanges[i] = card_fp(e);
        self.all_cards = hash_of(&self.exchanges);
        self.bodies[i] = body_fp(e);
        self.sources[i] = sources_fp(e);
        self.media[i] = media_fp(e);
    }

    /// What exchange `i`'s card shows, without the site-wide parts.
    pub fn card_only(&self, i: usize) -> u64 {
        self.exchanges[i]
    }

    /// A fingerprint of a file made from the site-wide parts and, for
    /// each exchange in `ids`, what `reads` says it reads of it.
    pub fn of_exchanges(&self, ids: impl Iterator<Item = usize>, reads: Reads) -> u64 {
        let mut h = FxHasher::default();
        self.site.hash(&mut h);
        for i in ids {
            (i, self.exchanges[i]).hash(&mut h);
            if reads.body {
                self.bodies[i].hash(&mut h);
            }
            if reads.sources {
                self.sources[i].hash(&mut h);
            }
            if reads.media {
                self.media[i].hash(&mut h);
            }
        }
        h.finish()
    }

    /// The fingerprint of everything exchange `i`'s card reads.
    pub fn card(&self, i: usize) -> u64 {
        hash_of((self.site, self.templates.card, self.exchanges[i]))
    }

    /// The fingerprint of everything `page` reads.
    pub fn page(&self, site: &Site, page: &Page) -> u64 {
        let mut h = FxHasher::default();
        (self.site, page.kind.name(), page.index, page.number).hash(&mut h);
        self.templates.page(page.kind).hash(&mut h);
        if page.kind.lists_cards() {
            self.templates.card.hash(&mut h);
        }
        let list = |h: &mut FxHasher, ids: &[usize]| {
            for &i in ids {
                (i, self.exchanges[i]).hash(h);
            }
        };
        match page.kind {
            // The home page's chart, map and the who-met-whom grid read every exchange.
            PageKind::Home | PageKind::Matrix | PageKind::MatrixPair => {
                (self.all_cards, self.places).hash(&mut h)
            }
            PageKind::Year => list(&mut h, page.list(site).0),
            PageKind::Exchange => {
                let i = page.index;
                (self.bodies[i], self.sources[i], self.media[i]).hash(&mut h);
                let lo = i.saturating_sub(1);
                let hi = (i + 2).min(site.exchanges.len());
                list(&mut h, &(lo..hi).collect::<Vec<_>>());
            }
            PageKind::Official => {
                self.officials[page.index].hash(&mut h);
                // Counterparts and issues are drawn from all their exchanges.
                list(&mut h, &site.by_official[page.index]);
            }
            PageKind::Issue => {
                self.issues[page.index].hash(&mut h);
                list(&mut h, &site.by_issue[page.index]);
            }
            PageKind::Place => {
                self.places.hash(&mut h);
                list(&mut h, page.list(site).0);
            }
            PageKind::Places => self.places.hash(&mut h),
            PageKind::Officials | PageKind::Issues | PageKind::NotFound => {}
        }
        h.finish()
    }
}

/// What a file reads of each exchange besides its card.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reads {
    pub body: bool,
    pub sources: bool,
    /// Every image and document (the first image is part of the card).
    pub media: bool,
}
