//! Constant values of locals passed to calls: `unsigned int flags = FOO_IRQ; …
//! helper(dev, flags);` gives `helper` the argument `FOO_IRQ`, as a literal would.
//!
//! A forward dataflow over the body's CFG, after it is built: each `SetLocal` node
//! carries what its write stores (a constant, the old value OR-ed with a constant, or
//! anything), paths that disagree make the value unknown. A local whose address is
//! taken or that is declared twice is never tracked; one passed by name to a call
//! keeps its value for that call (a function cannot write an argument) and is unknown
//! after it (a macro such as `do_div(n, d)` or `local_irq_save(flags)` may write it).

use rustc_hash::FxHashMap as HashMap;

use super::CfgBuilder;
use crate::facts::{ConstArg, ENTRY, NodeKind};
use crate::values::Val;

/// What a write of a local stores.
#[derive(Debug, Clone)]
pub(super) enum LocalWrite {
    /// `x = V` (also the declaration's initialiser).
    Set(Val),
    /// `x |= V`.
    Or(Val),
    /// Anything else (`x = f()`, `x++`, `x += n`, a plain declaration).
    Unknown,
    /// `x = p` of parameter `p` (`CfgBuilder::param_copy`): not a constant here, but
    /// what tests of `x` say of `p` (`param_copies`).
    Copy(u8),
    /// Not written, but tested non-zero on this edge.
    Tested,
}

impl LocalWrite {
    /// The write of an assignment with `operator` and the right side's constant value.
    pub(super) fn of(operator: &str, value: Option<Val>) -> LocalWrite {
        match (operator, value) {
            ("=", Some(v)) => LocalWrite::Set(v),
            ("|=", Some(v)) => LocalWrite::Or(v),
            _ => LocalWrite::Unknown,
        }
    }

    /// The local's value after this write, given the value before (`None`: unknown).
    fn apply(&self, before: &Option<Val>) -> Option<Val> {
        match (self, before) {
            (LocalWrite::Set(v), _) => Some(v.clone()),
            (LocalWrite::Tested, Some(v)) => Some(v.clone()),
            (LocalWrite::Tested, None) => Some(Val::NonZero),
            (LocalWrite::Or(v), Some(Val::Int(0))) => Some(v.clone()),
            (LocalWrite::Or(v), Some(old)) => Some(Val::Expr(
                format!("({}) | ({})", text_of(old)?, text_of(v)?).into(),
            )),
            _ => None,
        }
    }
}

/// A constant value as an expression the resolver evaluates.
fn text_of(v: &Val) -> Option<String> {
    match v {
        Val::Int(n) => Some(n.to_string()),
        Val::Name(s) | Val::Expr(s) | Val::Const(s, _) => Some(s.to_string()),
        _ => None,
    }
}

impl CfgBuilder<'_> {
    /// Adds the values of locals passed to program functions to the calls' known
    /// arguments (`const_args`, or the literal zero/non-zero bits).
    pub(in crate::parse) fn local_constant_args(&mut self) {
        if self.local_args.is_empty() || self.truncated {
            return;
        }
        // The tracked locals: slots by their condition id (the id of their bare name).
        let mut slots: Vec<u32> = Vec::new();
        let mut slot_of = |cond: u32| match slots.iter().position(|&c| c == cond) {
            Some(i) => i,
            None => {
                slots.push(cond);
                slots.len() - 1
            }
        };
        let wanted: Vec<(u32, u8, usize)> = self
            .local_args
            .iter()
            .filter(|(_, _, name)| !self.untracked_locals.contains(name))
            .filter_map(|(call, arg, name)| Some((*call, *arg, slot_of(*self.cond_ids.get(name)?))))
            .collect();
        if wanted.is_empty() {
            return;
        }
        let slot = |cond: u32| slots.iter().position(|&c| c == cond);
        // What each node does to the tracked locals.
        let mut effects: HashMap<u32, Vec<(usize, LocalWrite)>> = HashMap::default();
        for (node, cond, write) in &self.local_value_writes {
            if let Some(s) = slot(*cond) {
                effects.entry(*node).or_default().push((s, write.clone()));
            }
        }
        let mut call_nodes: HashMap<u32, u32> = HashMap::default();
        for (i, n) in self.nodes.iter().enumerate() {
            if let NodeKind::Call(c) = n.kind {
                call_nodes.insert(c, i as u32);
            }
        }
        for (call, name) in &self.by_name_args {
            if let (Some(&node), Some(s)) = (
                call_nodes.get(call),
                self.cond_ids.get(name).and_then(|c| slot(*c)),
            ) {
                effects
                    .entry(node)
                    .or_default()
                    .push((s, LocalWrite::Unknown));
            }
        }
        // A branch on the local's bare name (`if (skb)`, `if (!buf)`): non-zero on one
        // edge, zero on the other (what an earlier write made it stays, when known).
        for (i, n) in self.nodes.iter().enumerate() {
            if let NodeKind::AssumeCond { cond, truth } = n.kind
                && let Some(s) = slot(cond)
            {
                let write = match truth {
                    true => LocalWrite::Tested,
                    false => LocalWrite::Set(Val::Int(0)),
                };
                effects.entry(i as u32).or_default().push((s, write));
            }
        }
        // Values on entry to each node (`None`: not reached yet).
        let mut input: Vec<Option<Vec<Option<Val>>>> = vec![None; self.nodes.len()];
        input[ENTRY as usize] = Some(vec![None; slots.len()]);
        let mut work = vec![ENTRY];
        while let Some(node) = work.pop() {
            let Some(mut state) = input[node as usize].clone() else {
                continue;
            };
            for (s, write) in effects.get(&node).map(Vec::as_slice).unwrap_or(&[]) {
                state[*s] = write.apply(&state[*s]);
            }
            for &succ in &self.nodes[node as usize].succs {
                let changed = match &mut input[succ as usize] {
                    slot @ None => {
                        *slot = Some(state.clone());
                        true
                    }
                    Some(old) => {
                        let mut changed = false;
                        for (o, new) in old.iter_mut().zip(&state) {
                            if o.is_some() && o != new {
                                *o = None;
                                changed = true;
                            }
                        }
                        changed
                    }
                };
                if changed {
                    work.push(succ);
                }
            }
        }
        let mut added = false;
        for (call, arg, s) in wanted {
            let Some(value) = call_nodes
                .get(&call)
                .and_then(|&n| input[n as usize].as_ref())
                .and_then(|state| state[s].clone())
            else {
                continue;
            };
            let c = &mut self.calls[call as usize];
            let bit = 1u32.checked_shl(u32::from(arg)).unwrap_or(0);
            match value {
                Val::Int(0) => c.zero_args |= bit,
                Val::NonZero => c.nonzero_args |= bit,
                value => {
                    self.const_args.push(ConstArg { call, arg, value });
                    added = true;
                }
            }
        }
        if added {
            // `Function::arg_value` searches by call.
            self.const_args.sort_by_key(|c| c.call);
        }
    }
}
