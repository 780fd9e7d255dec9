//! Per-file facts: everything later stages need from a file, and nothing else.
//!
//! Facts are small and owned. No tree-sitter node crosses this boundary, so a file's
//! tree is dropped as soon as its facts are extracted, and facts (not trees) cross files.

use serde::{Deserialize, Serialize};

/// A source range: byte offsets plus 1-based line and column (columns count bytes).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Span {
    pub start: u32,
    pub end: u32,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

#[derive(Debug, Clone, Default)]
pub struct FileFacts {
    /// The path as reached from the PATH given on the command line.
    pub path: String,
    pub functions: Vec<Function>,
    /// Number of ERROR and MISSING nodes tree-sitter produced (after the macro pre-pass).
    pub parse_errors: u32,
    /// File-level declarations the constant evaluator reads (see `parse::decls`).
    pub decls: Decls,
}

/// Object-like macros, quoted includes, struct layouts and typedefs of one file.
#[derive(Debug, Clone, Default)]
pub struct Decls {
    /// `#define NAME value` (object-like only), value text with comments removed.
    pub defines: Vec<Define>,
    /// Set when the file had more defines than kept (a generated register map): its
    /// defines are then all dropped, so names from it evaluate as unknown.
    pub defines_dropped: bool,
    /// `#include "x.h"` targets as written (system includes `<...>` are not kept).
    pub includes: Vec<String>,
    pub structs: Vec<StructDef>,
    /// `typedef <ty> name;`: (name, type text; `struct foo` for struct typedefs).
    pub typedefs: Vec<(String, String)>,
}

/// `#define NAME value`, packed into one allocation (there are ~800,000 of them in
/// the 6.1 `drivers/` tree).
#[derive(Debug, Clone, Default)]
pub struct Define {
    text: Box<str>,
    name_len: u32,
}

impl Define {
    pub fn new(name: &str, value: &str) -> Define {
        Define {
            text: format!("{name}{value}").into_boxed_str(),
            name_len: name.len() as u32,
        }
    }

    pub fn name(&self) -> &str {
        &self.text[..self.name_len as usize]
    }

    pub fn value(&self) -> &str {
        &self.text[self.name_len as usize..]
    }
}

/// A struct or union definition.
#[derive(Debug, Clone, Default)]
pub struct StructDef {
    /// `struct foo`, `union foo`, or the typedef name of an anonymous struct.
    pub name: String,
    pub is_union: bool,
    /// `__packed` / `__attribute__((packed))`: no padding.
    pub packed: bool,
    /// The fields, or `None` when the layout cannot be known from them (bit-fields,
    /// nested anonymous types, alignment attributes).
    pub fields: Option<Vec<Field>>,
}

#[derive(Debug, Clone, Default)]
pub struct Field {
    /// The declared type as written (`u32`, `struct list_head`).
    pub ty: String,
    /// Declared as a pointer (`*p`, function pointers).
    pub pointer: bool,
    /// Array dimensions as written, outermost first (`[]` is "0").
    pub dims: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Function {
    pub name: String,
    pub is_static: bool,
    /// Where the function's name is.
    pub name_span: Span,
    pub params: Vec<Param>,
    pub calls: Vec<Call>,
    pub cfg: Cfg,
    /// Whether part of the body could not be analysed flow-sensitively (nesting deeper
    /// than the builder's limit); calls there are kept in source order.
    pub truncated: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Param {
    pub name: String,
    /// The declared type, as written (`gfp_t`, `struct foo *`).
    pub ty: String,
}

/// One call expression, in evaluation order within its function.
#[derive(Debug, Clone, Default)]
pub struct Call {
    /// The called function's name; for calls through a pointer, the field or
    /// expression text (`ops->xmit`) with `indirect` set.
    pub callee: String,
    pub indirect: bool,
    /// Argument texts (comments removed, whitespace collapsed). Kept only for calls
    /// whose arguments later stages read (see `parse::extract::keeps_args`); others
    /// have `args` empty and `arg_count` set.
    pub args: Vec<String>,
    pub arg_count: u32,
    pub span: Span,
    /// For `guard(class)(args)` and `scoped_guard(class, args)`: the guard class.
    pub guard_class: Option<String>,
    /// The left-hand side this call's result is assigned to (`priv->ring`, `buf`).
    pub assigned_to: Option<String>,
}

/// A control-flow graph over a function body. Node 0 is the entry, node 1 the exit.
#[derive(Debug, Clone, Default)]
pub struct Cfg {
    pub nodes: Vec<CfgNode>,
    /// Parent of each lexical scope (block); scope 0 is outside the body.
    pub scope_parents: Vec<u32>,
}

pub const ENTRY: u32 = 0;
pub const EXIT: u32 = 1;

#[derive(Debug, Clone)]
pub struct CfgNode {
    pub kind: NodeKind,
    pub succs: Vec<u32>,
    /// The innermost lexical scope the node belongs to.
    pub scope: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// A join point or placeholder.
    Nop,
    /// Calls `calls[i]`.
    Call(u32),
    /// On this edge, the condition call `calls[call]` returned `truth`
    /// (this is how `if (spin_trylock(&l))` takes the lock on one branch only).
    Assume { call: u32, truth: bool },
    /// A `guard()`/`scoped_guard()` from `calls[call]`, held until control leaves `scope`.
    Guard { call: u32, scope: u32 },
}

impl Cfg {
    /// Whether scope `inner` is `outer` or nested inside it.
    pub fn scope_within(&self, inner: u32, outer: u32) -> bool {
        let mut s = inner;
        loop {
            if s == outer {
                return true;
            }
            if s == 0 {
                return false;
            }
            s = self.scope_parents[s as usize];
        }
    }
}
