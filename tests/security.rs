//! Untrusted input (issue 9): a pull request controls the source text, the file names,
//! the configuration and the baseline. Each reproduction of the issue is a test here.
//! Output is read the way the GitHub Actions runner reads a log (`workflow_commands`)
//! and the way the problem matcher reads the gcc format.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const FINDING: &str =
    "void f(void)\n{\n\tspin_lock(&l);\n\tp = kmalloc(8, GFP_KERNEL);\n\tspin_unlock(&l);\n}\n";

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("gfplint-sec-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        p
    }
    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn gfplint_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gfplint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// Runs gfplint, failing the test (instead of hanging it) after `limit`.
fn gfplint_within(dir: &Path, args: &[&str], limit: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gfplint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gfplint {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

/// The workflow commands the GitHub Actions runner would execute from `log`: it splits
/// on `\r` as well as `\n`; a line whose first non-blank characters are `::` is a
/// command; otherwise `##[name]` anywhere in a line is a legacy command.
fn workflow_commands(log: &str) -> Vec<String> {
    log.split(['\r', '\n'])
        .filter(|line| {
            line.trim_start().starts_with("::")
                || line.find("##[").is_some_and(|i| line[i..].contains(']'))
        })
        .map(str::to_string)
        .collect()
}

/// Control characters other than the line feed (and tab) in `text`.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{2028}')
        .collect()
}

#[test]
fn the_runner_helper_sees_commands() {
    assert_eq!(workflow_commands("a\r::error::x\nb").len(), 1);
    assert_eq!(workflow_commands("  ::warning file=a::b").len(), 1);
    assert_eq!(workflow_commands("x.c:1:1: y ##[add-mask]z").len(), 1);
    assert!(workflow_commands("a.c:1:1: error: a::b [lint]\n#[x]\n##[ x").is_empty());
}

/// The problem matcher shipped in .github, as a regex.
fn matcher() -> regex::Regex {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/gfplint-problem-matcher.json"),
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    regex::Regex::new(
        json["problemMatcher"][0]["pattern"][0]["regexp"]
            .as_str()
            .unwrap(),
    )
    .unwrap()
}

/// The README's escaping of file names, undone.
fn unescape_file_name(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        let (c, used) = match tail.as_bytes()[0] {
            b'\\' => ('\\', 1),
            b'n' => ('\n', 1),
            b'r' => ('\r', 1),
            b't' => ('\t', 1),
            b'x' => (char::from(u8::from_str_radix(&tail[1..3], 16).unwrap()), 3),
            b'u' => {
                let close = tail.find('}').unwrap();
                (
                    char::from_u32(u32::from_str_radix(&tail[2..close], 16).unwrap()).unwrap(),
                    close + 1,
                )
            }
            other => panic!("unknown escape \\{}", other as char),
        };
        out.push(c);
        rest = &tail[used..];
    }
    out.push_str(rest);
    out
}

const HOSTILE_NAMES: &[&str] = &[
    "\n::error file=x.c::forged.c",
    "cr\r::warning::forged.c",
    "##[add-mask]secret.c",
    "evil:7:7: error: forged [atomic-sleeping-gfp] x.c",
    "esc\x1b[2J\x1b]0;title\x07.c",
    "nel\u{85}\u{2028}\u{202e}.c",
    "back\\x3aslash.c",
];

/// A tree with a finding in each hostile name, hostile source text and a binary file
/// with a hostile name (an error line on stderr).
fn hostile_tree(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    for n in HOSTILE_NAMES {
        dir.write(n, FINDING.as_bytes());
    }
    dir.write(
        "text.c",
        b"/* gfplint: allow(x\r::error::INJECTED) */\n\
          /* gfplint: allow(y\r##[add-mask]z) */\n\
          void f(void)\n{\n\tspin_lock(&l); /* \r::error::in-snippet \x1b[31m ##[warning]w */\n\tp = kmalloc(8, GFP_KERNEL);\n\tspin_unlock(&l);\n}\n",
    );
    dir.write("\r::error::binary.c", b"\0\0\0");
    dir
}

#[test]
fn gcc_output_forges_no_command_and_names_files_faithfully() {
    let dir = hostile_tree("gcc");
    let o = gfplint_in(&dir.0, &["check", "--format", "gcc", "."]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let stdout = String::from_utf8(o.stdout.clone()).unwrap();
    let stderr = String::from_utf8(o.stderr.clone()).unwrap();
    assert_eq!(workflow_commands(&stdout), Vec::<String>::new(), "{stdout}");
    assert_eq!(workflow_commands(&stderr), Vec::<String>::new(), "{stderr}");
    assert_eq!(raw_controls(&stdout), Vec::<char>::new(), "{stdout}");
    assert_eq!(raw_controls(&stderr), Vec::<char>::new(), "{stderr}");
    // Every line is read by the problem matcher as the finding's own file and line.
    let re = matcher();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), HOSTILE_NAMES.len() + 3, "{stdout}");
    let mut files = Vec::new();
    for line in &lines {
        let c = re
            .captures(line)
            .unwrap_or_else(|| panic!("matcher misses {line:?}"));
        let file = unescape_file_name(&c[1]);
        assert!(
            dir.0.join(&file).is_file(),
            "matcher reads file {:?}",
            &c[1]
        );
        files.push(file);
        if c[6].starts_with("atomic-") {
            assert!(&c[2] == "4" || &c[2] == "6", "{line}");
        }
    }
    for n in HOSTILE_NAMES {
        assert!(
            files.contains(&format!("./{n}")),
            "{n:?} not named in {files:?}"
        );
    }
    // The binary file is named on stderr, escaped.
    assert!(
        stderr.contains("gfplint: error: ./\\r\\x3a\\x3aerror\\x3a\\x3abinary.c: binary file"),
        "{stderr}"
    );
}

#[test]
fn issue_reproduction_suppression_comment_with_cr() {
    let dir = TempDir::new("repro");
    dir.write(
        "x.c",
        b"/* gfplint: allow(x\r::error::INJECTED) */\nvoid h(void){}\n",
    );
    let o = gfplint_in(&dir.0, &["check", "-q", "--format", "gcc", "."]);
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert!(stdout.contains("INJECTED"), "{stdout}");
    assert_eq!(workflow_commands(&stdout), Vec::<String>::new(), "{stdout}");
}

#[test]
fn human_output_forges_no_command_and_cuts_long_lines() {
    let dir = hostile_tree("human");
    let long = format!(
        "void g(void)\n{{\n\tspin_lock(&l);\n\tint {}; p = kmalloc(8, GFP_KERNEL); {}\n\tspin_unlock(&l);\n}}\n",
        "x".repeat(200_000),
        "y".repeat(200_000)
    );
    dir.write("long.c", long.as_bytes());
    // A call longer than the window on its line.
    let wide = format!(
        "void h(void)\n{{\n\tspin_lock(&l);\n\tp = kmalloc({}8, GFP_KERNEL);\n\tspin_unlock(&l);\n}}\n",
        "x+".repeat(5000)
    );
    dir.write("wide.c", wide.as_bytes());
    let o = gfplint_in(&dir.0, &["check", "--color", "never", "."]);
    let stdout = String::from_utf8(o.stdout.clone()).unwrap();
    let stderr = String::from_utf8(o.stderr.clone()).unwrap();
    assert_eq!(workflow_commands(&stdout), Vec::<String>::new(), "{stdout}");
    assert_eq!(workflow_commands(&stderr), Vec::<String>::new(), "{stderr}");
    assert_eq!(raw_controls(&stdout), Vec::<char>::new(), "{stdout}");
    // The snippet of the long line is cut around the call, and its column is the file's.
    let longest = stdout.lines().map(str::len).max().unwrap();
    assert!(longest < 1000, "a line of {longest} bytes");
    assert!(stdout.contains("./long.c:4:200012"), "{stdout}");
    assert!(stdout.contains("./wide.c:4:6"), "{stdout}");
    assert!(stdout.contains("…xxx"), "{stdout}");
    assert!(stdout.contains("p = kmalloc(8, GFP_KERNEL);"));
    // The hostile source text is shown, escaped.
    assert!(
        stdout.contains("spin_lock(&l); /*  ::error::in-snippet \\x1b[31m #\\x23[warning]w */"),
        "{stdout}"
    );
}

#[test]
fn github_json_and_sarif_keep_hostile_names_exact() {
    let dir = hostile_tree("machine");
    let o = gfplint_in(&dir.0, &["check", "--format", "github", "."]);
    let stdout = String::from_utf8(o.stdout).unwrap();
    let commands = workflow_commands(&stdout);
    assert_eq!(commands.len(), HOSTILE_NAMES.len() + 3, "{stdout}");
    assert!(
        commands
            .iter()
            .all(|c| c.starts_with("::error file=") || c.starts_with("::warning file="))
    );
    let o = gfplint_in(&dir.0, &["check", "--format", "json", "."]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let files: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    for n in HOSTILE_NAMES {
        assert!(files.contains(&format!("./{n}").as_str()), "{n:?}");
    }
    let o = gfplint_in(&dir.0, &["check", "--format", "sarif", "."]);
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!String::from_utf8(o.stdout).unwrap().contains('\r'));
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        HOSTILE_NAMES.len() + 3
    );
}

#[test]
fn sarif_columns_are_code_points() {
    let dir = TempDir::new("sarif-cols");
    // Three two-byte characters before the call: byte column 13, code point column 10.
    dir.write(
        "u.c",
        "void f(void)\n{\n\tspin_lock(&l);\n\t/*ééé*/ p = kmalloc(8, GFP_KERNEL);\n\tspin_unlock(&l);\n}\n".as_bytes(),
    );
    let o = gfplint_in(&dir.0, &["check", "--format", "sarif", "."]);
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let region = &run["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startColumn"], 14, "{region}");
    assert_eq!(region["endColumn"], 36, "{region}");
    let o = gfplint_in(&dir.0, &["check", "--format", "gcc", "."]);
    assert!(
        String::from_utf8(o.stdout)
            .unwrap()
            .starts_with("./u.c:4:17:")
    );
}

#[test]
fn hostile_config_strings_are_escaped_on_stderr() {
    let dir = TempDir::new("config-strings");
    dir.write(
        "gfplint.toml",
        b"[lints]\n\"x\\r::error::cfg\" = \"deny\"\n\"y##[add-mask]z\" = \"deny\"\n",
    );
    dir.write("a.c", FINDING.as_bytes());
    let o = gfplint_in(&dir.0, &["check", "--format", "gcc", "."]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert!(stderr.contains("cfg"), "{stderr}");
    assert_eq!(workflow_commands(&stderr), Vec::<String>::new(), "{stderr}");
    assert_eq!(raw_controls(&stderr), Vec::<char>::new(), "{stderr}");
}

// Bounded reads.

#[test]
fn config_symlinked_to_dev_zero_is_refused() {
    let dir = TempDir::new("config-zero");
    dir.write("a.c", FINDING.as_bytes());
    std::os::unix::fs::symlink("/dev/zero", dir.join("gfplint.toml")).unwrap();
    let o = gfplint_within(&dir.0, &["check", "."], Duration::from_secs(20));
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert!(
        stderr.contains("gfplint.toml:0:0: a character device, not a regular file"),
        "{stderr}"
    );
    let o = gfplint_within(
        &dir.0,
        &["check", "--config", "/dev/zero", "a.c"],
        Duration::from_secs(20),
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn fifo_config_and_baseline_do_not_block() {
    let dir = TempDir::new("fifo");
    dir.write("a.c", FINDING.as_bytes());
    mkfifo(&dir.join("fifo"));
    for args in [
        &["check", "--config", "fifo", "a.c"][..],
        &["check", "--baseline", "fifo", "a.c"][..],
        &["check", "--write-baseline", "fifo", "a.c"][..],
    ] {
        let o = gfplint_within(&dir.0, args, Duration::from_secs(20));
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(o.stderr).unwrap();
        assert!(
            stderr.contains("fifo") && stderr.contains("a FIFO"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn oversized_baseline_is_refused() {
    let dir = TempDir::new("big-baseline");
    dir.write("a.c", FINDING.as_bytes());
    let f = std::fs::File::create(dir.join("baseline.json")).unwrap();
    f.set_len(1 << 40).unwrap(); // sparse: 1 TiB of zeros
    let o = gfplint_within(
        &dir.0,
        &["check", "--baseline", "baseline.json", "a.c"],
        Duration::from_secs(20),
    );
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert!(stderr.contains("above the 67108864 byte limit"), "{stderr}");
}

#[test]
fn bad_baseline_paths_fail_before_the_analysis() {
    let dir = TempDir::new("early-baseline");
    // Analysing this file would print an error of its own.
    dir.write("bin.c", b"\0");
    dir.write("a.c", FINDING.as_bytes());
    for args in [
        &["check", "--baseline", "missing.json", "."][..],
        &["check", "--write-baseline", "no/such/dir/b.json", "."][..],
        &["check", "--write-baseline", ".", "."][..],
    ] {
        let o = gfplint_in(&dir.0, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(o.stderr).unwrap();
        assert!(!stderr.contains("bin.c"), "analysis ran first: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

// Nothing skipped in silence.

#[test]
fn special_files_are_named() {
    let dir = TempDir::new("special");
    dir.write("a.c", FINDING.as_bytes());
    mkfifo(&dir.join("pipe.c"));
    let o = gfplint_within(
        &dir.0,
        &["check", "--format", "gcc", "."],
        Duration::from_secs(20),
    );
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert!(
        stderr.contains("gfplint: error: ./pipe.c: a FIFO, not a regular file; skipped"),
        "{stderr}"
    );
    let o = gfplint_within(&dir.0, &["check", "pipe.c"], Duration::from_secs(20));
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert!(
        stderr.contains("gfplint: error: pipe.c: a FIFO, not a regular file; skipped"),
        "{stderr}"
    );
}

#[test]
fn symlinks_to_sources_are_followed_once_and_others_named() {
    let dir = TempDir::new("symlinks");
    let outside = TempDir::new("symlinks-outside");
    outside.write("out.c", FINDING.as_bytes());
    dir.write("tree/real/a.c", FINDING.as_bytes());
    dir.write("tree/other/b.c.orig", FINDING.as_bytes());
    std::os::unix::fs::symlink("../real/a.c", dir.join("tree/link/a.c")).ok();
    std::fs::create_dir_all(dir.join("tree/link")).unwrap();
    std::os::unix::fs::symlink("../real/a.c", dir.join("tree/link/a.c")).unwrap();
    std::os::unix::fs::symlink("../other/b.c.orig", dir.join("tree/link/b.c")).unwrap();
    std::os::unix::fs::symlink(outside.join("out.c"), dir.join("tree/link/out.c")).unwrap();
    std::os::unix::fs::symlink("missing.c", dir.join("tree/link/broken.c")).unwrap();
    let o = gfplint_in(&dir.0, &["check", "--format", "gcc", "tree"]);
    let stdout = String::from_utf8(o.stdout).unwrap();
    let stderr = String::from_utf8(o.stderr).unwrap();
    // a.c once (the link duplicates it), b.c through its link.
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(stdout.contains("tree/real/a.c:4:"), "{stdout}");
    assert!(stdout.contains("tree/link/b.c:4:"), "{stdout}");
    assert!(
        stderr.contains("tree/link/out.c: symbolic link to a file outside"),
        "{stderr}"
    );
    assert!(
        stderr.contains("tree/link/broken.c: broken symbolic link"),
        "{stderr}"
    );
}

// Resource errors.

#[test]
fn stdout_closed_early_is_quiet() {
    let dir = TempDir::new("epipe");
    for i in 0..200 {
        dir.write(&format!("f{i:03}.c"), FINDING.as_bytes());
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_gfplint"))
        .args(["check", "-q", "--format", "gcc", "."])
        .current_dir(&dir.0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8(o.stderr).unwrap(), "");
    assert_eq!(o.status.code(), Some(1), "the findings' status");
}

#[test]
fn full_disk_on_stdout_is_reported() {
    let dir = TempDir::new("enospc");
    dir.write("a.c", FINDING.as_bytes());
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_gfplint"))
        .args(["check", "-q", "--format", "gcc", "."])
        .current_dir(&dir.0)
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert!(
        stderr.contains("gfplint: error: cannot write the report to stdout"),
        "{stderr}"
    );
    // `lints` and `explain` too.
    for args in [&["lints"][..], &["explain", "atomic-sleeping-gfp"][..]] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_gfplint"))
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn no_worker_threads_is_a_clear_error() {
    // Worker threads have 16 MiB stacks: under a 512 MiB address-space limit, 64 of
    // them cannot be created (a limit that applies to root too, unlike `ulimit -u`).
    let dir = TempDir::new("threads");
    for i in 0..64 {
        dir.write(&format!("f{i:02}.c"), FINDING.as_bytes());
    }
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 524288; exec '{}' check -j 64 .",
            env!("CARGO_BIN_EXE_gfplint")
        ))
        .current_dir(&dir.0)
        .output()
        .unwrap();
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("gfplint: error: cannot start 64 worker threads"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn files_too_large_to_analyse_in_bounded_memory_are_named() {
    // Dense code peaks at ~75x its size; the limit is 32 MiB (README, "Security").
    let dir = TempDir::new("dense-limit");
    let f = std::fs::File::create(dir.join("big.c")).unwrap();
    f.set_len(40 << 20).unwrap();
    dir.write("a.c", FINDING.as_bytes());
    let o = gfplint_in(&dir.0, &["check", "-q", "--format", "gcc", "."]);
    let stderr = String::from_utf8(o.stderr).unwrap();
    assert!(
        stderr.contains("./big.c: file is 41943040 bytes, above the 33554432 byte limit, skipped"),
        "{stderr}"
    );
}
