//! Storing a collected value: nothing when the value and its evidence are
//! unchanged, a correction when they changed, a new value otherwise.

use clause9_core::measure::{BaseMeasure, BaseMethod, Measure};
use clause9_core::observation::{Evidence, Method, NewObservation, Observation};
use clause9_core::period::Period;
use clause9_store::{Store, StoreError};

use crate::Collected;

/// What happened to one base value.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Collected {
        value: Option<f64>,
        /// A new value superseded the stored one.
        replaced: bool,
        files: usize,
        ms: f64,
    },
    /// Same value and evidence as stored: nothing stored.
    Unchanged(Option<f64>),
    Failed(String),
}

impl Outcome {
    pub fn is_failure(&self) -> bool {
        matches!(self, Outcome::Failed(_))
    }
}

/// Stores `collected` unless it equals `current`; a changed value supersedes it.
pub async fn save(
    store: &dyn Store,
    measure: &Measure,
    base: &BaseMeasure,
    period: Period,
    collected: Collected,
    current: Option<&Observation>,
) -> Outcome {
    let pr = &collected.provenance;
    let evidence = evidence(&collected);
    if let Some(cur) = current
        && unchanged(cur, &collected, &evidence)
    {
        return Outcome::Unchanged(collected.value);
    }
    let source = match &base.method {
        BaseMethod::Query { source, .. } => source.clone(),
        BaseMethod::Manual { .. } => pr.source.clone(),
    };
    let provenance = match serde_json::to_value(pr) {
        Ok(v) => v,
        Err(e) => return Outcome::Failed(format!("cannot record the provenance: {e}")),
    };
    let obs = NewObservation {
        measure: measure.id.clone(),
        base: base.id.clone(),
        period,
        value: collected.value,
        definition_version: measure.version,
        recorded_by: format!("source:{source}"),
        recorded_at: jiff::Timestamp::now(),
        method: Method::Query,
        evidence,
        provenance: Some(provenance),
        supersedes: current.map(|c| c.id),
        reason: current.map(|_| {
            format!("collected again from source `{source}`: the value or its evidence changed")
        }),
    };
    match store.append(&[obs]).await {
        Ok(_) => Outcome::Collected {
            value: collected.value,
            replaced: current.is_some(),
            files: pr.files.len(),
            ms: pr.duration_ms,
        },
        Err(StoreError::Conflict { .. }) => Outcome::Failed(
            "another writer stored this value at the same time; run collect again".into(),
        ),
        Err(e) => Outcome::Failed(format!("cannot store the value: {e}")),
    }
}

/// One evidence file as itself; several as a digest of their paths and
/// SHA-256s (every file is listed in the provenance).
fn evidence(c: &Collected) -> Evidence {
    let files = &c.provenance.files;
    match files.as_slice() {
        [] => Evidence::default(),
        [one] => Evidence {
            name: Some(one.path.clone()),
            sha256: Some(one.sha256.clone()),
            size: Some(one.size),
            url: None,
        },
        many => Evidence {
            name: Some(format!(
                "{} evidence files (listed in the provenance)",
                many.len()
            )),
            sha256: c.provenance.evidence_digest(),
            size: Some(many.iter().map(|f| f.size).sum()),
            url: None,
        },
    }
}

/// Same value, same query, same evidence hashes as the current observation.
fn unchanged(cur: &Observation, c: &Collected, evidence: &Evidence) -> bool {
    let n = &cur.new;
    let same_query = n
        .provenance
        .as_ref()
        .and_then(|p| p.get("query_sha256"))
        .and_then(|q| q.as_str())
        == Some(c.provenance.query_sha256.as_str());
    n.method == Method::Query
        && n.value == c.value
        && same_query
        && n.evidence.sha256 == evidence.sha256
        && n.evidence.size == evidence.size
}
