//! The one lexer for C expression texts: identifiers, numbers and punctuators with
//! their byte offsets. The evaluators that read argument and macro texts (sizes in
//! `consteval`, GFP flags in `gfp`, operand types in `decl_index`, `#if` conditions
//! in `sparse`) all lex with it; each accepts the tokens its grammar has and reads
//! the numbers its own way. Anything else (a string, `=`, `{`) is a [`LexError`],
//! which they read as "not an expression we evaluate".

/// One token's kind and text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok<'t> {
    Ident(&'t str),
    /// A number as written (`0x1000UL`): each reader parses the forms it knows.
    Number(&'t str),
    Punct(&'static str),
}

/// A token and the byte offset where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'t> {
    pub tok: Tok<'t>,
    pub start: usize,
}

/// Text that is not a token of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LexError;

/// The punctuators of constant expressions, a longer one before its prefixes. `->`,
/// `.` and `[ ]` serve `sizeof` operands and operand types.
const PUNCTS: &[&str] = &[
    "->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+", "-", "*", "/", "%", "&", "|", "^",
    "~", "!", "<", ">", "(", ")", "?", ":", ",", ".", "[", "]",
];

/// Tokens of `text`, in order; stops (for good) at the first [`LexError`].
#[derive(Debug, Clone)]
pub struct Lexer<'t> {
    text: &'t str,
    pos: usize,
    skip_comments: bool,
}

impl<'t> Lexer<'t> {
    /// A lexer that reads comments as code (`/` and `*` tokens), which no evaluator's
    /// grammar accepts: a commented size is not evaluated.
    pub fn new(text: &'t str) -> Self {
        Lexer {
            text,
            pos: 0,
            skip_comments: false,
        }
    }

    /// A lexer that skips `/* … */` and `// …` comments (GFP arguments carry them:
    /// `GFP_KERNEL /* may sleep */`); an unterminated `/*` is an error.
    pub fn skipping_comments(text: &'t str) -> Self {
        Lexer {
            skip_comments: true,
            ..Lexer::new(text)
        }
    }

    /// After an opening bracket was read: skips to just after its matching `close`
    /// (the contents are not lexed; `p->ring[i]`'s subscript does not change a type).
    pub fn skip_balanced(&mut self, open: u8, close: u8) -> Result<(), LexError> {
        let b = self.text.as_bytes();
        let mut depth = 1usize;
        while let Some(&c) = b.get(self.pos) {
            self.pos += 1;
            if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth == 0 {
                    return Ok(());
                }
            }
        }
        Err(LexError)
    }

    fn fail(&mut self) -> Option<Result<Token<'t>, LexError>> {
        self.pos = self.text.len();
        Some(Err(LexError))
    }
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl<'t> Iterator for Lexer<'t> {
    type Item = Result<Token<'t>, LexError>;

    fn next(&mut self) -> Option<Self::Item> {
        let text = self.text;
        let b = text.as_bytes();
        loop {
            let start = self.pos;
            let c = *b.get(start)?;
            if c.is_ascii_whitespace() {
                self.pos += 1;
                continue;
            }
            if self.skip_comments && c == b'/' {
                match b.get(start + 1) {
                    Some(b'*') => match text[start + 2..].find("*/") {
                        Some(end) => {
                            self.pos = start + 2 + end + 2;
                            continue;
                        }
                        None => return self.fail(),
                    },
                    Some(b'/') => {
                        self.pos = text[start..].find('\n').map_or(b.len(), |e| start + e);
                        continue;
                    }
                    _ => {}
                }
            }
            let tok = if c.is_ascii_alphanumeric() || c == b'_' {
                let mut end = start + 1;
                while b.get(end).is_some_and(|&c| is_word_byte(c)) {
                    end += 1;
                }
                self.pos = end;
                let word = &text[start..end];
                if c.is_ascii_digit() {
                    Tok::Number(word)
                } else {
                    Tok::Ident(word)
                }
            } else {
                let Some(p) = PUNCTS.iter().find(|p| text[start..].starts_with(**p)) else {
                    return self.fail();
                };
                self.pos += p.len();
                Tok::Punct(p)
            };
            return Some(Ok(Token { tok, start }));
        }
    }
}

/// Whether `text` is a C identifier (`foo_done`; not `0x10`, `p->f`, `&x`).
pub fn is_identifier(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Every token of `text` (comments read as code), or `None` at a lexing error.
pub fn tokens(text: &str) -> Option<Vec<Token<'_>>> {
    Lexer::new(text).collect::<Result<_, _>>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(l: Lexer<'_>) -> Result<Vec<Tok<'_>>, LexError> {
        l.map(|t| t.map(|t| t.tok)).collect()
    }

    #[test]
    fn lexes_identifiers_numbers_and_longest_punctuators() {
        let toks = tokens("sizeof(*p)->ring[0] << 0x10UL").unwrap();
        let starts: Vec<usize> = toks.iter().map(|t| t.start).collect();
        assert_eq!(starts, [0, 6, 7, 8, 9, 10, 12, 16, 17, 18, 20, 23]);
        assert_eq!(
            toks.iter().map(|t| t.tok).collect::<Vec<_>>(),
            [
                Tok::Ident("sizeof"),
                Tok::Punct("("),
                Tok::Punct("*"),
                Tok::Ident("p"),
                Tok::Punct(")"),
                Tok::Punct("->"),
                Tok::Ident("ring"),
                Tok::Punct("["),
                Tok::Number("0"),
                Tok::Punct("]"),
                Tok::Punct("<<"),
                Tok::Number("0x10UL"),
            ]
        );
        assert_eq!(
            kinds(Lexer::new("a&&b||!c")).unwrap(),
            [
                Tok::Ident("a"),
                Tok::Punct("&&"),
                Tok::Ident("b"),
                Tok::Punct("||"),
                Tok::Punct("!"),
                Tok::Ident("c"),
            ]
        );
    }

    #[test]
    fn strings_and_assignments_are_errors_and_the_lexer_stops() {
        assert!(tokens("x = 1").is_none());
        assert!(tokens("\"s\"").is_none());
        let mut l = Lexer::new("a @ b");
        assert!(matches!(l.next(), Some(Ok(_))));
        assert_eq!(l.next(), Some(Err(LexError)));
        assert_eq!(l.next(), None);
    }

    #[test]
    fn comments_are_skipped_only_when_asked() {
        let text = "GFP_KERNEL /* may sleep */ | __GFP_ZERO // zeroed\n";
        assert_eq!(
            kinds(Lexer::skipping_comments(text)).unwrap(),
            [
                Tok::Ident("GFP_KERNEL"),
                Tok::Punct("|"),
                Tok::Ident("__GFP_ZERO")
            ]
        );
        let plain = kinds(Lexer::new("8 /* x */")).unwrap();
        assert_eq!(plain[1], Tok::Punct("/"));
        assert!(kinds(Lexer::skipping_comments("A /* open")).is_err());
    }

    #[test]
    fn skip_balanced_passes_over_nested_subscripts() {
        let mut l = Lexer::new("a[b[1] + \"]\"] . c");
        assert_eq!(l.next().unwrap().unwrap().tok, Tok::Ident("a"));
        assert_eq!(l.next().unwrap().unwrap().tok, Tok::Punct("["));
        // Raw bytes: the `]` in the string closes it, as the type reader always did.
        l.skip_balanced(b'[', b']').unwrap();
        assert_eq!(l.next().unwrap(), Err(LexError));
        let mut l = Lexer::new("x[y[0]].f");
        l.next();
        l.next();
        l.skip_balanced(b'[', b']').unwrap();
        assert_eq!(kinds(l).unwrap(), [Tok::Punct("."), Tok::Ident("f")]);
        let mut l = Lexer::new("x[0");
        l.next();
        l.next();
        assert_eq!(l.skip_balanced(b'[', b']'), Err(LexError));
    }
}
