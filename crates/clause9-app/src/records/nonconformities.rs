//! Nonconformities and corrective actions (10.2) as stored records: rebuilt
//! from the `nc/` streams, raised, moved through their lifecycle, verified
//! (automatically through a linked measure, or by hand with evidence).

use clause9_core::Programme;
use clause9_core::nonconformity::from_red::auto_verdict;
use clause9_core::nonconformity::{CheckMethod, Event, Nonconformity, Transition};
use clause9_core::refusal::Problem;
use jiff::civil::Date;

use clause9_core::access::Action;

use super::{Actor, RecordError, RecordResult, append, event, streams};
use clause9_store::{NewEvent, Store};

pub const PREFIX: &str = "nc/";

/// Every nonconformity, rebuilt from its events, in id order.
pub async fn load_all(store: &dyn Store) -> RecordResult<Vec<Nonconformity>> {
    let mut out = Vec::new();
    for (id, events) in streams(store, PREFIX).await? {
        let transitions = events
            .iter()
            .map(|e| {
                Transition::from_payload(&e.payload, &e.recorded_by, &e.reason).map_err(|err| {
                    RecordError::Corrupt(format!(
                        "stored event #{} of {id} cannot be read ({err})",
                        e.id
                    ))
                })
            })
            .collect::<RecordResult<Vec<_>>>()?;
        out.push(
            Nonconformity::replay(&id, &transitions)
                .map_err(|e| RecordError::Corrupt(format!("{id}: {e}")))?,
        );
    }
    Ok(out)
}

/// One nonconformity, or `NotFound`.
pub async fn load(store: &dyn Store, id: &str) -> RecordResult<Nonconformity> {
    load_all(store)
        .await?
        .into_iter()
        .find(|n| n.id == id)
        .ok_or_else(|| RecordError::not_found(format!("no nonconformity `{id}`")))
}

/// The event raising a new nonconformity (and its id), checked.
pub fn raise_event(
    used: &[Nonconformity],
    t: &Transition,
    once_key: Option<String>,
    at: jiff::Timestamp,
) -> RecordResult<(String, NewEvent)> {
    let id = super::next_id("NC", used.iter().map(|n| &n.id));
    Nonconformity::replay(&id, std::slice::from_ref(t)).map_err(RecordError::from)?;
    let mut e = event(
        &format!("{PREFIX}{id}"),
        1,
        "raised",
        t.payload(),
        &t.by,
        &t.why,
        at,
    );
    e.once_key = once_key;
    Ok((id, e))
}

/// Checks the fields of a nonconformity raised by a person (not by an audit
/// or an indicator): its source kind, severity, area and controls.
pub fn check_raise(
    programme: &Programme,
    source: &str,
    severity: &str,
    area: Option<&str>,
    controls: &[String],
) -> Vec<String> {
    let mut problems = Vec::new();
    match source {
        "incident" | "management_review" | "other" => {}
        "audit_finding" | "red_indicator" => problems.push(format!(
            "source `{source}`: these are raised by audit findings (`clause9 audit finding`, `POST /api/v1/audits/{{id}}/findings`) and by evaluation (`clause9 evaluate`)"
        )),
        other => problems.push(format!(
            "source `{other}`: use incident, management_review or other"
        )),
    }
    if !matches!(severity, "major" | "minor") {
        problems.push(format!("severity `{severity}`: use major or minor"));
    }
    if let Some(a) = area
        && !programme.settings.areas.contains_key(a)
    {
        problems.push(format!("area: unknown area `{a}`"));
    }
    for c in controls {
        if clause9_core::controls::name_of(c).is_none() {
            problems.push(format!("control: unknown control `{c}`"));
        }
    }
    problems
}

/// Raises a new nonconformity as `actor`; returns it.
pub async fn raise(
    programme: &Programme,
    store: &dyn Store,
    actor: &Actor,
    t: &Transition,
) -> RecordResult<Nonconformity> {
    actor.may(programme, &Action::RaiseNonconformity)?;
    let used = load_all(store).await?;
    let (id, e) = raise_event(&used, t, None, actor.at)?;
    append(store, vec![e]).await?;
    Nonconformity::replay(&id, std::slice::from_ref(t)).map_err(RecordError::from)
}

/// What the policy is asked before `event` is applied to `nc`.
pub fn action_of<'a>(nc: &'a Nonconformity, event: &'a Event) -> Action<'a> {
    match event {
        Event::ActionImplemented { action, .. } => Action::ImplementAction(nc, action),
        Event::Verified { .. } => Action::VerifyEffectiveness(nc),
        _ => Action::WorkNonconformity(nc),
    }
}

/// Applies a transition to a stored nonconformity as `actor` and appends
/// it. A planned action without an id gets the next one (`A1`, `A2`, …).
pub async fn apply(
    programme: &Programme,
    store: &dyn Store,
    actor: &Actor,
    id: &str,
    mut t: Transition,
) -> RecordResult<Nonconformity> {
    let at = actor.at;
    let mut nc = load(store, id).await?;
    actor.may(programme, &action_of(&nc, &t.event))?;
    if let Event::ActionPlanned { action } = &mut t.event
        && action.id.is_empty()
    {
        action.id = format!("A{}", nc.actions.len() + 1);
    }
    nc.apply(&t).map_err(RecordError::from)?;
    let seq = nc.history.len();
    append(
        store,
        vec![event(
            &format!("{PREFIX}{id}"),
            seq,
            t.event.name(),
            t.payload(),
            &t.by,
            &t.why,
            at,
        )],
    )
    .await?;
    Ok(nc)
}

/// Verifies effectiveness: automatically through the linked measure, or by
/// hand with `manual = Some((effective, evidence))`. Without a reason the
/// default says whether the check passed.
pub async fn verify(
    programme: &Programme,
    store: &dyn Store,
    id: &str,
    manual: Option<(bool, String)>,
    actor: &Actor,
    why: Option<&str>,
) -> RecordResult<Nonconformity> {
    let nc = load(store, id).await?;
    actor.may(programme, &Action::VerifyEffectiveness(&nc))?;
    // the lifecycle's own checks (state, planned date) come first
    let mut probe = nc.clone();
    probe
        .apply(&Transition {
            event: Event::Verified {
                effective: true,
                evidence: "probe".into(),
            },
            by: "probe".into(),
            on: actor.on,
            why: "probe".into(),
        })
        .map_err(RecordError::from)?;
    let (effective, evidence) = match nc.check.as_ref().map(|c| &c.method) {
        Some(CheckMethod::Measure { measure, periods }) => {
            // only periods that started after the last action was implemented count
            let after = nc.actions.iter().filter_map(|a| a.implemented_on).max();
            let (verdict, statuses) =
                measure_verdict(programme, store, measure, *periods, actor.on, after).await?;
            let evidence = format!("{measure} over the last {periods} periods: {statuses}");
            match verdict {
                Some(v) => (v, evidence),
                None => {
                    return Err(RecordError::refused(format!(
                        "{id}: not enough data to verify yet ({evidence}); record the values and run again"
                    )));
                }
            }
        }
        _ => manual.ok_or_else(|| {
            RecordError::problems(
                "a manual effectiveness check needs the verdict (effective or not) and its evidence",
                vec![
                    Problem::field("effective", "say whether the actions were effective"),
                    Problem::field("evidence", "give the evidence of the check"),
                ],
            )
        })?,
    };
    let default = if effective {
        "effectiveness check passed"
    } else {
        "effectiveness check failed"
    };
    let t = Transition {
        event: Event::Verified {
            effective,
            evidence,
        },
        by: actor.by.clone(),
        on: actor.on,
        why: super::reason(why, Some(default))?,
    };
    apply(programme, store, actor, id, t).await
}

/// What a run over the due automatic checks did with one record.
#[derive(Debug)]
pub enum DueCheck {
    /// The check was decided: verified effective (closed), or reopened.
    Decided(Box<Nonconformity>),
    /// Not decidable yet (why); left for a later run.
    Undecided(String),
}

/// The records waiting for an automatic check (through a measure) planned on
/// or before `day`, in id order.
pub fn due_automatic_checks(all: &[Nonconformity], day: Date) -> Vec<String> {
    all.iter()
        .filter(|n| n.state == clause9_core::nonconformity::State::Implemented)
        .filter(|n| {
            n.check
                .as_ref()
                .is_some_and(|c| c.on <= day && matches!(c.method, CheckMethod::Measure { .. }))
        })
        .map(|n| n.id.clone())
        .collect()
}

/// Runs every automatic effectiveness check due on `actor.on`: each is
/// decided by its measure or, while the data cannot decide it, left for a
/// later run. `clause9 nc verify-due` and the server's daily job both use it.
pub async fn verify_due(
    programme: &Programme,
    store: &dyn Store,
    actor: &super::Actor,
    why: Option<&str>,
) -> RecordResult<Vec<(String, DueCheck)>> {
    let due = due_automatic_checks(&load_all(store).await?, actor.on);
    let mut out = Vec::with_capacity(due.len());
    for id in due {
        let outcome = match verify(programme, store, &id, None, actor, why).await {
            Ok(nc) => DueCheck::Decided(Box::new(nc)),
            // not decidable yet, or someone else verified it meanwhile
            Err(RecordError::Refused(r)) => DueCheck::Undecided(r.to_string()),
            Err(e) => return Err(e),
        };
        out.push((id, outcome));
    }
    Ok(out)
}

/// The statuses of a measure's last `periods` collection periods that ended
/// before `day`; a period that started before `after` (the last action's
/// implementation) counts as no data. The verdict is `None` while undecided.
pub async fn measure_verdict(
    programme: &Programme,
    store: &dyn Store,
    measure: &str,
    periods: u32,
    day: Date,
    after: Option<Date>,
) -> RecordResult<(Option<bool>, String)> {
    use clause9_core::evaluation::Status;
    use clause9_core::period::Period;
    let m = programme
        .measure(measure)
        .ok_or_else(|| RecordError::refused(format!("unknown measure `{measure}`")))?;
    let mut p = Period::containing(m.frequency.collection, day).prev();
    let mut list = Vec::new();
    for _ in 0..periods.max(1) {
        list.push(p);
        p = p.prev();
    }
    list.reverse();
    let mut statuses = Vec::new();
    for p in &list {
        let obs = super::evaluate::current_for(programme, store, *p).await?;
        let e = clause9_core::engine::evaluate(programme, &obs, *p);
        let s = e
            .measures
            .iter()
            .find(|x| x.id == measure)
            .map_or(Status::NoData, |x| x.status);
        let s = if after.is_some_and(|a| p.first_day() < a) {
            Status::NoData
        } else {
            s
        };
        statuses.push(s);
    }
    let text = list
        .iter()
        .zip(&statuses)
        .map(|(p, s)| format!("{p} {}", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    Ok((auto_verdict(&statuses, periods), text))
}

/// "A1 due 2026-04-30, check due 2026-05-01": the overdue work of a record (empty when none).
pub fn overdue_parts(n: &Nonconformity, today: Date) -> Vec<String> {
    let mut parts: Vec<String> = n
        .overdue_actions(today)
        .iter()
        .map(|a| format!("{} due {}", a.id, a.due_date()))
        .collect();
    if let Some(c) = n.overdue_check(today) {
        parts.push(format!("check due {}", c.on));
    }
    parts
}
