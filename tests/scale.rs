//! Work grows linearly with the number of exchanges, and no page lists
//! more than it must: checked with output counters at 200 and 2,000
//! exchanges, not with wall time.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use common::*;

/// A synthetic site like the benchmark corpus (smaller bodies).
fn synthetic(root: &Path, exchanges: usize) {
    let officials = (exchanges / 30).clamp(20, 3300);
    let issues = 40;
    let mut files: Vec<(String, String)> = vec![(
        "content/site.toml".into(),
        "title = \"Scale\"\nbase_url = \"https://example.org/\"\npaginate = 20\n".into(),
    )];
    for o in 0..officials {
        let country = if o % 2 == 0 { "US" } else { "CN" };
        files.push((
            format!("content/officials/o{o:05}.md"),
            format!("+++\nname = \"Official {o}\"\ncountry = \"{country}\"\n[[roles]]\ntitle = \"Minister\"\nfrom = 1970-01-01\n+++\nBio {o}.\n"),
        ));
    }
    for i in 0..issues {
        files.push((
            format!("content/issues/i{i:02}.md"),
            format!("+++\nname = \"Issue {i}\"\n+++\nAbout {i}.\n"),
        ));
    }
    let mut seed: u64 = 42;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    for e in 0..exchanges {
        let (y, m, d) = (1972 + next() % 55, 1 + next() % 12, 1 + next() % 28);
        let us = (next() % (officials / 2)) * 2;
        let cn = (next() % (officials / 2)) * 2 + 1;
        let mut body = String::new();
        for p in 0..6 {
            let _ = writeln!(
                body,
                "Paragraph {p} of exchange {e}: the delegations discussed **matters** of mutual concern at length.\n"
            );
        }
        files.push((
            format!("content/exchanges/{y}-{m:02}-{d:02}-e{e:06}.md"),
            {
                let first = next() % issues;
                let second = (first + 1 + next() % (issues - 1)) % issues;
                format!(
                    "+++\ntitle = \"Exchange {e}\"\ndate = {y}-{m:02}-{d:02}\nformat = \"phone\"\nofficials = [\"o{us:05}\", \"o{cn:05}\"]\nissues = [\"i{first:02}\", \"i{second:02}\"]\n+++\n{body}"
                )
            },
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    write_files(root, &refs);
}

/// (number of files, total bytes, largest page in bytes, mean bytes of
/// the second and later pages of paginated lists).
type Counters = (usize, usize, usize, usize);

/// Builds a synthetic site of `exchanges`; its counters and its files.
/// The who-met-whom grid is left out of "largest": it is bounded by its
/// own limit of officials per side, checked here.
fn measure(exchanges: usize) -> (Counters, BTreeMap<String, Vec<u8>>) {
    let dir = tempfile::tempdir().expect("temp dir");
    synthetic(dir.path(), exchanges);
    let out = dir.path().join("public");
    build(dir.path(), &out, &[]);
    let tree = snapshot(&out);
    let total = tree.values().map(Vec::len).sum();
    let grid = String::from_utf8_lossy(&tree["who-met-whom/index.html"]).into_owned();
    let cells = grid.matches("<td").count();
    assert!(
        cells <= 40 * 40 + 1,
        "{cells} cells in the who-met-whom grid"
    );
    let largest = tree
        .iter()
        .filter(|(k, _)| k.ends_with(".html") && !k.starts_with("who-met-whom/"))
        .map(|(_, v)| v.len())
        .max()
        .unwrap_or(0);
    let later: Vec<usize> = tree
        .iter()
        .filter(|(k, _)| k.contains("/page/") || k.starts_with("page/"))
        .map(|(_, v)| v.len())
        .collect();
    let mean_later = later.iter().sum::<usize>() / later.len().max(1);
    ((tree.len(), total, largest, mean_later), tree)
}

#[test]
fn output_grows_linearly_and_pages_stay_bounded() {
    let ((files_small, bytes_small, largest_small, listed_small), _) = measure(200);
    let ((files_large, bytes_large, largest_large, listed_large), tree) = measure(2000);
    let files_ratio = files_large as f64 / files_small as f64;
    let bytes_ratio = bytes_large as f64 / bytes_small as f64;
    assert!(
        files_ratio <= 11.0,
        "files grew {files_ratio:.1}× for 10× exchanges ({files_small} → {files_large})"
    );
    assert!(
        bytes_ratio <= 11.0,
        "bytes grew {bytes_ratio:.1}× for 10× exchanges ({bytes_small} → {bytes_large})"
    );
    // The later pages of long lists repeat nothing that grows with the
    // site (like a filter form naming every official): they stay about
    // the size of their cards.
    let listed_ratio = listed_large as f64 / listed_small as f64;
    assert!(
        listed_ratio <= 1.5,
        "later list pages grew {listed_ratio:.1}× in size for 10× exchanges ({listed_small} → {listed_large} bytes)"
    );
    // Long lists are paginated: the largest page must not grow with the site.
    assert!(
        (largest_large as f64) <= 3.0 * largest_small as f64,
        "largest page grew from {largest_small} to {largest_large} bytes"
    );

    // What grows with the number of officials is not repeated on every
    // page of a list: the filter form (naming every official) is on the
    // first page of the timeline only, and an issue's page names its 30
    // most frequent officials and counts the rest.
    let page = |path: &str| String::from_utf8_lossy(&tree[path]).into_owned();
    assert!(page("index.html").contains("id=\"filter\""));
    let second = page("page/2/index.html");
    assert!(
        !second.contains("id=\"filter\""),
        "page 2 repeats the filter form"
    );
    assert!(
        second.contains("class=\"filter-link\""),
        "page 2 links to the form"
    );
    let issue = page("issues/i00/index.html");
    let involved = issue
        .split("id=\"involved\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .expect("officials involved");
    assert_eq!(involved.matches("<li>").count(), 30, "{involved}");
    assert!(involved.contains("more officials."), "{involved}");
}
