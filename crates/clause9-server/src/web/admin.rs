//! Administration pages (admins only; anyone else gets 403): users (list,
//! add, disable or enable, change role), API tokens (create — the secret is
//! shown once —, revoke) and the audit log with the result of verifying its
//! hash chain. Every change goes through the same store calls as `clause9
//! user` and the API, so it lands in the audit log.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use clause9_core::access::ActionKind;
use clause9_store::StoreError;
use clause9_store::accounts::{Change, NewUser, Role};
use clause9_store::audit_log::AuditQuery;
use jiff::ToSpan;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::programme_or_503;
use crate::auth::access_of;
use crate::error::ApiError;
use crate::secret::{hash_password, new_secret, sha256_hex};
use crate::state::AppState;
use crate::web::auth::WebUser;
use crate::web::templates::render;
use crate::web::{PageError, PageResult};

/// How many audit-log entries a page shows.
const LOG_PAGE: i64 = 100;

fn change(state: &AppState, user: &WebUser) -> Change {
    Change {
        actor: user.user.person.clone(),
        at: state.now(),
    }
}

/// A store refusal (`Invalid`) is shown on the form; anything else is an error page.
fn refusal(e: StoreError) -> Result<String, PageError> {
    match e {
        StoreError::Invalid(m) => Ok(m),
        other => Err(ApiError::from(other).into()),
    }
}

/// A refused account change shown on the users page with its status.
async fn account_refused(
    state: &AppState,
    user: &WebUser,
    e: clause9_app::records::RecordError,
) -> PageResult<Response> {
    let (problems, status) = crate::web::form_refusal(e, "see the list of users")?;
    let shown = Shown {
        problems,
        ..Shown::default()
    };
    users_page(state, user, shown, status).await
}

fn roles() -> Vec<&'static str> {
    Role::ALL.iter().map(|r| r.as_str()).collect()
}

#[derive(Default)]
struct Shown {
    problems: Vec<String>,
    sent: Option<Value>,
    saved: Option<String>,
    token: Option<Value>,
}

async fn users_page(
    state: &AppState,
    user: &WebUser,
    shown: Shown,
    status: StatusCode,
) -> PageResult<Response> {
    let programme = programme_or_503(state)?;
    let settings = &programme.settings;
    let users: Vec<Value> = state
        .store
        .accounts()
        .users()
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .map(|u| {
            json!({
                "username": u.username, "person": settings.display_name(&u.person),
                "role": u.role.as_str(), "disabled": u.disabled,
                "created": u.created_at.strftime("%Y-%m-%d").to_string(),
                "me": u.username == user.user.username,
            })
        })
        .collect();
    let people: Vec<Value> = settings
        .people
        .iter()
        .map(|(id, p)| json!({ "id": id, "name": p.name }))
        .collect();
    let html = render(
        "admin_users.html",
        json!({
            "title": "Users", "user": user.view(), "nav": "admin", "section": "users",
            "users": users, "people": people, "roles": roles(),
            "problems": shown.problems, "sent": shown.sent, "saved": shown.saved,
        }),
    );
    Ok((status, Html(html)).into_response())
}

#[derive(Debug, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct UserForm {
    #[serde(skip_serializing)]
    pub csrf: String,
    pub username: String,
    pub person: String,
    pub role: String,
    #[serde(skip_serializing)]
    pub password: String,
}

/// `POST /admin/users`: adds a user.
pub async fn add_user(
    State(state): State<AppState>,
    user: WebUser,
    Form(form): Form<UserForm>,
) -> PageResult<Response> {
    user.check_csrf(&form.csrf)?;
    user.may_kind(ActionKind::ManageAccounts)?;
    let programme = programme_or_503(&state)?;
    let mut problems = Vec::new();
    let username = form.username.trim().to_string();
    if username.is_empty() {
        problems.push("username: give the name the person signs in with".to_string());
    }
    let role = Role::parse(&form.role);
    if role.is_none() {
        problems.push(format!(
            "role: `{}` is not one of {}",
            form.role,
            roles().join(", ")
        ));
    }
    if !programme.settings.people.contains_key(&form.person) {
        problems.push(format!(
            "person: `{}` is not a person of the programme",
            form.person
        ));
    }
    let password = form.password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(ApiError::internal)?;
    let hash = hash
        .map_err(|e| problems.push(format!("password: {e}")))
        .ok();
    let refused = |problems: Vec<String>, form: &UserForm| Shown {
        problems,
        sent: Some(json!(form)),
        ..Shown::default()
    };
    let (Some(role), Some(hash)) = (role, hash) else {
        return users_page(
            &state,
            &user,
            refused(problems, &form),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    if !problems.is_empty() {
        return users_page(
            &state,
            &user,
            refused(problems, &form),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let added = state
        .store
        .accounts()
        .add_user(
            &NewUser {
                username: username.clone(),
                person: form.person.clone(),
                role,
                password_hash: Some(hash),
            },
            &change(&state, &user),
        )
        .await;
    match added {
        Ok(_) => Ok(Redirect::to("/admin/users?done=added").into_response()),
        Err(e) => {
            let problem = refusal(e)?;
            users_page(
                &state,
                &user,
                refused(vec![problem], &form),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AccountForm {
    pub csrf: String,
    /// `disable` or `enable` (the disable form), or a role (the role form).
    pub disabled: String,
    pub role: String,
}

/// `POST /admin/users/{username}/disabled`: disables or enables.
pub async fn set_disabled(
    State(state): State<AppState>,
    user: WebUser,
    Path(username): Path<String>,
    Form(form): Form<AccountForm>,
) -> PageResult<Response> {
    user.check_csrf(&form.csrf)?;
    user.may_kind(ActionKind::ManageAccounts)?;
    let disabled = match form.disabled.as_str() {
        "true" => true,
        "false" => false,
        other => {
            return Err(PageError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                message: format!("disabled: `{other}` is neither true nor false"),
            });
        }
    };
    match clause9_app::accounts::set_disabled(
        state.store.as_ref(),
        &access_of(&user.user),
        &username,
        disabled,
        &change(&state, &user),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(if disabled {
            "/admin/users?done=disabled"
        } else {
            "/admin/users?done=enabled"
        })
        .into_response()),
        Err(e) => account_refused(&state, &user, e).await,
    }
}

/// `POST /admin/users/{username}/role`: changes a user's role.
pub async fn set_role(
    State(state): State<AppState>,
    user: WebUser,
    Path(username): Path<String>,
    Form(form): Form<AccountForm>,
) -> PageResult<Response> {
    user.check_csrf(&form.csrf)?;
    user.may_kind(ActionKind::ManageAccounts)?;
    let Some(role) = Role::parse(&form.role) else {
        let shown = Shown {
            problems: vec![format!(
                "role: `{}` is not one of {}",
                form.role,
                roles().join(", ")
            )],
            ..Shown::default()
        };
        return users_page(&state, &user, shown, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    match clause9_app::accounts::set_role(
        state.store.as_ref(),
        &access_of(&user.user),
        &username,
        role,
        &change(&state, &user),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/admin/users?done=role").into_response()),
        Err(e) => account_refused(&state, &user, e).await,
    }
}

#[derive(Deserialize)]
pub struct Done {
    pub done: Option<String>,
}

/// `GET /admin` and `GET /admin/users` (`?done=…` after a change).
pub async fn users(
    State(state): State<AppState>,
    user: WebUser,
    Query(done): Query<Done>,
) -> PageResult<Response> {
    user.may_kind(ActionKind::ManageAccounts)?;
    let saved = match done.done.as_deref() {
        Some("added") => Some("the user is added"),
        Some("disabled") => Some("the user is disabled and its sessions are ended"),
        Some("enabled") => Some("the user is enabled"),
        Some("role") => Some("the role is changed"),
        _ => None,
    };
    let shown = Shown {
        saved: saved.map(str::to_string),
        ..Shown::default()
    };
    users_page(&state, &user, shown, StatusCode::OK).await
}

async fn tokens_page(
    state: &AppState,
    user: &WebUser,
    shown: Shown,
    status: StatusCode,
) -> PageResult<Response> {
    let now = state.now();
    let tokens: Vec<Value> = state
        .store
        .accounts()
        .tokens(None)
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .map(|t| {
            let stamp = |ts: jiff::Timestamp| ts.strftime("%Y-%m-%d %H:%M UTC").to_string();
            let live = t.revoked_at.is_none() && t.expires_at.is_none_or(|e| e > now);
            json!({
                "id": t.id, "username": t.username, "name": t.name, "created": stamp(t.created_at),
                "expires": t.expires_at.map(stamp), "revoked": t.revoked_at.map(stamp), "live": live,
            })
        })
        .collect();
    let usernames: Vec<String> = state
        .store
        .accounts()
        .users()
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .filter(|u| !u.disabled)
        .map(|u| u.username)
        .collect();
    let html = render(
        "admin_tokens.html",
        json!({
            "title": "API tokens", "user": user.view(), "nav": "admin", "section": "tokens",
            "tokens": tokens, "usernames": usernames,
            "problems": shown.problems, "sent": shown.sent, "saved": shown.saved, "token": shown.token,
        }),
    );
    Ok((status, Html(html)).into_response())
}

/// `GET /admin/tokens`.
pub async fn tokens(
    State(state): State<AppState>,
    user: WebUser,
    Query(done): Query<Done>,
) -> PageResult<Response> {
    user.may_kind(ActionKind::ManageAccounts)?;
    let shown = Shown {
        saved: (done.done.as_deref() == Some("revoked")).then(|| "the token is revoked".into()),
        ..Shown::default()
    };
    tokens_page(&state, &user, shown, StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct TokenForm {
    #[serde(skip_serializing)]
    pub csrf: String,
    pub username: String,
    pub name: String,
    pub expires_days: String,
}

/// `POST /admin/tokens`: creates a token and shows its secret this once.
pub async fn create_token(
    State(state): State<AppState>,
    user: WebUser,
    Form(form): Form<TokenForm>,
) -> PageResult<Response> {
    user.check_csrf(&form.csrf)?;
    user.may_kind(ActionKind::ManageAccounts)?;
    let change = change(&state, &user);
    let mut problems = Vec::new();
    if form.name.trim().is_empty() {
        problems.push("name: say what the token is for, such as ci-import".to_string());
    }
    let expires = match form.expires_days.trim() {
        "" => None,
        text => match text.parse::<u32>() {
            Ok(days) if days >= 1 => change
                .at
                .checked_add(i64::from(days).saturating_mul(24).hours())
                .map_err(|_| problems.push("expires: too many days".into()))
                .ok(),
            _ => {
                problems.push(format!(
                    "expires: `{text}` is not a number of days of 1 or more"
                ));
                None
            }
        },
    };
    let refused = |problems: Vec<String>| Shown {
        problems,
        sent: Some(json!(form)),
        ..Shown::default()
    };
    if !problems.is_empty() {
        return tokens_page(
            &state,
            &user,
            refused(problems),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let secret = new_secret("c9t");
    match state
        .store
        .accounts()
        .add_token(
            form.username.trim(),
            form.name.trim(),
            &sha256_hex(&secret),
            expires,
            &change,
        )
        .await
    {
        Ok(token) => {
            let shown = Shown {
                token: Some(
                    json!({ "id": token.id, "name": token.name, "username": token.username, "secret": secret }),
                ),
                ..Shown::default()
            };
            tokens_page(&state, &user, shown, StatusCode::OK).await
        }
        Err(e) => {
            let problem = refusal(e)?;
            tokens_page(
                &state,
                &user,
                refused(vec![problem]),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /admin/tokens/{id}/revoke`.
pub async fn revoke_token(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<i64>,
    Form(form): Form<AccountForm>,
) -> PageResult<Response> {
    user.check_csrf(&form.csrf)?;
    user.may_kind(ActionKind::ManageAccounts)?;
    match state
        .store
        .accounts()
        .revoke_token(id, &change(&state, &user))
        .await
    {
        Ok(_) => Ok(Redirect::to("/admin/tokens?done=revoked").into_response()),
        Err(e) => {
            let shown = Shown {
                problems: vec![refusal(e)?],
                ..Shown::default()
            };
            tokens_page(&state, &user, shown, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

#[derive(Deserialize)]
pub struct LogParams {
    pub after: Option<i64>,
}

/// `GET /admin/audit-log[?after=SEQ]`: the verification of the whole chain
/// and a page of entries (the newest by default).
pub async fn audit_log(
    State(state): State<AppState>,
    user: WebUser,
    Query(params): Query<LogParams>,
) -> PageResult {
    user.may_kind(ActionKind::ReadAuditLog)?;
    let report = state
        .store
        .audit_log()
        .verify()
        .await
        .map_err(ApiError::from)?;
    let total = i64::try_from(report.entries).unwrap_or(i64::MAX);
    let after = params
        .after
        .unwrap_or_else(|| (total - LOG_PAGE).max(0))
        .max(0);
    let entries: Vec<Value> = state
        .store
        .audit_log()
        .entries(&AuditQuery {
            since: None,
            after_seq: Some(after),
            limit: Some(LOG_PAGE),
        })
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .rev()
        .map(|e| {
            json!({
                "seq": e.seq, "at": e.at.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
                "actor": e.actor, "kind": e.kind, "subject": e.subject,
                "details": if e.details.as_object().is_some_and(|m| m.is_empty()) { String::new() } else { e.details.to_string() },
                "hash": e.hash,
            })
        })
        .collect();
    let earlier = (after > 0).then(|| (after - LOG_PAGE).max(0));
    let later = (after + LOG_PAGE < total).then_some(after + LOG_PAGE);
    Ok(Html(render(
        "admin_audit.html",
        json!({
            "title": "Audit log", "user": user.view(), "nav": "admin", "section": "audit",
            "report": {
                "entries": report.entries, "head": report.head,
                "problem": report.problem.map(|p| json!({"seq": p.seq, "tampering": format!("{:?}", p.tampering).to_lowercase(), "message": p.message})),
            },
            "entries": entries, "earlier": earlier, "later": later,
        }),
    )))
}
