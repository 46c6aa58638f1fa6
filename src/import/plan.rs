//! From rows read to files to write: the heart of an import.
//!
//! Owns the decisions made for each row: duplicates (same date and
//! title), the format (the row's format or type, else its group, else
//! `--format`), the officials and issues it names (matched or created
//! through [`names`](super::names), with countries for new officials),
//! the exchange's slug (an existing exchange with the same date and title,
//! else the slug the source gives, else `<date>-<title>`), the roles of
//! new officials (one per run of the same title across their exchanges'
//! dates), and whether each file is new, unchanged or changed. It also
//! puts the site together as it would be, for validation, and writes the
//! files, all or none.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::names::{Found, How, Names, fold};
use super::write::{self, ExchangeEntry, OfficialEntry, RoleEntry};
use super::{Options, Parsed, Person, Problem, Record, RowId, Topic};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::load::{self, Kind, Loaded};
use crate::suggest;
use crate::validate::is_valid_slug;

/// Whether a planned file is new or already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    New,
    /// The file exists and says the same.
    Unchanged,
    /// The file exists and says something else: rewritten only with --update.
    Changed,
}

/// One file an import makes.
#[derive(Debug, Clone)]
pub struct Planned {
    pub kind: Kind,
    pub slug: String,
    /// Relative to the site root.
    pub rel: PathBuf,
    pub text: String,
    pub status: Status,
    /// The title or name, for the report.
    pub label: String,
}

impl Planned {
    /// Whether an import with or without `--update` writes this file.
    pub fn to_write(&self, update: bool) -> bool {
        match self.status {
            Status::New => true,
            Status::Changed => update,
            Status::Unchanged => false,
        }
    }
}

/// What became of a name a row gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameOutcome {
    Matched {
        slug: String,
        how: How,
    },
    Created {
        slug: String,
        country: Option<String>,
    },
    Ambiguous(Vec<String>),
}

/// A name as the input wrote it, what it became, and the rows giving it.
#[derive(Debug, Clone)]
pub struct NameUse {
    pub kind: Kind,
    pub text: String,
    pub outcome: NameOutcome,
    pub rows: Vec<RowId>,
}

/// Everything an import would write, and what it found on the way.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub files: Vec<Planned>,
    pub names: Vec<NameUse>,
    /// Rows skipped here (duplicates, unknown format or country, ambiguous names).
    pub problems: Vec<Problem>,
    /// Rows imported with a remark.
    pub notes: Vec<Problem>,
    /// Rows that make an exchange.
    pub exchanges: usize,
    /// A title for a site that has none: the new site.toml and the title.
    pub site_title: Option<(String, String)>,
}

/// A new official, gathered across the rows that name them.
struct NewOfficial {
    slug: String,
    name: String,
    country: String,
    /// The dates they took part and the role each row gives.
    seen: Vec<(NaiveDate, Option<String>)>,
    first_row: RowId,
}

/// Plans the import of `parsed` into the site `loaded`.
pub fn plan(loaded: &Loaded, parsed: &Parsed, opts: &Options) -> Plan {
    let mut p = Planner::new(loaded, opts);
    for r in &parsed.records {
        p.row(r);
    }
    p.finish()
}

struct Planner<'a> {
    config: &'a Config,
    opts: &'a Options,
    officials: Names,
    issues: Names,
    /// Existing exchanges by date and folded title → slug.
    by_date_title: HashMap<(NaiveDate, String), String>,
    /// Rows read so far by date and folded title.
    seen: HashMap<(NaiveDate, String), RowId>,
    /// Lowercase exchange slugs this import has taken.
    claimed: HashSet<String>,
    new_officials: Vec<NewOfficial>,
    /// New issues: slug and name.
    new_issues: Vec<(String, String)>,
    /// Name uses, keyed by kind and the name as written.
    uses: BTreeMap<(u8, String), NameUse>,
    /// Translations into languages site.toml does not list: the rows.
    unlisted: BTreeMap<String, Vec<RowId>>,
    plan: Plan,
}

impl<'a> Planner<'a> {
    fn new(loaded: &'a Loaded, opts: &'a Options) -> Planner<'a> {
        Planner {
            config: &loaded.config,
            opts,
            officials: Names::new(
                loaded
                    .officials
                    .iter()
                    .map(|d| (d.slug.as_str(), d.front.name.get_ref().as_str())),
            ),
            issues: Names::new(
                loaded
                    .issues
                    .iter()
                    .map(|d| (d.slug.as_str(), d.front.name.get_ref().as_str())),
            ),
            by_date_title: loaded
                .exchanges
                .iter()
                .map(|d| {
                    (
                        (d.front.date.get_ref().0, fold(d.front.title.get_ref())),
                        d.slug.clone(),
                    )
                })
                .collect(),
            seen: HashMap::new(),
            claimed: HashSet::new(),
            new_officials: Vec::new(),
            new_issues: Vec::new(),
            uses: BTreeMap::new(),
            unlisted: BTreeMap::new(),
            plan: Plan::default(),
        }
    }

    fn use_name(&mut self, kind: Kind, text: &str, outcome: NameOutcome, row: RowId) {
        let k = (u8::from(kind == Kind::Issue), text.to_string());
        let entry = self.uses.entry(k).or_insert_with(|| NameUse {
            kind,
            text: text.to_string(),
            outcome: outcome.clone(),
            rows: Vec::new(),
        });
        // A name first seen in a skipped row and created by a later one
        // is reported as created.
        if matches!(outcome, NameOutcome::Created { .. }) {
            entry.outcome = outcome;
        }
        if !entry.rows.contains(&row) {
            entry.rows.push(row);
        }
    }

    /// The format of a row, and whether its group was used as the format.
    fn format(&mut self, r: &Record, problems: &mut Vec<Problem>) -> Option<(String, bool)> {
        let known = |text: &str| {
            let key = super::csv::normalize(text);
            self.config
                .formats
                .iter()
                .find(|f| super::csv::normalize(f) == key)
                .cloned()
        };
        if let Some(f) = r.format.as_deref().and_then(known) {
            return Some((f, false));
        }
        if let Some(f) = r.group.as_deref().and_then(known) {
            return Some((f, true));
        }
        let formats: Vec<&str> = self.config.formats.iter().map(String::as_str).collect();
        match (&self.opts.default_format, &r.format) {
            (Some(default), Some(given)) => {
                self.plan.notes.push(Problem::new(
                    r.row,
                    format!(
                        "`{given}` is not one of the site's formats; imported as `{default}` (--format)"
                    ),
                ));
                Some((default.clone(), false))
            }
            (Some(default), None) => Some((default.clone(), false)),
            (None, Some(given)) => {
                problems.push(
                    Problem::new(r.row, format!("unknown format `{given}`")).help(format!(
                        "{}; or pass --format F to import rows of other formats as F",
                        suggest::hint(given, "formats", &formats)
                    )),
                );
                None
            }
            (None, None) => {
                problems.push(Problem::new(r.row, "no format").help(format!(
                    "give the row a format (one of {}), or pass --format F for rows without one",
                    formats.join(", ")
                )));
                None
            }
        }
    }

    /// The key of a country as a row writes it: a key of site.toml's
    /// countries (any case), or a country's name or short name.
    fn country(&self, text: &str) -> Option<String> {
        let t = text.trim();
        let countries = &self.config.countries;
        countries
            .iter()
            .find(|c| c.key == t)
            .or_else(|| countries.iter().find(|c| c.key.eq_ignore_ascii_case(t)))
            .or_else(|| {
                countries
                    .iter()
                    .find(|c| c.name.eq_ignore_ascii_case(t) || c.short.eq_ignore_ascii_case(t))
            })
            .map(|c| c.key.clone())
    }

    fn country_keys(&self) -> Vec<&str> {
        self.config
            .countries
            .iter()
            .map(|c| c.key.as_str())
            .collect()
    }

    /// The country of a new official a row names, or the problem.
    fn new_country(
        &self,
        r: &Record,
        person: &Person,
        slug: &str,
    ) -> std::result::Result<String, Problem> {
        if let Some(o) = self.new_officials.iter().find(|o| o.slug == slug) {
            return Ok(o.country.clone());
        }
        match (&person.country, &self.opts.country) {
            (Some(text), _) => self.country(text).ok_or_else(|| {
                Problem::new(
                    r.row,
                    format!(
                        "unknown country `{text}` for the new official `{}`",
                        person.text
                    ),
                )
                .help(format!(
                    "{} (a key of the [countries.KEY] tables of content/site.toml)",
                    suggest::hint(text, "countries", &self.country_keys())
                ))
            }),
            (None, Some(default)) => Ok(default.clone()),
            (None, None) => Err(Problem::new(
                r.row,
                format!("no country for the new official `{}`", person.text),
            )
            .help(format!(
                "pass --country KEY (one of {}) for new officials, or give the row a country column",
                self.country_keys().join(", ")
            ))),
        }
    }

    /// Plans one row: an exchange, and the officials and issues it creates,
    /// or the problems that skip it.
    fn row(&mut self, r: &Record) {
        let key = (r.date, fold(&r.title));
        if let Some(first) = self.seen.get(&key) {
            self.plan.problems.push(
                Problem::new(
                    r.row,
                    format!("a duplicate of {first}: the same date and title"),
                )
                .help("remove the duplicate row, or give it another title"),
            );
            return;
        }
        self.seen.insert(key.clone(), r.row);
        let mut problems = Vec::new();
        if let Some(end) = r.end_date.filter(|&end| end < r.date) {
            problems.push(
                Problem::new(
                    r.row,
                    format!("the end date {end} is before the date {}", r.date),
                )
                .help("fix the end date, or leave it empty for a one-day exchange"),
            );
        }
        let format = self.format(r, &mut problems);

        // Officials: existing ones by slug or name, new ones with a country.
        let mut official_slugs: Vec<String> = Vec::new();
        let mut matched: Vec<(Kind, String, NameOutcome)> = Vec::new();
        let mut creating: Vec<(String, String, String, String, Option<String>)> = Vec::new();
        for person in &r.officials {
            match self.officials.find(&person.text, person.slug.as_deref()) {
                Found::Existing { slug, how } => {
                    let outcome = NameOutcome::Matched {
                        slug: slug.clone(),
                        how,
                    };
                    matched.push((Kind::Official, person.text.clone(), outcome));
                    push_once(&mut official_slugs, slug);
                }
                Found::New { slug } => {
                    match self.new_country(r, person, &slug) {
                        Ok(country) => {
                            let name = person
                                .name
                                .clone()
                                .unwrap_or_else(|| display_name(&person.text));
                            creating.push((
                                person.text.clone(),
                                slug.clone(),
                                name,
                                country,
                                person.role.clone(),
                            ));
                        }
                        Err(p) => problems.push(p),
                    }
                    push_once(&mut official_slugs, slug);
                }
                Found::Ambiguous(slugs) => {
                    problems.push(ambiguous(r.row, Kind::Official, &person.text, &slugs));
                    self.use_name(
                        Kind::Official,
                        &person.text,
                        NameOutcome::Ambiguous(slugs),
                        r.row,
                    );
                }
                Found::Empty => problems.push(
                    Problem::new(
                        r.row,
                        format!("the official `{}` has no letter or digit", person.text),
                    )
                    .help("write the official's name"),
                ),
            }
        }
        if r.officials.is_empty() {
            problems.push(Problem::new(r.row, "no officials").help(
                "every exchange needs at least one official: name them in a column (separated by `;`), mapped with --map officials=COLUMN",
            ));
        }

        // Issues: the row's topics, and its group unless that is the format.
        let mut topics = r.issues.clone();
        if let (Some(group), Some((_, false))) = (&r.group, &format) {
            topics.push(Topic {
                text: group.clone(),
                slug: None,
                name: None,
            });
        }
        let mut issue_slugs: Vec<String> = Vec::new();
        let mut new_issues: Vec<(String, String, String)> = Vec::new();
        for t in &topics {
            match self.issues.find(&t.text, t.slug.as_deref()) {
                Found::Existing { slug, how } => {
                    let outcome = NameOutcome::Matched {
                        slug: slug.clone(),
                        how,
                    };
                    matched.push((Kind::Issue, t.text.clone(), outcome));
                    push_once(&mut issue_slugs, slug);
                }
                Found::New { slug } => {
                    let name = t.name.clone().unwrap_or_else(|| display_name(&t.text));
                    new_issues.push((t.text.clone(), slug.clone(), name));
                    push_once(&mut issue_slugs, slug);
                }
                Found::Ambiguous(slugs) => {
                    problems.push(ambiguous(r.row, Kind::Issue, &t.text, &slugs));
                    self.use_name(Kind::Issue, &t.text, NameOutcome::Ambiguous(slugs), r.row);
                }
                Found::Empty => problems.push(
                    Problem::new(
                        r.row,
                        format!("the issue `{}` has no letter or digit", t.text),
                    )
                    .help("write the issue's name"),
                ),
            }
        }
        for (kind, text, outcome) in matched {
            self.use_name(kind, &text, outcome, r.row);
        }
        let Some((format, _)) = format.filter(|_| problems.is_empty()) else {
            self.plan.problems.extend(problems);
            return;
        };

        // The row is in: create what it names.
        for (text, slug, name, country, role) in creating {
            self.officials.create(&slug, &name);
            self.use_name(
                Kind::Official,
                &text,
                NameOutcome::Created {
                    slug: slug.clone(),
                    country: Some(country.clone()),
                },
                r.row,
            );
            match self.new_officials.iter_mut().find(|o| o.slug == slug) {
                Some(o) => o.seen.push((r.date, role)),
                None => self.new_officials.push(NewOfficial {
                    slug,
                    name,
                    country,
                    seen: vec![(r.date, role)],
                    first_row: r.row,
                }),
            }
        }
        for (text, slug, name) in new_issues {
            self.issues.create(&slug, &name);
            self.use_name(
                Kind::Issue,
                &text,
                NameOutcome::Created {
                    slug: slug.clone(),
                    country: None,
                },
                r.row,
            );
            if !self.new_issues.iter().any(|(s, _)| *s == slug) {
                self.new_issues.push((slug, name));
            }
        }

        let slug = self.exchange_slug(r, &key);
        let entry = ExchangeEntry {
            title: r.title.trim().to_string(),
            date: r.date,
            end_date: r.end_date.filter(|&e| e != r.date),
            format,
            location: clean(r.location.as_deref()),
            officials: official_slugs,
            issues: issue_slugs,
            summary: clean(r.summary.as_deref()),
            sources: r.sources.clone(),
            body: r.body.clone(),
        };
        let rel = Path::new(Kind::Exchange.dir()).join(format!("{slug}.md"));
        let text = write::exchange(&entry);
        self.plan.exchanges += 1;
        self.plan.files.push(Planned {
            kind: Kind::Exchange,
            status: status(&self.opts.root, &rel, &text),
            label: entry.title,
            slug: slug.clone(),
            rel,
            text,
        });
        // Its translations, into the languages the site lists.
        for (tag, t) in &r.translations {
            if !self.config.languages.iter().any(|l| &l.tag == tag) {
                self.unlisted.entry(tag.clone()).or_default().push(r.row);
                continue;
            }
            let rel = Path::new(Kind::Exchange.dir()).join(format!("{slug}.{tag}.md"));
            let text = write::translation(t);
            self.plan.files.push(Planned {
                kind: Kind::Exchange,
                status: status(&self.opts.root, &rel, &text),
                label: t.title.clone(),
                slug: format!("{slug}.{tag}"),
                rel,
                text,
            });
        }
    }

    /// The slug of a row's exchange: an existing exchange's with the same
    /// date and title, else the source's own, else `<date>-<title>`; a
    /// slug another row of this import took gets `-2`, `-3`….
    fn exchange_slug(&mut self, r: &Record, key: &(NaiveDate, String)) -> String {
        let free = |s: &str, claimed: &HashSet<String>| !claimed.contains(&s.to_ascii_lowercase());
        let existing = self.by_date_title.get(key).cloned();
        let given = r.slug.clone().filter(|s| is_valid_slug(s));
        let base = match (existing, given) {
            (Some(s), _) if free(&s, &self.claimed) => s,
            (_, Some(s)) if free(&s, &self.claimed) => s,
            _ => {
                let title = super::names::slug(&r.title);
                let title = if title.is_empty() {
                    "exchange".to_string()
                } else {
                    title
                };
                format!("{}-{title}", r.date)
            }
        };
        let mut slug = base.clone();
        let mut n = 2;
        while !free(&slug, &self.claimed) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        self.claimed.insert(slug.to_ascii_lowercase());
        slug
    }

    fn finish(mut self) -> Plan {
        for (tag, rows) in std::mem::take(&mut self.unlisted) {
            let Some(&first) = rows.first() else { continue };
            self.plan.notes.push(
                Problem::new(
                    first,
                    format!(
                        "the translations into `{tag}` of {} are left out: content/site.toml lists no [languages.{tag}]",
                        if rows.len() == 1 {
                            "this exchange".to_string()
                        } else {
                            format!("{} exchanges", rows.len())
                        }
                    ),
                )
                .help(format!(
                    "add [languages.{tag}] (with its title) to content/site.toml and import again to keep them"
                )),
            );
        }
        for o in std::mem::take(&mut self.new_officials) {
            let roles = match derive_roles(&o.seen) {
                Ok(roles) => roles,
                Err(date) => {
                    self.plan.notes.push(Problem::new(
                        o.first_row,
                        format!(
                            "{} ({}) has two different roles on {date}; their roles are left out",
                            o.name, o.slug
                        ),
                    ));
                    Vec::new()
                }
            };
            let entry = OfficialEntry {
                name: o.name.clone(),
                country: o.country,
                roles,
            };
            let rel = Path::new(Kind::Official.dir()).join(format!("{}.md", o.slug));
            let text = write::official(&entry);
            self.plan.files.push(Planned {
                kind: Kind::Official,
                status: status(&self.opts.root, &rel, &text),
                label: o.name,
                slug: o.slug,
                rel,
                text,
            });
        }
        for (slug, name) in std::mem::take(&mut self.new_issues) {
            let rel = Path::new(Kind::Issue.dir()).join(format!("{slug}.md"));
            let text = write::issue(&name);
            self.plan.files.push(Planned {
                kind: Kind::Issue,
                status: status(&self.opts.root, &rel, &text),
                label: name,
                slug,
                rel,
                text,
            });
        }
        self.plan.names = self.uses.into_values().collect();
        self.plan
    }
}

fn push_once(list: &mut Vec<String>, slug: String) {
    if !list.iter().any(|s| s.eq_ignore_ascii_case(&slug)) {
        list.push(slug);
    }
}

fn clean(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

fn ambiguous(row: RowId, kind: Kind, text: &str, slugs: &[String]) -> Problem {
    Problem::new(
        row,
        format!(
            "the {} `{text}` is ambiguous: {} all have that name",
            kind.noun(),
            slugs
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
    .help(format!(
        "write the slug of the one you mean instead of the name (e.g. `{}`)",
        slugs.first().map_or("", String::as_str)
    ))
}

/// A name for an entry named only by a slug-like text: `wang-yi` → `Wang Yi`.
fn display_name(text: &str) -> String {
    let t = text.trim();
    let slug_like =
        is_valid_slug(t) && t.contains(['-', '_']) && !t.chars().any(|c| c.is_ascii_uppercase());
    if !slug_like {
        return t.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    t.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether the file at `rel` is new, or says the same as `text`, or not.
fn status(root: &Path, rel: &Path, text: &str) -> Status {
    let path = root.join(rel);
    if std::fs::symlink_metadata(&path).is_err() {
        return Status::New;
    }
    match std::fs::read_to_string(&path) {
        Ok(old) if write::same_entry(&old, text) => Status::Unchanged,
        _ => Status::Changed,
    }
}

/// The roles of a new official from the roles rows give them on the dates
/// they took part: one role per run of the same title in date order, from
/// the first date of the run to its last, so no two overlap. Dates
/// without a role break runs. Two different roles on one date are a
/// conflict: its date is returned.
pub fn derive_roles(
    seen: &[(NaiveDate, Option<String>)],
) -> std::result::Result<Vec<RoleEntry>, NaiveDate> {
    let mut seen = seen.to_vec();
    seen.sort();
    seen.dedup();
    for pair in seen.windows(2) {
        if pair[0].0 == pair[1].0 {
            return Err(pair[0].0);
        }
    }
    let mut roles: Vec<RoleEntry> = Vec::new();
    let mut open = false;
    for (date, role) in seen {
        match role {
            Some(title) => match roles.last_mut() {
                Some(last) if open && last.title == title => last.to = Some(date),
                _ => {
                    roles.push(RoleEntry {
                        title,
                        from: date,
                        to: Some(date),
                    });
                    open = true;
                }
            },
            None => open = false,
        }
    }
    Ok(roles)
}

impl Plan {
    /// The site `loaded` as it would be once this plan is written.
    pub fn merged(&self, loaded: &Loaded, update: bool) -> Loaded {
        let mut site = loaded.clone();
        if let Some((_, title)) = &self.site_title {
            site.config.title = title.clone();
        }
        // Translations are read beside their originals, not as entries.
        let entries = self
            .files
            .iter()
            .filter(|f| f.to_write(update) && load::translation_of(&f.slug).is_none());
        for f in entries {
            // A file rewritten replaces what was read of it, problems included.
            site.diagnostics.retain(|d| d.file != f.rel);
            site.unreadable
                .retain(|(k, s)| !(*k == f.kind && *s == f.slug));
            let d = &mut site.diagnostics;
            match f.kind {
                Kind::Exchange => replace(&mut site.exchanges, f, load::EXCHANGE_KEYS, d),
                Kind::Official => replace(&mut site.officials, f, load::OFFICIAL_KEYS, d),
                Kind::Issue => replace(&mut site.issues, f, load::ISSUE_KEYS, d),
            }
        }
        site
    }

    /// Writes the files to write, all or none as far as the file system
    /// allows: each to a hidden file beside its place first, then all
    /// moved into place.
    pub fn write(&self, root: &Path, update: bool) -> Result<Vec<PathBuf>> {
        let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
        let undo = |staged: &[(PathBuf, PathBuf)]| {
            for (tmp, _) in staged {
                let _ = std::fs::remove_file(tmp);
            }
        };
        let site_toml = self
            .site_title
            .as_ref()
            .map(|(text, _)| (PathBuf::from(load::SITE_TOML), text));
        let files = self
            .files
            .iter()
            .filter(|f| f.to_write(update))
            .map(|f| (f.rel.clone(), &f.text))
            .chain(site_toml);
        for (rel, text) in files {
            let path = root.join(&rel);
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let tmp = path.with_file_name(format!(".{name}.import-{}", std::process::id()));
            if let Some(parent) = path.parent()
                && let Err(e) = std::fs::create_dir_all(parent)
            {
                undo(&staged);
                return Err(Error::io("create the folder", parent, e));
            }
            if let Err(e) = std::fs::write(&tmp, text) {
                undo(&staged);
                let _ = std::fs::remove_file(&tmp);
                return Err(Error::io("write", &tmp, e));
            }
            staged.push((tmp, path));
        }
        let mut written = Vec::new();
        for (i, (tmp, path)) in staged.iter().enumerate() {
            if let Err(e) = std::fs::rename(tmp, path) {
                undo(&staged[i..]);
                return Err(Error::io("move into place", path, e));
            }
            written.push(path.clone());
        }
        Ok(written)
    }
}

/// Puts the entry of `f` into `docs` in place of one with its slug.
fn replace<F: serde::de::DeserializeOwned>(
    docs: &mut Vec<load::Doc<F>>,
    f: &Planned,
    keys: &[&str],
    diagnostics: &mut Vec<crate::error::Diagnostic>,
) {
    docs.retain(|d| d.slug != f.slug);
    match load::parse_text::<F>(&f.slug, &f.rel, &f.text, keys) {
        Ok(doc) => docs.push(doc),
        Err(d) => diagnostics.push(d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn roles_are_runs_of_one_title_and_never_overlap() {
        let seen = vec![
            (d("2021-03-18"), Some("Director".to_string())),
            (d("2022-11-14"), Some("Director".to_string())),
            (d("2021-07-01"), Some("Director".to_string())),
            (d("2023-02-18"), Some("Minister".to_string())),
            (d("2023-06-18"), Some("Minister".to_string())),
            (d("2023-08-01"), None),
            (d("2023-09-01"), Some("Minister".to_string())),
        ];
        let roles = derive_roles(&seen).expect("no conflict");
        let got: Vec<(&str, NaiveDate, Option<NaiveDate>)> = roles
            .iter()
            .map(|r| (r.title.as_str(), r.from, r.to))
            .collect();
        assert_eq!(
            got,
            [
                ("Director", d("2021-03-18"), Some(d("2022-11-14"))),
                ("Minister", d("2023-02-18"), Some(d("2023-06-18"))),
                ("Minister", d("2023-09-01"), Some(d("2023-09-01"))),
            ]
        );
        for pair in roles.windows(2) {
            assert!(pair[0].to.expect("to") < pair[1].from);
        }
    }

    #[test]
    fn two_roles_on_one_day_are_a_conflict() {
        let seen = vec![
            (d("2021-03-18"), Some("A".to_string())),
            (d("2021-03-18"), Some("B".to_string())),
        ];
        assert_eq!(derive_roles(&seen).map(|r| r.len()), Err(d("2021-03-18")));
        let same = vec![
            (d("2021-03-18"), Some("A".to_string())),
            (d("2021-03-18"), Some("A".to_string())),
        ];
        assert_eq!(derive_roles(&same).map(|r| r.len()), Ok(1));
    }

    #[test]
    fn slug_like_names_are_shown_as_words() {
        assert_eq!(display_name("wang-yi"), "Wang Yi");
        assert_eq!(display_name("Wang  Yi"), "Wang Yi");
        assert_eq!(display_name("trade"), "trade");
    }
}
