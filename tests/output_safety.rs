//! The output folder is the user's: a build removes only what detente
//! wrote, never runs beside another build into it, cleans up after builds
//! that were killed, works on another file system and survives a full
//! disk. Each test runs the real binary.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{assert_same_tree, build, detente, minimal_site, snapshot, stderr, write_files};

fn site_with(root: &Path, extra: usize) {
    minimal_site(root);
    for i in 0..extra {
        let text = format!(
            "+++\ntitle = \"Talks number {i}\"\ndate = 2022-{:02}-{:02}\nformat = \"phone\"\nofficials = [\"antony-blinken\", \"qin-gang\"]\nissues = [\"trade\"]\n+++\nThe {i}th call covered *trade* and [more](https://example.org/{i}).\n",
            1 + i % 12,
            1 + i % 28
        );
        write_files(
            root,
            &[(&format!("content/exchanges/call-{i:05}.md"), &text)],
        );
    }
}

fn build_args(root: &Path, out: &Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["build", "--root"].iter().map(|s| s.to_string()).collect();
    args.push(root.to_string_lossy().into_owned());
    args.push("--output".into());
    args.push(out.to_string_lossy().into_owned());
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn try_build(root: &Path, out: &Path, extra: &[&str]) -> Output {
    let args = build_args(root, out, extra);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    detente(&args)
}

fn spawn_build(root: &Path, out: &Path, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_detente"))
        .args(build_args(root, out, extra))
        .env("RAYON_NUM_THREADS", "2")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start detente")
}

/// The staging folders of builds into `out` that exist now.
fn staging_folders(out: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let name = out
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    for (dir, prefix) in [
        (out.to_path_buf(), ".detente-staging-".to_string()),
        (
            out.parent().expect("parent").to_path_buf(),
            format!(".{name}.detente-staging-"),
        ),
    ] {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                found.push(e.path());
            }
        }
    }
    found
}

/// Waits until a build into `out` has begun writing its staging folder.
fn wait_for_staging(out: &Path, child: &mut Child) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if !staging_folders(out).is_empty() {
            return true;
        }
        if child.try_wait().expect("wait").is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    false
}

#[test]
fn files_detente_did_not_write_are_kept_with_force_and_after() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = (dir.path().join("site"), dir.path().join("deploy"));
    minimal_site(&root);
    // A deploy checkout: its README, CNAME and docs.
    write_files(
        &out,
        &[
            ("README.md", "# deploy\n"),
            ("CNAME", "timeline.example.org\n"),
            ("docs/guide.md", "guide\n"),
        ],
    );
    let before = snapshot(&out);

    let refused = try_build(&root, &out, &[]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    let message = stderr(&refused);
    assert!(
        message.contains("refusing to build into this folder"),
        "{message}"
    );
    assert!(message.contains(&out.display().to_string()), "{message}");
    assert!(
        message.contains("CNAME, README.md, docs/guide.md"),
        "{message}"
    );
    assert!(message.contains("--force"), "{message}");
    assert_eq!(snapshot(&out), before, "a refused build changed the folder");

    let forced = build(&root, &out, &["--force"]);
    let warning = stderr(&forced);
    assert!(
        warning
            .contains("kept 3 files that detente did not write: CNAME, README.md, docs/guide.md"),
        "{warning}"
    );
    for (rel, bytes) in &before {
        assert_eq!(&std::fs::read(out.join(rel)).expect(rel), bytes, "{rel}");
    }
    assert!(out.join("index.html").is_file());

    // Another tool's output (Pagefind) after the build, then a build that
    // no longer produces a page: that page goes, nothing else does.
    write_files(&out, &[("pagefind/pagefind.js", "// index\n")]);
    let call = out.join("exchanges/2022-09-23-blinken-qin-call/index.html");
    assert!(call.is_file());
    std::fs::remove_file(root.join("content/exchanges/2022-09-23-blinken-qin-call.md"))
        .expect("remove");
    let o = build(&root, &out, &[]);
    assert!(
        !call.exists(),
        "a page detente wrote and no longer makes stays"
    );
    assert!(
        out.join("pagefind/pagefind.js").is_file(),
        "another tool's file was removed"
    );
    for (rel, bytes) in &before {
        assert_eq!(&std::fs::read(out.join(rel)).expect(rel), bytes, "{rel}");
    }
    assert!(!stderr(&o).contains("kept"), "{}", stderr(&o));
}

#[test]
fn a_second_build_into_the_same_output_is_refused_while_the_first_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    site_with(&root, 1500);
    build(&root, &out, &["--base-url", "https://b.example/"]);
    // A writes, and is seen writing; B starts while it does.
    let mut first = None;
    for _ in 0..5 {
        let mut a = spawn_build(&root, &out, &["--base-url", "https://a.example/"]);
        if wait_for_staging(&out, &mut a) {
            first = Some(a);
            break;
        }
        let _ = a.wait();
        // Too quick to be caught: the next try starts from B's output.
        build(&root, &out, &["--base-url", "https://b.example/"]);
    }
    let a = first.expect("a build slow enough to overlap");
    let b = try_build(&root, &out, &["--base-url", "https://b.example/"]);
    let a = a.wait_with_output().expect("first build");
    assert!(a.status.success(), "{}", stderr(&a));
    assert_eq!(
        b.status.code(),
        Some(1),
        "the second build ran: {}",
        stderr(&b)
    );
    assert!(
        stderr(&b).contains("another detente process"),
        "{}",
        stderr(&b)
    );
    assert!(staging_folders(&out).is_empty(), "staging left behind");

    // Whatever the manifest says now, the tree is what a fresh build writes.
    for base in ["https://a.example/", "https://b.example/"] {
        let fresh = dir.path().join("fresh");
        let _ = std::fs::remove_dir_all(&fresh);
        build(&root, &fresh, &["--base-url", base]);
        build(&root, &out, &["--base-url", base]);
        assert_same_tree(&out, &fresh, base);
    }
}

#[test]
fn leftovers_of_killed_builds_are_removed_and_reported_but_not_a_live_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    site_with(&root, 1500);
    build(&root, &out, &[]);
    let fresh = dir.path().join("fresh");

    // Killed for real, mid-build, several times.
    let mut killed = 0;
    for _ in 0..3 {
        write_files(
            &root,
            &[(
                "content/exchanges/call-00001.md",
                &format!(
                    "+++\ntitle = \"Edited {killed}\"\ndate = 2022-02-02\nformat = \"phone\"\nofficials = [\"qin-gang\"]\n+++\nEdited.\n"
                ),
            )],
        );
        let mut child = spawn_build(&root, &out, &[]);
        if wait_for_staging(&out, &mut child) {
            child.kill().expect("SIGKILL");
            killed += 1;
        }
        let _ = child.wait();
    }
    assert!(killed > 0, "no build was caught writing");
    assert!(
        !staging_folders(&out).is_empty(),
        "a killed build leaves its staging"
    );

    // A folder of a build that still runs (this test's own `sleep`), and
    // ones of processes long gone.
    let mut live = Command::new("sleep").arg("30").spawn().expect("sleep");
    let live_staging = out.join(format!(".detente-staging-{}", live.id()));
    std::fs::create_dir_all(live_staging.join("exchanges")).expect("mkdir");
    let gone = {
        let mut c = Command::new("true").spawn().expect("true");
        c.wait().expect("wait");
        c.id()
    };
    let dead = [
        out.join(format!(".detente-old-{gone}")),
        dir.path().join(format!(".public.detente-staging-{gone}")),
        dir.path().join(format!(".public.detente-old-{gone}")),
    ];
    for d in &dead {
        write_files(d, &[("index.html", "half")]);
    }

    let o = build(&root, &out, &[]);
    let said = stderr(&o);
    assert!(said.contains("removed what"), "{said}");
    for d in &dead {
        assert!(!d.exists(), "{} is left", d.display());
        assert!(said.contains(&d.display().to_string()), "{said}");
    }
    assert!(live_staging.is_dir(), "a live build's folder was removed");
    let _ = live.kill();
    let _ = live.wait();
    std::fs::remove_dir_all(&live_staging).expect("remove");
    let left: Vec<PathBuf> = staging_folders(&out);
    assert!(left.is_empty(), "left: {left:?}");
    build(&root, &fresh, &[]);
    assert_same_tree(&out, &fresh, "after the killed builds");
}

/// A tmpfs mounted at `at` for as long as it lives; `None` where this
/// process may not mount (the test then says so and passes).
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(at: &Path, size: &str) -> Option<Mount> {
        std::fs::create_dir_all(at).expect("mkdir");
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            Some(Mount(at.to_path_buf()))
        } else {
            eprintln!("note: cannot mount a tmpfs here (not root?); case skipped");
            None
        }
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn an_output_on_another_file_system_is_built_into() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    minimal_site(&root);
    let mnt = dir.path().join("mnt");
    let Some(_mount) = Mount::tmpfs(&mnt, "16m") else {
        return;
    };
    // The mount point itself as the output, twice (new, then changed).
    build(&root, &mnt, &[]);
    write_files(
        &root,
        &[(
            "content/issues/trade.md",
            "+++\nname = \"Trade and tariffs\"\n+++\nAbout trade.\n",
        )],
    );
    build(&root, &mnt, &[]);
    let fresh = dir.path().join("fresh");
    build(&root, &fresh, &[]);
    assert_same_tree(&mnt, &fresh, "a mount point as the output");

    // `public` a link to a folder on the other file system.
    std::fs::create_dir_all(mnt.join("volume/site")).expect("mkdir");
    std::os::unix::fs::symlink(mnt.join("volume/site"), root.join("public")).expect("link");
    let o = try_build(&root, &root.join("public"), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    write_files(
        &root,
        &[(
            "content/issues/taiwan.md",
            "+++\nname = \"Taiwan Strait\"\n+++\nAbout.\n",
        )],
    );
    let o = try_build(&root, &root.join("public"), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let fresh2 = dir.path().join("fresh2");
    build(&root, &fresh2, &[]);
    assert_same_tree(&mnt.join("volume/site"), &fresh2, "a linked output");
}

#[test]
fn a_full_disk_fails_clearly_and_keeps_the_old_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    minimal_site(&root);
    let mnt = dir.path().join("mnt");
    let Some(_mount) = Mount::tmpfs(&mnt, "2m") else {
        return;
    };
    let out = mnt.join("public");
    build(&root, &out, &[]);
    let before = snapshot(&out);
    // Fill the disk, then change every page.
    let filler = vec![b'x'; 4096];
    let mut file = std::fs::File::create(mnt.join("filler")).expect("filler");
    while std::io::Write::write_all(&mut file, &filler).is_ok() {}
    drop(file);
    write_files(
        &root,
        &[(
            "content/site.toml",
            "title = \"A new title for every page\"\nbase_url = \"https://example.org/\"\n",
        )],
    );
    let o = try_build(&root, &out, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let said = stderr(&o);
    assert!(said.contains("No space left on device"), "{said}");
    assert!(said.contains("free some disk space"), "{said}");
    assert_eq!(snapshot(&out), before, "the old output changed");
    std::fs::remove_file(mnt.join("filler")).expect("remove");
    build(&root, &out, &[]);
    let fresh = dir.path().join("fresh");
    build(&root, &fresh, &[]);
    assert_same_tree(&out, &fresh, "after space was freed");
}

#[test]
fn the_last_day_of_year_9999_makes_a_valid_calendar() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    minimal_site(&root);
    write_files(
        &root,
        &[(
            "content/exchanges/far.md",
            "+++\ntitle = \"Far future\"\ndate = 9999-12-30\nend_date = 9999-12-31\nformat = \"phone\"\nofficials = [\"qin-gang\"]\n+++\nLater.\n",
        )],
    );
    build(&root, &out, &[]);
    let ics = std::fs::read_to_string(out.join("calendar.ics")).expect("calendar");
    assert!(!ics.contains("+1000"), "a year past 9999 in: {ics}");
    assert!(ics.contains("DTSTART;VALUE=DATE:99991230"), "{ics}");
    assert!(ics.contains("DURATION:P2D"), "{ics}");
    let reader = ical::IcalParser::new(std::io::BufReader::new(ics.as_bytes()));
    for calendar in reader {
        calendar.expect("a calendar that parses");
    }
}

#[test]
fn serve_output_is_locked_and_its_files_stay_detentes_to_remove() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    minimal_site(&root);
    write_files(
        &root,
        &[(
            "content/exchanges/2023-07-01-draft.md",
            "+++\ntitle = \"Not yet\"\ndate = 2023-07-01\nformat = \"phone\"\nofficials = [\"qin-gang\"]\ndraft = true\n+++\nDraft.\n",
        )],
    );
    let mut serve = Command::new(env!("CARGO_BIN_EXE_detente"))
        .args(["serve", "--port", "0", "--drafts", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&out)
        .env("RAYON_NUM_THREADS", "2")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let draft = out.join("exchanges/2023-07-01-draft/index.html");
    let start = Instant::now();
    while !draft.is_file() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "serve never wrote the draft"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let o = try_build(&root, &out, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("another detente process"),
        "{}",
        stderr(&o)
    );
    let _ = serve.kill();
    let _ = serve.wait();

    // What serve wrote is detente's: the build replaces it and removes
    // the draft's page, which a build without --drafts does not make.
    let o = try_build(&root, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!draft.exists(), "a draft served earlier was published");
    let fresh = dir.path().join("fresh");
    build(&root, &fresh, &[]);
    assert_same_tree(&out, &fresh, "after serve --output");
}
