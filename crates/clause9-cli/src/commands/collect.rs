//! `clause9 collect`: runs every due query base measure (or those of one
//! measure) for a period or a range of periods, concurrently, and stores each
//! value with its provenance. Unchanged evidence stores nothing; changed
//! evidence supersedes the old value. One failure never stops the others.

mod progress;

use std::path::Path;

use clause9_collect::batch::{self, is_query};
use clause9_core::period::Period;

use crate::cli::StoreArgs;
use crate::context::{load_programme, open_store, parse_period};
use crate::error::{CliError, CliResult};

use progress::Progress;

pub(super) async fn run(
    dir: &Path,
    period: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    measure: Option<&str>,
    store_args: &StoreArgs,
) -> CliResult {
    let programme = load_programme(dir)?;
    let periods = match (period, from, to) {
        (Some(p), None, None) => vec![parse_period(p)?],
        (None, Some(f), Some(t)) => {
            Period::range(parse_period(f)?, parse_period(t)?).map_err(CliError::invalid)?
        }
        _ => {
            return Err(CliError::invalid(
                "give --period P, or --from P1 --to P2 to collect a range of periods",
            ));
        }
    };
    let measures: Vec<usize> = match measure {
        Some(id) => {
            let Some(i) = programme.measures.iter().position(|m| m.id == id) else {
                return Err(CliError::invalid(format!("unknown measure `{id}`")));
            };
            if !programme.measures[i].base.iter().any(is_query) {
                return Err(CliError::invalid(format!(
                    "measure `{id}` has no query base measures: enter its values with `clause9 record`"
                )));
            }
            vec![i]
        }
        None => programme
            .measures
            .iter()
            .enumerate()
            .filter(|(_, m)| m.is_active())
            .map(|(i, _)| i)
            .collect(),
    };
    let jobs = batch::jobs_for_periods(&programme, &periods, &measures);
    let shown = match periods.as_slice() {
        [one] => one.to_string(),
        many => format!("{} to {}", many[0], many[many.len() - 1]),
    };
    if jobs.is_empty() {
        crate::output::say(format!(
            "nothing to collect: no query base measure is due for {shown}"
        ));
        return Ok(());
    }
    let store = open_store(dir, store_args).await?;
    let progress = Progress::new(jobs.len() as u64, &shown);
    let clock = crate::context::clock(&programme);
    let outcomes = batch::run(
        dir,
        &programme,
        store.as_ref(),
        &clock,
        &jobs,
        |job, outcome| progress.report(&job.label(&programme), outcome),
    )
    .await?;
    let outcomes: Vec<_> = outcomes
        .into_iter()
        .map(|(job, outcome)| (job.label(&programme), outcome))
        .collect();
    progress.finish();
    let failed = progress::summary(&outcomes);
    if failed > 0 {
        return Err(CliError::Failed(anyhow::anyhow!(
            "{failed} base value{} could not be collected (reasons above); the others were stored",
            if failed == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}
