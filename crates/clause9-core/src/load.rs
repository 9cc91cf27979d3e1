//! Loads a programme from its files' contents (the caller reads them): parses
//! TOML with positions, reads every construct, checks every reference, and
//! returns either a `Programme` or every problem found, across all files.

mod formulas;
mod measure;
mod platform;
mod reader;
pub mod registers;
mod settings;

use std::collections::BTreeMap;

use toml::de::DeTable;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::programme::Programme;
use reader::Sink;

/// Loads `clause9.toml` and the measure files. On any problem, returns all of
/// them sorted by file and position; one broken file never hides the others.
pub fn load(
    settings_file: &SourceFile,
    measure_files: &[SourceFile],
) -> Result<Programme, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();

    let mut sink = Sink::new(&settings_file.path, &settings_file.text);
    let doc = parse_toml(&mut sink);
    let syntax_errors = sink.diagnostics.len();
    let loaded = settings::read_settings(&doc, &mut sink);
    for p in &loaded.person_refs {
        if !loaded.settings.people.contains_key(&p.value) {
            let known: Vec<&str> = loaded.settings.people.keys().map(String::as_str).collect();
            let hint = match crate::ids::suggest(&p.value, known.iter().copied()) {
                Some(s) => format!(" (did you mean `{s}`?)"),
                None => String::from(": add it under [people]"),
            };
            sink.error(
                p.span.clone(),
                format!("unknown person `{}`{hint}", p.value),
            );
        }
    }
    if syntax_errors > 0 {
        // what follows a syntax error is read from a partial recovery: only the
        // syntax errors are certain
        sink.diagnostics.truncate(syntax_errors);
    }
    diagnostics.append(&mut sink.diagnostics);
    let settings = loaded.settings;

    let mut measures = Vec::new();
    let mut first_seen: BTreeMap<String, Diagnostic> = BTreeMap::new();
    for file in measure_files {
        let mut sink = Sink::new(&file.path, &file.text);
        let doc = parse_toml(&mut sink);
        if !sink.diagnostics.is_empty() {
            diagnostics.append(&mut sink.diagnostics);
            continue;
        }
        if let Some((m, id_span)) = measure::read_measure(&doc, &mut sink, &settings, &file.path) {
            let here = sink.position.diagnostic(id_span, "");
            match first_seen.get(&m.id) {
                Some(first) => sink.diagnostics.push(Diagnostic {
                    message: format!(
                        "duplicate measure id `{}`: already defined at {}:{}:{}",
                        m.id, first.path, first.line, first.column
                    ),
                    ..here
                }),
                None => {
                    first_seen.insert(m.id.clone(), here);
                    measures.push(m);
                }
            }
        }
        diagnostics.append(&mut sink.diagnostics);
    }

    if diagnostics.is_empty() {
        measures.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Programme { settings, measures })
    } else {
        diagnostics.sort();
        diagnostics.dedup();
        Err(diagnostics)
    }
}

/// Parses TOML, reporting syntax errors and returning what could be recovered.
fn parse_toml<'i>(sink: &mut Sink<'i>) -> toml::Spanned<DeTable<'i>> {
    let (doc, errors) = DeTable::parse_recoverable(sink.position.text);
    for e in errors {
        let span = e.span().unwrap_or(0..0);
        sink.error(span, format!("TOML syntax: {}", e.message().trim()));
    }
    doc
}
