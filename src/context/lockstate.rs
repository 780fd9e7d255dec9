//! Flow-sensitive atomic-section state inside one function.
//!
//! A forward dataflow over the function's CFG. The state at a point is the set of
//! atomic sections held there, each marked *certain* (held on every path reaching the
//! point) or not (held on some paths only). Joins keep a section held on any incoming
//! path and keep it certain only if every incoming path holds it.

use std::collections::VecDeque;

use rustc_hash::{FxHashMap as HashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use crate::facts::{Call, ENTRY, EXIT, Function, NodeKind, Returned};
use crate::knowledge::{GuardOp, Knowledge, LockOp, SectionKindId};
use crate::values::Test;

/// One atomic section held at a program point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    pub kind: SectionKindId,
    /// Index into [`LockStates::keys`]: the lock expression, or "" for unkeyed kinds.
    pub key: u32,
    /// The call (index into the function's calls) that took it, or [`ANNOTATION_SITE`]
    /// for a section the function is annotated to be entered with (`__must_hold`).
    pub site: u32,
    pub certain: bool,
    /// For guards: the lexical scope the section ends with.
    pub guard_scope: Option<u32>,
    /// The simple branch condition it was taken under (`if (c) spin_lock(&l);`): on a
    /// later edge where that condition is false, a section held on some paths only is
    /// known not to be held (the classic `if (c) lock; ...; if (c) unlock;`).
    pub cond: Option<(u32, bool)>,
    /// Released where the local with this condition id has this truth value
    /// (`ret = helper(…); if (ret) …`, with a helper that returns non-zero only after
    /// releasing it: `LockEffect::releases_unless_zero`). Any other write of the local
    /// forgets it. Only the dataflow reads it.
    #[serde(skip)]
    pub released_if: Option<(u32, bool)>,
}

/// `Held::site` of a section held on entry because of a `__must_hold()` annotation.
pub const ANNOTATION_SITE: u32 = u32::MAX;

/// `Held::site` of a section a lock wrapper takes on some of its paths only
/// (`if (IS_ENABLED(CONFIG_RPS)) spin_lock_irqsave(…); else local_irq_save(…);`). It
/// makes nothing atomic (no finding stands on it) but it is there to be released: the
/// matching unlock wrapper then releases what its caller took, not what the caller's
/// caller took (`enqueue_to_backlog()` is no release wrapper, nor is `netif_rx()`).
pub const MAYBE_SITE: u32 = u32::MAX - 1;

/// `Held::site` of the caller's section a function is assumed to be entered with, to
/// see on which of its paths it returns without it (`seeded_exit`).
const SEED_SITE: u32 = u32::MAX - 2;

pub type State = Vec<Held>;

/// A section a function is entered with (from an annotation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitialSection {
    pub kind: SectionKindId,
    pub key: String,
}

/// What calling a function does to its caller's atomic sections (a lock wrapper).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockEffect {
    /// Sections it returns holding (on every path), as (kind, lock key in its body).
    pub acquires: Vec<(SectionKindId, String)>,
    /// Sections it returns holding on some paths only.
    pub maybe_acquires: Vec<(SectionKindId, String)>,
    /// Sections it releases without having taken them (and does not take again).
    pub releases: Vec<(SectionKindId, String)>,
    /// Sections it releases and takes again before returning, on some path (the
    /// unlock–sleep–relock idiom): no net effect, but code in between is not atomic
    /// because of the caller's section.
    pub drops: Vec<(SectionKindId, String)>,
    /// Sections of its caller it returns without whenever it returns non-zero: every
    /// return that may still hold one returns 0 (`if (busy) { spin_unlock(&h->lock);
    /// return -EAGAIN; } … return 0;` with `h->lock` held). A caller that stores the
    /// result in a local and tests it (`ret = helper(h); if (ret) goto next;`) no
    /// longer holds the section where the local is non-zero.
    pub releases_unless_zero: Vec<(SectionKindId, String)>,
    /// The unkeyed section its `releases` also end one level of, as `spin_unlock_bh()`
    /// does (`local_bh_disable(); grab(); …; release();` with `release()` ending in
    /// `spin_unlock_bh()` of the lock `grab()` took with `spin_lock()`).
    #[serde(default)]
    pub also_ends: Option<SectionKindId>,
}

impl LockEffect {
    /// Whether calling the function changes its caller's sections (drops do not).
    pub fn is_empty(&self) -> bool {
        self.acquires.is_empty()
            && self.maybe_acquires.is_empty()
            && self.releases.is_empty()
            && self.releases_unless_zero.is_empty()
    }

    /// The effect of one configuration's variant of a wrapper (defined under `#ifdef
    /// CONFIG_…`): what it releases and drops, not what it takes. A caller that holds a
    /// lock and calls a helper that releases it relies on the release in every
    /// configuration (else the lock would leak in the others), while a helper that
    /// takes a section may be an empty stub elsewhere (`xip_disable()` disables
    /// interrupts only with `CONFIG_MTD_XIP`).
    pub fn of_variant(self) -> LockEffect {
        LockEffect {
            acquires: Vec::new(),
            maybe_acquires: Vec::new(),
            ..self
        }
    }
}

/// A function's lock states. Most functions take no lock and hold nothing at any call:
/// theirs are one of two plain values, kept without an allocation (hundreds of
/// thousands of functions in a `drivers/` run); the rest are boxed. Reads go through
/// [`LockData`] (`Deref`); the cache's encoding is `LockData`'s.
#[derive(Debug, Default, Clone)]
pub struct LockStates {
    data: Option<Box<LockData>>,
    /// Without `data`: whether the function returns (`at_exit` is an empty state) or
    /// never does (`None`).
    returns: bool,
    /// Every path from entry to exit passes a call that sleeps by itself, with no section
    /// taken or released after it: callers in the same file count a call to it as a
    /// sleeping call (`after_sleep`). Only read within the local stage.
    pub exits_after_sleep: bool,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct LockData {
    /// Non-empty sets of sections held just before a call, by call index (sorted).
    held: Vec<(u32, State)>,
    /// Calls on no path from the entry (sorted; usually none, so no allocation).
    unreachable: Vec<u32>,
    /// Sections still held when the function returns (`None` if it never returns).
    pub at_exit: Option<State>,
    /// Sections released that this function did not take (a release wrapper), and
    /// sections it was entered with by its `__must_hold()` annotation and releases
    /// (`spin_unlock(&d->lock); msleep(); spin_lock(&d->lock);` in a helper annotated
    /// to be called with `d->lock` held).
    pub released_unmatched: Vec<(SectionKindId, u32)>,
    /// Sections this function takes anywhere (directly or through a wrapper), sorted.
    acquired_any: Vec<(SectionKindId, u32)>,
    /// Kinds of the sections its `__releases()` annotations say it returns without.
    #[serde(default)]
    annotated_releases: Vec<SectionKindId>,
    /// Sections it releases that, entered with them held, it returns without on every
    /// path (true), or on every path that returns non-zero (false): see `seeded_exit`.
    #[serde(default)]
    seeded_exits: Vec<(SectionKindId, u32, bool)>,
    /// The unkeyed section its release of a caller's lock also ends a level of
    /// (`LockEffect::also_ends`).
    #[serde(default)]
    ends_also: Option<SectionKindId>,
    /// Lock keys by id minus one; id 0 is the empty key of unkeyed sections.
    keys: Vec<String>,
    /// Path facts at calls, when the function has any (most have none; kept boxed so
    /// the others pay one pointer).
    paths: Option<Box<PathFacts>>,
}

/// The plain lock states of a function that returns, and of one that never does.
static PLAIN_RETURNS: LockData = LockData::plain(Some(Vec::new()));
static PLAIN_NO_RETURN: LockData = LockData::plain(None);

impl LockData {
    const fn plain(at_exit: Option<State>) -> LockData {
        LockData {
            held: Vec::new(),
            unreachable: Vec::new(),
            at_exit,
            released_unmatched: Vec::new(),
            acquired_any: Vec::new(),
            annotated_releases: Vec::new(),
            seeded_exits: Vec::new(),
            ends_also: None,
            keys: Vec::new(),
            paths: None,
        }
    }

    /// `Some(returns)` when this is one of the two plain values.
    fn plain_returns(&self) -> Option<bool> {
        let empty = self.held.is_empty()
            && self.unreachable.is_empty()
            && self.released_unmatched.is_empty()
            && self.acquired_any.is_empty()
            && self.annotated_releases.is_empty()
            && self.seeded_exits.is_empty()
            && self.keys.is_empty()
            && self.paths.is_none();
        match &self.at_exit {
            _ if !empty => None,
            None => Some(false),
            Some(exit) => exit.is_empty().then_some(true),
        }
    }
}

impl LockStates {
    pub fn new(data: LockData, exits_after_sleep: bool) -> LockStates {
        match data.plain_returns() {
            Some(returns) => LockStates {
                data: None,
                returns,
                exits_after_sleep,
            },
            None => LockStates {
                data: Some(Box::new(data)),
                returns: false,
                exits_after_sleep,
            },
        }
    }

    fn data_mut(&mut self) -> &mut LockData {
        let plain = match self.returns {
            true => &PLAIN_RETURNS,
            false => &PLAIN_NO_RETURN,
        };
        self.data.get_or_insert_with(|| Box::new(plain.clone()))
    }
}

impl std::ops::Deref for LockStates {
    type Target = LockData;
    fn deref(&self) -> &LockData {
        match (&self.data, self.returns) {
            (Some(d), _) => d,
            (None, true) => &PLAIN_RETURNS,
            (None, false) => &PLAIN_NO_RETURN,
        }
    }
}

impl Serialize for LockStates {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for LockStates {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<LockStates, D::Error> {
        LockData::deserialize(d).map(|data| LockStates::new(data, false))
    }
}

/// What holds on every path to some calls of a function (slices, not vectors: about
/// 125,000 functions of a `drivers/` run have path facts).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct PathFacts {
    /// Parameter facts known at calls (sorted by call; only non-empty ones): tests on
    /// the function's parameters that came out the same way on every path to the call.
    guards: Box<[(u32, u32)]>,
    /// The distinct sets of tests `guards` refers to (calls in one block share one).
    guard_sets: Box<[Box<[Test]>]>,
    /// Calls reached only on branches where a context query said sleeping is allowed
    /// (`if (!in_interrupt())`), sorted.
    context_guarded: Box<[u32]>,
    /// Calls that every path reaches after a call that sleeps by itself (`msleep()`,
    /// `mutex_lock()`, a `GFP_KERNEL` allocation) while the context callers give still
    /// holds: sections of this function's own may come and go in between, a release of
    /// a lock it never takes (a caller's) may not; for that context, the finding is the
    /// earlier call's (`request_irq(); … spin_lock(); … spin_unlock(); … free_irq();`).
    /// Each as `call << 1 | same`, `same` set when no section at all was taken or
    /// released in between (any finding there is the earlier call's). Sorted. (One list,
    /// not two: the second is almost always empty, and a `drivers/` run keeps a few
    /// hundred thousand of these.)
    after_sleep: Box<[u32]>,
    /// Parameter facts on the paths to a call that hold a section there, where they
    /// say more than `guards` (`if (mode == FOO) spin_lock(&l); helper(mode);`:
    /// `helper` is atomic only with `mode == FOO`), as (call, index into
    /// `guard_sets`), sorted by call.
    #[serde(default)]
    held_guards: Box<[(u32, u32)]>,
    /// Where the paths to a call tested differently, each group's tests (at least
    /// two), as (call, index into `guard_alternative_sets`), sorted by call: the call is reached
    /// only when one of them comes out as recorded.
    #[serde(default)]
    guard_alternatives: Box<[(u32, u32)]>,
    /// The distinct lists of groups `guard_alternatives` refers to (indices into
    /// `guard_sets`).
    #[serde(default)]
    guard_alternative_sets: Box<[Box<[u32]>]>,
    /// Tests among the above that hold only if some calls (given a
    /// local by name) are functions, not macros that may write it (`Cfg::conditional`):
    /// the whole-program stage drops them unless they are (`drop_conditional_tests`).
    /// (Boxed: rare, and every function with path facts keeps the field.)
    #[serde(default)]
    conditional: Option<Box<Conditional>>,
}

/// `PathFacts::conditional`: tests, and the calls they rest on.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct Conditional {
    tests: Vec<Test>,
    calls: Vec<u32>,
}

impl LockStates {
    pub fn key(&self, held: &Held) -> &str {
        self.key_text(held.key)
    }

    fn key_text(&self, key: u32) -> &str {
        if key == 0 {
            ""
        } else {
            &self.keys[key as usize - 1]
        }
    }

    /// The sections held just before call `call` (empty when none, or unreachable).
    pub fn at_call(&self, call: u32) -> &[Held] {
        match self.held.binary_search_by_key(&call, |(c, _)| *c) {
            Ok(i) => &self.held[i].1,
            Err(_) => &[],
        }
    }

    /// What every path to `call` has tested about the function's parameters.
    pub fn guards_at(&self, call: u32) -> &[Test] {
        let Some(p) = &self.paths else {
            return &[];
        };
        match p.guards.binary_search_by_key(&call, |(c, _)| *c) {
            Ok(i) => &p.guard_sets[p.guards[i].1 as usize][..],
            Err(_) => &[],
        }
    }

    /// What the paths to `call` tested about the function's parameters, per group of
    /// paths that tested differently: the call is reached only when the tests of one
    /// group come out as recorded. One group (`guards_at`) where all paths agree.
    pub fn guard_alternatives_at(&self, call: u32) -> Vec<&[Test]> {
        if let Some(p) = &self.paths
            && let Ok(i) = p
                .guard_alternatives
                .binary_search_by_key(&call, |(c, _)| *c)
        {
            return p.guard_alternative_sets[p.guard_alternatives[i].1 as usize]
                .iter()
                .map(|&s| &p.guard_sets[s as usize][..])
                .collect();
        }
        vec![self.guards_at(call)]
    }

    /// What every path to `call` that holds a section there has tested about the
    /// function's parameters (at least `guards_at`).
    pub fn held_guards_at(&self, call: u32) -> Vec<Test> {
        let mut out = self.guards_at(call).to_vec();
        if let Some(p) = &self.paths
            && let Ok(i) = p.held_guards.binary_search_by_key(&call, |(c, _)| *c)
        {
            for t in p.guard_sets[p.held_guards[i].1 as usize].iter() {
                if !out.contains(t) {
                    out.push(t.clone());
                }
            }
            out.sort();
        }
        out
    }

    /// Calls that must be functions for some of the parameter facts to hold (see
    /// `PathFacts::conditional`).
    pub fn conditional_calls(&self) -> &[u32] {
        match self.paths.as_ref().and_then(|p| p.conditional.as_ref()) {
            Some(c) => &c.calls,
            None => &[],
        }
    }

    /// Forgets the parameter facts that hold only if `conditional_calls` are
    /// functions: every set of tests loses them (a weaker fact, still true).
    pub fn drop_conditional_tests(&mut self) {
        if self.conditional_calls().is_empty() {
            return;
        }
        let Some(p) = self.data_mut().paths.as_mut() else {
            return;
        };
        let Some(c) = p.conditional.take() else {
            return;
        };
        for set in p.guard_sets.iter_mut() {
            if set.iter().any(|t| c.tests.contains(t)) {
                *set = set
                    .iter()
                    .filter(|t| !c.tests.contains(t))
                    .cloned()
                    .collect();
            }
        }
    }

    /// Whether every path to `call` goes through an earlier call that sleeps, in the
    /// same atomic state.
    pub fn after_sleep(&self, call: u32) -> bool {
        self.paths
            .as_ref()
            .is_some_and(|p| p.after_sleep.binary_search(&(call << 1 | 1)).is_ok())
    }

    /// Whether every path to `call` goes through an earlier call that sleeps while the
    /// context its callers give still holds (sections of this function's own may have
    /// come and gone in between).
    pub fn after_sleep_in_callers_context(&self, call: u32) -> bool {
        self.paths.as_ref().is_some_and(|p| {
            p.after_sleep
                .binary_search_by_key(&call, |e| e >> 1)
                .is_ok()
        })
    }

    /// Whether every path to `call` passed a context query's "may sleep" branch.
    pub fn context_guarded(&self, call: u32) -> bool {
        self.paths
            .as_ref()
            .is_some_and(|p| p.context_guarded.binary_search(&call).is_ok())
    }

    pub fn is_reachable(&self, call: u32) -> bool {
        self.unreachable.binary_search(&call).is_err()
    }

    /// Records a `__releases(x)` annotation: the function returns with its caller's
    /// section `x` released (through a call the analysis cannot follow, such as an
    /// operation pointer: `fiq->ops->wake_pending_and_unlock(fiq)`), unless its body
    /// already says what it does with a section of that kind.
    pub fn annotate_release(&mut self, kind: SectionKindId, key: &str) {
        let this = self.data_mut();
        this.annotated_releases.push(kind);
        if this.released_unmatched.iter().any(|(k, _)| *k == kind) {
            return;
        }
        let id = match this.keys.iter().position(|k| k == key) {
            Some(i) => i as u32 + 1,
            None => {
                this.keys.push(key.to_string());
                this.keys.len() as u32
            }
        };
        this.released_unmatched.push((kind, id));
    }

    /// The wrapper effect of this function: what it leaves held or releases.
    pub fn effect(&self) -> LockEffect {
        let mut effect = LockEffect::default();
        if let Some(exit) = &self.at_exit {
            for h in exit {
                if h.guard_scope.is_some() || h.site == ANNOTATION_SITE {
                    continue;
                }
                let taken = (h.kind, self.key_text(h.key).to_string());
                if h.certain && h.site != MAYBE_SITE {
                    effect.acquires.push(taken);
                } else if self.released_unmatched.is_empty() {
                    // Only a lock wrapper's possible sections: a helper that releases
                    // its caller's lock and takes it again on some paths (tg3's
                    // `__releases()`/`__acquires()` restart helper) is a release or a
                    // drop, below, and nothing else.
                    effect.maybe_acquires.push(taken);
                }
            }
        }
        for &(kind, key) in &self.released_unmatched {
            let text = self.key_text(key).to_string();
            // Released and held again at the return, on some path (`spin_unlock();
            // msleep(); spin_lock();`): a temporary drop, not a net release for
            // callers. Taken again only on an error path that releases it once more
            // before returning (`xfs_iget_recycle()`), it is a release.
            let held_at_exit = self
                .at_exit
                .as_ref()
                .is_some_and(|exit| exit.iter().any(|h| h.kind == kind && h.key == key));
            // Taken again somewhere in the body (an unlock–relock on some path, or an
            // error path that re-takes it only to release it once more): a drop, unless
            // a `__releases()` annotation says the function returns without it
            // (`xfs_iget_recycle()`). Classifying such helpers by what is held at the
            // return instead made many more release wrappers, and atomic context stops
            // at a release wrapper's callers: real chains were lost on the 6.1 tree.
            let annotated = self.annotated_releases.contains(&kind);
            let taken_again = self.acquired_any.binary_search(&(kind, key)).is_ok();
            // Entered with it held, it returns without it on every path: taken again
            // only to release it once more (`spin_unlock(&h->lock); spin_lock(&q->lock);
            // spin_lock(&h->lock); …; spin_unlock(&h->lock);` on every way out).
            let released_everywhere = self.seeded_exits.contains(&(kind, key, true));
            if !annotated && (held_at_exit || taken_again) && !released_everywhere {
                effect.drops.push((kind, text));
            } else {
                effect.releases.push((kind, text));
            }
        }
        if !effect.releases.is_empty() {
            effect.also_ends = self.ends_also;
        }
        for &(kind, key, everywhere) in &self.seeded_exits {
            let text = self.key_text(key).to_string();
            if !everywhere
                && !effect
                    .releases
                    .iter()
                    .any(|(k, t)| *k == kind && *t == text)
            {
                effect.releases_unless_zero.push((kind, text));
            }
        }
        effect
    }
}

/// Normalises a lock argument: `&priv->lock` and `&(priv->lock)` are the same lock.
pub fn lock_key(arg: &str) -> String {
    let mut s: String = arg.chars().filter(|c| !c.is_whitespace()).collect();
    loop {
        let before = s.len();
        if let Some(rest) = s.strip_prefix('&') {
            s = rest.to_string();
        }
        if s.starts_with('(') && s.ends_with(')') && balanced(&s[1..s.len() - 1]) {
            s = s[1..s.len() - 1].to_string();
        }
        if s.len() == before {
            return s;
        }
    }
}

/// Whether the parentheses of `s` close in order and all close.
pub(crate) fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// Most sections tracked at once. Kernel code holds a handful (lockdep allows 48 held
/// locks per task); without a bound, a function taking N distinct locks makes every
/// state O(N) and the analysis O(N²) in time and memory (20,000 `spin_lock(&lN)` ran
/// out of memory). Further acquisitions while this many are held are not tracked: the
/// context is atomic already.
pub const MAX_HELD: usize = 32;

/// Upper bound on node visits, as a multiple of the node count: the lattice is finite,
/// so this only guards against a bug turning into a hang on some odd input.
const MAX_VISITS_PER_NODE: usize = 64;

/// Runs the dataflow. `initial` are sections held on entry (annotations);
/// `wrapper` tells what a call to another function of the program does to locks.
pub fn analyse(
    function: &Function,
    knowledge: &Knowledge,
    initial: &[InitialSection],
    wrapper: &dyn Fn(&Call) -> Option<LockEffect>,
    always_sleeps: &dyn Fn(&Call) -> bool,
) -> LockStates {
    let cfg = function.cfg();
    let n = cfg.nodes.len();
    let mut keys: Vec<String> = Vec::new();
    let mut key_ids: HashMap<String, u32> = HashMap::default();
    let mut intern = |k: String| -> u32 {
        if k.is_empty() {
            return 0;
        }
        if let Some(&id) = key_ids.get(&k) {
            return id;
        }
        keys.push(k.clone());
        let id = keys.len() as u32;
        key_ids.insert(k, id);
        id
    };
    // Calls that take a lock with its own level of another section (`spin_lock_bh()`):
    // their lock's `_bh` release ends only that level.
    let own_level: std::rc::Rc<[u32]> = function
        .calls
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            knowledge.call_lock_op(c).is_some()
                && knowledge
                    .lock_call(&c.callee)
                    .is_some_and(|l| l.also.is_some() && !matches!(l.op, LockOp::Release(_)))
        })
        .map(|(i, _)| i as u32)
        .collect();
    // Pre-compute each node's effect so the fixpoint loop does no string work.
    let mut effects: Vec<Vec<Effect>> = cfg
        .nodes
        .iter()
        .map(|node| {
            let mut effects = effect_of(
                node.kind,
                &function.calls,
                knowledge,
                wrapper,
                &mut intern,
                &own_level,
            );
            for e in &mut effects {
                if let Effect::Acquire { cond, .. } = e {
                    *cond = node.cond;
                }
            }
            effects
        })
        .collect();
    tested_result_effects(function, knowledge, wrapper, &mut effects, &mut intern);
    let entry_state: State = initial
        .iter()
        .map(|s| Held {
            kind: s.kind,
            key: intern(s.key.clone()),
            site: ANNOTATION_SITE,
            certain: true,
            guard_scope: None,
            cond: None,
            released_if: None,
        })
        .collect();

    // Sets (not `Vec::contains`): a function can name hundreds of thousands of locks.
    let mut acquired_any: Vec<(SectionKindId, u32)> = effects
        .iter()
        .flatten()
        .filter_map(|e| match *e {
            Effect::Acquire {
                kind,
                key,
                guard_scope: None,
                ..
            } => Some((kind, key)),
            _ => None,
        })
        .collect();
    acquired_any.sort_unstable();
    acquired_any.dedup();
    let mut unmatched: FxHashSet<(SectionKindId, u32)> = FxHashSet::default();
    if n == 0 {
        let data = LockData {
            unreachable: (0..function.calls.len() as u32).collect(),
            keys,
            ..LockData::default()
        };
        return LockStates::new(data, false);
    }
    // Conditions on locals whose every write is a `SetLocal` node.
    let mut tracked: Vec<u32> = cfg
        .nodes
        .iter()
        .filter_map(|n| match n.kind {
            NodeKind::SetLocal { cond, .. } => Some(cond),
            _ => None,
        })
        .collect();
    tracked.sort_unstable();
    tracked.dedup();
    // Only where a section can be held (else every group holds nothing) and something
    // can tell paths apart.
    let may_hold = !entry_state.is_empty()
        || effects
            .iter()
            .flatten()
            .any(|e| matches!(e, Effect::Acquire { .. }));
    let path_sensitive = may_hold
        && (!tracked.is_empty()
            || cfg
                .nodes
                .iter()
                .any(|n| matches!(n.kind, NodeKind::AssumeParam { .. })));
    // Per node: the state held (all paths joined) and, where paths holding a section
    // know more about the parameters than all paths do, what they know.
    let paths = path_sensitive.then(|| {
        let mut path_unmatched = FxHashSet::default();
        let (paths, done) = forward_until_fixpoint(
            cfg,
            Paths {
                states: vec![PathState {
                    held: entry_state.clone(),
                    params: Vec::new(),
                    locals: Vec::new(),
                }],
                merged: false,
            },
            |id, entry| {
                path_transfer(
                    cfg,
                    id,
                    entry,
                    &effects[id as usize],
                    &tracked,
                    &mut path_unmatched,
                )
            },
            |succ, out: &Paths| out.clone().enter_scope(cfg.nodes[succ as usize].scope, cfg),
            join_paths,
        );
        // Not settled within the bound (some odd input): the joined analysis below.
        done.then_some((paths, path_unmatched))
    });
    let (states, held_params): (Vec<Option<State>>, HeldParams) =
        if let Some((paths, path_unmatched)) = paths.flatten() {
            unmatched = path_unmatched;
            let mut held_params = Vec::new();
            for (id, node) in cfg.nodes.iter().enumerate() {
                if let (NodeKind::Call(_) | NodeKind::Guard { .. }, Some(p)) =
                    (node.kind, &paths[id])
                    && p.states.len() > 1
                    && let Some(facts) = p.clone().enter_scope(node.scope, cfg).held_facts()
                {
                    held_params.push((id as u32, facts));
                }
            }
            (
                paths.into_iter().map(|p| p.map(Paths::joined)).collect(),
                held_params,
            )
        } else {
            let states = forward(
                cfg,
                entry_state.clone(),
                |id, entry| {
                    let node = &cfg.nodes[id as usize];
                    let mut out = enter_scope(entry, node.scope, cfg);
                    for effect in &effects[id as usize] {
                        out = transfer(out, effect, &mut unmatched);
                    }
                    out
                },
                |succ, out| enter_scope(out.clone(), cfg.nodes[succ as usize].scope, cfg),
                join,
            );
            (states, Vec::new())
        };

    let mut held = Vec::new();
    let mut reachable = vec![false; function.calls.len()];
    for (id, node) in cfg.nodes.iter().enumerate() {
        let call = match node.kind {
            NodeKind::Call(c) | NodeKind::Guard { call: c, .. } => c,
            _ => continue,
        };
        if let Some(s) = &states[id] {
            reachable[call as usize] = true;
            let mut s = enter_scope(s.clone(), node.scope, cfg);
            s.retain(|h| h.site != MAYBE_SITE);
            if !s.is_empty() {
                held.push((call, s));
            }
        }
    }
    held.sort_by_key(|(c, _)| *c);
    held.dedup_by_key(|(c, _)| *c);
    let run_unlocked = release_in_unlocked_arguments(function, knowledge, &keys, &mut held);
    held.retain(|(_, s)| !s.is_empty());
    let unreachable: Vec<u32> = (0..function.calls.len() as u32)
        .filter(|&c| !reachable[c as usize])
        .collect();
    let at_exit = states.get(EXIT as usize).cloned().flatten().map(|mut s| {
        s.shrink_to_fit();
        s
    });
    let mut unmatched: Vec<(SectionKindId, u32)> = unmatched.into_iter().collect();
    unmatched.sort_unstable();
    let seeded_exits = seeded_exits(cfg, &effects, &entry_state, &unmatched, at_exit.as_ref());
    let Guards {
        guards,
        sets: mut guard_sets,
        alternatives: guard_alternatives,
        alternative_sets: guard_alternative_sets,
    } = param_guards(function, knowledge, &tracked);
    let held_guards = intern_held_guards(function, held_params, &mut guard_sets);
    let mut conditional_tests: Vec<Test> = cfg
        .conditional
        .iter()
        .filter_map(|&n| match cfg.nodes.get(n as usize)?.kind {
            NodeKind::AssumeParam { param, test, holds } => Some(Test {
                param,
                pred: cfg.tests.get(test as usize)?.clone(),
                holds,
            }),
            _ => None,
        })
        .collect();
    conditional_tests.sort();
    conditional_tests.dedup();
    let conditional = (!conditional_tests.is_empty()).then(|| {
        Box::new(Conditional {
            tests: conditional_tests,
            calls: cfg.conditional_calls.clone(),
        })
    });
    let AfterSleep {
        same_state: after_sleep,
        callers_context: after_sleep_callers,
        exits: exits_after_sleep,
    } = after_sleep(function, knowledge, &effects, always_sleeps, &run_unlocked);
    // A release wrapper whose release of its caller's lock also ends a level of another
    // section (`spin_unlock_bh()` of a lock its caller took): so does a call to it.
    let ends_also = effects.iter().flatten().find_map(|e| match *e {
        Effect::EndAlso {
            also, kind, key, ..
        } if unmatched.binary_search(&(kind, key)).is_ok() => Some(also),
        _ => None,
    });
    held.shrink_to_fit();
    keys.shrink_to_fit();
    let data = LockData {
        held,
        unreachable,
        at_exit,
        released_unmatched: unmatched,
        acquired_any,
        annotated_releases: Vec::new(),
        seeded_exits,
        ends_also,
        keys,
        paths: Some(Box::new(PathFacts {
            guards: guards.into(),
            guard_sets: guard_sets.into_iter().map(Vec::into_boxed_slice).collect(),
            context_guarded: context_guarded(function, knowledge).into(),
            after_sleep: after_sleep_encoded(&after_sleep, &after_sleep_callers),
            held_guards: held_guards.into(),
            guard_alternatives: guard_alternatives.into(),
            guard_alternative_sets: guard_alternative_sets
                .into_iter()
                .map(Vec::into_boxed_slice)
                .collect(),
            conditional,
        }))
        .filter(|p| {
            !(p.guards.is_empty()
                && p.guard_alternatives.is_empty()
                && p.context_guarded.is_empty()
                && p.after_sleep.is_empty()
                && p.held_guards.is_empty())
        }),
    };
    LockStates::new(data, exits_after_sleep)
}

/// `ret = helper(…)` where the helper returns non-zero only without a section of its
/// caller (`LockEffect::releases_unless_zero`): the write of `ret` marks that section
/// released where `ret` then tests non-zero, and every write of such a local forgets
/// what an earlier one said.
fn tested_result_effects(
    function: &Function,
    knowledge: &Knowledge,
    wrapper: &dyn Fn(&Call) -> Option<LockEffect>,
    effects: &mut [Vec<Effect>],
    intern: &mut impl FnMut(String) -> u32,
) {
    let cfg = function.cfg();
    let mut tested: Vec<u32> = Vec::new();
    for &(node, call) in &cfg.results {
        let (Some(NodeKind::SetLocal { cond, .. }), Some(c)) = (
            cfg.nodes.get(node as usize).map(|n| n.kind),
            function.calls.get(call as usize),
        ) else {
            continue;
        };
        if c.indirect || knowledge.call_lock_op(c).is_some() {
            continue;
        }
        let Some(effect) = wrapper(c) else {
            continue;
        };
        for (kind, key) in effect.releases_unless_zero {
            let key = intern(key);
            effects[node as usize].push(Effect::ReleaseIfNonZero { kind, key, cond });
            tested.push(cond);
        }
    }
    if tested.is_empty() {
        return;
    }
    for (id, node) in cfg.nodes.iter().enumerate() {
        if let NodeKind::SetLocal { cond, .. } = node.kind
            && tested.contains(&cond)
        {
            effects[id].insert(0, Effect::Forget { cond });
        }
    }
}

/// For each keyed section this function releases and either did not take first or
/// may return holding (`spin_unlock(&h->lock); return -EAGAIN;` next to a loop that
/// takes it again and `return 0;`): entered with it held, as its callers call it,
/// whether it returns without it on every path (true) or on every path that returns
/// non-zero (false). Sorted; sections with neither are left out.
fn seeded_exits(
    cfg: &crate::facts::Cfg,
    effects: &[Vec<Effect>],
    entry: &State,
    unmatched: &[(SectionKindId, u32)],
    at_exit: Option<&State>,
) -> Vec<(SectionKindId, u32, bool)> {
    let mut candidates: Vec<(SectionKindId, u32)> = effects
        .iter()
        .flatten()
        .filter_map(|e| match *e {
            Effect::Release { kind, key } if key != 0 => Some((kind, key)),
            _ => None,
        })
        .filter(|c| {
            unmatched.binary_search(c).is_ok()
                || at_exit.is_some_and(|x| x.iter().any(|h| (h.kind, h.key) == *c))
        })
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    candidates.sort_unstable();
    candidates.dedup();
    // Only a section that is the one of its kind the function releases without having
    // taken it: with two (`iput_final()` releases `inode->i_lock`, and a
    // `wb->list_lock` through a wrapper whose configuration variants hide where it is
    // taken), a caller matches the second release with whatever section of that kind
    // it holds, and a helper that now gave back the first would leave that release
    // unmatched, making its callers (`iput()`) release wrappers.
    let alone =
        |kind: SectionKindId, key: u32| !unmatched.iter().any(|&(k, kk)| k == kind && kk != key);
    candidates
        .into_iter()
        .filter(|&(kind, key)| alone(kind, key))
        .filter_map(|(kind, key)| {
            seeded_exit(cfg, effects, entry, kind, key).map(|everywhere| (kind, key, everywhere))
        })
        .collect()
}

/// `seeded_exits` for one section. `None` when the assumption is unclear: the section
/// is taken again while (possibly) held, or a release spelled differently would end
/// another section of its kind, or the analysis did not settle.
fn seeded_exit(
    cfg: &crate::facts::Cfg,
    effects: &[Vec<Effect>],
    entry: &State,
    kind: SectionKindId,
    key: u32,
) -> Option<bool> {
    if entry.iter().any(|h| h.kind == kind && h.key == key) {
        return None;
    }
    let mut start = entry.clone();
    start.push(Held {
        kind,
        key,
        site: SEED_SITE,
        certain: true,
        guard_scope: None,
        cond: None,
        released_if: None,
    });
    let mut unclear = false;
    let mut ignored = FxHashSet::default();
    let mut run = |id: u32, state: State, unclear: &mut bool| {
        let mut out = enter_scope(state, cfg.nodes[id as usize].scope, cfg);
        for effect in &effects[id as usize] {
            let same = |h: &Held| h.kind == kind && h.key == key;
            match *effect {
                // Taken (or possibly taken, by a wrapper that takes it in some
                // configurations) while held: not a function entered with it held.
                Effect::Acquire {
                    kind: k, key: kk, ..
                } if k == kind && kk == key && out.iter().any(same) => {
                    *unclear = true;
                }
                Effect::Release { kind: k, key: kk }
                | Effect::ReleaseIfNonZero {
                    kind: k, key: kk, ..
                } if k == kind
                    && !out.iter().any(|h| h.kind == k && h.key == kk)
                    && out
                        .iter()
                        .rposition(|h| h.kind == k)
                        .is_some_and(|p| !same(&out[p])) =>
                {
                    *unclear = true;
                }
                _ => {}
            }
            out = transfer(out, effect, &mut ignored);
        }
        out
    };
    let (states, done) = forward_until_fixpoint(
        cfg,
        start,
        |id, state| run(id, state, &mut unclear),
        |succ, out| enter_scope(out.clone(), cfg.nodes[succ as usize].scope, cfg),
        join,
    );
    if !done || unclear {
        return None;
    }
    let of_kind = |s: &State| s.iter().any(|h| h.kind == kind);
    if !of_kind(states.get(EXIT as usize)?.as_ref()?) {
        return Some(true);
    }
    // Every way out that may still hold a section of that kind returns 0, or returns a
    // local that is non-zero only where that section was released.
    for (id, node) in cfg.nodes.iter().enumerate() {
        if !node.succs.contains(&EXIT) {
            continue;
        }
        let Some(state) = states[id].clone() else {
            continue;
        };
        let out = run(id as u32, state, &mut unclear);
        let held: Vec<&Held> = out.iter().filter(|h| h.kind == kind).collect();
        if held.is_empty() {
            continue;
        }
        let returned = cfg
            .returns
            .iter()
            .find(|(n, _)| *n == id as u32)
            .map(|(_, r)| *r);
        let zero = match returned {
            Some(Returned::Zero) => true,
            Some(Returned::Local(c)) => held.iter().all(|h| h.released_if == Some((c, true))),
            None => false,
        };
        if !zero {
            return None;
        }
    }
    (!unclear).then_some(false)
}

/// Calls written in the argument a wait macro runs with a lock released
/// (`wait_event_lock_irq_cmd(wq, cond, lock, flush(conf))`) do not hold that lock: it
/// is taken out of their sections (or, spelled differently, the most recent keyed one).
/// Returns those calls, sorted.
fn release_in_unlocked_arguments(
    function: &Function,
    knowledge: &Knowledge,
    keys: &[String],
    held: &mut [(u32, State)],
) -> Vec<u32> {
    let mut unlocked = Vec::new();
    for outer in &function.calls {
        let args = outer.args();
        // (lock key, argument run without it, whether only that key may be released)
        let (lock, run_arg, exact) = if let Some((lock, run_arg)) = outer.unlocked_run() {
            // A file-local macro (`parse::brackets`): its lock, resolved at the call.
            (lock.to_string(), run_arg, true)
        } else if let Some((lock_arg, run_arg)) = knowledge.unlocked_argument(&outer.callee)
            && let Some(lock) = args.get(lock_arg)
        {
            (lock_key(lock), run_arg, false)
        } else {
            continue;
        };
        let Some(run) = args.get(run_arg) else {
            continue;
        };
        let key = keys.iter().position(|k| *k == lock).map(|i| i as u32 + 1);
        if exact && key.is_none() {
            continue;
        }
        for (call, state) in held.iter_mut() {
            let c = &function.calls[*call as usize];
            let inside = c.span.start >= outer.span.start
                && c.span.end <= outer.span.end
                && c.span != outer.span;
            // Named in the argument run unlocked, and in no other argument.
            let named = |a: &String| a.contains(&format!("{}(", c.callee));
            if !inside
                || !named(run)
                || args
                    .iter()
                    .enumerate()
                    .any(|(i, a)| i != run_arg && named(a))
            {
                continue;
            }
            let pos = match key {
                Some(k) => state.iter().position(|h| h.key == k),
                None => state.iter().rposition(|h| h.key != 0),
            };
            if let Some(pos) = pos {
                state.remove(pos);
                unlocked.push(*call);
            }
        }
    }
    unlocked.sort_unstable();
    unlocked.dedup();
    unlocked
}

/// `PathFacts::after_sleep`: every call of either list (sorted), as `call << 1 | same`.
fn after_sleep_encoded(same_state: &[u32], callers_context: &[u32]) -> Box<[u32]> {
    let mut all: Vec<u32> = same_state.iter().chain(callers_context).copied().collect();
    all.sort_unstable();
    all.dedup();
    all.into_iter()
        .map(|c| c << 1 | u32::from(same_state.binary_search(&c).is_ok()))
        .collect()
}

/// What [`after_sleep`] finds: calls after a sleep in the same atomic state, calls
/// after a sleep in the context callers gave, and whether the exit is reached only
/// after a sleep.
struct AfterSleep {
    same_state: Vec<u32>,
    callers_context: Vec<u32>,
    exits: bool,
}

/// Calls reached on every path after a call that sleeps by itself, with no change of
/// the atomic state in between (see `LockStates::after_sleep`); the same with only the
/// changes that can end the context callers gave (a release of a lock this function
/// never takes) counting (`LockStates::after_sleep_in_callers_context`); and whether the
/// exit is reached only after such a call.
fn after_sleep(
    function: &Function,
    knowledge: &Knowledge,
    effects: &[Vec<Effect>],
    always_sleeps: &dyn Fn(&Call) -> bool,
    run_unlocked: &[u32],
) -> AfterSleep {
    let cfg = function.cfg();
    // Calls that sleep whatever the context, as the knowledge says (not `vfree()`,
    // which is fine in interrupt context, nor `__xa_store()`, which drops its lock),
    // and calls of same-file functions that always sleep that way.
    // A call a wait macro runs with the lock released sleeps in another atomic state.
    let sleeps = |call: u32| {
        let c = &function.calls[call as usize];
        if run_unlocked.binary_search(&call).is_ok() {
            return false;
        }
        always_sleeps(c)
            || (!knowledge.sleeps_outside_interrupt_only(&c.callee)
                // (`fsleep(d)`: whether it sleeps depends on the caller's value; a
                // literal above the bound sleeps.)
                && (knowledge.sleeps_only_above(&c.callee).is_none()
                    || super::sleep::literal_bound_decides(knowledge, c) == Some(true))
                && knowledge
                    .call_allocator(c)
                    .is_none_or(|a| a.drops_lock_arg.is_none())
                && super::sleep::own_sleep(knowledge, function, c).is_some())
    };
    if !cfg
        .nodes
        .iter()
        .any(|n| matches!(n.kind, NodeKind::Call(c) if sleeps(c)))
    {
        return AfterSleep {
            same_state: Vec::new(),
            callers_context: Vec::new(),
            exits: false,
        };
    }
    // Locks this function takes somewhere: releasing one of them does not end what
    // callers held (a release of any other lock may be of a caller's).
    let mut taken: Vec<(SectionKindId, u32)> = effects
        .iter()
        .flatten()
        .filter_map(|e| match *e {
            Effect::Acquire { kind, key, .. } => Some((kind, key)),
            _ => None,
        })
        .collect();
    taken.sort_unstable();
    taken.dedup();
    let callers_states = forward(
        cfg,
        false,
        |id, after| {
            let node = &cfg.nodes[id as usize];
            if effects[id as usize].iter().any(|e| match *e {
                Effect::Release { kind, key } | Effect::ReleaseIfNonZero { kind, key, .. } => {
                    taken.binary_search(&(kind, key)).is_err()
                }
                Effect::EndAlso { .. } => true,
                _ => false,
            }) {
                return false;
            }
            after || matches!(node.kind, NodeKind::Call(c) if sleeps(c))
        },
        |_, out| *out,
        |a, b| *a && *b,
    );
    let states = forward(
        cfg,
        false,
        |id, after| {
            let node = &cfg.nodes[id as usize];
            if effects[id as usize].iter().any(|e| {
                matches!(
                    e,
                    Effect::Acquire { .. }
                        | Effect::Release { .. }
                        | Effect::ReleaseIfNonZero { .. }
                )
            }) {
                return false;
            }
            after || matches!(node.kind, NodeKind::Call(c) if sleeps(c))
        },
        |_, out| *out,
        |a, b| *a && *b,
    );
    let exits = states.get(EXIT as usize).copied().flatten() == Some(true);
    AfterSleep {
        same_state: calls_where_true(cfg, &states),
        callers_context: calls_where_true(cfg, &callers_states),
        exits,
    }
}

/// The calls at the nodes whose state is `Some(true)`, sorted, once each.
fn calls_where_true(cfg: &crate::facts::Cfg, states: &[Option<bool>]) -> Vec<u32> {
    let mut out: Vec<u32> = cfg
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(id, node)| match (node.kind, states[id]) {
            (NodeKind::Call(c), Some(true)) => Some(c),
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Calls that every path reaches through the "may sleep" branch of a context query.
fn context_guarded(function: &Function, knowledge: &Knowledge) -> Vec<u32> {
    let cfg = function.cfg();
    let sleepable_edge = |kind: NodeKind| match kind {
        NodeKind::Assume { call, truth } => function
            .calls
            .get(call as usize)
            .and_then(|c| knowledge.sleepable_when(&c.callee))
            .is_some_and(|when| when == truth),
        _ => false,
    };
    if !cfg.nodes.iter().any(|n| sleepable_edge(n.kind)) {
        return Vec::new();
    }
    let states = forward(
        cfg,
        false,
        |id, guarded| guarded || sleepable_edge(cfg.nodes[id as usize].kind),
        |_, out| *out,
        |a, b| *a && *b,
    );
    calls_where_true(cfg, &states)
}

/// Most parameter tests remembered on a path (a long `switch` default adds one per case).
const MAX_GUARDS: usize = 16;

/// Most alternatives kept for a call's parameter facts (one per group of paths that
/// tested differently); more collapse into what all of them share.
const MAX_ALTERNATIVES: usize = 4;

/// Must-facts about parameters at each call: what every path to it tested
/// (`if (!sync) return;` makes `sync` non-zero below), and, where paths tested
/// differently, each group's own tests: after `if (a == 0) { if (b == B) return; }`
/// the paths below tested `a != 0`, or `a == 0` and `b != B` (nothing is common to
/// both, but a caller passing `a = 0, b = B` reaches neither).
struct Guards {
    guards: Vec<(u32, u32)>,
    sets: Vec<Vec<Test>>,
    /// (call, index into `alternative_sets`): the tests of each group of paths.
    alternatives: Vec<(u32, u32)>,
    /// The distinct lists of groups (indices into `sets`, at least two) `alternatives`
    /// refers to (calls in one block share one).
    alternative_sets: Vec<Vec<u32>>,
}

/// A disjunction of conjunctions of parameter tests: the facts of each group of paths
/// to a point, none implied by another (sorted, each sorted).
type Alternatives = Vec<Vec<Test>>;

/// `a` or `b`, keeping only the weakest conjunctions (a subset of another implies it),
/// at most `MAX_ALTERNATIVES`, else their common tests.
fn join_alternatives(a: &Alternatives, b: &Alternatives) -> Alternatives {
    let mut out: Alternatives = Vec::with_capacity(a.len() + b.len());
    for c in a.iter().chain(b) {
        if out.iter().any(|o| o.iter().all(|t| c.contains(t))) {
            continue;
        }
        out.retain(|o| !c.iter().all(|t| o.contains(t)));
        out.push(c.clone());
    }
    if out.len() > MAX_ALTERNATIVES {
        out = vec![common_tests(&out)];
    }
    out.sort();
    out
}

/// The tests every alternative has.
fn common_tests(alternatives: &[Vec<Test>]) -> Vec<Test> {
    let mut common = alternatives.first().cloned().unwrap_or_default();
    for a in &alternatives[1.min(alternatives.len())..] {
        common.retain(|t| a.contains(t));
    }
    common
}

/// `extra` added to each alternative; one contradicting a test of `extra` describes no
/// feasible path and goes.
fn add_to_each(alternatives: &Alternatives, extra: &[Test]) -> Alternatives {
    let with: Alternatives = alternatives
        .iter()
        .filter(|a| !a.iter().any(|t| extra.iter().any(|x| x.contradicts(t))))
        .map(|a| {
            let mut a = a.clone();
            for t in extra {
                if !a.contains(t) {
                    a.push(t.clone());
                }
            }
            a.sort();
            a
        })
        .collect();
    join_alternatives(&with, &Vec::new())
}

fn param_guards(function: &Function, knowledge: &Knowledge, tracked: &[u32]) -> Guards {
    let cfg = function.cfg();
    let mut out = Guards {
        guards: Vec::new(),
        sets: Vec::new(),
        alternatives: Vec::new(),
        alternative_sets: Vec::new(),
    };
    if !cfg
        .nodes
        .iter()
        .any(|n| matches!(n.kind, NodeKind::AssumeParam { .. }))
    {
        return out;
    }
    let grouped = guards_by_local_paths(cfg, tracked);
    let (states, converged) = forward_until_fixpoint(
        cfg,
        vec![Vec::new()],
        |id, mut state: Alternatives| {
            if let NodeKind::AssumeParam { param, test, holds } = cfg.nodes[id as usize].kind
                && let Some(pred) = cfg.tests.get(test as usize)
            {
                for facts in &mut state {
                    facts.retain(|t| !(t.param == param && t.pred == *pred));
                    if facts.len() < MAX_GUARDS {
                        facts.push(Test {
                            param,
                            pred: pred.clone(),
                            holds,
                        });
                        facts.sort();
                    }
                }
                // Adding one test to each keeps them distinct, but may make one
                // imply another.
                state = join_alternatives(&state, &Vec::new());
            }
            state
        },
        |_, out| out.clone(),
        join_alternatives,
    );
    let mut ids: HashMap<Vec<Test>, u32> = HashMap::default();
    let mut intern = |facts: &[Test], sets: &mut Vec<Vec<Test>>| {
        *ids.entry(facts.to_vec()).or_insert_with(|| {
            sets.push(facts.to_vec());
            (sets.len() - 1) as u32
        })
    };
    for (id, node) in cfg.nodes.iter().enumerate() {
        let (NodeKind::Call(c), Some(state)) = (node.kind, &states[id]) else {
            continue;
        };
        // What the feasible paths (told apart by tracked locals) all tested holds in
        // every group of paths too.
        let with_locals = grouped
            .as_ref()
            .and_then(|g| g[id].as_ref())
            .and_then(LocalPaths::common_params)
            .filter(|extra| !extra.is_empty())
            .map(|extra| add_to_each(state, &extra))
            .filter(|s| !s.is_empty());
        let state = with_locals.as_ref().unwrap_or(state);
        let common = common_tests(state);
        if !common.is_empty() {
            let set = intern(&common, &mut out.sets);
            out.guards.push((c, set));
        }
        // Groups are only trusted from a fixpoint (a cut-short analysis may not have
        // seen every path's tests).
        // Only where a finding can depend on them: calls of the program's functions
        // (or unknown ones) and of APIs that may sleep.
        let call = &function.calls[c as usize];
        let may_matter = call.api.is_none()
            || knowledge.call_sleeping(call).is_some()
            || knowledge.call_allocator(call).is_some();
        if converged && state.len() > 1 && may_matter {
            let sets: Vec<u32> = state.iter().map(|f| intern(f, &mut out.sets)).collect();
            let list = match out.alternative_sets.iter().position(|l| *l == sets) {
                Some(i) => i,
                None => {
                    out.alternative_sets.push(sets);
                    out.alternative_sets.len() - 1
                }
            };
            out.alternatives.push((c, list as u32));
        }
    }
    out.guards.sort();
    out.guards.dedup_by_key(|(c, _)| *c);
    out.guards.shrink_to_fit();
    out.alternatives.sort();
    out.alternatives.dedup_by_key(|(c, _)| *c);
    out.alternatives.shrink_to_fit();
    out.alternative_sets.shrink_to_fit();
    out.sets.shrink_to_fit();
    out
}

/// A group of paths to a point with the same truth values of tracked locals, and the
/// parameter tests common to them.
#[derive(Debug, Clone, PartialEq)]
struct LocalPath {
    params: Vec<Test>,
    /// Truth values of tracked locals (by condition id, sorted).
    locals: Vec<(u32, bool)>,
}

/// The paths to a point grouped by what they know of tracked locals, or merged into
/// one group once there are too many (`merged`, which then stays).
#[derive(Debug, Clone, PartialEq)]
struct LocalPaths {
    groups: Vec<LocalPath>,
    merged: bool,
}

impl LocalPaths {
    fn add(&mut self, g: LocalPath) {
        let merged = self.merged;
        let meet = |a: &LocalPath, b: &LocalPath| LocalPath {
            params: a
                .params
                .iter()
                .filter(|t| b.params.contains(t))
                .cloned()
                .collect(),
            locals: a
                .locals
                .iter()
                .filter(|l| b.locals.contains(l))
                .copied()
                .collect(),
        };
        match self
            .groups
            .iter()
            .position(|x| merged || x.locals == g.locals)
        {
            Some(i) => self.groups[i] = meet(&self.groups[i], &g),
            None => self.groups.push(g),
        }
        if self.groups.len() > MAX_PATHS {
            self.merged = true;
            let groups = std::mem::take(&mut self.groups);
            self.groups = groups
                .into_iter()
                .reduce(|a, b| meet(&a, &b))
                .into_iter()
                .collect();
        }
    }

    /// The tests every group made (`None` when no path is feasible: nothing to add).
    fn common_params(&self) -> Option<Vec<Test>> {
        let (first, rest) = self.groups.split_first()?;
        Some(
            first
                .params
                .iter()
                .filter(|t| rest.iter().all(|g| g.params.contains(t)))
                .cloned()
                .collect(),
        )
    }
}

/// Parameter tests at each node, over the paths the truth values of tracked locals
/// leave feasible: `if (!node) made = true; … if (made) sleep();` reaches the sleep
/// only with `node` NULL, which the all-paths must-analysis cannot tell. `None` when
/// no tracked local is tested, or the dataflow does not settle.
fn guards_by_local_paths(
    cfg: &crate::facts::Cfg,
    tracked: &[u32],
) -> Option<Vec<Option<LocalPaths>>> {
    // Only locals a branch tests can tell paths apart.
    let mut tested: Vec<u32> = cfg
        .nodes
        .iter()
        .filter_map(|n| match n.kind {
            NodeKind::AssumeCond { cond, .. } if tracked.binary_search(&cond).is_ok() => Some(cond),
            _ => None,
        })
        .collect();
    if tested.is_empty() {
        return None;
    }
    tested.sort_unstable();
    tested.dedup();
    let entry = LocalPaths {
        groups: vec![LocalPath {
            params: Vec::new(),
            locals: Vec::new(),
        }],
        merged: false,
    };
    let (states, done) = forward_until_fixpoint(
        cfg,
        entry,
        |id, paths: LocalPaths| {
            let LocalPaths { mut groups, merged } = paths;
            match cfg.nodes[id as usize].kind {
                NodeKind::AssumeParam { param, test, holds } => {
                    if let Some(t) = certain_param_test(cfg, id, param, test, holds) {
                        groups.retain_mut(|g| assume_param_test(&mut g.params, &t));
                    }
                }
                NodeKind::AssumeCond { cond, truth } if tested.binary_search(&cond).is_ok() => {
                    groups.retain_mut(|g| assume_local_truth(&mut g.locals, cond, truth));
                }
                NodeKind::SetLocal { cond, value } if tested.binary_search(&cond).is_ok() => {
                    for g in &mut groups {
                        set_local_truth(&mut g.locals, cond, value);
                    }
                }
                _ => {}
            }
            let mut out = LocalPaths {
                groups: Vec::with_capacity(groups.len()),
                merged,
            };
            for g in groups {
                out.add(g);
            }
            out
        },
        |_, out| out.clone(),
        |a, b| {
            let mut out = a.clone();
            if b.merged && !out.merged {
                out.merged = true;
                for g in std::mem::take(&mut out.groups) {
                    out.add(g);
                }
            }
            for g in &b.groups {
                out.add(g.clone());
            }
            out
        },
    );
    done.then_some(states)
}

#[derive(Debug, Clone)]
enum Effect {
    Acquire {
        kind: SectionKindId,
        key: u32,
        site: u32,
        guard_scope: Option<u32>,
        cond: Option<(u32, bool)>,
    },
    /// A simple branch condition has this value from here on.
    AssumeCond {
        cond: u32,
        truth: bool,
    },
    Release {
        kind: SectionKindId,
        key: u32,
    },
    /// `ret = helper(…)` with a helper that returns non-zero only after releasing this
    /// section: it is released where the local `cond` is non-zero (`Held::released_if`).
    ReleaseIfNonZero {
        kind: SectionKindId,
        key: u32,
        cond: u32,
    },
    /// The local `cond` is written: what its value said about sections is forgotten.
    Forget {
        cond: u32,
    },
    /// Before the release of (`kind`, `key`) by a call that also ends one level of the
    /// unkeyed section `also` (`spin_unlock_bh()`: `spin_unlock()` then
    /// `local_bh_enable()`): unless the lock was taken here at one of `own_level` (calls
    /// that brought their own level, `spin_lock_bh()`), the most recent `also` section
    /// held ends (`local_bh_disable(); spin_lock(&l); … spin_unlock_bh(&l);`). Nothing
    /// held of `also` is no release wrapper's mark: only the lock's release is.
    EndAlso {
        also: SectionKindId,
        kind: SectionKindId,
        key: u32,
        own_level: std::rc::Rc<[u32]>,
    },
}

fn effect_of(
    kind: NodeKind,
    calls: &[Call],
    knowledge: &Knowledge,
    wrapper: &dyn Fn(&Call) -> Option<LockEffect>,
    intern: &mut impl FnMut(String) -> u32,
    own_level: &std::rc::Rc<[u32]>,
) -> Vec<Effect> {
    let key_for = |call: &Call, section: SectionKindId, intern: &mut dyn FnMut(String) -> u32| {
        let arg = knowledge.lock_call(&call.callee).map_or(0, |c| c.key_arg);
        if knowledge.sections[section].keyed {
            intern(
                call.args()
                    .get(arg)
                    .map(|a| lock_key(a))
                    .unwrap_or_default(),
            )
        } else {
            0
        }
    };
    match kind {
        NodeKind::Call(i) => {
            let call = &calls[i as usize];
            match knowledge.call_lock_op(call) {
                Some(LockOp::Acquire(k)) => {
                    vec![Effect::Acquire {
                        kind: k,
                        key: key_for(call, k, intern),
                        site: i,
                        guard_scope: None,
                        cond: None,
                    }]
                }
                Some(LockOp::Release(k)) => {
                    let key = key_for(call, k, intern);
                    let also = knowledge.lock_call(&call.callee).and_then(|c| c.also);
                    let end_also = also.map(|also| Effect::EndAlso {
                        also,
                        kind: k,
                        key,
                        own_level: own_level.clone(),
                    });
                    end_also
                        .into_iter()
                        .chain([Effect::Release { kind: k, key }])
                        .collect()
                }
                Some(LockOp::TryAcquire(_)) => Vec::new(),
                None if call.indirect => Vec::new(),
                None => match wrapper(call) {
                    Some(effect) => {
                        let mut out = Vec::new();
                        for (k, key) in effect.releases {
                            let key = intern(key);
                            if let Some(also) = effect.also_ends {
                                out.push(Effect::EndAlso {
                                    also,
                                    kind: k,
                                    key,
                                    own_level: own_level.clone(),
                                });
                            }
                            out.push(Effect::Release { kind: k, key });
                        }
                        // Sections taken on some paths only are placeholders (`MAYBE_SITE`).
                        let taken = effect.acquires.into_iter().map(|a| (a, i));
                        let maybe = effect.maybe_acquires.into_iter().map(|a| (a, MAYBE_SITE));
                        for ((k, key), site) in taken.chain(maybe) {
                            out.push(Effect::Acquire {
                                kind: k,
                                key: intern(key),
                                site,
                                guard_scope: None,
                                cond: None,
                            });
                        }
                        out
                    }
                    None => Vec::new(),
                },
            }
        }
        NodeKind::Assume {
            call: i,
            truth: true,
        } => {
            let call = &calls[i as usize];
            match knowledge.call_lock_op(call) {
                Some(LockOp::TryAcquire(k)) => {
                    vec![Effect::Acquire {
                        kind: k,
                        key: key_for(call, k, intern),
                        site: i,
                        guard_scope: None,
                        cond: None,
                    }]
                }
                _ => Vec::new(),
            }
        }
        NodeKind::Guard { call: i, scope } => {
            let call = &calls[i as usize];
            let class = call.guard_class().unwrap_or("");
            match knowledge.guard_op(class) {
                Some(GuardOp::Holds(k) | GuardOp::TryHolds(k)) => {
                    vec![Effect::Acquire {
                        kind: k,
                        key: key_for(call, k, intern),
                        site: i,
                        guard_scope: Some(scope),
                        cond: None,
                    }]
                }
                None => Vec::new(),
            }
        }
        NodeKind::AssumeCond { cond, truth } => vec![Effect::AssumeCond { cond, truth }],
        _ => Vec::new(),
    }
}

/// A forward dataflow over `cfg` to a fixpoint: `transfer` maps a node's entry state
/// to its exit state, `edge` adapts it to a successor, `join` merges it with what the
/// successor already had. Returns each node's entry state (`None`: unreachable).
fn forward<S: Clone + PartialEq>(
    cfg: &crate::facts::Cfg,
    entry: S,
    transfer: impl FnMut(u32, S) -> S,
    edge: impl Fn(u32, &S) -> S,
    join: impl Fn(&S, &S) -> S,
) -> Vec<Option<S>> {
    forward_until_fixpoint(cfg, entry, transfer, edge, join).0
}

/// `forward`, also saying whether the fixpoint was reached within the visit bound.
fn forward_until_fixpoint<S: Clone + PartialEq>(
    cfg: &crate::facts::Cfg,
    entry: S,
    mut transfer: impl FnMut(u32, S) -> S,
    edge: impl Fn(u32, &S) -> S,
    join: impl Fn(&S, &S) -> S,
) -> (Vec<Option<S>>, bool) {
    let n = cfg.nodes.len();
    let mut states: Vec<Option<S>> = vec![None; n];
    states[ENTRY as usize] = Some(entry);
    let mut queue: VecDeque<u32> = VecDeque::from([ENTRY]);
    let mut queued = vec![false; n];
    queued[ENTRY as usize] = true;
    let mut visits = 0usize;
    while let Some(id) = queue.pop_front() {
        queued[id as usize] = false;
        visits += 1;
        if visits > n * MAX_VISITS_PER_NODE {
            return (states, false);
        }
        let Some(state) = states[id as usize].clone() else {
            continue;
        };
        let out = transfer(id, state);
        for &s in &cfg.nodes[id as usize].succs {
            let incoming = edge(s, &out);
            let merged = match &states[s as usize] {
                None => Some(incoming),
                Some(old) => {
                    let joined = join(old, &incoming);
                    if &joined == old { None } else { Some(joined) }
                }
            };
            if let Some(m) = merged {
                states[s as usize] = Some(m);
                if !queued[s as usize] {
                    queued[s as usize] = true;
                    queue.push_back(s);
                }
            }
        }
    }
    (states, true)
}

/// Drops guard sections whose scope does not contain `scope` (control left the block).
fn enter_scope(mut state: State, scope: u32, cfg: &crate::facts::Cfg) -> State {
    state.retain(|h| h.guard_scope.is_none_or(|g| cfg.scope_within(scope, g)));
    state
}

/// Parameter tests of the paths holding a section, by CFG node (see `held_guards`).
type HeldParams = Vec<(u32, Vec<Test>)>;

/// Most groups of paths kept apart at a program point; more merge into one.
const MAX_PATHS: usize = 4;

/// A group of paths to a point: the sections they hold and what they tested.
#[derive(Debug, Clone, PartialEq)]
struct PathState {
    held: State,
    /// Parameter tests that came out the same way on every path of the group.
    params: Vec<Test>,
    /// Truth values of tracked locals (by condition id, sorted).
    locals: Vec<(u32, bool)>,
}

/// The paths to a point, grouped by the sections they hold (so a flag set where a lock
/// is taken or released, or a parameter tested there, can decide a later branch), or
/// merged into one group once there are too many (`merged`, which then stays).
#[derive(Debug, Clone, PartialEq)]
struct Paths {
    states: Vec<PathState>,
    merged: bool,
}

fn same_sections(a: &State, b: &State) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|h| b.iter().any(|x| x.kind == h.kind && x.key == h.key))
}

fn merge_paths(a: &PathState, b: &PathState) -> PathState {
    PathState {
        held: join(&a.held, &b.held),
        params: a
            .params
            .iter()
            .filter(|t| b.params.contains(t))
            .cloned()
            .collect(),
        locals: a
            .locals
            .iter()
            .filter(|l| b.locals.contains(l))
            .copied()
            .collect(),
    }
}

impl Paths {
    fn add(&mut self, s: PathState) {
        let merged = self.merged;
        match self
            .states
            .iter()
            .position(|x| merged || same_sections(&x.held, &s.held))
        {
            Some(i) => self.states[i] = merge_paths(&self.states[i], &s),
            None => self.states.push(s),
        }
        if self.states.len() > MAX_PATHS {
            self.merged = true;
            let states = std::mem::take(&mut self.states);
            self.states = states
                .into_iter()
                .reduce(|a, b| merge_paths(&a, &b))
                .into_iter()
                .collect();
        }
    }

    /// Leaves the scopes `scope` is not in (guards end), regrouping the paths.
    fn enter_scope(self, scope: u32, cfg: &crate::facts::Cfg) -> Paths {
        let mut out = Paths {
            states: Vec::with_capacity(self.states.len()),
            merged: self.merged,
        };
        for mut s in self.states {
            s.held = enter_scope(s.held, scope, cfg);
            out.add(s);
        }
        out
    }

    /// The sections held, all paths joined.
    fn joined(self) -> State {
        let mut states = self.states.into_iter();
        match states.next() {
            Some(first) => states.fold(first.held, |a, b| join(&a, &b.held)),
            None => State::new(),
        }
    }

    /// The parameter tests common to the paths that hold a section, when they are
    /// more than those common to all paths.
    fn held_facts(&self) -> Option<Vec<Test>> {
        let mut holding = self
            .states
            .iter()
            .filter(|s| s.held.iter().any(|h| h.site != MAYBE_SITE));
        let first = holding.next()?;
        if self.states.len() == 1 {
            return None;
        }
        let common: Vec<Test> = first
            .params
            .iter()
            .filter(|t| holding.clone().all(|s| s.params.contains(t)))
            .cloned()
            .collect();
        let everywhere = |t: &Test| self.states.iter().all(|s| s.params.contains(t));
        common.iter().any(|t| !everywhere(t)).then_some(common)
    }
}

fn join_paths(a: &Paths, b: &Paths) -> Paths {
    let mut out = a.clone();
    if b.merged && !out.merged {
        out.merged = true;
        let states = std::mem::take(&mut out.states);
        for s in states {
            out.add(s);
        }
    }
    for s in &b.states {
        out.add(s.clone());
    }
    out
}

/// One node of the path-sensitive dataflow: its lock effects on each group of paths,
/// then what it tells about parameters and tracked locals (a group whose facts
/// contradict the node's is on no feasible path and is dropped).
fn path_transfer(
    cfg: &crate::facts::Cfg,
    id: u32,
    entry: Paths,
    effects: &[Effect],
    tracked: &[u32],
    unmatched: &mut FxHashSet<(SectionKindId, u32)>,
) -> Paths {
    let node = &cfg.nodes[id as usize];
    let Paths { mut states, merged } = entry.enter_scope(node.scope, cfg);
    for effect in effects {
        if let Effect::AssumeCond { cond, truth } = *effect {
            // As in the joined analysis: a section taken under the other value of the
            // condition is not held on this edge, unless every path holds it.
            let everywhere = |h: &Held| {
                states.iter().all(|s| {
                    s.held
                        .iter()
                        .any(|x| x.kind == h.kind && x.key == h.key && x.certain)
                })
            };
            let gone: Vec<(SectionKindId, u32)> = states
                .iter()
                .flat_map(|s| s.held.iter())
                .filter(|h| h.cond == Some((cond, !truth)) && !everywhere(h))
                .map(|h| (h.kind, h.key))
                .collect();
            for s in &mut states {
                s.held.retain(|h| {
                    !(h.cond == Some((cond, !truth)) && gone.contains(&(h.kind, h.key)))
                        && h.released_if != Some((cond, truth))
                });
            }
            continue;
        }
        let mut all_missing = !states.is_empty();
        for s in &mut states {
            let mut missing = false;
            s.held = apply(std::mem::take(&mut s.held), effect, unmatched, &mut missing);
            all_missing &= missing;
        }
        // A release wrapper releases what no path holds (as in the joined analysis).
        if all_missing && let Effect::Release { kind, key } = *effect {
            unmatched.insert((kind, key));
        }
    }
    match node.kind {
        NodeKind::AssumeParam { param, test, holds } => {
            if let Some(t) = certain_param_test(cfg, id, param, test, holds) {
                states.retain_mut(|s| assume_param_test(&mut s.params, &t));
            }
        }
        NodeKind::AssumeCond { cond, truth } if tracked.binary_search(&cond).is_ok() => {
            states.retain_mut(|s| assume_local_truth(&mut s.locals, cond, truth));
        }
        NodeKind::SetLocal { cond, value } => {
            for s in &mut states {
                set_local_truth(&mut s.locals, cond, value);
            }
        }
        _ => {}
    }
    let mut out = Paths {
        states: Vec::with_capacity(states.len()),
        merged,
    };
    for s in states {
        out.add(s);
    }
    out
}

/// `held_params` (node, tests) as (call, index into `sets`), sorted by call.
fn intern_held_guards(
    function: &Function,
    held_params: HeldParams,
    sets: &mut Vec<Vec<Test>>,
) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for (node, facts) in held_params {
        let call = match function.cfg().nodes[node as usize].kind {
            NodeKind::Call(c) | NodeKind::Guard { call: c, .. } => c,
            _ => continue,
        };
        let set = match sets.iter().position(|s| *s == facts) {
            Some(i) => i,
            None => {
                sets.push(facts);
                sets.len() - 1
            }
        };
        out.push((call, set as u32));
    }
    out.sort();
    out.dedup_by_key(|(c, _)| *c);
    out
}

fn transfer(
    state: State,
    effect: &Effect,
    unmatched: &mut FxHashSet<(SectionKindId, u32)>,
) -> State {
    let mut missing = false;
    let out = apply(state, effect, unmatched, &mut missing);
    if missing && let Effect::Release { kind, key } = *effect {
        unmatched.insert((kind, key));
    }
    out
}

/// `transfer` without recording a release of nothing held: sets `missing` instead
/// (a release wrapper is one whose release matches nothing on any path).
fn apply(
    mut state: State,
    effect: &Effect,
    unmatched: &mut FxHashSet<(SectionKindId, u32)>,
    missing: &mut bool,
) -> State {
    match *effect {
        Effect::Acquire {
            kind,
            key,
            site,
            guard_scope,
            cond,
        } => {
            if let Some(h) = state.iter_mut().find(|h| h.kind == kind && h.key == key) {
                if site == MAYBE_SITE {
                    // Possibly taken again: what is held stays as it was.
                } else if h.site == MAYBE_SITE {
                    *h = Held {
                        kind,
                        key,
                        site,
                        certain: true,
                        guard_scope,
                        cond,
                        released_if: None,
                    };
                } else {
                    // Re-taking a held section (nesting counts for preempt/rcu): keep the first site.
                    h.certain = true;
                }
            } else if state.len() < MAX_HELD {
                state.push(Held {
                    kind,
                    key,
                    site,
                    certain: site != MAYBE_SITE,
                    guard_scope,
                    cond,
                    released_if: None,
                });
            }
        }
        Effect::AssumeCond { cond, truth } => {
            // Taken only where `cond` had the other value: not held on this edge.
            state.retain(|h| h.certain || h.cond != Some((cond, !truth)));
            state.retain(|h| h.released_if != Some((cond, truth)));
        }
        Effect::ReleaseIfNonZero { kind, key, cond } => {
            // The section the helper releases: as for a release, the same lock spelled
            // differently is the most recent section of that kind. Held by no one here,
            // the helper's result says nothing this function tracks.
            let pos = state
                .iter()
                .position(|h| h.kind == kind && h.key == key)
                .or_else(|| state.iter().rposition(|h| h.kind == kind));
            if let Some(pos) = pos {
                state[pos].released_if = Some((cond, true));
            }
        }
        Effect::EndAlso {
            also,
            kind,
            key,
            ref own_level,
        } => {
            // A lock this function does not hold (its caller's, or taken by a macro it
            // cannot see: `if (grab_nic_access(t)) release_nic_access(t);`) gives back
            // the level this function took, as the kernel does whatever took the lock.
            let released = state
                .iter()
                .position(|h| h.kind == kind && h.key == key)
                .or_else(|| state.iter().rposition(|h| h.kind == kind));
            let own = released.is_some_and(|pos| own_level.contains(&state[pos].site));
            if !own && let Some(level) = state.iter().rposition(|h| h.kind == also) {
                state.remove(level);
            }
        }
        Effect::Forget { cond } => {
            for h in &mut state {
                if h.released_if.is_some_and(|(c, _)| c == cond) {
                    h.released_if = None;
                }
            }
        }
        Effect::Release { kind, key } => {
            if let Some(pos) = state.iter().position(|h| h.kind == kind && h.key == key) {
                // The caller's section (entered with it by annotation): released here,
                // like a section taken by the caller. A section a lock wrapper took on
                // some paths only may be the caller's too: released here and possibly
                // taken in this function, so a drop (see `effect`), never a release.
                if state[pos].site == ANNOTATION_SITE || state[pos].site == MAYBE_SITE {
                    unmatched.insert((kind, key));
                }
                state.remove(pos);
            } else if let Some(pos) = state.iter().rposition(|h| h.kind == kind) {
                // The same lock spelled differently (`&d->lock` vs `&priv->lock`):
                // release the most recent section of that kind rather than keep a
                // phantom lock that would cry wolf on every later call.
                if state[pos].site == ANNOTATION_SITE {
                    unmatched.insert((kind, state[pos].key));
                }
                state.remove(pos);
            } else {
                // Releasing what the caller took: this function is a release wrapper.
                *missing = true;
            }
        }
    }
    state
}

fn join(a: &State, b: &State) -> State {
    let mut out: State = Vec::with_capacity(a.len().max(b.len()));
    for h in a {
        match b.iter().find(|x| x.kind == h.kind && x.key == h.key) {
            Some(other) => {
                // A section held on one path and possibly held on the other is held on
                // some paths (the taken one's site).
                let mut m = if h.site == MAYBE_SITE {
                    other.clone()
                } else {
                    h.clone()
                };
                m.certain = h.certain && other.certain;
                if m.cond != other.cond {
                    m.cond = None;
                }
                // Released by a tested result only if it is so on both paths.
                if h.released_if != other.released_if {
                    m.released_if = None;
                }
                out.push(m);
            }
            None => {
                let mut m = h.clone();
                m.certain = false;
                out.push(m);
            }
        }
    }
    for h in b {
        if !a.iter().any(|x| x.kind == h.kind && x.key == h.key) {
            let mut m = h.clone();
            m.certain = false;
            out.push(m);
        }
    }
    out
}

/// A group of paths passing a branch on a tracked local (`locals` sorted by condition
/// id): false when the group knows the local to have the other truth value.
fn assume_local_truth(locals: &mut Vec<(u32, bool)>, cond: u32, truth: bool) -> bool {
    match locals.binary_search_by_key(&cond, |l| l.0) {
        Ok(i) => locals[i].1 == truth,
        Err(i) => {
            locals.insert(i, (cond, truth));
            true
        }
    }
}

/// A write of a tracked local: its truth value is `value`, or unknown (`None`).
fn set_local_truth(locals: &mut Vec<(u32, bool)>, cond: u32, value: Option<bool>) {
    match (locals.binary_search_by_key(&cond, |l| l.0), value) {
        (Ok(i), Some(v)) => locals[i].1 = v,
        (Ok(i), None) => {
            locals.remove(i);
        }
        (Err(i), Some(v)) => locals.insert(i, (cond, v)),
        (Err(_), None) => {}
    }
}

/// The parameter test an `AssumeParam` node makes, unless it may not hold
/// (`Cfg::conditional`: it then drops no group of paths).
fn certain_param_test(
    cfg: &crate::facts::Cfg,
    id: u32,
    param: u32,
    test: u32,
    holds: bool,
) -> Option<Test> {
    if cfg.conditional.binary_search(&id).is_ok() {
        return None;
    }
    Some(Test {
        param,
        pred: cfg.tests.get(test as usize)?.clone(),
        holds,
    })
}

/// A group of paths passing a test of a parameter: false when the group's own tests
/// contradict it (no such path), else the test replaces any earlier one of the same
/// parameter and predicate (kept while the group has room for it).
fn assume_param_test(params: &mut Vec<Test>, t: &Test) -> bool {
    if params.iter().any(|x| x.contradicts(t)) {
        return false;
    }
    params.retain(|x| !(x.param == t.param && x.pred == t.pred));
    if params.len() < MAX_GUARDS {
        params.push(t.clone());
        params.sort();
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Pred;

    fn test(param: u32, holds: bool) -> Test {
        Test {
            param,
            pred: Pred::NonZero,
            holds,
        }
    }

    #[test]
    fn alternatives_keep_the_weakest_groups_and_collapse_past_the_cap() {
        // `a` alone implies nothing about `b`: {a} covers {a, b}.
        let joined = join_alternatives(
            &vec![vec![test(0, true)]],
            &vec![vec![test(0, true), test(1, true)]],
        );
        assert_eq!(joined, vec![vec![test(0, true)]]);
        // Two groups that tested differently stay apart.
        let joined = join_alternatives(
            &vec![vec![test(0, false)]],
            &vec![vec![test(0, true), test(1, false)]],
        );
        assert_eq!(joined.len(), 2);
        assert!(common_tests(&joined).is_empty());
        // Past the cap, only what every group tested is kept.
        let many: Alternatives = (1..=MAX_ALTERNATIVES as u32 + 1)
            .map(|p| vec![test(0, true), test(p, true)])
            .collect();
        assert_eq!(
            join_alternatives(&many, &Vec::new()),
            vec![vec![test(0, true)]]
        );
    }

    #[test]
    fn lock_keys_normalise() {
        assert_eq!(lock_key("&priv->lock"), "priv->lock");
        assert_eq!(lock_key("&(priv->lock)"), "priv->lock");
        assert_eq!(lock_key("& priv -> lock"), "priv->lock");
        assert_eq!(lock_key("(a)->b"), "(a)->b");
    }

    #[test]
    fn plain_lock_states_take_no_allocation_and_encode_as_their_data() {
        for at_exit in [Some(Vec::new()), None] {
            let data = LockData::plain(at_exit.clone());
            let states = LockStates::new(data.clone(), false);
            assert!(states.data.is_none());
            assert_eq!(states.at_exit, at_exit);
            let bytes = postcard::to_stdvec(&states).unwrap();
            assert_eq!(bytes, postcard::to_stdvec(&data).unwrap());
            let back: LockStates = postcard::from_bytes(&bytes).unwrap();
            assert!(back.data.is_none() && back.at_exit == at_exit);
        }
        let mut released = LockStates::new(LockData::plain(Some(Vec::new())), false);
        released.annotate_release(SectionKindId::default(), "d->lock");
        assert!(released.data.is_some());
        assert_eq!(released.keys, ["d->lock"]);
        let bytes = postcard::to_stdvec(&released).unwrap();
        let back: LockStates = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back.released_unmatched, released.released_unmatched);
    }
}
