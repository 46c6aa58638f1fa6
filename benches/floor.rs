//! The floor of a static site build, as issue 6 defines it: read every
//! exchange, render its Markdown with pulldown-cmark, and write one HTML
//! file each, on every core. Nothing else: no front matter parsing beyond
//! finding where the body starts, no templates, no index pages.
//!
//! ```text
//! cargo run --release --example floor -- CONTENT_DIR OUTPUT_DIR
//! ```
//!
//! Reads `CONTENT_DIR/exchanges/*.md` and writes
//! `OUTPUT_DIR/exchanges/<name>/index.html` (the layout detente uses), into
//! a fresh `OUTPUT_DIR`. `benches/bench.sh` times it beside detente and
//! Hugo: no generator can do less and still publish every exchange.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [content, output] = args.as_slice() else {
        eprintln!("usage: floor CONTENT_DIR OUTPUT_DIR");
        return ExitCode::from(2);
    };
    match run(Path::new(content), Path::new(output)) {
        Ok(n) => {
            eprintln!("floor: wrote {n} pages into {output}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("floor: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(content: &Path, output: &Path) -> Result<usize, String> {
    let dir = content.join("exchanges");
    let files: Vec<PathBuf> = fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    let pages = output.join("exchanges");
    fs::create_dir_all(&pages).map_err(|e| format!("{}: {e}", pages.display()))?;
    files
        .par_iter()
        .map(|path| page(path, &pages))
        .collect::<Result<Vec<()>, String>>()?;
    Ok(files.len())
}

fn page(path: &Path, pages: &Path) -> Result<(), String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let body = body_of(&text);
    let mut out = String::with_capacity(body.len() * 3 / 2 + 128);
    out.push_str("<!DOCTYPE html>\n<html><body>\n");
    html::push_html(&mut out, Parser::new_ext(body, Options::all()));
    out.push_str("</body></html>\n");
    let stem = path.file_stem().unwrap_or_default();
    let dir = pages.join(stem);
    fs::create_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let file = dir.join("index.html");
    fs::write(&file, out).map_err(|e| format!("{}: {e}", file.display()))
}

/// The text after a `+++` front matter block (all of it when there is none).
fn body_of(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("+++") else {
        return text;
    };
    match rest.find("\n+++") {
        Some(end) => rest[end + 4..].trim_start_matches(['\r', '\n']),
        None => text,
    }
}
