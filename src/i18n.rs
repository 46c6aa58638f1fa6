//! The words the default templates and pages print, per language.
//!
//! Owns the translation tables (`i18n/<tag>.toml`, embedded by build.rs,
//! each key replaceable by a site's own `i18n/<tag>.toml`), the `t(key=…)`
//! Tera function, plural forms, and dates written per language. A key a
//! language lacks falls back to English, and is reported as a warning
//! listing the keys. It renders no page and reads no content.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use tera::Value;

mod dates;

use dates::DateFormat;

use crate::embedded;
use crate::error::Diagnostic;

/// The folder of a site's own interface strings.
pub const DIR: &str = "i18n";

/// The plural categories of CLDR, the keys of a plural entry.
const PLURAL_FORMS: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// The language every key exists in.
pub const BASE: &str = "en";

/// One entry: a text, or plural forms (`one`, `other`; `zero` optional).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Text {
    Plain(String),
    Plural(BTreeMap<String, String>),
}

/// The interface strings of one language, with English beneath.
#[derive(Debug, Clone)]
pub struct Table {
    tag: String,
    own: BTreeMap<String, Text>,
    base: Arc<BTreeMap<String, Text>>,
    /// How dates are written, unless as built-in English writes them.
    dates: Option<Arc<DateFormat>>,
}

/// Reads `text` (a TOML table of keys, with nested tables joined by `.`).
fn parse(text: &str, file: &Path) -> Result<BTreeMap<String, Text>, Diagnostic> {
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let at = e
            .span()
            .map(|s| crate::error::LineCol::of_offset(text, s.start));
        Diagnostic::error(file, format!("invalid interface strings: {}", e.message()))
            .at(at)
            .help(
                "write `key = \"text\"`, or plural forms as `key = { one = \"…\", other = \"…\" }`",
            )
    })?;
    let mut out = BTreeMap::new();
    flatten("", &table, &mut out, file)?;
    Ok(out)
}

fn flatten(
    prefix: &str,
    table: &toml::Table,
    out: &mut BTreeMap<String, Text>,
    file: &Path,
) -> Result<(), Diagnostic> {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::String(s) => {
                out.insert(key, Text::Plain(s.clone()));
            }
            // Plural forms: only CLDR's category names, `other` among them.
            toml::Value::Table(t)
                if t.contains_key("other")
                    && t.iter().all(|(form, text)| {
                        PLURAL_FORMS.contains(&form.as_str()) && text.is_str()
                    }) =>
            {
                let mut forms = BTreeMap::new();
                for (form, text) in t {
                    let Some(text) = text.as_str() else {
                        return Err(Diagnostic::error(
                            file,
                            format!("`{key}.{form}` must be text"),
                        ));
                    };
                    forms.insert(form.clone(), text.to_string());
                }
                out.insert(key, Text::Plural(forms));
            }
            toml::Value::Table(t) => flatten(&key, t, out, file)?,
            _ => {
                return Err(Diagnostic::error(file, format!("`{key}` must be text"))
                    .help("write it in double quotes"));
            }
        }
    }
    Ok(())
}

/// The built-in table of `tag`, if detente has one.
fn builtin(tag: &str) -> Option<&'static str> {
    embedded::I18N
        .iter()
        .find(|(t, _)| *t == tag)
        .map(|(_, text)| *text)
}

impl Table {
    /// A fingerprint of every string the table gives (pages that print
    /// them are made again when it changes).
    pub fn fingerprint(&self) -> u64 {
        crate::render::deps::hash_of((&self.tag, &self.own, &*self.base))
    }

    /// The table of `tag` for the site at `root`: the built-in strings,
    /// each replaceable by the site's `i18n/<tag>.toml`, and English
    /// beneath. Returns the table and a warning naming the keys that fell
    /// back to English.
    pub fn load(root: &Path, tag: &str) -> Result<(Table, Option<Diagnostic>), Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let mut layer = |tag: &str| -> BTreeMap<String, Text> {
            let mut table = BTreeMap::new();
            let lang = primary(tag);
            for t in [lang, tag] {
                if let Some(text) = builtin(t) {
                    match parse(
                        text,
                        &Path::new("<built-in i18n>").join(format!("{t}.toml")),
                    ) {
                        Ok(t) => table.extend(t),
                        Err(d) => problems.push(d),
                    }
                }
            }
            for t in [lang, tag] {
                let rel = Path::new(DIR).join(format!("{t}.toml"));
                if root.join(&rel).is_file() {
                    match crate::load::read_text(root, &rel).and_then(|text| parse(&text, &rel)) {
                        Ok(t) => table.extend(t),
                        Err(d) => problems.push(d),
                    }
                }
            }
            table
        };
        let base = layer(BASE);
        let own = if tag == BASE {
            BTreeMap::new()
        } else {
            layer(tag)
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        let missing: Vec<&str> = if tag == BASE || primary(tag) == BASE {
            Vec::new()
        } else {
            base.keys()
                .filter(|k| !own.contains_key(*k))
                .map(String::as_str)
                .collect()
        };
        let warning = (!missing.is_empty()).then(|| {
            Diagnostic::warning(
                Path::new(DIR).join(format!("{tag}.toml")),
                format!(
                    "{} interface strings have no `{tag}` translation and are shown in English: {}",
                    missing.len(),
                    missing.join(", ")
                ),
            )
            .help(format!("add them to {DIR}/{tag}.toml in the site folder"))
        });
        let dates = DateFormat::of(&own, &base, &Table::english().base, tag).map(Arc::new);
        Ok((
            Table {
                tag: tag.to_string(),
                own,
                base: Arc::new(base),
                dates,
            },
            warning,
        ))
    }

    /// English alone (tests, and sites in one language).
    /// The built-in English table is parsed once per process: every
    /// model and every template set starts from it.
    pub fn english() -> Table {
        static ENGLISH: std::sync::OnceLock<Arc<BTreeMap<String, Text>>> =
            std::sync::OnceLock::new();
        let base = ENGLISH.get_or_init(|| {
            Arc::new(
                builtin(BASE)
                    .and_then(|text| parse(text, Path::new("en.toml")).ok())
                    .unwrap_or_default(),
            )
        });
        Table {
            tag: BASE.to_string(),
            own: BTreeMap::new(),
            base: Arc::clone(base),
            dates: None,
        }
    }

    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The text of `key` with `{name}` replaced by each of `args`; `n`
    /// chooses the plural form. `None` for a key no table has.
    pub fn get(&self, key: &str, n: Option<i64>, args: &[(&str, String)]) -> Option<String> {
        let text = self.own.get(key).or_else(|| self.base.get(key))?;
        let from_own = self.own.contains_key(key);
        let tag = if from_own { self.tag.as_str() } else { BASE };
        let template = match text {
            Text::Plain(s) => s.as_str(),
            Text::Plural(forms) => {
                let form = plural_form(tag, n.unwrap_or(0));
                let zero = (n == Some(0)).then(|| forms.get("zero")).flatten();
                zero.or_else(|| forms.get(form))
                    .or_else(|| forms.get("other"))
                    .map_or("", String::as_str)
            }
        };
        let mut out = template.to_string();
        if let Some(n) = n {
            out = out.replace("{n}", &n.to_string());
        }
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        Some(out)
    }

    /// [`Table::get`], or the key itself when no table has it.
    pub fn text(&self, key: &str, n: Option<i64>, args: &[(&str, String)]) -> String {
        self.get(key, n, args).unwrap_or_else(|| key.to_string())
    }

    /// The language's name for itself, for the language switcher: its
    /// table's `lang.name`; else, for a language detente has no table
    /// for, its common name in its own script (`العربية`, `Deutsch`),
    /// else its tag. Never English's name for a language that is not.
    pub fn language_name(&self) -> String {
        if let Some(Text::Plain(name)) = self.own.get("lang.name") {
            return name.clone();
        }
        if primary(&self.tag) == BASE {
            return self.text("lang.name", None, &[]);
        }
        autonym(&self.tag).unwrap_or(&self.tag).to_string()
    }

    /// A date as this language writes it: `18 June 2023`, `2023年6月18日`.
    pub fn date(&self, d: NaiveDate) -> String {
        match &self.dates {
            Some(f) => f.date(d),
            None => crate::render::values::display_date(d),
        }
    }

    /// A span of dates as this language writes it: `18–19 June 2023`,
    /// `2023年6月18–19日`; one date when `to` is none or not later.
    pub fn date_range(&self, from: NaiveDate, to: Option<NaiveDate>) -> String {
        match (&self.dates, to.filter(|t| *t > from)) {
            (None, _) => crate::render::values::display_range(from, to),
            (Some(f), Some(to)) => f.range(from, to),
            (Some(f), None) => f.date(from),
        }
    }

    /// A month of the activity chart: `June 2023`, `2023年6月`.
    pub fn month_year(&self, year: i32, month0: usize) -> String {
        match &self.dates {
            Some(f) => f.month_year(year, month0),
            None => {
                let d = NaiveDate::from_ymd_opt(year, month0 as u32 + 1, 1);
                d.map_or_else(String::new, |d| d.format("%B %Y").to_string())
            }
        }
    }

    /// A quarter of the activity chart: `Q2 2023`, `2023年第2季度`.
    pub fn quarter(&self, year: i32, quarter: u32) -> String {
        match &self.dates {
            Some(f) => f.quarter(year, quarter),
            None => format!("Q{quarter} {year}"),
        }
    }

    /// Registers `t(key=…, n=…, …)` on `tera`: the text of `key` in this
    /// language, its `{…}` filled from the other arguments.
    pub fn register(&self, tera: &mut tera::Tera) {
        let table = self.clone();
        tera.register_function("t", move |kwargs: tera::Kwargs, _: &tera::State| {
            let key: String = kwargs.must_get("key")?;
            let n: Option<i64> = kwargs.get("n")?;
            let default: Option<String> = kwargs.get("default")?;
            let mut args: Vec<(String, String)> = Vec::new();
            for (name, value) in kwargs.iter() {
                let name = name.to_string();
                if name == "key" || name == "n" || name == "default" {
                    continue;
                }
                args.push((name, value_text(value)));
            }
            let args: Vec<(&str, String)> =
                args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
            table.get(&key, n, &args).or(default).ok_or_else(|| {
                tera::Error::message(format!(
                    "`{key}` is not an interface string (see i18n/en.toml for the keys)"
                ))
            })
        });
    }
}

fn value_text(value: &Value) -> String {
    match value.as_str() {
        Some(s) => s.to_string(),
        None => value.to_string(),
    }
}

/// The direction a language is written in, `rtl` or `ltr`: by its script
/// subtag when it has one (`Arab`, `Hebr`, `Thaa`, `Syrc`, `Nkoo`, `Adlm`,
/// `Rohg` are right to left), else by its language (Arabic, Hebrew,
/// Persian, Urdu, Pashto, Sindhi, Uyghur, Yiddish, Dhivehi, Sorani, …).
pub fn direction(tag: &str) -> &'static str {
    const RTL_SCRIPTS: [&str; 7] = ["arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg"];
    const RTL_LANGUAGES: [&str; 13] = [
        "ar", "he", "iw", "fa", "ur", "ps", "sd", "ug", "yi", "dv", "ckb", "syr", "nqo",
    ];
    let lower = tag.to_ascii_lowercase();
    let mut subtags = lower.split('-');
    let language = subtags.next().unwrap_or("");
    let rtl = match subtags.find(|s| s.len() == 4 && s.bytes().all(|b| b.is_ascii_alphabetic())) {
        Some(script) => RTL_SCRIPTS.contains(&script),
        None => RTL_LANGUAGES.contains(&language),
    };
    if rtl { "rtl" } else { "ltr" }
}

/// A language's name in its own language, for the languages most sites
/// are published in (by primary subtag; Chinese by script).
fn autonym(tag: &str) -> Option<&'static str> {
    let lower = tag.to_ascii_lowercase();
    if lower.starts_with("zh") {
        let traditional = ["hant", "tw", "hk", "mo"];
        return Some(if lower.split('-').any(|s| traditional.contains(&s)) {
            "繁體中文"
        } else {
            "中文"
        });
    }
    const NAMES: [(&str, &str); 40] = [
        ("am", "አማርኛ"),
        ("ar", "العربية"),
        ("bg", "Български"),
        ("bn", "বাংলা"),
        ("ca", "Català"),
        ("cs", "Čeština"),
        ("da", "Dansk"),
        ("de", "Deutsch"),
        ("el", "Ελληνικά"),
        ("es", "Español"),
        ("et", "Eesti"),
        ("fa", "فارسی"),
        ("fi", "Suomi"),
        ("fr", "Français"),
        ("he", "עברית"),
        ("hi", "हिन्दी"),
        ("hr", "Hrvatski"),
        ("hu", "Magyar"),
        ("id", "Bahasa Indonesia"),
        ("it", "Italiano"),
        ("ja", "日本語"),
        ("ka", "ქართული"),
        ("kk", "Қазақ тілі"),
        ("ko", "한국어"),
        ("lt", "Lietuvių"),
        ("lv", "Latviešu"),
        ("ms", "Bahasa Melayu"),
        ("nl", "Nederlands"),
        ("no", "Norsk"),
        ("pl", "Polski"),
        ("pt", "Português"),
        ("ro", "Română"),
        ("ru", "Русский"),
        ("sk", "Slovenčina"),
        ("sr", "Српски"),
        ("sv", "Svenska"),
        ("th", "ไทย"),
        ("tr", "Türkçe"),
        ("uk", "Українська"),
        ("vi", "Tiếng Việt"),
    ];
    let primary = primary(&lower);
    NAMES
        .iter()
        .find(|(t, _)| *t == primary)
        .map(|(_, name)| *name)
        .or(match primary {
            "ur" => Some("اردو"),
            "sw" => Some("Kiswahili"),
            "ne" => Some("नेपाली"),
            _ => None,
        })
}

/// The language subtag of a BCP 47 tag: `zh` of `zh-Hans`.
pub fn primary(tag: &str) -> &str {
    tag.split('-').next().unwrap_or(tag)
}

/// The CLDR plural category of the whole number `n` in the language of
/// `tag`, after CLDR's plural rules (the integer cases; a table lacking
/// the category gives its `other` form). Languages CLDR gives one form
/// use `other` only; a language not listed follows English.
fn plural_form(tag: &str, n: i64) -> &'static str {
    let n = n.unsigned_abs();
    let (n10, n100) = (n % 10, n % 100);
    match primary(tag) {
        "zh" | "ja" | "ko" | "vi" | "th" | "id" | "ms" | "lo" | "my" | "km" | "yo" | "jv"
        | "ig" | "bo" | "dz" | "ii" | "kea" | "ses" | "sg" | "to" | "wo" => "other",
        // One for 0 and 1.
        "fr" | "pt" | "hi" | "bn" | "fa" | "gu" | "kn" | "zu" | "am" | "as" | "ff" | "kab"
            if n <= 1 =>
        {
            "one"
        }
        "fr" | "pt" | "es" | "it" | "ca" if n != 0 && n % 1_000_000 == 0 => "many",
        "ru" | "uk" | "be" => match () {
            _ if n10 == 1 && n100 != 11 => "one",
            _ if (2..=4).contains(&n10) && !(12..=14).contains(&n100) => "few",
            _ => "many",
        },
        "hr" | "sr" | "bs" | "sh" => match () {
            _ if n10 == 1 && n100 != 11 => "one",
            _ if (2..=4).contains(&n10) && !(12..=14).contains(&n100) => "few",
            _ => "other",
        },
        "pl" => match () {
            _ if n == 1 => "one",
            _ if (2..=4).contains(&n10) && !(12..=14).contains(&n100) => "few",
            _ => "many",
        },
        "cs" | "sk" => match n {
            1 => "one",
            2..=4 => "few",
            _ => "other",
        },
        "lt" => match () {
            _ if n10 == 1 && !(11..=19).contains(&n100) => "one",
            _ if (2..=9).contains(&n10) && !(11..=19).contains(&n100) => "few",
            _ => "other",
        },
        "lv" => match () {
            _ if n10 == 0 || (11..=19).contains(&n100) => "zero",
            _ if n10 == 1 && n100 != 11 => "one",
            _ => "other",
        },
        "ro" | "mo" => match () {
            _ if n == 1 => "one",
            _ if n == 0 || (2..=19).contains(&n100) => "few",
            _ => "other",
        },
        "sl" => match n100 {
            1 => "one",
            2 => "two",
            3 | 4 => "few",
            _ => "other",
        },
        "ar" => match () {
            _ if n == 0 => "zero",
            _ if n == 1 => "one",
            _ if n == 2 => "two",
            _ if (3..=10).contains(&n100) => "few",
            _ if (11..=99).contains(&n100) => "many",
            _ => "other",
        },
        "he" | "iw" => match n {
            1 => "one",
            2 => "two",
            _ => "other",
        },
        "ga" => match n {
            1 => "one",
            2 => "two",
            3..=6 => "few",
            7..=10 => "many",
            _ => "other",
        },
        "cy" => match n {
            0 => "zero",
            1 => "one",
            2 => "two",
            3 => "few",
            6 => "many",
            _ => "other",
        },
        _ if n == 1 => "one",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_is_named_in_itself() {
        let dir = tempfile::tempdir().expect("temp dir");
        let name = |tag: &str| {
            Table::load(dir.path(), tag)
                .expect("table")
                .0
                .language_name()
        };
        assert_eq!(name("en"), "English");
        assert_eq!(name("zh"), "中文", "the built-in table's");
        assert_eq!(name("ar"), "العربية");
        assert_eq!(name("pt-BR"), "Português");
        assert_eq!(
            name("zh-Hant"),
            "中文",
            "zh's built-in table applies to zh-Hant"
        );
        assert_eq!(name("tlh"), "tlh", "no name: the tag");
        std::fs::create_dir_all(dir.path().join("i18n")).expect("mkdir");
        std::fs::write(dir.path().join("i18n/ar.toml"), "[lang]\nname = \"عربي\"\n")
            .expect("write");
        assert_eq!(name("ar"), "عربي", "the site's own");
    }

    #[test]
    fn directions_follow_the_script() {
        for tag in ["ar", "he", "fa-IR", "ur", "ckb", "az-Arab", "yi"] {
            assert_eq!(direction(tag), "rtl", "{tag}");
        }
        for tag in [
            "en",
            "zh-Hans",
            "az",
            "uz-Latn",
            "ku",
            "pa-Arab-x",
            "sr-Cyrl",
        ] {
            let want = if tag == "pa-Arab-x" { "rtl" } else { "ltr" };
            assert_eq!(direction(tag), want, "{tag}");
        }
    }

    #[test]
    fn plural_categories_follow_cldr() {
        let forms = |tag: &str, ns: &[i64]| -> Vec<&'static str> {
            ns.iter().map(|&n| plural_form(tag, n)).collect()
        };
        assert_eq!(
            forms("en", &[0, 1, 2, 11]),
            ["other", "one", "other", "other"]
        );
        assert_eq!(forms("zh-Hans", &[0, 1, 2]), ["other", "other", "other"]);
        assert_eq!(
            forms("fr", &[0, 1, 2, 1_000_000]),
            ["one", "one", "other", "many"]
        );
        assert_eq!(
            forms("ru", &[1, 2, 5, 11, 12, 21, 22, 25, 111]),
            [
                "one", "few", "many", "many", "many", "one", "few", "many", "many"
            ]
        );
        assert_eq!(
            forms("pl", &[1, 2, 5, 12, 21, 22]),
            ["one", "few", "many", "many", "many", "few"]
        );
        assert_eq!(forms("cs", &[1, 3, 5]), ["one", "few", "other"]);
        assert_eq!(
            forms("ar", &[0, 1, 2, 3, 11, 100, 103]),
            ["zero", "one", "two", "few", "many", "other", "few"]
        );
        assert_eq!(forms("he", &[1, 2, 3]), ["one", "two", "other"]);
        assert_eq!(forms("lv", &[0, 1, 11, 21]), ["zero", "one", "zero", "one"]);
        assert_eq!(
            forms("ro", &[0, 1, 2, 19, 20, 101]),
            ["few", "one", "few", "few", "other", "other"]
        );
        assert_eq!(
            forms("sl", &[1, 2, 3, 5, 101]),
            ["one", "two", "few", "other", "one"]
        );
    }

    #[test]
    fn a_form_the_table_lacks_gives_other() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("i18n")).expect("mkdir");
        std::fs::write(
            dir.path().join("i18n/ru.toml"),
            "[count]\nexchanges = { one = \"{n} встреча\", few = \"{n} встречи\", many = \"{n} встреч\", other = \"{n} встречи\" }\n",
        )
        .expect("write");
        let (t, _) = Table::load(dir.path(), "ru").expect("load");
        let say = |n| t.text("count.exchanges", Some(n), &[]);
        assert_eq!(
            [say(1), say(3), say(5), say(21)],
            ["1 встреча", "3 встречи", "5 встреч", "21 встреча"]
        );
        std::fs::write(
            dir.path().join("i18n/ru.toml"),
            "[count]\nexchanges = { one = \"{n} встреча\", other = \"{n} встреч\" }\n",
        )
        .expect("write");
        let (t, _) = Table::load(dir.path(), "ru").expect("load");
        assert_eq!(t.text("count.exchanges", Some(3), &[]), "3 встреч");
    }

    #[test]
    fn english_plurals_and_arguments() {
        let t = Table::english();
        assert_eq!(t.text("count.exchanges", Some(1), &[]), "1 exchange");
        assert_eq!(t.text("count.exchanges", Some(3), &[]), "3 exchanges");
        assert_eq!(t.tag(), "en");
    }

    #[test]
    fn a_missing_key_falls_back_to_english_and_is_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("i18n")).expect("mkdir");
        // A language detente has no table for: the site's one key, and
        // English for the rest, named in a warning.
        std::fs::write(
            dir.path().join("i18n/de.toml"),
            "[nav]\ntimeline = \"Zeitleiste\"\n",
        )
        .expect("write");
        let (de, warning) = Table::load(dir.path(), "de").expect("loads");
        assert_eq!(de.text("nav.timeline", None, &[]), "Zeitleiste");
        assert_eq!(de.text("nav.officials", None, &[]), "Officials");
        let warning = warning.expect("a warning");
        assert!(!warning.message.contains("nav.timeline"), "{warning}");
        assert!(warning.message.contains("nav.officials"), "{warning}");
        // Chinese is built in, whole; a site may replace one string.
        std::fs::write(
            dir.path().join("i18n/zh.toml"),
            "[nav]\ntimeline = \"大事记\"\n",
        )
        .expect("write");
        let (t, warning) = Table::load(dir.path(), "zh").expect("loads");
        assert!(warning.is_none(), "{warning:?}");
        assert_eq!(t.text("nav.timeline", None, &[]), "大事记");
        assert_eq!(t.text("nav.officials", None, &[]), "官员");
        assert_eq!(t.text("count.exchanges", Some(1), &[]), "1 次交往");
        let d = NaiveDate::from_ymd_opt(2023, 6, 18).expect("date");
        assert_eq!(t.date(d), "2023年6月18日");
        let e = NaiveDate::from_ymd_opt(2023, 6, 19).expect("date");
        assert_eq!(t.date_range(d, Some(e)), "2023年6月18–19日");
        assert_eq!(Table::english().date(d), "18 June 2023");
    }
}
