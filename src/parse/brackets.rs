//! File-local macros that run one of their arguments with a lock released: the body
//! (after expanding the file's other function-like macros) reads `unlock(L); arg;` and
//! takes `L` again after it, as in
//!
//! ```c
//! #define cmd_before(conf, cmd) do { spin_unlock_irq(&(conf)->lock); cmd; } while (0)
//! #define wait_barrier_cmd(conf, cond, cmd) \
//!         wait_event_cmd((conf)->wq, cond, cmd_before(conf, cmd), spin_lock_irq(&(conf)->lock))
//! ```
//!
//! Calls written in that argument are not under `L` (see `lockstate`). Found by a text
//! scan of the file's `#define` lines; only shapes where the argument certainly runs
//! after the release count: the release starts a statement (after `{` or `;`), the
//! argument is the very next statement, and every use of the parameter is so placed.

use rustc_hash::FxHashMap as HashMap;

use crate::knowledge::{Knowledge, LockOp};

/// A macro whose argument `run` runs with `lock` released; `lock` is written in terms
/// of the macro's parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnlockBracket {
    pub name: String,
    pub params: Vec<String>,
    pub lock: String,
    pub run: usize,
}

/// Most function-like macros of a file looked at, and longest expanded body.
const MAX_MACROS: usize = 4096;
const MAX_BODY: usize = 8192;
/// Nesting of file-local macros expanded inside a body.
const MAX_EXPANSION_DEPTH: usize = 4;

/// The file's unlock-bracket macros (usually none: only files that define a
/// function-like macro and mention an unlock are scanned).
pub fn unlock_brackets(original: &[u8], knowledge: &Knowledge) -> Vec<UnlockBracket> {
    if memchr::memmem::find(original, b"#define").is_none()
        || memchr::memmem::find(original, b"unlock").is_none()
    {
        return Vec::new();
    }
    let macros = function_macros(original);
    if macros.is_empty() {
        return Vec::new();
    }
    let by_name: HashMap<&str, usize> = macros
        .iter()
        .enumerate()
        .map(|(i, (n, _, _))| (n.as_str(), i))
        .collect();
    let mut out = Vec::new();
    for (name, params, body) in &macros {
        if !params.iter().any(|p| body.contains(p.as_str())) {
            continue;
        }
        let expanded = expand(body, &macros, &by_name, 0);
        for (run, p) in params.iter().enumerate() {
            if p == "..." {
                continue;
            }
            if let Some(lock) = released_around(&expanded, p, knowledge) {
                out.push(UnlockBracket {
                    name: name.clone(),
                    params: params.clone(),
                    lock,
                    run,
                });
                break;
            }
        }
    }
    out
}

impl UnlockBracket {
    /// The lock this macro releases, at a call with these argument texts (parameters
    /// substituted; a name after `->` or `.` is a field, not a parameter).
    pub fn lock_at_call(&self, args: &[String]) -> String {
        let mut out = String::new();
        let mut last = 0;
        for (at, tok) in tokens(&self.lock) {
            let field = self.lock[..at].ends_with("->") || self.lock[..at].ends_with('.');
            if let Some(k) = self.params.iter().position(|p| p == tok).filter(|_| !field)
                && let Some(arg) = args.get(k)
            {
                out.push_str(&self.lock[last..at]);
                out.push('(');
                out.push_str(arg);
                out.push(')');
                last = at + tok.len();
            }
        }
        out.push_str(&self.lock[last..]);
        normalise(&out)
    }
}

/// The lock (as written) released right before every use of `param` in `body`, and
/// taken again after it; `None` unless every use is so bracketed by the same lock.
fn released_around(body: &str, param: &str, knowledge: &Knowledge) -> Option<String> {
    let mut lock: Option<String> = None;
    let mut last_use = 0;
    for (at, _) in tokens(body).filter(|(_, t)| *t == param) {
        let before = body[..at].trim_end();
        if before.ends_with('#') {
            return None;
        }
        let (callee, arg, call_start) = call_before(before.strip_suffix(';')?.trim_end())?;
        if !matches!(knowledge.lock_op(callee), Some(LockOp::Release(_))) {
            return None;
        }
        // The release starts a statement, so it runs whenever the argument does.
        let lead = body[..call_start].trim_end();
        if !(lead.is_empty() || lead.ends_with('{') || lead.ends_with(';')) {
            return None;
        }
        // The argument is a whole statement: `cmd;` or `cmd }`.
        let after = body[at + param.len()..].trim_start();
        if !(after.starts_with(';') || after.starts_with('}')) {
            return None;
        }
        match &lock {
            Some(l) if *l != arg => return None,
            _ => lock = Some(arg),
        }
        last_use = at;
    }
    let lock = lock?;
    // Taken again after the argument: a release for the rest of the caller would be
    // another shape (one the lock effects handle, not this).
    let retaken = tokens(&body[last_use..]).any(|(at, t)| {
        matches!(knowledge.lock_op(t), Some(LockOp::Acquire(_)))
            && call_args(&body[last_use + at + t.len()..])
                .and_then(|a| a.into_iter().next())
                .is_some_and(|a| a == lock)
    });
    retaken.then_some(lock)
}

/// For text ending in `name(args)`: (name, first argument, start of name).
fn call_before(text: &str) -> Option<(&str, String, usize)> {
    let bytes = text.as_bytes();
    if bytes.last() != Some(&b')') {
        return None;
    }
    let mut depth = 0i32;
    let mut open = None;
    for i in (0..bytes.len()).rev() {
        match bytes[i] {
            b')' => depth += 1,
            b'(' => {
                depth -= 1;
                if depth == 0 {
                    open = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let open = open?;
    let head = text[..open].trim_end();
    let start = head
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    let name = &head[start..];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let first = call_args(&text[open..])?.into_iter().next()?;
    Some((name, first, start))
}

/// The arguments of the parenthesised list `text` starts with (after blanks), split at
/// top-level commas and trimmed.
fn call_args(text: &str) -> Option<Vec<String>> {
    let t = text.trim_start();
    let bytes = t.as_bytes();
    if bytes.first() != Some(&b'(') {
        return None;
    }
    let mut depth = 0i32;
    let mut args = Vec::new();
    let mut start = 1;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    args.push(normalise(&t[start..i]));
                    return Some(args);
                }
            }
            b',' if depth == 1 => {
                args.push(normalise(&t[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    None
}

/// Whitespace removed and parentheses around plain names dropped (`&(conf)->lock` is
/// `&conf->lock`), so the same lock compares equal however a macro spelled it.
pub fn normalise(text: &str) -> String {
    let mut s: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    loop {
        let bytes = s.as_bytes();
        let mut found = None;
        for (i, &b) in bytes.iter().enumerate() {
            if b != b'(' {
                continue;
            }
            let inner_end = bytes[i + 1..]
                .iter()
                .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
                .map(|p| i + 1 + p);
            // `(name)` not preceded by a name (a call) is a parenthesised name.
            let after_name =
                i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
            if let Some(e) = inner_end
                && e > i + 1
                && bytes[e] == b')'
                && !after_name
            {
                found = Some((i, e));
                break;
            }
        }
        match found {
            Some((i, e)) => {
                s.replace_range(e..=e, "");
                s.replace_range(i..=i, "");
            }
            None => return s,
        }
    }
}

/// Identifier tokens of `text` with their byte offsets (string and character literals
/// skipped).
fn tokens(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'"' || b == b'\'' {
                i += 1;
                while i < bytes.len() && bytes[i] != b {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                continue;
            }
            if b.is_ascii_alphabetic() || b == b'_' {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                return Some((start, &text[start..i]));
            }
            if b.is_ascii_digit() {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                continue;
            }
            i += 1;
        }
        None
    })
}

/// `body` with uses of the file's other function-like macros replaced by their bodies
/// (parameters substituted by the argument texts), to `MAX_EXPANSION_DEPTH`.
fn expand(
    body: &str,
    macros: &[(String, Vec<String>, String)],
    by_name: &HashMap<&str, usize>,
    depth: usize,
) -> String {
    if depth >= MAX_EXPANSION_DEPTH {
        return body.to_string();
    }
    let mut out = String::new();
    let mut copied = 0;
    for (at, t) in tokens(body) {
        if at < copied {
            continue;
        }
        let Some((_, params, inner)) = by_name.get(t).map(|&i| &macros[i]) else {
            continue;
        };
        let rest = &body[at + t.len()..];
        let Some(args) = raw_args(rest) else {
            continue;
        };
        let (args, used) = args;
        if args.len() != params.len() {
            continue;
        }
        let mut substituted = String::new();
        let mut last = 0;
        for (p_at, tok) in tokens(inner) {
            if let Some(k) = params.iter().position(|p| p == tok) {
                substituted.push_str(&inner[last..p_at]);
                substituted.push_str(args[k].trim());
                last = p_at + tok.len();
            }
        }
        substituted.push_str(&inner[last..]);
        out.push_str(&body[copied..at]);
        out.push_str(&expand(&substituted, macros, by_name, depth + 1));
        copied = at + t.len() + used;
        if out.len() > MAX_BODY {
            return body.to_string();
        }
    }
    out.push_str(&body[copied..]);
    out
}

/// The raw argument texts of the list `text` starts with (after blanks), and the bytes
/// up to and including its `)`.
fn raw_args(text: &str) -> Option<(Vec<&str>, usize)> {
    let lead = text.len() - text.trim_start().len();
    let bytes = text.as_bytes();
    if bytes.get(lead) != Some(&b'(') {
        return None;
    }
    let mut depth = 0i32;
    let mut args = Vec::new();
    let mut start = lead + 1;
    for (i, &b) in bytes.iter().enumerate().skip(lead) {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    args.push(&text[start..i]);
                    return Some((args, i + 1));
                }
            }
            b',' if depth == 1 => {
                args.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    None
}

/// The file's function-like `#define`s: (name, parameters, body with continuation lines
/// joined and comments removed).
fn function_macros(src: &[u8]) -> Vec<(String, Vec<String>, String)> {
    let text = String::from_utf8_lossy(src);
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        let Some(rest) = t.strip_prefix('#') else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix("define") else {
            continue;
        };
        let mut full = rest.to_string();
        let mut cur = line;
        while cur.trim_end().ends_with('\\') && full.len() < MAX_BODY {
            full.truncate(full.trim_end().len() - 1);
            full.push(' ');
            match lines.next() {
                Some(next) => {
                    full.push_str(next);
                    cur = next;
                }
                None => break,
            }
        }
        if out.len() >= MAX_MACROS || full.len() >= MAX_BODY {
            continue;
        }
        let full = strip_comments(&full);
        let def = full.trim_start();
        let name_end = def
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(def.len());
        // Function-like only: the `(` follows the name at once.
        if name_end == 0 || !def[name_end..].starts_with('(') {
            continue;
        }
        let Some(close) = def[name_end..].find(')').map(|i| name_end + i) else {
            continue;
        };
        let params: Vec<String> = def[name_end + 1..close]
            .split(',')
            .map(|p| p.trim().to_string())
            .collect();
        out.push((
            def[..name_end].to_string(),
            params,
            def[close + 1..].trim().to_string(),
        ));
    }
    out
}

/// `/* … */` and `// …` comments removed (literals are left as they are).
fn strip_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    loop {
        let block = rest.find("/*");
        let line = rest.find("//");
        match (block, line) {
            (Some(b), l) if l.is_none_or(|l| b < l) => {
                out.push_str(&rest[..b]);
                out.push(' ');
                match rest[b + 2..].find("*/") {
                    Some(e) => rest = &rest[b + 2 + e + 2..],
                    None => return out,
                }
            }
            (_, Some(l)) => {
                out.push_str(&rest[..l]);
                return out;
            }
            _ => {
                out.push_str(rest);
                return out;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brackets(src: &str) -> Vec<UnlockBracket> {
        unlock_brackets(src.as_bytes(), Knowledge::builtin())
    }

    #[test]
    fn nested_local_macros_bracket_the_argument() {
        let b = brackets(
            "#define before(c, cmd) \\\n do { \\\n spin_unlock_irq(&(c)->lock); /* x */ \\\n cmd; \\\n } while (0)\n\
             #define after(c) spin_lock_irq(&(c)->lock)\n\
             #define wait_cmd(c, cond, cmd) \\\n wait_event_cmd((c)->wq, cond, before(c, cmd), after(c))\n",
        );
        assert_eq!(
            b.iter()
                .map(|x| (x.name.as_str(), x.run, x.lock.as_str()))
                .collect::<Vec<_>>(),
            // `before` alone leaves the lock released: not a bracket.
            [("wait_cmd", 2, "&c->lock")]
        );
    }

    #[test]
    fn conditional_or_unretaken_releases_do_not_count() {
        assert!(
            brackets("#define a(l, cmd) if (x) spin_unlock(l); cmd; spin_lock(l)\n").is_empty()
        );
        assert!(brackets("#define b(l, cmd) { spin_unlock(l); cmd; }\n").is_empty());
        assert!(
            brackets("#define c(l, cmd) { cmd; spin_unlock(l); cmd; spin_lock(l); }\n").is_empty()
        );
        assert!(
            brackets("#define d(l, cmd) { spin_unlock(l); foo(cmd); spin_lock(l); }\n").is_empty()
        );
    }

    #[test]
    fn normalise_drops_parentheses_around_names_only() {
        assert_eq!(normalise("&( conf )->lock"), "&conf->lock");
        assert_eq!(normalise("&f(x)->lock"), "&f(x)->lock");
        assert_eq!(normalise("&((conf))->l"), "&conf->l");
    }
}
