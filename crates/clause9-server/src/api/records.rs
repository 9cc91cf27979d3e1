//! What the nonconformity, audit and review resources share: the registers
//! read with the programme, who acts and on which date, the JSON of stored
//! events, and the one mapping of `RecordError` to HTTP statuses.

use std::sync::Arc;

use axum::http::StatusCode;
use clause9_core::Programme;
use clause9_core::registers::Registers;
use clause9_store::StoredEvent;
use clause9_app::records::{Actor, RecordError};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::programme_or_503;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// The command-line names in the shared rules' messages, and what the API calls them.
const API_WORDS: &[(&str, &str)] = &[
    ("(--cause)", "(`cause`)"),
    ("(--description)", "(`description`)"),
    ("(--due)", "(`due`)"),
    ("(--evidence)", "(`evidence`)"),
    ("(--owner)", "(`owner`)"),
    ("(--success)", "(`success_criterion`)"),
    ("(--why-chain)", "(`whys`)"),
    ("(--why)", "(`why`)"),
    (
        "(`nc correct`)",
        "(`POST /api/v1/nonconformities/{id}/correction`)",
    ),
    (
        "(`nc analyse`)",
        "(`POST /api/v1/nonconformities/{id}/root-cause`)",
    ),
    (
        "(`nc action`)",
        "(`POST /api/v1/nonconformities/{id}/actions`)",
    ),
    (
        "(`nc implement`)",
        "(`POST /api/v1/nonconformities/{id}/actions/{action}/implementation`)",
    ),
    (
        "(`nc check`)",
        "(`POST /api/v1/nonconformities/{id}/check`)",
    ),
    (
        "(`nc verify`)",
        "(`POST /api/v1/nonconformities/{id}/verification`)",
    ),
    (
        "(`nc close`)",
        "(`POST /api/v1/nonconformities/{id}/closure`)",
    ),
];

/// A message of the shared rules with the API's names for fields and steps.
pub fn api_words(message: &str) -> String {
    API_WORDS
        .iter()
        .fold(message.to_string(), |m, (cli, api)| m.replace(cli, api))
}

impl From<RecordError> for ApiError {
    fn from(e: RecordError) -> ApiError {
        let lines: Vec<String> = e.lines().iter().map(|l| api_words(l)).collect();
        let e = match e {
            RecordError::NotFound(m) => RecordError::NotFound(api_words(&m)),
            RecordError::WrongState(m) => RecordError::WrongState(api_words(&m)),
            RecordError::Locked(m) => RecordError::Locked(api_words(&m)),
            other => other,
        };
        match e {
            RecordError::NotFound(m) => ApiError::not_found(m),
            RecordError::Refused(_) => ApiError::invalid("the change was refused", lines),
            RecordError::NotSmart(missing) => ApiError::invalid(
                format!(
                    "the action is not SMART: missing {}",
                    missing
                        .iter()
                        .map(|m| plain(m))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                missing.iter().map(|m| field_of(m)).collect(),
            ),
            RecordError::NotIndependent(_) => ApiError {
                details: lines,
                ..ApiError::forbidden("the person is not independent of what is audited")
            },
            RecordError::WrongState(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            RecordError::Locked(m) => ApiError::new(StatusCode::CONFLICT, "locked", m),
            RecordError::VerdictNeeded => ApiError::invalid(
                "this effectiveness check is manual",
                vec!["send `effective` (true or false) and the `evidence` of the check".into()],
            ),
            RecordError::Changed(_) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", lines.join("; "))
            }
            RecordError::Corrupt(m) => ApiError::internal(m),
            RecordError::Store(e) => e.into(),
        }
    }
}

/// "an owner (--owner)" → "an owner".
fn plain(missing: &str) -> String {
    missing
        .split_once(" (--")
        .map_or(missing, |(text, _)| text)
        .to_string()
}

/// "an owner (--owner)" → "owner: an owner is required", naming the body field.
fn field_of(missing: &str) -> String {
    let field = if missing.contains("owner") {
        "owner"
    } else if missing.contains("due") {
        "due"
    } else if missing.contains("success") {
        "success_criterion"
    } else {
        "description"
    };
    format!("{field}: {} is required", plain(missing))
}

/// The programme and its registers (`DIR/registers/*.toml`), as last read
/// together (a broken edit of either keeps the last good pair).
pub fn programme_and_registers(
    state: &AppState,
) -> Result<(Arc<Programme>, Arc<Registers>), ApiError> {
    programme_or_503(state)?;
    state
        .programme
        .current_with_registers()
        .ok_or_else(|| ApiError::unavailable("no programme is loaded"))
}

/// A `YYYY-MM-DD` field of a request.
pub fn date(field: &str, text: &str) -> Result<Date, ApiError> {
    match text.parse::<Date>() {
        Ok(d) if text.len() == 10 => Ok(d),
        _ => Err(ApiError::invalid(
            "the request was refused",
            vec![format!(
                "{field}: `{text}` is not a date such as 2026-03-31"
            )],
        )),
    }
}

/// The caller as the one who acts: their person, the date the step happened
/// (`on`, not in the future; default today) and the time it is stored.
pub fn actor(
    state: &AppState,
    programme: &Programme,
    caller: &Caller,
    on: Option<&str>,
) -> Result<Actor, ApiError> {
    let today = state.today(programme);
    let on = match on {
        Some(text) => date("on", text)?,
        None => today,
    };
    if on > today {
        return Err(ApiError::invalid(
            "the request was refused",
            vec![format!("on: {on} is in the future (today is {today})")],
        ));
    }
    Ok(Actor {
        by: caller.user.person.clone(),
        on,
        at: state.now(),
    })
}

/// A stored event of a record's history, as recorded.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EventView {
    /// 1, 2, … within the record.
    pub seq: i64,
    /// `raised`, `corrected`, `planned`, `finding_recorded`, `signed`…
    pub event: String,
    /// The person who made the change.
    pub recorded_by: String,
    /// When it was stored (UTC).
    pub recorded_at: String,
    /// Why.
    pub reason: String,
    /// The event as stored, with `on`, the date it happened.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

impl From<&StoredEvent> for EventView {
    fn from(e: &StoredEvent) -> EventView {
        EventView {
            seq: e.seq,
            event: e.event.clone(),
            recorded_by: e.recorded_by.clone(),
            recorded_at: e.recorded_at.to_string(),
            reason: e.reason.clone(),
            payload: e.payload.clone(),
        }
    }
}

/// The stored events of one record (`nc/NC-0001`…).
pub async fn history(state: &AppState, stream: &str) -> Result<Vec<EventView>, ApiError> {
    Ok(state
        .store
        .workflow()
        .events(stream)
        .await?
        .iter()
        .filter(|e| e.stream == stream)
        .map(EventView::from)
        .collect())
}

/// A request body, or a 422 naming what is wrong with it.
pub fn body<T>(
    body: Result<axum::Json<T>, axum::extract::rejection::JsonRejection>,
) -> Result<T, ApiError> {
    body.map(|axum::Json(b)| b).map_err(|e| {
        ApiError::invalid(
            "the body is not valid JSON for this endpoint",
            vec![e.body_text()],
        )
    })
}

/// Any serialisable record as JSON.
pub fn to_json<T: Serialize>(value: &T) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(value).map_err(ApiError::internal)
}
