//! `clause9 import [DIR] FILE.csv`: manual values in bulk, all or nothing.
//! Columns `measure,period,base,value,evidence` and an optional `reason`
//! (which makes a row correct an already stored value). One bad row rejects
//! the whole file, naming the row and the reason; nothing is stored.

use std::collections::HashMap;
use std::path::Path;

use clause9_app::records::RecordError;
use clause9_app::values::Given;
use clause9_core::observation::{Method, NewObservation};
use clause9_core::period::Period;
use clause9_core::record::{ManualEntry, check_manual};

use crate::cli::StoreArgs;
use crate::commands::record::recorder;
use crate::context::{load_programme, open_store, split_dir, today};
use crate::error::{CliError, CliResult};
use crate::evidence::{self, Resolved};
use crate::output::say;

const COLUMNS: [&str; 6] = ["measure", "period", "base", "value", "evidence", "reason"];

struct Row {
    line: u64,
    measure: String,
    period: Period,
    base: String,
    value: f64,
    evidence: Resolved,
    reason: Option<String>,
}

pub(super) async fn run(args: &[String], by: Option<&str>, store_args: &StoreArgs) -> CliResult {
    let (dir, rest) = split_dir(args, 1);
    let file = Path::new(rest.first().map(String::as_str).unwrap_or_default());
    let programme = load_programme(&dir)?;
    let recorded_by = recorder(&programme, by)?;
    let name = file.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(file)
        .map_err(|e| CliError::invalid(format!("{name}: cannot read: {e}")))?;
    let headers = reader
        .headers()
        .map_err(|e| CliError::invalid(format!("{name}:1: bad header: {e}")))?
        .clone();
    let col = |c: &str| headers.iter().position(|h| h == c);
    let mut problems = Vec::new();
    for h in headers.iter().filter(|h| !COLUMNS.contains(h)) {
        problems.push(format!(
            "{name}:1: unknown column `{h}`: the columns are {}",
            COLUMNS.join(", ")
        ));
    }
    for required in &COLUMNS[..4] {
        if col(required).is_none() {
            problems.push(format!("{name}:1: missing column `{required}`"));
        }
    }
    if !problems.is_empty() {
        return Err(CliError::Invalid(problems));
    }
    let csv_dir = file.parent().filter(|p| !p.as_os_str().is_empty());
    let today = today(&programme);
    let mut rows: Vec<Row> = Vec::new();
    let mut seen: HashMap<(String, String, Period), u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(format!("{name}:{line}: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let field = |c: &str| col(c).and_then(|i| record.get(i)).unwrap_or("").to_string();
        let at = |msg: String| format!("{name}:{line}: {msg}");
        let period = match field("period").parse::<Period>() {
            Ok(p) => p,
            Err(e) => {
                problems.push(at(e.to_string()));
                continue;
            }
        };
        let value = match field("value").parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                problems.push(at(format!("`{}` is not a number", field("value"))));
                continue;
            }
        };
        let (measure, base, evidence_arg, reason) = (
            field("measure"),
            field("base"),
            field("evidence"),
            field("reason"),
        );
        let values = [(base.clone(), value)];
        let entry = ManualEntry {
            measure: &measure,
            period,
            values: &values,
            has_evidence: !evidence_arg.is_empty(),
            today,
        };
        if let Err(errs) = check_manual(&programme, &entry) {
            problems.extend(errs.into_iter().map(&at));
            continue;
        }
        if let Some(first) = seen.insert((measure.clone(), base.clone(), period), line) {
            problems.push(at(format!(
                "{measure} {base} {period} is already given on line {first}"
            )));
            continue;
        }
        let evidence = if evidence_arg.is_empty() {
            Resolved::none()
        } else {
            match evidence::resolve(&dir, csv_dir, &evidence_arg) {
                Ok(r) => r,
                Err(CliError::Invalid(msgs)) => {
                    problems.extend(msgs.into_iter().map(&at));
                    continue;
                }
                Err(e) => return Err(e),
            }
        };
        let reason = (!reason.is_empty()).then_some(reason);
        rows.push(Row {
            line,
            measure,
            period,
            base,
            value,
            evidence,
            reason,
        });
    }
    if !problems.is_empty() {
        problems.push(format!(
            "{name}: nothing was imported; fix the rows above and import the file again"
        ));
        return Err(CliError::Invalid(problems));
    }

    let store = open_store(&dir, store_args).await?;
    let recorded_at = crate::context::now(&programme);
    let given = rows
        .iter()
        .map(|row| Given {
            value: NewObservation {
                measure: row.measure.clone(),
                base: row.base.clone(),
                period: row.period,
                value: Some(row.value),
                definition_version: programme.measure(&row.measure).map_or(1, |m| m.version),
                recorded_by: recorded_by.clone(),
                recorded_at,
                method: Method::Import,
                evidence: row.evidence.evidence.clone(),
                provenance: Some(serde_json::json!({ "import": name, "line": row.line })),
                supersedes: None,
                reason: row.reason.clone(),
            },
            place: Some(format!("{name}:{}", row.line)),
        })
        .collect();
    let recorded = match clause9_app::values::record(store.as_ref(), given).await {
        Ok(r) => r,
        Err(RecordError::Refused(r)) => {
            let mut lines: Vec<String> = (r.problems.iter())
                .map(|p| format!("{} (in a `reason` column)", p.detail))
                .collect();
            lines.push(format!("{name}: nothing was imported"));
            return Err(CliError::Invalid(lines));
        }
        Err(e) => return Err(e.into()),
    };
    let (stored, unchanged) = (recorded.stored, recorded.unchanged.len());
    for row in &rows {
        row.evidence.keep(&dir)?;
    }
    let corrected = stored.iter().filter(|o| o.new.supersedes.is_some()).count();
    say(format!(
        "imported {name}: {} values stored ({corrected} corrections), {unchanged} unchanged",
        stored.len()
    ));
    Ok(())
}
