//! Checkstyle XML (`<checkstyle><file name><error line column severity message
//! source/></file></checkstyle>`), read by Jenkins' warnings plugin, reviewdog and other
//! tools that take checkstyle reports. Findings are grouped by file in output order.

use crate::diagnostic::Diagnostic;

pub fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n");
    let mut current: Option<&str> = None;
    for d in diagnostics {
        if current != Some(d.file.as_str()) {
            if current.is_some() {
                out.push_str("  </file>\n");
            }
            out.push_str(&format!("  <file name=\"{}\">\n", escape(&d.file)));
            current = Some(&d.file);
        }
        let mut message = d.message.clone();
        for n in d.note_lines() {
            message.push_str("\nnote: ");
            message.push_str(&n);
        }
        out.push_str(&format!(
            "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"gfplint.{}\"/>\n",
            d.span.line,
            d.span.column,
            d.severity.as_str(),
            escape(&message),
            d.lint
        ));
    }
    if current.is_some() {
        out.push_str("  </file>\n");
    }
    out.push_str("</checkstyle>\n");
    out
}

/// Text as an XML attribute value: markup characters and line breaks as references;
/// control characters XML 1.0 cannot carry are replaced.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn attribute_escaping() {
        assert_eq!(
            super::escape("a<b>&\"c'\n\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;\u{FFFD}"
        );
    }
}
