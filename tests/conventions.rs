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

/// The API description as TOML, and the memory family names its `[[family]]` rows
/// declare.
fn api_toml() -> (toml::Value, std::collections::BTreeSet<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let api: toml::Value =
        toml::from_str(&std::fs::read_to_string(root.join("lints/api.toml")).unwrap()).unwrap();
    let families = api
        .get("family")
        .and_then(|f| f.as_array())
        .expect("lints/api.toml declares [[family]] rows")
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    (api, families)
}

/// Every string literal of the analysis code (`src/`, before its unit tests, outside
/// comment lines): (file, line, literal).
fn src_string_literals() -> Vec<(String, usize, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
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
                out.push((file.clone(), i + 1, lit.to_string()));
            }
        }
    }
    out
}

/// Kernel API knowledge is data: no function name listed in `lints/api.toml` appears as
/// a string literal in the analysis code. C keywords are not API names; the macro
/// pre-pass (`parse/macros.rs`), the constant evaluator's arithmetic helpers
/// (`BIT()`, `DIV_ROUND_UP()` in `consteval.rs`) and the Kconfig preprocessor of the
/// sparse mode, of struct layouts and of `kbuild`'s `#if` regions (`IS_ENABLED()`) are
/// about syntax and arithmetic,
/// not kernel behaviour.
#[test]
fn no_api_name_is_a_string_literal_in_src() {
    let (api, _) = api_toml();
    let mut names = std::collections::BTreeSet::new();
    let mut stack = vec![&api];
    while let Some(v) = stack.pop() {
        match v {
            toml::Value::Table(t) => {
                for (k, x) in t {
                    match (k.as_str(), x) {
                        // Memory families are not functions (their own test follows).
                        ("family", toml::Value::Array(_)) => continue,
                        (
                            "names"
                            | "acquire"
                            | "release"
                            | "try_acquire"
                            | "acquire_wrappers"
                            | "release_wrappers"
                            | "try_acquire_wrappers"
                            | "registrations",
                            toml::Value::Array(a),
                        ) => names.extend(
                            a.iter()
                                .filter_map(|n| n.as_str())
                                // `request_irq:1`: the callback's argument.
                                .map(|n| n.split(':').next().unwrap_or(n).to_string()),
                        ),
                        ("name", toml::Value::String(n)) => {
                            names.insert(n.clone());
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
    assert!(
        ["kmalloc", "msleep", "spin_lock", "request_irq"]
            .iter()
            .all(|n| names.contains(*n))
    );
    let allowed = |file: &str, name: &str| {
        name == "sizeof"
            || file.ends_with("parse/macros.rs")
            || file.ends_with("consteval.rs")
            || (file.ends_with("sparse.rs")
                || file.ends_with("parse/decls.rs")
                || file.ends_with("kbuild/mod.rs"))
                && name.starts_with("IS_")
    };
    let found: Vec<String> = src_string_literals()
        .into_iter()
        .filter(|(file, _, lit)| names.contains(lit) && !allowed(file, lit))
        .map(|(file, line, lit)| format!("{file}:{line}: \"{lit}\""))
        .collect();
    assert!(
        found.is_empty(),
        "kernel API names in analysis code (move them to lints/api.toml):\n{}",
        found.join("\n")
    );
}

/// Memory families are data (`[[family]]` in `lints/api.toml`): code asks a family's
/// typed columns (`memory`, `kmalloc_classes`, `free`) and compares family ids, so no
/// family name (`"vmalloc"`, `"devm"`) nor a name's stem (`"dma-"`) is a string
/// literal in `src/`. `knowledge.rs` reads the table and names the family of
/// allocators whose row names none.
#[test]
fn no_family_name_is_a_string_literal_in_src() {
    let (_, families) = api_toml();
    assert!(families.contains("kvmalloc") && families.contains("dma-pool"));
    let is_family = |lit: &str| {
        families.contains(lit)
            || lit.len() > 1
                && lit.ends_with(['-', '_'])
                && families.iter().any(|f| f.starts_with(lit))
    };
    let found: Vec<String> = src_string_literals()
        .into_iter()
        .filter(|(file, _, lit)| is_family(lit) && !file.ends_with("src/knowledge.rs"))
        .map(|(file, line, lit)| format!("{file}:{line}: \"{lit}\""))
        .collect();
    assert!(
        found.is_empty(),
        "memory family names in analysis code (ask the family's columns instead):\n{}",
        found.join("\n")
    );
}
