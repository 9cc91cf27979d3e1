//! The management review pages (ISO/IEC 27001 9.3): `/reviews` (every
//! review, the next planned one and when the next is due) and
//! `/reviews/{id}` (the input pack on screen, inputs (a) to (g) with (d) in
//! four parts, assembled from live data; the minutes — attendees, discussion
//! per input, decisions, action items with owner and due date — and the
//! chair's sign-off, after which the record is locked and its forms are
//! gone). Rules are core's, as in `clause9 review`.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use clause9_app::records::reviews as store_reviews;
use clause9_core::Programme;
use clause9_core::access::{self, Action};
use clause9_core::doc::{Block, Doc};
use clause9_core::review::pack::{PackInput, evaluation_months, pack};
use clause9_core::review::{DECISION_KINDS, INPUTS, Review, ReviewAction, ReviewEvent};
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

/// The review that comes next: the earliest unsigned one not before today.
pub fn next_review(reviews: &[Review], today: Date) -> Option<&Review> {
    reviews
        .iter()
        .filter(|r| r.signed.is_none() && r.date >= today)
        .min_by_key(|r| r.date)
}

/// A document's blocks for the template.
pub fn doc_view(doc: &Doc) -> Value {
    let blocks: Vec<Value> = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Heading(level, text) => {
                json!({ "kind": "heading", "level": level, "text": text })
            }
            Block::Paragraph(text) => json!({ "kind": "paragraph", "text": text }),
            Block::List(items) => json!({ "kind": "list", "items": items }),
            Block::Table(header, rows) => {
                json!({ "kind": "table", "header": header, "rows": rows })
            }
        })
        .collect();
    json!({ "title": doc.title, "blocks": blocks })
}

fn row(programme: &Programme, r: &Review, today: Date) -> Value {
    let overdue: Vec<&str> = r
        .open_actions()
        .iter()
        .filter(|a| a.due < today)
        .map(|a| a.id.as_str())
        .collect();
    json!({
        "id": r.id, "title": r.title, "date": r.date.to_string(),
        "chair": programme.settings.display_name(&r.chair),
        "signed": r.signed.as_ref().map(|(by, on)| json!({ "by": programme.settings.display_name(by), "on": on.to_string() })),
        "open_actions": r.open_actions().len(), "overdue_actions": overdue,
    })
}

/// `GET /reviews`.
pub async fn list(State(state): State<AppState>, user: WebUser) -> PageResult<Response> {
    list_page(&state, &user, None, StatusCode::OK).await
}

/// The reviews list; `opening` is a refused opening form and its problems.
pub(crate) async fn list_page(
    state: &AppState,
    user: &WebUser,
    opening: Option<(&OpenForm, Vec<String>)>,
    status: StatusCode,
) -> PageResult<Response> {
    let programme = programme_or_503(state)?;
    let registers = records::registers(state)?;
    let today = state.today(&programme);
    let reviews = records::reviews(state).await?;
    let due = clause9_app::records::reviews::next_due(&programme, &registers, &reviews);
    let list: Vec<Value> = reviews.iter().map(|r| row(&programme, r, today)).collect();
    let people: Vec<Value> = programme
        .settings
        .people
        .keys()
        .map(
            |p| json!({ "id": p, "name": format!("{} ({p})", programme.settings.display_name(p)) }),
        )
        .collect();
    let (sent, problems) = match opening {
        Some((f, problems)) => (
            json!({ "title": f.title, "date": f.date, "chair": f.chair }),
            problems,
        ),
        None => (
            json!({ "title": "Management review", "date": due.max(today).to_string(), "chair": user.user.person }),
            Vec::new(),
        ),
    };
    let html = render(
        "reviews.html",
        json!({
            "title": "Management reviews", "user": user.view(), "nav": "reviews",
            "reviews": list, "next": next_review(&reviews, today).map(|r| row(&programme, r, today)),
            "due": due.to_string(), "due_overdue": due < today,
            "interval": registers.review_interval_months,
            "may_open": user.allowed(&programme, &Action::OpenReview), "people": people,
            "sent": sent, "problems": problems,
        }),
    );
    Ok((status, Html(html)).into_response())
}

/// The form that opens a review (as `clause9 review open`: title, date, chair).
#[derive(Deserialize, Default)]
pub struct OpenForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub chair: String,
}

/// What a minutes form held; `step` says which form.
#[derive(Deserialize, Default)]
pub struct MinutesForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub step: String,
    #[serde(default)]
    pub person: String,
    #[serde(default)]
    pub input: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub due: String,
}

pub(crate) async fn find(state: &AppState, id: &str) -> Result<(Review, Vec<Review>), PageError> {
    let all = records::reviews(state).await?;
    all.iter()
        .find(|r| r.id == id)
        .cloned()
        .map(|r| (r, all))
        .ok_or_else(|| PageError {
            status: StatusCode::NOT_FOUND,
            message: format!("there is no management review `{id}`; see the list of reviews"),
        })
}

/// The input pack for `review`, from live data as `clause9 review prepare` makes it.
async fn input_pack(
    state: &AppState,
    programme: &Programme,
    review: &Review,
    all: &[Review],
) -> Result<Doc, PageError> {
    let registers = records::registers(state)?;
    let since = Review::last_signed_before(all, review.date);
    let months = evaluation_months(programme.settings.first_period, since, review.date);
    let evals = evaluations(state, programme, &months).await?;
    let ncs = nonconformities(state).await?;
    let audits = records::audits(state).await?;
    Ok(pack(&PackInput {
        date: review.date,
        since,
        programme,
        registers: &registers,
        reviews: all,
        nonconformities: &ncs,
        evaluations: &evals,
        audits: &audits,
    }))
}

pub(crate) struct Shown<'a> {
    pub form: &'a MinutesForm,
    pub problems: &'a [String],
    pub saved: Option<String>,
    pub status: StatusCode,
}

pub(crate) async fn review_page(
    state: &AppState,
    programme: &Programme,
    user: &WebUser,
    review: &Review,
    all: &[Review],
    shown: Shown<'_>,
) -> Result<Response, PageError> {
    let settings = &programme.settings;
    let today = state.today(programme);
    let doc = input_pack(state, programme, review, all).await?;
    let name = |p: &str| format!("{} ({p})", settings.display_name(p));
    let discussion: Vec<Value> = INPUTS
        .iter()
        .map(|(key, title)| {
            let notes: Vec<&String> = review
                .discussion
                .iter()
                .filter(|(i, _)| i == key)
                .map(|(_, t)| t)
                .collect();
            json!({ "key": key, "title": title, "notes": notes })
        })
        .collect();
    let actions: Vec<Value> = review
        .actions
        .iter()
        .map(|a| {
            let done = review.done.iter().find(|(d, _, _)| *d == a.id);
            let state = match done {
                Some(_) => "done",
                None if a.due < today => "overdue",
                None => "open",
            };
            json!({
                "id": a.id, "description": a.description, "owner": name(&a.owner),
                "due": a.due.to_string(), "overdue": done.is_none() && a.due < today, "state": state,
                "done": done.map(|(_, on, note)| json!({ "on": on.to_string(), "note": note })),
            })
        })
        .collect();
    let people: Vec<Value> = settings
        .people
        .keys()
        .map(|p| json!({ "id": p, "name": name(p) }))
        .collect();
    let may_write = user.allowed(programme, &Action::WriteMinutes(review));
    let html = render(
        "review.html",
        json!({
            "title": format!("{}: {}", review.id, review.title), "user": user.view(), "nav": "reviews",
            "review": {
                "id": review.id, "title": review.title, "date": review.date.to_string(),
                "chair": name(&review.chair),
                "signed": review.signed.as_ref().map(|(by, on)| json!({ "by": name(by), "on": on.to_string() })),
                "attendees": review.attendees.iter().map(|a| name(a)).collect::<Vec<_>>(),
                "decisions": review.decisions.iter().map(|(k, t)| json!({ "kind": k, "text": t })).collect::<Vec<_>>(),
            },
            "discussion": discussion, "actions": actions, "pack": doc_view(&doc),
            "inputs": INPUTS.iter().map(|(k, t)| json!({ "key": k, "title": t })).collect::<Vec<_>>(),
            "kinds": DECISION_KINDS, "people": people,
            "may_write": may_write && review.signed.is_none(),
            "may_follow_up": may_write && !review.open_actions().is_empty(),
            "is_chair": user.user.person == review.chair,
            "form": {
                "step": shown.form.step, "person": shown.form.person, "input": shown.form.input, "kind": shown.form.kind,
                "text": shown.form.text, "description": shown.form.description, "owner": shown.form.owner, "due": shown.form.due,
            },
            "problems": shown.problems, "saved": shown.saved, "today": today.to_string(),
        }),
    );
    Ok((shown.status, Html(html)).into_response())
}

/// `GET /reviews/{id}`.
pub async fn page(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Query(q): Query<crate::web::Saved>,
) -> PageResult<Response> {
    let programme = programme_or_503(&state)?;
    let (review, all) = find(&state, &id).await?;
    let saved = q.saved.filter(|s| {
        [
            "opened",
            "attended",
            "discussed",
            "decided",
            "action_added",
            "action_done",
            "signed",
        ]
        .contains(&s.as_str())
    });
    let saved = saved.map(|s| match s.as_str() {
        "attended" => "the attendee".to_string(),
        "discussed" => "the discussion".to_string(),
        "decided" => "the decision".to_string(),
        "action_added" => "the action item".to_string(),
        "opened" => "the opening of the review".to_string(),
        "action_done" => "the action item as done".to_string(),
        _ => "the sign-off: the minutes are locked".to_string(),
    });
    let form = MinutesForm::default();
    review_page(
        &state,
        &programme,
        &user,
        &review,
        &all,
        Shown {
            form: &form,
            problems: &[],
            saved,
            status: StatusCode::OK,
        },
    )
    .await
}

/// The event a minutes form asks for, or why it cannot be.
fn event_of(
    programme: &Programme,
    user: &WebUser,
    review: &Review,
    f: &MinutesForm,
) -> Result<ReviewEvent, String> {
    let person = |p: &str, what: &str| {
        if programme.settings.people.contains_key(p) {
            Ok(p.to_string())
        } else {
            Err(format!("{what}: `{p}` is not a person of this programme"))
        }
    };
    match f.step.as_str() {
        "attend" => Ok(ReviewEvent::Attended {
            person: person(f.person.trim(), "attendee")?,
        }),
        "discuss" => {
            if f.text.trim().is_empty() {
                return Err("write what was discussed".into());
            }
            Ok(ReviewEvent::Discussed {
                input: f.input.clone(),
                text: f.text.trim().to_string(),
            })
        }
        "decide" => {
            if f.text.trim().is_empty() {
                return Err("write the decision".into());
            }
            Ok(ReviewEvent::Decided {
                kind: f.kind.clone(),
                text: f.text.trim().to_string(),
            })
        }
        "action" => {
            let owner = person(f.owner.trim(), "owner")?;
            let due = match f.due.trim().parse::<Date>() {
                Ok(d) if f.due.trim().len() == 10 => d,
                _ => {
                    return Err(format!(
                        "due date: `{}` is not a date such as 2026-03-31",
                        f.due.trim()
                    ));
                }
            };
            Ok(ReviewEvent::ActionAdded {
                action: ReviewAction {
                    id: format!("RA{}", review.actions.len() + 1),
                    description: f.description.trim().to_string(),
                    owner,
                    due,
                },
            })
        }
        "sign" => Ok(ReviewEvent::Signed {
            by: user.user.person.clone(),
        }),
        other => Err(format!("unknown step `{other}`")),
    }
}

/// `POST /reviews/{id}`: one step of the minutes (`step` = attend, discuss,
/// decide, action or sign), checked by core as `clause9 review` checks it;
/// a signed record refuses every step.
pub async fn submit(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(form): Form<MinutesForm>,
) -> PageResult<Response> {
    user.check_csrf(&form.csrf)?;
    let programme = programme_or_503(&state)?;
    let (review, all) = find(&state, &id).await?;
    let asked = if form.step == "sign" {
        Action::SignMinutes(&review)
    } else {
        Action::WriteMinutes(&review)
    };
    let checked = match access::may(&programme, &crate::auth::access_of(&user.user), &asked) {
        Err(r) => Err((vec![r.message], StatusCode::FORBIDDEN)),
        Ok(()) => match event_of(&programme, &user, &review, &form) {
            Err(p) => Err((vec![p], StatusCode::UNPROCESSABLE_ENTITY)),
            Ok(event) => {
                let why = match &event {
                    ReviewEvent::Signed { .. } => "minutes signed by the chair (web)",
                    _ => "minutes (web)",
                };
                let done = store_reviews::step(
                    &programme,
                    state.store.as_ref(),
                    &review.id,
                    |_| Ok(event),
                    &user.actor(&state, &programme),
                    Some(why),
                )
                .await;
                match done {
                    Ok((_, event)) => Ok(event),
                    Err(e) => Err(crate::web::form_refusal(e, "see the list of reviews")?),
                }
            }
        },
    };
    let event = match checked {
        Ok(e) => e,
        Err((problems, status)) => {
            return review_page(
                &state,
                &programme,
                &user,
                &review,
                &all,
                Shown {
                    form: &form,
                    problems: &problems,
                    saved: None,
                    status,
                },
            )
            .await;
        }
    };
    Ok(Redirect::to(&format!("/reviews/{}?saved={}", review.id, event.name())).into_response())
}
