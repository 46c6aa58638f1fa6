//! Watching the site's sources and turning bursts of file events into one
//! set of changed paths.
//!
//! Owns the file-system watcher and the debounce: editors save by writing a
//! temporary file and renaming it, producing several events per save; they
//! are gathered until the folder has been quiet for a moment. It reports
//! paths only; deciding what they mean is `incremental`'s job.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

/// How long the sources must be quiet before a rebuild starts.
pub const QUIET: Duration = Duration::from_millis(20);

/// The longest a burst is held before rebuilding anyway, so that a stream
/// of edits arriving faster than [`QUIET`] cannot starve the rebuilds.
pub const MAX_HOLD: Duration = Duration::from_millis(250);

/// The folders of a site that are watched, each recursively.
const SOURCES: [&str; 5] = ["content", "templates", "static", "themes", "i18n"];

/// Watches `content/`, `templates/`, `static/` and `themes/` under a site
/// root, including those created after it started (a first override).
pub struct Watch {
    watcher: RefCell<notify::RecommendedWatcher>,
    root: PathBuf,
    /// The folders of [`SOURCES`] watched so far.
    watched: RefCell<BTreeSet<PathBuf>>,
    rx: Receiver<notify::Result<notify::Event>>,
    ignore: Option<PathBuf>,
    /// Events taken off the channel by [`Watch::has_pending`], not yet batched.
    early: RefCell<Vec<notify::Result<notify::Event>>>,
}

impl Watch {
    /// Starts watching; `ignore` is a folder whose events are dropped (the
    /// output, when it lies inside a watched folder).
    pub fn start(root: &Path, ignore: Option<PathBuf>) -> notify::Result<Watch> {
        let (tx, rx) = channel();
        let mut watcher = notify::recommended_watcher(move |event| {
            let _ = tx.send(event);
        })?;
        // Watch the root itself (not recursively) to see the three folders
        // appear or disappear, and each existing folder recursively.
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        let mut watched = BTreeSet::new();
        for dir in SOURCES {
            let path = root.join(dir);
            if path.is_dir() {
                watcher.watch(&path, RecursiveMode::Recursive)?;
                watched.insert(path);
            }
        }
        Ok(Watch {
            watcher: RefCell::new(watcher),
            root: root.to_path_buf(),
            watched: RefCell::new(watched),
            rx,
            ignore,
            early: RefCell::new(Vec::new()),
        })
    }

    /// Waits up to `timeout` for something to change, then returns every
    /// path touched during the burst; None when nothing changed.
    pub fn next_batch_timeout(&self, timeout: Duration) -> Option<BTreeSet<PathBuf>> {
        let mut paths = BTreeSet::new();
        let early: Vec<_> = self.early.borrow_mut().drain(..).collect();
        for event in early {
            self.add(event, &mut paths);
        }
        let first = if paths.is_empty() {
            self.rx.recv_timeout(timeout).ok()?
        } else {
            match self.rx.recv_timeout(QUIET) {
                Ok(event) => event,
                Err(_) => return Some(paths),
            }
        };
        let started = std::time::Instant::now();
        self.add(first, &mut paths);
        while started.elapsed() < MAX_HOLD {
            match self.rx.recv_timeout(QUIET) {
                Ok(event) => self.add(event, &mut paths),
                Err(_) => break,
            }
        }
        Some(paths)
    }

    /// Whether a change is waiting to be batched (without waiting for one).
    pub fn has_pending(&self) -> bool {
        let mut early = self.early.borrow_mut();
        while let Ok(event) = self.rx.try_recv() {
            early.push(event);
        }
        let mut paths = BTreeSet::new();
        for event in early.iter().flatten() {
            self.add(Ok(event.clone()), &mut paths);
        }
        !paths.is_empty()
    }

    fn add(&self, event: notify::Result<notify::Event>, paths: &mut BTreeSet<PathBuf>) {
        let Ok(event) = event else { return };
        if matches!(event.kind, notify::EventKind::Access(_)) {
            return;
        }
        for p in event.paths {
            if self.ignore.as_ref().is_some_and(|i| p.starts_with(i)) {
                continue;
            }
            self.follow_new_folder(&p);
            paths.insert(p);
        }
    }

    /// Starts watching a source folder created after the start (the
    /// first `templates/` override, a new `themes/`).
    fn follow_new_folder(&self, path: &Path) {
        if path.parent() != Some(self.root.as_path()) || !path.is_dir() {
            return;
        }
        let is_source = path
            .file_name()
            .is_some_and(|n| SOURCES.iter().any(|s| n == *s));
        if is_source && self.watched.borrow_mut().insert(path.to_path_buf()) {
            let _ = self
                .watcher
                .borrow_mut()
                .watch(path, RecursiveMode::Recursive);
        }
    }
}
