-- Observations: append-only base-measure values with provenance.
-- Never edit this file once released: add a new migration instead.

CREATE TABLE observations (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    measure            TEXT    NOT NULL CHECK (measure <> ''),
    base               TEXT    NOT NULL CHECK (base <> ''),
    period             TEXT    NOT NULL CHECK (period <> ''),
    value              REAL,
    definition_version INTEGER NOT NULL CHECK (definition_version >= 0),
    recorded_by        TEXT    NOT NULL,
    recorded_at        TEXT    NOT NULL CHECK (length(recorded_at) = 27 AND substr(recorded_at, 27) = 'Z'),
    method             TEXT    NOT NULL CHECK (method IN ('manual', 'import', 'query')),
    evidence_name      TEXT,
    evidence_sha256    TEXT,
    evidence_size      INTEGER CHECK (evidence_size >= 0),
    evidence_url       TEXT,
    provenance         TEXT,
    supersedes         INTEGER REFERENCES observations (id),
    reason             TEXT,
    CHECK (supersedes < id),
    UNIQUE (id, measure, base, period),
    -- a correction supersedes a value of the same measure, base and period
    FOREIGN KEY (supersedes, measure, base, period)
        REFERENCES observations (id, measure, base, period)
) STRICT;

-- A value is corrected at most once: history is a chain, never a fork.
CREATE UNIQUE INDEX observations_supersedes_once
    ON observations (supersedes) WHERE supersedes IS NOT NULL;

-- Each (measure, base, period) has at most one original value.
CREATE UNIQUE INDEX observations_one_original
    ON observations (measure, base, period) WHERE supersedes IS NULL;

CREATE INDEX observations_key ON observations (measure, base, period);

CREATE TRIGGER observations_no_update BEFORE UPDATE ON observations
BEGIN
    SELECT RAISE(ABORT, 'observations are append-only: store a correction that supersedes the value instead of updating it');
END;

CREATE TRIGGER observations_no_delete BEFORE DELETE ON observations
BEGIN
    SELECT RAISE(ABORT, 'observations are append-only: they cannot be deleted');
END;
