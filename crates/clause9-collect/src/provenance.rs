//! Provenance of a collected value: source, query and its hash, parameters,
//! every evidence file read (SHA-256 and size), rows scanned, duration.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Window;
use crate::http::Exchange;

/// Where a collected value came from (stored as the observation's provenance JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The source id in `clause9.toml`.
    pub source: String,
    /// `files`, `postgres`, `prometheus` or a platform (`opensearch`, `splunk`…).
    pub kind: String,
    pub query: String,
    /// SHA-256 of the query text, lowercase hex.
    pub query_sha256: String,
    pub parameters: Parameters,
    /// Every evidence file the query read, sorted by path.
    pub files: Vec<FileRead>,
    /// Rows read from the sources' tables, where the engine reports it.
    pub rows_scanned: Option<u64>,
    pub duration_ms: f64,
    /// Platform sources: the HTTP requests made and what the answer counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<PlatformRecord>,
}

/// How a platform source answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformRecord {
    /// Every request, in order, with its answer's status, size and SHA-256.
    pub requests: Vec<Exchange>,
    /// The counts the answer gave (documents matched, rows, items read,
    /// pages, items in the period…), by name.
    pub counts: BTreeMap<String, u64>,
}

/// The values bound to the query's parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameters {
    pub period: String,
    /// UTC instant of the period's start (RFC 3339).
    pub start: String,
    /// UTC instant of the period's end (RFC 3339).
    pub end: String,
    /// Prometheus and Loki: the period's length as a duration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<String>,
}

impl Parameters {
    pub(crate) fn new(w: &Window, with_range: bool) -> Parameters {
        Parameters {
            period: w.period.to_string(),
            start: w.start.to_string(),
            end: w.end.to_string(),
            range: with_range.then(|| crate::window::range(w)),
        }
    }
}

/// One evidence file read by a query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRead {
    /// Relative to the programme directory, `/`-separated.
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

impl Provenance {
    /// A digest of every evidence file read (path and SHA-256), or `None`
    /// when the source has no files (PostgreSQL, Prometheus).
    pub fn evidence_digest(&self) -> Option<String> {
        if self.files.is_empty() {
            return None;
        }
        let mut text = String::new();
        for f in &self.files {
            text.push_str(&f.sha256);
            text.push_str("  ");
            text.push_str(&f.path);
            text.push('\n');
        }
        Some(sha256_hex(text.as_bytes()))
    }
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
