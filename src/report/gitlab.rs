//! GitLab Code Quality report: a JSON array of issues (`description`, `check_name`,
//! `fingerprint`, `severity`, `location.path` relative to the repository root,
//! `location.positions.begin/end`), which GitLab shows in the merge-request widget.
//! <https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format>

use std::path::Path;

use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Severity};

/// Paths are made relative to `root` (the repository root, where the job runs).
pub fn render(diagnostics: &[Diagnostic], root: &Path) -> String {
    let issues: Vec<Value> = diagnostics.iter().map(|d| issue(d, root)).collect();
    #[allow(
        clippy::expect_used,
        reason = "serde_json values with string keys: cannot fail"
    )]
    let mut s = serde_json::to_string_pretty(&issues).expect("JSON serialises");
    s.push('\n');
    s
}

fn issue(d: &Diagnostic, root: &Path) -> Value {
    let mut description = d.message.clone();
    for n in d.note_lines() {
        description.push_str("\nnote: ");
        description.push_str(&n);
    }
    json!({
        "type": "issue",
        "check_name": d.lint,
        "description": description,
        "categories": ["Bug Risk"],
        // GitLab's scale: info, minor, major, critical, blocker.
        "severity": match d.severity {
            Severity::Error => "critical",
            Severity::Warning => "minor",
        },
        // Unique per finding and stable across line shifts (the baseline fingerprint,
        // which counts identical findings apart).
        "fingerprint": d.fingerprint,
        "location": {
            "path": crate::baseline::relative(&d.file, root),
            "positions": {
                "begin": { "line": d.span.line, "column": d.span.column },
                "end": { "line": d.span.end_line.max(d.span.line), "column": d.span.end_column.max(1) },
            }
        }
    })
}
