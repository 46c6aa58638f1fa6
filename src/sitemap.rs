//! `sitemap.xml` (sitemaps.org protocol 0.9) and `robots.txt`.
//!
//! Owns the list of pages crawlers are told about (every page of the route
//! table but the 404 page) and each one's `lastmod`, taken from the dates
//! of the exchanges it shows, never from the clock. A sitemap needs
//! absolute URLs, so a site without `base_url` gets none, and its
//! robots.txt does not point at one. A site's own `static/robots.txt` wins
//! over the generated one (the `leaves` table decides). Returns text;
//! writes nothing.

use chrono::NaiveDate;

use crate::feeds::last_day;
use crate::model::Site;
use crate::render::routes::{Page, PageKind};
use crate::urls::Urls;
use crate::xml::escape;

pub const SITEMAP: &str = "sitemap.xml";
pub const ROBOTS: &str = "robots.txt";

pub fn robots(urls: &Urls) -> String {
    let mut text = String::from("User-agent: *\nAllow: /\n");
    if urls.is_absolute() {
        text.push_str(&format!("\nSitemap: {}\n", urls.absolute(SITEMAP)));
    }
    text
}

pub fn sitemap(site: &Site, urls: &Urls, pages: &[Page]) -> String {
    let mut x = String::with_capacity(256 + pages.len() * 128);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for page in pages.iter().filter(|p| p.kind != PageKind::NotFound) {
        x.push_str("  <url>\n");
        x.push_str(&format!(
            "    <loc>{}</loc>\n",
            escape(&urls.absolute(&page.path(site)))
        ));
        if let Some(d) = lastmod(site, page) {
            x.push_str(&format!("    <lastmod>{d}</lastmod>\n"));
        }
        x.push_str("  </url>\n");
    }
    x.push_str("</urlset>\n");
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
