//! `make C=1|C=2 CHECK=gfplint`: kbuild runs `$(CHECK) $(CHECKFLAGS) $(c_flags) file.c`
//! for each file. The arguments are read by `gfplint::sparse`; the file is analysed
//! with its configuration's inactive branches blanked, with the driver's own quoted
//! headers as context, and findings are printed on stderr as sparse prints its
//! warnings (`file:line:col: error|warning: message [lint]`). The status is 0, as
//! sparse's, so the build goes on; with `-Wsparse-error`, 1 when a deny finding remains.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gfplint::config::Config;
use gfplint::sparse::{CheckerArgs, Macros, blank_inactive, local_headers};

/// Whether the command line is a checker invocation: `gfplint sparse ARGS…`, or
/// compiler arguments directly (`gfplint -D__linux__ … file.c`, as kbuild calls it).
pub fn is_invocation(args: &[String]) -> bool {
    match args.first().map(String::as_str) {
        Some("sparse") => true,
        Some(a) => a.starts_with('-') && !matches!(a, "-h" | "--help" | "-V" | "--version"),
        None => false,
    }
}

/// At most this many of the driver's own headers are analysed with a file.
const MAX_HEADERS: usize = 32;

pub fn run(args: &[String]) -> ExitCode {
    let args = match args.first().map(String::as_str) {
        Some("sparse") => &args[1..],
        _ => args,
    };
    let parsed = CheckerArgs::parse(args);
    let mut stderr = std::io::stderr().lock();
    if parsed.files.is_empty() {
        let _ = writeln!(
            stderr,
            "gfplint: error: checker mode: no .c file among the arguments"
        );
        return ExitCode::from(2);
    }
    let macros = Macros::from_args(&parsed);
    let verbose = std::env::var_os("GFPLINT_CHECKER_VERBOSE").is_some();
    let mut denied = false;
    for file in &parsed.files {
        // Bounded and non-blocking: sources and headers come from the checked tree.
        let mut bytes =
            match gfplint::bounded::read(Path::new(file), gfplint::parse::MAX_FILE_BYTES) {
                Ok(b) => b,
                Err(e) => {
                    let _ = writeln!(
                        stderr,
                        "gfplint: error: {}: {e}",
                        gfplint::report::escape::file_name(file)
                    );
                    return ExitCode::from(1);
                }
            };
        let blanked = blank_inactive(&mut bytes, &macros);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        // The driver's own headers (two levels: e1000_main.c → e1000.h → e1000_hw.h).
        let mut headers: Vec<PathBuf> = local_headers(Path::new(file), &text, &[]);
        let mut i = 0;
        while i < headers.len() && headers.len() < MAX_HEADERS {
            if let Some(h) = read_text(&headers[i]) {
                for more in local_headers(&headers[i], &h, &[]) {
                    if !headers.contains(&more) && headers.len() < MAX_HEADERS {
                        headers.push(more);
                    }
                }
            }
            i += 1;
        }
        let config = match Config::find(Path::new(file)).map(|p| Config::load(&p)) {
            Some(Ok(c)) => c,
            Some(Err(e)) => {
                let _ = writeln!(stderr, "gfplint: error: {e}");
                return ExitCode::from(2);
            }
            None => Config::default(),
        };
        if verbose {
            let _ = writeln!(
                stderr,
                "gfplint: {}: {} CONFIG_ options{}, {blanked} lines in inactive branches, {} local headers",
                gfplint::report::escape::file_name(file),
                macros.config_count(),
                if macros.config_complete {
                    " (autoconf.h)"
                } else {
                    ""
                },
                headers.len()
            );
        }
        let mut files = vec![file.clone()];
        files.extend(headers.iter().map(|h| h.to_string_lossy().into_owned()));
        let options = gfplint::Options {
            jobs: 1,
            report_only: Some(vec![file.clone()]),
            overlay: vec![gfplint::Overlay::new(file, bytes)],
            ..config.options(config.levels.clone())
        };
        let outcome = gfplint::check_files(&files, Vec::new(), &options);
        let policy = options.lint_policy();
        for e in outcome.errors.iter().filter(|e| e.path == *file) {
            let _ = writeln!(stderr, "gfplint: error: {e}");
        }
        for d in &outcome.diagnostics {
            let _ = writeln!(stderr, "{}", gfplint::report::gcc::line(d));
            denied |= policy.fails_run(d);
        }
    }
    if denied && parsed.sparse_error {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A header's text, if it is a regular file under the size limit and UTF-8.
fn read_text(path: &Path) -> Option<String> {
    gfplint::bounded::read(path, gfplint::parse::MAX_FILE_BYTES)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
}
