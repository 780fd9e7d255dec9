//! The file walk of a run: `.c`/`.h` under the given paths as git and ripgrep users
//! expect (the `ignore` crate: `.gitignore`, `.ignore` and `.git/info/exclude` are
//! respected, also outside a git checkout, as in a kernel source tarball; hidden
//! directories are skipped; directories are read in parallel), minus the parts of a
//! kernel tree that are not kernel code (userspace `tools/`, `scripts/`, `usr/`,
//! `Documentation/`, generated `*.mod.c`). Output is sorted and deduplicated, so the
//! order does not depend on the walk's threads.
//!
//! In the pipeline (stage *discover*, `src/walk.rs`, `src/discover.rs`): `.c`/`.h`
//! under the given paths, sorted, deduplicated; in-tree symlinks to regular files
//! followed once; special files, other symlinks and problems become `FileError`s. The
//! CLI walks with `walk.rs` (the `ignore` crate: .gitignore, hidden dirs, kernel
//! default excludes; the walk is kept in the cache per directory with each directory's
//! and ignore file's `stat`, and only directories whose time changed are listed again);
//! `discover.rs` is the plain walk of the library API and the pre-commit selection
//! (`precommit_context`, `select`: the named files to report on, the project around
//! them as context)

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
        let walker = Walker {
            respect_ignore: options.respect_ignore,
            filter: use_excludes.then(|| ExcludeFilter {
                start: path.to_path_buf(),
                start_abs: start_abs.clone(),
                root: root.clone(),
                excludes: options.excludes.clone(),
            }),
            probes: memo.is_some(),
        };
        let walk_started = std::time::SystemTime::now();
        // The walk an earlier run kept, brought up to date where directories changed;
        // else a walk of the whole tree.
        let kept = memo.and_then(|(dir, key)| {
            let m = crate::cache::read_record::<Memo>(dir, MEMOS, key)?;
            let refreshed = m.refresh(&walker);
            if refreshed.is_none() {
                // (Not trusted again should the times come back.)
                crate::cache::remove_record(dir, MEMOS, key);
            }
            refreshed
        });
        let (tree, walk_errors, changed) = match kept {
            Some((tree, changed)) => (tree, Vec::new(), changed),
            None => {
                let (tree, errors) = walker.walk(path, None);
                (tree, errors, true)
            }
        };
        // Regular files (inode, path), and symbolic links followed once when they
        // point to a regular file inside the root (as `discover` does). No `stat` per
        // file unless the tree has such links (kernel trees do: dt-bindings headers);
        // a kept walk keeps the inodes.
        let mut tree = tree;
        if tree.values().any(|d| !d.symlinks.is_empty()) {
            use std::os::unix::fs::MetadataExt;
            tree.par_iter_mut().for_each(|(_, d)| {
                for (p, ino) in &mut d.files {
                    if *ino == 0 {
                        *ino = std::fs::symlink_metadata(p.as_str()).map_or(0, |m| m.ino());
                    }
                }
            });
        }
        let mut start_errors = Vec::new();
        let mut symlinks: Vec<String> = Vec::new();
        let mut regular: Vec<(u64, String)> = Vec::new();
        for d in tree.values() {
            regular.extend(d.files.iter().map(|(p, ino)| (*ino, p.clone())));
            symlinks.extend(d.symlinks.iter().cloned());
        }
        // (Collected, not extended: a set built from a whole list is sorted once and
        // built in bulk, where 55,653 inserts one by one cost tens of milliseconds.)
        let mut start_files: BTreeSet<String> = regular.iter().map(|(_, p)| p.clone()).collect();
        if !symlinks.is_empty() {
            symlinks.sort();
            crate::discover::follow_symlinks(
                path,
                &symlinks,
                &regular,
                &mut start_files,
                &mut start_errors,
            );
        }
        // Kept for the next run when the walk made no error and nothing it read
        // changed in the last seconds (a change in the same clock tick would keep the
        // same time).
        if let Some((dir, key)) = memo
            && changed
            && walk_errors.is_empty()
        {
            let outside = outside_probes(path, &start_abs);
            let settled = walk_started - std::time::Duration::from_secs(2);
            let recent = |p: &Probe| p.modified_since(settled);
            let settled_all = !outside.iter().any(recent)
                && !tree
                    .values()
                    .any(|d| recent(&d.probe) || d.ignores.iter().any(recent));
            if settled_all {
                let memo = Memo {
                    dirs: tree,
                    outside,
                };
                let _ = crate::cache::write_record(dir, MEMOS, MEMOS_KEPT, key, &memo);
            }
        }
        if files.is_empty() {
            files = start_files;
        } else {
            files.extend(start_files);
        }
        errors.extend(walk_errors);
        errors.append(&mut start_errors);
    }
    errors.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    (files.into_iter().collect(), errors)
}

/// One directory of a walk: what it held, and what it was as it was read.
#[derive(serde::Serialize, serde::Deserialize)]
struct DirMemo {
    /// The directory before it was read (a file added, removed or renamed in it
    /// changes its time).
    probe: Probe,
    /// Its ignore files (and a repository's exclude file and configuration).
    ignores: Vec<Probe>,
    /// The C files in it, with their inodes (for symbolic links to them).
    files: Vec<(String, u64)>,
    /// The symbolic links to C files in it, followed after the walk.
    symlinks: Vec<String>,
    /// The directories in it that the walk entered.
    subdirs: Vec<String>,
}

impl DirMemo {
    fn empty() -> DirMemo {
        DirMemo {
            probe: Probe::absent(),
            ignores: Vec::new(),
            files: Vec::new(),
            symlinks: Vec::new(),
            subdirs: Vec::new(),
        }
    }
}

/// A walk as directories, by path.
type Tree = std::collections::BTreeMap<String, DirMemo>;

/// A directory's walk as an earlier run found it, with everything it depended on.
#[derive(serde::Serialize, serde::Deserialize)]
struct Memo {
    dirs: Tree,
    /// The ignore files above the start, git's global ignore file and configuration.
    outside: Vec<Probe>,
}

/// At most this many changed directories are listed again; more, and the tree is
/// walked again.
const MAX_RELISTED: usize = 256;

impl Memo {
    /// The kept walk with the directories that changed since listed again (and the
    /// directories new in them walked): `None` when an ignore file changed (its rules
    /// reach the whole subtree), too many directories did, or listing one failed; with
    /// whether anything changed.
    fn refresh(self, walker: &Walker) -> Option<(Tree, bool)> {
        if !self.outside.par_iter().all(Probe::holds) {
            return None;
        }
        let stale: Vec<(&String, bool)> = self
            .dirs
            .par_iter()
            .filter_map(|(path, d)| {
                let ignores = d.ignores.iter().all(Probe::holds);
                (!ignores || !d.probe.holds()).then_some((path, ignores))
            })
            .collect();
        if stale.is_empty() {
            return Some((self.dirs, false));
        }
        if stale.len() > MAX_RELISTED || stale.iter().any(|(_, ignores)| !ignores) {
            return None;
        }
        let stale: Vec<String> = stale.into_iter().map(|(p, _)| p.clone()).collect();
        let mut dirs = self.dirs;
        for path in stale {
            let Some(old) = dirs.remove(&path) else {
                continue; // (inside a subtree removed before)
            };
            let (mut listed, errors) = walker.walk(Path::new(&path), Some(1));
            if !errors.is_empty() {
                return None;
            }
            let Some(new) = listed.remove(&path) else {
                // Gone: its subtree with it.
                remove_subtree(&mut dirs, &old.subdirs);
                continue;
            };
            let gone: Vec<String> = old
                .subdirs
                .iter()
                .filter(|s| !new.subdirs.contains(s))
                .cloned()
                .collect();
            remove_subtree(&mut dirs, &gone);
            for sub in &new.subdirs {
                if !old.subdirs.contains(sub) {
                    let (tree, errors) = walker.walk(Path::new(sub), None);
                    if !errors.is_empty() {
                        return None;
                    }
                    dirs.extend(tree);
                }
            }
            dirs.insert(path, new);
        }
        Some((dirs, true))
    }
}

/// Removes these directories and everything below them.
fn remove_subtree(dirs: &mut Tree, roots: &[String]) {
    let mut queue: Vec<String> = roots.to_vec();
    while let Some(p) = queue.pop() {
        if let Some(d) = dirs.remove(&p) {
            queue.extend(d.subdirs);
        }
    }
}

/// The excludes, matched against paths relative to the project root.
#[derive(Clone)]
struct ExcludeFilter {
    start: PathBuf,
    start_abs: PathBuf,
    root: PathBuf,
    excludes: Vec<Glob>,
}

impl ExcludeFilter {
    fn keeps(&self, path: &Path) -> bool {
        let Ok(below) = path.strip_prefix(&self.start) else {
            return true;
        };
        let abs = self.start_abs.join(below);
        let Ok(rel) = abs.strip_prefix(&self.root) else {
            return true;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        rel.is_empty() || !Glob::any_matches(&self.excludes, &rel)
    }
}

/// How directories are walked (the `ignore` crate, directories read in parallel).
struct Walker {
    respect_ignore: bool,
    filter: Option<ExcludeFilter>,
    /// Whether to take each directory's probes (for a kept walk).
    probes: bool,
}

impl Walker {
    /// The directories under `top` (with `max_depth` 1: `top` alone, listed) with
    /// their C files, symbolic links and subdirectories; and problems.
    fn walk(&self, top: &Path, max_depth: Option<usize>) -> (Tree, Vec<FileError>) {
        let found: Mutex<(Tree, Vec<FileError>)> = Mutex::default();
        let mut builder = ignore::WalkBuilder::new(top);
        builder
            .standard_filters(self.respect_ignore)
            .require_git(false)
            .follow_links(false)
            .max_depth(max_depth);
        if let Some(f) = self.filter.clone() {
            builder.filter_entry(move |e| f.keeps(e.path()));
        }
        let start = top.to_string_lossy().into_owned();
        builder.build_parallel().run(|| {
            let (found, start) = (&found, &start);
            Box::new(move |entry| {
                // A directory's probes are taken before the walk reads it and its
                // ignore files (a change after this changes what they say), outside
                // the lock.
                let probes = match &entry {
                    Ok(e)
                        if self.probes
                            && e.file_type().is_some_and(|t| t.is_dir())
                            && (max_depth.is_none() || e.depth() == 0) =>
                    {
                        Some((Probe::of(e.path()), ignore_probes(e.path())))
                    }
                    _ => None,
                };
                let mut f = found.lock().unwrap_or_else(|p| p.into_inner());
                match entry {
                    Ok(e) => self.entry(&e, max_depth, probes, &mut f),
                    Err(err) => f.1.push(walk_error(&err, start)),
                }
                ignore::WalkState::Continue
            })
        });
        // (In path order, whatever the walk's threads did.)
        let (mut tree, errors) = found.into_inner().unwrap_or_else(|p| p.into_inner());
        for d in tree.values_mut() {
            d.files.sort();
            d.symlinks.sort();
            d.subdirs.sort();
        }
        (tree, errors)
    }

    /// Notes one entry of the walk.
    fn entry(
        &self,
        e: &ignore::DirEntry,
        max_depth: Option<usize>,
        probes: Option<(Probe, Vec<Probe>)>,
        (tree, errors): &mut (Tree, Vec<FileError>),
    ) {
        let Some(t) = e.file_type() else {
            return;
        };
        if !t.is_dir() && !is_c_source(e.path()) {
            return;
        }
        // Paths are strings from here on; a lossy one would not open again and be
        // reported as missing.
        let Some(p) = e.path().to_str() else {
            errors.push(FileError {
                path: e.path().to_string_lossy().into_owned(),
                message: "file name is not valid UTF-8, skipped".into(),
            });
            return;
        };
        let at_top = e.depth() == 0;
        let parent = e.path().parent().and_then(Path::to_str);
        fn in_parent<'t>(tree: &'t mut Tree, parent: Option<&str>) -> Option<&'t mut DirMemo> {
            Some(
                tree.entry(parent?.to_string())
                    .or_insert_with(DirMemo::empty),
            )
        }
        if t.is_dir() {
            if !at_top && let Some(d) = in_parent(tree, parent) {
                d.subdirs.push(p.to_string());
            }
            if max_depth.is_none() || at_top {
                let d = tree.entry(p.to_string()).or_insert_with(DirMemo::empty);
                if let Some((probe, ignores)) = probes {
                    d.probe = probe;
                    d.ignores = ignores;
                }
            }
            return;
        }
        if at_top {
            return;
        }
        if t.is_file() {
            // (The inode is read after the walk, when some symbolic link needs it.)
            if let Some(d) = in_parent(tree, parent) {
                d.files.push((p.to_string(), 0));
            }
        } else if t.is_symlink() {
            if let Some(d) = in_parent(tree, parent) {
                d.symlinks.push(p.to_string());
            }
        } else {
            errors.push(FileError {
                path: p.to_string(),
                message: format!(
                    "{}, not a regular file; skipped",
                    crate::bounded::describe(t)
                ),
            });
        }
    }
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
/// repositories of the directories above the start (ignore files apply from there;
/// named through `..` from the start, so the cache holds no absolute path of the
/// project), git's global ignore file and the configuration that can name another one.
fn outside_probes(start: &Path, start_abs: &Path) -> Vec<Probe> {
    let mut probes = Vec::new();
    let mut dir = start.to_path_buf();
    for _ in start_abs.ancestors().skip(1) {
        dir.push("..");
        probes.extend(ignore_probes(&dir));
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
        // ...and a file added the usual way changes the directory's time: that
        // directory is listed again (only that one).
        std::fs::write(dir.join("b/z.c"), "int z;\n").unwrap();
        assert_eq!(walk(), ["a/x.c", "b/y.c", "b/z.c"]);
        // A new directory is walked; a removed one leaves with its files.
        std::fs::create_dir_all(dir.join("b/sub/deeper")).unwrap();
        std::fs::write(dir.join("b/sub/deeper/s.c"), "int s;\n").unwrap();
        assert_eq!(walk(), ["a/x.c", "b/sub/deeper/s.c", "b/y.c", "b/z.c"]);
        std::fs::remove_dir_all(dir.join("b/sub")).unwrap();
        assert_eq!(walk(), ["a/x.c", "b/y.c", "b/z.c"]);
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
