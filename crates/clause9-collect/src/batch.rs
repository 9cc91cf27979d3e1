//! Collecting many base values in one go: which (collection period, measure,
//! base) jobs are due, running their queries concurrently and storing each
//! value. One implementation shared by `clause9 collect` and the server's
//! scheduled collection. One failure never stops the others.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use clause9_app::Clock;
use clause9_core::engine::plan;
use clause9_core::measure::{BaseMeasure, BaseMethod};
use clause9_core::period::Period;
use clause9_core::programme::Programme;
use clause9_store::{Store, StoreError};
use futures::StreamExt;

use crate::Collector;
use crate::save::{Outcome, save};

/// How many queries run at once. Each DataFusion query also uses every core.
pub const CONCURRENCY: usize = 4;

/// One base value to collect: indexes into `programme.measures` and the
/// measure's `base`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Job {
    pub period: Period,
    pub measure: usize,
    pub base: usize,
}

impl Job {
    /// `MEASURE/BASE PERIOD`, as progress and logs show it.
    pub fn label(&self, programme: &Programme) -> String {
        let m = &programme.measures[self.measure];
        format!("{}/{} {}", m.id, m.base[self.base].id, self.period)
    }

    /// The measure and base ids.
    pub fn key(&self, programme: &Programme) -> (String, String) {
        let m = &programme.measures[self.measure];
        (m.id.clone(), m.base[self.base].id.clone())
    }
}

pub fn is_query(b: &BaseMeasure) -> bool {
    matches!(b.method, BaseMethod::Query { .. })
}

/// The query base values that make up the evaluated `periods` of the
/// measures at `measures` (indexes): each measure's due collection periods
/// inside them.
pub fn jobs_for_periods(
    programme: &Programme,
    periods: &[Period],
    measures: &[usize],
) -> BTreeSet<Job> {
    let mut jobs = BTreeSet::new();
    for &p in periods {
        for &mi in measures {
            let m = &programme.measures[mi];
            for c in plan(&programme.settings, m, p).periods {
                push_queries(&mut jobs, programme, c, mi);
            }
        }
    }
    jobs
}

/// The query base values collected at exactly `period`: those of active
/// measures whose collection frequency is `period`'s and that are due then.
pub fn jobs_of_collection_period(programme: &Programme, period: Period) -> BTreeSet<Job> {
    let mut jobs = BTreeSet::new();
    for (mi, m) in programme.measures.iter().enumerate() {
        if !m.is_active() || m.frequency.collection != period.frequency() {
            continue;
        }
        if plan(&programme.settings, m, period)
            .periods
            .contains(&period)
        {
            push_queries(&mut jobs, programme, period, mi);
        }
    }
    jobs
}

fn push_queries(jobs: &mut BTreeSet<Job>, programme: &Programme, period: Period, mi: usize) {
    for (bi, b) in programme.measures[mi].base.iter().enumerate() {
        if is_query(b) {
            jobs.insert(Job {
                period,
                measure: mi,
                base: bi,
            });
        }
    }
}

/// Runs `jobs` of `programme` (files in `dir`), at most [`CONCURRENCY`] at
/// once, and stores each value (dated by `clock`) (unchanged values store nothing; changed ones
/// supersede). `report` sees each outcome as it arrives. Fails only when the
/// stored values cannot be read; each job's own failure is its outcome.
pub async fn run(
    dir: &Path,
    programme: &Programme,
    store: &dyn Store,
    clock: &Clock,
    jobs: &BTreeSet<Job>,
    mut report: impl FnMut(&Job, &Outcome),
) -> Result<Vec<(Job, Outcome)>, StoreError> {
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    let periods: Vec<Period> = jobs
        .iter()
        .map(|j| j.period)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let measures: BTreeSet<usize> = jobs.iter().map(|j| j.measure).collect();
    let only = match measures.iter().collect::<Vec<_>>().as_slice() {
        [one] => Some(programme.measures[**one].id.as_str()),
        _ => None,
    };
    let current: HashMap<(String, String, Period), _> = store
        .current(only, &periods)
        .await?
        .into_iter()
        .map(|o| ((o.new.measure.clone(), o.new.base.clone(), o.new.period), o))
        .collect();
    let collector = Collector::new(dir, programme);
    let mut results = futures::stream::iter(jobs.iter().copied())
        .map(|job| {
            let collector = &collector;
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
        let outcome = match result {
            Ok(collected) => {
                let key = (m.id.clone(), b.id.clone(), job.period);
                save(store, clock, m, b, job.period, collected, current.get(&key)).await
            }
            Err(e) => Outcome::Failed(e.failure.to_string()),
        };
        report(&job, &outcome);
        outcomes.push((job, outcome));
    }
    Ok(outcomes)
}
