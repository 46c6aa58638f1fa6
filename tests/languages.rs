//! A site in two languages: every page in both, linked both ways; feeds,
//! filter index and sitemap per language; untranslated entries marked;
//! translations that disagree with their originals refused.

mod common;

use std::path::Path;

use common::{
    append_to_site_toml, bilingual, build, detente, minimal_site, replace_in, snapshot, stderr,
    stdout, write_files,
};

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// `(hreflang, href)` of a page's `<link rel="alternate" hreflang>`.
fn alternates(html: &str) -> Vec<(String, String)> {
    html.split("<link rel=\"alternate\" hreflang=\"")
        .skip(1)
        .map(|part| {
            let lang = &part[..part.find('"').expect("quote")];
            let href = part.split("href=\"").nth(1).expect("href");
            (
                lang.to_string(),
                href[..href.find('"').expect("quote")].to_string(),
            )
        })
        .collect()
}

#[test]
fn every_page_exists_in_both_languages_and_links_the_other() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    bilingual(&root);
    build(&root, &out, &[]);
    let files = snapshot(&out);
    let pages: Vec<&String> = files
        .keys()
        .filter(|k| k.ends_with("index.html") && !k.starts_with("zh/"))
        .collect();
    assert!(pages.len() > 10);
    for page in pages {
        let zh = format!("zh/{page}");
        assert!(files.contains_key(&zh), "{zh} is missing");
        let path = page.trim_end_matches("index.html");
        let want = [
            ("en".to_string(), format!("https://example.org/{path}")),
            ("zh".to_string(), format!("https://example.org/zh/{path}")),
            (
                "x-default".to_string(),
                format!("https://example.org/{path}"),
            ),
        ];
        for file in [page.as_str(), zh.as_str()] {
            let html = String::from_utf8_lossy(&files[file]).into_owned();
            assert_eq!(alternates(&html), want, "{file}");
        }
        let zh_html = String::from_utf8_lossy(&files[&zh]).into_owned();
        assert!(
            zh_html.starts_with("<!DOCTYPE html>\n<html lang=\"zh\">"),
            "{zh}"
        );
        // The switcher links the same page in the other language.
        assert!(zh_html.contains("<nav class=\"languages\""), "{zh}");
        assert!(
            zh_html.contains("hreflang=\"en\" lang=\"en\">English</a>"),
            "{zh}"
        );
    }
    // Each language has its page not found, in its language, whose
    // switcher leads to each language's home (and no alternates in the
    // head: a missing page has no translation).
    let missing = read(&out, "zh/404.html");
    assert!(missing.starts_with("<!DOCTYPE html>\n<html lang=\"zh\">"));
    assert!(missing.contains("<h1>页面不存在</h1>"), "{missing}");
    assert!(missing.contains("<a href=\"/\" hreflang=\"en\" lang=\"en\">English</a>"));
    assert!(!missing.contains("<link rel=\"alternate\" hreflang"));
    let missing = read(&out, "404.html");
    assert!(missing.contains("<a href=\"/zh/\" hreflang=\"zh\" lang=\"zh\">中文</a>"));
    assert!(!missing.contains("<link rel=\"alternate\" hreflang"));
    // Translated text, the interface in Chinese, Chinese dates.
    let page = read(
        &out,
        "zh/exchanges/2023-06-18-blinken-qin-beijing/index.html",
    );
    assert!(page.contains("<h1>布林肯与秦刚在北京会晤</h1>"));
    assert!(page.contains("<time datetime=\"2023-06-18\">2023年6月18日</time>"));
    assert!(
        page.contains(">参与者</h2>"),
        "interface strings in Chinese"
    );
    assert!(page.contains(">秦刚</a>"), "the official's translated name");
    assert!(page.contains("外交部长"), "the translated role");
    assert!(page.contains("<title>布林肯与秦刚在北京会晤 · 测试时间线</title>"));
    // An exchange without a translation falls back to English, marked.
    let call = read(&out, "zh/exchanges/2022-09-23-blinken-qin-call/index.html");
    assert!(
        call.contains("<article class=\"exchange\" lang=\"en\">"),
        "marked as English"
    );
    assert!(call.contains("<h1>A call</h1>"));
    let home = read(&out, "zh/index.html");
    assert!(home.contains("<li class=\"card format-phone\" lang=\"en\">"));
    assert!(
        !home.contains("<li class=\"card format-in-person\" lang="),
        "the translated card is Chinese"
    );
    // The English site is as before.
    let en = read(&out, "exchanges/2023-06-18-blinken-qin-beijing/index.html");
    assert!(en.contains("<h1>Blinken and Qin meet in Beijing</h1>"));
    assert!(en.contains("<html lang=\"en\">"));
    // Shared files come from the root.
    assert!(
        home.contains("href=\"./../style."),
        "one stylesheet for both languages"
    );
    // Feeds and filter index per language; data files once, with the translations.
    assert!(read(&out, "zh/feed.xml").contains("布林肯与秦刚在北京会晤"));
    assert!(
        read(&out, "zh/officials/qin-gang/feed.xml").contains("<title>秦刚 · 测试时间线</title>")
    );
    // The Chinese filter index: its manifest, and cards in Chinese.
    assert!(out.join("zh/search/manifest.js").is_file());
    assert!(
        files.iter().any(|(k, v)| k.starts_with("zh/search/")
            && String::from_utf8_lossy(v).contains("布林肯与秦刚在北京会晤")),
        "a Chinese card in the Chinese index"
    );
    assert!(!out.join("zh/exchanges.json").exists() && !out.join("zh/sitemap.xml").exists());
    let json: serde_json::Value =
        serde_json::from_str(&read(&out, "exchanges.json")).expect("json");
    let first = json["exchanges"]
        .as_array()
        .expect("list")
        .iter()
        .find(|e| e["slug"] == "2023-06-18-blinken-qin-beijing")
        .expect("the exchange");
    assert_eq!(
        first["translations"]["zh"]["title"],
        "布林肯与秦刚在北京会晤"
    );
    let sitemap = read(&out, "sitemap.xml");
    assert!(
        sitemap.contains(
            "<loc>https://example.org/zh/exchanges/2023-06-18-blinken-qin-beijing/</loc>"
        )
    );
    assert!(sitemap.contains(
        "<xhtml:link rel=\"alternate\" hreflang=\"zh\" href=\"https://example.org/zh/issues/taiwan/\"/>"
    ));
    // Every link of both languages resolves.
    let o = detente(&[
        "check",
        "--root",
        root.to_str().expect("utf-8"),
        "--output",
        out.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn translations_that_disagree_or_have_no_original_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    bilingual(&root);
    write_files(
        &root,
        &[
            (
                "content/exchanges/2023-06-18-blinken-qin-beijing.zh.md",
                "+++\ntitle = \"布林肯与秦刚在北京会晤\"\ndate = 2023-06-19\n+++\n正文。\n",
            ),
            (
                "content/issues/tradee.zh.md",
                "+++\nname = \"贸易\"\n+++\n贸易。\n",
            ),
            (
                "content/issues/climate.fr.md",
                "+++\nname = \"Climat\"\n+++\nx\n",
            ),
        ],
    );
    let o = detente(&["check", "--root", root.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1));
    let said = stderr(&o);
    assert!(
        said.contains("`date` is 2023-06-19 here but 2023-06-18 in the original, content/exchanges/2023-06-18-blinken-qin-beijing.md"),
        "{said}"
    );
    assert!(
        said.contains("content/exchanges/2023-06-18-blinken-qin-beijing.zh.md:3:"),
        "{said}"
    );
    assert!(
        said.contains("a translation of the issue `tradee`, which does not exist"),
        "{said}"
    );
    assert!(said.contains("did you mean `trade`?"), "{said}");
    assert!(
        said.contains("a translation into `fr`, a language site.toml does not list"),
        "{said}"
    );
}

#[test]
fn a_language_without_built_in_strings_falls_back_to_english_and_warns() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    minimal_site(&root);
    append_to_site_toml(&root, "[languages.de]\ntitle = \"Zeitleiste\"\n");
    write_files(
        &root,
        &[("i18n/de.toml", "[nav]\ntimeline = \"Zeitleiste\"\n")],
    );
    let o = build(&root, &out, &[]);
    let said = stderr(&o);
    assert!(
        said.contains("have no `de` translation and are shown in English"),
        "{said}"
    );
    assert!(said.contains("nav.officials"), "{said}");
    let home = read(&out, "de/index.html");
    assert!(home.contains(">Zeitleiste</a>"), "the site's own string");
    assert!(home.contains(">Officials</a>"), "English for the rest");
}

/// Interface strings are an input like any other: a rebuild after an
/// edit of `i18n/<tag>.toml` (or of the name another language gives
/// itself) remakes the pages that print them and equals a fresh build.
#[test]
fn edited_interface_strings_remake_the_pages_that_print_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    bilingual(&root);
    build(&root, &out, &[]);
    for (n, (strings, shows, page)) in [
        (
            "[nav]\nofficials = \"人物\"\n",
            ">人物</a>",
            "zh/index.html",
        ),
        ("[lang]\nname = \"汉语\"\n", "汉语", "index.html"),
    ]
    .iter()
    .enumerate()
    {
        write_files(&root, &[("i18n/zh.toml", strings)]);
        build(&root, &out, &[]);
        assert!(read(&out, page).contains(shows), "edit {n}: {page}");
        let fresh = dir.path().join(format!("fresh{n}"));
        build(&root, &fresh, &[]);
        assert_eq!(
            snapshot(&out),
            snapshot(&fresh),
            "edit {n}: rebuild vs fresh"
        );
    }
}

/// Countries and cities are named in each language: site.toml's
/// `[languages.zh.countries]` and `.cities` first, then the world table's
/// name in that language; URLs stay the same in every language.
#[test]
fn countries_and_cities_are_named_in_each_language() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    bilingual(&root);
    let edit = |rel: &str, from: &str, to: &str| replace_in(&root, rel, from, to);
    edit(
        "content/exchanges/2023-06-18-blinken-qin-beijing.md",
        "location = \"Beijing, China\"",
        "location = { city = \"Beijing\", country = \"CN\" }",
    );
    // Not translated: its place is shown with the Chinese names.
    edit(
        "content/exchanges/2022-09-23-blinken-qin-call.md",
        "format = \"phone\"",
        "format = \"in-person\"\nlocation = { city = \"washington\", venue = \"State Department\", country = \"US\" }",
    );
    append_to_site_toml(
        &root,
        "[languages.zh.countries]\nUS = { name = \"美利坚合众国\", short = \"美国\" }\n\n[languages.zh.cities]\nWashington = \"华盛顿\"\n",
    );
    build(&root, &out, &[]);

    let places = read(&out, "zh/places/index.html");
    assert!(places.contains(">美利坚合众国</a>"), "site.toml's name");
    assert!(places.contains(">华盛顿</a>"), "site.toml's city name");
    assert!(
        places.contains(">中国</a>"),
        "the world table's Chinese name"
    );
    assert!(
        places.contains(">Beijing</a>"),
        "a city without a name stays"
    );
    assert!(places.contains("href=\"../places/us/washington/\""));
    let city = read(&out, "zh/places/us/washington/index.html");
    assert!(city.contains("<h1>华盛顿</h1>"), "{city}");
    let call = read(&out, "zh/exchanges/2022-09-23-blinken-qin-call/index.html");
    assert!(
        call.contains("State Department，华盛顿，美利坚合众国"),
        "{call}"
    );
    assert!(
        call.contains("href=\"../../places/us/washington/\""),
        "{call}"
    );
    // The translation's own location wins.
    let met = read(
        &out,
        "zh/exchanges/2023-06-18-blinken-qin-beijing/index.html",
    );
    assert!(met.contains("中国北京"));
    // The default language keeps its names.
    let places = read(&out, "places/index.html");
    assert!(places.contains(">United States</a>") && places.contains(">washington</a>"));
    assert!(!places.contains("华盛顿"));

    // A country the site does not know is refused; a city no exchange is
    // held in is a warning.
    // (still in the cities table)
    append_to_site_toml(
        &root,
        "Bejing = \"北京\"\n\n[languages.zh.countries.UK]\nname = \"英国\"\n",
    );
    let o = detente(&["check", "--root", root.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1));
    let said = stderr(&o);
    assert!(
        said.contains("[languages.zh.countries] names `UK`, a country the site does not know"),
        "{said}"
    );
    assert!(
        said.contains("[languages.zh.cities] names `Bejing`, a city no exchange is held in"),
        "{said}"
    );
    assert!(said.contains("did you mean `Beijing`?"), "{said}");
}

/// A language written right to left gets `dir="rtl"` on its pages, and
/// what is shown in the default language there (and the switcher's
/// English) is marked left to right; left-to-right pages carry no `dir`.
#[test]
fn right_to_left_languages_are_marked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    minimal_site(&root);
    append_to_site_toml(&root, "[languages.ar]\ntitle = \"الجدول الزمني\"\n");
    write_files(
        &root,
        &[
            ("i18n/ar.toml", "[lang]\nname = \"العربية\"\n"),
            (
                "content/exchanges/2022-09-23-blinken-qin-call.ar.md",
                "+++\ntitle = \"مكالمة\"\n+++\nنص.\n",
            ),
        ],
    );
    build(&root, &out, &[]);
    let home = read(&out, "ar/index.html");
    assert!(home.starts_with("<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">"));
    assert!(home.contains("<li class=\"card format-in-person\" lang=\"en\" dir=\"ltr\">"));
    assert!(
        home.contains("<li class=\"card format-phone\">"),
        "the translated card"
    );
    assert!(home.contains("hreflang=\"en\" lang=\"en\" dir=\"ltr\">English</a>"));
    let page = read(
        &out,
        "ar/exchanges/2023-06-18-blinken-qin-beijing/index.html",
    );
    assert!(page.contains("<article class=\"exchange\" lang=\"en\" dir=\"ltr\">"));
    let official = read(&out, "ar/officials/qin-gang/index.html");
    assert!(official.contains("lang=\"en\" dir=\"ltr\">"));
    let en = read(&out, "index.html");
    assert!(en.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(en.contains("hreflang=\"ar\" lang=\"ar\" dir=\"rtl\">العربية</a>"));
}

/// `check --translations` says how much of each language is translated
/// and which translation files are missing.
#[test]
fn check_lists_what_is_not_translated() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    bilingual(&root);
    let o = detente(&[
        "check",
        "--translations",
        "--root",
        root.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        said.contains("zh: 1 of 2 exchanges, 1 of 2 officials, 1 of 2 issues translated"),
        "{said}"
    );
    assert!(
        said.contains("  missing content/exchanges/2022-09-23-blinken-qin-call.zh.md  (A call)"),
        "{said}"
    );
    assert!(said.contains("  missing content/officials/antony-blinken.zh.md  (Antony Blinken)"));
    assert!(!said.contains("qin-gang.zh.md"), "{said}");
}

/// The Latin words of `html` a reader of a Chinese page would meet in
/// the interface: text and labels outside elements marked with another
/// language, less names of formats and standards.
fn english_words(html: &str) -> Vec<String> {
    const ALLOWED: [&str; 8] = [
        "Atom",
        "JSON",
        "CSV",
        "TimelineJS",
        "TimelineJS3",
        "iCalendar",
        "RFC",
        "detente",
    ];
    fn words(text: &str, out: &mut Vec<String>) {
        for w in text.split(|c: char| !c.is_ascii_alphanumeric()) {
            if w.len() >= 3 && w.bytes().any(|b| b.is_ascii_alphabetic()) && !ALLOWED.contains(&w) {
                out.push(w.to_string());
            }
        }
    }
    fn walk(handle: tl::NodeHandle, parser: &tl::Parser, out: &mut Vec<String>) {
        let Some(node) = handle.get(parser) else {
            return;
        };
        match node {
            tl::Node::Tag(tag) => {
                let name = tag.name().as_utf8_str().to_ascii_lowercase();
                let attr = |k: &str| {
                    tag.attributes()
                        .get(k)
                        .flatten()
                        .map(|v| v.as_utf8_str().to_string())
                };
                if matches!(name.as_str(), "script" | "style")
                    || attr("lang").is_some_and(|l| l != "zh")
                {
                    return;
                }
                for k in ["aria-label", "title", "alt", "placeholder"] {
                    if let Some(v) = attr(k) {
                        words(&v, out);
                    }
                }
                if name == "meta" && attr("name").as_deref() == Some("description") {
                    words(&attr("content").unwrap_or_default(), out);
                }
                for child in tag.children().top().iter() {
                    walk(*child, parser, out);
                }
            }
            tl::Node::Raw(text) => words(&text.as_utf8_str(), out),
            tl::Node::Comment(_) => {}
        }
    }
    let dom = tl::parse(html, tl::ParserOptions::default()).expect("HTML parses");
    let mut out = Vec::new();
    for child in dom.children() {
        walk(*child, dom.parser(), &mut out);
    }
    out
}

/// Every word of the interface on the Chinese pages is Chinese: a site
/// whose entries are all translated shows no English on them.
#[test]
fn the_chinese_interface_has_no_english_left() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    bilingual(&root);
    write_files(
        &root,
        &[
            (
                "content/officials/antony-blinken.zh.md",
                "+++\nname = \"安东尼·布林肯\"\n[[roles]]\ntitle = \"国务卿\"\n+++\n简历。\n",
            ),
            (
                "content/issues/trade.zh.md",
                "+++\nname = \"贸易\"\n+++\n关于贸易。\n",
            ),
            (
                "content/exchanges/2022-09-23-blinken-qin-call.zh.md",
                "+++\ntitle = \"一次通话\"\nsummary = \"简短的通话。\"\n+++\n通话。\n",
            ),
        ],
    );
    append_to_site_toml(
        &root,
        "[languages.zh.countries]\nUS = { name = \"美国\" }\nCN = { name = \"中国\" }\n\n[languages.zh.cities]\nBeijing = \"北京\"\n",
    );
    // A place written as a table: place pages and maps too.
    replace_in(
        &root,
        "content/exchanges/2023-06-18-blinken-qin-beijing.md",
        "location = \"Beijing, China\"",
        "location = { city = \"Beijing\", country = \"CN\" }",
    );
    build(&root, &out, &[]);
    let files = snapshot(&out);
    let mut pages = 0;
    for (file, bytes) in &files {
        if !(file.starts_with("zh/") && file.ends_with(".html")) {
            continue;
        }
        pages += 1;
        let found = english_words(&String::from_utf8_lossy(bytes));
        assert!(found.is_empty(), "{file}: English words {found:?}");
    }
    assert!(pages > 10, "{pages} Chinese pages");
    assert!(files.contains_key("zh/places/cn/beijing/index.html"));
}

/// A rebuild after editing a translation renders only the pages that
/// show what changed, in that language, and equals a fresh build.
#[test]
fn an_edited_translation_rebuilds_only_its_pages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    bilingual(&root);
    build(&root, &out, &[]);
    let tr = root.join("content/exchanges/2023-06-18-blinken-qin-beijing.zh.md");
    let text = std::fs::read_to_string(&tr).expect("read");
    // A paragraph of its body (past the first, which is its summary)
    // shows on its own page alone (and in the feeds).
    std::fs::write(&tr, format!("{text}\n他们谈了一整天。\n")).expect("edit");
    let said = stdout(&build(&root, &out, &[]));
    assert!(said.contains("(1 rendered)"), "{said}");
    assert!(
        read(
            &out,
            "zh/exchanges/2023-06-18-blinken-qin-beijing/index.html"
        )
        .contains("一整天")
    );
    assert!(read(&out, "zh/feed.xml").contains("一整天"));
    // Its title also shows in the lists of that language only.
    let text = std::fs::read_to_string(&tr).expect("read");
    std::fs::write(&tr, text.replace("在北京会晤", "在北京会谈")).expect("edit");
    let said = stdout(&build(&root, &out, &[]));
    let rendered: usize = said
        .split("pages (")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("rendered count");
    assert!((2..20).contains(&rendered), "{said}");
    assert!(read(&out, "zh/index.html").contains("在北京会谈"));
    assert!(!read(&out, "index.html").contains("在北京会谈"));
    let fresh = dir.path().join("fresh");
    build(&root, &fresh, &[]);
    assert_eq!(snapshot(&out), snapshot(&fresh));
}

#[test]
fn a_site_in_one_language_has_no_alternates() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    minimal_site(&root);
    build(&root, &out, &[]);
    let home = read(&out, "index.html");
    assert!(!home.contains("hreflang"));
    assert!(!home.contains("class=\"languages\""));
    assert!(!read(&out, "sitemap.xml").contains("xhtml"));
}
