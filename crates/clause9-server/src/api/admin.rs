//! Administration: users (admins only) and the audit log (admins and auditors).

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use clause9_core::access::ActionKind;
use clause9_store::accounts::{Change, NewUser, Role};
use clause9_store::audit_log::{AuditQuery, ChainReport};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::page::{Page, PageParams};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::secret::hash_password;
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UserView {
    pub username: String,
    pub person: String,
    pub role: String,
    pub disabled: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    pub username: String,
    pub person: String,
    /// admin, owner, collector, analyst, auditor, reviewer or viewer.
    pub role: String,
    pub password: String,
}

/// Every user (admins only).
#[utoipa::path(get, path = "/api/v1/users", tag = "admin", params(PageParams),
    responses((status = 200, body = Page<UserView>), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn users(
    State(state): State<AppState>,
    caller: Caller,
    Query(page): Query<PageParams>,
) -> ApiResult<Json<Page<UserView>>> {
    caller.may_kind(ActionKind::ManageAccounts)?;
    let all = state.store.accounts().users().await?;
    let views = all
        .into_iter()
        .map(|u| UserView {
            username: u.username,
            person: u.person,
            role: u.role.as_str().into(),
            disabled: u.disabled,
        })
        .collect();
    Ok(Json(page.slice(views)?))
}

/// Adds a user (admins only).
#[utoipa::path(post, path = "/api/v1/users", tag = "admin", request_body = NewUserBody,
    responses((status = 201, body = UserView), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_user(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<NewUserBody>,
) -> ApiResult<(StatusCode, Json<UserView>)> {
    caller.may_kind(ActionKind::ManageAccounts)?;
    let mut problems = Vec::new();
    let role = Role::parse(&body.role);
    if role.is_none() {
        problems.push(format!(
            "role `{}` is not one of admin, owner, collector, analyst, auditor, reviewer, viewer",
            body.role
        ));
    }
    let programme = crate::api::programme_or_503(&state)?;
    if !programme.settings.people.contains_key(&body.person) {
        problems.push(format!(
            "person `{}` is not a person of the programme",
            body.person
        ));
    }
    let password = body.password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(ApiError::internal)?;
    let hash = match hash {
        Ok(hash) => Some(hash),
        Err(e) => {
            problems.push(e.to_string());
            None
        }
    };
    if !problems.is_empty() {
        return Err(ApiError::invalid("the user was refused", problems));
    }
    let user = state
        .store
        .accounts()
        .add_user(
            &NewUser {
                username: body.username,
                person: body.person,
                role: role.unwrap_or(Role::Viewer),
                password_hash: hash,
            },
            &Change {
                actor: caller.user.person.clone(),
                at: state.now(),
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(UserView {
            username: user.username,
            person: user.person,
            role: user.role.as_str().into(),
            disabled: user.disabled,
        }),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Entries after this sequence number (for paging).
    pub after: Option<i64>,
    /// At most this many entries (default 100, at most 1000).
    pub limit: Option<i64>,
}

/// An entry of the audit log.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditEntryDoc {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub subject: String,
    pub details: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

/// The audit log, oldest first (admins and auditors).
#[utoipa::path(get, path = "/api/v1/audit-log", tag = "admin", params(AuditParams),
    responses((status = 200, body = [AuditEntryDoc]), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn audit_log(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<AuditParams>,
) -> ApiResult<Json<serde_json::Value>> {
    caller.may_kind(ActionKind::ReadAuditLog)?;
    let limit = params.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_request("limit is 1 to 1000"));
    }
    let entries = state
        .store
        .audit_log()
        .entries(&AuditQuery {
            since: None,
            after_seq: params.after,
            limit: Some(limit),
        })
        .await?;
    Ok(Json(
        serde_json::to_value(entries).map_err(ApiError::internal)?,
    ))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ChainReportDoc {
    pub entries: u64,
    pub head: String,
    /// The first entry edited, inserted or deleted, if any.
    pub problem: Option<serde_json::Value>,
}

/// Checks the audit log's hash chain (admins and auditors).
#[utoipa::path(get, path = "/api/v1/audit-log/verify", tag = "admin",
    responses((status = 200, body = ChainReportDoc), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn verify(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<ChainReport>> {
    caller.may_kind(ActionKind::ReadAuditLog)?;
    Ok(Json(state.store.audit_log().verify().await?))
}
