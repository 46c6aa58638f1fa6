//! JSON that is safe inside a `<script>` element, or loaded as a script.
//!
//! Owns the one escaping rule every JSON text of a build follows (JSON-LD
//! in the pages, the data files, the search index): `<`, `>` and `&` are
//! written as `\u003c`, `\u003e` and `\u0026`, so no string can close a
//! script or open a comment in it; U+2028 and U+2029 as `\u2028` and
//! `\u2029`, which older JavaScript does not allow raw in a string. These
//! characters only occur inside JSON strings, where the escapes read back
//! the same. It takes JSON text in and knows nothing of pages or files.

use std::io::{self, Write};

/// The escape for a byte that needs one at once (`<`, `>`, `&`).
fn escape_of(byte: u8) -> Option<&'static [u8]> {
    match byte {
        b'<' => Some(b"\\u003c"),
        b'>' => Some(b"\\u003e"),
        b'&' => Some(b"\\u0026"),
        _ => None,
    }
}

/// Whether `byte` may start something to escape: U+2028 and U+2029 are
/// E2 80 A8 and E2 80 A9 in UTF-8.
fn special(byte: u8) -> bool {
    matches!(byte, b'<' | b'>' | b'&' | 0xE2)
}

/// Writes `bytes` escaped to `emit`, a run of plain bytes at a time. An
/// 0xE2 is escaped only with its whole sequence in `bytes`.
fn escape(bytes: &[u8], emit: &mut impl FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
    let mut start = 0;
    let mut i = 0;
    while let Some(at) = bytes[i..].iter().position(|&b| special(b)) {
        let at = i + at;
        let replacement = match escape_of(bytes[at]) {
            Some(r) => Some((r, 1)),
            None => match bytes.get(at + 1..at + 3) {
                Some([0x80, 0xA8]) => Some((&b"\\u2028"[..], 3)),
                Some([0x80, 0xA9]) => Some((&b"\\u2029"[..], 3)),
                _ => None,
            },
        };
        match replacement {
            Some((r, len)) => {
                emit(&bytes[start..at])?;
                emit(r)?;
                i = at + len;
                start = i;
            }
            None => i = at + 1,
        }
    }
    emit(&bytes[start..])
}

/// `text` (JSON) with the escapes above.
pub fn string(text: String) -> String {
    if !text.bytes().any(special) {
        return text;
    }
    let mut out = Vec::with_capacity(text.len() + 32);
    let _ = escape(text.as_bytes(), &mut |run| {
        out.extend_from_slice(run);
        Ok(())
    });
    // Only ASCII escapes replaced whole characters: still UTF-8.
    String::from_utf8(out).unwrap_or(text)
}

/// Writes JSON text through to `out` with the escapes above, as it comes:
/// a U+2028 split between two writes is still found.
pub struct Writer<W: Write> {
    out: W,
    /// The start of a sequence that may be U+2028 or U+2029, held until
    /// the next write completes it.
    held: Vec<u8>,
}

impl<W: Write> Writer<W> {
    pub fn new(out: W) -> Writer<W> {
        Writer {
            out,
            held: Vec::new(),
        }
    }
}

impl<W: Write> Write for Writer<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let joined;
        let bytes = if self.held.is_empty() {
            buf
        } else {
            self.held.extend_from_slice(buf);
            joined = std::mem::take(&mut self.held);
            &joined[..]
        };
        let hold = match bytes {
            [.., 0xE2, 0x80] => 2,
            [.., 0xE2] => 1,
            _ => 0,
        };
        let (now, later) = bytes.split_at(bytes.len() - hold);
        let out = &mut self.out;
        escape(now, &mut |run| out.write_all(run))?;
        self.held.extend_from_slice(later);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // What is held at the end was not a separator after all.
        let held = std::mem::take(&mut self.held);
        self.out.write_all(&held)?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NASTY: &str = "</script><script>alert(1)</script> & <!-- \u{2028}\u{2029} — é";

    #[test]
    fn escaped_json_cannot_close_a_script_and_reads_back_the_same() {
        let v = serde_json::json!({ "name": NASTY });
        let text = string(v.to_string());
        for bad in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!text.contains(bad), "{bad:?} in {text}");
        }
        assert!(text.contains("\\u2028") && text.contains('—') && text.contains('é'));
        let back: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
        assert_eq!(back, v);
    }

    #[test]
    fn the_writer_matches_the_string_whatever_the_pieces() {
        let text = serde_json::json!({ "a": NASTY, "b": "\u{2028}x\u{E2}" }).to_string();
        let whole = string(text.clone());
        let bytes = text.as_bytes();
        // Every split into pieces of 1, 2, 3 … bytes, so a separator is cut
        // at each of its bytes.
        for piece in 1..8 {
            let mut out = Vec::new();
            let mut w = Writer::new(&mut out);
            for chunk in bytes.chunks(piece) {
                w.write_all(chunk).expect("written");
            }
            w.flush().expect("flushed");
            drop(w);
            assert_eq!(
                String::from_utf8(out).expect("UTF-8"),
                whole,
                "pieces of {piece}"
            );
        }
    }

    #[test]
    fn a_text_that_ends_inside_a_sequence_is_written_whole() {
        let mut out = Vec::new();
        let mut w = Writer::new(&mut out);
        w.write_all(&[b'"', 0xE2, 0x80]).expect("written");
        w.flush().expect("flushed");
        drop(w);
        assert_eq!(out, [b'"', 0xE2, 0x80]);
    }
}
