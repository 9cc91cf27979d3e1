//! The risk-based internal audit programme from live data: the signals that
//! make areas and controls more urgent (open nonconformities, red or
//! deteriorating measures, high risks) and the programme's monthly slots
//! (`clause9_core::audit::planner`). Used by `clause9 audit plan` and
//! `GET /api/v1/audit-programme`.

use clause9_core::Programme;
use clause9_core::audit::planner::{Signal, Slot, plan};
use clause9_core::audit::universe;
use clause9_core::period::{Frequency, Period};
use clause9_core::registers::Registers;
use jiff::civil::Date;

use super::RecordResult;
use clause9_store::Store;

/// What makes areas and controls more urgent on `day`.
pub async fn signals(
    programme: &Programme,
    registers: &Registers,
    store: &dyn Store,
    day: Date,
) -> RecordResult<Vec<Signal>> {
    let nonconformities = super::nonconformities::load_all(store).await?;
    let latest = Period::containing(Frequency::Monthly, day).prev();
    let evaluate = |p: Period| async move {
        let obs = super::evaluate::current_for(programme, store, p).await?;
        RecordResult::Ok(clause9_core::engine::evaluate(programme, &obs, p))
    };
    let now = evaluate(latest).await?;
    let before = evaluate(latest.prev()).await?;
    // the rules are core's, shared with the web's coverage page
    Ok(clause9_core::audit::coverage::signals(
        programme,
        registers,
        &nonconformities,
        &now,
        &before,
        latest,
    ))
}

/// The programme over `months` from `start`, with the signals as of `day`.
pub async fn programme_slots(
    programme: &Programme,
    registers: &Registers,
    store: &dyn Store,
    start: Period,
    months: u32,
    day: Date,
) -> RecordResult<Vec<Slot>> {
    let items = universe(programme, registers);
    let signals = signals(programme, registers, store, day).await?;
    Ok(plan(&items, &signals, start, months))
}
