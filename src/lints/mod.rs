//! Lints: one file each, a small unit that reads facts and context and returns
//! diagnostics. The registry below is the one list of lints; its names are public.

pub mod alloc;
pub mod alloc_free_mismatch;
pub mod alloc_size_overflow;
pub mod atomic_sleeping_alloc;
pub mod atomic_sleeping_gfp;
pub mod devm_free;
pub mod kmalloc_costly_order;
pub mod kmalloc_over_max;
pub mod kvmalloc_nonblocking;
pub mod needless_gfp_atomic;
pub mod page_order_over_max;
pub mod slab_waste;
pub mod vmalloc_small;

use crate::context::{Held, LockStates, State};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::facts::{Call, FileFacts, Function};
use crate::knowledge::Knowledge;

/// A lint's identity and documentation (`lints/<name>.md`, embedded for `explain`).
#[derive(Debug, Clone, Copy)]
pub struct LintInfo {
    pub name: &'static str,
    /// Severity of a finding on every path; findings on some paths only are warnings.
    pub severity: Severity,
    pub summary: &'static str,
    pub doc: &'static str,
    /// Off-by-default lints run only when enabled by name (`Options::enable`).
    pub enabled_by_default: bool,
}

/// Every lint, in the order `gfplint lints` lists them.
pub const LINTS: &[LintInfo] = &[
    atomic_sleeping_gfp::INFO,
    atomic_sleeping_alloc::INFO,
    kmalloc_over_max::INFO,
    kmalloc_costly_order::INFO,
    page_order_over_max::INFO,
    vmalloc_small::INFO,
    slab_waste::INFO,
    kvmalloc_nonblocking::INFO,
    alloc_free_mismatch::INFO,
    devm_free::INFO,
    alloc_size_overflow::INFO,
    needless_gfp_atomic::INFO,
];

pub fn lint_info(name: &str) -> Option<&'static LintInfo> {
    LINTS.iter().find(|l| l.name == name)
}

/// What a lint sees of one function.
pub struct FunctionCx<'a> {
    /// Everything known across the files of the run.
    pub program: &'a crate::program::Program<'a>,
    pub file_index: usize,
    pub function_index: usize,
    pub file: &'a FileFacts,
    pub function: &'a Function,
    pub locks: &'a LockStates,
    pub knowledge: &'a Knowledge,
    pub options: &'a crate::Options,
}

/// Runs every enabled function-level lint.
pub fn check_function(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    type Check = fn(&FunctionCx, &mut Vec<Diagnostic>);
    let checks: [(&LintInfo, Check); 12] = [
        (&atomic_sleeping_gfp::INFO, atomic_sleeping_gfp::check),
        (&atomic_sleeping_alloc::INFO, atomic_sleeping_alloc::check),
        (&kmalloc_over_max::INFO, kmalloc_over_max::check),
        (&kmalloc_costly_order::INFO, kmalloc_costly_order::check),
        (&page_order_over_max::INFO, page_order_over_max::check),
        (&vmalloc_small::INFO, vmalloc_small::check),
        (&slab_waste::INFO, slab_waste::check),
        (&kvmalloc_nonblocking::INFO, kvmalloc_nonblocking::check),
        (&alloc_free_mismatch::INFO, alloc_free_mismatch::check),
        (&devm_free::INFO, devm_free::check),
        (&alloc_size_overflow::INFO, alloc_size_overflow::check),
        (&needless_gfp_atomic::INFO, needless_gfp_atomic::check),
    ];
    for (info, check) in checks {
        if cx.enabled(info) {
            check(cx, out);
        }
    }
}

/// Why a call runs in atomic context, ready to be put into words.
pub struct AtomicEvidence<'a> {
    /// The section the finding blames: the outermost one held on every path, or else
    /// the outermost one held on some path.
    pub blamed: &'a Held,
    pub certain: bool,
    pub others: Vec<&'a Held>,
}

impl<'a> FunctionCx<'a> {
    /// Whether a lint runs: on by default, or enabled by name.
    pub fn enabled(&self, info: &LintInfo) -> bool {
        info.enabled_by_default || self.options.enable.iter().any(|n| n == info.name)
    }

    pub fn evidence(&self, held: &'a State) -> Option<AtomicEvidence<'a>> {
        let blamed = held.iter().find(|h| h.certain).or_else(|| held.first())?;
        let others = held.iter().filter(|h| !std::ptr::eq(*h, blamed)).collect();
        Some(AtomicEvidence {
            blamed,
            certain: blamed.certain,
            others,
        })
    }

    /// "spinlock `priv->lock`", "RCU read-side section".
    pub fn describe(&self, held: &Held) -> String {
        let kind = &self.knowledge.sections[held.kind].kind;
        let key = self.locks.key(held);
        if key.is_empty() {
            kind.clone()
        } else {
            format!("{kind} `{key}`")
        }
    }

    pub fn call(&self, index: u32) -> &'a Call {
        &self.function.calls[index as usize]
    }

    /// The call as it reads, shortened: `spin_lock_irqsave(&priv->lock, flags)`.
    pub fn call_text(&self, call: &Call) -> String {
        let name = match &call.guard_class {
            Some(class) if call.callee == "guard" => format!("guard({class})"),
            Some(class) => return format!("{}({class}, {})", call.callee, call.args.join(", ")),
            None => call.callee.clone(),
        };
        let args = call.args.join(", ");
        let args = if args.len() > 60 {
            format!("{}…", &args[..floor_char(&args, 60)])
        } else {
            args
        };
        format!("{name}({args})")
    }

    /// Message tail, label and notes that show where the context became atomic.
    pub fn atomic_parts(&self, ev: &AtomicEvidence) -> (String, Vec<Label>, Vec<String>) {
        let site = self.call(ev.blamed.site);
        let what = self.describe(ev.blamed);
        let how = if ev.certain {
            "is held"
        } else {
            "is held on some paths to this call"
        };
        let tail = format!(
            "{what} {how} (`{}` at line {})",
            acquirer_name(site),
            site.span.line
        );
        let label = Label {
            file: self.file.path.clone(),
            span: site.span,
            message: format!("{what} taken here by `{}`", self.call_text(site)),
        };
        let mut notes = Vec::new();
        for other in &ev.others {
            let s = self.call(other.site);
            let paths = if other.certain { "" } else { " on some paths" };
            notes.push(format!(
                "also held{paths}: {} (`{}` at line {})",
                self.describe(other),
                acquirer_name(s),
                s.span.line
            ));
        }
        (tail, vec![label], notes)
    }

    pub fn severity(&self, info: &LintInfo, ev: &AtomicEvidence) -> Severity {
        if ev.certain {
            info.severity
        } else {
            Severity::Warning
        }
    }

    /// Advice for an allocation in this section: allocate earlier first, flags last.
    pub fn where_to_allocate(&self, held: &Held) -> String {
        let site = self.call(held.site);
        let key = self.locks.key(held);
        if key.is_empty() {
            format!(
                "allocate before `{}` (or preallocate, e.g. at probe or open time)",
                acquirer_name(site)
            )
        } else {
            format!(
                "allocate before taking `{key}` (or preallocate, e.g. at probe or open time) and only publish the pointer under the lock"
            )
        }
    }
}

/// `spin_lock_irqsave()`, `guard(spinlock)`.
fn acquirer_name(call: &Call) -> String {
    match &call.guard_class {
        Some(class) => format!("{}({class})", call.callee),
        None => format!("{}()", call.callee),
    }
}

pub fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Shortens an argument for a message.
pub fn short(s: &str) -> String {
    if s.len() > 60 {
        format!("{}…", &s[..floor_char(s, 60)])
    } else {
        s.to_string()
    }
}
