//! `atomic-sleeping-call`: a function that sleeps (mutex_lock, msleep, wait_event,
//! copy_from_user, ...) called in atomic context. Same engine as the allocation lints;
//! the list of sleeping functions and why each sleeps is data in `lints/api.toml`.

use super::{Fix, FunctionCx, LintInfo, call_text};
use crate::context::SleepKind;
use crate::context::sleep::OwnSleep;
use crate::diagnostic::{Diagnostic, Severity};

pub const INFO: LintInfo = LintInfo {
    name: "atomic-sleeping-call",
    severity: Severity::Error,
    summary: "call that sleeps (mutex_lock, msleep, wait_event, copy_from_user, ...) in atomic context",
    doc: include_str!("../../lints/atomic-sleeping-call.md"),
    enabled_by_default: true,
    check: Some(check),
};

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    for site in cx.sites() {
        let SleepKind::Own(OwnSleep::Call(reason)) = &site.kind else {
            continue;
        };
        let call = cx.call(site.call);
        let name = match call.guard_class() {
            Some(_) => call_text(call),
            None => format!("{}()", call.callee),
        };
        let what = format!("`{name}` {reason}");
        cx.report(&INFO, site, &what, Fix::Call, out);
    }
}
