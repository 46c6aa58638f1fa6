//! Builds the shipped US–China site into a temp dir and checks the pages.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;

/// The shipped content, read independently of detente with the toml crate.
struct Content {
    /// exchange slug → (officials, issues, date)
    exchanges: BTreeMap<String, (Vec<String>, Vec<String>, String)>,
    officials: BTreeMap<String, toml::Table>,
    issues: BTreeSet<String>,
}

fn front(path: &std::path::Path) -> toml::Table {
    let text = std::fs::read_to_string(path).expect("read content");
    let inner = text
        .trim_start_matches('\u{feff}')
        .strip_prefix("+++")
        .expect("front matter");
    let end = inner.find("\n+++").expect("closing fence");
    inner[..end].parse::<toml::Table>().expect("valid TOML")
}

fn strings(t: &toml::Table, key: &str) -> Vec<String> {
    t.get(key)
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn entries(kind: &str) -> Vec<(String, toml::Table)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(repo().join("content").join(kind))
        .expect("content folder")
        .flatten()
    {
        let name = e.file_name().to_string_lossy().into_owned();
        // Translations (`<slug>.<lang>.md`) are checked in tests/languages.rs.
        if let Some(slug) = name.strip_suffix(".md").filter(|s| !s.contains('.')) {
            out.push((slug.to_string(), front(&e.path())));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn content() -> Content {
    let exchanges = entries("exchanges")
        .into_iter()
        .filter(|(_, t)| !t.get("draft").and_then(|d| d.as_bool()).unwrap_or(false))
        .map(|(slug, t)| {
            let date = t.get("date").map(|d| d.to_string()).unwrap_or_default();
            (
                slug,
                (strings(&t, "officials"), strings(&t, "issues"), date),
            )
        })
        .collect();
    Content {
        exchanges,
        officials: entries("officials").into_iter().collect(),
        issues: entries("issues").into_iter().map(|(s, _)| s).collect(),
    }
}

fn built() -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("public");
    build(&repo(), &out, &[]);
    let tree = snapshot(&out);
    (dir, tree)
}

fn page<'a>(tree: &'a BTreeMap<String, Vec<u8>>, path: &str) -> &'a str {
    let bytes = tree
        .get(path)
        .unwrap_or_else(|| panic!("missing page {path}"));
    std::str::from_utf8(bytes).expect("utf-8 page")
}

/// The slugs of exchanges linked from the part of `html` after `marker`
/// and before the next `</section>` or `</ol>`.
fn exchange_links_in(html: &str, marker: &str) -> BTreeSet<String> {
    let start = html.find(marker).unwrap_or_else(|| panic!("no {marker}"));
    let rest = &html[start..];
    let end = rest.find("</section>").unwrap_or(rest.len());
    links(&rest[..end])
        .into_iter()
        .filter_map(|l| {
            l.split("exchanges/").nth(1).map(|s| {
                s.trim_end_matches('/')
                    .trim_end_matches("/index.html")
                    .to_string()
            })
        })
        .filter(|s| !s.is_empty())
        .collect()
}

#[test]
fn the_shipped_content_is_the_june_2023_report() {
    let c = content();
    assert_eq!(
        c.exchanges.len(),
        14,
        "the Beijing talks and the 13 exchanges before them"
    );
    assert!(c.exchanges.contains_key("2023-06-18-blinken-qin-beijing"));
    // The report's Rome date (2021) is corrected to 2022.
    assert!(
        c.exchanges.keys().any(|k| k.starts_with("2022-03-14")),
        "Rome talks in March 2022"
    );
    for issue in [
        "taiwan",
        "trade",
        "human-rights",
        "north-korea",
        "russia-ukraine",
        "balloon-incident",
        "military-contact",
        "communication-channels",
    ] {
        assert!(c.issues.contains(issue), "issue {issue}");
    }
}

#[test]
fn every_page_exists() {
    let c = content();
    let (_dir, tree) = built();
    for p in [
        "index.html",
        "404.html",
        "officials/index.html",
        "issues/index.html",
        "style.css",
    ] {
        assert!(tree.contains_key(p), "{p}");
    }
    for slug in c.exchanges.keys() {
        assert!(
            tree.contains_key(&format!("exchanges/{slug}/index.html")),
            "exchange {slug}"
        );
    }
    for slug in c.officials.keys() {
        assert!(
            tree.contains_key(&format!("officials/{slug}/index.html")),
            "official {slug}"
        );
    }
    for slug in &c.issues {
        assert!(
            tree.contains_key(&format!("issues/{slug}/index.html")),
            "issue {slug}"
        );
    }
    let years: BTreeSet<&str> = c.exchanges.values().map(|(_, _, d)| &d[..4]).collect();
    for y in years {
        assert!(
            tree.contains_key(&format!("years/{y}/index.html")),
            "year {y}"
        );
    }
}

#[test]
fn every_internal_link_resolves() {
    let (_dir, tree) = built();
    let mut checked = 0;
    for (path, bytes) in &tree {
        if !path.ends_with(".html") || path == "404.html" {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        for link in links(&html) {
            if let Some(target) = resolve(path, &link) {
                assert!(
                    tree.contains_key(&target),
                    "{path} links to {link}, which is not in the output"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "only {checked} links checked");
}

#[test]
fn timeline_lists_every_exchange_newest_first_grouped_by_year() {
    let c = content();
    let (_dir, tree) = built();
    let home = page(&tree, "index.html");
    // The list, not the chart above it (which runs oldest first).
    let home = &home[home.find("id=\"timeline-list\"").expect("the list")..];
    let mut positions: Vec<(usize, &String)> = c
        .exchanges
        .keys()
        .map(|slug| {
            (
                home.find(&format!("exchanges/{slug}/"))
                    .unwrap_or_else(|| panic!("{slug} not on the timeline")),
                slug,
            )
        })
        .collect();
    positions.sort();
    let order: Vec<&String> = positions.into_iter().map(|(_, s)| s).collect();
    let mut expected: Vec<&String> = c.exchanges.keys().collect();
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(order, expected, "newest first");
    let y2023 = home.find("id=\"y2023\"").expect("2023 group");
    let y2021 = home.find("id=\"y2021\"").expect("2021 group");
    assert!(y2023 < y2021);
}

#[test]
fn index_counts_match_the_content() {
    let c = content();
    let (_dir, tree) = built();
    let officials = page(&tree, "officials/index.html");
    for slug in c.officials.keys() {
        let expected = c
            .exchanges
            .values()
            .filter(|(o, _, _)| o.contains(slug))
            .count();
        let at = officials
            .find(&format!("href=\"../officials/{slug}/\""))
            .unwrap_or_else(|| panic!("{slug} listed"));
        let count_at = officials[at..].find("data-count=\"").expect("count") + at + 12;
        let shown: usize = officials[count_at..]
            .split('"')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("number");
        assert_eq!(shown, expected, "count for {slug}");
    }
    let issues = page(&tree, "issues/index.html");
    for slug in &c.issues {
        let expected = c
            .exchanges
            .values()
            .filter(|(_, i, _)| i.contains(slug))
            .count();
        let at = issues
            .find(&format!("href=\"../issues/{slug}/\""))
            .unwrap_or_else(|| panic!("{slug} listed"));
        let count_at = issues[at..].find("data-count=\"").expect("count") + at + 12;
        let shown: usize = issues[count_at..]
            .split('"')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("number");
        assert_eq!(shown, expected, "count for {slug}");
    }
}

#[test]
fn official_pages_list_exactly_their_exchanges_with_roles() {
    let c = content();
    let (_dir, tree) = built();
    for slug in c.officials.keys() {
        let html = page(&tree, &format!("officials/{slug}/index.html"));
        let expected: BTreeSet<String> = c
            .exchanges
            .iter()
            .filter(|(_, (o, _, _))| o.contains(slug))
            .map(|(s, _)| s.clone())
            .collect();
        assert_eq!(
            exchange_links_in(html, "id=\"exchanges\""),
            expected,
            "exchanges of {slug}"
        );
    }
    // Qin Gang was foreign minister (not ambassador) at the Beijing talks.
    let qin = page(&tree, "officials/qin-gang/index.html");
    let qin = &qin[qin.find("id=\"exchanges\"").expect("the list")..];
    let beijing = qin
        .find("2023-06-18-blinken-qin-beijing")
        .expect("Beijing talks listed");
    let item = qin[..beijing]
        .rfind("class=\"with-role\"")
        .expect("the exchange's list item");
    let role = &qin[item..beijing];
    assert!(role.contains("Minister of Foreign Affairs"), "{role}");
    // Wang Yi's role differs between 2021 (foreign minister) and 2023 (commission office).
    let wang = page(&tree, "officials/wang-yi/index.html");
    let wang = &wang[wang.find("id=\"exchanges\"").expect("the list")..];
    let munich = wang.find("2023-02-18").expect("Munich");
    assert!(
        wang[wang[..munich]
            .rfind("class=\"with-role\"")
            .expect("list item")..munich]
            .contains("Central Foreign Affairs"),
        "Wang Yi's role in 2023"
    );
}

#[test]
fn exchange_page_shows_roles_issues_body_and_neighbours() {
    let (_dir, tree) = built();
    let html = page(&tree, "exchanges/2023-06-18-blinken-qin-beijing/index.html");
    assert!(html.contains("<h1>Blinken"), "title as h1");
    assert!(
        html.contains("Secretary of State"),
        "Blinken's role that day"
    );
    assert!(html.contains("../../issues/taiwan/"), "issue link");
    assert!(
        html.contains("rel=\"prev\" href=\"../../exchanges/2023-06-02"),
        "previous (older) exchange"
    );
    assert!(
        !html.contains("rel=\"next\""),
        "the newest exchange has no next"
    );
    assert!(html.contains("<time datetime=\"2023-06-18\">18–19 June 2023</time>"));
}

#[test]
fn drafts_are_built_only_with_the_flag() {
    let dir = tempfile::tempdir().expect("temp dir");
    minimal_site(dir.path());
    write_files(
        dir.path(),
        &[(
            "content/exchanges/2023-07-01-draft.md",
            "+++\ntitle = \"Secret draft\"\ndate = 2023-07-01\nformat = \"phone\"\nofficials = [\"antony-blinken\"]\ndraft = true\n+++\nx\n",
        )],
    );
    let out = dir.path().join("public");
    build(dir.path(), &out, &[]);
    assert!(!out.join("exchanges/2023-07-01-draft/index.html").exists());
    assert!(
        !std::fs::read_to_string(out.join("index.html"))
            .expect("home")
            .contains("Secret draft")
    );
    build(dir.path(), &out, &["--drafts"]);
    assert!(out.join("exchanges/2023-07-01-draft/index.html").exists());
}

#[test]
fn file_urls_link_to_index_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    minimal_site(dir.path());
    let out = dir.path().join("public");
    build(dir.path(), &out, &["--file-urls"]);
    let tree = snapshot(&out);
    let home = page(&tree, "index.html");
    assert!(
        home.contains("href=\"./exchanges/2023-06-18-blinken-qin-beijing/index.html\""),
        "{home}"
    );
    for (path, bytes) in &tree {
        if path.ends_with(".html") && path != "404.html" {
            for link in links(&String::from_utf8_lossy(bytes)) {
                if let Some(target) = resolve(path, &link) {
                    assert!(
                        !link.ends_with('/'),
                        "{path}: {link} needs index.html for file://"
                    );
                    assert!(tree.contains_key(&target), "{path} → {link}");
                }
            }
        }
    }
}

/// The heading levels of an HTML page, in document order (`<h1>` → 1).
fn heading_levels(html: &str) -> Vec<u8> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    for i in 0..b.len().saturating_sub(3) {
        if b[i] == b'<'
            && b[i + 1].eq_ignore_ascii_case(&b'h')
            && (b'1'..=b'6').contains(&b[i + 2])
            && (b[i + 3] == b'>' || b[i + 3].is_ascii_whitespace())
        {
            out.push(b[i + 2] - b'0');
        }
    }
    out
}

/// Every page starts at one `h1`, and no heading is more than one level
/// below the one before it (an `h3` right under the `h1` skips a level).
fn assert_heading_order(tree: &BTreeMap<String, Vec<u8>>) {
    let mut pages = 0;
    for (name, bytes) in tree.iter().filter(|(n, _)| n.ends_with(".html")) {
        let levels = heading_levels(std::str::from_utf8(bytes).expect("utf-8"));
        assert_eq!(levels.first(), Some(&1), "{name}: starts with {levels:?}");
        assert_eq!(levels.iter().filter(|&&l| l == 1).count(), 1, "{name}");
        for pair in levels.windows(2) {
            assert!(
                pair[1] <= pair[0] + 1,
                "{name}: h{} follows h{} ({levels:?})",
                pair[1],
                pair[0]
            );
        }
        pages += 1;
    }
    assert!(pages > 20, "only {pages} pages");
}

#[test]
fn heading_levels_never_skip_on_any_page() {
    let (_dir, tree) = built();
    assert_heading_order(&tree);
    // Paginated lists too.
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    copy_dir(&repo().join("content"), &root.join("content"));
    let toml = root.join("content/site.toml");
    let config = std::fs::read_to_string(&toml).expect("site.toml");
    std::fs::write(&toml, format!("paginate = 3\n{config}")).expect("write");
    let out = dir.path().join("public");
    build(&root, &out, &[]);
    let tree = snapshot(&out);
    assert!(tree.contains_key("years/2022/page/2/index.html"));
    assert_heading_order(&tree);
}
