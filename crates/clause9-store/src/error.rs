//! Store errors, and the mapping of sqlx errors to them without leaking secrets.

use std::path::PathBuf;

use sqlx::migrate::MigrateError;

/// Why a store operation failed. Callers branch on `Conflict` (reload and
/// retry) and `Invalid` (fix the input); the rest are reported as they are.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The value being corrected is no longer the current one, or a value was
    /// stored for the same key meanwhile. Nothing of the batch was stored.
    #[error(
        "the value of {measure}/{base} for {period} changed while you were editing it ({}); read it again and retry",
        describe_current(*.current)
    )]
    Conflict {
        measure: String,
        base: String,
        period: String,
        /// The id of the current value now, if there is one.
        current: Option<i64>,
    },
    /// The observation cannot be stored as given (nothing of the batch was stored).
    #[error("{0}")]
    Invalid(String),
    /// A stored row cannot be read back; the message names the row id.
    #[error(
        "stored {0}; the database was changed outside clause9: restore it from a backup or repair that row"
    )]
    Corrupt(String),
    /// The database failed or refused the operation. Never contains a password.
    #[error("database error: {0}")]
    Database(String),
    /// The schema could not be brought up to date.
    #[error("cannot migrate the database: {0}")]
    Migration(String),
    /// The database URL is not one the store understands.
    #[error("{0}")]
    Url(String),
    /// The directory of a SQLite file could not be created.
    #[error("cannot create the directory {}: {source}; check the path and its permissions", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn describe_current(current: Option<i64>) -> String {
    match current {
        Some(id) => format!("now observation #{id}"),
        None => "it now has no value".to_string(),
    }
}

/// Secrets (passwords) that must never appear in an error message.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    secrets: Vec<String>,
}

/// Shows how many secrets there are, never the secrets.
impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

impl Redactor {
    /// Collects the password of a `postgres://user:password@host/db` URL (raw
    /// and percent-decoded) and of a `password=` query parameter.
    pub(crate) fn for_url(url: &str) -> Redactor {
        let mut secrets = Vec::new();
        let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        if let Some((userinfo, _)) = authority.rsplit_once('@')
            && let Some((_, password)) = userinfo.split_once(':')
        {
            secrets.push(password.to_string());
        }
        if let Some((_, query)) = rest.split_once('?') {
            for pair in query.split('&') {
                if let Some(("password", value)) = pair.split_once('=') {
                    secrets.push(value.to_string());
                }
            }
        }
        let decoded: Vec<String> = secrets.iter().map(|s| percent_decode(s)).collect();
        secrets.extend(decoded);
        secrets.retain(|s| !s.is_empty());
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Redactor { secrets }
    }

    /// `text` with every secret replaced by `***`.
    pub(crate) fn clean(&self, text: &str) -> String {
        self.secrets
            .iter()
            .fold(text.to_string(), |text, secret| text.replace(secret, "***"))
    }

    /// Maps a sqlx error, saying what to do.
    pub(crate) fn db(&self, error: sqlx::Error) -> StoreError {
        let (text, advice) = describe(&error);
        let advice = advice.unwrap_or("");
        StoreError::Database(self.clean(&format!("{text}{advice}")))
    }

    /// Maps an error met while connecting to `place` (`host:port/database`).
    pub(crate) fn connect(&self, place: &str, error: sqlx::Error) -> StoreError {
        let (text, advice) = describe(&error);
        let advice = advice.unwrap_or("; check the database url, the user and the password");
        StoreError::Database(self.clean(&format!(
            "cannot connect to postgres at {place}: {text}{advice}"
        )))
    }

    /// Maps a migration error, saying what to do.
    pub(crate) fn migrate(&self, error: MigrateError) -> StoreError {
        let message = match &error {
            MigrateError::VersionMissing(version) => format!(
                "the database has migration {version}, which this clause9 does not know: it was created by a newer clause9; upgrade clause9"
            ),
            MigrateError::VersionMismatch(version) => format!(
                "migration {version} changed after it was applied; migrations are append-only: restore the released file and add a new migration"
            ),
            MigrateError::Dirty(version) => format!(
                "migration {version} was left partly applied; restore the database from a backup"
            ),
            other => format!("{other}; check the database and retry"),
        };
        StoreError::Migration(self.clean(&message))
    }
}

/// The text of a sqlx error (the server's own message for database errors)
/// and, when the kind of error tells, what to do about it.
fn describe(error: &sqlx::Error) -> (String, Option<&'static str>) {
    match error {
        sqlx::Error::Database(e) => (e.message().to_string(), None),
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => (
            error.to_string(),
            Some("; check that the database server is running and reachable, then retry"),
        ),
        sqlx::Error::Configuration(_) => (error.to_string(), Some("; check the database url")),
        _ => (error.to_string(), None),
    }
}

/// Decodes `%XX` escapes; invalid escapes are kept as they are.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether the database refused a row because of a unique index: another
/// writer stored a value for the same key first.
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.is_unique_violation())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_url_passwords_raw_and_decoded() {
        let r =
            Redactor::for_url("postgres://app:p%40ss%2Fw0rd@db.example:5432/c9?password=other1");
        let text = "failed for app:p%40ss%2Fw0rd and p@ss/w0rd and other1";
        let clean = r.clean(text);
        assert!(
            !clean.contains("w0rd") && !clean.contains("other1"),
            "{clean}"
        );
        assert_eq!(Redactor::for_url("postgres://app@h/db").clean("app"), "app");
        assert!(!format!("{r:?}").contains("w0rd"));
    }

    #[test]
    fn conflict_message_says_what_to_do() {
        let e = StoreError::Conflict {
            measure: "M-INC-01".into(),
            base: "closed".into(),
            period: "2026-10".into(),
            current: Some(7),
        };
        assert_eq!(
            e.to_string(),
            "the value of M-INC-01/closed for 2026-10 changed while you were editing it (now observation #7); read it again and retry"
        );
    }
}
