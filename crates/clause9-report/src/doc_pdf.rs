//! PDF of the workflow documents (audit reports, checklists, management
//! review packs and minutes): a `clause9_core::doc::Doc` typeset by typst in
//! process, with the same embedded fonts and page style as the performance
//! report. Every piece of text is a typst string literal, never markup.

use std::fmt::Write as _;

use clause9_core::doc::{Block, Doc};

use crate::ReportError;
use crate::pdf::{heading, para, s, table, typeset};

/// The typst source of `doc`.
pub fn source(doc: &Doc) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "#set document(title: {})\n#set page(paper: \"a4\", margin: 18mm, numbering: \"1 / 1\")\n#set text(font: \"Libertinus Serif\", size: 10pt, lang: \"en\")",
        s(&doc.title)
    );
    heading(&mut o, 1, &doc.title);
    for b in &doc.blocks {
        match b {
            Block::Heading(level, text) => heading(&mut o, (*level).clamp(2, 6), text),
            Block::Paragraph(text) => para(&mut o, text),
            Block::List(items) => {
                if !items.is_empty() {
                    let _ = writeln!(
                        o,
                        "#list({})",
                        items.iter().map(|i| s(i)).collect::<Vec<_>>().join(", ")
                    );
                }
            }
            Block::Table(header, _) if header.is_empty() => {}
            Block::Table(header, rows) => {
                let header: Vec<&str> = header.iter().map(String::as_str).collect();
                // A short row is padded so typst's cell count stays whole.
                let rows: Vec<Vec<String>> = rows
                    .iter()
                    .map(|r| {
                        let mut r = r.clone();
                        r.resize(header.len(), String::new());
                        r.truncate(header.len());
                        r
                    })
                    .collect();
                table(&mut o, &header, &rows);
            }
        }
    }
    o
}

/// Typesets `doc` as PDF bytes (the same document gives the same bytes).
pub fn render(doc: &Doc) -> Result<Vec<u8>, ReportError> {
    typeset(source(doc), format!("clause9 {}", doc.title))
}
