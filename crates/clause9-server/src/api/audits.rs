//! `/api/v1/audits`: the internal audit programme (9.2). Lists, one audit
//! with its history, planning with independent and competent auditors (a
//! conflicted auditor is refused with 403 naming the conflict), checklists,
//! finding grades, findings (a nonconformity grade opens a 10.2 record) and
//! completion — through the same `clause9_app::records::audits` as
//! `clause9 audit`. Anyone signed in reads; admins and auditors plan and
//! complete; findings are recorded by an assigned auditor (or an admin) who
//! is independent of the audit's scope.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use clause9_app::records::audits::{self as records, NewFinding};
use clause9_app::records::reason;
use clause9_core::access::Action;
use clause9_core::audit::report::checklist;
use clause9_core::audit::{Audit, Plan};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::page::{Page, PageParams};
use crate::api::programme_or_503;
use crate::api::records::{
    EventView, actor, body, date, history, programme_and_registers, to_json,
};
use crate::auth::{Caller, access_of};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

type Body<T> = Result<Json<T>, axum::extract::rejection::JsonRejection>;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only audits in this state: open, overdue (end date passed) or completed.
    pub state: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// An audit with its state.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditItem {
    /// The audit: id, plan (title, objectives, scope, criteria, start, end,
    /// methods), auditors, findings, completed (date and summary).
    #[schema(value_type = Object)]
    pub audit: serde_json::Value,
    /// open, overdue or completed.
    pub state: String,
}

/// One audit with every stored event.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditView {
    #[schema(value_type = Object)]
    pub audit: serde_json::Value,
    pub state: String,
    pub events: Vec<EventView>,
}

/// The audit programme: every audit, in id order, filtered by state.
#[utoipa::path(get, path = "/api/v1/audits", tag = "audits", params(ListParams),
    responses((status = 200, body = Page<AuditItem>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    _caller: Caller,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<Page<AuditItem>>> {
    let programme = programme_or_503(&state)?;
    let today = state.today(&programme);
    if let Some(s) = &params.state
        && !["open", "overdue", "completed"].contains(&s.as_str())
    {
        return Err(ApiError::bad_request(format!(
            "state `{s}`: use open, overdue or completed"
        )));
    }
    let mut items = Vec::new();
    for a in records::load_all(state.store.as_ref()).await? {
        let s = records::state(&a, today);
        if params.state.as_deref().is_none_or(|want| want == s) {
            items.push(AuditItem {
                audit: to_json(&a)?,
                state: s.into(),
            });
        }
    }
    let page = PageParams {
        page: params.page,
        per_page: params.per_page,
    };
    Ok(Json(page.slice(items)?))
}

async fn view(state: &AppState, audit: &Audit) -> ApiResult<AuditView> {
    let programme = programme_or_503(state)?;
    Ok(AuditView {
        audit: to_json(audit)?,
        state: records::state(audit, state.today(&programme)).into(),
        events: history(state, &format!("{}{}", records::PREFIX, audit.id)).await?,
    })
}

/// One audit with its full event history.
#[utoipa::path(get, path = "/api/v1/audits/{id}", tag = "audits",
    params(("id" = String, Path, description = "AUD-0001")),
    responses((status = 200, body = AuditView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<AuditView>> {
    let (audit, _) = records::load(state.store.as_ref(), &id).await?;
    Ok(Json(view(&state, &audit).await?))
}

/// An audit plan and its first auditors.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    pub title: String,
    pub objectives: String,
    /// `REQ` or `REQ@AREA`: clauses (4.1 … 10.2) and Annex A controls (A.5.1 … A.8.34).
    pub scope: Vec<String>,
    pub criteria: String,
    /// YYYY-MM-DD.
    pub start: String,
    /// YYYY-MM-DD.
    pub end: String,
    pub methods: String,
    /// Person ids; each must be independent of the scope and competent for it.
    #[serde(default)]
    pub auditors: Vec<String>,
    pub why: Option<String>,
    pub on: Option<String>,
}

/// Plans an audit (admins and auditors); a conflicted auditor is refused with 403.
#[utoipa::path(post, path = "/api/v1/audits", tag = "audits", request_body = PlanBody,
    responses((status = 201, body = AuditView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    b: Body<PlanBody>,
) -> ApiResult<(StatusCode, Json<AuditView>)> {
    caller.may(&*programme_or_503(&state)?, &Action::PlanAudit)?;
    let b = body(b)?;
    let (programme, registers) = programme_and_registers(&state)?;
    let mut problems = Vec::new();
    let mut scope = Vec::new();
    for s in &b.scope {
        match records::scope_item(&programme, &registers, s) {
            Ok(item) => scope.push(item),
            Err(e) => problems.extend(e.lines()),
        }
    }
    if b.scope.is_empty() {
        problems.push("scope: name at least one clause or control".into());
    }
    let start = date("start", &b.start);
    let end = date("end", &b.end);
    for d in [&start, &end] {
        if let Err(e) = d {
            problems.extend(e.details.clone());
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid("the audit plan was refused", problems));
    }
    let plan = Plan {
        title: b.title,
        objectives: b.objectives,
        scope,
        criteria: b.criteria,
        start: start?,
        end: end?,
        methods: b.methods,
    };
    let who = actor(&state, &programme, &caller, b.on.as_deref())?;
    let why = reason(b.why.as_deref(), Some("audit programme"))?;
    let audit = records::create(
        &programme,
        &registers,
        state.store.as_ref(),
        plan,
        &b.auditors,
        &who,
        &why,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(view(&state, &audit).await?)))
}

/// An auditor to assign.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditorBody {
    /// A person id of the programme.
    pub person: String,
    pub why: Option<String>,
    pub on: Option<String>,
}

/// Assigns an auditor (admins and auditors): 403 naming each conflict when
/// the person is not independent of the scope, 422 when not competent.
#[utoipa::path(post, path = "/api/v1/audits/{id}/auditors", tag = "audits",
    params(("id" = String, Path, description = "AUD-0001")), request_body = AuditorBody,
    responses((status = 200, body = AuditView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn assign(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    b: Body<AuditorBody>,
) -> ApiResult<Json<AuditView>> {
    caller.may(&*programme_or_503(&state)?, &Action::PlanAudit)?;
    let b = body(b)?;
    let (programme, registers) = programme_and_registers(&state)?;
    let who = actor(&state, &programme, &caller, b.on.as_deref())?;
    let why = reason(b.why.as_deref(), Some("auditor assigned"))?;
    let audit = records::assign(
        &programme,
        &registers,
        state.store.as_ref(),
        &id,
        &b.person,
        &who,
        &why,
    )
    .await?;
    Ok(Json(view(&state, &audit).await?))
}

/// One question of a checklist.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct QuestionView {
    /// The clause or control.
    pub requirement: String,
    pub area: Option<String>,
    pub question: String,
    /// Measures that give evidence for it.
    pub measures: Vec<String>,
}

/// The checklist generated from the audit's scope.
#[utoipa::path(get, path = "/api/v1/audits/{id}/checklist", tag = "audits",
    params(("id" = String, Path, description = "AUD-0001")),
    responses((status = 200, body = Vec<QuestionView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_checklist(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<QuestionView>>> {
    let programme = programme_or_503(&state)?;
    let (audit, _) = records::load(state.store.as_ref(), &id).await?;
    Ok(Json(
        checklist(&programme, &audit.plan.scope)
            .into_iter()
            .map(|q| QuestionView {
                requirement: q.item.requirement,
                area: q.item.area,
                question: q.question,
                measures: q.measures,
            })
            .collect(),
    ))
}

/// A finding grade of the audit settings.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct GradeView {
    pub id: String,
    pub name: String,
    /// `major` or `minor` when a finding of this grade opens a nonconformity.
    pub nonconformity: Option<String>,
    /// Whether it feeds review input (g) as an improvement opportunity.
    pub improvement: bool,
}

/// The finding grades (configurable in `registers/audit.toml`).
#[utoipa::path(get, path = "/api/v1/audit-grades", tag = "audits",
    responses((status = 200, body = Vec<GradeView>), (status = 401, body = ErrorBody)))]
pub async fn grades(
    State(state): State<AppState>,
    _caller: Caller,
) -> ApiResult<Json<Vec<GradeView>>> {
    let (_, registers) = programme_and_registers(&state)?;
    Ok(Json(
        registers
            .audit
            .grades
            .iter()
            .map(|g| GradeView {
                id: g.id.clone(),
                name: g.name.clone(),
                nonconformity: g.nonconformity.clone(),
                improvement: g.improvement,
            })
            .collect(),
    ))
}

/// A finding.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingBody {
    /// The scope item: `REQ` or `REQ@AREA`.
    pub item: String,
    /// A grade id (see `/api/v1/audit-grades`).
    pub grade: String,
    pub statement: String,
    pub evidence: String,
    pub why: Option<String>,
    pub on: Option<String>,
}

/// What recording a finding did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FindingRecorded {
    /// The finding's id (`F1`…).
    pub finding: String,
    /// The nonconformity it opened, when its grade is a nonconformity.
    pub nonconformity: Option<String>,
    pub audit: AuditView,
}

/// Records a finding (an assigned auditor, or an admin, independent of the
/// scope: 403 otherwise); a major or minor nonconformity opens a 10.2 record.
#[utoipa::path(post, path = "/api/v1/audits/{id}/findings", tag = "audits",
    params(("id" = String, Path, description = "AUD-0001")), request_body = FindingBody,
    responses((status = 201, body = FindingRecorded), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_finding(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    b: Body<FindingBody>,
) -> ApiResult<(StatusCode, Json<FindingRecorded>)> {
    let (programme, registers) = programme_and_registers(&state)?;
    let (audit, _) = records::load(state.store.as_ref(), &id).await?;
    records::may_record_finding(&programme, &registers, &audit, &access_of(&caller.user))?;
    let b = body(b)?;
    let who = actor(&state, &programme, &caller, b.on.as_deref())?;
    let why = reason(b.why.as_deref(), Some("audit finding"))?;
    let finding = NewFinding {
        item: b.item,
        grade: b.grade,
        statement: b.statement,
        evidence: b.evidence,
    };
    let (audit, nc) = records::record_finding(
        &programme,
        &registers,
        state.store.as_ref(),
        &id,
        finding,
        &who,
        &why,
    )
    .await?;
    let fid = audit
        .findings
        .last()
        .map_or(String::new(), |f| f.id.clone());
    Ok((
        StatusCode::CREATED,
        Json(FindingRecorded {
            finding: fid,
            nonconformity: nc,
            audit: view(&state, &audit).await?,
        }),
    ))
}

/// The audit's summary.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompletionBody {
    pub summary: String,
    pub why: Option<String>,
    pub on: Option<String>,
}

/// Completes an audit (admins and auditors); its record is locked afterwards (409).
#[utoipa::path(post, path = "/api/v1/audits/{id}/completion", tag = "audits",
    params(("id" = String, Path, description = "AUD-0001")), request_body = CompletionBody,
    responses((status = 200, body = AuditView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn complete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    b: Body<CompletionBody>,
) -> ApiResult<Json<AuditView>> {
    caller.may(&*programme_or_503(&state)?, &Action::PlanAudit)?;
    let b = body(b)?;
    let programme = programme_or_503(&state)?;
    let who = actor(&state, &programme, &caller, b.on.as_deref())?;
    let why = reason(b.why.as_deref(), Some("audit completed"))?;
    let audit =
        records::complete(&programme, state.store.as_ref(), &id, b.summary, &who, &why).await?;
    Ok(Json(view(&state, &audit).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgrammeParams {
    /// The first month, YYYY-MM (default next month).
    pub start: Option<String>,
    /// The cycle in months (default the audit settings' cycle, 36).
    pub months: Option<u32>,
}

/// The risk-based audit programme, as `clause9 audit plan --format json`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditProgramme {
    pub start: String,
    pub months: u32,
    /// Month by month: each item (clause or control, area), its occurrence in
    /// the cycle and why it is placed there.
    #[schema(value_type = Vec<Object>)]
    pub slots: Vec<serde_json::Value>,
}

/// The risk-based internal audit programme over a cycle: every clause and
/// applicable control covered, areas with open nonconformities, red or
/// deteriorating measures or high risks sooner and more often.
#[utoipa::path(get, path = "/api/v1/audit-programme", tag = "audits", params(ProgrammeParams),
    responses((status = 200, body = AuditProgramme), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn programme(
    State(state): State<AppState>,
    _caller: Caller,
    Query(params): Query<ProgrammeParams>,
) -> ApiResult<Json<AuditProgramme>> {
    use clause9_core::period::{Frequency, Period};
    let (programme, registers) = programme_and_registers(&state)?;
    let day = state.today(&programme);
    let start = match params.start.as_deref() {
        Some(text) => match text.parse::<Period>() {
            Ok(p) if p.frequency() == Frequency::Monthly => p,
            _ => {
                return Err(ApiError::invalid(
                    "the request was refused",
                    vec![format!("start: `{text}` is not a month such as 2026-01")],
                ));
            }
        },
        None => Period::containing(Frequency::Monthly, day).next(),
    };
    let months = params.months.unwrap_or(registers.audit.cycle_months);
    if !(1..=120).contains(&months) {
        return Err(ApiError::invalid(
            "the request was refused",
            vec!["months: give 1 to 120".into()],
        ));
    }
    // the risk signals as they stood when the programme starts
    let slots = clause9_app::records::audit_programme::programme_slots(
        &programme,
        &registers,
        state.store.as_ref(),
        start,
        months,
        day.min(start.first_day()),
    )
    .await?;
    Ok(Json(AuditProgramme {
        start: start.to_string(),
        months,
        slots: slots.iter().map(to_json).collect::<ApiResult<_>>()?,
    }))
}
