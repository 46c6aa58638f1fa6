//! `sitemap.xml` (sitemaps.org protocol 0.9) and `robots.txt`.
//!
//! Owns the list of pages crawlers are told about (every page of the route
//! table but the 404 page) and each one's `lastmod`, taken from the dates
//! of the exchanges it shows, never from the clock. A sitemap needs
//! absolute URLs, so a site without `base_url` gets none, and its
//! robots.txt does not point at one. A site's own `static/robots.txt` wins
//! over the generated one (the `leaves` table decides).
//!
//! The protocol allows 50,000 URLs and 50 MiB per file: a site over either
//! limit gets numbered sitemaps (`sitemap-1.xml`, `sitemap-2.xml`, …) and
//! `sitemap.xml` becomes the sitemap index that lists them, so robots.txt
//! and crawlers keep one address. Returns text; writes nothing.

use std::ops::Range;

use chrono::NaiveDate;

use crate::feeds::last_day;
use crate::model::Site;
use crate::render::routes::{Page, PageKind};
use crate::urls::Urls;
use crate::xml::escape;

pub const SITEMAP: &str = "sitemap.xml";
pub const ROBOTS: &str = "robots.txt";

/// How much one sitemap file may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub urls: usize,
    pub bytes: usize,
}

/// The protocol's limits: 50,000 URLs and 52,428,800 bytes per file.
pub const LIMITS: Limits = Limits {
    urls: 50_000,
    bytes: 50 * 1024 * 1024,
};

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
const URLSET_OPEN: &str = "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
/// The opening of a `<urlset>` whose entries list their translations.
const URLSET_OPEN_LANGUAGES: &str = "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";

fn urlset_open(site: &Site) -> &'static str {
    if site.config.languages.is_empty() {
        URLSET_OPEN
    } else {
        URLSET_OPEN_LANGUAGES
    }
}

/// The languages of the site, default first, each with the folder its
/// pages are under ("" for the default).
fn languages(site: &Site) -> Vec<(&str, String)> {
    std::iter::once((site.config.language.as_str(), String::new()))
        .chain(
            site.config
                .languages
                .iter()
                .map(|l| (l.tag.as_str(), format!("{}/", l.tag))),
        )
        .collect()
}
const URLSET_CLOSE: &str = "</urlset>\n";

/// The file of the `n`th (0-based) part of a split sitemap: `sitemap-1.xml`, …
pub fn part_path(n: usize) -> String {
    format!("sitemap-{}.xml", n + 1)
}

pub fn robots(urls: &Urls) -> String {
    let mut text = String::from("User-agent: *\nAllow: /\n");
    if urls.is_absolute() {
        text.push_str(&format!("\nSitemap: {}\n", urls.absolute(SITEMAP)));
    }
    text
}

/// How the pages are shared out between sitemap files: each part is a
/// range of the route table (whose 404 page is skipped). One part means a
/// single `sitemap.xml`; more, numbered files and an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    parts: Vec<Range<usize>>,
}

impl Plan {
    /// Shares out `pages` so that no file holds more than `limits` allows.
    /// A site well under the limits is known to fit from a bound on its
    /// longest URL, without writing an entry.
    pub fn new(site: &Site, urls: &Urls, pages: &[Page], limits: Limits) -> Plan {
        let listed = pages
            .iter()
            .filter(|p| p.kind != PageKind::NotFound)
            .count();
        let longest_slug = site
            .exchanges
            .iter()
            .map(|e| e.slug.len())
            .chain(site.officials.iter().map(|o| o.slug.len()))
            .chain(site.issues.iter().map(|i| i.slug.len()))
            .max()
            .unwrap_or(0);
        // `officials/<slug>/page/<n>/`, each byte percent-encoded at worst.
        let longest_path = 3 * (longest_slug + 32);
        let bound = ENTRY_BYTES + escape(&urls.absolute("")).len() + longest_path;
        let frame = HEAD.len() + urlset_open(site).len() + URLSET_CLOSE.len();
        // Each page is listed once per language, with a link to each.
        let langs = languages(site).len();
        let listed = listed * langs;
        let bound = bound * langs * (langs + 2);
        if listed <= limits.urls && frame + listed.saturating_mul(bound) <= limits.bytes {
            return Plan {
                parts: std::iter::once(0..pages.len()).collect(),
            };
        }
        let mut parts = Vec::new();
        let (mut start, mut count, mut bytes) = (0, 0, frame);
        let mut one = String::new();
        for (i, page) in pages.iter().enumerate() {
            if page.kind == PageKind::NotFound {
                continue;
            }
            one.clear();
            entry(&mut one, site, urls, page);
            if count > 0 && (count + langs > limits.urls || bytes + one.len() > limits.bytes) {
                parts.push(start..i);
                (start, count, bytes) = (i, 0, frame);
            }
            count += langs;
            bytes += one.len();
        }
        parts.push(start..pages.len());
        Plan { parts }
    }

    /// How many numbered files there are: 0 when `sitemap.xml` is the
    /// only one.
    pub fn numbered(&self) -> usize {
        if self.parts.len() > 1 {
            self.parts.len()
        } else {
            0
        }
    }

    /// `sitemap.xml`: every page, or the index of the numbered files.
    pub fn main(&self, site: &Site, urls: &Urls, pages: &[Page]) -> String {
        match self.parts.as_slice() {
            [one] => urlset(site, urls, &pages[one.clone()]),
            parts => index(site, urls, pages, parts),
        }
    }

    /// The `n`th numbered file.
    pub fn part(&self, n: usize, site: &Site, urls: &Urls, pages: &[Page]) -> String {
        let range = self.parts.get(n).cloned().unwrap_or(0..0);
        urlset(site, urls, &pages[range])
    }
}

/// The bytes of a `<url>` entry besides its URL, at most.
const ENTRY_BYTES: usize =
    "  <url>\n    <loc></loc>\n    <lastmod>+99999-12-31</lastmod>\n  </url>\n".len();

/// The `<url>` entries of `page`: one, or one per language, each naming
/// the page in every language (`xhtml:link`, and `x-default`).
fn entry(x: &mut String, site: &Site, urls: &Urls, page: &Page) {
    let path = page.path(site);
    let langs = languages(site);
    let lastmod = lastmod(site, page);
    let links: Vec<(&str, String)> = langs
        .iter()
        .map(|(tag, folder)| (*tag, escape(&urls.absolute(&format!("{folder}{path}")))))
        .collect();
    for (_, loc) in &links {
        x.push_str("  <url>\n");
        x.push_str(&format!("    <loc>{loc}</loc>\n"));
        if let Some(d) = lastmod {
            x.push_str(&format!("    <lastmod>{d}</lastmod>\n"));
        }
        if links.len() > 1 {
            for (tag, href) in &links {
                x.push_str(&format!(
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{tag}\" href=\"{href}\"/>\n"
                ));
            }
            x.push_str(&format!(
                "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>\n",
                links[0].1
            ));
        }
        x.push_str("  </url>\n");
    }
}

/// A `<urlset>` of `pages` (but the 404 page).
fn urlset(site: &Site, urls: &Urls, pages: &[Page]) -> String {
    let mut x = String::with_capacity(256 + pages.len() * 128);
    x.push_str(HEAD);
    x.push_str(urlset_open(site));
    for page in pages.iter().filter(|p| p.kind != PageKind::NotFound) {
        entry(&mut x, site, urls, page);
    }
    x.push_str(URLSET_CLOSE);
    x
}

/// The sitemap index: each numbered file, dated by its newest page.
fn index(site: &Site, urls: &Urls, pages: &[Page], parts: &[Range<usize>]) -> String {
    let mut x = String::with_capacity(256 + parts.len() * 128);
    x.push_str(HEAD);
    x.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (n, range) in parts.iter().enumerate() {
        x.push_str("  <sitemap>\n");
        x.push_str(&format!(
            "    <loc>{}</loc>\n",
            escape(&urls.absolute(&part_path(n)))
        ));
        let newest = pages[range.clone()]
            .iter()
            .filter(|p| p.kind != PageKind::NotFound)
            .filter_map(|p| lastmod(site, p))
            .max();
        if let Some(d) = newest {
            x.push_str(&format!("    <lastmod>{d}</lastmod>\n"));
        }
        x.push_str("  </sitemap>\n");
    }
    x.push_str("</sitemapindex>\n");
    x
}

/// When a page last changed, by its content: the newest last day of the
/// exchanges it shows. Pages that show no exchanges of their own (the
/// officials and issues indexes) change with the whole site.
pub fn lastmod(site: &Site, page: &Page) -> Option<NaiveDate> {
    let newest = |ids: &[usize]| ids.iter().map(|&i| last_day(&site.exchanges[i])).max();
    match page.kind {
        PageKind::Exchange => Some(last_day(&site.exchanges[page.index])),
        PageKind::Home | PageKind::Year | PageKind::Official | PageKind::Issue => {
            newest(page.list(site).0)
        }
        _ => site.exchanges.iter().map(last_day).max(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::routes;

    /// The shipped site (14 exchanges, some 50 pages).
    fn shipped() -> Site {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let loaded = crate::load::load(root).expect("the shipped site loads");
        Site::build(loaded, false)
    }

    fn locs(xml: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(xml).expect("XML");
        doc.descendants()
            .filter(|n| n.has_tag_name("loc"))
            .filter_map(|n| n.text().map(String::from))
            .collect()
    }

    #[test]
    fn a_small_site_has_one_sitemap() {
        let site = shipped();
        let urls = Urls::new(&site.config);
        let pages = routes::all_pages(&site);
        let plan = Plan::new(&site, &urls, &pages, LIMITS);
        assert_eq!(plan.numbered(), 0);
        let main = plan.main(&site, &urls, &pages);
        assert!(main.contains("<urlset"), "{main}");
        // All but the 404 page, once per language.
        let langs = 1 + site.config.languages.len();
        assert_eq!(locs(&main).len(), (pages.len() - 1) * langs);
    }

    #[test]
    fn over_the_url_limit_the_sitemap_is_split_and_indexed() {
        let site = shipped();
        let urls = Urls::new(&site.config);
        let pages = routes::all_pages(&site);
        // Each page is listed once per language; a page's languages stay
        // together in one file.
        let langs = 1 + site.config.languages.len();
        let listed = pages.len() - 1;
        let limits = Limits {
            urls: 10,
            bytes: LIMITS.bytes,
        };
        let plan = Plan::new(&site, &urls, &pages, limits);
        assert_eq!(plan.numbered(), listed.div_ceil(10 / langs));
        let index = plan.main(&site, &urls, &pages);
        let doc = roxmltree::Document::parse(&index).expect("XML");
        assert_eq!(doc.root_element().tag_name().name(), "sitemapindex");
        let parts: Vec<String> = (0..plan.numbered())
            .map(|n| urls.absolute(&part_path(n)))
            .collect();
        assert_eq!(locs(&index), parts);
        assert_eq!(parts[0], "https://example.org/sitemap-1.xml");
        // Every page is in exactly one part, in order, none over the limit.
        let mut all = Vec::new();
        for n in 0..plan.numbered() {
            let part = locs(&plan.part(n, &site, &urls, &pages));
            assert!(!part.is_empty() && part.len() <= 10, "{}", part.len());
            all.extend(part);
        }
        assert_eq!(all, locs(&urlset(&site, &urls, &pages)));
        // Each part is dated by its newest page.
        let dates = doc
            .descendants()
            .filter(|n| n.has_tag_name("lastmod"))
            .count();
        assert_eq!(dates, plan.numbered());
    }

    #[test]
    fn over_the_byte_limit_the_sitemap_is_split() {
        let site = shipped();
        let urls = Urls::new(&site.config);
        let pages = routes::all_pages(&site);
        let limits = Limits {
            urls: LIMITS.urls,
            bytes: 2_000,
        };
        let plan = Plan::new(&site, &urls, &pages, limits);
        assert!(plan.numbered() > 2, "{}", plan.numbered());
        let mut all = Vec::new();
        for n in 0..plan.numbered() {
            let part = plan.part(n, &site, &urls, &pages);
            assert!(part.len() <= 2_000, "{} bytes", part.len());
            all.extend(locs(&part));
        }
        assert_eq!(all, locs(&urlset(&site, &urls, &pages)));
    }
}
