//! What the audit and review pages read: the registers (read with the
//! programme and reloaded with it when a file changes), and audits and
//! management reviews as the use-case layer rebuilds them for every door.

use std::sync::Arc;

use axum::http::StatusCode;
use clause9_core::audit::Audit;
use clause9_core::registers::Registers;
use clause9_core::review::Review;

use crate::error::ApiResult;
use crate::state::AppState;
use crate::web::PageError;

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

/// Every audit, rebuilt from its events by the use-case layer.
pub async fn audits(state: &AppState) -> ApiResult<Vec<Audit>> {
    Ok(clause9_app::records::audits::load_all(state.store.as_ref()).await?)
}

/// Every management review, rebuilt from its events by the use-case layer.
pub async fn reviews(state: &AppState) -> ApiResult<Vec<Review>> {
    Ok(clause9_app::records::reviews::load_all(state.store.as_ref()).await?)
}
