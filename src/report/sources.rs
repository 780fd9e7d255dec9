//! The text of the files findings point into, for snippets, fingerprints and SARIF
//! columns: read once more after the analysis and kept only when it hashes to what
//! the parse stage analysed (`FileFacts::source_hash`).

use std::collections::HashMap;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::parse::{self, FileError};

/// The message for a file that changed while it was being checked.
pub const CHANGED: &str = "changed while it was being checked; its findings are from the first read, shown without source";

/// The text of the files diagnostics point into, read again and kept when it is the
/// text analysed (same hash); a file that changed is named in `errors`.
pub fn load(
    diagnostics: &[Diagnostic],
    hashes: &HashMap<&str, u64>,
    errors: &mut Vec<FileError>,
) -> HashMap<String, String> {
    let mut names: Vec<&str> = diagnostics
        .iter()
        .flat_map(|d| std::iter::once(&d.file).chain(d.labels.iter().map(|l| &l.file)))
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    names.dedup();
    let read: Vec<(&str, Option<String>)> = names
        .into_par_iter()
        .map(|name| {
            let text = crate::bounded::read(std::path::Path::new(name), parse::MAX_FILE_BYTES)
                .ok()
                .filter(|b| hashes.get(name) == Some(&parse::source_hash(b)))
                .and_then(|b| String::from_utf8(b).ok());
            (name, text)
        })
        .collect();
    let mut out = HashMap::new();
    for (name, text) in read {
        match text {
            Some(t) => {
                out.insert(name.to_string(), t);
            }
            None if hashes.contains_key(name) => errors.push(FileError {
                path: name.to_string(),
                message: CHANGED.into(),
            }),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_file_is_named_and_not_shown() {
        let dir = std::env::temp_dir().join(format!("gfplint-sources-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (same, changed) = (dir.join("same.c"), dir.join("changed.c"));
        std::fs::write(&same, "int a;\n").unwrap();
        std::fs::write(&changed, "int b;\n").unwrap();
        let (same, changed) = (same.to_str().unwrap(), changed.to_str().unwrap());
        let diagnostic = |file: &str| Diagnostic {
            lint: "slab-waste",
            severity: crate::diagnostic::Severity::Warning,
            file: file.to_string(),
            span: Default::default(),
            function: String::new(),
            message: String::new(),
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
            fingerprint: String::new(),
            fix: None,
        };
        let hashes = HashMap::from([
            (same, parse::source_hash(b"int a;\n")),
            // What the parse stage saw before the file was rewritten.
            (changed, parse::source_hash(b"int c;\n")),
        ]);
        let mut errors = Vec::new();
        let sources = load(
            &[diagnostic(same), diagnostic(changed)],
            &hashes,
            &mut errors,
        );
        assert_eq!(sources.get(same).map(String::as_str), Some("int a;\n"));
        assert!(!sources.contains_key(changed));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].path, changed);
        assert!(
            errors[0]
                .message
                .starts_with("changed while it was being checked")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
