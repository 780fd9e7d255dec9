//! Local structs whose address a call is given, with what their fields may hold
//! there: `struct cmd c = { .id = ID, .flags = flags };` … `send(dev, &c)` tells the
//! callee that `c->flags` is the caller's `flags` and that `c->data` (not named) is 0.
//!
//! Only calls no loop (or backward `goto`) the object outlives can repeat are
//! followed (else the callee may have changed the object the time before), so what
//! runs before such a call comes before it in the source. A field holds its initial
//! value or a value written to it before the call (`c.flags |= F` adds `flags | F`);
//! a plain write that every path to the call runs (not under a branch or loop the
//! call is outside of, no label in between) replaces what came before it. A field
//! the function may change otherwise before the call (a write to an overlapping
//! path, its address taken, the whole object passed to another call) is unknown.
//! Paths overlap here as their names tell (one top-level member may be a union); where
//! that leaves two written paths undecided, the object's `ObjectHistory` goes with the
//! facts, and the whole-program stage computes those fields again with the type read.

use tree_sitter::Node;

use super::FastNode;
use crate::facts::{FieldVal, ObjectArg, ObjectHistory, ObjectWrite, WriteOp};
use crate::values::Val;

/// Most field paths followed per object at a call.
const MAX_PATHS: usize = 16;

/// A field's value as the builder reads an expression.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Src {
    Known(FieldVal),
    Unknown,
}

#[derive(Debug, Clone)]
enum Write {
    Set(Src),
    /// `|= constant`.
    Or(Val),
    Unknown,
}

#[derive(Debug)]
struct Local<'a> {
    name: String,
    /// The declared type as written (`struct cmd`; empty: not known).
    ty: String,
    declared_at: usize,
    init: Vec<(String, Src)>,
    /// (path, what is written, the assignment).
    writes: Vec<(String, Write, Node<'a>)>,
    /// Addresses taken of (parts of) it: (path, byte offset of the `&`).
    escapes: Vec<(String, usize)>,
    /// Declared twice, passed by name, assigned as a whole: not followed.
    lost: bool,
}

#[derive(Debug)]
struct Pending<'a> {
    node: Node<'a>,
    call: u32,
    arg: u8,
    local: usize,
    amp_at: usize,
    call_at: usize,
    in_loop: bool,
}

/// What the CFG builder collects about local objects while it walks a body.
#[derive(Debug, Default)]
pub struct Objects<'a> {
    locals: Vec<Local<'a>>,
    pending: Vec<Pending<'a>>,
    /// Labels and gotos by name, with their byte offsets (a backward goto is a loop).
    labels: Vec<(String, usize)>,
    gotos: Vec<(String, usize)>,
    /// Start offsets of the loops around the walk's position.
    pub(super) loops: Vec<usize>,
}

impl<'a> Objects<'a> {
    fn find(&self, name: &str) -> Option<usize> {
        self.locals.iter().position(|l| l.name == name)
    }

    /// Whether any local is followed.
    pub(super) fn any(&self) -> bool {
        !self.locals.is_empty()
    }

    /// Whether `name` is a followed local.
    pub(super) fn tracks(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    /// `struct T name = { … }` (`ty`: `struct T`, as written) at byte `at`, with the
    /// initializer's entries (`None`: an entry that cannot be read, so the object is
    /// not followed).
    pub(super) fn declare(
        &mut self,
        name: &str,
        ty: &str,
        at: usize,
        init: Option<Vec<(String, Src)>>,
    ) {
        match self.find(name) {
            Some(i) => {
                if self.locals[i].declared_at != at {
                    self.locals[i].lost = true;
                }
            }
            None => self.locals.push(Local {
                name: name.to_string(),
                ty: ty.split_whitespace().collect::<Vec<_>>().join(" "),
                declared_at: at,
                lost: init.is_none(),
                init: init.unwrap_or_default(),
                writes: Vec::new(),
                escapes: Vec::new(),
            }),
        }
    }

    /// A write of `name.path` (`path` empty: the whole object) by `node`.
    pub(super) fn write(
        &mut self,
        node: Node<'a>,
        name: &str,
        path: String,
        op: &str,
        value: Src,
        or: Option<Val>,
    ) {
        let Some(i) = self.find(name) else {
            return;
        };
        let w = match (op, or) {
            ("=", _) if !path.is_empty() => Write::Set(value),
            ("|=", Some(v)) if !path.is_empty() => Write::Or(v),
            _ => Write::Unknown,
        };
        self.locals[i].writes.push((path, w, node));
    }

    /// `&name.path` at byte `at`.
    pub(super) fn escape(&mut self, name: &str, path: String, at: usize) {
        if let Some(i) = self.find(name) {
            self.locals[i].escapes.push((path, at));
        }
    }

    /// `name` itself handed to a call or macro (which may assign it).
    pub(super) fn lose(&mut self, name: &str) {
        if let Some(i) = self.find(name) {
            self.locals[i].lost = true;
        }
    }

    /// Argument `arg` of call `call` (`node`) is `&name`, its `&` at `amp_at`.
    pub(super) fn passed(
        &mut self,
        name: &str,
        call: u32,
        arg: usize,
        amp_at: usize,
        node: Node<'a>,
    ) {
        let call_at = node.start_byte();
        let (Some(local), Ok(arg)) = (self.find(name), u8::try_from(arg)) else {
            return;
        };
        let declared_at = self.locals[local].declared_at;
        let in_loop = self.loops.iter().any(|&start| start > declared_at);
        self.pending.push(Pending {
            node,
            call,
            arg,
            local,
            amp_at,
            call_at,
            in_loop,
        });
    }

    pub(super) fn label(&mut self, name: &str, at: usize) {
        self.labels.push((name.to_string(), at));
    }

    pub(super) fn goto(&mut self, name: &str, at: usize) {
        self.gotos.push((name.to_string(), at));
    }

    /// The facts of every followed call. `reassigned`: parameters (bit set) the body
    /// assigns, whose values say nothing of the caller's.
    pub(super) fn finish(self, reassigned: u64, truncated: bool) -> Vec<ObjectArg> {
        if truncated || self.pending.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for p in &self.pending {
            let l = &self.locals[p.local];
            if l.lost || p.in_loop {
                continue;
            }
            // A backward goto whose label lies between the declaration and the call,
            // and that comes after the call: the call may run again.
            let repeated = self.gotos.iter().any(|(name, g)| {
                *g >= p.call_at
                    && self
                        .labels
                        .iter()
                        .any(|(l2, at)| l2 == name && *at > l.declared_at && *at <= p.call_at)
            });
            if repeated {
                continue;
            }
            // Nothing after the call in the source runs before it.
            let escapes: Vec<&str> = l
                .escapes
                .iter()
                .filter(|(_, at)| *at != p.amp_at && *at < p.call_at)
                .map(|(path, _)| path.as_str())
                .collect();
            if escapes.iter().any(|e| e.is_empty()) {
                continue;
            }
            let writes: Vec<(&str, &Write, bool)> = l
                .writes
                .iter()
                .filter(|(_, _, n)| n.start_byte() < p.call_at)
                .map(|(q, w, n)| (q.as_str(), w, self.runs_before(*n, p.node)))
                .collect();
            let mut paths: Vec<&str> = l
                .init
                .iter()
                .map(|(q, _)| q.as_str())
                .chain(writes.iter().map(|(q, _, _)| *q))
                .chain(escapes.iter().copied())
                .collect();
            paths.sort_unstable();
            paths.dedup();
            if paths.len() > MAX_PATHS {
                continue;
            }
            let history = history(l, &writes, &escapes, reassigned);
            let fields = paths
                .iter()
                .map(|q| {
                    let values = history
                        .values(q, &mut crate::facts::name_overlap)
                        .unwrap_or_default();
                    (Box::from(*q), values)
                })
                .collect();
            // Paths the names cannot tell apart: the type may (a union or not).
            let history = (!history.ty.is_empty() && !history.undecided_members().is_empty())
                .then(|| Box::new(history));
            out.push(ObjectArg {
                call: p.call,
                arg: p.arg,
                fields,
                zero_rest: true,
                stored_by: None,
                history,
            });
        }
        out.sort_by_key(|o| (o.call, o.arg));
        out
    }

    /// Whether every path to `call` runs `write` first: below the innermost node
    /// holding both, which must run its children in sequence, `write` is under no
    /// branch, loop or conditional operand; and no label lies between them.
    fn runs_before(&self, write: Node, call: Node) -> bool {
        let (w, c) = (write.start_byte(), call.start_byte());
        if self.labels.iter().any(|(_, at)| *at > w && *at <= c) {
            return false;
        }
        let mut n = write;
        for _ in 0..64 {
            let Some(parent) = n.parent() else {
                return false;
            };
            let holds_call = parent.start_byte() <= c && call.end_byte() <= parent.end_byte();
            if holds_call {
                return matches!(
                    parent.kind_str(),
                    "compound_statement" | "expression_statement" | "comma_expression"
                );
            }
            if !matches!(
                parent.kind_str(),
                "compound_statement"
                    | "expression_statement"
                    | "comma_expression"
                    | "parenthesized_expression"
            ) {
                return false;
            }
            n = parent;
        }
        false
    }
}

/// What local `l` went through before a call: its initializer, the `writes` before the
/// call (with whether every path runs them) and the `escapes`; values from parameters
/// the body assigns (`reassigned`, bit set) are unknown.
fn history(
    l: &Local,
    writes: &[(&str, &Write, bool)],
    escapes: &[&str],
    reassigned: u64,
) -> ObjectHistory {
    let known = |s: &Src| -> Option<FieldVal> {
        let Src::Known(v) = s else {
            return None;
        };
        let from = match v {
            FieldVal::Param(p) | FieldVal::Derived(p, _) => Some(*p),
            FieldVal::Val(_) | FieldVal::Has(_) => None,
        };
        match from {
            Some(p) if p >= 64 || reassigned & (1 << p) != 0 => None,
            _ => Some(v.clone()),
        }
    };
    ObjectHistory {
        ty: l.ty.as_str().into(),
        init: l
            .init
            .iter()
            .map(|(p, s)| (p.as_str().into(), known(s)))
            .collect(),
        writes: writes
            .iter()
            .map(|&(path, w, sure)| ObjectWrite {
                path: path.into(),
                op: match w {
                    Write::Set(s) => WriteOp::Set(known(s)),
                    Write::Or(v) => WriteOp::Or(v.clone()),
                    Write::Unknown => WriteOp::Unknown,
                },
                sure,
            })
            .collect(),
        escapes: escapes.iter().map(|&e| e.into()).collect(),
    }
}
