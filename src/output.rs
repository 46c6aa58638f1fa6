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
//! This module knows nothing of pages; it is handed paths and bytes.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::interrupt;
use crate::load::Stamps;

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
    /// Every folder above a produced file (locked after `produced`).
    folders: Mutex<HashSet<String>>,
    changed: Mutex<Vec<String>>,
    written: AtomicUsize,
    stamps: Mutex<Stamps>,
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
                Error::usage(
                    format!("{} cannot be used as an output folder", target.display()),
                    "name a folder to write the site into, e.g. --output public",
                )
            })?
            .to_string_lossy()
            .into_owned();
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::io("create the folder", &parent, e))?;
        if target.exists() && !target.is_dir() {
            return Err(Error::usage(
                format!("the output {} exists and is not a folder", target.display()),
                "remove or rename that file, or choose another --output",
            ));
        }
        let staging = parent.join(format!(".{name}.detente-staging-{}", std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging)
                .map_err(|e| Error::io("remove the old staging folder", &staging, e))?;
        }
        std::fs::create_dir(&staging)
            .map_err(|e| Error::io("create the staging folder", &staging, e))?;
        interrupt::register_staging(&staging);
        let fresh = !target.exists();
        if !fresh {
            // Fail now, not at commit time, if the output cannot be changed.
            let probe = target.join(format!(".detente-write-test-{}", std::process::id()));
            std::fs::write(&probe, b"")
                .and_then(|()| std::fs::remove_file(&probe))
                .map_err(|e| {
                    interrupt::unregister_staging(&staging);
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
            folders: Mutex::new(HashSet::new()),
            changed: Mutex::new(Vec::new()),
            written: AtomicUsize::new(0),
            stamps: Mutex::new(HashMap::new()),
        })
    }

    pub fn target(&self) -> &Path {
        &self.target
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
        let mut stale = Vec::new();
        let listed = if self.prune {
            list_stale(&self.target, &self.target, &|rel| produced.contains(rel))
                .map(|found| stale.extend(found))
        } else {
            let removals =
                std::mem::take(&mut *self.removals.lock().unwrap_or_else(|p| p.into_inner()));
            stale.extend(removals.into_iter().filter(|r| !produced.contains(r)));
            Ok(())
        };
        let mut tx = Transaction::new(&self.target, &self.staging);
        let result = listed.and_then(|()| {
            for rel in &changed {
                tx.replace(rel)?;
            }
            let mut removed = 0;
            for rel in &stale {
                removed += usize::from(tx.set_aside(rel)?);
            }
            Ok(removed)
        });
        match result {
            Ok(removed) => {
                stats.removed = removed;
                tx.finish();
                if self.prune {
                    remove_empty_dirs(&self.target);
                } else {
                    for rel in &stale {
                        prune_empty_parents(&self.target, &self.target.join(rel));
                    }
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
    fn new(target: &'a Path, staging: &'a Path) -> Self {
        let name = target
            .file_name()
            .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
        let parent = target.parent().unwrap_or(Path::new("."));
        let aside = parent.join(format!(".{name}.detente-old-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&aside);
        Transaction {
            target,
            staging,
            aside,
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

/// Lists, as `/`-separated relative paths, the files under `dir` that
/// `keep` does not claim (hidden files aside: builds leave them). Folders
/// are read on every core; the list is in no particular order.
fn list_stale(
    root: &Path,
    dir: &Path,
    keep: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Vec<String>> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("read the folder", dir, e))?;
    let mut out = Vec::new();
    let mut folders = Vec::new();
    for entry in entries.flatten() {
        // Hidden files are never produced, and may be the user's own
        // (`.git` of a deploy checkout, `.htaccess`): leave them alone.
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            folders.push(path);
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if !keep(&rel) {
            out.push(rel);
        }
    }
    let inside: Vec<Vec<String>> = folders
        .par_iter()
        .map(|folder| list_stale(root, folder, keep))
        .collect::<Result<_>>()?;
    out.extend(inside.into_iter().flatten());
    Ok(out)
}

/// Removes the folders under `dir` left empty; the folder itself stays.
fn remove_empty_dirs(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            let path = entry.path();
            remove_empty_dirs(&path);
            let _ = std::fs::remove_dir(&path);
        }
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
        let writer = Writer::begin(&out).expect("begin");
        writer.put_with("data/a.json", stream("ab")).expect("a");
        writer.put_with("b.json", stream("cd")).expect("b");
        let stats = writer.commit().expect("commit");
        assert_eq!((stats.files, stats.written), (2, 2));
        let a = std::fs::read(out.join("data/a.json")).expect("a written");
        assert_eq!(a, "ab".repeat(30_000).as_bytes());

        // Same bytes for a, one byte off (same length) for b.
        let writer = Writer::begin(&out).expect("begin");
        writer.put_with("data/a.json", stream("ab")).expect("a");
        writer.put_with("b.json", stream("ce")).expect("b");
        let stats = writer.commit().expect("commit");
        assert_eq!((stats.files, stats.written, stats.removed), (2, 1, 0));
        let b = std::fs::read(out.join("b.json")).expect("b");
        assert_eq!(b, "ce".repeat(30_000).as_bytes());

        // A failing stream fails the build and leaves the output as it was.
        let writer = Writer::begin(&out).expect("begin");
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
            let writer = Writer::begin(&out).expect("begin");
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
