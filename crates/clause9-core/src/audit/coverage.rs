//! What the audit programme of a cycle has covered: each item of the
//! universe audited (by a completed audit that started in the cycle),
//! overdue (its planned month has passed) or not yet due; and the risk
//! signals that shape the programme (open nonconformities, red or
//! deteriorating measures, high risks).

use jiff::civil::Date;
use serde::Serialize;

use super::planner::{Signal, Slot};
use super::{Audit, ScopeItem};
use crate::evaluation::{Evaluation, Status};
use crate::nonconformity::Nonconformity;
use crate::period::Period;
use crate::programme::Programme;
use crate::registers::Registers;

/// One item of the universe and where the cycle stands with it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Covered {
    pub item: ScopeItem,
    /// `audited`, `overdue` or `not yet due`.
    pub state: &'static str,
    pub audits: Vec<String>,
    pub planned: Option<Period>,
}

/// Coverage of `universe` by `audits` in the cycle that starts with the
/// month `start`, as of the month `this_month`, against the programme `slots`.
pub fn coverage(
    universe: &[ScopeItem],
    slots: &[Slot],
    audits: &[Audit],
    start: Period,
    this_month: Period,
) -> Vec<Covered> {
    universe
        .iter()
        .map(|item| {
            let audited: Vec<String> = audits
                .iter()
                .filter(|a| a.completed.is_some() && a.plan.start >= start.first_day())
                .filter(|a| a.plan.scope.iter().any(|s| s.covers(item)))
                .map(|a| a.id.clone())
                .collect();
            let planned = slots
                .iter()
                .find(|s| s.items.iter().any(|i| &i.item == item))
                .map(|s| s.month);
            let state = if !audited.is_empty() {
                "audited"
            } else if planned.is_some_and(|p| p < this_month) {
                "overdue"
            } else {
                "not yet due"
            };
            Covered {
                item: item.clone(),
                state,
                audits: audited,
                planned,
            }
        })
        .collect()
}

/// What makes areas and controls more urgent: open nonconformities, measures
/// red in `now` (the evaluation of `latest`) or worse than in `before`, and
/// high risks that are not closed.
pub fn signals(
    programme: &Programme,
    registers: &Registers,
    nonconformities: &[Nonconformity],
    now: &Evaluation,
    before: &Evaluation,
    latest: Period,
) -> Vec<Signal> {
    let mut out = Vec::new();
    for n in nonconformities.iter().filter(|n| n.is_open()) {
        out.push(Signal {
            area: n.area.clone(),
            controls: n.controls.clone(),
            reason: format!("open nonconformity {}", n.id),
            weight: 3,
        });
    }
    let rank = |s: Status| match s {
        Status::Green => Some(0),
        Status::Amber => Some(1),
        Status::Red => Some(2),
        Status::NoData => None,
    };
    for m in &now.measures {
        let Some(def) = programme.measure(&m.id) else {
            continue;
        };
        let prev = before.measures.iter().find(|x| x.id == m.id);
        // deteriorating: a worse status than the month before, or an amber
        // value that got worse (a green one moving within green is not a signal)
        let worse_status = match (prev.and_then(|p| rank(p.status)), rank(m.status)) {
            (Some(a), Some(b)) => b > a,
            _ => false,
        };
        let worse_value = match (prev.and_then(|p| p.value), m.value) {
            (Some(a), Some(b)) => !def.indicator.direction.at_least_as_good(b, a),
            _ => false,
        };
        let worse = worse_status || (worse_value && m.status == Status::Amber);
        if m.status == Status::Red {
            out.push(Signal {
                area: def.area.clone(),
                controls: def.controls.clone(),
                reason: format!("measure {} red in {latest}", m.id),
                weight: 3,
            });
        } else if worse {
            out.push(Signal {
                area: def.area.clone(),
                controls: def.controls.clone(),
                reason: format!("measure {} deteriorating in {latest}", m.id),
                weight: 2,
            });
        }
    }
    let high = registers.audit.high_risk;
    for r in registers
        .risks
        .iter()
        .filter(|r| r.score() >= high && r.status != "closed")
    {
        out.push(Signal {
            area: r.area.clone(),
            controls: r.controls.clone(),
            reason: format!("high risk {} (score {})", r.id, r.score()),
            weight: 3,
        });
    }
    out
}

impl Audit {
    /// `completed`, `overdue` (its end date has passed) or `open`.
    pub fn state(&self, today: Date) -> &'static str {
        match &self.completed {
            Some(_) => "completed",
            None if self.plan.end < today => "overdue",
            None => "open",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registers::current_cycle;

    fn month(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn cycles_follow_one_another() {
        let first = month("2024-01");
        assert_eq!(current_cycle(first, 36, month("2023-06")), first);
        assert_eq!(current_cycle(first, 36, month("2024-01")), first);
        assert_eq!(current_cycle(first, 36, month("2026-12")), first);
        assert_eq!(current_cycle(first, 36, month("2027-01")), month("2027-01"));
        assert_eq!(current_cycle(first, 12, month("2026-11")), month("2026-01"));
        assert_eq!(current_cycle(first, 1, month("2026-11")), month("2026-11"));
    }
}
