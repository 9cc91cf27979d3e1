//! `GET /api/v1/measures` and `GET /api/v1/measures/{id}`: the measurement
//! constructs of the programme, and one with its stored history.

use axum::Json;
use axum::extract::{Path, Query, State};
use clause9_core::measure::{BaseMethod, Measure};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::docs::ObservationDoc;
use crate::api::page::{Page, PageParams};
use crate::api::programme_or_503;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// A measure in a list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MeasureSummary {
    pub id: String,
    pub name: String,
    /// `performance` or `effectiveness`.
    pub kind: String,
    /// `active`, `draft` or `retired`.
    pub status: String,
    pub objectives: Vec<String>,
    pub owner: String,
    pub collector: String,
    /// `monthly`, `quarterly`…
    pub collection: String,
}

/// A base measure of a construct.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BaseView {
    pub id: String,
    pub description: String,
    /// `manual` or `query`.
    pub method: String,
    pub aggregate: String,
    pub unit: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub evidence_required: bool,
    pub source: Option<String>,
}

/// A derived measure of a construct.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DerivedView {
    pub id: String,
    pub formula: String,
    pub description: Option<String>,
    pub unit: Option<String>,
}

/// The indicator and its decision criteria.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct IndicatorView {
    pub measure: String,
    pub direction: String,
    pub target: f64,
    pub green: f64,
    pub red: Option<f64>,
    pub interpretation: Option<String>,
}

/// A whole measurement construct with its stored history.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MeasureDetail {
    #[serde(flatten)]
    pub summary: MeasureSummary,
    pub version: u32,
    pub information_need: String,
    pub controls: Vec<String>,
    pub unit: String,
    pub analyst: String,
    pub due_days: u32,
    pub base: Vec<BaseView>,
    pub derived: Vec<DerivedView>,
    pub indicator: IndicatorView,
    /// Every stored value, corrections included, by id, with provenance.
    pub history: Vec<ObservationDoc>,
}

fn lifecycle(m: &Measure) -> &'static str {
    match m.status {
        clause9_core::measure::Lifecycle::Active => "active",
        clause9_core::measure::Lifecycle::Draft => "draft",
        clause9_core::measure::Lifecycle::Retired => "retired",
    }
}

pub fn summary(m: &Measure) -> MeasureSummary {
    MeasureSummary {
        id: m.id.clone(),
        name: m.name.clone(),
        kind: m.kind.as_str().into(),
        status: lifecycle(m).into(),
        objectives: m.objectives.clone(),
        owner: m.roles.owner.clone(),
        collector: m.roles.collector.clone(),
        collection: m.frequency.collection.to_string(),
    }
}

/// The measures of the programme, by id.
#[utoipa::path(get, path = "/api/v1/measures", tag = "measures", params(PageParams),
    responses((status = 200, body = Page<MeasureSummary>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    _caller: Caller,
    Query(page): Query<PageParams>,
) -> ApiResult<Json<Page<MeasureSummary>>> {
    let programme = programme_or_503(&state)?;
    let mut all: Vec<MeasureSummary> = programme.measures.iter().map(summary).collect();
    all.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Json(page.slice(all)?))
}

/// One measurement construct and every value stored for it.
#[utoipa::path(get, path = "/api/v1/measures/{id}", tag = "measures",
    params(("id" = String, Path, description = "measure id")),
    responses((status = 200, body = MeasureDetail), (status = 401, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let programme = programme_or_503(&state)?;
    let m = programme
        .measure(&id)
        .ok_or_else(|| ApiError::not_found(format!("no measure `{id}` in the programme")))?;
    let history = state.store.history(&id).await?;
    let detail = serde_json::json!({
        "id": m.id, "name": m.name, "kind": m.kind.as_str(), "status": lifecycle(m),
        "objectives": m.objectives, "owner": m.roles.owner, "collector": m.roles.collector,
        "collection": m.frequency.collection.to_string(),
        "version": m.version, "information_need": m.information_need, "controls": m.controls,
        "unit": m.unit, "analyst": m.roles.analyst, "due_days": m.frequency.due_days,
        "base": m.base.iter().map(base_view).collect::<Vec<_>>(),
        "derived": m.derived.iter().map(|d| DerivedView {
            id: d.id.clone(), formula: d.formula.text().to_string(),
            description: d.description.clone(), unit: d.unit.clone(),
        }).collect::<Vec<_>>(),
        "indicator": IndicatorView {
            measure: m.indicator.measure.clone(), direction: m.indicator.direction.as_str().into(),
            target: m.indicator.target, green: m.indicator.green, red: m.indicator.red,
            interpretation: m.indicator.interpretation.clone(),
        },
        "history": history,
    });
    Ok(Json(detail))
}

fn base_view(b: &clause9_core::measure::BaseMeasure) -> BaseView {
    let (method, min, max, evidence_required, source) = match &b.method {
        BaseMethod::Manual {
            min,
            max,
            evidence_required,
        } => ("manual", *min, *max, *evidence_required, None),
        BaseMethod::Query { source, .. } => ("query", None, None, false, Some(source.clone())),
    };
    BaseView {
        id: b.id.clone(),
        description: b.description.clone(),
        method: method.into(),
        aggregate: b.aggregate.as_str().into(),
        unit: b.unit.clone(),
        min,
        max,
        evidence_required,
        source,
    }
}
