//! GitHub Actions workflow commands: one `::error file=…,line=…,col=…,endLine=…,
//! endColumn=…,title=…::message` (or `::warning`) per finding. GitHub turns them into
//! annotations on the pull request. Notes and help follow the message on new lines.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Severity};

/// Paths are made relative to `root` (the repository root, where Actions runs).
pub fn render(diagnostics: &[Diagnostic], root: &Path) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&line(d, root));
        out.push('\n');
    }
    out
}

pub fn line(d: &Diagnostic, root: &Path) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut message = d.message.clone();
    for n in d.note_lines() {
        message.push_str("\nnote: ");
        message.push_str(&n);
    }
    if let Some(h) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(h);
    }
    format!(
        "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        property(&crate::baseline::relative(&d.file, root)),
        d.span.line,
        d.span.column,
        d.span.end_line,
        d.span.end_column,
        property(&format!("gfplint {}", d.lint)),
        data(&message)
    )
}

/// Escaping of a command's message (GitHub's `escapeData`).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a command's property value (GitHub's `escapeProperty`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escaping() {
        assert_eq!(super::data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(super::property("a:b,c"), "a%3Ab%2Cc");
    }
}
