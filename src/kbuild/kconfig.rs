//! A tolerant reader of a kernel tree's `Kconfig` files: per symbol its type (bool or
//! tristate) and, per definition, the conditions it needs (`depends on`, enclosing
//! `if`, `menu`/`choice` dependencies, through `source`) and the architecture whose
//! `arch/<name>/` directory defines it. What it does not understand (macros other
//! than `$(SRCARCH)`, `select`, `default`, `visible if`, ranges) is ignored: the
//! facts it gives are weaker, never wrong in the direction that hides a finding.

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::{Path, PathBuf};

/// A `depends on` / `if` expression (`tristate` values and comparisons kept only as
/// far as "this symbol must be enabled" goes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    Sym(String),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    /// `SYM = value` (`eq`) or `SYM != value`.
    Cmp {
        sym: String,
        value: String,
        eq: bool,
    },
    /// Anything else (constants, unknown syntax).
    Other,
}

impl Expr {
    /// The symbols that must be enabled (`y` or `m`) for the expression to hold.
    pub fn required(&self, out: &mut BTreeSet<String>) {
        match self {
            Expr::Sym(s) => {
                out.insert(s.clone());
            }
            Expr::And(a, b) => {
                a.required(out);
                b.required(out);
            }
            Expr::Or(a, b) => {
                let (mut x, mut y) = (BTreeSet::new(), BTreeSet::new());
                a.required(&mut x);
                b.required(&mut y);
                out.extend(x.intersection(&y).cloned());
            }
            // `SSB = y`, `FOO = m`, `BAR != n`: enabled.
            Expr::Cmp { sym, value, eq } => {
                let enabled = if *eq {
                    value == "y" || value == "m"
                } else {
                    value == "n"
                };
                if enabled {
                    out.insert(sym.clone());
                }
            }
            Expr::Not(_) | Expr::Other => {}
        }
    }
}

/// One `config`/`menuconfig` entry of a symbol.
#[derive(Debug, Clone, Default)]
pub struct Definition {
    /// Its own `depends on` and those of the blocks around it, all required.
    pub depends: Vec<Expr>,
    /// `Some(name)` when the defining file is under `arch/<name>/`.
    pub arch: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Symbol {
    /// Declared `tristate`/`def_tristate` by some definition (may be a module).
    pub tristate: bool,
    /// Declared `bool`/`def_bool` by some definition.
    pub bool: bool,
    pub definitions: Vec<Definition>,
}

/// Every symbol of a tree, by name (without `CONFIG_`).
#[derive(Debug, Default)]
pub struct Kconfig {
    pub symbols: HashMap<String, Symbol>,
    /// Kconfig files read.
    pub files: usize,
    /// What the model was read from (the `arch/` directory, every Kconfig file), as it
    /// was before reading: a stored model is valid while all of it is unchanged.
    pub probes: Vec<super::Probe>,
}

/// At most this many Kconfig files are read, and `source` is followed this deep.
const MAX_FILES: usize = 20_000;
const MAX_SOURCE_DEPTH: usize = 32;

/// What a `depends on` line attaches to.
enum Entry {
    Config(String),
    /// A `menu` or `choice`: its dependencies hold for the block (index into blocks).
    Block(usize),
    Other,
}

impl Kconfig {
    /// Reads the tree at `root`: its top-level `Kconfig`, then each `arch/*/Kconfig`,
    /// following `source` statements.
    pub fn read(root: &Path) -> Kconfig {
        let mut k = Kconfig::default();
        k.probes.push(super::Probe::of(&root.join("arch")));
        let arches = arch_names(root);
        let mut seen = HashSet::default();
        let mut starts = vec![PathBuf::from("Kconfig")];
        starts.extend(
            arches
                .iter()
                .map(|a| PathBuf::from(format!("arch/{a}/Kconfig"))),
        );
        for start in starts {
            k.read_file(root, &start, &[], &arches, &mut seen, 0);
        }
        k
    }

    fn read_file(
        &mut self,
        root: &Path,
        rel: &Path,
        outer: &[Expr],
        arches: &[String],
        seen: &mut HashSet<PathBuf>,
        depth: usize,
    ) {
        if depth > MAX_SOURCE_DEPTH || seen.len() >= MAX_FILES || !seen.insert(rel.to_path_buf()) {
            return;
        }
        // Stamped before it is read: a later edit makes the stored model stale.
        self.probes.push(super::Probe::of(&root.join(rel)));
        let Some(text) = crate::bounded::read(&root.join(rel), crate::parse::MAX_FILE_BYTES)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
        else {
            return;
        };
        self.files += 1;
        let arch = arch_of_path(rel);
        // Conditions of enclosing blocks: `if` expressions and menu/choice dependencies.
        let mut blocks: Vec<(BlockKind, Vec<Expr>)> = Vec::new();
        let mut entry = Entry::Other;
        let mut help_indent: Option<Option<usize>> = None;
        for line in joined_lines(&text) {
            let indent = indent_of(&line);
            let t = line.trim();
            // Help text: every line indented at least as much as its first one.
            if let Some(h) = help_indent {
                if t.is_empty() {
                    continue;
                }
                match h {
                    None => {
                        help_indent = Some(Some(indent));
                        continue;
                    }
                    Some(first) if indent >= first => continue,
                    Some(_) => help_indent = None,
                }
            }
            let t = strip_comment(t);
            if t.is_empty() {
                continue;
            }
            let (word, rest) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
            let rest = rest.trim();
            let conditions = || -> Vec<Expr> {
                outer
                    .iter()
                    .cloned()
                    .chain(blocks.iter().flat_map(|(_, c)| c.iter().cloned()))
                    .collect()
            };
            match word {
                "config" | "menuconfig" => {
                    let name = rest.to_string();
                    let def = Definition {
                        depends: conditions(),
                        arch: arch.clone(),
                    };
                    self.symbols
                        .entry(name.clone())
                        .or_default()
                        .definitions
                        .push(def);
                    entry = Entry::Config(name);
                }
                "bool" | "def_bool" | "boolean" => self.set_type(&entry, false),
                "tristate" | "def_tristate" => self.set_type(&entry, true),
                "depends" => {
                    let expr = parse_expr(rest.strip_prefix("on").unwrap_or(rest));
                    match &entry {
                        Entry::Config(name) => {
                            if let Some(d) = self
                                .symbols
                                .get_mut(name)
                                .and_then(|s| s.definitions.last_mut())
                            {
                                d.depends.push(expr);
                            }
                        }
                        Entry::Block(i) => {
                            if let Some(b) = blocks.get_mut(*i) {
                                b.1.push(expr);
                            }
                        }
                        Entry::Other => {}
                    }
                }
                "help" | "---help---" => help_indent = Some(None),
                "if" => {
                    blocks.push((BlockKind::If, vec![parse_expr(rest)]));
                    entry = Entry::Other;
                }
                "menu" | "choice" => {
                    blocks.push((BlockKind::Menu, Vec::new()));
                    entry = Entry::Block(blocks.len() - 1);
                }
                "endif" | "endmenu" | "endchoice" => {
                    let want = if word == "endif" {
                        BlockKind::If
                    } else {
                        BlockKind::Menu
                    };
                    // Tolerant: pop to the matching kind; an unmatched end is ignored.
                    if let Some(pos) = blocks.iter().rposition(|(k, _)| *k == want) {
                        blocks.truncate(pos);
                    }
                    entry = Entry::Other;
                }
                "source" | "rsource" | "osource" | "orsource" => {
                    let name = rest.trim_matches('"');
                    let relative = word.contains("rsource");
                    let conds = conditions();
                    for path in expand_source(name, rel, relative, arch.as_deref(), arches) {
                        self.read_file(root, &path, &conds, arches, seen, depth + 1);
                    }
                    entry = Entry::Other;
                }
                "comment" | "mainmenu" => entry = Entry::Other,
                _ => {}
            }
        }
    }

    fn set_type(&mut self, entry: &Entry, tristate: bool) {
        if let Entry::Config(name) = entry
            && let Some(s) = self.symbols.get_mut(name)
        {
            if tristate {
                s.tristate = true;
            } else {
                s.bool = true;
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    If,
    Menu,
}

/// The directories under `arch/` (sorted).
fn arch_names(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root.join("arch"))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// `arch/powerpc/...` → `powerpc`.
pub fn arch_of_path(rel: &Path) -> Option<String> {
    let mut parts = rel.components();
    (parts.next()?.as_os_str() == "arch")
        .then(|| parts.next())
        .flatten()
        .filter(|_| parts.next().is_some())
        .and_then(|c| c.as_os_str().to_str().map(str::to_string))
}

/// The files a `source` line names: `$(SRCARCH)` is the including file's architecture,
/// or every architecture outside `arch/`; other macros are not expanded (skipped).
fn expand_source(
    name: &str,
    from: &Path,
    relative: bool,
    arch: Option<&str>,
    arches: &[String],
) -> Vec<PathBuf> {
    let base = |n: &str| {
        if relative {
            from.parent().unwrap_or(Path::new("")).join(n)
        } else {
            PathBuf::from(n)
        }
    };
    const SRCARCH: &str = "$(SRCARCH)";
    if name.contains(SRCARCH) {
        let names: Vec<&str> = match arch {
            Some(a) => vec![a],
            None => arches.iter().map(String::as_str).collect(),
        };
        return names
            .into_iter()
            .map(|a| name.replace(SRCARCH, a))
            .filter(|n| !n.contains("$("))
            .map(|n| base(&n))
            .collect();
    }
    if name.contains("$(") || name.contains("..") {
        return Vec::new();
    }
    vec![base(name)]
}

/// Lines with backslash continuations joined.
fn joined_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in text.lines() {
        match line.strip_suffix('\\') {
            Some(head) => {
                cur.push_str(head);
                cur.push(' ');
            }
            None => {
                cur.push_str(line);
                out.push(std::mem::take(&mut cur));
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Columns of leading white space (a tab to the next multiple of 8).
fn indent_of(line: &str) -> usize {
    let mut col = 0;
    for c in line.chars() {
        match c {
            ' ' => col += 1,
            '\t' => col = (col / 8 + 1) * 8,
            _ => break,
        }
    }
    col
}

/// The line before a `#` comment outside quotes.
fn strip_comment(t: &str) -> &str {
    let mut quoted = false;
    for (i, c) in t.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '#' if !quoted => return t[..i].trim_end(),
            _ => {}
        }
    }
    t
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    Op(&'static str),
}

fn tokenize(s: &str) -> Vec<Tok> {
    const OPS: &[&str] = &["&&", "||", "!=", "<=", ">=", "=", "<", ">", "!", "(", ")"];
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        if let Some(op) = OPS.iter().find(|o| rest.starts_with(**o)) {
            out.push(Tok::Op(op));
            rest = rest[op.len()..].trim_start();
            continue;
        }
        if let Some(body) = rest.strip_prefix('"') {
            let end = body.find('"').unwrap_or(body.len());
            out.push(Tok::Word(body[..end].to_string()));
            rest = body.get(end + 1..).unwrap_or("").trim_start();
            continue;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || "&|!=<>()\"".contains(c))
            .unwrap_or(rest.len())
            .max(1);
        let end = (1..=end)
            .rev()
            .find(|&i| rest.is_char_boundary(i))
            .unwrap_or(end);
        out.push(Tok::Word(rest[..end].to_string()));
        rest = rest[end..].trim_start();
    }
    out
}

/// Parses a Kconfig expression; unknown syntax becomes [`Expr::Other`].
pub fn parse_expr(s: &str) -> Expr {
    let tokens = tokenize(s);
    let mut p = ExprParser {
        tokens: &tokens,
        pos: 0,
        depth: 0,
        failed: false,
    };
    let e = p.or();
    if p.pos == tokens.len() && !p.failed {
        e
    } else {
        Expr::Other
    }
}

struct ExprParser<'t> {
    tokens: &'t [Tok],
    pos: usize,
    depth: u32,
    /// Something did not parse: the whole expression is unknown.
    failed: bool,
}

impl ExprParser<'_> {
    fn eat(&mut self, op: &str) -> bool {
        let hit = matches!(self.tokens.get(self.pos), Some(Tok::Op(o)) if *o == op);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn or(&mut self) -> Expr {
        let mut e = self.and();
        while self.eat("||") {
            let r = self.and();
            e = Expr::Or(Box::new(e), Box::new(r));
        }
        e
    }

    fn and(&mut self) -> Expr {
        let mut e = self.unary();
        while self.eat("&&") {
            let r = self.unary();
            e = Expr::And(Box::new(e), Box::new(r));
        }
        e
    }

    fn unary(&mut self) -> Expr {
        self.depth += 1;
        if self.depth > 64 {
            self.failed = true;
            self.pos = self.tokens.len();
            return Expr::Other;
        }
        let e = if self.eat("!") {
            Expr::Not(Box::new(self.unary()))
        } else if self.eat("(") {
            let e = self.or();
            if !self.eat(")") {
                self.failed = true;
            }
            e
        } else {
            self.comparison()
        };
        self.depth -= 1;
        e
    }

    fn comparison(&mut self) -> Expr {
        let Some(Tok::Word(w)) = self.tokens.get(self.pos).cloned() else {
            self.failed = true;
            self.pos = self.tokens.len();
            return Expr::Other;
        };
        self.pos += 1;
        for (op, eq) in [("=", true), ("!=", false)] {
            if self.eat(op) {
                let Some(Tok::Word(v)) = self.tokens.get(self.pos).cloned() else {
                    return Expr::Other;
                };
                self.pos += 1;
                return if is_symbol(&w) {
                    Expr::Cmp {
                        sym: w,
                        value: v,
                        eq,
                    }
                } else {
                    Expr::Other
                };
            }
        }
        for op in ["<=", ">=", "<", ">"] {
            if self.eat(op) {
                self.pos += 1;
                return Expr::Other;
            }
        }
        if is_symbol(&w) {
            Expr::Sym(w)
        } else {
            Expr::Other
        }
    }
}

/// A symbol name (not `y`/`m`/`n`, a number or a macro).
fn is_symbol(w: &str) -> bool {
    !matches!(w, "y" | "m" | "n")
        && w.starts_with(|c: char| c.is_ascii_alphabetic())
        && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(s: &str) -> Vec<String> {
        let mut out = BTreeSet::new();
        parse_expr(s).required(&mut out);
        out.into_iter().collect()
    }

    #[test]
    fn expressions() {
        assert_eq!(req("PPC64 && PPC_BOOK3S"), ["PPC64", "PPC_BOOK3S"]);
        assert_eq!(req("A || B"), Vec::<String>::new());
        assert_eq!(req("(A && B) || (A && C)"), ["A"]);
        assert_eq!(req("SSB = y && !X"), ["SSB"]);
        assert_eq!(req("X != n"), ["X"]);
        assert_eq!(req("X || COMPILE_TEST"), Vec::<String>::new());
        assert_eq!(req("((("), Vec::<String>::new());
        assert_eq!(req("A &&"), Vec::<String>::new());
        assert_eq!(req("\"é\" = A"), Vec::<String>::new());
        assert_eq!(
            arch_of_path(Path::new("arch/mips/Kconfig")).as_deref(),
            Some("mips")
        );
        assert_eq!(arch_of_path(Path::new("arch/Kconfig")), None);
    }
}
