//! Writing the output tree safely.
//!
//! Owns the output folder. Nothing in it changes until a whole build has
//! succeeded: new and changed files are written to a staging folder beside
//! the output, then moved into place in one short commit step, and files no
//! page produced any more are removed. Files whose bytes did not change are
//! never rewritten, so they keep their modification time. An output folder
//! that does not exist yet is built in staging and renamed into place whole.
//! This module knows nothing of pages; it is handed paths and bytes.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, Result};
use crate::interrupt;

/// What a commit did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Files produced by the build.
    pub files: usize,
    /// Files written because they were new or changed.
    pub written: usize,
    /// Files removed because the build no longer produced them.
    pub removed: usize,
}

/// An output tree being written.
pub struct Writer {
    target: PathBuf,
    staging: PathBuf,
    /// The target did not exist: the staging folder becomes the target.
    fresh: bool,
    /// Remove files that were not put (a whole build), or only those
    /// named by [`Writer::remove`] (an incremental one).
    prune: bool,
    removals: Mutex<Vec<String>>,
    produced: Mutex<HashSet<String>>,
    changed: Mutex<Vec<String>>,
    written: AtomicUsize,
}

impl Writer {
    /// Starts writing the whole tree at `target`: files not put are removed.
    pub fn begin(target: &Path) -> Result<Writer> {
        Writer::start(target, true)
    }

    /// Starts an incremental update of `target`: only files put or
    /// [removed](Writer::remove) change.
    pub fn begin_partial(target: &Path) -> Result<Writer> {
        Writer::start(target, false)
    }

    fn start(target: &Path, prune: bool) -> Result<Writer> {
        let name = target
            .file_name()
            .ok_or_else(|| {
                Error::Usage(format!(
                    "{} cannot be used as an output folder",
                    target.display()
                ))
            })?
            .to_string_lossy()
            .into_owned();
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::io("create the folder", &parent, e))?;
        if target.exists() && !target.is_dir() {
            return Err(Error::Usage(format!(
                "the output {} exists and is not a folder",
                target.display()
            )));
        }
        let staging = parent.join(format!(".{name}.detente-staging-{}", std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging)
                .map_err(|e| Error::io("remove the old staging folder", &staging, e))?;
        }
        std::fs::create_dir(&staging)
            .map_err(|e| Error::io("create the staging folder", &staging, e))?;
        let fresh = !target.exists();
        if !fresh {
            // Fail now, not at commit time, if the output cannot be changed.
            let probe = target.join(format!(".detente-write-test-{}", std::process::id()));
            std::fs::write(&probe, b"")
                .and_then(|()| std::fs::remove_file(&probe))
                .map_err(|e| {
                    let _ = std::fs::remove_dir_all(&staging);
                    Error::io("write to the output folder", target, e)
                })?;
        }
        Ok(Writer {
            target: target.to_path_buf(),
            staging,
            fresh,
            prune,
            removals: Mutex::new(Vec::new()),
            produced: Mutex::new(HashSet::new()),
            changed: Mutex::new(Vec::new()),
            written: AtomicUsize::new(0),
        })
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Records the file `rel` (a `/`-separated relative path) with `bytes`.
    /// Safe to call from many threads at once.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        if interrupt::requested() {
            return Err(Error::Interrupted);
        }
        let rel_path = safe_relative(rel).ok_or_else(|| {
            Error::one(crate::error::Diagnostic::error(
                rel,
                "refusing to write a file outside the output folder",
            ))
        })?;
        {
            let mut produced = self.produced.lock().unwrap_or_else(|p| p.into_inner());
            if !produced.insert(rel.to_string()) {
                return Err(Error::one(
                    crate::error::Diagnostic::error(
                        rel,
                        "two pages would be written to this same file",
                    )
                    .help("a static file or page slug clashes with another page; rename one"),
                ));
            }
        }
        if !self.fresh && file_equals(&self.target.join(&rel_path), bytes) {
            return Ok(());
        }
        let dest = self.staging.join(&rel_path);
        write_file(&dest, bytes)?;
        self.written.fetch_add(1, Ordering::Relaxed);
        if !self.fresh {
            self.changed
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(rel.to_string());
        }
        Ok(())
    }

    /// Marks `rel` for removal at commit (incremental updates only).
    pub fn remove(&self, rel: &str) {
        if safe_relative(rel).is_some() {
            self.removals
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(rel.to_string());
        }
    }

    /// Throws away everything staged; the target is left as it was.
    pub fn abort(self) {
        let _ = std::fs::remove_dir_all(&self.staging);
    }

    /// Moves the staged files into place and removes files that no page
    /// produced. A signal arriving during this step is honoured after it:
    /// the step only renames and removes files, and never checks the flag.
    pub fn commit(self) -> Result<Stats> {
        if interrupt::requested() {
            self.abort();
            return Err(Error::Interrupted);
        }
        let produced =
            std::mem::take(&mut *self.produced.lock().unwrap_or_else(|p| p.into_inner()));
        let mut stats = Stats {
            files: produced.len(),
            written: self.written.load(Ordering::Relaxed),
            removed: 0,
        };
        if self.fresh {
            std::fs::rename(&self.staging, &self.target)
                .map_err(|e| Error::io("move the new site into", &self.target, e))?;
            return Ok(stats);
        }
        let changed = std::mem::take(&mut *self.changed.lock().unwrap_or_else(|p| p.into_inner()));
        for rel in &changed {
            let from = self.staging.join(rel);
            let to = self.target.join(rel);
            if let Some(parent) = to.parent() {
                make_dir(parent)?;
            }
            std::fs::rename(&from, &to).map_err(|e| Error::io("move into place", &to, e))?;
        }
        if self.prune {
            stats.removed = remove_stale(&self.target, &self.target, &produced)?;
        } else {
            let removals =
                std::mem::take(&mut *self.removals.lock().unwrap_or_else(|p| p.into_inner()));
            for rel in removals.iter().filter(|r| !produced.contains(*r)) {
                let path = self.target.join(rel);
                if std::fs::remove_file(&path).is_ok() {
                    stats.removed += 1;
                    prune_empty_parents(&self.target, &path);
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.staging);
        Ok(stats)
    }
}

/// Removes the folders above `file` that are now empty, up to `root`.
fn prune_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Creates `dir` and its parents, replacing a file that stands in the way.
fn make_dir(dir: &Path) -> Result<()> {
    if dir.is_file() {
        std::fs::remove_file(dir).map_err(|e| Error::io("remove", dir, e))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))
}

fn write_file(dest: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create the folder", parent, e))?;
    }
    std::fs::write(dest, bytes).map_err(|e| Error::io("write", dest, e))
}

/// Whether the file at `path` holds exactly `bytes`.
fn file_equals(path: &Path, bytes: &[u8]) -> bool {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            std::fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}

/// Removes files under `dir` that are not in `keep`, and folders left empty.
/// Returns how many files were removed.
fn remove_stale(root: &Path, dir: &Path, keep: &HashSet<String>) -> Result<usize> {
    let mut removed = 0;
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("read the folder", dir, e))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            removed += remove_stale(root, &path, keep)?;
            if std::fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none()) {
                let _ = std::fs::remove_dir(&path);
            }
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if !keep.contains(&rel) {
            std::fs::remove_file(&path)
                .map_err(|e| Error::io("remove the stale file", &path, e))?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// `rel` as a path that stays inside the output folder, or None.
fn safe_relative(rel: &str) -> Option<PathBuf> {
    let path = Path::new(rel);
    if rel.is_empty() || path.is_absolute() {
        return None;
    }
    path.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_leave_the_output() {
        assert!(safe_relative("a/b.html").is_some());
        assert!(safe_relative("../x").is_none());
        assert!(safe_relative("/etc/passwd").is_none());
        assert!(safe_relative("a/../../x").is_none());
        assert!(safe_relative("").is_none());
    }
}
