//! `alloc-size-arith`: an open-coded `n * size` allocation size that its operand types
//! keep from overflowing (or whose types are unknown here): the kernel's
//! `deprecated.rst` style rule, off by default.

use super::alloc_size_overflow::{Operand, Verdict, classify};
use super::{FunctionCx, LintInfo, short};
use crate::diagnostic::{Diagnostic, Severity};

pub const INFO: LintInfo = LintInfo {
    name: "alloc-size-arith",
    severity: Severity::Warning,
    summary: "open-coded `n * size` allocation size (not shown to overflow): prefer kmalloc_array/kcalloc/array_size",
    doc: include_str!("../../lints/alloc-size-arith.md"),
    enabled_by_default: false,
    check: Some(check),
};

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    for call in &cx.function.calls {
        let Some(p) = classify(cx, call) else {
            continue;
        };
        let why = match &p.verdict {
            Verdict::CanOverflow { .. } => continue,
            Verdict::TypeSafe => "its operand types keep it from overflowing".to_string(),
            Verdict::Computed => {
                "its factors are computed in this function, not taken as inputs; whether they can grow large enough to overflow is not known here".to_string()
            }
            Verdict::UnknownTypes => {
                let unknown = p
                    .operands
                    .iter()
                    .filter_map(|o| match o {
                        Operand::Unknown { text } => Some(format!("`{}`", short(text))),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
                    .join(" and ");
                format!("the type of {unknown} is not known here")
            }
        };
        out.push(Diagnostic {
            message: format!(
                "`{}()` size `{}` is open-coded arithmetic ({why})",
                call.callee,
                short(&p.text)
            ),
            labels: Vec::new(),
            notes: Vec::new(),
            help: Some(format!(
                "use {}: it documents the array shape and fails on overflow if the types change",
                p.instead
            )),
            fix: super::alloc_size_overflow::array_fix(cx, call, &p),
            ..cx.finding(&INFO, call)
        });
    }
}
