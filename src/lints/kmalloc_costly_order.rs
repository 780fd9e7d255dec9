//! `kmalloc-costly-order`: a constant kmalloc size served by the page allocator above
//! PAGE_ALLOC_COSTLY_ORDER, likely to fail under fragmentation.

use super::alloc::{self, bytes, size_desc};
use super::{FunctionCx, LintInfo};
use crate::consteval::looks_like_type;
use crate::decl_index::dir_of;
use crate::diagnostic::{Diagnostic, Severity};
use crate::facts::Call;
use crate::knowledge::MemoryKind;

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

/// The type a size names with its first `sizeof`: `struct foo` of `sizeof(struct
/// foo)`, and of `sizeof(*p)` or `sizeof(p[0])` for a `struct foo *p` of the function.
fn allocated_type(call: &Call, size: &str) -> Option<String> {
    let start = size.find("sizeof")? + "sizeof".len();
    let inner = size[start..].trim_start().strip_prefix('(')?;
    let mut depth = 0;
    let close = inner.find(|c| {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return true,
            ')' => depth -= 1,
            _ => {}
        }
        false
    })?;
    let inner = inner[..close].trim();
    if let Some(name) = inner
        .strip_prefix('*')
        .or_else(|| inner.strip_suffix("[0]"))
        .map(str::trim)
    {
        let ty = call.operand_type(name)?;
        let pointee = ty.trim_end().strip_suffix('*')?;
        return (!pointee.contains('*')).then(|| pointee.trim().to_string());
    }
    (looks_like_type(inner) && !inner.contains('*')).then(|| inner.to_string())
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
        // An object with an array (or embedded struct) field the driver hands to a
        // device (`sdio_readsb(func, card->buffer, …)`): the object itself must be
        // physically contiguous.
        if let Some(ty) = a
            .size_arg
            .and_then(|i| call.args().get(i))
            .and_then(|size| allocated_type(call, size))
            && alloc::size_env(cx).holds_dma_buffer(dir_of(&cx.file.path), &ty)
        {
            continue;
        }
        // Stored into a struct field that the driver hands to a device elsewhere
        // (`priv->rx_buf = kmalloc(…)` here, `usb_fill_bulk_urb(…, priv->rx_buf, …)`
        // in the completion path).
        if let (Some(field), Some(ty)) = (call.assigned_to(), call.field_base_type())
            && cx
                .program
                .decls
                .dma_field(dir_of(&cx.file.path), ty, field)
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
            help: Some(help(cx, call, a).into()),
            ..cx.finding(&INFO, call)
        });
    }
}

/// The fix: kvmalloc. Device-managed memory has no kvmalloc variant (no `devm_kvmalloc()`
/// up to 6.12), so for it the fix is kvmalloc plus a devres action that frees it; and
/// near a power of two the devres header alone may double the block.
fn help(
    cx: &FunctionCx,
    call: &crate::facts::Call,
    a: &crate::knowledge::Allocator,
) -> &'static str {
    // kvmalloc only falls back to vmalloc for flags that may sleep: for GFP_ATOMIC
    // and GFP_NOWAIT it is kmalloc (see kvmalloc-nonblocking).
    if let Some((set, _)) = alloc::flags(call, a)
        && !set.contains(cx.knowledge.sleep_bit)
    {
        "these flags may not sleep, so kvmalloc() would not fall back to vmalloc either: allocate it ahead of time where sleeping is allowed (kvmalloc() there), or in smaller pieces"
    } else if cx.knowledge.family(a.family).memory == MemoryKind::Devres {
        "there is no device-managed kvmalloc: use kvmalloc()/kvzalloc() and free it with kvfree() from a devm_add_action_or_reset() action (or on remove), unless the buffer must be physically contiguous (e.g. for DMA); a size just under a power of two also stops the devres header from doubling the block"
    } else {
        "use kvmalloc()/kvzalloc() (freed with kvfree()), which falls back to vmalloc, unless the buffer must be physically contiguous (e.g. for DMA)"
    }
}
