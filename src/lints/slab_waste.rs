//! `slab-waste`: a constant kmalloc size that rounds up to a much larger size class.

use super::alloc::{self, size_desc};
use super::{FunctionCx, LintInfo};
use crate::diagnostic::{Diagnostic, Severity};
use crate::facts::Call;
use crate::knowledge::Allocator;
use crate::target::{Bucket, waste};

pub const INFO: LintInfo = LintInfo {
    name: "slab-waste",
    severity: Severity::Warning,
    summary: "kmalloc of a constant size that rounds up to a much larger slab class or page block",
    doc: include_str!("../../lints/slab-waste.md"),
    // Off by default: on review, most reported sites were objects allocated a bounded
    // number of times (probe-time arrays, per-scan parameters), where the rounding is
    // not worth a change, and the syntax offers no reliable sign of "many, long-lived".
    enabled_by_default: false,
    check: Some(check),
};

/// Flag when the waste is at least this share of the request (per mille)…
pub const MIN_WASTE_PERMILLE: u64 = 250;
/// …and at least this many bytes.
pub const MIN_WASTE_BYTES: u64 = 128;

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    let t = &cx.settings.target;
    let dma = cx
        .knowledge
        .gfp_flag("__GFP_DMA")
        .zip(cx.knowledge.gfp_flag("__GFP_DMA32"));
    for call in &cx.function.calls {
        let Some(a) = alloc::allocator(cx, call) else {
            continue;
        };
        if !alloc::is_kmalloc_family(cx, a) {
            continue;
        }
        let Some(request) = alloc::request_size(cx, call, a) else {
            continue;
        };
        // devm_kmalloc adds devres's header: the class is that of the sum.
        let size = alloc::served_size(cx, a, request);
        if size == 0 {
            continue;
        }
        let bucket = t.kmalloc_bucket(size);
        let Some(actual) = bucket.bytes() else {
            continue;
        };
        // Above the costly order, kmalloc-costly-order reports the site (once per site).
        if let Bucket::Pages { order, .. } = bucket
            && order > t.costly_order
        {
            continue;
        }
        let (wasted, permille) = waste(size, actual);
        if wasted < MIN_WASTE_BYTES || permille < MIN_WASTE_PERMILLE {
            continue;
        }
        // DMA-zone flags: a buffer for the hardware, whose layout it fixes.
        if let (Some((set, _)), Some((d, d32))) = (alloc::flags(call, a), dma)
            && (set.intersects(d) || set.intersects(d32))
        {
            continue;
        }
        let pointer = call.assigned_to().map(alloc::pointer_key);
        // A scratch buffer freed before the function returns wastes nothing that lasts.
        if let Some(p) = &pointer
            && alloc::uses(cx, p, |callee| cx.knowledge.free_families(callee).is_some()).is_some()
        {
            continue;
        }
        // Waste matters when it is multiplied: one probe-time object rounding up costs a
        // few hundred bytes once. Without evidence of many objects, say nothing.
        let Some(many) = multiplicity(cx, call, a, pointer.as_deref()) else {
            continue;
        };
        let served = match bucket {
            Bucket::Slab(c) => format!("the kmalloc-{} cache ({c}-byte objects)", class_name(c)),
            Bucket::Pages { order, bytes } => {
                format!(
                    "the page allocator as an order-{order} block ({bytes} bytes, above the largest kmalloc cache)"
                )
            }
            Bucket::TooLarge => continue,
        };
        let contiguous = pointer
            .as_deref()
            .and_then(|p| alloc::uses(cx, p, |callee| cx.knowledge.is_dma_handoff(callee)));
        let help = match bucket {
            Bucket::Slab(_) => {
                let below = t.kmalloc_classes.iter().rev().find(|&&c| c < size).copied();
                let trim = below
                    .map(|b| format!("; if the size is not fixed by a hardware or protocol layout, trim it to {b} bytes (the next class down) or grow it to use the slack"))
                    .unwrap_or_default();
                format!(
                    "a dedicated kmem_cache (kmem_cache_create) packs objects of this size without rounding{trim}"
                )
            }
            _ => match contiguous {
                Some(c) => format!(
                    "size the buffer to use the whole {actual}-byte block (it is handed to `{}()` at line {} for DMA, so it must stay physically contiguous)",
                    c.callee, c.span.line
                ),
                None => format!(
                    "size the buffer to use the whole {actual}-byte block, or use kvmalloc()/vmalloc(), which allocate page by page, unless it must be physically contiguous (DMA)"
                ),
            },
        };
        out.push(Diagnostic {
            message: format!(
                "`{}()` of {} ({}) is served from {served}: {wasted} bytes wasted, {}.{} % of the request, {many}",
                call.callee,
                size_desc(call, a),
                alloc::served_desc(cx, a, request),
                permille / 10,
                permille % 10
            ),
            labels: Vec::new(),
            notes: Vec::new(),
            help: Some(help),
            ..cx.finding(&INFO, call)
        });
    }
}

/// Why this allocation is one of many, if anything says so: in a loop, in a hot path
/// (non-blocking flags: interrupt or softirq), or linked into a collection here.
fn multiplicity(
    cx: &FunctionCx,
    call: &Call,
    a: &Allocator,
    pointer: Option<&str>,
) -> Option<String> {
    if call.in_loop() {
        return Some("for every iteration of a loop".into());
    }
    if let Some((set, text)) = alloc::flags(call, a)
        && !set.intersects(cx.knowledge.sleep_bit)
    {
        return Some(format!(
            "on a hot path (`{text}`: called where it cannot sleep, once per event)"
        ));
    }
    let p = pointer?;
    let linked = alloc::uses(cx, p, |callee| cx.knowledge.is_collection_insert(callee))?;
    Some(format!(
        "once per object linked by `{}()` at line {}",
        linked.callee, linked.span.line
    ))
}

/// `kmalloc-192`, `kmalloc-8k`.
fn class_name(c: u64) -> String {
    if c >= 1024 && c.is_multiple_of(1024) {
        format!("{}k", c / 1024)
    } else {
        c.to_string()
    }
}
