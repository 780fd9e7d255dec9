//! Small helpers over source bytes and tree-sitter nodes shared by the extraction
//! walk, the CFG builder and the declaration collector.

use tree_sitter::Node;

use crate::facts::Span;

pub fn span_of(node: Node) -> Span {
    let s = node.start_position();
    let e = node.end_position();
    Span {
        start: node.start_byte() as u32,
        end: node.end_byte() as u32,
        line: s.row as u32 + 1,
        column: s.column as u32 + 1,
        end_line: e.row as u32 + 1,
        end_column: e.column as u32 + 1,
    }
}

/// Source text with comments removed and whitespace collapsed, cut at `max` bytes.
///
/// Works on bytes and reads no further than it needs: it runs on the kept arguments of
/// every call, and arguments nest (`f(g(h(...)))`), so converting or copying the whole
/// range each time made deeply nested calls quadratic in time and memory.
pub fn clean_text(bytes: &[u8], max: usize) -> String {
    let mut out: Vec<u8> = Vec::new();
    let b = bytes;
    let mut i = 0;
    let mut pending_space = false;
    while i < b.len() && out.len() < max {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = b[i + 2..]
                .windows(2)
                .position(|w| w == b"*/")
                .map_or(b.len(), |e| i + 2 + e + 2);
            pending_space = true;
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            i = b[i..]
                .iter()
                .position(|&x| x == b'\n')
                .map_or(b.len(), |e| i + e);
            pending_space = true;
            continue;
        }
        if c.is_ascii_whitespace() || c == b'\\' && b.get(i + 1) == Some(&b'\n') {
            pending_space = true;
            i += 1;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(b' ');
        }
        pending_space = false;
        if c == b'"' || c == b'\'' {
            // Copy the literal whole, so comment markers inside it are not comments, but
            // within the budget: an uncut literal made argument texts (kept per nested
            // call) grow with the literal's length times the nesting.
            let start = i;
            i += 1;
            while i < b.len() && b[i] != c && b[i] != b'\n' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(b.len());
            let room = max.saturating_sub(out.len());
            out.extend_from_slice(&b[start..i.min(start + room)]);
            continue;
        }
        out.push(c);
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => {
            // A cut through a multi-byte character: drop its first bytes.
            let mut v = e.into_bytes();
            if let Err(e) = std::str::from_utf8(&v)
                && e.error_len().is_none()
            {
                v.truncate(e.valid_up_to());
            }
            String::from_utf8_lossy(&v).into_owned()
        }
    }
}

pub fn text<'a>(node: Node, src: &'a [u8]) -> &'a str {
    std::str::from_utf8(&src[node.start_byte()..node.end_byte()]).unwrap_or("")
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Byte index in `after_open` of the `)` that closes a `(` just before it, if any.
pub fn closing_paren(after_open: &str) -> Option<usize> {
    let mut depth = 1i32;
    for (i, c) in after_open.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether `name` occurs in `hay` as a whole identifier (not inside a longer one,
/// nor as a field name after `.` or `->`).
pub fn has_token(hay: &[u8], name: &[u8]) -> bool {
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    if name.is_empty() || hay.len() < name.len() {
        return false;
    }
    (0..=hay.len() - name.len()).any(|i| {
        &hay[i..i + name.len()] == name
            && hay.get(i + name.len()).is_none_or(|&b| !ident(b))
            && (i == 0 || {
                let prev = hay[i - 1];
                !ident(prev) && prev != b'.' && !(prev == b'>' && i >= 2 && hay[i - 2] == b'-')
            })
    })
}
