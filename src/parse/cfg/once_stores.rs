//! Fields a function only ever sets: `p->stats = alloc(…)`, `p->ready = true`,
//! `p->flags |= FOO_ALLOC`, with no store of zero, no `&=`, no increment and no other
//! way into that member in the same function. A call made only while such a field is
//! still unset (`if (!p->stats)`, `if (p->flags & FOO_ALLOC) return 0;`) is lazy
//! initialisation: it runs once per object, and which caller comes first decides its
//! context (`interproc::once_guarded`).
//!
//! Recorded while the CFG is built, at every assignment through a parameter
//! (`note_param_field_store`); `once_sets` keeps the fields all of whose writes in the
//! function are such sets (counted against the member writes the builder notes
//! anyway, so an address passed to a call or copied into a local disqualifies).
//!
//! The same for a global flag (`if (unlikely(!READ_ONCE(pool_ready))) { mutex_lock(…);
//! … }` with `WRITE_ONCE(pool_ready, true)` in the file and no store of anything else):
//! the calls made directly in such a block, with nothing else undecided around it
//! (`global_guard`), and the stores into globals (`note_global_store`); `extract.rs`
//! keeps the guards whose flag some function of the file sets and none clears.

use super::{CfgBuilder, text};
use crate::parse::FastNode;
use crate::values::Val;
use tree_sitter::Node;

/// What one store into a parameter's field leaves there.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum FieldStore {
    /// `= X`, X a call's result, an address, a non-zero constant or `true`.
    NonZero,
    /// `|= B`, B a constant.
    Bits(Val),
    /// Anything else (`= 0`, `= v`, `&= ~B`, `++`).
    Other,
}

impl<'a> CfgBuilder<'a> {
    /// Notes the store an assignment or update makes through parameter `p` (its
    /// lvalue `written`), when the lvalue is a field path of the parameter.
    pub(super) fn note_param_field_store(&mut self, node: Node, written: Node, p: usize) {
        if p >= 64 || self.reassigned_params & (1 << p) != 0 {
            return;
        }
        let Some((sp, Some(path))) = self.subject_of(written) else {
            return;
        };
        if sp != p {
            return;
        }
        let store = match (node.kind_str(), node.field("operator"), node.field("right")) {
            ("assignment_expression", Some(op), Some(right)) => {
                match (text(op, self.src), self.arg_const(right)) {
                    ("=", Some(Val::Int(0))) => FieldStore::Other,
                    ("=", Some(Val::Int(_) | Val::NonZero | Val::Str | Val::Text(_))) => {
                        FieldStore::NonZero
                    }
                    ("=", None) if set_by_call(right) => FieldStore::NonZero,
                    ("|=", Some(v @ (Val::Int(_) | Val::Name(_)))) if v != Val::Int(0) => {
                        FieldStore::Bits(v)
                    }
                    _ => FieldStore::Other,
                }
            }
            _ => FieldStore::Other,
        };
        self.field_stores.push((p as u8, path, store));
    }

    /// Notes a field an assignment clears (`x->on = false`, `x->flags &= ~F`, through
    /// any object; not `= NULL`, a pointer's teardown).
    pub(super) fn note_field_clear(&mut self, node: Node) {
        let (Some(left), Some(op), Some(right)) = (
            node.field("left"),
            node.field("operator"),
            node.field("right"),
        ) else {
            return;
        };
        if left.kind_str() != "field_expression" {
            return;
        }
        let clears = match text(op, self.src) {
            "&=" => true,
            "=" => {
                text(right, self.src).trim() != "NULL" && self.arg_const(right) == Some(Val::Int(0))
            }
            _ => false,
        };
        if let Some(field) = left.field("field").filter(|_| clears) {
            self.field_clears.push(text(field, self.src).into());
        }
    }

    /// The fields cleared, sorted, once each.
    pub(super) fn field_clears(&self) -> Vec<Box<str>> {
        let mut out = self.field_clears.clone();
        out.sort();
        out.dedup();
        out
    }

    /// The fields only set by this function: (parameter, field path, the bits it ORs
    /// in when every store is `|=` of the same constant; `None`: stores a non-zero
    /// value).
    pub(super) fn once_sets(&self) -> Vec<(u8, Box<str>, Option<Val>)> {
        if self.truncated || self.field_stores.is_empty() {
            return Vec::new();
        }
        let top = |path: &str| path.split('.').next().unwrap_or(path).to_string();
        let mut out: Vec<(u8, Box<str>, Option<Val>)> = Vec::new();
        // (Only fields the function tests: a guard can only be on those.)
        let tested = |path: &str| {
            self.tests
                .iter()
                .any(|t| matches!(t, crate::values::Pred::Field(x, _) if crate::facts::strip_unwritten(x).map_or(&**x, |(_, plain)| plain) == path))
        };
        for (p, path, _) in &self.field_stores {
            if out.iter().any(|(q, x, _)| q == p && x == path) || !tested(path) {
                continue;
            }
            let stores: Vec<&FieldStore> = self
                .field_stores
                .iter()
                .filter(|(q, x, _)| q == p && x == path)
                .map(|(_, _, s)| s)
                .collect();
            let t = top(path);
            let member_writes = self
                .member_clobbers
                .iter()
                .filter(|(_, q, m)| q == p && **m == *t)
                .count();
            if member_writes != stores.len() || stores.contains(&&FieldStore::Other) {
                continue;
            }
            let bits = match stores.first() {
                Some(FieldStore::Bits(b))
                    if stores.iter().all(|s| **s == FieldStore::Bits(b.clone())) =>
                {
                    Some(b.clone())
                }
                _ => None,
            };
            out.push((*p, path.clone(), bits));
        }
        out.sort();
        out
    }
}

impl<'a> CfgBuilder<'a> {
    /// The global a condition tests as unset (`!ready`, `!READ_ONCE(ready)`, inside
    /// `unlikely()`): an identifier that is not a parameter or a local.
    pub(super) fn unset_global(&self, cond: Node) -> Option<Box<str>> {
        let mut n = cond;
        let mut negated = false;
        for _ in 0..8 {
            match n.kind_str() {
                "parenthesized_expression" => n = n.named_child(0)?,
                "unary_expression" if !negated && n.child(0)?.kind_str() == "!" => {
                    negated = true;
                    n = n.field("argument")?;
                }
                // `likely()`/`unlikely()` are the condition; `READ_ONCE(x)` is `x`
                // (include/linux/compiler.h, asm-generic/rwonce.h).
                "call_expression" => {
                    let f = text(n.field("function")?, self.src);
                    let args = n.field("arguments")?;
                    if args.named_child_count() != 1
                        || !(matches!(f, "likely" | "unlikely") || negated && f == "READ_ONCE")
                    {
                        return None;
                    }
                    n = args.named_child(0)?;
                }
                "identifier" if negated => {
                    let name = text(n, self.src);
                    return (!self.is_local(name) && !self.param_names.iter().any(|p| p == name))
                        .then(|| name.into());
                }
                _ => return None,
            }
        }
        None
    }

    /// Notes a store into a global (`ready = true`, `WRITE_ONCE(ready, v)`): whether it
    /// sets it to a known non-zero value (anything else counts as clearing it).
    pub(super) fn note_global_store(&mut self, name: Node, value: Option<Node>) {
        let g = text(name, self.src);
        if self.is_local(g) || self.param_names.iter().any(|p| p == g) {
            return;
        }
        let sets = value
            .and_then(|v| self.arg_const(v))
            .is_some_and(|v| match v {
                Val::Int(n) => n != 0,
                Val::NonZero => true,
                _ => false,
            });
        self.global_stores.push((g.into(), sets));
    }

    /// The calls made directly in `if (!flag)` blocks of globals, and the globals the
    /// function sets and clears (`OnceFields`).
    pub(super) fn global_once(&self) -> crate::facts::GlobalOnce {
        let mut sets: Vec<Box<str>> = Vec::new();
        let mut clears: Vec<Box<str>> = Vec::new();
        for (g, set) in &self.global_stores {
            if *set {
                sets.push(g.clone())
            } else {
                clears.push(g.clone())
            }
        }
        for v in [&mut sets, &mut clears] {
            v.sort();
            v.dedup();
        }
        let guards = if self.truncated {
            Vec::new()
        } else {
            self.global_guarded.clone()
        };
        (guards, sets, clears)
    }

    /// `WRITE_ONCE(x, v)` of an identifier: a store into `x`.
    pub(super) fn note_write_once(&mut self, call: Node) {
        let Some(f) = call.field("function") else {
            return;
        };
        if text(f, self.src) != "WRITE_ONCE" {
            return;
        }
        let Some(args) = call.field("arguments") else {
            return;
        };
        if let (Some(x), v) = (args.named_child(0), args.named_child(1))
            && x.kind_str() == "identifier"
        {
            self.note_global_store(x, v);
        }
    }
}

/// A value a call returns (through parentheses and casts): non-zero when the call
/// succeeds (an allocation, a lookup); a caller that stores NULL on failure usually
/// returns at once, and the next call tries again.
fn set_by_call(value: Node) -> bool {
    let mut v = value;
    while matches!(v.kind_str(), "parenthesized_expression" | "cast_expression") {
        match v.field("value").or_else(|| v.named_child(0)) {
            Some(inner) => v = inner,
            None => return false,
        }
    }
    v.kind_str() == "call_expression"
}
