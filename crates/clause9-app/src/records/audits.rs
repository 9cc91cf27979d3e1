//! Internal audits (9.2) as stored records: rebuilt from the `audit/`
//! streams, planned with independent and competent auditors, findings
//! recorded (a nonconformity grade opens a 10.2 record in the same
//! transaction), completed.

use clause9_core::Programme;
use clause9_core::audit::independence::{competence_gaps, conflicts};
use clause9_core::audit::{Audit, AuditEvent, Plan, ScopeItem, finding};
use clause9_core::registers::Registers;

use clause9_core::access::{self, Action, ActionKind, Caller};
use clause9_core::refusal::{Problem, Refusal};

use super::{Actor, RecordError, RecordResult, append, decode, encode, event, streams};
use clause9_store::Store;

pub const PREFIX: &str = "audit/";

fn corrupt(e: String) -> RecordError {
    RecordError::Corrupt(e)
}

/// Every audit, rebuilt from its events, in id order.
pub async fn load_all(store: &dyn Store) -> RecordResult<Vec<Audit>> {
    let mut out = Vec::new();
    for (id, events) in streams(store, PREFIX).await? {
        let list = events
            .iter()
            .map(decode::<AuditEvent>)
            .collect::<RecordResult<Vec<_>>>()?;
        out.push(Audit::replay(&id, &list).map_err(corrupt)?);
    }
    Ok(out)
}

/// One audit and the number of its events, or `NotFound`.
pub async fn load(store: &dyn Store, id: &str) -> RecordResult<(Audit, usize)> {
    let events = streams(store, &format!("{PREFIX}{id}")).await?;
    let list = events
        .get(id)
        .ok_or_else(|| RecordError::not_found(format!("no audit `{id}`")))?;
    let decoded = list
        .iter()
        .map(decode::<AuditEvent>)
        .collect::<RecordResult<Vec<_>>>()?;
    let audit = Audit::replay(id, &decoded).map_err(corrupt)?;
    Ok((audit, list.len()))
}

/// `REQ` or `REQ@AREA`, checked against the catalogue, the statement of
/// applicability and the areas.
pub fn scope_item(
    programme: &Programme,
    registers: &Registers,
    text: &str,
) -> RecordResult<ScopeItem> {
    let (req, area) = match text.split_once('@') {
        Some((r, a)) => (r.trim(), Some(a.trim().to_string())),
        None => (text.trim(), None),
    };
    if clause9_core::controls::name_of(req).is_none() {
        return Err(RecordError::refused(format!(
            "scope `{text}`: `{req}` is neither a clause (4 … 10.2) nor an Annex A control (A.5.1 … A.8.34)"
        )));
    }
    if registers.exclusions.contains_key(req) {
        return Err(RecordError::refused(format!(
            "scope `{text}`: {req} is excluded in the statement of applicability and is not audited"
        )));
    }
    if let Some(a) = &area
        && !programme.settings.areas.contains_key(a)
    {
        return Err(RecordError::refused(format!(
            "scope `{text}`: unknown area `{a}`"
        )));
    }
    Ok(ScopeItem {
        requirement: req.to_string(),
        area,
    })
}

/// Refuses an auditor who is not a person of the programme, not independent
/// of the scope (`NotIndependent`, each conflict named) or not competent for
/// it (`Refused`).
pub fn check_auditor(
    programme: &Programme,
    registers: &Registers,
    scope: &[ScopeItem],
    person: &str,
) -> RecordResult<()> {
    if !programme.settings.people.contains_key(person) {
        return Err(RecordError::refused(format!(
            "auditor: `{person}` is not a person of this programme (see [people] in clause9.toml)"
        )));
    }
    let conflicted = conflicts(programme, scope, person);
    let independent = conflicted.is_empty();
    let mut problems = conflicted;
    problems.extend(competence_gaps(registers, scope, person));
    let problems: Vec<Problem> = problems
        .into_iter()
        .map(|c| Problem::field("auditor", format!("{person} cannot audit this scope: {c}")))
        .collect();
    if !independent {
        Err(
            Refusal::forbidden(format!("{person} is not independent of what is audited"))
                .with(problems)
                .into(),
        )
    } else if !problems.is_empty() {
        Err(RecordError::problems(
            format!("{person} is not competent for this scope"),
            problems,
        ))
    } else {
        Ok(())
    }
}

/// Whether `caller` may record findings of `audit`: the access policy (an
/// auditor assigned to it, or an admin), then independence of its scope and
/// competence for it; the refusal names each conflict and gap.
pub fn may_record_finding(
    programme: &Programme,
    registers: &Registers,
    audit: &Audit,
    caller: &Caller,
) -> Result<(), Refusal> {
    let person = caller.person;
    let mut problems = Vec::new();
    if let Err(r) = access::may(programme, caller, &Action::RecordFinding(audit)) {
        if !ActionKind::RecordFinding.roles().contains(&caller.role) {
            return Err(r);
        }
        // an auditor not assigned: said with every other reason at once
        problems.push(Problem::new(r.message));
    }
    let conflicted = conflicts(programme, &audit.plan.scope, person);
    let independent = conflicted.is_empty();
    problems.extend(
        conflicted
            .into_iter()
            .chain(competence_gaps(registers, &audit.plan.scope, person))
            .map(|c| {
                Problem::new(format!(
                    "{person} may not record findings of {}: {c}",
                    audit.id
                ))
            }),
    );
    if problems.is_empty() {
        return Ok(());
    }
    let message = if !independent {
        format!("{person} is not independent of what is audited")
    } else {
        format!("{person} may not record findings of {}", audit.id)
    };
    Err(Refusal::forbidden(message).with(problems))
}

/// Plans a new audit with its first auditors; returns it.
pub async fn create(
    programme: &Programme,
    registers: &Registers,
    store: &dyn Store,
    plan: Plan,
    auditors: &[String],
    actor: &Actor,
    why: &str,
) -> RecordResult<Audit> {
    actor.may(programme, &Action::PlanAudit)?;
    if plan.end < plan.start {
        return Err(RecordError::refused(
            "the end date is before the start date",
        ));
    }
    for a in auditors {
        check_auditor(programme, registers, &plan.scope, a)?;
    }
    let used: Vec<String> = load_all(store).await?.into_iter().map(|a| a.id).collect();
    let id = super::next_id("AUD", used.iter());
    let stream = format!("{PREFIX}{id}");
    let first = AuditEvent::Planned { plan };
    let mut list = vec![(first.clone(), actor.on)];
    let mut events = vec![event(
        &stream,
        1,
        "planned",
        encode(&first, actor.on),
        &actor.by,
        why,
        actor.at,
    )];
    for (i, a) in auditors.iter().enumerate() {
        let e = AuditEvent::AuditorAssigned { person: a.clone() };
        events.push(event(
            &stream,
            i + 2,
            e.name(),
            encode(&e, actor.on),
            &actor.by,
            why,
            actor.at,
        ));
        list.push((e, actor.on));
    }
    let audit = Audit::replay(&id, &list).map_err(RecordError::refused)?;
    append(store, events).await?;
    Ok(audit)
}

/// Checks an event against the audit (a completed audit is locked) and appends it.
async fn step(
    store: &dyn Store,
    mut audit: Audit,
    n: usize,
    e: AuditEvent,
    actor: &Actor,
    why: &str,
    more: Vec<clause9_store::NewEvent>,
) -> RecordResult<Audit> {
    let locked = audit.completed.is_some();
    audit.apply(&e, actor.on).map_err(|m| {
        if locked {
            RecordError::locked(m)
        } else {
            RecordError::refused(m)
        }
    })?;
    let mut events = vec![event(
        &format!("{PREFIX}{}", audit.id),
        n + 1,
        e.name(),
        encode(&e, actor.on),
        &actor.by,
        why,
        actor.at,
    )];
    events.extend(more);
    append(store, events).await?;
    Ok(audit)
}

/// Assigns an auditor who is independent of the audit's scope and competent for it.
pub async fn assign(
    programme: &Programme,
    registers: &Registers,
    store: &dyn Store,
    id: &str,
    person: &str,
    actor: &Actor,
    why: &str,
) -> RecordResult<Audit> {
    actor.may(programme, &Action::PlanAudit)?;
    let (audit, n) = load(store, id).await?;
    check_auditor(programme, registers, &audit.plan.scope, person)?;
    let e = AuditEvent::AuditorAssigned {
        person: person.to_string(),
    };
    step(store, audit, n, e, actor, why, Vec::new()).await
}

/// A finding to record: the scope item (`REQ` or `REQ@AREA`), its grade id,
/// the statement and the evidence.
#[derive(Debug, Clone)]
pub struct NewFinding {
    pub item: String,
    pub grade: String,
    pub statement: String,
    pub evidence: String,
}

/// Records a finding by `actor` (who may, and is independent and competent:
/// [`may_record_finding`]); a grade that is a nonconformity opens a 10.2
/// record with it (one transaction). The finding's own rules are core's
/// (`audit::finding::record`). Returns the audit and the opened record's id.
pub async fn record_finding(
    programme: &Programme,
    registers: &Registers,
    store: &dyn Store,
    id: &str,
    f: NewFinding,
    actor: &Actor,
    why: &str,
) -> RecordResult<(Audit, Option<String>)> {
    let (mut audit, n) = load(store, id).await?;
    may_record_finding(programme, registers, &audit, &actor.caller())?;
    let item = scope_item(programme, registers, &f.item)?;
    let nc_ids: Vec<String> = super::nonconformities::load_all(store)
        .await?
        .into_iter()
        .map(|n| n.id)
        .collect();
    let recorded = finding::record(
        &audit,
        registers,
        &nc_ids,
        finding::NewFinding {
            item,
            grade: &f.grade,
            statement: f.statement,
            evidence: f.evidence,
            by: &actor.by,
            on: actor.on,
        },
    )?;
    let mut events = vec![event(
        &format!("{PREFIX}{}", audit.id),
        n + 1,
        recorded.event.name(),
        encode(&recorded.event, actor.on),
        &actor.by,
        why,
        actor.at,
    )];
    if let Some((nc, t)) = &recorded.nonconformity {
        events.push(event(
            &format!("{}{nc}", super::nonconformities::PREFIX),
            1,
            "raised",
            t.payload(),
            &t.by,
            &t.why,
            actor.at,
        ));
    }
    append(store, events).await?;
    audit
        .apply(&recorded.event, actor.on)
        .map_err(RecordError::Corrupt)?;
    Ok((audit, recorded.nonconformity.map(|(id, _)| id)))
}

/// Completes an audit with its summary; its record is locked afterwards.
pub async fn complete(
    programme: &Programme,
    store: &dyn Store,
    id: &str,
    summary: String,
    actor: &Actor,
    why: &str,
) -> RecordResult<Audit> {
    actor.may(programme, &Action::PlanAudit)?;
    let (audit, n) = load(store, id).await?;
    step(
        store,
        audit,
        n,
        AuditEvent::Completed { summary },
        actor,
        why,
        Vec::new(),
    )
    .await
}

/// `completed`, `overdue` (its end date passed) or `open`.
pub fn state(audit: &Audit, today: jiff::civil::Date) -> &'static str {
    match &audit.completed {
        Some(_) => "completed",
        None if audit.plan.end < today => "overdue",
        None => "open",
    }
}
