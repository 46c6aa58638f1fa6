//! What the last build wrote, so the next one can skip unchanged work.
//!
//! Owns a small text file kept beside the output folder (never inside it,
//! so it is not uploaded): for every file a build wrote, the fingerprint
//! of its inputs (see `render::deps`) and the size and modification time
//! the file had when written; and a stamp of everything the build read
//! ([`inputs`]: the size and time of every source file, the options, the
//! program itself), its page count and its warnings. A later build skips
//! rendering a file whose fingerprint is the same and whose file on disk
//! still has that size and time; when the stamp of its inputs is the same
//! too, and the output holds exactly those files untouched, it skips the
//! whole build. Any doubt — no manifest, another format, a file touched by
//! hand, a source it cannot stamp — means "build it". It never writes the
//! output.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use rustc_hash::FxHasher;

use crate::error::{Diagnostic, LineCol, Severity};
use crate::load::{Stamp, Stamps};

const HEADER: &str = "detente-manifest 3";

/// The folders of a site whose files a build reads (its theme is one of
/// `themes/`).
const SOURCE_DIRS: [&str; 5] = ["content", "templates", "static", "themes", "i18n"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    fingerprint: u64,
    len: u64,
    modified: u128,
}

/// The record of one output folder.
#[derive(Debug, Default)]
pub struct Manifest {
    entries: HashMap<String, Entry>,
    /// Every folder holding a recorded file (the output itself as ""),
    /// with its modification time: a file added to or removed from a
    /// folder changes that time, so no folder needs to be read.
    folders: Vec<(String, u128)>,
    /// The stamp of the inputs of the build that wrote it, if it had one.
    inputs: Option<u64>,
    pages: usize,
    warnings: Vec<Diagnostic>,
    /// A manifest was found: the output was written by detente.
    found: bool,
    /// Files a build or `serve` began to move into place without
    /// recording them (it was stopped, or is a `serve` session): owned,
    /// so a later build may remove them, but never trusted as current.
    pending: Vec<String>,
}

/// What a finished build records besides its files.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// The stamp [`inputs`] took before the build read anything.
    pub inputs: Option<u64>,
    pub pages: usize,
    pub warnings: &'a [Diagnostic],
}

/// A stamp of everything a build of `root` reads: the path, size and
/// modification time of every file under content/, templates/ and
/// static/, the program's own file (its built-in templates and styles),
/// and `options` (a fingerprint of the build's options). `None` when
/// something cannot be stamped (an unreadable entry, a link to a folder):
/// such a site is always built. A file in `read` (by its path relative
/// to the root) is stamped as given there: a build that has read the
/// entries already has their stamps, taken as it read them.
pub fn inputs(root: &Path, options: u64, read: &Stamps) -> Option<u64> {
    let mut h = FxHasher::default();
    options.hash(&mut h);
    std::fs::canonicalize(root).ok()?.hash(&mut h);
    let exe = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
    (exe.len(), exe.modified().ok()?).hash(&mut h);
    for dir in SOURCE_DIRS {
        let path = root.join(dir);
        dir.hash(&mut h);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => stamp_tree(&mut h, &path, dir, read)?,
            Ok(_) => return None,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => "absent".hash(&mut h),
            Err(_) => return None,
        }
    }
    Some(h.finish())
}

/// Hashes the name, size and time of every file under `dir`, in name
/// order. The names are listed first, then stamped on every core.
fn stamp_tree(h: &mut FxHasher, dir: &Path, rel: &str, read: &Stamps) -> Option<()> {
    let mut files = Vec::new();
    list_tree(dir, rel, &mut files)?;
    let stamps: Option<Vec<Stamp>> = files
        .par_iter()
        .map(|(path, child)| {
            if let Some(&stamp) = read.get(child) {
                return Some(stamp);
            }
            // A link is stamped by what it points to; a link to a folder
            // could hide changes (or loop): give up.
            let meta = std::fs::metadata(path).ok()?;
            if meta.is_dir() {
                return None;
            }
            Some((meta.len(), meta.modified().ok()?))
        })
        .collect();
    for ((_, child), (len, modified)) in files.iter().zip(stamps?) {
        (child, len, modified).hash(h);
    }
    Some(())
}

/// Every file under `dir` (files and links; folders are entered) with its
/// name relative to the root, in name order.
fn list_tree(dir: &Path, rel: &str, out: &mut Vec<(PathBuf, String)>) -> Option<()> {
    let mut entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)
        .ok()?
        .collect::<std::io::Result<_>>()
        .ok()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let child = format!("{rel}/{}", entry.file_name().to_string_lossy());
        if entry.file_type().ok()?.is_dir() {
            list_tree(&entry.path(), &child, out)?;
        } else {
            out.push((entry.path(), child));
        }
    }
    Some(())
}

/// Where the manifest of `output` is kept: beside it, hidden.
pub fn path_for(output: &Path) -> PathBuf {
    let (parent, name) = crate::output::beside(output);
    parent.join(format!(".{name}.detente-manifest"))
}

/// Where the files being moved into `output` are listed until the
/// manifest records them: beside the manifest.
fn pending_path(output: &Path) -> PathBuf {
    let (parent, name) = crate::output::beside(output);
    parent.join(format!(".{name}.detente-pending"))
}

/// Lists `files` as owned by detente in `output` before they are moved
/// into place, adding to any list already there: a process stopped
/// between the move and [`Manifest::save`] leaves them owned (a later
/// build may remove them) and untrusted (they are written again).
/// Returns the list as it was before, for [`restore_pending`].
pub fn note_pending(output: &Path, files: &[String]) -> std::io::Result<Option<String>> {
    let path = pending_path(output);
    let before = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let mut all: Vec<&str> = before.iter().flat_map(|t| t.lines()).collect();
    all.extend(files.iter().map(String::as_str));
    all.sort_unstable();
    all.dedup();
    let mut text = all.join("\n");
    text.push('\n');
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, &path)?;
    Ok(before)
}

/// Puts back the pending list [`note_pending`] found, after a commit
/// that was undone: the output is again as that list describes.
pub fn restore_pending(output: &Path, before: Option<String>) {
    let path = pending_path(output);
    let _ = match before {
        Some(text) => std::fs::write(path, text),
        None => std::fs::remove_file(path),
    };
}

fn stamp(path: &Path) -> Option<(u64, u128)> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    Some((meta.len(), nanos(meta.modified().ok()?)?))
}

/// A time as nanoseconds since 1970.
fn nanos(time: SystemTime) -> Option<u128> {
    Some(time.duration_since(UNIX_EPOCH).ok()?.as_nanos())
}

/// The modification time of the folder at `path`, in nanoseconds.
fn folder_stamp(path: &Path) -> Option<u128> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_dir() {
        return None;
    }
    nanos(meta.modified().ok()?)
}

impl Manifest {
    /// Reads the manifest of `output`; an empty one when there is none or
    /// it cannot be trusted.
    /// Files listed as pending (see [`note_pending`]) are owned, and the
    /// manifest is then not trusted for anything else.
    pub fn load(output: &Path) -> Manifest {
        let mut manifest = Manifest::read(output);
        if let Ok(text) = std::fs::read_to_string(pending_path(output)) {
            let owned: Vec<String> = manifest.entries.keys().cloned().collect();
            manifest = Manifest {
                found: true,
                pending: text.lines().map(str::to_string).chain(owned).collect(),
                ..Manifest::default()
            };
        }
        manifest
    }

    fn read(output: &Path) -> Manifest {
        let Ok(text) = std::fs::read_to_string(path_for(output)) else {
            return Manifest::default();
        };
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return Manifest::default();
        }
        let mut manifest = Manifest {
            found: true,
            ..Manifest::default()
        };
        for line in lines {
            if let Some(rest) = line.strip_prefix("inputs ") {
                manifest.inputs = u64::from_str_radix(rest, 16).ok();
                continue;
            }
            if let Some(rest) = line.strip_prefix("pages ") {
                manifest.pages = rest.parse().unwrap_or(0);
                continue;
            }
            if let Some(rest) = line.strip_prefix("folder ") {
                let (modified, rel) = rest.split_once(' ').unwrap_or((rest, ""));
                match modified.parse() {
                    Ok(modified) => manifest.folders.push((rel.to_string(), modified)),
                    Err(_) => return Manifest::default(),
                }
                continue;
            }
            if let Some(rest) = line.strip_prefix("warning\t") {
                match parse_warning(rest) {
                    Some(w) => manifest.warnings.push(w),
                    None => return Manifest::default(),
                }
                continue;
            }
            let mut parts = line.splitn(4, ' ');
            let (Some(fp), Some(len), Some(modified), Some(rel)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Manifest::default();
            };
            let (Ok(fingerprint), Ok(len), Ok(modified)) =
                (u64::from_str_radix(fp, 16), len.parse(), modified.parse())
            else {
                return Manifest::default();
            };
            manifest.entries.insert(
                rel.to_string(),
                Entry {
                    fingerprint,
                    len,
                    modified,
                },
            );
        }
        manifest
    }

    /// Whether the output is exactly what a build with these `inputs`
    /// would write: the same stamp, every recorded file untouched, and no
    /// other file in the output (hidden files aside, which builds leave).
    /// A folder whose time is as recorded gained and lost nothing; only
    /// one whose time changed is read.
    pub fn up_to_date(&self, output: &Path, inputs: Option<u64>) -> bool {
        if inputs.is_none()
            || self.inputs != inputs
            || self.entries.is_empty()
            || self.folders.is_empty()
        {
            return false;
        }
        let untouched =
            |(rel, e): (&String, &Entry)| stamp(&output.join(rel)) == Some((e.len, e.modified));
        let known_folders: OnceLock<HashSet<&str>> = OnceLock::new();
        let unchanged = |(rel, modified): &(String, u128)| {
            let path = output.join(rel);
            folder_stamp(&path) == Some(*modified)
                || self.holds_only_known(&path, rel, || {
                    known_folders
                        .get_or_init(|| self.folders.iter().map(|(f, _)| f.as_str()).collect())
                })
        };
        self.entries.par_iter().all(untouched) && self.folders.par_iter().all(unchanged)
    }

    /// Whether the folder `rel` (at `path`) holds nothing but recorded
    /// files, recorded folders and hidden entries.
    fn holds_only_known<'a>(
        &'a self,
        path: &Path,
        rel: &str,
        folders: impl FnOnce() -> &'a HashSet<&'a str>,
    ) -> bool {
        let Ok(entries) = std::fs::read_dir(path) else {
            return false;
        };
        let folders = folders();
        entries.into_iter().all(|entry| {
            let Ok(entry) = entry else {
                return false;
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                return true;
            }
            let child = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            match entry.file_type() {
                Ok(t) if t.is_dir() => folders.contains(child.as_str()),
                Ok(_) => self.entries.contains_key(&child),
                Err(_) => false,
            }
        })
    }

    /// How many files the last build wrote.
    pub fn files(&self) -> usize {
        self.entries.len()
    }

    /// Whether a build (or `serve`) of detente wrote this output.
    pub fn found(&self) -> bool {
        self.found
    }

    /// Every file of the output detente wrote, as far as it knows: the
    /// only files a build may remove.
    pub fn owned(&self) -> Vec<String> {
        let mut owned: Vec<String> = self.entries.keys().chain(&self.pending).cloned().collect();
        owned.sort_unstable();
        owned.dedup();
        owned
    }

    /// Whether detente wrote `rel` in this output.
    pub fn owns(&self, rel: &str) -> bool {
        self.entries.contains_key(rel) || self.pending.iter().any(|p| p == rel)
    }

    /// How many pages the last build made.
    pub fn pages(&self) -> usize {
        self.pages
    }

    /// The warnings of the last build.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// Whether `rel` in `output` is still what a file with `fingerprint`
    /// was rendered to.
    pub fn is_current(&self, output: &Path, rel: &str, fingerprint: u64) -> bool {
        self.entries.get(rel).is_some_and(|e| {
            e.fingerprint == fingerprint && stamp(&output.join(rel)) == Some((e.len, e.modified))
        })
    }

    /// Records the files of a finished build and saves the manifest. A
    /// file is stamped as `written` says (taken when it was written), or
    /// else as it is now on disk. A failure to save keeps the pending
    /// list: the files stay owned, and are written again next time.
    pub fn save(
        output: &Path,
        record: Record,
        files: impl Iterator<Item = (String, u64)>,
        written: &Stamps,
    ) {
        let mut text = String::from(HEADER);
        text.push('\n');
        if let Some(inputs) = record.inputs {
            let _ = writeln!(text, "inputs {inputs:x}");
        }
        let _ = writeln!(text, "pages {}", record.pages);
        for w in record.warnings {
            let _ = writeln!(text, "warning\t{}", format_warning(w));
        }
        let mut rows: Vec<(String, u64)> = files.collect();
        rows.sort();
        let mut folders: Vec<&str> = std::iter::once("")
            .chain(
                rows.iter()
                    .flat_map(|(rel, _)| rel.match_indices('/').map(move |(at, _)| &rel[..at])),
            )
            .collect();
        folders.sort_unstable();
        folders.dedup();
        let folder_stamps: Vec<Option<u128>> = folders
            .par_iter()
            .map(|rel| folder_stamp(&output.join(rel)))
            .collect();
        // A folder that cannot be stamped leaves them all out: the output
        // is then never taken as up to date, though its files still are.
        if folder_stamps.iter().all(Option::is_some) {
            for (rel, modified) in folders.iter().zip(folder_stamps.into_iter().flatten()) {
                let _ = writeln!(text, "folder {modified} {rel}");
            }
        }
        let stamps: Vec<Option<(u64, u128)>> = rows
            .par_iter()
            .map(|(rel, _)| match written.get(rel) {
                Some(&(len, modified)) => Some((len, nanos(modified)?)),
                None => stamp(&output.join(rel)),
            })
            .collect();
        for ((rel, fingerprint), stamp) in rows.iter().zip(stamps) {
            // A file that cannot be stamped is still recorded (it is
            // detente's to remove later), as never current.
            let (len, modified) = stamp.unwrap_or((u64::MAX, 0));
            let _ = writeln!(text, "{fingerprint:x} {len} {modified} {rel}");
        }
        let path = path_for(output);
        let tmp = path.with_extension("tmp");
        // Only once the manifest lists them are the pending files forgotten.
        if std::fs::write(&tmp, text).is_ok() && std::fs::rename(&tmp, &path).is_ok() {
            let _ = std::fs::remove_file(pending_path(output));
        }
    }
}

/// A warning as one line: file, line, column, message, help, tab-separated.
fn format_warning(w: &Diagnostic) -> String {
    let (line, column) = w.at.map_or((0, 0), |at| (at.line, at.column));
    [
        escape(&w.file.to_string_lossy()),
        line.to_string(),
        column.to_string(),
        escape(&w.message),
        w.help
            .as_deref()
            .map_or_else(|| "-".to_string(), |h| format!("+{}", escape(h))),
    ]
    .join("\t")
}

fn parse_warning(text: &str) -> Option<Diagnostic> {
    let mut parts = text.split('\t');
    let file = unescape(parts.next()?);
    let line: usize = parts.next()?.parse().ok()?;
    let column: usize = parts.next()?.parse().ok()?;
    let message = unescape(parts.next()?);
    let help = parts.next()?.strip_prefix('+').map(unescape);
    Some(Diagnostic {
        severity: Severity::Warning,
        file: PathBuf::from(file),
        at: (line > 0).then_some(LineCol { line, column }),
        message,
        help,
    })
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stamping the sources from the entries' stamps taken as they were
    /// read gives the same inputs stamp as looking every file up.
    #[test]
    fn inputs_from_read_stamps_equal_inputs_from_the_files() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let loaded = crate::load::load(root).expect("the shipped site loads");
        let by_path = inputs(root, 7, &HashMap::new());
        assert!(by_path.is_some());
        assert_eq!(inputs(root, 7, &loaded.stamps()), by_path);
        assert_ne!(inputs(root, 8, &loaded.stamps()), by_path, "options count");
    }

    #[test]
    fn round_trip_and_stale_detection() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("a")).expect("mkdir");
        std::fs::write(out.join("a/index.html"), "x").expect("write");
        let warning = Diagnostic::warning("content/x.md", "odd\ttab and\nnewline \\ here")
            .at(Some(LineCol { line: 3, column: 7 }))
            .help("first\nsecond");
        let record = Record {
            inputs: Some(42),
            pages: 1,
            warnings: std::slice::from_ref(&warning),
        };
        Manifest::save(
            &out,
            record,
            [("a/index.html".to_string(), 7u64)].into_iter(),
            &Default::default(),
        );
        let m = Manifest::load(&out);
        assert_eq!(m.warnings(), std::slice::from_ref(&warning));
        assert_eq!(m.pages(), 1);
        assert!(m.up_to_date(&out, Some(42)));
        assert!(!m.up_to_date(&out, Some(43)), "other inputs");
        assert!(
            !m.up_to_date(&out, None),
            "inputs that could not be stamped"
        );
        std::fs::write(out.join("stray.txt"), "x").expect("write");
        assert!(!m.up_to_date(&out, Some(42)), "a file no build wrote");
        std::fs::remove_file(out.join("stray.txt")).expect("remove");
        std::fs::write(out.join(".hidden"), "x").expect("write");
        assert!(m.up_to_date(&out, Some(42)), "hidden files are the user's");
        std::fs::write(out.join("a/stray.html"), "x").expect("write");
        assert!(!m.up_to_date(&out, Some(42)), "a stray file in a folder");
        std::fs::remove_file(out.join("a/stray.html")).expect("remove");
        assert!(
            m.up_to_date(&out, Some(42)),
            "the folder holds its files only"
        );
        std::fs::create_dir(out.join("b")).expect("mkdir");
        assert!(!m.up_to_date(&out, Some(42)), "a folder no build made");
        std::fs::remove_dir(out.join("b")).expect("rmdir");
        assert!(m.is_current(&out, "a/index.html", 7));
        assert!(!m.is_current(&out, "a/index.html", 8), "other inputs");
        assert!(!m.is_current(&out, "b/index.html", 7), "unknown file");
        std::fs::write(out.join("a/index.html"), "changed by hand").expect("write");
        assert!(!m.is_current(&out, "a/index.html", 7), "touched file");
        assert_eq!(path_for(&out), dir.path().join(".public.detente-manifest"));
    }
}
