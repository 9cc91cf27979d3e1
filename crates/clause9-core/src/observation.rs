//! Observations: stored base-measure values with their provenance (who, when,
//! how, which definition version, which evidence). Append-only; a correction
//! supersedes an earlier observation and both stay in the history.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::period::Period;

/// How a value came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Typed in by its collector (CLI `record`, web form, API).
    Manual,
    /// Bulk manual values from a CSV import.
    Import,
    /// Collected automatically by a query against a source.
    Query,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Manual => "manual",
            Method::Import => "import",
            Method::Query => "query",
        }
    }

    pub fn parse(s: &str) -> Option<Method> {
        match s {
            "manual" => Some(Method::Manual),
            "import" => Some(Method::Import),
            "query" => Some(Method::Query),
            _ => None,
        }
    }
}

/// The evidence behind a value: a local file (hashed) and/or a link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// File name of a local evidence file, relative to the programme directory.
    pub name: Option<String>,
    /// SHA-256 of the evidence file's bytes, lowercase hex.
    pub sha256: Option<String>,
    /// Size of the evidence file in bytes.
    pub size: Option<u64>,
    /// A link to evidence held elsewhere (ticket, LMS report, document).
    pub url: Option<String>,
}

impl Evidence {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.sha256.is_none() && self.url.is_none()
    }
}

/// A value about to be appended to the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewObservation {
    pub measure: String,
    pub base: String,
    /// The collection period the value belongs to.
    pub period: Period,
    /// `None` when the source answered "no value" (SQL NULL).
    pub value: Option<f64>,
    /// The measure definition's `version` when the value was produced.
    pub definition_version: u32,
    /// A person id for manual values, `source:<id>` for collected ones.
    pub recorded_by: String,
    pub recorded_at: Timestamp,
    pub method: Method,
    pub evidence: Evidence,
    /// Extra provenance as JSON (source, query text and hash, files read, rows, duration).
    pub provenance: Option<serde_json::Value>,
    /// The observation this one corrects; it must be the current value of the
    /// same measure, base and period, or the append is refused as a conflict.
    pub supersedes: Option<i64>,
    /// Why a correction was made (required with `supersedes` for manual values).
    pub reason: Option<String>,
}

/// A stored observation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub id: i64,
    #[serde(flatten)]
    pub new: NewObservation,
    /// The observation that corrected this one, if any.
    pub superseded_by: Option<i64>,
}

impl Observation {
    pub fn is_current(&self) -> bool {
        self.superseded_by.is_none()
    }
}
