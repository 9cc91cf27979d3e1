//! What is due from whom: the collection periods of each active measure within
//! a period, their due dates, and whether each base value is in.

use jiff::ToSpan;
use jiff::civil::Date;

use crate::engine::{Values, plan};
use crate::measure::{BaseMethod, Measure};
use crate::period::Period;
use crate::programme::Programme;

/// Where one expected base value stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CollectionState {
    /// Stored.
    Collected,
    /// The period is still running.
    Open,
    /// The period has ended; the value is due by the due date.
    Due,
    /// The due date has passed without a value.
    Overdue,
}

impl CollectionState {
    pub fn as_str(self) -> &'static str {
        match self {
            CollectionState::Collected => "collected",
            CollectionState::Open => "open",
            CollectionState::Due => "due",
            CollectionState::Overdue => "overdue",
        }
    }
}

/// One base value expected for one collection period.
#[derive(Debug, Clone, PartialEq)]
pub struct CollectionItem {
    pub measure: String,
    pub measure_name: String,
    pub base: String,
    pub period: Period,
    /// The person or group who collects it, or `source:<id>` for automated values.
    pub collector: String,
    pub due: Date,
    pub state: CollectionState,
}

/// The date by which a collection period's values are due.
pub fn due_date(measure: &Measure, period: Period) -> Date {
    period
        .end_day()
        .checked_add(i64::from(measure.frequency.due_days).days())
        .unwrap_or(period.end_day())
}

/// Every base value expected within `period`, with its state as of `today`.
pub fn collection_status(
    programme: &Programme,
    values: &Values,
    period: Period,
    today: Date,
) -> Vec<CollectionItem> {
    let mut items = Vec::new();
    for m in programme.measures.iter().filter(|m| m.is_active()) {
        for c in plan(&programme.settings, m, period).periods {
            let due = due_date(m, c);
            for b in &m.base {
                let collector = match &b.method {
                    BaseMethod::Manual { .. } => m.roles.collector.clone(),
                    BaseMethod::Query { source, .. } => format!("source:{source}"),
                };
                let state = if values.get(&m.id, &b.id, c).is_some() {
                    CollectionState::Collected
                } else if today < c.end_day() {
                    CollectionState::Open
                } else if today <= due {
                    CollectionState::Due
                } else {
                    CollectionState::Overdue
                };
                items.push(CollectionItem {
                    measure: m.id.clone(),
                    measure_name: m.name.clone(),
                    base: b.id.clone(),
                    period: c,
                    collector,
                    due,
                    state,
                });
            }
        }
    }
    items
}
