//! The bulk-parse hook (`gfplint::ON_BULK_PARSE`): called once, when a run has parsed
//! `BULK_PARSE_FILES` files, not before (its own test binary: the count is per process).

use std::sync::atomic::{AtomicUsize, Ordering};

static CALLED: AtomicUsize = AtomicUsize::new(0);

fn note_call() {
    CALLED.fetch_add(1, Ordering::SeqCst);
}

fn run_over(dir: &std::path::Path, first: usize, count: usize) {
    let files: Vec<String> = (first..first + count)
        .map(|i| {
            let path = dir.join(format!("f{i}.c"));
            std::fs::write(&path, format!("int f{i}(void) {{ return {i}; }}\n")).unwrap();
            path.to_string_lossy().into_owned()
        })
        .collect();
    let outcome = gfplint::check_files(&files, Vec::new(), &gfplint::Options::default());
    assert!(outcome.fatal.is_none(), "{:?}", outcome.fatal);
}

#[test]
fn the_bulk_parse_hook_runs_once_at_the_threshold() {
    gfplint::ON_BULK_PARSE.set(note_call).unwrap();
    let dir = std::env::temp_dir().join(format!("gfplint-bulk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let n = gfplint::BULK_PARSE_FILES;
    run_over(&dir, 0, n - 1);
    assert_eq!(
        CALLED.load(Ordering::SeqCst),
        0,
        "called before the threshold"
    );
    run_over(&dir, n, 1);
    assert_eq!(
        CALLED.load(Ordering::SeqCst),
        1,
        "not called at the threshold"
    );
    run_over(&dir, n + 1, 5);
    assert_eq!(CALLED.load(Ordering::SeqCst), 1, "called more than once");
    std::fs::remove_dir_all(&dir).unwrap();
}
