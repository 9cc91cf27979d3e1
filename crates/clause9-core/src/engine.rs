//! The evaluation engine: base values → combined over the period → derived
//! measures (formulas) → indicator → decision criteria, with a diagnostic for
//! every value that is missing and why.

mod combine;
mod criteria;

use std::collections::HashMap;

pub use combine::{Plan, combine, first_period, is_due, plan};
pub use criteria::judge;

use crate::evaluation::{Evaluation, MeasureEvaluation, Status};
use crate::measure::Measure;
use crate::observation::Observation;
use crate::period::Period;
use crate::programme::{Programme, Settings};

/// Current base values, looked up by measure, base and collection period.
#[derive(Debug, Default)]
pub struct Values<'a> {
    map: HashMap<(&'a str, &'a str, Period), &'a Observation>,
}

impl<'a> Values<'a> {
    /// Indexes current observations; superseded ones are ignored.
    pub fn new(observations: &'a [Observation]) -> Self {
        let map = observations
            .iter()
            .filter(|o| o.is_current())
            .map(|o| {
                (
                    (o.new.measure.as_str(), o.new.base.as_str(), o.new.period),
                    o,
                )
            })
            .collect();
        Values { map }
    }

    pub fn get(&self, measure: &str, base: &str, period: Period) -> Option<&'a Observation> {
        self.map.get(&(measure, base, period)).copied()
    }
}

/// Evaluates every active measure of the programme for `period`.
pub fn evaluate(programme: &Programme, observations: &[Observation], period: Period) -> Evaluation {
    let values = Values::new(observations);
    Evaluation {
        programme: programme.settings.name.clone(),
        period,
        measures: programme
            .measures
            .iter()
            .filter(|m| m.is_active())
            .map(|m| evaluate_measure(&programme.settings, m, &values, period))
            .collect(),
    }
}

/// Evaluates one measure for `period`.
pub fn evaluate_measure(
    settings: &Settings,
    measure: &Measure,
    values: &Values,
    period: Period,
) -> MeasureEvaluation {
    let mut diagnostics = Vec::new();
    let plan = plan(settings, measure, period);
    diagnostics.extend(plan.note.clone());
    if plan.periods.is_empty() {
        diagnostics.push(format!(
            "not due: measuring starts in {}, after {period}",
            first_period(settings, measure)
        ));
    }

    let mut base = Vec::new();
    for b in &measure.base {
        let value = if plan.periods.is_empty() {
            None
        } else {
            base_value(
                measure,
                &b.id,
                b.aggregate,
                &plan.periods,
                period,
                values,
                &mut diagnostics,
            )
        };
        base.push((b.id.clone(), value));
    }

    let Computed {
        derived,
        value,
        errors,
    } = compute(measure, &base);
    if !plan.periods.is_empty() {
        diagnostics.extend(errors);
    }
    let status = judge(&measure.indicator, value);
    if status == Status::NoData && diagnostics.is_empty() {
        diagnostics.push(format!(
            "the indicator `{}` has no value for {period}",
            measure.indicator.measure
        ));
    }
    MeasureEvaluation {
        id: measure.id.clone(),
        name: measure.name.clone(),
        kind: measure.kind,
        unit: measure.unit.clone(),
        status,
        value,
        target: measure.indicator.target,
        base,
        derived,
        diagnostics,
        collection_periods: plan.periods,
        analysis: None,
    }
}

/// What combined base values give: derived values, the indicator's value, and
/// why any derived value is missing.
pub struct Computed {
    /// In evaluation order.
    pub derived: Vec<(String, Option<f64>)>,
    pub value: Option<f64>,
    pub errors: Vec<String>,
}

/// Computes the derived measures and the indicator from combined base values.
pub fn compute(measure: &Measure, base: &[(String, Option<f64>)]) -> Computed {
    let mut derived: Vec<(String, Option<f64>)> = Vec::new();
    let mut errors = Vec::new();
    for d in &measure.derived {
        let lookup = |name: &str| {
            base.iter()
                .chain(derived.iter())
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| *v)
        };
        let value = match d.formula.eval(&lookup) {
            Ok(v) => Some(v),
            Err(e) => {
                errors.push(format!("`{}` has no value: {e}", d.id));
                None
            }
        };
        derived.push((d.id.clone(), value));
    }
    let value = base
        .iter()
        .chain(derived.iter())
        .find(|(k, _)| *k == measure.indicator.measure)
        .and_then(|(_, v)| *v);
    Computed {
        derived,
        value,
        errors,
    }
}

/// One base measure's value for the evaluated period, or why there is none.
fn base_value(
    measure: &Measure,
    base: &str,
    aggregate: crate::measure::Aggregate,
    periods: &[Period],
    evaluated: Period,
    values: &Values,
    diagnostics: &mut Vec<String>,
) -> Option<f64> {
    // a value collected directly for the evaluated period wins over combining
    if periods.len() > 1
        && let Some(o) = values.get(&measure.id, base, evaluated)
    {
        note_version(measure, base, o, diagnostics);
        return match o.new.value {
            Some(v) => Some(v),
            None => {
                diagnostics.push(format!(
                    "`{base}` for {evaluated}: the source returned no value"
                ));
                None
            }
        };
    }
    let mut found = Vec::new();
    let mut missing = Vec::new();
    let mut empty = Vec::new();
    for p in periods {
        match values.get(&measure.id, base, *p) {
            Some(o) => {
                note_version(measure, base, o, diagnostics);
                match o.new.value {
                    Some(v) => found.push(v),
                    None => empty.push(p.to_string()),
                }
            }
            None => missing.push(p.to_string()),
        }
    }
    if !missing.is_empty() {
        let of = if periods.len() > 1 {
            format!(
                " ({} of {} collection periods)",
                missing.len(),
                periods.len()
            )
        } else {
            String::new()
        };
        diagnostics.push(format!(
            "no value for `{base}` in {}{of}",
            missing.join(", ")
        ));
    }
    if !empty.is_empty() {
        diagnostics.push(format!(
            "`{base}` was collected for {} but the source returned no value",
            empty.join(", ")
        ));
    }
    if missing.is_empty() && empty.is_empty() {
        combine(aggregate, &found)
    } else {
        None
    }
}

fn note_version(measure: &Measure, base: &str, o: &Observation, diagnostics: &mut Vec<String>) {
    if o.new.definition_version != measure.version {
        diagnostics.push(format!(
            "`{base}` for {} was recorded under version {} of the definition (now version {})",
            o.new.period, o.new.definition_version, measure.version
        ));
    }
}
