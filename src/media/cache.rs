//! The media cache kept between builds, beside the output
//! (`.public.detente-cache/`, next to the manifest).
//!
//! Owns two things: the files already made (resized and re-encoded
//! images, copies of documents), by their content-hashed names, so an
//! unchanged image is never encoded twice; and an index of the source
//! files already read (path, size and modification time → hash of the
//! bytes, size in pixels, transparency), so an unchanged source is not
//! even read again. A build adds to it only once it has succeeded: files
//! made during a build wait in a staging folder inside the cache and are
//! moved in at [`Cache::commit`]; a failed build's are thrown away with
//! the staging folder ([`Cache::discard`]), and a folder this build
//! created is removed again. At commit the files and index entries no
//! source of this build used are dropped, so the cache holds one site's
//! media. It never touches the output.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

const HEADER: &str = "detente-media-cache 1";
const INDEX: &str = "index";
const STAGING: &str = ".new-";

/// What is known of one source file, by its stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Known {
    pub len: u64,
    /// Modification time, nanoseconds since 1970.
    pub modified: u128,
    /// A hash of its bytes.
    pub hash: u64,
    /// An image's oriented size in pixels (0 for documents).
    pub width: u32,
    pub height: u32,
    pub alpha: bool,
}

/// The cache of one output folder (or of none: in memory only).
#[derive(Debug)]
pub struct Cache {
    /// None: nothing is read or written on disk (`check`).
    dir: Option<PathBuf>,
    /// Read, never written (`check` reading a build's cache).
    read_only: bool,
    /// Whether `dir` existed before this cache wrote to it.
    existed: bool,
    known: HashMap<String, Known>,
    /// Learned by the build under way.
    fresh: Mutex<HashMap<String, Known>>,
    /// Sources looked up by the build under way.
    seen: Mutex<HashSet<String>>,
    /// Cache file names the build under way uses.
    used: Mutex<HashSet<String>>,
    staging: OnceLock<Result<PathBuf, String>>,
    /// Names staged by the build under way.
    staged: Mutex<HashSet<String>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Cache {
    /// Where the cache of `output` is kept: beside it, hidden.
    pub fn path_for(output: &Path) -> PathBuf {
        let (parent, name) = crate::output::beside(output);
        parent.join(format!(".{name}.detente-cache"))
    }

    fn new(dir: PathBuf, read_only: bool, existed: bool) -> Cache {
        Cache {
            known: read_index(&dir),
            dir: Some(dir),
            read_only,
            existed,
            fresh: Mutex::default(),
            seen: Mutex::default(),
            used: Mutex::default(),
            staging: OnceLock::new(),
            staged: Mutex::default(),
        }
    }

    /// The cache of `output`, read from disk; staging folders builds
    /// that were killed left in it are removed.
    pub fn open(output: &Path) -> Cache {
        let dir = Cache::path_for(output);
        let existed = dir.is_dir();
        if existed {
            sweep(&dir);
        }
        Cache::new(dir, false, existed)
    }

    /// The cache of `output`, to read only (`check`): nothing is made.
    pub fn read_only(output: &Path) -> Cache {
        let dir = Cache::path_for(output);
        let existed = dir.is_dir();
        Cache::new(dir, true, existed)
    }

    /// What is known of the source `rel` with this size and time.
    pub fn lookup(&self, rel: &str, len: u64, modified: u128) -> Option<Known> {
        lock(&self.seen).insert(rel.to_string());
        let hit = |k: &Known| k.len == len && k.modified == modified;
        if let Some(k) = lock(&self.fresh).get(rel).filter(|k| hit(k)) {
            return Some(*k);
        }
        self.known.get(rel).filter(|k| hit(k)).copied()
    }

    /// Records what was learned of the source `rel`.
    pub fn learn(&self, rel: &str, known: Known) {
        lock(&self.fresh).insert(rel.to_string(), known);
    }

    /// The cached file `name`, made by this build or an earlier one:
    /// where it is and its size.
    pub fn find(&self, name: &str) -> Option<(PathBuf, u64)> {
        let dir = self.dir.as_ref()?;
        let staged = lock(&self.staged).contains(name);
        let path = match (staged, self.staging.get()) {
            (true, Some(Ok(staging))) => staging.join(name),
            _ => dir.join(name),
        };
        let meta = std::fs::symlink_metadata(&path).ok()?;
        if !meta.is_file() {
            return None;
        }
        lock(&self.used).insert(name.to_string());
        Some((path, meta.len()))
    }

    /// Whether files can be made into this cache (not `check`'s).
    pub fn writable(&self) -> bool {
        self.dir.is_some() && !self.read_only
    }

    /// Keeps `bytes` as the file `name` until the build is done; returns
    /// where they are and their size.
    pub fn stage(&self, name: &str, bytes: &[u8]) -> Result<(PathBuf, u64), String> {
        let staging = self
            .staging
            .get_or_init(|| {
                let dir = self.dir.as_ref().ok_or("no cache folder")?;
                let staging = dir.join(format!("{STAGING}{}", std::process::id()));
                let _ = std::fs::remove_dir_all(&staging);
                std::fs::create_dir_all(&staging)
                    .map(|()| staging)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))
            })
            .clone()?;
        // Two sources with the same bytes and stem make the same name:
        // each writes a file of its own, then renames it into place.
        let tmp = staging.join(format!(".{name}.{:?}", std::thread::current().id()));
        let path = staging.join(name);
        std::fs::write(&tmp, bytes)
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        lock(&self.staged).insert(name.to_string());
        lock(&self.used).insert(name.to_string());
        Ok((path, bytes.len() as u64))
    }

    /// The build succeeded: the files it made join the cache, and what it
    /// did not use leaves it.
    pub fn commit(&mut self) {
        let fresh = std::mem::take(&mut *lock(&self.fresh));
        let seen = std::mem::take(&mut *lock(&self.seen));
        let used = std::mem::take(&mut *lock(&self.used));
        let staged = std::mem::take(&mut *lock(&self.staged));
        self.known.extend(fresh);
        self.known.retain(|rel, _| seen.contains(rel));
        let staging = self.staging.take().and_then(Result::ok);
        let Some(dir) = self.dir.clone().filter(|_| !self.read_only) else {
            return;
        };
        if let Some(staging) = &staging {
            for name in &staged {
                let _ = std::fs::rename(staging.join(name), dir.join(name));
            }
            let _ = std::fs::remove_dir_all(staging);
        }
        if !dir.is_dir() {
            return;
        }
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let ours = !name.starts_with('.') && name != INDEX;
                if ours && !used.contains(&name) && entry.file_type().is_ok_and(|t| t.is_file()) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        write_index(&dir, &self.known);
        self.existed = true;
    }

    /// The build failed: what it made is thrown away, and a cache folder
    /// it created is removed.
    pub fn discard(&mut self) {
        lock(&self.fresh).clear();
        lock(&self.seen).clear();
        lock(&self.used).clear();
        lock(&self.staged).clear();
        if let Some(Ok(staging)) = self.staging.take() {
            let _ = std::fs::remove_dir_all(staging);
        }
        if let Some(dir) = self
            .dir
            .as_ref()
            .filter(|_| !self.existed && !self.read_only)
        {
            // Only if empty.
            let _ = std::fs::remove_dir(dir);
        }
    }
}

impl Drop for Cache {
    /// What a build that did not commit made is thrown away.
    fn drop(&mut self) {
        self.discard();
    }
}

/// Removes staging folders of processes that are gone.
fn sweep(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let pid = name
            .to_str()
            .and_then(|n| n.strip_prefix(STAGING))
            .and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|pid| !crate::output::process_alive(pid)) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn read_index(dir: &Path) -> HashMap<String, Known> {
    let Ok(text) = std::fs::read_to_string(dir.join(INDEX)) else {
        return HashMap::new();
    };
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return HashMap::new();
    }
    let mut out = HashMap::new();
    for line in lines {
        let Some((fields, rel)) = line.split_once('\t') else {
            continue;
        };
        let f: Vec<&str> = fields.split(' ').collect();
        let [len, modified, hash, width, height, alpha] = f[..] else {
            continue;
        };
        let parsed = (|| {
            Some(Known {
                len: len.parse().ok()?,
                modified: modified.parse().ok()?,
                hash: u64::from_str_radix(hash, 16).ok()?,
                width: width.parse().ok()?,
                height: height.parse().ok()?,
                alpha: alpha == "1",
            })
        })();
        if let Some(k) = parsed {
            out.insert(rel.to_string(), k);
        }
    }
    out
}

fn write_index(dir: &Path, known: &HashMap<String, Known>) {
    use std::fmt::Write as _;
    let mut rows: Vec<(&String, &Known)> = known.iter().collect();
    rows.sort();
    let mut text = format!("{HEADER}\n");
    for (rel, k) in rows {
        let _ = writeln!(
            text,
            "{} {} {:x} {} {} {}\t{rel}",
            k.len,
            k.modified,
            k.hash,
            k.width,
            k.height,
            u8::from(k.alpha)
        );
    }
    if std::fs::read_to_string(dir.join(INDEX)).is_ok_and(|old| old == text) {
        return;
    }
    let tmp = dir.join(format!(".{INDEX}.tmp"));
    if std::fs::write(&tmp, text).is_ok() {
        let _ = std::fs::rename(&tmp, dir.join(INDEX));
    }
}

impl PartialOrd for Known {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Known {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.len, self.modified, self.hash).cmp(&(other.len, other.modified, other.hash))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_build_leaves_nothing_and_a_good_one_keeps_what_it_used() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("public");
        let known = Known {
            len: 3,
            modified: 7,
            hash: 0xabc,
            width: 2,
            height: 1,
            alpha: false,
        };
        let mut cache = Cache::open(&out);
        assert!(cache.lookup("content/media/a.jpg", 3, 7).is_none());
        cache.learn("content/media/a.jpg", known);
        cache.stage("a-1.webp", b"abc").expect("staged");
        assert!(cache.find("a-1.webp").is_some());
        cache.discard();
        assert!(!Cache::path_for(&out).exists(), "nothing left");

        let mut cache = Cache::open(&out);
        cache.lookup("content/media/a.jpg", 3, 7);
        cache.learn("content/media/a.jpg", known);
        cache.stage("a-1.webp", b"abc").expect("staged");
        cache.commit();
        let again = Cache::open(&out);
        assert_eq!(again.lookup("content/media/a.jpg", 3, 7), Some(known));
        assert!(
            again.lookup("content/media/a.jpg", 4, 7).is_none(),
            "changed"
        );
        let (path, len) = again.find("a-1.webp").expect("cached");
        assert_eq!(
            (std::fs::read(path).expect("read"), len),
            (b"abc".to_vec(), 3)
        );

        // A build that uses nothing empties it.
        let mut empty = Cache::open(&out);
        empty.commit();
        assert!(Cache::open(&out).find("a-1.webp").is_none());
        assert!(
            Cache::open(&out)
                .lookup("content/media/a.jpg", 3, 7)
                .is_none()
        );
    }
}
