//! `clause9 record [DIR] MEASURE --period P BASE=VALUE… [--evidence FILE_OR_URL]`:
//! stores manual base values, all or nothing. A value that is already stored
//! is only replaced by a correction (`--reason`), which keeps the old one.

use std::path::Path;

use clause9_app::records::Actor;
use clause9_app::values::{self, Entry};
use clause9_core::Programme;
use clause9_core::period::Period;

use crate::cli::StoreArgs;
use crate::context::{load_programme, open_store, parse_period, today};
use crate::error::{CliError, CliResult};
use crate::evidence;
use crate::output::{number, say};

pub(crate) async fn run(
    args: &[String],
    period: &str,
    evidence_arg: Option<&str>,
    reason: Option<&str>,
    by: Option<&str>,
    store_args: &StoreArgs,
) -> CliResult {
    let (dir, measure_id, pairs) = split_args(args)?;
    let programme = load_programme(&dir)?;
    let period = parse_period(period)?;
    let values = parse_pairs(pairs)?;
    let recorded_by = recorder(&programme, by)?;
    if reason.is_some_and(|r| r.trim().is_empty()) {
        return Err(CliError::invalid(
            "--reason must say why the value is corrected",
        ));
    }
    let resolved = match evidence_arg {
        Some(e) => evidence::resolve(&dir, None, e)?,
        None => evidence::Resolved::none(),
    };
    let store = open_store(&dir, store_args).await?;
    let actor = Actor::local(
        &recorded_by,
        today(&programme),
        crate::context::now(&programme),
    );
    let entry = Entry {
        measure: &measure_id,
        period,
        values: &values,
        evidence: resolved.evidence.clone(),
        reason: reason.map(str::to_string),
        provenance: None,
    };
    let recorded = values::record_entry(store.as_ref(), &programme, &actor, entry).await?;
    if !recorded.stored.is_empty() {
        resolved.keep(&dir)?;
    }
    let unchanged: Vec<String> = (recorded.unchanged.into_iter())
        .map(|(_, base, _)| base)
        .collect();
    report(&measure_id, period, &recorded.stored, &unchanged);
    Ok(())
}

fn report(
    measure: &str,
    period: Period,
    stored: &[clause9_core::observation::Observation],
    unchanged: &[String],
) {
    for o in stored {
        let what = if o.new.supersedes.is_some() {
            "corrected"
        } else {
            "stored"
        };
        let evidence = match (
            &o.new.evidence.name,
            &o.new.evidence.sha256,
            &o.new.evidence.url,
        ) {
            (Some(n), Some(h), _) => format!(" (evidence {n}, sha256 {})", &h[..12.min(h.len())]),
            (_, _, Some(u)) => format!(" (evidence {u})"),
            _ => String::new(),
        };
        say(format!(
            "{what} {measure} {period} {} = {} as observation #{}{evidence}",
            o.new.base,
            o.new.value.map_or("no value".into(), number),
            o.id
        ));
    }
    for base in unchanged {
        say(format!(
            "unchanged {measure} {period} {base}: the same value is already stored, nothing new written"
        ));
    }
}

/// `[DIR] MEASURE BASE=VALUE…`: DIR is there when the second argument is not a pair.
fn split_args(args: &[String]) -> CliResult<(std::path::PathBuf, String, &[String])> {
    let is_pair = |s: &String| s.contains('=');
    match args {
        [first, second, rest @ ..] if !is_pair(first) && !is_pair(second) => {
            Ok((Path::new(first).to_path_buf(), second.clone(), rest))
        }
        [first, rest @ ..] if !is_pair(first) => {
            Ok((Path::new(".").to_path_buf(), first.clone(), rest))
        }
        _ => Err(CliError::invalid(
            "usage: clause9 record [DIR] MEASURE --period P BASE=VALUE… [--evidence FILE_OR_URL]",
        )),
    }
}

fn parse_pairs(pairs: &[String]) -> CliResult<Vec<(String, f64)>> {
    let mut values = Vec::new();
    let mut problems = Vec::new();
    for p in pairs {
        match p.split_once('=') {
            Some((base, value)) if !base.is_empty() => match value.trim().parse::<f64>() {
                Ok(v) if v.is_finite() => values.push((base.to_string(), v)),
                _ => problems.push(format!("`{p}`: `{value}` is not a number")),
            },
            _ => problems.push(format!("`{p}` is not BASE=VALUE")),
        }
    }
    if problems.is_empty() {
        Ok(values)
    } else {
        Err(CliError::Invalid(problems))
    }
}

/// Who is recording: a known person id, or the local account when none is given.
pub(crate) fn recorder(programme: &Programme, by: Option<&str>) -> CliResult<String> {
    match by {
        Some(id) if programme.settings.people.contains_key(id) => Ok(id.to_string()),
        Some(id) => Err(CliError::invalid(format!(
            "--by / CLAUSE9_PERSON: `{id}` is not a person of this programme (see [people] in clause9.toml)"
        ))),
        None => {
            let user = std::env::var("USER")
                .or_else(|_| std::env::var("USERNAME"))
                .unwrap_or_else(|_| "unknown".into());
            Ok(format!("local:{user}"))
        }
    }
}
