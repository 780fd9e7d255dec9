//! Snapshot tests of the output formats, on the bundled example.

fn outcome() -> gfplint::Outcome {
    outcome_of("testdata/report")
}

fn outcome_of(dir: &str) -> gfplint::Outcome {
    gfplint::check_paths(
        &[dir.to_string()],
        &gfplint::Options {
            jobs: 1,
            ..Default::default()
        },
    )
}

#[test]
fn human_format() {
    let text = gfplint::report::render(&outcome(), gfplint::report::Format::Human, false);
    insta::assert_snapshot!(text);
}

#[test]
fn gcc_format() {
    let text = gfplint::report::render(&outcome(), gfplint::report::Format::Gcc, false);
    let line = regex_like_gcc();
    for l in text.lines() {
        assert!(line(l), "not a gcc-format line: {l}");
    }
    insta::assert_snapshot!(text);
}

#[test]
fn json_format() {
    let text = gfplint::report::render(&outcome(), gfplint::report::Format::Json, false);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["files_scanned"], 1);
    let d = &v["diagnostics"][0];
    for field in [
        "lint",
        "severity",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "function",
        "message",
        "notes",
    ] {
        assert!(!d[field].is_null(), "missing field {field}");
    }
    insta::assert_snapshot!(text);
}

/// `path:line:col: (error|warning): message [lint]`, checked without a regex crate.
fn regex_like_gcc() -> impl Fn(&str) -> bool {
    |l: &str| {
        let mut parts = l.splitn(4, ':');
        let (Some(path), Some(line), Some(col), Some(rest)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        !path.is_empty()
            && line.parse::<u32>().is_ok()
            && col.parse::<u32>().is_ok()
            && (rest.starts_with(" error: ") || rest.starts_with(" warning: "))
            && rest.ends_with(']')
            && rest.rfind(" [").is_some()
    }
}

#[test]
fn sarif_format() {
    let text = gfplint::report::render(&outcome(), gfplint::report::Format::Sarif, false);
    check_sarif_shape(&text);
    insta::assert_snapshot!(without_rules(&text));
}

/// The SARIF text with `rules` replaced by a marker: the rules are the registry (one
/// assertion in `check_sarif_shape`), so a new lint or an edited doc page does not
/// churn the snapshots of results.
fn without_rules(text: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
    v["runs"][0]["tool"]["driver"]["rules"] = serde_json::json!("[the lint registry]");
    serde_json::to_string_pretty(&v).unwrap()
}

/// A multi-file call chain: related locations point into other files.
#[test]
fn sarif_format_call_chain() {
    let outcome = outcome_of("testdata/atomic-context-callers");
    let text = gfplint::report::render(&outcome, gfplint::report::Format::Sarif, false);
    check_sarif_shape(&text);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(
        results.iter().any(|r| {
            let own = &r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
            r["relatedLocations"].as_array().is_some_and(|rel| {
                rel.iter()
                    .any(|l| l["physicalLocation"]["artifactLocation"]["uri"] != *own)
            })
        }),
        "a chain result relates a location in another file"
    );
    insta::assert_snapshot!(without_rules(&text));
}

fn check_sarif_shape(text: &str) {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let driver = &v["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "gfplint");
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let registry: Vec<&str> = gfplint::lints::LINTS.iter().map(|l| l.name).collect();
    assert_eq!(ids, registry, "SARIF rules are the lint registry, in order");
    for (r, lint) in rules.iter().zip(gfplint::lints::LINTS) {
        assert_eq!(r["shortDescription"]["text"], lint.summary);
        // helpUri: the lint's page, which exists in the repository.
        let page = format!("lints/{}.md", lint.name);
        assert!(
            r["helpUri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/blob/main/{page}")),
            "{}",
            r["helpUri"]
        );
        assert!(std::path::Path::new(&page).is_file(), "{page}");
    }
    for r in rules {
        for f in ["shortDescription", "fullDescription", "help"] {
            assert!(
                !r[f]["text"].as_str().unwrap().is_empty(),
                "rule {} {f}",
                r["id"]
            );
        }
    }
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results.iter().any(|r| r["relatedLocations"].is_array()));
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            uri.starts_with("testdata/"),
            "relative to the repository root: {uri}"
        );
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(loc["region"]["endColumn"].as_u64().unwrap() >= 1);
        assert!(matches!(r["level"].as_str(), Some("error" | "warning")));
        if let Some(rel) = r["relatedLocations"].as_array() {
            for l in rel {
                assert!(
                    l["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap()
                        >= 1
                );
                assert!(!l["message"]["text"].as_str().unwrap().is_empty());
            }
        }
        let fp = r["partialFingerprints"]["gfplint/v1"].as_str().unwrap();
        assert_eq!(fp.len(), 18, "{fp}");
    }
}

#[test]
fn github_format() {
    let text = gfplint::report::render(&outcome(), gfplint::report::Format::Github, false);
    let command = regex::Regex::new(
        r"^::(error|warning) file=([^,]+),line=(\d+),col=(\d+),endLine=(\d+),endColumn=(\d+),title=([^:]+)::(.+)$",
    )
    .unwrap();
    for l in text.lines() {
        let c = command
            .captures(l)
            .unwrap_or_else(|| panic!("not a workflow command: {l}"));
        assert_eq!(&c[2], "testdata/report/example.c");
        assert!(c[7].starts_with("gfplint atomic-"));
    }
    assert_eq!(text.lines().count(), 2);
    insta::assert_snapshot!(text);
    let chain = gfplint::report::render(
        &outcome_of("testdata/atomic-context-callers"),
        gfplint::report::Format::Github,
        false,
    );
    for l in chain.lines() {
        assert!(command.is_match(l), "not a workflow command: {l}");
    }
    insta::assert_snapshot!("github_format_call_chain", chain);
}

/// The problem matcher shipped for GitHub Actions (and shown for VS Code in the README)
/// must match every line of real gcc-format output, capturing the right fields.
#[test]
fn shipped_problem_matcher_matches_gcc_output() {
    let matcher: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(".github/gfplint-problem-matcher.json").unwrap(),
    )
    .unwrap();
    let pattern = &matcher["problemMatcher"][0]["pattern"][0];
    let re = regex::Regex::new(pattern["regexp"].as_str().unwrap()).unwrap();
    let group = |name: &str| pattern[name].as_u64().unwrap() as usize;
    for dir in ["testdata/report", "testdata/atomic-context-callers"] {
        let outcome = outcome_of(dir);
        let text = gfplint::report::render(&outcome, gfplint::report::Format::Gcc, false);
        assert_eq!(text.lines().count(), outcome.diagnostics.len());
        for (l, d) in text.lines().zip(&outcome.diagnostics) {
            let c = re
                .captures(l)
                .unwrap_or_else(|| panic!("matcher misses: {l}"));
            assert_eq!(&c[group("file")], d.file);
            assert_eq!(c[group("line")].parse::<u32>().unwrap(), d.span.line);
            assert_eq!(c[group("column")].parse::<u32>().unwrap(), d.span.column);
            assert_eq!(&c[group("severity")], d.severity.as_str());
            assert_eq!(&c[group("code")], d.lint);
            assert!(d.message.starts_with(&c[group("message")][..10]));
        }
    }
    // The README's VS Code task uses the same regular expression.
    let readme = std::fs::read_to_string("README.md").unwrap();
    let json_escaped = pattern["regexp"].to_string();
    assert!(
        readme.contains(&json_escaped),
        "README's VS Code problemMatcher uses {json_escaped}"
    );
}

#[test]
fn gitlab_format() {
    let text = gfplint::report::render(&outcome(), gfplint::report::Format::Gitlab, false);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let issues = v.as_array().unwrap();
    assert!(!issues.is_empty());
    // GitLab requires these, and a fingerprint unique per issue.
    let mut fingerprints = std::collections::HashSet::new();
    for i in issues {
        for field in ["description", "check_name", "fingerprint", "severity"] {
            assert!(i[field].is_string(), "{field}: {i}");
        }
        assert!(i["location"]["path"].is_string());
        assert!(i["location"]["positions"]["begin"]["line"].is_u64());
        assert!(fingerprints.insert(i["fingerprint"].as_str().unwrap().to_string()));
    }
    insta::assert_snapshot!(text);
}

#[test]
fn checkstyle_format() {
    let text = gfplint::report::render(&outcome(), gfplint::report::Format::Checkstyle, false);
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle"));
    assert!(text.ends_with("</checkstyle>\n"));
    assert_eq!(text.matches("<error ").count(), outcome().diagnostics.len());
    insta::assert_snapshot!(text);
}

/// The gcc-format output of every fixture directory, pinned whole (messages, notes
/// are in the other formats): a change of wording or of what a lint reports shows up
/// in review as a snapshot diff, per directory, the way ruff pins its rules' output.
/// Off-by-default lints run in the directory named after them, as in `fixtures.rs`.
#[test]
fn gcc_output_of_every_fixture_directory() {
    let mut dirs: Vec<String> = std::fs::read_dir("testdata")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty());
    for dir in dirs {
        let name = dir.trim_start_matches("testdata/").to_string();
        let off = gfplint::lints::lint_info(&name).is_some_and(|l| !l.enabled_by_default);
        let mut options = gfplint::Options {
            jobs: 1,
            enable: if off { vec![name.clone()] } else { Vec::new() },
            ..Default::default()
        };
        // As the fixture harness: a `dot-config` is the directory's configuration.
        if let Ok(text) = std::fs::read_to_string(format!("{dir}/dot-config")) {
            options.set_kconfig(&text);
        }
        let outcome = gfplint::check_paths(std::slice::from_ref(&dir), &options);
        let text = gfplint::report::render(&outcome, gfplint::report::Format::Gcc, false);
        insta::assert_snapshot!(format!("gcc_{}", name.replace('-', "_")), text);
    }
}
