//! Red indicators with `on_red = "nonconformity"` raise a nonconformity —
//! once per measure and collection period (a unique key in the database); a
//! red period while an earlier one from the same measure is still open is
//! recorded on that one as a recurrence. `clause9 evaluate` and the server's
//! corrective-action job both raise through here.

use clause9_core::Programme;
use clause9_core::evaluation::Evaluation;
use clause9_core::nonconformity::from_red::red_raises;
use clause9_core::nonconformity::{Event, Source, Transition};
use jiff::Timestamp;
use jiff::civil::Date;

use super::nonconformities::{PREFIX, load_all, raise_event};
use super::{RecordError, RecordResult, event};
use clause9_store::{Appended, Store};

/// Who raises them in the records.
pub const RAISED_BY: &str = "clause9";

/// Raises what the evaluation asks for; returns one line per change.
pub async fn raise_from_red(
    programme: &Programme,
    evaluation: &Evaluation,
    store: &dyn Store,
    today: Date,
    at: Timestamp,
) -> RecordResult<Vec<String>> {
    let mut lines = Vec::new();
    for r in red_raises(programme, evaluation) {
        if store.workflow().once_done(&r.once_key).await? {
            continue;
        }
        // the day the period's values could first be known, or today
        let on = r.period.end_day().min(today);
        let why = format!("indicator {} is red for {}", r.measure, r.period);
        // two evaluations at once may race for the next id: read again and retry
        for attempt in 1..=5 {
            let ncs = load_all(store).await?;
            let open = ncs.iter().find(|n| {
                n.is_open()
                    && matches!(&n.source, Source::RedIndicator { measure, .. } if *measure == r.measure)
            });
            let (e, line) = match open {
                Some(n) => {
                    let t = Transition {
                        event: Event::Recurred {
                            period: r.period.to_string(),
                        },
                        by: RAISED_BY.into(),
                        on: on.max(n.history.last().map_or(on, |s| s.on)),
                        why: why.clone(),
                    };
                    let mut e = event(
                        &format!("{PREFIX}{}", n.id),
                        n.history.len() + 1,
                        "recurred",
                        t.payload(),
                        &t.by,
                        &t.why,
                        at,
                    );
                    e.once_key = Some(r.once_key.clone());
                    (
                        e,
                        format!(
                            "{}: {} red again for {} (recorded as a recurrence)",
                            n.id, r.measure, r.period
                        ),
                    )
                }
                None => {
                    let t = Transition {
                        event: Event::Raised {
                            source: Source::RedIndicator {
                                measure: r.measure.clone(),
                                period: r.period.to_string(),
                            },
                            description: r.description.clone(),
                            severity: "minor".into(),
                            area: r.area.clone(),
                            controls: r.controls.clone(),
                        },
                        by: RAISED_BY.into(),
                        on,
                        why: why.clone(),
                    };
                    let (id, e) = raise_event(&ncs, &t, Some(r.once_key.clone()), at)?;
                    (e, format!("{id} raised: {}", r.description))
                }
            };
            match store.workflow().append_events(&[e]).await? {
                Appended::Stored(_) => {
                    lines.push(line);
                    break;
                }
                Appended::AlreadyDone { .. } => break,
                Appended::StreamChanged { stream } if attempt == 5 => {
                    return Err(RecordError::changed(&stream));
                }
                Appended::StreamChanged { .. } => {}
            }
        }
    }
    Ok(lines)
}
