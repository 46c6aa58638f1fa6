//! The words of the free-text search: how text becomes index terms.
//!
//! Owns the rules, which `static/search-words.js` repeats exactly for the
//! query typed in the browser (a test runs both on a word list):
//!
//! - **Fold**: lowercase, accents removed (NFD, drop U+0300–U+036F, NFC),
//!   `’` read as `'`.
//! - **Words**: runs of letters and digits (Unicode `Alphabetic` or
//!   `Numeric`), an apostrophe between two of them included (`china's`).
//!   Words longer than [`MAX_WORD`] characters (URLs, hashes) are left out.
//! - **Stems**: with English stemming, a word of ASCII letters (and
//!   apostrophes) is stemmed with Snowball's English (Porter2) stemmer
//!   (`negotiations` → `negoti`); other words are kept as folded.
//! - **CJK**: a run of Chinese, Japanese or Korean characters gives its
//!   character bigrams (`中美关系` → `中美`, `美关`, `关系`) plus its last
//!   character alone, so that a run of one character is its own term and
//!   every character starts or ends some term (a one-character query is
//!   matched as a prefix).

use std::borrow::Cow;

use rustc_hash::FxHashMap;
use unicode_normalization::UnicodeNormalization;

/// Words longer than this (in characters) are not indexed.
pub const MAX_WORD: usize = 40;

/// How words of a language are stemmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stemming {
    /// Snowball English (Porter2).
    English,
    /// Words are kept as folded.
    None,
}

impl Stemming {
    /// The stemming for a language tag (`en`, `en-GB`: English; any
    /// other: none).
    pub fn for_language(tag: &str) -> Stemming {
        let tag = tag.to_ascii_lowercase();
        if tag == "en" || tag.starts_with("en-") || tag.starts_with("en_") {
            Stemming::English
        } else {
            Stemming::None
        }
    }

    /// The name the browser reads from the manifest (`null`: none).
    pub fn name(self) -> Option<&'static str> {
        match self {
            Stemming::English => Some("en"),
            Stemming::None => None,
        }
    }
}

/// Lowercase, without accents, `’` as `'`.
pub fn fold(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            return Cow::Owned(text.to_ascii_lowercase());
        }
        return Cow::Borrowed(text);
    }
    let lower = text.to_lowercase();
    Cow::Owned(
        lower
            .nfd()
            .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
            .nfc()
            .map(|c| if c == '\u{2019}' { '\'' } else { c })
            .collect(),
    )
}

/// Whether `c` is written without spaces between words (Chinese,
/// Japanese kana, Korean syllables): indexed as bigrams.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF     // Hiragana, Katakana
        | 0x3400..=0x4DBF   // CJK Extension A
        | 0x4E00..=0x9FFF   // CJK Unified Ideographs
        | 0xAC00..=0xD7AF   // Hangul syllables
        | 0xF900..=0xFAFF   // CJK Compatibility Ideographs
        | 0x20000..=0x2FA1F // Extensions B–F, Compatibility Supplement
        | 0x30000..=0x3134F) // Extension G
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

/// A piece of folded text: a word (to stem) or a CJK term (a bigram or a
/// run's last character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    Word(&'a str),
    Cjk(&'a str),
}

/// Calls `each` with every piece of `text` (folded first), in order.
pub fn pieces(text: &str, mut each: impl FnMut(Piece<'_>)) {
    let folded = fold(text);
    let s: &str = &folded;
    if s.is_ascii() {
        // Letters and digits only, no CJK: bytes will do.
        let b = s.as_bytes();
        let word = |k: usize| b.get(k).is_some_and(u8::is_ascii_alphanumeric);
        let mut k = 0;
        while k < b.len() {
            if !word(k) {
                k += 1;
                continue;
            }
            let start = k;
            loop {
                while word(k) {
                    k += 1;
                }
                if b.get(k) == Some(&b'\'') && word(k + 1) {
                    k += 1;
                    continue;
                }
                break;
            }
            if k - start <= MAX_WORD {
                each(Piece::Word(&s[start..k]));
            }
        }
        return;
    }
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let end_of = |k: usize| chars.get(k).map_or(s.len(), |&(at, _)| at);
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k].1;
        if is_cjk(c) {
            let start = k;
            while k < chars.len() && is_cjk(chars[k].1) {
                k += 1;
            }
            for b in start..k.saturating_sub(1) {
                each(Piece::Cjk(&s[chars[b].0..end_of(b + 2)]));
            }
            each(Piece::Cjk(&s[chars[k - 1].0..end_of(k)]));
        } else if is_word(c) {
            let start = k;
            loop {
                while k < chars.len() && is_word(chars[k].1) {
                    k += 1;
                }
                let joined = k + 1 < chars.len() && chars[k].1 == '\'' && is_word(chars[k + 1].1);
                if !joined {
                    break;
                }
                k += 1;
            }
            if k - start <= MAX_WORD {
                each(Piece::Word(&s[chars[start].0..end_of(k)]));
            }
        } else {
            k += 1;
        }
    }
}

/// Turns text into terms, remembering the stems it has made.
pub struct Words {
    stemmer: Option<rust_stemmers::Stemmer>,
    /// Word → its stem's place in `list`.
    stems: FxHashMap<String, usize>,
    list: Vec<String>,
}

impl Words {
    pub fn new(stemming: Stemming) -> Words {
        Words {
            stemmer: match stemming {
                Stemming::English => Some(rust_stemmers::Stemmer::create(
                    rust_stemmers::Algorithm::English,
                )),
                Stemming::None => None,
            },
            stems: FxHashMap::default(),
            list: Vec::new(),
        }
    }

    /// The stem of one folded word.
    pub fn stem<'w>(&'w mut self, word: &'w str) -> &'w str {
        let Some(stemmer) = &self.stemmer else {
            return word;
        };
        if !word.bytes().all(|b| b.is_ascii_lowercase() || b == b'\'') {
            return word;
        }
        if let Some(&at) = self.stems.get(word) {
            return &self.list[at];
        }
        let stem = stemmer.stem(word).into_owned();
        self.list.push(stem);
        self.stems.insert(word.to_string(), self.list.len() - 1);
        &self.list[self.list.len() - 1]
    }

    /// Calls `each` with every term of `text`, in order (repeats included).
    pub fn terms(&mut self, text: &str, mut each: impl FnMut(&str)) {
        pieces(text, |p| match p {
            Piece::Word(w) => each(self.stem(w)),
            Piece::Cjk(t) => each(t),
        });
    }

    /// The terms of `text` as owned strings (tests, small texts).
    pub fn collect(&mut self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.terms(text, |t| out.push(t.to_string()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        Words::new(Stemming::English).collect(text)
    }

    #[test]
    fn words_are_folded_and_stemmed() {
        assert_eq!(
            terms("Négotiations, CHINA’s trade-offs; 2023 G20"),
            ["negoti", "china", "trade", "off", "2023", "g20"]
        );
        assert_eq!(terms("running runs ran"), ["run", "run", "ran"]);
        assert_eq!(
            Words::new(Stemming::None).collect("Running Zürich"),
            ["running", "zurich"]
        );
    }

    #[test]
    fn cjk_runs_give_bigrams_and_their_last_character() {
        assert_eq!(
            terms("中美关系 and 美"),
            ["中美", "美关", "关系", "系", "and", "美"]
        );
        assert_eq!(terms("王毅"), ["王毅", "毅"]);
        assert_eq!(terms("한국어"), ["한국", "국어", "어"]);
    }

    #[test]
    fn long_words_and_lone_apostrophes() {
        let long = "a".repeat(MAX_WORD + 1);
        assert_eq!(
            terms(&format!("{long} ok 'quoted' it's")),
            ["ok", "quot", "it"]
        );
    }

    #[test]
    fn languages() {
        assert_eq!(Stemming::for_language("en"), Stemming::English);
        assert_eq!(Stemming::for_language("en-GB"), Stemming::English);
        assert_eq!(Stemming::for_language("zh"), Stemming::None);
        assert_eq!(Stemming::for_language("eng"), Stemming::None);
    }
}
