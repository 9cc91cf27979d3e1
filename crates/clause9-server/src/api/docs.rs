//! Schemas for the OpenAPI document of JSON produced by core types (which
//! know nothing of HTTP): the evaluation report and a stored observation.
//! Tests compare real responses against these shapes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `clause9 evaluate --format json`: every active measure judged for a period.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EvaluationDoc {
    /// Format version (1).
    pub format: u32,
    pub programme: String,
    pub period: String,
    pub measures: Vec<MeasureEvaluationDoc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MeasureEvaluationDoc {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub unit: String,
    /// `green`, `amber`, `red` or `no_data`.
    pub status: String,
    pub value: Option<f64>,
    pub target: f64,
    pub base: BTreeMap<String, Option<f64>>,
    pub derived: BTreeMap<String, Option<f64>>,
    pub diagnostics: Vec<String>,
    pub collection_periods: Vec<String>,
    /// Trend (least squares with its 95% interval, Theil–Sen, Mann–Kendall,
    /// verdict), control chart (centre, limits, signals), forecast and data
    /// quality over the measure's history, as `clause9 evaluate --format json`.
    #[schema(value_type = Object)]
    pub analysis: Option<serde_json::Value>,
}

/// Evidence of a value: a file kept in the vault (name, SHA-256, size) or a link.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EvidenceDoc {
    pub name: Option<String>,
    pub sha256: Option<String>,
    pub size: Option<u64>,
    pub url: Option<String>,
}

/// A stored value with its provenance.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ObservationDoc {
    pub id: i64,
    pub measure: String,
    pub base: String,
    pub period: String,
    pub value: Option<f64>,
    pub definition_version: u32,
    pub recorded_by: String,
    /// RFC 3339, UTC.
    pub recorded_at: String,
    /// `manual`, `import` or `query`.
    pub method: String,
    pub evidence: EvidenceDoc,
    pub provenance: Option<serde_json::Value>,
    pub supersedes: Option<i64>,
    pub reason: Option<String>,
    pub superseded_by: Option<i64>,
}
