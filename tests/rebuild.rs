//! Rebuilding into an existing output: nothing unchanged is rendered or
//! rewritten, and the result is always byte for byte a fresh build.

mod common;

use std::path::Path;

use common::*;

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{from} in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

/// Builds into `out` (incrementally) and into a fresh folder; the trees
/// must be identical. Returns the incremental build's summary line.
fn rebuild_matches_fresh(root: &Path, out: &Path, fresh: &Path) -> String {
    let o = build(root, out, &[]);
    let _ = std::fs::remove_dir_all(fresh);
    build(root, fresh, &[]);
    assert_same_tree(out, fresh, "rebuild vs fresh build");
    stdout(&o)
}

#[test]
fn rebuilds_equal_fresh_builds_and_skip_unchanged_work() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    minimal_site(&root);
    for d in ["templates", "static"] {
        std::fs::create_dir_all(root.join(d)).expect("mkdir");
        copy_dir(&repo().join(d), &root.join(d));
    }
    let out = dir.path().join("public");
    let fresh = dir.path().join("fresh");
    build(&root, &out, &[]);

    let line = rebuild_matches_fresh(&root, &out, &fresh);
    assert!(
        line.contains("is up to date"),
        "nothing changed, nothing built: {line}"
    );
    // A file saved again without a change is read, but nothing rendered or written.
    let ex = root.join("content/exchanges/2023-06-18-blinken-qin-beijing.md");
    let same = std::fs::read(&ex).expect("read");
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&ex, same).expect("save again");
    let line = rebuild_matches_fresh(&root, &out, &fresh);
    assert!(
        line.contains("(0 rendered)") && line.contains("(0 files written"),
        "nothing changed, nothing rendered or written: {line}"
    );

    // The second paragraph is not part of the summary: only its page shows it.
    edit(&ex, "More.", "More, at length.");
    let line = rebuild_matches_fresh(&root, &out, &fresh);
    assert!(
        line.contains("(1 rendered)"),
        "a body edit renders its page alone: {line}"
    );
    // The first paragraph is the summary, which the lists show too.
    edit(&ex, "They talked for hours.", "They talked for many hours.");
    let line = rebuild_matches_fresh(&root, &out, &fresh);
    assert!(!line.contains("(1 rendered)"), "{line}");

    edit(
        &ex,
        "Blinken and Qin meet in Beijing",
        "Blinken and Qin talk in Beijing",
    );
    rebuild_matches_fresh(&root, &out, &fresh);

    edit(
        &root.join("content/officials/qin-gang.md"),
        "Minister of Foreign Affairs",
        "Foreign Minister",
    );
    rebuild_matches_fresh(&root, &out, &fresh);

    write_files(
        &root,
        &[(
            "content/exchanges/2023-01-05-added.md",
            "+++\ntitle = \"Added\"\ndate = 2023-01-05\nformat = \"virtual\"\nofficials = [\"qin-gang\", \"antony-blinken\"]\nissues = [\"taiwan\"]\n+++\nNew.\n",
        )],
    );
    rebuild_matches_fresh(&root, &out, &fresh);

    std::fs::remove_file(root.join("content/exchanges/2022-09-23-blinken-qin-call.md"))
        .expect("delete");
    rebuild_matches_fresh(&root, &out, &fresh);

    edit(
        &root.join("templates/base.html"),
        "<main",
        "<!-- edited -->\n<main",
    );
    rebuild_matches_fresh(&root, &out, &fresh);

    let css = root.join("static/style.css");
    let text = std::fs::read_to_string(&css).expect("css");
    std::fs::write(&css, format!("{text}\n/* edited */\n")).expect("edit css");
    rebuild_matches_fresh(&root, &out, &fresh);

    edit(
        &root.join("content/site.toml"),
        "Test timeline",
        "Renamed timeline",
    );
    rebuild_matches_fresh(&root, &out, &fresh);

    // A page changed by hand is noticed and rendered again.
    let page = out.join("exchanges/2023-06-18-blinken-qin-beijing/index.html");
    std::fs::write(&page, "tampered").expect("tamper");
    rebuild_matches_fresh(&root, &out, &fresh);

    // --file-urls and --base-url builds into the same folder are not mixed up.
    build(&root, &out, &["--file-urls"]);
    let _ = std::fs::remove_dir_all(&fresh);
    build(&root, &fresh, &["--file-urls"]);
    assert_eq!(snapshot(&out), snapshot(&fresh));
    build(&root, &out, &["--base-url", "https://example.net/sub/"]);
    let _ = std::fs::remove_dir_all(&fresh);
    build(&root, &fresh, &["--base-url", "https://example.net/sub/"]);
    assert_eq!(snapshot(&out), snapshot(&fresh));
}

/// A build whose sources, options and program are all as they were for
/// the last build into an untouched output does nothing at all, and says
/// so; anything else builds.
#[test]
fn unchanged_sources_skip_the_whole_build() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    minimal_site(&root);
    // One warning, to see it again from the record.
    write_files(
        &root,
        &[(
            "content/exchanges/2021-03-01-early.md",
            "+++\ntitle = \"Early\"\ndate = 2021-03-01\nformat = \"phone\"\nofficials = [\"qin-gang\", \"antony-blinken\"]\n+++\nA call.\n",
        )],
    );
    let out = dir.path().join("public");
    let first = build(&root, &out, &[]);
    assert!(
        stderr(&first).contains("held no role"),
        "{}",
        stderr(&first)
    );
    let up_to_date = |o: &std::process::Output| stdout(o).contains("is up to date");

    let again = build(&root, &out, &[]);
    assert!(up_to_date(&again), "{}", stdout(&again));
    assert_eq!(stderr(&again), stderr(&first), "the same warnings again");

    // Another option, a touched output file, a stray file in the output,
    // a deleted output file, a new source file, an edited entry, the
    // output removed (its manifest stays beside it): each builds, and
    // the build after it is up to date again.
    let changes = [
        "--drafts",
        "a page edited by hand",
        "a stray file",
        "a deleted page",
        "a new static file",
        "an edited exchange",
        "the output removed",
    ];
    for what in changes {
        match what {
            "a page edited by hand" => {
                std::fs::write(out.join("index.html"), "hand edit").expect("write")
            }
            "a stray file" => std::fs::write(out.join("stray.html"), "x").expect("write"),
            "a deleted page" => {
                std::fs::remove_file(out.join("officials/index.html")).expect("remove")
            }
            "a new static file" => write_files(&root, &[("static/extra.txt", "extra")]),
            "an edited exchange" => {
                let file = root.join("content/exchanges/2021-03-01-early.md");
                let text = std::fs::read_to_string(&file).expect("read");
                std::fs::write(&file, text.replace("A call.", "A long call.")).expect("write")
            }
            "the output removed" => std::fs::remove_dir_all(&out).expect("remove"),
            _ => {}
        }
        let extra: &[&str] = if what == "--drafts" {
            &["--drafts"]
        } else {
            &[]
        };
        let o = build(&root, &out, extra);
        assert!(!up_to_date(&o), "{what}: {}", stdout(&o));
        let o = build(&root, &out, extra);
        assert!(up_to_date(&o), "{what}, then nothing: {}", stdout(&o));
    }
    assert!(
        !out.join("stray.html").exists(),
        "the stray file was removed"
    );
    assert!(
        out.join("extra.txt").exists(),
        "the new static file was copied"
    );
    let fresh = dir.path().join("fresh");
    build(&root, &fresh, &[]);
    assert_same_tree(&out, &fresh, "and the output is a fresh build's");
}

#[test]
fn timings_name_every_stage() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    minimal_site(&root);
    let out = dir.path().join("public");
    let o = build(&root, &out, &["--timings"]);
    let err = stderr(&o);
    for stage in [
        "read and parse the content",
        "validate",
        "render and write the pages",
        "static files, feeds, sitemap, data files",
        "save the manifest",
        "free the model",
    ] {
        assert!(err.contains(stage), "{stage} in:\n{err}");
    }
    if cfg!(target_os = "linux") {
        // Each stage reports the peak memory so far, which never falls.
        let peaks: Vec<u64> = err
            .lines()
            .filter_map(|l| {
                l.split(" MiB")
                    .next()?
                    .split_whitespace()
                    .last()?
                    .parse()
                    .ok()
            })
            .collect();
        assert!(peaks.len() >= 6, "a peak per stage in:\n{err}");
        assert!(peaks.windows(2).all(|w| w[0] <= w[1]), "{err}");
    }
    let o = build(&root, &out, &[]);
    assert!(stderr(&o).is_empty(), "no timings unless asked");
}
