//! Printers. They know nothing about analysis: they take sorted diagnostics and render.
//!
//! In the pipeline (stage *report*, `src/report/`): `sources.rs`: files with findings
//! read again, kept only if their hash is the parsed one (else named); `human`
//! (codespan-reporting over per-diagnostic excerpts), `gcc`, `json`, `sarif` (rules
//! from the registry, related locations from labels, fingerprints as
//! `partialFingerprints`), `github` (workflow commands), `gitlab` (Code Quality),
//! `checkstyle`; input-derived text in line formats goes through `escape.rs`; printers
//! do no analysis

pub mod checkstyle;
pub mod escape;
pub mod gcc;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod sarif;
pub mod sources;

use crate::Outcome;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Rich diagnostics with source snippets (codespan-reporting).
    Human,
    /// One line per finding: `path:line:col: severity: message [lint]`.
    Gcc,
    /// One JSON document for machines.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`): pull-request annotations.
    Github,
    /// GitLab Code Quality report (JSON), for merge-request widgets.
    Gitlab,
    /// Checkstyle XML, for Jenkins, reviewdog and other checkstyle consumers.
    Checkstyle,
}

/// Renders the outcome's diagnostics in `format`.
pub fn render(outcome: &Outcome, format: Format, color: bool) -> String {
    match format {
        Format::Human => human::render(&outcome.diagnostics, &outcome.sources, color),
        Format::Gcc => gcc::render(&outcome.diagnostics),
        Format::Json => json::render(outcome),
        Format::Sarif => sarif::render(outcome),
        Format::Github => github::render(&outcome.diagnostics, &outcome.root),
        Format::Gitlab => gitlab::render(&outcome.diagnostics, &outcome.root),
        Format::Checkstyle => checkstyle::render(&outcome.diagnostics),
    }
}
