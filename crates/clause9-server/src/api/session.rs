//! Sign-in and sign-out: `POST /api/v1/session` (password → session cookie
//! and CSRF token), `GET /api/v1/session` (who am I), `DELETE
//! /api/v1/session`. Failed sign-ins are throttled per account and per
//! address, counted in the database so every server process sees them.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use clause9_store::accounts::{Change, User};
use jiff::ToSpan;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Caller, SESSION_COOKIE, SESSION_COOKIE_INSECURE, Via};
use crate::error::{ApiError, ApiResult};
use crate::secret::{new_secret, sha256_hex, verify_password};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// The signed-in user and the CSRF token to send as `X-CSRF-Token` with
/// every request that changes something.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SessionInfo {
    pub username: String,
    pub person: String,
    pub role: String,
    pub csrf: Option<String>,
}

fn info(user: &User, csrf: Option<String>) -> SessionInfo {
    SessionInfo {
        username: user.username.clone(),
        person: user.person.clone(),
        role: user.role.as_str().into(),
        csrf,
    }
}

/// An argon2id hash of a random secret: unknown users cost the same time.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    crate::secret::hash_password(&new_secret("dummy")).unwrap_or_default()
});

/// Signs in with a password; sets the session cookie.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = Credentials,
    responses((status = 200, body = SessionInfo, description = "signed in; the session cookie is set"),
        (status = 401, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    Json(credentials): Json<Credentials>,
) -> ApiResult<Response> {
    let address = connect.map_or_else(
        || "unknown".to_string(),
        |Extension(ConnectInfo(a))| a.ip().to_string(),
    );
    let started = sign_in(&state, &address, &credentials).await?;
    let mut headers = HeaderMap::new();
    headers.insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&session_cookie(&state, &started.id)).map_err(ApiError::internal)?,
    );
    Ok((headers, Json(info(&started.user, Some(started.csrf)))).into_response())
}

/// A session just started: its secret id (for the cookie) and CSRF token.
pub struct Started {
    pub user: User,
    pub id: String,
    pub csrf: String,
}

/// Checks a password (throttled per account and per address) and starts a
/// session; shared by the API and the web sign-in form.
pub async fn sign_in(
    state: &AppState,
    address: &str,
    credentials: &Credentials,
) -> ApiResult<Started> {
    let now = state.now();
    let settings = &state.settings;
    let accounts = state.store.accounts();
    let user_key = format!("user:{}", credentials.username);
    let addr_key = format!("addr:{address}");
    let since = now - settings.failure_window_minutes.minutes();
    if accounts.login_failures(&user_key, since).await? >= settings.max_failures_per_account
        || accounts.login_failures(&addr_key, since).await? >= settings.max_failures_per_address
    {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            format!(
                "too many failed sign-ins; wait {} minutes and try again",
                settings.failure_window_minutes
            ),
        ));
    }
    let user = accounts.user(&credentials.username).await?;
    let hash = user
        .as_ref()
        .and_then(|u| u.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.clone());
    let password = credentials.password.clone();
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(ApiError::internal)?;
    let user = match user {
        Some(user) if matches && !user.disabled && user.password_hash.is_some() => user,
        _ => {
            accounts
                .note_login_failure(&[user_key, addr_key], now)
                .await?;
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "wrong username or password, or the account is disabled",
            ));
        }
    };
    start_session(state, user).await
}

/// Starts a database session for `user`, who has just proved who they are
/// (a password here, or an OIDC identity in `web::oidc`).
pub async fn start_session(state: &AppState, user: User) -> ApiResult<Started> {
    let now = state.now();
    let id = new_secret("c9s");
    let csrf = new_secret("c9c");
    let expires = now + state.settings.session_hours.hours();
    state
        .store
        .accounts()
        .start_session(
            &sha256_hex(&id),
            &user,
            &csrf,
            expires,
            &Change {
                actor: user.person.clone(),
                at: now,
            },
        )
        .await?;
    Ok(Started { user, id, csrf })
}

/// The `Set-Cookie` value of a new session.
pub fn session_cookie(state: &AppState, id: &str) -> String {
    let settings = &state.settings;
    if settings.secure_cookies {
        format!(
            "{SESSION_COOKIE}={id}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={}",
            settings.session_hours * 3600
        )
    } else {
        format!(
            "{SESSION_COOKIE_INSECURE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
            settings.session_hours * 3600
        )
    }
}

/// The `Set-Cookie` value that clears the session cookie.
pub fn cleared_cookie(state: &AppState) -> String {
    if state.settings.secure_cookies {
        format!("{SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0")
    } else {
        format!("{SESSION_COOKIE_INSECURE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
    }
}

/// The signed-in user (and, for a session, its CSRF token).
#[utoipa::path(get, path = "/api/v1/session", tag = "session",
    responses((status = 200, body = SessionInfo), (status = 401, body = crate::error::ErrorBody)))]
pub async fn whoami(caller: Caller) -> Json<SessionInfo> {
    let csrf = match &caller.via {
        Via::Session { csrf, .. } => Some(csrf.clone()),
        Via::Token => None,
    };
    Json(info(&caller.user, csrf))
}

/// Signs out: ends the session and clears the cookie (needs the CSRF token).
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses((status = 204, description = "signed out"), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn logout(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    if let Via::Session { id_hash, .. } = &caller.via {
        state
            .store
            .accounts()
            .end_session(id_hash, state.now())
            .await?;
    }
    let name = cleared_cookie(&state);
    let mut headers = HeaderMap::new();
    headers.insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&name).map_err(ApiError::internal)?,
    );
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}
