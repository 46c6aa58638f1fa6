//! Where templates and static files come from: the site, its theme, and
//! detente's defaults, in that order.
//!
//! Owns the lookup order (site > theme > defaults, like Zola's themes and
//! Hugo's lookup order) and the check that a theme named in site.toml
//! exists. A file of a higher layer replaces the file of the same name in
//! a lower one; every layer may add files of its own. `render::templates`
//! and `statics` read the folders this module names; it reads no file.

use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, LineCol};
use crate::load::SITE_TOML;

/// The folder holding a site's themes, one folder per theme.
pub const THEMES: &str = "themes";

/// One layer of templates or static files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layer {
    /// The site's own `templates/` or `static/`.
    Site,
    /// `themes/<name>/templates` or `themes/<name>/static`.
    Theme,
    /// The files built into detente.
    Default,
}

impl Layer {
    /// The word `detente templates` prints for it.
    pub fn label(self) -> &'static str {
        match self {
            Layer::Site => "site",
            Layer::Theme => "theme",
            Layer::Default => "default",
        }
    }
}

/// The kinds of files that come in layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Templates,
    Static,
}

impl Kind {
    /// The folder name in a site and in a theme.
    pub fn dir(self) -> &'static str {
        match self {
            Kind::Templates => "templates",
            Kind::Static => "static",
        }
    }
}

/// The layers of one site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layers {
    root: PathBuf,
    /// The theme's name, when site.toml names one that exists.
    theme: Option<String>,
}

/// One folder to read: its layer, where it is, and how messages name it
/// (relative to the site root).
#[derive(Debug, Clone)]
pub struct Folder {
    pub layer: Layer,
    pub path: PathBuf,
    pub shown: PathBuf,
}

impl Layers {
    /// The layers of the site at `root` using `theme` (from site.toml,
    /// with its place there for messages). A theme that does not exist is
    /// an error with a suggestion.
    pub fn new(
        root: &Path,
        theme: Option<&str>,
        theme_at: Option<LineCol>,
    ) -> Result<Layers, Diagnostic> {
        let layers = Layers {
            root: root.to_path_buf(),
            theme: None,
        };
        let Some(name) = theme else {
            return Ok(layers);
        };
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
            && !name.starts_with('.');
        let dir = root.join(THEMES).join(name);
        if valid && dir.is_dir() {
            crate::confine::path(root, &Path::new(THEMES).join(name))?;
            return Ok(Layers {
                theme: Some(name.to_string()),
                ..layers
            });
        }
        let installed = installed_themes(root);
        let names: Vec<&str> = installed.iter().map(String::as_str).collect();
        let help = match crate::suggest::closest(name, names.iter().copied()) {
            Some(c) => format!("did you mean `{c}`? (themes are the folders of {THEMES}/)"),
            None if names.is_empty() => format!(
                "this site has no themes: put one in {THEMES}/{name}/ (with templates/ and static/), or remove `theme`"
            ),
            None => format!(
                "the themes of this site are: {} (the folders of {THEMES}/)",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        Err(
            Diagnostic::error(SITE_TOML, format!("unknown theme `{name}`"))
                .at(theme_at)
                .help(help),
        )
    }

    /// The layers of a site without a theme.
    pub fn plain(root: &Path) -> Layers {
        Layers {
            root: root.to_path_buf(),
            theme: None,
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn theme(&self) -> Option<&str> {
        self.theme.as_deref()
    }

    /// The folders of `kind` that exist, highest layer first. The defaults
    /// are built in, so they have no folder.
    pub fn folders(&self, kind: Kind) -> Vec<Folder> {
        let mut out = Vec::new();
        let site = PathBuf::from(kind.dir());
        if self.root.join(&site).is_dir() || is_link(&self.root.join(&site)) {
            out.push(Folder {
                layer: Layer::Site,
                path: self.root.join(&site),
                shown: site,
            });
        }
        if let Some(theme) = &self.theme {
            let shown = Path::new(THEMES).join(theme).join(kind.dir());
            if self.root.join(&shown).is_dir() {
                out.push(Folder {
                    layer: Layer::Theme,
                    path: self.root.join(&shown),
                    shown,
                });
            }
        }
        out
    }

    /// The site-relative path `rel` (`templates/x.html`, `themes/t/static/a.css`,
    /// `content/site.toml`): which layer of `kind` it belongs to, if any.
    pub fn layer_of(&self, rel: &str, kind: Kind) -> Option<Layer> {
        let site = kind.dir();
        if rel == site || rel.starts_with(&format!("{site}/")) {
            return Some(Layer::Site);
        }
        let theme = self.theme.as_ref()?;
        let prefix = format!("{THEMES}/{theme}/{site}");
        (rel == prefix || rel.starts_with(&format!("{prefix}/"))).then_some(Layer::Theme)
    }
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// The names of the folders under `themes/`, sorted.
pub fn installed_themes(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join(THEMES))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_theme_suggests_the_closest() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("themes/newsroom/templates")).expect("mkdir");
        std::fs::create_dir_all(dir.path().join("themes/archive")).expect("mkdir");
        let at = Some(LineCol { line: 3, column: 9 });
        let d = Layers::new(dir.path(), Some("newsrom"), at).expect_err("unknown");
        assert!(d.message.contains("unknown theme `newsrom`"), "{d}");
        assert_eq!(
            d.help.as_deref().map(|h| h.contains("`newsroom`")),
            Some(true)
        );
        assert_eq!(d.at, at);
        let d = Layers::new(dir.path(), Some("../x"), None).expect_err("not a name");
        assert!(
            d.help.as_deref().is_some_and(|h| h.contains("`archive`")),
            "{d}"
        );
        let ok = Layers::new(dir.path(), Some("newsroom"), None).expect("exists");
        let folders = ok.folders(Kind::Templates);
        assert_eq!(folders.len(), 1);
        assert_eq!(folders[0].layer, Layer::Theme);
        assert_eq!(
            ok.layer_of("themes/newsroom/templates/index.html", Kind::Templates),
            Some(Layer::Theme)
        );
        assert_eq!(
            ok.layer_of("templates/x.html", Kind::Templates),
            Some(Layer::Site)
        );
        assert_eq!(ok.layer_of("static/x.css", Kind::Templates), None);
    }
}
