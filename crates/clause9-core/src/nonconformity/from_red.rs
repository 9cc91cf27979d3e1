//! Nonconformities raised by indicators: a measure with `on_red =
//! "nonconformity"` that is red for one of its collection periods raises one
//! (the once-key makes it once per measure and period), and the automatic
//! effectiveness check ("green for N consecutive periods").

use crate::evaluation::{Evaluation, Status};
use crate::measure::OnRed;
use crate::period::Period;
use crate::programme::Programme;

/// A nonconformity to raise for a red indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct RedRaise {
    pub measure: String,
    pub period: Period,
    pub once_key: String,
    pub description: String,
    pub area: Option<String>,
    pub controls: Vec<String>,
}

/// The key that makes a red indicator raise at most once per period.
pub fn once_key(measure: &str, period: Period) -> String {
    format!("red/{measure}/{period}")
}

/// Red indicators of `evaluation` that must raise a nonconformity. Only a
/// period of the measure's own collection frequency counts, so evaluating a
/// month and its quarter cannot raise twice for the same values.
pub fn red_raises(programme: &Programme, evaluation: &Evaluation) -> Vec<RedRaise> {
    let period = evaluation.period;
    evaluation
        .measures
        .iter()
        .filter(|e| e.status == Status::Red)
        .filter_map(|e| {
            let m = programme.measure(&e.id)?;
            (m.indicator.on_red == Some(OnRed::Nonconformity)
                && m.frequency.collection == period.frequency())
            .then(|| RedRaise {
                measure: m.id.clone(),
                period,
                once_key: once_key(&m.id, period),
                description: format!(
                    "{} ({}) is red for {period}: {} against a target of {}",
                    m.name,
                    m.id,
                    e.value
                        .map_or("no value".to_string(), |v| describe_value(v, &m.unit)),
                    describe_value(m.indicator.target, &m.unit)
                ),
                area: m.area.clone(),
                controls: m.controls.clone(),
            })
        })
        .collect()
}

/// A value with at most two decimals, without trailing zeros.
fn short(v: f64) -> String {
    let text = format!("{v:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A value with its unit, for messages.
pub fn describe_value(v: f64, unit: &str) -> String {
    match unit {
        "" => short(v),
        "%" => format!("{}%", short(v)),
        u => format!("{} {u}", short(v)),
    }
}

/// The verdict of an automatic check over the statuses of the last periods,
/// oldest first: `Some(true)` when the last `periods` are all green,
/// `Some(false)` when one of them is amber or red, `None` when there is not
/// yet enough data to decide.
pub fn auto_verdict(statuses: &[Status], periods: u32) -> Option<bool> {
    let n = periods.max(1) as usize;
    if statuses.len() < n {
        return None;
    }
    let last = &statuses[statuses.len() - n..];
    if last
        .iter()
        .any(|s| matches!(s, Status::Red | Status::Amber))
    {
        Some(false)
    } else if last.iter().all(|s| *s == Status::Green) {
        Some(true)
    } else {
        None
    }
}
