//! The Pratt parser: tokens to a syntax tree, with positioned, lowercase error messages.

use super::ast::{BinOp, Expr, Func, Node};
use super::eval::round_digits;
use super::lexer::{Tok, Token, tokenize};
use super::{FUNCTIONS, MAX_NESTING, MAX_TREE_DEPTH, ParseError, Span, line_column_of};

/// The binding power of the operand of a unary `-` or `+`: tighter than `*`,
/// looser than `^`, so `-2^2` is `-(2^2)`.
const UNARY_BP: u8 = 7;

/// A binary operator with its left and right binding powers.
fn binary(tok: Tok) -> Option<(BinOp, u8, u8)> {
    Some(match tok {
        Tok::Lt => (BinOp::Lt, 1, 2),
        Tok::Le => (BinOp::Le, 1, 2),
        Tok::Gt => (BinOp::Gt, 1, 2),
        Tok::Ge => (BinOp::Ge, 1, 2),
        Tok::EqEq => (BinOp::Eq, 1, 2),
        Tok::Ne => (BinOp::Ne, 1, 2),
        Tok::Plus => (BinOp::Add, 3, 4),
        Tok::Minus => (BinOp::Sub, 3, 4),
        Tok::Star => (BinOp::Mul, 5, 6),
        Tok::Slash => (BinOp::Div, 5, 6),
        // Right-associative: the right operand may contain another `^`.
        Tok::Caret => (BinOp::Pow, 10, 9),
        _ => return None,
    })
}

const OPERAND: &str = "a number, an id, `(` or `-`";

/// Parses `text`; returns the tree and every id use in source order.
pub(crate) fn parse(text: &str) -> Result<(Node, Vec<(String, Span)>), ParseError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        text,
        tokens,
        pos: 0,
        identifiers: Vec::new(),
    };
    let root = parser.expr(0, 0)?;
    let t = parser.peek();
    match t.tok {
        Tok::Eof => Ok((root, parser.identifiers)),
        Tok::RParen => Err(ParseError::new(
            t.span,
            "unexpected `)`: there is no `(` to close",
        )),
        Tok::Comma => Err(ParseError::new(
            t.span,
            "unexpected `,` outside a function call",
        )),
        _ => Err(parser.after_operand(t, "an operator or the end of the formula")),
    }
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    identifiers: Vec<(String, Span)>,
}

impl Parser<'_> {
    fn eof(&self) -> Token {
        Token {
            tok: Tok::Eof,
            span: Span::new(self.text.len(), self.text.len()),
        }
    }

    fn peek(&self) -> Token {
        self.tokens
            .get(self.pos)
            .copied()
            .unwrap_or_else(|| self.eof())
    }

    fn advance(&mut self) -> Token {
        let t = self.peek();
        if t.tok != Tok::Eof {
            self.pos += 1;
        }
        t
    }

    fn previous(&self) -> Option<Token> {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .copied()
    }

    fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// `column 5` (or `line 2, column 5` in a formula of several lines).
    fn position(&self, span: Span) -> String {
        let (line, column) = line_column_of(self.text, span.start);
        if self.text.contains('\n') {
            format!("line {line}, column {column}")
        } else {
            format!("column {column}")
        }
    }

    fn describe(&self, t: Token) -> String {
        match t.tok {
            Tok::Eof => "the end of the formula".to_owned(),
            _ => format!("`{}`", self.slice(t.span)),
        }
    }

    /// Builds a node, refusing trees deeper than `MAX_TREE_DEPTH`.
    fn node(&self, expr: Expr, span: Span) -> Result<Node, ParseError> {
        let child = |n: &Node| n.depth;
        let below = match &expr {
            Expr::Num(_) | Expr::Var(_) => 0,
            Expr::Neg(x) => child(x),
            Expr::Binary { lhs, rhs, .. } => child(lhs).max(child(rhs)),
            Expr::Apply { arg, .. } => child(arg),
            Expr::Round { value, digits } => child(value).max(digits.as_deref().map_or(0, child)),
            Expr::Extremum { args, .. } => args.iter().map(child).max().unwrap_or(0),
            Expr::If {
                condition,
                then,
                otherwise,
            } => child(condition).max(child(then)).max(child(otherwise)),
        };
        let depth = below + 1;
        if depth > MAX_TREE_DEPTH {
            return Err(ParseError::new(
                span,
                format!(
                    "the formula is too long: more than {MAX_TREE_DEPTH} operations in a chain; \
                     split it into several derived measures"
                ),
            ));
        }
        Ok(Node { expr, span, depth })
    }

    /// The error for token `t` where an operator or `expected` should follow an operand.
    fn after_operand(&self, t: Token, expected: &str) -> ParseError {
        if t.tok.starts_operand() {
            ParseError::new(
                t.span,
                format!("missing operator before {}", self.describe(t)),
            )
        } else if t.tok == Tok::Eof {
            ParseError::new(
                t.span,
                format!("unexpected end of formula: expected {expected}"),
            )
        } else {
            ParseError::new(
                t.span,
                format!("expected {expected}, found {}", self.describe(t)),
            )
        }
    }

    /// The error for token `t` where an operand should start.
    fn expected_operand(&self, t: Token) -> ParseError {
        let previous = self.previous();
        let after = previous
            .map(|p| format!(" after {}", self.describe(p)))
            .unwrap_or_default();
        let message = match t.tok {
            Tok::Eof if previous.is_none() => format!("empty formula: expected {OPERAND}"),
            Tok::Eof => format!("unexpected end of formula{after}: expected {OPERAND}"),
            _ => format!("expected {OPERAND}{after}, found {}", self.describe(t)),
        };
        ParseError::new(t.span, message)
    }

    /// An expression whose operators all bind at least `min_bp`. `depth`
    /// counts nesting (parentheses, calls, unary operators, `^` operands).
    fn expr(&mut self, min_bp: u8, depth: usize) -> Result<Node, ParseError> {
        if depth > MAX_NESTING {
            return Err(ParseError::new(
                self.peek().span,
                format!(
                    "the formula is nested too deeply: at most {MAX_NESTING} levels of \
                     parentheses, function calls, unary `-` and `^`"
                ),
            ));
        }
        let mut lhs = self.prefix(depth)?;
        let mut compared = false;
        loop {
            let t = self.peek();
            let Some((op, lbp, rbp)) = binary(t.tok) else {
                break;
            };
            if lbp < min_bp {
                break;
            }
            if compared && op.is_comparison() {
                return Err(ParseError::new(
                    t.span,
                    "comparisons cannot be chained: put one in parentheses or use `if`",
                ));
            }
            self.advance();
            let rhs_depth = if op == BinOp::Pow { depth + 1 } else { depth };
            let rhs = self.expr(rbp, rhs_depth)?;
            compared = op.is_comparison();
            let span = lhs.span.join(rhs.span);
            lhs = self.node(
                Expr::Binary {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                },
                span,
            )?;
        }
        Ok(lhs)
    }

    fn prefix(&mut self, depth: usize) -> Result<Node, ParseError> {
        let t = self.peek();
        match t.tok {
            Tok::Num(v) => {
                self.advance();
                self.node(Expr::Num(v), t.span)
            }
            Tok::Ident => {
                self.advance();
                if self.peek().tok == Tok::LParen {
                    return self.call(t, depth);
                }
                let name = self.slice(t.span).to_owned();
                self.identifiers.push((name.clone(), t.span));
                self.node(Expr::Var(name), t.span)
            }
            Tok::LParen => {
                self.advance();
                let mut inner = self.expr(0, depth + 1)?;
                let close = self.peek();
                if close.tok != Tok::RParen {
                    let expected = format!(
                        "`)` to close the `(` at {} of the formula",
                        self.position(t.span)
                    );
                    return Err(self.after_operand(close, &expected));
                }
                self.advance();
                // The parentheses belong to the node: its source text stays balanced.
                inner.span = t.span.join(close.span);
                Ok(inner)
            }
            Tok::Minus | Tok::Plus => {
                self.advance();
                let operand = self.expr(UNARY_BP, depth + 1)?;
                let span = t.span.join(operand.span);
                if t.tok == Tok::Plus {
                    let mut operand = operand;
                    operand.span = span;
                    return Ok(operand);
                }
                self.node(Expr::Neg(Box::new(operand)), span)
            }
            _ => Err(self.expected_operand(t)),
        }
    }

    /// A call; `name` is the id token, the next token is `(`.
    fn call(&mut self, name: Token, depth: usize) -> Result<Node, ParseError> {
        let text = self.slice(name.span).to_owned();
        let Some(func) = Func::from_name(&text) else {
            let lower = text.to_ascii_lowercase();
            let message = if Func::from_name(&lower).is_some() {
                format!("unknown function `{text}`: function names are lowercase, write `{lower}`")
            } else if let Some((last, rest)) = FUNCTIONS.split_last() {
                format!(
                    "unknown function `{text}`: use {} or {last}",
                    rest.join(", ")
                )
            } else {
                format!("unknown function `{text}`")
            };
            return Err(ParseError::new(name.span, message));
        };
        self.advance(); // `(`
        let mut args = Vec::new();
        if self.peek().tok != Tok::RParen {
            loop {
                let t = self.peek();
                if matches!(t.tok, Tok::Comma | Tok::RParen) {
                    return Err(ParseError::new(
                        t.span,
                        format!("empty argument in the call to `{text}`: expected {OPERAND}"),
                    ));
                }
                args.push(self.expr(0, depth + 1)?);
                let t = self.peek();
                match t.tok {
                    Tok::Comma => {
                        self.advance();
                    }
                    Tok::RParen => break,
                    _ => {
                        let expected = format!(
                            "`,` or `)` to close the call to `{text}` at {} of the formula",
                            self.position(name.span)
                        );
                        return Err(self.after_operand(t, &expected));
                    }
                }
            }
        }
        let close = self.advance(); // `)`
        let span = name.span.join(close.span);
        let count = args.len();
        let arity_error = |expected: &str| {
            ParseError::new(span, format!("`{text}` takes {expected}, got {count}"))
        };
        func.check_arity(count).map_err(arity_error)?;
        let expr = match func {
            Func::Min => Expr::Extremum { max: false, args },
            Func::Max => Expr::Extremum { max: true, args },
            _ => {
                let mut it = args.into_iter().map(Box::new);
                match (func, it.next(), it.next(), it.next(), it.next()) {
                    (Func::One(func), Some(arg), None, None, None) => Expr::Apply { func, arg },
                    (Func::Round, Some(value), digits, None, None) => {
                        if let Some(d) = digits.as_deref() {
                            check_literal_digits(d)?;
                        }
                        Expr::Round { value, digits }
                    }
                    (Func::If, Some(condition), Some(then), Some(otherwise), None) => Expr::If {
                        condition,
                        then,
                        otherwise,
                    },
                    // Unreachable after `check_arity`, but never panic.
                    _ => return Err(arity_error("a different number of arguments")),
                }
            }
        };
        self.node(expr, span)
    }
}

/// Refuses `round(x, 16)`, `round(x, -1)` or `round(x, 1.5)` when the digits are a literal.
fn check_literal_digits(digits: &Node) -> Result<(), ParseError> {
    let value = match &digits.expr {
        Expr::Num(v) => *v,
        Expr::Neg(inner) => match inner.expr {
            Expr::Num(v) => -v,
            _ => return Ok(()),
        },
        _ => return Ok(()),
    };
    if round_digits(value).is_some() {
        Ok(())
    } else {
        Err(ParseError::new(
            digits.span,
            format!(
                "`round` takes a whole number of digits from 0 to 15, got {}",
                value + 0.0
            ),
        ))
    }
}
