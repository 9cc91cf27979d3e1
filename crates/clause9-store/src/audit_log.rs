//! The tamper-evident audit log: every change appended as an entry chained by
//! hash to the one before, and the check that finds the first broken link.
//!
//! An entry's hash is SHA-256 over a versioned, length-prefixed encoding of
//! its sequence number, the previous entry's hash and its content (time,
//! actor, kind, subject, canonical details JSON). Editing an entry changes its
//! hash; deleting one leaves a gap in the sequence and a link to a hash that
//! is no longer there; inserting one needs a renumbering that breaks the
//! hashes after it. The log cannot prove that its newest entries were not cut
//! off (no outside anchor), except for observations: each observation has an
//! entry written in the same transaction, and `verify` checks that every one
//! still has it.

pub(crate) mod backend;
pub(crate) mod chain;

use jiff::Timestamp;
use serde::Serialize;

pub(crate) use backend::impl_audit;
pub use chain::{GENESIS, canonical_json, entry_hash};

use crate::error::StoreError;

/// A change to append to the log.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    pub at: Timestamp,
    /// Who made the change: a person id, a username, or `system`.
    pub actor: String,
    /// What kind of change, as `thing.verb` (`observation.recorded`, `user.added`…).
    pub kind: String,
    /// What it changed, as `thing:id` (`observation:42`, `user:alice`).
    pub subject: String,
    /// Anything else worth keeping, as JSON (stored in canonical form).
    pub details: serde_json::Value,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: Timestamp,
    pub actor: String,
    pub kind: String,
    pub subject: String,
    pub details: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

/// What `verify` found wrong first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tampering {
    /// The entry's content or hash no longer matches.
    Edited,
    /// The entry is missing.
    Deleted,
    /// The entry was inserted or replaced (its hash checks, but the next
    /// entry links to another one).
    Inserted,
}

/// The first problem in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainProblem {
    /// The sequence number of the first entry concerned.
    pub seq: i64,
    pub tampering: Tampering,
    pub message: String,
}

/// The result of checking the whole log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// Entries read.
    pub entries: u64,
    /// The hash of the last entry (the genesis value for an empty log): keep
    /// it somewhere else to detect later that the newest entries were cut off.
    pub head: String,
    pub problem: Option<ChainProblem>,
}

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only entries at or after this time.
    pub since: Option<Timestamp>,
    /// Only entries with a larger sequence number (for paging).
    pub after_seq: Option<i64>,
    /// At most this many entries (all when `None`).
    pub limit: Option<i64>,
}

/// The audit log of a store.
#[async_trait::async_trait]
pub trait AuditLog: Send + Sync {
    /// Appends entries in one transaction, in order, and returns them stored.
    async fn record(&self, entries: &[NewAuditEntry]) -> Result<Vec<AuditEntry>, StoreError>;

    /// Entries in sequence order.
    async fn entries(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError>;

    /// Checks the whole chain, and that every observation has its entry.
    async fn verify(&self) -> Result<ChainReport, StoreError>;
}

/// The audit entry of a stored observation: `observation.recorded`, or
/// `observation.corrected` when it supersedes another.
pub(crate) fn observation_entry(stored: &clause9_core::observation::Observation) -> NewAuditEntry {
    let new = &stored.new;
    let kind = if new.supersedes.is_some() {
        "observation.corrected"
    } else {
        "observation.recorded"
    };
    NewAuditEntry {
        at: new.recorded_at,
        actor: new.recorded_by.clone(),
        kind: kind.to_string(),
        subject: format!("observation:{}", stored.id),
        details: serde_json::json!({
            "measure": new.measure,
            "base": new.base,
            "period": new.period.to_string(),
            "value": new.value,
            "method": new.method.as_str(),
            "definition_version": new.definition_version,
            "evidence_sha256": new.evidence.sha256,
            "evidence_url": new.evidence.url,
            "supersedes": new.supersedes,
            "reason": new.reason,
        }),
    }
}
