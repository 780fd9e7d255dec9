//! The atomic lints' shared report engine: why a call's context is atomic (a section
//! held here, or the callers' chain), and the message, labels, notes and help built
//! from it. `atomic-sleeping-gfp`, `-alloc` and `-call` differ only in what they say
//! sleeps; the rest is here.

use super::text::call_text;
use super::{FunctionCx, LintInfo};
use crate::context::Held;
use crate::context::interproc::{AtomicReason, SleepSite};
use crate::context::lockstate::ANNOTATION_SITE;
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::facts::Call;
use crate::knowledge::EntryKind;
use crate::program::FunctionId;

/// What kind of fix the help line should offer.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Fix {
    /// An allocation: allocate earlier / preallocate, flags as the fallback.
    Allocation,
    /// An always-sleeping allocator: allocate earlier; no atomic flags exist.
    SleepingAllocator,
    /// A sleeping call: move it out of the atomic section.
    Call,
}

/// Why the context at a call is atomic: a section held in this function, or the
/// function's callers.
enum Evidence<'a> {
    Local {
        blamed: &'a Held,
        others: Vec<&'a Held>,
    },
    Callers(Vec<AtomicReason>),
}

impl<'a> FunctionCx<'a> {
    /// `when`: tests of this function's parameters under which the call sleeps (see
    /// `SleepSite::when`); only atomic paths that allow them count.
    fn evidence(&self, call: u32, when: &[crate::values::Test]) -> Option<Evidence<'a>> {
        let c = self.call(call);
        // A call that drops a lock while it allocates (`__xa_store()` and xa_lock): that
        // lock does not count.
        let dropped = self
            .knowledge
            .call_allocator(c)
            .and_then(|a| a.drops_lock_arg)
            .and_then(|i| c.args().get(i))
            .map(|a| crate::context::lockstate::lock_key(a));
        let held: Vec<&'a Held> = self
            .locks
            .at_call(call)
            .iter()
            .filter(|h| dropped.as_deref().is_none_or(|d| self.locks.key(h) != d))
            .collect();
        // vfree() and friends only sleep outside interrupt context: a bottom-half
        // section or an atomic callback (softirq, hard IRQ) is not a problem for them.
        let interrupt_ok = self.knowledge.sleeps_outside_interrupt_only(&c.callee);
        let held: Vec<&'a Held> = held
            .into_iter()
            .filter(|h| !(interrupt_ok && self.knowledge.sections[h.kind].in_interrupt))
            .collect();
        if let Some(&blamed) = held.iter().find(|h| h.certain).or_else(|| held.first()) {
            let others = held
                .iter()
                .copied()
                .filter(|h| !std::ptr::eq(*h, blamed))
                .collect();
            return Some(Evidence::Local { blamed, others });
        }
        // Only the atomic paths whose parameter values allow this call to be reached
        // (a caller passing `false` for the `may_sleep` flag tested above it, or
        // `FOO_POLL` where the call is under `case FOO_WAIT:`, is not a problem for it).
        // Where the paths to the call tested differently, a reason counts when the
        // tests of one group of paths allow it.
        let alternatives: Vec<Vec<crate::values::Test>> = self
            .resolved_guard_alternatives(call)
            .into_iter()
            .map(|mut guards| {
                guards.extend_from_slice(when);
                guards
            })
            .collect();
        let mut resolver = crate::context::interproc::Resolver::new(
            self.program,
            &self.settings.target,
            &self.analysis.headers,
        );
        // Lazy initialisation that process context reaches too: the first call, the one
        // that sleeps, can be that one (`context::once`).
        let mut once_resolver = crate::context::interproc::Resolver::new(
            self.program,
            &self.settings.target,
            &self.analysis.headers,
        );
        if self.once_only(&mut once_resolver, self.id, call) {
            return None;
        }
        let reasons: Vec<AtomicReason> = self
            .analysis
            .reasons(self.id)
            .iter()
            .filter(|r| !interrupt_ok || self.chain_root_is_lock(r))
            .filter(|r| !self.chain_passes_once(&mut once_resolver, r))
            .filter(|r| {
                alternatives
                    .iter()
                    .any(|guards| self.reason_allows(r, guards, &mut resolver))
            })
            .cloned()
            .collect();
        (!reasons.is_empty()).then_some(Evidence::Callers(reasons))
    }

    /// Whether `call` in function `id` is lazy initialisation in a function process
    /// context reaches too (`context::once`).
    fn once_only(
        &self,
        resolver: &mut crate::context::interproc::Resolver,
        id: FunctionId,
        call: u32,
    ) -> bool {
        self.analysis.once_process.get(&id).is_some_and(|paths| {
            crate::context::once::once_guarded(
                self.program,
                resolver,
                self.analysis.locks_of(id),
                (id, call),
                paths,
            )
        })
    }

    /// Whether the chain of reason `r` makes, at some hop into a function atomic
    /// because of its own callers, a call that is such lazy initialisation.
    fn chain_passes_once(
        &self,
        resolver: &mut crate::context::interproc::Resolver,
        r: &AtomicReason,
    ) -> bool {
        let mut r = r;
        for _ in 0..64 {
            let AtomicReason::CalledFromAtomic {
                caller, call, via, ..
            } = r
            else {
                return false;
            };
            if self.once_only(resolver, *caller, *call) {
                return true;
            }
            match self.analysis.reasons(*caller).get(*via as usize) {
                Some(next) => r = next,
                None => return false,
            }
        }
        false
    }

    /// The parameter tests on the paths to `call`, per group of paths that tested
    /// differently (one group where all agree), names resolved in this file.
    fn resolved_guard_alternatives(&self, call: u32) -> Vec<Vec<crate::values::Test>> {
        let alternatives = self.locks.guard_alternatives_at(call);
        if alternatives.iter().all(|a| a.is_empty()) {
            return vec![Vec::new()];
        }
        let mut resolver = crate::context::interproc::Resolver::new(
            self.program,
            &self.settings.target,
            &self.analysis.headers,
        );
        alternatives
            .into_iter()
            .map(|a| resolver.tests(self.id, a))
            .collect()
    }

    /// Whether atomic reason `r` can reach the call with parameter tests `guards`: its
    /// bindings agree with them, and tests of fields (which say something of a path
    /// only through what its caller handed over: `helper(dev)` after
    /// `priv->in_timeout = 1`) hold for what the caller passes.
    fn reason_allows(
        &self,
        r: &AtomicReason,
        guards: &[crate::values::Test],
        resolver: &mut crate::context::interproc::Resolver,
    ) -> bool {
        if !crate::context::interproc::consistent(guards, &r.bindings().to_vec()) {
            return false;
        }
        let field_guards: Vec<crate::values::Test> = guards
            .iter()
            .filter(|t| matches!(t.pred, crate::values::Pred::Field(..)))
            .cloned()
            .collect();
        let Some((caller, at)) = r.caller().filter(|_| !field_guards.is_empty()) else {
            return true;
        };
        let none = crate::context::interproc::Bindings::new();
        let mut arg = |p: u32| resolver.arg(caller, at, p, &none);
        crate::context::interproc::lift_clause(&field_guards, &mut arg).is_some()
    }

    /// Reports a sleep site if it is in atomic context. `what` says what sleeps
    /// ("`kmalloc()` with `GFP_KERNEL` may sleep").
    pub fn report(
        &self,
        info: &LintInfo,
        site: &SleepSite,
        what: &str,
        fix: Fix,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(evidence) = self.evidence(site.call, &site.when) else {
            return;
        };
        // One finding per path into the function: a sleep after an earlier sleeping
        // call, with the context coming from callers, is the earlier call's finding
        // (its fix, in the caller, is the same), even where a section of this
        // function's own came and went in between. A section taken in this function is
        // another matter: each sleeping call in it has to move.
        if matches!(evidence, Evidence::Callers(_))
            && self.locks.after_sleep_in_callers_context(site.call)
        {
            return;
        }
        let call = self.call(site.call);
        let (message, labels, mut notes, help, certain) = match evidence {
            Evidence::Local { blamed, others } => self.local_parts(what, blamed, &others, fix),
            Evidence::Callers(reasons) => self.chain_parts(what, &reasons, fix),
        };
        notes.extend(site.note.iter().cloned());
        out.push(Diagnostic {
            lint: info.name,
            severity: if certain {
                info.severity
            } else {
                Severity::Warning
            },
            file: self.file.path.clone(),
            span: call.span,
            function: self.function.name.to_string(),
            message,
            labels,
            notes,
            help: Some(help),
            fingerprint: String::new(),
            fix: None,
        });
    }

    /// "spinlock `priv->lock`", "RCU read-side section".
    pub fn describe(&self, held: &Held) -> String {
        crate::context::interproc::describe_section(self.knowledge, self.locks, held)
    }

    fn local_parts(
        &self,
        what: &str,
        blamed: &Held,
        others: &[&Held],
        fix: Fix,
    ) -> (String, Vec<Label>, Vec<String>, String, bool) {
        let section = self.describe(blamed);
        let paths = if blamed.certain {
            ""
        } else {
            " on some paths to this call"
        };
        // "spinlock `l` is held", or a state: "it runs with IRQs disabled".
        let (state, held) = match self.knowledge.state_phrase(&section) {
            Some(phrase) => (format!("it runs {phrase}"), phrase.to_string()),
            None => (format!("{section} is held"), format!("with {section} held")),
        };
        // `acquirer` reads "`spin_lock()` at line 9"; `place` is where the fix goes.
        let (acquirer, place_name, label) = if blamed.site == ANNOTATION_SITE {
            let label = Label {
                file: self.file.path.clone(),
                span: self.function.name_span,
                message: format!(
                    "`{}()` is annotated to be called {held}",
                    self.function.name
                ),
            };
            (
                "`__must_hold()` annotation".to_string(),
                "the caller takes it".to_string(),
                label,
            )
        } else {
            let site = self.call(blamed.site);
            let label = Label {
                file: self.file.path.clone(),
                span: site.span,
                message: format!("{section} taken here by `{}`", call_text(site)),
            };
            let name = acquirer_name(site);
            (
                format!("`{name}` at line {}", site.span.line),
                format!("`{name}`"),
                label,
            )
        };
        let message = format!("{what}, but {state}{paths} ({acquirer})");
        let mut notes = Vec::new();
        for other in others {
            let paths = if other.certain { "" } else { " on some paths" };
            let at = if other.site == ANNOTATION_SITE {
                "`__must_hold()` annotation".to_string()
            } else {
                let s = self.call(other.site);
                format!("`{}` at line {}", acquirer_name(s), s.span.line)
            };
            notes.push(format!("also held{paths}: {} ({at})", self.describe(other)));
        }
        let key = self.locks.key(blamed);
        let place = if key.is_empty() {
            format!("before {place_name}")
        } else {
            format!("before taking `{key}`")
        };
        let help = match fix {
            Fix::Allocation => format!(
                "allocate {place} (or preallocate, e.g. at probe or open time) and only publish the pointer under the lock; if it must be allocated here, use GFP_NOWAIT (or GFP_ATOMIC when using the emergency reserves is justified) and handle failure"
            ),
            Fix::SleepingAllocator => format!(
                "allocate {place} (or preallocate, e.g. at probe or open time); vmalloc-family allocators cannot be used in atomic context whatever their flags: for a small buffer, kmalloc(..., GFP_NOWAIT) is the fallback"
            ),
            Fix::Call => format!(
                "move the call out of the atomic section (do it {place}, or defer it to a workqueue)"
            ),
        };
        (message, vec![label], notes, help, blamed.certain)
    }

    fn chain_parts(
        &self,
        what: &str,
        reasons: &[AtomicReason],
        fix: Fix,
    ) -> (String, Vec<Label>, Vec<String>, String, bool) {
        let name = &self.function.name;
        let first = &reasons[0];
        let (chain, labels, root) = self.chain(self.id, first);
        let message = format!("{what} in `{name}()`; {chain}");
        let mut notes = Vec::new();
        for r in &reasons[1..] {
            let (text, _, _) = self.chain(self.id, r);
            notes.push(format!("also: {text}"));
        }
        if reasons.len() >= crate::context::interproc::MAX_REASONS {
            notes.push("(further atomic paths are not listed)".to_string());
        }
        let atomic_callers: Vec<(FunctionId, u32)> =
            reasons.iter().filter_map(AtomicReason::caller).collect();
        let process: Vec<String> = self
            .analysis
            .callers
            .of(self.id)
            .iter()
            .filter(|c| !atomic_callers.contains(c) && self.analysis.reasons(c.0).is_empty())
            .filter(|(caller, call)| self.analysis.locks_of(*caller).at_call(*call).is_empty())
            .take(3)
            .map(|(caller, call)| {
                let f = self.program.function(*caller);
                let file = &self.program.file(*caller).path;
                format!(
                    "`{}()` ({}:{})",
                    f.name, file, f.calls[*call as usize].span.line
                )
            })
            .collect();
        if !process.is_empty() {
            notes.push(format!(
                "`{name}()` is also called from process context by {}; the atomic path above is the problem",
                process.join(", ")
            ));
        }
        let certain = reasons.iter().any(|r| self.analysis.chain_certain(r));
        let help = match (root, fix) {
            (Root::HardIrq, Fix::Call) => "do not call this from a hard-IRQ handler: move the work to a threaded handler (request_threaded_irq) or a workqueue".to_string(),
            (Root::HardIrq, _) => "move the allocation out of the hard-IRQ path: preallocate, or do the work in a threaded handler (request_threaded_irq) or a workqueue; only if it must stay, use GFP_NOWAIT/GFP_ATOMIC and handle failure".to_string(),
            (Root::Callback, Fix::Call) => "this runs in atomic context: defer the work to a workqueue".to_string(),
            (Root::Callback, _) => "this runs in atomic context: preallocate (e.g. at open time) or defer the work to a workqueue; only if it must stay, use GFP_NOWAIT/GFP_ATOMIC and handle failure".to_string(),
            (Root::Lock(caller), Fix::Call) => format!("the lock is taken in `{caller}()`: release it before this call, or defer the work to a workqueue"),
            (Root::Lock(caller), _) => format!("allocate in `{caller}()` before it takes the lock (or preallocate) and pass the memory down; only if it must stay here, use GFP_NOWAIT/GFP_ATOMIC and handle failure"),
        };
        (message, labels, notes, help, certain)
    }

    /// Whether the chain through `reason` starts at a lock held by a caller (rather
    /// than at an atomic callback).
    fn chain_root_is_lock(&self, reason: &AtomicReason) -> bool {
        matches!(self.chain(self.id, reason).2, Root::Lock(_))
    }

    /// Renders the chain from `id` through `reason` to its root.
    fn chain(&self, id: FunctionId, reason: &AtomicReason) -> (String, Vec<Label>, Root) {
        let mut parts = Vec::new();
        let mut labels = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut current = id;
        let mut r = reason.clone();
        let root = loop {
            let name = &self.program.function(current).name;
            match &r {
                AtomicReason::Entry {
                    context,
                    kind,
                    registrar,
                    file,
                    span,
                } => {
                    let path = &self.program.files[*file as usize].path;
                    parts.push(format!(
                        "`{name}()` is a {context} registered by {registrar} at {path}:{}",
                        span.line
                    ));
                    labels.push(Label {
                        file: path.clone(),
                        span: *span,
                        message: format!("`{name}()` registered as a {context} here"),
                    });
                    break if *kind == EntryKind::IrqHandler {
                        Root::HardIrq
                    } else {
                        Root::Callback
                    };
                }
                AtomicReason::CalledWithHeld {
                    caller,
                    call,
                    section,
                    acquired_line,
                    ..
                } => {
                    let (cname, path, span) = self.call_site(*caller, *call);
                    parts.push(format!(
                        "`{name}()` is called from `{cname}()` at {path}:{} {}",
                        span.line,
                        self.knowledge.held_since(section, *acquired_line)
                    ));
                    labels.push(Label {
                        file: path,
                        span,
                        message: format!("called here {}", self.knowledge.held_phrase(section)),
                    });
                    break Root::Lock(cname);
                }
                AtomicReason::CalledFromAtomic {
                    caller, call, via, ..
                } => {
                    let (cname, path, span) = self.call_site(*caller, *call);
                    parts.push(format!(
                        "`{name}()` is called from `{cname}()` at {path}:{}",
                        span.line
                    ));
                    labels.push(Label {
                        file: path,
                        span,
                        message: format!("`{name}()` called here from atomic context"),
                    });
                    match self.analysis.reasons(*caller).get(*via as usize) {
                        Some(next) if seen.insert(*caller) && parts.len() < 8 => {
                            current = *caller;
                            r = next.clone();
                        }
                        _ => break Root::Callback,
                    }
                }
            }
        };
        (parts.join("; "), labels, root)
    }

    fn call_site(&self, caller: FunctionId, call: u32) -> (String, String, crate::facts::Span) {
        let f = self.program.function(caller);
        (
            f.name.to_string(),
            self.program.file(caller).path.clone(),
            f.calls[call as usize].span,
        )
    }
}

enum Root {
    HardIrq,
    Callback,
    Lock(String),
}

/// `spin_lock_irqsave()`, `guard(spinlock)`.
fn acquirer_name(call: &Call) -> String {
    match call.guard_class() {
        Some(class) => format!("{}({class})", call.callee),
        None => format!("{}()", call.callee),
    }
}
