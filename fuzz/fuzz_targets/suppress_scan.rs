//! The suppression scanner on arbitrary bytes: spans inside the input, on the line
//! they say, in order; linear time (a timeout is a bug).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let found = gfplint::suppress::scan(data);
    let mut last = 0;
    for s in &found {
        let (start, end) = (s.span.start as usize, s.span.end as usize);
        assert!(start >= last && end <= data.len() && &data[start..end] == b"gfplint:");
        let line = data[..start].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        assert_eq!(s.span.line, line);
        assert!(s.lints.is_empty() || s.error.is_none());
        last = end;
    }
});
