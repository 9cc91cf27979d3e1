//! The SQL text, identical on SQLite and PostgreSQL.
//!
//! Placeholders are `$N`: PostgreSQL numbers them natively, and sqlx-sqlite
//! binds a `$N` parameter to the N-th bound value whatever the order in which
//! the placeholders appear (checked by a test in `sqlite.rs`).

/// The columns of an observation, `o` being the row and `s` its successor.
macro_rules! select_observations {
    () => {
        "SELECT o.id, o.measure, o.base, o.period, o.value, o.definition_version, \
         o.recorded_by, o.recorded_at, o.method, o.evidence_name, o.evidence_sha256, \
         o.evidence_size, o.evidence_url, o.provenance, o.supersedes, o.reason, \
         s.id AS superseded_by \
         FROM observations o LEFT JOIN observations s ON s.supersedes = o.id"
    };
}

/// Start of the `current` query; filters and ordering are appended.
pub(crate) const SELECT_CURRENT: &str = concat!(select_observations!(), " WHERE s.id IS NULL");

/// Every observation of a measure (`$1`), superseded ones included.
pub(crate) const SELECT_HISTORY: &str = concat!(
    select_observations!(),
    " WHERE o.measure = $1 ORDER BY o.id"
);

/// One observation by id (`$1`).
pub(crate) const SELECT_ONE: &str = concat!(select_observations!(), " WHERE o.id = $1");

/// The id of the current value of (`$1` measure, `$2` base, `$3` period).
pub(crate) const SELECT_HEAD: &str = "SELECT o.id FROM observations o \
     WHERE o.measure = $1 AND o.base = $2 AND o.period = $3 \
     AND NOT EXISTS (SELECT 1 FROM observations s WHERE s.supersedes = o.id)";

/// The key of observation `$1`.
pub(crate) const SELECT_KEY: &str = "SELECT measure, base, period FROM observations WHERE id = $1";

/// Appends one observation and returns it as `RawRow` reads it.
pub(crate) const INSERT: &str = "INSERT INTO observations \
     (measure, base, period, value, definition_version, recorded_by, recorded_at, method, \
      evidence_name, evidence_sha256, evidence_size, evidence_url, provenance, supersedes, reason) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
     RETURNING id, measure, base, period, value, definition_version, recorded_by, recorded_at, \
     method, evidence_name, evidence_sha256, evidence_size, evidence_url, provenance, \
     supersedes, reason, CAST(NULL AS BIGINT) AS superseded_by";

/// Ordering of `current`: by measure, base and period text (byte order on both backends).
pub(crate) const ORDER_CURRENT: &str = " ORDER BY o.measure, o.base, o.period";
