//! Rich output with source snippets, through codespan-reporting: the primary label on
//! the allocation, secondary labels on the evidence, notes and a help line.

use std::collections::HashMap;

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config, termcolor};

use crate::diagnostic::{Diagnostic, Severity};

pub fn render(diagnostics: &[Diagnostic], color: bool) -> String {
    render_with(diagnostics, color, None)
}

/// As [`render`], with a file's text taken from memory (`--stdin-filename`).
pub fn render_with(
    diagnostics: &[Diagnostic],
    color: bool,
    overlay: Option<&crate::Overlay>,
) -> String {
    let mut files = SimpleFiles::new();
    let mut ids: HashMap<String, Option<usize>> = HashMap::new();
    let mut id_of = |path: &str, files: &mut SimpleFiles<String, String>| -> Option<usize> {
        *ids.entry(path.to_string()).or_insert_with(|| {
            let text = match overlay {
                Some(o) if o.covers(path) => String::from_utf8(o.text.as_ref().clone()).ok(),
                _ => std::fs::read_to_string(path).ok(),
            };
            text.map(|text| files.add(path.to_string(), text))
        })
    };
    let config = Config::default();
    let mut buffer = if color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    for d in diagnostics {
        let Some(file_id) = id_of(&d.file, &mut files) else {
            // The file vanished or changed since it was read: fall back to one line.
            use std::io::Write;
            let _ = writeln!(buffer, "{}", super::gcc::line(d));
            continue;
        };
        let mut labels =
            vec![CsLabel::primary(file_id, range(d.span)).with_message(primary_label(d))];
        let mut notes = Vec::new();
        for l in &d.labels {
            match id_of(&l.file, &mut files) {
                Some(id) => {
                    labels.push(CsLabel::secondary(id, range(l.span)).with_message(&l.message))
                }
                None => notes.push(format!(
                    "{}:{}:{}: {}",
                    l.file, l.span.line, l.span.column, l.message
                )),
            }
        }
        notes.extend(d.notes.iter().cloned());
        if let Some(h) = &d.help {
            notes.push(format!("help: {h}"));
        }
        let severity = match d.severity {
            Severity::Error => CsSeverity::Error,
            Severity::Warning => CsSeverity::Warning,
        };
        let cs = CsDiagnostic::new(severity)
            .with_message(&d.message)
            .with_code(d.lint)
            .with_labels(labels)
            .with_notes(notes);
        if term::emit_to_write_style(&mut buffer, &config, &files, &cs).is_err() {
            use std::io::Write;
            let _ = writeln!(buffer, "{}", super::gcc::line(d));
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

fn range(span: crate::facts::Span) -> std::ops::Range<usize> {
    span.start as usize..span.end as usize
}

fn primary_label(d: &Diagnostic) -> &'static str {
    match d.lint {
        "atomic-sleeping-gfp" | "atomic-sleeping-alloc" | "atomic-sleeping-call" => {
            "may sleep here"
        }
        _ => "here",
    }
}
