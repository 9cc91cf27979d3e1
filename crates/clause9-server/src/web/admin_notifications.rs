//! Administration of notification settings (admins only; anyone else gets
//! 403): `/admin/notifications` lists every person of the programme with
//! their current choices; `/admin/notifications/{person}` changes one
//! person's choices with the same form and check as their own page, saved
//! through the store with the administrator as the actor of the audit entry.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use clause9_notify::Preferences;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::programme_or_503;
use crate::state::AppState;
use crate::web::auth::WebUser;
use crate::web::notifications::{PrefsForm, prefs_view, save, stored};
use crate::web::templates::render;
use crate::web::{PageError, PageResult};
use clause9_core::access::ActionKind;

#[derive(Deserialize)]
pub struct SavedFor {
    saved: Option<String>,
}

/// `GET /admin/notifications`: every person with their current choices.
pub async fn list(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<SavedFor>,
) -> PageResult<Response> {
    user.may_kind(ActionKind::ManageNotificationsOfOthers)?;
    let programme = programme_or_503(&state)?;
    let settings = &programme.settings;
    let mut people: Vec<Value> = Vec::new();
    for (id, p) in &settings.people {
        let raw = state
            .store
            .notifications()
            .preferences(id)
            .await
            .map_err(crate::error::ApiError::from)?;
        let chose = raw.is_some();
        let prefs = Preferences::from_stored(raw);
        people.push(json!({
            "id": id, "name": p.name, "chose": chose, "prefs": prefs_view(&prefs),
        }));
    }
    let saved = q
        .saved
        .filter(|s| settings.people.contains_key(s))
        .map(|s| {
            format!(
                "the notification settings of {} ({s})",
                settings.display_name(&s)
            )
        });
    let html = render(
        "admin_notifications.html",
        json!({
            "title": "Notification settings", "user": user.view(), "nav": "admin",
            "section": "notifications", "people": people, "saved": saved, "problems": [],
        }),
    );
    Ok(Html(html).into_response())
}

fn person_or_404(state: &AppState, person: &str) -> Result<String, PageError> {
    let programme = programme_or_503(state)?;
    match programme.settings.people.get(person) {
        Some(p) => Ok(p.name.clone()),
        None => Err(PageError {
            status: StatusCode::NOT_FOUND,
            message: format!(
                "`{person}` is not a person of this programme; pick one on the notification settings page"
            ),
        }),
    }
}

async fn person_page(
    state: &AppState,
    user: &WebUser,
    person: &str,
    form: Option<(&PrefsForm, Vec<String>)>,
    status: StatusCode,
) -> PageResult<Response> {
    let name = person_or_404(state, person)?;
    let current = stored(state, person).await?;
    let (shown, problems) = match form {
        Some((f, problems)) => (f.sent_view(), problems),
        None => (prefs_view(&current), Vec::new()),
    };
    let html = render(
        "admin_notification_person.html",
        json!({
            "title": format!("Notification settings of {name}"), "user": user.view(), "nav": "admin",
            "section": "notifications", "person": { "id": person, "name": name },
            "current": prefs_view(&current), "form": shown, "notify_problems": problems, "problems": [],
            "action": format!("/admin/notifications/{person}"),
        }),
    );
    Ok((status, Html(html)).into_response())
}

/// `GET /admin/notifications/{person}`: one person's choices and the form.
pub async fn person(
    State(state): State<AppState>,
    user: WebUser,
    Path(person): Path<String>,
) -> PageResult<Response> {
    user.may_kind(ActionKind::ManageNotificationsOfOthers)?;
    person_page(&state, &user, &person, None, StatusCode::OK).await
}

/// `POST /admin/notifications/{person}`: changes one person's choices.
pub async fn change(
    State(state): State<AppState>,
    user: WebUser,
    Path(person): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let form = PrefsForm::from_pairs(pairs);
    user.check_csrf(&form.csrf)?;
    user.may_kind(ActionKind::ManageNotificationsOfOthers)?;
    person_or_404(&state, &person)?;
    match form.preferences() {
        Ok(prefs) => {
            save(&state, &person, &prefs, &user.user.person).await?;
            Ok(Redirect::to(&format!("/admin/notifications?saved={person}")).into_response())
        }
        Err(problems) => {
            person_page(
                &state,
                &user,
                &person,
                Some((&form, problems)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
