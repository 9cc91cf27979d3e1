//! `/api/v1/nonconformities`: nonconformities and corrective actions (10.2).
//! Lists with filters, one record with its whole history, raising, every
//! lifecycle step, SMART actions, effectiveness checks — through the same
//! `clause9_app::records::nonconformities` as `clause9 nc`. Anyone signed
//! in reads; admins, owners, auditors and reviewers raise; admins and owners
//! take the steps.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use clause9_app::records::nonconformities as records;
use clause9_core::access::Action as Access;
use clause9_core::nonconformity::{
    Action, Check, CheckMethod, Event, Nonconformity, Source, Transition, next_step,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::page::{Page, PageParams};
use crate::api::programme_or_503;
use crate::api::records::{EventView, actor, body, date, history, to_json};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

type Body<T> = Result<Json<T>, axum::extract::rejection::JsonRejection>;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only records in this state: raised, corrected, root_cause_analysed,
    /// action_planned, implemented, verified, closed, reopened; or `open` (not closed).
    pub state: Option<String>,
    /// Only records with overdue actions or an overdue check (`true`).
    pub overdue: Option<bool>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// A nonconformity in a list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NcSummary {
    pub id: String,
    pub state: String,
    /// audit_finding, red_indicator, incident, management_review or other.
    pub source: String,
    /// `AUD-0001/F2`, `M-VUL-01 2026-03`, an incident number…
    pub reference: String,
    /// major or minor.
    pub severity: String,
    pub description: String,
    pub raised_on: String,
    pub overdue: bool,
    /// The overdue work: `A1 due 2026-04-30`, `check due 2026-05-01`.
    pub overdue_work: Vec<String>,
}

/// One nonconformity: the record its events make, what it waits for, and every stored event.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NcView {
    /// The record: id, state, source, description, severity, area, controls,
    /// raised_on, correction, root_cause, whys, extent, actions, check,
    /// recurrences, closed_on and history (event, by, on, why).
    #[schema(value_type = Object)]
    pub nonconformity: serde_json::Value,
    pub overdue: bool,
    pub overdue_work: Vec<String>,
    /// What the record waits for.
    pub next: String,
    /// Every stored event, as recorded, with the time it was stored.
    pub events: Vec<EventView>,
}

const STATES: &[&str] = &[
    "raised",
    "corrected",
    "root_cause_analysed",
    "action_planned",
    "implemented",
    "verified",
    "closed",
    "reopened",
    "open",
];

/// Nonconformities, oldest first; filter by state and overdue work.
#[utoipa::path(get, path = "/api/v1/nonconformities", tag = "nonconformities", params(ListParams),
    responses((status = 200, body = Page<NcSummary>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    _caller: Caller,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<Page<NcSummary>>> {
    let programme = programme_or_503(&state)?;
    let today = state.today(&programme);
    if let Some(s) = &params.state
        && !STATES.contains(&s.as_str())
    {
        return Err(ApiError::bad_request(format!(
            "state `{s}`: use one of {}",
            STATES.join(", ")
        )));
    }
    let items = records::load_all(state.store.as_ref())
        .await?
        .into_iter()
        .filter(|n| match params.state.as_deref() {
            None => true,
            Some("open") => n.is_open(),
            Some(s) => n.state.as_str() == s,
        })
        .filter(|n| params.overdue.is_none_or(|o| n.is_overdue(today) == o))
        .map(|n| NcSummary {
            id: n.id.clone(),
            state: n.state.as_str().into(),
            source: n.source.kind().into(),
            reference: n.source.reference(),
            severity: n.severity.clone(),
            description: n.description.clone(),
            raised_on: n.raised_on.to_string(),
            overdue: n.is_overdue(today),
            overdue_work: records::overdue_parts(&n, today),
        })
        .collect();
    let page = PageParams {
        page: params.page,
        per_page: params.per_page,
    };
    Ok(Json(page.slice(items)?))
}

async fn view(state: &AppState, nc: &Nonconformity) -> ApiResult<NcView> {
    let programme = programme_or_503(state)?;
    let today = state.today(&programme);
    Ok(NcView {
        nonconformity: to_json(nc)?,
        overdue: nc.is_overdue(today),
        overdue_work: records::overdue_parts(nc, today),
        next: next_step(nc.state).to_string(),
        events: history(state, &format!("{}{}", records::PREFIX, nc.id)).await?,
    })
}

/// One nonconformity with its full event history.
#[utoipa::path(get, path = "/api/v1/nonconformities/{id}", tag = "nonconformities",
    params(("id" = String, Path, description = "NC-0001")),
    responses((status = 200, body = NcView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<NcView>> {
    let nc = records::load(state.store.as_ref(), &id).await?;
    Ok(Json(view(&state, &nc).await?))
}

/// A nonconformity raised by a person.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RaiseBody {
    /// incident, management_review or other (audit findings and red
    /// indicators raise their own).
    pub source: String,
    /// The incident number, review id… it came from.
    #[serde(default)]
    pub reference: String,
    pub description: String,
    /// major or minor.
    pub severity: String,
    pub area: Option<String>,
    #[serde(default)]
    pub controls: Vec<String>,
    /// Why (default: the description).
    pub why: Option<String>,
    /// The date it was raised (default today).
    pub on: Option<String>,
}

/// Raises a nonconformity (admins, owners, auditors, reviewers).
#[utoipa::path(post, path = "/api/v1/nonconformities", tag = "nonconformities", request_body = RaiseBody,
    responses((status = 201, body = NcView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn raise(
    State(state): State<AppState>,
    caller: Caller,
    b: Body<RaiseBody>,
) -> ApiResult<(StatusCode, Json<NcView>)> {
    caller.may(&*programme_or_503(&state)?, &Access::RaiseNonconformity)?;
    let b = body(b)?;
    let programme = programme_or_503(&state)?;
    let problems = records::check_raise(
        &programme,
        &b.source,
        &b.severity,
        b.area.as_deref(),
        &b.controls,
    );
    if !problems.is_empty() {
        return Err(ApiError::invalid("the nonconformity was refused", problems));
    }
    let who = actor(&state, &programme, &caller, b.on.as_deref())?;
    let reference = b.reference;
    let source = match b.source.as_str() {
        "incident" => Source::Incident { reference },
        "management_review" => Source::ManagementReview { reference },
        _ => Source::Other { reference },
    };
    let why = clause9_app::records::reason(b.why.as_deref(), Some(&b.description))?;
    let t = Transition {
        event: Event::Raised {
            source,
            description: b.description,
            severity: b.severity,
            area: b.area,
            controls: b.controls,
        },
        by: who.by.clone(),
        on: who.on,
        why,
    };
    let nc = records::raise(&programme, state.store.as_ref(), &who, &t).await?;
    Ok((StatusCode::CREATED, Json(view(&state, &nc).await?)))
}

/// Asks the policy before a step on `id`; the record is loaded so that the
/// rules about persons see whom it is assigned to.
async fn may_step(state: &AppState, caller: &Caller, id: &str, step: Step<'_>) -> ApiResult<()> {
    let programme = programme_or_503(state)?;
    let nc = records::load(state.store.as_ref(), id).await?;
    let action = match step {
        Step::Work => Access::WorkNonconformity(&nc),
        Step::Implement(a) => Access::ImplementAction(&nc, a),
        Step::Verify => Access::VerifyEffectiveness(&nc),
    };
    caller.may(&programme, &action)
}

/// Which kind of step a request is, for the policy.
enum Step<'a> {
    Work,
    Implement(&'a str),
    Verify,
}

/// Applies one step made from the request, as the caller.
async fn step(
    state: &AppState,
    caller: &Caller,
    id: &str,
    why: Option<&str>,
    on: Option<&str>,
    event: Event,
) -> ApiResult<Json<NcView>> {
    let programme = programme_or_503(state)?;
    let who = actor(state, &programme, caller, on)?;
    let t = Transition {
        why: clause9_app::records::reason(why, Some(event.name()))?,
        event,
        by: who.by.clone(),
        on: who.on,
    };
    let nc = records::apply(&programme, state.store.as_ref(), &who, id, t).await?;
    Ok(Json(view(state, &nc).await?))
}

/// The correction taken.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionBody {
    pub correction: String,
    pub why: Option<String>,
    pub on: Option<String>,
}

/// Records the correction (raised → corrected; admins and owners).
#[utoipa::path(post, path = "/api/v1/nonconformities/{id}/correction", tag = "nonconformities",
    params(("id" = String, Path, description = "NC-0001")), request_body = CorrectionBody,
    responses((status = 200, body = NcView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn correct(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    b: Body<CorrectionBody>,
) -> ApiResult<Json<NcView>> {
    may_step(&state, &caller, &id, Step::Work).await?;
    let b = body(b)?;
    let e = Event::Corrected {
        correction: b.correction,
    };
    step(&state, &caller, &id, b.why.as_deref(), b.on.as_deref(), e).await
}

/// The root cause: free text, or the five whys (the last is the cause), and the extent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RootCauseBody {
    #[serde(default)]
    pub whys: Vec<String>,
    #[serde(default)]
    pub cause: String,
    /// Could it happen elsewhere, and where.
    pub extent: String,
    pub why: Option<String>,
    pub on: Option<String>,
}

/// Records the root cause analysis (admins and owners).
#[utoipa::path(post, path = "/api/v1/nonconformities/{id}/root-cause", tag = "nonconformities",
    params(("id" = String, Path, description = "NC-0001")), request_body = RootCauseBody,
    responses((status = 200, body = NcView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn analyse(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    b: Body<RootCauseBody>,
) -> ApiResult<Json<NcView>> {
    may_step(&state, &caller, &id, Step::Work).await?;
    let b = body(b)?;
    let e = Event::RootCauseAnalysed {
        whys: b.whys,
        cause: b.cause,
        extent: b.extent,
    };
    step(&state, &caller, &id, b.why.as_deref(), b.on.as_deref(), e).await
}

/// A corrective action: it must be SMART (owner, due date, measurable success criterion).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionBody {
    #[serde(default)]
    pub description: String,
    /// A person id of the programme.
    pub owner: Option<String>,
    /// YYYY-MM-DD.
    pub due: Option<String>,
    /// How success is measured.
    pub success_criterion: Option<String>,
    pub why: Option<String>,
    pub on: Option<String>,
}

/// Plans a corrective action; one that is not SMART is refused with 422 naming what is missing (admins and owners).
#[utoipa::path(post, path = "/api/v1/nonconformities/{id}/actions", tag = "nonconformities",
    params(("id" = String, Path, description = "NC-0001")), request_body = ActionBody,
    responses((status = 200, body = NcView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_action(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    b: Body<ActionBody>,
) -> ApiResult<Json<NcView>> {
    may_step(&state, &caller, &id, Step::Work).await?;
    let b = body(b)?;
    let programme = programme_or_503(&state)?;
    if let Some(o) = &b.owner
        && !o.trim().is_empty()
        && !programme.settings.people.contains_key(o)
    {
        return Err(ApiError::invalid(
            "the action was refused",
            vec![format!(
                "owner: `{o}` is not a person of this programme (see [people] in clause9.toml)"
            )],
        ));
    }
    let due = b.due.as_deref().map(|d| date("due", d)).transpose()?;
    let e = Event::ActionPlanned {
        action: Action {
            id: String::new(),
            description: b.description,
            owner: b.owner,
            due,
            success_criterion: b.success_criterion,
            implemented_on: None,
            note: None,
        },
    };
    step(&state, &caller, &id, b.why.as_deref(), b.on.as_deref(), e).await
}

/// How an action was implemented.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImplementationBody {
    pub note: String,
    pub why: Option<String>,
    pub on: Option<String>,
}

/// Marks an action implemented (admins and owners).
#[utoipa::path(post, path = "/api/v1/nonconformities/{id}/actions/{action}/implementation", tag = "nonconformities",
    params(("id" = String, Path, description = "NC-0001"), ("action" = String, Path, description = "A1")),
    request_body = ImplementationBody,
    responses((status = 200, body = NcView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn implement(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, action)): Path<(String, String)>,
    b: Body<ImplementationBody>,
) -> ApiResult<Json<NcView>> {
    may_step(&state, &caller, &id, Step::Implement(&action)).await?;
    let b = body(b)?;
    let e = Event::ActionImplemented {
        action,
        note: b.note,
    };
    step(&state, &caller, &id, b.why.as_deref(), b.on.as_deref(), e).await
}

/// The effectiveness check: on a date, by hand, or through a measure that
/// must be green for `periods` consecutive periods.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckBody {
    /// The date of the check, YYYY-MM-DD.
    pub date: String,
    /// A measure id for an automatic check.
    pub measure: Option<String>,
    /// Consecutive green periods needed (default 3).
    pub periods: Option<u32>,
    pub why: Option<String>,
    pub on: Option<String>,
}

/// Plans the effectiveness check (admins and owners).
#[utoipa::path(post, path = "/api/v1/nonconformities/{id}/check", tag = "nonconformities",
    params(("id" = String, Path, description = "NC-0001")), request_body = CheckBody,
    responses((status = 200, body = NcView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn plan_check(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    b: Body<CheckBody>,
) -> ApiResult<Json<NcView>> {
    may_step(&state, &caller, &id, Step::Work).await?;
    let b = body(b)?;
    let programme = programme_or_503(&state)?;
    let method = match b.measure {
        Some(m) => {
            if programme.measure(&m).is_none() {
                return Err(ApiError::invalid(
                    "the check was refused",
                    vec![format!("measure: unknown measure `{m}`")],
                ));
            }
            CheckMethod::Measure {
                measure: m,
                periods: b.periods.unwrap_or(3),
            }
        }
        None => CheckMethod::Manual,
    };
    let e = Event::CheckPlanned {
        check: Check {
            on: date("date", &b.date)?,
            method,
        },
    };
    step(&state, &caller, &id, b.why.as_deref(), b.on.as_deref(), e).await
}

/// The verification: automatic checks need nothing; a manual one needs the
/// verdict and its evidence.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerificationBody {
    pub effective: Option<bool>,
    pub evidence: Option<String>,
    pub why: Option<String>,
    pub on: Option<String>,
}

/// Verifies effectiveness on or after the planned date; not effective reopens the record (admins and owners).
#[utoipa::path(post, path = "/api/v1/nonconformities/{id}/verification", tag = "nonconformities",
    params(("id" = String, Path, description = "NC-0001")), request_body = VerificationBody,
    responses((status = 200, body = NcView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    b: Body<VerificationBody>,
) -> ApiResult<Json<NcView>> {
    may_step(&state, &caller, &id, Step::Verify).await?;
    let b = body(b)?;
    let programme = programme_or_503(&state)?;
    let who = actor(&state, &programme, &caller, b.on.as_deref())?;
    let manual = b
        .effective
        .map(|e| (e, b.evidence.clone().unwrap_or_default()));
    let nc = records::verify(
        &programme,
        state.store.as_ref(),
        &id,
        manual,
        &who,
        b.why.as_deref(),
    )
    .await?;
    Ok(Json(view(&state, &nc).await?))
}

/// Why a record is closed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosureBody {
    pub why: Option<String>,
    pub on: Option<String>,
}

/// Closes a verified record (admins and owners).
#[utoipa::path(post, path = "/api/v1/nonconformities/{id}/closure", tag = "nonconformities",
    params(("id" = String, Path, description = "NC-0001")), request_body = ClosureBody,
    responses((status = 200, body = NcView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    b: Body<ClosureBody>,
) -> ApiResult<Json<NcView>> {
    may_step(&state, &caller, &id, Step::Work).await?;
    let b = body(b)?;
    step(
        &state,
        &caller,
        &id,
        b.why.as_deref(),
        b.on.as_deref(),
        Event::Closed,
    )
    .await
}
