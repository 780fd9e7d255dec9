//! Baseline files on arbitrary bytes: a `Baseline` or an error, never a panic; an
//! accepted baseline filters any findings.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(b) = gfplint::baseline::Baseline::parse(data) {
        let mut none = Vec::new();
        assert_eq!(b.filter(&mut none), 0);
    }
});
