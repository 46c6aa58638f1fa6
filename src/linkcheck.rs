//! Checking a built tree: every internal link and `#fragment` must resolve.
//!
//! Owns reading the output back: it scans every HTML page for `href` and
//! `src` (and the sitemap and feeds for their `<loc>` and `<link href>`),
//! resolves each internal one against the files of the tree the way a web
//! server (or, with `file_urls`, a browser opening files from disk) would,
//! and checks fragments against the target page's `id`s. Links to other
//! sites are not followed. It reads files only and reports what is broken,
//! with the page it is on; it knows nothing of how the tree was made.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use crate::error::{Error, Result};

/// How the tree is meant to be served.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The site's `base_url` (ends with `/`), or empty. Absolute links
    /// under it are internal.
    pub base_url: String,
    /// The tree was built for opening from disk (`--file-urls`): a link
    /// must name a file, since browsers show a folder as a listing.
    pub file_urls: bool,
}

/// One broken link.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Broken {
    /// The page it is on, relative to the tree (`exchanges/x/index.html`).
    pub page: String,
    /// The link as written.
    pub link: String,
    pub reason: String,
}

/// What a check found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub pages: usize,
    /// Internal links checked (with repeats).
    pub links: usize,
    pub broken: Vec<Broken>,
}

/// One scanned file: its links and the fragment targets it defines.
#[derive(Debug, Default)]
struct Scanned {
    links: Vec<String>,
    ids: HashSet<String>,
}

/// Checks every internal link of the tree at `dir`.
pub fn check(dir: &Path, opts: &Options) -> Result<Report> {
    let mut files = BTreeSet::new();
    let mut dirs = HashSet::new();
    list(dir, "", &mut files, &mut dirs)?;
    let scanned: HashMap<&str, Scanned> = files
        .par_iter()
        .filter(|rel| rel.ends_with(".html") || rel.ends_with(".htm") || rel.ends_with(".xml"))
        .map(|rel| {
            let path = dir.join(rel.as_str());
            let bytes = std::fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
            let text = String::from_utf8_lossy(&bytes);
            let scanned = if rel.ends_with(".xml") {
                scan_xml(&text)
            } else {
                scan_html(&text)
            };
            Ok((rel.as_str(), scanned))
        })
        .collect::<Result<_>>()?;
    let tree = Tree {
        files: &files,
        dirs: &dirs,
        scanned: &scanned,
        opts,
        base_path: crate::urls::base_path(&opts.base_url),
    };
    let mut report = Report {
        pages: scanned.len(),
        ..Report::default()
    };
    let mut broken: BTreeSet<Broken> = BTreeSet::new();
    let ordered: BTreeMap<&&str, &Scanned> = scanned.iter().collect();
    for (page, s) in ordered {
        for link in &s.links {
            match tree.resolve(page, link) {
                Outcome::External => {}
                Outcome::Ok => report.links += 1,
                Outcome::Broken(reason) => {
                    report.links += 1;
                    broken.insert(Broken {
                        page: page.to_string(),
                        link: link.clone(),
                        reason,
                    });
                }
            }
        }
    }
    report.broken = broken.into_iter().collect();
    Ok(report)
}

fn list(
    root: &Path,
    prefix: &str,
    files: &mut BTreeSet<String>,
    dirs: &mut HashSet<String>,
) -> Result<()> {
    let dir = root.join(prefix);
    let entries = std::fs::read_dir(&dir).map_err(|e| Error::io("read the folder", &dir, e))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = format!("{prefix}{name}");
        let path = entry.path();
        if std::fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
            dirs.insert(format!("{rel}/"));
            list(root, &format!("{rel}/"), files, dirs)?;
        } else {
            files.insert(rel);
        }
    }
    Ok(())
}

enum Outcome {
    External,
    Ok,
    Broken(String),
}

struct Tree<'a> {
    files: &'a BTreeSet<String>,
    /// Folders, each ending with `/`.
    dirs: &'a HashSet<String>,
    scanned: &'a HashMap<&'a str, Scanned>,
    opts: &'a Options,
    base_path: String,
}

impl Tree<'_> {
    fn resolve(&self, page: &str, link: &str) -> Outcome {
        let link = link.trim();
        let (before_fragment, fragment) = match link.split_once('#') {
            Some((a, f)) => (a, Some(f)),
            None => (link, None),
        };
        let target = before_fragment.split('?').next().unwrap_or("");
        // Absolute links (canonical URLs, the 404 page's links) are followed
        // by a web server even in a tree built for file://.
        let served = !self.opts.file_urls || target.starts_with('/') || has_scheme(target);
        // Where the link points, as a path from the tree's root.
        let from_root: String = if target.is_empty() {
            if fragment.is_none() {
                return Outcome::External;
            }
            page.to_string()
        } else if let Some(rest) = self.under_base_url(target) {
            rest.to_string()
        } else if has_scheme(target) || target.starts_with("//") {
            return Outcome::External;
        } else if let Some(abs) = target.strip_prefix('/') {
            match abs.strip_prefix(self.base_path.trim_start_matches('/')) {
                Some(rest) => rest.to_string(),
                None => {
                    return Outcome::Broken(format!(
                        "it leaves the site's base path `{}`",
                        self.base_path
                    ));
                }
            }
        } else {
            let dir = page.rfind('/').map_or("", |i| &page[..=i]);
            format!("{dir}{target}")
        };
        let Some(path) = normalize(&percent_decode(&from_root)) else {
            return Outcome::Broken("it climbs above the site's root folder".to_string());
        };
        let file = if path.is_empty() || path.ends_with('/') {
            if !served && !target.is_empty() {
                return Outcome::Broken(format!(
                    "it names the folder `{}`; opened from disk (file://) that shows a folder listing, not the page `{}index.html`",
                    if path.is_empty() { "./" } else { &path },
                    path
                ));
            }
            format!("{path}index.html")
        } else if self.files.contains(&path) {
            path.clone()
        } else if self.dirs.contains(&format!("{path}/")) {
            if !served {
                return Outcome::Broken(format!(
                    "it names the folder `{path}/`; opened from disk (file://) that is not a page"
                ));
            }
            format!("{path}/index.html")
        } else {
            return Outcome::Broken(format!("there is no file `{path}`"));
        };
        if !self.files.contains(&file) {
            return Outcome::Broken(format!("there is no page `{file}`"));
        }
        let fragment = fragment.map(percent_decode).unwrap_or_default();
        if fragment.is_empty() || fragment == "top" {
            return Outcome::Ok;
        }
        match self.scanned.get(file.as_str()) {
            Some(s) if s.ids.contains(&fragment) => Outcome::Ok,
            Some(_) => Outcome::Broken(format!("`{file}` has no element with id=\"{fragment}\"")),
            // Fragments of non-HTML files (a PDF page, …) are not checked.
            None => Outcome::Ok,
        }
    }

    /// The part after `base_url` of an absolute link to this site.
    fn under_base_url<'l>(&self, link: &'l str) -> Option<&'l str> {
        let base = &self.opts.base_url;
        if base.is_empty() {
            return None;
        }
        link.strip_prefix(base.as_str())
            .or_else(|| (link == base.trim_end_matches('/')).then_some(""))
    }
}

fn has_scheme(link: &str) -> bool {
    match link.find(':') {
        Some(i) => {
            let scheme = &link[..i];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => false,
    }
}

/// Resolves `.` and `..` segments; `None` if the path climbs above the root.
fn normalize(path: &str) -> Option<String> {
    let trailing = path.ends_with('/')
        || path.ends_with("/.")
        || path.ends_with("/..")
        || path == "."
        || path == "..";
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if trailing && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

fn percent_decode(text: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes the character references HTML attributes use. Scans bytes:
/// a reference is ASCII from its `&` to its `;`, and the text around it
/// may be any UTF-8, so nothing is cut except at those ASCII bytes.
fn decode_entities(text: &str) -> String {
    let bytes = text.as_bytes();
    if memchr::memchr(b'&', bytes).is_none() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'&', &bytes[i..]) {
        let at = i + off;
        // The name runs to a `;` at most 11 bytes after the `&`.
        let window = &bytes[at + 1..bytes.len().min(at + 12)];
        let decoded = memchr::memchr(b';', window).and_then(|end| {
            // Both ends are ASCII bytes, so character boundaries.
            let name = &text[at + 1..at + 1 + end];
            reference(name).map(|c| (c, end + 2))
        });
        match decoded {
            Some((c, len)) => {
                out.push_str(&text[copied..at]);
                out.push(c);
                copied = at + len;
                i = copied;
            }
            None => i = at + 1,
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// The character a reference's name (between `&` and `;`) stands for.
fn reference(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => name
            .strip_prefix("#x")
            .or_else(|| name.strip_prefix("#X"))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
            .and_then(char::from_u32),
    }
}

/// One start tag: its lower-case name and attributes (values decoded).
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
    /// Byte offset just past the tag's `>`.
    end: usize,
}

/// Reads the start tag at `text[start..]` (just after its `<`).
fn read_tag(text: &str, start: usize) -> Tag {
    let b = text.as_bytes();
    let mut i = start;
    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
        i += 1;
    }
    let name = text[start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() || b[i] == b'>' {
            break;
        }
        let name_start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !b"=>/".contains(&b[i]) {
            i += 1;
        }
        let attr = text[name_start..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let quote = b[i];
                let v_start = i + 1;
                i = v_start;
                while i < b.len() && b[i] != quote {
                    i += 1;
                }
                value = decode_entities(&text[v_start..i.min(b.len())]);
                i += 1;
            } else {
                let v_start = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                value = decode_entities(&text[v_start..i]);
            }
        }
        if !attr.is_empty() {
            attrs.push((attr, value));
        }
    }
    Tag {
        name,
        attrs,
        end: (i + 1).min(b.len()),
    }
}

/// Walks the tags of a document, skipping comments, declarations and the
/// contents of `<script>` and `<style>`; calls `f` with each start tag and
/// the text right after it.
fn each_tag(text: &str, mut f: impl FnMut(&Tag, &str)) {
    let lower_ascii = |s: &str| s.to_ascii_lowercase();
    let mut i = 0;
    while let Some(off) = text[i..].find('<') {
        let at = i + off;
        let rest = &text[at..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(text.len(), |e| at + e + 3);
            continue;
        }
        if rest.starts_with("<![CDATA[") {
            i = rest.find("]]>").map_or(text.len(), |e| at + e + 3);
            continue;
        }
        let next = rest.as_bytes().get(1).copied().unwrap_or(b' ');
        if !next.is_ascii_alphabetic() {
            i = rest.find('>').map_or(text.len(), |e| at + e + 1);
            continue;
        }
        let tag = read_tag(text, at + 1);
        let after = &text[tag.end..];
        let text_after = &after[..after.find('<').unwrap_or(after.len())];
        f(&tag, text_after);
        i = tag.end;
        if tag.name == "script" || tag.name == "style" {
            let close = format!("</{}", tag.name);
            i = lower_ascii(&text[i..])
                .find(&close)
                .map_or(text.len(), |e| i + e);
        }
    }
}

fn scan_html(text: &str) -> Scanned {
    let mut s = Scanned::default();
    each_tag(text, |tag, _| {
        for (k, v) in &tag.attrs {
            match k.as_str() {
                "href" | "src" => s.links.push(v.clone()),
                // `url 480w, url 960w`: each candidate's URL.
                "srcset" => s.links.extend(
                    v.split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .map(str::to_string),
                ),
                "id" => {
                    s.ids.insert(v.clone());
                }
                "name" if tag.name == "a" => {
                    s.ids.insert(v.clone());
                }
                _ => {}
            }
        }
    });
    s
}

/// Links in a sitemap (`<loc>`) or feed (`<link href>`).
fn scan_xml(text: &str) -> Scanned {
    let mut s = Scanned::default();
    each_tag(text, |tag, after| match tag.name.as_str() {
        "loc" => s.links.push(decode_entities(after.trim())),
        "link" => s.links.extend(
            tag.attrs
                .iter()
                .filter(|(k, _)| k == "href")
                .map(|(_, v)| v.clone()),
        ),
        _ => {}
    });
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_dot_segments() {
        assert_eq!(normalize("a/b/../c/").as_deref(), Some("a/c/"));
        assert_eq!(normalize("a/./b").as_deref(), Some("a/b"));
        assert_eq!(normalize("a/..").as_deref(), Some(""));
        assert_eq!(normalize("../x"), None);
    }

    #[test]
    fn scans_links_and_ids_but_not_scripts_or_comments() {
        let html = r#"<a href="x/?q=1#h" id=top-link>x</a><!-- <a href="no"> -->
            <script type="application/ld+json">{"a":"<a href='nope'>"}</script>
            <img src='i.png' alt="a > b" srcset="s-1.png 1x, s-2.png 2x"><h2 id="h">t</h2><a name=n></a>
            <a href="a&amp;b">y</a>"#;
        let s = scan_html(html);
        assert_eq!(
            s.links,
            vec!["x/?q=1#h", "i.png", "s-1.png", "s-2.png", "a&b"]
        );
        assert!(s.ids.contains("h") && s.ids.contains("n") && s.ids.contains("top-link"));
    }

    #[test]
    fn decodes_references_and_percent_escapes() {
        assert_eq!(decode_entities("a&amp;b&#39;&#x41;&bogus;"), "a&b'A&bogus;");
        assert_eq!(percent_decode("a%20b%2"), "a b%2");
        // Multi-byte characters right after a reference, or after an `&`
        // that starts none, are never cut.
        assert_eq!(decode_entities("&amp; Wang 北京"), "& Wang 北京");
        assert_eq!(decode_entities("&quot;北京北京&quot;"), "\"北京北京\"");
        assert_eq!(decode_entities("&北京北京北京;"), "&北京北京北京;");
        assert_eq!(decode_entities("é&#xe9;&#233;&"), "ééé&");
    }

    #[test]
    fn knows_schemes() {
        assert!(has_scheme("https://x") && has_scheme("mailto:a@b"));
        assert!(!has_scheme("a/b:c") && !has_scheme("../x"));
    }
}
