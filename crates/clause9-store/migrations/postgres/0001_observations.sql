-- Observations: append-only base-measure values with provenance.
-- Never edit this file once released: add a new migration instead.
-- Text columns use the "C" collation so that ordering is byte order, as on SQLite.

CREATE TABLE observations (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    measure            TEXT COLLATE "C" NOT NULL CHECK (measure <> ''),
    base               TEXT COLLATE "C" NOT NULL CHECK (base <> ''),
    period             TEXT COLLATE "C" NOT NULL CHECK (period <> ''),
    value              DOUBLE PRECISION,
    definition_version BIGINT NOT NULL CHECK (definition_version >= 0),
    recorded_by        TEXT COLLATE "C" NOT NULL,
    recorded_at        TEXT COLLATE "C" NOT NULL CHECK (length(recorded_at) = 27 AND substr(recorded_at, 27) = 'Z'),
    method             TEXT COLLATE "C" NOT NULL CHECK (method IN ('manual', 'import', 'query')),
    evidence_name      TEXT,
    evidence_sha256    TEXT,
    evidence_size      BIGINT CHECK (evidence_size >= 0),
    evidence_url       TEXT,
    provenance         TEXT,
    supersedes         BIGINT REFERENCES observations (id),
    reason             TEXT,
    CHECK (supersedes < id),
    UNIQUE (id, measure, base, period),
    -- a correction supersedes a value of the same measure, base and period
    FOREIGN KEY (supersedes, measure, base, period)
        REFERENCES observations (id, measure, base, period)
);

-- A value is corrected at most once: history is a chain, never a fork.
CREATE UNIQUE INDEX observations_supersedes_once
    ON observations (supersedes) WHERE supersedes IS NOT NULL;

-- Each (measure, base, period) has at most one original value.
CREATE UNIQUE INDEX observations_one_original
    ON observations (measure, base, period) WHERE supersedes IS NULL;

CREATE INDEX observations_key ON observations (measure, base, period);

CREATE FUNCTION observations_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'observations are append-only: % refused; store a correction that supersedes the value instead', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER observations_no_update_or_delete
    BEFORE UPDATE OR DELETE ON observations
    FOR EACH ROW EXECUTE FUNCTION observations_refuse_change();

CREATE TRIGGER observations_no_truncate
    BEFORE TRUNCATE ON observations
    FOR EACH STATEMENT EXECUTE FUNCTION observations_refuse_change();
