//! The lifecycle forms of nonconformities: `POST /nonconformities` raises
//! one, `POST /nonconformities/{id}/{step}` records a step (correct,
//! analyse, action, implement, check, verify, close). Each form carries the
//! session's CSRF token; the step goes through
//! `clause9_app::records::nonconformities`, the same checks, state machine
//! and event stream as `clause9 nc` and the REST API. A refusal shows the
//! form again with the reason beside it.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use clause9_app::records::RecordError;
use clause9_app::records::nonconformities::{
    apply, check_raise, measure_verdict, raise as raise_record,
};
use clause9_core::Programme;
use clause9_core::access::Action as Access;
use clause9_core::nonconformity::{
    Action, Check, CheckMethod, Event, Nonconformity, Refused, Source, Transition,
};
use jiff::civil::Date;
use serde::Deserialize;
use serde_json::json;

use crate::api::programme_or_503;
use crate::state::AppState;
use crate::web::auth::WebUser;
use crate::web::data::nonconformities;
use crate::web::nc::{Refusal, board_page, plain, record_page};
use crate::web::{PageError, PageResult};

/// Every field any of the forms sends; each form uses some.
#[derive(Debug, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct StepForm {
    #[serde(skip_serializing)]
    pub csrf: String,
    pub why: String,
    // raise
    pub source: String,
    pub reference: String,
    pub description: String,
    pub severity: String,
    pub area: String,
    pub controls: String,
    // correct
    pub correction: String,
    // analyse
    pub whys: String,
    pub cause: String,
    pub extent: String,
    // action (and description above)
    pub owner: String,
    pub due: String,
    pub success: String,
    // implement
    pub action: String,
    pub note: String,
    // check
    pub date: String,
    pub method: String,
    pub measure: String,
    pub periods: String,
    // verify
    pub verdict: String,
    pub evidence: String,
}

fn optional(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn date_field(label: &str, text: &str) -> Result<Option<Date>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<Date>() {
        Ok(d) if t.len() == 10 => Ok(Some(d)),
        _ => Err(format!("{label}: `{t}` is not a date such as 2026-03-31")),
    }
}

fn refused(e: &Refused) -> String {
    plain(&e.to_string())
}

/// A refusal of the shared rules as lines beside the form; a missing
/// record or a store failure is a page error.
fn refusal_lines(e: RecordError) -> Result<Vec<String>, PageError> {
    crate::web::form_refusal(e, "pick one on the nonconformities board").map(|(lines, _)| lines)
}

/// `POST /nonconformities`: raises a nonconformity by hand.
pub async fn raise(
    State(state): State<AppState>,
    user: WebUser,
    Form(form): Form<StepForm>,
) -> PageResult<Response> {
    user.check_csrf(&form.csrf)?;
    let programme = programme_or_503(&state)?;
    user.may(&programme, &Access::RaiseNonconformity)?;
    let mut problems = Vec::new();
    if form.description.trim().is_empty() {
        problems.push("description: say what is not conforming".into());
    }
    let controls: Vec<String> = form
        .controls
        .split([',', ' '])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    let area = optional(&form.area);
    problems.extend(check_raise(
        &programme,
        form.source.trim(),
        &form.severity,
        area.as_deref(),
        &controls,
    ));
    let refuse = |problems: Vec<String>| Refusal {
        form: "raise".into(),
        problems,
        sent: json!(form),
    };
    if !problems.is_empty() {
        return board_page(&state, &user, Some(refuse(problems))).await;
    }
    let reference = form.reference.trim().to_string();
    // check_raise let only the sources a person may raise through
    let source = match form.source.trim() {
        "incident" => Source::Incident { reference },
        "management_review" => Source::ManagementReview { reference },
        _ => Source::Other { reference },
    };
    let t = Transition {
        event: Event::Raised {
            source,
            description: form.description.trim().to_string(),
            severity: form.severity.clone(),
            area,
            controls,
        },
        by: user.user.person.clone(),
        on: state.today(&programme),
        why: form.why.trim().to_string(),
    };
    let actor = user.actor(&state, &programme);
    match raise_record(&programme, state.store.as_ref(), &actor, &t).await {
        Ok(nc) => Ok(Redirect::to(&format!("/nonconformities/{}", nc.id)).into_response()),
        Err(e) => board_page(&state, &user, Some(refuse(refusal_lines(e)?))).await,
    }
}

/// `POST /nonconformities/{id}/{step}`.
pub async fn step(
    State(state): State<AppState>,
    user: WebUser,
    Path((id, step)): Path<(String, String)>,
    Form(form): Form<StepForm>,
) -> PageResult<Response> {
    user.check_csrf(&form.csrf)?;
    let programme = programme_or_503(&state)?;
    let day = state.today(&programme);
    let all = nonconformities(&state).await?;
    let Some(nc) = all.into_iter().find(|n| n.id == id) else {
        return Err(PageError {
            status: StatusCode::NOT_FOUND,
            message: format!(
                "there is no nonconformity `{id}`; pick one on the nonconformities board"
            ),
        });
    };
    user.may(
        &programme,
        &match step.as_str() {
            "implement" => Access::ImplementAction(&nc, form.action.trim()),
            "verify" => Access::VerifyEffectiveness(&nc),
            _ => Access::WorkNonconformity(&nc),
        },
    )?;
    let refuse = |problems: Vec<String>| Refusal {
        form: step.clone(),
        problems,
        sent: json!(form),
    };
    let event = match event_of(&state, &programme, &nc, &step, &form, day).await? {
        Ok(event) => event,
        Err(problems) => {
            return record_page(&state, &user, &id, Some(refuse(problems)), None).await;
        }
    };
    let t = Transition {
        event,
        by: user.user.person.clone(),
        on: day,
        why: form.why.trim().to_string(),
    };
    let name = t.event.name();
    let actor = user.actor(&state, &programme);
    if let Err(e) = apply(&programme, state.store.as_ref(), &actor, &id, t).await {
        let problems = refusal_lines(e)?;
        return record_page(&state, &user, &id, Some(refuse(problems)), None).await;
    }
    Ok(Redirect::to(&format!("/nonconformities/{id}?done={name}")).into_response())
}

/// The event a form asks for, or the problems of the form.
async fn event_of(
    state: &AppState,
    programme: &Programme,
    nc: &Nonconformity,
    step: &str,
    form: &StepForm,
    day: Date,
) -> Result<Result<Event, Vec<String>>, PageError> {
    let missing = |what: &str| Ok(Err(vec![what.to_string()]));
    Ok(Ok(match step {
        "correct" => match optional(&form.correction) {
            Some(correction) => Event::Corrected { correction },
            None => return missing("correction: say what was done to contain and correct it"),
        },
        "analyse" => Event::RootCauseAnalysed {
            whys: form
                .whys
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            cause: form.cause.trim().to_string(),
            extent: form.extent.trim().to_string(),
        },
        "action" => {
            let due = match date_field("due", &form.due) {
                Ok(d) => d,
                Err(e) => return Ok(Err(vec![e])),
            };
            let owner = optional(&form.owner);
            if let Some(o) = &owner
                && !programme.settings.people.contains_key(o)
            {
                return Ok(Err(vec![format!(
                    "owner: `{o}` is not a person of this programme"
                )]));
            }
            Event::ActionPlanned {
                action: Action {
                    // the shared `apply` gives it the next id (A1, A2, …)
                    id: String::new(),
                    description: form.description.trim().to_string(),
                    owner,
                    due,
                    success_criterion: optional(&form.success),
                    implemented_on: None,
                    note: None,
                },
            }
        }
        "implement" => {
            if form.action.trim().is_empty() {
                return missing("action: pick the action that was implemented");
            }
            Event::ActionImplemented {
                action: form.action.trim().to_string(),
                note: form.note.trim().to_string(),
            }
        }
        "check" => {
            let on = match date_field("date", &form.date) {
                Ok(Some(d)) => d,
                Ok(None) => return missing("date: give the date of the effectiveness check"),
                Err(e) => return Ok(Err(vec![e])),
            };
            let method = if form.method == "measure" {
                let Some(m) = programme.measure(form.measure.trim()) else {
                    return Ok(Err(vec![format!(
                        "measure: `{}` is not a measure of this programme",
                        form.measure.trim()
                    )]));
                };
                let periods = match form.periods.trim().parse::<u32>() {
                    Ok(n) if n >= 1 => n,
                    _ => return missing("periods: give a whole number of periods of 1 or more"),
                };
                CheckMethod::Measure {
                    measure: m.id.clone(),
                    periods,
                }
            } else {
                CheckMethod::Manual
            };
            Event::CheckPlanned {
                check: Check { on, method },
            }
        }
        "verify" => return verification(state, programme, nc, form, day).await,
        "close" => Event::Closed,
        other => {
            return Err(PageError {
                status: StatusCode::NOT_FOUND,
                message: format!(
                    "there is no step `{other}`; use the forms on the nonconformity's page"
                ),
            });
        }
    }))
}

/// Verification: automatic through the linked measure (as `clause9 nc
/// verify` does), else the person's verdict with evidence.
async fn verification(
    state: &AppState,
    programme: &Programme,
    nc: &Nonconformity,
    form: &StepForm,
    day: Date,
) -> Result<Result<Event, Vec<String>>, PageError> {
    // the lifecycle's own checks (state, planned date) come first
    let mut probe = nc.clone();
    if let Err(e) = probe.apply(&Transition {
        event: Event::Verified {
            effective: true,
            evidence: "probe".into(),
        },
        by: "probe".into(),
        on: day,
        why: "probe".into(),
    }) {
        return Ok(Err(vec![refused(&e)]));
    }
    if let Some(CheckMethod::Measure { measure, periods }) = nc.check.as_ref().map(|c| &c.method) {
        if programme.measure(measure).is_none() {
            return Ok(Err(vec![format!(
                "the check's measure `{measure}` is no longer in the programme; plan a manual check"
            )]));
        }
        // only periods that started after the last action was implemented count
        let after = nc.actions.iter().filter_map(|a| a.implemented_on).max();
        let (verdict, text) = match measure_verdict(
            programme,
            state.store.as_ref(),
            measure,
            *periods,
            day,
            after,
        )
        .await
        {
            Ok(found) => found,
            Err(e) => return Ok(Err(refusal_lines(e)?)),
        };
        let evidence = format!("{measure} over the last {periods} periods: {text}");
        return Ok(match verdict {
            Some(effective) => Ok(Event::Verified {
                effective,
                evidence,
            }),
            None => Err(vec![format!(
                "not enough data to verify yet ({evidence}); record the values and try again"
            )]),
        });
    }
    let effective = match form.verdict.as_str() {
        "effective" => true,
        "not_effective" => false,
        _ => {
            return Ok(Err(vec![
                "verdict: say whether the actions were effective".into(),
            ]));
        }
    };
    Ok(Ok(Event::Verified {
        effective,
        evidence: form.evidence.trim().to_string(),
    }))
}

/// What the page says after a step.
pub fn done_text(event: &str) -> Option<&'static str> {
    Some(match event {
        "corrected" => "the correction is recorded",
        "root_cause_analysed" => "the root cause analysis is recorded",
        "action_planned" => "the action is planned",
        "action_implemented" => "the action is recorded as implemented",
        "check_planned" => "the effectiveness check is planned",
        "verified" => "the actions were verified effective",
        "reopened" => "the actions were not effective: the nonconformity is reopened",
        "closed" => "the nonconformity is closed",
        _ => return None,
    })
}
