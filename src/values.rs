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
    Name(Box<str>),
    NonZero,
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
                format!("-{name}").into_boxed_str()
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
        match (self, v) {
            (Pred::NonZero, Int(n)) => Some(*n != 0),
            (Pred::NonZero, NonZero) => Some(true),
            (Pred::NonZero, Name(_)) => None,
            (Pred::Eq(Int(0)), NonZero) => Some(false),
            (Pred::Eq(Int(a)), Int(b)) => Some(a == b),
            (Pred::Eq(Name(a)), Name(b)) => Some(a == b),
            (Pred::Lt(Int(a)), Int(b)) => Some(b < a),
            (Pred::Gt(Int(a)), Int(b)) => Some(b > a),
            (Pred::Bits(Int(a)), Int(b)) => Some(a & b != 0),
            (Pred::Bits(Name(a)), Name(b)) if a == b => Some(true),
            _ => None,
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
        if self.pred == other.pred {
            return self.holds != other.holds;
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

    /// Replaces names by their values where `resolve` knows them.
    pub fn resolved(&self, resolve: &mut dyn FnMut(&str) -> Option<i64>) -> Test {
        let val = |v: &Val, resolve: &mut dyn FnMut(&str) -> Option<i64>| match v {
            Val::Name(n) => resolve_name(n, resolve).map_or_else(|| v.clone(), Val::Int),
            _ => v.clone(),
        };
        let pred = match &self.pred {
            Pred::NonZero => Pred::NonZero,
            Pred::Eq(v) => Pred::Eq(val(v, resolve)),
            Pred::Lt(v) => Pred::Lt(val(v, resolve)),
            Pred::Gt(v) => Pred::Gt(val(v, resolve)),
            Pred::Bits(v) => Pred::Bits(val(v, resolve)),
        };
        Test {
            param: self.param,
            pred,
            holds: self.holds,
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
    fn evaluation() {
        assert_eq!(Pred::Bits(Val::Int(4)).eval(&Val::Int(6)), Some(true));
        assert_eq!(Pred::Bits(Val::Int(4)).eval(&Val::Int(2)), Some(false));
        assert_eq!(Pred::NonZero.eval(&Val::NonZero), Some(true));
        assert_eq!(Pred::Eq(Val::Int(1)).eval(&Val::Name("X".into())), None);
        let mut r = |n: &str| (n == "EIO").then_some(5);
        assert_eq!(resolve_name("-EIO", &mut r), Some(-5));
    }
}
