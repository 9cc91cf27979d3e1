//! The PostgreSQL store: a shared server; concurrent writers of the same key
//! are serialised by advisory locks, and a lost race is reported as a conflict.

use std::str::FromStr;
use std::time::Duration;

use clause9_core::observation::{NewObservation, Observation};
use clause9_core::period::Period;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::Store;
use crate::accounts::backend::impl_accounts;
use crate::audit_log::impl_audit;
use crate::error::{Redactor, StoreError, is_unique_violation};
use crate::jobs::impl_jobs;
use crate::notifications::impl_notifications;
use crate::rows::{self, Encoded, RawRow};
use crate::shared::{check_superseded, impl_store, lock_keys};
use crate::sql;

crate::reports::impl_report_archive!(PostgresStore);

static MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

/// How long to wait for a connection (for instance while the server starts).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A store in a PostgreSQL database (in the schema first on `search_path`).
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    redactor: Redactor,
}

impl PostgresStore {
    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

// Appends lock the keys they write (transaction-scoped advisory locks, in
// sorted order so that two batches cannot deadlock), so the head checks see
// any committed competitor; the unique indexes catch writers that bypass it.
impl_store!(
    PostgresStore,
    sqlx::Postgres,
    "postgres",
    begin: "BEGIN",
    lock: Some(KEY_LOCK)
);
crate::workflow::impl_workflow!(PostgresStore, sqlx::Postgres, begin: "BEGIN");

/// Locks one key for the rest of the transaction; the two-integer form keeps
/// these locks apart from sqlx's single-bigint migration lock.
const KEY_LOCK: &str =
    "SELECT pg_advisory_xact_lock(1093, hashtext(current_schema() || ':' || $1))";

impl_accounts!(PostgresStore, sqlx::Postgres, begin: "BEGIN");
impl_jobs!(PostgresStore, sqlx::Postgres);
impl_notifications!(PostgresStore, sqlx::Postgres, begin: "BEGIN");
impl_audit!(PostgresStore, sqlx::Postgres, begin: "BEGIN", lock: Some(CHAIN_LOCK));

/// Serialises appends to the audit log for the rest of the transaction, so
/// the chain cannot fork; always taken after the key locks.
const CHAIN_LOCK: &str = "SELECT pg_advisory_xact_lock(1094, hashtext(current_schema()))";

/// Opens the store at a `postgres://` URL and brings its schema up to date.
/// Errors never contain the URL's password.
pub async fn open_postgres(url: &str) -> Result<PostgresStore, StoreError> {
    let redactor = Redactor::for_url(url);
    let options = PgConnectOptions::from_str(url).map_err(|e| {
        StoreError::Url(redactor.clean(&format!(
            "bad postgres database url: {e}; use postgres://USER:PASSWORD@HOST:PORT/DATABASE"
        )))
    })?;
    connect(options, redactor).await
}

/// Opens the store with explicit connection options (for instance with
/// `.options([("search_path", "clause9")])`) and brings its schema up to date.
pub async fn open_postgres_with(options: PgConnectOptions) -> Result<PostgresStore, StoreError> {
    connect(options, Redactor::default()).await
}

async fn connect(
    options: PgConnectOptions,
    redactor: Redactor,
) -> Result<PostgresStore, StoreError> {
    let place = format!(
        "{}:{}/{}",
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or(options.get_username())
    );
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .acquire_timeout(CONNECT_TIMEOUT)
        .connect_with(options)
        .await
        .map_err(|e| redactor.connect(&place, e))?;
    // sqlx takes an advisory lock, so concurrent openers apply migrations once.
    MIGRATOR.run(&pool).await.map_err(|e| redactor.migrate(e))?;
    let store = PostgresStore { pool, redactor };
    store.start_audit_log().await?;
    Ok(store)
}
