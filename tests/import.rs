//! `detente import`: the real binary on files written into temporary
//! sites. Every site an import writes must pass `detente check`.

mod common;

use std::path::Path;

use common::*;

const SITE_TOML: &str = "title = \"Imported\"\n\n[countries.US]\nname = \"United States\"\nshort = \"US\"\n\n[countries.CN]\nname = \"People's Republic of China\"\nshort = \"China\"\n";

/// A site with site.toml, one US and one Chinese official and one issue.
fn small_site(root: &Path) {
    write_files(
        root,
        &[
            ("content/site.toml", SITE_TOML),
            (
                "content/officials/antony-blinken.md",
                "+++\nname = \"Antony Blinken\"\ncountry = \"US\"\n+++\n",
            ),
            (
                "content/officials/wang-yi.md",
                "+++\nname = \"Wang Yi\"\ncountry = \"CN\"\n+++\n",
            ),
            ("content/issues/taiwan.md", "+++\nname = \"Taiwan\"\n+++\n"),
        ],
    );
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Runs `detente import FORMAT FILE --root ROOT EXTRA…`.
fn import(format: &str, file: &Path, root: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["import", format, s(file), "--root", s(root)];
    args.extend_from_slice(extra);
    detente(&args)
}

/// `detente check` passes on the site.
fn assert_checks(root: &Path) {
    let o = detente(&["check", "--root", s(root)]);
    assert!(
        o.status.success(),
        "detente check fails on the imported site:\n{}",
        stderr(&o)
    );
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn content(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    snapshot(&root.join("content"))
}

const TIMELINEJS_HEADER: &str = "Year,Month,Day,Time,End Year,End Month,End Day,End Time,Display Date,Headline,Text,Media,Media Credit,Media Caption,Media Thumbnail,Type,Group,Background,People";

#[test]
fn timelinejs_sheet_with_media_and_groups() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    small_site(root);
    let csv = format!(
        "{TIMELINEJS_HEADER}\n\
         ,,,,,,,,,US–China talks,<p>Our timeline</p>,,,,,title,,,\n\
         2023,6,18,10:00,2023,6,19,,,Blinken in <b>Beijing</b>,\"<p>Short lead.</p><p>Talks with <a href=\"\"https://example.org/readout\"\">a readout</a>.</p>\",https://example.org/photo.jpg,Reuters,Blinken arrives,https://example.org/thumb.jpg,,Trade,,Antony Blinken; Wang Yi\n\
         2023,2,18,,,,,,,Munich call,<p>By phone.</p>,<blockquote>embedded</blockquote>,,,,,phone,,Antony Blinken; Wang Yi\n\
         2020,,,,,,,,,An era,,,,,,era,,,\n"
    );
    let file = root.join("timeline.csv");
    std::fs::write(&file, csv).expect("write");
    let o = import("timelinejs-csv", &file, root, &["--format", "in-person"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}\n{}", stderr(&o));
    let beijing = read(root, "content/exchanges/2023-06-18-blinken-in-beijing.md");
    assert!(
        beijing.contains("title = \"Blinken in Beijing\""),
        "{beijing}"
    );
    assert!(beijing.contains("end_date = 2023-06-19"), "{beijing}");
    assert!(
        beijing.contains("officials = [\"antony-blinken\", \"wang-yi\"]"),
        "{beijing}"
    );
    assert!(
        beijing.contains("issues = [\"trade\"]"),
        "the group became an issue: {beijing}"
    );
    assert!(beijing.contains("summary = \"Short lead.\""), "{beijing}");
    assert!(
        beijing.contains("[a readout](https://example.org/readout)"),
        "{beijing}"
    );
    assert!(
        beijing.contains(
            "[[sources]]\ntitle = \"Blinken arrives (Reuters)\"\nurl = \"https://example.org/photo.jpg\""
        ),
        "the media is kept as a source: {beijing}"
    );
    assert!(
        beijing.contains("format = \"in-person\""),
        "no Type and a group that is no format: the --format default: {beijing}"
    );
    let munich = read(root, "content/exchanges/2023-02-18-munich-call.md");
    assert!(
        munich.contains("format = \"phone\""),
        "the group named a format: {munich}"
    );
    assert!(!munich.contains("issues"), "{munich}");
    assert!(read(root, "content/issues/trade.md").contains("name = \"Trade\""));
    // Nothing left out silently.
    assert!(out.contains("not an http(s) address"), "{out}");
    assert!(
        out.contains("the title slide (\"US–China talks\")"),
        "{out}"
    );
    assert!(out.contains("an era (\"An era\")"), "{out}");
    assert!(out.contains("\"Media Thumbnail\""), "{out}");
    assert!(out.contains("\"People\" → officials"), "{out}");
    assert_checks(root);
}

#[test]
fn timelinejs_json_html_keeps_links_and_drops_scripts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    small_site(root);
    let json = r#"{
      "title": {"text": {"headline": "A timeline", "text": ""}},
      "events": [
        {
          "start_date": {"year": "2022", "month": "11", "day": "14"},
          "text": {
            "headline": "Wang Yi &amp; Blinken meet",
            "text": "<p>They met <a href=\"https://example.org/r\" onclick=\"steal()\">(readout)</a>.<script>alert('x')</script></p><p onmouseover=\"evil()\">Then <a href=\"javascript:alert(1)\">this</a> and <a href=\"https://elsewhere.example/officials/wang-yi/\">Wang Yi</a> spoke.</p>"
          },
          "group": "in-person",
          "media": {"url": "https://example.org/v.mp4", "caption": "<i>Video</i>", "credit": "AP"},
          "unique_id": "2022-11-14-wang-blinken"
        },
        {"start_date": {"year": 2022}, "text": {"headline": "Year only"}},
        {"text": {"headline": "No date"}}
      ]
    }"#;
    let file = root.join("timeline.json");
    std::fs::write(&file, json).expect("write");
    let o = import("timelinejs-json", &file, root, &["--keep-going"]);
    let (out, err) = (stdout(&o), stderr(&o));
    assert!(o.status.success(), "{out}\n{err}");
    let text = read(root, "content/exchanges/2022-11-14-wang-blinken.md");
    assert!(
        text.contains("title = \"Wang Yi & Blinken meet\""),
        "{text}"
    );
    assert!(
        text.contains("[(readout)](https://example.org/r)"),
        "{text}"
    );
    for gone in [
        "script",
        "alert",
        "onclick",
        "steal",
        "onmouseover",
        "evil",
        "javascript",
    ] {
        assert!(!text.contains(gone), "`{gone}` is dropped: {text}");
    }
    assert!(text.contains("officials = [\"wang-yi\"]"), "{text}");
    assert!(text.contains("title = \"Video (AP)\""), "{text}");
    assert!(
        err.contains("events[1]: the date `2022` has no month"),
        "{err}"
    );
    assert!(err.contains("events[2]: no start_date"), "{err}");
    assert!(out.contains("title slide (\"A timeline\")"), "{out}");
    assert_checks(root);
}

#[test]
fn csv_with_odd_columns_reports_bad_rows_by_line_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    small_site(root);
    let csv = "When,Event,Who,Kind,Place,Tags,Link,Remarks\n\
               2023-06-18,Talks in Beijing,Antony Blinken; Wang Yi,In Person,Beijing,Taiwan; Trade,https://example.org/r,x\n\
               2023-02-30,Bad date,Antony Blinken,phone,,,,\n\
               2023-03-01,,Antony Blinken,phone,,,,\n\
               18 June 2023,talks in  beijing,Wang Yi,phone,,,,\n\
               2023-04-01,\"A title\nover two lines\",Wang Yi,virtual,,,,\n\
               2023-04-02,Who is this,Li Hua,virtual,,,,\n";
    let file = root.join("data.csv");
    std::fs::write(&file, csv).expect("write");
    let before = content(root);
    let o = import("csv", &file, root, &[]);
    let (out, err) = (stdout(&o), stderr(&o));
    assert_eq!(o.status.code(), Some(1), "{out}\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    for expected in [
        "data.csv:3:1",
        "is not a real date",
        "data.csv:4:1",
        "no title",
        "data.csv:5:1",
        "a duplicate of line 2",
        // The quoted title holds a line break: the next row is on line 8.
        "data.csv:8:1",
        "no country for the new official `Li Hua`",
        "nothing was written",
    ] {
        assert!(err.contains(expected), "`{expected}` in:\n{err}");
    }
    assert!(!err.contains("data.csv:2:1"), "{err}");
    assert!(!err.contains("data.csv:6:1"), "{err}");
    assert_eq!(content(root), before, "nothing was written");
    // The mapping used is reported.
    for mapped in [
        "\"When\" → date",
        "\"Event\" → title",
        "\"Who\" → officials",
        "\"Kind\" → format",
        "\"Place\" → location",
        "\"Tags\" → issues",
        "\"Link\" → source_url",
        "\"Remarks\" → not imported",
    ] {
        assert!(out.contains(mapped), "`{mapped}` in:\n{out}");
    }

    let o = import("csv", &file, root, &["--keep-going"]);
    let (out, err) = (stdout(&o), stderr(&o));
    assert_eq!(o.status.code(), Some(0), "{out}\n{err}");
    assert!(err.contains("warning: a duplicate of line 2"), "{err}");
    assert!(out.contains("4 rows skipped"), "{out}");
    let beijing = read(root, "content/exchanges/2023-06-18-talks-in-beijing.md");
    assert!(beijing.contains("format = \"in-person\""), "{beijing}");
    assert!(beijing.contains("location = \"Beijing\""), "{beijing}");
    assert!(
        beijing.contains("issues = [\"taiwan\", \"trade\"]"),
        "{beijing}"
    );
    assert!(
        read(
            root,
            "content/exchanges/2023-04-01-a-title-over-two-lines.md"
        )
        .contains("A title\\nover two lines")
    );
    assert!(!root.join("content/officials/li-hua.md").exists());
    assert_checks(root);
}

#[test]
fn dry_run_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    small_site(root);
    let file = root.join("data.csv");
    std::fs::write(
        &file,
        "Date,Title,People,Format\n2023-06-18,Talks,Antony Blinken; Qin Gang,phone\n",
    )
    .expect("write");
    let before = content(root);
    let o = import("csv", &file, root, &["--dry-run", "--country", "CN"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}\n{}", stderr(&o));
    assert!(
        out.contains("content/exchanges/2023-06-18-talks.md"),
        "{out}"
    );
    assert!(out.contains("content/officials/qin-gang.md"), "{out}");
    assert!(
        out.contains("created    \"Qin Gang\" → qin-gang, country CN"),
        "{out}"
    );
    assert!(out.contains("would write 2 files"), "{out}");
    assert!(out.contains("dry run: nothing was written"), "{out}");
    assert_eq!(content(root), before, "a dry run writes nothing");
}

#[test]
fn existing_entries_are_not_overwritten_unless_update() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    small_site(root);
    let file = root.join("data.csv");
    std::fs::write(
        &file,
        "Date,Title,People,Format,Summary\n2023-06-18,Talks,Antony Blinken,phone,First.\n",
    )
    .expect("write");
    let rel = "content/exchanges/2023-06-18-talks.md";
    let o = import("csv", &file, root, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(read(root, rel).contains("summary = \"First.\""));

    let o = import("csv", &file, root, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!("unchanged  {rel}")),
        "{}",
        stdout(&o)
    );

    let edited = read(root, rel).replace("First.", "Edited by hand.");
    std::fs::write(root.join(rel), &edited).expect("edit");
    let o = import("csv", &file, root, &[]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains(&format!("changed    {rel}")), "{out}");
    assert!(out.contains("pass --update"), "{out}");
    assert_eq!(read(root, rel), edited, "not overwritten");

    let o = import("csv", &file, root, &["--update"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!("updated    {rel}")),
        "{}",
        stdout(&o)
    );
    assert!(
        read(root, rel).contains("summary = \"First.\""),
        "rewritten"
    );
    assert_checks(root);
}

#[test]
fn names_match_with_diacritics_and_case_folded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    small_site(root);
    let file = root.join("data.csv");
    std::fs::write(
        &file,
        "Date,Title,Participants,Type,Topics\n2023-02-18,Munich,\"Wang Yì, ANTONY BLINKEN\",in-person,taïwan\n",
    )
    .expect("write");
    let o = import("csv", &file, root, &[]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}\n{}", stderr(&o));
    assert!(
        out.contains("matched    \"Wang Yì\" → wang-yi (by name; line 2)"),
        "{out}"
    );
    assert!(
        out.contains("matched    \"ANTONY BLINKEN\" → antony-blinken (by name"),
        "{out}"
    );
    assert!(out.contains("matched    \"taïwan\" → taiwan"), "{out}");
    let text = read(root, "content/exchanges/2023-02-18-munich.md");
    assert!(
        text.contains("officials = [\"wang-yi\", \"antony-blinken\"]"),
        "{text}"
    );
    assert!(text.contains("issues = [\"taiwan\"]"), "{text}");
    let officials = std::fs::read_dir(root.join("content/officials"))
        .expect("dir")
        .count();
    assert_eq!(officials, 2, "no official was created");
    assert_checks(root);
}

#[test]
fn ambiguous_names_skip_their_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    small_site(root);
    write_files(
        root,
        &[(
            "content/officials/wang-yi-2.md",
            "+++\nname = \"Wáng Yí\"\ncountry = \"CN\"\n+++\n",
        )],
    );
    let file = root.join("data.csv");
    std::fs::write(
        &file,
        "Date,Title,People,Format\n2023-02-18,One,Wang Yi,phone\n2023-02-19,Two,wang-yi-2,phone\n",
    )
    .expect("write");
    let o = import("csv", &file, root, &[]);
    let (out, err) = (stdout(&o), stderr(&o));
    assert_eq!(o.status.code(), Some(1), "{out}\n{err}");
    assert!(err.contains("data.csv:2:1"), "{err}");
    assert!(err.contains("the official `Wang Yi` is ambiguous"), "{err}");
    assert!(
        out.contains("ambiguous  \"Wang Yi\" → wang-yi or wang-yi-2 (line 2: skipped)"),
        "{out}"
    );
    let o = import("csv", &file, root, &["--keep-going"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!root.join("content/exchanges/2023-02-18-one.md").exists());
    assert!(read(root, "content/exchanges/2023-02-19-two.md").contains("\"wang-yi-2\""));
    assert_checks(root);
}

#[test]
fn refuses_without_a_site_and_with_a_bad_country() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("data.csv");
    std::fs::write(&file, "Date,Title\n2023-01-01,x\n").expect("write");
    let o = import("csv", &file, dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("detente init"), "{}", stderr(&o));

    small_site(dir.path());
    let o = import("csv", &file, dir.path(), &["--country", "CM"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("unknown country `CM`"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("did you mean `CN`?"), "{}", stderr(&o));
    let o = import("csv", &file, dir.path(), &["--map", "dat=Date"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("did you mean `date`?"),
        "{}",
        stderr(&o)
    );
}

/// What an exchange page shows: dates, title, officials, issues.
#[derive(Debug, PartialEq, Eq)]
struct Shown {
    time: String,
    title: String,
    officials: Vec<String>,
    issues: Vec<String>,
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let end = text[start..].find(close)? + start;
    Some(&text[start..end])
}

/// The `<a href="…">text</a>` of an HTML fragment, as `href text`.
fn anchors(html: &str) -> Vec<String> {
    html.split("<a href=\"")
        .skip(1)
        .filter_map(|a| {
            let (href, rest) = a.split_once('"')?;
            let text = between(rest, ">", "</a>")?;
            Some(format!("{href} {text}"))
        })
        .collect()
}

fn shown(page: &str) -> Shown {
    Shown {
        time: between(page, "<time ", "</time>")
            .expect("time")
            .to_string(),
        title: between(page, "<h1>", "</h1>").expect("h1").to_string(),
        officials: anchors(
            between(page, "<ul class=\"participants\">", "</ul>").expect("participants"),
        ),
        issues: between(page, "<ul class=\"tags\">", "</ul>")
            .map(anchors)
            .unwrap_or_default(),
    }
}

#[test]
fn round_trip_of_the_shipped_sites_data_files() {
    // The shipped site, built; each of its data files imported into an
    // empty site with the same site.toml, built again: every exchange page
    // shows the same dates, title, officials and issues.
    let dir = tempfile::tempdir().expect("tempdir");
    let original = dir.path().join("original");
    build(&repo(), &original, &[]);
    let site_toml = std::fs::read_to_string(repo().join("content/site.toml")).expect("site.toml");
    let pages: Vec<String> = snapshot(&original)
        .into_keys()
        .filter(|p| p.starts_with("exchanges/") && p.ends_with("/index.html"))
        .collect();
    assert!(pages.len() >= 10, "{pages:?}");
    // exchanges.csv too, through the generic CSV reader (its `url` column
    // is the exchange's own page, not a source).
    for (format, data, extra) in [
        ("detente-json", "exchanges.json", &[][..]),
        ("timelinejs-json", "timeline.json", &[]),
        ("csv", "exchanges.csv", &["--map", "source_url="]),
    ] {
        let root = dir.path().join(format);
        write_files(&root, &[("content/site.toml", &site_toml)]);
        let o = import(format, &original.join(data), &root, extra);
        assert!(
            o.status.success(),
            "{format}:\n{}\n{}",
            stdout(&o),
            stderr(&o)
        );
        assert_checks(&root);
        let rebuilt = dir.path().join(format!("{format}-public"));
        build(&root, &rebuilt, &[]);
        let got: Vec<String> = snapshot(&rebuilt)
            .into_keys()
            .filter(|p| p.starts_with("exchanges/") && p.ends_with("/index.html"))
            .collect();
        assert_eq!(got, pages, "{format}: the same exchange pages");
        for page in &pages {
            let want = shown(&std::fs::read_to_string(original.join(page)).expect("page"));
            let have = shown(&std::fs::read_to_string(rebuilt.join(page)).expect("page"));
            assert_eq!(have, want, "{format}: {page}");
        }
        // detente's own data carries the exchanges' translations: each
        // comes back beside its exchange, and the Chinese pages show it.
        if format == "detente-json" {
            let translated = std::fs::read_dir(root.join("content/exchanges"))
                .expect("exchanges")
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(".zh.md"))
                .count();
            assert_eq!(translated, pages.len(), "a translation per exchange");
            for page in &pages {
                let page = format!("zh/{page}");
                let title = |tree: &std::path::Path| {
                    let html = std::fs::read_to_string(tree.join(&page)).expect("zh page");
                    between(&html, "<h1>", "</h1>").expect("h1").to_string()
                };
                assert_eq!(title(&rebuilt), title(&original), "{page}");
            }
            assert!(
                stdout(&o).contains(&format!("{} new translations", pages.len())),
                "{}",
                stdout(&o)
            );
        }
        // Officials keep their country.
        let blinken = std::fs::read_to_string(root.join("content/officials/antony-blinken.md"))
            .expect("official");
        assert!(blinken.contains("country = \"US\""), "{format}: {blinken}");
    }
}

/// Translations into a language the site does not list are left out,
/// with one note saying how to keep them.
#[test]
fn translations_into_unlisted_languages_are_noted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    small_site(&root);
    let file = dir.path().join("exchanges.json");
    std::fs::write(
        &file,
        r#"{"exchanges": [
            {"slug": "2023-01-01-talks", "title": "Talks", "date": "2023-01-01", "format": "in-person",
             "officials": [{"slug": "antony-blinken"}],
             "translations": {"fr": {"title": "Pourparlers", "summary": "Des pourparlers."}}},
            {"slug": "2023-02-01-call", "title": "A call", "date": "2023-02-01", "format": "in-person",
             "officials": [{"slug": "antony-blinken"}],
             "translations": {"fr": {"title": "Un appel"}}}
        ]}"#,
    )
    .expect("write");
    let o = import("detente-json", &file, &root, &[]);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    let said = stdout(&o);
    assert!(
        said.contains("the translations into `fr` of 2 exchanges are left out: content/site.toml lists no [languages.fr]"),
        "{said}"
    );
    assert!(
        !root
            .join("content/exchanges/2023-01-01-talks.fr.md")
            .exists()
    );
    assert_checks(&root);
    // Listed, they are written.
    let toml = read(&root, "content/site.toml");
    write_files(
        &root,
        &[(
            "content/site.toml",
            &format!("{toml}\n[languages.fr]\ntitle = \"Chronologie\"\n"),
        )],
    );
    let o = import("detente-json", &file, &root, &[]);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    assert_eq!(
        read(&root, "content/exchanges/2023-01-01-talks.fr.md"),
        "+++\ntitle = \"Pourparlers\"\nsummary = \"Des pourparlers.\"\n+++\n"
    );
    assert_checks(&root);
}

#[test]
fn a_new_site_from_init_gets_the_timelines_title() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    let o = detente(&["init", s(&root)]);
    assert!(o.status.success(), "{}", stderr(&o));
    for folder in ["exchanges", "officials", "issues"] {
        for e in std::fs::read_dir(root.join("content").join(folder))
            .expect("dir")
            .flatten()
        {
            std::fs::remove_file(e.path()).expect("remove the example");
        }
    }
    let file = dir.path().join("timeline.json");
    std::fs::write(
        &file,
        r#"{"title": {"text": {"headline": "Talks, <i>1972–1979</i>"}},
            "events": [{"start_date": {"year": 1972, "month": 2, "day": 21},
                        "text": {"headline": "Nixon meets Mao",
                                 "text": "<p><a href=\"https://x.example/officials/richard-nixon/\">Richard Nixon</a> (President), <a href=\"https://x.example/officials/mao-zedong/\" title=\"People's Republic of China\">Mao Zedong</a></p>"},
                        "group": "Normalization"}]}"#,
    )
    .expect("write");
    let o = import(
        "timelinejs-json",
        &file,
        &root,
        &["--country", "US", "--format", "in-person"],
    );
    let out = stdout(&o);
    assert!(o.status.success(), "{out}\n{}", stderr(&o));
    assert!(
        out.contains("it gets the file's, \"Talks, 1972–1979\""),
        "{out}"
    );
    let site = read(&root, "content/site.toml");
    assert!(site.starts_with("title = \"Talks, 1972–1979\"\n"), "{site}");
    assert!(read(&root, "content/officials/mao-zedong.md").contains("country = \"CN\""));
    let nixon = read(&root, "content/officials/richard-nixon.md");
    assert!(nixon.contains("country = \"US\""), "--country: {nixon}");
    assert!(
        nixon.contains("title = \"President\"\nfrom = 1972-02-21\nto = 1972-02-21"),
        "{nixon}"
    );
    assert!(read(&root, "content/issues/normalization.md").contains("name = \"Normalization\""));
    assert_checks(&root);
}

#[test]
fn an_end_date_before_the_date_skips_the_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    small_site(root);
    let file = root.join("data.csv");
    std::fs::write(
        &file,
        "Date,End date,Title,People,Format\n2023-06-18,2023-06-17,Talks,Wang Yi,phone\n",
    )
    .expect("write");
    let o = import("csv", &file, root, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("the end date 2023-06-17 is before the date 2023-06-18"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("data.csv:2:1"), "{}", stderr(&o));
}
