//! The broken-site corpus: every bad input gets a clear error, nothing is
//! lost.
//!
//! Each folder of `tests/broken/` is a small site with one problem and an
//! `expect.toml` saying what `detente build` must answer: the exit code,
//! and for each expected problem a message fragment, the file it names and
//! the line:column where it has one. Cases that cannot be stored in git (a
//! 50 MB file, a named pipe, a symlink loop, an unreadable file, a
//! read-only output…) are made at run time below, from the `valid` case.
//!
//! Every failing build must exit with the expected code, print a `help:`
//! line, never panic, and leave the whole site folder — sources and the
//! `public/` built before — byte for byte as it was.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde::Deserialize;

mod common;
use common::images;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corpus() -> PathBuf {
    repo().join("tests/broken")
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    about: String,
    #[serde(default = "one")]
    exit: i32,
    #[serde(default)]
    args: Vec<String>,
    /// "default": copy the built-in templates into the case first.
    templates: Option<String>,
    /// Files to delete after copying (e.g. `templates/base.html`).
    #[serde(default)]
    remove: Vec<String>,
    /// Text put at the start of a file after copying.
    #[serde(default)]
    prepend: BTreeMap<String, String>,
    #[serde(default)]
    expect: Vec<Problem>,
    /// For cases that must build: text an output file must contain.
    #[serde(default)]
    output: Vec<OutputCheck>,
}

fn one() -> i32 {
    1
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Problem {
    message: String,
    file: String,
    at: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutputCheck {
    file: String,
    contains: String,
}

fn read_expect(case: &Path) -> Expect {
    let text = std::fs::read_to_string(case.join("expect.toml"))
        .unwrap_or_else(|e| panic!("{}: expect.toml: {e}", case.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: expect.toml: {e}", case.display()))
}

/// Every case folder, sorted.
fn cases() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("tests/broken")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("expect.toml").is_file())
        .collect();
    out.sort();
    out
}

/// Copies a tree, keeping symbolic links as links.
fn copy_tree(from: &Path, to: &Path, overwrite: bool) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder").flatten() {
        let src = entry.path();
        let dst = to.join(entry.file_name());
        let kind = entry.file_type().expect("file type");
        if kind.is_dir() {
            copy_tree(&src, &dst, overwrite);
        } else if kind.is_symlink() {
            let target = std::fs::read_link(&src).expect("read link");
            std::os::unix::fs::symlink(target, &dst).expect("make link");
        } else if overwrite || !dst.exists() {
            std::fs::copy(&src, &dst).expect("copy file");
        }
    }
}

/// What a tree holds: every entry with its kind and a hash of its bytes.
/// Named pipes and links are recorded without being opened.
fn snapshot(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let rel = path
                .strip_prefix(dir)
                .expect("under dir")
                .to_string_lossy()
                .into_owned();
            let meta = std::fs::symlink_metadata(&path).expect("metadata");
            let value = if meta.is_symlink() {
                format!(
                    "link → {}",
                    std::fs::read_link(&path).expect("link").display()
                )
            } else if meta.is_dir() {
                stack.push(path);
                "folder".to_string()
            } else if meta.is_file() {
                match std::fs::read(&path) {
                    Ok(bytes) => {
                        let mut h = std::collections::hash_map::DefaultHasher::new();
                        bytes.hash(&mut h);
                        format!("file {} bytes, hash {:x}", bytes.len(), h.finish())
                    }
                    Err(_) => format!("unreadable file {} bytes", meta.len()),
                }
            } else {
                "special file".to_string()
            };
            out.insert(rel, value);
        }
    }
    out
}

/// The output of a good build of the `valid` case, built once.
fn prebuilt() -> &'static Path {
    static PREBUILT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &PREBUILT
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            let site = dir.path().join("site");
            copy_tree(&corpus().join("valid"), &site, true);
            let o = run(&site, &[]);
            assert!(o.status.success(), "valid case: {}", stderr(&o));
            (dir, site.join("public"))
        })
        .1
}

/// Puts the valid case's output, and the manifest that says detente
/// wrote it, into `site` as `public/`.
fn place_prebuilt(site: &Path) {
    copy_tree(prebuilt(), &site.join("public"), true);
    let manifest = ".public.detente-manifest";
    let built = prebuilt().parent().expect("site").join(manifest);
    std::fs::copy(built, site.join(manifest)).expect("copy the manifest");
    // The lock file the build that wrote it left (empty, unlocked).
    std::fs::write(site.join(".public.detente-lock"), "").expect("lock file");
}

fn run(site: &Path, args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_detente"))
        .current_dir(site)
        .args(["build", "--root", "."])
        .args(args)
        .env("RAYON_NUM_THREADS", "2")
        .output()
        .expect("run detente")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A case copied to a temporary folder, ready to build, with the
/// previous output in place.
struct Prepared {
    _dir: tempfile::TempDir,
    site: PathBuf,
}

fn prepare(case: &Path, expect: &Expect) -> Prepared {
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    copy_tree(case, &site, true);
    std::fs::remove_file(site.join("expect.toml")).expect("remove expect.toml");
    if expect.templates.as_deref() == Some("default") {
        copy_tree(&repo().join("templates"), &site.join("templates"), false);
    }
    for rel in &expect.remove {
        std::fs::remove_file(site.join(rel)).expect("remove a file");
    }
    for (rel, text) in &expect.prepend {
        let path = site.join(rel);
        let old = std::fs::read_to_string(&path).expect("read file to prepend to");
        std::fs::write(&path, format!("{text}{old}")).expect("write");
    }
    place_prebuilt(&site);
    Prepared { _dir: dir, site }
}

/// Builds `site` and checks the answer against `expect`. Returns the
/// problems found, empty when the case passes.
fn check(name: &str, site: &Path, expect: &Expect) -> Vec<String> {
    let before = snapshot(site);
    let start = Instant::now();
    let o = run(site, &expect.args);
    let elapsed = start.elapsed();
    let err = stderr(&o);
    let mut problems = Vec::new();
    let mut fail = |m: String| problems.push(format!("{name} ({}): {m}", expect.about));
    if o.status.code() != Some(expect.exit) {
        fail(format!(
            "exit code {:?}, expected {}; stderr:\n{err}",
            o.status.code(),
            expect.exit
        ));
    }
    if err.contains("panicked") || err.contains("RUST_BACKTRACE") {
        fail(format!("panicked:\n{err}"));
    }
    if elapsed > Duration::from_secs(60) {
        fail(format!("took {elapsed:?}"));
    }
    if expect.exit != 0 {
        if !err.contains("help:") {
            fail(format!("no `help:` line saying what to do:\n{err}"));
        }
        for p in &expect.expect {
            if !err.contains(&p.message) {
                fail(format!("expected message `{}` in:\n{err}", p.message));
            }
            let place = match &p.at {
                Some(at) => format!("{}:{at}", p.file),
                None => p.file.clone(),
            };
            if !err.contains(&place) {
                fail(format!("expected the place `{place}` in:\n{err}"));
            }
        }
        let after = snapshot(site);
        if after != before {
            let changed: Vec<_> = before
                .keys()
                .chain(after.keys())
                .filter(|k| before.get(*k) != after.get(*k))
                .collect();
            fail(format!(
                "the site folder changed (output not kept as it was): {changed:?}"
            ));
        }
    }
    for c in &expect.output {
        match std::fs::read_to_string(site.join("public").join(&c.file)) {
            Ok(text) if text.contains(&c.contains) => {}
            Ok(_) => fail(format!("{} lacks `{}`", c.file, c.contains)),
            Err(e) => fail(format!("{}: {e}; stderr:\n{err}", c.file)),
        }
    }
    problems
}

#[test]
fn every_stored_case() {
    let cases = cases();
    assert!(cases.len() >= 40, "the corpus is missing");
    // Two builds at a time: each is itself parallel.
    let problems: Vec<String> = std::thread::scope(|s| {
        let chunks: Vec<Vec<PathBuf>> = (0..2)
            .map(|i| cases.iter().skip(i).step_by(2).cloned().collect())
            .collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    let mut problems = Vec::new();
                    for case in chunk {
                        let name = case.file_name().expect("name").to_string_lossy();
                        let expect = read_expect(&case);
                        let prepared = prepare(&case, &expect);
                        problems.extend(check(&name, &prepared.site, &expect));
                    }
                    problems
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("case thread"))
            .collect()
    });
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// Runs a case made at run time: the `valid` site, changed by `setup`.
fn generated(
    name: &str,
    exit: i32,
    expect: &[(&str, &str, Option<&str>)],
    setup: impl FnOnce(&Path),
) {
    let expect = Expect {
        about: name.to_string(),
        exit,
        args: Vec::new(),
        templates: None,
        remove: Vec::new(),
        prepend: BTreeMap::new(),
        expect: expect
            .iter()
            .map(|(m, f, at)| Problem {
                message: m.to_string(),
                file: f.to_string(),
                at: at.map(str::to_string),
            })
            .collect(),
        output: Vec::new(),
    };
    let prepared = prepare(&corpus().join("valid"), &expect);
    setup(&prepared.site);
    let problems = check(name, &prepared.site, &expect);
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

const EX: &str = "content/exchanges/2023-06-18-blinken-qin-beijing.md";

#[test]
fn file_of_50_mb_is_refused_without_reading_it() {
    generated(
        "file-too-large",
        1,
        &[(TOO_LARGE, "content/exchanges/2023-06-19-huge.md", None)],
        |site| {
            // A sparse file: 50 MB long, no time spent writing it.
            let f = std::fs::File::create(site.join("content/exchanges/2023-06-19-huge.md"))
                .expect("create");
            f.set_len(50 * 1024 * 1024).expect("set length");
        },
    );
}

#[test]
fn very_deep_markdown_nesting_builds() {
    let start = Instant::now();
    generated("deep-markdown", 0, &[], |site| {
        let mut text = std::fs::read_to_string(site.join(EX)).expect("read");
        for unit in ["> ", "- ", "* ", "1. ", "[", "*a ", "<"] {
            text.push('\n');
            text.push_str(&unit.repeat(20_000));
            text.push_str("x\n");
        }
        std::fs::write(site.join(EX), text).expect("write");
    });
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn symlink_loop_in_static_is_an_error() {
    generated(
        "static-symlink-loop",
        1,
        &[(SYMLINK_LOOP, "static/css/again", None)],
        |site| {
            std::fs::create_dir_all(site.join("static/css")).expect("mkdir");
            std::fs::write(site.join("static/css/site.css"), "body {}\n").expect("write");
            std::os::unix::fs::symlink("..", site.join("static/css/again")).expect("link");
        },
    );
    generated(
        "static-self-link",
        1,
        &[(SELF_LINK, "static/self", None)],
        |site| {
            std::fs::create_dir_all(site.join("static")).expect("mkdir");
            std::os::unix::fs::symlink("self", site.join("static/self")).expect("link");
        },
    );
}

#[test]
fn links_out_of_the_site_are_refused_and_nothing_is_published() {
    use std::os::unix::fs::symlink;
    // A folder beside the site, like ~/.ssh beside a checkout.
    let secrets = |site: &Path| {
        let dir = site.parent().expect("parent").join("secrets");
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join("id_rsa"), "PRIVATE KEY").expect("write");
        dir
    };
    generated(
        "static-link-to-etc-passwd",
        1,
        &[(OUTSIDE, "static/passwd", None)],
        |site| {
            std::fs::create_dir_all(site.join("static")).expect("mkdir");
            symlink("/etc/passwd", site.join("static/passwd")).expect("link");
        },
    );
    generated(
        "static-link-to-environ",
        1,
        &[(OUTSIDE, "static/env.txt", None)],
        |site| {
            std::fs::create_dir_all(site.join("static")).expect("mkdir");
            symlink("/proc/self/environ", site.join("static/env.txt")).expect("link");
        },
    );
    generated(
        "static-link-to-a-folder-outside",
        1,
        &[(OUTSIDE, "static/ssh", None)],
        |site| {
            std::fs::create_dir_all(site.join("static")).expect("mkdir");
            symlink(secrets(site), site.join("static/ssh")).expect("link");
        },
    );
    generated(
        "static-folder-is-a-link-outside",
        1,
        &[(OUTSIDE, "static", None)],
        |site| {
            symlink(secrets(site), site.join("static")).expect("link");
        },
    );
    generated(
        "template-link-outside",
        1,
        &[(OUTSIDE, "templates/partials/footer-extra.html", None)],
        |site| {
            copy_tree(&repo().join("templates"), &site.join("templates"), true);
            let secret = secrets(site).join("id_rsa");
            symlink(secret, site.join("templates/partials/footer-extra.html")).expect("link");
        },
    );
    generated(
        "content-link-outside",
        1,
        &[(OUTSIDE, "content/issues/passwd.md", None)],
        |site| {
            symlink("/etc/passwd", site.join("content/issues/passwd.md")).expect("link");
        },
    );
    generated(
        "content-folder-link-outside",
        1,
        &[(OUTSIDE, "content/officials", None)],
        |site| {
            let outside = site.parent().expect("parent").join("officials");
            std::fs::rename(site.join("content/officials"), &outside).expect("move");
            symlink(&outside, site.join("content/officials")).expect("link");
        },
    );
}

#[test]
fn an_output_detente_did_not_write_is_refused() {
    // The previous output without the manifest that says detente wrote
    // it: a deploy checkout, a docs folder, anyone's files.
    generated(
        "output-not-detentes",
        1,
        &[(FOREIGN_OUTPUT, "public", None)],
        |site| {
            std::fs::remove_file(site.join(".public.detente-manifest")).expect("remove");
        },
    );
}

#[test]
fn an_output_another_build_is_writing_is_refused() {
    generated("output-locked", 1, &[(LOCKED, "public", None)], |site| {
        // Held by this test process until it ends; an OS lock, so it ends
        // with the process however it ends.
        let file = std::fs::File::create(site.join(".public.detente-lock")).expect("lock file");
        file.try_lock().expect("lock");
        std::mem::forget(file);
    });
}

#[test]
fn links_that_stay_inside_the_site_keep_working() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    copy_tree(&corpus().join("valid"), &site, true);
    std::fs::create_dir_all(site.join("static/docs")).expect("mkdir");
    std::fs::create_dir_all(site.join("shared")).expect("mkdir");
    std::fs::write(site.join("shared/readout.txt"), "the readout").expect("write");
    symlink(
        "../../shared/readout.txt",
        site.join("static/docs/readout.txt"),
    )
    .expect("link");
    symlink(site.join("shared"), site.join("static/shared")).expect("link");
    let o = run(&site, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    for copy in ["docs/readout.txt", "shared/readout.txt"] {
        assert_eq!(
            std::fs::read_to_string(site.join("public").join(copy)).expect(copy),
            "the readout"
        );
    }
}

#[test]
fn symlink_loop_in_templates_is_an_error() {
    generated(
        "templates-symlink-loop",
        1,
        &[(SYMLINK_LOOP, "templates/partials/again", None)],
        |site| {
            copy_tree(&repo().join("templates"), &site.join("templates"), true);
            std::os::unix::fs::symlink("..", site.join("templates/partials/again")).expect("link");
        },
    );
}

#[test]
fn unreadable_files_are_errors() {
    generated(
        "file-dangling-link",
        1,
        &[(CANNOT_FOLLOW, "content/issues/gone.md", None)],
        |site| {
            std::os::unix::fs::symlink("/nonexistent/gone.md", site.join("content/issues/gone.md"))
                .expect("link");
        },
    );
    // chmod 000 stops everyone but root; run it when it does stop us.
    let probe = tempfile::tempdir().expect("temp dir");
    let file = probe.path().join("x");
    std::fs::write(&file, "x").expect("write");
    set_mode(&file, 0o000);
    if std::fs::read(&file).is_err() {
        generated(
            "file-no-permission",
            1,
            &[(CANNOT_READ, "content/issues/locked.md", None)],
            |site| {
                let path = site.join("content/issues/locked.md");
                std::fs::write(&path, "+++\nname = \"Locked\"\n+++\n").expect("write");
                set_mode(&path, 0o000);
            },
        );
    }
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "mkfifo {}", path.display());
}

#[test]
fn named_pipes_are_refused_not_waited_on() {
    generated(
        "content-fifo",
        1,
        &[(NOT_REGULAR, "content/exchanges/2023-06-19-pipe.md", None)],
        |site| mkfifo(&site.join("content/exchanges/2023-06-19-pipe.md")),
    );
    generated(
        "static-fifo",
        1,
        &[(NOT_REGULAR, "static/pipe.txt", None)],
        |site| {
            std::fs::create_dir_all(site.join("static")).expect("mkdir");
            mkfifo(&site.join("static/pipe.txt"));
        },
    );
}

#[test]
fn slugs_that_differ_only_in_case_are_refused() {
    // Stored files would clash on case-insensitive file systems.
    generated(
        "duplicate-slug",
        1,
        &[("the exchange slug", EX, None), (USED_TWICE, EX, None)],
        |site| {
            std::fs::copy(
                site.join(EX),
                site.join("content/exchanges/2023-06-18-Blinken-Qin-Beijing.md"),
            )
            .expect("copy");
        },
    );
    generated(
        "duplicate-official-slug",
        1,
        &[(
            "the official slug `antony-blinken` is used twice",
            "content/officials/antony-blinken.md",
            None,
        )],
        |site| {
            std::fs::copy(
                site.join("content/officials/antony-blinken.md"),
                site.join("content/officials/Antony-Blinken.md"),
            )
            .expect("copy");
        },
    );
}

#[test]
fn file_names_that_try_to_leave_their_folder_are_refused() {
    let name = "content/exchanges/x\\..\\..\\evil.md";
    generated(
        "slug-with-backslashes",
        1,
        &[(BAD_SLUG, name, None)],
        |site| {
            std::fs::copy(site.join(EX), site.join(name)).expect("copy");
        },
    );
}

/// Makes `path` unwritable even for root (`chattr +i`), or with chmod for
/// everyone else; undoes it when dropped. None if neither works here.
struct ReadOnly(PathBuf, bool);

impl ReadOnly {
    fn make(path: &Path) -> Option<ReadOnly> {
        set_mode(path, 0o555);
        if std::fs::write(path.join(".probe"), "").is_err() {
            return Some(ReadOnly(path.to_path_buf(), false));
        }
        let _ = std::fs::remove_file(path.join(".probe"));
        set_mode(path, 0o755);
        let ok = Command::new("chattr")
            .arg("+i")
            .arg(path)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| ReadOnly(path.to_path_buf(), true))
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if self.1 {
            let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
        } else {
            set_mode(&self.0, 0o755);
        }
    }
}

#[test]
fn read_only_output_is_an_error_and_keeps_the_old_site() {
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    copy_tree(&corpus().join("valid"), &site, true);
    place_prebuilt(&site);
    // A change, so that the build has something to write.
    let text = std::fs::read_to_string(site.join(EX)).expect("read");
    std::fs::write(
        site.join(EX),
        text.replace("met for talks", "met for long talks"),
    )
    .expect("write");
    let expect = Expect {
        about: "read-only output".into(),
        exit: 1,
        args: Vec::new(),
        templates: None,
        remove: Vec::new(),
        prepend: BTreeMap::new(),
        expect: vec![Problem {
            message: READ_ONLY.into(),
            file: "public".into(),
            at: None,
        }],
        output: Vec::new(),
    };
    {
        let Some(_guard) = ReadOnly::make(&site.join("public")) else {
            eprintln!("note: cannot make a read-only folder here; case skipped");
            return;
        };
        let problems = check("output-read-only", &site, &expect);
        assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    }
    // Only a folder deep inside is read-only: the commit fails half-way
    // and must put back every file it had already replaced.
    let expect = Expect {
        expect: vec![Problem {
            message: ROLLED_BACK.into(),
            file: "public/years/2023".into(),
            at: None,
        }],
        ..expect
    };
    let year = std::fs::read_to_string(site.join(EX)).expect("read");
    std::fs::write(
        site.join(EX),
        year.replace("Blinken meets Qin", "Blinken sees Qin"),
    )
    .expect("write");
    let year_folder = site.join("public/years/2023");
    let Some(_guard) = ReadOnly::make(&year_folder) else {
        return;
    };
    let problems = check("output-partly-read-only", &site, &expect);
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// Lists `src` as the exchange's one image (its `[[media]]` table starts
/// on line 8) and writes `bytes` to `content/<at>`.
fn with_image(site: &Path, src: &str, at: &str, bytes: Option<&[u8]>) {
    let text = std::fs::read_to_string(site.join(EX)).expect("read");
    let text = text.replacen(
        "issues = [\"taiwan\"]\n",
        &format!("issues = [\"taiwan\"]\n[[media]]\nsrc = \"{src}\"\nalt = \"The talks\"\n"),
        1,
    );
    std::fs::write(site.join(EX), text).expect("write");
    if let Some(bytes) = bytes {
        let path = site.join("content").join(at);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }
}

/// Every bad media file is refused at the `[[media]]` table that names it,
/// before anything is written: the previous output and the media cache
/// beside it stay as they were (no cache folder appears).
#[test]
fn bad_media_files_are_refused_at_their_entry() {
    let at = Some("8:1");
    generated("media-missing", 1, &[(MEDIA_MISSING, EX, at)], |site| {
        with_image(site, "/media/gone.jpg", "media/gone.jpg", None);
    });
    generated("media-not-an-image", 1, &[(NOT_AN_IMAGE, EX, at)], |site| {
        let text = b"<html>this is not a photo</html>";
        with_image(site, "/media/talks.jpg", "media/talks.jpg", Some(text));
    });
    generated("media-truncated-png", 1, &[(DAMAGED, EX, at)], |site| {
        let whole = images::png(300, 200);
        let cut = &whole[..whole.len() / 2];
        with_image(site, "/media/talks.png", "media/talks.png", Some(cut));
    });
    generated("media-truncated-jpeg", 1, &[(DAMAGED, EX, at)], |site| {
        let whole = images::jpeg(300, 200);
        let cut = &whole[..whole.len() / 2];
        with_image(site, "/media/talks.jpg", "media/talks.jpg", Some(cut));
    });
    generated("media-bomb", 1, &[(TOO_MANY_PIXELS, EX, at)], |site| {
        let bomb = images::bomb_png(20_000, 20_000);
        with_image(site, "/media/bomb.png", "media/bomb.png", Some(&bomb));
    });
    generated("media-too-large", 1, &[(MEDIA_TOO_LARGE, EX, at)], |site| {
        with_image(site, "/media/huge.jpg", "media/huge.jpg", None);
        // Sparse: 200 MB long, nothing written, never read.
        let path = site.join("content/media/huge.jpg");
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        let f = std::fs::File::create(path).expect("create");
        f.set_len(200 * 1000 * 1000).expect("set length");
    });
    generated("media-link-outside", 1, &[(OUTSIDE, EX, at)], |site| {
        with_image(site, "/media/passwd.jpg", "media/passwd.jpg", None);
        std::fs::create_dir_all(site.join("content/media")).expect("mkdir");
        std::os::unix::fs::symlink("/etc/passwd", site.join("content/media/passwd.jpg"))
            .expect("link");
    });
    generated(
        "media-folder-link-outside",
        1,
        &[(OUTSIDE, EX, at)],
        |site| {
            let outside = site.parent().expect("parent").join("photos");
            std::fs::create_dir_all(&outside).expect("mkdir");
            std::fs::write(outside.join("a.png"), images::png(20, 20)).expect("write");
            with_image(site, "/media/a.png", "media/a.png", None);
            std::os::unix::fs::symlink(&outside, site.join("content/media")).expect("link");
        },
    );
    generated("media-fifo", 1, &[(MEDIA_NOT_REGULAR, EX, at)], |site| {
        with_image(site, "/media/pipe.jpg", "media/pipe.jpg", None);
        std::fs::create_dir_all(site.join("content/media")).expect("mkdir");
        mkfifo(&site.join("content/media/pipe.jpg"));
    });
}

// The messages of the cases made at run time, listed for the README check.
const TOO_LARGE: &str = "the file is too large (50.0 MiB; the limit is 10 MiB)";
const SYMLINK_LOOP: &str = "symlink loop";
const SELF_LINK: &str = "Too many levels of symbolic links";
const CANNOT_READ: &str = "cannot read the file";
const CANNOT_FOLLOW: &str = "cannot be followed";
const OUTSIDE: &str = "points outside the site folder";
const FOREIGN_OUTPUT: &str = "refusing to build into this folder";
const LOCKED: &str = "another detente process";
const NOT_REGULAR: &str = "this is not a regular file";
const USED_TWICE: &str = "is used twice";
const BAD_SLUG: &str = "cannot be used as an exchange slug";
const READ_ONLY: &str = "could not write to the output folder";
const ROLLED_BACK: &str = "could not move into place";
/// Checked by tests/interrupt.rs.
const INTERRUPTED: &str = "interrupted; the previous output is unchanged";
const MEDIA_MISSING: &str = "cannot read the media file content/media/gone.jpg";
const NOT_AN_IMAGE: &str = "is not a JPEG, PNG or WebP image";
const DAMAGED: &str = "is damaged or cut short";
const TOO_MANY_PIXELS: &str = "has too many pixels (20000 × 20000; the limit is 16384 × 16384";
const MEDIA_TOO_LARGE: &str = "is too large (190.7 MiB; the limit is 50 MiB)";
const MEDIA_NOT_REGULAR: &str = "is not a regular file";
const GENERATED: &[&str] = &[
    TOO_LARGE,
    SYMLINK_LOOP,
    SELF_LINK,
    CANNOT_READ,
    CANNOT_FOLLOW,
    OUTSIDE,
    FOREIGN_OUTPUT,
    LOCKED,
    NOT_REGULAR,
    USED_TWICE,
    BAD_SLUG,
    READ_ONLY,
    ROLLED_BACK,
    INTERRUPTED,
    MEDIA_MISSING,
    NOT_AN_IMAGE,
    DAMAGED,
    TOO_MANY_PIXELS,
    MEDIA_TOO_LARGE,
    MEDIA_NOT_REGULAR,
];

/// The message fragments of the README's "Errors you may see" table.
fn readme_messages() -> Vec<String> {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let start = readme
        .find("\n## Errors you may see")
        .expect("an \"Errors you may see\" section in the README");
    let section = &readme[start + 1..];
    let end = section[3..].find("\n## ").map_or(section.len(), |i| i + 3);
    section[..end]
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| the message says"))
        .filter_map(|l| l.split(" | ").next())
        .map(|cell| {
            let cell = cell.trim_start_matches("| ").trim();
            let cell = cell
                .strip_prefix("``")
                .and_then(|c| c.strip_suffix("``"))
                .or_else(|| cell.strip_prefix('`').and_then(|c| c.strip_suffix('`')))
                .unwrap_or(cell);
            cell.trim().to_string()
        })
        .collect()
}

/// The README's table of errors and the corpus agree: every message in the
/// table is produced by some case, and every case's message is in the table.
#[test]
fn readme_errors_section_matches_the_corpus() {
    let readme = readme_messages();
    assert!(readme.len() >= 30, "{readme:?}");
    let mut messages: Vec<String> = GENERATED.iter().map(|m| m.to_string()).collect();
    let mut failing_cases = Vec::new();
    for case in cases() {
        let expect = read_expect(&case);
        if expect.exit != 0 {
            messages.extend(expect.expect.iter().map(|p| p.message.clone()));
            failing_cases.push((case, expect));
        }
    }
    for fragment in &readme {
        assert!(
            messages.iter().any(|m| m.contains(fragment.as_str())),
            "the README lists `{fragment}`, but no case of the corpus expects it"
        );
    }
    let listed = |m: &str| readme.iter().any(|f| m.contains(f.as_str()));
    for (case, expect) in &failing_cases {
        assert!(
            expect.expect.iter().any(|p| listed(&p.message)),
            "{}: none of its messages is in the README's table: {:?}",
            case.display(),
            expect.expect
        );
    }
    for m in GENERATED {
        assert!(listed(m), "`{m}` is not in the README's table");
    }
}

#[test]
fn a_good_build_replaces_the_old_output_but_keeps_hidden_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    copy_tree(&corpus().join("valid"), &site, true);
    std::fs::remove_file(site.join("expect.toml")).expect("remove");
    place_prebuilt(&site);
    let public = site.join("public");
    std::fs::create_dir_all(public.join(".git")).expect("mkdir");
    std::fs::write(public.join(".git/HEAD"), "ref: refs/heads/main\n").expect("write");
    // A page an earlier build wrote (the manifest lists it) and a file
    // of the user's own (it does not).
    std::fs::create_dir_all(public.join("old/deep")).expect("mkdir");
    std::fs::write(public.join("old/deep/page.html"), "stale").expect("write");
    let manifest = site.join(".public.detente-manifest");
    let mut listed = std::fs::read_to_string(&manifest).expect("manifest");
    listed.push_str("0 5 0 old/deep/page.html\n");
    std::fs::write(&manifest, listed).expect("manifest");
    std::fs::write(public.join("CNAME"), "timeline.example.org\n").expect("write");
    let o = run(&site, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        public.join(".git/HEAD").is_file(),
        "a hidden file was removed"
    );
    assert!(!public.join("old").exists(), "stale files and folders go");
    assert_eq!(
        std::fs::read_to_string(public.join("CNAME")).expect("CNAME kept"),
        "timeline.example.org\n",
        "a file detente did not write was removed"
    );
    std::fs::remove_file(public.join("CNAME")).expect("remove");
    let left: Vec<_> = std::fs::read_dir(&site)
        .expect("read")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        // The manifest of what was built is kept on purpose; staging is not.
        .filter(|n| {
            n.contains("detente")
                && !n.ends_with(".detente-manifest")
                && !n.ends_with(".detente-lock")
        })
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    assert_eq!(
        snapshot(&public)
            .into_iter()
            .filter(|(k, _)| !k.starts_with(".git"))
            .collect::<BTreeMap<_, _>>(),
        snapshot(prebuilt()),
        "the same site as a fresh build"
    );
}
