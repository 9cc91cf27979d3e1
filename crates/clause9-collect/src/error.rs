//! Collection errors: every failure names the measure and base measure it
//! happened in, and says what to do.

use thiserror::Error;

/// A base measure that could not be collected.
#[derive(Debug, Clone, Error, PartialEq)]
#[error("{measure}/{base}: {failure}")]
pub struct CollectError {
    pub measure: String,
    pub base: String,
    pub failure: Failure,
}

/// Why a query gave no value.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum Failure {
    #[error("not a query base measure (method = \"manual\")")]
    NotAQuery,
    #[error("unknown source `{0}`")]
    UnknownSource(String),
    #[error(
        "the query ran longer than its time limit of {seconds} s; raise `timeout_seconds` in the source or make the query cheaper"
    )]
    Timeout { seconds: u64 },
    #[error(
        "the query needed more memory than its limit of {mb} MiB; raise `memory_mb` in the source or make the query cheaper ({detail})"
    )]
    Memory { mb: u64, detail: String },
    #[error("refused: {0}")]
    Refused(String),
    #[error("evidence files: {0}")]
    Files(String),
    #[error("query failed: {0}")]
    Query(String),
    #[error("bad result: {0}")]
    Result(String),
    #[error(
        "environment variable `{0}` is not set: set it to the source database's connection string"
    )]
    MissingEnv(String),
    #[error("cannot reach the source: {0}")]
    Connection(String),
    #[error("environment variable `{var}` is not set: set it to the {what}")]
    MissingSetting { var: String, what: String },
    /// A failure of a platform source, named with the platform.
    #[error("{platform}: {failure}")]
    Platform {
        platform: String,
        failure: Box<Failure>,
    },
}

impl Failure {
    /// This failure, said to have happened on `platform` (once).
    pub fn on(self, platform: &str) -> Failure {
        match self {
            Failure::Platform { .. } => self,
            other => Failure::Platform {
                platform: platform.to_string(),
                failure: Box::new(other),
            },
        }
    }
}
