//! Writing the output tree safely.
//!
//! Owns the output folder. Nothing in it changes until a whole build has
//! succeeded: new and changed files are written to a staging folder beside
//! the output, then moved into place in one short commit step, and files no
//! page produced any more are removed. Files whose bytes did not change are
//! never rewritten, so they keep their modification time. An output folder
//! that does not exist yet is built in staging and renamed into place whole.
//! The commit is undone if any step of it fails: every file it replaces or
//! removes is first moved aside, and moved back if a later step fails.
//!
//! It removes only files it is told it owns (those the last build's
//! manifest lists): anything else in the output — a deploy checkout's
//! README.md and CNAME, another tool's `pagefind/` — is left alone. The
//! staging and set-aside folders live inside an existing output (hidden),
//! so every move stays on the output's own file system (a mount point, a
//! Docker volume); those of builds that were killed are swept away by the
//! next one. [`lock`] keeps a second build from writing the same output.
//! This module knows nothing of pages; it is handed paths and bytes.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, Result};
use crate::interrupt;
use crate::load::Stamps;

/// Name parts of the folders a build keeps while it runs: staging
/// (`.detente-staging-<pid>`, or `.<output>.detente-staging-<pid>` beside
/// a new output) and set-aside (`.detente-old-<pid>`).
const STAGING: &str = "detente-staging-";
const ASIDE: &str = "detente-old-";
/// The write probe of earlier versions, swept like the others.
const PROBE: &str = "detente-write-test-";

/// The folder holding `target` and the name of `target` in it: detente's
/// own files about an output (manifest, lock) are kept there, beside it.
pub fn beside(target: &Path) -> (PathBuf, String) {
    let name = target
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    (parent, name)
}

/// An exclusive lock on one output folder, held until dropped. It is an
/// OS file lock (`flock`) on a file beside the output, so it ends with
/// the process that holds it, however that process ends.
#[derive(Debug)]
pub struct Lock {
    _file: std::fs::File,
}

/// Takes the lock on `target`, or fails at once if another process (a
/// build, or `serve --output`) holds it: two builds must never interleave
/// their files.
pub fn lock(target: &Path) -> Result<Lock> {
    let (parent, name) = beside(target);
    std::fs::create_dir_all(&parent).map_err(|e| Error::io("create the folder", &parent, e))?;
    let path = parent.join(format!(".{name}.detente-lock"));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io("create the lock file", &path, e))?;
    // Stable since Rust 1.89 (the MSRV is raised once the branches in
    // flight have landed).
    #[allow(clippy::incompatible_msrv)]
    let locked = file.try_lock();
    match locked {
        Ok(()) => Ok(Lock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::one(
            crate::error::Diagnostic::error(
                target,
                "another detente process (a build or `serve --output`) is writing to this output folder",
            )
            .help(format!(
                "wait for it to finish and run the command again, or choose another --output (the lock, {}, ends with the process holding it)",
                path.display()
            )),
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(Error::io("lock", &path, e)),
    }
}

/// Every file under `target` that is not hidden and not in `known`, as
/// sorted `/`-separated paths: the files of an output that detente did
/// not write.
pub fn foreign_files(target: &Path, known: &dyn Fn(&str) -> bool) -> Vec<String> {
    fn walk(dir: &Path, prefix: &str, known: &dyn Fn(&str) -> bool, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let rel = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                walk(&entry.path(), &rel, known, out);
            } else if !known(&rel) {
                out.push(rel);
            }
        }
    }
    let mut out = Vec::new();
    walk(target, "", known, &mut out);
    out.sort_unstable();
    out
}

/// Removes the staging and set-aside folders that builds of `target`
/// killed half-way left behind (beside it and inside it), and only those
/// whose process is gone. Returns what it removed.
fn sweep_leftovers(parent: &Path, name: &str, target: &Path) -> Vec<PathBuf> {
    let beside = [format!(".{name}.{STAGING}"), format!(".{name}.{ASIDE}")];
    let inside = [
        format!(".{STAGING}"),
        format!(".{ASIDE}"),
        format!(".{PROBE}"),
    ];
    let mut swept = Vec::new();
    for (dir, prefixes) in [(parent, &beside[..]), (target, &inside[..])] {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let Some(file_name) = file_name.to_str() else {
                continue;
            };
            let pid = prefixes
                .iter()
                .find_map(|p| file_name.strip_prefix(p.as_str()))
                .and_then(|rest| rest.parse::<u32>().ok());
            let Some(pid) = pid else {
                continue;
            };
            if process_alive(pid) {
                continue;
            }
            let path = entry.path();
            let removed = if entry.file_type().is_ok_and(|t| t.is_dir()) {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            if removed.is_ok() {
                swept.push(path);
            }
        }
    }
    swept.sort();
    swept
}

/// Whether the process `pid` still runs. This process counts as gone: a
/// folder with its number, from before it began writing, is a leftover of
/// an earlier process that had the same number.
pub(crate) fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 only asks whether the process exists.
        let answer = unsafe { libc::kill(pid, 0) };
        answer == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        true
    }
}

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
    /// Where files replaced or removed wait until the commit is done.
    aside: PathBuf,
    /// The files of the output this writer may remove when no page
    /// produces them any more: those an earlier build wrote.
    owned: Vec<String>,
    /// Leftover folders of killed builds removed when this one began.
    swept: Vec<PathBuf>,
    /// The target did not exist: the staging folder becomes the target.
    fresh: bool,
    /// Remove files that were not put (a whole build), or only those
    /// named by [`Writer::remove`] (an incremental one).
    prune: bool,
    removals: Mutex<Vec<String>>,
    produced: Mutex<HashSet<String>>,
    /// Every folder above a produced file (locked after `produced`).
    folders: Mutex<HashSet<String>>,
    changed: Mutex<Vec<String>>,
    written: AtomicUsize,
    stamps: Mutex<Stamps>,
}

impl Writer {
    /// Starts writing the whole tree at `target`: files of `owned` (those
    /// an earlier build wrote) that are not put again are removed; no
    /// other file is.
    pub fn begin(target: &Path, owned: Vec<String>) -> Result<Writer> {
        Writer::start(target, true, owned)
    }

    /// Starts an incremental update of `target`: only files put or
    /// [removed](Writer::remove) change.
    pub fn begin_partial(target: &Path) -> Result<Writer> {
        Writer::start(target, false, Vec::new())
    }

    fn start(target: &Path, prune: bool, owned: Vec<String>) -> Result<Writer> {
        if target.file_name().is_none() {
            return Err(Error::usage(
                format!("{} cannot be used as an output folder", target.display()),
                "name a folder to write the site into, e.g. --output public",
            ));
        }
        let (parent, name) = beside(target);
        std::fs::create_dir_all(&parent).map_err(|e| Error::io("create the folder", &parent, e))?;
        if target.exists() && !target.is_dir() {
            return Err(Error::usage(
                format!("the output {} exists and is not a folder", target.display()),
                "remove or rename that file, or choose another --output",
            ));
        }
        let swept = sweep_leftovers(&parent, &name, target);
        let fresh = !target.exists();
        let pid = std::process::id();
        // Staged inside an existing output, so that moving files into
        // place never crosses file systems (the output may be a mount
        // point, or a link to another disk). A new output is staged
        // beside it, where it is about to be made, and renamed whole.
        let staging = if fresh {
            parent.join(format!(".{name}.{STAGING}{pid}"))
        } else {
            target.join(format!(".{STAGING}{pid}"))
        };
        let aside = target.join(format!(".{ASIDE}{pid}"));
        if staging.exists() {
            std::fs::remove_dir_all(&staging)
                .map_err(|e| Error::io("remove the old staging folder", &staging, e))?;
        }
        // Creating it also proves, before any work, that the output can
        // be changed.
        std::fs::create_dir(&staging).map_err(|e| {
            if fresh {
                Error::io("create the staging folder", &staging, e)
            } else {
                Error::io("write to the output folder", target, e)
            }
        })?;
        interrupt::register_staging(&staging);
        Ok(Writer {
            target: target.to_path_buf(),
            staging,
            aside,
            owned,
            swept,
            fresh,
            prune,
            removals: Mutex::new(Vec::new()),
            produced: Mutex::new(HashSet::new()),
            folders: Mutex::new(HashSet::new()),
            changed: Mutex::new(Vec::new()),
            written: AtomicUsize::new(0),
            stamps: Mutex::new(HashMap::new()),
        })
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The leftover folders of killed builds removed when this one began.
    pub fn swept(&self) -> &[PathBuf] {
        &self.swept
    }

    /// Every file put or kept so far, sorted.
    pub fn produced(&self) -> Vec<String> {
        let mut files: Vec<String> = self
            .produced
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect();
        files.sort_unstable();
        files
    }

    /// Records the file `rel` (a `/`-separated relative path) with `bytes`.
    /// Safe to call from many threads at once.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let rel_path = self.claim(rel)?;
        if !self.fresh && file_equals(&self.target.join(&rel_path), bytes) {
            return Ok(());
        }
        let (dest, mut file) = self.create_staged(&rel_path)?;
        std::io::Write::write_all(&mut file, bytes).map_err(|e| Error::io("write", &dest, e))?;
        self.note_written(rel, &file);
        Ok(())
    }

    /// Records the file `rel` with the bytes `write` produces, streamed to
    /// the file as they come instead of held whole. Like [`Writer::put`],
    /// an existing file with the same bytes is left as it was.
    pub fn put_with(
        &self,
        rel: &str,
        write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<()> {
        let rel_path = self.claim(rel)?;
        let (dest, mut file) = self.create_staged(&rel_path)?;
        write(&mut file).map_err(|e| Error::io("write", &dest, e))?;
        if !self.fresh && files_equal(&dest, &self.target.join(&rel_path)) {
            drop(file);
            let _ = std::fs::remove_file(&dest);
            return Ok(());
        }
        self.note_written(rel, &file);
        Ok(())
    }

    /// Creates the staged file for `rel_path` (and the folders above it),
    /// empty and open for writing.
    fn create_staged(&self, rel_path: &Path) -> Result<(PathBuf, std::fs::File)> {
        let dest = self.staging.join(rel_path);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io("create the folder", parent, e))?;
        }
        let file = std::fs::File::create(&dest).map_err(|e| Error::io("write", &dest, e))?;
        Ok((dest, file))
    }

    /// Counts `rel` as written, and as changed when the output had files;
    /// stamps it from `file`, just written.
    fn note_written(&self, rel: &str, file: &std::fs::File) {
        self.written.fetch_add(1, Ordering::Relaxed);
        if let Ok(modified) = file.metadata().and_then(|m| Ok((m.len(), m.modified()?))) {
            self.stamps
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(rel.to_string(), modified);
        }
        if !self.fresh {
            self.changed
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(rel.to_string());
        }
    }

    /// Records that the existing file `rel` stays as it is: it belongs to
    /// this build, so the commit does not remove it. For files the caller
    /// knows to be up to date without producing their bytes again.
    pub fn keep(&self, rel: &str) -> Result<()> {
        self.claim(rel).map(|_| ())
    }

    /// Registers `rel` as produced by this build, refusing paths that leave
    /// the output, a file produced twice, and a file where a folder must be.
    fn claim(&self, rel: &str) -> Result<PathBuf> {
        if interrupt::requested() {
            return Err(Error::Interrupted);
        }
        let rel_path = safe_relative(rel).ok_or_else(|| {
            Error::one(
                crate::error::Diagnostic::error(
                    rel,
                    "refusing to write a file outside the output folder",
                )
                .help("rename the static file or entry whose path leads out of the site"),
            )
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
            // A file where another file needs a folder (or the reverse)
            // would make one of them replace the other.
            let mut folders = self.folders.lock().unwrap_or_else(|p| p.into_inner());
            let parents: Vec<&str> = rel.match_indices('/').map(|(i, _)| &rel[..i]).collect();
            let clash = if folders.contains(rel) {
                Some(rel)
            } else {
                parents.iter().copied().find(|p| produced.contains(*p))
            };
            if let Some(file) = clash {
                produced.remove(rel);
                return Err(Error::one(
                    crate::error::Diagnostic::error(
                        file,
                        format!("`{file}` would be both a file and a folder (for `{rel}`)"),
                    )
                    .help("a file or folder in static/ has the same path as a page; rename or move it"),
                ));
            }
            folders.extend(parents.iter().map(|p| p.to_string()));
        }
        Ok(rel_path)
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

    /// The size and time of each file written so far, taken out. Each was
    /// stamped from its open file right after writing (no path lookup),
    /// and keeps both when the commit moves it into place.
    pub fn take_stamps(&self) -> Stamps {
        std::mem::take(&mut *self.stamps.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Throws away everything staged; the target is left as it was.
    pub fn abort(self) {
        let _ = std::fs::remove_dir_all(&self.staging);
        interrupt::unregister_staging(&self.staging);
    }

    /// Moves the staged files into place and removes files that no page
    /// produced. A signal arriving during this step is honoured after it:
    /// the step only renames and removes files, and never checks the flag.
    /// If a step fails, the steps before it are undone and the output is
    /// left as it was.
    pub fn commit(self) -> Result<Stats> {
        if interrupt::requested() {
            self.abort();
            return Err(Error::Interrupted);
        }
        let _critical = interrupt::critical();
        let produced =
            std::mem::take(&mut *self.produced.lock().unwrap_or_else(|p| p.into_inner()));
        let mut stats = Stats {
            files: produced.len(),
            written: self.written.load(Ordering::Relaxed),
            removed: 0,
        };
        if self.fresh {
            let moved = std::fs::rename(&self.staging, &self.target)
                .map_err(|e| Error::io("move the new site into", &self.target, e));
            if moved.is_err() {
                let _ = std::fs::remove_dir_all(&self.staging);
            }
            interrupt::unregister_staging(&self.staging);
            moved?;
            return Ok(stats);
        }
        let mut changed =
            std::mem::take(&mut *self.changed.lock().unwrap_or_else(|p| p.into_inner()));
        changed.sort();
        // Only files an earlier build wrote are ever removed.
        let stale: Vec<String> = if self.prune {
            self.owned
                .iter()
                .filter(|r| !produced.contains(*r) && safe_relative(r).is_some())
                .cloned()
                .collect()
        } else {
            let removals =
                std::mem::take(&mut *self.removals.lock().unwrap_or_else(|p| p.into_inner()));
            removals
                .into_iter()
                .filter(|r| !produced.contains(r))
                .collect()
        };
        let mut tx = Transaction::new(&self.target, &self.staging, &self.aside);
        let result = (|| {
            for rel in &changed {
                tx.replace(rel)?;
            }
            let mut removed = 0;
            for rel in &stale {
                removed += usize::from(tx.set_aside(rel)?);
            }
            Ok(removed)
        })();
        match result {
            Ok(removed) => {
                stats.removed = removed;
                tx.finish();
                for rel in &stale {
                    prune_empty_parents(&self.target, &self.target.join(rel));
                }
                let _ = std::fs::remove_dir_all(&self.staging);
                interrupt::unregister_staging(&self.staging);
                Ok(stats)
            }
            Err(e) => {
                tx.undo();
                let _ = std::fs::remove_dir_all(&self.staging);
                interrupt::unregister_staging(&self.staging);
                Err(e)
            }
        }
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

/// The steps of a commit, kept so they can be undone.
struct Transaction<'a> {
    target: &'a Path,
    staging: &'a Path,
    /// Where replaced and removed files wait until the commit is done.
    aside: PathBuf,
    steps: Vec<Step>,
}

enum Step {
    /// `target/rel` was moved to `aside/rel`.
    SetAside(String),
    /// `staging/rel` was moved to `target/rel`.
    Placed(String),
    /// The folder `target/rel` was created.
    Created(String),
}

impl<'a> Transaction<'a> {
    fn new(target: &'a Path, staging: &'a Path, aside: &Path) -> Self {
        let _ = std::fs::remove_dir_all(aside);
        Transaction {
            target,
            staging,
            aside: aside.to_path_buf(),
            steps: Vec::new(),
        }
    }

    /// Moves `target/rel` aside, if it exists; returns whether it did.
    fn set_aside(&mut self, rel: &str) -> Result<bool> {
        let from = self.target.join(rel);
        if std::fs::symlink_metadata(&from).is_err() {
            return Ok(false);
        }
        let to = self.aside.join(rel);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io("create the folder", parent, e))?;
        }
        std::fs::rename(&from, &to).map_err(|e| Error::io("move aside", &from, e))?;
        self.steps.push(Step::SetAside(rel.to_string()));
        Ok(true)
    }

    /// Creates the folders above `target/rel`, setting aside a file that
    /// stands where a folder must be.
    fn make_parents(&mut self, rel: &str) -> Result<()> {
        let parts: Vec<&str> = rel.split('/').collect();
        for i in 1..parts.len() {
            let dir_rel = parts[..i].join("/");
            let dir = self.target.join(&dir_rel);
            match std::fs::symlink_metadata(&dir) {
                Ok(m) if m.is_dir() => continue,
                Ok(_) => {
                    self.set_aside(&dir_rel)?;
                }
                Err(_) => {}
            }
            std::fs::create_dir(&dir).map_err(|e| Error::io("create the folder", &dir, e))?;
            self.steps.push(Step::Created(dir_rel));
        }
        Ok(())
    }

    /// Puts the staged `rel` in place of the old one.
    fn replace(&mut self, rel: &str) -> Result<()> {
        self.make_parents(rel)?;
        let to = self.target.join(rel);
        if std::fs::symlink_metadata(&to).is_ok_and(|m| m.is_dir()) {
            // A folder stands where the file goes: move it aside whole.
            self.set_aside(rel)?;
        }
        let from = self.staging.join(rel);
        // Renaming over the old file replaces it in one step; the old one
        // is hard-linked aside first so that it can be put back.
        let aside = self.aside.join(rel);
        let kept = std::fs::symlink_metadata(&to).is_ok_and(|m| m.is_file());
        if kept {
            if let Some(parent) = aside.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Error::io("create the folder", parent, e))?;
            }
            std::fs::hard_link(&to, &aside)
                .or_else(|_| std::fs::copy(&to, &aside).map(|_| ()))
                .map_err(|e| Error::io("keep a copy of", &to, e))?;
        }
        std::fs::rename(&from, &to).map_err(|e| Error::io("move into place", &to, e))?;
        if kept {
            self.steps.push(Step::SetAside(rel.to_string()));
        }
        self.steps.push(Step::Placed(rel.to_string()));
        Ok(())
    }

    /// Everything worked: drop what was set aside.
    fn finish(self) {
        let _ = std::fs::remove_dir_all(&self.aside);
    }

    /// Something failed: put every file back as it was, newest step first.
    fn undo(self) {
        for step in self.steps.iter().rev() {
            match step {
                Step::Placed(rel) => {
                    let _ = std::fs::remove_file(self.target.join(rel));
                }
                Step::SetAside(rel) => {
                    let _ = std::fs::rename(self.aside.join(rel), self.target.join(rel));
                }
                Step::Created(rel) => {
                    let _ = std::fs::remove_dir(self.target.join(rel));
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.aside);
    }
}

/// Whether the files at `a` and `b` hold the same bytes, read a piece at
/// a time.
fn files_equal(a: &Path, b: &Path) -> bool {
    use std::io::Read;
    let same_length = match (std::fs::symlink_metadata(a), std::fs::symlink_metadata(b)) {
        (Ok(ma), Ok(mb)) => ma.is_file() && mb.is_file() && ma.len() == mb.len(),
        _ => false,
    };
    if !same_length {
        return false;
    }
    let (Ok(mut fa), Ok(mut fb)) = (std::fs::File::open(a), std::fs::File::open(b)) else {
        return false;
    };
    let (mut ba, mut bb) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    loop {
        let Ok(n) = fa.read(&mut ba) else {
            return false;
        };
        if n == 0 {
            return true;
        }
        if fb.read_exact(&mut bb[..n]).is_err() || ba[..n] != bb[..n] {
            return false;
        }
    }
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

    #[test]
    fn streamed_files_that_did_not_change_are_left_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("public");
        let stream = |text: &'static str| {
            move |w: &mut dyn std::io::Write| w.write_all(text.repeat(30_000).as_bytes())
        };
        let writer = Writer::begin(&out, Vec::new()).expect("begin");
        writer.put_with("data/a.json", stream("ab")).expect("a");
        writer.put_with("b.json", stream("cd")).expect("b");
        let stats = writer.commit().expect("commit");
        assert_eq!((stats.files, stats.written), (2, 2));
        let a = std::fs::read(out.join("data/a.json")).expect("a written");
        assert_eq!(a, "ab".repeat(30_000).as_bytes());

        // Same bytes for a, one byte off (same length) for b.
        let writer = Writer::begin(&out, Vec::new()).expect("begin");
        writer.put_with("data/a.json", stream("ab")).expect("a");
        writer.put_with("b.json", stream("ce")).expect("b");
        let stats = writer.commit().expect("commit");
        assert_eq!((stats.files, stats.written, stats.removed), (2, 1, 0));
        let b = std::fs::read(out.join("b.json")).expect("b");
        assert_eq!(b, "ce".repeat(30_000).as_bytes());

        // A failing stream fails the build and leaves the output as it was.
        let writer = Writer::begin(&out, Vec::new()).expect("begin");
        let failed = writer.put_with("b.json", |_| Err(std::io::Error::other("disk full")));
        assert!(failed.is_err());
        writer.abort();
        assert_eq!(std::fs::read(out.join("b.json")).expect("b"), b);
    }

    #[test]
    fn stamps_of_written_files_match_the_files_in_place() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("public");
        // Into a new output (renamed whole), then into an existing one
        // (moved file by file), where an unchanged file is not stamped.
        for (round, body) in [(0, "first"), (1, "second")] {
            let writer = Writer::begin(&out, Vec::new()).expect("begin");
            writer.put("a/index.html", body.as_bytes()).expect("a");
            writer.put("same.txt", b"same").expect("same");
            writer
                .put_with("data.json", |w| w.write_all(body.as_bytes()))
                .expect("data");
            let stamps = writer.take_stamps();
            writer.commit().expect("commit");
            let mut stamped: Vec<&str> = stamps.keys().map(String::as_str).collect();
            stamped.sort_unstable();
            let expected = if round == 0 {
                vec!["a/index.html", "data.json", "same.txt"]
            } else {
                vec!["a/index.html", "data.json"]
            };
            assert_eq!(stamped, expected, "round {round}");
            for (rel, (len, modified)) in &stamps {
                let meta = std::fs::metadata(out.join(rel)).expect("in place");
                assert_eq!(
                    (meta.len(), meta.modified().expect("time")),
                    (*len, *modified)
                );
            }
        }
    }
}
