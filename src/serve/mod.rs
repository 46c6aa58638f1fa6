//! `detente serve`: build, serve, watch, rebuild, reload.
//!
//! Owns the authoring loop: the first build, the HTTP server thread, the
//! watcher, and reporting each rebuild to the terminal and to open tabs.
//! The pieces live in `http` (serving), `watch` (events) and `incremental`
//! (what to rebuild). A broken edit never takes the site down: the last
//! good pages stay served and the error is shown until the next good build.
//! Without `--output`, the pages go to a private temporary folder (a random
//! name, mode 0700 on unix) that is removed when serve stops.

pub mod http;
pub mod incremental;
pub mod watch;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::interrupt;
use http::{Event, Hub};
use incremental::Session;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The site folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The address to listen on. Anything but loopback exposes your drafts
    /// to the network, so it must be asked for explicitly.
    #[arg(long, default_value = "127.0.0.1")]
    pub interface: String,
    /// The port; 0 picks a free one.
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// Include exchanges marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Where to write the served pages [default: a temporary folder].
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

pub fn run(args: &Args) -> Result<String> {
    let (listener, addr) = http::bind(&args.interface, args.port).map_err(|e| {
        Error::Usage(format!(
            "cannot listen on {}:{}: {e}",
            args.interface, args.port
        ))
    })?;
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        addr.ip().to_string()
    };
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    let url = format!("http://{host}:{}/", addr.port());
    // The site goes one level down in the private folder, so that the
    // staging folders and the manifest kept beside it are private too.
    let (output, temporary) = match &args.output {
        Some(o) => (o.clone(), None),
        None => {
            let temporary = Private::create()?;
            (temporary.path().join("site"), Some(temporary))
        }
    };
    crate::pipeline::check_output_location(&args.root, &output)?;
    // Held while serving: a build into the same output fails at once.
    let _lock = crate::output::lock(&output)?;
    std::fs::create_dir_all(&output).map_err(|e| Error::io("create the folder", &output, e))?;

    let root = std::fs::canonicalize(&args.root)
        .map_err(|e| Error::io("open the site folder", &args.root, e))?;
    let mut session = Session::open(&root, &output, args.drafts, &url);
    if temporary.is_some() {
        // The temporary folder goes when serve stops: the media made for
        // it are kept in the cache of `detente build`'s default output
        // instead, so the next serve (or build) does not make them again.
        session.keep_media_beside(&root.join("public"));
    }
    let hub = Arc::new(Hub::default());
    // Warnings are printed when they change, not after every edit.
    let mut shown: Vec<crate::error::Diagnostic> = Vec::new();
    let mut show_warnings = |now: &[crate::error::Diagnostic]| {
        if now != shown.as_slice() {
            for w in now {
                eprintln!("{w}\n");
            }
            shown = now.to_vec();
        }
    };
    match session.rebuild(&Default::default(), || true) {
        Ok(r) => {
            show_warnings(&r.warnings);
            println!("built {} pages in {} ms", r.rendered, r.elapsed.as_millis());
        }
        Err(e) => {
            eprintln!("{e}");
            hub.broadcast(Event::Failed(session.failure(&e)));
        }
    }
    let ignore = std::fs::canonicalize(&output).ok();
    let watch = watch::Watch::start(&root, ignore)
        .map_err(|e| Error::Usage(format!("cannot watch {}: {e}", args.root.display())))?;
    let hosts = http::Hosts::new(&args.interface, addr);
    let server = http::Server::new(listener, output.clone(), Arc::clone(&hub), hosts)
        .map_err(|e| Error::Usage(format!("cannot serve on {url}: {e}")))?;
    std::thread::Builder::new()
        .name("detente-serve".into())
        .spawn(move || server.run())
        .map_err(|e| Error::Usage(format!("cannot start the server thread: {e}")))?;
    println!("serving {} at {url} (Ctrl-C to stop)", args.root.display());
    if args.open {
        open_browser(&url);
    }
    while !interrupt::requested() {
        let Some(paths) = watch.next_batch_timeout(Duration::from_millis(200)) else {
            // Quiet: let the data files catch up with the pages.
            if session.data_pending() {
                if let Err(e) = session.rebuild(&Default::default(), || true) {
                    eprintln!("{e}");
                }
            }
            continue;
        };
        if paths.is_empty() {
            continue;
        }
        let statics = session.note_changes(&paths);
        match session.rebuild(&statics, || !watch.has_pending()) {
            Ok(r) => {
                show_warnings(&r.warnings);
                println!(
                    "rebuilt{}: {} pages rendered, {} files written, {} removed; pages in {} ms, data files in {} ms",
                    if r.in_place { " in place" } else { "" },
                    r.rendered,
                    r.written,
                    r.removed,
                    r.elapsed.as_millis(),
                    r.total.as_millis()
                );
                hub.broadcast(Event::Reload);
            }
            Err(Error::Interrupted) => break,
            Err(e) => {
                eprintln!("{e}\n(the last good version stays served)");
                hub.broadcast(Event::Failed(session.failure(&e)));
            }
        }
    }
    drop(temporary);
    Ok("stopped".to_string())
}

/// serve's private temporary folder: a random name (never one another
/// user could guess and create first), readable by its owner only, and
/// removed when serve stops, also by a second Ctrl-C that ends it at once.
struct Private(tempfile::TempDir);

impl Private {
    fn create() -> Result<Private> {
        let mut builder = tempfile::Builder::new();
        builder.prefix("detente-serve-");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o700));
        }
        let dir = builder
            .tempdir()
            .map_err(|e| Error::io("create a temporary folder in", &std::env::temp_dir(), e))?;
        interrupt::register_staging(dir.path());
        Ok(Private(dir))
    }

    fn path(&self) -> &std::path::Path {
        self.0.path()
    }
}

impl Drop for Private {
    fn drop(&mut self) {
        // The TempDir removes the folder when it is dropped, after this.
        interrupt::unregister_staging(self.0.path());
    }
}

fn open_browser(url: &str) {
    for opener in ["xdg-open", "open"] {
        if std::process::Command::new(opener).arg(url).spawn().is_ok() {
            return;
        }
    }
    eprintln!("could not open a browser; visit {url}");
}
