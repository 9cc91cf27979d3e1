//! `clause9 audit …`: plan audits, assign independent and competent auditors,
//! record findings (nonconformities open 10.2 records), complete, list,
//! checklists, reports and coverage; `audit plan` is in `audit_plan.rs`.

use clause9_app::records::audits::{self as records, NewFinding};
use clause9_core::audit::report::{checklist, checklist_doc, report_doc};
use clause9_core::audit::{Audit, Plan, ScopeItem};
use clause9_store::Store;
use serde_json::json;

use super::{Ctx, actor, date, emit, open, why};
use crate::cli::Format;
use crate::cli_workflow::{AuditCommand, Step};
use crate::context::split_dir;
use crate::error::{CliError, CliResult};
use crate::output::{self, Cell, say};

pub(crate) async fn load_all(store: &dyn Store) -> CliResult<Vec<Audit>> {
    Ok(records::load_all(store).await?)
}

async fn load_one(ctx: &Ctx, id: &str) -> CliResult<(Audit, usize)> {
    records::load(ctx.store.as_ref(), id)
        .await
        .map_err(|e| super::or_missing(e, "see `clause9 audit list`"))
}

/// `REQ` or `REQ@AREA`, checked against the catalogue and the areas.
pub(crate) fn scope_item(ctx: &Ctx, text: &str) -> CliResult<ScopeItem> {
    Ok(records::scope_item(&ctx.programme, &ctx.registers, text)?)
}

pub(crate) async fn run(command: AuditCommand) -> CliResult {
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
            let actor = actor(&ctx.programme, &step)?;
            let why = why(&step, Some("audit programme"))?;
            let audit = records::create(
                &ctx.programme,
                &ctx.registers,
                ctx.store.as_ref(),
                plan,
                &auditors,
                &actor,
                &why,
            )
            .await?;
            let id = audit.id;
            say(format!("planned {id}"));
            Ok(())
        }
        AuditCommand::Assign { args, step } => {
            let (dir, rest) = split_dir(&args, 2);
            let ctx = open(&dir, &step.store).await?;
            load_one(&ctx, &rest[0]).await?;
            let audit = records::assign(
                &ctx.programme,
                &ctx.registers,
                ctx.store.as_ref(),
                &rest[0],
                &rest[1],
                &actor(&ctx.programme, &step)?,
                &why(&step, Some("auditor assigned"))?,
            )
            .await?;
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
            load_one(&ctx, &rest[0]).await?;
            let audit = records::complete(
                &ctx.programme,
                ctx.store.as_ref(),
                &rest[0],
                summary,
                &actor(&ctx.programme, &step)?,
                &why(&step, Some("audit completed"))?,
            )
            .await?;
            say(format!("{}: completed", audit.id));
            Ok(())
        }
        AuditCommand::List { dir, list } => {
            let ctx = open(&dir, &list.store).await?;
            let today = crate::context::today(&ctx.programme);
            let audits = load_all(ctx.store.as_ref()).await?;
            let state = |a: &Audit| records::state(a, today);
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
    load_one(&ctx, &rest[0]).await?;
    let finding = NewFinding {
        item: item.to_string(),
        grade: grade.to_string(),
        statement,
        evidence,
    };
    let (audit, nc_id) = records::record_finding(
        &ctx.programme,
        &ctx.registers,
        ctx.store.as_ref(),
        &rest[0],
        finding,
        &actor(&ctx.programme, step)?,
        &why(step, Some("audit finding"))?,
    )
    .await?;
    let Some(f) = audit.findings.last() else {
        return Err(CliError::Failed(anyhow::anyhow!(
            "{} has no finding after recording one",
            audit.id
        )));
    };
    let name = ctx
        .registers
        .grade(&f.grade)
        .map_or(f.grade.clone(), |g| g.name.clone());
    match nc_id {
        Some(nc) => say(format!(
            "{}/{} recorded ({name}); opened {nc}",
            audit.id, f.id
        )),
        None => say(format!("{}/{} recorded ({name})", audit.id, f.id)),
    }
    Ok(())
}
