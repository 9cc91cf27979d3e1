//! `clause9 review …`: the input pack from live data, the minutes (attendees,
//! discussion, decisions, action items), the chair's sign-off that locks
//! them, and the follow-up of action items.

use clause9_core::review::pack::{PackInput, evaluation_months, pack};
use clause9_core::review::{Review, ReviewAction, ReviewEvent};
use clause9_store::Store;
use jiff::civil::Date;
use serde_json::json;

use super::{append, date, decode, emit, encode, event, on, open, person, streams, who, why};
use crate::cli::Format;
use crate::cli_workflow::{ReviewCommand, Step};
use crate::context::{current_for, split_dir};
use crate::error::{CliError, CliResult};
use crate::output::{self, Cell, say};

pub const PREFIX: &str = "review/";

pub async fn load_all(store: &dyn Store) -> CliResult<Vec<Review>> {
    let mut out = Vec::new();
    for (id, events) in streams(store, PREFIX).await? {
        let list = events
            .iter()
            .map(decode::<ReviewEvent>)
            .collect::<CliResult<Vec<_>>>()?;
        out.push(Review::replay(&id, &list).map_err(|e| CliError::Failed(anyhow::anyhow!(e)))?);
    }
    Ok(out)
}

/// Appends one event to `[DIR] REVIEW` after checking it against the record.
async fn step_on(
    args: &[String],
    step: &Step,
    make: impl FnOnce(&super::Ctx, &Review) -> CliResult<ReviewEvent>,
) -> CliResult {
    let (dir, rest) = split_dir(args, 1);
    let ctx = open(&dir, &step.store).await?;
    let id = &rest[0];
    let events = streams(ctx.store.as_ref(), &format!("{PREFIX}{id}")).await?;
    let list = events
        .get(id.as_str())
        .ok_or_else(|| CliError::invalid(format!("no review `{id}`: see `clause9 review list`")))?;
    let decoded = list
        .iter()
        .map(decode::<ReviewEvent>)
        .collect::<CliResult<Vec<_>>>()?;
    let mut review =
        Review::replay(id, &decoded).map_err(|e| CliError::Failed(anyhow::anyhow!(e)))?;
    let e = make(&ctx, &review)?;
    let day = on(&ctx.programme, step)?;
    review.apply(&e, day).map_err(CliError::invalid)?;
    let by = who(&ctx.programme, step)?;
    let ev = event(
        &format!("{PREFIX}{id}"),
        list.len() + 1,
        e.name(),
        encode(&e, day),
        &by,
        &why(step, Some(e.name()))?,
    );
    append(ctx.store.as_ref(), vec![ev]).await?;
    say(format!("{id}: {}", e.name()));
    Ok(())
}

pub async fn run(command: ReviewCommand) -> CliResult {
    match command {
        ReviewCommand::Prepare {
            dir,
            date: d,
            format,
            output,
            store,
        } => {
            let ctx = open(&dir, &store).await?;
            let day = date("--date", &d)?;
            let reviews = load_all(ctx.store.as_ref()).await?;
            let since = Review::last_signed_before(&reviews, day);
            let ncs = super::nc::load_all(ctx.store.as_ref()).await?;
            let audits = super::audit::load_all(ctx.store.as_ref()).await?;
            let evaluations = evaluations(&ctx, since, day).await?;
            let input = PackInput {
                date: day,
                since,
                programme: &ctx.programme,
                registers: &ctx.registers,
                reviews: &reviews,
                nonconformities: &ncs,
                evaluations: &evaluations,
                audits: &audits,
            };
            let doc = pack(&input);
            emit(&doc, || json!(doc_json(&doc)), format, output.as_ref())
        }
        ReviewCommand::Open {
            dir,
            date: d,
            chair,
            title,
            step,
        } => {
            let ctx = open(&dir, &step.store).await?;
            person(&ctx.programme, "--chair", &chair)?;
            let day = date("--date", &d)?;
            let used: Vec<String> = load_all(ctx.store.as_ref())
                .await?
                .into_iter()
                .map(|r| r.id)
                .collect();
            let id = super::next_id("MR", used.iter());
            let e = ReviewEvent::Opened {
                title,
                date: day,
                chair,
            };
            let ev = event(
                &format!("{PREFIX}{id}"),
                1,
                e.name(),
                encode(&e, on(&ctx.programme, &step)?),
                &who(&ctx.programme, &step)?,
                &why(&step, Some("management review"))?,
            );
            append(ctx.store.as_ref(), vec![ev]).await?;
            say(format!("opened {id}"));
            Ok(())
        }
        ReviewCommand::Attend { args, people, step } => {
            // one event per attendee
            for p in people {
                step_on(&args, &step, |ctx, _| {
                    person(&ctx.programme, "--person", &p)?;
                    Ok(ReviewEvent::Attended { person: p.clone() })
                })
                .await?;
            }
            Ok(())
        }
        ReviewCommand::Discuss {
            args,
            input,
            text,
            step,
        } => {
            step_on(&args, &step, |_, _| {
                Ok(ReviewEvent::Discussed { input, text })
            })
            .await
        }
        ReviewCommand::Decide {
            args,
            kind,
            text,
            step,
        } => step_on(&args, &step, |_, _| Ok(ReviewEvent::Decided { kind, text })).await,
        ReviewCommand::Action {
            args,
            description,
            owner,
            due,
            step,
        } => {
            step_on(&args, &step, |ctx, r| {
                person(&ctx.programme, "--owner", &owner)?;
                Ok(ReviewEvent::ActionAdded {
                    action: ReviewAction {
                        id: format!("RA{}", r.actions.len() + 1),
                        description,
                        owner,
                        due: date("--due", &due)?,
                    },
                })
            })
            .await
        }
        ReviewCommand::Sign { args, step } => {
            step_on(&args, &step, |ctx, _| {
                let by = who(&ctx.programme, &step)?;
                Ok(ReviewEvent::Signed { by })
            })
            .await
        }
        ReviewCommand::Done { args, note, step } => {
            let (dir, rest) = split_dir(&args, 2);
            let action = rest[1].clone();
            step_on(
                &[dir.display().to_string(), rest[0].clone()],
                &step,
                |_, _| Ok(ReviewEvent::ActionDone { action, note }),
            )
            .await
        }
        ReviewCommand::Minutes {
            args,
            format,
            output,
            store,
        } => {
            let (dir, rest) = split_dir(&args, 1);
            let ctx = open(&dir, &store).await?;
            let review = load_all(ctx.store.as_ref())
                .await?
                .into_iter()
                .find(|r| r.id == rest[0])
                .ok_or_else(|| CliError::invalid(format!("no review `{}`", rest[0])))?;
            let doc = review.minutes(&ctx.programme.settings);
            emit(&doc, || json!(review), format, output.as_ref())
        }
        ReviewCommand::List { dir, list } => {
            let ctx = open(&dir, &list.store).await?;
            let today = super::as_of(&ctx.programme, list.today.as_deref())?;
            let reviews = load_all(ctx.store.as_ref()).await?;
            let next_due = next_review_due(&ctx, &reviews);
            let review_overdue = next_due < today;
            let overdue = |r: &Review| {
                r.open_actions()
                    .iter()
                    .filter(|a| a.due < today)
                    .map(|a| a.id.clone())
                    .collect::<Vec<_>>()
            };
            if list.format == Format::Json {
                let v: Vec<_> = reviews
                    .iter()
                    .map(|r| json!({ "review": r, "open_actions": r.open_actions(), "overdue_actions": overdue(r) }))
                    .collect();
                return Ok(output::json(&json!({
                    "today": today.to_string(),
                    "next_review_due": next_due.to_string(),
                    "review_overdue": review_overdue,
                    "reviews": v,
                }))?);
            }
            let rows = reviews
                .iter()
                .map(|r| {
                    let o = overdue(r);
                    vec![
                        Cell::from(r.id.clone()),
                        Cell::from(r.date.to_string()),
                        Cell::from(r.title.clone()),
                        Cell::from(r.signed.as_ref().map_or("draft".to_string(), |(by, on)| {
                            format!("signed by {by} on {on}")
                        })),
                        Cell::from(format!("{} open", r.open_actions().len())),
                        Cell::from(if o.is_empty() {
                            String::new()
                        } else {
                            format!("OVERDUE: {}", o.join(", "))
                        }),
                    ]
                })
                .collect();
            output::table(
                &["id", "date", "title", "state", "actions", "overdue"],
                rows,
            );
            say(format!(
                "\nnext management review due by {next_due} (every {} months){}",
                ctx.registers.review_interval_months,
                if review_overdue { " — OVERDUE" } else { "" }
            ));
            Ok(())
        }
    }
}

/// The planned date of the next review (see `Review::next_due`).
fn next_review_due(ctx: &super::Ctx, reviews: &[Review]) -> Date {
    Review::next_due(
        reviews,
        ctx.programme.settings.first_period.first_day(),
        ctx.registers.review_interval_months,
    )
}

/// Monthly evaluations of the months `evaluation_months` chooses.
async fn evaluations(
    ctx: &super::Ctx,
    since: Option<Date>,
    day: Date,
) -> CliResult<Vec<clause9_core::evaluation::Evaluation>> {
    let mut out = Vec::new();
    for p in evaluation_months(ctx.programme.settings.first_period, since, day) {
        let obs = current_for(&ctx.programme, ctx.store.as_ref(), p).await?;
        out.push(clause9_core::engine::evaluate(&ctx.programme, &obs, p));
    }
    Ok(out)
}

/// The pack as JSON: sections with their blocks.
fn doc_json(doc: &clause9_core::doc::Doc) -> serde_json::Value {
    use clause9_core::doc::Block;
    let mut sections = Vec::new();
    let mut current: Option<(String, Vec<serde_json::Value>)> = None;
    for b in &doc.blocks {
        match b {
            Block::Heading(_, t) => {
                if let Some(s) = current.take() {
                    sections.push(json!({ "title": s.0, "content": s.1 }));
                }
                current = Some((t.clone(), Vec::new()));
            }
            Block::Paragraph(t) => current
                .get_or_insert_with(|| (String::new(), Vec::new()))
                .1
                .push(json!({ "text": t })),
            Block::List(items) => current
                .get_or_insert_with(|| (String::new(), Vec::new()))
                .1
                .push(json!({ "list": items })),
            Block::Table(h, rows) => current
                .get_or_insert_with(|| (String::new(), Vec::new()))
                .1
                .push(json!({ "header": h, "rows": rows })),
        }
    }
    if let Some(s) = current.take() {
        sections.push(json!({ "title": s.0, "content": s.1 }));
    }
    json!({ "title": doc.title, "sections": sections })
}
