//! The SQLite store: one file in WAL mode, writers serialised by taking the
//! write lock at the start of each append (`BEGIN IMMEDIATE`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use clause9_core::observation::{NewObservation, Observation};
use clause9_core::period::Period;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::Store;
use crate::accounts::backend::impl_accounts;
use crate::audit_log::impl_audit;
use crate::error::{Redactor, StoreError, is_unique_violation};
use crate::jobs::impl_jobs;
use crate::notifications::impl_notifications;
use crate::rows::{self, Encoded, RawRow};
use crate::shared::{check_superseded, impl_store, lock_keys};
use crate::sql;

crate::reports::impl_report_archive!(SqliteStore);

static MIGRATOR: Migrator = sqlx::migrate!("migrations/sqlite");

/// How long a writer waits for another one to finish before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A store in a SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    redactor: Redactor,
    path: PathBuf,
}

impl SqliteStore {
    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes every connection (checkpointing the WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

// BEGIN IMMEDIATE takes the database write lock, so appends are serialised
// and the head checks inside the transaction cannot be overtaken.
impl_store!(
    SqliteStore,
    sqlx::Sqlite,
    "sqlite",
    begin: "BEGIN IMMEDIATE",
    lock: None
);
crate::workflow::impl_workflow!(SqliteStore, sqlx::Sqlite, begin: "BEGIN IMMEDIATE");

impl_accounts!(SqliteStore, sqlx::Sqlite, begin: "BEGIN IMMEDIATE");
impl_jobs!(SqliteStore, sqlx::Sqlite);
impl_notifications!(SqliteStore, sqlx::Sqlite, begin: "BEGIN IMMEDIATE");
impl_audit!(SqliteStore, sqlx::Sqlite, begin: "BEGIN IMMEDIATE", lock: None);

/// Opens (creating it and its directory if needed) the SQLite store at `path`
/// and brings its schema up to date.
/// How long to wait before trying again to open a database another
/// process holds locked.
const OPEN_RETRY: Duration = Duration::from_millis(50);

/// SQLite's "database is locked": SQLITE_BUSY (5) or one of its extended
/// codes (recovery, snapshot, timeout), whose low byte is 5.
fn is_busy(e: &sqlx::Error) -> bool {
    let sqlx::Error::Database(d) = e else {
        return false;
    };
    d.code()
        .and_then(|c| c.parse::<i32>().ok())
        .is_some_and(|c| c & 0xff == 5)
}

pub async fn open_sqlite(path: &Path) -> Result<SqliteStore, StoreError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(BUSY_TIMEOUT)
        .foreign_keys(true);
    // Opening while another process writes can meet SQLITE_BUSY before the
    // busy timeout applies (setting WAL mode, a checkpoint in progress): try
    // again for as long as a busy write may wait.
    let mut waited = Duration::ZERO;
    let pool = loop {
        match SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.clone())
            .await
        {
            Ok(pool) => break pool,
            Err(e) if is_busy(&e) && waited < BUSY_TIMEOUT => {
                tokio::time::sleep(OPEN_RETRY).await;
                waited += OPEN_RETRY;
            }
            Err(e) => {
                return Err(StoreError::Database(format!(
                    "cannot open {}: {e}; check the path and its permissions",
                    path.display()
                )));
            }
        }
    };
    let redactor = Redactor::default();
    // Two processes opening a new file at once may race on any migration;
    // the loser finds it applied when it tries again, so each retry gets
    // at least one migration further.
    let mut attempts = MIGRATOR.iter().count();
    while let Err(e) = MIGRATOR.run(&pool).await {
        if attempts == 0 {
            return Err(redactor.migrate(e));
        }
        attempts -= 1;
    }
    let store = SqliteStore {
        pool,
        redactor,
        path: path.to_path_buf(),
    };
    store.start_audit_log().await?;
    Ok(store)
}

#[cfg(test)]
mod tests {
    use sqlx::Row;

    /// The shared SQL uses `$N` placeholders: sqlx-sqlite must bind them by
    /// number, not by order of appearance.
    #[tokio::test]
    async fn dollar_placeholders_bind_by_number() {
        let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
        let row = sqlx::query("SELECT $3 AS c, $1 AS a, $2 AS b, $1 AS a2")
            .bind("one")
            .bind("two")
            .bind("three")
            .fetch_one(&pool)
            .await
            .unwrap();
        let get = |i: usize| row.get::<String, _>(i);
        assert_eq!(
            (get(0), get(1), get(2), get(3)),
            ("three".into(), "one".into(), "two".into(), "one".into())
        );
    }
}
