//! The corrective-action job (10.2): every hour, in the one process holding
//! the `corrective` lease, it
//! - raises a nonconformity for each indicator with `on_red =
//!   "nonconformity"` that is red in one of the last two ended months (once
//!   per measure and period; a red period while one is open is recorded on
//!   it as a recurrence), as `clause9 evaluate` does;
//! - runs the automatic effectiveness checks that are due (a corrective
//!   action checked through its measure), as `clause9 nc verify-due` does: a
//!   check the data cannot decide yet is left for a later run; a decided one
//!   verifies the record or reopens it, recorded by
//!   `scheduled:effectiveness-check`.

use std::time::Duration;

use clause9_app::records::Actor;
use clause9_app::records::nonconformities::{DueCheck, verify_due};

use crate::api::evaluations::{current_month, evaluate};
use crate::api::records::programme_and_registers;
use crate::error::ApiResult;
use crate::state::AppState;

/// The lease the job runs under.
pub const LEASE: &str = "corrective";
/// Who the effectiveness verdicts are recorded as.
pub const ACTOR: &str = "scheduled:effectiveness-check";

/// What one run did.
#[derive(Debug, Default)]
pub struct Checked {
    /// One line per nonconformity raised or recurrence recorded.
    pub raised: Vec<String>,
    pub effective: Vec<String>,
    pub reopened: Vec<String>,
    /// Checks the data cannot decide yet, with why.
    pub undecided: Vec<(String, String)>,
}

/// One run; `None` when another process holds the lease.
pub async fn run_once(state: &AppState, holder: &str) -> ApiResult<Option<Checked>> {
    crate::jobs::leased(state, LEASE, holder, || run(state)).await
}

async fn run(state: &AppState) -> ApiResult<Checked> {
    let (programme, _) = programme_and_registers(state)?;
    let day = state.today(&programme);
    let mut checked = Checked::default();
    let month = current_month(&programme, state);
    for period in [month.prev().prev(), month.prev()] {
        let evaluation = evaluate(state, &programme, period).await?;
        checked.raised.extend(
            clause9_app::records::red::raise_from_red(
                &programme,
                &evaluation,
                state.store.as_ref(),
                day,
                state.now(),
            )
            .await?,
        );
    }
    let actor = Actor::local(ACTOR, day, state.now());
    for (id, outcome) in verify_due(&programme, state.store.as_ref(), &actor, None).await? {
        match outcome {
            DueCheck::Decided(nc) if nc.state == clause9_core::nonconformity::State::Reopened => {
                checked.reopened.push(id)
            }
            DueCheck::Decided(_) => checked.effective.push(id),
            DueCheck::Undecided(why) => checked.undecided.push((id, why)),
        }
    }
    Ok(checked)
}

/// Runs the job at start and then every hour.
pub fn spawn(state: &AppState) {
    let state = state.clone();
    let holder = crate::jobs::holder();
    crate::jobs::repeat(Duration::from_secs(60 * 60), move || {
        let (state, holder) = (state.clone(), holder.clone());
        async move {
            match run_once(&state, &holder).await {
                Ok(Some(c)) => log(&c),
                Ok(None) => {}
                Err(e) => tracing::warn!("corrective-action run failed: {}", e.message),
            }
        }
    });
}

fn log(c: &Checked) {
    for line in &c.raised {
        tracing::warn!("red indicator: {line}");
    }
    for id in &c.effective {
        tracing::info!("effectiveness check: {id} verified effective");
    }
    for id in &c.reopened {
        tracing::warn!("effectiveness check: {id} NOT effective, reopened");
    }
    for (id, why) in &c.undecided {
        tracing::info!("effectiveness check: {id} not decided yet: {why}");
    }
}
