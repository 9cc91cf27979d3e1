//! What the nonconformity, audit and review resources share: the registers
//! read with the programme, who acts and on which date, the JSON of stored
//! events.

use std::sync::Arc;

use clause9_app::records::Actor;
use clause9_core::Programme;
use clause9_core::registers::Registers;
use clause9_store::StoredEvent;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::programme_or_503;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

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
    Ok(Actor::account(
        &caller.user.person,
        caller.user.role,
        &caller.user.username,
        on,
        state.now(),
    ))
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
