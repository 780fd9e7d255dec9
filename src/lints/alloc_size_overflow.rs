//! `alloc-size-overflow`: an allocation size computed as `n * size` with a non-constant
//! factor, which can overflow and allocate too little.

use super::alloc;
use super::{FunctionCx, LintInfo, short};
use crate::consteval::{Env, product_factors};
use crate::decl_index::FileEnv;
use crate::diagnostic::{Diagnostic, Severity};

pub const INFO: LintInfo = LintInfo {
    name: "alloc-size-overflow",
    severity: Severity::Warning,
    summary: "allocation size `n * size` that can overflow size_t given its operand types: use kmalloc_array/kcalloc/array_size",
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

/// An allocation size written as a product with a non-constant factor.
pub struct Product<'k> {
    pub call: &'k crate::facts::Call,
    /// The size argument as written.
    pub text: &'k str,
    /// The non-constant factors, quoted for a message.
    pub which: String,
    /// The overflow-checked replacement.
    pub instead: &'static str,
    /// Whether the product can overflow given what is known of its operand types on
    /// the target, evaluated left to right as C does: each step is computed in the
    /// wider of the two operand types (`int`/`u32` × `int` wraps at 32 bits, anything
    /// × `sizeof` is computed in `size_t`). A non-constant factor is 64 bits wide when
    /// it is a parameter of a 64-bit type (`size_t len`) or cast to one, and taken to
    /// be a 32-bit value of a 32-bit type otherwise; a constant counts with its value
    /// and type (`sizeof` and macros using it are `size_t`; one that does not evaluate
    /// is taken as a 32-bit value of a 64-bit type, so it never makes a finding alone).
    pub can_overflow: bool,
    /// The width of the arithmetic the product is computed in, in bits.
    pub width: u32,
}

/// Bits a value below 2^n needs: ceil(log2(v)).
fn bits_of(v: u64) -> u32 {
    if v <= 1 {
        0
    } else {
        64 - (v - 1).leading_zeros()
    }
}

/// The open-coded size products of the function's allocations.
pub fn products<'k>(cx: &FunctionCx<'k>) -> Vec<Product<'k>> {
    let calls: &'k [crate::facts::Call] = &cx.function.calls;
    let size_bits = (cx.options.target.pointer_size * 8) as u32;
    let mut out = Vec::new();
    for call in calls {
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
        let env = FileEnv::new(&cx.program.decls, cx.knowledge, &cx.options.target, cx.id.0);
        let is_wide_type = |ty: &str| {
            let words: Vec<&str> = ty
                .split_whitespace()
                .filter(|w| !matches!(*w, "const" | "volatile"))
                .collect();
            let ty = words.join(" ");
            ty.ends_with('*') || cx.knowledge.type_sizes.get(&ty).is_some_and(|&s| s >= 8)
        };
        // A cast in front of a factor (`(size_t)n`), or of the whole product.
        let cast_of = |f: &str| -> Option<bool> {
            let t = f.trim();
            let inner = t.strip_prefix('(')?;
            let close = inner.find(')')?;
            let ty = &inner[..close];
            (close + 1 < inner.len() && crate::consteval::looks_like_type(ty))
                .then(|| is_wide_type(ty))
        };
        let size_bits_wide = size_bits.max(32);
        // (type width, value bits) of each factor
        let operand = |f: &str| -> (u32, u32) {
            let t = f.trim();
            let wide_cast = cast_of(t) == Some(true);
            if variable.iter().any(|v| v.as_str() == f) {
                let name = t.trim_start_matches('(').trim_end_matches(')').trim();
                if cx.function.is_wide_param(name) {
                    return (size_bits_wide, size_bits_wide);
                }
                return (if wide_cast { size_bits_wide } else { 32 }, 32);
            }
            let sized = t.starts_with("sizeof")
                || env.define(t).is_some_and(|body| body.contains("sizeof"));
            match alloc::eval(cx, t) {
                Some(v) => {
                    let wide = sized || wide_cast || v > u64::from(u32::MAX >> 1);
                    (if wide { size_bits_wide } else { 32 }, bits_of(v))
                }
                None => (size_bits_wide, 32),
            }
        };
        let mut width = if cast_of(text).is_some_and(|w| w) {
            size_bits_wide
        } else {
            0
        };
        let mut value_bits = 0u32;
        let mut can_overflow = false;
        for f in &factors {
            let (w, b) = operand(f);
            width = width.max(w);
            value_bits += b;
            if value_bits > width {
                can_overflow = true;
            }
        }
        let which = variable
            .iter()
            .map(|f| format!("`{}`", short(f)))
            .collect::<Vec<_>>()
            .join(" and ");
        out.push(Product {
            call,
            text,
            which,
            instead,
            can_overflow,
            width,
        });
    }
    out
}

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    for p in products(cx) {
        if !p.can_overflow {
            continue;
        }
        out.push(Diagnostic {
            message: format!(
                "`{}()` size `{}` multiplies by the non-constant {}: computed in {}-bit arithmetic, the product can overflow and allocate too little",
                p.call.callee,
                short(p.text),
                p.which,
                p.width
            ),
            labels: Vec::new(),
            notes: Vec::new(),
            help: Some(format!(
                "use {}, which fails on overflow (array_size()/size_mul() from <linux/overflow.h> check any product)",
                p.instead
            )),
            ..cx.finding(&INFO, p.call)
        });
    }
}
