//! Which collection periods make up an evaluated period, and how base values
//! over them combine (`sum`, `mean`, `min`, `max`, `last`).

use crate::measure::{Aggregate, Measure};
use crate::period::Period;
use crate::programme::Settings;

/// The collection periods to combine for an evaluated period.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub periods: Vec<Period>,
    /// Set when the plan needs explaining (a longer collection period shown, a partial start).
    pub note: Option<String>,
}

/// The first period from which a measure is due.
pub fn first_period(settings: &Settings, measure: &Measure) -> Period {
    measure.first_period.unwrap_or(settings.first_period)
}

/// Is the collection period `c` due at all (does it end after measuring starts)?
pub fn is_due(settings: &Settings, measure: &Measure, c: &Period) -> bool {
    c.end_day() > first_period(settings, measure).first_day()
}

/// The collection periods of `measure` that make up `period`.
pub fn plan(settings: &Settings, measure: &Measure, period: Period) -> Plan {
    let freq = measure.frequency.collection;
    if freq.rank() > period.frequency().rank() {
        let latest = period.latest_of(freq);
        let due = is_due(settings, measure, &latest);
        return Plan {
            periods: if due { vec![latest] } else { Vec::new() },
            note: due.then(|| {
                format!(
                    "collected {freq}: the value shown is that of {latest}, the latest {freq} period ended by the end of {period}"
                )
            }),
        };
    }
    let all = period.subperiods(freq);
    let periods: Vec<Period> = all
        .iter()
        .copied()
        .filter(|c| is_due(settings, measure, c))
        .collect();
    let note = (!periods.is_empty() && periods.len() < all.len()).then(|| {
        format!(
            "measuring starts in {}: {} combines {} of its {} {freq} periods",
            first_period(settings, measure),
            period,
            periods.len(),
            all.len()
        )
    });
    Plan { periods, note }
}

/// Combines the values of consecutive collection periods (in period order).
pub fn combine(aggregate: Aggregate, values: &[f64]) -> Option<f64> {
    let (first, rest) = values.split_first()?;
    Some(match aggregate {
        Aggregate::Sum => values.iter().sum(),
        Aggregate::Mean => values.iter().sum::<f64>() / values.len() as f64,
        Aggregate::Min => rest.iter().copied().fold(*first, f64::min),
        Aggregate::Max => rest.iter().copied().fold(*first, f64::max),
        Aggregate::Last => *values.last()?,
    })
}
