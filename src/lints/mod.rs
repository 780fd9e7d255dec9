//! Lints: one file each, a small unit that reads facts and context and returns
//! diagnostics. The registry below is the one list of lints; its names are public.
//!
//! In the pipeline (stage *lints*, `src/lints/`): `mod.rs`: registry and `FunctionCx`;
//! `atomic.rs`: the atomic lints' shared report engine (evidence, chain, help);
//! `alloc.rs`: the size lints' evaluated requests and freed pointers; `text.rs`: how
//! calls read in messages; `policy.rs`: `LintPolicy` (which lints run, at which level:
//! decided once per run from config levels and lints enabled by name) and
//! `AnalysisSettings` (target + policy: all a lint sees of the run); one file per lint:
//! `INFO` (name, severity, summary, doc from `lints/<name>.md`, `check`); one
//! `registry!` line per lint in `lints/mod.rs` declares the module and its place in
//! `LINTS`, which `check_function`, `gfplint lints`, SARIF rules and the conventions
//! test (doc sections, fixtures, README row) all read

pub mod alloc;
pub mod atomic;
pub mod policy;
pub mod text;

pub use atomic::Fix;
pub use policy::{AnalysisSettings, LintPolicy};
pub use text::{call_text, floor_char, short};

use crate::context::LockStates;
use crate::context::interproc::{Analysis, SleepSite};
use crate::diagnostic::{Diagnostic, Severity};
use crate::facts::{Call, FileFacts, Function};
use crate::knowledge::Knowledge;
use crate::program::{FunctionId, Program};

/// A lint's identity and documentation (`lints/<name>.md`, embedded for `explain`).
#[derive(Debug, Clone, Copy)]
pub struct LintInfo {
    pub name: &'static str,
    /// Severity of a finding on every path; findings on some paths only are warnings.
    pub severity: Severity,
    pub summary: &'static str,
    pub doc: &'static str,
    /// Off-by-default lints run only when enabled by name (`Options::enable`; see
    /// [`LintPolicy`]).
    pub enabled_by_default: bool,
    /// The per-function check; `None` for lints reported by another stage (the
    /// suppression lints come from `crate::suppress`).
    pub check: Option<Check>,
}

/// A per-function check: reads the function's facts and context, pushes findings.
pub type Check = for<'a> fn(&FunctionCx<'a>, &mut Vec<Diagnostic>);

/// Declares every lint once: its module (`src/lints/<module>.rs`, which defines
/// `INFO`) and its place in the registry, in the order `gfplint lints` lists them.
macro_rules! registry {
    ($($module:ident),* $(,)?) => {
        $(pub mod $module;)*
        /// Every lint, in the order `gfplint lints` lists them.
        pub const LINTS: &[LintInfo] = &[$($module::INFO),*];
    };
}

registry! {
    atomic_sleeping_gfp,
    atomic_sleeping_alloc,
    atomic_sleeping_call,
    gfp_param_ignored,
    kmalloc_over_max,
    kmalloc_costly_order,
    page_order_over_max,
    vmalloc_small,
    slab_waste,
    kvmalloc_nonblocking,
    alloc_free_mismatch,
    devm_free,
    dma_free_mismatch,
    alloc_size_overflow,
    alloc_size_arith,
    needless_gfp_atomic,
    unused_suppression,
    malformed_suppression,
}

/// Whether a lint's findings depend on the target's page size (its orders, kmalloc
/// classes and limits).
pub fn uses_page_size(lint: &str) -> bool {
    [
        kmalloc_costly_order::INFO.name,
        kmalloc_over_max::INFO.name,
        page_order_over_max::INFO.name,
        slab_waste::INFO.name,
        vmalloc_small::INFO.name,
        alloc_free_mismatch::INFO.name,
    ]
    .contains(&lint)
}

pub fn lint_info(name: &str) -> Option<&'static LintInfo> {
    LINTS.iter().find(|l| l.name == name)
}

/// The lint name closest to a misspelt `name`, when one is close enough to be meant
/// (Jaro-Winkler similarity, as cargo and clap use for their own suggestions).
pub fn suggest(name: &str) -> Option<&'static str> {
    let wanted = name.trim().to_ascii_lowercase().replace('_', "-");
    LINTS
        .iter()
        .map(|l| (strsim::jaro_winkler(&wanted, l.name), l.name))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n)
}

/// "unknown lint `x`", with a suggestion when one fits.
pub fn unknown_lint(name: &str) -> String {
    match suggest(name) {
        Some(s) => format!("unknown lint `{name}` (did you mean `{s}`? see `gfplint lints`)"),
        None => format!("unknown lint `{name}` (see `gfplint lints`)"),
    }
}

/// What a lint sees of one function.
pub struct FunctionCx<'a> {
    /// Everything known across the files of the run.
    pub program: &'a Program<'a>,
    pub analysis: &'a Analysis,
    pub id: FunctionId,
    pub file: &'a FileFacts,
    pub function: &'a Function,
    pub locks: &'a LockStates,
    pub knowledge: &'a Knowledge,
    /// The run's target and lint policy (not its jobs, cache or progress display).
    pub settings: &'a AnalysisSettings,
}

/// Runs every function-level lint.
pub fn check_function(cx: &FunctionCx, out: &mut Vec<Diagnostic>) {
    for info in LINTS {
        if let Some(check) = info.check
            && cx.enabled(info)
        {
            check(cx, out);
        }
    }
}
impl<'a> FunctionCx<'a> {
    /// A finding of `info` at `call` in this function, with the lint's severity and
    /// nothing else yet: lints fill in message, labels, notes and help.
    pub fn finding(&self, info: &LintInfo, call: &Call) -> Diagnostic {
        Diagnostic {
            lint: info.name,
            severity: info.severity,
            file: self.file.path.clone(),
            span: call.span,
            function: self.function.name.to_string(),
            message: String::new(),
            labels: Vec::new(),
            notes: Vec::new(),
            fingerprint: String::new(),
            fix: None,
            help: None,
        }
    }

    /// Whether a lint runs (see [`LintPolicy::runs`]).
    pub fn enabled(&self, info: &LintInfo) -> bool {
        self.settings.lints.runs(info)
    }

    /// The sleep sites of this function that lint `pred` cares about.
    pub fn sites(&self) -> &'a [SleepSite] {
        self.analysis.sites_of(self.id)
    }

    pub fn call(&self, index: u32) -> &'a Call {
        &self.function.calls[index as usize]
    }
}
