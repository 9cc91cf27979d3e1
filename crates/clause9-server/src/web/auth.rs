//! Who is signed in to the pages (the session cookie; no session → the
//! sign-in page), the sign-in form with its own CSRF token (a double-submit
//! cookie, since there is no session yet), and CSRF checks of form posts.

use clause9_app::records::Actor;
use clause9_core::Programme;
use clause9_core::access::{self, Action, ActionKind};
use std::net::SocketAddr;

use axum::Extension;
use axum::extract::{ConnectInfo, Form, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use clause9_store::accounts::User;
use serde::Deserialize;

use crate::api::session::{Credentials, cleared_cookie, session_cookie, sign_in as start_session};
use crate::auth::{constant_time_eq, session_cookie as cookie_value};
use crate::secret::{new_secret, sha256_hex};
use crate::state::AppState;
use crate::web::templates::render;
use crate::web::{PageError, PageResult};

/// The pre-session cookie of the sign-in form.
const SIGN_IN_COOKIE: &str = "__Host-clause9_signin";
const SIGN_IN_COOKIE_INSECURE: &str = "clause9_signin";

/// A signed-in person using the pages.
#[derive(Debug, Clone)]
pub struct WebUser {
    pub user: User,
    pub id_hash: String,
    pub csrf: String,
}

impl WebUser {
    /// What every page's header shows.
    pub fn view(&self) -> serde_json::Value {
        serde_json::json!({
            "username": self.user.username,
            "person": self.user.person,
            "role": self.user.role.as_str(),
            "csrf": self.csrf,
        })
    }

    /// Asks the one access policy whether this person may do `action`.
    pub fn may(&self, programme: &Programme, action: &Action) -> Result<(), PageError> {
        access::may(programme, &crate::auth::access_of(&self.user), action)
            .map_err(|r| PageError::from(crate::error::ApiError::from(r)))
    }

    /// This person acting today (the use cases ask the policy again).
    pub fn actor(&self, state: &AppState, programme: &Programme) -> Actor {
        self.actor_on(state, state.today(programme))
    }

    /// This person acting, the step dated `on`.
    pub fn actor_on(&self, state: &AppState, on: jiff::civil::Date) -> Actor {
        Actor::account(
            &self.user.person,
            self.user.role,
            &self.user.username,
            on,
            state.now(),
        )
    }

    /// Asks the policy's table whether this person's role may do `kind` (for
    /// the kinds whose rule needs no record: administration, reports).
    pub fn may_kind(&self, kind: ActionKind) -> Result<(), PageError> {
        access::may_kind(&crate::auth::access_of(&self.user), kind)
            .map_err(|r| PageError::from(crate::error::ApiError::from(r)))
    }

    /// Whether the policy allows `action` (to show or hide a form).
    pub fn allowed(&self, programme: &Programme, action: &Action) -> bool {
        self.may(programme, action).is_ok()
    }

    /// Refuses a form post whose `csrf` field is not this session's token.
    pub fn check_csrf(&self, sent: &str) -> Result<(), PageError> {
        if constant_time_eq(sent.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(PageError {
                status: StatusCode::FORBIDDEN,
                message: "the form's security token is missing or stale; reload the page and send the form again".into(),
            })
        }
    }
}

impl FromRequestParts<AppState> for WebUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<WebUser, Response> {
        let to_sign_in = || Redirect::to("/sign-in").into_response();
        let Some(id) = cookie_value(parts) else {
            return Err(to_sign_in());
        };
        let id_hash = sha256_hex(&id);
        match state.store.accounts().session(&id_hash, state.now()).await {
            Ok(Some(session)) => Ok(WebUser {
                user: session.user,
                id_hash,
                csrf: session.csrf,
            }),
            Ok(None) => Err(to_sign_in()),
            Err(e) => Err(PageError::from(crate::error::ApiError::from(e)).into_response()),
        }
    }
}

/// The value of the cookie `name`, if the request has it.
pub(crate) fn cookie(parts: &HeaderMap, name: &str) -> Option<String> {
    parts
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_string())
}

fn sign_in_cookie_name(state: &AppState) -> &'static str {
    if state.settings.secure_cookies {
        SIGN_IN_COOKIE
    } else {
        SIGN_IN_COOKIE_INSECURE
    }
}

fn sign_in_form(
    state: &AppState,
    username: &str,
    problem: Option<&str>,
    status: StatusCode,
) -> Response {
    let token = new_secret("c9f");
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let set = format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600{secure}",
        sign_in_cookie_name(state)
    );
    let html = render(
        "sign_in.html",
        serde_json::json!({
            "title": "Sign in",
            "csrf": token,
            "username": username,
            "problem": problem,
            "user": (),
            "oidc": state.oidc.as_ref().map(|o| o.config.provider_name.clone()),
        }),
    );
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(&set) {
        headers.insert(header::SET_COOKIE, value);
    }
    (status, headers, Html(html)).into_response()
}

/// `GET /sign-in`.
pub async fn sign_in_page(State(state): State<AppState>) -> Response {
    sign_in_form(&state, "", None, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct SignInForm {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub csrf: String,
}

/// `POST /sign-in`: checks the form token against the pre-session cookie,
/// then the password (throttled as in the API); sets the session cookie.
pub async fn sign_in(
    State(state): State<AppState>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let expected = cookie(&headers, sign_in_cookie_name(&state)).unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(expected.as_bytes(), form.csrf.as_bytes()) {
        return sign_in_form(
            &state,
            &form.username,
            Some("the form's security token is missing or stale; sign in again"),
            StatusCode::FORBIDDEN,
        );
    }
    let address = connect.map_or_else(
        || "unknown".to_string(),
        |Extension(ConnectInfo(a))| a.ip().to_string(),
    );
    let credentials = Credentials {
        username: form.username.clone(),
        password: form.password,
    };
    match start_session(&state, &address, &credentials).await {
        Ok(started) => {
            let mut out = HeaderMap::new();
            if let Ok(v) = HeaderValue::from_str(&session_cookie(&state, &started.id)) {
                out.insert(header::SET_COOKIE, v);
            }
            (out, Redirect::to("/")).into_response()
        }
        Err(e) => sign_in_form(&state, &form.username, Some(&e.message), e.status),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

/// `POST /sign-out`: ends the session (the form carries the CSRF token).
pub async fn sign_out(
    State(state): State<AppState>,
    user: WebUser,
    Form(form): Form<CsrfForm>,
) -> PageResult<Response> {
    user.check_csrf(&form.csrf)?;
    state
        .store
        .accounts()
        .end_session(&user.id_hash, state.now())
        .await
        .map_err(crate::error::ApiError::from)?;
    let mut out = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&cleared_cookie(&state)) {
        out.insert(header::SET_COOKIE, v);
    }
    Ok((out, Redirect::to("/sign-in")).into_response())
}
