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
                // Rendering is part of what a user sees; it must not panic either.
                let _ = gfplint::report::gcc::line(d);
                assert!(d.span.line >= 1);
            }
        }
        Err(e) => assert!(!e.message.is_empty()),
    }
});
