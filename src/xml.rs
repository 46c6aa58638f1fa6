//! Escaping text for XML (feeds, sitemap): the five special characters,
//! and characters XML 1.0 forbids outright are dropped. Nothing else.

/// `text` escaped for an XML text node or a double-quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let bytes = text.as_bytes();
    let mut copied = 0;
    // Scan bytes, not characters: every character that needs care starts
    // with an ASCII byte or 0xEF (U+FFFE, U+FFFF), and runs of ordinary
    // bytes are copied whole.
    let mut i = 0;
    while let Some(at) = bytes[i..].iter().position(|&b| SPECIAL[b as usize]) {
        let at = i + at;
        let (with, len): (&str, usize) = match bytes[at] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&apos;", 1),
            b'\t' | b'\n' | b'\r' => (&text[at..at + 1], 1),
            // U+FFFE and U+FFFF, which XML 1.0 forbids: dropped.
            0xEF if matches!(bytes.get(at + 1..at + 3), Some([0xBF, 0xBE | 0xBF])) => ("", 3),
            // Any other character starting with 0xEF is ordinary.
            0xEF => {
                i = at + 1;
                continue;
            }
            // The other control characters, which XML 1.0 forbids: dropped.
            _ => ("", 1),
        };
        out.push_str(&text[copied..at]);
        out.push_str(with);
        copied = at + len;
        i = copied;
    }
    out.push_str(&text[copied..]);
    out
}

/// The bytes that start a character [`escape`] changes or drops.
const SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table[0xEF] = true;
    table
};

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            super::escape("a<b & \"c\" 'd'>\u{1}\té\u{ffff}z"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\téz"
        );
        // Other characters encoded with a leading 0xEF byte stay.
        assert_eq!(
            super::escape("\u{fffd}\u{f000}x\u{fffe}"),
            "\u{fffd}\u{f000}x"
        );
        assert_eq!(super::escape("\r\n\u{0}\u{1f}\u{7f}"), "\r\n\u{7f}");
    }
}
