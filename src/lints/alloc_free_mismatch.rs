//! `alloc-free-mismatch`: memory of one allocator family freed by another family's free
//! (vmalloc memory with kfree, kmalloc memory with vfree, …), tracked through local
//! variables and, across functions and files, through struct fields.

use super::alloc::{self, Origin};
use super::{FunctionCx, LintInfo};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::knowledge::{Family, MemoryKind};

pub const INFO: LintInfo = LintInfo {
    name: "alloc-free-mismatch",
    severity: Severity::Error,
    summary: "memory freed by the wrong family's free (vmalloc memory with kfree, kmalloc memory with vfree, ...)",
    doc: include_str!("../../lints/alloc-free-mismatch.md"),
    enabled_by_default: true,
    check: Some(check),
};

/// Whether this lint pairs frees of the family's memory: slab, vmalloc and page
/// allocator memory (device-managed memory is `devm-free`'s, DMA memory
/// `dma-free-mismatch`'s).
fn paired(family: &Family) -> bool {
    matches!(
        family.memory,
        MemoryKind::Slab | MemoryKind::SlabOrVmalloc | MemoryKind::Vmalloc | MemoryKind::Pages
    )
}

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    let k = cx.knowledge;
    for f in alloc::freed_pointers(cx) {
        let origin = k.family(f.origin.family);
        // A free outside these families (a DMA free) is another lint's.
        if !paired(origin)
            || f.accepts.contains(&f.origin.family)
            || !f.accepts.iter().any(|&a| paired(k.family(a)))
        {
            continue;
        }
        // kvmalloc() of at most a page never falls back to vmalloc (mm/util.c
        // kvmalloc_node: `if (ret || size <= PAGE_SIZE) return ret;`): kmalloc memory.
        if origin.memory == MemoryKind::SlabOrVmalloc
            && let Some(c) = f.origin.call
            && let Some(a) = alloc::allocator(cx, c)
            && alloc::request_size(cx, c, a).is_some_and(|n| n <= cx.settings.target.page_size())
        {
            continue;
        }
        out.push(diagnostic(cx, f.call, f.arg, &f.origin));
    }
}

fn diagnostic(
    cx: &FunctionCx,
    call: &crate::facts::Call,
    arg: &str,
    origin: &Origin,
) -> Diagnostic {
    let (whence, labels) = describe_origin(cx, origin);
    let k = cx.knowledge;
    let family = k.family(origin.family);
    let slab_free = k
        .free_families(&call.callee)
        .is_some_and(|a| a.iter().any(|&x| k.family(x).is_kmalloc_slab()));
    let risk = match family.memory {
        MemoryKind::SlabOrVmalloc if slab_free => format!(
            "{} memory may come from vmalloc, which `{}()` cannot free",
            family.name, call.callee
        ),
        MemoryKind::SlabOrVmalloc => format!(
            "{} memory usually comes from kmalloc, which `{}()` cannot free",
            family.name, call.callee
        ),
        MemoryKind::Vmalloc => "vmalloc memory is not slab memory".into(),
        MemoryKind::Slab => "slab memory is not a vmalloc area".into(),
        _ => "page allocator memory is not slab or vmalloc memory".into(),
    };
    Diagnostic {
        message: format!(
            "`{}({}{})` frees {} memory{whence}: {risk}",
            call.callee,
            if cx.knowledge.free_ptr_arg(&call.callee) > 0 {
                "…, "
            } else {
                ""
            },
            super::short(arg),
            family.name
        ),
        labels,
        notes: wrapper_notes(cx, call, origin),
        help: Some(format!("free it with {}", family.free_help())),
        // kvfree() frees both halves of kvmalloc memory and takes the same argument; the
        // other families' right free depends on more than the name (order, cache).
        fix: rename_fix(cx, call, origin),
        ..cx.finding(&INFO, call)
    }
}

/// Where the kernel summaries say what a wrapper on either side does: the allocation's
/// and the free's callee, when one is known only through them.
fn wrapper_notes(cx: &FunctionCx, free: &crate::facts::Call, origin: &Origin) -> Vec<String> {
    let k = cx.knowledge;
    let mut notes = Vec::new();
    if let Some(alloc) = origin.call
        && let Some(place) = k.summarised_wrapper(&alloc.callee)
    {
        notes.push(format!(
            "`{}()` returns {} memory (kernel summary: {place})",
            alloc.callee,
            k.family(origin.family).name
        ));
    }
    if let Some(place) = k.summarised_wrapper(&free.callee)
        && let Some(families) = k.free_families(&free.callee)
    {
        let names: Vec<&str> = families.iter().map(|&f| k.family(f).name.as_str()).collect();
        notes.push(format!(
            "`{}()` frees {} memory (kernel summary: {place})",
            free.callee,
            names.join(", ")
        ));
    }
    notes
}

/// " allocated by `vzalloc()` at line 12" / " stored in field `ring` by `vzalloc()`".
pub fn describe_origin(cx: &FunctionCx, origin: &Origin) -> (String, Vec<Label>) {
    match (origin.call, &origin.field) {
        (Some(c), _) => (
            format!(" allocated by `{}()` at line {}", c.callee, c.span.line),
            vec![Label {
                file: cx.file.path.clone(),
                span: c.span,
                message: format!("allocated here by `{}()`", c.callee),
            }],
        ),
        (None, Some(f)) => (
            format!(
                " (`{f}` is only assigned {} allocations in this file and the files sharing its headers)",
                cx.knowledge.family(origin.family).name
            ),
            Vec::new(),
        ),
        _ => (String::new(), Vec::new()),
    }
}

/// `kfree(p)` → `kvfree(p)` for kvmalloc memory: the family's free (api.toml
/// `[[family]]` `free`) when it is one function taking the pointer where the wrong free
/// did.
fn rename_fix(cx: &FunctionCx, call: &crate::facts::Call, origin: &Origin) -> Option<crate::diagnostic::Fix> {
    let family = cx.knowledge.family(origin.family);
    if family.memory != MemoryKind::SlabOrVmalloc || cx.knowledge.free_ptr_arg(&call.callee) != 0 {
        return None;
    }
    let to = family.free_help().strip_suffix("()")?;
    let single = to.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    (single && cx.knowledge.free_ptr_arg(to) == 0).then(|| crate::diagnostic::Fix::RenameCallee {
        from: call.callee.to_string(),
        to: to.to_string(),
    })
}
