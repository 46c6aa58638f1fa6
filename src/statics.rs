//! The site's static files: everything under `static/`, copied verbatim.
//!
//! Owns finding those files safely (symlinked folders are followed once;
//! a loop is an error, not a hang; a link leading out of the site is an
//! error, see `confine`). A site without a `static/` folder gets
//! the built-in defaults. Writing them is `output`'s job.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::embedded;
use crate::error::{Diagnostic, Error, Result};

pub const DIR: &str = "static";

/// A file to copy into the output.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// The `/`-separated path inside the output.
    pub rel: String,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub enum Source {
    File(PathBuf),
    BuiltIn(&'static [u8]),
}

impl StaticFile {
    pub fn read(&self) -> Result<Vec<u8>> {
        match &self.source {
            Source::File(path) => {
                std::fs::read(path).map_err(|e| Error::io("read the static file", path, e))
            }
            Source::BuiltIn(bytes) => Ok(bytes.to_vec()),
        }
    }
}

/// Lists every static file of the site at `root`, sorted by path.
pub fn collect(root: &Path) -> std::result::Result<Vec<StaticFile>, Vec<Diagnostic>> {
    let dir = root.join(DIR);
    if !dir.is_dir() {
        return Ok(embedded::STATIC
            .iter()
            .map(|(rel, bytes)| StaticFile {
                rel: rel.to_string(),
                source: Source::BuiltIn(bytes),
            })
            .collect());
    }
    let mut files = Vec::new();
    let mut problems = Vec::new();
    if let Err(d) = crate::confine::path(root, Path::new(DIR)) {
        return Err(vec![d]);
    }
    let mut visited = HashSet::new();
    walk(root, &dir, "", &mut visited, &mut files, &mut problems);
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(problems)
    }
}

fn walk(
    root: &Path,
    dir: &Path,
    prefix: &str,
    visited: &mut HashSet<PathBuf>,
    files: &mut Vec<StaticFile>,
    problems: &mut Vec<Diagnostic>,
) {
    let shown = Path::new(DIR).join(prefix);
    match std::fs::canonicalize(dir) {
        Ok(real) => {
            if !visited.insert(real) {
                problems.push(
                    Diagnostic::error(&shown, "this folder is a symbolic link back to a folder already copied (a symlink loop)")
                        .help("remove the link, or point it at a folder outside static/"),
                );
                return;
            }
        }
        Err(e) => {
            problems.push(
                Diagnostic::error(&shown, format!("cannot follow this path: {e}"))
                    .help("remove the broken or looping symbolic link"),
            );
            return;
        }
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.push(
                Diagnostic::error(&shown, format!("cannot read the folder: {e}"))
                    .help("give yourself permission to read the folder, or remove it"),
            );
            return;
        }
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let rel = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_symlink()) {
            if let Err(d) = crate::confine::link(root, &Path::new(DIR).join(&rel)) {
                problems.push(d);
                continue;
            }
        }
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => walk(root, &path, &rel, visited, files, problems),
            Ok(m) if m.is_file() => files.push(StaticFile {
                rel,
                source: Source::File(path),
            }),
            // Reading a named pipe or device would block or never end.
            Ok(_) => problems.push(
                Diagnostic::error(
                    Path::new(DIR).join(&rel),
                    "this is not a regular file (a named pipe, socket or device?)",
                )
                .help("replace it with an ordinary file, or remove it"),
            ),
            Err(e) => problems.push(
                Diagnostic::error(Path::new(DIR).join(&rel), format!("cannot read: {e}"))
                    .help("fix or remove the broken symbolic link"),
            ),
        }
    }
}
