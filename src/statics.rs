//! The site's static files: everything under `static/`, its theme's
//! `static/` and the defaults, copied verbatim (site > theme > defaults).
//!
//! Owns finding those files safely (symlinked folders are followed once;
//! a loop is an error, not a hang; a link leading out of the site is an
//! error, see `confine`). Writing them is `output`'s job.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::embedded;
use crate::error::{Diagnostic, Error, Result};
use crate::layers::{Kind, Layer, Layers};

pub const DIR: &str = "static";

/// A file to copy into the output.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// The `/`-separated path inside the output.
    pub rel: String,
    pub source: Source,
    /// The layer it comes from.
    pub layer: Layer,
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

/// Lists every static file of the site's layers, sorted by path: the
/// site's `static/` first, then its theme's, then the defaults; a file of a
/// higher layer replaces the lower layers' file of the same path.
pub fn collect(layers: &Layers) -> std::result::Result<Vec<StaticFile>, Vec<Diagnostic>> {
    let root = layers.root();
    let mut files: BTreeMap<String, StaticFile> = BTreeMap::new();
    let mut problems = Vec::new();
    for folder in layers.folders(Kind::Static) {
        if let Err(d) = crate::confine::path(root, &folder.shown) {
            problems.push(d);
            continue;
        }
        let mut found = Vec::new();
        let mut visited = HashSet::new();
        let mut walker = Walk {
            root,
            shown: &folder.shown,
            visited: &mut visited,
            files: &mut found,
            problems: &mut problems,
        };
        walker.walk(&folder.path, "");
        for f in found {
            files.entry(f.rel.clone()).or_insert(StaticFile {
                layer: folder.layer,
                ..f
            });
        }
    }
    for (rel, bytes) in embedded::STATIC {
        files.entry(rel.to_string()).or_insert(StaticFile {
            rel: rel.to_string(),
            source: Source::BuiltIn(bytes),
            layer: Layer::Default,
        });
    }
    if problems.is_empty() {
        Ok(files.into_values().collect())
    } else {
        Err(problems)
    }
}

/// One folder being listed.
struct Walk<'a> {
    root: &'a Path,
    /// The folder, relative to the root, as messages name it.
    shown: &'a Path,
    visited: &'a mut HashSet<PathBuf>,
    files: &'a mut Vec<StaticFile>,
    problems: &'a mut Vec<Diagnostic>,
}

impl Walk<'_> {
    fn walk(&mut self, dir: &Path, prefix: &str) {
        let (root, visited, files, problems) = (
            self.root,
            &mut *self.visited,
            &mut *self.files,
            &mut *self.problems,
        );
        let shown = self.shown.join(prefix);
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
        let mut dirs = Vec::new();
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
                if let Err(d) = crate::confine::link(root, &self.shown.join(&rel)) {
                    problems.push(d);
                    continue;
                }
            }
            match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() => dirs.push((path, rel)),
                Ok(m) if m.is_file() => files.push(StaticFile {
                    rel,
                    source: Source::File(path),
                    layer: Layer::Site,
                }),
                // Reading a named pipe or device would block or never end.
                Ok(_) => problems.push(
                    Diagnostic::error(
                        self.shown.join(&rel),
                        "this is not a regular file (a named pipe, socket or device?)",
                    )
                    .help("replace it with an ordinary file, or remove it"),
                ),
                Err(e) => problems.push(
                    Diagnostic::error(self.shown.join(&rel), format!("cannot read: {e}"))
                        .help("fix or remove the broken symbolic link"),
                ),
            }
        }
        for (path, rel) in dirs {
            self.walk(&path, &rel);
        }
    }
}
