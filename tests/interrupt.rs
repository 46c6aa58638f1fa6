//! SIGINT and SIGTERM during a build leave the previous output exactly as
//! it was, and leave no staging folder behind.
//!
//! A site of a few thousand generated exchanges is built over an existing
//! output; once the build has started writing pages to its staging folder,
//! the test sends the signal and checks what is left.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const EXCHANGES: usize = 800;

/// Writes a valid site with `count` exchanges under `root`.
fn site(root: &Path, count: usize) {
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write("content/site.toml", "title = \"Many exchanges\"\n");
    write(
        "content/officials/antony-blinken.md",
        "+++\nname = \"Antony Blinken\"\ncountry = \"US\"\n\n[[roles]]\ntitle = \"Secretary of State\"\nfrom = 2021-01-26\nto = 2025-01-20\n+++\nBio.\n",
    );
    write(
        "content/officials/qin-gang.md",
        "+++\nname = \"Qin Gang\"\ncountry = \"CN\"\n\n[[roles]]\ntitle = \"Minister\"\nfrom = 2021-01-01\n+++\nBio.\n",
    );
    write(
        "content/issues/trade.md",
        "+++\nname = \"Trade\"\n+++\nAbout trade.\n",
    );
    for i in 0..count {
        let date = format!(
            "{}-{:02}-{:02}",
            2021 + i / 400,
            i / 28 % 12 + 1,
            i % 28 + 1
        );
        write(
            &format!("content/exchanges/{date}-talks-{i}.md"),
            &format!(
                "+++\ntitle = \"Talks number {i}\"\ndate = {date}\nformat = \"phone\"\n\
                 officials = [\"antony-blinken\", \"qin-gang\"]\nissues = [\"trade\"]\n+++\n\
                 The sides met for the {i}th time and *talked* about [trade](/issues/trade/).\n"
            ),
        );
    }
}

/// A previous output: a few pages, a stale file the build would remove,
/// and a hidden file of the user's.
fn previous_output(out: &Path) {
    for (rel, text) in [
        ("index.html", "<p>old home</p>"),
        ("exchanges/old/index.html", "<p>old exchange</p>"),
        ("stale.html", "<p>no page makes this any more</p>"),
        (".git/HEAD", "ref: refs/heads/main\n"),
    ] {
        let path = out.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    // What a build leaves beside its output: the manifest naming the
    // files it wrote (so the next build may replace and remove them) and
    // its lock file.
    let parent = out.parent().expect("parent");
    std::fs::write(
        parent.join(".public.detente-manifest"),
        "detente-manifest 3\n0 0 0 index.html\n0 0 0 exchanges/old/index.html\n0 0 0 stale.html\n",
    )
    .expect("manifest");
    std::fs::write(parent.join(".public.detente-lock"), "").expect("lock file");
}

/// Every entry under `dir` with its bytes (folders as empty).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read").flatten() {
            let path = entry.path();
            let rel = path.strip_prefix(dir).expect("under").to_path_buf();
            if path.is_dir() {
                stack.push(path);
                out.insert(rel, Vec::new());
            } else {
                out.insert(rel, std::fs::read(&path).expect("read"));
            }
        }
    }
    out
}

fn count_files(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() { count_files(&p) } else { 1 }
        })
        .sum()
}

fn start_build(root: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_detente"))
        .args(["build", "--root"])
        .arg(root)
        .env("RAYON_NUM_THREADS", "2")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start detente")
}

fn signal(child: &Child, name: &str) {
    let ok = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(child.id().to_string())
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "kill -{name}");
}

/// Starts a build, waits until `ready` (given the staging folder and the
/// time since the start) says so, sends `sig`, and checks
/// that the build stopped with the previous output untouched.
fn interrupt_build(sig: &str, ready: impl Fn(&Path, Duration) -> bool, early: bool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    site(root, EXCHANGES);
    let out = root.join("public");
    previous_output(&out);
    let before = snapshot(root);

    let mut child = start_build(root);
    let started = Instant::now();
    let staging = out.join(format!(".detente-staging-{}", child.id()));
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if ready(&staging, started.elapsed()) {
            break;
        }
        if let Some(status) = child.try_wait().expect("poll") {
            panic!(
                "the build ended ({status}) before the signal could be sent; make the site bigger"
            );
        }
        assert!(Instant::now() < deadline, "the build never got going");
        std::thread::sleep(Duration::from_millis(5));
    }
    let written_when_signalled = count_files(&staging);
    signal(&child, sig);
    let o = child.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&o.stderr);
    // A signal that beats the handler's installation ends the process the
    // default way, which is fine too: it had not written anything.
    if !(early && o.status.code().is_none()) {
        assert_eq!(
            o.status.code(),
            Some(130),
            "SIG{sig}: exit code; stderr:\n{err}"
        );
        // The message the README's table of errors lists.
        assert!(
            err.contains("interrupted; the previous output is unchanged"),
            "{err}"
        );
    }
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        snapshot(root),
        before,
        "SIG{sig} after {written_when_signalled} staged files: the site folder must be as it was (no staging left, output untouched)"
    );
}

#[test]
fn sigint_in_the_middle_of_writing_keeps_the_previous_output() {
    interrupt_build("INT", |staging, _| count_files(staging) >= 20, false);
}

#[test]
fn sigterm_in_the_middle_of_writing_keeps_the_previous_output() {
    interrupt_build("TERM", |staging, _| count_files(staging) >= 20, false);
}

#[test]
fn sigterm_while_loading_keeps_the_previous_output() {
    // The staging folder is made after loading and checking the site.
    interrupt_build("TERM", |_, since| since > Duration::from_millis(100), true);
}

#[test]
fn a_second_signal_stops_a_build_stuck_in_a_silent_template_loop() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    site(root, 3);
    // Copy the default templates and add a loop that writes nothing, so
    // the render guard never gets a chance to stop it.
    let templates = root.join("templates");
    let defaults = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut stack = vec![defaults.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read").flatten() {
            let to = templates.join(e.path().strip_prefix(&defaults).expect("under"));
            if e.path().is_dir() {
                std::fs::create_dir_all(&to).expect("mkdir");
                stack.push(e.path());
            } else {
                std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
                std::fs::copy(e.path(), &to).expect("copy");
            }
        }
    }
    let base = templates.join("base.html");
    let text = std::fs::read_to_string(&base).expect("read");
    std::fs::write(
        &base,
        format!("{{% for i in range(end=100000) %}}{{% for j in range(end=100000) %}}{{% endfor %}}{{% endfor %}}{text}"),
    )
    .expect("write");
    let out = root.join("public");
    previous_output(&out);
    let before = snapshot(root);

    let mut child = start_build(root);
    let staging = out.join(format!(".detente-staging-{}", child.id()));
    let deadline = Instant::now() + Duration::from_secs(60);
    while !staging.exists() {
        assert!(child.try_wait().expect("poll").is_none(), "the build ended");
        assert!(Instant::now() < deadline, "the build never started writing");
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(200));
    signal(&child, "INT");
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().expect("poll").is_none(),
        "the loop should still be running after one signal"
    );
    signal(&child, "INT");
    let started = Instant::now();
    let o = child.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(started.elapsed() < Duration::from_secs(10), "{err}");
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted twice"), "{err}");
    assert_eq!(snapshot(root), before, "output untouched, staging removed");
}
