//! Edit-to-disk latency of `detente serve`: edits one exchange's body 20
//! times and measures, for each edit, the time from the file being written
//! to the new text being in the exchange's page on disk.
//!
//! Usage: `cargo run --release --example serve_latency -- SITE_DIR [EDITS] [LANG]`
//! (build the binary first: `cargo build --release --bin detente`). With
//! `LANG`, the exchange's translation into LANG (`<slug>.<LANG>.md`) is
//! edited instead, and its page under `LANG/` watched.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(site) = args.first().map(PathBuf::from) else {
        eprintln!("usage: serve_latency SITE_DIR [EDITS] [LANG]");
        std::process::exit(2);
    };
    let edits: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(20);
    let lang = args.get(2).cloned();
    let bin = std::env::current_exe()
        .ok()
        .and_then(|p| Some(p.parent()?.parent()?.join("detente")))
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("target/release/detente"));
    let out = std::env::temp_dir().join(format!("detente-latency-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let mut child = Command::new(&bin)
        .args(["serve", "--port", "0", "--root"])
        .arg(&site)
        .arg("--output")
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start detente serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let started = Instant::now();
    for line in lines.by_ref() {
        let line = line.expect("read serve output");
        if line.starts_with("serving") {
            break;
        }
    }
    eprintln!(
        "initial build and start: {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let log = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<String>>());

    let exchanges = site.join("content/exchanges");
    let mut names: Vec<String> = std::fs::read_dir(&exchanges)
        .expect("content/exchanges")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        // Originals only: a translation's stem has the language after a dot.
        .filter(|n| n.ends_with(".md") && !n.trim_end_matches(".md").contains('.'))
        .collect();
    names.sort();
    let name = names
        .get(names.len() / 2)
        .cloned()
        .expect("at least one exchange");
    let slug = name.trim_end_matches(".md");
    let (source, page) = match &lang {
        None => (
            exchanges.join(&name),
            out.join("exchanges").join(slug).join("index.html"),
        ),
        Some(tag) => (
            exchanges.join(format!("{slug}.{tag}.md")),
            out.join(tag)
                .join("exchanges")
                .join(slug)
                .join("index.html"),
        ),
    };
    let original =
        std::fs::read_to_string(&source).expect("read the exchange (or its translation)");

    let mut samples = Vec::new();
    for i in 0..edits {
        std::thread::sleep(Duration::from_millis(300));
        let marker = format!("latency probe {i} {}", std::process::id());
        std::fs::write(&source, format!("{original}\n{marker}\n")).expect("edit");
        let t0 = Instant::now();
        loop {
            if page_has(&page, &marker) {
                break;
            }
            if t0.elapsed() > Duration::from_secs(30) {
                eprintln!("edit {i}: no new page after 30 s");
                break;
            }
            std::thread::sleep(Duration::from_micros(500));
        }
        samples.push(t0.elapsed());
    }
    std::fs::write(&source, &original).expect("restore");
    std::thread::sleep(Duration::from_millis(300));
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&out);
    let rebuilt = log.join().unwrap_or_default();

    samples.sort();
    let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
    let median = ms(&samples[samples.len() / 2]);
    println!(
        "serve edit-to-disk latency over {} edits of {}{}: median {:.1} ms, min {:.1} ms, max {:.1} ms (includes the {} ms quiet period of the watcher)",
        samples.len(),
        slug,
        lang.as_deref()
            .map(|t| format!(" ({t} translation)"))
            .unwrap_or_default(),
        median,
        ms(&samples[0]),
        ms(&samples[samples.len() - 1]),
        detente::serve::watch::QUIET.as_millis()
    );
    for line in rebuilt.iter().filter(|l| l.starts_with("rebuilt")).take(3) {
        println!("  server: {line}");
    }
}

fn page_has(page: &Path, marker: &str) -> bool {
    std::fs::read_to_string(page).is_ok_and(|html| html.contains(marker))
}
