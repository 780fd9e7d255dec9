//! The conventions every lint follows: adding one means its own file, its doc page,
//! its fixtures and one registration line; these tests say what is missing.

use std::path::Path;

fn all_fixture_text() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut text = String::new();
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.unwrap();
        if gfplint::discover::is_c_source(entry.path()) {
            text.push_str(&std::fs::read_to_string(entry.path()).unwrap());
        }
    }
    text
}

#[test]
fn every_lint_has_a_doc_page_with_the_required_sections() {
    for lint in gfplint::lints::LINTS {
        for section in [
            "**Default level:**",
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
        ] {
            assert!(
                lint.doc.contains(section),
                "lints/{}.md lacks `{section}`",
                lint.name
            );
        }
        assert!(
            lint.doc.starts_with(&format!("# {}\n", lint.name)),
            "lints/{}.md must start with its name as title",
            lint.name
        );
    }
}

#[test]
fn every_lint_has_a_positive_fixture() {
    let text = all_fixture_text();
    for lint in gfplint::lints::LINTS {
        let marked = text.match_indices("expect:").any(|(i, _)| {
            let rest = &text[i + "expect:".len()..];
            let end = rest.find("*/").unwrap_or(rest.len());
            rest[..end]
                .split(',')
                .any(|n| n.trim().split('[').next() == Some(lint.name))
        });
        assert!(marked, "no fixture under testdata/ expects `{}`", lint.name);
    }
}

#[test]
fn every_function_lint_has_a_fixture_directory_with_a_negative_case() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    for lint in gfplint::lints::LINTS.iter().filter(|l| l.check.is_some()) {
        let dir = root.join(lint.name);
        // The atomic lints share the caller-chain and trap directories.
        if !dir.is_dir() {
            assert!(
                lint.name.starts_with("atomic-") || lint.name == "gfp-param-ignored",
                "testdata/{}/ is missing",
                lint.name
            );
            continue;
        }
        let mut unmarked_calls = 0;
        for entry in walkdir::WalkDir::new(&dir) {
            let entry = entry.unwrap();
            if !gfplint::discover::is_c_source(entry.path()) {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            unmarked_calls += text
                .lines()
                .filter(|l| {
                    l.contains('(') && l.trim_end().ends_with(';') && !l.contains("expect:")
                })
                .count();
        }
        assert!(
            unmarked_calls > 0,
            "testdata/{}/ has no line that must stay silent",
            lint.name
        );
    }
}

#[test]
fn every_lint_has_a_readme_row() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for lint in gfplint::lints::LINTS {
        assert!(
            readme.contains(&format!("| `{}` |", lint.name)),
            "README.md has no lints-table row for `{}`",
            lint.name
        );
    }
}

/// Kernel API knowledge is data: no function name listed in `lints/api.toml` appears as
/// a string literal in the analysis code. Allocator family identifiers (`kmalloc`,
/// `vmalloc`: the keys of the data) and C keywords are not API names; the macro
/// pre-pass (`parse/macros.rs`), the constant evaluator's arithmetic helpers
/// (`BIT()`, `DIV_ROUND_UP()` in `consteval.rs`) and the Kconfig preprocessor of the
/// sparse mode and of struct layouts (`IS_ENABLED()`) are about syntax and arithmetic,
/// not kernel behaviour.
#[test]
fn no_api_name_is_a_string_literal_in_src() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let api: toml::Value =
        toml::from_str(&std::fs::read_to_string(root.join("lints/api.toml")).unwrap()).unwrap();
    let mut names = std::collections::BTreeSet::new();
    let mut families = std::collections::BTreeSet::new();
    let mut stack = vec![&api];
    while let Some(v) = stack.pop() {
        match v {
            toml::Value::Table(t) => {
                for (k, x) in t {
                    match (k.as_str(), x) {
                        ("names", toml::Value::Array(a)) => {
                            names.extend(a.iter().filter_map(|n| n.as_str()).map(String::from))
                        }
                        ("name", toml::Value::String(n)) => {
                            names.insert(n.clone());
                        }
                        ("family", toml::Value::String(f)) => {
                            families.insert(f.clone());
                        }
                        _ => {}
                    }
                    stack.push(x);
                }
            }
            toml::Value::Array(a) => stack.extend(a.iter()),
            _ => {}
        }
    }
    let allowed = |file: &str, name: &str| {
        families.contains(name)
            || name == "sizeof"
            || file.ends_with("parse/macros.rs")
            || file.ends_with("consteval.rs")
            || (file.ends_with("sparse.rs") || file.ends_with("parse/decls.rs"))
                && name.starts_with("IS_")
    };
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(root.join("src")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let file = entry.path().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(entry.path()).unwrap();
        // Unit tests may spell kernel code.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (i, line) in code.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for lit in line.split('"').skip(1).step_by(2) {
                if names.contains(lit) && !allowed(&file, lit) {
                    found.push(format!("{file}:{}: \"{lit}\"", i + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "kernel API names in analysis code (move them to lints/api.toml):\n{}",
        found.join("\n")
    );
}
