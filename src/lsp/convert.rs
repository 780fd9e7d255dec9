//! Between gfplint's world (paths relative to the workspace root, 1-based lines, byte
//! columns) and the protocol's (file URIs, 0-based lines, UTF-8 or UTF-16 columns).

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

use lsp_types as lsp;
use serde_json::json;

use crate::diagnostic::{Diagnostic, Severity};
use crate::facts::Span;

/// How columns are counted on the wire (negotiated at `initialize`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// A `file:` URI's path, percent-decoded; `None` for other schemes.
pub fn path_of(uri: &lsp::Uri) -> Option<String> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    // `file://localhost/x` and `file:///x` both name `/x`.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = rest.get(i + 1..i + 3)
            && hex.bytes().all(|h| h.is_ascii_hexdigit())
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `file:` URI of an absolute path.
pub fn uri_of(path: &Path) -> Option<lsp::Uri> {
    let mut s = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    lsp::Uri::from_str(&s).ok()
}

/// The protocol position of a byte `offset` that is at 1-based `line`, byte `column`.
/// With the text of the file, UTF-16 columns are exact; without it (a file that is
/// neither open nor among the analysed sources) byte columns are the best there is.
pub fn position(
    text: Option<&str>,
    offset: u32,
    line: u32,
    column: u32,
    enc: Encoding,
) -> lsp::Position {
    let byte_col = column.saturating_sub(1);
    let character = match (enc, text) {
        (Encoding::Utf16, Some(text)) => {
            let offset = offset as usize;
            let start = offset.saturating_sub(byte_col as usize);
            text.get(start..offset)
                .map_or(byte_col, |s| s.encode_utf16().count() as u32)
        }
        _ => byte_col,
    };
    lsp::Position {
        line: line.saturating_sub(1),
        character,
    }
}

pub fn range(text: Option<&str>, span: Span, enc: Encoding) -> lsp::Range {
    lsp::Range {
        start: position(text, span.start, span.line, span.column, enc),
        end: position(
            text,
            span.end,
            span.end_line.max(span.line),
            span.end_column,
            enc,
        ),
    }
}

/// The byte offset of a protocol position in `text` (clamped to the line's end).
pub fn offset_of(text: &str, pos: lsp::Position, enc: Encoding) -> Option<usize> {
    let mut line_start = 0;
    for _ in 0..pos.line {
        line_start += text.get(line_start..)?.find('\n')? + 1;
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |p| p + line_start);
    let line = &text[line_start..line_end];
    let within = match enc {
        Encoding::Utf8 => {
            let mut c = (pos.character as usize).min(line.len());
            while !line.is_char_boundary(c) {
                c -= 1;
            }
            c
        }
        Encoding::Utf16 => {
            let mut units = 0;
            let mut at = line.len();
            for (i, ch) in line.char_indices() {
                if units >= pos.character as usize {
                    at = i;
                    break;
                }
                units += ch.len_utf16();
            }
            at
        }
    };
    Some(line_start + within)
}

/// Texts to convert columns with: open buffers first, then the analysed sources.
pub struct Texts<'a> {
    pub open: &'a HashMap<String, String>,
    pub sources: &'a HashMap<String, String>,
}

impl Texts<'_> {
    fn get(&self, file: &str) -> Option<&str> {
        self.open
            .get(file)
            .or_else(|| self.sources.get(file))
            .map(String::as_str)
    }
}

/// Resolves a file as the run names it (relative to the root, or absolute) to its URI.
pub fn file_uri(root: &Path, file: &str) -> Option<lsp::Uri> {
    uri_of(&root.join(file))
}

fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
    }
}

fn code_description(lint: &str) -> Option<lsp::CodeDescription> {
    // The same page as SARIF's `helpUri` (`lints/LINT.md`, what `gfplint explain`
    // prints).
    lsp::Uri::from_str(&crate::report::sarif::help_uri(lint))
        .ok()
        .map(|href| lsp::CodeDescription { href })
}

/// The full message: the finding, then its notes and help, as in SARIF.
fn message(d: &Diagnostic) -> String {
    let mut text = d.message.clone();
    for n in &d.notes {
        text.push_str("\nnote: ");
        text.push_str(n);
    }
    if let Some(h) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(h);
    }
    text
}

/// The diagnostics to show in `file`: the findings located there, and, for findings
/// located elsewhere whose evidence (a lock taken, a call of the chain) is in `file`,
/// one diagnostic at each such place, pointing back to the finding. The second kind
/// is how an edit to a helper in another file shows up in the caller being edited
/// (the finding itself stays where the sleep is: each bug is reported once).
pub fn diagnostics_for(
    file: &str,
    all: &[Diagnostic],
    root: &Path,
    texts: &Texts,
    enc: Encoding,
) -> Vec<lsp::Diagnostic> {
    let mut out = Vec::new();
    for d in all {
        let related = |skip: Option<usize>| -> Vec<lsp::DiagnosticRelatedInformation> {
            d.labels
                .iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != skip)
                .filter_map(|(_, l)| {
                    Some(lsp::DiagnosticRelatedInformation {
                        location: lsp::Location {
                            uri: file_uri(root, &l.file)?,
                            range: range(texts.get(&l.file), l.span, enc),
                        },
                        message: l.message.clone(),
                    })
                })
                .collect()
        };
        let base = |range: lsp::Range, message: String, related, evidence: bool| lsp::Diagnostic {
            range,
            severity: Some(severity(d.severity)),
            code: Some(lsp::NumberOrString::String(d.lint.to_string())),
            code_description: code_description(d.lint),
            source: Some("gfplint".to_string()),
            message,
            related_information: Some(related).filter(|r: &Vec<_>| !r.is_empty()),
            tags: None,
            data: Some(json!({ "evidence": evidence })),
        };
        if d.file == file {
            let mut diagnostic = base(
                range(texts.get(file), d.span, enc),
                message(d),
                related(None),
                false,
            );
            if let Some(fix) = texts.get(file).and_then(|t| fix_edit(d, t, enc)) {
                diagnostic.data = Some(json!({ "evidence": false, "fix": fix }));
            }
            out.push(diagnostic);
            continue;
        }
        for (i, l) in d.labels.iter().enumerate() {
            if l.file != file {
                continue;
            }
            let mut rel = related(Some(i));
            if let Some(uri) = file_uri(root, &d.file) {
                rel.insert(
                    0,
                    lsp::DiagnosticRelatedInformation {
                        location: lsp::Location {
                            uri,
                            range: range(texts.get(&d.file), d.span, enc),
                        },
                        message: format!("[{}] reported here", d.lint),
                    },
                );
            }
            out.push(base(
                range(texts.get(file), l.span, enc),
                format!(
                    "{}: leads to {}:{}: {}",
                    l.message,
                    d.file,
                    d.span.line,
                    message(d)
                ),
                rel,
                true,
            ));
        }
    }
    out
}

/// The finding's own mechanical fix (`Diagnostic::fix`, what `gfplint check --fix`
/// applies), checked against `text` by `crate::fix`, as one minimal text edit with a
/// title: `{"title", "range", "newText"}`.
fn fix_edit(d: &Diagnostic, text: &str, enc: Encoding) -> Option<serde_json::Value> {
    let kind = d.fix.as_ref()?;
    let planned = crate::fix::plan(std::slice::from_ref(d), |_| Some(text.to_string()));
    let (_, fixed) = planned.files.get(&d.file)?;
    // The changed region: common prefix and suffix removed, on character boundaries.
    let (a, b) = (text.as_bytes(), fixed.as_bytes());
    let mut start = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    while !text.is_char_boundary(start) || !fixed.is_char_boundary(start) {
        start -= 1;
    }
    let mut suffix = a[start..]
        .iter()
        .rev()
        .zip(b[start..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    while !text.is_char_boundary(a.len() - suffix) || !fixed.is_char_boundary(b.len() - suffix) {
        suffix -= 1;
    }
    let (end, new_end) = (a.len() - suffix, b.len() - suffix);
    let at = |offset: usize| -> lsp::Position {
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = text[..offset].matches('\n').count() as u32;
        let character = match enc {
            Encoding::Utf8 => (offset - line_start) as u32,
            Encoding::Utf16 => text[line_start..offset].encode_utf16().count() as u32,
        };
        lsp::Position { line, character }
    };
    let title = match kind {
        crate::diagnostic::Fix::RenameCallee { from, to } => {
            format!("Call {to}() instead of {from}()")
        }
        crate::diagnostic::Fix::ArrayCall { to, .. } => format!("Use {to}() (fails on overflow)"),
        crate::diagnostic::Fix::DeleteStatement => "Delete this statement".to_string(),
    };
    Some(json!({
        "title": title,
        "range": lsp::Range { start: at(start), end: at(end) },
        "newText": &fixed[start..new_end],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip() {
        let uri = uri_of(Path::new("/tmp/a b/ü.c")).expect("a valid uri");
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/%C3%BC.c");
        assert_eq!(path_of(&uri).as_deref(), Some("/tmp/a b/ü.c"));
    }

    #[test]
    fn utf16_columns() {
        let text = "/* é */ x = kmalloc(1, GFP_KERNEL);\n";
        let offset = text.find("kmalloc").expect("present") as u32;
        let p = position(Some(text), offset, 1, offset + 1, Encoding::Utf16);
        assert_eq!(p.character, offset - 1);
        let p = position(Some(text), offset, 1, offset + 1, Encoding::Utf8);
        assert_eq!(p.character, offset);
        assert_eq!(offset_of(text, p, Encoding::Utf8), Some(offset as usize));
        let p16 = lsp::Position {
            line: 0,
            character: offset - 1,
        };
        assert_eq!(offset_of(text, p16, Encoding::Utf16), Some(offset as usize));
    }
}
