//! Constant evaluation of size and order arguments, from their text.
//!
//! Integer literals (with suffixes), `+ - * / % << >> | & ^ ~ !`, comparisons, `?:`,
//! parentheses, casts, `sizeof(type)`, object-like macros (through [`Env`]) and a few
//! kernel helpers (`BIT()`, `KB()`, `ALIGN()`, `get_order()`, ...). Anything else — a
//! variable, a function call, `sizeof(*p)` — makes the value unknown (`None`): lints
//! stay silent rather than guess.
//!
//! Never panics: arithmetic is checked (overflow is unknown), recursion is capped by
//! [`MAX_DEPTH`] (parentheses, macro expansion, helper arguments) and the work of one
//! evaluation by [`MAX_STEPS`] (macros that expand exponentially).
//!
//! In the pipeline (stage *sizes*, `src/consteval.rs`, `src/decl_index.rs`,
//! `src/target.rs`): size and order arguments evaluated as constants (`ctoken.rs`: the
//! one lexer of the size, GFP, operand-type and `#if` evaluators): defines and
//! enumerators through includes (quoted ones also from the directories above; register
//! maps' defines re-read by name; names the run lacks from the kernel tree's headers,
//! the run's `KernelHeaders`), `sizeof` of types and of expressions typed from the
//! caller's declarations (`*p`, `p->f[0]`), struct layouts (SysV x86-64: bit-fields,
//! packing, alignment attributes, `#ifdef` members by target/config), kernel types from
//! `lints/types-x86_64-{6.1,6.12}.toml` (BTF-generated: vmlinux and module-only types;
//! `knowledge::type_layouts` picks by target version), else from their definitions in
//! the tree's headers (`KernelHeaders::type_definition`); includes through drivers'
//! `-I` directories (the one run header below the subsystem ending with the include);
//! members declared by macros (`member_macro` rows, and the file's own member-list
//! `#define`s, `Decls::member_templates`, spliced in; the pre-pass closes such a call
//! with `;` so it parses); file-scope variables and arrays typed (`Decls::variables`,
//! `arrays`); against the target's page size, orders, kmalloc classes, devres header.
//! `gfplint debug-sizes` (hidden) prints them

use std::cell::Cell;

/// Deepest nesting of parentheses, macros and helper calls evaluated.
pub const MAX_DEPTH: u32 = 128;
/// Most tokens and macro expansions one top-level evaluation may spend.
pub const MAX_STEPS: u32 = 20_000;

/// What the evaluator asks of its surroundings.
pub trait Env {
    /// Value text of an object-like macro visible here (`#define NAME value`).
    fn define(&self, name: &str) -> Option<&str>;
    /// A built-in constant (`PAGE_SIZE`, `SZ_4K`).
    fn constant(&self, name: &str) -> Option<i128>;
    /// `sizeof(ty)`, `ty` as written (`struct foo`, `u32`, `char *`); `ev` evaluates
    /// array dimensions of struct fields.
    fn sizeof_type(&self, ty: &str, ev: &Evaluator) -> Option<u64>;
    /// `get_order()` of the target.
    fn page_shift(&self) -> u32;
    /// The element count of a file-scope array visible here, as written (its dimension
    /// or the number of its initializers).
    fn array_length(&self, _name: &str) -> Option<&str> {
        None
    }
}

/// One evaluation: its environment, remaining budget and current depth.
pub struct Evaluator<'e> {
    pub env: &'e dyn Env,
    steps: Cell<u32>,
    depth: Cell<u32>,
}

/// Evaluates `text` to a non-negative value that fits in `u64`.
pub fn eval(text: &str, env: &dyn Env) -> Option<u64> {
    Evaluator::new(env).eval(text)
}

impl<'e> Evaluator<'e> {
    pub fn new(env: &'e dyn Env) -> Self {
        Evaluator {
            env,
            steps: Cell::new(0),
            depth: Cell::new(0),
        }
    }

    /// Evaluates text nested in the current evaluation (a macro body, an array size).
    pub fn eval(&self, text: &str) -> Option<u64> {
        let v = self.eval_signed(text)?;
        u64::try_from(v).ok()
    }

    fn eval_signed(&self, text: &str) -> Option<i128> {
        self.enter()?;
        let r = (|| {
            let toks = tokenize(text)?;
            self.spend(toks.len() as u32)?;
            let mut p = Parser {
                toks: &toks,
                pos: 0,
                ev: self,
                text,
            };
            let v = p.ternary()?;
            (p.pos == toks.len()).then_some(v)
        })();
        self.leave();
        r
    }

    fn enter(&self) -> Option<()> {
        let d = self.depth.get() + 1;
        if d > MAX_DEPTH {
            return None;
        }
        self.depth.set(d);
        Some(())
    }

    fn leave(&self) {
        self.depth.set(self.depth.get().saturating_sub(1));
    }

    fn spend(&self, n: u32) -> Option<()> {
        let s = self.steps.get().saturating_add(n);
        self.steps.set(s);
        (s <= MAX_STEPS).then_some(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok<'t> {
    Num(i128),
    Ident(&'t str),
    /// Operator or punctuation; `start` is its byte offset (for `sizeof(...)` text).
    Punct(&'static str, usize),
}

/// The expression's tokens (`crate::ctoken`; comments are not skipped, so a commented
/// expression does not evaluate). `->`, `.` and `[ ]` only appear inside `sizeof`
/// operands (`sizeof p->ring[0]`); anywhere else the parser rejects them.
fn tokenize(text: &str) -> Option<Vec<Tok<'_>>> {
    use crate::ctoken::{Lexer, Tok as T};
    Lexer::new(text)
        .map(|t| {
            let t = t.ok()?;
            Some(match t.tok {
                T::Number(n) => Tok::Num(parse_int(n)?),
                T::Ident(w) => Tok::Ident(w),
                T::Punct(p) => Tok::Punct(p, t.start),
            })
        })
        .collect()
}

/// `4096`, `0x1000UL`, `010`, `0b101`, `1ULL`.
fn parse_int(s: &str) -> Option<i128> {
    let digits = s.trim_end_matches(['u', 'U', 'l', 'L']);
    if digits.is_empty() || digits.len() + 3 < s.len() {
        return None;
    }
    let (radix, body) = if let Some(h) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, h)
    } else if let Some(bin) = digits
        .strip_prefix("0b")
        .or_else(|| digits.strip_prefix("0B"))
    {
        (2, bin)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    let v = u64::from_str_radix(body, radix).ok()?;
    Some(v as i128)
}

/// Words that make a parenthesised sequence a type name.
const TYPE_WORDS: &[&str] = &[
    "unsigned", "signed", "int", "long", "short", "char", "void", "struct", "union", "enum",
    "const", "volatile", "bool", "_Bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
    "__u8", "__u16", "__u32", "__u64", "__s8", "__s16", "__s32", "__s64", "ulong", "uint",
    "ushort", "uchar", "float", "double",
];

pub fn is_type_word(w: &str) -> bool {
    TYPE_WORDS.contains(&w) || w.ends_with("_t")
}

/// Inclusive limit of values kept during evaluation (C's widest is 64-bit unsigned).
const LIMIT: i128 = u64::MAX as i128;

fn checked(v: Option<i128>) -> Option<i128> {
    v.filter(|x| (-LIMIT..=LIMIT).contains(x))
}

struct Parser<'p, 't> {
    toks: &'p [Tok<'t>],
    pos: usize,
    ev: &'p Evaluator<'p>,
    text: &'t str,
}

impl<'t> Parser<'_, 't> {
    fn peek(&self) -> Option<Tok<'t>> {
        self.toks.get(self.pos).copied()
    }

    fn peek_punct(&self) -> Option<&'static str> {
        match self.peek() {
            Some(Tok::Punct(p, _)) => Some(p),
            _ => None,
        }
    }

    fn expect(&mut self, p: &str) -> Option<()> {
        (self.peek_punct()? == p).then(|| self.pos += 1)
    }

    /// `c ? a : b`, right-associative.
    fn ternary(&mut self) -> Option<i128> {
        self.ev.enter()?;
        let r = (|| {
            let c = self.binary(0)?;
            if self.peek_punct() != Some("?") {
                return Some(c);
            }
            self.pos += 1;
            let a = self.ternary()?;
            self.expect(":")?;
            let b = self.ternary()?;
            Some(if c != 0 { a } else { b })
        })();
        self.ev.leave();
        r
    }

    fn binary(&mut self, min_prec: u8) -> Option<i128> {
        let mut lhs = self.unary()?;
        loop {
            let Some(op) = self.peek_punct() else {
                return Some(lhs);
            };
            let Some(prec) = precedence(op) else {
                return Some(lhs);
            };
            if prec < min_prec {
                return Some(lhs);
            }
            self.pos += 1;
            let rhs = self.binary(prec + 1)?;
            lhs = apply(op, lhs, rhs)?;
        }
    }

    fn unary(&mut self) -> Option<i128> {
        self.ev.enter()?;
        let r = self.unary_inner();
        self.ev.leave();
        r
    }

    fn unary_inner(&mut self) -> Option<i128> {
        match self.peek()? {
            Tok::Punct("-", _) => {
                self.pos += 1;
                checked(self.unary()?.checked_neg())
            }
            Tok::Punct("+", _) => {
                self.pos += 1;
                self.unary()
            }
            Tok::Punct("~", _) => {
                self.pos += 1;
                // Two's complement of a 64-bit value, kept signed so `&` masks work.
                Some(!self.unary()?)
            }
            Tok::Punct("!", _) => {
                self.pos += 1;
                Some((self.unary()? == 0) as i128)
            }
            Tok::Punct("(", _) => {
                if let Some(end) = self.cast_end() {
                    self.pos = end;
                    return self.unary();
                }
                self.pos += 1;
                let v = self.ternary()?;
                self.expect(")")?;
                Some(v)
            }
            Tok::Num(n) => {
                self.pos += 1;
                Some(n)
            }
            Tok::Ident("sizeof") => {
                self.pos += 1;
                let inner = if self.peek_punct() == Some("(") {
                    let (inner, end) = self.paren_text()?;
                    self.pos = end;
                    inner
                } else {
                    self.unparenthesised_operand()?
                };
                let size = self.ev.env.sizeof_type(inner.trim(), self.ev)?;
                Some(size as i128)
            }
            Tok::Ident(name) => {
                self.pos += 1;
                if self.peek_punct() == Some("(") {
                    let args = self.call_args()?;
                    return self.helper(name, &args);
                }
                self.ident(name)
            }
            Tok::Punct(..) => None,
        }
    }

    /// The operand text of `sizeof *p`, `sizeof p->ring[0]`: prefix `*`/`&`, a name,
    /// then member accesses and subscripts; moves past it.
    fn unparenthesised_operand(&mut self) -> Option<&'t str> {
        let offset = |t: Tok<'t>| -> usize {
            match t {
                Tok::Punct(_, at) => at,
                Tok::Ident(w) => w.as_ptr() as usize - self.text.as_ptr() as usize,
                Tok::Num(_) => usize::MAX,
            }
        };
        let start = offset(self.peek()?);
        if start == usize::MAX {
            return None;
        }
        while matches!(self.peek_punct(), Some("*" | "&")) {
            self.pos += 1;
        }
        let Some(Tok::Ident(first)) = self.peek() else {
            return None;
        };
        let mut end = offset(Tok::Ident(first)) + first.len();
        self.pos += 1;
        loop {
            match self.peek_punct() {
                Some("->" | ".") => {
                    let Some(Tok::Ident(f)) = self.toks.get(self.pos + 1).copied() else {
                        return None;
                    };
                    end = offset(Tok::Ident(f)) + f.len();
                    self.pos += 2;
                }
                Some("[") => {
                    let mut depth = 0u32;
                    loop {
                        match self.peek()? {
                            Tok::Punct("[", _) => depth += 1,
                            Tok::Punct("]", at) => {
                                depth -= 1;
                                if depth == 0 {
                                    end = at + 1;
                                    self.pos += 1;
                                    break;
                                }
                            }
                            _ => {}
                        }
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
        self.text.get(start..end)
    }

    fn ident(&self, name: &str) -> Option<i128> {
        // `#define CAN_NOT_SLEEP false`: C23/stdbool constants.
        match name {
            "false" => return Some(0),
            "true" => return Some(1),
            _ => {}
        }
        if let Some(v) = self.ev.env.constant(name) {
            return Some(v);
        }
        let body = self.ev.env.define(name)?;
        self.ev.spend(1)?;
        self.ev.eval_signed(body)
    }

    /// If a cast `(type)` starts here and is followed by an operand, the token index
    /// after its `)`.
    fn cast_end(&self) -> Option<usize> {
        let mut i = self.pos + 1;
        let mut typeish = false;
        let mut any = false;
        loop {
            match self.toks.get(i)? {
                Tok::Ident(w) => {
                    typeish |= is_type_word(w);
                    any = true;
                }
                Tok::Punct("*", _) => typeish |= any,
                Tok::Punct(")", _) => break,
                _ => return None,
            }
            i += 1;
        }
        if !typeish {
            return None;
        }
        match self.toks.get(i + 1)? {
            Tok::Num(_) | Tok::Ident(_) | Tok::Punct("(" | "~" | "!", _) => Some(i + 1),
            _ => None,
        }
    }

    /// The source text inside a parenthesised group starting at `pos`, and the token
    /// index after its `)`.
    fn paren_text(&self) -> Option<(&'t str, usize)> {
        let Tok::Punct("(", open) = self.peek()? else {
            return None;
        };
        let mut depth = 0u32;
        for (i, t) in self.toks.iter().enumerate().skip(self.pos) {
            match t {
                Tok::Punct("(", _) => depth += 1,
                Tok::Punct(")", close) => {
                    depth -= 1;
                    if depth == 0 {
                        return Some((&self.text[open + 1..*close], i + 1));
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Texts of the comma-separated arguments of `(a, b)` at `pos`; moves past `)`.
    fn call_args(&mut self) -> Option<Vec<&'t str>> {
        let (inner, end) = self.paren_text()?;
        self.pos = end;
        let mut args = Vec::new();
        let mut depth = 0i32;
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                ',' if depth == 0 => {
                    args.push(&inner[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        if !inner.trim().is_empty() {
            args.push(&inner[start..]);
        }
        Some(args)
    }

    /// Kernel helpers whose value follows from their arguments.
    fn helper(&self, name: &str, args: &[&str]) -> Option<i128> {
        let ev = self.ev;
        let arg = |i: usize| -> Option<i128> { ev.eval_signed(args.get(i)?) };
        let n = args.len();
        match (name, n) {
            ("BIT" | "BIT_ULL", 1) => {
                checked(1i128.checked_shl(u32::try_from(arg(0)?).ok().filter(|&s| s < 64)?))
            }
            // include/linux/bits.h: bits h..l set.
            ("GENMASK" | "GENMASK_ULL", 2) => {
                let (h, l) = (arg(0)?, arg(1)?);
                if !(0..64).contains(&h) || !(0..=h).contains(&l) {
                    return None;
                }
                Some(((1i128 << (h + 1)) - 1) & !((1i128 << l) - 1))
            }
            // include/linux/bitfield.h: `val` shifted to the mask's lowest bit, masked.
            ("FIELD_PREP", 2) => {
                let (mask, val) = (arg(0)?, arg(1)?);
                if mask <= 0 {
                    return None;
                }
                let shift = mask.trailing_zeros();
                checked(val.checked_shl(shift).map(|v| v & mask))
            }
            ("KB" | "SZ_KB", 1) => checked(arg(0)?.checked_mul(1 << 10)),
            ("MB" | "SZ_MB", 1) => checked(arg(0)?.checked_mul(1 << 20)),
            ("GB", 1) => checked(arg(0)?.checked_mul(1 << 30)),
            ("_AC" | "_UL" | "_ULL" | "UL" | "ULL", _) => arg(0),
            ("ALIGN" | "round_up" | "roundup" | "__ALIGN_KERNEL", 2) => {
                let (x, a) = (arg(0)?, arg(1)?);
                if a <= 0 {
                    return None;
                }
                checked(x.checked_add(a - 1).map(|s| s / a * a))
            }
            ("PAGE_ALIGN", 1) => {
                let a = 1i128 << ev.env.page_shift();
                checked(arg(0)?.checked_add(a - 1).map(|s| s / a * a))
            }
            // include/linux/bitops.h (64-bit longs, as the target's).
            ("BITS_TO_LONGS" | "BITS_TO_U64", 1) => {
                checked(arg(0)?.checked_add(63).map(|b| b / 64))
            }
            ("BITS_TO_U32", 1) => checked(arg(0)?.checked_add(31).map(|b| b / 32)),
            ("BITS_TO_BYTES", 1) => checked(arg(0)?.checked_add(7).map(|b| b / 8)),
            // A file-scope array's length, else `sizeof(x) / sizeof((x)[0])`.
            ("ARRAY_SIZE", 1) => {
                let x = args[0].trim();
                if let Some(len) = ev.env.array_length(x) {
                    return ev.eval_signed(len);
                }
                let all = ev.env.sizeof_type(x, ev)?;
                let one = ev.env.sizeof_type(&format!("({x})[0]"), ev)?;
                (one > 0 && all % one == 0).then(|| i128::from(all / one))
            }
            ("DIV_ROUND_UP", 2) => {
                let (x, d) = (arg(0)?, arg(1)?);
                if d <= 0 {
                    return None;
                }
                checked(x.checked_add(d - 1).map(|s| s / d))
            }
            ("min" | "min_t" | "max" | "max_t", _) => {
                let skip = usize::from(name.ends_with("_t"));
                if n != 2 + skip {
                    return None;
                }
                let (a, b) = (arg(skip)?, arg(skip + 1)?);
                Some(if name.starts_with("min") {
                    a.min(b)
                } else {
                    a.max(b)
                })
            }
            ("array_size" | "size_mul", 2) => checked(arg(0)?.checked_mul(arg(1)?)),
            ("size_add", 2) => checked(arg(0)?.checked_add(arg(1)?)),
            ("size_sub", 2) => checked(arg(0)?.checked_sub(arg(1)?)).filter(|v| *v >= 0),
            // `struct_size(p, member, n)`: `sizeof(*p) + n * sizeof(p->member[0])`
            // (include/linux/overflow.h); `flex_array_size` is the second term.
            ("struct_size" | "flex_array_size", 3) => {
                let (p, member) = (args[0].trim(), args[1].trim());
                let n = arg(2)?;
                let elem = ev.env.sizeof_type(&format!("({p})->{member}[0]"), ev)?;
                let tail = checked(n.checked_mul(i128::from(elem)))?;
                if name == "flex_array_size" {
                    return Some(tail);
                }
                let head = ev.env.sizeof_type(&format!("*({p})"), ev)?;
                checked(tail.checked_add(i128::from(head)))
            }
            ("array3_size", 3) => checked(arg(0)?.checked_mul(arg(1)?)?.checked_mul(arg(2)?)),
            ("get_order", 1) => {
                let size = u64::try_from(arg(0)?).ok()?;
                let pages = size.saturating_sub(1) >> ev.env.page_shift();
                Some(if pages == 0 {
                    0
                } else {
                    i128::from(64 - pages.leading_zeros())
                })
            }
            ("roundup_pow_of_two", 1) => {
                let x = u64::try_from(arg(0)?).ok().filter(|&x| x > 0)?;
                x.checked_next_power_of_two().map(i128::from)
            }
            _ => None,
        }
    }
}

/// Binary operators of C expressions by binding strength (higher binds tighter).
pub(crate) fn precedence(op: &str) -> Option<u8> {
    Some(match op {
        "||" => 1,
        "&&" => 2,
        "|" => 3,
        "^" => 4,
        "&" => 5,
        "==" | "!=" => 6,
        "<" | ">" | "<=" | ">=" => 7,
        "<<" | ">>" => 8,
        "+" | "-" => 9,
        "*" | "/" | "%" => 10,
        _ => return None,
    })
}

fn apply(op: &str, a: i128, b: i128) -> Option<i128> {
    let shift = |b: i128| u32::try_from(b).ok().filter(|&s| s < 64);
    checked(match op {
        "+" => a.checked_add(b),
        "-" => a.checked_sub(b),
        "*" => a.checked_mul(b),
        "/" => a.checked_div(b),
        "%" => a.checked_rem(b),
        "<<" => a.checked_shl(shift(b)?),
        ">>" => a.checked_shr(shift(b)?),
        "&" => Some(a & b),
        "|" => Some(a | b),
        "^" => Some(a ^ b),
        "==" => Some((a == b) as i128),
        "!=" => Some((a != b) as i128),
        "<" => Some((a < b) as i128),
        ">" => Some((a > b) as i128),
        "<=" => Some((a <= b) as i128),
        ">=" => Some((a >= b) as i128),
        "&&" => Some((a != 0 && b != 0) as i128),
        "||" => Some((a != 0 || b != 0) as i128),
        _ => None,
    })
}

/// Whether `text` is a type name (for `sizeof`): type words, identifiers and `*`.
pub fn looks_like_type(text: &str) -> bool {
    let mut words = text
        .split(|c: char| c.is_whitespace() || c == '*')
        .filter(|w| !w.is_empty());
    let first = words.next();
    first.is_some_and(|w| {
        is_type_word(w) || text.contains('*') && w.chars().all(|c| c.is_alphanumeric() || c == '_')
    })
}

/// The top-level factors of a product `a * b * c` (outer parentheses removed), when the
/// whole text is one; casts in front are dropped. `None` for anything else.
pub fn product_factors(text: &str) -> Option<Vec<String>> {
    let mut s = strip_outer_parens(text.trim());
    // Leading casts: `(size_t)n * m`.
    loop {
        let t = s.trim_start();
        if !t.starts_with('(') {
            break;
        }
        let close = matching_paren(t)?;
        let inner = &t[1..close];
        if looks_like_type(inner) && close + 1 < t.len() {
            s = &t[close + 1..];
        } else {
            break;
        }
    }
    let s = strip_outer_parens(s.trim());
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b'*' if depth == 0 => {
                // Binary `*` only: something other than an operator before it.
                let before = s[start..i].trim();
                // Unary `*`: at the start, after another `*` or after `sizeof`
                // (`sizeof *p`, `sizeof **ports`).
                if before.is_empty()
                    || before.ends_with('*')
                    || ends_with_word(before.trim_end_matches(['*', ' ']), "sizeof")
                {
                    continue;
                }
                parts.push(before.to_string());
                start = i + 1;
            }
            b'+' | b'-' | b'/' | b'%' | b'<' | b'>' | b'&' | b'|' | b'?' | b',' | b'=' | b'^'
                if depth == 0 =>
            {
                if c == b'-' && b.get(i + 1) == Some(&b'>') {
                    continue;
                }
                if c == b'>' && i > 0 && b[i - 1] == b'-' {
                    continue;
                }
                return None;
            }
            _ => {}
        }
    }
    parts.push(s[start..].trim().to_string());
    (parts.len() >= 2 && parts.iter().all(|p| !p.is_empty())).then_some(parts)
}

fn ends_with_word(s: &str, word: &str) -> bool {
    s.strip_suffix(word)
        .is_some_and(|rest| !rest.ends_with(|c: char| c.is_alphanumeric() || c == '_'))
}

/// The `)` closing the `(` that `s` starts with.
fn matching_paren(s: &str) -> Option<usize> {
    s.strip_prefix('(')
        .and_then(crate::parse::text::closing_paren)
        .map(|i| i + 1)
}

fn strip_outer_parens(mut s: &str) -> &str {
    for _ in 0..64 {
        let t = s.trim();
        if t.starts_with('(') && matching_paren(t) == Some(t.len() - 1) {
            s = &t[1..t.len() - 1];
        } else {
            return t;
        }
    }
    s
}

/// Helpers whose result is a constant when their counted arguments are: name and the
/// arguments that are only looked at through `sizeof` (struct_size's object and
/// member), which need not be constants themselves.
const CONSTANT_HELPERS: &[(&str, &[usize])] = &[
    ("struct_size", &[0, 1]),
    ("flex_array_size", &[0, 1]),
    ("struct_size_t", &[0, 1]),
    ("array_size", &[]),
    ("array3_size", &[]),
    ("size_mul", &[]),
    ("size_add", &[]),
    ("size_sub", &[]),
    ("BIT", &[]),
    ("BIT_ULL", &[]),
    ("ALIGN", &[]),
    ("PAGE_ALIGN", &[]),
    ("DIV_ROUND_UP", &[]),
    ("round_up", &[]),
    ("roundup", &[]),
    ("max", &[]),
    ("min", &[]),
    ("max_t", &[0]),
    ("min_t", &[0]),
    ("get_order", &[]),
    ("roundup_pow_of_two", &[]),
    ("KB", &[]),
    ("MB", &[]),
    ("SZ_KB", &[]),
    ("SZ_MB", &[]),
];

/// Whether `text` is a compile-time constant by its form: every identifier outside
/// `sizeof` is upper case (a macro or an enumerator), a type word of a cast, or a
/// constant helper; no member access, subscript or call of anything else.
pub fn is_syntactic_constant(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            let word = &text[start..i];
            let rest = text[i..].trim_start();
            if word == "sizeof" {
                // `sizeof(...)` or `sizeof *p`, `sizeof var`: always a constant here.
                if rest.starts_with('(') {
                    let open = text.len() - rest.len();
                    let Some(close) = close_paren(text, open) else {
                        return false;
                    };
                    i = close + 1;
                } else {
                    // `sizeof *p->x`: skip the operand's unary expression.
                    let mut j = text.len() - rest.len();
                    while j < b.len()
                        && (b[j].is_ascii_alphanumeric()
                            || matches!(b[j], b'_' | b'*' | b'.' | b'>' | b'-' | b' '))
                    {
                        // Stop at a binary operator after the operand.
                        if b[j] == b' ' && j + 1 < b.len() && !b[j + 1].is_ascii_alphanumeric() {
                            break;
                        }
                        j += 1;
                    }
                    i = j;
                }
                continue;
            }
            if let Some((_, skip)) = CONSTANT_HELPERS.iter().find(|(n, _)| *n == word)
                && rest.starts_with('(')
            {
                let open = text.len() - rest.len();
                let Some(close) = close_paren(text, open) else {
                    return false;
                };
                let args = split_args(&text[open + 1..close]);
                for (k, a) in args.iter().enumerate() {
                    if !skip.contains(&k) && !is_syntactic_constant(a) {
                        return false;
                    }
                }
                i = close + 1;
                continue;
            }
            let upper = word.bytes().all(|c| !c.is_ascii_lowercase());
            let type_word = looks_like_type(word);
            if !upper && (!type_word || rest.starts_with('(')) {
                return false;
            }
            continue;
        }
        if matches!(c, b'[' | b'.' | b'"' | b'\'' | b'=') || text[i..].starts_with("->") {
            return false;
        }
        i += 1;
    }
    !text.trim().is_empty()
}

fn close_paren(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (k, c) in text[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + k);
                }
            }
            _ => {}
        }
    }
    None
}

/// The top-level comma-separated parts of an argument list (brackets nest).
pub(crate) fn split_args(inner: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in inner.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&inner[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct TestEnv(HashMap<&'static str, &'static str>);

    impl Env for TestEnv {
        fn define(&self, name: &str) -> Option<&str> {
            self.0.get(name).copied()
        }
        fn constant(&self, name: &str) -> Option<i128> {
            match name {
                "PAGE_SIZE" => Some(4096),
                "PAGE_SHIFT" => Some(12),
                "SZ_4K" => Some(4096),
                _ => None,
            }
        }
        fn sizeof_type(&self, ty: &str, ev: &Evaluator) -> Option<u64> {
            match ty {
                "u32" | "int" => Some(4),
                "struct big" => ev.eval("BIG_LEN").map(|n| n * 8),
                _ => None,
            }
        }
        fn page_shift(&self) -> u32 {
            12
        }
    }

    fn env() -> TestEnv {
        TestEnv(HashMap::from([
            ("RING", "(256 * sizeof(u32))"),
            ("BIG_LEN", "RING"),
            ("LOOP_A", "LOOP_B"),
            ("LOOP_B", "(LOOP_A + 1)"),
            ("E0", "(E1 + E1)"),
            ("E1", "(E2 + E2)"),
            ("E2", "(E3 + E3)"),
            ("E3", "(E4 + E4)"),
            ("E4", "(E5 + E5)"),
            ("E5", "(E6 + E6)"),
            ("E6", "(E7 + E7)"),
            ("E7", "(E8 + E8)"),
            ("E8", "(E9 + E9)"),
            ("E9", "(E10 + E10)"),
            ("E10", "(E11 + E11)"),
            ("E11", "(E12 + E12)"),
            ("E12", "(E13 + E13)"),
            ("E13", "(E14 + E14)"),
            ("E14", "(E15 + E15)"),
            ("E15", "1"),
        ]))
    }

    fn ev(s: &str) -> Option<u64> {
        eval(s, &env())
    }

    #[test]
    fn literals_and_operators() {
        assert_eq!(ev("4096"), Some(4096));
        assert_eq!(ev("0x1000UL"), Some(4096));
        assert_eq!(ev("010"), Some(8));
        assert_eq!(ev("1ULL << 20"), Some(1 << 20));
        assert_eq!(ev("2 + 3 * 4"), Some(14));
        assert_eq!(ev("(2 + 3) * 4"), Some(20));
        assert_eq!(ev("100 / 3 % 7"), Some(5));
        assert_eq!(ev("0xff & ~0xf | 1"), Some(0xf1));
        assert_eq!(ev("1 ? 8 : 9"), Some(8));
        assert_eq!(ev("(size_t)PAGE_SIZE * 2"), Some(8192));
        assert_eq!(ev("(unsigned long)(1 << PAGE_SHIFT)"), Some(4096));
        assert_eq!(ev("SZ_4K + sizeof(u32)"), Some(4100));
        assert_eq!(ev("sizeof(int) * 3"), Some(12));
    }

    #[test]
    fn helpers_and_defines() {
        assert_eq!(ev("BIT(12)"), Some(4096));
        assert_eq!(ev("GENMASK(23, 16)"), Some(0xff_0000));
        assert_eq!(
            ev("FIELD_PREP(GENMASK(23, 16), 3) | BIT(2)"),
            Some(0x03_0004)
        );
        assert_eq!(ev("GENMASK(3, 5)"), None);
        assert_eq!(ev("KB(64)"), Some(65536));
        assert_eq!(ev("MB(2)"), Some(2 << 20));
        assert_eq!(ev("ALIGN(100, 64)"), Some(128));
        assert_eq!(ev("PAGE_ALIGN(1)"), Some(4096));
        assert_eq!(ev("DIV_ROUND_UP(4097, PAGE_SIZE)"), Some(2));
        assert_eq!(ev("max_t(u32, 16, RING)"), Some(1024));
        assert_eq!(ev("get_order(RING * 64)"), Some(4));
        assert_eq!(ev("RING"), Some(1024));
        assert_eq!(ev("sizeof(struct big)"), Some(8192));
        assert_eq!(ev("E5"), Some(1 << 10));
        // 2^15 expansions: over the step budget, so unknown rather than slow.
        assert_eq!(ev("E0"), None);
    }

    #[test]
    fn unknowns() {
        assert_eq!(ev("n * 4"), None);
        assert_eq!(ev("sizeof(*p)"), None);
        assert_eq!(ev("priv->len"), None);
        assert_eq!(ev("foo(3)"), None);
        assert_eq!(ev("LOOP_A"), None);
        assert_eq!(ev("4 - 8"), None);
        assert_eq!(ev("1 / 0"), None);
        assert_eq!(ev("1 << 64"), None);
        assert_eq!(ev("0xffffffffffffffff * 2"), None);
        assert_eq!(ev("\"str\""), None);
        assert_eq!(ev("(4"), None);
        assert_eq!(ev("4)"), None);
        assert_eq!(ev(""), None);
        assert_eq!(ev("99999999999999999999999999"), None);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
        let r = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || ev(&deep))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(r, None);
        let ok = format!("{}1{}", "(".repeat(20), ")".repeat(20));
        assert_eq!(ev(&ok), Some(1));
        let negs = format!("{}1", "-".repeat(10_000));
        assert_eq!(ev(&negs), None);
    }

    /// Random token soup: the evaluator and the product splitter must never panic.
    #[test]
    fn random_input_never_panics() {
        const PIECES: &[&str] = &[
            "(",
            ")",
            "*",
            "+",
            "-",
            "<<",
            ">>",
            "?",
            ":",
            ",",
            "~",
            "!",
            "sizeof",
            "RING",
            "LOOP_A",
            "E0",
            "BIT",
            "ALIGN",
            "get_order",
            "min_t",
            "u32",
            "0x",
            "1ULL",
            "99999999999999999999",
            "0",
            "->",
            "é",
            "\"",
            "[",
            "]",
            " ",
            "struct big",
            "(size_t)",
            "/",
            "%",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(seed % 24) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(PIECES[(seed % PIECES.len() as u64) as usize]);
            }
            let _ = ev(&text);
            let _ = product_factors(&text);
            seed = seed.wrapping_add(1);
        }
    }

    #[test]
    fn products() {
        assert_eq!(
            product_factors("n * sizeof(*p)"),
            Some(vec!["n".into(), "sizeof(*p)".into()])
        );
        assert_eq!(
            product_factors("(size_t)count * sizeof(struct x)").map(|v| v.len()),
            Some(2)
        );
        assert_eq!(
            product_factors("(a * b)"),
            Some(vec!["a".into(), "b".into()])
        );
        assert_eq!(product_factors("a * b + 4"), None);
        assert_eq!(product_factors("sizeof(*p)"), None);
        assert_eq!(product_factors("sizeof *p"), None);
        assert_eq!(product_factors("sizeof **ports"), None);
        assert_eq!(product_factors("n * sizeof *p").map(|v| v.len()), Some(2));
        assert_eq!(product_factors("(char *)x"), None);
        assert_eq!(product_factors("p->n * p->m").map(|v| v.len()), Some(2));
    }

    #[test]
    fn syntactic_constants() {
        assert!(is_syntactic_constant("sizeof(*priv)"));
        assert!(is_syntactic_constant("sizeof *priv"));
        assert!(is_syntactic_constant("RX_RING * sizeof(struct rx_desc)"));
        assert!(is_syntactic_constant("struct_size(p, items, NR_ITEMS)"));
        assert!(is_syntactic_constant("(size_t)PAGE_SIZE * 2"));
        assert!(!is_syntactic_constant("struct_size(p, items, n)"));
        assert!(!is_syntactic_constant("len"));
        assert!(!is_syntactic_constant("priv->len + 4"));
        assert!(!is_syntactic_constant("strlen(name) + 1"));
        assert!(!is_syntactic_constant("sizeof(*p) * count"));
        assert!(!is_syntactic_constant(""));
    }
}
