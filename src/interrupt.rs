//! Ctrl-C and SIGTERM: finish or undo cleanly, never half-write.
//!
//! Owns the process's signal handling. A signal only raises a flag; the
//! build checks it between files and throws its staging folder away, and
//! the short commit step that moves files into place runs to its end before
//! the flag is honoured. Nothing here touches files.

use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);
static INSTALL: Once = Once::new();

/// Installs the handler (once per process). Without it a signal ends the
/// process at once, which is what tests of the library want.
pub fn install() {
    INSTALL.call_once(|| {
        let _ = ctrlc::set_handler(|| REQUESTED.store(true, Ordering::SeqCst));
    });
}

/// Whether Ctrl-C or SIGTERM has arrived.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// Clears the flag (the dev server keeps running after a rebuild is cut short).
pub fn reset() {
    REQUESTED.store(false, Ordering::SeqCst);
}
