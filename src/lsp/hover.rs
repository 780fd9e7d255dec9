//! Hover text for function names: the context a function runs in and whether it may
//! sleep, read from the analysis of the last run (`context::Analysis`).
//!
//! What is shown, and its limits:
//! * *Atomic context*: the reasons the analysis keeps (an atomic registration, a call
//!   made with a section held, a call from an atomic function). The analysis
//!   propagates reasons only into functions that may sleep (elsewhere they cannot
//!   produce a finding), so for other functions only the next item is shown.
//! * *Sections held by callers*: every resolved direct call of the function made with
//!   a section held (lock, IRQs off, RCU…), with the caller and the line.
//! * *May sleep*: the function's own sleeping calls, the calls passing sleeping flags
//!   into an allocating helper, and the calls of functions that may sleep; with the
//!   condition on flag parameters when the summary has one.
//!
//! Calls through function pointers are not followed (as in the analysis).

use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::sync::Arc;

use crate::context::Analysis;
use crate::context::interproc::{AtomicReason, SleepKind, describe_section};
use crate::context::sleep::OwnSleep;
use crate::program::{FunctionId, Program};
use crate::values::{Pred, Test, Val};

/// At most this many lines per section of a hover.
const MAX_ITEMS: usize = 8;

/// A function name in an open file (its definition, or a direct call of it), and what
/// hovering on it shows.
#[derive(Debug, Clone)]
pub struct Spot {
    pub line: u32,
    /// Byte columns, 1-based, end exclusive.
    pub column: u32,
    pub end_column: u32,
    pub markdown: Arc<str>,
}

/// The hover spots of the functions defined and called in `open` files.
pub fn collect(
    program: &Program,
    analysis: &Analysis,
    open: &HashSet<String>,
) -> HashMap<String, Vec<Spot>> {
    let mut texts: HashMap<FunctionId, Arc<str>> = HashMap::new();
    let mut text_of = |id: FunctionId| -> Arc<str> {
        texts
            .entry(id)
            .or_insert_with(|| describe(program, analysis, id).into())
            .clone()
    };
    let mut out = HashMap::new();
    for (fi, file) in program.files.iter().enumerate() {
        if !open.contains(&file.path) {
            continue;
        }
        let mut spots = Vec::new();
        for (i, f) in file.functions.iter().enumerate() {
            let id = (fi as u32, i as u32);
            spots.push(Spot {
                line: f.name_span.line,
                column: f.name_span.column,
                end_column: f.name_span.end_column,
                markdown: text_of(id),
            });
            for c in &f.calls {
                if c.indirect {
                    continue;
                }
                if let Some(callee) = program.resolve(fi as u32, &c.callee) {
                    // The call's span starts at the callee's name.
                    spots.push(Spot {
                        line: c.span.line,
                        column: c.span.column,
                        end_column: c.span.column + c.callee.len() as u32,
                        markdown: text_of(callee),
                    });
                }
            }
        }
        out.insert(file.path.clone(), spots);
    }
    out
}

fn site(program: &Program, caller: FunctionId, call: u32) -> (String, String) {
    let f = program.function(caller);
    let line = f.calls.get(call as usize).map_or(0, |c| c.span.line);
    (
        f.name.to_string(),
        format!("{}:{line}", program.file(caller).path),
    )
}

fn push_capped(out: &mut String, items: &[String]) {
    for item in items.iter().take(MAX_ITEMS) {
        let _ = writeln!(out, "- {item}");
    }
    if items.len() > MAX_ITEMS {
        let _ = writeln!(out, "- … and {} more", items.len() - MAX_ITEMS);
    }
}

/// The hover text of one function.
pub fn describe(program: &Program, analysis: &Analysis, id: FunctionId) -> String {
    let k = program.knowledge;
    let f = program.function(id);
    let path = &program.file(id).path;
    let mut out = format!(
        "**`{}()`** — {path}:{} (gfplint)\n\n",
        f.name, f.name_span.line
    );

    let mut atomic = Vec::new();
    let mut seen_calls = HashSet::new();
    for r in analysis.reasons(id) {
        match r {
            AtomicReason::Entry {
                context,
                registrar,
                file,
                span,
                ..
            } => atomic.push(format!(
                "a {context} registered by {registrar} at {}:{}",
                program.files[*file as usize].path, span.line
            )),
            AtomicReason::CalledWithHeld {
                caller,
                call,
                section,
                acquired_line,
                certain,
                ..
            } => {
                seen_calls.insert((*caller, *call));
                let (name, at) = site(program, *caller, *call);
                let some = if *certain { "" } else { " on some paths" };
                atomic.push(format!(
                    "runs with {section} held{some} when called from `{name}()` at {at} (taken at line {acquired_line})"
                ));
            }
            AtomicReason::CalledFromAtomic { caller, call, .. } => {
                let (name, at) = site(program, *caller, *call);
                atomic.push(format!(
                    "called from `{name}()` at {at}, which runs in atomic context"
                ));
            }
        }
    }
    for &(caller, call) in analysis.callers.of(id) {
        if seen_calls.contains(&(caller, call)) {
            continue;
        }
        let ls = analysis.locks_of(caller);
        let held: Vec<String> = ls
            .at_call(call)
            .iter()
            .map(|h| {
                let some = if h.certain { "" } else { " (some paths)" };
                format!("{}{some}", describe_section(k, ls, h))
            })
            .collect();
        if !held.is_empty() {
            let (name, at) = site(program, caller, call);
            atomic.push(format!(
                "runs with {} held when called from `{name}()` at {at}",
                held.join(", ")
            ));
        }
    }
    if atomic.is_empty() {
        out.push_str("Atomic context: none known.\n\n");
    } else {
        out.push_str("Atomic context:\n");
        push_capped(&mut out, &atomic);
        out.push('\n');
    }

    match analysis.may_sleep.get(&id) {
        None => out.push_str("May sleep: no sleeping call found.\n"),
        Some(clauses) => {
            let mut sleeps = Vec::new();
            for s in analysis.sites_of(id) {
                let Some(c) = f.calls.get(s.call as usize) else {
                    continue;
                };
                let at = format!("{path}:{}", c.span.line);
                sleeps.push(match &s.kind {
                    SleepKind::Own(OwnSleep::Gfp(_)) => {
                        format!("`{}()` with sleeping GFP flags at {at}", c.callee)
                    }
                    SleepKind::Own(OwnSleep::Allocator) => {
                        format!("`{}()` (always may sleep) at {at}", c.callee)
                    }
                    SleepKind::Own(OwnSleep::Call(reason)) => {
                        format!("`{}()` at {at} ({reason})", c.callee)
                    }
                    SleepKind::PassesGfp { flags, .. } => format!(
                        "passes `{flags}` to `{}()` at {at}, which allocates with it",
                        c.callee
                    ),
                });
            }
            let ls = analysis.locks_of(id);
            for (ci, c) in f.calls.iter().enumerate() {
                if c.indirect || !ls.is_reachable(ci as u32) {
                    continue;
                }
                if let Some(callee) = program.resolve(id.0, &c.callee)
                    && callee != id
                    && analysis.may_sleep.contains_key(&callee)
                {
                    sleeps.push(format!(
                        "calls `{}()` at {path}:{}, which may sleep",
                        c.callee, c.span.line
                    ));
                }
            }
            let conditional = !clauses.iter().any(Vec::is_empty);
            if conditional {
                let when: Vec<String> = clauses
                    .iter()
                    .map(|c| c.iter().map(test_text).collect::<Vec<_>>().join(" and "))
                    .collect();
                let _ = writeln!(out, "May sleep, when {}:", when.join(", or when "));
            } else {
                out.push_str("May sleep:\n");
            }
            push_capped(&mut out, &sleeps);
        }
    }
    out
}

/// A parameter test as C would write it (`parameter 2 == FOO_SYNC`).
fn test_text(t: &Test) -> String {
    let p = format!("parameter {}", t.param + 1);
    let v = |v: &Val| match v {
        Val::Int(i) => i.to_string(),
        Val::Name(n) => n.to_string(),
        Val::NonZero => "a non-zero value".to_string(),
        Val::Expr(e) => e.to_string(),
        Val::HasBits(m) => format!("a value with bits {m:#x} set"),
        Val::Const(n, _) => n.to_string(),
        Val::Str => "a string literal".to_string(),
        Val::RodataStr => "a string literal of built-in code".to_string(),
        Val::Text(t) => format!("\"{t}\""),
        Val::Fields(..) => "an object with some fields known".to_string(),
    };
    match (&t.pred, t.holds) {
        (Pred::NonZero, true) => format!("{p} is non-zero"),
        (Pred::NonZero, false) => format!("{p} is zero"),
        (Pred::Eq(x), true) => format!("{p} == {}", v(x)),
        (Pred::Eq(x), false) => format!("{p} != {}", v(x)),
        (Pred::Lt(x), true) => format!("{p} < {}", v(x)),
        (Pred::Lt(x), false) => format!("{p} >= {}", v(x)),
        (Pred::Gt(x), true) => format!("{p} > {}", v(x)),
        (Pred::Gt(x), false) => format!("{p} <= {}", v(x)),
        (Pred::Bits(x), true) => format!("{p} & {} is set", v(x)),
        (Pred::Bits(x), false) => format!("{p} & {} is clear", v(x)),
        (Pred::In(xs), holds) => {
            let xs: Vec<String> = xs.iter().map(v).collect();
            let one_of = if holds { "is one of" } else { "is none of" };
            format!("{p} {one_of} {}", xs.join(", "))
        }
        (Pred::KernelRodata, true) => format!("{p} is in the kernel's .rodata"),
        (Pred::KernelRodata, false) => format!("{p} is not in the kernel's .rodata"),
        (Pred::HasChar(c), holds) => {
            let c = u8::try_from(*c).map_or_else(|_| c.to_string(), |b| format!("'{}'", b as char));
            match holds {
                true => format!("the string {p} points to has {c}"),
                false => format!("a character of the string {p} points to is not {c}"),
            }
        }
        (Pred::Field(path, inner), holds) => {
            let of_field = test_text(&Test {
                param: t.param,
                pred: (**inner).clone(),
                holds,
            });
            let path = crate::facts::strip_unwritten(path).map_or(&**path, |(_, p)| p);
            of_field.replacen(&p, &format!("{p}->{path}"), 1)
        }
    }
}
