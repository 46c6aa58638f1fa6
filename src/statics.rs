//! The site's static files: everything under `static/`, its theme's
//! `static/` and the defaults, copied verbatim (site > theme > defaults).
//!
//! Owns finding those files safely (symlinked folders are followed once;
//! a loop is an error, not a hang; a link leading out of the site is an
//! error, see `confine`). Writing them is `output`'s job.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::embedded;
use crate::error::{Diagnostic, Error, Result};
use crate::layers::{Kind, Layer, Layers};

pub const DIR: &str = "static";

/// A file to copy into the output.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// The `/`-separated path inside the output.
    pub rel: String,
    pub source: Source,
    /// The layer it comes from.
    pub layer: Layer,
}

#[derive(Debug, Clone)]
pub enum Source {
    File(PathBuf),
    BuiltIn(&'static [u8]),
    /// Made from the site (`countries.css`).
    Made(std::sync::Arc<[u8]>),
}

impl StaticFile {
    pub fn read(&self) -> Result<Vec<u8>> {
        match &self.source {
            Source::File(path) => {
                std::fs::read(path).map_err(|e| Error::io("read the static file", path, e))
            }
            Source::BuiltIn(bytes) => Ok(bytes.to_vec()),
            Source::Made(bytes) => Ok(bytes.to_vec()),
        }
    }
}

/// Lists every static file of the site's layers, sorted by path: the
/// site's `static/` first, then its theme's, then the defaults; a file of a
/// higher layer replaces the lower layers' file of the same path.
pub fn collect(layers: &Layers) -> std::result::Result<Vec<StaticFile>, Vec<Diagnostic>> {
    let root = layers.root();
    let mut files: BTreeMap<String, StaticFile> = BTreeMap::new();
    let mut problems = Vec::new();
    for folder in layers.folders(Kind::Static) {
        if let Err(d) = crate::confine::path(root, &folder.shown) {
            problems.push(d);
            continue;
        }
        let mut found = Vec::new();
        let mut visited = HashSet::new();
        let mut walker = Walk {
            root,
            shown: &folder.shown,
            visited: &mut visited,
            files: &mut found,
            problems: &mut problems,
        };
        walker.walk(&folder.path, "");
        for f in found {
            files.entry(f.rel.clone()).or_insert(StaticFile {
                layer: folder.layer,
                ..f
            });
        }
    }
    for (rel, bytes) in embedded::STATIC {
        files.entry(rel.to_string()).or_insert(StaticFile {
            rel: rel.to_string(),
            source: Source::BuiltIn(bytes),
            layer: Layer::Default,
        });
    }
    if problems.is_empty() {
        Ok(files.into_values().collect())
    } else {
        Err(problems)
    }
}

/// One folder being listed.
struct Walk<'a> {
    root: &'a Path,
    /// The folder, relative to the root, as messages name it.
    shown: &'a Path,
    visited: &'a mut HashSet<PathBuf>,
    files: &'a mut Vec<StaticFile>,
    problems: &'a mut Vec<Diagnostic>,
}

impl Walk<'_> {
    fn walk(&mut self, dir: &Path, prefix: &str) {
        let (root, visited, files, problems) = (
            self.root,
            &mut *self.visited,
            &mut *self.files,
            &mut *self.problems,
        );
        let shown = self.shown.join(prefix);
        match std::fs::canonicalize(dir) {
            Ok(real) => {
                if !visited.insert(real) {
                    problems.push(
                    Diagnostic::error(&shown, "this folder is a symbolic link back to a folder already copied (a symlink loop)")
                        .help("remove the link, or point it at a folder outside static/"),
                );
                    return;
                }
            }
            Err(e) => {
                problems.push(
                    Diagnostic::error(&shown, format!("cannot follow this path: {e}"))
                        .help("remove the broken or looping symbolic link"),
                );
                return;
            }
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                problems.push(
                    Diagnostic::error(&shown, format!("cannot read the folder: {e}"))
                        .help("give yourself permission to read the folder, or remove it"),
                );
                return;
            }
        };
        let mut dirs = Vec::new();
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let rel = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}/{name}")
            };
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_symlink()) {
                if let Err(d) = crate::confine::link(root, &self.shown.join(&rel)) {
                    problems.push(d);
                    continue;
                }
            }
            match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() => dirs.push((path, rel)),
                Ok(m) if m.is_file() => files.push(StaticFile {
                    rel,
                    source: Source::File(path),
                    layer: Layer::Site,
                }),
                // Reading a named pipe or device would block or never end.
                Ok(_) => problems.push(
                    Diagnostic::error(
                        self.shown.join(&rel),
                        "this is not a regular file (a named pipe, socket or device?)",
                    )
                    .help("replace it with an ordinary file, or remove it"),
                ),
                Err(e) => problems.push(
                    Diagnostic::error(self.shown.join(&rel), format!("cannot read: {e}"))
                        .help("fix or remove the broken symbolic link"),
                ),
            }
        }
        for (path, rel) in dirs {
            self.walk(&path, &rel);
        }
    }
}

/// Every static file a build of `site` publishes: the layers' files and
/// the ones made from the site (`countries.css`).
pub fn for_site(
    layers: &Layers,
    site: &crate::model::Site,
) -> std::result::Result<Vec<StaticFile>, Vec<Diagnostic>> {
    let mut files = collect(layers)?;
    add_countries_css(&mut files, &site.config, &site.officials);
    Ok(files)
}

/// The stylesheet giving each country's badge a colour of its own.
pub const COUNTRIES_CSS: &str = "countries.css";

/// Adds [`COUNTRIES_CSS`] to `files` (unless a layer has its own): for
/// every country of `config` with officials, besides the default
/// stylesheet's US and CN,
/// a badge colour from its key, dark enough for white text (contrast at
/// least 4.5:1, WCAG AA). The same keys always give the same colours.
fn add_countries_css(
    files: &mut Vec<StaticFile>,
    config: &crate::config::Config,
    officials: &[crate::model::Official],
) {
    let badged = |c: &&crate::config::Country| {
        c.key != "US" && c.key != "CN" && officials.iter().any(|o| o.country == c.key)
    };
    if !config.countries.iter().any(|c| badged(&c)) || files.iter().any(|f| f.rel == COUNTRIES_CSS)
    {
        return;
    }
    let mut css =
        String::from("/* Badge colours per country, made by detente from site.toml. */\n");
    for c in config.countries.iter().filter(badged) {
        let (r, g, b) = badge_colour(&c.key);
        let key = css_ident(&c.key);
        css.push_str(&format!(
            ".country-{key} .flag,.flag-{key}{{background:#{r:02x}{g:02x}{b:02x}}}\n"
        ));
    }
    let at = files.partition_point(|f| f.rel.as_str() < COUNTRIES_CSS);
    files.insert(
        at,
        StaticFile {
            rel: COUNTRIES_CSS.to_string(),
            source: Source::Made(css.into_bytes().into()),
            layer: Layer::Default,
        },
    );
}

/// `key` with every character a CSS class selector cannot take escaped.
fn css_ident(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_string()
            } else {
                format!("\\{:x} ", c as u32)
            }
        })
        .collect()
}

/// A colour for `key`: its hue from a hash of the key, darkened until
/// white text on it has a contrast of 4.5:1 or more.
fn badge_colour(key: &str) -> (u8, u8, u8) {
    let hue = (crate::assets::fnv1a64(key.as_bytes()) % 360) as f64;
    let mut lightness = 0.42;
    loop {
        let (r, g, b) = hsl(hue, 0.65, lightness);
        if contrast_with_white(r, g, b) >= 4.5 || lightness <= 0.1 {
            return (r, g, b);
        }
        lightness -= 0.02;
    }
}

fn hsl(h: f64, s: f64, l: f64) -> (u8, u8, u8) {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - ((h / 60.0) % 2.0 - 1.0).abs());
    let m = l - c / 2.0;
    let (r, g, b) = match (h / 60.0) as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let byte = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    (byte(r), byte(g), byte(b))
}

fn contrast_with_white(r: u8, g: u8, b: u8) -> f64 {
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    1.05 / (l + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_badge_colour_reads_white_text_at_aa() {
        for key in ["JP", "DE", "FR", "GB", "IN", "BR", "ZA", "EU", "UN", "X1"] {
            let (r, g, b) = badge_colour(key);
            assert!(contrast_with_white(r, g, b) >= 4.5, "{key}: {r},{g},{b}");
        }
        assert_ne!(badge_colour("JP"), badge_colour("DE"));
        assert_eq!(css_ident("A.B"), "A\\2e B");
    }
}
