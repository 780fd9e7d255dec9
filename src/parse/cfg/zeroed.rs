//! Members of a freshly zeroed object: after `c = kzalloc(…)` (a zeroing allocator, or
//! an allocator given the zeroing GFP flag) every member of `*c` is zero until the
//! function writes it, so a branch on `c->wq` is false on the paths where nothing set
//! `wq` (`if (!node) c->wq = alloc(); … if (c->wq) destroy(c->wq);` reaches the
//! destroy only with `node` NULL).
//!
//! After the CFG is built, the simple conditions whose text is `c->member` (dots after
//! the one arrow) become tracked locals: a `SetLocal` false after each zeroing
//! allocation into `c`, and an unknown `SetLocal` after every node that may change the
//! member: a write through `c` into the same top-level member (any member when the
//! written member is not plain), a call given a pointer into the object, any other
//! write of `c` itself. A local whose writes cannot all be seen is not followed: its
//! address taken, declared twice, copied into another pointer (which could then be
//! written through), set by an iterator macro, or code scanned without flow.

use super::CfgBuilder;
use super::text;
use crate::facts::{CfgNode, NodeKind};
use crate::parse::FastNode;
use tree_sitter::Node;

impl<'a> CfgBuilder<'a> {
    /// Whether `value` (through parentheses and casts) is a call that returns zeroed
    /// memory.
    pub(super) fn zeroing_allocation(&self, value: Node) -> bool {
        let mut v = value;
        while matches!(v.kind_str(), "parenthesized_expression" | "cast_expression") {
            match v.field("value").or_else(|| v.named_child(0)) {
                Some(inner) => v = inner,
                None => return false,
            }
        }
        if v.kind_str() != "call_expression" {
            return false;
        }
        let Some(func) = v.field("function").filter(|f| f.kind_str() == "identifier") else {
            return false;
        };
        let mut args: Vec<&str> = Vec::new();
        if let Some(list) = v.field("arguments") {
            let mut cursor = list.walk();
            args.extend(
                list.named_children(&mut cursor)
                    .filter(|a| a.kind_str() != "comment")
                    .map(|a| text(a, self.src)),
            );
        }
        self.knowledge.allocates_zeroed(text(func, self.src), &args)
    }

    /// Turns the tests of zeroed objects' members into tracked locals (see the
    /// module's comment).
    pub(in crate::parse) fn track_zeroed_members(&mut self) {
        if self.zeroed_allocs.is_empty() || self.truncated {
            return;
        }
        let mut vars: Vec<&str> = self.zeroed_allocs.iter().map(|(_, v)| v.as_str()).collect();
        vars.sort_unstable();
        vars.dedup();
        let followed = |var: &str| {
            !self.untracked_locals.contains(var)
                && !self.unplaced_locals.contains(var)
                && self.is_local(var)
        };
        // (condition id, local, member path) of every `local->member` condition.
        let mut conds: Vec<(u32, &str, &str)> = Vec::new();
        for (text, &id) in &self.cond_ids {
            let Some((var, path)) = text.split_once("->") else {
                continue;
            };
            let plain = !path.is_empty()
                && path.split('.').all(|p| {
                    p.bytes().next().is_some_and(|b| !b.is_ascii_digit())
                        && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                });
            if plain && vars.binary_search(&var).is_ok() && followed(var) {
                conds.push((id, var, path));
            }
        }
        if conds.is_empty() {
            return;
        }
        conds.sort_unstable();
        let top = |path: &str| path.split('.').next().unwrap_or(path).to_string();
        // (node, order within the node: the zeroing first, then what changes it,
        // condition, value) of the writes to add.
        let mut sets: Vec<(u32, u8, u32, Option<bool>)> = Vec::new();
        let mut escaped: Vec<(&str, Vec<u32>)> = Vec::new();
        for &(id, var, path) in &conds {
            for (node, v) in &self.zeroed_allocs {
                if v == var {
                    sets.push((*node, 0, id, Some(false)));
                }
            }
            // The local itself written anew (the `SetLocal` nodes of its name).
            let own = self.cond_ids.get(var).copied();
            for (node, cond, _) in &self.local_value_writes {
                if Some(*cond) == own && !self.zeroed_allocs.iter().any(|(n, _)| n == node) {
                    sets.push((*node, 1, id, None));
                }
            }
            for (node, v, member) in &self.member_writes {
                if v == var && member.as_deref().is_none_or(|m| *m == *top(path)) {
                    sets.push((*node, 1, id, None));
                }
            }
            // Once the object may be reached under another name, any call and any
            // write through a pointer may change it.
            let after = match escaped.iter().position(|(v, _)| *v == var) {
                Some(i) => &escaped[i].1,
                None => {
                    escaped.push((var, self.after_escape(var)));
                    &escaped[escaped.len() - 1].1
                }
            };
            for &node in after {
                sets.push((node, 1, id, None));
            }
        }
        sets.sort_unstable();
        sets.dedup();
        let mut at = 0;
        while at < sets.len() {
            let node = sets[at].0;
            let mut end = at;
            while end < sets.len() && sets[end].0 == node {
                end += 1;
            }
            self.insert_after(node, &sets[at..end]);
            at = end;
        }
    }

    /// The calls and writes through pointers on some path after `var`'s object may
    /// be reached under another name (copied, or given to a call).
    fn after_escape(&self, var: &str) -> Vec<u32> {
        let mut seen = vec![false; self.nodes.len()];
        let mut work: Vec<u32> = Vec::new();
        for (node, v) in &self.handed_on {
            if v == var {
                work.extend(&self.nodes[*node as usize].succs);
            }
        }
        if work.is_empty() {
            return Vec::new();
        }
        while let Some(n) = work.pop() {
            if std::mem::replace(&mut seen[n as usize], true) {
                continue;
            }
            work.extend(&self.nodes[n as usize].succs);
        }
        let mut out: Vec<u32> = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(i, n)| {
                seen[*i] && matches!(n.kind, NodeKind::Call(_) | NodeKind::Guard { .. })
            })
            .map(|(i, _)| i as u32)
            .chain(
                self.pointer_write_nodes
                    .iter()
                    .copied()
                    .filter(|&n| seen[n as usize]),
            )
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Puts `SetLocal` nodes for `sets` (all of node `node`) between `node` and its
    /// successors: they happen as `node` is left.
    fn insert_after(&mut self, node: u32, sets: &[(u32, u8, u32, Option<bool>)]) {
        let Some(n) = self.nodes.get(node as usize) else {
            return;
        };
        let (scope, cond) = (n.scope, n.cond);
        let mut succs = std::mem::take(&mut self.nodes[node as usize].succs);
        for &(_, _, id, value) in sets.iter().rev() {
            let new = self.nodes.len() as u32;
            self.nodes.push(CfgNode {
                kind: NodeKind::SetLocal { cond: id, value },
                succs,
                scope,
                cond,
            });
            succs = vec![new];
        }
        self.nodes[node as usize].succs = succs;
    }
}
