//! Loading the Tera templates: a site's own, or the defaults built in.
//!
//! Owns where templates come from and how their errors are placed. A site
//! with a `templates/` folder uses exactly those files (all required ones
//! must be there); a site without one uses the defaults that `build.rs`
//! embedded in the binary. Templates are compiled once per build.

use std::path::{Path, PathBuf};

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
        (read_dir_templates(&dir)?, Origin::Site(PathBuf::from(DIR)))
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

fn read_dir_templates(dir: &Path) -> Result<Vec<(String, String)>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) => {
                problems.push(Diagnostic::error(
                    &d,
                    format!("cannot read the folder: {e}"),
                ));
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
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let shown = Path::new(DIR).join(rel);
            match crate::load::read_text(&path, &shown) {
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
        .help(format!("add templates/{parent}")),
        other => Diagnostic::error(origin.file(""), format!("template error: {other}")),
    }
}
