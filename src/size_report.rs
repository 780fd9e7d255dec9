//! `gfplint debug-sizes` (hidden): what the size model computes, as tab-separated
//! lines, for checking it against the compiler (`bench/btf-sizes.sh` compares the
//! struct layouts with the BTF of a kernel build) and for measuring how many
//! allocation sizes are evaluated (`bench/size-coverage.sh`).

use crate::consteval::{self, Evaluator};
use crate::context::headers::KernelHeaders;
use crate::decl_index::FileEnv;
use crate::knowledge::Knowledge;
use crate::program::Program;
use crate::target::Target;

/// One line per struct or union defined in a file: `file, name, size, align` (`?`
/// when the layout is not known). Names as written (`struct foo`, a typedef alias).
pub fn layouts(
    program: &Program,
    knowledge: &Knowledge,
    target: &Target,
    headers: &KernelHeaders,
) -> Vec<String> {
    let mut out = Vec::new();
    for (fi, file) in program.files.iter().enumerate() {
        let env = FileEnv::new(&program.decls, knowledge, target, fi as u32)
            .with_headers(headers, fi as u32, &file.path);
        for s in &file.decls.structs {
            let ev = Evaluator::new(&env);
            let shown = match env.struct_layout(s, &ev) {
                Some((size, align)) => format!("{size}\t{align}"),
                None => "?\t?".to_string(),
            };
            out.push(format!("{}\t{}\t{shown}", file.path, s.name));
        }
    }
    out
}

/// Type names fields use by value that nothing in the run or the tables knows, with
/// the number of structs using each, most used first.
pub fn missing_types(
    program: &Program,
    knowledge: &Knowledge,
    target: &Target,
    headers: &KernelHeaders,
) -> Vec<String> {
    let mut count: std::collections::BTreeMap<String, usize> = Default::default();
    for (fi, file) in program.files.iter().enumerate() {
        let env = FileEnv::new(&program.decls, knowledge, target, fi as u32)
            .with_headers(headers, fi as u32, &file.path);
        for s in &file.decls.structs {
            let mut missing = Vec::new();
            env.missing_types(s, &mut missing);
            for m in missing {
                *count.entry(m).or_default() += 1;
            }
        }
    }
    let mut v: Vec<(String, usize)> = count.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.into_iter().map(|(t, n)| format!("{n}\t{t}")).collect()
}

/// One line per call of a known allocator with a size argument: `file:line, callee,
/// evaluated bytes (? when not), const (the size is syntactically a compile-time
/// constant: literals, macros, sizeof, constant helpers) or var, the size text, and
/// for a size not evaluated the first thing that was not known (`type struct foo`,
/// `config CONFIG_X`, `name FOO`, `expr p->x`; `-` otherwise)`.
pub fn allocations(
    program: &Program,
    knowledge: &Knowledge,
    target: &Target,
    headers: &KernelHeaders,
) -> Vec<String> {
    let mut out = Vec::new();
    for (fi, file) in program.files.iter().enumerate() {
        let env = FileEnv::new(&program.decls, knowledge, target, fi as u32)
            .with_headers(headers, fi as u32, &file.path);
        for f in &file.functions {
            for call in f.calls.iter().filter(|c| !c.indirect) {
                let Some(alloc) = knowledge.allocator(&call.callee) else {
                    continue;
                };
                let Some(size_text) = alloc.size_arg.and_then(|i| call.args().get(i)) else {
                    continue;
                };
                let count_text = alloc.count_arg.and_then(|i| call.args().get(i));
                env.take_unresolved();
                let scoped = crate::decl_index::CallEnv::new(&env, call);
                let value = consteval::eval(size_text, &scoped).and_then(|s| match count_text {
                    Some(c) => s.checked_mul(consteval::eval(c, &scoped)?),
                    None => Some(s),
                });
                let unresolved = env.take_unresolved();
                let constant = consteval::is_syntactic_constant(size_text)
                    && count_text.is_none_or(|c| consteval::is_syntactic_constant(c));
                let text = match count_text {
                    Some(c) => format!("{c} * {size_text}"),
                    None => size_text.clone(),
                };
                out.push(format!(
                    "{}:{}\t{}\t{}\t{}\t{}\t{}",
                    file.path,
                    call.span.line,
                    call.callee,
                    value.map_or("?".to_string(), |v| v.to_string()),
                    if constant { "const" } else { "var" },
                    text.replace('\t', " "),
                    match (value, unresolved) {
                        (None, Some(u)) => u.replace('\t', " "),
                        _ => "-".to_string(),
                    }
                ));
            }
        }
    }
    out
}
