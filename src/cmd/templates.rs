//! `detente templates`: which template of each name a site uses, where it
//! comes from (site, theme, default), which pages use it and the values
//! it receives; `detente templates eject NAME` copies one template (or
//! static file) into the site to edit.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Error, Result};
use crate::layers::{Kind, Layer, Layers};
use crate::render::Renderer;
use crate::render::routes::{self, PageKind};
use crate::render::templates::{self, DEFAULT_PREFIX, Set};
use crate::render::values::UrlStyle;
use crate::render::values::{CARD_CONTEXT, CARD_TEMPLATE};
use crate::{embedded, load, pipeline, statics};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The site folder.
    #[arg(long, default_value = ".", global = true)]
    pub root: PathBuf,
    #[command(subcommand)]
    pub action: Option<Action>,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Copy a template (e.g. `exchange.html`, `partials/card.html`) or a
    /// static file (`style.css`) into the site, to edit it there.
    Eject {
        /// The template or static file to copy.
        name: String,
        /// Replace the site's own file of that name.
        #[arg(long)]
        force: bool,
    },
}

pub fn run(args: &Args) -> Result<String> {
    match &args.action {
        None => list(&args.root),
        Some(Action::Eject { name, force }) => eject(&args.root, name, *force),
    }
}

/// The layers of the site at `root`, with the theme site.toml names.
fn layers(root: &Path) -> Result<Layers> {
    let config = load::load_config(root).map_err(Error::one)?;
    Layers::new(root, config.theme.as_deref(), config.theme_at).map_err(Error::one)
}

/// Who uses one template, and what they give it.
#[derive(Default)]
struct Use {
    pages: Vec<(PageKind, usize)>,
    cards: bool,
    /// The values of each context it is rendered with.
    contexts: Vec<BTreeSet<String>>,
}

impl Use {
    /// The values every user gives, and those only some give.
    fn receives(&self) -> (Vec<&str>, Vec<&str>) {
        let Some(first) = self.contexts.first() else {
            return (Vec::new(), Vec::new());
        };
        let all: BTreeSet<&str> = self.contexts.iter().flatten().map(String::as_str).collect();
        let common: Vec<&str> = first
            .iter()
            .map(String::as_str)
            .filter(|k| self.contexts.iter().all(|c| c.contains(*k)))
            .collect();
        let some = all.into_iter().filter(|k| !common.contains(k)).collect();
        (common, some)
    }
}

fn list(root: &Path) -> Result<String> {
    let layers = layers(root)?;
    let set = Set::read(&layers).map_err(Error::Site)?;
    // The contexts pages are really rendered with: one page of each kind.
    let contexts = page_contexts(root, &layers);
    let counts: Vec<(PageKind, usize)> = match &contexts {
        Ok(c) => c.iter().map(|(k, n, _)| (*k, *n)).collect(),
        Err(_) => PageKind::ALL.iter().map(|k| (*k, 0)).collect(),
    };
    let card_closure = set.closure(CARD_TEMPLATE);
    let mut out = String::new();
    let theme = layers
        .theme()
        .map_or(String::new(), |t| format!(", theme `{t}`"));
    let _ = writeln!(
        out,
        "templates of {} (site > theme > default{theme}):",
        root.display()
    );
    for source in set.in_use() {
        let mut used = Use::default();
        for (kind, pages) in &counts {
            if set.closure(kind.template()).contains(&source.name) {
                used.pages.push((*kind, *pages));
                if let Ok(contexts) = &contexts {
                    if let Some((_, _, keys)) = contexts.iter().find(|(k, _, _)| k == kind) {
                        used.contexts.push(keys.iter().cloned().collect());
                    }
                }
            }
        }
        if card_closure.contains(&source.name) {
            used.cards = true;
            used.contexts
                .push(CARD_CONTEXT.iter().map(|k| k.to_string()).collect());
        }
        let replaces: Vec<&str> = set
            .all
            .iter()
            .filter(|s| s.name == source.name && s.layer > source.layer)
            .map(|s| s.layer.label())
            .collect();
        let _ = write!(
            out,
            "\n{}\n  from:     {} ({})",
            source.name,
            source.layer.label(),
            source.file.display()
        );
        if !replaces.is_empty() {
            let _ = write!(out, ", replacing the {} one", replaces.join(" and the "));
        }
        if source.layer != Layer::Default && embedded_template(&source.name).is_some() {
            let _ = write!(out, "; the default is `{DEFAULT_PREFIX}{}`", source.name);
        }
        out.push('\n');
        let mut users: Vec<String> = used
            .pages
            .iter()
            .map(|(kind, n)| match &contexts {
                Ok(_) => format!("{} ({n})", kind_label(*kind)),
                Err(_) => kind_label(*kind).to_string(),
            })
            .collect();
        if used.cards {
            users.push("every exchange card".to_string());
        }
        let _ = writeln!(
            out,
            "  used by:  {}",
            if users.is_empty() {
                "no page (a template of the site's own, for its templates to include)".to_string()
            } else {
                users.join(", ")
            }
        );
        let (common, some) = used.receives();
        if !common.is_empty() {
            let _ = writeln!(out, "  receives: {}", common.join(", "));
        }
        if !some.is_empty() {
            let _ = writeln!(out, "  and, on some of those pages: {}", some.join(", "));
        }
    }
    if let Err(e) = &contexts {
        let _ = write!(
            out,
            "\n(the values each template receives are listed once the site builds: {})",
            e.to_string().lines().next().unwrap_or_default()
        );
    }
    let _ = write!(
        out,
        "\nreplace one with `detente templates eject NAME`, then edit templates/NAME; see README \"Themes and overrides\""
    );
    Ok(out)
}

/// For each page kind: how many pages it has and the names of the values
/// its template receives, from the context of its first page.
fn page_contexts(root: &Path, layers: &Layers) -> Result<Vec<(PageKind, usize, Vec<String>)>> {
    let (site, _) = pipeline::prepare(root, false, None)?;
    let statics = statics::for_site(layers, &site).map_err(Error::Site)?;
    let assets = crate::assets::Assets::build(&statics)?;
    let (tera, origin) = templates::load(layers).map_err(Error::Site)?;
    let mut renderer = Renderer::new(&site, tera, origin, UrlStyle::Pretty).map_err(Error::one)?;
    pipeline::set_globals(&mut renderer, &assets);
    let pages = routes::all_pages(&site);
    Ok(PageKind::ALL
        .iter()
        .map(|kind| {
            let of_kind: Vec<_> = pages.iter().filter(|p| p.kind == *kind).collect();
            let keys = of_kind
                .first()
                .map(|p| {
                    renderer
                        .context(p)
                        .keys()
                        .into_iter()
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            (*kind, of_kind.len(), keys)
        })
        .collect())
}

fn kind_label(kind: PageKind) -> &'static str {
    match kind {
        PageKind::Home => "home pages",
        PageKind::Year => "year pages",
        PageKind::Exchange => "exchange pages",
        PageKind::Officials => "the officials index",
        PageKind::Official => "official pages",
        PageKind::Issues => "the issues index",
        PageKind::Issue => "issue pages",
        PageKind::Matrix => "the who-met-whom page",
        PageKind::MatrixPair => "who-met-whom pages of country pairs",
        PageKind::Places => "the places index",
        PageKind::Place => "place pages",
        PageKind::NotFound => "the 404 page",
    }
}

fn embedded_template(name: &str) -> Option<&'static str> {
    embedded::TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
}

/// Copies the template or static file `name` the site would use without
/// its own (the theme's, else the default) into the site.
fn eject(root: &Path, name: &str, force: bool) -> Result<String> {
    let name = name.trim_start_matches('/');
    let name = name.strip_prefix(DEFAULT_PREFIX).unwrap_or(name);
    let layers = layers(root)?;
    let (dest, bytes, from) = if let Some(found) = below_site_template(&layers, name)? {
        found
    } else if let Some(found) = below_site_static(&layers, name)? {
        found
    } else {
        let mut known: Vec<&str> = embedded::TEMPLATES.iter().map(|(n, _)| *n).collect();
        known.extend(embedded::STATIC.iter().map(|(n, _)| *n));
        return Err(Error::one(
            Diagnostic::error(
                name,
                format!("no template or static file is named `{name}`"),
            )
            .help(crate::suggest::hint(name, "names", &known)),
        ));
    };
    let path = root.join(&dest);
    if path.exists() && !force {
        return Err(Error::one(
            Diagnostic::error(&dest, "the site already has its own file of this name")
                .help("edit it there, or pass --force to replace it with a fresh copy"),
        ));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create the folder", parent, e))?;
    }
    std::fs::write(&path, bytes).map_err(|e| Error::io("write", &path, e))?;
    Ok(format!(
        "copied the {from} `{name}` to {}; edit it there (delete it to go back to the {from} one)",
        dest.display()
    ))
}

type Found = Option<(PathBuf, Vec<u8>, &'static str)>;

fn below_site_template(layers: &Layers, name: &str) -> Result<Found> {
    let set = Set::read(layers).map_err(Error::Site)?;
    Ok(set
        .all
        .iter()
        .find(|s| s.name == name && s.layer != Layer::Site)
        .map(|s| {
            (
                Path::new(templates::DIR).join(name),
                s.text.clone().into_bytes(),
                s.layer.label(),
            )
        }))
}

fn below_site_static(layers: &Layers, name: &str) -> Result<Found> {
    let dest = Path::new(statics::DIR).join(name);
    for folder in layers.folders(Kind::Static) {
        let file = folder.shown.join(name);
        if folder.layer == Layer::Theme && layers.root().join(&file).is_file() {
            crate::confine::path(layers.root(), &file).map_err(Error::one)?;
            let path = layers.root().join(&file);
            let bytes = std::fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
            return Ok(Some((dest, bytes, "theme")));
        }
    }
    Ok(embedded::STATIC
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| (dest.clone(), b.to_vec(), "default")))
}
