//! Per-file cost of the parse stage against tree-sitter alone (scratch): prints
//! `total_ms parse_ms bytes path` for the slowest files, and the sums.
use rayon::prelude::*;
use std::collections::HashMap;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (files, _) = gfplint::discover::discover(&args);
    let k = gfplint::knowledge::Knowledge::builtin();
    let mut rows: Vec<(f64, f64, usize, String)> = files
        .par_iter()
        .filter_map(|path| {
            let bytes = std::fs::read(path).ok()?;
            let t0 = Instant::now();
            let tree = gfplint::parse::with_parser(|p| p.parse(&bytes, None));
            drop(tree);
            let parse = t0.elapsed().as_secs_f64();
            let n = bytes.len();
            let t1 = Instant::now();
            let facts = gfplint::parse::facts_from_bytes_in(path, bytes, k, None).ok()?;
            let _locks = gfplint::context::local::file_locks(&facts, k, &HashMap::new());
            let total = t1.elapsed().as_secs_f64();
            Some((total * 1e3, parse * 1e3, n, path.to_string()))
        })
        .collect();
    let (t, p): (f64, f64) = rows.iter().fold((0.0, 0.0), |a, r| (a.0 + r.0, a.1 + r.1));
    println!(
        "sum: total {:.1} s, tree-sitter alone {:.1} s, {} files",
        t / 1e3,
        p / 1e3,
        rows.len()
    );
    rows.sort_by(|a, b| (b.0 - b.1).total_cmp(&(a.0 - a.1)));
    for r in rows.iter().take(
        std::env::var("TOP")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(40),
    ) {
        println!("{:9.1} {:9.1} {:10} {}", r.0, r.1, r.2, r.3);
    }
}
