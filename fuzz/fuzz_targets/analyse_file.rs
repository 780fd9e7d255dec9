//! The whole per-file analysis on arbitrary bytes: validation, macro pre-pass,
//! tree-sitter parse, fact extraction and CFG, lock-state dataflow, lints.
//! Any input must give `Ok(diagnostics)` or a clean `Err(FileError)`, never a panic,
//! a stack overflow, a hang or unbounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match gfplint::check_source("fuzz.c", data.to_vec()) {
        Ok(diagnostics) => {
            for d in &diagnostics {
                assert!(
                    d.span.line >= 1
                        && d.span.start <= d.span.end
                        && d.span.end as usize <= data.len()
                );
            }
            // Rendering is part of what a user sees; it must not panic either.
            let outcome = gfplint::Outcome {
                diagnostics,
                files_scanned: 1,
                sources: std::collections::HashMap::from([(
                    "fuzz.c".to_string(),
                    String::from_utf8_lossy(data).into_owned(),
                )]),
                ..Default::default()
            };
            let _ = gfplint::report::gcc::render(&outcome.diagnostics);
            let _ = gfplint::report::json::render(&outcome);
            let _ = gfplint::report::render(&outcome, gfplint::report::Format::Human, false);
        }
        Err(e) => assert!(!e.message.is_empty()),
    }
});
