//! Scratch: how many functions keep MAX_REASONS atomic reasons, and how many of
//! them lie within the chain depth (through may-sleep callees) of a file's functions.
use std::collections::{HashMap, HashSet};
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let target_file = args[0].clone();
    let walk = gfplint::walk::WalkOptions::new(std::path::Path::new("."));
    let (files, errors) = gfplint::walk::discover(&args[1..], &walk);
    let options = gfplint::Options {
        cache_dir: Some(".gfplint-cache".into()),
        needs_program: true,
        analysis_only: true,
        ..Default::default()
    };
    let (_, r) = gfplint::check_files_with(&files, errors, &options, None, |p, a| {
        let max = gfplint::context::interproc::MAX_REASONS;
        let capped: HashSet<_> = a
            .atomic
            .iter()
            .filter(|(_, r)| r.len() >= max)
            .map(|(id, _)| *id)
            .collect();
        let with = a.atomic.len();
        let mut callees: HashMap<_, Vec<_>> = HashMap::new();
        for (callee, list) in a.callers.iter() {
            for (caller, _) in list {
                callees.entry(*caller).or_default().push(callee);
            }
        }
        let fi = p
            .files
            .iter()
            .position(|f| f.path.ends_with(&target_file))
            .unwrap() as u32;
        let mut frontier: Vec<_> = (0..p.files[fi as usize].functions.len() as u32)
            .map(|i| (fi, i))
            .collect();
        let mut seen: HashSet<_> = frontier.iter().copied().collect();
        for _ in 0..gfplint::context::interproc::MAX_CHAIN_DEPTH {
            let mut next = Vec::new();
            for f in &frontier {
                for g in callees.get(f).into_iter().flatten() {
                    if a.may_sleep.contains_key(g) && seen.insert(*g) {
                        next.push(*g);
                    }
                }
            }
            frontier = next;
        }
        let hit: Vec<_> = seen
            .iter()
            .filter(|id| capped.contains(id))
            .map(|id| format!("{} ({})", p.function(*id).name, p.files[id.0 as usize].path))
            .collect();
        (with, capped.len(), seen.len(), hit)
    });
    println!("{:?}", r);
}
