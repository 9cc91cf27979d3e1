//! What the pages read: evaluations of the last periods from one store
//! query, the collection state of recent periods, and the nonconformities
//! rebuilt from their events.

use std::collections::{BTreeMap, BTreeSet};

use clause9_core::Programme;
use clause9_core::engine::{Values, evaluate, plan};
use clause9_core::evaluation::Evaluation;
use clause9_core::nonconformity::{Nonconformity, Transition};
use clause9_core::period::{Frequency, Period};
use clause9_core::schedule::{CollectionItem, collection_status};
use jiff::civil::Date;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The `count` months ending with `last`, oldest first.
pub fn months_back(last: Period, count: usize) -> Vec<Period> {
    let mut list = vec![last];
    let mut p = last;
    for _ in 1..count {
        p = p.prev();
        list.push(p);
    }
    list.reverse();
    list
}

/// The programme evaluated for each of `periods`, reading the store once.
pub async fn evaluations(
    state: &AppState,
    programme: &Programme,
    periods: &[Period],
) -> ApiResult<Vec<Evaluation>> {
    let mut needed = BTreeSet::new();
    for &period in periods {
        needed.insert(period);
        for m in programme.measures.iter().filter(|m| m.is_active()) {
            needed.extend(plan(&programme.settings, m, period).periods);
        }
    }
    let needed: Vec<Period> = needed.into_iter().collect();
    let observations = state.store.current(None, &needed).await?;
    Ok(periods
        .iter()
        .map(|&p| evaluate(programme, &observations, p))
        .collect())
}

/// The collection state of every expected base value in the months
/// `from..=to` (by their collection periods), as of today.
pub async fn collections(
    state: &AppState,
    programme: &Programme,
    months: &[Period],
    today: Date,
) -> ApiResult<Vec<CollectionItem>> {
    let mut needed = BTreeSet::new();
    for &month in months {
        for m in programme.measures.iter().filter(|m| m.is_active()) {
            needed.extend(plan(&programme.settings, m, month).periods);
        }
    }
    let needed: Vec<Period> = needed.into_iter().collect();
    let observations = state.store.current(None, &needed).await?;
    let values = Values::new(&observations);
    let mut seen = BTreeSet::new();
    let mut items = Vec::new();
    for &month in months {
        for item in collection_status(programme, &values, month, today) {
            if seen.insert((item.measure.clone(), item.base.clone(), item.period)) {
                items.push(item);
            }
        }
    }
    Ok(items)
}

/// The months from 11 before today's month to today's month.
pub fn recent_months(today: Date) -> Vec<Period> {
    months_back(Period::containing(Frequency::Monthly, today), 12)
}

/// Every nonconformity, rebuilt from its stored events.
pub async fn nonconformities(state: &AppState) -> ApiResult<Vec<Nonconformity>> {
    let events = state.store.workflow().events("nc/").await?;
    let mut streams: BTreeMap<String, Vec<Transition>> = BTreeMap::new();
    for e in events {
        let id = e.stream.trim_start_matches("nc/").to_string();
        let t = Transition::from_payload(&e.payload, &e.recorded_by, &e.reason).map_err(|err| {
            ApiError::internal(format!(
                "stored event #{} of {id} cannot be read ({err})",
                e.id
            ))
        })?;
        streams.entry(id).or_default().push(t);
    }
    streams
        .into_iter()
        .map(|(id, ts)| {
            Nonconformity::replay(&id, &ts).map_err(|e| ApiError::internal(format!("{id}: {e}")))
        })
        .collect()
}
