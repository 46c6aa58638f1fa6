//! Media: images and documents attached to exchanges (`[[media]]`) and
//! officials (`image`, a portrait).
//!
//! Owns their front matter ([`MediaFront`]), where a `src` leads (a file
//! under `content/`, see [`resolve`]), what kind of file it is, the checks
//! on what was written (an image needs `alt`), the build stage that turns
//! each file into the files published ([`process`]: images decoded,
//! resized and re-encoded by [`image`], documents copied, both cached
//! between builds by [`cache`]), and the values templates, feeds and data
//! files show of them ([`values`]).
//!
//! It must not write into the output (it hands the build a list of files
//! to copy, see [`process::Published`]), read anything outside the site
//! folder (every file goes through `confine`), nor decode an image without
//! limits (see [`image::MAX_SIDE`]).

pub mod cache;
pub mod image;
pub mod process;
pub mod values;

pub use cache::Cache;
pub use process::{MAX_MEDIA_BYTES, Mode, Published, process};

use std::hash::{Hash, Hasher};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::error::{Diagnostic, LineCol};

/// One `[[media]]` entry of an exchange, or an official's `image`, as
/// written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaFront {
    /// The file: relative to the entry's own folder, or to `content/`
    /// when it starts with `/`.
    pub src: String,
    /// What the image shows, for readers who cannot see it (required for
    /// images).
    pub alt: Option<String>,
    pub caption: Option<String>,
    /// Who made it: "Ron Przysucha / U.S. Department of State".
    pub credit: Option<String>,
    /// Its license: "Public domain".
    pub license: Option<String>,
    /// Where it comes from (an http(s) address).
    pub link: Option<String>,
}

/// The keys of a media table, for suggestions.
pub const MEDIA_KEYS: &[&str] = &["src", "alt", "caption", "credit", "license", "link"];

/// Images are decoded, resized and re-encoded; anything else is a
/// document, published as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MediaKind {
    Image,
    Document,
}

/// The extensions of the images detente processes.
pub const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "webp"];

/// A media file as the model holds it: what was written, where it
/// leads, and once [`process`] has run, what is published of it.
#[derive(Debug, Clone)]
pub struct Media {
    /// As written, text fields trimmed (empty ones as none).
    pub front: MediaFront,
    /// The file, relative to the site root (`content/media/x.jpg`); none
    /// when `src` leads out of `content/` (an error of `validate`).
    pub file: Option<PathBuf>,
    pub kind: MediaKind,
    /// The entry that shows it, and where its table stands there.
    pub entry: PathBuf,
    pub at: LineCol,
    /// What is published of the file (set by [`process`]).
    pub done: Option<Arc<Processed>>,
}

/// What is published of one source file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Processed {
    /// A hash of the source file's bytes.
    pub hash: u64,
    /// The source file's size.
    pub bytes: u64,
    /// An image's size as shown (its EXIF orientation applied); 0 for a
    /// document.
    pub width: u32,
    pub height: u32,
    /// An image's renditions, narrowest first.
    pub sizes: Vec<Rendition>,
    /// An image's thumbnail, for cards (`[images] thumbnail` wide, or
    /// its own width when narrower).
    pub thumb: Option<Rendition>,
    /// A document's published copy.
    pub copy: Option<Output>,
}

/// An image at one width: as WebP, and as JPEG (PNG for an image with
/// transparency) for browsers without WebP.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rendition {
    pub width: u32,
    pub height: u32,
    pub webp: Output,
    pub fallback: Output,
}

/// One published file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Output {
    /// Relative to the output root: `media/summit-3f2a9c1b07-960.webp`.
    pub path: String,
    pub media_type: &'static str,
    /// Its size (0 when only checked, not made).
    pub bytes: u64,
}

impl Processed {
    /// The widest rendition (the one social cards and feeds use).
    pub fn largest(&self) -> Option<&Rendition> {
        self.sizes.last()
    }

    /// Every file published for it.
    pub fn outputs(&self) -> impl Iterator<Item = &Output> {
        self.sizes
            .iter()
            .chain(&self.thumb)
            .flat_map(|r| [&r.webp, &r.fallback])
            .chain(&self.copy)
    }
}

impl Media {
    /// Builds the model's media from `front`, written in the entry `entry`
    /// at `at`.
    pub fn new(front: &MediaFront, entry: &Path, at: LineCol) -> Media {
        let clean = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let front = MediaFront {
            src: front.src.trim().to_string(),
            alt: clean(&front.alt),
            caption: clean(&front.caption),
            credit: clean(&front.credit),
            license: clean(&front.license),
            link: clean(&front.link),
        };
        Media {
            file: resolve(entry, &front.src),
            kind: kind_of(&front.src),
            front,
            entry: entry.to_path_buf(),
            at,
            done: None,
        }
    }

    pub fn is_image(&self) -> bool {
        self.kind == MediaKind::Image
    }

    /// A fingerprint of everything shown of it.
    pub fn fingerprint(&self) -> u64 {
        let mut h = rustc_hash::FxHasher::default();
        (&self.front, &self.file, self.kind, &self.done).hash(&mut h);
        h.finish()
    }

    /// Takes what is published of the same file from `old` (the dev
    /// server's edit in place); false when `old` has no such file.
    pub fn carry_from(&mut self, old: &[Media]) -> bool {
        let found = old
            .iter()
            .find(|o| o.file == self.file && o.kind == self.kind && o.done.is_some());
        match found {
            Some(o) => {
                self.done = o.done.clone();
                true
            }
            None => false,
        }
    }
}

/// Whether `src` names an image detente processes, by its extension.
pub fn kind_of(src: &str) -> MediaKind {
    match extension(src) {
        Some(ext) if IMAGE_EXTENSIONS.contains(&ext.as_str()) => MediaKind::Image,
        _ => MediaKind::Document,
    }
}

/// The lower-case extension of a file name.
pub fn extension(name: &str) -> Option<String> {
    let file = name.rsplit('/').next().unwrap_or(name);
    let (stem, ext) = file.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_ascii_lowercase())
}

/// Where `src`, written in the entry `entry` (`content/exchanges/x.md`),
/// leads, relative to the site root: beside the entry
/// (`x/photo.jpg` → `content/exchanges/x/photo.jpg`, `../media/a.jpg` →
/// `content/media/a.jpg`), or under `content/` when it starts with `/`
/// (`/media/a.jpg` → `content/media/a.jpg`). None when it leads out of
/// `content/`, is empty, or is a URL.
pub fn resolve(entry: &Path, src: &str) -> Option<PathBuf> {
    if src.is_empty() || src.contains("://") || src.starts_with("data:") || src.contains('\\') {
        return None;
    }
    let (base, rest) = match src.strip_prefix('/') {
        Some(rest) => (PathBuf::from("content"), rest),
        None => (entry.parent()?.to_path_buf(), src),
    };
    let mut parts: Vec<std::ffi::OsString> = Vec::new();
    for c in base.join(rest).components() {
        match c {
            Component::Normal(p) => parts.push(p.to_os_string()),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            _ => return None,
        }
    }
    // At least `content/<file>`, and still under content/.
    if parts.len() < 2 || parts[0] != "content" {
        return None;
    }
    Some(parts.iter().collect())
}

/// The media type of a document, by its extension.
pub fn document_type(src: &str) -> &'static str {
    match extension(src).as_deref() {
        Some("pdf") => "application/pdf",
        Some("txt") => "text/plain",
        Some("md") => "text/markdown",
        Some("csv") => "text/csv",
        Some("html" | "htm") => "text/html",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("rtf") => "application/rtf",
        Some("doc") => "application/msword",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("xls") => "application/vnd.ms-excel",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("ppt") => "application/vnd.ms-powerpoint",
        Some("pptx") => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        Some("odt") => "application/vnd.oasis.opendocument.text",
        Some("ods") => "application/vnd.oasis.opendocument.spreadsheet",
        Some("epub") => "application/epub+zip",
        Some("zip") => "application/zip",
        Some("gif") => "image/gif",
        Some("svg") => "image/svg+xml",
        Some("avif") => "image/avif",
        Some("tif" | "tiff") => "image/tiff",
        Some("mp3") => "audio/mpeg",
        Some("ogg") => "audio/ogg",
        Some("wav") => "audio/wav",
        Some("mp4") => "video/mp4",
        Some("webm") => "video/webm",
        _ => "application/octet-stream",
    }
}

/// `[images]` in site.toml: how images are published.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields, try_from = "RawImages")]
pub struct ImagesConfig {
    /// The widths each image is published at (never wider than the image
    /// itself), narrowest first.
    pub widths: Vec<u32>,
    /// Encoder quality, 1–100, for WebP and the JPEG fallback.
    pub quality: u8,
    /// The width of the thumbnails cards show (twice their width on the
    /// page, for sharp screens).
    pub thumbnail: u32,
}

/// The narrowest and widest width `[images] widths` may list.
pub const WIDTHS_RANGE: (u32, u32) = (16, 8192);

impl Default for ImagesConfig {
    fn default() -> ImagesConfig {
        ImagesConfig {
            widths: vec![480, 960, 1600],
            quality: 80,
            thumbnail: 192,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawImages {
    widths: Option<Vec<u32>>,
    quality: Option<u8>,
    thumbnail: Option<u32>,
}

impl TryFrom<RawImages> for ImagesConfig {
    type Error = String;
    fn try_from(raw: RawImages) -> Result<ImagesConfig, String> {
        let defaults = ImagesConfig::default();
        let mut widths = raw.widths.unwrap_or(defaults.widths);
        widths.sort_unstable();
        widths.dedup();
        let (lo, hi) = WIDTHS_RANGE;
        if widths.is_empty() || widths.iter().any(|w| !(lo..=hi).contains(w)) {
            return Err(format!(
                "`[images] widths` must list widths from {lo} to {hi} pixels, e.g. [480, 960, 1600]"
            ));
        }
        let quality = raw.quality.unwrap_or(defaults.quality);
        if !(1..=100).contains(&quality) {
            return Err("`[images] quality` must be from 1 to 100, e.g. 80".into());
        }
        let thumbnail = raw.thumbnail.unwrap_or(defaults.thumbnail);
        if !(lo..=hi).contains(&thumbnail) {
            return Err(format!(
                "`[images] thumbnail` must be a width from {lo} to {hi} pixels, e.g. 192"
            ));
        }
        Ok(ImagesConfig {
            widths,
            quality,
            thumbnail,
        })
    }
}

impl ImagesConfig {
    /// The widths an image `width` pixels wide is published at: each
    /// configured width below its own, and its own when that is below
    /// the widest configured (never upscaled).
    pub fn widths_for(&self, width: u32) -> Vec<u32> {
        let mut out: Vec<u32> = self.widths.iter().copied().filter(|&w| w < width).collect();
        if self.widths.last().is_some_and(|&max| width <= max) {
            out.push(width);
        }
        out
    }
}

/// The problems of the media an entry lists: a `src` that leads nowhere
/// detente reads from, an image without `alt` text, a `link` that is not
/// a web address. The files themselves are read by [`process`].
pub fn check(media: &Media) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let at = Some(media.at);
    let src = &media.front.src;
    if src.is_empty() {
        out.push(
            Diagnostic::error(&media.entry, "the media `src` is empty")
                .at(at)
                .help("name the file: `src = \"photo.jpg\"` beside the entry, or `src = \"/media/photo.jpg\"` for content/media/photo.jpg"),
        );
    } else if media.file.is_none() {
        out.push(
            Diagnostic::error(
                &media.entry,
                format!("the media `src = \"{src}\"` leads outside content/"),
            )
            .at(at)
            .help("media files live under content/: write a path from the entry's folder (`photo.jpg`, `../media/photo.jpg`) or from content/ (`/media/photo.jpg`); web addresses are not fetched"),
        );
    }
    if media.is_image() && media.front.alt.is_none() {
        out.push(
            Diagnostic::error(
                &media.entry,
                format!("the image `{src}` needs `alt` text"),
            )
            .at(at)
            .help("describe what the image shows for readers who cannot see it: alt = \"Blinken and Qin shake hands in Beijing\""),
        );
    }
    if let Some(link) = &media.front.link {
        let lower = link.to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://")) {
            out.push(
                Diagnostic::error(
                    &media.entry,
                    format!("the media `link` `{link}` is not an http(s) address"),
                )
                .at(at)
                .help("link to the page the file comes from, e.g. https://www.state.gov/…"),
            );
        }
    }
    out
}

/// An exchange's or official's media from its front matter, placed by
/// `place` (byte range of the front matter → file line:column).
pub fn from_front(
    entry: &Path,
    fronts: &[toml::Spanned<MediaFront>],
    place: impl Fn(std::ops::Range<usize>) -> LineCol,
) -> Vec<Media> {
    fronts
        .iter()
        .map(|f| Media::new(f.get_ref(), entry, place(f.span())))
        .collect()
}

/// A hash of bytes for content-addressed names (FxHash, 8 bytes at a time).
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    bytes.len().hash(&mut h);
    h.write(bytes);
    h.finish()
}

/// `1.2 MB`, `340 kB`, `912 bytes`.
pub fn display_size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else if bytes >= 1_000 {
        format!("{} kB", bytes.div_ceil(1000))
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_resolve_beside_the_entry_or_under_content() {
        let entry = Path::new("content/exchanges/x.md");
        let r = |src| resolve(entry, src).map(|p| p.to_string_lossy().into_owned());
        assert_eq!(
            r("photo.jpg").as_deref(),
            Some("content/exchanges/photo.jpg")
        );
        assert_eq!(r("x/a.jpg").as_deref(), Some("content/exchanges/x/a.jpg"));
        assert_eq!(r("../media/a.jpg").as_deref(), Some("content/media/a.jpg"));
        assert_eq!(r("/media/a.jpg").as_deref(), Some("content/media/a.jpg"));
        assert_eq!(r("./a.pdf").as_deref(), Some("content/exchanges/a.pdf"));
        for bad in [
            "",
            "../../secret.jpg",
            "/../x.jpg",
            "https://example.org/a.jpg",
            "data:image/png;base64,AAAA",
            "..\\..\\x.jpg",
            "..",
        ] {
            assert_eq!(r(bad), None, "{bad}");
        }
    }

    #[test]
    fn kinds_and_types_follow_the_extension() {
        assert_eq!(kind_of("a.JPG"), MediaKind::Image);
        assert_eq!(kind_of("a.webp"), MediaKind::Image);
        assert_eq!(kind_of("readout.pdf"), MediaKind::Document);
        assert_eq!(kind_of("noext"), MediaKind::Document);
        assert_eq!(document_type("a.PDF"), "application/pdf");
        assert_eq!(document_type(".hidden"), "application/octet-stream");
    }

    #[test]
    fn images_are_never_upscaled() {
        let c = ImagesConfig::default();
        assert_eq!(c.widths_for(3000), [480, 960, 1600]);
        assert_eq!(c.widths_for(1600), [480, 960, 1600]);
        assert_eq!(c.widths_for(1200), [480, 960, 1200]);
        assert_eq!(c.widths_for(300), [300]);
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(display_size(912), "912 bytes");
        assert_eq!(display_size(340_001), "341 kB");
        assert_eq!(display_size(1_234_567), "1.2 MB");
    }
}
