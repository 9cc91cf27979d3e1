//! `clause9 review …`: the input pack from live data, the minutes (attendees,
//! discussion, decisions, action items), the chair's sign-off that locks
//! them, and the follow-up of action items.

use clause9_app::records::RecordError;
use clause9_app::records::reviews::{self as records, check_person};
use clause9_core::review::{Review, ReviewAction, ReviewEvent};
use clause9_store::Store;
use jiff::civil::Date;
use serde_json::json;

use super::{actor, date, emit, open, who, why};
use crate::cli::Format;
use crate::cli_workflow::{ReviewCommand, Step};
use crate::context::split_dir;
use crate::error::{CliError, CliResult};
use crate::output::{self, Cell, say};

pub(crate) async fn load_all(store: &dyn Store) -> CliResult<Vec<Review>> {
    Ok(records::load_all(store).await?)
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
    let actor = actor(&ctx.programme, step)?;
    let mut failed = None;
    let made = records::step(
        &ctx.programme,
        ctx.store.as_ref(),
        id,
        |review| {
            make(&ctx, review).map_err(|e| {
                failed = Some(e);
                RecordError::refused("")
            })
        },
        &actor,
        step.why.as_deref(),
    )
    .await;
    let (_, e) = match (made, failed) {
        (_, Some(e)) => return Err(e),
        (made, None) => made.map_err(|e| super::or_missing(e, "see `clause9 review list`"))?,
    };
    say(format!("{id}: {}", e.name()));
    Ok(())
}

pub(crate) async fn run(command: ReviewCommand) -> CliResult {
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
            let doc =
                records::prepare(&ctx.programme, &ctx.registers, ctx.store.as_ref(), day).await?;
            emit(&doc, || records::doc_json(&doc), format, output.as_ref())
        }
        ReviewCommand::Open {
            dir,
            date: d,
            chair,
            title,
            step,
        } => {
            let ctx = open(&dir, &step.store).await?;
            check_person(&ctx.programme, "--chair", &chair)?;
            let day = date("--date", &d)?;
            let review = records::open(
                &ctx.programme,
                ctx.store.as_ref(),
                title,
                day,
                chair,
                &actor(&ctx.programme, &step)?,
                &why(&step, Some("management review"))?,
            )
            .await?;
            let id = review.id;
            say(format!("opened {id}"));
            Ok(())
        }
        ReviewCommand::Attend { args, people, step } => {
            // one event per attendee
            for p in people {
                step_on(&args, &step, |ctx, _| {
                    check_person(&ctx.programme, "--person", &p)?;
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
                check_person(&ctx.programme, "--owner", &owner)?;
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
            let today = crate::context::today(&ctx.programme);
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

fn next_review_due(ctx: &super::Ctx, reviews: &[Review]) -> Date {
    records::next_due(&ctx.programme, &ctx.registers, reviews)
}
