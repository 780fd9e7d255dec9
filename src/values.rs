//! Values of parameters and arguments, and the tests a function makes on its
//! parameters (`if (mode == FOO_SYNC)`, `switch (req) { case A: ... }`, `if (flags &
//! F_WAIT)`). May-sleep summaries are conditions over these tests; a call's constant
//! arguments decide whether a callee's sleeping path is feasible from there.
//!
//! Comparisons are decided only when both sides are known: integers (literals, or
//! names the constant evaluator resolves: `#define`s and enumerators), or two names
//! that are still names (different constant names are taken as different values: a
//! `switch` cannot even list the same value twice). Anything else is unknown, and an
//! unknown test is assumed satisfiable.

use serde::{Deserialize, Serialize};

/// A known value: an integer, a constant's name (`FOO_SYNC`, `-EIO`), or "non-zero,
/// value unknown" (the address of an object, a string literal).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Val {
    Int(i64),
    /// (Names and expressions interned: one copy per distinct text, and a value is 24
    /// bytes; a `drivers/` run keeps over a million constant arguments.)
    Name(crate::name::Name),
    NonZero,
    /// A constant expression not yet evaluated (`FOO_REMOVE | FOO_NOWAIT`): unknown
    /// until the resolver evaluates it in its file (never compared by its text).
    Expr(crate::name::Name),
    /// Unknown, but with at least these bits set (`flags | FOO_NOWAIT`).
    HasBits(i64),
    /// A constant's name with its resolved value: compared by value with values, and
    /// by name with names the resolver could not evaluate (so resolving a name on one
    /// side only never makes a decided comparison unknown).
    Const(crate::name::Name, i64),
    /// A string literal (non-zero), in code that may be a module or whose build is
    /// unknown.
    Str,
    /// A string literal in code built into the kernel image only (`crate::kbuild`):
    /// it lies in the image's `.rodata`, which `is_kernel_rodata()` recognises.
    RodataStr,
    /// A string literal whose characters are known (no escape sequence), in code that
    /// may be a module: as [`Val::Str`], and its characters for [`Pred::HasChar`].
    Text(Box<str>),
    /// A pointer to an object whose fields `path` (without the arrow: `sk_state`,
    /// `ncmd.s.cmd`) each hold one of the listed values, as its caller's conditions and
    /// stores left them at the call (`if (sk->sk_state == TCP_FIN_WAIT2) reset(sk);`):
    /// what an atomic path's bindings say of a parameter's object, so a test of those
    /// fields inside the function decides its branches. Non-zero. Never in a summary.
    /// The second list: top-level members whose every field path is listed, each with
    /// what overlaps it taken into account (the object's type read: a path of theirs
    /// not listed is unknown, and listed paths are not taken as overlapping).
    /// (Last variant: the summary files' encoding of the others is unchanged. Boxed:
    /// a value is 32 bytes, not 48, in the millions of constant arguments and tests a
    /// run keeps; the encoding is the same.)
    Fields(Box<KnownFields>),
}

/// The fields of [`Val::Fields`]: (path, the values it may hold), and the top-level
/// members whose every field path is listed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct KnownFields(pub Vec<(Box<str>, Vec<Val>)>, pub Vec<Box<str>>);

/// An argument computed from one value (a parameter of the caller, or what a helper
/// returns of its own parameter): a callee's test on the argument is a test on that
/// value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Derive {
    /// 1 when the test comes out as `holds`, else 0 (`wait_ms > 0`, `!nowait`).
    Test(Pred, bool),
    /// `p & MASK`.
    And(Val),
    /// `p | BITS`.
    Or(Val),
    /// `p->path` (path written without the arrow: `fc_mx`, `ncmd.s.cmd`): a field of
    /// the object `p` points to, read where no write through `p` can precede it.
    Field(Box<str>),
    /// The driver's private struct of the object `p` points to (`netdev_priv(p)`,
    /// kept in a local): its field `f` is `p`'s field `prefix` + `f`
    /// (`netdev_priv()/in_timeout`). `written`: the members (with the prefix) the
    /// caller may have written before the call; a test of one says nothing of `p` as the
    /// caller was entered. `passes`: the calls given `p` or the struct before the call
    /// (bits of `FunctionValues::soft_passes`), whose writes the whole-program stage
    /// adds to `written`.
    Within {
        prefix: Box<str>,
        written: Vec<Box<str>>,
        passes: u64,
    },
}

/// A callee's test on a derived argument, seen as a test on the value it derives from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lifted {
    /// The test cannot come out as recorded, whatever the value.
    Never,
    /// Nothing is known (or the test always comes out as recorded).
    Unknown,
    Test(Pred, bool),
}

/// What a branch tests about a parameter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Pred {
    /// `if (p)`, `if (!p)`, `p != NULL`.
    NonZero,
    /// `p == V`, `case V:`.
    Eq(Val),
    /// `p < V` (`p >= V` is its negation).
    Lt(Val),
    /// `p > V` (`p <= V` is its negation).
    Gt(Val),
    /// `p & V` is non-zero.
    Bits(Val),
    /// `p == A || p == B || …`: one of the values (a disjunction of equalities on one
    /// parameter; sorted, at least two).
    In(Vec<Val>),
    /// `p` points into the kernel image's `.rodata` (`is_kernel_rodata(p)`): what
    /// `kstrdup_const()` returns as is instead of allocating a copy.
    KernelRodata,
    /// The field `p->path` (path without the arrow: `flags`, `ncmd.s.cmd`) satisfies
    /// the inner predicate, as the function was entered (tests seen after a write
    /// through `p`, or a call `p` is passed to, are not recorded). Last variant: the
    /// summary files' encoding of the others is unchanged.
    Field(Box<str>, Box<Pred>),
    /// The string `p` points to has the character `c`: what `switch (*cur)` tests in
    /// a loop that walks a cursor over it (`for (cur = fmt; *cur; cur++)`), which
    /// takes every character of the string in turn. Only a test that holds says
    /// anything (a character that is not `c` says nothing of the others).
    HasChar(i64),
}

/// A test on parameter `param` that came out `holds`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Test {
    pub param: u32,
    pub pred: Pred,
    pub holds: bool,
}

impl Val {
    /// Parses a literal or constant name as written in an argument or a condition.
    pub fn parse(text: &str) -> Option<Val> {
        let t = text.trim();
        let t = t
            .strip_prefix('(')
            .and_then(|x| x.strip_suffix(')'))
            .unwrap_or(t)
            .trim();
        match t {
            "" => return None,
            "NULL" | "false" => return Some(Val::Int(0)),
            "true" => return Some(Val::Int(1)),
            _ => {}
        }
        if let Some(n) = parse_int(t) {
            return Some(Val::Int(n));
        }
        let (neg, name) = match t.strip_prefix('-') {
            Some(rest) => (true, rest.trim()),
            None => (false, t),
        };
        if let Some(n) = parse_int(name) {
            return Some(Val::Int(-n));
        }
        looks_constant(name).then(|| {
            Val::Name(if neg {
                format!("-{name}").into()
            } else {
                name.into()
            })
        })
    }
}

/// `12`, `0x1f`, `010`, `4u`, `1UL`.
fn parse_int(t: &str) -> Option<i64> {
    let t = t.trim_end_matches(['u', 'U', 'l', 'L']);
    if t.is_empty() || !t.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16).ok();
    }
    if t.len() > 1 && t.starts_with('0') {
        return i64::from_str_radix(&t[1..], 8).ok();
    }
    t.parse().ok()
}

/// A name that reads as a constant: an identifier starting with an upper-case
/// letter (`FOO_SYNC`, `GetPortStatus`). Lower-case names are variables.
pub fn looks_constant(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Pred {
    /// Whether the predicate holds for `v`, when that is decidable.
    pub fn eval(&self, v: &Val) -> Option<bool> {
        use Val::*;
        let (int, name) = (Val::int_of, Val::name_of);
        match self {
            Pred::NonZero => match v {
                NonZero | Str | RodataStr | Text(_) | Fields(..) => Some(true),
                HasBits(m) if *m != 0 => Some(true),
                _ => int(v).map(|n| n != 0),
            },
            Pred::Eq(a) => {
                if let (Some(x), Some(y)) = (int(a), int(v)) {
                    return Some(x == y);
                }
                if let (Some(x), Some(y)) = (name(a), name(v)) {
                    return Some(x == y);
                }
                match (int(a), v) {
                    (Some(0), NonZero | Str | RodataStr | Text(_) | Fields(..)) => Some(false),
                    (Some(x), HasBits(m)) if x & m != *m => Some(false),
                    _ => None,
                }
            }
            Pred::Lt(a) => Some(int(v)? < int(a)?),
            Pred::Gt(a) => Some(int(v)? > int(a)?),
            Pred::Bits(a) => {
                if let (Some(x), Some(y)) = (int(a), int(v)) {
                    return Some(x & y != 0);
                }
                if let (Some(x), Some(y)) = (name(a), name(v))
                    && x == y
                {
                    return Some(true);
                }
                match (int(a), v) {
                    (Some(x), HasBits(m)) if x & m != 0 => Some(true),
                    _ => None,
                }
            }
            // Decided when one value is known to match, or every one known not to.
            Pred::In(vs) => {
                let mut all_false = true;
                for a in vs {
                    match Pred::Eq(a.clone()).eval(v) {
                        Some(true) => return Some(true),
                        Some(false) => {}
                        None => all_false = false,
                    }
                }
                all_false.then_some(false)
            }
            // Only a literal known to be in the image is decided (NULL and other
            // pointers: unknown).
            Pred::KernelRodata => match v {
                RodataStr => Some(true),
                _ => None,
            },
            // A pointer's value says nothing about the fields it points to; an object's
            // known fields decide a test of one of them when every value they may hold
            // decides it the same way.
            Pred::Field(path, inner) => match v {
                Fields(fields) => {
                    let KnownFields(known, exact) = &**fields;
                    if crate::facts::strip_unwritten(path).is_some() {
                        return None;
                    }
                    let member = path.split('.').next().unwrap_or(path);
                    let exact = exact.iter().any(|m| **m == *member);
                    let mut found = None;
                    for (p, vals) in known {
                        if **p == **path {
                            found = Some(vals);
                        } else if !exact && crate::facts::paths_overlap(p, path) {
                            return None;
                        }
                    }
                    let mut outcome = None;
                    for x in found? {
                        let r = inner.eval(x)?;
                        if outcome.is_some_and(|o| o != r) {
                            return None;
                        }
                        outcome = Some(r);
                    }
                    outcome
                }
                _ => None,
            },
            // Decided only as "absent": a test that holds is then impossible, and one
            // that does not hold is always possible.
            Pred::HasChar(c) => match v {
                Text(t) => (!t.bytes().any(|b| i64::from(b) == *c)).then_some(false),
                _ => None,
            },
        }
    }
}

impl Val {
    /// The integer value, when known.
    pub fn int_of(&self) -> Option<i64> {
        match self {
            Val::Int(n) | Val::Const(_, n) => Some(*n),
            _ => None,
        }
    }

    /// The constant's name, when it is one (resolved or not).
    pub fn constant_name(&self) -> Option<&str> {
        self.name_of()
    }

    /// The constant's name, when it is one.
    fn name_of(&self) -> Option<&str> {
        match self {
            Val::Name(n) | Val::Const(n, _) => Some(n.as_str()),
            _ => None,
        }
    }

    /// A resolved constant as its integer (for arithmetic on values).
    fn plain(&self) -> Val {
        match self {
            Val::Const(_, n) => Val::Int(*n),
            v => v.clone(),
        }
    }
}

impl Test {
    /// Whether the test is decided by the parameter having value `v`.
    pub fn eval(&self, v: &Val) -> Option<bool> {
        self.pred.eval(v).map(|r| r == self.holds)
    }

    /// Whether two tests on the same parameter cannot both come out as recorded.
    pub fn contradicts(&self, other: &Test) -> bool {
        if self.param != other.param {
            return false;
        }
        // A field test kept across calls given the parameter holds only if those
        // callees leave the field alone, which the whole-program stage decides: until
        // then it contradicts nothing (`facts::unwritten_path`).
        let unsure = |p: &Pred| matches!(p, Pred::Field(path, _) if crate::facts::strip_unwritten(path).is_some());
        if unsure(&self.pred) || unsure(&other.pred) {
            return false;
        }
        // Two characters of one string are not one value.
        if matches!(self.pred, Pred::HasChar(_)) || matches!(other.pred, Pred::HasChar(_)) {
            return false;
        }
        if self.pred == other.pred {
            return self.holds != other.holds;
        }
        match (&self.pred, &other.pred) {
            // Two tests of the same field: as two tests of one value.
            (Pred::Field(a, x), Pred::Field(b, y)) => {
                return a == b
                    && Test {
                        param: 0,
                        pred: (**x).clone(),
                        holds: self.holds,
                    }
                    .contradicts(&Test {
                        param: 0,
                        pred: (**y).clone(),
                        holds: other.holds,
                    });
            }
            (Pred::Field(..), _) | (_, Pred::Field(..)) => return false,
            _ => {}
        }
        // An equality that holds fixes the value: the other test is then decided.
        let fixed = |t: &Test| match (&t.pred, t.holds) {
            (Pred::Eq(v), true) => Some(v.clone()),
            (Pred::NonZero, false) => Some(Val::Int(0)),
            _ => None,
        };
        if let Some(v) = fixed(self)
            && other.eval(&v) == Some(false)
        {
            return true;
        }
        if let Some(v) = fixed(other)
            && self.eval(&v) == Some(false)
        {
            return true;
        }
        false
    }

    /// The same test with resolved constants as plain integers (two tests of one
    /// value read from different names then compare equal).
    pub fn plain(&self) -> Test {
        Test {
            param: self.param,
            pred: self.pred.map_val(&mut Val::plain),
            holds: self.holds,
        }
    }

    /// Replaces names by their values where `resolve` knows them.
    pub fn resolved(&self, resolve: &mut dyn FnMut(&str) -> Option<i64>) -> Test {
        let val = |v: &Val, resolve: &mut dyn FnMut(&str) -> Option<i64>| match v {
            Val::Name(n) => resolve_name(n, resolve).map_or_else(|| v.clone(), Val::Int),
            _ => v.clone(),
        };
        let pred = self.pred.map_val(&mut |v| val(v, resolve));
        Test {
            param: self.param,
            pred,
            holds: self.holds,
        }
    }
}

impl Pred {
    /// The same predicate with its value mapped (names resolved).
    pub fn map_val(&self, f: &mut dyn FnMut(&Val) -> Val) -> Pred {
        match self {
            Pred::NonZero => Pred::NonZero,
            Pred::Eq(v) => Pred::Eq(f(v)),
            Pred::Lt(v) => Pred::Lt(f(v)),
            Pred::Gt(v) => Pred::Gt(f(v)),
            Pred::Bits(v) => Pred::Bits(f(v)),
            Pred::In(vs) => Pred::In(vs.iter().map(&mut *f).collect()),
            Pred::KernelRodata => Pred::KernelRodata,
            Pred::Field(path, inner) => Pred::Field(path.clone(), Box::new(inner.map_val(f))),
            Pred::HasChar(c) => Pred::HasChar(*c),
        }
    }
}

impl Derive {
    /// The same derivation with its constant mapped (names resolved).
    pub fn map_val(&self, f: &mut dyn FnMut(&Val) -> Val) -> Derive {
        match self {
            Derive::Test(p, holds) => Derive::Test(p.map_val(f), *holds),
            Derive::And(v) => Derive::And(f(v)),
            Derive::Or(v) => Derive::Or(f(v)),
            Derive::Field(path) => Derive::Field(path.clone()),
            Derive::Within { .. } => self.clone(),
        }
    }

    /// The argument's value when the value it derives from is `v`, if known.
    pub fn apply(&self, v: &Val) -> Option<Val> {
        use Val::*;
        let d = self.map_val(&mut Val::plain);
        match (&d, &v.plain()) {
            (Derive::Test(p, holds), _) => p.eval(v).map(|r| Int(i64::from(r == *holds))),
            (Derive::And(Int(m)), Int(x)) => Some(Int(x & m)),
            (Derive::And(Int(m)), HasBits(b)) if b & m != 0 => Some(HasBits(b & m)),
            (Derive::Or(Int(m)), Int(x)) => Some(Int(x | m)),
            (Derive::Or(Int(m)), HasBits(b)) => Some(HasBits(b | m)),
            (Derive::Or(Int(m)), _) if *m != 0 => Some(HasBits(*m)),
            _ => None,
        }
    }

    /// A test of the derived argument as a test of the value it derives from.
    pub fn lift(&self, pred: &Pred, holds: bool) -> Lifted {
        use Val::*;
        let plain = self.map_val(&mut Val::plain);
        let pred = &pred.map_val(&mut Val::plain);
        if let Derive::Within {
            prefix, written, ..
        } = &plain
        {
            // Only the fields of the struct are the caller's (the pointer itself is
            // not a value of `p`).
            let Pred::Field(path, inner) = pred else {
                return Lifted::Unknown;
            };
            if crate::facts::strip_unwritten(path).is_some() {
                return Lifted::Unknown;
            }
            let full = format!("{prefix}{path}");
            let top = full.split('.').next().unwrap_or(&full);
            if written.iter().any(|w| **w == *top) {
                return Lifted::Unknown;
            }
            return Lifted::Test(Pred::Field(full.into(), inner.clone()), holds);
        }
        if let Derive::Field(path) = &plain {
            // A field of a field (`p->a->b`) is another object: not followed.
            return match pred {
                Pred::Field(..) => Lifted::Unknown,
                _ => Lifted::Test(Pred::Field(path.clone(), Box::new(pred.clone())), holds),
            };
        }
        // Whether the test on the argument comes out as recorded for argument `a`.
        let as_recorded = |a: &Val| pred.eval(a).map(|r| r == holds);
        match &plain {
            Derive::Test(p, h) => match (as_recorded(&Int(1)), as_recorded(&Int(0))) {
                (Some(true), Some(true)) => Lifted::Unknown,
                (Some(false), Some(false)) => Lifted::Never,
                (Some(true), Some(false)) => Lifted::Test(p.clone(), *h),
                (Some(false), Some(true)) => Lifted::Test(p.clone(), !*h),
                _ => Lifted::Unknown,
            },
            Derive::And(m) => match (pred, m) {
                (Pred::NonZero, _) => Lifted::Test(Pred::Bits(m.clone()), holds),
                (Pred::Eq(Int(0)), _) => Lifted::Test(Pred::Bits(m.clone()), !holds),
                (Pred::Bits(Int(d)), Int(m)) if d & m == 0 => {
                    if holds {
                        Lifted::Never
                    } else {
                        Lifted::Unknown
                    }
                }
                (Pred::Bits(Int(d)), Int(m)) => Lifted::Test(Pred::Bits(Int(d & m)), holds),
                (Pred::Bits(Name(d)), Name(n)) if d == n => {
                    Lifted::Test(Pred::Bits(m.clone()), holds)
                }
                _ => Lifted::Unknown,
            },
            Derive::Or(m) => {
                let set = match m {
                    Int(x) if *x != 0 => Some(HasBits(*x)),
                    Name(_) => Some(m.clone()),
                    _ => None,
                };
                let Some(set) = set else {
                    return Lifted::Unknown;
                };
                // Bits the constant sets decide the test; a name decides a bit
                // test of itself only.
                let decided = match (&set, pred) {
                    (Name(n), Pred::Bits(Name(d))) if n == d => Some(holds),
                    (Name(_), _) => None,
                    _ => as_recorded(&set),
                };
                match (decided, pred, m) {
                    (Some(true), ..) => Lifted::Unknown,
                    (Some(false), ..) => Lifted::Never,
                    // A bit the constant does not set is the value's own bit.
                    (None, Pred::Bits(Int(d)), Int(x)) if d & x == 0 => {
                        Lifted::Test(pred.clone(), holds)
                    }
                    _ => Lifted::Unknown,
                }
            }
            Derive::Field(_) | Derive::Within { .. } => Lifted::Unknown,
        }
    }
}

/// A name's value (`-EIO` is minus `EIO`'s).
pub fn resolve_name(name: &str, resolve: &mut dyn FnMut(&str) -> Option<i64>) -> Option<i64> {
    match name.strip_prefix('-') {
        Some(rest) => resolve(rest).and_then(|v| v.checked_neg()),
        None => resolve(name),
    }
}

/// Whether a conjunction of tests can hold (pairwise check).
pub fn satisfiable(tests: &[Test]) -> bool {
    for (i, a) in tests.iter().enumerate() {
        for b in &tests[i + 1..] {
            if a.contradicts(b) {
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(param: u32, pred: Pred, holds: bool) -> Test {
        Test { param, pred, holds }
    }

    #[test]
    fn values_parse() {
        assert_eq!(Val::parse("0x10"), Some(Val::Int(16)));
        assert_eq!(Val::parse("4UL"), Some(Val::Int(4)));
        assert_eq!(Val::parse("-EIO"), Some(Val::Name("-EIO".into())));
        assert_eq!(Val::parse("NULL"), Some(Val::Int(0)));
        assert_eq!(Val::parse("len"), None);
        assert_eq!(Val::parse("a + 1"), None);
    }

    #[test]
    fn contradictions() {
        let a = Val::Name("MODE_A".into());
        let b = Val::Name("MODE_B".into());
        assert!(t(0, Pred::Eq(a.clone()), true).contradicts(&t(0, Pred::Eq(b.clone()), true)));
        assert!(t(0, Pred::Eq(a.clone()), true).contradicts(&t(0, Pred::Eq(a.clone()), false)));
        assert!(!t(0, Pred::Eq(a.clone()), false).contradicts(&t(0, Pred::Eq(b), false)));
        assert!(!t(0, Pred::Eq(a.clone()), true).contradicts(&t(1, Pred::Eq(a), false)));
        assert!(t(0, Pred::NonZero, false).contradicts(&t(0, Pred::Bits(Val::Int(4)), true)));
        assert!(t(0, Pred::Eq(Val::Int(3)), true).contradicts(&t(0, Pred::Lt(Val::Int(2)), true)));
        assert!(!satisfiable(&[
            t(0, Pred::NonZero, true),
            t(0, Pred::Eq(Val::Int(0)), true)
        ]));
    }

    #[test]
    fn derived_arguments() {
        // `wait_ms > 0` tested for truth is `wait_ms > 0`; tested for zero, its negation.
        let gt0 = Derive::Test(Pred::Gt(Val::Int(0)), true);
        assert_eq!(
            gt0.lift(&Pred::NonZero, true),
            Lifted::Test(Pred::Gt(Val::Int(0)), true)
        );
        assert_eq!(
            gt0.lift(&Pred::NonZero, false),
            Lifted::Test(Pred::Gt(Val::Int(0)), false)
        );
        assert_eq!(gt0.lift(&Pred::Eq(Val::Int(5)), true), Lifted::Never);
        assert_eq!(gt0.apply(&Val::Int(0)), Some(Val::Int(0)));
        // `flags & 2`, `flags | 2`.
        let and = Derive::And(Val::Int(2));
        assert_eq!(
            and.lift(&Pred::NonZero, false),
            Lifted::Test(Pred::Bits(Val::Int(2)), false)
        );
        assert_eq!(and.lift(&Pred::Bits(Val::Int(4)), true), Lifted::Never);
        assert_eq!(and.apply(&Val::Int(3)), Some(Val::Int(2)));
        let or = Derive::Or(Val::Int(2));
        assert_eq!(or.lift(&Pred::Bits(Val::Int(2)), false), Lifted::Never);
        assert_eq!(or.lift(&Pred::Bits(Val::Int(2)), true), Lifted::Unknown);
        assert_eq!(
            or.lift(&Pred::Bits(Val::Int(4)), true),
            Lifted::Test(Pred::Bits(Val::Int(4)), true)
        );
        assert_eq!(or.apply(&Val::Name("LEN".into())), Some(Val::HasBits(2)));
        assert_eq!(Pred::Bits(Val::Int(6)).eval(&Val::HasBits(2)), Some(true));
        assert_eq!(Pred::Bits(Val::Int(4)).eval(&Val::HasBits(2)), None);
        assert_eq!(Pred::Eq(Val::Int(4)).eval(&Val::HasBits(2)), Some(false));
    }

    #[test]
    fn one_of() {
        let (a, b, c) = (Val::Int(2), Val::Int(3), Val::Int(10));
        let either = Pred::In(vec![a.clone(), b.clone()]);
        assert_eq!(either.eval(&c), Some(false));
        assert_eq!(either.eval(&b), Some(true));
        assert_eq!(either.eval(&Val::Name("X".into())), None);
        // `p == 10` holding decides `p == 2 || p == 3` as false.
        assert!(t(0, Pred::Eq(c.clone()), true).contradicts(&t(0, either.clone(), true)));
        assert!(!t(0, Pred::Eq(a), true).contradicts(&t(0, either, true)));
    }

    #[test]
    fn field_tests() {
        let f = |pred: Pred| Pred::Field("ncmd.s.cmd".into(), Box::new(pred));
        let a = Val::Name("CMD_A".into());
        let b = Val::Name("CMD_B".into());
        // Two tests of one field: as two tests of one value.
        assert!(t(0, f(Pred::Eq(a.clone())), true).contradicts(&t(0, f(Pred::Eq(b)), true)));
        assert!(t(0, f(Pred::NonZero), false).contradicts(&t(0, f(Pred::Eq(Val::Int(3))), true)));
        // Other fields, the pointer itself, other parameters: independent.
        let g = Pred::Field("flags".into(), Box::new(Pred::Eq(a.clone())));
        assert!(!t(0, f(Pred::Eq(a.clone())), false).contradicts(&t(0, g.clone(), true)));
        assert!(!t(0, Pred::NonZero, false).contradicts(&t(0, g.clone(), true)));
        assert!(!t(0, f(Pred::Eq(a.clone())), true).contradicts(&t(1, f(Pred::Eq(a)), false)));
        // A pointer's value decides nothing about its fields.
        assert_eq!(g.eval(&Val::NonZero), None);
        // A field passed on: the callee's test of it is a test of the caller's field.
        let d = Derive::Field("fc_mx".into());
        assert_eq!(
            d.lift(&Pred::NonZero, false),
            Lifted::Test(Pred::Field("fc_mx".into(), Box::new(Pred::NonZero)), false)
        );
        assert_eq!(d.lift(&g, true), Lifted::Unknown);
        assert_eq!(d.apply(&Val::NonZero), None);
    }

    #[test]
    fn evaluation() {
        assert_eq!(Pred::Bits(Val::Int(4)).eval(&Val::Int(6)), Some(true));
        assert_eq!(Pred::Bits(Val::Int(4)).eval(&Val::Int(2)), Some(false));
        assert_eq!(Pred::NonZero.eval(&Val::NonZero), Some(true));
        assert_eq!(Pred::Eq(Val::Int(1)).eval(&Val::Name("X".into())), None);
        let mut r = |n: &str| (n == "EIO").then_some(5);
        assert_eq!(resolve_name("-EIO", &mut r), Some(-5));
    }

    /// A character test decides only "absent": a format without `s` never takes the
    /// `case 's':` branch; one with it may, and other characters say nothing.
    #[test]
    fn characters_of_a_string() {
        let fmt = Val::Text("dbw".into());
        let s = Test {
            param: 0,
            pred: Pred::HasChar(i64::from(b's')),
            holds: true,
        };
        assert_eq!(s.eval(&fmt), Some(false));
        assert_eq!(s.eval(&Val::Text("bs".into())), None);
        assert_eq!(s.eval(&Val::Str), None);
        let not_s = Test {
            holds: false,
            ..s.clone()
        };
        assert_eq!(not_s.eval(&fmt), Some(true));
        assert_eq!(not_s.eval(&Val::Text("s".into())), None);
        // One character of a string being `s` and another not: no contradiction.
        assert!(!s.contradicts(&not_s));
        assert_eq!(Pred::NonZero.eval(&fmt), Some(true));
    }
}
