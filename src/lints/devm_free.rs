//! `devm-free`: device-managed (`devm_`) memory freed with plain kfree/vfree, which
//! frees it again when the device is detached.

use super::alloc::{self, Tracker};
use super::alloc_free_mismatch::describe_origin;
use super::{FunctionCx, LintInfo};
use crate::diagnostic::{Diagnostic, Severity};

pub const INFO: LintInfo = LintInfo {
    name: "devm-free",
    severity: Severity::Error,
    summary: "devm_ memory freed with kfree/vfree: double free when the device detaches",
    doc: include_str!("../../lints/devm-free.md"),
    enabled_by_default: true,
};

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    if !alloc::has_free(cx) {
        return;
    }
    let tracker = Tracker::new(cx);
    for call in &cx.function.calls {
        if call.indirect {
            continue;
        }
        let Some(accepts) = cx.knowledge.free_families(&call.callee) else {
            continue;
        };
        if accepts.iter().any(|f| f == "devm") {
            continue;
        }
        let Some(arg) = call.args().get(cx.knowledge.free_ptr_arg(&call.callee)) else {
            continue;
        };
        let Some(origin) = tracker.origin(cx, arg) else {
            continue;
        };
        if origin.family != "devm" {
            continue;
        }
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
            ..cx.finding(&INFO, call)
        });
    }
}
