//! The audit log on both backends, written once as a macro over the sqlx
//! database type (like `shared.rs`): appending under the chain lock, listing,
//! and verifying.

use jiff::Timestamp;

use super::chain::{ChainRow, canonical_json, entry_hash};
use super::{AuditEntry, NewAuditEntry};
use crate::error::StoreError;
use crate::rows::{format_timestamp, parse_timestamp};

/// The newest entry: `(seq, hash)`.
pub(crate) const SELECT_LAST: &str = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";

pub(crate) const INSERT_ENTRY: &str = "INSERT INTO audit_log \
     (seq, at, actor, kind, subject, details, prev_hash, hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

pub(crate) const SELECT_ALL: &str =
    "SELECT seq, at, actor, kind, subject, details, prev_hash, hash FROM audit_log";

pub(crate) const SELECT_ENTRIES: &str = "SELECT seq, at, actor, kind, subject, details, prev_hash, hash \
     FROM audit_log WHERE seq > $1";

/// The first observation (after `$1`) with no audit entry.
pub(crate) const SELECT_UNLOGGED_OBSERVATION: &str = "SELECT o.id FROM observations o \
     WHERE o.id > $1 AND NOT EXISTS (SELECT 1 FROM audit_log a \
     WHERE a.subject = 'observation:' || CAST(o.id AS TEXT)) ORDER BY o.id LIMIT 1";

pub(crate) const SELECT_MAX_OBSERVATION: &str = "SELECT MAX(id) FROM observations";

/// The kind of the first entry, written when the log starts.
pub(crate) const STARTED: &str = "audit.started";

/// How many rows `verify` reads at a time.
pub(crate) const VERIFY_PAGE: i64 = 2000;

/// An entry ready to insert: its text columns and hash.
pub(crate) struct Prepared {
    pub row: ChainRow,
}

impl Prepared {
    pub(crate) fn new(
        seq: i64,
        prev_hash: &str,
        entry: &NewAuditEntry,
    ) -> Result<Prepared, StoreError> {
        let at = format_timestamp(entry.at)
            .map_err(|e| StoreError::Invalid(format!("the audit entry's time {e}")))?;
        let details = canonical_json(&entry.details);
        let hash = entry_hash(
            seq,
            prev_hash,
            &at,
            &entry.actor,
            &entry.kind,
            &entry.subject,
            &details,
        );
        Ok(Prepared {
            row: ChainRow {
                seq,
                at,
                actor: entry.actor.clone(),
                kind: entry.kind.clone(),
                subject: entry.subject.clone(),
                details,
                prev_hash: prev_hash.to_string(),
                hash,
            },
        })
    }
}

/// Decodes a stored row, naming it when it cannot be read.
pub(crate) fn decode(row: ChainRow) -> Result<AuditEntry, StoreError> {
    let at: Timestamp = parse_timestamp(&row.at)
        .ok_or_else(|| StoreError::Corrupt(format!("audit entry #{} has a bad time", row.seq)))?;
    let details = serde_json::from_str(&row.details).map_err(|_| {
        StoreError::Corrupt(format!("audit entry #{} has bad details JSON", row.seq))
    })?;
    Ok(AuditEntry {
        seq: row.seq,
        at,
        actor: row.actor,
        kind: row.kind,
        subject: row.subject,
        details,
        prev_hash: row.prev_hash,
        hash: row.hash,
    })
}

/// The `observations_before` recorded by the `audit.started` entry.
pub(crate) fn observations_before(first: Option<&ChainRow>) -> i64 {
    first
        .filter(|r| r.kind == STARTED)
        .and_then(|r| serde_json::from_str::<serde_json::Value>(&r.details).ok())
        .and_then(|d| d.get("observations_before").and_then(|v| v.as_i64()))
        .unwrap_or(0)
}

/// Implements the audit log for `$store` (fields `pool` and `redactor`).
/// `$begin` starts a write transaction; `$lock`, if any, is run inside it to
/// serialise appenders so the chain cannot fork.
macro_rules! impl_audit {
    ($store:ident, $db:ty, begin: $begin:literal, lock: $lock:expr) => {
        impl $store {
            /// Appends entries through `conn`, inside the caller's write
            /// transaction (so an observation and its entry commit together).
            pub(crate) async fn append_audit(
                conn: &mut <$db as sqlx::Database>::Connection,
                redactor: &crate::error::Redactor,
                entries: &[crate::audit_log::NewAuditEntry],
            ) -> Result<Vec<crate::audit_log::AuditEntry>, crate::error::StoreError> {
                use crate::audit_log::backend::{INSERT_ENTRY, Prepared, SELECT_LAST, decode};
                let db = |e| redactor.db(e);
                let lock: Option<&'static str> = $lock;
                if let Some(lock) = lock {
                    sqlx::query(lock).execute(&mut *conn).await.map_err(db)?;
                }
                let last: Option<(i64, String)> = sqlx::query_as(SELECT_LAST)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(db)?;
                let (mut seq, mut prev) =
                    last.unwrap_or((0, crate::audit_log::GENESIS.to_string()));
                let mut stored = Vec::with_capacity(entries.len());
                for entry in entries {
                    seq += 1;
                    let p = Prepared::new(seq, &prev, entry)?;
                    let r = &p.row;
                    sqlx::query(INSERT_ENTRY)
                        .bind(r.seq)
                        .bind(r.at.clone())
                        .bind(r.actor.clone())
                        .bind(r.kind.clone())
                        .bind(r.subject.clone())
                        .bind(r.details.clone())
                        .bind(r.prev_hash.clone())
                        .bind(r.hash.clone())
                        .execute(&mut *conn)
                        .await
                        .map_err(db)?;
                    prev = r.hash.clone();
                    stored.push(decode(p.row)?);
                }
                Ok(stored)
            }

            /// Writes the `audit.started` entry if the log is empty, noting
            /// the last observation stored before the log existed. Dated by
            /// the system clock: the moment a store's log begins is a fact
            /// about this machine, not a step of the ISMS that `--today`
            /// moves, and the store sits below the one clock of clause9-app.
            #[allow(clippy::disallowed_methods)]
            pub(crate) async fn start_audit_log(&self) -> Result<(), crate::error::StoreError> {
                use crate::audit_log::backend::{SELECT_LAST, SELECT_MAX_OBSERVATION, STARTED};
                let db = |e| self.redactor.db(e);
                let mut tx = self.pool.begin_with($begin).await.map_err(db)?;
                let lock: Option<&'static str> = $lock;
                if let Some(lock) = lock {
                    sqlx::query(lock).execute(&mut *tx).await.map_err(db)?;
                }
                let last: Option<(i64, String)> = sqlx::query_as(SELECT_LAST)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db)?;
                if last.is_some() {
                    return Ok(());
                }
                let before: Option<i64> = sqlx::query_scalar(SELECT_MAX_OBSERVATION)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db)?;
                let entry = crate::audit_log::NewAuditEntry {
                    at: jiff::Timestamp::now(),
                    actor: "system".to_string(),
                    kind: STARTED.to_string(),
                    subject: "audit:log".to_string(),
                    details: serde_json::json!({ "observations_before": before.unwrap_or(0) }),
                };
                Self::append_audit(&mut tx, &self.redactor, &[entry]).await?;
                tx.commit().await.map_err(db)?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl crate::audit_log::AuditLog for $store {
            async fn record(
                &self,
                entries: &[crate::audit_log::NewAuditEntry],
            ) -> Result<Vec<crate::audit_log::AuditEntry>, crate::error::StoreError> {
                let db = |e| self.redactor.db(e);
                let mut tx = self.pool.begin_with($begin).await.map_err(db)?;
                let stored = Self::append_audit(&mut tx, &self.redactor, entries).await?;
                tx.commit().await.map_err(db)?;
                Ok(stored)
            }

            async fn entries(
                &self,
                query: &crate::audit_log::AuditQuery,
            ) -> Result<Vec<crate::audit_log::AuditEntry>, crate::error::StoreError> {
                use crate::audit_log::backend::{SELECT_ALL, decode};
                let mut q = sqlx::QueryBuilder::<$db>::new(SELECT_ALL);
                q.push(" WHERE seq > ").push_bind(query.after_seq.unwrap_or(0));
                if let Some(since) = query.since {
                    let since = crate::rows::format_timestamp(since)
                        .map_err(|e| crate::error::StoreError::Invalid(format!("--since {e}")))?;
                    q.push(" AND at >= ").push_bind(since);
                }
                q.push(" ORDER BY seq");
                if let Some(limit) = query.limit {
                    q.push(" LIMIT ").push_bind(limit);
                }
                let rows: Vec<crate::audit_log::chain::ChainRow> = q
                    .build_query_as()
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| self.redactor.db(e))?;
                rows.into_iter().map(decode).collect()
            }

            async fn verify(
                &self,
            ) -> Result<crate::audit_log::ChainReport, crate::error::StoreError> {
                use crate::audit_log::backend::{
                    SELECT_ENTRIES, SELECT_UNLOGGED_OBSERVATION, VERIFY_PAGE, observations_before,
                };
                use crate::audit_log::chain::{ChainRow, Walker};
                let db = |e| self.redactor.db(e);
                let mut walker = Walker::default();
                let mut first: Option<ChainRow> = None;
                loop {
                    let rows: Vec<ChainRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                        "{SELECT_ENTRIES} ORDER BY seq LIMIT {VERIFY_PAGE}"
                    )))
                    .bind(walker.last_seq())
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db)?;
                    if first.is_none() {
                        first = rows.first().cloned();
                    }
                    for row in &rows {
                        walker.push(row);
                    }
                    if (rows.len() as i64) < VERIFY_PAGE {
                        break;
                    }
                }
                if walker.problem.is_none() {
                    let before = observations_before(first.as_ref());
                    let unlogged: Option<i64> = sqlx::query_scalar(SELECT_UNLOGGED_OBSERVATION)
                        .bind(before)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db)?;
                    if let Some(id) = unlogged {
                        walker.problem = Some(crate::audit_log::ChainProblem {
                            seq: walker.last_seq() + 1,
                            tampering: crate::audit_log::Tampering::Deleted,
                            message: format!(
                                "the entry recording observation #{id} is missing: entries were deleted from the log"
                            ),
                        });
                    }
                }
                Ok(crate::audit_log::ChainReport {
                    entries: walker.entries,
                    head: walker.head().to_string(),
                    problem: walker.problem,
                })
            }
        }
    };
}

pub(crate) use impl_audit;
