//! Ctrl-C and SIGTERM: finish or undo cleanly, never half-write.
//!
//! Owns the process's signal handling. A first signal only raises a flag;
//! the build checks it between stages, between files and while a page
//! renders, and throws its staging folder away. The short commit step that
//! moves files into place is a critical section: it runs to its end before
//! the flag is honoured. A second signal (a build stuck somewhere that never
//! checks the flag, such as a template loop that writes nothing) ends the
//! process at once — after any commit in progress, and after removing the
//! staging folders registered here, so the output is still untouched.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, Once};
use std::time::Duration;

use crate::error::{Error, Result};

static REQUESTED: AtomicBool = AtomicBool::new(false);
static SIGNALS: AtomicUsize = AtomicUsize::new(0);
static CRITICAL: AtomicUsize = AtomicUsize::new(0);
static STAGING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static INSTALL: Once = Once::new();

/// The exit code of a process ended by a signal it caught.
pub const EXIT_CODE: i32 = 130;

/// Installs the handler (once per process). Without it a signal ends the
/// process at once, which is what tests of the library want.
pub fn install() {
    INSTALL.call_once(|| {
        let _ = ctrlc::set_handler(on_signal);
    });
}

/// Runs on ctrlc's own thread, not in signal context, so it may wait.
fn on_signal() {
    REQUESTED.store(true, Ordering::SeqCst);
    if SIGNALS.fetch_add(1, Ordering::SeqCst) == 0 {
        return;
    }
    while CRITICAL.load(Ordering::SeqCst) > 0 {
        std::thread::sleep(Duration::from_millis(10));
    }
    let staging = std::mem::take(&mut *STAGING.lock().unwrap_or_else(|p| p.into_inner()));
    for dir in staging {
        let _ = std::fs::remove_dir_all(dir);
    }
    eprintln!("error: interrupted twice; stopped at once, the previous output is unchanged");
    std::process::exit(EXIT_CODE);
}

/// Whether Ctrl-C or SIGTERM has arrived.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// `Err(Error::Interrupted)` if a signal has arrived.
pub fn check() -> Result<()> {
    if requested() {
        Err(Error::Interrupted)
    } else {
        Ok(())
    }
}

/// Clears the flag (the dev server keeps running after a rebuild is cut short).
pub fn reset() {
    REQUESTED.store(false, Ordering::SeqCst);
    SIGNALS.store(0, Ordering::SeqCst);
}

/// Marks a critical section for as long as the guard lives: a forced exit
/// waits for it to end.
pub fn critical() -> Critical {
    CRITICAL.fetch_add(1, Ordering::SeqCst);
    Critical(())
}

pub struct Critical(());

impl Drop for Critical {
    fn drop(&mut self) {
        CRITICAL.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Registers a staging folder to remove if a second signal forces an exit.
pub fn register_staging(dir: &Path) {
    STAGING
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(dir.to_path_buf());
}

/// Forgets a staging folder registered with [`register_staging`].
pub fn unregister_staging(dir: &Path) {
    STAGING
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .retain(|d| d != dir);
}
