//! Test fixtures: a fresh SQLite file in a temporary directory, or a fresh
//! PostgreSQL schema when `CLAUSE9_TEST_POSTGRES_URL` is set; raw SQL access
//! that bypasses the store; and observation builders.

use std::io::Write;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use clause9_core::observation::{Evidence, Method, NewObservation, Observation};
use clause9_store::{Store, open_postgres_with, open_sqlite};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{AssertSqlSafe, Connection, Row};

pub(crate) const POSTGRES_URL_VAR: &str = "CLAUSE9_TEST_POSTGRES_URL";

enum Kind {
    Sqlite { path: PathBuf },
    Postgres { url: String, schema: String },
}

/// A fresh, empty database for one test.
pub(crate) struct Fixture {
    kind: Kind,
    _dir: Option<tempfile::TempDir>,
}

impl Fixture {
    /// A SQLite file (in a directory that does not exist yet).
    pub(crate) fn sqlite() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".clause9").join("clause9.db");
        Fixture {
            kind: Kind::Sqlite { path },
            _dir: Some(dir),
        }
    }

    /// A new schema on the test server, or `None` (saying so on the terminal)
    /// when no server is configured.
    pub(crate) async fn postgres(case: &str) -> Option<Fixture> {
        let Ok(url) = std::env::var(POSTGRES_URL_VAR) else {
            // Written to the process's stderr, not through the test harness's
            // capture, so that the skip is visible in the test output.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED postgres contract case `{case}`: set {POSTGRES_URL_VAR} (e.g. postgres://postgres@127.0.0.1:5432/test) to run it"
            );
            return None;
        };
        let schema = unique_name("t");
        let mut admin = PgConnection::connect(&url).await.unwrap();
        sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut admin)
            .await
            .unwrap();
        admin.close().await.unwrap();
        Some(Fixture {
            kind: Kind::Postgres { url, schema },
            _dir: None,
        })
    }

    pub(crate) fn backend(&self) -> &'static str {
        match self.kind {
            Kind::Sqlite { .. } => "sqlite",
            Kind::Postgres { .. } => "postgres",
        }
    }

    /// A new, independent store instance on this database.
    pub(crate) async fn open(&self) -> Arc<dyn Store> {
        match &self.kind {
            Kind::Sqlite { path } => Arc::new(open_sqlite(path).await.unwrap()),
            Kind::Postgres { url, schema } => {
                let options = PgConnectOptions::from_str(url)
                    .unwrap()
                    .options([("search_path", schema)]);
                Arc::new(open_postgres_with(options).await.unwrap())
            }
        }
    }

    /// A URL for `clause9_store::open` that reaches this database.
    pub(crate) fn url(&self) -> String {
        match &self.kind {
            Kind::Sqlite { path } => format!("sqlite://{}", path.display()),
            Kind::Postgres { url, schema } => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}options[search_path]={schema}")
            }
        }
    }

    /// Runs one statement on a raw connection, bypassing the store.
    pub(crate) async fn raw_execute(&self, sql: &str) -> Result<u64, String> {
        let result = match &self.kind {
            Kind::Sqlite { path } => {
                let mut conn = SqliteConnection::connect_with(
                    &SqliteConnectOptions::new()
                        .filename(path)
                        .foreign_keys(true),
                )
                .await
                .unwrap();
                sqlx::query(AssertSqlSafe(sql.to_string()))
                    .execute(&mut conn)
                    .await
                    .map(|r| r.rows_affected())
            }
            Kind::Postgres { .. } => {
                let mut conn = self.raw_pg().await;
                sqlx::query(AssertSqlSafe(sql.to_string()))
                    .execute(&mut conn)
                    .await
                    .map(|r| r.rows_affected())
            }
        };
        result.map_err(|e| e.to_string())
    }

    /// The first column of every row of a query returning text, on a raw connection.
    pub(crate) async fn raw_texts(&self, sql: &str) -> Vec<String> {
        match &self.kind {
            Kind::Sqlite { path } => {
                let mut conn =
                    SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(path))
                        .await
                        .unwrap();
                let rows = sqlx::query(AssertSqlSafe(sql.to_string()))
                    .fetch_all(&mut conn)
                    .await
                    .unwrap();
                rows.iter().map(|r| r.get::<String, _>(0)).collect()
            }
            Kind::Postgres { .. } => {
                let mut conn = self.raw_pg().await;
                let rows = sqlx::query(AssertSqlSafe(sql.to_string()))
                    .fetch_all(&mut conn)
                    .await
                    .unwrap();
                rows.iter().map(|r| r.get::<String, _>(0)).collect()
            }
        }
    }

    async fn raw_pg(&self) -> PgConnection {
        let Kind::Postgres { url, schema } = &self.kind else {
            unreachable!()
        };
        let options = PgConnectOptions::from_str(url)
            .unwrap()
            .options([("search_path", schema)]);
        PgConnection::connect_with(&options).await.unwrap()
    }

    /// Runs `append` while a raw transaction holds an uncommitted correction
    /// of `of`, so that the store loses a race it cannot see coming. On
    /// PostgreSQL the raw transaction commits once the append waits for it;
    /// on SQLite the append waits for the write lock. Returns the id of the
    /// raw row and the append's result.
    pub(crate) async fn race_with_raw_correction<R: Send + 'static>(
        &self,
        of: &Observation,
        append: impl Future<Output = R> + Send + 'static,
    ) -> (i64, R) {
        let insert = format!(
            "INSERT INTO observations (measure, base, period, definition_version, recorded_by, \
             recorded_at, method, supersedes) VALUES ('{}', '{}', '{}', 1, 'raced', \
             '2026-11-22T10:00:00.000000Z', 'manual', {}) RETURNING id",
            of.new.measure, of.new.base, of.new.period, of.id
        );
        match &self.kind {
            Kind::Sqlite { path } => {
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .foreign_keys(true);
                let mut raw = SqliteConnection::connect_with(&options).await.unwrap();
                let mut tx = raw.begin_with("BEGIN IMMEDIATE").await.unwrap();
                let id = sqlx::query_scalar(AssertSqlSafe(insert))
                    .fetch_one(&mut *tx)
                    .await
                    .unwrap();
                let task = tokio::spawn(append);
                tokio::task::yield_now().await;
                tx.commit().await.unwrap();
                (id, task.await.unwrap())
            }
            Kind::Postgres { .. } => {
                let mut raw = self.raw_pg().await;
                let mut tx = raw.begin().await.unwrap();
                let id = sqlx::query_scalar(AssertSqlSafe(insert))
                    .fetch_one(&mut *tx)
                    .await
                    .unwrap();
                let xid: String = sqlx::query_scalar(
                    "SELECT (pg_current_xact_id()::text::bigint % 4294967296)::text",
                )
                .fetch_one(&mut *tx)
                .await
                .unwrap();
                let task = tokio::spawn(append);
                let mut watcher = self.raw_pg().await;
                loop {
                    let waiting: i64 = sqlx::query_scalar(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'transactionid' \
                         AND NOT granted AND transactionid::text = $1",
                    )
                    .bind(&xid)
                    .fetch_one(&mut watcher)
                    .await
                    .unwrap();
                    if waiting > 0 {
                        break;
                    }
                    assert!(
                        !task.is_finished(),
                        "the append did not wait for the raw row"
                    );
                }
                tx.commit().await.unwrap();
                (id, task.await.unwrap())
            }
        }
    }

    /// Removes the test's PostgreSQL schema.
    pub(crate) async fn finish(self) {
        if let Kind::Postgres { url, schema } = &self.kind {
            let mut admin = PgConnection::connect(url).await.unwrap();
            sqlx::query(AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                .execute(&mut admin)
                .await
                .unwrap();
        }
    }
}

/// A name unique to this process and call: `PREFIX_<pid>_<nanos>_<n>`.
pub(crate) fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    #[allow(clippy::disallowed_methods)] // a unique name, not a date
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}_{}_{nanos}_{n}", std::process::id())
}

/// A plain manual original value of `measure/base` for `period`.
pub(crate) fn obs(measure: &str, base: &str, period: &str, value: Option<f64>) -> NewObservation {
    NewObservation {
        measure: measure.to_string(),
        base: base.to_string(),
        period: period.parse().unwrap(),
        value,
        definition_version: 1,
        recorded_by: "alice".to_string(),
        recorded_at: "2026-11-22T10:00:00.123456Z".parse().unwrap(),
        method: Method::Manual,
        evidence: Evidence::default(),
        provenance: None,
        supersedes: None,
        reason: None,
    }
}

/// A correction of `old` to `value`.
pub(crate) fn fix(old: &Observation, value: Option<f64>) -> NewObservation {
    NewObservation {
        value,
        supersedes: Some(old.id),
        reason: Some("typo in the ticket count".to_string()),
        recorded_by: "bob".to_string(),
        ..old.new.clone()
    }
}

/// The stored form of `new` as `append` returns it before any correction.
pub(crate) fn stored(id: i64, new: &NewObservation) -> Observation {
    Observation {
        id,
        new: new.clone(),
        superseded_by: None,
    }
}
