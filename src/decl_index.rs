//! Whole-program index of file-level declarations, part of [`crate::program::Program`]:
//! `#define`s, structs and typedefs by file, `#include "…"` resolved to scanned files,
//! and which allocator family stores into each struct field. [`FileEnv`] is the
//! constant evaluator's view from one file: its own declarations first, then those of
//! the headers it includes (transitively, breadth first).

use rustc_hash::FxHashMap as HashMap;
use std::cell::Cell;

use rayon::prelude::*;

use crate::consteval::{Env, Evaluator};
use crate::facts::{FileFacts, StructDef};
use crate::knowledge::Knowledge;
use crate::target::Target;

/// Include levels followed from a file, and most files visible from one.
const MAX_INCLUDE_DEPTH: usize = 8;
const MAX_VISIBLE_FILES: usize = 64;
/// Nesting of struct-in-struct and typedef-to-typedef resolution.
const MAX_TYPE_DEPTH: u32 = 16;

/// A name declared more than once in one file with different definitions
/// (`#ifdef` alternatives) is ambiguous: `None`.
type Table<'a, T> = HashMap<&'a str, Option<T>>;

/// Directory → field key → (file, what that file stores).
type FieldIndex<'a> = HashMap<&'a str, HashMap<String, Vec<(u32, FieldStore<'a>)>>>;

/// What is stored into a struct field by calls, over the whole program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldStore<'a> {
    /// Only results of allocators of this family.
    Family(&'a str),
    /// Results of different families, or of other calls.
    Mixed,
}

pub struct DeclIndex<'a> {
    defines: Vec<Table<'a, &'a str>>,
    structs: Vec<Table<'a, &'a StructDef>>,
    typedefs: Vec<Table<'a, &'a str>>,
    includes: Vec<Vec<u32>>,
    /// Directory of the file → field key (see [`field_key`]) → what is stored.
    fields: FieldIndex<'a>,
}

fn insert<'a, T: PartialEq + Copy>(t: &mut Table<'a, T>, k: &'a str, v: T) {
    t.entry(k)
        .and_modify(|old| {
            if *old != Some(v) {
                *old = None;
            }
        })
        .or_insert(Some(v));
}

/// Records that file `fi` stores `store` into a field.
fn merge<'a>(per_file: &mut Vec<(u32, FieldStore<'a>)>, fi: u32, store: FieldStore<'a>) {
    match per_file.iter_mut().find(|(file, _)| *file == fi) {
        Some((_, old)) => {
            if *old != store {
                *old = FieldStore::Mixed;
            }
        }
        None => per_file.push((fi, store)),
    }
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

fn normalize(path: &str) -> String {
    join("", path.strip_prefix("./").unwrap_or(path))
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

impl<'a> DeclIndex<'a> {
    /// An index that knows nothing (for passes that only resolve calls).
    pub fn empty() -> DeclIndex<'a> {
        DeclIndex {
            defines: Vec::new(),
            structs: Vec::new(),
            typedefs: Vec::new(),
            includes: Vec::new(),
            fields: HashMap::default(),
        }
    }

    pub fn build(files: &'a [FileFacts], knowledge: &'a Knowledge) -> DeclIndex<'a> {
        let by_path: HashMap<String, u32> = files
            .par_iter()
            .enumerate()
            .map(|(i, f)| (normalize(&f.path), i as u32))
            .collect();
        // Per file, in parallel: declaration tables, resolved includes, and the fields
        // that receive allocator results.
        type PerFile<'a> = (
            Table<'a, &'a str>,
            Table<'a, &'a StructDef>,
            Table<'a, &'a str>,
            Vec<u32>,
            Vec<(String, FieldStore<'a>)>,
        );
        let per_file: Vec<PerFile<'a>> = files
            .par_iter()
            .map(|f| {
                let d = &f.decls;
                let mut defs = Table::default();
                for def in &d.defines {
                    insert(&mut defs, def.name(), def.value());
                }
                let mut structs = Table::default();
                for s in &d.structs {
                    structs
                        .entry(s.name.as_str())
                        .and_modify(|o| *o = None)
                        .or_insert(Some(s));
                }
                let mut typedefs = Table::default();
                for (name, ty) in &d.typedefs {
                    insert(&mut typedefs, name.as_str(), ty.as_str());
                }
                let dir = dir_of(&f.path);
                let mut inc: Vec<u32> = d
                    .includes
                    .iter()
                    .filter_map(|i| by_path.get(&normalize(&join(dir, i))).copied())
                    .collect();
                inc.dedup();
                let allocs = f
                    .functions
                    .iter()
                    .flat_map(|func| &func.calls)
                    .filter(|c| !c.indirect)
                    .filter_map(|c| {
                        let a = knowledge.call_allocator(c)?;
                        Some((
                            field_key(c.assigned_to()?)?,
                            FieldStore::Family(a.family.as_str()),
                        ))
                    })
                    .collect();
                (defs, structs, typedefs, inc, allocs)
            })
            .collect();
        let mut defines = Vec::with_capacity(files.len());
        let mut structs = Vec::with_capacity(files.len());
        let mut typedefs = Vec::with_capacity(files.len());
        let mut includes = Vec::with_capacity(files.len());
        let mut fields = FieldIndex::default();
        for (fi, (d, s, t, i, allocs)) in per_file.into_iter().enumerate() {
            defines.push(d);
            structs.push(s);
            typedefs.push(t);
            includes.push(i);
            let dir = dir_of(&files[fi].path);
            for (key, store) in allocs {
                merge(
                    fields.entry(dir).or_default().entry(key).or_default(),
                    fi as u32,
                    store,
                );
            }
        }
        // Other call results stored into those fields make them unknown (`Mixed`).
        let others: Vec<Vec<String>> = files
            .par_iter()
            .map(|f| {
                let Some(known) = fields.get(dir_of(&f.path)) else {
                    return Vec::new();
                };
                f.functions
                    .iter()
                    .flat_map(|func| &func.calls)
                    .filter(|c| c.indirect || knowledge.call_allocator(c).is_none())
                    .filter_map(|c| field_key(c.assigned_to()?))
                    .filter(|k| known.contains_key(k))
                    .collect()
            })
            .collect();
        for (fi, keys) in others.into_iter().enumerate() {
            let dir = dir_of(&files[fi].path);
            for key in keys {
                if let Some(v) = fields.get_mut(dir).and_then(|m| m.get_mut(&key)) {
                    merge(v, fi as u32, FieldStore::Mixed);
                }
            }
        }
        DeclIndex {
            defines,
            structs,
            typedefs,
            includes,
            fields,
        }
    }

    /// The file itself, then the headers it includes, breadth first.
    pub fn visible(&self, file: u32) -> Vec<u32> {
        let mut out = vec![file];
        let mut level = vec![file];
        for _ in 0..MAX_INCLUDE_DEPTH {
            let mut next = Vec::new();
            for f in level {
                for &i in self
                    .includes
                    .get(f as usize)
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
                {
                    if out.len() < MAX_VISIBLE_FILES && !out.contains(&i) {
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

    /// What is stored into the field `key`, as seen from `file`: by the functions of
    /// that file and of the files of its directory it is linked to (one includes the
    /// other, or both include a common scanned header). A directory such as
    /// `drivers/cpufreq` holds many unrelated drivers that share field names.
    pub fn field_store(&self, file: u32, dir: &str, key: &str) -> Option<FieldStore<'a>> {
        let stores = self.fields.get(dir)?.get(key)?;
        let mine = self.visible(file);
        let mut out: Option<FieldStore<'a>> = None;
        for (g, store) in stores {
            let linked = *g == file || mine.contains(g) || {
                let theirs = self.visible(*g);
                theirs.contains(&file) || theirs[1..].iter().any(|h| mine[1..].contains(h))
            };
            if !linked {
                continue;
            }
            out = Some(match out {
                None => store.clone(),
                Some(prev) if prev == *store => prev,
                Some(_) => FieldStore::Mixed,
            });
        }
        out
    }
}

/// The constant evaluator's environment in one file.
pub struct FileEnv<'p> {
    index: &'p DeclIndex<'p>,
    knowledge: &'p Knowledge,
    target: &'p Target,
    visible: Vec<u32>,
    type_depth: Cell<u32>,
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
            type_depth: Cell::new(0),
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
        if ty.starts_with("enum ") {
            return Some((4, 4));
        }
        if let Some(s) = self.lookup(&self.index.structs, ty) {
            return self.layout(s, ev);
        }
        if let Some(t) = self.lookup(&self.index.typedefs, ty) {
            return self.size_align(t, ev);
        }
        None
    }

    fn layout(&self, s: &StructDef, ev: &Evaluator) -> Option<(u64, u64)> {
        let fields = s.fields.as_ref()?;
        let mut size: u64 = 0;
        let mut align: u64 = 1;
        for f in fields {
            let (mut fsize, falign) = if f.pointer {
                (self.target.pointer_size, self.target.pointer_size)
            } else {
                self.size_align(&f.ty, ev)?
            };
            for dim in &f.dims {
                fsize = fsize.checked_mul(ev.eval(dim)?)?;
            }
            let falign = if s.packed { 1 } else { falign.max(1) };
            align = align.max(falign);
            if s.is_union {
                size = size.max(fsize);
            } else {
                size = size.checked_next_multiple_of(falign)?.checked_add(fsize)?;
            }
        }
        Some((size.checked_next_multiple_of(align)?, align))
    }
}

impl Env for FileEnv<'_> {
    fn define(&self, name: &str) -> Option<&str> {
        self.lookup(&self.index.defines, name)
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
