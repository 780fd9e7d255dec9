//! `kvmalloc-nonblocking`: kvmalloc with flags that cannot sleep, which never falls
//! back to vmalloc (6.1–6.12), so it is a plain kmalloc that can fail for large sizes.

use super::alloc::{self, bytes};
use super::{FunctionCx, LintInfo, short};
use crate::diagnostic::{Diagnostic, Severity};
use crate::knowledge::MemoryKind;

pub const INFO: LintInfo = LintInfo {
    name: "kvmalloc-nonblocking",
    severity: Severity::Warning,
    summary: "kvmalloc/kvzalloc/kvcalloc with non-sleeping flags never falls back to vmalloc (6.1–6.12)",
    doc: include_str!("../../lints/kvmalloc-nonblocking.md"),
    enabled_by_default: true,
    check: Some(check),
};

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    let t = &cx.settings.target;
    if !t.kvmalloc_nonblocking_is_kmalloc() {
        return;
    }
    for call in &cx.function.calls {
        let Some(a) = alloc::allocator(cx, call) else {
            continue;
        };
        if cx.knowledge.family(a.family).memory != MemoryKind::SlabOrVmalloc {
            continue;
        }
        let Some((set, text)) = alloc::flags(call, a) else {
            continue;
        };
        if set.contains(cx.knowledge.sleep_bit) {
            continue;
        }
        // Up to a page, kvmalloc never uses vmalloc anyway.
        let size = alloc::request_size(cx, call, a);
        if size.is_some_and(|s| s <= t.page_size()) {
            continue;
        }
        let size_part = size
            .map(|s| format!(" of {}", bytes(s)))
            .unwrap_or_default();
        out.push(Diagnostic {
            message: format!(
                "`{}()`{size_part} with `{}` cannot sleep, so on {}.{} it never falls back to vmalloc: it is a plain kmalloc that can fail for sizes above a page",
                call.callee,
                short(&text),
                t.kernel_version.0,
                t.kernel_version.1
            ),
            labels: Vec::new(),
            notes: vec!["mm/util.c kvmalloc_node(): \"non-sleeping allocations are not supported by vmalloc\"".into()],
            help: Some("allocate with GFP_KERNEL where sleeping is allowed (e.g. preallocate outside the atomic section), or call kmalloc() with these flags and handle failure".into()),
            ..cx.finding(&INFO, call)
        });
    }
}
