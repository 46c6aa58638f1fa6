//! `detente init`: a new working site: content and site.toml. The default
//! templates and static files stay built in (override one at a time, see
//! `detente templates eject`); `--templates` copies them all, as before.

use std::path::{Path, PathBuf};

use crate::embedded;
use crate::error::{Error, Result};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to create (must not exist, or be empty).
    pub dir: PathBuf,
    /// Also copy every default template and static file into the site
    /// (a site that then no longer follows detente's defaults).
    #[arg(long)]
    pub templates: bool,
}

const SITE_TOML: &str = r#"title = "My exchanges timeline"
base_url = "https://example.org/"
description = "High-level exchanges between two governments."
language = "en"
formats = ["in-person", "virtual", "phone", "sidelines"]

[countries.US]
name = "United States"
short = "US"

[countries.CN]
name = "People's Republic of China"
short = "China"
"#;

const OFFICIALS: &[(&str, &str)] = &[
    (
        "jane-doe",
        "+++\nname = \"Jane Doe\"\ncountry = \"US\"\n\n[[roles]]\ntitle = \"Secretary of State\"\nfrom = 2021-01-20\n+++\nA short biography.\n",
    ),
    (
        "li-hua",
        "+++\nname = \"Li Hua\"\ncountry = \"CN\"\n\n[[roles]]\ntitle = \"Minister of Foreign Affairs\"\nfrom = 2020-03-01\n+++\nA short biography.\n",
    ),
];

const ISSUE: (&str, &str) = (
    "trade",
    "+++\nname = \"Trade\"\n+++\nWhat this policy issue is about.\n",
);

const EXCHANGE: (&str, &str) = (
    "2023-06-18-doe-li-beijing",
    "+++\ntitle = \"Doe and Li meet in Beijing\"\ndate = 2023-06-18\nformat = \"in-person\"\nlocation = { city = \"Beijing\", country = \"CN\" }\nofficials = [\"jane-doe\", \"li-hua\"]\nissues = [\"trade\"]\nsummary = \"The two ministers held their first talks.\"\n+++\nWrite what happened in Markdown.\n",
);

pub fn run(args: &Args) -> Result<String> {
    let dir = &args.dir;
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|e| Error::io("read", dir, e))?
            .next()
            .is_some()
    {
        return Err(Error::Usage(format!(
            "{} exists and is not empty; choose a new folder",
            dir.display()
        )));
    }
    let mut files: Vec<(PathBuf, &[u8])> =
        vec![(PathBuf::from("content/site.toml"), SITE_TOML.as_bytes())];
    for (slug, text) in OFFICIALS {
        files.push((
            PathBuf::from(format!("content/officials/{slug}.md")),
            text.as_bytes(),
        ));
    }
    files.push((
        PathBuf::from(format!("content/issues/{}.md", ISSUE.0)),
        ISSUE.1.as_bytes(),
    ));
    files.push((
        PathBuf::from(format!("content/exchanges/{}.md", EXCHANGE.0)),
        EXCHANGE.1.as_bytes(),
    ));
    if args.templates {
        for (name, text) in embedded::TEMPLATES {
            files.push((Path::new("templates").join(name), text.as_bytes()));
        }
        for (name, bytes) in embedded::STATIC {
            files.push((Path::new("static").join(name), bytes));
        }
    }
    for (rel, bytes) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io("create the folder", parent, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Error::io("write", &path, e))?;
    }
    let templates = if args.templates {
        "with copies of every default template and static file"
    } else {
        "using the default templates; `detente templates` lists them, `detente templates eject NAME` copies one to edit"
    };
    Ok(format!(
        "created a new site in {} ({} files, {templates}); try: detente build --root {}",
        dir.display(),
        files.len(),
        dir.display()
    ))
}
