//! Embeds the default `templates/` and `static/` into the binary, so that a
//! site without its own templates still builds and `detente init` can write
//! a complete starting site. Every template is compiled here too: a template
//! that fails to parse fails `cargo build`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if !path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn rel(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .expect("file under its folder")
        .to_string_lossy()
        .replace('\\', "/")
}

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let templates_dir = root.join("templates");
    let static_dir = root.join("static");
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=static");

    let mut code = String::from(
        "/// The default templates: (name, source).\npub static TEMPLATES: &[(&str, &str)] = &[\n",
    );
    let mut sources = Vec::new();
    for path in files(&templates_dir) {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = rel(&templates_dir, &path);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("templates/{name}: {e}"));
        writeln!(
            code,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .expect("write to String");
        sources.push((name, text));
    }
    code.push_str("];\n\n/// The default static files: (path, bytes).\npub static STATIC: &[(&str, &[u8])] = &[\n");
    for path in files(&static_dir) {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = rel(&static_dir, &path);
        writeln!(
            code,
            "    ({name:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .expect("write to String");
    }
    code.push_str("];\n");

    // Interface strings per language: i18n/<tag>.toml.
    let i18n_dir = root.join("i18n");
    println!("cargo:rerun-if-changed=i18n");
    code.push_str("\n/// The interface strings: (language tag, TOML source).\npub static I18N: &[(&str, &str)] = &[\n");
    for path in files(&i18n_dir) {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = rel(&i18n_dir, &path);
        let Some(tag) = name.strip_suffix(".toml") else {
            continue;
        };
        writeln!(
            code,
            "    ({tag:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .expect("write to String");
    }
    code.push_str("];\n");

    let mut tera = tera::Tera::new();
    // The real `t` (src/i18n.rs) is registered per language at run time.
    tera.register_function("t", |_: tera::Kwargs, _: &tera::State| {
        Ok::<_, tera::Error>(String::new())
    });
    if let Err(e) = tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str()))) {
        panic!("a default template does not compile:\n{e}");
    }
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    std::fs::write(&out, code).expect("write embedded.rs");
}
