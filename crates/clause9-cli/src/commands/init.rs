//! `clause9 init [DIR] [--library]`: writes the starter programme with sample
//! values already recorded (so `evaluate` shows real statuses at once), or the
//! measure library.

use clause9_app::values::Given;
use std::path::Path;

use anyhow::Context as _;
use clause9_core::Programme;
use clause9_core::observation::{Method, NewObservation};
use clause9_core::period::{Frequency, Period};
use jiff::ToSpan;

use crate::cli::StoreArgs;
use crate::context::{load_programme, open_store, today};
use crate::error::{CliError, CliResult};
use crate::evidence;
use crate::output::say;
use crate::starter::{self, Shipped};

pub(super) async fn run(dir: &Path, library: bool, store_args: &StoreArgs) -> CliResult {
    if dir.join("clause9.toml").exists() {
        return Err(CliError::invalid(format!(
            "{} already holds a programme (clause9.toml exists); choose an empty directory",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let which = if library {
        Shipped::Library
    } else {
        Shipped::Starter
    };
    let files = starter::write(which, dir)?;
    if !library {
        let shipped = load_programme(dir)?;
        starter::start_months_back(dir, today(&shipped), 11)?;
    }
    let programme = load_programme(dir)?;
    if library {
        say(format!(
            "wrote the measure library to {} ({files} files, {} measures); edit clause9.toml's people, objectives and areas, then `clause9 validate {}`",
            dir.display(),
            programme.measures.len(),
            dir.display()
        ));
        return Ok(());
    }
    let batch = sample_values(dir, &programme)?;
    let store = open_store(dir, store_args).await?;
    let given = batch.into_iter().map(Given::from).collect();
    let stored = clause9_app::values::record(store.as_ref(), given)
        .await?
        .stored;
    say(format!(
        "wrote a starter programme to {} ({} measures) and recorded {} sample values with their evidence",
        dir.display(),
        programme.measures.len(),
        stored.len()
    ));
    say(format!("next: clause9 evaluate {}", dir.display()));
    Ok(())
}

/// The starter's sample values, dated relative to the current month.
fn sample_values(dir: &Path, programme: &Programme) -> CliResult<Vec<NewObservation>> {
    let today = today(programme);
    let this_month = Period::containing(Frequency::Monthly, today);
    let now = crate::context::now(programme);
    let tz = &programme.settings.timezone;
    let mut reader = csv::Reader::from_reader(starter::samples().as_bytes());
    let mut batch = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.context("the built-in samples.csv is unreadable")?;
        let bad = || anyhow::anyhow!("built-in samples.csv row {} is malformed", i + 2);
        let months_ago: i64 = row.get(0).and_then(|v| v.parse().ok()).ok_or_else(bad)?;
        let (measure_id, base, evidence_arg) = (
            row.get(1).ok_or_else(bad)?,
            row.get(2).ok_or_else(bad)?,
            row.get(4).unwrap_or(""),
        );
        let value: f64 = row.get(3).and_then(|v| v.parse().ok()).ok_or_else(bad)?;
        let measure = programme.measure(measure_id).ok_or_else(bad)?;
        let day = this_month
            .first_day()
            .checked_sub(months_ago.months())
            .map_err(|_| bad())?;
        let period = Period::containing(measure.frequency.collection, day);
        // recorded a couple of days after the period ended, as a collector would
        let recorded_at = period
            .end_day()
            .checked_add(2.days())
            .ok()
            .and_then(|d| d.at(9, 0, 0, 0).to_zoned(tz.clone()).ok())
            .map(|z| z.timestamp())
            .filter(|t| *t < now)
            .unwrap_or(now);
        let resolved = if evidence_arg.is_empty() {
            evidence::Resolved::none()
        } else {
            evidence::resolve(dir, None, evidence_arg)?
        };
        resolved.keep(dir)?;
        let collector = programme
            .settings
            .people_of(&measure.roles.collector)
            .into_iter()
            .next()
            .unwrap_or_default();
        batch.push(NewObservation {
            measure: measure.id.clone(),
            base: base.to_string(),
            period,
            value: Some(value),
            definition_version: measure.version,
            recorded_by: collector,
            recorded_at,
            method: Method::Manual,
            evidence: resolved.evidence,
            provenance: Some(serde_json::json!({ "sample": "written by clause9 init" })),
            supersedes: None,
            reason: None,
        });
    }
    Ok(batch)
}
