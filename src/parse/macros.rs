//! Byte-offset-preserving macro pre-pass.
//!
//! tree-sitter-c does not expand macros, and kernel code is full of them. Three shapes
//! derail it most (see ../shared/kernel-facts.md §5.1, and `bench/` for our own counts):
//! annotation words (`__iomem`, `__init`), annotation calls (`__must_hold(x)`,
//! `__attribute__((…))`), and statement macros followed by a block
//! (`list_for_each_entry(…) { … }`, `scoped_guard(…) { … }`), which parse as a call with
//! a missing `;` and a detached block. This pass rewrites those in place, replacing
//! bytes with spaces or with a keyword of no greater length, so every byte offset (and
//! so every line and column) stays valid for the original text.
//!
//! Comments, string and character literals are skipped. Preprocessor directives keep
//! their loop-macro names (a `#define list_for_each…` must stay a definition).

/// Bare annotation words, replaced with spaces.
const ANNOTATION_WORDS: &[&str] = &[
    "__init",
    "__exit",
    "__initdata",
    "__initconst",
    "__exitdata",
    "__iomem",
    "__user",
    "__rcu",
    "__percpu",
    "__force",
    "__must_check",
    "__maybe_unused",
    "__always_unused",
    "__cold",
    "__ro_after_init",
    "__read_mostly",
    "__refdata",
    "__ref",
    "noinline",
    "__always_inline",
    "__packed",
    "__cacheline_aligned",
    "__cacheline_aligned_in_smp",
    "____cacheline_aligned",
    "____cacheline_aligned_in_smp",
    "____cacheline_internodealigned_in_smp",
    "__weak",
    "__noreturn",
    "__visible",
    "__used",
    "__unused",
    "__latent_entropy",
    "__randomize_layout",
    "notrace",
    "__kprobes",
    "__sched",
    "__nocast",
    "__bitwise",
    "__init_or_module",
    "__meminit",
    "__meminitdata",
    "__net_init",
    "__net_exit",
    "__devinit",
    "__devexit",
    "__devinitdata",
    "__cpuinit",
    "__safe",
    "__private",
    "__iomem_ptr",
    "asmlinkage",
    "__deprecated",
    "__no_kasan_or_inline",
    "__no_sanitize_address",
    "__nostackprotector",
    "__flatten",
    "__pure",
    "__malloc",
    "__must_be_array",
    "__irq_entry",
    "__softirq_entry",
    "__ksym",
    "__rcu_guarded",
    "__section_unused",
    "KERN_EMERG",
    "KERN_ALERT",
    "KERN_CRIT",
    "KERN_ERR",
    "KERN_WARNING",
    "KERN_NOTICE",
    "KERN_INFO",
    "KERN_DEBUG",
    "KERN_CONT",
    "KERN_DEFAULT",
    "__stringify_1",
];

/// Function-like annotations, replaced with spaces together with their parenthesised
/// arguments. The original text is kept by the caller, so `__must_hold(x)` stays
/// readable from the original bytes.
const ANNOTATION_CALLS: &[&str] = &[
    "__must_hold",
    "__acquires",
    "__releases",
    "__counted_by",
    "__aligned",
    "__attribute__",
    "__attribute",
    "__printf",
    "__scanf",
    "__alloc_size",
    "__section",
    "__free",
    "__cleanup",
    "__guarded_by",
    "__pt_guarded_by",
    "__cond_acquires",
    "__nonstring",
    "__assume_aligned",
    "__diag_ignore",
    "__realloc_size",
    "__no_sanitize_or_inline",
    "__counted_by_le",
    "__counted_by_be",
];

/// Endian integer types (sparse's `__bitwise` typedefs), replaced with a C type of the
/// same size padded with spaces. Blanking them instead broke every cast
/// (`*(__le16 *)&buf[4] = x;` became `*( *)&buf[4]`), and tree-sitter's recovery
/// from that error could merge a function with the next one, losing its branches.
const ENDIAN_TYPES: &[(&str, &str)] = &[
    ("__le16", "short "),
    ("__be16", "short "),
    ("__le32", "int   "),
    ("__be32", "int   "),
    ("__le64", "long  "),
    ("__be64", "long  "),
];

/// The rewrite applied to one identifier.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Rewrite {
    Blank,
    /// A type name becomes this same-length C type.
    Type(&'static [u8]),
    BlankWithArgs,
    /// A statement macro that loops over its body: becomes `while`.
    Loop,
    /// A statement macro that runs its body at most once: becomes `if`.
    Once,
}

fn classify(word: &[u8]) -> Option<Rewrite> {
    // Cheap filters first: this runs on every identifier of every file.
    let first = word[0];
    if matches!(first, b'_' | b'K' | b'n' | b'a') {
        let tables = tables();
        if tables.words.contains(word) {
            return Some(Rewrite::Blank);
        }
        if tables.calls.contains(word) {
            return Some(Rewrite::BlankWithArgs);
        }
        if let Some((_, ty)) = ENDIAN_TYPES.iter().find(|(w, _)| w.as_bytes() == word) {
            return Some(Rewrite::Type(ty.as_bytes()));
        }
    }
    if first == b's' && (word == b"scoped_guard" || word == b"scoped_cond_guard") {
        return Some(Rewrite::Once);
    }
    // Every kernel iterator macro has "for_each" in its name (list_for_each_entry,
    // for_each_set_bit, xa_for_each, device_for_each_child_node, ...).
    if word.len() >= 8 && word.windows(8).any(|w| w == b"for_each") {
        return Some(Rewrite::Loop);
    }
    None
}

struct Tables {
    words: rustc_hash::FxHashSet<&'static [u8]>,
    calls: rustc_hash::FxHashSet<&'static [u8]>,
}

fn tables() -> &'static Tables {
    static TABLES: std::sync::OnceLock<Tables> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| Tables {
        words: ANNOTATION_WORDS.iter().map(|w| w.as_bytes()).collect(),
        calls: ANNOTATION_CALLS.iter().map(|w| w.as_bytes()).collect(),
    })
}

/// Statistics of one pre-pass, for the benchmark's "what did the pre-pass do" line.
#[derive(Debug, Default, Clone, Copy)]
pub struct PrepassStats {
    pub blanked: u32,
    pub loops: u32,
}

/// In `#define NAME(a, args...)` after `define` (at `at`): GNU's named variadic
/// parameter, which tree-sitter reads as an error (and the definition with it), becomes
/// a plain `...` (`a,     ...`). Returns 1 if it rewrote one.
fn named_variadic(src: &mut [u8], at: usize) -> u32 {
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = skip_space(src, at);
    while i < src.len() && ident(src[i]) {
        i += 1;
    }
    // The parameter list opens right after the name.
    if i >= src.len() || src[i] != b'(' {
        return 0;
    }
    let Some(close) = src[i..]
        .iter()
        .position(|&b| b == b')' || b == b'\n')
        .map(|p| i + p)
        .filter(|&c| src[c] == b')')
    else {
        return 0;
    };
    let Some(dots) = find(&src[..close], i, b"...") else {
        return 0;
    };
    let mut name = dots;
    while name > i + 1 && ident(src[name - 1]) {
        name -= 1;
    }
    if name == dots {
        return 0;
    }
    src[name..dots].fill(b' ');
    1
}

/// Rewrites `src` in place (same length), returning what was done.
pub fn prepass(src: &mut [u8]) -> PrepassStats {
    let mut stats = PrepassStats::default();
    let n = src.len();
    let mut i = 0;
    let mut at_line_start = true;
    let mut in_directive = false;
    // The last significant byte outside comments, to tell statement position.
    let mut last_sig: u8 = b';';
    // The same outside directives, and whether each open brace is a struct or union
    // body (`struct x {`, not a function or initializer): a member-list macro call.
    let mut last_code_sig: u8 = b';';
    let mut record_pending = false;
    let mut braces: Vec<bool> = Vec::new();
    while i < n {
        let c = src[i];
        match c {
            b'\n' => {
                if !(i > 0 && src[i - 1] == b'\\') {
                    in_directive = false;
                }
                at_line_start = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\x0c' => {
                i += 1;
                continue;
            }
            b'#' if at_line_start => {
                in_directive = true;
            }
            b'/' if i + 1 < n && src[i + 1] == b'*' => {
                match find(src, i + 2, b"*/") {
                    Some(e) => i = e + 2,
                    None => {
                        // An unterminated comment runs to the end of the file. Blank it:
                        // tree-sitter's error recovery on an unclosed `/*` is worse than
                        // quadratic (4,000 × `/* ` took 13 s to parse).
                        blank_keep_newlines(&mut src[i..]);
                        i = n;
                    }
                }
                continue;
            }
            b'/' if i + 1 < n && src[i + 1] == b'/' => {
                while i < n && src[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' => {
                i = skip_literal(src, i);
                last_sig = c;
                at_line_start = false;
                continue;
            }
            _ => {}
        }
        at_line_start = false;
        if !in_directive {
            match c {
                b'{' => braces.push(std::mem::take(&mut record_pending)),
                b'}' => {
                    braces.pop();
                }
                b';' | b'(' | b')' | b'=' | b',' => record_pending = false,
                _ => {}
            }
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < n && (src[i].is_ascii_alphanumeric() || src[i] == b'_') {
                i += 1;
            }
            if !in_directive {
                let word = &src[start..i];
                if word == b"struct" || word == b"union" {
                    record_pending = true;
                } else if braces.last() == Some(&true)
                    && matches!(last_code_sig, b';' | b'{' | b'}')
                    && !word.starts_with(b"__")
                    && classify(word).is_none()
                    && let Some(end) = member_list_call(src, i)
                {
                    // `CLK_REG_FIELD_LIST(uint8_t)` alone on its line in a struct body:
                    // a macro that expands to member declarations, with no `;` after
                    // it. tree-sitter reads it, and everything after it in the file, as
                    // an error; `NAME       _;` parses as one member, whose original
                    // text the extractor keeps as the call (`decls::macro_member`).
                    let open = skip_space(src, i);
                    src[open..end].fill(b' ');
                    src[end - 2] = b'_';
                    src[end - 1] = b';';
                    stats.blanked += 1;
                    last_sig = b';';
                    last_code_sig = b';';
                    i = end;
                    continue;
                }
                last_code_sig = b'x';
            }
            if in_directive
                && &src[start..i] == b"define"
                && src[..start].trim_ascii_end().ends_with(b"#")
            {
                stats.blanked += named_variadic(src, i);
            }
            match classify(&src[start..i]) {
                Some(Rewrite::Blank) => {
                    src[start..i].fill(b' ');
                    stats.blanked += 1;
                    continue;
                }
                Some(Rewrite::Type(ty)) if !in_directive => {
                    src[start..i].copy_from_slice(ty);
                    stats.blanked += 1;
                    last_sig = b'x';
                    continue;
                }
                Some(Rewrite::BlankWithArgs) => {
                    let open = skip_space(src, i);
                    let end = if open < n && src[open] == b'(' {
                        matching_paren(src, open).unwrap_or(i)
                    } else {
                        i
                    };
                    blank_keep_newlines(&mut src[start..end]);
                    stats.blanked += 1;
                    i = end;
                    continue;
                }
                Some(kind @ (Rewrite::Loop | Rewrite::Once)) if !in_directive => {
                    let open = skip_space(src, i);
                    let statement_position = matches!(last_sig, b';' | b'{' | b'}' | b')' | b':')
                        || ends_with_word(src, start, b"else");
                    if open < n && src[open] == b'(' && statement_position {
                        let keyword: &[u8] = if kind == Rewrite::Loop {
                            b"while"
                        } else {
                            b"if"
                        };
                        src[start..start + keyword.len()].copy_from_slice(keyword);
                        src[start + keyword.len()..i].fill(b' ');
                        stats.loops += 1;
                    }
                    last_sig = b'x';
                    continue;
                }
                _ => {
                    last_sig = b'x';
                    continue;
                }
            }
        }
        last_sig = c;
        if !in_directive {
            last_code_sig = c;
        }
        i += 1;
    }
    stats
}

/// The end of a member-list macro call whose name ends at `name_end`: `(args)` on the
/// name's line, arguments non-empty, then only blanks or a comment to the end of the
/// line, and the next line starts another member (an identifier not starting with
/// `__`, which could be an attribute of this one) or closes the body. `None` when the
/// call is followed by `;` or anything else.
fn member_list_call(src: &[u8], name_end: usize) -> Option<usize> {
    let mut open = name_end;
    while open < src.len() && matches!(src[open], b' ' | b'\t') {
        open += 1;
    }
    if src.get(open) != Some(&b'(') {
        return None;
    }
    let end = matching_paren(src, open)?;
    if end - open < 3 || src[open..end].contains(&b'\n') {
        return None;
    }
    let mut i = end;
    while i < src.len() && matches!(src[i], b' ' | b'\t' | b'\r') {
        i += 1;
    }
    if src[i..].starts_with(b"/*") {
        let close = find(src, i + 2, b"*/")?;
        if src[i..close].contains(&b'\n') {
            return None;
        }
        i = close + 2;
        while i < src.len() && matches!(src[i], b' ' | b'\t' | b'\r') {
            i += 1;
        }
    } else if src[i..].starts_with(b"//") {
        while i < src.len() && src[i] != b'\n' {
            i += 1;
        }
    }
    if src.get(i) != Some(&b'\n') {
        return None;
    }
    // The next line's first significant byte (comments skipped).
    loop {
        i = skip_space(src, i);
        if src[i..].starts_with(b"/*") {
            i = find(src, i + 2, b"*/")? + 2;
        } else if src[i..].starts_with(b"//") {
            while i < src.len() && src[i] != b'\n' {
                i += 1;
            }
        } else {
            break;
        }
    }
    match src.get(i) {
        Some(b'}' | b'#') => Some(end),
        Some(&c) if (c.is_ascii_alphabetic() || c == b'_') && !src[i..].starts_with(b"__") => {
            Some(end)
        }
        _ => None,
    }
}

fn find(src: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    if from >= src.len() {
        return None;
    }
    src[from..]
        .windows(pat.len())
        .position(|w| w == pat)
        .map(|p| p + from)
}

fn skip_space(src: &[u8], mut i: usize) -> usize {
    while i < src.len() && matches!(src[i], b' ' | b'\t' | b'\r' | b'\n') {
        i += 1;
    }
    i
}

fn skip_literal(src: &[u8], start: usize) -> usize {
    let quote = src[start];
    let mut i = start + 1;
    while i < src.len() {
        match src[i] {
            b'\\' => i += 2,
            b'\n' => return i, // unterminated: stop at the line end
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    src.len()
}

/// Longest annotation argument list looked at: real ones are a few dozen bytes, and an
/// unbounded search made a file of unclosed `__attribute__((` quadratic.
const MAX_ANNOTATION_ARGS: usize = 4096;

/// The index just past the `)` matching the `(` at `open`, skipping literals and
/// comments; `None` if unbalanced (or longer than [`MAX_ANNOTATION_ARGS`]).
fn matching_paren(src: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    let src = &src[..src.len().min(open.saturating_add(MAX_ANNOTATION_ARGS))];
    while i < src.len() {
        match src[i] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b'"' | b'\'' => {
                i = skip_literal(src, i);
                continue;
            }
            b'/' if src.get(i + 1) == Some(&b'*') => {
                i = find(src, i + 2, b"*/")? + 2;
                continue;
            }
            b';' | b'{' | b'}' => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

fn blank_keep_newlines(bytes: &mut [u8]) {
    for b in bytes {
        if *b != b'\n' {
            *b = b' ';
        }
    }
}

fn ends_with_word(src: &[u8], end: usize, word: &[u8]) -> bool {
    let mut e = end;
    while e > 0 && matches!(src[e - 1], b' ' | b'\t' | b'\r' | b'\n') {
        e -= 1;
    }
    e >= word.len()
        && &src[e - word.len()..e] == word
        && (e == word.len()
            || !(src[e - word.len() - 1].is_ascii_alphanumeric()
                || src[e - word.len() - 1] == b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_variadic_parameters_become_plain() {
        let mut src = b"#define dbg(db, lev, msg...) dev_dbg(db->dev, msg)\n".to_vec();
        prepass(&mut src);
        assert_eq!(&src[..28], b"#define dbg(db, lev,    ...)");
        let mut plain = b"#define dbg(db, ...) f(db)\n#define X (a...)\n".to_vec();
        let before = plain.clone();
        prepass(&mut plain);
        assert_eq!(plain, before);
    }

    fn run(s: &str) -> String {
        let mut b = s.as_bytes().to_vec();
        prepass(&mut b);
        assert_eq!(b.len(), s.len());
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn member_list_calls_in_record_bodies_are_closed() {
        assert_eq!(
            run("struct s {\n\tLIST(u8)\n\tLIST2(u8, x) /* c */\n};\n"),
            "struct s {\n\tLIST  _;\n\tLIST2     _; /* c */\n};\n"
        );
        // Not in a function body or an initializer, not before `;` or an attribute,
        // not without arguments.
        for (text, call) in [
            ("void f(struct s *p) {\n\tLIST(u8)\n\tx();\n}\n", "LIST(u8)"),
            ("struct s v = {\n\tLIST(u8)\n};\n", "LIST(u8)"),
            ("struct s {\n\tDECLARE_BITMAP(m, 8);\n};\n", "(m, 8);"),
            ("struct s {\n\tDECLARE_BITMAP(m, 8)\n\t;\n};\n", "(m, 8)"),
            ("struct s {\n\tLIST(u8)\n\t__aligned(8);\n};\n", "LIST(u8)"),
            ("struct s {\n\tLIST()\n};\n", "LIST()"),
            ("struct s {\n\t__aligned(8)\n\tu8 a;\n};\n", "u8 a;"),
            ("#define X struct s {\\\n\tLIST(u8)\\\n};\n", "LIST(u8)"),
        ] {
            let out = run(text);
            assert!(out.contains(call) && !out.contains("_;"), "{text}");
        }
    }

    #[test]
    fn offsets_are_preserved() {
        assert_eq!(
            run("static int __init f(void)"),
            "static int        f(void)"
        );
        assert_eq!(
            run("void f(void) __must_hold(&p->lock) {"),
            "void f(void)                       {"
        );
        assert_eq!(
            run("{ list_for_each_entry(p, &h, node) { x(); } }"),
            "{ while              (p, &h, node) { x(); } }"
        );
        assert_eq!(
            run("{ scoped_guard(spinlock, &l) { x(); } }"),
            "{ if          (spinlock, &l) { x(); } }"
        );
    }

    #[test]
    fn literals_comments_and_directives_are_untouched() {
        assert_eq!(
            run("s = \"__init\"; /* __iomem */"),
            "s = \"__init\"; /* __iomem */"
        );
        let def = "#define list_for_each_entry(a, b, c) \\\n  for (;;)\n";
        assert_eq!(run(def), def);
        // Not in statement position: an expression use stays a call.
        assert_eq!(run("n = count_for_each(x);"), "n = count_for_each(x);");
    }

    #[test]
    fn unbalanced_input_does_not_panic() {
        run("__attribute__((");
        run("\"unterminated");
        run("/* open");
        run("__must_hold(");
    }

    #[test]
    fn unterminated_comment_is_blanked_to_the_end() {
        let blanked = format!("int x; {}\n{}", " ".repeat(7), " ".repeat(15));
        assert_eq!(run("int x; /* open\nint y; /* again"), blanked);
        assert_eq!(
            run("int x; /* closed */ int y;"),
            "int x; /* closed */ int y;"
        );
    }
}
