//! What the audit and review pages read and write: the registers (read with
//! the programme and reloaded with it when a file changes), audits and management reviews rebuilt from their
//! event streams exactly as the CLI rebuilds them, and appending events.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::http::StatusCode;
use clause9_core::audit::{Audit, AuditEvent};
use clause9_core::registers::Registers;
use clause9_core::review::{Review, ReviewEvent};
use clause9_core::workflow::decode;
use clause9_store::{Appended, NewEvent, StoredEvent};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::web::PageError;

pub const AUDITS: &str = "audit/";
pub const REVIEWS: &str = "review/";
pub const NCS: &str = "nc/";

/// The registers of the served programme, read with it when its files last
/// changed; while they cannot be read, the page says where to look.
pub fn registers(state: &AppState) -> Result<Arc<Registers>, PageError> {
    state
        .programme
        .current_with_registers()
        .map(|(_, registers)| registers)
        .ok_or_else(|| PageError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: "no programme and registers are loaded; their problems are in the server log and at /api/v1/programme".into(),
        })
}

/// Events of the streams under `prefix`, by record id.
async fn streams(state: &AppState, prefix: &str) -> ApiResult<BTreeMap<String, Vec<StoredEvent>>> {
    let mut out: BTreeMap<String, Vec<StoredEvent>> = BTreeMap::new();
    for e in state.store.workflow().events(prefix).await? {
        let id = e
            .stream
            .split_once('/')
            .map_or("", |(_, id)| id)
            .to_string();
        out.entry(id).or_default().push(e);
    }
    Ok(out)
}

fn decoded<E: DeserializeOwned>(events: &[StoredEvent]) -> ApiResult<Vec<(E, jiff::civil::Date)>> {
    events
        .iter()
        .map(|e| {
            decode(&e.payload).map_err(|what| {
                ApiError::internal(format!(
                    "stored event #{} of {} cannot be read ({what})",
                    e.id, e.stream
                ))
            })
        })
        .collect()
}

/// Every audit with the number of its events (the next one is that + 1).
pub async fn audits(state: &AppState) -> ApiResult<Vec<(Audit, usize)>> {
    let mut out = Vec::new();
    for (id, events) in streams(state, AUDITS).await? {
        let list = decoded::<AuditEvent>(&events)?;
        let audit = Audit::replay(&id, &list).map_err(ApiError::internal)?;
        out.push((audit, events.len()));
    }
    Ok(out)
}

/// Every management review with the number of its events.
pub async fn reviews(state: &AppState) -> ApiResult<Vec<(Review, usize)>> {
    let mut out = Vec::new();
    for (id, events) in streams(state, REVIEWS).await? {
        let list = decoded::<ReviewEvent>(&events)?;
        let review = Review::replay(&id, &list).map_err(ApiError::internal)?;
        out.push((review, events.len()));
    }
    Ok(out)
}

/// A new event of `stream` at position `seq`, recorded now by `by`.
pub fn new_event(
    state: &AppState,
    stream: String,
    seq: usize,
    name: &str,
    payload: serde_json::Value,
    by: &str,
    why: &str,
) -> NewEvent {
    NewEvent {
        stream,
        seq: seq as i64,
        event: name.to_string(),
        payload,
        recorded_by: by.to_string(),
        recorded_at: state.now(),
        reason: why.to_string(),
        once_key: None,
    }
}

/// Appends all or nothing; someone else's change meanwhile is a conflict the
/// person can resolve by reloading.
pub async fn append(state: &AppState, events: Vec<NewEvent>) -> Result<(), PageError> {
    match state
        .store
        .workflow()
        .append_events(&events)
        .await
        .map_err(ApiError::from)?
    {
        Appended::Stored(_) => Ok(()),
        Appended::StreamChanged { stream } | Appended::AlreadyDone { once_key: stream } => {
            Err(PageError {
                status: StatusCode::CONFLICT,
                message: format!(
                    "{stream} was changed by someone else meanwhile; reload the page and send the form again"
                ),
            })
        }
    }
}
