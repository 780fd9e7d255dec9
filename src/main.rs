//! The command line. Parses arguments, runs the library, prints, sets the exit status:
//! 0 no error finding, 1 an error finding (a `deny` lint) remains, 2 usage or
//! configuration error, or nothing could be checked.
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
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand, ValueEnum};

use gfplint::config::{Config, default_level};
use gfplint::diagnostic::Severity;
use gfplint::discover;
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
    Check(CheckArgs),
    /// List the lints with their default level.
    Lints,
    /// Print a lint's documentation.
    Explain {
        /// The lint's name, e.g. atomic-sleeping-gfp.
        lint: String,
    },
    /// Run the language server on stdin/stdout (editors start it; see README).
    Lsp,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or directories (searched recursively for .c and .h).
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
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check(args),
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
        Command::Lsp => match gfplint::lsp::run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("gfplint: error: lsp: {}", escape::text(&e));
                ExitCode::from(1)
            }
        },
        Command::Explain { lint } => match gfplint::lints::lint_info(&lint) {
            Some(info) => print_out(info.doc).unwrap_or(ExitCode::SUCCESS),
            None => {
                eprintln!(
                    "gfplint: error: unknown lint `{}` (see `gfplint lints`)",
                    escape::text(&lint)
                );
                ExitCode::from(2)
            }
        },
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

fn check(args: CheckArgs) -> ExitCode {
    let started = Instant::now();
    let mut stderr = std::io::stderr();
    let first = args.paths.first().map_or(".", String::as_str);
    // Configuration: --config, or the nearest gfplint.toml above the first path.
    let config_path = args
        .config
        .clone()
        .or_else(|| Config::find(Path::new(first)));
    let config = match &config_path {
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
    // The project root: the configuration's directory, else the nearest `.git`.
    let root_abs = match &config_path {
        Some(_) => std::fs::canonicalize(&config.root).ok(),
        None => find_marker(Path::new(first), ".git"),
    };
    let root = root_abs
        .as_deref()
        .map(from_cwd)
        .unwrap_or_else(|| ".".to_string());
    // Pre-commit mode: files named, the repository around them for context.
    let all_files = args.paths.iter().all(|p| Path::new(p).is_file());
    let context = match (&args.context, args.no_context) {
        (Some(dir), _) => Some(dir.to_string_lossy().into_owned()),
        (None, false) if all_files && root_abs.is_some() => Some(root.clone()),
        _ => None,
    };
    let (files, errors, report_only) = match &context {
        Some(dir) => {
            let (mut files, errors) = discover::discover(std::slice::from_ref(dir));
            files.retain(|f| config.selects(Path::new(f)));
            for f in &mut files {
                if let Some(rest) = f.strip_prefix("./") {
                    *f = rest.to_string();
                }
            }
            // A named file outside the context directory is checked too.
            let named: Vec<String> = args
                .paths
                .iter()
                .filter(|p| config.selects(Path::new(p)))
                .cloned()
                .collect();
            let (extra, named_errors) = discover::discover(&named);
            let known: std::collections::HashSet<PathBuf> = files
                .iter()
                .filter_map(|f| std::fs::canonicalize(f).ok())
                .collect();
            for f in extra {
                if std::fs::canonicalize(&f).is_ok_and(|c| !known.contains(&c)) {
                    files.push(f);
                }
            }
            let mut errors = errors;
            errors.extend(named_errors);
            (files, errors, Some(named))
        }
        None => {
            let (mut files, errors) = discover::discover(&args.paths);
            files.retain(|f| config.selects(Path::new(f)));
            (files, errors, None)
        }
    };
    let progress = Arc::new(AtomicUsize::new(0));
    let options = gfplint::Options {
        jobs: args.jobs,
        knowledge: (config.knowledge != Default::default()).then(|| Arc::new(config.knowledge())),
        levels: config.levels.clone(),
        report_only,
        root: Some(PathBuf::from(&root)),
        progress: Some(progress.clone()),
        target: gfplint::target::Target::configured(
            config.target.page_size,
            config.target.max_order,
            config.target.kernel_version.as_deref(),
        ),
        // A lint that is off by default runs when the configuration gives it a level.
        enable: config
            .levels
            .iter()
            .filter(|(_, level)| **level != gfplint::config::Level::Allow)
            .map(|(name, _)| name.clone())
            .collect(),
    };
    let show_progress = !args.quiet && stderr.is_terminal();
    let total = files.len();
    let done = Arc::new(AtomicBool::new(false));
    let ticker = show_progress.then(|| {
        let (progress, done) = (progress.clone(), done.clone());
        std::thread::spawn(move || progress_line(&progress, &done, total))
    });
    let mut outcome = gfplint::check_files(&files, errors, &options);
    done.store(true, Ordering::Relaxed);
    if let Some(t) = ticker {
        t.thread().unpark();
        let _ = t.join();
    }
    if let Some(fatal) = &outcome.fatal {
        let _ = writeln!(stderr, "gfplint: error: {fatal}");
        return ExitCode::from(2);
    }
    for e in &outcome.errors {
        let _ = writeln!(stderr, "gfplint: error: {e}");
    }
    if outcome.files_scanned == 0 {
        let _ = writeln!(stderr, "gfplint: error: nothing could be checked");
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
    let baselined = baseline.map_or(0, |b| b.filter(&mut outcome.diagnostics));
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let text = report::render(&outcome, args.format, color);
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
        let baselined = if baselined > 0 {
            format!(" ({baselined} more in the baseline)")
        } else {
            String::new()
        };
        let _ = writeln!(
            stderr,
            "{} findings ({errors} errors, {warnings} warnings) in {} files, {:.2} s{baselined}",
            outcome.diagnostics.len(),
            outcome.files_scanned,
            started.elapsed().as_secs_f64()
        );
    }
    // A finding of a `deny` lint fails the run, also when it is shown as a warning
    // because its atomic section is held on some paths only.
    let denied = outcome.diagnostics.iter().any(|d| {
        d.severity == Severity::Error
            || gfplint::config::level_of(&options.levels, d.lint) == gfplint::config::Level::Deny
    });
    if denied {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// After a second, a `parsed N/M files` line on stderr, rewritten in place; erased when
/// parsing is done.
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
        if start.elapsed() >= after {
            let label = if n < total { "parsing" } else { "analysing" };
            eprint!("\r\x1b[Kgfplint: {label} {n}/{total} files");
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
