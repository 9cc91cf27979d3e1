//! The notification job: once per run, in the one process holding the
//! `notify` lease, works out the collections due and overdue (the previous
//! and the current month's collection periods) and the indicators that
//! turned red, and — through `clause9_notify::WorkflowNotices` — corrective
//! actions overdue, effectiveness checks due, audits and management reviews
//! coming up; delivers them by each person's preferences. Email is
//! configured from the environment (`CLAUSE9_SMTP_URL`, `CLAUSE9_SMTP_FROM`).

use axum::Json;
use axum::extract::State;
use clause9_core::period::Period;
use clause9_notify::{
    Channels, DeliveryReport, Mailer, NoticeSource, Preferences, WorkflowNotices,
    collection_notices, deliver, turned_red,
};
use clause9_store::accounts::Change;
use jiff::{SignedDuration, Timestamp};

use crate::api::evaluations::{current_month, evaluate};
use crate::api::programme_or_503;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Channels from the environment: email when `CLAUSE9_SMTP_URL` and
/// `CLAUSE9_SMTP_FROM` are set; webhooks always.
pub fn channels_from_env() -> Channels {
    let mailer = match (
        std::env::var("CLAUSE9_SMTP_URL"),
        std::env::var("CLAUSE9_SMTP_FROM"),
    ) {
        (Ok(url), Ok(from)) => Mailer::from_url(&url, &from)
            .map_err(|e| tracing::error!("email notifications are off: {e}"))
            .ok(),
        _ => None,
    };
    Channels::new(mailer)
}

/// One run of the job; `None` when another process holds the lease.
pub async fn run_once(
    state: &AppState,
    channels: &Channels,
    holder: &str,
) -> ApiResult<Option<DeliveryReport>> {
    let now: Timestamp = state.now();
    let until = now
        .checked_add(SignedDuration::from_mins(10))
        .unwrap_or(now);
    if !state
        .store
        .jobs()
        .try_lease("notify", holder, now, until)
        .await?
    {
        return Ok(None);
    }
    let programme = programme_or_503(state)?;
    let today = now.to_zoned(programme.settings.timezone.clone()).date();
    let month = current_month(&programme, state);
    let mut notices = Vec::new();
    for period in [month.prev(), month] {
        let observations = state
            .store
            .current(None, &plan_periods(&programme, period))
            .await?;
        let values = clause9_core::engine::Values::new(&observations);
        let items = clause9_core::schedule::collection_status(&programme, &values, period, today);
        notices.extend(collection_notices(&programme, &items));
    }
    let previous = evaluate(state, &programme, month.prev().prev()).await?;
    let current = evaluate(state, &programme, month.prev()).await?;
    notices.extend(turned_red(&programme, &previous, &current));
    match crate::api::records::programme_and_registers(state) {
        Ok((programme, registers)) => {
            let source = WorkflowNotices {
                store: state.store.clone(),
                programme,
                registers,
            };
            notices.extend(source.notices(today).await);
        }
        Err(e) => tracing::error!(
            "corrective action, audit and review notices are skipped: {} {:?}",
            e.message,
            e.details
        ),
    }
    let report = deliver(state.store.as_ref(), &programme, &notices, channels, now).await?;
    state.store.jobs().release("notify", holder).await?;
    Ok(Some(report))
}

fn plan_periods(programme: &clause9_core::Programme, period: Period) -> Vec<Period> {
    let mut periods = std::collections::BTreeSet::from([period]);
    for m in programme.measures.iter().filter(|m| m.is_active()) {
        periods.extend(clause9_core::engine::plan(&programme.settings, m, period).periods);
    }
    periods.into_iter().collect()
}

/// The caller's notification preferences.
#[utoipa::path(get, path = "/api/v1/notifications/preferences", tag = "integrations",
    responses((status = 200, body = PreferencesDoc), (status = 401, body = crate::error::ErrorBody)))]
pub async fn get_preferences(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Preferences>> {
    let stored = state
        .store
        .notifications()
        .preferences(&caller.user.person)
        .await?;
    Ok(Json(
        stored
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default(),
    ))
}

/// Sets the caller's notification preferences.
#[utoipa::path(put, path = "/api/v1/notifications/preferences", tag = "integrations", request_body = PreferencesDoc,
    responses((status = 200, body = PreferencesDoc), (status = 401, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn put_preferences(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Json<Preferences>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<Json<Preferences>> {
    let Json(prefs) =
        body.map_err(|e| ApiError::invalid("the preferences were refused", vec![e.body_text()]))?;
    let problems = prefs.problems();
    if !problems.is_empty() {
        return Err(ApiError::invalid("the preferences were refused", problems));
    }
    let value = serde_json::to_value(&prefs).map_err(ApiError::internal)?;
    state
        .store
        .notifications()
        .set_preferences(
            &caller.user.person,
            &value,
            &Change {
                actor: caller.user.person.clone(),
                at: state.now(),
            },
        )
        .await?;
    Ok(Json(prefs))
}

/// What each person receives.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct PreferencesDoc {
    /// Any of collection_due, collection_overdue, indicator_red,
    /// corrective_action_overdue, effectiveness_check_due, review_upcoming,
    /// audit_upcoming (default: all).
    kinds: Vec<String>,
    /// By email to the person's address in the programme (default true).
    email: bool,
    /// An https:// URL to POST each notice to as JSON.
    webhook: Option<String>,
}
