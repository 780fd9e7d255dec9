//! `dma-free-mismatch`: DMA memory (`dma_alloc_coherent()`, `dma_pool_alloc()`) freed
//! with a slab/vmalloc free, or slab/vmalloc memory freed with a DMA free.

use super::alloc;
use super::alloc_free_mismatch::describe_origin;
use super::{FunctionCx, LintInfo};
use crate::diagnostic::{Diagnostic, Severity};
use crate::knowledge::MemoryKind;

pub const INFO: LintInfo = LintInfo {
    name: "dma-free-mismatch",
    severity: Severity::Error,
    summary: "DMA memory freed with kfree/vfree, or slab/vmalloc memory freed with a DMA free",
    doc: include_str!("../../lints/dma-free-mismatch.md"),
    enabled_by_default: true,
    check: Some(check),
};

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    let k = cx.knowledge;
    for f in alloc::freed_pointers(cx) {
        let origin = k.family(f.origin.family);
        // DMA memory's free also takes the device or pool and the bus address.
        let frees_dma = f.accepts.iter().any(|&a| k.family(a).memory == MemoryKind::Dma);
        let from_dma = origin.memory == MemoryKind::Dma;
        // Same kind on both sides is someone else's (or right); devm memory is
        // `devm-free`'s, page allocator and unknown memory nobody's.
        if frees_dma == from_dma || f.accepts.contains(&f.origin.family) {
            continue;
        }
        if !from_dma
            && !matches!(
                origin.memory,
                MemoryKind::Slab | MemoryKind::SlabOrVmalloc | MemoryKind::Vmalloc
            )
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
                origin.name
            ),
            labels,
            notes: Vec::new(),
            help: Some(format!("free it with {}", origin.free_help())),
            ..cx.finding(&INFO, f.call)
        });
    }
}
