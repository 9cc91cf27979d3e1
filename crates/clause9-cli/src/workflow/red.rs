//! Red indicators with `on_red = "nonconformity"` raise a nonconformity when
//! evaluated — once per measure and collection period (a unique key in the
//! database); a red period while an earlier one from the same measure is
//! still open is recorded on that one as a recurrence. Also the overdue work
//! shown by `clause9 status`.

use clause9_core::Programme;
use clause9_core::evaluation::Evaluation;
use clause9_core::nonconformity::from_red::red_raises;
use clause9_core::nonconformity::{Event, Source, Transition};
use clause9_store::{Appended, Store};
use jiff::civil::Date;

use super::event;
use super::nc::{PREFIX, load_all, overdue_text, raise_events};
use crate::error::{CliError, CliResult};

/// Raises what the evaluation asks for; returns one line per change.
pub async fn raise_from_red(
    programme: &Programme,
    evaluation: &Evaluation,
    store: &dyn Store,
    today: Date,
) -> CliResult<Vec<String>> {
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
                        by: "clause9".into(),
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
                        by: "clause9".into(),
                        on,
                        why: why.clone(),
                    };
                    let (id, e) = raise_events(&ncs, &t, Some(r.once_key.clone()))?;
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
                    return Err(CliError::Failed(anyhow::anyhow!(
                        "{stream} kept changing while raising a nonconformity; run the command again"
                    )));
                }
                Appended::StreamChanged { .. } => {}
            }
        }
    }
    Ok(lines)
}

/// Overdue corrective actions and effectiveness checks, one line each.
pub async fn overdue_work(store: &dyn Store, today: Date) -> CliResult<Vec<String>> {
    Ok(load_all(store)
        .await?
        .iter()
        .filter(|n| n.is_open() && n.is_overdue(today))
        .map(|n| {
            format!(
                "{} ({}): {}",
                n.id,
                n.state.as_str(),
                overdue_text(n, today)
            )
        })
        .collect())
}
