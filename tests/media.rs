//! Media end to end: images and documents on exchanges and officials,
//! built with the real binary from images made at run time.
//!
//! What is published (renditions never wider than the source, WebP and a
//! fallback, EXIF orientation applied and every EXIF/GPS byte gone,
//! documents under content-hashed names), what pages, feeds and data files
//! say of it, the cache between builds, and rebuilds (`build` and `serve`)
//! that re-render only the pages that show a replaced image.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::images;
use common::{build, detente, minimal_site, snapshot, start_serve, stderr, stdout, write_files};

const EX: &str = "content/exchanges/2023-06-18-blinken-qin-beijing.md";
const PAGE: &str = "exchanges/2023-06-18-blinken-qin-beijing/index.html";

/// The minimal site with a photo (EXIF orientation 6: shown rotated, with
/// a GPS block), a transparent PNG beside the entry, a PDF readout, and a
/// portrait of Blinken.
fn media_site(root: &Path) {
    minimal_site(root);
    let media = root.join("content/media");
    std::fs::create_dir_all(&media).expect("mkdir");
    std::fs::write(
        media.join("summit.jpg"),
        images::jpeg_with_exif(1000, 600, 6),
    )
    .expect("write");
    std::fs::write(media.join("blinken.jpg"), images::jpeg(200, 300)).expect("write");
    std::fs::write(media.join("readout.pdf"), b"%PDF-1.4\n% a readout\n%%EOF\n").expect("write");
    let beside = root.join("content/exchanges/2023-06-18-blinken-qin-beijing");
    std::fs::create_dir_all(&beside).expect("mkdir");
    std::fs::write(
        beside.join("handshake.png"),
        images::transparent_png(300, 200),
    )
    .expect("write");
    let text = std::fs::read_to_string(root.join(EX)).expect("read");
    let text = text.replacen(
        "issues = [\"taiwan\", \"trade\"]\n",
        "issues = [\"taiwan\", \"trade\"]\n\
         [[media]]\nsrc = \"/media/summit.jpg\"\nalt = \"Blinken and Qin shake hands\"\n\
         caption = \"In the Great Hall\"\ncredit = \"State Department\"\n\
         license = \"Public domain\"\nlink = \"https://www.state.gov/\"\n\
         [[media]]\nsrc = \"2023-06-18-blinken-qin-beijing/handshake.png\"\nalt = \"A half-transparent square\"\n\
         [[media]]\nsrc = \"../media/readout.pdf\"\ncaption = \"Readout of the meeting\"\n",
        1,
    );
    std::fs::write(root.join(EX), text).expect("write");
    let official = root.join("content/officials/antony-blinken.md");
    let text = std::fs::read_to_string(&official).expect("read");
    let text = text.replacen(
        "country = \"US\"\n",
        "country = \"US\"\nimage = { src = \"/media/blinken.jpg\", alt = \"Antony Blinken in 2021\", credit = \"State Department\" }\n",
        1,
    );
    std::fs::write(official, text).expect("write");
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The files under `out/media/`, by name.
fn media_files(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(out.join("media"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn named<'a>(names: &'a [String], start: &str, end: &str) -> Vec<&'a String> {
    names
        .iter()
        .filter(|n| n.starts_with(start) && n.ends_with(end))
        .collect()
}

/// The value of `attr="…"` in the first tag of `html` that contains `mark`.
fn tag_with<'a>(html: &'a str, mark: &str) -> &'a str {
    let at = html
        .find(mark)
        .unwrap_or_else(|| panic!("no `{mark}` in the page"));
    let start = html[..at].rfind('<').expect("tag start");
    let end = at + html[at..].find('>').expect("tag end");
    &html[start..=end]
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    Some(&tag[at..at + tag[at..].find('"')?])
}

#[test]
fn images_documents_and_portraits_are_published_and_shown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    media_site(&root);
    let out = dir.path().join("public");
    build(&root, &out, &[]);
    let names = media_files(&out);

    // The photo is shown upright (600 x 1000): one rendition at 480, one at
    // its own width, never wider, and a thumbnail 192 wide; WebP and JPEG
    // each.
    for ext in ["webp", "jpg"] {
        let widths: Vec<&String> = named(&names, "summit-", &format!(".{ext}"));
        assert_eq!(widths.len(), 3, "{names:?}");
        for w in [192, 480, 600] {
            assert!(widths.iter().any(|n| n.ends_with(&format!("-{w}.{ext}"))));
        }
    }
    let big = named(&names, "summit-", "-600.jpg")[0].clone();
    let bytes = std::fs::read(out.join("media").join(&big)).expect("read");
    let img = image::load_from_memory(&bytes).expect("decodes").to_rgb8();
    assert_eq!(img.dimensions(), (600, 1000), "the orientation is applied");
    // Orientation 6 turns the picture a quarter clockwise: the source's
    // bottom-left quadrant (blue) is now at the top left.
    let px = img.get_pixel(100, 100).0;
    let blue = images::QUADRANTS[2];
    assert!(
        px.iter().zip(blue).all(|(a, b)| a.abs_diff(b) < 40),
        "top left is {px:?}"
    );
    // No EXIF, no GPS, in any published image.
    for name in names.iter().filter(|n| !n.ends_with(".pdf")) {
        let bytes = std::fs::read(out.join("media").join(name)).expect("read");
        assert!(!images::has_metadata(&bytes), "{name} carries metadata");
    }
    assert!(
        images::has_metadata(&std::fs::read(root.join("content/media/summit.jpg")).expect("src")),
        "the check can see the source's EXIF"
    );
    // Transparency keeps a PNG fallback; a 300-wide image is not enlarged.
    assert_eq!(
        named(&names, "handshake-", "-300.png").len(),
        1,
        "{names:?}"
    );
    assert_eq!(named(&names, "handshake-", ".webp").len(), 2, "{names:?}");
    // The document, under a content-hashed name.
    let pdf = named(&names, "readout-", ".pdf");
    assert_eq!(pdf.len(), 1, "{names:?}");
    assert_eq!(
        std::fs::read(out.join("media").join(pdf[0])).expect("pdf"),
        b"%PDF-1.4\n% a readout\n%%EOF\n"
    );

    // The exchange page: figures with captions and credit, every image
    // with its size, the first loaded at once and the others lazily.
    let page = read(&out, PAGE);
    assert_eq!(page.matches("<figure class=\"media\">").count(), 2);
    let first = tag_with(&page, &format!("src=\"../../media/{big}\""));
    assert_eq!(attr(first, "width"), Some("600"));
    assert_eq!(attr(first, "height"), Some("1000"));
    assert_eq!(attr(first, "alt"), Some("Blinken and Qin shake hands"));
    assert_eq!(attr(first, "loading"), None, "above the fold");
    let srcset = attr(first, "srcset").expect("srcset");
    assert!(srcset.contains("../../media/summit-") && srcset.contains(" 480w, "));
    assert!(page.contains("<source type=\"image/webp\" srcset=\"../../media/summit-"));
    let second = tag_with(&page, "alt=\"A half-transparent square\"");
    assert_eq!(attr(second, "loading"), Some("lazy"));
    assert_eq!(attr(second, "width"), Some("300"));
    assert_eq!(attr(second, "height"), Some("200"));
    assert!(page.contains("<figcaption>In the Great Hall <span class=\"credit\"><a href=\"https://www.state.gov/\" rel=\"noopener\">State Department</a> · Public domain</span></figcaption>"));
    assert!(page.contains(&format!(
        "<a href=\"../../media/{}\" type=\"application/pdf\">Readout of the meeting</a> <span class=\"muted\">(PDF, 27 bytes)</span>",
        pdf[0]
    )));
    // Social cards and JSON-LD: absolute URLs of the widest JPEG.
    let abs = format!("https://example.org/media/{big}");
    assert!(page.contains(&format!("<meta property=\"og:image\" content=\"{abs}\">")));
    assert!(page.contains("<meta property=\"og:image:width\" content=\"600\">"));
    assert!(page.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"));
    assert!(page.contains(&format!("\"image\":[\"{abs}\"")));
    let other = read(&out, "exchanges/2022-09-23-blinken-qin-call/index.html");
    assert!(other.contains("<meta name=\"twitter:card\" content=\"summary\">"));
    assert!(!other.contains("og:image"));

    // Cards: a small lazy thumbnail with its size.
    let home = read(&out, "index.html");
    let thumb = tag_with(&home, "src=\"./media/summit-");
    assert!(attr(thumb, "src").is_some_and(|s| s.ends_with("-192.jpg")));
    assert_eq!(attr(thumb, "width"), Some("192"));
    assert_eq!(attr(thumb, "height"), Some("320"));
    assert_eq!(attr(thumb, "loading"), Some("lazy"));

    // The official's page shows the portrait, and shares it.
    let official = read(&out, "officials/antony-blinken/index.html");
    let portrait = tag_with(&official, "alt=\"Antony Blinken in 2021\"");
    assert_eq!(attr(portrait, "width"), Some("200"));
    assert_eq!(attr(portrait, "height"), Some("300"));
    assert!(official.contains("og:image\" content=\"https://example.org/media/blinken-"));

    // The feed's enclosure names the widest JPEG with its type and length.
    let feed = read(&out, "feed.xml");
    let len = std::fs::metadata(out.join("media").join(&big))
        .expect("meta")
        .len();
    assert!(
        feed.contains(&format!(
            "<link rel=\"enclosure\" type=\"image/jpeg\" length=\"{len}\" href=\"{abs}\"/>"
        )),
        "{feed}"
    );
    let parsed = atom_syndication::Feed::read_from(feed.as_bytes()).expect("valid Atom");
    assert!(parsed.entries().iter().any(|e| {
        e.links()
            .iter()
            .any(|l| l.rel() == "enclosure" && l.length() == Some(&len.to_string()))
    }));

    // TimelineJS and exchanges.json.
    let timeline: serde_json::Value =
        serde_json::from_str(&read(&out, "timeline.json")).expect("json");
    let slide = timeline["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["unique_id"] == "2023-06-18-blinken-qin-beijing")
        .expect("slide");
    assert_eq!(slide["media"]["url"], abs.as_str());
    assert_eq!(slide["media"]["caption"], "In the Great Hall");
    assert_eq!(slide["media"]["credit"], "State Department");
    let json: serde_json::Value =
        serde_json::from_str(&read(&out, "exchanges.json")).expect("json");
    let media = &json["exchanges"][0]["media"];
    assert_eq!(media.as_array().map(Vec::len), Some(3));
    assert_eq!(media[0]["kind"], "image");
    assert_eq!(media[0]["url"], abs.as_str());
    assert_eq!(media[0]["width"], 600);
    assert_eq!(media[0]["variants"].as_array().map(Vec::len), Some(2));
    assert_eq!(media[1]["type"], "image/png");
    assert_eq!(media[2]["kind"], "document");
    assert_eq!(media[2]["type"], "application/pdf");
    assert_eq!(media[2]["size"], 27);

    // Every link and image of the tree resolves.
    let o = detente(&[
        "check",
        "--root",
        root.to_str().expect("utf-8"),
        "--output",
        out.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// "built 12 pages (3 rendered) …" → (12, 3).
fn counts(o: &std::process::Output) -> (usize, usize) {
    let text = stdout(o);
    let num = |after: &str| -> usize {
        let at = text.find(after).map_or(0, |i| i + after.len());
        text[at..]
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no count after `{after}` in {text}"))
    };
    (num("built "), num("pages ("))
}

fn modified(path: &Path) -> std::time::SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn rebuilds_reuse_the_cache_and_rerender_only_the_pages_that_show_an_image() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    media_site(&root);
    let out = dir.path().join("public");
    build(&root, &out, &[]);
    let cache = dir.path().join(".public.detente-cache");
    let cached: Vec<(String, std::time::SystemTime)> = std::fs::read_dir(&cache)
        .expect("a cache beside the output")
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                modified(&e.path()),
            )
        })
        .collect();
    assert!(cached.len() >= 9, "{cached:?}");
    let names = media_files(&out);
    let times: Vec<_> = names
        .iter()
        .map(|n| modified(&out.join("media").join(n)))
        .collect();

    // Another account: the media are neither made nor copied again.
    let text = std::fs::read_to_string(root.join(EX)).expect("read");
    std::fs::write(
        root.join(EX),
        text.replace("They talked for hours.", "They talked."),
    )
    .expect("write");
    build(&root, &out, &[]);
    let again: Vec<_> = names
        .iter()
        .map(|n| modified(&out.join("media").join(n)))
        .collect();
    assert_eq!(times, again, "media files were rewritten");
    // A new output: copied from the cache, which stays as it was.
    let fresh = dir.path().join("fresh");
    let t = Instant::now();
    build(&root, &fresh, &[]);
    eprintln!("a new output from the cache: {:?}", t.elapsed());
    assert_eq!(snapshot(&fresh.join("media")), snapshot(&out.join("media")));
    for (name, time) in &cached {
        assert_eq!(modified(&cache.join(name)), *time, "{name} was made again");
    }

    // The second image, shown on its exchange's page only.
    let beside = root.join("content/exchanges/2023-06-18-blinken-qin-beijing/handshake.png");
    std::fs::write(&beside, images::transparent_png(320, 200)).expect("write");
    let o = build(&root, &out, &[]);
    let (pages, rendered) = counts(&o);
    assert_eq!(rendered, 1, "{}", stdout(&o));
    let page = read(&out, PAGE);
    assert!(page.contains("-320.png"), "the new image");
    let now = media_files(&out);
    assert!(
        named(&now, "handshake-", "-300.png").is_empty(),
        "the old one is gone: {now:?}"
    );
    assert!(
        named(&now, "handshake-", "-320.png").len() == 1,
        "the new one is there: {now:?}"
    );

    // The first image is also every card's thumbnail: the lists that show
    // the exchange are rendered again, the rest not.
    std::fs::write(
        root.join("content/media/summit.jpg"),
        images::jpeg_with_exif(1000, 640, 6),
    )
    .expect("write");
    let before = snapshot(&out);
    let o = build(&root, &out, &[]);
    let (_, rendered) = counts(&o);
    let after = snapshot(&out);
    let changed: Vec<&String> = after
        .keys()
        .filter(|k| k.ends_with(".html") && before.get(*k) != after.get(*k))
        .collect();
    assert!(changed.contains(&&PAGE.to_string()), "{changed:?}");
    assert!(changed.contains(&&"index.html".to_string()), "{changed:?}");
    assert!(changed.len() <= rendered, "{changed:?} vs {rendered}");
    assert!(rendered < pages - 3, "{rendered} of {pages} pages rendered");
    for untouched in [
        "officials/index.html",
        "issues/index.html",
        "404.html",
        "years/2022/index.html",
    ] {
        assert_eq!(before.get(untouched), after.get(untouched), "{untouched}");
    }
    // The cache holds this build's files only.
    let left = std::fs::read_dir(&cache).expect("cache").count();
    assert!(left <= cached.len() + 1, "the cache grows: {left}");
}

#[test]
fn serve_rerenders_only_the_pages_that_show_a_replaced_image() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    media_site(&root);
    let out = dir.path().join("served");
    let log = dir.path().join("serve.log");
    let (mut child, url) = start_serve(&root, &out, &log);
    let rebuilt = || {
        std::fs::read_to_string(log.with_extension("out"))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.starts_with("rebuilt"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let wait = |what: &str, done: &dyn Fn() -> bool| {
        let start = Instant::now();
        while !done() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    };
    let beside = root.join("content/exchanges/2023-06-18-blinken-qin-beijing/handshake.png");
    std::fs::write(&beside, images::transparent_png(320, 200)).expect("write");
    wait("the page with the new image", &|| {
        std::fs::read_to_string(out.join(PAGE)).is_ok_and(|p| p.contains("-320.png"))
    });
    wait("the rebuild's report", &|| !rebuilt().is_empty());
    let lines = rebuilt();
    assert!(
        lines.iter().all(|l| l.contains(": 1 pages rendered")),
        "{lines:?}"
    );
    // An edit of the account in place keeps the images.
    let text = std::fs::read_to_string(root.join(EX)).expect("read");
    std::fs::write(
        root.join(EX),
        text.replace("They talked for hours.", "They talked all day."),
    )
    .expect("write");
    wait("the edited page", &|| {
        std::fs::read_to_string(out.join(PAGE)).is_ok_and(|p| p.contains("all day"))
    });
    let page = read(&out, PAGE);
    assert!(
        page.contains("-320.png") && page.contains("summit-"),
        "{page}"
    );
    // What serve wrote is what a build writes (data files settle last).
    let full = dir.path().join("full");
    build(&root, &full, &["--base-url", &url]);
    let start = Instant::now();
    while snapshot(&out) != snapshot(&full) && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    common::assert_same_tree(&out, &full, "served vs built");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn image_settings_come_from_site_toml() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    media_site(&root);
    let site = root.join("content/site.toml");
    let text = std::fs::read_to_string(&site).expect("read");
    std::fs::write(
        &site,
        format!("{text}[images]\nwidths = [200]\nquality = 60\n"),
    )
    .expect("write");
    let out = dir.path().join("public");
    build(&root, &out, &[]);
    let names = media_files(&out);
    assert_eq!(named(&names, "summit-", "-200.jpg").len(), 1, "{names:?}");
    assert!(named(&names, "summit-", "-480.jpg").is_empty(), "{names:?}");
    write_files(
        &root,
        &[(
            "content/site.toml",
            &format!("{text}[images]\nquality = 0\n"),
        )],
    );
    let o = detente(&["build", "--root", root.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("`[images] quality` must be from 1 to 100"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_decodes_every_image_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    media_site(&root);
    let o = detente(&["check", "--root", root.to_str().expect("utf-8")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let whole = images::png(64, 64);
    std::fs::write(
        root.join("content/media/blinken.jpg"),
        &whole[..whole.len() / 2],
    )
    .expect("write");
    let o = detente(&["check", "--root", root.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("is damaged or cut short"), "{err}");
    assert!(
        err.contains("content/officials/antony-blinken.md:4:9"),
        "{err}"
    );
    let left: Vec<_> = std::fs::read_dir(&root)
        .expect("read")
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().contains("detente"))
        .collect();
    assert!(left.is_empty(), "check wrote {left:?}");
}

#[test]
fn media_text_is_escaped_everywhere() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    media_site(&root);
    let hostile = "<script>alert(1)</script>\\\"' & </title>";
    let text = std::fs::read_to_string(root.join(EX)).expect("read");
    let text = text
        .replace("Blinken and Qin shake hands", hostile)
        .replace("In the Great Hall", hostile)
        .replace(
            "credit = \"State Department\"",
            &format!("credit = \"{hostile}\""),
        )
        .replace("\"Public domain\"", &format!("\"{hostile}\""));
    std::fs::write(root.join(EX), text).expect("write");
    let out = dir.path().join("public");
    build(&root, &out, &[]);
    for (rel, bytes) in snapshot(&out) {
        if rel.starts_with("media/") {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("<script>alert"), "{rel} carries raw markup");
    }
    let page = read(&out, PAGE);
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "escaped on the page"
    );
}
