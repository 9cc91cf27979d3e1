-- Workflow events: the append-only history of nonconformities, corrective
-- actions, audits and management reviews. Each record is a stream of events
-- (`nc/NC-0001`, `audit/AUD-0001`, `review/MR-0001`, ...) numbered 1, 2, 3...;
-- its state is recomputed from the events. Never edit this file once released.

CREATE TABLE workflow_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    stream      TEXT    NOT NULL CHECK (stream <> '' AND instr(stream, '/') > 1),
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    event       TEXT    NOT NULL CHECK (event <> ''),
    payload     TEXT    NOT NULL CHECK (json_valid(payload)),
    recorded_by TEXT    NOT NULL CHECK (recorded_by <> ''),
    recorded_at TEXT    NOT NULL CHECK (length(recorded_at) = 27 AND substr(recorded_at, 27) = 'Z'),
    reason      TEXT    NOT NULL CHECK (reason <> ''),
    -- set on events that must happen once only, such as the nonconformity
    -- raised by a red indicator for one measure and period
    once_key    TEXT    UNIQUE,
    -- two writers of one record cannot both append event N
    UNIQUE (stream, seq)
) STRICT;

CREATE INDEX workflow_events_stream ON workflow_events (stream, seq);

CREATE TRIGGER workflow_events_no_update BEFORE UPDATE ON workflow_events
BEGIN
    SELECT RAISE(ABORT, 'workflow events are append-only: record a new event instead of updating one');
END;

CREATE TRIGGER workflow_events_no_delete BEFORE DELETE ON workflow_events
BEGIN
    SELECT RAISE(ABORT, 'workflow events are append-only: they cannot be deleted');
END;
