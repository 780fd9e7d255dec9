//! Whole-program index of file-level declarations, part of [`crate::program::Program`]:
//! `#define`s, structs and typedefs by file, `#include "…"` resolved to scanned files,
//! and which allocator family stores into each struct field. [`FileEnv`] is the
//! constant evaluator's view from one file: its own declarations first, then those of
//! the headers it includes (transitively, breadth first).

use rustc_hash::FxHashMap as HashMap;
use rustc_hash::FxHashSet as HashSet;
use std::cell::{Cell, OnceCell, RefCell};

use rayon::prelude::*;

use crate::consteval::{Env, Evaluator};
use crate::context::headers::{Closure, HeaderType, KernelHeaders};
use crate::facts::{Field, FileFacts, Overlap, StructDef};
use crate::gfp::{GfpSet, GfpValue, eval_flags};
use crate::knowledge::MemberMacro;
use crate::knowledge::{FamilyId, Knowledge};
use crate::parse::decls::MemberItem;
use crate::target::Target;

/// Include levels followed from a file, and most files visible from one.
const MAX_INCLUDE_DEPTH: usize = 8;
const MAX_VISIBLE_FILES: usize = 256;
/// Largest register-map file read again for its defines.
const MAX_REREAD_BYTES: u64 = 64 << 20;
/// Nesting of struct-in-struct and typedef-to-typedef resolution (each struct level
/// counts twice: its type, then its layout).
const MAX_TYPE_DEPTH: u32 = 24;
/// Member-list macros calling member-list macros, and the members one may declare.
const MAX_MEMBER_MACRO_DEPTH: u32 = 8;
const MAX_MACRO_MEMBERS: usize = 4096;

/// One file's declarations of one kind by name, sorted (a hash map per file held about
/// twice its entries' size). Defines are looked up in the facts themselves
/// (`facts::Defines`, sorted when parsed).
/// A name declared more than once in one file with different definitions (`#ifdef`
/// alternatives) is ambiguous: `None`.
struct Table<'a, T>(Box<[(&'a str, Option<T>)]>);

impl<T> Default for Table<'_, T> {
    fn default() -> Self {
        Table(Box::default())
    }
}

impl<'a, T: Copy> Table<'a, T> {
    /// From (name, definition) in any order; `differ` tells two definitions of one name
    /// apart.
    fn new(mut entries: Vec<(&'a str, T)>, differ: impl Fn(&T, &T) -> bool) -> Self {
        entries.sort_by(|a, b| a.0.cmp(b.0));
        let mut out: Vec<(&'a str, Option<T>)> = Vec::with_capacity(entries.len());
        for (name, v) in entries {
            match out.last_mut() {
                Some((last, old)) if *last == name => {
                    if old.as_ref().is_some_and(|o| differ(o, &v)) {
                        *old = None;
                    }
                }
                _ => out.push((name, Some(v))),
            }
        }
        Table(out.into_boxed_slice())
    }

    fn get(&self, name: &str) -> Option<&Option<T>> {
        self.0
            .binary_search_by(|(k, _)| (*k).cmp(name))
            .ok()
            .map(|i| &self.0[i].1)
    }
}

/// Directory → field key → (file, what that file stores).
type FieldIndex<'a> = HashMap<&'a str, HashMap<String, Vec<(u32, FieldStore)>>>;

/// What is stored into a struct field by calls, over the whole program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldStore {
    /// Only results of allocators of this family.
    Family(FamilyId),
    /// Results of different families, or of other calls.
    Mixed,
}

pub struct DeclIndex<'a> {
    /// The run's files (for their file-scope arrays).
    files: &'a [FileFacts],
    /// Defines of files with too many to keep in their facts (register maps), read
    /// again from the file for the names the program's allocation arguments use.
    late_defines: HashMap<u32, HashMap<String, Option<String>>>,
    structs: Vec<Table<'a, &'a StructDef>>,
    typedefs: Vec<Table<'a, &'a str>>,
    /// Member-list macros by name (`Decls::member_templates`).
    member_templates: Vec<Table<'a, &'a MemberMacro>>,
    includes: Vec<Vec<u32>>,
    /// Each file's `#include` lines (`Decls::include_lines`).
    include_lines: Vec<&'a str>,
    /// Directory of the file → field key (see [`field_key`]) → what is stored.
    fields: FieldIndex<'a>,
    /// Directories with DMA handoff calls → the struct fields handed over, keyed by
    /// [`dma_field_key`].
    dma: HashMap<&'a str, HashSet<String>>,
}

/// A type as a DMA field key part: no whitespace, qualifiers or pointer stars
/// (`struct foo *` and `struct foo` name the same struct).
fn type_key(ty: &str) -> String {
    ty.split_whitespace()
        .filter(|w| !matches!(*w, "const" | "volatile"))
        .collect::<String>()
        .replace('*', "")
}

/// `{struct foo}buf`: field `buf` of `struct foo`.
fn dma_field_key(ty: &str, field: &str) -> String {
    format!("{{{}}}{field}", type_key(ty))
}

/// A field access from its base variable, without spaces, casts, `&` or what follows
/// it, subscripts blanked: `priv->rx.bufs[]` of `(u8 *)&priv->rx.bufs[i][0] + 4`.
fn access_path(access: &str) -> Option<String> {
    let t = access.trim_start_matches(['&', '(', ' ']);
    let t = match t.find(')') {
        Some(close) if !t[..close].contains(['-', '.']) => {
            t[close + 1..].trim_start_matches(['&', '(', ' '])
        }
        _ => t,
    };
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = String::new();
    let mut rest = t.as_str();
    let ident = |r: &str| {
        r.find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(r.len())
    };
    let n = ident(rest);
    if n == 0 {
        return None;
    }
    out.push_str(&rest[..n]);
    rest = &rest[n..];
    loop {
        let sep = if rest.starts_with("->") {
            "->"
        } else if rest.starts_with('.') {
            "."
        } else if rest.starts_with('[') {
            let close = rest.find(']')?;
            out.push_str("[]");
            rest = &rest[close + 1..];
            continue;
        } else {
            break;
        };
        rest = &rest[sep.len()..];
        let n = ident(rest);
        if n == 0 {
            return None;
        }
        out.push_str(sep);
        out.push_str(&rest[..n]);
        rest = &rest[n..];
    }
    (out.contains("->") || out.contains('.')).then_some(out)
}

/// `{struct foo}->rx.buf` for `p->rx.buf` of a `struct foo *p`: the field path
/// without the base variable's name.
fn dma_path_key(ty: &str, access: &str) -> Option<String> {
    let path = access_path(access)?;
    let fields = &path[path.find(['-', '.', '['])?..];
    Some(format!("{{{}}}{fields}", type_key(ty)))
}

/// The first field an access reads from its base variable: `buffer` of
/// `card->buffer`, `&card->buffer[4]`, `card->buffer + 4`, `(u8 *)ring.desc.data`.
fn first_field(access: &str) -> Option<&str> {
    let t = access.trim_start_matches(['&', '(', ' ']);
    let t = match t.find(')') {
        // A leading cast: `(u8 *)card->buffer`.
        Some(close) if !t[..close].contains(['-', '.']) => {
            t[close + 1..].trim_start_matches(['&', '(', ' '])
        }
        _ => t,
    };
    let base_end = t.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    let rest = t[base_end..].trim_start();
    let rest = rest
        .strip_prefix("->")
        .or_else(|| rest.strip_prefix('.'))?
        .trim_start();
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// Records that file `fi` stores `store` into a field.
fn merge(per_file: &mut Vec<(u32, FieldStore)>, fi: u32, store: FieldStore) {
    match per_file.iter_mut().find(|(file, _)| *file == fi) {
        Some((_, old)) => {
            if *old != store {
                *old = FieldStore::Mixed;
            }
        }
        None => per_file.push((fi, store)),
    }
}

/// Identifiers of an expression that may be macros (not `sizeof`, not lower case).
fn macro_names(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with(|c: char| c.is_ascii_uppercase() || c == '_'))
}

/// The directory part of a path (`drivers/net/foo` of `drivers/net/foo/a.c`).
pub fn dir_of(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// Joins and lexically normalises `dir/rel` (`a/b/../c.h` → `a/c.h`).
fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| !l.is_empty() && *l != "..") => {
                parts.pop();
            }
            _ => parts.push(p),
        }
    }
    let j = parts.join("/");
    if rel.starts_with('/') || dir.starts_with('/') {
        format!("/{j}")
    } else {
        j
    }
}

/// Directories above the including file's where a quoted include is also looked for.
const MAX_INCLUDE_ROOT_LEVELS: usize = 3;

/// The run file `#include "inc"` in directory `dir` names: next to the file, else in
/// the nearest of its parent directories, up to [`MAX_INCLUDE_ROOT_LEVELS`] and never
/// above a subsystem (`drivers/net`). Drivers' Makefiles add their own top directory
/// to the include path (`-I $(src)/..`, amdgpu's `dc/`, hns3's `hns3/`), so
/// `#include "dce/dce_opp.h"` in `dc/dce120/` is `dc/dce/dce_opp.h`. Failing those,
/// the `include/` directory of the file's directory or of one above it, as far.
fn resolve_quoted(
    by_path: &HashMap<std::borrow::Cow<'_, str>, u32>,
    dir: &str,
    inc: &str,
) -> Option<u32> {
    if let Some(&f) = by_path.get(normalize(&join(dir, inc)).as_ref()) {
        return Some(f);
    }
    let mut up = dir;
    for _ in 0..MAX_INCLUDE_ROOT_LEVELS {
        up = dir_of(up);
        if up.split('/').filter(|p| !p.is_empty() && *p != ".").count() < 3 {
            break;
        }
        if let Some(&f) = by_path.get(normalize(&join(up, inc)).as_ref()) {
            return Some(f);
        }
    }
    // A driver's own `include/` directory, which its Makefile puts on the include
    // path (`-I$(DRIVER)/include`): `"fixed31_32.h"` of amd/display/dc/dc_types.h is
    // amd/display/include/fixed31_32.h.
    let mut up = dir;
    for _ in 0..MAX_INCLUDE_ROOT_LEVELS {
        if up.split('/').filter(|p| !p.is_empty() && *p != ".").count() < 3 {
            return None;
        }
        if let Some(&f) = by_path.get(normalize(&join(&join(up, "include"), inc)).as_ref()) {
            return Some(f);
        }
        up = dir_of(up);
    }
    None
}

/// The run's headers by file name, for includes found through a driver's own `-I`
/// directories, which its Makefile adds (`-I$(FULL_AMD_DISPLAY_PATH)/dc/inc`,
/// `-I $(src)/include/nvkm`) and the walk up from the file does not reach.
struct HeadersByName<'a> {
    by_name: HashMap<&'a str, Vec<(std::borrow::Cow<'a, str>, u32)>>,
}

/// The files of the run `f`'s includes name: quoted ones, and `<…>` ones that resolve
/// through a driver's `-I` directories.
fn resolved_includes(
    f: &FileFacts,
    by_path: &HashMap<std::borrow::Cow<'_, str>, u32>,
    headers_by_name: &HeadersByName,
    kernel_headers: &KernelHeaders,
) -> Vec<u32> {
    let d = &f.decls;
    let dir = dir_of(&f.path);
    let mut inc: Vec<u32> = d
        .includes
        .iter()
        .filter_map(|i| {
            resolve_quoted(by_path, dir, i).or_else(|| headers_by_name.resolve(&f.path, i))
        })
        .collect();
    // `#include <core/object.h>` through a driver's `-I` directories (nouveau's
    // `include/nvkm`; cxl's `<cxlmem.h>`, qat's `<adf_accel_devices.h>`): a kernel
    // header otherwise, which the tree's headers answer (`context::headers`).
    for line in d.include_lines.lines() {
        if let Some(i) = line.strip_prefix('<')
            && let Some(h) = headers_by_name.resolve(&f.path, i)
            && !kernel_headers.is_kernel_header(std::path::Path::new(&f.path), i)
        {
            inc.push(h);
        }
    }
    inc.dedup();
    inc
}

/// Path components a driver's include directories share with its files
/// (`drivers/gpu/drm`): an include is looked for below them, never across subsystems.
const SUBSYSTEM_DEPTH: usize = 3;

impl<'a> HeadersByName<'a> {
    fn new(files: &'a [FileFacts]) -> Self {
        let mut by_name: HashMap<&'a str, Vec<(std::borrow::Cow<'a, str>, u32)>> =
            HashMap::default();
        for (i, f) in files.iter().enumerate() {
            if f.path.ends_with(".h") {
                let name = f.path.rsplit('/').next().unwrap_or(&f.path);
                by_name
                    .entry(name)
                    .or_default()
                    .push((normalize(&f.path), i as u32));
            }
        }
        HeadersByName { by_name }
    }

    /// The one header of the run below the including file's subsystem whose path ends
    /// with `inc` (none when several do: the `-I` order is not known).
    fn resolve(&self, from: &str, inc: &str) -> Option<u32> {
        if inc.contains("..") || inc.starts_with('/') {
            return None;
        }
        let name = inc.rsplit('/').next()?;
        let from = normalize(from);
        let parts: Vec<&str> = from.split('/').collect();
        if parts.len() <= SUBSYSTEM_DEPTH + 1 {
            return None;
        }
        let subsystem = format!("{}/", parts[..SUBSYSTEM_DEPTH].join("/"));
        let suffix = format!("/{}", normalize(inc));
        let mut found = None;
        for (path, id) in self.by_name.get(name)? {
            if path.starts_with(&subsystem) && path.ends_with(&suffix) {
                if found.is_some() {
                    return None;
                }
                found = Some(*id);
            }
        }
        found
    }
}

fn normalize(path: &str) -> std::borrow::Cow<'_, str> {
    let path = path.strip_prefix("./").unwrap_or(path);
    // Most paths are already normal (`drivers/net/x.c`): borrowed, no allocation (a
    // slice's program indexes every path of the run).
    let normal = !path.is_empty()
        && path
            .split('/')
            .enumerate()
            .all(|(i, c)| (c.is_empty() && i == 0) || (!c.is_empty() && c != "." && c != ".."));
    match normal {
        true => std::borrow::Cow::Borrowed(path),
        false => std::borrow::Cow::Owned(join("", path)),
    }
}

/// The key of a struct field written or freed: the expression as written, without
/// spaces and with subscripts blanked (`priv->rx.bufs[i]` → `priv->rx.bufs[]`). The base
/// variable stays in the key: different structs in one driver often share field names
/// (`desc->data`, `ctx->data`), while one struct is usually reached by one name.
/// `None` when the expression is not a field access.
pub fn field_key(lhs: &str) -> Option<String> {
    if !lhs.contains("->") && !lhs.contains('.') {
        return None;
    }
    let lhs: String = lhs.chars().filter(|c| !c.is_whitespace()).collect();
    if !lhs.contains("->") && !lhs.contains('.') {
        return None;
    }
    let mut out = String::new();
    let mut depth = 0;
    for c in lhs.chars() {
        match c {
            '[' => {
                if depth == 0 {
                    out.push_str("[]");
                }
                depth += 1;
            }
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    (!out.is_empty()).then_some(out)
}

/// [`field_key`] with the declared type of the variable the access starts from, when
/// known: one driver's `buffer->data` of a `struct a_buf *` is not another file's
/// `buffer->data` of a `struct b_buf *`.
pub fn field_key_typed(lhs: &str, base_type: Option<&str>) -> Option<String> {
    let key = field_key(lhs)?;
    Some(match base_type {
        Some(t) => format!("{{{t}}}{key}"),
        None => key,
    })
}

impl<'a> DeclIndex<'a> {
    /// An index that knows nothing (for passes that only resolve calls).
    pub fn empty() -> DeclIndex<'a> {
        DeclIndex {
            files: &[],
            late_defines: HashMap::default(),
            structs: Vec::new(),
            typedefs: Vec::new(),
            member_templates: Vec::new(),
            includes: Vec::new(),
            include_lines: Vec::new(),
            fields: HashMap::default(),
            dma: HashMap::default(),
        }
    }

    pub fn build(files: &'a [FileFacts], knowledge: &'a Knowledge) -> DeclIndex<'a> {
        DeclIndex::build_with(files, knowledge, None)
    }

    /// `known_includes`: each file's resolved quoted includes, as an earlier index over
    /// the same paths found them (a slice's program: its files' include lines are the
    /// full run's), instead of resolving them again against every path of the run.
    pub fn build_with(
        files: &'a [FileFacts],
        knowledge: &'a Knowledge,
        known_includes: Option<&(dyn Fn(u32) -> Vec<u32> + Sync)>,
    ) -> DeclIndex<'a> {
        let resolver = known_includes.is_none().then(|| {
            let by_path: HashMap<std::borrow::Cow<'a, str>, u32> = files
                .par_iter()
                .enumerate()
                .map(|(i, f)| (normalize(&f.path), i as u32))
                .collect();
            (by_path, HeadersByName::new(files))
        });
        // Only to tell a kernel include (`<linux/…>`) from a driver's own.
        let kernel_headers = KernelHeaders::default();
        // Per file, in parallel: declaration tables, resolved includes, and the fields
        // that receive allocator results.
        type PerFile<'a> = (
            Table<'a, &'a StructDef>,
            Table<'a, &'a str>,
            Table<'a, &'a MemberMacro>,
            Vec<u32>,
            Vec<(String, FieldStore)>,
        );
        // (A slice's program has an entry for every file of the run, most of them
        // empty: their tables are empty, made without the per-file work.)
        let present: Vec<u32> = (0..files.len() as u32)
            .filter(|&i| {
                let f = &files[i as usize];
                let d = &f.decls;
                !f.functions.is_empty()
                    || !d.defines.is_empty()
                    || !d.structs.is_empty()
                    || !d.typedefs.is_empty()
                    || !d.member_templates.is_empty()
                    || !d.includes.is_empty()
                    || !d.include_lines.is_empty()
            })
            .collect();
        let per_file: Vec<(u32, PerFile<'a>)> = present
            .par_iter()
            .map(|&fi| {
                let f = &files[fi as usize];
                let d = &f.decls;
                // Two structs of one name: neither.
                let structs = Table::new(
                    d.structs.iter().map(|s| (s.name.as_str(), s)).collect(),
                    |_, _| true,
                );
                let typedefs = Table::new(
                    d.typedefs
                        .iter()
                        .map(|(name, ty)| (name.as_str(), ty.as_str()))
                        .collect(),
                    |a, b| a != b,
                );
                let templates = Table::new(
                    d.member_templates
                        .iter()
                        .map(|m| (m.name.as_str(), m))
                        .collect(),
                    |a, b| a != b,
                );
                let inc = match (&resolver, known_includes) {
                    (Some((by_path, headers_by_name)), _) => {
                        resolved_includes(f, by_path, headers_by_name, &kernel_headers)
                    }
                    (None, Some(known)) => known(fi),
                    (None, None) => Vec::new(),
                };
                let allocs = f
                    .functions
                    .iter()
                    .flat_map(|func| &func.calls)
                    .filter(|c| !c.indirect)
                    .filter_map(|c| {
                        let a = knowledge.call_allocator(c)?;
                        Some((
                            field_key_typed(c.assigned_to()?, c.field_base_type())?,
                            FieldStore::Family(a.family),
                        ))
                    })
                    .collect();
                (fi, (structs, typedefs, templates, inc, allocs))
            })
            .collect();
        let n = files.len();
        let mut structs: Vec<Table<'a, &'a StructDef>> = (0..n).map(|_| Table::default()).collect();
        let mut typedefs: Vec<Table<'a, &'a str>> = (0..n).map(|_| Table::default()).collect();
        let mut includes: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut fields = FieldIndex::default();
        let mut member_templates: Vec<Table<'a, &'a MemberMacro>> =
            (0..n).map(|_| Table::default()).collect();
        for (fi, (s, t, m, i, allocs)) in per_file {
            let fi = fi as usize;
            structs[fi] = s;
            typedefs[fi] = t;
            member_templates[fi] = m;
            includes[fi] = i;
            let dir = dir_of(&files[fi].path);
            for (key, store) in allocs {
                merge(
                    fields.entry(dir).or_default().entry(key).or_default(),
                    fi as u32,
                    store,
                );
            }
        }
        // Struct fields handed to a device for DMA, by directory.
        let with_functions: Vec<u32> = present
            .iter()
            .copied()
            .filter(|&fi| !files[fi as usize].functions.is_empty())
            .collect();
        let handoffs: Vec<(u32, Vec<String>)> = with_functions
            .par_iter()
            .map(|&fi| {
                let f = &files[fi as usize];
                let keys = f
                    .functions
                    .iter()
                    .flat_map(|func| &func.calls)
                    .filter(|c| !c.indirect && knowledge.is_dma_handoff(&c.callee))
                    .flat_map(|c| {
                        let keys = c.dma_buffer_base_type().and_then(|ty| {
                            let arg = c.args().get(knowledge.dma_buffer_arg(&c.callee)?)?;
                            Some([
                                dma_field_key(ty, first_field(arg)?),
                                dma_path_key(ty, arg).unwrap_or_default(),
                            ])
                        });
                        keys.unwrap_or_default()
                    })
                    .collect();
                (fi, keys)
            })
            .collect();
        let mut dma: HashMap<&str, HashSet<String>> = HashMap::default();
        for (fi, keys) in handoffs {
            if keys.is_empty() {
                continue;
            }
            let set = dma.entry(dir_of(&files[fi as usize].path)).or_default();
            set.extend(keys.into_iter().filter(|k| !k.is_empty()));
        }
        // Allocations stored into those fields through a local (`ring = kzalloc(…);
        // … bp->ring = ring;`, a fallback published after setup) count as stores of
        // their family: with another family's, the field is `Mixed`. They only
        // qualify fields that direct stores already name.
        let through_locals: Vec<(u32, Vec<(String, FieldStore)>)> = with_functions
            .par_iter()
            .map(|&fi| {
                let f = &files[fi as usize];
                let stores = f
                    .functions
                    .iter()
                    .flat_map(|func| &func.calls)
                    .filter(|c| !c.indirect && !c.also_stored_to().is_empty())
                    .filter_map(|c| Some((c, knowledge.call_allocator(c)?)))
                    .flat_map(|(c, a)| {
                        c.also_stored_to().iter().filter_map(move |(to, ty)| {
                            Some((field_key_typed(to, Some(ty))?, FieldStore::Family(a.family)))
                        })
                    })
                    .collect();
                (fi, stores)
            })
            .collect();
        for (fi, stores) in through_locals {
            let dir = dir_of(&files[fi as usize].path);
            for (key, store) in stores {
                if let Some(v) = fields.get_mut(dir).and_then(|m| m.get_mut(&key)) {
                    merge(v, fi, store);
                }
            }
        }
        // Other call results stored into those fields make them unknown (`Mixed`).
        let others: Vec<(u32, Vec<String>)> = with_functions
            .par_iter()
            .map(|&fi| {
                let f = &files[fi as usize];
                let Some(known) = fields.get(dir_of(&f.path)) else {
                    return (fi, Vec::new());
                };
                let keys = f
                    .functions
                    .iter()
                    .flat_map(|func| &func.calls)
                    .filter(|c| c.indirect || knowledge.call_allocator(c).is_none())
                    .filter_map(|c| field_key_typed(c.assigned_to()?, c.field_base_type()))
                    .filter(|k| known.contains_key(k))
                    .collect();
                (fi, keys)
            })
            .collect();
        for (fi, keys) in others {
            let dir = dir_of(&files[fi as usize].path);
            for key in keys {
                if let Some(v) = fields.get_mut(dir).and_then(|m| m.get_mut(&key)) {
                    merge(v, fi, FieldStore::Mixed);
                }
            }
        }
        let mut index = DeclIndex {
            files,
            late_defines: HashMap::default(),
            structs,
            typedefs,
            member_templates,
            includes,
            include_lines: files.iter().map(|f| &*f.decls.include_lines).collect(),
            fields,
            dma,
        };
        index.late_defines = index.read_dropped_defines(files, knowledge);
        index
    }

    /// File `file`'s define `name`: `Some(None)` when ambiguous.
    fn define_of(&self, file: u32, name: &str) -> Option<Option<&'a str>> {
        let files: &'a [FileFacts] = self.files;
        files.get(file as usize)?.decls.defines.get(name)
    }

    /// File `file`'s `#include` lines (`Decls::include_lines`).
    pub fn include_lines(&self, file: u32) -> &'a str {
        self.include_lines.get(file as usize).copied().unwrap_or("")
    }

    /// The defines of register-map files (whose defines the parse stage did not keep)
    /// that the program's allocation arguments name, directly or through other
    /// defines: each such file visible from a file with allocator calls is read again
    /// and scanned for those names only, so memory follows what is used.
    fn read_dropped_defines(
        &self,
        files: &[FileFacts],
        knowledge: &Knowledge,
    ) -> HashMap<u32, HashMap<String, Option<String>>> {
        let mut out: HashMap<u32, HashMap<String, Option<String>>> = HashMap::default();
        if !files.iter().any(|f| f.decls.defines_dropped) {
            return out;
        }
        let mut needed: Vec<u32> = Vec::new();
        let mut wanted: HashSet<String> = HashSet::default();
        for (fi, f) in files.iter().enumerate() {
            let mut any = false;
            for c in f.functions.iter().flat_map(|func| &func.calls) {
                if c.indirect || knowledge.allocator(&c.callee).is_none() {
                    continue;
                }
                any = true;
                for a in c.args() {
                    wanted.extend(macro_names(a).map(str::to_string));
                }
            }
            if any {
                for g in self.visible(fi as u32) {
                    if files[g as usize].decls.defines_dropped && !needed.contains(&g) {
                        needed.push(g);
                    }
                }
            }
        }
        needed.sort_unstable();
        // Names the values of kept defines mention are wanted too (a few rounds).
        // Each round scans the files again for the names it adds, rather than keeping
        // every define of every register map between rounds (amdgpu's alone are
        // millions: 350 MiB at the peak).
        let mut new_names = wanted.clone();
        for _ in 0..4 {
            let found: Vec<(u32, Vec<(String, String)>)> = needed
                .par_iter()
                .filter_map(|&g| {
                    let path = std::path::Path::new(&files[g as usize].path);
                    let bytes = crate::bounded::read(path, MAX_REREAD_BYTES).ok()?;
                    let defs = crate::parse::decls::scan_defines_named(&bytes, |name| {
                        new_names.contains(name)
                    });
                    Some((g, defs))
                })
                .collect();
            let mut more: Vec<String> = Vec::new();
            for (g, defs) in found {
                let table = out.entry(g).or_default();
                // A name defined twice in a file: the first definition's names.
                let mut seen: HashSet<&str> = HashSet::default();
                for (name, value) in &defs {
                    if seen.insert(name) {
                        more.extend(macro_names(value).map(str::to_string));
                    }
                }
                for (name, value) in defs {
                    table
                        .entry(name)
                        .and_modify(|old| {
                            if old.as_deref() != Some(&value) {
                                *old = None;
                            }
                        })
                        .or_insert(Some(value));
                }
            }
            new_names = more.into_iter().filter(|n| !wanted.contains(n)).collect();
            if new_names.is_empty() {
                break;
            }
            wanted.extend(new_names.iter().cloned());
        }
        out.retain(|_, t| !t.is_empty());
        out
    }

    /// The file itself, then the headers it includes, breadth first.
    pub fn visible(&self, file: u32) -> Vec<u32> {
        visible_in(file, |f| self.includes_of(f))
    }

    /// The files `file`'s includes resolve to, in the order of its include lines.
    pub fn includes_of(&self, file: u32) -> &[u32] {
        self.includes
            .get(file as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// What is stored into the field `key`, as seen from `file`: by the functions of
    /// that file and of the files of its directory it is linked to (one includes the
    /// other, or both include a common scanned header). A directory such as
    /// `drivers/cpufreq` holds many unrelated drivers that share field names.
    pub fn field_store(&self, file: u32, dir: &str, key: &str) -> Option<FieldStore> {
        let stores = self.fields.get(dir)?.get(key)?;
        let mine = self.visible(file);
        let mut out: Option<FieldStore> = None;
        for (g, store) in stores {
            let linked = *g == file || mine.contains(g) || {
                let theirs = self.visible(*g);
                theirs.contains(&file) || theirs[1..].iter().any(|h| mine[1..].contains(h))
            };
            if !linked {
                continue;
            }
            out = Some(match out {
                None => *store,
                Some(prev) if prev == *store => prev,
                Some(_) => FieldStore::Mixed,
            });
        }
        out
    }
}

impl DeclIndex<'_> {
    /// Whether code of directory `dir` hands the field `access` (of a variable of type
    /// `base_type`) to a device for DMA: `priv->rx_buf` of a `struct foo *priv`, also
    /// where another function passes its own `struct foo *` variable's `rx_buf`.
    pub fn dma_field(&self, dir: &str, base_type: &str, access: &str) -> bool {
        let Some(fields) = self.dma.get(dir) else {
            return false;
        };
        dma_path_key(base_type, access).is_some_and(|k| fields.contains(&k))
    }

    /// The GFP flags a macro visible from `file` stands for (`#define FOO_GFP
    /// (GFP_KERNEL | __GFP_ZERO)`, also through other macros), when fully known.
    pub fn gfp_macro(&self, file: u32, name: &str, k: &Knowledge) -> Option<GfpSet> {
        let visible = self.visible(file);
        self.gfp_macro_in(&visible, name, k, 0)
    }

    fn gfp_macro_in(
        &self,
        visible: &[u32],
        name: &str,
        k: &Knowledge,
        depth: u32,
    ) -> Option<GfpSet> {
        if depth > 8 {
            return None;
        }
        let value = visible.iter().find_map(|&f| {
            if let Some(v) = self.define_of(f, name) {
                return Some(v);
            }
            self.late_defines
                .get(&f)
                .and_then(|t| t.get(name))
                .map(|v| v.as_deref())
        })??;
        match eval_flags(value, &|id| {
            k.gfp_flag(id)
                .or_else(|| self.gfp_macro_in(visible, id, k, depth + 1))
        }) {
            GfpValue::Known(set) => Some(set),
            _ => None,
        }
    }
}

/// The constant evaluator's environment in one file.
pub struct FileEnv<'p> {
    index: &'p DeclIndex<'p>,
    knowledge: &'p Knowledge,
    target: &'p Target,
    visible: Vec<u32>,
    /// The kernel tree's headers (the run's shared cache) and this file's path: names
    /// the run does not define are looked up in the file's `#include` closure there.
    headers: Option<(&'p KernelHeaders, u32, &'p str)>,
    closure: OnceCell<Closure>,
    type_depth: Cell<u32>,
    /// The first name or condition an evaluation could not resolve (for
    /// `gfplint debug-sizes`: why a size stayed unknown).
    unresolved: RefCell<Option<String>>,
}

impl<'p> FileEnv<'p> {
    pub fn new(
        index: &'p DeclIndex<'p>,
        knowledge: &'p Knowledge,
        target: &'p Target,
        file: u32,
    ) -> Self {
        FileEnv {
            index,
            knowledge,
            target,
            visible: index.visible(file),
            headers: None,
            closure: OnceCell::new(),
            type_depth: Cell::new(0),
            unresolved: RefCell::new(None),
        }
    }

    /// This environment, reading constants the run lacks (`ETH_ALEN`, `IFNAMSIZ`) from
    /// the kernel tree's headers that file `file` at `path` includes.
    pub fn with_headers(mut self, headers: &'p KernelHeaders, file: u32, path: &'p str) -> Self {
        self.headers = Some((headers, file, path));
        self
    }

    /// A constant of the kernel tree's headers (the closure is walked on first use).
    /// A define of the run visible from the file (no kernel headers, no note).
    fn index_define(&self, name: &str) -> Option<&'p str> {
        for &f in &self.visible {
            if let Some(v) = self.index.define_of(f, name) {
                return v;
            }
        }
        None
    }

    fn header_define(&self, name: &str) -> Option<&str> {
        let (headers, file, path) = self.headers?;
        let closure = self
            .closure
            .get_or_init(|| headers.closure(file, path, self.index.include_lines(file)));
        headers.lookup(closure, name)
    }

    /// The declared type of a file-scope variable visible here.
    fn file_variable(&self, name: &str) -> Option<&'p str> {
        let files: &'p [FileFacts] = self.index.files;
        self.visible.iter().find_map(|&f| {
            let vars = &files.get(f as usize)?.decls.variables;
            vars.iter()
                .find(|(n, _)| n == name)
                .map(|(_, t)| t.as_str())
        })
    }

    /// The definition of type `ty` in the kernel tree's headers this file includes.
    fn header_type(&self, ty: &str) -> Option<HeaderType<'_>> {
        let (headers, file, path) = self.headers?;
        let closure = self
            .closure
            .get_or_init(|| headers.closure(file, path, self.index.include_lines(file)));
        headers.type_definition(closure, ty)
    }

    /// What the evaluations since the last call could not resolve first.
    pub fn take_unresolved(&self) -> Option<String> {
        self.unresolved.borrow_mut().take()
    }

    fn note_unresolved(&self, what: impl FnOnce() -> String) {
        let mut u = self.unresolved.borrow_mut();
        if u.is_none() {
            *u = Some(what());
        }
    }

    /// First visible file declaring `name` in `tables` decides (ambiguous: unknown).
    fn lookup<T: Copy>(&self, tables: &'p [Table<'p, T>], name: &str) -> Option<T> {
        for &f in &self.visible {
            if let Some(v) = tables.get(f as usize).and_then(|t| t.get(name)) {
                return *v;
            }
        }
        None
    }

    /// (size, alignment) of a type as written.
    fn size_align(&self, ty: &str, ev: &Evaluator) -> Option<(u64, u64)> {
        let d = self.type_depth.get();
        if d >= MAX_TYPE_DEPTH {
            return None;
        }
        self.type_depth.set(d + 1);
        let r = self.size_align_inner(ty, ev);
        self.type_depth.set(d);
        r
    }

    fn size_align_inner(&self, ty: &str, ev: &Evaluator) -> Option<(u64, u64)> {
        let words: Vec<&str> = ty
            .split_whitespace()
            .filter(|w| !matches!(*w, "const" | "volatile" | "static" | "register"))
            .map(|w| if w == "__signed__" { "signed" } else { w })
            .collect();
        let ty = words.join(" ");
        let ty = ty.trim();
        if ty.ends_with('*') {
            return Some((self.target.pointer_size, self.target.pointer_size));
        }
        if let Some(&size) = self.knowledge.type_sizes.get(ty) {
            let align = if size.is_power_of_two() {
                size.min(8)
            } else {
                8
            };
            return Some((size, align));
        }
        // A definition in scope wins over the kernel type table, as in C.
        if let Some(s) = self.lookup(&self.index.structs, ty) {
            return self.struct_layout(s, ev);
        }
        if let Some(t) = self.lookup(&self.index.typedefs, ty) {
            return self.size_align(t, ev);
        }
        if let Some(&(size, align)) =
            crate::knowledge::type_layouts(self.target.kernel_version).get(ty)
        {
            return Some((size, align));
        }
        // A type of the kernel's headers that the compiler's table lacks (a module its
        // build did not probe, a configuration Debian does not build): laid out from its
        // definition, as a driver's own type is.
        match self.header_type(ty) {
            Some(HeaderType::Record(s)) => return self.struct_layout(s, ev),
            Some(HeaderType::Typedef(t)) if t != ty => return self.size_align(t, ev),
            _ => {}
        }
        if ty.starts_with("enum ") {
            return Some((4, 4));
        }
        // A type name defined as a macro (`#define PHYS_ADDR union large_integer`), or a
        // tag so defined (`#define radix_tree_root xarray`: `struct radix_tree_root`).
        let (keyword, name) = match ty.split_once(' ') {
            Some((k @ ("struct" | "union"), n)) if !n.contains(' ') => (Some(k), n),
            _ => (None, ty),
        };
        if !name.contains(' ')
            && let Some(v) = self.index_define(name).or_else(|| self.header_define(name))
            && v != name
            && v.split_whitespace().all(|w| {
                w.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '*')
            })
        {
            match keyword {
                None if crate::consteval::looks_like_type(v) => return self.size_align(v, ev),
                Some(k) if !v.contains(' ') && !v.contains('*') => {
                    return self.size_align(&format!("{k} {v}"), ev);
                }
                _ => {}
            }
        }
        self.note_unresolved(|| format!("type {ty}"));
        None
    }

    /// Whether an object of type `ty` (typedefs resolved) holds, in its own memory, a
    /// field that code of directory `dir` hands to a device for DMA: an array or
    /// embedded struct field passed as a DMA buffer (`sdio_readsb(func, card->buffer,
    /// …)`), also inside a struct it embeds. Such an object must be physically
    /// contiguous.
    pub fn holds_dma_buffer(&self, dir: &str, ty: &str) -> bool {
        match self.index.dma.get(dir) {
            Some(fields) if !fields.is_empty() => self.holds_dma_field(fields, ty, 0),
            _ => false,
        }
    }

    fn holds_dma_field(&self, fields: &HashSet<String>, ty: &str, depth: u32) -> bool {
        if depth > 3 {
            return false;
        }
        let ty = ty
            .split_whitespace()
            .filter(|w| !matches!(*w, "const" | "volatile"))
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(s) = self.lookup(&self.index.structs, &ty) {
            return self.struct_holds_dma_field(fields, &ty, s, depth);
        }
        match self.lookup(&self.index.typedefs, &ty) {
            Some(t) if !t.contains('*') => self.holds_dma_field(fields, t, depth + 1),
            _ => false,
        }
    }

    fn struct_holds_dma_field(
        &self,
        fields: &HashSet<String>,
        name: &str,
        s: &StructDef,
        depth: u32,
    ) -> bool {
        let Some(members) = &s.fields else {
            return false;
        };
        members
            .iter()
            .filter(|f| !f.pointer)
            .any(|f| match f.inner() {
                // An anonymous member's fields are the enclosing struct's.
                Some(inner) if f.name.is_empty() => {
                    self.struct_holds_dma_field(fields, name, inner, depth)
                }
                _ => {
                    fields.contains(&dma_field_key(name, &f.name))
                        || f.inner().is_none() && self.holds_dma_field(fields, &f.ty, depth + 1)
                }
            })
    }

    /// The type names (typedefs resolved) that fields of `s` use by value and that no
    /// table or visible declaration knows: what a kernel type table should add.
    pub fn missing_types(&self, s: &StructDef, out: &mut Vec<String>) {
        let Some(fields) = &s.fields else {
            return;
        };
        for f in fields {
            if let Some(inner) = f.inner() {
                self.missing_types(inner, out);
                continue;
            }
            if f.pointer {
                continue;
            }
            let mut ty = f.ty.trim().trim_start_matches("const ").to_string();
            for _ in 0..MAX_TYPE_DEPTH {
                match self.lookup(&self.index.typedefs, &ty) {
                    Some(t) if !t.ends_with('*') => ty = t.to_string(),
                    _ => break,
                }
            }
            let known = ty.ends_with('*')
                || crate::knowledge::type_layouts(self.target.kernel_version).contains_key(&ty)
                || self.knowledge.type_sizes.contains_key(&ty)
                || ty.starts_with("enum ")
                || self.lookup(&self.index.structs, &ty).is_some();
            if !known && !out.contains(&ty) {
                out.push(ty);
            }
        }
    }

    /// Whether a member's preprocessor conditions hold for the target (`None`: not
    /// known, so neither is the layout).
    fn conds_hold(&self, conds: &[(String, bool)]) -> Option<bool> {
        let mut all = true;
        for (sym, want) in conds {
            let Some(defined) = self.target.symbol_defined(sym) else {
                self.note_unresolved(|| format!("config {sym}"));
                return None;
            };
            all &= defined == *want;
        }
        Some(all)
    }

    /// The members `NAME(args…)` declares: through the knowledge's `member_macro`
    /// table (one member, or the anonymous struct of several), else through a
    /// member-list macro of the file's includes (`#define LIST(type) type A; type B;`,
    /// which may call other such macros), spliced in as declared.
    fn expand_member(&self, call: &str, depth: u32) -> Option<Vec<Field>> {
        if depth > MAX_MEMBER_MACRO_DEPTH {
            return None;
        }
        let open = call.find('(')?;
        let name = call[..open].trim();
        let inner = call[open + 1..].trim_end().strip_suffix(')')?;
        let args = crate::consteval::split_args(inner);
        if let Some(m) = self.knowledge.member_macros.get(name) {
            let text = m.expand(&args)?;
            let decls: Vec<&str> = text
                .split(';')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .collect();
            if let [one] = decls[..] {
                return Some(vec![crate::parse::decls::field_from_text(&format!(
                    "{one};"
                ))?]);
            }
            // Several declarations: the anonymous struct the macro declares
            // (`DECLARE_KFIFO()`), padded as one.
            let fields = decls
                .iter()
                .map(|d| crate::parse::decls::field_from_text(&format!("{d};")))
                .collect::<Option<Vec<Field>>>()?;
            return Some(vec![Field::new(
                String::new(),
                String::new(),
                crate::facts::FieldRare {
                    inner: Some(Box::new(StructDef {
                        fields: Some(fields),
                        ..StructDef::default()
                    })),
                    ..Default::default()
                },
            )]);
        }
        let Some(m) = self.lookup(&self.index.member_templates, name) else {
            self.note_unresolved(|| format!("macro {name}"));
            return None;
        };
        let text = m.expand(&args)?;
        let mut out = Vec::new();
        for item in crate::parse::decls::member_list_items(&text)? {
            match item {
                MemberItem::Call(c) => out.extend(self.expand_member(c, depth + 1)?),
                MemberItem::Declaration(d) => {
                    out.push(crate::parse::decls::field_from_text(&format!("{d};"))?)
                }
            }
            if out.len() > MAX_MACRO_MEMBERS {
                return None;
            }
        }
        Some(out)
    }

    /// (size, alignment) of a struct or union: the System V x86-64 rules: members in
    /// order at their alignment, bit-fields packed into units of their type without
    /// crossing one (`: 0` closes the unit), unions as large as their largest member,
    /// `__packed` (alignment 1), `__aligned(n)` on members and on the type, the size
    /// rounded up to the alignment. Flexible arrays add alignment, not size.
    pub fn struct_layout(&self, s: &StructDef, ev: &Evaluator) -> Option<(u64, u64)> {
        let d = self.type_depth.get();
        if d >= MAX_TYPE_DEPTH {
            return None;
        }
        self.type_depth.set(d + 1);
        let r = self.struct_layout_inner(s, ev);
        self.type_depth.set(d);
        r
    }

    fn struct_layout_inner(&self, s: &StructDef, ev: &Evaluator) -> Option<(u64, u64)> {
        let mut fields: &[Field] = s.fields.as_ref()?;
        // Members declared by macros, expanded in place.
        let expanded;
        if fields.iter().any(|f| f.macro_call().is_some()) {
            let mut out = Vec::with_capacity(fields.len());
            for f in fields {
                match f.macro_call() {
                    Some(call) if self.conds_hold(f.conds())? => {
                        out.extend(self.expand_member(call, 0)?)
                    }
                    Some(_) => {}
                    None => out.push(f.clone()),
                }
            }
            expanded = out;
            fields = &expanded;
        }
        // Offsets in bits: bit-fields share bytes.
        let mut bits: u64 = 0;
        let mut align: u64 = 1;
        for f in fields {
            if !self.conds_hold(f.conds())? {
                continue;
            }
            let (mut fsize, natural) = if f.pointer {
                (self.target.pointer_size, self.target.pointer_size)
            } else if let Some(inner) = f.inner() {
                self.struct_layout(inner, ev)?
            } else {
                self.size_align(&f.ty, ev)?
            };
            let packed = s.packed || f.packed || s.pack == Some(1);
            let mut falign = if packed { 1 } else { natural.max(1) };
            if let Some(p) = s.pack {
                falign = falign.min(p);
            }
            if let Some(a) = f.align() {
                let a = ev.eval(a)?;
                if !a.is_power_of_two() {
                    return None;
                }
                falign = falign.max(a);
            }
            if let Some(w) = f.bits() {
                let w = ev.eval(w)?;
                let unit = fsize.checked_mul(8)?;
                if w > unit || unit == 0 {
                    return None;
                }
                if w == 0 {
                    bits = bits.checked_next_multiple_of(natural.checked_mul(8)?)?;
                    continue;
                }
                if s.is_union {
                    bits = bits.max(w);
                } else {
                    let last = bits.checked_add(w - 1)?;
                    if !packed && bits / unit != last / unit {
                        bits = bits.checked_next_multiple_of(unit)?;
                    }
                    bits = bits.checked_add(w)?;
                }
                // Unnamed bit-fields do not align the struct (x86-64 ABI).
                if !f.name.is_empty() {
                    align = align.max(falign);
                }
                continue;
            }
            for dim in f.dims() {
                fsize = fsize.checked_mul(ev.eval(dim)?)?;
            }
            align = align.max(falign);
            if s.is_union {
                bits = bits.max(fsize.checked_mul(8)?);
            } else {
                bits = bits
                    .checked_next_multiple_of(falign.checked_mul(8)?)?
                    .checked_add(fsize.checked_mul(8)?)?;
            }
        }
        if let Some(a) = &s.align {
            let a = ev.eval(a)?;
            if !a.is_power_of_two() {
                return None;
            }
            align = align.max(a);
        }
        let bytes = bits.div_ceil(8);
        Some((bytes.checked_next_multiple_of(align)?, align))
    }

    /// How a write of field path `w` of an object of type `ty` (as declared: `struct
    /// cmd`) may change field path `q`: paths diverging below a struct are disjoint,
    /// below a union they overlap (a member as large as the union, written as a whole,
    /// spans it). A path through a member not read, not known or declared more than
    /// once (`#ifdef` variants) on the way: overlapping.
    pub fn field_overlap(&self, ty: &str, w: &str, q: &str) -> Overlap {
        if w == q {
            return Overlap::Same;
        }
        if crate::facts::path_contains(w, q) || crate::facts::path_contains(q, w) {
            return Overlap::Overlaps;
        }
        self.typed_overlap(ty, w, q).unwrap_or(Overlap::Overlaps)
    }

    fn typed_overlap(&self, ty: &str, w: &str, q: &str) -> Option<Overlap> {
        let mut record = self.plain_record(ty)?;
        let ws: Vec<&str> = w.split('.').collect();
        let qs: Vec<&str> = q.split('.').collect();
        let k = ws.iter().zip(&qs).take_while(|(a, b)| a == b).count();
        if k >= ws.len().min(qs.len()) {
            return None;
        }
        for name in &ws[..k] {
            let chains = self.member_chains(record, name)?;
            let [chain] = &chains[..] else {
                return None;
            };
            record = self.field_record(chain.last()?)?;
        }
        let a = self.member_chains(record, ws[k])?;
        let b = self.member_chains(record, qs[k])?;
        let ev = Evaluator::new(self);
        let mut found: Option<Overlap> = None;
        for ca in &a {
            for cb in &b {
                // The innermost record holding both: `record`, or an anonymous member.
                let j = ca
                    .iter()
                    .zip(cb)
                    .take_while(|(x, y)| std::ptr::eq(**x, **y))
                    .count();
                if j >= ca.len().min(cb.len()) {
                    return None;
                }
                let holder = match j {
                    0 => record,
                    _ => ca[j - 1].inner()?,
                };
                let r = if !holder.is_union {
                    Overlap::Disjoint
                } else if ca.len() == j + 1
                    && ws.len() == k + 1
                    && self.spans(ca[j], holder, &ev) == Some(true)
                {
                    Overlap::Spans
                } else {
                    Overlap::Overlaps
                };
                // Declarations disagreeing (`#ifdef` variants): not known.
                found = match found {
                    Some(f) if f != r => return None,
                    _ => Some(r),
                };
            }
        }
        found
    }

    /// Whether member `f` of union `holder`, written as a whole, covers all of it.
    fn spans(&self, f: &Field, holder: &StructDef, ev: &Evaluator) -> Option<bool> {
        if f.bits().is_some() || !f.dims().is_empty() || f.macro_call().is_some() {
            return Some(false);
        }
        let size = if f.pointer {
            self.target.pointer_size
        } else if let Some(inner) = f.inner() {
            self.struct_layout(inner, ev)?.0
        } else {
            self.size_align(&f.ty, ev)?.0
        };
        Some(size == self.struct_layout(holder, ev)?.0)
    }

    /// The field paths below top-level member `member` of an object of type `ty` (its
    /// scalars, pointers, arrays and bit-fields, through nested structs and unions;
    /// anonymous members' names as C promotes them), at most `max` (`None`: more, or
    /// a member not read).
    pub fn member_paths(&self, ty: &str, member: &str, max: usize) -> Option<Vec<String>> {
        let record = self.plain_record(ty)?;
        let chains = self.member_chains(record, member)?;
        if chains.is_empty() {
            return None;
        }
        let mut out = Vec::new();
        for chain in &chains {
            self.leaf_paths(chain.last()?, member.to_string(), &mut out, 0, max)?;
        }
        out.sort_unstable();
        out.dedup();
        Some(out)
    }

    fn leaf_paths(
        &self,
        f: &Field,
        path: String,
        out: &mut Vec<String>,
        depth: u32,
        max: usize,
    ) -> Option<()> {
        match self.field_record(f) {
            None => out.push(path),
            Some(r) => self.record_paths(r, &path, out, depth + 1, max)?,
        }
        (out.len() <= max).then_some(())
    }

    fn record_paths(
        &self,
        r: &StructDef,
        prefix: &str,
        out: &mut Vec<String>,
        depth: u32,
        max: usize,
    ) -> Option<()> {
        if depth > MAX_TYPE_DEPTH {
            return None;
        }
        for g in r.fields.as_ref()? {
            if g.macro_call().is_some() {
                return None;
            }
            if self.conds_hold(g.conds()) == Some(false) {
                continue;
            }
            if g.name.is_empty() {
                if let Some(inner) = g.inner() {
                    self.record_paths(inner, prefix, out, depth + 1, max)?;
                }
                continue;
            }
            self.leaf_paths(g, format!("{prefix}.{}", g.name), out, depth, max)?;
        }
        Some(())
    }

    /// The struct or union an object of type `ty` is (not a pointer or an array).
    fn plain_record(&self, ty: &str) -> Option<&StructDef> {
        let t = self.parse_type(ty)?;
        if t.ptrs != 0 || !t.dims.is_empty() {
            return None;
        }
        t.record
    }

    /// The struct or union member `f` holds in place (`None`: something else, or a
    /// type not known).
    fn field_record<'s>(&'s self, f: &'s Field) -> Option<&'s StructDef> {
        if f.pointer || !f.dims().is_empty() || f.bits().is_some() || f.macro_call().is_some() {
            return None;
        }
        if let Some(inner) = f.inner() {
            return Some(inner);
        }
        self.plain_record(&f.ty)
    }

    /// Where member `name` of `record` is declared: the anonymous members it lies in,
    /// then itself; once per declaration whose preprocessor conditions may hold
    /// (`None`: a member declared by a macro, which may be it).
    fn member_chains<'s>(&self, record: &'s StructDef, name: &str) -> Option<Vec<Vec<&'s Field>>> {
        let mut out = Vec::new();
        self.chains_in(record, name, &mut Vec::new(), &mut out, 0)?;
        Some(out)
    }

    fn chains_in<'s>(
        &self,
        record: &'s StructDef,
        name: &str,
        path: &mut Vec<&'s Field>,
        out: &mut Vec<Vec<&'s Field>>,
        depth: u32,
    ) -> Option<()> {
        if depth > MAX_TYPE_DEPTH {
            return None;
        }
        for f in record.fields.as_ref()? {
            if f.macro_call().is_some() {
                return None;
            }
            if self.conds_hold(f.conds()) == Some(false) {
                continue;
            }
            if f.name == name {
                let mut chain = path.clone();
                chain.push(f);
                out.push(chain);
            } else if f.name.is_empty()
                && let Some(inner) = f.inner()
            {
                path.push(f);
                self.chains_in(inner, name, path, out, depth + 1)?;
                path.pop();
            }
        }
        Some(())
    }

    /// The type of an expression (`*p`, `p->rx.ring[0]`, `arr[i]`) whose root is a
    /// variable declared with `root_type`.
    fn expr_type(&self, expr: &str, locals: &[(String, String)]) -> Option<Ty<'_>> {
        let toks = expr_tokens(expr)?;
        let mut pos = 0;
        let t = self.unary_type(&toks, &mut pos, locals, 0)?;
        (pos == toks.len()).then_some(t)
    }

    fn unary_type(
        &self,
        toks: &[ETok],
        pos: &mut usize,
        locals: &[(String, String)],
        depth: u32,
    ) -> Option<Ty<'_>> {
        if depth > 32 {
            return None;
        }
        let mut t = match toks.get(*pos)? {
            ETok::Star => {
                *pos += 1;
                return self.unary_type(toks, pos, locals, depth + 1)?.deref();
            }
            ETok::Amp => {
                *pos += 1;
                let mut t = self.unary_type(toks, pos, locals, depth + 1)?;
                t.dims.clear();
                t.ptrs += 1;
                return Some(t);
            }
            ETok::Open => {
                *pos += 1;
                let t = self.unary_type(toks, pos, locals, depth + 1)?;
                if toks.get(*pos) != Some(&ETok::Close) {
                    return None;
                }
                *pos += 1;
                t
            }
            ETok::Ident(name) => {
                *pos += 1;
                match locals.iter().rev().find(|(n, _)| n == name) {
                    Some((_, declared)) => self.parse_type(declared)?,
                    // A variable of the file (or of a header it includes); an
                    // array's length as declared or counted from its initializer.
                    None => {
                        let mut t = self.parse_type(self.file_variable(name)?)?;
                        if let [None] = t.dims[..]
                            && let Some(n) = <Self as Env>::array_length(self, name)
                                .and_then(|l| l.trim().parse::<u64>().ok())
                        {
                            t.dims[0] = Some(n);
                        }
                        t
                    }
                }
            }
            _ => return None,
        };
        loop {
            match toks.get(*pos) {
                Some(ETok::Arrow) => {
                    let ETok::Ident(f) = toks.get(*pos + 1)? else {
                        return None;
                    };
                    t = self.member(t.deref()?, f)?;
                    *pos += 2;
                }
                Some(ETok::Dot) => {
                    let ETok::Ident(f) = toks.get(*pos + 1)? else {
                        return None;
                    };
                    t = self.member(t, f)?;
                    *pos += 2;
                }
                Some(ETok::Index) => {
                    t = t.deref()?;
                    *pos += 1;
                }
                _ => return Some(t),
            }
        }
    }

    /// A declared type text (`struct foo *`, `u32 []`, a typedef) as a [`Ty`]:
    /// typedefs resolved, pointers counted.
    fn parse_type(&self, text: &str) -> Option<Ty<'_>> {
        let mut ptrs = 0u32;
        let mut dims = 0u32;
        let mut words = Vec::new();
        for w in text.split_whitespace() {
            match w {
                "const" | "volatile" | "static" | "register" | "__iomem" | "__user" | "__rcu"
                | "__percpu" | "__force" => {}
                "?" => return None,
                _ if w.chars().all(|c| c == '*') => ptrs += w.len() as u32,
                "[]" => dims += 1,
                _ => {
                    let stars = w.chars().rev().take_while(|&c| c == '*').count();
                    ptrs += stars as u32;
                    words.push(&w[..w.len() - stars]);
                }
            }
        }
        let base = words.join(" ");
        let mut t = Ty {
            base,
            record: None,
            ptrs,
            // A local array's dimensions are not kept: unknown lengths.
            dims: vec![None; dims as usize],
        };
        // Resolve typedefs until a struct, a base type or a pointer.
        for _ in 0..MAX_TYPE_DEPTH {
            if t.base.starts_with("struct ") || t.base.starts_with("union ") {
                break;
            }
            let target = match self.lookup(&self.index.typedefs, &t.base) {
                Some(target) => target,
                // A type the tables know (`ktime_t`, `u64`) is not followed into the
                // headers' spelling of it (`__signed__ long long`).
                None if self.knowledge.type_sizes.contains_key(&t.base)
                    || crate::knowledge::type_layouts(self.target.kernel_version)
                        .contains_key(&t.base) =>
                {
                    break;
                }
                None => match self.header_type(&t.base) {
                    Some(HeaderType::Typedef(target)) if target != t.base => target,
                    _ => break,
                },
            };
            let inner = self.parse_type(target)?;
            t.base = inner.base;
            t.record = inner.record;
            t.ptrs += inner.ptrs;
        }
        if t.record.is_none() {
            // A struct of the kernel's headers when the run does not define it.
            t.record = self.lookup(&self.index.structs, &t.base).or_else(|| {
                match self.header_type(&t.base) {
                    Some(HeaderType::Record(s)) => Some(s),
                    _ => None,
                }
            });
        }
        Some(t)
    }

    /// The type of member `name` of a struct value (also inside anonymous members).
    fn member<'s>(&'s self, t: Ty<'s>, name: &str) -> Option<Ty<'s>> {
        if t.ptrs != 0 || !t.dims.is_empty() {
            return None;
        }
        let record = t.record?;
        let f = find_member(record.fields.as_ref()?, name, 0)?;
        let mut ty = match f.inner() {
            Some(inner) => Ty {
                base: String::new(),
                record: Some(inner),
                ptrs: 0,
                dims: Vec::new(),
            },
            None => self.parse_type(&f.ty)?,
        };
        if f.pointer {
            ty.ptrs += u32::from(f.pointers.max(1));
            ty.record = ty.record.filter(|_| f.inner().is_none()).or(ty.record);
        }
        let ev = Evaluator::new(self);
        let mut dims: Vec<Option<u64>> = f.dims().iter().map(|d| ev.eval(d)).collect();
        dims.extend(ty.dims);
        ty.dims = dims;
        Some(ty)
    }

    /// Bytes of a value of type `t`.
    fn ty_size(&self, t: &Ty, ev: &Evaluator) -> Option<u64> {
        let mut size = if t.ptrs > 0 {
            self.target.pointer_size
        } else if let Some(r) = t.record.filter(|_| t.base.is_empty()) {
            // A struct declared in place has no name to look up.
            self.struct_layout(r, ev)?.0
        } else {
            // By name, so the compiler's table wins over a header's definition.
            self.size_align(&t.base, ev)?.0
        };
        for d in &t.dims {
            size = size.checked_mul((*d)?)?;
        }
        Some(size)
    }

    /// `sizeof` of an expression or type with the calling function's declarations:
    /// an expression whose root is a declared variable is typed (`*p`, `p->f`,
    /// `a[0]`); anything else is a type name.
    pub fn sizeof_with(
        &self,
        text: &str,
        locals: &[(String, String)],
        ev: &Evaluator,
    ) -> Option<u64> {
        let root = text
            .trim_start_matches(|c: char| c == '*' || c == '(' || c == '&' || c.is_whitespace())
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("");
        if !root.is_empty()
            && (locals.iter().any(|(n, _)| n == root)
                || !crate::consteval::is_type_word(root) && self.file_variable(root).is_some())
        {
            let Some(t) = self.expr_type(text, locals) else {
                self.note_unresolved(|| format!("expr {text}"));
                return None;
            };
            return self.ty_size(&t, ev);
        }
        self.size_align(text, ev).map(|(s, _)| s)
    }
}

/// A type as the expression typer sees it: a base type (or a record declared in
/// place), pointer levels above it, and array dimensions (outermost first; `None`
/// for a length not known). `u32 *a[4]` is `u32`, 1 pointer, dims `[4]`.
#[derive(Clone, Debug)]
struct Ty<'p> {
    base: String,
    record: Option<&'p StructDef>,
    ptrs: u32,
    dims: Vec<Option<u64>>,
}

impl Ty<'_> {
    /// `*t` / `t[i]`: one array dimension, else one pointer level.
    fn deref(mut self) -> Option<Self> {
        if !self.dims.is_empty() {
            self.dims.remove(0);
        } else {
            self.ptrs = self.ptrs.checked_sub(1)?;
        }
        Some(self)
    }
}

fn find_member<'f>(fields: &'f [Field], name: &str, depth: u32) -> Option<&'f Field> {
    if depth > 8 {
        return None;
    }
    for f in fields {
        if f.name == name {
            return Some(f);
        }
        if f.name.is_empty()
            && let Some(inner) = f.inner()
            && let Some(found) = find_member(inner.fields.as_ref()?, name, depth + 1)
        {
            return Some(found);
        }
    }
    None
}

#[derive(Debug, PartialEq)]
enum ETok<'t> {
    Ident(&'t str),
    Star,
    Amp,
    Open,
    Close,
    Arrow,
    Dot,
    /// A whole subscript `[...]` (its contents do not change the type).
    Index,
}

/// The tokens of an operand expression (`crate::ctoken`); a subscript is one token.
fn expr_tokens(text: &str) -> Option<Vec<ETok<'_>>> {
    use crate::ctoken::{Lexer, Tok};
    let mut lexer = Lexer::new(text);
    let mut out = Vec::new();
    while let Some(t) = lexer.next() {
        match t.ok()?.tok {
            Tok::Ident(w) => out.push(ETok::Ident(w)),
            Tok::Punct("->") => out.push(ETok::Arrow),
            Tok::Punct("[") => {
                lexer.skip_balanced(b'[', b']').ok()?;
                out.push(ETok::Index);
            }
            Tok::Punct("*") => out.push(ETok::Star),
            Tok::Punct("&") => out.push(ETok::Amp),
            // `&&p` is the address of an address.
            Tok::Punct("&&") => out.extend([ETok::Amp, ETok::Amp]),
            Tok::Punct("(") => out.push(ETok::Open),
            Tok::Punct(")") => out.push(ETok::Close),
            Tok::Punct(".") => out.push(ETok::Dot),
            _ => return None,
        }
    }
    Some(out)
}

/// The evaluator's environment at one allocator call: the file's declarations and
/// the calling function's variables (for `sizeof(*p)`, `sizeof(p->field)`).
pub struct CallEnv<'e, 'p> {
    file: &'e FileEnv<'p>,
    locals: &'e [(String, String)],
}

impl<'e, 'p> CallEnv<'e, 'p> {
    pub fn new(file: &'e FileEnv<'p>, call: &'e crate::facts::Call) -> Self {
        CallEnv {
            file,
            locals: call.operand_types(),
        }
    }
}

impl Env for CallEnv<'_, '_> {
    fn define(&self, name: &str) -> Option<&str> {
        self.file.define(name)
    }
    fn constant(&self, name: &str) -> Option<i128> {
        self.file.constant(name)
    }
    fn sizeof_type(&self, ty: &str, ev: &Evaluator) -> Option<u64> {
        self.file.sizeof_with(ty, self.locals, ev)
    }
    fn page_shift(&self) -> u32 {
        self.file.page_shift()
    }
    fn array_length(&self, name: &str) -> Option<&str> {
        // A local of that name hides the file's array.
        if self.locals.iter().any(|(n, _)| n == name) {
            return None;
        }
        self.file.array_length(name)
    }
}

impl Env for FileEnv<'_> {
    fn define(&self, name: &str) -> Option<&str> {
        for &f in &self.visible {
            if let Some(v) = self.index.define_of(f, name) {
                return v;
            }
            if let Some(v) = self.index.late_defines.get(&f).and_then(|t| t.get(name)) {
                return v.as_deref();
            }
        }
        if let Some(v) = self.header_define(name) {
            return Some(v);
        }
        self.note_unresolved(|| format!("name {name}"));
        None
    }

    fn constant(&self, name: &str) -> Option<i128> {
        let t = self.target;
        let v = match name {
            "PAGE_SIZE" => t.page_size(),
            "PAGE_SHIFT" => u64::from(t.page_shift),
            "MAX_ORDER" => u64::from(t.max_order_macro()),
            "MAX_PAGE_ORDER" => u64::from(t.max_page_order),
            "PAGE_ALLOC_COSTLY_ORDER" => u64::from(t.costly_order),
            "KMALLOC_MAX_SIZE" => t.kmalloc_max_size,
            "KMALLOC_MAX_CACHE_SIZE" => t.kmalloc_max_cache_size(),
            "L1_CACHE_BYTES" | "SMP_CACHE_BYTES" => t.l1_cache_bytes,
            "BITS_PER_LONG" => t.pointer_size * 8,
            // `__alignof__(unsigned long long)` where the architecture sets none (x86).
            "ARCH_KMALLOC_MINALIGN" => 8,
            _ => return self.knowledge.constants.get(name).map(|&v| i128::from(v)),
        };
        Some(i128::from(v))
    }

    fn sizeof_type(&self, ty: &str, ev: &Evaluator) -> Option<u64> {
        self.size_align(ty, ev).map(|(s, _)| s)
    }

    fn page_shift(&self) -> u32 {
        self.target.page_shift
    }

    fn array_length(&self, name: &str) -> Option<&str> {
        self.visible.iter().find_map(|&f| {
            let arrays = &self.index.files.get(f as usize)?.decls.arrays;
            arrays
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, len)| len.as_str())
        })
    }
}

/// The file itself, then the headers it includes (`includes`), breadth first, up to
/// [`MAX_INCLUDE_DEPTH`] levels and [`MAX_VISIBLE_FILES`] files.
pub fn visible_in<'i>(file: u32, includes: impl Fn(u32) -> &'i [u32]) -> Vec<u32> {
    let mut out = vec![file];
    let mut seen: HashSet<u32> = HashSet::default();
    seen.insert(file);
    let mut level = vec![file];
    for _ in 0..MAX_INCLUDE_DEPTH {
        let mut next = Vec::new();
        for f in level {
            for &i in includes(f) {
                if out.len() < MAX_VISIBLE_FILES && seen.insert(i) {
                    out.push(i);
                    next.push(i);
                }
            }
        }
        if next.is_empty() {
            break;
        }
        level = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(join("drivers/net/foo", "../bar.h"), "drivers/net/bar.h");
        assert_eq!(join("drivers/net/foo", "./x.h"), "drivers/net/foo/x.h");
        assert_eq!(normalize("./a/b.h"), "a/b.h");
        assert_eq!(join("/abs/dir", "x.h"), "/abs/dir/x.h");
        assert_eq!(normalize("/abs/dir/x.h"), "/abs/dir/x.h");
        assert_eq!(field_key("priv->ring"), Some("priv->ring".into()));
        assert_eq!(field_key("priv -> rx.ring"), Some("priv->rx.ring".into()));
        assert_eq!(field_key("p->bufs[i + 1]"), Some("p->bufs[]".into()));
        assert_eq!(field_key("buf"), None);
    }
}
