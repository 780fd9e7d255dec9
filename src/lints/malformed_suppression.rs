//! `malformed-suppression`: a `gfplint:` comment that cannot be read.
//! Reported by `crate::suppress::apply`.

use super::LintInfo;
use crate::diagnostic::Severity;

pub const INFO: LintInfo = LintInfo {
    name: "malformed-suppression",
    severity: Severity::Warning,
    summary: "a `gfplint:` comment that is not `gfplint: allow(LINT, ...) reason` with known lints",
    doc: include_str!("../../lints/malformed-suppression.md"),
    enabled_by_default: true,
    check: None,
};
