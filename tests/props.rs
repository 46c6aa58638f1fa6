//! Property tests over the entry parser: whatever bytes a content file
//! holds, splitting and parsing it never panics, and every valid exchange
//! written out and read back is the same exchange. (256 cases each by
//! default; set PROPTEST_CASES to run more.) And over the whole tool:
//! whatever Unicode text an exchange holds, `build` and then
//! `check --output` on the tree it wrote succeed (a few dozen cases, each
//! a real build: set DETENTE_SITE_CASES to run more).

mod common;

use std::path::Path;

use chrono::NaiveDate;
use detente::frontmatter::{self, quote};
use detente::load::{self, EXCHANGE_KEYS, ExchangeFront, IssueFront, OfficialFront};
use proptest::prelude::*;

const REL: &str = "content/exchanges/x.md";

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// Fragments that steer random text towards the parser's edges.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("+++".to_string()),
        Just("+++\n".to_string()),
        Just("+++\r\n".to_string()),
        Just("\u{feff}".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\r".to_string()),
        Just("title = \"t\"\n".to_string()),
        Just("date = 2023-02-30\n".to_string()),
        Just("date = 2023-06-18\n".to_string()),
        Just("officials = [\"a\"]\n".to_string()),
        Just("format = \"phone\"\n".to_string()),
        Just("[[sources]]\n".to_string()),
        Just("\"\"\"".to_string()),
        Just("'''".to_string()),
        Just("[".to_string()),
        Just("{".to_string()),
        Just("= ".to_string()),
        Just("#".to_string()),
        Just("\\".to_string()),
        Just("é".to_string()),
        Just("\u{0}".to_string()),
        ".{0,12}",
    ]
}

fn edgy_text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..24).prop_map(|v| v.concat())
}

fn parse_all(text: &str) {
    let rel = Path::new(REL);
    let _ = load::parse_text::<ExchangeFront>("x", rel, text, EXCHANGE_KEYS);
    let _ = load::parse_text::<OfficialFront>("x", rel, text, load::OFFICIAL_KEYS);
    let _ = load::parse_text::<IssueFront>("x", rel, text, load::ISSUE_KEYS);
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn split_never_panics_and_its_parts_are_in_place(text in prop_oneof![any::<String>(), edgy_text()]) {
        if let Ok(s) = frontmatter::split(&text) {
            prop_assert_eq!(&text[s.front_offset..s.front_offset + s.front.len()], s.front);
            prop_assert_eq!(&text[s.body_offset..], s.body);
            prop_assert!(s.front_offset <= s.body_offset);
        }
    }

    #[test]
    fn parsing_text_never_panics(text in prop_oneof![any::<String>(), edgy_text()]) {
        parse_all(&text);
    }

    #[test]
    fn parsing_bytes_never_panics(bytes in prop_oneof![
        any::<Vec<u8>>(),
        edgy_text().prop_map(String::into_bytes),
        (edgy_text(), any::<Vec<u8>>(), edgy_text()).prop_map(|(a, b, c)| [a.into_bytes(), b, c.into_bytes()].concat()),
    ]) {
        if let Ok(text) = load::decode(bytes, Path::new(REL)) {
            parse_all(&text);
        }
    }
}

/// An exchange as plain values, to write out and compare.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    title: String,
    date: NaiveDate,
    end_date: Option<NaiveDate>,
    format: String,
    location: Option<String>,
    officials: Vec<String>,
    issues: Vec<String>,
    summary: Option<String>,
    draft: bool,
    sources: Vec<(String, String)>,
    body: String,
}

impl Entry {
    /// The entry as a content file, the way a writer of entries must
    /// write it: one key per line, strings quoted on one line.
    fn write(&self, crlf: bool, bom: bool) -> String {
        let list = |v: &[String]| v.iter().map(|s| quote(s)).collect::<Vec<_>>().join(", ");
        let mut lines = vec![
            format!("title = {}", quote(&self.title)),
            format!("date = {}", self.date),
        ];
        if let Some(d) = self.end_date {
            lines.push(format!("end_date = {d}"));
        }
        lines.push(format!("format = {}", quote(&self.format)));
        if let Some(l) = &self.location {
            lines.push(format!("location = {}", quote(l)));
        }
        lines.push(format!("officials = [{}]", list(&self.officials)));
        lines.push(format!("issues = [{}]", list(&self.issues)));
        if let Some(s) = &self.summary {
            lines.push(format!("summary = {}", quote(s)));
        }
        lines.push(format!("draft = {}", self.draft));
        for (title, url) in &self.sources {
            lines.push(String::new());
            lines.push("[[sources]]".into());
            lines.push(format!("title = {}", quote(title)));
            lines.push(format!("url = {}", quote(url)));
        }
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut text = String::new();
        if bom {
            text.push('\u{feff}');
        }
        text.push_str("+++");
        text.push_str(nl);
        for l in lines {
            text.push_str(&l);
            text.push_str(nl);
        }
        text.push_str("+++");
        text.push_str(nl);
        text.push_str(&self.body);
        text
    }

    fn read(front: &ExchangeFront, body: &str) -> Entry {
        Entry {
            title: front.title.get_ref().clone(),
            date: front.date.get_ref().0,
            end_date: front.end_date.as_ref().map(|d| d.get_ref().0),
            format: front.format.get_ref().clone(),
            location: match front.location.as_ref().map(|l| l.get_ref()) {
                Some(detente::load::LocationFront::Text(text)) => Some(text.clone()),
                _ => None,
            },
            officials: front
                .officials
                .get_ref()
                .iter()
                .map(|s| s.get_ref().clone())
                .collect(),
            issues: front.issues.iter().map(|s| s.get_ref().clone()).collect(),
            summary: front.summary.clone(),
            draft: front.draft,
            sources: front
                .sources
                .iter()
                .map(|s| (s.get_ref().title.clone(), s.get_ref().url.clone()))
                .collect(),
            body: body.to_string(),
        }
    }
}

fn date() -> impl Strategy<Value = NaiveDate> {
    // TOML dates have four-digit years.
    let first = NaiveDate::from_ymd_opt(1, 1, 1).expect("date");
    let last = NaiveDate::from_ymd_opt(9999, 12, 31).expect("date");
    (0..=(last - first).num_days()).prop_map(move |d| first + chrono::Duration::days(d))
}

fn slug() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9_-]{0,20}"
}

/// Any string, or one made of the parser's edge cases (`+++` lines, CRLF…).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), edgy_text()]
}

fn entry() -> impl Strategy<Value = Entry> {
    (
        (text(), date(), prop::option::of(date()), text()),
        (
            prop::option::of(text()),
            prop::collection::vec(slug(), 0..4),
            prop::collection::vec(slug(), 0..4),
            prop::option::of(text()),
        ),
        (
            any::<bool>(),
            prop::collection::vec((text(), text()), 0..3),
            // The body is anything; CRLF in it is read back as LF.
            text(),
        ),
    )
        .prop_map(
            |(
                (title, date, end_date, format),
                (location, officials, issues, summary),
                (draft, sources, body),
            )| Entry {
                title,
                date,
                end_date,
                format,
                location,
                officials,
                issues,
                summary,
                draft,
                sources,
                body,
            },
        )
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_valid_entry_written_and_read_back_is_equal(e in entry(), crlf in any::<bool>(), bom in any::<bool>()) {
        let text = e.write(crlf, bom);
        let doc = load::parse_text::<ExchangeFront>("x", Path::new(REL), &text, EXCHANGE_KEYS)
            .map_err(|d| TestCaseError::fail(format!("{d}\n--- text ---\n{text}")))?;
        let expected = Entry { body: e.body.replace("\r\n", "\n"), ..e.clone() };
        prop_assert_eq!(Entry::read(&doc.front, &doc.body), expected);
    }
}

/// Text steered towards what output escaping and reading it back must
/// get right: references next to multi-byte characters, quotes, markup.
fn unicode_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("&".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("<".to_string()),
        Just(">".to_string()),
        Just("&amp;".to_string()),
        Just("&#".to_string()),
        Just(";".to_string()),
        Just(" ".to_string()),
        Just("北京".to_string()),
        Just("é".to_string()),
        Just("😀".to_string()),
        Just("\u{fffd}".to_string()),
        "\\PC{0,6}",
        any::<String>().prop_map(|s| s.chars().take(8).collect()),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

fn site_config() -> ProptestConfig {
    let cases = std::env::var("DETENTE_SITE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    ProptestConfig {
        cases,
        // Each case builds a site: shrinking is slow, and the first
        // failure with its input is what matters.
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(site_config())]

    #[test]
    fn any_text_builds_and_its_output_checks(
        title in unicode_text(),
        summary in prop::option::of(unicode_text()),
        location in prop::option::of(unicode_text()),
        body in unicode_text(),
        issue in unicode_text(),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("site");
        common::minimal_site(&root);
        let mut front = vec![
            // A title of only spaces is refused (rightly): keep one letter.
            format!("title = {}", quote(&format!("T{title}"))),
            "date = 2023-06-18".to_string(),
            "format = \"in-person\"".to_string(),
            "officials = [\"antony-blinken\", \"qin-gang\"]".to_string(),
            "issues = [\"taiwan\", \"trade\"]".to_string(),
        ];
        if let Some(l) = &location {
            front.push(format!("location = {}", quote(l)));
        }
        if let Some(s) = &summary {
            front.push(format!("summary = {}", quote(s)));
        }
        // Without `[` and `]` the body has no Markdown links, whose
        // targets could rightly be broken.
        let body = body.replace(['[', ']'], "");
        let exchange = format!("+++\n{}\n+++\n{body}\n", front.join("\n"));
        let issue = format!("+++\nname = {}\n+++\n{body}\n", quote(&format!("I{issue}")));
        common::write_files(
            &root,
            &[
                ("content/exchanges/2023-06-18-blinken-qin-beijing.md", &exchange),
                ("content/issues/taiwan.md", &issue),
            ],
        );
        let out = dir.path().join("public");
        let (root_s, out_s) = (root.to_str().expect("utf-8"), out.to_str().expect("utf-8"));
        let b = common::detente(&["build", "--root", root_s, "--output", out_s]);
        prop_assert!(b.status.success(), "build exit {:?}:\n{}", b.status.code(), common::stderr(&b));
        let c = common::detente(&["check", "--root", root_s, "--output", out_s]);
        prop_assert!(c.status.success(), "check exit {:?}:\n{}", c.status.code(), common::stderr(&c));
    }
}
