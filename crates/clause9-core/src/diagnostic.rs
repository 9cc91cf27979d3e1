//! Problems found in programme files, with their position: printed as
//! `PATH:LINE:COLUMN: message`.

use std::fmt;
use std::ops::Range;

/// One programme file handed to the loader (the caller does the reading).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as shown to the user, relative to the programme directory.
    pub path: String,
    pub text: String,
}

/// A problem in a programme file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.column, self.message
        )
    }
}

/// Turns byte offsets of one file into line and column numbers.
pub struct Position<'a> {
    pub path: &'a str,
    pub text: &'a str,
}

impl Position<'_> {
    /// Line and column (both 1-based, column in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = self.text[line_start..offset].chars().count() + 1;
        (line, column)
    }

    pub fn diagnostic(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        let (line, column) = self.line_column(span.start);
        Diagnostic {
            path: self.path.to_string(),
            line,
            column,
            message: message.into(),
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column() {
        let p = Position {
            path: "x.toml",
            text: "a = 1\nbé = \"x\"\n",
        };
        assert_eq!(p.line_column(0), (1, 1));
        assert_eq!(p.line_column(6), (2, 1));
        // after the two-byte `é`, the `=` is the 4th character of line 2
        assert_eq!(p.line_column(10), (2, 4));
        assert_eq!(p.line_column(999), (3, 1));
        assert_eq!(p.diagnostic(6..7, "bad").to_string(), "x.toml:2:1: bad");
    }
}
