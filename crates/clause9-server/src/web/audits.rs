//! The internal audit pages (ISO/IEC 27001 9.2): `/audits` (the programme
//! over the cycle: audits, coverage, what is overdue, the coming months),
//! `/audits/{id}` (plan, scope, auditors, the checklist from the scope,
//! findings with grades and evidence, a form to record a finding that
//! refuses a recorder who is not independent of the scope or not competent
//! for it, naming why), and `/audits/{id}/report` (the report to download).
//! Rules are core's, as in `clause9 audit`.

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use clause9_app::records::audits as store_audits;
use clause9_core::Programme;
use clause9_core::access::Action;
use clause9_core::audit::coverage::{coverage, signals};
use clause9_core::audit::planner::plan;
use clause9_core::audit::report::{checklist, report_doc};
use clause9_core::audit::{Audit, ScopeItem, universe};
use clause9_core::period::{Frequency, Period};
use clause9_core::registers::Registers;
use jiff::civil::Date;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::programme_or_503;
use crate::state::AppState;
use crate::web::auth::WebUser;
use crate::web::data::{evaluations, nonconformities};
use crate::web::records;
use crate::web::templates::render;
use crate::web::{PageError, PageResult};

/// The audit that comes next: the earliest not completed whose end is not
/// past, by start date.
pub fn next_audit(audits: &[Audit], today: Date) -> Option<&Audit> {
    audits
        .iter()
        .filter(|a| a.completed.is_none() && a.plan.end >= today)
        .min_by_key(|a| a.plan.start)
}

fn audit_row(programme: &Programme, a: &Audit, today: Date) -> Value {
    json!({
        "id": a.id, "title": a.plan.title, "state": a.state(today),
        "start": a.plan.start.to_string(), "end": a.plan.end.to_string(),
        "auditors": a.auditors.iter().map(|p| programme.settings.display_name(p)).collect::<Vec<_>>(),
        "findings": a.findings.len(),
    })
}

/// `GET /audits`.
pub async fn list(State(state): State<AppState>, user: WebUser) -> PageResult {
    let programme = programme_or_503(&state)?;
    let registers = records::registers(&state)?;
    let today = state.today(&programme);
    let audits = records::audits(&state).await?;
    let months = registers.audit.cycle_months;
    let this_month = Period::containing(Frequency::Monthly, today);
    let start = registers.audit.cycle_holding(&programme, this_month);
    // the programme as `clause9 audit plan --start` made it: signals as of its start
    let as_of = today.min(start.first_day());
    let latest = Period::containing(Frequency::Monthly, as_of).prev();
    let evals = evaluations(&state, &programme, &[latest.prev(), latest]).await?;
    let ncs: Vec<_> = nonconformities(&state)
        .await?
        .into_iter()
        .filter(|n| n.raised_on <= as_of)
        .collect();
    let items = universe(&programme, &registers);
    let sig = signals(&programme, &registers, &ncs, &evals[1], &evals[0], latest);
    let slots = plan(&items, &sig, start, months);
    let covered = coverage(&items, &slots, &audits, start, this_month);
    let count = |s: &str| covered.iter().filter(|c| c.state == s).count();
    let rows = |s: &str| -> Vec<Value> {
        covered
            .iter()
            .filter(|c| c.state == s)
            .map(|c| {
                json!({
                    "item": c.item.label(),
                    "name": clause9_core::controls::name_of(&c.item.requirement).unwrap_or(""),
                    "audits": c.audits, "planned": c.planned.map(|p| p.to_string()),
                })
            })
            .collect()
    };
    let coming: Vec<Value> = slots
        .iter()
        .filter(|s| s.month >= this_month)
        .take(3)
        .map(|s| {
            json!({
                "month": s.month.to_string(),
                "items": s.items.iter().map(|i| json!({ "item": i.item.label(), "reason": i.reason })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let list: Vec<Value> = audits
        .iter()
        .map(|a| audit_row(&programme, a, today))
        .collect();
    Ok(Html(render(
        "audits.html",
        json!({
            "title": "Internal audits", "user": user.view(), "nav": "audits",
            "may_plan": user.allowed(&programme, &Action::PlanAudit),
            "people": programme.settings.people.iter().map(|(id, p)| json!({"id": id, "name": p.name})).collect::<Vec<_>>(),
            "today": today.to_string(), "cycle_start": start.to_string(), "months": months,
            "audits": list, "next": next_audit(&audits, today).map(|a| audit_row(&programme, a, today)),
            "audited": count("audited"), "overdue": count("overdue"), "not_yet_due": count("not yet due"),
            "overdue_items": rows("overdue"), "audited_items": rows("audited"), "coming": coming,
            "excluded": registers.exclusions.len(),
        }),
    )))
}

async fn find(state: &AppState, id: &str) -> Result<Audit, PageError> {
    records::audits(state)
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| PageError {
            status: StatusCode::NOT_FOUND,
            message: format!("there is no audit `{id}`; see the list of audits"),
        })
}

/// What the finding form held (kept to show it again with the problems).
#[derive(Deserialize, Default)]
pub struct FindingForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub item: String,
    #[serde(default)]
    pub grade: String,
    #[serde(default)]
    pub statement: String,
    #[serde(default)]
    pub evidence: String,
}

/// Why the signed-in person may not record findings of `audit` (empty:
/// they may), by the rule every door uses.
fn refusals(
    programme: &Programme,
    registers: &Registers,
    user: &WebUser,
    audit: &Audit,
) -> Vec<String> {
    let caller = crate::auth::access_of(&user.user);
    match store_audits::may_record_finding(programme, registers, audit, &caller) {
        Ok(()) => Vec::new(),
        Err(r) => r.message_and_lines(str::to_string),
    }
}

#[allow(clippy::too_many_arguments)]
fn audit_page(
    programme: &Programme,
    registers: &Registers,
    user: &WebUser,
    audit: &Audit,
    today: Date,
    form: &FindingForm,
    problems: &[String],
    saved: Option<String>,
    status: StatusCode,
) -> Response {
    let settings = &programme.settings;
    let grade_name = |g: &str| registers.grade(g).map_or(g.to_string(), |x| x.name.clone());
    let findings: Vec<Value> = audit
        .findings
        .iter()
        .map(|f| {
            json!({
                "id": f.id, "item": f.item.label(), "grade": f.grade, "grade_name": grade_name(&f.grade),
                "statement": f.statement, "evidence": f.evidence, "nonconformity": f.nonconformity,
                "on": f.on.to_string(),
            })
        })
        .collect();
    let questions: Vec<Value> = checklist(programme, &audit.plan.scope)
        .into_iter()
        .map(|q| json!({ "item": q.item.label(), "question": q.question, "measures": q.measures }))
        .collect();
    let scope: Vec<Value> = audit
        .plan
        .scope
        .iter()
        .map(|i| {
            json!({
                "value": scope_value(i), "label": i.label(),
                "name": clause9_core::controls::name_of(&i.requirement).unwrap_or(""),
                "area": i.area.as_ref().and_then(|a| settings.areas.get(a)).map(|a| a.title.clone()),
            })
        })
        .collect();
    let grades: Vec<Value> = registers
        .audit
        .grades
        .iter()
        .map(|g| json!({ "id": g.id, "name": g.name, "nonconformity": g.nonconformity }))
        .collect();
    let refused = refusals(programme, registers, user, audit);
    let html = render(
        "audit.html",
        json!({
            "title": format!("{}: {}", audit.id, audit.plan.title), "user": user.view(), "nav": "audits",
            "audit": {
                "id": audit.id, "title": audit.plan.title, "objectives": audit.plan.objectives,
                "criteria": audit.plan.criteria, "methods": audit.plan.methods,
                "start": audit.plan.start.to_string(), "end": audit.plan.end.to_string(),
                "state": audit.state(today),
                "completed": audit.completed.as_ref().map(|(d, s)| json!({ "on": d.to_string(), "summary": s })),
                "auditors": audit.auditors.iter().map(|p| json!({ "id": p, "name": settings.display_name(p) })).collect::<Vec<_>>(),
            },
            "scope": scope, "questions": questions, "findings": findings, "grades": grades,
            "may_record": audit.completed.is_none(), "refused": refused,
            "may_complete": audit.completed.is_none() && user.allowed(programme, &Action::PlanAudit),
            "person": settings.display_name(&user.user.person),
            "form": { "item": form.item, "grade": form.grade, "statement": form.statement, "evidence": form.evidence },
            "problems": problems, "saved": saved,
        }),
    );
    (status, Html(html)).into_response()
}

fn scope_value(i: &ScopeItem) -> String {
    match &i.area {
        Some(a) => format!("{}@{a}", i.requirement),
        None => i.requirement.clone(),
    }
}

/// `GET /audits/{id}`.
pub async fn page(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Query(q): Query<crate::web::Saved>,
) -> PageResult<Response> {
    let programme = programme_or_503(&state)?;
    let registers = records::registers(&state)?;
    let audit = find(&state, &id).await?;
    let today = state.today(&programme);
    // "saved=F6": say what was recorded, from the record itself
    let saved = q.saved.and_then(|fid| {
        let f = audit.findings.iter().find(|f| f.id == fid)?;
        let grade = registers
            .grade(&f.grade)
            .map_or(f.grade.clone(), |g| g.name.clone());
        Some(match &f.nonconformity {
            Some(nc) => format!("finding {fid} ({grade}); it opened nonconformity {nc}"),
            None => format!("finding {fid} ({grade})"),
        })
    });
    Ok(audit_page(
        &programme,
        &registers,
        &user,
        &audit,
        today,
        &FindingForm::default(),
        &[],
        saved,
        StatusCode::OK,
    ))
}

/// `POST /audits/{id}/findings`: records a finding as `clause9 audit
/// finding` does; a nonconformity grade opens its 10.2 record in the same
/// transaction. Refusals are shown on the page with the form as sent.
pub async fn record_finding(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(form): Form<FindingForm>,
) -> PageResult<Response> {
    user.check_csrf(&form.csrf)?;
    let programme = programme_or_503(&state)?;
    let registers = records::registers(&state)?;
    let audit = find(&state, &id).await?;
    let today = state.today(&programme);
    let again = |problems: Vec<String>, status: StatusCode| {
        Ok(audit_page(
            &programme, &registers, &user, &audit, today, &form, &problems, None, status,
        ))
    };
    let refused = refusals(&programme, &registers, &user, &audit);
    if !refused.is_empty() {
        return again(refused, StatusCode::FORBIDDEN);
    }
    if !audit.plan.scope.iter().any(|i| scope_value(i) == form.item) {
        return again(
            vec![format!(
                "item `{}` is not in the scope of {}: choose one from the list",
                form.item, audit.id
            )],
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let recorded = store_audits::record_finding(
        &programme,
        &registers,
        state.store.as_ref(),
        &audit.id,
        store_audits::NewFinding {
            item: form.item.clone(),
            grade: form.grade.clone(),
            statement: form.statement.trim().to_string(),
            evidence: form.evidence.trim().to_string(),
        },
        &user.actor(&state, &programme),
        "audit finding (web)",
    )
    .await;
    if let Err(e) = recorded {
        let (lines, status) = crate::web::form_refusal(e, "see the list of audits")?;
        return again(lines, status);
    }
    let fid = format!("F{}", audit.findings.len() + 1);
    Ok(Redirect::to(&format!("/audits/{}?saved={fid}", audit.id)).into_response())
}

#[derive(Deserialize)]
pub struct ReportQuery {
    format: Option<String>,
}

/// `GET /audits/{id}/report?format=md|html`: the audit report as a file.
pub async fn report(
    State(state): State<AppState>,
    _user: WebUser,
    Path(id): Path<String>,
    Query(q): Query<ReportQuery>,
) -> PageResult<Response> {
    let programme = programme_or_503(&state)?;
    let registers = records::registers(&state)?;
    let audit = find(&state, &id).await?;
    let doc = report_doc(&programme, &registers, &audit);
    let (body, mime, ext) = match q.format.as_deref().unwrap_or("md") {
        "md" => (doc.markdown(), "text/markdown; charset=utf-8", "md"),
        "html" => (doc.html(), "text/html; charset=utf-8", "html"),
        other => {
            return Err(PageError {
                status: StatusCode::BAD_REQUEST,
                message: format!("format `{other}`: use md or html"),
            });
        }
    };
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"audit-report-{}.{ext}\"",
        audit.id
    )) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok((headers, body).into_response())
}
