//! What templates, feeds and data files show of media.
//!
//! Owns the template values of an image (`url`, `width`, `height`,
//! `srcset`, `webp_srcset`, `sizes`, …), a card's thumbnail and a
//! document (documented in the README), and the `media` items of
//! `exchanges.json`. URLs are relative to the site root, like every URL
//! templates receive, except the `srcset` strings: they hold several URLs
//! and are ready to use as they are (each already relative to the page).

use std::collections::BTreeMap;

use serde::Serialize;
use tera::Value;

use super::{Media, MediaKind, Rendition};
use crate::render::values::{ROOT_MARK, map, s};
use crate::urls::Urls;

/// The `sizes` attribute of an image on an exchange or official page:
/// the width of the page's column.
pub const SIZES: &str = "(min-width: 62rem) 58rem, calc(100vw - 2rem)";

fn opt(v: &Option<String>) -> Value {
    v.as_deref().map_or(Value::none(), s)
}

/// The text fields every media value has.
fn common(m: &Media) -> [(&'static str, Value); 6] {
    [
        ("src", s(&m.front.src)),
        ("alt", opt(&m.front.alt)),
        ("caption", opt(&m.front.caption)),
        ("credit", opt(&m.front.credit)),
        ("license", opt(&m.front.license)),
        ("link", opt(&m.front.link)),
    ]
}

fn srcset(sizes: &[Rendition], webp: bool) -> String {
    sizes
        .iter()
        .map(|r| {
            let o = if webp { &r.webp } else { &r.fallback };
            format!("{ROOT_MARK}{} {}w", o.path, r.width)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// An image's value; `lazy` says whether it may load lazily (all but an
/// exchange page's first). None until processed.
pub fn image(m: &Media, lazy: bool) -> Option<Value> {
    let p = m.done.as_ref().filter(|_| m.kind == MediaKind::Image)?;
    let big = p.largest()?;
    let variants: Vec<Value> = p
        .sizes
        .iter()
        .map(|r| {
            let sizes = [
                ("size", Value::from(r.fallback.bytes)),
                ("webp_size", Value::from(r.webp.bytes)),
            ];
            Value::from(BTreeMap::from_iter(rendition(r).into_iter().chain(sizes)))
        })
        .collect();
    let mut out: Vec<(&'static str, Value)> = common(m).into();
    out.extend([
        ("kind", s("image")),
        ("url", s(&big.fallback.path)),
        ("webp_url", s(&big.webp.path)),
        ("width", Value::from(big.width)),
        ("height", Value::from(big.height)),
        ("type", s(big.fallback.media_type)),
        ("srcset", Value::safe_string(&srcset(&p.sizes, false))),
        ("webp_srcset", Value::safe_string(&srcset(&p.sizes, true))),
        ("sizes", s(SIZES)),
        ("lazy", Value::from(lazy)),
        ("variants", Value::from(variants)),
    ]);
    Some(Value::from(
        out.into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<BTreeMap<String, Value>>(),
    ))
}

/// What every value of one rendition has: its files' URLs, its size in
/// pixels and its fallback's media type.
fn rendition(r: &Rendition) -> [(&'static str, Value); 5] {
    [
        ("url", s(&r.fallback.path)),
        ("webp_url", s(&r.webp.path)),
        ("width", Value::from(r.width)),
        ("height", Value::from(r.height)),
        ("type", s(r.fallback.media_type)),
    ]
}

/// A card's thumbnail: the first image's thumbnail rendition.
pub fn thumbnail(media: &[Media]) -> Value {
    let first = media.iter().find(|m| m.kind == MediaKind::Image);
    let Some((m, r)) = first.and_then(|m| Some((m, m.done.as_ref()?.thumb.as_ref()?))) else {
        return Value::none();
    };
    let alt = ("alt", opt(&m.front.alt));
    Value::from(BTreeMap::from_iter(rendition(r).into_iter().chain([alt])))
}

/// A document's value. None until processed.
pub fn document(m: &Media) -> Option<Value> {
    let copy = m.done.as_ref()?.copy.as_ref()?;
    let name = m.front.src.rsplit('/').next().unwrap_or(&m.front.src);
    let mut out: Vec<(&'static str, Value)> = common(m).into();
    out.extend([
        ("kind", s("document")),
        ("url", s(&copy.path)),
        ("name", s(name)),
        ("type", s(copy.media_type)),
        (
            "extension",
            s(&super::extension(name).unwrap_or_default().to_uppercase()),
        ),
        ("size", Value::from(copy.bytes)),
        ("size_display", s(&super::display_size(copy.bytes))),
    ]);
    Some(Value::from(
        out.into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<BTreeMap<String, Value>>(),
    ))
}

/// The `images`, `documents` and `media` (both, as written) values of an
/// exchange page; the first image loads at once, the others lazily.
pub fn exchange(media: &[Media]) -> [(&'static str, Value); 3] {
    let mut images = Vec::new();
    let mut documents = Vec::new();
    let mut all = Vec::new();
    for m in media {
        let v = match m.kind {
            MediaKind::Image => image(m, !images.is_empty()).inspect(|v| images.push(v.clone())),
            MediaKind::Document => document(m).inspect(|v| documents.push(v.clone())),
        };
        all.extend(v);
    }
    [
        ("images", Value::from(images)),
        ("documents", Value::from(documents)),
        ("media", Value::from(all)),
    ]
}

/// The first image of `media` with what social cards, feeds and
/// TimelineJS show of it: its widest fallback (JPEG or PNG).
pub fn first_image(media: &[Media]) -> Option<(&Media, &Rendition)> {
    media
        .iter()
        .filter(|m| m.kind == MediaKind::Image)
        .find_map(|m| Some((m, m.done.as_ref()?.largest()?)))
}

/// `page.image`: what a social card shows of a page's image. Its `url` is
/// absolute when the site has a `base_url`, else relative to the page.
pub fn social(media: &[Media], urls: &Urls) -> Value {
    let Some((m, r)) = first_image(media) else {
        return Value::none();
    };
    let url = if urls.is_absolute() {
        urls.absolute(&r.fallback.path)
    } else {
        format!("{ROOT_MARK}{}", r.fallback.path)
    };
    map([
        ("url", s(&url)),
        ("width", Value::from(r.width)),
        ("height", Value::from(r.height)),
        ("type", s(r.fallback.media_type)),
        ("alt", opt(&m.front.alt)),
    ])
}

/// One item of `media` in `exchanges.json`.
#[derive(Serialize)]
pub struct Json<'a> {
    kind: &'static str,
    url: String,
    #[serde(rename = "type")]
    media_type: &'static str,
    size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    height: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alt: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    caption: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    license: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    link: Option<&'a str>,
    /// An image's renditions, narrowest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    variants: Vec<JsonVariant>,
}

#[derive(Serialize)]
pub struct JsonVariant {
    width: u32,
    height: u32,
    url: String,
    #[serde(rename = "type")]
    media_type: &'static str,
    size: u64,
    webp: String,
    webp_size: u64,
}

/// The `media` list of an exchange in `exchanges.json`: absolute URLs
/// (root-relative without a `base_url`).
pub fn json<'a>(media: &'a [Media], urls: &Urls) -> Vec<Json<'a>> {
    media
        .iter()
        .filter_map(|m| {
            let p = m.done.as_ref()?;
            let f = &m.front;
            let text = |t: &'a Option<String>| t.as_deref();
            let (kind, url, media_type, size, dims) = match m.kind {
                MediaKind::Image => {
                    let big = p.largest()?;
                    (
                        "image",
                        urls.absolute(&big.fallback.path),
                        big.fallback.media_type,
                        big.fallback.bytes,
                        Some((big.width, big.height)),
                    )
                }
                MediaKind::Document => {
                    let c = p.copy.as_ref()?;
                    (
                        "document",
                        urls.absolute(&c.path),
                        c.media_type,
                        c.bytes,
                        None,
                    )
                }
            };
            Some(Json {
                kind,
                url,
                media_type,
                size,
                width: dims.map(|d| d.0),
                height: dims.map(|d| d.1),
                alt: text(&f.alt),
                caption: text(&f.caption),
                credit: text(&f.credit),
                license: text(&f.license),
                link: text(&f.link),
                variants: p
                    .sizes
                    .iter()
                    .map(|r| JsonVariant {
                        width: r.width,
                        height: r.height,
                        url: urls.absolute(&r.fallback.path),
                        media_type: r.fallback.media_type,
                        size: r.fallback.bytes,
                        webp: urls.absolute(&r.webp.path),
                        webp_size: r.webp.bytes,
                    })
                    .collect(),
            })
        })
        .collect()
}
