//! Escaping of untrusted text for line-oriented sinks (gcc, human, stderr).
//!
//! Source text, file names and configuration strings come from whoever wrote the
//! checked tree (in CI: any pull request). In a line format they must not end a line,
//! rewrite the terminal, or start a GitHub Actions workflow command: the runner splits
//! its log on `\r` as well as `\n`, runs a line starting with `::` (after leading
//! whitespace) as a command, and still honours the legacy `##[command]` anywhere in a
//! line. The rules (also in README, "Security"):
//!
//! * [`text`] (messages, notes, source snippets): `\n` and `\r` become a space (a message
//!   is one line; a CRLF file's snippet stays readable); other C0 controls, DEL, C1
//!   controls, Unicode line/paragraph separators and bidirectional overrides are written
//!   `\xHH` / `\u{HHHH}`; `##[` is written `#\x23[`. A tab is kept.
//! * [`file_name`]: the same, faithfully and reversibly: controls (tab included) as
//!   `\t`, `\n`, `\r`, `\xHH`, `\u{HHHH}`, a backslash as `\\`, a colon as `\x3a` (so a
//!   problem matcher's `file:line:col:` cannot be misled) and `##[` as `#\x23[`. Names
//!   without these characters (all of a kernel tree's) are printed as they are.

use std::borrow::Cow;
use std::fmt::Write;

/// Characters that are never written raw to a line sink.
fn is_unsafe(c: char) -> bool {
    c.is_control() // C0, DEL, C1 (incl. NEL)
        || matches!(c, '\u{2028}' | '\u{2029}') // line and paragraph separators
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') // bidi overrides
        || c == '\u{feff}'
}

fn escape_char(out: &mut String, c: char) {
    let _ = match c {
        '\t' => write!(out, "\\t"),
        '\n' => write!(out, "\\n"),
        '\r' => write!(out, "\\r"),
        c if (c as u32) < 0x80 => write!(out, "\\x{:02x}", c as u32),
        c => write!(out, "\\u{{{:04x}}}", c as u32),
    };
}

/// Message or source text for a line sink: one line, no controls, no `##[`.
pub fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && c != '\t') && !s.contains("##[") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\t' => out.push('\t'),
            '\n' | '\r' => out.push(' '),
            '#' if s[i..].starts_with("##[") => {
                out.push_str("#\\x23");
                chars.next();
            }
            c if is_unsafe(c) => escape_char(&mut out, c),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A file name for a line sink: escaped where it could not be shown faithfully.
pub fn file_name(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) || c == '\\' || c == ':') && !s.contains("##[") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ':' => out.push_str("\\x3a"),
            '#' if s[i..].starts_with("##[") => {
                out.push_str("#\\x23");
                chars.next();
            }
            c if is_unsafe(c) => escape_char(&mut out, c),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_one_safe_line() {
        assert_eq!(text("plain `x` text"), "plain `x` text");
        assert_eq!(text("a\r::error::x\nb"), "a ::error::x b");
        assert_eq!(text("\x1b[31mred"), "\\x1b[31mred");
        assert_eq!(text("x ##[add-mask]y"), "x #\\x23[add-mask]y");
        assert_eq!(
            text("nel\u{85}lsep\u{2028}rlo\u{202e}"),
            "nel\\u{0085}lsep\\u{2028}rlo\\u{202e}"
        );
        assert_eq!(text("tab\tkept"), "tab\tkept");
        assert_eq!(text("C:\\dir"), "C:\\dir");
    }

    #[test]
    fn file_names_are_escaped_reversibly() {
        assert_eq!(file_name("drivers/net/a-b_c.c"), "drivers/net/a-b_c.c");
        assert_eq!(
            file_name("a:1:2: error: b.c"),
            "a\\x3a1\\x3a2\\x3a error\\x3a b.c"
        );
        assert_eq!(file_name("a\\x3a.c"), "a\\\\x3a.c");
        assert_eq!(file_name("x\r\n\t\x1b.c"), "x\\r\\n\\t\\x1b.c");
        assert_eq!(file_name("##[warning]x.c"), "#\\x23[warning]x.c");
        assert_eq!(file_name("::error::x.c"), "\\x3a\\x3aerror\\x3a\\x3ax.c");
    }
}
