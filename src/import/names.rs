//! Names to slugs: folding names for comparison, making slugs, and
//! matching the people and topics an import names against the site's
//! existing officials and issues.
//!
//! Owns the folding rule (what counts as "the same name") and the
//! matching order: an existing slug written as such, then an existing
//! entry whose name folds the same (two of them: ambiguous), then an
//! existing slug equal to the name's slug, then an entry created earlier
//! in the same import, else a new one. It reads no files and writes none.

use std::collections::HashMap;

/// A name folded for comparison: transliterated to ASCII (diacritics
/// dropped, `ł` → `l`, `ß` → `ss`, other scripts romanized), lowercase,
/// words separated by single spaces, punctuation gone. "Wang Yì",
/// "WANG YI" and "wang-yi" all fold to `wang yi`.
pub fn fold(name: &str) -> String {
    let ascii = deunicode::deunicode(name);
    let mut out = String::with_capacity(ascii.len());
    for word in ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    out
}

/// The slug of a name or title: its folded words joined by `-`, at most
/// 80 characters, cut at a word. Empty when the text has no letter or
/// digit.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for word in fold(text).split(' ').filter(|w| !w.is_empty()) {
        let extra = word.len() + usize::from(!out.is_empty());
        if out.len() + extra > 80 {
            if out.is_empty() {
                out.push_str(&word[..80]);
            }
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    out
}

/// How a written name was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum How {
    /// The text was the slug of an existing entry, or the name's slug is.
    Slug,
    /// The text folds to the name of an existing entry.
    Name,
}

/// What a written name stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// An entry already in the site.
    Existing { slug: String, how: How },
    /// An entry this import creates (or created for an earlier row).
    New { slug: String },
    /// Two or more existing entries fold to this name: their slugs.
    Ambiguous(Vec<String>),
    /// The name has no letter or digit to make a slug of.
    Empty,
}

/// The entries of one kind (officials or issues) that an import can name:
/// those in the site, and those the import creates.
#[derive(Debug, Default)]
pub struct Names {
    /// The slugs of the site's entries.
    existing: Vec<String>,
    /// Lowercase slug → index into `existing`.
    by_slug: HashMap<String, usize>,
    /// Folded name → indexes into `existing`.
    by_fold: HashMap<String, Vec<usize>>,
    /// Lowercase slug → the slug and name of an entry this import creates.
    created: HashMap<String, (String, String)>,
    /// Folded name → lowercase slug of an entry this import creates.
    created_fold: HashMap<String, String>,
}

impl Names {
    /// The index of a site's entries, given as (slug, name).
    pub fn new<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> Names {
        let mut names = Names::default();
        for (slug, name) in entries {
            let i = names.existing.len();
            names.existing.push(slug.to_string());
            names.by_slug.entry(slug.to_ascii_lowercase()).or_insert(i);
            let folded = fold(name);
            if !folded.is_empty() {
                names.by_fold.entry(folded).or_default().push(i);
            }
        }
        names
    }

    /// What `text` (a name, or a slug) stands for, given the slug the
    /// source proposes for a new entry, if any. Creates nothing: call
    /// [`Names::create`] once the row that names it is accepted.
    pub fn find(&self, text: &str, proposed_slug: Option<&str>) -> Found {
        let text = text.trim();
        let lower = text.to_ascii_lowercase();
        let given = proposed_slug.map(str::to_ascii_lowercase);
        for slug in given.iter().chain(std::iter::once(&lower)) {
            if let Some(&i) = self.by_slug.get(slug) {
                return Found::Existing {
                    slug: self.existing[i].clone(),
                    how: How::Slug,
                };
            }
        }
        let folded = fold(text);
        if let Some(found) = self.by_fold.get(&folded) {
            return match found.as_slice() {
                [i] => Found::Existing {
                    slug: self.existing[*i].clone(),
                    how: How::Name,
                },
                many => Found::Ambiguous(many.iter().map(|&i| self.existing[i].clone()).collect()),
            };
        }
        let own = slug(text);
        if let Some(&i) = self.by_slug.get(&own) {
            return Found::Existing {
                slug: self.existing[i].clone(),
                how: How::Slug,
            };
        }
        let key = match given.filter(|g| crate::validate::is_valid_slug(g)) {
            Some(g) => g,
            None if own.is_empty() => return Found::Empty,
            None => own,
        };
        if let Some((slug, _)) = self.created.get(&key) {
            return Found::New { slug: slug.clone() };
        }
        if let Some(slug) = self
            .created_fold
            .get(&folded)
            .and_then(|k| self.created.get(k))
        {
            return Found::New {
                slug: slug.0.clone(),
            };
        }
        let slug = proposed_slug
            .filter(|s| crate::validate::is_valid_slug(s))
            .map_or(key, str::to_string);
        Found::New { slug }
    }

    /// Records a new entry, so that later rows naming it (by slug or by
    /// name) find it. The first name given for a slug is the one kept.
    pub fn create(&mut self, slug: &str, name: &str) {
        let key = slug.to_ascii_lowercase();
        if self.created.contains_key(&key) {
            return;
        }
        self.created
            .insert(key.clone(), (slug.to_string(), name.trim().to_string()));
        self.created_fold.entry(fold(name)).or_insert(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_diacritics_case_and_punctuation() {
        assert_eq!(fold("Wang Yì"), "wang yi");
        assert_eq!(fold("  WANG   yi "), "wang yi");
        assert_eq!(fold("wang-yi"), "wang yi");
        assert_eq!(fold("Radosław Sikorski"), "radoslaw sikorski");
        assert_eq!(fold("Jürgen Weiß"), "jurgen weiss");
        assert_eq!(fold("Ségolène Royal"), "segolene royal");
        assert_eq!(fold("!!"), "");
    }

    #[test]
    fn slugs_are_ascii_words_and_never_empty_for_other_scripts() {
        assert_eq!(slug("Wang Yì"), "wang-yi");
        assert_eq!(slug("Blinken & Qin: talks!"), "blinken-qin-talks");
        assert!(!slug("王毅").is_empty());
        assert!(crate::validate::is_valid_slug(&slug("王毅")));
        assert_eq!(slug("?!"), "");
        let long = "word ".repeat(40);
        assert!(slug(&long).len() <= 80);
        assert!(!slug(&long).ends_with('-'));
    }

    fn site() -> Names {
        Names::new([
            ("wang-yi", "Wang Yi"),
            ("antony-blinken", "Antony Blinken"),
            ("li-hua", "Li Hua"),
            ("li-hua-2", "Lǐ Huá"),
            ("jake", "Jake Sullivan"),
        ])
    }

    #[test]
    fn matches_by_slug_and_by_folded_name() {
        let n = site();
        let existing = |slug: &str, how| Found::Existing {
            slug: slug.into(),
            how,
        };
        assert_eq!(n.find("Wang Yì", None), existing("wang-yi", How::Name));
        assert_eq!(n.find("wang-yi", None), existing("wang-yi", How::Slug));
        assert_eq!(
            n.find("ANTONY BLINKEN", None),
            existing("antony-blinken", How::Name)
        );
        assert_eq!(n.find("jake sullivan", None), existing("jake", How::Name));
        assert_eq!(n.find("Whoever", Some("jake")), existing("jake", How::Slug));
    }

    #[test]
    fn two_existing_entries_with_one_folded_name_are_ambiguous_unless_named_by_slug() {
        let n = site();
        assert_eq!(
            n.find("Li Hua", None),
            Found::Ambiguous(vec!["li-hua".into(), "li-hua-2".into()])
        );
        assert!(matches!(n.find("li-hua-2", None), Found::Existing { .. }));
    }

    #[test]
    fn new_names_are_created_once() {
        let mut n = site();
        assert_eq!(
            n.find("Qin Gang", None),
            Found::New {
                slug: "qin-gang".into()
            }
        );
        n.create("qin-gang", "Qin Gang");
        assert_eq!(
            n.find("Qín Gāng", None),
            Found::New {
                slug: "qin-gang".into()
            }
        );
        assert_eq!(
            n.find("Q. Gang", Some("qin-gang")),
            Found::New {
                slug: "qin-gang".into()
            }
        );
        assert_eq!(
            n.find("Someone", Some("Not A Slug!")),
            Found::New {
                slug: "someone".into()
            }
        );
        assert_eq!(n.find("--", None), Found::Empty);
    }
}
