//! Loading the Tera templates in layers: the site's own, its theme's, and
//! the defaults built in.
//!
//! Owns which template of each name is used and how their errors are
//! placed. A template in the site's `templates/` replaces the theme's and
//! the default of the same name, a theme's replaces the default, and any
//! layer may add templates of its own (see `layers`). Every default is
//! also registered under a stable name, `detente/<name>`, and every theme
//! template under `theme/<name>`, so an override can extend the template
//! it replaces and change one block. `{% extends %}` and `{% include %}`
//! of a plain name always resolve to the template in use (site first).
//! Templates are compiled once per build.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tera::{ErrorKind, Tera};

use super::routes::PageKind;
use crate::embedded;
use crate::error::{Diagnostic, LineCol};
use crate::layers::{Kind, Layer, Layers};

/// The folder of a site's own templates.
pub const DIR: &str = "templates";

/// The prefix of the stable names of the default templates.
pub const DEFAULT_PREFIX: &str = "detente/";
/// The prefix of the names of a theme's templates.
pub const THEME_PREFIX: &str = "theme/";

/// Where each template came from, for placing errors: the file of each
/// name that is not built in.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    files: HashMap<String, PathBuf>,
}

/// One template file of one layer.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: String,
    pub layer: Layer,
    /// The file, relative to the site root (or `<built-in templates>/…`).
    pub file: PathBuf,
}

/// The templates of every layer, and which one of each name is in use.
#[derive(Debug, Clone)]
pub struct Set {
    /// Every template of every layer, by name, then layer (highest first).
    pub all: Vec<Source>,
}

impl Set {
    /// Reads the templates of `layers`.
    pub fn read(layers: &Layers) -> Result<Set, Vec<Diagnostic>> {
        let mut all: Vec<Source> = embedded::TEMPLATES
            .iter()
            .map(|(name, text)| Source {
                name: name.to_string(),
                text: text.to_string(),
                layer: Layer::Default,
                file: builtin_file(name),
            })
            .collect();
        let mut problems = Vec::new();
        for folder in layers.folders(Kind::Templates) {
            match read_dir_templates(layers.root(), &folder.shown) {
                Ok(found) => all.extend(found.into_iter().map(|(name, text)| Source {
                    file: folder.shown.join(&name),
                    name,
                    text,
                    layer: folder.layer,
                })),
                Err(mut p) => problems.append(&mut p),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        all.sort_by(|a, b| a.name.cmp(&b.name).then(a.layer.cmp(&b.layer)));
        Ok(Set { all })
    }

    /// The template in use for each name: the highest layer's.
    pub fn in_use(&self) -> impl Iterator<Item = &Source> {
        self.all
            .iter()
            .enumerate()
            .filter(|(i, s)| *i == 0 || self.all[i - 1].name != s.name)
            .map(|(_, s)| s)
    }

    /// The template in use named `name`.
    pub fn get(&self, name: &str) -> Option<&Source> {
        self.in_use().find(|s| s.name == name)
    }

    /// What Tera compiles: every template in use under its name, every
    /// default under `detente/<name>`, every theme template under
    /// `theme/<name>`; and where each one is, for messages.
    fn compiled(&self) -> (Vec<(String, &str)>, Origin) {
        let mut out: Vec<(String, &str)> = Vec::new();
        let mut origin = Origin::default();
        for s in self.in_use() {
            out.push((s.name.clone(), &s.text));
            origin.files.insert(s.name.clone(), s.file.clone());
        }
        for s in &self.all {
            let prefix = match s.layer {
                Layer::Default => DEFAULT_PREFIX,
                Layer::Theme => THEME_PREFIX,
                Layer::Site => continue,
            };
            let name = format!("{prefix}{}", s.name);
            origin.files.insert(name.clone(), s.file.clone());
            out.push((name, &s.text));
        }
        (out, origin)
    }

    /// The names of the templates `name` reads, itself included: those it
    /// extends, includes or imports, and theirs in turn. A quoted string
    /// that is the name of a template counts as a reference, so the set is
    /// never smaller than the real one.
    pub fn closure(&self, name: &str) -> Vec<String> {
        let by_name: BTreeMap<String, &str> = self
            .in_use()
            .map(|s| (s.name.clone(), s.text.as_str()))
            .chain(self.all.iter().filter_map(|s| {
                let prefix = match s.layer {
                    Layer::Default => DEFAULT_PREFIX,
                    Layer::Theme => THEME_PREFIX,
                    Layer::Site => return None,
                };
                Some((format!("{prefix}{}", s.name), s.text.as_str()))
            }))
            .collect();
        let mut seen: HashSet<String> = HashSet::new();
        let mut stack = vec![name.to_string()];
        while let Some(n) = stack.pop() {
            let Some(text) = by_name.get(&n) else {
                continue;
            };
            if !seen.insert(n.clone()) {
                continue;
            }
            for quoted in quoted_strings(text) {
                if by_name.contains_key(quoted) && !seen.contains(quoted) {
                    stack.push(quoted.to_string());
                }
            }
        }
        let mut names: Vec<String> = seen.into_iter().collect();
        names.sort();
        names
    }

    /// One fingerprint per page kind: of the templates it reads (and the
    /// card's, for the kinds that list cards), so that a changed template
    /// re-renders exactly the pages that use it.
    pub fn fingerprints(&self) -> TemplateFps {
        let fp = |names: &[String]| {
            let mut h = rustc_hash::FxHasher::default();
            for n in names {
                let text = self.text_of(n);
                (n, text).hash(&mut h);
            }
            h.finish()
        };
        TemplateFps {
            card: fp(&self.closure(super::values::CARD_TEMPLATE)),
            pages: PageKind::ALL
                .iter()
                .map(|k| fp(&self.closure(k.template())))
                .collect(),
        }
    }

    /// The text Tera compiles under `name` (a plain or prefixed name).
    fn text_of(&self, name: &str) -> Option<&str> {
        let layer = if name.starts_with(DEFAULT_PREFIX) {
            Some(Layer::Default)
        } else if name.starts_with(THEME_PREFIX) {
            Some(Layer::Theme)
        } else {
            None
        };
        match layer {
            Some(layer) => {
                let plain = name.split_once('/').map_or(name, |(_, rest)| rest);
                self.all
                    .iter()
                    .find(|s| s.layer == layer && s.name == plain)
                    .map(|s| s.text.as_str())
            }
            None => self.get(name).map(|s| s.text.as_str()),
        }
    }
}

/// Every string in double or single quotes in `text`.
fn quoted_strings(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let q = bytes[i];
            i += 1;
            if q == b'"' || q == b'\'' {
                let start = i;
                while i < bytes.len() && bytes[i] != q && bytes[i] != b'\n' {
                    i += 1;
                }
                let end = i;
                i += 1;
                // Both ends are ASCII quotes: a valid slice of the text.
                return Some(&text[start..end.min(text.len())]);
            }
        }
        None
    })
}

/// Fingerprints of the templates each page kind reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateFps {
    /// The card's (`partials/card.html` and what it reads).
    pub card: u64,
    /// One per kind of [`PageKind::ALL`], in that order.
    pub pages: Vec<u64>,
}

impl TemplateFps {
    /// The fingerprint of the templates pages of `kind` read.
    pub fn page(&self, kind: PageKind) -> u64 {
        let i = PageKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        self.pages.get(i).copied().unwrap_or(0)
    }
}

/// Compiles the templates of `layers`.
pub fn load(layers: &Layers) -> Result<(Tera, Origin), Vec<Diagnostic>> {
    load_with_fingerprint(layers).map(|(tera, origin, _)| (tera, origin))
}

/// Like [`load`], also returning the fingerprints of the templates each
/// page kind reads.
pub fn load_with_fingerprint(
    layers: &Layers,
) -> Result<(Tera, Origin, TemplateFps), Vec<Diagnostic>> {
    let set = Set::read(layers)?;
    compile(&set).map(|(tera, origin)| (tera, origin, set.fingerprints()))
}

/// Compiles a template set.
pub fn compile(set: &Set) -> Result<(Tera, Origin), Vec<Diagnostic>> {
    let (sources, origin) = set.compiled();
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".htm", ".xml", ".svg"]);
    // English until a language's renderer registers its own table.
    crate::i18n::Table::english().register(&mut tera);
    tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), *s)))
        .map_err(|e| vec![diagnostic(&origin, &e)])?;
    Ok((tera, origin))
}

fn builtin_file(name: &str) -> PathBuf {
    PathBuf::from(format!("<built-in templates>/{name}"))
}

/// The templates under `shown` (a folder relative to `root`): name and text.
fn read_dir_templates(root: &Path, shown: &Path) -> Result<Vec<(String, String)>, Vec<Diagnostic>> {
    let dir = &root.join(shown);
    let mut out = Vec::new();
    let mut problems = Vec::new();
    crate::confine::path(root, shown).map_err(|d| vec![d])?;
    let mut stack = vec![dir.to_path_buf()];
    let mut visited = std::collections::HashSet::new();
    while let Some(d) = stack.pop() {
        let here = shown.join(d.strip_prefix(dir).unwrap_or(&d));
        // A symbolic link back up the tree would be walked forever.
        if !std::fs::canonicalize(&d).is_ok_and(|real| visited.insert(real)) {
            problems.push(
                Diagnostic::error(
                    &here,
                    "this folder is a symbolic link back to a folder already read (a symlink loop)",
                )
                .help("remove the link"),
            );
            continue;
        }
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) => {
                problems.push(
                    Diagnostic::error(&here, format!("cannot read the folder: {e}"))
                        .help("give yourself permission to read the folder"),
                );
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let rel = path.strip_prefix(dir).unwrap_or(&path);
            let name = rel.to_string_lossy().replace('\\', "/");
            let file_name = entry.file_name();
            if file_name.to_string_lossy().starts_with('.') || name.ends_with('~') {
                continue;
            }
            let file = shown.join(rel);
            let link = entry.file_type().is_ok_and(|t| t.is_symlink());
            if let Err(d) = link.then(|| crate::confine::link(root, &file)).transpose() {
                problems.push(d);
                continue;
            }
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            match crate::load::read_text(root, &file) {
                Ok(text) => out.push((
                    name,
                    text.trim_start_matches('\u{feff}').replace("\r\n", "\n"),
                )),
                Err(d) => problems.push(d),
            }
        }
    }
    out.sort();
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

impl Origin {
    /// The path shown for template `name`.
    pub fn file(&self, name: &str) -> PathBuf {
        match self.files.get(name) {
            Some(file) => file.clone(),
            None => builtin_file(name.strip_prefix(DEFAULT_PREFIX).unwrap_or(name)),
        }
    }
}

/// Turns a Tera error into a diagnostic naming the template and line.
pub fn diagnostic(origin: &Origin, e: &tera::Error) -> Diagnostic {
    match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let what = if matches!(e.kind(), ErrorKind::SyntaxError(_)) {
                "template syntax error"
            } else {
                "template error"
            };
            let span = r.span();
            Diagnostic::error(
                origin.file(r.filename()),
                format!("{what}: {}", r.message()),
            )
            .at(Some(LineCol {
                line: span.start_line,
                column: span.start_col + 1,
            }))
            .help("see the template context in the README for the variables each page receives")
        }
        ErrorKind::MissingParent { current, parent } => Diagnostic::error(
            origin.file(current),
            format!("`{current}` extends `{parent}`, which does not exist"),
        )
        .help(format!(
            "add templates/{parent}, or extend one of the templates that exist"
        )),
        ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => Diagnostic::error(
            origin.file(tpl),
            format!(
                "`{tpl}` extends itself through {}",
                chain(inheritance_chain, tpl)
            ),
        )
        .help("a template may only extend a template that does not lead back to it; remove one `{% extends %}`"),
        ErrorKind::CircularInclude { tpl, include_chain } => Diagnostic::error(
            origin.file(tpl),
            format!(
                "`{tpl}` includes itself through {}",
                chain(include_chain, tpl)
            ),
        )
        .help("an include that leads back to its own template would never end; remove one `{% include %}`"),
        ErrorKind::TemplateNotFound(name) => Diagnostic::error(
            origin.file(name),
            format!("the template `{name}` does not exist"),
        )
        .help(format!(
            "add templates/{name}, or fix the name in the `{{% include %}}` or `{{% extends %}}` that uses it"
        )),
        ErrorKind::Msg(text) => match parse_report(text) {
            // Checks across templates (an unknown include or component)
            // arrive as reports already formatted; take their place apart.
            Some((file, at, message)) => {
                let help = if let Some(name) = message
                    .strip_prefix("Unknown template `")
                    .and_then(|r| r.split('`').next())
                {
                    format!("add templates/{name}, or fix the name where it is used")
                } else {
                    "fix the template at this place; see the template context in the README"
                        .to_string()
                };
                Diagnostic::error(origin.file(&file), format!("template error: {message}"))
                    .at(Some(at))
                    .help(help)
            }
            None => Diagnostic::error(origin.file(""), format!("template error: {text}"))
                .help("fix the templates; see the template context in the README"),
        },
        other => Diagnostic::error(origin.file(""), format!("template error: {other}"))
            .help("fix the templates; see the template context in the README"),
    }
}

/// The most one page may take to render before the build stops it.
pub const RENDER_TIME_LIMIT: Duration = Duration::from_secs(30);
/// The most bytes one page may produce.
pub const RENDER_SIZE_LIMIT: usize = 64 * 1024 * 1024;

/// Which limit stopped a render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Time,
    Size,
    Interrupted,
}

/// The sink a page renders into. Tera has no `while` and every `for`
/// walks a finite list, but nested loops over `range()` (up to 100,000
/// items each) can still run for ages and fill memory; this writer ends
/// such a render once it passes [`RENDER_TIME_LIMIT`] or
/// [`RENDER_SIZE_LIMIT`], or when Ctrl-C arrives, by failing the write.
pub struct Guarded {
    pub out: Vec<u8>,
    deadline: Instant,
    size_limit: usize,
    writes: u32,
    pub stopped: Option<Stop>,
}

impl Guarded {
    pub fn new(capacity: usize) -> Guarded {
        Guarded::with_limits(capacity, RENDER_TIME_LIMIT, RENDER_SIZE_LIMIT)
    }

    pub fn with_limits(capacity: usize, time: Duration, size: usize) -> Guarded {
        Guarded::reusing(Vec::with_capacity(capacity), time, size)
    }

    /// A writer that fills `buffer` (emptied first), keeping its capacity.
    pub fn reusing(mut buffer: Vec<u8>, time: Duration, size: usize) -> Guarded {
        buffer.clear();
        Guarded {
            out: buffer,
            deadline: Instant::now() + time,
            size_limit: size,
            writes: 0,
            stopped: None,
        }
    }

    fn stop(&mut self, why: Stop) -> std::io::Result<usize> {
        self.stopped = Some(why);
        Err(std::io::Error::other("render stopped"))
    }

    /// The diagnostic for a render this writer stopped.
    pub fn diagnostic(&self, origin: &Origin, template: &str, page: &str) -> Option<Diagnostic> {
        let what = match self.stopped? {
            Stop::Time => format!(
                "rendering {page} took longer than {} seconds",
                RENDER_TIME_LIMIT.as_secs()
            ),
            Stop::Size => format!(
                "rendering {page} produced more than {} MiB",
                self.size_limit / (1024 * 1024)
            ),
            Stop::Interrupted => format!("rendering {page} was interrupted"),
        };
        Some(
            Diagnostic::error(origin.file(template), what).help(
                "a loop in this template (or one it includes) runs away: check `for` loops over range() and components that call themselves",
            ),
        )
    }
}

impl std::io::Write for Guarded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.stopped.is_some() {
            return Err(std::io::Error::other("render stopped"));
        }
        if self.out.len() + buf.len() > self.size_limit {
            return self.stop(Stop::Size);
        }
        self.writes = self.writes.wrapping_add(1);
        if self.writes % 1024 == 0 {
            if crate::interrupt::requested() {
                return self.stop(Stop::Interrupted);
            }
            if Instant::now() > self.deadline {
                return self.stop(Stop::Time);
            }
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The diagnostic for a page whose render failed: the limit that stopped
/// it, or Tera's error, placed at the page's template when Tera names none.
pub fn render_error(
    origin: &Origin,
    e: &tera::Error,
    out: &Guarded,
    template: &str,
    page: &str,
) -> Diagnostic {
    if let Some(d) = out.diagnostic(origin, template, page) {
        return d;
    }
    let mut d = diagnostic(origin, e);
    if d.file == origin.file("") {
        d.file = origin.file(template);
        d.message = format!("{} (while rendering {page})", d.message);
        if d.message.contains("recursion depth") {
            d.help = Some(
                "a component that calls itself must stop: put the inner call inside an {% if %} that ends it"
                    .into(),
            );
        }
    }
    d
}

/// `a → b → a`, for messages about cycles.
fn chain(names: &[String], last: &str) -> String {
    let mut parts: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    if names.last().map(String::as_str) != Some(last) {
        parts.push(format!("`{last}`"));
    }
    parts.join(" → ")
}

/// The message, file and place of the first report in a text like
/// `error: Unknown template `x`\n --> a.html:8:16\n  | …`.
fn parse_report(text: &str) -> Option<(String, LineCol, String)> {
    let mut lines = text.lines();
    let message = lines
        .by_ref()
        .find_map(|l| l.trim().strip_prefix("error: "))?
        .to_string();
    let place = lines.find_map(|l| l.trim().strip_prefix("--> "))?;
    let mut parts = place.rsplitn(3, ':');
    let column = parts.next()?.trim().parse().ok()?;
    let line = parts.next()?.trim().parse().ok()?;
    let file = parts.next()?.to_string();
    Some((file, LineCol { line, column }, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_stops_runaway_output() {
        use std::io::Write;
        let mut g = Guarded::with_limits(0, Duration::from_secs(60), 10);
        assert!(g.write_all(b"12345").is_ok());
        assert!(g.write_all(b"123456").is_err());
        assert_eq!(g.stopped, Some(Stop::Size));
        let mut g = Guarded::with_limits(0, Duration::ZERO, 1 << 20);
        let result = (0..5000).try_for_each(|_| g.write_all(b"x"));
        assert!(result.is_err());
        assert_eq!(g.stopped, Some(Stop::Time));
        let d = g
            .diagnostic(&Origin::default(), "index.html", "index.html")
            .expect("stopped");
        assert!(d.message.contains("took longer"), "{}", d.message);
    }

    #[test]
    fn reads_the_place_of_a_formatted_report() {
        let text = "error: Unknown template `p/x.html`\n --> exchange.html:8:16\n  |\n8 | {% include \"p/x.html\" %}";
        let (file, at, message) = parse_report(text).expect("a report");
        assert_eq!(file, "exchange.html");
        assert_eq!(
            at,
            LineCol {
                line: 8,
                column: 16
            }
        );
        assert_eq!(message, "Unknown template `p/x.html`");
        assert!(parse_report("just words").is_none());
    }
}
