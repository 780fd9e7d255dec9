//! File-level declarations for the constant evaluator, collected in the same walk as
//! functions (`extract()` hands over the top-level nodes): object-like `#define`s,
//! quoted `#include`s, struct/union definitions with their field types, typedefs.

use super::FastNode;
use tree_sitter::Node;

use super::text::{clean_text, contains, text};
use crate::facts::{Define, Field, FileFacts, StructDef};

/// A file with more object-like defines than this is a generated register map; its
/// defines are dropped (6.1 `drivers/`: 188 files hold 3.5 M of the 4.4 M defines).
pub const MAX_DEFINES_PER_FILE: usize = 2000;
/// Longest define value kept.
const MAX_DEFINE_TEXT: usize = 120;

/// Whether `collect` wants a top-level node of this kind.
pub fn wants(kind: &str) -> bool {
    matches!(
        kind,
        "preproc_def"
            | "preproc_include"
            | "struct_specifier"
            | "union_specifier"
            | "declaration"
            | "type_definition"
    )
}

/// Collects what `node` (a top-level item) declares into `facts.decls`.
pub fn collect(node: Node, src: &[u8], original: &[u8], facts: &mut FileFacts) {
    let d = &mut facts.decls;
    match node.kind_str() {
        "preproc_def" => {
            if d.defines_dropped {
                return;
            }
            let (Some(name), Some(value)) = (node.field("name"), node.field("value")) else {
                return;
            };
            let value = clean_text(&original[value.byte_range()], MAX_DEFINE_TEXT + 1);
            if value.is_empty()
                || value.len() > MAX_DEFINE_TEXT
                || value.contains(['"', '{', ';', '#', '[', '='])
                || !maybe_constant(&value)
            {
                return;
            }
            if d.defines.len() >= MAX_DEFINES_PER_FILE {
                d.defines = Vec::new();
                d.defines_dropped = true;
                return;
            }
            d.defines.push(Define::new(text(name, src), &value));
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
        "declaration" => {
            if let Some(ty) = node.field("type")
                && matches!(ty.kind_str(), "struct_specifier" | "union_specifier")
            {
                struct_def(ty, None, src, original, facts);
            }
        }
        "type_definition" => {
            let Some(ty) = node.field("type") else {
                return;
            };
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
    let Some(body) = node.field("body") else {
        return;
    };
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
    // `__packed` after the closing brace is outside the node: look up to the `;`.
    let after = &original[node.end_byte()..original.len().min(node.end_byte() + 64)];
    let after = &after[..after.iter().position(|&b| b == b';').unwrap_or(after.len())];
    let head = &original[node.start_byte()..body.start_byte()];
    let packed = contains(after, b"packed") || contains(head, b"packed");
    let mut fields = Some(Vec::new());
    let mut cursor = body.walk();
    for f in body.named_children(&mut cursor) {
        match f.kind_str() {
            "comment" => continue,
            "field_declaration" => {}
            // Preprocessor conditionals inside a struct: layout depends on config.
            _ => {
                fields = None;
                break;
            }
        }
        let raw = &original[f.byte_range()];
        let Some(ty) = f.field("type") else {
            fields = None;
            break;
        };
        let mut c2 = f.walk();
        let has_bitfield = f
            .named_children(&mut c2)
            .any(|c| c.kind_str() == "bitfield_clause");
        if has_bitfield
            || contains(raw, b"aligned")
            || contains(raw, b"packed")
            || ty.field("body").is_some()
        {
            fields = None;
            break;
        }
        let ty_text = clean_text(&src[ty.byte_range()], 80);
        let mut c3 = f.walk();
        let decls: Vec<Node> = f.children_by_field_name("declarator", &mut c3).collect();
        if decls.is_empty() {
            // The pre-pass blanks type words such as `__le32`, leaving `len;` alone:
            // read `TYPE NAME[dims];` from the original text instead.
            // Blanked words sit before the node: start after the previous token.
            let mut start = f.start_byte();
            while start > 0 && src[start - 1].is_ascii_whitespace() {
                start -= 1;
            }
            match field_from_text(&clean_text(&original[start..f.end_byte()], 200)) {
                Some(field) => {
                    if let Some(v) = fields.as_mut() {
                        v.push(field);
                    }
                    continue;
                }
                None => {
                    fields = None;
                    break;
                }
            }
        }
        for decl in decls {
            let mut field = Field {
                ty: ty_text.clone(),
                ..Field::default()
            };
            let mut d = decl;
            for _ in 0..16 {
                match d.kind_str() {
                    "field_identifier" | "identifier" => break,
                    // A pointer outside the dimensions is an array of pointers; inside
                    // them (`(*p)[4]`), a pointer to an array.
                    "pointer_declarator" if field.dims.is_empty() => field.pointer = true,
                    "pointer_declarator" | "function_declarator" => {
                        field.dims.clear();
                        field.pointer = true;
                        break;
                    }
                    "array_declarator" => {
                        let dim = d
                            .field("size")
                            .map(|s| clean_text(&original[s.byte_range()], MAX_DEFINE_TEXT))
                            .unwrap_or_else(|| "0".into());
                        field.dims.push(dim);
                    }
                    _ => {}
                }
                match d.field("declarator").or_else(|| d.named_child(0)) {
                    Some(n) => d = n,
                    None => break,
                }
            }
            // `int a[2][3]` nests the outer dimension outermost in the tree.
            field.dims.reverse();
            if let Some(v) = fields.as_mut() {
                v.push(field);
            }
        }
    }
    facts.decls.structs.push(StructDef {
        name,
        is_union,
        packed,
        fields,
    });
}

/// `__le32 len;`, `__be16 vals[4];`: a one-declarator field read from its text.
fn field_from_text(text: &str) -> Option<Field> {
    let t = text.trim().strip_suffix(';')?.trim();
    if t.contains([',', ':', '(', '*']) {
        return None;
    }
    let (head, dims_text) = match t.find('[') {
        Some(i) => (&t[..i], &t[i..]),
        None => (t, ""),
    };
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
    let (_name, ty) = words.split_last()?;
    if ty.is_empty() {
        return None;
    }
    Some(Field {
        ty: ty.join(" "),
        pointer: false,
        dims,
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn define_filter_and_packing() {
        assert!(maybe_constant("(4096 + 4)"));
        assert!(maybe_constant("(RX_DESCS * sizeof(struct rx_desc))"));
        assert!(maybe_constant("((u32)BIT(3))"));
        assert!(!maybe_constant("readl(base + 4)"));
        assert!(!maybe_constant("(priv->len)"));
        let d = Define::new("RING", "(256 * 4)");
        assert_eq!((d.name(), d.value()), ("RING", "(256 * 4)"));
    }

    #[test]
    fn fields_from_text() {
        let f = field_from_text("__le32 vals[4][2];").unwrap();
        assert_eq!((f.ty.as_str(), f.dims.len()), ("__le32", 2));
        assert!(field_from_text("u32 a : 3;").is_none());
        assert!(field_from_text("void (*fn)(void);").is_none());
    }
}
