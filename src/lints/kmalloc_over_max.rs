//! `kmalloc-over-max`: a constant kmalloc size above KMALLOC_MAX_SIZE, which always fails.

use super::alloc::{self, bytes, size_desc};
use super::{FunctionCx, LintInfo};
use crate::diagnostic::{Diagnostic, Severity};

pub const INFO: LintInfo = LintInfo {
    name: "kmalloc-over-max",
    severity: Severity::Error,
    summary: "kmalloc of a constant size above KMALLOC_MAX_SIZE (4 MiB), which always fails",
    doc: include_str!("../../lints/kmalloc-over-max.md"),
    enabled_by_default: true,
    check: Some(check),
};

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    let t = &cx.settings.target;
    for (call, a, request) in alloc::kmalloc_requests(cx) {
        let size = alloc::served_size(cx, a, request);
        if size <= t.kmalloc_max_size {
            continue;
        }
        out.push(Diagnostic {
            message: format!(
                "`{}()` of {} ({}) always fails: above KMALLOC_MAX_SIZE, {} (order {} with {}-byte pages)",
                call.callee,
                size_desc(call, a),
                alloc::served_desc(cx, a, request),
                bytes(t.kmalloc_max_size),
                t.max_page_order,
                t.page_size()
            ),
            labels: Vec::new(),
            notes: Vec::new(),
            help: Some("use kvmalloc()/kvzalloc() (freed with kvfree()) or vmalloc(); if the memory must be physically contiguous, it has to be reserved at boot (CMA, dma_alloc_coherent)".into()),
            ..cx.finding(&INFO, call)
        });
    }
}
