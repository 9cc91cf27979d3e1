//! Analysis of each measure over the history of its current definition
//! version: trend, XmR control chart, forecast and data-quality notes, plus
//! roll-ups over objectives, controls, areas, owners and kinds. The
//! statistics themselves (and the `Analysis` they make up) are pure and live
//! in `crate::statistics`, below the engine and the evaluation.
//!
//! The series is the indicator value of every collection period from the
//! first due one (or the first after the last value recorded under an
//! earlier definition version) up to the latest collection period ended by
//! the evaluated period, each computed by `engine::evaluate_measure`.

mod quality;
mod rollup;

use std::collections::HashMap;

use jiff::civil::Date;

pub use crate::statistics::{
    Analysis, Control, Forecast, HORIZON, Line, MIN_CONTROL_POINTS, MIN_TREND_POINTS, Outlook,
    Signal, Trend, Verdict, control, forecast, least_squares, mann_kendall_p, signals, stats,
    theil_sen, trend,
};
pub use rollup::{Group, ObjectiveRollup, Rollups, StatusCounts, rollups};

use crate::engine::{Values, evaluate_measure, first_period};
use crate::evaluation::Evaluation;
use crate::measure::Measure;
use crate::observation::Observation;
use crate::period::Period;
use crate::programme::{Programme, Settings};

/// The collection periods of `measure` from the first due one to the latest
/// one ended by the end of `period` (empty when measuring starts later).
pub fn collection_range(settings: &Settings, measure: &Measure, period: Period) -> Vec<Period> {
    let freq = measure.frequency.collection;
    let first = Period::containing(freq, first_period(settings, measure).first_day());
    let last = period.latest_of(freq);
    if first > last {
        return Vec::new();
    }
    Period::range(first, last).unwrap_or_default()
}

/// Analyses one measure. `history` holds its observations, superseded ones
/// included (others are ignored); `today` decides which missing values are
/// already late rather than not yet due.
pub fn analyse(
    settings: &Settings,
    measure: &Measure,
    history: &[Observation],
    period: Period,
    today: Date,
) -> Analysis {
    let own: Vec<Observation> = history
        .iter()
        .filter(|o| o.new.measure == measure.id)
        .cloned()
        .collect();
    let values = Values::new(&own);
    let range = collection_range(settings, measure, period);

    // the trend restarts after the last period holding a value of an earlier version
    let older = |c: &Period| {
        own.iter().any(|o| {
            o.is_current() && o.new.period == *c && o.new.definition_version != measure.version
        })
    };
    let start = range.iter().rposition(older).map_or(0, |i| i + 1);
    let mut quality = Vec::new();
    if start > 0 {
        let from = range
            .get(start)
            .map_or_else(|| "the next period".to_string(), Period::to_string);
        quality.push(format!(
            "values up to {} were recorded under an earlier definition version; the trend restarts with version {} from {from}",
            range[start - 1],
            measure.version
        ));
    }
    let periods = &range[start..];
    let series: Vec<(Period, Option<f64>)> = periods
        .iter()
        .map(|c| (*c, evaluate_measure(settings, measure, &values, *c).value))
        .collect();
    quality.extend(quality::notes(settings, measure, &own, &series, today));

    let known: Vec<(usize, Period, f64)> = series
        .iter()
        .enumerate()
        .filter_map(|(i, (p, v))| v.map(|v| (i, *p, v)))
        .collect();
    let xs: Vec<f64> = known.iter().map(|k| k.0 as f64).collect();
    let ys: Vec<f64> = known.iter().map(|k| k.2).collect();
    let direction = measure.indicator.direction;
    let trend = trend(&xs, &ys, direction);
    let control = control(&known.iter().map(|k| (k.1, k.2)).collect::<Vec<_>>());
    let line = match (trend.slope, trend.slope_ci95, known.last()) {
        (Some(slope), Some(ci), Some(last)) => Some(Line {
            periods,
            last_x: last.0,
            last_value: last.2,
            mean_x: xs.iter().sum::<f64>() / xs.len() as f64,
            mean_y: ys.iter().sum::<f64>() / ys.len() as f64,
            slope,
            slope_ci95: ci,
        }),
        _ => None,
    };
    let forecast = forecast(line.as_ref(), measure.indicator.target, direction);
    Analysis {
        measure: measure.id.clone(),
        version: measure.version,
        series,
        trend,
        control,
        forecast,
        quality,
    }
}

/// Analyses every measure of an evaluation and attaches the result to it.
/// `history` holds all observations (superseded included) of any measures.
pub fn analyse_evaluation(
    programme: &Programme,
    evaluation: &mut Evaluation,
    history: &[Observation],
    today: Date,
) {
    let mut by_measure: HashMap<&str, Vec<Observation>> = HashMap::new();
    for o in history {
        by_measure
            .entry(o.new.measure.as_str())
            .or_default()
            .push(o.clone());
    }
    let period = evaluation.period;
    for m in &mut evaluation.measures {
        if let Some(measure) = programme.measure(&m.id) {
            let own = by_measure.get(m.id.as_str()).map_or(&[][..], Vec::as_slice);
            m.analysis = Some(analyse(&programme.settings, measure, own, period, today));
        }
    }
}
