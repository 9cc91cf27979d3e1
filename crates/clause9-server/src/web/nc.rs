//! Nonconformities and corrective actions on screen: `GET /nonconformities`
//! (the board: open records by state, overdue actions and checks marked,
//! the closed ones, and the form to raise one) and `GET
//! /nonconformities/{id}` (one record with its whole history and a form for
//! each step its state allows). The forms post to `web::nc_forms`.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use clause9_core::Programme;
use clause9_core::access::Action as Access;
use clause9_core::nonconformity::{
    CheckMethod, Nonconformity, Source, State as NcState, next_step,
};
use jiff::civil::Date;
use serde_json::{Value, json};

use crate::api::programme_or_503;
use crate::state::AppState;
use crate::web::auth::WebUser;
use crate::web::data::nonconformities;
use crate::web::templates::render;
use crate::web::{PageError, PageResult};

/// The sources a person may raise a nonconformity from by hand (audit
/// findings and red indicators are raised by their own workflows); the
/// shared `check_raise` refuses any other.
const MANUAL_SOURCES: [&str; 3] = ["incident", "management_review", "other"];

/// The severities of a nonconformity.
const SEVERITIES: [&str; 2] = ["major", "minor"];

/// The states in lifecycle order, with their column titles.
const COLUMNS: [(NcState, &str); 7] = [
    (NcState::Raised, "Raised"),
    (NcState::Corrected, "Corrected"),
    (NcState::RootCauseAnalysed, "Root cause analysed"),
    (NcState::ActionPlanned, "Actions planned"),
    (NcState::Implemented, "Implemented"),
    (NcState::Verified, "Verified"),
    (NcState::Reopened, "Reopened"),
];

/// A message written for the command line, without its hints at flags and
/// commands (`(--owner)`, ``(`nc correct`)``), for a form.
pub fn plain(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find(" (") {
        let inner = &rest[start + 2..];
        let hint = inner.starts_with("--") || inner.starts_with('`');
        match (hint, inner.find(')')) {
            (true, Some(end)) => {
                out.push_str(&rest[..start]);
                rest = &inner[end + 1..];
            }
            _ => {
                out.push_str(&rest[..start + 2]);
                rest = inner;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The words for a state.
pub fn state_label(s: NcState) -> String {
    s.as_str().replace('_', " ")
}

/// One record as a card of the board or a row of a list.
pub fn card(nc: &Nonconformity, today: Date) -> Value {
    json!({
        "id": nc.id, "state": state_label(nc.state), "severity": nc.severity,
        "description": nc.description, "raised_on": nc.raised_on.to_string(),
        "source": format!("{} {}", nc.source.kind().replace('_', " "), nc.source.reference()),
        "overdue": nc.is_overdue(today),
        "overdue_actions": nc.overdue_actions(today).iter().map(|a| json!({"id": a.id, "due": a.due_date().to_string()})).collect::<Vec<_>>(),
        "overdue_check": nc.overdue_check(today).map(|c| c.on.to_string()),
        "closed_on": nc.closed_on.map(|d| d.to_string()),
    })
}

/// The nonconformities about a measure: raised by its red indicator, or
/// verified through it.
pub async fn measure_ncs(
    state: &AppState,
    measure: &str,
    today: Date,
) -> crate::error::ApiResult<Vec<Value>> {
    Ok(nonconformities(state)
        .await?
        .iter()
        .filter(|n| {
            matches!(&n.source, Source::RedIndicator { measure: m, .. } if m == measure)
                || matches!(n.check.as_ref().map(|c| &c.method), Some(CheckMethod::Measure { measure: m, .. }) if m == measure)
        })
        .map(|n| card(n, today))
        .collect())
}

/// The choices of the forms: people, areas, sources, severities, measures.
fn choices(programme: &Programme) -> Value {
    let s = &programme.settings;
    json!({
        "people": s.people.iter().map(|(id, p)| json!({"id": id, "name": p.name})).collect::<Vec<_>>(),
        "areas": s.areas.iter().map(|(id, a)| json!({"id": id, "title": a.title})).collect::<Vec<_>>(),
        "sources": MANUAL_SOURCES.iter().map(|k| json!({"id": k, "label": k.replace('_', " ")})).collect::<Vec<_>>(),
        "severities": SEVERITIES,
        "measures": programme.measures.iter().filter(|m| m.is_active()).map(|m| json!({"id": m.id, "name": m.name})).collect::<Vec<_>>(),
    })
}

/// What a refused form shows again: which form, its problems, what was sent.
pub struct Refusal {
    pub form: String,
    pub problems: Vec<String>,
    pub sent: Value,
}

/// The board, optionally with the raise form refused.
pub async fn board_page(
    state: &AppState,
    user: &WebUser,
    refusal: Option<Refusal>,
) -> PageResult<Response> {
    let programme = programme_or_503(state)?;
    let today = state.today(&programme);
    let all = nonconformities(state).await?;
    let columns: Vec<Value> = COLUMNS
        .iter()
        .map(|(s, title)| {
            let cards: Vec<Value> = all
                .iter()
                .filter(|n| n.state == *s)
                .map(|n| card(n, today))
                .collect();
            json!({ "key": s.as_str(), "title": title, "cards": cards })
        })
        .collect();
    let closed: Vec<Value> = all
        .iter()
        .filter(|n| !n.is_open())
        .map(|n| card(n, today))
        .collect();
    let status = if refusal.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let html = render(
        "nc_board.html",
        json!({
            "title": "Nonconformities", "user": user.view(), "nav": "nonconformities",
            "columns": columns, "closed": closed, "today": today.to_string(),
            "open_count": all.iter().filter(|n| n.is_open()).count(),
            "overdue_count": all.iter().filter(|n| n.is_overdue(today)).count(),
            "choices": choices(&programme),
            "refusal": refusal.map(|r| json!({"form": r.form, "problems": r.problems, "sent": r.sent})),
        }),
    );
    Ok((status, Html(html)).into_response())
}

/// `GET /nonconformities`.
pub async fn board(State(state): State<AppState>, user: WebUser) -> PageResult<Response> {
    board_page(&state, &user, None).await
}

/// The forms a state allows and the policy lets `user` send, in the order
/// of the lifecycle.
fn forms_for(programme: &Programme, user: &WebUser, nc: &Nonconformity) -> Vec<&'static str> {
    let work = user.allowed(programme, &Access::WorkNonconformity(nc));
    let implement = nc
        .actions
        .iter()
        .any(|a| user.allowed(programme, &Access::ImplementAction(nc, &a.id)));
    let verify = user.allowed(programme, &Access::VerifyEffectiveness(nc));
    all_forms(nc)
        .into_iter()
        .filter(|f| match *f {
            "implement" => implement,
            "verify" => verify,
            _ => work,
        })
        .collect()
}

/// The forms a state allows, in the order of the lifecycle.
fn all_forms(nc: &Nonconformity) -> Vec<&'static str> {
    let mut forms = Vec::new();
    match nc.state {
        NcState::Raised => forms.push("correct"),
        NcState::Corrected | NcState::Reopened => forms.push("analyse"),
        NcState::RootCauseAnalysed => forms.push("action"),
        NcState::ActionPlanned => forms.extend(["implement", "action", "check"]),
        NcState::Implemented => {
            if nc.check.is_some() {
                forms.push("verify");
            }
            forms.extend(["check", "action"]);
        }
        NcState::Verified => forms.push("close"),
        NcState::Closed => {}
    }
    forms
}

fn detail(programme: &Programme, user: &WebUser, nc: &Nonconformity, today: Date) -> Value {
    let s = &programme.settings;
    let actions: Vec<Value> = nc
        .actions
        .iter()
        .map(|a| {
            json!({
                "id": a.id, "description": a.description,
                "owner": a.owner.as_deref().map(|o| s.display_name(o).to_string()),
                "due": a.due.map(|d| d.to_string()),
                "success": a.success_criterion,
                "implemented_on": a.implemented_on.map(|d| d.to_string()),
                "note": a.note, "overdue": a.is_overdue(today),
            })
        })
        .collect();
    let check = nc.check.as_ref().map(|c| {
        let method = match &c.method {
            CheckMethod::Manual => "checked by a person, who records the evidence".to_string(),
            CheckMethod::Measure { measure, periods } => format!(
                "automatic: {measure} must be green for {periods} consecutive collection periods"
            ),
        };
        json!({
            "on": c.on.to_string(), "method": method,
            "automatic": matches!(c.method, CheckMethod::Measure { .. }),
            "overdue": nc.overdue_check(today).is_some(),
        })
    });
    let history: Vec<Value> = nc
        .history
        .iter()
        .map(|h| json!({ "event": h.event.replace('_', " "), "by": s.display_name(&h.by), "on": h.on.to_string(), "why": h.why }))
        .collect();
    let mut c = card(nc, today);
    if let Some(map) = c.as_object_mut() {
        for (k, v) in [
            (
                "area",
                json!(nc.area.as_ref().map(|a| {
                    s.areas
                        .get(a)
                        .map_or(a.clone(), |x| format!("{a}: {}", x.title))
                })),
            ),
            ("controls", json!(nc.controls)),
            ("correction", json!(nc.correction)),
            ("root_cause", json!(nc.root_cause)),
            ("whys", json!(nc.whys)),
            ("extent", json!(nc.extent)),
            ("actions", json!(actions)),
            (
                "open_actions",
                json!(
                    nc.actions
                        .iter()
                        .filter(|a| a.implemented_on.is_none())
                        .map(|a| json!({"id": a.id, "description": a.description}))
                        .collect::<Vec<_>>()
                ),
            ),
            ("check", json!(check)),
            ("recurrences", json!(nc.recurrences)),
            ("history", json!(history)),
            ("next", json!(next_step(nc.state))),
            ("forms", json!(forms_for(programme, user, nc))),
        ] {
            map.insert(k.into(), v);
        }
    }
    c
}

/// One record's page, optionally with a refused form.
pub async fn record_page(
    state: &AppState,
    user: &WebUser,
    id: &str,
    refusal: Option<Refusal>,
    saved: Option<String>,
) -> PageResult<Response> {
    let programme = programme_or_503(state)?;
    let today = state.today(&programme);
    let all = nonconformities(state).await?;
    let Some(nc) = all.iter().find(|n| n.id == id) else {
        return Err(PageError {
            status: StatusCode::NOT_FOUND,
            message: format!(
                "there is no nonconformity `{id}`; pick one on the nonconformities board"
            ),
        });
    };
    let status = if refusal.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let html = render(
        "nc.html",
        json!({
            "title": format!("{} {}", nc.id, nc.description), "user": user.view(),
            "nav": "nonconformities", "nc": detail(&programme, user, nc, today),
            "today": today.to_string(), "choices": choices(&programme), "saved": saved,
            "refusal": refusal.map(|r| json!({"form": r.form, "problems": r.problems, "sent": r.sent})),
        }),
    );
    Ok((status, Html(html)).into_response())
}

#[derive(serde::Deserialize)]
pub struct Done {
    pub done: Option<String>,
}

/// `GET /nonconformities/{id}` (`?done=EVENT` after a step).
pub async fn page(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> PageResult<Response> {
    let saved = done
        .done
        .as_deref()
        .and_then(crate::web::nc_forms::done_text)
        .map(str::to_string);
    record_page(&state, &user, &id, None, saved).await
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn command_hints_are_left_out() {
        assert_eq!(
            plain("the action is not SMART: missing an owner (--owner), a due date (--due)"),
            "the action is not SMART: missing an owner, a due date"
        );
        assert_eq!(
            plain("record the correction (`nc correct`)"),
            "record the correction"
        );
        assert_eq!(plain("keep (this) as it is"), "keep (this) as it is");
    }
}
