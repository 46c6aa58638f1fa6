//! The search index on disk: its layout, and that an edit rewrites only the
//! shards whose content it changed (each shard is named by a hash of its
//! bytes and fingerprinted by them), in `build` and in `serve`.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

use common::*;

/// A site of `n` exchanges whose bodies share a small vocabulary.
fn site(root: &Path, n: usize) {
    let mut files: Vec<(String, String)> = vec![(
        "content/site.toml".into(),
        "title = \"Index\"\npaginate = 50\n".into(),
    )];
    for k in 0..12 {
        let country = if k % 2 == 0 { "US" } else { "CN" };
        files.push((
            format!("content/officials/o{k}.md"),
            format!("+++\nname = \"Official {k}\"\ncountry = \"{country}\"\n+++\nBio.\n"),
        ));
    }
    for k in 0..5 {
        files.push((
            format!("content/issues/i{k}.md"),
            format!("+++\nname = \"Issue {k}\"\n+++\nAbout.\n"),
        ));
    }
    let words = [
        "trade", "climate", "talks", "summit", "security", "dialogue", "tariffs", "export",
        "maritime", "envoy", "visit", "treaty", "border", "crisis", "channel", "policy",
    ];
    for i in 0..n {
        let year = 2000 + i % 20;
        let month = 1 + i % 12;
        let day = 1 + i % 28;
        let mut body: Vec<String> = (0..40)
            .map(|k| words[(i * 7 + k * 3) % words.len()].to_string())
            .collect();
        // And a wider vocabulary, so that the terms fill several shards.
        let syllables = [
            "ka", "lo", "mi", "nu", "pe", "ra", "si", "to", "vu", "we", "xa", "yo", "za", "be",
            "co", "di", "fe", "go", "hu", "ji",
        ];
        for k in 0..60 {
            let w = (i * 37 + k * 11) % 400;
            body.push(format!(
                "{}{}{}",
                syllables[w % 20],
                syllables[w / 20],
                syllables[k % 20]
            ));
        }
        files.push((
            format!("content/exchanges/{year}-{month:02}-{day:02}-e{i:04}.md"),
            format!(
                "+++\ntitle = \"Exchange {i} on {}\"\ndate = {year}-{month:02}-{day:02}\nformat = \"virtual\"\nofficials = [\"o{}\", \"o{}\"]\nissues = [\"i{}\"]\nsummary = \"About {} and {}.\"\n+++\n{}.\n",
                words[i % words.len()],
                i % 12,
                (i + 1) % 12,
                i % 5,
                words[(i + 3) % words.len()],
                words[(i + 5) % words.len()],
                body.join(" ")
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    write_files(root, &refs);
}

/// Every file under `search/`: name → (modification time, bytes).
fn search_files(out: &Path) -> BTreeMap<String, (SystemTime, Vec<u8>)> {
    std::fs::read_dir(out.join("search"))
        .expect("search folder")
        .flatten()
        .map(|e| {
            let bytes = std::fs::read(e.path()).expect("read");
            let time = e.metadata().and_then(|m| m.modified()).expect("mtime");
            (e.file_name().to_string_lossy().into_owned(), (time, bytes))
        })
        .collect()
}

/// Files of `after` that are new or whose bytes or time changed.
fn rewritten(
    before: &BTreeMap<String, (SystemTime, Vec<u8>)>,
    after: &BTreeMap<String, (SystemTime, Vec<u8>)>,
) -> Vec<String> {
    after
        .iter()
        .filter(|(name, now)| before.get(*name) != Some(now))
        .map(|(name, _)| name.clone())
        .collect()
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read entry");
    assert!(text.contains(from), "{} has {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write entry");
}

#[test]
fn the_index_has_a_manifest_and_hashed_shards() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    site(&root, 300);
    build(&root, &out, &[]);
    let files = search_files(&out);
    assert!(
        !out.join("search-index.js").exists(),
        "the old index is gone"
    );
    let manifest = String::from_utf8(files["manifest.js"].1.clone()).expect("UTF-8");
    assert!(manifest.starts_with(
        "detenteShard(\"manifest\",{\"v\":2,\"lang\":\"en\",\"stem\":\"en\",\"total\":300,"
    ));
    assert!(
        manifest.len() < 4096,
        "a small manifest: {} bytes",
        manifest.len()
    );
    // 300 exchanges in chunks of cards: c0, c1, …
    let chunks: Vec<&String> = files.keys().filter(|n| n.starts_with('c')).collect();
    assert_eq!(
        chunks.len(),
        300usize.div_ceil(detente::render::search::CARDS_PER_CHUNK),
        "{chunks:?}"
    );
    for (name, (_, bytes)) in &files {
        if name == "manifest.js" {
            continue;
        }
        // Each shard is named by its content and calls back with that name.
        let stem = name.strip_suffix(".js").expect(".js");
        let text = String::from_utf8_lossy(bytes);
        assert!(
            text.starts_with(&format!("detenteShard(\"{stem}\",")),
            "{name}"
        );
        assert!(manifest.contains(&format!("\"{stem}\"")) || name.starts_with('c'));
    }
    // A facet list is delta-encoded ids, a term's postings carry weights.
    assert!(files.keys().any(|n| n.starts_with("officials-")));
    assert!(files.keys().filter(|n| n.starts_with("f-")).count() >= 4);
    let terms = files.keys().filter(|n| n.starts_with("t-")).count();
    assert!(terms >= 3, "{terms} term shards");
    // The same sources give the same bytes.
    let again = dir.path().join("again");
    build(&root, &again, &[]);
    let twice = search_files(&again);
    assert_eq!(
        files.iter().map(|(n, (_, b))| (n, b)).collect::<Vec<_>>(),
        twice.iter().map(|(n, (_, b))| (n, b)).collect::<Vec<_>>()
    );
}

#[test]
fn an_edit_rewrites_only_the_shards_it_changes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = (dir.path().join("site"), dir.path().join("public"));
    site(&root, 300);
    build(&root, &out, &[]);
    let first = search_files(&out);
    let entry = std::fs::read_dir(root.join("content/exchanges"))
        .expect("exchanges")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with("-e0123.md"))
        .expect("exchange 123");

    // A new word in one body: its term's shard and the manifest that names it.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let text = std::fs::read_to_string(&entry).expect("read entry");
    std::fs::write(&entry, format!("{text}\nZygomorphic.\n")).expect("write entry");
    let second_out = build(&root, &out, &[]);
    let second = search_files(&out);
    let changed = rewritten(&first, &second);
    assert_eq!(changed.len(), 2, "{changed:?}\n{}", stdout(&second_out));
    assert!(changed.contains(&"manifest.js".to_string()));
    assert!(changed.iter().any(|n| n.starts_with("t-")));
    let gone = first.keys().filter(|n| !second.contains_key(*n)).count();
    assert_eq!(gone, 1, "the shard's old version is removed");
    let shard = &second[changed.iter().find(|n| n.starts_with("t-")).expect("t-")].1;
    assert!(String::from_utf8_lossy(shard).contains("\"zygomorph\":["));

    // A new title: its card chunk, the shards of the words it changes, the manifest.
    std::thread::sleep(std::time::Duration::from_millis(20));
    edit(
        &entry,
        "title = \"Exchange 123 on",
        "title = \"Exchange 123 about quokkas on",
    );
    build(&root, &out, &[]);
    let third = search_files(&out);
    let changed = rewritten(&second, &third);
    let chunk = changed
        .iter()
        .filter(|n| n.starts_with('c'))
        .collect::<Vec<_>>();
    assert_eq!(chunk.len(), 1, "{changed:?}");
    assert!(String::from_utf8_lossy(&third[chunk[0]].1).contains("about quokkas"));
    let shards = second.len();
    assert!(
        changed.len() <= 5,
        "{} of {shards} files rewritten: {changed:?}",
        changed.len()
    );
}

#[test]
fn serve_rewrites_only_the_shards_an_edit_changes() {
    use detente::serve::incremental::Session;
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, out) = (dir.path().join("site"), dir.path().join("served"));
    site(&root, 300);
    std::fs::create_dir_all(&out).expect("output folder");
    let mut session = Session::open(&root, &out, false, "http://127.0.0.1:1111/");
    session
        .rebuild(&Default::default(), || true)
        .expect("first build");
    let first = search_files(&out);
    let entry = std::fs::read_dir(root.join("content/exchanges"))
        .expect("exchanges")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with("-e0042.md"))
        .expect("exchange 42");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let text = std::fs::read_to_string(&entry).expect("read entry");
    std::fs::write(&entry, format!("{text}\nPangolins.\n")).expect("write entry");
    let changed = session.note_changes(&[entry.clone()].into_iter().collect());
    let rebuilt = session.rebuild(&changed, || true).expect("rebuild");
    assert!(rebuilt.in_place, "a body edit is applied in place");
    let second = search_files(&out);
    let changed = rewritten(&first, &second);
    assert_eq!(changed.len(), 2, "{changed:?}");
    assert!(changed.contains(&"manifest.js".to_string()));
    assert_eq!(
        first.keys().filter(|n| !second.contains_key(*n)).count(),
        1,
        "the term shard's old version is removed"
    );
    let shard = &second[changed.iter().find(|n| n.starts_with("t-")).expect("t-")].1;
    assert!(String::from_utf8_lossy(shard).contains("\"pangolin\":["));
}
