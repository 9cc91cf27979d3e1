//! clause9-store: the `Store` trait and its SQLite and PostgreSQL implementations.
//!
//! The store is the only code that speaks SQL to clause9's own database. It
//! holds observations, append-only: a stored row is never updated or deleted
//! (the database refuses it with triggers), and a correction is a new row that
//! supersedes the current value of the same measure, base and period. Unique
//! indexes keep each key's history a single chain, so concurrent writers
//! cannot lose a value: the loser gets [`StoreError::Conflict`].
//!
//! Migrations live in `migrations/sqlite` and `migrations/postgres`, run when a
//! store is opened, and are append-only: never edit a released migration, add
//! a new one to both directories.

pub mod accounts;
pub mod audit_log;
mod error;
pub mod jobs;
pub mod notifications;
mod postgres;
mod reports;
mod rows;
mod shared;
mod sql;
mod sqlite;
mod workflow;

use std::path::Path;
use std::sync::Arc;

use clause9_core::observation::{NewObservation, Observation};
use clause9_core::period::Period;

pub use error::StoreError;
pub use postgres::{CONNECT_TIMEOUT, PostgresStore, open_postgres, open_postgres_with};
pub use reports::{IssuedReport, NewIssuedReport, ReportArchive};
pub use sqlite::{BUSY_TIMEOUT, SqliteStore, open_sqlite};
pub use workflow::{Appended, NewEvent, StoredEvent, WorkflowStore};

/// Where observations are kept.
#[async_trait::async_trait]
pub trait Store: Send + Sync {
    /// Appends a batch in one transaction, all or nothing. For each item,
    /// `supersedes` must equal the id of the current head of (measure, base,
    /// period) — `None` when the key has no value yet — otherwise
    /// `Err(StoreError::Conflict { .. })` and nothing of the batch is stored.
    /// A correction of another key, or of an unknown id, is
    /// `StoreError::Invalid`. Returns the stored rows (ids assigned) in batch
    /// order, as they will be read back (`recorded_at` to the microsecond).
    async fn append(&self, batch: &[NewObservation]) -> Result<Vec<Observation>, StoreError>;

    /// Current (not superseded) observations, for one measure or all (`None`),
    /// restricted to `periods` unless empty. Ordered by measure, base, period
    /// text (byte order).
    async fn current(
        &self,
        measure: Option<&str>,
        periods: &[Period],
    ) -> Result<Vec<Observation>, StoreError>;

    /// Every observation of a measure ever stored, superseded ones included
    /// (with `superseded_by` filled), ordered by id.
    async fn history(&self, measure: &str) -> Result<Vec<Observation>, StoreError>;

    /// One observation by id, superseded or not.
    async fn observation(&self, id: i64) -> Result<Option<Observation>, StoreError>;

    /// `"sqlite"` or `"postgres"`.
    fn backend(&self) -> &'static str;

    /// The workflow events (nonconformities, audits, reviews) in the same database.
    fn workflow(&self) -> &dyn WorkflowStore;
    /// The audit log (every `append` writes its entries there too, in the
    /// same transaction).
    fn audit_log(&self) -> &dyn audit_log::AuditLog;

    /// Users, tokens, sessions and sign-in throttling.
    fn accounts(&self) -> &dyn accounts::Accounts;

    /// Leases that let exactly one process run each background job.
    fn jobs(&self) -> &dyn jobs::Jobs;

    /// Notification preferences and notices already sent.
    fn notifications(&self) -> &dyn notifications::Notifications;
    /// The archive of issued reports in the same database.
    fn reports(&self) -> &dyn ReportArchive;
}

/// Opens the store at `url`: `postgres://…` or `postgresql://…` for
/// PostgreSQL, `sqlite://PATH` or `sqlite:PATH` for a SQLite file (created
/// with its directory if needed). Runs the migrations.
pub async fn open(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Arc::new(open_postgres(url).await?));
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"));
    match path {
        Some(path) if !path.is_empty() && !path.starts_with(":memory:") => {
            Ok(Arc::new(open_sqlite(Path::new(path)).await?))
        }
        Some(_) => Err(StoreError::Url(
            "a sqlite database url needs a file path, as in sqlite://.clause9/clause9.db"
                .to_string(),
        )),
        None => {
            let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
            Err(StoreError::Url(format!(
                "unsupported database url scheme `{scheme}`; use sqlite://PATH or postgres://USER@HOST/DATABASE"
            )))
        }
    }
}
