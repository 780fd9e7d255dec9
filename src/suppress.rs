//! Suppressions: `/* gfplint: allow(lint, ...) reason */` or `// gfplint: allow(...)`,
//! and `/* gfplint: allow-file(lint, ...) reason */` for the whole file.
//!
//! A comment alone on its line covers that line and the next; a comment after code
//! covers its own line. A comment on the line before a function definition, or on the
//! definition's first line, covers the whole function. The parse stage records the
//! comments (`scan`, only when the file contains `gfplint:`); after the lints, `apply`
//! drops the findings they cover and reports unused and malformed suppressions.

use crate::diagnostic::{Diagnostic, Severity};
use crate::facts::{FileFacts, Span, Suppression};
use crate::lints::{self, malformed_suppression, unused_suppression};

const MARK: &[u8] = b"gfplint:";

/// Finds the suppression comments of a file (cheap when there are none).
pub fn scan(src: &[u8]) -> Vec<Suppression> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = find(&src[from..], MARK).map(|p| p + from) {
        from = pos + MARK.len();
        let line_start = src[..pos]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let before = &src[line_start..pos];
        // Inside a comment: `//` or `/*` earlier on the line.
        let Some(opener) = find(before, b"//").or_else(|| find(before, b"/*")) else {
            continue;
        };
        let own_line = before[..opener].iter().all(u8::is_ascii_whitespace);
        let line_end = src[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(src.len(), |p| p + pos);
        let rest = String::from_utf8_lossy(&src[pos + MARK.len()..line_end]);
        let rest = rest.split("*/").next().unwrap_or("");
        let (lints, file_wide, error) = match parse(rest) {
            Ok((l, file_wide)) => (l, file_wide, None),
            Err(e) => (Vec::new(), false, Some(e)),
        };
        let line = src[..pos].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        let column = (pos - line_start) as u32 + 1;
        let end = (pos + MARK.len()) as u32;
        out.push(Suppression {
            span: Span {
                start: pos as u32,
                end,
                line,
                column,
                end_line: line,
                end_column: column + MARK.len() as u32,
            },
            own_line,
            file_wide,
            lints,
            error,
        });
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// ` allow(a, b) reason` → the lint names; ` allow-file(a) reason` → the lint names and
/// `true` (the whole file).
fn parse(rest: &str) -> Result<(Vec<String>, bool), String> {
    let rest = rest.trim_start();
    let (args, file_wide) = if let Some(args) = rest.strip_prefix("allow-file") {
        (args, true)
    } else if let Some(args) = rest.strip_prefix("allow") {
        (args, false)
    } else {
        return Err(
            "expected `gfplint: allow(LINT, ...) reason` or `gfplint: allow-file(LINT, ...) reason`"
                .to_string(),
        );
    };
    let Some(args) = args.trim_start().strip_prefix('(') else {
        return Err("expected `(` after `allow`".to_string());
    };
    let Some(close) = args.find(')') else {
        return Err("missing `)` after the lint names".to_string());
    };
    let mut lints = Vec::new();
    for name in args[..close].split(',') {
        let name = name.trim();
        if name.is_empty() {
            return Err("empty lint name in `allow(...)`".to_string());
        }
        if lints::lint_info(name).is_none() {
            return Err(lints::unknown_lint(name));
        }
        lints.push(name.to_string());
    }
    Ok((lints, file_wide))
}

/// The lines a suppression covers, inclusive.
fn coverage(facts: &FileFacts, s: &Suppression) -> (u32, u32) {
    if s.file_wide {
        return (0, u32::MAX);
    }
    let next = s.span.line + 1;
    if let Some(f) = facts
        .functions
        .iter()
        .find(|f| f.extent.line == s.span.line || (s.own_line && f.extent.line == next))
    {
        return (f.extent.line, f.extent.end_line);
    }
    if s.own_line {
        (s.span.line, next)
    } else {
        (s.span.line, s.span.line)
    }
}

/// Drops the findings of `facts`' file that its suppressions cover, and adds findings
/// for unused and malformed suppressions. `diagnostics` are this file's.
pub fn apply(facts: &FileFacts, diagnostics: &mut Vec<Diagnostic>) {
    if facts.suppressions.is_empty() {
        return;
    }
    let ranges: Vec<(u32, u32)> = facts
        .suppressions
        .iter()
        .map(|s| coverage(facts, s))
        .collect();
    // used[i][j]: suppression i's lint j suppressed something.
    let mut used: Vec<Vec<bool>> = facts
        .suppressions
        .iter()
        .map(|s| vec![false; s.lints.len()])
        .collect();
    diagnostics.retain(|d| {
        let mut keep = true;
        for (i, s) in facts.suppressions.iter().enumerate() {
            let (from, to) = ranges[i];
            if !(from..=to).contains(&d.span.line) {
                continue;
            }
            if let Some(j) = s.lints.iter().position(|l| l == d.lint) {
                used[i][j] = true;
                keep = false;
            }
        }
        keep
    });
    for (i, s) in facts.suppressions.iter().enumerate() {
        let function = facts
            .functions
            .iter()
            .find(|f| (f.extent.line..=f.extent.end_line).contains(&s.span.line))
            .map(|f| f.name.clone())
            .unwrap_or_default();
        let mut push = |lint: &'static str, message: String, help: &str| {
            diagnostics.push(Diagnostic {
                lint,
                severity: Severity::Error,
                file: facts.path.clone(),
                span: s.span,
                function: function.clone(),
                message,
                labels: Vec::new(),
                notes: Vec::new(),
                help: Some(help.to_string()),
                fingerprint: String::new(),
                fix: None,
            });
        };
        if let Some(e) = &s.error {
            push(
                malformed_suppression::INFO.name,
                format!("malformed suppression: {e}"),
                "write `/* gfplint: allow(LINT, ...) reason */` with lint names from `gfplint lints`",
            );
            continue;
        }
        for (j, lint) in s.lints.iter().enumerate() {
            if !used[i][j] {
                push(
                    unused_suppression::INFO.name,
                    format!("suppression of `{lint}` matches no finding"),
                    "remove it (the finding it was for is gone), or move it to the line of the finding or the line above",
                );
            }
        }
    }
}
