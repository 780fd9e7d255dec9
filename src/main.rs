//! The command line. Parses arguments, runs the library, prints, sets the exit status:
//! 0 no error finding, 1 an error finding (a `deny` lint) remains, 2 usage or
//! configuration error, or nothing could be checked.
//!
//! In the pipeline (stage *cli*, `src/main.rs`, `src/cli/`): clap; finds the project
//! root (`src/root.rs`: `gfplint.toml`, else `.git`, else a kernel tree's top; stops at
//! the first, at `GIT_CEILING_DIRECTORIES` and `$HOME`), the config and the cache
//! directory, picks pre-commit (context) mode (`--force-exclude`: named paths the
//! excludes match are skipped), progress line, baseline files; `cli/`: lint selection
//! flags over the config levels, summary, statistics, colour; exit status 0 (no error
//! finding) / 1 (an error finding) / 2 (usage, config, missing path)
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// mimalloc for Rust allocations: the facts of every file stay alive across the run
/// while tree-sitter allocates and frees each file's tree in the C heap; with both in
/// glibc's heap, fragmentation made malloc the top cost (perf: +60 % CPU over the
/// parse-only floor on drivers/net/ethernet, most of it in _int_malloc and
/// malloc_consolidate).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(all(feature = "heap-count", not(feature = "mimalloc")))]
#[global_allocator]
static GLOBAL: gfplint::heap_count::Counting = gfplint::heap_count::Counting;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

mod cli;

use gfplint::config::{Config, Level, default_level};
use gfplint::diagnostic::Severity;
use gfplint::report::escape;
use gfplint::report::{self, Format};

#[derive(Parser)]
#[command(
    name = "gfplint",
    version,
    about = "Finds sleeping allocations in atomic context and misfit allocation APIs in Linux kernel C"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check every .c and .h file under the given paths.
    Check(Box<CheckArgs>),
    /// List the lints with their default level.
    Lints,
    /// Print a lint's documentation.
    Explain {
        /// The lint's name, e.g. atomic-sleeping-gfp.
        lint: String,
    },
    /// Run the language server on stdin/stdout (editors start it; see README).
    Lsp,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Print a manual page (roff) on stdout: gfplint(1), or gfplint-SUBCOMMAND(1).
    Man {
        /// A subcommand (`check`) for its own page with all its options.
        subcommand: Option<String>,
    },
    /// Print the size model's results as tab-separated lines (for bench/btf-sizes.sh,
    /// bench/gen-type-layouts.sh and bench/size-coverage.sh): allocation sizes by
    /// default; with several kinds selected, each line starts with its kind.
    #[command(hide = true)]
    DebugSizes {
        /// Files or directories.
        paths: Vec<String>,
        /// Print allocation sizes (the default when nothing else is selected).
        #[arg(long)]
        allocations: bool,
        /// Print struct and union layouts.
        #[arg(long)]
        layouts: bool,
        /// Print the types struct fields use that nothing knows (for the type table).
        #[arg(long)]
        missing_types: bool,
        /// Print the findings of the size lints (lint, location, message).
        #[arg(long)]
        findings: bool,
        /// A kernel `.config`: members under `#ifdef CONFIG_…` are laid out for it.
        #[arg(long, value_name = "FILE")]
        kconfig: Option<PathBuf>,
    },
    /// Derive kernel API summaries from a whole kernel tree (may sleep and why, gfp
    /// parameters, lock effects, frees) and write them to FILE, for `check --summaries`.
    Summarize {
        /// The top of a kernel tree (linux-source-6.1, a git checkout).
        tree: PathBuf,
        /// The summary file to write.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
        /// Worker threads (default: one per core).
        #[arg(short = 'j', long = "jobs", default_value_t = 0)]
        jobs: usize,
        /// How the summaries name their tree in findings (default: the tree's directory name).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
    },
    /// Print summaries as JSON lines: of FILE (a summary file, or `6.1`/`6.12` for the
    /// built-in ones), only the NAMEs given if any.
    #[command(hide = true)]
    ShowSummaries { file: String, names: Vec<String> },
    /// Remove the facts cache (`.gfplint-cache/` at the project root above PATH).
    Clean {
        /// A file or directory of the project.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// The cache directory to remove (default: $GFPLINT_CACHE_DIR, else
        /// .gfplint-cache at the project root).
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or directories (searched recursively for .c and .h); `-` is stdin (with
    /// --stdin-filename).
    #[arg(default_value = ".")]
    paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long = "jobs", default_value_t = 0)]
    jobs: usize,
    /// When to color the human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Do not print the summary line (nor the progress line) on stderr.
    #[arg(short, long)]
    quiet: bool,
    /// The configuration file (default: the nearest gfplint.toml above the first PATH).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Report and fail only on findings not recorded in this baseline.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the current findings in FILE (a baseline) and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
    /// Analyse every C file under DIR for context but report only on the PATHs given
    /// (default when every PATH is a file: the nearest directory above it holding
    /// gfplint.toml or .git).
    #[arg(long, value_name = "DIR")]
    context: Option<PathBuf>,
    /// Check only the PATHs given, without the repository around them.
    #[arg(long, conflicts_with = "context")]
    no_context: bool,
    /// Where to keep the facts cache (default: $GFPLINT_CACHE_DIR, else .gfplint-cache
    /// at the project root).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Neither read nor write the facts cache.
    #[arg(long, conflicts_with = "cache_dir")]
    no_cache: bool,
    /// Walk every file: no .gitignore/.ignore rules, hidden directories included, no
    /// default excludes (tools/, scripts/, Documentation/, usr/, *.mod.c).
    #[arg(long)]
    no_ignore: bool,
    /// Skip a PATH named on the command line when the excludes match it (the default
    /// ones or `default_exclude`), as a directory walk would; for pre-commit hooks,
    /// which name every staged file. Exit 0 when every PATH is skipped.
    #[arg(long, conflicts_with = "no_ignore")]
    force_exclude: bool,
    /// Run only these lints (comma-separated; overrides the configuration).
    #[arg(long, value_name = "LINT", value_delimiter = ',')]
    select: Vec<String>,
    /// Do not run these lints (comma-separated; overrides the configuration).
    #[arg(long, value_name = "LINT", value_delimiter = ',')]
    ignore: Vec<String>,
    /// Set LINT to allow (dropped); -A/-W/-D apply in order, after --select/--ignore.
    #[arg(
        short = 'A',
        long = "allow",
        value_name = "LINT",
        value_delimiter = ','
    )]
    allow: Vec<String>,
    /// Set LINT to warn (reported, exit 0).
    #[arg(short = 'W', long = "warn", value_name = "LINT", value_delimiter = ',')]
    warn: Vec<String>,
    /// Set LINT to deny (reported, exit 1).
    #[arg(short = 'D', long = "deny", value_name = "LINT", value_delimiter = ',')]
    deny: Vec<String>,
    /// Print the number of findings per lint instead of the findings.
    #[arg(long)]
    statistics: bool,
    /// Exit 0 even when findings remain (errors in usage, configuration or paths still exit 2).
    #[arg(long)]
    exit_zero: bool,
    /// With `-` as PATH: the file name the source read from stdin stands for.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,
    /// List the files with parse errors and their first error position (on stderr).
    #[arg(long)]
    show_parse_errors: bool,
    /// Report only findings on lines changed since REV (`git diff -U0 REV`), or by the
    /// unified patch read from stdin with `--diff -`; evidence lines (lock, chain) count.
    #[arg(long, value_name = "REV")]
    diff: Option<String>,
    /// Apply the mechanical fixes (n * size → kmalloc_array/kcalloc/…, kfree → kvfree
    /// for kvmalloc memory, devm frees removed), then report what remains.
    #[arg(long, conflicts_with_all = ["diff_output", "stdin_filename"])]
    fix: bool,
    /// Print the mechanical fixes as a unified diff on stdout instead of the findings.
    #[arg(long, conflicts_with = "stdin_filename")]
    diff_output: bool,
    /// Kernel API summaries for functions the checked code calls but does not define:
    /// a file written by `gfplint summarize`, `builtin` (those of the target's kernel
    /// version, 6.1 or 6.12), or `none` (the default).
    #[arg(long, value_name = "FILE")]
    summaries: Option<String>,
    /// A kernel `.config`: code in `#ifdef CONFIG_…` branches it disables and
    /// `IS_ENABLED()` tests it decides are dropped, and files no enabled Kconfig symbol
    /// builds are skipped (overrides the configuration's `kconfig`).
    #[arg(long, value_name = "FILE")]
    kconfig: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

/// tree-sitter's trees in mimalloc too, in a heap of their own: each file's tree is
/// allocated and freed by one worker thread, which mimalloc's pages serve without
/// glibc's locking and consolidation (`_int_malloc`, `malloc_consolidate`: 6 % of a
/// check's CPU). The own heap keeps tree nodes out of the pages that hold the facts,
/// which live for the whole run: on 6.1 `drivers/`, 128 s of CPU instead of 138-140 s
/// (two A/B runs each), the same peak.
#[cfg(feature = "mimalloc")]
fn tree_sitter_in_mimalloc() {
    // SAFETY: the four functions are one allocator family (mimalloc: `mi_free` frees a
    // block of any heap), never return null for a non-zero size unless out of memory
    // (as malloc), align as malloc does; this runs first in `main`, before any thread
    // or tree-sitter object exists. The heap is never deleted.
    unsafe {
        let heap = libmimalloc_sys::mi_heap_new();
        let allocator = if heap.is_null() {
            tree_sitter::Allocator {
                malloc: libmimalloc_sys::mi_malloc,
                calloc: libmimalloc_sys::mi_calloc,
                realloc: libmimalloc_sys::mi_realloc,
                free: libmimalloc_sys::mi_free,
            }
        } else {
            TREE_HEAP.store(heap.cast(), Ordering::Release);
            tree_sitter::Allocator {
                malloc: tree_malloc,
                calloc: tree_calloc,
                realloc: tree_realloc,
                free: libmimalloc_sys::mi_free,
            }
        };
        tree_sitter::set_allocator(Some(allocator));
    }
}

/// The heap of tree-sitter's allocations (set once, before any parse).
#[cfg(feature = "mimalloc")]
static TREE_HEAP: std::sync::atomic::AtomicPtr<std::ffi::c_void> =
    std::sync::atomic::AtomicPtr::new(std::ptr::null_mut());

#[cfg(feature = "mimalloc")]
fn tree_heap() -> *mut libmimalloc_sys::mi_heap_t {
    TREE_HEAP.load(Ordering::Acquire).cast()
}

#[cfg(feature = "mimalloc")]
unsafe extern "C" fn tree_malloc(size: usize) -> *mut std::ffi::c_void {
    // SAFETY: the heap is valid for the whole process (see `tree_sitter_in_mimalloc`).
    unsafe { libmimalloc_sys::mi_heap_malloc(tree_heap(), size) }
}

#[cfg(feature = "mimalloc")]
unsafe extern "C" fn tree_calloc(count: usize, size: usize) -> *mut std::ffi::c_void {
    // SAFETY: as `tree_malloc`.
    unsafe { libmimalloc_sys::mi_heap_calloc(tree_heap(), count, size) }
}

#[cfg(feature = "mimalloc")]
unsafe extern "C" fn tree_realloc(p: *mut std::ffi::c_void, size: usize) -> *mut std::ffi::c_void {
    // SAFETY: as `tree_malloc`; `p` is null or a block of this allocator family.
    unsafe { libmimalloc_sys::mi_heap_realloc(tree_heap(), p, size) }
}

/// mimalloc's defaults commit its 1 GiB arenas eagerly and return freed pages to the
/// system 10 ms late: on a pre-commit run (whole-program facts read, a slice analysed,
/// the process gone after a second) that cost 0.6 to 1.2 s of system time in page
/// faults and 60 to 90 MB of peak RSS on the 6.12 tree, and on a `drivers/net` run 10 %
/// of the peak, for the same user time (measured with `MIMALLOC_ARENA_EAGER_COMMIT=0
/// MIMALLOC_PURGE_DELAY=0`, which set the same options; given in the environment, they
/// win). Set before the first allocation, which creates the first arena: from the
/// executable's initialisers (after mimalloc's own, before the Rust runtime's).
/// mimalloc's `mi_option_arena_eager_commit` and `mi_option_purge_delay` (positions in
/// its `mi_option_e`; the crate names only some options).
#[cfg(all(feature = "mimalloc", target_os = "linux"))]
const MI_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
#[cfg(all(feature = "mimalloc", target_os = "linux"))]
const MI_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

#[cfg(all(feature = "mimalloc", target_os = "linux"))]
#[used]
#[unsafe(link_section = ".init_array")]
static TUNE_MIMALLOC: extern "C" fn() = {
    extern "C" fn tune_mimalloc() {
        unsafe extern "C" {
            fn getenv(name: *const std::ffi::c_char) -> *const std::ffi::c_char;
        }
        for (option, env) in [
            (MI_ARENA_EAGER_COMMIT, c"MIMALLOC_ARENA_EAGER_COMMIT"),
            (MI_PURGE_DELAY, c"MIMALLOC_PURGE_DELAY"),
        ] {
            // SAFETY: `getenv` reads the environment without allocating (nothing else
            // runs yet); `mi_option_set` sets a process-wide option.
            unsafe {
                if getenv(env.as_ptr()).is_null() {
                    libmimalloc_sys::mi_option_set(option, 0);
                }
            }
        }
    }
    tune_mimalloc
};

/// A language server lives on: pages returned to the system at once are faulted in
/// again by the next edit's run (`didChange` to diagnostics 10 to 40 % slower on the
/// 6.12 tree, `bench/results/lsp-files-612-s19.txt`), so it keeps mimalloc's default
/// delay (10 ms) unless the environment says otherwise.
#[cfg(all(feature = "mimalloc", target_os = "linux"))]
fn server_purge_delay() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets a process-wide option; mimalloc reads options atomically.
        unsafe { libmimalloc_sys::mi_option_set(MI_PURGE_DELAY, 10) };
    }
}

/// A bulk parse keeps freed pages 100 ms before returning them (`gfplint::ON_BULK_PARSE`),
/// unless the environment says otherwise.
#[cfg(all(feature = "mimalloc", target_os = "linux"))]
fn bulk_parse_purge_delay() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets a process-wide option; mimalloc reads options atomically.
        unsafe { libmimalloc_sys::mi_option_set(MI_PURGE_DELAY, 100) };
    }
}

fn main() -> ExitCode {
    #[cfg(feature = "mimalloc")]
    tree_sitter_in_mimalloc();
    #[cfg(all(feature = "mimalloc", target_os = "linux"))]
    let _ = gfplint::ON_BULK_PARSE.set(bulk_parse_purge_delay);
    // `make C=1 CHECK=gfplint` passes compiler arguments, not a subcommand.
    let argv: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if cli::checker::is_invocation(&argv) {
        return cli::checker::run(&argv);
    }
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    match cli.command {
        Command::Check(args) => {
            let selection = matches
                .subcommand_matches("check")
                .map(|m| selection(&args, m))
                .unwrap_or_default();
            check(*args, selection)
        }
        Command::DebugSizes {
            paths,
            allocations,
            layouts,
            missing_types,
            findings,
            kconfig,
        } => {
            let kinds = DebugKinds {
                allocations: allocations || !(layouts || missing_types || findings),
                layouts,
                missing_types,
                findings,
            };
            debug_sizes(&paths, kinds, kconfig.as_deref())
        }
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "gfplint",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
        Command::Man { subcommand } => {
            let mut root = Cli::command();
            root.build();
            let page = match &subcommand {
                None => root,
                Some(name) => match root.find_subcommand(name) {
                    Some(sub) => sub
                        .clone()
                        .name(format!("gfplint-{name}"))
                        .version(env!("CARGO_PKG_VERSION")),
                    None => {
                        eprintln!(
                            "gfplint: error: no subcommand `{}` (see `gfplint --help`)",
                            escape::text(name)
                        );
                        return ExitCode::from(2);
                    }
                },
            };
            let mut out = Vec::new();
            match clap_mangen::Man::new(page).render(&mut out) {
                Ok(()) => print_out(&String::from_utf8_lossy(&out)).unwrap_or(ExitCode::SUCCESS),
                Err(_) => ExitCode::from(2),
            }
        }
        Command::Summarize {
            tree,
            output,
            jobs,
            name,
        } => summarize(&tree, &output, jobs, name),
        Command::ShowSummaries { file, names } => show_summaries(&file, &names),
        Command::Lints => {
            let mut text = format!("{:<24} {:<8} SUMMARY\n", "LINT", "DEFAULT");
            for l in gfplint::lints::LINTS {
                text.push_str(&format!(
                    "{:<24} {:<8} {}\n",
                    l.name,
                    default_level(l).as_str(),
                    l.summary
                ));
            }
            print_out(&text).unwrap_or(ExitCode::SUCCESS)
        }
        Command::Lsp => {
            #[cfg(all(feature = "mimalloc", target_os = "linux"))]
            server_purge_delay();
            match gfplint::lsp::run() {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("gfplint: error: lsp: {}", escape::text(&e));
                    ExitCode::from(1)
                }
            }
        }
        Command::Clean { path, cache_dir } => {
            let dir = cache_dir
                .or_else(env_cache_dir)
                .or_else(|| {
                    gfplint::root::find(&path).map(|r| r.dir.join(gfplint::cache::DIR_NAME))
                })
                .unwrap_or_else(|| PathBuf::from(gfplint::cache::DIR_NAME));
            match gfplint::cache::clean(&dir) {
                Ok(removed) => {
                    if removed {
                        eprintln!(
                            "gfplint: removed {}",
                            escape::text(&dir.display().to_string())
                        );
                    } else {
                        eprintln!(
                            "gfplint: no cache at {}",
                            escape::text(&dir.display().to_string())
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("gfplint: error: {}", escape::text(&e));
                    ExitCode::from(2)
                }
            }
        }
        Command::Explain { lint } => match gfplint::lints::lint_info(&lint) {
            Some(info) => print_out(info.doc).unwrap_or(ExitCode::SUCCESS),
            None => {
                eprintln!(
                    "gfplint: error: {}",
                    escape::text(&gfplint::lints::unknown_lint(&lint))
                );
                ExitCode::from(2)
            }
        },
    }
}

fn summarize(tree: &Path, output: &Path, jobs: usize, name: Option<String>) -> ExitCode {
    let started = Instant::now();
    let name = name.unwrap_or_else(|| {
        std::fs::canonicalize(tree)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| tree.display().to_string())
    });
    let (file, stats) = match gfplint::summaries::summarize_tree(tree, jobs, &name) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gfplint: error: {}", escape::text(&e));
            return ExitCode::from(2);
        }
    };
    let bytes = match gfplint::summaries::write(output, &file) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("gfplint: error: {}", escape::text(&e));
            return ExitCode::from(2);
        }
    };
    let sleeping = file
        .functions
        .iter()
        .filter(|f| !f.sleeps.is_empty())
        .count();
    let gfp = file
        .functions
        .iter()
        .filter(|f| !f.gfp_params.is_empty())
        .count();
    eprintln!(
        "gfplint: {} functions summarised ({sleeping} may sleep, {gfp} with gfp parameters) from {} files ({} with parse errors, {} unreadable); {bytes} bytes written in {:.1} s",
        file.functions.len(),
        stats.files,
        stats.files_with_parse_errors,
        stats.unreadable,
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}

fn show_summaries(file: &str, names: &[String]) -> ExitCode {
    let loaded = match file {
        "6.1" => gfplint::summaries::Summaries::builtin((6, 1))
            .ok_or_else(|| "no built-in summaries for 6.1".to_string()),
        "6.12" => gfplint::summaries::Summaries::builtin((6, 12))
            .ok_or_else(|| "no built-in summaries for 6.12".to_string()),
        path => gfplint::summaries::Summaries::read(Path::new(path)).map(Arc::new),
    };
    let s = match loaded {
        Ok(s) => s,
        Err(e) => {
            eprintln!("gfplint: error: {}", escape::text(&e));
            return ExitCode::from(2);
        }
    };
    let mut all: Vec<&gfplint::summaries::ApiSummary> = if names.is_empty() {
        s.iter().collect()
    } else {
        names.iter().filter_map(|n| s.get(n)).collect()
    };
    all.sort_by(|a, b| a.name.cmp(&b.name));
    let mut text = String::new();
    for a in all {
        text.push_str(&serde_json::to_string(a).unwrap_or_default());
        text.push('\n');
    }
    print_out(&text).unwrap_or(ExitCode::SUCCESS)
}

/// The lint selection flags with the position of each -A/-W/-D on the command line.
fn selection(args: &CheckArgs, m: &clap::ArgMatches) -> cli::Selection {
    let mut levels = Vec::new();
    for (id, level, names) in [
        ("allow", Level::Allow, &args.allow),
        ("warn", Level::Warn, &args.warn),
        ("deny", Level::Deny, &args.deny),
    ] {
        let indices = m.indices_of(id).into_iter().flatten();
        for (index, name) in indices.zip(names) {
            levels.push((index, level, name.clone()));
        }
    }
    cli::Selection {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        levels,
    }
}

/// Writes `text` to stdout. A reader that went away (`| head`, EPIPE) ends the
/// output quietly, like other Unix tools: `None`, the caller's status stands. Any
/// other failure (a full disk) is reported: `Some(2)`.
fn print_out(text: &str) -> Option<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => None,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => None,
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "gfplint: error: cannot write the report to stdout: {e}"
            );
            Some(ExitCode::from(2))
        }
    }
}

/// `--baseline` is read and `--write-baseline`'s place is checked before the analysis,
/// so a wrong path fails in a second, not after the whole run.
fn check_baseline_paths(args: &CheckArgs) -> Result<Option<gfplint::baseline::Baseline>, String> {
    if let Some(path) = &args.write_baseline {
        let shown = escape::file_name(&path.to_string_lossy()).into_owned();
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(format!("{shown}: its directory is not a directory")),
            Err(e) => return Err(format!("{shown}: cannot use its directory: {e}")),
        }
        if let Ok(m) = std::fs::metadata(path)
            && !m.is_file()
        {
            return Err(format!(
                "{shown}: is {}, cannot be replaced by a baseline",
                gfplint::bounded::describe(m.file_type())
            ));
        }
    }
    match &args.baseline {
        Some(path) => gfplint::baseline::Baseline::read(path).map(Some),
        None => Ok(None),
    }
}

/// What `gfplint debug-sizes` prints.
struct DebugKinds {
    allocations: bool,
    layouts: bool,
    missing_types: bool,
    findings: bool,
}

/// The size lints whose findings `debug-sizes --findings` prints.
const SIZE_LINTS: &[&str] = &[
    "kmalloc-costly-order",
    "kmalloc-over-max",
    "slab-waste",
    "vmalloc-small",
    "page-order-over-max",
];

fn debug_sizes(paths: &[String], kinds: DebugKinds, kconfig: Option<&Path>) -> ExitCode {
    let mut options = gfplint::Options {
        enable: SIZE_LINTS.iter().map(|l| l.to_string()).collect(),
        ..Default::default()
    };
    if let Some(path) = kconfig {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                options.target.kconfig = Some(std::sync::Arc::new(
                    gfplint::target::Target::parse_kconfig(&text),
                ))
            }
            Err(e) => {
                eprintln!(
                    "gfplint: error: {}: {e}",
                    escape::text(&path.display().to_string())
                );
                return ExitCode::from(2);
            }
        }
    }
    // Run at a kernel tree's top, as `check` is: that tree's version picks the type
    // table and the MAX_ORDER convention.
    if let Some(version) = gfplint::kbuild::tree_version(Path::new(".")) {
        let kconfig = options.target.kconfig.take();
        options.target = gfplint::target::Target::configured(None, None, Some(&version));
        options.target.kconfig = kconfig;
    }
    let walk = gfplint::walk::WalkOptions::new(Path::new("."));
    let (files, errors) = gfplint::walk::discover(paths, &walk);
    let target = options.target.clone();
    let several = [
        kinds.allocations,
        kinds.layouts,
        kinds.missing_types,
        kinds.findings,
    ]
    .iter()
    .filter(|k| **k)
    .count()
        > 1;
    let tag = |kind: &str, lines: Vec<String>| -> Vec<String> {
        if several {
            lines.into_iter().map(|l| format!("{kind}\t{l}")).collect()
        } else {
            lines
        }
    };
    let (outcome, lines) =
        gfplint::check_files_with(&files, errors, &options, None, |program, analysis| {
            let k = program.knowledge;
            let mut out = Vec::new();
            if kinds.allocations {
                out.extend(tag(
                    "alloc",
                    gfplint::size_report::allocations(program, k, &target, &analysis.headers),
                ));
            }
            if kinds.layouts {
                out.extend(tag(
                    "layout",
                    gfplint::size_report::layouts(program, k, &target, &analysis.headers),
                ));
            }
            if kinds.missing_types {
                out.extend(tag(
                    "missing",
                    gfplint::size_report::missing_types(program, k, &target, &analysis.headers),
                ));
            }
            out
        });
    let mut lines = lines.unwrap_or_default();
    if kinds.findings {
        let found = outcome
            .diagnostics
            .iter()
            .filter(|d| SIZE_LINTS.contains(&d.lint))
            .map(|d| {
                format!(
                    "{}\t{}:{}\t{}",
                    d.lint,
                    d.file,
                    d.span.line,
                    d.message.replace('\t', " ")
                )
            })
            .collect();
        lines.extend(tag("finding", found));
    }
    let mut out = std::io::stdout().lock();
    for line in lines {
        if writeln!(out, "{}", escape::text(&line)).is_err() {
            break;
        }
    }
    ExitCode::SUCCESS
}

fn check(mut args: CheckArgs, selection: cli::Selection) -> ExitCode {
    let started = Instant::now();
    let mut stderr = std::io::stderr();
    // `-` reads the source from stdin; it stands for --stdin-filename.
    let overlay = match stdin_source(&mut args) {
        Ok(o) => o,
        Err(e) => {
            let _ = writeln!(stderr, "gfplint: error: {e}");
            return ExitCode::from(2);
        }
    };
    // A path named on the command line that does not exist fails the run, whatever
    // the other paths give (the walk still goes on, to report everything at once).
    let missing_path = args
        .paths
        .iter()
        .any(|p| overlay.as_ref().is_none_or(|o| o.path != *p) && std::fs::metadata(p).is_err());
    let changed = match &args.diff {
        None => None,
        Some(rev) => match changed_lines(rev, overlay.is_some()) {
            Ok(c) => Some(c),
            Err(e) => {
                let _ = writeln!(
                    stderr,
                    "gfplint: error: --diff {}: {}",
                    escape::text(rev),
                    escape::text(&e)
                );
                return ExitCode::from(2);
            }
        },
    };
    let first = args.paths.first().map_or(".", String::as_str);
    // The project root above the first path: gfplint.toml, else .git, else a kernel
    // tree's top (see `root::find`); the configuration is the root's gfplint.toml
    // unless --config names one.
    let found_root = gfplint::root::find(Path::new(first));
    let config_path = args.config.clone().or_else(|| {
        found_root
            .as_ref()
            .filter(|r| r.kind == gfplint::root::RootKind::Config)
            .map(|r| r.dir.join(gfplint::config::FILE_NAME))
    });
    let mut config = match &config_path {
        Some(p) => match Config::load(p) {
            Ok(c) => c,
            Err(e) => {
                let _ = writeln!(stderr, "gfplint: error: {e}");
                return ExitCode::from(2);
            }
        },
        None => Config::default(),
    };
    let baseline = match check_baseline_paths(&args) {
        Ok(b) => b,
        Err(e) => {
            let _ = writeln!(stderr, "gfplint: error: {}", escape::text(&e));
            return ExitCode::from(2);
        }
    };
    // The project root: the configuration's directory, else the root found.
    let (root_abs, root_kind) = match &args.config {
        Some(_) => (
            std::fs::canonicalize(&config.root).ok(),
            Some(gfplint::root::RootKind::Config),
        ),
        None => (
            found_root.as_ref().map(|r| r.dir.clone()),
            found_root.as_ref().map(|r| r.kind),
        ),
    };
    let root = root_abs
        .as_deref()
        .map(from_cwd)
        .unwrap_or_else(|| ".".to_string());
    // At a kernel tree's top, the kernel version is the tree's own (its Makefile's
    // VERSION and PATCHLEVEL) unless the configuration names one: messages, the
    // MAX_ORDER convention and built-in summaries follow the code being checked.
    if config.target.kernel_version.is_none()
        && let Some(dir) = &root_abs
    {
        config.target.kernel_version = gfplint::kbuild::tree_version(dir);
    }
    // Pre-commit mode: files named, the repository around them for context.
    let context = gfplint::discover::precommit_context(
        &args.paths,
        args.context.as_deref(),
        args.no_context,
        root_abs.is_some().then_some(root.as_str()),
        |p| overlay.as_ref().is_some_and(|o| o.path == *p),
    );
    let mut walk = gfplint::walk::WalkOptions::new(Path::new(&root));
    walk.respect_ignore = !args.no_ignore;
    if let Some(globs) = &config.default_exclude {
        walk.excludes = globs.clone();
    }
    walk.force_exclude = args.force_exclude;
    let cache_dir = (!args.no_cache).then(|| {
        args.cache_dir
            .clone()
            .or_else(env_cache_dir)
            .unwrap_or_else(|| Path::new(&root).join(gfplint::cache::DIR_NAME))
    });
    walk.memo = cache_dir.clone();
    if args.force_exclude && overlay.is_none() && args.paths.iter().all(|p| walk.force_excluded(p))
    {
        if !args.quiet {
            let _ = writeln!(
                stderr,
                "gfplint: every named path is excluded (--force-exclude): nothing to check"
            );
        }
        return ExitCode::SUCCESS;
    }
    let gfplint::discover::Selected {
        mut files,
        mut errors,
        report_only,
        found,
    } = gfplint::discover::select(&args.paths, context.as_deref(), &walk, |f| {
        config.selects(f)
    });
    if std::env::var_os("GFPLINT_TIMINGS").is_some() {
        eprintln!(
            "gfplint: timing: {} files found at {:.2} s",
            files.len(),
            started.elapsed().as_secs_f64()
        );
    }
    if let Some(o) = &overlay {
        // The stdin file needs no file on disk.
        errors.retain(|e| e.path != o.path);
        if !files.iter().any(|f| o.covers(f)) {
            files.push(o.path.clone());
        }
    }
    let levels = match selection.apply(config.levels.clone()) {
        Ok(l) => l,
        Err(e) => {
            let _ = writeln!(stderr, "gfplint: error: {}", escape::text(&e));
            return ExitCode::from(2);
        }
    };
    let named_count = report_only.as_ref().map(Vec::len);
    let mut base_options = config.options(levels.clone());
    if let Some(choice) = &args.summaries {
        let choice = gfplint::summaries::Choice::parse(choice, Path::new("."));
        match choice.load_checked(&base_options.target) {
            Ok(s) => base_options.summaries = s,
            Err(e) => {
                let _ = writeln!(stderr, "gfplint: error: --summaries: {}", escape::text(&e));
                return ExitCode::from(2);
            }
        }
    }
    if let Some(path) = &args.kconfig {
        match gfplint::bounded::read(path, gfplint::parse::MAX_FILE_BYTES)
            .map_err(|e| e.to_string())
            .and_then(|b| String::from_utf8(b).map_err(|_| "not UTF-8 text".to_string()))
        {
            Ok(text) => base_options.set_kconfig(&text),
            Err(e) => {
                let _ = writeln!(
                    stderr,
                    "gfplint: error: --kconfig {}: {}",
                    escape::text(&path.display().to_string()),
                    escape::text(&e)
                );
                return ExitCode::from(2);
            }
        }
    }
    let progress = Arc::new(AtomicUsize::new(0));
    let options = gfplint::Options {
        jobs: args.jobs,
        report_only,
        root: Some(PathBuf::from(&root)),
        progress: Some(progress.clone()),
        cache_dir,
        overlay: overlay.into_iter().collect(),
        ..base_options
    };
    let show_progress = !args.quiet && stderr.is_terminal();
    let total = files.len();
    let done = Arc::new(AtomicBool::new(false));
    let ticker = show_progress.then(|| {
        let (progress, done) = (progress.clone(), done.clone());
        std::thread::spawn(move || progress_line(&progress, &done, total))
    });
    let mut outcome = gfplint::check_files(&files, errors, &options);
    if std::env::var_os("GFPLINT_TIMINGS").is_some() {
        eprintln!(
            "gfplint: timing: returned to main at {:.2} s",
            started.elapsed().as_secs_f64()
        );
    }
    done.store(true, Ordering::Relaxed);
    if let Some(t) = ticker {
        t.thread().unpark();
        let _ = t.join();
    }
    if let Some(fatal) = &outcome.fatal {
        let _ = writeln!(stderr, "gfplint: error: {fatal}");
        return ExitCode::from(2);
    }
    for w in &outcome.warnings {
        let _ = writeln!(stderr, "gfplint: warning: {}", escape::text(w));
    }
    for e in &outcome.errors {
        let _ = writeln!(stderr, "gfplint: error: {e}");
    }
    if outcome.files_scanned == 0 {
        let _ = writeln!(stderr, "gfplint: error: nothing could be checked");
        if found > 0
            && let Some(p) = &config_path
        {
            let _ = writeln!(
                stderr,
                "gfplint: note: {} found, none selected by `[files]` include/exclude in {}",
                cli::count(found, "C file"),
                escape::file_name(&p.to_string_lossy())
            );
        }
        return ExitCode::from(2);
    }
    if let Some(path) = &args.write_baseline {
        let root = PathBuf::from(&root);
        return match gfplint::baseline::write(path, &outcome.diagnostics, &root) {
            Ok(()) => {
                if !args.quiet {
                    let _ = writeln!(
                        stderr,
                        "gfplint: wrote {} findings to baseline {}",
                        outcome.diagnostics.len(),
                        escape::file_name(&path.to_string_lossy())
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                let _ = writeln!(
                    stderr,
                    "gfplint: error: {}: {e}",
                    escape::file_name(&path.to_string_lossy())
                );
                ExitCode::from(2)
            }
        };
    }
    let baselined = baseline
        .as_ref()
        .map_or(0, |b| b.filter(&mut outcome.diagnostics));
    let mut outside_diff = 0;
    if let Some(changed) = &changed {
        let before = outcome.diagnostics.len();
        outcome.diagnostics.retain(|d| changed.touches(d));
        outside_diff = before - outcome.diagnostics.len();
    }
    if args.show_parse_errors {
        for p in &outcome.parse_errors {
            let _ = writeln!(
                stderr,
                "{}:{}:{}: parse error ({} in the file; the rest is analysed)",
                escape::file_name(&p.path),
                p.line,
                p.column,
                cli::count(p.count as usize, "error")
            );
        }
    }
    if args.fix || args.diff_output {
        // The analysed text (hash-checked): a file changed since it was read is named
        // in the errors above and left alone.
        let fixed = gfplint::fix::plan(&outcome.diagnostics, |p| outcome.sources.get(p).cloned());
        if args.diff_output {
            let text = gfplint::fix::unified_diff(&fixed, &outcome.root);
            if let Some(failed) = print_out(&text) {
                return failed;
            }
            if !args.quiet {
                let _ = writeln!(
                    stderr,
                    "{} in {} ({} with a fix that did not apply)",
                    cli::count(fixed.applied, "fix"),
                    cli::count(fixed.files.len(), "file"),
                    fixed.skipped
                );
            }
            return ExitCode::SUCCESS;
        }
        if let Err(e) = gfplint::fix::write(&fixed) {
            let _ = writeln!(stderr, "gfplint: error: {}", escape::text(&e));
            return ExitCode::from(2);
        }
        if !args.quiet && fixed.applied > 0 {
            let _ = writeln!(
                stderr,
                "gfplint: fixed {} in {}",
                cli::count(fixed.applied, "finding"),
                cli::count(fixed.files.len(), "file")
            );
        }
        if fixed.applied > 0 {
            // Report what remains: the fixed files analysed again.
            let rerun = gfplint::check_files(&files, Vec::new(), &options);
            outcome.diagnostics = rerun
                .diagnostics
                .into_iter()
                .filter(|d| changed.as_ref().is_none_or(|c| c.touches(d)))
                .collect();
            if let Some(b) = &baseline {
                b.filter(&mut outcome.diagnostics);
            }
        }
    }
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => cli::auto_color(),
    };
    let text = if args.statistics {
        cli::statistics(&outcome.diagnostics, &options.lint_policy())
    } else {
        report::render(&outcome, args.format, color)
    };
    if let Some(failed) = print_out(&text) {
        return failed;
    }
    let errors = outcome
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if !args.quiet {
        let warnings = outcome.diagnostics.len() - errors;
        let mut more = Vec::new();
        if baselined > 0 {
            more.push(format!("{baselined} more in the baseline"));
        }
        if outside_diff > 0 {
            more.push(format!("{outside_diff} more outside the diff"));
        }
        let more = if more.is_empty() {
            String::new()
        } else {
            format!(" ({})", more.join(", "))
        };
        // In pre-commit mode, the files named; the context is said apart.
        let files = match named_count {
            Some(n) => format!(
                "{} ({} analysed for context)",
                cli::count(n, "file"),
                outcome.files_scanned
            ),
            None => cli::count(outcome.files_scanned, "file"),
        };
        let parse_errors = match outcome.files_with_parse_errors {
            0 => String::new(),
            n => format!(
                ", {} with parse errors{}",
                cli::count(n, "file"),
                if args.show_parse_errors {
                    ""
                } else {
                    " (--show-parse-errors)"
                }
            ),
        };
        // Which root gave the context, the configuration and the cache, and how.
        let root_note = match (&root_abs, root_kind) {
            (Some(dir), Some(kind)) => format!(
                "; root {} ({})",
                escape::text(&dir.display().to_string()),
                kind.describe()
            ),
            _ => "; no project root found".to_string(),
        };
        let cached = if options.cache_dir.is_some() {
            format!(
                "; cache: {} reused, {} parsed",
                outcome.cache_hits, outcome.cache_misses
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            stderr,
            "{} ({}, {}) in {files}{parse_errors}, {:.2} s{more}{root_note}{cached}",
            cli::count(outcome.diagnostics.len(), "finding"),
            cli::count(errors, "error"),
            cli::count(warnings, "warning"),
            started.elapsed().as_secs_f64()
        );
    }
    // A finding of a `deny` lint fails the run, also when it is shown as a warning
    // because its atomic section is held on some paths only.
    let policy = options.lint_policy();
    let denied = outcome.diagnostics.iter().any(|d| policy.fails_run(d));
    if missing_path {
        ExitCode::from(2)
    } else if denied && !args.exit_zero {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// With `-` among the PATHs: the source read from stdin, standing for --stdin-filename
/// (which replaces `-` in the PATHs).
fn stdin_source(args: &mut CheckArgs) -> Result<Option<gfplint::Overlay>, String> {
    let dashes = args.paths.iter().filter(|p| *p == "-").count();
    let Some(name) = args.stdin_filename.clone() else {
        return match dashes {
            0 => Ok(None),
            _ => Err("`-` reads the source from stdin and needs --stdin-filename NAME".into()),
        };
    };
    if dashes != 1 {
        return Err("--stdin-filename needs `-` once among the PATHs".into());
    }
    if args.diff.as_deref() == Some("-") {
        return Err("stdin cannot carry both the source (`-`) and the patch (`--diff -`)".into());
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::io::stdin().lock(), gfplint::parse::MAX_FILE_BYTES + 1),
        &mut bytes,
    )
    .map_err(|e| format!("cannot read stdin: {e}"))?;
    for p in &mut args.paths {
        if p == "-" {
            *p = name.clone();
        }
    }
    Ok(Some(gfplint::Overlay::new(&name, bytes)))
}

/// The changed lines for `--diff REV` (git, in the current directory's repository) or
/// `--diff -` (a unified patch on stdin, its paths relative to the repository root, or
/// to the current directory outside a repository).
fn changed_lines(rev: &str, stdin_taken: bool) -> Result<gfplint::diff::ChangedLines, String> {
    if rev != "-" {
        return gfplint::diff::ChangedLines::from_git(rev, Path::new("."));
    }
    if stdin_taken {
        return Err("stdin already carries the source (`-`)".into());
    }
    let mut patch = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut patch)
        .map_err(|e| format!("cannot read the patch from stdin: {e}"))?;
    let base = find_marker(Path::new("."), ".git").unwrap_or_else(|| PathBuf::from("."));
    Ok(gfplint::diff::ChangedLines::parse(&patch, &base))
}

/// After a second, a `parsing N/M files (R files/s, about T s left)` line on stderr,
/// rewritten in place; erased when the run is done.
fn progress_line(progress: &AtomicUsize, done: &AtomicBool, total: usize) {
    let start = Instant::now();
    // A run shorter than this shows no progress line (tests set it to 0).
    let after = std::env::var("GFPLINT_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(Duration::from_secs(1), Duration::from_millis);
    let mut shown = false;
    while !done.load(Ordering::Relaxed) {
        std::thread::park_timeout(Duration::from_millis(100));
        let n = progress.load(Ordering::Relaxed);
        let elapsed = start.elapsed();
        if elapsed >= after {
            let line = if n < total {
                // Rate and time left from the files parsed so far.
                let rate = n as f64 / elapsed.as_secs_f64().max(0.001);
                let eta = if n > 0 {
                    format!(
                        ", about {} s left",
                        ((total - n) as f64 / rate).ceil() as u64
                    )
                } else {
                    String::new()
                };
                format!("parsing {n}/{total} files ({rate:.0} files/s{eta})")
            } else {
                format!("analysing {total} files")
            };
            eprint!("\r\x1b[Kgfplint: {line}");
            shown = true;
        }
    }
    if shown {
        eprint!("\r\x1b[K");
    }
}

/// The nearest ancestor of `start` (or `start` itself) containing `marker`, canonical.
fn find_marker(start: &Path, marker: &str) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    let dir = if start.is_dir() {
        start.as_path()
    } else {
        start.parent()?
    };
    dir.ancestors()
        .find(|d| d.join(marker).exists())
        .map(Path::to_path_buf)
}

/// `GFPLINT_CACHE_DIR`, when set and not empty.
fn env_cache_dir() -> Option<PathBuf> {
    std::env::var_os("GFPLINT_CACHE_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// An absolute directory as a path from the current directory (`.`, `sub`, `../..`).
fn from_cwd(dir: &Path) -> String {
    let Ok(cwd) = std::env::current_dir().and_then(std::fs::canonicalize) else {
        return dir.to_string_lossy().into_owned();
    };
    let common = cwd
        .ancestors()
        .find(|a| dir.starts_with(a))
        .unwrap_or(Path::new("/"));
    let ups = cwd
        .strip_prefix(common)
        .map_or(0, |p| p.components().count());
    let mut out = PathBuf::new();
    for _ in 0..ups {
        out.push("..");
    }
    if let Ok(down) = dir.strip_prefix(common) {
        out.push(down);
    }
    if out.as_os_str().is_empty() {
        ".".to_string()
    } else {
        out.to_string_lossy().into_owned()
    }
}
