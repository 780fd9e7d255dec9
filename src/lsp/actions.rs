//! Quick fixes: a suppression comment on the line above a finding, and the
//! overflow-checked form of an allocation whose size is an open-coded product.
//!
//! Changing the GFP flags (to `GFP_ATOMIC`) is never offered: it hides the bug (the
//! allocation then fails under pressure instead of sleeping) rather than fixing it;
//! the fix is to allocate before taking the lock, which is not mechanical.

use std::collections::HashMap;

use lsp_types as lsp;

use super::convert::{Encoding, offset_of};
use crate::lints::{
    alloc_size_arith, alloc_size_overflow, malformed_suppression, unused_suppression,
};

/// Code actions for the gfplint diagnostics the client sends back in `diagnostics`.
pub fn code_actions(
    uri: &lsp::Uri,
    text: &str,
    diagnostics: &[lsp::Diagnostic],
    enc: Encoding,
) -> Vec<lsp::CodeActionOrCommand> {
    let mut out = Vec::new();
    for d in diagnostics {
        if d.source.as_deref() != Some("gfplint") {
            continue;
        }
        let Some(lsp::NumberOrString::String(lint)) = &d.code else {
            continue;
        };
        // Diagnostics shown at a lock or a call of a chain point to a finding made
        // elsewhere: a suppression or an edit here would not change it.
        if d.data.as_ref().and_then(|v| v.get("evidence")) == Some(&serde_json::Value::Bool(true)) {
            continue;
        }
        // The lint's own fix (the one `gfplint check --fix` applies) when it has one;
        // else, for the size lints, the rewrite of a simple product.
        if let Some(action) = lint_fix(uri, d) {
            out.push(action);
        } else if (lint == alloc_size_overflow::INFO.name || lint == alloc_size_arith::INFO.name)
            && let Some(action) = size_fix(uri, text, d, enc)
        {
            out.push(action);
        }
        if lint != unused_suppression::INFO.name
            && lint != malformed_suppression::INFO.name
            && let Some(action) = allow_fix(uri, text, d, lint)
        {
            out.push(action);
        }
    }
    out
}

#[allow(
    clippy::mutable_key_type,
    reason = "lsp_types::Uri hashes and compares its text only; the cell inside is a parse cache"
)]
fn edit_action(
    title: String,
    uri: &lsp::Uri,
    edit: lsp::TextEdit,
    d: &lsp::Diagnostic,
    preferred: bool,
) -> lsp::CodeActionOrCommand {
    let changes = HashMap::from([(uri.clone(), vec![edit])]);
    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title,
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![d.clone()]),
        edit: Some(lsp::WorkspaceEdit {
            changes: Some(changes),
            ..lsp::WorkspaceEdit::default()
        }),
        is_preferred: Some(preferred),
        ..lsp::CodeAction::default()
    })
}

/// The fix the server attached to the diagnostic (`data.fix`, from `Diagnostic::fix`).
fn lint_fix(uri: &lsp::Uri, d: &lsp::Diagnostic) -> Option<lsp::CodeActionOrCommand> {
    let fix = d.data.as_ref()?.get("fix")?;
    let title = fix.get("title")?.as_str()?.to_string();
    let range: lsp::Range = serde_json::from_value(fix.get("range")?.clone()).ok()?;
    let new_text = fix.get("newText")?.as_str()?.to_string();
    Some(edit_action(
        title,
        uri,
        lsp::TextEdit { range, new_text },
        d,
        true,
    ))
}

/// `/* gfplint: allow(LINT) … */` alone on the line above the finding's first line,
/// indented like it (a comment alone on its line covers the next line; see
/// `crate::suppress`).
fn allow_fix(
    uri: &lsp::Uri,
    text: &str,
    d: &lsp::Diagnostic,
    lint: &str,
) -> Option<lsp::CodeActionOrCommand> {
    let line = text.split('\n').nth(d.range.start.line as usize)?;
    let indent: String = line
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let edit = lsp::TextEdit {
        range: lsp::Range {
            start: lsp::Position {
                line: d.range.start.line,
                character: 0,
            },
            end: lsp::Position {
                line: d.range.start.line,
                character: 0,
            },
        },
        new_text: format!("{indent}/* gfplint: allow({lint}) TODO: why this is safe */\n"),
    };
    Some(edit_action(
        format!("Suppress {lint} on this line (gfplint: allow)"),
        uri,
        edit,
        d,
        false,
    ))
}

/// `kmalloc(n * size, f)` → `kmalloc_array(n, size, f)` (the checked form the help
/// names, `[checked_array_form]` in `lints/api.toml`), when the call is one simple
/// product of two factors.
fn size_fix(
    uri: &lsp::Uri,
    text: &str,
    d: &lsp::Diagnostic,
    enc: Encoding,
) -> Option<lsp::CodeActionOrCommand> {
    let start = offset_of(text, d.range.start, enc)?;
    let end = offset_of(text, d.range.end, enc)?;
    let call = text.get(start..end)?;
    let (new_text, name) = rewrite(call)?;
    Some(edit_action(
        format!("Use {name}() (fails on overflow)"),
        uri,
        lsp::TextEdit {
            range: d.range,
            new_text,
        },
        d,
        true,
    ))
}

/// The rewritten call and the function it now uses.
pub fn rewrite(call: &str) -> Option<(String, String)> {
    let open = call.find('(')?;
    let callee = call[..open].trim();
    if callee.is_empty()
        || !callee
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return None;
    }
    let inner = call[open + 1..].trim_end().strip_suffix(')')?;
    let args = split_top(inner, b',')?;
    if args.len() == 1 && args[0].is_empty() {
        return None;
    }
    // Exactly one argument is a product of exactly two factors.
    let mut product = None;
    for (i, a) in args.iter().enumerate() {
        let factors = split_top(a, b'*')?;
        if factors.len() == 1 {
            continue;
        }
        if factors.len() != 2
            || product.is_some()
            || factors.iter().any(|f| f.is_empty() || has_top_operator(f))
        {
            return None;
        }
        product = Some((i, factors[0].to_string(), factors[1].to_string()));
    }
    let (at, n, size) = product?;
    let template = crate::knowledge::Knowledge::builtin()
        .checked_array_form(callee)?
        .help
        .as_str();
    if let Some(sized) = template.strip_suffix(" as the size") {
        let helper = &sized[..sized.find('(')?];
        let mut new_args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        new_args[at] = format!("{helper}({n}, {size})");
        return Some((
            format!("{callee}({})", new_args.join(", ")),
            helper.to_string(),
        ));
    }
    let t_open = template.find('(')?;
    let name = &template[..t_open];
    let params: Vec<&str> = template[t_open + 1..]
        .strip_suffix(')')?
        .split(',')
        .map(str::trim)
        .collect();
    if params.len() != args.len() + 1 {
        return None;
    }
    let mut others = args
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != at)
        .map(|(_, a)| a.to_string());
    let mut new_args = Vec::new();
    for p in params {
        new_args.push(match p {
            "n" => n.clone(),
            "size" => size.clone(),
            _ => others.next()?,
        });
    }
    Some((format!("{name}({})", new_args.join(", ")), name.to_string()))
}

/// Splits at `sep` outside brackets, strings and character literals, parts trimmed
/// (`crate::fix`'s splitter: `None` when unbalanced or a comment is in the way).
fn split_top(s: &str, sep: u8) -> Option<Vec<&str>> {
    crate::fix::split_top_level(s, sep).map(|parts| parts.into_iter().map(str::trim).collect())
}

/// A binary or ternary operator outside brackets: the factor is not a simple operand.
fn has_top_operator(s: &str) -> bool {
    let mut depth = 0i32;
    for (i, c) in s.bytes().enumerate() {
        match c {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            // `-x` at the start is unary; `a->b` is a member access.
            b'-' if depth == 0 && i > 0 && s.as_bytes().get(i + 1) != Some(&b'>') => return true,
            b'+' | b'/' | b'%' | b'<' | b'>' | b'&' | b'|' | b'^' | b'?' | b':' | b'='
                if depth == 0 =>
            {
                // `->` is not an operator.
                if c == b'>' && i > 0 && s.as_bytes()[i - 1] == b'-' {
                    continue;
                }
                return true;
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    fn r(s: &str) -> Option<String> {
        rewrite(s).map(|(t, _)| t)
    }

    #[test]
    fn simple_products_are_rewritten() {
        assert_eq!(
            r("kmalloc(n * sizeof(*p), GFP_KERNEL)").as_deref(),
            Some("kmalloc_array(n, sizeof(*p), GFP_KERNEL)")
        );
        assert_eq!(
            r("kzalloc(priv->count * sizeof(struct foo), gfp)").as_deref(),
            Some("kcalloc(priv->count, sizeof(struct foo), gfp)")
        );
        assert_eq!(
            r("devm_kzalloc(&pdev->dev, n * 4, GFP_KERNEL)").as_deref(),
            Some("devm_kcalloc(&pdev->dev, n, 4, GFP_KERNEL)")
        );
        assert_eq!(
            r("vmalloc(n * sz)").as_deref(),
            Some("vmalloc_array(n, sz)")
        );
        assert_eq!(
            r("kvmalloc_node(n * sz, GFP_KERNEL, node)").as_deref(),
            Some("kvmalloc_node(array_size(n, sz), GFP_KERNEL, node)")
        );
    }

    #[test]
    fn other_shapes_are_left_alone() {
        assert_eq!(r("kmalloc(n * sz + 4, GFP_KERNEL)"), None);
        assert_eq!(r("kmalloc(a * b * c, GFP_KERNEL)"), None);
        assert_eq!(r("kmalloc(n * sz, GFP_KERNEL) + 1"), None);
        assert_eq!(r("kmalloc(len, GFP_KERNEL)"), None);
        assert_eq!(r("foo(n * sz)"), None);
        assert_eq!(r("kmalloc(sizeof(*p) * n - 1, GFP_KERNEL)"), None);
    }
}
