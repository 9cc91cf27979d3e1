//! Evaluations the workflow records need from stored values: one period
//! (with every period its measures combine), and the monthly series a
//! management review looks back over.

use clause9_core::Programme;
use clause9_core::evaluation::Evaluation;
use clause9_core::observation::Observation;
use clause9_core::period::{Frequency, Period};
use jiff::civil::Date;

use clause9_store::{Store, StoreError};

/// The current observations an evaluation of `period` needs.
pub async fn current_for(
    programme: &Programme,
    store: &dyn Store,
    period: Period,
) -> Result<Vec<Observation>, StoreError> {
    let mut periods = std::collections::BTreeSet::from([period]);
    for m in programme.measures.iter().filter(|m| m.is_active()) {
        periods.extend(clause9_core::engine::plan(&programme.settings, m, period).periods);
    }
    let periods: Vec<Period> = periods.into_iter().collect();
    store.current(None, &periods).await
}

/// Monthly evaluations from the month after the last review (at most 12) to
/// the last month that ended before `day`.
pub async fn monthly_since(
    programme: &Programme,
    store: &dyn Store,
    since: Option<Date>,
    day: Date,
) -> Result<Vec<Evaluation>, StoreError> {
    let last = Period::containing(Frequency::Monthly, day).prev();
    let mut first = last;
    for _ in 0..11 {
        let p = first.prev();
        if since.is_some_and(|s| p.last_day() <= s)
            || p < programme
                .settings
                .first_period
                .enclosing(Frequency::Monthly)
                .unwrap_or(p)
        {
            break;
        }
        first = p;
    }
    let mut out = Vec::new();
    let mut p = first;
    loop {
        let obs = current_for(programme, store, p).await?;
        out.push(clause9_core::engine::evaluate(programme, &obs, p));
        if p == last {
            break;
        }
        p = p.next();
    }
    Ok(out)
}
