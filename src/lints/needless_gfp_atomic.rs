//! `needless-gfp-atomic` (off by default): GFP_ATOMIC where the context provably may
//! sleep, which dips into the emergency reserves for nothing.

use super::alloc;
use super::{FunctionCx, LintInfo};
use crate::diagnostic::{Diagnostic, Severity};

pub const INFO: LintInfo = LintInfo {
    name: "needless-gfp-atomic",
    severity: Severity::Warning,
    summary: "GFP_ATOMIC in a function that is provably in process context (off by default)",
    doc: include_str!("../../lints/needless-gfp-atomic.md"),
    enabled_by_default: false,
    check: Some(check),
};

/// Whether call `call_index` provably runs in process context: no atomic section is
/// held at the call on any path, the function is fully analysed, its parameters do not
/// make it a timer/tasklet/IRQ-style callback, and no atomic context reaches it (it is
/// not registered as an atomic entry point nor called, at any depth, from one or from
/// a caller holding a lock).
fn provably_process_context(cx: &FunctionCx, call_index: usize) -> bool {
    let f = cx.function;
    !f.truncated
        && !f.atomic_signature
        && cx.locks.is_reachable(call_index as u32)
        && cx.locks.at_call(call_index as u32).is_empty()
        && !cx.analysis.atomic_reachable.contains(&cx.id)
}

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    for (i, call) in cx.function.calls.iter().enumerate() {
        let Some(a) = alloc::allocator(cx, call) else {
            continue;
        };
        let crate::knowledge::GfpArg::At(g) = a.gfp_arg else {
            continue;
        };
        let Some(text) = call.args().get(g) else {
            continue;
        };
        // `in_atomic() ? GFP_ATOMIC : GFP_KERNEL` already picks by context.
        if text.contains('?')
            || !text
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|w| w == "GFP_ATOMIC")
        {
            continue;
        }
        if !provably_process_context(cx, i) {
            continue;
        }
        out.push(Diagnostic {
            message: format!(
                "`{}()` uses GFP_ATOMIC, but no lock or atomic section is held here: GFP_ATOMIC cannot reclaim and draws on the emergency reserves",
                call.callee
            ),
            labels: Vec::new(),
            notes: vec!["no lock is held here, the function has no atomic-callback signature, and no atomic context of the run (entry point, or caller holding a lock, at any depth) reaches it; calls through function pointers are not seen".into()],
            help: Some("use GFP_KERNEL if this function is only called from process context".into()),
            ..cx.finding(&INFO, call)
        });
    }
}
