//! The parse-only floor for the benchmark: discovers the same files as `gfplint check`,
//! reads and parses each with the same parser on the same number of threads, and drops
//! the tree. Nothing else. `gfplint check` cannot be faster than this.
//!
//! Usage: parse_floor [-j N] PATH...

use rayon::prelude::*;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut jobs = 0;
    // `--prepass`: apply gfplint's macro pre-pass before parsing (to measure its cost
    // and its effect on parse errors); the floor itself is measured without it.
    let prepass = args.iter().any(|a| a == "--prepass");
    args.retain(|a| a != "--prepass");
    if let Some(pos) = args.iter().position(|a| a == "-j" || a == "--jobs") {
        jobs = args.get(pos + 1).and_then(|n| n.parse().ok()).unwrap_or(0);
        args.drain(pos..(pos + 2).min(args.len()));
    }
    if args.is_empty() {
        args.push(".".into());
    }
    let started = std::time::Instant::now();
    let (files, _errors) = gfplint::discover::discover(&args);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .expect("thread pool");
    let (parsed, with_errors, bytes): (usize, usize, usize) = pool.install(|| {
        files
            .par_iter()
            .map(|path| {
                let Ok(mut src) = std::fs::read(path) else {
                    return (0, 0, 0);
                };
                if prepass {
                    gfplint::parse::macros::prepass(&mut src);
                }
                let tree = gfplint::parse::with_parser(|p| p.parse(&src, None));
                match tree {
                    Some(t) => (1, usize::from(t.root_node().has_error()), src.len()),
                    None => (0, 0, 0),
                }
            })
            .reduce(|| (0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2))
    });
    println!(
        "parse-only: {parsed} files, {with_errors} with parse errors, {:.1} MB, {:.2} s",
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
}
