//! A file's *layout-free digest*: its bytes with comments and the amount of blank space
//! taken out, so that two versions of a file with the same digest differ only in where
//! things are (lines inserted or removed, comments, indentation). Every later stage then
//! sees the same facts up to positions, so a whole run after such an edit only has to
//! render again the findings that name positions in the file (`lib.rs`, `moved_run`).
//!
//! Taken out: comments outside preprocessor lines (a comment counts as blank space),
//! and runs of blank space, kept only as "a space" or "a line break" (so blank lines
//! are one line break, and joining two lines is a change). Kept exactly: preprocessor
//! lines with their continuations and comments (line structure and text matter there),
//! string and character literals, line splices, and the line of every `__LINE__` (its
//! value is where it is).

/// The layout-free digest of a C file's bytes.
pub fn layout_free_digest(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(&layout_free(bytes))
}

/// The top bit of a function's digest: its text has a directive that outlasts it
/// (`#define`, `#undef`, `#include`, `#line`) or a `__LINE__` (an edit there can change
/// what later text means, or a value by where it is: `lib.rs`, `edited_run`, then runs
/// the whole stage).
pub const VOLATILE: u64 = 1 << 63;

/// Per function (its byte extent, from its first token to its closing brace), the
/// layout-free digest of its text, and one digest of all the text outside them (with
/// a mark where each function is): two versions of a file with the same outside digest
/// differ, for the parse, only inside the functions whose digests differ.
pub fn function_digests(bytes: &[u8], extents: &[(usize, usize)]) -> (u64, Vec<u64>) {
    let mut order: Vec<usize> = (0..extents.len()).collect();
    order.sort_by_key(|&i| extents[i]);
    let mut digests = vec![VOLATILE; extents.len()];
    let mut outside = Vec::new();
    let mut at = 0usize;
    let starts_line = |from: usize| bytes[..from].iter().filter(|&&b| b == b'\n').count() + 1;
    for i in order {
        let (start, end) = extents[i];
        if start < at || end > bytes.len() || start > end {
            // (Overlapping or out of range: left volatile.)
            continue;
        }
        outside.extend(layout_free(&bytes[at..start]));
        if bytes[at..start].windows(8).any(|w| w == b"__LINE__") {
            outside.extend(format!("@{}", starts_line(at)).as_bytes());
        }
        outside.push(0);
        let text = &bytes[start..end];
        let volatile = text.windows(8).any(|w| w == b"__LINE__")
            || text.split(|&b| b == b'\n').any(defines_for_later_text);
        let h = xxhash_rust::xxh3::xxh3_64(&layout_free(text)) >> 1;
        digests[i] = if volatile { h | VOLATILE } else { h };
        at = end;
    }
    outside.extend(layout_free(&bytes[at..]));
    if bytes[at..].windows(8).any(|w| w == b"__LINE__") {
        outside.extend(format!("@{}", starts_line(at)).as_bytes());
    }
    (xxhash_rust::xxh3::xxh3_64(&outside), digests)
}

/// Whether a line is a directive whose effect outlasts the function it is in
/// (`#define`, `#undef`, `#include`, `#line`); a conditional (`#if` … `#endif`) only
/// chooses the function's own text, which its digest covers.
fn defines_for_later_text(line: &[u8]) -> bool {
    let rest = line.trim_ascii_start();
    let Some(directive) = rest.strip_prefix(b"#") else {
        return false;
    };
    let directive = directive.trim_ascii_start();
    [&b"define"[..], b"undef", b"include", b"line"]
        .iter()
        .any(|d| directive.starts_with(d))
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Blank {
    None,
    Space,
    Break,
}

fn layout_free(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut blank = Blank::None;
    // Only blank space (or comments) since the last line break: a `#` there starts a
    // preprocessor line.
    let mut line_start = true;
    let mut line = 1u32;
    let mut i = 0;
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    // Appends `bytes[from..to]`, preceded by the blank space pending.
    let emit = |out: &mut Vec<u8>, blank: &mut Blank, piece: &[u8]| {
        match *blank {
            Blank::Space if !out.is_empty() => out.push(b' '),
            Blank::Break if !out.is_empty() => out.push(b'\n'),
            _ => {}
        }
        *blank = Blank::None;
        out.extend_from_slice(piece);
    };
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        match b {
            b'\n' => {
                blank = Blank::Break;
                line_start = true;
                line += 1;
                i += 1;
            }
            b' ' | b'\t' | b'\r' | 0x0b | 0x0c => {
                blank = blank.max(Blank::Space);
                i += 1;
            }
            b'#' if line_start => {
                // The logical line, splices included, as it is.
                let end = logical_line_end(bytes, i, &mut line);
                emit(&mut out, &mut blank, &bytes[i..end]);
                blank = Blank::Break;
                i = end;
            }
            b'/' if next == Some(b'*') => {
                let end = bytes[i + 2..]
                    .windows(2)
                    .position(|w| w == b"*/")
                    .map_or(bytes.len(), |p| i + 2 + p + 2);
                let breaks = bytes[i..end].iter().filter(|&&c| c == b'\n').count() as u32;
                line += breaks;
                blank = blank.max(if breaks > 0 {
                    Blank::Break
                } else {
                    Blank::Space
                });
                i = end;
            }
            b'/' if next == Some(b'/') => {
                // To the line's end; a splice continues the comment.
                i = logical_line_end(bytes, i, &mut line);
                blank = blank.max(Blank::Space);
            }
            b'"' | b'\'' => {
                // To the closing quote, or the line's end (an unterminated literal, as
                // in a skipped `#if 0` block, ends there).
                let mut end = i + 1;
                while end < bytes.len() && bytes[end] != b && bytes[end] != b'\n' {
                    if bytes[end] == b'\\' && end + 1 < bytes.len() {
                        if bytes[end + 1] == b'\n' {
                            line += 1;
                        }
                        end += 1;
                    }
                    end += 1;
                }
                let end = (end + usize::from(bytes.get(end) == Some(&b))).min(bytes.len());
                emit(&mut out, &mut blank, &bytes[i..end]);
                line_start = false;
                i = end;
            }
            b'\\' if next == Some(b'\n') => {
                emit(&mut out, &mut blank, b"\\\n");
                line += 1;
                i += 2;
            }
            _ if ident(b) && (i == 0 || !ident(bytes[i - 1])) => {
                let end = i + bytes[i..].iter().take_while(|&&c| ident(c)).count();
                emit(&mut out, &mut blank, &bytes[i..end]);
                if &bytes[i..end] == b"__LINE__" {
                    out.extend_from_slice(format!("@{line}").as_bytes());
                }
                line_start = false;
                i = end;
            }
            _ => {
                emit(&mut out, &mut blank, &bytes[i..i + 1]);
                line_start = false;
                i += 1;
            }
        }
    }
    out
}

/// Where the logical line from `start` ends (at its line break, or the end): a
/// backslash before a line break splices the next line on, counted in `line`.
fn logical_line_end(bytes: &[u8], start: usize, line: &mut u32) -> usize {
    let mut end = start;
    while end < bytes.len() && bytes[end] != b'\n' {
        if bytes[end] == b'\\' && bytes.get(end + 1) == Some(&b'\n') {
            end += 1;
            *line += 1;
        }
        end += 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::layout_free_digest as d;

    #[test]
    fn lines_comments_and_indentation_do_not_count() {
        let a = b"int f(void)\n{\n\treturn g(1, 2);\n}\n";
        assert_eq!(
            d(a),
            d(b"\n\n/* moved */\nint f(void)\n{\n    return g(1,  2); // two\n\n}")
        );
        assert_eq!(
            d(a),
            d(b"int f(void)\n{\n/* a\n comment */\treturn g(1, 2);\n}\n")
        );
    }

    #[test]
    fn what_the_code_says_counts() {
        let a = b"int f(void)\n{\n\treturn g(1, 2);\n}\n";
        // Tokens, a line joined, a literal's text, a preprocessor line's comment and
        // line structure, a `__LINE__` moved.
        for b in [
            &b"int f(void)\n{\n\treturn g(1, 3);\n}\n"[..],
            b"int f(void) {\n\treturn g(1, 2);\n}\n",
            b"int f(void)\n{\n\treturn g(\"1  2\");\n}\n",
            b"int f(void)\n{\n\treturn g(\"1 2\");\n}\n",
        ] {
            assert_ne!(d(a), d(b), "{}", String::from_utf8_lossy(b));
        }
        assert_ne!(d(b"\"1  2\""), d(b"\"1 2\""));
        assert_ne!(d(b"#define X 1 /* a */\n"), d(b"#define X 1 /* b */\n"));
        assert_ne!(d(b"#define X 1 \\\n 2\n"), d(b"#define X 1\n 2\n"));
        assert_ne!(d(b"int l = __LINE__;\n"), d(b"\nint l = __LINE__;\n"));
        // `//` inside a literal is not a comment; a `#` after code is not a directive.
        assert_ne!(d(b"s = \"a//b\";"), d(b"s = \"a//c\";"));
        assert_eq!(d(b"x = 1; # y /* a */ z"), d(b"x = 1; # y /* b */ z"));
        // An unterminated character literal ends at its line.
        assert_eq!(d(b"don't\n/* a */ x;"), d(b"don't\n/* b */ x;"));
        assert_ne!(d(b"don't /* a */\nx;"), d(b"don't /* b */\nx;"));
    }
}
