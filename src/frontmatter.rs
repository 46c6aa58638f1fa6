//! Splitting a content file into its TOML front matter and Markdown body.
//!
//! A content file starts with a line `+++`, then TOML, then another `+++` line,
//! then the body. A UTF-8 byte order mark and CRLF line endings are accepted.
//! This module only finds the two parts; it does not parse TOML or Markdown.

/// The two parts of a content file, as slices of the file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The TOML between the two `+++` lines.
    pub front: &'a str,
    /// Byte offset of `front` in the file's text.
    pub front_offset: usize,
    /// Everything after the closing `+++` line.
    pub body: &'a str,
    /// Byte offset of `body` in the file's text.
    pub body_offset: usize,
}

/// Why a file could not be split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitError {
    /// The file has no content at all (or only white space).
    Empty,
    /// The file does not start with a `+++` line.
    Missing,
    /// The opening `+++` line has no closing partner.
    Unterminated,
}

impl SplitError {
    pub fn message(self) -> &'static str {
        match self {
            SplitError::Empty => "the file is empty",
            SplitError::Missing => "the file does not start with `+++` front matter",
            SplitError::Unterminated => "the front matter opened on line 1 is never closed",
        }
    }

    pub fn help(self) -> &'static str {
        match self {
            SplitError::Empty | SplitError::Missing => {
                "start the file with a line `+++`, the TOML fields, then another `+++` line"
            }
            SplitError::Unterminated => "add a line containing only `+++` after the TOML fields",
        }
    }
}

const FENCE: &str = "+++";

/// Splits `text` (the whole file) into front matter and body.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    if rest.trim().is_empty() {
        return Err(SplitError::Empty);
    }
    let Some(first_end) = line_end(rest, 0) else {
        return Err(if is_fence(rest) {
            SplitError::Unterminated
        } else {
            SplitError::Missing
        });
    };
    if !is_fence(&rest[..first_end.content_end]) {
        return Err(SplitError::Missing);
    }
    let front_start = first_end.next;
    let mut pos = front_start;
    loop {
        let (content_end, next) = match line_end(rest, pos) {
            Some(end) => (end.content_end, end.next),
            None => (rest.len(), rest.len()),
        };
        if is_fence(&rest[pos..content_end]) {
            return Ok(Split {
                front: &rest[front_start..pos],
                front_offset: start + front_start,
                body: &rest[next..],
                body_offset: start + next,
            });
        }
        if next >= rest.len() {
            return Err(SplitError::Unterminated);
        }
        pos = next;
    }
}

/// `s` as a TOML basic string on a single line. Writers of front matter
/// use it so that no value can put a `+++` line (or any line) into the
/// TOML: the `toml` crate writes strings holding newlines as multi-line
/// strings, and a `+++` line inside one would end the front matter.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

struct LineEnd {
    /// End of the line's content, before `\r\n` or `\n`.
    content_end: usize,
    /// Start of the next line.
    next: usize,
}

fn line_end(text: &str, from: usize) -> Option<LineEnd> {
    let nl = text[from..].find('\n')? + from;
    let content_end = if nl > from && text.as_bytes()[nl - 1] == b'\r' {
        nl - 1
    } else {
        nl
    };
    Some(LineEnd {
        content_end,
        next: nl + 1,
    })
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == FENCE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_and_body() {
        let s = split("+++\ntitle = \"a\"\n+++\nbody\n").expect("valid");
        assert_eq!(s.front, "title = \"a\"\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.front_offset, 4);
    }

    #[test]
    fn accepts_bom_and_crlf() {
        let s = split("\u{feff}+++\r\ntitle = \"a\"\r\n+++\r\nbody").expect("valid");
        assert_eq!(s.front, "title = \"a\"\r\n");
        assert_eq!(s.body, "body");
    }

    #[test]
    fn closing_fence_at_end_of_file() {
        let s = split("+++\na = 1\n+++").expect("valid");
        assert_eq!(s.front, "a = 1\n");
        assert_eq!(s.body, "");
    }

    #[test]
    fn quoted_strings_stay_on_one_line() {
        let q = quote("a\n+++\nb \"c\" \\ \u{7f}\t");
        assert!(!q.contains('\n'), "{q}");
        let v: toml::Value = toml::from_str(&format!("x = {q}")).expect("valid TOML");
        assert_eq!(v["x"].as_str(), Some("a\n+++\nb \"c\" \\ \u{7f}\t"));
    }

    #[test]
    fn reports_each_failure() {
        assert_eq!(split(""), Err(SplitError::Empty));
        assert_eq!(split(" \n\n"), Err(SplitError::Empty));
        assert_eq!(split("title = 1\n"), Err(SplitError::Missing));
        assert_eq!(split("+++\ntitle = 1\n"), Err(SplitError::Unterminated));
        assert_eq!(split("+++"), Err(SplitError::Unterminated));
        assert_eq!(split("++++\n+++\n"), Err(SplitError::Missing));
    }
}
