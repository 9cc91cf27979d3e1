//! The lexer: formula text to tokens with byte spans; refuses bad numbers and stray characters.

use super::{ParseError, Span};

/// A token kind. Identifiers and numbers keep their text in the source (see the span).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Tok {
    Num(f64),
    Ident,
    LParen,
    RParen,
    Comma,
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
    Eof,
}

impl Tok {
    /// Whether this token can start an operand (used to spot `a b`).
    pub(crate) fn starts_operand(self) -> bool {
        matches!(self, Tok::Num(_) | Tok::Ident | Tok::LParen)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) span: Span,
}

/// Splits `text` into tokens; the last one is always `Eof` at the end of the text.
pub(crate) fn tokenize(text: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let offset = |i: usize| chars.get(i).map_or(text.len(), |&(o, _)| o);
    let char_at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(c) = char_at(i) {
        let start = offset(i);
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let next = char_at(i + 1);
        if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) {
            let mut j = i;
            while let Some(d) = char_at(j) {
                let glued = d.is_ascii_alphanumeric() || d == '_' || d == '.';
                // A sign right after the `e` of an exponent: `1e-3`.
                let exponent_sign = (d == '+' || d == '-')
                    && j > i
                    && matches!(char_at(j - 1), Some('e' | 'E'))
                    && (i..j - 1)
                        .all(|k| char_at(k).is_some_and(|m| m.is_ascii_digit() || m == '.'));
                if glued || exponent_sign {
                    j += 1;
                } else {
                    break;
                }
            }
            let span = Span::new(start, offset(j));
            let literal = text.get(span.start..span.end).unwrap_or("");
            tokens.push(Token {
                tok: Tok::Num(number(literal, span)?),
                span,
            });
            i = j;
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let mut j = i;
            while char_at(j).is_some_and(|d| d.is_ascii_alphanumeric() || d == '_') {
                j += 1;
            }
            tokens.push(Token {
                tok: Tok::Ident,
                span: Span::new(start, offset(j)),
            });
            i = j;
            continue;
        }
        let two = |tok: Tok| (tok, 2);
        let (tok, len) = match (c, next) {
            ('<', Some('=')) => two(Tok::Le),
            ('>', Some('=')) => two(Tok::Ge),
            ('=', Some('=')) => two(Tok::EqEq),
            ('!', Some('=')) => two(Tok::Ne),
            ('<', _) => (Tok::Lt, 1),
            ('>', _) => (Tok::Gt, 1),
            ('(', _) => (Tok::LParen, 1),
            (')', _) => (Tok::RParen, 1),
            (',', _) => (Tok::Comma, 1),
            ('+', _) => (Tok::Plus, 1),
            ('-', _) => (Tok::Minus, 1),
            ('*', _) => (Tok::Star, 1),
            ('/', _) => (Tok::Slash, 1),
            ('^', _) => (Tok::Caret, 1),
            _ => {
                let span = Span::new(start, start + c.len_utf8());
                return Err(ParseError::new(span, unexpected_character(c)));
            }
        };
        tokens.push(Token {
            tok,
            span: Span::new(start, offset(i + len)),
        });
        i += len;
    }
    tokens.push(Token {
        tok: Tok::Eof,
        span: Span::new(text.len(), text.len()),
    });
    Ok(tokens)
}

fn unexpected_character(c: char) -> String {
    let hint = match c {
        '=' => ": use `==` to compare",
        '!' => ": use `!=` for not equal",
        '%' => ": there is no percent operator, write `100 * part / total`",
        '&' | '|' => ": there are no logical operators, use `if` or `*` and `+` of comparisons",
        '[' | ']' | '{' | '}' => ": only `(` and `)` group",
        ';' => ": a formula is one expression, separate function arguments with `,`",
        '"' | '\'' | '`' => ": ids are written without quotes",
        '.' => ": write numbers like `0.5`",
        _ => "",
    };
    if c.is_control() {
        format!("unexpected character {:?}{hint}", c)
    } else {
        format!("unexpected character `{c}`{hint}")
    }
}

/// Whether `literal` is `digits [. digits] [e [+-] digits]`.
fn well_formed(literal: &str) -> bool {
    let bytes = literal.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let from = *i;
        while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > from
    };
    let mut valid = digits(&mut i);
    if valid && bytes.get(i) == Some(&b'.') {
        i += 1;
        valid = digits(&mut i);
    }
    if valid && matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        valid = digits(&mut i);
    }
    valid && i == bytes.len()
}

/// Checks a number literal and converts it.
fn number(literal: &str, span: Span) -> Result<f64, ParseError> {
    if !well_formed(literal) {
        let trimmed = literal.trim_end_matches('.');
        let hint = if literal.starts_with('.') && well_formed(&format!("0{literal}")) {
            format!("write `0{literal}`")
        } else if trimmed.len() + 1 == literal.len() && well_formed(trimmed) {
            format!("write `{trimmed}` or `{literal}0`")
        } else {
            "write numbers like `12`, `0.5`, `1e3` or `2.5e-3`".to_owned()
        };
        return Err(ParseError::new(
            span,
            format!("invalid number `{literal}`: {hint}"),
        ));
    }
    match literal.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(ParseError::new(
            span,
            format!("number `{literal}` is too large"),
        )),
    }
}
