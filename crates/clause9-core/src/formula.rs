//! The formula language of derived measures: parse once, list the ids it uses, evaluate per period.
//!
//! A formula combines numbers and the base and derived measure ids of the same
//! measure, for example `100 * closed_in_sla / closed`.
//!
//! # Grammar
//!
//! ```text
//! formula    = expr EOF
//! expr       = sum [ cmp sum ]              comparisons do not chain: `a < b < c` is refused
//! cmp        = "<" | "<=" | ">" | ">=" | "==" | "!="
//! sum        = product { ("+" | "-") product }
//! product    = unary { ("*" | "/") unary }
//! unary      = ("-" | "+") unary | power
//! power      = atom [ "^" unary ]            right-associative; `-2^2` is `-(2^2)` = -4, `2^-1` = 0.5
//! atom       = number | id | call | "(" expr ")"
//! call       = function "(" expr { "," expr } ")"
//! id         = [A-Za-z_][A-Za-z0-9_]*
//! number     = digits [ "." digits ] [ ("e" | "E") [ "+" | "-" ] digits ]
//! ```
//!
//! Precedence, loosest first: comparisons; `+ -`; `* /`; unary `- +`; `^`.
//!
//! Numbers: `12`, `0.5`, `1e3`, `2.5E-3`. A leading or trailing dot (`.5`, `5.`),
//! several dots (`1.2.3`), letters glued to digits (`2x`) and literals too large
//! for a 64-bit float (`1e400`) are parse errors; `.5` is refused like TOML
//! refuses it, so there is one way to write each number.
//!
//! Functions (names are lowercase; an id followed by `(` is always a call, a
//! function name without `(` is an ordinary id):
//! `min(a, …)`, `max(a, …)` (one or more arguments), `abs(x)`, `round(x)` and
//! `round(x, digits)` (digits a whole number from 0 to 15; half away from
//! zero, decided on the shortest decimal form of `x`, so `round(1.005, 2)` is
//! 1.01 as in a spreadsheet), `floor(x)`, `ceil(x)`, `sqrt(x)`, `ln(x)`,
//! `log10(x)`, `if(condition, then, else)` (condition true when not 0; only the
//! chosen branch is evaluated). An unknown function or a wrong number of
//! arguments is a parse error. Comparisons give 1 (true) or 0 (false) and
//! compare exactly.
//!
//! Evaluation never gives a silent infinity or NaN: a missing input, a division
//! by zero (including `0/0`), a function outside its domain and any non-finite
//! intermediate or input value are [`EvalError`]s. When inputs are missing,
//! that wins over every other error and all missing ids of the evaluated
//! branches are reported.
//!
//! Limits: nesting (parentheses, calls, unary operators, `^` chains) at most
//! [`MAX_NESTING`] levels, and the syntax tree at most [`MAX_TREE_DEPTH`] levels
//! deep (a sum of more terms than that is refused), so no input can overflow
//! the stack.

mod ast;
mod eval;
mod lexer;
mod parser;
#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

/// How deeply parentheses, calls, unary operators and `^` chains may nest.
pub const MAX_NESTING: usize = 64;

/// How deep the syntax tree may be (bounds long chains like `a + b + c + …`).
pub const MAX_TREE_DEPTH: usize = 512;

/// The functions of the language, in the order error messages list them.
pub const FUNCTIONS: [&str; 10] = [
    "min", "max", "abs", "round", "floor", "ceil", "sqrt", "ln", "log10", "if",
];

/// A byte range `[start, end)` in the formula text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// Why a formula text is not a formula. `Display` gives the message only: the
/// caller adds the position (see [`column_of`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub span: Span,
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(span: Span, message: impl Into<String>) -> ParseError {
        ParseError {
            span,
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// A parsed formula: its source text and syntax tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    text: String,
    root: ast::Node,
    identifiers: Vec<(String, Span)>,
}

impl Formula {
    /// Parses a formula; the error points at the offending part of `text`.
    pub fn parse(text: &str) -> Result<Formula, ParseError> {
        let (root, identifiers) = parser::parse(text)?;
        Ok(Formula {
            text: text.to_owned(),
            root,
            identifiers,
        })
    }

    /// The source text, as given to [`Formula::parse`].
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Every id used (not function names), in source order, duplicates kept.
    pub fn identifiers(&self) -> Vec<(String, Span)> {
        self.identifiers.clone()
    }

    /// Evaluates with `inputs` giving the value of each id (`None`: no value).
    pub fn eval(&self, inputs: &dyn Fn(&str) -> Option<f64>) -> Result<f64, EvalError> {
        eval::eval(&self.root, &self.text, inputs)
    }
}

impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Formula {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Formula::parse(s)
    }
}

/// Why a formula has no value.
#[derive(Debug, Clone, PartialEq)]
pub enum EvalError {
    /// These inputs have no value (deduplicated, in source order).
    Missing { ids: Vec<String> },
    /// A divisor is 0; `divisor` is its source text.
    DivisionByZero { divisor: String },
    /// A function (or `^`) got a value outside its domain: `sqrt(-1)`, `ln(0)`,
    /// `(-8)^(1/3)` (the value is the base), `round(x, 16)` (the value is the digits).
    Domain { function: String, value: f64 },
    /// An intermediate result or an input is infinite or not a number.
    NotFinite,
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Missing { ids } => {
                f.write_str("no value for ")?;
                let n = ids.len();
                for (i, id) in ids.iter().enumerate() {
                    if i > 0 {
                        f.write_str(if i + 1 == n { " and " } else { ", " })?;
                    }
                    write!(f, "`{id}`")?;
                }
                Ok(())
            }
            EvalError::DivisionByZero { divisor } => {
                write!(f, "division by zero: `{divisor}` is 0")
            }
            EvalError::Domain { function, value } => {
                // `+ 0.0` turns -0 into 0 for display.
                let value = *value + 0.0;
                match function.as_str() {
                    "^" => write!(
                        f,
                        "`^` of a negative base ({value}) to a fractional power is undefined"
                    ),
                    "round" => write!(
                        f,
                        "`round` takes a whole number of digits from 0 to 15, got {value}"
                    ),
                    _ => write!(f, "`{function}` of {value} is undefined"),
                }
            }
            EvalError::NotFinite => f.write_str("the result is not a finite number"),
        }
    }
}

impl std::error::Error for EvalError {}

/// The 1-based column (in characters, within its line) of byte `offset` in
/// `text`. An offset past the end gives the column just after the last
/// character; one inside a character counts as that character.
pub fn column_of(text: &str, offset: usize) -> usize {
    line_column_of(text, offset).1
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_column_of(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).unwrap_or("").chars().count() + 1;
    (line, column)
}
