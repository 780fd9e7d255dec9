//! Which files to check, in a deterministic order.

use std::collections::BTreeSet;
use std::path::Path;

use crate::parse::FileError;

/// Whether a path names C source gfplint checks.
pub fn is_c_source(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("c" | "h"))
}

/// What a path named on the command line is.
pub(crate) enum Named {
    File,
    Directory,
}

/// Looks at a path named on the command line: a regular file or a directory, or `None`
/// after recording why it is skipped (missing, inaccessible, a special file).
pub(crate) fn named_path(root: &str, errors: &mut Vec<FileError>) -> Option<Named> {
    let message = match std::fs::metadata(root) {
        Ok(m) if m.is_file() => return Some(Named::File),
        Ok(m) if m.is_dir() => return Some(Named::Directory),
        Ok(m) => format!(
            "{}, not a regular file; skipped",
            crate::bounded::describe(m.file_type())
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "no such file or directory".into(),
        Err(e) => format!("cannot access: {e}"),
    };
    errors.push(FileError {
        path: root.to_string(),
        message,
    });
    None
}

/// Every `.c` and `.h` under `roots` (a root that is a file is taken as given), sorted
/// and deduplicated; problems (missing paths, unreadable directories) come back as
/// errors and the walk goes on. Nothing is skipped in silence: a special file (FIFO,
/// device, socket) is named and never opened; a symlink to a regular file inside its
/// root is followed, once (not when the file it points to is checked anyway); any other
/// symlink is named.
pub fn discover(roots: &[String]) -> (Vec<String>, Vec<FileError>) {
    let mut files = BTreeSet::new();
    let mut errors = Vec::new();
    for root in roots {
        let path = Path::new(root);
        match named_path(root, &mut errors) {
            Some(Named::File) => {
                files.insert(root.clone());
                continue;
            }
            Some(Named::Directory) => {}
            None => continue,
        }
        // (inode, path) of the regular files seen, and the symlinks to look at after.
        let mut regular: Vec<(u64, String)> = Vec::new();
        let mut symlinks: Vec<String> = Vec::new();
        for entry in walkdir::WalkDir::new(path)
            .follow_links(false)
            .sort_by_file_name()
        {
            match entry {
                Ok(e) if e.file_type().is_dir() || !is_c_source(e.path()) => {}
                Ok(e) => {
                    // Paths are strings from here on; a lossy one would not open again
                    // and be reported as missing.
                    let Some(p) = e.path().to_str() else {
                        errors.push(FileError {
                            path: e.path().to_string_lossy().into_owned(),
                            message: "file name is not valid UTF-8, skipped".into(),
                        });
                        continue;
                    };
                    let t = e.file_type();
                    if t.is_file() {
                        use walkdir::DirEntryExt;
                        regular.push((e.ino(), p.to_string()));
                        files.insert(p.to_string());
                    } else if t.is_symlink() {
                        symlinks.push(p.to_string());
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
                Err(e) => {
                    let p = e
                        .path()
                        .map(|p| p.to_string_lossy().into_owned())
                        .unwrap_or_else(|| root.clone());
                    let message = match e.io_error() {
                        Some(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
                            "permission denied".to_string()
                        }
                        Some(io) => format!("cannot read directory: {io}"),
                        None => e.to_string(),
                    };
                    errors.push(FileError { path: p, message });
                }
            }
        }
        if !symlinks.is_empty() {
            follow_symlinks(path, &symlinks, &regular, &mut files, &mut errors);
        }
    }
    (files.into_iter().collect(), errors)
}

/// Adds the `symlinks` found under `root` that point to a regular file inside `root`
/// not already checked (`regular`: inode and path of the regular files found); names
/// the others.
pub(crate) fn follow_symlinks(
    root: &Path,
    symlinks: &[String],
    regular: &[(u64, String)],
    files: &mut BTreeSet<String>,
    errors: &mut Vec<FileError>,
) {
    use std::os::unix::fs::MetadataExt;
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut seen: std::collections::HashSet<(u64, u64)> = std::collections::HashSet::new();
    let mut by_inode: std::collections::HashMap<u64, Vec<&str>> = std::collections::HashMap::new();
    for (ino, p) in regular {
        by_inode.entry(*ino).or_default().push(p);
    }
    let mut skip = |path: &str, message: String| {
        errors.push(FileError {
            path: path.to_string(),
            message,
        })
    };
    for link in symlinks {
        let target = match std::fs::metadata(link) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                skip(link, "broken symbolic link, skipped".into());
                continue;
            }
            Err(e) => {
                skip(link, format!("cannot follow symbolic link: {e}, skipped"));
                continue;
            }
        };
        if !target.is_file() {
            skip(
                link,
                format!(
                    "symbolic link to {}, not a regular file; skipped",
                    crate::bounded::describe(target.file_type())
                ),
            );
            continue;
        }
        let inside = std::fs::canonicalize(link).is_ok_and(|c| c.starts_with(&canonical_root));
        if !inside {
            skip(
                link,
                "symbolic link to a file outside the checked directory, skipped".into(),
            );
            continue;
        }
        let id = (target.dev(), target.ino());
        // Checked under its own name already (same inode and device)?
        let duplicate = by_inode.get(&id.1).is_some_and(|paths| {
            paths
                .iter()
                .any(|p| std::fs::metadata(p).is_ok_and(|m| (m.dev(), m.ino()) == id))
        });
        if !duplicate && seen.insert(id) {
            files.insert(link.clone());
        }
    }
}

/// Pre-commit mode: the context directory to check the named `paths` in. An explicit
/// `--context DIR` wins and `--no-context` turns the mode off; otherwise, when every
/// path names a file (`is_buffer`: or the stdin buffer) and the project `root` is known,
/// the root is the context, so a file's callers and callees elsewhere are seen.
pub fn precommit_context(
    paths: &[String],
    explicit: Option<&Path>,
    no_context: bool,
    root: Option<&str>,
    is_buffer: impl Fn(&str) -> bool,
) -> Option<String> {
    let all_files = paths.iter().all(|p| Path::new(p).is_file() || is_buffer(p));
    match (explicit, no_context) {
        (Some(dir), _) => Some(dir.to_string_lossy().into_owned()),
        (None, false) if all_files => root.map(str::to_string),
        _ => None,
    }
}

/// The files of a run, chosen by the walk and the configuration's include/exclude.
#[derive(Debug, Default)]
pub struct Selected {
    /// The files to analyse, sorted as the walk gives them.
    pub files: Vec<String>,
    pub errors: Vec<FileError>,
    /// In pre-commit mode, the named files to report on (the others are context).
    pub report_only: Option<Vec<String>>,
    /// C files the walk found before include/exclude (to explain an empty selection).
    pub found: usize,
}

/// `path` made absolute against `cwd`, with `.` and `..` resolved by name (no system
/// call: a `..` after a symbolic link may name another directory than the file
/// system's, so callers confirm a match with the canonical path).
pub fn lexical_absolute(cwd: &Path, path: &str) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for c in cwd.join(path).components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The files to analyse for the named `paths`: with a pre-commit `context` directory,
/// every selected file under it (a leading `./` removed), plus named files outside it,
/// reporting only on the named files; else the files under `paths`. `selects` is the
/// configuration's include/exclude.
pub fn select(
    paths: &[String],
    context: Option<&str>,
    walk: &crate::walk::WalkOptions,
    selects: impl Fn(&Path) -> bool,
) -> Selected {
    let Some(dir) = context else {
        let (mut files, errors) = crate::walk::discover(paths, walk);
        let found = files.len();
        files.retain(|f| selects(Path::new(f)));
        return Selected {
            files,
            errors,
            report_only: None,
            found,
        };
    };
    let (mut files, mut errors) = crate::walk::discover(&[dir.to_string()], walk);
    let found = files.len();
    files.retain(|f| selects(Path::new(f)));
    for f in &mut files {
        if let Some(rest) = f.strip_prefix("./") {
            *f = rest.to_string();
        }
    }
    // A named file outside the context directory is checked too.
    let named: Vec<String> = paths
        .iter()
        .filter(|p| selects(Path::new(p)) && !walk.force_excluded(p))
        .cloned()
        .collect();
    let (extra, named_errors) = crate::walk::discover(&named, walk);
    // Canonical paths of the tree's files that are named files. Found by name when
    // every named file is spelt as the walk spells it (up to `./` and `..`, confirmed
    // by the canonical path); else those on a named file's inode (a `stat` per file
    // of the tree, not a `realpath`).
    let canonical = |f: &str| std::fs::canonicalize(f).ok();
    let by_name = std::env::current_dir().ok().and_then(|cwd| {
        let tree: std::collections::HashSet<std::path::PathBuf> =
            files.iter().map(|f| lexical_absolute(&cwd, f)).collect();
        extra
            .iter()
            .map(|f| {
                let lexical = lexical_absolute(&cwd, f);
                tree.contains(&lexical)
                    .then(|| canonical(f))
                    .flatten()
                    .filter(|c| canonical(&lexical.to_string_lossy()).as_ref() == Some(c))
            })
            .collect::<Option<std::collections::HashSet<_>>>()
    });
    let known = by_name.unwrap_or_else(|| {
        let named_ids: std::collections::HashSet<(u64, u64)> = extra
            .iter()
            .filter_map(|f| crate::file_id(Path::new(f)))
            .collect();
        files
            .iter()
            .filter(|f| crate::file_id(Path::new(f)).is_some_and(|id| named_ids.contains(&id)))
            .filter_map(|f| canonical(f))
            .collect()
    });
    for f in extra {
        if std::fs::canonicalize(&f).is_ok_and(|c| !known.contains(&c)) {
            files.push(f);
        }
    }
    errors.extend(named_errors);
    Selected {
        files,
        errors,
        report_only: Some(named),
        found,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch tree: `ctx/a.c`, `ctx/sub/b.c`, `ctx/skip.c`, and `out.c` beside `ctx`.
    fn tree(tag: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("gfplint-select-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("ctx/sub")).unwrap();
        for f in ["ctx/a.c", "ctx/sub/b.c", "ctx/skip.c", "out.c"] {
            std::fs::write(dir.join(f), "int x;\n").unwrap();
        }
        dir
    }

    fn s(p: std::path::PathBuf) -> String {
        p.to_string_lossy().into_owned()
    }

    #[test]
    fn lexical_paths() {
        let cwd = Path::new("/repo/drivers");
        assert_eq!(
            lexical_absolute(cwd, "../drivers/./foo/../foo/a.c"),
            Path::new("/repo/drivers/foo/a.c")
        );
        assert_eq!(lexical_absolute(cwd, "/abs/b.c"), Path::new("/abs/b.c"));
        assert_eq!(
            lexical_absolute(cwd, "./x.c"),
            Path::new("/repo/drivers/x.c")
        );
    }

    #[test]
    fn precommit_context_only_for_named_files() {
        let dir = tree("ctx");
        let file = vec![s(dir.join("ctx/a.c"))];
        let directory = vec![s(dir.join("ctx"))];
        let none = |_: &str| false;
        assert_eq!(
            precommit_context(&file, None, false, Some("root"), none).as_deref(),
            Some("root")
        );
        assert_eq!(
            precommit_context(&file, None, true, Some("root"), none),
            None
        );
        assert_eq!(precommit_context(&file, None, false, None, none), None);
        assert_eq!(
            precommit_context(&directory, None, false, Some("root"), none),
            None
        );
        assert_eq!(
            precommit_context(&directory, Some(Path::new("x")), true, None, none).as_deref(),
            Some("x")
        );
        // The stdin buffer counts as a named file though it is not on disk.
        let buffer = vec!["missing.c".to_string()];
        assert!(precommit_context(&buffer, None, false, Some("r"), |p| p == "missing.c").is_some());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn select_reports_on_named_files_with_the_context_around_them() {
        let dir = tree("sel");
        let walk = crate::walk::WalkOptions::new(&dir);
        let not_skip = |p: &Path| !p.ends_with("skip.c");
        let named = vec![s(dir.join("ctx/a.c")), s(dir.join("out.c"))];
        let sel = select(&named, Some(&s(dir.join("ctx"))), &walk, not_skip);
        assert_eq!(sel.found, 3);
        assert_eq!(
            sel.files,
            vec![
                s(dir.join("ctx/a.c")),
                s(dir.join("ctx/sub/b.c")),
                s(dir.join("out.c"))
            ]
        );
        assert_eq!(sel.report_only, Some(named.clone()));
        assert!(sel.errors.is_empty());
        // Without a context: only what is named, reported in full.
        let sel = select(&named, None, &walk, not_skip);
        assert_eq!(sel.files.len(), 2);
        assert_eq!(sel.report_only, None);
        // A named file the configuration excludes is neither checked nor reported on.
        let sel = select(
            &[s(dir.join("ctx/skip.c"))],
            Some(&s(dir.join("ctx"))),
            &walk,
            not_skip,
        );
        assert_eq!(sel.report_only, Some(Vec::new()));
        assert!(!sel.files.iter().any(|f| f.ends_with("skip.c")));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
