//! Safety of the published pages: no front-matter string can inject markup
//! anywhere in the output, raw HTML in bodies is escaped unless the site
//! allows it, and script-capable URLs never reach an `href` or `src`.

use std::path::Path;
use std::process::{Command, Output};

/// A string that breaks out of any HTML, attribute, script or JSON context
/// it is pasted into unescaped.
const PAYLOAD: &str = r#"</script><img src=x onerror=alert(1)>"'&"#;

/// The parts of the payload that must never appear in any output file.
const MUST_NOT_APPEAR: &[&str] = &["<img src=x", "</script><img", "onerror=alert(1)>"];

fn detente(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_detente"))
        .arg("build")
        .arg("--root")
        .arg(root)
        .args(args)
        .env("RAYON_NUM_THREADS", "2")
        .output()
        .expect("run detente")
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A TOML basic string holding `s`.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A site with the payload in every front-matter string and in site.toml.
fn hostile_site(root: &Path, unsafe_html: bool, body: &str) {
    let p = q(PAYLOAD);
    write(
        root,
        "content/site.toml",
        &format!(
            "title = {p}\ndescription = {p}\nbase_url = \"https://example.org/a\\\"b/\"\n\
             formats = [\"in-person\", {p}]\n\n[markdown]\nunsafe_html = {unsafe_html}\n\n\
             [countries.US]\nname = {p}\nshort = {p}\n\n[countries.CN]\nname = {p}\n"
        ),
    );
    write(
        root,
        "content/officials/first-official.md",
        &format!(
            "+++\nname = {p}\ncountry = \"US\"\n\n[[roles]]\ntitle = {p}\nfrom = 2020-01-01\n+++\n{body}\n"
        ),
    );
    write(
        root,
        "content/officials/second-official.md",
        &format!("+++\nname = {p}\ncountry = \"CN\"\n+++\n"),
    );
    write(
        root,
        "content/issues/hostile.md",
        &format!("+++\nname = {p}\n+++\n{body}\n"),
    );
    for (slug, format) in [
        ("2023-06-18-hostile", "in-person".to_string()),
        ("2023-06-19-hostile-format", PAYLOAD.to_string()),
    ] {
        write(
            root,
            &format!("content/exchanges/{slug}.md"),
            &format!(
                "+++\ntitle = {p}\ndate = 2023-06-18\nend_date = 2023-06-20\nformat = {f}\nlocation = {p}\n\
                 summary = {p}\nofficials = [\"first-official\", \"second-official\"]\nissues = [\"hostile\"]\n\n\
                 [[sources]]\ntitle = {p}\nurl = \"https://example.org/?q=\\\"><img src=x onerror=alert(1)>\"\n+++\n{body}\n",
                f = q(&format)
            ),
        );
    }
    // An exchange with no summary: the summary comes from the body.
    write(
        root,
        "content/exchanges/2023-06-21-summary-from-body.md",
        &format!(
            "+++\ntitle = \"Plain\"\ndate = 2023-06-21\nformat = \"in-person\"\nofficials = [\"first-official\"]\n+++\n{}\n",
            // Backslashes make Markdown keep `<` and `>` as text.
            PAYLOAD.replace('<', "\\<").replace('>', "\\>")
        ),
    );
}

/// A Markdown body full of raw HTML and script URLs.
const BODY: &str = "Intro <b>bold</b> <script>alert(1)</script>\n\n\
<div onclick=\"alert(1)\">block</div>\n\n\
[js](javascript:alert(1)) [JS](  JaVaScRiPt:alert(1)) [vb](vbscript:msgbox(1)) \
[data](data:text/html;base64,PHNjcmlwdD4=) [ok](https://example.org/ok)\n\n\
[ref][r] <javascript:alert(2)> ![img](javascript:alert(3)) ![dot](data:image/png;base64,iVBORw0KGgo=)\n\n\
[r]: javascript:alert(4)\n";

/// Every file of the output tree with its text.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read").flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("read");
                let rel = path.strip_prefix(dir).expect("under").display().to_string();
                out.push((rel, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
    out.sort();
    out
}

/// Every URL in an `href`, `src`, `action` or similar attribute.
fn urls(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lower = text.to_ascii_lowercase();
    for attr in [
        "href=",
        "src=",
        "action=",
        "formaction=",
        "poster=",
        "srcset=",
    ] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(attr) {
            let start = from + i + attr.len();
            from = start;
            let rest = &text[start..];
            let value = match rest.chars().next() {
                Some(c @ ('"' | '\'')) => rest[1..].split(c).next().unwrap_or(""),
                _ => rest
                    .split(|c: char| c.is_whitespace() || c == '>')
                    .next()
                    .unwrap_or(""),
            };
            out.push(value.to_string());
        }
    }
    out
}

fn dangerous(url: &str) -> bool {
    let squeezed: String = url
        .replace("&#x", "")
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    squeezed.starts_with("javascript:")
        || squeezed.starts_with("vbscript:")
        || (squeezed.starts_with("data:") && !squeezed.starts_with("data:image/"))
}

#[test]
fn front_matter_strings_are_escaped_in_every_output_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    hostile_site(dir.path(), false, BODY);
    let o = detente(dir.path(), &[]);
    assert!(
        o.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = files(&dir.path().join("public"));
    assert!(out.len() > 8, "{out:?}");
    let mut escaped_seen = 0;
    for (rel, text) in &out {
        // CSV and iCalendar are data no browser reads as markup: there the
        // payload must stay verbatim (tests/hosting.rs parses them back).
        if rel.ends_with(".csv") || rel.ends_with(".ics") {
            assert!(text.contains("</script><img src=x"), "{rel} keeps the data");
            continue;
        }
        for bad in MUST_NOT_APPEAR {
            assert!(
                !text.contains(bad),
                "{rel} holds `{bad}` unescaped:\n{}",
                around(text, bad)
            );
        }
        if text.contains("&lt;&#x2F;script&gt;&lt;img") || text.contains("&lt;/script&gt;&lt;img") {
            escaped_seen += 1;
        }
        for url in urls(text) {
            assert!(!dangerous(&url), "{rel} links to `{url}`");
        }
    }
    // The payload did reach the pages, escaped (so this test tests something).
    assert!(
        escaped_seen >= 5,
        "escaped payload found in {escaped_seen} files"
    );
    let page = &out
        .iter()
        .find(|(rel, _)| rel.ends_with("2023-06-18-hostile/index.html"))
        .expect("exchange page")
        .1;
    // Raw HTML in the body is shown as text, not markup.
    assert!(page.contains("&lt;b&gt;bold&lt;/b&gt;"), "{page}");
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(!page.contains("<div onclick"), "{page}");
    // Safe links survive; dropped ones keep their text.
    assert!(page.contains(r#"href="https://example.org/ok""#), "{page}");
    assert!(page.contains(">js<") || page.contains("js "), "{page}");
    assert!(
        page.contains("data:image/png"),
        "an image data: URL is kept"
    );
}

fn around<'a>(text: &'a str, needle: &str) -> &'a str {
    let i = text.find(needle).unwrap_or(0);
    let start = text[..i]
        .char_indices()
        .rev()
        .nth(200)
        .map_or(0, |(j, _)| j);
    let end = (i + needle.len() + 200).min(text.len());
    let end = (end..=text.len())
        .find(|&e| text.is_char_boundary(e))
        .unwrap_or(text.len());
    &text[start..end]
}

#[test]
fn unsafe_html_passes_raw_html_but_still_drops_script_urls() {
    let dir = tempfile::tempdir().expect("temp dir");
    hostile_site(dir.path(), true, BODY);
    let o = detente(dir.path(), &[]);
    assert!(
        o.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let page = std::fs::read_to_string(
        dir.path()
            .join("public/exchanges/2023-06-18-hostile/index.html"),
    )
    .expect("exchange page");
    assert!(page.contains("<b>bold</b>"), "raw HTML allowed:\n{page}");
    assert!(
        page.contains(r#"<div onclick="alert(1)">block</div>"#),
        "{page}"
    );
    for url in urls(&page) {
        // Markdown links and images are filtered whatever the setting; a
        // site that allows raw HTML takes responsibility for its tags.
        if !page.contains(&format!("onclick=\"{url}")) {
            assert!(!dangerous(&url), "links to `{url}`");
        }
    }
    assert!(page.contains(r#"href="https://example.org/ok""#), "{page}");
    // Front matter stays escaped: the setting is about bodies only.
    for bad in MUST_NOT_APPEAR {
        assert!(
            !page.contains(bad),
            "`{bad}` unescaped:\n{}",
            around(&page, bad)
        );
    }
}

#[test]
fn script_urls_in_sources_are_refused() {
    for url in [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "java\tscript:alert(1)",
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        hostile_site(dir.path(), false, "Body.");
        let ex = "content/exchanges/2023-06-18-hostile.md";
        let text = std::fs::read_to_string(dir.path().join(ex)).expect("read");
        let start = text.find("url = ").expect("a source url");
        let end = start + text[start..].find('\n').expect("line end");
        let text = format!("{}url = {}{}", &text[..start], q(url), &text[end..]);
        write(dir.path(), ex, &text);
        let o = detente(dir.path(), &[]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{url:?} accepted:\n{err}");
        assert!(err.contains("is not an http(s) address"), "{url:?}: {err}");
        assert!(err.contains(&format!("{ex}:")), "{url:?}: {err}");
        assert!(err.contains("help:"), "{err}");
        assert!(!dir.path().join("public").exists(), "nothing written");
    }
}
