//! `alloc-size-overflow`: an allocation size computed as `n * size` with a non-constant
//! factor, which can overflow and allocate too little.

use super::alloc;
use super::{FunctionCx, LintInfo, short};
use crate::consteval::product_factors;
use crate::diagnostic::{Diagnostic, Severity};

pub const INFO: LintInfo = LintInfo {
    name: "alloc-size-overflow",
    severity: Severity::Warning,
    summary: "allocation size `n * size` with a non-constant factor can overflow: use kmalloc_array/kcalloc/array_size",
    doc: include_str!("../../lints/alloc-size-overflow.md"),
    enabled_by_default: true,
};

/// The overflow-checked replacement of each single-size allocator.
fn replacement(callee: &str) -> Option<&'static str> {
    Some(match callee {
        "kmalloc" => "kmalloc_array(n, size, flags)",
        "kzalloc" => "kcalloc(n, size, flags)",
        "kmalloc_node" => "kmalloc_array_node(n, size, flags, node)",
        "kzalloc_node" => "kcalloc_node(n, size, flags, node)",
        "kvmalloc" => "kvmalloc_array(n, size, flags)",
        "kvzalloc" => "kvcalloc(n, size, flags)",
        "vmalloc" => "vmalloc_array(n, size)",
        "vzalloc" => "vcalloc(n, size)",
        "devm_kmalloc" => "devm_kmalloc_array(dev, n, size, flags)",
        "devm_kzalloc" => "devm_kcalloc(dev, n, size, flags)",
        "krealloc" => "krealloc_array(p, n, size, flags)",
        "kvmalloc_node" | "kvzalloc_node" | "vmalloc_node" | "vzalloc_node" | "__vmalloc"
        | "vmalloc_user" | "vmalloc_32" => "array_size(n, size) as the size",
        _ => return None,
    })
}

/// The overflow-checked variant taking `(…, n, size, …)` where the allocator takes the
/// size (`--fix` rewrites to it; the others need `array_size()`, left to the author).
fn array_variant(callee: &str) -> Option<&'static str> {
    Some(match callee {
        "kmalloc" => "kmalloc_array",
        "kzalloc" => "kcalloc",
        "kmalloc_node" => "kmalloc_array_node",
        "kzalloc_node" => "kcalloc_node",
        "kvmalloc" => "kvmalloc_array",
        "kvzalloc" => "kvcalloc",
        "devm_kmalloc" => "devm_kmalloc_array",
        "devm_kzalloc" => "devm_kcalloc",
        "krealloc" => "krealloc_array",
        _ => return None,
    })
}

/// Whether a factor is a compile-time constant, as far as the text shows: it evaluates,
/// is a `sizeof`, or is made of upper-case macro names and numbers only.
fn is_constant(cx: &FunctionCx, factor: &str) -> bool {
    let f = factor.trim();
    if f.starts_with("sizeof") || alloc::eval(cx, f).is_some() {
        return true;
    }
    let mut word = String::new();
    let mut all_caps = true;
    for c in f.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if !word.is_empty()
            && !word.starts_with(|c: char| c.is_ascii_digit())
            && word.chars().any(|c| c.is_ascii_lowercase())
        {
            all_caps = false;
        }
        word.clear();
        if matches!(c, '-' | '.' | '[') {
            return false; // field access, subscript: a variable
        }
    }
    all_caps
}

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    for call in &cx.function.calls {
        let Some(a) = alloc::allocator(cx, call) else {
            continue;
        };
        if a.count_arg.is_some() {
            continue;
        }
        let Some(instead) = replacement(&call.callee) else {
            continue;
        };
        let Some(text) = a.size_arg.and_then(|i| call.args().get(i)) else {
            continue;
        };
        let Some(factors) = product_factors(text) else {
            continue;
        };
        let variable: Vec<&String> = factors.iter().filter(|f| !is_constant(cx, f)).collect();
        if variable.is_empty() {
            continue;
        }
        // `n * sizeof(u8)`: multiplying one variable by 1 cannot overflow.
        if variable.len() == 1 {
            let constants: Option<u64> = factors
                .iter()
                .filter(|f| !variable.contains(f))
                .try_fold(1u64, |acc, f| acc.checked_mul(alloc::eval(cx, f)?));
            if constants == Some(1) {
                continue;
            }
        }
        let which = variable
            .iter()
            .map(|f| format!("`{}`", short(f)))
            .collect::<Vec<_>>()
            .join(" and ");
        out.push(Diagnostic {
            message: format!(
                "`{}()` size `{}` multiplies by the non-constant {which}: the product can overflow and allocate too little",
                call.callee,
                short(text)
            ),
            labels: Vec::new(),
            notes: Vec::new(),
            help: Some(format!("use {instead}, which fails on overflow (or array_size()/size_mul() from <linux/overflow.h>)")),
            // Two factors: `n * size` becomes the array variant's two arguments.
            fix: match (array_variant(&call.callee), a.size_arg) {
                (Some(to), Some(size_arg)) if factors.len() == 2 => {
                    Some(crate::diagnostic::Fix::ArrayCall {
                        from: call.callee.clone(),
                        to: to.to_string(),
                        size_arg,
                    })
                }
                _ => None,
            },
            ..cx.finding(&INFO, call)
        });
    }
}
