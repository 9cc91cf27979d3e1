//! Liveness, readiness and the programme's load state.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The process is running.
#[utoipa::path(get, path = "/healthz", tag = "system", responses((status = 200, description = "alive", body = String)))]
pub async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: the database answers and a programme is loaded.
#[utoipa::path(get, path = "/readyz", tag = "system",
    responses((status = 200, description = "ready", body = String), (status = 503, body = crate::error::ErrorBody)))]
pub async fn readyz(State(state): State<AppState>) -> ApiResult<&'static str> {
    if state.programme.current().is_none() {
        return Err(ApiError::unavailable(
            "no valid programme is loaded; see the server log",
        ));
    }
    state
        .store
        .jobs()
        .release("readyz-probe", "readyz-probe")
        .await
        .map_err(|e| {
            tracing::warn!("readiness check: {e}");
            ApiError::unavailable("the database does not answer")
        })?;
    Ok("ready")
}

/// Which programme is served, and the errors of the latest edit if it was refused.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProgrammeStatus {
    pub name: Option<String>,
    pub measures: usize,
    /// SHA-256 over the files of the programme served.
    pub digest: Option<String>,
    /// Empty when the files on disk are the programme served; otherwise each
    /// problem of the refused edit (the last good programme is still served).
    pub errors: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/programme", tag = "system",
    responses((status = 200, body = ProgrammeStatus), (status = 401, body = crate::error::ErrorBody)))]
pub async fn programme(State(state): State<AppState>, _caller: Caller) -> Json<ProgrammeStatus> {
    let loaded = state.programme.snapshot();
    Json(ProgrammeStatus {
        name: loaded.programme.as_ref().map(|p| p.settings.name.clone()),
        measures: loaded.programme.as_ref().map_or(0, |p| p.measures.len()),
        digest: loaded.digest,
        errors: loaded.errors,
    })
}
