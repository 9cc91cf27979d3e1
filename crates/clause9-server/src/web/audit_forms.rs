//! The audit lifecycle forms besides findings: planning an audit from the
//! audits page (title, objectives, scope, criteria, dates, methods, its
//! auditor) and completing one from its page. Both go through
//! `clause9_app::records::audits`, the functions `clause9 audit` and the
//! REST API use, so independence, competence and locking are checked the
//! same way. Admins and auditors only; a refusal is an error page naming
//! each problem.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use clause9_app::records::RecordError;
use clause9_app::records::audits as store_audits;
use clause9_core::audit::Plan;
use serde::Deserialize;

use crate::api::programme_or_503;
use crate::state::AppState;
use crate::web::auth::WebUser;
use crate::web::{PageError, PageResult, records};
use clause9_core::access::Action;

/// The plan form.
#[derive(Debug, Deserialize)]
pub struct PlanForm {
    pub csrf: String,
    pub title: String,
    pub objectives: String,
    /// Items separated by spaces, commas or lines: `9.1`, `A.8.8@itops`.
    pub scope: String,
    #[serde(default)]
    pub criteria: String,
    pub start: String,
    pub end: String,
    #[serde(default)]
    pub methods: String,
    #[serde(default)]
    pub auditor: String,
}

/// The completion form.
#[derive(Debug, Deserialize)]
pub struct CompleteForm {
    pub csrf: String,
    pub summary: String,
}

fn refused(status: StatusCode, what: &str, problems: Vec<String>) -> PageError {
    PageError {
        status,
        message: format!(
            "{what}: {}; go back, correct the form and send it again",
            problems.join("; ")
        ),
    }
}

/// A refusal of the shared rules as a page error with its status.
fn record_error(what: &str, e: RecordError) -> PageError {
    match crate::web::form_refusal(e, "see the list of audits") {
        Ok((lines, status)) => refused(status, what, lines),
        Err(page) => page,
    }
}

fn date(field: &str, text: &str, problems: &mut Vec<String>) -> Option<jiff::civil::Date> {
    let text = text.trim();
    match text.parse() {
        Ok(d) if text.len() == 10 => Some(d),
        _ => {
            problems.push(format!(
                "{field}: `{text}` is not a date such as 2026-03-31"
            ));
            None
        }
    }
}

/// `POST /audits`: plans an audit as `clause9 audit create` does.
pub async fn plan(
    State(state): State<AppState>,
    user: WebUser,
    Form(form): Form<PlanForm>,
) -> PageResult<Response> {
    user.check_csrf(&form.csrf)?;
    let programme = programme_or_503(&state)?;
    user.may(&programme, &Action::PlanAudit)?;
    let registers = records::registers(&state)?;
    let what = "the audit was not planned";
    let mut problems = Vec::new();
    for (field, value) in [("title", &form.title), ("objectives", &form.objectives)] {
        if value.trim().is_empty() {
            problems.push(format!("{field}: write the audit's {field}"));
        }
    }
    let mut scope = Vec::new();
    for text in form
        .scope
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
    {
        match store_audits::scope_item(&programme, &registers, text) {
            Ok(item) if !scope.contains(&item) => scope.push(item),
            Ok(_) => {}
            Err(e) => problems.extend(e.lines()),
        }
    }
    if form.scope.trim().is_empty() {
        problems.push("scope: name at least one clause or control, such as 9.1 or A.8.8@it".into());
    }
    let start = date("start", &form.start, &mut problems);
    let end = date("end", &form.end, &mut problems);
    let (Some(start), Some(end)) = (start, end) else {
        return Err(refused(StatusCode::UNPROCESSABLE_ENTITY, what, problems));
    };
    if !problems.is_empty() {
        return Err(refused(StatusCode::UNPROCESSABLE_ENTITY, what, problems));
    }
    let auditors: Vec<String> = Some(form.auditor.trim())
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .into_iter()
        .collect();
    let plan = Plan {
        title: form.title.trim().to_string(),
        objectives: form.objectives.trim().to_string(),
        scope,
        criteria: form.criteria.trim().to_string(),
        start,
        end,
        methods: form.methods.trim().to_string(),
    };
    let actor = user.actor(&state, &programme);
    let audit = store_audits::create(
        &programme,
        &registers,
        state.store.as_ref(),
        plan,
        &auditors,
        &actor,
        "audit planned (web)",
    )
    .await
    .map_err(|e| record_error(what, e))?;
    Ok(Redirect::to(&format!("/audits/{}?saved=planned", audit.id)).into_response())
}

/// `POST /audits/{id}/complete`: completes an audit; its record is locked.
pub async fn complete(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(form): Form<CompleteForm>,
) -> PageResult<Response> {
    user.check_csrf(&form.csrf)?;
    let programme = programme_or_503(&state)?;
    user.may(&programme, &Action::PlanAudit)?;
    let what = "the audit was not completed";
    if form.summary.trim().is_empty() {
        return Err(refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            what,
            vec!["summary: write the audit's conclusion".into()],
        ));
    }
    let actor = user.actor(&state, &programme);
    store_audits::complete(
        &programme,
        state.store.as_ref(),
        &id,
        form.summary.trim().to_string(),
        &actor,
        "audit completed (web)",
    )
    .await
    .map_err(|e| record_error(what, e))?;
    Ok(Redirect::to(&format!("/audits/{id}?saved=completed")).into_response())
}
