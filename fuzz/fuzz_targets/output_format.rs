//! A whole one-file run with a hostile file name and hostile source, rendered in every
//! format. Input: the file name, a NUL byte, the source. The gcc and human output must
//! not contain a GitHub Actions workflow command or a raw control character (besides
//! line feeds), and the problem matcher must read each gcc line as the file's.
#![no_main]

use std::collections::HashMap;

use gfplint::report::{Format, escape, render};
use libfuzzer_sys::fuzz_target;

/// What the Actions runner executes: `\r` and `\n` split lines; `::` after leading
/// blanks starts a command; `##[name]` anywhere is a legacy command.
fn commands(log: &str) -> usize {
    log.split(['\r', '\n'])
        .filter(|l| {
            l.trim_start().starts_with("::")
                || l.find("##[").is_some_and(|i| l[i..].contains(']'))
        })
        .count()
}

fuzz_target!(|data: &[u8]| {
    let Some(split) = data.iter().position(|&b| b == 0) else {
        return;
    };
    let (Ok(name), Ok(source)) = (
        std::str::from_utf8(&data[..split]),
        std::str::from_utf8(&data[split + 1..]),
    ) else {
        return;
    };
    if name.is_empty() {
        return;
    }
    let Ok(diagnostics) = gfplint::check_source(name, source.as_bytes().to_vec()) else {
        return;
    };
    let outcome = gfplint::Outcome {
        diagnostics,
        files_scanned: 1,
        sources: HashMap::from([(name.to_string(), source.to_string())]),
        ..Default::default()
    };
    for format in [Format::Gcc, Format::Human] {
        let text = render(&outcome, format, false);
        assert_eq!(commands(&text), 0, "{text}");
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{text:?}"
        );
    }
    let gcc = render(&outcome, Format::Gcc, false);
    let shown = escape::file_name(name);
    for line in gcc.lines() {
        assert!(line.starts_with(&format!("{shown}:")), "{line}");
        assert!(!shown.contains(':'));
    }
    let github = render(&outcome, Format::Github, false);
    assert_eq!(commands(&github), outcome.diagnostics.len(), "{github}");
    for format in [Format::Json, Format::Sarif] {
        let text = render(&outcome, format, false);
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
    }
});
