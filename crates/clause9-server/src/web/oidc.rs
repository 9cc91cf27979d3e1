//! The browser side of OIDC sign-in: `GET /oidc/start` sends the browser to
//! the provider with a short-lived cookie holding the state, nonce and PKCE
//! verifier (SameSite=Lax, so that it comes back on the provider's
//! redirect); `GET /oidc/callback` checks the state against that cookie,
//! has `crate::oidc` exchange the code and verify the ID token, finds the
//! clause9 user the identity names, and starts a normal database session.
//! Refusals are pages that say what happened and what to do.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::api::session::{session_cookie, start_session};
use crate::auth::constant_time_eq;
use crate::oidc::{OidcError, Pending};
use crate::state::AppState;
use crate::web::PageError;
use crate::web::templates::render;

const FLOW_COOKIE: &str = "__Host-clause9_oidc";
const FLOW_COOKIE_INSECURE: &str = "clause9_oidc";
/// Minutes a started sign-in may take at the provider.
const FLOW_MINUTES: u32 = 10;

fn flow_cookie_name(state: &AppState) -> &'static str {
    if state.settings.secure_cookies {
        FLOW_COOKIE
    } else {
        FLOW_COOKIE_INSECURE
    }
}

fn flow_cookie(state: &AppState, value: &str, max_age: u32) -> Option<HeaderValue> {
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        flow_cookie_name(state)
    ))
    .ok()
}

fn refused(status: StatusCode, message: impl Into<String>) -> PageError {
    PageError {
        status,
        message: message.into(),
    }
}

fn not_configured() -> PageError {
    refused(
        StatusCode::NOT_FOUND,
        "sign-in through an identity provider is not configured on this server; sign in with your username and password",
    )
}

/// `GET /oidc/start`: to the provider.
pub async fn start(State(state): State<AppState>) -> Response {
    let Some(oidc) = state.oidc.clone() else {
        return not_configured().into_response();
    };
    match oidc.authorization().await {
        Ok((url, pending)) => {
            let mut headers = HeaderMap::new();
            if let Some(v) = flow_cookie(&state, &pending.to_cookie(), FLOW_MINUTES * 60) {
                headers.insert(header::SET_COOKIE, v);
            }
            (headers, Redirect::to(&url)).into_response()
        }
        Err(e) => {
            tracing::error!("OIDC sign-in could not start: {e}");
            refused(
                StatusCode::BAD_GATEWAY,
                format!(
                    "{} cannot be reached just now; try again later or sign in with your password",
                    oidc.config.provider_name
                ),
            )
            .into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// `GET /oidc/callback`: back from the provider.
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(answer): Query<Callback>,
) -> Response {
    let clear = flow_cookie(&state, "", 0);
    let mut response = finish(&state, &headers, answer).await;
    // One sign-in, one use of the cookie, whatever the outcome.
    if let Some(v) = clear {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

async fn finish(state: &AppState, headers: &HeaderMap, answer: Callback) -> Response {
    let Some(oidc) = state.oidc.clone() else {
        return not_configured().into_response();
    };
    let provider = &oidc.config.provider_name;
    if let Some(error) = answer.error {
        let why = answer.error_description.unwrap_or_default();
        return refused(
            StatusCode::UNAUTHORIZED,
            format!("{provider} did not sign you in ({error}{}{why}); start again from the sign-in page", if why.is_empty() { "" } else { ": " }),
        )
        .into_response();
    }
    let pending = crate::web::auth::cookie(headers, flow_cookie_name(state))
        .and_then(|v| Pending::from_cookie(&v));
    let Some(pending) = pending else {
        return refused(
            StatusCode::BAD_REQUEST,
            "this sign-in was not started in this browser, or it took longer than 10 minutes; start again from the sign-in page",
        )
        .into_response();
    };
    let sent = answer.state.unwrap_or_default();
    if !constant_time_eq(sent.as_bytes(), pending.state.as_bytes()) {
        tracing::warn!("OIDC callback refused: its state does not match the browser's sign-in");
        return refused(
            StatusCode::BAD_REQUEST,
            "the answer from the identity provider does not belong to the sign-in this browser started (the state does not match); start again from the sign-in page",
        )
        .into_response();
    }
    let Some(code) = answer.code.filter(|c| !c.is_empty()) else {
        return refused(
            StatusCode::BAD_REQUEST,
            format!("{provider} sent no authorization code; start again from the sign-in page"),
        )
        .into_response();
    };
    let username = match oidc.identity(&code, &pending).await {
        Ok(name) => name,
        Err(e) => {
            tracing::warn!("OIDC sign-in refused: {e}");
            let (status, message) = match &e {
                OidcError::Provider(_) => (
                    StatusCode::BAD_GATEWAY,
                    format!(
                        "{provider} could not complete the sign-in; try again, or sign in with your password (the server log has the details)"
                    ),
                ),
                OidcError::Verification(_) => (
                    StatusCode::UNAUTHORIZED,
                    format!(
                        "the identity {provider} sent could not be verified; start again from the sign-in page (the server log has the details)"
                    ),
                ),
                OidcError::MissingClaim(_) | OidcError::UnverifiedEmail(_) => {
                    (StatusCode::FORBIDDEN, format!("{e}; ask an administrator"))
                }
            };
            return refused(status, message).into_response();
        }
    };
    let user = match state.store.accounts().user(&username).await {
        Ok(user) => user,
        Err(e) => return PageError::from(crate::error::ApiError::from(e)).into_response(),
    };
    let user = match user {
        Some(user) if !user.disabled => user,
        found => {
            let claim = oidc.config.username_claim.as_str();
            tracing::warn!(
                "OIDC sign-in refused: {provider} identity `{username}` ({claim}) has {}",
                if found.is_some() {
                    "a disabled account"
                } else {
                    "no clause9 account"
                }
            );
            let message = if found.is_some() {
                format!("the clause9 account `{username}` is disabled; ask an administrator")
            } else {
                format!(
                    "you signed in at {provider} as `{username}`, but no clause9 account has that username ({claim}); ask an administrator to add one with `clause9 user add`"
                )
            };
            return refused(StatusCode::FORBIDDEN, message).into_response();
        }
    };
    match start_session(state, user).await {
        Ok(started) => {
            tracing::info!("signed in through {provider}: {}", started.user.username);
            let mut out = HeaderMap::new();
            if let Ok(v) = HeaderValue::from_str(&session_cookie(state, &started.id)) {
                out.insert(header::SET_COOKIE, v);
            }
            // A page, not a redirect: the browser arrived here from the
            // provider, and a SameSite=Strict session cookie is not sent
            // along a redirect chain that began on another site.
            let html = render(
                "signed_in.html",
                serde_json::json!({
                    "title": "Signed in",
                    "provider": provider,
                    "username": started.user.username,
                    "user": (),
                }),
            );
            (StatusCode::OK, out, Html(html)).into_response()
        }
        Err(e) => PageError::from(e).into_response(),
    }
}
