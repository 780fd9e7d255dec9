//! The facts cache through the command line: hits, misses after edits, invalidation,
//! damaged entries, concurrent runs, unusable directories, and output identical with
//! and without it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh project (a `.git` marker) holding a copy of `testdata/`, removed on drop.
struct Project(PathBuf);

impl Project {
    fn new() -> Project {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("gfplint-cache-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        for e in walk(&src) {
            let to = dir.join("testdata").join(e.strip_prefix(&src).unwrap());
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&e, &to).unwrap();
        }
        Project(dir)
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_gfplint"));
        c.args(args)
            .current_dir(&self.0)
            .env_remove("GFPLINT_CACHE_DIR");
        c
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    /// A path of the project as named from its root.
    fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.0)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string()
    }

    fn cache(&self) -> PathBuf {
        self.0.join(".gfplint-cache")
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The `gfplint: warning:` lines on stderr.
fn warnings(o: &Output) -> Vec<String> {
    stderr(o)
        .lines()
        .filter(|l| l.starts_with("gfplint: warning:"))
        .map(String::from)
        .collect()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The stored outcomes: of whole runs (`runs/`) and the last per list of files
/// (`last/`, the early cutoff's).
fn outcomes(p: &Project) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["runs", "last"] {
        if p.cache().join(dir).is_dir() {
            out.extend(walk(&p.cache().join(dir)));
        }
    }
    out
}

fn remove_outcomes(p: &Project) {
    for dir in ["runs", "last"] {
        let _ = std::fs::remove_dir_all(p.cache().join(dir));
    }
}

/// (reused, parsed) from the summary line.
fn cache_counts(o: &Output) -> (usize, usize) {
    let e = stderr(o);
    let tail = e
        .split("; cache: ")
        .nth(1)
        .unwrap_or_else(|| panic!("no cache note in: {e}"));
    let mut words = tail.split_whitespace();
    let reused = words.next().unwrap().parse().unwrap();
    let parsed = words.nth(1).unwrap().parse().unwrap();
    (reused, parsed)
}

const JSON: [&str; 4] = ["check", "--format", "json", "testdata"];

fn json_no_cache(p: &Project) -> String {
    let o = p.run(&["check", "--format", "json", "--no-cache", "testdata"]);
    assert!(!stderr(&o).contains("; cache:"), "{}", stderr(&o));
    stdout(&o)
}

#[test]
fn hit_gives_identical_output() {
    let p = Project::new();
    let expected = json_no_cache(&p);
    assert!(!p.cache().exists(), "--no-cache wrote a cache");
    let cold = p.run(&JSON);
    assert_eq!(stdout(&cold), expected);
    let (reused, parsed) = cache_counts(&cold);
    assert_eq!(reused, 0);
    assert!(parsed > 40, "{}", stderr(&cold));
    assert!(p.cache().join("CACHEDIR.TAG").is_file());
    assert_eq!(
        std::fs::read_to_string(p.cache().join(".gitignore")).unwrap(),
        "*\n"
    );
    let warm = p.run(&JSON);
    assert_eq!(stdout(&warm), expected);
    let (reused, parsed) = cache_counts(&warm);
    assert!(reused > 40 && parsed == 0, "{}", stderr(&warm));
    // A run that reuses the stored outcome loads no facts: it must not take the
    // entries it did not load for dead ones (even when any change rewrites the pack).
    let o = p
        .command(&JSON)
        .env("GFPLINT_CACHE_REWRITE_AFTER", "0")
        .output()
        .unwrap();
    assert_eq!(cache_counts(&o).1, 0, "{}", stderr(&o));
    // Without the stored outcome of the whole run, from the facts of every file.
    remove_outcomes(&p);
    let warm = p.run(&JSON);
    assert_eq!(stdout(&warm), expected);
    assert_eq!(cache_counts(&warm).1, 0, "{}", stderr(&warm));
    // Every format, warm, equals the uncached run.
    for format in ["gcc", "sarif", "human", "github"] {
        let with = p.run(&["check", "--format", format, "--color", "never", "testdata"]);
        let without = p.run(&[
            "check",
            "--format",
            format,
            "--color",
            "never",
            "--no-cache",
            "testdata",
        ]);
        assert_eq!(stdout(&with), stdout(&without), "{format}");
    }
    // No absolute path in the cache: entries are content-addressed, paths relative.
    let root = p.0.to_str().unwrap().as_bytes().to_vec();
    for f in walk(&p.cache()) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !bytes.windows(root.len()).any(|w| w == root.as_slice()),
            "{} holds an absolute path",
            f.display()
        );
    }
}

#[test]
fn edit_reparses_only_the_edited_file() {
    let p = Project::new();
    p.run(&JSON);
    let file = p.path("testdata/atomic-sleeping-gfp/flow.c");
    let text = std::fs::read_to_string(&file).unwrap();
    // A new bug at the end of the file.
    std::fs::write(
        &file,
        format!("{text}\nvoid added(spinlock_t *l, void **p)\n{{\n\tspin_lock(l);\n\t*p = kmalloc(8, GFP_KERNEL);\n\tspin_unlock(l);\n}}\n"),
    )
    .unwrap();
    let o = p.run(&JSON);
    assert_eq!(cache_counts(&o).1, 1, "{}", stderr(&o));
    assert!(stdout(&o).contains("\"function\": \"added\"") || stdout(&o).contains("added"));
    assert_eq!(stdout(&o), json_no_cache(&p));
}

#[test]
fn same_size_edit_with_the_old_mtime_is_seen() {
    let p = Project::new();
    let file = p.path("testdata/atomic-sleeping-gfp/flow.c");
    // Old enough for its digest to be recorded with its metadata.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(old)
        .unwrap();
    p.run(&JSON);
    assert!(p.cache().join("files.idx").is_file());
    let warm = p.run(&JSON);
    assert_eq!(cache_counts(&warm).1, 0, "{}", stderr(&warm));
    // GFP_KERNEL → GFP_ATOMIC is the same length: size and mtime as before.
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("GFP_KERNEL"));
    std::fs::write(&file, text.replacen("GFP_KERNEL", "GFP_ATOMIC", 1)).unwrap();
    let f = std::fs::File::options().write(true).open(&file).unwrap();
    f.set_modified(old).unwrap();
    drop(f);
    let o = p.run(&JSON);
    assert!(cache_counts(&o).1 >= 1, "{}", stderr(&o));
    assert_eq!(stdout(&o), json_no_cache(&p));
}

#[test]
fn precommit_invocations_share_the_stored_outcome() {
    let p = Project::new();
    let sets: [&[&str]; 3] = [
        &["testdata/atomic-sleeping-gfp/flow.c"],
        &[
            "testdata/slab-waste/waste.c",
            "testdata/atomic-sleeping-gfp/flow.c",
        ],
        &["testdata/vmalloc-small/small.c"],
    ];
    for (i, named) in sets.iter().enumerate() {
        let mut args = vec!["check", "--format", "json"];
        args.extend_from_slice(named);
        let o = p.run(&args);
        assert!(
            stderr(&o).contains(" analysed for context"),
            "{}",
            stderr(&o)
        );
        if i > 0 {
            // Same files, same bytes, other named files: nothing parsed.
            assert_eq!(cache_counts(&o).1, 0, "{}", stderr(&o));
        }
        args.insert(3, "--no-cache");
        assert_eq!(stdout(&o), stdout(&p.run(&args)), "{named:?}");
    }
}

#[test]
fn knowledge_in_the_configuration_invalidates_and_levels_do_not() {
    let p = Project::new();
    let first = p.run(&JSON);
    let files = cache_counts(&first).1;
    // Levels are applied after the cached stage: everything is reused.
    std::fs::write(p.path("gfplint.toml"), "[lints]\nslab-waste = \"allow\"\n").unwrap();
    let o = p.run(&JSON);
    assert_eq!(cache_counts(&o), (files, 0), "{}", stderr(&o));
    assert_eq!(stdout(&o), json_no_cache(&p));
    // Knowledge is read by extraction: everything is parsed again.
    std::fs::write(
        p.path("gfplint.toml"),
        "[lints]\nslab-waste = \"allow\"\n[knowledge]\nsleeping = [\"my_sleep\"]\n",
    )
    .unwrap();
    let o = p.run(&JSON);
    assert_eq!(cache_counts(&o).0, 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), json_no_cache(&p));
    let o = p.run(&JSON);
    assert_eq!(cache_counts(&o).1, 0, "{}", stderr(&o));
}

/// Flips a byte in the middle of `path`, or cuts it in half.
fn damage(path: &Path, truncate: bool) {
    let mut bytes = std::fs::read(path).unwrap();
    let mid = bytes.len() / 2;
    if truncate {
        bytes.truncate(mid);
    } else {
        bytes[mid] ^= 0x55;
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn corrupt_and_truncated_entries_are_recomputed() {
    let p = Project::new();
    let expected = json_no_cache(&p);
    p.run(&JSON);
    let pack = p.cache().join("facts.pack");
    assert!(pack.is_file());
    // A damaged stored outcome of the whole run, and of the last run over these files
    // (the early cutoff's): not used.
    let runs = outcomes(&p);
    assert_eq!(runs.len(), 2);
    for r in &runs {
        damage(r, false);
    }
    let o = p.run(&JSON);
    assert_eq!(stdout(&o), expected, "{}", stderr(&o));
    // From here on, facts entries: without stored outcomes, facts are loaded.
    let no_runs = || remove_outcomes(&p);
    no_runs();
    // A flipped byte inside the pack: that entry fails its checksum.
    damage(&pack, false);
    let o = p.run(&JSON);
    assert_eq!(stdout(&o), expected, "{}", stderr(&o));
    assert!(cache_counts(&o).1 >= 1, "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));
    // A truncated pack: its index is gone, everything is recomputed.
    no_runs();
    damage(&pack, true);
    let o = p.run(&JSON);
    assert_eq!(stdout(&o), expected, "{}", stderr(&o));
    // A truncated and a corrupt shard (entries written since the pack).
    let file = p.path("testdata/slab-waste/waste.c");
    let file = if file.exists() {
        file
    } else {
        walk(&p.path("testdata"))
            .into_iter()
            .find(|f| f.extension().is_some_and(|e| e == "c"))
            .unwrap()
    };
    for truncate in [true, false] {
        let before = walk(&p.cache().join("shards"));
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, format!("{text}\n/* edit */\n")).unwrap();
        p.run(&JSON);
        let new: Vec<_> = walk(&p.cache().join("shards"))
            .into_iter()
            .filter(|s| !before.contains(s))
            .collect();
        assert_eq!(new.len(), 1, "{new:?}");
        damage(&new[0], truncate);
        no_runs();
        let o = p.run(&JSON);
        assert_eq!(cache_counts(&o).1, 1, "{}", stderr(&o));
        assert_eq!(stdout(&o), json_no_cache(&p));
    }
}

#[test]
fn concurrent_runs_share_the_cache() {
    let p = Project::new();
    let expected = json_no_cache(&p);
    let children: Vec<_> = (0..3)
        .map(|_| {
            p.command(&JSON)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert_eq!(stdout(&o), expected, "{}", stderr(&o));
        assert!(warnings(&o).is_empty(), "{}", stderr(&o));
    }
    remove_outcomes(&p);
    let o = p.run(&JSON);
    assert_eq!(stdout(&o), expected);
    assert_eq!(cache_counts(&o).1, 0, "{}", stderr(&o));
    // No temp files left behind.
    for f in walk(&p.cache()) {
        let name = f.file_name().unwrap().to_str().unwrap();
        assert!(!name.ends_with(".tmp"), "{}", f.display());
    }
}

#[test]
fn unusable_cache_directory_means_one_warning() {
    let p = Project::new();
    let expected = json_no_cache(&p);
    // A cache directory that cannot be created (a file is in the way).
    std::fs::write(p.path("not-a-dir"), "").unwrap();
    let o = p.run(&[
        "check",
        "--format",
        "json",
        "--cache-dir",
        "not-a-dir",
        "testdata",
    ]);
    assert_eq!(stdout(&o), expected);
    let w = warnings(&o);
    assert_eq!(w.len(), 1, "{}", stderr(&o));
    assert!(w[0].contains("running without the cache"), "{w:?}");
    // A read-only directory (when permissions apply: not as root).
    let ro = p.path("ro-cache");
    std::fs::create_dir(&ro).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(ro.join("probe"), "").is_err() {
        let o = p.run(&[
            "check",
            "--format",
            "json",
            "--cache-dir",
            "ro-cache",
            "testdata",
        ]);
        assert_eq!(stdout(&o), expected);
        assert_eq!(warnings(&o).len(), 1, "{}", stderr(&o));
    }
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    // Writes failing in the middle of a run (here: no shard can be created, as when the
    // disk is full): one warning, the run completes, output unchanged.
    p.run(&["check", "-q", "--cache-dir", "full-cache", "testdata"]);
    let shards = p.path("full-cache/shards");
    std::fs::remove_dir_all(&shards).unwrap();
    std::fs::create_dir(&shards).unwrap();
    for i in 0..256 {
        std::fs::write(shards.join(format!("{i:02x}")), "").unwrap();
    }
    let file = p.path("testdata/slab-waste/waste.c");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}\n/* edit */\n")).unwrap();
    let o = p.run(&[
        "check",
        "--format",
        "json",
        "--cache-dir",
        "full-cache",
        "testdata",
    ]);
    assert_eq!(stdout(&o), json_no_cache(&p));
    let w = warnings(&o);
    assert_eq!(w.len(), 1, "{}", stderr(&o));
    assert!(w[0].contains("cannot write"), "{w:?}");
}

#[test]
fn cache_dir_flag_environment_and_clean() {
    let p = Project::new();
    let o = p
        .command(&["check", "-q", "testdata"])
        .env("GFPLINT_CACHE_DIR", p.path("env-cache"))
        .output()
        .unwrap();
    assert!(o.status.code().is_some());
    assert!(p.path("env-cache/CACHEDIR.TAG").is_file());
    assert!(!p.cache().exists());
    p.run(&["check", "-q", "--cache-dir", "flag-cache", "testdata"]);
    assert!(p.path("flag-cache/facts.pack").is_file());
    p.run(&["check", "-q", "testdata"]);
    assert!(p.cache().join("facts.pack").is_file());
    let o = p.run(&["clean"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!p.cache().exists());
    let o = p.run(&["clean", "--cache-dir", "flag-cache"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!p.path("flag-cache").exists());
    // Not a cache: refused.
    let o = p.run(&["clean", "--cache-dir", "testdata"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(p.path("testdata").is_dir());
}

#[test]
fn deleted_and_edited_files_are_pruned() {
    let p = Project::new();
    p.run(&JSON);
    let pack = p.cache().join("facts.pack");
    let holds = |needle: &str| {
        let bytes = std::fs::read(&pack).unwrap();
        bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
    };
    let gone = "testdata/atomic-sleeping-gfp/flow.c";
    assert!(holds(gone));
    std::fs::remove_file(p.path(gone)).unwrap();
    // A run of a subdirectory keeps the entries of files outside it.
    let kept = "testdata/slab-waste/";
    let rewrite = |args: &[&str]| {
        let o = p
            .command(args)
            .env("GFPLINT_CACHE_REWRITE_AFTER", "0")
            .output()
            .unwrap();
        assert!(o.status.code().is_some(), "{}", stderr(&o));
    };
    rewrite(&["check", "-q", "testdata/atomic-sleeping-gfp"]);
    assert!(!holds(gone), "entry of a deleted file kept");
    assert!(holds(kept), "entries outside the checked directory dropped");
    rewrite(&JSON);
    assert!(holds(kept));
    // An edited file's old entry goes too: one entry per file remains.
    let o = p.run(&JSON);
    let files = cache_counts(&o).0;
    let count = |pack: &Path| {
        let bytes = std::fs::read(pack).unwrap();
        bytes.windows(8).filter(|w| w == b"GFPLENT1").count()
    };
    let before = count(&pack);
    assert!(before >= files, "{before} < {files}");
    let edited = p.path("testdata/slab-waste/waste.c");
    if edited.exists() {
        let text = std::fs::read_to_string(&edited).unwrap();
        std::fs::write(&edited, format!("{text}\n/* edit */\n")).unwrap();
        rewrite(&JSON);
        assert_eq!(count(&pack), before);
    }
}

#[test]
fn summary_names_the_root() {
    let p = Project::new();
    let o = p.run(&["check", "--no-cache", "testdata/atomic-sleeping-gfp/flow.c"]);
    let canonical = std::fs::canonicalize(&p.0).unwrap();
    assert!(
        stderr(&o).contains(&format!("; root {} (.git)", canonical.display())),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains(" analysed for context"),
        "{}",
        stderr(&o)
    );
    // Above the ceiling, no root: the file is checked alone.
    let o = p
        .command(&["check", "--no-cache", "flow.c"])
        .current_dir(p.path("testdata/atomic-sleeping-gfp"))
        .env("GIT_CEILING_DIRECTORIES", p.path("testdata"))
        .output()
        .unwrap();
    assert!(
        stderr(&o).contains("no project root found"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains(" in 1 file,"), "{}", stderr(&o));
}

/// Whether the run took the early cutoff (its `GFPLINT_TIMINGS` line says so).
fn cut_off(o: &Output) -> bool {
    stderr(o).contains("early cutoff")
}

/// Whether the run took the slice of the program an edit affects (pre-commit mode).
fn sliced(o: &Output) -> bool {
    stderr(o).contains("sliced run finished")
}

fn run_timed(p: &Project, args: &[&str]) -> Output {
    p.command(args)
        .env("GFPLINT_TIMINGS", "1")
        .output()
        .unwrap()
}

#[test]
fn comment_edit_reuses_the_last_outcome_and_a_damaged_one_is_not_used() {
    let p = Project::new();
    p.run(&JSON);
    let file = p.path("testdata/atomic-sleeping-gfp/flow.c");
    let text = std::fs::read_to_string(&file).unwrap();
    // A comment: new bytes, the same facts.
    std::fs::write(&file, format!("{text}/* a comment */\n")).unwrap();
    let o = run_timed(&p, &JSON);
    assert!(cut_off(&o), "{}", stderr(&o));
    assert_eq!(cache_counts(&o).1, 1, "{}", stderr(&o));
    assert_eq!(stdout(&o), json_no_cache(&p));
    // The same in pre-commit mode (files named: the project is the context), whose
    // files are spelt otherwise and so keep their own last outcome.
    let named = [
        "check",
        "--format",
        "json",
        "testdata/atomic-sleeping-gfp/flow.c",
    ];
    let first = p.run(&named);
    std::fs::write(&file, format!("{text}/* another comment */\n")).unwrap();
    let o = run_timed(&p, &named);
    assert!(cut_off(&o), "{}", stderr(&o));
    let mut uncached = named.to_vec();
    uncached.insert(3, "--no-cache");
    assert_eq!(stdout(&o), stdout(&p.run(&uncached)));
    assert_eq!(stdout(&o), stdout(&first));
    // Damaged stored outcomes: computed in full, and still right.
    for r in outcomes(&p) {
        damage(&r, false);
    }
    std::fs::write(&file, format!("{text}/* a third comment */\n")).unwrap();
    let o = run_timed(&p, &JSON);
    assert!(!cut_off(&o), "{}", stderr(&o));
    assert_eq!(stdout(&o), json_no_cache(&p));
    // An edit that moves code (a line inserted above it) changes the facts: no cutoff,
    // and the findings below move with it.
    std::fs::write(&file, format!("\n{text}")).unwrap();
    let o = run_timed(&p, &JSON);
    assert!(!cut_off(&o), "{}", stderr(&o));
    assert_eq!(stdout(&o), json_no_cache(&p));
}

/// `helper()` in one file, called with a spinlock held from `caller()` in another.
fn two_files(p: &Project, helper_body: &str) {
    let dir = p.path("prop");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("caller.c"),
        "#include <linux/spinlock.h>\n\
         static DEFINE_SPINLOCK(lock);\n\
         void helper(void);\n\
         void caller(void)\n{\n\tspin_lock(&lock);\n\thelper();\n\tspin_unlock(&lock);\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("helper.c"),
        format!("#include <linux/delay.h>\nvoid helper(void)\n{{\n{helper_body}}}\n"),
    )
    .unwrap();
}

#[test]
fn helper_that_starts_sleeping_reaches_its_unchanged_caller() {
    let p = Project::new();
    two_files(&p, "\tudelay(1);\n");
    let args = ["check", "--format", "gcc", "prop"];
    let uncached = ["check", "--format", "gcc", "--no-cache", "prop"];
    let before = p.run(&args);
    assert_eq!(stdout(&before), stdout(&p.run(&uncached)));
    assert!(!stdout(&before).contains("helper.c"), "{}", stdout(&before));
    // The helper starts sleeping (same length: a one-line change), the caller is
    // untouched but for a comment (facts unchanged): the finding appears, with the
    // caller's lock as its evidence.
    two_files(&p, "\tmsleep(1);\n");
    let caller = p.path("prop/caller.c");
    let text = std::fs::read_to_string(&caller).unwrap();
    std::fs::write(&caller, format!("{text}/* unchanged */\n")).unwrap();
    let o = run_timed(&p, &args);
    assert!(!cut_off(&o), "{}", stderr(&o));
    assert!(stdout(&o).contains("helper.c:4:"), "{}", stdout(&o));
    assert_eq!(stdout(&o), stdout(&p.run(&uncached)));
    // And back: the finding goes.
    two_files(&p, "\tudelay(1);\n");
    let o = run_timed(&p, &args);
    assert!(!stdout(&o).contains("helper.c"), "{}", stdout(&o));
    assert_eq!(stdout(&o), stdout(&p.run(&uncached)));
}

/// Pre-commit mode after a code edit (lines inserted: every span below moves) in a
/// helper that is not named: the named caller's evidence makes the helper's finding
/// reported, and it is the same with the cache (facts of the unchanged files from the
/// cache, the helper parsed again) as without.
#[test]
fn precommit_code_edit_in_a_helper_changes_the_named_callers_finding() {
    let p = Project::new();
    two_files(&p, "\tudelay(1);\n");
    let named = ["check", "--format", "gcc", "prop/caller.c"];
    let uncached = ["check", "--format", "gcc", "--no-cache", "prop/caller.c"];
    // The whole project once (every file cached), then the hook's run.
    p.run(&["check", "--format", "gcc", "."]);
    let before = p.run(&named);
    assert_eq!(stdout(&before), stdout(&p.run(&uncached)));
    assert!(!stdout(&before).contains("helper.c"), "{}", stdout(&before));
    // The helper gains a line above its body and starts sleeping.
    two_files(&p, "\tudelay(1);\n\tmsleep(1);\n");
    let helper = p.path("prop/helper.c");
    let text = std::fs::read_to_string(&helper).unwrap();
    std::fs::write(&helper, format!("\n{text}")).unwrap();
    let o = run_timed(&p, &named);
    assert!(!cut_off(&o), "{}", stderr(&o));
    assert!(sliced(&o), "{}", stderr(&o));
    assert!(stdout(&o).contains("helper.c:6:"), "{}", stdout(&o));
    assert!(stdout(&o).contains("caller.c"), "{}", stdout(&o));
    assert_eq!(stdout(&o), stdout(&p.run(&uncached)));
    // Three named files, one of them with a code edit of its own: still identical.
    let other = p.path("prop/other.c");
    std::fs::write(&other, "void other(void)\n{\n}\n").unwrap();
    p.run(&[
        "check",
        "--format",
        "gcc",
        "prop/caller.c",
        "prop/other.c",
        "prop/helper.c",
    ]);
    std::fs::write(&other, "\nvoid other(void)\n{\n\thelper();\n}\n").unwrap();
    let three = ["prop/caller.c", "prop/other.c", "prop/helper.c"];
    let mut cached = vec!["check", "--format", "gcc"];
    cached.extend(three);
    let mut plain = vec!["check", "--format", "gcc", "--no-cache"];
    plain.extend(three);
    let o = run_timed(&p, &cached);
    assert!(stdout(&o).contains("helper.c:6:"), "{}", stdout(&o));
    assert_eq!(stdout(&o), stdout(&p.run(&plain)));
}

/// Pre-commit mode after code edits, file by file over the fixtures: the run over the
/// slice of the program the edit affects gives what a run over everything gives; an
/// edit of a header (other files read its declarations) is not sliced, and is right.
#[test]
fn sliced_precommit_runs_match_full_runs() {
    let p = Project::new();
    p.run(&["check", "--format", "json", "."]);
    let dirs = [
        "testdata/atomic-sleeping-gfp",
        "testdata/atomic-context-callers",
        "testdata/subset-invariance",
        "testdata/false-positive-traps",
    ];
    let files = c_files(&p, &dirs);
    let mut sliced_runs = 0;
    for (i, file) in files.iter().enumerate().filter(|(i, _)| i % 5 == 0) {
        let rel = p.relative(file);
        let named = ["check", "--format", "json", rel.as_str()];
        p.run(&named);
        let text = std::fs::read_to_string(file).unwrap();
        std::fs::write(file, format!("{}{text}", "\n".repeat(i % 3 + 1))).unwrap();
        let o = run_timed(&p, &named);
        sliced_runs += usize::from(sliced(&o));
        let uncached = ["check", "--format", "json", "--no-cache", rel.as_str()];
        assert_eq!(
            stdout(&o),
            stdout(&p.run(&uncached)),
            "{rel}: {}",
            stderr(&o)
        );
    }
    assert!(sliced_runs > 0);
    // A header with a function: other files read its declarations.
    let header = p.path("testdata/atomic-context-callers/xf.h");
    let rel = p.relative(&header);
    let named = ["check", "--format", "json", rel.as_str()];
    p.run(&named);
    let text = std::fs::read_to_string(&header).unwrap();
    std::fs::write(&header, format!("\n{text}")).unwrap();
    let o = run_timed(&p, &named);
    assert!(!sliced(&o), "{}", stderr(&o));
    let uncached = ["check", "--format", "json", "--no-cache", rel.as_str()];
    assert_eq!(stdout(&o), stdout(&p.run(&uncached)));
}

/// Writes `(path, text)` pairs under the project, creating their directories.
fn write_files<P: AsRef<str>, T: AsRef<str>>(p: &Project, files: impl IntoIterator<Item = (P, T)>) {
    for (path, text) in files {
        let path = p.path(path.as_ref());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text.as_ref()).unwrap();
    }
}

/// After a whole run and a pre-commit run naming `file`, a blank line atop `file` (a
/// code edit): the pre-commit run again, with timings, which must be sliced.
fn sliced_after_a_blank_line_atop(p: &Project, file: &str) -> Output {
    p.run(&["check", "--format", "json", "."]);
    let named = ["check", "--format", "gcc", file];
    p.run(&named);
    let path = p.path(file);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("\n{text}")).unwrap();
    let o = run_timed(p, &named);
    assert!(sliced(&o), "{}", stderr(&o));
    o
}

/// Atomic context from a named file passes through a function of another directory
/// that has no finding of its own (`pass()`: its other callers need not be loaded)
/// to one that sleeps (`deep()`), and into one that sleeps itself (`own()`, also
/// called under another lock elsewhere): a sliced run reports both, as a full one.
#[test]
fn precommit_slice_passes_through_functions_without_findings_there() {
    let p = Project::new();
    write_files(
        &p,
        [
            (
                "drv/named.c",
                "#include <linux/spinlock.h>\nstatic DEFINE_SPINLOCK(lock);\nvoid pass(void);\n\
             void own(void);\nvoid named(void)\n{\n\tspin_lock(&lock);\n\tpass();\n\town();\n\
             \tspin_unlock(&lock);\n}\n",
            ),
            (
                "core/pass.c",
                "void deep(void);\nvoid pass(void)\n{\n\tdeep();\n}\n\
             void first(void)\n{\n\tpass();\n}\nvoid second(void)\n{\n\tfirst();\n}\n",
            ),
            (
                "core/deep.c",
                "#include <linux/delay.h>\nvoid deep(void)\n{\n\tmsleep(1);\n}\n",
            ),
            (
                "core/own.c",
                "#include <linux/mutex.h>\nstatic DEFINE_MUTEX(m);\nvoid own(void)\n{\n\t\
             mutex_lock(&m);\n\tmutex_unlock(&m);\n}\n",
            ),
            (
                "other/locked.c",
                "#include <linux/spinlock.h>\nstatic DEFINE_SPINLOCK(other);\nvoid own(void);\n\
             void elsewhere(void)\n{\n\tspin_lock(&other);\n\town();\n\tspin_unlock(&other);\n}\n",
            ),
        ],
    );
    let uncached = ["check", "--format", "gcc", "--no-cache", "drv/named.c"];
    let o = sliced_after_a_blank_line_atop(&p, "drv/named.c");
    assert!(stderr(&o).contains(", 1 passed through,"), "{}", stderr(&o));
    assert!(stdout(&o).contains("core/deep.c:4:"), "{}", stdout(&o));
    assert!(stdout(&o).contains("core/own.c:5:"), "{}", stdout(&o));
    assert_eq!(stdout(&o), stdout(&p.run(&uncached)));
}

/// A function that keeps as many atomic reasons as it may (`hub()`, called with five
/// locks held) is passed through when no chain from the named file can reach a sleep:
/// `named()` passes `hub(0)`, and `deep()` sleeps only for a non-zero `wait`. When it
/// passes `hub(1)`, `deep()` needs its callers, and the sliced run still equals a full one.
#[test]
fn precommit_slice_passes_through_capped_functions_no_named_chain_can_make_sleep() {
    let p = Project::new();
    let named = |wait: u32| {
        format!(
            "#include <linux/spinlock.h>\nstatic DEFINE_SPINLOCK(l);\nvoid hub(int wait);\n\
             void named(void)\n{{\n\tspin_lock(&l);\n\thub({wait});\n\tspin_unlock(&l);\n}}\n"
        )
    };
    let mut files = vec![
        ("drv/named.c".to_string(), named(0)),
        (
            "core/hub.c".to_string(),
            "void deep(int wait);\nvoid hub(int wait)\n{\n\tdeep(wait);\n}\n".to_string(),
        ),
        (
            "core/deep.c".to_string(),
            "#include <linux/delay.h>\nvoid deep(int wait)\n{\n\tif (wait)\n\t\tmsleep(1);\n}\n"
                .to_string(),
        ),
    ];
    for i in 1..=5 {
        files.push((
            format!("drv/other{i}.c"),
            format!(
                "#include <linux/spinlock.h>\nstatic DEFINE_SPINLOCK(l{i});\nvoid hub(int wait);\n\
                 void other{i}(void)\n{{\n\tspin_lock(&l{i});\n\thub(1);\n\tspin_unlock(&l{i});\n}}\n"
            ),
        ));
    }
    write_files(&p, files);
    p.run(&["check", "--format", "json", "."]);
    let args = ["check", "--format", "gcc", "drv/named.c"];
    let uncached = ["check", "--format", "gcc", "--no-cache", "drv/named.c"];
    p.run(&args);
    for (wait, passed) in [(0, true), (1, false)] {
        let old = std::fs::read_to_string(p.path("drv/named.c")).unwrap();
        let blank = old.lines().take_while(|l| l.is_empty()).count() + 1;
        std::fs::write(
            p.path("drv/named.c"),
            format!("{}{}", "\n".repeat(blank), named(wait)),
        )
        .unwrap();
        let o = run_timed(&p, &args);
        assert!(sliced(&o), "{}", stderr(&o));
        assert_eq!(
            stderr(&o).contains("`deep` (core/deep.c, "),
            !passed,
            "{}",
            stderr(&o)
        );
        assert!(
            !stderr(&o).contains("`hub` (core/hub.c, "),
            "{}",
            stderr(&o)
        );
        assert_eq!(stdout(&o), stdout(&p.run(&uncached)));
    }
}

/// Atomic context from a named file reaches a sleep three calls deep, each call in
/// another directory: the functions it may pass are loaded with the first round of the
/// slice (from the full run's call graph and may-sleep summaries), not one call deeper
/// per round (five rounds before: 0 to 4).
#[test]
fn precommit_slice_loads_what_atomic_context_may_reach_in_its_first_round() {
    let p = Project::new();
    write_files(
        &p,
        [
            (
                "drv/named.c",
                "#include <linux/spinlock.h>\nstatic DEFINE_SPINLOCK(lock);\nvoid one(void);\n\
                 void named(void)\n{\n\tspin_lock(&lock);\n\tone();\n\tspin_unlock(&lock);\n}\n",
            ),
            (
                "a/one.c",
                "void two(void);\nvoid one(void)\n{\n\ttwo();\n}\n",
            ),
            (
                "b/two.c",
                "void three(void);\nvoid two(void)\n{\n\tthree();\n}\n",
            ),
            (
                "c/three.c",
                "#include <linux/delay.h>\nvoid three(void)\n{\n\tmsleep(1);\n}\n",
            ),
        ],
    );
    let o = sliced_after_a_blank_line_atop(&p, "drv/named.c");
    assert!(
        stderr(&o).contains("3 functions atomic context may reach through the named files"),
        "{}",
        stderr(&o)
    );
    // (A second round loads the callers of `three()`, whose finding names the named
    // file.)
    assert!(stderr(&o).contains("round 1:"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("round 2:"), "{}", stderr(&o));
    assert!(stdout(&o).contains("c/three.c:4:"), "{}", stdout(&o));
    let uncached = ["check", "--format", "gcc", "--no-cache", "drv/named.c"];
    assert_eq!(stdout(&o), stdout(&p.run(&uncached)));
}

/// A named file's callee with a `gfp_t` parameter is reported on (`gfp-param-ignored`
/// names its first caller passing flags that cannot sleep), which needs its direct
/// callers, not the callers of those: the chain of callers above `caller1()` is not
/// loaded, and the finding still names the named file's call.
#[test]
fn precommit_slice_loads_only_the_direct_callers_of_a_named_files_gfp_callee() {
    let p = Project::new();
    let mut files = vec![
        (
            "drv/named.c".to_string(),
            "#include <linux/gfp.h>\nvoid *helper(int n, gfp_t gfp);\n\
             void *named(void)\n{\n\treturn helper(8, GFP_ATOMIC);\n}\n"
                .to_string(),
        ),
        (
            "lib/helper.c".to_string(),
            "#include <linux/slab.h>\nvoid *helper(int n, gfp_t gfp)\n{\n\t\
             return kmalloc(n, GFP_KERNEL);\n}\n"
                .to_string(),
        ),
        (
            "up/caller1.c".to_string(),
            "#include <linux/gfp.h>\nvoid *helper(int n, gfp_t gfp);\n\
             void *caller1(void)\n{\n\treturn helper(16, GFP_KERNEL);\n}\n"
                .to_string(),
        ),
    ];
    for i in 2..=4 {
        files.push((
            format!("up{i}/caller{i}.c"),
            format!(
                "void *caller{}(void);\nvoid *caller{i}(void)\n{{\n\treturn caller{}();\n}}\n",
                i - 1,
                i - 1
            ),
        ));
    }
    write_files(&p, files);
    let o = sliced_after_a_blank_line_atop(&p, "drv/named.c");
    assert!(
        stderr(&o).contains("functions reported, 1 more callers,"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("lib/helper.c:4:") && stdout(&o).contains("gfp-param-ignored"),
        "{}",
        stdout(&o)
    );
    let uncached = ["check", "--format", "gcc", "--no-cache", "drv/named.c"];
    assert_eq!(stdout(&o), stdout(&p.run(&uncached)));
}

/// `needless-gfp-atomic` reads reachability from atomic context at any depth: an edit
/// of an unnamed file that takes a lock around a call chain changes the verdict on a
/// named file's GFP_ATOMIC allocation two calls below, and a sliced run says so.
#[test]
fn precommit_edit_above_a_named_gfp_atomic_allocation() {
    let p = Project::new();
    let dir = p.path("reach");
    std::fs::create_dir_all(&dir).unwrap();
    let top = |locked: bool| {
        let (lock, unlock) = match locked {
            true => ("\tspin_lock(&lock);\n", "\tspin_unlock(&lock);\n"),
            false => ("", ""),
        };
        format!(
            "#include <linux/spinlock.h>\nstatic DEFINE_SPINLOCK(lock);\nvoid mid(void);\n\
             void top(void)\n{{\n{lock}\tmid();\n{unlock}}}\n"
        )
    };
    std::fs::write(dir.join("top.c"), top(false)).unwrap();
    std::fs::write(
        dir.join("mid.c"),
        "void alloc_atomic(void);\nvoid mid(void)\n{\n\talloc_atomic();\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("alloc.c"),
        "#include <linux/slab.h>\nvoid *p;\nvoid alloc_atomic(void)\n{\n\tp = kmalloc(8, GFP_ATOMIC);\n}\n",
    )
    .unwrap();
    let named = [
        "check",
        "--format",
        "gcc",
        "-W",
        "needless-gfp-atomic",
        "reach/alloc.c",
    ];
    let mut uncached = named.to_vec();
    uncached.push("--no-cache");
    let before = p.run(&named);
    assert!(
        stdout(&before).contains("needless-gfp-atomic"),
        "{}",
        stdout(&before)
    );
    for (locked, fires) in [(true, false), (false, true)] {
        let text = top(locked);
        // A line more above the function each time: every span moves.
        let old = std::fs::read_to_string(dir.join("top.c")).unwrap();
        let lines = old.lines().take_while(|l| l.is_empty()).count() + 1;
        std::fs::write(dir.join("top.c"), format!("{}{text}", "\n".repeat(lines))).unwrap();
        let o = run_timed(&p, &named);
        assert!(sliced(&o), "{}", stderr(&o));
        assert_eq!(
            stdout(&o).contains("needless-gfp-atomic"),
            fires,
            "{}",
            stdout(&o)
        );
        assert_eq!(stdout(&o), stdout(&p.run(&uncached)));
    }
}

/// A static function added to or removed from a changed file keeps the edit sliced
/// (only that file sees it; its other functions are matched by name).
#[test]
fn precommit_edit_adding_and_removing_a_static_function_is_sliced() {
    let p = Project::new();
    two_files(&p, "\tudelay(1);\n");
    let named = ["check", "--format", "gcc", "prop/caller.c"];
    let uncached = ["check", "--format", "gcc", "--no-cache", "prop/caller.c"];
    p.run(&named);
    let helper = p.path("prop/helper.c");
    let with_static = "#include <linux/delay.h>\n\
         static void nap(void)\n{\n\tmsleep(1);\n}\n\
         void helper(void)\n{\n\tnap();\n}\n";
    std::fs::write(&helper, with_static).unwrap();
    let o = run_timed(&p, &named);
    assert!(sliced(&o), "{}", stderr(&o));
    assert!(stdout(&o).contains("helper.c:4:"), "{}", stdout(&o));
    assert_eq!(stdout(&o), stdout(&p.run(&uncached)));
    // Renamed, then gone again: the first version's text with a line more.
    std::fs::write(&helper, with_static.replace("nap", "doze")).unwrap();
    let o = run_timed(&p, &named);
    assert!(sliced(&o), "{}", stderr(&o));
    assert_eq!(stdout(&o), stdout(&p.run(&uncached)));
    two_files(&p, "\n\tudelay(1);\n");
    let o = run_timed(&p, &named);
    assert!(sliced(&o), "{}", stderr(&o));
    assert!(!stdout(&o).contains("helper.c"), "{}", stdout(&o));
    assert_eq!(stdout(&o), stdout(&p.run(&uncached)));
}

/// `gfplint check .` spells the files `./x.c`, the hook's run `x.c`: the hook's first
/// code-edit run after a `check .` slices from that run's program store (its findings
/// are respelt, not reused as they are).
#[test]
fn precommit_after_check_dot_slices_from_its_store() {
    let p = Project::new();
    two_files(&p, "\tudelay(1);\n");
    p.run(&["check", "--format", "gcc", "."]);
    two_files(&p, "\tudelay(1);\n\tmsleep(1);\n");
    let helper = p.path("prop/helper.c");
    let text = std::fs::read_to_string(&helper).unwrap();
    std::fs::write(&helper, format!("\n{text}")).unwrap();
    let named = ["check", "--format", "gcc", "prop/caller.c"];
    let o = run_timed(&p, &named);
    assert!(sliced(&o), "{}", stderr(&o));
    assert!(stdout(&o).contains("prop/helper.c:6:"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("./prop"), "{}", stdout(&o));
    let uncached = ["check", "--format", "gcc", "--no-cache", "prop/caller.c"];
    assert_eq!(stdout(&o), stdout(&p.run(&uncached)));
    // Nothing changed since `check .` in another file: no stored outcome of this
    // spelling, still a slice, not the whole stage.
    let other = ["check", "--format", "gcc", "prop/helper.c"];
    let o = run_timed(&p, &other);
    assert!(sliced(&o), "{}", stderr(&o));
    let uncached = ["check", "--format", "gcc", "--no-cache", "prop/helper.c"];
    assert_eq!(stdout(&o), stdout(&p.run(&uncached)));
}

/// A pre-commit run slices against the stored last run closest to the files on disk: a
/// whole run over an edit since reverted (its own last run) leaves that file changed,
/// while a `gfplint check .` made after the revert does not.
#[test]
fn a_slice_is_against_the_closest_last_run() {
    let p = Project::new();
    let a = "void a_sleep(void)\n{\n\tmsleep(1);\n}\n";
    let b = "void b_quiet(void)\n{\n}\n";
    for (dir, text) in [("drv_a/a.c", a), ("drv_b/b.c", b)] {
        std::fs::create_dir_all(p.path(dir).parent().unwrap()).unwrap();
        std::fs::write(p.path(dir), text).unwrap();
    }
    p.run(&["check", "--format", "gcc", "drv_a/a.c"]);
    // A whole run over an edit of b.c, then the edit undone.
    std::fs::write(p.path("drv_b/b.c"), format!("\n{b}")).unwrap();
    let o = p
        .command(&["check", "--format", "gcc", "drv_b/b.c"])
        .env("GFPLINT_NO_SLICE", "1")
        .output()
        .unwrap();
    assert!(
        stderr(&o).contains("analysed for context"),
        "{}",
        stderr(&o)
    );
    std::fs::write(p.path("drv_b/b.c"), b).unwrap();
    p.run(&["check", "--format", "gcc", "."]);
    // A code edit of a.c: the slice is of a.c alone.
    std::fs::write(p.path("drv_a/a.c"), format!("\n{a}")).unwrap();
    let o = p
        .command(&["check", "--format", "gcc", "drv_a/a.c"])
        .env("GFPLINT_TIMINGS", "1")
        .output()
        .unwrap();
    assert!(
        stderr(&o).contains("slice of 1 changed files (drv_a/a.c)"),
        "{}",
        stderr(&o)
    );
}

/// A kernel tree's header outside the checked directory, read for a constant.
fn kernel_tree_with_header(p: &Project, bytes: &str) {
    for (path, text) in [
        ("Kbuild", ""),
        ("include/linux/foo.h", bytes),
        (
            "drivers/x/x.c",
            "#include <linux/foo.h>\nvoid *x_alloc(void)\n{\n\treturn kmalloc(FOO_BYTES, GFP_KERNEL);\n}\n",
        ),
    ] {
        let file = p.path(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, text).unwrap();
        // Old enough to be recorded with its metadata.
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        let f = std::fs::File::options().write(true).open(&file).unwrap();
        f.set_modified(old).unwrap();
    }
}

#[test]
fn an_edited_kernel_header_outside_the_run_is_seen() {
    let p = Project::new();
    let check = ["check", "--format", "gcc", "drivers/x"];
    kernel_tree_with_header(&p, "#define FOO_BYTES (1 << 20)\n");
    let cold = p.run(&check);
    assert!(
        stdout(&cold).contains("kmalloc-costly-order"),
        "{}",
        stdout(&cold)
    );
    // The header's scan is kept, and the outcome reused while the header holds.
    let records = std::fs::read_dir(p.cache().join("records"))
        .unwrap()
        .count();
    assert_eq!(records, 1);
    let warm = p.run(&check);
    assert_eq!(stdout(&warm), stdout(&cold));
    assert_eq!(cache_counts(&warm).1, 0, "{}", stderr(&warm));
    // The header changes; the driver does not.
    kernel_tree_with_header(&p, "#define FOO_BYTES 64\n");
    let edited = p.run(&check);
    assert!(
        !stdout(&edited).contains("kmalloc-costly-order"),
        "{}",
        stdout(&edited)
    );
    let mut no_cache = check.to_vec();
    no_cache.insert(1, "--no-cache");
    assert_eq!(stdout(&edited), stdout(&p.run(&no_cache)));
}

#[test]
fn a_damaged_header_scan_record_is_not_trusted() {
    let p = Project::new();
    let check = ["check", "--format", "gcc", "drivers/x"];
    kernel_tree_with_header(&p, "#define FOO_BYTES (1 << 20)\n");
    let cold = p.run(&check);
    for e in std::fs::read_dir(p.cache().join("records")).unwrap() {
        let path = e.unwrap().path();
        let mut bytes = std::fs::read(&path).unwrap();
        let n = bytes.len();
        bytes[n - 3] ^= 0x5a;
        std::fs::write(&path, bytes).unwrap();
    }
    // No stored outcome: the whole stage reads the headers again.
    for dir in ["runs", "last", "program"] {
        let _ = std::fs::remove_dir_all(p.cache().join(dir));
    }
    let o = p.run(&check);
    assert_eq!(stdout(&o), stdout(&cold), "{}", stderr(&o));
}

/// The caller's file takes its lock through a wrapper defined in another file (its
/// lock states are the full run's, locked again with that wrapper): comment edits of
/// it, each passed over by the early cutoff, keep its re-locked states found, so a
/// later code edit elsewhere is still sliced (it used to run the whole stage every
/// third edit: the entry was keyed by the bytes the full run had seen).
#[test]
fn precommit_slice_after_comment_edits_of_a_file_locked_through_a_wrapper() {
    let p = Project::new();
    write_files(
        &p,
        [
            (
                "wrap/lockw.c",
                "#include <linux/spinlock.h>\nstruct dev { spinlock_t lock; };\n\
                 void dev_lock(struct dev *d)\n{\n\tspin_lock(&d->lock);\n}\n\
                 void dev_unlock(struct dev *d)\n{\n\tspin_unlock(&d->lock);\n}\n",
            ),
            (
                "wrap/caller.c",
                "struct dev;\nvoid dev_lock(struct dev *d);\nvoid dev_unlock(struct dev *d);\n\
                 void helper(void);\nvoid caller(struct dev *d)\n{\n\tdev_lock(d);\n\thelper();\n\
                 \tdev_unlock(d);\n}\n",
            ),
            (
                "wrap/helper.c",
                "#include <linux/delay.h>\nvoid helper(void)\n{\n\tudelay(1);\n}\n",
            ),
        ],
    );
    let named = ["check", "--format", "gcc", "wrap/caller.c"];
    let uncached = ["check", "--format", "gcc", "--no-cache", "wrap/caller.c"];
    p.run(&named);
    let caller = p.path("wrap/caller.c");
    let text = std::fs::read_to_string(&caller).unwrap();
    for comment in ["/* one */\n", "/* two */\n", "/* three */\n"] {
        std::fs::write(&caller, format!("{text}{comment}")).unwrap();
        let o = run_timed(&p, &named);
        assert!(cut_off(&o), "{}", stderr(&o));
    }
    // The helper starts sleeping, a line lower.
    std::fs::write(
        p.path("wrap/helper.c"),
        "#include <linux/delay.h>\n\nvoid helper(void)\n{\n\tmsleep(1);\n}\n",
    )
    .unwrap();
    let o = run_timed(&p, &named);
    assert!(sliced(&o), "{}", stderr(&o));
    assert!(stdout(&o).contains("helper.c:5:"), "{}", stdout(&o));
    assert_eq!(stdout(&o), stdout(&p.run(&uncached)));
}

/// Whether the whole run took the last full run's findings, with those naming files
/// whose code only moved computed again.
/// The `.c` files under the project's `dirs`, sorted.
fn c_files(p: &Project, dirs: &[&str]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|d| walk(&p.path(d)))
        .filter(|f| f.extension().is_some_and(|e| e == "c"))
        .collect();
    files.sort();
    files
}

fn moved(o: &Output) -> bool {
    stderr(o).contains("moved-code run finished")
}

/// A whole run after lines are inserted atop files, file by file over the fixtures (the
/// code only moves): the last full run's findings, with the ones that name the moved
/// file computed again, are what a run without the cache finds. Then an edit of what
/// the code does is computed in full, and right.
#[test]
fn whole_runs_after_code_only_moved_match_full_runs() {
    let p = Project::new();
    p.run(&JSON);
    let dirs = [
        "testdata/atomic-sleeping-gfp",
        "testdata/atomic-context-callers",
        "testdata/subset-invariance",
        "testdata/false-positive-traps",
        "testdata/alloc-free-mismatch",
        "testdata/needless-gfp-atomic",
        "testdata/suppressions",
    ];
    let files = c_files(&p, &dirs);
    let mut moved_runs = 0;
    for (i, file) in files.iter().enumerate().filter(|(i, _)| i % 4 == 0) {
        let text = std::fs::read_to_string(file).unwrap();
        // Blank lines and a comment atop, or indentation and a comment line inside.
        let edited = match i % 2 {
            0 => format!("{}/* moved */\n{text}", "\n".repeat(i % 3 + 1)),
            _ => text.replacen("\n\t", "\n\t/* two\n\t   lines */\n\t  ", 1),
        };
        std::fs::write(file, edited).unwrap();
        let o = run_timed(&p, &JSON);
        moved_runs += usize::from(moved(&o));
        assert_eq!(
            stdout(&o),
            json_no_cache(&p),
            "{}: {}",
            p.relative(file),
            stderr(&o)
        );
        // The same run again: its outcome as stored.
        assert_eq!(stdout(&p.run(&JSON)), stdout(&o));
    }
    assert!(moved_runs > 5, "{moved_runs}");
    // What a function does changes: no moved-code run, and still right.
    let file = &files[0];
    let text = std::fs::read_to_string(file).unwrap();
    std::fs::write(file, format!("{text}\nvoid gfplint_added(void)\n{{\n}}\n")).unwrap();
    let o = run_timed(&p, &JSON);
    assert!(!moved(&o), "{}", stderr(&o));
    assert_eq!(stdout(&o), json_no_cache(&p));
}

fn edited(o: &Output) -> bool {
    stderr(o).contains("edited-code run finished")
}

/// Edits of what the code does (a sleep added, a lock left held, an allocation's flags
/// changed, a function added), file after file over the fixtures, each a whole run: the
/// last full run's findings, with the ones the edit can change computed again over a
/// slice, are what a run without the cache finds.
#[test]
fn whole_runs_after_body_edits_match_full_runs() {
    let p = Project::new();
    p.run(&JSON);
    let dirs = [
        "testdata/atomic-sleeping-gfp",
        "testdata/atomic-context-callers",
        "testdata/subset-invariance",
        "testdata/false-positive-traps",
        "testdata/atomic-sleeping-alloc",
        "testdata/suppressions",
    ];
    let files = c_files(&p, &dirs);
    let mut edited_runs = 0;
    let mut runs = 0;
    for (i, file) in files.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
        let text = std::fs::read_to_string(file).unwrap();
        let sleep_first = || text.replacen("\n{\n", "\n{\n\tmsleep(1);\n", 1);
        let edit = match (i / 3) % 4 {
            // A lock no longer released: what follows it is atomic.
            0 => match text.lines().find(|l| l.contains("spin_unlock")) {
                Some(line) => text.replacen(&format!("{line}\n"), "", 1),
                None => sleep_first(),
            },
            // An allocation that may now sleep.
            1 if text.contains("GFP_ATOMIC") => text.replacen("GFP_ATOMIC", "GFP_KERNEL", 1),
            2 => format!("{text}\nvoid gfplint_added_{i}(void)\n{{\n\tmsleep(1);\n}}\n"),
            _ => sleep_first(),
        };
        if edit == text {
            continue;
        }
        std::fs::write(file, edit).unwrap();
        let o = run_timed(&p, &JSON);
        runs += 1;
        edited_runs += usize::from(edited(&o));
        assert_eq!(
            stdout(&o),
            json_no_cache(&p),
            "{}: {}",
            p.relative(file),
            stderr(&o)
        );
        // The same run again: its outcome as stored.
        assert_eq!(stdout(&p.run(&JSON)), stdout(&o));
    }
    assert!(runs > 10, "{runs}");
    assert!(edited_runs * 2 > runs, "{edited_runs} of {runs}");
}

/// Edits outside the functions, file after file over the fixtures, each a whole run
/// compared with a run without the cache: a file-scope variable added, a prototype
/// added, a macro that turns every `GFP_ATOMIC` of the file into `GFP_KERNEL` (the
/// functions' text is the same, what they do is not), a member of a callback table's
/// initialiser removed (a registration gone).
#[test]
fn whole_runs_after_edits_outside_functions_match_full_runs() {
    let p = Project::new();
    p.run(&JSON);
    let dirs = [
        "testdata/atomic-sleeping-gfp",
        "testdata/atomic-context-callers",
        "testdata/false-positive-traps",
        "testdata/atomic-sleeping-alloc",
    ];
    let files = c_files(&p, &dirs);
    let mut edited_runs = 0;
    let mut runs = 0;
    let initialiser = regex_lite_member();
    for (i, file) in files.iter().enumerate() {
        let text = std::fs::read_to_string(file).unwrap();
        let edit = match i % 4 {
            0 => format!("{text}\nint gfplint_added_{i};\n"),
            1 if text.contains("GFP_ATOMIC") => {
                // (After the includes: the headers would define it again.)
                let at = text.rfind("#include").map_or(0, |k| {
                    k + text[k..].find('\n').map_or(text.len() - k, |n| n + 1)
                });
                format!(
                    "{}#undef GFP_ATOMIC\n#define GFP_ATOMIC GFP_KERNEL\n{}",
                    &text[..at],
                    &text[at..]
                )
            }
            2 => match text.lines().find(|l| initialiser(l)) {
                Some(line) => text.replacen(&format!("{line}\n"), "", 1),
                None => format!("void gfplint_proto_{i}(void);\n{text}"),
            },
            _ => format!("void gfplint_proto_{i}(void);\n{text}"),
        };
        if edit == text {
            continue;
        }
        std::fs::write(file, &edit).unwrap();
        let o = run_timed(&p, &JSON);
        runs += 1;
        edited_runs += usize::from(edited(&o));
        assert_eq!(
            stdout(&o),
            json_no_cache(&p),
            "{}: {}",
            p.relative(file),
            stderr(&o)
        );
        std::fs::write(file, &text).unwrap();
        let o = run_timed(&p, &JSON);
        assert_eq!(
            stdout(&o),
            json_no_cache(&p),
            "{} restored: {}",
            p.relative(file),
            stderr(&o)
        );
    }
    assert!(runs > 10, "{runs}");
    assert!(edited_runs * 2 > runs, "{edited_runs} of {runs}");
}

/// A macro defined outside the functions decides what a function whose text stays the
/// same does (`#if USE_HELPER` in its body): the edit reaches the helper through it,
/// which keeps all its reasons, so the whole stage runs (had the edit changed no
/// function, it would have reached nothing).
#[test]
fn whole_run_after_a_macro_edit_reaches_what_its_users_call() {
    let p = Project::new();
    let mut files: Vec<(String, String)> = vec![("hp/helper.c".into(), SLEEPER.into())];
    for i in 0..6 {
        files.push((
            format!("l{i}/holder.c"),
            format!(
                "#include <linux/spinlock.h>\nstatic DEFINE_SPINLOCK(lock{i});\nvoid helper(void);\n#define USE_HELPER {}\nvoid holder{i}(void)\n{{\n\tspin_lock(&lock{i});\n#if USE_HELPER\n\thelper();\n#endif\n\tspin_unlock(&lock{i});\n}}\n",
                u8::from(i > 0)
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    write_all(&p, &refs);
    let args = ["check", "--format", "json", "."];
    p.run(&args);
    let (path, text) = &files[1];
    let after = text.replace("#define USE_HELPER 0", "#define USE_HELPER 1");
    assert_ne!(&after, text);
    write_all(&p, &[(path, &after)]);
    let o = run_timed(&p, &args);
    ran_the_whole_stage_for_a_capped_function(&p, &o);
}

/// A line of a callback table's initialiser: `\t.member = function,`.
fn regex_lite_member() -> impl Fn(&str) -> bool {
    |l: &str| {
        let Some(rest) = l.strip_prefix('\t').and_then(|r| r.strip_prefix('.')) else {
            return false;
        };
        let Some((member, value)) = rest.split_once('=') else {
            return false;
        };
        let ident =
            |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        ident(member.trim())
            && value
                .trim()
                .strip_suffix(',')
                .is_some_and(|v| ident(v.trim()))
    }
}

/// Writes `files` (path, text) into the project.
fn write_all(p: &Project, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = p.path(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

const SLEEPER: &str = "#include <linux/delay.h>\nvoid helper(void)\n{\n\tmsleep(1);\n}\n";

/// A caller in one directory, a sleeping helper in another, that the caller does not
/// call at first (so no finding of the helper's names the caller's file). Edits of the
/// caller's body: a call from process context (the helper's finding gains a note on it:
/// the slice computes the helper's file again, as a callee whose notes may change); a
/// call under a lock (a second chain into the helper's file); the lock kept, the call
/// gone; a call under the lock of a function in a third directory that calls the
/// helper (a chain into the helper's file that the slice finds, whose file is then
/// computed again). Each is a whole run over
/// the last full run's findings and a slice, each what a run without the cache finds.
#[test]
fn whole_runs_after_body_edits_follow_chains_and_notes_into_other_directories() {
    let p = Project::new();
    let caller = |body: &str| {
        format!(
            "#include <linux/spinlock.h>\nstatic DEFINE_SPINLOCK(lock);\nvoid helper(void);\nvoid caller(void)\n{{\n{body}}}\n"
        )
    };
    write_all(
        &p,
        &[
            ("hp/helper.c", SLEEPER),
            (
                "md/mid.c",
                "void helper(void);\nvoid mid(void)\n{\n\thelper();\n}\n",
            ),
            ("lk/caller.c", &caller("\tudelay(1);\n")),
            (
                "at/atomic.c",
                "#include <linux/spinlock.h>\nstatic DEFINE_SPINLOCK(other);\nvoid helper(void);\nvoid holder(void)\n{\n\tspin_lock(&other);\n\thelper();\n\tspin_unlock(&other);\n}\n",
            ),
        ],
    );
    let args = ["check", "--format", "json", "."];
    let uncached = ["check", "--format", "json", "--no-cache", "."];
    let before = p.run(&args);
    assert!(
        !stdout(&before).contains("lk/caller.c"),
        "{}",
        stdout(&before)
    );
    let steps = [
        (
            "\thelper();\n",
            "also called from process context by `caller()`",
        ),
        (
            "\tspin_lock(&lock);\n\thelper();\n\tspin_unlock(&lock);\n",
            "`helper()` is called from `caller()` at ./lk/caller.c:7",
        ),
        (
            "\tspin_lock(&lock);\n\tudelay(2);\n\tspin_unlock(&lock);\n",
            "",
        ),
        // Through a function in a third directory: the helper's file holds no function
        // the caller calls.
        (
            "\tspin_lock(&lock);\n\tvoid mid(void);\n\tmid();\n\tspin_unlock(&lock);\n",
            "`mid()` is called from `caller()` at ./lk/caller.c:8",
        ),
    ];
    for (body, shown) in steps {
        write_all(&p, &[("lk/caller.c", &caller(body))]);
        let o = run_timed(&p, &args);
        assert!(edited(&o), "{body}: {}", stderr(&o));
        assert!(stdout(&o).contains(shown), "{body}: {}", stdout(&o));
        assert_eq!(stdout(&o), stdout(&p.run(&uncached)), "{body}");
    }
}

/// An exported function's body edit that changes what its callers in other files
/// read of it (here: its `gfp_t` parameter now reaches an allocation, and is handed to
/// an API): those callers are edited in effect, and a caller two directories away that
/// passes GFP_KERNEL under a lock gets a finding; a whole run over a slice, as a run
/// without the cache finds.
#[test]
fn whole_run_after_a_body_edit_read_otherwise_by_callers_in_other_directories() {
    let p = Project::new();
    let f = |body: &str| {
        format!(
            "#include <linux/slab.h>\nstatic void *p;\nvoid f(int n, gfp_t gfp)\n{{\n{body}}}\n"
        )
    };
    write_all(
        &p,
        &[
            ("fa/f.c", &f("\tp = (void *)0;\n")),
            (
                "gb/g.c",
                "#include <linux/slab.h>\nvoid f(int n, gfp_t gfp);\nvoid g(gfp_t gfp)\n{\n\tf(10, gfp);\n}\n",
            ),
            (
                "hc/h.c",
                "#include <linux/spinlock.h>\n#include <linux/slab.h>\nstatic DEFINE_SPINLOCK(lock);\nvoid g(gfp_t gfp);\nvoid h(void)\n{\n\tspin_lock(&lock);\n\tg(GFP_KERNEL);\n\tspin_unlock(&lock);\n}\n",
            ),
        ],
    );
    let args = ["check", "--format", "json", "."];
    assert!(!stdout(&p.run(&args)).contains("hc/h.c"));
    write_all(&p, &[("fa/f.c", &f("\tp = kmalloc(n, gfp);\n"))]);
    let o = run_timed(&p, &args);
    assert!(edited(&o), "{}", stderr(&o));
    assert!(stdout(&o).contains("hc/h.c"), "{}", stdout(&o));
    assert_eq!(
        stdout(&o),
        stdout(&p.run(&["check", "--format", "json", "--no-cache", "."]))
    );
}

/// The run `o` ran the whole stage because a function the edit reaches keeps as many
/// atomic reasons as it may, and its output is a run's without the cache (JSON).
fn ran_the_whole_stage_for_a_capped_function(p: &Project, o: &Output) {
    assert!(!edited(o), "{}", stderr(o));
    assert!(
        stderr(o).contains("keeps as many atomic reasons as it may"),
        "{}",
        stderr(o)
    );
    assert_eq!(
        stdout(o),
        stdout(&p.run(&["check", "--format", "json", "--no-cache", "."]))
    );
}

/// A sleeping helper (`hp/helper.c`) called under the locks of six callers in six
/// directories (`l0` … `l5`): it keeps 4 of those reasons. Written into the project;
/// returns the files (path, text).
fn helper_under_six_locks(p: &Project) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = vec![("hp/helper.c".into(), SLEEPER.into())];
    for i in 0..6 {
        files.push((
            format!("l{i}/holder.c"),
            format!(
                "#include <linux/spinlock.h>\n#include <linux/delay.h>\nstatic DEFINE_SPINLOCK(lock{i});\nvoid helper(void);\nvoid holder{i}(void)\n{{\n\tspin_lock(&lock{i});\n\thelper();\n\tspin_unlock(&lock{i});\n}}\n"
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    write_all(p, &refs);
    files
}

/// A function the edit reaches that keeps as many atomic reasons as it may: which of
/// them it keeps can change beyond any chain through the edited file, so the whole
/// stage runs (and is right).
#[test]
fn whole_run_after_a_body_edit_reaching_a_function_with_all_its_reasons_runs_in_full() {
    let p = Project::new();
    let files = helper_under_six_locks(&p);
    let args = ["check", "--format", "json", "."];
    p.run(&args);
    let (path, text) = &files[1];
    write_all(
        &p,
        &[(
            path,
            &text.replace("\thelper();\n", "\thelper();\n\thelper();\n"),
        )],
    );
    let o = run_timed(&p, &args);
    ran_the_whole_stage_for_a_capped_function(&p, &o);
}

/// A function in its own directory (`mid()`, calling a sleeping helper in another)
/// called under three callers' locks: three atomic reasons, one fewer than a function
/// keeps, and no finding of its own (its file is not computed again). An edit of one
/// caller that leaves its locked call as it was: the slice finds that reason again,
/// which is not one more, so the run is an edited-code run. The twin: a call inserted
/// before the locked one makes it another path into `mid()` (the slice cannot tell
/// whether the old one stays in its place), so `mid()` may keep all it may and the
/// whole stage runs.
#[test]
fn whole_run_after_a_body_edit_finding_a_reason_again_is_not_one_more() {
    let p = Project::new();
    let mut files: Vec<(String, String)> = vec![
        ("hp/helper.c".into(), SLEEPER.into()),
        (
            "md/mid.c".into(),
            "void helper(void);\nvoid mid(void)\n{\n\thelper();\n}\n".into(),
        ),
    ];
    for i in 0..3 {
        files.push((
            format!("l{i}/holder.c"),
            format!(
                "#include <linux/spinlock.h>\n#include <linux/delay.h>\nstatic DEFINE_SPINLOCK(lock{i});\nvoid mid(void);\nvoid holder{i}(void)\n{{\n\tspin_lock(&lock{i});\n\tmid();\n\tspin_unlock(&lock{i});\n}}\n"
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    write_all(&p, &refs);
    let args = ["check", "--format", "json", "."];
    p.run(&args);
    let (path, text) = &files[2];
    a_delay_after_the_unlock_is_an_edited_code_run(&p, path, text);
    // (Back to the full run's text, then the twin.)
    write_all(&p, &[(path, text)]);
    p.run(&args);
    let before = text.replace(
        "\tspin_lock(&lock0);\n",
        "\tudelay(1);\n\tspin_lock(&lock0);\n",
    );
    write_all(&p, &[(path, &before)]);
    let o = run_timed(&p, &args);
    ran_the_whole_stage_for_a_capped_function(&p, &o);
}

/// A helper called under six callers' locks keeps four reasons, one through the
/// caller edited here. An edit that leaves that caller's locked call as it was: the
/// slice finds the reason again with the same chain, and nothing shallower comes, so
/// the helper keeps the same four and the run is an edited-code run (the twin, a
/// second locked call, runs the whole stage: `…_reaching_a_function_with_all_its_reasons_runs_in_full`).
#[test]
fn whole_run_after_a_body_edit_keeping_a_capped_functions_reasons_is_an_edited_code_run() {
    let p = Project::new();
    let files = helper_under_six_locks(&p);
    let args = ["check", "--format", "json", "."];
    p.run(&args);
    let (path, text) = &files[1];
    a_delay_after_the_unlock_is_an_edited_code_run(&p, path, text);
}

/// Adds `udelay(1)` after `spin_unlock(&lock0)` in `path` (whose text is `text`): the run
/// after it is an edited-code run and reports what a run without the cache does.
fn a_delay_after_the_unlock_is_an_edited_code_run(p: &Project, path: &str, text: &str) {
    let after = text.replace(
        "\tspin_unlock(&lock0);\n",
        "\tspin_unlock(&lock0);\n\tudelay(1);\n",
    );
    assert_ne!(after, text);
    write_all(p, &[(path, &after)]);
    let o = run_timed(p, &["check", "--format", "json", "."]);
    assert!(edited(&o), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        stdout(&p.run(&["check", "--format", "json", "--no-cache", "."]))
    );
}

/// The finding is in the helper's file, its evidence (the lock) in the caller's: lines
/// inserted atop the caller move that evidence, and the whole run shows it where it now
/// is, without running the whole stage again.
#[test]
fn whole_run_after_moving_a_callers_code_shows_its_lock_where_it_now_is() {
    let p = Project::new();
    two_files(&p, "\tmsleep(1);\n");
    // (Over the whole project: a slice of most of a run's files is not made.)
    let args = ["check", "--format", "gcc", "."];
    let uncached = ["check", "--format", "gcc", "--no-cache", "."];
    let before = p.run(&args);
    assert!(
        stdout(&before).contains("caller.c:7 "),
        "{}",
        stdout(&before)
    );
    let caller = p.path("prop/caller.c");
    let text = std::fs::read_to_string(&caller).unwrap();
    std::fs::write(&caller, format!("/*\n * Two lines more.\n */\n{text}")).unwrap();
    let o = run_timed(&p, &args);
    assert!(moved(&o), "{}", stderr(&o));
    assert!(stdout(&o).contains("caller.c:10 "), "{}", stdout(&o));
    assert!(stdout(&o).contains("(taken at line 9)"), "{}", stdout(&o));
    assert_eq!(stdout(&o), stdout(&p.run(&uncached)));
    // The helper gets a comment at its end (new bytes, the same facts), the caller
    // moves a line further: the helper's finding is shown from its new text.
    let helper = p.path("prop/helper.c");
    let helper_text = std::fs::read_to_string(&helper).unwrap();
    std::fs::write(&helper, format!("{helper_text}/* the end */\n")).unwrap();
    // (And a file whose findings name no moved file: they are the last run's.)
    let flow = p.path("testdata/atomic-sleeping-gfp/flow.c");
    let flow_text = std::fs::read_to_string(&flow).unwrap();
    std::fs::write(&flow, format!("{flow_text}/* the end */\n")).unwrap();
    std::fs::write(&caller, format!("/*\n * Three\n * lines.\n */\n{text}")).unwrap();
    let o = run_timed(&p, &args);
    assert!(moved(&o), "{}", stderr(&o));
    assert!(stdout(&o).contains("caller.c:11 "), "{}", stdout(&o));
    assert_eq!(stdout(&o), stdout(&p.run(&uncached)));
    assert!(
        !stderr(&o).contains("changed while it was being checked"),
        "{}",
        stderr(&o)
    );
}

/// Pre-commit mode right after `gfplint check .` over the same files, nothing changed:
/// that run's outcome, spelt as pre-commit mode spells the files (`x.c`, not `./x.c`,
/// in places, labels and chains), is this run's, and is stored for identical runs: the
/// next invocations naming other files (as `pre-commit run --all-files` makes) take it.
#[test]
fn precommit_after_check_dot_takes_its_outcome_spelt_as_named() {
    let p = Project::new();
    two_files(&p, "\tmsleep(1);\n");
    p.run(&["check", "--format", "json", "."]);
    for (i, named) in [
        &["prop/helper.c"][..],
        &["prop/caller.c", "testdata/atomic-sleeping-gfp/flow.c"][..],
    ]
    .into_iter()
    .enumerate()
    {
        let mut args = vec!["check", "--format", "json"];
        args.extend(named);
        let o = run_timed(&p, &args);
        // (The second takes the first's whole outcome: the same inputs but the names.)
        let expected = if i == 0 {
            "spelt as named"
        } else {
            "outcome of an identical earlier run"
        };
        assert!(stderr(&o).contains(expected), "{}", stderr(&o));
        assert!(!sliced(&o), "{}", stderr(&o));
        assert!(stdout(&o).contains("\"prop/caller.c:7"), "{}", stdout(&o));
        assert!(!stdout(&o).contains("./prop"), "{}", stdout(&o));
        let mut uncached = args.clone();
        uncached.insert(1, "--no-cache");
        assert_eq!(stdout(&o), stdout(&p.run(&uncached)));
    }
}
