//! The workflow store: append-only event streams for nonconformities,
//! corrective actions, audits and management reviews (table
//! `workflow_events`, migration 0003). A record's state is recomputed from its
//! events by `clause9_core`; the store only keeps them, in order, once.

use jiff::Timestamp;

use crate::error::StoreError;
use crate::rows::{format_timestamp, parse_timestamp};

/// An event to append: event number `seq` (1-based) of `stream`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// `KIND/ID`, such as `nc/NC-0001`.
    pub stream: String,
    /// Must be one more than the stream's last event (1 for a new record).
    pub seq: i64,
    /// The event's type, such as `raised`.
    pub event: String,
    pub payload: serde_json::Value,
    /// Who (a person id, or `local:USER`).
    pub recorded_by: String,
    pub recorded_at: Timestamp,
    /// Why: required for every event.
    pub reason: String,
    /// An event that may happen once only (unique across all streams).
    pub once_key: Option<String>,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub id: i64,
    pub stream: String,
    pub seq: i64,
    pub event: String,
    pub payload: serde_json::Value,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
    pub reason: String,
    pub once_key: Option<String>,
}

/// The outcome of an append: stored, or refused without storing anything.
#[derive(Debug, Clone, PartialEq)]
pub enum Appended {
    /// Every event of the batch, with ids, in batch order.
    Stored(Vec<StoredEvent>),
    /// Another writer appended to `stream` meanwhile: read it again and retry.
    StreamChanged { stream: String },
    /// An event with this once-key is already stored.
    AlreadyDone { once_key: String },
}

#[async_trait::async_trait]
pub trait WorkflowStore: Send + Sync {
    /// Appends a batch in one transaction, all or nothing.
    async fn append_events(&self, batch: &[NewEvent]) -> Result<Appended, StoreError>;

    /// Every event of the streams whose name starts with `prefix` (`nc/`,
    /// `audit/AUD-0001`), ordered by stream and number.
    async fn events(&self, prefix: &str) -> Result<Vec<StoredEvent>, StoreError>;

    /// Is an event with this once-key stored?
    async fn once_done(&self, once_key: &str) -> Result<bool, StoreError>;
}

pub(crate) const INSERT_EVENT: &str = "INSERT INTO workflow_events \
     (stream, seq, event, payload, recorded_by, recorded_at, reason, once_key) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
pub(crate) const LAST_SEQ: &str =
    "SELECT COALESCE(MAX(seq), 0) FROM workflow_events WHERE stream = $1";
pub(crate) const ONCE: &str = "SELECT COUNT(*) FROM workflow_events WHERE once_key = $1";
pub(crate) const SELECT_EVENTS: &str = "SELECT id, stream, seq, event, payload, recorded_by, \
     recorded_at, reason, once_key FROM workflow_events \
     WHERE substr(stream, 1, length($1)) = $1 ORDER BY stream, seq";

/// An event as its columns.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct EventRow {
    pub id: i64,
    pub stream: String,
    pub seq: i64,
    pub event: String,
    pub payload: String,
    pub recorded_by: String,
    pub recorded_at: String,
    pub reason: String,
    pub once_key: Option<String>,
}

impl EventRow {
    pub(crate) fn decode(self) -> Result<StoredEvent, StoreError> {
        let corrupt =
            |what: &str| StoreError::Corrupt(format!("workflow event #{} has {what}", self.id));
        let payload = serde_json::from_str(&self.payload).map_err(|_| corrupt("a bad payload"))?;
        let recorded_at =
            parse_timestamp(&self.recorded_at).ok_or_else(|| corrupt("a bad recorded_at"))?;
        Ok(StoredEvent {
            id: self.id,
            stream: self.stream,
            seq: self.seq,
            event: self.event,
            payload,
            recorded_by: self.recorded_by,
            recorded_at,
            reason: self.reason,
            once_key: self.once_key,
        })
    }
}

/// Checks an event before it is stored; returns the timestamp text.
pub(crate) fn check(e: &NewEvent) -> Result<String, StoreError> {
    let invalid = |m: String| Err(StoreError::Invalid(m));
    if !e.stream.contains('/') || e.stream.starts_with('/') {
        return invalid(format!("bad stream name `{}`: use KIND/ID", e.stream));
    }
    if e.seq < 1 {
        return invalid(format!("event numbers start at 1, not {}", e.seq));
    }
    if e.event.is_empty() || e.recorded_by.is_empty() || e.reason.trim().is_empty() {
        return invalid(format!(
            "event {} of {} needs a type, who recorded it and why",
            e.seq, e.stream
        ));
    }
    format_timestamp(e.recorded_at).map_err(StoreError::Invalid)
}

/// The audit-log entry of a stored workflow event: kind `workflow.<event>`,
/// subject the record's stream (`nc/NC-0001`, `audit/AUD-0001`, `review/MR-0001`).
pub(crate) fn audit_entry(e: &StoredEvent) -> crate::audit_log::NewAuditEntry {
    crate::audit_log::NewAuditEntry {
        at: e.recorded_at,
        actor: e.recorded_by.clone(),
        kind: format!("workflow.{}", e.event),
        subject: e.stream.clone(),
        details: serde_json::json!({
            "event_id": e.id,
            "seq": e.seq,
            "reason": e.reason,
            "payload": e.payload,
        }),
    }
}

/// Implements `WorkflowStore` for a store with `pool` and `redactor`.
macro_rules! impl_workflow {
    ($store:ident, $db:ty, begin: $begin:literal) => {
        #[async_trait::async_trait]
        impl $crate::workflow::WorkflowStore for $store {
            async fn append_events(
                &self,
                batch: &[$crate::workflow::NewEvent],
            ) -> Result<$crate::workflow::Appended, StoreError> {
                use $crate::workflow::{Appended, StoredEvent};
                let stamps = batch
                    .iter()
                    .map($crate::workflow::check)
                    .collect::<Result<Vec<_>, _>>()?;
                let db = |e| self.redactor.db(e);
                let mut tx = self.pool.begin_with($begin).await.map_err(db)?;
                let mut stored = Vec::with_capacity(batch.len());
                for (e, stamp) in batch.iter().zip(stamps) {
                    if let Some(key) = &e.once_key {
                        let n: i64 = sqlx::query_scalar($crate::workflow::ONCE)
                            .bind(key.clone())
                            .fetch_one(&mut *tx)
                            .await
                            .map_err(db)?;
                        if n > 0 {
                            return Ok(Appended::AlreadyDone {
                                once_key: key.clone(),
                            });
                        }
                    }
                    let last: i64 = sqlx::query_scalar($crate::workflow::LAST_SEQ)
                        .bind(e.stream.clone())
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(db)?;
                    if last + 1 != e.seq {
                        return Ok(Appended::StreamChanged {
                            stream: e.stream.clone(),
                        });
                    }
                    let inserted: Result<i64, sqlx::Error> =
                        sqlx::query_scalar($crate::workflow::INSERT_EVENT)
                            .bind(e.stream.clone())
                            .bind(e.seq)
                            .bind(e.event.clone())
                            .bind(e.payload.to_string())
                            .bind(e.recorded_by.clone())
                            .bind(stamp)
                            .bind(e.reason.clone())
                            .bind(e.once_key.clone())
                            .fetch_one(&mut *tx)
                            .await;
                    match inserted {
                        Ok(id) => stored.push(StoredEvent {
                            id,
                            stream: e.stream.clone(),
                            seq: e.seq,
                            event: e.event.clone(),
                            payload: e.payload.clone(),
                            recorded_by: e.recorded_by.clone(),
                            recorded_at: e.recorded_at,
                            reason: e.reason.clone(),
                            once_key: e.once_key.clone(),
                        }),
                        // a concurrent writer won the race
                        Err(err) if is_unique_violation(&err) => {
                            tx.rollback().await.map_err(db)?;
                            if let Some(key) = &e.once_key
                                && self.once_done(key).await?
                            {
                                return Ok(Appended::AlreadyDone {
                                    once_key: key.clone(),
                                });
                            }
                            return Ok(Appended::StreamChanged {
                                stream: e.stream.clone(),
                            });
                        }
                        Err(err) => return Err(db(err)),
                    }
                }
                // every workflow change is in the audit log, committed with it
                let entries: Vec<_> = stored.iter().map($crate::workflow::audit_entry).collect();
                Self::append_audit(&mut tx, &self.redactor, &entries).await?;
                tx.commit().await.map_err(db)?;
                // read back so timestamps are exactly as stored (microseconds)
                for s in &mut stored {
                    s.recorded_at = $crate::rows::parse_timestamp(
                        &$crate::rows::format_timestamp(s.recorded_at)
                            .map_err(StoreError::Invalid)?,
                    )
                    .unwrap_or(s.recorded_at);
                }
                Ok(Appended::Stored(stored))
            }

            async fn events(
                &self,
                prefix: &str,
            ) -> Result<Vec<$crate::workflow::StoredEvent>, StoreError> {
                let rows: Vec<$crate::workflow::EventRow> =
                    sqlx::query_as($crate::workflow::SELECT_EVENTS)
                        .bind(prefix.to_string())
                        .fetch_all(&self.pool)
                        .await
                        .map_err(|e| self.redactor.db(e))?;
                rows.into_iter().map(|r| r.decode()).collect()
            }

            async fn once_done(&self, once_key: &str) -> Result<bool, StoreError> {
                let n: i64 = sqlx::query_scalar($crate::workflow::ONCE)
                    .bind(once_key.to_string())
                    .fetch_one(&self.pool)
                    .await
                    .map_err(|e| self.redactor.db(e))?;
                Ok(n > 0)
            }
        }
    };
}

pub(crate) use impl_workflow;
