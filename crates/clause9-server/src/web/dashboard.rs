//! `GET /`: the dashboard — every active measure's status for the last
//! month, grouped by objective, Annex A theme and area; performance versus
//! effectiveness counts; sparklines of the last 12 months; overdue
//! collections; open nonconformities; the next management review and the
//! next internal audit; what changed since the month before.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::Html;
use clause9_core::controls::theme_of;
use clause9_core::evaluation::Status;
use clause9_core::schedule::CollectionState;
use serde::Serialize;
use serde_json::Value;

use crate::api::programme_or_503;
use crate::state::AppState;
use crate::web::PageResult;
use crate::web::auth::WebUser;
use crate::web::data::{collections, evaluations, months_back, nonconformities, recent_months};
use crate::web::svg::{short, sparkline};
use crate::web::templates::render;

/// One measure's row on the dashboard.
#[derive(Serialize, Clone)]
struct Row {
    id: String,
    name: String,
    kind: &'static str,
    status: &'static str,
    value: String,
    target: String,
    unit: String,
    spark: String,
}

#[derive(Serialize)]
struct Group {
    title: String,
    rows: Vec<Row>,
}

fn status_label(s: Status) -> &'static str {
    match s {
        Status::Green => "green",
        Status::Amber => "amber",
        Status::Red => "red",
        Status::NoData => "no data",
    }
}

pub async fn page(State(state): State<AppState>, user: WebUser) -> PageResult {
    let programme = programme_or_503(&state)?;
    let today = state.today(&programme);
    let last =
        clause9_core::period::Period::containing(clause9_core::period::Frequency::Monthly, today)
            .prev();
    let months = months_back(last, 12);
    let evals = evaluations(&state, &programme, &months).await?;
    let Some(latest) = evals.last() else {
        return Err(crate::error::ApiError::internal("no evaluation").into());
    };
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    let mut counts: BTreeMap<(&'static str, &'static str), usize> = BTreeMap::new();
    for m in &latest.measures {
        let series: Vec<Option<f64>> = evals
            .iter()
            .map(|e| {
                e.measures
                    .iter()
                    .find(|x| x.id == m.id)
                    .and_then(|x| x.value)
            })
            .collect();
        let label = format!(
            "{} over the last 12 months: {}",
            m.id,
            series
                .iter()
                .map(|v| v.map_or("no value".into(), short))
                .collect::<Vec<_>>()
                .join(", ")
        );
        *counts
            .entry((m.kind.as_str(), m.status.as_str()))
            .or_default() += 1;
        rows.insert(
            m.id.clone(),
            Row {
                id: m.id.clone(),
                name: m.name.clone(),
                kind: m.kind.as_str(),
                status: status_label(m.status),
                value: m.value.map_or("—".into(), short),
                target: short(m.target),
                unit: m.unit.clone(),
                spark: (sparkline(&series, &label)),
            },
        );
    }
    let group = |key: &dyn Fn(&clause9_core::measure::Measure) -> Vec<String>,
                 title: &dyn Fn(&str) -> String| {
        let mut groups: BTreeMap<String, Vec<Row>> = BTreeMap::new();
        for m in programme.measures.iter().filter(|m| m.is_active()) {
            let Some(row) = rows.get(&m.id) else { continue };
            let mut keys = key(m);
            if keys.is_empty() {
                keys.push(String::new());
            }
            for k in keys {
                groups.entry(k).or_default().push(row.clone());
            }
        }
        groups
            .into_iter()
            .map(|(k, rows)| Group {
                title: if k.is_empty() {
                    "(none)".into()
                } else {
                    title(&k)
                },
                rows,
            })
            .collect::<Vec<_>>()
    };
    let settings = &programme.settings;
    let by_objective = group(&|m| m.objectives.clone(), &|k| {
        settings
            .objectives
            .get(k)
            .map_or(k.to_string(), |o| format!("{k}: {}", o.title))
    });
    let by_theme = group(
        &|m| {
            let mut t: Vec<String> = m
                .controls
                .iter()
                .filter_map(|c| theme_of(c).map(|t| t.as_str().to_string()))
                .collect();
            t.sort();
            t.dedup();
            t
        },
        &|k| format!("{}{}", k[..1].to_uppercase(), &k[1..]),
    );
    let by_area = group(&|m| m.area.clone().into_iter().collect(), &|k| {
        settings
            .areas
            .get(k)
            .map_or(k.to_string(), |a| format!("{k}: {}", a.title))
    });
    let kinds: Vec<Value> = ["performance", "effectiveness"]
        .iter()
        .map(|kind| {
            let n = |s: &str| counts.get(&(*kind, s)).copied().unwrap_or(0);
            serde_json::json!({ "kind": kind, "green": n("green"), "amber": n("amber"), "red": n("red"), "no_data": n("no_data") })
        })
        .collect();
    let items = collections(&state, &programme, &recent_months(today), today).await?;
    let overdue: Vec<Value> = items
        .iter()
        .filter(|i| i.state == CollectionState::Overdue)
        .map(|i| {
            serde_json::json!({
                "measure": i.measure, "name": i.measure_name, "base": i.base,
                "period": i.period.to_string(), "due": i.due.to_string(),
                "collector": settings.display_name(&i.collector),
            })
        })
        .collect();
    let open_ncs: Vec<Value> = nonconformities(&state)
        .await?
        .into_iter()
        .filter(|n| n.is_open())
        .map(|n| {
            serde_json::json!({
                "id": n.id, "state": n.state.as_str(), "severity": n.severity,
                "description": n.description, "raised_on": n.raised_on.to_string(),
                "overdue": n.is_overdue(today),
            })
        })
        .collect();
    let reviews = crate::web::records::reviews(&state).await?;
    let next_review = crate::web::reviews::next_review(&reviews, today).map(|r| {
        serde_json::json!({ "id": r.id, "title": r.title, "date": r.date.to_string(),
            "chair": settings.display_name(&r.chair) })
    });
    let audits = crate::web::records::audits(&state).await?;
    let next_audit = crate::web::audits::next_audit(&audits, today).map(|a| {
        serde_json::json!({ "id": a.id, "title": a.plan.title, "start": a.plan.start.to_string(),
            "end": a.plan.end.to_string(), "in_progress": a.plan.start <= today })
    });
    let changes = match evals.len() {
        n if n >= 2 => crate::web::changes::since(&evals[n - 2], &evals[n - 1]),
        _ => Vec::new(),
    };
    let previous = last.prev().to_string();
    Ok(Html(render(
        "dashboard.html",
        serde_json::json!({
            "title": "Dashboard", "user": user.view(), "programme": settings.name,
            "period": last.to_string(), "kinds": kinds,
            "by_objective": by_objective, "by_theme": by_theme, "by_area": by_area,
            "overdue": overdue, "ncs": open_ncs, "nav": "dashboard",
            "next_review": next_review, "next_audit": next_audit,
            "changes": changes, "previous": previous,
        }),
    )))
}
