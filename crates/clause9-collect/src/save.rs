//! Storing a collected value through the one recording rule
//! (`clause9_app::values`): nothing when the value, its query and its
//! evidence are unchanged, a correction when they changed, a new value
//! otherwise.

use clause9_app::Clock;
use clause9_app::records::RecordError;
use clause9_app::values::{Given, record_against};
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

/// Stores `collected` unless it equals `current`; a changed value supersedes
/// it. `clock` dates the observation.
pub async fn save(
    store: &dyn Store,
    clock: &Clock,
    measure: &Measure,
    base: &BaseMeasure,
    period: Period,
    collected: Collected,
    current: Option<&Observation>,
) -> Outcome {
    let pr = &collected.provenance;
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
        recorded_at: clock.now(),
        method: Method::Query,
        evidence: evidence(&collected),
        provenance: Some(provenance),
        supersedes: None,
        reason: Some(format!(
            "collected again from source `{source}`: the value or its evidence changed"
        )),
    };
    let current: Vec<Observation> = current.cloned().into_iter().collect();
    match record_against(store, &current, vec![Given::from(obs)]).await {
        Ok(r) if r.stored.is_empty() => Outcome::Unchanged(collected.value),
        Ok(_) => Outcome::Collected {
            value: collected.value,
            replaced: !current.is_empty(),
            files: pr.files.len(),
            ms: pr.duration_ms,
        },
        Err(RecordError::Store(StoreError::Conflict { .. })) => Outcome::Failed(
            "another writer stored this value at the same time; run collect again".into(),
        ),
        Err(RecordError::Refused(r)) => Outcome::Failed(format!("{r}")),
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
