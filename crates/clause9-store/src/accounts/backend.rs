//! The accounts tables on both backends, written once as a macro over the
//! sqlx database type; user and token changes append their audit entries in
//! the same transaction.

macro_rules! user_cols {
    () => {
        "u.id, u.username, u.person, u.role, u.password_hash, u.disabled, u.created_at"
    };
}

pub(crate) const INSERT_USER: &str = "INSERT INTO users \
     (username, person, role, password_hash, disabled, created_at) VALUES ($1, $2, $3, $4, 0, $5) \
     RETURNING id, username, person, role, password_hash, disabled, created_at";
pub(crate) const SELECT_USERS: &str = concat!("SELECT ", user_cols!(), " FROM users u");
pub(crate) const SET_DISABLED: &str = "UPDATE users SET disabled = $2 WHERE username = $1 \
     RETURNING id, username, person, role, password_hash, disabled, created_at";
pub(crate) const SET_ROLE: &str = "UPDATE users SET role = $2 WHERE username = $1 \
     RETURNING id, username, person, role, password_hash, disabled, created_at";
pub(crate) const END_USER_SESSIONS: &str = "DELETE FROM sessions WHERE user_id = $1";

pub(crate) const SELECT_TOKENS: &str = "SELECT t.id, u.username, t.name, t.created_at, \
     t.expires_at, t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.user_id";
pub(crate) const INSERT_TOKEN: &str = "INSERT INTO api_tokens \
     (user_id, name, token_sha256, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id";
pub(crate) const REVOKE_TOKEN: &str =
    "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";
pub(crate) const TOKEN_USER: &str = concat!(
    "SELECT ",
    user_cols!(),
    " FROM api_tokens t JOIN users u ON u.id = t.user_id \
     WHERE t.token_sha256 = $1 AND t.revoked_at IS NULL \
     AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.disabled = 0"
);

pub(crate) const INSERT_SESSION: &str = "INSERT INTO sessions \
     (id_sha256, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";
pub(crate) const SELECT_SESSION: &str = concat!(
    "SELECT ",
    user_cols!(),
    ", s.csrf, s.expires_at AS session_expires_at FROM sessions s JOIN users u ON u.id = s.user_id \
     WHERE s.id_sha256 = $1 AND s.expires_at > $2 AND u.disabled = 0"
);
pub(crate) const END_SESSION: &str =
    "DELETE FROM sessions WHERE id_sha256 = $1 OR expires_at <= $2";

pub(crate) const PURGE_SESSIONS: &str = "DELETE FROM sessions WHERE expires_at <= $1";
pub(crate) const PURGE_FAILURES: &str = "DELETE FROM login_failures WHERE at < $1";
pub(crate) const INSERT_FAILURE: &str = "INSERT INTO login_failures (key, at) VALUES ($1, $2)";
pub(crate) const COUNT_FAILURES: &str =
    "SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2";

/// A session row: its user's columns, the CSRF token and the expiry.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SessionRow {
    #[sqlx(flatten)]
    pub user: super::UserRow,
    pub csrf: String,
    pub session_expires_at: String,
}

/// Implements `Accounts` for `$store` (fields `pool` and `redactor`);
/// `$begin` starts a write transaction.
macro_rules! impl_accounts {
    ($store:ident, $db:ty, begin: $begin:literal) => {
        #[async_trait::async_trait]
        impl crate::accounts::Accounts for $store {
            async fn add_user(
                &self,
                user: &crate::accounts::NewUser,
                change: &crate::accounts::Change,
            ) -> Result<crate::accounts::User, crate::error::StoreError> {
                use crate::accounts::backend::INSERT_USER;
                let db = |e| self.redactor.db(e);
                let mut tx = self.pool.begin_with($begin).await.map_err(db)?;
                let row: Result<crate::accounts::UserRow, _> = sqlx::query_as(INSERT_USER)
                    .bind(user.username.clone())
                    .bind(user.person.clone())
                    .bind(user.role.as_str())
                    .bind(user.password_hash.clone())
                    .bind(crate::accounts::stamp(change.at)?)
                    .fetch_one(&mut *tx)
                    .await;
                let stored = match row {
                    Err(e) if crate::error::is_unique_violation(&e) => {
                        return Err(crate::error::StoreError::Invalid(format!(
                            "the user `{}` already exists; choose another username",
                            user.username
                        )));
                    }
                    other => other.map_err(db)?.decode()?,
                };
                let entry = crate::audit_log::NewAuditEntry {
                    at: change.at,
                    actor: change.actor.clone(),
                    kind: "user.added".into(),
                    subject: format!("user:{}", stored.username),
                    details: serde_json::json!({
                        "person": stored.person,
                        "role": stored.role.as_str(),
                        "password": stored.password_hash.is_some(),
                    }),
                };
                Self::append_audit(&mut tx, &self.redactor, &[entry]).await?;
                tx.commit().await.map_err(db)?;
                Ok(stored)
            }

            async fn users(&self) -> Result<Vec<crate::accounts::User>, crate::error::StoreError> {
                use crate::accounts::backend::SELECT_USERS;
                let rows: Vec<crate::accounts::UserRow> =
                    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_USERS} ORDER BY u.username")))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(|e| self.redactor.db(e))?;
                rows.into_iter().map(|r| r.decode()).collect()
            }

            async fn user(
                &self,
                username: &str,
            ) -> Result<Option<crate::accounts::User>, crate::error::StoreError> {
                use crate::accounts::backend::SELECT_USERS;
                let row: Option<crate::accounts::UserRow> =
                    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_USERS} WHERE u.username = $1")))
                        .bind(username.to_string())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(|e| self.redactor.db(e))?;
                row.map(|r| r.decode()).transpose()
            }

            async fn set_disabled(
                &self,
                username: &str,
                disabled: bool,
                change: &crate::accounts::Change,
            ) -> Result<crate::accounts::User, crate::error::StoreError> {
                use crate::accounts::backend::{END_USER_SESSIONS, SET_DISABLED};
                let db = |e| self.redactor.db(e);
                let mut tx = self.pool.begin_with($begin).await.map_err(db)?;
                let row: Option<crate::accounts::UserRow> = sqlx::query_as(SET_DISABLED)
                    .bind(username.to_string())
                    .bind(i64::from(disabled))
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db)?;
                let Some(row) = row else {
                    return Err(crate::error::StoreError::Invalid(format!(
                        "there is no user `{username}`; see `clause9 user list`"
                    )));
                };
                let user = row.decode()?;
                if disabled {
                    sqlx::query(END_USER_SESSIONS)
                        .bind(user.id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db)?;
                }
                let entry = crate::audit_log::NewAuditEntry {
                    at: change.at,
                    actor: change.actor.clone(),
                    kind: if disabled { "user.disabled" } else { "user.enabled" }.into(),
                    subject: format!("user:{username}"),
                    details: serde_json::json!({}),
                };
                Self::append_audit(&mut tx, &self.redactor, &[entry]).await?;
                tx.commit().await.map_err(db)?;
                Ok(user)
            }

            async fn set_role(
                &self,
                username: &str,
                role: crate::accounts::Role,
                change: &crate::accounts::Change,
            ) -> Result<crate::accounts::User, crate::error::StoreError> {
                use crate::accounts::backend::SET_ROLE;
                let db = |e| self.redactor.db(e);
                let mut tx = self.pool.begin_with($begin).await.map_err(db)?;
                let row: Option<crate::accounts::UserRow> = sqlx::query_as(SET_ROLE)
                    .bind(username.to_string())
                    .bind(role.as_str().to_string())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db)?;
                let Some(row) = row else {
                    return Err(crate::error::StoreError::Invalid(format!(
                        "there is no user `{username}`; see `clause9 user list`"
                    )));
                };
                let user = row.decode()?;
                let entry = crate::audit_log::NewAuditEntry {
                    at: change.at,
                    actor: change.actor.clone(),
                    kind: "user.role_changed".into(),
                    subject: format!("user:{username}"),
                    details: serde_json::json!({ "role": role.as_str() }),
                };
                Self::append_audit(&mut tx, &self.redactor, &[entry]).await?;
                tx.commit().await.map_err(db)?;
                Ok(user)
            }

            async fn add_token(
                &self,
                username: &str,
                name: &str,
                token_sha256: &str,
                expires_at: Option<jiff::Timestamp>,
                change: &crate::accounts::Change,
            ) -> Result<crate::accounts::Token, crate::error::StoreError> {
                use crate::accounts::backend::INSERT_TOKEN;
                let user = self.user(username).await?.ok_or_else(|| {
                    crate::error::StoreError::Invalid(format!(
                        "there is no user `{username}`; add it first with `clause9 user add`"
                    ))
                })?;
                let db = |e| self.redactor.db(e);
                let created = crate::accounts::stamp(change.at)?;
                let expires = expires_at.map(crate::accounts::stamp).transpose()?;
                let mut tx = self.pool.begin_with($begin).await.map_err(db)?;
                let id: i64 = sqlx::query_scalar(INSERT_TOKEN)
                    .bind(user.id)
                    .bind(name.to_string())
                    .bind(token_sha256.to_string())
                    .bind(created)
                    .bind(expires.clone())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db)?;
                let entry = crate::audit_log::NewAuditEntry {
                    at: change.at,
                    actor: change.actor.clone(),
                    kind: "token.created".into(),
                    subject: format!("token:{id}"),
                    details: serde_json::json!({
                        "user": username, "name": name, "expires_at": expires,
                    }),
                };
                Self::append_audit(&mut tx, &self.redactor, &[entry]).await?;
                tx.commit().await.map_err(db)?;
                Ok(crate::accounts::Token {
                    id,
                    username: username.to_string(),
                    name: name.to_string(),
                    created_at: change.at,
                    expires_at,
                    revoked_at: None,
                })
            }

            async fn tokens(
                &self,
                username: Option<&str>,
            ) -> Result<Vec<crate::accounts::Token>, crate::error::StoreError> {
                use crate::accounts::backend::SELECT_TOKENS;
                let mut q = sqlx::QueryBuilder::<$db>::new(SELECT_TOKENS);
                if let Some(username) = username {
                    q.push(" WHERE u.username = ").push_bind(username.to_string());
                }
                q.push(" ORDER BY t.id");
                let rows: Vec<crate::accounts::TokenRow> = q
                    .build_query_as()
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| self.redactor.db(e))?;
                rows.into_iter().map(|r| r.decode()).collect()
            }

            async fn revoke_token(
                &self,
                id: i64,
                change: &crate::accounts::Change,
            ) -> Result<crate::accounts::Token, crate::error::StoreError> {
                use crate::accounts::backend::{REVOKE_TOKEN, SELECT_TOKENS};
                let db = |e| self.redactor.db(e);
                let mut tx = self.pool.begin_with($begin).await.map_err(db)?;
                let done = sqlx::query(REVOKE_TOKEN)
                    .bind(id)
                    .bind(crate::accounts::stamp(change.at)?)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                if done.rows_affected() != 1 {
                    return Err(crate::error::StoreError::Invalid(format!(
                        "there is no active token #{id}; see `clause9 token list`"
                    )));
                }
                let row: crate::accounts::TokenRow =
                    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT_TOKENS} WHERE t.id = $1")))
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(db)?;
                let token = row.decode()?;
                let entry = crate::audit_log::NewAuditEntry {
                    at: change.at,
                    actor: change.actor.clone(),
                    kind: "token.revoked".into(),
                    subject: format!("token:{id}"),
                    details: serde_json::json!({ "user": token.username, "name": token.name }),
                };
                Self::append_audit(&mut tx, &self.redactor, &[entry]).await?;
                tx.commit().await.map_err(db)?;
                Ok(token)
            }

            async fn token_user(
                &self,
                token_sha256: &str,
                now: jiff::Timestamp,
            ) -> Result<Option<crate::accounts::User>, crate::error::StoreError> {
                let row: Option<crate::accounts::UserRow> =
                    sqlx::query_as(crate::accounts::backend::TOKEN_USER)
                        .bind(token_sha256.to_string())
                        .bind(crate::accounts::stamp(now)?)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(|e| self.redactor.db(e))?;
                row.map(|r| r.decode()).transpose()
            }

            async fn start_session(
                &self,
                id_sha256: &str,
                user: &crate::accounts::User,
                csrf: &str,
                expires_at: jiff::Timestamp,
                change: &crate::accounts::Change,
            ) -> Result<(), crate::error::StoreError> {
                let db = |e| self.redactor.db(e);
                let mut tx = self.pool.begin_with($begin).await.map_err(db)?;
                sqlx::query(crate::accounts::backend::INSERT_SESSION)
                    .bind(id_sha256.to_string())
                    .bind(user.id)
                    .bind(csrf.to_string())
                    .bind(crate::accounts::stamp(change.at)?)
                    .bind(crate::accounts::stamp(expires_at)?)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                let entry = crate::audit_log::NewAuditEntry {
                    at: change.at,
                    actor: change.actor.clone(),
                    kind: "session.started".into(),
                    subject: format!("user:{}", user.username),
                    details: serde_json::json!({}),
                };
                Self::append_audit(&mut tx, &self.redactor, &[entry]).await?;
                tx.commit().await.map_err(db)?;
                Ok(())
            }

            async fn session(
                &self,
                id_sha256: &str,
                now: jiff::Timestamp,
            ) -> Result<Option<crate::accounts::Session>, crate::error::StoreError> {
                let row: Option<crate::accounts::backend::SessionRow> =
                    sqlx::query_as(crate::accounts::backend::SELECT_SESSION)
                        .bind(id_sha256.to_string())
                        .bind(crate::accounts::stamp(now)?)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(|e| self.redactor.db(e))?;
                let Some(row) = row else { return Ok(None) };
                let expires_at = crate::rows::parse_timestamp(&row.session_expires_at)
                    .ok_or_else(|| crate::error::StoreError::Corrupt("a session has a bad expiry".into()))?;
                Ok(Some(crate::accounts::Session {
                    user: row.user.decode()?,
                    csrf: row.csrf,
                    expires_at,
                }))
            }

            async fn end_session(
                &self,
                id_sha256: &str,
                now: jiff::Timestamp,
            ) -> Result<(), crate::error::StoreError> {
                sqlx::query(crate::accounts::backend::END_SESSION)
                    .bind(id_sha256.to_string())
                    .bind(crate::accounts::stamp(now)?)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| self.redactor.db(e))?;
                Ok(())
            }

            async fn note_login_failure(
                &self,
                keys: &[String],
                at: jiff::Timestamp,
            ) -> Result<(), crate::error::StoreError> {
                let at = crate::accounts::stamp(at)?;
                for key in keys {
                    sqlx::query(crate::accounts::backend::INSERT_FAILURE)
                        .bind(key.clone())
                        .bind(at.clone())
                        .execute(&self.pool)
                        .await
                        .map_err(|e| self.redactor.db(e))?;
                }
                Ok(())
            }

            async fn login_failures(
                &self,
                key: &str,
                since: jiff::Timestamp,
            ) -> Result<i64, crate::error::StoreError> {
                sqlx::query_scalar(crate::accounts::backend::COUNT_FAILURES)
                    .bind(key.to_string())
                    .bind(crate::accounts::stamp(since)?)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(|e| self.redactor.db(e))
            }

            async fn purge_expired(
                &self,
                now: jiff::Timestamp,
                failures_before: jiff::Timestamp,
            ) -> Result<(u64, u64), crate::error::StoreError> {
                let sessions = sqlx::query(crate::accounts::backend::PURGE_SESSIONS)
                    .bind(crate::accounts::stamp(now)?)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| self.redactor.db(e))?
                    .rows_affected();
                let failures = sqlx::query(crate::accounts::backend::PURGE_FAILURES)
                    .bind(crate::accounts::stamp(failures_before)?)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| self.redactor.db(e))?
                    .rows_affected();
                Ok((sessions, failures))
            }
        }
    };
}

pub(crate) use impl_accounts;
