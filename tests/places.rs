//! Structured places: place pages list exactly the exchanges held there,
//! the map links to them, text locations keep working, unknown countries
//! are refused, and a site with many countries stays browsable.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{build, detente, minimal_site, snapshot, stderr, stdout, write_files};

/// (slug, date, location TOML, officials) of the exchanges the tests add.
const HELD: &[(&str, &str, &str, &str)] = &[
    (
        "beijing-1",
        "2023-06-18",
        r#"{ city = "Beijing", country = "CN" }"#,
        r#""antony-blinken", "qin-gang""#,
    ),
    (
        "beijing-2",
        "2023-07-08",
        r#"{ city = "Beijing", country = "CN", venue = "Diaoyutai" }"#,
        r#""qin-gang""#,
    ),
    (
        "tianjin",
        "2021-07-26",
        r#"{ city = "Tianjin", country = "CN" }"#,
        r#""qin-gang""#,
    ),
    (
        "washington",
        "2023-05-10",
        r#"{ city = "Washington", country = "US" }"#,
        r#""antony-blinken""#,
    ),
    (
        "tokyo",
        "2022-05-23",
        r#"{ city = "Tokyo", country = "JP", lat = 35.68, lon = 139.69 }"#,
        r#""antony-blinken""#,
    ),
    (
        "text",
        "2022-01-05",
        r#""Somewhere, Nowhere""#,
        r#""antony-blinken""#,
    ),
];

fn placed_site(root: &Path) {
    minimal_site(root);
    for (slug, date, location, officials) in HELD {
        let text = format!(
            "+++\ntitle = \"Talks {slug}\"\ndate = {date}\nformat = \"in-person\"\nlocation = {location}\nofficials = [{officials}]\n+++\nMet.\n"
        );
        write_files(root, &[(&format!("content/exchanges/{slug}.md"), &text)]);
    }
}

/// The exchange slugs a page's cards link to.
fn card_slugs(html: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for part in html.split("class=\"card-title\"><a href=\"").skip(1) {
        let href = &part[..part.find('"').expect("quote")];
        let slug = href
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .expect("slug")
            .to_string();
        out.insert(slug);
    }
    out
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn place_pages_list_exactly_the_exchanges_held_there() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    placed_site(&root);
    build(&root, &out, &[]);

    // What the content says, worked out here, independently of detente.
    let mut by_country: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut by_city: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (slug, _, location, _) in HELD {
        let Some(country) = location.split("country = \"").nth(1) else {
            continue;
        };
        let country = country[..2].to_lowercase();
        by_country
            .entry(country.clone())
            .or_default()
            .insert(slug.to_string());
        let city = location.split("city = \"").nth(1).expect("city");
        let city = city[..city.find('"').expect("quote")].to_lowercase();
        by_city
            .entry(format!("{country}/{city}"))
            .or_default()
            .insert(slug.to_string());
    }
    for (country, slugs) in &by_country {
        let html = read(&out, &format!("places/{country}/index.html"));
        assert_eq!(&card_slugs(&html), slugs, "places/{country}/");
        let feed = read(&out, &format!("places/{country}/feed.xml"));
        for slug in slugs {
            assert!(
                feed.contains(&format!("exchanges/{slug}/")),
                "{country} feed: {slug}"
            );
        }
    }
    for (city, slugs) in &by_city {
        let html = read(&out, &format!("places/{city}/index.html"));
        assert_eq!(&card_slugs(&html), slugs, "places/{city}/");
        assert!(html.contains("Officials who met here"), "{city}");
    }
    // No other place pages.
    let pages: BTreeSet<String> = snapshot(&out.join("places"))
        .into_keys()
        .filter(|k| k.ends_with("index.html") && k != "index.html")
        .map(|k| k.trim_end_matches("/index.html").to_string())
        .collect();
    let expected: BTreeSet<String> = by_country.keys().chain(by_city.keys()).cloned().collect();
    assert_eq!(pages, expected);

    // The index: every country and city, linked; the map's marks link to
    // the same pages, each with a text alternative.
    let index = read(&out, "places/index.html");
    for place in &expected {
        assert!(
            index.contains(&format!("href=\"../places/{place}/\"")),
            "index links {place}"
        );
    }
    let svg = &index[index.find("<svg").expect("a map")..index.find("</svg>").expect("end")];
    for city in by_city.keys() {
        assert!(
            svg.contains(&format!("href=\"../places/{city}/\"")),
            "a mark for {city}"
        );
    }
    assert!(
        svg.contains("aria-label=\"Beijing, "),
        "marks have text: {svg}"
    );

    // Cards link their place; the home page has the map and the filters.
    let home = read(&out, "index.html");
    assert!(home.contains("href=\"./places/cn/beijing/\""));
    assert!(home.contains("id=\"f-held\"") && home.contains("id=\"f-city\""));
    assert!(home.contains("<svg"), "the home page's map");
    // The data files carry the structured place.
    let json: serde_json::Value =
        serde_json::from_str(&read(&out, "exchanges.json")).expect("json");
    let tokyo = json["exchanges"]
        .as_array()
        .expect("list")
        .iter()
        .find(|e| e["slug"] == "tokyo")
        .expect("tokyo");
    assert_eq!(tokyo["place"]["country"], "JP");
    assert_eq!(tokyo["place"]["city"], "Tokyo");
    assert_eq!(tokyo["host"], "JP");
    assert!(read(&out, "calendar.ics").contains("GEO:35.6800;139.6900"));
    let page = read(&out, "exchanges/beijing-2/index.html");
    assert!(
        page.contains("\"addressLocality\":\"Beijing\""),
        "JSON-LD locality"
    );
    assert!(
        page.contains("\"addressCountry\":\"CN\""),
        "JSON-LD country"
    );
}

#[test]
fn text_locations_still_work_and_make_no_place_pages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    minimal_site(&root);
    build(&root, &out, &[]);
    assert!(!out.join("places").exists());
    let home = read(&out, "index.html");
    assert!(home.contains("<span class=\"location\">Beijing, China</span>"));
    assert!(!home.contains("f-held"));
    assert!(
        !home.contains(">Places<"),
        "no link to an empty places index"
    );
}

#[test]
fn unknown_countries_are_refused_with_a_suggestion() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    minimal_site(&root);
    write_files(
        &root,
        &[(
            "content/exchanges/bad.md",
            "+++\ntitle = \"Bad\"\ndate = 2023-01-01\nformat = \"in-person\"\nlocation = { city = \"Beijing\", country = \"China\" }\nofficials = [\"qin-gang\"]\n+++\nx\n",
        )],
    );
    let o = detente(&["check", "--root", root.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1));
    let said = stderr(&o);
    assert!(said.contains("unknown country `China`"), "{said}");
    assert!(said.contains("content/exchanges/bad.md:5:"), "{said}");
    assert!(said.contains("did you mean `CN`?"), "{said}");
}

#[test]
fn suggest_places_prints_the_lines_to_write_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    minimal_site(&root);
    let before = snapshot(&root);
    let o = detente(&[
        "check",
        "--suggest-places",
        "--root",
        root.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let said = stdout(&o);
    assert!(
        said.contains("2023-06-18-blinken-qin-beijing.md:5:12: location = { city = \"Beijing\", country = \"CN\" }"),
        "{said}"
    );
    assert_eq!(snapshot(&root), before, "nothing changed");
}

#[test]
fn a_site_with_many_countries_gets_pair_pages_and_stays_small() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    minimal_site(&root);
    // 200 countries, each with one official, meeting a US official.
    let codes: Vec<String> = (0..200)
        .map(|i| {
            format!(
                "{}{}",
                (b'A' + (i / 26) as u8) as char,
                (b'A' + (i % 26) as u8) as char
            )
        })
        .collect();
    let mut toml = String::from("title = \"Many\"\n");
    for code in &codes {
        toml.push_str(&format!("[countries.{code}]\nname = \"Country {code}\"\n"));
    }
    write_files(&root, &[("content/site.toml", &toml)]);
    // Only these officials and exchanges.
    std::fs::remove_dir_all(root.join("content/exchanges")).ok();
    std::fs::remove_dir_all(root.join("content/officials")).ok();
    for (i, code) in codes.iter().enumerate() {
        write_files(
            &root,
            &[
                (
                    &format!("content/officials/o-{}.md", code.to_lowercase()),
                    &format!("+++\nname = \"Official {code}\"\ncountry = \"{code}\"\n+++\nx\n"),
                ),
                (
                    &format!("content/exchanges/e-{i}.md"),
                    &format!(
                        "+++\ntitle = \"Visit {i}\"\ndate = {}-01-{:02}\nformat = \"in-person\"\nofficials = [\"o-{}\", \"o-{}\"]\nissues = []\n+++\nx\n",
                        1866 + i % 121,
                        1 + i % 28,
                        code.to_lowercase(),
                        codes[(i + 1) % codes.len()].to_lowercase()
                    ),
                ),
            ],
        );
    }
    std::fs::remove_dir_all(root.join("content/issues")).ok();
    build(&root, &out, &[]);
    let index = read(&out, "who-met-whom/index.html");
    assert!(
        index.contains("Officials of 200 countries met"),
        "the pairs index"
    );
    assert!(
        !index.contains("Country AB, Country AC"),
        "the prose never lists every country"
    );
    let pair = read(&out, "who-met-whom/aa-ab/index.html");
    assert!(pair.contains("Official AA") && pair.contains("Official AB"));
    assert!(
        index.contains("href=\"./aa-ab/\"") || index.contains("href=\"../who-met-whom/aa-ab/\""),
        "the index links the pair"
    );
    // 200 countries of officials: jump links, a badge colour each.
    let officials = read(&out, "officials/index.html");
    assert!(
        officials.contains("<nav class=\"jump-links\""),
        "jump links"
    );
    assert!(officials.contains("href=\"#c-AA\""));
    let css = snapshot(&out)
        .into_iter()
        .find(|(k, _)| k.starts_with("countries.") && k.ends_with(".css") && k != "countries.css")
        .expect("a hashed countries.css");
    let css = String::from_utf8(css.1).expect("utf-8");
    // CN, one of the codes, keeps the default stylesheet's colour.
    assert_eq!(css.matches(".flag-").count(), 199, "one colour per country");
    assert!(officials.contains("countries."), "linked");
    // 121 years: the year navigation groups them by decade.
    let home = read(&out, "index.html");
    assert!(
        home.contains("<span class=\"decade\">1860s</span>"),
        "decades"
    );
    assert!(home.contains("<span class=\"decade\">1980s</span>"));
    for (path, bytes) in snapshot(&out) {
        if path.ends_with(".html") {
            assert!(bytes.len() < 1 << 20, "{path} is {} bytes", bytes.len());
        }
    }
}
