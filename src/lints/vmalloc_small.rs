//! `vmalloc-small`: vmalloc of a constant size below one page.

use super::alloc::{self, bytes, size_desc};
use super::{FunctionCx, LintInfo};
use crate::diagnostic::{Diagnostic, Severity};
use crate::knowledge::MemoryKind;

pub const INFO: LintInfo = LintInfo {
    name: "vmalloc-small",
    severity: Severity::Warning,
    summary: "vmalloc/vzalloc of a constant size below a page: wastes a page, a guard page and a TLB entry",
    doc: include_str!("../../lints/vmalloc-small.md"),
    enabled_by_default: true,
    check: Some(check),
};

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    let page = cx.settings.target.page_size();
    for call in &cx.function.calls {
        let Some(a) = alloc::allocator(cx, call) else {
            continue;
        };
        // Variants with a reason to be small (`vmalloc_user`): listed in api.toml.
        if cx.knowledge.family(a.family).memory != MemoryKind::Vmalloc
            || cx.knowledge.is_small_vmalloc_exempt(&call.callee) {
            continue;
        }
        let Some(size) = alloc::request_size(cx, call, a) else {
            continue;
        };
        if size == 0 || size >= page {
            continue;
        }
        let instead = if cx.knowledge.is_zeroing(&call.callee) {
            "kzalloc()"
        } else {
            "kmalloc()"
        };
        out.push(Diagnostic {
            message: format!(
                "`{}()` of {} ({}), less than a page ({}): vmalloc maps a whole page, adds a guard page and uses a TLB entry",
                call.callee,
                size_desc(call, a),
                bytes(size),
                bytes(page)
            ),
            labels: Vec::new(),
            notes: Vec::new(),
            help: Some(format!("use {instead} (freed with kfree()), or kvmalloc() if the size can grow")),
            ..cx.finding(&INFO, call)
        });
    }
}
