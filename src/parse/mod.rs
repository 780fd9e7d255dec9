//! Parsing: bytes → macro pre-pass → tree-sitter tree → facts (one walk), tree dropped.
//!
//! In the pipeline (stage *parse*, `src/parse/`): per file, in parallel (rayon): read
//! (`bounded.rs`: regular files only, non-blocking, size-capped; also config and
//! baseline), hash, validate (binary, UTF-8, size) → conditionals the file decides
//! itself blanked (`#if 0`, `#ifndef X` after `#define X`; `sparse.rs`) → `macros.rs`
//! pre-pass (and `brackets.rs`: file-local macros that run an argument with a lock
//! released) → tree-sitter-c (generated register maps, defines and comments only, are
//! recognised by a line scan instead: `register_map.rs`, the facts the parser would
//! give) → `extract.rs`: one walk of the tree gives `FileFacts` (function bodies go to
//! `cfg.rs`, the CFG builder; file-scope declarations to `decls.rs`; both share
//! `text.rs`); the tree is dropped here. `suppress::scan` records `gfplint: allow(…)` /
//! `allow-file(…)` comments (a byte search; nothing when the file has no `gfplint:`)

pub mod brackets;
mod cfg;
mod objects;
pub use cfg::{UPDATED, WRITTEN_THROUGH_POINTER};
pub mod decls;
pub mod extract;
pub mod layout;
pub mod macros;
pub mod register_map;
pub mod shape;
pub mod text;

use std::cell::RefCell;

use crate::facts::FileFacts;

/// Why a file could not be analysed. Rendered as one line on stderr.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileError {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Escaped: the path and the message may come from the checked tree.
        write!(
            f,
            "{}: {}",
            crate::report::escape::file_name(&self.path),
            crate::report::escape::text(&self.message)
        )
    }
}

/// Files above this size are reported and skipped. The largest `.c`/`.h` of the 6.1
/// tree is a generated register header of 24 MB (peak 131 MB to check it). Dense code
/// costs far more: a file of small functions peaks at about 75 times its size (16 MiB:
/// 1.2 GiB; tree-sitter's tree alone is ~53 times, README "Security"), so the limit is
/// half of the former 64 MiB (whose dense case peaked at 4.6-5.9 GiB).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

thread_local! {
    static PARSER: RefCell<Option<tree_sitter::Parser>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's C parser (parsers are reused across files).
#[allow(
    clippy::expect_used,
    reason = "the grammar is compiled in; an ABI mismatch fails every test"
)]
pub fn with_parser<R>(f: impl FnOnce(&mut tree_sitter::Parser) -> R) -> R {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(|| {
            let mut p = tree_sitter::Parser::new();
            p.set_language(&tree_sitter_c::LANGUAGE.into())
                .expect("tree-sitter-c grammar is compatible");
            p
        });
        f(parser)
    })
}

/// Checks that `bytes` is C source we can analyse: text, UTF-8.
pub fn validate_source(path: &str, bytes: &[u8]) -> Result<(), FileError> {
    // Also here, for callers that did not read the file themselves: spans are u32.
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(FileError {
            path: path.into(),
            message: format!(
                "file is {} bytes, above the {MAX_FILE_BYTES} byte limit, skipped",
                bytes.len()
            ),
        });
    }
    // The whole file, not only its head (git's heuristic): a NUL anywhere is not C,
    // and scanning is cheap next to parsing.
    if bytes.contains(&0) {
        return Err(FileError {
            path: path.into(),
            message: "binary file (contains NUL bytes), skipped".into(),
        });
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        let (line, col) = line_col(bytes, e.valid_up_to());
        return Err(FileError {
            path: path.into(),
            message: format!("not valid UTF-8 (first bad byte at {line}:{col}), skipped"),
        });
    }
    Ok(())
}

fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = offset
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1)
        + 1;
    (line, col)
}

/// Reads, validates, pre-processes and parses one file into facts.
pub fn analyse_file(
    path: &str,
    knowledge: &crate::knowledge::Knowledge,
) -> Result<FileFacts, FileError> {
    facts_from_bytes(path, read_source(path)?, knowledge)
}

/// Reads one file (bounded by [`MAX_FILE_BYTES`]; regular files only).
pub fn read_source(path: &str) -> Result<Vec<u8>, FileError> {
    crate::bounded::read(std::path::Path::new(path), MAX_FILE_BYTES).map_err(|e| FileError {
        path: path.into(),
        message: match e {
            crate::bounded::ReadError::TooLarge(size, limit) => {
                format!("file is {size} bytes, above the {limit} byte limit, skipped")
            }
            e @ crate::bounded::ReadError::NotRegular(_) => {
                e.to_string().replace("not read", "skipped")
            }
            e => e.to_string(),
        },
    })
}

/// The per-file analysis on bytes already in memory (the fuzz target's entry point).
pub fn facts_from_bytes(
    path: &str,
    bytes: Vec<u8>,
    knowledge: &crate::knowledge::Knowledge,
) -> Result<FileFacts, FileError> {
    facts_from_bytes_in(path, bytes, knowledge, None)
}

/// [`facts_from_bytes`] for a kernel configuration (`--kconfig`): conditionals on its
/// `CONFIG_` options are decided, and `IS_ENABLED(CONFIG_X)` in code is folded to a
/// constant.
pub fn facts_from_bytes_in(
    path: &str,
    bytes: Vec<u8>,
    knowledge: &crate::knowledge::Knowledge,
    config: Option<&crate::sparse::Macros>,
) -> Result<FileFacts, FileError> {
    facts_with(path, bytes, knowledge, config, true)
}

/// [`facts_from_bytes`] always through tree-sitter, never [`register_map`]'s line
/// scan: what the scan's facts are compared with.
#[doc(hidden)]
pub fn facts_from_bytes_parsed(
    path: &str,
    bytes: Vec<u8>,
    knowledge: &crate::knowledge::Knowledge,
) -> Result<FileFacts, FileError> {
    facts_with(path, bytes, knowledge, None, false)
}

fn facts_with(
    path: &str,
    bytes: Vec<u8>,
    knowledge: &crate::knowledge::Knowledge,
    config: Option<&crate::sparse::Macros>,
    scan_register_maps: bool,
) -> Result<FileFacts, FileError> {
    validate_source(path, &bytes)?;
    let original = bytes;
    let mut rewritten = original.clone();
    // Conditionals the file itself decides (`#if 0`, `#ifndef X` after `#define X`
    // in the same file) are blanked, like the checker mode's inactive branches; what
    // depends on names the file does not define stays (unknown is not "off"), unless
    // a configuration is given.
    let none = crate::sparse::Macros::default();
    if rewritten.windows(3).any(|w| w == b"#if") {
        crate::sparse::blank_inactive(&mut rewritten, config.unwrap_or(&none));
    }
    if let Some(config) = config {
        crate::sparse::fold_config_tests(&mut rewritten, config);
    }
    let scanned = scan_register_maps
        .then(|| register_map::facts(path, &rewritten, &original))
        .flatten();
    let mut facts = match scanned {
        Some(facts) => facts,
        None => {
            macros::prepass(&mut rewritten);
            let tree = with_parser(|p| p.parse(&rewritten, None)).ok_or_else(|| FileError {
                path: path.into(),
                message: "parser gave up on this file".into(),
            })?;
            let mut facts = extract::extract(path, &tree, &rewritten, &original, knowledge);
            classify_calls(&mut facts, knowledge);
            facts
        }
    };
    facts.suppressions = crate::suppress::scan(&original);
    facts.decls.include_lines = crate::context::headers::include_lines(&original);
    facts.source_hash = source_hash(&original);
    facts.layout_free_digest = layout::layout_free_digest(&original);
    let extents: Vec<(usize, usize)> = facts
        .functions
        .iter()
        .map(|f| (f.extent.start as usize, f.extent.end as usize))
        .collect();
    (facts.outside_functions_digest, facts.function_digests) =
        layout::function_digests(&original, &extents);
    Ok(facts)
}

/// The declarations of a header read outside the run (a kernel header that defines a
/// type the run lacks): the same pre-processing and collector as a run file's, no
/// functions, no knowledge. `None` when the parser gives up.
pub fn declarations_from_bytes(original: &[u8]) -> Option<crate::facts::Decls> {
    let mut rewritten = original.to_vec();
    if rewritten.windows(3).any(|w| w == b"#if") {
        crate::sparse::blank_inactive(&mut rewritten, &crate::sparse::Macros::default());
    }
    macros::prepass(&mut rewritten);
    let tree = with_parser(|p| p.parse(&rewritten, None))?;
    Some(extract::declarations(&tree, &rewritten, original))
}

/// Classifies every call of `facts` against the knowledge, once: its API row
/// ([`crate::facts::Call::api`]) and, for an allocator with a fixed GFP position, the
/// argument's bits when the knowledge's flags make it a constant
/// ([`crate::facts::Call::gfp_flags`]).
pub fn classify_calls(facts: &mut FileFacts, knowledge: &crate::knowledge::Knowledge) {
    use crate::gfp::{GfpValue, eval_flags};
    use crate::knowledge::GfpArg;
    let calls = facts
        .functions
        .iter_mut()
        .flat_map(|f| f.calls.iter_mut())
        .chain(facts.file_calls.iter_mut());
    for c in calls {
        c.api = knowledge.api_id(&c.callee);
        if c.indirect {
            continue;
        }
        if let Some(GfpArg::At(i)) = knowledge.call_allocator(c).map(|a| a.gfp_arg)
            && let Some(text) = c.args().get(i)
            && let GfpValue::Known(set) = eval_flags(text, &|id| knowledge.gfp_flag(id))
        {
            c.set_gfp_flags(set);
        }
    }
}

/// A hash of a file's bytes, to tell whether a file read again is the file analysed
/// (FxHash: fast, and only compared within one run).
pub fn source_hash(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(bytes);
    h.write_usize(bytes.len());
    h.finish()
}

/// Cheaper forms of two tree-sitter accessors the tree walks call millions of times:
/// `Node::kind()` converts a C string (strlen + UTF-8 check) on every call, and
/// `Node::child_by_field_name()` looks the field name up by string comparison.
pub trait FastNode<'t> {
    /// `kind()`, from a table indexed by kind id.
    fn kind_str(&self) -> &'static str;
    /// `child_by_field_name()`, with the field id from a table.
    fn field(&self, name: &str) -> Option<tree_sitter::Node<'t>>;
}

struct Grammar {
    kinds: Vec<&'static str>,
    fields: Vec<(&'static str, u16)>,
}

fn grammar() -> &'static Grammar {
    static GRAMMAR: std::sync::OnceLock<Grammar> = std::sync::OnceLock::new();
    GRAMMAR.get_or_init(|| {
        // The language lives in a static of its own, so the names borrowed from it
        // are 'static without leaking it.
        static LANGUAGE: std::sync::OnceLock<tree_sitter::Language> = std::sync::OnceLock::new();
        let lang: &'static tree_sitter::Language =
            LANGUAGE.get_or_init(|| tree_sitter_c::LANGUAGE.into());
        let kinds = (0..lang.node_kind_count() as u16)
            .map(|id| lang.node_kind_for_id(id).unwrap_or(""))
            .collect();
        let fields = (1..=lang.field_count() as u16)
            .filter_map(|id| lang.field_name_for_id(id).map(|n| (n, id)))
            .collect();
        Grammar { kinds, fields }
    })
}

impl<'t> FastNode<'t> for tree_sitter::Node<'t> {
    fn kind_str(&self) -> &'static str {
        // ERROR nodes have the builtin symbol u16::MAX, outside the table.
        if self.is_error() {
            return "ERROR";
        }
        grammar()
            .kinds
            .get(self.kind_id() as usize)
            .copied()
            .unwrap_or("")
    }

    fn field(&self, name: &str) -> Option<tree_sitter::Node<'t>> {
        let id = grammar().fields.iter().find(|(n, _)| *n == name)?.1;
        self.child_by_field_id(id)
    }
}

#[cfg(test)]
mod fast_node_tests {
    use super::FastNode;

    #[test]
    fn fast_accessors_agree_with_tree_sitter() {
        let src = b"int f(int a) { if (a) return g(a); return 0; } int ) junk {{ x";
        let tree = super::with_parser(|p| p.parse(&src[..], None)).unwrap();
        let mut stack = vec![tree.root_node()];
        while let Some(n) = stack.pop() {
            assert_eq!(n.kind_str(), n.kind());
            for f in [
                "body",
                "condition",
                "declarator",
                "function",
                "arguments",
                "consequence",
            ] {
                assert_eq!(n.field(f), n.child_by_field_name(f));
            }
            let mut c = n.walk();
            stack.extend(n.children(&mut c));
        }
    }
}
