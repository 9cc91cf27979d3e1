//! Counters of scheduled collection in this process, for `/metrics`: runs
//! by result and base values by outcome.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;

use clause9_collect::Outcome;

/// What scheduled collection did in this process since it started.
#[derive(Default)]
pub struct CollectionMetrics {
    runs: Mutex<BTreeMap<&'static str, u64>>,
    values: Mutex<BTreeMap<&'static str, u64>>,
}

impl CollectionMetrics {
    /// A period's run ended: `collected` or `gave_up`.
    pub fn run(&self, result: &'static str) {
        if let Ok(mut runs) = self.runs.lock() {
            *runs.entry(result).or_default() += 1;
        }
    }

    /// One base value's outcome.
    pub fn value(&self, outcome: &Outcome) {
        let key = match outcome {
            Outcome::Collected { .. } => "stored",
            Outcome::Unchanged(_) => "unchanged",
            Outcome::Failed(_) => "failed",
        };
        if let Ok(mut values) = self.values.lock() {
            *values.entry(key).or_default() += 1;
        }
    }

    pub fn render(&self, out: &mut String) {
        out.push_str("# HELP clause9_scheduled_collection_runs_total Periods collected by this process's schedule, by result (collected, gave_up).\n");
        out.push_str("# TYPE clause9_scheduled_collection_runs_total counter\n");
        let runs = self.runs.lock().map(|r| r.clone()).unwrap_or_default();
        for result in ["collected", "gave_up"] {
            let _ = writeln!(
                out,
                "clause9_scheduled_collection_runs_total{{result=\"{result}\"}} {}",
                runs.get(result).copied().unwrap_or(0)
            );
        }
        out.push_str("# HELP clause9_scheduled_collection_values_total Base values handled by this process's schedule, by outcome (stored, unchanged, failed).\n");
        out.push_str("# TYPE clause9_scheduled_collection_values_total counter\n");
        let values = self.values.lock().map(|v| v.clone()).unwrap_or_default();
        for outcome in ["stored", "unchanged", "failed"] {
            let _ = writeln!(
                out,
                "clause9_scheduled_collection_values_total{{outcome=\"{outcome}\"}} {}",
                values.get(outcome).copied().unwrap_or(0)
            );
        }
    }
}
