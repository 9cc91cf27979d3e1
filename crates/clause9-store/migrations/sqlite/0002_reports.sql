-- Issued reports: one row per report file handed out, append-only, so that a
-- file can later be checked against what was issued (by its SHA-256).
-- Never edit this file once released: add a new migration instead.

CREATE TABLE issued_reports (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256     TEXT    NOT NULL CHECK (length(sha256) = 64),
    period     TEXT    NOT NULL CHECK (period <> ''),
    audience   TEXT,
    format     TEXT    NOT NULL CHECK (format IN ('html', 'pdf', 'md', 'xlsx', 'json')),
    issued_at  TEXT    NOT NULL CHECK (length(issued_at) = 27 AND substr(issued_at, 27) = 'Z'),
    issued_by  TEXT    NOT NULL,
    file_name  TEXT    NOT NULL,
    size       INTEGER NOT NULL CHECK (size >= 0)
) STRICT;

CREATE INDEX issued_reports_sha256 ON issued_reports (sha256);

CREATE TRIGGER issued_reports_no_update BEFORE UPDATE ON issued_reports
BEGIN
    SELECT RAISE(ABORT, 'issued reports are append-only: issue a new report instead');
END;

CREATE TRIGGER issued_reports_no_delete BEFORE DELETE ON issued_reports
BEGIN
    SELECT RAISE(ABORT, 'issued reports are append-only: they cannot be deleted');
END;
