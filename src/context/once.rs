//! Lazy initialisation: a call a function makes only while a field of its parameter's
//! object is still unset, where the function itself sets that field and never clears
//! it (`if (!vdev->stats) vdev->stats = dma_alloc_coherent(…, GFP_KERNEL);`,
//! `if (hba->fw_flag & FW_ALLOC) return 0; … hba->fw_flag |= FW_ALLOC;`). It runs
//! once per object, on the first call. When a path from process context also reaches
//! the function (a probe or open path: no section held on the way, no atomic
//! callback), that first call can be the process-context one, and an atomic caller
//! only finds the field set: the sleep is not shown for atomic context that reaches the
//! function through its callers. A section the function takes around the call itself
//! is another matter (every first call is under it); so is a function only atomic
//! context reaches. A global flag works the same way: calls made directly in an `if
//! (!flag)` block of a global some function of the file sets and none clears
//! (`facts::OnceFields::global_guards`).
//!
//! In the pipeline (stage *context*): the fields come from the parse stage
//! (`facts::OnceFields`); `Analysis::run` computes, for the functions with
//! such fields that atomic context reaches, whether process context reaches them too
//! ([`process_reached`], over the run's callers; a slice recomputes it over the stored
//! call graph, `incremental`); `lints::atomic` drops the atomic reasons whose chain
//! makes such a call at some hop ([`once_guarded`]).

use std::collections::VecDeque;
use std::hash::Hash;

use rustc_hash::FxHashSet as HashSet;

use super::interproc::Resolver;
use super::lockstate::LockStates;
use crate::program::{FunctionId, Program};
use crate::values::{Pred, Test, Val};

/// How many callers a search for a process-context path looks at before it gives up
/// (and the function counts as reached by atomic context only).
const MAX_VISITED: usize = 50_000;

/// Whether a path of calls from a process-context root reaches `start`: going up
/// through `callers`, never through a call made with a section held (`held(caller,
/// callee)`) or through an atomic callback (`entry`), to a function nothing in the run
/// calls (a probe, an `open`, a work function: unknown callers count as process
/// context). Breadth-first; bounded.
pub fn process_reached<T: Copy + Eq + Hash>(
    start: T,
    mut callers: impl FnMut(T) -> Vec<T>,
    held: impl Fn(T, T) -> bool,
    entry: impl Fn(T) -> bool,
) -> bool {
    if entry(start) {
        return false;
    }
    let mut seen: HashSet<T> = HashSet::default();
    seen.insert(start);
    let mut queue = VecDeque::from([start]);
    while let Some(f) = queue.pop_front() {
        let up = callers(f);
        if up.is_empty() {
            return true;
        }
        for c in up {
            if held(c, f) || entry(c) || !seen.insert(c) {
                continue;
            }
            if seen.len() > MAX_VISITED {
                return false;
            }
            queue.push_back(c);
        }
    }
    false
}

/// The functions among `atomic` (those atomic context reaches) with fields they only
/// set, sorted: the ones whose process reachability is asked.
pub fn candidates(program: &Program, atomic: impl Iterator<Item = FunctionId>) -> Vec<FunctionId> {
    let mut out: Vec<FunctionId> = atomic
        .filter(|&id| {
            program
                .function(id)
                .writes
                .as_deref()
                .is_some_and(|w| !w.only_sets().is_empty() || !w.global_guards().is_empty())
        })
        .collect();
    out.sort_unstable();
    out
}

/// What lazy initialisation in function `id` can hide a sleep behind: its untoggled
/// field paths ([`untoggled_paths`]), possibly none when it has guards of global flags;
/// `None` when it has neither (nothing to ask process reachability for).
pub fn guarded_fields(
    program: &Program,
    id: FunctionId,
    is_callee: impl Fn(FunctionId) -> bool,
    atomic_reachable: impl Fn(FunctionId) -> bool,
) -> Option<Vec<Box<str>>> {
    let paths = untoggled_paths(program, id, is_callee, atomic_reachable);
    let globals = program
        .function(id)
        .writes
        .as_deref()
        .is_some_and(|w| !w.global_guards().is_empty());
    (!paths.is_empty() || globals).then_some(paths)
}

/// The field paths function `id` only sets that no other function of its file clears
/// where atomic context reaches it (`atomic_reachable`), other than the functions `id`
/// calls itself (its own error path undoing the set): a field that is cleared again at
/// run time (`stop_clock()` from the interrupt handler) is a toggle, and the guarded
/// call runs each time it is set again.
fn untoggled_paths(
    program: &Program,
    id: FunctionId,
    is_callee: impl Fn(FunctionId) -> bool,
    atomic_reachable: impl Fn(FunctionId) -> bool,
) -> Vec<Box<str>> {
    let Some(writes) = program.function(id).writes.as_deref() else {
        return Vec::new();
    };
    let file = &program.files[id.0 as usize];
    writes
        .only_sets()
        .iter()
        .map(|(_, path, _)| path)
        .filter(|path| {
            let name = path.rsplit('.').next().unwrap_or(path);
            !file.functions.iter().enumerate().any(|(i, h)| {
                let h_id = (id.0, i as u32);
                h_id != id
                    && h.writes
                        .as_deref()
                        .is_some_and(|w| w.clears().iter().any(|c| **c == *name))
                    && !is_callee(h_id)
                    && atomic_reachable(h_id)
            })
        })
        .cloned()
        .collect()
}

/// Whether every path to `call` in function `id` runs only while one of the fields
/// `paths` (that the function only sets) is still unset, and nothing else decides
/// whether the call runs (see the module doc).
pub fn once_guarded(
    program: &Program,
    resolver: &mut Resolver,
    locks: &LockStates,
    (id, call): (FunctionId, u32),
    paths: &[Box<str>],
) -> bool {
    let function = program.function(id);
    let Some(writes) = function.writes.as_deref() else {
        return false;
    };
    let alternatives = locks.guard_alternatives_at(call);
    // Directly in an `if (!flag)` block of a global flag the file only sets, with no
    // test of a parameter on the way.
    if writes.global_guards().iter().any(|(c, _)| *c == call) {
        return alternatives.iter().all(|a| a.is_empty());
    }
    if paths.is_empty()
        || function
            .calls
            .get(call as usize)
            .is_none_or(|c| c.conditional)
    {
        return false;
    }
    if alternatives.is_empty() || alternatives.iter().any(|a| a.is_empty()) {
        return false;
    }
    let sets: Vec<(u32, &str, Option<Val>)> = writes
        .only_sets()
        .iter()
        .filter(|(_, path, _)| paths.contains(path))
        .map(|(p, path, bits)| {
            let bits = bits.clone().map(|b| resolver.resolved(id.0, b));
            (u32::from(*p), &**path, bits)
        })
        .collect();
    let alternatives: Vec<Vec<Test>> = alternatives
        .into_iter()
        .map(|a| resolver.tests(id, a))
        .collect();
    // Any other test on the way must not decide whether the call runs: some other
    // group of paths reaches it with the opposite outcome (a branch that joins again
    // before it). A call made only when a parameter says so as well is an event's
    // handling (`if (vendor == 0xffff) { b->removed = true; … }`), not initialisation.
    let undecided = |t: &Test| {
        alternatives.iter().any(|other| {
            other
                .iter()
                .any(|o| o.param == t.param && o.pred == t.pred && o.holds != t.holds)
        })
    };
    alternatives.iter().all(|tests| {
        tests.iter().any(|t| tests_unset(t, &sets))
            && tests.iter().all(|t| tests_unset(t, &sets) || undecided(t))
    })
}

/// Whether test `t` came out as "field still unset" for one of `sets`.
fn tests_unset(t: &Test, sets: &[(u32, &str, Option<Val>)]) -> bool {
    let Pred::Field(path, inner) = &t.pred else {
        return false;
    };
    sets.iter()
        .filter(|(p, set_path, _)| *p == t.param && *set_path == &**path)
        .any(|(_, _, bits)| match (&**inner, t.holds) {
            (Pred::NonZero, false) => true,
            (Pred::Eq(v), true) => v.int_of() == Some(0),
            (Pred::Bits(tested), false) => bits.as_ref().is_some_and(|b| same_constant(b, tested)),
            _ => false,
        })
}

/// The same constant: equal values, or the same name where a value is unknown.
fn same_constant(a: &Val, b: &Val) -> bool {
    match (a.int_of(), b.int_of()) {
        (Some(x), Some(y)) => x == y,
        _ => a.constant_name().is_some() && a.constant_name() == b.constant_name(),
    }
}
