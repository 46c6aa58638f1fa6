//! The search index: a small manifest and content-hashed shards, written
//! once per build (and per language) for `static/timeline.js`.
//!
//! Owns the index's layout (documented in the README, "Exploring the
//! timeline"): what each shard holds, how lists are encoded, how shards
//! are cut and named. Every shard is a script calling
//! `window.detenteShard(name, data)`, loaded by a `<script>` element, so
//! the filters work from `file://` too, where a page may not fetch files.
//! Exchanges are numbered oldest first (id 0 is the oldest), so that a new
//! exchange, usually the newest, leaves the other ids, and so most shards,
//! as they were. It returns bytes; `leaves` lists them and `pipeline`
//! writes them.
//!
//! [`write_index`] is the hook for other languages: it takes the language
//! tag (which picks the stemmer), the folder to write to and each
//! exchange's text, so a translated edition calls it once more with its
//! own texts and folder (`zh/search/`).

pub mod words;

use std::fmt::Write as _;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::values::UrlStyle;
use crate::assets::fnv1a64;
use crate::model::Site;
use words::{Piece, Stemming, Words};

/// The folder of the site's own index.
pub const DIR: &str = "search/";
/// The manifest's name in its folder: fixed, so pages can find it.
pub const MANIFEST: &str = "manifest.js";
/// The function every shard calls.
pub const CALLBACK: &str = "detenteShard";
/// Exchanges per card chunk.
pub const CARDS_PER_CHUNK: usize = 32;
/// A shard of lists or terms grows to about this many bytes (a list or
/// term longer than that has a shard of its own).
pub const SHARD_BYTES: usize = 32 * 1024;
/// The manifest's format.
const VERSION: u32 = 2;

/// Field weights of a term in an exchange: the best field counts.
const TITLE: u8 = 3;
const SUMMARY: u8 = 2;
const BODY: u8 = 1;

/// One exchange's text, as the index reads it.
#[derive(Debug, Clone, Copy)]
pub struct Text<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    /// Markdown; only its text is indexed.
    pub body: &'a str,
}

/// The files of one index: the manifest first, then the shards.
#[derive(Debug, Default)]
pub struct Index {
    pub files: Vec<(String, Vec<u8>)>,
}

/// The site's own index, in [`DIR`], in the site's language.
pub fn site_index(site: &Site, style: UrlStyle) -> Index {
    write_index(site, style, &site.config.language, DIR, |i| {
        let e = &site.exchanges[i];
        Text {
            title: &e.title,
            summary: &e.summary,
            body: &e.body,
        }
    })
}

/// Writes an index of `site`'s exchanges in `language` (a tag: `en`
/// stems English words) into folder `dir` (relative to the output root,
/// ending in `/`), with the text `text(i)` for the `i`th exchange of
/// `site.exchanges`. Facets, cards and URLs come from the site.
pub fn write_index<'a>(
    site: &'a Site,
    style: UrlStyle,
    language: &str,
    dir: &str,
    text: impl Fn(usize) -> Text<'a> + Sync,
) -> Index {
    let n = site.exchanges.len();
    // id 0 is the oldest exchange; `site.exchanges` is newest first.
    let index_of = |id: usize| n - 1 - id;
    let stemming = Stemming::for_language(language);
    let mut files = Files {
        dir,
        files: Vec::new(),
    };
    let mut shard = |prefix: &str, data: String| files.shard(prefix, data);

    // Facets: each value's ids.
    let mut facets: Vec<(&str, Lists)> = Vec::new();
    let mut by = |name: &'static str, key: &dyn Fn(usize) -> Vec<String>| {
        let mut lists: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for id in 0..n {
            for k in key(index_of(id)) {
                lists.entry(k).or_default().push(id);
            }
        }
        let mut lists: Vec<(String, Vec<usize>)> = lists.into_iter().collect();
        lists.sort_by(|a, b| utf16_cmp(&a.0, &b.0));
        facets.push((name, lists));
    };
    by("official", &|i| {
        site.exchanges[i]
            .officials()
            .map(|o| site.officials[o].slug.clone())
            .collect()
    });
    by("issue", &|i| {
        site.exchanges[i]
            .issue_ids()
            .map(|o| site.issues[o].slug.clone())
            .collect()
    });
    by("format", &|i| vec![site.exchanges[i].format.clone()]);
    by("country", &|i| {
        let mut keys: Vec<String> = site.exchanges[i]
            .officials()
            .map(|o| site.officials[o].country.clone())
            .collect();
        keys.sort();
        keys.dedup();
        keys
    });
    by("held", &|i| held(site, i).into_iter().collect());
    by("city", &|i| city(site, i).into_iter().collect());

    let mut facet_map = String::from("{");
    let mut counts: FxHashMap<&str, Vec<(String, usize)>> = FxHashMap::default();
    for (k, (name, lists)) in facets.iter().enumerate() {
        counts.insert(
            name,
            lists
                .iter()
                .map(|(key, ids)| (key.clone(), ids.len()))
                .collect(),
        );
        let entries: Vec<(String, String)> = lists
            .iter()
            .map(|(key, ids)| {
                let mut list = String::with_capacity(ids.len() * 4);
                deltas(&mut list, ids.iter().map(|&id| (id, 0)));
                (key.clone(), list)
            })
            .collect();
        if k > 0 {
            facet_map.push(',');
        }
        json_str(&mut facet_map, name);
        facet_map.push(':');
        map_of(&mut facet_map, &mut shard, "f", &entries);
    }
    facet_map.push('}');

    // Free text: each term's postings, weighted by field.
    let postings = postings(n, stemming, &|id| text(index_of(id)));
    let entries: Vec<(String, String)> = postings
        .into_par_iter()
        .map(|(term, list)| {
            let mut out = String::with_capacity(list.len() * 3);
            deltas(&mut out, list.iter().map(|&p| ((p >> 2) as usize, p & 3)));
            (term, out)
        })
        .collect();
    let mut text_map = String::new();
    map_of(&mut text_map, &mut shard, "t", &entries);

    // Cards, in chunks of ids.
    let suffix = match style {
        UrlStyle::Pretty => "/",
        UrlStyle::Files => "/index.html",
    };
    let chunks: Vec<String> = (0..n.div_ceil(CARDS_PER_CHUNK))
        .into_par_iter()
        .map(|c| {
            let ids = c * CARDS_PER_CHUNK..((c + 1) * CARDS_PER_CHUNK).min(n);
            let mut out = String::from("[");
            for id in ids {
                if out.len() > 1 {
                    out.push(',');
                }
                card(&mut out, site, index_of(id), &text(index_of(id)));
            }
            out.push(']');
            out
        })
        .collect();
    let mut card_hashes = String::new();
    let mut card_files = Vec::with_capacity(chunks.len());
    for (c, data) in chunks.into_iter().enumerate() {
        let h = base36(fnv1a64(data.as_bytes()));
        let name = format!("c{c}-{h}");
        card_files.push((format!("{dir}{name}.js"), script(&name, &data)));
        card_hashes.push_str(&h);
    }

    // The officials for the pickers: slug, name, country key, count.
    let mut officials = String::from("[");
    for (i, o) in site.officials.iter().enumerate() {
        if i > 0 {
            officials.push(',');
        }
        officials.push('[');
        for (k, v) in [&o.slug, &o.name, &o.country].into_iter().enumerate() {
            if k > 0 {
                officials.push(',');
            }
            json_str(&mut officials, v);
        }
        let _ = write!(officials, ",{}]", site.by_official[i].len());
    }
    officials.push(']');
    let officials = shard("officials", officials);

    let manifest = manifest(&Manifest {
        site,
        language,
        stemming,
        suffix,
        facet_map: &facet_map,
        text_map: &text_map,
        card_hashes: &card_hashes,
        officials: &officials,
        counts: &counts,
    });
    let mut all = vec![(format!("{dir}{MANIFEST}"), script("manifest", &manifest))];
    all.extend(files.files);
    all.extend(card_files);
    Index { files: all }
}

/// A facet's values, each with its ids.
type Lists = Vec<(String, Vec<usize>)>;

/// The shards written so far.
struct Files<'a> {
    dir: &'a str,
    files: Vec<(String, Vec<u8>)>,
}

impl Files<'_> {
    /// Adds a shard named `prefix-<hash of data>`; returns its name.
    fn shard(&mut self, prefix: &str, data: String) -> String {
        let name = format!("{prefix}-{}", &hex(fnv1a64(data.as_bytes()))[..12]);
        self.files
            .push((format!("{}{name}.js", self.dir), script(&name, &data)));
        name
    }
}

struct Manifest<'a> {
    site: &'a Site,
    language: &'a str,
    stemming: Stemming,
    suffix: &'a str,
    facet_map: &'a str,
    text_map: &'a str,
    card_hashes: &'a str,
    officials: &'a str,
    counts: &'a FxHashMap<&'a str, Vec<(String, usize)>>,
}

fn manifest(m: &Manifest) -> String {
    let site = m.site;
    let n = site.exchanges.len();
    let mut out = String::with_capacity(4096 + m.card_hashes.len() + m.text_map.len());
    let _ = write!(out, "{{\"v\":{VERSION},\"lang\":");
    json_str(&mut out, m.language);
    out.push_str(",\"stem\":");
    match m.stemming.name() {
        Some(s) => json_str(&mut out, s),
        None => out.push_str("null"),
    }
    let _ = write!(
        out,
        ",\"total\":{n},\"chunk\":{CARDS_PER_CHUNK},\"suffix\":"
    );
    json_str(&mut out, m.suffix);
    out.push_str(",\"officials\":");
    json_str(&mut out, m.officials);
    out.push_str(",\"cards\":");
    json_str(&mut out, m.card_hashes);
    let _ = write!(out, ",\"facets\":{},\"text\":{}", m.facet_map, m.text_map);
    // Years: the ids of a year are consecutive.
    out.push_str(",\"years\":[");
    for (k, y) in site.years.iter().rev().enumerate() {
        let first = y.exchanges.iter().map(|&i| n - 1 - i).min().unwrap_or(0);
        if k > 0 {
            out.push(',');
        }
        let _ = write!(out, "[{},{first},{}]", y.year, y.exchanges.len());
    }
    out.push(']');
    let count = |facet: &str, key: &str| {
        m.counts
            .get(facet)
            .and_then(|c| c.iter().find(|(k, _)| k == key))
            .map_or(0, |(_, n)| *n)
    };
    // Issues in slug order: cards name them by position.
    out.push_str(",\"issues\":[");
    for (k, i) in site.issues.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push('[');
        json_str(&mut out, &i.slug);
        out.push(',');
        json_str(&mut out, &i.name);
        let _ = write!(out, ",{}]", site.by_issue[k].len());
    }
    out.push_str("],\"formats\":[");
    for (k, f) in site.config.formats.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push('[');
        json_str(&mut out, f);
        let _ = write!(out, ",{}]", count("format", f));
    }
    // Every country an official or a place names: key, name, short.
    let mut keys: Vec<&str> = site.officials.iter().map(|o| o.country.as_str()).collect();
    keys.extend(site.places.iter().map(|p| p.key.as_str()));
    keys.sort_unstable();
    keys.dedup();
    out.push_str("],\"countries\":[");
    for (k, key) in keys.iter().enumerate() {
        let c = site.config.country(key);
        if k > 0 {
            out.push(',');
        }
        out.push('[');
        json_str(&mut out, key);
        out.push(',');
        json_str(&mut out, c.map_or(*key, |c| c.name.as_str()));
        out.push(',');
        json_str(&mut out, c.map_or(*key, |c| c.short.as_str()));
        let _ = write!(out, ",{},{}]", count("country", key), count("held", key));
    }
    out.push_str("],\"cities\":[");
    for (k, (key, c)) in m.counts.get("city").into_iter().flatten().enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push('[');
        json_str(&mut out, key);
        let _ = write!(out, ",{c}]");
    }
    out.push_str("]}");
    out
}

/// Where exchange `i` was held: its place's country key.
fn held(site: &Site, i: usize) -> Option<String> {
    let p = site.exchanges[i].place.as_ref()?;
    Some(p.country.as_ref()?.key.clone())
}

/// Its city, as `country-slug/city-slug` (the `city` filter's value).
fn city(site: &Site, i: usize) -> Option<String> {
    let p = site.exchanges[i].place.as_ref()?;
    let country = crate::places::country_slug(&p.country.as_ref()?.key);
    Some(format!("{country}/{}", p.city_slug.as_deref()?))
}

/// One card: `[slug, title, date, dates, format, location, officials
/// ([slug, name, country key]), issues (positions in the manifest's
/// list), summary]`.
fn card(out: &mut String, site: &Site, i: usize, text: &Text) {
    let e = &site.exchanges[i];
    out.push('[');
    json_str(out, &e.slug);
    out.push(',');
    json_str(out, text.title);
    let _ = write!(out, ",\"{}\",", e.date);
    json_str(out, &site.strings.date_range(e.date, e.end_date));
    out.push(',');
    json_str(out, &e.format);
    out.push(',');
    match &e.location {
        Some(l) => json_str(out, l),
        None => out.push_str("null"),
    }
    out.push_str(",[");
    for (k, o) in e.officials().enumerate() {
        let o = &site.officials[o];
        if k > 0 {
            out.push(',');
        }
        out.push('[');
        json_str(out, &o.slug);
        out.push(',');
        json_str(out, &o.name);
        out.push(',');
        json_str(out, &o.country);
        out.push(']');
    }
    out.push_str("],[");
    for (k, t) in e.issue_ids().enumerate() {
        if k > 0 {
            out.push(',');
        }
        let _ = write!(out, "{t}");
    }
    out.push_str("],");
    json_str(out, text.summary);
    // The language its text is in, when not the page's (untranslated).
    // and its direction when that differs from the page's.
    if let Some(lang) = &e.lang {
        out.push(',');
        json_str(out, lang);
        let dir = crate::i18n::direction(lang);
        if dir != crate::i18n::direction(&site.config.language) {
            out.push(',');
            json_str(out, dir);
        }
    }
    out.push(']');
}

/// Every term with its postings (`id << 2 | weight`, ids ascending).
fn postings<'a>(
    n: usize,
    stemming: Stemming,
    text: &(dyn Fn(usize) -> Text<'a> + Sync),
) -> Vec<(String, Vec<u32>)> {
    // Ranges of ids, indexed side by side, then joined in order.
    let parts = (rayon::current_num_threads() * 4).max(1);
    let step = n.div_ceil(parts).max(1);
    let parts: Vec<Part> = (0..n.div_ceil(step))
        .into_par_iter()
        .map(|p| {
            let mut part = Part::new(stemming);
            let mut body = String::new();
            for id in p * step..((p + 1) * step).min(n) {
                let t = text(id);
                part.add(id as u32, t.title, TITLE);
                part.add(id as u32, t.summary, SUMMARY);
                body.clear();
                plain_text(t.body, &mut body);
                part.add(id as u32, &body, BODY);
            }
            part
        })
        .collect();
    let mut all: FxHashMap<String, Vec<u32>> = FxHashMap::default();
    for part in parts {
        for (term, mut list) in part.terms.into_iter().zip(part.lists) {
            all.entry(term).or_default().append(&mut list);
        }
    }
    let mut all: Vec<(String, Vec<u32>)> = all.into_iter().collect();
    all.par_sort_unstable_by(|a, b| utf16_cmp(&a.0, &b.0));
    all
}

/// The postings of a range of exchanges, made in id order.
struct Part {
    words: Words,
    /// A word (or CJK term) as found → its term.
    seen: FxHashMap<String, u32>,
    /// A term → its number.
    numbers: FxHashMap<String, u32>,
    terms: Vec<String>,
    lists: Vec<Vec<u32>>,
}

impl Part {
    fn new(stemming: Stemming) -> Part {
        Part {
            words: Words::new(stemming),
            seen: FxHashMap::default(),
            numbers: FxHashMap::default(),
            terms: Vec::new(),
            lists: Vec::new(),
        }
    }

    /// Adds the terms of one field of exchange `id` (not before any other).
    fn add(&mut self, id: u32, text: &str, weight: u8) {
        let posting = id << 2 | u32::from(weight);
        words::pieces(text, |piece| {
            let (Piece::Word(key) | Piece::Cjk(key)) = piece;
            let t = match self.seen.get(key) {
                Some(&t) => t,
                None => {
                    let term = match piece {
                        Piece::Word(w) => self.words.stem(w),
                        Piece::Cjk(c) => c,
                    };
                    let t = match self.numbers.get(term) {
                        Some(&t) => t,
                        None => {
                            let t = self.terms.len() as u32;
                            self.terms.push(term.to_string());
                            self.numbers.insert(term.to_string(), t);
                            self.lists.push(Vec::new());
                            t
                        }
                    };
                    self.seen.insert(key.to_string(), t);
                    t
                }
            };
            let list = &mut self.lists[t as usize];
            match list.last_mut() {
                // Seen in this exchange already: keep the best field.
                Some(last) if *last >> 2 == id => *last = (*last).max(posting),
                _ => list.push(posting),
            }
        });
    }
}

/// The text of a Markdown body, blocks apart.
fn plain_text(markdown: &str, out: &mut String) {
    use pulldown_cmark::{Event, Options, Parser};
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::End(_) | Event::SoftBreak | Event::HardBreak => out.push('\n'),
            _ => {}
        }
    }
}

/// Writes `{"key":[…],…}` shards of `entries` (sorted by key) and their
/// map, `[["first key","shard name"],…]`, to `out`. A shard holds whole
/// entries; it is cut when it would pass [`SHARD_BYTES`], and otherwise
/// where the first two characters of the keys change, so that terms of one
/// prefix stay together when they are few.
fn map_of(
    out: &mut String,
    shard: &mut impl FnMut(&str, String) -> String,
    prefix: &str,
    entries: &[(String, String)],
) {
    let head = |k: &str| k.chars().take(2).collect::<String>();
    let mut groups: Vec<&[(String, String)]> = Vec::new();
    let mut start = 0;
    for k in 1..=entries.len() {
        if k == entries.len() || head(&entries[k].0) != head(&entries[start].0) {
            groups.push(&entries[start..k]);
            start = k;
        }
    }
    let size = |e: &(String, String)| e.0.len() + e.1.len() + 6;
    let mut cut: Vec<(usize, usize)> = Vec::new(); // ranges of entries
    let (mut from, mut bytes) = (0, 0);
    let mut at = 0;
    for g in groups {
        let g_bytes: usize = g.iter().map(size).sum();
        if bytes > 0 && bytes + g_bytes > SHARD_BYTES {
            cut.push((from, at));
            from = at;
            bytes = 0;
        }
        if g_bytes > SHARD_BYTES {
            // A big prefix: cut between its entries.
            for e in g {
                if bytes > 0 && bytes + size(e) > SHARD_BYTES {
                    cut.push((from, at));
                    from = at;
                    bytes = 0;
                }
                bytes += size(e);
                at += 1;
            }
        } else {
            bytes += g_bytes;
            at += g.len();
        }
    }
    if at > from {
        cut.push((from, at));
    }
    out.push('[');
    for (k, (a, b)) in cut.into_iter().enumerate() {
        let mut data = String::from("{");
        for (j, (key, value)) in entries[a..b].iter().enumerate() {
            if j > 0 {
                data.push(',');
            }
            json_str(&mut data, key);
            data.push(':');
            data.push_str(value);
        }
        data.push('}');
        let name = shard(prefix, data);
        if k > 0 {
            out.push(',');
        }
        out.push('[');
        json_str(out, &entries[a].0);
        out.push(',');
        json_str(out, &name);
        out.push(']');
    }
    out.push(']');
}

/// `[d, d, …]`: ascending ids as differences from the one before (the
/// first from -1), each times 4 plus its weight (0 for facet lists: then
/// the plain differences).
fn deltas(out: &mut String, ids: impl Iterator<Item = (usize, u32)>) {
    out.push('[');
    let mut prev: i64 = -1;
    for (k, (id, w)) in ids.enumerate() {
        let d = id as i64 - prev;
        prev = id as i64;
        if k > 0 {
            out.push(',');
        }
        let v = if w == 0 { d } else { d * 4 + i64::from(w) };
        push_number(out, v.unsigned_abs());
    }
    out.push(']');
}

/// `v` in decimal.
fn push_number(out: &mut String, mut v: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// A JSON string, script-safe.
fn json_str(out: &mut String, s: &str) {
    let json = serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string());
    out.push_str(&crate::script_safe::string(json));
}

/// The script of one shard.
fn script(name: &str, data: &str) -> Vec<u8> {
    let mut out = String::with_capacity(data.len() + name.len() + 32);
    let _ = write!(out, "{CALLBACK}(");
    json_str(&mut out, name);
    out.push(',');
    out.push_str(data);
    out.push_str(");\n");
    out.into_bytes()
}

/// JavaScript's order of strings (UTF-16 code units), which the
/// browser's binary searches use.
fn utf16_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

fn hex(h: u64) -> String {
    format!("{h:016x}")
}

/// Six base-36 digits of `h`: a card chunk's name has its number too, so
/// this only has to change when the chunk does.
fn base36(mut h: u64) -> String {
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = [0u8; 6];
    for d in out.iter_mut().rev() {
        *d = digits[(h % 36) as usize];
        h /= 36;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_are_differences_with_weights() {
        let mut out = String::new();
        deltas(&mut out, [(0, 3), (1, 1), (5, 2)].into_iter());
        assert_eq!(out, "[7,5,18]");
        out.clear();
        deltas(&mut out, [(2, 0), (3, 0), (9, 0)].into_iter());
        assert_eq!(out, "[3,1,6]");
    }

    #[test]
    fn shards_are_cut_by_size_and_prefix() {
        let entries: Vec<(String, String)> = ["aa", "ab", "ba", "bb"]
            .iter()
            .map(|k| (k.to_string(), format!("[{}]", "1,".repeat(SHARD_BYTES / 3))))
            .collect();
        let mut names = Vec::new();
        let mut out = String::new();
        map_of(
            &mut out,
            &mut |p, data: String| {
                names.push(data.len());
                format!("{p}{}", names.len())
            },
            "t",
            &entries,
        );
        assert_eq!(out, r#"[["aa","t1"],["ab","t2"],["ba","t3"],["bb","t4"]]"#);
        let small: Vec<(String, String)> = ["aa", "ab", "ba"]
            .iter()
            .map(|k| (k.to_string(), "[1]".to_string()))
            .collect();
        out.clear();
        map_of(&mut out, &mut |p, _| format!("{p}x"), "t", &small);
        assert_eq!(out, r#"[["aa","tx"]]"#);
    }

    #[test]
    fn plain_text_leaves_out_markup_and_urls() {
        let mut out = String::new();
        plain_text(
            "## Head\n\nSome **bold** [link](https://x.org/y) `code`",
            &mut out,
        );
        assert!(out.contains("Head") && out.contains("bold") && out.contains("link"));
        assert!(!out.contains("x.org") && !out.contains("**"));
    }
}
