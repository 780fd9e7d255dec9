//! Fingerprints and baselines.
//!
//! A finding's fingerprint is a hash of its lint, its file (relative to the project
//! root), its function and the text of the flagged expression with whitespace removed,
//! plus an occurrence number among identical findings. No line number goes in, so edits
//! elsewhere that shift lines keep fingerprints. SARIF `partialFingerprints` reuse it.
//!
//! A baseline file (`--write-baseline`) lists the fingerprints of the current findings;
//! `--baseline` then reports only findings not in it (counted: two identical findings
//! with one baselined report one).
//!
//! In the pipeline (stage *baseline*, `src/baseline.rs`): after sorting: a fingerprint
//! per finding (FNV-1a of lint, root-relative file, function, whitespace-free
//! expression text from `Outcome::sources`, plus an occurrence number; no line
//! numbers); `--write-baseline` writes them (sorted JSON, temp file + rename),
//! `--baseline` removes known ones (as a multiset)

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;

/// 64-bit FNV-1a: small, and stable across Rust versions and platforms (unlike
/// `DefaultHasher`), so fingerprints are stable across builds.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for &b in p.as_bytes().iter().chain(std::iter::once(&0u8)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// The expression text with all whitespace removed.
pub fn normalise(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// `path` relative to `root`, with `/` separators.
pub fn relative(path: &str, root: &Path) -> String {
    crate::config::relative_to(Path::new(path), root)
        .to_string_lossy()
        .replace('\\', "/")
        .trim_start_matches("./")
        .to_string()
}

/// Sets `fingerprint` on sorted diagnostics, from the analysed text of their files
/// (`sources`); a file without one fingerprints on the lint, file and function alone.
pub fn assign(
    diagnostics: &mut [Diagnostic],
    root: &Path,
    sources: &std::collections::HashMap<String, String>,
) {
    let mut rel: HashMap<String, String> = HashMap::new();
    let mut seen: HashMap<u64, u32> = HashMap::new();
    for d in diagnostics.iter_mut() {
        let text = sources
            .get(&d.file)
            .and_then(|s| s.get(d.span.start as usize..d.span.end as usize))
            .map(normalise)
            .unwrap_or_default();
        let file = rel
            .entry(d.file.clone())
            .or_insert_with(|| relative(&d.file, root));
        let h = fnv1a(&[d.lint, file, &d.function, &text]);
        let n = seen.entry(h).or_insert(0);
        d.fingerprint = format!("{h:016x}:{n}");
        *n += 1;
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
struct Entry {
    file: String,
    function: String,
    lint: String,
    fingerprint: String,
}

/// A loaded baseline: fingerprints with their counts.
#[derive(Debug, Default)]
pub struct Baseline {
    counts: BTreeMap<String, usize>,
}

impl Baseline {
    pub fn read(path: &Path) -> Result<Baseline, String> {
        let shown = crate::report::escape::file_name(&path.to_string_lossy()).into_owned();
        let bytes = crate::bounded::read(path, crate::bounded::MAX_BASELINE_BYTES)
            .map_err(|e| format!("{shown}: cannot read baseline: {e}"))?;
        Baseline::parse(&bytes).map_err(|e| format!("{shown}: {e}"))
    }

    /// A baseline from the bytes of a baseline file.
    pub fn parse(bytes: &[u8]) -> Result<Baseline, String> {
        let file: BaselineFile =
            serde_json::from_slice(bytes).map_err(|e| format!("not a gfplint baseline: {e}"))?;
        if file.version != 1 {
            return Err(format!(
                "baseline version {} is not supported (expected 1)",
                file.version
            ));
        }
        let mut counts = BTreeMap::new();
        for e in file.findings {
            *counts.entry(e.fingerprint).or_insert(0) += 1;
        }
        Ok(Baseline { counts })
    }

    /// Removes the findings the baseline knows; returns how many were removed.
    pub fn filter(&self, diagnostics: &mut Vec<Diagnostic>) -> usize {
        let mut left = self.counts.clone();
        let before = diagnostics.len();
        diagnostics.retain(|d| match left.get_mut(&d.fingerprint) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        });
        before - diagnostics.len()
    }
}

/// Writes the baseline of `diagnostics` (fingerprints assigned) to `path`: sorted,
/// pretty JSON, through a temporary file renamed into place.
pub fn write(path: &Path, diagnostics: &[Diagnostic], root: &Path) -> std::io::Result<()> {
    let mut findings: Vec<Entry> = diagnostics
        .iter()
        .map(|d| Entry {
            file: relative(&d.file, root),
            function: d.function.clone(),
            lint: d.lint.to_string(),
            fingerprint: d.fingerprint.clone(),
        })
        .collect();
    findings.sort();
    let mut text = serde_json::to_string_pretty(&BaselineFile {
        version: 1,
        findings,
    })
    .map_err(std::io::Error::other)?;
    text.push('\n');
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "baseline".to_string());
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_stable() {
        // Pinned: a change here changes every user's baseline.
        assert_eq!(fnv1a(&["a"]), 0x089b_e207_b544_f1e4);
        assert_eq!(
            fnv1a(&["atomic-sleeping-gfp", "x.c", "f", "kmalloc(n,GFP_KERNEL)"]),
            0x8fba_ba45_995d_1e96
        );
        assert_eq!(format!("{:016x}", fnv1a(&[])), "cbf29ce484222325");
    }
}
