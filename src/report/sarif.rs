//! SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. One run; `rules` lists
//! every lint (id, descriptions, help from `lints/<name>.md`, default level); each result
//! carries its location relative to the project root, related locations from the
//! diagnostic's labels (the lock, the registration) and the baseline fingerprint as
//! `partialFingerprints`, which survives line shifts.

use std::path::Path;

use serde_json::{Value, json};

use crate::Outcome;
use crate::diagnostic::{Diagnostic, Severity};
use crate::facts::Span;
use crate::lints::{LINTS, LintInfo};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Where users learn about the tool (SARIF `informationUri`).
pub const INFORMATION_URI: &str = "https://github.com/gfplint/gfplint";
/// The key of our fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "gfplint/v1";

pub fn render(outcome: &Outcome) -> String {
    let rules: Vec<Value> = LINTS.iter().map(rule).collect();
    let results: Vec<Value> = outcome
        .diagnostics
        .iter()
        .map(|d| result(d, &outcome.root, &outcome.sources))
        .collect();
    let sarif = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "gfplint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    #[allow(
        clippy::expect_used,
        reason = "a serde_json::Value with string keys always serialises"
    )]
    let mut s = serde_json::to_string_pretty(&sarif).expect("SARIF serialises");
    s.push('\n');
    s
}

fn rule(info: &LintInfo) -> Value {
    json!({
        "id": info.name,
        "name": camel(info.name),
        "shortDescription": { "text": info.summary },
        "fullDescription": { "text": what_it_does(info.doc) },
        "help": { "text": info.doc, "markdown": info.doc },
        "helpUri": help_uri(info.name),
        "defaultConfiguration": { "level": level(info.severity) },
        "properties": { "tags": ["linux-kernel", "atomic-context"] },
    })
}

/// The lint's documentation page (`lints/<name>.md` in the repository).
pub fn help_uri(lint: &str) -> String {
    format!("{INFORMATION_URI}/blob/main/lints/{lint}.md")
}

/// `atomic-sleeping-gfp` → `AtomicSleepingGfp` (SARIF `name` is a PascalCase identifier).
fn camel(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// The "What it does" paragraph of a lint's documentation, on one line.
fn what_it_does(doc: &str) -> String {
    let section = doc
        .split("## What it does")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .unwrap_or(doc);
    let para = section.trim().split("\n\n").next().unwrap_or("");
    para.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn result(d: &Diagnostic, root: &Path, sources: &Sources) -> Value {
    let rule_index = LINTS.iter().position(|l| l.name == d.lint);
    let related: Vec<Value> = d
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            json!({
                "id": i + 1,
                "physicalLocation": physical(&l.file, l.span, root, sources),
                "message": { "text": l.message },
            })
        })
        .collect();
    let mut text = d.message.clone();
    for n in &d.notes {
        text.push_str("\nnote: ");
        text.push_str(n);
    }
    if let Some(h) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(h);
    }
    let mut location = json!({ "physicalLocation": physical(&d.file, d.span, root, sources) });
    if !d.function.is_empty() {
        location["logicalLocations"] = json!([{ "name": d.function, "kind": "function" }]);
    }
    let mut r = json!({
        "ruleId": d.lint,
        "level": level(d.severity),
        "message": { "text": text },
        "locations": [location],
        "partialFingerprints": { FINGERPRINT_KEY: d.fingerprint },
    });
    if let Some(i) = rule_index {
        r["ruleIndex"] = json!(i);
    }
    if !related.is_empty() {
        r["relatedLocations"] = Value::Array(related);
    }
    r
}

type Sources = std::collections::HashMap<String, String>;

/// A span's columns in Unicode code points (the run's `columnKind`), from the analysed
/// text; spans count bytes. Without the text (a file changed during the run, reported
/// as an error) the byte columns are the best there is.
fn code_point_columns(file: &str, span: Span, sources: &Sources) -> (u32, u32) {
    let Some(src) = sources.get(file) else {
        return (span.column, span.end_column);
    };
    let column = |offset: u32, byte_column: u32| -> u32 {
        let offset = offset as usize;
        let line_start = offset.saturating_sub(byte_column.max(1) as usize - 1);
        src.get(line_start..offset)
            .map_or(byte_column, |s| s.chars().count() as u32 + 1)
    };
    (
        column(span.start, span.column),
        column(span.end, span.end_column),
    )
}

fn physical(file: &str, span: Span, root: &Path, sources: &Sources) -> Value {
    let (start_column, end_column) = code_point_columns(file, span, sources);
    json!({
        "artifactLocation": {
            "uri": uri(&crate::baseline::relative(file, root)),
            "uriBaseId": "%SRCROOT%",
        },
        "region": {
            "startLine": span.line,
            "startColumn": start_column,
            "endLine": span.end_line.max(span.line),
            "endColumn": end_column.max(1),
        }
    })
}

/// A relative path as a URI reference: percent-encode what is not unreserved or `/`.
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn uri_encoding() {
        assert_eq!(super::uri("drivers/a b/c%.c"), "drivers/a%20b/c%25.c");
        assert_eq!(super::camel("atomic-sleeping-gfp"), "AtomicSleepingGfp");
    }
}
