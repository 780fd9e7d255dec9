//! gfplint: sleeping allocations in atomic context, and allocation APIs that do not fit,
//! in Linux kernel C. The pipeline (see ARCHITECTURE.md):
//! discover → parse (facts) → context → lints → report.

pub mod baseline;
pub mod config;
pub mod context;
pub mod diagnostic;
pub mod discover;
pub mod facts;
pub mod gfp;
pub mod knowledge;
pub mod lints;
pub mod parse;
pub mod program;
pub mod report;
pub mod suppress;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use diagnostic::Diagnostic;
use knowledge::Knowledge;
use parse::FileError;

/// Settings of one run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Worker threads; 0 means one per core.
    pub jobs: usize,
    /// The API knowledge (built-in extended by `gfplint.toml`); `None`: built-in.
    pub knowledge: Option<Arc<Knowledge>>,
    /// Lint levels named by the configuration; other lints keep their default.
    pub levels: BTreeMap<String, config::Level>,
    /// When set, only findings in these files (as the user spelt them) are reported;
    /// the other files are context (pre-commit mode).
    pub report_only: Option<Vec<String>>,
    /// The project root: fingerprints and SARIF URIs are relative to it (default: `.`).
    pub root: Option<PathBuf>,
    /// Incremented once per file parsed, for a progress display.
    pub progress: Option<Arc<AtomicUsize>>,
}

/// Everything a run found, sorted.
#[derive(Debug, Default)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub errors: Vec<FileError>,
    /// Files analysed (parsed and checked).
    pub files_scanned: usize,
    pub files_with_parse_errors: usize,
    /// The project root paths are made relative to in SARIF output.
    pub root: PathBuf,
}

/// A file's facts and the lock states of its functions, or why it could not be read.
type LocalResult = Result<(facts::FileFacts, Vec<context::LockStates>), FileError>;

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
    let knowledge: &Knowledge = match &options.knowledge {
        Some(k) => k,
        None => Knowledge::builtin(),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs)
        .stack_size(WORKER_STACK)
        .build()
        .expect("thread pool");
    pool.install(|| {
        // Stage 1, parallel: every file to facts and lock states; trees and CFGs are
        // dropped inside, so what crosses files is small.
        let parsed: Vec<LocalResult> = files
            .par_iter()
            .map(|path| {
                let r = analyse_locally(path, knowledge, &HashMap::new());
                if let Some(p) = &options.progress {
                    p.fetch_add(1, Ordering::Relaxed);
                }
                r
            })
            .collect();
        let mut all_facts = Vec::with_capacity(parsed.len());
        let mut locks = Vec::with_capacity(parsed.len());
        for r in parsed {
            match r {
                Ok((f, l)) => {
                    all_facts.push(f);
                    locks.push(l);
                }
                Err(e) => errors.push(e),
            }
        }
        // Stage 2: lock wrappers defined in one file and called in another: those
        // callers' files are analysed again, knowing the wrappers' effects.
        let redo = cross_file_wrappers(&all_facts, &locks, knowledge);
        let redone: Vec<(usize, LocalResult)> = redo
            .into_par_iter()
            .map(|(fi, extra)| (fi, analyse_locally(&all_facts[fi].path, knowledge, &extra)))
            .collect();
        for (fi, r) in redone {
            // The file was readable a moment ago; if it changed meanwhile, keep the first result.
            if let Ok((f, l)) = r {
                all_facts[fi] = f;
                locks[fi] = l;
            }
        }
        // Stage 3: whole-program index and context across functions (fixpoints).
        let program = program::Program::build(&all_facts, knowledge);
        let analysis = context::Analysis::run(&program, locks);
        // Stage 4, parallel: lints per function.
        let reported = reported_files(&all_facts, options.report_only.as_deref());
        let diagnostics: Vec<Diagnostic> = all_facts
            .par_iter()
            .enumerate()
            .flat_map_iter(|(file_index, facts)| {
                // Stage 5: suppressions, then levels, per file.
                let mut diags = check_file(&program, &analysis, file_index, facts);
                suppress::apply(facts, &mut diags);
                config::apply_levels(&mut diags, &options.levels);
                if let Some(r) = &reported {
                    // Pre-commit mode: a finding is reported when it or its evidence
                    // (the lock, the call chain) is in a named file.
                    diags.retain(|d| {
                        r.contains_key(&d.file) || d.labels.iter().any(|l| r.contains_key(&l.file))
                    });
                    for d in &mut diags {
                        if let Some(s) = r.get(&d.file) {
                            d.file = s.clone();
                        }
                        for l in &mut d.labels {
                            if let Some(s) = r.get(&l.file) {
                                l.file = s.clone();
                            }
                        }
                    }
                }
                diags
            })
            .collect();
        let root = options.root.clone().unwrap_or_else(|| PathBuf::from("."));
        let mut outcome = Outcome {
            root: root.clone(),
            files_scanned: all_facts.len(),
            files_with_parse_errors: all_facts.iter().filter(|f| f.parse_errors > 0).count(),
            diagnostics,
            errors: Vec::new(),
        };
        errors.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
        outcome.errors = errors;
        sort_diagnostics(&mut outcome.diagnostics);
        baseline::assign(&mut outcome.diagnostics, &root);
        outcome
    })
}

/// With `report_only`, the facts paths to report on, with the path as the user spelt it
/// (matched by canonical path).
fn reported_files(
    all_facts: &[facts::FileFacts],
    report_only: Option<&[String]>,
) -> Option<HashMap<String, String>> {
    let wanted = report_only?;
    let canon = |p: &str| std::fs::canonicalize(p).unwrap_or_else(|_| PathBuf::from(p));
    let wanted: HashMap<PathBuf, &String> = wanted.iter().map(|p| (canon(p), p)).collect();
    let mut seen = HashSet::new();
    let mut out = HashMap::new();
    for f in all_facts {
        if let Some(spelling) = wanted.get(&canon(&f.path))
            && seen.insert(*spelling)
        {
            out.insert(f.path.clone(), (*spelling).clone());
        }
    }
    Some(out)
}

/// Parse, extract facts, compute lock states (with `extra` wrappers from other files),
/// and drop the CFGs.
fn analyse_locally(
    path: &str,
    knowledge: &Knowledge,
    extra: &HashMap<String, context::lockstate::LockEffect>,
) -> LocalResult {
    let mut facts = parse::analyse_file(path, knowledge)?;
    let locks = context::local::file_locks(&facts, knowledge, extra);
    context::local::drop_cfgs(&mut facts);
    Ok((facts, locks))
}

/// Files that call a lock wrapper defined in another file, with those wrappers' effects.
fn cross_file_wrappers(
    all_facts: &[facts::FileFacts],
    locks: &[Vec<context::LockStates>],
    knowledge: &Knowledge,
) -> Vec<(usize, HashMap<String, context::lockstate::LockEffect>)> {
    let program = program::Program::build(all_facts, knowledge);
    let mut effects = HashMap::new();
    for (fi, file_locks) in locks.iter().enumerate() {
        for (i, l) in file_locks.iter().enumerate() {
            let e = l.effect();
            if !e.is_empty() {
                effects.insert((fi as u32, i as u32), e);
            }
        }
    }
    if effects.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (fi, file) in all_facts.iter().enumerate() {
        let mut extra = HashMap::new();
        for c in file.functions.iter().flat_map(|f| f.calls.iter()) {
            if c.indirect || knowledge.lock_op(&c.callee).is_some() || extra.contains_key(&c.callee)
            {
                continue;
            }
            if let Some(id) = program.resolve(fi as u32, &c.callee)
                && id.0 as usize != fi
                && let Some(e) = effects.get(&id)
            {
                extra.insert(c.callee.clone(), e.clone());
            }
        }
        if !extra.is_empty() {
            out.push((fi, extra));
        }
    }
    out
}

/// Runs the lints over one file's functions.
pub fn check_file(
    program: &program::Program,
    analysis: &context::Analysis,
    file_index: usize,
    facts: &facts::FileFacts,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (function_index, function) in facts.functions.iter().enumerate() {
        let id = (file_index as u32, function_index as u32);
        let cx = lints::FunctionCx {
            program,
            analysis,
            id,
            file: facts,
            function,
            locks: analysis.locks_of(id),
            knowledge: program.knowledge,
        };
        lints::check_function(&cx, &mut out);
    }
    out
}

pub fn sort_diagnostics(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}
