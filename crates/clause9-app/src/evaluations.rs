//! The analysed evaluation of a period, as the command line, the REST API,
//! the pages and the reports all give it: every active measure's history
//! read once, the period evaluated from the current values, and each measure
//! analysed over its history (trend, control limits, forecast, data quality).

use clause9_core::Programme;
use clause9_core::analysis::analyse_evaluation;
use clause9_core::engine::evaluate;
use clause9_core::evaluation::Evaluation;
use clause9_core::observation::Observation;
use clause9_core::period::Period;
use clause9_store::{Store, StoreError};
use jiff::civil::Date;

/// Every observation of the active measures, superseded ones included.
pub async fn histories(
    store: &dyn Store,
    programme: &Programme,
) -> Result<Vec<Observation>, StoreError> {
    let mut all = Vec::new();
    for m in programme.measures.iter().filter(|m| m.is_active()) {
        all.extend(store.history(&m.id).await?);
    }
    Ok(all)
}

/// The current values among `history`.
pub fn current_of(history: &[Observation]) -> Vec<Observation> {
    history.iter().filter(|o| o.is_current()).cloned().collect()
}

/// `period` evaluated and analysed from `history`; `today` decides which
/// missing values are already late.
pub fn analysed_from(
    programme: &Programme,
    history: &[Observation],
    period: Period,
    today: Date,
) -> Evaluation {
    let mut evaluation = evaluate(programme, &current_of(history), period);
    analyse_evaluation(programme, &mut evaluation, history, today);
    evaluation
}

/// `period` evaluated and analysed from the stored values.
pub async fn analysed(
    store: &dyn Store,
    programme: &Programme,
    period: Period,
    today: Date,
) -> Result<Evaluation, StoreError> {
    let history = histories(store, programme).await?;
    Ok(analysed_from(programme, &history, period, today))
}
