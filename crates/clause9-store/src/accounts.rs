//! Accounts: users with a role and a person of the programme, hashed API
//! tokens, sessions with expiry, and failed sign-ins for throttling. Every
//! change to a user or token is written to the audit log in the same
//! transaction. Secrets are never stored: only their hashes (computed by the
//! caller) reach the database.

pub(crate) mod backend;

use jiff::Timestamp;
use serde::Serialize;

use crate::error::StoreError;

/// Roles are the access policy's (`clause9_core::access`).
pub use clause9_core::access::Role;

/// A stored account.
#[derive(Clone, PartialEq, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    /// The person id of the programme this account acts as.
    pub person: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: Timestamp,
    /// The argon2id PHC string; `None` for token- or OIDC-only accounts.
    #[serde(skip)]
    pub password_hash: Option<String>,
}

/// Never shows the password hash.
impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("person", &self.person)
            .field("role", &self.role)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

/// A user to add.
#[derive(Clone)]
pub struct NewUser {
    pub username: String,
    pub person: String,
    pub role: Role,
    pub password_hash: Option<String>,
}

/// An API token as listed (its secret is never stored, only its SHA-256).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Token {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

/// A live session: its user and its CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
    pub expires_at: Timestamp,
}

/// Who makes a change and when, for the audit log.
#[derive(Debug, Clone)]
pub struct Change {
    pub actor: String,
    pub at: Timestamp,
}

/// Accounts, tokens, sessions and sign-in throttling.
#[async_trait::async_trait]
pub trait Accounts: Send + Sync {
    /// Adds a user; `Invalid` if the username is taken.
    async fn add_user(&self, user: &NewUser, change: &Change) -> Result<User, StoreError>;
    /// Every user, by username.
    async fn users(&self) -> Result<Vec<User>, StoreError>;
    async fn user(&self, username: &str) -> Result<Option<User>, StoreError>;
    /// Disables or enables a user (ending its sessions when disabling);
    /// `Invalid` for an unknown user.
    async fn set_disabled(
        &self,
        username: &str,
        disabled: bool,
        change: &Change,
    ) -> Result<User, StoreError>;

    /// Gives a user another role (in effect on its next request, sessions
    /// included); `Invalid` for an unknown user.
    async fn set_role(
        &self,
        username: &str,
        role: Role,
        change: &Change,
    ) -> Result<User, StoreError>;

    /// Stores a new token's hash for `username`.
    async fn add_token(
        &self,
        username: &str,
        name: &str,
        token_sha256: &str,
        expires_at: Option<Timestamp>,
        change: &Change,
    ) -> Result<Token, StoreError>;
    /// Tokens, of one user or all, by id.
    async fn tokens(&self, username: Option<&str>) -> Result<Vec<Token>, StoreError>;
    /// Revokes a token; `Invalid` if unknown or already revoked.
    async fn revoke_token(&self, id: i64, change: &Change) -> Result<Token, StoreError>;
    /// The enabled user of a token that is neither revoked nor expired at `now`.
    async fn token_user(
        &self,
        token_sha256: &str,
        now: Timestamp,
    ) -> Result<Option<User>, StoreError>;

    /// Starts a session (audit-logged as a sign-in).
    async fn start_session(
        &self,
        id_sha256: &str,
        user: &User,
        csrf: &str,
        expires_at: Timestamp,
        change: &Change,
    ) -> Result<(), StoreError>;
    /// The live session with this id hash at `now`, its user enabled.
    async fn session(&self, id_sha256: &str, now: Timestamp)
    -> Result<Option<Session>, StoreError>;
    /// Ends a session (sign-out); also drops expired sessions.
    async fn end_session(&self, id_sha256: &str, now: Timestamp) -> Result<(), StoreError>;

    /// Notes a failed sign-in under each key (`user:NAME`, `addr:IP`).
    async fn note_login_failure(&self, keys: &[String], at: Timestamp) -> Result<(), StoreError>;
    /// Failed sign-ins under `key` at or after `since`.
    async fn login_failures(&self, key: &str, since: Timestamp) -> Result<i64, StoreError>;

    /// Housekeeping: deletes the sessions expired at `now` and the failed
    /// sign-ins noted before `failures_before`; returns how many of each.
    async fn purge_expired(
        &self,
        now: Timestamp,
        failures_before: Timestamp,
    ) -> Result<(u64, u64), StoreError>;
}

/// Row of `users`.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct UserRow {
    pub id: i64,
    pub username: String,
    pub person: String,
    pub role: String,
    pub password_hash: Option<String>,
    pub disabled: i64,
    pub created_at: String,
}

impl UserRow {
    pub(crate) fn decode(self) -> Result<User, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("user #{} has {what}", self.id));
        Ok(User {
            id: self.id,
            role: Role::parse(&self.role).ok_or_else(|| corrupt("an unknown role"))?,
            created_at: crate::rows::parse_timestamp(&self.created_at)
                .ok_or_else(|| corrupt("a bad creation time"))?,
            disabled: self.disabled != 0,
            username: self.username,
            person: self.person,
            password_hash: self.password_hash,
        })
    }
}

/// Row of `api_tokens` joined with its user's name.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct TokenRow {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl TokenRow {
    pub(crate) fn decode(self) -> Result<Token, StoreError> {
        let id = self.id;
        let time = |t: &str| {
            crate::rows::parse_timestamp(t)
                .ok_or_else(|| StoreError::Corrupt(format!("token #{id} has a bad time")))
        };
        Ok(Token {
            id,
            created_at: time(&self.created_at)?,
            expires_at: self.expires_at.as_deref().map(time).transpose()?,
            revoked_at: self.revoked_at.as_deref().map(time).transpose()?,
            username: self.username,
            name: self.name,
        })
    }
}

pub(crate) fn stamp(ts: Timestamp) -> Result<String, StoreError> {
    crate::rows::format_timestamp(ts).map_err(|e| StoreError::Invalid(format!("the time {e}")))
}
