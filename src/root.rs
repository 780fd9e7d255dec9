//! The project root: where `gfplint.toml` is, else the repository (`.git`), else a
//! kernel tree recognised by its top-level files. It scopes the configuration, the
//! context of pre-commit mode, paths in fingerprints and SARIF, and the cache.

use std::path::{Path, PathBuf};

/// How the root was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootKind {
    /// The directory holds `gfplint.toml`.
    Config,
    /// The directory holds `.git` (a repository or a worktree).
    Git,
    /// The directory holds `Kbuild`, `Kconfig` and `MAINTAINERS`: the top of a kernel
    /// tree without `.git` (an unpacked release).
    Kernel,
}

impl RootKind {
    /// What the summary line says about it.
    pub fn describe(self) -> &'static str {
        match self {
            RootKind::Config => "gfplint.toml",
            RootKind::Git => ".git",
            RootKind::Kernel => "kernel tree",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    /// Canonical.
    pub dir: PathBuf,
    pub kind: RootKind,
}

/// The root above `start` (a file or directory): the nearest ancestor (or `start`
/// itself) that holds `gfplint.toml`, `.git` or the top-level files of a kernel tree.
/// The search stops at the first of these, does not enter a directory named in
/// `GIT_CEILING_DIRECTORIES` (absolute paths, `:`-separated, as git reads it), and
/// does not climb above `$HOME`: a tree unpacked below an unrelated repository or home
/// directory is not taken for part of it.
pub fn find(start: &Path) -> Option<Root> {
    let ceilings: Vec<PathBuf> = std::env::var_os("GIT_CEILING_DIRECTORIES")
        .map(|v| {
            std::env::split_paths(&v)
                .filter(|p| p.is_absolute())
                .map(|p| std::fs::canonicalize(&p).unwrap_or(p))
                .collect()
        })
        .unwrap_or_default();
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| std::fs::canonicalize(&h).unwrap_or_else(|_| PathBuf::from(h)));
    find_with(start, &ceilings, home.as_deref())
}

fn find_with(start: &Path, ceilings: &[PathBuf], home: Option<&Path>) -> Option<Root> {
    let start = std::fs::canonicalize(start).ok()?;
    let mut dir = if start.is_dir() {
        start.as_path()
    } else {
        start.parent()?
    };
    loop {
        // Anything by that name, so that one that is not a readable regular file is
        // reported by `Config::load` rather than skipped in silence.
        if dir
            .join(crate::config::FILE_NAME)
            .symlink_metadata()
            .is_ok()
        {
            return Some(root(dir, RootKind::Config));
        }
        if dir.join(".git").exists() {
            return Some(root(dir, RootKind::Git));
        }
        if ["Kbuild", "Kconfig", "MAINTAINERS"]
            .iter()
            .all(|f| dir.join(f).is_file())
        {
            return Some(root(dir, RootKind::Kernel));
        }
        if home == Some(dir) {
            return None;
        }
        let parent = dir.parent()?;
        if ceilings.iter().any(|c| c == parent) {
            return None;
        }
        dir = parent;
    }
}

fn root(dir: &Path, kind: RootKind) -> Root {
    Root {
        dir: dir.to_path_buf(),
        kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(dirs: &[&str], files: &[&str]) -> PathBuf {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let base = std::env::temp_dir().join(format!(
            "gfplint-root-{}-{}",
            std::process::id(),
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        for d in dirs {
            std::fs::create_dir_all(base.join(d)).unwrap();
        }
        for f in files {
            std::fs::write(base.join(f), "").unwrap();
        }
        std::fs::canonicalize(base).unwrap()
    }

    #[test]
    fn stops_at_the_first_git() {
        let t = tree(
            &["outer/.git", "outer/inner/.git", "outer/inner/src"],
            &["outer/gfplint.toml", "outer/inner/src/a.c"],
        );
        let r = find_with(&t.join("outer/inner/src/a.c"), &[], None).unwrap();
        assert_eq!(r, root(&t.join("outer/inner"), RootKind::Git));
        std::fs::remove_dir_all(t).unwrap();
    }

    #[test]
    fn config_beside_git_wins() {
        let t = tree(&["p/.git", "p/src"], &["p/gfplint.toml"]);
        let r = find_with(&t.join("p/src"), &[], None).unwrap();
        assert_eq!(r, root(&t.join("p"), RootKind::Config));
        std::fs::remove_dir_all(t).unwrap();
    }

    #[test]
    fn kernel_tree_without_git_below_a_repository() {
        let t = tree(
            &["repo/.git", "repo/linux/drivers/net"],
            &[
                "repo/linux/Kbuild",
                "repo/linux/Kconfig",
                "repo/linux/MAINTAINERS",
                "repo/linux/drivers/net/Kconfig",
                "repo/linux/drivers/net/Kbuild",
                "repo/linux/drivers/net/a.c",
            ],
        );
        let r = find_with(&t.join("repo/linux/drivers/net/a.c"), &[], None).unwrap();
        assert_eq!(r, root(&t.join("repo/linux"), RootKind::Kernel));
        std::fs::remove_dir_all(t).unwrap();
    }

    #[test]
    fn ceiling_and_home_stop_the_search() {
        let t = tree(
            &["repo/.git", "repo/home/me/src"],
            &["repo/home/me/src/a.c"],
        );
        let start = t.join("repo/home/me/src/a.c");
        assert_eq!(
            find_with(&start, &[], None),
            Some(root(&t.join("repo"), RootKind::Git))
        );
        assert_eq!(find_with(&start, &[t.join("repo")], None), None);
        assert_eq!(find_with(&start, &[t.join("repo/home")], None), None);
        assert_eq!(find_with(&start, &[], Some(&t.join("repo/home/me"))), None);
        assert_eq!(find_with(&start, &[], Some(&t.join("repo/home"))), None);
        std::fs::remove_dir_all(t).unwrap();
    }
}
