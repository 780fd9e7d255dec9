//! The command line. Parses arguments, runs the library, prints, sets the exit status:
//! 0 no findings, 1 findings, 2 usage error or nothing could be checked.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};

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
    /// Do not print the summary line on stderr.
    #[arg(short, long)]
    quiet: bool,
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
            for l in gfplint::lints::LINTS {
                println!("{:<24} {:<8} {}", l.name, l.severity.as_str(), l.summary);
            }
            ExitCode::SUCCESS
        }
        Command::Explain { lint } => match gfplint::lints::lint_info(&lint) {
            Some(info) => {
                print!("{}", info.doc);
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("gfplint: error: unknown lint `{lint}` (see `gfplint lints`)");
                ExitCode::from(2)
            }
        },
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let started = Instant::now();
    let options = gfplint::Options {
        jobs: args.jobs,
        ..Default::default()
    };
    let outcome = gfplint::check_paths(&args.paths, &options);
    let mut stderr = std::io::stderr().lock();
    for e in &outcome.errors {
        let _ = writeln!(stderr, "gfplint: error: {e}");
    }
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let text = report::render(&outcome, args.format, color);
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .is_err()
    {
        // A closed pipe (`| head`) is not an error worth a panic.
        return ExitCode::from(2);
    }
    if !args.quiet {
        let errors = outcome
            .diagnostics
            .iter()
            .filter(|d| d.severity == gfplint::diagnostic::Severity::Error)
            .count();
        let warnings = outcome.diagnostics.len() - errors;
        let _ = writeln!(
            stderr,
            "{} findings ({errors} errors, {warnings} warnings) in {} files, {:.2} s",
            outcome.diagnostics.len(),
            outcome.files_scanned,
            started.elapsed().as_secs_f64()
        );
    }
    if outcome.files_scanned == 0 {
        let _ = writeln!(stderr, "gfplint: error: nothing could be checked");
        return ExitCode::from(2);
    }
    if outcome.diagnostics.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
