//! Prints the lock effect of every function of the files given (scratch).
use std::collections::HashMap;
fn main() {
    let k = gfplint::knowledge::Knowledge::builtin();
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap();
        let facts = gfplint::parse::facts_from_bytes_in(&path, bytes, k, None).unwrap();
        let locks = gfplint::context::local::file_locks(&facts, k, &HashMap::new());
        for (f, l) in facts.functions.iter().zip(&locks) {
            let e = l.effect();
            if !e.is_empty() || !e.drops.is_empty() {
                println!("{path} {} {:?}", f.name, e);
            }
        }
    }
}
