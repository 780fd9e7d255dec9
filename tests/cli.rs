//! The command line on bad input: exit statuses, one-line errors naming the file,
//! deterministic output whatever the thread count, and the gcc format's shape.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FINDING: &str =
    "void f(void)\n{\n\tspin_lock(&l);\n\tp = kmalloc(8, GFP_KERNEL);\n\tspin_unlock(&l);\n}\n";
const CLEAN: &str = "void g(void)\n{\n\tp = kmalloc(8, GFP_KERNEL);\n}\n";

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("gfplint-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, bytes).unwrap();
        p
    }
    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn gfplint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gfplint"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stderr_lines(o: &Output) -> Vec<String> {
    String::from_utf8(o.stderr.clone())
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn error_lines(o: &Output) -> Vec<String> {
    stderr_lines(o)
        .into_iter()
        .filter(|l| l.starts_with("gfplint: error:"))
        .collect()
}

#[test]
fn missing_path_is_one_line_and_exit_2() {
    let missing = "/nonexistent/gfplint-test/driver.c";
    let o = gfplint(&["check", missing]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let naming: Vec<String> = stderr_lines(&o)
        .into_iter()
        .filter(|l| l.contains(missing))
        .collect();
    assert_eq!(
        naming,
        vec![format!(
            "gfplint: error: {missing}: no such file or directory"
        )]
    );
    assert!(o.stdout.is_empty());
    // Nothing could be checked, said once.
    assert!(
        error_lines(&o)
            .iter()
            .any(|l| l.contains("nothing could be checked")),
        "{o:?}"
    );

    // A missing path next to a good one: the good one is checked, and the typo still
    // fails the run (exit 2), also with --exit-zero.
    let dir = TempDir::new("missing-and-good");
    let good = dir.write("good.c", FINDING.as_bytes());
    let o = gfplint(&[
        "check",
        "-q",
        "--format",
        "gcc",
        missing,
        good.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).lines().count(),
        1,
        "{o:?}"
    );
    let o = gfplint(&[
        "check",
        "-q",
        "--exit-zero",
        missing,
        good.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert_eq!(
        error_lines(&o),
        vec![format!(
            "gfplint: error: {missing}: no such file or directory"
        )]
    );
}

#[test]
fn bad_files_are_named_and_good_ones_analysed() {
    let dir = TempDir::new("bad-files");
    dir.write("good.c", FINDING.as_bytes());
    dir.write(
        "blob.c",
        &[0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0xff, 0xfe],
    );
    dir.write("latin1.h", b"/* Copyright (c) Fran\xe7ois */\nint x;\n");
    let o = gfplint(&["check", "-q", "--format", "gcc", dir.path()]);
    let errors = error_lines(&o);
    assert_eq!(errors.len(), 2, "{errors:?}");
    let blob = format!("{}/blob.c", dir.path());
    let latin1 = format!("{}/latin1.h", dir.path());
    // Sorted by path: blob.c before latin1.h.
    assert_eq!(
        errors[0],
        format!("gfplint: error: {blob}: binary file (contains NUL bytes), skipped")
    );
    assert_eq!(
        errors[1],
        format!("gfplint: error: {latin1}: not valid UTF-8 (first bad byte at 1:22), skipped")
    );
    let stdout = String::from_utf8(o.stdout.clone()).unwrap();
    assert!(
        stdout.starts_with(&format!("{}/good.c:4:6: error: ", dir.path())),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 1);
    assert_eq!(o.status.code(), Some(1), "findings in the good file");

    // Without findings in the good file: exit 0 despite the skipped files.
    std::fs::write(dir.0.join("good.c"), CLEAN).unwrap();
    let o = gfplint(&["check", "-q", dir.path()]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert_eq!(error_lines(&o).len(), 2);
    assert!(o.stdout.is_empty());

    // Only bad files: nothing could be checked.
    std::fs::remove_file(dir.0.join("good.c")).unwrap();
    let o = gfplint(&["check", "-q", dir.path()]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
}

#[test]
fn non_utf8_file_name_is_named_not_missing() {
    use std::os::unix::ffi::OsStrExt;
    let dir = TempDir::new("file-names");
    dir.write("good.c", CLEAN.as_bytes());
    std::fs::write(dir.0.join(std::ffi::OsStr::from_bytes(b"caf\xe9.c")), CLEAN).unwrap();
    let o = gfplint(&["check", "-q", dir.path()]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert_eq!(
        error_lines(&o),
        vec![format!(
            "gfplint: error: {}/caf\u{fffd}.c: file name is not valid UTF-8, skipped",
            dir.path()
        )]
    );
}

#[test]
fn huge_file_is_skipped_with_a_clear_error() {
    let dir = TempDir::new("huge");
    dir.write("good.c", FINDING.as_bytes());
    // Sparse: the size is what counts, and it is checked before reading.
    let huge = dir.write("huge.c", b"");
    std::fs::File::options()
        .write(true)
        .open(&huge)
        .unwrap()
        .set_len(gfplint::parse::MAX_FILE_BYTES + 1)
        .unwrap();
    let o = gfplint(&["check", "-q", dir.path()]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert_eq!(
        error_lines(&o),
        vec![format!(
            "gfplint: error: {}: file is {} bytes, above the {} byte limit, skipped",
            huge.display(),
            gfplint::parse::MAX_FILE_BYTES + 1,
            gfplint::parse::MAX_FILE_BYTES
        )]
    );
}

/// Whether this process can read a file whose mode is 000 (root can, and so can a
/// process with CAP_DAC_OVERRIDE): then chmod cannot make a file unreadable.
fn reads_through_chmod_000(dir: &TempDir) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.write("probe", b"x");
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::read(&probe).is_ok();
    std::fs::remove_file(&probe).unwrap();
    readable
}

#[test]
fn unreadable_file_and_directory() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("unreadable");
    // As root (or with CAP_DAC_OVERRIDE), chmod 000 does not stop reading: then run
    // gfplint as `nobody` through setpriv(1) when it is there, else skip the assertions.
    let privileged = reads_through_chmod_000(&dir);
    let setpriv = Path::new("/usr/bin/setpriv");
    if privileged && !setpriv.exists() {
        eprintln!("note: running as root without setpriv; unreadable-file assertions skipped");
        return;
    }
    dir.write("good.c", FINDING.as_bytes());
    let locked = dir.write("locked.c", FINDING.as_bytes());
    dir.write("sub/inner.c", FINDING.as_bytes());
    let sub = dir.0.join("sub");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o000)).unwrap();
    let args = ["check", "-q", "--format", "gcc", dir.path()];
    let o = if privileged {
        Command::new(setpriv)
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                env!("CARGO_BIN_EXE_gfplint"),
            ])
            .args(args)
            .output()
            .unwrap()
    } else {
        gfplint(&args)
    };
    // Restore, so the directory can be removed.
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(o.status.code(), Some(1), "good.c has a finding: {o:?}");
    assert_eq!(
        error_lines(&o),
        vec![
            format!("gfplint: error: {}: permission denied", locked.display()),
            format!("gfplint: error: {}: permission denied", sub.display()),
        ]
    );
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert!(
        stdout.starts_with(&format!("{}/good.c:", dir.path())) && stdout.lines().count() == 1,
        "{stdout}"
    );
}

fn write_several(dir: &TempDir) {
    for i in 0..12 {
        let mut text = String::new();
        for j in 0..=i {
            text.push_str(&FINDING.replace("void f(", &format!("void f{j}(")));
            text.push_str(&format!(
                "void v{j}(void) {{ rcu_read_lock(); q = vmalloc({j}); rcu_read_unlock(); }}\n"
            ));
        }
        dir.write(&format!("d{}/file{i}.c", i % 3), text.as_bytes());
    }
    dir.write("d0/bad.c", b"\xff\xfe");
    dir.write("d1/empty.h", b"");
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let dir = TempDir::new("determinism");
    write_several(&dir);
    for format in ["gcc", "json", "human"] {
        let one = gfplint(&[
            "check",
            "-j",
            "1",
            "--format",
            format,
            "--color",
            "never",
            dir.path(),
        ]);
        let two = gfplint(&[
            "check",
            "-j",
            "2",
            "--format",
            format,
            "--color",
            "never",
            dir.path(),
        ]);
        let many = gfplint(&[
            "check",
            "-j",
            "7",
            "--format",
            format,
            "--color",
            "never",
            dir.path(),
        ]);
        assert_eq!(one.status.code(), Some(1));
        assert!(!one.stdout.is_empty());
        assert!(
            one.stdout == two.stdout && one.stdout == many.stdout,
            "{format}: -j 1, -j 2 and -j 7 differ"
        );
        assert_eq!(error_lines(&one), error_lines(&two));
        assert_eq!(error_lines(&one), error_lines(&many));
    }
}

/// `^[^:]+:\d+:\d+: (error|warning): .* \[[a-z-]+\]$`, by hand (no regex dependency).
fn is_gcc_line(line: &str) -> bool {
    let mut parts = line.splitn(4, ':');
    let (Some(path), Some(l), Some(c), Some(rest)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let Some(rest) = rest
        .strip_prefix(" error: ")
        .or_else(|| rest.strip_prefix(" warning: "))
    else {
        return false;
    };
    let Some(open) = rest.rfind(" [") else {
        return false;
    };
    let lint = &rest[open + 2..];
    !path.is_empty()
        && digits(l)
        && digits(c)
        && lint.strip_suffix(']').is_some_and(|n| {
            !n.is_empty() && n.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        })
}

#[test]
fn gcc_format_lines_have_the_documented_shape() {
    assert!(is_gcc_line(
        "a/b.c:12:3: error: `kmalloc()` may sleep [atomic-sleeping-gfp]"
    ));
    assert!(!is_gcc_line("a/b.c:12: error: x [atomic-sleeping-gfp]"));
    assert!(!is_gcc_line("a/b.c:12:3: note: x [atomic-sleeping-gfp]"));
    let dir = TempDir::new("gcc-format");
    write_several(&dir);
    let o = gfplint(&["check", "-q", "--format", "gcc", dir.path()]);
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert!(stdout.lines().count() > 20);
    for line in stdout.lines() {
        assert!(is_gcc_line(line), "not a gcc line: {line:?}");
    }
    assert!(stdout.contains(": warning: ") || stdout.contains(": error: "));
}

#[test]
fn exit_status_follows_findings() {
    let dir = TempDir::new("exit-status");
    let clean = dir.write("clean.c", CLEAN.as_bytes());
    let finding = dir.write("finding.c", FINDING.as_bytes());
    let o = gfplint(&["check", "-q", clean.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(o.stdout.is_empty() && o.stderr.is_empty(), "{o:?}");
    let o = gfplint(&["check", "-q", finding.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    // An absurd thread count is clamped to the number of files, not honoured.
    let started = std::time::Instant::now();
    let o = gfplint(&["check", "-q", "-j", "100000", finding.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(started.elapsed().as_secs() < 20);
    // Hostile but valid text is analysed, not an error.
    let deep = dir.write(
        "deep.c",
        format!("void d(void) {{ {} }}", "{".repeat(10_000)).as_bytes(),
    );
    let o = gfplint(&["check", "-q", deep.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(Path::new(&deep).exists());
}

/// `summarize` on the fixture's miniature kernel, then `check --summaries` on its
/// driver: the finding through the summarised API names the chain inside the kernel,
/// in the message and in a JSON note; `--summaries none` turns it off; a damaged or
/// foreign file is a clear error.
#[test]
fn summaries_from_a_tree_reach_a_driver() {
    let dir = TempDir::new("summaries");
    let file = format!("{}/mini.gfpsum", dir.path());
    let root = env!("CARGO_MANIFEST_DIR");
    let kernel = format!("{root}/testdata/summaries/kernel");
    let driver = format!("{root}/testdata/summaries/driver");
    let o = gfplint(&["summarize", &kernel, "-o", &file, "--name", "mini 1.0"]);
    assert!(o.status.success(), "{:?}", stderr_lines(&o));
    let o = gfplint(&[
        "check",
        "--no-cache",
        "--format",
        "json",
        "--summaries",
        &file,
        &driver,
    ]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("regulator_enable → _regulator_enable → _regulator_do_enable → usleep_range (drivers/regulator/core.c:17 in mini 1.0)"),
        "{out}"
    );
    assert!(
        out.contains(
            "`_regulator_do_enable()` calls `usleep_range()` at drivers/regulator/core.c:17"
        ),
        "{out}"
    );
    // Facts through parameters and allocator wrappers (`show-summaries` prints JSON
    // lines): these were empty while parameter names were not read back.
    let o = gfplint(&[
        "show-summaries",
        &file,
        "mini_lock_dev",
        "mini_vbuf_free",
        "mini_vbuf_checked",
    ]);
    let shown = String::from_utf8(o.stdout).unwrap();
    for fact in [
        r#""locks":[{"acquires":true,"kind":"spinlock","param":0}]"#,
        r#""frees":[{"param":0,"families":["vmalloc"]}]"#,
        r#""returns":"vmalloc""#,
    ] {
        assert!(shown.contains(fact), "{fact} not in {shown}");
    }
    let o = gfplint(&[
        "check",
        "--no-cache",
        "--format",
        "json",
        "--summaries",
        "none",
        &driver,
    ]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(!out.contains("regulator_enable → "), "{out}");
    let bad = dir.write("bad.gfpsum", b"GFPLSUM\0garbage garbage");
    let o = gfplint(&[
        "check",
        "--no-cache",
        "--summaries",
        bad.to_str().unwrap(),
        &driver,
    ]);
    assert_eq!(o.status.code(), Some(2));
    let errors = error_lines(&o);
    assert!(
        errors.len() == 1 && errors[0].contains("bad.gfpsum") && errors[0].contains("summary"),
        "{errors:?}"
    );
}

/// `--kconfig FILE`: the configuration decides conditionals and which files are built;
/// an unreadable file is a usage error.
#[test]
fn kconfig_flag() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/kconfig");
    let config = format!("{dir}/dot-config");
    let with = gfplint(&[
        "check",
        "--no-cache",
        "--format",
        "gcc",
        "--kconfig",
        &config,
        dir,
    ]);
    let without = gfplint(&["check", "--no-cache", "--format", "gcc", dir]);
    let lines = |o: &Output| String::from_utf8_lossy(&o.stdout).lines().count();
    assert_eq!(with.status.code(), Some(1), "{with:?}");
    assert_eq!(
        (lines(&with), lines(&without)),
        (2, 7),
        "{with:?} {without:?}"
    );
    let missing = gfplint(&["check", "--kconfig", "/nonexistent/gfplint/.config", dir]);
    assert_eq!(missing.status.code(), Some(2), "{missing:?}");
    assert_eq!(error_lines(&missing).len(), 1, "{missing:?}");
}
