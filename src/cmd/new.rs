//! `detente new`: a new exchange file from a valid skeleton.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::error::{Diagnostic, Error, Result};
use crate::load::{self, Kind};
use crate::suggest;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The exchange's title.
    pub title: String,
    /// The date, as YYYY-MM-DD.
    #[arg(long)]
    pub date: String,
    /// Slugs of the officials taking part, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub officials: Vec<String>,
    /// Slugs of the issues discussed, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub issues: Vec<String>,
    /// One of the formats of site.toml.
    #[arg(long, default_value = "in-person")]
    pub format: String,
    /// The site folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// Lowercase ASCII words joined by dashes.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').chars().take(80).collect()
}

pub fn run(args: &Args) -> Result<String> {
    let date = NaiveDate::parse_from_str(&args.date, "%Y-%m-%d").map_err(|_| {
        Error::Usage(format!(
            "--date must be a real date as YYYY-MM-DD, found `{}`",
            args.date
        ))
    })?;
    let config = load::load_config(&args.root).map_err(Error::one)?;
    let formats: Vec<&str> = config.formats.iter().map(String::as_str).collect();
    if !formats.contains(&args.format.as_str()) {
        return Err(Error::Usage(format!(
            "unknown format `{}`: {}",
            args.format,
            suggest::hint(&args.format, "formats", &formats)
        )));
    }
    check_slugs(&args.root, Kind::Official, &args.officials)?;
    check_slugs(&args.root, Kind::Issue, &args.issues)?;
    let title_slug = slugify(&args.title);
    if title_slug.is_empty() {
        return Err(Error::Usage(
            "the title needs at least one letter or digit".into(),
        ));
    }
    let slug = format!("{date}-{title_slug}");
    let rel = Path::new(Kind::Exchange.dir()).join(format!("{slug}.md"));
    let path = args.root.join(&rel);
    if path.exists() {
        return Err(Error::Usage(format!(
            "{} already exists; choose another title",
            rel.display()
        )));
    }
    let list = |items: &[String]| {
        items
            .iter()
            .map(|s| toml_string(s))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let text = format!(
        "+++\ntitle = {title}\ndate = {date}\nformat = {format}\n# location = {{ city = \"Geneva\", country = \"CH\" }}  # or text: \"Geneva, Switzerland\"\nofficials = [{officials}]\nissues = [{issues}]\n# summary = \"One or two sentences for the timeline.\"\ndraft = true\n+++\nWhat happened, who took part, what they discussed.\n",
        title = toml_string(&args.title),
        format = toml_string(&args.format),
        officials = list(&args.officials),
        issues = list(&args.issues),
    );
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create the folder", parent, e))?;
    }
    std::fs::write(&path, text).map_err(|e| Error::io("write", &path, e))?;
    Ok(format!(
        "created {} (a draft: remove `draft = true` to publish it)",
        rel.display()
    ))
}

fn toml_string(s: &str) -> String {
    crate::frontmatter::quote(s)
}

fn check_slugs(root: &Path, kind: Kind, slugs: &[String]) -> Result<()> {
    let (files, _) = load::list_entries(root, kind);
    let known: Vec<&str> = files.iter().map(|(s, _)| s.as_str()).collect();
    let problems: Vec<Diagnostic> = slugs
        .iter()
        .filter(|s| !known.contains(&s.as_str()))
        .map(|s| {
            Diagnostic::error(kind.dir(), format!("unknown {} `{s}`", kind.noun()))
                .help(suggest::hint(s, &format!("{}s", kind.noun()), &known))
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Site(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs_are_lowercase_words() {
        assert_eq!(
            slugify("Blinken and Qin meet in Beijing!"),
            "blinken-and-qin-meet-in-beijing"
        );
        assert_eq!(slugify("  US–China: talks "), "us-china-talks");
    }
}
