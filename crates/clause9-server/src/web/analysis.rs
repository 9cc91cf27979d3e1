//! The analysis shown on a measure's page: one measure analysed up to a
//! period by `clause9_core::analysis::analyse` — the same computation as
//! `clause9 analyse` — and put in words: the trend verdict with its
//! statistics, the XmR control limits and signals, the forecast and the
//! data-quality notes.

use std::collections::BTreeMap;

use clause9_core::Programme;
use clause9_core::analysis::{Analysis, Signal, analyse};
use clause9_core::measure::Measure;
use clause9_core::period::Period;
use jiff::civil::Date;
use serde_json::{Value, json};

use crate::error::ApiResult;
use crate::state::AppState;
use crate::web::svg::short;

/// `measure` analysed up to `period` from its whole stored history.
pub async fn analysed(
    state: &AppState,
    programme: &Programme,
    measure: &Measure,
    period: Period,
    today: Date,
) -> ApiResult<Analysis> {
    let history = state.store.history(&measure.id).await?;
    Ok(analyse(
        &programme.settings,
        measure,
        &history,
        period,
        today,
    ))
}

fn four(v: f64) -> String {
    let text = format!("{v:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.to_string()
    }
}

/// What a control-chart rule means, in words.
fn rule_words(rule: &str) -> String {
    match rule {
        "beyond_limits" => "a value beyond the control limits".into(),
        "run_of_8" => "8 or more values in a row on one side of the centre".into(),
        "trend_of_6" => "6 or more values in a row rising or falling".into(),
        "two_of_three" => "2 of 3 values near a limit, on one side".into(),
        other => other.replace('_', " "),
    }
}

/// The signals grouped by rule, each with its periods in order.
fn signals(list: &[Signal]) -> Vec<Value> {
    let mut by_rule: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for s in list {
        by_rule
            .entry(s.rule)
            .or_default()
            .push(s.period.to_string());
    }
    by_rule
        .into_iter()
        .map(|(rule, periods)| json!({ "rule": rule_words(rule), "periods": periods.join(", "), "count": periods.len() }))
        .collect()
}

/// What the template shows of an analysis.
pub fn view(a: &Analysis) -> Value {
    let t = &a.trend;
    let trend = match (t.slope, t.slope_ci95, t.verdict) {
        (Some(slope), Some(ci), Some(verdict)) => json!({
            "verdict": verdict.as_str(), "points": t.points,
            "slope": four(slope), "low": four(ci[0]), "high": four(ci[1]),
            "theil_sen": t.theil_sen_slope.map(four),
            "p": t.mann_kendall_p.map(|p| if p < 0.001 { "< 0.001".to_string() } else { format!("{p:.3}") }),
        }),
        _ => {
            json!({ "note": t.note.clone().unwrap_or_else(|| "no trend".into()), "points": t.points })
        }
    };
    let c = &a.control;
    let control = match (c.centre, c.lower, c.upper) {
        (Some(centre), Some(lower), Some(upper)) => json!({
            "points": c.points, "centre": short(centre), "lower": short(lower), "upper": short(upper),
            "signals": signals(&c.signals),
        }),
        _ => {
            json!({ "note": c.note.clone().unwrap_or_else(|| "no control limits".into()), "points": c.points })
        }
    };
    json!({
        "version": a.version,
        "trend": trend,
        "control": control,
        "forecast": a.forecast.note,
        "quality": a.quality,
        "missing": a.series.iter().filter(|(_, v)| v.is_none()).count(),
        "points": a.series.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::four;

    #[test]
    fn slopes_are_shown_with_at_most_four_decimals() {
        assert_eq!(four(0.123_456), "0.1235");
        assert_eq!(four(2.0), "2");
        assert_eq!(four(-0.000_01), "0");
    }
}
