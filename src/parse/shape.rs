//! What `gfplint summarize` reads again from one function's own text: its parameters'
//! names (a run's facts keep only the `gfp_t` ones: the others would cost tens of MB on
//! a whole tree, and only summaries map lock keys and freed pointers to parameters) and
//! what its `return` statements return (allocator wrappers: `return vzalloc(n);`).

use tree_sitter::Node;

use super::FastNode;
use super::text::text;

/// A function's parameters and returned calls, from its definition's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// Every parameter's name, in order (empty for an unnamed one).
    pub params: Vec<String>,
    /// The callees whose results the function returns, when every `return` returns a
    /// call's result, `NULL`/`0`, an error pointer (`is_error_pointer`), or a local
    /// assigned only such values. `None`: some return gives something else (a
    /// parameter, a field, arithmetic), or such a local escapes (`&p`, `p++`).
    pub returned_calls: Option<Vec<String>>,
}

/// The shape of the first function definition in `definition` (a function's text as
/// it stands in its file). `None` if it does not parse as one.
pub fn shape_of(definition: &[u8], is_error_pointer: &dyn Fn(&str) -> bool) -> Option<Shape> {
    let mut rewritten = definition.to_vec();
    super::macros::prepass(&mut rewritten);
    let tree = super::with_parser(|p| p.parse(&rewritten, None))?;
    let src = &rewritten[..];
    let root = tree.root_node();
    let mut cursor = root.walk();
    let def = root
        .named_children(&mut cursor)
        .find(|n| n.kind_str() == "function_definition")?;
    let params = parameter_names(def, src)?;
    let body = def.field("body")?;
    let returned_calls = ReturnScan {
        src,
        body,
        is_error_pointer,
    }
    .returned_calls();
    Some(Shape {
        params,
        returned_calls,
    })
}

/// The names in the definition's parameter list (`(void)`: none).
fn parameter_names(def: Node, src: &[u8]) -> Option<Vec<String>> {
    let mut d = def.field("declarator")?;
    // Through pointer and parenthesized declarators to the function declarator.
    for _ in 0..8 {
        if d.kind_str() == "function_declarator" {
            break;
        }
        d = d.field("declarator").or_else(|| d.named_child(0))?;
    }
    let list = d.field("parameters")?;
    let mut cursor = list.walk();
    let names = list
        .named_children(&mut cursor)
        .filter(|p| p.kind_str() == "parameter_declaration")
        .map(|p| {
            p.field("declarator")
                .map(|d| super::extract::innermost_identifier(d, src))
                .unwrap_or_default()
        })
        .collect();
    Some(names)
}

struct ReturnScan<'a, 't> {
    src: &'a [u8],
    body: Node<'t>,
    is_error_pointer: &'a dyn Fn(&str) -> bool,
}

/// What a returned or assigned value is.
enum Value {
    /// `NULL`, `0`, `ERR_PTR(-ENOMEM)`: no memory.
    Nothing,
    Call(String),
    Local(String),
    Other,
}

impl ReturnScan<'_, '_> {
    fn returned_calls(&self) -> Option<Vec<String>> {
        let mut calls = Vec::new();
        for ret in self.nodes_of_kind("return_statement") {
            let Some(value) = ret.named_child(0) else {
                continue;
            };
            match self.value(value) {
                Value::Nothing => {}
                Value::Call(c) => calls.push(c),
                Value::Local(name) => calls.extend(self.assigned_calls(&name)?),
                Value::Other => return None,
            }
        }
        calls.sort();
        calls.dedup();
        Some(calls)
    }

    /// The calls assigned to local `name`, when it is assigned nothing else and never
    /// escapes.
    fn assigned_calls(&self, name: &str) -> Option<Vec<String>> {
        // A local of the body (a parameter or a global holds what the caller or others
        // put there).
        let declared = self.nodes_of_kind("declaration").any(|d| {
            let mut cursor = d.walk();
            d.children_by_field_name("declarator", &mut cursor)
                .any(|decl| super::extract::innermost_identifier(decl, self.src) == name)
        });
        if !declared {
            return None;
        }
        let mut calls = Vec::new();
        let mut store = |value: Node| -> Option<()> {
            match self.value(value) {
                Value::Nothing => {}
                Value::Call(c) => calls.push(c),
                _ => return None,
            }
            Some(())
        };
        for n in self.nodes_of_kind("init_declarator") {
            if n.field("declarator").is_some_and(|d| self.is_name(d, name))
                && let Some(v) = n.field("value")
            {
                store(v)?;
            }
        }
        for n in self.nodes_of_kind("assignment_expression") {
            if !n.field("left").is_some_and(|l| self.is_name(l, name)) {
                continue;
            }
            if n.field("operator").map(|o| text(o, self.src)) != Some("=") {
                return None;
            }
            store(n.field("right")?)?;
        }
        let escapes = self.nodes_of_kind("pointer_expression").any(|p| {
            p.field("operator").map(|o| text(o, self.src)) == Some("&")
                && p.field("argument").is_some_and(|a| self.is_name(a, name))
        }) || self
            .nodes_of_kind("update_expression")
            .any(|u| u.field("argument").is_some_and(|a| self.is_name(a, name)));
        (!escapes).then_some(calls)
    }

    fn value(&self, node: Node) -> Value {
        let mut n = node;
        for _ in 0..8 {
            match n.kind_str() {
                "parenthesized_expression" => match n.named_child(0) {
                    Some(inner) => n = inner,
                    None => return Value::Other,
                },
                "cast_expression" => match n.field("value") {
                    Some(inner) => n = inner,
                    None => return Value::Other,
                },
                _ => break,
            }
        }
        match n.kind_str() {
            "null" => Value::Nothing,
            "number_literal" if text(n, self.src).trim() == "0" => Value::Nothing,
            "identifier" if text(n, self.src) == "NULL" => Value::Nothing,
            "identifier" => Value::Local(text(n, self.src).to_string()),
            "call_expression" => match n.field("function") {
                Some(f) if f.kind_str() == "identifier" => {
                    let callee = text(f, self.src);
                    if (self.is_error_pointer)(callee) {
                        Value::Nothing
                    } else {
                        Value::Call(callee.to_string())
                    }
                }
                _ => Value::Other,
            },
            _ => Value::Other,
        }
    }

    fn is_name(&self, node: Node, name: &str) -> bool {
        node.kind_str() == "identifier" && text(node, self.src) == name
    }

    /// Nodes of one kind in the body, in no particular order.
    fn nodes_of_kind(&self, kind: &'static str) -> impl Iterator<Item = Node<'_>> + '_ {
        let mut todo = vec![self.body];
        std::iter::from_fn(move || {
            while let Some(n) = todo.pop() {
                let mut cursor = n.walk();
                todo.extend(n.named_children(&mut cursor));
                if n.kind_str() == kind {
                    return Some(n);
                }
            }
            None
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(src: &str) -> Shape {
        shape_of(src.as_bytes(), &|n| n == "ERR_PTR").unwrap()
    }

    #[test]
    fn parameters_and_direct_returns() {
        let s = shape(
            "void *buf_alloc(struct dev *d, size_t n, gfp_t gfp)\n{\n\treturn vzalloc(n);\n}\n",
        );
        assert_eq!(s.params, ["d", "n", "gfp"]);
        assert_eq!(s.returned_calls, Some(vec!["vzalloc".to_string()]));
    }

    #[test]
    fn a_local_assigned_only_calls_and_null() {
        let s = shape(
            "static inline struct x *mk(int n)\n{\n\tstruct x *p = NULL;\n\tif (n > 4)\n\t\treturn ERR_PTR(-EINVAL);\n\tp = (struct x *)kmalloc(n, GFP_KERNEL);\n\tif (!p)\n\t\treturn NULL;\n\tp->n = n;\n\treturn p;\n}\n",
        );
        assert_eq!(s.params, ["n"]);
        assert_eq!(s.returned_calls, Some(vec!["kmalloc".to_string()]));
    }

    #[test]
    fn other_returns_are_unknown() {
        for body in [
            "void *f(void *q) { return q; }",
            "void *f(struct a *a) { return a->buf; }",
            "void *f(int n) { char *p = kmalloc(n, 0); return p + 1; }",
            "void *f(int n) { char *p = kmalloc(n, 0); p++; return p; }",
            "void *f(int n) { char *p; get(&p); return p; }",
            "void *f(int n, char *q) { char *p = kmalloc(n, 0); if (!p) p = q; return p; }",
        ] {
            assert_eq!(shape(body).returned_calls, None, "{body}");
        }
    }
}
