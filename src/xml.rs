//! Escaping text for XML (feeds, sitemap): the five special characters,
//! and characters XML 1.0 forbids outright are dropped. Nothing else.

/// `text` escaped for an XML text node or a double-quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut rest = text;
    // Copy runs of ordinary characters whole; handle the rest one by one.
    while let Some(i) = rest.find(|c: char| needs_care(c)) {
        out.push_str(&rest[..i]);
        let c = rest[i..].chars().next().unwrap_or_default();
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            // Characters XML 1.0 forbids: dropped.
            _ => {}
        }
        rest = &rest[i + c.len_utf8()..];
    }
    out.push_str(rest);
    out
}

fn needs_care(c: char) -> bool {
    matches!(c, '&' | '<' | '>' | '"' | '\'' | '\u{fffe}' | '\u{ffff}') || (c as u32) < 0x20
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            super::escape("a<b & \"c\" 'd'>\u{1}\té\u{ffff}z"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\téz"
        );
    }
}
