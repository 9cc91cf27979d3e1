//! Checks on manually entered base values (CLI `record`, CSV import, web form,
//! API): known ids, the right kind of period, bounds, required evidence.

use jiff::civil::Date;

use crate::engine::is_due;
use crate::measure::{BaseMethod, Measure};
use crate::period::Period;
use crate::programme::Programme;

/// One manual entry: values of some base measures of one measure for one period.
#[derive(Debug, Clone)]
pub struct ManualEntry<'a> {
    pub measure: &'a str,
    pub period: Period,
    pub values: &'a [(String, f64)],
    /// Whether an evidence file or link comes with the values.
    pub has_evidence: bool,
    /// Today in the programme's timezone: periods that have not started are refused.
    pub today: Date,
}

/// Returns the measure when the entry is acceptable, or every problem found.
pub fn check_manual<'p>(
    programme: &'p Programme,
    entry: &ManualEntry,
) -> Result<&'p Measure, Vec<String>> {
    let Some(measure) = programme.measure(entry.measure) else {
        let ids = programme.measures.iter().map(|m| m.id.as_str());
        return Err(vec![match crate::ids::suggest(entry.measure, ids) {
            Some(s) => format!("unknown measure `{}` (did you mean `{s}`?)", entry.measure),
            None => format!(
                "unknown measure `{}`: give the id of a measure of this programme",
                entry.measure
            ),
        }]);
    };
    let mut problems = Vec::new();
    if !measure.is_active() {
        problems.push(format!(
            "{} is not active: only active measures take values",
            measure.id
        ));
    }
    let freq = measure.frequency.collection;
    if entry.period.frequency() != freq {
        problems.push(format!(
            "{} is collected {freq}: give a {freq} period such as {}",
            measure.id,
            Period::containing(freq, entry.today)
        ));
    } else if !is_due(&programme.settings, measure, &entry.period) {
        problems.push(format!(
            "{} is before measuring starts ({})",
            entry.period,
            crate::engine::first_period(&programme.settings, measure)
        ));
    } else if entry.period.first_day() > entry.today {
        problems.push(format!(
            "{} has not started yet (today is {})",
            entry.period, entry.today
        ));
    }
    if entry.values.is_empty() {
        problems.push(format!(
            "no values given: write BASE=VALUE for one or more of {}",
            measure
                .base
                .iter()
                .map(|b| b.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for (i, (id, value)) in entry.values.iter().enumerate() {
        if entry.values[..i].iter().any(|(other, _)| other == id) {
            problems.push(format!("`{id}` is given twice"));
            continue;
        }
        let Some(base) = measure.base(id) else {
            let ids = measure.base.iter().map(|b| b.id.as_str());
            problems.push(match crate::ids::suggest(id, ids) {
                Some(s) => format!(
                    "{} has no base measure `{id}` (did you mean `{s}`?)",
                    measure.id
                ),
                None => format!(
                    "{} has no base measure `{id}`; its base measures are {}",
                    measure.id,
                    measure
                        .base
                        .iter()
                        .map(|b| b.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
            continue;
        };
        match &base.method {
            BaseMethod::Query { source, .. } => problems.push(format!(
                "`{id}` is collected automatically from source `{source}`: it is collected from there, not entered by hand"
            )),
            BaseMethod::Manual { min, max, evidence_required } => {
                if !value.is_finite() {
                    problems.push(format!("`{id}` must be a finite number"));
                }
                if let Some(lo) = min.filter(|lo| value < lo) {
                    problems.push(format!("`{id}` = {value} is below its minimum {lo}"));
                }
                if let Some(hi) = max.filter(|hi| value > hi) {
                    problems.push(format!("`{id}` = {value} is above its maximum {hi}"));
                }
                if *evidence_required && !entry.has_evidence {
                    problems.push(format!("`{id}` requires evidence: add an evidence file or link"));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(measure)
    } else {
        Err(problems)
    }
}
