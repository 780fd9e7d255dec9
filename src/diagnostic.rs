//! What lints produce and reporters print. No analysis here.

use serde::{Deserialize, Serialize};

use crate::facts::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A lint's name from the registry. (An alias: serde would otherwise borrow a
/// `&'static str` field from its input, and cached outcomes are read from buffers.)
pub type LintName = &'static str;

/// A secondary location: the lock that was taken, the handler's registration.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Label {
    pub file: String,
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Read back (from the cache) as the registry's name: unknown names fail to load.
    #[serde(deserialize_with = "registered_lint")]
    pub lint: LintName,
    pub severity: Severity,
    pub file: String,
    /// The primary span: the whole call expression.
    pub span: Span,
    /// The function the finding is in.
    pub function: String,
    pub message: String,
    /// Evidence, rendered as secondary labels (human) or notes (json).
    pub labels: Vec<Label>,
    /// Further explanation without a location.
    pub notes: Vec<String>,
    /// How to fix it, best fix first.
    pub help: Option<String>,
    /// Stable identity across runs and line shifts (see `crate::baseline`); set by the
    /// pipeline after the lints run, empty before.
    pub fingerprint: String,
    /// A mechanical, semantics-preserving rewrite of the flagged call (`--fix`), when
    /// the lint knows one; `crate::fix` checks the source text before applying it.
    pub fix: Option<Fix>,
}

/// A rewrite of the call at a diagnostic's span. Never a change of GFP flags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fix {
    /// Call `to` instead of `from` (`kfree` → `kvfree`).
    RenameCallee { from: String, to: String },
    /// `from(…, a * b, …)` → `to(…, a, b, …)`: the product at argument `size_arg`
    /// becomes two arguments of the overflow-checked array variant.
    ArrayCall {
        from: String,
        to: String,
        size_arg: usize,
    },
    /// Delete the call's statement (`kfree(p);` alone on its line).
    DeleteStatement,
}

impl Diagnostic {
    /// Sort key: output order is by file, position, then lint, whatever the thread count.
    pub fn sort_key(&self) -> (&str, u32, u32, &str, &str) {
        (
            &self.file,
            self.span.line,
            self.span.column,
            self.lint,
            &self.message,
        )
    }

    /// Notes as one-line strings: labels first (`file:line:col: message`), then the rest.
    pub fn note_lines(&self) -> Vec<String> {
        self.labels
            .iter()
            .map(|l| {
                format!(
                    "{}:{}:{}: {}",
                    l.file, l.span.line, l.span.column, l.message
                )
            })
            .chain(self.notes.iter().cloned())
            .collect()
    }
}

fn registered_lint<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let name = String::deserialize(d)?;
    crate::lints::lint_info(&name)
        .map(|l| l.name)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown lint `{name}`")))
}
