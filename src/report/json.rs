//! The JSON report: `{"diagnostics":[...],"files_scanned":N,"files_with_parse_errors":N}`.

use serde::Serialize;

use crate::Outcome;

#[derive(Serialize)]
struct Report<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    files_scanned: usize,
    files_with_parse_errors: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    lint: &'a str,
    severity: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    function: &'a str,
    message: &'a str,
    notes: Vec<String>,
    help: Option<&'a str>,
}

pub fn render(outcome: &Outcome) -> String {
    let report = Report {
        diagnostics: outcome
            .diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                lint: d.lint,
                severity: d.severity.as_str(),
                file: &d.file,
                line: d.span.line,
                column: d.span.column,
                end_line: d.span.end_line,
                end_column: d.span.end_column,
                function: &d.function,
                message: &d.message,
                notes: d.note_lines(),
                help: d.help.as_deref(),
            })
            .collect(),
        files_scanned: outcome.files_scanned,
        files_with_parse_errors: outcome.files_with_parse_errors,
    };
    #[allow(
        clippy::expect_used,
        reason = "derived Serialize of strings and numbers, string keys: cannot fail"
    )]
    let mut s = serde_json::to_string_pretty(&report).expect("report serialises");
    s.push('\n');
    s
}
