//! Every page of a site and where it lives: the route table.
//!
//! Owns page kinds, their templates, output paths and URLs, and pagination
//! of the long lists. Nothing here renders; `render` asks this table what
//! pages exist and where each one goes.

use crate::model::Site;

/// The kinds of page a site has, each with its own template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageKind {
    Home,
    Year,
    Exchange,
    Officials,
    Official,
    Issues,
    Issue,
    /// Who met whom: officials of one country against the other (with
    /// more than two countries, the index of country pairs).
    Matrix,
    /// Who met whom between one pair of countries (an index into
    /// `Site::country_pairs`).
    MatrixPair,
    /// Every country and city exchanges were held in.
    Places,
    /// One country's or city's exchanges (an index into `Site::place_lists`).
    Place,
    NotFound,
}

impl PageKind {
    pub const ALL: [PageKind; 12] = [
        PageKind::Home,
        PageKind::Year,
        PageKind::Exchange,
        PageKind::Officials,
        PageKind::Official,
        PageKind::Issues,
        PageKind::Issue,
        PageKind::Matrix,
        PageKind::MatrixPair,
        PageKind::Places,
        PageKind::Place,
        PageKind::NotFound,
    ];

    /// Whether pages of this kind show exchange cards (rendered once
    /// each through `partials/card.html`).
    pub fn lists_cards(self) -> bool {
        matches!(
            self,
            PageKind::Home
                | PageKind::Year
                | PageKind::Official
                | PageKind::Issue
                | PageKind::Place
        )
    }

    /// The template that renders this kind.
    pub fn template(self) -> &'static str {
        match self {
            PageKind::Home => "index.html",
            PageKind::Year => "year.html",
            PageKind::Exchange => "exchange.html",
            PageKind::Officials => "officials.html",
            PageKind::Official => "official.html",
            PageKind::Issues => "issues.html",
            PageKind::Issue => "issue.html",
            PageKind::Matrix | PageKind::MatrixPair => "who-met-whom.html",
            PageKind::Places => "places.html",
            PageKind::Place => "place.html",
            PageKind::NotFound => "404.html",
        }
    }

    /// The name templates see as `page.kind`.
    pub fn name(self) -> &'static str {
        match self {
            PageKind::Home => "home",
            PageKind::Year => "year",
            PageKind::Exchange => "exchange",
            PageKind::Officials => "officials",
            PageKind::Official => "official",
            PageKind::Issues => "issues",
            PageKind::Issue => "issue",
            PageKind::Matrix => "who-met-whom",
            PageKind::MatrixPair => "who-met-whom-pair",
            PageKind::Places => "places",
            PageKind::Place => "place",
            PageKind::NotFound => "404",
        }
    }
}

/// One page: its kind and which entry or list page it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Page {
    pub kind: PageKind,
    /// The entry's index (exchange, official, issue, or year in `Site::years`);
    /// 0 for pages that show no single entry.
    pub index: usize,
    /// 1-based page number of a paginated list.
    pub number: usize,
}

impl Page {
    pub fn new(kind: PageKind, index: usize) -> Page {
        Page {
            kind,
            index,
            number: 1,
        }
    }

    /// The page's directory relative to the site root (`exchanges/x/`), or
    /// its file name for pages that are files (`404.html`). The home page is `""`.
    pub fn path(&self, site: &Site) -> String {
        let base = match self.kind {
            PageKind::Home => String::new(),
            PageKind::Year => format!("years/{}/", site.years[self.index].year),
            PageKind::Exchange => format!("exchanges/{}/", site.exchanges[self.index].slug),
            PageKind::Officials => "officials/".to_string(),
            PageKind::Official => format!("officials/{}/", site.officials[self.index].slug),
            PageKind::Issues => "issues/".to_string(),
            PageKind::Issue => format!("issues/{}/", site.issues[self.index].slug),
            PageKind::Matrix => "who-met-whom/".to_string(),
            PageKind::MatrixPair => site.country_pairs[self.index].path(),
            PageKind::Places => "places/".to_string(),
            PageKind::Place => site.place_lists[self.index].path(&site.places),
            PageKind::NotFound => return "404.html".to_string(),
        };
        if self.number > 1 {
            format!("{base}page/{}/", self.number)
        } else {
            base
        }
    }

    /// The file this page is written to, relative to the output root.
    pub fn file(&self, site: &Site) -> String {
        let path = self.path(site);
        if path.ends_with(".html") {
            path
        } else {
            format!("{path}index.html")
        }
    }

    /// The exchanges a paginated list page shows, and how many pages the list has.
    pub fn list<'a>(&self, site: &'a Site) -> (&'a [usize], usize) {
        let all: &[usize] = match self.kind {
            PageKind::Home => &site.timeline,
            PageKind::Year => &site.years[self.index].exchanges,
            PageKind::Official => &site.by_official[self.index],
            PageKind::Issue => &site.by_issue[self.index],
            PageKind::Place => site.place_lists[self.index].exchanges(&site.places),
            _ => &[],
        };
        paginate(all, site.config.paginate, self.number)
    }
}

/// The slice shown on page `number` (1-based) and the number of pages.
pub fn paginate<T>(all: &[T], per_page: usize, number: usize) -> (&[T], usize) {
    let pages = all.len().div_ceil(per_page).max(1);
    let start = ((number - 1) * per_page).min(all.len());
    let end = (start + per_page).min(all.len());
    (&all[start..end], pages)
}

/// How many pages the home timeline has.
pub fn home_pages(site: &Site) -> usize {
    site.exchanges.len().div_ceil(site.config.paginate).max(1)
}

/// Every page of the site, in a stable order.
pub fn all_pages(site: &Site) -> Vec<Page> {
    let per = site.config.paginate;
    let mut pages =
        Vec::with_capacity(site.exchanges.len() + site.officials.len() + site.issues.len() + 16);
    let numbered = |pages: &mut Vec<Page>, kind, index, len: usize| {
        for number in 1..=len.div_ceil(per).max(1) {
            pages.push(Page {
                kind,
                index,
                number,
            });
        }
    };
    numbered(&mut pages, PageKind::Home, 0, site.exchanges.len());
    for (i, y) in site.years.iter().enumerate() {
        numbered(&mut pages, PageKind::Year, i, y.exchanges.len());
    }
    pages.extend((0..site.exchanges.len()).map(|i| Page::new(PageKind::Exchange, i)));
    pages.push(Page::new(PageKind::Officials, 0));
    for (i, list) in site.by_official.iter().enumerate() {
        numbered(&mut pages, PageKind::Official, i, list.len());
    }
    pages.push(Page::new(PageKind::Issues, 0));
    for (i, list) in site.by_issue.iter().enumerate() {
        numbered(&mut pages, PageKind::Issue, i, list.len());
    }
    pages.push(Page::new(PageKind::Matrix, 0));
    pages.extend((0..site.country_pairs.len()).map(|i| Page::new(PageKind::MatrixPair, i)));
    // Only a site with structured places has place pages.
    if !site.places.is_empty() {
        pages.push(Page::new(PageKind::Places, 0));
        for (i, list) in site.place_lists.iter().enumerate() {
            numbered(
                &mut pages,
                PageKind::Place,
                i,
                list.exchanges(&site.places).len(),
            );
        }
    }
    pages.push(Page::new(PageKind::NotFound, 0));
    pages
}

/// The relative prefix from a page at `path` back to the site root.
pub fn root_prefix(path: &str) -> String {
    let depth = path.matches('/').count();
    if depth == 0 {
        "./".to_string()
    } else {
        "../".repeat(depth)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paginates_evenly_and_keeps_one_empty_page() {
        let all: Vec<usize> = (0..7).collect();
        assert_eq!(paginate(&all, 3, 1), (&all[0..3], 3));
        assert_eq!(paginate(&all, 3, 3), (&all[6..7], 3));
        let none: [usize; 0] = [];
        assert_eq!(paginate(&none, 3, 1).1, 1);
    }

    #[test]
    fn root_prefix_climbs_each_folder() {
        assert_eq!(root_prefix(""), "./");
        assert_eq!(root_prefix("404.html"), "./");
        assert_eq!(root_prefix("exchanges/x/"), "../../");
        assert_eq!(root_prefix("years/2023/page/2/"), "../../../../");
    }
}
