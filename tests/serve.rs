//! `detente serve`: serving, live rebuilds, broken edits, path safety, and
//! incremental output identical to a full build.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use common::*;

struct Server {
    child: Child,
    url: String,
    stderr: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(root: &Path, output: &Path, log: &Path) -> Server {
    let (child, url) = start_serve(root, output, log);
    Server {
        child,
        url,
        stderr: log.to_path_buf(),
    }
}

/// A bare HTTP/1.1 request; returns (status, headers, body).
fn request(url: &str, method: &str, path: &str) -> (u16, String, Vec<u8>) {
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("status");
    (status, head, raw[split + 4..].to_vec())
}

fn get(url: &str, path: &str) -> (u16, String) {
    let (status, _, body) = request(url, "GET", path);
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Asserts that the served tree `out` of the site at `root` ends up byte
/// for byte what `detente build` writes into `full` for the served URL.
/// The page shows before the server has remade the data files (and a busy
/// machine may defer them): the tree is given time to settle first.
fn assert_serves_a_full_build(root: &Path, out: &Path, full: &Path, url: &str) {
    build(root, full, &["--base-url", url]);
    let start = Instant::now();
    while snapshot(out) != snapshot(full) && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_same_tree(out, full, "served vs built");
}

const EX: &str = "content/exchanges/2023-06-18-blinken-qin-beijing.md";
const PAGE: &str = "/exchanges/2023-06-18-blinken-qin-beijing/";

#[test]
fn serves_rebuilds_recovers_and_refuses_traversal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    minimal_site(&root);
    let server = serve(
        &root,
        &dir.path().join("out"),
        &dir.path().join("serve.log"),
    );
    let url = server.url.clone();

    let (status, html) = get(&url, PAGE);
    assert_eq!(status, 200);
    assert!(html.contains("<h1>Blinken and Qin meet in Beijing</h1>"));
    assert!(
        html.contains("/__detente/events"),
        "live reload script injected"
    );
    let (status, head, body) = request(&url, "HEAD", PAGE);
    assert_eq!(status, 200);
    assert!(body.is_empty() && head.contains("text/html"), "{head}");
    let (_, head, _) = request(&url, "GET", "/style.css");
    assert!(head.contains("Content-Type: text/css"), "{head}");

    // Edit the title: the new title is served.
    let path = root.join(EX);
    let original = std::fs::read_to_string(&path).expect("read");
    std::fs::write(
        &path,
        original.replace(
            "Blinken and Qin meet in Beijing",
            "Blinken and Qin talk in Beijing",
        ),
    )
    .expect("edit");
    wait_for("the new title", || {
        get(&url, PAGE)
            .1
            .contains("<h1>Blinken and Qin talk in Beijing</h1>")
    });
    // Files are replaced one by one (each atomically) within a rebuild.
    wait_for("the timeline to list the new title", || {
        get(&url, "/").1.contains("Blinken and Qin talk in Beijing")
    });

    // Break the front matter: the old page stays, the error is reported.
    std::fs::write(&path, "+++\ntitle = \"unterminated\n+++\n").expect("break");
    wait_for("the error report", || {
        std::fs::read_to_string(&server.stderr)
            .unwrap_or_default()
            .contains("2023-06-18-blinken-qin-beijing.md:2")
    });
    let (status, html) = get(&url, PAGE);
    assert_eq!(status, 200);
    assert!(
        html.contains("<h1>Blinken and Qin talk in Beijing</h1>"),
        "last good page still served"
    );

    // Fix it: recovered.
    std::fs::write(&path, &original).expect("fix");
    wait_for("recovery", || {
        get(&url, PAGE)
            .1
            .contains("<h1>Blinken and Qin meet in Beijing</h1>")
    });

    // Add an exchange, then delete it.
    write_files(
        &root,
        &[(
            "content/exchanges/2024-01-01-new.md",
            "+++\ntitle = \"Brand new\"\ndate = 2024-01-01\nformat = \"phone\"\nofficials = [\"antony-blinken\"]\n+++\nx\n",
        )],
    );
    wait_for("the new exchange", || {
        get(&url, "/exchanges/2024-01-01-new/").0 == 200
    });
    wait_for("the timeline to list it", || {
        get(&url, "/").1.contains("Brand new")
    });
    std::fs::remove_file(root.join("content/exchanges/2024-01-01-new.md")).expect("delete");
    wait_for("the deletion", || {
        get(&url, "/exchanges/2024-01-01-new/").0 == 404
    });
    wait_for("the timeline to drop it", || {
        !get(&url, "/").1.contains("Brand new")
    });

    // Nothing outside the output is served.
    std::fs::write(dir.path().join("secret.txt"), "top secret").expect("secret");
    for p in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%2fsecret.txt",
        "//etc/passwd",
        "/exchanges/../../secret.txt",
    ] {
        let (status, _, body) = request(&url, "GET", p);
        assert!(status == 403 || status == 404, "{p}: {status}");
        assert!(
            !String::from_utf8_lossy(&body).contains("top secret"),
            "{p}"
        );
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            dir.path().join("secret.txt"),
            dir.path().join("out/leak.txt"),
        )
        .expect("symlink");
        let (status, _, body) = request(&url, "GET", "/leak.txt");
        assert_eq!(status, 403);
        assert!(!String::from_utf8_lossy(&body).contains("top secret"));
    }
    let (status, body) = get(&url, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"), "the site's 404 page");
}

#[test]
fn incremental_output_equals_a_full_build() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    minimal_site(&root);
    let out = dir.path().join("served");
    let server = serve(&root, &out, &dir.path().join("serve.log"));
    let url = server.url.clone();
    let log = server.stderr.clone();
    let rebuilds = |n: usize| {
        let _ = &log;
        move || {
            let (_, html) = get(&url, "/");
            html.matches("card-title").count() == n
        }
    };
    // A series of edits: a body change, a new exchange, an official's role.
    let path = root.join(EX);
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(
        &path,
        text.replace("They talked for hours.", "They talked for many hours."),
    )
    .expect("edit");
    wait_for("body edit", || {
        get(&server.url, PAGE).1.contains("many hours")
    });
    write_files(
        &root,
        &[(
            "content/exchanges/2023-01-05-added.md",
            "+++\ntitle = \"Added\"\ndate = 2023-01-05\nformat = \"virtual\"\nofficials = [\"qin-gang\", \"antony-blinken\"]\nissues = [\"taiwan\"]\n+++\nNew.\n",
        )],
    );
    wait_for("added exchange", rebuilds(3));
    let official = root.join("content/officials/antony-blinken.md");
    let text = std::fs::read_to_string(&official).expect("read");
    std::fs::write(
        &official,
        text.replace("Secretary of State", "US Secretary of State"),
    )
    .expect("edit role");
    wait_for("role edit", || {
        get(&server.url, PAGE).1.contains("US Secretary of State")
    });
    assert_serves_a_full_build(&root, &out, &dir.path().join("full"), &server.url);
}

/// Edits that keep an exchange in its place in the timeline are applied
/// to the last model in place; each kind of field they may change must
/// still give exactly what a full build gives, and a bad one must be
/// refused like any other broken edit.
#[test]
fn in_place_edits_equal_a_full_build() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    minimal_site(&root);
    let out = dir.path().join("served");
    let log = dir.path().join("serve.log");
    let server = serve(&root, &out, &log);
    let path = root.join(EX);
    let original = std::fs::read_to_string(&path).expect("read");
    let in_place_lines = || {
        std::fs::read_to_string(log.with_extension("out"))
            .unwrap_or_default()
            .matches("rebuilt in place")
            .count()
    };
    let mut text = original.clone();
    // Each edit: what to change, and text that shows on the page after it.
    let edits: [(&str, &str, &str); 6] = [
        (
            "They talked for hours.",
            "They talked for *six* hours.",
            "<em>six</em>",
        ),
        (
            "title = \"Blinken and Qin meet in Beijing\"",
            "title = \"Blinken and Qin hold talks in Beijing\"",
            "hold talks in Beijing",
        ),
        (
            "location = \"Beijing, China\"",
            "location = \"Diaoyutai, Beijing\"",
            "Diaoyutai",
        ),
        (
            "date = 2023-06-18\n",
            "date = 2023-06-18\nend_date = 2023-06-19\nsummary = \"Two days of talks.\"\n",
            "Two days of talks.",
        ),
        ("format = \"in-person\"", "format = \"virtual\"", "virtual"),
        (
            "+++\nThey",
            "[[sources]]\ntitle = \"Readout\"\nurl = \"https://example.org/readout\"\n+++\nThey",
            "https://example.org/readout",
        ),
    ];
    for (n, (from, to, shows)) in edits.iter().enumerate() {
        assert!(text.contains(from), "edit {n}: {from} not in the file");
        text = text.replace(from, to);
        std::fs::write(&path, &text).expect("edit");
        wait_for(shows, || get(&server.url, PAGE).1.contains(shows));
        wait_for("the in-place rebuild line", || in_place_lines() > n);
    }
    // The title shows on the lists too: the home page and the official's.
    assert!(get(&server.url, "/").1.contains("hold talks in Beijing"));
    assert!(
        get(&server.url, "/officials/antony-blinken/")
            .1
            .contains("hold talks in Beijing")
    );
    // A bad value is refused in place: the last good page stays.
    std::fs::write(
        &path,
        text.replace("format = \"virtual\"", "format = \"carrier-pigeon\""),
    )
    .expect("break");
    wait_for("the error", || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .contains("carrier-pigeon")
    });
    assert!(get(&server.url, PAGE).1.contains("Diaoyutai"));
    // Moving the exchange to another date takes the whole way.
    std::fs::write(
        &path,
        text.replace("date = 2023-06-18\n", "date = 2023-06-17\n"),
    )
    .expect("move");
    wait_for("the moved exchange", || {
        get(&server.url, PAGE).1.contains("17–19 June 2023")
    });
    assert_serves_a_full_build(&root, &out, &dir.path().join("full"), &server.url);
}

/// Warnings are printed as a build prints them, once when they appear,
/// not again after every edit.
#[test]
fn warnings_are_printed_when_they_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    minimal_site(&root);
    let out = dir.path().join("served");
    let log = dir.path().join("serve.log");
    let server = serve(&root, &out, &log);
    let warnings = || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .matches("held no role")
            .count()
    };
    assert_eq!(warnings(), 0);
    // Qin Gang held no role yet in March 2021.
    let path = root.join(EX);
    let text = std::fs::read_to_string(&path).expect("read");
    let early = text.replace("date = 2023-06-18", "date = 2021-03-01");
    std::fs::write(&path, &early).expect("edit");
    wait_for("the warning", || warnings() == 1);
    // An edit in place that leaves the warning as it was: not printed again.
    std::fs::write(&path, early.replace("They talked", "They spoke")).expect("edit");
    wait_for("the edit", || {
        get(&server.url, PAGE).1.contains("They spoke")
    });
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(warnings(), 1, "the same warning is not repeated");
}

/// A site in two languages stays incremental: an edited translation (or
/// an edited original) is swapped into every language's model in place,
/// pages in both languages follow, a translation that disagrees is refused
/// with the last good page kept, new and removed translations and
/// interface strings take the whole way, and the served tree ends up what
/// a full build writes.
#[test]
fn translations_are_rebuilt_in_place_and_equal_a_full_build() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    bilingual(&root);
    let out = dir.path().join("served");
    let log = dir.path().join("serve.log");
    let server = serve(&root, &out, &log);
    let rebuilt = |how: &str| {
        std::fs::read_to_string(log.with_extension("out"))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains(how))
            .count()
    };
    const ZH: &str = "/zh/exchanges/2023-06-18-blinken-qin-beijing/";
    const CALL_ZH: &str = "/zh/exchanges/2022-09-23-blinken-qin-call/";
    let tr = root.join("content/exchanges/2023-06-18-blinken-qin-beijing.zh.md");
    let mut text = std::fs::read_to_string(&tr).expect("read translation");
    let english = get(&server.url, PAGE).1;

    // The translation's body, then its title: in place, both languages'
    // pages that show them follow, the English page does not change.
    for (n, (from, to)) in [
        ("他们谈了几个小时。", "他们谈了整整六个小时。"),
        ("布林肯与秦刚在北京会晤", "布林肯与秦刚在北京举行会谈"),
    ]
    .iter()
    .enumerate()
    {
        text = text.replace(from, to);
        std::fs::write(&tr, &text).expect("edit translation");
        wait_for(to, || get(&server.url, ZH).1.contains(to));
        wait_for("the in-place rebuild line", || {
            rebuilt("rebuilt in place") > n
        });
    }
    assert!(
        get(&server.url, "/zh/")
            .1
            .contains("布林肯与秦刚在北京举行会谈")
    );
    assert!(
        get(&server.url, "/zh/officials/antony-blinken/")
            .1
            .contains("布林肯与秦刚在北京举行会谈")
    );
    assert_eq!(
        get(&server.url, PAGE).1,
        english,
        "the English page changed"
    );
    // The data files carry the translated title.
    wait_for("exchanges.json with the new title", || {
        std::fs::read_to_string(out.join("exchanges.json"))
            .unwrap_or_default()
            .contains("布林肯与秦刚在北京举行会谈")
    });

    // An original without a translation: its Chinese page shows the new
    // English text, marked as English.
    let call = root.join("content/exchanges/2022-09-23-blinken-qin-call.md");
    let call_text = std::fs::read_to_string(&call).expect("read call");
    std::fs::write(&call, call_text.replace("A short call.", "A brief call.")).expect("edit");
    wait_for("the call's new summary in Chinese pages", || {
        let page = get(&server.url, CALL_ZH).1;
        page.contains("A brief call.") && page.contains("lang=\"en\"")
    });
    wait_for("the in-place rebuild line", || {
        rebuilt("rebuilt in place") > 2
    });

    // A translation that disagrees on the date is refused; the last good
    // pages stay.
    std::fs::write(
        &tr,
        text.replace("+++\ntitle", "+++\ndate = 2023-06-19\ntitle"),
    )
    .expect("break");
    wait_for("the error", || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .contains("`date` is 2023-06-19 here but 2023-06-18 in the original")
    });
    assert!(get(&server.url, ZH).1.contains("整整六个小时"));
    std::fs::write(&tr, &text).expect("mend");
    wait_for("the mended page", || rebuilt("rebuilt in place") > 3);

    // A new translation, then interface strings: the whole way.
    let call_tr = root.join("content/exchanges/2022-09-23-blinken-qin-call.zh.md");
    std::fs::write(
        &call_tr,
        "+++\ntitle = \"一次通话\"\nsummary = \"简短的通话。\"\n+++\n通话。\n",
    )
    .expect("new translation");
    wait_for("the new translation", || {
        let page = get(&server.url, CALL_ZH).1;
        page.contains("简短的通话。") && !page.contains("A brief call.")
    });
    std::fs::create_dir_all(root.join("i18n")).expect("i18n folder");
    std::fs::write(
        root.join("i18n/zh.toml"),
        "[nav]\nofficials = \"官员们啊\"\n",
    )
    .expect("strings");
    wait_for("the site's own string", || {
        get(&server.url, "/zh/").1.contains("官员们啊")
    });
    // A removed translation falls back to the original, marked.
    std::fs::remove_file(&call_tr).expect("remove translation");
    wait_for("the fallback", || {
        get(&server.url, CALL_ZH).1.contains("A brief call.")
    });
    // A missing page under /zh/ gets the Chinese page not found.
    let (status, body) = get(&server.url, "/zh/exchanges/no-such-exchange/");
    assert_eq!(status, 404);
    assert!(body.contains("<h1>页面不存在</h1>"), "{body}");
    let (status, body) = get(&server.url, "/exchanges/no-such-exchange/");
    assert_eq!(status, 404);
    assert!(body.contains("<h1>Page not found</h1>"), "{body}");
    assert_serves_a_full_build(&root, &out, &dir.path().join("full"), &server.url);
}
