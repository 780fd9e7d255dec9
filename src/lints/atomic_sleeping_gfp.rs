//! `atomic-sleeping-gfp`: an allocation whose GFP flags may sleep, in atomic context
//! (a section held here, or a function registered or called atomic). Flags handed
//! down through a `gfp_t` parameter are reported at the call that passes them.

use super::{Fix, FunctionCx, LintInfo, short};
use crate::context::SleepKind;
use crate::context::sleep::{FlagSource, OwnSleep};
use crate::diagnostic::{Diagnostic, Severity};

pub const INFO: LintInfo = LintInfo {
    name: "atomic-sleeping-gfp",
    severity: Severity::Error,
    summary: "allocation with GFP flags that may sleep (GFP_KERNEL, GFP_NOFS, ...) in atomic context",
    doc: include_str!("../../lints/atomic-sleeping-gfp.md"),
    enabled_by_default: true,
    check: Some(check),
};

pub fn check(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    for site in cx.sites() {
        let call = cx.call(site.call);
        let what = match &site.kind {
            SleepKind::Own(OwnSleep::Gfp(FlagSource::Default)) => {
                format!(
                    "`{}()` without a GFP argument allocates with GFP_KERNEL and may sleep",
                    call.callee
                )
            }
            SleepKind::Own(OwnSleep::Gfp(FlagSource::Argument(flags))) => {
                if cx.knowledge.call_allocator(call).is_some() {
                    format!("`{}()` with `{}` may sleep", call.callee, short(flags))
                } else {
                    format!(
                        "`{}()` is passed `{}`, so it may sleep",
                        call.callee,
                        short(flags)
                    )
                }
            }
            SleepKind::PassesGfp {
                flags,
                callee: _,
                sink,
            } => {
                let f = cx.program.function(sink.0);
                // A run over a slice of the program loads every sink its linted
                // functions reach; anything else is not a finding to render.
                let Some(alloc) = f.calls.get(sink.1 as usize) else {
                    continue;
                };
                format!(
                    "`{}()` is passed `{}`, which reaches `{}()` in `{}()` at {}:{} and may sleep",
                    call.callee,
                    short(flags),
                    alloc.callee,
                    f.name,
                    cx.program.file(sink.0).path,
                    alloc.span.line
                )
            }
            _ => continue,
        };
        cx.report(&INFO, site, &what, Fix::Allocation, out);
    }
}
