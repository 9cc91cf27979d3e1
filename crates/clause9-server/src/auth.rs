//! Who is calling: a Bearer API token or a session cookie, checked against
//! the store on every request; CSRF tokens for cookie-authenticated writes;
//! and the caller as the access policy (`clause9_core::access`) sees it.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use clause9_core::Programme;
use clause9_core::access::{self, Action, ActionKind};
use clause9_store::accounts::User;

use crate::error::ApiError;
use crate::secret::sha256_hex;
use crate::state::AppState;

/// The session cookie's name (`__Host-` requires Secure and Path=/, no Domain).
pub const SESSION_COOKIE: &str = "__Host-clause9_session";
/// The same cookie without the prefix, for plain-HTTP test setups.
pub const SESSION_COOKIE_INSECURE: &str = "clause9_session";
/// The header carrying the CSRF token of a session.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How the caller proved who they are.
#[derive(Debug, Clone)]
pub enum Via {
    Token,
    Session { id_hash: String, csrf: String },
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub via: Via,
}

impl Caller {
    /// Asks the one access policy (`clause9_core::access`) whether this
    /// caller may do `action`: 403 with the policy's reason if not.
    pub fn may(&self, programme: &Programme, action: &Action) -> Result<(), ApiError> {
        access::may(programme, &access_of(&self.user), action).map_err(ApiError::from)
    }
}

impl Caller {
    /// Asks the policy's table whether this caller's role may do `kind`
    /// (for the kinds whose rule needs no record).
    pub fn may_kind(&self, kind: ActionKind) -> Result<(), ApiError> {
        access::may_kind(&access_of(&self.user), kind).map_err(ApiError::from)
    }
}

/// The policy's view of an account: its role, person and name.
pub fn access_of(user: &User) -> access::Caller<'_> {
    access::Caller {
        role: user.role,
        person: &user.person,
        name: &user.username,
    }
}

/// The value of the session cookie, if any.
pub fn session_cookie(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE || *name == SESSION_COOKIE_INSECURE)
        .map(|(_, value)| value.to_string())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        let now = state.now();
        let accounts = state.store.accounts();
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or_else(ApiError::unauthenticated)?;
            let user = accounts
                .token_user(&sha256_hex(token.trim()), now)
                .await?
                .ok_or_else(ApiError::unauthenticated)?;
            return Ok(Caller {
                user,
                via: Via::Token,
            });
        }
        let id = session_cookie(parts).ok_or_else(ApiError::unauthenticated)?;
        let id_hash = sha256_hex(&id);
        let session = accounts
            .session(&id_hash, now)
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if !sent.is_some_and(|s| constant_time_eq(s.as_bytes(), session.csrf.as_bytes())) {
                return Err(ApiError::forbidden(
                    "missing or wrong CSRF token: send the session's token in the X-CSRF-Token header",
                ));
            }
        }
        Ok(Caller {
            user: session.user,
            via: Via::Session {
                id_hash,
                csrf: session.csrf,
            },
        })
    }
}

/// Compares without stopping at the first difference.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
