//! Compares the register-map line scan with the parser on every file it accepts
//! (`parse::register_map`): the facts must be identical. Usage: register_maps PATH...
use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (files, _) = gfplint::discover::discover(&args);
    let k = gfplint::knowledge::Knowledge::builtin();
    let results: Vec<(String, bool, bool)> = files
        .par_iter()
        .filter_map(|path| {
            let bytes = std::fs::read(path).ok()?;
            let fast = gfplint::parse::facts_from_bytes_in(path, bytes.clone(), k, None).ok()?;
            let parsed = gfplint::parse::facts_from_bytes_parsed(path, bytes, k).ok()?;
            let encode = |f: &gfplint::facts::FileFacts| postcard::to_stdvec(f).unwrap_or_default();
            let scanned = fast.decls.defines_dropped
                && fast.functions.is_empty()
                && fast.decls.defines.is_empty();
            Some((path.to_string(), scanned, encode(&fast) == encode(&parsed)))
        })
        .collect();
    let differ: Vec<_> = results.iter().filter(|r| !r.2).collect();
    let dropped = results.iter().filter(|r| r.1).count();
    println!(
        "{} files, {} with dropped defines (scanned or parsed), {} differ",
        results.len(),
        dropped,
        differ.len()
    );
    for r in differ.iter().take(20) {
        println!("differs: {}", r.0);
    }
}
