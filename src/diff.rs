//! Patch-aware runs (`--diff REV`, `--diff -`): the lines a patch adds or changes, per
//! file, and whether a finding or its evidence is on one of them. A patch is read as
//! unified diff text, from `git diff -U0 REV` or from stdin; context lines are allowed
//! (format-patch output), so only `+` lines count as changed, and a deletion marks the
//! line after it (removing an unlock changes what the next line runs under); a hunk
//! that only deletes (`+N,0` in `-U0` output) marks the lines on both sides.
//!
//! In the pipeline (stage *diff, fix*, `src/diff.rs`, `src/fix.rs`): `--diff
//! REV`/`--diff -`: changed lines of a unified patch; keeps findings whose span or a
//! label is on one. `--fix`/`--diff-output`: the `Diagnostic::fix` rewrites, checked
//! against the text, written via temp file + rename

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::diagnostic::Diagnostic;

/// Changed lines of the new side of a patch, by absolute file path.
#[derive(Debug, Default)]
pub struct ChangedLines {
    files: HashMap<PathBuf, Vec<u32>>,
    /// Canonical forms of finding paths, computed once per path.
    canonical: std::sync::Mutex<HashMap<String, Option<PathBuf>>>,
}

impl ChangedLines {
    /// Parses unified diff text; new-side paths (`+++ b/x.c`) are taken relative to `base`.
    pub fn parse(patch: &str, base: &Path) -> ChangedLines {
        let base = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
        let mut files: HashMap<PathBuf, Vec<u32>> = HashMap::new();
        let mut current: Option<PathBuf> = None;
        // Lines still expected in the current hunk (old side, new side), and the next
        // new-side line number.
        let (mut old_left, mut new_left, mut new_line) = (0u32, 0u32, 0u32);
        for line in patch.lines() {
            if old_left > 0 || new_left > 0 {
                match line.as_bytes().first() {
                    Some(b'+') => {
                        if let Some(f) = &current {
                            files.entry(f.clone()).or_default().push(new_line);
                        }
                        new_line += 1;
                        new_left = new_left.saturating_sub(1);
                    }
                    Some(b'-') => {
                        if let Some(f) = &current {
                            files.entry(f.clone()).or_default().push(new_line);
                        }
                        old_left = old_left.saturating_sub(1);
                    }
                    Some(b'\\') => {} // "\ No newline at end of file"
                    _ => {
                        new_line += 1;
                        old_left = old_left.saturating_sub(1);
                        new_left = new_left.saturating_sub(1);
                    }
                }
                continue;
            }
            if let Some(rest) = line.strip_prefix("+++ ") {
                current = new_side_path(rest).map(|p| base.join(p));
            } else if let Some(rest) = line.strip_prefix("@@ ")
                && let Some((old, new)) = hunk_ranges(rest)
            {
                (old_left, new_left, new_line) = (old.1, new.1, new.0);
                // A pure deletion (`+N,0`): the lines around it.
                if new.1 == 0
                    && let Some(f) = &current
                {
                    let lines = files.entry(f.clone()).or_default();
                    lines.push(new.0);
                    lines.push(new.0 + 1);
                    // Its `-` lines must not mark again at a shifted position.
                    (old_left, new_left) = (0, 0);
                }
            }
        }
        for lines in files.values_mut() {
            lines.sort_unstable();
            lines.dedup();
        }
        ChangedLines {
            files,
            canonical: Default::default(),
        }
    }

    /// The changes of the working tree since `rev` (`git diff -U0 rev`), in the
    /// repository holding `dir`.
    pub fn from_git(rev: &str, dir: &Path) -> Result<ChangedLines, String> {
        if rev.starts_with('-') {
            return Err(format!("`{rev}` is not a revision"));
        }
        let top = git(dir, &["rev-parse", "--show-toplevel"])?;
        let top = PathBuf::from(top.trim_end_matches(['\n', '\r']));
        let patch = git(
            &top,
            &["diff", "-U0", "--no-color", "--no-ext-diff", rev, "--"],
        )?;
        Ok(ChangedLines::parse(&patch, &top))
    }

    /// Files the patch changes.
    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    fn changed(&self, file: &str, from: u32, to: u32) -> bool {
        let canonical = {
            let mut cache = self.canonical.lock().unwrap_or_else(|e| e.into_inner());
            cache
                .entry(file.to_string())
                .or_insert_with(|| std::fs::canonicalize(file).ok())
                .clone()
        };
        let Some(lines) = canonical.and_then(|c| self.files.get(&c)) else {
            return false;
        };
        let i = lines.partition_point(|&l| l < from);
        lines.get(i).is_some_and(|&l| l <= to)
    }

    /// Whether the finding's expression, or a piece of its evidence (the lock, a hop of
    /// the call chain, the registration), is on a changed line.
    pub fn touches(&self, d: &Diagnostic) -> bool {
        self.changed(&d.file, d.span.line, d.span.end_line.max(d.span.line))
            || d.labels
                .iter()
                .any(|l| self.changed(&l.file, l.span.line, l.span.end_line.max(l.span.line)))
    }
}

/// `b/drivers/x.c` (or `drivers/x.c\t2024-01-01 …`) → `drivers/x.c`; `/dev/null` → none.
fn new_side_path(rest: &str) -> Option<String> {
    let name = rest.split('\t').next().unwrap_or(rest).trim_end();
    let name = name.trim_matches('"');
    if name == "/dev/null" {
        return None;
    }
    Some(name.strip_prefix("b/").unwrap_or(name).to_string())
}

/// `-a,b +c,d @@ …` → ((a, b), (c, d)); a missing count is 1.
fn hunk_ranges(rest: &str) -> Option<((u32, u32), (u32, u32))> {
    let mut parts = rest.split_whitespace();
    let range = |s: &str| -> Option<(u32, u32)> {
        let (start, count) = match s.split_once(',') {
            Some((a, b)) => (a.parse().ok()?, b.parse().ok()?),
            None => (s.parse().ok()?, 1),
        };
        Some((start, count))
    };
    let old = range(parts.next()?.strip_prefix('-')?)?;
    let new = range(parts.next()?.strip_prefix('+')?)?;
    Some((old, new))
}

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "git {}: {}",
            args.first().copied().unwrap_or(""),
            err.trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| "git output is not UTF-8".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_with_and_without_context() {
        let dir = std::env::temp_dir();
        let base = std::fs::canonicalize(&dir).unwrap();
        let patch = "diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -3,0 +4,2 @@ f\n+a\n+b\n@@ -10 +12 @@\n-old\n+new\n@@ -20,2 +21,0 @@\n-gone\n-gone\n\
diff --git a/y.c b/y.c\n--- a/y.c\n+++ b/y.c\n@@ -1,3 +1,3 @@\n ctx\n-x\n+y\n ctx\n+++not a header\n";
        let c = ChangedLines::parse(patch, &dir);
        assert_eq!(c.files[&base.join("x.c")], vec![4, 5, 12, 21, 22]);
        // `+++not a header` is past the hunk: not a file header, not a line.
        assert_eq!(c.files[&base.join("y.c")], vec![2]);
        assert_eq!(c.file_count(), 2);
    }

    #[test]
    fn paths() {
        assert_eq!(new_side_path("b/a/x.c\t2024").as_deref(), Some("a/x.c"));
        assert_eq!(new_side_path("/dev/null"), None);
        assert_eq!(hunk_ranges("-1 +2,3 @@"), Some(((1, 1), (2, 3))));
    }
}
