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
};

/// Parameter types that mark a callback run in atomic context (timers, tasklets).
const ATOMIC_CALLBACK_PARAMS: &[&str] = &[
    "struct timer_list",
    "struct tasklet_struct",
    "struct hrtimer",
];

/// Whether call `call_index` provably runs in process context, as far as this function
/// shows: no lock or atomic section is held at the call on any path, the function is
/// fully analysed, and its parameters do not make it an IRQ handler or a timer/tasklet
/// callback.
// TODO(interprocedural): this must also consult the interprocedural atomic-context
// summaries (src/context/, being written): the function must not be an atomic entry
// point (IRQ handler, timer, tasklet, softirq, ... registered anywhere) nor reachable
// from one or from a caller holding a lock. Until then the lint is off by default.
fn provably_process_context(cx: &FunctionCx, call_index: usize) -> bool {
    let f = cx.function;
    if f.truncated {
        return false;
    }
    let no_lock = matches!(cx.locks.at_call.get(call_index), Some(Some(held)) if held.is_empty());
    let atomic_signature = f
        .params
        .iter()
        .any(|p| ATOMIC_CALLBACK_PARAMS.iter().any(|t| p.ty.contains(t)))
        || (f.params.len() == 2 && f.params[0].name == "irq");
    no_lock && !atomic_signature
}

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    for (i, call) in cx.function.calls.iter().enumerate() {
        let Some(a) = alloc::allocator(cx, call) else {
            continue;
        };
        let crate::knowledge::GfpArg::At(g) = a.gfp_arg else {
            continue;
        };
        let Some(text) = call.args.get(g) else {
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
            lint: INFO.name,
            severity: INFO.severity,
            file: cx.file.path.clone(),
            span: call.span,
            function: cx.function.name.clone(),
            message: format!(
                "`{}()` uses GFP_ATOMIC, but no lock or atomic section is held here: GFP_ATOMIC cannot reclaim and draws on the emergency reserves",
                call.callee
            ),
            labels: Vec::new(),
            notes: vec!["only this function was checked: callers that hold a lock or run in interrupt context are not yet considered".into()],
            help: Some("use GFP_KERNEL if this function is only called from process context".into()),
        });
    }
}
