//! The management review forms beside the minutes: opening a review from
//! the reviews list (title, date and chair, as `clause9 review open`) and
//! marking an action item done — also after the minutes are signed, since
//! actions are followed up after the review. Both go through
//! `clause9_app::records::reviews`, the functions the CLI and the REST API
//! use, with the access policy's answer (403 otherwise, shown on the page).

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use clause9_app::records::RecordError;
use clause9_app::records::reviews as store_reviews;
use clause9_core::Programme;
use clause9_core::access::{self, Action};
use clause9_core::review::ReviewEvent;
use jiff::civil::Date;
use serde::Deserialize;

use crate::api::programme_or_503;
use crate::state::AppState;
use crate::web::auth::WebUser;
use crate::web::reviews::{MinutesForm, OpenForm, Shown, find, list_page, review_page};
use crate::web::{PageError, PageResult};

/// Why the policy refuses `action` to the signed-in person, if it does.
fn refused(programme: &Programme, user: &WebUser, action: &Action) -> Option<String> {
    access::may(programme, &crate::auth::access_of(&user.user), action)
        .err()
        .map(|r| r.message)
}

/// A refusal of the shared rules: the lines and the status to show them
/// with on the page; a missing record or a store failure is an error page.
fn refusal(e: RecordError) -> Result<(Vec<String>, StatusCode), PageError> {
    crate::web::form_refusal(e, "see the list of reviews")
}

/// `POST /reviews`: opens a review's minutes.
pub async fn open(
    State(state): State<AppState>,
    user: WebUser,
    Form(form): Form<OpenForm>,
) -> PageResult<Response> {
    user.check_csrf(&form.csrf)?;
    let programme = programme_or_503(&state)?;
    if let Some(why) = refused(&programme, &user, &Action::OpenReview) {
        return list_page(
            &state,
            &user,
            Some((&form, vec![why])),
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    let date = form.date.trim();
    let day = match date.parse::<Date>() {
        Ok(d) if date.len() == 10 => d,
        _ => {
            let problem = format!("date: `{date}` is not a date such as 2026-03-31");
            return list_page(
                &state,
                &user,
                Some((&form, vec![problem])),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let title = match form.title.trim() {
        "" => "Management review".to_string(),
        t => t.to_string(),
    };
    let opened = store_reviews::open(
        &programme,
        state.store.as_ref(),
        title,
        day,
        form.chair.trim().to_string(),
        &user.actor(&state, &programme),
        "management review (web)",
    )
    .await;
    match opened {
        Ok(review) => {
            Ok(Redirect::to(&format!("/reviews/{}?saved=opened", review.id)).into_response())
        }
        Err(e) => {
            let (problems, status) = refusal(e)?;
            list_page(&state, &user, Some((&form, problems)), status).await
        }
    }
}

/// What the action-item form holds.
#[derive(Deserialize, Default)]
pub struct DoneForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub note: String,
}

/// `POST /reviews/{id}/actions/{action}/done`: records an action item as done.
pub async fn action_done(
    State(state): State<AppState>,
    user: WebUser,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<DoneForm>,
) -> PageResult<Response> {
    user.check_csrf(&form.csrf)?;
    let programme = programme_or_503(&state)?;
    let (review, all) = find(&state, &id).await?;
    let note = form.note.trim().to_string();
    let checked = match refused(
        &programme,
        &user,
        &Action::MarkReviewActionDone(&review, &action),
    ) {
        Some(why) => Err((vec![why], StatusCode::FORBIDDEN)),
        None if note.is_empty() => Err((
            vec![format!("{action}: say what was done (the note)")],
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        None => {
            let done = store_reviews::step(
                &programme,
                state.store.as_ref(),
                &review.id,
                |_| Ok(ReviewEvent::ActionDone { action, note }),
                &user.actor(&state, &programme),
                Some("action item done (web)"),
            )
            .await;
            match done {
                Ok(_) => Ok(()),
                Err(e) => Err(refusal(e)?),
            }
        }
    };
    match checked {
        Ok(()) => {
            Ok(Redirect::to(&format!("/reviews/{}?saved=action_done", review.id)).into_response())
        }
        Err((problems, status)) => {
            let form = MinutesForm::default();
            review_page(
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
            .await
        }
    }
}
