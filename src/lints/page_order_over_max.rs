//! `page-order-over-max`: a page allocation whose constant order is above the largest
//! order the buddy allocator has, which always fails.

use super::alloc::{self, bytes};
use super::{FunctionCx, LintInfo};
use crate::diagnostic::{Diagnostic, Severity};
use crate::knowledge::MemoryKind;

pub const INFO: LintInfo = LintInfo {
    name: "page-order-over-max",
    severity: Severity::Error,
    summary: "alloc_pages/__get_free_pages with a constant order above the maximum (10 with 4 KiB pages), which always fails",
    doc: include_str!("../../lints/page-order-over-max.md"),
    enabled_by_default: true,
    check: Some(check),
};

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    let t = &cx.settings.target;
    for call in &cx.function.calls {
        let Some(a) = alloc::allocator(cx, call) else {
            continue;
        };
        if cx.knowledge.family(a.family).memory != MemoryKind::Pages {
            continue;
        }
        let (order, what) = if a.order_arg.is_some() {
            let Some(o) = alloc::request_order(cx, call, a) else {
                continue;
            };
            let text = call
                .args()
                .get(a.order_arg.unwrap_or(0))
                .map(|s| super::short(s))
                .unwrap_or_default();
            (o, format!("order `{text}` = {o}"))
        } else {
            let Some(size) = alloc::request_size(cx, call, a) else {
                continue;
            };
            let o = u64::from(t.get_order(size));
            (o, format!("{} (order {o})", bytes(size)))
        };
        if order <= u64::from(t.max_page_order) {
            continue;
        }
        out.push(Diagnostic {
            message: format!(
                "`{}()` with {what} always fails: the largest page order is {} ({}; MAX_ORDER is {} on {}.{})",
                call.callee,
                t.max_page_order,
                bytes(t.order_bytes(t.max_page_order)),
                t.max_order_macro(),
                t.kernel_version.0,
                t.kernel_version.1,
            ),
            labels: Vec::new(),
            notes: Vec::new(),
            help: Some("use vmalloc()/kvmalloc() when the memory need not be physically contiguous; otherwise reserve it at boot (CMA) or split the buffer".into()),
            ..cx.finding(&INFO, call)
        });
    }
}
