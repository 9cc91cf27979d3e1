//! Terminal output: aligned tables, colour on a terminal and plain text when
//! piped (anstream strips the styles), and the status colours.

use std::io::Write as _;

use anstyle::{AnsiColor, Style};
use clause9_core::evaluation::Status;
use clause9_core::schedule::CollectionState;

pub(crate) const BOLD: Style = Style::new().bold();
pub(crate) const DIM: Style = Style::new().dimmed();

pub(crate) fn status_style(status: Status) -> Style {
    match status {
        Status::Green => AnsiColor::Green.on_default().bold(),
        Status::Amber => AnsiColor::Yellow.on_default().bold(),
        Status::Red => AnsiColor::Red.on_default().bold(),
        Status::NoData => DIM,
    }
}

pub(crate) fn state_style(state: CollectionState) -> Style {
    match state {
        CollectionState::Collected => AnsiColor::Green.on_default(),
        CollectionState::Open => DIM,
        CollectionState::Due => AnsiColor::Yellow.on_default(),
        CollectionState::Overdue => AnsiColor::Red.on_default().bold(),
    }
}

/// A cell: its text and an optional style.
pub(crate) struct Cell {
    pub text: String,
    pub style: Style,
}

impl<T: Into<String>> From<T> for Cell {
    fn from(t: T) -> Self {
        Cell {
            text: t.into(),
            style: Style::new(),
        }
    }
}

pub(crate) fn styled(text: impl Into<String>, style: Style) -> Cell {
    Cell {
        text: text.into(),
        style,
    }
}

/// While set, `say` and `table` print nothing: the demo runs commands whose
/// lines would drown its own summary.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub(crate) fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

/// Prints rows under a header, columns padded to their widest cell.
pub(crate) fn table(header: &[&str], rows: Vec<Vec<Cell>>) {
    if quiet() {
        return;
    }
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (i, c) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.text.chars().count());
            }
        }
    }
    let mut out = anstream::stdout().lock();
    let line = |cells: Vec<Cell>| -> String {
        let last = cells.len().saturating_sub(1);
        cells
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = if i == last {
                    0
                } else {
                    widths[i].saturating_sub(c.text.chars().count())
                };
                format!(
                    "{}{}{}{}",
                    c.style.render(),
                    c.text,
                    c.style.render_reset(),
                    " ".repeat(pad)
                )
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let head = header.iter().map(|h| styled(*h, BOLD)).collect();
    let _ = writeln!(out, "{}", line(head).trim_end());
    for row in rows {
        let _ = writeln!(out, "{}", line(row).trim_end());
    }
}

/// Prints a line to standard output with anstream's terminal detection.
pub(crate) fn say(text: impl AsRef<str>) {
    if quiet() {
        return;
    }
    let _ = writeln!(anstream::stdout().lock(), "{}", text.as_ref());
}

/// Prints a line to standard error (notes that are not the command's output).
pub(crate) fn note(text: impl AsRef<str>) {
    let _ = writeln!(anstream::stderr().lock(), "{}", text.as_ref());
}

/// Formats a number for people: up to 2 decimals, no trailing zeros.
pub(crate) fn number(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// Prints pretty JSON to standard output.
pub(crate) fn json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    say(text);
    Ok(())
}
