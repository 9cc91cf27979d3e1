//! A reader over one parsed TOML table that keeps source positions, collects
//! every problem instead of stopping at the first, and reports unknown keys.

use std::collections::BTreeSet;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, Position};
use crate::ids::suggest;

/// A string value with the byte span of its TOML literal.
#[derive(Debug, Clone)]
pub(super) struct Located<T> {
    pub value: T,
    pub span: Range<usize>,
}

/// Where diagnostics of one file go.
pub(super) struct Sink<'a> {
    pub position: Position<'a>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Sink<'a> {
    pub(super) fn new(path: &'a str, text: &'a str) -> Self {
        Sink {
            position: Position { path, text },
            diagnostics: Vec::new(),
        }
    }

    pub(super) fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        let d = self.position.diagnostic(span, message);
        self.diagnostics.push(d);
    }
}

/// Reads the keys of one table; `finish` reports the keys nobody asked for.
pub(super) struct TableReader<'t, 'i> {
    /// How the table is named in messages, e.g. `[programme]` or `[[base]] #2`.
    pub name: String,
    pub span: Range<usize>,
    table: &'t DeTable<'i>,
    seen: BTreeSet<String>,
}

fn describe(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

impl<'t, 'i> TableReader<'t, 'i> {
    pub(super) fn new(name: impl Into<String>, table: &'t Spanned<DeTable<'i>>) -> Self {
        Self::over(name, table.get_ref(), table.span())
    }

    pub(super) fn over(
        name: impl Into<String>,
        table: &'t DeTable<'i>,
        span: Range<usize>,
    ) -> Self {
        TableReader {
            name: name.into(),
            span,
            table,
            seen: BTreeSet::new(),
        }
    }

    /// Every key of the table with its span, in source order.
    pub(super) fn entries(
        &self,
    ) -> impl Iterator<Item = (&'t str, Range<usize>, &'t Spanned<DeValue<'i>>)> {
        self.table
            .iter()
            .map(|(k, v)| (k.get_ref().as_ref(), k.span(), v))
    }

    /// The raw value of a key, marking it as known.
    pub(super) fn raw(&mut self, key: &str) -> Option<&'t Spanned<DeValue<'i>>> {
        self.seen.insert(key.to_string());
        self.table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| v)
    }

    fn wrong_type(&self, sink: &mut Sink, key: &str, v: &Spanned<DeValue>, want: &str) {
        sink.error(
            v.span(),
            format!(
                "`{key}` in {} must be {want}, not {}",
                self.name,
                describe(v.get_ref())
            ),
        );
    }

    /// A missing required key is reported at the table's start.
    pub(super) fn missing(&self, sink: &mut Sink, key: &str, hint: &str) {
        let hint = if hint.is_empty() {
            String::new()
        } else {
            format!(": {hint}")
        };
        sink.error(
            self.span.clone(),
            format!("{} is missing `{key}`{hint}", self.name),
        );
    }

    pub(super) fn string(&mut self, sink: &mut Sink, key: &str) -> Option<Located<String>> {
        let v = self.raw(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some(Located {
                value: s.to_string(),
                span: v.span(),
            }),
            _ => {
                self.wrong_type(sink, key, v, "a string");
                None
            }
        }
    }

    pub(super) fn required_string(
        &mut self,
        sink: &mut Sink,
        key: &str,
        hint: &str,
    ) -> Option<Located<String>> {
        if self.raw(key).is_none() {
            self.missing(sink, key, hint);
            return None;
        }
        self.string(sink, key)
    }

    pub(super) fn integer(&mut self, sink: &mut Sink, key: &str) -> Option<Located<i64>> {
        let v = self.raw(key)?;
        match v.get_ref() {
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => Some(Located {
                    value: n,
                    span: v.span(),
                }),
                Err(_) => {
                    sink.error(v.span(), format!("`{key}` in {} is too large", self.name));
                    None
                }
            },
            _ => {
                self.wrong_type(sink, key, v, "an integer");
                None
            }
        }
    }

    /// An integer or a float; never NaN or infinite.
    pub(super) fn number(&mut self, sink: &mut Sink, key: &str) -> Option<Located<f64>> {
        let v = self.raw(key)?;
        let n = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
            _ => {
                self.wrong_type(sink, key, v, "a number");
                return None;
            }
        };
        match n {
            Some(n) if n.is_finite() => Some(Located {
                value: n,
                span: v.span(),
            }),
            _ => {
                sink.error(
                    v.span(),
                    format!("`{key}` in {} must be a finite number", self.name),
                );
                None
            }
        }
    }

    /// A list of strings; a lone string is refused with a hint to use a list.
    pub(super) fn strings(&mut self, sink: &mut Sink, key: &str) -> Option<Vec<Located<String>>> {
        let v = self.raw(key)?;
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(sink, key, v, "a list of strings, such as [\"a\", \"b\"]");
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push(Located {
                    value: s.to_string(),
                    span: item.span(),
                }),
                other => sink.error(
                    item.span(),
                    format!(
                        "`{key}` in {} must hold strings, not {}",
                        self.name,
                        describe(other)
                    ),
                ),
            }
        }
        Some(out)
    }

    /// A sub-table (`[a.b]` or an inline table).
    pub(super) fn table(
        &mut self,
        sink: &mut Sink,
        key: &str,
    ) -> Option<(&'t DeTable<'i>, Range<usize>)> {
        let v = self.raw(key)?;
        match v.get_ref() {
            DeValue::Table(t) => Some((t, v.span())),
            _ => {
                self.wrong_type(sink, key, v, "a table");
                None
            }
        }
    }

    /// An array of tables (`[[base]]`).
    pub(super) fn tables(
        &mut self,
        sink: &mut Sink,
        key: &str,
    ) -> Vec<(&'t DeTable<'i>, Range<usize>)> {
        let Some(v) = self.raw(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(sink, key, v, &format!("an array of tables ([[{key}]])"));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::Table(t) => out.push((t, item.span())),
                other => sink.error(
                    item.span(),
                    format!(
                        "each `{key}` entry must be a table, not {}",
                        describe(other)
                    ),
                ),
            }
        }
        out
    }

    /// Reports every key that was never read, suggesting a close known one.
    pub(super) fn finish(self, sink: &mut Sink, known: &[&str]) {
        for (key, span, _) in self.entries() {
            if !self.seen.contains(key) {
                let hint = match suggest(key, known.iter().copied()) {
                    Some(s) => format!(" (did you mean `{s}`?)"),
                    None => format!("; known keys: {}", known.join(", ")),
                };
                sink.error(span, format!("unknown key `{key}` in {}{hint}", self.name));
            }
        }
    }
}
