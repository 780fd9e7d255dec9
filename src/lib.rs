//! gfplint: sleeping allocations in atomic context, and allocation APIs that do not fit,
//! in Linux kernel C. The pipeline (see ARCHITECTURE.md):
//! discover → parse (facts) → context → lints → report.

pub mod consteval;
pub mod context;
pub mod decl_index;
pub mod diagnostic;
pub mod discover;
pub mod facts;
pub mod gfp;
pub mod knowledge;
pub mod lints;
pub mod parse;
pub mod program;
pub mod report;
pub mod target;

use rayon::prelude::*;

use diagnostic::Diagnostic;
use knowledge::Knowledge;
use parse::FileError;

/// Settings of one run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Worker threads; 0 means one per core.
    pub jobs: usize,
    /// Page size, page orders, kmalloc classes and kernel version of the checked code.
    pub target: target::Target,
    /// Lints to run in addition to those enabled by default (by name).
    pub enable: Vec<String>,
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
    let (files, errors) = discover::discover(paths);
    check_files(&files, errors, options)
}

/// Checks the given files (already discovered); `errors` are discovery problems to
/// report alongside.
pub fn check_files(files: &[String], mut errors: Vec<FileError>, options: &Options) -> Outcome {
    let knowledge = Knowledge::builtin();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs)
        .stack_size(WORKER_STACK)
        .build()
        .expect("thread pool");
    pool.install(|| {
        // Stage 1, parallel: every file to facts; trees are dropped inside.
        let parsed: Vec<Result<facts::FileFacts, FileError>> = files
            .par_iter()
            .map(|path| parse::analyse_file(path, knowledge))
            .collect();
        let mut all_facts = Vec::with_capacity(parsed.len());
        for r in parsed {
            match r {
                Ok(f) => all_facts.push(f),
                Err(e) => errors.push(e),
            }
        }
        // Stage 2: whole-program index over the facts of every file of the run.
        let program = program::Program::build(&all_facts, knowledge);
        // Stage 3, parallel: context and lints per function.
        let diagnostics: Vec<Diagnostic> = all_facts
            .par_iter()
            .enumerate()
            .flat_map_iter(|(file_index, facts)| check_file(&program, file_index, facts, options))
            .collect();
        let mut outcome = Outcome {
            files_scanned: all_facts.len(),
            files_with_parse_errors: all_facts.iter().filter(|f| f.parse_errors > 0).count(),
            diagnostics,
            errors: Vec::new(),
        };
        errors.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
        outcome.errors = errors;
        sort_diagnostics(&mut outcome.diagnostics);
        outcome
    })
}

/// Runs the per-function analysis and lints over one file's facts.
pub fn check_file(
    program: &program::Program,
    file_index: usize,
    facts: &facts::FileFacts,
    options: &Options,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (function_index, function) in facts.functions.iter().enumerate() {
        let locks = context::function_locks(function, program.knowledge);
        let cx = lints::FunctionCx {
            program,
            file_index,
            function_index,
            file: facts,
            function,
            locks: &locks,
            knowledge: program.knowledge,
            options,
        };
        lints::check_function(&cx, &mut out);
    }
    out
}

pub fn sort_diagnostics(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}
