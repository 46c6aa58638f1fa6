//! Decoding, resizing and encoding one image, within limits.
//!
//! Owns the limits a source image must keep ([`MAX_SIDE`], [`MAX_ALLOC`]:
//! a 20,000 × 20,000 "decompression bomb" is refused from its header,
//! before any pixel is decoded), its EXIF orientation (applied to the
//! pixels), and the encoders: WebP (lossy, libwebp through the `webp`
//! crate) and a JPEG fallback (PNG for an image with transparency), both
//! made from pixels alone, so no EXIF, GPS or other metadata of the source
//! reaches the output. It reads bytes it is given and returns bytes; it
//! touches no file and knows nothing of sites.

use std::io::Cursor;

use ::image::{
    DynamicImage, ExtendedColorType, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage,
    RgbaImage,
};

/// The widest and tallest image detente decodes, in pixels.
pub const MAX_SIDE: u32 = 16_384;
/// The most memory one decoded image may take, in bytes.
pub const MAX_ALLOC: u64 = 512 * 1024 * 1024;

/// Why an image could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Not a JPEG, PNG or WebP file at all.
    NotAnImage,
    /// Larger than the limits, in pixels: (width, height).
    TooManyPixels(u32, u32),
    /// Its header or data are damaged or cut short.
    Damaged(String),
    /// An encoder failed.
    Encode(String),
}

/// A decoded image, oriented as it should be shown.
pub struct Decoded {
    pub image: DynamicImage,
    /// Whether any pixel is not fully opaque.
    pub alpha: bool,
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    limits
}

fn reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, Problem> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Problem::Damaged(e.to_string()))?;
    match reader.format() {
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) => Ok(reader),
        _ => Err(Problem::NotAnImage),
    }
}

/// Decodes `bytes` (JPEG, PNG or WebP, told by their content), refusing
/// images over the limits before decoding them, and applies the EXIF
/// orientation.
pub fn decode(bytes: &[u8]) -> Result<Decoded, Problem> {
    // The header alone first: a bomb is named with its size.
    let (width, height) = reader(bytes)?
        .into_dimensions()
        .map_err(|e| Problem::Damaged(e.to_string()))?;
    let pixels = u64::from(width) * u64::from(height);
    if width > MAX_SIDE || height > MAX_SIDE || pixels.saturating_mul(4) > MAX_ALLOC {
        return Err(Problem::TooManyPixels(width, height));
    }
    let mut reader = reader(bytes)?;
    // The JPEG decoder fills in what a cut-short file lacks; a JPEG is
    // whole only when an end-of-image marker follows its image data.
    if reader.format() == Some(ImageFormat::Jpeg) && !jpeg_is_whole(bytes) {
        return Err(Problem::Damaged(
            "the JPEG data ends before its end-of-image marker".into(),
        ));
    }
    reader.limits(limits());
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| classify(e, width, height))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(::image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| classify(e, width, height))?;
    image.apply_orientation(orientation);
    let alpha = image.color().has_alpha() && {
        let rgba = image.to_rgba8();
        rgba.pixels().any(|p| p.0[3] != 255)
    };
    let image = if alpha {
        DynamicImage::ImageRgba8(image.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.into_rgb8())
    };
    Ok(Decoded { image, alpha })
}

/// Whether an end-of-image marker (`FF D9`) follows the first
/// start-of-scan marker (`FF DA`). Inside scan data every `FF` byte is
/// followed by `00` or a restart marker, so only the real end matches.
fn jpeg_is_whole(bytes: &[u8]) -> bool {
    let find = |marker: u8| bytes.windows(2).position(|w| w == [0xFF, marker]);
    let last_end = bytes.windows(2).rposition(|w| w == [0xFF, 0xD9]);
    matches!((find(0xDA), last_end), (Some(scan), Some(end)) if end > scan)
}

fn classify(e: ::image::ImageError, width: u32, height: u32) -> Problem {
    match e {
        ::image::ImageError::Limits(_) => Problem::TooManyPixels(width, height),
        ::image::ImageError::Unsupported(_) => Problem::NotAnImage,
        e => Problem::Damaged(e.to_string()),
    }
}

/// `image` resized to `width` × `height` (Lanczos3).
pub fn resize(image: &DynamicImage, width: u32, height: u32) -> Result<DynamicImage, Problem> {
    use fast_image_resize as fr;
    if image.width() == width && image.height() == height {
        return Ok(image.clone());
    }
    let mut out = DynamicImage::new(width, height, image.color());
    let options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    fr::Resizer::new()
        .resize(image, &mut out, &options)
        .map_err(|e| Problem::Encode(e.to_string()))?;
    Ok(out)
}

/// `image` as lossy WebP at `quality` (1–100).
pub fn webp(image: &DynamicImage, quality: u8) -> Result<Vec<u8>, Problem> {
    let (w, h) = (image.width(), image.height());
    let encoder = match image {
        DynamicImage::ImageRgba8(rgba) => webp::Encoder::from_rgba(rgba.as_raw(), w, h),
        DynamicImage::ImageRgb8(rgb) => webp::Encoder::from_rgb(rgb.as_raw(), w, h),
        other => return webp(&DynamicImage::ImageRgba8(other.to_rgba8()), quality),
    };
    encoder
        .encode_simple(false, f32::from(quality))
        .map(|m| m.to_vec())
        .map_err(|e| Problem::Encode(format!("WebP: {e:?}")))
}

/// The fallback of `image`: JPEG at `quality`, or PNG when it has
/// transparency. Returns the bytes and their media type.
pub fn fallback(
    image: &DynamicImage,
    alpha: bool,
    quality: u8,
) -> Result<(Vec<u8>, &'static str), Problem> {
    use ::image::ImageEncoder;
    let mut out = Vec::new();
    let (w, h) = (image.width(), image.height());
    let failed = |e: ::image::ImageError| Problem::Encode(e.to_string());
    if alpha {
        let rgba: RgbaImage = image.to_rgba8();
        ::image::codecs::png::PngEncoder::new(&mut out)
            .write_image(rgba.as_raw(), w, h, ExtendedColorType::Rgba8)
            .map_err(failed)?;
        Ok((out, "image/png"))
    } else {
        let rgb: RgbImage = image.to_rgb8();
        ::image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
            .write_image(rgb.as_raw(), w, h, ExtendedColorType::Rgb8)
            .map_err(failed)?;
        Ok((out, "image/jpeg"))
    }
}

/// The height of an image `width` × `height` scaled to `to` pixels wide.
pub fn scaled_height(width: u32, height: u32, to: u32) -> u32 {
    let h = (u64::from(height) * u64::from(to) + u64::from(width) / 2) / u64::from(width.max(1));
    u32::try_from(h).unwrap_or(u32::MAX).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(width, height, |x, y| {
            ::image::Rgb([x as u8, y as u8, (x ^ y) as u8])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .expect("png");
        out
    }

    #[test]
    fn decodes_resizes_and_encodes() {
        let d = decode(&png(64, 40)).expect("decodes");
        assert!(!d.alpha);
        let small = resize(&d.image, 32, scaled_height(64, 40, 32)).expect("resize");
        assert_eq!((small.width(), small.height()), (32, 20));
        let w = webp(&small, 80).expect("webp");
        assert_eq!(&w[..4], b"RIFF");
        let (j, t) = fallback(&small, false, 80).expect("jpeg");
        assert_eq!((&j[..2], t), (&[0xFF, 0xD8][..], "image/jpeg"));
    }

    #[test]
    fn refuses_what_is_not_an_image_and_bombs() {
        assert_eq!(decode(b"hello, world").err(), Some(Problem::NotAnImage));
        // A PNG header claiming 20,000 x 20,000 pixels, and nothing else.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&20_000u32.to_be_bytes());
        let crc = crc32fast::hash(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(
            decode(&bomb).err(),
            Some(Problem::TooManyPixels(20_000, 20_000))
        );
        let whole = png(64, 64);
        let cut = &whole[..whole.len() / 2];
        assert!(matches!(decode(cut), Err(Problem::Damaged(_))));
        let mut jpeg = Vec::new();
        DynamicImage::ImageRgb8(RgbImage::new(64, 64))
            .write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg)
            .expect("jpeg");
        assert!(decode(&jpeg).is_ok());
        let cut = &jpeg[..jpeg.len() - 3];
        assert!(matches!(decode(cut), Err(Problem::Damaged(_))));
    }

    #[test]
    fn heights_scale_and_round() {
        assert_eq!(scaled_height(3000, 2000, 480), 320);
        assert_eq!(scaled_height(1000, 3, 10), 1);
    }
}
