//! TimelineJS text (HTML) to detente's Markdown, safely.
//!
//! Owns the conversion (by the `htmd` crate, with `<script>`, `<style>`
//! and other active elements dropped whole, `javascript:`-like links and
//! images reduced to their text; attributes such as `onclick` never reach
//! Markdown), plain text for headlines and captions, and what an account
//! says beyond its prose: links to a detente site's official and issue
//! pages (`…/officials/<slug>/`, with a role in parentheses after it),
//! a lone link back to an exchange's page (detente's "Read more"), and
//! a short first paragraph that can be the summary. An official's link
//! title is their country (detente's timeline.json writes it so).

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::markdown::url_is_safe;
use crate::validate::is_valid_slug;

/// The longest first paragraph (in characters) taken as the summary.
pub const SUMMARY_MAX: usize = 400;

/// Elements dropped with everything inside them.
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "template", "iframe", "object", "embed", "head", "svg", "math",
    "form", "button", "select", "textarea", "input",
];

/// HTML (a fragment or plain text) as Markdown.
pub fn to_markdown(html: &str) -> String {
    let converter = htmd::HtmlToMarkdown::builder()
        .skip_tags(DROPPED.to_vec())
        .add_handler(
            vec!["a"],
            |h: &dyn htmd::element_handler::Handlers, el: htmd::Element| {
                let href = attr(&el, "href");
                if href.is_some_and(|u| !url_is_safe(u, false)) {
                    // The link goes; its text stays.
                    return Some(h.walk_children(el.node));
                }
                h.fallback(el)
            },
        )
        .add_handler(
            vec!["img"],
            |h: &dyn htmd::element_handler::Handlers, el: htmd::Element| match attr(&el, "src") {
                Some(src) if url_is_safe(src, true) => h.fallback(el),
                _ => None,
            },
        )
        .build();
    // Converting a parsed tree cannot fail; an error would come from I/O.
    let md = converter.convert(html).unwrap_or_default();
    tidy(&md)
}

/// The value of attribute `name` of an element.
fn attr<'a>(el: &'a htmd::Element, name: &str) -> Option<&'a str> {
    el.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| &*a.value)
}

/// Trailing spaces off each line, at most one blank line in a row, no
/// blank lines at either end.
fn tidy(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut blank = 0;
    for line in md.lines() {
        // Two trailing spaces are a hard break; keep them.
        let line = if line.ends_with("  ") && !line.trim().is_empty() {
            line
        } else {
            line.trim_end()
        };
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

/// The plain text of HTML (a headline, a caption): no markup, entities
/// decoded, white space collapsed.
pub fn to_text(html: &str) -> String {
    plain(&to_markdown(html))
}

/// The text of Markdown without its markup, on one line.
fn plain(md: &str) -> String {
    let mut text = String::new();
    for event in Parser::new(md) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) | Event::Html(t) => {
                text.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An official named by a link to their page on a detente site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedOfficial {
    pub slug: String,
    pub name: String,
    /// The text in parentheses right after the link.
    pub role: Option<String>,
    /// The link's title: the country, in detente's timeline.json.
    pub country: Option<String>,
}

/// An issue named by a link to its page on a detente site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedIssue {
    pub slug: String,
    pub name: String,
}

/// An event's text, taken apart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Account {
    /// The first paragraph, when it is short plain text.
    pub summary: Option<String>,
    /// The rest, as Markdown.
    pub body: String,
    pub officials: Vec<LinkedOfficial>,
    pub issues: Vec<LinkedIssue>,
}

/// Which kind of detente page a URL names: `officials`, `issues` or
/// `exchanges`, and the slug (`https://x.org/officials/wang-yi/`,
/// `../issues/trade/index.html`).
fn page_link(url: &str) -> Option<(&'static str, String)> {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let path = path.strip_suffix("index.html").unwrap_or(path);
    let mut parts = path.trim_end_matches('/').rsplit('/');
    let slug = parts.next()?;
    let kind = parts.next()?;
    let kind = ["officials", "issues", "exchanges"]
        .into_iter()
        .find(|k| *k == kind)?;
    is_valid_slug(slug).then(|| (kind, slug.to_string()))
}

/// A piece of a paragraph: a run of text, or a link with its text.
enum Piece {
    Text(String),
    /// Where it leads (an official's or issue's page), its title, its text.
    Link(Option<(&'static str, String)>, String, String),
}

/// What one paragraph holds.
#[derive(Default)]
struct Paragraph {
    officials: Vec<LinkedOfficial>,
    issues: Vec<LinkedIssue>,
    /// Whether it holds anything but links to official and issue pages,
    /// roles after them, separators and an `Issues:` label.
    other: bool,
    /// Whether it links to an exchange's page (detente's "Read more").
    exchange_link: bool,
    /// Whether it is plain text only (no link, emphasis or code).
    plain: bool,
    /// Its text, white space collapsed.
    text: String,
}

/// Takes an event's HTML text apart: links to official and issue pages
/// become officials and issues (a paragraph of nothing else leaves the
/// body), and a short plain first block becomes the summary.
pub fn account(html: &str, take_summary: bool) -> Account {
    let md = to_markdown(html);
    let mut out = Account::default();
    let mut cut: Vec<std::ops::Range<usize>> = Vec::new();
    let mut first = true;
    for (range, para) in blocks(&md) {
        out.officials.extend(para.officials.iter().cloned());
        out.issues.extend(para.issues.iter().cloned());
        let Some(range) = range else {
            first = false;
            continue;
        };
        // Lists of officials and issues are in the front matter now, and
        // a lone link to an exchange's page is to the page being made.
        let links_only =
            !para.officials.is_empty() || !para.issues.is_empty() || para.exchange_link;
        if links_only && !para.other {
            cut.push(range);
            continue;
        }
        if first
            && take_summary
            && para.plain
            && !para.text.is_empty()
            && para.text.chars().count() <= SUMMARY_MAX
        {
            out.summary = Some(para.text);
            cut.push(range);
        }
        first = false;
    }
    let mut body = String::with_capacity(md.len());
    let mut at = 0;
    for r in cut {
        body.push_str(&md[at..r.start]);
        at = r.end;
    }
    body.push_str(&md[at..]);
    out.body = tidy(&body);
    out
}

/// The Markdown's top-level blocks in order: each paragraph with its byte
/// range and what it holds; other blocks (lists, headings…) as `None`,
/// with the officials and issues linked inside them.
fn blocks(md: &str) -> Vec<(Option<std::ops::Range<usize>>, Paragraph)> {
    let mut out = Vec::new();
    let mut pieces: Vec<Piece> = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    let mut plain = true;
    let mut in_link = false;
    for (event, range) in Parser::new(md).into_offset_iter() {
        let text_piece = |pieces: &mut Vec<Piece>, t: &str, in_link: bool| match pieces.last_mut() {
            Some(Piece::Link(_, _, text)) if in_link => text.push_str(t),
            Some(Piece::Text(text)) if !in_link => text.push_str(t),
            _ => pieces.push(Piece::Text(t.to_string())),
        };
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    start = range.start;
                    pieces.clear();
                    plain = matches!(tag, Tag::Paragraph);
                }
                depth += 1;
                match tag {
                    Tag::Link {
                        dest_url, title, ..
                    } => {
                        plain = false;
                        in_link = true;
                        pieces.push(Piece::Link(
                            page_link(&dest_url),
                            title.to_string(),
                            String::new(),
                        ));
                    }
                    Tag::Paragraph => {}
                    _ => plain = false,
                }
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if matches!(end, TagEnd::Link) {
                    in_link = false;
                }
                if depth == 0 {
                    let para = read_pieces(&pieces, plain);
                    let range = matches!(end, TagEnd::Paragraph).then_some(start..range.end);
                    out.push((range, para));
                }
            }
            Event::Text(t) => text_piece(&mut pieces, &t, in_link),
            Event::SoftBreak | Event::HardBreak => text_piece(&mut pieces, " ", in_link),
            Event::Code(t) => {
                plain = false;
                text_piece(&mut pieces, &t, in_link);
            }
            _ => plain = false,
        }
    }
    out
}

/// Where the `)` closing a parenthesis just opened before `text` is,
/// counting the ones nested in it.
fn closing_paren(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return Some(i),
            ')' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// What a paragraph's pieces say.
fn read_pieces(pieces: &[Piece], plain: bool) -> Paragraph {
    let mut p = Paragraph {
        plain,
        ..Paragraph::default()
    };
    let mut text = String::new();
    let mut after_official = false;
    for piece in pieces {
        match piece {
            Piece::Link(target, title, t) => {
                text.push_str(t);
                let name = t.split_whitespace().collect::<Vec<_>>().join(" ");
                after_official = false;
                match target {
                    Some(("officials", slug)) if !name.is_empty() => {
                        p.officials.push(LinkedOfficial {
                            slug: slug.clone(),
                            name,
                            role: None,
                            country: Some(title.trim().to_string()).filter(|c| !c.is_empty()),
                        });
                        after_official = true;
                    }
                    Some(("issues", slug)) if !name.is_empty() => p.issues.push(LinkedIssue {
                        slug: slug.clone(),
                        name,
                    }),
                    Some(("exchanges", _)) => p.exchange_link = true,
                    _ => p.other = true,
                }
            }
            Piece::Text(t) => {
                text.push_str(t);
                let mut rest = t.as_str();
                if std::mem::take(&mut after_official)
                    && let Some(inner) = rest.strip_prefix(" (")
                    && let Some(end) = closing_paren(inner)
                {
                    let role = inner[..end].trim();
                    if let Some(o) = p.officials.last_mut() {
                        o.role = (!role.is_empty()).then(|| role.to_string());
                    }
                    rest = &inner[end + 1..];
                }
                let residue = rest.trim().trim_start_matches("Issues:").replace(
                    |c: char| c.is_whitespace() || matches!(c, '.' | ',' | ';' | ':'),
                    " ",
                );
                if residue.split(' ').any(|w| !w.is_empty() && w != "and") {
                    p.other = true;
                }
            }
        }
    }
    p.text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_links_and_drops_scripts_styles_and_handlers() {
        let md = to_markdown(
            r#"<p>Read the <a href="https://example.org/r" onclick="steal()">readout</a>.</p><script>alert('x')</script><style>p{color:red}</style><p onmouseover="x()">Second <b>part</b> <a href="javascript:alert(1)">click</a> <img src="javascript:x" onerror="y()"></p>"#,
        );
        assert!(md.contains("[readout](https://example.org/r)"), "{md}");
        assert!(!md.contains("alert"), "{md}");
        assert!(!md.contains("color"), "{md}");
        assert!(!md.contains("steal"), "{md}");
        assert!(!md.contains("onmouseover"), "{md}");
        assert!(!md.contains("javascript"), "{md}");
        assert!(md.contains("**part** click"), "{md}");
    }

    #[test]
    fn text_is_escaped_so_it_stays_text() {
        let md = to_markdown("<p>a &lt;script&gt;x&lt;/script&gt;</p>");
        let html = crate::markdown::to_html(
            &md,
            crate::markdown::RenderOptions {
                unsafe_html: true,
                root: "",
            },
        );
        assert!(!html.contains("<script>"), "{html}");
    }

    #[test]
    fn plain_text_of_headlines() {
        assert_eq!(
            to_text("Talks in <b>Beijing</b> &amp; Washington"),
            "Talks in Beijing & Washington"
        );
        assert_eq!(to_text("Wang&#39;s 1. visit #2"), "Wang's 1. visit #2");
        assert_eq!(to_text("a\n  b"), "a b");
    }

    #[test]
    fn detente_timeline_text_gives_summary_officials_issues_and_body() {
        let a = account(
            r#"<p>The two met.</p><p><a href="https://example.org/officials/antony-blinken/" title="United States">Antony Blinken</a> (Secretary of State), <a href="https://example.org/officials/qin-gang/">Qin Gang</a> (State Councilor and Minister of Foreign Affairs)</p><p>Issues: <a href="https://example.org/issues/taiwan/">Taiwan</a>, <a href="https://example.org/issues/trade/">Trade</a></p><p><a href="https://example.org/exchanges/x/">Read more</a></p>"#,
            true,
        );
        assert_eq!(a.summary.as_deref(), Some("The two met."));
        assert_eq!(
            a.officials,
            vec![
                LinkedOfficial {
                    slug: "antony-blinken".into(),
                    name: "Antony Blinken".into(),
                    role: Some("Secretary of State".into()),
                    country: Some("United States".into()),
                },
                LinkedOfficial {
                    slug: "qin-gang".into(),
                    name: "Qin Gang".into(),
                    role: Some("State Councilor and Minister of Foreign Affairs".into()),
                    country: None,
                },
            ]
        );
        assert_eq!(
            a.issues.iter().map(|i| i.slug.as_str()).collect::<Vec<_>>(),
            ["taiwan", "trade"]
        );
        assert_eq!(a.body, "", "the link back to the exchange's page goes");
    }

    #[test]
    fn a_long_or_linked_first_paragraph_stays_in_the_body() {
        let long = "word ".repeat(100);
        let a = account(&format!("<p>{long}</p><p>Two.</p>"), true);
        assert_eq!(a.summary, None);
        assert!(a.body.starts_with("word word"));
        let a = account(
            r#"<p>See <a href="https://x.org/">this</a>.</p><p>Two.</p>"#,
            true,
        );
        assert_eq!(a.summary, None);
        assert_eq!(a.body, "See [this](https://x.org/).\n\nTwo.");
        let a = account("<ul><li>one</li></ul><p>Short.</p>", true);
        assert_eq!(a.summary, None, "the first block is a list");
        assert!(
            a.body.contains("one") && a.body.contains("Short."),
            "{}",
            a.body
        );
    }

    #[test]
    fn roles_may_hold_parentheses_and_commas() {
        let a = account(
            r#"<p><a href="/officials/a/">A</a> (Minister (acting), Deputy), <a href="/officials/b/">B</a></p>"#,
            true,
        );
        assert_eq!(
            a.officials[0].role.as_deref(),
            Some("Minister (acting), Deputy")
        );
        assert_eq!(a.officials[1].role, None);
        assert_eq!(a.body, "", "a list of officials only leaves the body");
    }

    #[test]
    fn prose_mentioning_an_official_link_stays() {
        let a = account(
            r#"<p>Short.</p><p>Talks with <a href="../officials/wang-yi/index.html">Wang Yi</a> went well.</p>"#,
            true,
        );
        assert_eq!(a.officials.len(), 1);
        assert_eq!(a.officials[0].slug, "wang-yi");
        assert!(a.body.contains("Wang Yi"), "{}", a.body);
    }
}
