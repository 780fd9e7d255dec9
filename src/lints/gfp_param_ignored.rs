//! `gfp-param-ignored`: a function takes a `gfp_t` from its caller but allocates with a
//! hard-coded sleeping flag, so a caller in atomic context that passes GFP_ATOMIC still
//! gets an allocation that may sleep.

use super::{FunctionCx, LintInfo, short};
use crate::context::sleep::{FlagSource, FlagUse, gfp_argument};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::gfp::{GfpValue, eval_flags};

pub const INFO: LintInfo = LintInfo {
    name: "gfp-param-ignored",
    severity: Severity::Warning,
    summary: "function takes a gfp_t parameter but allocates with a hard-coded sleeping flag",
    doc: include_str!("../../lints/gfp-param-ignored.md"),
    enabled_by_default: true,
    check: Some(check),
};

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    let f = cx.function;
    let Some(param) = f
        .params
        .iter()
        .find(|p| p.ty.contains("gfp_t") && !p.name.is_empty())
    else {
        return;
    };
    let param_index = param.index;
    if f.calls
        .iter()
        .any(|c| cx.knowledge.sleepable_when(&c.callee).is_some())
    {
        return;
    }
    let k = cx.knowledge;
    // Only a contract someone relies on: a caller that passes flags that cannot sleep.
    let Some(witness) = non_sleeping_caller(cx, param_index) else {
        return;
    };
    for (i, call) in f.calls.iter().enumerate() {
        if !cx.locks.is_reachable(i as u32) || k.call_allocator(call).is_none() {
            continue;
        }
        let Some((_, FlagUse::Sleeps(FlagSource::Argument(flags)))) = gfp_argument(k, f, call)
        else {
            continue;
        };
        // Hard-coded: every bit known, none from the parameter.
        if !matches!(eval_flags(&flags, &|id| k.gfp_flag(id)), GfpValue::Known(_)) {
            continue;
        }
        out.push(Diagnostic {
            lint: INFO.name,
            severity: INFO.severity,
            file: cx.file.path.clone(),
            span: call.span,
            function: f.name.to_string(),
            message: format!(
                "`{}()` takes `gfp_t {}` from its callers but `{}()` here uses hard-coded `{}`, which may sleep even when a caller passed GFP_ATOMIC",
                f.name,
                param.name,
                call.callee,
                short(&flags)
            ),
            labels: vec![witness.clone()],
            notes: Vec::new(),
            help: Some(format!("pass `{}` (or a mask of it) to `{}()` instead of `{}`", param.name, call.callee, short(&flags))),
            fingerprint: String::new(),
            fix: None,
        });
    }
}

/// A direct caller that passes flags that cannot sleep for parameter `param`.
fn non_sleeping_caller(cx: &FunctionCx, param: u32) -> Option<Label> {
    let k = cx.knowledge;
    let callers = cx.analysis.callers.of(cx.id);
    callers.iter().find_map(|&(caller, call)| {
        let g = cx.program.function(caller);
        let c = &g.calls[call as usize];
        let arg = c.args().get(param as usize)?;
        // `GFP_DMA` or 0 only picks a zone (callers OR it into `GFP_KERNEL` below).
        let zone_only = matches!(
            eval_flags(arg, &|id| k.gfp_flag(id)),
            GfpValue::Known(set) if k.zone_mask.contains(set)
        );
        (!zone_only && crate::context::sleep::flag_use_of_text(k, g, arg) == FlagUse::DoesNotSleep).then(|| {
            Label {
                file: cx.program.file(caller).path.clone(),
                span: c.span,
                message: format!(
                    "`{}()` passes `{}` here, trusting that nothing below sleeps",
                    g.name,
                    short(arg)
                ),
            }
        })
    })
}
