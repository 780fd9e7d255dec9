//! `--fix` and `--diff-output`: the mechanical rewrites lints attach to findings
//! (`Diagnostic::fix`), applied to the source text. Every rewrite is checked against the
//! text at the finding's span first (the callee is there, the arguments split as
//! expected, the statement is alone on its line and not the body of a brace-less `if`);
//! anything unexpected skips the fix, so a fix is made only where it is exact. Files are
//! written to a temporary file and renamed into place.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Fix};

/// One replacement of `start..end` in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Edit {
    start: usize,
    end: usize,
    text: String,
}

/// The fixed text of every file with a fix, and counts.
#[derive(Debug, Default)]
pub struct Fixed {
    /// Path → (original text, fixed text).
    pub files: BTreeMap<String, (String, String)>,
    /// Findings fixed.
    pub applied: usize,
    /// Findings with a fix that did not match the source text (left as they are).
    pub skipped: usize,
}

/// Computes the fixes of `diagnostics`; `read` gives a file's current text.
pub fn plan(diagnostics: &[Diagnostic], read: impl Fn(&str) -> Option<String>) -> Fixed {
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in diagnostics.iter().filter(|d| d.fix.is_some()) {
        by_file.entry(&d.file).or_default().push(d);
    }
    let mut out = Fixed::default();
    for (file, diags) in by_file {
        let Some(text) = read(file) else {
            out.skipped += diags.len();
            continue;
        };
        let mut edits: Vec<Edit> = Vec::new();
        for d in diags {
            match d.fix.as_ref().and_then(|f| edit(&text, d, f)) {
                // Two fixes touching the same text: keep the first.
                Some(e) if !edits.iter().any(|o| o.start < e.end && e.start < o.end) => {
                    edits.push(e);
                    out.applied += 1;
                }
                _ => out.skipped += 1,
            }
        }
        if edits.is_empty() {
            continue;
        }
        edits.sort_by_key(|e| std::cmp::Reverse(e.start));
        let mut fixed = text.clone();
        for e in edits {
            fixed.replace_range(e.start..e.end, &e.text);
        }
        out.files.insert(file.to_string(), (text, fixed));
    }
    out
}

/// The edit for one finding, if the text is as the fix expects.
fn edit(text: &str, d: &Diagnostic, fix: &Fix) -> Option<Edit> {
    let (start, end) = (d.span.start as usize, d.span.end as usize);
    let call = text.get(start..end)?;
    match fix {
        Fix::RenameCallee { from, to } => {
            let rest = call.strip_prefix(from.as_str())?;
            rest.trim_start().starts_with('(').then(|| Edit {
                start,
                end: start + from.len(),
                text: to.clone(),
            })
        }
        Fix::ArrayCall { from, to, size_arg } => {
            let args_text = call
                .strip_prefix(from.as_str())?
                .trim_start()
                .strip_prefix('(')?
                .strip_suffix(')')?;
            let args = split_top_level(args_text, b',')?;
            let size = args.get(*size_arg)?;
            let factors = split_top_level(size, b'*')?;
            let [a, b] = factors.as_slice() else {
                return None;
            };
            let (a, b) = (a.trim(), b.trim());
            if a.is_empty() || b.is_empty() || !is_operand(a) || !is_operand(b) {
                return None;
            }
            // `n, size`: the count first, a `sizeof` second.
            let (n, size) = if a.starts_with("sizeof") && !b.starts_with("sizeof") {
                (b, a)
            } else {
                (a, b)
            };
            let mut new_args: Vec<String> = args.iter().map(|s| s.trim().to_string()).collect();
            new_args[*size_arg] = format!("{n}, {size}");
            Some(Edit {
                start,
                end,
                text: format!("{to}({})", new_args.join(", ")),
            })
        }
        Fix::DeleteStatement => {
            let line_start = text[..start].rfind('\n').map_or(0, |p| p + 1);
            if !text[line_start..start].trim().is_empty() {
                return None;
            }
            let after = &text[end..];
            let semi = after.find(|c: char| !c.is_whitespace() || c == '\n')?;
            if !after[semi..].starts_with(';') {
                return None;
            }
            let rest = &after[semi + 1..];
            let line_end = rest
                .find('\n')
                .map_or(text.len(), |p| end + semi + 1 + p + 1);
            // Only a comment may follow (it goes with the statement).
            let tail = rest[..rest.find('\n').unwrap_or(rest.len())].trim();
            let block_comment = tail.starts_with("/*")
                && tail.ends_with("*/")
                && tail[2..].find("*/") == Some(tail.len() - 4);
            if !tail.is_empty() && !tail.starts_with("//") && !block_comment {
                return None;
            }
            // Not the body of `if (…)`/`else`/`for`/`while` without braces.
            let ok_before = previous_code(&text[..line_start])
                .is_none_or(|code| code.ends_with([';', '{', '}', ':']));
            ok_before.then(|| Edit {
                start: line_start,
                end: line_end,
                text: String::new(),
            })
        }
    }
}

/// The code of the last line of `before` that has code, comments removed (comment-only
/// lines are skipped: a comment above a statement is no `if`).
fn previous_code(before: &str) -> Option<&str> {
    for line in before.lines().rev() {
        let t = line.trim();
        if t.is_empty() || t.starts_with("//") || t.starts_with("/*") || t.starts_with('*') {
            continue;
        }
        let code = match (t.find("//"), t.find("/*")) {
            (Some(a), Some(b)) => &t[..a.min(b)],
            (Some(a), None) | (None, Some(a)) => &t[..a],
            (None, None) => t,
        };
        return Some(code.trim_end());
    }
    None
}

/// An operand that needs no parentheses as an argument: no top-level operator other
/// than member access and calls (`n`, `sizeof(*p)`, `priv->count`, `ARRAY_SIZE(x)`).
fn is_operand(s: &str) -> bool {
    let mut depth = 0i32;
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            _ if depth > 0 => {}
            b'-' if b.get(i + 1) == Some(&b'>') => {}
            b'>' if i > 0 && b[i - 1] == b'-' => {}
            b'+' | b'-' | b'/' | b'%' | b'<' | b'>' | b'&' | b'|' | b'^' | b'?' | b':' | b'='
            | b'!' | b'~' | b'"' | b'\'' => return false,
            _ => {}
        }
    }
    depth == 0
}

/// `text` split at `sep` outside parentheses, brackets, braces, strings and comments;
/// `None` when something is unbalanced or a comment is in the way.
pub(crate) fn split_top_level(text: &str, sep: u8) -> Option<Vec<&str>> {
    let b = text.as_bytes();
    let mut parts = Vec::new();
    let (mut depth, mut start, mut i) = (0i32, 0, 0);
    while i < b.len() {
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            b'"' | b'\'' => {
                let quote = b[i];
                i += 1;
                while i < b.len() && b[i] != quote {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if matches!(b.get(i + 1), Some(b'/' | b'*')) => return None,
            c if c == sep && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    (depth == 0).then(|| {
        parts.push(&text[start..]);
        parts
    })
}

/// Writes each fixed file through a temporary file renamed into place.
pub fn write(fixed: &Fixed) -> Result<(), String> {
    for (path, (_, text)) in &fixed.files {
        let p = Path::new(path);
        let tmp = p.with_file_name(format!(
            ".{}.gfplint-fix.tmp",
            p.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        ));
        let perms = std::fs::metadata(p).map(|m| m.permissions()).ok();
        std::fs::write(&tmp, text)
            .and_then(|()| match perms {
                Some(perms) => std::fs::set_permissions(&tmp, perms),
                None => Ok(()),
            })
            .and_then(|()| std::fs::rename(&tmp, p))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                format!("{path}: cannot write the fix: {e}")
            })?;
    }
    Ok(())
}

/// The fixes as a unified diff (`a/PATH`, `b/PATH`, paths relative to `root`), for
/// review or `patch -p1`.
pub fn unified_diff(fixed: &Fixed, root: &Path) -> String {
    let mut out = String::new();
    for (path, (old, new)) in &fixed.files {
        let rel = crate::baseline::relative(path, root);
        let diff = similar::TextDiff::from_lines(old.as_str(), new.as_str());
        out.push_str(&format!("--- a/{rel}\n+++ b/{rel}\n"));
        for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
            out.push_str(&hunk.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::facts::Span;

    fn diag(text: &str, call: &str, fix: Fix) -> Diagnostic {
        let start = text.find(call).unwrap();
        Diagnostic {
            lint: "x",
            severity: Severity::Warning,
            file: "f.c".into(),
            span: Span {
                start: start as u32,
                end: (start + call.len()) as u32,
                ..Span::default()
            },
            function: String::new(),
            message: String::new(),
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
            fingerprint: String::new(),
            fix: Some(fix),
        }
    }

    fn apply(text: &str, call: &str, fix: Fix) -> Option<String> {
        let d = diag(text, call, fix);
        let f = plan(&[d], |_| Some(text.to_string()));
        f.files.get("f.c").map(|(_, new)| new.clone())
    }

    fn array(from: &str, to: &str, size_arg: usize) -> Fix {
        Fix::ArrayCall {
            from: from.into(),
            to: to.into(),
            size_arg,
        }
    }

    #[test]
    fn array_calls() {
        let t = "p = kzalloc(sizeof(*p) * n, GFP_KERNEL);\n";
        assert_eq!(
            apply(
                t,
                "kzalloc(sizeof(*p) * n, GFP_KERNEL)",
                array("kzalloc", "kcalloc", 0)
            )
            .unwrap(),
            "p = kcalloc(n, sizeof(*p), GFP_KERNEL);\n"
        );
        let t = "p = devm_kmalloc(dev, priv->n * sizeof(u32), GFP_KERNEL);\n";
        assert_eq!(
            apply(
                t,
                "devm_kmalloc(dev, priv->n * sizeof(u32), GFP_KERNEL)",
                array("devm_kmalloc", "devm_kmalloc_array", 1)
            )
            .unwrap(),
            "p = devm_kmalloc_array(dev, priv->n, sizeof(u32), GFP_KERNEL);\n"
        );
        // A parenthesised factor is one operand.
        let t = "p = kmalloc((n + 1) * m, G);";
        assert_eq!(
            apply(
                t,
                "kmalloc((n + 1) * m, G)",
                array("kmalloc", "kmalloc_array", 0)
            )
            .unwrap(),
            "p = kmalloc_array((n + 1), m, G);"
        );
        // Not two plain operands: left alone.
        for (t, call) in [
            ("p = kmalloc(n * m << 1, G);", "kmalloc(n * m << 1, G)"),
            ("p = kmalloc(n * m + 4, G);", "kmalloc(n * m + 4, G)"),
            ("p = kmalloc(a * b * c, G);", "kmalloc(a * b * c, G)"),
            ("p = kmalloc(n * *q, G);", "kmalloc(n * *q, G)"),
            (
                "p = kmalloc(n /* x */ * m, G);",
                "kmalloc(n /* x */ * m, G)",
            ),
        ] {
            assert_eq!(
                apply(t, call, array("kmalloc", "kmalloc_array", 0)),
                None,
                "{t}"
            );
        }
    }

    #[test]
    fn renames_and_deletions() {
        let t = "\tkfree(p);\n";
        let rename = Fix::RenameCallee {
            from: "kfree".into(),
            to: "kvfree".into(),
        };
        assert_eq!(
            apply(t, "kfree(p)", rename.clone()).unwrap(),
            "\tkvfree(p);\n"
        );
        assert_eq!(apply("\tvfree(p);\n", "vfree(p)", rename), None);
        let t = "{\n\tx = 1;\n\tkfree(p);\n\treturn;\n}\n";
        assert_eq!(
            apply(t, "kfree(p)", Fix::DeleteStatement).unwrap(),
            "{\n\tx = 1;\n\treturn;\n}\n"
        );
        // A comment after the statement goes with it.
        assert_eq!(
            apply(
                "\tx = 1;\n\tkfree(p); /* why */\n",
                "kfree(p)",
                Fix::DeleteStatement
            )
            .unwrap(),
            "\tx = 1;\n"
        );
        // The body of a brace-less `if`, or not alone on its line: kept.
        for t in [
            "\tif (x)\n\t\tkfree(p);\n",
            "\tkfree(p); x = 1;\n",
            "\ty = kfree(p);\n",
            "\tkfree(p); /* a */ x = 1; /* b */\n",
        ] {
            assert_eq!(apply(t, "kfree(p)", Fix::DeleteStatement), None, "{t}");
        }
    }
}
