//! `POST /api/v1/observations`: manual values, checked exactly as `clause9
//! record` checks them (`clause9_core::record::check_manual`), by a caller
//! whose role and person allow recording that measure.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use clause9_app::records::Actor;
use clause9_app::values::{self, Entry};
use clause9_core::observation::Evidence;
use clause9_core::period::Period;
use clause9_store::accounts::User;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::docs::ObservationDoc;
use crate::api::evidence::vault_evidence;
use crate::api::programme_or_503;
use crate::auth::{Caller, access_of};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Values of one measure for one period.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewValues {
    /// Measure id, e.g. `M-AW-01`.
    pub measure: String,
    /// Collection period, e.g. `2026-10`.
    pub period: String,
    /// Base measure id → value.
    pub values: BTreeMap<String, f64>,
    /// An `https://` link, or `sha256:HEX` of a file uploaded to `/api/v1/evidence`.
    pub evidence: Option<String>,
    /// Why a stored value is being corrected (required to correct one).
    pub reason: Option<String>,
}

/// What was stored.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Recorded {
    pub stored: Vec<ObservationDoc>,
    /// Base measures whose value was already stored as given (nothing written).
    pub unchanged: Vec<String>,
}

/// Records manual base values: 201 with the stored observations, 422 naming each problem.
#[utoipa::path(post, path = "/api/v1/observations", tag = "observations", request_body = NewValues,
    responses((status = 201, body = Recorded), (status = 200, description = "every value was already stored", body = Recorded),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn post(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Json<NewValues>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    // a role that records nothing is refused before its body is read
    caller.may_kind(clause9_core::access::ActionKind::RecordValues)?;
    let Json(body) = body.map_err(|e| {
        ApiError::invalid(
            "the body is not valid JSON for this endpoint",
            vec![e.body_text()],
        )
    })?;
    let (status, recorded) = record(&state, &caller.user, body, "api").await?;
    Ok((status, Json(recorded)))
}

/// Checks and stores manual values for `user` (the API and the web form):
/// `via` names the channel in the provenance; 201 or 200 with `{stored, unchanged}`, or the problems as a 422.
pub async fn record(
    state: &AppState,
    user: &User,
    body: NewValues,
    via: &str,
) -> ApiResult<(StatusCode, serde_json::Value)> {
    let programme = programme_or_503(state)?;
    clause9_core::access::may(
        &programme,
        &access_of(user),
        &clause9_core::access::Action::RecordValues(programme.measure(&body.measure)),
    )?;
    let period: Period = body
        .period
        .parse()
        .map_err(|e| ApiError::invalid("the values were refused", vec![format!("period: {e}")]))?;
    let evidence = match body.evidence.as_deref() {
        None => Evidence::default(),
        Some(link) if link.starts_with("https://") => Evidence {
            url: Some(link.to_string()),
            ..Evidence::default()
        },
        Some(link) => vault_evidence(state, link).await?.ok_or_else(|| {
            ApiError::invalid(
                "the values were refused",
                vec![format!(
                    "evidence `{link}` is neither an https:// link nor sha256:HEX of an uploaded file"
                )],
            )
        })?,
    };
    let values: Vec<(String, f64)> = body.values.into_iter().collect();
    let today = state.today(&programme);
    let actor = Actor::account(&user.person, user.role, &user.username, today, state.now());
    let entry = Entry {
        measure: &body.measure,
        period,
        values: &values,
        evidence,
        reason: body.reason,
        provenance: Some(serde_json::json!({"via": via, "user": user.username})),
    };
    let recorded = values::record_entry(state.store.as_ref(), &programme, &actor, entry).await?;
    let stored = recorded.stored;
    let unchanged: Vec<String> = (recorded.unchanged.into_iter())
        .map(|(_, base, _)| base)
        .collect();
    let status = if stored.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        serde_json::json!({ "stored": stored, "unchanged": unchanged }),
    ))
}
