//! "Did you mean …?" suggestions for misspelled names.
//!
//! Owns the edit-distance measure and the choice of the closest candidate;
//! callers decide what the candidates are and how to word the hint.

/// The candidate closest to `wrong`, if one is close enough to be a likely typo.
pub fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong_lower = wrong.to_lowercase();
    let limit = (wrong.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| {
            let lower = c.to_lowercase();
            let mut d = distance(&wrong_lower, &lower);
            // The same words in another order ("netanyahu-benjamin" for
            // "benjamin-netanyahu", "Wang Yi" for "yi-wang") is a typo of
            // order, not of spelling.
            if d > 0 && words(&wrong_lower) == words(&lower) {
                d = 1;
            }
            // A candidate that contains what was typed ("blinken" in
            // "antony-blinken") is a good guess even when it is much longer.
            if d > limit && wrong_lower.len() >= 3 && lower.contains(&wrong_lower) {
                d = limit;
            }
            (d, c)
        })
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// The words of a name or slug (split at dashes, underscores, spaces and
/// dots), sorted.
fn words(text: &str) -> Vec<&str> {
    let mut w: Vec<&str> = text
        .split(['-', '_', ' ', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    w.sort_unstable();
    w
}

/// A help line naming the closest candidate, or listing the valid ones.
pub fn hint(wrong: &str, what: &str, candidates: &[&str]) -> String {
    match closest(wrong, candidates.iter().copied()) {
        Some(c) => format!("did you mean `{c}`?"),
        None if candidates.is_empty() => format!("there are no {what} yet"),
        None if candidates.len() <= 12 => format!(
            "valid {what}: {}",
            candidates
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => format!("no {what} has a similar name"),
    }
}

/// Levenshtein distance between two strings, counted in characters.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j + 1] + 1).min(cur[j] + 1).min(prev[j] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_and_partial_names() {
        let c = ["antony-blinken", "qin-gang", "wang-yi"];
        assert_eq!(closest("antony-blinkn", c), Some("antony-blinken"));
        assert_eq!(closest("blinken", c), Some("antony-blinken"));
        assert_eq!(closest("wang-y", c), Some("wang-yi"));
        assert_eq!(closest("zzzzzz", c), None);
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("same", "same"), 0);
    }

    #[test]
    fn words_in_another_order_are_suggested() {
        let officials = ["benjamin-netanyahu", "antony-blinken", "wang-yi"];
        assert_eq!(
            closest("netanyahu-benjamin", officials),
            Some("benjamin-netanyahu")
        );
        assert_eq!(closest("yi-wang", officials), Some("wang-yi"));
    }
}
