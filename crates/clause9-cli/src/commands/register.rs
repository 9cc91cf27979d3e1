//! `clause9 register import [DIR] KIND FILE.csv`: appends the rows of a CSV
//! file to a register file, all or nothing; a bad row is named with its reason.

use std::path::Path;

use clause9_core::SourceFile;
use clause9_core::load::registers::load_registers;
use clause9_core::registers::csv::{KINDS, kind, row_of, to_toml};

use crate::context::{load_programme, split_dir};
use crate::error::{CliError, CliResult};
use crate::output::say;
use crate::registers::{file_of, read_register_files};

pub(super) fn import(args: &[String]) -> CliResult {
    let (dir, rest) = split_dir(args, 2);
    let (kind_name, csv_path) = (&rest[0], Path::new(&rest[1]));
    let Some(kind) = kind(kind_name) else {
        let names: Vec<&str> = KINDS.iter().map(|k| k.name).collect();
        return Err(CliError::invalid(format!(
            "unknown register `{kind_name}`: use one of {}",
            names.join(", ")
        )));
    };
    let programme = load_programme(&dir)?;
    let name = csv_path.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(csv_path)
        .map_err(|e| CliError::invalid(format!("{name}: cannot read: {e}")))?;
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record =
            record.map_err(|e| CliError::invalid(format!("{name}: row {}: {e}", i + 1)))?;
        rows.push(record.iter().map(String::from).collect::<Vec<_>>());
    }
    let (text, starts) = to_toml(kind, &rows).map_err(|errors| {
        CliError::Invalid(errors.into_iter().map(|e| format!("{name}: {e}")).collect())
    })?;

    let target = file_of(&dir, kind.file);
    let mut files = read_register_files(&dir)?;
    let target_text = target.display().to_string();
    let existing = files.iter().position(|f| f.path == target_text);
    let before = existing.map_or(String::new(), |i| files[i].text.clone());
    let offset =
        before.matches('\n').count() + usize::from(!before.is_empty() && !before.ends_with('\n'));
    let separator = if before.is_empty() || before.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    let combined = format!("{before}{separator}{text}");
    let file = SourceFile {
        path: target_text.clone(),
        text: combined.clone(),
    };
    match existing {
        Some(i) => files[i] = file,
        None => files.push(file),
    }
    if let Err(diagnostics) = load_registers(&files, &programme) {
        let lines = diagnostics
            .into_iter()
            .map(|d| {
                let row = (d.path == target_text && d.line > offset)
                    .then(|| row_of(&starts, d.line - offset))
                    .flatten();
                match row {
                    Some(row) => format!("{name}: row {row}: {}", d.message),
                    None => d.to_string(),
                }
            })
            .collect();
        return Err(CliError::Invalid(lines));
    }
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(&target, combined)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", target.display()))?;
    say(format!(
        "{} {} rows added to {}",
        starts.len(),
        kind.name,
        target.display()
    ));
    Ok(())
}
