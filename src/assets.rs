//! Content-hashed asset URLs: `style.css` is also published as
//! `style.<hash>.css`, so hosts can cache it forever.
//!
//! Owns which static files get a hashed copy (stylesheets and scripts), the
//! hash (FNV-1a 64, stable across platforms and releases), and the
//! `assets` map templates use to link them (`assets["style.css"]`). The
//! original file is still published under its own name, for hand-written
//! references. It reads static files but writes nothing: it returns
//! `(path, bytes)` pairs for `output`.

use std::collections::BTreeMap;

use tera::Value;

use crate::error::Result;
use crate::statics::StaticFile;

/// Extensions of the files that get a hashed copy.
pub const HASHED: &[&str] = &["css", "js", "mjs"];

/// The static files of one build and their published names.
#[derive(Debug, Clone, Default)]
pub struct Assets {
    /// Every static file: its path → the path templates should link.
    urls: BTreeMap<String, String>,
    /// The hashed copies to write: (path, bytes).
    copies: Vec<(String, Vec<u8>)>,
}

impl Assets {
    /// Hashes the stylesheets and scripts among `statics`.
    pub fn build(statics: &[StaticFile]) -> Result<Assets> {
        let mut assets = Assets::default();
        for f in statics {
            let url = match hashed_name(&f.rel) {
                Some(name_with) => {
                    let bytes = f.read()?;
                    let url = name_with(&hex(fnv1a64(&bytes)));
                    assets.copies.push((url.clone(), bytes));
                    url
                }
                None => f.rel.clone(),
            };
            assets.urls.insert(f.rel.clone(), url);
        }
        Ok(assets)
    }

    /// The `assets` template value: static path → published path, both
    /// relative to the site root.
    pub fn value(&self) -> Value {
        self.value_under("")
    }

    /// [`Assets::value`] with `prefix` before each path (`../` from the
    /// pages of another language, which share the default's files).
    pub fn value_under(&self, prefix: &str) -> Value {
        Value::from(
            self.urls
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(format!("{prefix}{v}"))))
                .collect::<BTreeMap<String, Value>>(),
        )
    }

    /// The published path of the static file `rel`, if there is one.
    pub fn url(&self, rel: &str) -> Option<&str> {
        self.urls.get(rel).map(String::as_str)
    }

    /// A fingerprint of every published name: it changes whenever a page
    /// linking an asset must change.
    pub fn fingerprint(&self) -> u64 {
        let mut bytes = Vec::new();
        for (k, v) in &self.urls {
            bytes.extend_from_slice(k.as_bytes());
            bytes.push(0);
            bytes.extend_from_slice(v.as_bytes());
            bytes.push(0);
        }
        fnv1a64(&bytes)
    }

    /// The hashed copies to write, in a stable order.
    pub fn files(&self) -> &[(String, Vec<u8>)] {
        &self.copies
    }
}

/// For a file that gets a hashed copy, a function from the hash to its name:
/// `css/site.css` → `|h| css/site.<h>.css`.
fn hashed_name(rel: &str) -> Option<impl Fn(&str) -> String + '_> {
    let (stem, ext) = rel.rsplit_once('.')?;
    let file_stem = stem.rsplit('/').next().unwrap_or(stem);
    if file_stem.is_empty() || !HASHED.contains(&ext) {
        return None;
    }
    Some(move |hash: &str| format!("{stem}.{hash}.{ext}"))
}

/// FNV-1a, 64 bits.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn hex(h: u64) -> String {
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statics::Source;

    #[test]
    fn fnv_matches_reference_values() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn stylesheets_and_scripts_get_hashed_names() {
        let file = |rel: &str, bytes: &'static [u8]| StaticFile {
            rel: rel.to_string(),
            source: Source::BuiltIn(bytes),
            layer: crate::layers::Layer::Default,
        };
        let assets = Assets::build(&[
            file("style.css", b"body{}"),
            file("js/app.js", b"1"),
            file("logo.png", b"png"),
            file(".css", b""),
        ])
        .expect("built-in files read");
        let css = assets.url("style.css").expect("style.css");
        assert!(css.starts_with("style.") && css.ends_with(".css") && css.len() == 26);
        assert!(
            assets
                .url("js/app.js")
                .is_some_and(|u| u.starts_with("js/app."))
        );
        assert_eq!(assets.url("logo.png"), Some("logo.png"));
        assert_eq!(assets.url(".css"), Some(".css"));
        assert_eq!(assets.files().len(), 2);
        // The same bytes give the same name; different bytes another.
        let again = Assets::build(&[file("style.css", b"body{}")]).expect("read");
        assert_eq!(again.url("style.css"), Some(css));
        let changed = Assets::build(&[file("style.css", b"body{ }")]).expect("read");
        assert_ne!(changed.url("style.css"), Some(css));
    }
}
