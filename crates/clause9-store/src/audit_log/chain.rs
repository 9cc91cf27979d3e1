//! The hash chain: canonical encoding, entry hashes, and finding the first
//! broken link in a sequence of stored rows.

use sha2::{Digest, Sha256};

use super::{ChainProblem, Tampering};

/// The "previous hash" of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// JSON text with object keys sorted at every level and no whitespace, so the
/// same value always gives the same bytes.
pub fn canonical_json(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let fields: Vec<String> = keys
                .into_iter()
                .map(|k| {
                    format!(
                        "{}:{}",
                        serde_json::Value::String(k.clone()),
                        canonical_json(&map[k])
                    )
                })
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(canonical_json).collect();
            format!("[{}]", items.join(","))
        }
        other => other.to_string(),
    }
}

/// The hash of an entry: SHA-256, lowercase hex, over `clause9-audit-v1` and
/// each field prefixed by its byte length, so no two different entries share
/// an encoding. `at` is the stored timestamp text, `details` the stored
/// canonical JSON text.
pub fn entry_hash(
    seq: i64,
    prev_hash: &str,
    at: &str,
    actor: &str,
    kind: &str,
    subject: &str,
    details: &str,
) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"clause9-audit-v1");
    let seq = seq.to_string();
    for field in [&seq, prev_hash, at, actor, kind, subject, details] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// A stored row as read for verification (text as stored).
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ChainRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub subject: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

impl ChainRow {
    fn computed_hash(&self) -> String {
        entry_hash(
            self.seq,
            &self.prev_hash,
            &self.at,
            &self.actor,
            &self.kind,
            &self.subject,
            &self.details,
        )
    }
}

/// Walks the chain row by row (in `seq` order, in as many pieces as needed).
#[derive(Debug)]
pub(crate) struct Walker {
    next_seq: i64,
    prev_hash: String,
    pub entries: u64,
    pub problem: Option<ChainProblem>,
}

impl Default for Walker {
    fn default() -> Self {
        Walker {
            next_seq: 1,
            prev_hash: GENESIS.to_string(),
            entries: 0,
            problem: None,
        }
    }
}

impl Walker {
    /// The last sequence number seen, for reading the next piece.
    pub(crate) fn last_seq(&self) -> i64 {
        self.next_seq - 1
    }

    pub(crate) fn head(&self) -> &str {
        &self.prev_hash
    }

    /// Checks the next row; after the first problem, only counts.
    pub(crate) fn push(&mut self, row: &ChainRow) {
        self.entries += 1;
        if self.problem.is_none() {
            self.problem = self.check(row);
        }
        self.next_seq = row.seq + 1;
        self.prev_hash = row.hash.clone();
    }

    fn check(&self, row: &ChainRow) -> Option<ChainProblem> {
        let problem = |seq, tampering, message| {
            Some(ChainProblem {
                seq,
                tampering,
                message,
            })
        };
        if row.seq != self.next_seq {
            let missing = if row.seq == self.next_seq + 1 {
                format!("entry #{} is missing", self.next_seq)
            } else {
                format!("entries #{} to #{} are missing", self.next_seq, row.seq - 1)
            };
            return problem(
                self.next_seq,
                Tampering::Deleted,
                format!("{missing}: deleted from the database"),
            );
        }
        if row.computed_hash() != row.hash {
            return problem(
                row.seq,
                Tampering::Edited,
                format!(
                    "entry #{} was edited: its content does not match its hash",
                    row.seq
                ),
            );
        }
        if row.prev_hash != self.prev_hash {
            let seq = row.seq - 1;
            return problem(
                seq,
                Tampering::Inserted,
                format!(
                    "entry #{seq} was replaced or inserted: entry #{} links to a different previous entry",
                    row.seq
                ),
            );
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let value = serde_json::json!({"b": 1, "a": {"z": [1, {"y": 2, "x": null}], "c": "é\""}});
        assert_eq!(
            canonical_json(&value),
            r#"{"a":{"c":"é\"","z":[1,{"x":null,"y":2}]},"b":1}"#
        );
    }

    #[test]
    fn hash_changes_with_every_field_and_fields_do_not_run_together() {
        let base = entry_hash(1, GENESIS, "t", "a", "k", "s", "{}");
        assert_eq!(base.len(), 64);
        assert_ne!(base, entry_hash(2, GENESIS, "t", "a", "k", "s", "{}"));
        assert_ne!(base, entry_hash(1, GENESIS, "t", "a", "k", "s", "{ }"));
        assert_ne!(
            entry_hash(1, GENESIS, "t", "ab", "k", "s", "{}"),
            entry_hash(1, GENESIS, "t", "a", "bk", "s", "{}")
        );
    }
}
