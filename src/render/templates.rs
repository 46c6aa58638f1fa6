//! Loading the Tera templates: a site's own, or the defaults built in.
//!
//! Owns where templates come from and how their errors are placed. A site
//! with a `templates/` folder uses exactly those files (all required ones
//! must be there); a site without one uses the defaults that `build.rs`
//! embedded in the binary. Templates are compiled once per build.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tera::{ErrorKind, Tera};

use super::routes::PageKind;
use crate::embedded;
use crate::error::{Diagnostic, LineCol};

/// The folder of a site's own templates.
pub const DIR: &str = "templates";

/// Where the templates came from, for placing errors.
#[derive(Debug, Clone)]
pub enum Origin {
    Site(PathBuf),
    BuiltIn,
}

/// Compiles the site's templates (or the built-in ones).
pub fn load(root: &Path) -> Result<(Tera, Origin), Vec<Diagnostic>> {
    load_with_fingerprint(root).map(|(tera, origin, _)| (tera, origin))
}

/// Like [`load`], also returning a fingerprint of the template sources.
pub fn load_with_fingerprint(root: &Path) -> Result<(Tera, Origin, u64), Vec<Diagnostic>> {
    let dir = root.join(DIR);
    let (sources, origin) = if dir.is_dir() {
        (read_dir_templates(root)?, Origin::Site(PathBuf::from(DIR)))
    } else {
        let builtin = embedded::TEMPLATES
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        (builtin, Origin::BuiltIn)
    };
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".htm", ".xml", ".svg"]);
    let missing: Vec<Diagnostic> = required()
        .filter(|name| !sources.iter().any(|(n, _)| n == name))
        .map(|name| {
            Diagnostic::error(origin.file(name), format!("the template `{name}` is missing"))
                .help("a site's templates/ folder must hold every page template; `detente init` writes a complete set to start from")
        })
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        .map_err(|e| vec![diagnostic(&origin, &e)])?;
    let fingerprint =
        super::deps::templates_fp(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())));
    Ok((tera, origin, fingerprint))
}

/// The templates every site needs: the base and one per page kind.
fn required() -> impl Iterator<Item = &'static str> {
    std::iter::once("base.html").chain(PageKind::ALL.iter().map(|k| k.template()))
}

fn read_dir_templates(root: &Path) -> Result<Vec<(String, String)>, Vec<Diagnostic>> {
    let dir = &root.join(DIR);
    let mut out = Vec::new();
    let mut problems = Vec::new();
    crate::confine::path(root, Path::new(DIR)).map_err(|d| vec![d])?;
    let mut stack = vec![dir.to_path_buf()];
    let mut visited = std::collections::HashSet::new();
    while let Some(d) = stack.pop() {
        let shown = Path::new(DIR).join(d.strip_prefix(dir).unwrap_or(&d));
        // A symbolic link back up the tree would be walked forever.
        if !std::fs::canonicalize(&d).is_ok_and(|real| visited.insert(real)) {
            problems.push(
                Diagnostic::error(
                    &shown,
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
                    Diagnostic::error(&shown, format!("cannot read the folder: {e}"))
                        .help("give yourself permission to read the folder"),
                );
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let rel = path.strip_prefix(dir).unwrap_or(&path);
            let name = rel.to_string_lossy().replace('\\', "/");
            if name.starts_with('.') || name.ends_with('~') {
                continue;
            }
            let shown = Path::new(DIR).join(rel);
            let link = entry.file_type().is_ok_and(|t| t.is_symlink());
            if let Err(d) = link.then(|| crate::confine::link(root, &shown)).transpose() {
                problems.push(d);
                continue;
            }
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            match crate::load::read_text(root, &shown) {
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
        match self {
            Origin::Site(dir) => dir.join(name),
            Origin::BuiltIn => PathBuf::from(format!("<built-in templates>/{name}")),
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
            .diagnostic(
                &Origin::Site(PathBuf::from(DIR)),
                "index.html",
                "index.html",
            )
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
