//! The exploring parts of built sites: the SVG charts, the who-met-whom
//! page and the filter index (the browser side is in tests/browser/).

mod common;

use common::*;

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The part of `html` from `start` to the next `end`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let at = html.find(start).unwrap_or_else(|| panic!("no {start}"));
    let rest = &html[at..];
    &rest[..rest.find(end).map_or(rest.len(), |i| i + end.len())]
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// The data of one search shard: `detenteShard("name", DATA);`.
fn shard(out: &std::path::Path, name: &str) -> serde_json::Value {
    let js = read(&out.join(format!("search/{name}.js")));
    let json = js
        .strip_prefix(&format!("detenteShard(\"{name}\","))
        .and_then(|j| j.trim_end().strip_suffix(");"))
        .expect("a shard calls detenteShard with its name");
    serde_json::from_str(json).expect("the shard's data is JSON")
}

/// The search index's manifest.
fn index_json(out: &std::path::Path) -> serde_json::Value {
    shard(out, "manifest")
}

/// Every card of the index, oldest first.
fn cards(out: &std::path::Path) -> Vec<serde_json::Value> {
    let m = index_json(out);
    let hashes = m["cards"].as_str().expect("card hashes");
    let mut all = Vec::new();
    for (c, h) in hashes.as_bytes().chunks(6).enumerate() {
        let name = format!("c{c}-{}", String::from_utf8_lossy(h));
        all.extend(shard(out, &name).as_array().expect("cards").iter().cloned());
    }
    all
}

#[test]
fn shipped_site_charts_every_exchange_and_indexes_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("public");
    build(&repo(), &out, &[]);
    let home = read(&out.join("index.html"));
    let chart = between(&home, "<figure class=\"chart timeline\"", "</figure>");
    let slugs: Vec<String> = std::fs::read_dir(repo().join("content/exchanges"))
        .expect("content")
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_string_lossy()
                .strip_suffix(".md")
                .filter(|stem| !stem.contains('.'))
                .map(String::from)
        })
        .collect();
    assert_eq!(count(chart, "<a class=\"m f"), slugs.len(), "one mark each");
    for slug in &slugs {
        assert!(
            chart.contains(&format!(
                "href=\"./exchanges/{slug}/\" data-slug=\"{slug}\" data-i=\""
            )),
            "{slug} has a named mark linking to it"
        );
    }
    assert_eq!(
        count(chart, "<title>"),
        count(chart, "<a ") + count(chart, "<g class=\"gap\">"),
        "every link and gap has a title"
    );
    for year in ["2021", "2022", "2023"] {
        assert!(
            chart.contains(&format!(">{year}</text>")),
            "{year} labelled"
        );
    }
    assert!(
        chart.contains("class=\"gap\""),
        "the 2022 silence shows as a gap"
    );
    assert!(chart.contains("<ul class=\"legend\">"));

    // Official and issue pages: their own exchanges and the bars per year.
    let xi = read(&out.join("officials/xi-jinping/index.html"));
    let chart = between(&xi, "<figure class=\"chart timeline\"", "</figure>");
    assert_eq!(count(chart, "<a class=\"m f"), 4, "Xi's four exchanges");
    assert!(chart.contains("href=\"../../exchanges/2022-11-14-biden-xi-bali/\""));
    // Drawn over Xi's own years (2021–2022), not the site's (to 2023).
    let bars = between(&xi, "<figure class=\"chart per-year\"", "</figure>");
    assert!(
        bars.contains("aria-label=\"Exchanges of Xi Jinping per year: 2021: 2, 2022: 2\""),
        "{bars}"
    );
    assert!(
        !chart.contains(">2023</text>"),
        "the timeline ends with his last year"
    );
    let taiwan = read(&out.join("issues/taiwan/index.html"));
    assert!(taiwan.contains("<figure class=\"chart per-year\""));
    assert!(taiwan.contains("href=\"../../?issue=taiwan\""));

    // The search index has a card for every exchange, with its officials.
    let index = index_json(&out);
    assert_eq!(index["total"], slugs.len());
    let cards = cards(&out);
    assert_eq!(cards.len(), slugs.len());
    let bali = cards
        .iter()
        .find(|c| c[0] == "2022-11-14-biden-xi-bali")
        .expect("Bali in the index");
    let names: Vec<&str> = bali[6]
        .as_array()
        .expect("list")
        .iter()
        .map(|o| o[1].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["Joe Biden", "Xi Jinping"]);
    assert_eq!(index["suffix"], "/");
    assert!(!bali[8].as_str().expect("summary").is_empty());
    // Newest last: ids are oldest first.
    let dates: Vec<&str> = cards.iter().map(|c| c[2].as_str().expect("date")).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");

    // The home page carries the filter form and its script.
    assert!(home.contains("<form id=\"filter\""));
    // The script is linked under its content-hashed name (`timeline.<hash>.js`).
    let script = home
        .split("<script src=\"./")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a script tag");
    assert!(
        script.starts_with("timeline.") && script.ends_with(".js") && script.len() == 28,
        "{script}"
    );
    assert!(out.join(script).is_file());
    assert!(home.contains("data-index=\"./search/manifest.js\""));
    assert!(home.contains("data-words=\"./search-words."));
    assert!(out.join("timeline.js").is_file());

    // No layout shift: the filters (hidden without JavaScript) are shown by
    // a script run as soon as they are parsed, before the list below them,
    // not by the deferred timeline.js (tests/browser measures it).
    let box_at = home
        .find("id=\"filter-box\" hidden")
        .expect("the filter box");
    let reveal = home[box_at..]
        .find("box.hidden = false")
        .map(|i| box_at + i)
        .expect("an inline script that shows it");
    let list_at = home.find("id=\"timeline-list\"").expect("the list");
    assert!(reveal < list_at, "shown before the list is parsed");
    assert!(
        !home[box_at..reveal].contains(" src="),
        "inline, not fetched"
    );
}

#[test]
fn who_met_whom_counts_each_pair_and_links_to_its_list() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    minimal_site(&root);
    write_files(
        &root,
        &[
            (
                "content/officials/wang-yi.md",
                "+++\nname = \"Wang Yi\"\ncountry = \"CN\"\n+++\nBio.\n",
            ),
            (
                "content/exchanges/2023-02-18-blinken-wang-munich.md",
                "+++\ntitle = \"Munich\"\ndate = 2023-02-18\nformat = \"sidelines\"\nofficials = [\"antony-blinken\", \"wang-yi\"]\n+++\nBody.\n",
            ),
        ],
    );
    let out = dir.path().join("public");
    build(&root, &out, &[]);
    let html = read(&out.join("who-met-whom/index.html"));
    assert!(html.contains("<h1>Who met whom</h1>"));
    assert!(html.contains(
        "<a href=\"../?official=antony-blinken&amp;official=qin-gang\" aria-label=\"Antony Blinken and Qin Gang: 2 exchanges\""
    ));
    assert!(html.contains(
        "<a href=\"../?official=antony-blinken&amp;official=wang-yi\" aria-label=\"Antony Blinken and Wang Yi: 1 exchange\""
    ));
    // Every page links to it.
    let home = read(&out.join("index.html"));
    assert!(home.contains("<a href=\"./who-met-whom/\">Who met whom</a>"));

    // --file-urls: the links work from disk too.
    let files = dir.path().join("files");
    build(&root, &files, &["--file-urls"]);
    let html = read(&files.join("who-met-whom/index.html"));
    assert!(html.contains("href=\"../index.html?official=antony-blinken&amp;official=qin-gang\""));
    let index = index_json(&files);
    assert_eq!(index["suffix"], "/index.html");
}

#[test]
fn chart_and_index_text_is_escaped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    minimal_site(&root);
    write_files(
        &root,
        &[(
            "content/exchanges/2021-05-01-odd.md",
            "+++\ntitle = \"Talks </script><script>alert('x')</script> & \\\"more\\\"\"\ndate = 2021-05-01\nformat = \"virtual\"\nofficials = [\"antony-blinken\"]\n+++\nBody.\n",
        )],
    );
    let out = dir.path().join("public");
    build(&root, &out, &[]);
    let home = read(&out.join("index.html"));
    assert!(
        !home.contains("<script>alert"),
        "no raw markup from a title"
    );
    let chart = between(&home, "<figure class=\"chart timeline\"", "</figure>");
    assert!(chart.contains(
        "<title>Talks &lt;/script&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot; (1 May 2021, virtual)</title>"
    ));
    assert!(
        cards(&out)
            .iter()
            .any(|c| c[1] == "Talks </script><script>alert('x')</script> & \"more\"")
    );
    let chunk = std::fs::read_dir(out.join("search"))
        .expect("search folder")
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("c0-"))
        .expect("a card chunk");
    let js = read(&chunk.path());
    assert!(!js.contains("</script>") && js.contains("\\u003c/script\\u003e"));
}

/// A site of `n` exchanges spread over 1995–2024 between 10 + 10 officials.
/// The chart's size depends on the span, not on `n` (bars per quarter once
/// marks would crowd), so a few thousand stand for any number.
fn big_site(root: &std::path::Path, n: usize) {
    let mut files: Vec<(String, String)> = vec![(
        "content/site.toml".into(),
        "title = \"Big\"\npaginate = 100\n".into(),
    )];
    for k in 0..20 {
        let country = if k < 10 { "US" } else { "CN" };
        files.push((
            format!("content/officials/o{k}.md"),
            format!("+++\nname = \"Official {k}\"\ncountry = \"{country}\"\n+++\nBio.\n"),
        ));
    }
    files.push((
        "content/issues/trade.md".into(),
        "+++\nname = \"Trade\"\n+++\nAbout trade.\n".into(),
    ));
    let formats = ["in-person", "virtual", "phone", "sidelines"];
    for i in 0..n {
        // Dates spread evenly across 30 years (10,950 days).
        let day = i * 10_950 / n;
        let date = chrono::NaiveDate::from_ymd_opt(1995, 1, 1).expect("date")
            + chrono::Days::new(day as u64);
        files.push((
            format!("content/exchanges/{date}-e{i}.md"),
            format!(
                "+++\ntitle = \"Exchange {i}\"\ndate = {date}\nformat = \"{}\"\nofficials = [\"o{}\", \"o{}\"]\nissues = [\"trade\"]\nsummary = \"Summary {i}.\"\n+++\nBody.\n",
                formats[i % 4],
                i % 10,
                10 + (i / 10) % 10
            ),
        ));
    }
    for (rel, text) in &files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

#[test]
fn dense_timelines_turn_into_bars_and_stay_small() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    big_site(&root, 3_000);
    let out = dir.path().join("public");
    build(&root, &out, &[]);
    let home = read(&out.join("index.html"));
    let chart = between(&home, "<figure class=\"chart timeline\"", "</figure>");
    assert_eq!(count(chart, "<a class=\"m "), 0, "no mark per exchange");
    let bars = count(chart, "<a class=\"bar\"");
    assert_eq!(bars, 120, "one bar per quarter of 30 years");
    assert!(chart.len() < 40_000, "the chart is {} bytes", chart.len());
    assert!(
        chart.contains("aria-label=\"Q1 1995: 25 exchanges\""),
        "{}",
        &chart[..2000.min(chart.len())]
    );
    assert!(chart.contains("href=\"./years/1995/\""));
    // A paginated home page carries the same chart, linked from its depth.
    let page2 = read(&out.join("page/2/index.html"));
    assert!(page2.contains("href=\"../../years/1995/\""));
    // An official with 300 exchanges: bars link to the filtered timeline.
    let official = read(&out.join("officials/o0/index.html"));
    let chart = between(&official, "<figure class=\"chart timeline\"", "</figure>");
    assert!(chart.contains("href=\"../../?official=o0&amp;from=1995&amp;to=1995\""));
    assert!(
        official.len() < 200_000,
        "official page is {} bytes",
        official.len()
    );
}
