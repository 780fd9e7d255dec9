//! Per-file facts: everything later stages need from a file, and nothing else.
//!
//! Facts are small and owned. No tree-sitter node crosses this boundary, so a file's
//! tree is dropped as soon as its facts are extracted, and facts (not trees) cross files.
//!
//! In the pipeline (stage *facts*, `src/facts.rs`, `src/parse/decls.rs`,
//! `src/name.rs`): small owned data: functions, their calls (callee, an interned
//! `Name`: one copy per distinct text for the process; its `api` row, literal/parameter
//! arguments (a string literal's characters, for a callee's cursor over its string
//! parameter: `switch (*cur)` tests `Pred::HasChar`), locals holding a constant on
//! every path to the call (`parse/cfg/local_consts.rs`), `&local` structs with what
//! their fields may hold at the call (`parse/objects.rs`, `memset()` as an empty
//! initializer; paths sharing a top-level member overlap by name, and where two such
//! were written the object's history (`ObjectHistory`: declared type, initializer,
//! writes, escapes) is kept for the whole-program stage, which reads the type
//! (`FileEnv::field_overlap`: disjoint below a struct, overlapping below a union, a
//! zero over a union-sized member zeroes it) and lists every path of that member
//! (`ObjectFields::exact`)), locals, parameters and `netdev_priv()` structs (fields
//! under a `netdev_priv()/` prefix) with what the caller's conditions, `test_bit()`s
//! and stores of constants and parameters say of their fields
//! (`parse/cfg/local_fields.rs`; marked when a program function given the object may
//! change them; writes per top-level member; a local stored elsewhere forgotten at
//! later calls; a local holding a call's result: `ObjectArg::stored_by`, what that
//! callee's `returned_stores` say it stored into the object it returns), kept argument
//! texts, spans), what the body may write through its parameters (`Function::writes`,
//! per top-level member, and the calls it hands them to, which the whole-program stage
//! follows a few deep; file macros that only read fields through an argument:
//! `Decls::reading_macros`), a CFG per body (calls, assumptions on branch edges:
//! trylock results, flag parameters and their fields `p->f.g` where no write through
//! `p` precedes (a write reaches one member when it can; a macro used as an lvalue,
//! `PAGE_OF(p) = x`, any; a call given `p` as it is only marks the test, which the
//! whole-program stage keeps if that callee does not write the member; given `p` as
//! another type, `tcp_sk(p)` (`[same_object]`: the view itself writes nothing) or a
//! pointer computed from it, if the callee writes nothing through it:
//! `facts::VIEW_PASS`), simple conditions, context queries also through a local;
//! `SetLocal` writes of locals, and of the members tested of an object a zeroing
//! allocation just returned (`parse/cfg/zeroed.rs`: zero until written through the
//! local, given to a call, or, once copied or given away, any call or write through a
//! pointer), tests of a local that copies a parameter on some paths as the parameter's
//! where every path agrees (`parse/cfg/param_copies.rs`: `if (p || g) c = g; else c =
//! lookup;` then `if (!c)` says `g == 0`; a test that holds only if the calls given the
//! local by name are functions, not macros writing it, is `Cfg::conditional`: it drops
//! no group of paths in the local stage, and the whole-program stage keeps it only
//! where each such call resolves to a program function, `Analysis::run`); guards with
//! their lexical scope), callback registrations, and file declarations (defines,
//! includes, structs)

use serde::{Deserialize, Serialize};

use crate::gfp::GfpSet;

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

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FileFacts {
    /// The path as reached from the PATH given on the command line.
    pub path: String,
    /// Hash of the bytes analysed (`parse::source_hash`): the report stage shows and
    /// fingerprints a file only if it still has these bytes.
    pub source_hash: u64,
    /// `parse::layout::layout_free_digest` of the bytes: versions with the same one
    /// differ only in where things are (lines, comments, indentation).
    pub layout_free_digest: u64,
    /// `parse::layout::function_digests` of the bytes: the text outside the functions,
    /// and each function's (by index), without layout; a whole run after an edit of
    /// some functions' bodies follows what those functions do (`lib.rs`, `edited_run`).
    pub outside_functions_digest: u64,
    pub function_digests: Vec<u64>,
    pub functions: Vec<Function>,
    /// Number of ERROR and MISSING nodes tree-sitter produced (after the macro pre-pass).
    pub parse_errors: u32,
    /// Line and column of the first ERROR or MISSING node, when there is one.
    pub first_parse_error: Option<(u32, u32)>,
    /// Functions stored into callback fields (`.ndo_start_xmit = foo_xmit`,
    /// `urb->complete = foo_done`), wherever they are in the file. Only fields that
    /// the knowledge lists as atomic entry points are kept.
    pub field_callbacks: Vec<FieldCallback>,
    /// Calls outside any function: registration macros such as
    /// `DECLARE_TASKLET(name, fn);` at file scope.
    pub file_calls: Vec<Call>,
    /// `gfplint: allow(...)` comments (see `crate::suppress`).
    pub suppressions: Vec<Suppression>,
    /// File-level declarations the constant evaluator reads (see `parse::decls`).
    pub decls: Box<Decls>,
    /// The functions' CFGs, encoded, from the parse stage until the files that call
    /// another file's lock wrappers are locked again with those wrappers' effects
    /// (`context::local::park_cfgs`): a few bytes per node instead of a second parse
    /// of those files. Never cached, never part of the fingerprint.
    #[serde(skip)]
    pub parked_cfgs: Option<Box<[u8]>>,
}

/// Object-like macros, quoted includes, struct layouts and typedefs of one file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Decls {
    /// `#define NAME value` (object-like only), value text with comments removed.
    pub defines: Defines,
    /// Set when the file had more defines than kept (a generated register map): its
    /// defines are then all dropped, so names from it evaluate as unknown.
    pub defines_dropped: bool,
    /// Names of function-like macros that read like functions (a lower-case letter in
    /// them: `mt76_wr(dev, ...)`): a call of that name in a file that sees the macro is
    /// the macro, not another driver's function of the same name.
    pub fn_macros: Vec<Box<str>>,
    /// `#include "x.h"` targets as written (system includes `<...>` are not kept).
    pub includes: Vec<String>,
    /// Every `#include` of the raw file, `<…>` and `"…"`, for the kernel headers'
    /// include closure (`context::headers::include_lines`).
    pub include_lines: Box<str>,
    pub structs: Vec<StructDef>,
    /// `typedef <ty> name;`: (name, type text; `struct foo` for struct typedefs).
    pub typedefs: Vec<(String, String)>,
    /// File-scope arrays: (name, element count: the dimension as written, or the
    /// number of initializers of `name[] = { … }`), for `ARRAY_SIZE(name)`.
    #[serde(default)]
    pub arrays: Vec<(crate::name::Name, crate::name::Name)>,
    /// File-scope variables: (name, declared type: `struct foo *`, `u8 []`), for the
    /// types of expressions such as `sizeof(*priv)` and `struct_size(data, hws, n)`.
    /// (Both interned, as arrays': a few repeated texts over ~400,000 entries of a
    /// `drivers/` run.)
    #[serde(default)]
    pub variables: Vec<(crate::name::Name, crate::name::Name)>,
    /// Function-like macros whose body declares struct members (`#define
    /// LIST(type) type A; type B;`, or calls of other such macros), for members a
    /// file's own macros declare (amdgpu's `CLK_REG_FIELD_LIST(uint8_t)`).
    #[serde(default)]
    pub member_templates: Vec<crate::knowledge::MemberMacro>,
    /// Function-like macros and the parameters (bit set, first 64) they only read
    /// fields through (`#define foo_dbg(db, msg...) dev_dbg(db->dev, msg)`): a call
    /// given a pointer there writes nothing through it.
    #[serde(default)]
    pub reading_macros: Vec<(Box<str>, u64)>,
    /// Names of the file's function-like macros that are not member-list templates:
    /// a template also defined otherwise (`#if BITS_PER_LONG == 64` alternatives) is
    /// ambiguous. Only used while collecting.
    #[serde(skip)]
    pub other_fn_macros: Vec<Box<str>>,
    /// `#pragma pack` changes of the file being parsed: (byte offset, packing in
    /// force after it). Only used while collecting.
    #[serde(skip)]
    pub pack_changes: Vec<(u32, Option<u64>)>,
}

/// A file's object-like `#define`s (~800,000 in the 6.1 `drivers/` tree), packed:
/// names and values in one text, the index sorted by name. One allocation per define
/// and a sorted table of them in the declaration index took ~70 MB of a `drivers/`
/// run; this, ~30 MB. Filled by [`Defines::push`] while a file is parsed, then
/// [`Defines::seal`]ed: only a sealed set is looked up (and cached).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Defines {
    text: String,
    index: Vec<DefineAt>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct DefineAt {
    start: u32,
    name_len: u32,
    /// [`AMBIGUOUS`]: defined more than once with different values.
    value_len: u32,
}

const AMBIGUOUS: u32 = u32::MAX;

impl Defines {
    /// Adds `#define name value` (before [`Defines::seal`]).
    pub fn push(&mut self, name: &str, value: &str) {
        self.index.push(DefineAt {
            start: self.text.len() as u32,
            name_len: name.len() as u32,
            value_len: value.len() as u32,
        });
        self.text.push_str(name);
        self.text.push_str(value);
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// What it holds on the heap (for memory work: `examples/fact_memory.rs`).
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.index.capacity() * std::mem::size_of::<DefineAt>()
    }

    /// Sorts the defines by name for look-ups, one entry per name: a name defined more
    /// than once with different values (`#ifdef` alternatives) is ambiguous.
    pub fn seal(&mut self) {
        let mut order = std::mem::take(&mut self.index);
        // Stable: of equal values, the first is kept (they are the same text).
        order.sort_by(|a, b| self.name(a).cmp(self.name(b)));
        let mut text = String::with_capacity(self.text.len());
        let mut index: Vec<DefineAt> = Vec::with_capacity(order.len());
        for d in order {
            let (name, value) = (self.name(&d), self.value(&d));
            if let Some(last) = index.last_mut()
                && Self::name_in(&text, last) == name
            {
                if last.value_len != AMBIGUOUS && Self::value_in(&text, last) != value {
                    last.value_len = AMBIGUOUS;
                }
                continue;
            }
            index.push(DefineAt {
                start: text.len() as u32,
                name_len: d.name_len,
                value_len: d.value_len,
            });
            text.push_str(name);
            text.push_str(value);
        }
        text.shrink_to_fit();
        index.shrink_to_fit();
        self.text = text;
        self.index = index;
    }

    fn name(&self, d: &DefineAt) -> &str {
        Self::name_in(&self.text, d)
    }

    fn value(&self, d: &DefineAt) -> &str {
        Self::value_in(&self.text, d)
    }

    fn name_in<'t>(text: &'t str, d: &DefineAt) -> &'t str {
        &text[d.start as usize..(d.start + d.name_len) as usize]
    }

    /// The value's text (empty for an ambiguous define).
    fn value_in<'t>(text: &'t str, d: &DefineAt) -> &'t str {
        let from = (d.start + d.name_len) as usize;
        let len = if d.value_len == AMBIGUOUS {
            0
        } else {
            d.value_len as usize
        };
        &text[from..from + len]
    }

    /// The value of `name` in a sealed set: `Some(None)` when ambiguous.
    pub fn get(&self, name: &str) -> Option<Option<&str>> {
        let i = self
            .index
            .binary_search_by(|d| self.name(d).cmp(name))
            .ok()?;
        let d = &self.index[i];
        Some((d.value_len != AMBIGUOUS).then(|| self.value(d)))
    }
}

/// A struct or union definition.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StructDef {
    /// `struct foo`, `union foo`, or the typedef name of an anonymous struct.
    pub name: String,
    pub is_union: bool,
    /// `__packed` / `__attribute__((packed))`: no padding.
    pub packed: bool,
    /// `__aligned(n)` / `____cacheline_aligned` on the type: the alignment expression.
    pub align: Option<String>,
    /// `#pragma pack(n)` in force where it is defined: members aligned to at most n.
    pub pack: Option<u64>,
    /// The fields, or `None` when the layout cannot be known from them (a field the
    /// collector cannot read, a preprocessor conditional it cannot decide).
    pub fields: Option<Vec<Field>>,
}

/// A struct member as the layout reads it. What most members lack (dimensions, a
/// bit-field width, an alignment, an inner record, conditions, a member macro) is in
/// one optional box: a `drivers/` run keeps about half a million members, one in six
/// with any of those.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// The field's name (empty for an anonymous struct or union member). Names and
    /// types interned: a few thousand distinct texts (`u32`, `lock`) over the members.
    pub name: crate::name::Name,
    /// The declared type as written (`u32`, `struct list_head`).
    pub ty: crate::name::Name,
    /// Declared as a pointer (`*p`, function pointers).
    pub pointer: bool,
    /// Levels of pointer (`u8 **p`: 2).
    pub pointers: u8,
    /// `__packed` on the member: alignment 1.
    pub packed: bool,
    rare: Option<Box<FieldRare>>,
}

/// The parts of a [`Field`] most members lack.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldRare {
    /// Array dimensions as written, outermost first (`[]` is "0").
    pub dims: Vec<String>,
    /// Bit-field width expression (`u32 flag : 1`).
    pub bits: Option<String>,
    /// `__aligned(n)` on the member: the alignment expression.
    pub align: Option<String>,
    /// The body of a struct or union declared in place (`union { ... } u;`).
    pub inner: Option<Box<StructDef>>,
    /// Preprocessor conditions the field is under: (symbol, whether it must be
    /// defined), all of which must hold (`#ifdef CONFIG_X` … `#else`).
    pub conds: Vec<(String, bool)>,
    /// A member declared by a macro (`DECLARE_BITMAP(map, 64)`), as written: the
    /// layout expands it through the knowledge's `member_macro` table.
    pub macro_call: Option<String>,
}

static NO_RARE: FieldRare = FieldRare {
    dims: Vec::new(),
    bits: None,
    align: None,
    inner: None,
    conds: Vec::new(),
    macro_call: None,
};

impl Field {
    /// A member from its parts (the box only when one of `rare` is set).
    pub fn new(name: String, ty: String, rare: FieldRare) -> Field {
        let mut f = Field {
            name: name.into(),
            ty: ty.into(),
            ..Field::default()
        };
        f.set_rare(rare);
        f
    }

    fn rare(&self) -> &FieldRare {
        self.rare.as_deref().unwrap_or(&NO_RARE)
    }

    /// The rare parts, to change (see [`Field::set_rare`] to drop an empty box).
    pub fn rare_mut(&mut self) -> &mut FieldRare {
        self.rare.get_or_insert_with(Default::default)
    }

    /// Replaces the rare parts, keeping no box when all are empty.
    pub fn set_rare(&mut self, rare: FieldRare) {
        self.rare = (rare != NO_RARE).then(|| Box::new(rare));
    }

    pub fn dims(&self) -> &[String] {
        &self.rare().dims
    }

    pub fn bits(&self) -> Option<&str> {
        self.rare().bits.as_deref()
    }

    pub fn align(&self) -> Option<&str> {
        self.rare().align.as_deref()
    }

    pub fn inner(&self) -> Option<&StructDef> {
        self.rare().inner.as_deref()
    }

    pub fn inner_mut(&mut self) -> Option<&mut StructDef> {
        self.rare.as_mut().and_then(|r| r.inner.as_deref_mut())
    }

    pub fn conds(&self) -> &[(String, bool)] {
        &self.rare().conds
    }

    pub fn macro_call(&self) -> Option<&str> {
        self.rare().macro_call.as_deref()
    }
}

/// A `/* gfplint: allow(lint, ...) reason */` comment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// Where `gfplint:` is.
    pub span: Span,
    /// Whether the comment is alone on its line (it then covers the next line too).
    pub own_line: bool,
    /// `allow-file(...)`: covers every line of the file.
    pub file_wide: bool,
    pub lints: Vec<String>,
    /// Why the comment is malformed, if it is.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FieldCallback {
    pub field: String,
    pub function: String,
    pub span: Span,
    /// The object assigned to (`urb` in `urb->complete = f`), or the type of the
    /// initialised declaration (`struct net_device_ops`).
    pub object: String,
}

/// A sparse context annotation on a function definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnnotationKind {
    /// `__must_hold(x)`: called with `x` held.
    MustHold,
    /// `__acquires(x)`: returns with `x` held.
    Acquires,
    /// `__releases(x)`: returns with `x` released.
    Releases,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Annotation {
    pub kind: AnnotationKind,
    /// The lock expression as written (`&p->lock`).
    pub lock: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Function {
    pub name: crate::name::Name,
    pub is_static: bool,
    /// Where the function's name is.
    pub name_span: Span,
    /// The whole definition, from its first token to the closing brace.
    pub extent: Span,
    /// The `gfp_t` parameters only (the only ones later stages read; keeping all
    /// would cost tens of MB on a drivers/ tree).
    pub params: Box<[Param]>,
    /// Constant arguments of its calls, when the function has any (boxed: most
    /// functions have none).
    pub values: Option<Box<FunctionValues>>,
    /// Number of declared parameters (`u32::MAX` for a variadic function, or when the
    /// declarator is unusual): a call with another argument count is not to it.
    pub arity: u32,

    pub calls: Vec<Call>,
    /// Not cached: CFGs are dropped after the local stage, before facts are stored
    /// (boxed: the hundreds of thousands of functions of a run keep one pointer
    /// instead of three empty vectors). See [`Function::cfg`].
    #[serde(skip)]
    pub cfg: Option<Box<Cfg>>,
    /// Its parameters make it an atomic-style callback (`struct timer_list *`, or
    /// `(int irq, void *dev)`), wherever it is registered.
    pub atomic_signature: bool,
    /// Defined inside `#if`/`#ifdef`: one configuration's variant of the function.
    pub conditional: bool,
    /// Sparse annotations on the definition (`__must_hold(&p->lock)`).
    pub annotations: Box<[Annotation]>,
    /// Whether part of the body could not be analysed flow-sensitively (nesting deeper
    /// than the builder's limit); calls there are kept in source order.
    pub truncated: bool,
    /// What the body itself may write through its pointer parameters, for callers
    /// that test the object after giving it (`FunctionValues::soft_passes`). Boxed,
    /// `None` when it writes nothing (see [`Function::writes`]): 8 bytes instead of 64
    /// in each of the ~400,000 functions of a `drivers/` run.
    pub writes: Option<Box<ParamWrites>>,
}

/// What a function may write through its parameters (first 64 each).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamWrites {
    /// Anything in the object: an assignment through `*p` or `p[i]`, a copy of the
    /// pointer, the parameter reassigned, the pointer given to an API or a macro.
    pub any: u64,
    /// Given as it is to a program function: whatever that one writes (not followed
    /// further: such a parameter counts as written for the function's callers).
    pub passed: u64,
    /// One top-level member only (`p->stats.n = 0`, `spin_lock(&p->lock)`):
    /// (parameter, member).
    pub members: Box<[(u8, Box<str>)]>,
    /// The calls of `passed`: (parameter, with `PRIVATE_PASS` when its private struct
    /// was given; call; argument), for following the writes further.
    pub passes: Box<[(u8, u32, u8)]>,
    /// Fields it only sets and fields it clears (`OnceFields`), when it has any (boxed:
    /// 8 bytes in each of the ~300,000 `ParamWrites` of a `drivers/` run, not 48).
    #[serde(default)]
    pub once: Option<Box<OnceFields>>,
}

/// Calls made in `if (!flag)` blocks of global flags (call, flag), globals set, globals
/// cleared (`OnceFields`).
pub type GlobalOnce = (Vec<(u32, Box<str>)>, Vec<Box<str>>, Vec<Box<str>>);

/// What `context::once` reads of a function (`parse/cfg/once_stores.rs`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnceFields {
    /// Field paths the function only ever sets (`p->stats = alloc()`, `p->ready =
    /// true`, `p->flags |= FOO_DONE`; never zero, never anything else): (parameter,
    /// path, the bits when every store ORs in the same constant). A call made only
    /// while one is still unset is lazy initialisation.
    pub only_sets: Vec<(u8, Box<str>, Option<crate::values::Val>)>,
    /// Field names (the last of a path) the function clears through any object (`x->on
    /// = false`, `x->flags &= ~F`; not `= NULL`), kept only for the names some function
    /// of the same file only sets: such a field that something else clears at run time
    /// is a toggle, not lazy initialisation.
    pub clears: Vec<Box<str>>,
    /// Calls made directly in an `if (!flag)` block of a global flag that some function
    /// of the file sets (`flag = true`, `WRITE_ONCE(flag, true)`) and none clears or
    /// otherwise stores: (call, flag).
    #[serde(default)]
    pub global_guards: Vec<(u32, Box<str>)>,
    /// Globals the function sets and clears: read by the file's other functions while
    /// the file is extracted, then dropped (`parse/extract.rs`).
    #[serde(default)]
    pub global_sets: Vec<Box<str>>,
    #[serde(default)]
    pub global_clears: Vec<Box<str>>,
}

impl OnceFields {
    /// Boxed, or `None` when all are empty.
    pub fn boxed(
        only_sets: Vec<(u8, Box<str>, Option<crate::values::Val>)>,
        clears: Vec<Box<str>>,
        (global_guards, global_sets, global_clears): GlobalOnce,
    ) -> Option<Box<OnceFields>> {
        let o = OnceFields {
            only_sets,
            clears,
            global_guards,
            global_sets,
            global_clears,
        };
        (!o.is_empty()).then(|| Box::new(o))
    }

    pub fn is_empty(&self) -> bool {
        self.only_sets.is_empty()
            && self.clears.is_empty()
            && self.global_guards.is_empty()
            && self.global_sets.is_empty()
            && self.global_clears.is_empty()
    }
}

impl ParamWrites {
    /// Boxed, or `None` when it says nothing (as `Function::writes` keeps it).
    pub fn boxed(self) -> Option<Box<ParamWrites>> {
        (!self.is_empty()).then(|| Box::new(self))
    }

    /// The field paths the function only sets (`OnceFields::only_sets`).
    pub fn only_sets(&self) -> &[(u8, Box<str>, Option<crate::values::Val>)] {
        self.once.as_deref().map_or(&[], |o| &o.only_sets)
    }

    /// The calls the function makes only while a global flag is unset
    /// (`OnceFields::global_guards`).
    pub fn global_guards(&self) -> &[(u32, Box<str>)] {
        self.once.as_deref().map_or(&[], |o| &o.global_guards)
    }

    /// The field names the function clears (`OnceFields::clears`).
    pub fn clears(&self) -> &[Box<str>] {
        self.once.as_deref().map_or(&[], |o| &o.clears)
    }

    /// Whether it says nothing (`Function::writes` is then `None`).
    pub fn is_empty(&self) -> bool {
        self.any == 0
            && self.passed == 0
            && self.members.is_empty()
            && self.passes.is_empty()
            && self.once.is_none()
    }

    /// Whether the function may change member `member` (top-level) of the object its
    /// parameter `param` points to.
    pub fn may_write(&self, param: u32, member: &str) -> bool {
        param >= 64
            || (self.any | self.passed) & (1 << param) != 0
            || self
                .members
                .iter()
                .any(|(p, m)| u32::from(*p) == param && **m == *member)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Param {
    /// Position among all the function's parameters.
    pub index: u32,
    pub name: String,
    /// The declared type as written (`gfp_t`).
    pub ty: String,
}

/// What a function's parameters and its calls' arguments are known to be (slices, not
/// vectors: 88 bytes, not 128, for each of the ~280,000 functions of a `drivers/` run
/// that have values).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionValues {
    /// Arguments of calls to functions (not known APIs) with a known value other than
    /// zero or "non-zero" (`3`, `FOO_SYNC`, `-EIO`), sorted by call. Kept per function,
    /// not per call: most calls have none.
    pub const_args: Box<[ConstArg]>,
    /// Arguments computed from one parameter of the function, or from what a call
    /// returns (`wait_ms > 0`, `flags & FOO_NOWAIT`, `helper_nowait(flags)`), sorted by
    /// call.
    pub derived_args: Box<[DerivedArg]>,
    /// The body is `return <derived from parameter>;` (`return flags & FOO_NOWAIT;`):
    /// (parameter, derivation). Boxed: a couple of hundred functions of a `drivers/`
    /// run have one, a quarter of a million have values.
    pub returns: Option<Box<(u8, crate::values::Derive)>>,
    /// Arguments that are the address of a local struct with a brace initializer,
    /// with what its fields may hold at the call (`parse::objects`), sorted by call.
    pub objects: Box<[ObjectArg]>,
    /// Calls given a parameter as it is, to a program function (parameter, call,
    /// argument), in order, when a test of a parameter's fields (or a field passed on)
    /// after some of them was kept as an [`unwritten_path`] naming them.
    pub soft_passes: Box<[(u8, u32, u8)]>,
    /// What the object the function returns holds, on every path that returns one (a
    /// local it stored into: `req->waiting = wait; return req;`; paths returning NULL
    /// return no object): (field path, the values it may have, one of them), in terms
    /// of the function's own parameters and constants. A caller handing the object on
    /// sees these fields through [`ObjectArg::stored_by`].
    #[serde(default)]
    pub returned_stores: Box<[(Box<str>, Vec<FieldVal>)]>,
}

/// Marks a field path (`Pred::Field`, `Derive::Field`) whose test or value holds as
/// the function was entered only if the program functions given the parameter before
/// it (`passes`: bit k for `FunctionValues::soft_passes[k]`) do not write that member;
/// the whole-program stage checks that and unmarks or drops it, so later stages never
/// see the mark.
pub fn unwritten_path(path: &str, passes: u64) -> Box<str> {
    format!("{UNWRITTEN_MARK}{passes:x}{UNWRITTEN_MARK}{path}").into_boxed_str()
}

/// The passes and the path of a marked field path ([`unwritten_path`]).
pub fn strip_unwritten(path: &str) -> Option<(u64, &str)> {
    let (passes, path) = path
        .strip_prefix(UNWRITTEN_MARK)?
        .split_once(UNWRITTEN_MARK)?;
    Some((u64::from_str_radix(passes, 16).ok()?, path))
}

const UNWRITTEN_MARK: char = '?';

/// In `FunctionValues::soft_passes`, a parameter index with this bit set: the call was
/// given the driver's private struct of the parameter's object (`helper(db)` after `db
/// = netdev_priv(dev)`), whose fields are the parameter's under a prefix
/// (`values::Derive::Within`).
pub const PRIVATE_PASS: u8 = 0x80;

/// In `FunctionValues::soft_passes`, a parameter index with this bit set: the call was
/// given the parameter's object as another type (`helper(tp)` after `tp = tcp_sk(sk)`,
/// `[same_object]`), whose members have other names: any write the callee makes
/// through it may reach any member.
pub const VIEW_PASS: u8 = 0x40;

/// The parameter index of a soft pass, without its `PRIVATE_PASS`/`VIEW_PASS` bits.
pub fn pass_param(p: u8) -> u8 {
    p & !(PRIVATE_PASS | VIEW_PASS)
}

/// Ends the prefix of a private struct's fields seen as its parameter's
/// (`netdev_priv()/in_timeout`): a top-level member of its own.
pub const PRIVATE_MARK: &str = "()/";

/// Argument `arg` of call `call` is `&local`, a struct whose fields are known in part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectArg {
    pub call: u32,
    pub arg: u8,
    /// (field path without the leading dot: `flags`, `ncmd.s.cmd`; the values it may
    /// have at the call, one of them; empty: unknown).
    pub fields: Vec<(Box<str>, Vec<FieldVal>)>,
    /// Fields no entry overlaps are zero (C zero-fills what a brace initializer does
    /// not name).
    pub zero_rest: bool,
    /// The object came back from an earlier call of the function (`req = get(pool,
    /// wait)`): the fields that callee stored into it are known too (boxed: most
    /// objects have none).
    #[serde(default)]
    pub stored_by: Option<Box<StoredBy>>,
    /// What the caller did to the object, kept when two of its paths share a
    /// top-level member without one containing the other (`cmd.s.op`, `cmd.s.group`,
    /// `cmd.raw`): `fields` then take them as overlapping (the member may be a union),
    /// and the whole-program stage, which can read the object's type, decides
    /// (boxed: most objects have none).
    #[serde(default)]
    pub history: Option<Box<ObjectHistory>>,
}

/// What a function did to a local object before a call given its address, in terms
/// its field values can be computed from once it is known which paths overlap
/// ([`ObjectHistory::values`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectHistory {
    /// The object's declared type as written (`struct cmd`).
    pub ty: Box<str>,
    /// The initializer's entries (path, value; `None`: unknown), the rest zero.
    pub init: Vec<(Box<str>, Option<FieldVal>)>,
    /// The writes that may run before the call, in source order.
    pub writes: Vec<ObjectWrite>,
    /// Paths whose address was taken before the call.
    pub escapes: Vec<Box<str>>,
}

/// A write of a local object's field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectWrite {
    pub path: Box<str>,
    pub op: WriteOp,
    /// Every path to the call runs it.
    pub sure: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WriteOp {
    /// `= value` (`None`: a value not known).
    Set(Option<FieldVal>),
    /// `|= constant`.
    Or(crate::values::Val),
    Unknown,
}

/// How a write of one field path may change another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlap {
    /// Different memory.
    Disjoint,
    /// The same path.
    Same,
    /// The written path is a member as large as the union holding both: writing 0
    /// to it makes the other 0.
    Spans,
    /// It may change it in ways not known.
    Overlaps,
}

/// [`Overlap`] as far as the paths' names tell ([`paths_overlap`]).
pub fn name_overlap(w: &str, q: &str) -> Overlap {
    if w == q {
        Overlap::Same
    } else if paths_overlap(w, q) {
        Overlap::Overlaps
    } else {
        Overlap::Disjoint
    }
}

/// Whether one field path contains the other (or is it).
pub fn path_contains(outer: &str, inner: &str) -> bool {
    outer.is_empty()
        || inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// Values a field may hold, at most.
pub const MAX_FIELD_VALUES: usize = 4;

impl ObjectHistory {
    /// The values field path `q` may hold at the call (`None`: unknown), with `overlap`
    /// telling how a write of one path reaches another. A field holds its initial
    /// value or a value written to it before the call (`|= F` adds `| F`); the last
    /// plain write every path runs (or a zero written over the whole union holding it)
    /// replaces what came before it. An address taken of an overlapping path (by
    /// name: a pointer into a member may reach its neighbours) makes it unknown.
    pub fn values(
        &self,
        q: &str,
        overlap: &mut dyn FnMut(&str, &str) -> Overlap,
    ) -> Option<Vec<FieldVal>> {
        use crate::values::{Derive, Val};
        if self
            .escapes
            .iter()
            .any(|e| **e == *q || paths_overlap(e, q))
        {
            return None;
        }
        let zero = FieldVal::Val(Val::Int(0));
        // What a write does to `q`: `Some(Some(op))` acts as `op` on it, `Some(None)`
        // leaves it alone, `None` makes it unknown.
        let mut effect = |w: &ObjectWrite| -> Option<Option<WriteOp>> {
            match overlap(&w.path, q) {
                Overlap::Disjoint => Some(None),
                Overlap::Same => Some(Some(w.op.clone())),
                Overlap::Spans if w.op == WriteOp::Set(Some(zero.clone())) => {
                    Some(Some(w.op.clone()))
                }
                Overlap::Spans | Overlap::Overlaps => None,
            }
        };
        let effects: Vec<(Option<Option<WriteOp>>, bool)> =
            self.writes.iter().map(|w| (effect(w), w.sure)).collect();
        let mut values: Vec<FieldVal> = Vec::new();
        // The last plain write every path runs replaces what came before it.
        let last_sure = effects
            .iter()
            .rposition(|(e, sure)| *sure && matches!(e, Some(Some(WriteOp::Set(_)))));
        if last_sure.is_none() {
            match self.init.iter().find(|(p, _)| **p == *q) {
                Some((_, v)) => values.push(v.clone()?),
                None => {
                    for (p, v) in &self.init {
                        match overlap(p, q) {
                            Overlap::Disjoint | Overlap::Same => {}
                            Overlap::Spans if v.as_ref() == Some(&zero) => {}
                            Overlap::Spans | Overlap::Overlaps => return None,
                        }
                    }
                    values.push(zero.clone());
                }
            }
        }
        // Any of the writes after it may have run, in source order (no loop repeats
        // them).
        for (e, _) in &effects[last_sure.unwrap_or(0)..] {
            match e.as_ref()? {
                None => continue,
                Some(WriteOp::Set(v)) => {
                    let v = v.clone()?;
                    if !values.contains(&v) {
                        values.push(v);
                    }
                }
                Some(WriteOp::Or(bits)) => {
                    let ored: Vec<FieldVal> = values
                        .iter()
                        .map(|v| match v {
                            FieldVal::Param(p) => {
                                Some(FieldVal::Derived(*p, Derive::Or(bits.clone())))
                            }
                            FieldVal::Val(x) => {
                                Derive::Or(bits.clone()).apply(x).map(FieldVal::Val)
                            }
                            // The same bits again change nothing.
                            FieldVal::Derived(_, Derive::Or(b)) if b == bits => Some(v.clone()),
                            FieldVal::Derived(..) | FieldVal::Has(_) => None,
                        })
                        .collect::<Option<_>>()?;
                    for v in ored {
                        if !values.contains(&v) {
                            values.push(v);
                        }
                    }
                }
                Some(WriteOp::Unknown) => return None,
            }
            if values.len() > MAX_FIELD_VALUES {
                return None;
            }
        }
        Some(values)
    }

    /// The top-level members where two paths written or initialized (not one inside
    /// the other) may or may not overlap, depending on the type: what only the type
    /// can decide. Members with an address taken are left out (unknown either way).
    pub fn undecided_members(&self) -> Vec<&str> {
        let top = |p: &str| p.split('.').next().unwrap_or("").to_string();
        let paths: Vec<&str> = self
            .init
            .iter()
            .map(|(p, _)| &**p)
            .chain(self.writes.iter().map(|w| &*w.path))
            .collect();
        let mut out: Vec<&str> = Vec::new();
        for (i, a) in paths.iter().enumerate() {
            for b in &paths[i + 1..] {
                if paths_overlap(a, b) && !path_contains(a, b) && !path_contains(b, a) {
                    let m = a.split('.').next().unwrap_or("");
                    if !out.contains(&m) && !self.escapes.iter().any(|e| top(e) == m) {
                        out.push(m);
                    }
                }
            }
        }
        out.sort_unstable();
        out
    }
}

/// An object a call returned, seen at a later call: the fields its callee stored into
/// what it returns on every path ([`FunctionValues::returned_stores`]) hold, but for
/// the top-level members written since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredBy {
    /// The call that returned the object (a call of the same function).
    pub call: u32,
    /// Top-level members the caller (or a call given a pointer into the object) may
    /// have written since.
    pub written: Vec<Box<str>>,
}

/// A value a field of a local object may have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldVal {
    Val(crate::values::Val),
    /// The calling function's parameter.
    Param(u8),
    /// Computed from the calling function's parameter.
    Derived(u8, crate::values::Derive),
    /// Unknown, with the bits of this constant mask set (`test_bit(NR, &p->flags)`
    /// held: `1UL << (NR)`).
    Has(crate::values::Val),
}

/// Whether a write or initializer of field path `a` may change field path `b` (paths
/// without the leading dot), other than being it: one contains the other, or both lie
/// in the same top-level member (which may hold a union). Distinct top-level members
/// of a struct do not overlap (an anonymous union at the top level is the assumption's
/// gap).
pub fn paths_overlap(a: &str, b: &str) -> bool {
    let first = |p: &str| p.split('.').next().unwrap_or("").to_string();
    a != b && (a.is_empty() || b.is_empty() || first(a) == first(b))
}

/// Argument `arg` of call `call` is `derive` applied to `from` (`None`: `from` as is,
/// a call's result passed on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DerivedArg {
    pub call: u32,
    pub arg: u8,
    pub from: DerivedFrom,
    pub derive: Option<crate::values::Derive>,
}

/// What a derived argument is computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DerivedFrom {
    /// The calling function's parameter.
    Param(u8),
    /// The value call number `.0` of the function returns (its callee's `returns`).
    Call(u32),
}

/// A constant argument: argument `arg` of call `call` has value `value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConstArg {
    pub call: u32,
    pub arg: u8,
    pub value: crate::values::Val,
}

/// One call expression, in evaluation order within its function.
///
/// A `drivers/` tree has millions of calls, so what most calls lack (kept argument
/// texts, a guard class, an assignment target) lives behind one optional box.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Call {
    /// The called function's name; for calls through a pointer, the field or
    /// expression text (`ops->xmit`) with `indirect` set.
    pub callee: crate::name::Name,
    pub indirect: bool,
    /// Inside a branch, loop body or conditional operand whose condition is not
    /// (only) a test of the function's parameters: the call may not run on the normal
    /// path. Kernel summaries keep only chains of unconditional calls (an early error
    /// return before a call does not make it conditional).
    pub conditional: bool,
    /// (`u16`, saturating: with the flags beside it a call takes 72 bytes, not 80;
    /// millions of calls are kept for a run.)
    pub arg_count: u16,
    pub span: Span,
    /// Arguments (index < 32) that are literal zero (`0`, `false`, `NULL`), and that
    /// are literal non-zero (`true`, `1`): callees that test a flag parameter
    /// (`if (may_sleep) msleep(1);`) do not sleep when given a literal `false`.
    pub zero_args: u32,
    pub nonzero_args: u32,
    /// Arguments that are one of the calling function's parameters, passed as is: the
    /// first four here, more in the extra box (`Call::param_at` reads both).
    pub param_args: ParamArgs,
    /// The callee's row in the knowledge's API table, when the knowledge describes it
    /// (an allocator, a lock operation, a sleeping call): classified once, at the end of
    /// extraction (`parse::classify_calls`), so later stages ask `Knowledge::api_of`
    /// instead of looking the name up again. Valid for the knowledge the facts were
    /// made with (whose fingerprint keys the cache).
    pub api: Option<ApiId>,
    pub(crate) extra: Option<Box<CallExtra>>,
}

/// An index into the knowledge's API table (`Knowledge::api_of`), stored plus one so
/// `Option<ApiId>` takes 4 bytes in every `Call` (millions of them on a whole tree).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ApiId(std::num::NonZeroU32);

impl ApiId {
    /// The id of row `index` (`None` past `u32::MAX - 1` rows).
    pub fn new(index: usize) -> Option<ApiId> {
        u32::try_from(index + 1)
            .ok()
            .and_then(std::num::NonZeroU32::new)
            .map(ApiId)
    }

    pub fn index(self) -> usize {
        self.0.get() as usize - 1
    }
}

/// What some calls have: most of those only kept argument texts, an assignment target
/// or forwarded parameters; the rest (allocator and lock details) is boxed again.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct CallExtra {
    args: Vec<String>,
    assigned_to: Option<String>,
    /// Forwarded parameters past the four `param_args` holds: wrappers pass on six or
    /// seven (`t4_wr_mbox_meat(adap, mbox, cmd, size, rpl, sleep_ok)`), and the flag
    /// that decides whether the callee sleeps is often the last.
    more_param_args: Vec<(u8, u8)>,
    /// The GFP argument's bits, when the knowledge's flags alone make it a constant
    /// (`GFP_KERNEL | __GFP_ZERO`), for allocators with a fixed GFP position: the
    /// parsed form `parse::classify_calls` stores, so later stages do not lex the text
    /// again. `None`: no such argument, or not a constant of known flags (a `gfp_t`
    /// parameter, a file's macro), whose text is evaluated where it is read.
    gfp_flags: Option<GfpSet>,
    rare: Option<Box<CallRare>>,
}

/// The parts of [`CallExtra`] only allocator calls, guards, lock-dropping calls and
/// file-local unlocking macros have (a `drivers/` run keeps ~2.5 million calls).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct CallRare {
    guard_class: Option<String>,
    /// Inside a loop body of its function (allocator calls only).
    in_loop: bool,
    /// The local this call's result is stored into is also given other values in the
    /// function (`data = fw->data;`, `data = helper();`): its memory's family is not
    /// this call's alone.
    target_mixed: bool,
    /// Declared types of the identifiers in a product size argument (allocator calls
    /// only): (name, type as written, `*` for pointers).
    operand_types: Vec<(String, String)>,
    /// Values assigned to those identifiers before the call, in the function (`?`
    /// for an assignment that is not a plain `=`).
    operand_values: Vec<(String, String)>,
    /// Those identifiers that are the function's parameters: (name, position).
    operand_params: Vec<(String, u8)>,
    /// The declared type of the variable a field access starts from, for the field
    /// this call's result is stored into (`assigned_to`) or, for a free, the field it
    /// frees: `buffer->data` of a `struct a_buf *` and of a `struct b_buf *` are
    /// different fields (`decl_index::field_key_typed`).
    field_base_type: Option<String>,
    /// For a DMA handoff whose buffer is a field access (`card->buffer`): the declared
    /// type of the variable it starts from (`struct if_card *`), as `field_base_type`.
    dma_buffer_base_type: Option<String>,
    /// For an allocator call assigned to a local: the struct fields that local is
    /// then stored into in the function (`bp->ring = ring;`), with the declared type
    /// of each access's base variable.
    also_stored_to: Vec<(String, String)>,
    /// For a call of a file-local macro that runs an argument with a lock released
    /// (`parse::brackets`): (the lock's key at this call, that argument).
    unlocked_run: Option<(String, u8)>,
    /// Locks an allocator call drops (`__xa_store(&ent->mkeys, …)`), when named
    /// through a parameter: (parameter, rest of the key: `->mkeys`). For a call of
    /// another function: (argument, the lock's key) for each plain-name argument that
    /// starts the key of such a lock the caller took before it (`xa_lock_irq(&ent->mkeys);
    /// pop(ent);` gives (0, `ent->mkeys`)).
    lock_through_arg: Vec<(u8, String)>,
}

impl Call {
    /// Argument texts (comments removed, whitespace collapsed). Kept only for calls
    /// whose arguments later stages read (see `parse::extract::keeps_args`); others
    /// have none here and only `arg_count`.
    pub fn args(&self) -> &[String] {
        self.extra.as_ref().map_or(&[], |e| e.args.as_slice())
    }

    /// For `guard(class)(args)` and `scoped_guard(class, args)`: the guard class.
    pub fn guard_class(&self) -> Option<&str> {
        self.rare().and_then(|e| e.guard_class.as_deref())
    }

    /// The left-hand side this call's result is assigned to (`priv->ring`, `buf`),
    /// kept for calls of known APIs.
    pub fn assigned_to(&self) -> Option<&str> {
        self.extra.as_ref().and_then(|e| e.assigned_to.as_deref())
    }

    /// Whether the call is inside a loop body (kept for allocator calls).
    pub fn in_loop(&self) -> bool {
        self.rare().is_some_and(|e| e.in_loop)
    }

    /// The declared types of the identifiers of the size arguments (name, type).
    pub fn operand_types(&self) -> &[(String, String)] {
        self.rare().map_or(&[], |e| e.operand_types.as_slice())
    }

    /// The declared type of identifier `name` of a size argument, if it was declared
    /// in the calling function (kept for allocator calls).
    pub fn operand_type(&self, name: &str) -> Option<&str> {
        self.rare().and_then(|e| {
            e.operand_types
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, t)| t.as_str())
        })
    }

    /// The values assigned to identifier `name` of a size argument before the call
    /// (kept for allocator calls); empty for a parameter that is never assigned.
    pub fn operand_values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s str> {
        self.rare()
            .into_iter()
            .flat_map(|e| e.operand_values.iter())
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn set_operand_values(&mut self, values: Vec<(String, String)>) {
        if !values.is_empty() {
            self.rare_mut().operand_values = values;
        }
    }

    /// The position of identifier `name` among the function's parameters, when a size
    /// argument's value comes from it (kept for allocator calls).
    pub fn operand_param(&self, name: &str) -> Option<u32> {
        self.rare().and_then(|e| {
            e.operand_params
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, k)| u32::from(*k))
        })
    }

    /// See `CallRare::field_base_type`.
    pub fn field_base_type(&self) -> Option<&str> {
        self.rare().and_then(|e| e.field_base_type.as_deref())
    }

    pub fn set_field_base_type(&mut self, ty: String) {
        self.rare_mut().field_base_type = Some(ty);
    }

    /// See `CallRare::also_stored_to`.
    pub fn also_stored_to(&self) -> &[(String, String)] {
        self.rare().map_or(&[], |e| e.also_stored_to.as_slice())
    }

    pub fn push_also_stored_to(&mut self, field: String, base_type: String) {
        let extra = self.rare_mut();
        if extra.also_stored_to.len() < 4 {
            extra.also_stored_to.push((field, base_type));
        }
    }

    /// See `CallRare::dma_buffer_base_type`.
    pub fn dma_buffer_base_type(&self) -> Option<&str> {
        self.rare().and_then(|e| e.dma_buffer_base_type.as_deref())
    }

    pub fn set_dma_buffer_base_type(&mut self, ty: String) {
        self.rare_mut().dma_buffer_base_type = Some(ty);
    }

    pub fn set_operand_params(&mut self, params: Vec<(String, u8)>) {
        if !params.is_empty() {
            self.rare_mut().operand_params = params;
        }
    }

    pub fn set_target_mixed(&mut self) {
        self.rare_mut().target_mixed = true;
    }

    /// See `CallRare::target_mixed`.
    pub fn target_mixed(&self) -> bool {
        self.rare().is_some_and(|e| e.target_mixed)
    }

    pub fn set_in_loop(&mut self) {
        self.rare_mut().in_loop = true;
    }

    pub fn set_operand_types(&mut self, types: Vec<(String, String)>) {
        if !types.is_empty() {
            self.rare_mut().operand_types = types;
        }
    }

    /// Records that argument `arg` is the calling function's parameter `param`.
    pub fn push_param_arg(&mut self, arg: usize, param: usize) {
        if arg >= u8::MAX as usize || param >= u8::MAX as usize {
            return;
        }
        if !self.param_args.push(arg, param) {
            self.extra_mut()
                .more_param_args
                .push((arg as u8, param as u8));
        }
    }

    /// The calling function's parameter passed as argument `arg`, if any.
    pub fn param_at(&self, arg: u32) -> Option<u32> {
        self.param_args.param_at(arg).or_else(|| {
            self.extra.as_ref().and_then(|e| {
                e.more_param_args
                    .iter()
                    .find(|s| u32::from(s.0) == arg)
                    .map(|s| u32::from(s.1))
            })
        })
    }

    /// The GFP argument's constant bits (see `CallExtra::gfp_flags`).
    pub fn gfp_flags(&self) -> Option<GfpSet> {
        self.extra.as_ref().and_then(|e| e.gfp_flags)
    }

    pub fn set_gfp_flags(&mut self, set: GfpSet) {
        self.extra_mut().gfp_flags = Some(set);
    }

    fn extra_mut(&mut self) -> &mut CallExtra {
        self.extra.get_or_insert_with(Default::default)
    }

    fn rare(&self) -> Option<&CallRare> {
        self.extra.as_ref().and_then(|e| e.rare.as_deref())
    }

    fn rare_mut(&mut self) -> &mut CallRare {
        self.extra_mut().rare.get_or_insert_with(Default::default)
    }

    pub fn set_args(&mut self, args: Vec<String>) {
        if !args.is_empty() {
            self.extra_mut().args = args;
        }
    }

    /// See `CallRare::unlocked_run`.
    pub fn unlocked_run(&self) -> Option<(&str, usize)> {
        self.rare()
            .and_then(|e| e.unlocked_run.as_ref())
            .map(|(l, a)| (l.as_str(), usize::from(*a)))
    }

    pub fn set_unlocked_run(&mut self, lock: String, arg: usize) {
        if let Ok(arg) = u8::try_from(arg) {
            self.rare_mut().unlocked_run = Some((lock, arg));
        }
    }

    /// See `CallRare::lock_through_arg`.
    pub fn lock_through_arg(&self) -> &[(u8, String)] {
        self.rare().map_or(&[], |e| e.lock_through_arg.as_slice())
    }

    pub fn push_lock_through_arg(&mut self, arg: usize, rest: String) {
        if let Ok(arg) = u8::try_from(arg) {
            self.rare_mut().lock_through_arg.push((arg, rest));
        }
    }

    pub fn set_guard_class(&mut self, class: String) {
        self.rare_mut().guard_class = Some(class);
    }

    pub fn set_assigned_to(&mut self, target: String) {
        self.extra_mut().assigned_to = Some(target);
    }
}

/// Up to four (argument index, parameter index) pairs, without a heap allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamArgs([(u8, u8); 4]);

impl Default for ParamArgs {
    fn default() -> Self {
        ParamArgs([(u8::MAX, u8::MAX); 4])
    }
}

impl ParamArgs {
    /// Adds a pair; false when all four slots are taken (or an index does not fit).
    fn push(&mut self, arg: usize, param: usize) -> bool {
        if arg >= u8::MAX as usize || param >= u8::MAX as usize {
            return false;
        }
        match self.0.iter_mut().find(|s| s.0 == u8::MAX) {
            Some(slot) => {
                *slot = (arg as u8, param as u8);
                true
            }
            None => false,
        }
    }

    /// The calling function's parameter passed as argument `arg`, if any.
    fn param_at(&self, arg: u32) -> Option<u32> {
        self.0
            .iter()
            .find(|s| s.0 != u8::MAX && u32::from(s.0) == arg)
            .map(|s| u32::from(s.1))
    }
}

impl Function {
    /// What the body may write through its parameters.
    pub fn writes(&self) -> &ParamWrites {
        static NO_WRITES: std::sync::LazyLock<ParamWrites> =
            std::sync::LazyLock::new(ParamWrites::default);
        self.writes.as_deref().unwrap_or(&NO_WRITES)
    }

    /// The value of argument `arg` of call `call`, when it is a literal or a constant.
    pub fn arg_value(&self, call: u32, arg: u32) -> Option<crate::values::Val> {
        let consts = self.values.as_ref().map_or(&[][..], |v| &v.const_args[..]);
        let first = consts.partition_point(|c| c.call < call);
        if let Some(c) = consts[first..]
            .iter()
            .take_while(|c| c.call == call)
            .find(|c| u32::from(c.arg) == arg)
        {
            return Some(c.value.clone());
        }
        self.calls.get(call as usize)?.literal_value(arg)
    }

    /// How argument `arg` of call `call` is computed, when it is derived from one value.
    pub fn derived_arg(&self, call: u32, arg: u32) -> Option<&DerivedArg> {
        let derived = self
            .values
            .as_ref()
            .map_or(&[][..], |v| &v.derived_args[..]);
        let first = derived.partition_point(|c| c.call < call);
        derived[first..]
            .iter()
            .take_while(|c| c.call == call)
            .find(|c| u32::from(c.arg) == arg)
    }

    /// What is known of argument `arg` of call `call` when it is the address of a
    /// local struct.
    pub fn object_arg(&self, call: u32, arg: u32) -> Option<&ObjectArg> {
        let objects = self.values.as_ref().map_or(&[][..], |v| &v.objects[..]);
        let first = objects.partition_point(|c| c.call < call);
        objects[first..]
            .iter()
            .take_while(|c| c.call == call)
            .find(|c| u32::from(c.arg) == arg)
    }

    /// What the object the function returns holds (`FunctionValues::returned_stores`).
    pub fn returned_stores(&self) -> &[(Box<str>, Vec<FieldVal>)] {
        self.values
            .as_ref()
            .map_or(&[][..], |v| &v.returned_stores[..])
    }

    /// What the function returns of one of its parameters, when its body is that.
    pub fn returns(&self) -> Option<&(u8, crate::values::Derive)> {
        self.values.as_ref().and_then(|v| v.returns.as_deref())
    }
}

impl Call {
    /// What the zero/non-zero literal bits say about argument `arg`.
    fn literal_value(&self, arg: u32) -> Option<crate::values::Val> {
        use crate::values::Val;
        if arg >= 32 {
            return None;
        }
        if self.zero_args & (1 << arg) != 0 {
            Some(Val::Int(0))
        } else if self.nonzero_args & (1 << arg) != 0 {
            Some(Val::NonZero)
        } else {
            None
        }
    }
}

/// A control-flow graph over a function body. Node 0 is the entry, node 1 the exit.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Cfg {
    pub nodes: Vec<CfgNode>,
    /// Parent of each lexical scope (block); scope 0 is outside the body.
    pub scope_parents: Vec<u32>,
    /// What `AssumeParam` nodes test, by index.
    pub tests: Vec<crate::values::Pred>,
    /// `AssumeParam` nodes (sorted) that hold only if no call in `conditional_calls`
    /// writes a local handed to it by name, i.e. if none of them is a macro: only the
    /// whole-program stage knows (`parse::cfg::param_copies`).
    #[serde(default)]
    pub conditional: Vec<u32>,
    #[serde(default)]
    pub conditional_calls: Vec<u32>,
    /// Locals that take a call's whole result (`ret = helper(…);`): (the `SetLocal`
    /// node of that write, the call). A helper that returns non-zero only with its
    /// caller's lock released (`LockEffect::releases_unless_zero`) leaves that lock
    /// released where the local then tests non-zero.
    #[serde(default)]
    pub results: Vec<(u32, u32)>,
    /// The `return` statements whose value is known to be zero or is a local, by
    /// their node (the others return something unknown).
    #[serde(default)]
    pub returns: Vec<(u32, Returned)>,
}

/// What a `return` statement returns, where it matters to callers testing the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Returned {
    /// `0`, `false` or `NULL`.
    Zero,
    /// A local (or parameter) of the body, by the condition id of its name.
    Local(u32),
}

pub const ENTRY: u32 = 0;
pub const EXIT: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CfgNode {
    pub kind: NodeKind,
    pub succs: Vec<u32>,
    /// The innermost lexical scope the node belongs to.
    pub scope: u32,
    /// The innermost simple branch condition the node is under, and its value there
    /// (`if (c) spin_lock(&l);` → the lock call is under (c, true)).
    pub cond: Option<(u32, bool)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    /// On this edge, test `cfg.tests[test]` on parameter `param` came out `holds`.
    AssumeParam { param: u32, test: u32, holds: bool },
    /// On this edge, the simple condition `cond` (an id per function: the same text
    /// gets the same id) has value `truth`.
    AssumeCond { cond: u32, truth: bool },
    /// A local (or parameter) whose simple condition is `cond` (its bare name) is
    /// written here: its truth value from now on, `None` when not a constant
    /// (`bool unmap = false;`, `unmap = true;`, `n = len;`). Only for names whose
    /// address is never taken and that are never passed to a call or macro by name,
    /// so no other write can change them.
    SetLocal { cond: u32, value: Option<bool> },
}

/// What a function's CFG is once dropped.
static NO_CFG: Cfg = Cfg {
    nodes: Vec::new(),
    scope_parents: Vec::new(),
    tests: Vec::new(),
    conditional: Vec::new(),
    conditional_calls: Vec::new(),
    results: Vec::new(),
    returns: Vec::new(),
};

impl Function {
    /// Its CFG (empty after the local stage).
    pub fn cfg(&self) -> &Cfg {
        self.cfg.as_deref().unwrap_or(&NO_CFG)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Val;

    /// `memset(&c, 0, …); c.w.raw = 0; c.w.f.op = 5; c.w.f.n = n;`, with `w` a union
    /// of `raw` (as large as it) and a struct `f`.
    #[test]
    fn object_history_with_the_type_read() {
        let set = |path: &str, v: Option<FieldVal>| ObjectWrite {
            path: path.into(),
            op: WriteOp::Set(v),
            sure: true,
        };
        let h = ObjectHistory {
            ty: "struct c".into(),
            init: Vec::new(),
            writes: vec![
                set("w.raw", Some(FieldVal::Val(Val::Int(0)))),
                set("w.f.op", Some(FieldVal::Val(Val::Int(5)))),
                set("w.f.n", None),
            ],
            escapes: Vec::new(),
        };
        assert_eq!(h.undecided_members(), vec!["w"]);
        // By the names, every path below `w` overlaps the others.
        assert_eq!(h.values("w.f.group", &mut name_overlap), None);
        assert_eq!(h.values("w.f.op", &mut name_overlap), None);
        let mut typed = |a: &str, b: &str| match (a, b) {
            _ if a == b => Overlap::Same,
            ("w.raw", _) => Overlap::Spans,
            (_, "w.raw") => Overlap::Overlaps,
            _ => Overlap::Disjoint,
        };
        let zero = Some(vec![FieldVal::Val(Val::Int(0))]);
        assert_eq!(h.values("w.f.group", &mut typed), zero);
        assert_eq!(
            h.values("w.f.op", &mut typed),
            Some(vec![FieldVal::Val(Val::Int(5))])
        );
        assert_eq!(h.values("w.f.n", &mut typed), None);
        assert_eq!(h.values("w.raw", &mut typed), None);
        // A value other than zero over the union: unknown.
        let mut other = h.clone();
        other.writes[0] = set("w.raw", Some(FieldVal::Val(Val::Int(1))));
        assert_eq!(other.values("w.f.group", &mut typed), None);
        // An address taken in the member: unknown, and not the type's to decide.
        let mut escaped = h.clone();
        escaped.escapes.push("w".into());
        assert!(escaped.undecided_members().is_empty());
        assert_eq!(escaped.values("w.f.group", &mut typed), None);
    }

    /// A run keeps millions of calls and hundreds of thousands of functions and lock
    /// states: their sizes are part of the memory budget (README, *Benchmark*).
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn kept_facts_stay_small() {
        use std::mem::size_of;
        assert!(
            size_of::<super::Call>() <= 64,
            "{}",
            size_of::<super::Call>()
        );
        // About half a million struct members on a `drivers/` run.
        assert!(
            size_of::<super::Field>() <= 64,
            "{}",
            size_of::<super::Field>()
        );
        assert!(
            size_of::<super::Function>() <= 144,
            "{}",
            size_of::<super::Function>()
        );
        // About 280,000 functions with values, 1.2 million constant arguments.
        let values = size_of::<super::FunctionValues>();
        assert!(values <= 88, "{values}");
        let val = size_of::<crate::values::Val>();
        assert!(val <= 24, "{val}");
        // One in some tens of calls has the box; most only argument texts.
        let extra = size_of::<super::CallExtra>();
        assert!(extra <= 96, "{extra}");
        let states = size_of::<crate::context::LockStates>();
        assert!(states <= 16, "{states}");
    }
}
