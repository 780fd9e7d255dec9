//! `devm-free`: device-managed (`devm_`) memory freed with plain kfree/vfree, which
//! frees it again when the device is detached.

use super::alloc;
use super::alloc_free_mismatch::describe_origin;
use super::{FunctionCx, LintInfo};
use crate::diagnostic::{Diagnostic, Severity};
use crate::knowledge::MemoryKind;

pub const INFO: LintInfo = LintInfo {
    name: "devm-free",
    severity: Severity::Error,
    summary: "devm_ memory freed with kfree/vfree: double free when the device detaches",
    doc: include_str!("../../lints/devm-free.md"),
    enabled_by_default: true,
    check: Some(check),
};

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    for f in alloc::freed_pointers(cx) {
        // devm_kfree() (a free of that family) is the right way to free it early.
        if f.accepts.contains(&f.origin.family)
            || cx.knowledge.family(f.origin.family).memory != MemoryKind::Devres
        {
            continue;
        }
        let (call, arg, origin) = (f.call, f.arg, f.origin);
        let (whence, labels) = describe_origin(cx, &origin);
        out.push(Diagnostic {
            message: format!(
                "`{}({})` frees device-managed memory{whence}: devres frees it again when the device detaches (double free)",
                call.callee,
                super::short(arg)
            ),
            labels,
            notes: Vec::new(),
            help: Some("use devm_kfree(dev, ptr) to release it early, or drop the free and let devres release it".into()),
            fix: Some(crate::diagnostic::Fix::DeleteStatement),
            ..cx.finding(&INFO, call)
        });
    }
}
