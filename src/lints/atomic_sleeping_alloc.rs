//! `atomic-sleeping-alloc`: an allocator that always may sleep (vmalloc and friends),
//! called in atomic context, whatever flags it is given.

use super::{Fix, FunctionCx, LintInfo};
use crate::context::SleepKind;
use crate::context::sleep::OwnSleep;
use crate::diagnostic::{Diagnostic, Severity};

pub const INFO: LintInfo = LintInfo {
    name: "atomic-sleeping-alloc",
    severity: Severity::Error,
    summary: "allocator that always may sleep (vmalloc, vzalloc, vmap, ...) in atomic context",
    doc: include_str!("../../lints/atomic-sleeping-alloc.md"),
    enabled_by_default: true,
    check: Some(check),
};

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    for site in cx.sites() {
        if site.kind != SleepKind::Own(OwnSleep::Allocator) {
            continue;
        }
        let what = format!("`{}()` always may sleep", cx.call(site.call).callee);
        cx.report(&INFO, site, &what, Fix::SleepingAllocator, out);
    }
}
