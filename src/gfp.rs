//! GFP flag expressions evaluated as bit sets.
//!
//! `GFP_KERNEL & ~__GFP_DIRECT_RECLAIM` must come out as "does not sleep", so flags are
//! never string-matched: the expression is parsed and evaluated over an abstract domain
//! of (bits certainly set, bits possibly set). Identifiers that are not flags (a `gfp`
//! parameter, a local variable) are "any bits", which makes `gfp | GFP_KERNEL` sleep and
//! `gfp & ~__GFP_RECLAIM` not sleep without knowing `gfp`.

/// A set of GFP bits (the kernel uses fewer than 32).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub struct GfpSet(pub u64);

impl GfpSet {
    pub fn bit(i: u32) -> GfpSet {
        GfpSet(1u64 << i)
    }
    pub fn contains(self, other: GfpSet) -> bool {
        self.0 & other.0 == other.0
    }
    pub fn intersects(self, other: GfpSet) -> bool {
        self.0 & other.0 != 0
    }
}

/// What an expression evaluates to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GfpValue {
    /// Every bit is known.
    Known(GfpSet),
    /// Some bits depend on identifiers that are not flags.
    Partial {
        must: GfpSet,
        may: GfpSet,
        unknown: Vec<String>,
    },
    /// Not an expression we can evaluate (calls, ternaries, ...).
    Opaque,
}

/// Whether a GFP argument lets the allocator sleep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sleepiness {
    Sleeps,
    DoesNotSleep,
    /// Depends on identifiers we cannot see (`gfp` parameters, variables).
    Depends(Vec<String>),
    Unknown,
}

/// Tokens of a flag expression.
#[derive(Debug, Clone, PartialEq)]
enum Tok<'a> {
    Ident(&'a str),
    Num(u64),
    Op(u8),
}

const MAX_DEPTH: usize = 64;

/// The expression's tokens (`crate::ctoken`, comments skipped): flags, numbers (hex or
/// decimal) and the operators `| & ^ ~ ( )`; anything else makes it opaque.
fn tokenize(text: &str) -> Option<Vec<Tok<'_>>> {
    use crate::ctoken::{Lexer, Tok as T};
    Lexer::skipping_comments(text)
        .map(|t| {
            Some(match t.ok()?.tok {
                T::Ident(w) => Tok::Ident(w),
                T::Number(n) => {
                    let lit = n.trim_end_matches(['u', 'U', 'l', 'L']);
                    Tok::Num(
                        if let Some(h) = lit.strip_prefix("0x").or_else(|| lit.strip_prefix("0X")) {
                            u64::from_str_radix(h, 16).ok()?
                        } else {
                            lit.parse().ok()?
                        },
                    )
                }
                T::Punct(p @ ("|" | "&" | "~" | "(" | ")" | "^")) => Tok::Op(p.as_bytes()[0]),
                T::Punct(_) => return None,
            })
        })
        .collect()
}

#[derive(Clone, Copy)]
struct Abs {
    must: u64,
    may: u64,
}

struct Parser<'a, 'l> {
    toks: Vec<Tok<'a>>,
    pos: usize,
    lookup: &'l dyn Fn(&str) -> Option<GfpSet>,
    unknown: Vec<String>,
}

impl<'a> Parser<'a, '_> {
    fn peek(&self) -> Option<&Tok<'a>> {
        self.toks.get(self.pos)
    }
    fn binary(&mut self, level: u8, depth: usize) -> Option<Abs> {
        // level 0: |, 1: ^, 2: &
        if depth > MAX_DEPTH {
            return None;
        }
        if level == 3 {
            return self.unary(depth);
        }
        let op = [b'|', b'^', b'&'][level as usize];
        let mut lhs = self.binary(level + 1, depth + 1)?;
        while self.peek() == Some(&Tok::Op(op)) {
            self.pos += 1;
            let rhs = self.binary(level + 1, depth + 1)?;
            lhs = match op {
                b'|' => Abs {
                    must: lhs.must | rhs.must,
                    may: lhs.may | rhs.may,
                },
                b'&' => Abs {
                    must: lhs.must & rhs.must,
                    may: lhs.may & rhs.may,
                },
                _ if lhs.must == lhs.may && rhs.must == rhs.may => {
                    let v = lhs.must ^ rhs.must;
                    Abs { must: v, may: v }
                }
                _ => Abs {
                    must: 0,
                    may: u64::MAX,
                },
            };
        }
        Some(lhs)
    }
    fn unary(&mut self, depth: usize) -> Option<Abs> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()?.clone() {
            Tok::Op(b'~') => {
                self.pos += 1;
                let v = self.unary(depth + 1)?;
                Some(Abs {
                    must: !v.may,
                    may: !v.must,
                })
            }
            Tok::Op(b'(') => {
                self.pos += 1;
                // A cast such as `(__force gfp_t)` or `(gfp_t)`: skip it.
                let is_cast_word = |s: &str| s == "__force" || s.ends_with("_t");
                let mut j = self.pos;
                while let Some(Tok::Ident(w)) = self.toks.get(j) {
                    if !is_cast_word(w) {
                        break;
                    }
                    j += 1;
                }
                if j > self.pos && self.toks.get(j) == Some(&Tok::Op(b')')) {
                    self.pos = j + 1;
                    return self.unary(depth + 1);
                }
                let v = self.binary(0, depth + 1)?;
                if self.peek() != Some(&Tok::Op(b')')) {
                    return None;
                }
                self.pos += 1;
                Some(v)
            }
            Tok::Ident(id) => {
                self.pos += 1;
                match (self.lookup)(id) {
                    Some(set) => Some(Abs {
                        must: set.0,
                        may: set.0,
                    }),
                    None => {
                        if !self.unknown.iter().any(|u| u == id) {
                            self.unknown.push(id.to_string());
                        }
                        Some(Abs {
                            must: 0,
                            may: u64::MAX,
                        })
                    }
                }
            }
            Tok::Num(n) => {
                self.pos += 1;
                Some(Abs { must: n, may: n })
            }
            Tok::Op(_) => None,
        }
    }
}

/// Evaluates a flag expression; `lookup` maps flag names to their bits.
pub fn eval_flags(text: &str, lookup: &dyn Fn(&str) -> Option<GfpSet>) -> GfpValue {
    let Some(toks) = tokenize(text) else {
        return GfpValue::Opaque;
    };
    if toks.is_empty() {
        return GfpValue::Opaque;
    }
    let mut p = Parser {
        toks,
        pos: 0,
        lookup,
        unknown: Vec::new(),
    };
    match p.binary(0, 0) {
        Some(v) if p.pos == p.toks.len() => {
            if p.unknown.is_empty() {
                GfpValue::Known(GfpSet(v.must))
            } else {
                GfpValue::Partial {
                    must: GfpSet(v.must),
                    may: GfpSet(v.may),
                    unknown: p.unknown,
                }
            }
        }
        _ => GfpValue::Opaque,
    }
}

/// Whether `text` mentions a GFP flag at all (a cheap pre-filter before evaluating).
pub fn mentions_gfp_flag(text: &str) -> bool {
    text.contains("GFP_")
}

/// Classifies a GFP argument as sleeping or not; `None` when the text is not a GFP
/// expression (it names no flag and is not a bare identifier).
pub fn sleepiness(value: &GfpValue, sleep_bit: GfpSet) -> Sleepiness {
    match value {
        GfpValue::Known(set) => {
            if set.contains(sleep_bit) {
                Sleepiness::Sleeps
            } else {
                Sleepiness::DoesNotSleep
            }
        }
        GfpValue::Partial { must, may, unknown } => {
            if must.contains(sleep_bit) {
                Sleepiness::Sleeps
            } else if !may.intersects(sleep_bit) {
                Sleepiness::DoesNotSleep
            } else {
                Sleepiness::Depends(unknown.clone())
            }
        }
        GfpValue::Opaque => Sleepiness::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::Knowledge;

    fn sl(text: &str) -> Sleepiness {
        let k = Knowledge::builtin();
        sleepiness(&eval_flags(text, &|id| k.gfp_flag(id)), k.sleep_bit)
    }

    #[test]
    fn flags_as_bit_sets() {
        assert_eq!(sl("GFP_KERNEL"), Sleepiness::Sleeps);
        assert_eq!(sl("GFP_KERNEL | __GFP_ZERO"), Sleepiness::Sleeps);
        assert_eq!(sl("GFP_ATOMIC"), Sleepiness::DoesNotSleep);
        assert_eq!(sl("GFP_ATOMIC | __GFP_NOWARN"), Sleepiness::DoesNotSleep);
        assert_eq!(
            sl("GFP_KERNEL & ~__GFP_DIRECT_RECLAIM"),
            Sleepiness::DoesNotSleep
        );
        assert_eq!(
            sl("GFP_KERNEL & ~(__GFP_RECLAIM)"),
            Sleepiness::DoesNotSleep
        );
        assert_eq!(sl("(__force gfp_t)(GFP_NOIO)"), Sleepiness::Sleeps);
        assert_eq!(sl("__GFP_DIRECT_RECLAIM"), Sleepiness::Sleeps);
        assert_eq!(sl("GFP_NOWAIT"), Sleepiness::DoesNotSleep);
        assert_eq!(sl("gfp | GFP_KERNEL"), Sleepiness::Sleeps);
        assert_eq!(sl("gfp & ~__GFP_RECLAIM"), Sleepiness::DoesNotSleep);
        assert_eq!(
            sl("gfp | __GFP_ZERO"),
            Sleepiness::Depends(vec!["gfp".into()])
        );
        assert_eq!(
            sl("in_atomic() ? GFP_ATOMIC : GFP_KERNEL"),
            Sleepiness::Unknown
        );
        assert_eq!(sl("((((((GFP_USER))))))"), Sleepiness::Sleeps);
    }

    #[test]
    fn deep_nesting_is_opaque_not_a_crash() {
        let text = format!("{}GFP_KERNEL{}", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(sl(&text), Sleepiness::Unknown);
        let text = "~".repeat(10_000) + "GFP_KERNEL";
        assert_eq!(sl(&text), Sleepiness::Unknown);
    }
}
