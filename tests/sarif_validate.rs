//! Validates real `--format sarif` output with Microsoft's SARIF multitool
//! (`npm install -g @microsoft/sarif-multitool`) and against the SARIF 2.1.0 JSON schema
//! shipped in that package (with Python's `jsonschema`, `.ci/validate_sarif.py`).
//! They need tools from outside the Rust toolchain, so a plain `cargo test` lists them
//! as ignored (never as passed without having run); `.ci/run` installs both tools and
//! runs them with `--include-ignored` and GFPLINT_REQUIRE_SARIF_TOOLS=1, which turns a
//! missing tool into a failure. Run them locally the same way.

use std::path::{Path, PathBuf};
use std::process::Command;

fn required() -> bool {
    std::env::var_os("GFPLINT_REQUIRE_SARIF_TOOLS").is_some()
}

fn skip(what: &str) {
    assert!(
        !required(),
        "{what} is required (GFPLINT_REQUIRE_SARIF_TOOLS is set)"
    );
    eprintln!(
        "SKIPPED: {what} not found; `npm install -g @microsoft/sarif-multitool` (and `pip install jsonschema`) to run this check"
    );
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gfplint-sarif-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Real SARIF from the binary, for a single-file and a multi-file example.
fn sarif_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for (name, input) in [
        ("report", "testdata/report"),
        ("callers", "testdata/atomic-context-callers"),
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_gfplint"))
            .args(["check", "-q", "--format", "sarif", input])
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let path = dir.join(format!("{name}.sarif"));
        std::fs::write(&path, &o.stdout).unwrap();
        out.push(path);
    }
    out
}

fn multitool() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("sarif-multitool"))
        .find(|p| p.is_file())
}

#[test]
#[ignore = "needs sarif-multitool (npm); .ci/run runs it with --include-ignored"]
fn sarif_multitool_validate_reports_no_errors() {
    let Some(tool) = multitool() else {
        return skip("sarif-multitool");
    };
    let dir = tmpdir("multitool");
    for file in sarif_files(&dir) {
        let log = file.with_extension("validation.sarif");
        let o = Command::new(&tool)
            .arg("validate")
            .arg(&file)
            .arg("-o")
            .arg(&log)
            .args(["--log", "ForceOverwrite"])
            .output()
            .unwrap();
        let console = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(
            o.status.success(),
            "multitool failed on {}: {console}",
            file.display()
        );
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&log).unwrap()).unwrap();
        let results = v["runs"][0]["results"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let errors: Vec<_> = results.iter().filter(|r| r["level"] == "error").collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
        for r in &results {
            eprintln!("multitool {}: {} {}", r["level"], r["ruleId"], r["message"]);
        }
    }
    // The multitool does catch what it checks: a syntax error is an error result.
    let broken = dir.join("broken.sarif");
    std::fs::write(&broken, "{\"version\": \"2.1.0\"").unwrap();
    let log = dir.join("broken.validation.sarif");
    Command::new(&tool)
        .arg("validate")
        .arg(&broken)
        .arg("-o")
        .arg(&log)
        .args(["--log", "ForceOverwrite"])
        .output()
        .unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&log).unwrap()).unwrap();
    assert!(!v["runs"][0]["results"].as_array().unwrap().is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The schema shipped in the multitool's npm package (`SARIF_SCHEMA` overrides).
fn schema() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SARIF_SCHEMA") {
        return Some(PathBuf::from(p));
    }
    let o = Command::new("npm").args(["root", "-g"]).output().ok()?;
    let root = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
    let p = root.join(
        "@microsoft/sarif-multitool/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json",
    );
    p.is_file().then_some(p)
}

fn jsonschema_available() -> bool {
    Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
#[ignore = "needs the SARIF schema (npm) and python3 jsonschema; .ci/run runs it with --include-ignored"]
fn sarif_matches_the_sarif_2_1_0_schema() {
    let Some(schema) = schema() else {
        return skip("the SARIF 2.1.0 schema (from @microsoft/sarif-multitool)");
    };
    if !jsonschema_available() {
        return skip("python3 with jsonschema");
    }
    let dir = tmpdir("schema");
    let files = sarif_files(&dir);
    let run = |files: &[PathBuf]| {
        Command::new("python3")
            .arg(".ci/validate_sarif.py")
            .arg(&schema)
            .args(files)
            .output()
            .unwrap()
    };
    let o = run(&files);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    // The validator is not a no-op: a result with an invalid level fails.
    let text = std::fs::read_to_string(&files[0]).unwrap();
    let bad = dir.join("bad.sarif");
    std::fs::write(
        &bad,
        text.replacen("\"level\": \"error\"", "\"level\": \"fatal\"", 1),
    )
    .unwrap();
    assert!(!run(&[bad]).status.success());
    let _ = std::fs::remove_dir_all(&dir);
}
