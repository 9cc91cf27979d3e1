//! `GET /measures/{id}`: one measurement construct — its fields, a chart of
//! the indicator with target and bands, and every stored value with its
//! provenance and corrections.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Html;
use clause9_core::controls::name_of;
use clause9_core::measure::BaseMethod;
use clause9_core::period::{Frequency, Period};
use serde_json::Value;

use crate::api::programme_or_503;
use crate::state::AppState;
use crate::web::analysis::{analysed, view as analysis_view};
use crate::web::auth::WebUser;
use crate::web::data::evaluations;
use crate::web::nc::measure_ncs;
use crate::web::svg::{Limits, chart, short};
use crate::web::templates::render;
use crate::web::{PageError, PageResult};

/// How many reporting periods the chart shows.
fn periods_shown(f: Frequency) -> usize {
    match f {
        Frequency::Monthly => 24,
        Frequency::Weekly => 26,
        _ => 8,
    }
}

pub async fn page(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> PageResult {
    let programme = programme_or_503(&state)?;
    let Some(m) = programme.measure(&id) else {
        return Err(PageError {
            status: StatusCode::NOT_FOUND,
            message: format!(
                "there is no measure `{id}` in the programme; pick one on the dashboard"
            ),
        });
    };
    let settings = &programme.settings;
    let today = state.today(&programme);
    let freq = m.frequency.reporting;
    let mut p = Period::containing(freq, today).prev();
    let mut periods = vec![p];
    for _ in 1..periods_shown(freq) {
        p = p.prev();
        periods.push(p);
    }
    periods.reverse();
    let evals = evaluations(&state, &programme, &periods).await?;
    let points: Vec<(String, Option<f64>)> = evals
        .iter()
        .map(|e| {
            (
                e.period.to_string(),
                e.measures
                    .iter()
                    .find(|x| x.id == m.id)
                    .and_then(|x| x.value),
            )
        })
        .collect();
    let latest = evals
        .last()
        .and_then(|e| e.measures.iter().find(|x| x.id == m.id));
    let base: Vec<Value> = m
        .base
        .iter()
        .map(|b| {
            let (method, range, evidence) = match &b.method {
                BaseMethod::Manual {
                    min,
                    max,
                    evidence_required,
                } => (
                    "manual".to_string(),
                    format!(
                        "{} – {}",
                        min.map_or("any".into(), short),
                        max.map_or("any".into(), short)
                    ),
                    *evidence_required,
                ),
                BaseMethod::Query { source, .. } => {
                    (format!("query ({source})"), String::new(), false)
                }
            };
            serde_json::json!({
                "id": b.id, "description": b.description, "method": method, "range": range,
                "evidence": evidence, "aggregate": b.aggregate.as_str(), "unit": b.unit,
            })
        })
        .collect();
    let derived: Vec<Value> = m
        .derived
        .iter()
        .map(|d| serde_json::json!({ "id": d.id, "formula": d.formula.text(), "description": d.description, "unit": d.unit }))
        .collect();
    let mut history = state
        .store
        .history(&id)
        .await
        .map_err(crate::error::ApiError::from)?;
    history.sort_by(|a, b| b.new.period.cmp(&a.new.period).then(b.id.cmp(&a.id)));
    let history: Vec<Value> = history
        .iter()
        .map(|o| {
            let evidence = o
                .new
                .evidence
                .url
                .clone()
                .or_else(|| {
                    o.new
                        .evidence
                        .sha256
                        .as_ref()
                        .map(|s| format!("sha256:{}", &s[..12.min(s.len())]))
                })
                .unwrap_or_default();
            serde_json::json!({
                "id": o.id, "period": o.new.period.to_string(), "base": o.new.base,
                "value": o.new.value.map_or("no value".into(), short),
                "by": settings.display_name(&o.new.recorded_by),
                "at": o.new.recorded_at.strftime("%Y-%m-%d %H:%M").to_string(),
                "method": format!("{:?}", o.new.method).to_lowercase(),
                "evidence": evidence,
                "provenance": o.new.provenance.as_ref().map(|p| p.to_string()),
                "supersedes": o.new.supersedes, "superseded_by": o.superseded_by,
                "reason": o.new.reason,
            })
        })
        .collect();
    let controls: Vec<Value> = m
        .controls
        .iter()
        .map(|c| serde_json::json!({ "id": c, "name": name_of(c) }))
        .collect();
    let objectives: Vec<Value> = m
        .objectives
        .iter()
        .map(|o| serde_json::json!({ "id": o, "title": settings.objectives.get(o).map(|x| x.title.clone()) }))
        .collect();
    let last = periods.last().copied().unwrap_or(p);
    let analysis = analysed(&state, &programme, m, last, today).await?;
    let ncs = measure_ncs(&state, &m.id, today).await?;
    let ind = &m.indicator;
    // The limits are of the collection periods' values: drawn when the chart
    // shows those same periods (collected as often as reported).
    let limits = match (
        analysis.control.centre,
        analysis.control.lower,
        analysis.control.upper,
    ) {
        (Some(centre), Some(lower), Some(upper)) if m.frequency.collection == freq => {
            Some(Limits {
                centre,
                lower,
                upper,
            })
        }
        _ => None,
    };
    Ok(Html(render(
        "measure.html",
        serde_json::json!({
            "title": format!("{} {}", m.id, m.name), "user": user.view(), "nav": "",
            "m": {
                "id": m.id, "name": m.name, "kind": m.kind.as_str(), "version": m.version,
                "information_need": m.information_need, "unit": m.unit,
                "owner": settings.display_name(&m.roles.owner),
                "collector": settings.display_name(&m.roles.collector),
                "analyst": settings.display_name(&m.roles.analyst),
                "collection": m.frequency.collection.to_string(),
                "reporting": m.frequency.reporting.to_string(),
                "due_days": m.frequency.due_days, "area": m.area,
            },
            "indicator": {
                "measure": ind.measure, "direction": ind.direction.as_str().replace('_', " "),
                "target": short(ind.target), "green": short(ind.green), "red": ind.red.map(short),
                "interpretation": ind.interpretation,
            },
            "latest": latest.map(|l| serde_json::json!({
                "period": evals.last().map(|e| e.period.to_string()),
                "status": l.status.as_str(), "value": l.value.map(short), "diagnostics": l.diagnostics,
            })),
            "base": base, "derived": derived, "controls": controls, "objectives": objectives,
            "chart": (chart(&points, ind, &m.unit, limits)),
            "limits": limits.map(|l| serde_json::json!({ "centre": short(l.centre), "lower": short(l.lower), "upper": short(l.upper) })),
            "limits_elsewhere": limits.is_none() && analysis.control.centre.is_some(),
            "history": history,
            "analysis": analysis_view(&analysis), "analysed_period": last.to_string(), "ncs": ncs,
        }),
    )))
}
