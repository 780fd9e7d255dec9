//! `slab-waste`: a constant kmalloc size that rounds up to a much larger size class.

use super::alloc::{self, size_desc};
use super::{FunctionCx, LintInfo};
use crate::diagnostic::{Diagnostic, Severity};
use crate::target::{Bucket, waste};

pub const INFO: LintInfo = LintInfo {
    name: "slab-waste",
    severity: Severity::Warning,
    summary: "kmalloc of a constant size that rounds up to a much larger slab class or page block",
    doc: include_str!("../../lints/slab-waste.md"),
    enabled_by_default: true,
};

/// Flag when the waste is at least this share of the request (per mille)…
pub const MIN_WASTE_PERMILLE: u64 = 250;
/// …and at least this many bytes.
pub const MIN_WASTE_BYTES: u64 = 128;

/// How often an allocation's rounding is paid, as far as the call shows.
enum Multiplicity {
    /// An array of this many objects (`kcalloc(n, size)`): the rounding is paid once
    /// for the whole block, but the element size decides it.
    Array(u64),
    /// One object, allocated with non-blocking flags: on a hot path (per packet, per
    /// event), so many such objects live at once.
    Often,
    /// One object above the largest cache: a page block, wasted whole.
    Block,
}

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    let t = &cx.options.target;
    // Buffers freed again in this function are scratch: their rounding is not kept.
    let freed_here: Vec<*const crate::facts::Call> = alloc::freed_pointers(cx)
        .iter()
        .filter_map(|f| f.origin.call.map(|c| c as *const _))
        .collect();
    let dma = cx
        .knowledge
        .gfp_flag("__GFP_DMA")
        .zip(cx.knowledge.gfp_flag("__GFP_DMA32"));
    for call in &cx.function.calls {
        let Some(a) = alloc::allocator(cx, call) else {
            continue;
        };
        // devm_kmalloc adds its own header to the size, so its class is not the request's.
        if a.family != "kmalloc" {
            continue;
        }
        let Some(size) = alloc::request_size(cx, call, a) else {
            continue;
        };
        if size == 0 || freed_here.contains(&(call as *const _)) {
            continue;
        }
        let flags = alloc::flags(cx, call, a);
        // DMA-zone flags: a buffer for the hardware, whose layout is fixed by it.
        if let (Some((set, _)), Some((d, d32))) = (&flags, dma)
            && (set.intersects(d) || set.intersects(d32))
        {
            continue;
        }
        // One finding per site: a request of a costly order is kmalloc-costly-order's.
        if size > t.kmalloc_max_cache_size()
            && size <= t.kmalloc_max_size
            && t.get_order(size) > t.costly_order
        {
            continue;
        }
        let count = a
            .count_arg
            .and_then(|i| call.args().get(i))
            .and_then(|c| alloc::eval(cx, c))
            .filter(|&n| n > 1);
        let blocking = flags
            .as_ref()
            .map(|(set, _)| set.contains(cx.knowledge.sleep_bit));
        let multiplicity = match (count, blocking) {
            (Some(n), _) => Multiplicity::Array(n),
            _ if size > t.kmalloc_max_cache_size() => Multiplicity::Block,
            // A one-off object (allocated at probe or open time, a fixed-layout
            // message): a few hundred bytes once are not worth a change, and its
            // size is usually fixed by a layout that cannot be trimmed.
            (None, Some(false)) => Multiplicity::Often,
            (None, _) => continue,
        };
        let bucket = t.kmalloc_bucket(size);
        let Some(actual) = bucket.bytes() else {
            continue;
        };
        let (wasted, permille) = waste(size, actual);
        if wasted < MIN_WASTE_BYTES || permille < MIN_WASTE_PERMILLE {
            continue;
        }
        let served = match bucket {
            Bucket::Slab(c) => format!("the kmalloc-{} cache ({c}-byte objects)", class_name(c)),
            Bucket::Pages { order, bytes } => {
                format!(
                    "the page allocator as an order-{order} block ({bytes} bytes, above the largest kmalloc cache)"
                )
            }
            Bucket::TooLarge => continue,
        };
        let help = match (bucket, &multiplicity) {
            (Bucket::Slab(_), Multiplicity::Often) => "allocated on a path that cannot sleep, so typically many times: a dedicated kmem_cache (kmem_cache_create) packs objects of this size without rounding".to_string(),
            (Bucket::Slab(_), _) => {
                let below = t.kmalloc_classes.iter().rev().find(|&&c| c < size).copied();
                let trim = below
                    .map(|b| format!("trim the array to {b} bytes (the next class down) or "))
                    .unwrap_or_default();
                format!("{trim}grow it to use the {actual} bytes")
            }
            _ => format!(
                "size the buffer to use the whole {actual}-byte block, or use kvmalloc()/vmalloc(), which allocate page by page"
            ),
        };
        let what = match multiplicity {
            Multiplicity::Array(n) => format!("{} (an array of {n} objects)", size_desc(call, a)),
            _ => size_desc(call, a),
        };
        out.push(Diagnostic {
            message: format!(
                "`{}()` of {} ({size} bytes) is served from {served}: {wasted} bytes wasted, {}.{} % of the request",
                call.callee,
                what,
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

/// `kmalloc-192`, `kmalloc-8k`.
fn class_name(c: u64) -> String {
    if c >= 1024 && c.is_multiple_of(1024) {
        format!("{}k", c / 1024)
    } else {
        c.to_string()
    }
}
