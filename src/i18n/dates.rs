//! Dates as a language writes them, from its interface strings: the
//! `[date]` patterns and the `[month]` names.
//!
//! Owns the patterns' placeholders and the choice between the built-in
//! English writing (the fast path every English page takes) and a
//! table's own. It reads no files; `i18n::Table` hands it the keys.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::Text;

/// The keys a language's dates are written with.
pub const KEYS: [&str; 6] = [
    "date.format",
    "date.month_year",
    "date.quarter",
    "date.range_days",
    "date.range_months",
    "date.range",
];

/// How one language writes dates, when not as built-in English does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateFormat {
    /// `{day}`, `{month}`, `{year}`.
    format: String,
    /// `{month}`, `{year}`: a month of the activity chart.
    month_year: String,
    /// `{quarter}`, `{year}`.
    quarter: String,
    /// A span within one month: `{day}`, `{end_day}`, `{month}`, `{year}`.
    range_days: String,
    /// A span within one year: also `{end_month}`.
    range_months: String,
    /// A span across years: `{from}`, `{to}` (two whole dates).
    range: String,
    /// January to December.
    months: [String; 12],
}

impl DateFormat {
    /// The dates of a table whose keys are `own` over `base` (for the
    /// language `tag`); `None` when they are built-in English's
    /// (`english`), which [`super::Table::date`] writes without patterns.
    pub fn of(
        own: &BTreeMap<String, Text>,
        base: &BTreeMap<String, Text>,
        english: &BTreeMap<String, Text>,
        tag: &str,
    ) -> Option<DateFormat> {
        let get = |k: &str| own.get(k).or_else(|| base.get(k));
        let all_keys = || KEYS.into_iter().map(str::to_string).chain(month_keys());
        if !own.contains_key("date.format") && matches!(super::primary(tag), "zh" | "ja") {
            return Some(DateFormat::cjk());
        }
        if all_keys().all(|k| get(&k) == english.get(&k)) {
            return None;
        }
        let text = |k: &str| match get(k) {
            Some(Text::Plain(s)) => s.clone(),
            _ => String::new(),
        };
        Some(DateFormat {
            format: text("date.format"),
            month_year: text("date.month_year"),
            quarter: text("date.quarter"),
            range_days: text("date.range_days"),
            range_months: text("date.range_months"),
            range: text("date.range"),
            months: std::array::from_fn(|m| text(&format!("month.{}", m + 1))),
        })
    }

    /// Year, month and day with 年月日 (Chinese and Japanese).
    fn cjk() -> DateFormat {
        DateFormat {
            format: "{year}年{month}月{day}日".into(),
            month_year: "{year}年{month}月".into(),
            quarter: "{year}年第{quarter}季度".into(),
            range_days: "{year}年{month}月{day}–{end_day}日".into(),
            range_months: "{year}年{month}月{day}日–{end_month}月{end_day}日".into(),
            range: "{from}–{to}".into(),
            months: std::array::from_fn(|m| (m + 1).to_string()),
        }
    }

    fn month(&self, d: NaiveDate) -> &str {
        &self.months[d.month0() as usize]
    }

    pub fn date(&self, d: NaiveDate) -> String {
        fill(
            &self.format,
            &[
                ("day", d.day().to_string()),
                ("month", self.month(d).to_string()),
                ("year", d.year().to_string()),
            ],
        )
    }

    pub fn range(&self, from: NaiveDate, to: NaiveDate) -> String {
        let (pattern, args) = if from.year() != to.year() {
            return fill(
                &self.range,
                &[("from", self.date(from)), ("to", self.date(to))],
            );
        } else if from.month() != to.month() {
            (
                &self.range_months,
                vec![("end_month", self.month(to).to_string())],
            )
        } else {
            (&self.range_days, Vec::new())
        };
        let mut args = args;
        args.extend([
            ("day", from.day().to_string()),
            ("end_day", to.day().to_string()),
            ("month", self.month(from).to_string()),
            ("year", from.year().to_string()),
        ]);
        fill(pattern, &args)
    }

    pub fn month_year(&self, year: i32, month0: usize) -> String {
        let month = self.months.get(month0).cloned().unwrap_or_default();
        fill(
            &self.month_year,
            &[("month", month), ("year", year.to_string())],
        )
    }

    pub fn quarter(&self, year: i32, quarter: u32) -> String {
        fill(
            &self.quarter,
            &[("quarter", quarter.to_string()), ("year", year.to_string())],
        )
    }
}

/// `month.1` to `month.12`.
pub fn month_keys() -> impl Iterator<Item = String> {
    (1..=12).map(|m| format!("month.{m}"))
}

/// `pattern` with each `{name}` replaced by its value, in one pass (a
/// value is never read as a placeholder).
fn fill(pattern: &str, args: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| {
            let name = &after[..close];
            let value = args.iter().find(|(n, _)| *n == name)?;
            Some((close, value))
        }) {
            Some((close, (_, value))) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Table;
    use crate::render::values::{display_date, display_range};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn english_patterns_write_what_the_fast_path_writes() {
        let english = Table::english();
        let keys = english.base.as_ref().clone();
        let f = DateFormat::of(&keys, &keys, &BTreeMap::new(), "en").expect("patterns");
        let mut d = day(1999, 12, 25);
        for step in 0..400 {
            let to = d + chrono::Duration::days(step % 45);
            assert_eq!(f.date(d), display_date(d));
            if to > d {
                assert_eq!(f.range(d, to), display_range(d, Some(to)));
            }
            assert_eq!(
                f.month_year(d.year(), d.month0() as usize),
                d.format("%B %Y").to_string()
            );
            d += chrono::Duration::days(3);
        }
        // Built-in English takes the fast path.
        assert!(DateFormat::of(&BTreeMap::new(), &keys, &keys, "en").is_none());
    }

    #[test]
    fn chinese_and_japanese_write_year_month_day() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (zh, _) = Table::load(dir.path(), "zh").expect("zh");
        assert_eq!(zh.date(day(2023, 6, 18)), "2023年6月18日");
        assert_eq!(
            zh.date_range(day(2023, 6, 18), Some(day(2023, 6, 19))),
            "2023年6月18–19日"
        );
        assert_eq!(
            zh.date_range(day(2023, 6, 30), Some(day(2023, 7, 2))),
            "2023年6月30日–7月2日"
        );
        assert_eq!(
            zh.date_range(day(2023, 12, 30), Some(day(2024, 1, 2))),
            "2023年12月30日–2024年1月2日"
        );
        assert_eq!(zh.month_year(2023, 5), "2023年6月");
        assert_eq!(zh.quarter(2023, 2), "2023年第2季度");
        // Japanese has no built-in table, and still its own order.
        let (ja, _) = Table::load(dir.path(), "ja").expect("ja");
        assert_eq!(ja.date(day(2023, 6, 18)), "2023年6月18日");
    }

    #[test]
    fn a_site_writes_its_language_s_dates() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("i18n")).expect("mkdir");
        let months = [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ];
        let mut text = String::from(
            "[date]\nformat = \"{day}. {month} {year}\"\nmonth_year = \"{month} {year}\"\n\
             quarter = \"{quarter}. Quartal {year}\"\nrange_days = \"{day}.–{end_day}. {month} {year}\"\n\
             range_months = \"{day}. {month} – {end_day}. {end_month} {year}\"\nrange = \"{from} – {to}\"\n[month]\n",
        );
        for (i, m) in months.iter().enumerate() {
            text.push_str(&format!("{} = \"{m}\"\n", i + 1));
        }
        std::fs::write(dir.path().join("i18n/de.toml"), text).expect("write");
        let (de, _) = Table::load(dir.path(), "de-AT").expect("de");
        assert_eq!(de.date(day(2023, 3, 18)), "18. März 2023");
        assert_eq!(
            de.date_range(day(2023, 6, 18), Some(day(2023, 6, 19))),
            "18.–19. Juni 2023"
        );
        assert_eq!(
            de.date_range(day(2023, 6, 30), Some(day(2023, 7, 1))),
            "30. Juni – 1. Juli 2023"
        );
        assert_eq!(de.quarter(2024, 1), "1. Quartal 2024");
        // A language without patterns writes English dates.
        let (fr, _) = Table::load(dir.path(), "fr").expect("fr");
        assert_eq!(fr.date(day(2023, 6, 18)), "18 June 2023");
    }

    #[test]
    fn placeholders_are_filled_once() {
        assert_eq!(
            fill("{a} {b} {c} {", &[("a", "{b}".into()), ("b", "x".into())]),
            "{b} x {c} {"
        );
    }
}
