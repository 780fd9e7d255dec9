//! `kmalloc-costly-order`: a constant kmalloc size served by the page allocator above
//! PAGE_ALLOC_COSTLY_ORDER, likely to fail under fragmentation.

use super::alloc::{self, bytes, size_desc};
use super::{FunctionCx, LintInfo};
use crate::diagnostic::{Diagnostic, Severity};

pub const INFO: LintInfo = LintInfo {
    name: "kmalloc-costly-order",
    severity: Severity::Warning,
    summary: "kmalloc of a constant size above PAGE_ALLOC_COSTLY_ORDER (> 32 KiB), likely to fail under fragmentation",
    doc: include_str!("../../lints/kmalloc-costly-order.md"),
    enabled_by_default: true,
    check: Some(check),
};

/// Whether any function of the file hands buffers to a bus for DMA.
fn file_does_bus_transfers(cx: &FunctionCx) -> bool {
    cx.file
        .functions
        .iter()
        .flat_map(|f| f.calls.iter())
        .any(|c| !c.indirect && cx.knowledge.is_dma_handoff(&c.callee))
}

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    let t = &cx.settings.target;
    let dma = cx
        .knowledge
        .gfp_flag("__GFP_DMA")
        .zip(cx.knowledge.gfp_flag("__GFP_DMA32"));
    for (call, a, request) in alloc::kmalloc_requests(cx) {
        let size = alloc::served_size(cx, a, request);
        if size > t.kmalloc_max_size || size <= t.kmalloc_max_cache_size() {
            continue;
        }
        let order = t.get_order(size);
        if order <= t.costly_order {
            continue;
        }
        // DMA-zone flags say the buffer must be physically contiguous: no kvmalloc.
        if let (Some((set, _)), Some((d, d32))) = (alloc::flags(call, a), dma)
            && (set.intersects(d) || set.intersects(d32))
        {
            continue;
        }
        // Handed to a device for DMA here: it must be contiguous, kvmalloc is no option.
        if let Some(p) = call.assigned_to().map(alloc::pointer_key)
            && alloc::uses(cx, &p, |callee| cx.knowledge.is_dma_handoff(callee)).is_some()
        {
            continue;
        }
        // A raw byte buffer (no `sizeof` in its size) in a file that moves data over
        // USB, SDIO or SPI is a transfer buffer far more often than not: unknown.
        if !size_desc(call, a).contains("sizeof") && file_does_bus_transfers(cx) {
            continue;
        }
        out.push(Diagnostic {
            message: format!(
                "`{}()` of {} ({}) needs an order-{order} block ({}) from the page allocator, above PAGE_ALLOC_COSTLY_ORDER {} ({}): likely to fail when memory is fragmented",
                call.callee,
                size_desc(call, a),
                alloc::served_desc(cx, a, request),
                bytes(t.order_bytes(order)),
                t.costly_order,
                bytes(t.order_bytes(t.costly_order)),
            ),
            labels: Vec::new(),
            notes: Vec::new(),
            help: Some("use kvmalloc()/kvzalloc() (freed with kvfree()), which falls back to vmalloc, unless the buffer must be physically contiguous (e.g. for DMA)".into()),
            ..cx.finding(&INFO, call)
        });
    }
}
