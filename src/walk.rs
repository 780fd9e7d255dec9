//! The file walk of a run: `.c`/`.h` under the given paths as git and ripgrep users
//! expect (the `ignore` crate: `.gitignore`, `.ignore` and `.git/info/exclude` are
//! respected, also outside a git checkout, as in a kernel source tarball; hidden
//! directories are skipped; directories are read in parallel), minus the parts of a
//! kernel tree that are not kernel code (userspace `tools/`, `scripts/`, `usr/`,
//! `Documentation/`, generated `*.mod.c`). Output is sorted and deduplicated, so the
//! order does not depend on the walk's threads.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::config::Glob;
use crate::discover::is_c_source;
use crate::kbuild::Probe;
use crate::parse::FileError;

/// Excluded by default, relative to the project root: userspace programs and build
/// scripts inside a kernel tree, files the kernel build generates, and LKDTM, the
/// kernel's crash-test module, whose functions misuse APIs on purpose (a vmalloc'ed
/// buffer executed, a page freed with kfree()).
pub const DEFAULT_EXCLUDES: &[&str] = &[
    "tools/",
    "scripts/",
    "Documentation/",
    "usr/",
    "*.mod.c",
    "drivers/misc/lkdtm/",
];

/// How to walk.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// `false` (`--no-ignore`): every file, hidden directories and ignore files included,
    /// and no default excludes.
    pub respect_ignore: bool,
    /// Globs relative to `root` skipped during the walk (default: [`DEFAULT_EXCLUDES`]).
    pub excludes: Vec<Glob>,
    /// The project root the excludes are relative to.
    pub root: PathBuf,
    /// `--force-exclude`: a path named on the command line is skipped when the excludes
    /// match it, as in a directory walk (a pre-commit hook names every staged file,
    /// `tools/` and `scripts/` included; ruff has the same flag for the same reason).
    pub force_exclude: bool,
    /// The facts cache directory, where a directory's walk is kept with what it read
    /// (`None`: `--no-cache`, or no cache yet).
    pub memo: Option<PathBuf>,
}

impl WalkOptions {
    pub fn new(root: &Path) -> WalkOptions {
        WalkOptions {
            respect_ignore: true,
            excludes: DEFAULT_EXCLUDES
                .iter()
                .filter_map(|g| Glob::new(g).ok())
                .collect(),
            root: root.to_path_buf(),
            force_exclude: false,
            memo: None,
        }
    }

    /// Whether `--force-exclude` skips the named `path`: it lies under the root and an
    /// exclude matches its path relative to the root. A path that cannot be resolved is
    /// not skipped (it is reported as missing where it is opened).
    pub fn force_excluded(&self, path: &str) -> bool {
        if !self.force_exclude || !self.respect_ignore {
            return false;
        }
        let (Ok(abs), Ok(root)) = (
            std::fs::canonicalize(path),
            std::fs::canonicalize(&self.root),
        ) else {
            return false;
        };
        let Ok(rel) = abs.strip_prefix(&root) else {
            return false;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        !rel.is_empty() && Glob::any_matches(&self.excludes, &rel)
    }
}

/// Every `.c` and `.h` under `roots` (a root that is a file is taken as given, whatever
/// the ignore rules say), sorted and deduplicated; problems come back as errors and
/// the walk goes on. A root that is itself under a default exclude (`tools/testing`
/// named on the command line) is walked without the default excludes: it was asked for.
pub fn discover(roots: &[String], options: &WalkOptions) -> (Vec<String>, Vec<FileError>) {
    let mut files = BTreeSet::new();
    let mut errors = Vec::new();
    let root = std::fs::canonicalize(&options.root).unwrap_or_else(|_| options.root.clone());
    for start in roots {
        let path = Path::new(start);
        if options.force_excluded(start) {
            continue;
        }
        match crate::discover::named_path(start, &mut errors) {
            Some(crate::discover::Named::File) => {
                files.insert(start.clone());
                continue;
            }
            Some(crate::discover::Named::Directory) => {}
            None => continue,
        }
        let start_abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let relative = |p: &Path| -> Option<String> {
            let below = p.strip_prefix(path).ok()?;
            let abs = start_abs.join(below);
            let rel = abs.strip_prefix(&root).ok()?;
            Some(rel.to_string_lossy().replace('\\', "/"))
        };
        let excluded = |rel: &str| Glob::any_matches(&options.excludes, rel);
        let use_excludes = options.respect_ignore
            && relative(path).is_none_or(|rel| rel.is_empty() || !excluded(&rel));
        // Regular files (inode, path), symlinks to look at after the walk (as
        // `discover` does: followed once when they point to a regular file inside the
        // root), and problems.
        let memo = options
            .memo
            .as_deref()
            .filter(|dir| crate::cache::is_cache_dir(dir))
            .map(|dir| {
                (
                    dir,
                    memo_key(start, &start_abs, &root, options, use_excludes),
                )
            });
        if let Some((dir, key)) = memo
            && let Some(m) = crate::cache::read_record::<Memo>(dir, MEMOS, key)
        {
            if m.probes.par_iter().all(Probe::holds) {
                files.extend(m.files);
                errors.extend(m.errors);
                continue;
            }
            // (Not trusted again should the times come back.)
            crate::cache::remove_record(dir, MEMOS, key);
        }
        let walk_started = std::time::SystemTime::now();
        let found: Mutex<Found> = Mutex::default();
        let mut builder = ignore::WalkBuilder::new(path);
        builder
            .standard_filters(options.respect_ignore)
            .require_git(false)
            .follow_links(false);
        if use_excludes {
            let excludes = options.excludes.clone();
            let root = root.clone();
            let (path, start_abs) = (path.to_path_buf(), start_abs.clone());
            builder.filter_entry(move |e| {
                let Ok(below) = e.path().strip_prefix(&path) else {
                    return true;
                };
                let abs = start_abs.join(below);
                let Ok(rel) = abs.strip_prefix(&root) else {
                    return true;
                };
                let rel = rel.to_string_lossy().replace('\\', "/");
                rel.is_empty() || !Glob::any_matches(&excludes, &rel)
            });
        }
        builder.build_parallel().run(|| {
            let found = &found;
            Box::new(move |entry| {
                match entry {
                    Ok(e) if e.file_type().is_some_and(|t| t.is_dir()) => {
                        // Taken before the walk reads the directory and its ignore
                        // files: a change after this changes what it holds.
                        if memo.is_some() {
                            let probes = directory_probes(e.path());
                            let mut f = found.lock().unwrap_or_else(|p| p.into_inner());
                            f.probes.extend(probes);
                        }
                    }
                    Ok(e) if e.file_type().is_none() || !is_c_source(e.path()) => {}
                    Ok(e) => {
                        let mut f = found.lock().unwrap_or_else(|p| p.into_inner());
                        // Paths are strings from here on; a lossy one would not open
                        // again and be reported as missing.
                        let Some(p) = e.path().to_str() else {
                            f.errors.push(FileError {
                                path: e.path().to_string_lossy().into_owned(),
                                message: "file name is not valid UTF-8, skipped".into(),
                            });
                            return ignore::WalkState::Continue;
                        };
                        match e.file_type() {
                            // No `stat` here: a kernel tree has 60,000 files, and their
                            // inodes only matter when a symbolic link is found.
                            Some(t) if t.is_file() => f.regular.push(p.to_string()),
                            Some(t) if t.is_symlink() => f.symlinks.push(p.to_string()),
                            Some(t) => f.errors.push(FileError {
                                path: p.to_string(),
                                message: format!(
                                    "{}, not a regular file; skipped",
                                    crate::bounded::describe(t)
                                ),
                            }),
                            None => {}
                        }
                    }
                    Err(err) => {
                        let mut f = found.lock().unwrap_or_else(|p| p.into_inner());
                        f.errors.push(walk_error(&err, start));
                    }
                }
                ignore::WalkState::Continue
            })
        });
        let mut found = found.into_inner().unwrap_or_else(|p| p.into_inner());
        found.regular.sort();
        let mut start_errors = std::mem::take(&mut found.errors);
        let mut start_files: BTreeSet<String> = BTreeSet::new();
        let symlinks = std::mem::take(&mut found.symlinks);
        if !symlinks.is_empty() {
            use std::os::unix::fs::MetadataExt;
            let regular: Vec<(u64, String)> = found
                .regular
                .iter()
                .map(|p| {
                    (
                        std::fs::symlink_metadata(p).map_or(0, |m| m.ino()),
                        p.clone(),
                    )
                })
                .collect();
            start_files.extend(std::mem::take(&mut found.regular));
            let mut sorted = symlinks.clone();
            sorted.sort();
            crate::discover::follow_symlinks(
                path,
                &sorted,
                &regular,
                &mut start_files,
                &mut start_errors,
            );
        } else {
            start_files.extend(std::mem::take(&mut found.regular));
        }
        // Kept for the next run when nothing it read changed in the last seconds (a
        // change in the same clock tick would keep the same time). A symbolic link's
        // probe is its target's.
        if let Some((dir, key)) = memo {
            let mut probes = std::mem::take(&mut found.probes);
            probes.extend(symlinks.iter().map(|l| Probe::of(Path::new(l))));
            probes.extend(outside_probes(&start_abs));
            let settled = walk_started - std::time::Duration::from_secs(2);
            if !probes.iter().any(|p| p.modified_since(settled)) {
                let memo = Memo {
                    files: start_files.iter().cloned().collect(),
                    errors: start_errors.clone(),
                    probes,
                };
                let _ = crate::cache::write_record(dir, MEMOS, MEMOS_KEPT, key, &memo);
            }
        }
        files.extend(start_files);
        errors.append(&mut start_errors);
    }
    errors.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    (files.into_iter().collect(), errors)
}

#[derive(Default)]
struct Found {
    regular: Vec<String>,
    symlinks: Vec<String>,
    errors: Vec<FileError>,
    /// Directories walked and their ignore files, as they were before being read.
    probes: Vec<Probe>,
}

/// A directory's walk as an earlier run found it, with everything it depended on: each
/// directory walked (a file added, removed or renamed changes its time), the ignore
/// files in it and above it, git's exclude files and configuration.
#[derive(serde::Serialize, serde::Deserialize)]
struct Memo {
    files: Vec<String>,
    errors: Vec<FileError>,
    probes: Vec<Probe>,
}

/// Where walks are kept in the cache directory, and how many.
const MEMOS: &str = "walks";
const MEMOS_KEPT: usize = 8;

/// A walk's key: where it starts and how (the options, the environment git's global
/// ignore file is found through).
fn memo_key(
    start: &str,
    start_abs: &Path,
    root: &Path,
    options: &WalkOptions,
    use_excludes: bool,
) -> crate::cache::Key {
    let env = |name: &str| std::env::var_os(name).unwrap_or_default();
    let text = format!(
        "walk 1|{start}|{start_abs:?}|{root:?}|{:?}|{}|{use_excludes}|{:?}|{:?}|{:?}",
        std::env::current_dir().unwrap_or_default(),
        options.respect_ignore,
        options.excludes,
        env("HOME"),
        env("XDG_CONFIG_HOME"),
    );
    crate::cache::content_digest(text.as_bytes())
}

/// A walked directory, its ignore files, and a repository's own in it.
fn directory_probes(dir: &Path) -> Vec<Probe> {
    let mut probes = vec![Probe::of(dir)];
    probes.extend(ignore_probes(dir));
    probes
}

/// A directory's ignore files, and a repository's own in it.
fn ignore_probes(dir: &Path) -> Vec<Probe> {
    let mut probes = vec![
        Probe::of(&dir.join(".gitignore")),
        Probe::of(&dir.join(".ignore")),
    ];
    let git = dir.join(".git");
    if git.exists() {
        probes.push(Probe::of(&git.join("info/exclude")));
        probes.push(Probe::of(&git.join("config")));
    }
    probes
}

/// What the walk reads outside the directories it walks: the ignore files and
/// repositories of the directories above the start (ignore files apply from there),
/// git's global ignore file and the configuration that can name another one.
fn outside_probes(start_abs: &Path) -> Vec<Probe> {
    let mut probes = Vec::new();
    for dir in start_abs.ancestors().skip(1) {
        probes.extend(ignore_probes(dir));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".config")));
    if let Some(c) = config {
        probes.push(Probe::of(&c.join("git/ignore")));
        probes.push(Probe::of(&c.join("git/config")));
    }
    if let Some(h) = home {
        probes.push(Probe::of(&h.join(".gitconfig")));
    }
    probes
}

fn walk_error(err: &ignore::Error, start: &str) -> FileError {
    // The innermost error with a path names the directory.
    fn parts(err: &ignore::Error) -> (Option<PathBuf>, Option<&std::io::Error>) {
        match err {
            ignore::Error::WithPath { path, err } => (Some(path.clone()), parts(err).1),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                parts(err)
            }
            ignore::Error::Io(io) => (None, Some(io)),
            _ => (None, None),
        }
    }
    let (path, io) = parts(err);
    let message = match io {
        Some(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
            "permission denied".to_string()
        }
        Some(io) => format!("cannot read directory: {io}"),
        None => err.to_string(),
    };
    FileError {
        path: path.map_or_else(|| start.to_string(), |p| p.to_string_lossy().into_owned()),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignore_files_hidden_dirs_and_kernel_excludes() {
        let dir = std::env::temp_dir().join(format!("gfplint-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for f in [
            "drivers/a.c",
            "drivers/a.mod.c",
            "drivers/gen/g.c",
            ".hidden/h.c",
            "tools/testing/t.c",
            "scripts/s.c",
            "include/linux/x.h",
        ] {
            let p = dir.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "int x;\n").unwrap();
        }
        std::fs::write(dir.join(".gitignore"), "gen/\n").unwrap();
        let d = dir.to_str().unwrap().to_string();
        let names = |files: Vec<String>| -> Vec<String> {
            files
                .iter()
                .map(|f| f.strip_prefix(&format!("{d}/")).unwrap().to_string())
                .collect()
        };
        let options = WalkOptions::new(&dir);
        let (files, errors) = discover(std::slice::from_ref(&d), &options);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(names(files), ["drivers/a.c", "include/linux/x.h"]);
        // A root inside a default exclude is walked: it was asked for.
        let tools = format!("{d}/tools/testing");
        let (files, _) = discover(std::slice::from_ref(&tools), &options);
        assert_eq!(names(files), ["tools/testing/t.c"]);
        // --no-ignore: everything.
        let all = WalkOptions {
            respect_ignore: false,
            ..options
        };
        let (files, _) = discover(std::slice::from_ref(&d), &all);
        assert_eq!(files.len(), 7);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Sets a path's modification time (a directory's too) to a fixed one in the past.
    fn age(path: &Path, secs: u64) {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
        std::fs::File::open(path).unwrap().set_modified(t).unwrap();
    }

    #[test]
    fn a_walk_is_kept_while_what_it_read_holds() {
        let dir = std::env::temp_dir().join(format!("gfplint-walk-memo-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cache = dir.join(".gfplint-cache");
        std::fs::create_dir_all(&cache).unwrap();
        std::fs::write(cache.join("CACHEDIR.TAG"), "x created by gfplint\n").unwrap();
        for f in ["a/x.c", "b/y.c"] {
            let p = dir.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "int x;\n").unwrap();
        }
        std::fs::write(dir.join(".gitignore"), "\n").unwrap();
        let settle = |secs: u64| {
            for p in ["", "a", "b", ".gitignore"] {
                age(&dir.join(p), secs);
            }
        };
        settle(1_600_000_000);
        let d = dir.to_str().unwrap().to_string();
        let mut options = WalkOptions::new(&dir);
        options.memo = Some(cache.clone());
        let walk = || {
            let (files, errors) = discover(std::slice::from_ref(&d), &options);
            assert!(errors.is_empty(), "{errors:?}");
            files
                .iter()
                .map(|f| f.strip_prefix(&format!("{d}/")).unwrap().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(walk(), ["a/x.c", "b/y.c"]);
        assert_eq!(std::fs::read_dir(cache.join(MEMOS)).unwrap().count(), 1);
        // The kept walk answers while every directory keeps its time: a file slipped in
        // with the directory's time restored is not seen (what shows the walk was not
        // made again)...
        std::fs::write(dir.join("a/hidden_from_memo.c"), "int y;\n").unwrap();
        age(&dir.join("a"), 1_600_000_000);
        assert_eq!(walk(), ["a/x.c", "b/y.c"]);
        // ...and a file added the usual way changes the directory's time: walked again.
        std::fs::write(dir.join("b/z.c"), "int z;\n").unwrap();
        assert_eq!(walk(), ["a/hidden_from_memo.c", "a/x.c", "b/y.c", "b/z.c"]);
        // An ignore file edited in place (the directory keeps its time).
        settle(1_700_000_000);
        assert_eq!(walk().len(), 4);
        std::fs::write(dir.join(".gitignore"), "z.c\n").unwrap();
        assert_eq!(walk(), ["a/hidden_from_memo.c", "a/x.c", "b/y.c"]);
        // Walks changed within the last seconds are not kept.
        std::fs::remove_dir_all(cache.join(MEMOS)).unwrap();
        std::fs::write(dir.join("b/w.c"), "int w;\n").unwrap();
        assert_eq!(walk().len(), 4);
        assert!(!cache.join(MEMOS).exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
