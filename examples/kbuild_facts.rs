//! Times the kbuild stage alone on the C files named on stdin (one per line) and
//! prints how many got facts, an architecture, built in only, a page size.
use std::io::BufRead;

fn main() {
    let files: Vec<String> = std::io::stdin()
        .lock()
        .lines()
        .map_while(Result::ok)
        .collect();
    let started = std::time::Instant::now();
    let build = gfplint::kbuild::BuildFacts::for_files(&files, None);
    let elapsed = started.elapsed();
    let facts: Vec<_> = files
        .iter()
        .filter_map(|f| build.get(f).map(|b| (f, b)))
        .collect();
    let arch = facts.iter().filter(|(_, b)| b.arch.is_some()).count();
    let builtin = facts.iter().filter(|(_, b)| b.builtin_only).count();
    let pages = facts.iter().filter(|(_, b)| b.page_size.is_some()).count();
    println!(
        "{} files, {} with facts, {arch} one architecture, {builtin} built in only, {pages} other page size; {:.3} s ({} Kconfig files, {} Makefiles)",
        files.len(),
        facts.len(),
        elapsed.as_secs_f64(),
        build.kconfig_files,
        build.makefiles
    );
    if std::env::args().any(|a| a == "-v") {
        for (f, b) in facts {
            println!("{f}\t{:?}\t{}\t{:?}", b.arch, b.builtin_only, b.page_size);
        }
    }
}
