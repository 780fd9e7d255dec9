//! Rich output with source snippets, through codespan-reporting: the primary label on
//! the allocation, secondary labels on the evidence, notes and a help line.
//!
//! Snippets come from the source text the analysis read (`Outcome::sources`), never
//! from a second read. Each diagnostic gets an excerpt of its own: only the labelled
//! lines, each cut to a window around its labels (a 10 MB line prints as ~250 bytes),
//! with control characters escaped (see `escape`), and the real line and column numbers.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, Config, termcolor};

use super::escape;
use crate::diagnostic::{Diagnostic, Severity};
use crate::facts::Span;

/// Bytes of source shown on either side of the labels of a line.
const CONTEXT: usize = 60;
/// Most bytes of one source line shown.
const MAX_WIDTH: usize = 240;

pub fn render(
    diagnostics: &[Diagnostic],
    sources: &HashMap<String, String>,
    color: bool,
) -> String {
    let config = Config::default();
    let mut buffer = if color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    for d in diagnostics {
        if !render_one(d, sources, &config, &mut buffer) {
            // No source for its file (unreadable, or changed since it was read, which is
            // reported as an error): one line.
            use std::io::Write;
            let _ = writeln!(buffer, "{}", super::gcc::line(d));
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

fn render_one(
    d: &Diagnostic,
    sources: &HashMap<String, String>,
    config: &Config,
    buffer: &mut termcolor::Buffer,
) -> bool {
    if !sources.contains_key(&d.file) {
        return false;
    }
    // Spans per file, primary first; files in order of first mention.
    let mut order: Vec<&str> = vec![&d.file];
    let mut spans: HashMap<&str, Vec<Span>> = HashMap::new();
    spans.entry(&d.file).or_default().push(d.span);
    let mut notes = Vec::new();
    for l in &d.labels {
        if sources.contains_key(&l.file) {
            if !spans.contains_key(l.file.as_str()) {
                order.push(&l.file);
            }
            spans.entry(&l.file).or_default().push(l.span);
        } else {
            notes.push(format!(
                "{}:{}:{}: {}",
                escape::file_name(&l.file),
                l.span.line,
                l.span.column,
                escape::text(&l.message)
            ));
        }
    }
    let excerpts: Vec<Excerpt> = order
        .iter()
        .map(|f| Excerpt::new(f, &sources[*f], &spans[*f]))
        .collect();
    let files = Excerpts(excerpts);
    let file_id = |name: &str| order.iter().position(|f| *f == name).unwrap_or(0);
    let mut labels =
        vec![CsLabel::primary(0, files.0[0].range(d.span)).with_message(primary_label(d))];
    for l in &d.labels {
        if sources.contains_key(&l.file) {
            let id = file_id(&l.file);
            labels.push(
                CsLabel::secondary(id, files.0[id].range(l.span))
                    .with_message(escape::text(&l.message)),
            );
        }
    }
    notes.extend(d.notes.iter().map(|n| escape::text(n).into_owned()));
    if let Some(h) = &d.help {
        notes.push(format!("help: {}", escape::text(h)));
    }
    let severity = match d.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
    };
    let cs = CsDiagnostic::new(severity)
        .with_message(escape::text(&d.message))
        .with_code(d.lint)
        .with_labels(labels)
        .with_notes(notes);
    term::emit_to_write_style(buffer, config, &files, &cs).is_ok()
}

/// The lines of one file a diagnostic shows, cut and escaped.
struct Excerpt {
    name: String,
    /// The shown lines joined by `\n`.
    text: String,
    lines: Vec<ShownLine>,
}

struct ShownLine {
    /// 1-based line number in the file.
    number: u32,
    /// Where the line starts in the file, and the window of it that is shown.
    line_start: usize,
    window: Range<usize>,
    /// Offset of the line in `Excerpt::text`, and its length there.
    at: usize,
    len: usize,
    /// `shown[i]`: offset in the shown line of file offset `window.start + i`.
    shown: Vec<usize>,
}

impl Excerpt {
    fn new(name: &str, src: &str, spans: &[Span]) -> Excerpt {
        // Positions to show, per line: (line number, line start) → offsets.
        let mut wanted: BTreeMap<u32, (usize, Vec<usize>)> = BTreeMap::new();
        for s in spans {
            let (start, end) = (clamp(src, s.start as usize), clamp(src, s.end as usize));
            let start_line =
                s.start as usize - (s.column.max(1) as usize - 1).min(s.start as usize);
            let start_line = clamp(src, start_line);
            if s.end_line <= s.line {
                wanted
                    .entry(s.line)
                    .or_insert((start_line, Vec::new()))
                    .1
                    .extend([start, end.max(start)]);
            } else {
                wanted
                    .entry(s.line)
                    .or_insert((start_line, Vec::new()))
                    .1
                    .push(start);
                let end_line =
                    s.end as usize - (s.end_column.max(1) as usize - 1).min(s.end as usize);
                let end_line = clamp(src, end_line);
                wanted
                    .entry(s.end_line)
                    .or_insert((end_line, Vec::new()))
                    .1
                    .push(end);
            }
        }
        let mut text = String::new();
        let mut lines = Vec::new();
        for (number, (line_start, offsets)) in wanted {
            let lo = offsets
                .iter()
                .copied()
                .min()
                .unwrap_or(line_start)
                .max(line_start);
            let hi = offsets.iter().copied().max().unwrap_or(lo).max(lo);
            let from = clamp(src, lo.saturating_sub(CONTEXT).max(line_start));
            let limit = (hi + CONTEXT)
                .min(from + MAX_WIDTH)
                .max(lo + 1)
                .min(src.len());
            // The line's end if it is within reach, else the line is cut.
            // (A label longer than the window is cut too: `limit` may be before `hi`.)
            let reach_from = hi.min(limit);
            let reach = &src.as_bytes()[reach_from..limit];
            let (to, cut_after) = match reach.iter().position(|&b| b == b'\n') {
                Some(p) => (reach_from + p, false),
                None => {
                    let to = clamp(src, limit);
                    (to, to < src.len() && src.as_bytes()[to] != b'\n')
                }
            };
            let mut shown_text = String::new();
            if from > line_start {
                shown_text.push('…');
            }
            let mut shown = vec![0; to.saturating_sub(from) + 1];
            let mut rest = &src[from..to.max(from)];
            if !cut_after {
                rest = rest.trim_end_matches('\r');
            }
            let mut chars = rest.char_indices();
            while let Some((i, c)) = chars.next() {
                let at = shown_text.len();
                for k in 0..c.len_utf8() {
                    shown[i + k] = at;
                }
                if c == '#' && rest[i..].starts_with("##[") {
                    shown_text.push_str("#\\x23");
                    if let Some((j, _)) = chars.next() {
                        shown[j] = at + 1;
                    }
                    continue;
                }
                shown_text.push_str(&escape::text(&rest[i..i + c.len_utf8()]));
            }
            for v in shown.iter_mut().skip(rest.len()) {
                *v = shown_text.len();
            }
            if cut_after {
                shown_text.push('…');
            }
            if !text.is_empty() {
                text.push('\n');
            }
            let at = text.len();
            text.push_str(&shown_text);
            lines.push(ShownLine {
                number,
                line_start,
                window: from..to.max(from),
                at,
                len: shown_text.len(),
                shown,
            });
        }
        Excerpt {
            name: escape::file_name(name).into_owned(),
            text,
            lines,
        }
    }

    /// Where file offset `offset` on line `number` is in the excerpt.
    fn locate(&self, number: u32, offset: usize) -> usize {
        let Some(l) = self.lines.iter().find(|l| l.number == number) else {
            return 0;
        };
        let i = offset.clamp(l.window.start, l.window.end) - l.window.start;
        l.at + l.shown.get(i).copied().unwrap_or(l.len)
    }

    fn range(&self, s: Span) -> Range<usize> {
        let start = self.locate(s.line, s.start as usize);
        let end_line = if s.end_line == 0 { s.line } else { s.end_line };
        let end = self.locate(end_line, s.end as usize).max(start);
        start..end
    }

    fn line_of(&self, at: usize) -> usize {
        self.lines.partition_point(|l| l.at <= at).saturating_sub(1)
    }
}

/// A byte offset moved down to a character boundary inside `src`.
fn clamp(src: &str, offset: usize) -> usize {
    let mut o = offset.min(src.len());
    while !src.is_char_boundary(o) {
        o -= 1;
    }
    o
}

struct Excerpts(Vec<Excerpt>);

impl Excerpts {
    fn get(&self, id: usize) -> Result<&Excerpt, FilesError> {
        self.0.get(id).ok_or(FilesError::FileMissing)
    }
}

impl<'a> Files<'a> for Excerpts {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, FilesError> {
        Ok(&self.get(id)?.name)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, FilesError> {
        Ok(&self.get(id)?.text)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.get(id)?.line_of(byte_index))
    }

    fn line_number(&'a self, id: usize, line_index: usize) -> Result<usize, FilesError> {
        let e = self.get(id)?;
        let l = e.lines.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: e.lines.len(),
        })?;
        Ok(l.number as usize)
    }

    fn column_number(
        &'a self,
        id: usize,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        // The file's column (bytes, like the other formats), not the excerpt's.
        let e = self.get(id)?;
        let l = e.lines.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: e.lines.len(),
        })?;
        let in_line = byte_index.saturating_sub(l.at);
        let offset = l.shown.partition_point(|&s| s < in_line);
        Ok(l.window.start + offset - l.line_start + 1)
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, FilesError> {
        let e = self.get(id)?;
        let l = e.lines.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: e.lines.len(),
        })?;
        Ok(l.at..l.at + l.len)
    }
}

fn primary_label(d: &Diagnostic) -> &'static str {
    match d.lint {
        "atomic-sleeping-gfp" | "atomic-sleeping-alloc" | "atomic-sleeping-call" => {
            "may sleep here"
        }
        _ => "here",
    }
}
