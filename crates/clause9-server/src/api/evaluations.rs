//! `GET /api/v1/evaluations?period=P`: the same JSON as `clause9 evaluate --format json`.

use std::collections::BTreeSet;

use axum::Json;
use axum::extract::{Query, State};
use clause9_core::Programme;
use clause9_core::evaluation::Evaluation;
use clause9_core::period::{Frequency, Period};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::docs::EvaluationDoc;
use crate::api::programme_or_503;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodParams {
    /// A period such as 2026-10, 2026-Q4, 2026-H2, 2026 or 2026-W44; default: the current month.
    pub period: Option<String>,
}

/// Every active measure evaluated for a period.
#[utoipa::path(get, path = "/api/v1/evaluations", tag = "evaluations", params(PeriodParams),
    responses((status = 200, body = EvaluationDoc), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    _caller: Caller,
    Query(params): Query<PeriodParams>,
) -> ApiResult<Json<Evaluation>> {
    let programme = programme_or_503(&state)?;
    let period = match params.period {
        Some(text) => text
            .parse::<Period>()
            .map_err(|e| ApiError::bad_request(format!("period: {e}")))?,
        None => current_month(&programme, &state),
    };
    Ok(Json(evaluate_analysed(&state, &programme, period).await?))
}

/// Evaluates `period` with each measure's analysis (trend, control chart,
/// forecast, data quality): exactly what `clause9 evaluate --format json` prints.
pub async fn evaluate_analysed(
    state: &AppState,
    programme: &Programme,
    period: Period,
) -> ApiResult<Evaluation> {
    let today = state.today(programme);
    Ok(clause9_app::evaluations::analysed(state.store.as_ref(), programme, period, today).await?)
}

/// The month containing today in the programme's timezone.
pub fn current_month(programme: &Programme, state: &AppState) -> Period {
    let today = state
        .now()
        .to_zoned(programme.settings.timezone.clone())
        .date();
    Period::containing(Frequency::Monthly, today)
}

/// Evaluates `period` from the current observations it needs.
pub async fn evaluate(
    state: &AppState,
    programme: &Programme,
    period: Period,
) -> ApiResult<Evaluation> {
    let mut periods = BTreeSet::from([period]);
    for m in programme.measures.iter().filter(|m| m.is_active()) {
        periods.extend(clause9_core::engine::plan(&programme.settings, m, period).periods);
    }
    let periods: Vec<Period> = periods.into_iter().collect();
    let observations = state.store.current(None, &periods).await?;
    Ok(clause9_core::engine::evaluate(
        programme,
        &observations,
        period,
    ))
}
