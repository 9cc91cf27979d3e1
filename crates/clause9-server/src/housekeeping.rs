//! The housekeeping job: once an hour, in the one process holding the
//! `housekeeping` lease, deletes expired sessions and failed sign-ins older
//! than a day (or the throttling window, when that is longer). Neither is
//! needed any more: an expired session is refused anyway, and throttling only
//! counts failures inside its window.

use std::time::Duration;

use jiff::SignedDuration;

use crate::error::ApiResult;
use crate::state::AppState;

/// The lease the job runs under.
pub const LEASE: &str = "housekeeping";

/// What one run deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub login_failures: u64,
}

/// One run; `None` when another process holds the lease.
pub async fn run_once(state: &AppState, holder: &str) -> ApiResult<Option<Purged>> {
    crate::jobs::leased(state, LEASE, holder, || async {
        let now = state.now();
        let keep_minutes = state.settings.failure_window_minutes.max(24 * 60);
        let failures_before = now
            .checked_sub(SignedDuration::from_mins(keep_minutes))
            .unwrap_or(now);
        let (sessions, login_failures) = state
            .store
            .accounts()
            .purge_expired(now, failures_before)
            .await?;
        Ok(Purged {
            sessions,
            login_failures,
        })
    })
    .await
}

/// Runs the job at start and then every hour.
pub fn spawn(state: &AppState) {
    let state = state.clone();
    let holder = crate::jobs::holder();
    crate::jobs::repeat(Duration::from_secs(60 * 60), move || {
        let (state, holder) = (state.clone(), holder.clone());
        async move {
            match run_once(&state, &holder).await {
                Ok(Some(p)) => tracing::info!(
                    "housekeeping: {} expired sessions and {} old failed sign-ins deleted",
                    p.sessions,
                    p.login_failures
                ),
                Ok(None) => {}
                Err(e) => tracing::warn!("housekeeping run failed: {}", e.message),
            }
        }
    });
}
