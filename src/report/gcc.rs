//! `path:line:col: severity: message [lint]`, one finding per line, for editor and CI
//! problem matchers. Evidence is folded into the message, which is self-contained.

use crate::diagnostic::Diagnostic;

pub fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&line(d));
        out.push('\n');
    }
    out
}

pub fn line(d: &Diagnostic) -> String {
    // A message is one line whatever a lint or the source wrote, and nothing from the
    // input can forge a workflow command or mislead a problem matcher (see `escape`).
    format!(
        "{}:{}:{}: {}: {} [{}]",
        super::escape::file_name(&d.file),
        d.span.line,
        d.span.column,
        d.severity.as_str(),
        super::escape::text(&d.message),
        d.lint
    )
}
