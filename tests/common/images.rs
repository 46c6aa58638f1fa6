//! Test images made at run time with the `image` crate (nothing binary is
//! stored in git): JPEGs and PNGs of a given size with four coloured
//! quadrants, a JPEG with an EXIF block (orientation and GPS) written by
//! hand, and the bad files of the broken-site corpus.

use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

/// The colours of the quadrants: top left, top right, bottom left,
/// bottom right.
pub const QUADRANTS: [[u8; 3]; 4] = [[220, 30, 30], [30, 200, 30], [30, 30, 220], [230, 230, 30]];

/// An image `w` × `h` with four quadrants of [`QUADRANTS`].
pub fn quadrants(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        let q = usize::from(x >= w / 2) + 2 * usize::from(y >= h / 2);
        Rgb(QUADRANTS[q])
    })
}

pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    encode(DynamicImage::ImageRgb8(quadrants(w, h)), ImageFormat::Jpeg)
}

pub fn png(w: u32, h: u32) -> Vec<u8> {
    encode(DynamicImage::ImageRgb8(quadrants(w, h)), ImageFormat::Png)
}

/// A PNG with a transparent left half.
pub fn transparent_png(w: u32, h: u32) -> Vec<u8> {
    let img = RgbaImage::from_fn(w, h, |x, _| {
        if x < w / 2 {
            Rgba([0, 0, 0, 0])
        } else {
            Rgba([10, 120, 200, 255])
        }
    });
    encode(DynamicImage::ImageRgba8(img), ImageFormat::Png)
}

fn encode(img: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), format)
        .expect("encode a test image");
    out
}

/// A JPEG of [`quadrants`] `w` × `h` carrying an EXIF APP1 segment with
/// `Orientation` = `orientation` and a GPS block (latitude 39°54'N,
/// longitude 116°23'E: Beijing), as a phone writes them.
pub fn jpeg_with_exif(w: u32, h: u32, orientation: u16) -> Vec<u8> {
    let plain = jpeg(w, h);
    // TIFF, little-endian. IFD0 at 8: Orientation, GPS IFD pointer.
    let mut t: Vec<u8> = b"II*\0".to_vec();
    t.extend(8u32.to_le_bytes());
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        t.extend(tag.to_le_bytes());
        t.extend(kind.to_le_bytes());
        t.extend(count.to_le_bytes());
        t.extend(value);
    };
    // IFD0: 2 entries (2 + 2*12 + 4 = 30 bytes): GPS IFD at 8 + 30 = 38.
    t.extend(2u16.to_le_bytes());
    let o = orientation.to_le_bytes();
    entry(&mut t, 0x0112, 3, 1, [o[0], o[1], 0, 0]);
    entry(&mut t, 0x8825, 4, 1, 38u32.to_le_bytes());
    t.extend(0u32.to_le_bytes());
    // GPS IFD: 5 entries (2 + 60 + 4 = 66 bytes): rationals at 38 + 66 = 104.
    t.extend(5u16.to_le_bytes());
    entry(&mut t, 0x0000, 1, 4, [2, 3, 0, 0]); // GPSVersionID
    entry(&mut t, 0x0001, 2, 2, *b"N\0\0\0"); // GPSLatitudeRef
    entry(&mut t, 0x0002, 5, 3, 104u32.to_le_bytes()); // GPSLatitude
    entry(&mut t, 0x0003, 2, 2, *b"E\0\0\0"); // GPSLongitudeRef
    entry(&mut t, 0x0004, 5, 3, 128u32.to_le_bytes()); // GPSLongitude
    t.extend(0u32.to_le_bytes());
    assert_eq!(t.len(), 104);
    for (num, den) in [(39u32, 1u32), (54, 1), (0, 1), (116, 1), (23, 1), (0, 1)] {
        t.extend(num.to_le_bytes());
        t.extend(den.to_le_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(&t);
    let len = u16::try_from(app1.len() + 2).expect("small segment");
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend(len.to_be_bytes());
    out.extend(app1);
    out.extend(&plain[2..]);
    out
}

/// A PNG header claiming `w` × `h` pixels, and no pixel data: a
/// "decompression bomb" as far as its header goes.
pub fn bomb_png(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    // IHDR, an IDAT of a few bytes (an empty zlib stream), IEND.
    for (kind, data) in [
        (&b"IHDR"[..], &ihdr[4..]),
        (b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]),
        (b"IEND", &[]),
    ] {
        let mut chunk = kind.to_vec();
        chunk.extend(data);
        out.extend(u32::try_from(data.len()).expect("small").to_be_bytes());
        out.extend(&chunk);
        out.extend(crc32fast::hash(&chunk).to_be_bytes());
    }
    out
}

/// Whether `bytes` hold an EXIF block or GPS tags anywhere: the `Exif`
/// header of a JPEG APP1 segment or a WebP `EXIF` chunk, a JPEG APP1
/// marker, or the TIFF header that starts every EXIF block.
pub fn has_metadata(bytes: &[u8]) -> bool {
    let find = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    find(b"Exif\0\0")
        || find(b"EXIF")
        || find(b"II*\0")
        || find(b"MM\0*")
        || (bytes.starts_with(&[0xFF, 0xD8]) && jpeg_segments(bytes).contains(&0xE1))
}

/// The markers of a JPEG's segments before its image data.
pub fn jpeg_segments(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 2;
    while i + 4 <= bytes.len() && bytes[i] == 0xFF {
        let marker = bytes[i + 1];
        out.push(marker);
        if marker == 0xDA {
            break;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        i += 2 + len;
    }
    out
}
