//! `clause9 collect`: runs every due query base measure (or those of one
//! measure) for a period or a range of periods, concurrently, and stores each
//! value with its provenance. Unchanged evidence stores nothing; changed
//! evidence supersedes the old value. One failure never stops the others.

mod progress;
mod store;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use clause9_collect::Collector;
use clause9_core::engine::plan;
use clause9_core::measure::{BaseMethod, Measure};
use clause9_core::period::Period;
use futures::StreamExt;

use crate::cli::StoreArgs;
use crate::context::{load_programme, open_store, parse_period};
use crate::error::{CliError, CliResult};

use progress::{Outcome, Progress};

/// How many queries run at once. Each DataFusion query also uses every core.
const CONCURRENCY: usize = 4;

/// One base value to collect.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Job {
    period: Period,
    measure: usize,
    base: usize,
}

pub async fn run(
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
    let measures: Vec<(usize, &Measure)> = match measure {
        Some(id) => {
            let Some(i) = programme.measures.iter().position(|m| m.id == id) else {
                return Err(CliError::invalid(format!("unknown measure `{id}`")));
            };
            let m = &programme.measures[i];
            if !m.base.iter().any(is_query) {
                return Err(CliError::invalid(format!(
                    "measure `{id}` has no query base measures: enter its values with `clause9 record`"
                )));
            }
            vec![(i, m)]
        }
        None => programme
            .measures
            .iter()
            .enumerate()
            .filter(|(_, m)| m.is_active())
            .collect(),
    };
    let mut jobs = BTreeSet::new();
    for &p in &periods {
        for &(mi, m) in &measures {
            for c in plan(&programme.settings, m, p).periods {
                for (bi, b) in m.base.iter().enumerate() {
                    if is_query(b) {
                        jobs.insert(Job {
                            period: c,
                            measure: mi,
                            base: bi,
                        });
                    }
                }
            }
        }
    }
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
    let collection_periods: Vec<Period> = jobs
        .iter()
        .map(|j| j.period)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let current: HashMap<(String, String, Period), _> = store
        .current(measure, &collection_periods)
        .await?
        .into_iter()
        .map(|o| ((o.new.measure.clone(), o.new.base.clone(), o.new.period), o))
        .collect();
    let collector = Arc::new(Collector::new(dir, &programme));
    let progress = Progress::new(jobs.len() as u64, &shown);
    let mut results = futures::stream::iter(jobs.iter().cloned())
        .map(|job| {
            let collector = collector.clone();
            let m = &programme.measures[job.measure];
            async move {
                let r = collector.collect(m, &m.base[job.base], job.period).await;
                (job, r)
            }
        })
        .buffer_unordered(CONCURRENCY);
    let mut outcomes = Vec::new();
    while let Some((job, result)) = results.next().await {
        let m = &programme.measures[job.measure];
        let b = &m.base[job.base];
        let label = format!("{}/{} {}", m.id, b.id, job.period);
        let outcome = match result {
            Ok(collected) => {
                let key = (m.id.clone(), b.id.clone(), job.period);
                store::save(
                    store.as_ref(),
                    m,
                    b,
                    job.period,
                    collected,
                    current.get(&key),
                )
                .await
            }
            Err(e) => Outcome::Failed(e.failure.to_string()),
        };
        progress.report(&label, &outcome);
        outcomes.push((label, outcome));
    }
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

fn is_query(b: &clause9_core::measure::BaseMeasure) -> bool {
    matches!(b.method, BaseMethod::Query { .. })
}
