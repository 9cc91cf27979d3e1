//! Scheduled collection: once a collection period has ended (plus a delay),
//! one server process collects its query base measures with
//! `clause9_collect::batch` — the same code as `clause9 collect` — under the
//! lease `collect:<period>` (`crate::jobs::run_collection`), retrying the
//! values that failed with back-off. Outcomes are logged and counted for
//! `/metrics` (`collection/metrics.rs`).

pub mod metrics;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clause9_collect::Outcome;
use clause9_collect::batch::{self, Job, is_query};
use clause9_core::period::{Frequency, Period};
use clause9_core::programme::Programme;
use jiff::Timestamp;

use crate::jobs::{CollectionPolicy, Collector, RunOutcome, run_collection};
use crate::state::AppState;

/// When the server collects (the `--collect-*` flags of `clause9 serve`).
#[derive(Debug, Clone)]
pub struct CollectionSchedule {
    pub enabled: bool,
    /// How often to look for ended periods.
    pub every: Duration,
    /// How many ended periods of each collection frequency to look back at
    /// (1: only the latest).
    pub catch_up: u32,
    pub policy: CollectionPolicy,
}

impl Default for CollectionSchedule {
    fn default() -> Self {
        CollectionSchedule {
            enabled: true,
            every: Duration::from_secs(60),
            catch_up: 2,
            policy: CollectionPolicy::default(),
        }
    }
}

/// The collection periods ready at `now`: for each collection frequency of
/// an active measure with query base measures, the latest `catch_up` periods
/// that ended at least `delay` ago.
pub fn ready_periods(
    programme: &Programme,
    schedule: &CollectionSchedule,
    now: Timestamp,
) -> BTreeSet<Period> {
    let mut out = BTreeSet::new();
    let Ok(cut) = now.checked_sub(schedule.policy.delay) else {
        return out;
    };
    let frequencies: BTreeSet<Frequency> = programme
        .measures
        .iter()
        .filter(|m| m.is_active() && m.base.iter().any(is_query))
        .map(|m| m.frequency.collection)
        .collect();
    for f in frequencies {
        let mut p = Period::at(f, cut, &programme.settings.timezone).prev();
        for _ in 0..schedule.catch_up {
            out.insert(p);
            p = p.prev();
        }
    }
    out
}

/// Collects one period of the server's current programme into its store.
/// Remembers which values failed so that a retry runs only those.
pub struct ProgrammeCollector {
    state: AppState,
    failed: Mutex<HashMap<Period, BTreeSet<(String, String)>>>,
}

impl ProgrammeCollector {
    pub fn new(state: AppState) -> ProgrammeCollector {
        ProgrammeCollector {
            state,
            failed: Mutex::new(HashMap::new()),
        }
    }

    /// Forgets the failures of `period` (its run has ended).
    fn forget(&self, period: Period) {
        if let Ok(mut failed) = self.failed.lock() {
            failed.remove(&period);
        }
    }
}

#[async_trait::async_trait]
impl Collector for ProgrammeCollector {
    async fn collect(&self, period: Period) -> Result<(), String> {
        let programme = self
            .state
            .programme
            .current()
            .ok_or("no valid programme is loaded; fix the programme files")?;
        let mut jobs = batch::jobs_of_collection_period(&programme, period);
        let retry = self
            .failed
            .lock()
            .ok()
            .and_then(|f| f.get(&period).cloned());
        if let Some(retry) = retry {
            jobs.retain(|j| retry.contains(&j.key(&programme)));
        }
        let metrics = &self.state.collection;
        let outcomes = batch::run(
            self.state.programme.dir(),
            &programme,
            self.state.store.as_ref(),
            &self.state.clock,
            &jobs,
            |job, outcome| {
                metrics.value(outcome);
                log_value(&programme, job, outcome);
            },
        )
        .await
        .map_err(|e| format!("cannot read the stored values: {e}"))?;
        let failures: Vec<(Job, String)> = outcomes
            .into_iter()
            .filter_map(|(job, o)| match o {
                Outcome::Failed(reason) => Some((job, reason)),
                _ => None,
            })
            .collect();
        if failures.is_empty() {
            tracing::info!(
                "scheduled collection of {period}: {} base value(s) collected or unchanged",
                jobs.len()
            );
            return Ok(());
        }
        let keys = failures.iter().map(|(j, _)| j.key(&programme)).collect();
        if let Ok(mut failed) = self.failed.lock() {
            failed.insert(period, keys);
        }
        let reasons: Vec<String> = failures
            .iter()
            .map(|(j, reason)| format!("{}: {reason}", j.label(&programme)))
            .collect();
        Err(format!(
            "{} of {} base value(s) failed: {}",
            failures.len(),
            jobs.len(),
            reasons.join("; ")
        ))
    }
}

fn log_value(programme: &Programme, job: &Job, outcome: &Outcome) {
    let label = job.label(programme);
    match outcome {
        Outcome::Collected {
            value, replaced, ..
        } => tracing::info!(
            "collected {label} = {}{}",
            value.map_or_else(|| "no value".to_string(), |v| v.to_string()),
            if *replaced {
                ", superseding the stored value"
            } else {
                ""
            }
        ),
        Outcome::Unchanged(_) => tracing::info!("unchanged {label}: nothing stored"),
        Outcome::Failed(reason) => tracing::warn!("failed {label}: {reason}"),
    }
}

/// Starts the schedule: every `every`, each ready period not yet settled is
/// collected in its own task (one per period in this process; the lease
/// makes it one among all processes).
pub fn spawn(state: &AppState) {
    let schedule = state.settings.collection.clone();
    if !schedule.enabled {
        tracing::info!("scheduled collection is off");
        return;
    }
    let state = state.clone();
    let holder = crate::jobs::holder();
    tokio::spawn(async move {
        let collector = Arc::new(ProgrammeCollector::new(state.clone()));
        let running: Arc<Mutex<HashSet<Period>>> = Arc::default();
        let mut every = tokio::time::interval(schedule.every);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let Some(programme) = state.programme.current() else {
                continue;
            };
            for period in ready_periods(&programme, &schedule, state.now()) {
                if !running.lock().is_ok_and(|mut r| r.insert(period)) {
                    continue;
                }
                let (state, collector, running, holder, policy) = (
                    state.clone(),
                    collector.clone(),
                    running.clone(),
                    holder.clone(),
                    schedule.policy.clone(),
                );
                tokio::spawn(async move {
                    let clock = state.clock.clone();
                    let outcome = run_collection(
                        &state.store,
                        &holder,
                        collector.as_ref(),
                        &policy,
                        period,
                        move || clock.now(),
                        tokio::time::sleep,
                    )
                    .await;
                    collector.forget(period);
                    report(&state, period, outcome);
                    if let Ok(mut r) = running.lock() {
                        r.remove(&period);
                    }
                });
            }
        }
    });
}

fn report(
    state: &AppState,
    period: Period,
    outcome: Result<RunOutcome, clause9_store::StoreError>,
) {
    match outcome {
        Ok(RunOutcome::Collected { attempts }) => {
            state.collection.run("collected");
            tracing::info!("scheduled collection of {period} done after {attempts} attempt(s)");
        }
        Ok(RunOutcome::GaveUp {
            attempts,
            last_error,
        }) => {
            state.collection.run("gave_up");
            tracing::error!(
                "scheduled collection of {period} gave up after {attempts} attempts: {last_error}; \
                 collect it with `clause9 collect --period {period}`"
            );
        }
        Ok(RunOutcome::NotLeader | RunOutcome::Settled { .. }) => {}
        Err(e) => tracing::warn!("scheduled collection of {period}: {e}"),
    }
}

#[cfg(test)]
mod tests {
    //! `ready_periods` at the instants where its answer changes, in the
    //! programme's timezone (Europe/London: a month of summer time ends at
    //! 23:00 UTC), with and without a delay.
    use super::*;
    use clause9_core::SourceFile;

    fn programme(collection: &str) -> Programme {
        let settings = SourceFile {
            path: "clause9.toml".into(),
            text: "format = 1\n[programme]\nname = \"T\"\norganisation = \"T\"\n\
                   timezone = \"Europe/London\"\nfirst_period = \"2020-01\"\n\
                   [people.p]\nname = \"P\"\n[areas.a]\ntitle = \"A\"\nowner = \"p\"\n\
                   [sources.files]\nkind = \"files\"\ntables.t = \"evidence/t.csv\"\n"
                .into(),
        };
        let measure = SourceFile {
            path: "measures/m.toml".into(),
            text: format!(
                "id = \"M-1\"\nversion = 1\nname = \"m\"\ninformation_need = \"n\"\n\
                 kind = \"performance\"\narea = \"a\"\n[roles]\nowner = \"p\"\ncollector = \"p\"\n\
                 [frequency]\ncollection = \"{collection}\"\nreporting = \"{collection}\"\n\
                 [[base]]\nid = \"n\"\nmethod = \"query\"\nsource = \"files\"\n\
                 query = '''SELECT count(*) FROM t'''\n\
                 [indicator]\nmeasure = \"n\"\ndirection = \"higher_is_better\"\ngreen = 1\n"
            ),
        };
        clause9_core::load(&settings, &[measure]).expect("the test programme loads")
    }

    fn schedule(delay_hours: i64, catch_up: u32) -> CollectionSchedule {
        CollectionSchedule {
            catch_up,
            policy: CollectionPolicy {
                delay: jiff::SignedDuration::from_hours(delay_hours),
                ..CollectionPolicy::default()
            },
            ..CollectionSchedule::default()
        }
    }

    fn ready(p: &Programme, s: &CollectionSchedule, at: &str) -> Vec<String> {
        ready_periods(p, s, at.parse().unwrap())
            .iter()
            .map(|p| p.to_string())
            .collect()
    }

    #[test]
    fn a_month_is_ready_once_it_has_ended_locally_plus_the_delay() {
        let p = programme("monthly");
        let now = schedule(0, 1);
        // September in London ends at 23:00 UTC on the 30th (summer time)
        assert_eq!(ready(&p, &now, "2026-09-30T22:59:59Z"), ["2026-08"]);
        assert_eq!(ready(&p, &now, "2026-09-30T23:00:00Z"), ["2026-09"]);
        // November ends at midnight UTC (winter time); the 1st of December
        assert_eq!(ready(&p, &now, "2026-11-30T23:59:59Z"), ["2026-10"]);
        assert_eq!(ready(&p, &now, "2026-12-01T00:00:00Z"), ["2026-11"]);
        // a two-hour delay moves it to 02:00 on the 1st
        let later = schedule(2, 2);
        assert_eq!(
            ready(&p, &later, "2026-12-01T01:59:59Z"),
            ["2026-09", "2026-10"]
        );
        assert_eq!(
            ready(&p, &later, "2026-12-01T02:00:00Z"),
            ["2026-10", "2026-11"]
        );
        // the last day of the year, then the new year
        assert_eq!(ready(&p, &now, "2026-12-31T23:59:59Z"), ["2026-11"]);
        assert_eq!(ready(&p, &now, "2027-01-01T00:00:00Z"), ["2026-12"]);
    }

    #[test]
    fn a_quarter_is_ready_on_the_first_day_of_the_next() {
        let p = programme("quarterly");
        let now = schedule(0, 1);
        assert_eq!(ready(&p, &now, "2026-12-31T23:59:59Z"), ["2026-Q3"]);
        assert_eq!(ready(&p, &now, "2027-01-01T00:00:00Z"), ["2026-Q4"]);
        // the second quarter ends in summer time
        assert_eq!(ready(&p, &now, "2026-06-30T22:59:59Z"), ["2026-Q1"]);
        assert_eq!(ready(&p, &now, "2026-06-30T23:00:00Z"), ["2026-Q2"]);
    }
}
