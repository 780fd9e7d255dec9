//! Suppressions: `/* gfplint: allow(lint, ...) reason */` or `// gfplint: allow(...)`,
//! and `/* gfplint: allow-file(lint, ...) reason */` for the whole file.
//!
//! A comment alone on its line covers that line and the next; a comment after code
//! covers its own line. A comment on the line before a function definition, or on the
//! definition's first line, covers the whole function. The parse stage records the
//! comments (`scan`, only when the file contains `gfplint:`); after the lints, `apply`
//! drops the findings they cover and reports unused and malformed suppressions.
//!
//! In the pipeline (stage *suppressions, levels*, `src/suppress.rs`,
//! `src/lints/policy.rs`): per file after its lints: suppressions drop covered findings
//! (line, next line, or whole function via `Function.extent`) and report
//! unused/malformed ones; then the `LintPolicy`: `allow` drops, `warn` demotes. In
//! pre-commit mode (`Options.report_only`) only findings located in, or with evidence
//! in, the named files are kept

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::facts::{FileFacts, Span, Suppression};
use crate::lints::{self, malformed_suppression, unused_suppression};

const MARK: &[u8] = b"gfplint:";

/// Finds the suppression comments of a file (cheap when there are none). Linear in the
/// file's size whatever it holds: lines are counted once, moving forward, and each
/// mark's text ends at the next mark at the latest.
pub fn scan(src: &[u8]) -> Vec<Suppression> {
    let marks: Vec<usize> = memchr::memmem::find_iter(src, MARK).collect();
    let mut out = Vec::with_capacity(marks.len());
    // Line number and start of the line of the previous mark (counted up to `counted`).
    let (mut line, mut line_start, mut counted) = (1u32, 0usize, 0usize);
    // The current line's end and its first `//` and `/*` (computed once per line).
    let mut line_info: Option<(usize, Option<usize>, Option<usize>)> = None;
    // The next `*/` at or after a position (moves forward only).
    let mut close = memchr::memmem::find_iter(src, b"*/").peekable();
    for (k, &pos) in marks.iter().enumerate() {
        let newlines = memchr::memchr_iter(b'\n', &src[counted..pos]);
        let mut last = None;
        for n in newlines {
            line += 1;
            last = Some(counted + n);
        }
        if let Some(n) = last {
            line_start = n + 1;
            line_info = None;
        }
        counted = pos;
        let (line_end, first_line_comment, first_block_comment) =
            *line_info.get_or_insert_with(|| {
                let end =
                    memchr::memchr(b'\n', &src[line_start..]).map_or(src.len(), |p| p + line_start);
                let line = &src[line_start..end];
                (
                    end,
                    memchr::memmem::find(line, b"//").map(|p| p + line_start),
                    memchr::memmem::find(line, b"/*").map(|p| p + line_start),
                )
            });
        // Inside a comment: `//` or `/*` earlier on the line.
        let opener = first_line_comment
            .filter(|&o| o + 2 <= pos)
            .or(first_block_comment.filter(|&o| o + 2 <= pos));
        let Some(opener) = opener else {
            continue;
        };
        let own_line = src[line_start..opener].iter().all(u8::is_ascii_whitespace);
        while close.peek().is_some_and(|&c| c < pos + MARK.len()) {
            close.next();
        }
        let next_mark = marks.get(k + 1).copied().unwrap_or(src.len());
        let end = line_end
            .min(close.peek().copied().unwrap_or(src.len()))
            .min(next_mark)
            .max(pos + MARK.len());
        let rest = String::from_utf8_lossy(&src[pos + MARK.len()..end]);
        let (lints, file_wide, error) = match parse(&rest) {
            Ok((l, file_wide)) => (l, file_wide, None),
            Err(e) => (Vec::new(), false, Some(e)),
        };
        let column = (pos - line_start) as u32 + 1;
        out.push(Suppression {
            span: Span {
                start: pos as u32,
                end: (pos + MARK.len()) as u32,
                line,
                column,
                end_line: line,
                end_column: column + MARK.len() as u32,
            },
            own_line,
            file_wide,
            lints,
            error,
        });
    }
    out
}

/// ` allow(a, b) reason` → the lint names; ` allow-file(a) reason` → the lint names and
/// `true` (the whole file).
fn parse(rest: &str) -> Result<(Vec<String>, bool), String> {
    let rest = rest.trim_start();
    let (args, file_wide) = if let Some(args) = rest.strip_prefix("allow-file") {
        (args, true)
    } else if let Some(args) = rest.strip_prefix("allow") {
        (args, false)
    } else {
        return Err(
            "expected `gfplint: allow(LINT, ...) reason` or `gfplint: allow-file(LINT, ...) reason`"
                .to_string(),
        );
    };
    let Some(args) = args.trim_start().strip_prefix('(') else {
        return Err("expected `(` after `allow`".to_string());
    };
    let Some(close) = args.find(')') else {
        return Err("missing `)` after the lint names".to_string());
    };
    let mut lints = Vec::new();
    for name in args[..close].split(',') {
        let name = name.trim();
        if name.is_empty() {
            return Err("empty lint name in `allow(...)`".to_string());
        }
        if lints::lint_info(name).is_none() {
            return Err(lints::unknown_lint(name));
        }
        lints.push(name.to_string());
    }
    Ok((lints, file_wide))
}

/// Functions by the line their extent starts on (the first of each line), and a
/// stabbing index over their extents: near-constant work per query, so suppressions
/// and findings in their hundreds of thousands stay linear.
struct FunctionIndex {
    by_first_line: HashMap<u32, usize>,
    /// (start line, end line, index), by start line.
    sorted: Vec<(u32, u32, usize)>,
    /// `max_end[k]`: the largest end line among `sorted[..=k]`.
    max_end: Vec<u32>,
}

impl FunctionIndex {
    fn new(facts: &FileFacts) -> FunctionIndex {
        let mut by_first_line = HashMap::new();
        for (i, f) in facts.functions.iter().enumerate() {
            by_first_line.entry(f.extent.line).or_insert(i);
        }
        let mut sorted: Vec<(u32, u32, usize)> = facts
            .functions
            .iter()
            .enumerate()
            .map(|(i, f)| (f.extent.line, f.extent.end_line, i))
            .collect();
        sorted.sort_unstable();
        let max_end = sorted
            .iter()
            .scan(0, |m, &(_, end, _)| {
                *m = end.max(*m);
                Some(*m)
            })
            .collect();
        FunctionIndex {
            by_first_line,
            sorted,
            max_end,
        }
    }

    /// The first function (in `facts.functions` order) whose extent contains `line`.
    fn containing(&self, line: u32) -> Option<usize> {
        let mut k = self.sorted.partition_point(|&(start, _, _)| start <= line);
        let mut best: Option<usize> = None;
        while k > 0 && self.max_end[k - 1] >= line {
            k -= 1;
            let (_, end, i) = self.sorted[k];
            if end >= line {
                best = Some(best.map_or(i, |b| b.min(i)));
            }
        }
        best
    }
}

/// The lines a suppression covers, inclusive.
fn coverage(facts: &FileFacts, index: &FunctionIndex, s: &Suppression) -> (u32, u32) {
    if s.file_wide {
        return (0, u32::MAX);
    }
    let next = s.span.line + 1;
    // The first function (in order) starting on the comment's line or, for a comment
    // alone on its line, on the next.
    let on_line = index.by_first_line.get(&s.span.line).copied();
    let on_next = s
        .own_line
        .then(|| index.by_first_line.get(&next).copied())
        .flatten();
    let first = match (on_line, on_next) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if let Some(f) = first.map(|i| &facts.functions[i]) {
        return (f.extent.line, f.extent.end_line);
    }
    if s.own_line {
        (s.span.line, next)
    } else {
        (s.span.line, s.span.line)
    }
}

/// (from line, to line, group) by `from`, and the running maximum of `to`.
type Stabbing = (Vec<(u32, u32, usize)>, Vec<u32>);

/// Suppressions grouped by (covered lines, lint), for lookups by a finding's line:
/// ranges of one or two lines by exact key, longer ones (functions) through a
/// stabbing index like `FunctionIndex`'s.
#[derive(Default)]
struct Coverage<'a> {
    groups: Vec<Vec<(usize, usize)>>,
    short: HashMap<(u32, u32, &'a str), usize>,
    long: HashMap<&'a str, Stabbing>,
}

impl<'a> Coverage<'a> {
    fn new(facts: &'a FileFacts, ranges: &[(u32, u32)]) -> Coverage<'a> {
        let mut c = Coverage::default();
        let mut long_keys: HashMap<(u32, u32, &str), usize> = HashMap::new();
        for (i, s) in facts.suppressions.iter().enumerate() {
            let (from, to) = ranges[i];
            for (j, lint) in s.lints.iter().enumerate() {
                let key = (from, to, lint.as_str());
                let table = if to - from <= 1 {
                    &mut c.short
                } else {
                    &mut long_keys
                };
                let g = *table.entry(key).or_insert_with(|| {
                    c.groups.push(Vec::new());
                    c.groups.len() - 1
                });
                c.groups[g].push((i, j));
            }
        }
        for ((from, to, lint), g) in long_keys {
            c.long.entry(lint).or_default().0.push((from, to, g));
        }
        for (list, max_end) in c.long.values_mut() {
            list.sort_unstable();
            *max_end = list
                .iter()
                .scan(0, |m, &(_, to, _)| {
                    *m = to.max(*m);
                    Some(*m)
                })
                .collect();
        }
        c
    }

    /// The groups of suppressions of `lint` covering `line`.
    fn covering(&self, lint: &str, line: u32, out: &mut Vec<usize>) {
        for key in [
            (line.saturating_sub(1), line),
            (line, line),
            (line, line + 1),
        ] {
            if let Some(&g) = self.short.get(&(key.0, key.1, lint)) {
                out.push(g);
            }
        }
        if let Some((list, max_end)) = self.long.get(lint) {
            let mut k = list.partition_point(|&(from, _, _)| from <= line);
            while k > 0 && max_end[k - 1] >= line {
                k -= 1;
                if list[k].1 >= line {
                    out.push(list[k].2);
                }
            }
        }
    }
}

/// Drops the findings of `facts`' file that its suppressions cover, and adds findings
/// for unused and malformed suppressions. `diagnostics` are this file's.
pub fn apply(facts: &FileFacts, diagnostics: &mut Vec<Diagnostic>) {
    if facts.suppressions.is_empty() {
        return;
    }
    let index = FunctionIndex::new(facts);
    let ranges: Vec<(u32, u32)> = facts
        .suppressions
        .iter()
        .map(|s| coverage(facts, &index, s))
        .collect();
    let coverage = Coverage::new(facts, &ranges);
    let mut group_used = vec![false; coverage.groups.len()];
    let mut groups = Vec::new();
    diagnostics.retain(|d| {
        groups.clear();
        coverage.covering(d.lint, d.span.line, &mut groups);
        for &g in &groups {
            group_used[g] = true;
        }
        groups.is_empty()
    });
    // used[i][j]: suppression i's lint j suppressed something.
    let mut used: Vec<Vec<bool>> = facts
        .suppressions
        .iter()
        .map(|s| vec![false; s.lints.len()])
        .collect();
    for (g, members) in coverage.groups.iter().enumerate() {
        if group_used[g] {
            for &(i, j) in members {
                used[i][j] = true;
            }
        }
    }
    for (i, s) in facts.suppressions.iter().enumerate() {
        let function = index
            .containing(s.span.line)
            .map(|f| facts.functions[f].name)
            .unwrap_or_default();
        let mut push = |lint: &'static str, message: String, help: &str| {
            diagnostics.push(Diagnostic {
                lint,
                severity: Severity::Error,
                file: facts.path.clone(),
                span: s.span,
                function: function.to_string(),
                message,
                labels: Vec::new(),
                notes: Vec::new(),
                help: Some(help.to_string()),
                fingerprint: String::new(),
                fix: None,
            });
        };
        if let Some(e) = &s.error {
            push(
                malformed_suppression::INFO.name,
                format!("malformed suppression: {e}"),
                "write `/* gfplint: allow(LINT, ...) reason */` with lint names from `gfplint lints`",
            );
            continue;
        }
        for (j, lint) in s.lints.iter().enumerate() {
            if !used[i][j] {
                push(
                    unused_suppression::INFO.name,
                    format!("suppression of `{lint}` matches no finding"),
                    "remove it (the finding it was for is gone), or move it to the line of the finding or the line above",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::scan;

    #[test]
    fn marks_on_one_line_and_across_lines() {
        let src = b"int a; /* gfplint: allow(slab-waste) */ /* gfplint: allow(nope) */\n\
                    \t// gfplint: allow(slab-waste, vmalloc-small) why\n\
                    int b; // not gfplint: here\n\
                    char *s = \"gfplint: allow(slab-waste)\";\n\
                    /* gfplint: allow(slab-waste gfplint: allow(vmalloc-small) */\n";
        let found = scan(src);
        let summary: Vec<(u32, u32, bool, Vec<&str>, bool)> = found
            .iter()
            .map(|s| {
                let lints = s.lints.iter().map(String::as_str).collect();
                (
                    s.span.line,
                    s.span.column,
                    s.own_line,
                    lints,
                    s.error.is_some(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (1, 11, false, vec!["slab-waste"], false),
                (1, 44, false, vec![], true),
                (2, 5, true, vec!["slab-waste", "vmalloc-small"], false),
                (3, 15, false, vec![], true),
                (5, 4, true, vec![], true),
                (5, 30, true, vec!["vmalloc-small"], false),
            ]
        );
        assert!(
            found[1]
                .error
                .as_deref()
                .unwrap()
                .contains("unknown lint `nope`")
        );
    }
}
