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

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    let t = &cx.options.target;
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
        if size == 0 {
            continue;
        }
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
        let help = match bucket {
            Bucket::Slab(_) => {
                let below = t.kmalloc_classes.iter().rev().find(|&&c| c < size).copied();
                let trim = below
                    .map(|b| format!("trim the request to {b} bytes (the next class down) or "))
                    .unwrap_or_default();
                format!(
                    "{trim}grow it to use the {actual} bytes; for many objects of this size, a dedicated kmem_cache (kmem_cache_create) packs them without rounding"
                )
            }
            _ => format!(
                "size the buffer to use the whole {actual}-byte block, or use kvmalloc()/vmalloc(), which allocate page by page"
            ),
        };
        out.push(Diagnostic {
            message: format!(
                "`{}()` of {} ({size} bytes) is served from {served}: {wasted} bytes wasted, {}.{} % of the request",
                call.callee,
                size_desc(call, a),
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
