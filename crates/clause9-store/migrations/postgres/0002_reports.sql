-- Issued reports: one row per report file handed out, append-only, so that a
-- file can later be checked against what was issued (by its SHA-256).
-- Never edit this file once released: add a new migration instead.

CREATE TABLE issued_reports (
    id         BIGSERIAL PRIMARY KEY,
    sha256     TEXT      NOT NULL CHECK (length(sha256) = 64),
    period     TEXT      NOT NULL CHECK (period <> ''),
    audience   TEXT,
    format     TEXT      NOT NULL CHECK (format IN ('html', 'pdf', 'md', 'xlsx', 'json')),
    issued_at  TEXT      NOT NULL CHECK (length(issued_at) = 27 AND substr(issued_at, 27) = 'Z'),
    issued_by  TEXT      NOT NULL,
    file_name  TEXT      NOT NULL,
    size       BIGINT    NOT NULL CHECK (size >= 0)
);

CREATE INDEX issued_reports_sha256 ON issued_reports (sha256);

CREATE FUNCTION issued_reports_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'issued reports are append-only: % refused', TG_OP;
END;
$$;

CREATE TRIGGER issued_reports_no_update_or_delete
    BEFORE UPDATE OR DELETE ON issued_reports
    FOR EACH ROW EXECUTE FUNCTION issued_reports_refuse_change();

CREATE TRIGGER issued_reports_no_truncate
    BEFORE TRUNCATE ON issued_reports
    FOR EACH STATEMENT EXECUTE FUNCTION issued_reports_refuse_change();
