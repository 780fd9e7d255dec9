//! Rough heap accounting of the per-file stage's results, to decide what to make
//! smaller: struct sizes times counts, string bytes (rounded to 16), and postcard
//! sizes as a proxy for nested data. Usage: fact_memory PATH...
use gfplint::facts::*;
use rayon::prelude::*;
use std::collections::HashMap;
use std::mem::size_of;

fn ser<T: serde::Serialize>(t: &T) -> usize {
    postcard::to_stdvec(t).map_or(0, |v| v.len())
}
fn s(x: &str) -> usize {
    if x.is_empty() {
        0
    } else {
        x.len().div_ceil(16) * 16
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (files, _) = gfplint::discover::discover(&args);
    let k = gfplint::knowledge::Knowledge::builtin();
    let totals: HashMap<&'static str, usize> = files
        .par_iter()
        .filter_map(|p| gfplint::parse::analyse_file(p, k).ok())
        .map(|f| {
            let locks = gfplint::context::local::file_locks(&f, k, &HashMap::new());
            let mut t: HashMap<&'static str, usize> = HashMap::new();
            let mut add = |k: &'static str, v: usize| *t.entry(k).or_default() += v;
            add("files", 1);
            add("file.struct", size_of::<FileFacts>() + s(&f.path));
            add("functions", f.functions.len());
            for func in &f.functions {
                add("fn.struct", size_of::<Function>() + s(&func.name));
                add("fn.params", ser(&func.params) * 2);
                add("fn.values(ser)", func.values.as_ref().map_or(0, ser));
                add("fn.writes(ser)", ser(&func.writes));
                add("fn.annotations", ser(&func.annotations));
                add("calls", func.calls.len());
                add("call.struct", func.calls.capacity() * size_of::<Call>());
                for c in &func.calls {
                    add("call.callee", s(&c.callee));
                    let e = ser(c);
                    if !c.args().is_empty()
                        || c.assigned_to().is_some()
                        || c.guard_class().is_some()
                    {
                        add("call.with_extra", 1);
                    }
                    add("call.ser", e);
                }
            }
            add("fieldcb(ser)", ser(&f.field_callbacks));
            add("file_calls(ser)", ser(&f.file_calls));
            add("suppr(ser)", ser(&f.suppressions));
            let d = &f.decls;
            add("defines", d.defines.len());
            add("def.bytes", d.defines.heap_bytes());
            add("structs", d.structs.len());
            add("structs(ser)", ser(&d.structs));
            let nf: usize = d
                .structs
                .iter()
                .map(|x| x.fields.as_ref().map_or(0, |v| v.len()))
                .sum();
            add("struct.fields", nf);
            add("struct.fields.struct", nf * size_of::<Field>());
            add("typedefs(ser)", ser(&d.typedefs));
            add("arrays+vars(ser)", ser(&d.arrays) + ser(&d.variables));
            add("include_lines", d.include_lines.len());
            add("includes(ser)", ser(&d.includes));
            add("templates(ser)", ser(&d.member_templates));
            add("reading_macros(ser)", ser(&d.reading_macros));
            add("fn_macros", d.fn_macros.iter().map(|m| s(m) + 16).sum());
            add(
                "locks.struct",
                locks.len() * size_of::<gfplint::context::LockStates>(),
            );
            add("locks(ser)", ser(&locks));
            for l in &locks {
                let n = ser(l);
                if n <= 12 {
                    add("locks.small", 1);
                }
                add(if n <= 12 { "locks.n<=12" } else { "locks.n>12" }, 1);
            }
            let empty = ParamWrites::default();
            for func in &f.functions {
                if *func.writes() == empty {
                    add("writes.empty", 1);
                }
                if func.params.is_empty() {
                    add("params.empty", 1);
                }
                if func.annotations.is_empty() {
                    add("annot.empty", 1);
                }
            }
            t
        })
        .reduce(HashMap::new, |mut a, b| {
            for (k, v) in b {
                *a.entry(k).or_default() += v;
            }
            a
        });
    let mut rows: Vec<_> = totals.into_iter().collect();
    rows.sort();
    for (k, v) in rows {
        println!("{k:24} {:>14}  {:>8.1} MB", v, v as f64 / 1e6);
    }
}
