//! Command-line conventions other linters set: lint selection flags over the
//! configuration, --statistics, --exit-zero, stdin input, suggestions on typos, parse
//! errors in the summary, colour variables, completions and the man page, and
//! patch-aware runs (--diff) on a scratch git repository.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh project directory (no `.git` unless `git_init`), removed on drop.
struct Project(PathBuf);

impl Project {
    fn new() -> Project {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("gfplint-conv-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Project(dir)
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_gfplint"));
        c.args(args)
            .current_dir(&self.0)
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("CLICOLOR");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut c = self.command(args);
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    }

    fn run_stdin(&self, args: &[&str], input: &str) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A run that rejects its arguments exits without reading stdin: the write then
        // meets a closed pipe, which is not the test's failure.
        match child.stdin.take().unwrap().write_all(input.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            r => r.unwrap(),
        }
        child.wait_with_output().unwrap()
    }

    fn git(&self, args: &[&str]) -> Output {
        let o = Command::new("git")
            .args(args)
            .current_dir(&self.0)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.org")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.org")
            .output()
            .unwrap();
        assert!(o.status.success(), "git {args:?}: {o:?}");
        o
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// atomic-sleeping-gfp at line 4.
const BUG: &str = "void f(spinlock_t *l, void **p)\n{\n\tspin_lock(l);\n\t*p = kmalloc(8, GFP_KERNEL);\n\tspin_unlock(l);\n}\n";
/// alloc-free-mismatch at line 5.
const MISMATCH: &str =
    "void g(size_t n)\n{\n\tvoid *t = kvmalloc(n, GFP_KERNEL);\n\tuse(t);\n\tkfree(t);\n}\n";

#[test]
fn level_flags_override_the_configuration() {
    let p = Project::new();
    p.write("a.c", BUG);
    let gcc = ["check", "-q", "--format", "gcc", "a.c"];
    let with = |extra: &[&str]| p.run(&[&gcc[..], extra].concat());
    let o = with(&[]);
    assert_eq!(o.status.code(), Some(1));
    // -A drops, -W demotes, --ignore drops, --select of another lint drops.
    for flags in [
        &["-A", "atomic-sleeping-gfp"][..],
        &["--ignore", "atomic-sleeping-gfp"],
        &["--select", "slab-waste,devm-free"],
    ] {
        let o = with(flags);
        assert_eq!(o.status.code(), Some(0), "{flags:?}: {}", stderr(&o));
        assert_eq!(stdout(&o), "", "{flags:?}");
    }
    let o = with(&["-W", "atomic-sleeping-gfp"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains(": warning: "), "{}", stdout(&o));
    // A later flag wins; the command line wins over gfplint.toml.
    p.write("gfplint.toml", "[lints]\natomic-sleeping-gfp = \"allow\"\n");
    assert_eq!(with(&[]).status.code(), Some(0));
    let o = with(&["-W", "atomic-sleeping-gfp", "-D", "atomic-sleeping-gfp"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains(": error: "));
    let o = with(&["--select", "atomic-sleeping-gfp"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // --exit-zero: the findings are printed, the status is 0.
    let o = with(&["--select", "atomic-sleeping-gfp", "--exit-zero"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).lines().count(), 1);
    // A typo: exit 2 with a suggestion.
    let o = with(&["-D", "atomic-sleping-gfp"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .contains("unknown lint `atomic-sleping-gfp` (did you mean `atomic-sleeping-gfp`?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn lint_names_are_suggested_everywhere() {
    let p = Project::new();
    let o = p.run(&["explain", "slab-wast"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `slab-waste`?"),
        "{}",
        stderr(&o)
    );
    let o = p.run(&["explain", "zzzz"]);
    assert!(!stderr(&o).contains("did you mean"), "{}", stderr(&o));
    p.write("gfplint.toml", "[lints]\ndevm_free = \"deny\"\n");
    p.write("a.c", BUG);
    let o = p.run(&["check", "a.c"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `devm-free`?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn statistics_count_per_lint() {
    let p = Project::new();
    p.write("a.c", BUG);
    p.write(
        "b.c",
        &format!("{MISMATCH}{}", MISMATCH.replace("g(", "h(")),
    );
    let o = p.run(&["check", "-q", "--statistics", "."]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "      2  alloc-free-mismatch      deny\n      1  atomic-sleeping-gfp      deny\n"
    );
}

#[test]
fn stdin_source_stands_for_its_file_name() {
    let p = Project::new();
    // Not on disk: the buffer is analysed under its name.
    let o = p.run_stdin(
        &[
            "check",
            "--format",
            "gcc",
            "--stdin-filename",
            "drv/new.c",
            "-",
        ],
        BUG,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("drv/new.c:4:7: error: "),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains("1 finding (1 error, 0 warnings) in 1 file,"),
        "{}",
        stderr(&o)
    );
    // On disk and clean, the unsaved buffer has the bug: the buffer wins, and the
    // human format shows the buffer's line.
    p.write("drv/old.c", "void f(void)\n{\n}\n");
    let o = p.run_stdin(
        &[
            "check",
            "--color",
            "never",
            "--stdin-filename",
            "drv/old.c",
            "-",
        ],
        BUG,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("kmalloc(8, GFP_KERNEL)"),
        "{}",
        stdout(&o)
    );
    // `-` without a name is a usage error.
    let o = p.run_stdin(&["check", "-"], BUG);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--stdin-filename"), "{}", stderr(&o));
}

#[test]
fn parse_errors_are_counted_and_listed() {
    let p = Project::new();
    p.write("a.c", BUG);
    p.write("bad.c", "void f(void)\n{\n\tint x = ;\n}\n");
    let o = p.run(&["check", "--format", "gcc", "."]);
    let e = stderr(&o);
    assert!(
        e.contains("in 2 files, 1 file with parse errors (--show-parse-errors),"),
        "{e}"
    );
    let o = p.run(&["check", "--format", "gcc", "--show-parse-errors", "."]);
    let e = stderr(&o);
    assert!(e.contains("./bad.c:3:"), "{e}");
    assert!(e.contains(": parse error (1 error in the file"), "{e}");
}

#[test]
fn colour_follows_the_environment() {
    let p = Project::new();
    p.write("a.c", BUG);
    let colour = |env: &[(&str, &str)]| {
        let o = p.run_env(&["check", "-q", "a.c"], env);
        stdout(&o).contains("\x1b[")
    };
    // stdout is a pipe here: no colour unless forced.
    assert!(!colour(&[]));
    assert!(colour(&[("CLICOLOR_FORCE", "1")]));
    // An empty NO_COLOR is unset (no-color.org); a non-empty one wins over the force.
    assert!(colour(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")]));
    assert!(!colour(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]));
    let o = p.run_env(
        &["check", "-q", "--color", "always", "a.c"],
        &[("NO_COLOR", "1")],
    );
    assert!(stdout(&o).contains("\x1b["), "--color always wins");
}

#[test]
fn completions_and_man_page() {
    let p = Project::new();
    for shell in ["bash", "zsh", "fish"] {
        let o = p.run(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0));
        assert!(stdout(&o).contains("stdin-filename"), "{shell}");
    }
    let o = p.run(&["man"]);
    assert_eq!(o.status.code(), Some(0));
    let man = stdout(&o);
    assert!(man.contains(".TH gfplint 1"), "{man}");
    // The check page lists every option.
    let o = p.run(&["man", "check"]);
    assert_eq!(o.status.code(), Some(0));
    let man = stdout(&o);
    assert!(man.contains(".TH gfplint-check 1"), "{man}");
    for flag in [
        r"\-\-stdin\-filename",
        r"\-\-diff\-output",
        r"\-\-exit\-zero",
        r"\-\-select",
    ] {
        assert!(man.contains(flag), "{flag}");
    }
    assert_eq!(p.run(&["man", "nope"]).status.code(), Some(2));
}

/// A helper that allocates in one file, callers in others, an old bug; patches that
/// change only the lock line, or only the call into the helper.
#[test]
fn diff_reports_what_a_patch_touches() {
    let p = Project::new();
    p.git(&["init", "-q", "."]);
    let helper = "void helper(void **p)\n{\n\t*p = kmalloc(8, GFP_KERNEL);\n}\n";
    let caller = "void caller(spinlock_t *l, void **p)\n{\n\tspin_lock(l);\n\tspin_unlock(l);\n}\n";
    let direct = "void d(struct mutex *m, void **p)\n{\n\tmutex_lock(m);\n\t*p = kmalloc(8, GFP_KERNEL);\n\tmutex_unlock(m);\n}\n";
    p.write("helper.c", helper);
    p.write("caller.c", caller);
    p.write("direct.c", direct);
    p.write("old.c", BUG);
    p.git(&["add", "."]);
    p.git(&["commit", "-q", "-m", "base"]);
    let run = |args: &[&str]| p.run(&[&["check", "-q", "--format", "gcc"][..], args].concat());
    // Nothing changed: the old finding is not reported, and the run passes.
    let o = run(&["--diff", "HEAD", "."]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o), "");
    // The patch calls the helper under the lock (the finding is in the unchanged
    // helper, a hop of its chain on a changed line), and turns the mutex into a
    // spinlock (the allocation line is unchanged, the lock line is not).
    p.write(
        "caller.c",
        &caller.replace("spin_lock(l);\n", "spin_lock(l);\n\thelper(p);\n"),
    );
    p.write(
        "direct.c",
        &direct
            .replace("struct mutex *m", "spinlock_t *m")
            .replace("mutex_lock", "spin_lock")
            .replace("mutex_unlock", "spin_unlock"),
    );
    let o = run(&["--diff", "HEAD", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains("./direct.c:4:7: error: "), "{out}");
    assert!(out.contains("./helper.c:3:7: error: "), "{out}");
    // The same patch on stdin.
    let patch = stdout(&p.git(&["diff", "HEAD"]));
    let o = p.run_stdin(
        &["check", "-q", "--format", "gcc", "--diff", "-", "."],
        &patch,
    );
    assert_eq!(stdout(&o), out, "{}", stderr(&o));
    // Without --diff, the old finding too; the summary says what the diff left out.
    assert_eq!(stdout(&run(&["."])).lines().count(), 3);
    let o = p.run(&["check", "--format", "gcc", "--diff", "HEAD", "."]);
    assert!(
        stderr(&o).contains("(1 more outside the diff)"),
        "{}",
        stderr(&o)
    );
    // A bad revision is a clear error.
    let o = run(&["--diff", "no-such-rev", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--diff no-such-rev"), "{}", stderr(&o));
}

#[test]
fn an_empty_selection_says_why() {
    let p = Project::new();
    p.write("foo_main.c", BUG);
    p.write("gfplint.toml", "[files]\ninclude = [\"drivers/**\"]\n");
    let o = p.run(&["check", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "gfplint: note: 1 C file found, none selected by `[files]` include/exclude in "
        ),
        "{}",
        stderr(&o)
    );
}

/// The configuration example of README.md, copied as written into a driver
/// repository, checks the driver.
#[test]
fn readme_configuration_works_in_a_driver_repository() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("```toml\n# Per-lint level").unwrap() + "```toml\n".len();
    let example = &readme[start..][..readme[start..].find("```").unwrap()];
    let p = Project::new();
    p.write("gfplint.toml", example);
    p.write("foo_main.c", BUG);
    let o = p.run(&["check", "-q", "--format", "gcc", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("foo_main.c:4:7: error: "),
        "{}",
        stdout(&o)
    );
}

/// The walk respects .gitignore and skips hidden directories and the kernel's
/// userspace and generated files; gfplint.toml can replace the default excludes and
/// --no-ignore turns all of it off.
#[test]
fn walk_skips_ignored_hidden_and_userspace_files() {
    let p = Project::new();
    for f in [
        "drivers/a.c",
        "drivers/a.mod.c",
        "out/gen.c",
        ".pc/old.c",
        "tools/testing/t.c",
    ] {
        p.write(f, BUG);
    }
    p.write(".gitignore", "out/\n");
    let files = |args: &[&str]| -> Vec<String> {
        let o = p.run(&[&["check", "-q", "--format", "gcc"][..], args, &["."]].concat());
        let mut v: Vec<String> = stdout(&o)
            .lines()
            .map(|l| l.split(':').next().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(files(&[]), ["./drivers/a.c"]);
    assert_eq!(files(&["--no-ignore"]).len(), 5);
    p.write("gfplint.toml", "[files]\ndefault_exclude = [\"*.mod.c\"]\n");
    assert_eq!(files(&[]), ["./drivers/a.c", "./tools/testing/t.c"]);
    // A directory under a default exclude, named on the command line, is checked.
    p.write("gfplint.toml", "");
    let o = p.run(&["check", "-q", "--format", "gcc", "tools/testing"]);
    assert!(
        stdout(&o).starts_with("tools/testing/t.c:"),
        "{}",
        stdout(&o)
    );
}

/// kbuild's `$(CHECK) $(CHECKFLAGS) $(c_flags) file.c` on a miniature configured tree:
/// the forced kconfig.h pulls in generated/autoconf.h, whose CONFIG_ values decide the
/// conditionals; findings come out on stderr as sparse's warnings do; exit 0 unless
/// -Wsparse-error.
#[test]
fn checker_mode_takes_kbuild_arguments_and_the_configuration() {
    let p = Project::new();
    p.write(
        "include/generated/autoconf.h",
        "#define CONFIG_FOO_LOCKED 1\n#define CONFIG_BAR_MODULE 1\n",
    );
    p.write(
        "include/linux/kconfig.h",
        "#ifndef __LINUX_KCONFIG_H\n#define __LINUX_KCONFIG_H\n#include <generated/autoconf.h>\n#endif\n",
    );
    // Configured in: the locked path (a bug); configured out: the dead path, whose
    // allocation under its lock would otherwise be reported.
    p.write(
        "drivers/foo/foo.c",
        "#include \"foo.h\"\nvoid f(spinlock_t *l, void **p)\n{\n#ifdef CONFIG_FOO_LOCKED\n\tspin_lock(l);\n#endif\n\t*p = kmalloc(FOO_SIZE, GFP_KERNEL);\n#if IS_ENABLED(CONFIG_FOO_LOCKED)\n\tspin_unlock(l);\n#endif\n}\n\
void g(spinlock_t *l, void **p)\n{\n#if defined(CONFIG_FOO_DEBUG) && IS_ENABLED(CONFIG_BAR)\n\tspin_lock(l);\n\t*p = vmalloc(8192);\n\tspin_unlock(l);\n#endif\n}\n",
    );
    p.write("drivers/foo/foo.h", "#define FOO_SIZE 64\n");
    let kbuild = [
        "-D__linux__",
        "-Dlinux",
        "-D__STDC__",
        "-Dunix",
        "-D__unix__",
        "-Wbitwise",
        "-Wno-return-void",
        "-Wno-unknown-attribute",
        "-D__x86_64__",
        "--arch=x86",
        "-mlittle-endian",
        "-m64",
        "-Wp,-MMD,drivers/foo/.foo.o.d",
        "-nostdinc",
        "-I./arch/x86/include",
        "-I./include",
        "-include",
        "./include/linux/kconfig.h",
        "-D__KERNEL__",
        "-fno-strict-aliasing",
        "-std=gnu11",
        "-O2",
        "-DKBUILD_MODNAME=\"foo\"",
        "-D__KBUILD_MODNAME=kmod_foo",
        "drivers/foo/foo.c",
    ];
    let o = p.run(&kbuild);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    let lines: Vec<String> = stderr(&o).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("drivers/foo/foo.c:7:7: error: "),
        "{lines:?}"
    );
    assert!(lines[0].ends_with("[atomic-sleeping-gfp]"), "{lines:?}");
    // Configured out: nothing.
    p.write(
        "include/generated/autoconf.h",
        "#define CONFIG_FOO_DEBUG 1\n",
    );
    let o = p.run(&kbuild);
    assert_eq!(stderr(&o), "");
    // Without a configuration, both branches are analysed (as `gfplint check` does).
    let o = p.run(&["sparse", "drivers/foo/foo.c"]);
    assert_eq!(stderr(&o).lines().count(), 2, "{}", stderr(&o));
    // -Wsparse-error: a deny finding fails the command.
    p.write(
        "include/generated/autoconf.h",
        "#define CONFIG_FOO_LOCKED 1\n",
    );
    let o = p.run(&[&kbuild[..], &["-Wsparse-error"]].concat());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

/// --diff-output shows the mechanical fixes, --fix applies them; analysed again, the
/// fixed findings are gone and the atomic one (never fixed by changing flags) stays.
#[test]
fn fixes_apply_and_leave_nothing_fixable() {
    let p = Project::new();
    let source = "\
struct item { int a; };
struct dev { struct device *dev; struct item *items; u32 *regs; size_t count, nregs; };

void *grow(struct dev *d, size_t n)
{
\tstruct item *p;

\tp = kmalloc(n * sizeof(*p), GFP_KERNEL);
\td->items = kzalloc(d->count * sizeof(struct item), GFP_KERNEL);
\td->regs = devm_kzalloc(d->dev, d->nregs * sizeof(u32), GFP_KERNEL);
\treturn p;
}

void table(size_t n)
{
\tvoid *t = kvmalloc(n, GFP_KERNEL);

\tuse(t);
\tkfree(t);
}

int probe(struct device *dev)
{
\tvoid *b = devm_kzalloc(dev, 64, GFP_KERNEL);

\tif (!b)
\t\treturn -ENOMEM;
\tkfree(b);
\treturn 0;
}

void f(spinlock_t *l, void **p)
{
\tspin_lock(l);
\t*p = kmalloc(8, GFP_KERNEL);
\tspin_unlock(l);
}
";
    p.write("drv.c", source);
    // The products of fields of unknown type are alloc-size-arith's (allow by default).
    // (alloc-size-overflow is off by default too.)
    p.write(
        "gfplint.toml",
        "[lints]\nalloc-size-arith = \"warn\"\nalloc-size-overflow = \"warn\"\n",
    );
    let lints = |o: &Output| -> Vec<String> {
        let mut v: Vec<String> = stdout(o)
            .lines()
            .filter_map(|l| {
                l.rsplit_once('[')
                    .map(|(_, r)| r.trim_end_matches(']').to_string())
            })
            .collect();
        v.sort();
        v
    };
    let o = p.run(&["check", "-q", "--format", "gcc", "drv.c"]);
    assert_eq!(
        lints(&o),
        [
            "alloc-free-mismatch",
            "alloc-size-arith",
            "alloc-size-arith",
            "alloc-size-overflow",
            "atomic-sleeping-gfp",
            "devm-free"
        ],
        "{}",
        stdout(&o)
    );
    let o = p.run(&["check", "--diff-output", "drv.c"]);
    assert_eq!(o.status.code(), Some(0));
    let diff = stdout(&o);
    assert!(diff.starts_with("--- a/drv.c\n+++ b/drv.c\n"), "{diff}");
    for line in [
        "+\tp = kmalloc_array(n, sizeof(*p), GFP_KERNEL);",
        "+\td->items = kcalloc(d->count, sizeof(struct item), GFP_KERNEL);",
        "+\td->regs = devm_kcalloc(d->dev, d->nregs, sizeof(u32), GFP_KERNEL);",
        "+\tkvfree(t);",
        "-\tkfree(b);",
    ] {
        assert!(diff.lines().any(|l| l == line), "{line}\n{diff}");
    }
    assert!(
        !diff.contains("GFP_ATOMIC") && !diff.contains("GFP_NOWAIT"),
        "{diff}"
    );
    assert!(stderr(&o).contains("5 fixes in 1 file"), "{}", stderr(&o));
    // --diff-output changed nothing, and its diff applies as a patch (git apply -p1).
    assert_eq!(std::fs::read_to_string(p.0.join("drv.c")).unwrap(), source);
    p.write("fix.patch", &diff);
    let check = Command::new("git")
        .args(["apply", "--check", "fix.patch"])
        .current_dir(&p.0)
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");
    let o = p.run(&["check", "-q", "--format", "gcc", "--fix", "drv.c"]);
    assert_eq!(lints(&o), ["atomic-sleeping-gfp"], "{}", stdout(&o));
    let o = p.run(&["check", "-q", "--format", "gcc", "drv.c"]);
    assert_eq!(lints(&o), ["atomic-sleeping-gfp"], "{}", stdout(&o));
    let fixed = std::fs::read_to_string(p.0.join("drv.c")).unwrap();
    assert!(
        fixed.contains("\t*p = kmalloc(8, GFP_KERNEL);\n"),
        "{fixed}"
    );
    assert!(
        fixed.contains("\t\treturn -ENOMEM;\n\treturn 0;\n"),
        "{fixed}"
    );
    // Nothing left to fix: no diff.
    let o = p.run(&["check", "--diff-output", "drv.c"]);
    assert_eq!(stdout(&o), "");
}

/// On copies of the fixture directories: after --fix, nothing fixable is left, fewer
/// findings remain, and no finding appears that was not there before.
#[test]
fn fixes_on_the_fixtures() {
    for fixture in ["alloc-size-overflow", "alloc-free-mismatch", "devm-free"] {
        let p = Project::new();
        let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata")
            .join(fixture);
        for e in walkdir::WalkDir::new(&from) {
            let e = e.unwrap();
            if e.file_type().is_file() {
                let rel = e.path().strip_prefix(&from).unwrap().to_str().unwrap();
                p.write(rel, &std::fs::read_to_string(e.path()).unwrap());
            }
        }
        if fixture == "alloc-size-overflow" {
            // Off by default.
            p.write("gfplint.toml", "[lints]\nalloc-size-overflow = \"warn\"\n");
        }
        let findings = |p: &Project| -> Vec<String> {
            let o = p.run(&["check", "-q", "--format", "gcc", "."]);
            stdout(&o)
                .lines()
                .map(|l| l.split_once(": ").map_or(l, |(_, r)| r).to_string())
                .collect()
        };
        let before = findings(&p);
        let o = p.run(&["check", "-q", "--fix", "--format", "gcc", "."]);
        assert!(
            o.status.code().is_some_and(|c| c < 2),
            "{fixture}: {}",
            stderr(&o)
        );
        let after = findings(&p);
        assert!(
            after.len() < before.len(),
            "{fixture}: {before:#?} → {after:#?}"
        );
        for a in &after {
            assert!(before.contains(a), "{fixture}: new finding {a}");
        }
        let o = p.run(&["check", "--diff-output", "."]);
        assert_eq!(stdout(&o), "", "{fixture}: still fixable");
    }
}
