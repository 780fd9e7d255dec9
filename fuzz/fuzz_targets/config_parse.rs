//! `gfplint.toml` parsing on arbitrary text: a `Config` or a `ConfigError` naming a
//! line and column inside the text, never a panic; an accepted configuration's globs
//! and knowledge work.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match gfplint::config::Config::parse(&text, "gfplint.toml") {
        Ok(config) => {
            for path in ["drivers/net/a.c", "a.h", "x/y/z_test.c", ""] {
                let _ = config.selects(std::path::Path::new(path));
            }
            let _ = config.knowledge();
        }
        Err(e) => {
            assert!(e.line <= text.lines().count() + 1, "{e}");
            // The error line is safe to print: no raw control characters.
            assert!(
                !e.to_string().chars().any(|c| c.is_control() && c != '\t'),
                "{e:?}"
            );
        }
    }
});
