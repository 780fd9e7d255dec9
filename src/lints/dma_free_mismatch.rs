//! `dma-free-mismatch`: DMA memory (`dma_alloc_coherent()`, `dma_pool_alloc()`) freed
//! with a slab/vmalloc free, or slab/vmalloc memory freed with a DMA free.

use super::alloc;
use super::alloc_free_mismatch::describe_origin;
use super::{FunctionCx, LintInfo};
use crate::diagnostic::{Diagnostic, Severity};

pub const INFO: LintInfo = LintInfo {
    name: "dma-free-mismatch",
    severity: Severity::Error,
    summary: "DMA memory freed with kfree/vfree, or slab/vmalloc memory freed with a DMA free",
    doc: include_str!("../../lints/dma-free-mismatch.md"),
    enabled_by_default: true,
    check: Some(check),
};

/// Whether an allocator family is DMA memory (its free also takes the device or
/// pool and the bus address).
fn is_dma(family: &str) -> bool {
    family.starts_with("dma-")
}

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    for f in alloc::freed_pointers(cx) {
        let frees_dma = f.accepts.iter().any(|a| is_dma(a));
        let from_dma = is_dma(f.origin.family);
        // Same kind on both sides is someone else's (or right); devm memory is
        // `devm-free`'s, unknown families are nobody's.
        if frees_dma == from_dma || f.accepts.iter().any(|a| a == f.origin.family) {
            continue;
        }
        if !from_dma && !matches!(f.origin.family, "kmalloc" | "kvmalloc" | "vmalloc" | "kmem_cache")
        {
            continue;
        }
        let (whence, labels) = describe_origin(cx, &f.origin);
        let risk = if from_dma {
            "DMA memory is not slab or vmalloc memory (it may be remapped pages, a CMA area or a pool block), and its bus mapping is never released"
        } else {
            "it is not DMA memory: the DMA free unmaps and releases pages the allocator never handed out"
        };
        out.push(Diagnostic {
            message: format!(
                "`{}()` frees `{}`, {} memory{whence}: {risk}",
                f.call.callee,
                super::short(f.arg),
                f.origin.family
            ),
            labels,
            notes: Vec::new(),
            help: Some(format!("free it with {}", cx.knowledge.family_free(f.origin.family))),
            ..cx.finding(&INFO, f.call)
        });
    }
}
