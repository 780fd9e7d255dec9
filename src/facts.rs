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
    /// Functions stored into callback fields (`.ndo_start_xmit = foo_xmit`,
    /// `urb->complete = foo_done`), wherever they are in the file. Only fields that
    /// the knowledge lists as atomic entry points are kept.
    pub field_callbacks: Vec<FieldCallback>,
    /// Calls outside any function: registration macros such as
    /// `DECLARE_TASKLET(name, fn);` at file scope.
    pub file_calls: Vec<Call>,
    /// `gfplint: allow(...)` comments (see `crate::suppress`).
    pub suppressions: Vec<Suppression>,
}

/// A `/* gfplint: allow(lint, ...) reason */` comment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suppression {
    /// Where `gfplint:` is.
    pub span: Span,
    /// Whether the comment is alone on its line (it then covers the next line too).
    pub own_line: bool,
    pub lints: Vec<String>,
    /// Why the comment is malformed, if it is.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct FieldCallback {
    pub field: String,
    pub function: String,
    pub span: Span,
    /// The object assigned to (`urb` in `urb->complete = f`), or the type of the
    /// initialised declaration (`struct net_device_ops`).
    pub object: String,
}

/// A sparse context annotation on a function definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnotationKind {
    /// `__must_hold(x)`: called with `x` held.
    MustHold,
    /// `__acquires(x)`: returns with `x` held.
    Acquires,
    /// `__releases(x)`: returns with `x` released.
    Releases,
}

#[derive(Debug, Clone)]
pub struct Annotation {
    pub kind: AnnotationKind,
    /// The lock expression as written (`&p->lock`).
    pub lock: String,
}

#[derive(Debug, Clone, Default)]
pub struct Function {
    pub name: String,
    pub is_static: bool,
    /// Where the function's name is.
    pub name_span: Span,
    /// The whole definition, from its first token to the closing brace.
    pub extent: Span,
    pub params: Vec<Param>,
    pub calls: Vec<Call>,
    pub cfg: Cfg,
    /// Sparse annotations on the definition (`__must_hold(&p->lock)`).
    pub annotations: Vec<Annotation>,
    /// Whether part of the body could not be analysed flow-sensitively (nesting deeper
    /// than the builder's limit); calls there are kept in source order.
    pub truncated: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Param {
    /// The name, kept for `gfp_t` parameters only (empty otherwise).
    pub name: String,
    /// The declared type, kept for `gfp_t` parameters only (empty otherwise).
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
