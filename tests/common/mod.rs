//! Helpers shared by the integration tests: running the real binary,
//! writing small sites, and reading output trees.
#![allow(dead_code)]

pub mod images;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The repository root, which is itself the shipped site.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `detente` with `args` and returns its output.
pub fn detente(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_detente"))
        .args(args)
        .env("RAYON_NUM_THREADS", "2")
        .output()
        .expect("run the detente binary")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Builds the site at `root` into `out`, panicking with the messages on failure.
pub fn build(root: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().expect("utf-8 path"),
        "--output",
        out.to_str().expect("utf-8 path"),
    ];
    args.extend_from_slice(extra);
    let o = detente(&args);
    assert!(o.status.success(), "build failed:\n{}", stderr(&o));
    o
}

/// Writes `files` (relative path, text) under `root`.
pub fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("file has a parent")).expect("create folder");
        std::fs::write(&path, text).expect("write file");
    }
}

/// Adds `text` to the end of the site's `content/site.toml`.
#[allow(dead_code)]
pub fn append_to_site_toml(root: &Path, text: &str) {
    let path = root.join("content/site.toml");
    let toml = std::fs::read_to_string(&path).expect("read site.toml");
    std::fs::write(&path, format!("{toml}\n{text}")).expect("write site.toml");
}

/// Replaces the first `from` (which must be there) in the file `rel` of
/// the site at `root` with `to`.
#[allow(dead_code)]
pub fn replace_in(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{rel}: no {from}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

/// A small valid site: two officials, two issues, two exchanges.
pub fn minimal_site(root: &Path) {
    write_files(
        root,
        &[
            (
                "content/site.toml",
                "title = \"Test timeline\"\nbase_url = \"https://example.org/\"\n",
            ),
            (
                "content/officials/antony-blinken.md",
                "+++\nname = \"Antony Blinken\"\ncountry = \"US\"\n[[roles]]\ntitle = \"Secretary of State\"\nfrom = 2021-01-26\nto = 2025-01-20\n+++\nBio.\n",
            ),
            (
                "content/officials/qin-gang.md",
                "+++\nname = \"Qin Gang\"\ncountry = \"CN\"\n[[roles]]\ntitle = \"Ambassador to the United States\"\nfrom = 2021-07-28\nto = 2022-12-29\n[[roles]]\ntitle = \"Minister of Foreign Affairs\"\nfrom = 2022-12-30\nto = 2023-07-25\n+++\nBio.\n",
            ),
            (
                "content/issues/taiwan.md",
                "+++\nname = \"Taiwan\"\n+++\nAbout Taiwan.\n",
            ),
            (
                "content/issues/trade.md",
                "+++\nname = \"Trade\"\n+++\nAbout trade.\n",
            ),
            (
                "content/exchanges/2023-06-18-blinken-qin-beijing.md",
                "+++\ntitle = \"Blinken and Qin meet in Beijing\"\ndate = 2023-06-18\nformat = \"in-person\"\nlocation = \"Beijing, China\"\nofficials = [\"antony-blinken\", \"qin-gang\"]\nissues = [\"taiwan\", \"trade\"]\n+++\nThey talked for hours.\n\nMore.\n",
            ),
            (
                "content/exchanges/2022-09-23-blinken-qin-call.md",
                "+++\ntitle = \"A call\"\ndate = 2022-09-23\nformat = \"phone\"\nofficials = [\"antony-blinken\", \"qin-gang\"]\nissues = [\"trade\"]\nsummary = \"A short call.\"\n+++\nBody.\n",
            ),
        ],
    );
}

/// Asserts that the trees `got` and `want` hold the same files with the
/// same bytes, naming the first file that differs.
#[allow(dead_code)]
pub fn assert_same_tree(got: &Path, want: &Path, what: &str) {
    let (got, want) = (snapshot(got), snapshot(want));
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "{what}: the same files"
    );
    for (name, bytes) in &want {
        assert!(got[name] == *bytes, "{what}: {name} differs");
    }
}

/// Every file under `dir` with its bytes, keyed by relative path.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .expect("under dir")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&path).expect("read file"));
            }
        }
    }
    out
}

/// Every `href="…"` and `src="…"` value in an HTML page.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            // Only attributes, not text such as `data-href="`.
            let before = rest[..i].chars().last();
            rest = &rest[i + attr.len()..];
            let Some(end) = rest.find('"') else { break };
            if before.is_some_and(|c| c.is_whitespace()) {
                out.push(rest[..end].replace("&amp;", "&"));
            }
            rest = &rest[end..];
        }
    }
    out
}

/// Resolves an internal link from the page at `page` (relative path of the
/// HTML file) to a file in the tree, following directory → index.html.
/// Returns None for external links.
pub fn resolve(page: &str, link: &str) -> Option<String> {
    if link.contains("://")
        || link.starts_with("mailto:")
        || link.starts_with("//")
        || link.starts_with("data:")
    {
        return None;
    }
    let link = link
        .split('#')
        .next()
        .unwrap_or("")
        .split('?')
        .next()
        .unwrap_or("");
    let mut parts: Vec<&str> = if link.starts_with('/') {
        Vec::new()
    } else {
        let mut p: Vec<&str> = page.split('/').collect();
        p.pop();
        p
    };
    for seg in link.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut path = parts.join("/");
    if link.is_empty() {
        return Some(page.to_string());
    }
    if link.ends_with('/') || path.is_empty() {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    Some(path)
}

/// Starts `detente serve --port 0` on `root`, writing to `output` and its
/// stderr to `log`; returns the process and the URL it printed. Its stdout
/// keeps being drained so the server never blocks on a full pipe.
pub fn start_serve(root: &Path, output: &Path, log: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_detente"))
        .arg("serve")
        .args(["--port", "0", "--root"])
        .arg(root)
        .arg("--output")
        .arg(output)
        .env("RAYON_NUM_THREADS", "2")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).expect("log file"))
        .spawn()
        .expect("start serve");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("serve printed its address")
            .expect("read line");
        if let Some(at) = line.find("http://") {
            break line[at..]
                .split_whitespace()
                .next()
                .expect("url")
                .to_string();
        }
    };
    // The rest of stdout (one line per rebuild) goes to LOG.out.
    let mut out = std::fs::File::create(log.with_extension("out")).expect("stdout log");
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let _ = writeln!(out, "{line}");
        }
    });
    (child, url)
}

/// Copies the folder `from` into `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

/// The minimal site with a Chinese edition: one exchange, one official
/// and one issue translated (the call, 2022-09-23, is not).
#[allow(dead_code)]
pub fn bilingual(root: &Path) {
    minimal_site(root);
    append_to_site_toml(
        root,
        "[languages.zh]\ntitle = \"测试时间线\"\ndescription = \"双语测试。\"\n",
    );
    write_files(
        root,
        &[
            (
                "content/exchanges/2023-06-18-blinken-qin-beijing.zh.md",
                "+++\ntitle = \"布林肯与秦刚在北京会晤\"\nlocation = \"中国北京\"\n+++\n他们谈了几个小时。\n",
            ),
            (
                "content/officials/qin-gang.zh.md",
                "+++\nname = \"秦刚\"\n[[roles]]\ntitle = \"驻美国大使\"\n[[roles]]\ntitle = \"外交部长\"\n+++\n简历。\n",
            ),
            (
                "content/issues/taiwan.zh.md",
                "+++\nname = \"台湾\"\n+++\n关于台湾。\n",
            ),
        ],
    );
}
