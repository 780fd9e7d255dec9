//! Atomic context across functions and files.
//!
//! Over the facts of every file of the run, and the program's call resolution:
//!
//! 1. *lock states* of every function (parallel), entered with its `__must_hold()`
//!    sections, then again for callers of *lock wrappers* (functions that return with a
//!    lock held, or release one they did not take) until no effect changes;
//! 2. *gfp sinks*: which `gfp_t` parameters reach an allocator (bottom-up fixpoint);
//! 3. *sleep sites* of each function: calls that sleep by themselves, or that pass
//!    sleeping flags into a gfp sink; and *may-sleep* summaries: a function sleeps if it
//!    has a sleep site, or calls a function that sleeps, outside its own atomic sections
//!    (bottom-up fixpoint);
//! 4. *atomic reasons* (top-down): a function is atomic if it is registered as an atomic
//!    entry point, called with a section held, or called from an atomic function.
//!    Reasons are only propagated into functions that may sleep: elsewhere they could
//!    not produce a finding. Each bug is then reported once, at its sleep site.

use std::collections::VecDeque;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rayon::prelude::*;

use super::headers::{self, KernelHeaders};
use super::lockstate::{self, LockEffect, LockStates};
use super::per_function::PerFunction;
use super::sleep::{
    FlagUse, OwnSleep, flag_use_of_text, flag_use_of_text_in, gfp_argument, own_sleep_in,
};
use crate::consteval;
use crate::decl_index::FileEnv;
use crate::facts::{DerivedFrom, FieldVal, Function, Span};
use crate::kbuild::BuildFacts;
use crate::knowledge::Knowledge;
use crate::program::{FunctionId, Program};
use crate::summaries::Summaries;
use crate::target::Target;
use crate::values::{self, Derive, Lifted, Pred, Test, Val};

/// How many distinct atomic reasons a function keeps (the report lists up to these).
pub const MAX_REASONS: usize = 4;
/// How many calls deep atomic context is followed from where it starts (an entry point,
/// or a call made with a section held). Every link of a chain is a chance for a wrong
/// resolution or an infeasible path; on the 6.1 drivers/ tree, chains longer than this
/// were mostly wrong, so they are not reported (see the README's precision notes).
pub const MAX_CHAIN_DEPTH: u32 = 4;

/// For each function, its `gfp_t` parameters (by index) that reach an allocation,
/// with that allocation (function, call index).
pub type GfpSinks = HashMap<FunctionId, Vec<(u32, (FunctionId, u32))>>;

/// Parameter tests that must all come out as recorded.
pub type Clause = Vec<Test>;

/// Known values of a function's parameters on one atomic path: (parameter, value).
pub type Bindings = Vec<(u32, Val)>;

/// At most this many clauses per function; more collapse to "always" (the empty clause).
const MAX_CLAUSES: usize = 8;

/// Adds a clause to a function's may-sleep summary; true if the summary changed.
fn add_clause(
    map: &mut HashMap<FunctionId, Vec<Clause>>,
    id: FunctionId,
    mut clause: Clause,
) -> bool {
    clause.sort();
    clause.dedup();
    // A clause whose tests contradict each other (`p` tested both ways, or equal to two
    // different constants) cannot hold.
    if !values::satisfiable(&clause) {
        return false;
    }
    let clauses = map.entry(id).or_default();
    // Already implied by a weaker clause (a subset of this one)?
    if clauses.iter().any(|c| c.iter().all(|t| clause.contains(t))) {
        return false;
    }
    clauses.retain(|c| !clause.iter().all(|t| c.contains(t)));
    clauses.push(clause);
    if clauses.len() > MAX_CLAUSES {
        *clauses = vec![Vec::new()];
    }
    true
}

/// What an argument of a call is, seen from the callee.
pub enum ArgIs {
    Value(Val),
    /// The caller's parameter with this index, value unknown.
    Param(u32),
    /// Computed from the caller's parameter with this index (`wait_ms > 0`).
    Derived(u32, Derive),
    /// The address of a local struct of the caller whose fields are partly known
    /// (`&cmd` after `struct cmd cmd = { .flags = flags };`).
    Object(ObjectFields),
    Unknown,
}

/// What calls may write of an object: these top-level members, and (`own`) every
/// member that is not a private struct's (`facts::PRIVATE_PASS`).
#[derive(Default)]
struct Written {
    members: Vec<Box<str>>,
    own: bool,
}

impl Written {
    fn covers(&self, member: &str) -> bool {
        (self.own && !member.contains(crate::facts::PRIVATE_MARK))
            || self.members.iter().any(|m| **m == *member)
    }
}

/// What a callee's fields of a local object passed by address can be, with values
/// and derivations resolved in the caller's file.
pub struct ObjectFields {
    /// (path, the values it may have: one of them; empty when unknown).
    pub fields: Vec<(Box<str>, Vec<ArgIs>)>,
    /// Fields no entry overlaps are zero (a brace initializer).
    pub zero_rest: bool,
    /// The object is the caller's parameter's (what its tests said of some fields at
    /// the call): a test of anything else is a test of that parameter.
    pub base: Option<Box<ArgIs>>,
    /// Top-level members whose field paths are all in `fields`, each with what
    /// overlaps it taken into account (the object's type read): a path of theirs
    /// not there is unknown.
    pub exact: Vec<Box<str>>,
    /// The caller's own facts of some field hold on every path to the call (the
    /// pointer was dereferenced on each, or is a local struct's address): not NULL,
    /// unlike a local that only holds a call's result (`stored_by`).
    pub non_null: bool,
}

impl ObjectFields {
    /// The fields whose every possible value is known, as a binding's value.
    fn known_fields(&self) -> Option<Val> {
        let fields: Vec<(Box<str>, Vec<Val>)> = self
            .fields
            .iter()
            .filter(|(_, vals)| !vals.is_empty())
            .filter_map(|(path, vals)| {
                let vals = vals
                    .iter()
                    .map(|v| match v {
                        ArgIs::Value(v) if !matches!(v, Val::Fields(..)) => Some(v.clone()),
                        _ => None,
                    })
                    .collect::<Option<Vec<Val>>>()?;
                Some((path.clone(), vals))
            })
            .collect();
        (!fields.is_empty()).then(|| {
            Val::Fields(Box::new(crate::values::KnownFields(
                fields,
                self.exact.clone(),
            )))
        })
    }

    /// The values field `path` may have (`None`: unknown).
    fn values(&self, path: &str) -> Option<&[ArgIs]> {
        let member = path.split('.').next().unwrap_or(path);
        if self.exact.iter().any(|m| **m == *member) {
            return match self.fields.iter().find(|(p, _)| **p == *path) {
                Some((_, vals)) if !vals.is_empty() => Some(vals),
                _ => None,
            };
        }
        let mut found = None;
        for (p, vals) in &self.fields {
            if **p == *path {
                found = Some(vals.as_slice());
            } else if crate::facts::paths_overlap(p, path) {
                return None;
            }
        }
        match found {
            Some([]) => None,
            Some(v) => Some(v),
            None if self.zero_rest => Some(&ZERO),
            None => None,
        }
    }
}

static ZERO: [ArgIs; 1] = [ArgIs::Value(Val::Int(0))];

/// A callee's test `pred` (recorded as `holds`) of an argument that is `arg`: what it
/// says of the caller (`Ok(None)`: nothing known; `Err(())`: it cannot come out so).
fn lift_test(arg: &ArgIs, t: &Test) -> Result<Option<Test>, ()> {
    match arg {
        ArgIs::Value(v) => {
            if t.eval(v) == Some(false) {
                return Err(());
            }
            Ok(None)
        }
        ArgIs::Param(p) => Ok(Some(Test {
            param: *p,
            ..t.clone()
        })),
        ArgIs::Derived(p, d) => match d.lift(&t.pred, t.holds) {
            Lifted::Never => Err(()),
            Lifted::Unknown => Ok(None),
            Lifted::Test(pred, holds) => Ok(Some(Test {
                param: *p,
                pred,
                holds,
            })),
        },
        ArgIs::Object(obj) => {
            let Pred::Field(path, inner) = &t.pred else {
                if let Some(base) = &obj.base {
                    return lift_test(base, t);
                }
                // The address of an object is non-zero.
                return lift_test(&ArgIs::Value(Val::NonZero), t);
            };
            let Some(values) = obj.values(path) else {
                return match &obj.base {
                    Some(base) => lift_test(base, t),
                    None => Ok(None),
                };
            };
            let inner = Test {
                param: t.param,
                pred: (**inner).clone(),
                holds: t.holds,
            };
            // The field has one of these values: the test says something of the
            // caller only when every value that lets it come out says the same.
            let mut said: Option<Option<Test>> = None;
            for v in values {
                match lift_test(v, &inner) {
                    Err(()) => {}
                    Ok(x) => match &said {
                        Some(y) if y.as_ref().map(Test::plain) == x.as_ref().map(Test::plain) => {}
                        None => said = Some(x),
                        Some(_) => return Ok(None),
                    },
                }
            }
            match said {
                None => Err(()),
                Some(x) => Ok(x),
            }
        }
        ArgIs::Unknown => Ok(None),
    }
}

/// A callee's clause seen from a call: `None` if a known argument value contradicts
/// it; otherwise the tests that become tests of the caller's own parameters (arguments
/// passed through unchanged); tests of other arguments are assumed satisfiable.
pub fn lift_clause(clause: &Clause, arg: &mut dyn FnMut(u32) -> ArgIs) -> Option<Clause> {
    let mut lifted = Vec::new();
    for t in clause {
        match lift_test(&arg(t.param), t) {
            Err(()) => return None,
            Ok(Some(l)) => lifted.push(l),
            Ok(None) => {}
        }
    }
    Some(lifted)
}

/// Whether some direct caller of `holder` passes values under which the call `e`,
/// made with a section held on the paths that tested `guards`, sleeps. When every way
/// it sleeps needs values of `holder`'s own parameters (the lock taken only `if
/// (uselocks)`, the callee sleeping only `if (nobusyloop)`) and every caller's
/// arguments rule each way out, the section is never held across a sleep. True when
/// nothing needs the parameters, or `holder` has no direct caller in the run.
fn callers_allow(
    holder: FunctionId,
    e: &Edge,
    guards: &[Test],
    may_sleep: &MaySleep,
    callers: &Callers,
    locks: &[Vec<LockStates>],
    resolver: &mut Resolver,
) -> bool {
    let sites = callers.of(holder);
    if sites.is_empty() {
        return true;
    }
    let none = Bindings::new();
    let mut needs: Vec<Clause> = Vec::new();
    for clause in may_sleep.get(&e.callee).map(Vec::as_slice).unwrap_or(&[]) {
        let mut arg = |p: u32| resolver.arg(holder, e.call, p, &none);
        if let Some(mut need) = lift_clause(clause, &mut arg) {
            need.extend_from_slice(guards);
            if need.is_empty() {
                return true;
            }
            if values::satisfiable(&need) {
                needs.push(need);
            }
        }
    }
    sites.iter().any(|&(caller, call)| {
        let ls = &locks[caller.0 as usize][caller.1 as usize];
        let at_call = resolver.tests(caller, ls.guards_at(call));
        let passed = resolver.callee_bindings(caller, call, &at_call, &none);
        needs.iter().any(|need| consistent(need, &passed))
    })
}

/// Whether the callee of edge `e` may sleep given what the call passes it, where that
/// depends on the fields of an object it is given (`send(d, &cmd)` with `cmd.flags`
/// set to what makes `send()` not wait): parameter values alone, the bindings, cannot
/// say it.
fn fields_allow(
    may_sleep: &MaySleep,
    resolver: &mut Resolver,
    caller: FunctionId,
    e: &Edge,
    bindings: &Bindings,
) -> bool {
    let Some(clauses) = may_sleep.get(&e.callee) else {
        return true;
    };
    let on_fields = |c: &Clause| c.iter().any(|t| matches!(t.pred, Pred::Field(..)));
    if !clauses.iter().any(on_fields) {
        return true;
    }
    clauses.iter().any(|clause| {
        let mut arg = |p: u32| resolver.arg(caller, e.call, p, bindings);
        lift_clause(clause, &mut arg).is_some()
    })
}

/// Whether tests `guards` can hold given known parameter values.
pub fn consistent(guards: &[Test], bindings: &Bindings) -> bool {
    guards.iter().all(|t| {
        bindings
            .iter()
            .find(|(p, _)| *p == t.param)
            .is_none_or(|(_, v)| t.eval(v) != Some(false))
    })
}

/// Values a function's parameters have, as fixed by `guards` (`mode == FOO` held,
/// `if (skb)`: non-zero).
fn fixed_by(guards: &[Test]) -> impl Iterator<Item = (u32, Val)> + '_ {
    guards.iter().filter_map(|t| match (&t.pred, t.holds) {
        (Pred::Eq(v), true) => Some((t.param, v.clone())),
        (Pred::NonZero, false) => Some((t.param, Val::Int(0))),
        (Pred::NonZero, true) => Some((t.param, Val::NonZero)),
        _ => None,
    })
}

/// Resolves constant names (`#define`s, enumerators) to integers, per file.
pub struct Resolver<'p> {
    program: &'p Program<'p>,
    target: &'p Target,
    /// How each file is built: a string literal of a built-in-only file is in the
    /// kernel image's `.rodata` ([`Val::RodataStr`]).
    build: Option<&'p BuildFacts>,
    envs: HashMap<u32, FileEnv<'p>>,
    headers: &'p KernelHeaders,
    /// Names (and expressions) resolved through the headers, per file.
    from_headers: HashMap<(u32, Val), Val>,
    /// Per file, the environment reading types, also from the kernel tree's headers.
    type_envs: HashMap<u32, FileEnv<'p>>,
    /// Object arguments' fields with their type read, by (function, call, argument).
    typed: HashMap<(u32, u32, u32, u32), Option<TypedFields>>,
}

/// An object argument's fields with its type read, and the top-level members they
/// cover exactly ([`ObjectFields::exact`]).
type TypedFields = (Vec<(Box<str>, Vec<FieldVal>)>, Vec<Box<str>>);

/// A name's resolved value keeps the name (see `Val::Const`); an expression is its value.
fn resolved_as(v: Val, k: i64) -> Val {
    match v {
        Val::Name(name) => Val::Const(name, k),
        _ => Val::Int(k),
    }
}

/// A file's environment, then its kernel tree's headers.
struct WithHeaders<'e> {
    file: &'e FileEnv<'e>,
    headers: &'e KernelHeaders,
    closure: &'e headers::ClosureSet,
}

impl consteval::Env for WithHeaders<'_> {
    fn define(&self, name: &str) -> Option<&str> {
        self.file
            .define(name)
            .or_else(|| self.headers.lookup(self.closure, name))
    }
    fn constant(&self, name: &str) -> Option<i128> {
        self.file.constant(name)
    }
    fn sizeof_type(&self, ty: &str, ev: &consteval::Evaluator) -> Option<u64> {
        self.file.sizeof_type(ty, ev)
    }
    fn page_shift(&self) -> u32 {
        self.file.page_shift()
    }
}

impl<'p> Resolver<'p> {
    /// `headers`: the run's (shared by every resolver of the run).
    pub fn new(program: &'p Program<'p>, target: &'p Target, headers: &'p KernelHeaders) -> Self {
        Resolver {
            program,
            target,
            build: None,
            envs: HashMap::default(),
            headers,
            from_headers: HashMap::default(),
            type_envs: HashMap::default(),
            typed: HashMap::default(),
        }
    }

    /// This resolver, knowing how each file is built.
    pub fn with_build(mut self, build: &'p BuildFacts) -> Self {
        self.build = Some(build);
        self
    }

    /// A value as the constants of `file` resolve it (`FOO_DONE` to its integer).
    pub fn resolved(&mut self, file: u32, v: Val) -> Val {
        self.value(file, v)
    }

    fn value(&mut self, file: u32, v: Val) -> Val {
        if matches!(v, Val::Str | Val::Text(_)) && self.builtin_only(file) {
            return Val::RodataStr;
        }
        if !matches!(v, Val::Name(_) | Val::Expr(_)) {
            return v;
        }
        let program = self.program;
        let target = self.target;
        let env = self
            .envs
            .entry(file)
            .or_insert_with(|| FileEnv::new(&program.decls, program.knowledge, target, file));
        let mut eval = |n: &str| consteval::eval(n, &*env).and_then(|x| i64::try_from(x).ok());
        let known = match &v {
            Val::Name(name) => values::resolve_name(name, &mut eval),
            Val::Expr(text) => eval(text),
            _ => None,
        };
        if let Some(k) = known {
            return resolved_as(v, k);
        }
        // Not in the run: the kernel tree's own headers may define it.
        if let Some(known) = self.from_headers.get(&(file, v.clone())) {
            return known.clone();
        }
        let key = (file, v.clone());
        let resolved = self.value_from_headers(file, v);
        self.from_headers.insert(key, resolved.clone());
        resolved
    }

    fn value_from_headers(&mut self, file: u32, v: Val) -> Val {
        let program = self.program;
        let env = &self.envs[&file];
        let facts = &program.files[file as usize];
        let closure = self
            .headers
            .closure(file, &facts.path, &facts.decls.include_lines);
        if closure.is_empty() {
            return v;
        }
        let chained = WithHeaders {
            file: env,
            headers: self.headers,
            closure: &closure,
        };
        let mut eval = |n: &str| consteval::eval(n, &chained).and_then(|x| i64::try_from(x).ok());
        let known = match &v {
            Val::Name(name) => values::resolve_name(name, &mut eval),
            Val::Expr(text) => eval(text),
            _ => None,
        };
        match known {
            Some(k) => resolved_as(v, k),
            None => v,
        }
    }

    /// Whether `file` is built into the kernel image only (never a module).
    fn builtin_only(&self, file: u32) -> bool {
        let path = &self.program.files[file as usize].path;
        self.build
            .and_then(|b| b.get(path))
            .is_some_and(|b| b.builtin_only)
    }

    /// The bits a function-like macro visible from `file` always sets, whatever its
    /// arguments (`#define MAKE_FLAGS(len) (FIELD_PREP(M, len) | FOO_NB)`).
    fn macro_bits(&mut self, file: u32, name: &str) -> Option<i64> {
        use consteval::Env;
        let program = self.program;
        let target = self.target;
        let env = self
            .envs
            .entry(file)
            .or_insert_with(|| FileEnv::new(&program.decls, program.knowledge, target, file));
        let bits = env.define(&format!("{name}(|)"))?;
        consteval::eval(bits, &*env)
            .and_then(|x| i64::try_from(x).ok())
            .filter(|&m| m != 0)
    }

    /// A derivation of a function of `file`, with its constant resolved there.
    fn derive(&mut self, file: u32, d: &Derive) -> Derive {
        d.map_val(&mut |v| self.value(file, v.clone()))
    }

    /// `guards` of function `f`, with names resolved in its file. A test of a field
    /// kept across calls given the parameter (`facts::unwritten_path`) is kept, as a
    /// plain field test, only when none of those callees writes that member.
    pub fn tests(&mut self, f: FunctionId, guards: &[Test]) -> Vec<Test> {
        guards
            .iter()
            .filter_map(|t| {
                let t = match &t.pred {
                    Pred::Field(path, inner) => match crate::facts::strip_unwritten(path) {
                        Some((passes, plain)) if self.unwritten(f, passes, plain) => Test {
                            pred: Pred::Field(plain.into(), inner.clone()),
                            ..t.clone()
                        },
                        Some(_) => return None,
                        None => t.clone(),
                    },
                    _ => t.clone(),
                };
                let pred = t.pred.map_val(&mut |v| self.value(f.0, v.clone()));
                Some(Test { pred, ..t })
            })
            .collect()
    }

    /// Whether the program functions `f` gives a parameter (or its private struct)
    /// to, as it is, at the calls `passes` names (`FunctionValues::soft_passes`), leave
    /// the top-level member of `path` as it was, following what they give it to in
    /// turn. A callee the run does not define may write anything, except the fields of
    /// a driver's private struct, which the kernel's own functions do not know.
    fn unwritten(&self, f: FunctionId, passes: u64, path: &str) -> bool {
        let program = self.program;
        let func = program.function(f);
        let member = path.split('.').next().unwrap_or(path);
        let all = func.values.as_ref().map_or(&[][..], |v| &v.soft_passes[..]);
        (0..64).filter(|k| passes & (1u64 << k) != 0).all(|k| {
            let Some(&(p, call, arg)) = all.get(k) else {
                return false;
            };
            self.pass_writes(f, p, call, arg, 0)
                .is_some_and(|w| !w.covers(member))
        })
    }

    /// What a call of `f` given its parameter (`p`; with `PRIVATE_PASS`, the
    /// parameter's private struct; with `VIEW_PASS`, its object as another type) as
    /// argument `arg` may write of the parameter's object, in `f`'s terms (private
    /// members with their prefix). `None`: anything.
    fn pass_writes(&self, f: FunctionId, p: u8, call: u32, arg: u8, depth: u32) -> Option<Written> {
        let program = self.program;
        let func = program.function(f);
        let c = func.calls.get(call as usize)?;
        // The private struct's fields are the parameter's under this prefix.
        let prefix: Option<Box<str>> = if p & crate::facts::PRIVATE_PASS != 0 {
            match func.derived_arg(call, u32::from(arg)).map(|d| &d.derive) {
                Some(Some(Derive::Within { prefix, .. })) => Some(prefix.clone()),
                _ => return None,
            }
        } else {
            None
        };
        let Some(g) = program.resolve_call(f.0, c) else {
            // A macro of the file that only reads fields through the argument.
            let decls = &program.files[f.0 as usize].decls;
            if arg < 64
                && decls
                    .reading_macros
                    .iter()
                    .any(|(name, mask)| **name == *c.callee && mask & (1 << arg) != 0)
            {
                return Some(Written::default());
            }
            // Elsewhere in the kernel: the object's own members, not its private struct.
            return prefix.is_none().then(|| Written {
                members: Vec::new(),
                own: true,
            });
        };
        let mut w = self.members_written(g, u32::from(arg), depth + 1)?;
        // Through another type of the object: a write of any of its members may be
        // a write of any of the parameter's.
        if p & crate::facts::VIEW_PASS != 0 && (w.own || !w.members.is_empty()) {
            return None;
        }
        if let Some(prefix) = prefix {
            if w.own {
                return None;
            }
            for m in &mut w.members {
                *m = format!("{prefix}{m}").into();
            }
        }
        Some(w)
    }

    /// The members of the object `g`'s parameter `param` points to that `g` may
    /// write, itself or through the calls it gives the pointer to (a few deep).
    fn members_written(&self, g: FunctionId, param: u32, depth: u32) -> Option<Written> {
        const MAX_DEPTH: u32 = 4;
        if param >= 64 || depth > MAX_DEPTH {
            return None;
        }
        let w = self.program.function(g).writes();
        let bit = 1u64 << param;
        if w.any & bit != 0 {
            return None;
        }
        let mut out = Written {
            members: w
                .members
                .iter()
                .filter(|(p, _)| u32::from(*p) == param)
                .map(|(_, m)| m.clone())
                .collect(),
            own: false,
        };
        if w.passed & bit != 0 {
            let mut found = false;
            for &(p, call, arg) in &w.passes {
                if u32::from(crate::facts::pass_param(p)) != param {
                    continue;
                }
                found = true;
                let more = self.pass_writes(g, p, call, arg, depth)?;
                out.own |= more.own;
                out.members.extend(more.members);
            }
            if !found {
                return None;
            }
        }
        Some(out)
    }

    /// What argument `arg` of call `call` in `caller` is, given the caller's
    /// parameter values `bindings` on the path.
    pub fn arg(&mut self, caller: FunctionId, call: u32, arg: u32, bindings: &Bindings) -> ArgIs {
        self.arg_in(caller, call, arg, bindings, true)
    }

    /// `arg`, following a call's result passed as the argument (`through_calls`) one
    /// level: `helper(nowait_of(flags))` with `nowait_of` returning `flags & F`.
    fn arg_in(
        &mut self,
        caller: FunctionId,
        call: u32,
        arg: u32,
        bindings: &Bindings,
        through_calls: bool,
    ) -> ArgIs {
        let program = self.program;
        let f = program.function(caller);
        let c = &f.calls[call as usize];
        // (What a binding says of a parameter's object holds as the function was
        // entered, not at a later call: only the caller's own facts at the call, the
        // object argument below, say what the callee is given.)
        let bound = |q: u32| {
            bindings
                .iter()
                .find(|(p, _)| *p == q)
                .map(|(_, v)| v)
                .filter(|v| !matches!(v, Val::Fields(..)))
        };
        if let Some(obj) = f.object_arg(call, arg) {
            let typed = obj
                .history
                .as_ref()
                .and_then(|h| self.typed_fields(caller, call, arg, obj, h));
            let (known, exact) = match &typed {
                Some((known, exact)) => (known.as_slice(), exact.clone()),
                None => (obj.fields.as_slice(), Vec::new()),
            };
            let mut fields = Vec::with_capacity(known.len());
            for (path, vals) in known {
                // Known before calls given the object: only if they leave it alone.
                let path = match crate::facts::strip_unwritten(path) {
                    Some((passes, plain)) if self.unwritten(caller, passes, plain) => plain.into(),
                    Some(_) => continue,
                    None => path.clone(),
                };
                let mut out = Vec::with_capacity(vals.len());
                for v in vals {
                    out.push(match v {
                        FieldVal::Val(v) => ArgIs::Value(self.value(caller.0, v.clone())),
                        FieldVal::Param(q) => match bound(u32::from(*q)) {
                            Some(v) => ArgIs::Value(v.clone()),
                            None => ArgIs::Param(u32::from(*q)),
                        },
                        FieldVal::Derived(q, d) => {
                            let d = self.derive(caller.0, d);
                            match bound(u32::from(*q)) {
                                Some(v) => d.apply(v).map_or(ArgIs::Unknown, ArgIs::Value),
                                None => ArgIs::Derived(u32::from(*q), d),
                            }
                        }
                        FieldVal::Has(mask) => match self.value(caller.0, mask.clone()).int_of() {
                            Some(m) if m != 0 => ArgIs::Value(Val::HasBits(m)),
                            _ => ArgIs::Unknown,
                        },
                    });
                }
                fields.push((path, out));
            }
            if let Some(stored) = &obj.stored_by {
                self.stored_fields(caller, stored, bindings, &mut fields);
            }
            let base = c.param_at(arg).map(|q| {
                Box::new(match bound(q) {
                    Some(v) => ArgIs::Value(v.clone()),
                    None => ArgIs::Param(q),
                })
            });
            return ArgIs::Object(ObjectFields {
                fields,
                zero_rest: obj.zero_rest,
                base,
                exact,
                non_null: !obj.fields.is_empty(),
            });
        }
        if let Some(v) = f.arg_value(call, arg) {
            return ArgIs::Value(self.value(caller.0, v));
        }
        if let Some(q) = c.param_at(arg) {
            return match bound(q) {
                Some(v) => ArgIs::Value(v.clone()),
                None => ArgIs::Param(q),
            };
        }
        let Some(d) = f.derived_arg(call, arg) else {
            return ArgIs::Unknown;
        };
        // (value it derives from, derivation, file the derivation's names are in)
        let (from, derive, file) = match (&d.from, &d.derive) {
            (DerivedFrom::Param(q), Some(derive)) => {
                let derive = match derive {
                    Derive::Field(path) => match crate::facts::strip_unwritten(path) {
                        Some((passes, plain)) if self.unwritten(caller, passes, plain) => {
                            Derive::Field(plain.into())
                        }
                        Some(_) => return ArgIs::Unknown,
                        None => derive.clone(),
                    },
                    // What the calls given the struct or its parameter before this
                    // one may write of it joins what the caller wrote.
                    Derive::Within {
                        prefix,
                        written,
                        passes,
                    } => {
                        let mut written = written.clone();
                        let all = f.values.as_ref().map_or(&[][..], |v| &v.soft_passes[..]);
                        for k in (0..64).filter(|k| passes & (1u64 << k) != 0) {
                            let Some(&(p, call, arg)) = all.get(k) else {
                                return ArgIs::Unknown;
                            };
                            let Some(w) = self.pass_writes(caller, p, call, arg, 0) else {
                                return ArgIs::Unknown;
                            };
                            written.extend(w.members);
                        }
                        Derive::Within {
                            prefix: prefix.clone(),
                            written,
                            passes: 0,
                        }
                    }
                    _ => derive.clone(),
                };
                (ArgIs::Param(u32::from(*q)), derive, caller.0)
            }
            (DerivedFrom::Call(inner), None) if through_calls => {
                let inner_call = &f.calls[*inner as usize];
                let Some(g) = program.resolve_call(caller.0, inner_call) else {
                    // Not a function: a macro that sets some bits whatever its arguments?
                    return match self.macro_bits(caller.0, &inner_call.callee) {
                        Some(m) => ArgIs::Value(Val::HasBits(m)),
                        None => ArgIs::Unknown,
                    };
                };
                let Some((j, derive)) = program.function(g).returns().cloned() else {
                    return ArgIs::Unknown;
                };
                let from = self.arg_in(caller, *inner, u32::from(j), bindings, false);
                (from, derive, g.0)
            }
            _ => return ArgIs::Unknown,
        };
        let derive = self.derive(file, &derive);
        match from {
            ArgIs::Param(q) => match bound(q) {
                Some(v) => derive.apply(v).map_or(ArgIs::Unknown, ArgIs::Value),
                None => ArgIs::Derived(q, derive),
            },
            ArgIs::Value(v) => derive.apply(&v).map_or(ArgIs::Unknown, ArgIs::Value),
            _ => ArgIs::Unknown,
        }
    }

    /// The fields of object argument `obj` (argument `arg` of call `call` in
    /// `caller`) with its type read: the paths of each top-level member its names
    /// cannot tell apart (`ObjectHistory::undecided_members`) computed again with
    /// their real overlap, every path of the member listed (those members returned
    /// as exact). `None`: a type or member not known, so the names' answer stands.
    fn typed_fields(
        &mut self,
        caller: FunctionId,
        call: u32,
        arg: u32,
        obj: &crate::facts::ObjectArg,
        history: &crate::facts::ObjectHistory,
    ) -> Option<TypedFields> {
        // Paths per object at most (a member is a few scalars or bit-fields).
        const MAX_TYPED_PATHS: usize = 64;
        let key = (caller.0, caller.1, call, arg);
        if let Some(known) = self.typed.get(&key) {
            return known.clone();
        }
        let program = self.program;
        let (target, headers) = (self.target, self.headers);
        let file = caller.0;
        let env = self.type_envs.entry(file).or_insert_with(|| {
            FileEnv::new(&program.decls, program.knowledge, target, file).with_headers(
                headers,
                file,
                &program.files[file as usize].path,
            )
        });
        let members = history.undecided_members();
        let top = |p: &str| p.split('.').next().unwrap_or(p).to_string();
        let computed = (|| {
            let mut fields: Vec<(Box<str>, Vec<FieldVal>)> = obj
                .fields
                .iter()
                .filter(|(p, _)| !members.contains(&top(p).as_str()))
                .cloned()
                .collect();
            let mut overlap = |w: &str, q: &str| env.field_overlap(&history.ty, w, q);
            let mut count = 0;
            for &m in &members {
                let mut paths = env.member_paths(&history.ty, m, MAX_TYPED_PATHS)?;
                for (p, _) in &obj.fields {
                    if top(p) == m && !paths.iter().any(|q| **q == **p) {
                        paths.push(p.to_string());
                    }
                }
                count += paths.len();
                if count > MAX_TYPED_PATHS {
                    return None;
                }
                for q in paths {
                    let vals = history.values(&q, &mut overlap).unwrap_or_default();
                    fields.push((q.into(), vals));
                }
            }
            Some((fields, members.iter().map(|&m| Box::from(m)).collect()))
        })();
        self.typed.insert(key, computed.clone());
        computed
    }

    /// Adds to `fields` (an object argument's, in `caller`) what the callee of the call
    /// that returned the object stored into it (`ObjectArg::stored_by`), in the
    /// caller's terms: a parameter of the callee is the argument the call gave it.
    /// Members written since, and fields the caller's own facts already say, are left
    /// out.
    fn stored_fields(
        &mut self,
        caller: FunctionId,
        stored: &crate::facts::StoredBy,
        bindings: &Bindings,
        fields: &mut Vec<(Box<str>, Vec<ArgIs>)>,
    ) {
        let program = self.program;
        let f = program.function(caller);
        let Some(returning) = f.calls.get(stored.call as usize) else {
            return;
        };
        let Some(g) = program.resolve_call(caller.0, returning) else {
            return;
        };
        let top = |path: &str| path.split('.').next().unwrap_or(path).to_string();
        for (path, vals) in program.function(g).returned_stores() {
            let member = top(path);
            if stored.written.iter().any(|w| **w == *member)
                || fields
                    .iter()
                    .any(|(p, _)| p == path || crate::facts::paths_overlap(p, path))
            {
                continue;
            }
            let mut out = Vec::with_capacity(vals.len());
            for v in vals {
                out.push(match v {
                    FieldVal::Val(v) => ArgIs::Value(self.value(g.0, v.clone())),
                    FieldVal::Param(k) => {
                        match self.arg_in(caller, stored.call, u32::from(*k), bindings, false) {
                            a @ (ArgIs::Value(_) | ArgIs::Param(_) | ArgIs::Derived(..)) => a,
                            _ => ArgIs::Unknown,
                        }
                    }
                    FieldVal::Has(mask) => match self.value(g.0, mask.clone()).int_of() {
                        Some(m) if m != 0 => ArgIs::Value(Val::HasBits(m)),
                        _ => ArgIs::Unknown,
                    },
                    // Not made for returned objects.
                    FieldVal::Derived(..) => ArgIs::Unknown,
                });
            }
            fields.push((path.clone(), out));
        }
    }

    /// The callee's known parameter values at a call: constant arguments, and the
    /// caller's parameters whose values are known (`bindings`, or fixed by tests on
    /// every path to the call: `if (mode == FOO) helper(mode)`).
    pub fn callee_bindings(
        &mut self,
        caller: FunctionId,
        call: u32,
        guards: &[Test],
        bindings: &Bindings,
    ) -> Bindings {
        let mut known: Bindings = bindings.clone();
        for (p, v) in fixed_by(guards) {
            if !known.iter().any(|(q, _)| *q == p) {
                known.push((p, v));
            }
        }
        let n = u32::from(self.program.function(caller).calls[call as usize].arg_count).min(32);
        let mut out = Bindings::new();
        for a in 0..n {
            match self.arg(caller, call, a, &known) {
                ArgIs::Value(v) => out.push((a, v)),
                ArgIs::Object(obj) => {
                    // With no field fully known, still what the pointer is: a local
                    // the caller dereferenced is non-zero (`p->id = id; start(p)`), a
                    // parameter's object the parameter's value.
                    let v = obj.known_fields().or_else(|| match obj.base.as_deref() {
                        None if obj.non_null => Some(Val::NonZero),
                        None => None,
                        Some(ArgIs::Value(v)) => Some(v.clone()),
                        Some(_) => None,
                    });
                    if let Some(v) = v {
                        out.push((a, v));
                    }
                }
                _ => {}
            }
        }
        out
    }
}

/// A call that sleeps, in its function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SleepSite {
    pub call: u32,
    pub kind: SleepKind,
    /// Tests of the function's own parameters under which the call sleeps (a
    /// summarised kernel API that sleeps only for some argument values, passed one of
    /// this function's parameters); empty: whenever the call is reached.
    pub when: Clause,
    /// Evidence beyond the function's own code (the chain inside the kernel of a
    /// summarised API), for the finding's notes.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SleepKind {
    Own(OwnSleep),
    /// Passes sleeping flags (`flags`) to `callee`, whose parameter reaches an allocator
    /// at `sink` (function, call index in it).
    PassesGfp {
        flags: String,
        callee: FunctionId,
        sink: (FunctionId, u32),
    },
}

/// Why a function runs in atomic context.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AtomicReason {
    /// Registered as an atomic callback.
    Entry {
        context: String,
        kind: crate::knowledge::EntryKind,
        registrar: String,
        file: u32,
        span: Span,
    },
    /// Called at `call` in `caller` with a section held there.
    CalledWithHeld {
        caller: FunctionId,
        call: u32,
        section: String,
        acquired_line: u32,
        certain: bool,
        /// The callee's parameter values known at this call.
        bindings: Bindings,
    },
    /// Called at `call` in `caller`, which is itself atomic because of its reason
    /// number `via`.
    CalledFromAtomic {
        caller: FunctionId,
        call: u32,
        via: u32,
        bindings: Bindings,
    },
}

impl AtomicReason {
    pub fn caller(&self) -> Option<(FunctionId, u32)> {
        match *self {
            AtomicReason::Entry { .. } => None,
            AtomicReason::CalledWithHeld { caller, call, .. }
            | AtomicReason::CalledFromAtomic { caller, call, .. } => Some((caller, call)),
        }
    }

    /// The function's parameter values known on this path.
    pub fn bindings(&self) -> &[(u32, Val)] {
        match self {
            AtomicReason::Entry { .. } => &[],
            AtomicReason::CalledWithHeld { bindings, .. }
            | AtomicReason::CalledFromAtomic { bindings, .. } => bindings,
        }
    }

    /// The same path into the function, whichever way its caller became atomic.
    fn same_as(&self, other: &AtomicReason) -> bool {
        match (self, other) {
            (
                AtomicReason::CalledFromAtomic {
                    caller: a,
                    call: c,
                    bindings: b,
                    ..
                },
                AtomicReason::CalledFromAtomic {
                    caller: a2,
                    call: c2,
                    bindings: b2,
                    ..
                },
            ) => a == a2 && c == c2 && b == b2,
            _ => self == other,
        }
    }
}

/// Direct callers of each function: (caller, call index).
pub type Callers = PerFunction<(FunctionId, u32)>;
/// Call edges per function and direct callers.
type CallGraph = (PerFunction<Edge>, Callers);
/// May-sleep summaries: clauses over parameter tests, per function.
type MaySleep = HashMap<FunctionId, Vec<Clause>>;

/// A resolved call edge.
#[derive(Debug, Clone, Copy)]
struct Edge {
    call: u32,
    callee: FunctionId,
}

pub struct Analysis {
    /// [file][function]
    pub locks: Vec<Vec<LockStates>>,
    /// Sleep sites by function, reachable ones only.
    pub sites: PerFunction<SleepSite>,
    /// Functions that may sleep outside their own atomic sections, and under which
    /// parameter tests (clauses; an empty clause means unconditionally).
    pub may_sleep: HashMap<FunctionId, Vec<Clause>>,
    /// gfp_t parameters that reach an allocator: (param index) → (function, call) of the allocation.
    pub gfp_sinks: GfpSinks,
    pub atomic: HashMap<FunctionId, Vec<AtomicReason>>,
    /// Direct callers of each function (for "also called from process context").
    pub callers: Callers,
    pub lock_effects: HashMap<FunctionId, LockEffect>,
    /// Functions whose every way to sleep is an allocation that drops a lock named
    /// through a parameter (`sleeps_only_dropping`).
    pub sleeps_dropping: HashMap<FunctionId, (u32, String)>,
    /// Functions atomic context reaches at any depth, whether or not they sleep
    /// (for needless-gfp-atomic: only functions outside it are process context).
    pub atomic_reachable: HashSet<FunctionId>,
    /// Constants of the kernel tree's headers, as far as the run has read them.
    pub headers: KernelHeaders,
    /// Functions atomic context reaches that make a call only while a field they only
    /// set is unset (lazy initialisation), and that process context reaches too
    /// (`context::once`).
    /// For each, the field paths whose guard counts: those nothing else atomic
    /// context reaches in its file clears again (a toggle, not a one-time set).
    pub once_process: HashMap<FunctionId, Vec<Box<str>>>,
}

/// What the functions of a run that stand for functions outside it do, as a full run
/// over the whole program found (`incremental`): a run over a slice of the program
/// takes them as given instead of computing them (their bodies are not loaded).
#[derive(Default)]
pub struct Boundary {
    pub lock_effects: HashMap<FunctionId, LockEffect>,
    pub gfp_sinks: GfpSinks,
    pub may_sleep: MaySleep,
    pub sleeps_dropping: HashMap<FunctionId, (u32, String)>,
    /// Atomic callbacks registered by files whose registrations are not computed.
    pub entries: Vec<(FunctionId, AtomicReason)>,
    /// Functions whose lock effect, gfp sinks, may-sleep clauses and lock-dropping
    /// sleep are the ones above (absent there: none), not computed: the stand-ins, and
    /// loaded functions that no change can affect. Their sleep sites are not computed.
    pub given: rustc_hash::FxHashSet<FunctionId>,
    /// Files whose registrations are computed from their facts (all, when `None`).
    pub registrations: Option<rustc_hash::FxHashSet<u32>>,
}

impl Analysis {
    /// `locks` are the per-file lock states from `local::file_locks` ([file][function]).
    ///
    /// The phases, each a function below: lock effects and the call graph; gfp sinks
    /// (bottom-up); sleep sites and may-sleep summaries (bottom-up); atomic reasons
    /// (top-down from entry points and held sections); what atomic context reaches.
    /// `summaries`: kernel API summaries for callees the run does not define;
    /// `headers`: the kernel tree's headers, read once for the run (the lints resolve
    /// names through them too; a slice's rounds share them).
    pub fn run(
        program: &Program,
        mut locks: Vec<Vec<LockStates>>,
        target: &Target,
        build: &BuildFacts,
        (summaries, headers): (Option<&Summaries>, KernelHeaders),
        boundary: Option<&Boundary>,
    ) -> Analysis {
        let timings = std::env::var_os("GFPLINT_TIMINGS").is_some();
        let started = std::time::Instant::now();
        let lap = |what: &str| {
            if timings {
                eprintln!(
                    "gfplint: timing:   context: {what} at +{:.2} s{}",
                    started.elapsed().as_secs_f64(),
                    crate::memory_now()
                );
            }
        };
        let ids: Vec<FunctionId> = program
            .files
            .iter()
            .enumerate()
            .flat_map(|(fi, f)| (0..f.functions.len()).map(move |i| (fi as u32, i as u32)))
            .collect();
        keep_conditional_tests_of_functions(program, &mut locks);
        let mut lock_effects = Self::lock_effects(program, &ids, &locks);
        if let Some(b) = boundary {
            lock_effects.extend(b.lock_effects.iter().map(|(id, e)| (*id, e.clone())));
        }
        let (edges, callers) = Self::call_graph(program, &ids, &locks);
        lap("lock effects, call graph");
        let gfp_sinks = Self::gfp_sinks(program, &ids, &locks, &callers, boundary);
        lap("gfp sinks");
        // One resolver for the summaries and the reasons: it caches per-file tests.
        let mut resolver = Resolver::new(program, target, &headers).with_build(build);
        let (sites, may_sleep) = Self::sleep_summaries(
            program,
            &ids,
            &locks,
            &callers,
            &gfp_sinks,
            &lock_effects,
            (target, summaries, build),
            &mut resolver,
            boundary,
        );
        lap("sleep sites, may-sleep summaries");
        let computed: Vec<FunctionId> = match boundary {
            Some(b) => ids
                .iter()
                .copied()
                .filter(|id| !b.given.contains(id))
                .collect(),
            None => ids.clone(),
        };
        let mut sleeps_dropping =
            sleeps_only_dropping(program, &computed, &locks, &edges, &sites, &may_sleep);
        // Functions registered as atomic callbacks (computed once, for both phases).
        let mut entries = entry_points(program);
        if let Some(b) = boundary {
            sleeps_dropping.extend(b.sleeps_dropping.iter().map(|(id, d)| (*id, d.clone())));
            if let Some(files) = &b.registrations {
                entries.retain(|(_, r)| match r {
                    AtomicReason::Entry { file, .. } => files.contains(file),
                    _ => true,
                });
            }
            entries.extend(b.entries.iter().cloned());
            entries.sort_by_cached_key(|(id, r)| (*id, format!("{r:?}")));
        }
        let atomic = Self::atomic_reasons(
            program,
            &entries,
            &ids,
            &locks,
            &edges,
            &may_sleep,
            &lock_effects,
            &sleeps_dropping,
            &callers,
            &mut resolver,
        );
        lap("atomic reasons");
        let atomic_reachable = Self::atomic_reachable(&entries, &ids, &locks, &edges);
        lap("atomic reachable");
        let once_process = Self::once_process(
            program,
            &entries,
            &locks,
            (&callers, &edges),
            &atomic,
            &atomic_reachable,
        );
        Analysis {
            locks,
            sites,
            may_sleep,
            gfp_sinks,
            atomic,
            callers,
            lock_effects,
            sleeps_dropping,
            atomic_reachable,
            headers,
            once_process,
        }
    }

    /// The functions with fields they only set (lazy initialisation) that atomic
    /// context reaches and process context reaches too (`context::once`).
    fn once_process(
        program: &Program,
        entries: &[(FunctionId, AtomicReason)],
        locks: &[Vec<LockStates>],
        (callers, edges): (&Callers, &PerFunction<Edge>),
        atomic: &HashMap<FunctionId, Vec<AtomicReason>>,
        atomic_reachable: &HashSet<FunctionId>,
    ) -> HashMap<FunctionId, Vec<Box<str>>> {
        let entry: HashSet<FunctionId> = entries.iter().map(|(id, _)| *id).collect();
        let mut out = HashMap::default();
        for id in super::once::candidates(program, atomic.keys().copied()) {
            let callees: Vec<FunctionId> = edges.of(id).iter().map(|e| e.callee).collect();
            let Some(paths) = super::once::guarded_fields(
                program,
                id,
                |h| callees.contains(&h),
                |h| atomic_reachable.contains(&h),
            ) else {
                continue;
            };
            let reached = super::once::process_reached(
                id,
                |f| {
                    let mut up: Vec<FunctionId> = callers.of(f).iter().map(|(c, _)| *c).collect();
                    up.sort_unstable();
                    up.dedup();
                    up
                },
                |c, f| {
                    callers.of(f).iter().any(|&(caller, call)| {
                        caller == c && !locks[c.0 as usize][c.1 as usize].at_call(call).is_empty()
                    })
                },
                |f| entry.contains(&f),
            );
            if reached {
                out.insert(id, paths);
            }
        }
        out
    }

    /// 1a. What each function (other than a described API) does to the sections its
    /// caller holds.
    fn lock_effects(
        program: &Program,
        ids: &[FunctionId],
        locks: &[Vec<LockStates>],
    ) -> HashMap<FunctionId, LockEffect> {
        let k = program.knowledge;
        ids.iter()
            .filter(|&&id| !k.describes_api(&program.function(id).name))
            .filter_map(|&id| {
                let e = locks[id.0 as usize][id.1 as usize].effect();
                (!e.is_empty() || !e.drops.is_empty()).then_some((id, e))
            })
            .collect()
    }

    /// 1b. Call edges (reachable, resolved, not lock primitives or wrappers) and each
    /// function's direct callers.
    fn call_graph(program: &Program, ids: &[FunctionId], locks: &[Vec<LockStates>]) -> CallGraph {
        let k = program.knowledge;
        // Call edges (reachable, resolved, not lock primitives or wrappers).
        let edges: Vec<Vec<Vec<Edge>>> = program
            .files
            .par_iter()
            .enumerate()
            .map(|(fi, file)| {
                file.functions
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        let ls = &locks[fi][i];
                        f.calls
                            .iter()
                            .enumerate()
                            .filter(|(ci, c)| {
                                ls.is_reachable(*ci as u32)
                                    && !guarded_context(ls, *ci as u32)
                                    && !c.indirect
                                    && k.call_lock_op(c).is_none()
                            })
                            .filter(|(_, c)| {
                                k.call_allocator(c).is_none()
                                    && k.call_sleeping(c).is_none()
                                    && !k.call_setup_dependent(c)
                            })
                            .filter_map(|(ci, c)| {
                                let callee = program.resolve_call(fi as u32, c)?;
                                (callee != (fi as u32, i as u32)).then_some(Edge {
                                    call: ci as u32,
                                    callee,
                                })
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let edges = PerFunction::from_file_lists(program, edges);
        // Kept for the run (about a million edges on `drivers/`).
        let callers = PerFunction::from_pairs(program, || {
            ids.iter()
                .flat_map(|&id| edges.of(id).iter().map(move |e| (e.callee, (id, e.call))))
        });
        (edges, callers)
    }

    /// 2. gfp sinks, bottom-up: which `gfp_t` parameters reach an allocator.
    fn gfp_sinks(
        program: &Program,
        ids: &[FunctionId],
        locks: &[Vec<LockStates>],
        callers: &Callers,
        boundary: Option<&Boundary>,
    ) -> GfpSinks {
        let k = program.knowledge;
        // 2. gfp sinks, bottom-up.
        let mut gfp_sinks: GfpSinks = HashMap::default();
        let mut queue: VecDeque<FunctionId> = VecDeque::new();
        if let Some(b) = boundary {
            let mut given: Vec<_> = b.gfp_sinks.iter().collect();
            given.sort_by_key(|(id, _)| **id);
            for (id, sinks) in given {
                gfp_sinks.insert(*id, sinks.clone());
                queue.push_back(*id);
            }
        }
        let given = |id: &FunctionId| boundary.is_some_and(|b| b.given.contains(id));
        for &id in ids {
            let f = program.function(id);
            if !f.params.iter().any(|p| p.ty.contains("gfp_t")) || given(&id) {
                continue;
            }
            let ls = &locks[id.0 as usize][id.1 as usize];
            for (ci, c) in f.calls.iter().enumerate() {
                // An allocator, or a call outside the run (a static inline of a header
                // that is not checked) that is handed the parameter: a `GFP_KERNEL`
                // literal passed to it counts as a sleep (`own_sleep`), so the parameter
                // must count as a sink too, or adding the caller's callee to a run would
                // erase the finding its literal gave when the callee was unknown.
                let sink = k.call_allocator(c).is_some()
                    || !c.indirect && program.resolve_call(id.0, c).is_none();
                if !ls.is_reachable(ci as u32) || !sink {
                    continue;
                }
                if let Some((_, FlagUse::Param(p))) = gfp_argument(k, f, c) {
                    add_sink(&mut gfp_sinks, id, p, (id, ci as u32), &mut queue);
                }
            }
        }
        while let Some(callee) = queue.pop_front() {
            let sinks = gfp_sinks.get(&callee).cloned().unwrap_or_default();
            for &(caller, call) in callers.of(callee) {
                if given(&caller) {
                    continue;
                }
                let f = program.function(caller);
                let c = &f.calls[call as usize];
                for &(param, sink) in &sinks {
                    let Some(arg) = c.args().get(param as usize) else {
                        continue;
                    };
                    if let FlagUse::Param(p) = flag_use_of_text(k, f, arg) {
                        add_sink(&mut gfp_sinks, caller, p, sink, &mut queue);
                    }
                }
            }
        }
        gfp_sinks
    }

    /// 3. Sleep sites of every function, and may-sleep summaries, bottom-up.
    #[allow(clippy::too_many_arguments)]
    fn sleep_summaries(
        program: &Program,
        ids: &[FunctionId],
        locks: &[Vec<LockStates>],
        callers: &Callers,
        gfp_sinks: &GfpSinks,
        lock_effects: &HashMap<FunctionId, LockEffect>,
        (target, summaries, build): (&Target, Option<&Summaries>, &BuildFacts),
        resolver: &mut Resolver,
        boundary: Option<&Boundary>,
    ) -> (PerFunction<SleepSite>, MaySleep) {
        // 3. Sleep sites and may-sleep summaries.
        let headers = resolver.headers;
        let sites: Vec<Vec<Vec<SleepSite>>> = program
            .files
            .par_iter()
            .enumerate()
            .map(|(fi, file)| {
                // One resolver per file: its caches (the file's declarations, names
                // resolved through the headers) are keyed by file, and a file's
                // functions ask about the same names.
                let mut resolver = Resolver::new(program, target, headers).with_build(build);
                let ctx = SiteContext {
                    program,
                    sinks: gfp_sinks,
                    summaries,
                    build,
                    locks,
                };
                file.functions
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        let id = (fi as u32, i as u32);
                        if boundary.is_some_and(|b| b.given.contains(&id)) {
                            return Vec::new();
                        }
                        sleep_sites(&ctx, &mut resolver, id, f, &locks[fi][i])
                    })
                    .collect()
            })
            .collect();
        // Kept for the lints.
        let sites = PerFunction::from_file_lists(program, sites);
        // May-sleep summaries as clauses over parameter tests: the function sleeps
        // when, for some clause, every test of it comes out as recorded. An empty
        // clause is "always". A caller passing a value that contradicts every clause
        // (`false` for a `may_sleep` flag, `FOO_POLL` where the callee sleeps only for
        // `FOO_WAIT`) does not sleep through that call.
        let mut may_sleep: HashMap<FunctionId, Vec<Clause>> = HashMap::default();
        let mut queue: VecDeque<FunctionId> = VecDeque::new();
        let mut queued: HashSet<FunctionId> = HashSet::default();
        if let Some(b) = boundary {
            let mut given: Vec<_> = b.may_sleep.iter().collect();
            given.sort_by_key(|(id, _)| **id);
            for (id, clauses) in given {
                may_sleep.insert(*id, clauses.clone());
                queued.insert(*id);
                queue.push_back(*id);
            }
        }
        // What the knowledge says never sleeps does not, whatever its body seems to do.
        let never = |id: FunctionId| program.knowledge.never_sleeps(&program.function(id).name);
        for &id in ids {
            let ls = &locks[id.0 as usize][id.1 as usize];
            for site in sites.of(id) {
                if !ls.at_call(site.call).is_empty() || never(id) {
                    continue;
                }
                let mut changed = false;
                for alternative in ls.guard_alternatives_at(site.call) {
                    let mut guards = resolver.tests(id, alternative);
                    guards.extend_from_slice(&site.when);
                    changed |= add_clause(&mut may_sleep, id, guards);
                }
                if changed && queued.insert(id) {
                    queue.push_back(id);
                }
            }
        }
        let none = Bindings::new();
        while let Some(callee) = queue.pop_front() {
            queued.remove(&callee);
            let clauses = may_sleep.get(&callee).cloned().unwrap_or_default();
            for &(caller, call) in callers.of(callee) {
                let ls = &locks[caller.0 as usize][caller.1 as usize];
                if !sleeps_through(ls, call, lock_effects.get(&callee))
                    || boundary.is_some_and(|b| b.given.contains(&caller))
                    || never(caller)
                {
                    continue;
                }
                let alternatives: Vec<Clause> = ls
                    .guard_alternatives_at(call)
                    .into_iter()
                    .map(|a| resolver.tests(caller, a))
                    .collect();
                let mut changed = false;
                for clause in &clauses {
                    let mut arg = |p: u32| resolver.arg(caller, call, p, &none);
                    if let Some(lifted) = lift_clause(clause, &mut arg) {
                        for guards in &alternatives {
                            let mut lifted = lifted.clone();
                            lifted.extend_from_slice(guards);
                            changed |= add_clause(&mut may_sleep, caller, lifted);
                        }
                    }
                }
                if changed && queued.insert(caller) {
                    queue.push_back(caller);
                }
            }
        }
        (sites, may_sleep)
    }

    /// 4. Atomic reasons, top-down from entry points and calls made with a section held.
    #[allow(clippy::too_many_arguments)]
    fn atomic_reasons(
        program: &Program,
        entries: &[(FunctionId, AtomicReason)],
        ids: &[FunctionId],
        locks: &[Vec<LockStates>],
        edges: &PerFunction<Edge>,
        may_sleep: &MaySleep,
        lock_effects: &HashMap<FunctionId, LockEffect>,
        sleeps_dropping: &HashMap<FunctionId, (u32, String)>,
        callers: &Callers,
        resolver: &mut Resolver,
    ) -> HashMap<FunctionId, Vec<AtomicReason>> {
        let registered: HashSet<FunctionId> = entries.iter().map(|(id, _)| *id).collect();
        let k = program.knowledge;
        let none = Bindings::new();
        // 4. Atomic reasons, top-down, into functions that may sleep. Each reason
        // carries the function's parameter values known on its path, so a chain is
        // followed only while its conditions can hold together; breadth-first, so a
        // function's first reasons are its shortest feasible chains.
        let mut atomic: HashMap<FunctionId, Vec<AtomicReason>> = HashMap::default();
        // (function, reason index, depth of the reason: calls from where atomic
        // context starts)
        let mut queue: VecDeque<(FunctionId, usize, u32)> = VecDeque::new();
        let add = |atomic: &mut HashMap<FunctionId, Vec<AtomicReason>>,
                   id: FunctionId,
                   d: u32,
                   r: AtomicReason,
                   queue: &mut VecDeque<(FunctionId, usize, u32)>| {
            let Some(clauses) = may_sleep.get(&id) else {
                return;
            };
            if d > MAX_CHAIN_DEPTH {
                return;
            }
            // A function that releases a lock it did not take (alone, or to sleep and
            // take it again: `spin_unlock(&d->lock); msleep(); spin_lock(&d->lock);`) is
            // written to be called with that lock held and to sleep without it; the
            // atomic context of its callers does not carry into it. (Second kernel
            // review: ~34 findings of this shape, at every depth of a chain.)
            // Not so for the callback itself when it runs in hard-IRQ or softirq context:
            // no lock it releases ends that context (`netif_rx()` in a NAPI poll).
            let irq_or_softirq_entry = matches!(
                r,
                AtomicReason::Entry {
                    kind: crate::knowledge::EntryKind::IrqHandler
                        | crate::knowledge::EntryKind::Softirq,
                    ..
                }
            );
            if !irq_or_softirq_entry
                && lock_effects
                    .get(&id)
                    .is_some_and(|e| !e.releases.is_empty() || !e.drops.is_empty())
            {
                return;
            }
            // Known parameter values that rule out every way the callee sleeps.
            let bindings = r.bindings().to_vec();
            if !clauses.iter().any(|clause| consistent(clause, &bindings)) {
                return;
            }
            let reasons = atomic.entry(id).or_default();
            if reasons.len() >= MAX_REASONS || reasons.iter().any(|x| x.same_as(&r)) {
                return;
            }
            reasons.push(r);
            queue.push_back((id, reasons.len() - 1, d));
        };
        for (id, r) in entries.iter().cloned() {
            add(&mut atomic, id, 0, r, &mut queue);
        }
        for &id in ids {
            let ls = &locks[id.0 as usize][id.1 as usize];
            for e in edges.of(id) {
                let held = ls.at_call(e.call);
                // After an earlier sleeping call in the same section, the finding is
                // that call's (one finding per path).
                if held.is_empty() || ls.after_sleep(e.call) {
                    continue;
                }
                // A callee that releases its caller's section of that kind (the
                // unlock-sleep-relock idiom) is not atomic because of it.
                let releases = lock_effects
                    .get(&e.callee)
                    .map(|x| [x.releases.clone(), x.drops.clone()].concat())
                    .unwrap_or_default();
                // A callee that sleeps only in allocations that drop the lock passed to
                // them (`__xa_store(&ent->mkeys, …, GFP_KERNEL)`), given that lock held.
                let dropped: Vec<&str> = match sleeps_dropping.get(&e.callee) {
                    Some((param, rest)) => program.function(id).calls[e.call as usize]
                        .lock_through_arg()
                        .iter()
                        .filter(|(arg, key)| {
                            u32::from(*arg) == *param
                                && key.strip_suffix(rest.as_str()).is_some_and(|name| {
                                    !name.is_empty()
                                        && name
                                            .bytes()
                                            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
                                })
                        })
                        .map(|(_, key)| key.as_str())
                        .collect(),
                    None => Vec::new(),
                };
                let counts = |h: &&lockstate::Held| {
                    !releases.iter().any(|(kind, _)| *kind == h.kind)
                        && !dropped.contains(&ls.key(h))
                };
                let Some(h) = held
                    .iter()
                    .find(|h| h.certain && counts(h))
                    .or_else(|| held.iter().find(counts))
                else {
                    continue;
                };
                let f = program.function(id);
                let section = describe_section(k, ls, h);
                let acquired_line = if h.site == lockstate::ANNOTATION_SITE {
                    f.name_span.line
                } else {
                    f.calls[h.site as usize].span.line
                };
                // What the paths holding the section tested (`if (mode == FOO)
                // spin_lock(&l); helper(mode);` enters `helper` atomic with FOO only).
                let guards = resolver.tests(id, &ls.held_guards_at(e.call));
                if (!registered.contains(&id)
                    && !callers_allow(id, e, &guards, may_sleep, callers, locks, resolver))
                    || !fields_allow(may_sleep, resolver, id, e, &none)
                {
                    continue;
                }
                let r = AtomicReason::CalledWithHeld {
                    caller: id,
                    call: e.call,
                    section,
                    acquired_line,
                    certain: h.certain,
                    bindings: resolver.callee_bindings(id, e.call, &guards, &none),
                };
                add(&mut atomic, e.callee, 1, r, &mut queue);
            }
        }
        while let Some((caller, via, depth)) = queue.pop_front() {
            let ls = &locks[caller.0 as usize][caller.1 as usize];
            let d = depth + 1;
            let bindings = atomic[&caller][via].bindings().to_vec();
            for e in edges.of(caller) {
                // After an earlier sleep in the context callers gave (whatever sections
                // of its own came and went), the path's finding is that call's.
                if !ls.at_call(e.call).is_empty() || ls.after_sleep_in_callers_context(e.call) {
                    continue;
                }
                // The call itself must be reachable with the caller's values
                // (`if (mode == FOO_WAIT) helper();` is not, when mode is FOO_POLL).
                let guards = resolver.tests(caller, ls.guards_at(e.call));
                let reachable = ls
                    .guard_alternatives_at(e.call)
                    .into_iter()
                    .any(|a| consistent(&resolver.tests(caller, a), &bindings));
                if !reachable || !fields_allow(may_sleep, resolver, caller, e, &bindings) {
                    continue;
                }
                let r = AtomicReason::CalledFromAtomic {
                    caller,
                    call: e.call,
                    via: via as u32,
                    bindings: resolver.callee_bindings(caller, e.call, &guards, &bindings),
                };
                add(&mut atomic, e.callee, d, r, &mut queue);
            }
        }
        atomic
    }

    /// 5. Everything atomic context reaches, at any depth, whether or not it sleeps.
    fn atomic_reachable(
        entries: &[(FunctionId, AtomicReason)],
        ids: &[FunctionId],
        locks: &[Vec<LockStates>],
        edges: &PerFunction<Edge>,
    ) -> HashSet<FunctionId> {
        // Everything atomic context reaches, at any depth (breadth-first over edges).
        let mut atomic_reachable: HashSet<FunctionId> = HashSet::default();
        let mut queue: VecDeque<FunctionId> = VecDeque::new();
        for &(id, _) in entries {
            if atomic_reachable.insert(id) {
                queue.push_back(id);
            }
        }
        for &id in ids {
            let ls = &locks[id.0 as usize][id.1 as usize];
            for e in edges.of(id) {
                if !ls.at_call(e.call).is_empty() && atomic_reachable.insert(e.callee) {
                    queue.push_back(e.callee);
                }
            }
        }
        while let Some(f) = queue.pop_front() {
            for e in edges.of(f) {
                if atomic_reachable.insert(e.callee) {
                    queue.push_back(e.callee);
                }
            }
        }
        atomic_reachable
    }

    /// Every set of parameter values with which atomic context may enter a function
    /// through a chain from the functions of `files` (their own reasons, the calls
    /// they make with a section held, the callbacks they register), without the
    /// per-function cap of [`MAX_REASONS`] and without the held-call filters: a
    /// superset of the values of every such reason a whole run keeps, for asking
    /// whether a function's findings could name one of `files` (slices).
    pub fn reach_from_files(
        &self,
        program: &Program,
        target: &Target,
        files: &HashSet<u32>,
    ) -> HashMap<FunctionId, Vec<Bindings>> {
        let mut resolver = Resolver::new(program, target, &self.headers);
        let mut edges: HashMap<FunctionId, Vec<Edge>> = HashMap::default();
        for (callee, list) in self.callers.iter() {
            for &(caller, call) in list {
                edges.entry(caller).or_default().push(Edge { call, callee });
            }
        }
        for list in edges.values_mut() {
            list.sort_by_key(|e| (e.call, e.callee));
        }
        let depth_of = |id: FunctionId, at: usize| -> u32 {
            let (mut id, mut at, mut d) = (id, at, 0u32);
            while let Some(AtomicReason::CalledFromAtomic { caller, via, .. }) =
                self.atomic.get(&id).and_then(|r| r.get(at))
            {
                d += 1;
                (id, at) = (*caller, *via as usize);
                if d > MAX_CHAIN_DEPTH + 1 {
                    break;
                }
            }
            match self.atomic.get(&id).and_then(|r| r.get(at)) {
                Some(AtomicReason::CalledWithHeld { .. }) => d + 1,
                _ => d,
            }
        };
        let mut reach: HashMap<FunctionId, Vec<Bindings>> = HashMap::default();
        // (function, values, depth, the chain starts in a hard-IRQ or softirq callback)
        let mut queue: VecDeque<(FunctionId, Bindings, u32, bool)> = VecDeque::new();
        let none = Bindings::new();
        let irq_entry = |r: &AtomicReason| {
            let mut r = r;
            let mut seen = 0;
            loop {
                match r {
                    AtomicReason::Entry { kind, .. } => {
                        return matches!(
                            kind,
                            crate::knowledge::EntryKind::IrqHandler
                                | crate::knowledge::EntryKind::Softirq
                        );
                    }
                    AtomicReason::CalledWithHeld { .. } => return false,
                    AtomicReason::CalledFromAtomic { caller, via, .. } => {
                        match self.atomic.get(caller).and_then(|x| x.get(*via as usize)) {
                            Some(next) if seen < 8 => r = next,
                            _ => return true,
                        }
                    }
                }
                seen += 1;
            }
        };
        for (id, reasons) in &self.atomic {
            for (at, r) in reasons.iter().enumerate() {
                let from_files = files.contains(&id.0)
                    || matches!(r, AtomicReason::Entry { file, .. } if files.contains(file));
                if from_files {
                    queue.push_back((*id, r.bindings().to_vec(), depth_of(*id, at), irq_entry(r)));
                }
            }
        }
        for (id, _) in entry_points(program) {
            if files.contains(&id.0) {
                queue.push_back((id, Bindings::new(), 0, true));
            }
        }
        for (&caller, list) in &edges {
            if !files.contains(&caller.0) {
                continue;
            }
            let ls = &self.locks[caller.0 as usize][caller.1 as usize];
            for e in list {
                if ls.at_call(e.call).is_empty() || ls.after_sleep(e.call) {
                    continue;
                }
                let guards = resolver.tests(caller, ls.guards_at(e.call));
                let values = resolver.callee_bindings(caller, e.call, &guards, &none);
                queue.push_back((e.callee, values, 1, false));
            }
        }
        while let Some((id, values, depth, irq)) = queue.pop_front() {
            let Some(clauses) = self.may_sleep.get(&id) else {
                continue;
            };
            if depth > MAX_CHAIN_DEPTH
                || !clauses.iter().any(|c| consistent(c, &values))
                || (!irq
                    && self
                        .lock_effects
                        .get(&id)
                        .is_some_and(|e| !e.releases.is_empty() || !e.drops.is_empty()))
            {
                continue;
            }
            let known = reach.entry(id).or_default();
            if known.contains(&values) {
                continue;
            }
            known.push(values.clone());
            let ls = &self.locks[id.0 as usize][id.1 as usize];
            for e in edges.get(&id).map(Vec::as_slice).unwrap_or(&[]) {
                if !ls.at_call(e.call).is_empty() || ls.after_sleep(e.call) {
                    continue;
                }
                let guards = resolver.tests(id, ls.guards_at(e.call));
                if !consistent(&guards, &values)
                    || !fields_allow(&self.may_sleep, &mut resolver, id, e, &values)
                {
                    continue;
                }
                let next = resolver.callee_bindings(id, e.call, &guards, &values);
                queue.push_back((e.callee, next, depth + 1, irq));
            }
        }
        reach
    }

    /// Whether some sleep site of `id` can be reached with one of `values` (what a
    /// finding there needs of its atomic reasons: `lints::atomic`).
    pub fn may_report_with(
        &self,
        program: &Program,
        target: &Target,
        id: FunctionId,
        values: &[Bindings],
    ) -> bool {
        if values.is_empty() {
            return false;
        }
        let mut resolver = Resolver::new(program, target, &self.headers);
        let ls = self.locks_of(id);
        self.sites_of(id).iter().any(|site| {
            ls.guard_alternatives_at(site.call).into_iter().any(|a| {
                let mut guards = resolver.tests(id, a);
                guards.extend_from_slice(&site.when);
                values.iter().any(|v| consistent(&guards, v))
            })
        })
    }

    pub fn locks_of(&self, id: FunctionId) -> &LockStates {
        &self.locks[id.0 as usize][id.1 as usize]
    }

    pub fn sites_of(&self, id: FunctionId) -> &[SleepSite] {
        self.sites.of(id)
    }

    pub fn reasons(&self, id: FunctionId) -> &[AtomicReason] {
        self.atomic.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether some atomic reason of `id` comes through a function of `files`, or from
    /// a registration in one of them (a finding there can point into them).
    pub fn reaches_through(&self, id: FunctionId, files: &HashSet<u32>) -> bool {
        self.reasons(id).iter().any(|r| {
            let mut seen = HashSet::default();
            let mut r = r;
            loop {
                match r {
                    AtomicReason::Entry { file, .. } => return files.contains(file),
                    AtomicReason::CalledWithHeld { caller, .. } => {
                        return files.contains(&caller.0);
                    }
                    AtomicReason::CalledFromAtomic { caller, via, .. } => {
                        if files.contains(&caller.0) {
                            return true;
                        }
                        match self.reasons(*caller).get(*via as usize) {
                            Some(next) if seen.insert(*caller) => r = next,
                            _ => return false,
                        }
                    }
                }
            }
        })
    }

    /// Whether every link of the first chain from `id` is certain (no "some paths").
    pub fn chain_certain(&self, reason: &AtomicReason) -> bool {
        let mut seen = HashSet::default();
        let mut r = reason.clone();
        for _ in 0..32 {
            match r {
                AtomicReason::Entry { .. } => return true,
                AtomicReason::CalledWithHeld { certain, .. } => return certain,
                AtomicReason::CalledFromAtomic { caller, via, .. } => {
                    if !seen.insert(caller) {
                        return true;
                    }
                    match self.reasons(caller).get(via as usize) {
                        Some(next) => r = next.clone(),
                        None => return false,
                    }
                }
            }
        }
        true
    }
}

/// Functions whose every way to sleep is an allocation that drops, around the
/// allocation, a lock named through one of their parameters (`__xa_store(&ent->mkeys,
/// …, GFP_KERNEL)` releases `ent->mkeys`, the xarray's own lock, to allocate): (that
/// parameter, the rest of the lock's key after its name). A caller holding exactly that
/// lock does not make them sleep in atomic context.
fn sleeps_only_dropping(
    program: &Program,
    ids: &[FunctionId],
    locks: &[Vec<LockStates>],
    edges: &PerFunction<Edge>,
    sites: &PerFunction<SleepSite>,
    may_sleep: &MaySleep,
) -> HashMap<FunctionId, (u32, String)> {
    let k = program.knowledge;
    let mut out = HashMap::default();
    'function: for &id in ids {
        if !may_sleep.contains_key(&id) {
            continue;
        }
        let f = program.function(id);
        let ls = &locks[id.0 as usize][id.1 as usize];
        // Its callees must not sleep at all.
        if edges
            .of(id)
            .iter()
            .any(|e| may_sleep.contains_key(&e.callee))
        {
            continue;
        }
        let mut lock: Option<(u32, String)> = None;
        for site in sites.of(id) {
            if !ls.at_call(site.call).is_empty() {
                continue;
            }
            let c = &f.calls[site.call as usize];
            let drops = k
                .call_allocator(c)
                .is_some_and(|a| a.drops_lock_arg.is_some());
            let (SleepKind::Own(_), true, Some((p, rest))) =
                (&site.kind, drops, c.lock_through_arg().first())
            else {
                continue 'function;
            };
            let this = (u32::from(*p), rest.clone());
            if lock.as_ref().is_some_and(|l| *l != this) {
                continue 'function;
            }
            lock = Some(this);
        }
        if let Some(l) = lock {
            out.insert(id, l);
        }
    }
    out
}

fn add_sink(
    sinks: &mut GfpSinks,
    id: FunctionId,
    param: u32,
    sink: (FunctionId, u32),
    queue: &mut VecDeque<FunctionId>,
) {
    let list = sinks.entry(id).or_default();
    if !list.iter().any(|(p, _)| *p == param) {
        list.push((param, sink));
        queue.push_back(id);
    }
}

/// Whether a callee that may sleep makes its caller sleep at `call`: no section of
/// the caller is held there, or the callee releases every section kind held (the
/// unlock–sleep–relock idiom: `spin_lock(); rpm_resume(); spin_unlock();` where
/// `rpm_resume()` drops the lock to wait) — the caller then sleeps, by design.
pub fn sleeps_through(ls: &LockStates, call: u32, effect: Option<&LockEffect>) -> bool {
    let held = ls.at_call(call);
    held.is_empty()
        || effect.is_some_and(|e| {
            held.iter().all(|h| {
                e.releases
                    .iter()
                    .chain(e.drops.iter())
                    .any(|(kind, _)| *kind == h.kind)
            })
        })
}

/// "spinlock `priv->lock`".
pub fn describe_section(k: &Knowledge, ls: &LockStates, h: &lockstate::Held) -> String {
    let kind = &k.sections[h.kind].kind;
    let key = ls.key(h);
    if key.is_empty() {
        kind.clone()
    } else {
        format!("{kind} `{key}`")
    }
}

/// A call made only where a context query said sleeping is allowed, with no section
/// of this function held (the queries do not see spinlocks: `in_interrupt()` is false
/// under `spin_lock()`, so a section held right here still counts).
pub fn guarded_context(ls: &LockStates, call: u32) -> bool {
    ls.context_guarded(call) && ls.at_call(call).is_empty()
}

/// Sleep sites of one function: reachable calls that sleep by themselves, or pass
/// sleeping flags into a program function whose parameter reaches an allocator.
fn sleep_sites(
    ctx: &SiteContext,
    resolver: &mut Resolver,
    id: FunctionId,
    f: &Function,
    ls: &LockStates,
) -> Vec<SleepSite> {
    let program = ctx.program;
    let sinks = ctx.sinks;
    let k = program.knowledge;
    let mut out = Vec::new();
    for (ci, c) in f.calls.iter().enumerate() {
        let ci = ci as u32;
        // Unreachable, through a pointer, or only where a context query said
        // sleeping is allowed.
        if !ls.is_reachable(ci) || c.indirect || guarded_context(ls, ci) {
            continue;
        }
        if let Some(class) = c.guard_class() {
            if let Some(reason) = k.sleeping_call(&format!("{class}_lock")) {
                out.push(SleepSite {
                    call: ci,
                    kind: SleepKind::Own(OwnSleep::Call(reason.to_string())),
                    when: Vec::new(),
                    note: None,
                });
            }
            continue;
        }
        let known = k.call_allocator(c).is_some() || k.call_sleeping(c).is_some();
        let resolved = if known {
            None
        } else {
            program.resolve_call(id.0, c)
        };
        match resolved {
            None => {
                let macros = |name: &str| program.decls.gfp_macro(id.0, name, k);
                if let Some(s) = own_sleep_in(k, &macros, f, c) {
                    let Some(when) = own_sleep_condition(ctx, resolver, id, ci) else {
                        continue;
                    };
                    out.push(SleepSite {
                        call: ci,
                        kind: SleepKind::Own(s),
                        when,
                        note: None,
                    });
                } else if let Some(site) = summarised_sleep(ctx, resolver, id, ls, ci) {
                    out.push(site);
                }
            }
            Some(callee) => {
                // A function of the program: it sleeps here only if a sleeping flag we
                // pass reaches one of its allocations.
                for &(param, sink) in sinks.get(&callee).map(Vec::as_slice).unwrap_or(&[]) {
                    let macros = |name: &str| program.decls.gfp_macro(id.0, name, k);
                    if let Some(arg) = c.args().get(param as usize)
                        && let FlagUse::Sleeps(_) = flag_use_of_text_in(k, &macros, f, arg)
                        && !direct_sink_unreached(ctx, resolver, (id, ci), callee, (param, sink))
                    {
                        out.push(SleepSite {
                            call: ci,
                            kind: SleepKind::PassesGfp {
                                flags: arg.clone(),
                                callee,
                                sink,
                            },
                            when: Vec::new(),
                            note: None,
                        });
                        break;
                    }
                }
            }
        }
    }
    out
}

/// Whether the callee's own allocation that a `gfp_t` parameter reaches (`sink`, in the
/// callee itself) is one this call cannot reach: every group of paths to it tests the
/// callee's parameters in a way this call's arguments contradict (`if (size) buf =
/// kmemdup(data, size, gfp);` given a literal 0 size), and the callee hands that
/// parameter to nothing else. A callee without its body here (a stand-in) is not
/// decided.
fn direct_sink_unreached(
    ctx: &SiteContext,
    resolver: &mut Resolver,
    (caller, call): (FunctionId, u32),
    callee: FunctionId,
    (param, sink): (u32, (FunctionId, u32)),
) -> bool {
    if sink.0 != callee {
        return false;
    }
    let program = ctx.program;
    let g = program.function(callee);
    let Some(name) = g
        .params
        .iter()
        .find(|p| p.index == param)
        .map(|p| p.name.as_str())
    else {
        return false;
    };
    if name.is_empty() || g.calls.len() <= sink.1 as usize {
        return false;
    }
    // The parameter given to any other call may reach another allocation.
    let elsewhere = g.calls.iter().enumerate().any(|(i, c)| {
        i as u32 != sink.1
            && c.args()
                .iter()
                .any(|a| crate::parse::text::has_token(a.as_bytes(), name.as_bytes()))
    });
    if elsewhere {
        return false;
    }
    let Some(ls) = ctx
        .locks
        .get(callee.0 as usize)
        .and_then(|l| l.get(callee.1 as usize))
    else {
        return false;
    };
    let alternatives = ls.guard_alternatives_at(sink.1);
    if alternatives.is_empty() || alternatives.iter().any(|a| a.is_empty()) {
        return false;
    }
    let none = Bindings::new();
    alternatives.into_iter().all(|a| {
        let guards = resolver.tests(callee, a);
        let mut arg = |p: u32| resolver.arg(caller, call, p, &none);
        lift_clause(&guards, &mut arg).is_none()
    })
}

/// When a call that sleeps by itself does, as far as its build and arguments say:
/// `None` when it does not sleep here (an allocator that returns a string of the
/// kernel's `.rodata` as is, given a literal of built-in code; an API that does not
/// sleep on the only architecture the code builds for); else the tests of the
/// function's parameters it needs (the string passed in from the caller is not in
/// `.rodata`), empty for "always".
fn own_sleep_condition(
    ctx: &SiteContext,
    resolver: &mut Resolver,
    id: FunctionId,
    ci: u32,
) -> Option<Clause> {
    let program = ctx.program;
    let k = program.knowledge;
    let c = &program.function(id).calls[ci as usize];
    let path = &program.files[id.0 as usize].path;
    if let Some(arches) = k.call_allocator(c).map(|a| &a.no_sleep_arches)
        && !arches.is_empty()
        && ctx
            .build
            .arch_at(path, c.span.line)
            .is_some_and(|arch| arches.contains(&arch))
    {
        return None;
    }
    if let Some((arg, bound)) = k.sleeps_only_above(&c.callee) {
        return sleeps_above_condition(resolver, id, ci, arg, bound);
    }
    let Some(arg) = k.call_allocator(c).and_then(|a| a.rodata_arg) else {
        return Some(Vec::new());
    };
    let literal = c
        .args()
        .get(arg)
        .is_some_and(|t| t.trim_start().starts_with('"'));
    let builtin = ctx.build.get(path).is_some_and(|b| b.builtin_only);
    if literal {
        return (!builtin).then(Vec::new);
    }
    let none = Bindings::new();
    Some(match resolver.arg(id, ci, arg as u32, &none) {
        ArgIs::Value(Val::RodataStr) => return None,
        ArgIs::Param(p) => vec![Test {
            param: p,
            pred: Pred::KernelRodata,
            holds: false,
        }],
        _ => Vec::new(),
    })
}

/// When a call that sleeps only above a bound (`fsleep(usecs)`) sleeps: never for a
/// constant at most the bound; for a parameter passed on, when the caller's value is
/// above it (`rtl_loop_wait(tp, c, 10, n)` reaching `fsleep(d)` does not sleep);
/// otherwise (a value computed here) always, as far as gfplint knows.
fn sleeps_above_condition(
    resolver: &mut Resolver,
    id: FunctionId,
    ci: u32,
    arg: usize,
    bound: i64,
) -> Option<Clause> {
    let none = Bindings::new();
    let value = match resolver.arg(id, ci, arg as u32, &none) {
        ArgIs::Param(p) => {
            return Some(vec![Test {
                param: p,
                pred: Pred::Gt(Val::Int(bound)),
                holds: true,
            }]);
        }
        ArgIs::Value(v) => Some(v),
        // An API's constant arguments are not kept at extraction: read the text.
        _ => {
            let c = &resolver.program.function(id).calls[ci as usize];
            c.args()
                .get(arg)
                .and_then(|t| Val::parse(t))
                .map(|v| resolver.value(id.0, v))
        }
    };
    match value.and_then(|v| v.int_of()) {
        Some(n) if n <= bound => None,
        _ => Some(Vec::new()),
    }
}

/// What the sleep-site pass reads besides the function.
struct SiteContext<'a> {
    program: &'a Program<'a>,
    sinks: &'a GfpSinks,
    summaries: Option<&'a Summaries>,
    build: &'a BuildFacts,
    locks: &'a [Vec<LockStates>],
}

/// A call to a kernel API the run does not define, which its summary says may sleep
/// for these arguments: a sleep site whose evidence is the chain inside the kernel.
/// What `lints/api.toml` says about a name always wins (it is never looked up here),
/// and a call whose argument count differs is another function.
fn summarised_sleep(
    ctx: &SiteContext,
    resolver: &mut Resolver,
    id: FunctionId,
    ls: &LockStates,
    ci: u32,
) -> Option<SleepSite> {
    let k = ctx.program.knowledge;
    let c = &ctx.program.function(id).calls[ci as usize];
    if c.indirect || k.names_api(&c.callee) || ctx.program.defines(id.0, &c.callee) {
        return None;
    }
    let s = ctx.summaries?.get(&c.callee)?;
    if s.sleeps.is_empty() || (s.arity != u32::MAX && s.arity != u32::from(c.arg_count)) {
        return None;
    }
    // Called inside only sections the API leaves to sleep (`cond_resched_rcu()` in an
    // RCU read-side section): the sleep is not atomic here.
    let held = ls.at_call(ci);
    if !held.is_empty()
        && held
            .iter()
            .all(|h| s.drops.contains(&k.sections[h.kind].kind))
    {
        return None;
    }
    let none = Bindings::new();
    // Clauses are sorted shortest first: the first one the arguments allow.
    let when = s.sleeps.iter().find_map(|clause| {
        let mut arg = |p: u32| resolver.arg(id, ci, p, &none);
        lift_clause(clause, &mut arg)
    })?;
    let reason = format!(
        "may sleep: {} ({} in {})",
        s.chain_names(),
        s.primitive_place(),
        ctx.summaries.map_or("", |x| x.tree.as_str())
    );
    // "in linux-source-6.1: `free_irq()` calls `__free_irq()` at kernel/irq/manage.c:1962;
    // `__free_irq()` calls ... : waits for an event".
    let mut caller = s.name.as_str();
    let steps: Vec<String> = s
        .chain
        .iter()
        .map(|l| {
            let step = format!(
                "`{caller}()` calls `{}()` at {}:{}",
                l.callee, l.file, l.line
            );
            caller = &l.callee;
            step
        })
        .collect();
    let tree = ctx.summaries.map_or("", |x| x.tree.as_str());
    let note = format!("in {tree}: {}: {}", steps.join("; "), s.reason);
    Some(SleepSite {
        call: ci,
        kind: SleepKind::Own(OwnSleep::Call(reason)),
        when,
        note: Some(note),
    })
}

/// Functions registered as atomic callbacks anywhere in the run.
pub(crate) fn entry_points(program: &Program) -> Vec<(FunctionId, AtomicReason)> {
    let k = program.knowledge;
    // (function, reason, the timer/tasklet object it was set up on)
    let mut objects: Vec<(FunctionId, AtomicReason, Option<String>)> = Vec::new();
    for (fi, file) in program.files.iter().enumerate() {
        let fi = fi as u32;
        let calls = file
            .functions
            .iter()
            .flat_map(|f| f.calls.iter())
            .chain(file.file_calls.iter());
        for c in calls {
            let Some(reg) = k.entry_registration(&c.callee) else {
                continue;
            };
            let Some(arg) = c.args().get(reg.arg) else {
                continue;
            };
            let name = arg.trim_start_matches('&').trim();
            if !name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                || name.is_empty()
            {
                continue;
            }
            if let Some(id) = program.resolve(fi, name) {
                let r = AtomicReason::Entry {
                    context: reg.context.clone(),
                    kind: reg.kind,
                    registrar: format!("{}()", c.callee),
                    file: fi,
                    span: c.span,
                };
                let object = reg
                    .ambiguous_per_object
                    .then(|| c.args().first().map(|a| lockstate::lock_key(a)))
                    .flatten();
                objects.push((id, r, object));
            }
        }
        for cb in &file.field_callbacks {
            let Some(entry) = k.entry_field(&cb.field) else {
                continue;
            };
            if entry
                .object
                .as_ref()
                .is_some_and(|o| !o.split('|').any(|alt| cb.object.contains(alt)))
            {
                continue;
            }
            if !entry.initialised_by.is_empty() {
                let object = lockstate::lock_key(&cb.object);
                let initialised = file.functions.iter().flat_map(|f| f.calls.iter()).any(|c| {
                    entry.initialised_by.iter().any(|n| c.callee == *n)
                        && c.args()
                            .first()
                            .is_some_and(|a| lockstate::lock_key(a) == object)
                });
                if !initialised {
                    continue;
                }
            }
            if let Some(id) = program.resolve(fi, &cb.function) {
                let r = AtomicReason::Entry {
                    context: entry.context.clone(),
                    kind: entry.kind,
                    registrar: format!("`.{}`", cb.field),
                    file: fi,
                    span: cb.span,
                };
                objects.push((id, r, None));
            }
        }
    }
    // A timer or tasklet object set up with different callbacks (set up with one,
    // re-set up with another before it is armed, possibly in another file of the same
    // driver) is ambiguous: which one runs is not known statically, so none is taken
    // as an entry point. Objects are told apart by directory and field name
    // (`&slot->task_event` and `&p_slot->task_event` are the same field).
    let object_key = |file: u32, o: &str| {
        let dir = crate::decl_index::dir_of(&program.files[file as usize].path).to_string();
        let field = o.rsplit(['.', '>']).next().unwrap_or(o).to_string();
        (dir, field)
    };
    let mut by_object: HashMap<(String, String), HashSet<FunctionId>> = HashMap::default();
    for (id, r, object) in &objects {
        if let (AtomicReason::Entry { file, .. }, Some(o)) = (r, object) {
            by_object
                .entry(object_key(*file, o))
                .or_default()
                .insert(*id);
        }
    }
    let mut out: Vec<(FunctionId, AtomicReason)> = objects
        .into_iter()
        .filter(|(_, r, object)| match (r, object) {
            (AtomicReason::Entry { file, .. }, Some(o)) => {
                by_object[&object_key(*file, o)].len() == 1
            }
            _ => true,
        })
        .map(|(id, r, _)| (id, r))
        .collect();
    // (The key is formatted once per entry, not once per comparison; the sort is
    // stable either way.)
    out.sort_by_cached_key(|(id, r)| (*id, format!("{r:?}")));
    out
}

/// Parameter facts that hold only if calls given a local by name cannot write it
/// (`LockStates::conditional_calls`): kept where each such call resolves to a function
/// of the program (a function cannot write its caller's variable), else dropped (the
/// callee may be a macro, `do_div(n, d)`, or is unknown).
fn keep_conditional_tests_of_functions(program: &Program, locks: &mut [Vec<LockStates>]) {
    for (fi, file) in locks.iter_mut().enumerate() {
        for (i, ls) in file.iter_mut().enumerate() {
            if ls.conditional_calls().is_empty() {
                continue;
            }
            let Some(function) = program.files.get(fi).and_then(|f| f.functions.get(i)) else {
                ls.drop_conditional_tests();
                continue;
            };
            let all_functions = ls.conditional_calls().iter().all(|&c| {
                function
                    .calls
                    .get(c as usize)
                    .is_some_and(|call| program.calls_function(fi as u32, call))
            });
            if !all_functions {
                ls.drop_conditional_tests();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_test(param: u32, path: &str, pred: Pred, holds: bool) -> Test {
        Test {
            param,
            pred: Pred::Field(path.into(), Box::new(pred)),
            holds,
        }
    }

    #[test]
    fn clauses_through_local_objects() {
        let async_bit = Pred::Bits(Val::Int(1));
        let sync_path = vec![field_test(1, "flags", async_bit.clone(), false)];
        // `struct cmd c = { .flags = flags }; c.flags |= 2;`: the flags are the
        // caller's parameter 2, with or without bit 2: the test lifts to it.
        let object = || {
            ArgIs::Object(ObjectFields {
                fields: vec![(
                    "flags".into(),
                    vec![ArgIs::Param(2), ArgIs::Derived(2, Derive::Or(Val::Int(2)))],
                )],
                zero_rest: true,
                base: None,
                exact: Vec::new(),
                non_null: false,
            })
        };
        let lifted = lift_clause(&sync_path, &mut |_| object()).unwrap();
        assert_eq!(
            lifted,
            vec![Test {
                param: 2,
                pred: async_bit.clone(),
                holds: false
            }]
        );
        // A constant with the bit set rules the clause out.
        let constant = |_| {
            ArgIs::Object(ObjectFields {
                fields: vec![("flags".into(), vec![ArgIs::Value(Val::Int(1))])],
                zero_rest: true,
                base: None,
                exact: Vec::new(),
                non_null: false,
            })
        };
        assert!(lift_clause(&sync_path, &mut { constant }).is_none());
        // A field the initializer does not name is zero; one in an overlapping member
        // (a union, perhaps) is unknown.
        let given = vec![field_test(0, "mx", Pred::NonZero, true)];
        let unnamed = |_| {
            ArgIs::Object(ObjectFields {
                fields: vec![("table".into(), vec![ArgIs::Value(Val::Int(1))])],
                zero_rest: true,
                base: None,
                exact: Vec::new(),
                non_null: false,
            })
        };
        assert!(lift_clause(&given, &mut { unnamed }).is_none());
        let nested = vec![field_test(0, "u.x", Pred::NonZero, true)];
        let overlapping = |_| {
            ArgIs::Object(ObjectFields {
                fields: vec![("u.y".into(), vec![ArgIs::Value(Val::Int(1))])],
                zero_rest: true,
                base: None,
                exact: Vec::new(),
                non_null: false,
            })
        };
        assert_eq!(lift_clause(&nested, &mut { overlapping }), Some(Vec::new()));
        // Values that disagree on the test: nothing known.
        let either = |_| {
            ArgIs::Object(ObjectFields {
                fields: vec![(
                    "flags".into(),
                    vec![ArgIs::Param(2), ArgIs::Value(Val::Int(0))],
                )],
                zero_rest: true,
                base: None,
                exact: Vec::new(),
                non_null: false,
            })
        };
        assert_eq!(lift_clause(&sync_path, &mut { either }), Some(Vec::new()));
    }
}
