//! The statement-level control-flow graph builder: one function body → its CFG
//! nodes, calls, branch assumptions and guards' scopes. It recurses once per nesting
//! level and stops at [`super::extract::MAX_NESTING`]; deeper code is still scanned
//! for calls (in source order, iteratively) but without flow.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use tree_sitter::Node;

use super::FastNode;
use super::extract::{
    MAX_ARG_TEXT, MAX_DECLARED, MAX_NESTING, callback_name, innermost_identifier,
};
use super::objects::Src;
use super::text::{clean_text, contains, has_token, span_of, text};
use crate::facts::{
    Call, CfgNode, ConstArg, DerivedArg, DerivedFrom, ENTRY, EXIT, FieldCallback, FieldVal,
    NodeKind, Param, Returned, Span,
};
use crate::knowledge::{GuardOp, Knowledge};
use crate::values::{Derive, Pred, Val};

mod local_consts;
mod local_fields;
mod once_stores;
mod param_copies;
mod zeroed;
use local_consts::LocalWrite;

/// What `Call::operand_values` holds for a write whose value is not an expression:
/// through a pointer (`kstrtoul(buf, 0, &n)`, `copy_from_user(&n, …)`: a value from
/// outside the function), or an update (`n += k`, `n++`: computed here).
pub const WRITTEN_THROUGH_POINTER: &str = "?";
pub const UPDATED: &str = "??";

/// Something a branch condition tells on each edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Atom {
    /// The value a call in the condition returned (`spin_trylock(&l)`).
    Call(u32),
    /// A test on a parameter: (parameter, index into the builder's `tests`)
    /// (`if (may_sleep)`, `if (mode == FOO_SYNC)`).
    Param(u32, u32),
    /// The value of a simple condition, by its text (`if (sli4)`).
    Cond(u32),
    /// The value a context query returned, read through a local it was stored in
    /// (`not_atomic = !in_atomic();` … `if (not_atomic)`): (call, index into the
    /// builder's `context_locals`).
    LocalCall(u32, u32),
    /// A test on a parameter read through a local initialised from it (`can_wait =
    /// gfp & __GFP_DIRECT_RECLAIM;` … `if (can_wait)`): (parameter, test, index into
    /// the builder's `context_locals`).
    LocalParam(u32, u32, u32),
    /// What the condition says of a local pointer's field (`msg->cmd == A`): an index
    /// into the builder's `local_field_facts`.
    LocalField(u32),
}

/// The conditions under which a branch is taken: (atom, value).
type Facts = Vec<(Atom, bool)>;

/// What a condition tests: a parameter (by position) and, for a field of the object it
/// points to, the field's path (`flags`, `ncmd.s.cmd`).
type Subject = (usize, Option<Box<str>>);
/// The subject "a character of the string the parameter points to" (no field path
/// is spelt so).
const CURSOR: &str = "*";

/// Longest field chain followed (`p->a.b.c.d`).
const MAX_FIELD_DEPTH: usize = 5;

pub(super) struct CfgBuilder<'a> {
    src: &'a [u8],
    original: &'a [u8],
    knowledge: &'a Knowledge,
    gfp_params: Vec<String>,
    pub(super) nodes: Vec<CfgNode>,
    pub(super) calls: Vec<Call>,
    pub(super) scope_parents: Vec<u32>,
    scope: u32,
    labels: HashMap<String, u32>,
    gotos: Vec<(u32, String)>,
    /// (break target, continue target) of enclosing loops/switches; continue is None for switch.
    jumps: Vec<(u32, Option<u32>)>,
    /// Case label nodes are attached to the innermost switch's dispatch node.
    switch_dispatch: Vec<u32>,
    pub(super) truncated: bool,
    /// Maps a call expression's byte range to its index in `calls`, for conditions.
    call_at: HashMap<(usize, usize), u32>,
    /// The function's byte range in `src`.
    body: (usize, usize),
    /// Locals that are a parameter under another name (`struct msg *m = hdr;`, never
    /// assigned again, address never taken): (local, parameter).
    param_aliases: Vec<(String, usize)>,
    /// Locals that walk a parameter's string (`for (cur = fmt; *cur; cur++)`: one
    /// assignment of the parameter, otherwise only `++`): (local, parameter). A
    /// `switch (*cur)` case tests a character of the string ([`Pred::HasChar`]).
    param_cursors: Vec<(String, usize)>,
    /// Locals holding the driver's private struct of a parameter's object (`struct
    /// board_info *db = netdev_priv(dev);`, never assigned again): (local, parameter,
    /// path prefix of the struct's fields seen as the parameter's: `netdev_priv()/`).
    private_aliases: Vec<(String, usize, Box<str>)>,
    /// Locals holding a parameter's object as another type (`struct tcp_sock *tp =
    /// tcp_sk(sk);`, `[same_object]`, never assigned again): (local, parameter). A
    /// write through one, or one given away, may reach any member of the parameter's.
    view_aliases: Vec<(String, usize)>,
    /// Field facts of the caller's own variables at calls (`local_fields`): the
    /// assignments `v->f = CONST`, (node they follow, fact).
    local_field_assigns: Vec<(u32, local_fields::FieldFact)>,
    /// Reused for child iteration (creating a cursor allocates).
    cursor: tree_sitter::TreeCursor<'a>,
    /// `x->complete = foo_done;` and the like, found in expressions.
    pub(super) field_callbacks: Vec<FieldCallback>,
    /// Names of all parameters (flag parameters are tested in conditions).
    param_names: Vec<String>,
    /// Bit set of parameters assigned somewhere in the body.
    reassigned_params: u64,
    /// Parameters pointing to const (first 64): no write through them clobbers
    /// what the function tested of their fields.
    pub(super) read_only_params: u64,
    /// Where they are assigned: (the CFG node the assignment follows, parameter bit);
    /// an assignment in code the CFG does not reach counts everywhere
    /// (`reassigned_anywhere`).
    param_writes: Vec<(u32, u64)>,
    reassigned_anywhere: u64,
    /// For reassigned parameters: the constants assigned, while every assignment is a
    /// plain `= constant` (`if (timeout < 0) sleep_ok = false;`); `None` once one is not.
    reassigned_values: Vec<(usize, Option<Vec<Val>>)>,
    /// Ids of simple branch conditions by text.
    cond_ids: HashMap<String, u32>,
    /// The simple conditions of the enclosing branches, innermost last.
    cond_stack: Vec<Option<(u32, bool)>>,
    /// Declared types of the parameters and of the locals declared so far (name, type
    /// as written with `*` for pointers), read for allocation size operands only.
    declared: Vec<(String, String)>,
    /// Assignments to plain names so far (name, right-hand side; `?` for `+=`, `++`),
    /// read for allocation size operands only.
    assignments: Vec<(String, String)>,
    /// What `AssumeParam` nodes test (`Cfg::tests`).
    pub(super) tests: Vec<Pred>,
    /// `Cfg::conditional`, `Cfg::conditional_calls` (`param_copies`).
    pub(super) conditional_tests: Vec<u32>,
    pub(super) conditional_calls: Vec<u32>,
    /// Constant arguments of the calls (`Function::const_args`).
    pub(super) const_args: Vec<ConstArg>,
    /// Arguments derived from a parameter or a call's result (`Function::derived_args`).
    pub(super) derived_args: Vec<DerivedArg>,
    /// For each enclosing switch: the parameter it switches on and its case values.
    switch_on: Vec<Option<(Subject, Vec<Val>)>>,
    /// Parameters (bit set, first 64) a node may write through, as it is left: a call
    /// passed the pointer (`modify(p)`, `&p->f`), an assignment to `p->f`. Tests of a
    /// parameter's fields and fields passed on are kept only where no such node can
    /// precede them (see `drop_clobbered_field_facts`).
    clobbers: Vec<(u32, u64)>,
    /// Writes into one top-level member of a parameter's object (`p->n = 0`,
    /// `spin_lock(&p->lock)`): (node, parameter, member).
    member_clobbers: Vec<(u32, u8, Box<str>)>,
    /// Stores into a parameter's field paths, for the fields only set
    /// (`once_stores`): (parameter, path, what the store leaves there).
    field_stores: Vec<(u8, Box<str>, once_stores::FieldStore)>,
    /// Field names cleared through any object (`OnceFields::clears`).
    field_clears: Vec<Box<str>>,
    /// The global an enclosing `if (!flag)` block tests as unset, with the count of
    /// undecided conditions its direct calls run under (`once_stores`).
    global_guard: Option<(Box<str>, u32)>,
    /// Calls made directly in such a block: (call, the global).
    global_guarded: Vec<(u32, Box<str>)>,
    /// Stores into globals: (name, whether it sets a non-zero value).
    global_stores: Vec<(Box<str>, bool)>,
    /// Calls given a parameter as it is, to a program function: (node, parameter,
    /// call, argument). What the callee writes is known only to the whole-program
    /// stage (`FunctionValues::soft_passes`).
    soft_clobbers: Vec<(u32, u8, u32, u8)>,
    /// The soft clobbers field facts were kept across (`FunctionValues::soft_passes`).
    pub(super) soft_passes: Vec<(u8, u32, u8)>,
    /// Locals with a brace initializer whose fields are followed (`parse::objects`).
    pub(super) objects: super::objects::Objects<'a>,
    /// How many enclosing branches or loop bodies run under a condition other than a
    /// parameter test (`Call::conditional`).
    uncertain: u32,
    /// Locals given a value other than a known allocation's result or a null pointer
    /// (`data = fw->data;`, `data = helper();`): the family of what they point to is
    /// not an allocator call's alone (`mark_mixed_targets`).
    opaque_stores: Vec<String>,
    /// The next loop built is over a list the code has just asserted empty: its body
    /// is unreachable (`items`).
    loop_never_entered: bool,
    /// Locals initialised from context queries (`bool ok = !in_atomic() &&
    /// !irqs_disabled();`), by name: what the queries returned when the local is true,
    /// and when it is false.
    context_locals: Vec<ContextLocal>,
    /// `Assume` nodes made from a context local: (node, index into `context_locals`).
    context_local_nodes: Vec<(u32, u32)>,
    /// The file's macros that run an argument with a lock released.
    pub(super) brackets: &'a [super::brackets::UnlockBracket],
    /// Keys of the locks taken so far by operations whose lock allocators may drop
    /// (`xa_lock_irq(&ent->mkeys)`), in source order.
    dropped_lock_keys: Vec<String>,
    /// Names written by `SetLocal` nodes, by their condition id, with where each was
    /// declared in the body (`None`: a parameter).
    local_writes: Vec<(u32, String)>,
    /// Declarations of names in the body: (name, start byte of its declarator).
    local_decls: Vec<(String, usize)>,
    /// Names whose writes cannot all be seen: address taken, passed by name to a call
    /// or macro (`get_user(x, p)`), or declared twice.
    escaped_locals: HashSet<String>,
    /// Names whose address is taken or that are declared twice: their values at calls
    /// are not tracked (`local_consts`).
    untracked_locals: HashSet<String>,
    /// What each `SetLocal` node stores: (node, condition id of the name, write).
    local_value_writes: Vec<(u32, u32, LocalWrite)>,
    /// Arguments that are locals, of calls to program functions: (call, argument, name).
    local_args: Vec<(u32, u8, String)>,
    /// Locals passed by name to any call: (call, name).
    by_name_args: Vec<(u32, String)>,
    /// What branch conditions say of local pointers' fields (`local_fields`).
    local_field_facts: Vec<local_fields::FieldFact>,
    /// The nodes where they hold: (node, index into `local_field_facts`).
    local_field_nodes: Vec<(u32, u32)>,
    /// Nodes that may change the object a local points to: (node, name, the one
    /// top-level member written when that is all, `None`: anything). Writes of the
    /// local itself are its `SetLocal` nodes (`local_value_writes`).
    local_pointer_writes: Vec<(u32, String, Option<Box<str>>)>,
    /// Where a local pointer (or one into its object) is stored outside the locals
    /// (`o->owner = m`, `c->scratch = (uintptr_t)m`): from there on, code reaching the
    /// object through that copy may change it (`local_fields`).
    local_escapes: Vec<(u32, String)>,
    /// Nodes writing through something other than a local's own pointer (`p->f = x`
    /// of a parameter or a global, `m->next->f = x`): they may reach an escaped
    /// object.
    foreign_writes: Vec<u32>,
    /// The `return` statements' nodes, with the local each returns (`None`: NULL or
    /// 0, no object); `returns_other`: one returns something else.
    return_nodes: Vec<(u32, Option<String>)>,
    returns_other: bool,
    /// `Cfg::results`: (the `SetLocal` node of `x = call(…)`, the call).
    pub(super) call_results: Vec<(u32, u32)>,
    /// `Cfg::returns`: the `return` nodes whose value is zero or a local.
    pub(super) return_values: Vec<(u32, crate::facts::Returned)>,
    /// What the object the function returns holds (`FunctionValues::returned_stores`),
    /// once `local_field_args` has run.
    pub(super) returned_stores: Vec<(Box<str>, Vec<FieldVal>)>,
    /// Locals copied into another pointer, or written where the CFG cannot place it:
    /// what is known of their objects is not followed.
    copied_locals: HashSet<String>,
    /// Locals copied into another local: (copy, original, the top-level member of the
    /// original's object the copy points into: `info = &req->info`); what writes
    /// through the copy also changes the original's object (that member only).
    local_copies: Vec<(String, String, Option<Box<str>>)>,
    /// Locals passed by name to program functions: (call, argument, name).
    local_pointer_args: Vec<(u32, u8, String)>,
    /// Where a local is assigned a zeroing allocation's result: (its `SetLocal` node,
    /// name) (`zeroed`).
    zeroed_allocs: Vec<(u32, String)>,
    /// Nodes that may change the object a local points to, with the top-level member
    /// written when it is one (`None`: any): (node, name, member).
    member_writes: Vec<(u32, String, Option<Box<str>>)>,
    /// Nodes after which a local's object may be reached under another name: copied
    /// (`q = m`, `o->owner = m`) or given to a call (which may keep or return it)
    /// (`zeroed`; wider than `local_escapes`, which a copy into a local is not).
    handed_on: Vec<(u32, String)>,
    /// Nodes that write through a pointer, whatever it points to (`p->f = …`, `*q = …`).
    pointer_write_nodes: Vec<u32>,
    /// Locals written where the CFG cannot place the write.
    unplaced_locals: HashSet<String>,
}

/// A local that holds the result of context queries.
struct ContextLocal {
    name: String,
    /// Where it is declared: a second declaration of the name makes tests ambiguous.
    declared_at: usize,
    facts: (Facts, Facts),
    /// Written again after its declaration (or its address taken): its tests say
    /// nothing about the queries.
    written: bool,
}

impl<'a> CfgBuilder<'a> {
    pub(super) fn new(
        src: &'a [u8],
        original: &'a [u8],
        knowledge: &'a Knowledge,
        params: &[Param],
        param_names: Vec<String>,
        root: Node<'a>,
    ) -> Self {
        let gfp_params = params
            .iter()
            .filter(|p| p.ty.contains("gfp_t"))
            .map(|p| p.name.clone())
            .collect();
        CfgBuilder {
            src,
            original,
            knowledge,
            gfp_params,
            nodes: Vec::new(),
            calls: Vec::new(),
            scope_parents: vec![0, 0],
            scope: 1,
            labels: HashMap::default(),
            gotos: Vec::new(),
            jumps: Vec::new(),
            switch_dispatch: Vec::new(),
            truncated: false,
            call_at: HashMap::default(),
            body: (root.start_byte(), root.end_byte()),
            param_aliases: Vec::new(),
            param_cursors: Vec::new(),
            private_aliases: Vec::new(),
            view_aliases: Vec::new(),
            local_field_assigns: Vec::new(),
            cursor: root.walk(),
            field_callbacks: Vec::new(),
            param_names,
            reassigned_params: 0,
            read_only_params: 0,
            param_writes: Vec::new(),
            reassigned_anywhere: 0,
            reassigned_values: Vec::new(),
            cond_ids: HashMap::default(),
            cond_stack: Vec::new(),
            declared: Vec::new(),
            assignments: Vec::new(),
            tests: Vec::new(),
            conditional_tests: Vec::new(),
            conditional_calls: Vec::new(),
            const_args: Vec::new(),
            derived_args: Vec::new(),
            switch_on: Vec::new(),
            clobbers: Vec::new(),
            member_clobbers: Vec::new(),
            field_stores: Vec::new(),
            field_clears: Vec::new(),
            global_guard: None,
            global_guarded: Vec::new(),
            global_stores: Vec::new(),
            soft_clobbers: Vec::new(),
            soft_passes: Vec::new(),
            objects: Default::default(),
            uncertain: 0,
            loop_never_entered: false,
            opaque_stores: Vec::new(),
            context_locals: Vec::new(),
            context_local_nodes: Vec::new(),
            brackets: &[],
            dropped_lock_keys: Vec::new(),
            local_writes: Vec::new(),
            local_decls: Vec::new(),
            escaped_locals: HashSet::default(),
            untracked_locals: HashSet::default(),
            local_value_writes: Vec::new(),
            local_args: Vec::new(),
            by_name_args: Vec::new(),
            local_field_facts: Vec::new(),
            local_field_nodes: Vec::new(),
            local_pointer_writes: Vec::new(),
            local_escapes: Vec::new(),
            foreign_writes: Vec::new(),
            return_nodes: Vec::new(),
            returns_other: false,
            call_results: Vec::new(),
            return_values: Vec::new(),
            returned_stores: Vec::new(),
            copied_locals: HashSet::default(),
            local_copies: Vec::new(),
            local_pointer_args: Vec::new(),
            zeroed_allocs: Vec::new(),
            member_writes: Vec::new(),
            handed_on: Vec::new(),
            pointer_write_nodes: Vec::new(),
            unplaced_locals: HashSet::default(),
        }
    }

    /// Records a write of a plain name with its truth value when a constant: a
    /// `SetLocal` node after `cur`, when the name is a parameter or a local of the body.
    /// The right side of a plain `x = value` assignment (not `+=`, `|=`, …).
    /// `bp->ring = ring;` where `ring` holds an earlier allocator call's result in this
    /// function: that allocation is stored into the field too (a fallback allocated
    /// into a local and published after setup).
    fn note_field_store_of_allocation(&mut self, node: Node, left: Option<Node>) {
        let (Some(l), Some(r)) = (
            left.filter(|l| matches!(l.kind_str(), "field_expression" | "subscript_expression")),
            self.plain_assigned(node)
                .filter(|r| r.kind_str() == "identifier"),
        ) else {
            return;
        };
        let local = text(r, self.src);
        let Some(at) = self.calls.iter().rposition(|c| {
            !c.indirect
                && c.assigned_to() == Some(local)
                && self.knowledge.allocator(&c.callee).is_some()
        }) else {
            return;
        };
        let field = clean_text(&self.original[l.byte_range()], 120);
        let Some(ty) = self.field_base_type(&field) else {
            return;
        };
        self.calls[at].push_also_stored_to(field, ty);
    }

    fn plain_assigned<'t>(&self, assignment: Node<'t>) -> Option<Node<'t>> {
        assignment
            .field("operator")
            .is_some_and(|o| text(o, self.src) == "=")
            .then(|| assignment.field("right"))
            .flatten()
    }

    fn set_local(
        &mut self,
        cur: Option<u32>,
        name: Node,
        value: Option<bool>,
        write: LocalWrite,
    ) -> Option<u32> {
        let name = text(name, self.src);
        if cur.is_none() || !self.declared.iter().any(|(n, _)| n == name) || name.len() >= 120 {
            self.copied_locals.insert(name.to_string());
            self.unplaced_locals.insert(name.to_string());
            return cur;
        }
        let next = self.cond_ids.len() as u32;
        let cond = *self.cond_ids.entry(name.to_string()).or_insert(next);
        if !self.local_writes.iter().any(|(c, _)| *c == cond) {
            self.local_writes.push((cond, name.to_string()));
        }
        let node = self.append(cur, NodeKind::SetLocal { cond, value });
        self.local_value_writes.push((node, cond, write));
        Some(node)
    }

    /// Notes that the `SetLocal` node `at` stores `value`, when that is a call's whole
    /// result (`ret = helper(…)`, also in parentheses): `Cfg::results`.
    fn note_call_result(&mut self, at: Option<u32>, value: Node) {
        let mut v = value;
        while v.kind_str() == "parenthesized_expression"
            && let Some(inner) = v.named_child(0)
        {
            v = inner;
        }
        if v.kind_str() != "call_expression" {
            return;
        }
        if let (Some(at), Some(&call)) = (at, self.call_at.get(&(v.start_byte(), v.end_byte())))
            && matches!(self.nodes[at as usize].kind, NodeKind::SetLocal { .. })
        {
            self.call_results.push((at, call));
        }
    }

    /// Notes what the `return` node `at` returns when that is zero or a local of the
    /// body (`Cfg::returns`).
    fn note_return_value(&mut self, at: u32, value: Option<Node>) {
        let mut v = value;
        while let Some(n) =
            v.filter(|n| matches!(n.kind_str(), "parenthesized_expression" | "cast_expression"))
        {
            v = n.field("value").or_else(|| n.named_child(0));
        }
        let Some(v) = v else {
            return;
        };
        let returned = match v.kind_str() {
            "null" | "false" => Returned::Zero,
            "number_literal" if constant_truth(text(v, self.src)) == Some(false) => Returned::Zero,
            "identifier" => {
                let name = text(v, self.src);
                match self.cond_ids.get(name) {
                    Some(&cond) if self.declared.iter().any(|(n, _)| n == name) => {
                        Returned::Local(cond)
                    }
                    _ => return,
                }
            }
            _ => return,
        };
        self.return_values.push((at, returned));
    }

    /// Notes `name = value` when `value` is a zeroing allocation and the write got its
    /// own `SetLocal` node (`before` → `after`).
    fn note_zeroed_allocation(
        &mut self,
        before: Option<u32>,
        after: Option<u32>,
        name: Node,
        value: Node,
    ) {
        if let Some(node) = after.filter(|&a| Some(a) != before)
            && self.zeroing_allocation(value)
        {
            self.zeroed_allocs
                .push((node, text(name, self.src).to_string()));
        }
    }

    /// The names an iterator macro the pre-pass made a `while` is given
    /// (`list_for_each_entry(pos, head, member)`) may be assigned by it, out of sight:
    /// their values and the objects they point to are not followed.
    fn note_iterator_arguments(&mut self, cond: Node) {
        let mut todo = vec![cond];
        while let Some(n) = todo.pop() {
            match n.kind_str() {
                "parenthesized_expression" | "comma_expression" => {
                    let mut cursor = n.walk();
                    todo.extend(n.named_children(&mut cursor));
                }
                "identifier" => {
                    let name = text(n, self.src).to_string();
                    self.escaped_locals.insert(name.clone());
                    self.untracked_locals.insert(name.clone());
                    self.copied_locals.insert(name.clone());
                    self.unplaced_locals.insert(name);
                }
                _ => {}
            }
        }
    }

    /// Notes a declaration of local `name` (a second one makes its tests ambiguous).
    fn declare_local(&mut self, name: Node) {
        let text = text(name, self.src).to_string();
        match self.local_decls.iter().find(|(n, _)| *n == text) {
            Some((_, at)) if *at != name.start_byte() => {
                self.untracked_locals.insert(text.clone());
                self.escaped_locals.insert(text);
            }
            Some(_) => {}
            None => self.local_decls.push((text, name.start_byte())),
        }
    }

    /// `SetLocal` nodes of names with writes the builder cannot see become no-ops:
    /// their tests are then not tracked.
    pub(super) fn drop_escaped_locals(&mut self) {
        if self.local_writes.is_empty() {
            return;
        }
        if self.truncated {
            // Code scanned without flow may write any of them.
            for (_, name) in &self.local_writes {
                self.escaped_locals.insert(name.clone());
            }
        }
        let escaped: Vec<u32> = self
            .local_writes
            .iter()
            .filter(|(_, n)| self.escaped_locals.contains(n))
            .map(|(c, _)| *c)
            .collect();
        if escaped.is_empty() {
            return;
        }
        for node in &mut self.nodes {
            if let NodeKind::SetLocal { cond, .. } = node.kind
                && escaped.contains(&cond)
            {
                node.kind = NodeKind::Nop;
            }
        }
    }

    /// Tests of a context local that is written after its declaration say nothing
    /// about the queries it was initialised from: those `Assume` nodes become no-ops.
    pub(super) fn drop_rewritten_context_locals(&mut self) {
        for &(node, local) in &self.context_local_nodes {
            let l = &self.context_locals[local as usize];
            // Passed by name to a call or macro (`get_user(x, p)`): possibly written.
            if l.written || self.escaped_locals.contains(&l.name) {
                self.nodes[node as usize].kind = NodeKind::Nop;
            }
        }
    }

    /// Records a declaration `name = value` whose value tests context queries or
    /// parameters.
    fn note_context_local(&mut self, name: Node, value: Node) {
        let name_text = text(name, self.src);
        let existing = self.context_locals.iter().position(|l| l.name == name_text);
        if let Some(i) = existing {
            // The same declaration again (a loop) keeps its facts; another one of the
            // same name makes every test of the name ambiguous.
            if self.context_locals[i].declared_at != name.start_byte() {
                self.context_locals[i].written = true;
            }
            return;
        }
        let (t, f) = self.condition_facts(value, 0);
        let queries_only = |facts: Facts| -> Facts {
            facts
                .into_iter()
                .filter(|(a, _)| match a {
                    Atom::Call(c) => self
                        .calls
                        .get(*c as usize)
                        .is_some_and(|c| self.knowledge.sleepable_when(&c.callee).is_some()),
                    // A test of a parameter: the local is that test's value.
                    Atom::Param(..) => true,
                    _ => false,
                })
                .collect()
        };
        let (t, f) = (queries_only(t), queries_only(f));
        if t.is_empty() && f.is_empty() {
            return;
        }
        self.context_locals.push(ContextLocal {
            name: name_text.to_string(),
            declared_at: name.start_byte(),
            facts: (t, f),
            written: false,
        });
    }

    /// Marks a context local as written again (assigned, incremented, address taken).
    fn note_local_write(&mut self, name: Node) {
        let name = text(name, self.src);
        if let Some(l) = self.context_locals.iter_mut().find(|l| l.name == name) {
            l.written = true;
        }
    }

    /// Parameters (bit set, first 64) assigned somewhere in the body.
    pub(super) fn reassigned_params(&self) -> u64 {
        self.reassigned_params
    }

    /// A parameter the body assigns says nothing about the caller's value at a test
    /// or a call that the assignment can precede on some path: those `AssumeParam`
    /// facts become no-ops and those derived arguments are dropped. Tests before every
    /// assignment stay (`if (flags & A) …; … flags &= ~B;` still tests the caller's A).
    pub(super) fn drop_reassigned_param_facts(&mut self) {
        if self.reassigned_params == 0 {
            return;
        }
        let writes = std::mem::take(&mut self.param_writes);
        let before = self.written_before(&writes);
        let everywhere = if self.truncated {
            u64::MAX
        } else {
            self.reassigned_anywhere
        };
        let dirty = |node: usize, p: u32| -> bool {
            p >= 64 || (before[node] | everywhere) & (1 << p) != 0
        };
        let mut call_node = vec![u32::MAX; self.calls.len()];
        for (id, node) in self.nodes.iter().enumerate() {
            if let NodeKind::Call(c) | NodeKind::Guard { call: c, .. } = node.kind {
                call_node[c as usize] = id as u32;
            }
        }
        let reassigned = self.reassigned_params;
        self.derived_args.retain(|d| match d.from {
            DerivedFrom::Param(p) if p < 64 && reassigned & (1 << p) == 0 => true,
            DerivedFrom::Param(p) => {
                let node = call_node[d.call as usize];
                node != u32::MAX && !dirty(node as usize, u32::from(p))
            }
            DerivedFrom::Call(_) => true,
        });
        for id in 0..self.nodes.len() {
            if let NodeKind::AssumeParam { param, test, holds } = self.nodes[id].kind
                && dirty(id, param)
            {
                // Still a fact about the argument when no constant the body assigns
                // could make the test come out this way: the branch is then only
                // taken with the caller's value (`sleep_ok = false` on one path does
                // not make `if (sleep_ok)` reachable for a caller passing `false`).
                let assigned = self
                    .reassigned_values
                    .iter()
                    .find(|(p, _)| *p == param as usize)
                    .and_then(|(_, v)| v.as_ref());
                let only_caller = match (assigned, self.tests.get(test as usize)) {
                    (Some(values), Some(pred)) => values
                        .iter()
                        .all(|v| pred.eval(v).is_some_and(|r| r != holds)),
                    _ => false,
                };
                if !only_caller {
                    self.nodes[id].kind = NodeKind::Nop;
                }
            }
        }
    }

    /// May-analysis over the CFG: for each node, the parameters (bit set) that one of
    /// `writes` (node the write follows, bits) can have written on some path to it.
    /// Nodes no path reaches get nothing; a dataflow that does not settle, everything.
    fn written_before(&self, writes: &[(u32, u64)]) -> Vec<u64> {
        let n = self.nodes.len();
        let mut written_at = vec![0u64; n];
        for &(node, mask) in writes {
            written_at[node as usize] |= mask;
        }
        let mut before: Vec<Option<u64>> = vec![None; n];
        before[ENTRY as usize] = Some(0);
        let mut work: Vec<u32> = vec![ENTRY];
        let mut visits = 0usize;
        while let Some(id) = work.pop() {
            visits += 1;
            if visits > 64 * n + 64 {
                // Not settled (cannot happen on a finite lattice): trust nothing.
                return vec![u64::MAX; n];
            }
            let out = before[id as usize].unwrap_or(0) | written_at[id as usize];
            for &succ in &self.nodes[id as usize].succs {
                let old = before[succ as usize];
                let new = old.unwrap_or(0) | out;
                if old != Some(new) {
                    before[succ as usize] = Some(new);
                    work.push(succ);
                }
            }
        }
        before.into_iter().map(|b| b.unwrap_or(0)).collect()
    }

    pub(super) fn new_node(&mut self, kind: NodeKind) -> u32 {
        self.nodes.push(CfgNode {
            kind,
            succs: Vec::new(),
            scope: self.scope,
            cond: self.cond_stack.last().copied().flatten(),
        });
        (self.nodes.len() - 1) as u32
    }

    pub(super) fn edge(&mut self, from: u32, to: u32) {
        let succs = &mut self.nodes[from as usize].succs;
        if !succs.contains(&to) {
            succs.push(to);
        }
    }

    /// Appends a node after `cur` (if reachable) and returns it.
    fn append(&mut self, cur: Option<u32>, kind: NodeKind) -> u32 {
        let n = self.new_node(kind);
        if let Some(c) = cur {
            self.edge(c, n);
        }
        n
    }

    fn push_scope(&mut self) -> u32 {
        self.scope_parents.push(self.scope);
        self.scope = (self.scope_parents.len() - 1) as u32;
        self.scope
    }

    pub(super) fn resolve_gotos(&mut self) {
        for (from, label) in std::mem::take(&mut self.gotos) {
            // An unknown label (in a region lost to a parse error) ends the path.
            if let Some(&to) = self.labels.get(&label) {
                self.edge(from, to);
            }
        }
    }

    /// Adds the calls inside an expression (post-order: arguments before the call).
    fn expression(&mut self, expr: Node<'a>, mut cur: Option<u32>) -> Option<u32> {
        // (node, children already pushed, assignment target)
        let mut stack: Vec<(Node<'a>, bool, Option<Node<'a>>)> = vec![(expr, false, None)];
        while let Some((node, expanded, target)) = stack.pop() {
            let kind = node.kind_str();
            if kind == "comment" {
                continue;
            }
            if expanded {
                if kind == "call_expression" {
                    let idx = self.record_call(node, target);
                    let kind = match self.calls[idx as usize].guard_class() {
                        Some(_) => NodeKind::Guard {
                            call: idx,
                            scope: self.scope,
                        },
                        None => NodeKind::Call(idx),
                    };
                    let at = self.append(cur, kind);
                    cur = Some(at);
                    self.note_pointers_given(node, at, idx);
                } else if kind == "init_declarator"
                    && let (Some(name), Some(value)) = (
                        node.field("declarator").and_then(declared_name),
                        node.field("value"),
                    )
                {
                    // After the value's calls are recorded: their indices are known.
                    self.note_context_local(name, value);
                    if value.kind_str() == "initializer_list"
                        && node
                            .parent()
                            .and_then(|d| d.field("type"))
                            .is_some_and(|t| {
                                t.kind_str() == "struct_specifier"
                                    && text(t, self.src).trim_start().starts_with("struct")
                            })
                    {
                        let mut init = Vec::new();
                        let ok = self.object_init(value, "", &mut init, 0);
                        let name_text = text(name, self.src).to_string();
                        let ty = self.object_type(&name_text);
                        self.objects.declare(
                            &name_text,
                            &ty,
                            name.start_byte(),
                            ok.then_some(init),
                        );
                    }
                    self.declare_local(name);
                    let write = match LocalWrite::of("=", self.arg_const(value)) {
                        LocalWrite::Unknown => self
                            .param_copy(name, value)
                            .map_or(LocalWrite::Unknown, LocalWrite::Copy),
                        write => write,
                    };
                    let before = cur;
                    cur = self.set_local(cur, name, constant_truth(text(value, self.src)), write);
                    if cur != before {
                        self.note_returned_object(cur, name, value);
                        self.note_call_result(cur, value);
                    }
                    self.note_zeroed_allocation(before, cur, name, value);
                } else if kind == "assignment_expression"
                    && let Some(l) = node.field("left").filter(|l| l.kind_str() == "identifier")
                {
                    let value = self
                        .plain_assigned(node)
                        .and_then(|r| constant_truth(text(r, self.src)));
                    let write = match (node.field("operator"), node.field("right")) {
                        (Some(op), Some(r)) => {
                            match LocalWrite::of(text(op, self.src), self.arg_const(r)) {
                                LocalWrite::Unknown if text(op, self.src) == "=" => self
                                    .param_copy(l, r)
                                    .map_or(LocalWrite::Unknown, LocalWrite::Copy),
                                write => write,
                            }
                        }
                        _ => LocalWrite::Unknown,
                    };
                    if !self.is_local(text(l, self.src)) {
                        self.note_global_store(l, self.plain_assigned(node));
                    }
                    let before = cur;
                    cur = self.set_local(cur, l, value, write);
                    if let Some(r) = self.plain_assigned(node) {
                        if cur != before {
                            self.note_returned_object(cur, l, r);
                            self.note_call_result(cur, r);
                        }
                        self.note_zeroed_allocation(before, cur, l, r);
                    }
                } else if kind == "update_expression"
                    && let Some(arg) = node
                        .field("argument")
                        .filter(|a| a.kind_str() == "identifier")
                {
                    if !self.is_local(text(arg, self.src)) {
                        self.note_global_store(arg, None);
                    }
                    cur = self.set_local(cur, arg, None, LocalWrite::Unknown);
                } else if kind == "assignment_expression"
                    && node
                        .field("left")
                        .is_some_and(|l| l.kind_str() == "field_expression")
                {
                    cur = self.note_field_assignment(cur, node);
                }
                continue;
            }
            stack.push((node, true, target));
            if !self.objects_empty() {
                self.note_object_use(node, kind);
            }
            // A copy of the pointer (`q = p`, `o->owner = p`) may be written through,
            // unless the copy is the parameter under another name.
            let alias = matches!(kind, "init_declarator" | "assignment_expression")
                && self.note_param_alias(node);
            if let Some(c) = cur
                && let Some(value) = match kind {
                    "assignment_expression" => node.field("right"),
                    "init_declarator" => node.field("value"),
                    _ => None,
                }
            {
                // A pointer to one member (`info = &req->info`): later writes through
                // it reach that member only.
                let member = self.address_of_member(value);
                let aliased = self.params_in_pointer(value, true);
                if let Some((p, m)) = member.filter(|_| !alias) {
                    self.note_param_write(c, p, Some(m));
                } else if aliased != 0 && !alias {
                    self.clobbers.push((c, aliased));
                }
                let mut copied = Vec::new();
                self.local_pointers_in(value, &mut copied);
                if !copied.is_empty() {
                    for (var, _) in &copied {
                        self.handed_on.push((c, var.clone()));
                    }
                    self.note_local_copies(node, c, copied);
                }
            }
            if let Some(c) = cur
                && matches!(kind, "assignment_expression" | "update_expression")
                && node
                    .field("left")
                    .or_else(|| node.field("argument"))
                    .is_some_and(|w| w.kind_str() != "identifier")
            {
                self.pointer_write_nodes.push(c);
            }
            if cur.is_some() && kind == "assignment_expression" {
                self.note_field_clear(node);
            }
            if let Some(c) = cur
                && let Some(lvalue) = match kind {
                    "assignment_expression" => node.field("left"),
                    "update_expression" => node.field("argument"),
                    _ => None,
                }
                .filter(|w| w.kind_str() != "identifier")
            {
                match self.local_member(lvalue) {
                    Some((root, member, derefs)) => {
                        if derefs > 1 {
                            self.foreign_writes.push(c);
                        }
                        self.member_writes.push((c, root.clone(), member.clone()));
                        self.local_pointer_writes.push((c, root, member));
                    }
                    None => self.foreign_writes.push(c),
                }
            }
            if let Some(c) = cur
                && let Some((written, member)) = match kind {
                    "assignment_expression" => node.field("left"),
                    "update_expression" => node.field("argument"),
                    _ => None,
                }
                .filter(|w| w.kind_str() != "identifier")
                .and_then(|w| self.param_member(w).map(|pm| (pm, w)))
                .map(|((p, m), w)| {
                    if m.is_some() {
                        self.note_param_field_store(node, w, p);
                    }
                    (p, m)
                })
            {
                self.note_param_write(c, written, member);
            }
            // A macro used as an lvalue (`PAGE_OF(sk) = NULL`) writes whatever the
            // object it names holds: anywhere in the objects of its arguments.
            if let Some(c) = cur
                && let Some(call) = match kind {
                    "assignment_expression" => node.field("left"),
                    "update_expression" => node.field("argument"),
                    _ => None,
                }
                .and_then(|w| self.lvalue_macro(w))
            {
                let mask = self.params_in_text(call);
                if mask != 0 {
                    self.clobbers.push((c, mask));
                }
                let mut locals = Vec::new();
                if let Some(args) = call.field("arguments") {
                    let mut cursor = args.walk();
                    for a in args.named_children(&mut cursor) {
                        self.local_pointers_in(a, &mut locals);
                    }
                }
                for (name, _) in locals {
                    self.member_writes.push((c, name.clone(), None));
                    self.local_pointer_writes.push((c, name, None));
                }
            }

            if kind == "update_expression"
                && let Some(arg) = node
                    .field("argument")
                    .filter(|a| a.kind_str() == "identifier")
            {
                self.note_param_assignment(arg, None, cur);
                self.note_assignment(arg, None, UPDATED);
                self.note_local_write(arg);
            }
            if kind == "pointer_expression"
                && node.child(0).is_some_and(|op| op.kind_str() == "&")
                && let Some(arg) = node
                    .field("argument")
                    .filter(|a| a.kind_str() == "identifier")
            {
                // Written through the pointer (`kstrtoul(buf, 0, &n)`): any value.
                self.note_assignment(arg, None, WRITTEN_THROUGH_POINTER);
                self.note_local_write(arg);
                self.escaped_locals.insert(text(arg, self.src).to_string());
                self.untracked_locals
                    .insert(text(arg, self.src).to_string());
            }
            match kind {
                "call_expression" => {
                    let func = node.field("function");
                    let is_guard = func.is_some_and(|f| self.guard_call_class(f).is_some());
                    // The callee expression is evaluated first (rarely has calls), except
                    // for `guard(class)(...)`, whose inner call is the guard's class.
                    if let Some(args) = node.field("arguments") {
                        // A name passed as it is may be a macro's output (`get_user(x, p)`),
                        // unless the callee only reads it (`likely(x)`, a pure query).
                        let name = func.map(|f| text(f, self.src)).unwrap_or("");
                        let reads_only = matches!(name, "likely" | "unlikely")
                            || self.knowledge.is_pure(name)
                            || self.knowledge.is_same_object(name);
                        self.cursor.reset(args);
                        let args_list: Vec<Node> = args.named_children(&mut self.cursor).collect();
                        for a in args_list {
                            if a.kind_str() == "identifier" && !reads_only {
                                let name = text(a, self.src);
                                self.escaped_locals.insert(name.to_string());
                                self.objects.lose(name);
                            }
                        }
                        stack.push((args, false, None));
                    }
                    if let (Some(f), false) = (func, is_guard)
                        && f.kind_str() != "identifier"
                    {
                        stack.push((f, false, None));
                    }
                }
                "assignment_expression" => {
                    let left = node.field("left");
                    self.field_callback(node, left);
                    self.note_field_store_of_allocation(node, left);
                    if let Some(l) = left.filter(|l| l.kind_str() == "identifier") {
                        let stored = node.field("right").filter(|_| {
                            node.field("operator").map(|o| text(o, self.src)) == Some("=")
                        });
                        self.note_store(l, stored);
                        let rhs = self.plain_assigned(node);
                        let plain = rhs.is_some();
                        let value = rhs.and_then(|r| Val::parse(text(r, self.src)));
                        self.note_param_assignment(l, value, cur);
                        match (plain, node.field("operator"), node.field("right")) {
                            // `n += k` is `n + (k)`: what `k` brings in still counts.
                            (false, Some(op), Some(r)) => {
                                let op = text(op, self.src).trim_end_matches('=');
                                let value = format!(
                                    "{} {op} ({})",
                                    text(l, self.src),
                                    clean_text(&self.original[r.byte_range()], 80)
                                );
                                self.note_assignment_text(l, value);
                            }
                            _ => self.note_assignment(l, rhs, UPDATED),
                        }
                        self.note_local_write(l);
                    }
                    if let Some(r) = node.field("right") {
                        stack.push((r, false, left));
                    }
                    if let Some(l) = left {
                        stack.push((l, false, None));
                    }
                }
                "init_declarator" => {
                    let decl = node.field("declarator");
                    if let Some(d) = decl.filter(|d| d.kind_str() == "identifier") {
                        self.note_assignment(d, node.field("value"), UPDATED);
                        self.note_store(d, node.field("value"));
                    }
                    if let Some(v) = node.field("value") {
                        stack.push((v, false, decl));
                    }
                }
                _ => {
                    // Casts and parentheses pass the assignment target through.
                    let inherited = match kind {
                        "cast_expression" | "parenthesized_expression" => target,
                        _ => None,
                    };
                    let start = stack.len();
                    self.cursor.reset(node);
                    for ch in node.named_children(&mut self.cursor) {
                        stack.push((ch, false, inherited));
                    }
                    stack[start..].reverse();
                }
            }
        }
        cur
    }

    /// Notes a value stored into local `target` (`None`: a compound assignment) that is
    /// not a known allocation's result or a null pointer (`opaque_stores`).
    fn note_store(&mut self, target: Node, value: Option<Node>) {
        let mut v = value;
        while let Some(n) = v {
            match n.kind_str() {
                "parenthesized_expression" => v = n.named_child(0),
                "cast_expression" => v = n.field("value"),
                _ => break,
            }
        }
        let known = v.is_some_and(|n| match n.kind_str() {
            "null" => true,
            "number_literal" => text(n, self.src).trim() == "0",
            "identifier" => text(n, self.src) == "NULL",
            "call_expression" => n.field("function").is_some_and(|f| {
                let callee = text(f, self.src);
                self.knowledge.allocator(callee).is_some()
                    || self.knowledge.memory_family(callee).is_some()
            }),
            _ => false,
        });
        let name = text(target, self.src);
        if !known && !self.opaque_stores.iter().any(|s| s == name) {
            self.opaque_stores.push(name.to_string());
        }
    }

    /// Calls whose result goes into a local that is also given other values
    /// (`Call::target_mixed`).
    pub(super) fn mark_mixed_targets(&mut self) {
        if self.opaque_stores.is_empty() {
            return;
        }
        for call in &mut self.calls {
            if call
                .assigned_to()
                .is_some_and(|t| self.opaque_stores.iter().any(|s| s == t))
            {
                call.set_target_mixed();
            }
        }
    }

    /// Records an assignment to a parameter, made after CFG node `after`, with the
    /// constant assigned if it is one.
    fn note_param_assignment(&mut self, target: Node, value: Option<Val>, after: Option<u32>) {
        let name = text(target, self.src);
        if let Some(k) = self.param_names.iter().position(|p| p == name)
            && k < 64
        {
            self.reassigned_params |= 1 << k;
            match after {
                Some(node) => self.param_writes.push((node, 1 << k)),
                None => self.reassigned_anywhere |= 1 << k,
            }
            match self.reassigned_values.iter_mut().find(|(p, _)| *p == k) {
                Some((_, values)) => match (values.as_mut(), value) {
                    (Some(vs), Some(v)) => vs.push(v),
                    _ => *values = None,
                },
                None => self.reassigned_values.push((k, value.map(|v| vec![v]))),
            }
        }
    }

    /// Records `x->field = fn` when `field` is a known callback field.
    fn field_callback(&mut self, assign: Node, left: Option<Node>) {
        let Some(left) = left.filter(|l| l.kind_str() == "field_expression") else {
            return;
        };
        let Some(field) = left.field("field") else {
            return;
        };
        let field = text(field, self.src);
        if self.knowledge.entry_field(field).is_none() {
            return;
        }
        let Some(function) = assign
            .field("right")
            .and_then(|r| callback_name(r, self.src))
        else {
            return;
        };
        let object = left
            .field("argument")
            .map(|a| clean_text(&self.src[a.byte_range()], 80))
            .unwrap_or_default();
        self.field_callbacks.push(FieldCallback {
            field: field.to_string(),
            function,
            span: span_of(assign),
            object,
        });
    }

    /// For `guard(class)` used as the callee of `guard(class)(args)`: the class.
    fn guard_call_class(&self, func: Node) -> Option<String> {
        if func.kind_str() != "call_expression" {
            return None;
        }
        let inner = func.field("function")?;
        if text(inner, self.src) != "guard" {
            return None;
        }
        let args = func.field("arguments")?;
        let first = args.named_child(0)?;
        Some(text(first, self.src).trim().to_string())
    }

    fn record_call(&mut self, node: Node<'a>, target: Option<Node>) -> u32 {
        let func = node.field("function");
        let args_node = node.field("arguments");
        let mut call = Call {
            span: span_of(node),
            conditional: self.uncertain > 0 || in_conditional_operand(node),
            ..Call::default()
        };
        let mut arg_nodes: Vec<Node> = Vec::new();
        if let Some(a) = args_node {
            let mut c = a.walk();
            arg_nodes = a
                .named_children(&mut c)
                .filter(|n| n.kind_str() != "comment")
                .collect();
        }
        call.arg_count = u16::try_from(arg_nodes.len()).unwrap_or(u16::MAX);
        for (i, a) in arg_nodes.iter().enumerate().take(32) {
            match a.kind_str() {
                "false" | "null" => call.zero_args |= 1 << i,
                "true" => call.nonzero_args |= 1 << i,
                "number_literal" => match text(*a, self.src).trim_end_matches(['u', 'U', 'l', 'L'])
                {
                    "0" | "0x0" => call.zero_args |= 1 << i,
                    _ => call.nonzero_args |= 1 << i,
                },
                "identifier" => {
                    let name = text(*a, self.src);
                    if name == "NULL" {
                        call.zero_args |= 1 << i;
                    } else if let Some(k) = self.param_names.iter().position(|p| p == name) {
                        call.push_param_arg(i, k);
                    }
                }
                _ => {}
            }
        }
        match func {
            Some(f) if f.kind_str() == "identifier" => call.callee = text(f, self.src).into(),
            Some(f) => {
                if let Some(class) = self.guard_call_class(f) {
                    call.callee = "guard".into();
                    call.set_guard_class(class);
                } else {
                    call.callee = clean_text(&self.original[f.byte_range()], 80).into();
                    call.indirect = true;
                }
            }
            None => call.indirect = true,
        }
        // Known values of arguments, for callees that test their parameters (a program
        // function: APIs the knowledge describes are never looked into).
        self.note_local_args(&call, &arg_nodes);
        // `memset(&x, 0, sizeof(x))` of a local struct: from here, as `x = { }`.
        if self.knowledge.fills_object(&call.callee)
            && let [target, fill, ..] = arg_nodes.as_slice()
            && target.kind_str() == "pointer_expression"
            && target.child(0).is_some_and(|op| op.kind_str() == "&")
            && let Some(obj) = target
                .field("argument")
                .filter(|x| x.kind_str() == "identifier")
            && self.is_object_local(text(obj, self.src))
            && self.arg_const(*fill) == Some(Val::Int(0))
        {
            let name = text(obj, self.src);
            let ty = self.object_type(name);
            self.objects
                .declare(name, &ty, target.start_byte(), Some(Vec::new()));
        }
        if !call.indirect && !self.knowledge.describes_api(&call.callee) {
            let idx = self.calls.len() as u32;
            for (i, a) in arg_nodes.iter().enumerate().take(u8::MAX as usize) {
                if a.kind_str() == "pointer_expression"
                    && a.child(0).is_some_and(|op| op.kind_str() == "&")
                    && let Some(obj) = a.field("argument").filter(|x| x.kind_str() == "identifier")
                {
                    let name = text(obj, self.src);
                    if self.objects.tracks(name) {
                        self.objects.passed(name, idx, i, a.start_byte(), node);
                    }
                }
                match self.arg_const(*a) {
                    None | Some(Val::Int(0)) => {}
                    // Known non-zero (an address, a string): the literal bit says it.
                    Some(Val::NonZero) => {
                        if i < 32 {
                            call.nonzero_args |= 1 << i;
                        }
                    }
                    Some(value) => self.const_args.push(ConstArg {
                        call: idx,
                        arg: i as u8,
                        value,
                    }),
                }
                if let Some((from, derive)) = self.derived(*a) {
                    self.derived_args.push(DerivedArg {
                        call: idx,
                        arg: i as u8,
                        from,
                        derive,
                    });
                }
            }
        }
        let original = self.original;
        let arg_text = |a: &Node| clean_text(&original[a.byte_range()], MAX_ARG_TEXT);
        if !call.indirect
            && let Some(b) = self
                .brackets
                .iter()
                .find(|b| b.name == call.callee && b.params.len() == arg_nodes.len())
        {
            let args: Vec<String> = arg_nodes.iter().map(arg_text).collect();
            let lock = crate::context::lockstate::lock_key(&b.lock_at_call(&args));
            call.set_unlocked_run(lock, b.run);
            call.set_args(args);
        } else if self.keeps_args(&call.callee, call.guard_class().is_some(), &arg_nodes) {
            call.set_args(arg_nodes.iter().map(arg_text).collect());
            if self.knowledge.allocator(&call.callee).is_some() {
                // Allocated once per loop iteration: many objects (slab-waste).
                if self.jumps.iter().any(|(_, cont)| cont.is_some()) {
                    call.set_in_loop();
                }
                let types = self.operand_provenance(call.args());
                let values = self
                    .assignments
                    .iter()
                    .filter(|(n, _)| types.iter().any(|(t, _)| t == n))
                    .cloned()
                    .collect();
                let params = types
                    .iter()
                    .filter_map(|(n, _)| {
                        let k = self.param_names.iter().position(|p| p == n)?;
                        Some((n.clone(), u8::try_from(k).ok()?))
                    })
                    .collect();
                call.set_operand_types(types);
                call.set_operand_values(values);
                call.set_operand_params(params);
            }
            // Where the result goes, for calls of known APIs (allocations, frees).
            if let Some(t) = target {
                call.set_assigned_to(match t.kind_str() {
                    "identifier" | "field_expression" | "subscript_expression" => {
                        clean_text(&self.original[t.byte_range()], 120)
                    }
                    _ => innermost_identifier(t, self.src),
                });
                if let Some(ty) = call.assigned_to().and_then(|a| self.field_base_type(a)) {
                    call.set_field_base_type(ty);
                }
            } else if self.knowledge.free_families(&call.callee).is_some()
                && let Some(ty) = call
                    .args()
                    .get(self.knowledge.free_ptr_arg(&call.callee))
                    .and_then(|a| self.field_base_type(a))
            {
                call.set_field_base_type(ty);
            }
            // The struct whose field a DMA handoff passes (`card->buffer`).
            if let Some(ty) = self
                .knowledge
                .dma_buffer_arg(&call.callee)
                .and_then(|i| call.args().get(i))
                .and_then(|a| self.field_base_type(a))
            {
                call.set_dma_buffer_base_type(ty);
            }
        }
        if !call.indirect {
            self.note_dropped_locks(&mut call, &arg_nodes);
        }
        let idx = self.calls.len() as u32;
        self.call_at
            .insert((node.start_byte(), node.end_byte()), idx);
        self.calls.push(call);
        if let Some((g, level)) = &self.global_guard
            && self.uncertain == *level
            && !in_conditional_operand(node)
        {
            self.global_guarded.push((idx, g.clone()));
        }
        self.note_write_once(node);
        idx
    }

    /// Locals passed by name (not parameters): their values at a call to a program
    /// function are arguments (`local_consts`); any call may be a macro writing them.
    fn note_local_args(&mut self, call: &Call, args: &[Node]) {
        let idx = self.calls.len() as u32;
        let program_function = !call.indirect && !self.knowledge.describes_api(&call.callee);
        let reads_only =
            self.knowledge.is_pure(&call.callee) || self.knowledge.is_same_object(&call.callee);
        for (i, a) in args.iter().enumerate().take(u8::MAX as usize) {
            if a.kind_str() != "identifier" {
                continue;
            }
            let name = text(*a, self.src);
            if self.param_names.iter().any(|p| p == name)
                || !self.local_decls.iter().any(|(n, _)| n == name)
            {
                continue;
            }
            if program_function {
                self.local_args.push((idx, i as u8, name.to_string()));
            }
            if !reads_only {
                self.by_name_args.push((idx, name.to_string()));
            }
        }
    }

    /// Locks an allocator drops around its allocation, named through a parameter, and
    /// such locks held (by name) around calls passing their object: see
    /// `Call::lock_through_arg`.
    fn note_dropped_locks(&mut self, call: &mut Call, args: &[Node]) {
        let key_of = |n: &Node| crate::context::lockstate::lock_key(text(*n, self.src));
        if self.knowledge.lock_dropped_by_allocation(&call.callee) {
            if let Some(a) = args.first() {
                let key = key_of(a);
                if !self.dropped_lock_keys.contains(&key) {
                    self.dropped_lock_keys.push(key);
                }
            }
            return;
        }
        // `name` then nothing, `->…` or `.…`.
        let rest_after = |key: &str, name: &str| -> Option<String> {
            let rest = key.strip_prefix(name)?;
            (rest.is_empty() || rest.starts_with("->") || rest.starts_with('.'))
                .then(|| rest.to_string())
        };
        if let Some(arg) = self
            .knowledge
            .allocator(&call.callee)
            .and_then(|a| a.drops_lock_arg)
        {
            let Some(key) = args.get(arg).map(key_of) else {
                return;
            };
            if let Some((p, rest)) = self
                .param_names
                .iter()
                .enumerate()
                .find_map(|(p, name)| Some((p, rest_after(&key, name)?)))
            {
                call.push_lock_through_arg(p, rest);
            }
            return;
        }
        if self.dropped_lock_keys.is_empty() || self.knowledge.describes_api(&call.callee) {
            return;
        }
        for (i, a) in args.iter().enumerate() {
            if a.kind_str() != "identifier" {
                continue;
            }
            let name = text(*a, self.src);
            let held: Vec<String> = self
                .dropped_lock_keys
                .iter()
                .filter(|k| rest_after(k, name).is_some())
                .cloned()
                .collect();
            for key in held {
                call.push_lock_through_arg(i, key);
            }
        }
    }

    /// The declared type of local object `name` when it is a struct or union as such
    /// (`struct cmd`), else empty.
    fn object_type(&self, name: &str) -> String {
        self.declared
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
            .filter(|t| {
                (t.starts_with("struct ") || t.starts_with("union "))
                    && !t.contains(['*', '[', '?'])
            })
            .unwrap_or("")
            .to_string()
    }

    /// Records the names a declaration (or parameter declaration) introduces, with
    /// their declared type: `u32 *p, n;` gives (`p`, `u32 *`) and (`n`, `u32`).
    pub(super) fn note_declaration(&mut self, decl: Node<'a>) {
        if self.declared.len() >= MAX_DECLARED {
            return;
        }
        let Some(ty) = decl.field("type") else {
            return;
        };
        let mut base = clean_text(&self.original[ty.byte_range()], 80);
        // `unsigned int n` parses as a sized type specifier; `const u32` keeps `u32`.
        for q in ["const ", "volatile ", "static "] {
            if let Some(rest) = base.strip_prefix(q) {
                base = rest.to_string();
            }
        }
        self.cursor.reset(decl);
        let declarators: Vec<Node> = decl
            .children_by_field_name("declarator", &mut self.cursor)
            .collect();
        for mut d in declarators {
            let mut ty = base.clone();
            for _ in 0..8 {
                match d.kind_str() {
                    "init_declarator" => {}
                    "pointer_declarator" => ty.push_str(" *"),
                    "array_declarator" => ty.push_str(" []"),
                    "identifier" => break,
                    _ => {
                        ty.push_str(" ?");
                        break;
                    }
                }
                match d.field("declarator") {
                    Some(n) => d = n,
                    None => break,
                }
            }
            if d.kind_str() == "identifier" {
                let name = text(d, self.src).to_string();
                self.declared.retain(|(n, _)| *n != name);
                self.declared.push((name, ty));
            }
        }
    }

    /// Records an assignment to a plain name: its right-hand side, or `?` when it is
    /// not a plain `=` (or there are too many to keep).
    fn note_assignment(&mut self, name: Node, value: Option<Node>, unknown: &str) {
        let rhs = value.map_or_else(
            || unknown.to_string(),
            |v| clean_text(&self.original[v.byte_range()], 80),
        );
        self.note_assignment_text(name, rhs);
    }

    fn note_assignment_text(&mut self, name: Node, value: String) {
        if self.assignments.len() >= 2 * MAX_DECLARED {
            return;
        }
        self.assignments
            .push((text(name, self.src).to_string(), value));
    }

    /// For a field access (`buffer->data`, `(void *)ctx->ring[i].buf`): the declared
    /// type of the variable it starts from, as written without qualifiers and spaces.
    fn field_base_type(&self, access: &str) -> Option<String> {
        let key = crate::lints::alloc::pointer_key(access);
        if !key.contains("->") && !key.contains('.') {
            return None;
        }
        let end = key
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(key.len());
        let base = &key[..end];
        let (_, ty) = self.declared.iter().rev().find(|(n, _)| n == base)?;
        let ty: String = ty
            .replace("const ", "")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        (!ty.contains('?')).then_some(ty)
    }

    /// The declared types of the identifiers the arguments mention, and of those
    /// their values were assigned from, a few assignments back (`w =
    /// mode->hdisplay;` … `kmalloc(w * h)`): where a size factor's values come from.
    fn operand_provenance(&self, args: &[String]) -> Vec<(String, String)> {
        let mut types = self.operand_types(args);
        for _ in 0..3 {
            let sources: Vec<String> = self
                .assignments
                .iter()
                .filter(|(n, _)| types.iter().any(|(t, _)| t == n))
                .map(|(_, v)| v.clone())
                .collect();
            let before = types.len();
            for (n, t) in self.operand_types(&sources) {
                if !types.iter().any(|(m, _)| *m == n) {
                    types.push((n, t));
                }
            }
            if types.len() == before {
                break;
            }
        }
        types
    }

    /// The declared types of the identifiers the arguments mention (innermost
    /// declaration so far), for the overflow lints and `sizeof(*p)`.
    fn operand_types(&self, args: &[String]) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for arg in args {
            for word in arg.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
                if word.is_empty()
                    || word.starts_with(|c: char| c.is_ascii_digit())
                    || out.iter().any(|(n, _)| n == word)
                {
                    continue;
                }
                if let Some((n, t)) = self.declared.iter().rev().find(|(n, _)| n == word) {
                    out.push((n.clone(), t.clone()));
                }
            }
        }
        out
    }

    /// The value of an argument or case label when it is a constant: a literal, a
    /// constant's name (not a parameter), the address of an object, a string.
    fn arg_const(&self, node: Node) -> Option<Val> {
        match node.kind_str() {
            "number_literal" | "true" | "false" | "null" => Val::parse(text(node, self.src)),
            "string_literal" => {
                // Its characters, when none is an escape sequence.
                let t = text(node, self.src);
                let inner = t.strip_prefix('"').and_then(|x| x.strip_suffix('"'));
                Some(match inner {
                    Some(chars) if !chars.contains(['\\', '"']) && chars.len() <= 16 => {
                        Val::Text(chars.into())
                    }
                    _ => Val::Str,
                })
            }
            "concatenated_string" => Some(Val::Str),
            "char_literal" => char_value(text(node, self.src)).map(Val::Int),
            "pointer_expression" if node.child(0).is_some_and(|op| op.kind_str() == "&") => {
                Some(Val::NonZero)
            }
            "identifier" | "unary_expression" | "parenthesized_expression" => {
                let t = text(node, self.src);
                let name = t
                    .trim()
                    .trim_start_matches(['-', '('])
                    .trim_end_matches(')');
                if self.param_names.iter().any(|p| p == name.trim()) {
                    return None;
                }
                Val::parse(t).or_else(|| self.const_expr(node))
            }
            "binary_expression" | "call_expression" | "sizeof_expression" => self.const_expr(node),
            _ => None,
        }
    }

    /// A constant expression by its form (`FOO_A | FOO_B`, `BIT(3)`), kept as text for
    /// the resolver to evaluate where its names are known.
    fn const_expr(&self, node: Node) -> Option<Val> {
        let t = clean_text(&self.src[node.byte_range()], MAX_ARG_TEXT);
        let named = t.bytes().any(|b| b.is_ascii_alphabetic() || b == b'_');
        (named && t.len() < MAX_ARG_TEXT && crate::consteval::is_syntactic_constant(&t))
            .then(|| Val::Expr(t.into()))
    }

    /// For a body that is only `return <derived from a parameter>;` (`return flags &
    /// FOO_NOWAIT;`): the parameter and the derivation.
    pub(super) fn returned(&self, body: Node) -> Option<(u8, Derive)> {
        let mut cursor = body.walk();
        let mut stmts = body
            .named_children(&mut cursor)
            .filter(|c| c.kind_str() != "comment");
        let ret = stmts.next()?;
        if stmts.next().is_some() || ret.kind_str() != "return_statement" {
            return None;
        }
        match self.derived(ret.named_child(0)?)? {
            // A field read by a helper is read when the helper is called, not when
            // its caller was entered.
            (_, Some(Derive::Field(_) | Derive::Within { .. })) => None,
            (DerivedFrom::Param(p), Some(d)) => Some((p, d)),
            _ => None,
        }
    }

    /// An argument computed from one parameter (`wait_ms > 0`, `!nowait`, `flags &
    /// FOO_NOWAIT`, `flags | FOO_NOWAIT`), or the result of a direct call passed on.
    pub(super) fn derived(&self, node: Node) -> Option<(DerivedFrom, Option<Derive>)> {
        let mut n = node;
        while n.kind_str() == "parenthesized_expression" {
            n = n.named_child(0)?;
        }
        let param = |p: usize| u8::try_from(p).ok().map(DerivedFrom::Param);
        match n.kind_str() {
            // The private struct handed on (`helper(db)`).
            "identifier" => {
                let (p, prefix) = self.private_alias(n)?;
                Some((
                    param(p)?,
                    Some(Derive::Within {
                        prefix: prefix.into(),
                        written: Vec::new(),
                        passes: 0,
                    }),
                ))
            }
            "field_expression" => match self.subject_of(n)? {
                (p, Some(path)) => Some((param(p)?, Some(Derive::Field(path)))),
                _ => None,
            },
            "call_expression" => {
                let func = n.field("function")?;
                if func.kind_str() != "identifier" {
                    return None;
                }
                let idx = *self.call_at.get(&(n.start_byte(), n.end_byte()))?;
                // Only a call of a program function handed a parameter or a constant
                // can return something known (most nested calls are neither).
                let inner = &self.calls[idx as usize];
                let fed = (0..u32::from(inner.arg_count).min(32))
                    .any(|a| inner.param_at(a).is_some())
                    || inner.zero_args != 0
                    || inner.nonzero_args != 0
                    || self.const_args.iter().rev().any(|c| c.call == idx);
                // (A macro's name reads as a constant's: it may set bits whatever its
                // arguments, `MAKE_FLAGS(len)`.)
                let fed = fed || crate::values::looks_constant(&inner.callee);
                (fed && !inner.indirect && !self.knowledge.describes_api(&inner.callee))
                    .then_some((DerivedFrom::Call(idx), None))
            }
            "unary_expression" if n.child(0).is_some_and(|op| op.kind_str() == "!") => {
                let p = self.param_of(n.field("argument")?)?;
                Some((param(p)?, Some(Derive::Test(Pred::NonZero, false))))
            }
            "binary_expression" => {
                let op = n.field("operator").map(|o| o.kind_str()).unwrap_or("");
                let (l, r) = (n.field("left")?, n.field("right")?);
                let (p, v, swapped) = match (self.param_of(l), self.param_of(r)) {
                    (Some(p), None) => (p, self.arg_const(r)?, false),
                    (None, Some(p)) => (p, self.arg_const(l)?, true),
                    _ => return None,
                };
                let derive = match op {
                    "&" => Derive::And(v),
                    "|" => Derive::Or(v),
                    _ => {
                        let (pred, holds) = comparison(op, swapped, v)?;
                        Derive::Test(pred, holds)
                    }
                };
                Some((param(p)?, Some(derive)))
            }
            _ => None,
        }
    }

    /// A test on a parameter, recorded for `AssumeParam` nodes: (param, test index).
    fn param_test(&mut self, param: usize, pred: Pred) -> (u32, u32) {
        let idx = match self.tests.iter().position(|p| *p == pred) {
            Some(i) => i,
            None => {
                self.tests.push(pred);
                self.tests.len() - 1
            }
        };
        (param as u32, idx as u32)
    }

    fn objects_empty(&self) -> bool {
        !self.objects.any()
    }

    /// The entries of a struct's brace initializer, by field path (`a.b`); false when
    /// one cannot be read (a positional entry other than a lone `0`, an array index).
    fn object_init(
        &self,
        list: Node,
        prefix: &str,
        out: &mut Vec<(String, Src)>,
        depth: usize,
    ) -> bool {
        if depth > 4 {
            return false;
        }
        let mut cursor = list.walk();
        let entries: Vec<Node> = list
            .named_children(&mut cursor)
            .filter(|c| c.kind_str() != "comment")
            .collect();
        if let [only] = entries.as_slice()
            && only.kind_str() == "number_literal"
            && text(*only, self.src).trim() == "0"
        {
            return true;
        }
        for e in entries {
            if e.kind_str() != "initializer_pair" {
                return false;
            }
            let mut path = prefix.to_string();
            let mut cursor = e.walk();
            for d in e.children_by_field_name("designator", &mut cursor) {
                let Some(f) = (d.kind_str() == "field_designator")
                    .then(|| d.named_child(0))
                    .flatten()
                else {
                    return false;
                };
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(text(f, self.src));
            }
            if path.len() == prefix.len() || out.len() >= 32 {
                return false;
            }
            let Some(value) = e.field("value") else {
                return false;
            };
            if value.kind_str() == "initializer_list" {
                if !self.object_init(value, &path, out, depth + 1) {
                    return false;
                }
                continue;
            }
            let src = self.field_src(value);
            out.push((path, src));
        }
        true
    }

    /// A value stored into a field: a constant, a parameter, or derived from one.
    fn field_src(&self, value: Node) -> Src {
        if let Some(p) = self.param_of(value).filter(|&p| p < 64) {
            return Src::Known(FieldVal::Param(p as u8));
        }
        if let Some(v) = self.arg_const(value) {
            return Src::Known(FieldVal::Val(v));
        }
        match self.derived(value) {
            Some((DerivedFrom::Param(p), Some(d)))
                if !matches!(d, Derive::Field(_) | Derive::Within { .. }) =>
            {
                Src::Known(FieldVal::Derived(p, d))
            }
            _ => Src::Unknown,
        }
    }

    /// A local object named by an lvalue: (name, field path up to the first array
    /// index; whether the path is cut there). `None` for anything through a pointer.
    fn object_path(&self, lvalue: Node) -> Option<(String, String, bool)> {
        let mut fields: Vec<&str> = Vec::new();
        let mut cut = false;
        let mut n = lvalue;
        for _ in 0..8 {
            match n.kind_str() {
                "identifier" => {
                    let name = text(n, self.src);
                    if !self.objects.tracks(name) {
                        return None;
                    }
                    fields.reverse();
                    return Some((name.to_string(), fields.join("."), cut));
                }
                "field_expression" => {
                    if n.child(1).map(|o| o.kind_str()) != Some(".") {
                        return None;
                    }
                    fields.push(text(n.field("field")?, self.src));
                    n = n.field("argument")?;
                }
                "subscript_expression" => {
                    // `x.a[i].b` writes somewhere in `x.a`.
                    fields.clear();
                    cut = true;
                    n = n.field("argument")?;
                }
                "parenthesized_expression" => n = n.named_child(0)?,
                _ => return None,
            }
        }
        None
    }

    /// Writes and addresses of followed local objects in one expression node.
    fn note_object_use(&mut self, node: Node<'a>, kind: &str) {
        match kind {
            "assignment_expression" => {
                let (Some(l), Some(r)) = (node.field("left"), node.field("right")) else {
                    return;
                };
                let Some((name, path, cut)) = self.object_path(l) else {
                    return;
                };
                let op = node
                    .field("operator")
                    .map(|o| text(o, self.src))
                    .unwrap_or("");
                let op = if cut { "?" } else { op };
                let value = if op == "=" {
                    self.field_src(r)
                } else {
                    Src::Unknown
                };
                let or = (op == "|=").then(|| self.arg_const(r)).flatten();
                self.objects.write(node, &name, path, op, value, or);
            }
            "update_expression" => {
                if let Some((name, path, _)) =
                    node.field("argument").and_then(|a| self.object_path(a))
                {
                    self.objects
                        .write(node, &name, path, "?", Src::Unknown, None);
                }
            }
            "pointer_expression" if node.child(0).is_some_and(|op| op.kind_str() == "&") => {
                if let Some((name, path, _)) =
                    node.field("argument").and_then(|a| self.object_path(a))
                {
                    self.objects.escape(&name, path, node.start_byte());
                }
            }
            _ => {}
        }
    }

    /// Notes what a call at `node` (call `idx`) may write through the pointers it is
    /// given. Parameters: one given as it is, to a program function, is the callee's
    /// business (`soft_clobbers`); the address of a member (`&p->lock`) writes that
    /// member only; any other expression carrying the pointer (`(void *)p` to an API,
    /// `p + 1`) writes anything. Locals: see `note_local_pointers_given`. A pure query
    /// writes nothing.
    fn note_pointers_given(&mut self, call: Node<'a>, node: u32, idx: u32) {
        let Some(args) = call.field("arguments") else {
            return;
        };
        let callee = call.field("function");
        let name = callee.map(|f| text(f, self.src)).unwrap_or("");
        if self.knowledge.is_pure(name)
            || self.knowledge.is_private_area(name)
            || self.knowledge.is_same_object(name)
        {
            return;
        }
        let program_function = callee.is_some_and(|f| f.kind_str() == "identifier")
            && !self.knowledge.describes_api(name);
        self.cursor.reset(args);
        let args: Vec<Node> = args.named_children(&mut self.cursor).collect();
        self.note_local_pointers_given(&args, node, idx, program_function, name);
        if self.param_names.is_empty() {
            return;
        }
        for (i, a) in args.into_iter().enumerate() {
            if self.knowledge.reads_only_through(name, i) {
                continue;
            }
            let mut n = a;
            while matches!(n.kind_str(), "parenthesized_expression" | "cast_expression") {
                match n.field("value").or_else(|| n.named_child(0)) {
                    Some(inner) => n = inner,
                    None => break,
                }
            }
            if let Some(p) = self.param_of(n).filter(|&p| p < 64) {
                if program_function && i < u8::MAX as usize {
                    self.soft_clobbers.push((node, p as u8, idx, i as u8));
                } else {
                    self.clobbers.push((node, 1 << p));
                }
                continue;
            }
            // The private struct given as it is: its fields are the callee's
            // parameter's own (`PRIVATE_PASS`).
            if let Some((p, _)) = self.private_alias(n).filter(|&(p, _)| p < 64) {
                if program_function && i < u8::MAX as usize {
                    self.soft_clobbers.push((
                        node,
                        p as u8 | crate::facts::PRIVATE_PASS,
                        idx,
                        i as u8,
                    ));
                } else {
                    self.clobbers.push((node, 1 << p));
                }
                continue;
            }
            // The object as another type (`tp`, `tcp_sk(sk)`): what the callee writes
            // through it may be any member (`VIEW_PASS`).
            if let Some(p) = self
                .view_alias(n)
                .or_else(|| self.same_object_arg(n).and_then(|arg| self.param_of(arg)))
                .filter(|&p| p < 64)
            {
                if program_function && i < u8::MAX as usize {
                    self.soft_clobbers.push((
                        node,
                        p as u8 | crate::facts::VIEW_PASS,
                        idx,
                        i as u8,
                    ));
                } else {
                    self.clobbers.push((node, 1 << p));
                }
                continue;
            }
            if n.kind_str() == "pointer_expression"
                && n.child(0).is_some_and(|op| op.kind_str() == "&")
                && let Some((p, member)) = n.field("argument").and_then(|t| self.param_member(t))
            {
                self.note_param_write(node, p, member);
                continue;
            }
            // A pointer computed from the parameter (`p + 1`, what a call given it
            // returns): a program function that writes nothing through its argument
            // leaves the object alone; any write it makes may be anywhere in it.
            let mask = self.params_in_pointer(a, false);
            if mask != 0 && program_function && i < u8::MAX as usize {
                for p in (0..64u8).filter(|p| mask & (1 << p) != 0) {
                    self.soft_clobbers
                        .push((node, p | crate::facts::VIEW_PASS, idx, i as u8));
                }
            } else if mask != 0 {
                self.clobbers.push((node, mask));
            }
        }
    }

    /// `&p->member…` (through casts and parentheses) of a parameter (or its private
    /// struct): the parameter and the top-level member.
    fn address_of_member(&self, value: Node) -> Option<(usize, Box<str>)> {
        let mut n = value;
        while matches!(n.kind_str(), "parenthesized_expression" | "cast_expression") {
            n = n.field("value").or_else(|| n.named_child(0))?;
        }
        if n.kind_str() != "pointer_expression" || n.child(0)?.kind_str() != "&" {
            return None;
        }
        match self.param_member(n.field("argument")?)? {
            (p, Some(m)) => Some((p, m)),
            _ => None,
        }
    }

    /// A write at `node` through parameter `p`: into one member, or anywhere.
    fn note_param_write(&mut self, node: u32, p: usize, member: Option<Box<str>>) {
        match member {
            Some(m) => self.member_clobbers.push((node, p as u8, m)),
            None => self.clobbers.push((node, 1 << p)),
        }
    }

    /// The parameter an lvalue writes through, and the top-level member it writes when
    /// that is all it can reach (`p->stats.n`, `p->buf[i]`: `stats`, `buf`; `*p`,
    /// `p[2]`: anything).
    fn param_member(&self, lvalue: Node) -> Option<(usize, Option<Box<str>>)> {
        let mut n = lvalue;
        // The member of the last arrow seen on the way down, while it is the
        // parameter's own arrow.
        let mut member: Option<Box<str>> = None;
        for _ in 0..16 {
            match n.kind_str() {
                "identifier" => {
                    if let Some((p, prefix)) = self.private_alias(n) {
                        // A write of the whole struct (`*db = x`) may reach any field.
                        return (p < 64)
                            .then(|| (p, member.map(|m| format!("{prefix}{m}").into())));
                    }
                    // Through another type of the object: its members have other names.
                    if let Some(p) = self.view_alias(n) {
                        return (p < 64).then_some((p, None));
                    }
                    return self.param_of(n).filter(|&p| p < 64).map(|p| (p, member));
                }
                "call_expression" => {
                    member = None;
                    n = self.same_object_arg(n)?;
                }
                "field_expression" => {
                    let arrow = n.child(1).is_some_and(|o| o.kind_str() == "->");
                    let inner = n.field("argument")?;
                    member = match (arrow, inner.kind_str()) {
                        (true, "identifier") => n.field("field").map(|f| text(f, self.src).into()),
                        // `p->a->b = x` writes into what `p->a` points to; `p->a.b`
                        // is member `a` either way.
                        _ => member,
                    };
                    n = inner;
                }
                "subscript_expression" | "pointer_expression" => {
                    member = None;
                    n = n.field("argument")?;
                }
                "parenthesized_expression" | "cast_expression" => {
                    n = n.field("value").or_else(|| n.named_child(0))?;
                }
                _ => return None,
            }
        }
        None
    }

    /// Parameters (bit set, first 64) whose pointer value an expression may carry:
    /// the parameter itself (`p`, `(void *)p`), an address inside its object
    /// (`&p->f`, `p + 1`); not a field's value (`p->len`), nor a constant. A stored
    /// value (`stored`, the right side of an assignment) is also no pointer when it is
    /// a comparison or a call's result (the call's arguments count at the call).
    fn params_in_pointer(&self, value: Node, stored: bool) -> u64 {
        self.params_in_pointer_at(value, stored, 0)
    }

    fn params_in_pointer_at(&self, value: Node, stored: bool, depth: u32) -> u64 {
        /// Nested calls and operators followed before the text decides.
        const MAX_DEPTH: u32 = 8;
        if self.param_names.is_empty() {
            return 0;
        }
        let mut n = value;
        loop {
            match n.kind_str() {
                "parenthesized_expression" | "cast_expression" => {
                    match n.field("value").or_else(|| n.named_child(0)) {
                        Some(inner) => n = inner,
                        None => break,
                    }
                }
                // `tcp_sk(sk)` is `sk` as another type.
                "call_expression" => match self.same_object_arg(n) {
                    Some(arg) => n = arg,
                    None => break,
                },
                _ => break,
            }
        }
        if depth > MAX_DEPTH {
            return self.params_in_text(n);
        }
        match n.kind_str() {
            "identifier" => self
                .param_of(n)
                .or_else(|| self.private_alias(n).map(|(p, _)| p))
                .or_else(|| self.view_alias(n))
                .filter(|&p| p < 64)
                .map_or(0, |p| 1 << p),
            "field_expression" | "number_literal" | "string_literal" | "char_literal" | "true"
            | "false" | "null" | "sizeof_expression" => 0,
            "call_expression" if stored => 0,
            // A call's result carries only what it was given (`f(p->state)` returns
            // no pointer into `p`'s object; `f(p)` may return `p`).
            "call_expression" => {
                let Some(args) = n.field("arguments") else {
                    return self.params_in_text(n);
                };
                let mut cursor = args.walk();
                let args: Vec<Node> = args.named_children(&mut cursor).collect();
                args.into_iter().fold(0, |m, a| {
                    m | self.params_in_pointer_at(a, stored, depth + 1)
                })
            }
            // Pointer arithmetic carries its pointer operand (`p + 1`, `(long)p & ~3`),
            // not a field read (`p->base + off`, `p->count * 8`): the operands, walked
            // with a bounded worklist (a long sum is a deep tree).
            "binary_expression"
                if n.field("operator")
                    .is_some_and(|o| arithmetic(o.kind_str())) =>
            {
                const MAX_OPERANDS: usize = 16;
                let mut mask = 0u64;
                let mut todo = vec![n];
                let mut seen = 0;
                while let Some(mut x) = todo.pop() {
                    seen += 1;
                    if seen > MAX_OPERANDS {
                        return self.params_in_text(n);
                    }
                    while matches!(x.kind_str(), "parenthesized_expression" | "cast_expression") {
                        match x.field("value").or_else(|| x.named_child(0)) {
                            Some(inner) => x = inner,
                            None => break,
                        }
                    }
                    let sum = x.kind_str() == "binary_expression"
                        && x.field("operator")
                            .is_some_and(|o| arithmetic(o.kind_str()));
                    match (sum, x.field("left"), x.field("right")) {
                        (true, Some(l), Some(r)) => {
                            todo.push(l);
                            todo.push(r);
                        }
                        (true, ..) => return self.params_in_text(n),
                        _ => mask |= self.params_in_pointer_at(x, stored, depth + 1),
                    }
                }
                mask
            }
            // Not arithmetic (a comparison, `&&`): the operands, which may still be the
            // pointer; a field read in one is a value.
            "binary_expression" if !stored => {
                let (Some(l), Some(r)) = (n.field("left"), n.field("right")) else {
                    return self.params_in_text(n);
                };
                self.params_in_pointer_at(l, stored, depth + 1)
                    | self.params_in_pointer_at(r, stored, depth + 1)
            }
            "unary_expression" if !stored => match n.field("argument") {
                Some(a) => self.params_in_pointer_at(a, stored, depth + 1),
                None => self.params_in_text(n),
            },
            "binary_expression"
                if stored
                    && matches!(
                        n.field("operator").map(|o| o.kind_str()),
                        Some("==" | "!=" | "<" | ">" | "<=" | ">=" | "&&" | "||")
                    ) =>
            {
                0
            }
            _ => self.params_in_text(n),
        }
    }

    /// The parameters (and private structs' parameters) an expression's text names.
    fn params_in_text(&self, n: Node) -> u64 {
        let t = &self.src[n.byte_range()];
        let mut mask = 0u64;
        for (p, name) in self.param_names.iter().enumerate().take(64) {
            if !name.is_empty() && has_token(t, name.as_bytes()) {
                mask |= 1 << p;
            }
        }
        for (name, p, _) in &self.private_aliases {
            if *p < 64 && has_token(t, name.as_bytes()) {
                mask |= 1 << p;
            }
        }
        mask
    }

    /// Tests of a parameter's fields, and fields passed on (`helper(cfg->mx)`), say
    /// something of the object as the caller handed it over only where nothing can have
    /// written it yet: those a write through the parameter (or a call given it) may
    /// precede, on some path, are dropped.
    pub(super) fn drop_clobbered_field_facts(&mut self) {
        let field_test = |t: &Pred| matches!(t, Pred::Field(..));
        let field_arg =
            |d: &DerivedArg| matches!(d.derive, Some(Derive::Field(_) | Derive::Within { .. }));
        let has_tests = self.nodes.iter().any(|n| {
            matches!(n.kind, NodeKind::AssumeParam { test, .. }
                if self.tests.get(test as usize).is_some_and(field_test))
        });
        if !has_tests && !self.derived_args.iter().any(field_arg) {
            return;
        }
        let read_only = self.read_only_params;
        let masked = |v: Vec<(u32, u64)>| -> Vec<(u32, u64)> {
            v.into_iter()
                .map(|(node, mask)| (node, mask & !read_only))
                .collect()
        };
        // Writes into one member, for the members the facts read (a few; writes into
        // further ones count as writing anything); writes into other members cannot
        // change a fact.
        const MAX_MEMBERS: usize = 8;
        let top = |path: &str| path.split('.').next().unwrap_or(path).to_string();
        let mut read: Vec<String> = Vec::new();
        for t in &self.tests {
            if let Pred::Field(path, _) = t {
                read.push(top(path));
            }
        }
        for d in &self.derived_args {
            if let Some(Derive::Field(path)) = &d.derive {
                read.push(top(path));
            }
        }
        read.sort();
        read.dedup();
        // (member, the writes into it: node and parameter bit)
        type MemberWrites = (Box<str>, Vec<(u32, u64)>);
        let mut members: Vec<MemberWrites> = Vec::new();
        let mut overflow: Vec<(u32, u64)> = Vec::new();
        for (node, p, m) in &self.member_clobbers {
            if read.binary_search_by(|r| r.as_str().cmp(m)).is_err() {
                continue;
            }
            match members.iter().position(|(x, _)| x == m) {
                Some(i) => members[i].1.push((*node, 1 << p)),
                None if members.len() < MAX_MEMBERS => {
                    members.push((m.clone(), vec![(*node, 1 << p)]))
                }
                None => overflow.push((*node, 1 << p)),
            }
        }
        let overflow_before = if overflow.is_empty() {
            vec![0; self.nodes.len()]
        } else {
            self.written_before(&masked(overflow))
        };
        let member_before: Vec<(Box<str>, Vec<u64>)> = members
            .into_iter()
            .map(|(m, v)| (m, self.written_before(&masked(v))))
            .collect();
        // Calls given a parameter as it is, each with its own bit (the first 64; any
        // further one writes anything).
        let mut hard = masked(self.clobbers.clone());
        for &(node, p, _, _) in self.soft_clobbers.iter().skip(64) {
            hard.push((node, param_bit(p) & !read_only));
        }
        let before = self.written_before(&hard);
        let soft: Vec<(u32, u64)> = self
            .soft_clobbers
            .iter()
            .take(64)
            .enumerate()
            .filter(|(_, (_, p, _, _))| read_only & param_bit(*p) == 0)
            .map(|(k, &(node, _, _, _))| (node, 1u64 << k))
            .collect();
        let soft_before = if soft.is_empty() {
            vec![0; self.nodes.len()]
        } else {
            self.written_before(&soft)
        };
        // The soft clobbers of each parameter (bit set by their index).
        let mut soft_by_param = [0u64; 64];
        for (k, &(_, p, _, _)) in self.soft_clobbers.iter().take(64).enumerate() {
            soft_by_param[crate::facts::pass_param(p) as usize] |= 1 << k;
        }
        let soft_of = |p: u32| soft_by_param[p as usize];
        let all = if self.truncated { u64::MAX } else { 0 };
        // Whether a write may precede `node` that reaches field `path` of parameter `p`
        // (`Some(0)`: certainly, through the function's own code; `Some(passes)`: only
        // through the program functions given the parameter at these soft clobbers;
        // `None`: no write).
        let dirty = |node: usize, p: u32, path: &str| -> Option<u64> {
            if p >= 64 {
                return Some(0);
            }
            let bit = 1u64 << p;
            let top = path.split('.').next().unwrap_or(path);
            let member = member_before
                .iter()
                .find(|(m, _)| **m == *top)
                .is_some_and(|(_, b)| b[node] & bit != 0);
            let passes = soft_before[node] & soft_of(p);
            if member || (before[node] | overflow_before[node] | all) & bit != 0 {
                Some(0)
            } else if passes != 0 {
                Some(passes)
            } else {
                None
            }
        };
        let mut call_node = vec![u32::MAX; self.calls.len()];
        let mut marked: Vec<(usize, u32, Pred)> = Vec::new();
        for (id, node) in self.nodes.iter_mut().enumerate() {
            match node.kind {
                NodeKind::Call(c) | NodeKind::Guard { call: c, .. } => {
                    call_node[c as usize] = id as u32;
                }
                NodeKind::AssumeParam { param, test, .. } => {
                    let Some(Pred::Field(path, inner)) = self.tests.get(test as usize) else {
                        continue;
                    };
                    match dirty(id, param, path) {
                        Some(0) => node.kind = NodeKind::Nop,
                        Some(passes) => marked.push((
                            id,
                            param,
                            Pred::Field(crate::facts::unwritten_path(path, passes), inner.clone()),
                        )),
                        None => {}
                    }
                }
                _ => {}
            }
        }
        let mut any_marked = !marked.is_empty();
        for (id, param, pred) in marked {
            let (_, test) = self.param_test(param as usize, pred);
            if let NodeKind::AssumeParam { test: t, .. } = &mut self.nodes[id].kind {
                *t = test;
            }
        }
        // Private structs handed on (`helper(db)`): the members of theirs written
        // before each such call (a few; more and the argument says nothing).
        const MAX_PRIVATE_MEMBERS: usize = 16;
        let mut private_members: Vec<MemberWrites> = Vec::new();
        let mut private_overflow = false;
        if self
            .derived_args
            .iter()
            .any(|d| matches!(d.derive, Some(Derive::Within { .. })))
        {
            for (node, p, m) in &self.member_clobbers {
                if !m.contains(crate::facts::PRIVATE_MARK) {
                    continue;
                }
                match private_members.iter().position(|(x, _)| x == m) {
                    Some(i) => private_members[i].1.push((*node, 1 << p)),
                    None if private_members.len() < MAX_PRIVATE_MEMBERS => {
                        private_members.push((m.clone(), vec![(*node, 1 << p)]))
                    }
                    None => private_overflow = true,
                }
            }
        }
        let private_before: Vec<(Box<str>, Vec<u64>)> = private_members
            .into_iter()
            .map(|(m, v)| (m, self.written_before(&masked(v))))
            .collect();
        let mut derived = std::mem::take(&mut self.derived_args);
        derived.retain_mut(|d| match (&d.derive, &d.from) {
            (Some(Derive::Within { prefix, .. }), DerivedFrom::Param(p)) => {
                let node = call_node[d.call as usize];
                let bit = 1u64 << p;
                if node == u32::MAX
                    || private_overflow
                    || *p >= 64
                    || (before[node as usize] | all) & bit != 0
                {
                    return false;
                }
                let written = private_before
                    .iter()
                    .filter(|(m, b)| m.starts_with(&**prefix) && b[node as usize] & bit != 0)
                    .map(|(m, _)| m.clone())
                    .collect();
                let passes = soft_before[node as usize] & soft_of(u32::from(*p));
                any_marked |= passes != 0;
                d.derive = Some(Derive::Within {
                    prefix: prefix.clone(),
                    written,
                    passes,
                });
                true
            }
            (Some(Derive::Field(path)), DerivedFrom::Param(p)) => {
                let node = call_node[d.call as usize];
                if node == u32::MAX {
                    return false;
                }
                match dirty(node as usize, u32::from(*p), path) {
                    Some(0) => false,
                    Some(passes) => {
                        any_marked = true;
                        d.derive = Some(Derive::Field(crate::facts::unwritten_path(path, passes)));
                        true
                    }
                    None => true,
                }
            }
            _ => true,
        });
        self.derived_args = derived;
        if any_marked {
            self.keep_soft_passes();
        }
    }

    /// Keeps the calls marked facts name (`FunctionValues::soft_passes`: the first 64
    /// soft clobbers, whose bits the marks use).
    pub(super) fn keep_soft_passes(&mut self) {
        if self.soft_passes.is_empty() {
            self.soft_passes = self
                .soft_clobbers
                .iter()
                .take(64)
                .map(|&(_, p, call, arg)| (p, call, arg))
                .collect();
        }
    }

    /// What the function may write through its parameters itself, for its callers
    /// (`Function::writes`).
    pub(super) fn param_writes(&self) -> crate::facts::ParamWrites {
        let ro = self.read_only_params;
        let mut any = self.clobbers.iter().fold(0, |m, (_, w)| m | w) | self.reassigned_params;
        if self.truncated {
            any = u64::MAX;
        }
        let passed = self
            .soft_clobbers
            .iter()
            .fold(0u64, |m, (_, p, _, _)| m | param_bit(*p));
        // The calls themselves, for callers that follow them (a few; with more, the
        // parameter counts as written anywhere).
        const MAX_PASSES: usize = 32;
        if self.soft_clobbers.len() > MAX_PASSES {
            any |= self.soft_clobbers[MAX_PASSES..]
                .iter()
                .fold(0u64, |m, (_, p, _, _)| m | param_bit(*p));
        }
        let passes: Vec<(u8, u32, u8)> = self
            .soft_clobbers
            .iter()
            .take(MAX_PASSES)
            .filter(|(_, p, _, _)| (ro | any) & param_bit(*p) == 0)
            .map(|&(_, p, call, arg)| (p, call, arg))
            .collect();
        let mut members: Vec<(u8, Box<str>)> = self
            .member_clobbers
            .iter()
            .filter(|(_, p, _)| (ro | any) & (1 << p) == 0)
            .map(|(_, p, m)| (*p, m.clone()))
            .collect();
        members.sort();
        members.dedup();
        crate::facts::ParamWrites {
            any: any & !ro,
            passed: passed & !ro,
            members: members.into(),
            passes: passes.into(),
            once: crate::facts::OnceFields::boxed(
                self.once_sets(),
                self.field_clears(),
                self.global_once(),
            ),
        }
    }

    /// A test of a subject: of the parameter, or of its field.
    fn subject_test(&mut self, subject: &Subject, pred: Pred) -> (u32, u32) {
        match &subject.1 {
            None => self.param_test(subject.0, pred),
            // A character of the string a cursor walks (`cursor_of`).
            Some(path) if &**path == CURSOR => {
                let pred = match pred {
                    Pred::Eq(Val::Int(c)) => Pred::HasChar(c),
                    // (Only `case` values, which are characters here, are tested.)
                    other => Pred::Field(path.clone(), Box::new(other)),
                };
                self.param_test(subject.0, pred)
            }
            Some(path) => self.param_test(subject.0, Pred::Field(path.clone(), Box::new(pred))),
        }
    }

    /// What an expression tests: a parameter by name, or a field of the object a
    /// pointer parameter points to (`p->flags`, `p->ncmd.s.cmd`: one arrow, then dots).
    fn subject_of(&self, node: Node) -> Option<Subject> {
        let mut n = node;
        while n.kind_str() == "parenthesized_expression" {
            n = n.named_child(0)?;
        }
        if n.kind_str() != "field_expression" {
            return self.param_of(n).map(|p| (p, None));
        }
        let mut fields: Vec<&str> = Vec::new();
        for _ in 0..MAX_FIELD_DEPTH {
            if n.kind_str() != "field_expression" {
                break;
            }
            let op = n.child(1).map(|o| o.kind_str()).unwrap_or("");
            let field = n.field("field")?;
            fields.push(text(field, self.src));
            let inner = n.field("argument")?;
            match (op, inner.kind_str()) {
                ("->", "identifier") => {
                    let (p, prefix) = match self.param_of(inner) {
                        Some(p) => (p, ""),
                        None => {
                            let (p, prefix) = self.private_alias(inner)?;
                            (p, prefix)
                        }
                    };
                    if p >= 64 {
                        return None;
                    }
                    fields.reverse();
                    let path = format!("{prefix}{}", fields.join("."));
                    return (path.len() < 80).then(|| (p, Some(path.into_boxed_str())));
                }
                (".", "field_expression") => n = inner,
                _ => return None,
            }
        }
        None
    }

    /// `*cur` of a local cursor over a parameter's string (`param_cursors`), as the
    /// subject [`CURSOR`] of that parameter.
    fn cursor_of(&self, node: Node) -> Option<Subject> {
        let mut n = node;
        while n.kind_str() == "parenthesized_expression" {
            n = n.named_child(0)?;
        }
        if n.kind_str() != "pointer_expression" || n.child(0)?.kind_str() != "*" {
            return None;
        }
        let arg = n
            .field("argument")
            .filter(|a| a.kind_str() == "identifier")?;
        let name = text(arg, self.src);
        self.param_cursors
            .iter()
            .find(|(c, _)| c == name)
            .map(|&(_, p)| (p, Some(CURSOR.into())))
    }

    /// The parameter an expression is, if it is one by name.
    fn param_of(&self, node: Node) -> Option<usize> {
        let mut n = node;
        while n.kind_str() == "parenthesized_expression" {
            n = n.named_child(0)?;
        }
        if n.kind_str() != "identifier" {
            return None;
        }
        let name = text(n, self.src);
        self.param_names.iter().position(|p| p == name).or_else(|| {
            self.param_aliases
                .iter()
                .find(|(a, _)| a == name)
                .map(|&(_, p)| p)
        })
    }

    /// The call an lvalue is written through when it is not a view of an object
    /// (`PAGE_OF(sk) = x`, `MACRO(p)->f = x`): a macro whose expansion is the object
    /// written.
    fn lvalue_macro<'t>(&self, lvalue: Node<'t>) -> Option<Node<'t>> {
        let mut n = lvalue;
        for _ in 0..16 {
            match n.kind_str() {
                "field_expression" | "subscript_expression" | "pointer_expression" => {
                    n = n.field("argument")?;
                }
                "parenthesized_expression" | "cast_expression" => {
                    n = n.field("value").or_else(|| n.named_child(0))?;
                }
                "call_expression" => {
                    return match self.same_object_arg(n) {
                        Some(arg) => {
                            n = arg;
                            continue;
                        }
                        None => Some(n),
                    };
                }
                _ => return None,
            }
        }
        None
    }

    /// The argument of a call that returns it as another type of the same object
    /// (`tcp_sk(sk)`: `sk`; `[same_object]`).
    pub(super) fn same_object_arg<'t>(&self, call: Node<'t>) -> Option<Node<'t>> {
        if call.kind_str() != "call_expression" {
            return None;
        }
        let func = call
            .field("function")
            .filter(|f| f.kind_str() == "identifier")?;
        if !self.knowledge.is_same_object(text(func, self.src)) {
            return None;
        }
        let args = call.field("arguments")?;
        match (args.named_child(0), args.named_child(1)) {
            (Some(arg), None) => Some(arg),
            _ => None,
        }
    }

    /// The parameter whose object a local holds as another type (`tp` after `tp =
    /// tcp_sk(sk)`).
    pub(super) fn view_alias(&self, node: Node) -> Option<usize> {
        if node.kind_str() != "identifier" {
            return None;
        }
        let name = text(node, self.src);
        self.view_aliases
            .iter()
            .find(|(a, _)| a == name)
            .map(|&(_, p)| p)
    }

    /// The parameter whose object's private struct a local holds (`db` after `db =
    /// netdev_priv(dev)`), and the prefix its fields take as the parameter's.
    pub(super) fn private_alias(&self, node: Node) -> Option<(usize, &str)> {
        if node.kind_str() != "identifier" {
            return None;
        }
        let name = text(node, self.src);
        self.private_aliases
            .iter()
            .find(|(a, _, _)| a == name)
            .map(|(_, p, prefix)| (*p, &**prefix))
    }

    /// Whether later stages read this call's arguments. Keeping them for every call of
    /// a `drivers/` tree would cost hundreds of MB, so only these are kept: known APIs
    /// (allocators, locks, frees, registrations, sleeps that depend on an argument),
    /// guards, and calls whose arguments mention GFP flags or a `gfp_t` parameter.
    fn keeps_args(&self, callee: &str, is_guard: bool, args: &[Node]) -> bool {
        if is_guard
            || self.knowledge.lock_op(callee).is_some()
            || self.knowledge.allocator(callee).is_some()
            || self.knowledge.free_families(callee).is_some()
            || self.knowledge.entry_registration(callee).is_some()
            || self.knowledge.initialises_callback_object(callee)
            || self.knowledge.is_collection_insert(callee)
            || self.knowledge.is_dma_handoff(callee)
            || self.knowledge.memory_family(callee).is_some()
            || self.knowledge.unlocked_argument(callee).is_some()
            || self.knowledge.sleeps_only_above(callee).is_some()
        {
            return true;
        }
        // Only the start of each argument is searched (as much as `clean_text` could
        // keep of it): searching the whole argument list made nested calls
        // `f(f(f(...)))` quadratic.
        args.iter().any(|a| {
            let range = a.byte_range();
            let raw = &self.src[range.start..range.end.min(range.start + 4 * MAX_ARG_TEXT)];
            contains(raw, b"GFP")
                || contains(raw, b"gfp")
                || self.gfp_params.iter().any(|p| contains(raw, p.as_bytes()))
        })
    }

    /// Builds the CFG of one statement, entered from `cur`; returns where control
    /// continues afterwards (`None` if it does not, e.g. after `return`).
    pub(super) fn statement(
        &mut self,
        node: Node<'a>,
        cur: Option<u32>,
        depth: usize,
    ) -> Option<u32> {
        if depth > MAX_NESTING {
            self.truncated = true;
            return self.expression(node, cur);
        }
        let d = depth + 1;
        match node.kind_str() {
            "compound_statement" => {
                let saved = self.scope;
                self.push_scope();
                let end = self.block_items(node, cur, d);
                self.scope = saved;
                // A node in the outer scope, so guards of the block end here.
                end.map(|e| self.append(Some(e), NodeKind::Nop))
            }
            "expression_statement" => {
                let after = self.expression(node, cur);
                // `panic(...)`, `BUG()`: the path ends here.
                let ends = node
                    .named_child(0)
                    .filter(|e| e.kind_str() == "call_expression")
                    .is_some_and(|c| {
                        c.field("function")
                            .is_some_and(|f| self.knowledge.is_noreturn(text(f, self.src)))
                    });
                if ends { None } else { after }
            }
            "declaration" => {
                self.note_declaration(node);
                let mut end = self.expression(node, cur);
                // A plain declaration (`int n;`) leaves the name's value unknown (in a
                // loop: not the previous iteration's).
                self.cursor.reset(node);
                let plain: Vec<Node> = node
                    .children_by_field_name("declarator", &mut self.cursor)
                    .filter_map(declared_name)
                    .collect();
                for name in plain {
                    self.declare_local(name);
                    end = self.set_local(end, name, None, LocalWrite::Unknown);
                }
                end
            }
            "if_statement" => self.if_statement(node, cur, d),
            "while_statement" => {
                let never_entered = std::mem::take(&mut self.loop_never_entered);
                let head = self.append(cur, NodeKind::Nop);
                self.objects.loops.push(node.start_byte());
                let exit = self.new_node(NodeKind::Nop);
                let cond = node.field("condition");
                if let Some(c) = cond
                    && !self.original[node.start_byte()..].starts_with(b"while")
                {
                    self.note_iterator_arguments(c);
                }
                let after_cond = match cond {
                    Some(c) => self.expression(c, Some(head)),
                    None => Some(head),
                };
                let (t, f) = self.branch_facts(cond);
                let body_entry = if never_entered {
                    None
                } else {
                    self.assume(after_cond, &t)
                };
                let false_edge = self.assume(after_cond, &f);
                if let Some(fe) = false_edge {
                    self.edge(fe, exit);
                }
                self.jumps.push((exit, Some(head)));
                let tag = t.iter().find_map(|&(a, v)| match a {
                    Atom::Cond(id) => Some((id, v)),
                    _ => None,
                });
                self.cond_stack.push(tag);
                self.uncertain += 1;
                let body_end = match node.field("body") {
                    Some(b) => self.statement(b, body_entry, d),
                    None => body_entry,
                };
                self.uncertain -= 1;
                self.cond_stack.pop();
                self.jumps.pop();
                if let Some(be) = body_end {
                    self.edge(be, head);
                }
                self.objects.loops.pop();
                Some(exit)
            }
            "do_statement" => {
                let head = self.append(cur, NodeKind::Nop);
                self.objects.loops.push(node.start_byte());
                let exit = self.new_node(NodeKind::Nop);
                let cont = self.new_node(NodeKind::Nop);
                self.jumps.push((exit, Some(cont)));
                let body_end = match node.field("body") {
                    Some(b) => self.statement(b, Some(head), d),
                    None => Some(head),
                };
                self.jumps.pop();
                if let Some(be) = body_end {
                    self.edge(be, cont);
                }
                let cond = node.field("condition");
                let after = match cond {
                    Some(c) => self.expression(c, Some(cont)),
                    None => Some(cont),
                };
                let (t, f) = self.branch_facts(cond);
                if let Some(te) = self.assume(after, &t) {
                    self.edge(te, head);
                }
                if let Some(fe) = self.assume(after, &f) {
                    self.edge(fe, exit);
                }
                self.objects.loops.pop();
                Some(exit)
            }
            "for_statement" => {
                let mut c = cur;
                let mut cursor = node.walk();
                let inits: Vec<Node> = node
                    .children_by_field_name("initializer", &mut cursor)
                    .collect();
                for init in inits {
                    c = self.expression(init, c);
                }
                self.objects.loops.push(node.start_byte());
                let head = self.append(c, NodeKind::Nop);
                let exit = self.new_node(NodeKind::Nop);
                let cont = self.new_node(NodeKind::Nop);
                let cond = node.field("condition");
                let after_cond = match cond {
                    Some(cn) => self.expression(cn, Some(head)),
                    None => Some(head),
                };
                let (t, f) = self.branch_facts(cond);
                let body_entry = self.assume(after_cond, &t);
                if cond.is_some()
                    && let Some(fe) = self.assume(after_cond, &f)
                {
                    self.edge(fe, exit);
                }
                self.jumps.push((exit, Some(cont)));
                // Without a condition the body runs at least once.
                let loops = u32::from(cond.is_some());
                self.uncertain += loops;
                let body_end = match node.field("body") {
                    Some(b) => self.statement(b, body_entry, d),
                    None => body_entry,
                };
                self.uncertain -= loops;
                self.jumps.pop();
                if let Some(be) = body_end {
                    self.edge(be, cont);
                }
                let mut cursor = node.walk();
                let updates: Vec<Node> =
                    node.children_by_field_name("update", &mut cursor).collect();
                let mut u = Some(cont);
                for up in updates {
                    u = self.expression(up, u);
                }
                if let Some(u) = u {
                    self.edge(u, head);
                }
                self.objects.loops.pop();
                Some(exit)
            }
            "switch_statement" => {
                let c = match node.field("condition") {
                    Some(cn) => self.expression(cn, cur),
                    None => cur,
                };
                let dispatch = self.append(c, NodeKind::Nop);
                let exit = self.new_node(NodeKind::Nop);
                self.jumps.push((exit, None));
                self.switch_dispatch.push(dispatch);
                // A switch on a parameter: each case label is entered with the
                // parameter equal to its value, `default:` with it equal to none.
                let on = node
                    .field("condition")
                    .and_then(|cn| self.subject_of(cn).or_else(|| self.cursor_of(cn)))
                    .map(|subject| (subject, self.case_values(node)));
                self.switch_on.push(on.clone());
                let unknown = u32::from(on.is_none());
                self.uncertain += unknown;
                let body_end = match node.field("body") {
                    Some(b) => self.statement(b, None, d),
                    None => None,
                };
                self.uncertain -= unknown;
                self.switch_on.pop();
                self.switch_dispatch.pop();
                self.jumps.pop();
                if let Some(be) = body_end {
                    self.edge(be, exit);
                }
                // Without a `default:` the switch may match nothing.
                if !has_default(node) {
                    let none = self.none_of_cases(dispatch, on.as_ref());
                    self.edge(none, exit);
                }
                Some(exit)
            }
            "case_statement" => {
                // A place control can jump to, like a label.
                self.objects.label("", node.start_byte());
                let label = self.append(cur, NodeKind::Nop);
                if let Some(&dispatch) = self.switch_dispatch.last() {
                    let on = self.switch_on.last().cloned().flatten();
                    let value = node.field("value").and_then(|v| self.arg_const(v));
                    let entry = match (on, value) {
                        (Some((subject, _)), Some(v)) => {
                            let (param, test) = self.subject_test(&subject, Pred::Eq(v));
                            let n = self.new_node(NodeKind::AssumeParam {
                                param,
                                test,
                                holds: true,
                            });
                            self.nodes[dispatch as usize].succs.push(n);
                            Some(n)
                        }
                        (Some(on), None) if node.field("value").is_none() => {
                            let n = self.none_of_cases(dispatch, Some(&on));
                            (n != dispatch).then_some(n)
                        }
                        _ => None,
                    };
                    match entry {
                        Some(n) => self.edge(n, label),
                        // `label` is new, so this cannot duplicate an edge; `edge()`'s
                        // check made a switch of N cases O(N²).
                        None => self.nodes[dispatch as usize].succs.push(label),
                    }
                }
                let value = node.field("value").map(|v| v.id());
                let mut cursor = node.walk();
                let stmts: Vec<Node> = node
                    .named_children(&mut cursor)
                    .filter(|c| Some(c.id()) != value)
                    .collect();
                let mut c = Some(label);
                for s in stmts {
                    c = self.statement(s, c, d);
                }
                c
            }
            "break_statement" => {
                if let (Some(c), Some(&(brk, _))) = (cur, self.jumps.last()) {
                    self.edge(c, brk);
                }
                None
            }
            "continue_statement" => {
                let target = self.jumps.iter().rev().find_map(|&(_, cont)| cont);
                if let (Some(c), Some(t)) = (cur, target) {
                    self.edge(c, t);
                }
                None
            }
            "return_statement" => {
                let c = self.expression(node, cur);
                if let Some(c) = c {
                    // Through a node of the function's outermost scope, so guards end.
                    let saved = self.scope;
                    self.scope = 1;
                    let r = self.append(Some(c), NodeKind::Nop);
                    self.scope = saved;
                    self.edge(r, EXIT);
                    self.note_return(r, node.named_child(0));
                    self.note_return_value(r, node.named_child(0));
                }
                None
            }
            "goto_statement" => {
                if let Some(label) = node.field("label") {
                    let l = text(label, self.src);
                    self.objects.goto(l, node.start_byte());
                }
                if let (Some(c), Some(label)) = (cur, node.field("label")) {
                    let l = text(label, self.src).to_string();
                    self.gotos.push((c, l));
                }
                None
            }
            "labeled_statement" => {
                let label_node = self.append(cur, NodeKind::Nop);
                if let Some(l) = node.field("label") {
                    let name = text(l, self.src).to_string();
                    self.objects.label(&name, node.start_byte());
                    self.labels.insert(name, label_node);
                }
                self.cursor.reset(node);
                let inner: Vec<Node> = node.named_children(&mut self.cursor).skip(1).collect();
                let mut c = Some(label_node);
                for s in inner {
                    c = self.statement(s, c, d);
                }
                c
            }
            "preproc_if" | "preproc_ifdef" | "preproc_elif" | "preproc_elifdef"
            | "preproc_else" => {
                // Configuration alternatives: either side may be compiled in.
                let alt = node.field("alternative");
                let skip: Vec<usize> = ["condition", "name", "alternative"]
                    .iter()
                    .filter_map(|f| node.field(f).map(|n| n.id()))
                    .collect();
                let mut cursor = node.walk();
                let items: Vec<Node> = node
                    .named_children(&mut cursor)
                    .filter(|c| !skip.contains(&c.id()))
                    .collect();
                let then_end = self.items(&items, cur, d);
                let else_end = match alt {
                    Some(a) => self.statement(a, cur, d),
                    None => cur,
                };
                self.join(then_end, else_end)
            }
            "preproc_def"
            | "preproc_function_def"
            | "preproc_call"
            | "preproc_include"
            | "comment"
            | ";" => cur,
            "ERROR" | "attributed_statement" | "translation_unit" => {
                self.cursor.reset(node);
                let items: Vec<Node> = node.named_children(&mut self.cursor).collect();
                self.items(&items, cur, d)
            }
            "function_definition" => cur,
            _ => self.expression(node, cur),
        }
    }

    fn join(&mut self, a: Option<u32>, b: Option<u32>) -> Option<u32> {
        match (a, b) {
            (None, None) => None,
            (Some(x), None) | (None, Some(x)) => Some(x),
            (Some(x), Some(y)) => {
                let j = self.new_node(NodeKind::Nop);
                self.edge(x, j);
                self.edge(y, j);
                Some(j)
            }
        }
    }

    fn block_items(&mut self, block: Node<'a>, cur: Option<u32>, depth: usize) -> Option<u32> {
        self.cursor.reset(block);
        let items: Vec<Node> = block.named_children(&mut self.cursor).collect();
        self.items(&items, cur, depth)
    }

    /// A sequence of statements. Recognises the remaining "macro call with a missing
    /// `;` followed by a block" shape (an iterator macro the pre-pass does not know)
    /// and treats the block as that macro's loop body.
    fn items(&mut self, items: &[Node<'a>], mut cur: Option<u32>, depth: usize) -> Option<u32> {
        // The head of a list the previous statements asserted empty
        // (`WARN_ON(!list_empty(&d->clients));`, then only lock calls): a loop over it
        // never runs its body.
        let mut asserted_empty: Option<String> = None;
        let mut i = 0;
        while i < items.len() {
            let item = items[i];
            let next = items.get(i + 1);
            if let Some(head) = self.asserted_empty_list(item) {
                asserted_empty = Some(head);
            } else if asserted_empty.is_some() && self.iterated_list(item) == asserted_empty {
                self.loop_never_entered = true;
                asserted_empty = None;
            } else if !self.is_lock_call(item) {
                asserted_empty = None;
            }
            if item.kind_str() == "expression_statement"
                && next.is_some_and(|n| n.kind_str() == "compound_statement")
                && missing_semicolon(item)
            {
                let head = self.expression(item, cur);
                let head = self.append(head, NodeKind::Nop);
                let exit = self.new_node(NodeKind::Nop);
                self.edge(head, exit);
                self.jumps.push((exit, Some(head)));
                self.uncertain += 1;
                let body_end = self.statement(items[i + 1], Some(head), depth);
                self.uncertain -= 1;
                self.jumps.pop();
                if let Some(be) = body_end {
                    self.edge(be, head);
                }
                cur = Some(exit);
                i += 2;
                continue;
            }
            cur = self.statement(item, cur, depth);
            i += 1;
        }
        cur
    }

    /// `WARN_ON(!list_empty(head));` (an assertion of the knowledge over a negated
    /// emptiness test): the head's text, without white space.
    fn asserted_empty_list(&self, item: Node) -> Option<String> {
        let call = item
            .named_child(0)
            .filter(|_| item.kind_str() == "expression_statement")?;
        let negated = self.sole_argument_of(call, |k, name| k.is_assertion(name))?;
        if negated.kind_str() != "unary_expression"
            || negated.field("operator").map(|o| text(o, self.src)) != Some("!")
        {
            return None;
        }
        let test = negated.field("argument")?;
        let test = match test.kind_str() {
            "parenthesized_expression" => test.named_child(0)?,
            _ => test,
        };
        let head = self.sole_argument_of(test, |k, name| k.is_list_empty_test(name))?;
        Some(without_space(&self.original[head.byte_range()]))
    }

    /// The only argument of `call` when its callee is one `is` accepts.
    fn sole_argument_of(
        &self,
        call: Node<'a>,
        is: impl Fn(&Knowledge, &str) -> bool,
    ) -> Option<Node<'a>> {
        if call.kind_str() != "call_expression" {
            return None;
        }
        let callee = call.field("function")?;
        if !is(self.knowledge, text(callee, self.src)) {
            return None;
        }
        let args = call.field("arguments")?;
        match (args.named_child(0), args.named_child(1)) {
            (Some(arg), None) => Some(arg),
            _ => None,
        }
    }

    /// For a loop the pre-pass made of a list iterator macro from the list's start
    /// (`list_for_each_entry(pos, head, member)`): the head's text, without white space.
    fn iterated_list(&self, item: Node) -> Option<String> {
        if item.kind_str() != "while_statement" {
            return None;
        }
        let start = item.start_byte();
        let name_len = self.original[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        let name = std::str::from_utf8(&self.original[start..start + name_len]).ok()?;
        let index = self.knowledge.list_iterator_head(name)?;
        let mut args = Vec::new();
        let mut todo = vec![item.field("condition")?];
        while let Some(n) = todo.pop() {
            match n.kind_str() {
                "parenthesized_expression" => todo.extend(n.named_child(0)),
                "comma_expression" => {
                    // Nested to the right: `a, (b, (c, d))`; visit left first.
                    todo.extend(n.field("right"));
                    todo.extend(n.field("left"));
                }
                _ => args.push(n),
            }
        }
        let head = args.get(index)?;
        Some(without_space(&self.original[head.byte_range()]))
    }

    /// `spin_lock_irqsave(&d->lock, flags);`: a statement that only takes or releases
    /// a lock (it changes no list).
    fn is_lock_call(&self, item: Node) -> bool {
        item.kind_str() == "expression_statement"
            && item
                .named_child(0)
                .filter(|c| c.kind_str() == "call_expression")
                .and_then(|c| c.field("function"))
                .is_some_and(|f| self.knowledge.lock_op(text(f, self.src)).is_some())
    }

    fn if_statement(&mut self, node: Node<'a>, cur: Option<u32>, depth: usize) -> Option<u32> {
        let cond = node.field("condition");
        // `scoped_guard(class, args) body`, which the pre-pass turned into `if (...)`.
        if self.original[node.start_byte()..].starts_with(b"scoped_") {
            return self.scoped_guard(node, cond, cur, depth);
        }
        let after_cond = match cond {
            Some(c) => self.expression(c, cur),
            None => cur,
        };
        let (t, f) = self.branch_facts(cond);
        let tag = t.iter().find_map(|&(a, v)| match a {
            Atom::Cond(id) => Some((id, v)),
            _ => None,
        });
        // A constant condition (`if (0)`, or `IS_ENABLED(CONFIG_X)` folded by a
        // configuration): the branch it never takes is unreachable.
        let constant = cond.and_then(|c| constant_condition(text(c, self.src)));
        let then_entry = match constant {
            Some(false) => None,
            _ => self.assume(after_cond, &t),
        };
        let unknown = u32::from(!only_parameter_tests(&t, &f));
        // `if (!flag) { … }` of a global, with nothing else undecided around it.
        let global = (self.uncertain == 0 && unknown == 1 && node.field("alternative").is_none())
            .then(|| cond.and_then(|c| self.unset_global(c)))
            .flatten();
        let outer_guard = match global {
            Some(g) => self.global_guard.replace((g, 1)),
            None => self.global_guard.take(),
        };
        self.uncertain += unknown;
        self.cond_stack.push(tag);
        let then_end = match node.field("consequence") {
            Some(s) => self.statement(s, then_entry, depth),
            None => then_entry,
        };
        self.global_guard = outer_guard;
        self.cond_stack.pop();
        let else_entry = match constant {
            Some(true) => None,
            _ => self.assume(after_cond, &f),
        };
        self.cond_stack.push(tag.map(|(id, v)| (id, !v)));
        let else_end = match node.field("alternative") {
            Some(alt) => {
                self.cursor.reset(alt);
                let stmts: Vec<Node> = alt.named_children(&mut self.cursor).collect();
                self.items(&stmts, else_entry, depth)
            }
            None => else_entry,
        };
        self.cond_stack.pop();
        self.uncertain -= unknown;
        self.join(then_end, else_end)
    }

    fn scoped_guard(
        &mut self,
        node: Node<'a>,
        cond: Option<Node<'a>>,
        cur: Option<u32>,
        depth: usize,
    ) -> Option<u32> {
        let mut class = String::new();
        let mut args = Vec::new();
        if let Some(c) = cond {
            // Condition is `(class, arg, ...)`: a parenthesised comma expression.
            let inner = c.named_child(0).unwrap_or(c);
            let mut parts = Vec::new();
            flatten_comma(inner, &mut parts);
            if let Some((first, rest)) = parts.split_first() {
                class = text(*first, self.src).trim().to_string();
                args = rest
                    .iter()
                    .map(|a| clean_text(&self.original[a.byte_range()], MAX_ARG_TEXT))
                    .collect();
            }
            // Calls inside the guard's arguments run before the body.
        }
        let callee = if self.original[node.start_byte()..].starts_with(b"scoped_cond_guard") {
            "scoped_cond_guard"
        } else {
            "scoped_guard"
        };
        let mut call = Call {
            callee: callee.into(),
            arg_count: u16::try_from(args.len() + 1).unwrap_or(u16::MAX),
            span: header_span(node, cond),
            ..Call::default()
        };
        call.set_args(args);
        call.set_guard_class(class);
        let idx = self.calls.len() as u32;
        self.calls.push(call);
        let saved = self.scope;
        let scope = self.push_scope();
        let guard = self.append(cur, NodeKind::Guard { call: idx, scope });
        let body_end = match node.field("consequence") {
            Some(s) => self.statement(s, Some(guard), depth),
            None => Some(guard),
        };
        self.scope = saved;
        let after = body_end.map(|e| self.append(Some(e), NodeKind::Nop));
        // The `_try` and `cond` forms may skip the body.
        let may_skip = callee == "scoped_cond_guard"
            || matches!(
                self.knowledge
                    .guard_op(&class_of(&self.calls[idx as usize])),
                Some(GuardOp::TryHolds(_))
            );
        self.join(after, cur.filter(|_| may_skip))
    }

    /// The constant values of a switch's case labels (its direct cases).
    fn case_values(&self, switch: Node) -> Vec<Val> {
        let Some(body) = switch.field("body") else {
            return Vec::new();
        };
        let mut cursor = body.walk();
        body.named_children(&mut cursor)
            .filter(|c| c.kind_str() == "case_statement")
            .filter_map(|c| c.field("value").and_then(|v| self.arg_const(v)))
            .collect()
    }

    /// From `dispatch`, a chain of nodes where the switched-on parameter equals none of
    /// the case values (for `default:` and the no-match edge); `dispatch` itself when
    /// nothing is known. Long case lists are not expanded.
    fn none_of_cases(&mut self, dispatch: u32, on: Option<&(Subject, Vec<Val>)>) -> u32 {
        const MAX_CASES: usize = 16;
        let Some((subject, values)) = on.filter(|(_, v)| !v.is_empty() && v.len() <= MAX_CASES)
        else {
            return dispatch;
        };
        // A character that matches no case says nothing of the string's others.
        if subject.1.as_deref() == Some(CURSOR) {
            return dispatch;
        }
        let mut cur = dispatch;
        for v in values.clone() {
            let (param, test) = self.subject_test(subject, Pred::Eq(v));
            let n = self.new_node(NodeKind::AssumeParam {
                param,
                test,
                holds: false,
            });
            self.nodes[cur as usize].succs.push(n);
            cur = n;
        }
        cur
    }

    /// Adds `Assume` nodes for `facts` after `cur`.
    fn assume(&mut self, cur: Option<u32>, facts: &Facts) -> Option<u32> {
        let mut c = cur?;
        for &(atom, truth) in facts {
            let kind = match atom {
                Atom::Call(call) => NodeKind::Assume { call, truth },
                Atom::Param(param, test) => NodeKind::AssumeParam {
                    param,
                    test,
                    holds: truth,
                },
                Atom::Cond(cond) => NodeKind::AssumeCond { cond, truth },
                Atom::LocalCall(call, _) => NodeKind::Assume { call, truth },
                Atom::LocalParam(param, test, _) => NodeKind::AssumeParam {
                    param,
                    test,
                    holds: truth,
                },
                Atom::LocalField(_) => NodeKind::Nop,
            };
            c = self.append(Some(c), kind);
            if let Atom::LocalField(fact) = atom {
                self.local_field_nodes.push((c, fact));
            }
            if let Atom::LocalCall(_, local) | Atom::LocalParam(_, _, local) = atom {
                self.context_local_nodes.push((c, local));
            }
        }
        Some(c)
    }

    /// Facts of a branch condition: the atoms inside it, plus the whole condition as
    /// a `Cond` atom when it is simple (names, fields, comparisons; no calls or
    /// assignments), so a later branch on the same text is recognised as correlated.
    fn branch_facts(&mut self, cond: Option<Node>) -> (Facts, Facts) {
        let Some(cond) = cond else {
            return Default::default();
        };
        let (mut t, mut f) = self.condition_facts(cond, 0);
        if let Some((id, polarity)) = self.simple_condition(cond) {
            t.push((Atom::Cond(id), polarity));
            f.push((Atom::Cond(id), !polarity));
        }
        let (lt, lf) = self.local_field_conditions(cond, 0);
        for (facts, out) in [(lt, &mut t), (lf, &mut f)] {
            for fact in facts {
                out.push((Atom::LocalField(self.local_field_facts.len() as u32), true));
                self.local_field_facts.push(fact);
            }
        }
        (t, f)
    }

    /// The id of a simple condition's text and whether `cond` is it (true) or its
    /// negation (false).
    fn simple_condition(&mut self, cond: Node) -> Option<(u32, bool)> {
        let mut text = clean_text(&self.src[cond.byte_range()], 120);
        let mut polarity = true;
        loop {
            let t = text.trim();
            if let Some(inner) = t.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
                if !crate::context::lockstate::balanced(inner) {
                    return None;
                }
                text = inner.to_string();
            } else if let Some(inner) = t.strip_prefix('!') {
                if inner.starts_with('=') {
                    return None;
                }
                polarity = !polarity;
                text = inner.to_string();
            } else {
                break;
            }
        }
        let t = text.trim();
        let bytes = t.as_bytes();
        let assigns = bytes.iter().enumerate().any(|(i, &b)| {
            b == b'='
                && !matches!(bytes.get(i + 1), Some(b'='))
                && !matches!(
                    i.checked_sub(1).map(|j| bytes[j]),
                    Some(b'=' | b'!' | b'<' | b'>')
                )
        });
        if t.is_empty()
            || !self.pure_calls_only(t)
            || assigns
            || t.contains("++")
            || t.contains("--")
            || t.len() >= 120
        {
            return None;
        }
        let next = self.cond_ids.len() as u32;
        let id = *self.cond_ids.entry(t.to_string()).or_insert(next);
        Some((id, polarity))
    }

    /// Whether every call in a condition's text is a pure query the knowledge lists
    /// (`strcmp(p->name, "x")`): the same text then has the same value again.
    fn pure_calls_only(&self, t: &str) -> bool {
        let bytes = t.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            if b != b'(' {
                continue;
            }
            let start = bytes[..i]
                .iter()
                .rposition(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
                .map_or(0, |p| p + 1);
            let name = &t[start..i];
            if name.is_empty() || !self.knowledge.is_pure(name) {
                return false;
            }
        }
        true
    }

    /// What is known about condition calls when `cond` is true, and when it is false.
    fn condition_facts(&mut self, cond: Node, depth: usize) -> (Facts, Facts) {
        if depth > 16 {
            return (Vec::new(), Vec::new());
        }
        match cond.kind_str() {
            "parenthesized_expression" => match cond.named_child(0) {
                Some(inner) => self.condition_facts(inner, depth + 1),
                None => Default::default(),
            },
            "unary_expression" if cond.child(0).is_some_and(|op| op.kind_str() == "!") => {
                match cond.field("argument") {
                    Some(arg) => {
                        let (t, f) = self.condition_facts(arg, depth + 1);
                        (f, t)
                    }
                    None => Default::default(),
                }
            }
            "binary_expression" => {
                let op = cond.field("operator").map(|o| o.kind_str()).unwrap_or("");
                let (Some(l), Some(r)) = (cond.field("left"), cond.field("right")) else {
                    return Default::default();
                };
                let is_zero = |n: Node| matches!(text(n, self.src).trim(), "0" | "false" | "NULL");
                // A parameter compared with a constant (either side): `mode == FOO`.
                let compared = match (self.subject_of(l), self.subject_of(r)) {
                    (Some(p), None) => self.arg_const(r).map(|v| (p, v, false)),
                    (None, Some(p)) => self.arg_const(l).map(|v| (p, v, true)),
                    _ => None,
                };
                // `p == 0` / `p != 0` are the parameter's truth value (below); an
                // ordering against zero (`wait_ms > 0`) is a range test like any other.
                let truthiness = matches!(op, "==" | "!=") && (is_zero(r) || is_zero(l));
                if let Some((p, v, swapped)) = compared
                    && !truthiness
                {
                    let test = match op {
                        "&" => Some((Pred::Bits(v), true)),
                        _ => comparison(op, swapped, v),
                    };
                    if let Some((pred, polarity)) = test {
                        let (p, t) = self.subject_test(&p, pred);
                        let atom = Atom::Param(p, t);
                        return (vec![(atom, polarity)], vec![(atom, !polarity)]);
                    }
                }
                let (lt, lf) = self.condition_facts(l, depth + 1);
                let (rt, rf) = self.condition_facts(r, depth + 1);
                match op {
                    "&&" => ([lt, rt].concat(), Vec::new()),
                    "||" => (
                        self.one_of(&lt, &rt).into_iter().collect(),
                        [lf, rf].concat(),
                    ),
                    // `p != 0` is `p`, `p == 0` is `!p`.
                    "!=" if is_zero(r) => (lt, lf),
                    "==" if is_zero(r) => (lf, lt),
                    _ => Default::default(),
                }
            }
            "call_expression" => {
                let callee = cond
                    .field("function")
                    .map(|f| text(f, self.src))
                    .unwrap_or("");
                if (callee == "likely" || callee == "unlikely")
                    && let Some(arg) = cond.field("arguments").and_then(|a| a.named_child(0))
                {
                    return self.condition_facts(arg, depth + 1);
                }
                let (mut t, mut f) = match self.call_at.get(&(cond.start_byte(), cond.end_byte())) {
                    Some(&idx) => (
                        vec![(Atom::Call(idx), true)],
                        vec![(Atom::Call(idx), false)],
                    ),
                    None => Default::default(),
                };
                // `test_bit(NR, &p->flags)`: a test of the field's bits.
                if self.knowledge.is_bit_test(callee)
                    && let Some((subject, mask)) = self.bit_test(cond)
                {
                    let (p, test) = self.subject_test(&subject, Pred::Bits(mask));
                    t.push((Atom::Param(p, test), true));
                    f.push((Atom::Param(p, test), false));
                }
                (t, f)
            }
            "identifier" => match self
                .param_names
                .iter()
                .position(|p| p == text(cond, self.src))
            {
                Some(k) => {
                    let (p, t) = self.param_test(k, Pred::NonZero);
                    let atom = Atom::Param(p, t);
                    (vec![(atom, true)], vec![(atom, false)])
                }
                None => self.context_local_facts(text(cond, self.src)),
            },
            "field_expression" => match self.subject_of(cond) {
                Some(subject) => {
                    let (p, t) = self.subject_test(&subject, Pred::NonZero);
                    let atom = Atom::Param(p, t);
                    (vec![(atom, true)], vec![(atom, false)])
                }
                None => Default::default(),
            },
            _ => Default::default(),
        }
    }
}

impl CfgBuilder<'_> {
    /// The bit mask a `test_bit(NR, &v->path)` call tests (`1UL << (NR)`, for the
    /// resolver), and the word it tests: a parameter's field, or (`bit_test_field`) a
    /// local's.
    fn bit_test_parts<'n>(&self, call: Node<'n>) -> Option<(Val, Node<'n>)> {
        let args = call.field("arguments")?;
        let (nr, word) = (args.named_child(0)?, args.named_child(1)?);
        if args.named_child(2).is_some() {
            return None;
        }
        let mask = match self.arg_const(nr)? {
            Val::Int(n) if (0..63).contains(&n) => Val::Int(1 << n),
            Val::Name(name) => Val::Expr(format!("1UL << ({name})").into()),
            Val::Expr(e) => Val::Expr(format!("1UL << ({e})").into()),
            _ => return None,
        };
        let mut w = word;
        while w.kind_str() == "parenthesized_expression" {
            w = w.named_child(0)?;
        }
        if w.kind_str() == "pointer_expression" && w.child(0).is_some_and(|o| o.kind_str() == "&") {
            w = w.field("argument")?;
        }
        (w.kind_str() == "field_expression").then_some((mask, w))
    }

    /// `test_bit(NR, &p->flags)` of a parameter's field: (subject, mask).
    fn bit_test(&self, call: Node) -> Option<(Subject, Val)> {
        let (mask, word) = self.bit_test_parts(call)?;
        let subject = self.subject_of(word)?;
        subject.1.is_some().then_some((subject, mask))
    }

    /// `p == A || p == B` (each side holding exactly that): `p` is one of the values.
    fn one_of(&mut self, left: &Facts, right: &Facts) -> Option<(Atom, bool)> {
        const MAX_VALUES: usize = 16;
        let (&[(Atom::Param(p, l), true)], &[(Atom::Param(q, r), true)]) =
            (left.as_slice(), right.as_slice())
        else {
            return None;
        };
        let values = |t: u32| match &self.tests[t as usize] {
            Pred::Eq(v) => Some(vec![v.clone()]),
            Pred::In(vs) => Some(vs.clone()),
            _ => None,
        };
        let mut vs = [values(l)?, values(r)?].concat();
        vs.sort();
        vs.dedup();
        if p != q || vs.len() > MAX_VALUES {
            return None;
        }
        let (p, t) = self.param_test(p as usize, Pred::In(vs));
        Some((Atom::Param(p, t), true))
    }
}

/// Whether a branch condition's facts are tests of parameters (and the condition's
/// own text), with no call result or other state among them.
fn only_parameter_tests(t: &Facts, f: &Facts) -> bool {
    let atoms = || t.iter().chain(f.iter()).map(|(a, _)| a);
    atoms().any(|a| matches!(a, Atom::Param(..) | Atom::LocalParam(..)))
        && atoms().all(|a| {
            matches!(
                a,
                Atom::Param(..) | Atom::LocalParam(..) | Atom::Cond(_) | Atom::LocalField(_)
            )
        })
}

/// The bit of the parameter a soft clobber names (see `facts::PRIVATE_PASS`).
fn param_bit(p: u8) -> u64 {
    1 << crate::facts::pass_param(p)
}

/// Whether a call is an operand that runs only sometimes: a branch of `?:`, or the
/// right side of `&&`/`||` (up to the enclosing statement).
fn in_conditional_operand(node: Node) -> bool {
    let mut child = node;
    while let Some(parent) = child.parent() {
        match parent.kind_str() {
            "conditional_expression"
                if parent
                    .field("condition")
                    .is_none_or(|c| c.byte_range() != child.byte_range()) =>
            {
                return true;
            }
            "binary_expression" => {
                let op = parent.field("operator").map(|o| o.kind_str());
                if matches!(op, Some("&&" | "||"))
                    && parent
                        .field("right")
                        .is_some_and(|r| r.byte_range() == child.byte_range())
                {
                    return true;
                }
            }
            k if k.ends_with("statement") || k == "declaration" => return false,
            _ => {}
        }
        child = parent;
    }
    false
}

impl CfgBuilder<'_> {
    /// What testing a context local tells about the queries it was initialised from.
    fn context_local_facts(&self, name: &str) -> (Facts, Facts) {
        let Some(i) = self.context_locals.iter().position(|l| l.name == name) else {
            return Default::default();
        };
        let local = |facts: &Facts| -> Facts {
            facts
                .iter()
                .filter_map(|&(a, v)| match a {
                    Atom::Call(c) => Some((Atom::LocalCall(c, i as u32), v)),
                    Atom::Param(p, t) => Some((Atom::LocalParam(p, t, i as u32), v)),
                    _ => None,
                })
                .collect()
        };
        let (t, f) = &self.context_locals[i].facts;
        (local(t), local(f))
    }
}

/// The truth value of a literal (`true`, `0`, `NULL`); `None` for anything else.
fn constant_truth(text: &str) -> Option<bool> {
    match Val::parse(text)? {
        Val::Int(n) => Some(n != 0),
        _ => None,
    }
}

/// A comparison of a parameter with a constant `v` as (predicate, whether the
/// comparison is the predicate or its negation); `swapped` when the constant is on
/// the left. Equality with zero is the parameter's truth value.
fn comparison(op: &str, swapped: bool, v: Val) -> Option<(Pred, bool)> {
    if v == Val::Int(0) && matches!(op, "==" | "!=") {
        return Some((Pred::NonZero, op == "!="));
    }
    Some(match (op, swapped) {
        ("==", _) => (Pred::Eq(v), true),
        ("!=", _) => (Pred::Eq(v), false),
        ("<", false) | (">", true) => (Pred::Lt(v), true),
        (">=", false) | ("<=", true) => (Pred::Lt(v), false),
        (">", false) | ("<", true) => (Pred::Gt(v), true),
        ("<=", false) | (">=", true) => (Pred::Gt(v), false),
        _ => return None,
    })
}

fn flatten_comma<'t>(node: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut n = node;
    // comma_expression is right-nested: (a, (b, c)).
    for _ in 0..64 {
        if n.kind_str() == "comma_expression" {
            if let Some(l) = n.field("left") {
                out.push(l);
            }
            match n.field("right") {
                Some(r) => n = r,
                None => return,
            }
        } else {
            out.push(n);
            return;
        }
    }
}

/// The value of a character literal (`'b'`, `'\n'`), when it is a plain one.
fn char_value(literal: &str) -> Option<i64> {
    let inner = literal.strip_prefix('\'')?.strip_suffix('\'')?;
    let b = inner.as_bytes();
    match b {
        [c] if c.is_ascii() && *c != b'\\' => Some(i64::from(*c)),
        [b'\\', e] => Some(match e {
            b'n' => 10,
            b't' => 9,
            b'r' => 13,
            b'0' => 0,
            b'\\' | b'\'' | b'"' => i64::from(*e),
            _ => return None,
        }),
        _ => None,
    }
}

fn has_default(switch: Node) -> bool {
    let Some(body) = switch.field("body") else {
        return false;
    };
    let mut cursor = body.walk();
    body.named_children(&mut cursor)
        .any(|c| c.kind_str() == "case_statement" && c.field("value").is_none())
}

/// Source text with its white space left out, for comparing expressions.
fn without_space(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn missing_semicolon(stmt: Node) -> bool {
    let n = stmt.child_count();
    n > 0
        && stmt.child(n - 1).is_some_and(|c| c.is_missing())
        && stmt
            .named_child(0)
            .is_some_and(|c| c.kind_str() == "call_expression")
}

fn class_of(call: &Call) -> String {
    call.guard_class().unwrap_or_default().to_string()
}

/// The `scoped_guard(...)` header alone, without its body.
fn header_span(node: Node, cond: Option<Node>) -> Span {
    let mut span = span_of(node);
    if let Some(c) = cond {
        let end = span_of(c);
        span.end = end.end;
        span.end_line = end.end_line;
        span.end_column = end.end_column;
    }
    span
}

/// The value of a condition that is a constant: `0`, `1`, `!0`, `!1`, and `0 && …` /
/// `1 || …` (the form a folded `IS_ENABLED()` leaves); `None` otherwise.
fn constant_condition(text: &str) -> Option<bool> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut t = compact.as_str();
    while let Some(inner) = t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        t = inner;
    }
    match t {
        "0" | "!1" => Some(false),
        "1" | "!0" => Some(true),
        _ if t.starts_with("0&&") && !t.contains("||") => Some(false),
        _ if t.starts_with("1||") && !t.contains("&&") => Some(true),
        _ => None,
    }
}

/// The name a declarator declares as a scalar or a pointer (`n`, `*skb`, `**pp`); not
/// an array's or a function pointer's.
fn declared_name(declarator: Node) -> Option<Node> {
    let mut d = declarator;
    for _ in 0..4 {
        match d.kind_str() {
            "identifier" => return Some(d),
            "pointer_declarator" => d = d.field("declarator")?,
            _ => return None,
        }
    }
    None
}

/// A binary operator whose result carries a pointer only as one of its operands does
/// (pointer arithmetic, or an address cast to an integer and masked, shifted, scaled).
fn arithmetic(op: &str) -> bool {
    matches!(
        op,
        "+" | "-" | "*" | "/" | "%" | "&" | "|" | "^" | "<<" | ">>"
    )
}
