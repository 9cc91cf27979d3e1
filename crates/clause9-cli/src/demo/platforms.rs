//! Which of the demo's query measures can be collected here: those whose
//! sources have every environment variable they name. The measures that
//! read a search platform (a Wazuh indexer, DefectDojo) are collected only
//! when their variables point at one, so the demo runs offline; otherwise
//! they are listed with the variables to set, and show no data.

use clause9_collect::{batch::is_query, unset_variables};
use clause9_core::measure::BaseMethod;
use clause9_core::programme::Programme;

/// The active query measures that can be collected, and the others with the
/// variables they still need.
pub(crate) fn split(programme: &Programme) -> (Vec<String>, Vec<(String, Vec<String>)>) {
    let mut ready = Vec::new();
    let mut waiting = Vec::new();
    for m in programme.measures.iter().filter(|m| m.is_active()) {
        if !m.base.iter().any(is_query) {
            continue;
        }
        let mut unset: Vec<String> = m
            .base
            .iter()
            .filter_map(|b| match &b.method {
                BaseMethod::Query { source, .. } => programme.settings.sources.get(source),
                BaseMethod::Manual { .. } => None,
            })
            .flat_map(unset_variables)
            .collect();
        unset.sort();
        unset.dedup();
        if unset.is_empty() {
            ready.push(m.id.clone());
        } else {
            waiting.push((m.id.clone(), unset));
        }
    }
    (ready, waiting)
}
