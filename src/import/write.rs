//! Entries as detente's files: an exchange, an official or an issue
//! rendered to `+++` TOML front matter and a Markdown body, in the order
//! and form the README shows, every string on one line
//! ([`crate::frontmatter::quote`]), so the file reads back as written.
//!
//! Owns the text of the files and the comparison of a new text with the
//! file already there (by parsed value, not by bytes, so formatting alone
//! is not a change). It writes no files.

use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::frontmatter::{self, quote};
use crate::load::SourceLink;

/// An exchange to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeEntry {
    pub title: String,
    pub date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub format: String,
    pub location: Option<String>,
    pub officials: Vec<String>,
    pub issues: Vec<String>,
    pub summary: Option<String>,
    pub sources: Vec<SourceLink>,
    pub body: String,
}

/// A role of a new official.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleEntry {
    pub title: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// An official to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialEntry {
    pub name: String,
    pub country: String,
    pub roles: Vec<RoleEntry>,
}

/// The text of `content/exchanges/<slug>.md`.
pub fn exchange(e: &ExchangeEntry) -> String {
    let mut t = String::from("+++\n");
    let _ = writeln!(t, "title = {}", quote(&e.title));
    let _ = writeln!(t, "date = {}", e.date);
    if let Some(end) = e.end_date {
        let _ = writeln!(t, "end_date = {end}");
    }
    let _ = writeln!(t, "format = {}", quote(&e.format));
    if let Some(location) = &e.location {
        let _ = writeln!(t, "location = {}", quote(location));
    }
    let _ = writeln!(t, "officials = {}", list(&e.officials));
    if !e.issues.is_empty() {
        let _ = writeln!(t, "issues = {}", list(&e.issues));
    }
    if let Some(summary) = &e.summary {
        let _ = writeln!(t, "summary = {}", quote(summary));
    }
    for s in &e.sources {
        let _ = write!(
            t,
            "\n[[sources]]\ntitle = {}\nurl = {}\n",
            quote(&s.title),
            quote(&s.url)
        );
    }
    t.push_str("+++\n");
    push_body(&mut t, &e.body);
    t
}

/// The text of an exchange's translation, `<slug>.<lang>.md`: its title,
/// summary and location in that language (no body: the data has none).
pub fn translation(t: &crate::model::TranslatedText) -> String {
    let mut s = String::from("+++\n");
    let _ = writeln!(s, "title = {}", quote(&t.title));
    if !t.summary.is_empty() {
        let _ = writeln!(s, "summary = {}", quote(&t.summary));
    }
    if let Some(location) = &t.location {
        let _ = writeln!(s, "location = {}", quote(location));
    }
    s.push_str("+++\n");
    s
}

/// The text of `content/officials/<slug>.md`.
pub fn official(o: &OfficialEntry) -> String {
    let mut t = String::from("+++\n");
    let _ = writeln!(t, "name = {}", quote(&o.name));
    let _ = writeln!(t, "country = {}", quote(&o.country));
    for r in &o.roles {
        let _ = write!(
            t,
            "\n[[roles]]\ntitle = {}\nfrom = {}\n",
            quote(&r.title),
            r.from
        );
        if let Some(to) = r.to {
            let _ = writeln!(t, "to = {to}");
        }
    }
    t.push_str("+++\n");
    t
}

/// The text of `content/issues/<slug>.md`.
pub fn issue(name: &str) -> String {
    format!("+++\nname = {}\n+++\n", quote(name))
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", quoted.join(", "))
}

fn push_body(t: &mut String, body: &str) {
    let body = body.trim();
    if !body.is_empty() {
        t.push_str(body);
        t.push('\n');
    }
}

/// Whether two entry texts say the same: equal front matter once parsed
/// (key order and formatting aside) and the same body but for white space
/// at its ends and line endings. A text that does not parse equals only
/// itself.
pub fn same_entry(old: &str, new: &str) -> bool {
    if old == new {
        return true;
    }
    let parse = |text: &str| {
        let split = frontmatter::split(text).ok()?;
        let front: toml::Table = toml::from_str(split.front).ok()?;
        Some((front, split.body.replace("\r\n", "\n").trim().to_string()))
    };
    match (parse(old), parse(new)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{self, ExchangeFront, OfficialFront};
    use std::path::Path;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn an_exchange_reads_back_as_written() {
        let e = ExchangeEntry {
            title: "Talks \"at last\"\n+++".into(),
            date: date("2023-06-18"),
            end_date: Some(date("2023-06-19")),
            format: "in-person".into(),
            location: Some("Beijing".into()),
            officials: vec!["a".into(), "b".into()],
            issues: vec!["trade".into()],
            summary: Some("Short.".into()),
            sources: vec![SourceLink {
                title: "Readout".into(),
                url: "https://example.org/r".into(),
            }],
            body: "Body.\n\n+++\n".into(),
        };
        let text = exchange(&e);
        let doc: load::Doc<ExchangeFront> =
            load::parse_text("x", Path::new("x.md"), &text, load::EXCHANGE_KEYS).expect("parses");
        let f = &doc.front;
        assert_eq!(f.title.get_ref(), &e.title);
        assert_eq!(f.date.get_ref().0, e.date);
        assert_eq!(f.end_date.as_ref().map(|d| d.get_ref().0), e.end_date);
        assert_eq!(f.officials.get_ref().len(), 2);
        assert_eq!(f.sources[0].get_ref(), &e.sources[0]);
        assert_eq!(&*doc.body, "Body.\n\n+++\n");
    }

    #[test]
    fn an_official_reads_back_as_written() {
        let o = OfficialEntry {
            name: "Wang Yì".into(),
            country: "CN".into(),
            roles: vec![RoleEntry {
                title: "Minister".into(),
                from: date("2023-01-01"),
                to: None,
            }],
        };
        let doc: load::Doc<OfficialFront> =
            load::parse_text("x", Path::new("x.md"), &official(&o), load::OFFICIAL_KEYS)
                .expect("parses");
        assert_eq!(doc.front.name.get_ref(), "Wang Yì");
        assert_eq!(doc.front.roles.len(), 1);
    }

    #[test]
    fn sameness_ignores_formatting_but_not_content() {
        let a = "+++\ntitle = \"t\"\ndate = 2023-01-01\n+++\nBody.\n";
        let b = "+++\r\ndate = 2023-01-01\r\ntitle = 't'\r\n+++\r\n\r\nBody.";
        assert!(same_entry(a, b));
        assert!(!same_entry(
            a,
            "+++\ntitle = \"t\"\ndate = 2023-01-02\n+++\nBody.\n"
        ));
        assert!(!same_entry(
            a,
            "+++\ntitle = \"t\"\ndate = 2023-01-01\n+++\nOther.\n"
        ));
    }
}
