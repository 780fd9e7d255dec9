//! One walk of a tree-sitter tree → [`FileFacts`]: functions, their calls, and a
//! control-flow graph of each body.
//!
//! Every loop over the tree uses an explicit stack, except the statement-level CFG
//! builder, which recurses once per nesting level and stops at [`MAX_NESTING`]: deeper
//! code is still scanned for calls (in source order, iteratively) but without flow.

use super::FastNode;

use tree_sitter::{Node, Tree};

use crate::facts::{
    Annotation, AnnotationKind, Call, Cfg, ENTRY, EXIT, FieldCallback, FileFacts, Function,
    FunctionValues, NodeKind, Param,
};
use crate::knowledge::Knowledge;

use super::cfg::CfgBuilder;
use super::text::text;
pub use super::text::{clean_text, span_of};

/// Statement nesting handled flow-sensitively. Real kernel code nests < 20 deep.
pub const MAX_NESTING: usize = 200;
/// Longest argument text kept; longer arguments are cut (and then evaluate as unknown).
pub const MAX_ARG_TEXT: usize = 240;
/// Declarations remembered per function for size operand types (a generated function
/// with more locals keeps the first ones).
pub(super) const MAX_DECLARED: usize = 512;

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
        (facts.parse_errors, facts.first_parse_error) = count_errors(root);
    }
    // Find function definitions wherever they can be: at top level, inside
    // preprocessor conditionals, and in ERROR nodes left by error recovery.
    // (node, inside a preprocessor conditional)
    facts.decls.pack_changes = super::decls::pack_changes(original);
    let brackets = super::brackets::unlock_brackets(original, knowledge);
    let mut stack = vec![(root, false)];
    let mut cursor = root.walk();
    while let Some((node, conditional)) = stack.pop() {
        if node.kind_str() == "function_definition" {
            if let Some(mut f) = function(
                node,
                src,
                original,
                knowledge,
                &brackets,
                &mut facts.field_callbacks,
            ) {
                f.conditional = conditional;
                facts.functions.push(f);
            }
            continue;
        }
        // Configuration conditionals only (`#ifdef CONFIG_...`), not include guards.
        let inner = conditional
            || (matches!(
                node.kind_str(),
                "preproc_if" | "preproc_ifdef" | "preproc_elif"
            ) && node
                .field("condition")
                .or_else(|| node.field("name"))
                .is_some_and(|c| text(c, src).contains("CONFIG_")));
        let start = stack.len();
        cursor.reset(node);
        for child in node.named_children(&mut cursor) {
            if super::decls::wants(child.kind_str()) {
                super::decls::collect(child, src, original, &mut facts);
            }
            if may_contain_functions(child.kind_str()) {
                stack.push((child, inner));
            } else {
                file_scope_item(child, src, original, knowledge, &mut facts);
            }
        }
        stack[start..].reverse();
    }
    keep_clears_of_once_sets(&mut facts.functions);
    facts.functions.shrink_to_fit();
    facts.decls.other_fn_macros = Vec::new();
    facts.decls.defines.seal();
    facts
}

/// Keeps, of the fields each function clears, those some function of the file only
/// sets (`OnceFields::clears`): the only ones `context::once` asks about.
fn keep_clears_of_once_sets(functions: &mut [crate::facts::Function]) {
    let mut once: Vec<&str> = functions
        .iter()
        .filter_map(|f| f.writes.as_deref())
        .flat_map(|w| w.only_sets())
        .map(|(_, path, _)| path.rsplit('.').next().unwrap_or(path))
        .collect();
    once.sort_unstable();
    once.dedup();
    let once: Vec<Box<str>> = once.into_iter().map(Box::from).collect();
    // Global flags some function of the file sets and none clears.
    let mut set: Vec<Box<str>> = Vec::new();
    let mut cleared: Vec<Box<str>> = Vec::new();
    for o in functions
        .iter()
        .filter_map(|f| f.writes.as_deref())
        .filter_map(|w| w.once.as_deref())
    {
        set.extend(o.global_sets.iter().cloned());
        cleared.extend(o.global_clears.iter().cloned());
    }
    set.sort();
    cleared.sort();

    cleared.dedup();
    let set_once = |g: &str| {
        set.binary_search_by(|x| (**x).cmp(g)).is_ok()
            && cleared.binary_search_by(|x| (**x).cmp(g)).is_err()
    };
    for f in functions {
        let Some(w) = f.writes.as_deref_mut() else {
            continue;
        };
        if let Some(o) = w.once.as_deref_mut() {
            o.clears.retain(|n| once.binary_search(n).is_ok());
            o.clears.shrink_to_fit();
            o.global_guards.retain(|(_, g)| set_once(g));
            o.global_guards.shrink_to_fit();
            o.global_sets = Vec::new();
            o.global_clears = Vec::new();
            if o.is_empty() {
                w.once = None;
            }
        }
        if w.is_empty() {
            f.writes = None;
        }
    }
}

/// The file-scope declarations of a header (structs, unions, typedefs, defines), in
/// the order [`extract`] collects them, without its functions: what the size model
/// reads from kernel headers that are not part of the run.
pub fn declarations(tree: &Tree, src: &[u8], original: &[u8]) -> crate::facts::Decls {
    let root = tree.root_node();
    let mut facts = FileFacts::default();
    facts.decls.pack_changes = super::decls::pack_changes(original);
    let mut stack = vec![root];
    let mut cursor = root.walk();
    while let Some(node) = stack.pop() {
        let start = stack.len();
        cursor.reset(node);
        for child in node.named_children(&mut cursor) {
            if super::decls::wants(child.kind_str()) {
                super::decls::collect(child, src, original, &mut facts);
            }
            if child.kind_str() != "function_definition" && may_contain_functions(child.kind_str())
            {
                stack.push(child);
            }
        }
        stack[start..].reverse();
    }
    facts.decls.pack_changes = Vec::new();
    facts.decls.other_fn_macros = Vec::new();
    facts.decls.defines.seal();
    *facts.decls
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

/// The number of ERROR and MISSING nodes, and where the first one starts.
fn count_errors(root: Node) -> (u32, Option<(u32, u32)>) {
    let mut count = 0;
    let mut first: Option<Node> = None;
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            count += 1;
            if first.is_none_or(|f| node.start_byte() < f.start_byte()) {
                first = Some(node);
            }
        }
        if node.has_error() {
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
    }
    let position = first.map(|n| {
        let s = span_of(n);
        (s.line, s.column)
    });
    (count, position)
}

/// Facts from a file-scope item that is not a function: callbacks stored in struct
/// initializers, and registration macros (`DECLARE_TASKLET(t, fn);`).
fn file_scope_item(
    node: Node,
    src: &[u8],
    original: &[u8],
    knowledge: &Knowledge,
    facts: &mut FileFacts,
) {
    let bytes = &src[node.byte_range()];
    if let Some(call) = file_scope_registration(node, bytes, original, knowledge) {
        facts.file_calls.push(call);
    }
    if node.kind_str() == "declaration" && mentions_entry_field(bytes, knowledge) {
        let object = node
            .field("type")
            .map(|t| clean_text(&src[t.byte_range()], 80))
            .unwrap_or_default();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            if n.kind_str() == "initializer_pair" {
                if let Some(cb) = initializer_callback(n, src, knowledge, &object) {
                    facts.field_callbacks.push(cb);
                }
                continue;
            }
            let mut c = n.walk();
            stack.extend(n.named_children(&mut c));
        }
    }
}

/// Whether `.field` appears for some callback field (a cheap filter before walking a
/// declaration's initializer, which can be a large table).
fn mentions_entry_field(bytes: &[u8], knowledge: &Knowledge) -> bool {
    let mut i = 0;
    while let Some(p) = bytes[i..].iter().position(|&b| b == b'.') {
        let s = i + p + 1;
        let mut e = s;
        while e < bytes.len() && (bytes[e].is_ascii_alphanumeric() || bytes[e] == b'_') {
            e += 1;
        }
        if e > s
            && std::str::from_utf8(&bytes[s..e]).is_ok_and(|f| knowledge.entry_field(f).is_some())
        {
            return true;
        }
        i = e.max(s);
    }
    false
}

fn initializer_callback(
    pair: Node,
    src: &[u8],
    knowledge: &Knowledge,
    object: &str,
) -> Option<FieldCallback> {
    let designator = pair.field("designator")?;
    let field = designator
        .named_child(0)
        .filter(|f| f.kind_str() == "field_identifier")?;
    let field = text(field, src);
    knowledge.entry_field(field)?;
    let value = pair.field("value")?;
    let function = callback_name(value, src)?;
    Some(FieldCallback {
        field: field.to_string(),
        function,
        span: span_of(pair),
        object: object.to_string(),
    })
}

/// `foo` or `&foo` as a function reference.
pub(super) fn callback_name(value: Node, src: &[u8]) -> Option<String> {
    match value.kind_str() {
        "identifier" => Some(text(value, src).to_string()),
        "pointer_expression" => value
            .field("argument")
            .filter(|a| a.kind_str() == "identifier")
            .map(|a| text(a, src).to_string()),
        _ => None,
    }
}

/// `DECLARE_TASKLET(name, fn);` at file scope, which tree-sitter mangles: recognised
/// from the text, when one of the first identifiers is a known registration.
fn file_scope_registration(
    node: Node,
    bytes: &[u8],
    original: &[u8],
    knowledge: &Knowledge,
) -> Option<Call> {
    let open = bytes.iter().position(|&b| b == b'(')?;
    let head = std::str::from_utf8(&bytes[..open]).ok()?;
    let name = head
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .rev()
        .find(|w| !w.is_empty())?;
    knowledge.entry_registration(name)?;
    let start = node.start_byte() + open;
    let args = split_args(&original[start..node.end_byte()])?;
    let mut span = span_of(node);
    span.start = (node.start_byte() + head.find(name).unwrap_or(0)) as u32;
    let mut call = Call {
        callee: name.into(),
        arg_count: u16::try_from(args.len()).unwrap_or(u16::MAX),
        span,
        ..Call::default()
    };
    call.set_args(args);
    Some(call)
}

/// Splits `(a, b(c, d), e)` into its top-level arguments.
fn split_args(bytes: &[u8]) -> Option<Vec<String>> {
    let mut depth = 0usize;
    let mut args = Vec::new();
    let mut start = 1;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    args.push(clean_text(&bytes[start..i], MAX_ARG_TEXT));
                    return Some(args);
                }
            }
            b',' if depth == 1 => {
                args.push(clean_text(&bytes[start..i], MAX_ARG_TEXT));
                start = i + 1;
            }
            _ => {}
        }
    }
    None
}

/// `__must_hold(x)`, `__acquires(x)`, `__releases(x)` between the start of a definition
/// and its body (the pre-pass blanked them in the parsed text; the original keeps them).
fn annotations(original: &[u8]) -> Vec<Annotation> {
    let mut out = Vec::new();
    for (word, kind) in [
        (&b"__must_hold"[..], AnnotationKind::MustHold),
        (b"__acquires", AnnotationKind::Acquires),
        (b"__releases", AnnotationKind::Releases),
    ] {
        let mut from = 0;
        while let Some(p) = original[from..].windows(word.len()).position(|w| w == word) {
            let at = from + p + word.len();
            from = at;
            if original.get(at) != Some(&b'(') {
                continue;
            }
            if let Some(args) = split_args(&original[at..])
                && let Some(lock) = args.into_iter().next()
            {
                out.push(Annotation { kind, lock });
            }
        }
    }
    out
}

fn function<'a>(
    def: Node<'a>,
    src: &'a [u8],
    original: &'a [u8],
    knowledge: &'a Knowledge,
    brackets: &'a [super::brackets::UnlockBracket],
    field_callbacks: &mut Vec<FieldCallback>,
) -> Option<Function> {
    let body = def.field("body")?;
    let declarator = def.field("declarator")?;
    // Walk down pointer/parenthesized declarators to the function declarator.
    let mut d = declarator;
    let mut fdecl = None;
    for _ in 0..32 {
        if d.kind_str() == "function_declarator" {
            fdecl = Some(d);
            break;
        }
        d = d.field("declarator").or_else(|| d.named_child(0))?;
    }
    let fdecl = fdecl?;
    let mut name_node = fdecl.field("declarator")?;
    for _ in 0..32 {
        if name_node.kind_str() == "identifier" {
            break;
        }
        match name_node
            .field("declarator")
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
        .any(|c| c.kind_str() == "storage_class_specifier" && text(c, src).trim() == "static");
    let mut params = Vec::new();
    // Every parameter's name, for the builder only (flag parameters in conditions).
    let mut param_names = Vec::new();
    // Parameters pointing to const (`const struct foo *p`): never written through.
    let mut read_only_params = 0u64;
    let mut atomic_signature = false;
    let mut variadic = false;
    let mut void_params = false;
    if let Some(list) = fdecl.field("parameters") {
        let mut cursor = list.walk();
        variadic = list
            .children(&mut cursor)
            .any(|c| c.kind_str() == "variadic_parameter" || c.kind_str() == "...");
        void_params = text(list, src).split_whitespace().collect::<String>() == "(void)";
        let mut cursor = list.walk();
        for p in list.named_children(&mut cursor) {
            if p.kind_str() != "parameter_declaration" {
                continue;
            }
            param_names.push(
                p.field("declarator")
                    .map(|d| innermost_identifier(d, src))
                    .unwrap_or_default(),
            );
            if param_names.len() <= 64 && points_to_const(p, src) {
                read_only_params |= 1 << (param_names.len() - 1);
            }
            // Only gfp_t parameters matter downstream; other types and names are not
            // kept (they would cost tens of MB on a whole drivers/ tree).
            let ty = p.field("type").map(|t| text(t, src)).unwrap_or_default();
            atomic_signature |= knowledge.is_callback_param_type(ty);
            if ty.contains("gfp_t") {
                let name = p
                    .field("declarator")
                    .map(|d| innermost_identifier(d, src))
                    .unwrap_or_default();
                params.push(Param {
                    index: (param_names.len() - 1) as u32,
                    name,
                    ty: ty.trim().to_string(),
                });
            }
        }
    }
    // `irqreturn_t f(int irq, void *data)`: an IRQ handler's shape.
    atomic_signature |= knowledge.has_irq_handler_shape(&param_names);
    let arity = if variadic {
        u32::MAX
    } else if param_names.iter().all(|n| !n.is_empty()) {
        param_names.len() as u32
    } else if void_params {
        0
    } else {
        u32::MAX
    };
    let mut builder = CfgBuilder::new(src, original, knowledge, &params, param_names, def);
    builder.brackets = brackets;
    builder.read_only_params = read_only_params;
    if let Some(list) = fdecl.field("parameters") {
        let mut cursor = list.walk();
        for p in list.named_children(&mut cursor) {
            builder.note_declaration(p);
        }
    }
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
    builder.drop_clobbered_field_facts();
    builder.drop_reassigned_param_facts();
    builder.drop_rewritten_context_locals();
    builder.drop_escaped_locals();
    builder.param_copy_tests();
    builder.track_zeroed_members();
    builder.local_constant_args();
    builder.mark_mixed_targets();
    field_callbacks.append(&mut builder.field_callbacks);
    let head = &original[def.start_byte()..body.start_byte()];
    let annotations = if head.contains(&b'_') {
        annotations(head)
    } else {
        Vec::new()
    };
    // Vectors grew by doubling; the facts live until the end of the run.
    let returns = builder.returned(body);
    let field_args = builder.local_field_args();
    let writes = builder.param_writes();
    let mut objects =
        std::mem::take(&mut builder.objects).finish(builder.reassigned_params(), builder.truncated);
    if !field_args.is_empty() {
        for a in field_args {
            if !objects.iter().any(|o| o.call == a.call && o.arg == a.arg) {
                objects.push(a);
            }
        }
        objects.sort_by_key(|o| (o.call, o.arg));
    }
    let mut calls = builder.calls;
    calls.shrink_to_fit();
    let mut const_args = std::mem::take(&mut builder.const_args);
    const_args.shrink_to_fit();
    let mut derived_args = std::mem::take(&mut builder.derived_args);
    derived_args.shrink_to_fit();
    Some(Function {
        atomic_signature,
        conditional: false,
        annotations: annotations.into_boxed_slice(),
        name: name.into(),
        is_static,
        name_span: span_of(name_node),
        extent: span_of(def),
        params: params.into_boxed_slice(),
        values: (!const_args.is_empty()
            || !derived_args.is_empty()
            || returns.is_some()
            || !objects.is_empty()
            || !builder.soft_passes.is_empty()
            || !builder.returned_stores.is_empty())
        .then(|| {
            Box::new(FunctionValues {
                const_args: const_args.into_boxed_slice(),
                derived_args: derived_args.into_boxed_slice(),
                returns: returns.map(Box::new),
                objects: objects.into_boxed_slice(),
                soft_passes: std::mem::take(&mut builder.soft_passes).into_boxed_slice(),
                returned_stores: std::mem::take(&mut builder.returned_stores).into_boxed_slice(),
            })
        }),
        arity,
        calls,
        cfg: Some(Box::new(Cfg {
            nodes: builder.nodes,
            scope_parents: builder.scope_parents,
            tests: builder.tests,
            conditional: builder.conditional_tests,
            conditional_calls: builder.conditional_calls,
            results: builder.call_results,
            returns: builder.return_values,
        })),
        truncated: builder.truncated,
        writes: writes.boxed(),
    })
}

pub(super) fn innermost_identifier(mut d: Node, src: &[u8]) -> String {
    for _ in 0..32 {
        if d.kind_str() == "identifier" {
            return text(d, src).to_string();
        }
        match d.field("declarator").or_else(|| d.named_child(0)) {
            Some(n) => d = n,
            None => break,
        }
    }
    String::new()
}

/// A parameter declared as a single pointer to const (`const struct foo *p`, `struct
/// foo const *p`): the function cannot write the object through it (casting the
/// qualifier away is not something kernel code does to its own parameters).
fn points_to_const(param: Node, src: &[u8]) -> bool {
    let mut cursor = param.walk();
    let qualified = param
        .children(&mut cursor)
        .any(|c| c.kind_str() == "type_qualifier" && text(c, src).trim() == "const");
    qualified
        && param.field("declarator").is_some_and(|d| {
            d.kind_str() == "pointer_declarator"
                && d.field("declarator")
                    .is_some_and(|inner| inner.kind_str() == "identifier")
        })
}
