//! `atomic-sleeping-gfp`: an allocation whose GFP flags may sleep, in atomic context.

use super::{FunctionCx, LintInfo, short};
use crate::diagnostic::{Diagnostic, Severity};
use crate::gfp::{Sleepiness, eval_flags, mentions_gfp_flag, sleepiness};
use crate::knowledge::GfpArg;

pub const INFO: LintInfo = LintInfo {
    name: "atomic-sleeping-gfp",
    severity: Severity::Error,
    summary: "allocation with GFP flags that may sleep (GFP_KERNEL, GFP_NOFS, ...) in atomic context",
    doc: include_str!("../../lints/atomic-sleeping-gfp.md"),
    enabled_by_default: true,
};

/// How the sleeping flags reached the call.
enum FlagSource {
    /// Written in the call: the argument text.
    Argument(String),
    /// Left out of a call whose GFP argument defaults to GFP_KERNEL.
    Default,
}

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    for (i, call) in cx.function.calls.iter().enumerate() {
        let Some(Some(held)) = cx.locks.at_call.get(i) else {
            continue;
        };
        if held.is_empty() || call.indirect {
            continue;
        }
        let Some(source) = sleeping_flags(cx, call) else {
            continue;
        };
        let Some(ev) = cx.evidence(held) else {
            continue;
        };
        let (tail, labels, notes) = cx.atomic_parts(&ev);
        let is_allocator = cx.knowledge.allocator(&call.callee).is_some();
        let message = match (&source, is_allocator) {
            (FlagSource::Default, _) => format!(
                "`{}()` without a GFP argument allocates with GFP_KERNEL and may sleep, but {tail}",
                call.callee
            ),
            (FlagSource::Argument(flags), true) => {
                format!(
                    "`{}()` with `{}` may sleep, but {tail}",
                    call.callee,
                    short(flags)
                )
            }
            (FlagSource::Argument(flags), false) => format!(
                "`{}()` is passed `{}`, so it may sleep, but {tail}",
                call.callee,
                short(flags)
            ),
        };
        let help = format!(
            "{}; if it must be allocated here, use GFP_NOWAIT (or GFP_ATOMIC when using the emergency reserves is justified) and handle failure",
            cx.where_to_allocate(ev.blamed)
        );
        out.push(Diagnostic {
            lint: INFO.name,
            severity: cx.severity(&INFO, &ev),
            file: cx.file.path.clone(),
            span: call.span,
            function: cx.function.name.clone(),
            message,
            labels,
            notes,
            help: Some(help),
        });
    }
}

/// The GFP flags of `call` when they may sleep.
fn sleeping_flags(cx: &FunctionCx, call: &crate::facts::Call) -> Option<FlagSource> {
    let k = cx.knowledge;
    let lookup = |id: &str| k.gfp_flag(id);
    if let Some(alloc) = k.allocator(&call.callee) {
        if alloc.always_sleeps {
            return None; // atomic-sleeping-alloc reports these, whatever the flags
        }
        if let GfpArg::At(idx) = alloc.gfp_arg {
            return match call.args.get(idx) {
                Some(arg) => (sleepiness(&eval_flags(arg, &lookup), k.sleep_bit)
                    == Sleepiness::Sleeps)
                    .then(|| FlagSource::Argument(arg.clone())),
                None if call.arg_count as usize <= idx => alloc
                    .default_gfp
                    .filter(|g| g.contains(k.sleep_bit))
                    .map(|_| FlagSource::Default),
                None => None,
            };
        }
    }
    if k.is_non_allocating_gfp_user(&call.callee) || k.lock_op(&call.callee).is_some() {
        return None;
    }
    // Any other call: recognise a GFP argument by its flags.
    call.args.iter().find_map(|arg| {
        if !mentions_gfp_flag(arg) {
            return None;
        }
        (sleepiness(&eval_flags(arg, &lookup), k.sleep_bit) == Sleepiness::Sleeps)
            .then(|| FlagSource::Argument(arg.clone()))
    })
}
