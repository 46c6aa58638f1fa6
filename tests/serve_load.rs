//! `detente serve` under load: a bounded burst of concurrent requests on
//! loopback while a storm of rapid edits (one of them broken) rebuilds the
//! site. Every response must be a complete, valid page — the old version or
//! the new one, never half of one — no request may fail, and the server
//! must still be up at the end, serving the last edit.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Child;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const EX: &str = "content/exchanges/2023-06-18-storm.md";
const PAGE: &str = "/exchanges/2023-06-18-storm/";
const EDITS: usize = 40;
const CLIENTS: usize = 4;
/// At most this many requests per client; they stop when the storm ends.
const REQUESTS_PER_CLIENT: usize = 400;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    // Write whole files at once, as editors that save atomically do not;
    // a watcher may see a half-written file, which must not matter either.
    std::fs::write(path, text).expect("write");
}

fn exchange(version: usize) -> String {
    format!(
        "+++\ntitle = \"Storm version {version}\"\ndate = 2023-06-18\nformat = \"in-person\"\n\
         officials = [\"antony-blinken\", \"qin-gang\"]\nissues = [\"trade\"]\n+++\n\
         Body of version {version}.\n\n{}\n",
        "Some longer text to make the page bigger. ".repeat(200)
    )
}

fn site(root: &Path) {
    write(root, "content/site.toml", "title = \"Storm site 0\"\n");
    write(
        root,
        "content/officials/antony-blinken.md",
        "+++\nname = \"Antony Blinken\"\ncountry = \"US\"\n\n[[roles]]\ntitle = \"Secretary of State\"\nfrom = 2021-01-26\nto = 2025-01-20\n+++\nBio.\n",
    );
    write(
        root,
        "content/officials/qin-gang.md",
        "+++\nname = \"Qin Gang\"\ncountry = \"CN\"\n\n[[roles]]\ntitle = \"Minister\"\nfrom = 2021-01-01\n+++\nBio.\n",
    );
    write(
        root,
        "content/issues/trade.md",
        "+++\nname = \"Trade\"\n+++\nAbout trade.\n",
    );
    for i in 0..30 {
        write(
            root,
            &format!(
                "content/exchanges/2022-{:02}-{:02}-talks-{i}.md",
                i % 12 + 1,
                i % 28 + 1
            ),
            &format!(
                "+++\ntitle = \"Talks {i}\"\ndate = 2022-{:02}-{:02}\nformat = \"phone\"\n\
                 officials = [\"antony-blinken\", \"qin-gang\"]\nissues = [\"trade\"]\n+++\nTalks {i}.\n",
                i % 12 + 1,
                i % 28 + 1
            ),
        );
    }
    write(root, EX, &exchange(0));
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(root: &Path, output: &Path, log: &Path) -> (Server, String) {
    let (child, url) = common::start_serve(root, output, log);
    (Server(child), url)
}

/// One GET; returns (status, headers, body) or what went wrong.
fn get(url: &str, path: &str) -> Result<(u16, String, Vec<u8>), String> {
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = TcpStream::connect(addr).map_err(|e| format!("connect: {e}"))?;
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .map_err(|e| e.to_string())?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| format!("send: {e}"))?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).map_err(|e| format!("read: {e}"))?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no end of headers")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or("no status")?;
    Ok((status, head, raw[split + 4..].to_vec()))
}

/// What is wrong with a response for `path`, if anything; else the
/// version of the stormed page it showed (0 for other paths).
fn judge(path: &str, got: Result<(u16, String, Vec<u8>), String>) -> Result<usize, String> {
    let (status, head, body) = match got {
        Ok(r) => r,
        Err(e) => return Err(format!("{path}: request failed: {e}")),
    };
    if status != 200 {
        return Err(format!("{path}: status {status}"));
    }
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .and_then(|v| v.trim().parse::<usize>().ok());
    if length != Some(body.len()) {
        return Err(format!(
            "{path}: Content-Length {length:?} but {} bytes",
            body.len()
        ));
    }
    if path.ends_with('/') {
        let html = String::from_utf8_lossy(&body);
        let whole = html.starts_with("<!DOCTYPE html>")
            && html.trim_end().ends_with("</html>")
            && html.matches("</html>").count() == 1
            && html.matches("<body").count() == 1;
        if !whole {
            return Err(format!(
                "{path}: not one whole page ({} bytes): {}…",
                body.len(),
                &html[..html.len().min(200)]
            ));
        }
        if path == PAGE {
            let versions = html.matches("<h1>Storm version ").count();
            if versions != 1 {
                return Err(format!("{path}: {versions} versions of the title"));
            }
            let at = html.find("<h1>Storm version ").expect("title") + "<h1>Storm version ".len();
            let n: String = html[at..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let body_version = format!("Body of version {n}.");
            if !html.contains(&body_version) {
                return Err(format!(
                    "{path}: title of version {n} with another version's body"
                ));
            }
            return n.parse().map_err(|_| format!("{path}: version `{n}`"));
        }
    } else if body.is_empty() {
        return Err(format!("{path}: empty"));
    }
    Ok(0)
}

#[test]
fn serve_answers_every_request_whole_during_a_rebuild_storm() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    site(&root);
    let (mut server, url) = start(&root, &dir.path().join("out"), &dir.path().join("log"));
    let ready = get(&url, PAGE).ok();
    assert!(
        ready.as_ref().is_some_and(|r| r.0 == 200),
        "first build served: {ready:?}"
    );

    let done = Arc::new(AtomicBool::new(false));
    let storm = {
        let root = root.clone();
        let done = Arc::clone(&done);
        let log = dir.path().join("log");
        std::thread::spawn(move || {
            for v in 1..=EDITS {
                if v == EDITS / 2 {
                    // A broken edit: the last good pages stay served. Wait
                    // until the server has seen it.
                    write(&root, EX, "+++\ntitle = \"unclosed\n+++\n");
                    let until = Instant::now() + Duration::from_secs(10);
                    while Instant::now() < until
                        && !std::fs::read_to_string(&log)
                            .unwrap_or_default()
                            .contains("the last good version stays served")
                    {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                }
                write(&root, EX, &exchange(v));
                if v % 8 == 0 {
                    // Every page changes.
                    write(
                        &root,
                        "content/site.toml",
                        &format!("title = \"Storm site {v}\"\n"),
                    );
                }
                // Bursts of three quick saves, then a pause longer than the
                // watcher's quiet time: edits keep landing while rebuilds
                // run. (Saves closer together than the quiet time, without
                // end, would be gathered into one rebuild after the storm.)
                let pause = [5, 15, 70][v % 3];
                std::thread::sleep(Duration::from_millis(pause));
            }
            done.store(true, Ordering::SeqCst);
        })
    };
    let paths = [
        PAGE,
        "/",
        "/officials/antony-blinken/",
        "/issues/trade/",
        "/years/2023/",
        "/style.css",
    ];
    let start = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let url = url.clone();
            let done = Arc::clone(&done);
            std::thread::spawn(move || {
                let mut problems = Vec::new();
                let mut versions = Vec::new();
                for i in 0..REQUESTS_PER_CLIENT {
                    if done.load(Ordering::SeqCst) {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(3));
                    let path = paths[(c + i) % paths.len()];
                    match judge(path, get(&url, path)) {
                        Ok(v) if path == PAGE => versions.push(v),
                        Ok(_) => {}
                        Err(p) => problems.push(p),
                    }
                }
                (problems, versions)
            })
        })
        .collect();
    let mut problems = Vec::new();
    let mut versions = std::collections::BTreeSet::new();
    let mut requests = 0;
    for c in clients {
        let (p, v) = c.join().expect("client");
        requests += p.len() + v.len();
        problems.extend(p);
        versions.extend(v);
    }
    storm.join().expect("storm");
    assert!(done.load(Ordering::SeqCst));
    let log = || std::fs::read_to_string(dir.path().join("log")).unwrap_or_default();
    assert!(
        problems.is_empty(),
        "{} of the requests went wrong:\n{}\nserver log:\n{}",
        problems.len(),
        problems.join("\n"),
        log()
    );
    // The requests really ran during the storm.
    assert!(
        versions.len() >= 3,
        "the page was only seen in versions {versions:?} ({requests} page requests); server log:\n{}",
        log()
    );
    assert!(
        server.0.try_wait().expect("poll").is_none(),
        "the server stopped:\n{}",
        log()
    );
    // The last edit is served in the end.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let page = get(&url, PAGE).expect("the server still answers");
        if String::from_utf8_lossy(&page.2).contains(&format!("Storm version {EDITS}<")) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the last edit was never served:\n{}",
            log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        log().contains("the last good version stays served"),
        "the broken edit was reported:\n{}",
        log()
    );
    assert!(
        start.elapsed() < Duration::from_secs(90),
        "{:?}",
        start.elapsed()
    );
}
