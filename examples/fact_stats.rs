//! Counts what the facts of a tree hold (functions, calls, CFG nodes, kept arguments),
//! to size memory. Usage: fact_stats PATH...
use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (files, _) = gfplint::discover::discover(&args);
    let k = gfplint::knowledge::Knowledge::builtin();
    let totals = files
        .par_iter()
        .filter_map(|p| gfplint::parse::analyse_file(p, k).ok())
        .map(|f| {
            let mut t = [0usize; 6];
            t[0] = f.functions.len();
            for func in &f.functions {
                t[1] += func.calls.len();
                t[2] += func.cfg().nodes.len();
                t[3] += func.calls.iter().filter(|c| !c.args().is_empty()).count();
                t[4] += func
                    .calls
                    .iter()
                    .map(|c| c.callee.len() + c.args().iter().map(String::len).sum::<usize>())
                    .sum::<usize>();
                t[5] += func
                    .cfg()
                    .nodes
                    .iter()
                    .map(|n| n.succs.len())
                    .sum::<usize>();
            }
            t
        })
        .reduce(|| [0; 6], |a, b| std::array::from_fn(|i| a[i] + b[i]));
    println!(
        "functions {} calls {} cfg_nodes {} calls_with_args {} text_bytes {} edges {}",
        totals[0], totals[1], totals[2], totals[3], totals[4], totals[5]
    );
}
