//! The media stage of a build: every file the model's media name, read,
//! checked and made into the files published, in parallel (rayon), each
//! source once however many entries show it.
//!
//! Owns the refusals of bad files (missing, not a regular file, over
//! [`MAX_MEDIA_BYTES`], a link out of the site, not an image, damaged, too
//! many pixels), each reported at every entry and line:column that names
//! the file, and the published names (`media/<stem>-<hash>-<width>.webp`:
//! the hash covers the source bytes and the settings, so a name never
//! changes meaning). It fills in [`Media::done`] and returns the files to
//! copy into the output; the copying is the build's.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use rayon::prelude::*;

use super::cache::{Cache, Known};
use super::image::{self as img, Problem};
use super::{ImagesConfig, Media, MediaKind, Output, Processed, Rendition};
use crate::error::Diagnostic;
use crate::model::Site;

/// The largest media file detente reads; larger ones are refused before
/// a byte of them is read.
pub const MAX_MEDIA_BYTES: u64 = 50 * 1024 * 1024;

/// Bumped when the encoders' output changes, so cached files made by an
/// older detente are not taken for new ones.
const ENCODING: u32 = 1;

/// What the stage does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Make every published file (into the cache).
    Build,
    /// Read and decode every source, make nothing (`check`).
    Check,
}

/// The files to publish: output path → where its bytes are.
pub type Published = BTreeMap<String, PathBuf>;

/// Why one source file cannot be used, without the entry naming it.
#[derive(Debug, Clone)]
struct Refusal {
    message: String,
    help: String,
}

impl Refusal {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Refusal {
        Refusal {
            message: message.into(),
            help: help.into(),
        }
    }
}

/// Processes every media file of `site` (under `root`), filling in what
/// is published of each. Every problem is returned, at each entry that
/// names the file.
pub fn process(
    root: &Path,
    site: &mut Site,
    cache: &Cache,
    mode: Mode,
) -> Result<Published, Vec<Diagnostic>> {
    let settings = site.config.images.clone();
    // Each source once, with its kind.
    let mut sources: BTreeMap<PathBuf, MediaKind> = BTreeMap::new();
    for m in all_media(site) {
        if let Some(file) = &m.file {
            sources.insert(file.clone(), m.kind);
        }
    }
    let done: BTreeMap<&PathBuf, Result<Arc<Processed>, Refusal>> = sources
        .par_iter()
        .map(|(file, kind)| {
            let result = one(root, file, *kind, &settings, cache, mode).map(Arc::new);
            (file, result)
        })
        .collect();
    let mut problems = Vec::new();
    let mut published = Published::new();
    for m in all_media_mut(site) {
        let Some(file) = &m.file else { continue };
        match done.get(file) {
            Some(Ok(p)) => {
                if mode == Mode::Build {
                    for o in p.outputs() {
                        let found = o.path.strip_prefix("media/").and_then(|n| cache.find(n));
                        if let Some((from, _)) = found {
                            published.insert(o.path.clone(), from);
                        }
                    }
                }
                m.done = Some(p.clone());
            }
            Some(Err(r)) => problems.push(
                Diagnostic::error(&m.entry, format!("media `{}`: {}", m.front.src, r.message))
                    .at(Some(m.at))
                    .help(r.help.clone()),
            ),
            None => {}
        }
    }
    if problems.is_empty() {
        Ok(published)
    } else {
        Err(problems)
    }
}

fn all_media(site: &Site) -> impl Iterator<Item = &Media> {
    site.exchanges
        .iter()
        .flat_map(|e| &e.media)
        .chain(site.officials.iter().flat_map(|o| &o.image))
}

fn all_media_mut(site: &mut Site) -> impl Iterator<Item = &mut Media> {
    site.exchanges
        .iter_mut()
        .flat_map(|e| &mut e.media)
        .chain(site.officials.iter_mut().flat_map(|o| &mut o.image))
}

/// One source file as the stage reads it: its bytes and pixels only once
/// they are needed (a source the cache knows is not read at all).
struct Source<'a> {
    root: &'a Path,
    rel: &'a Path,
    shown: String,
    known: Known,
    bytes: Option<Vec<u8>>,
    decoded: Option<img::Decoded>,
}

impl Source<'_> {
    /// Its bytes (read again, and checked against the known hash, when the
    /// cache knew the file but lost what was made of it).
    fn bytes(&mut self) -> Result<Vec<u8>, Refusal> {
        if let Some(b) = self.bytes.take() {
            return Ok(b);
        }
        let (file, _, _) = open(self.root, self.rel)?;
        let b = read(file, &self.shown)?;
        if super::hash_bytes(&b) != self.known.hash {
            return Err(Refusal::new(
                "the file changed while it was being read",
                "build again",
            ));
        }
        Ok(b)
    }

    /// Its pixels, decoded once.
    fn decoded(&mut self) -> Result<&img::Decoded, Refusal> {
        if self.decoded.is_none() {
            let bytes = self.bytes()?;
            let d = img::decode(&bytes).map_err(|p| refusal(&self.shown, p))?;
            self.decoded = Some(d);
        }
        self.decoded
            .as_ref()
            .ok_or_else(|| Refusal::new("the image could not be decoded", "build again"))
    }

    /// Its pixels at `width` × `height`, resized once for both encoders.
    fn resized<'s>(
        &mut self,
        kept: &'s mut Option<::image::DynamicImage>,
        width: u32,
        height: u32,
    ) -> Result<&'s ::image::DynamicImage, Refusal> {
        if kept.is_none() {
            let shown = self.shown.clone();
            let d = self.decoded()?;
            *kept = Some(img::resize(&d.image, width, height).map_err(|p| refusal(&shown, p))?);
        }
        kept.as_ref()
            .ok_or_else(|| Refusal::new("the image could not be resized", "build again"))
    }
}

/// Processes the source `rel` (relative to `root`).
fn one(
    root: &Path,
    rel: &Path,
    kind: MediaKind,
    settings: &ImagesConfig,
    cache: &Cache,
    mode: Mode,
) -> Result<Processed, Refusal> {
    let shown = rel.display().to_string();
    crate::confine::path(root, rel).map_err(|d| {
        Refusal::new(
            d.message,
            d.help.unwrap_or_else(|| "remove the link".into()),
        )
    })?;
    let (file, len, modified) = open(root, rel)?;
    let key = rel.to_string_lossy().replace('\\', "/");
    let mut src = match cache.lookup(&key, len, modified) {
        Some(known) => Source {
            root,
            rel,
            shown,
            known,
            bytes: None,
            decoded: None,
        },
        None => {
            let bytes = read(file, &shown)?;
            let mut known = Known {
                len,
                modified,
                hash: super::hash_bytes(&bytes),
                width: 0,
                height: 0,
                alpha: false,
            };
            let mut decoded = None;
            if kind == MediaKind::Image {
                let d = img::decode(&bytes).map_err(|p| refusal(&shown, p))?;
                (known.width, known.height, known.alpha) =
                    (d.image.width(), d.image.height(), d.alpha);
                decoded = Some(d);
            }
            cache.learn(&key, known);
            Source {
                root,
                rel,
                shown,
                known,
                bytes: Some(bytes),
                decoded,
            }
        }
    };
    let known = src.known;
    let stem = stem_of(rel);
    // The cached file `name`'s size, made by `make` when the cache lacks it.
    let made = |name: &str,
                src: &mut Source,
                make: &mut dyn FnMut(&mut Source) -> Result<Vec<u8>, Refusal>|
     -> Result<u64, Refusal> {
        if mode == Mode::Check || !cache.writable() {
            return Ok(0);
        }
        if let Some((_, len)) = cache.find(name) {
            return Ok(len);
        }
        let bytes = make(src)?;
        cache.stage(name, &bytes).map(|(_, len)| len).map_err(|e| {
            Refusal::new(
                format!("could not keep what was made of it: {e}"),
                "check that the folder beside the output is writable",
            )
        })
    };
    if kind == MediaKind::Document {
        let ext = super::extension(&src.shown)
            .filter(|e| e.bytes().all(|b| b.is_ascii_alphanumeric()))
            .map_or(String::new(), |e| format!(".{e}"));
        let name = format!("{stem}-{:010x}{ext}", known.hash & 0xff_ffff_ffff);
        let size = made(&name, &mut src, &mut |s| s.bytes())?;
        return Ok(Processed {
            hash: known.hash,
            bytes: len,
            width: 0,
            height: 0,
            sizes: Vec::new(),
            thumb: None,
            copy: Some(Output {
                path: format!("media/{name}"),
                media_type: super::document_type(&src.shown),
                bytes: if mode == Mode::Check { len } else { size },
            }),
        });
    }
    // The names change with the bytes and with every setting that changes
    // what is made of them.
    let id = {
        let mut h = rustc_hash::FxHasher::default();
        (known.hash, settings, ENCODING).hash(&mut h);
        h.finish() & 0xff_ffff_ffff
    };
    let (fallback_ext, fallback_type) = if known.alpha {
        ("png", "image/png")
    } else {
        ("jpg", "image/jpeg")
    };
    let quality = settings.quality;
    let mut sizes = Vec::new();
    let thumb_width = settings.thumbnail.min(known.width);
    let widths = settings.widths_for(known.width);
    for width in widths.iter().copied().chain([thumb_width]) {
        let height = img::scaled_height(known.width, known.height, width);
        let mut kept = None;
        let webp_name = format!("{stem}-{id:010x}-{width}.webp");
        let webp_size = made(&webp_name, &mut src, &mut |s| {
            let shown = s.shown.clone();
            let r = s.resized(&mut kept, width, height)?;
            img::webp(r, quality).map_err(|p| refusal(&shown, p))
        })?;
        let fallback_name = format!("{stem}-{id:010x}-{width}.{fallback_ext}");
        let fallback_size = made(&fallback_name, &mut src, &mut |s| {
            let shown = s.shown.clone();
            let r = s.resized(&mut kept, width, height)?;
            img::fallback(r, known.alpha, quality)
                .map(|(b, _)| b)
                .map_err(|p| refusal(&shown, p))
        })?;
        sizes.push(Rendition {
            width,
            height,
            webp: Output {
                path: format!("media/{webp_name}"),
                media_type: "image/webp",
                bytes: webp_size,
            },
            fallback: Output {
                path: format!("media/{fallback_name}"),
                media_type: fallback_type,
                bytes: fallback_size,
            },
        });
    }
    // The last one made is the thumbnail.
    let thumb = sizes.pop();
    Ok(Processed {
        hash: known.hash,
        bytes: len,
        width: known.width,
        height: known.height,
        sizes,
        thumb,
        copy: None,
    })
}

/// Opens the source without blocking on a named pipe; refuses what is not
/// a regular file and what is over the size limit, before reading.
fn open(root: &Path, rel: &Path) -> Result<(std::fs::File, u64, u128), Refusal> {
    let path = root.join(rel);
    let shown = rel.display();
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(&path).map_err(|e| {
        let help = match e.kind() {
            std::io::ErrorKind::NotFound => {
                "put the file there, or fix `src`: it is read beside the entry, or under content/ when it starts with `/` (`/media/photo.jpg`)"
            }
            std::io::ErrorKind::PermissionDenied => {
                "give yourself permission to read the file (e.g. chmod a+r)"
            }
            _ => "check that the file can be opened and read",
        };
        Refusal::new(format!("cannot read the media file {shown}: {e}"), help)
    })?;
    let meta = file.metadata().map_err(|e| {
        Refusal::new(
            format!("cannot read the media file {shown}: {e}"),
            "check that the file can be read",
        )
    })?;
    if !meta.is_file() {
        return Err(Refusal::new(
            format!("{shown} is not a regular file (a folder, named pipe or device?)"),
            "point `src` at an ordinary file",
        ));
    }
    if meta.len() > MAX_MEDIA_BYTES {
        return Err(too_large(&shown.to_string(), meta.len()));
    }
    let modified = meta
        .modified()
        .ok()
        .and_then(|m| m.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    Ok((file, meta.len(), modified))
}

fn read(file: std::fs::File, shown: &str) -> Result<Vec<u8>, Refusal> {
    use std::io::Read;
    let mut bytes = Vec::new();
    // At most one byte more than the limit: the file may have grown.
    file.take(MAX_MEDIA_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            Refusal::new(
                format!("cannot read the media file {shown}: {e}"),
                "check that the file can be read",
            )
        })?;
    if bytes.len() as u64 > MAX_MEDIA_BYTES {
        return Err(too_large(shown, bytes.len() as u64));
    }
    Ok(bytes)
}

fn too_large(shown: &str, len: u64) -> Refusal {
    Refusal::new(
        format!(
            "the media file {shown} is too large ({:.1} MiB; the limit is {} MiB)",
            len as f64 / 1048576.0,
            MAX_MEDIA_BYTES / 1048576
        ),
        "publish a smaller file: export the image at a few thousand pixels wide, or compress the document",
    )
}

fn refusal(shown: &str, p: Problem) -> Refusal {
    match p {
        Problem::NotAnImage => Refusal::new(
            format!("{shown} is not a JPEG, PNG or WebP image"),
            "save it as JPEG, PNG or WebP (its content decides, not its name), or give it the extension of what it is to publish it as a document",
        ),
        Problem::TooManyPixels(w, h) => Refusal::new(
            format!(
                "{shown} has too many pixels ({w} × {h}; the limit is {max} × {max} and {mib} MiB decoded)",
                max = img::MAX_SIDE,
                mib = img::MAX_ALLOC / 1048576
            ),
            "scale the image down to a few thousand pixels wide before adding it",
        ),
        Problem::Damaged(why) => Refusal::new(
            format!("{shown} is damaged or cut short and cannot be decoded ({why})"),
            "export or download the image again",
        ),
        Problem::Encode(why) => Refusal::new(
            format!("{shown} could not be encoded ({why})"),
            "export the image again as an ordinary JPEG or PNG",
        ),
    }
}

/// The part of a published name taken from the source's: its stem, in
/// lower-case letters, digits, `-` and `_`.
fn stem_of(rel: &Path) -> String {
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut out = String::new();
    for c in stem.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 48 {
            break;
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() { "file".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_are_safe_in_urls() {
        assert_eq!(
            stem_of(Path::new("content/media/Blinken Qin (2023).JPG")),
            "blinken-qin-2023"
        );
        assert_eq!(stem_of(Path::new("content/media/çà.png")), "file");
        assert_eq!(stem_of(Path::new("content/media/a_b.png")), "a_b");
    }
}
