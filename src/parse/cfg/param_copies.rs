//! Tests of a local that copies a parameter on some paths, read as tests of the
//! parameter where every path agrees:
//!
//! ```c
//! u32 group = 0;
//! if (portid || grp) group = grp; else group = lookup();
//! if (group) return broadcast(); return unicast();
//! ```
//!
//! On the paths where `group = grp` ran, `group` is zero only if `grp` is; on the
//! other path `grp` was tested zero before `lookup()`. So wherever `group` is zero
//! below, `grp` is zero, and `unicast()` is not reached by a caller passing a non-zero
//! `grp`: an `AssumeParam` node is added after the `if (group)` edge's `AssumeCond`.
//!
//! A forward must-dataflow over the body's CFG, after it is built: for each tracked
//! local and each truth value of it, the parameter tests that hold on every path to a
//! point where the local has that truth value, next to the tests that hold on every
//! path whatever the local (`AssumeParam` nodes). A write of the local forgets what
//! its truth value said; a copy of a parameter of the same type (or into a `bool`)
//! makes its truth value the parameter's. Only parameters the body never assigns, and
//! tests of their values (not of what they point to, which writes may change), are
//! followed; only locals whose every write the CFG shows (`SetLocal`), but for calls
//! given the local by name: a function cannot write it, a macro may (`do_div(n, d)`),
//! and which one the callee is only the whole-program stage knows. Tests that hold
//! only if those calls leave the local alone are `Cfg::conditional`, with the calls
//! (`Cfg::conditional_calls`); the local stage does not let them drop a group of paths,
//! and the whole-program stage drops them from the function's parameter facts unless
//! every such call resolves to a program function (`LockStates::drop_conditional_tests`).

use rustc_hash::FxHashMap as HashMap;
use tree_sitter::Node;

use super::{CfgBuilder, text};
use crate::facts::{CfgNode, ENTRY, NodeKind};
use crate::parse::FastNode;
use crate::values::Pred;

/// Most distinct parameter tests followed in one body (bits of a `u64`).
const MAX_FACTS: usize = 64;

/// What is known on every path to a point, as bit sets over the followed tests.
#[derive(Clone, PartialEq, Eq)]
struct State {
    /// Tests that hold whatever the locals.
    always: u64,
    /// Per followed local: tests that hold where it is zero, and where it is not.
    when: Vec<[u64; 2]>,
}

impl State {
    fn meet(&mut self, other: &State) -> bool {
        let before = self.clone();
        self.always &= other.always;
        for (a, b) in self.when.iter_mut().zip(&other.when) {
            a[0] &= b[0];
            a[1] &= b[1];
        }
        *self != before
    }
}

impl CfgBuilder<'_> {
    /// The parameter a local's write copies: `x = p` (also the declaration's value),
    /// where `p` is a parameter by name (not shadowed by a local) of the local's
    /// declared type, or the local is a `bool` (which keeps the truth value of any
    /// scalar). A narrower or differently typed local could be zero where `p` is not.
    pub(super) fn param_copy(&self, local: Node, value: Node) -> Option<u8> {
        let mut v = value;
        while v.kind_str() == "parenthesized_expression" {
            v = v.named_child(0)?;
        }
        if v.kind_str() != "identifier" {
            return None;
        }
        let name = text(v, self.src);
        let p = self.param_names.iter().position(|n| n == name)?;
        if p >= 64 || self.local_decls.iter().any(|(n, _)| n == name) {
            return None;
        }
        let type_of = |n: &str| {
            self.declared
                .iter()
                .rev()
                .find(|(d, _)| d == n)
                .map(|(_, t)| t.trim())
        };
        let local_ty = type_of(text(local, self.src))?;
        let same = local_ty == type_of(name)? && !local_ty.ends_with('?');
        (same || matches!(local_ty, "bool" | "_Bool")).then_some(p as u8)
    }

    /// Adds, after each `AssumeCond` edge of a local that copies a parameter on some
    /// path, the parameter tests that edge implies on every path (see the module doc).
    pub(in crate::parse) fn param_copy_tests(&mut self) {
        if self.truncated {
            return;
        }
        // (Escaped but not untracked: handed by name to calls, `by_name_args`.)
        let followed = |name: &str| {
            !self.untracked_locals.contains(name) && !self.param_names.iter().any(|p| p == name)
        };
        // Locals (by condition id) with a copy of a parameter the body never assigns.
        let mut locals: Vec<u32> = Vec::new();
        for (_, cond, write) in &self.local_value_writes {
            if let super::LocalWrite::Copy(p) = write
                && self.reassigned_params & (1 << p) == 0
                && !locals.contains(cond)
                && self
                    .local_writes
                    .iter()
                    .any(|(c, name)| c == cond && followed(name))
            {
                locals.push(*cond);
            }
        }
        if locals.is_empty() {
            return;
        }
        let slot = |cond: u32| locals.iter().position(|&c| c == cond);
        let tested: Vec<u32> = (0..self.nodes.len() as u32)
            .filter(|&n| {
                matches!(self.nodes[n as usize].kind,
                    NodeKind::AssumeCond { cond, .. } if slot(cond).is_some())
            })
            .collect();
        if tested.is_empty() {
            return;
        }
        // The followed tests (bits): truth values of the copied parameters, and what
        // the body tests of those parameters' values.
        let mut facts: Vec<(u32, u32, bool)> = Vec::new();
        let fact_bit = |facts: &mut Vec<(u32, u32, bool)>, f: (u32, u32, bool)| match facts
            .iter()
            .position(|g| *g == f)
        {
            Some(i) => 1u64 << i,
            None if facts.len() < MAX_FACTS => {
                facts.push(f);
                1u64 << (facts.len() - 1)
            }
            // Not followed: the copy then says nothing.
            None => 0,
        };
        // What each write of a followed local makes known: (slot, tests where it is
        // zero, where it is not); a write other than a copy makes nothing known.
        let mut writes: HashMap<u32, Vec<(usize, [u64; 2])>> = HashMap::default();
        let mut copied = 0u64;
        for i in 0..self.local_value_writes.len() {
            let (node, cond) = (self.local_value_writes[i].0, self.local_value_writes[i].1);
            let Some(s) = slot(cond) else { continue };
            let bits = match self.local_value_writes[i].2 {
                super::LocalWrite::Copy(p) if self.reassigned_params & (1 << p) == 0 => {
                    copied |= 1 << p;
                    let (param, test) = self.param_test(usize::from(p), Pred::NonZero);
                    [
                        fact_bit(&mut facts, (param, test, false)),
                        fact_bit(&mut facts, (param, test, true)),
                    ]
                }
                _ => [0, 0],
            };
            writes.entry(node).or_default().push((s, bits));
        }
        let mut assumed: HashMap<u32, u64> = HashMap::default();
        for (id, n) in self.nodes.iter().enumerate() {
            if let NodeKind::AssumeParam { param, test, holds } = n.kind
                && param < 64
                && copied & (1 << param) != 0
                && !matches!(
                    self.tests.get(test as usize),
                    None | Some(Pred::Field(..) | Pred::HasChar(_))
                )
            {
                let bit = fact_bit(&mut facts, (param, test, holds));
                assumed.insert(id as u32, bit);
            }
        }
        // A local handed by name to a call may be written there if the callee is a
        // macro (`do_div(n, d)`): tests that hold only if none of them is are
        // conditional, for the whole-program stage to keep or drop.
        let mut passed: HashMap<u32, Vec<usize>> = HashMap::default();
        let mut passing_calls: Vec<u32> = Vec::new();
        let call_node: HashMap<u32, u32> = self
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| match n.kind {
                NodeKind::Call(c) | NodeKind::Guard { call: c, .. } => Some((c, i as u32)),
                _ => None,
            })
            .collect();
        for (call, name) in &self.by_name_args {
            let Some(s) = self.cond_ids.get(name).and_then(|&c| slot(c)) else {
                continue;
            };
            if let Some(&node) = call_node.get(call) {
                passed.entry(node).or_default().push(s);
            }
            passing_calls.push(*call);
        }
        let certain = self.copy_states(locals.len(), &writes, &assumed, Some(&passed));
        let hoped = if passed.is_empty() {
            None
        } else {
            Some(self.copy_states(locals.len(), &writes, &assumed, None))
        };
        // The tests each edge of a local implies beyond what every path tested, and
        // those that hold only if the calls given it by name are functions.
        let implied = |states: &[Option<State>], node: u32| -> u64 {
            let (NodeKind::AssumeCond { cond, truth }, Some(state)) =
                (self.nodes[node as usize].kind, &states[node as usize])
            else {
                return 0;
            };
            slot(cond).map_or(0, |s| state.when[s][usize::from(truth)] & !state.always)
        };
        let mut added: Vec<(u32, u64, u64)> = Vec::new();
        for node in tested {
            let sure = implied(&certain, node);
            let maybe = hoped.as_ref().map_or(0, |h| implied(h, node) & !sure);
            if sure | maybe != 0 {
                added.push((node, sure, maybe));
            }
        }
        for (node, sure, maybe) in added {
            let at = &self.nodes[node as usize];
            let (scope, cond) = (at.scope, at.cond);
            let succs = std::mem::take(&mut self.nodes[node as usize].succs);
            let mut last = node;
            for (i, &(param, test, holds)) in facts.iter().enumerate() {
                if (sure | maybe) & (1 << i) == 0 {
                    continue;
                }
                self.nodes.push(CfgNode {
                    kind: NodeKind::AssumeParam { param, test, holds },
                    succs: Vec::new(),
                    scope,
                    cond,
                });
                let n = (self.nodes.len() - 1) as u32;
                if maybe & (1 << i) != 0 {
                    self.conditional_tests.push(n);
                }
                self.nodes[last as usize].succs.push(n);
                last = n;
            }
            self.nodes[last as usize].succs = succs;
        }
        if !self.conditional_tests.is_empty() {
            passing_calls.sort_unstable();
            passing_calls.dedup();
            self.conditional_calls = passing_calls;
        }
    }

    /// The must-dataflow of `param_copy_tests`: the state on entry to each node
    /// (`None`: not reached).
    fn copy_states(
        &self,
        locals: usize,
        writes: &HashMap<u32, Vec<(usize, [u64; 2])>>,
        assumed: &HashMap<u32, u64>,
        passed: Option<&HashMap<u32, Vec<usize>>>,
    ) -> Vec<Option<State>> {
        let mut input: Vec<Option<State>> = vec![None; self.nodes.len()];
        input[ENTRY as usize] = Some(State {
            always: 0,
            when: vec![[0; 2]; locals],
        });
        let mut work = vec![ENTRY];
        while let Some(node) = work.pop() {
            let Some(mut state) = input[node as usize].clone() else {
                continue;
            };
            if let Some(&bit) = assumed.get(&node) {
                state.always |= bit;
                for w in &mut state.when {
                    w[0] |= bit;
                    w[1] |= bit;
                }
            }
            for &(s, [zero, nonzero]) in writes.get(&node).map_or(&[][..], Vec::as_slice) {
                state.when[s] = [state.always | zero, state.always | nonzero];
            }
            // After a call given the local by name, as after a write.
            for &s in passed
                .and_then(|p| p.get(&node))
                .map_or(&[][..], Vec::as_slice)
            {
                state.when[s] = [state.always; 2];
            }
            for &succ in &self.nodes[node as usize].succs {
                let changed = match &mut input[succ as usize] {
                    slot @ None => {
                        *slot = Some(state.clone());
                        true
                    }
                    Some(old) => old.meet(&state),
                };
                if changed {
                    work.push(succ);
                }
            }
        }
        input
    }
}
