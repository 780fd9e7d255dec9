//! The per-file part of context inference, run in the parse stage right after a file's
//! facts are extracted: lock states of every function, with the lock wrappers defined
//! in the same file (and, on a second visit, wrappers from other files by name). After
//! it, the file's CFGs are dropped: the whole-program stages need only lock states.
//!
//! In the pipeline (stage *local context*, `src/context/local.rs`, `lockstate.rs`):
//! still in the parallel parse stage: forward dataflow over each CFG with same-file
//! lock wrappers (a variant under `#ifdef CONFIG_` counts for what it releases only),
//! `__must_hold` and `__releases` → sections held before each call (certain / some
//! paths), parameter tests at each call (and those of the paths holding a section: what
//! a callee entered atomic is known to get), and each function's lock effect (acquires;
//! `maybe_acquires`, sections taken on some paths only, which a later release matches
//! as a drop; releases; drops; a helper that releases a lock it did not take is also
//! run entered with it held (`seeded_exits`): released on every way out, though taken
//! again in between, it is a release; released on every return that may be non-zero, it
//! `releases_unless_zero`, and a caller storing its result in a local (`Cfg::results`)
//! loses the lock where the local tests non-zero (`Held::released_if`)). Calls after a
//! sleep on every path (a sleeping API, or a same-file helper of matching arity that
//! sleeps on every path; not a call a wait macro runs unlocked) are `after_sleep`: one
//! finding per path. Where a section can be held, paths are grouped by the sections
//! they hold (≤ 4 groups, then merged), each group with its parameter tests and the
//! truth values of locals whose every write is seen (`SetLocal`: killed by any other
//! assignment); a group contradicted by a later test is dropped (`unmap = true` where
//! the lock is released, `if (unmap) iounmap()`). The parameter tests at each call are
//! also taken over paths grouped by those locals' truth values (≤ 4 groups), and what
//! all feasible groups tested joins the call's tests and each of its alternatives, so
//! `if (!peer) made = true; … if (made) sleep();` sleeps only with `peer` NULL; then
//! the CFGs are dropped. Files calling wrappers defined elsewhere are locked again with
//! those effects, from their CFGs kept encoded until then (`park_cfgs`,
//! `FileFacts::parked_cfgs`; a cached file's from the cache, else parsed again)

use std::collections::{HashMap, HashSet};

use super::lockstate::{self, InitialSection, LockEffect, LockStates};
use crate::facts::{AnnotationKind, Call, Cfg, FileFacts};
use crate::knowledge::{Knowledge, LockOp};

/// Rounds of wrapper refinement within a file (a wrapper of a wrapper of a wrapper).
const WRAPPER_ROUNDS: usize = 6;

/// Lock states of every function of `facts`. `extra` maps callee names to the lock
/// effects of wrappers defined in other files.
pub fn file_locks(
    facts: &FileFacts,
    k: &Knowledge,
    extra: &HashMap<String, LockEffect>,
) -> Vec<LockStates> {
    let initial = initial_sections(facts, k, AnnotationKind::MustHold);
    // `__releases(x)` without `__acquires(x)`: returns with the caller's `x` released.
    let mut released = initial_sections(facts, k, AnnotationKind::Releases);
    for (i, sections) in &mut released {
        let acquires = &facts.functions[*i].annotations;
        sections.retain(|s| {
            !acquires.iter().any(|a| {
                a.kind == AnnotationKind::Acquires && lockstate::lock_key(&a.lock) == s.key
            })
        });
    }
    let released: HashMap<usize, Vec<(usize, String)>> = released
        .into_iter()
        .map(|(i, v)| (i, v.into_iter().map(|s| (s.kind, s.key)).collect()))
        .collect();
    let by_name: HashMap<&str, usize> = facts
        .functions
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.as_str(), i))
        .collect();
    let run = |i: usize, effects: &HashMap<usize, LockEffect>, sleeping: &HashSet<usize>| {
        let f = &facts.functions[i];
        let always_sleeps = |c: &Call| calls_sleeping_helper(facts, &by_name, sleeping, i, c);
        let wrapper = |c: &Call| -> Option<LockEffect> {
            match by_name.get(c.callee.as_str()) {
                Some(&j) if j != i => effects.get(&j).cloned(),
                Some(_) => None,
                None => extra.get(c.callee.as_str()).cloned(),
            }
        };
        let init = initial.get(&i).map(Vec::as_slice).unwrap_or(&[]);
        let mut states = lockstate::analyse(f, k, init, &wrapper, &always_sleeps);
        for (kind, key) in released.get(&i).map(Vec::as_slice).unwrap_or(&[]) {
            states.annotate_release(*kind, key);
        }
        states
    };
    let none = HashMap::new();
    let asleep = HashSet::default();
    let mut locks: Vec<LockStates> = (0..facts.functions.len())
        .map(|i| run(i, &none, &asleep))
        .collect();
    // Whether function `i` calls a wrapper whose effect `changed` (gained, lost or
    // altered: a caller analysed with a wrapper's first, stale effect must be analysed
    // again when that effect goes away, or `lock; helper_and_unlock();` one level down
    // would leave its callers "holding" the lock for ever).
    let calls_changed = |i: usize, changed: &HashSet<usize>, first: bool| {
        facts.functions[i].calls.iter().any(|c| {
            !c.indirect
                && k.call_lock_op(c).is_none()
                && match by_name.get(c.callee.as_str()) {
                    Some(j) => *j != i && changed.contains(j),
                    None => first && extra.contains_key(c.callee.as_str()),
                }
        })
    };
    let mut effects: HashMap<usize, LockEffect> = HashMap::new();
    for round in 0..WRAPPER_ROUNDS {
        // A wrapper defined under `#ifdef CONFIG_...` is one configuration's variant:
        // only what it releases is assumed (`LockEffect::of_variant`).
        let next: HashMap<usize, LockEffect> = locks
            .iter()
            .enumerate()
            .filter(|(i, _)| !k.describes_api(&facts.functions[*i].name))
            .filter_map(|(i, l)| {
                let e = match facts.functions[i].conditional {
                    true => l.effect().of_variant(),
                    false => l.effect(),
                };
                (!e.is_empty()).then_some((i, e))
            })
            .collect();
        // Extra wrappers from other files count from the first round on.
        if next == effects && (round != 0 || extra.is_empty()) {
            break;
        }
        let changed: HashSet<usize> = next
            .iter()
            .filter(|(i, e)| effects.get(i) != Some(e))
            .map(|(i, _)| *i)
            .chain(effects.keys().filter(|i| !next.contains_key(i)).copied())
            .collect();
        effects = next;
        for (i, slot) in locks.iter_mut().enumerate() {
            if calls_changed(i, &changed, round == 0) {
                *slot = run(i, &effects, &asleep);
            }
        }
    }
    // Functions that sleep by themselves on every path and do nothing to their
    // caller's sections (`mutex_lock(&list_mutex); …`): in their callers, a later call
    // on every path is not where the context's bug is (one finding per path), as with
    // a sleeping API. Two rounds: a caller may itself become one.
    let mut sleeping: HashSet<usize> = HashSet::default();
    for _ in 0..2 {
        let next: HashSet<usize> = locks
            .iter()
            .enumerate()
            .filter(|(i, l)| {
                let f = &facts.functions[*i];
                let e = l.effect();
                l.exits_after_sleep
                    && e.is_empty()
                    && e.drops.is_empty()
                    && !f.conditional
                    && !k.describes_api(&f.name)
                    && !k.never_sleeps(&f.name)
            })
            .map(|(i, _)| i)
            .collect();
        if next == sleeping {
            break;
        }
        sleeping = next;
        for (i, slot) in locks.iter_mut().enumerate() {
            let calls_one = facts.functions[i]
                .calls
                .iter()
                .any(|c| !c.indirect && calls_sleeping_helper(facts, &by_name, &sleeping, i, c));
            if calls_one {
                *slot = run(i, &effects, &sleeping);
            }
        }
    }
    locks
}

/// Frees the CFGs of a file once its lock states are computed.
pub fn drop_cfgs(facts: &mut FileFacts) {
    for f in &mut facts.functions {
        f.cfg = None;
    }
}

/// Drops the CFGs like [`drop_cfgs`], keeping them encoded in `facts.parked_cfgs`
/// (postcard: node kinds and edges as varints, a few bytes per node; deflated, which
/// halves them: ~9 MB for the 5,123 files of 6.1 `drivers/net`).
pub fn park_cfgs(facts: &mut FileFacts) {
    let cfgs: Vec<Cfg> = facts
        .functions
        .iter_mut()
        .map(|f| f.cfg.take().map(|c| *c).unwrap_or_default())
        .collect();
    facts.parked_cfgs = postcard::to_stdvec(&cfgs)
        .ok()
        .map(|raw| miniz_oxide::deflate::compress_to_vec(&raw, 1).into_boxed_slice());
}

/// Largest inflated CFG encoding accepted (a file's CFGs are a few MB at most).
const MAX_PARKED: usize = 1 << 30;

/// The lock states of `facts` with `extra` wrappers from other files, from its parked
/// CFGs: what a second parse of the same bytes would give. `None` without them.
pub fn relock_parked(
    facts: &FileFacts,
    k: &Knowledge,
    extra: &HashMap<String, LockEffect>,
) -> Option<Vec<LockStates>> {
    let raw = miniz_oxide::inflate::decompress_to_vec_with_limit(
        facts.parked_cfgs.as_deref()?,
        MAX_PARKED,
    )
    .ok()?;
    let cfgs: Vec<Cfg> = postcard::from_bytes(&raw).ok()?;
    if cfgs.len() != facts.functions.len() {
        return None;
    }
    let mut restored = FileFacts {
        parked_cfgs: None,
        ..facts.clone()
    };
    for (f, cfg) in restored.functions.iter_mut().zip(cfgs) {
        f.cfg = Some(Box::new(cfg));
    }
    Some(file_locks(&restored, k, extra))
}

/// Sections named by annotations of kind `which`: with `__must_hold(x)`, sections
/// functions are entered with; with `__releases(x)`, sections they return without.
/// Counted as atomic only when the same file takes a lock of that name with an atomic
/// primitive (the annotations are also used for mutexes).
/// Whether call `c` in function `caller` calls one of the file's own functions that
/// sleep on every path (`sleeping`), with its argument count (another driver's function
/// of the same name is not this one).
fn calls_sleeping_helper(
    facts: &FileFacts,
    by_name: &HashMap<&str, usize>,
    sleeping: &HashSet<usize>,
    caller: usize,
    c: &Call,
) -> bool {
    by_name.get(c.callee.as_str()).is_some_and(|&j| {
        j != caller && sleeping.contains(&j) && facts.functions[j].arity == u32::from(c.arg_count)
    })
}

fn initial_sections(
    file: &FileFacts,
    k: &Knowledge,
    which: AnnotationKind,
) -> HashMap<usize, Vec<InitialSection>> {
    let mut out = HashMap::new();
    if !file
        .functions
        .iter()
        .any(|f| f.annotations.iter().any(|a| a.kind == which))
    {
        return out;
    }
    // Every atomic lock taken in the file, by its key, with its section kind.
    let mut taken: Vec<(String, usize)> = Vec::new();
    for f in &file.functions {
        for c in &f.calls {
            if let Some(call) = k.lock_call(&c.callee)
                && let LockOp::Acquire(kind) | LockOp::TryAcquire(kind) = call.op
                && let Some(arg) = c.args().get(call.key_arg)
            {
                taken.push((lockstate::lock_key(arg), kind));
            }
        }
    }
    taken.sort_unstable();
    taken.dedup();
    for (i, f) in file.functions.iter().enumerate() {
        let sections: Vec<InitialSection> = f
            .annotations
            .iter()
            .filter(|a| a.kind == which)
            .filter_map(|a| {
                let key = lockstate::lock_key(&a.lock);
                let kind = annotated_kind(&key, &taken)?;
                Some(InitialSection { kind, key })
            })
            .collect();
        if !sections.is_empty() {
            out.insert(i, sections);
        }
    }
    out
}

/// The section kind of the lock an annotation names: that of the locks the file takes
/// under the same name, the same expression or one ending in the same two components
/// (`hdev->lock` for `hcon->hdev->lock`). A bare field name says nothing: most structs
/// call their lock `lock`, and `__must_hold()` annotates mutexes too (`hdev->lock` is
/// one, while the same file read-locks `iso_sk_list.lock`). None when nothing matches
/// or the matches disagree: unknown means no section.
fn annotated_kind(key: &str, taken: &[(String, usize)]) -> Option<usize> {
    let named = components(key);
    let mut kinds = taken.iter().filter_map(|(t, kind)| {
        let other = components(t);
        let common = named
            .iter()
            .rev()
            .zip(other.iter().rev())
            .take_while(|(a, b)| a == b)
            .count();
        let same = common == named.len() && common == other.len();
        (same || common >= 2).then_some(*kind)
    });
    let first = kinds.next()?;
    kinds.all(|k| k == first).then_some(first)
}

/// `a->b.c` → `["a", "b", "c"]`.
fn components(key: &str) -> Vec<&str> {
    key.split(['.', '>'])
        .map(|c| c.trim_end_matches('-'))
        .filter(|c| !c.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parked_cfgs_relock_as_a_second_parse_does() {
        let k = Knowledge::builtin();
        let src = b"void helper(struct dev *d);\n\
            static void f(struct dev *d, int n)\n{\n\
                spin_lock(&d->lock);\n\
                if (n)\n\
                    helper(d);\n\
                kmalloc(n, GFP_KERNEL);\n\
                spin_unlock(&d->lock);\n}\n"
            .to_vec();
        let mut facts = crate::parse::facts_from_bytes("a.c", src.clone(), k).unwrap();
        park_cfgs(&mut facts);
        assert!(facts.functions.iter().all(|f| f.cfg.is_none()));
        let releases = LockEffect {
            releases: vec![(0, "d->lock".to_string())],
            ..LockEffect::default()
        };
        let extra = HashMap::from([("helper".to_string(), releases)]);
        let reparsed = crate::parse::facts_from_bytes("a.c", src, k).unwrap();
        let expected = file_locks(&reparsed, k, &extra);
        let relocked = relock_parked(&facts, k, &extra).unwrap();
        assert_eq!(format!("{relocked:?}"), format!("{expected:?}"));
        // The wrapper changes what is held at the allocation: the test can fail.
        assert_ne!(
            format!("{relocked:?}"),
            format!("{:?}", file_locks(&reparsed, k, &HashMap::new()))
        );
    }
}
