//! What the last build wrote, so the next one can skip unchanged work.
//!
//! Owns a small text file kept beside the output folder (never inside it,
//! so it is not uploaded): for every file a build produced from the model,
//! the fingerprint of its inputs (see `render::deps`) and the size and
//! modification time the file had when written. A later build skips
//! rendering a file whose fingerprint is the same and whose file on disk
//! still has that size and time. Any doubt — no manifest, another format,
//! a file touched by hand — means "render it". It never writes the output.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

const HEADER: &str = "detente-manifest 1";

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
}

/// Where the manifest of `output` is kept: beside it, hidden.
pub fn path_for(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    parent.join(format!(".{name}.detente-manifest"))
}

fn stamp(path: &Path) -> Option<(u64, u128)> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    let modified = meta
        .modified()
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some((meta.len(), modified))
}

impl Manifest {
    /// Reads the manifest of `output`; an empty one when there is none or
    /// it cannot be trusted.
    pub fn load(output: &Path) -> Manifest {
        let Ok(text) = std::fs::read_to_string(path_for(output)) else {
            return Manifest::default();
        };
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return Manifest::default();
        }
        let mut entries = HashMap::new();
        for line in lines {
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
            entries.insert(
                rel.to_string(),
                Entry {
                    fingerprint,
                    len,
                    modified,
                },
            );
        }
        Manifest { entries }
    }

    /// Whether `rel` in `output` is still what a file with `fingerprint`
    /// was rendered to.
    pub fn is_current(&self, output: &Path, rel: &str, fingerprint: u64) -> bool {
        self.entries.get(rel).is_some_and(|e| {
            e.fingerprint == fingerprint && stamp(&output.join(rel)) == Some((e.len, e.modified))
        })
    }

    /// The recorded files whose fingerprint is `fingerprint` (a group of
    /// files made from the same inputs, like the data files).
    pub fn files_with(&self, fingerprint: u64) -> Vec<String> {
        let mut files: Vec<String> = self
            .entries
            .iter()
            .filter(|(_, e)| e.fingerprint == fingerprint)
            .map(|(k, _)| k.clone())
            .collect();
        files.sort();
        files
    }

    /// Records the files of a finished build (stamped as they are now on
    /// disk) and saves the manifest. A failure to save only costs speed.
    pub fn save(output: &Path, files: impl Iterator<Item = (String, u64)>) {
        let mut text = String::from(HEADER);
        text.push('\n');
        let mut rows: Vec<(String, u64)> = files.collect();
        rows.sort();
        for (rel, fingerprint) in rows {
            if let Some((len, modified)) = stamp(&output.join(&rel)) {
                let _ = writeln!(text, "{fingerprint:x} {len} {modified} {rel}");
            }
        }
        let path = path_for(output);
        let tmp = path.with_extension("tmp");
        if std::fs::write(&tmp, text).is_ok() {
            let _ = std::fs::rename(&tmp, &path);
        }
    }

    /// Forgets the manifest of `output` (before a build that may fail half-way).
    pub fn forget(output: &Path) {
        let _ = std::fs::remove_file(path_for(output));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_stale_detection() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("a")).expect("mkdir");
        std::fs::write(out.join("a/index.html"), "x").expect("write");
        Manifest::save(&out, [("a/index.html".to_string(), 7u64)].into_iter());
        let m = Manifest::load(&out);
        assert!(m.is_current(&out, "a/index.html", 7));
        assert!(!m.is_current(&out, "a/index.html", 8), "other inputs");
        assert!(!m.is_current(&out, "b/index.html", 7), "unknown file");
        std::fs::write(out.join("a/index.html"), "changed by hand").expect("write");
        assert!(!m.is_current(&out, "a/index.html", 7), "touched file");
        assert_eq!(path_for(&out), dir.path().join(".public.detente-manifest"));
    }
}
