//! Flow-sensitive atomic-section state inside one function.
//!
//! A forward dataflow over the function's CFG. The state at a point is the set of
//! atomic sections held there, each marked *certain* (held on every path reaching the
//! point) or not (held on some paths only). Joins keep a section held on any incoming
//! path and keep it certain only if every incoming path holds it.

use std::collections::{HashMap, VecDeque};

use crate::facts::{Call, ENTRY, EXIT, Function, NodeKind};
use crate::knowledge::{GuardOp, Knowledge, LockOp, SectionKindId};

/// One atomic section held at a program point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub kind: SectionKindId,
    /// Index into [`LockStates::keys`]: the lock expression, or "" for unkeyed kinds.
    pub key: u32,
    /// The call (index into the function's calls) that took it.
    pub site: u32,
    pub certain: bool,
    /// For guards: the lexical scope the section ends with.
    pub guard_scope: Option<u32>,
}

pub type State = Vec<Held>;

#[derive(Debug, Default, Clone)]
pub struct LockStates {
    /// Sections held just before each call (indexed like `Function::calls`); `None` for
    /// calls on no reachable path.
    pub at_call: Vec<Option<State>>,
    /// Sections still held when the function returns (`None` if it never returns).
    pub at_exit: Option<State>,
    pub keys: Vec<String>,
}

impl LockStates {
    pub fn key(&self, held: &Held) -> &str {
        &self.keys[held.key as usize]
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

fn balanced(s: &str) -> bool {
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

/// Upper bound on node visits, as a multiple of the node count: the lattice is finite,
/// so this only guards against a bug turning into a hang on some odd input.
const MAX_VISITS_PER_NODE: usize = 64;

pub fn analyse(function: &Function, knowledge: &Knowledge, initial: &State) -> LockStates {
    let cfg = &function.cfg;
    let n = cfg.nodes.len();
    let mut keys: Vec<String> = vec![String::new()];
    let mut key_ids: HashMap<String, u32> = HashMap::from([(String::new(), 0)]);
    let mut intern = |k: String| -> u32 {
        if let Some(&id) = key_ids.get(&k) {
            return id;
        }
        keys.push(k.clone());
        let id = (keys.len() - 1) as u32;
        key_ids.insert(k, id);
        id
    };
    // Pre-compute each node's effect so the fixpoint loop does no string work.
    let effects: Vec<Effect> = cfg
        .nodes
        .iter()
        .map(|node| effect_of(node.kind, &function.calls, knowledge, &mut intern))
        .collect();

    let mut states: Vec<Option<State>> = vec![None; n];
    if n == 0 {
        return LockStates {
            at_call: vec![None; function.calls.len()],
            at_exit: None,
            keys,
        };
    }
    states[ENTRY as usize] = Some(initial.clone());
    let mut queue: VecDeque<u32> = VecDeque::from([ENTRY]);
    let mut queued = vec![false; n];
    queued[ENTRY as usize] = true;
    let mut visits = 0usize;
    while let Some(id) = queue.pop_front() {
        queued[id as usize] = false;
        visits += 1;
        if visits > n * MAX_VISITS_PER_NODE {
            break;
        }
        let node = &cfg.nodes[id as usize];
        let Some(entry) = states[id as usize].clone() else {
            continue;
        };
        let out = transfer(entry, &effects[id as usize], node.scope, cfg);
        for &s in &node.succs {
            let merged = match &states[s as usize] {
                None => Some(enter_scope(out.clone(), cfg.nodes[s as usize].scope, cfg)),
                Some(old) => {
                    let joined = join(
                        old,
                        &enter_scope(out.clone(), cfg.nodes[s as usize].scope, cfg),
                    );
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

    let mut at_call = vec![None; function.calls.len()];
    for (id, node) in cfg.nodes.iter().enumerate() {
        let call = match node.kind {
            NodeKind::Call(c) | NodeKind::Guard { call: c, .. } => c,
            _ => continue,
        };
        if let Some(s) = &states[id] {
            at_call[call as usize] = Some(s.clone());
        }
    }
    let at_exit = states.get(EXIT as usize).cloned().flatten();
    LockStates {
        at_call,
        at_exit,
        keys,
    }
}

#[derive(Debug, Clone)]
enum Effect {
    None,
    Acquire {
        kind: SectionKindId,
        key: u32,
        site: u32,
        guard_scope: Option<u32>,
    },
    Release {
        kind: SectionKindId,
        key: u32,
    },
}

fn effect_of(
    kind: NodeKind,
    calls: &[Call],
    knowledge: &Knowledge,
    intern: &mut impl FnMut(String) -> u32,
) -> Effect {
    let key_for = |call: &Call, section: SectionKindId, intern: &mut dyn FnMut(String) -> u32| {
        if knowledge.sections[section].keyed {
            intern(call.args.first().map(|a| lock_key(a)).unwrap_or_default())
        } else {
            0
        }
    };
    match kind {
        NodeKind::Call(i) => {
            let call = &calls[i as usize];
            match knowledge.lock_op(&call.callee) {
                Some(LockOp::Acquire(k)) => Effect::Acquire {
                    kind: k,
                    key: key_for(call, k, intern),
                    site: i,
                    guard_scope: None,
                },
                Some(LockOp::Release(k)) => Effect::Release {
                    kind: k,
                    key: key_for(call, k, intern),
                },
                _ => Effect::None,
            }
        }
        NodeKind::Assume {
            call: i,
            truth: true,
        } => {
            let call = &calls[i as usize];
            match knowledge.lock_op(&call.callee) {
                Some(LockOp::TryAcquire(k)) => Effect::Acquire {
                    kind: k,
                    key: key_for(call, k, intern),
                    site: i,
                    guard_scope: None,
                },
                _ => Effect::None,
            }
        }
        NodeKind::Guard { call: i, scope } => {
            let call = &calls[i as usize];
            let class = call.guard_class.as_deref().unwrap_or("");
            match knowledge.guard_op(class) {
                Some(GuardOp::Holds(k) | GuardOp::TryHolds(k)) => Effect::Acquire {
                    kind: k,
                    key: key_for(call, k, intern),
                    site: i,
                    guard_scope: Some(scope),
                },
                None => Effect::None,
            }
        }
        _ => Effect::None,
    }
}

/// Drops guard sections whose scope does not contain `scope` (control left the block).
fn enter_scope(mut state: State, scope: u32, cfg: &crate::facts::Cfg) -> State {
    state.retain(|h| h.guard_scope.is_none_or(|g| cfg.scope_within(scope, g)));
    state
}

fn transfer(mut state: State, effect: &Effect, scope: u32, cfg: &crate::facts::Cfg) -> State {
    state = enter_scope(state, scope, cfg);
    match *effect {
        Effect::None => {}
        Effect::Acquire {
            kind,
            key,
            site,
            guard_scope,
        } => {
            if let Some(h) = state.iter_mut().find(|h| h.kind == kind && h.key == key) {
                // Re-taking a held section (nesting counts for preempt/rcu): keep the first site.
                h.certain = true;
            } else {
                state.push(Held {
                    kind,
                    key,
                    site,
                    certain: true,
                    guard_scope,
                });
            }
        }
        Effect::Release { kind, key } => {
            if let Some(pos) = state.iter().position(|h| h.kind == kind && h.key == key) {
                state.remove(pos);
            } else if let Some(pos) = state.iter().rposition(|h| h.kind == kind) {
                // The same lock spelled differently (`&d->lock` vs `&priv->lock`):
                // release the most recent section of that kind rather than keep a
                // phantom lock that would cry wolf on every later call.
                state.remove(pos);
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
                let mut m = h.clone();
                m.certain = h.certain && other.certain;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_keys_normalise() {
        assert_eq!(lock_key("&priv->lock"), "priv->lock");
        assert_eq!(lock_key("&(priv->lock)"), "priv->lock");
        assert_eq!(lock_key("& priv -> lock"), "priv->lock");
        assert_eq!(lock_key("(a)->b"), "(a)->b");
    }
}
