//! What a caller's branch conditions say of the fields of a local pointer it passes
//! on: `if (msg->cmd == A || msg->cmd == B) dispatch(dev, msg);` hands `dispatch` an
//! object whose `cmd` is A or B, as a brace initializer would (`parse::objects`), so a
//! callee that sleeps only for another command is not followed from there.
//!
//! A forward must-dataflow over the body's CFG, after it is built: a condition on
//! `local->path` against constants (`==`, `!=`, a `||` of equalities) gives the values
//! the field may have on the branch; a node that may change the object forgets what
//! is known of it: an assignment through the local (`msg->cmd = x`), the local passed
//! to a call that is not a pure query (`modify(msg)`, `&msg->hdr`), the local itself
//! written. Locals whose address is taken, that are declared twice or copied into
//! another pointer (which could then be written through) are never followed.

use rustc_hash::FxHashMap as HashMap;
use tree_sitter::Node;

use super::{CfgBuilder, MAX_FIELD_DEPTH, text};
use crate::facts::{ENTRY, FieldVal, NodeKind, ObjectArg};
use crate::parse::FastNode;
use crate::values::Val;

/// `var->path` has one of `values` (sorted, deduplicated); or, for a bit fact
/// (`test_bit()` held), every bit of each mask in `values`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FieldFact {
    var: String,
    path: Box<str>,
    values: Vec<Val>,
    bits: bool,
    /// Calls given the object before the fact's node that may have changed it, known
    /// to the whole-program stage only (bits of `soft_clobbers`' first 64).
    passes: u64,
    /// The field holds the function's parameter `k` as it was entered (`req->wait =
    /// wait`), instead of one of `values`.
    param: Option<u8>,
    /// With an empty `path`: the object is what call `.0` returned, holding what its
    /// callee stored into it but for the top-level members `.1` written since
    /// (`facts::StoredBy`).
    returned: Option<(u32, Vec<Box<str>>)>,
}

impl FieldFact {
    fn same(&self, other: &FieldFact) -> bool {
        self.var == other.var && self.path == other.path && self.bits == other.bits
    }

    /// A fact of `var`'s field `path`: it has one of `values`.
    fn values(var: String, path: Box<str>, values: Vec<Val>) -> FieldFact {
        FieldFact {
            var,
            path,
            values,
            bits: false,
            passes: 0,
            param: None,
            returned: None,
        }
    }

    /// Joins what another way into a node says of the same field (`same`): false when
    /// nothing is known any more.
    fn join(&mut self, other: &FieldFact) -> bool {
        self.passes |= other.passes;
        if self.param != other.param {
            return false;
        }
        match (&mut self.returned, &other.returned) {
            (None, None) => {}
            (Some((call, written)), Some((other_call, other_written))) if call == other_call => {
                for m in other_written {
                    if !written.contains(m) {
                        written.push(m.clone());
                    }
                }
                return written.len() <= MAX_VALUES;
            }
            _ => return false,
        }
        if self.bits {
            // Bits held on both ways in.
            self.values.retain(|v| other.values.contains(v));
            return !self.values.is_empty();
        }
        for v in &other.values {
            if !self.values.contains(v) {
                self.values.push(v.clone());
            }
        }
        self.values.sort();
        self.values.len() <= MAX_VALUES
    }
}

/// Facts when a condition is true, and when it is false.
pub(super) type FieldFacts = (Vec<FieldFact>, Vec<FieldFact>);

/// More values than this and a fact is not worth keeping.
const MAX_VALUES: usize = 16;

impl<'a> CfgBuilder<'a> {
    /// `local->a.b` (one arrow, then dots) of a local declared in the body: (local,
    /// path).
    fn local_field(&self, node: Node) -> Option<(String, Box<str>)> {
        let mut n = node;
        while n.kind_str() == "parenthesized_expression" {
            n = n.named_child(0)?;
        }
        let mut fields: Vec<&str> = Vec::new();
        for _ in 0..MAX_FIELD_DEPTH {
            if n.kind_str() != "field_expression" {
                return None;
            }
            let op = n.child(1).map(|o| o.kind_str()).unwrap_or("");
            fields.push(text(n.field("field")?, self.src));
            let inner = n.field("argument")?;
            match (op, inner.kind_str()) {
                ("->", "identifier") => {
                    let var = text(inner, self.src);
                    if !self.is_fact_var(var) {
                        return None;
                    }
                    fields.reverse();
                    let path = fields.join(".");
                    return (path.len() < 80).then(|| (var.to_string(), path.into()));
                }
                (".", "field_expression") => n = inner,
                _ => return None,
            }
        }
        None
    }

    /// What a branch condition says of local pointers' fields, when it is true and
    /// when it is false.
    pub(super) fn local_field_conditions(&self, cond: Node, depth: usize) -> FieldFacts {
        if depth > 16 {
            return Default::default();
        }
        match cond.kind_str() {
            "parenthesized_expression" => match cond.named_child(0) {
                Some(inner) => self.local_field_conditions(inner, depth + 1),
                None => Default::default(),
            },
            "unary_expression" if cond.child(0).is_some_and(|op| op.kind_str() == "!") => {
                match cond.field("argument") {
                    Some(arg) => {
                        let (t, f) = self.local_field_conditions(arg, depth + 1);
                        (f, t)
                    }
                    None => Default::default(),
                }
            }
            "call_expression" => {
                let callee = cond.field("function").map(|f| text(f, self.src));
                match (
                    callee,
                    cond.field("arguments").and_then(|a| a.named_child(0)),
                ) {
                    (Some("likely" | "unlikely"), Some(arg)) => {
                        self.local_field_conditions(arg, depth + 1)
                    }
                    // `test_bit(NR, &v->flags)` held: the bit is set.
                    (Some(name), Some(_)) if self.knowledge.is_bit_test(name) => {
                        let Some((mask, word)) = self.bit_test_parts(cond) else {
                            return Default::default();
                        };
                        match self.local_field(word) {
                            Some((var, path)) => (
                                vec![FieldFact {
                                    bits: true,
                                    ..FieldFact::values(var, path, vec![mask])
                                }],
                                Vec::new(),
                            ),
                            None => Default::default(),
                        }
                    }
                    _ => Default::default(),
                }
            }
            "binary_expression" => {
                let op = cond.field("operator").map(|o| o.kind_str()).unwrap_or("");
                let (Some(l), Some(r)) = (cond.field("left"), cond.field("right")) else {
                    return Default::default();
                };
                if matches!(op, "==" | "!=") {
                    let compared = match (self.local_field(l), self.local_field(r)) {
                        (Some(f), None) => self.arg_const(r).map(|v| (f, v)),
                        (None, Some(f)) => self.arg_const(l).map(|v| (f, v)),
                        _ => None,
                    };
                    let Some(((var, path), value)) = compared else {
                        return Default::default();
                    };
                    let fact = vec![FieldFact::values(var, path, vec![value])];
                    return if op == "==" {
                        (fact, Vec::new())
                    } else {
                        (Vec::new(), fact)
                    };
                }
                let (lt, lf) = self.local_field_conditions(l, depth + 1);
                let (rt, rf) = self.local_field_conditions(r, depth + 1);
                match op {
                    "&&" => ([lt, rt].concat(), Vec::new()),
                    "||" => (either(&lt, &rt).into_iter().collect(), [lf, rf].concat()),
                    _ => Default::default(),
                }
            }
            _ => Default::default(),
        }
    }

    /// The local pointers an expression may carry (`p`, `(void *)p`, `&p->f`, `p +
    /// 1`), each with the top-level member of its object the expression points into
    /// when it is one (`&p->f.g`: `f`): a call given one may write the object (that
    /// member).
    pub(super) fn local_pointers_in(&self, value: Node, out: &mut Vec<(String, Option<Box<str>>)>) {
        let mut n = value;
        // Below `&`: the address of a field or element is inside the object.
        let mut address = false;
        // The member of the last arrow seen below `&`, while it is the local's own.
        let mut member: Option<Box<str>> = None;
        for _ in 0..MAX_FIELD_DEPTH * 2 {
            match n.kind_str() {
                "parenthesized_expression" | "cast_expression" => {
                    match n.field("value").or_else(|| n.named_child(0)) {
                        Some(inner) => n = inner,
                        None => return,
                    }
                }
                // `tcp_sk(m)` is `m` as another type.
                "call_expression" => match self.same_object_arg(n) {
                    Some(inner) => n = inner,
                    None => return,
                },
                "pointer_expression" if n.child(0).is_some_and(|op| op.kind_str() == "&") => {
                    address = true;
                    match n.field("argument") {
                        Some(inner) => n = inner,
                        None => return,
                    }
                }
                "field_expression" | "subscript_expression" if address => {
                    let arrow = n.kind_str() == "field_expression"
                        && n.child(1).is_some_and(|o| o.kind_str() == "->");
                    let Some(inner) = n.field("argument") else {
                        return;
                    };
                    member = match (n.kind_str(), arrow, inner.kind_str()) {
                        ("field_expression", true, "identifier") => {
                            n.field("field").map(|f| text(f, self.src).into())
                        }
                        // `&p->a->b` points into what `p->a` points to: member `a`
                        // either way (as for parameters: `param_member`).
                        ("field_expression", _, _) => member,
                        // `&p[1]`: anywhere.
                        _ => None,
                    };
                    n = inner;
                }
                "binary_expression"
                    if matches!(n.field("operator").map(|o| o.kind_str()), Some("+" | "-")) =>
                {
                    member = None;
                    match n.field("left") {
                        Some(inner) => n = inner,
                        None => return,
                    }
                }
                "identifier" => {
                    let name = text(n, self.src);
                    if self.is_local(name) {
                        out.push((name.to_string(), member));
                    }
                    return;
                }
                _ => return,
            }
        }
    }

    /// Notes the locals a call at `node` (call `idx`, not a pure query: see
    /// `note_pointers_given`) may write the objects of: those it is given a pointer
    /// into; and the locals it is given as they are, when it is a program function.
    pub(super) fn note_local_pointers_given(
        &mut self,
        args: &[Node],
        node: u32,
        idx: u32,
        program_function: bool,
        callee: &str,
    ) {
        let mut found = Vec::new();
        for (i, a) in args.iter().enumerate().take(u8::MAX as usize) {
            if self.knowledge.reads_only_through(callee, i) {
                continue;
            }
            if program_function && a.kind_str() == "identifier" && self.is_local(text(*a, self.src))
            {
                self.local_pointer_args
                    .push((idx, i as u8, text(*a, self.src).to_string()));
            }
            self.local_pointers_in(*a, &mut found);
        }
        for (name, member) in found {
            self.member_writes.push((node, name.clone(), None));
            self.handed_on.push((node, name.clone()));
            self.local_pointer_writes.push((node, name, member));
        }
    }

    /// Notes the copies an assignment or declaration at CFG node `at` makes of local
    /// pointers `copied`: into a local (`q = m`, `T *q = (T *)m`, `info =
    /// &m->info`), followed as a second name of the object (or of one member);
    /// anywhere else (`o->owner = m`), the object escapes there.
    pub(super) fn note_local_copies(
        &mut self,
        node: Node,
        at: u32,
        copied: Vec<(String, Option<Box<str>>)>,
    ) {
        let mut target = match node.kind_str() {
            "init_declarator" => node.field("declarator"),
            _ => node.field("left"),
        };
        while let Some(t) = target.filter(|t| t.kind_str() == "pointer_declarator") {
            target = t.field("declarator");
        }
        let target = target
            .filter(|t| t.kind_str() == "identifier")
            .map(|t| text(t, self.src))
            .filter(|t| node.kind_str() == "init_declarator" || self.is_local(t));
        for (var, member) in copied {
            match target {
                Some(t) => self.local_copies.push((t.to_string(), var, member)),
                None => self.local_escapes.push((at, var)),
            }
        }
    }

    /// Notes `T *x = p;` (or `= (T *)p`, or `x = p;` of a pointer declared without a
    /// value) of a parameter `p` as an alias of `p` when
    /// nothing else in the function writes `x` or takes its address: then `x->f` is
    /// `p->f` for the tests the function makes (`struct msg *m = hdr; switch
    /// (m->cmd)`), and writes through `x` are writes through `p`.
    pub(super) fn note_param_alias(&mut self, decl: Node) -> bool {
        let (name, value) = match decl.kind_str() {
            "init_declarator" => {
                let declarator = decl.field("declarator");
                let Some(d) = declarator.filter(|d| d.kind_str() == "pointer_declarator") else {
                    return false;
                };
                (d.field("declarator"), decl.field("value"))
            }
            // `m = hdr;` of a pointer declared without a value.
            _ if decl
                .field("operator")
                .is_some_and(|o| text(o, self.src) == "=") =>
            {
                let left = decl.field("left").filter(|l| {
                    let n = text(*l, self.src);
                    self.is_local(n)
                        && self
                            .declared
                            .iter()
                            .rev()
                            .find(|(d, _)| d == n)
                            .is_some_and(|(_, t)| t.ends_with('*'))
                });
                (left, decl.field("right"))
            }
            _ => return false,
        };
        let (Some(name), Some(value)) = (name.filter(|n| n.kind_str() == "identifier"), value)
        else {
            return false;
        };
        let mut v = value;
        while matches!(v.kind_str(), "parenthesized_expression" | "cast_expression") {
            match v.field("value").or_else(|| v.named_child(0)) {
                Some(inner) => v = inner,
                None => return false,
            }
        }
        let name = text(name, self.src);
        if v.kind_str() == "call_expression" {
            return self.note_private_alias(name, v);
        }
        let Some(p) = self.param_of(v).filter(|&p| p < 64) else {
            return false;
        };
        let body = &self.src[self.body.0..self.body.1];
        if self.param_names.iter().any(|q| q == name)
            || self.param_aliases.iter().any(|(a, _)| a == name)
        {
            return false;
        }
        let writes = writes_of(body, name.as_bytes());
        if writes != 1 {
            // Assigned once from the parameter, else only stepped forward: a cursor
            // over what the parameter points to.
            if writes > 1
                && writes == 1 + increments_of(body, name.as_bytes())
                && !self.param_cursors.iter().any(|(c, _)| c == name)
            {
                self.param_cursors.push((name.to_string(), p));
            }
            return false;
        }
        self.param_aliases.push((name.to_string(), p));
        true
    }

    /// Notes `T *x = netdev_priv(p);` (`[private_area]`) of a parameter `p` when
    /// nothing else writes `x` or takes its address: `x->f` is then `p`'s field
    /// `netdev_priv()/f`, in tests, writes and what callees given `x` test. And `T *x =
    /// tcp_sk(p);` (`[same_object]`): `x` is `p` as another type, whose writes (and
    /// calls given it) may reach any of `p`'s members.
    fn note_private_alias(&mut self, name: &str, call: Node) -> bool {
        let func = call
            .field("function")
            .filter(|f| f.kind_str() == "identifier");
        let Some(func) = func.map(|f| text(f, self.src)) else {
            return false;
        };
        if let Some(arg) = self.same_object_arg(call) {
            let Some(p) = self.param_of(arg).filter(|&p| p < 64) else {
                return false;
            };
            if self.param_names.iter().any(|q| q == name)
                || self.view_aliases.iter().any(|(a, _)| a == name)
                || self.private_aliases.iter().any(|(a, _, _)| a == name)
                || writes_of(&self.src[self.body.0..self.body.1], name.as_bytes()) != 1
            {
                return false;
            }
            self.view_aliases.push((name.to_string(), p));
            return true;
        }
        if !self.knowledge.is_private_area(func) {
            return false;
        }
        let args = call.field("arguments");
        let (Some(arg), None) = (
            args.and_then(|a| a.named_child(0)),
            args.and_then(|a| a.named_child(1)),
        ) else {
            return false;
        };
        let Some(p) = self.param_of(arg).filter(|&p| p < 64) else {
            return false;
        };
        if self.param_names.iter().any(|q| q == name)
            || self.private_aliases.iter().any(|(a, _, _)| a == name)
            || writes_of(&self.src[self.body.0..self.body.1], name.as_bytes()) != 1
        {
            return false;
        }
        let prefix = format!("{func}{}", crate::facts::PRIVATE_MARK);
        self.private_aliases
            .push((name.to_string(), p, prefix.into()));
        true
    }

    /// A struct object declared in the body (`struct cmd c;`), not a pointer or array.
    pub(super) fn is_object_local(&self, name: &str) -> bool {
        self.is_local(name)
            && self
                .declared
                .iter()
                .rev()
                .find(|(d, _)| d == name)
                .is_some_and(|(_, t)| t.starts_with("struct ") && !t.contains(['*', '[', '?']))
    }

    /// A local, or a parameter (by its own name) never assigned: a variable whose
    /// object's fields the facts follow.
    fn is_fact_var(&self, name: &str) -> bool {
        self.is_local(name)
            || self
                .param_names
                .iter()
                .position(|p| p == name)
                .is_some_and(|p| p < 64 && self.reassigned_params & (1 << p) == 0)
    }

    /// Notes `v->path = CONST` (a plain assignment; or `= p` of a parameter `p`) after
    /// `cur`, on a node of its own (a branch's first statement would otherwise share
    /// the branch node): from there the field has that value. Returns where control
    /// continues.
    pub(super) fn note_field_assignment(
        &mut self,
        cur: Option<u32>,
        assignment: Node,
    ) -> Option<u32> {
        cur?;
        if assignment
            .field("operator")
            .is_none_or(|o| text(o, self.src) != "=")
        {
            return cur;
        }
        let (Some(left), Some(right)) = (assignment.field("left"), assignment.field("right"))
        else {
            return cur;
        };
        let Some((var, path)) = self.local_field(left) else {
            return cur;
        };
        let fact = match self.arg_const(right) {
            Some(value) => FieldFact::values(var, path, vec![value]),
            None => match self.param_of(right).and_then(|p| u8::try_from(p).ok()) {
                Some(p) if p < 64 => FieldFact {
                    param: Some(p),
                    ..FieldFact::values(var, path, Vec::new())
                },
                _ => return cur,
            },
        };
        let node = self.append(cur, NodeKind::Nop);
        self.local_field_assigns.push((node, fact));
        Some(node)
    }

    /// Notes `v = call(…)` of a local at its `SetLocal` node `at`: from there `v`
    /// points to what the call returned, with what its callee stored there
    /// (`facts::StoredBy`). Calls of APIs the knowledge names are not followed.
    pub(super) fn note_returned_object(&mut self, at: Option<u32>, name: Node, value: Node) {
        let Some(at) = at else {
            return;
        };
        let mut v = value;
        while matches!(v.kind_str(), "parenthesized_expression" | "cast_expression") {
            match v.field("value").or_else(|| v.named_child(0)) {
                Some(inner) => v = inner,
                None => return,
            }
        }
        let var = text(name, self.src);
        if v.kind_str() != "call_expression" || !self.is_local(var) {
            return;
        }
        let Some(callee) = v.field("function").filter(|f| f.kind_str() == "identifier") else {
            return;
        };
        if self.knowledge.names_api(text(callee, self.src)) {
            return;
        }
        let Some(&call) = self.call_at.get(&(v.start_byte(), v.end_byte())) else {
            return;
        };
        self.local_field_assigns.push((
            at,
            FieldFact {
                returned: Some((call, Vec::new())),
                ..FieldFact::values(var.to_string(), "".into(), Vec::new())
            },
        ));
    }

    /// Notes the `return` statement whose node is `at`, returning `value`.
    pub(in crate::parse) fn note_return(&mut self, at: u32, value: Option<Node>) {
        let mut v = value;
        while let Some(n) =
            v.filter(|n| matches!(n.kind_str(), "parenthesized_expression" | "cast_expression"))
        {
            v = n.field("value").or_else(|| n.named_child(0));
        }
        let returned = match v {
            Some(n) if matches!(n.kind_str(), "null" | "false") => None,
            Some(n) if n.kind_str() == "number_literal" && text(n, self.src) == "0" => None,
            Some(n) if n.kind_str() == "identifier" && self.is_local(text(n, self.src)) => {
                Some(text(n, self.src).to_string())
            }
            _ => {
                self.returns_other = true;
                return;
            }
        };
        self.return_nodes.push((at, returned));
    }

    /// A name declared in the body so far (not a parameter).
    pub(super) fn is_local(&self, name: &str) -> bool {
        !self.param_names.iter().any(|p| p == name) && self.declared.iter().any(|(d, _)| d == name)
    }

    /// The local an lvalue writes through (`m->cmd`, `*m`, `m[2]`), the top-level
    /// member written when that is all it can reach (`m->stats.n`: `stats`; `*m`,
    /// `m[2]`: anything), and how many pointers the lvalue goes through (`m->a->b`:
    /// two).
    pub(super) fn local_member(&self, lvalue: Node) -> Option<(String, Option<Box<str>>, u32)> {
        let mut n = lvalue;
        let mut member: Option<Box<str>> = None;
        let mut derefs = 0;
        for _ in 0..MAX_FIELD_DEPTH * 2 {
            match n.kind_str() {
                "identifier" => {
                    let name = text(n, self.src);
                    return self
                        .is_local(name)
                        .then(|| (name.to_string(), member, derefs));
                }
                "field_expression" => {
                    let arrow = n.child(1).is_some_and(|o| o.kind_str() == "->");
                    let inner = n.field("argument")?;
                    if arrow {
                        derefs += 1;
                        if inner.kind_str() == "identifier" {
                            member = n.field("field").map(|f| text(f, self.src).into());
                        }
                    }
                    n = inner;
                }
                "subscript_expression" | "pointer_expression" => {
                    derefs += 1;
                    member = None;
                    n = n.field("argument")?;
                }
                "parenthesized_expression" | "cast_expression" => {
                    n = n.field("value").or_else(|| n.named_child(0))?;
                }
                "call_expression" => n = self.same_object_arg(n)?,
                _ => return None,
            }
        }
        None
    }

    /// Adds what the conditions and plain assignments say of the fields of the
    /// function's variables (locals, parameters, private structs: `netdev_priv()/`)
    /// to the calls given them (`FunctionValues::objects`).
    pub(in crate::parse) fn local_field_args(&mut self) -> Vec<ObjectArg> {
        if (self.local_field_nodes.is_empty() && self.local_field_assigns.is_empty())
            || self.truncated
        {
            return Vec::new();
        }
        // Objects escaping more often than this are not followed at all.
        const MAX_ESCAPES: usize = 32;
        if self.local_escapes.len() > MAX_ESCAPES {
            for (_, var) in std::mem::take(&mut self.local_escapes) {
                self.copied_locals.insert(var);
            }
        }
        let reassigned = self.reassigned_params;
        let param_index = |var: &str| {
            self.param_names
                .iter()
                .position(|p| p == var)
                .filter(|&p| p < 64 && reassigned & (1 << p) == 0)
        };
        let followed = |var: &str| {
            !self.untracked_locals.contains(var)
                && !self.copied_locals.contains(var)
                && (self.is_local(var) || param_index(var).is_some())
        };
        // Calls given a variable: locals to program functions, and parameters as
        // they are (`soft_clobbers`: then the private structs of theirs too).
        let mut wanted: Vec<(u32, u8, &str)> = self
            .local_pointer_args
            .iter()
            .filter(|(_, _, name)| followed(name))
            .map(|(call, arg, name)| (*call, *arg, name.as_str()))
            .collect();
        for &(_, p, call, arg) in &self.soft_clobbers {
            if p & (crate::facts::PRIVATE_PASS | crate::facts::VIEW_PASS) == 0
                && let Some(name) = self.param_names.get(usize::from(p))
                && followed(name)
            {
                wanted.push((call, arg, name.as_str()));
            }
        }
        // The locals returned, for `returned_stores`.
        let returned_locals: Vec<(u32, &str)> = if self.returns_other {
            Vec::new()
        } else {
            self.return_nodes
                .iter()
                .filter_map(|(node, var)| var.as_deref().map(|v| (*node, v)))
                .filter(|(_, v)| followed(v))
                .collect()
        };
        if wanted.is_empty() && returned_locals.is_empty() {
            return Vec::new();
        }
        // The parameter a variable is, or whose private struct it holds (with the
        // prefix of its fields).
        let base_of = |var: &str| -> Option<(usize, &str)> {
            if let Some(p) = param_index(var) {
                return Some((p, ""));
            }
            self.private_aliases
                .iter()
                .find(|(a, _, _)| a == var)
                .filter(|(_, p, _)| *p < 64 && reassigned & (1 << p) == 0)
                .map(|(_, p, prefix)| (*p, &**prefix))
        };
        let mut gens: HashMap<u32, Vec<FieldFact>> = HashMap::default();
        for (node, fact) in &self.local_field_nodes {
            if followed(&self.local_field_facts[*fact as usize].var) {
                gens.entry(*node)
                    .or_default()
                    .push(self.local_field_facts[*fact as usize].clone());
            }
        }
        let mut assigns: HashMap<u32, Vec<FieldFact>> = HashMap::default();
        for (node, fact) in &self.local_field_assigns {
            // A parameter's value stored: as it was entered only if never assigned.
            let stored_param_kept = fact.param.is_none_or(|p| reassigned & (1 << p) == 0);
            if followed(&fact.var) && stored_param_kept {
                assigns.entry(*node).or_default().push(fact.clone());
            }
        }
        // A write through a copy is a write through every name it copies (into the
        // member the copy points into, when it points into one).
        let mut names_of: HashMap<&str, Vec<(&str, Option<&str>)>> = HashMap::default();
        for (copy, var, member) in &self.local_copies {
            names_of
                .entry(copy)
                .or_default()
                .push((var, member.as_deref()));
        }
        // The locals themselves written (`SetLocal` nodes, by the id of their name).
        let mut var_of_cond: HashMap<u32, &str> = HashMap::default();
        for f in self
            .local_field_facts
            .iter()
            .chain(self.local_field_assigns.iter().map(|(_, f)| f))
        {
            if let Some(&cond) = self.cond_ids.get(&f.var) {
                var_of_cond.insert(cond, &f.var);
            }
        }
        let set_locals = self
            .local_value_writes
            .iter()
            .filter_map(|(node, cond, _)| var_of_cond.get(cond).map(|v| (*node, v.to_string())));
        let mut writes: Vec<(u32, String, Option<Box<str>>)> =
            set_locals.map(|(node, var)| (node, var, None)).collect();
        // An escaped object may be changed by any call or write through another
        // pointer reachable from its escape (`escaped_at`: (node, local)).
        let escaped_at = self.escape_reach(&names_of);
        for (node, var) in &escaped_at {
            // (Returns are there for `returned_stores`, not as writes.)
            let returns = matches!(self.nodes[*node as usize].kind, NodeKind::Nop)
                && !self.foreign_writes.contains(node);
            if !returns {
                writes.push((*node, var.to_string(), None));
            }
        }
        // (local, top-level member: `None` for all of the object)
        let mut kills: HashMap<u32, Vec<(&str, Option<&str>)>> = HashMap::default();
        for (node, var, member) in self.local_pointer_writes.iter().chain(&writes) {
            let killed = kills.entry(*node).or_default();
            let mut todo = vec![(var.as_str(), member.as_deref())];
            while let Some((v, m)) = todo.pop() {
                if killed.contains(&(v, m)) || killed.len() > 64 {
                    continue;
                }
                killed.push((v, m));
                for &(original, into) in names_of.get(v).map(Vec::as_slice).unwrap_or(&[]) {
                    todo.push((original, into.or(m)));
                }
            }
        }
        // Writes through parameters: anywhere (bit set), into one member (with the
        // private prefix when through the struct), or by a program function given
        // the parameter or its struct (soft, marked by the call's bit; from the 65th
        // on, anywhere).
        let mut param_kills: HashMap<u32, u64> = HashMap::default();
        for &(node, mask) in &self.clobbers {
            *param_kills.entry(node).or_default() |= mask;
        }
        let mut member_kills: HashMap<u32, Vec<(usize, &str)>> = HashMap::default();
        for (node, p, m) in &self.member_clobbers {
            member_kills
                .entry(*node)
                .or_default()
                .push((usize::from(*p), m));
        }
        // (call's bit, parameter, whether only the private struct was given)
        let mut soft: HashMap<u32, Vec<(u64, usize, bool)>> = HashMap::default();
        for (k, &(node, p, _, _)) in self.soft_clobbers.iter().enumerate() {
            let private = p & crate::facts::PRIVATE_PASS != 0;
            let p = usize::from(crate::facts::pass_param(p));
            if k < 64 {
                soft.entry(node).or_default().push((1 << k, p, private));
            } else {
                *param_kills.entry(node).or_default() |= 1 << p;
            }
        }
        let top = |path: &str| path.split('.').next().unwrap_or(path).to_string();
        // Facts on entry to each node (`None`: not reached yet).
        let mut input: Vec<Option<Vec<FieldFact>>> = vec![None; self.nodes.len()];
        input[ENTRY as usize] = Some(Vec::new());
        let mut work = vec![ENTRY];
        let mut visits = 0usize;
        while let Some(node) = work.pop() {
            visits += 1;
            if visits > 64 * self.nodes.len() + 64 {
                return Vec::new();
            }
            let Some(mut state) = input[node as usize].clone() else {
                continue;
            };
            // A condition's facts hold from its node on; a write recorded at a node
            // happens as the node is left (after the condition it follows), and an
            // assignment's own fact after that.
            for g in gens.get(&node).map(Vec::as_slice).unwrap_or(&[]) {
                add_fact(&mut state, g);
            }
            if let Some(vars) = kills.get(&node) {
                state.retain_mut(|f| {
                    for &(v, m) in vars {
                        if v != f.var {
                            continue;
                        }
                        let Some(m) = m else {
                            return false;
                        };
                        match &mut f.returned {
                            Some((_, written)) => {
                                if !written.iter().any(|w| **w == *m) {
                                    written.push(m.into());
                                }
                                if written.len() > MAX_VALUES {
                                    return false;
                                }
                            }
                            None if top(&f.path) == m => return false,
                            None => {}
                        }
                    }
                    true
                });
            }
            let killed = param_kills.get(&node).copied().unwrap_or(0);
            let members = member_kills.get(&node).map(Vec::as_slice).unwrap_or(&[]);
            let passes = soft.get(&node).map(Vec::as_slice).unwrap_or(&[]);
            if killed != 0 || !members.is_empty() || !passes.is_empty() {
                state.retain_mut(|f| {
                    let Some((p, prefix)) = base_of(&f.var) else {
                        return true;
                    };
                    if killed & (1 << p) != 0 {
                        return false;
                    }
                    let member = format!("{prefix}{}", top(&f.path));
                    if members.iter().any(|(q, m)| *q == p && **m == member) {
                        return false;
                    }
                    for &(bit, q, private) in passes {
                        // The struct given reaches its own fields only.
                        if q == p && (!private || !prefix.is_empty()) {
                            f.passes |= bit;
                        }
                    }
                    true
                });
            }
            for a in assigns.get(&node).map(Vec::as_slice).unwrap_or(&[]) {
                state.retain(|f| !(f.var == a.var && f.path == a.path));
                state.push(a.clone());
            }
            for &succ in &self.nodes[node as usize].succs {
                let changed = match &mut input[succ as usize] {
                    slot @ None => {
                        *slot = Some(state.clone());
                        true
                    }
                    Some(old) => {
                        let before = old.clone();
                        old.retain_mut(|f| match state.iter().find(|s| s.same(f)) {
                            Some(s) => f.join(s),
                            None => false,
                        });
                        *old != before
                    }
                };
                if changed {
                    work.push(succ);
                }
            }
        }
        let mut call_nodes: HashMap<u32, u32> = HashMap::default();
        for (i, n) in self.nodes.iter().enumerate() {
            if let NodeKind::Call(c) = n.kind {
                call_nodes.insert(c, i as u32);
            }
        }
        let mut out: Vec<ObjectArg> = Vec::new();
        let mut marked = false;
        for (call, arg, name) in wanted {
            let Some(state) = call_nodes
                .get(&call)
                .and_then(|&n| input[n as usize].as_ref())
            else {
                continue;
            };
            // A parameter given: its own facts, and its private struct's.
            let given = param_index(name);
            let mut fields: Vec<(Box<str>, Vec<FieldVal>)> = Vec::new();
            let mut stored_by = None;
            for f in state {
                if let Some((from, written)) = &f.returned {
                    if f.var == name {
                        stored_by = Some(Box::new(crate::facts::StoredBy {
                            call: *from,
                            written: written.clone(),
                        }));
                    }
                    continue;
                }
                let path: Box<str> = if f.var == name {
                    f.path.clone()
                } else {
                    match (given, base_of(&f.var)) {
                        (Some(p), Some((q, prefix))) if p == q && !prefix.is_empty() => {
                            format!("{prefix}{}", f.path).into()
                        }
                        _ => continue,
                    }
                };
                let path = if f.passes != 0 {
                    marked = true;
                    crate::facts::unwritten_path(&path, f.passes)
                } else {
                    path
                };
                let vals = f.field_values();
                // A value fact says more than a bit fact of the same field.
                match fields.iter().position(|(p, _)| *p == path) {
                    Some(i) if !f.bits => fields[i].1 = vals,
                    Some(_) => {}
                    None => fields.push((path, vals)),
                }
            }
            if (!fields.is_empty() || stored_by.is_some())
                && !out.iter().any(|o| o.call == call && o.arg == arg)
            {
                out.push(ObjectArg {
                    call,
                    arg,
                    fields,
                    zero_rest: false,
                    stored_by,
                    history: None,
                });
            }
        }
        let stores = returned_stores(&returned_locals, &input, &escaped_at);
        self.returned_stores = stores;
        if marked {
            self.keep_soft_passes();
        }
        out
    }

    /// The nodes each escaping local's object may be reached from elsewhere at:
    /// those reachable from where it (or a copy of it) escapes that may change it (a
    /// call, a write through another pointer) or return it. (node, local), sorted.
    fn escape_reach<'s>(
        &'s self,
        names_of: &HashMap<&'s str, Vec<(&'s str, Option<&'s str>)>>,
    ) -> Vec<(u32, &'s str)> {
        let mut out: Vec<(u32, &str)> = Vec::new();
        if self.local_escapes.is_empty() {
            return out;
        }
        let mut wanted = vec![false; self.nodes.len()];
        for (i, n) in self.nodes.iter().enumerate() {
            wanted[i] = match n.kind {
                NodeKind::Call(c) => self
                    .calls
                    .get(c as usize)
                    .is_none_or(|c| c.indirect || !self.knowledge.changes_nothing(&c.callee)),
                NodeKind::Guard { .. } => true,
                _ => false,
            };
        }
        for &n in self
            .foreign_writes
            .iter()
            .chain(self.return_nodes.iter().map(|(n, _)| n))
        {
            if let Some(w) = wanted.get_mut(n as usize) {
                *w = true;
            }
        }
        for (at, var) in &self.local_escapes {
            // The copy escaping takes the objects it copies with it.
            let mut vars = vec![var.as_str()];
            let mut i = 0;
            while i < vars.len() && vars.len() < 16 {
                for &(original, _) in names_of.get(vars[i]).map(Vec::as_slice).unwrap_or(&[]) {
                    if !vars.contains(&original) {
                        vars.push(original);
                    }
                }
                i += 1;
            }
            let mut seen = vec![false; self.nodes.len()];
            let mut todo: Vec<u32> = self
                .nodes
                .get(*at as usize)
                .map_or(&[][..], |n| &n.succs[..])
                .to_vec();
            while let Some(n) = todo.pop() {
                if std::mem::replace(&mut seen[n as usize], true) {
                    continue;
                }
                if wanted[n as usize] {
                    for v in &vars {
                        out.push((n, v));
                    }
                }
                todo.extend(&self.nodes[n as usize].succs);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

impl FieldFact {
    /// The values the fact says the field may have, as a call's object argument
    /// gives them.
    fn field_values(&self) -> Vec<FieldVal> {
        if let Some(p) = self.param {
            return vec![FieldVal::Param(p)];
        }
        if self.bits {
            self.values
                .iter()
                .take(1)
                .cloned()
                .map(FieldVal::Has)
                .collect()
        } else {
            self.values.iter().cloned().map(FieldVal::Val).collect()
        }
    }
}

/// What the object the function returns holds (`FunctionValues::returned_stores`):
/// the fields known of the returned local at every `return` of one (`returned`:
/// (node, local)) where nothing else can reach it (`escaped_at`), each with the values
/// any of them says it may have.
fn returned_stores(
    returned: &[(u32, &str)],
    input: &[Option<Vec<FieldFact>>],
    escaped_at: &[(u32, &str)],
) -> Vec<(Box<str>, Vec<FieldVal>)> {
    let mut out: Option<Vec<(Box<str>, Vec<FieldVal>)>> = None;
    for &(node, var) in returned {
        if escaped_at.binary_search(&(node, var)).is_ok() {
            return Vec::new();
        }
        // A return never reached returns nothing.
        let Some(state) = input.get(node as usize).and_then(Option::as_ref) else {
            continue;
        };
        let mut here: Vec<(Box<str>, Vec<FieldVal>)> = Vec::new();
        for f in state {
            if f.var != var || f.passes != 0 || f.returned.is_some() || f.path.is_empty() {
                continue;
            }
            let vals = f.field_values();
            match here.iter().position(|(p, _)| *p == f.path) {
                Some(i) if !f.bits => here[i].1 = vals,
                Some(_) => {}
                None => here.push((f.path.clone(), vals)),
            }
        }
        out = Some(match out {
            None => here,
            Some(mut known) => {
                known.retain_mut(|(path, vals)| {
                    let Some((_, more)) = here.iter().find(|(p, _)| p == path) else {
                        return false;
                    };
                    for v in more {
                        if !vals.contains(v) {
                            vals.push(v.clone());
                        }
                    }
                    vals.len() <= MAX_VALUES
                });
                known
            }
        });
    }
    let mut out = out.unwrap_or_default();
    out.retain(|(_, vals)| !vals.is_empty());
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Adds a fact that holds at a node to the state: a value fact narrows the values
/// known; a bit fact adds its masks.
fn add_fact(state: &mut Vec<FieldFact>, g: &FieldFact) {
    match state.iter_mut().find(|f| f.same(g)) {
        // What holds now is all that is sure.
        Some(f) if f.passes != 0 => *f = g.clone(),
        Some(f) if f.bits => {
            for v in &g.values {
                if !f.values.contains(v) {
                    f.values.push(v.clone());
                }
            }
        }
        Some(f) => f.values.retain(|v| g.values.contains(v)),
        None => state.push(g.clone()),
    }
}

/// `x->f == A || x->f == B`: the field has one of both sides' values.
fn either(left: &[FieldFact], right: &[FieldFact]) -> Option<FieldFact> {
    let ([l], [r]) = (left, right) else {
        return None;
    };
    if !l.same(r) || l.bits {
        return None;
    }
    let mut values = [l.values.clone(), r.values.clone()].concat();
    values.sort();
    values.dedup();
    (values.len() <= MAX_VALUES && l.param.is_none() && r.param.is_none())
        .then(|| FieldFact::values(l.var.clone(), l.path.clone(), values))
}

/// Where `name` occurs in `body` as a whole identifier (byte offsets).
fn occurrences<'b>(body: &'b [u8], name: &'b [u8]) -> impl Iterator<Item = usize> + 'b {
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    std::iter::from_fn(move || {
        while i + name.len() <= body.len() {
            let at = i;
            if &body[at..at + name.len()] != name
                || (at > 0 && ident(body[at - 1]))
                || body.get(at + name.len()).is_some_and(|&b| ident(b))
            {
                i += 1;
                continue;
            }
            i += name.len();
            return Some(at);
        }
        None
    })
}

/// How many times `body` steps `name` forward by one (`name++`, `++name`).
fn increments_of(body: &[u8], name: &[u8]) -> usize {
    occurrences(body, name)
        .filter(|&i| {
            body[i + name.len()..].trim_ascii_start().starts_with(b"++")
                || body[..i].trim_ascii_end().ends_with(b"++")
        })
        .count()
}

/// How many times `body` may write `name` or take its address: `name =` (not `==`),
/// compound assignments, `++`/`--` on either side, `&name`.
fn writes_of(body: &[u8], name: &[u8]) -> usize {
    let mut count = 0;
    for i in occurrences(body, name) {
        let before = body[..i].iter().rev().find(|b| !b.is_ascii_whitespace());
        let mut j = i + name.len();
        while body.get(j).is_some_and(|b| b.is_ascii_whitespace()) {
            j += 1;
        }
        let after = &body[j..body.len().min(j + 3)];
        let assigns = match after {
            [b'=', b'=', ..] => false,
            [b'=', ..] | [b'+', b'+', ..] | [b'-', b'-', ..] => true,
            [b'<', b'<', b'='] | [b'>', b'>', b'='] => true,
            [op, b'=', ..] => b"+-*/%&|^".contains(op),
            _ => false,
        };
        let prefix = |p: &[u8]| body[..i].trim_ascii_end().ends_with(p);
        // `&x->f`, `&x[1]` take the address of what `x` points to, not of `x`.
        let member = after.starts_with(b"->") || after.starts_with(b"[") || after.starts_with(b".");
        let address = before == Some(&b'&') && !prefix(b"&&") && !member;
        if assigns || address || prefix(b"++") || prefix(b"--") {
            count += 1;
        }
    }
    count
}
