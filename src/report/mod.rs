//! Printers. They know nothing about analysis: they take sorted diagnostics and render.

pub mod gcc;
pub mod human;
pub mod json;

use crate::Outcome;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Rich diagnostics with source snippets (codespan-reporting).
    Human,
    /// One line per finding: `path:line:col: severity: message [lint]`.
    Gcc,
    /// One JSON document for machines.
    Json,
}

/// Renders the outcome's diagnostics in `format`.
pub fn render(outcome: &Outcome, format: Format, color: bool) -> String {
    match format {
        Format::Human => human::render(&outcome.diagnostics, color),
        Format::Gcc => gcc::render(&outcome.diagnostics),
        Format::Json => json::render(outcome),
    }
}
