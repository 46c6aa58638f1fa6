//! Reading a site's files: `content/site.toml` and the Markdown entries.
//!
//! Owns the folder layout, file reading (size limit, UTF-8, BOM, CRLF), the
//! front-matter schemas and their TOML parsing with line:column errors.
//! It resolves nothing between files — that is `model` — and judges no
//! content rules beyond types — that is `validate`.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use toml::Spanned;

use crate::config::{self, Config, RawConfig};
use crate::error::{Diagnostic, LineCol};
use crate::frontmatter;
use crate::suggest;

/// The largest content file detente reads; larger files are refused.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// The three kinds of Markdown entries and their folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Exchange,
    Official,
    Issue,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Exchange, Kind::Official, Kind::Issue];

    /// The folder of this kind, relative to the site root.
    pub fn dir(self) -> &'static str {
        match self {
            Kind::Exchange => "content/exchanges",
            Kind::Official => "content/officials",
            Kind::Issue => "content/issues",
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Kind::Exchange => "exchange",
            Kind::Official => "official",
            Kind::Issue => "issue",
        }
    }
}

pub const SITE_TOML: &str = "content/site.toml";

/// A date written as a bare TOML date (`2023-06-18`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TomlDate(pub NaiveDate);

impl<'de> Deserialize<'de> for TomlDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let dt = toml::value::Datetime::deserialize(d).map_err(|e| {
            D::Error::custom(format!(
                "{} (write dates as bare TOML dates, e.g. 2023-06-18)",
                e.to_string().trim()
            ))
        })?;
        match (dt.date, dt.time) {
            // Year 0 is 1 BC to chrono and invalid in iCalendar and
            // schema.org dates; TOML cannot write a year above 9999.
            (Some(date), None) if date.year < 1 => Err(D::Error::custom(format!(
                "{dt} is out of range: years run from 0001 to 9999"
            ))),
            (Some(date), None) => NaiveDate::from_ymd_opt(
                i32::from(date.year),
                u32::from(date.month),
                u32::from(date.day),
            )
            .map(TomlDate)
            .ok_or_else(|| D::Error::custom(format!("{dt} is not a real date"))),
            _ => Err(D::Error::custom(format!(
                "expected a date without a time, like 2023-06-18, found {dt}"
            ))),
        }
    }
}

/// A source cited by an exchange.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceLink {
    pub title: String,
    pub url: String,
}

/// Where an exchange was held, as written: free text (`"Beijing, China"`)
/// or a place (`{ city = "Beijing", country = "CN" }`).
#[derive(Debug, Clone, PartialEq)]
pub enum LocationFront {
    Text(String),
    Place(PlaceFront),
}

/// A place as a table: `country` is a key of site.toml `countries` or an
/// ISO 3166-1 alpha-2 code.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceFront {
    pub country: Option<Spanned<String>>,
    pub city: Option<String>,
    /// A building or venue: "Diaoyutai State Guesthouse".
    pub venue: Option<String>,
    /// Where to put its mark on the map, when the city is not one detente
    /// knows.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// The keys of a place table, for suggestions.
pub const PLACE_KEYS: &[&str] = &["country", "city", "venue", "lat", "lon"];

impl<'de> Deserialize<'de> for LocationFront {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = LocationFront;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a string (\"Beijing, China\") or a table ({ city = \"Beijing\", country = \"CN\" })",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(LocationFront::Text(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                PlaceFront::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(LocationFront::Place)
            }
        }
        d.deserialize_any(Visit)
    }
}

/// The front matter of `content/exchanges/<slug>.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeFront {
    pub title: Spanned<String>,
    pub date: Spanned<TomlDate>,
    pub end_date: Option<Spanned<TomlDate>>,
    pub format: Spanned<String>,
    pub location: Option<Spanned<LocationFront>>,
    /// The country (a key) that hosted it; else the place's country.
    pub host: Option<Spanned<String>>,
    pub officials: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    pub issues: Vec<Spanned<String>>,
    pub summary: Option<String>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub sources: Vec<Spanned<SourceLink>>,
    /// Images and documents (see `media`).
    #[serde(default)]
    pub media: Vec<Spanned<crate::media::MediaFront>>,
}

pub const EXCHANGE_KEYS: &[&str] = &[
    "title",
    "date",
    "end_date",
    "format",
    "location",
    "host",
    "officials",
    "issues",
    "summary",
    "draft",
    "sources",
    "media",
];

/// One role an official held, in `[[roles]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleFront {
    pub title: String,
    pub from: Spanned<TomlDate>,
    pub to: Option<Spanned<TomlDate>>,
}

/// The front matter of `content/officials/<slug>.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficialFront {
    pub name: Spanned<String>,
    /// How the name sorts in lists ("Wang Yi" where the family name comes
    /// first); by default the last word, then the rest ("Blinken Antony").
    pub sort_as: Option<String>,
    pub country: Spanned<String>,
    #[serde(default)]
    pub roles: Vec<Spanned<RoleFront>>,
    /// A portrait (see `media`).
    pub image: Option<Spanned<crate::media::MediaFront>>,
}

pub const OFFICIAL_KEYS: &[&str] = &["name", "sort_as", "country", "roles", "image"];

/// The front matter of `content/issues/<slug>.md`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueFront {
    pub name: Spanned<String>,
}

pub const ISSUE_KEYS: &[&str] = &["name"];

/// One parsed Markdown entry.
#[derive(Debug, Clone)]
pub struct Doc<F> {
    /// The file stem, which is the page's URL segment.
    pub slug: String,
    /// The file's path relative to the site root, for messages.
    pub path: PathBuf,
    /// The TOML text, kept to place spans on lines.
    pub front_text: String,
    pub front: F,
    /// The Markdown body, with CRLF turned into LF (shared, cheap to clone).
    pub body: Arc<str>,
    /// The size and modification time the file had when it was read
    /// (none for a text not read from a file).
    pub stamp: Option<Stamp>,
}

/// A file's size and modification time.
pub type Stamp = (u64, std::time::SystemTime);

/// Stamps of files by `/`-separated path (relative to the site root for
/// sources, to the output for written files).
pub type Stamps = std::collections::HashMap<String, Stamp>;

impl<F> Doc<F> {
    /// The file line:column of a span inside the front matter.
    pub fn place(&self, span: Range<usize>) -> LineCol {
        front_place(&self.front_text, span.start)
    }
}

/// Line:column in the file of byte `offset` of the front matter, which
/// starts on line 2, after the opening `+++`.
fn front_place(front: &str, offset: usize) -> LineCol {
    let at = LineCol::of_offset(front, offset);
    LineCol {
        line: at.line + 1,
        column: at.column,
    }
}

/// Everything read from a site folder.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    pub exchanges: Vec<Doc<ExchangeFront>>,
    pub officials: Vec<Doc<OfficialFront>>,
    pub issues: Vec<Doc<IssueFront>>,
    /// Slugs of entries whose file exists but could not be read or parsed,
    /// so that references to them are not reported a second time.
    pub unreadable: Vec<(Kind, String)>,
    pub diagnostics: Vec<Diagnostic>,
    /// The stamp of site.toml as it was read.
    pub config_stamp: Option<Stamp>,
}

/// Reads the whole site under `root`. Problems become diagnostics; the
/// result holds every entry that could be read.
pub fn load(root: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let exchanges = read_kind(root, Kind::Exchange, EXCHANGE_KEYS, &mut problems);
    let officials = read_kind(root, Kind::Official, OFFICIAL_KEYS, &mut problems);
    let issues = read_kind(root, Kind::Issue, ISSUE_KEYS, &mut problems);
    let (config, config_stamp) = read_config(root);
    let mut loaded = Loaded::assemble(config, problems, exchanges, officials, issues)?;
    loaded.config_stamp = config_stamp;
    Ok(loaded)
}

impl Loaded {
    /// The stamps of site.toml and the entries as they were read, by path
    /// relative to the site root (`content/exchanges/…md`).
    pub fn stamps(&self) -> Stamps {
        fn of<F>(docs: &[Doc<F>]) -> impl Iterator<Item = (String, Stamp)> + '_ {
            docs.iter()
                .filter_map(|d| Some((d.path.to_string_lossy().into_owned(), d.stamp?)))
        }
        let config = self.config_stamp.map(|s| (SITE_TOML.to_string(), s));
        of(&self.exchanges)
            .chain(of(&self.officials))
            .chain(of(&self.issues))
            .chain(config)
            .collect()
    }
}

/// An entry as read: parsed, or the problem that stopped it.
pub type Entry<F> = Result<Doc<F>, Diagnostic>;

impl Loaded {
    /// Puts a site together from entries read one by one (by slug): the
    /// ones that could not be read become diagnostics, and their slugs are
    /// remembered as unreadable. Fails only without a usable site.toml.
    pub fn assemble(
        config: Result<Config, Diagnostic>,
        mut diagnostics: Vec<Diagnostic>,
        exchanges: impl IntoIterator<Item = (String, Entry<ExchangeFront>)>,
        officials: impl IntoIterator<Item = (String, Entry<OfficialFront>)>,
        issues: impl IntoIterator<Item = (String, Entry<IssueFront>)>,
    ) -> Result<Loaded, Vec<Diagnostic>> {
        let mut unreadable = Vec::new();
        let (d, u) = (&mut diagnostics, &mut unreadable);
        let exchanges = readable(Kind::Exchange, exchanges, d, u);
        let officials = readable(Kind::Official, officials, d, u);
        let issues = readable(Kind::Issue, issues, d, u);
        match config {
            Ok(config) => Ok(Loaded {
                config,
                exchanges,
                officials,
                issues,
                unreadable,
                diagnostics,
                config_stamp: None,
            }),
            Err(d) => {
                diagnostics.insert(0, d);
                Err(diagnostics)
            }
        }
    }
}

/// Reads and parses `content/site.toml`.
pub fn load_config(root: &Path) -> Result<Config, Diagnostic> {
    read_config(root).0
}

/// [`load_config`], with the file's stamp as it was read.
fn read_config(root: &Path) -> (Result<Config, Diagnostic>, Option<Stamp>) {
    let path = Path::new(SITE_TOML);
    if let Err(d) = crate::confine::path(root, Path::new("content")) {
        return (Err(d), None);
    }
    match read_stamped(root, path) {
        Ok((text, stamp)) => (parse_config(&text), stamp),
        Err(d) => (Err(d), None),
    }
}

fn parse_config(text: &str) -> Result<Config, Diagnostic> {
    let path = Path::new(SITE_TOML);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    toml::from_str::<RawConfig>(text)
        .map(|raw| {
            let theme_at = raw.theme_span().map(|s| LineCol::of_offset(text, s.start));
            Config {
                theme_at,
                ..Config::from_raw(raw)
            }
        })
        .map_err(|e| {
            toml_diagnostic(path, Source::SiteToml, &e, config::KEYS, |o| {
                LineCol::of_offset(text, o)
            })
        })
}

/// The entries that could be read; the others become diagnostics and
/// unreadable slugs.
fn readable<F>(
    kind: Kind,
    entries: impl IntoIterator<Item = (String, Entry<F>)>,
    diagnostics: &mut Vec<Diagnostic>,
    unreadable: &mut Vec<(Kind, String)>,
) -> Vec<Doc<F>> {
    entries
        .into_iter()
        .filter_map(|(slug, entry)| match entry {
            Ok(doc) => Some(doc),
            Err(d) => {
                diagnostics.push(d);
                unreadable.push((kind, slug));
                None
            }
        })
        .collect()
}

/// Reads every entry of one kind, in slug order; folder problems go to
/// `problems`.
pub fn read_kind<F: DeserializeOwned + Send>(
    root: &Path,
    kind: Kind,
    keys: &[&str],
    problems: &mut Vec<Diagnostic>,
) -> Vec<(String, Entry<F>)> {
    let (files, mut listing) = list_entries(root, kind);
    problems.append(&mut listing);
    files
        .par_iter()
        .map(|(slug, rel)| (slug.clone(), parse_doc::<F>(root, slug, rel, keys)))
        .collect()
}

/// Lists `<slug>.md` files of one kind, sorted by slug.
pub fn list_entries(root: &Path, kind: Kind) -> (Vec<(String, PathBuf)>, Vec<Diagnostic>) {
    let dir = Path::new(kind.dir());
    let mut files = Vec::new();
    let mut problems = Vec::new();
    if let Err(d) = crate::confine::path(root, dir) {
        problems.push(d);
        return (files, problems);
    }
    let entries = match std::fs::read_dir(root.join(dir)) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (files, problems),
        Err(e) => {
            problems.push(
                Diagnostic::error(dir, format!("cannot read the folder: {e}"))
                    .help("give yourself permission to read the folder"),
            );
            return (files, problems);
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                problems.push(
                    Diagnostic::error(dir, format!("cannot list the folder: {e}"))
                        .help("give yourself permission to read the folder"),
                );
                continue;
            }
        };
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            problems.push(
                Diagnostic::error(dir.join(&name), "the file name is not valid UTF-8")
                    .help("rename the file using letters, digits and dashes"),
            );
            continue;
        };
        if name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        let Some(slug) = name.strip_suffix(".md") else {
            continue;
        };
        // `<slug>.<language>.md` is a translation, read by `read_translations`.
        if translation_of(slug).is_some() {
            continue;
        }
        let rel = dir.join(name);
        // The listing tells the type without a lookup; only a link must be
        // followed to learn what it points to.
        let is_dir = match entry.file_type() {
            Ok(t) if t.is_symlink() => {
                if let Err(d) = crate::confine::link(root, &rel) {
                    problems.push(d);
                    continue;
                }
                root.join(&rel).is_dir()
            }
            Ok(t) => t.is_dir(),
            Err(_) => root.join(&rel).is_dir(),
        };
        if is_dir {
            problems.push(
                Diagnostic::error(
                    &rel,
                    format!("this is a folder, but an {} must be a file", kind.noun()),
                )
                .help("rename the folder so its name does not end in `.md`"),
            );
            continue;
        }
        files.push((slug.to_string(), rel));
    }
    files.sort();
    (files, problems)
}

/// The slug and language of a translation's file stem
/// (`2023-06-18-blinken-qin-beijing.zh` → the slug, `zh`).
pub fn translation_of(stem: &str) -> Option<(&str, &str)> {
    let (slug, tag) = stem.rsplit_once('.')?;
    (crate::config::is_language_tag(tag) && !slug.is_empty()).then_some((slug, tag))
}

/// The front matter of a translated exchange, `<slug>.<lang>.md`: its
/// text. Dates, format, officials and issues come from the original; a
/// translation may repeat them, and then they must agree.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeTrFront {
    pub title: Spanned<String>,
    pub summary: Option<String>,
    /// The place as this language writes it.
    pub location: Option<String>,
    pub date: Option<Spanned<TomlDate>>,
    pub end_date: Option<Spanned<TomlDate>>,
    pub format: Option<Spanned<String>>,
    pub officials: Option<Spanned<Vec<String>>>,
    pub issues: Option<Spanned<Vec<String>>>,
}

pub const EXCHANGE_TR_KEYS: &[&str] = &[
    "title",
    "summary",
    "location",
    "date",
    "end_date",
    "format",
    "officials",
    "issues",
];

/// A translated role: its title (dates, when given, must agree).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleTrFront {
    pub title: String,
    pub from: Option<Spanned<TomlDate>>,
    pub to: Option<Spanned<TomlDate>>,
}

/// The front matter of a translated official: name and role titles.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficialTrFront {
    pub name: Spanned<String>,
    pub sort_as: Option<String>,
    pub country: Option<Spanned<String>>,
    #[serde(default)]
    pub roles: Vec<Spanned<RoleTrFront>>,
}

pub const OFFICIAL_TR_KEYS: &[&str] = &["name", "sort_as", "country", "roles"];

/// Every translation of a site, by kind: (language, document).
#[derive(Debug, Clone, Default)]
pub struct Translations {
    pub exchanges: Vec<(String, Doc<ExchangeTrFront>)>,
    pub officials: Vec<(String, Doc<OfficialTrFront>)>,
    pub issues: Vec<(String, Doc<IssueFront>)>,
}

/// Reads every translation file (`<slug>.<lang>.md`) of the site at
/// `root`; those that cannot be read or parsed become diagnostics.
pub fn read_translations(root: &Path) -> (Translations, Vec<Diagnostic>) {
    let mut out = Translations::default();
    let mut problems = Vec::new();
    for kind in Kind::ALL {
        let dir = Path::new(kind.dir());
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        let mut files: Vec<(String, String, PathBuf)> = entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_str()?.to_string();
                let stem = name.strip_suffix(".md")?;
                let (slug, tag) = translation_of(stem)?;
                Some((slug.to_string(), tag.to_string(), dir.join(&name)))
            })
            .collect();
        files.sort();
        // Read and parsed in parallel, kept in order.
        let read: Vec<std::result::Result<Translations, Diagnostic>> = files
            .par_iter()
            .map(|(slug, tag, rel)| {
                let mut one = Translations::default();
                one.read_one(root, kind, slug, tag, rel).map(|()| one)
            })
            .collect();
        for result in read {
            match result {
                Ok(one) => out.append(one),
                Err(d) => problems.push(d),
            }
        }
    }
    (out, problems)
}

impl Translations {
    /// Reads the translation at `rel` (of `slug` into `tag`) and keeps it.
    fn read_one(
        &mut self,
        root: &Path,
        kind: Kind,
        slug: &str,
        tag: &str,
        rel: &Path,
    ) -> Result<(), Diagnostic> {
        crate::confine::link(root, rel)?;
        let tag = tag.to_string();
        match kind {
            Kind::Exchange => self
                .exchanges
                .push((tag, parse_doc(root, slug, rel, EXCHANGE_TR_KEYS)?)),
            Kind::Official => self
                .officials
                .push((tag, parse_doc(root, slug, rel, OFFICIAL_TR_KEYS)?)),
            Kind::Issue => self
                .issues
                .push((tag, parse_doc(root, slug, rel, ISSUE_KEYS)?)),
        }
        Ok(())
    }

    fn append(&mut self, mut other: Translations) {
        self.exchanges.append(&mut other.exchanges);
        self.officials.append(&mut other.officials);
        self.issues.append(&mut other.issues);
    }

    /// Forgets the translation file `rel` (relative to `root`, in the
    /// folder of `kind`) and reads it again if it is still there, as
    /// [`read_translations`] would have. Returns whether it was known
    /// before and is read again now; the problem reading it, if any.
    pub fn reread(&mut self, root: &Path, kind: Kind, rel: &Path) -> Result<bool, Diagnostic> {
        let before = self.exchanges.len() + self.officials.len() + self.issues.len();
        self.exchanges.retain(|(_, d)| d.path != rel);
        self.officials.retain(|(_, d)| d.path != rel);
        self.issues.retain(|(_, d)| d.path != rel);
        let known = before != self.exchanges.len() + self.officials.len() + self.issues.len();
        let stem = rel
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".md"));
        let Some((slug, tag)) = stem.and_then(translation_of) else {
            return Ok(false);
        };
        if !root.join(rel).exists() {
            return Ok(false);
        }
        self.read_one(root, kind, slug, tag, rel)?;
        // In the order `read_translations` reads them.
        self.exchanges.sort_by(|a, b| order(a).cmp(&order(b)));
        self.officials.sort_by(|a, b| order(a).cmp(&order(b)));
        self.issues.sort_by(|a, b| order(a).cmp(&order(b)));
        Ok(known)
    }

    /// The translation of the exchange `slug` into `tag`.
    pub fn exchange(&self, tag: &str, slug: &str) -> Option<&Doc<ExchangeTrFront>> {
        self.exchanges
            .iter()
            .find(|(t, d)| t == tag && d.slug == slug)
            .map(|(_, d)| d)
    }
}

/// Where a translation stands among the others of its kind.
fn order<F>((tag, doc): &(String, Doc<F>)) -> (&str, &str, &Path) {
    (&doc.slug, tag, &doc.path)
}

/// Reads one entry and parses its front matter as `F`.
pub fn parse_doc<F: DeserializeOwned>(
    root: &Path,
    slug: &str,
    rel: &Path,
    keys: &[&str],
) -> Result<Doc<F>, Diagnostic> {
    let (text, stamp) = read_stamped(root, rel)?;
    let mut doc = parse_text(slug, rel, &text, keys)?;
    doc.stamp = stamp;
    Ok(doc)
}

/// Parses an entry from its text; `rel` only names it in messages.
pub fn parse_text<F: DeserializeOwned>(
    slug: &str,
    rel: &Path,
    text: &str,
    keys: &[&str],
) -> Result<Doc<F>, Diagnostic> {
    let split = frontmatter::split(text).map_err(|e| {
        Diagnostic::error(rel, e.message())
            .at(Some(LineCol { line: 1, column: 1 }))
            .help(e.help())
    })?;
    if is_blank_toml(split.front) {
        return Err(Diagnostic::error(rel, "the front matter is empty")
            .at(Some(LineCol { line: 1, column: 1 }))
            .help(
                "write the entry's fields between the two `+++` lines; `detente new` writes a complete exchange to start from",
            ));
    }
    let front: F = toml::from_str(split.front).map_err(|e| {
        toml_diagnostic(rel, Source::FrontMatter, &e, keys, |o| {
            front_place(split.front, o)
        })
    })?;
    Ok(Doc {
        slug: slug.to_string(),
        path: rel.to_path_buf(),
        front_text: split.front.to_string(),
        front,
        body: if split.body.contains('\r') {
            Arc::from(split.body.replace("\r\n", "\n"))
        } else {
            Arc::from(split.body)
        },
        stamp: None,
    })
}

/// Whether a TOML text holds nothing but white space and comments.
fn is_blank_toml(text: &str) -> bool {
    text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#')
    })
}

/// Reads a file as UTF-8 text, refusing huge files and invalid bytes.
/// Only regular files are read (a named pipe or device would block or
/// never end); the size is checked before a single byte is read. A
/// symbolic link is followed only to a file inside `root`.
pub fn read_text(root: &Path, rel: &Path) -> Result<String, Diagnostic> {
    read_stamped(root, rel).map(|(text, _)| text)
}

/// [`read_text`], with the file's size and time as it was read.
fn read_stamped(root: &Path, rel: &Path) -> Result<(String, Option<Stamp>), Diagnostic> {
    use std::io::Read;
    let path = root.join(rel);
    // Open first and ask the open file what it is: one path lookup, not
    // two. Without blocking: opening a named pipe would wait for a writer.
    // Not through a link: a link is opened only once `confine` has seen
    // that it stays inside the site.
    let open = |follow: bool| {
        let mut options = std::fs::OpenOptions::new();
        options.read(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::custom_flags(
            &mut options,
            libc::O_NONBLOCK | if follow { 0 } else { libc::O_NOFOLLOW },
        );
        #[cfg(not(unix))]
        let _ = follow;
        options.open(&path)
    };
    let file = match open(false) {
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            crate::confine::link(root, rel)?;
            open(true)
        }
        other => other,
    }
    .map_err(|e| cannot_read(rel, &e))?;
    let meta = file.metadata().map_err(|e| cannot_read(rel, &e))?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "this is a folder, not a text file"
        } else {
            "this is not a regular file (a named pipe, socket or device?)"
        };
        return Err(
            Diagnostic::error(rel, what).help("replace it with an ordinary file, or remove it")
        );
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(rel, meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // Read at most one byte more than the limit: the file may have grown
    // since `metadata`, and must not be read whole if it did.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| cannot_read(rel, &e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(rel, bytes.len() as u64));
    }
    let stamp = meta.modified().ok().map(|m| (meta.len(), m));
    Ok((decode(bytes, rel)?, stamp))
}

/// The bytes of a file as UTF-8 text, or a diagnostic placed at the first
/// invalid byte.
pub fn decode(bytes: Vec<u8>, rel: &Path) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let text = String::from_utf8_lossy(&bytes[..valid]);
        Diagnostic::error(rel, "the file is not valid UTF-8")
            .at(Some(LineCol::of_offset(&text, valid)))
            .help("save the file with UTF-8 encoding (in most editors: \"Save with encoding\" → UTF-8)")
    })
}

fn cannot_read(rel: &Path, e: &std::io::Error) -> Diagnostic {
    let help = match e.kind() {
        std::io::ErrorKind::NotFound if rel == Path::new(SITE_TOML) => {
            "every site needs content/site.toml; run `detente init` to create a site, or pass --root"
        }
        std::io::ErrorKind::NotFound => {
            "the file vanished or is a broken symbolic link; restore it or remove the link"
        }
        std::io::ErrorKind::PermissionDenied => {
            "give yourself permission to read the file (e.g. chmod a+r), or remove it"
        }
        _ => "check that the file can be opened and read, or remove it",
    };
    Diagnostic::error(rel, format!("cannot read the file: {e}")).help(help)
}

fn too_large(rel: &Path, len: u64) -> Diagnostic {
    Diagnostic::error(
        rel,
        format!(
            "the file is too large ({:.1} MiB; the limit is {} MiB)",
            len as f64 / 1048576.0,
            MAX_FILE_BYTES / 1048576
        ),
    )
    .help("split the entry or move large material to static/")
}

/// Which kind of TOML text an error is in, for wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    SiteToml,
    FrontMatter,
}

/// Turns a TOML error into a diagnostic, placed by `place`, with a hint on
/// what to do: the closest key for an unknown one, the form of a value for
/// a wrong type, the syntax for a parse error.
fn toml_diagnostic(
    rel: &Path,
    source: Source,
    e: &toml::de::Error,
    keys: &[&str],
    place: impl Fn(usize) -> LineCol,
) -> Diagnostic {
    // One line: serde's messages sometimes end a clause with a newline.
    let message = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
    let (what, between) = match source {
        Source::SiteToml => ("invalid site.toml", "to content/site.toml"),
        Source::FrontMatter => ("invalid front matter", "between the `+++` lines"),
    };
    let d =
        Diagnostic::error(rel, format!("{what}: {message}")).at(e.span().map(|s| place(s.start)));
    d.help(toml_help(&message, keys, between))
}

/// The help line for a TOML error `message`.
fn toml_help(message: &str, keys: &[&str], between: &str) -> String {
    let quoted = |s: &str| s.split('`').nth(1).map(str::to_string);
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or_default();
        // serde lists the fields allowed where the unknown one stands
        // (`[[roles]]`, `[markdown]`…); fall back to the top-level keys.
        let listed: Vec<&str> = rest
            .split_once("expected")
            .map(|(_, list)| list.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        let candidates = if listed.is_empty() { keys } else { &listed[..] };
        return suggest::hint(field, "keys", candidates);
    }
    if let Some(field) = message.strip_prefix("missing field ").and_then(quoted) {
        return format!("add `{field} = {}` {between}", example(&field));
    }
    if message.contains("invalid date")
        || message.contains("not a real date")
        || message.contains("datetime")
        || message.contains("without a time")
    {
        return "write the date bare (no quotes) as YYYY-MM-DD with a real day of that month, e.g. 2023-02-28".into();
    }
    if let Some(expected) = message
        .strip_prefix("invalid type: ")
        .and_then(|m| m.split_once(", expected "))
        .map(|(_, e)| e)
    {
        return format!(
            "this value must be {expected}, e.g. {}",
            example_for_type(expected)
        );
    }
    if message.contains("recurs") {
        return "the value is nested too deeply; fields hold plain strings, dates, numbers and lists".into();
    }
    if message.contains("`base_url`") {
        return "write the full address the site will be served from, e.g. base_url = \"https://example.org/timeline/\", or remove the key (no absolute URLs)".into();
    }
    if message.contains("duplicate key") {
        return "each key may appear only once; remove or rename the second one".into();
    }
    "check the TOML syntax here: text goes in double quotes (\"…\"), dates are bare (2023-06-18), lists use [\"a\", \"b\"]".into()
}

/// An example value for a front-matter or site.toml key.
fn example(field: &str) -> &'static str {
    match field {
        "date" | "end_date" | "from" | "to" => "2023-06-18",
        "officials" => "[\"antony-blinken\", \"qin-gang\"]",
        "issues" | "formats" => "[\"…\", \"…\"]",
        "draft" | "unsafe_html" => "true",
        "country" => "\"US\"",
        "format" => "\"in-person\"",
        "paginate" => "100",
        _ => "\"…\"",
    }
}

/// An example value of the type serde names in "expected …".
fn example_for_type(expected: &str) -> &'static str {
    if expected.contains("string") {
        "\"some text\" in double quotes"
    } else if expected.contains("sequence") {
        "a list like [\"a\", \"b\"]"
    } else if expected.contains("bool") {
        "true or false (no quotes)"
    } else if expected.contains("date") {
        "2023-06-18 (no quotes)"
    } else if expected.contains("integer") {
        "100 (no quotes)"
    } else if expected.contains("struct") || expected.contains("map") || expected.contains("table")
    {
        "a [table] or [[array of tables]] with its own keys"
    } else {
        "the value shown in the README"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stamps taken while reading are keyed the way the manifest names
    /// source files, and match the files as they are on disk.
    #[test]
    fn stamps_taken_while_reading_name_and_match_the_files() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let loaded = load(root).expect("the shipped site loads");
        let stamps = loaded.stamps();
        let entries = loaded.exchanges.len() + loaded.officials.len() + loaded.issues.len();
        assert_eq!(stamps.len(), entries + 1, "every entry and site.toml");
        assert!(stamps.contains_key(SITE_TOML));
        assert!(stamps.keys().any(|k| k.starts_with("content/exchanges/")));
        for (rel, (len, modified)) in &stamps {
            let meta = std::fs::metadata(root.join(rel)).expect("a file");
            assert_eq!(
                (meta.len(), meta.modified().expect("time")),
                (*len, *modified),
                "{rel}"
            );
        }
    }
}
