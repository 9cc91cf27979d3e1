-- Tamper-evident audit log, accounts, API tokens, sessions, login throttling
-- and background-job leases. Never edit this file once released.

-- Each entry's hash covers the previous entry's hash and its own content, so
-- an edited, inserted or deleted entry breaks the chain. `seq` is assigned by
-- the writer (previous + 1) under the write lock; a unique previous hash means
-- the chain can never fork.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
    at        TEXT NOT NULL CHECK (length(at) = 27 AND substr(at, 27) = 'Z'),
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind <> ''),
    subject   TEXT NOT NULL,
    details   TEXT NOT NULL,
    prev_hash TEXT NOT NULL UNIQUE CHECK (length(prev_hash) = 64),
    hash      TEXT NOT NULL UNIQUE CHECK (length(hash) = 64)
) STRICT;

CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_subject ON audit_log (subject);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be changed');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be deleted');
END;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT NOT NULL UNIQUE CHECK (username <> ''),
    person        TEXT NOT NULL CHECK (person <> ''),
    role          TEXT NOT NULL CHECK (role IN ('admin', 'owner', 'collector', 'analyst', 'auditor', 'reviewer', 'viewer')),
    password_hash TEXT,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE CHECK (length(token_sha256) = 64),
    created_at   TEXT NOT NULL,
    expires_at   TEXT,
    revoked_at   TEXT
) STRICT;

CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE sessions (
    id_sha256  TEXT PRIMARY KEY CHECK (length(id_sha256) = 64),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;

CREATE TABLE login_failures (
    id  INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    at  TEXT NOT NULL
) STRICT;

CREATE INDEX login_failures_key ON login_failures (key, at);

CREATE TABLE job_leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;

-- What each person wants to be told, and how: one row per person, the
-- preferences as JSON (kinds, email on/off, webhook URL).
CREATE TABLE notification_prefs (
    person     TEXT PRIMARY KEY,
    prefs      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Notices already sent, so that each is sent once across every process.
CREATE TABLE notifications_sent (
    key     TEXT PRIMARY KEY,
    sent_at TEXT NOT NULL
);
