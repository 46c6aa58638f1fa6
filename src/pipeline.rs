//! The build pipeline, start to end: load → model → validate → render → output.
//!
//! Owns the order of the stages and the build's options. Each stage lives in
//! its own module; this one only passes results along and decides when to
//! stop (any error stops before a single file of the output changes).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::assets::Assets;
use crate::error::{Diagnostic, Error, Result};
use crate::exports;
use crate::interrupt;
use crate::layers::Layers;
use crate::leaves::Leaves;
use crate::load;
use crate::manifest::{self, Manifest};
use crate::model::Site;
use crate::output::{self, Writer};
use crate::render::deps::Fingerprints;
use crate::render::values::UrlStyle;
use crate::render::{Renderer, routes, templates};
use crate::statics::{self, StaticFile};
use crate::urls::Urls;
use crate::validate;

/// What `detente build` was asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: PathBuf,
    /// Overrides `base_url` from site.toml.
    pub base_url: Option<String>,
    pub drafts: bool,
    pub style: UrlStyle,
    /// Build into an output holding files detente did not write (they
    /// are kept).
    pub force: bool,
}

impl BuildOptions {
    /// A fingerprint of the options that change what is written.
    pub fn key(&self) -> u64 {
        let mut h = rustc_hash::FxHasher::default();
        (&self.base_url, self.drafts, style_key(self.style)).hash(&mut h);
        h.finish()
    }

    pub fn new(root: impl Into<PathBuf>) -> BuildOptions {
        let root = root.into();
        BuildOptions {
            output: root.join("public"),
            root,
            base_url: None,
            drafts: false,
            style: UrlStyle::Pretty,
            force: false,
        }
    }
}

/// What a finished build did.
#[derive(Debug, Clone)]
pub struct Report {
    /// Nothing the build reads changed since the last build into this
    /// output, which is untouched: nothing was read, rendered or written.
    pub up_to_date: bool,
    pub pages: usize,
    /// Pages rendered (the others were known to be up to date).
    pub rendered: usize,
    pub output: output::Stats,
    pub warnings: Vec<Diagnostic>,
    /// What this run alone has to say about the output (files kept, a
    /// killed build's leftovers removed); not remembered like warnings.
    pub notices: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// How long each stage took, in order (`detente build --timings`).
    pub timings: Vec<Lap>,
}

/// The time each stage of a build takes.
#[derive(Debug)]
struct Stopwatch {
    last: Instant,
    laps: Vec<Lap>,
}

/// One stage of a build: its name, how long it took, and the process's
/// peak memory when it ended (where the system tells it).
#[derive(Debug, Clone, Copy)]
pub struct Lap {
    pub stage: &'static str,
    pub took: Duration,
    pub peak_bytes: Option<u64>,
}

impl Stopwatch {
    fn start() -> Stopwatch {
        Stopwatch {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }

    /// Ends the stage `stage`.
    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.side_by_side(&[(stage, now - self.last)]);
    }

    /// Ends stages that ran at the same time, each with its own duration.
    fn side_by_side(&mut self, stages: &[(&'static str, Duration)]) {
        let peak_bytes = peak_memory();
        self.laps.extend(stages.iter().map(|&(stage, took)| Lap {
            stage,
            took,
            peak_bytes,
        }));
        self.last = Instant::now();
    }
}

/// The peak resident memory of this process so far (Linux's `VmHWM`).
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// Loads, models and validates a site. Returns the site and its warnings,
/// or every error found.
pub fn prepare(
    root: &Path,
    drafts: bool,
    base_url: Option<&str>,
) -> Result<(Site, Vec<Diagnostic>)> {
    let loaded = load::load(root).map_err(Error::Site)?;
    prepare_loaded(loaded, drafts, base_url, &mut |_| {})
}

/// Models and validates a site already read, calling `lap` with the name
/// of each stage as it ends.
fn prepare_loaded(
    loaded: load::Loaded,
    drafts: bool,
    base_url: Option<&str>,
    lap: &mut dyn FnMut(&'static str),
) -> Result<(Site, Vec<Diagnostic>)> {
    let mut site = Site::build(loaded, drafts);
    if let Some(url) = base_url {
        site.config.base_url = crate::config::normalize_base_url(url);
    }
    lap("build the model");
    let diagnostics = validate::validate(&site);
    lap("validate");
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Error::Site(diagnostics));
    }
    Ok((site, diagnostics))
}

/// Checks a site as `build` would, rendering every page but writing nothing.
pub fn check(root: &Path, drafts: bool) -> Result<Report> {
    let start = Instant::now();
    let (mut site, mut warnings) = prepare(root, drafts, None)?;
    // Every media file is read and decoded, nothing made; what the last
    // build into the default output learned spares reading the same files.
    let cache = crate::media::Cache::read_only(&root.join("public"));
    crate::media::process(root, &mut site, &cache, crate::media::Mode::Check)
        .map_err(Error::Site)?;
    let languages = languages(root, &mut site, &mut warnings)?;
    let layers = layers(root, &site)?;
    let statics = statics::for_site(&layers, &site).map_err(Error::Site)?;
    let pages = routes::all_pages(&site);
    let mut errors = Vec::new();
    // Every page of every language is rendered, and thrown away.
    for s in std::iter::once(&site).chain(&languages) {
        let (renderer, _) = renderer(s, &layers, &statics, UrlStyle::Pretty)?;
        errors.extend(
            routes::all_pages(s)
                .par_iter()
                .filter_map(|p| renderer.render(p).err())
                .collect::<Vec<_>>(),
        );
    }
    if !errors.is_empty() {
        return Err(Error::Site(dedupe(errors)));
    }
    let pages = pages.len()
        + languages
            .iter()
            .map(|s| routes::all_pages(s).len())
            .sum::<usize>();
    Ok(Report {
        up_to_date: false,
        pages,
        rendered: pages,
        output: output::Stats::default(),
        warnings,
        notices: Vec::new(),
        elapsed: start.elapsed(),
        timings: Vec::new(),
    })
}

/// Builds the site into `opts.output`. On any error the output is left
/// exactly as it was.
pub fn build(opts: &BuildOptions) -> Result<Report> {
    let start = Instant::now();
    let mut watch = Stopwatch::start();
    check_output_location(&opts.root, &opts.output)?;
    // Held to the end: another build into this output fails at once.
    let _lock = output::lock(&opts.output)?;
    // The sources are stamped before they are read: an edit made during
    // the build makes the next one build again. With a manifest and an
    // output, all of them now, to learn whether the output is up to date.
    // Otherwise the build cannot be skipped: the entries are stamped as
    // they are read (from the open file), the rest of the sources right
    // after.
    let exists = opts.output.is_dir();
    let manifest = if exists {
        Manifest::load(&opts.output)
    } else {
        Manifest::default()
    };
    let mut notices = Vec::new();
    if exists && !manifest.found() {
        notices.extend(foreign_output(opts)?);
    }
    let no_stamps = HashMap::new();
    let early = (exists && manifest.files() > 0)
        .then(|| manifest::inputs(&opts.root, opts.key(), &no_stamps));
    let up_to_date = early.is_some_and(|inputs| manifest.up_to_date(&opts.output, inputs));
    watch.lap("stamp the sources, read the manifest");
    if up_to_date {
        return Ok(Report {
            up_to_date: true,
            pages: manifest.pages(),
            rendered: 0,
            output: output::Stats {
                files: manifest.files(),
                written: 0,
                removed: 0,
            },
            warnings: manifest.warnings().to_vec(),
            notices,
            elapsed: start.elapsed(),
            timings: watch.laps,
        });
    }
    let loaded = load::load(&opts.root).map_err(Error::Site)?;
    let inputs = match early {
        Some(inputs) => inputs,
        None => manifest::inputs(&opts.root, opts.key(), &loaded.stamps()),
    };
    watch.lap("read and parse the content");
    let (mut site, mut warnings) = prepare_loaded(
        loaded,
        opts.drafts,
        opts.base_url.as_deref(),
        &mut |stage| watch.lap(stage),
    )?;
    let languages = languages(&opts.root, &mut site, &mut warnings)?;
    if !languages.is_empty() {
        watch.lap("read the translations, the model in each language");
    }
    interrupt::check()?;
    // Dropped without a commit, it throws away what this build made.
    let mut cache = crate::media::Cache::open(&opts.output);
    let media = crate::media::process(&opts.root, &mut site, &cache, crate::media::Mode::Build)
        .map_err(Error::Site)?;
    watch.lap("media");
    interrupt::check()?;
    let layers = layers(&opts.root, &site)?;
    let statics = statics::for_site(&layers, &site).map_err(Error::Site)?;
    interrupt::check()?;
    let (tera, origin, templates_fp) =
        templates::load_with_fingerprint(&layers).map_err(Error::Site)?;
    let assets = Assets::build(&statics)?;
    let pages = routes::all_pages(&site);
    watch.lap("static files, templates, routes");

    // What the last build into this output says is already up to date.
    let templates_fp_all = templates_fp.clone();
    let links = language_links(&site, &languages);
    let global = assets.fingerprint() ^ style_key(opts.style) ^ links_fp(&links);
    let fingerprints = Fingerprints::new(&site, global, templates_fp);
    let planned: Vec<(&routes::Page, String, u64)> = pages
        .par_iter()
        .map(|p| (p, p.file(&site), fingerprints.page(&site, p)))
        .collect();
    let (current, dirty): (Vec<_>, Vec<_>) = planned
        .par_iter()
        .partition(|(_, file, fp)| manifest.is_current(&opts.output, file, *fp));
    watch.lap("fingerprint the pages");
    let writer = Writer::begin(&opts.output, manifest.owned())?;
    if !writer.swept().is_empty() {
        let shown: Vec<String> = writer
            .swept()
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        notices.push(
            Diagnostic::warning(
                &opts.output,
                format!(
                    "removed what {} stopped before they finished left behind: {}",
                    plural(shown.len(), "build", "builds"),
                    shown.join(", ")
                ),
            )
            .help("nothing to do: builds that are killed leave their staging folders, and the next build removes them"),
        );
    }
    let language_tera = (!languages.is_empty()).then(|| tera.clone());
    // The other languages' pages: how many, and how many were rendered.
    let mut language_pages = (0, 0);
    let result = (|| -> Result<Vec<(String, u64)>> {
        for (_, file, _) in &current {
            writer.keep(file)?;
        }
        let renderer = if dirty.is_empty() {
            None
        } else {
            let mut tera = tera;
            site.strings.register(&mut tera);
            let mut renderer =
                Renderer::new(&site, tera, origin.clone(), opts.style).map_err(Error::one)?;
            set_globals(&mut renderer, &assets);
            renderer.set_languages(links.clone());
            watch.lap("exchange cards");
            Some(renderer)
        };
        // The pages and the data files read the model only: they are made
        // side by side, so neither waits for the other's slowest part.
        let urls = Urls::new(&site.config);
        let leaves = Leaves::new(&site, &urls, &pages, &statics, &assets, opts.style);
        let ((written, pages_took), (data, data_took)) = rayon::join(
            || {
                let began = Instant::now();
                let written = renderer.as_ref().map_or(Ok(()), |renderer| {
                    write_pages(
                        &writer,
                        renderer,
                        dirty.iter().map(|(p, file, _)| (*p, file.as_str())),
                    )
                });
                (written, began.elapsed())
            },
            || {
                let began = Instant::now();
                let is_current = |file: &str, fp| manifest.is_current(&opts.output, file, fp);
                let data = write_statics(&writer, &statics).and_then(|()| {
                    let media = write_media(&writer, &media, is_current)?;
                    let mut data = write_leaves(&writer, &leaves, &fingerprints, is_current)?;
                    data.extend(media);
                    Ok(data)
                });
                (data, began.elapsed())
            },
        );
        watch.side_by_side(&[
            ("render and write the pages", pages_took),
            (
                "static files, feeds, sitemap, data files (alongside the pages)",
                data_took,
            ),
        ]);
        written?;
        if let Some(renderer) = renderer {
            drop_later(renderer.into_parts());
        }
        let mut files = data?;
        // The other languages, each under its own folder.
        for lsite in &languages {
            let Some(tera) = &language_tera else { break };
            let done = write_language(
                &writer,
                lsite,
                tera.clone(),
                LanguageInput {
                    origin: &origin,
                    links: language_links_from(&site, &languages, &lsite.config.language),
                    statics: &statics,
                    assets: &assets,
                    global,
                    templates: &templates_fp_all,
                    style: opts.style,
                },
                |file, fp| manifest.is_current(&opts.output, file, fp),
            )?;
            language_pages.0 += done.pages;
            language_pages.1 += done.rendered;
            files.extend(done.files);
        }
        if !languages.is_empty() {
            watch.lap("the other languages: pages, feeds, search index");
        }
        Ok(files)
    })();
    match result {
        Ok(data_files) => {
            let written = writer.take_stamps();
            // Owned from the moment they may appear in the output.
            let before = match manifest::note_pending(&opts.output, &writer.produced()) {
                Ok(before) => before,
                Err(e) => {
                    writer.abort();
                    return Err(Error::io(
                        "record the files it writes beside",
                        &opts.output,
                        e,
                    ));
                }
            };
            let stats = writer.commit().inspect_err(|_| {
                manifest::restore_pending(&opts.output, before);
            })?;
            cache.commit();
            watch.lap("commit the output");
            let record = manifest::Record {
                inputs,
                pages: pages.len() + language_pages.0,
                warnings: &warnings,
            };
            // Static files are copied whole each build; recorded so that
            // a touched copy is noticed.
            let statics = statics.iter().map(|f| (f.rel.clone(), 0));
            Manifest::save(
                &opts.output,
                record,
                planned
                    .iter()
                    .map(|(_, file, fp)| (file.clone(), *fp))
                    .chain(data_files)
                    .chain(statics),
                &written,
            );
            watch.lap("save the manifest");
            let report = Report {
                up_to_date: false,
                pages: pages.len() + language_pages.0,
                rendered: dirty.len() + language_pages.1,
                output: stats,
                warnings,
                notices,
                elapsed: start.elapsed(),
                timings: watch.laps,
            };
            // What borrows the site goes first.
            drop((current, dirty));
            drop((planned, fingerprints));
            drop_later((site, pages, manifest));
            Ok(report)
        }
        Err(e) => {
            writer.abort();
            Err(e)
        }
    }
}

/// Frees `garbage` on a thread of its own. A build's model and values take
/// tens of milliseconds to free (hundreds at 100,000 exchanges), and
/// nothing waits for that: `serve` goes on serving, and a command that
/// ends with the build exits without freeing them at all.
fn drop_later<T: Send + 'static>(garbage: T) {
    // If no thread can be started, the closure and `garbage` are dropped
    // here instead.
    let _ = std::thread::Builder::new()
        .name("detente-free".into())
        .spawn(move || drop(garbage));
}

/// Keeps fingerprints of `--file-urls` builds apart from pretty ones.
fn style_key(style: UrlStyle) -> u64 {
    match style {
        UrlStyle::Pretty => 0,
        UrlStyle::Files => 0x9e37_79b9_7f4a_7c15,
    }
}

/// The renderer of one build, with the values every page receives besides
/// the site's: `assets` (hashed asset URLs) and `data_files`.
fn renderer<'a>(
    site: &'a Site,
    layers: &Layers,
    statics: &[StaticFile],
    style: UrlStyle,
) -> Result<(Renderer<'a>, Assets)> {
    let (mut tera, origin) = templates::load(layers).map_err(Error::Site)?;
    site.strings.register(&mut tera);
    let assets = Assets::build(statics)?;
    let mut renderer = Renderer::new(site, tera, origin, style).map_err(Error::one)?;
    set_globals(&mut renderer, &assets);
    Ok((renderer, assets))
}

/// The site in each of its other languages (none in one language), with
/// the default site given its own interface strings. Translations that
/// cannot be read, name no original, disagree with it or are in a
/// language site.toml does not list fail the build.
pub fn languages(
    root: &Path,
    site: &mut Site,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<Site>> {
    let (translations, read) = load::read_translations(root);
    languages_from(root, site, &translations, read, warnings)
}

/// Like [`languages`], with the translations already read (and the
/// problems reading them).
pub fn languages_from(
    root: &Path,
    site: &mut Site,
    translations: &load::Translations,
    read: Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<Site>> {
    let mut problems = Vec::new();
    match crate::i18n::Table::load(root, &site.config.language) {
        Ok((table, warning)) => {
            site.strings = std::sync::Arc::new(table);
            site.relocate();
            warnings.extend(warning);
        }
        Err(p) => problems.extend(p),
    }
    problems.extend(read);
    problems.extend(crate::translate::unknown_languages(site, translations));
    let mut out = Vec::new();
    for language in &site.config.languages {
        if language.tag == site.config.language {
            problems.push(
                Diagnostic::error(
                    load::SITE_TOML,
                    format!(
                        "`{}` is the default language (`language`); [languages] lists the others",
                        language.tag
                    ),
                )
                .help("remove the [languages] table of the default language"),
            );
            continue;
        }
        match crate::i18n::Table::load(root, &language.tag) {
            Ok((table, warning)) => {
                warnings.extend(warning);
                let (translated, p) =
                    crate::translate::translate(site, language, translations, table, root);
                problems.extend(p);
                out.push(translated);
            }
            Err(p) => problems.extend(p),
        }
    }
    if problems.iter().any(Diagnostic::is_error) {
        return Err(Error::Site(dedupe(problems)));
    }
    warnings.extend(problems);
    site.translated = out
        .iter()
        .map(|l| {
            let texts = l.exchanges.iter().map(crate::translate::text_of).collect();
            (l.config.language.clone(), texts)
        })
        .collect();
    Ok(out)
}

/// A fingerprint of what every page's language switcher shows of the
/// site's languages (their tags and names), for `global`.
pub fn links_fp(links: &[crate::render::LanguageLink]) -> u64 {
    let shown: Vec<(&str, &str)> = links
        .iter()
        .map(|l| (l.tag.as_str(), l.name.as_str()))
        .collect();
    crate::render::deps::hash_of(shown)
}

/// Every language of the site as seen from its default language.
pub fn language_links(site: &Site, languages: &[Site]) -> Vec<crate::render::LanguageLink> {
    language_links_from(site, languages, &site.config.language)
}

/// Every language of the site as seen from the pages of `here`.
pub fn language_links_from(
    site: &Site,
    languages: &[Site],
    here: &str,
) -> Vec<crate::render::LanguageLink> {
    if languages.is_empty() {
        return Vec::new();
    }
    let default = site.config.language.as_str();
    let up = if here == default { "" } else { "../" };
    std::iter::once(site)
        .chain(languages)
        .map(|s| {
            let tag = s.config.language.as_str();
            crate::render::LanguageLink {
                tag: tag.to_string(),
                name: s.strings.language_name(),
                from_here: if tag == here {
                    String::new()
                } else if tag == default {
                    up.to_string()
                } else {
                    format!("{up}{tag}/")
                },
                base: s.config.base_url.clone(),
            }
        })
        .collect()
}

/// What rendering one more language needs from the build.
pub struct LanguageInput<'a> {
    pub origin: &'a templates::Origin,
    pub links: Vec<crate::render::LanguageLink>,
    pub statics: &'a [StaticFile],
    pub assets: &'a Assets,
    pub global: u64,
    pub templates: &'a templates::TemplateFps,
    pub style: UrlStyle,
}

/// The pages of a site in another language, each with its file under the
/// language's folder, and the fingerprints they are planned by.
pub struct LanguagePlan {
    pub pages: Vec<routes::Page>,
    pub files: Vec<String>,
    pub fps: Vec<u64>,
    pub fingerprints: Fingerprints,
}

/// Plans the pages of `site` (the site in another language).
pub fn language_plan(site: &Site, input: &LanguageInput) -> LanguagePlan {
    let tag = &site.config.language;
    // Its own 404.html too, for hosts that serve the nearest one.
    let pages: Vec<routes::Page> = routes::all_pages(site);
    let fingerprints = Fingerprints::new(
        site,
        input.global ^ crate::render::deps::hash_of(tag),
        input.templates.clone(),
    );
    let (files, fps) = pages
        .par_iter()
        .map(|p| {
            (
                format!("{tag}/{}", p.file(site)),
                fingerprints.page(site, p),
            )
        })
        .unzip();
    LanguagePlan {
        pages,
        files,
        fps,
        fingerprints,
    }
}

/// The renderer of `site` (the site in another language), taking exchange
/// `i`'s finished card from `reuse(i)` when it has one.
pub fn language_renderer<'a>(
    site: &'a Site,
    mut tera: tera::Tera,
    input: &LanguageInput,
    reuse: impl Fn(usize) -> Option<tera::Value> + Sync,
) -> Result<Renderer<'a>> {
    site.strings.register(&mut tera);
    let mut renderer = Renderer::reusing(site, tera, input.origin.clone(), input.style, reuse)
        .map_err(Error::one)?;
    renderer.set_global("assets", input.assets.value_under("../"));
    renderer.set_global("data_files", exports::value_under("../"));
    renderer.set_languages(input.links.clone());
    Ok(renderer)
}

/// The data files of `site` (the site in another language): its feeds,
/// sitemap and filter index, under its folder.
pub fn language_leaves<'a>(
    site: &'a Site,
    urls: &'a Urls,
    pages: &'a [routes::Page],
    input: &LanguageInput<'a>,
) -> Leaves<'a> {
    Leaves::for_language(
        site,
        urls,
        pages,
        input.statics,
        input.assets,
        input.style,
        &site.config.language,
    )
}

/// What [`write_language`] wrote.
pub struct LanguageWritten {
    /// Each file with its fingerprint, for the manifest.
    pub files: Vec<(String, u64)>,
    pub pages: usize,
    pub rendered: usize,
}

/// Renders `site` (the site in another language) under its language's
/// folder: its pages, feeds and filter index; the files already current
/// are kept.
pub fn write_language(
    writer: &Writer,
    site: &Site,
    tera: tera::Tera,
    input: LanguageInput,
    is_current: impl Fn(&str, u64) -> bool + Sync,
) -> Result<LanguageWritten> {
    let plan = language_plan(site, &input);
    let mut dirty = Vec::new();
    for (k, file) in plan.files.iter().enumerate() {
        if is_current(file, plan.fps[k]) {
            writer.keep(file)?;
        } else {
            dirty.push(k);
        }
    }
    if !dirty.is_empty() {
        let renderer = language_renderer(site, tera, &input, |_| None)?;
        write_pages(
            writer,
            &renderer,
            dirty
                .iter()
                .map(|&k| (&plan.pages[k], plan.files[k].as_str())),
        )?;
    }
    let urls = Urls::new(&site.config);
    let leaves = language_leaves(site, &urls, &plan.pages, &input);
    let mut files = write_leaves(writer, &leaves, &plan.fingerprints, is_current)?;
    let pages = plan.pages.len();
    files.extend(plan.files.into_iter().zip(plan.fps));
    Ok(LanguageWritten {
        files,
        pages,
        rendered: dirty.len(),
    })
}

/// The template and static layers of the site at `root`, with the theme
/// its site.toml names (an unknown theme is an error).
pub fn layers(root: &Path, site: &Site) -> Result<Layers> {
    let c = &site.config;
    Layers::new(root, c.theme.as_deref(), c.theme_at).map_err(Error::one)
}

/// Gives every page of `renderer` the values it receives besides the
/// site's: `assets` (hashed asset URLs) and `data_files`.
pub fn set_globals(renderer: &mut Renderer, assets: &Assets) {
    renderer.set_global("assets", assets.value());
    renderer.set_global("data_files", exports::value());
}

/// Renders `pages` in parallel and hands them to the writer.
fn write_pages<'p>(
    writer: &Writer,
    renderer: &Renderer,
    pages: impl Iterator<Item = (&'p routes::Page, &'p str)>,
) -> Result<()> {
    let pages: Vec<(&routes::Page, &str)> = pages.collect();
    let errors: Vec<Error> = pages
        .par_iter()
        .map_init(Vec::new, |buffer, (page, file)| {
            match renderer.render_into(page, std::mem::take(buffer)) {
                Ok(html) => {
                    let written = writer.put(file, &html);
                    *buffer = html;
                    written.err()
                }
                Err(d) => Some(Error::one(d)),
            }
        })
        .flatten()
        .collect();
    // A render cut short by a signal reports as an interruption, not as
    // an error in its template.
    interrupt::check()?;
    merge(errors.into_iter())
}

fn write_statics(writer: &Writer, statics: &[StaticFile]) -> Result<()> {
    let errors: Vec<Error> = statics
        .par_iter()
        .filter_map(|f| f.read().and_then(|bytes| writer.put(&f.rel, &bytes)).err())
        .collect();
    merge(errors.into_iter())
}

/// Copies the published media files (from the media cache) that
/// `is_current` says the output does not already hold; returns each file
/// with its fingerprint (its name, which holds a hash of its bytes).
pub fn write_media(
    writer: &Writer,
    media: &crate::media::Published,
    is_current: impl Fn(&str, u64) -> bool + Sync,
) -> Result<Vec<(String, u64)>> {
    let results: Vec<Result<(String, u64)>> = media
        .par_iter()
        .map(|(rel, from)| {
            let fp = crate::render::deps::hash_of(rel);
            if is_current(rel, fp) {
                writer.keep(rel)?;
            } else {
                writer.put_with(rel, |out| {
                    let mut file = std::fs::File::open(from)?;
                    std::io::copy(&mut file, out).map(|_| ())
                })?;
            }
            Ok((rel.clone(), fp))
        })
        .collect();
    all_or_errors(results)
}

/// Makes and writes, one at a time, each leaf whose file `is_current`
/// does not already hold; returns every leaf's path and fingerprint.
pub fn write_leaves(
    writer: &Writer,
    leaves: &Leaves,
    fingerprints: &Fingerprints,
    is_current: impl Fn(&str, u64) -> bool + Sync,
) -> Result<Vec<(String, u64)>> {
    let all = leaves.all();
    let results: Vec<Result<(String, u64)>> = all
        .par_iter()
        .map(|&leaf| {
            let path = leaves.path(leaf);
            let fp = leaves.fingerprint(fingerprints, leaf);
            if is_current(&path, fp) {
                writer.keep(&path)?;
            } else {
                writer.put_with(&path, |out| leaves.write(leaf, out))?;
            }
            Ok((path, fp))
        })
        .collect();
    all_or_errors(results)
}

/// Every value of `results`, or their errors folded into one.
fn all_or_errors<T>(results: Vec<Result<T>>) -> Result<Vec<T>> {
    let mut done = Vec::with_capacity(results.len());
    merge(results.into_iter().filter_map(|r| match r {
        Ok(value) => {
            done.push(value);
            None
        }
        Err(e) => Some(e),
    }))?;
    Ok(done)
}

/// Folds many errors into one: site diagnostics together, else the first.
fn merge(errors: impl Iterator<Item = Error>) -> Result<()> {
    let mut diagnostics = Vec::new();
    let mut other = None;
    for e in errors {
        match e {
            Error::Site(mut d) => diagnostics.append(&mut d),
            e => {
                other.get_or_insert(e);
            }
        }
    }
    if let Some(e) = other {
        return Err(e);
    }
    if diagnostics.is_empty() {
        Ok(())
    } else {
        Err(Error::Site(dedupe(diagnostics)))
    }
}

/// One template error tends to repeat on every page of a kind; keep one each.
fn dedupe(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.sort_by(|a, b| {
        a.file
            .cmp(&b.file)
            .then(a.at.cmp(&b.at))
            .then(a.message.cmp(&b.message))
    });
    diagnostics.dedup();
    diagnostics
}

/// An output folder no detente build wrote (it has no manifest): refused
/// when it holds files, unless `--force`, which keeps them (a notice
/// lists them). A build never removes files it did not write.
fn foreign_output(opts: &BuildOptions) -> Result<Option<Diagnostic>> {
    let foreign = output::foreign_files(&opts.output, &|_| false);
    if foreign.is_empty() {
        return Ok(None);
    }
    const SHOWN: usize = 5;
    let mut list = foreign
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if foreign.len() > SHOWN {
        list.push_str(&format!(" and {} more", foreign.len() - SHOWN));
    }
    if opts.force {
        return Ok(Some(
            Diagnostic::warning(
                &opts.output,
                format!(
                    "kept {} that detente did not write: {list}",
                    plural(foreign.len(), "file", "files")
                ),
            )
            .help("a build never removes files it did not write; a file at the path of a page is replaced"),
        ));
    }
    Err(Error::one(
        Diagnostic::error(
            &opts.output,
            format!(
                "refusing to build into this folder: detente did not build it, and it holds {} ({list})",
                plural(foreign.len(), "file", "files")
            ),
        )
        .help("choose an empty or new --output folder, or pass --force to build into it anyway: the files detente did not write are then kept, never removed"),
    ))
}

/// `n` with the singular or plural noun: "1 file", "3 files".
fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Refuses output folders that would overwrite the site's own files.
pub fn check_output_location(root: &Path, output: &Path) -> Result<()> {
    let root =
        std::fs::canonicalize(root).map_err(|e| Error::io("open the site folder", root, e))?;
    let out = absolute(output);
    let guarded = [
        (root.clone(), "the site folder itself"),
        (root.join("content"), "content/"),
        (root.join("templates"), "templates/"),
        (root.join("static"), "static/"),
    ];
    for (dir, what) in guarded {
        if out == dir || (what != "the site folder itself" && out.starts_with(&dir)) {
            return Err(Error::usage(
                format!(
                    "refusing to write the output to {} ({what}): it would overwrite the site's sources",
                    output.display()
                ),
                "choose an output folder outside content/, templates/ and static/, e.g. --output public",
            ));
        }
    }
    if root.starts_with(&out) {
        return Err(Error::usage(
            format!(
                "refusing to write the output to {}: the site folder is inside it and would be removed",
                output.display()
            ),
            "choose an output folder inside or beside the site folder, e.g. --output public",
        ));
    }
    Ok(())
}

/// `path` made absolute and resolved as far as it exists.
fn absolute(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    // Resolve the longest existing ancestor, then re-append the rest.
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(p), Some(n)) => {
                rest.push(n.to_os_string());
                existing = p;
            }
            _ => break,
        }
    }
    let mut resolved = std::fs::canonicalize(existing).unwrap_or_else(|_| existing.to_path_buf());
    for part in rest.iter().rev() {
        if part == ".." {
            resolved.pop();
        } else if part != "." {
            resolved.push(part);
        }
    }
    resolved
}
