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

use crate::config::Glob;
use crate::discover::is_c_source;
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
                    Ok(e) if e.file_type().is_none_or(|t| t.is_dir()) || !is_c_source(e.path()) => {
                    }
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
        errors.append(&mut found.errors);
        if !found.symlinks.is_empty() {
            use std::os::unix::fs::MetadataExt;
            found.symlinks.sort();
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
            files.extend(found.regular);
            crate::discover::follow_symlinks(
                path,
                &found.symlinks,
                &regular,
                &mut files,
                &mut errors,
            );
        } else {
            files.extend(found.regular);
        }
    }
    errors.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    (files.into_iter().collect(), errors)
}

#[derive(Default)]
struct Found {
    regular: Vec<String>,
    symlinks: Vec<String>,
    errors: Vec<FileError>,
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
}
