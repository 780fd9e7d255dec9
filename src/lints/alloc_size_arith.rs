//! `alloc-size-arith`: open-coded multiplication in an allocation size that cannot
//! overflow given its operand types on the target (a 32-bit count times a `sizeof` in
//! a 64-bit `size_t`), but that the kernel's style asks to write with the checked
//! helpers (Documentation/process/deprecated.rst). Off by default.

use super::alloc_size_overflow::products;
use super::{FunctionCx, LintInfo, short};
use crate::diagnostic::{Diagnostic, Severity};

pub const INFO: LintInfo = LintInfo {
    name: "alloc-size-arith",
    severity: Severity::Warning,
    summary: "allocation size written as an open-coded product (style: use kmalloc_array/kcalloc/array_size)",
    doc: include_str!("../../lints/alloc-size-arith.md"),
    enabled_by_default: false,
};

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    for p in products(cx) {
        // Products that can overflow are `alloc-size-overflow`'s.
        if p.can_overflow {
            continue;
        }
        out.push(Diagnostic {
            message: format!(
                "`{}()` size `{}` is an open-coded product with the non-constant {} (it fits `size_t` if those factors are at most 32 bits wide)",
                p.call.callee,
                short(p.text),
                p.which
            ),
            labels: Vec::new(),
            notes: Vec::new(),
            help: Some(format!(
                "write it as {}, as Documentation/process/deprecated.rst asks, so a later change of a factor's type cannot overflow silently",
                p.instead
            )),
            ..cx.finding(&INFO, p.call)
        });
    }
}
