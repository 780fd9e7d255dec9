//! The whole-program view: an index over the facts of every file of the run.
//!
//! Built once, after all files are parsed and before any lint runs; read-only after.
//! Cross-file questions ("which function is `foo` called from here?") go through it.
//!
//! In the pipeline (stage *program*, `src/program.rs`, `src/decl_index.rs`): whole-run
//! index built once: call resolution by name (file-static, then unique global, else the
//! one in the caller's directory; matching parameter count; header statics are global),
//! and declarations visible through `#include` for the size evaluator

use rustc_hash::FxHashMap as HashMap;

use crate::facts::FileFacts;
use crate::knowledge::Knowledge;

/// Identifies a function: (file index, function index within the file).
pub type FunctionId = (u32, u32);

pub struct Program<'a> {
    pub files: &'a [FileFacts],
    pub knowledge: &'a Knowledge,
    /// Non-static definitions by name (a name defined in several files keeps all).
    globals: HashMap<&'a str, Vec<FunctionId>>,
    /// Static definitions by (file, name).
    statics: HashMap<(u32, &'a str), FunctionId>,
    /// Every function-like macro name of the run (`Decls::fn_macros`): a cheap test
    /// before asking which headers a file sees.
    fn_macro_names: rustc_hash::FxHashSet<&'a str>,
    /// Each file's directory (`decl_index::dir_of`), as a number: call resolution
    /// compares directories for every call.
    dirs: Vec<u32>,
    /// Declarations (defines, structs, typedefs, resolved includes) for the size evaluator.
    pub decls: crate::decl_index::DeclIndex<'a>,
}

impl<'a> Program<'a> {
    pub fn build(files: &'a [FileFacts], knowledge: &'a Knowledge) -> Program<'a> {
        Program::build_with_includes(files, knowledge, None)
    }

    /// `build`, with each file's resolved includes given (`DeclIndex::build_with`).
    pub fn build_with_includes(
        files: &'a [FileFacts],
        knowledge: &'a Knowledge,
        known_includes: Option<&(dyn Fn(u32) -> Vec<u32> + Sync)>,
    ) -> Program<'a> {
        let mut program = Program::build_calls_only(files, knowledge);
        program.decls = crate::decl_index::DeclIndex::build_with(files, knowledge, known_includes);
        program
    }

    /// The call-resolution index only, without the declaration index (for the
    /// cross-file lock-wrapper pass, which needs no sizes).
    pub fn build_calls_only(files: &'a [FileFacts], knowledge: &'a Knowledge) -> Program<'a> {
        let mut globals: HashMap<&str, Vec<FunctionId>> = HashMap::default();
        let mut statics = HashMap::default();
        for (fi, file) in files.iter().enumerate() {
            for (i, f) in file.functions.iter().enumerate() {
                let id = (fi as u32, i as u32);
                if f.is_static {
                    statics.insert((fi as u32, f.name.as_str()), id);
                }
                // A static (inline) function in a header is visible to every file that
                // includes it, so it resolves like a global one.
                if !f.is_static || file.path.ends_with(".h") {
                    globals.entry(f.name.as_str()).or_default().push(id);
                }
            }
        }
        let fn_macro_names = files
            .iter()
            .flat_map(|f| f.decls.fn_macros.iter().map(|m| &**m))
            .collect();
        let mut dir_ids: HashMap<&str, u32> = HashMap::default();
        let dirs = files
            .iter()
            .map(|f| {
                let next = dir_ids.len() as u32;
                *dir_ids
                    .entry(crate::decl_index::dir_of(&f.path))
                    .or_insert(next)
            })
            .collect();
        Program {
            files,
            knowledge,
            globals,
            statics,
            fn_macro_names,
            dirs,
            decls: crate::decl_index::DeclIndex::empty(),
        }
    }

    /// Resolves a call by name from `file`: a `static` function of that file first,
    /// then a global definition; among several, the only one in the caller's own
    /// directory (one driver's module links its own `vnic_dev_stats_dump()`, not the
    /// one of the driver next door), so adding other drivers to a run does not unbind
    /// a call. `None` when the name is undefined or still ambiguous (per-architecture
    /// or per-config variants).
    pub fn resolve(&self, file: u32, name: &str) -> Option<FunctionId> {
        if let Some(&id) = self.statics.get(&(file, name)) {
            return Some(id);
        }
        let dir = self.dirs[file as usize];
        match self.globals.get(name).map(Vec::as_slice) {
            Some([only]) => {
                // Another directory's function, while this file sees a function-like
                // macro of that name (mt76's `mt76_wr()` vs mt7601u's function).
                let elsewhere = self.dirs[only.0 as usize] != dir;
                (!(elsewhere && self.sees_function_macro(file, name))).then_some(*only)
            }
            Some(many) => {
                let mut here = many.iter().filter(|id| self.dirs[id.0 as usize] == dir);
                match (here.next(), here.next()) {
                    (Some(&one), None) => Some(one),
                    _ => None,
                }
            }
            None => None,
        }
    }

    /// Whether `file` or a header it includes defines a function-like macro `name`.
    fn sees_function_macro(&self, file: u32, name: &str) -> bool {
        if !self.fn_macro_names.contains(name) {
            return false;
        }
        self.decls.visible(file).iter().any(|&f| {
            self.files[f as usize]
                .decls
                .fn_macros
                .iter()
                .any(|m| &**m == name)
        })
    }

    /// Resolves a call like [`Program::resolve`], and only to a function whose
    /// parameter count matches the call's arguments (two drivers' functions of one name,
    /// or a header macro of another driver's function's name, are not confused).
    pub fn resolve_call(&self, file: u32, call: &crate::facts::Call) -> Option<FunctionId> {
        let id = self.resolve(file, &call.callee)?;
        let arity = self.function(id).arity;
        (arity == u32::MAX || arity == u32::from(call.arg_count)).then_some(id)
    }

    /// Whether `call` in `file` certainly calls a function, not a function-like macro:
    /// it resolves to one of the program's (direct, parameter count matching) and no
    /// macro of its name is visible from `file`.
    pub fn calls_function(&self, file: u32, call: &crate::facts::Call) -> bool {
        !call.indirect
            && self.resolve_call(file, call).is_some()
            && !self.sees_function_macro(file, &call.callee)
    }

    /// Whether the run defines a function `name` visible from `file` (even one that
    /// does not resolve: ambiguous, or of another arity). Such a name is the checked
    /// code's own, never a kernel summary's.
    pub fn defines(&self, file: u32, name: &str) -> bool {
        self.globals.contains_key(name) || self.statics.contains_key(&(file, name))
    }

    /// Each file's directory, as a number (files of one directory share it).
    pub fn directories(&self) -> &[u32] {
        &self.dirs
    }

    pub fn function(&self, id: FunctionId) -> &'a crate::facts::Function {
        &self.files[id.0 as usize].functions[id.1 as usize]
    }

    pub fn file(&self, id: FunctionId) -> &'a FileFacts {
        &self.files[id.0 as usize]
    }

    /// Per file, the number of its first function over the run (files in run order,
    /// functions in file order); one more entry at the end: the run's function count.
    pub fn first_function_numbers(&self) -> Vec<u32> {
        let mut first = Vec::with_capacity(self.files.len() + 1);
        let mut n = 0u32;
        for f in self.files {
            first.push(n);
            n += f.functions.len() as u32;
        }
        first.push(n);
        first
    }

    /// Every function of the run, file by file.
    pub fn function_ids(&self) -> impl Iterator<Item = FunctionId> + '_ {
        self.files
            .iter()
            .enumerate()
            .flat_map(|(fi, f)| (0..f.functions.len() as u32).map(move |i| (fi as u32, i)))
    }
}
