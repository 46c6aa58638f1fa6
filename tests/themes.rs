//! Themes and overrides: a site changes one template or one stylesheet
//! and keeps every other default; a theme sits between the site and the
//! defaults; `init` writes no templates; `templates eject` copies one.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{
    assert_same_tree, build, copy_dir, detente, minimal_site, repo, start_serve, stderr, stdout,
    write_files,
};

const EXCHANGE_PAGES: [&str; 2] = [
    "exchanges/2023-06-18-blinken-qin-beijing/index.html",
    "exchanges/2022-09-23-blinken-qin-call/index.html",
];

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn site(dir: &Path) -> (PathBuf, PathBuf) {
    let (root, out) = (dir.join("site"), dir.join("public"));
    minimal_site(&root);
    (root, out)
}

fn rendered(o: &std::process::Output) -> usize {
    let text = stdout(o);
    let at = text
        .find(" rendered)")
        .unwrap_or_else(|| panic!("a build summary: {text}"));
    let open = text[..at].rfind('(').expect("(");
    text[open + 1..at].trim().parse().expect("a count")
}

#[test]
fn one_override_changes_its_pages_and_the_rest_stay_default() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = site(dir.path());
    write_files(
        &root,
        &[(
            "templates/exchange.html",
            "{% extends \"base.html\" %}{% block content %}<h1 class=\"mine\">{{ exchange.title }}</h1>{{ exchange.body }}{% endblock content %}",
        )],
    );
    build(&root, &out, &[]);
    for page in EXCHANGE_PAGES {
        let html = read(&out, page);
        assert!(html.contains("<h1 class=\"mine\">"), "{page}: {html}");
        // The default base around it.
        assert!(html.contains("class=\"skip-link\""), "{page}");
    }
    let home = read(&out, "index.html");
    assert!(!home.contains("class=\"mine\""));
    assert!(
        home.contains("id=\"timeline-list\""),
        "the default home page"
    );
}

#[test]
fn an_override_extends_the_default_it_replaces_and_changes_one_block() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = site(dir.path());
    let fresh = dir.path().join("fresh");
    build(&root, &fresh, &[]);
    write_files(
        &root,
        &[(
            "templates/exchange.html",
            "{% extends \"detente/exchange.html\" %}{% block title %}Readout: {{ exchange.title }}{% endblock title %}",
        )],
    );
    build(&root, &out, &[]);
    for page in EXCHANGE_PAGES {
        let (ours, default) = (read(&out, page), read(&fresh, page));
        assert!(ours.contains("<title>Readout: "), "{page}");
        // Everything outside the block is the default page's.
        let body = |html: &str| html[html.find("<body").expect("body")..].to_string();
        assert_eq!(body(&ours), body(&default), "{page}");
    }
}

#[test]
fn custom_css_is_linked_after_the_default_stylesheet_and_style_css_can_be_replaced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = site(dir.path());
    build(&root, &out, &[]);
    assert!(
        !read(&out, "index.html").contains("custom."),
        "no custom.css yet"
    );

    write_files(
        &root,
        &[("static/custom.css", ".card { border-color: teal; }\n")],
    );
    build(&root, &out, &[]);
    let home = read(&out, "index.html");
    let style = home
        .find("href=\"./style.")
        .expect("the default stylesheet");
    let custom = home.find("href=\"./custom.").expect("custom.css is linked");
    assert!(style < custom, "custom.css comes after style.css");
    let name = &home[custom + 8..];
    let name = &name[..name.find('"').expect("quote")];
    assert_eq!(read(&out, name), ".card { border-color: teal; }\n");
    assert!(out.join("timeline.js").is_file(), "the other defaults stay");

    write_files(&root, &[("static/style.css", "body { color: navy; }\n")]);
    build(&root, &out, &[]);
    assert_eq!(read(&out, "style.css"), "body { color: navy; }\n");
}

fn ledger_theme(root: &Path) {
    copy_dir(
        &repo().join("tests/themes/ledger"),
        &root.join("themes/ledger"),
    );
    let toml = read(root, "content/site.toml");
    write_files(
        root,
        &[("content/site.toml", &format!("{toml}theme = \"ledger\"\n"))],
    );
}

#[test]
fn a_theme_sits_between_the_site_and_the_defaults() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = site(dir.path());
    ledger_theme(&root);
    build(&root, &out, &[]);
    let home = read(&out, "index.html");
    assert!(
        home.contains("<table class=\"ledger-table\">"),
        "the theme's home page"
    );
    assert!(
        home.contains("class=\"ledger-years\""),
        "the theme's own partial"
    );
    assert!(home.contains("Blinken and Qin meet in Beijing"));
    assert!(
        home.contains("href=\"./ledger."),
        "the theme's stylesheet is linked"
    );
    assert!(out.join("ledger.css").is_file());
    assert!(
        home.contains("class=\"skip-link\""),
        "the default base.html"
    );
    let page = read(&out, EXCHANGE_PAGES[0]);
    assert!(!page.contains("ledger"), "other pages are the defaults");

    // The site's own template beats the theme's; it can extend the theme's.
    write_files(
        &root,
        &[(
            "templates/index.html",
            "{% extends \"theme/index.html\" %}{% block title %}Ledger of {{ site.title }}{% endblock title %}",
        )],
    );
    build(&root, &out, &[]);
    let home = read(&out, "index.html");
    assert!(
        home.contains("<title>Ledger of Test timeline</title>"),
        "{home}"
    );
    assert!(home.contains("<table class=\"ledger-table\">"));
    write_files(
        &root,
        &[(
            "templates/index.html",
            "{% extends \"detente/index.html\" %}",
        )],
    );
    build(&root, &out, &[]);
    assert!(
        !read(&out, "index.html").contains("ledger-table"),
        "the site's wins"
    );
}

#[test]
fn init_writes_no_templates_unless_asked_and_eject_copies_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("new");
    let o = detente(&["init", root.to_str().expect("utf-8")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!root.join("templates").exists() && !root.join("static").exists());
    let out = dir.path().join("public");
    build(&root, &out, &[]);
    assert!(out.join("index.html").is_file() && out.join("style.css").is_file());

    let full = dir.path().join("full");
    let o = detente(&["init", full.to_str().expect("utf-8"), "--templates"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(full.join("templates/base.html").is_file() && full.join("static/style.css").is_file());

    let r = root.to_str().expect("utf-8");
    let o = detente(&["templates", "eject", "partials/card.html", "--root", r]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ejected: Vec<_> = std::fs::read_dir(root.join("templates"))
        .expect("templates")
        .collect();
    assert_eq!(ejected.len(), 1, "one folder: partials/");
    assert_eq!(
        read(&root, "templates/partials/card.html"),
        read(&repo(), "templates/partials/card.html")
    );
    let o = detente(&["templates", "eject", "partials/card.html", "--root", r]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a second eject must not overwrite"
    );
    assert!(
        stderr(&o).contains("already has its own file"),
        "{}",
        stderr(&o)
    );
    let o = detente(&["templates", "eject", "exchnge.html", "--root", r]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("did you mean `exchange.html`?"),
        "{}",
        stderr(&o)
    );

    let o = detente(&["templates", "--root", r]);
    assert!(o.status.success(), "{}", stderr(&o));
    let list = stdout(&o);
    let card = &list[list.find("\npartials/card.html").expect("card listed")..];
    assert!(
        card.contains("from:     site (templates/partials/card.html), replacing the default one"),
        "{card}"
    );
    assert!(card.contains("receives: e, root, site"), "{card}");
    let exchange = &list[list.find("\nexchange.html").expect("listed")..];
    assert!(exchange.contains("from:     default"), "{exchange}");
    assert!(
        exchange.contains("used by:  exchange pages (1)"),
        "{exchange}"
    );
    assert!(exchange.contains("exchange, links, page"), "{exchange}");
}

#[test]
fn errors_in_overrides_and_themes_name_the_file_and_what_is_wrong() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = site(dir.path());
    let r = root.to_str().expect("utf-8");
    let o_ = out.to_str().expect("utf-8");
    write_files(
        &root,
        &[(
            "templates/year.html",
            "{% extends \"base.html\" %}\n{% block content %}\n{% if %}\n{% endblock content %}",
        )],
    );
    let o = detente(&["build", "--root", r, "--output", o_]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("templates/year.html:3:"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists(), "nothing written");

    write_files(
        &root,
        &[(
            "templates/year.html",
            "{% extends \"base.html\" %}\n{% block content %}\n{{ exchange.title }}\n{% endblock content %}",
        )],
    );
    let o = detente(&["build", "--root", r, "--output", o_]);
    assert_eq!(o.status.code(), Some(1));
    let said = stderr(&o);
    assert!(said.contains("templates/year.html:3:"), "{said}");
    assert!(said.contains("exchange"), "names the missing value: {said}");
    std::fs::remove_file(root.join("templates/year.html")).expect("remove");

    ledger_theme(&root);
    let toml = read(&root, "content/site.toml").replace("\"ledger\"", "\"ledgr\"");
    write_files(&root, &[("content/site.toml", &toml)]);
    let o = detente(&["build", "--root", r, "--output", o_]);
    assert_eq!(o.status.code(), Some(1));
    let said = stderr(&o);
    assert!(said.contains("unknown theme `ledgr`"), "{said}");
    assert!(said.contains("content/site.toml:3:"), "{said}");
    assert!(said.contains("did you mean `ledger`?"), "{said}");
}

#[test]
fn a_changed_override_re_renders_exactly_the_pages_that_use_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = site(dir.path());
    build(&root, &out, &[]);
    let override_ = "{% extends \"detente/exchange.html\" %}{% block title %}X {{ exchange.title }}{% endblock title %}";
    write_files(&root, &[("templates/exchange.html", override_)]);
    assert_eq!(
        rendered(&build(&root, &out, &[])),
        2,
        "the two exchange pages"
    );
    write_files(
        &root,
        &[("templates/exchange.html", &override_.replace("X ", "Y "))],
    );
    assert_eq!(rendered(&build(&root, &out, &[])), 2);
    std::fs::remove_file(root.join("templates/exchange.html")).expect("remove");
    assert_eq!(rendered(&build(&root, &out, &[])), 2, "back to the default");
    let fresh = dir.path().join("fresh");
    build(&root, &fresh, &[]);
    assert_same_tree(&out, &fresh, "after the override went");
    // The card is read by the lists, not by the exchange pages.
    write_files(
        &root,
        &[("templates/partials/card.html", "<li>{{ e.title }}</li>")],
    );
    let o = build(&root, &out, &[]);
    assert!(!read(&out, EXCHANGE_PAGES[0]).contains("<li>A call</li>"));
    assert!(read(&out, "index.html").contains("<li>A call</li>"));
    assert!(rendered(&o) < 12, "not every page: {}", stdout(&o));
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn serve_switches_between_an_override_and_the_default_without_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = site(dir.path());
    let log = dir.path().join("serve.log");
    let (mut child, _url) = start_serve(&root, &out, &log);
    let page = out.join(EXCHANGE_PAGES[0]);
    wait_until("the first build", || page.is_file());
    // The first override creates templates/ itself.
    write_files(
        &root,
        &[(
            "templates/exchange.html",
            "{% extends \"detente/exchange.html\" %}{% block title %}Served override{% endblock title %}",
        )],
    );
    wait_until("the override", || {
        std::fs::read_to_string(&page).is_ok_and(|h| h.contains("<title>Served override</title>"))
    });
    write_files(
        &root,
        &[(
            "templates/exchange.html",
            "{% extends \"detente/exchange.html\" %}{% block title %}Edited override{% endblock title %}",
        )],
    );
    wait_until("the edited override", || {
        std::fs::read_to_string(&page).is_ok_and(|h| h.contains("<title>Edited override</title>"))
    });
    std::fs::remove_file(root.join("templates/exchange.html")).expect("remove");
    wait_until("the default again", || {
        std::fs::read_to_string(&page).is_ok_and(|h| !h.contains("override</title>"))
    });
    // A theme's stylesheet, added while serving.
    write_files(&root, &[("static/custom.css", "h1 { color: red; }\n")]);
    wait_until("custom.css", || {
        std::fs::read_to_string(out.join("index.html"))
            .is_ok_and(|h| h.contains("href=\"./custom."))
    });
    let _ = child.kill();
    let _ = child.wait();
}
