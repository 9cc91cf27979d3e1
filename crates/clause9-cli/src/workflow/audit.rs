//! `clause9 audit …`: plan audits, assign independent and competent auditors,
//! record findings (nonconformities open 10.2 records), complete, list,
//! checklists, reports and coverage; `audit plan` is in `audit_plan.rs`.

use clause9_core::audit::finding::{NewFinding, record as record_finding};
use clause9_core::audit::independence::{competence_gaps, conflicts};
use clause9_core::audit::report::{checklist, checklist_doc, report_doc};
use clause9_core::audit::{Audit, AuditEvent, Plan, ScopeItem};
use clause9_store::Store;
use serde_json::json;

use super::{Ctx, append, date, decode, emit, encode, event, on, open, person, streams, who, why};
use crate::cli::Format;
use crate::cli_workflow::{AuditCommand, Step};
use crate::context::split_dir;
use crate::error::{CliError, CliResult};
use crate::output::{self, Cell, say};

pub const PREFIX: &str = "audit/";

pub async fn load_all(store: &dyn Store) -> CliResult<Vec<Audit>> {
    let mut out = Vec::new();
    for (id, events) in streams(store, PREFIX).await? {
        let list = events
            .iter()
            .map(decode::<AuditEvent>)
            .collect::<CliResult<Vec<_>>>()?;
        out.push(Audit::replay(&id, &list).map_err(|e| CliError::Failed(anyhow::anyhow!(e)))?);
    }
    Ok(out)
}

async fn load_one(ctx: &Ctx, id: &str) -> CliResult<(Audit, usize)> {
    let events = streams(ctx.store.as_ref(), &format!("{PREFIX}{id}")).await?;
    let list = events
        .get(id)
        .ok_or_else(|| CliError::invalid(format!("no audit `{id}`: see `clause9 audit list`")))?;
    let decoded = list
        .iter()
        .map(decode::<AuditEvent>)
        .collect::<CliResult<Vec<_>>>()?;
    let audit = Audit::replay(id, &decoded).map_err(|e| CliError::Failed(anyhow::anyhow!(e)))?;
    Ok((audit, list.len()))
}

/// `REQ` or `REQ@AREA`, checked against the catalogue and the areas.
pub fn scope_item(ctx: &Ctx, text: &str) -> CliResult<ScopeItem> {
    let (req, area) = match text.split_once('@') {
        Some((r, a)) => (r.trim(), Some(a.trim().to_string())),
        None => (text.trim(), None),
    };
    if clause9_core::controls::name_of(req).is_none() {
        return Err(CliError::invalid(format!(
            "scope `{text}`: `{req}` is neither a clause (4 … 10.2) nor an Annex A control (A.5.1 … A.8.34)"
        )));
    }
    if ctx.registers.exclusions.contains_key(req) {
        return Err(CliError::invalid(format!(
            "scope `{text}`: {req} is excluded in the statement of applicability and is not audited"
        )));
    }
    if let Some(a) = &area
        && !ctx.programme.settings.areas.contains_key(a)
    {
        return Err(CliError::invalid(format!(
            "scope `{text}`: unknown area `{a}`"
        )));
    }
    Ok(ScopeItem {
        requirement: req.to_string(),
        area,
    })
}

/// Refuses an auditor who is not independent of the scope or not competent for it.
fn check_auditor(ctx: &Ctx, scope: &[ScopeItem], p: &str) -> CliResult {
    person(&ctx.programme, "auditor", p)?;
    let mut problems = conflicts(&ctx.programme, scope, p);
    problems.extend(competence_gaps(&ctx.registers, scope, p));
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CliError::Invalid(
            problems
                .into_iter()
                .map(|c| format!("{p} cannot audit this scope: {c}"))
                .collect(),
        ))
    }
}

pub async fn run(command: AuditCommand) -> CliResult {
    match command {
        AuditCommand::Plan {
            dir,
            start,
            months,
            format,
            output,
            store,
        } => {
            super::audit_plan::run(
                &dir,
                start.as_deref(),
                months,
                format,
                output.as_ref(),
                &store,
            )
            .await
        }
        AuditCommand::Create {
            dir,
            title,
            objectives,
            scope,
            criteria,
            start,
            end,
            methods,
            auditors,
            step,
        } => {
            let ctx = open(&dir, &step.store).await?;
            let scope = scope
                .iter()
                .map(|s| scope_item(&ctx, s))
                .collect::<CliResult<Vec<_>>>()?;
            let plan = Plan {
                title,
                objectives,
                scope,
                criteria,
                start: date("--start", &start)?,
                end: date("--end", &end)?,
                methods,
            };
            if plan.end < plan.start {
                return Err(CliError::invalid("--end is before --start"));
            }
            for a in &auditors {
                check_auditor(&ctx, &plan.scope, a)?;
            }
            let by = who(&ctx.programme, &step)?;
            let day = on(&ctx.programme, &step)?;
            let why = why(&step, Some("audit programme"))?;
            let used: Vec<String> = load_all(ctx.store.as_ref())
                .await?
                .into_iter()
                .map(|a| a.id)
                .collect();
            let id = super::next_id("AUD", used.iter());
            let stream = format!("{PREFIX}{id}");
            let mut events = vec![event(
                &stream,
                1,
                "planned",
                encode(&AuditEvent::Planned { plan }, day),
                &by,
                &why,
            )];
            for (i, a) in auditors.iter().enumerate() {
                let e = AuditEvent::AuditorAssigned { person: a.clone() };
                events.push(event(&stream, i + 2, e.name(), encode(&e, day), &by, &why));
            }
            append(ctx.store.as_ref(), events).await?;
            say(format!("planned {id}"));
            Ok(())
        }
        AuditCommand::Assign { args, step } => {
            let (dir, rest) = split_dir(&args, 2);
            let ctx = open(&dir, &step.store).await?;
            let (mut audit, n) = load_one(&ctx, &rest[0]).await?;
            check_auditor(&ctx, &audit.plan.scope, &rest[1])?;
            let day = on(&ctx.programme, &step)?;
            let e = AuditEvent::AuditorAssigned {
                person: rest[1].clone(),
            };
            audit.apply(&e, day).map_err(CliError::invalid)?;
            let ev = event(
                &format!("{PREFIX}{}", audit.id),
                n + 1,
                e.name(),
                encode(&e, day),
                &who(&ctx.programme, &step)?,
                &why(&step, Some("auditor assigned"))?,
            );
            append(ctx.store.as_ref(), vec![ev]).await?;
            say(format!("{}: {} assigned", audit.id, rest[1]));
            Ok(())
        }
        AuditCommand::Finding {
            args,
            item,
            grade,
            statement,
            evidence,
            step,
        } => finding(&args, &item, &grade, statement, evidence, &step).await,
        AuditCommand::Complete {
            args,
            summary,
            step,
        } => {
            let (dir, rest) = split_dir(&args, 1);
            let ctx = open(&dir, &step.store).await?;
            let (mut audit, n) = load_one(&ctx, &rest[0]).await?;
            let day = on(&ctx.programme, &step)?;
            let e = AuditEvent::Completed { summary };
            audit.apply(&e, day).map_err(CliError::invalid)?;
            let ev = event(
                &format!("{PREFIX}{}", audit.id),
                n + 1,
                e.name(),
                encode(&e, day),
                &who(&ctx.programme, &step)?,
                &why(&step, Some("audit completed"))?,
            );
            append(ctx.store.as_ref(), vec![ev]).await?;
            say(format!("{}: completed", audit.id));
            Ok(())
        }
        AuditCommand::List { dir, list } => {
            let ctx = open(&dir, &list.store).await?;
            let today = super::as_of(&ctx.programme, list.today.as_deref())?;
            let audits = load_all(ctx.store.as_ref()).await?;
            let state = |a: &Audit| a.state(today);
            if list.format == Format::Json {
                let v: Vec<_> = audits
                    .iter()
                    .map(|a| json!({ "audit": a, "state": state(a) }))
                    .collect();
                return Ok(output::json(
                    &json!({ "today": today.to_string(), "audits": v }),
                )?);
            }
            let rows = audits
                .iter()
                .map(|a| {
                    vec![
                        Cell::from(a.id.clone()),
                        Cell::from(state(a)),
                        Cell::from(format!("{} – {}", a.plan.start, a.plan.end)),
                        Cell::from(a.plan.title.clone()),
                        Cell::from(a.auditors.join(", ")),
                        Cell::from(a.findings.len().to_string()),
                    ]
                })
                .collect();
            output::table(
                &["id", "state", "dates", "title", "auditors", "findings"],
                rows,
            );
            Ok(())
        }
        AuditCommand::Checklist {
            args,
            format,
            output,
            store,
        } => {
            let (dir, rest) = split_dir(&args, 1);
            let ctx = open(&dir, &store).await?;
            let (audit, _) = load_one(&ctx, &rest[0]).await?;
            let doc = checklist_doc(&ctx.programme, &audit);
            emit(
                &doc,
                || json!(checklist(&ctx.programme, &audit.plan.scope)),
                format,
                output.as_ref(),
            )
        }
        AuditCommand::Report {
            args,
            format,
            output,
            store,
        } => {
            let (dir, rest) = split_dir(&args, 1);
            let ctx = open(&dir, &store).await?;
            let (audit, _) = load_one(&ctx, &rest[0]).await?;
            let doc = report_doc(&ctx.programme, &ctx.registers, &audit);
            emit(&doc, || json!(audit), format, output.as_ref())
        }
        AuditCommand::Coverage { dir, since, list } => {
            super::audit_plan::coverage(&dir, since.as_deref(), &list).await
        }
    }
}

async fn finding(
    args: &[String],
    item: &str,
    grade: &str,
    statement: String,
    evidence: String,
    step: &Step,
) -> CliResult {
    let (dir, rest) = split_dir(args, 1);
    let ctx = open(&dir, &step.store).await?;
    let (audit, n) = load_one(&ctx, &rest[0]).await?;
    let item = scope_item(&ctx, item)?;
    let day = on(&ctx.programme, step)?;
    let by = who(&ctx.programme, step)?;
    let nc_ids: Vec<String> = super::nc::load_all(ctx.store.as_ref())
        .await?
        .into_iter()
        .map(|n| n.id)
        .collect();
    let recorded = record_finding(
        &audit,
        &ctx.registers,
        &nc_ids,
        NewFinding {
            item,
            grade,
            statement,
            evidence,
            by: &by,
            on: day,
        },
    )
    .map_err(|e| {
        CliError::invalid(if e.starts_with("grade") {
            format!("--{e}")
        } else {
            e
        })
    })?;
    let mut events = vec![event(
        &format!("{PREFIX}{}", audit.id),
        n + 1,
        recorded.event.name(),
        encode(&recorded.event, day),
        &by,
        &why(step, Some("audit finding"))?,
    )];
    let AuditEvent::FindingRecorded { finding: f } = &recorded.event else {
        return Err(CliError::Failed(anyhow::anyhow!("a finding was expected")));
    };
    if let Some((id, t)) = &recorded.nonconformity {
        events.push(event(
            &format!("{}{id}", super::nc::PREFIX),
            1,
            "raised",
            t.payload(),
            &t.by,
            &t.why,
        ));
    }
    append(ctx.store.as_ref(), events).await?;
    match &recorded.nonconformity {
        Some((nc, _)) => say(format!(
            "{}/{} recorded ({}); opened {nc}",
            audit.id, f.id, recorded.grade_name
        )),
        None => say(format!(
            "{}/{} recorded ({})",
            audit.id, f.id, recorded.grade_name
        )),
    }
    Ok(())
}
