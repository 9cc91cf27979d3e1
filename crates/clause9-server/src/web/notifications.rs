//! Notification settings pages: `/settings/notifications`, where every
//! signed-in person chooses which notices they receive and how (email, a
//! webhook), and the form both it and the administration page
//! (`web/admin_notifications.rs`) use. Preferences are checked by
//! `Preferences::problems` — the API's check — and saved through the store,
//! which writes the audit-log entry.

use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use clause9_notify::{NoticeKind, Preferences};
use clause9_store::accounts::Change;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::state::AppState;
use crate::web::PageResult;
use crate::web::auth::WebUser;
use crate::web::templates::render;

/// A notice kind in words, as the settings pages name it.
pub fn kind_words(kind: NoticeKind) -> &'static str {
    match kind {
        NoticeKind::CollectionDue => "a value you collect is due",
        NoticeKind::CollectionOverdue => "a value you collect is overdue",
        NoticeKind::IndicatorRed => "the indicator of a measure you own turned red",
        NoticeKind::CorrectiveActionOverdue => "a corrective action you own is overdue",
        NoticeKind::EffectivenessCheckDue => {
            "an effectiveness check of corrective actions you own is due"
        }
        NoticeKind::ReviewUpcoming => "a management review you chair is coming up or due",
        NoticeKind::AuditUpcoming => {
            "an internal audit you audit, or whose scope you own, is coming up"
        }
    }
}

/// The kind's name in the API and in forms (`collection_due`).
pub fn kind_key(kind: NoticeKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A person's preferences as stored (the defaults when they chose none).
pub async fn stored(state: &AppState, person: &str) -> Result<Preferences, ApiError> {
    Ok(Preferences::from_stored(
        state.store.notifications().preferences(person).await?,
    ))
}

/// What the form and the summaries show of preferences.
pub fn prefs_view(p: &Preferences) -> Value {
    let kinds: Vec<Value> = NoticeKind::ALL
        .iter()
        .map(|k| json!({ "key": kind_key(*k), "words": kind_words(*k), "chosen": p.kinds.contains(k) }))
        .collect();
    let chosen: Vec<&str> = NoticeKind::ALL
        .iter()
        .filter(|k| p.kinds.contains(k))
        .map(|k| kind_words(*k))
        .collect();
    let mut ways = Vec::new();
    if p.email {
        ways.push("by email".to_string());
    }
    if let Some(url) = &p.webhook {
        ways.push(format!("by webhook to {url}"));
    }
    json!({
        "kinds": kinds, "chosen": chosen, "email": p.email,
        "webhook": p.webhook.clone().unwrap_or_default(),
        "ways": if ways.is_empty() { "not at all: neither by email nor by webhook".to_string() } else { ways.join(" and ") },
    })
}

/// A sent notification form: `csrf`, `kind` (repeated, one per chosen
/// notice), `email` (present when ticked) and `webhook`.
pub struct PrefsForm {
    pub csrf: String,
    pub kinds: Vec<String>,
    pub email: bool,
    pub webhook: String,
}

impl PrefsForm {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> PrefsForm {
        let mut f = PrefsForm {
            csrf: String::new(),
            kinds: Vec::new(),
            email: false,
            webhook: String::new(),
        };
        for (k, v) in pairs {
            match k.as_str() {
                "csrf" => f.csrf = v,
                "kind" => f.kinds.push(v),
                "email" => f.email = true,
                "webhook" => f.webhook = v.trim().to_string(),
                _ => {}
            }
        }
        f
    }

    /// The preferences the form asks for, read with the API's rules (an
    /// unknown kind is refused) and checked with its check; or the problems.
    pub fn preferences(&self) -> Result<Preferences, Vec<String>> {
        let webhook = (!self.webhook.is_empty()).then(|| self.webhook.clone());
        let prefs: Preferences = serde_json::from_value(json!({
            "kinds": self.kinds, "email": self.email, "webhook": webhook,
        }))
        .map_err(|e| vec![format!("notices: {e}")])?;
        let problems = prefs.problems();
        if problems.is_empty() {
            Ok(prefs)
        } else {
            Err(problems)
        }
    }

    /// What the form showed when it was refused, to show it again.
    pub fn sent_view(&self) -> Value {
        let kinds: Vec<Value> = NoticeKind::ALL
            .iter()
            .map(|k| {
                let key = kind_key(*k);
                json!({ "key": key, "words": kind_words(*k), "chosen": self.kinds.contains(&key) })
            })
            .collect();
        json!({ "kinds": kinds, "email": self.email, "webhook": self.webhook })
    }
}

/// Saves `person`'s preferences as `actor` (the store writes the audit entry).
pub async fn save(
    state: &AppState,
    person: &str,
    prefs: &Preferences,
    actor: &str,
) -> Result<(), ApiError> {
    let value = serde_json::to_value(prefs).map_err(ApiError::internal)?;
    state
        .store
        .notifications()
        .set_preferences(
            person,
            &value,
            &Change {
                actor: actor.to_string(),
                at: state.now(),
            },
        )
        .await?;
    Ok(())
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

async fn own_page(
    state: &AppState,
    user: &WebUser,
    form: Option<(&PrefsForm, Vec<String>)>,
    saved: bool,
    status: StatusCode,
) -> PageResult<Response> {
    let current = stored(state, &user.user.person).await?;
    let (shown, problems) = match form {
        Some((f, problems)) => (f.sent_view(), problems),
        None => (prefs_view(&current), Vec::new()),
    };
    let html = render(
        "notifications.html",
        json!({
            "title": "My notifications", "user": user.view(), "nav": "notifications",
            "current": prefs_view(&current), "form": shown, "notify_problems": problems, "problems": [],
            "saved": saved, "action": "/settings/notifications",
        }),
    );
    Ok((status, Html(html)).into_response())
}

/// `GET /settings/notifications`: the signed-in person's choices and the form.
pub async fn page(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<SavedQuery>,
) -> PageResult<Response> {
    own_page(&state, &user, None, q.saved.is_some(), StatusCode::OK).await
}

/// `POST /settings/notifications`: saves the signed-in person's choices.
pub async fn submit(
    State(state): State<AppState>,
    user: WebUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let form = PrefsForm::from_pairs(pairs);
    user.check_csrf(&form.csrf)?;
    match form.preferences() {
        Ok(prefs) => {
            save(&state, &user.user.person, &prefs, &user.user.person).await?;
            Ok(Redirect::to("/settings/notifications?saved=1").into_response())
        }
        Err(problems) => {
            own_page(
                &state,
                &user,
                Some((&form, problems)),
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> PrefsForm {
        PrefsForm::from_pairs(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn every_kind_has_a_form_key_the_api_reads() {
        for k in NoticeKind::ALL {
            let key = kind_key(k);
            let f = form(&[("kind", key.as_str())]);
            assert_eq!(
                f.preferences()
                    .unwrap()
                    .kinds
                    .into_iter()
                    .collect::<Vec<_>>(),
                vec![k]
            );
        }
    }

    #[test]
    fn the_form_is_read_with_the_apis_rules() {
        let p = form(&[
            ("kind", "indicator_red"),
            ("email", "yes"),
            ("webhook", " https://h.example/x "),
        ])
        .preferences()
        .unwrap();
        assert!(p.email);
        assert_eq!(p.webhook.as_deref(), Some("https://h.example/x"));
        let none = form(&[]).preferences().unwrap();
        assert!(none.kinds.is_empty() && !none.email && none.webhook.is_none());
        assert_eq!(
            form(&[("webhook", "http://h.example/x")])
                .preferences()
                .unwrap_err(),
            vec!["webhook must be an https:// URL".to_string()]
        );
        assert!(form(&[("kind", "gossip")]).preferences().unwrap_err()[0].contains("gossip"));
    }
}
