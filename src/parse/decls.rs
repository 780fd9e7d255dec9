//! File-level declarations for the constant evaluator, collected in the same walk as
//! functions (`extract()` hands over the top-level nodes): object-like `#define`s,
//! quoted `#include`s, struct/union definitions with their field types, typedefs.

use super::FastNode;
use tree_sitter::Node;

use super::text::{clean_text, contains, text};
use crate::facts::{Field, FieldRare, FileFacts, StructDef};
use crate::knowledge::MemberMacro;

/// A file with more object-like defines than this is a generated register map; its
/// defines are dropped (6.1 `drivers/`: 188 files hold 3.5 M of the 4.4 M defines).
pub const MAX_DEFINES_PER_FILE: usize = 2000;
/// Longest define value kept.
pub(super) const MAX_DEFINE_TEXT: usize = 120;

/// Whether `collect` wants a top-level node of this kind.
pub fn wants(kind: &str) -> bool {
    matches!(
        kind,
        "preproc_def"
            | "preproc_function_def"
            | "preproc_include"
            | "struct_specifier"
            | "union_specifier"
            | "declaration"
            | "type_definition"
            | "enum_specifier"
    )
}

/// Collects what `node` (a top-level item) declares into `facts.decls`.
pub fn collect(node: Node, src: &[u8], original: &[u8], facts: &mut FileFacts) {
    let d = &mut facts.decls;
    match node.kind_str() {
        "preproc_function_def" => {
            // `#define FOO_GFP(dev) (GFP_KERNEL | __GFP_ZERO)`: a flag expression that
            // ignores its parameters is kept as `FOO_GFP()`, for the GFP evaluator.
            let (Some(name), Some(value), Some(params)) = (
                node.field("name"),
                node.field("value"),
                node.field("parameters"),
            ) else {
                // An empty body (`#define LOCK(name)`): another definition of a
                // member-list macro makes it ambiguous.
                if let Some(name) = node.field("name") {
                    let name = text(name, src);
                    for t in d.member_templates.iter_mut().filter(|t| t.name == name) {
                        t.field.clear();
                    }
                    d.other_fn_macros.push(name.into());
                }
                return;
            };
            let macro_name = text(name, src);
            if macro_name.bytes().any(|b| b.is_ascii_lowercase()) {
                d.fn_macros.push(macro_name.into());
            }
            // The body runs to the end of the directive: tree-sitter ends the value
            // node at a comment inside it (`type ENABLE; /* … */\`).
            let body = &original[value.start_byte()..directive_end(original, value.start_byte())];
            // A name defined twice (`#if` alternatives) is a template only if both
            // definitions are the same one.
            match member_template(macro_name, params, body, original) {
                Some(t) if d.other_fn_macros.iter().any(|n| **n == *macro_name) => {
                    d.member_templates.push(MemberMacro {
                        field: String::new(),
                        ..t
                    });
                }
                Some(t) => d.member_templates.push(t),
                None => {
                    for t in d
                        .member_templates
                        .iter_mut()
                        .filter(|t| t.name == macro_name)
                    {
                        t.field.clear();
                    }
                    d.other_fn_macros.push(macro_name.into());
                }
            }
            let reading =
                field_reading_params(text(params, src), std::str::from_utf8(body).unwrap_or(""));
            if reading != 0 {
                d.reading_macros.push((macro_name.into(), reading));
            }
            let value = clean_text(&original[value.byte_range()], MAX_DEFINE_TEXT + 1);
            let params = text(params, src);
            let uses_param = value
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .any(|w| {
                    !w.is_empty()
                        && params
                            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                            .any(|p| p == w)
                });
            if value.contains("GFP_") && !uses_param && keep_define_value(&value) {
                d.defines.push(&format!("{}()", text(name, src)), &value);
            }
            // `#define MAKE_FLAGS(len) (FIELD_PREP(M, len) | FOO_NB)`: the bits it always
            // sets, whatever its arguments, kept as `MAKE_FLAGS(|)` for value dispatch.
            let full = node
                .field("value")
                .map(|v| clean_text(&original[v.byte_range()], MAX_MACRO_SCAN))
                .unwrap_or_default();
            if let Some(bits) = always_set_bits(&full, params)
                && keep_define_value(&bits)
            {
                d.defines.push(&format!("{}(|)", text(name, src)), &bits);
            }
        }
        "preproc_def" => {
            if d.defines_dropped {
                return;
            }
            let (Some(name), Some(value)) = (node.field("name"), node.field("value")) else {
                return;
            };
            let value = clean_text(&original[value.byte_range()], MAX_DEFINE_TEXT + 1);
            if !keep_define_value(&value) {
                return;
            }
            if d.defines.len() >= MAX_DEFINES_PER_FILE {
                d.defines = Default::default();
                d.defines_dropped = true;
                return;
            }
            d.defines.push(text(name, src), &value);
        }
        "preproc_include" => {
            if let Some(path) = node
                .field("path")
                .filter(|p| p.kind_str() == "string_literal")
            {
                let t = text(path, src).trim_matches('"');
                if !t.is_empty() {
                    d.includes.push(t.to_string());
                }
            }
        }
        "struct_specifier" | "union_specifier" => struct_def(node, None, src, original, facts),
        "enum_specifier" => enumerators(node, src, original, facts),
        "declaration" => {
            if let Some(ty) = node.field("type") {
                match ty.kind_str() {
                    "struct_specifier" | "union_specifier" => {
                        struct_def(ty, None, src, original, facts)
                    }
                    "enum_specifier" => enumerators(ty, src, original, facts),
                    _ => {}
                }
            }
            let mut cursor = node.walk();
            // A struct defined in the declaration is known by its tag
            // (`static const struct info { … } infos[] = { … };`).
            let base = node.field("type").map(|t| {
                match (t.kind_str(), t.field("name"), t.field("body")) {
                    ("struct_specifier", Some(n), Some(_)) => format!("struct {}", text(n, src)),
                    ("union_specifier", Some(n), Some(_)) => format!("union {}", text(n, src)),
                    _ => clean_text(&src[t.byte_range()], 80),
                }
            });
            for decl in node.children_by_field_name("declarator", &mut cursor) {
                if let Some(array) = array_length(decl, src, original) {
                    facts.decls.arrays.push((array.0.into(), array.1.into()));
                }
                if let Some(base) = &base
                    && let Some(var) = variable(decl, base, src)
                {
                    facts.decls.variables.push((var.0.into(), var.1.into()));
                }
            }
        }
        "type_definition" => {
            let Some(ty) = node.field("type") else {
                return;
            };
            if ty.kind_str() == "enum_specifier" {
                enumerators(ty, src, original, facts);
            }
            let mut cursor = node.walk();
            let decls: Vec<Node> = node
                .children_by_field_name("declarator", &mut cursor)
                .collect();
            let is_record = matches!(ty.kind_str(), "struct_specifier" | "union_specifier");
            let tag = ty.field("name").map(|n| text(n, src).to_string());
            let keyword = if ty.kind_str() == "union_specifier" {
                "union"
            } else {
                "struct"
            };
            for decl in decls {
                // Array typedefs (`typedef u32 regs_t[4]`) are left unknown.
                if decl.kind_str() == "array_declarator" {
                    continue;
                }
                let pointer = decl.kind_str() != "type_identifier";
                let Some(alias) = identifier_in(decl, src) else {
                    continue;
                };
                let target = match (&tag, is_record) {
                    (Some(tag), true) => format!("{keyword} {tag}"),
                    (None, true) if !pointer => {
                        // `typedef struct { ... } name;`: the struct is known by the alias.
                        struct_def(ty, Some(alias.clone()), src, original, facts);
                        continue;
                    }
                    (None, true) => continue,
                    _ => clean_text(&src[ty.byte_range()], 80),
                };
                let target = if pointer {
                    format!("{target} *")
                } else {
                    target
                };
                facts.decls.typedefs.push((alias, target));
            }
            if is_record && tag.is_some() {
                struct_def(ty, None, src, original, facts);
            }
        }
        _ => {}
    }
}

/// The object-like `#define`s of a file's text, by a line scan (for files whose
/// defines the parse stage did not keep), with the same filter as `collect`.
pub fn scan_defines(bytes: &[u8]) -> Vec<(String, String)> {
    scan_defines_named(bytes, |_| true)
}

/// [`scan_defines`] for the names `wanted` accepts only: a register map's other
/// defines (hundreds of thousands of them) are never copied out of its text.
pub fn scan_defines_named(bytes: &[u8], wanted: impl Fn(&str) -> bool) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        // One logical line: up to a newline not preceded by a backslash.
        let start = i;
        while i < bytes.len() && !(bytes[i] == b'\n' && (i == 0 || bytes[i - 1] != b'\\')) {
            i += 1;
        }
        let line = &bytes[start..i];
        i += 1;
        let t = line.trim_ascii_start();
        let Some(rest) = t.strip_prefix(b"#") else {
            continue;
        };
        let Some(rest) = rest.trim_ascii_start().strip_prefix(b"define") else {
            continue;
        };
        if !rest.first().is_some_and(|c| c.is_ascii_whitespace()) {
            continue;
        }
        let rest = rest.trim_ascii_start();
        let n = rest
            .iter()
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
            .unwrap_or(rest.len());
        if n == 0 || rest.get(n) == Some(&b'(') {
            continue;
        }
        // The name is ASCII letters, digits and underscores only.
        let name = std::str::from_utf8(&rest[..n]).unwrap_or_default();
        if !wanted(name) {
            continue;
        }
        let value = clean_text(&rest[n..], MAX_DEFINE_TEXT + 1);
        if keep_define_value(&value) {
            out.push((name.to_string(), value));
        }
    }
    out
}

/// How much of a function-like macro's body is read for the bits it always sets.
const MAX_MACRO_SCAN: usize = 600;

/// The constant operands of a macro body that is an OR of terms (`(A(x) | FOO_NB)`,
/// or a statement expression ending in one), joined by `|`; `None` when the body is
/// not such an OR or no term is a constant. Terms naming a macro parameter are not
/// constants.
fn always_set_bits(value: &str, params: &str) -> Option<String> {
    let mut v = value.trim();
    // A statement expression: its value is the last statement's.
    if let Some(inner) = v.strip_prefix("({").and_then(|x| x.strip_suffix("})")) {
        v = inner.trim().trim_end_matches(';').trim();
        let mut depth = 0i32;
        let mut last = 0;
        for (i, b) in v.bytes().enumerate() {
            match b {
                b'(' | b'{' | b'[' => depth += 1,
                b')' | b'}' | b']' => depth -= 1,
                b';' if depth == 0 => last = i + 1,
                _ => {}
            }
        }
        v = v[last..].trim();
    }
    while let Some(inner) = v.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        if !crate::context::lockstate::balanced(inner) {
            break;
        }
        v = inner.trim();
    }
    let bytes = v.as_bytes();
    let mut terms = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            // Any other operator at the top binds the terms differently.
            b'?' | b',' | b';' | b'=' | b'&' if depth == 0 => return None,
            b'|' if depth == 0 => {
                let doubled = bytes.get(i + 1) == Some(&b'|') || i > 0 && bytes[i - 1] == b'|';
                if doubled {
                    return None;
                }
                terms.push(v[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    terms.push(v[start..].trim());
    if terms.len() < 2 || depth != 0 {
        return None;
    }
    let param_words: Vec<&str> = params
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let constants: Vec<&str> = terms
        .into_iter()
        .filter(|t| {
            !t.is_empty()
                && !t
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .any(|w| param_words.contains(&w))
                && crate::consteval::is_syntactic_constant(t)
        })
        .collect();
    (!constants.is_empty()).then(|| constants.join(" | "))
}

/// Whether a define's value is kept: short, no strings, blocks or statements, and
/// possibly a constant expression.
pub(super) fn keep_define_value(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_DEFINE_TEXT
        && !value.contains(['"', '{', ';', '#', '[', '='])
        && (maybe_constant(value) || is_identifier(value))
}

/// A define whose value is one name is an alias (`#define radix_tree_root xarray`, a
/// struct tag; `#define FOO_SIZE bar_size`): kept, the evaluators resolve it further.
fn is_identifier(value: &str) -> bool {
    crate::ctoken::is_identifier(value.trim())
}

/// The constants of an enum body, as defines: an explicit value as written, an
/// implicit one as the last explicit value plus its distance (`(A) + 2`).
fn enumerators(node: Node, src: &[u8], original: &[u8], facts: &mut FileFacts) {
    let Some(body) = node.field("body") else {
        return;
    };
    let mut base = "0".to_string();
    let mut offset = 0u32;
    let mut cursor = body.walk();
    for e in body.named_children(&mut cursor) {
        if e.kind_str() != "enumerator" {
            continue;
        }
        let Some(name) = e.field("name") else {
            continue;
        };
        if let Some(v) = e.field("value") {
            base = clean_text(&original[v.byte_range()], MAX_DEFINE_TEXT + 1);
            offset = 0;
        }
        let value = if offset == 0 {
            base.clone()
        } else {
            format!("({base}) + {offset}")
        };
        offset += 1;
        if base.len() > MAX_DEFINE_TEXT || !maybe_constant(&base) {
            continue;
        }
        facts.decls.defines.push(text(name, src), &value);
    }
}

/// The identifier a (possibly pointer/array) declarator declares.
fn identifier_in(mut d: Node, src: &[u8]) -> Option<String> {
    for _ in 0..16 {
        if matches!(
            d.kind_str(),
            "identifier" | "type_identifier" | "field_identifier"
        ) {
            return Some(text(d, src).to_string());
        }
        d = d.field("declarator").or_else(|| d.named_child(0))?;
    }
    None
}

/// Records a struct/union with a body. `alias` names an anonymous one.
fn struct_def(
    node: Node,
    alias: Option<String>,
    src: &[u8],
    original: &[u8],
    facts: &mut FileFacts,
) {
    // `#define AF_RESET 3` next to the member it names (`long flags;`): a define of
    // the file like any other.
    if let Some(body) = node.field("body") {
        let mut cursor = body.walk();
        let defines: Vec<Node> = body
            .named_children(&mut cursor)
            .filter(|c| matches!(c.kind_str(), "preproc_def" | "preproc_function_def"))
            .collect();
        for d in defines {
            collect(d, src, original, facts);
        }
    }
    let is_union = node.kind_str() == "union_specifier";
    let name = match (node.field("name"), alias) {
        (Some(n), _) => format!(
            "{} {}",
            if is_union { "union" } else { "struct" },
            text(n, src)
        ),
        (None, Some(a)) => a,
        (None, None) => return,
    };
    let mut nested = Vec::new();
    let pack = facts
        .decls
        .pack_changes
        .iter()
        .take_while(|(at, _)| (*at as usize) < node.start_byte())
        .last()
        .and_then(|(_, p)| *p);
    if let Some(mut def) = record(node, name, src, original, &mut nested, 0) {
        set_pack(&mut def, pack);
        facts.decls.structs.push(def);
    }
    for def in &mut nested {
        set_pack(def, pack);
    }
    // Tagged structs declared inside another are file-scope types in C.
    facts.decls.structs.append(&mut nested);
}

/// Applies a `#pragma pack` to a record and the records declared inside it.
fn set_pack(def: &mut StructDef, pack: Option<u64>) {
    def.pack = pack;
    for f in def.fields.iter_mut().flatten() {
        if let Some(inner) = f.inner_mut() {
            set_pack(inner, pack);
        }
    }
}

/// The `#pragma pack` changes of a file, in order: `pack(n)`, `pack()`,
/// `pack(push[, n])`, `pack(pop)`. Empty for the files (nearly all) without one.
pub fn pack_changes(original: &[u8]) -> Vec<(u32, Option<u64>)> {
    let mut out = Vec::new();
    if !contains(original, b"pragma pack") {
        return out;
    }
    let mut stack: Vec<Option<u64>> = Vec::new();
    let mut current: Option<u64> = None;
    let text = String::from_utf8_lossy(original);
    let mut from = 0;
    while let Some(i) = text[from..].find("pragma pack") {
        let at = from + i;
        from = at + "pragma pack".len();
        // A directive only: `#` and blanks before it on its line (not a comment).
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        if text[line_start..at].trim() != "#" {
            continue;
        }
        let rest = &text[from..];
        let Some(close) = rest.find(')') else {
            break;
        };
        let args: Vec<&str> = rest[..close]
            .trim_start()
            .trim_start_matches('(')
            .split(',')
            .map(str::trim)
            .collect();
        let number = |s: &str| s.parse::<u64>().ok().filter(|n| n.is_power_of_two());
        match args.as_slice() {
            [""] => current = None,
            ["push"] => stack.push(current),
            ["push", n] => {
                stack.push(current);
                current = number(n);
            }
            ["pop", ..] => current = stack.pop().flatten(),
            [n] => current = number(n),
            _ => {}
        }
        out.push((at as u32, current));
    }
    out
}

/// Attributes that follow a struct's closing brace, up to the `;` or declarator.
fn trailing_attributes<'s>(node: Node, original: &'s [u8]) -> &'s [u8] {
    let after = &original[node.end_byte()..original.len().min(node.end_byte() + 96)];
    let stop = after
        .iter()
        .position(|&b| matches!(b, b';' | b'{' | b','))
        .unwrap_or(after.len());
    &after[..stop]
}

/// The alignment an attribute text asks for: `__aligned(8)`,
/// `__attribute__((aligned(16)))`, `____cacheline_aligned` (L1_CACHE_BYTES), bare
/// `aligned` (the target's largest alignment, 16 on x86-64).
/// `____cacheline_internodealigned_in_smp` is `1 << INTERNODE_CACHE_SHIFT`, which is
/// `L1_CACHE_SHIFT` on x86-64 unless `CONFIG_X86_VSMP` (ScaleMP) makes it 12.
fn align_attribute(attr: &[u8]) -> Option<String> {
    let t = String::from_utf8_lossy(attr);
    let attribute = has_attribute_keyword(&t);
    let mut words = identifiers(&t);
    let (at, word) = words.find(|(_, w)| {
        matches!(*w, "__aligned" | "__aligned__")
            || *w == "aligned" && attribute
            || w.ends_with("cacheline_aligned")
            || w.ends_with("cacheline_aligned_in_smp")
            || *w == "____cacheline_internodealigned_in_smp"
    })?;
    if word.contains("cacheline") {
        return Some("L1_CACHE_BYTES".into());
    }
    let rest = t[at + word.len()..].trim_start();
    if !rest.starts_with('(') {
        return Some("16".into());
    }
    let inner = &rest[1..];
    super::text::closing_paren(inner).map(|i| inner[..i].trim().to_string())
}

/// Whether attribute text asks for packing (`__packed`, `__attribute__((packed))`),
/// by whole words: a name such as `not_packed` is no attribute.
fn packed_attribute(attr: &[u8]) -> bool {
    let t = String::from_utf8_lossy(attr);
    let attribute = has_attribute_keyword(&t);
    identifiers(&t)
        .any(|(_, w)| matches!(w, "__packed" | "__packed__") || w == "packed" && attribute)
}

/// Whether a text has `__attribute__`: only there are bare `packed`/`aligned` words
/// attributes (elsewhere they may be a member's name).
fn has_attribute_keyword(t: &str) -> bool {
    identifiers(t).any(|(_, w)| matches!(w, "__attribute__" | "__attribute"))
}

/// The identifiers of a text with their byte offsets.
fn identifiers(t: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut out = Vec::new();
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_alphabetic() || b[i] == b'_' {
            let s = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push((s, &t[s..i]));
        } else {
            i += 1;
        }
    }
    out.into_iter()
}

/// The preprocessor condition of a `#ifdef`/`#ifndef`/`#if` inside a struct body as
/// (symbol, must be defined): `CONFIG_X`, `defined(CONFIG_X)`, `IS_ENABLED(CONFIG_X)`,
/// `!…` of those. `None` for anything else.
fn simple_condition(node: Node, src: &[u8]) -> Option<(String, bool)> {
    match node.kind_str() {
        "preproc_ifdef" => {
            let name = text(node.field("name")?, src).to_string();
            let negated = text(node, src).starts_with("#ifndef");
            Some((name, !negated))
        }
        "preproc_if" | "preproc_elif" => {
            let c = text(node.field("condition")?, src);
            let mut c = c.trim();
            let mut want = true;
            if let Some(rest) = c.strip_prefix('!') {
                want = false;
                c = rest.trim();
            }
            // `IS_ENABLED(X)` holds for `=y` and `=m`: recorded as `?X`.
            let mut either = false;
            for wrap in ["defined", "IS_ENABLED", "IS_BUILTIN", "IS_REACHABLE"] {
                if let Some(rest) = c.strip_prefix(wrap) {
                    either = matches!(wrap, "IS_ENABLED" | "IS_REACHABLE");
                    c = rest
                        .trim()
                        .trim_start_matches('(')
                        .trim_end_matches(')')
                        .trim();
                }
            }
            (!c.is_empty() && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')).then(
                || {
                    let name = if either {
                        format!("?{c}")
                    } else {
                        c.to_string()
                    };
                    (name, want)
                },
            )
        }
        _ => None,
    }
}

/// The layout-relevant description of a struct/union node with a body; tagged
/// structs declared inside go to `nested`. `None` when it has no body.
fn record(
    node: Node,
    name: String,
    src: &[u8],
    original: &[u8],
    nested: &mut Vec<StructDef>,
    depth: u32,
) -> Option<StructDef> {
    let body = node.field("body")?;
    let is_union = node.kind_str() == "union_specifier";
    let after = trailing_attributes(node, original);
    let head = &original[node.start_byte()..body.start_byte()];
    let packed = packed_attribute(after) || packed_attribute(head);
    let align = align_attribute(after).or_else(|| align_attribute(head));
    let mut fields = Some(Vec::new());
    if depth > 8 {
        fields = None;
    } else {
        members(body, src, original, nested, depth, &[], &mut fields);
    }
    Some(StructDef {
        name,
        is_union,
        packed,
        align,
        pack: None,
        fields,
    })
}

/// The fields of a struct body (or of a preprocessor branch inside one) under the
/// conditions `conds`; sets `fields` to `None` on anything it cannot read.
fn members(
    body: Node,
    src: &[u8],
    original: &[u8],
    nested: &mut Vec<StructDef>,
    depth: u32,
    conds: &[(String, bool)],
    fields: &mut Option<Vec<Field>>,
) {
    let mut cursor = body.walk();
    let children: Vec<Node> = body.named_children(&mut cursor).collect();
    for f in children {
        if fields.is_none() {
            return;
        }
        match f.kind_str() {
            "comment" | "preproc_def" | "preproc_function_def" | "preproc_call" => continue,
            "field_declaration" => {}
            "preproc_ifdef" | "preproc_if" => {
                // `#ifdef X` … (`#elif`/`#else` …) `#endif`: each branch under its
                // condition and the negation of the earlier ones.
                let mut earlier: Vec<(String, bool)> = Vec::new();
                let mut branch = f;
                for _ in 0..16 {
                    let mut here = conds.to_vec();
                    here.extend(earlier.iter().map(|(s, w)| (s.clone(), !w)));
                    if branch.kind_str() != "preproc_else" {
                        let Some(c) = simple_condition(branch, src) else {
                            *fields = None;
                            return;
                        };
                        here.push(c.clone());
                        earlier.push(c);
                    }
                    members(branch, src, original, nested, depth, &here, fields);
                    match branch.field("alternative") {
                        Some(alt) => branch = alt,
                        None => break,
                    }
                }
                continue;
            }
            // In a branch node, its condition and alternative are not members.
            _ if body
                .field("condition")
                .or_else(|| body.field("name"))
                .is_some_and(|c| c.id() == f.id())
                || body.field("alternative").is_some_and(|a| a.id() == f.id()) =>
            {
                continue;
            }
            _ => {
                let Some(field) = macro_member(&original[f.byte_range()], conds) else {
                    *fields = None;
                    return;
                };
                if let Some(v) = fields.as_mut() {
                    v.push(field);
                }
                continue;
            }
        }
        let raw = &original[f.byte_range()];
        // A member-list macro call the pre-pass closed with `;` (`LIST(u8)` became
        // `LIST  _;`): the original text is the call.
        if raw.trim_ascii_end().ends_with(b")")
            && let Some(field) = macro_member(raw, conds)
        {
            if let Some(v) = fields.as_mut() {
                v.push(field);
            }
            continue;
        }
        let Some(ty) = f.field("type") else {
            *fields = None;
            return;
        };
        let mut c2 = f.walk();
        let bits = f
            .named_children(&mut c2)
            .find(|c| c.kind_str() == "bitfield_clause")
            .and_then(|b| b.named_child(0))
            .map(|e| clean_text(&original[e.byte_range()], MAX_DEFINE_TEXT));
        // An enum declared in place (`enum { IDLE, BUSY } state;`) is an enum member.
        let enum_body = ty.kind_str() == "enum_specifier" && ty.field("body").is_some();
        let inner = if ty.field("body").is_some() && !enum_body {
            let tag = ty.field("name").map(|n| {
                let kw = if ty.kind_str() == "union_specifier" {
                    "union"
                } else {
                    "struct"
                };
                format!("{kw} {}", text(n, src))
            });
            let Some(def) = record(
                ty,
                tag.clone().unwrap_or_default(),
                src,
                original,
                nested,
                depth + 1,
            ) else {
                *fields = None;
                return;
            };
            if tag.is_some() {
                nested.push(def.clone());
            }
            Some(Box::new(def))
        } else {
            None
        };
        // The member's own attributes, after its type (the type's are the record's).
        let own = &original[ty.end_byte().min(f.end_byte())..f.end_byte()];
        let align = align_attribute(own);
        let member_packed = packed_attribute(own);
        // A record declared in place is known by its tag, if it has one.
        let ty_text = match &inner {
            Some(def) => def.name.clone(),
            None if enum_body => "enum <anonymous>".to_string(),
            None => clean_text(&src[ty.byte_range()], 80),
        };
        // Each declarator with its own width (`u32 a:1, b:31;`).
        let mut c3 = f.walk();
        let mut decls: Vec<Node> = Vec::new();
        let mut widths: Vec<Option<String>> = Vec::new();
        for c in f.named_children(&mut c3) {
            if c.kind_str() == "bitfield_clause" {
                if let Some(w) = widths.last_mut() {
                    *w = c
                        .named_child(0)
                        .map(|e| clean_text(&original[e.byte_range()], MAX_DEFINE_TEXT));
                }
            } else if matches!(
                c.kind_str(),
                "field_identifier"
                    | "pointer_declarator"
                    | "array_declarator"
                    | "function_declarator"
                    | "parenthesized_declarator"
                    | "attributed_declarator"
            ) {
                decls.push(c);
                widths.push(None);
            }
        }
        if decls.is_empty() {
            if let Some(inner) = inner {
                // An anonymous struct/union member: its fields are the outer's.
                if let Some(v) = fields.as_mut() {
                    v.push(Field::new(
                        String::new(),
                        String::new(),
                        FieldRare {
                            inner: Some(inner),
                            align,
                            conds: conds.to_vec(),
                            ..FieldRare::default()
                        },
                    ));
                }
                continue;
            }
            if bits.is_some() && !ty_text.is_empty() {
                // `u32 : 3;` padding bits.
                if let Some(v) = fields.as_mut() {
                    v.push(Field::new(
                        String::new(),
                        ty_text,
                        FieldRare {
                            bits,
                            conds: conds.to_vec(),
                            ..FieldRare::default()
                        },
                    ));
                }
                continue;
            }
            // The pre-pass blanks type words such as `__le32`, leaving `len;` alone:
            // read `TYPE NAME[dims];` from the original text instead.
            // Blanked words sit before the node: start after the previous token.
            let mut start = f.start_byte();
            while start > 0 && src[start - 1].is_ascii_whitespace() {
                start -= 1;
            }
            let field = field_from_text(&clean_text(&original[start..f.end_byte()], 200))
                .map(|mut field| {
                    if !conds.is_empty() {
                        field.rare_mut().conds = conds.to_vec();
                    }
                    field
                })
                .or_else(|| macro_member(&original[f.byte_range()], conds));
            match field {
                Some(field) => {
                    if let Some(v) = fields.as_mut() {
                        v.push(field);
                    }
                    continue;
                }
                None => {
                    *fields = None;
                    return;
                }
            }
        }
        let _ = raw;
        for (decl, width) in decls.into_iter().zip(widths) {
            let mut field = Field::new(String::new(), ty_text.clone(), FieldRare::default());
            field.packed = member_packed;
            let mut rare = FieldRare {
                bits: width,
                align: align.clone(),
                inner: inner.clone(),
                conds: conds.to_vec(),
                ..FieldRare::default()
            };
            let mut d = decl;
            for _ in 0..16 {
                match d.kind_str() {
                    "field_identifier" | "identifier" => {
                        field.name = text(d, src).into();
                        break;
                    }
                    // A pointer outside the dimensions is an array of pointers; inside
                    // them (`(*p)[4]`), a pointer to an array.
                    "pointer_declarator" if rare.dims.is_empty() => {
                        field.pointer = true;
                        field.pointers = field.pointers.saturating_add(1);
                    }
                    "pointer_declarator" | "function_declarator" => {
                        rare.dims.clear();
                        field.pointer = true;
                        field.pointers = 1;
                        if let Some(n) = identifier_in(d, src) {
                            field.name = n.into();
                        }
                        break;
                    }
                    "array_declarator" => {
                        let dim = d
                            .field("size")
                            .map(|s| clean_text(&original[s.byte_range()], MAX_DEFINE_TEXT))
                            .unwrap_or_else(|| "0".into());
                        rare.dims.push(dim);
                    }
                    _ => {}
                }
                match d.field("declarator").or_else(|| d.named_child(0)) {
                    Some(n) => d = n,
                    None => break,
                }
            }
            // `int a[2][3]` nests the outer dimension outermost in the tree.
            rare.dims.reverse();
            if field.pointer {
                rare.inner = None;
            }
            field.set_rare(rare);
            if let Some(v) = fields.as_mut() {
                v.push(field);
            }
        }
    }
}

/// `__le32 len;`, `__be16 vals[4];`: a one-declarator field read from its text.
/// A file-scope variable's name and declared type (`static struct foo *p;` → `struct
/// foo *`; arrays as `T []`); not functions (prototypes) or function pointers.
fn variable(decl: Node, base: &str, src: &[u8]) -> Option<(String, String)> {
    let mut d = match decl.kind_str() {
        "init_declarator" => decl.field("declarator")?,
        _ => decl,
    };
    let mut stars = 0usize;
    let mut arrays = 0usize;
    for _ in 0..16 {
        match d.kind_str() {
            "identifier" if !is_keyword(text(d, src)) => {
                let mut ty = base.to_string();
                if stars > 0 {
                    ty.push(' ');
                    ty.push_str(&"*".repeat(stars));
                }
                for _ in 0..arrays {
                    ty.push_str(" []");
                }
                return Some((text(d, src).to_string(), ty));
            }
            // A pointer inside the dimensions (`(*p)[4]`) is not followed.
            "pointer_declarator" if arrays == 0 => stars += 1,
            "array_declarator" => arrays += 1,
            _ => return None,
        }
        d = d.field("declarator")?;
    }
    None
}

/// Words error recovery can leave where a declarator's name should be.
fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "struct"
            | "union"
            | "enum"
            | "const"
            | "volatile"
            | "static"
            | "unsigned"
            | "signed"
            | "int"
            | "long"
            | "short"
            | "char"
            | "void"
            | "extern"
            | "typedef"
    )
}

/// `name[N]` or `name[] = { a, b, c }` at file scope: (name, `N` as written or the
/// number of initializers; designated initializers leave it unknown).
fn array_length(decl: Node, src: &[u8], original: &[u8]) -> Option<(String, String)> {
    let (mut array, init) = match decl.kind_str() {
        "init_declarator" => (decl.field("declarator")?, decl.field("value")),
        "array_declarator" | "pointer_declarator" => (decl, None),
        _ => return None,
    };
    // An array of pointers (`const char * const names[] = { … }`).
    while array.kind_str() == "pointer_declarator" {
        array = array.field("declarator")?;
    }
    if array.kind_str() != "array_declarator" {
        return None;
    }
    let name = array.field("declarator")?;
    if name.kind_str() != "identifier" {
        return None;
    }
    let len = match (array.field("size"), init) {
        (Some(size), _) => clean_text(&original[size.byte_range()], MAX_DEFINE_TEXT),
        (None, Some(list)) if list.kind_str() == "initializer_list" => {
            let mut cursor = list.walk();
            let mut count = 0usize;
            for item in list.named_children(&mut cursor) {
                match item.kind_str() {
                    "comment" => {}
                    "initializer_pair" => return None,
                    _ => count += 1,
                }
            }
            count.to_string()
        }
        _ => return None,
    };
    Some((text(name, src).to_string(), len))
}

/// A member that is one macro call, `NAME(args…);` (`DECLARE_BITMAP(map, 64);`), kept
/// as written for the layout to expand.
fn macro_member(raw: &[u8], conds: &[(String, bool)]) -> Option<Field> {
    let text = clean_text(raw, 200);
    let t = text.trim().strip_suffix(';').unwrap_or(text.trim()).trim();
    let open = t.find('(')?;
    let name = t[..open].trim();
    if name.is_empty()
        || !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        || !t.ends_with(')')
    {
        return None;
    }
    // The parenthesis opened after the name closes at the end.
    let mut depth = 0i32;
    for (i, c) in t.char_indices().skip(open) {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 && i + 1 != t.len() {
                    return None;
                }
            }
            ';' | '{' | '}' => return None,
            _ => {}
        }
    }
    Some(Field::new(
        String::new(),
        String::new(),
        FieldRare {
            macro_call: Some(t.to_string()),
            conds: conds.to_vec(),
            ..FieldRare::default()
        },
    ))
}

/// Longest member-list macro body kept (amdgpu's register field lists run to a few
/// kilobytes).
const MAX_MEMBER_LIST_TEXT: usize = 16 << 10;

/// The end of the preprocessor directive running through `from`: the first line end
/// not escaped by a backslash.
fn directive_end(src: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(nl) = src[i..].iter().position(|&c| c == b'\n') {
        let end = i + nl;
        let line = src[i..end].trim_ascii_end();
        if !line.ends_with(b"\\") {
            return end;
        }
        i = end + 1;
    }
    src.len()
}

/// What a member-list macro's body holds, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberItem<'a> {
    /// `NAME(args…)` with no `;` after it: another member-list macro.
    Call(&'a str),
    /// `TYPE NAME[dims]` (its `;` removed), or `DECLARE_BITMAP(map, 64)` followed by `;`.
    Declaration(&'a str),
}

/// The items of a member-list macro body (`type A; OTHER_LIST(type) type B;`), or
/// `None` when the text is not a sequence of declarations and macro calls.
pub fn member_list_items(text: &str) -> Option<Vec<MemberItem<'_>>> {
    let b = text.as_bytes();
    let mut items = Vec::new();
    let mut i = 0;
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i == b.len() {
            break;
        }
        if !(b[i].is_ascii_alphabetic() || b[i] == b'_') {
            return None;
        }
        let start = i;
        let mut j = i;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
            j += 1;
        }
        let mut k = j;
        while k < b.len() && b[k] == b' ' {
            k += 1;
        }
        if b.get(k) == Some(&b'(') {
            // A call: balanced parentheses.
            let mut depth = 0i32;
            let mut end = None;
            for (x, &c) in b.iter().enumerate().skip(k) {
                match c {
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(x + 1);
                            break;
                        }
                    }
                    b';' => return None,
                    _ => {}
                }
            }
            let end = end?;
            let mut after = end;
            while after < b.len() && b[after] == b' ' {
                after += 1;
            }
            if b.get(after) == Some(&b';') {
                items.push(MemberItem::Declaration(&text[start..end]));
                i = after + 1;
            } else {
                items.push(MemberItem::Call(&text[start..end]));
                i = end;
            }
            continue;
        }
        let semi = start + text[start..].find(';')?;
        let decl = text[start..semi].trim();
        if decl.contains(['(', ')']) || decl.split_whitespace().count() < 2 {
            return None;
        }
        items.push(MemberItem::Declaration(decl));
        i = semi + 1;
    }
    (!items.is_empty()).then_some(items)
}

/// `#define NAME(params) body` as a member-list template, when the body is one: only
/// declarations (`type A;`) and calls, no operators, literals or token pasting; a body
/// of calls alone only for an upper-case name (`#define LIST_B(t) LIST_A(t)`), not a
/// function-like wrapper.
fn member_template(name: &str, params: Node, raw: &[u8], original: &[u8]) -> Option<MemberMacro> {
    if raw.len() > MAX_MEMBER_LIST_TEXT
        || raw.iter().any(|c| {
            matches!(
                c,
                b'{' | b'}' | b'=' | b'#' | b'"' | b'\'' | b'?' | b'&' | b'|'
            )
        })
    {
        return None;
    }
    let body = clean_text(raw, MAX_MEMBER_LIST_TEXT);
    let items = member_list_items(&body)?;
    let declares = items
        .iter()
        .any(|i| matches!(i, MemberItem::Declaration(_)));
    if !declares && name.bytes().any(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let params: Vec<String> = clean_text(&original[params.byte_range()], 400)
        .trim_matches(['(', ')'])
        .split(',')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if params.iter().any(|p| p == "...") {
        return None;
    }
    Some(MemberMacro {
        name: name.to_string(),
        params,
        field: body,
    })
}

/// `TYPE NAME[dims];` as a member (dimensions may hold any constant expression).
pub fn field_from_text(text: &str) -> Option<Field> {
    let t = text.trim().strip_suffix(';')?.trim();
    let (head, dims_text) = match t.find('[') {
        Some(i) => (&t[..i], &t[i..]),
        None => (t, ""),
    };
    if head.contains([',', ':', '(', '*']) {
        return None;
    }
    let mut dims = Vec::new();
    let mut rest = dims_text;
    while let Some(r) = rest.strip_prefix('[') {
        let close = r.find(']')?;
        let d = r[..close].trim();
        dims.push(if d.is_empty() {
            "0".to_string()
        } else {
            d.to_string()
        });
        rest = r[close + 1..].trim_start();
    }
    if !rest.is_empty() {
        return None;
    }
    let words: Vec<&str> = head.split_whitespace().collect();
    let (name, ty) = words.split_last()?;
    if ty.is_empty() {
        return None;
    }
    Some(Field::new(
        name.to_string(),
        ty.join(" "),
        FieldRare {
            dims,
            ..FieldRare::default()
        },
    ))
}

/// Whether a macro body may be a constant expression: every lower-case word is `sizeof`,
/// a type word, a helper the evaluator knows, or follows `struct`/`union`/`enum`.
/// Bodies calling functions or reading variables (`readl(base + 4)`) are not kept.
fn maybe_constant(value: &str) -> bool {
    const OK: &[&str] = &[
        "sizeof",
        "true",
        "false",
        "struct",
        "union",
        "enum",
        "unsigned",
        "signed",
        "int",
        "long",
        "short",
        "char",
        "bool",
        "u8",
        "u16",
        "u32",
        "u64",
        "s8",
        "s16",
        "s32",
        "s64",
        "min",
        "max",
        "min_t",
        "max_t",
        "array_size",
        "array3_size",
        "get_order",
        "roundup_pow_of_two",
        "round_up",
        "roundup",
        "ulong",
        "uint",
    ];
    let mut after_tag = false;
    for word in value.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if word.is_empty() || word.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let lower = word.starts_with(|c: char| c.is_ascii_lowercase());
        if lower
            && !after_tag
            && !OK.contains(&word)
            && !word.ends_with("_t")
            && !word.starts_with("__")
        {
            return false;
        }
        after_tag = matches!(word, "struct" | "union" | "enum");
    }
    true
}

/// The parameters (bit set, first 64) of a function-like macro that its body uses only
/// to read a field through (`db->dev`, not followed by an assignment; never alone,
/// never with `&`, `#` or `++`/`--` before it).
fn field_reading_params(params: &str, body: &str) -> u64 {
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let names = params.trim().trim_start_matches('(').trim_end_matches(')');
    let mut mask = 0u64;
    for (i, name) in names.split(',').map(str::trim).enumerate().take(64) {
        if name.is_empty() || !name.bytes().all(ident) {
            continue;
        }
        let b = body.as_bytes();
        let mut reads = 0;
        let mut ok = true;
        let mut at = 0;
        while let Some(found) = body[at..].find(name) {
            let start = at + found;
            let end = start + name.len();
            at = end;
            if (start > 0 && ident(b[start - 1])) || b.get(end).is_some_and(|&c| ident(c)) {
                continue;
            }
            let before = body[..start].trim_end();
            let after = body[end..].trim_start();
            let Some(rest) = after.strip_prefix("->") else {
                ok = false;
                break;
            };
            let rest = rest.trim_start();
            let field_len = rest.bytes().take_while(|&c| ident(c)).count();
            let tail = rest[field_len..].trim_start();
            let assigns = tail.starts_with("++")
                || tail.starts_with("--")
                || (tail.starts_with('=') && !tail.starts_with("=="))
                || ["+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>="]
                    .iter()
                    .any(|op| tail.starts_with(op));
            let taken = (before.ends_with('&') && !before.ends_with("&&"))
                || before.ends_with('#')
                || before.ends_with("++")
                || before.ends_with("--");
            if field_len == 0 || assigns || taken || tail.starts_with('.') || tail.starts_with('[')
            {
                ok = false;
                break;
            }
            reads += 1;
        }
        if ok && reads > 0 {
            mask |= 1 << i;
        }
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macros_reading_fields_through_a_parameter() {
        let body = "do { if ((lev) < debug) dev_dbg(db->dev, msg); } while (0)";
        assert_eq!(field_reading_params("(db, lev, ...)", body), 1);
        // Written through, taken by address, passed on as it is, or cast first.
        assert_eq!(field_reading_params("(db)", "((db)->in_timeout = 0)"), 0);
        assert_eq!(field_reading_params("(db)", "(db->in_timeout = 0)"), 0);
        assert_eq!(field_reading_params("(db)", "db->count++"), 0);
        assert_eq!(field_reading_params("(db)", "lock(&db->lock)"), 0);
        assert_eq!(field_reading_params("(db)", "helper(db)"), 0);
        assert_eq!(
            field_reading_params("(a, reg)", "readl(a->regs + (reg))"),
            1
        );
    }

    #[test]
    fn macro_always_set_bits() {
        assert_eq!(
            always_set_bits(
                "({ typeof(len) l_ = (len); (FIELD_PREP(M, l_) | F_NB); })",
                "(len)"
            ),
            Some("F_NB".to_string())
        );
        assert_eq!(
            always_set_bits("(FIELD_PREP(M, len) | A | BIT(3))", "(len)"),
            Some("A | BIT(3)".to_string())
        );
        assert_eq!(always_set_bits("(len | A)", "(len)"), Some("A".to_string()));
        assert_eq!(always_set_bits("(A ? B : C | D)", "(x)"), None);
        assert_eq!(always_set_bits("((len) & A | B)", "(len)"), None);
        assert_eq!(always_set_bits("(x || A)", "(x)"), None);
        assert_eq!(always_set_bits("(f(x) | g(x))", "(x)"), None);
    }

    #[test]
    fn define_filter_and_packing() {
        assert!(maybe_constant("(4096 + 4)"));
        assert!(maybe_constant("(RX_DESCS * sizeof(struct rx_desc))"));
        assert!(maybe_constant("((u32)BIT(3))"));
        assert!(!maybe_constant("readl(base + 4)"));
        assert!(!maybe_constant("(priv->len)"));
        let mut d = crate::facts::Defines::default();
        d.push("RING", "(256 * 4)");
        d.push("MODE", "1");
        d.push("ALT", "2");
        d.push("MODE", "3");
        d.push("ALT", "2");
        d.seal();
        assert_eq!(d.get("RING"), Some(Some("(256 * 4)")));
        // Two values (`#ifdef` alternatives): ambiguous; the same value twice: that value.
        assert_eq!(d.get("MODE"), Some(None));
        assert_eq!(d.get("ALT"), Some(Some("2")));
        assert_eq!(d.get("RINGS"), None);
        assert_eq!(d.len(), 3);
    }

    #[test]
    fn register_map_scan_and_attributes() {
        let defs = scan_defines(
            b"#define A 4\n  #  define B (A * \\\n 2) /* c */\n#define F(x) x\n#define S \"s\"\n",
        );
        assert_eq!(
            defs,
            vec![("A".into(), "4".into()), ("B".into(), "(A * 2)".into())]
        );
        assert_eq!(align_attribute(b" __aligned(8)").as_deref(), Some("8"));
        assert_eq!(
            align_attribute(b" __attribute__((aligned(2 * 8)))").as_deref(),
            Some("2 * 8")
        );
        assert_eq!(
            align_attribute(b" ____cacheline_aligned").as_deref(),
            Some("L1_CACHE_BYTES")
        );
        assert_eq!(align_attribute(b" __packed"), None);
        assert_eq!(align_attribute(b" aligned_len;"), None);
        assert_eq!(align_attribute(b" aligned;"), None);
        assert!(!packed_attribute(b"struct not_packed "));
        assert!(!packed_attribute(b" packed;"));
        assert!(packed_attribute(b" __attribute__((packed))"));
        assert!(packed_attribute(b" __packed"));
    }

    #[test]
    fn fields_from_text() {
        let f = field_from_text("__le32 vals[4][2];").unwrap();
        assert_eq!((f.ty.as_str(), f.dims().len()), ("__le32", 2));
        assert!(field_from_text("u32 a : 3;").is_none());
        assert!(field_from_text("void (*fn)(void);").is_none());
    }
}
