//! Incremental rebuilds for the dev server.
//!
//! Owns the server's copy of the sources (every entry, parsed or broken)
//! and of the last good build, and turns a set of changed paths into the
//! smallest update of the output. Two ways, one result:
//!
//! - In place: when only exchanges (or their translations) were edited,
//!   and none of them moved in the timeline or changed who or what it is
//!   about (same slug, date, officials and issues), each one is swapped
//!   into the last good model of every language, checked alone, and its
//!   card remade; nothing else is rebuilt.
//! - Whole: anything else (a new, deleted or renamed file, an official,
//!   an issue, site.toml, templates, static files) re-reads the changed
//!   entries alone and builds and validates the model from all of them.
//!
//! Either way only pages whose fingerprint changed are rendered and written
//! (see `render::deps`), then each data file whose inputs changed (see
//! `leaves`); a changed static file is copied alone. The output is byte for
//! byte what a full build writes, and a failed rebuild changes nothing in it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use tera::Tera;

use crate::assets::Assets;
use crate::config::{self, Config};
use crate::error::{Diagnostic, Error, Result};
use crate::layers;
use crate::leaves::Leaves;
use crate::load::{self, Entry, ExchangeFront, IssueFront, Kind, Loaded, OfficialFront};
use crate::model::{Exchange, Site};
use crate::output::Writer;
use crate::pipeline;
use crate::render::deps::Fingerprints;
use crate::render::routes::Page;
use crate::render::templates::{self, Origin, TemplateFps};
use crate::render::values::UrlStyle;
use crate::render::{Parts, Renderer, routes};
use crate::statics::{self, StaticFile};
use crate::urls::Urls;
use crate::{translate, validate};

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
    /// The compiled templates of the current layers; `None` once a
    /// template, a theme or site.toml (which names the theme) changed.
    templates: Option<std::result::Result<(Tera, Origin, TemplateFps), Vec<Diagnostic>>>,
    /// What changed since the last good rebuild.
    pending: Pending,
    /// The model and renderer of the last good rebuild.
    last: Option<Last>,
    /// Output file → fingerprint of the page written there.
    pages: HashMap<String, u64>,
    /// Static files (output path) written so far.
    statics: BTreeSet<String>,
    /// Data file → fingerprint of what it was last made from.
    leaves: HashMap<String, u64>,
    /// The data files are behind the pages (their step was put off).
    data_pending: bool,
    /// The warnings of the last good rebuild.
    warnings: Vec<Diagnostic>,
    /// Every translation file, as read last, and the problems of those
    /// that could not be read (by file).
    translations: load::Translations,
    translation_problems: BTreeMap<PathBuf, Diagnostic>,
    /// Media made so far (beside the output), and the media files written.
    cache: crate::media::Cache,
    media: BTreeSet<String>,
}

/// What changed since the last good rebuild.
struct Pending {
    /// Something that needs a whole rebuild (always, before the first).
    whole: bool,
    /// Exchanges whose file was edited (it existed before and after).
    edited: BTreeSet<String>,
}

/// The last good rebuild, kept for edits applied in place.
struct Last {
    /// The site in its default language.
    main: Model,
    /// The site in each other language, in site.toml's order.
    languages: Vec<Model>,
    statics: Vec<StaticFile>,
    assets: Assets,
}

/// The site in one language, as last rendered.
struct Model {
    site: Site,
    fingerprints: Fingerprints,
    /// The renderer's parts (taken while it renders).
    parts: Option<Parts>,
    pages: Vec<Page>,
    /// Each page's output file, in the order of `pages`.
    files: Vec<String>,
}

/// What one rebuild did.
#[derive(Debug, Clone)]
pub struct Rebuilt {
    /// Whether the edits were applied to the last model in place.
    pub in_place: bool,
    pub rendered: usize,
    pub written: usize,
    pub removed: usize,
    /// Until the pages were on disk.
    pub elapsed: Duration,
    /// Until the data files (feeds, sitemap, exports, filter index) were too.
    pub total: Duration,
    /// The site's warnings, as a build would print them.
    pub warnings: Vec<Diagnostic>,
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
            templates: None,
            pending: Pending {
                whole: true,
                edited: BTreeSet::new(),
            },
            last: None,
            pages: HashMap::new(),
            statics: BTreeSet::new(),
            leaves: HashMap::new(),
            data_pending: false,
            warnings: Vec::new(),
            translations: load::Translations::default(),
            translation_problems: BTreeMap::new(),
            cache: crate::media::Cache::open(output),
            media: BTreeSet::new(),
        };
        s.reread_all_entries();
        s
    }

    /// Keeps the media this session makes in the cache beside `output`
    /// (another output folder than the one served), before the first
    /// rebuild.
    pub fn keep_media_beside(&mut self, output: &Path) {
        self.cache = crate::media::Cache::open(output);
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
        let (translations, problems) = load::read_translations(root);
        self.translations = translations;
        self.translation_problems = problems.into_iter().map(|d| (d.file.clone(), d)).collect();
    }

    /// Takes note of changed paths (absolute or relative to the root).
    /// Returns the static files among them, as output paths.
    pub fn note_changes(&mut self, paths: &BTreeSet<PathBuf>) -> BTreeSet<String> {
        let mut changed_statics = BTreeSet::new();
        let mut relist = false;
        for path in paths {
            let rel = path.strip_prefix(&self.root).unwrap_or(path);
            let rel_str = rel.to_string_lossy().replace('\\', "/");
            let theme_static = self.config.as_ref().ok().and_then(|c| {
                let prefix = format!("{}/{}/static", layers::THEMES, c.theme.as_deref()?);
                rel_str.strip_prefix(&prefix).map(str::to_string)
            });
            if rel_str == load::SITE_TOML {
                self.config = load::load_config(&self.root);
                // It names the theme.
                self.templates = None;
                changed_statics.insert(String::new());
            } else if rel_str == "templates" || rel_str.starts_with("templates/") {
                self.templates = None;
            } else if let Some(inner) = theme_static {
                changed_statics.insert(inner.trim_start_matches('/').to_string());
            } else if rel_str == layers::THEMES || rel_str.starts_with("themes/") {
                self.templates = None;
            } else if let Some(inner) = rel_str.strip_prefix("static/") {
                changed_statics.insert(inner.to_string());
            } else if rel_str == "static" {
                changed_statics.insert(String::new());
            } else if let Some((kind, stem)) =
                entry_of(&rel_str).filter(|(_, stem)| load::translation_of(stem).is_some())
            {
                self.translation_problems.remove(rel);
                match self.translations.reread(&self.root, kind, rel) {
                    // An edited translation of an exchange: like an edit
                    // of the exchange.
                    Ok(true) if kind == Kind::Exchange => {
                        if let Some((slug, _)) = load::translation_of(&stem) {
                            self.pending.edited.insert(slug.to_string());
                            continue;
                        }
                    }
                    Ok(_) => {}
                    Err(d) => {
                        self.translation_problems.insert(rel.to_path_buf(), d);
                    }
                }
            } else if rel_str == "i18n" || rel_str.starts_with("i18n/") {
                // Interface strings: read again in the whole rebuild.
            } else if let Some((kind, slug)) = entry_of(&rel_str) {
                let existed = self.reread(kind, &slug, rel);
                if kind == Kind::Exchange && existed {
                    self.pending.edited.insert(slug);
                    continue;
                }
            } else if rel_str == "content" || rel_str.starts_with("content/") {
                relist = true;
            } else {
                continue;
            }
            self.pending.whole = true;
        }
        if relist {
            self.reread_all_entries();
        }
        changed_statics
    }

    /// Re-reads one entry; returns whether it existed before and still does.
    fn reread(&mut self, kind: Kind, slug: &str, rel: &Path) -> bool {
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

    /// What the error overlay says of `error`: its text, headed in each
    /// language of the last good build (in English before the first).
    pub fn failure(&self, error: &Error) -> super::http::Failure {
        let key = "serve.failed";
        let (titles, default) = match &self.last {
            Some(last) => (
                std::iter::once(&last.main)
                    .chain(&last.languages)
                    .map(|m| {
                        let s = &m.site;
                        (s.config.language.clone(), s.strings.text(key, None, &[]))
                    })
                    .collect(),
                last.main.site.config.language.clone(),
            ),
            None => {
                let english = crate::i18n::Table::english();
                let tag = english.tag().to_string();
                let title = english.text(key, None, &[]);
                (BTreeMap::from([(tag.clone(), title)]), tag)
            }
        };
        super::http::Failure {
            text: error.to_string(),
            titles,
            default,
        }
    }

    /// Whether the data files still have to catch up with the pages.
    pub fn data_pending(&self) -> bool {
        self.data_pending
    }

    /// Brings the output up to date with the sources. The data files
    /// (feeds, sitemap, exports, filter index) are made after the pages,
    /// and only when `data_now()` says so (the server puts them off while
    /// more edits are waiting; see [`Session::data_pending`]). On error the
    /// output is left as it was and every problem is returned.
    pub fn rebuild(
        &mut self,
        changed_statics: &BTreeSet<String>,
        data_now: impl Fn() -> bool,
    ) -> Result<Rebuilt> {
        let start = Instant::now();
        let in_place = match self.in_place() {
            Some(result) => Some(result?),
            None => None,
        };
        let (rendered, pages) = match in_place {
            Some(done) => done,
            // The media made for a rebuild join the cache only if it
            // succeeds.
            None => match self.whole(changed_statics) {
                Ok(done) => {
                    self.cache.commit();
                    done
                }
                Err(e) => {
                    self.cache.discard();
                    return Err(e);
                }
            },
        };
        self.pending.whole = false;
        self.pending.edited.clear();
        let pages_elapsed = start.elapsed();
        let data_written = self.write_data(data_now)?;
        Ok(Rebuilt {
            in_place: in_place.is_some(),
            rendered,
            written: pages.written + data_written,
            removed: pages.removed,
            elapsed: pages_elapsed,
            total: start.elapsed(),
            warnings: self.warnings.clone(),
        })
    }

    /// Applies the edited exchanges (and translations of exchanges) to the
    /// last good model of every language in place, when none of them
    /// moved in the timeline or changed who or what it is about. `None`:
    /// a whole rebuild is needed.
    fn in_place(&mut self) -> Option<Result<(usize, crate::output::Stats)>> {
        if self.pending.whole
            || self.pending.edited.is_empty()
            || !self.translation_problems.is_empty()
        {
            return None;
        }
        let last = self.last.as_mut().filter(|l| l.ready())?;
        let site = &last.main.site;
        let mut edits: Vec<(usize, Exchange)> = Vec::new();
        for slug in &self.pending.edited {
            // Unreadable files, drafts and the like take the whole way,
            // which reports them as a build would.
            let doc = self.exchanges.get(slug)?.as_ref().ok()?;
            let &i = site.exchange_slugs.get(slug)?;
            if doc.front.draft && !self.drafts {
                return None;
            }
            let mut new = site.exchange_from(doc.clone());
            if !site.keeps_indexes(i, &new) {
                return None;
            }
            // Media are made by the whole way; in place, only those of
            // files already made are taken over (new text, same files).
            let old = &site.exchanges[i].media;
            if !new.media.iter_mut().all(|m| m.carry_from(old)) {
                return None;
            }
            edits.push((i, new));
        }
        let (mut problems, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = edits
            .iter()
            .flat_map(|(_, e)| validate::exchange(site, e))
            .partition(Diagnostic::is_error);
        // The same exchanges in each other language.
        let default = site.config.language.as_str();
        let translated: Vec<Vec<(usize, Exchange)>> = last
            .languages
            .iter()
            .map(|l| {
                let (config, separator) = (&l.site.config, l.site.place_separator());
                edits
                    .iter()
                    .map(|(i, e)| {
                        let doc = self.translations.exchange(&config.language, &e.slug);
                        let e = translate::exchange_in(
                            e,
                            config,
                            &separator,
                            default,
                            doc,
                            &mut problems,
                        );
                        (*i, e)
                    })
                    .collect()
            })
            .collect();
        if !problems.is_empty() {
            return Some(Err(Error::Site(problems)));
        }
        // What is said of an exchange is said in its own file.
        let edited: BTreeSet<&Path> = edits.iter().map(|(_, e)| e.path.as_path()).collect();
        let mut kept: Vec<Diagnostic> = self
            .warnings
            .iter()
            .filter(|w| !edited.contains(w.file.as_path()))
            .cloned()
            .collect();
        kept.extend(warnings);
        let result = last.apply(edits, translated, &self.output, &mut self.pages);
        match &result {
            Ok(_) => {
                self.warnings = kept;
            }
            // The model moved on without the output: start again from the
            // sources next time.
            Err(_) => {
                self.last = None;
                self.pending.whole = true;
            }
        }
        Some(result)
    }

    /// Builds the model from every entry and renders the pages whose
    /// fingerprint changed.
    fn whole(
        &mut self,
        changed_statics: &BTreeSet<String>,
    ) -> Result<(usize, crate::output::Stats)> {
        let loaded = self.loaded().map_err(Error::Site)?;
        let mut site = Site::build(loaded, self.drafts);
        site.config.base_url = self.base_url.clone();
        let diagnostics = validate::validate(&site);
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(Error::Site(diagnostics));
        }
        let media = crate::media::process(
            &self.root,
            &mut site,
            &self.cache,
            crate::media::Mode::Build,
        )
        .map_err(Error::Site)?;
        let mut warnings = diagnostics;
        let read = self.translation_problems.values().cloned().collect();
        let languages = pipeline::languages_from(
            &self.root,
            &mut site,
            &self.translations,
            read,
            &mut warnings,
        )?;
        let layers = pipeline::layers(&self.root, &site)?;
        let (tera, origin, templates_fp) = self
            .templates
            .get_or_insert_with(|| templates::load_with_fingerprint(&layers))
            .clone()
            .map_err(Error::Site)?;
        let statics = statics::for_site(&layers, &site).map_err(Error::Site)?;
        let assets = Assets::build(&statics)?;
        // Pages link hashed asset names: a changed asset changes every page.
        let language_tera = (!languages.is_empty()).then(|| tera.clone());
        let mut tera = tera;
        site.strings.register(&mut tera);
        let links = pipeline::language_links(&site, &languages);
        let global = assets.fingerprint() ^ pipeline::links_fp(&links);
        let fingerprints = Fingerprints::new(&site, global, templates_fp.clone());
        let last = self.last.as_ref();
        let mut renderer = Renderer::reusing(&site, tera, origin.clone(), UrlStyle::Pretty, |i| {
            reuse(last.map(|l| &l.main), &site, &fingerprints, i)
        })
        .map_err(Error::one)?;
        pipeline::set_globals(&mut renderer, &assets);
        renderer.set_languages(links);
        let pages = routes::all_pages(&site);
        let files: Vec<String> = pages.par_iter().map(|p| p.file(&site)).collect();
        let fps: Vec<u64> = pages
            .par_iter()
            .map(|p| fingerprints.page(&site, p))
            .collect();
        let mut dirty: Vec<usize> = (0..pages.len())
            .filter(|&k| self.pages.get(&files[k]) != Some(&fps[k]))
            .collect();

        let writer = Writer::begin_partial(&self.output)?;
        if let Err(e) = render_into(&writer, &renderer, &pages, &files, &dirty) {
            writer.abort();
            return Err(e);
        }
        let mut rendered = dirty.len();
        let mut written: Vec<(String, u64)> = files.iter().cloned().zip(fps).collect();
        // The other languages: the pages whose fingerprints changed, with
        // the cards of the last rebuild's same language where they match.
        let mut language_parts = Vec::new();
        let mut language_plans = Vec::new();
        for lsite in &languages {
            let Some(tera) = &language_tera else { break };
            let input = pipeline::LanguageInput {
                origin: &origin,
                links: pipeline::language_links_from(&site, &languages, &lsite.config.language),
                statics: &statics,
                assets: &assets,
                global,
                templates: &templates_fp,
                style: UrlStyle::Pretty,
            };
            let plan = pipeline::language_plan(lsite, &input);
            let before = last.and_then(|l| {
                l.languages
                    .iter()
                    .find(|m| m.site.config.language == lsite.config.language)
            });
            let made = pipeline::language_renderer(lsite, tera.clone(), &input, |i| {
                reuse(before, lsite, &plan.fingerprints, i)
            });
            let renderer = match made {
                Ok(renderer) => renderer,
                Err(e) => {
                    writer.abort();
                    return Err(e);
                }
            };
            dirty = (0..plan.pages.len())
                .filter(|&k| self.pages.get(&plan.files[k]) != Some(&plan.fps[k]))
                .collect();
            if let Err(e) = render_into(&writer, &renderer, &plan.pages, &plan.files, &dirty) {
                writer.abort();
                return Err(e);
            }
            rendered += dirty.len();
            written.extend(plan.files.iter().cloned().zip(plan.fps.iter().copied()));
            language_parts.push(renderer.into_parts());
            language_plans.push(plan);
        }
        let new_files: BTreeSet<&str> = written.iter().map(|(f, _)| f.as_str()).collect();
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
        // Media files: their names change with their bytes, so a name
        // already written is up to date.
        let media_paths: BTreeSet<String> = media.keys().cloned().collect();
        let made = &self.media;
        if let Err(e) = pipeline::write_media(&writer, &media, |file, _| made.contains(file)) {
            writer.abort();
            return Err(e);
        }
        for old in self.media.iter().filter(|m| !media_paths.contains(*m)) {
            writer.remove(old);
        }
        let stats = commit(writer, &self.output)?;
        self.pages = written.into_iter().collect();
        self.statics = static_paths;
        self.media = media_paths;
        let parts = Some(renderer.into_parts());
        self.warnings = warnings;
        let languages = languages
            .into_iter()
            .zip(language_plans)
            .zip(language_parts)
            .map(|((site, plan), parts)| Model {
                site,
                fingerprints: plan.fingerprints,
                parts: Some(parts),
                pages: plan.pages,
                files: plan.files,
            })
            .collect();
        self.last = Some(Last {
            main: Model {
                site,
                fingerprints,
                parts,
                pages,
                files,
            },
            languages,
            statics,
            assets,
        });
        Ok((rendered, stats))
    }

    /// The second step, once the pages are on disk: the data files whose
    /// inputs changed (for an edited body, the feeds that carry it).
    /// Unchanged bytes are not rewritten. Returns how many were written.
    fn write_data(&mut self, data_now: impl Fn() -> bool) -> Result<usize> {
        let Some(last) = &self.last else {
            return Ok(0);
        };
        let models: Vec<&Model> = std::iter::once(&last.main).chain(&last.languages).collect();
        let urls: Vec<Urls> = models.iter().map(|m| Urls::new(&m.site.config)).collect();
        let sets: Vec<(Leaves, &Fingerprints)> = models
            .iter()
            .zip(&urls)
            .enumerate()
            .map(|(k, (m, urls))| {
                let (site, pages) = (&m.site, m.pages.as_slice());
                let (statics, assets) = (&last.statics, &last.assets);
                let leaves = if k == 0 {
                    Leaves::new(site, urls, pages, statics, assets, UrlStyle::Pretty)
                } else {
                    let tag = &site.config.language;
                    Leaves::for_language(site, urls, pages, statics, assets, UrlStyle::Pretty, tag)
                };
                (leaves, &m.fingerprints)
            })
            .collect();
        let planned: Vec<_> = sets
            .iter()
            .flat_map(|(leaves, fps)| {
                leaves.all().into_iter().map(move |leaf| {
                    let fp = leaves.fingerprint(fps, leaf);
                    (leaves, leaf, leaves.path(leaf), fp)
                })
            })
            .collect();
        let dirty: Vec<_> = planned
            .iter()
            .filter(|(_, _, path, fp)| self.leaves.get(path) != Some(fp))
            .collect();
        let paths: BTreeSet<&str> = planned.iter().map(|(_, _, p, _)| p.as_str()).collect();
        let stale: Vec<&String> = self
            .leaves
            .keys()
            .filter(|p| !paths.contains(p.as_str()))
            .collect();
        if dirty.is_empty() && stale.is_empty() {
            self.data_pending = false;
            return Ok(0);
        }
        if !data_now() {
            self.data_pending = true;
            return Ok(0);
        }
        let writer = Writer::begin_partial(&self.output)?;
        let failed = dirty.par_iter().find_map_any(|(leaves, leaf, path, _)| {
            writer.put_with(path, |out| leaves.write(*leaf, out)).err()
        });
        if let Some(e) = failed {
            writer.abort();
            return Err(e);
        }
        for old in stale {
            writer.remove(old);
        }
        let written = commit(writer, &self.output)?.written;
        self.leaves = planned.into_iter().map(|(_, _, p, fp)| (p, fp)).collect();
        self.data_pending = false;
        Ok(written)
    }
}

impl Last {
    /// Whether every language's renderer parts are at hand.
    fn ready(&self) -> bool {
        std::iter::once(&self.main)
            .chain(&self.languages)
            .all(|m| m.parts.is_some())
    }

    /// Swaps edited exchanges into the model of the default language and
    /// their `translated` forms into the others (one list per language),
    /// and writes the pages that show them; `pages` maps each written
    /// file to its fingerprint.
    fn apply(
        &mut self,
        edits: Vec<(usize, Exchange)>,
        translated: Vec<Vec<(usize, Exchange)>>,
        output: &Path,
        pages: &mut HashMap<String, u64>,
    ) -> Result<(usize, crate::output::Stats)> {
        // The data files carry each exchange's text in every language.
        for (k, (l, list)) in self.languages.iter().zip(&translated).enumerate() {
            if let Some((_, texts)) = self.main.site.translated.get_mut(k) {
                for (i, e) in list {
                    texts[*i] = translate::text_of(e);
                }
            }
            debug_assert_eq!(self.main.site.translated[k].0, l.site.config.language);
        }
        self.main.fingerprints.translated =
            crate::render::deps::hash_of(&self.main.site.translated);
        let writer = Writer::begin_partial(output)?;
        let mut done = Vec::new();
        let mut result = self.main.apply(edits, &writer, pages, &mut done);
        for (model, list) in self.languages.iter_mut().zip(translated) {
            if result.is_ok() {
                result = model.apply(list, &writer, pages, &mut done);
            }
        }
        let rendered = match result {
            Ok(()) => done.len(),
            Err(e) => {
                writer.abort();
                return Err(e);
            }
        };
        let stats = commit(writer, output)?;
        pages.extend(done);
        Ok((rendered, stats))
    }
}

impl Model {
    /// Swaps edited exchanges into this language's model and renders the
    /// pages whose fingerprint changed into `writer`, adding each to
    /// `done` with its fingerprint (`known` holds those on disk).
    fn apply(
        &mut self,
        edits: Vec<(usize, Exchange)>,
        writer: &Writer,
        known: &HashMap<String, u64>,
        done: &mut Vec<(String, u64)>,
    ) -> Result<()> {
        let mut recarded = Vec::new();
        for (i, e) in edits {
            let card_before = self.fingerprints.card_only(i);
            self.fingerprints.update_exchange(i, &e);
            self.site.exchanges[i] = e;
            if self.fingerprints.card_only(i) != card_before {
                recarded.push(i);
            }
        }
        let Some(parts) = self.parts.take() else {
            return Err(Error::Usage("the last build's renderer is missing".into()));
        };
        let mut renderer = Renderer::from_parts(&self.site, parts);
        let refreshed: std::result::Result<(), Diagnostic> =
            recarded.iter().try_for_each(|&i| renderer.refresh_card(i));
        let result = refreshed.map_err(Error::one).and_then(|()| {
            let fps: Vec<u64> = self
                .pages
                .par_iter()
                .map(|p| self.fingerprints.page(&self.site, p))
                .collect();
            let dirty: Vec<usize> = (0..self.pages.len())
                .filter(|&k| known.get(&self.files[k]) != Some(&fps[k]))
                .collect();
            render_into(writer, &renderer, &self.pages, &self.files, &dirty)?;
            done.extend(dirty.iter().map(|&k| (self.files[k].clone(), fps[k])));
            Ok(())
        });
        self.parts = Some(renderer.into_parts());
        result
    }
}

/// Exchange `i`'s card from the last rebuild's model of the same language
/// (`before`), when it was made from the same inputs.
fn reuse(
    before: Option<&Model>,
    site: &Site,
    fingerprints: &Fingerprints,
    i: usize,
) -> Option<tera::Value> {
    let before = before?;
    let &j = before.site.exchange_slugs.get(&site.exchanges[i].slug)?;
    let same = before.fingerprints.card(j) == fingerprints.card(i);
    Some(before.parts.as_ref().filter(|_| same)?.card(j).clone())
}

/// Moves a writer's files into place, listing them first as detente's
/// (pending) beside the output: a later `detente build` into a folder
/// `serve --output` wrote may then replace and remove them, drafts
/// included, and never takes them as up to date.
fn commit(writer: Writer, output: &Path) -> Result<crate::output::Stats> {
    if let Err(e) = crate::manifest::note_pending(output, &writer.produced()) {
        writer.abort();
        return Err(Error::io("record the files it writes beside", output, e));
    }
    writer.commit()
}

/// Renders the pages at `dirty` (indexes into `pages` and `files`) into
/// the writer, in parallel; every failure is returned.
fn render_into(
    writer: &Writer,
    renderer: &Renderer,
    pages: &[Page],
    files: &[String],
    dirty: &[usize],
) -> Result<()> {
    let errors: Vec<Diagnostic> = dirty
        .par_iter()
        .filter_map(|&k| match renderer.render(&pages[k]) {
            Ok(html) => writer
                .put(&files[k], &html)
                .err()
                .map(|e| Diagnostic::error(files[k].as_str(), e.to_string())),
            Err(d) => Some(d),
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Site(errors))
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

/// Re-reads or forgets one entry; returns whether it existed before and
/// still does.
fn update<F>(
    map: &mut BTreeMap<String, Entry<F>>,
    exists: bool,
    slug: &str,
    read: impl FnOnce() -> Entry<F>,
) -> bool {
    if exists {
        map.insert(slug.to_string(), read()).is_some()
    } else {
        map.remove(slug);
        false
    }
}
