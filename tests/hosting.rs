//! Hosting: the shipped site built for the domain root, a subpath and
//! file://, every link resolved against the built tree; the sitemap, feeds
//! and data files read back with parsers made for their formats and checked
//! against the content; deterministic, write-only-changed output.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;
use std::time::{Duration, SystemTime};

use common::{assert_same_tree, build, copy_dir, detente, repo, snapshot};

const BASE: &str = "https://example.org/";
const SUB: &str = "https://example.org/timeline/";

/// A copy of the shipped site (content, templates, static) to edit.
fn copy_site(to: &Path) {
    for dir in ["content", "templates", "static"] {
        copy_dir(&repo().join(dir), &to.join(dir));
    }
}

fn text(tree: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        tree.get(path)
            .unwrap_or_else(|| panic!("{path} is missing"))
            .clone(),
    )
    .expect("utf-8")
}

// ---- the content, read independently of detente ----

#[derive(Debug, Clone)]
struct Ex {
    slug: String,
    title: String,
    date: String,
    end_date: Option<String>,
    format: String,
    location: Option<String>,
    /// (country key, city) of a location written as a table.
    place: Option<(String, Option<String>)>,
    officials: Vec<String>,
    issues: Vec<String>,
}

impl Ex {
    fn last_day(&self) -> &str {
        self.end_date.as_deref().unwrap_or(&self.date)
    }
}

/// An entry, not a translation (`<slug>.<lang>.md`).
fn is_original(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md")
        && path
            .file_stem()
            .is_some_and(|s| !s.to_string_lossy().contains('.'))
}

fn front(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path).expect("read content");
    let rest = text.strip_prefix("+++\n").expect("front matter opens");
    let end = rest.find("\n+++").expect("front matter closes");
    rest[..end].parse().expect("front matter is TOML")
}

fn exchanges(root: &Path) -> Vec<Ex> {
    let mut out: Vec<Ex> = std::fs::read_dir(root.join("content/exchanges"))
        .expect("exchanges")
        .flatten()
        .filter(|e| is_original(&e.path()))
        .map(|e| {
            let p = e.path();
            let t = front(&p);
            let s = |k: &str| {
                t.get(k)
                    .map(|v| v.to_string().trim_matches('"').to_string())
            };
            let list = |k: &str| {
                t.get(k)
                    .and_then(|v| v.as_array())
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            Ex {
                slug: p.file_stem().expect("stem").to_string_lossy().into_owned(),
                title: t["title"].as_str().expect("title").to_string(),
                date: s("date").expect("date"),
                end_date: s("end_date"),
                format: t["format"].as_str().expect("format").to_string(),
                location: t.get("location").map(|v| match v.as_str() {
                    Some(text) => text.to_string(),
                    None => {
                        // A table: shown as "venue, city, country name".
                        let part = |k: &str| v.get(k).and_then(|p| p.as_str());
                        let country = part("country").map(country_name);
                        [part("venue"), part("city"), country.as_deref()]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                }),
                place: t.get("location").and_then(|v| {
                    let country = v.get("country")?.as_str()?.to_string();
                    let city = v.get("city").and_then(|c| c.as_str()).map(str::to_string);
                    Some((country, city))
                }),
                officials: list("officials"),
                issues: list("issues"),
            }
        })
        .collect();
    out.sort_by(|a, b| b.date.cmp(&a.date).then(a.slug.cmp(&b.slug)));
    out
}

/// The name the shipped site shows for a country key: site.toml's, else
/// the common English name of the ISO code.
fn country_name(key: &str) -> String {
    let site = std::fs::read_to_string(repo().join("content/site.toml")).expect("site.toml");
    let site: toml::Table = toml::from_str(&site).expect("site.toml parses");
    let listed = site
        .get("countries")
        .and_then(|c| c.get(key))
        .and_then(|c| c.get("name"))
        .and_then(|n| n.as_str());
    let world = match key {
        "US" => "United States",
        "CN" => "China",
        "DE" => "Germany",
        "IT" => "Italy",
        "ID" => "Indonesia",
        "TH" => "Thailand",
        "SG" => "Singapore",
        other => panic!("the test knows no name for {other}"),
    };
    listed.unwrap_or(world).to_string()
}

fn slugs(root: &Path, kind: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root.join("content").join(kind))
        .expect("content dir")
        .flatten()
        .filter(|e| is_original(&e.path()))
        .map(|e| {
            e.path()
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    v.sort();
    v
}

// ---- HTML, read with tl ----

struct Html {
    links: Vec<String>,
    ids: HashSet<String>,
    /// `<meta name|property=… content=…>`
    meta: BTreeMap<String, Vec<String>>,
    /// `<link rel=… href=…>` (rel, type, href)
    head_links: Vec<(String, String, String)>,
    titles: usize,
    json_ld: Vec<String>,
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn html(source: &str) -> Html {
    let dom = tl::parse(source, tl::ParserOptions::default()).expect("HTML parses");
    let mut h = Html {
        links: Vec::new(),
        ids: HashSet::new(),
        meta: BTreeMap::new(),
        head_links: Vec::new(),
        titles: 0,
        json_ld: Vec::new(),
    };
    // The document's own title (inline SVG charts have <title>s of their own).
    let head = &source[..source.find("</head>").unwrap_or(source.len())];
    h.titles = head.matches("<title>").count();
    for node in dom.nodes() {
        let Some(tag) = node.as_tag() else { continue };
        let attr = |k: &str| {
            tag.attributes()
                .get(k)
                .flatten()
                .map(|b| unescape(&b.as_utf8_str()))
        };
        let name = tag.name().as_utf8_str().to_ascii_lowercase();
        for k in ["href", "src"] {
            if let Some(v) = attr(k) {
                h.links.push(v);
            }
        }
        if let Some(id) = attr("id") {
            h.ids.insert(id);
        }
        match name.as_str() {
            "meta" => {
                if let (Some(key), Some(content)) =
                    (attr("name").or_else(|| attr("property")), attr("content"))
                {
                    h.meta.entry(key).or_default().push(content);
                }
            }
            "link" => h.head_links.push((
                attr("rel").unwrap_or_default(),
                attr("type").unwrap_or_default(),
                attr("href").unwrap_or_default(),
            )),
            "script" if attr("type").as_deref() == Some("application/ld+json") => {
                h.json_ld.push(tag.inner_html(dom.parser()).to_string());
            }
            _ => {}
        }
    }
    h
}

// ---- resolving links against a tree ----

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Root,
    Sub,
    Files,
}

impl Mode {
    fn base(self) -> &'static str {
        match self {
            Mode::Sub => SUB,
            _ => BASE,
        }
    }
    fn args(self) -> Vec<&'static str> {
        match self {
            Mode::Root => vec![],
            Mode::Sub => vec!["--base-url", SUB],
            Mode::Files => vec!["--file-urls"],
        }
    }
}

fn normalize(path: &str) -> Option<String> {
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
    if (path.ends_with('/') || path.ends_with("..")) && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// Resolves `link` on page `page`; returns the file it reaches, or why not.
/// `None` for links to other sites.
fn resolve(
    mode: Mode,
    files: &BTreeMap<String, Vec<u8>>,
    ids: &BTreeMap<String, HashSet<String>>,
    page: &str,
    link: &str,
) -> Option<Result<String, String>> {
    let (target, fragment) = link.split_once('#').unwrap_or((link, ""));
    let target = target.split('?').next().unwrap_or("");
    let base = mode.base();
    let base_path = &base["https://example.org".len()..];
    let (from_root, served) = if target.is_empty() {
        (page.to_string(), true)
    } else if let Some(rest) = target.strip_prefix(base) {
        (rest.to_string(), true)
    } else if target.contains("://") || target.starts_with("mailto:") {
        return None;
    } else if let Some(rest) = target.strip_prefix(base_path) {
        (rest.to_string(), true)
    } else if target.starts_with('/') {
        return Some(Err(format!("{link} leaves the base path")));
    } else {
        let dir = page.rfind('/').map_or("", |i| &page[..=i]);
        (format!("{dir}{target}"), mode != Mode::Files)
    };
    let Some(path) = normalize(&from_root) else {
        return Some(Err(format!("{link} climbs above the root")));
    };
    let file = if path.is_empty() || path.ends_with('/') {
        if !served {
            return Some(Err(format!("{link} names a folder, not a file")));
        }
        format!("{path}index.html")
    } else {
        path
    };
    if !files.contains_key(&file) {
        return Some(Err(format!("{link} → {file} does not exist")));
    }
    if !fragment.is_empty() && !ids.get(&file).is_some_and(|i| i.contains(fragment)) {
        return Some(Err(format!("{link}: no id `{fragment}` in {file}")));
    }
    Some(Ok(file))
}

/// Builds `root` in `mode` and checks every href/src of every page, and
/// the head of every page. Returns how many internal links were checked.
fn check_build(root: &Path, mode: Mode) -> usize {
    let out = tempfile::tempdir().expect("tempdir");
    let out = out.path().join("public");
    build(root, &out, &mode.args());
    let files = snapshot(&out);
    let pages: BTreeMap<String, Html> = files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p.clone(), html(&String::from_utf8_lossy(b))))
        .collect();
    let ids: BTreeMap<String, HashSet<String>> = pages
        .iter()
        .map(|(p, h)| (p.clone(), h.ids.clone()))
        .collect();
    let mut checked = 0;
    let mut broken = Vec::new();
    for (page, h) in &pages {
        for link in &h.links {
            match resolve(mode, &files, &ids, page, link) {
                None => {}
                Some(Ok(_)) => checked += 1,
                Some(Err(e)) => broken.push(format!("{page}: {e}")),
            }
        }
        // The head: one title, description, canonical, social tags, feed, style.
        assert_eq!(h.titles, 1, "{page}: one <title>");
        let one = |k: &str| {
            h.meta
                .get(k)
                .and_then(|v| v.first())
                .cloned()
                .unwrap_or_else(|| panic!("{page}: no meta {k}"))
        };
        for k in [
            "description",
            "og:title",
            "og:description",
            "og:type",
            "og:site_name",
            "twitter:card",
            "twitter:title",
        ] {
            assert!(!one(k).trim().is_empty(), "{page}: empty {k}");
        }
        let rel = |r: &str| {
            h.head_links
                .iter()
                .filter(|l| l.0 == r)
                .cloned()
                .collect::<Vec<_>>()
        };
        let style = rel("stylesheet");
        assert_eq!(style.len(), 1, "{page}: one stylesheet");
        let css = style[0].2.rsplit('/').next().unwrap_or("").to_string();
        assert!(
            css.starts_with("style.") && css.len() == "style.0123456789abcdef.css".len(),
            "{page}: stylesheet is content-hashed: {css}"
        );
        let feeds = rel("alternate");
        assert!(
            feeds
                .iter()
                .any(|l| l.1 == "application/atom+xml" && l.2.ends_with("feed.xml")),
            "{page}: links an Atom feed"
        );
        if page == "404.html" || page.ends_with("/404.html") {
            assert!(rel("canonical").is_empty(), "404 has no canonical");
            assert_eq!(one("robots"), "noindex");
            let base_path = &mode.base()["https://example.org".len()..];
            assert!(
                h.links
                    .iter()
                    .filter(|l| !l.starts_with('#') && !l.contains("://"))
                    .all(|l| l.starts_with(base_path)),
                "the 404 page is served at any depth, so its links start at {base_path}: {:?}",
                h.links
            );
            assert!(
                h.links.iter().all(|l| !l.contains("/../")),
                "{page}: links without dot segments: {:?}",
                h.links
            );
        } else {
            let canonical = rel("canonical");
            assert_eq!(canonical.len(), 1, "{page}: one canonical");
            let pretty = page.strip_suffix("index.html").unwrap_or(page);
            assert_eq!(canonical[0].2, format!("{}{pretty}", mode.base()), "{page}");
            assert_eq!(one("og:url"), canonical[0].2);
        }
        // Footer: every data file.
        for f in [
            "exchanges.json",
            "timeline.json",
            "exchanges.csv",
            "calendar.ics",
        ] {
            assert!(
                h.links.iter().any(|l| l.ends_with(f)),
                "{page}: footer links {f}"
            );
        }
    }
    assert!(
        broken.is_empty(),
        "broken links in {mode_name}:\n{}",
        broken.join("\n"),
        mode_name = mode.base()
    );
    // detente's own check agrees.
    let mut args = vec!["check", "--root", root.to_str().expect("utf-8"), "--output"];
    let out_s = out.to_str().expect("utf-8").to_string();
    args.push(&out_s);
    args.extend(match mode {
        Mode::Root => vec![],
        Mode::Sub => vec!["--base-url", SUB],
        Mode::Files => vec!["--file-urls"],
    });
    let o = detente(&args);
    assert!(
        o.status.success(),
        "detente check --output failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    checked
}

#[test]
fn every_link_resolves_from_root_subpath_and_file_urls() {
    let pages = slugs(&repo(), "exchanges").len()
        + slugs(&repo(), "officials").len()
        + slugs(&repo(), "issues").len();
    for mode in [Mode::Root, Mode::Sub, Mode::Files] {
        let checked = check_build(&repo(), mode);
        // Each page links at least the nav, the stylesheet and the data files.
        assert!(checked > pages * 10, "only {checked} links checked");
    }
}

#[test]
fn paginated_lists_link_every_page_in_every_mode() {
    let site = tempfile::tempdir().expect("tempdir");
    copy_site(site.path());
    let toml = site.path().join("content/site.toml");
    let mut config = std::fs::read_to_string(&toml).expect("site.toml");
    config = config.replacen("language =", "paginate = 3\nlanguage =", 1);
    std::fs::write(&toml, config).expect("write site.toml");
    for mode in [Mode::Root, Mode::Sub, Mode::Files] {
        check_build(site.path(), mode);
    }
    let out = site.path().join("public");
    build(site.path(), &out, &["--file-urls"]);
    let files = snapshot(&out);
    // 14 exchanges, 3 a page: 5 pages, page 2..5 under page/N/.
    for n in 2..=5 {
        assert!(
            files.contains_key(&format!("page/{n}/index.html")),
            "page {n}"
        );
    }
    let first = text(&files, "index.html");
    assert!(first.contains(r#"href="./page/2/index.html""#), "next link");
}

#[test]
fn check_reports_each_broken_link_with_its_page() {
    let out = tempfile::tempdir().expect("tempdir");
    let out = out.path().join("public");
    build(&repo(), &out, &[]);
    let ex = exchanges(&repo());
    // Break one page and one fragment.
    std::fs::remove_file(out.join(format!("exchanges/{}/index.html", ex[0].slug))).expect("remove");
    let issues = out.join("issues/index.html");
    let page = std::fs::read_to_string(&issues).expect("read");
    std::fs::write(
        &issues,
        page.replacen(
            "</main>",
            r##"<a href="../officials/#no-such-id">x</a></main>"##,
            1,
        ),
    )
    .expect("write");
    let o = detente(&[
        "check",
        "--root",
        repo().to_str().expect("utf-8"),
        "--output",
        out.to_str().expect("utf-8"),
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no element with id=\"no-such-id\""), "{err}");
    assert!(err.contains("issues/index.html"), "{err}");
    assert!(
        err.contains(&format!("exchanges/{}/", ex[0].slug)) && err.contains("index.html"),
        "{err}"
    );
    // The page that linked the removed one is named, e.g. the home page.
    assert!(
        err.contains(&format!("{}", out.join("index.html").display())),
        "{err}"
    );
}

/// A title with an escaped `&` right before multi-byte characters once
/// made `check --output` panic (exit 101) reading it back.
#[test]
fn check_reads_escaped_text_next_to_multi_byte_characters() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    common::minimal_site(&root);
    common::write_files(
        &root,
        &[(
            "content/exchanges/2023-06-18-blinken-qin-beijing.md",
            "+++\ntitle = \"Talks & Wang 北京\"\ndate = 2023-06-18\nformat = \"in-person\"\nlocation = \"\\\"北京\\\" & 上海\"\nofficials = [\"antony-blinken\", \"qin-gang\"]\nsummary = \"Q&A — 会谈 \\\"北京\\\"\"\n+++\nBody & 北京.\n",
        )],
    );
    let out = dir.path().join("public");
    build(&root, &out, &[]);
    let o = detente(&[
        "check",
        "--root",
        root.to_str().expect("utf-8"),
        "--output",
        out.to_str().expect("utf-8"),
    ]);
    assert!(
        o.status.success(),
        "exit {:?}:\n{}",
        o.status.code(),
        common::stderr(&o)
    );
}

/// A `base_url` whose path has a space and a non-ASCII letter is written
/// percent-encoded into every absolute URL, and the tree checks.
#[test]
fn base_url_paths_are_percent_encoded_everywhere() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    common::minimal_site(&root);
    common::write_files(
        &root,
        &[(
            "content/site.toml",
            "title = \"Test\"\nbase_url = \"https://example.org/time line/ä\"\n",
        )],
    );
    let out = dir.path().join("public");
    build(&root, &out, &[]);
    let files = snapshot(&out);
    let base = "https://example.org/time%20line/%C3%A4/";
    assert!(
        text(&files, "robots.txt").contains(&format!("Sitemap: {base}sitemap.xml")),
        "{}",
        text(&files, "robots.txt")
    );
    let sitemap = text(&files, "sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).expect("XML");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(!locs.is_empty());
    for loc in &locs {
        assert!(loc.starts_with(base), "{loc}");
    }
    let home = text(&files, "index.html");
    assert!(
        home.contains(&format!("<link rel=\"canonical\" href=\"{base}\">")),
        "canonical link"
    );
    // No raw space or non-ASCII character in any absolute URL written.
    for (name, bytes) in &files {
        let t = String::from_utf8_lossy(bytes);
        assert!(!t.contains("time line") && !t.contains("/ä"), "{name}");
    }
    assert!(text(&files, "404.html").contains("href=\"/time%20line/%C3%A4/\""));
    let feed = text(&files, "feed.xml");
    assert!(feed.contains(&format!("href=\"{base}feed.xml\"")), "{feed}");
    let o = detente(&[
        "check",
        "--root",
        root.to_str().expect("utf-8"),
        "--output",
        out.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", common::stderr(&o));
}

/// A `base_url` or `--base-url` that is not an absolute http(s) URL is refused.
#[test]
fn base_url_must_be_an_absolute_http_url() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    common::minimal_site(&root);
    let out = dir.path().join("public");
    let (root_s, out_s) = (root.to_str().expect("utf-8"), out.to_str().expect("utf-8"));
    let o = detente(&[
        "build",
        "--root",
        root_s,
        "--output",
        out_s,
        "--base-url",
        "example.org",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", common::stderr(&o));
    assert!(common::stderr(&o).contains("--base-url"));
    for bad in [
        "https://exa mple.org/",
        "https://bücher.example/",
        "ftp://example.org/",
    ] {
        common::write_files(
            &root,
            &[(
                "content/site.toml",
                &format!("title = \"Test\"\n\nbase_url = \"{bad}\"\n"),
            )],
        );
        let o = detente(&["build", "--root", root_s, "--output", out_s]);
        let err = common::stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{bad}: {err}");
        assert!(
            err.contains("content/site.toml:3:12") && err.contains("`base_url`"),
            "{err}"
        );
    }
}

// ---- sitemap, robots, feeds, data ----

fn built() -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("public");
    build(&repo(), &out, &[]);
    let files = snapshot(&out);
    (dir, files)
}

#[test]
fn sitemap_lists_every_page_with_content_dates_and_robots_points_at_it() {
    let (_dir, files) = built();
    let xml = text(&files, "sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).expect("sitemap is XML");
    let ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
    assert_eq!(doc.root_element().tag_name().namespace(), Some(ns));
    let mut locs = BTreeMap::new();
    for url in doc.root_element().children().filter(|n| n.is_element()) {
        let child = |name: &str| {
            url.children()
                .find(|c| c.has_tag_name((ns, name)))
                .and_then(|c| c.text())
                .map(str::to_string)
        };
        locs.insert(child("loc").expect("loc"), child("lastmod"));
    }
    let pages: BTreeSet<String> = files
        .keys()
        .filter(|p| p.ends_with("index.html"))
        .map(|p| format!("{BASE}{}", p.trim_end_matches("index.html")))
        .collect();
    assert_eq!(locs.keys().cloned().collect::<BTreeSet<_>>(), pages);
    assert!(!locs.keys().any(|l| l.contains("404")));
    let ex = exchanges(&repo());
    for e in &ex {
        let loc = format!("{BASE}exchanges/{}/", e.slug);
        assert_eq!(locs[&loc].as_deref(), Some(e.last_day()), "{loc}");
    }
    let newest = ex.iter().map(Ex::last_day).max().expect("exchanges");
    assert_eq!(locs[BASE].as_deref(), Some(newest));
    assert_eq!(locs[&format!("{BASE}officials/")].as_deref(), Some(newest));
    let robots = text(&files, "robots.txt");
    assert!(robots.contains("User-agent: *"));
    assert!(robots.contains(&format!("Sitemap: {BASE}sitemap.xml")));
}

#[test]
fn atom_feeds_for_the_site_every_official_and_every_issue() {
    let (_dir, files) = built();
    let ex = exchanges(&repo());
    let mut scopes: Vec<(String, Vec<&Ex>)> = vec![("feed.xml".into(), ex.iter().collect())];
    for o in slugs(&repo(), "officials") {
        let list = ex.iter().filter(|e| e.officials.contains(&o)).collect();
        scopes.push((format!("officials/{o}/feed.xml"), list));
    }
    for i in slugs(&repo(), "issues") {
        let list = ex.iter().filter(|e| e.issues.contains(&i)).collect();
        scopes.push((format!("issues/{i}/feed.xml"), list));
    }
    assert_eq!(scopes.len(), 1 + 16 + 10);
    for (path, expected) in &scopes {
        let xml = text(&files, path);
        // Well-formed, in the Atom namespace.
        let doc = roxmltree::Document::parse(&xml).expect("feed is XML");
        assert_eq!(
            doc.root_element().tag_name().namespace(),
            Some("http://www.w3.org/2005/Atom"),
            "{path}"
        );
        let feed = atom_syndication::Feed::read_from(xml.as_bytes()).expect("Atom parses");
        assert!(!feed.title().as_str().is_empty(), "{path}");
        assert!(!feed.authors().is_empty(), "{path}: feed author");
        let self_link = feed
            .links()
            .iter()
            .find(|l| l.rel() == "self")
            .expect("self");
        assert_eq!(self_link.href(), format!("{BASE}{path}"));
        assert_eq!(feed.id(), format!("{BASE}{path}"));
        // The site's feed holds the 50 newest, the others the 20 newest.
        let limit = if path == "feed.xml" { 50 } else { 20 };
        let expected: Vec<&Ex> = expected.iter().take(limit).copied().collect();
        assert_eq!(feed.entries().len(), expected.len(), "{path}");
        let newest = expected.iter().map(|e| e.last_day()).max();
        if let Some(newest) = newest {
            assert_eq!(feed.updated().date_naive().to_string(), newest, "{path}");
        }
        for (entry, e) in feed.entries().iter().zip(expected) {
            let url = format!("{BASE}exchanges/{}/", e.slug);
            assert_eq!(entry.title().as_str(), e.title, "{path}");
            assert_eq!(entry.id(), url);
            let alt = entry
                .links()
                .iter()
                .find(|l| l.rel() == "alternate")
                .expect("alternate");
            assert_eq!(alt.href(), url);
            assert_eq!(
                entry
                    .published()
                    .map(|d| d.date_naive().to_string())
                    .as_deref(),
                Some(e.date.as_str())
            );
            assert_eq!(entry.updated().date_naive().to_string(), e.last_day());
            let content = entry.content().expect("content");
            assert_eq!(content.content_type(), Some("html"));
            assert!(content.value().is_some_and(|v| v.contains("<p>")), "{path}");
            let terms: Vec<&str> = entry.categories().iter().map(|c| c.term()).collect();
            for s in e.officials.iter().chain(&e.issues) {
                assert!(terms.contains(&s.as_str()), "{path}: category {s}");
            }
        }
    }
    // Pages link their own feed.
    let page = text(&files, "officials/joe-biden/index.html");
    assert!(
        page.contains(r#"type="application/atom+xml" title="Joe Biden"#),
        "official feed link"
    );
    assert!(page.contains(r#"href="../../officials/joe-biden/feed.xml""#));
}

/// `reference` resolved against `base` (RFC 3986 §5.2, for the http(s)
/// URLs and relative references a feed holds).
fn resolve_url(base: &str, reference: &str) -> String {
    if reference.contains("://") {
        return reference.to_string();
    }
    let (origin, path) = {
        let after = base.find("://").map_or(0, |i| i + 3);
        let slash = base[after..].find('/').map_or(base.len(), |i| after + i);
        (&base[..slash], &base[slash..])
    };
    let merged = if reference.starts_with('/') {
        reference.to_string()
    } else {
        format!(
            "{}{reference}",
            &path[..path.rfind('/').map_or(0, |i| i + 1)]
        )
    };
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = merged.split('/').collect();
    for (n, seg) in segments.iter().enumerate() {
        match *seg {
            "." => {}
            ".." => {
                if out.len() > 1 {
                    out.pop();
                }
            }
            s => out.push(s),
        }
        if matches!(*seg, "." | "..") && n == segments.len() - 1 {
            out.push("");
        }
    }
    format!("{origin}{}", out.join("/"))
}

/// The base URL of `node`: its own and its ancestors' `xml:base`,
/// resolved in turn against the feed's address.
fn xml_base(node: roxmltree::Node, feed_url: &str) -> String {
    let ns = "http://www.w3.org/XML/1998/namespace";
    let mut bases: Vec<&str> = node
        .ancestors()
        .filter_map(|n| n.attribute((ns, "base")))
        .collect();
    bases.reverse();
    bases
        .into_iter()
        .fold(feed_url.to_string(), |base, b| resolve_url(&base, b))
}

/// Without a `base_url`, every feed still says where the links of its
/// entries' content lead: read by an XML parser and resolved against the
/// feed's own address (under a subpath), page-relative and root-relative
/// links in an account reach the same pages as from the exchange's page.
#[test]
fn feed_content_links_resolve_like_the_page_without_a_base_url() {
    assert_eq!(
        resolve_url("http://h/sub/officials/x/feed.xml", "../../"),
        "http://h/sub/"
    );
    assert_eq!(
        resolve_url("http://h/sub/", "exchanges/a/"),
        "http://h/sub/exchanges/a/"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    common::minimal_site(&root);
    common::write_files(
        &root,
        &[
            ("content/site.toml", "title = \"Test\"\n"),
            (
                "content/exchanges/2023-06-18-blinken-qin-beijing.md",
                "+++\ntitle = \"Talks\"\ndate = 2023-06-18\nformat = \"in-person\"\nofficials = [\"antony-blinken\", \"qin-gang\"]\nissues = [\"taiwan\"]\n+++\nSee [the call](../2022-09-23-blinken-qin-call/), [Taiwan](/issues/taiwan/) and ![a map](map.png).\n",
            ),
        ],
    );
    let out = dir.path().join("public");
    build(&root, &out, &[]);
    let site = "http://host.test/sub/";
    let want = [
        format!("{site}exchanges/2022-09-23-blinken-qin-call/"),
        format!("{site}issues/taiwan/"),
        format!("{site}exchanges/2023-06-18-blinken-qin-beijing/map.png"),
    ];
    for feed in [
        "feed.xml",
        "officials/antony-blinken/feed.xml",
        "issues/taiwan/feed.xml",
    ] {
        let xml = std::fs::read_to_string(out.join(feed)).expect("feed");
        atom_syndication::Feed::read_from(xml.as_bytes()).expect("valid Atom");
        let doc = roxmltree::Document::parse(&xml).expect("XML");
        let feed_url = format!("{site}{feed}");
        let content = doc
            .descendants()
            .filter(|n| n.has_tag_name("content"))
            .find(|n| n.text().is_some_and(|t| t.contains("the call")))
            .unwrap_or_else(|| panic!("{feed}: the entry"));
        let base = xml_base(content, &feed_url);
        assert_eq!(
            base,
            format!("{site}exchanges/2023-06-18-blinken-qin-beijing/"),
            "{feed}"
        );
        let html = content.text().expect("content");
        let got: Vec<String> = common::links(html)
            .iter()
            .map(|l| resolve_url(&base, l))
            .collect();
        assert_eq!(got, want, "{feed}: {html}");
    }
}

#[test]
fn exchanges_json_has_every_exchange_with_officials_roles_and_issues() {
    let (_dir, files) = built();
    let doc: serde_json::Value =
        serde_json::from_slice(&files["exchanges.json"]).expect("exchanges.json is JSON");
    let ex = exchanges(&repo());
    assert_eq!(ex.len(), 14);
    assert_eq!(doc["count"], 14);
    let list = doc["exchanges"].as_array().expect("exchanges array");
    assert_eq!(list.len(), 14);
    for (j, e) in list.iter().zip(&ex) {
        assert_eq!(j["slug"], e.slug.as_str());
        assert_eq!(j["title"], e.title.as_str());
        assert_eq!(j["date"], e.date.as_str());
        assert_eq!(j["end_date"].as_str(), e.end_date.as_deref());
        assert_eq!(j["format"], e.format.as_str());
        assert_eq!(j["location"].as_str(), e.location.as_deref());
        assert_eq!(j["url"], format!("{BASE}exchanges/{}/", e.slug).as_str());
        let officials: Vec<&str> = j["officials"]
            .as_array()
            .expect("officials")
            .iter()
            .map(|o| o["slug"].as_str().expect("slug"))
            .collect();
        assert_eq!(officials, e.officials);
        for o in j["officials"].as_array().expect("officials") {
            assert!(
                o["role"].as_str().is_some_and(|r| !r.is_empty()),
                "{}: role of {}",
                e.slug,
                o["slug"]
            );
            assert!(["US", "CN"].contains(&o["country"].as_str().expect("country")));
        }
        let issues: Vec<&str> = j["issues"]
            .as_array()
            .expect("issues")
            .iter()
            .map(|i| i["slug"].as_str().expect("slug"))
            .collect();
        assert_eq!(issues, e.issues);
    }
    // A known role: Biden was President at Bali, Blinken Secretary of State in Beijing.
    let bali = list
        .iter()
        .find(|j| j["slug"] == "2022-11-14-biden-xi-bali")
        .expect("bali");
    assert_eq!(bali["officials"][0]["role"], "President");
}

#[test]
fn timeline_json_is_in_the_timelinejs3_format() {
    let (_dir, files) = built();
    let doc: serde_json::Value =
        serde_json::from_slice(&files["timeline.json"]).expect("timeline.json is JSON");
    assert!(
        doc["title"]["text"]["headline"]
            .as_str()
            .is_some_and(|h| !h.is_empty())
    );
    let events = doc["events"].as_array().expect("events");
    let ex = exchanges(&repo());
    assert_eq!(events.len(), ex.len());
    let mut ids = HashSet::new();
    // Oldest first.
    for (ev, e) in events.iter().zip(ex.iter().rev()) {
        let date = |d: &serde_json::Value| {
            format!(
                "{:04}-{:02}-{:02}",
                d["year"].as_i64().expect("year is a number"),
                d["month"].as_i64().expect("month"),
                d["day"].as_i64().expect("day")
            )
        };
        assert_eq!(date(&ev["start_date"]), e.date);
        match &e.end_date {
            Some(end) if *end != e.date => assert_eq!(date(&ev["end_date"]), *end),
            _ => assert!(ev.get("end_date").is_none()),
        }
        assert_eq!(
            ev["text"]["headline"],
            e.title.replace('\'', "&#39;").as_str()
        );
        assert!(
            ev["text"]["text"]
                .as_str()
                .is_some_and(|t| t.contains(&format!("{BASE}exchanges/{}/", e.slug)))
        );
        assert_eq!(ev["group"], e.format.as_str());
        assert!(ids.insert(ev["unique_id"].as_str().expect("unique_id").to_string()));
    }
}

#[test]
fn exchanges_csv_is_rfc_4180_with_one_row_per_exchange() {
    let (_dir, files) = built();
    // A UTF-8 byte order mark, for Excel.
    let bytes = files["exchanges.csv"]
        .strip_prefix("\u{feff}".as_bytes())
        .expect("a byte order mark");
    // CRLF line ends everywhere.
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            assert_eq!(bytes[i - 1], b'\r', "bare LF at byte {i}");
        }
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    let headers = reader.headers().expect("header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let ex = exchanges(&repo());
    assert_eq!(rows.len(), ex.len());
    for (r, e) in rows.iter().zip(&ex) {
        assert_eq!(r.len(), headers.len());
        assert_eq!(&r[col("slug")], e.slug);
        assert_eq!(&r[col("title")], e.title);
        assert_eq!(&r[col("date")], e.date);
        assert_eq!(&r[col("end_date")], e.end_date.as_deref().unwrap_or(""));
        assert_eq!(&r[col("location")], e.location.as_deref().unwrap_or(""));
        let list = |name: &str| -> Vec<String> {
            serde_json::from_str(&r[col(name)]).unwrap_or_else(|e| panic!("{name}: {e}"))
        };
        assert_eq!(list("officials"), e.officials);
        assert_eq!(list("issues"), e.issues);
        assert_eq!(list("roles").len(), e.officials.len());
        assert_eq!(list("official_names").len(), e.officials.len());
        assert_eq!(list("countries").len(), e.officials.len());
        assert_eq!(list("issue_names").len(), e.issues.len());
        assert_eq!(&r[col("url")], format!("{BASE}exchanges/{}/", e.slug));
    }
    // Locations with commas were quoted and read back whole.
    assert!(rows.iter().any(|r| r[col("location")].contains(", ")));
}

/// A role holding `; ` stays one value, and `[csv] bom = false` leaves
/// the byte order mark out.
#[test]
fn csv_lists_keep_values_with_separators_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    common::minimal_site(&root);
    common::write_files(
        &root,
        &[(
            "content/officials/qin-gang.md",
            "+++\nname = \"Qin Gang; Jr.\"\ncountry = \"CN\"\n[[roles]]\ntitle = \"Vice Premier; Special Envoy\"\nfrom = 2021-07-28\nto = 2023-07-25\n+++\nBio.\n",
        )],
    );
    let out = dir.path().join("public");
    build(&root, &out, &[]);
    let bytes = std::fs::read(out.join("exchanges.csv")).expect("csv");
    let body = bytes
        .strip_prefix("\u{feff}".as_bytes())
        .expect("a byte order mark");
    let mut reader = csv::Reader::from_reader(body);
    let headers = reader.headers().expect("header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 2);
    for r in &rows {
        let roles: Vec<String> = serde_json::from_str(&r[col("roles")]).expect("JSON array");
        assert_eq!(roles, ["Secretary of State", "Vice Premier; Special Envoy"]);
        let names: Vec<String> =
            serde_json::from_str(&r[col("official_names")]).expect("JSON array");
        assert_eq!(names, ["Antony Blinken", "Qin Gang; Jr."]);
    }
    let toml = root.join("content/site.toml");
    let config = std::fs::read_to_string(&toml).expect("site.toml");
    std::fs::write(&toml, format!("{config}\n[csv]\nbom = false\n")).expect("write");
    build(&root, &out, &[]);
    let bytes = std::fs::read(out.join("exchanges.csv")).expect("csv");
    assert!(bytes.starts_with(b"slug,date,"), "no byte order mark");
}

fn ics_unescape(v: &str) -> String {
    v.replace("\\n", "\n")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\")
}

#[test]
fn calendar_ics_is_rfc_5545_with_all_day_events_and_stable_uids() {
    let (_dir, files) = built();
    let raw = &files["calendar.ics"];
    let s = std::str::from_utf8(raw).expect("utf-8");
    assert!(s.ends_with("\r\n"));
    for line in s.split("\r\n") {
        assert!(line.len() <= 75, "line longer than 75 octets: {line}");
        assert!(!line.contains('\n') && !line.contains('\r'));
    }
    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(raw.as_slice()));
    let cal = calendars.next().expect("one calendar").expect("parses");
    assert!(calendars.next().is_none());
    let prop = |props: &[ical::property::Property], name: &str| {
        props
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .clone()
    };
    assert_eq!(
        prop(&cal.properties, "VERSION").value.as_deref(),
        Some("2.0")
    );
    assert!(prop(&cal.properties, "PRODID").value.is_some());
    let ex = exchanges(&repo());
    assert_eq!(cal.events.len(), ex.len());
    let mut uids = HashSet::new();
    for (ev, e) in cal.events.iter().zip(&ex) {
        let p = |n: &str| prop(&ev.properties, n);
        let uid = p("UID").value.expect("uid");
        assert_eq!(uid, format!("{}@example.org", e.slug));
        assert!(uids.insert(uid));
        assert!(p("DTSTAMP").value.is_some_and(|v| v.ends_with('Z')));
        let sequence: u64 = p("SEQUENCE")
            .value
            .expect("sequence")
            .parse()
            .expect("a number");
        assert!(sequence <= i32::MAX as u64);
        let start = p("DTSTART");
        assert_eq!(
            start.value.as_deref(),
            Some(e.date.replace('-', "").as_str())
        );
        let value_date = |p: &ical::property::Property| {
            p.params.as_ref().is_some_and(|ps| {
                ps.iter()
                    .any(|(k, v)| k == "VALUE" && v.iter().any(|x| x == "DATE"))
            })
        };
        assert!(value_date(&start), "all-day DTSTART");
        let end = p("DTEND");
        assert!(value_date(&end), "all-day DTEND");
        let last = chrono::NaiveDate::parse_from_str(e.last_day(), "%Y-%m-%d").expect("date");
        let after = last
            .succ_opt()
            .expect("next day")
            .format("%Y%m%d")
            .to_string();
        assert_eq!(
            end.value.as_deref(),
            Some(after.as_str()),
            "DTEND is exclusive"
        );
        assert_eq!(ics_unescape(&p("SUMMARY").value.expect("summary")), e.title);
        if let Some(loc) = &e.location {
            assert_eq!(&ics_unescape(&p("LOCATION").value.expect("location")), loc);
        }
        assert_eq!(
            p("URL").value.expect("url"),
            format!("{BASE}exchanges/{}/", e.slug)
        );
    }
}

/// Each event's UID and SEQUENCE, by slug.
fn calendar_events(ics: &[u8]) -> BTreeMap<String, (String, String)> {
    let cal = ical::IcalParser::new(std::io::BufReader::new(ics))
        .next()
        .expect("one calendar")
        .expect("parses");
    cal.events
        .iter()
        .map(|ev| {
            let p = |name: &str| {
                ev.properties
                    .iter()
                    .find(|p| p.name == name)
                    .and_then(|p| p.value.clone())
                    .unwrap_or_else(|| panic!("no {name}"))
            };
            let uid = p("UID");
            let slug = uid.split('@').next().expect("slug").to_string();
            (slug, (uid, p("SEQUENCE")))
        })
        .collect()
}

/// UIDs carry the site's path, so two sites on one host differ; an edit
/// changes the SEQUENCE of exactly the event edited, and the same content
/// gives the same calendar byte for byte.
#[test]
fn calendar_uids_name_the_site_path_and_edits_change_the_sequence() {
    let site = tempfile::tempdir().expect("tempdir");
    copy_site(site.path());
    let out = site.path().join("public");
    let other = site.path().join("other");
    build(site.path(), &out, &["--base-url", SUB]);
    build(site.path(), &other, &["--base-url", BASE]);
    let before = std::fs::read(out.join("calendar.ics")).expect("ics");
    let sub = calendar_events(&before);
    let root = calendar_events(&std::fs::read(other.join("calendar.ics")).expect("ics"));
    let ex = exchanges(site.path());
    assert_eq!(sub.len(), ex.len());
    for e in &ex {
        assert_eq!(sub[&e.slug].0, format!("{}@example.org/timeline", e.slug));
        assert_eq!(root[&e.slug].0, format!("{}@example.org", e.slug));
    }
    // Rebuilt from the same content: the same bytes.
    let again = site.path().join("again");
    build(site.path(), &again, &["--base-url", SUB]);
    assert_eq!(
        std::fs::read(again.join("calendar.ics")).expect("ics"),
        before
    );
    // One title edited: that event's SEQUENCE changes, no other.
    let edited = &ex[3];
    let file = site
        .path()
        .join(format!("content/exchanges/{}.md", edited.slug));
    let src = std::fs::read_to_string(&file).expect("read");
    let old = format!("title = {:?}", edited.title);
    assert!(src.contains(&old));
    std::fs::write(&file, src.replacen(&old, "title = \"A new title\"", 1)).expect("write");
    build(site.path(), &out, &["--base-url", SUB]);
    let after = calendar_events(&std::fs::read(out.join("calendar.ics")).expect("ics"));
    for e in &ex {
        let changed = after[&e.slug].1 != sub[&e.slug].1;
        assert_eq!(changed, e.slug == edited.slug, "{}", e.slug);
        assert_eq!(after[&e.slug].0, sub[&e.slug].0, "the UID stays");
    }
}

#[test]
fn exchange_pages_carry_a_json_ld_event() {
    let (_dir, files) = built();
    for e in exchanges(&repo()) {
        let page = html(&text(&files, &format!("exchanges/{}/index.html", e.slug)));
        assert_eq!(page.json_ld.len(), 1, "{}", e.slug);
        let v: serde_json::Value = serde_json::from_str(&page.json_ld[0]).expect("JSON-LD");
        assert_eq!(v["@context"], "https://schema.org");
        assert_eq!(v["@type"], "Event");
        assert_eq!(v["name"], e.title.as_str());
        assert_eq!(v["startDate"], e.date.as_str());
        assert_eq!(v["endDate"], e.last_day());
        // Google's required fields, and the recommended ones we have data for.
        for key in ["name", "startDate", "endDate", "description", "url"] {
            assert!(
                v[key].as_str().is_some_and(|s| !s.is_empty()),
                "{}: {key}",
                e.slug
            );
        }
        assert_eq!(v["eventStatus"], "https://schema.org/EventScheduled");
        assert_eq!(v["url"], format!("{BASE}exchanges/{}/", e.slug));
        // The format decides the attendance mode and the location together.
        let place = &v["location"];
        match e.format.as_str() {
            "in-person" | "sidelines" => {
                assert_eq!(
                    v["eventAttendanceMode"], "https://schema.org/OfflineEventAttendanceMode",
                    "{}",
                    e.slug
                );
                assert_eq!(place["@type"], "Place", "{}", e.slug);
                let name = e.location.as_deref().unwrap_or("Location not published");
                assert_eq!(place["name"], name, "{}", e.slug);
                let address = &place["address"];
                assert!(
                    address.is_string()
                        || (address["@type"] == "PostalAddress"
                            && address["addressLocality"]
                                .as_str()
                                .is_some_and(|l| !l.is_empty())),
                    "{}: {address}",
                    e.slug
                );
            }
            "virtual" | "phone" => {
                assert_eq!(
                    v["eventAttendanceMode"], "https://schema.org/OnlineEventAttendanceMode",
                    "{}",
                    e.slug
                );
                assert_eq!(place["@type"], "VirtualLocation", "{}", e.slug);
                assert_eq!(place["url"], v["url"], "{}", e.slug);
            }
            other => panic!("{}: unexpected format {other}", e.slug),
        }
        let performers = v["performer"].as_array().expect("performers");
        assert_eq!(performers.len(), e.officials.len());
        for p in performers {
            assert_eq!(p["@type"], "Person");
            assert!(p["jobTitle"].as_str().is_some_and(|r| !r.is_empty()));
        }
        assert_eq!(page.meta["og:type"], vec!["article".to_string()]);
    }
}

#[test]
fn json_ld_cannot_break_out_of_its_script() {
    let site = tempfile::tempdir().expect("tempdir");
    copy_site(site.path());
    let ex = exchanges(site.path());
    let file = site
        .path()
        .join(format!("content/exchanges/{}.md", ex[0].slug));
    let src = std::fs::read_to_string(&file).expect("read");
    let evil = "Talks </script><script>alert(1)</script> <!-- & more";
    let old = format!("title = {:?}", ex[0].title);
    assert!(src.contains(&old));
    std::fs::write(&file, src.replacen(&old, &format!("title = {evil:?}"), 1)).expect("write");
    let out = site.path().join("public");
    build(site.path(), &out, &[]);
    let page = std::fs::read_to_string(out.join(format!("exchanges/{}/index.html", ex[0].slug)))
        .expect("page");
    let start =
        page.find("application/ld+json\">").expect("json-ld") + "application/ld+json\">".len();
    let end = start + page[start..].find("</script>").expect("end");
    let json = &page[start..end];
    assert!(!json.contains('<'), "{json}");
    let v: serde_json::Value = serde_json::from_str(json).expect("JSON");
    assert_eq!(v["name"], evil);
    assert!(!page.contains("<script>alert(1)"));
}

// ---- deterministic, write-only-changed output ----

#[test]
fn two_builds_are_byte_identical() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    build(&repo(), &a, &[]);
    build(&repo(), &b, &[]);
    assert_same_tree(&b, &a, "two builds");
    let ta = snapshot(&a);
    // Besides pages and static files: a feed for the site, each official,
    // issue, country and city held in, sitemap, robots, 4 data files, and
    // a hashed copy of each stylesheet and script.
    let feeds = ta.keys().filter(|p| p.ends_with("feed.xml")).count();
    let places: BTreeSet<(String, Option<String>)> = exchanges(&repo())
        .into_iter()
        .filter_map(|e| e.place)
        .collect();
    let countries: BTreeSet<&String> = places.iter().map(|(c, _)| c).collect();
    let cities = places.iter().filter(|(_, c)| c.is_some()).count();
    // The same again for each other language (under its folder).
    let languages = 1 + std::fs::read_to_string(repo().join("content/site.toml"))
        .expect("site.toml")
        .lines()
        .filter(|l| l.starts_with("[languages.") && l.matches('.').count() == 1)
        .count();
    assert_eq!(feeds, (1 + 16 + 10 + countries.len() + cities) * languages);
    for f in [
        "sitemap.xml",
        "robots.txt",
        "exchanges.json",
        "timeline.json",
        "exchanges.csv",
        "calendar.ics",
    ] {
        assert!(ta.contains_key(f), "{f}");
    }
    for (name, ext) in [("style", "css"), ("timeline", "js")] {
        let hashed = ta
            .keys()
            .filter(|p| {
                p.starts_with(&format!("{name}."))
                    && p.ends_with(ext)
                    && p.len() == name.len() + 18 + ext.len()
            })
            .count();
        assert_eq!(hashed, 1, "{name}.<hash>.{ext}");
    }
}

fn mtimes(dir: &Path) -> BTreeMap<String, SystemTime> {
    snapshot(dir)
        .keys()
        .map(|p| {
            let m = std::fs::metadata(dir.join(p)).expect("stat");
            (p.clone(), m.modified().expect("mtime"))
        })
        .collect()
}

/// Sets every file's mtime to a time long past, so rewrites show.
fn age(dir: &Path) -> SystemTime {
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    for p in snapshot(dir).keys() {
        let f = std::fs::File::options()
            .write(true)
            .open(dir.join(p))
            .expect("open");
        f.set_modified(old).expect("set mtime");
    }
    old
}

/// Rebuilds and returns the files whose bytes changed, checking that
/// exactly those (plus added ones) got a new mtime.
fn rebuild_changes(
    site: &Path,
    out: &Path,
) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let before = snapshot(out);
    let old = age(out);
    build(site, out, &[]);
    let after = snapshot(out);
    let times = mtimes(out);
    let changed: BTreeSet<String> = after
        .iter()
        .filter(|(p, b)| before.get(*p).is_some_and(|old| old != *b))
        .map(|(p, _)| p.clone())
        .collect();
    let added: BTreeSet<String> = after
        .keys()
        .filter(|p| !before.contains_key(*p))
        .cloned()
        .collect();
    let removed: BTreeSet<String> = before
        .keys()
        .filter(|p| !after.contains_key(*p))
        .cloned()
        .collect();
    for (p, t) in &times {
        let rewritten = *t != old;
        assert_eq!(
            rewritten,
            changed.contains(p) || added.contains(p),
            "{p}: mtime kept only if the bytes did not change"
        );
    }
    (changed, added, removed)
}

#[test]
fn editing_one_exchange_rewrites_only_the_files_that_show_it() {
    let site = tempfile::tempdir().expect("tempdir");
    copy_site(site.path());
    let out = site.path().join("public");
    build(site.path(), &out, &[]);

    // Nothing changed: nothing is rewritten.
    let (changed, added, removed) = rebuild_changes(site.path(), &out);
    assert!(changed.is_empty() && added.is_empty() && removed.is_empty());

    // Edit the account (body) of one exchange.
    let ex = exchanges(site.path());
    let e = &ex[3];
    let file = site.path().join(format!("content/exchanges/{}.md", e.slug));
    let mut src = std::fs::read_to_string(&file).expect("read");
    src.push_str("\nA sentence added to the account.\n");
    std::fs::write(&file, src).expect("write");
    let (changed, added, removed) = rebuild_changes(site.path(), &out);
    let mut expected: BTreeSet<String> = BTreeSet::new();
    expected.insert(format!("exchanges/{}/index.html", e.slug));
    expected.insert("feed.xml".into());
    for o in &e.officials {
        expected.insert(format!("officials/{o}/feed.xml"));
    }
    for i in &e.issues {
        expected.insert(format!("issues/{i}/feed.xml"));
    }
    if let Some((country, city)) = &e.place {
        let country = country.to_lowercase();
        expected.insert(format!("places/{country}/feed.xml"));
        if let Some(city) = city {
            expected.insert(format!("places/{country}/{}/feed.xml", city.to_lowercase()));
        }
    }
    // The search index: its manifest names the text shard of the new
    // words, which has a new name (a hash of its content); no other shard.
    expected.insert("search/manifest.js".into());
    assert_eq!(changed, expected);
    let terms = |set: &BTreeSet<String>| set.iter().all(|p| p.starts_with("search/t-"));
    assert!(terms(&added) && terms(&removed), "{added:?} {removed:?}");
    assert!(!added.is_empty() && added.len() == removed.len());

    // Change the stylesheet: a new hashed name, the old one gone, every page relinked.
    let css = site.path().join("static/style.css");
    let mut style = std::fs::read_to_string(&css).expect("css");
    style.push_str("\n.added { color: red; }\n");
    std::fs::write(&css, style).expect("write css");
    let (changed, added, removed) = rebuild_changes(site.path(), &out);
    let hashed = |set: &BTreeSet<String>| {
        set.iter()
            .filter(|p| p.starts_with("style.") && p.len() == "style.0123456789abcdef.css".len())
            .count()
    };
    assert_eq!(hashed(&added), 1, "{added:?}");
    assert_eq!(hashed(&removed), 1, "{removed:?}");
    assert!(changed.contains("style.css"));
    let pages = snapshot(&out)
        .keys()
        .filter(|p| p.ends_with(".html"))
        .count();
    assert_eq!(
        changed.iter().filter(|p| p.ends_with(".html")).count(),
        pages
    );
    assert!(
        !changed
            .iter()
            .any(|p| p.ends_with(".xml") || p.ends_with(".json"))
    );
}
