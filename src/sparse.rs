//! Checker mode for the kernel build (`make C=1|C=2 CHECK=gfplint`): kbuild runs
//! `$(CHECK) $(CHECKFLAGS) $(c_flags) file.c` once per file, with compiler arguments.
//! This module reads those arguments (`-D`, `-U`, `-I`, `-include`, `-isystem`, …; the
//! rest is ignored), gathers the macros they define (the forced includes pull in
//! `generated/autoconf.h`, the configuration's real `CONFIG_` values), and blanks the
//! branches of preprocessor conditionals those macros decide, so the analysis sees the
//! code this configuration compiles. Blanking keeps every byte offset (inactive text
//! becomes spaces, newlines stay), as the macro pre-pass does.
//!
//! Conditions are decided only when every name in them is known: `-D` and forced-include
//! macros, `#define`s of the file itself above the condition, and `CONFIG_` names once an
//! autoconf.h was read (an absent `CONFIG_` option is off). Anything else leaves the
//! conditional as it is (both branches analysed, as without a configuration).
//!
//! In the pipeline (stage *checker mode*, `src/sparse.rs`, `src/cli/checker.rs`): `make
//! C=1 CHECK=gfplint`: compiler arguments → macros (`-D`, forced includes → autoconf.h)
//! → inactive conditional branches blanked (same offsets) → the file, as an `Overlay`,
//! with its quoted headers as context. `--kconfig` uses the same blanking in the parse
//! stage (`Macros::from_dotconfig`, `fold_config_tests` for `IS_ENABLED()` in code; the
//! config's fingerprint joins the cache key)

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The compiler arguments kbuild passes to `$(CHECK)`, as far as gfplint uses them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CheckerArgs {
    /// `-DNAME[=VALUE]` in order (`-D NAME` too); a bare `-DNAME` is `1`.
    pub defines: Vec<(String, String)>,
    /// `-UNAME`, in order with `defines` (kept apart; applied after them).
    pub undefines: Vec<String>,
    /// `-I`, `-isystem`, `-iquote`, `-idirafter` directories, in order.
    pub include_dirs: Vec<PathBuf>,
    /// `-include FILE` (and `-imacros FILE`), in order.
    pub forced_includes: Vec<PathBuf>,
    /// The C files to check.
    pub files: Vec<String>,
    /// `-Wsparse-error`: findings of deny lints fail the command (sparse's meaning).
    pub sparse_error: bool,
}

/// Options whose value is the next argument when not attached.
const TAKES_VALUE: &[&str] = &[
    "-D",
    "-U",
    "-I",
    "-include",
    "-imacros",
    "-isystem",
    "-iquote",
    "-idirafter",
    "-o",
    "-x",
    "-MF",
    "-MT",
    "-MQ",
    "--param",
    "-Xpreprocessor",
    "-Xassembler",
    "-Xlinker",
];

impl CheckerArgs {
    /// Reads compiler arguments; unknown options (`-O2`, `-m64`, `-Wp,-MMD,…`, `-f…`,
    /// `-W…`, `--arch=x86`, `-std=gnu11`, …) are ignored, as sparse ignores them.
    pub fn parse(args: &[String]) -> CheckerArgs {
        let mut out = CheckerArgs::default();
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            i += 1;
            if !a.starts_with('-') || a == "-" {
                if a.ends_with(".c") || a.ends_with(".h") {
                    out.files.push(a.clone());
                }
                continue;
            }
            // `-include` before `-I`: the longest option name that prefixes the argument.
            let Some(opt) = TAKES_VALUE
                .iter()
                .filter(|o| a.starts_with(**o))
                .max_by_key(|o| o.len())
            else {
                if a == "-Wsparse-error" {
                    out.sparse_error = true;
                }
                continue;
            };
            // Options of two letters or more that merely start like ours (`-isysroot`,
            // `-Ofast` never matches; `-idirafter` is listed) are matched exactly when
            // the name is a word option.
            let attached = &a[opt.len()..];
            let is_word = opt.len() > 2;
            if is_word && !attached.is_empty() {
                // `-includefoo` is not `-include foo`; `--param=x` is ignored.
                continue;
            }
            let value = if attached.is_empty() {
                let Some(v) = args.get(i) else { break };
                i += 1;
                v.clone()
            } else {
                attached.to_string()
            };
            match *opt {
                "-D" => {
                    let (name, value) = match value.split_once('=') {
                        Some((n, v)) => (n.to_string(), v.to_string()),
                        None => (value, "1".to_string()),
                    };
                    out.defines.push((name, value));
                }
                "-U" => out.undefines.push(value),
                "-I" | "-isystem" | "-iquote" | "-idirafter" => {
                    out.include_dirs.push(PathBuf::from(value))
                }
                "-include" | "-imacros" => out.forced_includes.push(PathBuf::from(value)),
                _ => {}
            }
        }
        out
    }
}

/// Known macros: name → value text.
#[derive(Debug, Default, Clone)]
pub struct Macros {
    values: HashMap<String, String>,
    /// Names known to be undefined (`-U`, `#undef`).
    undefined: std::collections::HashSet<String>,
    /// Names whose state is unknown (defined in a branch left undecided).
    unknown: std::collections::HashSet<String>,
    /// An autoconf.h was read: every `CONFIG_` option it does not define is off.
    pub config_complete: bool,
}

/// At most this many files are read for macros (forced includes and what they include).
const MAX_MACRO_FILES: usize = 64;

impl Macros {
    /// `-D` and `-U` values, and the object-like `#define`s of the forced includes and
    /// of the files they include (found through the include directories; two levels,
    /// enough for `kconfig.h` → `generated/autoconf.h`).
    pub fn from_args(args: &CheckerArgs) -> Macros {
        let mut m = Macros::default();
        for (name, value) in &args.defines {
            m.define(name, value);
        }
        let mut queue: Vec<(PathBuf, u32)> = args
            .forced_includes
            .iter()
            .map(|p| (p.clone(), 0))
            .collect();
        let mut read = 0;
        while let Some((path, depth)) = queue.pop() {
            if read >= MAX_MACRO_FILES {
                break;
            }
            // Bounded and non-blocking (a FIFO or /dev/zero in the tree is skipped).
            let Some(text) = crate::bounded::read(&path, crate::parse::MAX_FILE_BYTES)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
            else {
                continue;
            };
            read += 1;
            if path.ends_with("generated/autoconf.h") {
                m.config_complete = true;
            }
            for line in logical_lines(&text) {
                let Some((directive, rest)) = directive(&line) else {
                    continue;
                };
                match directive {
                    "define" => {
                        if let Some((name, value)) = object_define(rest) {
                            m.define(name, value);
                        }
                    }
                    "include" if depth < 2 => {
                        let target = rest.trim().trim_matches(['<', '>', '"']);
                        let here = path.parent().map(|p| p.join(target));
                        let found = here
                            .into_iter()
                            .chain(args.include_dirs.iter().map(|d| d.join(target)));
                        if let Some(p) = found.into_iter().find(|p| p.is_file()) {
                            queue.push((p, depth + 1));
                        }
                    }
                    _ => {}
                }
            }
        }
        for name in &args.undefines {
            m.values.remove(name);
            m.undefined.insert(name.clone());
        }
        m
    }

    pub fn define(&mut self, name: &str, value: &str) {
        self.undefined.remove(name);
        self.unknown.remove(name);
        self.values
            .insert(name.to_string(), value.trim().to_string());
    }

    fn undefine(&mut self, name: &str) {
        self.values.remove(name);
        self.unknown.remove(name);
        self.undefined.insert(name.to_string());
    }

    /// Whether `name` is defined: `Some(true/false)` when known.
    pub fn is_defined(&self, name: &str) -> Option<bool> {
        if self.unknown.contains(name) {
            None
        } else if self.values.contains_key(name) {
            Some(true)
        } else if self.undefined.contains(name)
            || (self.config_complete && name.starts_with("CONFIG_"))
        {
            Some(false)
        } else {
            None
        }
    }

    /// A digest of the known values (for cache keys: facts made under another
    /// configuration are other facts).
    pub fn fingerprint(&self) -> u64 {
        let mut rows: Vec<_> = self.values.iter().collect();
        rows.sort();
        let digest =
            crate::cache::content_digest(format!("{rows:?}{}", self.config_complete).as_bytes());
        digest as u64 ^ (digest >> 64) as u64
    }

    /// The number of known `CONFIG_` options.
    pub fn config_count(&self) -> usize {
        self.values
            .keys()
            .filter(|k| k.starts_with("CONFIG_"))
            .count()
    }
}

/// What the `#if` evaluator asks of the known macros.
pub trait Lookup {
    /// Whether `name` is defined: `Some(true/false)` when known.
    fn is_defined(&self, name: &str) -> Option<bool>;
    /// The value text of a defined macro.
    fn value(&self, name: &str) -> Option<&str>;
}

impl Lookup for Macros {
    fn is_defined(&self, name: &str) -> Option<bool> {
        Macros::is_defined(self, name)
    }
    fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }
}

/// A file's own `#define`s and `#undef`s over the given macros (which are not copied:
/// a configuration's thousands of options are shared by every file).
struct Scope<'a> {
    base: &'a Macros,
    local: Macros,
}

impl Lookup for Scope<'_> {
    fn is_defined(&self, name: &str) -> Option<bool> {
        let l = &self.local;
        if l.unknown.contains(name) {
            None
        } else if l.values.contains_key(name) {
            Some(true)
        } else if l.undefined.contains(name) {
            Some(false)
        } else {
            self.base.is_defined(name)
        }
    }
    fn value(&self, name: &str) -> Option<&str> {
        let l = &self.local;
        if l.unknown.contains(name) || l.undefined.contains(name) {
            return None;
        }
        l.value(name).or_else(|| self.base.value(name))
    }
}

impl Macros {
    /// The options of a `.config` (`CONFIG_X=y` → `CONFIG_X` 1, `=m` →
    /// `CONFIG_X_MODULE` 1, numbers and strings as written), as `autoconf.h` defines
    /// them; every option it does not set is off.
    pub fn from_dotconfig(text: &str) -> Macros {
        let mut m = Macros {
            config_complete: true,
            ..Macros::default()
        };
        for line in text.lines() {
            let Some((name, value)) = line.trim().split_once('=') else {
                continue;
            };
            if !name.starts_with("CONFIG_")
                || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                continue;
            }
            match value.trim() {
                "y" => m.define(name, "1"),
                "m" => m.define(&format!("{name}_MODULE"), "1"),
                "n" | "" => {}
                v => m.define(name, v),
            }
        }
        m
    }
}

/// `NAME value` of an object-like `#define` (`NAME(` is function-like: none).
fn object_define(rest: &str) -> Option<(&str, &str)> {
    let rest = rest.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let name = &rest[..end];
    if name.is_empty() || rest[end..].starts_with('(') {
        return None;
    }
    let value = rest[end..].trim();
    Some((name, if value.is_empty() { "1" } else { value }))
}

/// Text lines with backslash continuations joined (comments are not removed).
fn logical_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in text.lines() {
        if let Some(head) = line.strip_suffix('\\') {
            cur.push_str(head);
            cur.push(' ');
        } else {
            cur.push_str(line);
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `#  ifdef X` → ("ifdef", " X"), with comments removed from the rest.
fn directive(line: &str) -> Option<(&str, &str)> {
    let t = line.trim_start();
    let t = t.strip_prefix('#')?.trim_start();
    let end = t
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(t.len());
    Some((&t[..end], &t[end..]))
}

fn strip_comments(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    loop {
        let line_comment = rest.find("//");
        let block = rest.find("/*");
        match (line_comment, block) {
            (Some(l), b) if b.is_none_or(|b| l < b) => {
                out.push_str(&rest[..l]);
                return out;
            }
            (_, Some(b)) => {
                out.push_str(&rest[..b]);
                out.push(' ');
                match rest[b + 2..].find("*/") {
                    Some(e) => rest = &rest[b + 2 + e + 2..],
                    None => return out,
                }
            }
            _ => {
                out.push_str(rest);
                return out;
            }
        }
    }
}

/// One conditional (`#if` … `#endif`) being read.
struct Frame {
    /// Physical line ranges of its directives (`#if`, `#elif`, `#else`, `#endif`).
    directives: Vec<(usize, usize)>,
    /// Whether the branch being read is taken: known or not.
    current: Option<bool>,
    /// Whether an earlier branch was taken: known or not.
    taken: Option<bool>,
    /// Every branch so far decided.
    decided: bool,
    /// The enclosing code is blanked (then this whole conditional is).
    outer_blank: bool,
}

/// Blanks the branches of preprocessor conditionals that `macros` decide against, and
/// the directives of conditionals decided entirely. Returns the number of lines blanked.
pub fn blank_inactive(src: &mut [u8], macros: &Macros) -> usize {
    let mut macros = Scope {
        base: macros,
        local: Macros::default(),
    };
    // Physical lines: (start, end) byte offsets, end excluding the newline.
    let text = String::from_utf8_lossy(src).into_owned();
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, b) in src.iter().enumerate() {
        if *b == b'\n' {
            lines.push((start, i));
            start = i + 1;
        }
    }
    if start < src.len() {
        lines.push((start, src.len()));
    }
    let mut blank = vec![false; lines.len()];
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let first = i;
        // A logical line: continuation lines joined.
        let mut logical = String::new();
        loop {
            let (s, e) = lines[i];
            let l = text.get(s..e).unwrap_or("");
            i += 1;
            match l.strip_suffix('\\') {
                Some(head) if i < lines.len() => {
                    logical.push_str(head);
                    logical.push(' ');
                }
                _ => {
                    logical.push_str(l);
                    break;
                }
            }
        }
        let last = i - 1;
        let here_blank = stack
            .last()
            .is_some_and(|f| f.outer_blank || f.current == Some(false));
        let Some((name, rest)) = directive(&logical) else {
            if here_blank {
                blank[first..=last].iter_mut().for_each(|b| *b = true);
            }
            continue;
        };
        let rest = strip_comments(rest);
        match name {
            "if" | "ifdef" | "ifndef" => {
                let value = match name {
                    "if" => evaluate(&rest, &macros).map(|v| v != 0),
                    "ifdef" => macros.is_defined(rest.trim()),
                    _ => macros.is_defined(rest.trim()).map(|d| !d),
                };
                stack.push(Frame {
                    directives: vec![(first, last)],
                    current: value,
                    taken: value,
                    decided: value.is_some(),
                    outer_blank: here_blank,
                });
            }
            "elif" | "elifdef" | "elifndef" | "else" => {
                let Some(f) = stack.last_mut() else { continue };
                f.directives.push((first, last));
                let cond = match name {
                    "elif" => evaluate(&rest, &macros).map(|v| v != 0),
                    "elifdef" => macros.is_defined(rest.trim()),
                    "elifndef" => macros.is_defined(rest.trim()).map(|d| !d),
                    _ => Some(true),
                };
                // Taken when no earlier branch was and this condition holds.
                f.current = match (f.taken, cond) {
                    (Some(true), _) => Some(false),
                    (_, Some(false)) => Some(false),
                    (Some(false), Some(true)) => Some(true),
                    _ => None,
                };
                f.taken = match (f.taken, f.current) {
                    (Some(true), _) | (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                };
                f.decided &= f.current.is_some();
            }
            "endif" => {
                let Some(mut f) = stack.pop() else { continue };
                f.directives.push((first, last));
                if f.outer_blank || f.decided {
                    for (a, b) in f.directives {
                        blank[a..=b].iter_mut().for_each(|x| *x = true);
                    }
                }
            }
            _ => {
                if here_blank {
                    blank[first..=last].iter_mut().for_each(|b| *b = true);
                    continue;
                }
                let undecided = stack.iter().any(|f| f.current.is_none());
                let rest = rest.trim();
                match name {
                    "define" => {
                        if let Some((n, v)) = object_define(rest)
                            .or_else(|| function_define_name(rest).map(|n| (n, "")))
                        {
                            if undecided {
                                macros.local.values.remove(n);
                                macros.local.unknown.insert(n.to_string());
                            } else {
                                macros.local.define(n, v);
                            }
                        }
                    }
                    "undef" => {
                        if undecided {
                            macros.local.unknown.insert(rest.to_string());
                        } else {
                            macros.local.undefine(rest);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    let mut count = 0;
    for (n, (s, e)) in lines.iter().enumerate() {
        if blank[n] {
            count += 1;
            src[*s..*e].iter_mut().for_each(|b| *b = b' ');
        }
    }
    count
}

/// Replaces `IS_ENABLED(CONFIG_X)` (and `IS_BUILTIN`, `IS_MODULE`, `IS_REACHABLE`) in
/// code by `0` or `1` padded with spaces, where `macros` (a configuration) decide it,
/// so `if (IS_ENABLED(CONFIG_X))` reads as a constant condition. Offsets are kept.
/// Returns the number of uses replaced.
pub fn fold_config_tests(src: &mut [u8], macros: &Macros) -> usize {
    const TESTS: &[&[u8]] = &[b"IS_ENABLED", b"IS_BUILTIN", b"IS_MODULE", b"IS_REACHABLE"];
    let mut count = 0;
    let mut i = 0;
    while i < src.len() {
        let Some(name) = TESTS.iter().find(|t| src[i..].starts_with(t)) else {
            i += 1;
            continue;
        };
        let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        if i > 0 && ident(src[i - 1]) {
            i += name.len();
            continue;
        }
        // `NAME ( CONFIG_X )` on one line.
        let start = i;
        let close = src[i..]
            .iter()
            .take(160)
            .position(|&b| b == b')' || b == b'\n')
            .map(|p| i + p);
        let Some(close) = close.filter(|&c| src[c] == b')') else {
            i += name.len();
            continue;
        };
        let text = String::from_utf8_lossy(&src[start..=close]).into_owned();
        let inner = text[name.len()..].trim_start();
        let plain = inner
            .strip_prefix('(')
            .and_then(|r| r.strip_suffix(')'))
            .map(str::trim)
            .is_some_and(|s| s.starts_with("CONFIG_") && s.bytes().all(ident));
        match evaluate(&text, macros).filter(|_| plain) {
            Some(v) => {
                let digit = if v != 0 { b'1' } else { b'0' };
                src[start] = digit;
                src[start + 1..=close].iter_mut().for_each(|b| *b = b' ');
                count += 1;
                i = close + 1;
            }
            None => i += name.len(),
        }
    }
    count
}

/// The name of a function-like `#define NAME(…)`.
fn function_define_name(rest: &str) -> Option<&str> {
    let end = rest.find('(')?;
    let name = &rest[..end];
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some(name)
}

/// Evaluates a `#if` expression; `None` when any part is unknown.
pub fn evaluate(expr: &str, macros: &dyn Lookup) -> Option<i64> {
    let tokens = tokenize(expr)?;
    let mut p = Parser {
        tokens: &tokens,
        pos: 0,
        macros,
        depth: 0,
    };
    let v = p.or()?;
    // Unknown when tokens are left over (`?:`, `,`, …).
    (p.pos == tokens.len()).then_some(v)?
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(i64),
    Ident(String),
    Op(&'static str),
}

/// The tokens of a `#if` expression (`crate::ctoken`): numbers (decimal, octal, hex),
/// names and the operators of a preprocessor condition; anything else is unknown.
fn tokenize(s: &str) -> Option<Vec<Tok>> {
    use crate::ctoken::{Lexer, Tok as T};
    const OPS: &[&str] = &[
        "||", "&&", "==", "!=", "<=", ">=", "<<", ">>", "!", "<", ">", "(", ")", "+", "-", "*",
        "/", "%", "&", "|", "^", "~", "?", ":", ",",
    ];
    Lexer::new(s)
        .map(|t| {
            Some(match t.ok()?.tok {
                T::Number(n) => {
                    let t = n.trim_end_matches(['u', 'U', 'l', 'L']);
                    Tok::Num(
                        if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                            i64::from_str_radix(h, 16).ok()?
                        } else if t.len() > 1 && t.starts_with('0') {
                            i64::from_str_radix(&t[1..], 8).ok()?
                        } else {
                            t.parse().ok()?
                        },
                    )
                }
                T::Ident(w) => Tok::Ident(w.to_string()),
                T::Punct(p) => Tok::Op(OPS.iter().find(|o| **o == p)?),
            })
        })
        .collect()
}

struct Parser<'a> {
    tokens: &'a [Tok],
    pos: usize,
    macros: &'a dyn Lookup,
    depth: u32,
}

/// `None`: unknown value. Operators are evaluated on both sides so the token position
/// advances; `&&`/`||` still decide on one known side (`0 && ?` is 0).
impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos)
    }

    fn eat(&mut self, op: &'static str) -> bool {
        let found = self.peek() == Some(&Tok::Op(op));
        if found {
            self.pos += 1;
        }
        found
    }

    fn next_op(&self, ops: &[&'static str]) -> Option<&'static str> {
        match self.peek() {
            Some(Tok::Op(o)) => ops.iter().find(|x| *x == o).copied(),
            _ => None,
        }
    }

    fn or(&mut self) -> Option<Option<i64>> {
        let mut v = self.and()?;
        while self.next_op(&["||"]).is_some() {
            self.pos += 1;
            let r = self.and()?;
            v = match (v, r) {
                (Some(a), _) if a != 0 => Some(1),
                (_, Some(b)) if b != 0 => Some(1),
                (Some(_), Some(_)) => Some(0),
                _ => None,
            };
        }
        Some(v)
    }

    fn and(&mut self) -> Option<Option<i64>> {
        let mut v = self.binary(0)?;
        while self.next_op(&["&&"]).is_some() {
            self.pos += 1;
            let r = self.binary(0)?;
            v = match (v, r) {
                (Some(0), _) | (_, Some(0)) => Some(0),
                (Some(_), Some(_)) => Some(1),
                _ => None,
            };
        }
        Some(v)
    }

    /// Binary operators by precedence level, lowest first.
    fn binary(&mut self, level: usize) -> Option<Option<i64>> {
        const LEVELS: &[&[&str]] = &[
            &["|"],
            &["^"],
            &["&"],
            &["==", "!="],
            &["<", ">", "<=", ">="],
            &["<<", ">>"],
            &["+", "-"],
            &["*", "/", "%"],
        ];
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut v = self.binary(level + 1)?;
        while let Some(op) = self.next_op(LEVELS[level]) {
            self.pos += 1;
            let r = self.binary(level + 1)?;
            v = match (v, r) {
                (Some(a), Some(b)) => match op {
                    "|" => Some(a | b),
                    "^" => Some(a ^ b),
                    "&" => Some(a & b),
                    "==" => Some((a == b) as i64),
                    "!=" => Some((a != b) as i64),
                    "<" => Some((a < b) as i64),
                    ">" => Some((a > b) as i64),
                    "<=" => Some((a <= b) as i64),
                    ">=" => Some((a >= b) as i64),
                    "<<" => a.checked_shl(u32::try_from(b).ok()?),
                    ">>" => a.checked_shr(u32::try_from(b).ok()?),
                    "+" => a.checked_add(b),
                    "-" => a.checked_sub(b),
                    "*" => a.checked_mul(b),
                    "/" => a.checked_div(b),
                    _ => a.checked_rem(b),
                },
                _ => None,
            };
        }
        Some(v)
    }

    fn unary(&mut self) -> Option<Option<i64>> {
        self.depth += 1;
        if self.depth > 64 {
            return None;
        }
        let r = match self.next_op(&["!", "-", "~", "+"]) {
            Some(op) => {
                self.pos += 1;
                let v = self.unary()?;
                Some(v.map(|v| match op {
                    "!" => (v == 0) as i64,
                    "-" => v.wrapping_neg(),
                    "~" => !v,
                    _ => v,
                }))
            }
            None => self.primary(),
        };
        self.depth -= 1;
        r
    }

    /// `Some(None)`: parsed, value unknown; `None`: cannot parse.
    fn primary(&mut self) -> Option<Option<i64>> {
        let tok = self.peek()?.clone();
        self.pos += 1;
        match tok {
            Tok::Num(n) => Some(Some(n)),
            Tok::Op("(") => {
                let v = self.or()?;
                self.eat(")").then_some(v)
            }
            Tok::Op(_) => None,
            Tok::Ident(name) => {
                let m = self.macros;
                let one_name_arg = |p: &mut Self| -> Option<String> {
                    let paren = p.eat("(");
                    let Some(Tok::Ident(n)) = p.peek().cloned() else {
                        return None;
                    };
                    p.pos += 1;
                    if paren && !p.eat(")") {
                        return None;
                    }
                    Some(n)
                };
                let defined = |n: &str| m.is_defined(n);
                let bool_of = |b: Option<bool>| b.map(|b| b as i64);
                match name.as_str() {
                    "defined" => {
                        let n = one_name_arg(self)?;
                        Some(bool_of(defined(&n)))
                    }
                    "IS_ENABLED" | "IS_BUILTIN" | "IS_MODULE" | "IS_REACHABLE" => {
                        if !self.eat("(") {
                            return None;
                        }
                        let Some(Tok::Ident(n)) = self.peek().cloned() else {
                            return None;
                        };
                        self.pos += 1;
                        if !self.eat(")") {
                            return None;
                        }
                        // Kconfig: `=y` defines NAME as 1, `=m` defines NAME_MODULE.
                        let builtin = m.value(&n).map(|v| v == "1").or(defined(&n));
                        let module = defined(&format!("{n}_MODULE"));
                        let v = match name.as_str() {
                            "IS_BUILTIN" => builtin,
                            "IS_MODULE" => module,
                            "IS_ENABLED" => match (builtin, module) {
                                (Some(true), _) | (_, Some(true)) => Some(true),
                                (Some(false), Some(false)) => Some(false),
                                _ => None,
                            },
                            _ => match (builtin, module, defined("MODULE")) {
                                (Some(true), _, _) => Some(true),
                                (Some(false), Some(false), _) => Some(false),
                                (Some(false), Some(true), Some(d)) => Some(d),
                                _ => None,
                            },
                        };
                        Some(bool_of(v))
                    }
                    _ => {
                        // A function-like use of an unknown macro: cannot evaluate.
                        if self.peek() == Some(&Tok::Op("(")) {
                            return None;
                        }
                        let value = match m.value(&name) {
                            Some(v) => evaluate_value(v, m),
                            // An absent CONFIG_ option (with autoconf.h read) is 0,
                            // as any undefined name in `#if`.
                            None if defined(&name) == Some(false) => Some(0),
                            None => None,
                        };
                        Some(value)
                    }
                }
            }
        }
    }
}

/// A macro's value as a number (`1`, `0x20`, `(4096)`), when it is one.
fn evaluate_value(value: &str, macros: &dyn Lookup) -> Option<i64> {
    let tokens = tokenize(value)?;
    if tokens.iter().any(|t| matches!(t, Tok::Ident(_))) {
        // No macro expansion through other names: unknown.
        return None;
    }
    let mut p = Parser {
        tokens: &tokens,
        pos: 0,
        macros,
        depth: 0,
    };
    let v = p.or()?;
    if p.pos == tokens.len() { v } else { None }
}

/// Quoted `#include "x.h"` targets of `src` that exist next to `file` or in `dirs`
/// (the driver's own headers: their structs and static inline helpers).
pub fn local_headers(file: &Path, src: &str, dirs: &[PathBuf]) -> Vec<PathBuf> {
    let here = file.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    for line in src.lines() {
        let Some(("include", rest)) = directive(line) else {
            continue;
        };
        let rest = rest.trim();
        let Some(name) = rest.strip_prefix('"').and_then(|r| r.split('"').next()) else {
            continue;
        };
        let found = std::iter::once(here.join(name))
            .chain(dirs.iter().map(|d| d.join(name)))
            .find(|p| p.is_file());
        if let Some(p) = found
            && !out.contains(&p)
        {
            out.push(p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn kbuild_arguments() {
        let a = CheckerArgs::parse(&args(
            "-D__linux__ -Dlinux -D__STDC__ --arch=x86 -mlittle-endian -m64 -Wp,-MMD,drivers/x/.a.o.d \
             -nostdinc -I./arch/x86/include -I ./include -isystem /usr/lib/gcc/include \
             -include ./include/linux/kconfig.h -D__KERNEL__ -fno-strict-aliasing -O2 \
             -DKBUILD_MODNAME=\"e1000\" -UFOO -std=gnu11 -Wsparse-error drivers/x/a.c",
        ));
        assert_eq!(a.files, ["drivers/x/a.c"]);
        assert_eq!(
            a.include_dirs,
            [
                PathBuf::from("./arch/x86/include"),
                PathBuf::from("./include"),
                PathBuf::from("/usr/lib/gcc/include")
            ]
        );
        assert_eq!(
            a.forced_includes,
            [PathBuf::from("./include/linux/kconfig.h")]
        );
        assert!(a.defines.contains(&("__KERNEL__".into(), "1".into())));
        assert!(
            a.defines
                .contains(&("KBUILD_MODNAME".into(), "\"e1000\"".into()))
        );
        assert_eq!(a.undefines, ["FOO"]);
        assert!(a.sparse_error);
    }

    fn config(defs: &[(&str, &str)]) -> Macros {
        let mut m = Macros {
            config_complete: true,
            ..Default::default()
        };
        for (n, v) in defs {
            m.define(n, v);
        }
        m
    }

    #[test]
    fn conditions() {
        let m = config(&[
            ("CONFIG_A", "1"),
            ("CONFIG_B_MODULE", "1"),
            ("CONFIG_N", "16"),
        ]);
        let e = |s: &str| evaluate(s, &m);
        assert_eq!(e("defined(CONFIG_A)"), Some(1));
        assert_eq!(e("defined CONFIG_Z"), Some(0));
        assert_eq!(e("IS_ENABLED(CONFIG_B)"), Some(1));
        assert_eq!(e("IS_BUILTIN(CONFIG_B)"), Some(0));
        assert_eq!(e("IS_ENABLED(CONFIG_Z) || CONFIG_N > 8"), Some(1));
        assert_eq!(e("!defined(CONFIG_A) && FOO"), Some(0), "0 && unknown");
        assert_eq!(e("FOO"), None, "a non-CONFIG name is unknown");
        assert_eq!(e("defined(CONFIG_A) ? 1 : 0"), None);
        assert_eq!(e("LINUX_VERSION_CODE >= KERNEL_VERSION(5, 0, 0)"), None);
    }

    #[test]
    fn inactive_branches_become_spaces() {
        let m = config(&[("CONFIG_A", "1")]);
        let src = "a\n#ifdef CONFIG_A\nb\n#else\nc\n#endif\n#if FOO\nd\n#elif defined(CONFIG_Z)\ne\n#else\nf\n#endif\n#ifndef CONFIG_A\ng\n#endif\n";
        let mut bytes = src.as_bytes().to_vec();
        blank_inactive(&mut bytes, &m);
        let out = String::from_utf8(bytes).unwrap();
        assert_eq!(out.len(), src.len());
        let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
        assert_eq!(
            lines,
            [
                "a",
                "",
                "b",
                "",
                "",
                "", // decided: directives blanked too
                "#if FOO",
                "d",
                "#elif defined(CONFIG_Z)",
                "",
                "#else",
                "f",
                "#endif", // FOO unknown
                "",
                "",
                "",
            ]
        );
        // The file's own defines count; a define in an undecided branch is unknown.
        let src = "#define X 1\n#if X\na\n#else\nb\n#endif\n#ifdef Y\n#define W 1\n#endif\n#if W\nc\n#endif\n";
        let mut bytes = src.as_bytes().to_vec();
        blank_inactive(&mut bytes, &Macros::default());
        let out = String::from_utf8(bytes).unwrap();
        let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
        assert_eq!(
            lines,
            [
                "#define X 1",
                "",
                "a",
                "",
                "",
                "",
                "#ifdef Y",
                "#define W 1",
                "#endif",
                "#if W",
                "c",
                "#endif"
            ]
        );
    }
}
