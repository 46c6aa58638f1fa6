//! Markdown bodies to HTML, safely.
//!
//! Owns the pulldown-cmark options and the safety rules: raw HTML is escaped
//! unless the site allows it, links and images with script-capable URLs
//! (`javascript:`, `vbscript:`, `data:` except for images) are dropped, and
//! root-relative links are made relative to the page so the site works under
//! any base path. It knows nothing of pages or templates.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
}

/// How to render a body.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions<'a> {
    /// Pass raw HTML through instead of escaping it.
    pub unsafe_html: bool,
    /// Prefix from the page to the site root (`../../`), put before
    /// root-relative link targets (`/issues/taiwan/`).
    pub root: &'a str,
}

/// Renders Markdown to HTML under the safety rules above.
pub fn to_html(markdown: &str, opts: RenderOptions<'_>) -> String {
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    // Each dropped link or image leaves its text; remember which ends to drop.
    let mut dropped: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown, options()).filter_map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) if !opts.unsafe_html => Some(Event::Text(html)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let safe = url_is_safe(&dest_url, false);
            dropped.push(!safe);
            safe.then(|| {
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: rebase(dest_url, opts.root),
                    title,
                    id,
                })
            })
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let safe = url_is_safe(&dest_url, true);
            dropped.push(!safe);
            safe.then(|| {
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: rebase(dest_url, opts.root),
                    title,
                    id,
                })
            })
        }
        Event::End(end @ (TagEnd::Link | TagEnd::Image)) => {
            let was_dropped = dropped.pop().unwrap_or(false);
            (!was_dropped).then_some(Event::End(end))
        }
        other => Some(other),
    });
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

/// Whether a link or image target may appear in a page.
pub fn url_is_safe(url: &str, image: bool) -> bool {
    // Browsers ignore white space and control characters inside a scheme.
    let squeezed: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    if squeezed.starts_with("javascript:") || squeezed.starts_with("vbscript:") {
        return false;
    }
    !squeezed.starts_with("data:") || image && squeezed.starts_with("data:image/")
}

/// Makes a root-relative target (`/a/b/`) relative to the page.
fn rebase<'a>(url: CowStr<'a>, root: &str) -> CowStr<'a> {
    if url.starts_with('/') && !url.starts_with("//") {
        CowStr::from(format!("{root}{}", &url[1..]))
    } else {
        url
    }
}

/// The plain text of the first paragraph, for summaries.
pub fn first_paragraph_text(markdown: &str) -> String {
    let mut text = String::new();
    let mut inside = false;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Paragraph) => inside = true,
            Event::End(TagEnd::Paragraph) if inside => break,
            Event::Text(t) | Event::Code(t) if inside => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak if inside => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAFE: RenderOptions = RenderOptions {
        unsafe_html: false,
        root: "../../",
    };

    #[test]
    fn escapes_raw_html_by_default() {
        let html = to_html("<script>alert(1)</script>\n\nhi <b>x</b>", SAFE);
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        let open = RenderOptions {
            unsafe_html: true,
            ..SAFE
        };
        assert!(to_html("hi <b>x</b>", open).contains("<b>x</b>"));
    }

    #[test]
    fn drops_script_urls_but_keeps_text() {
        for url in [
            "javascript:alert(1)",
            "JaVa\tScript:x",
            "vbscript:x",
            "data:text/html,x",
        ] {
            let html = to_html(&format!("[click]({url})"), SAFE);
            assert!(!html.contains("<a"), "{url}: {html}");
            assert!(html.contains("click"), "{url}: {html}");
        }
        let img = to_html("![dot](data:image/png;base64,AAAA)", SAFE);
        assert!(img.contains("<img"), "{img}");
        let bad = to_html("![x](javascript:alert(1))", SAFE);
        assert!(!bad.contains("<img"), "{bad}");
    }

    #[test]
    fn rebases_root_relative_links() {
        let html = to_html(
            "[t](/issues/taiwan/) [e](https://x.org/) [p](//cdn.x/)",
            SAFE,
        );
        assert!(html.contains(r#"href="../../issues/taiwan/""#), "{html}");
        assert!(html.contains(r#"href="https://x.org/""#));
        assert!(html.contains(r#"href="//cdn.x/""#));
    }

    #[test]
    fn first_paragraph_is_plain_text() {
        let md = "# Head\n\nFirst *para*\nline two.\n\nSecond.";
        assert_eq!(first_paragraph_text(md), "First para line two.");
    }
}
