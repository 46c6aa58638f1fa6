//! Keeping every file a build reads inside the site folder.
//!
//! Owns one rule: a symbolic link under `content/`, `templates/` or
//! `static/` may point anywhere inside the site folder, never outside it.
//! A link to `/etc/passwd`, `~/.ssh` or `/proc/self/environ` in a site
//! from a pull request would otherwise publish the builder's files. The
//! readers (`load`, `statics`, `render::templates`) call it for each link
//! their listings show; plain files and folders cost nothing. It only
//! looks at paths; it never reads a file.

use std::path::{Path, PathBuf};

use crate::error::Diagnostic;

/// Checks the path `root`/`rel`, which is (or may be) a symbolic link:
/// it must resolve to something inside `root`. Not a link: `Ok`. `rel`
/// names it in messages.
pub fn link(root: &Path, rel: &Path) -> Result<(), Diagnostic> {
    let path = root.join(rel);
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.file_type().is_symlink() => {}
        _ => return Ok(()),
    }
    let target = match std::fs::canonicalize(&path) {
        Ok(t) => t,
        Err(e) => {
            let shown = std::fs::read_link(&path).unwrap_or_default();
            return Err(Diagnostic::error(
                rel,
                format!(
                    "this symbolic link to `{}` cannot be followed: {e}",
                    shown.display()
                ),
            )
            .help("fix or remove the broken (or looping) symbolic link"));
        }
    };
    let inside = canonical_root(root).is_some_and(|root| target.starts_with(root));
    if inside {
        Ok(())
    } else {
        Err(outside(rel, &target))
    }
}

/// Checks `root`/`rel` and every folder between it and `root` (e.g.
/// `content`, then `content/exchanges`): none may be a link leading out.
pub fn path(root: &Path, rel: &Path) -> Result<(), Diagnostic> {
    let mut prefix = PathBuf::new();
    for part in rel.components() {
        prefix.push(part);
        link(root, &prefix)?;
    }
    Ok(())
}

fn canonical_root(root: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(root).ok()
}

fn outside(rel: &Path, target: &Path) -> Diagnostic {
    Diagnostic::error(
        rel,
        format!(
            "this symbolic link points outside the site folder, to `{}`",
            target.display()
        ),
    )
    .help(
        "a build reads and publishes only files inside the site folder; copy the file into the site, or remove the link",
    )
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_inside_pass_links_outside_fail() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("static/css")).expect("dirs");
        std::fs::write(root.join("static/css/a.css"), "a").expect("file");
        std::fs::write(dir.path().join("secret"), "s").expect("secret");
        symlink(root.join("static/css/a.css"), root.join("static/b.css")).expect("inside");
        symlink("css", root.join("static/alias")).expect("relative inside");
        symlink(dir.path().join("secret"), root.join("static/s")).expect("outside");
        symlink("../../secret", root.join("static/rel")).expect("relative outside");
        symlink("/nowhere/at/all", root.join("static/broken")).expect("broken");

        assert!(link(&root, Path::new("static/css/a.css")).is_ok());
        assert!(link(&root, Path::new("static/b.css")).is_ok());
        assert!(link(&root, Path::new("static/alias")).is_ok());
        for bad in ["static/s", "static/rel"] {
            let d = link(&root, Path::new(bad)).expect_err(bad);
            assert!(d.message.contains("outside the site folder"), "{d}");
            assert!(d.message.contains("secret"), "{d}");
        }
        let d = link(&root, Path::new("static/broken")).expect_err("broken");
        assert!(d.message.contains("/nowhere/at/all"), "{d}");
    }

    #[test]
    fn a_linked_folder_on_the_way_is_checked() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        std::fs::create_dir_all(&root).expect("site");
        std::fs::create_dir_all(dir.path().join("elsewhere")).expect("elsewhere");
        symlink(dir.path().join("elsewhere"), root.join("content")).expect("link");
        let d = path(&root, Path::new("content/exchanges")).expect_err("outside");
        assert_eq!(d.file, Path::new("content"));
    }
}
