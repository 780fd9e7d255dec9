//! `atomic-sleeping-alloc`: an allocator that always may sleep (vmalloc and friends),
//! called in atomic context, whatever flags it is given.

use super::{FunctionCx, LintInfo};
use crate::diagnostic::{Diagnostic, Severity};

pub const INFO: LintInfo = LintInfo {
    name: "atomic-sleeping-alloc",
    severity: Severity::Error,
    summary: "allocator that always may sleep (vmalloc, vzalloc, vmap, ...) in atomic context",
    doc: include_str!("../../lints/atomic-sleeping-alloc.md"),
    enabled_by_default: true,
};

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    for (i, call) in cx.function.calls.iter().enumerate() {
        let Some(Some(held)) = cx.locks.at_call.get(i) else {
            continue;
        };
        if held.is_empty() || call.indirect {
            continue;
        }
        let Some(alloc) = cx.knowledge.allocator(&call.callee) else {
            continue;
        };
        if !alloc.always_sleeps {
            continue;
        }
        let Some(ev) = cx.evidence(held) else {
            continue;
        };
        let (tail, labels, notes) = cx.atomic_parts(&ev);
        let message = format!("`{}()` always may sleep, but {tail}", call.callee);
        let help = format!(
            "{}; `{}()` cannot be used in atomic context whatever its flags: for a small buffer, kmalloc(..., GFP_NOWAIT) is the fallback",
            cx.where_to_allocate(ev.blamed),
            call.callee
        );
        out.push(Diagnostic {
            lint: INFO.name,
            severity: cx.severity(&INFO, &ev),
            file: cx.file.path.clone(),
            span: call.span,
            function: cx.function.name.clone(),
            message,
            labels,
            notes,
            help: Some(help),
        });
    }
}
