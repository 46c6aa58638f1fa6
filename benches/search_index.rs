//! The cost of making the search index alone, from a loaded site.
//!
//! ```text
//! cargo run --release --example search_index -- SITE_DIR [RUNS]
//! ```
//!
//! Loads and models the site (untimed), then makes its search index
//! (`render::search::site_index`) RUNS times (default 5) on one thread and
//! on every core, and prints the median of each, the number of files and
//! their bytes.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use detente::model::Site;
use detente::render::search;
use detente::render::values::UrlStyle;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(root) = args.first().map(PathBuf::from) else {
        eprintln!("usage: search_index SITE_DIR [RUNS]");
        return ExitCode::from(2);
    };
    let runs: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(5);
    let loaded = match detente::load::load(&root) {
        Ok(l) => l,
        Err(problems) => {
            eprintln!(
                "search_index: the site does not load ({} problems)",
                problems.len()
            );
            return ExitCode::FAILURE;
        }
    };
    let site = Site::build(loaded, false);
    let time = |threads: usize| -> (f64, usize, usize) {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool");
        let mut times = Vec::new();
        let (mut files, mut bytes) = (0, 0);
        for _ in 0..runs {
            let began = Instant::now();
            let index = pool.install(|| search::site_index(&site, UrlStyle::Pretty));
            times.push(began.elapsed().as_secs_f64());
            files = index.files.len();
            bytes = index.files.iter().map(|(_, b)| b.len()).sum();
        }
        (median(times), files, bytes)
    };
    let (one, files, bytes) = time(1);
    let cores = rayon::current_num_threads();
    let (all, _, _) = time(cores);
    println!(
        "{} exchanges: {files} files, {:.1} MiB; one thread {:.0} ms, {cores} threads {:.0} ms (median of {runs})",
        site.exchanges.len(),
        bytes as f64 / 1_048_576.0,
        one * 1000.0,
        all * 1000.0
    );
    ExitCode::SUCCESS
}
