//! The fixture harness: every directory under `testdata/` is one run of gfplint (so
//! files in one directory see each other's functions), and every finding must be
//! marked on its line with `/* expect: lint-name */` (several: `expect: a, b`; to pin
//! the severity: `expect: lint-name[warning]`). A missing or an extra diagnostic fails.

use std::collections::BTreeMap;
use std::path::Path;

/// (file, line) → expected lints (with optional severity), sorted.
type Expectations = BTreeMap<(String, u32), Vec<String>>;

fn expectations(dir: &Path) -> Expectations {
    let mut out = Expectations::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if !gfplint::discover::is_c_source(entry.path()) {
            continue;
        }
        let path = entry.path().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for (i, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(pos) = rest.find("expect:") {
                let after = &rest[pos + "expect:".len()..];
                let end = after.find("*/").unwrap_or(after.len());
                for name in after[..end].split(',') {
                    let name = name.trim();
                    if !name.is_empty() {
                        out.entry((path.clone(), i as u32 + 1))
                            .or_default()
                            .push(name.to_string());
                    }
                }
                rest = &after[end..];
            }
        }
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

/// Options for a fixture directory: a directory named after an off-by-default lint
/// runs with that lint enabled, and so does one whose files expect an off-by-default
/// lint (`overflow_provenance.c` expects `alloc-size-overflow`); one with a
/// `dot-config` file runs with it as the kernel configuration (`--kconfig`).
fn options_for(dir: &Path) -> gfplint::Options {
    let mut options = plain_options_for(dir);
    for lints in expectations(dir).values() {
        for lint in lints {
            let name = lint.split('[').next().unwrap_or(lint);
            let off = gfplint::lints::lint_info(name).is_some_and(|l| !l.enabled_by_default);
            if off && !options.enable.iter().any(|e| e == name) {
                options.enable.push(name.to_string());
            }
        }
    }
    if let Ok(text) = std::fs::read_to_string(dir.join("dot-config")) {
        options.set_kconfig(&text);
    }
    options
}

fn plain_options_for(dir: &Path) -> gfplint::Options {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let off = gfplint::lints::lint_info(&name).is_some_and(|l| !l.enabled_by_default);
    gfplint::Options {
        jobs: 2,
        enable: if off { vec![name] } else { Vec::new() },
        ..Default::default()
    }
}

/// A fixture directory with a `kernel/` miniature tree: its `driver/` is checked with
/// the summaries `summarize` derives from `kernel/` (written to a temporary file and
/// read back, so the file format is part of the test).
fn summarised_run(dir: &Path) -> Option<(Vec<String>, gfplint::Options)> {
    let kernel = dir.join("kernel");
    if !kernel.is_dir() {
        return None;
    }
    let (file, _) = gfplint::summaries::summarize_tree(&kernel, 2, "mini-kernel").unwrap();
    let tmp = std::env::temp_dir().join(format!("gfplint-fixture-{}.gfpsum", std::process::id()));
    gfplint::summaries::write(&tmp, &file).unwrap();
    let summaries = gfplint::summaries::Summaries::read(&tmp).unwrap();
    std::fs::remove_file(&tmp).unwrap();
    let options = gfplint::Options {
        summaries: Some(std::sync::Arc::new(summaries)),
        ..options_for(dir)
    };
    Some((
        vec![dir.join("driver").to_string_lossy().into_owned()],
        options,
    ))
}

fn run_dir(dir: &Path) -> Result<(), String> {
    let expected = expectations(dir);
    let (paths, options) = summarised_run(dir)
        .unwrap_or_else(|| (vec![dir.to_string_lossy().into_owned()], options_for(dir)));
    let outcome = gfplint::check_paths(&paths, &options);
    if !outcome.errors.is_empty() {
        return Err(format!("file errors: {:?}", outcome.errors));
    }
    let mut actual = Expectations::new();
    let mut messages = BTreeMap::new();
    for d in &outcome.diagnostics {
        let key = (d.file.clone(), d.span.line);
        let pinned = expected
            .get(&key)
            .is_some_and(|v| v.iter().any(|e| e.starts_with(d.lint) && e.contains('[')));
        let name = if pinned {
            format!("{}[{}]", d.lint, d.severity.as_str())
        } else {
            d.lint.to_string()
        };
        actual.entry(key.clone()).or_default().push(name);
        messages
            .entry(key)
            .or_insert_with(Vec::new)
            .push(d.message.clone());
    }
    for v in actual.values_mut() {
        v.sort();
    }
    let mut problems = Vec::new();
    let keys: std::collections::BTreeSet<_> =
        expected.keys().chain(actual.keys()).cloned().collect();
    for key in keys {
        let e = expected.get(&key).cloned().unwrap_or_default();
        let a = actual.get(&key).cloned().unwrap_or_default();
        if e != a {
            problems.push(format!(
                "{}:{}: expected {:?}, got {:?} {:?}",
                key.0,
                key.1,
                e,
                a,
                messages.get(&key).cloned().unwrap_or_default()
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[test]
fn fixtures_match_their_expectations() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut failures = Vec::new();
    let mut dirs = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            dirs += 1;
            if let Err(e) = run_dir(&path) {
                failures.push(e);
            }
        }
    }
    assert!(dirs > 0, "no fixture directories under {}", root.display());
    assert!(
        failures.is_empty(),
        "fixture mismatches:\n{}",
        failures.join("\n")
    );
}

/// The harness itself must fail on a missing and on an extra diagnostic.
#[test]
fn harness_catches_missing_and_extra() {
    let dir = std::env::temp_dir().join(format!("gfplint-harness-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let missing = "void f(void) { spin_lock(&l); kfree(p); /* expect: atomic-sleeping-gfp */ spin_unlock(&l); }\n";
    std::fs::write(dir.join("a.c"), missing).unwrap();
    assert!(run_dir(&dir).is_err(), "a missing diagnostic must fail");
    let extra = "void f(void) { spin_lock(&l); kmalloc(1, GFP_KERNEL); spin_unlock(&l); }\n";
    std::fs::write(dir.join("a.c"), extra).unwrap();
    assert!(run_dir(&dir).is_err(), "an extra diagnostic must fail");
    let good = "void f(void) { spin_lock(&l); kmalloc(1, GFP_KERNEL); /* expect: atomic-sleeping-gfp */ spin_unlock(&l); }\n";
    std::fs::write(dir.join("a.c"), good).unwrap();
    assert_eq!(run_dir(&dir), Ok(()));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Off-by-default lints stay silent unless enabled, even on their own fixtures.
#[test]
fn off_by_default_lints_are_silent() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    for info in gfplint::lints::LINTS
        .iter()
        .filter(|l| !l.enabled_by_default)
    {
        let dir = root.join(info.name);
        let options = gfplint::Options {
            jobs: 2,
            ..Default::default()
        };
        let outcome = gfplint::check_paths(&[dir.to_string_lossy().into_owned()], &options);
        assert!(outcome.files_scanned > 0, "no fixture for {}", info.name);
        assert!(
            outcome.diagnostics.iter().all(|d| d.lint != info.name),
            "{} ran while disabled",
            info.name
        );
    }
}

/// Adding files to a run never removes a finding from the other files (issue 10): the
/// findings on `a/` are the same whether `a/` is checked alone or with `b/`, whose
/// in-tree body of a known sleeping API releases a lock it did not take, and `c/`,
/// another driver defining a function of the same name as one of `a/`'s helpers, and
/// `d/`, the body of an API `a/` passes `GFP_KERNEL` to, which hands it on to a call
/// outside the run.
#[test]
fn adding_files_keeps_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/subset-invariance");
    let a = root.join("a").to_string_lossy().into_owned();
    let b = root.join("b").to_string_lossy().into_owned();
    let options = gfplint::Options {
        jobs: 2,
        ..Default::default()
    };
    let findings = |paths: &[String]| -> Vec<(String, u32, &'static str)> {
        let outcome = gfplint::check_paths(paths, &options);
        assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
        outcome
            .diagnostics
            .iter()
            .filter(|d| d.file.starts_with(&a))
            .map(|d| (d.file.clone(), d.span.line, d.lint))
            .collect()
    };
    let alone = findings(std::slice::from_ref(&a));
    assert!(!alone.is_empty(), "the fixture must have a finding in a/");
    let c = root.join("c").to_string_lossy().into_owned();
    assert_eq!(alone, findings(&[a.clone(), b.clone()]));
    assert_eq!(alone, findings(&[b.clone(), a.clone()]));
    assert_eq!(alone, findings(&[a.clone(), b.clone(), c.clone()]));
    assert_eq!(alone, findings(&[c, a.clone()]));
    let d = root.join("d").to_string_lossy().into_owned();
    assert_eq!(alone, findings(&[a.clone(), d]));
}
