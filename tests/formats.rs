//! Snapshot tests of the output formats, on the bundled example.

fn outcome() -> gfplint::Outcome {
    gfplint::check_paths(
        &["testdata/report".to_string()],
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
