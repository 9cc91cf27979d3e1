-- Workflow events: the append-only history of nonconformities, corrective
-- actions, audits and management reviews. Each record is a stream of events
-- (`nc/NC-0001`, `audit/AUD-0001`, `review/MR-0001`, ...) numbered 1, 2, 3...;
-- its state is recomputed from the events. Never edit this file once released.

CREATE TABLE workflow_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream      TEXT COLLATE "C" NOT NULL CHECK (stream <> '' AND strpos(stream, '/') > 1),
    seq         BIGINT NOT NULL CHECK (seq >= 1),
    event       TEXT COLLATE "C" NOT NULL CHECK (event <> ''),
    payload     TEXT NOT NULL CHECK (payload::jsonb IS NOT NULL),
    recorded_by TEXT COLLATE "C" NOT NULL CHECK (recorded_by <> ''),
    recorded_at TEXT COLLATE "C" NOT NULL CHECK (length(recorded_at) = 27 AND substr(recorded_at, 27) = 'Z'),
    reason      TEXT NOT NULL CHECK (reason <> ''),
    -- set on events that must happen once only, such as the nonconformity
    -- raised by a red indicator for one measure and period
    once_key    TEXT COLLATE "C" UNIQUE,
    -- two writers of one record cannot both append event N
    UNIQUE (stream, seq)
);

CREATE FUNCTION workflow_events_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'workflow events are append-only: % refused; record a new event instead', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER workflow_events_no_update_or_delete
    BEFORE UPDATE OR DELETE ON workflow_events
    FOR EACH ROW EXECUTE FUNCTION workflow_events_refuse_change();

CREATE TRIGGER workflow_events_no_truncate
    BEFORE TRUNCATE ON workflow_events
    FOR EACH STATEMENT EXECUTE FUNCTION workflow_events_refuse_change();
