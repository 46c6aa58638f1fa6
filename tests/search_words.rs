//! The browser's words (static/search-words.js, run with node) are the
//! index's words (src/render/search/words.rs): the same terms for the same
//! text, stems included, on a word list made of the shipped site's text,
//! the README, English words with every suffix the stemmer knows, and text
//! with accents, apostrophes, digits and Chinese, Japanese and Korean.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use detente::render::search::words::{Stemming, Words};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn node() -> Option<&'static str> {
    let ok = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some("node")
}

/// Every Markdown file under `dir`, read.
fn texts(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            texts(&p, out);
        } else if p.extension().is_some_and(|e| e == "md") {
            out.push(std::fs::read_to_string(&p).unwrap_or_default());
        }
    }
}

/// The lines both sides read: one text per line.
fn lines() -> Vec<String> {
    let mut docs = Vec::new();
    texts(&repo().join("content"), &mut docs);
    docs.push(std::fs::read_to_string(repo().join("README.md")).unwrap_or_default());
    let mut lines: Vec<String> = Vec::new();
    let mut words: Vec<String> = Vec::new();
    for d in &docs {
        for l in d.lines().filter(|l| !l.trim().is_empty()) {
            lines.push(l.to_string());
            words.extend(
                l.split(|c: char| !c.is_alphanumeric() && c != '\'')
                    .filter(|w| !w.is_empty())
                    .map(str::to_lowercase),
            );
        }
    }
    words.sort();
    words.dedup();
    let roots = [
        "consign",
        "generous",
        "commun",
        "arsen",
        "happy",
        "hop",
        "hope",
        "cry",
        "tie",
        "sky",
        "luxuri",
        "fil",
        "fizz",
        "agree",
        "plaster",
        "bled",
        "conflat",
        "troubl",
        "siz",
        "tann",
        "fall",
        "hiss",
        "fail",
        "cr",
        "bi",
        "gas",
        "ga",
        "yell",
        "say",
        "toy",
        "ey",
        "oy",
        "relat",
        "condition",
        "ration",
        "valen",
        "hesit",
        "digit",
        "conform",
        "radic",
        "differ",
        "vietnam",
        "predic",
        "tradition",
        "sensitiv",
        "hopeful",
        "good",
        "formal",
        "electric",
        "analog",
        "geolog",
        "vile",
        "anal",
        "ador",
        "irrit",
        "replac",
        "communi",
        "gener",
        "arsenal",
        "xyz",
        "qu",
        "bey",
        "ayy",
        "yay",
        "y",
        "e",
        "a",
        "o",
    ];
    let suffixes = [
        "", "s", "es", "ies", "ied", "sses", "ss", "us", "'", "'s", "'s'", "ed", "eed", "ing",
        "edly", "eedly", "ingly", "ly", "ness", "ational", "tional", "enci", "anci", "abli",
        "entli", "izer", "ization", "ation", "ator", "alism", "aliti", "alli", "fulness", "ousli",
        "ousness", "iveness", "iviti", "biliti", "bli", "ogi", "fulli", "lessli", "li", "alize",
        "icate", "iciti", "ical", "ful", "ative", "al", "ance", "ence", "er", "ic", "able", "ible",
        "ant", "ement", "ment", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion", "sion",
        "tion", "e", "l", "ll", "y", "yy", "at", "bl", "iz", "bb", "dd", "ff", "gg", "mm", "nn",
        "pp", "rr", "tt",
    ];
    for r in roots {
        for s in suffixes {
            words.push(format!("{r}{s}"));
        }
    }
    words.extend(
        [
            "skis",
            "skies",
            "dying",
            "lying",
            "tying",
            "idly",
            "gently",
            "ugly",
            "early",
            "only",
            "singly",
            "sky",
            "news",
            "howe",
            "atlas",
            "cosmos",
            "bias",
            "andes",
            "inning",
            "innings",
            "outing",
            "outings",
            "canning",
            "cannings",
            "herring",
            "earring",
            "proceed",
            "proceeds",
            "exceed",
            "succeeded",
            "'tis",
            "''quoted",
            "yesterday's",
            "youth",
            "yoyo",
            "sayyid",
            "abeyance",
            "syzygy",
        ]
        .map(String::from),
    );
    lines.extend(words);
    lines.extend(
        [
            "Négotiations in Zürich, CHINA’s trade-offs; 2023 G20 ½ Ⅻ",
            "中美关系 王毅 与 布林肯 会谈。美方表示",
            "日本語のテキスト と カタカナ、한국어 문장",
            "İstanbul ΣΊΣΥΦΟΣ straße œuvre ﬁnance Ǆemal",
            "𠀀𠀁 ext-b and \u{fa0e}\u{f900} compatibility",
            "don't can't rock'n'roll ''x'' a'b",
            &"z".repeat(41),
            &"z".repeat(40),
        ]
        .map(String::from),
    );
    lines
}

#[test]
fn the_browser_and_the_index_make_the_same_terms() {
    let Some(node) = node() else {
        eprintln!("note: node is not installed: the browser's words are not compared");
        return;
    };
    let lines = lines();
    let script = repo().join("static/search-words.js");
    let program = format!(
        "const w = require({:?});\n\
         const lines = require('fs').readFileSync(0, 'utf8').split('\\n');\n\
         lines.pop();\n\
         process.stdout.write(lines.map((l) => w.terms(l, true).join(' ') + '|' + w.terms(l, false).join(' ')).join('\\n') + '\\n');\n",
        script.display().to_string()
    );
    let mut child = Command::new(node)
        .arg("-e")
        .arg(program)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        for l in &lines {
            writeln!(stdin, "{}", l.replace('\n', " ")).expect("write to node");
        }
    }
    let out = child.wait_with_output().expect("node finishes");
    assert!(out.status.success(), "node failed");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let js: Vec<&str> = text.lines().collect();
    assert_eq!(js.len(), lines.len(), "one answer per line");
    let mut english = Words::new(Stemming::English);
    let mut plain = Words::new(Stemming::None);
    let mut differ = Vec::new();
    for (line, js) in lines.iter().zip(js) {
        let rust = format!(
            "{}|{}",
            english.collect(line).join(" "),
            plain.collect(line).join(" ")
        );
        if rust != js {
            differ.push(format!("{line:?}\n  rust: {rust}\n  js:   {js}"));
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {} lines differ:\n{}",
        differ.len(),
        lines.len(),
        differ[..differ.len().min(20)].join("\n")
    );
    assert!(lines.len() > 5000, "a long list: {}", lines.len());
}
