//! The cost of writing detente's output and nothing else: the floor for a
//! build of *this* site, as opposed to `floor`'s one small page per exchange.
//!
//! ```text
//! cargo run --release --example write_floor -- SITE_DIR OUTPUT_DIR
//! ```
//!
//! Reads every file under `SITE_DIR` (a finished build) into memory, untimed,
//! then times creating `OUTPUT_DIR`, its folders and every file with the
//! same bytes, on every core, as a build writes its pages. Its last line is
//! `WALL_S CPU_S` for `benches/bench.sh`. Whatever a build costs beyond this
//! is reading, modelling and rendering, not the kernel's work of writing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use rayon::prelude::*;

/// A site held in memory: its folders and files, relative to its root.
#[derive(Default)]
struct Tree {
    dirs: Vec<PathBuf>,
    files: Vec<(PathBuf, Vec<u8>)>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [site, output] = args.as_slice() else {
        eprintln!("usage: write_floor SITE_DIR OUTPUT_DIR");
        return ExitCode::from(2);
    };
    match run(Path::new(site), Path::new(output)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("write_floor: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(site: &Path, output: &Path) -> Result<(), String> {
    let mut tree = Tree::default();
    read_tree(site, Path::new(""), &mut tree)?;
    let bytes: usize = tree.files.iter().map(|(_, b)| b.len()).sum();

    let cpu = cpu_seconds();
    let start = Instant::now();
    fs::create_dir(output).map_err(|e| format!("{}: {e}", output.display()))?;
    // One folder per exchange page, so folders are as many as files:
    // create them level by level, each level on every core.
    let depth = tree.dirs.iter().map(|d| d.components().count()).max();
    for level in 1..=depth.unwrap_or(0) {
        tree.dirs
            .par_iter()
            .filter(|d| d.components().count() == level)
            .try_for_each(|dir| {
                let path = output.join(dir);
                fs::create_dir(&path).map_err(|e| format!("{}: {e}", path.display()))
            })?;
    }
    tree.files.par_iter().try_for_each(|(rel, data)| {
        let path = output.join(rel);
        fs::write(&path, data).map_err(|e| format!("{}: {e}", path.display()))
    })?;
    let wall = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu;

    eprintln!(
        "write_floor: wrote {} files ({:.1} MiB) in {} folders into {}",
        tree.files.len(),
        bytes as f64 / (1024.0 * 1024.0),
        tree.dirs.len(),
        output.display()
    );
    println!("{wall:.4} {cpu:.3}");
    Ok(())
}

fn read_tree(root: &Path, rel: &Path, tree: &mut Tree) -> Result<(), String> {
    let dir = root.join(rel);
    let mut entries: Vec<_> = fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = rel.join(entry.file_name());
        let kind = entry
            .file_type()
            .map_err(|e| format!("{}: {e}", entry.path().display()))?;
        if kind.is_dir() {
            tree.dirs.push(path.clone());
            read_tree(root, &path, tree)?;
        } else {
            let data = fs::read(entry.path()).map_err(|e| format!("{}: {e}", path.display()))?;
            tree.files.push((path, data));
        }
    }
    Ok(())
}

/// User plus system CPU time of this process so far, all threads.
#[cfg(unix)]
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes into the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

#[cfg(not(unix))]
fn cpu_seconds() -> f64 {
    f64::NAN
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file and folder under `root`, with the files' bytes, listed
    /// independently of the code under test.
    fn snapshot(root: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
        let mut all = Vec::new();
        let mut todo = vec![root.to_path_buf()];
        while let Some(dir) = todo.pop() {
            for entry in fs::read_dir(&dir).expect("readable folder") {
                let path = entry.expect("entry").path();
                let rel = path.strip_prefix(root).expect("inside root").to_path_buf();
                if path.is_dir() {
                    all.push((rel, None));
                    todo.push(path);
                } else {
                    all.push((rel, Some(fs::read(&path).expect("readable file"))));
                }
            }
        }
        all.sort();
        all
    }

    #[test]
    fn writes_the_same_tree_again() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let site = tmp.path().join("site");
        for (rel, text) in [
            ("index.html", "home"),
            ("feed.xml", ""),
            ("exchanges/a/index.html", "a"),
            ("exchanges/b/index.html", "bb"),
            ("officials/x/page/2/index.html", "deep"),
        ] {
            let path = site.join(rel);
            fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
            fs::write(path, text).expect("write");
        }
        fs::create_dir_all(site.join("empty/folder")).expect("mkdir");
        let copy = tmp.path().join("copy");
        run(&site, &copy).expect("write_floor runs");
        let written = snapshot(&copy);
        assert_eq!(written.len(), 14, "{written:?}");
        assert_eq!(snapshot(&site), written);
        // Into an existing folder it refuses rather than mixing two trees.
        assert!(run(&site, &copy).is_err());
    }
}
