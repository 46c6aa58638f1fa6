//! One test per validation rule: the build fails with exit code 1, names
//! the file and line:column, gives a hint, and leaves the old output alone.

mod common;

use common::*;

/// Builds a valid site once, breaks it with `files`, rebuilds, and checks
/// the failure. Returns stderr.
fn broken(files: &[(&str, &str)], expect: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    minimal_site(dir.path());
    let out = dir.path().join("public");
    build(dir.path(), &out, &[]);
    let before = snapshot(&out);
    write_files(dir.path(), files);
    let o = detente(&[
        "build",
        "--root",
        dir.path().to_str().expect("utf-8"),
        "--output",
        out.to_str().expect("utf-8"),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "exit code; stderr:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    for e in expect {
        assert!(err.contains(e), "expected `{e}` in:\n{err}");
    }
    assert!(err.contains("help:"), "a hint on what to do:\n{err}");
    assert_eq!(snapshot(&out), before, "the previous output is unchanged");
    err
}

const EX: &str = "content/exchanges/2023-06-18-blinken-qin-beijing.md";

fn exchange(front: &str) -> String {
    format!("+++\n{front}\n+++\nBody.\n")
}

#[test]
fn unknown_official_suggests_the_closest() {
    broken(
        &[(
            EX,
            &exchange(
                "title = \"t\"\ndate = 2023-06-18\nformat = \"in-person\"\nofficials = [\"antony-blinkn\"]",
            ),
        )],
        &[
            "unknown official `antony-blinkn`",
            "2023-06-18-blinken-qin-beijing.md:5:14",
            "did you mean `antony-blinken`?",
        ],
    );
}

#[test]
fn unknown_issue_suggests_the_closest() {
    broken(
        &[(
            EX,
            &exchange(
                "title = \"t\"\ndate = 2023-06-18\nformat = \"in-person\"\nofficials = [\"qin-gang\"]\nissues = [\"taiwn\"]",
            ),
        )],
        &[
            "unknown issue `taiwn`",
            ".md:6:11",
            "did you mean `taiwan`?",
        ],
    );
}

#[test]
fn missing_required_field() {
    broken(
        &[(
            EX,
            &exchange("date = 2023-06-18\nformat = \"in-person\"\nofficials = [\"qin-gang\"]"),
        )],
        &["missing field `title`", EX],
    );
}

#[test]
fn wrong_type() {
    broken(
        &[(
            EX,
            &exchange(
                "title = 5\ndate = 2023-06-18\nformat = \"in-person\"\nofficials = [\"qin-gang\"]",
            ),
        )],
        &["invalid type: integer `5`, expected a string", ".md:2:9"],
    );
}

#[test]
fn impossible_date() {
    broken(
        &[(
            EX,
            &exchange(
                "title = \"t\"\ndate = 2023-02-30\nformat = \"in-person\"\nofficials = [\"qin-gang\"]",
            ),
        )],
        &["invalid date", ".md:3:8"],
    );
}

#[test]
fn quoted_date_explains_the_format() {
    broken(
        &[(
            EX,
            &exchange(
                "title = \"t\"\ndate = \"2023-06-18\"\nformat = \"in-person\"\nofficials = [\"qin-gang\"]",
            ),
        )],
        &["bare TOML dates", ".md:3:8"],
    );
}

#[test]
fn end_date_before_date() {
    broken(
        &[(
            EX,
            &exchange(
                "title = \"t\"\ndate = 2023-06-18\nend_date = 2023-06-17\nformat = \"in-person\"\nofficials = [\"qin-gang\"]",
            ),
        )],
        &[
            "`end_date` (2023-06-17) is before `date` (2023-06-18)",
            ".md:4:12",
        ],
    );
}

#[test]
fn unknown_format() {
    broken(
        &[(
            EX,
            &exchange(
                "title = \"t\"\ndate = 2023-06-18\nformat = \"inperson\"\nofficials = [\"qin-gang\"]",
            ),
        )],
        &[
            "unknown format `inperson`",
            ".md:4:10",
            "did you mean `in-person`?",
        ],
    );
}

#[test]
fn no_officials() {
    broken(
        &[(
            EX,
            &exchange("title = \"t\"\ndate = 2023-06-18\nformat = \"in-person\"\nofficials = []"),
        )],
        &["`officials` is empty", ".md:5:13"],
    );
}

#[test]
fn unknown_field_suggests_the_key() {
    broken(
        &[(
            EX,
            &exchange(
                "title = \"t\"\ndate = 2023-06-18\nformat = \"in-person\"\nofficials = [\"qin-gang\"]\nsumary = \"x\"",
            ),
        )],
        &[
            "unknown field `sumary`",
            ".md:6:1",
            "did you mean `summary`?",
        ],
    );
}

#[test]
fn duplicate_slug_differing_in_case() {
    broken(
        &[(
            "content/issues/Taiwan.md",
            "+++\nname = \"Taiwan again\"\n+++\n",
        )],
        &["slug `taiwan` is used twice", "content/issues/"],
    );
}

#[test]
fn unknown_country() {
    broken(
        &[(
            "content/officials/qin-gang.md",
            "+++\nname = \"Qin Gang\"\ncountry = \"PRC\"\n+++\n",
        )],
        &["unknown country `PRC`", "qin-gang.md:3:11"],
    );
}

#[test]
fn overlapping_roles() {
    broken(
        &[(
            "content/officials/antony-blinken.md",
            "+++\nname = \"Antony Blinken\"\ncountry = \"US\"\n[[roles]]\ntitle = \"A\"\nfrom = 2021-01-01\nto = 2022-01-01\n[[roles]]\ntitle = \"B\"\nfrom = 2021-06-01\n+++\n",
        )],
        &[
            "the roles `A` (from 2021-01-01) and `B` (from 2021-06-01) overlap",
            "antony-blinken.md:",
        ],
    );
}

#[test]
fn inverted_role_dates() {
    broken(
        &[(
            "content/officials/antony-blinken.md",
            "+++\nname = \"Antony Blinken\"\ncountry = \"US\"\n[[roles]]\ntitle = \"A\"\nfrom = 2024-01-01\nto = 2021-01-01\n+++\n",
        )],
        &["ends (2021-01-01) before it starts (2024-01-01)"],
    );
}

#[test]
fn invalid_slug() {
    broken(
        &[("content/issues/bad slug.md", "+++\nname = \"Bad\"\n+++\n")],
        &["`bad slug` cannot be used as an issue slug"],
    );
}

#[test]
fn all_problems_are_reported_together() {
    let err = broken(
        &[
            (
                EX,
                &exchange(
                    "title = \"t\"\ndate = 2023-06-18\nformat = \"inperson\"\nofficials = [\"nobody\"]",
                ),
            ),
            (
                "content/officials/qin-gang.md",
                "+++\nname = \"Qin Gang\"\ncountry = \"XX\"\n+++\n",
            ),
        ],
        &[
            "unknown format",
            "unknown official `nobody`",
            "unknown country `XX`",
        ],
    );
    assert!(err.contains("errors; nothing was written"), "{err}");
}

#[test]
fn role_outside_the_exchange_date_is_a_warning_naming_both() {
    let dir = tempfile::tempdir().expect("temp dir");
    minimal_site(dir.path());
    // Qin Gang held no role before July 2021.
    write_files(
        dir.path(),
        &[(
            "content/exchanges/2021-03-01-early.md",
            &exchange(
                "title = \"Early\"\ndate = 2021-03-01\nformat = \"phone\"\nofficials = [\"antony-blinken\", \"qin-gang\"]",
            ),
        )],
    );
    let o = detente(&[
        "build",
        "--root",
        dir.path().to_str().expect("utf-8"),
        "--output",
        dir.path().join("out").to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("warning: Qin Gang (qin-gang) held no role on 2021-03-01, the date of `2021-03-01-early`"), "{err}");
}

#[test]
fn check_reports_the_same_errors_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    minimal_site(dir.path());
    let ok = detente(&["check", "--root", dir.path().to_str().expect("utf-8")]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).starts_with("ok:"));
    write_files(
        dir.path(),
        &[(
            EX,
            &exchange(
                "title = \"t\"\ndate = 2023-06-18\nformat = \"x\"\nofficials = [\"qin-gang\"]",
            ),
        )],
    );
    let o = detente(&["check", "--root", dir.path().to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("unknown format `x`"));
    assert!(!dir.path().join("public").exists());
}

#[test]
fn usage_errors_exit_2() {
    let o = detente(&["build", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2));
    let o = detente(&["new", "Title", "--date", "2023-02-30"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn new_writes_a_valid_draft_and_init_a_working_site() {
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    let o = detente(&["init", site.to_str().expect("utf-8")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let root = site.to_str().expect("utf-8");
    let o = detente(&[
        "new",
        "Doe and Li talk again",
        "--date",
        "2024-01-05",
        "--officials",
        "jane-doe,li-hua",
        "--issues",
        "trade",
        "--format",
        "phone",
        "--root",
        root,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        site.join("content/exchanges/2024-01-05-doe-and-li-talk-again.md")
            .exists()
    );
    let o = detente(&[
        "new",
        "Bad",
        "--date",
        "2024-01-05",
        "--officials",
        "jane-do",
        "--root",
        root,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("did you mean `jane-doe`?"),
        "{}",
        stderr(&o)
    );
    let out = site.join("public");
    build(&site, &out, &["--drafts"]);
    assert!(
        out.join("exchanges/2024-01-05-doe-and-li-talk-again/index.html")
            .exists()
    );
    assert!(out.join("officials/jane-doe/index.html").exists());
}
