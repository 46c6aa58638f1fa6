//! Deterministic synthetic corpus generator for benchmarking detente (and Hugo).
//!
//! ```text
//! cargo run --release --example gen_corpus -- N DIR [--seed S] [--hugo HUGO_DIR] [--images WxH]
//! ```
//!
//! With `--images WxH`, every exchange also gets one JPEG of W × H pixels
//! (`content/media/<slug>.jpg`, listed in `[[media]]`; for Hugo the same
//! file, hard-linked, as `assets/media/<slug>.jpg`, named by the `image`
//! param its single layout resizes).
//!
//! Writes a detente site with N exchanges to `DIR/content/` and, with `--hugo`,
//! the same content (same seed, same bodies) as a Hugo site in `HUGO_DIR`
//! using the layouts in `benches/hugo/layouts/` (embedded at compile time).
//!
//! Everything is derived from a splitmix64 stream seeded with `--seed`
//! (default [`DEFAULT_SEED`]), so the output is byte-for-byte reproducible.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const DEFAULT_SEED: u64 = 0x00de_7e47_e5ee_d001;
const ISSUE_COUNT: usize = 40;
/// Marker file written at the root of every generated site. Existing
/// directories are only cleaned if they carry it, so the generator can never
/// wipe a hand-written site by accident.
const MARKER: &str = ".gen_corpus";

const HUGO_LAYOUTS: &[(&str, &str)] = &[
    (
        "layouts/_default/baseof.html",
        include_str!("hugo/layouts/_default/baseof.html"),
    ),
    (
        "layouts/_default/single.html",
        include_str!("hugo/layouts/_default/single.html"),
    ),
    (
        "layouts/_default/terms.html",
        include_str!("hugo/layouts/_default/terms.html"),
    ),
    (
        "layouts/_default/term.html",
        include_str!("hugo/layouts/_default/term.html"),
    ),
    (
        "layouts/index.html",
        include_str!("hugo/layouts/index.html"),
    ),
    ("layouts/404.html", include_str!("hugo/layouts/404.html")),
    (
        "layouts/partials/card.html",
        include_str!("hugo/layouts/partials/card.html"),
    ),
    (
        "layouts/partials/year-nav.html",
        include_str!("hugo/layouts/partials/year-nav.html"),
    ),
    (
        "layouts/partials/pager.html",
        include_str!("hugo/layouts/partials/pager.html"),
    ),
];

// ---------------------------------------------------------------------------
// PRNG

/// splitmix64: tiny, fast, and good enough for synthetic text.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), via the multiply-shift reduction.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `num / den`.
    fn chance(&mut self, num: usize, den: usize) -> bool {
        self.below(den) < num
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------
// Calendar helpers (Howard Hinnant's civil-date algorithms)

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

// ---------------------------------------------------------------------------
// Vocabulary

const WORDS: &[&str] = &[
    "agreement",
    "alliance",
    "ambassador",
    "assurance",
    "balance",
    "bilateral",
    "border",
    "briefing",
    "cabinet",
    "capital",
    "ceasefire",
    "channel",
    "coalition",
    "commerce",
    "commitment",
    "communique",
    "concern",
    "conference",
    "consensus",
    "consultation",
    "cooperation",
    "counterpart",
    "crisis",
    "currency",
    "delegation",
    "dialogue",
    "diplomacy",
    "directive",
    "discussion",
    "dispute",
    "economy",
    "embassy",
    "emissions",
    "engagement",
    "envoy",
    "escalation",
    "exchange",
    "export",
    "framework",
    "frontier",
    "guarantee",
    "harbour",
    "import",
    "initiative",
    "intention",
    "investment",
    "leadership",
    "ledger",
    "maritime",
    "measure",
    "memorandum",
    "message",
    "ministry",
    "mission",
    "negotiation",
    "normalisation",
    "observer",
    "outcome",
    "partnership",
    "policy",
    "position",
    "principle",
    "proposal",
    "protocol",
    "reciprocity",
    "region",
    "relations",
    "resolution",
    "restraint",
    "review",
    "sanction",
    "security",
    "settlement",
    "signal",
    "stability",
    "statement",
    "strategy",
    "summit",
    "supply",
    "tariff",
    "tension",
    "treaty",
    "understanding",
    "visit",
    "accepted",
    "affirmed",
    "agreed",
    "announced",
    "argued",
    "briefed",
    "called",
    "cautioned",
    "confirmed",
    "declined",
    "discussed",
    "emphasised",
    "expressed",
    "hosted",
    "insisted",
    "met",
    "noted",
    "offered",
    "pledged",
    "pressed",
    "proposed",
    "raised",
    "reaffirmed",
    "rejected",
    "reiterated",
    "signed",
    "stressed",
    "urged",
    "warned",
    "welcomed",
    "a",
    "about",
    "after",
    "against",
    "and",
    "and",
    "and",
    "before",
    "between",
    "both",
    "but",
    "during",
    "for",
    "from",
    "in",
    "in",
    "its",
    "of",
    "of",
    "of",
    "on",
    "over",
    "the",
    "the",
    "the",
    "the",
    "their",
    "to",
    "to",
    "towards",
    "under",
    "while",
    "with",
    "within",
    "broad",
    "candid",
    "careful",
    "closer",
    "constructive",
    "direct",
    "economic",
    "frank",
    "formal",
    "future",
    "global",
    "informal",
    "lasting",
    "military",
    "mutual",
    "narrow",
    "new",
    "official",
    "open",
    "peaceful",
    "practical",
    "previous",
    "productive",
    "regional",
    "senior",
    "strategic",
    "technical",
    "useful",
    "wider",
];

const CITIES: &[&str] = &[
    "Washington, United States",
    "New York, United States",
    "San Francisco, United States",
    "Honolulu, United States",
    "Anchorage, United States",
    "Beijing, China",
    "Shanghai, China",
    "Hangzhou, China",
    "Guangzhou, China",
    "Tianjin, China",
    "Geneva, Switzerland",
    "Vienna, Austria",
    "Bali, Indonesia",
    "Singapore, Singapore",
    "Osaka, Japan",
    "Rome, Italy",
    "Lima, Peru",
    "Buenos Aires, Argentina",
    "Zurich, Switzerland",
    "Bangkok, Thailand",
];

const MINISTRIES: &[&str] = &[
    "Foreign Affairs",
    "Commerce",
    "Finance",
    "Defence",
    "Trade",
    "Climate",
    "Energy",
    "Agriculture",
    "Science and Technology",
    "Public Security",
    "Transport",
    "Health",
];

const RANKS: &[&str] = &[
    "Minister of",
    "Deputy Minister of",
    "Secretary of",
    "Under Secretary of",
    "Special Envoy for",
    "Senior Adviser on",
];

const US_FIRST: &[&str] = &[
    "Alice", "Bruce", "Carol", "David", "Ellen", "Frank", "Grace", "Henry", "Irene", "James",
    "Karen", "Louis", "Maria", "Nolan", "Olive", "Peter", "Quinn", "Rosa", "Simon", "Tessa",
    "Ulric", "Vera", "Walter", "Xenia", "Yusuf", "Zelda", "Arthur", "Beth", "Calvin", "Diane",
    "Edgar", "Fiona", "Gordon", "Hazel", "Isaac", "Julia", "Kevin", "Linda", "Martin", "Nora",
];

const US_LAST: &[&str] = &[
    "Adams", "Baker", "Carter", "Dalton", "Ellis", "Foster", "Garner", "Hughes", "Irving",
    "Jensen", "Keller", "Lawson", "Monroe", "Norris", "Owens", "Porter", "Quincy", "Ramsey",
    "Sutton", "Turner", "Upton", "Vaughn", "Walker", "Yates", "Zimmer", "Abbott", "Brooks",
    "Conrad", "Dunn", "Everett", "Fischer", "Gibson", "Holt", "Ingram", "Jordan", "Kemp", "Lowell",
    "Mercer", "Nash", "Osborne", "Pryor", "Reyes", "Shaw", "Tate", "Vance", "Wells", "York",
    "Barlow", "Crane", "Drake",
];

const CN_SURNAME: &[&str] = &[
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
    "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo", "Zheng", "Liang", "Xie", "Song", "Tang", "Han",
    "Feng", "Deng", "Cao", "Peng", "Zeng", "Xiao", "Tian", "Dong", "Pan", "Yuan", "Cai", "Jiang",
    "Yu", "Du",
];

const CN_GIVEN: &[&str] = &[
    "Wei", "Fang", "Min", "Jing", "Lei", "Jun", "Yan", "Hua", "Ping", "Gang", "Hong", "Bo", "Ying",
    "Qiang", "Xiu", "Ning", "Tao", "Chao", "Lan", "Hui", "Jian", "Mei", "Yong", "Li", "Xin",
    "Ming", "Qing", "Hai", "Rong", "Feng", "Dan", "Kai", "Yun", "Zhen", "Shan", "Peng", "Long",
    "Xia", "Bin", "Lu", "Yi", "Rui", "Hao", "Jie", "Na", "Zhi", "Guo", "Ran", "Wen", "Kun",
];

const ISSUE_TOPICS: &[&str] = &[
    "Trade",
    "Climate",
    "Taiwan",
    "North Korea",
    "Export controls",
    "Human rights",
    "Military contact",
    "Communication channels",
    "Fentanyl",
    "Students and visas",
    "South China Sea",
    "Currency",
    "Intellectual property",
    "Cyber security",
    "Public health",
    "Agriculture",
    "Energy",
    "Space",
    "Nuclear arms control",
    "Hong Kong",
];

const FORMATS: &[&str] = &["in-person", "virtual", "phone", "sidelines"];

const HEADINGS: &[&str] = &[
    "Background",
    "Key points",
    "Readouts",
    "Context",
    "Reactions",
    "What was agreed",
];

// ---------------------------------------------------------------------------
// Text generation

fn sentence(rng: &mut Rng, out: &mut String, min: usize, max: usize, markup: bool) {
    let n = rng.range(min, max);
    for i in 0..n {
        let w = rng.pick(WORDS);
        if i > 0 {
            out.push(' ');
        }
        let styled = markup && i > 0 && i + 1 < n && rng.chance(1, 28);
        let (open, close) = if !styled {
            ("", "")
        } else if rng.chance(1, 2) {
            ("**", "**")
        } else {
            ("_", "_")
        };
        out.push_str(open);
        if i == 0 {
            let mut chars = w.chars();
            if let Some(c) = chars.next() {
                out.extend(c.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push_str(w);
        }
        out.push_str(close);
    }
    out.push('.');
}

fn paragraph(rng: &mut Rng, out: &mut String, min: usize, max: usize, markup: bool) {
    let sentences = rng.range(min, max);
    for i in 0..sentences {
        if i > 0 {
            out.push(' ');
        }
        sentence(rng, out, 9, 20, markup);
    }
}

fn words(rng: &mut Rng, out: &mut String, n: usize) {
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(rng.pick(WORDS));
    }
}

/// About 3 KB of Markdown: paragraphs with bold/emphasis, one list, one
/// link, and an optional heading.
fn exchange_body(rng: &mut Rng, id: usize) -> String {
    let mut out = String::with_capacity(3600);
    let paragraphs = rng.range(5, 7);
    let heading_at = if rng.chance(2, 3) {
        Some(rng.range(1, paragraphs - 1))
    } else {
        None
    };
    let list_at = rng.range(1, paragraphs - 1);
    let link_at = rng.below(paragraphs);
    for p in 0..paragraphs {
        if heading_at == Some(p) {
            out.push_str("## ");
            out.push_str(rng.pick(HEADINGS));
            out.push_str("\n\n");
        }
        if list_at == p {
            for _ in 0..rng.range(3, 5) {
                out.push_str("- ");
                sentence(rng, &mut out, 5, 11, true);
                out.push('\n');
            }
            out.push('\n');
        }
        paragraph(rng, &mut out, 3, 4, true);
        if link_at == p {
            out.push_str(" See the [");
            let n = rng.range(2, 4);
            words(rng, &mut out, n);
            let _ = write!(
                out,
                "](https://example.org/documents/{id}/readout) for details."
            );
        }
        out.push_str("\n\n");
    }
    out
}

// ---------------------------------------------------------------------------
// Model

struct Official {
    slug: String,
    name: String,
    country: &'static str,
    role: String,
    bio: String,
}

struct Issue {
    slug: String,
    name: String,
    body: String,
}

struct Exchange {
    slug: String,
    title: String,
    date: String,
    format: &'static str,
    location: Option<&'static str>,
    officials: Vec<usize>,
    issues: Vec<usize>,
    summary: String,
    body: String,
    /// Has one JPEG (`--images`).
    image: bool,
}

fn official_count(n: usize) -> usize {
    (n / 30).clamp(20, 3300)
}

fn make_officials(rng: &mut Rng, count: usize) -> Vec<Official> {
    let us = count / 2;
    (0..count)
        .map(|i| {
            let (country, k) = if i < us { ("US", i) } else { ("CN", i - us) };
            let (first, last) = if country == "US" {
                (US_FIRST, US_LAST)
            } else {
                (CN_SURNAME, CN_GIVEN)
            };
            let mut name = format!(
                "{} {}",
                first[k % first.len()],
                last[(k / first.len()) % last.len()]
            );
            let cycle = k / (first.len() * last.len());
            if cycle > 0 {
                let _ = write!(name, " {}", cycle + 1);
            }
            let role = format!("{} {}", rng.pick(RANKS), rng.pick(MINISTRIES));
            let mut bio = String::with_capacity(400);
            paragraph(rng, &mut bio, 2, 3, false);
            Official {
                slug: format!("official-{i:04}"),
                name,
                country,
                role,
                bio,
            }
        })
        .collect()
}

fn make_issues(rng: &mut Rng) -> Vec<Issue> {
    (0..ISSUE_COUNT)
        .map(|i| {
            let topic = ISSUE_TOPICS[i % ISSUE_TOPICS.len()];
            let name = if i < ISSUE_TOPICS.len() {
                topic.to_string()
            } else {
                format!("{topic} ({})", i / ISSUE_TOPICS.len() + 1)
            };
            let mut body = String::with_capacity(600);
            paragraph(rng, &mut body, 3, 5, false);
            Issue {
                slug: format!("issue-{i:02}"),
                name,
                body,
            }
        })
        .collect()
}

/// Distinct indices drawn from `lo..hi`, appended to `into`.
fn pick_distinct(rng: &mut Rng, into: &mut Vec<usize>, lo: usize, hi: usize, want: usize) {
    let target = into.len() + want.min(hi - lo);
    while into.len() < target {
        let c = lo + rng.below(hi - lo);
        if !into.contains(&c) {
            into.push(c);
        }
    }
}

fn make_exchange(
    rng: &mut Rng,
    id: usize,
    officials: &[Official],
    day_range: (i64, i64),
) -> Exchange {
    let day = day_range.0 + rng.below((day_range.1 - day_range.0 + 1) as usize) as i64;
    let (y, m, d) = civil_from_days(day);
    let date = format!("{y:04}-{m:02}-{d:02}");
    let slug = format!("{date}-e{id:06}");

    let mut title = format!("Exchange {id}: ");
    let mut t = String::new();
    sentence(rng, &mut t, 3, 6, false);
    title.push_str(t.trim_end_matches('.'));

    let format = match rng.below(20) {
        0..=9 => FORMATS[0],
        10..=12 => FORMATS[1],
        13..=16 => FORMATS[2],
        _ => FORMATS[3],
    };
    let location = match format {
        "in-person" | "sidelines" => Some(rng.pick(CITIES)),
        _ if rng.chance(1, 4) => Some(rng.pick(CITIES)),
        _ => None,
    };

    // At least one official from each country, 2-4 in total.
    let us = officials.len() / 2;
    let mut ofs = Vec::with_capacity(4);
    pick_distinct(rng, &mut ofs, 0, us, 1);
    pick_distinct(rng, &mut ofs, us, officials.len(), 1);
    let extra = rng.range(0, 2);
    pick_distinct(rng, &mut ofs, 0, officials.len(), extra);

    let mut iss = Vec::with_capacity(4);
    let want = rng.range(1, 4);
    pick_distinct(rng, &mut iss, 0, ISSUE_COUNT, want);

    let mut summary = String::with_capacity(160);
    sentence(rng, &mut summary, 10, 18, false);
    let body = exchange_body(rng, id);
    Exchange {
        slug,
        title,
        date,
        format,
        location,
        officials: ofs,
        issues: iss,
        summary,
        body,
        image: false,
    }
}

// ---------------------------------------------------------------------------
// Output

fn write_file(path: &Path, contents: &str) {
    fs::write(path, contents).unwrap_or_else(|e| panic!("failed to write {}: {e}", path.display()));
}

fn mkdirs(path: &Path) {
    fs::create_dir_all(path).unwrap_or_else(|e| panic!("failed to create {}: {e}", path.display()));
}

/// Prepare `root` for (re)generation: remove the given generated
/// subdirectories, but only if `root` was produced by this tool.
fn prepare_root(root: &Path, generated: &[&str]) -> Result<(), String> {
    let exists = generated.iter().any(|d| root.join(d).exists());
    if exists && !root.join(MARKER).exists() {
        return Err(format!(
            "{} already contains a site not generated by gen_corpus (no {MARKER} marker); refusing to overwrite",
            root.display()
        ));
    }
    for d in generated {
        let p = root.join(d);
        if p.exists() {
            fs::remove_dir_all(&p).map_err(|e| format!("failed to remove {}: {e}", p.display()))?;
        }
    }
    mkdirs(root);
    write_file(
        &root.join(MARKER),
        "generated by benches/gen_corpus.rs; safe to delete\n",
    );
    Ok(())
}

fn toml_list(out: &mut String, slugs: impl Iterator<Item = String>) {
    out.push('[');
    for (i, s) in slugs.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "\"{s}\"");
    }
    out.push(']');
}

/// A photograph-like JPEG: smooth light, a horizon, shapes and sensor
/// noise, different for every `id`, so the encoders work as on a photo.
fn photo(id: usize, width: u32, height: u32) -> Vec<u8> {
    let mut rng = Rng(0x5eed ^ (id as u64).wrapping_mul(0x9e37_79b9));
    let hue = [
        rng.below(200) as f32,
        rng.below(200) as f32,
        rng.below(200) as f32,
    ];
    let horizon = height as f32 * (0.35 + rng.below(30) as f32 / 100.0);
    let blobs: Vec<(f32, f32, f32)> = (0..6)
        .map(|_| {
            (
                rng.below(width as usize) as f32,
                rng.below(height as usize) as f32,
                (width / 12 + rng.below(width as usize / 6) as u32) as f32,
            )
        })
        .collect();
    let mut noise = rng.next_u64();
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let sky = if fy < horizon { 1.0 } else { 0.55 };
        let mut v = [0f32; 3];
        for (c, h) in v.iter_mut().zip(hue) {
            *c = h * sky + 40.0 * (fx / width as f32) + 30.0 * (fy / height as f32);
        }
        for &(bx, by, r) in &blobs {
            let d = ((fx - bx).powi(2) + (fy - by).powi(2)).sqrt();
            if d < r {
                v[0] += 50.0 * (1.0 - d / r);
                v[2] -= 30.0 * (1.0 - d / r);
            }
        }
        noise ^= noise << 13;
        noise ^= noise >> 7;
        noise ^= noise << 17;
        let n = (noise & 15) as f32 - 7.5;
        image::Rgb(v.map(|c| (c + n).clamp(0.0, 255.0) as u8))
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 88)
        .encode_image(&img)
        .expect("encode a JPEG in memory");
    out
}

fn detente_exchange(e: &Exchange, officials: &[Official], issues: &[Issue]) -> String {
    let mut s = String::with_capacity(e.body.len() + 512);
    let _ = writeln!(
        s,
        "+++\ntitle = \"{}\"\ndate = {}\nformat = \"{}\"",
        e.title, e.date, e.format
    );
    if let Some(loc) = e.location {
        let _ = writeln!(s, "location = \"{loc}\"");
    }
    s.push_str("officials = ");
    toml_list(
        &mut s,
        e.officials.iter().map(|&i| officials[i].slug.clone()),
    );
    s.push_str("\nissues = ");
    toml_list(&mut s, e.issues.iter().map(|&i| issues[i].slug.clone()));
    let _ = write!(s, "\nsummary = \"{}\"\n", e.summary);
    if e.image {
        let _ = write!(
            s,
            "[[media]]\nsrc = \"/media/{}.jpg\"\nalt = \"A photograph of {}\"\n",
            e.slug, e.title
        );
    }
    s.push_str("+++\n");
    s.push_str(&e.body);
    s
}

fn hugo_exchange(e: &Exchange, officials: &[Official], issues: &[Issue]) -> String {
    let mut s = String::with_capacity(e.body.len() + 512);
    let _ = writeln!(
        s,
        "+++\ntitle = \"{}\"\ndate = {}\nyears = [\"{}\"]",
        e.title,
        e.date,
        &e.date[..4]
    );
    s.push_str("officials = ");
    toml_list(
        &mut s,
        e.officials.iter().map(|&i| officials[i].slug.clone()),
    );
    s.push_str("\nissues = ");
    toml_list(&mut s, e.issues.iter().map(|&i| issues[i].slug.clone()));
    let _ = write!(
        s,
        "\nsummary = \"{}\"\n[params]\nformat = \"{}\"\n",
        e.summary, e.format
    );
    if let Some(loc) = e.location {
        let _ = writeln!(s, "location = \"{loc}\"");
    }
    if e.image {
        let _ = writeln!(
            s,
            "image = \"media/{}.jpg\"\nalt = \"A photograph of {}\"",
            e.slug, e.title
        );
    }
    s.push_str("+++\n");
    s.push_str(&e.body);
    s
}

const SITE_TOML: &str = r#"title = "Synthetic timeline"
base_url = "https://example.org/"
description = "Synthetic corpus generated by benches/gen_corpus.rs for benchmarking."
language = "en"
formats = ["in-person", "virtual", "phone", "sidelines"]

[countries.US]
name = "United States"
short = "US"

[countries.CN]
name = "People's Republic of China"
short = "China"
"#;

const HUGO_TOML: &str = r#"baseURL = "https://example.org/"
title = "Synthetic timeline"
# Exchanges run to 2026-12-31; Hugo skips future-dated pages by default.
buildFuture = true
disableKinds = ["RSS", "sitemap", "robotsTXT", "section"]

# Images (--images) as detente makes them: Lanczos, quality 80, upright.
[imaging]
resampleFilter = "lanczos"
quality = 80

[pagination]
pagerSize = 250
# detente writes no /page/1/ redirect pages.
disableAliases = true

[taxonomies]
official = "officials"
issue = "issues"
# detente renders a page per year; a taxonomy is Hugo's way to get them.
year = "years"

[params]
description = "Synthetic corpus generated by benches/gen_corpus.rs for benchmarking."

[params.countries.US]
name = "United States"
short = "US"

[params.countries.CN]
name = "People's Republic of China"
short = "China"

[markup]
defaultMarkdownHandler = "goldmark"
# detente (pulldown-cmark) emits plain <h2> without ids.
[markup.goldmark.parser]
autoHeadingID = false
"#;

struct Args {
    n: usize,
    dir: PathBuf,
    seed: u64,
    hugo: Option<PathBuf>,
    /// One JPEG of this size per exchange.
    images: Option<(u32, u32)>,
}

const USAGE: &str = "usage: gen_corpus N DIR [--seed S] [--hugo HUGO_DIR] [--images WxH]";

fn parse_args() -> Result<Args, String> {
    let mut positional = Vec::new();
    let mut seed = DEFAULT_SEED;
    let mut hugo = None;
    let mut images = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "-h" | "--help" => return Err(String::new()),
            "--seed" => {
                let v = it.next().ok_or("--seed needs a value")?;
                seed = v
                    .parse()
                    .map_err(|e| format!("invalid --seed {v:?}: {e}"))?;
            }
            "--hugo" => hugo = Some(PathBuf::from(it.next().ok_or("--hugo needs a directory")?)),
            "--images" => {
                let v = it.next().ok_or("--images needs WxH")?;
                let size = v
                    .split_once('x')
                    .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
                    .filter(|&(w, h): &(u32, u32)| w > 0 && h > 0)
                    .ok_or_else(|| {
                        format!("invalid --images {v:?}: expected WxH, e.g. 3000x2000")
                    })?;
                images = Some(size);
            }
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            _ => positional.push(a),
        }
    }
    let [n, dir] = <[String; 2]>::try_from(positional)
        .map_err(|p| format!("expected 2 positional arguments (N DIR), got {}", p.len()))?;
    let n = n.parse().map_err(|e| format!("invalid N {n:?}: {e}"))?;
    if n == 0 {
        return Err("N must be at least 1".into());
    }
    Ok(Args {
        n,
        dir: PathBuf::from(dir),
        seed,
        hugo,
        images,
    })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("gen_corpus: {msg}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();

    if let Err(msg) = prepare_root(&args.dir, &["content"]) {
        eprintln!("gen_corpus: {msg}");
        return ExitCode::FAILURE;
    }
    if let Some(h) = &args.hugo {
        if let Err(msg) = prepare_root(h, &["content", "layouts", "public", "assets", "resources"])
        {
            eprintln!("gen_corpus: {msg}");
            return ExitCode::FAILURE;
        }
    }

    let mut rng = Rng(args.seed);
    let officials = make_officials(&mut rng, official_count(args.n));
    let issues = make_issues(&mut rng);

    // detente site skeleton
    let content = args.dir.join("content");
    for sub in ["exchanges", "officials", "issues"] {
        mkdirs(&content.join(sub));
    }
    write_file(&content.join("site.toml"), SITE_TOML);
    for o in &officials {
        let s = format!(
            "+++\nname = \"{}\"\ncountry = \"{}\"\n\n[[roles]]\ntitle = \"{}\"\nfrom = 1970-01-01\n+++\n{}\n",
            o.name, o.country, o.role, o.bio
        );
        write_file(
            &content.join("officials").join(format!("{}.md", o.slug)),
            &s,
        );
    }
    for i in &issues {
        let s = format!("+++\nname = \"{}\"\n+++\n{}\n", i.name, i.body);
        write_file(&content.join("issues").join(format!("{}.md", i.slug)), &s);
    }

    // Hugo site skeleton: config, layouts, and taxonomy term pages carrying
    // the same names/bios as detente's official and issue pages.
    let hugo_content = args.hugo.as_ref().map(|h| h.join("content"));
    if let (Some(h), Some(hc)) = (&args.hugo, &hugo_content) {
        write_file(&h.join("hugo.toml"), HUGO_TOML);
        for (rel, text) in HUGO_LAYOUTS {
            let p = h.join(rel);
            if let Some(parent) = p.parent() {
                mkdirs(parent);
            }
            write_file(&p, text);
        }
        mkdirs(&hc.join("exchanges"));
        mkdirs(&hc.join("officials"));
        mkdirs(&hc.join("issues"));
        write_file(
            &hc.join("officials/_index.md"),
            "+++\ntitle = \"Officials\"\n+++\n",
        );
        write_file(
            &hc.join("issues/_index.md"),
            "+++\ntitle = \"Issues\"\n+++\n",
        );
        for o in &officials {
            let dir = hc.join("officials").join(&o.slug);
            mkdirs(&dir);
            let s = format!(
                "+++\ntitle = \"{}\"\n[params]\ncountry = \"{}\"\nrole = \"{}\"\n+++\n{}\n",
                o.name, o.country, o.role, o.bio
            );
            write_file(&dir.join("_index.md"), &s);
        }
        for i in &issues {
            let dir = hc.join("issues").join(&i.slug);
            mkdirs(&dir);
            let s = format!("+++\ntitle = \"{}\"\n+++\n{}\n", i.name, i.body);
            write_file(&dir.join("_index.md"), &s);
        }
    }

    let day_range = (days_from_civil(1972, 1, 1), days_from_civil(2026, 12, 31));
    let ex_dir = content.join("exchanges");
    let mut bytes = 0usize;
    let mut pictures = Vec::new();
    for id in 1..=args.n {
        let mut e = make_exchange(&mut rng, id, &officials, day_range);
        e.image = args.images.is_some();
        if e.image {
            pictures.push((id, e.slug.clone()));
        }
        bytes += e.body.len();
        let file = format!("{}.md", e.slug);
        write_file(
            &ex_dir.join(&file),
            &detente_exchange(&e, &officials, &issues),
        );
        if let Some(hc) = &hugo_content {
            write_file(
                &hc.join("exchanges").join(&file),
                &hugo_exchange(&e, &officials, &issues),
            );
        }
    }

    if let Some((w, h)) = args.images {
        use rayon::prelude::*;
        let media = content.join("media");
        mkdirs(&media);
        let assets = args.hugo.as_ref().map(|h| h.join("assets/media"));
        if let Some(a) = &assets {
            mkdirs(a);
        }
        pictures.par_iter().for_each(|(id, slug)| {
            let file = media.join(format!("{slug}.jpg"));
            fs::write(&file, photo(*id, w, h)).expect("write an image");
            if let Some(a) = &assets {
                let twin = a.join(format!("{slug}.jpg"));
                if fs::hard_link(&file, &twin).is_err() {
                    fs::copy(&file, &twin).expect("copy an image");
                }
            }
        });
        eprintln!("gen_corpus: {} images of {w}x{h}", pictures.len());
    }

    eprintln!(
        "gen_corpus: {} exchanges, {} officials, {} issues (seed {}), mean body {} bytes, {:.2}s -> {}{}",
        args.n,
        officials.len(),
        issues.len(),
        args.seed,
        bytes / args.n,
        start.elapsed().as_secs_f64(),
        args.dir.display(),
        args.hugo
            .as_ref()
            .map(|h| format!(" + {}", h.display()))
            .unwrap_or_default(),
    );
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for z in days_from_civil(1960, 1, 1)..days_from_civil(2040, 1, 1) {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
    }

    /// Every file under benches/hugo/layouts must be embedded.
    #[test]
    fn all_hugo_layouts_embedded() {
        fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
            for entry in fs::read_dir(dir).expect("read layouts dir") {
                let path = entry.expect("dir entry").path();
                if path.is_dir() {
                    walk(&path, base, out);
                } else {
                    let rel = path.strip_prefix(base).expect("under base");
                    out.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/hugo");
        let mut on_disk = Vec::new();
        walk(&base.join("layouts"), &base, &mut on_disk);
        on_disk.sort();
        let mut embedded: Vec<String> = HUGO_LAYOUTS.iter().map(|(p, _)| p.to_string()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
    }
}
