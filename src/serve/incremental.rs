//! Incremental rebuilds for the dev server.
//!
//! Owns the server's copy of the sources (every entry, parsed or broken),
//! and turns a set of changed paths into the smallest update of the output:
//! changed entries are re-read alone, the model and validation run over the
//! whole site (they are cheap), and only pages whose fingerprint changed are
//! rendered and written (see `render::deps`); a changed static file is
//! copied alone. The result is byte for byte what a full build writes.
//! A failed rebuild changes nothing in the output.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use tera::Tera;

use crate::assets::Assets;
use crate::config::{self, Config};
use crate::error::{Diagnostic, Error, Result};
use crate::load::{self, Entry, ExchangeFront, IssueFront, Kind, Loaded, OfficialFront};
use crate::model::Site;
use crate::output::Writer;
use crate::render::deps::Fingerprints;
use crate::render::templates::{self, Origin};
use crate::render::values::UrlStyle;
use crate::render::{Renderer, routes};
use crate::validate;
use crate::{pipeline, statics};

/// The dev server's build state.
pub struct Session {
    root: PathBuf,
    output: PathBuf,
    drafts: bool,
    base_url: String,
    config: std::result::Result<Config, Diagnostic>,
    exchanges: BTreeMap<String, Entry<ExchangeFront>>,
    officials: BTreeMap<String, Entry<OfficialFront>>,
    issues: BTreeMap<String, Entry<IssueFront>>,
    listing_problems: Vec<Diagnostic>,
    templates: std::result::Result<(Tera, Origin, u64), Vec<Diagnostic>>,
    /// Output file → fingerprint of the page written there.
    pages: HashMap<String, u64>,
    /// Static files (output path) written so far.
    statics: BTreeSet<String>,
    /// Each exchange's finished card, by slug, with the fingerprint of
    /// what it was made from.
    cards: HashMap<String, (u64, tera::Value)>,
    /// Feeds, sitemap, data files and hashed assets written so far.
    leaves: BTreeSet<String>,
    /// Fingerprint of everything the data files were last made from.
    data_fp: Option<u64>,
    /// The data files are behind the pages (their step was put off).
    data_pending: bool,
}

/// What one rebuild did.
#[derive(Debug, Clone, Copy)]
pub struct Rebuilt {
    pub rendered: usize,
    pub written: usize,
    pub removed: usize,
    /// Until the pages were on disk.
    pub elapsed: Duration,
    /// Until the data files (feeds, sitemap, exports, filter index) were too.
    pub total: Duration,
}

impl Session {
    /// Reads the whole site; nothing is written until [`Session::rebuild`].
    pub fn open(root: &Path, output: &Path, drafts: bool, base_url: &str) -> Session {
        let mut s = Session {
            root: root.to_path_buf(),
            output: output.to_path_buf(),
            drafts,
            base_url: config::normalize_base_url(base_url),
            config: load::load_config(root),
            exchanges: BTreeMap::new(),
            officials: BTreeMap::new(),
            issues: BTreeMap::new(),
            listing_problems: Vec::new(),
            templates: templates::load_with_fingerprint(root),
            pages: HashMap::new(),
            statics: BTreeSet::new(),
            cards: HashMap::new(),
            leaves: BTreeSet::new(),
            data_fp: None,
            data_pending: false,
        };
        s.reread_all_entries();
        s
    }

    fn reread_all_entries(&mut self) {
        let mut problems = Vec::new();
        let root = &self.root;
        self.exchanges = load::read_kind(root, Kind::Exchange, load::EXCHANGE_KEYS, &mut problems)
            .into_iter()
            .collect();
        self.officials = load::read_kind(root, Kind::Official, load::OFFICIAL_KEYS, &mut problems)
            .into_iter()
            .collect();
        self.issues = load::read_kind(root, Kind::Issue, load::ISSUE_KEYS, &mut problems)
            .into_iter()
            .collect();
        self.listing_problems = problems;
    }

    /// Takes note of changed paths (absolute or relative to the root).
    /// Returns the static files among them, as output paths.
    pub fn note_changes(&mut self, paths: &BTreeSet<PathBuf>) -> BTreeSet<String> {
        let mut changed_statics = BTreeSet::new();
        let mut relist = false;
        for path in paths {
            let rel = path.strip_prefix(&self.root).unwrap_or(path);
            let rel_str = rel.to_string_lossy().replace('\\', "/");
            if rel_str == load::SITE_TOML {
                self.config = load::load_config(&self.root);
            } else if rel_str == "templates" || rel_str.starts_with("templates/") {
                self.templates = templates::load_with_fingerprint(&self.root);
            } else if let Some(inner) = rel_str.strip_prefix("static/") {
                changed_statics.insert(inner.to_string());
            } else if rel_str == "static" {
                changed_statics.insert(String::new());
            } else if let Some((kind, slug)) = entry_of(&rel_str) {
                self.reread(kind, &slug, rel);
            } else if rel_str == "content" || rel_str.starts_with("content/") {
                relist = true;
            }
        }
        if relist {
            self.reread_all_entries();
        }
        changed_statics
    }

    fn reread(&mut self, kind: Kind, slug: &str, rel: &Path) {
        let exists = self.root.join(rel).exists();
        match kind {
            Kind::Exchange => update(&mut self.exchanges, exists, slug, || {
                load::parse_doc(&self.root, slug, rel, load::EXCHANGE_KEYS)
            }),
            Kind::Official => update(&mut self.officials, exists, slug, || {
                load::parse_doc(&self.root, slug, rel, load::OFFICIAL_KEYS)
            }),
            Kind::Issue => update(&mut self.issues, exists, slug, || {
                load::parse_doc(&self.root, slug, rel, load::ISSUE_KEYS)
            }),
        }
    }

    /// The site as currently on disk, as `load` would have read it.
    fn loaded(&self) -> std::result::Result<Loaded, Vec<Diagnostic>> {
        fn cloned<F: Clone>(
            map: &BTreeMap<String, Entry<F>>,
        ) -> impl Iterator<Item = (String, Entry<F>)> + '_ {
            map.iter()
                .map(|(slug, entry)| (slug.clone(), entry.clone()))
        }
        Loaded::assemble(
            self.config.clone(),
            self.listing_problems.clone(),
            cloned(&self.exchanges),
            cloned(&self.officials),
            cloned(&self.issues),
        )
    }

    /// Whether the data files still have to catch up with the pages.
    pub fn data_pending(&self) -> bool {
        self.data_pending
    }

    /// Brings the output up to date with the sources. The data files
    /// (feeds, sitemap, exports, filter index) are made after the pages,
    /// and only when `data_now()` says so (the server puts them off while
    /// more edits are waiting; see [`Session::data_pending`]). On error the output
    /// is left as it was and every problem is returned.
    pub fn rebuild(
        &mut self,
        changed_statics: &BTreeSet<String>,
        data_now: impl Fn() -> bool,
    ) -> Result<Rebuilt> {
        let start = Instant::now();
        let loaded = self.loaded().map_err(Error::Site)?;
        let mut site = Site::build(loaded, self.drafts);
        site.config.base_url = self.base_url.clone();
        let diagnostics = validate::validate(&site);
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(Error::Site(diagnostics));
        }
        let (tera, origin, templates_fp) = self.templates.clone().map_err(Error::Site)?;
        let statics = statics::collect(&self.root).map_err(Error::Site)?;
        let assets = Assets::build(&statics)?;
        // Pages link hashed asset names: a changed asset changes every page.
        let fingerprints = Fingerprints::new(&site, templates_fp ^ assets.fingerprint());
        let cache = &self.cards;
        let mut renderer = Renderer::reusing(&site, tera, origin, UrlStyle::Pretty, |i| {
            cache
                .get(&site.exchanges[i].slug)
                .filter(|(fp, _)| *fp == fingerprints.card(i))
                .map(|(_, card)| card.clone())
        })
        .map_err(Error::one)?;
        pipeline::set_globals(&mut renderer, &assets);
        let pages = routes::all_pages(&site);
        let planned: Vec<(String, u64, &routes::Page)> = pages
            .par_iter()
            .map(|p| (p.file(&site), fingerprints.page(&site, p), p))
            .collect();
        let dirty: Vec<&(String, u64, &routes::Page)> = planned
            .iter()
            .filter(|(file, fp, _)| self.pages.get(file) != Some(fp))
            .collect();

        let writer = Writer::begin_partial(&self.output)?;
        let errors: Vec<Diagnostic> = dirty
            .par_iter()
            .filter_map(|(file, _, page)| match renderer.render(page) {
                Ok(html) => writer
                    .put(file, &html)
                    .err()
                    .map(|e| Diagnostic::error(file.as_str(), e.to_string())),
                Err(d) => Some(d),
            })
            .collect();
        if !errors.is_empty() {
            writer.abort();
            return Err(Error::Site(errors));
        }
        let new_files: BTreeSet<&str> = planned.iter().map(|(f, _, _)| f.as_str()).collect();
        for old in self
            .pages
            .keys()
            .filter(|f| !new_files.contains(f.as_str()))
        {
            writer.remove(old);
        }
        // Static files: copy those that changed (all of them the first time).
        let first = self.statics.is_empty();
        let static_paths: BTreeSet<String> = statics.iter().map(|f| f.rel.clone()).collect();
        for f in &statics {
            let touched = first
                || changed_statics
                    .iter()
                    .any(|c| c.is_empty() || f.rel == *c || f.rel.starts_with(&format!("{c}/")));
            if touched {
                let bytes = f.read()?;
                writer.put(&f.rel, &bytes)?;
            }
        }
        for old in self.statics.iter().filter(|s| !static_paths.contains(*s)) {
            writer.remove(old);
        }
        let stats = writer.commit()?;
        let pages_elapsed = start.elapsed();
        self.pages = planned.iter().map(|(f, fp, _)| (f.clone(), *fp)).collect();
        self.statics = static_paths;
        for (i, e) in site.exchanges.iter().enumerate() {
            let fp = fingerprints.card(i);
            if self.cards.get(&e.slug).is_none_or(|(old, _)| *old != fp) {
                self.cards
                    .insert(e.slug.clone(), (fp, renderer.values.cards[i].clone()));
            }
        }
        if self.cards.len() != site.exchanges.len() {
            self.cards
                .retain(|slug, _| site.exchange_slugs.contains_key(slug));
        }

        // Second step, once the pages are on disk: the filter index, feeds,
        // sitemap, data files and hashed assets, when anything they are
        // made from changed. Unchanged bytes are not rewritten.
        let data_fp = fingerprints.everything();
        let mut data_written = 0;
        self.data_pending = self.data_fp != Some(data_fp) && !data_now();
        if self.data_fp != Some(data_fp) && !self.data_pending {
            let writer = Writer::begin_partial(&self.output)?;
            let data = pipeline::leaves(&site, &pages, &statics, &assets, UrlStyle::Pretty);
            let data_paths: BTreeSet<String> = data.iter().map(|(p, _)| p.clone()).collect();
            for (rel, bytes) in &data {
                if let Err(e) = writer.put(rel, bytes) {
                    writer.abort();
                    return Err(e);
                }
            }
            for old in self.leaves.iter().filter(|l| !data_paths.contains(*l)) {
                writer.remove(old);
            }
            data_written = writer.commit()?.written;
            self.leaves = data_paths;
            self.data_fp = Some(data_fp);
        }
        Ok(Rebuilt {
            rendered: dirty.len(),
            written: stats.written + data_written,
            removed: stats.removed,
            elapsed: pages_elapsed,
            total: start.elapsed(),
        })
    }
}

/// The kind and slug of a content entry path like `content/exchanges/x.md`.
fn entry_of(rel: &str) -> Option<(Kind, String)> {
    let (dir, name) = rel.rsplit_once('/')?;
    let kind = Kind::ALL.into_iter().find(|k| k.dir() == dir)?;
    if name.starts_with('.') || name.ends_with('~') {
        return None;
    }
    Some((kind, name.strip_suffix(".md")?.to_string()))
}

fn update<F>(
    map: &mut BTreeMap<String, Entry<F>>,
    exists: bool,
    slug: &str,
    read: impl FnOnce() -> Entry<F>,
) {
    if exists {
        map.insert(slug.to_string(), read());
    } else {
        map.remove(slug);
    }
}
