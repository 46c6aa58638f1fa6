//! Incremental rebuilds for the dev server.
//!
//! Owns the server's copy of the sources (every entry, parsed or broken)
//! and of the last good build, and turns a set of changed paths into the
//! smallest update of the output. Two ways, one result:
//!
//! - In place: when only exchanges were edited, and none of them moved in
//!   the timeline or changed who or what it is about (same slug, date,
//!   officials and issues), each one is swapped into the last good model,
//!   checked alone, and its card remade; nothing else is rebuilt.
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
use crate::validate;

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
    /// The site is published in more than one language: an edit is then
    /// always rebuilt whole (the translations show it too).
    has_languages: bool,
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
    site: Site,
    fingerprints: Fingerprints,
    /// The renderer's parts (taken while it renders).
    parts: Option<Parts>,
    pages: Vec<Page>,
    /// Each page's output file, in the order of `pages`.
    files: Vec<String>,
    statics: Vec<StaticFile>,
    assets: Assets,
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
            has_languages: false,
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
            } else if entry_of(&rel_str)
                .is_some_and(|(_, slug)| load::translation_of(&slug).is_some())
                || rel_str.starts_with("i18n/")
            {
                // A translation or interface strings: read again in the
                // whole rebuild.
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

    /// Applies the edited exchanges to the last good model in place, when
    /// none of them moved in the timeline or changed who or what it is
    /// about. `None`: a whole rebuild is needed.
    fn in_place(&mut self) -> Option<Result<(usize, crate::output::Stats)>> {
        if self.has_languages {
            return None;
        }
        if self.pending.whole || self.pending.edited.is_empty() {
            return None;
        }
        let last = self.last.as_mut().filter(|l| l.parts.is_some())?;
        let mut edits: Vec<(usize, Exchange)> = Vec::new();
        for slug in &self.pending.edited {
            // Unreadable files, drafts and the like take the whole way,
            // which reports them as a build would.
            let doc = self.exchanges.get(slug)?.as_ref().ok()?;
            let &i = last.site.exchange_slugs.get(slug)?;
            if doc.front.draft && !self.drafts {
                return None;
            }
            let mut new = last.site.exchange_from(doc.clone());
            if !last.site.keeps_indexes(i, &new) {
                return None;
            }
            // Media are made by the whole way; in place, only those of
            // files already made are taken over (new text, same files).
            let old = &last.site.exchanges[i].media;
            if !new.media.iter_mut().all(|m| m.carry_from(old)) {
                return None;
            }
            edits.push((i, new));
        }
        let (problems, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = edits
            .iter()
            .flat_map(|(_, e)| validate::exchange(&last.site, e))
            .partition(Diagnostic::is_error);
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
        let result = last.apply(edits, &self.output, &mut self.pages);
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
        let languages = pipeline::languages(&self.root, &mut site, &mut warnings)?;
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
        let global = assets.fingerprint();
        let fingerprints = Fingerprints::new(&site, global, templates_fp.clone());
        // Cards the last good build made from the same inputs are reused.
        let last = self.last.as_ref();
        let mut renderer = Renderer::reusing(&site, tera, origin.clone(), UrlStyle::Pretty, |i| {
            let last = last?;
            let &j = last.site.exchange_slugs.get(&site.exchanges[i].slug)?;
            let same = last.fingerprints.card(j) == fingerprints.card(i);
            Some(last.parts.as_ref().filter(|_| same)?.card(j).clone())
        })
        .map_err(Error::one)?;
        pipeline::set_globals(&mut renderer, &assets);
        renderer.set_languages(pipeline::language_links(&site, &languages));
        let pages = routes::all_pages(&site);
        let files: Vec<String> = pages.par_iter().map(|p| p.file(&site)).collect();
        let fps: Vec<u64> = pages
            .par_iter()
            .map(|p| fingerprints.page(&site, p))
            .collect();
        let dirty: Vec<usize> = (0..pages.len())
            .filter(|&k| self.pages.get(&files[k]) != Some(&fps[k]))
            .collect();

        let writer = Writer::begin_partial(&self.output)?;
        if let Err(e) = render_into(&writer, &renderer, &pages, &files, &dirty) {
            writer.abort();
            return Err(e);
        }
        // The other languages: pages, feeds and filter index whose
        // fingerprints changed.
        let mut language_files: Vec<(String, u64)> = Vec::new();
        for lsite in &languages {
            let Some(tera) = &language_tera else { break };
            let input = pipeline::LanguageInput {
                tera: tera.clone(),
                origin: &origin,
                links: pipeline::language_links_from(&site, &languages, &lsite.config.language),
                statics: &statics,
                assets: &assets,
                global,
                templates: &templates_fp,
                style: UrlStyle::Pretty,
            };
            let known = &self.pages;
            match pipeline::write_language(&writer, lsite, input, |file, fp| {
                known.get(file) == Some(&fp)
            }) {
                Ok(files) => language_files.extend(files),
                Err(e) => {
                    writer.abort();
                    return Err(e);
                }
            }
        }
        let new_files: BTreeSet<&str> = files
            .iter()
            .chain(language_files.iter().map(|(f, _)| f))
            .map(String::as_str)
            .collect();
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
        let written = &self.media;
        if let Err(e) = pipeline::write_media(&writer, &media, |file, _| written.contains(file)) {
            writer.abort();
            return Err(e);
        }
        for old in self.media.iter().filter(|m| !media_paths.contains(*m)) {
            writer.remove(old);
        }
        let stats = commit(writer, &self.output)?;
        self.pages = files
            .iter()
            .cloned()
            .zip(fps)
            .chain(language_files)
            .collect();
        self.has_languages = !languages.is_empty();
        self.statics = static_paths;
        self.media = media_paths;
        let parts = Some(renderer.into_parts());
        self.warnings = warnings;
        self.last = Some(Last {
            site,
            fingerprints,
            parts,
            pages,
            files,
            statics,
            assets,
        });
        Ok((dirty.len(), stats))
    }

    /// The second step, once the pages are on disk: the data files whose
    /// inputs changed (for an edited body, the feeds that carry it).
    /// Unchanged bytes are not rewritten. Returns how many were written.
    fn write_data(&mut self, data_now: impl Fn() -> bool) -> Result<usize> {
        let Some(last) = &self.last else {
            return Ok(0);
        };
        let urls = Urls::new(&last.site.config);
        let leaves = Leaves::new(
            &last.site,
            &urls,
            &last.pages,
            &last.statics,
            &last.assets,
            UrlStyle::Pretty,
        );
        let planned: Vec<_> = leaves
            .all()
            .into_iter()
            .map(|leaf| {
                let fp = leaves.fingerprint(&last.fingerprints, leaf);
                (leaf, leaves.path(leaf), fp)
            })
            .collect();
        let dirty: Vec<_> = planned
            .iter()
            .filter(|(_, path, fp)| self.leaves.get(path) != Some(fp))
            .collect();
        let paths: BTreeSet<&str> = planned.iter().map(|(_, p, _)| p.as_str()).collect();
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
        let failed = dirty.par_iter().find_map_any(|(leaf, path, _)| {
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
        self.leaves = planned.into_iter().map(|(_, p, fp)| (p, fp)).collect();
        self.data_pending = false;
        Ok(written)
    }
}

impl Last {
    /// Swaps edited exchanges into the model and writes the pages that
    /// show them; `pages` maps each written file to its fingerprint.
    fn apply(
        &mut self,
        edits: Vec<(usize, Exchange)>,
        output: &Path,
        pages: &mut HashMap<String, u64>,
    ) -> Result<(usize, crate::output::Stats)> {
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
                .filter(|&k| pages.get(&self.files[k]) != Some(&fps[k]))
                .collect();
            let writer = Writer::begin_partial(output)?;
            if let Err(e) = render_into(&writer, &renderer, &self.pages, &self.files, &dirty) {
                writer.abort();
                return Err(e);
            }
            let stats = commit(writer, output)?;
            for &k in &dirty {
                pages.insert(self.files[k].clone(), fps[k]);
            }
            Ok((dirty.len(), stats))
        });
        self.parts = Some(renderer.into_parts());
        result
    }
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
