//! gfplint: sleeping allocations in atomic context, and allocation APIs that do not fit,
//! in Linux kernel C. The pipeline (see ARCHITECTURE.md):
//! discover → parse (facts) → context → lints → report.

pub mod context;
pub mod diagnostic;
pub mod discover;
pub mod facts;
pub mod gfp;
pub mod knowledge;
pub mod lints;
pub mod parse;
pub mod report;

use rayon::prelude::*;

use diagnostic::Diagnostic;
use knowledge::Knowledge;
use parse::FileError;

/// Settings of one run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Worker threads; 0 means one per core.
    pub jobs: usize,
}

/// Everything a run found, sorted.
#[derive(Debug, Default)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub errors: Vec<FileError>,
    /// Files analysed (parsed and checked).
    pub files_scanned: usize,
    pub files_with_parse_errors: usize,
}

/// Stack size of worker threads: the CFG builder recurses once per nesting level
/// (bounded by `parse::extract::MAX_NESTING`), so give it room on any platform.
const WORKER_STACK: usize = 16 * 1024 * 1024;

/// Checks every C file under `paths`.
pub fn check_paths(paths: &[String], options: &Options) -> Outcome {
    let (files, mut errors) = discover::discover(paths);
    let knowledge = Knowledge::builtin();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs)
        .stack_size(WORKER_STACK)
        .build()
        .expect("thread pool");
    let results: Vec<Result<(usize, bool, Vec<Diagnostic>), FileError>> = pool.install(|| {
        files
            .par_iter()
            .map(|path| {
                let facts = parse::analyse_file(path, knowledge)?;
                let diagnostics = check_file(&facts, knowledge);
                Ok((1, facts.parse_errors > 0, diagnostics))
            })
            .collect()
    });
    let mut outcome = Outcome::default();
    for r in results {
        match r {
            Ok((n, had_errors, diags)) => {
                outcome.files_scanned += n;
                outcome.files_with_parse_errors += usize::from(had_errors);
                outcome.diagnostics.extend(diags);
            }
            Err(e) => errors.push(e),
        }
    }
    errors.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    outcome.errors = errors;
    sort_diagnostics(&mut outcome.diagnostics);
    outcome
}

/// Runs the per-function analysis and lints over one file's facts.
pub fn check_file(facts: &facts::FileFacts, knowledge: &Knowledge) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for function in &facts.functions {
        let locks = context::function_locks(function, knowledge);
        let cx = lints::FunctionCx { file: facts, function, locks: &locks, knowledge };
        lints::check_function(&cx, &mut out);
    }
    out
}

pub fn sort_diagnostics(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}
