//! One walk of a tree-sitter tree → [`FileFacts`]: functions, their calls, and a
//! control-flow graph of each body.
//!
//! Every loop over the tree uses an explicit stack, except the statement-level CFG
//! builder, which recurses once per nesting level and stops at [`MAX_NESTING`]: deeper
//! code is still scanned for calls (in source order, iteratively) but without flow.

use std::collections::HashMap;

use tree_sitter::{Node, Tree};

use crate::facts::{Call, Cfg, CfgNode, ENTRY, EXIT, FileFacts, Function, NodeKind, Param, Span};
use crate::knowledge::{GuardOp, Knowledge};

/// Statement nesting handled flow-sensitively. Real kernel code nests < 20 deep.
pub const MAX_NESTING: usize = 200;
/// Longest argument text kept; longer arguments are cut (and then evaluate as unknown).
pub const MAX_ARG_TEXT: usize = 240;

pub fn extract(
    path: &str,
    tree: &Tree,
    src: &[u8],
    original: &[u8],
    knowledge: &Knowledge,
) -> FileFacts {
    let root = tree.root_node();
    let mut facts = FileFacts {
        path: path.to_string(),
        ..FileFacts::default()
    };
    if root.has_error() {
        facts.parse_errors = count_errors(root);
    }
    // Find function definitions wherever they can be: at top level, inside
    // preprocessor conditionals, and in ERROR nodes left by error recovery.
    let mut stack = vec![root];
    let mut cursor = root.walk();
    while let Some(node) = stack.pop() {
        if node.kind() == "function_definition" {
            if let Some(f) = function(node, src, original, knowledge) {
                facts.functions.push(f);
            }
            continue;
        }
        let start = stack.len();
        cursor.reset(node);
        for child in node.named_children(&mut cursor) {
            if super::decls::wants(child.kind()) {
                super::decls::collect(child, src, original, &mut facts);
            }
            if may_contain_functions(child.kind()) {
                stack.push(child);
            }
        }
        stack[start..].reverse();
    }
    facts
}

fn may_contain_functions(kind: &str) -> bool {
    matches!(
        kind,
        "function_definition"
            | "translation_unit"
            | "preproc_if"
            | "preproc_ifdef"
            | "preproc_else"
            | "preproc_elif"
            | "preproc_elifdef"
            | "ERROR"
            | "linkage_specification"
            | "declaration_list"
            | "compound_statement"
            | "expression_statement"
    )
}

fn count_errors(root: Node) -> u32 {
    let mut count = 0;
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            count += 1;
        }
        if node.has_error() {
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
    }
    count
}

pub fn span_of(node: Node) -> Span {
    let s = node.start_position();
    let e = node.end_position();
    Span {
        start: node.start_byte() as u32,
        end: node.end_byte() as u32,
        line: s.row as u32 + 1,
        column: s.column as u32 + 1,
        end_line: e.row as u32 + 1,
        end_column: e.column as u32 + 1,
    }
}

/// Source text with comments removed and whitespace collapsed, cut at `max` bytes.
pub fn clean_text(bytes: &[u8], max: usize) -> String {
    let mut out = String::new();
    let text = String::from_utf8_lossy(bytes);
    let b = text.as_bytes();
    let mut i = 0;
    let mut pending_space = false;
    while i < b.len() && out.len() < max {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = text[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
            pending_space = true;
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            i = text[i..].find('\n').map_or(b.len(), |e| i + e);
            pending_space = true;
            continue;
        }
        if c.is_ascii_whitespace() || c == b'\\' && b.get(i + 1) == Some(&b'\n') {
            pending_space = true;
            i += 1;
            continue;
        }
        if c == b'"' || c == b'\'' {
            // Copy the literal whole, so comment markers inside it are not comments.
            let start = i;
            i += 1;
            while i < b.len() && b[i] != c && b[i] != b'\n' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(b.len());
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push_str(&text[start..i]);
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        let ch_len = text[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&text[i..i + ch_len]);
        i += ch_len;
    }
    out
}

fn text<'a>(node: Node, src: &'a [u8]) -> &'a str {
    std::str::from_utf8(&src[node.start_byte()..node.end_byte()]).unwrap_or("")
}

fn function<'a>(
    def: Node<'a>,
    src: &'a [u8],
    original: &'a [u8],
    knowledge: &'a Knowledge,
) -> Option<Function> {
    let body = def.child_by_field_name("body")?;
    let declarator = def.child_by_field_name("declarator")?;
    // Walk down pointer/parenthesized declarators to the function declarator.
    let mut d = declarator;
    let mut fdecl = None;
    for _ in 0..32 {
        if d.kind() == "function_declarator" {
            fdecl = Some(d);
            break;
        }
        d = d
            .child_by_field_name("declarator")
            .or_else(|| d.named_child(0))?;
    }
    let fdecl = fdecl?;
    let mut name_node = fdecl.child_by_field_name("declarator")?;
    for _ in 0..32 {
        if name_node.kind() == "identifier" {
            break;
        }
        match name_node
            .child_by_field_name("declarator")
            .or_else(|| name_node.named_child(0))
        {
            Some(n) => name_node = n,
            None => break,
        }
    }
    let name = text(name_node, src).to_string();
    if name.is_empty() {
        return None;
    }
    let mut cursor = def.walk();
    let is_static = def
        .children(&mut cursor)
        .any(|c| c.kind() == "storage_class_specifier" && text(c, src).trim() == "static");
    let mut params = Vec::new();
    if let Some(list) = fdecl.child_by_field_name("parameters") {
        let mut cursor = list.walk();
        for p in list.named_children(&mut cursor) {
            if p.kind() != "parameter_declaration" {
                continue;
            }
            let ty = p
                .child_by_field_name("type")
                .map(|t| clean_text(&original[t.byte_range()], 80))
                .unwrap_or_default();
            let pname = p
                .child_by_field_name("declarator")
                .map(|d| innermost_identifier(d, src))
                .unwrap_or_default();
            params.push(Param { name: pname, ty });
        }
    }
    let mut builder = CfgBuilder::new(src, original, knowledge, &params, def);
    let start = builder.new_node(NodeKind::Nop);
    debug_assert_eq!(start, ENTRY);
    let exit = builder.new_node(NodeKind::Nop);
    debug_assert_eq!(exit, EXIT);
    builder.nodes[EXIT as usize].scope = 0;
    let end = builder.statement(body, Some(ENTRY), 0);
    if let Some(end) = end {
        builder.edge(end, EXIT);
    }
    builder.resolve_gotos();
    Some(Function {
        name,
        is_static,
        name_span: span_of(name_node),
        params,
        calls: builder.calls,
        cfg: Cfg {
            nodes: builder.nodes,
            scope_parents: builder.scope_parents,
        },
        truncated: builder.truncated,
    })
}

fn innermost_identifier(mut d: Node, src: &[u8]) -> String {
    for _ in 0..32 {
        if d.kind() == "identifier" {
            return text(d, src).to_string();
        }
        match d
            .child_by_field_name("declarator")
            .or_else(|| d.named_child(0))
        {
            Some(n) => d = n,
            None => break,
        }
    }
    String::new()
}

/// The conditions under which a branch is taken: (call index, value it returned).
type Facts = Vec<(u32, bool)>;

struct CfgBuilder<'a> {
    src: &'a [u8],
    original: &'a [u8],
    knowledge: &'a Knowledge,
    gfp_params: Vec<String>,
    nodes: Vec<CfgNode>,
    calls: Vec<Call>,
    scope_parents: Vec<u32>,
    scope: u32,
    labels: HashMap<String, u32>,
    gotos: Vec<(u32, String)>,
    /// (break target, continue target) of enclosing loops/switches; continue is None for switch.
    jumps: Vec<(u32, Option<u32>)>,
    /// Case label nodes are attached to the innermost switch's dispatch node.
    switch_dispatch: Vec<u32>,
    truncated: bool,
    /// Maps a call expression's byte range to its index in `calls`, for conditions.
    call_at: HashMap<(usize, usize), u32>,
    /// Reused for child iteration (creating a cursor allocates).
    cursor: tree_sitter::TreeCursor<'a>,
}

impl<'a> CfgBuilder<'a> {
    fn new(
        src: &'a [u8],
        original: &'a [u8],
        knowledge: &'a Knowledge,
        params: &[Param],
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
            labels: HashMap::new(),
            gotos: Vec::new(),
            jumps: Vec::new(),
            switch_dispatch: Vec::new(),
            truncated: false,
            call_at: HashMap::new(),
            cursor: root.walk(),
        }
    }

    fn new_node(&mut self, kind: NodeKind) -> u32 {
        self.nodes.push(CfgNode {
            kind,
            succs: Vec::new(),
            scope: self.scope,
        });
        (self.nodes.len() - 1) as u32
    }

    fn edge(&mut self, from: u32, to: u32) {
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

    fn resolve_gotos(&mut self) {
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
            let kind = node.kind();
            if kind == "comment" {
                continue;
            }
            if expanded {
                if kind == "call_expression" {
                    let idx = self.record_call(node, target);
                    let kind = match self.calls[idx as usize].guard_class {
                        Some(_) => NodeKind::Guard {
                            call: idx,
                            scope: self.scope,
                        },
                        None => NodeKind::Call(idx),
                    };
                    cur = Some(self.append(cur, kind));
                }
                continue;
            }
            stack.push((node, true, target));
            match kind {
                "call_expression" => {
                    let func = node.child_by_field_name("function");
                    let is_guard = func.is_some_and(|f| self.guard_call_class(f).is_some());
                    // The callee expression is evaluated first (rarely has calls), except
                    // for `guard(class)(...)`, whose inner call is the guard's class.
                    if let Some(args) = node.child_by_field_name("arguments") {
                        stack.push((args, false, None));
                    }
                    if let (Some(f), false) = (func, is_guard)
                        && f.kind() != "identifier"
                    {
                        stack.push((f, false, None));
                    }
                }
                "assignment_expression" => {
                    let left = node.child_by_field_name("left");
                    if let Some(r) = node.child_by_field_name("right") {
                        stack.push((r, false, left));
                    }
                    if let Some(l) = left {
                        stack.push((l, false, None));
                    }
                }
                "init_declarator" => {
                    let decl = node.child_by_field_name("declarator");
                    if let Some(v) = node.child_by_field_name("value") {
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

    /// For `guard(class)` used as the callee of `guard(class)(args)`: the class.
    fn guard_call_class(&self, func: Node) -> Option<String> {
        if func.kind() != "call_expression" {
            return None;
        }
        let inner = func.child_by_field_name("function")?;
        if text(inner, self.src) != "guard" {
            return None;
        }
        let args = func.child_by_field_name("arguments")?;
        let first = args.named_child(0)?;
        Some(text(first, self.src).trim().to_string())
    }

    fn record_call(&mut self, node: Node, target: Option<Node>) -> u32 {
        let func = node.child_by_field_name("function");
        let args_node = node.child_by_field_name("arguments");
        let mut call = Call {
            span: span_of(node),
            ..Call::default()
        };
        let mut arg_nodes: Vec<Node> = Vec::new();
        if let Some(a) = args_node {
            let mut c = a.walk();
            arg_nodes = a
                .named_children(&mut c)
                .filter(|n| n.kind() != "comment")
                .collect();
        }
        call.arg_count = arg_nodes.len() as u32;
        match func {
            Some(f) if f.kind() == "identifier" => call.callee = text(f, self.src).to_string(),
            Some(f) => {
                if let Some(class) = self.guard_call_class(f) {
                    call.callee = "guard".into();
                    call.guard_class = Some(class);
                } else {
                    call.callee = clean_text(&self.original[f.byte_range()], 80);
                    call.indirect = true;
                }
            }
            None => call.indirect = true,
        }
        if let Some(t) = target {
            call.assigned_to = Some(match t.kind() {
                "identifier" | "field_expression" | "subscript_expression" => {
                    clean_text(&self.original[t.byte_range()], 120)
                }
                _ => innermost_identifier(t, self.src),
            });
        }
        if self.keeps_args(&call.callee, call.guard_class.is_some(), args_node) {
            call.args = arg_nodes
                .iter()
                .map(|a| clean_text(&self.original[a.byte_range()], MAX_ARG_TEXT))
                .collect();
        }
        let idx = self.calls.len() as u32;
        self.call_at
            .insert((node.start_byte(), node.end_byte()), idx);
        self.calls.push(call);
        idx
    }

    /// Whether later stages read this call's arguments. Keeping them for every call of
    /// a `drivers/` tree would cost hundreds of MB, so only these are kept: known APIs,
    /// guards, and calls whose arguments mention GFP flags or a `gfp_t` parameter.
    fn keeps_args(&self, callee: &str, is_guard: bool, args: Option<Node>) -> bool {
        if is_guard
            || self.knowledge.lock_op(callee).is_some()
            || self.knowledge.allocator(callee).is_some()
            || self.knowledge.free_families(callee).is_some()
        {
            return true;
        }
        let Some(args) = args else { return false };
        let raw = &self.src[args.byte_range()];
        contains(raw, b"GFP")
            || contains(raw, b"gfp")
            || self.gfp_params.iter().any(|p| contains(raw, p.as_bytes()))
    }

    /// Builds the CFG of one statement, entered from `cur`; returns where control
    /// continues afterwards (`None` if it does not, e.g. after `return`).
    fn statement(&mut self, node: Node<'a>, cur: Option<u32>, depth: usize) -> Option<u32> {
        if depth > MAX_NESTING {
            self.truncated = true;
            return self.expression(node, cur);
        }
        let d = depth + 1;
        match node.kind() {
            "compound_statement" => {
                let saved = self.scope;
                self.push_scope();
                let end = self.block_items(node, cur, d);
                self.scope = saved;
                // A node in the outer scope, so guards of the block end here.
                end.map(|e| self.append(Some(e), NodeKind::Nop))
            }
            "expression_statement" | "declaration" => self.expression(node, cur),
            "if_statement" => self.if_statement(node, cur, d),
            "while_statement" => {
                let head = self.append(cur, NodeKind::Nop);
                let exit = self.new_node(NodeKind::Nop);
                let cond = node.child_by_field_name("condition");
                let after_cond = match cond {
                    Some(c) => self.expression(c, Some(head)),
                    None => Some(head),
                };
                let (t, f) = cond.map(|c| self.condition_facts(c, 0)).unwrap_or_default();
                let body_entry = self.assume(after_cond, &t);
                let false_edge = self.assume(after_cond, &f);
                if let Some(fe) = false_edge {
                    self.edge(fe, exit);
                }
                self.jumps.push((exit, Some(head)));
                let body_end = match node.child_by_field_name("body") {
                    Some(b) => self.statement(b, body_entry, d),
                    None => body_entry,
                };
                self.jumps.pop();
                if let Some(be) = body_end {
                    self.edge(be, head);
                }
                Some(exit)
            }
            "do_statement" => {
                let head = self.append(cur, NodeKind::Nop);
                let exit = self.new_node(NodeKind::Nop);
                let cont = self.new_node(NodeKind::Nop);
                self.jumps.push((exit, Some(cont)));
                let body_end = match node.child_by_field_name("body") {
                    Some(b) => self.statement(b, Some(head), d),
                    None => Some(head),
                };
                self.jumps.pop();
                if let Some(be) = body_end {
                    self.edge(be, cont);
                }
                let cond = node.child_by_field_name("condition");
                let after = match cond {
                    Some(c) => self.expression(c, Some(cont)),
                    None => Some(cont),
                };
                let (t, f) = cond.map(|c| self.condition_facts(c, 0)).unwrap_or_default();
                if let Some(te) = self.assume(after, &t) {
                    self.edge(te, head);
                }
                if let Some(fe) = self.assume(after, &f) {
                    self.edge(fe, exit);
                }
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
                let head = self.append(c, NodeKind::Nop);
                let exit = self.new_node(NodeKind::Nop);
                let cont = self.new_node(NodeKind::Nop);
                let cond = node.child_by_field_name("condition");
                let after_cond = match cond {
                    Some(cn) => self.expression(cn, Some(head)),
                    None => Some(head),
                };
                let (t, f) = cond
                    .map(|cn| self.condition_facts(cn, 0))
                    .unwrap_or_default();
                let body_entry = self.assume(after_cond, &t);
                if cond.is_some()
                    && let Some(fe) = self.assume(after_cond, &f)
                {
                    self.edge(fe, exit);
                }
                self.jumps.push((exit, Some(cont)));
                let body_end = match node.child_by_field_name("body") {
                    Some(b) => self.statement(b, body_entry, d),
                    None => body_entry,
                };
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
                Some(exit)
            }
            "switch_statement" => {
                let c = match node.child_by_field_name("condition") {
                    Some(cn) => self.expression(cn, cur),
                    None => cur,
                };
                let dispatch = self.append(c, NodeKind::Nop);
                let exit = self.new_node(NodeKind::Nop);
                self.jumps.push((exit, None));
                self.switch_dispatch.push(dispatch);
                let body_end = match node.child_by_field_name("body") {
                    Some(b) => self.statement(b, None, d),
                    None => None,
                };
                self.switch_dispatch.pop();
                self.jumps.pop();
                if let Some(be) = body_end {
                    self.edge(be, exit);
                }
                // Without a `default:` the switch may match nothing.
                if !has_default(node) {
                    self.edge(dispatch, exit);
                }
                Some(exit)
            }
            "case_statement" => {
                let label = self.append(cur, NodeKind::Nop);
                if let Some(&dispatch) = self.switch_dispatch.last() {
                    self.edge(dispatch, label);
                }
                let value = node.child_by_field_name("value").map(|v| v.id());
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
                }
                None
            }
            "goto_statement" => {
                if let (Some(c), Some(label)) = (cur, node.child_by_field_name("label")) {
                    let l = text(label, self.src).to_string();
                    self.gotos.push((c, l));
                }
                None
            }
            "labeled_statement" => {
                let label_node = self.append(cur, NodeKind::Nop);
                if let Some(l) = node.child_by_field_name("label") {
                    let name = text(l, self.src).to_string();
                    self.labels.insert(name, label_node);
                }
                let mut cursor = node.walk();
                let inner: Vec<Node> = node.named_children(&mut cursor).skip(1).collect();
                let mut c = Some(label_node);
                for s in inner {
                    c = self.statement(s, c, d);
                }
                c
            }
            "preproc_if" | "preproc_ifdef" | "preproc_elif" | "preproc_elifdef"
            | "preproc_else" => {
                // Configuration alternatives: either side may be compiled in.
                let alt = node.child_by_field_name("alternative");
                let skip: Vec<usize> = ["condition", "name", "alternative"]
                    .iter()
                    .filter_map(|f| node.child_by_field_name(f).map(|n| n.id()))
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
                let mut cursor = node.walk();
                let items: Vec<Node> = node.named_children(&mut cursor).collect();
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
        let mut cursor = block.walk();
        let items: Vec<Node> = block.named_children(&mut cursor).collect();
        self.items(&items, cur, depth)
    }

    /// A sequence of statements. Recognises the remaining "macro call with a missing
    /// `;` followed by a block" shape (an iterator macro the pre-pass does not know)
    /// and treats the block as that macro's loop body.
    fn items(&mut self, items: &[Node<'a>], mut cur: Option<u32>, depth: usize) -> Option<u32> {
        let mut i = 0;
        while i < items.len() {
            let item = items[i];
            let next = items.get(i + 1);
            if item.kind() == "expression_statement"
                && next.is_some_and(|n| n.kind() == "compound_statement")
                && missing_semicolon(item)
            {
                let head = self.expression(item, cur);
                let head = self.append(head, NodeKind::Nop);
                let exit = self.new_node(NodeKind::Nop);
                self.edge(head, exit);
                self.jumps.push((exit, Some(head)));
                let body_end = self.statement(items[i + 1], Some(head), depth);
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

    fn if_statement(&mut self, node: Node<'a>, cur: Option<u32>, depth: usize) -> Option<u32> {
        let cond = node.child_by_field_name("condition");
        // `scoped_guard(class, args) body`, which the pre-pass turned into `if (...)`.
        if self.original[node.start_byte()..].starts_with(b"scoped_") {
            return self.scoped_guard(node, cond, cur, depth);
        }
        let after_cond = match cond {
            Some(c) => self.expression(c, cur),
            None => cur,
        };
        let (t, f) = cond.map(|c| self.condition_facts(c, 0)).unwrap_or_default();
        let then_entry = self.assume(after_cond, &t);
        let then_end = match node.child_by_field_name("consequence") {
            Some(s) => self.statement(s, then_entry, depth),
            None => then_entry,
        };
        let else_entry = self.assume(after_cond, &f);
        let else_end = match node.child_by_field_name("alternative") {
            Some(alt) => {
                let mut cursor = alt.walk();
                let stmts: Vec<Node> = alt.named_children(&mut cursor).collect();
                self.items(&stmts, else_entry, depth)
            }
            None => else_entry,
        };
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
        let call = Call {
            callee: callee.into(),
            arg_count: args.len() as u32 + 1,
            args,
            span: header_span(node, cond),
            guard_class: Some(class),
            ..Call::default()
        };
        let idx = self.calls.len() as u32;
        self.calls.push(call);
        let saved = self.scope;
        let scope = self.push_scope();
        let guard = self.append(cur, NodeKind::Guard { call: idx, scope });
        let body_end = match node.child_by_field_name("consequence") {
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

    /// Adds `Assume` nodes for `facts` after `cur`.
    fn assume(&mut self, cur: Option<u32>, facts: &Facts) -> Option<u32> {
        let mut c = cur?;
        for &(call, truth) in facts {
            c = self.append(Some(c), NodeKind::Assume { call, truth });
        }
        Some(c)
    }

    /// What is known about condition calls when `cond` is true, and when it is false.
    fn condition_facts(&self, cond: Node, depth: usize) -> (Facts, Facts) {
        if depth > 16 {
            return (Vec::new(), Vec::new());
        }
        match cond.kind() {
            "parenthesized_expression" => match cond.named_child(0) {
                Some(inner) => self.condition_facts(inner, depth + 1),
                None => Default::default(),
            },
            "unary_expression" if cond.child(0).is_some_and(|op| op.kind() == "!") => {
                match cond.child_by_field_name("argument") {
                    Some(arg) => {
                        let (t, f) = self.condition_facts(arg, depth + 1);
                        (f, t)
                    }
                    None => Default::default(),
                }
            }
            "binary_expression" => {
                let op = cond
                    .child_by_field_name("operator")
                    .map(|o| o.kind())
                    .unwrap_or("");
                let (Some(l), Some(r)) = (
                    cond.child_by_field_name("left"),
                    cond.child_by_field_name("right"),
                ) else {
                    return Default::default();
                };
                let (lt, lf) = self.condition_facts(l, depth + 1);
                let (rt, rf) = self.condition_facts(r, depth + 1);
                match op {
                    "&&" => ([lt, rt].concat(), Vec::new()),
                    "||" => (Vec::new(), [lf, rf].concat()),
                    _ => Default::default(),
                }
            }
            "call_expression" => {
                let callee = cond
                    .child_by_field_name("function")
                    .map(|f| text(f, self.src))
                    .unwrap_or("");
                if (callee == "likely" || callee == "unlikely")
                    && let Some(arg) = cond
                        .child_by_field_name("arguments")
                        .and_then(|a| a.named_child(0))
                {
                    return self.condition_facts(arg, depth + 1);
                }
                match self.call_at.get(&(cond.start_byte(), cond.end_byte())) {
                    Some(&idx) => (vec![(idx, true)], vec![(idx, false)]),
                    None => Default::default(),
                }
            }
            _ => Default::default(),
        }
    }
}

fn flatten_comma<'t>(node: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut n = node;
    // comma_expression is right-nested: (a, (b, c)).
    for _ in 0..64 {
        if n.kind() == "comma_expression" {
            if let Some(l) = n.child_by_field_name("left") {
                out.push(l);
            }
            match n.child_by_field_name("right") {
                Some(r) => n = r,
                None => return,
            }
        } else {
            out.push(n);
            return;
        }
    }
}

fn has_default(switch: Node) -> bool {
    let Some(body) = switch.child_by_field_name("body") else {
        return false;
    };
    let mut cursor = body.walk();
    body.named_children(&mut cursor)
        .any(|c| c.kind() == "case_statement" && c.child_by_field_name("value").is_none())
}

fn missing_semicolon(stmt: Node) -> bool {
    let n = stmt.child_count();
    n > 0
        && stmt.child(n - 1).is_some_and(|c| c.is_missing())
        && stmt
            .named_child(0)
            .is_some_and(|c| c.kind() == "call_expression")
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

fn class_of(call: &Call) -> String {
    call.guard_class.clone().unwrap_or_default()
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
