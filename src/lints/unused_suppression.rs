//! `unused-suppression`: a `gfplint: allow(...)` comment that suppresses nothing.
//! Reported by `crate::suppress::apply`.

use super::LintInfo;
use crate::diagnostic::Severity;

pub const INFO: LintInfo = LintInfo {
    name: "unused-suppression",
    severity: Severity::Warning,
    summary: "a `gfplint: allow(...)` comment that matches no finding",
    doc: include_str!("../../lints/unused-suppression.md"),
    enabled_by_default: true,
    check: None,
};
