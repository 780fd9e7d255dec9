//! How many bits an integer expression's values can take, from where its values come
//! from: a size factor `line_width` assigned `crtc->mode.hdisplay` (a `u16` field)
//! holds 16 bits whatever its own `size_t` type, `group / per_block` no more than
//! `group`, `roundup_pow_of_two(n)` one bit more than `n`.
//!
//! The result is an upper bound (`None`: no bound known). `alloc-size-overflow` asks
//! it so that a product is called overflowing only when its factors' values, not
//! just their declared types, can reach the product type's limit.

use crate::consteval::{looks_like_type, precedence, split_args};
use crate::ctoken::{self, Tok, Token};

/// What the evaluator needs to know about the names of an expression.
pub trait BitsEnv {
    /// The value of a constant expression (`8`, `ARRAY_SIZE(tbl)`, `sizeof(*p)`).
    fn constant(&self, text: &str) -> Option<u64>;
    /// The bits of a local's or parameter's values (its type, narrowed by its
    /// assignments or by what its callers pass).
    fn name_bits(&self, name: &str) -> Option<u32>;
    /// The bits of the type of an access (`p->len`, `cfg.mode.hdisplay`) when it is
    /// an integer.
    fn access_bits(&self, text: &str) -> Option<u32>;
    /// The bits of an integer type (`u16`, `unsigned int`).
    fn type_bits(&self, ty: &str) -> Option<u32>;
}

/// Bits of the values of `text`, at most 64, if bounded.
pub fn value_bits(text: &str, env: &dyn BitsEnv) -> Option<u32> {
    let toks = ctoken::tokens(text)?;
    let mut p = Parser {
        toks: &toks,
        pos: 0,
        text,
        env,
        depth: 0,
    };
    let bits = p.ternary()?;
    (p.pos == toks.len()).then_some(bits.min(64))
}

/// Bits needed to write `v`.
pub fn bits_of(v: u64) -> u32 {
    64 - v.leading_zeros()
}

const MAX_DEPTH: u32 = 64;

/// An object's size, or its number of elements, when not evaluated: below 16 MiB on
/// any real kernel type (as `alloc-size-overflow` assumes for an unknown `sizeof`).
const OBJECT_BITS: u32 = 24;

struct Parser<'p, 't> {
    toks: &'p [Token<'t>],
    pos: usize,
    text: &'t str,
    env: &'p dyn BitsEnv,
    depth: u32,
}

impl<'t> Parser<'_, 't> {
    fn punct(&self) -> Option<&'static str> {
        match self.toks.get(self.pos)?.tok {
            Tok::Punct(p) => Some(p),
            _ => None,
        }
    }

    fn expect(&mut self, p: &str) -> Option<()> {
        (self.punct()? == p).then(|| self.pos += 1)
    }

    /// The text from token `from` up to (not including) token `to`.
    fn slice(&self, from: usize, to: usize) -> &'t str {
        let Some(start) = self.toks.get(from).map(|t| t.start) else {
            return "";
        };
        let end = self.toks.get(to).map_or(self.text.len(), |t| t.start);
        &self.text[start..end]
    }

    /// The index just past the bracket matching the one at `open`.
    fn matching(&self, open: usize) -> Option<usize> {
        let (o, c) = match self.toks.get(open)?.tok {
            Tok::Punct("(") => ("(", ")"),
            Tok::Punct("[") => ("[", "]"),
            _ => return None,
        };
        let mut depth = 0usize;
        for (i, t) in self.toks.iter().enumerate().skip(open) {
            match t.tok {
                Tok::Punct(p) if p == o => depth += 1,
                Tok::Punct(p) if p == c => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Past the nesting limit: gives up on the whole text (the position moves past
    /// the end, which no caller accepts).
    fn too_deep(&mut self) -> bool {
        if self.depth >= MAX_DEPTH {
            self.pos = self.toks.len() + 1;
            return true;
        }
        self.depth += 1;
        false
    }

    fn ternary(&mut self) -> Option<u32> {
        if self.too_deep() {
            return None;
        }
        let c = self.binary(0);
        let r = if self.punct() == Some("?") {
            self.pos += 1;
            let a = self.ternary();
            self.expect(":")?;
            let b = self.ternary();
            Some(a?.max(b?))
        } else {
            c
        };
        self.depth -= 1;
        r
    }

    /// Binary operators; an unbounded operand does not stop the parse (`x & 0xff`
    /// is bounded whatever `x` is).
    fn binary(&mut self, min_prec: u8) -> Option<u32> {
        let mut lhs = self.unary();
        loop {
            let Some(op) = self.punct() else {
                return lhs;
            };
            let Some(prec) = precedence(op) else {
                return lhs;
            };
            if prec < min_prec {
                return lhs;
            }
            self.pos += 1;
            let start = self.pos;
            let rhs = self.binary(prec + 1);
            let rhs_const = self.env.constant(self.slice(start, self.pos));
            lhs = combine(op, lhs, rhs, rhs_const);
        }
    }

    fn unary(&mut self) -> Option<u32> {
        if self.too_deep() {
            return None;
        }
        let r = self.unary_inner();
        self.depth -= 1;
        r
    }

    fn unary_inner(&mut self) -> Option<u32> {
        let start = self.pos;
        match self.toks.get(self.pos)?.tok {
            Tok::Punct("!") => {
                self.pos += 1;
                self.unary();
                Some(1)
            }
            Tok::Punct("+") => {
                self.pos += 1;
                self.unary()
            }
            // Negative values are huge as sizes; `~x` sets the high bits.
            Tok::Punct("-" | "~" | "*" | "&") => {
                self.pos += 1;
                self.unary();
                None
            }
            Tok::Punct("(") => {
                let close = self.matching(self.pos)?;
                let inner = self.slice(self.pos + 1, close - 1);
                let operand_follows = matches!(
                    self.toks.get(close).map(|t| t.tok),
                    Some(Tok::Ident(_) | Tok::Number(_) | Tok::Punct("(" | "~" | "!" | "-"))
                );
                if operand_follows && looks_like_type(inner) {
                    // `(u16)x` holds 16 bits whatever `x`; `(size_t)n` no more than `n`.
                    let ty = self.env.type_bits(inner.trim());
                    self.pos = close;
                    let v = self.unary();
                    return match (ty, v) {
                        (Some(t), Some(v)) => Some(t.min(v)),
                        (t, v) => t.or(v),
                    };
                }
                self.pos += 1;
                let v = self.ternary();
                self.expect(")")?;
                v
            }
            Tok::Number(n) => {
                self.pos += 1;
                self.env.constant(n).map(bits_of)
            }
            Tok::Ident("sizeof") => {
                self.pos += 1;
                if self.punct() == Some("(") {
                    self.pos = self.matching(self.pos)?;
                } else {
                    self.postfix();
                }
                Some(
                    self.env
                        .constant(self.slice(start, self.pos))
                        .map_or(OBJECT_BITS, bits_of),
                )
            }
            Tok::Ident(name) => {
                self.pos += 1;
                if self.punct() == Some("(") {
                    let close = self.matching(self.pos)?;
                    let whole = self.slice(start, close);
                    let args = self.slice(self.pos + 1, close - 1);
                    self.pos = close;
                    if let Some(v) = self.env.constant(whole) {
                        return Some(bits_of(v));
                    }
                    return helper(name, &split_args(args), self.env);
                }
                if self.postfix() {
                    self.env.access_bits(self.slice(start, self.pos))
                } else {
                    self.env
                        .constant(name)
                        .map(bits_of)
                        .or_else(|| self.env.name_bits(name))
                }
            }
            Tok::Punct(_) => None,
        }
    }

    /// Member accesses and subscripts after a name; whether there were any.
    fn postfix(&mut self) -> bool {
        let at = self.pos;
        loop {
            match self.punct() {
                Some("->" | ".") => {
                    if let Some(Tok::Ident(_)) = self.toks.get(self.pos + 1).map(|t| t.tok) {
                        self.pos += 2;
                    } else {
                        break;
                    }
                }
                Some("[") => match self.matching(self.pos) {
                    Some(end) => self.pos = end,
                    None => break,
                },
                _ => break,
            }
        }
        self.pos > at
    }
}

/// `a op b` in bits; `rhs_const` is `b`'s value when it is a constant.
fn combine(op: &str, a: Option<u32>, b: Option<u32>, rhs_const: Option<u64>) -> Option<u32> {
    let log2 = |c: u64| 63 - c.leading_zeros();
    match op {
        "*" => Some(a? + b?),
        "+" => Some(a?.max(b?) + 1),
        // `len - 1` wraps when `len` is 0.
        "-" => None,
        "/" => match rhs_const {
            Some(c) if c > 0 => Some(a?.saturating_sub(log2(c))),
            _ => a,
        },
        "%" => match rhs_const {
            Some(c) if c > 0 => Some(bits_of(c - 1)),
            _ => a,
        },
        "<<" => Some(a? + u32::try_from(rhs_const?).ok().filter(|s| *s < 64)?),
        ">>" => match rhs_const {
            Some(c) => Some(a?.saturating_sub(u32::try_from(c.min(64)).ok()?)),
            None => a,
        },
        "&" => match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        },
        "|" | "^" => Some(a?.max(b?)),
        _ => Some(1),
    }
}

/// The kernel's arithmetic helpers (the evaluator's own, as in `consteval`).
fn helper(name: &str, args: &[&str], env: &dyn BitsEnv) -> Option<u32> {
    let arg = |i: usize| args.get(i).and_then(|a| value_bits(a, env));
    let typed = usize::from(name.ends_with("_t"));
    match (name, args.len()) {
        ("min" | "min_t", n) if n == 2 + typed => match (arg(typed), arg(typed + 1)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        },
        ("max" | "max_t", n) if n == 2 + typed => Some(arg(typed)?.max(arg(typed + 1)?)),
        ("clamp" | "clamp_val", 3) => arg(2),
        ("clamp_t", 4) => arg(3),
        (
            "roundup_pow_of_two" | "ALIGN" | "PAGE_ALIGN" | "round_up" | "roundup" | "DIV_ROUND_UP",
            _,
        ) => Some(arg(0)? + 1),
        ("ARRAY_SIZE", 1) => Some(OBJECT_BITS),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Env;
    impl BitsEnv for Env {
        fn constant(&self, text: &str) -> Option<u64> {
            match text.trim() {
                "PER_BLOCK" => Some(64),
                t => t
                    .trim_end_matches(['u', 'U', 'l', 'L'])
                    .parse()
                    .ok()
                    .or_else(|| {
                        t.strip_prefix("0x")
                            .and_then(|h| u64::from_str_radix(h, 16).ok())
                    }),
            }
        }
        fn name_bits(&self, name: &str) -> Option<u32> {
            match name {
                "group" => Some(32),
                "width" => Some(16),
                _ => None,
            }
        }
        fn access_bits(&self, text: &str) -> Option<u32> {
            (text == "mode->hdisplay").then_some(16)
        }
        fn type_bits(&self, ty: &str) -> Option<u32> {
            match ty {
                "u8" => Some(8),
                "u16" => Some(16),
                "size_t" => Some(64),
                _ => None,
            }
        }
    }

    fn bits(t: &str) -> Option<u32> {
        value_bits(t, &Env)
    }

    #[test]
    fn bounds_follow_the_operators() {
        assert_eq!(bits("mode->hdisplay"), Some(16));
        assert_eq!(bits("group / PER_BLOCK + 1"), Some(27));
        assert_eq!(bits("group * width"), Some(48));
        assert_eq!(bits("unknown & 0x7ff"), Some(11));
        assert_eq!(bits("(u8)unknown"), Some(8));
        assert_eq!(bits("(size_t)width"), Some(16));
        assert_eq!(bits("min(unknown, 100)"), Some(7));
        assert_eq!(bits("min_t(u32, group, width)"), Some(16));
        assert_eq!(bits("roundup_pow_of_two(width)"), Some(17));
        assert_eq!(bits("unknown % 10"), Some(4));
        assert_eq!(bits("group >> 8"), Some(24));
        assert_eq!(bits("cond ? width : 3"), Some(16));
        assert_eq!(bits("ARRAY_SIZE(tbl)"), Some(24));
        assert_eq!(bits("sizeof(id) * 2"), Some(26));
    }

    #[test]
    fn unknowns_stay_unbounded() {
        assert_eq!(bits("unknown"), None);
        assert_eq!(bits("width - 1"), None);
        assert_eq!(bits("-width"), None);
        assert_eq!(bits("unknown + 1"), None);
        assert_eq!(bits("max(unknown, 3)"), None);
        assert_eq!(bits("f(width)"), None);
        assert_eq!(bits("width +"), None);
        assert_eq!(bits("((((("), None);
    }
}
