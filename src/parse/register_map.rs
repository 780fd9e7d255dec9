//! Generated register maps (amdgpu's `asic_reg/*_sh_mask.h`: 390 MB of the 6.1 tree,
//! tens of thousands of `#define REG__FIELD__SHIFT 0x8` lines each) give the same
//! facts as an empty file whose defines were dropped: more than
//! [`MAX_DEFINES_PER_FILE`] object-like defines, nothing else. Recognising them with a
//! line scan instead of tree-sitter and the extractor saves ~25 s of CPU on a kernel
//! tree. Only files made of nothing but such defines, guards and comments qualify;
//! anything unusual takes the normal path, so the facts are always the ones the
//! parser would give (the tests below compare both; `examples/register_maps.rs` does on a
//! kernel tree: 0 of 46,392 6.1 files differ).

use super::decls::{MAX_DEFINE_TEXT, MAX_DEFINES_PER_FILE, keep_define_value};
use super::text::clean_text;
use crate::facts::FileFacts;

/// The facts of a generated register map, or `None` when `rewritten` (the file after
/// its own inactive conditionals were blanked) is anything else. Values are read from
/// `original` at the same offsets, as the extractor reads them.
pub fn facts(path: &str, rewritten: &[u8], original: &[u8]) -> Option<FileFacts> {
    // A cheap size filter first: a map has more defines than lines of 40 bytes allow.
    if rewritten.len() < MAX_DEFINES_PER_FILE * 20 || rewritten.contains(&b'\r') {
        return None;
    }
    let mut kept = 0usize;
    let mut in_comment = false;
    let mut offset = 0usize;
    for line in rewritten.split(|&b| b == b'\n') {
        let start = offset;
        offset += line.len() + 1;
        if in_comment {
            let Some(end) = find(line, b"*/") else {
                continue;
            };
            if !blank(&line[end + 2..]) {
                return None;
            }
            in_comment = false;
            continue;
        }
        let trimmed = trim_start(line);
        if trimmed.is_empty() || trimmed.starts_with(b"//") {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix(b"/*") {
            match find(rest, b"*/") {
                Some(end) if blank(&rest[end + 2..]) => {}
                Some(_) => return None,
                None => in_comment = true,
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix(b"#define") {
            let (name_len, value) = define(rest)?;
            if name_len == 0 {
                return None;
            }
            if let Some((from, to)) = value {
                let at = start + b"#define".len();
                let text = clean_text(&original[at + from..at + to], MAX_DEFINE_TEXT + 1);
                kept += usize::from(keep_define_value(&text));
            }
            continue;
        }
        if directive_with_name(line, b"#ifndef") || directive_with_name(line, b"#ifdef") {
            continue;
        }
        if let Some(rest) = line.strip_prefix(b"#endif")
            && (blank(rest) || trailing_comment(rest))
        {
            continue;
        }
        return None;
    }
    if in_comment || kept <= MAX_DEFINES_PER_FILE {
        return None;
    }
    let mut facts = FileFacts {
        path: path.to_string(),
        ..FileFacts::default()
    };
    facts.decls.defines_dropped = true;
    Some(facts)
}

/// After `#define`: the name's length and the value's range within `rest` (`None`
/// for a define without a value, an include guard's), or `None` overall for what the
/// scan does not vouch for: a function-like macro, a continued line, a comment or a
/// literal in the value.
fn define(rest: &[u8]) -> Option<(usize, Option<(usize, usize)>)> {
    let lead = rest.len() - trim_start(rest).len();
    if lead == 0 {
        return None;
    }
    let name = &rest[lead..];
    let name_len = name
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))
        .unwrap_or(name.len());
    if name.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let after = &name[name_len..];
    if !(after.is_empty() || after[0] == b' ' || after[0] == b'\t') {
        return None;
    }
    if after
        .iter()
        .any(|&b| matches!(b, b'/' | b'\\' | b'"' | b'\'' | b'#'))
    {
        return None;
    }
    let value_from = lead + name_len + (after.len() - trim_start(after).len());
    let value_to = lead + name_len + after.len();
    let value = (value_from < value_to).then_some((value_from, value_to));
    Some((name_len, value))
}

/// `#ifndef NAME` (or `#ifdef`), nothing else on the line.
fn directive_with_name(line: &[u8], directive: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(directive) else {
        return false;
    };
    let name = trim_start(rest);
    name.len() < rest.len()
        && !name.is_empty()
        && !name[0].is_ascii_digit()
        && trim_end(name)
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Whitespace, then one comment that ends on the line (`/* FOO_H */`, `// FOO_H`).
fn trailing_comment(rest: &[u8]) -> bool {
    let t = trim_start(rest);
    if t.starts_with(b"//") {
        return true;
    }
    t.strip_prefix(b"/*")
        .and_then(|c| find(c, b"*/").map(|end| blank(&c[end + 2..])))
        .unwrap_or(false)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b == b' ' || b == b'\t')
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let n = bytes
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(bytes.len());
    &bytes[n..]
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let n = bytes
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(0, |i| i + 1);
    &bytes[..n]
}

#[cfg(test)]
mod tests {
    use crate::knowledge::Knowledge;

    /// A generated map: a licence comment, a guard, section comments, `count`
    /// defines, and `extra` lines at the end.
    fn map(count: usize, extra: &str) -> Vec<u8> {
        let mut s = String::from(
            "/*\n * Copyright\n *\n */\n#ifndef _x_SH_MASK_HEADER\n#define _x_SH_MASK_HEADER\n\n",
        );
        for i in 0..count {
            if i % 50 == 0 {
                s.push_str(&format!("// addressBlock: block{i}\n//REG{i}\n"));
            }
            s.push_str(&format!(
                "#define REG{i}__FIELD__SHIFT                                        0x{:x}\n#define REG{i}__FIELD_MASK\t0x{:08X}L\n",
                i % 32,
                1u64 << (i % 32)
            ));
        }
        s.push_str(extra);
        s.push_str("\n#endif /* _x_SH_MASK_HEADER */\n");
        s.into_bytes()
    }

    fn both(bytes: Vec<u8>) -> (Vec<u8>, Vec<u8>, bool) {
        let k = Knowledge::builtin();
        let scanned = super::facts("m.h", &bytes, &bytes).is_some();
        let fast = crate::parse::facts_from_bytes_in("m.h", bytes.clone(), k, None).unwrap();
        let parsed = crate::parse::facts_from_bytes_parsed("m.h", bytes, k).unwrap();
        let encode = |f| postcard::to_stdvec(f).unwrap();
        (encode(&fast), encode(&parsed), scanned)
    }

    #[test]
    fn a_generated_map_gives_the_parsers_facts_without_parsing() {
        let (fast, parsed, scanned) = both(map(1500, ""));
        assert!(scanned, "3,000 defines: a register map");
        assert_eq!(fast, parsed);
    }

    #[test]
    fn anything_else_takes_the_parser() {
        for (count, extra) in [
            // Not enough defines to be dropped: the parser keeps them.
            (900, ""),
            // Code, a function-like macro, a continued line, a comment in a value, an
            // include, an indented directive, an `#if`.
            (1500, "static int x;"),
            (1500, "#define REG_OFF(n) ((n) * 4)"),
            (1500, "#define REG_BIG 0x1 | \\\n 0x2"),
            (1500, "#define REG_C 0x1 /* bit */"),
            (1500, "#include \"other.h\""),
            (1500, "  #define REG_IND 0x4"),
            (1500, "#if 1\n#define REG_IF 0x5\n#endif"),
            (1500, "/* open comment */ int y;"),
        ] {
            let (fast, parsed, scanned) = both(map(count, extra));
            assert!(!scanned, "{count} defines, then {extra:?}");
            assert_eq!(fast, parsed);
        }
    }
}
