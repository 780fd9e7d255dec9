//! gfplint: sleeping allocations in atomic context, and allocation APIs that do not fit,
//! in Linux kernel C. The pipeline (see ARCHITECTURE.md):
//! discover → parse (facts) → context → lints → report.
// No panics on bad input or resource errors: every remaining `expect` is an invariant
// of the program itself, allowed where it is, with the reason.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod baseline;
pub mod bits;
pub mod bounded;
pub mod cache;
pub mod config;
pub mod consteval;
pub mod context;
pub mod ctoken;
pub mod decl_index;
pub mod diagnostic;
pub mod diff;
pub mod discover;
pub mod facts;
pub mod fix;
pub mod gfp;
#[cfg(feature = "heap-count")]
pub mod heap_count;
pub mod incremental;
pub mod kbuild;
pub mod knowledge;
pub mod lints;
pub mod lsp;
pub mod name;
pub mod parse;
pub mod program;
pub mod report;
pub mod root;
pub mod size_report;
pub mod sparse;
pub mod summaries;
pub mod suppress;
pub mod target;
pub mod values;
pub mod walk;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
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
    /// Page size, page orders, kmalloc classes and kernel version of the checked code.
    pub target: target::Target,
    /// Lints to run in addition to those enabled by default (by name).
    pub enable: Vec<String>,
    /// The facts cache directory (see `cache`); `None`: no cache.
    pub cache_dir: Option<PathBuf>,
    /// The directory the cache's entry paths are relative to, when it is not `root`
    /// (the language server's workspace may lie below the project root whose cache
    /// `gfplint check` uses).
    pub cache_root: Option<PathBuf>,
    /// Source texts that replace files' contents on disk (`--stdin-filename`, the
    /// language server's unsaved buffers): such a file is read from here, whether or
    /// not it exists.
    pub overlay: Vec<Overlay>,
    /// Kernel API summaries for callees the run does not define (`None`: none; the
    /// command line picks the built-in ones of the target's kernel version).
    pub summaries: Option<Arc<summaries::Summaries>>,
    /// Stop after the whole-program context: no lints, no findings (`summarize`).
    pub analysis_only: bool,
    /// The kernel configuration's options (`--kconfig`): conditionals on them are
    /// decided, files no enabled symbol builds are skipped. Set with
    /// [`Options::set_kconfig`] (which also gives the target its symbols).
    pub config: Option<Arc<sparse::Macros>>,
    /// In pre-commit mode, the caller's `inspect` needs the named files' whole-program
    /// context (the language server's hover): the stage runs, over a slice where it
    /// can, even where a stored outcome would give the findings.
    pub needs_program: bool,
    /// What a long-lived caller keeps between runs (the language server): the build
    /// model, the last full run's program store, the kernel headers a slice read.
    pub session: Option<Arc<incremental::Session>>,
    /// Nothing changed on disk since the session's last run but the open buffers (the
    /// editor's file watcher said so): the files' `stat`s are the ones it saw.
    pub trust_stats: bool,
}

impl Options {
    /// The overlay standing for `path`, if any.
    pub fn overlay_of(&self, path: &str) -> Option<&Overlay> {
        self.overlay.iter().find(|o| o.covers(path))
    }

    /// What the analysis and the lints read of these options: the target and the lint
    /// policy (levels and lints enabled by name, decided once here).
    pub fn settings(&self) -> lints::AnalysisSettings {
        lints::AnalysisSettings {
            target: self.target.clone(),
            lints: self.lint_policy(),
            build: Arc::default(),
        }
    }

    /// Reads a `.config` text as the configuration of the checked code.
    pub fn set_kconfig(&mut self, text: &str) {
        self.target.kconfig = Some(Arc::new(target::Target::parse_kconfig(text)));
        self.config = Some(Arc::new(sparse::Macros::from_dotconfig(text)));
    }

    /// Which lints run and at which level (see [`lints::LintPolicy`]).
    pub fn lint_policy(&self) -> lints::LintPolicy {
        lints::LintPolicy::new(&self.levels, &self.enable)
    }
}

/// A file tree-sitter could not parse entirely: how many error nodes, and where the
/// first one starts (the rest of the file is still analysed).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct ParseErrors {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub count: u32,
}

/// A file's text given in memory (an editor's unsaved buffer, read from stdin).
#[derive(Debug, Clone)]
pub struct Overlay {
    /// The path the text stands for, as the user spelt it.
    pub path: String,
    pub text: Arc<Vec<u8>>,
    /// The path's canonical form when the file exists on disk.
    canonical: Option<PathBuf>,
}

impl Overlay {
    pub fn new(path: &str, text: Vec<u8>) -> Overlay {
        Overlay {
            path: path.to_string(),
            text: Arc::new(text),
            canonical: std::fs::canonicalize(path).ok(),
        }
    }

    /// Whether `path` names the overlaid file (as spelt, or the same file on disk).
    pub fn covers(&self, path: &str) -> bool {
        if path == self.path {
            return true;
        }
        let same_name =
            std::path::Path::new(path).file_name() == std::path::Path::new(&self.path).file_name();
        same_name && self.canonical.is_some() && std::fs::canonicalize(path).ok() == self.canonical
    }
}

/// Everything a run found, sorted.
#[derive(Debug, Default)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub errors: Vec<FileError>,
    /// Files analysed (parsed and checked).
    pub files_scanned: usize,
    pub files_with_parse_errors: usize,
    /// Files with parse errors, by path.
    pub parse_errors: Vec<ParseErrors>,
    /// The project root paths are made relative to in SARIF output.
    pub root: PathBuf,
    /// The text of every file a diagnostic points into, as analysed (read once more
    /// after the analysis and kept only if its hash matches): snippets, fingerprints
    /// and SARIF columns come from here. Keyed by the diagnostics' file names.
    pub sources: HashMap<String, String>,
    /// Why the run could not be done at all (no worker threads); nothing else is set.
    pub fatal: Option<String>,
    /// Problems that did not stop the run (a cache directory that cannot be used).
    pub warnings: Vec<String>,
    /// Files whose facts came from the cache, and files parsed.
    pub cache_hits: usize,
    pub cache_misses: usize,
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
pub fn check_files(files: &[String], errors: Vec<FileError>, options: &Options) -> Outcome {
    check_files_with(files, errors, options, None, |_, _| ()).0
}

/// What a long-lived process (the language server) keeps between runs: the unsaved
/// text of open editor buffers, analysed instead of the files on disk, and the
/// per-file results (facts and lock states) of earlier runs, reused while a file's
/// text (buffers) or length and modification time (files on disk) are unchanged.
/// With a cache directory in the options, a file on disk that is not in memory comes
/// from the facts cache (and goes to it), so a server started on a tree a `gfplint
/// check` has seen does not parse it again.
#[derive(Default)]
pub struct Workspace {
    /// Buffer text by path, spelt as in the file list given to `check_files_with`.
    pub overlay: HashMap<String, String>,
    memo: std::sync::Mutex<HashMap<String, Memo>>,
    /// The build facts of the last run and the digest of its file list and
    /// configuration: reading a tree's Kconfig files on every edit would cost more than
    /// the edit's analysis. (A Kconfig or Makefile edited during a session is seen once
    /// the file list changes, or at the next start.)
    build: std::sync::Mutex<Option<(u128, Arc<kbuild::BuildFacts>)>>,
}

/// A file's per-file results and what they were computed from.
struct Memo {
    stamp: Stamp,
    /// The lock wrappers from other files it was analysed with (`""`: none).
    extra: String,
    facts: facts::FileFacts,
    locks: Vec<context::LockStates>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stamp {
    Text(u64),
    Disk(u64, Option<std::time::SystemTime>),
}

impl Workspace {
    /// Forgets the per-file results (after a configuration change: the knowledge
    /// they were computed with may differ).
    pub fn forget(&self) {
        if let Ok(mut memo) = self.memo.lock() {
            memo.clear();
        }
    }

    /// Forgets the results of files no longer in `files` (deleted, or deselected).
    pub fn retain(&self, files: &[String]) {
        let keep: HashSet<&str> = files.iter().map(String::as_str).collect();
        if let Ok(mut memo) = self.memo.lock() {
            memo.retain(|key, _| keep.contains(key.split('\0').next().unwrap_or(key)));
        }
    }

    fn stamp(&self, path: &str) -> Option<Stamp> {
        match self.overlay.get(path) {
            Some(text) => Some(Stamp::Text(parse::source_hash(text.as_bytes()))),
            None => std::fs::metadata(path)
                .ok()
                .map(|m| Stamp::Disk(m.len(), m.modified().ok())),
        }
    }

    /// `analyse_bytes` of the buffer when there is one (else of the file's
    /// `source_bytes`, through the facts `cache` when there is one), through the
    /// memo. The second value: whether the memo had it.
    fn analyse(
        &self,
        path: &str,
        knowledge: &Knowledge,
        extra: &HashMap<String, context::lockstate::LockEffect>,
        options: &Options,
        cache: Option<&cache::Cache>,
    ) -> (LocalResult, bool) {
        let extra_key = if extra.is_empty() {
            String::new()
        } else {
            let mut sorted: Vec<_> = extra.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            format!("{sorted:?}")
        };
        // Wrapper-dependent results are kept under their own key, so a file's plain
        // result (stage 1) and its result with wrappers (stage 2) do not evict each
        // other.
        let key = if extra.is_empty() {
            path.to_string()
        } else {
            format!("{path}\0extra")
        };
        let stamp = self.stamp(path);
        if let (Some(stamp), Ok(memo)) = (stamp, self.memo.lock())
            && let Some(m) = memo.get(&key)
            && m.stamp == stamp
            && m.extra == extra_key
        {
            return (Ok((m.facts.clone(), m.locks.clone())), true);
        }
        let result = match (self.overlay.get(path), cache) {
            (Some(text), _) => analyse_bytes(
                path,
                text.as_bytes().to_vec(),
                knowledge,
                extra,
                options.config.as_deref(),
            ),
            (None, Some(c)) => cached_local(path, knowledge, extra, c, options),
            (None, None) => source_bytes(path, options).and_then(|bytes| {
                analyse_bytes(path, bytes, knowledge, extra, options.config.as_deref())
            }),
        };
        if let (Some(stamp), Ok((facts, locks)), Ok(mut memo)) = (stamp, &result, self.memo.lock())
        {
            memo.insert(
                key,
                Memo {
                    stamp,
                    extra: extra_key,
                    facts: facts.clone(),
                    locks: locks.clone(),
                },
            );
        }
        (result, false)
    }
}

/// A file on disk's facts and lock states (with `extra` wrappers from other files)
/// through the facts cache: decoded when its bytes are cached, else computed and
/// stored.
fn cached_local(
    path: &str,
    knowledge: &Knowledge,
    extra: &HashMap<String, context::lockstate::LockEffect>,
    cache: &cache::Cache,
    options: &Options,
) -> LocalResult {
    let bytes = source_bytes(path, options)?;
    let digest = cache::content_digest(&bytes);
    let key = cache.file_key(digest);
    let (facts_and_locks, fingerprint) =
        match cache.get_with(key, path, |payload| decode_local(path, payload)) {
            Some((facts, locks, fingerprint)) => ((facts, locks), Some(fingerprint)),
            None => {
                let result = analyse_bytes(
                    path,
                    bytes,
                    knowledge,
                    &HashMap::new(),
                    options.config.as_deref(),
                );
                let fingerprint = store_facts(cache, key, path, &result);
                (result?, fingerprint)
            }
        };
    if extra.is_empty() {
        return Ok(facts_and_locks);
    }
    let locks = relocked(
        path,
        None,
        (digest, fingerprint),
        knowledge,
        extra,
        Some(cache),
        options,
    )
    .ok_or_else(|| FileError {
        path: path.to_string(),
        message: report::sources::CHANGED.into(),
    })?;
    Ok((facts_and_locks.0, locks))
}

/// `check_files` for a long-lived process: with a `workspace`, buffers are analysed
/// instead of files and per-file results are reused; `inspect` runs on the
/// whole-program view and context after the fixpoints (the language server's hover
/// text comes from there), its result returned beside the outcome (`None` when the
/// outcome of an identical earlier run was reused from the cache).
pub fn check_files_with<T: Send>(
    files: &[String],
    mut errors: Vec<FileError>,
    options: &Options,
    workspace: Option<&Workspace>,
    inspect: impl FnOnce(&program::Program, &context::Analysis) -> T + Send,
) -> (Outcome, Option<T>) {
    let knowledge: &Knowledge = match &options.knowledge {
        Some(k) => k,
        None => Knowledge::builtin(),
    };
    // Allocator and free wrappers from the summaries join the knowledge before
    // extraction, which keeps their calls' arguments and results.
    let with_wrappers;
    let knowledge: &Knowledge = match options.summaries.as_deref() {
        Some(s) => {
            with_wrappers = knowledge.with_summarised_wrappers(s);
            &with_wrappers
        }
        None => knowledge,
    };
    let mut settings = options.settings();
    // More workers than files is waste, and `-j 100000` spent minutes creating threads.
    let jobs = options.jobs.min(files.len().max(1));
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(WORKER_STACK)
        .build()
    {
        Ok(pool) => pool,
        Err(e) => {
            return (
                Outcome {
                    fatal: Some(format!("cannot start {jobs} worker threads: {e}")),
                    ..Outcome::default()
                },
                None,
            );
        }
    };
    let timings = std::env::var_os("GFPLINT_TIMINGS").is_some();
    let started = std::time::Instant::now();
    let lap = |what: &str| {
        if timings {
            eprintln!(
                "gfplint: timing: {what} done at {:.2} s{}",
                started.elapsed().as_secs_f64(),
                memory_now()
            );
        }
    };
    let mut cache_warnings = Vec::new();
    let cache = options.cache_dir.as_deref().and_then(|dir| {
        let root = options
            .cache_root
            .as_deref()
            .or(options.root.as_deref())
            .unwrap_or(Path::new("."));
        // Facts made under a configuration are other facts.
        let fingerprint = match &options.config {
            Some(c) => knowledge.fingerprint() ^ c.fingerprint(),
            None => knowledge.fingerprint(),
        };
        cache::Cache::open(dir, root, fingerprint)
            .map_err(|w| cache_warnings.push(w))
            .ok()
    });
    lap("cache opened");
    // How each file is built (Makefiles and Kconfig of its kernel tree); with a
    // configuration, files no enabled symbol builds are not analysed.
    let build = workspace_build_facts(files, options, workspace, cache.as_ref());
    let enabled_files: Vec<String>;
    let files = if options.config.is_some() {
        enabled_files = files
            .iter()
            .filter(|f| build.get(f).and_then(|b| b.enabled) != Some(false))
            .cloned()
            .collect();
        &enabled_files[..]
    } else {
        files
    };
    let build_digest = build.digest();
    lap(&format!(
        "kbuild: {} trees, {} Kconfig files, {} Makefiles, facts for {} files",
        build.tree_count,
        build.kconfig_files,
        build.makefiles,
        build.len()
    ));
    settings.build = build;
    pool.install(|| {
        // Stage 1, parallel: every file to facts and lock states; trees and CFGs are
        // dropped inside, so what crosses files is small.
        let warnings = cache_warnings;
        // A workspace (the language server) reuses its own per-file results, kept in
        // memory between runs, and takes what is not in memory from the facts cache;
        // its runs skip the whole-run shortcuts (a stored outcome would skip
        // `inspect`, and buffers are not files).
        let memo_hits = AtomicUsize::new(0);
        let errors_before = errors.len();
        // The `stat`s the session's last run saw, when they still hold; the ones taken
        // now, for the next run.
        let stats = StatMemo {
            known: options
                .session
                .as_ref()
                .filter(|_| options.trust_stats && cache.is_some())
                .map(|s| s.stats()),
            seen: std::sync::Mutex::new(Vec::new()),
            record: options.session.is_some() && cache.is_some(),
        };
        // A session's trusted run takes what its earlier runs found in the cache for
        // files whose `stat` it still holds (not asking the cache again per file).
        let known = match (&options.session, &cache, &stats.known) {
            (Some(session), Some(c), Some(_)) if workspace.is_none() => {
                session.known(c.identity())
            }
            _ => None,
        };
        let first: Vec<(FirstPass, bool)> = files
            .par_iter()
            .map(|path| {
                if let (Some(known), Some(stats)) = (&known, &stats.known)
                    && let Some(k) = known.get(path)
                    && stats.get(path) == Some(&k.stat)
                    && options.overlay_of(path).is_none()
                {
                    if let Some(p) = &options.progress {
                        p.fetch_add(1, Ordering::Relaxed);
                    }
                    let cached = FirstPass::Cached {
                        key: k.key,
                        digest: k.digest,
                    };
                    return (cached, true);
                }
                // (An open buffer's file keeps its digest index entry as the session
                // found it on disk.)
                let recorded = known
                    .as_ref()
                    .and_then(|k| k.get(path))
                    .map(|k| &k.recorded);
                let r = match workspace {
                    // No digest: it only keys the cache, which a workspace does not use.
                    Some(w) => {
                        let (result, memo) =
                            w.analyse(path, knowledge, &HashMap::new(), options, cache.as_ref());
                        if memo {
                            memo_hits.fetch_add(1, Ordering::Relaxed);
                        }
                        FirstPass::Done(Box::new(result), 0, None)
                    }
                    None => first_pass(path, knowledge, cache.as_ref(), options, &stats, recorded),
                };
                if let Some(p) = &options.progress {
                    p.fetch_add(1, Ordering::Relaxed);
                }
                (r, false)
            })
            .collect();
        let (first, from_known): (Vec<FirstPass>, Vec<bool>) = first.into_iter().unzip();
        if let (Some(c), Some(known)) = (&cache, &known) {
            let count = from_known.iter().filter(|hit| **hit).count();
            let (known, hits) = (known.clone(), from_known.clone());
            c.keep_known(
                count,
                Box::new(move |files: &[String]| {
                    files
                        .iter()
                        .zip(&hits)
                        .filter(|(_, hit)| **hit)
                        .filter_map(|(path, _)| known.get(path).map(|k| k.recorded.clone()))
                        .collect()
                }),
            );
        }
        if let Some(session) = &options.session
            && cache.is_some()
        {
            let seen = stats
                .seen
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            session.keep_stats(seen, stats.known.is_none());
            // What the next trusted run may take as it is: every file found in the
            // cache whose `stat` is kept and not recent (as the digest index).
            if let Some(c) = &cache
                && workspace.is_none()
                && (known.is_none()
                    || files.iter().zip(&first).zip(&from_known).any(|((path, f), hit)| {
                        !hit && matches!(f, FirstPass::Cached { .. })
                            && options.overlay_of(path).is_none()
                    }))
            {
                let kept = session.stats();
                let entries = files
                    .iter()
                    .zip(&first)
                    .filter_map(|(path, f)| {
                        let FirstPass::Cached { key, digest } = f else {
                            return None;
                        };
                        // (An editor buffer's entry is not the file's on disk: the
                        // file's as an earlier run found it is kept.)
                        if options.overlay_of(path).is_some() {
                            let earlier = known.as_ref()?.get(path)?;
                            return Some((path.clone(), earlier.clone()));
                        }
                        let stat = kept.get(path).filter(|s| !c.recent(s))?;
                        let known = incremental::Known {
                            stat: *stat,
                            digest: *digest,
                            key: *key,
                            recorded: c.recorded(path, stat, *digest),
                        };
                        Some((path.clone(), known))
                    })
                    .collect();
                session.keep_known(c.identity(), entries);
            }
        }
        lap("read, hash, parse what is not cached");
        // The outcome of a run with the same inputs (every file's bytes, the options),
        // when every file's facts are cached.
        let run_key = cache
            .as_ref()
            .map(|c| c.run_key(&run_inputs(files, Some(&first), &errors, options, build_digest)));
        let last_key = cache
            .as_ref()
            .map(|c| c.last_run_key(&run_inputs(files, None, &errors, options, build_digest)));
        let all_cached = workspace.is_none()
            && first.iter().all(|f| matches!(f, FirstPass::Cached { .. }));
        let mut warnings = warnings;
        let mut inspect = Some(inspect);
        // A stored outcome, or (pre-commit mode after a code edit) a run over only the
        // part of the program the edit can affect, from the last full run's store; a
        // caller that needs the program (`needs_program`) gets one that way even when
        // a stored outcome would do, so it tries the slice first.
        let mut early: Option<(Outcome, Option<T>)> = None;
        if let Some(c) = &cache {
            let can_compare = workspace.is_none() && errors.len() == errors_before;
            let alt_key = || dotted_last_key(c, files, &errors, options, &settings.build);
            let mut compared: Option<Option<Comparison>> = None;
            for stored_first in [!options.needs_program, options.needs_program] {
                if stored_first {
                    early = reuse_stored(
                        c,
                        (run_key, last_key, &alt_key),
                        all_cached,
                        (can_compare, &first, &mut compared),
                        files,
                        options,
                        &lap,
                    )
                    .map(|o| (o, None));
                } else {
                    compare_once(
                        &mut compared,
                        c,
                        (last_key, &alt_key),
                        can_compare,
                        files,
                        &first,
                        options,
                    );
                    if std::env::var_os("GFPLINT_NO_SLICE").is_none()
                        && let Some(Some(cmp)) = &compared
                    {
                        let inputs = SliceInputs {
                            files,
                            first: &first,
                            cmp,
                            cache: c,
                            knowledge,
                            settings: &settings,
                            options,
                            lap: &lap,
                        };
                        // (Files whose bytes are new to the last run mostly come from
                        // the cache too: only misses were parsed.)
                        let counted = |mut outcome: Outcome| {
                            let parsed = c.misses.load(Ordering::Relaxed);
                            outcome.cache_hits = files.len() - parsed;
                            outcome.cache_misses = parsed;
                            outcome
                        };
                        if options.report_only.is_some() {
                            early = sliced_run(inputs, &mut inspect)
                                .map_err(|why| lap(&format!("not sliced: {why}")))
                                .ok()
                                .map(|(outcome, inspected)| {
                                    lap("sliced run finished");
                                    (counted(outcome), inspected)
                                });
                        } else if !options.needs_program {
                            early = moved_run(inputs, run_key)
                                .map_err(|why| lap(&format!("not a moved-code run: {why}")))
                                .inspect(|_| lap("moved-code run finished"))
                                .or_else(|_| {
                                    edited_run(inputs, run_key)
                                        .map_err(|why| {
                                            lap(&format!("not an edited-code run: {why}"))
                                        })
                                        .inspect(|_| lap("edited-code run finished"))
                                })
                                .ok()
                                .map(|outcome| (counted(outcome), None));
                        }
                    }
                }
                if early.is_some() {
                    break;
                }
            }
            if early.is_some()
                && let Some(Some(cmp)) = compared
            {
                drop_later(cmp.last);
            }
        }
        if let Some((mut outcome, inspected)) = early {
            drop_later(first);
            if let Some(c) = cache {
                warnings.extend(c.finish(files, true));
            }
            lap("cache finished");
            outcome.warnings = warnings;
            return (outcome, inspected);
        }
        let parsed: Vec<(LocalResult, u128, Option<u128>)> = first
            .into_par_iter()
            .zip(files.par_iter())
            .map(|(f, path)| match f {
                FirstPass::Done(r, digest, fingerprint) => (*r, digest, fingerprint),
                FirstPass::Cached { key, digest } => {
                    from_cache(path, key, digest, knowledge, cache.as_ref(), options)
                }
            })
            .collect();
        lap("facts loaded from the cache");
        let mut digests = Vec::with_capacity(parsed.len());
        let mut all_facts = Vec::with_capacity(parsed.len());
        let mut locks = Vec::with_capacity(parsed.len());
        // Per file, its digest and facts fingerprint, for the next run's early cutoff
        // (`None` when a file could not be read or has no fingerprint: no cutoff).
        let mut table: Option<FileTable> = cache.as_ref().map(|_| Vec::new());
        for (r, digest, fingerprint) in parsed {
            match (r, fingerprint) {
                (Ok((f, l)), fingerprint) => {
                    all_facts.push(f);
                    locks.push(l);
                    digests.push((digest, fingerprint));
                    match (&mut table, fingerprint) {
                        (Some(t), Some(fp)) => t.push((digest, fp)),
                        _ => table = None,
                    }
                }
                (Err(e), _) => {
                    errors.push(e);
                    table = None;
                }
            }
        }
        lap("parse + facts + lock states");
        // Stage 2: lock wrappers defined in one file and called in another: those
        // callers' files are analysed again, knowing the wrappers' effects.
        let (redo, effects) = cross_file_wrappers(&all_facts, &locks, knowledge);
        let mut file_wrappers: Vec<Option<u128>> = vec![None; all_facts.len()];
        for (fi, extra) in &redo {
            file_wrappers[*fi] = Some(incremental::wrappers_digest(extra));
        }
        if timings {
            let mut names: HashMap<&str, usize> = HashMap::new();
            for (_, extra) in &redo {
                for n in extra.keys() {
                    *names.entry(n.as_str()).or_default() += 1;
                }
            }
            let mut top: Vec<_> = names.into_iter().collect();
            top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            top.truncate(12);
            eprintln!("gfplint: timing: {} files call lock wrappers defined in other files; most used: {top:?}", redo.len());
        }
        let redone: Vec<(usize, Option<Vec<context::LockStates>>)> = redo
            .into_par_iter()
            .map(|(fi, extra)| {
                let path = &all_facts[fi].path;
                let locks = match workspace {
                    Some(w) => w
                        .analyse(path, knowledge, &extra, options, cache.as_ref())
                        .0
                        .ok()
                        .filter(|(f, _)| f.source_hash == all_facts[fi].source_hash)
                        .map(|(_, l)| l),
                    None => relocked(
                        path,
                        Some(&all_facts[fi]),
                        digests[fi],
                        knowledge,
                        &extra,
                        cache.as_ref(),
                        options,
                    ),
                };
                (fi, locks)
            })
            .collect();
        for (fi, l) in redone {
            // The file was read a moment ago; if it changed meanwhile, keep the first
            // result and say so.
            match l {
                Some(l) => locks[fi] = l,
                None => errors.push(FileError {
                    path: all_facts[fi].path.clone(),
                    message: report::sources::CHANGED.into(),
                }),
            }
        }
        for f in &mut all_facts {
            f.parked_cfgs = None;
        }
        lap("cross-file lock wrappers");
        // Stage 3: whole-program index and context across functions (fixpoints).
        let program = program::Program::build(&all_facts, knowledge);
        lap("whole-program index (calls, declarations)");
        let analysis = context::Analysis::run(
            &program,
            locks,
            &settings.target,
            &settings.build,
            (options.summaries.as_deref(), kernel_headers(cache.as_ref())),
            None,
        );
        lap("whole-program context (summaries, fixpoints)");
        let inspected = inspect.take().map(|f| f(&program, &analysis));
        // Stage 4, parallel: lints per function, then suppressions and levels per file.
        let diagnostics: Vec<Diagnostic> = all_facts
            .par_iter()
            .enumerate()
            .filter(|_| !options.analysis_only)
            .flat_map_iter(|(file_index, facts)| {
                let mut diags = check_file(&program, &analysis, file_index, facts, &settings);
                suppress::apply(facts, &mut diags);
                settings.lints.apply(&mut diags);
                diags
            })
            .collect();
        lap("lints");
        analysis.headers.save_records();
        let errors_unchanged = errors.len() == errors_before;
        let by_path: HashMap<&str, u64> = all_facts
            .iter()
            .map(|f| (f.path.as_str(), f.source_hash))
            .collect();
        let hashes = referenced_hashes(&diagnostics, &by_path);
        let counts = (
            all_facts.len(),
            all_facts.iter().filter(|f| f.parse_errors > 0).count(),
        );
        let parse_errors: Vec<ParseErrors> = all_facts
            .iter()
            .filter_map(|f| {
                let (line, column) = f.first_parse_error?;
                Some(ParseErrors {
                    path: f.path.clone(),
                    line,
                    column,
                    count: f.parse_errors,
                })
            })
            .collect();
        // Stored before the pre-commit filter: runs over the same files that report on
        // other named files (pre-commit's successive invocations) reuse it too. A file
        // that could not be read (a transient error) makes the run unrepeatable.
        let manifest = cache.as_ref().and_then(|c| {
            let read = analysis.headers.read_paths();
            c.manifest(read.iter().map(PathBuf::as_path), files)
        });
        if let (Some(c), Some(key), true, None, Some(headers)) =
            (&cache, run_key, errors_unchanged, workspace, manifest)
        {
            let stored = StoredOutcome {
                source_hashes: hashes.clone(),
                diagnostics: diagnostics.clone(),
                errors: errors.clone(),
                files_scanned: counts.0,
                files_with_parse_errors: counts.1,
                parse_errors: parse_errors.clone(),
                headers,
            };
            c.put_run(key, &stored);
            // The last run is what later runs slice against: a state of unsaved buffers
            // would make every later run treat those files as edited.
            let on_disk = options
                .overlay
                .iter()
                .all(|o| std::fs::read(&o.path).is_ok_and(|disk| disk == *o.text));
            if let (Some(last_key), Some(table), true) = (last_key, table, on_disk) {
                c.put_program(
                    last_key,
                    &incremental::ProgramStore::build(&program, &analysis, file_wrappers, &effects),
                );
                c.put_last(
                    last_key,
                    &LastRun {
                        files: table,
                        outcome: stored,
                    },
                );
            }
        }
        // The report stage reads the files with findings again: what only the analysis
        // needed goes first (on a `drivers/` run, that stage was the peak).
        drop(program);
        drop(analysis);
        for f in &mut all_facts {
            f.functions = Vec::new();
            *f.decls = facts::Decls::default();
        }
        let mut outcome = finish_outcome(
            diagnostics,
            hashes.into_iter().collect(),
            all_facts.iter().map(|f| f.path.as_str()),
            errors,
            counts,
            parse_errors,
            workspace.map_or(&HashMap::new(), |w| &w.overlay),
            options,
        );
        outcome.warnings = warnings;
        lap("outcome stored");
        if let Some(c) = cache {
            outcome.cache_hits = c.hits.load(Ordering::Relaxed);
            outcome.cache_misses = c.misses.load(Ordering::Relaxed);
            // A workspace run that took files from memory cannot tell live entries
            // from dead ones (only the digest index is updated then).
            let reused = memo_hits.load(Ordering::Relaxed) > 0;
            outcome.warnings.extend(c.finish(files, reused));
        }
        lap("cache finished");
        (outcome, inspected)
    })
}

/// The build facts of `files` (`kbuild`), reused from a workspace's last run over the
/// same files and configuration, or from the facts cache.
fn workspace_build_facts(
    files: &[String],
    options: &Options,
    workspace: Option<&Workspace>,
    cache: Option<&cache::Cache>,
) -> Arc<kbuild::BuildFacts> {
    let fresh = || {
        Arc::new(kbuild::BuildFacts::for_files(
            files,
            options.target.kconfig.as_deref(),
        ))
    };
    let key = || cache::list_digest(files, &format!("{:?}", options.target.kconfig));
    let Some(w) = workspace else {
        // A run from the command line: the model stored by an earlier run over the
        // same files, while what it was read from is unchanged; a session keeps it.
        let stored = || {
            kbuild::BuildFacts::for_files_cached(files, options.target.kconfig.as_deref(), cache)
        };
        return match &options.session {
            Some(session) => session.build(key(), stored),
            None => Arc::new(stored()),
        };
    };
    let key = key();
    let Ok(mut last) = w.build.lock() else {
        return fresh();
    };
    if let Some((k, b)) = last.as_ref()
        && *k == key
    {
        return b.clone();
    }
    let b = fresh();
    *last = Some((key, b.clone()));
    b
}

/// The device and inode of the file at `path` (symbolic links followed).
pub fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// With `report_only`, the paths (of `paths`) to report on, with the path as the user
/// spelt it (matched by canonical path).
fn reported_files<'p>(
    paths: impl Iterator<Item = &'p str>,
    report_only: Option<&[String]>,
) -> Option<HashMap<String, String>> {
    let wanted = report_only?;
    let canon = |p: &str| std::fs::canonicalize(p).unwrap_or_else(|_| PathBuf::from(p));
    let paths: Vec<&str> = paths.collect();
    // Most runs spell each wanted file as the walk does, up to `./` and `..`: found by
    // name, confirmed by its canonical path, with no system call per file of the run.
    if let Some(cwd) = std::env::current_dir().ok().filter(|_| !wanted.is_empty()) {
        let by_name: HashMap<PathBuf, &String> = wanted
            .iter()
            .map(|w| (discover::lexical_absolute(&cwd, w), w))
            .collect();
        // (Only a path ending with a wanted file's name is made absolute.)
        let last = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
        let names: HashSet<String> = wanted.iter().map(|w| last(w)).collect();
        let mut out = HashMap::new();
        for path in &paths {
            if names.contains(path.rsplit('/').next().unwrap_or(path))
                && let Some(w) = by_name.get(&discover::lexical_absolute(&cwd, path))
                && canon(path) == canon(w)
                && !out.values().any(|s| s == *w)
            {
                out.insert(path.to_string(), (*w).clone());
            }
        }
        if out.len() == wanted.len() {
            return Some(out);
        }
    }
    let wanted: HashMap<PathBuf, &String> = wanted.iter().map(|p| (canon(p), p)).collect();
    // Only a path on the inode of a wanted file can have its canonical path: one `stat`
    // per file of the run instead of a `realpath` (pre-commit mode runs over a whole
    // tree). Without an inode for every wanted file, each path is canonicalised.
    let ids: Option<HashSet<(u64, u64)>> = wanted.keys().map(|p| file_id(p)).collect();
    let mut seen = HashSet::new();
    let mut out = HashMap::new();
    for path in paths {
        if let Some(ids) = &ids
            && !file_id(Path::new(path)).is_some_and(|id| ids.contains(&id))
        {
            continue;
        }
        if let Some(spelling) = wanted.get(&canon(path))
            && seen.insert(*spelling)
        {
            out.insert(path.to_string(), (*spelling).clone());
        }
    }
    Some(out)
}

/// From the diagnostics of every file (after suppressions and levels) to the outcome:
/// in pre-commit mode only findings in, or with evidence in, the named files (spelt as
/// named); sources read back and checked against `hashes` (source hashes by analysed
/// path), the text of `buffers` (a workspace's overlay) taken as it is; sorted;
/// fingerprints. `counts`: files scanned, files with parse errors.
#[allow(clippy::too_many_arguments)]
fn finish_outcome<'p>(
    mut diagnostics: Vec<Diagnostic>,
    mut hashes: HashMap<String, u64>,
    paths: impl Iterator<Item = &'p str>,
    mut errors: Vec<FileError>,
    counts: (usize, usize),
    mut parse_errors: Vec<ParseErrors>,
    buffers: &HashMap<String, String>,
    options: &Options,
) -> Outcome {
    if let Some(r) = reported_files(paths, options.report_only.as_deref()) {
        // Pre-commit mode: a finding is reported when it or its evidence (the lock, the
        // call chain) is in a named file.
        diagnostics.retain(|d| {
            r.contains_key(&d.file) || d.labels.iter().any(|l| r.contains_key(&l.file))
        });
        for d in &mut diagnostics {
            if let Some(s) = r.get(&d.file) {
                d.file = s.clone();
            }
            for l in &mut d.labels {
                if let Some(s) = r.get(&l.file) {
                    l.file = s.clone();
                }
            }
        }
        for (path, spelling) in &r {
            if let Some(&h) = hashes.get(path) {
                hashes.insert(spelling.clone(), h);
            }
        }
    }
    let hashes: HashMap<&str, u64> = hashes.iter().map(|(p, h)| (p.as_str(), *h)).collect();
    let mut sources = report::sources::load_with(&diagnostics, &hashes, buffers, &mut errors);
    for o in &options.overlay {
        // The in-memory text is what was analysed; on disk the file may differ or
        // not exist.
        let mut names: Vec<&String> = diagnostics
            .iter()
            .flat_map(|d| std::iter::once(&d.file).chain(d.labels.iter().map(|l| &l.file)))
            .filter(|n| o.covers(n))
            .collect();
        names.dedup();
        for name in names {
            errors.retain(|e| !(e.path == *name && e.message == report::sources::CHANGED));
            if let Ok(text) = String::from_utf8(o.text.to_vec()) {
                sources.insert(name.clone(), text);
            }
        }
    }
    let root = options.root.clone().unwrap_or_else(|| PathBuf::from("."));
    parse_errors.sort();
    errors.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    errors.dedup();
    sort_diagnostics(&mut diagnostics);
    baseline::assign(&mut diagnostics, &root, &sources);
    Outcome {
        root,
        files_scanned: counts.0,
        files_with_parse_errors: counts.1,
        parse_errors,
        diagnostics,
        errors,
        sources,
        ..Outcome::default()
    }
}

/// What a whole run's outcome is stored as (see `cache::Cache::put_run`).
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct StoredOutcome {
    /// `FileFacts::source_hash` of the files the diagnostics point into (their text is
    /// read again, and checked, for the report).
    source_hashes: Vec<(String, u64)>,
    diagnostics: Vec<Diagnostic>,
    errors: Vec<FileError>,
    files_scanned: usize,
    files_with_parse_errors: usize,
    parse_errors: Vec<ParseErrors>,
    /// The kernel headers the run read, outside its files or not (`Cache::manifest`):
    /// the outcome holds while they are unchanged.
    headers: Vec<(String, cache::FileStat)>,
}

impl StoredOutcome {
    /// The outcome of this run from a stored one (sources read back and checked).
    fn finish(self, files: &[String], options: &Options) -> Outcome {
        finish_outcome(
            self.diagnostics,
            self.source_hashes.into_iter().collect(),
            files.iter().map(String::as_str),
            self.errors,
            (self.files_scanned, self.files_with_parse_errors),
            self.parse_errors,
            &HashMap::new(),
            options,
        )
    }
}

/// Per file of a run, in order: its content digest and facts fingerprint.
type FileTable = Vec<(u128, u128)>;

/// The last outcome computed over a list of files and options (stored under
/// `cache::Cache::last_run_key`), with what each file was then.
#[derive(serde::Serialize, serde::Deserialize)]
struct LastRun {
    files: FileTable,
    outcome: StoredOutcome,
}

/// The findings of a stored outcome, where one holds for this run: that of an
/// identical run (every file's bytes, the options: the run key, when `all_cached`),
/// else the last run's over the same files when no changed file's facts changed (early
/// cutoff, [`reuse_last_run`]; stored again under this run's key). `compare`: whether
/// this run can be compared with the last, its first pass, and the comparison (made
/// here when not yet).
fn reuse_stored<'f>(
    c: &cache::Cache,
    (run_key, last_key, alt_key): (
        Option<cache::Key>,
        Option<cache::Key>,
        &dyn Fn() -> Option<cache::Key>,
    ),
    all_cached: bool,
    (can_compare, first, compared): (bool, &[FirstPass], &mut Option<Option<Comparison<'f>>>),
    files: &'f [String],
    options: &Options,
    lap: &dyn Fn(&str),
) -> Option<Outcome> {
    let run_key = run_key?;
    if all_cached
        && let Some(stored) = c.get_run::<StoredOutcome>(run_key)
        && c.manifest_holds(&stored.headers)
    {
        lap("outcome of an identical earlier run");
        let mut outcome = stored.finish(files, options);
        outcome.cache_hits = files.len();
        return Some(outcome);
    }
    let last_key = last_key?;
    compare_once(
        compared,
        c,
        (Some(last_key), alt_key),
        can_compare,
        files,
        first,
        options,
    );
    let cmp = compared.as_mut()?;
    if !cmp.as_ref()?.facts_changed.is_empty() {
        return None;
    }
    // The last run of `gfplint check .` over the same files (pre-commit mode's first
    // run after it): its outcome, spelt as this run spells the files. (Not stored as
    // this run's last: later edits slice from that run's program store.)
    let respelt = cmp.as_ref().is_some_and(|c| c.spelt_differently);
    if let Some(c) = cmp.as_mut().filter(|c| c.spelt_differently) {
        c.last.outcome = respelt_undotted(&c.last.outcome, files)?;
        lap("the last `check .` outcome, spelt as named");
    }
    let (stored, table, changed) = cmp.take().and_then(reuse_last_run)?;
    c.put_run(run_key, &stored);
    if !respelt {
        c.put_last(
            last_key,
            &LastRun {
                files: table,
                outcome: stored.clone(),
            },
        );
    }
    lap(&format!(
        "early cutoff: the facts of the {changed} changed files are unchanged, the last outcome is reused"
    ));
    let mut outcome = stored.finish(files, options);
    outcome.cache_hits = files.len() - changed;
    outcome.cache_misses = changed;
    Some(outcome)
}

/// A stored outcome of `gfplint check .` (files spelt `./x.c`) as a run over the same
/// files spelt `x.c` (pre-commit mode) has it: nothing of the analysis depends on the
/// spelling but the paths it shows (findings' places and labels, and paths of the run
/// in their text: a chain's `at ./x.c:12`). `None` when a path is not of that form.
fn respelt_undotted(outcome: &StoredOutcome, files: &[String]) -> Option<StoredOutcome> {
    let run: HashSet<&str> = files.iter().map(String::as_str).collect();
    let path = |p: &str| -> Option<String> {
        let rest = p.strip_prefix("./")?;
        run.contains(rest).then(|| rest.to_string())
    };
    // `./x.c` in text, where `x.c` is a file of the run and `./` starts a word.
    let text = |t: &str| -> String {
        let mut out = String::with_capacity(t.len());
        let mut rest = t;
        while let Some(at) = rest.find("./") {
            let (before, from) = rest.split_at(at);
            out.push_str(before);
            let starts_word = out
                .chars()
                .last()
                .is_none_or(|c| !(c.is_alphanumeric() || "._/-".contains(c)));
            let end = from[2..]
                .find(|c: char| !(c.is_alphanumeric() || "._/-+,".contains(c)))
                .map_or(from.len(), |e| e + 2);
            let candidate = from[2..end].trim_end_matches([',', '.']);
            if starts_word && run.contains(candidate) {
                out.push_str(candidate);
                rest = &from[2 + candidate.len()..];
            } else {
                out.push_str("./");
                rest = &from[2..];
            }
        }
        out.push_str(rest);
        out
    };
    if !outcome.errors.is_empty() {
        return None;
    }
    let mut diagnostics = Vec::with_capacity(outcome.diagnostics.len());
    for d in &outcome.diagnostics {
        let mut d = d.clone();
        d.file = path(&d.file)?;
        for l in &mut d.labels {
            l.file = path(&l.file)?;
            l.message = text(&l.message);
        }
        d.message = text(&d.message);
        d.notes = d.notes.iter().map(|n| text(n)).collect();
        d.help = d.help.as_deref().map(text);
        diagnostics.push(d);
    }
    let mut parse_errors = Vec::with_capacity(outcome.parse_errors.len());
    for p in &outcome.parse_errors {
        parse_errors.push(ParseErrors {
            path: path(&p.path)?,
            ..p.clone()
        });
    }
    let source_hashes = outcome
        .source_hashes
        .iter()
        .map(|(p, h)| Some((path(p)?, *h)))
        .collect::<Option<Vec<_>>>()?;
    Some(StoredOutcome {
        source_hashes,
        diagnostics,
        errors: Vec::new(),
        files_scanned: outcome.files_scanned,
        files_with_parse_errors: outcome.files_with_parse_errors,
        parse_errors,
        headers: outcome.headers.clone(),
    })
}

/// Early cutoff. The whole-program stage and the lints read nothing of a file but its
/// facts and lock states (the report reads its text again, checked against its source
/// hash). A file whose bytes changed but whose facts fingerprint did not (an edit in a
/// comment, or of blanks within a line) therefore changes nothing in a run's outcome
/// except that hash. When every changed file of this run is such a file, the last
/// outcome over the same files and options is this run's: returned with the changed
/// files' new hashes, the new (digest, fingerprint) table and how many files changed.
/// `None` (compute in full) when there is no such outcome, a file could not be read,
/// or any changed file's facts differ.
fn reuse_last_run(c: Comparison) -> Option<(StoredOutcome, FileTable, usize)> {
    if !c.facts_changed.is_empty() {
        return None;
    }
    let changed = c.new_hashes.len();
    let mut outcome = c.last.outcome;
    for (path, hash) in &mut outcome.source_hashes {
        if let Some(&h) = c.new_hashes.get(path.as_str()) {
            *hash = h;
        }
    }
    Some((outcome, c.table, changed))
}

/// This run's files against the last run over the same files and options.
struct Comparison<'f> {
    last: LastRun,
    /// This run's (digest, fingerprint) table.
    table: FileTable,
    /// Source hashes of the files whose bytes changed.
    new_hashes: HashMap<&'f str, u64>,
    /// Files (indices) whose facts changed.
    facts_changed: Vec<u32>,
    /// The key the last run is stored under.
    key: cache::Key,
    /// The last run spelt the files `./x.c` (`gfplint check .`) where this run spells
    /// them `x.c` (pre-commit mode): its findings are not this run's as they are, but
    /// its program store serves a slice.
    spelt_differently: bool,
}

/// `None` when there is no last run over these files, or a file could not be read or
/// has no fingerprint.
fn compare_with_last<'f>(
    cache: &cache::Cache,
    last_key: cache::Key,
    files: &'f [String],
    first: &[FirstPass],
) -> Option<Comparison<'f>> {
    let last: LastRun = cache.get_last(last_key)?;
    // (What it read of the kernel headers changed: its outcome and program store are
    // not this tree's.)
    if last.files.len() != files.len() || !cache.manifest_holds(&last.outcome.headers) {
        return None;
    }
    let mut new_hashes: HashMap<&str, u64> = HashMap::new();
    let mut table = Vec::with_capacity(files.len());
    let mut facts_changed = Vec::new();
    for (fi, ((path, pass), &(old_digest, old_fp))) in
        files.iter().zip(first).zip(&last.files).enumerate()
    {
        let (digest, source_hash, fp) = match pass {
            FirstPass::Cached { digest, .. } if *digest == old_digest => {
                table.push((old_digest, old_fp));
                continue;
            }
            FirstPass::Cached { key, digest } => {
                let (source_hash, fp) = cache.get_with(*key, path, |payload| {
                    let (source_hash, body) = split_local(payload)?;
                    Some((source_hash, cache::content_digest(body)))
                })?;
                (*digest, source_hash, fp)
            }
            FirstPass::Done(r, digest, Some(fp)) => match &**r {
                Ok((facts, _)) => (*digest, facts.source_hash, *fp),
                Err(_) => return None,
            },
            FirstPass::Done(..) => return None,
        };
        if fp != old_fp {
            facts_changed.push(fi as u32);
        }
        if digest != old_digest {
            new_hashes.insert(path, source_hash);
        }
        table.push((digest, fp));
    }
    Some(Comparison {
        last,
        table,
        new_hashes,
        facts_changed,
        key: last_key,
        spelt_differently: false,
    })
}

/// The comparison with the last run (`compare_with_any_last`), made once per run:
/// `compared` holds it from the first call on.
fn compare_once<'f>(
    compared: &mut Option<Option<Comparison<'f>>>,
    c: &cache::Cache,
    (last_key, alt_key): (Option<cache::Key>, &dyn Fn() -> Option<cache::Key>),
    can_compare: bool,
    files: &'f [String],
    first: &[FirstPass],
    options: &Options,
) {
    // (A run that names no files compares with its own last run only.)
    let named = options.report_only.as_ref().map_or(usize::MAX, Vec::len);
    if compared.is_none() {
        *compared = Some(
            last_key
                .filter(|_| can_compare)
                .and_then(|k| compare_with_any_last(c, (k, alt_key), files, first, named)),
        );
    }
}

/// [`compare_with_last`], else (pre-commit mode: `alt_key` gives the key) with the
/// last run of `gfplint check .` over the same files spelt `./x.c`.
fn compare_with_any_last<'f>(
    cache: &cache::Cache,
    (last_key, alt_key): (cache::Key, &dyn Fn() -> Option<cache::Key>),
    files: &'f [String],
    first: &[FirstPass],
    named: usize,
) -> Option<Comparison<'f>> {
    let alt = || {
        let mut cmp = compare_with_last(cache, alt_key()?, files, first)?;
        cmp.spelt_differently = true;
        Some(cmp)
    };
    let Some(own) = compare_with_last(cache, last_key, files, first) else {
        return alt();
    };
    // More changed files than named ones: the own last run may be of a state since
    // reverted (a whole run over an edit undone later); a `gfplint check .` run made
    // since may be closer, and a slice against it smaller.
    if own.facts_changed.len() > named
        && let Some(other) = alt()
        && other.facts_changed.len() < own.facts_changed.len()
    {
        return Some(other);
    }
    Some(own)
}

/// The last-run key of `gfplint check .` over the same files, for a pre-commit run
/// (files spelt `x.c`; that run spells them `./x.c`).
fn dotted_last_key(
    cache: &cache::Cache,
    files: &[String],
    errors: &[FileError],
    options: &Options,
    build: &kbuild::BuildFacts,
) -> Option<cache::Key> {
    options.report_only.as_ref()?;
    let plain = |f: &String| !f.starts_with('/') && !f.starts_with("./") && !f.starts_with("../");
    if !files.iter().all(plain) {
        return None;
    }
    let dotted: Vec<String> = files.iter().map(|f| format!("./{f}")).collect();
    let build_digest = build.digest_prefixed("./");
    Some(cache.last_run_key(&run_inputs(&dotted, None, errors, options, build_digest)))
}

/// Pre-commit mode after an edit that changes some files' facts: the whole-program
/// stage over the slice of the program those edits can affect (`incremental`), the
/// rest taken from the last full run over the same files. The same outcome as a full
/// run (the lints run over the files whose findings can be reported). `None` when the
/// edit cannot be sliced (a header, changed declarations seen elsewhere, a lock
/// wrapper's effect, too large a slice) or something is missing: run in full.
/// With `options.needs_program`, `inspect` (taken) runs on the slice's program: the
/// named files' functions are complete there.
fn sliced_run<T>(
    inputs: SliceInputs,
    inspect: &mut Option<impl FnOnce(&program::Program, &context::Analysis) -> T>,
) -> Result<(Outcome, Option<T>), String> {
    let SliceInputs {
        files,
        cmp,
        cache,
        options,
        lap,
        ..
    } = inputs;
    let wanted = reported_files(
        files.iter().map(String::as_str),
        options.report_only.as_deref(),
    )
    .ok_or("no named files")?;
    let named: Vec<u32> = files
        .iter()
        .enumerate()
        .filter(|(_, p)| wanted.contains_key(p.as_str()))
        .map(|(i, _)| i as u32)
        .collect();
    let store = program_store(cmp, cache, files, options)?;
    lap("program store read");
    let found = slice_findings(inputs, inspect, &store, &named, None)?;
    drop_later(store);
    let by_path: HashMap<&str, u64> = found.hashes.iter().map(|(p, h)| (p.as_str(), *h)).collect();
    let hashes = referenced_hashes(&found.diagnostics, &by_path);
    let outcome = finish_outcome(
        found.diagnostics,
        hashes.into_iter().collect(),
        files.iter().map(String::as_str),
        Vec::new(),
        found.counts,
        found.parse_errors,
        &HashMap::new(),
        options,
    );
    Ok((outcome, found.inspected))
}

/// A whole run (no files named) after edits that only moved code in some `.c` files:
/// each changed file keeps the layout-free digest the last full run saw (lines inserted
/// or removed, comments, indentation: `parse::layout`). Every later stage then sees the
/// same facts up to positions in those files, so the last full run's findings hold
/// except where they show such positions. The findings that name a moved file (as
/// their place, evidence, chain or note) are computed again, over a slice of the
/// program where their files are named (exact there, as in pre-commit mode); the
/// others are the last run's as they are. `Err` (run in full) when a changed file's
/// code changed (or it is a header), or the slice cannot be made.
fn moved_run(inputs: SliceInputs, run_key: Option<cache::Key>) -> Result<Outcome, String> {
    let SliceInputs {
        files,
        cmp,
        cache,
        options,
        lap,
        ..
    } = inputs;
    let last = &cmp.last.outcome;
    inputs.whole_run_from_last()?;
    let store = program_store(cmp, cache, files, options)?;
    for &fi in &cmp.facts_changed {
        let path = &files[fi as usize];
        let digest = inputs.local(fi).map(|(f, _)| f.layout_free_digest);
        let moved = digest.is_some_and(|d| store.only_moved(fi, d));
        if !path.ends_with(".c") || !moved {
            return Err(format!(
                "{} changed more than where its code is",
                report::escape::text(path)
            ));
        }
    }
    // The files whose findings are computed again: the moved ones, and those of the
    // last run's findings that name one (a path in a finding's text is where it shows
    // a position; matched without the line, which may be anything).
    let moved: Vec<&str> = cmp
        .facts_changed
        .iter()
        .map(|&fi| files[fi as usize].as_str())
        .collect();
    let names_moved = |d: &Diagnostic| names_any(d, &moved);
    let index: HashMap<&str, u32> = files
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i as u32))
        .collect();
    let mut named: Vec<u32> = cmp.facts_changed.clone();
    for d in last.diagnostics.iter().filter(|d| names_moved(d)) {
        named.push(
            *index
                .get(d.file.as_str())
                .ok_or("a finding in a file not of the run")?,
        );
    }
    named.sort_unstable();
    named.dedup();
    lap(&format!(
        "moved code in {} files; {} files whose findings are computed again",
        moved.len(),
        named.len()
    ));
    let found = slice_findings(
        inputs,
        &mut None::<fn(&program::Program, &context::Analysis)>,
        &store,
        &named,
        None,
    )?;
    drop_later(store);
    Ok(last_with_slice(inputs, run_key, &named, found))
}

/// Whether a finding names one of `paths`: as its place or a label's, or in its text
/// (where it shows a position; matched without the line, which may be anything).
fn names_any(d: &Diagnostic, paths: &[&str]) -> bool {
    paths.iter().any(|p| {
        d.file == *p
            || d.labels.iter().any(|l| l.file == *p)
            || d.message.contains(p)
            || d.notes.iter().any(|n| n.contains(p))
            || d.help.as_deref().is_some_and(|h| h.contains(p))
    })
}

/// A whole run (no files named) after edits of what some functions of `.c` files do
/// (a body edit: `ProgramStore::edited_functions`; after an edit outside the
/// functions, every function of the file; callers in other files of one whose
/// signature changed are edited in effect). Atomic context, may-sleep and gfp-sink summaries change only along the
/// call graph from the edited functions, so the findings that can change are those
/// that name an affected file (place, chain, label, note), before or after the edit;
/// those in the changed files' directories (per-directory facts); those of callees
/// whose notes on process-context callers may change; those of callers of functions
/// whose gfp sinks changed. They are computed over a slice where their files are
/// named (exact there, as in pre-commit mode), grown while it finds findings in other
/// files that name a changed one; every other finding is the last full run's. `Err`
/// (run in full) where that does not hold:
/// * a function the edit reaches within the chain depth, or whose may-sleep summary it
///   changes, keeps as many atomic reasons as it may (`MAX_REASONS`): a reason the edit
///   adds or removes there decides which others it keeps, and those go further than
///   any chain through the changed files;
/// * an edited function has a directive that outlasts it (`#define`, `#undef`,
///   `#include`, `#line`) or a `__LINE__`;
/// * a lint that reads more than this runs (`alloc-size-overflow` reads every caller's
///   arguments, `needless-gfp-atomic` reachability at any depth);
/// * anything a slice refuses (a header, a changed interface, too large a slice).
fn edited_run(inputs: SliceInputs, run_key: Option<cache::Key>) -> Result<Outcome, String> {
    let SliceInputs {
        files,
        cmp,
        cache,
        knowledge,
        settings,
        options,
        lap,
        ..
    } = inputs;
    let last = &cmp.last.outcome;
    inputs.whole_run_from_last()?;
    for info in [
        &lints::alloc_size_overflow::INFO,
        &lints::needless_gfp_atomic::INFO,
    ] {
        if settings.lints.runs(info) {
            return Err(format!("`{}` runs", info.name));
        }
    }
    if let Some(fi) = cmp
        .facts_changed
        .iter()
        .find(|&&fi| !files[fi as usize].ends_with(".c"))
    {
        return Err(format!(
            "{} is not a .c file",
            report::escape::text(&files[*fi as usize])
        ));
    }
    let store = program_store(cmp, cache, files, options)?;
    let changed: HashSet<u32> = cmp.facts_changed.iter().copied().collect();
    // The edited functions, as the full run had them and as they are.
    let mut edited = incremental::EditedFunctions::default();
    for &fi in &cmp.facts_changed {
        let path = &files[fi as usize];
        let (facts, locks) = inputs.local(fi).ok_or("a changed file's facts")?;
        let effects: rustc_hash::FxHashMap<u32, context::lockstate::LockEffect> =
            wrapper_effects(&facts, &locks, knowledge)
                .into_iter()
                .collect();
        let these = store
            .edited_functions(fi, &facts, &effects)
            .map_err(|why| format!("{}: {why}", report::escape::text(path)))?;
        lap(&format!(
            "{}: {} functions edited or calling edited ones",
            report::escape::text(path),
            these.new.len()
        ));
        edited.extend(these);
    }
    // Functions of other files that call an edited one that reads otherwise to them:
    // edited in effect (what they pass on may change), their files affected.
    edited.external.sort_unstable();
    edited.external.dedup();
    let mut affected: Vec<u32> = cmp.facts_changed.clone();
    for &g in &edited.external {
        let (fi, i) = store.function_id(g);
        if !changed.contains(&fi) {
            edited.old.push(g);
            edited.new.push((fi, i));
            affected.push(fi);
        }
    }
    affected.sort_unstable();
    affected.dedup();
    // (Findings naming one of these may change: the changed files, and those of the
    // functions edited in effect.)
    let changed_paths: Vec<&str> = affected
        .iter()
        .map(|&fi| files[fi as usize].as_str())
        .collect();
    let index: HashMap<&str, u32> = files
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i as u32))
        .collect();
    let file_index = |d: &Diagnostic| -> Result<u32, String> {
        index
            .get(d.file.as_str())
            .copied()
            .ok_or_else(|| "a finding in a file not of the run".to_string())
    };
    // Named: the changed files' `.c` files' directories and the files of the last
    // findings that name a changed file; then those of findings in the edited
    // functions' callees whose notes may change (after a round: the slice tells).
    let function_key = |g: u32| (store.file_of_function(g), store.function_name(g));
    let mut named: rustc_hash::FxHashSet<u32> = store
        .directories_of(&cmp.facts_changed)
        .into_iter()
        .filter(|&fi| files[fi as usize].ends_with(".c"))
        .chain(affected.iter().copied())
        .collect();
    for d in &last.diagnostics {
        let fi = file_index(d)?;
        if names_any(d, &changed_paths) {
            named.insert(fi);
        }
    }
    for round in 0..MAX_SLICE_ROUNDS {
        let mut list: Vec<u32> = named.iter().copied().collect();
        list.sort_unstable();
        lap(&format!(
            "edited code in {} files; {} files whose findings are computed again (round {round}: {})",
            changed.len(),
            list.len(),
            list.iter()
                .take(12)
                .map(|&fi| report::escape::text(&files[fi as usize]))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        let found = slice_findings(
            inputs,
            &mut None::<fn(&program::Program, &context::Analysis)>,
            &store,
            &list,
            Some(&edited),
        )?;
        let audit = found.audit.as_ref().ok_or("no audit of the slice")?;
        lap(&format!(
            "{} functions atomic context may reach through the edit, {} whose may-sleep summary changed",
            audit.reach.len(),
            audit.may_sleep_changed.len()
        ));
        let count = |g: u32| audit.reason_counts.get(&g).copied().unwrap_or(0);
        let max = context::interproc::MAX_REASONS;
        // (Where a path into a function may differ after the edit.)
        let edited_or_resummarised: HashSet<u32> = edited
            .old
            .iter()
            .chain(&audit.may_sleep_changed)
            .chain(&audit.registered_otherwise)
            .copied()
            .collect();
        let distance_of: HashMap<u32, u32> = audit.reach.iter().copied().collect();
        let mut keeps_reasons: HashMap<u32, bool> = HashMap::new();
        for &(g, _) in &audit.reach {
            keeps_capped_reasons(
                g,
                &store,
                audit,
                &distance_of,
                &edited_or_resummarised,
                &mut keeps_reasons,
            );
        }
        for &(g, _) in &audit.reach {
            if !keeps_reasons.get(&g).copied().unwrap_or(false) {
                // (Outside the named files a slice's reasons are those through them
                // only. The full run's reasons there stay, and those through the edit
                // that the slice finds and that are not among them come in addition: a
                // path that passes no edited function was there before, kept or cut
                // upstream by a function that keeps its reasons. One the edit removes
                // still counts: a path the full run kept in its place may take it.)
                let kept = match (
                    named.contains(&store.file_of_function(g)),
                    audit.edit_reasons.get(&g),
                ) {
                    (true, _) => store.reason_count(g).max(count(g)),
                    (false, Some(through)) => {
                        let had = store.reason_keys(g);
                        had.len()
                            + through
                                .iter()
                                .filter(|p| {
                                    !had.contains(&p.key)
                                        && !cut_upstream(p, &store, &keeps_reasons)
                                })
                                .count()
                    }
                    (false, None) => store.reason_count(g) + count(g),
                };
                if kept >= max {
                    return Err(format!(
                        "`{}()`, reached through the edit, keeps as many atomic reasons as it may",
                        report::escape::text(store.function_name(g))
                    ));
                }
            }
        }
        for &g in &audit.may_sleep_changed {
            if g < store.function_count() && (store.reason_count(g).max(count(g)) >= max) {
                return Err(format!(
                    "`{}()` may sleep otherwise after the edit and keeps as many atomic reasons as it may",
                    report::escape::text(store.function_name(g))
                ));
            }
        }
        // Findings elsewhere that now name a changed file, and the last findings in
        // callees whose notes may change: their files are computed again, exactly.
        let mut more = false;
        let mut why: Vec<String> = Vec::new();
        let noted: HashSet<(u32, &str)> = audit
            .note_callees
            .iter()
            .filter(|&&g| g < store.function_count())
            .map(|&g| function_key(g))
            .collect();
        for d in &last.diagnostics {
            let fi = file_index(d)?;
            if !named.contains(&fi) && noted.contains(&(fi, d.function.as_str())) {
                named.insert(fi);
                why.push(format!("{} (notes)", report::escape::text(&d.file)));
                more = true;
            }
        }
        // (A call passing flags that may sleep to a function whose sinks changed.)
        for &g in &audit.sink_callers {
            if g < store.function_count() && named.insert(store.file_of_function(g)) {
                why.push(format!(
                    "{} (gfp sinks)",
                    report::escape::text(&files[store.file_of_function(g) as usize])
                ));
                more = true;
            }
        }
        for d in &found.diagnostics {
            let fi = file_index(d)?;
            if !named.contains(&fi) && names_any(d, &changed_paths) {
                named.insert(fi);
                why.push(format!(
                    "{} (names an edited file)",
                    report::escape::text(&d.file)
                ));
                more = true;
            }
        }
        if more {
            why.truncate(6);
            lap(&format!(
                "round {round} names {} more files: {}",
                named.len() - list.len(),
                why.join(", ")
            ));
        }
        if !more {
            drop_later(store);
            return Ok(last_with_slice(inputs, run_key, &list, found));
        }
    }
    Err("findings naming the edited files keep appearing in other files".into())
}

/// Whether function `g` kept as many atomic reasons as it may in the full run and
/// keeps the same after the edit (memoised in `keeps`): each of them whose chain
/// passes an edited function (or one whose may-sleep summary changed, or a callback
/// registered otherwise: `edited`) is found again by the slice with the same chain,
/// and every other path the edit brings is deeper than all of them. Breadth-first,
/// paths that are there before and after keep their order, and what comes later is
/// not kept. A path the slice finds that a function up its chain which keeps its
/// reasons did not keep is not one the edit brings: the whole run cuts it there.
fn keeps_capped_reasons(
    g: u32,
    store: &incremental::ProgramStore,
    audit: &SliceAudit,
    distance_of: &HashMap<u32, u32>,
    edited: &HashSet<u32>,
    keeps: &mut HashMap<u32, bool>,
) -> bool {
    if let Some(&known) = keeps.get(&g) {
        return known;
    }
    let Some(kept) = store.capped_chains(g) else {
        return false;
    };
    // (Undecided while deciding: a chain through itself does not vouch for it.)
    keeps.insert(g, false);
    let max = context::interproc::MAX_REASONS;
    let no_paths = Vec::new();
    let through = audit.edit_reasons.get(&g).unwrap_or(&no_paths);
    let deepest = kept.iter().map(|k| u32::from(k.depth)).max().unwrap_or(0);
    // (One edited in effect, registered otherwise or resummarised may lose any of its
    // reasons, those that start at it too.)
    let itself = edited.contains(&g);
    let found_again = kept
        .iter()
        .filter(|k| itself || k.on.iter().any(|f| edited.contains(f)))
        .all(|k| through.iter().any(|p| p.chain == k.chain));
    // The slice kept as many as it may, and the same ones: every other path comes
    // after them (the slice's order is the whole run's among the paths it has).
    if audit.slice_chains.get(&g).is_some_and(|chains| {
        chains.len() >= max
            && chains
                .iter()
                .all(|(c, _)| kept.iter().any(|k| k.chain == *c))
    }) && kept.len() >= max
    {
        keeps.insert(g, true);
        return true;
    }
    // Functions up the new paths decided first.
    for p in through {
        for &(u, _) in &p.hops {
            if distance_of.contains_key(&u) {
                keeps_capped_reasons(u, store, audit, distance_of, edited, keeps);
            }
        }
    }
    // (The slice found every path the edit brings where it kept every reason it found.
    // Where it kept as many as it may, those it did not keep come after its last one,
    // breadth-first: no shallower. Else they are at least as deep as the edit is far.)
    let shown = through
        .iter()
        .filter(|p| !kept.iter().any(|k| k.chain == p.chain) && !cut_upstream(p, store, keeps))
        .map(|p| p.depth)
        .min()
        .unwrap_or(u32::MAX);
    let brought = match audit.slice_chains.get(&g) {
        Some(chains) if chains.len() < max => shown,
        Some(chains) => shown.min(chains.iter().map(|&(_, d)| d).max().unwrap_or(0)),
        None => distance_of.get(&g).copied().unwrap_or(0),
    };
    let result = found_again && brought > deepest;
    keeps.insert(g, result);
    result
}

/// Whether a path the slice found passes a function that kept as many reasons as it
/// may, keeps them after the edit (`keeps`: decided for every such function the edit
/// reaches; one it does not reach keeps them), and did not keep this path's reason
/// there: the whole run cuts the path at that function.
fn cut_upstream(
    p: &EditPath,
    store: &incremental::ProgramStore,
    keeps: &HashMap<u32, bool>,
) -> bool {
    p.hops.iter().any(|&(u, chain)| {
        store.capped_chains(u).is_some_and(|kept| {
            keeps.get(&u).copied().unwrap_or(true) && !kept.iter().any(|k| k.chain == chain)
        })
    })
}

/// The last full run's findings outside the `named` files with the slice's findings
/// in them (exact there), stored for an identical later run under `run_key`; the last
/// full run stays what later edits are compared with.
fn last_with_slice<T>(
    inputs: SliceInputs,
    run_key: Option<cache::Key>,
    named: &[u32],
    found: SliceFindings<T>,
) -> Outcome {
    let SliceInputs {
        files,
        cmp,
        cache,
        options,
        ..
    } = inputs;
    let last = &cmp.last.outcome;
    let named_paths: HashSet<&str> = named.iter().map(|&i| files[i as usize].as_str()).collect();
    let mut diagnostics: Vec<Diagnostic> = last
        .diagnostics
        .iter()
        .filter(|d| !named_paths.contains(d.file.as_str()))
        .cloned()
        .collect();
    diagnostics.extend(
        found
            .diagnostics
            .into_iter()
            .filter(|d| named_paths.contains(d.file.as_str())),
    );
    let mut by_path: HashMap<&str, u64> = last
        .source_hashes
        .iter()
        .map(|(p, h)| (p.as_str(), *h))
        .collect();
    // (Files with new bytes and the same facts, a comment edit, keep their findings
    // and show their new text.)
    by_path.extend(cmp.new_hashes.iter().map(|(p, h)| (*p, *h)));
    by_path.extend(found.hashes.iter().map(|(p, h)| (p.as_str(), *h)));
    let hashes = referenced_hashes(&diagnostics, &by_path);
    // An identical run later takes this outcome as it is; the last full run stays what
    // later edits are compared with.
    if let Some(key) = run_key {
        cache.put_run(
            key,
            &StoredOutcome {
                source_hashes: hashes.clone(),
                diagnostics: diagnostics.clone(),
                errors: Vec::new(),
                files_scanned: found.counts.0,
                files_with_parse_errors: found.counts.1,
                parse_errors: found.parse_errors.clone(),
                headers: last.headers.clone(),
            },
        );
    }
    finish_outcome(
        diagnostics,
        hashes.into_iter().collect(),
        files.iter().map(String::as_str),
        Vec::new(),
        found.counts,
        found.parse_errors,
        &HashMap::new(),
        options,
    )
}

/// The last full run's program store (a session keeps it between runs), when it is of
/// these files.
fn program_store(
    cmp: &Comparison,
    cache: &cache::Cache,
    files: &[String],
    options: &Options,
) -> Result<Arc<incremental::ProgramStore>, String> {
    // Kept between runs of one process: the key says which full run stored it.
    let last_key = cmp.key;
    let mut table = last_key.to_le_bytes().to_vec();
    for (digest, fingerprint) in &cmp.last.files {
        table.extend_from_slice(&digest.to_le_bytes());
        table.extend_from_slice(&fingerprint.to_le_bytes());
    }
    let key = cache::content_digest(&table);
    let store = match &options.session {
        Some(session) => session.program_store(key, || cache.get_program(last_key)),
        None => cache.get_program(last_key).map(Arc::new),
    }
    .ok_or("no program store")?;
    if store.file_count() != files.len() {
        return Err("the program store is of other files".into());
    }
    Ok(store)
}

/// What a run over a slice of the program reads: this run's files and their first pass,
/// its comparison with the last full run, the cache, the knowledge and settings.
#[derive(Clone, Copy)]
struct SliceInputs<'a, 'f> {
    files: &'a [String],
    first: &'a [FirstPass],
    cmp: &'a Comparison<'f>,
    cache: &'a cache::Cache,
    knowledge: &'a Knowledge,
    settings: &'a lints::AnalysisSettings,
    options: &'a Options,
    lap: &'a dyn Fn(&str),
}

/// File `fi`'s facts and lock states: as this run parsed them, or from the cache.
fn local_result(
    files: &[String],
    first: &[FirstPass],
    knowledge: &Knowledge,
    cache: &cache::Cache,
    options: &Options,
    fi: u32,
) -> Option<(facts::FileFacts, Vec<context::LockStates>)> {
    let path = &files[fi as usize];
    match &first[fi as usize] {
        FirstPass::Done(r, ..) => r.as_ref().as_ref().ok().cloned(),
        FirstPass::Cached { key, digest } => {
            from_cache(path, *key, *digest, knowledge, Some(cache), options)
                .0
                .ok()
        }
    }
}

impl SliceInputs<'_, '_> {
    /// A file's facts and lock states (`local_result`).
    fn local(&self, fi: u32) -> Option<(facts::FileFacts, Vec<context::LockStates>)> {
        local_result(
            self.files,
            self.first,
            self.knowledge,
            self.cache,
            self.options,
            fi,
        )
    }

    /// Why a whole run cannot start from the last full run's findings, if it cannot:
    /// no changed file or too many, files spelt otherwise, file errors.
    fn whole_run_from_last(&self) -> Result<(), String> {
        let cmp = self.cmp;
        if cmp.facts_changed.is_empty() || cmp.facts_changed.len() > MAX_SLICED_CHANGES {
            return Err("no changed file, or too many".into());
        }
        if cmp.spelt_differently || !cmp.last.outcome.errors.is_empty() {
            return Err("the last run is not of these files as spelt, or had file errors".into());
        }
        Ok(())
    }
}

/// What the lints found over a slice: every finding of its linted files (the exact ones
/// are those in or pointing into the named files), the source hashes of its loaded
/// files, and the run's counts and parse errors (the last run's, with the changed
/// files' own).
struct SliceFindings<T> {
    diagnostics: Vec<Diagnostic>,
    hashes: HashMap<String, u64>,
    counts: (usize, usize),
    parse_errors: Vec<ParseErrors>,
    inspected: Option<T>,
    /// What a whole run after an edit asks of the slice (`edited_run`), when asked.
    audit: Option<SliceAudit>,
}

/// What the atomic reasons of a slice say about the rest of the program, by the full
/// run's function numbers (`edited_run`).
#[derive(Default)]
struct SliceAudit {
    /// How many atomic reasons each function of the slice with any has.
    reason_counts: HashMap<u32, usize>,
    /// Functions outside the changed files that atomic context may reach through
    /// the edit within the chain depth, by the full run's call graph or the new one,
    /// each with its least distance (in calls) from where the edit starts or passes it.
    reach: Vec<(u32, u32)>,
    /// Functions outside the changed files whose may-sleep clauses differ from the
    /// full run's.
    may_sleep_changed: Vec<u32>,
    /// For functions of the slice that the edit reaches: how many atomic reasons the
    /// slice gave them, and the least depth of those whose chain passes an edited
    /// function (`u32::MAX`: none does).
    through_edit: HashMap<u32, (usize, u32)>,
    /// For the same functions: those of their atomic reasons in the slice whose chain
    /// passes an edited function.
    edit_reasons: HashMap<u32, Vec<EditPath>>,
    /// For the same functions: all their atomic reasons in the slice, each as
    /// (`incremental::chain_digest`, depth).
    slice_chains: HashMap<u32, Vec<(u64, u32)>>,
    /// Functions registered as callbacks otherwise than in the full run (in the
    /// changed files' directories).
    registered_otherwise: Vec<u32>,
    /// Direct callers of functions whose gfp sinks differ from the full run's (their
    /// calls passing flags that may sleep are findings that name the sinks).
    sink_callers: Vec<u32>,
    /// Callees of the edited functions whose findings' notes on process-context
    /// callers may change: called or no longer, with a section held or not, or by an
    /// edited function that gained or lost its atomic reasons.
    note_callees: Vec<u32>,
}

/// An atomic reason a slice found through an edit (`SliceAudit::edit_reasons`).
struct EditPath {
    key: u64,
    /// `incremental::chain_digest`.
    chain: u64,
    depth: u32,
    /// Up its chain, each caller made atomic by an earlier hop, with the digest of
    /// that hop's reason there.
    hops: Vec<(u32, u64)>,
}

/// The whole-program stage and the lints over the slice of the program that the
/// changed files (`cmp.facts_changed`) can affect, made exact for the findings in or
/// pointing into the `named` files.
fn slice_findings<T>(
    inputs: SliceInputs,
    inspect: &mut Option<impl FnOnce(&program::Program, &context::Analysis) -> T>,
    store: &incremental::ProgramStore,
    named: &[u32],
    audit: Option<&incremental::EditedFunctions>,
) -> Result<SliceFindings<T>, String> {
    let SliceInputs {
        files,
        first,
        cmp,
        cache,
        knowledge,
        settings,
        options,
        lap,
    } = inputs;
    let last = &cmp.last.outcome;
    if !last.errors.is_empty() || cmp.facts_changed.len() > MAX_SLICED_CHANGES {
        return Err("file errors, or too many changed files".into());
    }
    let local = |fi: u32| local_result(files, first, knowledge, cache, options, fi);
    // The changed files: their new facts must keep what other files read of them.
    let mut changed: Vec<(u32, facts::FileFacts, Vec<context::LockStates>)> = Vec::new();
    let mut new_callees: rustc_hash::FxHashMap<u32, Vec<u32>> = Default::default();
    // Changed files whose static functions came or went: their functions' numbers in
    // the store are by name.
    let mut renumbered: rustc_hash::FxHashMap<u32, incremental::Renumbering> = Default::default();
    let mut new_effects: rustc_hash::FxHashMap<
        u32,
        rustc_hash::FxHashMap<u32, context::lockstate::LockEffect>,
    > = Default::default();
    for &fi in &cmp.facts_changed {
        let (facts, locks) = local(fi).ok_or("a changed file's facts")?;
        let effects: rustc_hash::FxHashMap<u32, context::lockstate::LockEffect> =
            wrapper_effects(&facts, &locks, knowledge)
                .into_iter()
                .collect();
        let Some(r) = store.keeps_interface(fi, &facts, &effects) else {
            return Err(format!(
                "{} changes what other files see of it",
                report::escape::text(&files[fi as usize])
            ));
        };
        if !r.is_identity() {
            renumbered.insert(fi, r);
        }
        new_callees.insert(fi, store.callees_by_name(&facts));
        new_effects.insert(fi, effects);
        changed.push((fi, facts, locks));
    }
    lap("changed files' interfaces checked");
    let changed_files: rustc_hash::FxHashSet<u32> = cmp.facts_changed.iter().copied().collect();
    let new_numbers: rustc_hash::FxHashMap<program::FunctionId, u32> = renumbered
        .iter()
        .flat_map(|(&fi, r)| {
            r.new_to_old
                .iter()
                .enumerate()
                .filter(|(_, old)| old.is_none())
                .map(move |(i, _)| (fi, i as u32))
        })
        .zip(store.function_count()..)
        .collect();
    let named_files: rustc_hash::FxHashSet<u32> = named.iter().copied().collect();
    // Functions that atomic context reaches through a named file: their findings can
    // point there. Found by running the slice, which then grows to make them exact,
    // until no new one appears.
    let mut reached: Vec<u32> = Vec::new();
    // Functions it only passes through: no finding of theirs points there (see below).
    let mut passed: Vec<u32>;
    let mut cached: rustc_hash::FxHashMap<u32, (facts::FileFacts, Vec<context::LockStates>)> =
        changed.into_iter().map(|(fi, f, l)| (fi, (f, l))).collect();
    // The kernel headers an earlier run of this process read, while the run's headers
    // and where it runs are the same.
    let headers_key = {
        let cwd = std::env::current_dir().unwrap_or_default();
        let mut key = format!("{cwd:?}|{:?}", settings.target).into_bytes();
        for (path, (digest, _)) in files.iter().zip(&cmp.table) {
            if path.ends_with(".h") {
                key.extend_from_slice(path.as_bytes());
                key.extend_from_slice(&digest.to_le_bytes());
            }
        }
        cache::content_digest(&key)
    };
    let mut headers = options
        .session
        .as_ref()
        .and_then(|s| s.take_headers(headers_key));
    let mut loaded_in_rounds = 0;
    let mut lent = options
        .session
        .as_ref()
        .map(|s| s.take_declarations())
        .unwrap_or_default();
    // What atomic context may reach through the named files, loaded from the first
    // round (the rounds then only add the callers some of them need).
    passed = store.through_candidates(&cmp.facts_changed, named, &new_callees);
    lap(&format!(
        "{} functions atomic context may reach through the named files",
        passed.len()
    ));
    for round in 0..=MAX_SLICE_ROUNDS {
        let slice = store.slice(&cmp.facts_changed, named, &reached, &passed, &new_callees);
        lap(&format!(
            "slice of {} changed files ({}), round {round}: {} ancestors, {} functions reported, {} more callers, {} passed through, {} files loaded, {} linted",
            cmp.facts_changed.len(),
            cmp.facts_changed
                .iter()
                .take(3)
                .map(|&fi| report::escape::text(&files[fi as usize]))
                .collect::<Vec<_>>()
                .join(", "),
            slice.ancestors,
            slice.reported,
            slice.ring,
            passed.len(),
            slice.loaded.len(),
            slice.linted.len()
        ));
        // Each round loads its slice again: together they must stay below one whole
        // stage.
        loaded_in_rounds += slice.loaded.len();
        if slice.loaded.len() > files.len() / MAX_SLICE_FRACTION {
            return Err("the slice is too large".into());
        }
        if loaded_in_rounds > files.len() {
            return Err("the rounds of slices cost more than the whole stage".into());
        }
        // Facts and lock states of the loaded files (the changed ones as parsed; the
        // others as the full run had them, re-locked with other files' wrappers).
        let mut missing: Vec<u32> = slice
            .loaded
            .iter()
            .copied()
            .filter(|fi| !cached.contains_key(fi))
            .collect();
        // Headers read for their declarations only, as an earlier slice of this
        // session left them (the same facts key: the same facts).
        missing.retain(|&fi| {
            let path = &files[fi as usize];
            let lendable = slice.declarations_only.contains(&fi)
                && matches!(
                    (&first[fi as usize], lent.get(path)),
                    (FirstPass::Cached { key, .. }, Some((k, _))) if k == key
                );
            if lendable && let Some((_, facts)) = lent.remove(path) {
                cached.insert(fi, (facts, Vec::new()));
            }
            !lendable
        });
        let fresh = missing
            .par_iter()
            .map(|&fi| {
                let (mut facts, mut locks) = local(fi)?;
                if let Some(w) = store.wrappers_of(fi) {
                    // (Keyed by the facts fingerprint: the entry the full run stored
                    // holds for this version, whatever comment edits came since.)
                    let path = &files[fi as usize];
                    let fingerprint = cmp.table[fi as usize].1;
                    locks = cache.get(cache.wrapper_key(fingerprint, w), path)?;
                }
                facts.parked_cfgs = None;
                Some((fi, (facts, locks)))
            })
            .collect::<Option<Vec<_>>>()
            .ok_or("a loaded file's facts or re-locked lock states are not cached")?;
        cached.extend(fresh);
        let loaded: Vec<(u32, facts::FileFacts, Vec<context::LockStates>)> = slice
            .loaded
            .iter()
            .filter_map(|fi| {
                let (f, l) = cached.remove(fi)?;
                Some((*fi, f, l))
            })
            .collect();
        lap("slice loaded");
        let (mut cfiles, mut clocks, boundary, stand_ins) = store
            .compact(
                files,
                loaded,
                store.directories_of(&cmp.facts_changed),
                &slice.declarations_only,
                &slice.computed,
                &renumbered,
            )
            .ok_or("the slice's program")?;
        lap("slice: stand-ins");
        // The changed files, locked again with other files' wrappers.
        {
            let program = program::Program::build_calls_only(&cfiles, knowledge);
            let effect = |id: program::FunctionId| match stand_ins.get(&id) {
                Some(&g) => store.wrapper_effect(g),
                None => match new_effects.get(&id.0) {
                    Some(effects) => effects.get(&id.1).cloned(),
                    None => store.wrapper_effect(store.global(id)),
                },
            };
            for &fi in &cmp.facts_changed {
                let extra = wrappers_called(&program, fi, &cfiles[fi as usize], knowledge, effect);
                if extra.is_empty() {
                    continue;
                }
                clocks[fi as usize] = relocked(
                    &files[fi as usize],
                    Some(&cfiles[fi as usize]),
                    (cmp.table[fi as usize].0, Some(cmp.table[fi as usize].1)),
                    knowledge,
                    &extra,
                    Some(cache),
                    options,
                )
                .ok_or("a changed file could not be locked again")?;
            }
        }
        for f in &mut cfiles {
            f.parked_cfgs = None;
        }
        lap("slice: changed files locked again");
        // (The slice's files include what they did in the full run: an edit of a
        // changed file's include lines is not sliced.)
        let includes = |fi: u32| store.includes_of(fi).to_vec();
        let program = program::Program::build_with_includes(&cfiles, knowledge, Some(&includes));
        lap("slice: program index");
        let mut analysis = context::Analysis::run(
            &program,
            clocks,
            &settings.target,
            &settings.build,
            (
                options.summaries.as_deref(),
                headers
                    .take()
                    .unwrap_or_else(|| kernel_headers(Some(cache))),
            ),
            Some(&boundary),
        );
        lap("slice: whole-program context");
        // Function numbers: the full run's, by name in renumbered files; a function
        // new there gets a number after the full run's.
        let global = |id: program::FunctionId| match stand_ins.get(&id) {
            Some(&g) => g,
            None => match renumbered.get(&id.0) {
                Some(r) => match r.new_to_old.get(id.1 as usize).copied().flatten() {
                    Some(old) => store.global((id.0, old)),
                    None => new_numbers.get(&id).copied().unwrap_or(u32::MAX),
                },
                None => store.global(id),
            },
        };
        // A reached function needs the callers that make its atomic reasons exact (a
        // ring of thousands for a core function such as `consume_skb()`) only if one of
        // its findings can point into a named file. Reasons through the named files are
        // all in this slice once every function they pass is loaded; with fewer of them
        // than a function keeps (`MAX_REASONS`), none cut off, the whole run's other
        // reasons can add findings with evidence elsewhere only, which pre-commit mode
        // does not report. So a loaded function with fewer reasons and no finding that
        // names a named file is only passed through; a stand-in is loaded to tell.
        let known: rustc_hash::FxHashSet<u32> = reached.iter().copied().collect();
        // (As the facts spell them, which the findings' labels use.)
        let named_paths: HashSet<&str> = named
            .iter()
            .map(|&fi| cfiles[fi as usize].path.as_str())
            .collect();
        let mut more: Vec<u32> = Vec::new();
        let mut through: Vec<u32> = Vec::new();
        let timings = std::env::var_os("GFPLINT_TIMINGS").is_some();
        // For a function that keeps as many reasons as it may, the slice's reasons are
        // not all the whole run's: what every chain from the named files could bring
        // it, uncapped, decides instead (computed once, when needed).
        let mut from_named: Option<
            rustc_hash::FxHashMap<program::FunctionId, Vec<context::interproc::Bindings>>,
        > = None;
        for &id in analysis.atomic.keys() {
            if named_files.contains(&id.0)
                || changed_files.contains(&id.0)
                || !analysis.reaches_through(id, &named_files)
            {
                continue;
            }
            let g = global(id);
            if known.contains(&g) {
                continue;
            }
            // (A gfp sink in a named file would label a finding here whatever the
            // chain: such a function keeps its callers.)
            let capped = analysis.reasons(id).len() >= context::interproc::MAX_REASONS;
            let passes = !stand_ins.contains_key(&id)
                && (!capped || {
                    let reach = from_named.get_or_insert_with(|| {
                        analysis.reach_from_files(&program, &settings.target, &named_files)
                    });
                    let values = reach.get(&id).map(Vec::as_slice).unwrap_or(&[]);
                    !analysis.may_report_with(&program, &settings.target, id, values)
                })
                && !analysis.sites_of(id).iter().any(|s| match &s.kind {
                    context::interproc::SleepKind::PassesGfp { callee, sink, .. } => {
                        named_files.contains(&callee.0) || named_files.contains(&sink.0.0)
                    }
                    context::interproc::SleepKind::Own(_) => false,
                })
                && !check_functions(&program, &analysis, &cfiles[id.0 as usize], settings, [id])
                    .iter()
                    // (`gfp-param-ignored` names a direct caller, whatever the reasons:
                    // a named file's gfp callees have theirs loaded.)
                    .filter(|d| d.lint != lints::gfp_param_ignored::INFO.name)
                    .any(|d| {
                        d.labels
                            .iter()
                            .any(|l| named_paths.contains(l.file.as_str()))
                    });
            if passes || stand_ins.contains_key(&id) {
                through.push(g);
            } else {
                if timings {
                    eprintln!(
                        "gfplint: timing: slice: `{}` ({}, {} reasons) needs its callers",
                        report::escape::text(&program.function(id).name),
                        report::escape::text(&cfiles[id.0 as usize].path),
                        analysis.reasons(id).len()
                    );
                }
                more.push(g);
            }
        }
        through.sort_unstable();
        let grown = through.iter().any(|g| passed.binary_search(g).is_err());
        passed = through;
        if !more.is_empty() || grown {
            more.sort_unstable();
            reached.extend(more);
            headers = Some(std::mem::take(&mut analysis.headers));
            // The next round starts from this one's files (not those read only for
            // their declarations), without copies.
            drop(program);
            let mut locks = std::mem::take(&mut analysis.locks);
            for &fi in &slice.loaded {
                if !slice.declarations_only.contains(&fi) {
                    let f = std::mem::take(&mut cfiles[fi as usize]);
                    let l = std::mem::take(&mut locks[fi as usize]);
                    cached.insert(fi, (f, l));
                }
            }
            continue;
        }
        // `needless-gfp-atomic` asks whether atomic context reaches a function at any
        // depth, beyond any slice: for the named files' functions that pass
        // GFP_ATOMIC, the full run's reachability with the slice's edges of the
        // changed functions and registrations of their directories.
        let passes_atomic: Vec<program::FunctionId> = named
            .iter()
            .flat_map(|&fi| {
                cfiles[fi as usize]
                    .functions
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| {
                        f.calls
                            .iter()
                            .any(|c| c.args().iter().any(|a| a.contains("GFP_ATOMIC")))
                    })
                    .map(move |(i, _)| (fi, i as u32))
            })
            .collect();
        // Lazy initialisation (`context::once`) asks whether process context reaches a
        // function, and which functions atomic context reaches, at any distance:
        // recomputed the same way for the slice's candidates.
        let once_candidates = context::once::candidates(&program, analysis.atomic.keys().copied());
        if !passes_atomic.is_empty() || !once_candidates.is_empty() {
            let registering = store.directories_of(&cmp.facts_changed);
            let mut new = incremental::NewEdges::default();
            for (callee, list) in analysis.callers.iter() {
                for (caller, call) in list {
                    if !changed_files.contains(&caller.0) {
                        continue;
                    }
                    let (g, c) = (global(*caller), global(callee));
                    new.callees.entry(g).or_default().push(c);
                    if !analysis.locks_of(*caller).at_call(*call).is_empty() {
                        new.held.push(c);
                        new.held_pairs.push((g, c));
                    }
                }
            }
            // Every function of a changed file, old (maybe gone) or new, has the edges
            // found here.
            for &fi in &cmp.facts_changed {
                for i in 0..cfiles[fi as usize].functions.len() {
                    new.callees.entry(global((fi, i as u32))).or_default();
                }
                for g in store.functions_in(fi) {
                    new.callees.entry(g).or_default();
                }
            }
            new.fresh = new_numbers.len() as u32;
            new.entries = context::interproc::entry_points(&program)
                .into_iter()
                .filter(|(_, r)| {
                    matches!(r, context::AtomicReason::Entry { file, .. } if registering.contains(file))
                })
                .map(|(id, _)| global(id))
                .collect();
            new.held_pairs.sort_unstable();
            let changed_fns: rustc_hash::FxHashSet<u32> = new.callees.keys().copied().collect();
            let reach = store.atomic_reachable_after(&changed_fns, &registering, &new);
            for id in passes_atomic {
                match reach.get(global(id) as usize) {
                    Some(true) => analysis.atomic_reachable.insert(id),
                    _ => analysis.atomic_reachable.remove(&id),
                };
            }
            analysis.once_process.clear();
            for id in once_candidates {
                let g = global(id);
                let callees = store.callees_after(g, &changed_fns, &new);
                if let Some(paths) = context::once::guarded_fields(
                    &program,
                    id,
                    |h| callees.contains(&global(h)),
                    |h| reach.get(global(h) as usize).copied().unwrap_or(false),
                ) && store.process_reached_after(g, &changed_fns, &registering, &new)
                {
                    analysis.once_process.insert(id, paths);
                }
            }
        }
        let inspected = match options.needs_program {
            true => inspect.take().map(|f| f(&program, &analysis)),
            false => None,
        };
        let diagnostics: Vec<Diagnostic> = slice
            .linted
            .par_iter()
            .flat_map_iter(|&fi| {
                let facts = &cfiles[fi as usize];
                let mut diags = check_file(&program, &analysis, fi as usize, facts, settings);
                suppress::apply(facts, &mut diags);
                settings.lints.apply(&mut diags);
                diags
            })
            .collect();
        lap("slice: lints");
        // Counts and parse errors of the whole run: the last run's, with the changed
        // files' own.
        // (Spelt as this run spells its files.)
        let last_parse_errors: Vec<ParseErrors> = last
            .parse_errors
            .iter()
            .cloned()
            .map(|mut p| {
                if cmp.spelt_differently
                    && let Some(rest) = p.path.strip_prefix("./")
                {
                    p.path = rest.to_string();
                }
                p
            })
            .collect();
        let mut parse_errors: Vec<ParseErrors> = last_parse_errors
            .iter()
            .filter(|p| {
                !cmp.facts_changed
                    .iter()
                    .any(|&fi| files[fi as usize] == p.path)
            })
            .cloned()
            .collect();
        let mut with_errors = last.files_with_parse_errors;
        for &fi in &cmp.facts_changed {
            let path = &files[fi as usize];
            if last_parse_errors.iter().any(|p| p.path == *path) {
                with_errors -= 1;
            }
            let f = &cfiles[fi as usize];
            if let Some((line, column)) = f.first_parse_error {
                parse_errors.push(ParseErrors {
                    path: path.clone(),
                    line,
                    column,
                    count: f.parse_errors,
                });
            }
            if f.parse_errors > 0 {
                with_errors += 1;
            }
        }
        let hashes: HashMap<String, u64> = slice
            .loaded
            .iter()
            .map(|&fi| {
                let f = &cfiles[fi as usize];
                (f.path.clone(), f.source_hash)
            })
            .collect();
        let audit = audit.map(|edited| {
            let mut out = SliceAudit::default();
            for (id, reasons) in &analysis.atomic {
                if !reasons.is_empty() {
                    out.reason_counts.insert(global(*id), reasons.len());
                }
            }
            // Where atomic context starts or passes because of the edited functions,
            // before or after the edit: those with reasons, the callees of their calls
            // made with a section held, the callbacks registered differently.
            let old_functions: rustc_hash::FxHashSet<u32> = edited.old.iter().copied().collect();
            let new_functions: rustc_hash::FxHashSet<program::FunctionId> =
                edited.new.iter().copied().collect();
            let mut roots: Vec<u32> = old_functions
                .iter()
                .copied()
                .filter(|&g| store.reason_count(g) > 0)
                .collect();
            roots.extend(store.atomic_starts(&old_functions, &Default::default()));
            for id in &new_functions {
                if !analysis.reasons(*id).is_empty() {
                    roots.push(global(*id));
                }
            }
            // Calls of the edited functions, (caller, callee, with a section held),
            // before and after.
            let mut before: HashSet<(u32, u32, bool)> = HashSet::default();
            for &g in &old_functions {
                let held = store.held_callees_of(g);
                for &c in store.callees_of(g) {
                    before.insert((g, c, held.contains(&c)));
                }
            }
            let mut after: HashSet<(u32, u32, bool)> = HashSet::default();
            for (callee, list) in analysis.callers.iter() {
                for (caller, call) in list {
                    if new_functions.contains(caller) {
                        let held = !analysis.locks_of(*caller).at_call(*call).is_empty();
                        after.insert((global(*caller), global(callee), held));
                    }
                }
            }
            roots.extend(
                after
                    .iter()
                    .filter(|(_, _, held)| *held)
                    .map(|&(_, c, _)| c),
            );
            // (Registrations of the changed files' directories: which callback
            // objects are ambiguous is decided per directory.)
            let registering = store.directories_of(&cmp.facts_changed);
            let registered = |g: u32, r: &context::AtomicReason| match r {
                context::AtomicReason::Entry {
                    context,
                    kind,
                    registrar,
                    file,
                    ..
                } if registering.contains(file) => {
                    Some((g, format!("{context} {kind:?} {registrar}")))
                }
                _ => None,
            };
            let old_entries: HashSet<(u32, String)> = store
                .entries()
                .iter()
                .filter_map(|(g, r)| registered(*g, r))
                .collect();
            let new_entries: HashSet<(u32, String)> = context::interproc::entry_points(&program)
                .into_iter()
                .filter_map(|(id, r)| registered(global(id), &r))
                .collect();
            // (Where a reason through the edit starts: an edited function, or a
            // callback registered otherwise.)
            let mut marks: HashSet<u32> = new_functions.iter().map(|&id| global(id)).collect();
            for &(g, _) in old_entries.symmetric_difference(&new_entries) {
                roots.push(g);
                marks.insert(g);
                out.registered_otherwise.push(g);
            }
            roots.retain(|&g| g != u32::MAX);
            roots.sort_unstable();
            roots.dedup();
            let mut new_edges: rustc_hash::FxHashMap<u32, Vec<u32>> = Default::default();
            for (callee, list) in analysis.callers.iter() {
                if !analysis.may_sleep.contains_key(&callee) {
                    continue;
                }
                for (caller, _) in list {
                    if changed_files.contains(&caller.0) {
                        new_edges
                            .entry(global(*caller))
                            .or_default()
                            .push(global(callee));
                    }
                }
            }
            out.reach = store.reach_from(&roots, &cmp.facts_changed, &new_edges);
            let reached: HashSet<u32> = out.reach.iter().map(|&(g, _)| g).collect();
            for (id, reasons) in &analysis.atomic {
                let g = global(*id);
                if !reached.contains(&g) || stand_ins.contains_key(id) {
                    continue;
                }
                let through: Vec<(u32, &context::AtomicReason)> = reasons
                    .iter()
                    .filter_map(|r| {
                        let (depth, on) = incremental::chain_of(&analysis, r);
                        (marks.contains(&g) || on.iter().any(|f| marks.contains(&global(*f))))
                            .then_some((u32::from(depth), r))
                    })
                    .collect();
                let least = through.iter().map(|(d, _)| *d).min().unwrap_or(u32::MAX);
                out.through_edit.insert(g, (reasons.len(), least));
                out.slice_chains.insert(
                    g,
                    reasons
                        .iter()
                        .map(|r| {
                            (
                                incremental::chain_digest(&analysis, global, r),
                                u32::from(incremental::chain_of(&analysis, r).0),
                            )
                        })
                        .collect(),
                );
                out.edit_reasons.insert(
                    g,
                    through
                        .iter()
                        .map(|&(depth, r)| {
                            let mut hops = Vec::new();
                            let mut at = r;
                            while let context::AtomicReason::CalledFromAtomic {
                                caller, via, ..
                            } = at
                                && let Some(next) = analysis.reasons(*caller).get(*via as usize)
                                && hops.len() <= context::interproc::MAX_CHAIN_DEPTH as usize
                            {
                                hops.push((
                                    global(*caller),
                                    incremental::chain_digest(&analysis, global, next),
                                ));
                                at = next;
                            }
                            EditPath {
                                key: incremental::reason_key(global, r),
                                chain: incremental::chain_digest(&analysis, global, r),
                                depth,
                                hops,
                            }
                        })
                        .collect(),
                );
            }
            let mut turned: HashSet<u32> = HashSet::default();
            for id in &new_functions {
                let g = global(*id);
                let had = store.reason_count(g) > 0;
                if had == analysis.reasons(*id).is_empty() {
                    turned.insert(g);
                }
            }
            let mut note_callees: Vec<u32> = before
                .symmetric_difference(&after)
                .map(|&(_, c, _)| c)
                .chain(
                    before
                        .iter()
                        .chain(&after)
                        .filter(|(f, _, _)| turned.contains(f))
                        .map(|&(_, c, _)| c),
                )
                .filter(|&c| c != u32::MAX)
                .collect();
            note_callees.sort_unstable();
            note_callees.dedup();
            out.note_callees = note_callees;
            // (May-sleep clauses as sets of sets of tests: the order they were found
            // in is the slice's.)
            let normal = |clauses: Option<&Vec<context::interproc::Clause>>| {
                let mut all: Vec<context::interproc::Clause> = clauses
                    .into_iter()
                    .flatten()
                    .map(|c| {
                        let mut c = c.clone();
                        c.sort_unstable();
                        c
                    })
                    .collect();
                all.sort_unstable();
                all.dedup();
                all
            };
            for &fi in &slice.loaded {
                if slice.declarations_only.contains(&fi) {
                    continue;
                }
                for i in 0..cfiles[fi as usize].functions.len() {
                    let id = (fi, i as u32);
                    // (Only what the slice computed: stand-ins and loaded functions no
                    // change can affect carry the full run's results.)
                    if stand_ins.contains_key(&id) || boundary.given.contains(&id) {
                        continue;
                    }
                    let g = global(id);
                    if !changed_files.contains(&fi)
                        && normal(analysis.may_sleep.get(&id))
                            != normal(store.stored_may_sleep(g).as_ref())
                    {
                        out.may_sleep_changed.push(g);
                    }
                    // (Which parameter reaches an allocation in which function: a
                    // finding at a caller shows where that allocation is, so one that
                    // moved within an edited function names a changed file anyway.)
                    let mut sinks: Vec<(u32, u32)> = analysis
                        .gfp_sinks
                        .get(&id)
                        .into_iter()
                        .flatten()
                        .map(|&(p, (f, _))| (p, global(f)))
                        .collect();
                    let mut stored: Vec<(u32, u32)> = store
                        .stored_gfp_sinks(g)
                        .into_iter()
                        .map(|(p, (f, _))| (p, f))
                        .collect();
                    sinks.sort_unstable();
                    sinks.dedup();
                    stored.sort_unstable();
                    stored.dedup();
                    if sinks != stored {
                        out.sink_callers.extend(store.callers_of(g));
                        out.sink_callers.extend(
                            analysis
                                .callers
                                .of(id)
                                .iter()
                                .map(|&(caller, _)| global(caller)),
                        );
                    }
                }
            }
            out
        });
        analysis.headers.save_records();
        if let Some(session) = &options.session {
            session.keep_headers(headers_key, std::mem::take(&mut analysis.headers));
        }
        // Freeing the slice's program is not the reader's wait.
        drop(program);
        if let Some(session) = &options.session {
            let mut kept = rustc_hash::FxHashMap::default();
            for &fi in &slice.declarations_only {
                if let FirstPass::Cached { key, .. } = &first[fi as usize] {
                    let mut facts = std::mem::take(&mut cfiles[fi as usize]);
                    // (Its functions here are the slice's stand-ins.)
                    facts.functions = Vec::new();
                    kept.insert(facts.path.clone(), (*key, facts));
                }
            }
            session.keep_declarations(kept);
        }
        drop_later((cfiles, analysis, boundary, stand_ins, cached));
        return Ok(SliceFindings {
            diagnostics,
            hashes,
            counts: (last.files_scanned, with_errors),
            parse_errors,
            inspected,
            audit,
        });
    }
    Err("atomic context reaches too far through the named files".into())
}

/// Drops `value` on another thread: freeing a program of tens of thousands of files
/// takes tens of milliseconds that a waiting reader (an editor, a hook) need not wait.
pub(crate) fn drop_later<T: Send + 'static>(value: T) {
    // (When no thread can be made, the closure and `value` are dropped here.)
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// At most this many files with changed facts are sliced (pre-commit mode).
const MAX_SLICED_CHANGES: usize = 64;
/// Rounds of growing a slice to what atomic context reaches through the named files.
const MAX_SLICE_ROUNDS: usize = 4;
/// A slice loading more than 1/this of the run's files is not worth it (measured on
/// the 6.12 tree: a slice of a quarter of the files takes a third of the whole
/// stage's time and memory).
const MAX_SLICE_FRACTION: usize = 2;

/// The source hashes of the files `diagnostics` point into, sorted.
fn referenced_hashes(
    diagnostics: &[Diagnostic],
    hashes: &HashMap<&str, u64>,
) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = diagnostics
        .iter()
        .flat_map(|d| std::iter::once(&d.file).chain(d.labels.iter().map(|l| &l.file)))
        .filter_map(|f| Some((f.clone(), *hashes.get(f.as_str())?)))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A file after the first pass: its facts are in the cache (not loaded yet), or it was
/// analysed (or could not be read). Short-lived, one per file: the size difference
/// between variants costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
enum FirstPass {
    Cached {
        key: cache::Key,
        digest: u128,
    },
    /// The result, the file's content digest, and its facts fingerprint (see
    /// [`encode_local`]; known when the result went to the cache).
    /// (Boxed: most of a run's files are `Cached`, a few words each.)
    Done(Box<LocalResult>, u128, Option<u128>),
}

/// Reads and hashes a file; analyses it now unless the cache holds its facts (the
/// bytes are then dropped: loading waits until it is known whether the whole run's
/// outcome is cached).
/// The `stat`s a long-lived caller's last run saw (`Options::trust_stats`), and those
/// this run takes.
struct StatMemo {
    known: Option<Arc<rustc_hash::FxHashMap<String, cache::FileStat>>>,
    seen: std::sync::Mutex<Vec<(String, cache::FileStat)>>,
    /// Whether to keep the `stat`s taken (only a session uses them).
    record: bool,
}

impl StatMemo {
    fn stat(&self, path: &str) -> Option<cache::FileStat> {
        if let Some(s) = self.known.as_ref().and_then(|k| k.get(path)) {
            return Some(*s);
        }
        let s = cache::FileStat::now(&std::fs::metadata(path).ok()?);
        if self.record {
            self.seen
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push((path.to_string(), s));
        }
        Some(s)
    }
}

/// Called once when a run has parsed [`BULK_PARSE_FILES`] files: the binary sets it to
/// let its allocator keep freed pages a while (mimalloc's purge delay). A bulk parse
/// frees and allocates a tree per file; returning the pages to the system at once cost
/// a `drivers/net` run 5 to 8 % of its wall time in `madvise` and TLB shootdowns, for
/// 2 to 4 % less peak memory. Runs that parse a few files (pre-commit, editors) keep
/// returning pages at once.
pub static ON_BULK_PARSE: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// How many parsed files make a run a bulk parse ([`ON_BULK_PARSE`]).
pub const BULK_PARSE_FILES: usize = 200;

static FILES_PARSED: AtomicUsize = AtomicUsize::new(0);

/// Counts a parse; the [`BULK_PARSE_FILES`]th calls [`ON_BULK_PARSE`].
fn note_parse() {
    if FILES_PARSED.fetch_add(1, Ordering::Relaxed) + 1 == BULK_PARSE_FILES
        && let Some(hook) = ON_BULK_PARSE.get()
    {
        hook();
    }
}

fn first_pass(
    path: &str,
    knowledge: &Knowledge,
    cache: Option<&cache::Cache>,
    options: &Options,
    stats: &StatMemo,
    recorded: Option<&(String, cache::FileStat)>,
) -> FirstPass {
    let overlaid = options.overlay_of(path).is_some();
    // A file whose metadata is as recorded is not even read (an overlaid one is not
    // read from disk at all).
    let meta = cache.filter(|_| !overlaid).and_then(|_| stats.stat(path));
    if let (Some(c), true) = (cache, overlaid) {
        match recorded {
            Some(r) => c.keep_known_entry(r.clone()),
            None => c.keep_recorded(path),
        }
    }
    if let (Some(c), Some(m)) = (cache, &meta)
        && let Some(digest) = c.known_digest(path, m)
    {
        let key = c.file_key(digest);
        if c.contains(key) {
            return FirstPass::Cached { key, digest };
        }
    }
    let bytes = match source_bytes(path, options) {
        Ok(b) => b,
        Err(e) => return FirstPass::Done(Box::new(Err(e)), 0, None),
    };
    let digest = cache::content_digest(&bytes);
    let Some(cache) = cache else {
        note_parse();
        return FirstPass::Done(
            Box::new(analyse_bytes_keeping(
                path,
                bytes,
                knowledge,
                &HashMap::new(),
                options.config.as_deref(),
                true,
            )),
            digest,
            None,
        );
    };
    if let Some(m) = &meta {
        cache.record_digest(path, m, digest);
    }
    let key = cache.file_key(digest);
    if cache.contains(key) {
        return FirstPass::Cached { key, digest };
    }
    cache.note_miss();
    note_parse();
    let result = analyse_bytes_keeping(
        path,
        bytes,
        knowledge,
        &HashMap::new(),
        options.config.as_deref(),
        true,
    );
    let fingerprint = store_facts(cache, key, path, &result);
    FirstPass::Done(Box::new(result), digest, fingerprint)
}

/// A file's facts and lock states from the cache; when the entry turns out damaged,
/// the file is analysed again (and the entry rewritten).
fn from_cache(
    path: &str,
    key: cache::Key,
    digest: u128,
    knowledge: &Knowledge,
    cache: Option<&cache::Cache>,
    options: &Options,
) -> (LocalResult, u128, Option<u128>) {
    if let Some(c) = cache
        && let Some((facts, locks, fingerprint)) =
            c.get_with(key, path, |payload| decode_local(path, payload))
    {
        return (Ok((facts, locks)), digest, Some(fingerprint));
    }
    let bytes = match source_bytes(path, options) {
        Ok(b) => b,
        Err(e) => return (Err(e), digest, None),
    };
    let digest = cache::content_digest(&bytes);
    let result = analyse_bytes_keeping(
        path,
        bytes,
        knowledge,
        &HashMap::new(),
        options.config.as_deref(),
        true,
    );
    let fingerprint = cache.and_then(|c| store_facts(c, c.file_key(digest), path, &result));
    (result, digest, fingerprint)
}

/// Stores a file's stage-1 result; returns its facts fingerprint.
fn store_facts(
    cache: &cache::Cache,
    key: cache::Key,
    path: &str,
    result: &LocalResult,
) -> Option<u128> {
    let (facts, locks) = result.as_ref().ok()?;
    let (payload, fingerprint) = encode_local(facts, locks)?;
    cache.put_bytes(key, path, &payload);
    Some(fingerprint)
}

/// A file's stage-1 result as a cache entry's payload: its source hash, then its facts
/// without path and source hash (entries are content-addressed) and its lock states.
/// The digest of that second part is the file's *facts fingerprint*: two versions of a
/// file with the same fingerprint give every later stage the same input.
fn encode_local(
    facts: &facts::FileFacts,
    locks: &[context::LockStates],
) -> Option<(Vec<u8>, u128)> {
    let stripped = facts::FileFacts {
        path: String::new(),
        source_hash: 0,
        parked_cfgs: None,
        ..facts.clone()
    };
    let body = postcard::to_stdvec(&(stripped, locks)).ok()?;
    let fingerprint = cache::content_digest(&body);
    let mut payload = postcard::to_stdvec(&facts.source_hash).ok()?;
    payload.extend_from_slice(&body);
    Some((payload, fingerprint))
}

/// The facts (of the file at `path`), lock states and facts fingerprint of a payload
/// of [`encode_local`].
fn decode_local(
    path: &str,
    payload: &[u8],
) -> Option<(facts::FileFacts, Vec<context::LockStates>, u128)> {
    let (source_hash, body) = split_local(payload)?;
    let (mut facts, locks) =
        postcard::from_bytes::<(facts::FileFacts, Vec<context::LockStates>)>(body).ok()?;
    facts.path = path.to_string();
    facts.source_hash = source_hash;
    Some((facts, locks, cache::content_digest(body)))
}

/// The source hash and the body (facts and lock states) of a payload of
/// [`encode_local`].
fn split_local(payload: &[u8]) -> Option<(u64, &[u8])> {
    postcard::take_from_bytes::<u64>(payload).ok()
}

/// Everything a run's outcome depends on besides the knowledge and the engine (which
/// every key holds): the files as named and their bytes' digests, discovery errors,
/// and the options that shape findings and their paths. Not the named files of
/// pre-commit mode: the stored outcome is the one before that filter.
///
/// Without `first`, the same without the files' digests (the key of the last outcome
/// over these files, for the early cutoff).
/// The process's resident memory now and at its peak (Linux; empty elsewhere), for
/// `GFPLINT_TIMINGS`.
pub(crate) fn memory_now() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kib| kib / 1024)
    };
    #[cfg(feature = "heap-count")]
    let live = heap_count::report();
    #[cfg(not(feature = "heap-count"))]
    let live = String::new();
    format!(
        "{live} (resident {} MiB, peak {} MiB)",
        field("VmRSS:"),
        field("VmHWM:")
    )
}

fn run_inputs(
    files: &[String],
    first: Option<&[FirstPass]>,
    errors: &[FileError],
    options: &Options,
    build_digest: u128,
) -> Vec<u8> {
    let mut out = build_digest.to_le_bytes().to_vec();
    for (i, f) in files.iter().enumerate() {
        out.extend_from_slice(f.as_bytes());
        out.push(0);
        if let Some(pass) = first.and_then(|first| first.get(i)) {
            let digest = match pass {
                FirstPass::Cached { digest, .. } | FirstPass::Done(_, digest, _) => *digest,
            };
            out.extend_from_slice(&digest.to_le_bytes());
        }
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    out.extend_from_slice(
        format!(
            "{errors:?}|{:?}|{:?}|{:?}|{:?}|{cwd:?}|{:?}",
            options.levels,
            options.enable,
            options.root,
            options.target,
            (
                options.summaries.as_ref().map(|s| s.checksum),
                options.analysis_only
            )
        )
        .as_bytes(),
    );
    out
}

/// The lock states of the file at `path` (whose bytes had `digest`, and its facts
/// `fingerprint`) with `extra` wrappers from other files: from the cache, else from the
/// CFGs `parked` in its facts, else by analysing the file again; `None` when the file
/// cannot be read again or changed meanwhile.
///
/// Cached under the facts fingerprint, not the bytes: versions of a file with the same
/// facts (comment edits, which the early cutoff passes over) share the entry, so a
/// slice after any number of them still finds it.
fn relocked(
    path: &str,
    parked: Option<&facts::FileFacts>,
    (digest, fingerprint): (u128, Option<u128>),
    knowledge: &Knowledge,
    extra: &HashMap<String, context::lockstate::LockEffect>,
    cache: Option<&cache::Cache>,
    options: &Options,
) -> Option<Vec<context::LockStates>> {
    let key = cache
        .zip(fingerprint)
        .map(|(c, fp)| c.wrapper_key(fp, incremental::wrappers_digest(extra)));
    if let (Some(c), Some(key)) = (cache, key)
        && let Some(locks) = c.get::<Vec<context::LockStates>>(key, path)
    {
        return Some(locks);
    }
    let locks = match parked.and_then(|f| context::local::relock_parked(f, knowledge, extra)) {
        Some(locks) => locks,
        None => {
            let bytes = source_bytes(path, options).ok()?;
            if cache::content_digest(&bytes) != digest {
                return None;
            }
            analyse_bytes(path, bytes, knowledge, extra, options.config.as_deref())
                .ok()?
                .1
        }
    };
    if let (Some(c), Some(key)) = (cache, key) {
        c.put(key, path, &locks);
    }
    Some(locks)
}

/// A file's bytes: the overlay's text when it covers the file (`--stdin-filename`),
/// else read from disk.
fn source_bytes(path: &str, options: &Options) -> Result<Vec<u8>, FileError> {
    match options.overlay_of(path) {
        Some(o) => Ok(o.text.as_ref().clone()),
        None => parse::read_source(path),
    }
}

/// The kernel tree's headers for a run: with a facts cache, their scans are kept there
/// between runs.
fn kernel_headers(cache: Option<&cache::Cache>) -> context::headers::KernelHeaders {
    match cache {
        Some(c) => {
            context::headers::KernelHeaders::with_records(c.file_records(b"kernel header scans"))
        }
        None => Default::default(),
    }
}

/// Parse, extract facts, compute lock states (with `extra` wrappers from other files),
/// and drop the CFGs.
fn analyse_bytes(
    path: &str,
    bytes: Vec<u8>,
    knowledge: &Knowledge,
    extra: &HashMap<String, context::lockstate::LockEffect>,
    config: Option<&sparse::Macros>,
) -> LocalResult {
    analyse_bytes_keeping(path, bytes, knowledge, extra, config, false)
}

/// [`analyse_bytes`]; with `park`, the CFGs are kept encoded in the facts
/// (`FileFacts::parked_cfgs`) for the cross-file lock-wrapper stage.
fn analyse_bytes_keeping(
    path: &str,
    bytes: Vec<u8>,
    knowledge: &Knowledge,
    extra: &HashMap<String, context::lockstate::LockEffect>,
    config: Option<&sparse::Macros>,
    park: bool,
) -> LocalResult {
    let mut facts = parse::facts_from_bytes_in(path, bytes, knowledge, config)?;
    let locks = context::local::file_locks(&facts, knowledge, extra);
    if park {
        context::local::park_cfgs(&mut facts);
    } else {
        context::local::drop_cfgs(&mut facts);
    }
    // What is kept for the whole run was allocated interleaved with what was just
    // freed (CFGs, intermediate strings); copying it packs it into fresh pages so the
    // allocator can return the old ones (-N MB peak on drivers/, see README).
    let (facts, locks) = (facts.clone(), locks.clone());
    Ok((facts, locks))
}

/// Files that call a lock wrapper defined in another file, with those wrappers' effects.
/// The files that call a lock wrapper defined in another file, with those wrappers'
/// effects; and every wrapper's effect as other files see it.
type WrapperUse = (
    Vec<(usize, HashMap<String, context::lockstate::LockEffect>)>,
    rustc_hash::FxHashMap<program::FunctionId, context::lockstate::LockEffect>,
);

/// Files that call a lock wrapper defined in another file, with those wrappers' effects.
fn cross_file_wrappers(
    all_facts: &[facts::FileFacts],
    locks: &[Vec<context::LockStates>],
    knowledge: &Knowledge,
) -> WrapperUse {
    let program = program::Program::build_calls_only(all_facts, knowledge);
    let mut effects = rustc_hash::FxHashMap::default();
    for (fi, file_locks) in locks.iter().enumerate() {
        for (i, e) in wrapper_effects(&all_facts[fi], file_locks, knowledge) {
            effects.insert((fi as u32, i), e);
        }
    }
    if effects.is_empty() {
        return (Vec::new(), effects);
    }
    let mut out = Vec::new();
    for (fi, file) in all_facts.iter().enumerate() {
        let extra = wrappers_called(&program, fi as u32, file, knowledge, |id| {
            effects.get(&id).cloned()
        });
        if !extra.is_empty() {
            out.push((fi, extra));
        }
    }
    (out, effects)
}

/// A file's functions' effects on their callers' sections, as another file's lock
/// states take them (by function index; only functions that have one).
fn wrapper_effects(
    file: &facts::FileFacts,
    locks: &[context::LockStates],
    knowledge: &Knowledge,
) -> Vec<(u32, context::lockstate::LockEffect)> {
    let mut out = Vec::new();
    for (i, l) in locks.iter().enumerate() {
        let f = &file.functions[i];
        if knowledge.describes_api(&f.name) {
            continue;
        }
        let e = match f.conditional {
            true => l.effect().of_variant(),
            false => l.effect(),
        };
        if !e.is_empty() {
            out.push((i as u32, e));
        }
    }
    out
}

/// The lock wrappers of other files that `file` (index `fi`) calls, with their effects
/// (`effect`: a function's effect, if it has one).
fn wrappers_called(
    program: &program::Program,
    fi: u32,
    file: &facts::FileFacts,
    knowledge: &Knowledge,
    effect: impl Fn(program::FunctionId) -> Option<context::lockstate::LockEffect>,
) -> HashMap<String, context::lockstate::LockEffect> {
    let mut extra = HashMap::new();
    for c in file.functions.iter().flat_map(|f| f.calls.iter()) {
        if c.indirect
            || knowledge.call_lock_op(c).is_some()
            || extra.contains_key(c.callee.as_str())
        {
            continue;
        }
        if let Some(id) = program.resolve(fi, &c.callee)
            && id.0 != fi
            && let Some(e) = effect(id)
        {
            extra.insert(c.callee.to_string(), e);
        }
    }
    extra
}

/// Runs the lints over one file's functions.
pub fn check_file(
    program: &program::Program,
    analysis: &context::Analysis,
    file_index: usize,
    facts: &facts::FileFacts,
    settings: &lints::AnalysisSettings,
) -> Vec<Diagnostic> {
    let ids = (0..facts.functions.len() as u32).map(|i| (file_index as u32, i));
    let mut out = check_functions(program, analysis, facts, settings, ids);
    // A file built for one architecture only is checked with its page size.
    let page_note = settings.for_file(&facts.path).and_then(|o| {
        let b = settings.build.get(&facts.path)?;
        Some(format!(
            "page size {} KiB: this file builds only for {} (it needs {}), where that is the default (a configuration may choose another)",
            o.target.page_size() / 1024,
            b.arch.as_deref().unwrap_or("one architecture"),
            b.requires.join(", ")
        ))
    });
    if let Some(note) = page_note {
        for d in out.iter_mut().filter(|d| lints::uses_page_size(d.lint)) {
            d.notes.push(note.clone());
        }
    }
    out
}

/// Runs the lints over some functions (`ids`) of one file (`facts`), with the file's
/// own target where it builds for one architecture only.
fn check_functions(
    program: &program::Program,
    analysis: &context::Analysis,
    facts: &facts::FileFacts,
    settings: &lints::AnalysisSettings,
    ids: impl IntoIterator<Item = program::FunctionId>,
) -> Vec<Diagnostic> {
    let own = settings.for_file(&facts.path);
    let settings = own.as_ref().unwrap_or(settings);
    let mut out = Vec::new();
    for id in ids {
        let function = &facts.functions[id.1 as usize];
        let cx = lints::FunctionCx {
            program,
            analysis,
            id,
            file: facts,
            function,
            locks: analysis.locks_of(id),
            knowledge: program.knowledge,
            settings,
        };
        lints::check_function(&cx, &mut out);
    }
    out
}

pub fn sort_diagnostics(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// The whole analysis on bytes in memory, as a one-file run: facts, lock states,
/// program, context, lints; diagnostics sorted. For the fuzz target and robustness tests.
///
/// Runs on a thread of its own with [`WORKER_STACK`], like `check_files`: the CFG
/// builder's bounded recursion needs 1–2 MB in debug builds at `MAX_NESTING`, more than
/// a test thread's default 2 MB leaves spare. A panic is passed on to the caller.
pub fn check_source(path: &str, bytes: Vec<u8>) -> Result<Vec<Diagnostic>, FileError> {
    let run = move || {
        let knowledge = Knowledge::builtin();
        let mut facts = parse::facts_from_bytes(path, bytes, knowledge)?;
        let locks = context::local::file_locks(&facts, knowledge, &HashMap::new());
        context::local::drop_cfgs(&mut facts);
        let files = [facts];
        let program = program::Program::build(&files, knowledge);
        let settings = Options::default().settings();
        let analysis = context::Analysis::run(
            &program,
            vec![locks],
            &settings.target,
            &settings.build,
            (None, Default::default()),
            None,
        );
        let mut diagnostics = check_file(&program, &analysis, 0, &files[0], &settings);
        sort_diagnostics(&mut diagnostics);
        Ok(diagnostics)
    };
    std::thread::scope(|s| {
        let worker = std::thread::Builder::new()
            .stack_size(WORKER_STACK)
            .spawn_scoped(s, run);
        match worker {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(e) => Err(FileError {
                path: path.into(),
                message: format!("cannot start a worker thread: {e}"),
            }),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic(file: &str, label: &str, message: &str) -> Diagnostic {
        Diagnostic {
            lint: lints::atomic_sleeping_call::INFO.name,
            severity: diagnostic::Severity::Error,
            file: file.into(),
            span: facts::Span::default(),
            function: "f".into(),
            message: message.into(),
            labels: vec![diagnostic::Label {
                file: label.into(),
                span: facts::Span::default(),
                message: "taken here".into(),
            }],
            notes: vec![format!(
                "also: `g()` at {label}:3, not ../{label} or x./{label}"
            )],
            help: None,
            fingerprint: String::new(),
            fix: None,
        }
    }

    fn outcome(diagnostics: Vec<Diagnostic>) -> StoredOutcome {
        StoredOutcome {
            source_hashes: vec![("./a/x.c".into(), 1)],
            diagnostics,
            errors: Vec::new(),
            files_scanned: 2,
            files_with_parse_errors: 0,
            parse_errors: Vec::new(),
            headers: Vec::new(),
        }
    }

    #[test]
    fn a_dotted_outcome_is_respelt_only_where_it_names_files_of_the_run() {
        let files = ["a/x.c".to_string(), "b/y.c".to_string()];
        let dotted = outcome(vec![diagnostic(
            "./a/x.c",
            "./b/y.c",
            "`g()` is called from `h()` at ./b/y.c:7, (see ./b/y.c, ./c/z.c:1)",
        )]);
        let r = respelt_undotted(&dotted, &files).unwrap();
        let d = &r.diagnostics[0];
        assert_eq!(
            (d.file.as_str(), d.labels[0].file.as_str()),
            ("a/x.c", "b/y.c")
        );
        assert_eq!(
            d.message,
            "`g()` is called from `h()` at b/y.c:7, (see b/y.c, ./c/z.c:1)"
        );
        assert_eq!(
            d.notes[0],
            "also: `g()` at b/y.c:3, not .././b/y.c or x././b/y.c"
        );
        assert_eq!(r.source_hashes, vec![("a/x.c".to_string(), 1)]);
        // A place outside the run's files: not respelt, not reused.
        let outside = outcome(vec![diagnostic("./c/z.c", "./b/y.c", "m")]);
        assert!(respelt_undotted(&outside, &files).is_none());
    }
}
