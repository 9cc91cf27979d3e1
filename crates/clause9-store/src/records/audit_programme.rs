//! The risk-based internal audit programme from live data: the signals that
//! make areas and controls more urgent (open nonconformities, red or
//! deteriorating measures, high risks) and the programme's monthly slots
//! (`clause9_core::audit::planner`). Used by `clause9 audit plan` and
//! `GET /api/v1/audit-programme`.

use clause9_core::Programme;
use clause9_core::audit::planner::{Signal, Slot, plan};
use clause9_core::audit::universe;
use clause9_core::evaluation::Status;
use clause9_core::period::{Frequency, Period};
use clause9_core::registers::Registers;
use jiff::civil::Date;

use super::RecordResult;
use crate::Store;

/// What makes areas and controls more urgent on `day`.
pub async fn signals(
    programme: &Programme,
    registers: &Registers,
    store: &dyn Store,
    day: Date,
) -> RecordResult<Vec<Signal>> {
    let mut out = Vec::new();
    for n in super::nonconformities::load_all(store)
        .await?
        .iter()
        .filter(|n| n.is_open())
    {
        out.push(Signal {
            area: n.area.clone(),
            controls: n.controls.clone(),
            reason: format!("open nonconformity {}", n.id),
            weight: 3,
        });
    }
    let latest = Period::containing(Frequency::Monthly, day).prev();
    let evaluate = |p: Period| async move {
        let obs = super::evaluate::current_for(programme, store, p).await?;
        RecordResult::Ok(clause9_core::engine::evaluate(programme, &obs, p))
    };
    let now = evaluate(latest).await?;
    let before = evaluate(latest.prev()).await?;
    for m in &now.measures {
        let Some(def) = programme.measure(&m.id) else {
            continue;
        };
        let prev = before.measures.iter().find(|x| x.id == m.id);
        // deteriorating: a worse status than the month before, or an amber
        // value that got worse (a green one moving within green is not a signal)
        let rank = |s: Status| match s {
            Status::Green => Some(0),
            Status::Amber => Some(1),
            Status::Red => Some(2),
            Status::NoData => None,
        };
        let worse_status = match (prev.and_then(|p| rank(p.status)), rank(m.status)) {
            (Some(a), Some(b)) => b > a,
            _ => false,
        };
        let worse_value = match (prev.and_then(|p| p.value), m.value) {
            (Some(a), Some(b)) => !def.indicator.direction.at_least_as_good(b, a),
            _ => false,
        };
        let worse = worse_status || (worse_value && m.status == Status::Amber);
        if m.status == Status::Red {
            out.push(Signal {
                area: def.area.clone(),
                controls: def.controls.clone(),
                reason: format!("measure {} red in {latest}", m.id),
                weight: 3,
            });
        } else if worse {
            out.push(Signal {
                area: def.area.clone(),
                controls: def.controls.clone(),
                reason: format!("measure {} deteriorating in {latest}", m.id),
                weight: 2,
            });
        }
    }
    let high = registers.audit.high_risk;
    for r in registers
        .risks
        .iter()
        .filter(|r| r.score() >= high && r.status != "closed")
    {
        out.push(Signal {
            area: r.area.clone(),
            controls: r.controls.clone(),
            reason: format!("high risk {} (score {})", r.id, r.score()),
            weight: 3,
        });
    }
    Ok(out)
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
