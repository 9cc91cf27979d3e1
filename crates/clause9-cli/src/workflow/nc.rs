//! `clause9 nc …`: raise, correct, analyse, plan actions, implement, plan and
//! verify the effectiveness check, close; list and show with overdue work.

use clause9_app::records::Actor;
use clause9_app::records::nonconformities as records;
use clause9_core::nonconformity::{
    Action, Check, CheckMethod, Event, Nonconformity, Source, Transition, next_step,
};
use clause9_store::Store;
use jiff::civil::Date;
use serde_json::json;

use super::{Ctx, actor, date, on, open, person, who, why};
use crate::cli::Format;
use crate::cli_workflow::{NcCommand, Step};
use crate::context::{split_dir, today};
use crate::error::{CliError, CliResult};
use crate::output::{self, Cell, say};

/// Every nonconformity, rebuilt from its events, by id.
pub(crate) async fn load_all(store: &dyn Store) -> CliResult<Vec<Nonconformity>> {
    Ok(records::load_all(store).await?)
}

/// Applies a transition to a stored nonconformity and appends it.
async fn transition(ctx: &Ctx, id: &str, t: Transition) -> CliResult<Nonconformity> {
    let actor = Actor::local(&t.by, t.on, crate::context::now(&ctx.programme));
    records::apply(&ctx.programme, ctx.store.as_ref(), &actor, id, t)
        .await
        .map_err(|e| super::or_missing(e, "see `clause9 nc list`"))
}

pub(crate) async fn run(command: NcCommand) -> CliResult {
    match command {
        NcCommand::List { dir, all, list } => {
            let ctx = open(&dir, &list.store).await?;
            let today = today(&ctx.programme);
            let ncs: Vec<Nonconformity> = load_all(ctx.store.as_ref())
                .await?
                .into_iter()
                .filter(|n| all || n.is_open())
                .collect();
            print_list(&ncs, today, list.format)
        }
        NcCommand::Show { args, list } => {
            let (dir, rest) = split_dir(&args, 1);
            let ctx = open(&dir, &list.store).await?;
            let today = today(&ctx.programme);
            let id = &rest[0];
            let nc = load_all(ctx.store.as_ref())
                .await?
                .into_iter()
                .find(|n| &n.id == id)
                .ok_or_else(|| CliError::invalid(format!("no nonconformity `{id}`")))?;
            if list.format == Format::Json {
                return Ok(output::json(
                    &json!({ "nonconformity": nc, "overdue": nc.is_overdue(today), "next": next_hint(nc.state) }),
                )?);
            }
            show(&nc, today);
            Ok(())
        }
        NcCommand::Raise {
            dir,
            source,
            reference,
            description,
            severity,
            area,
            controls,
            step,
        } => {
            let ctx = open(&dir, &step.store).await?;
            let problems = records::check_raise(
                &ctx.programme,
                &source,
                &severity,
                area.as_deref(),
                &controls,
            );
            if !problems.is_empty() {
                return Err(CliError::Invalid(
                    problems.into_iter().map(|p| format!("--{p}")).collect(),
                ));
            }
            let source = match source.as_str() {
                "incident" => Source::Incident { reference },
                "management_review" => Source::ManagementReview { reference },
                _ => Source::Other { reference },
            };
            let t = Transition {
                event: Event::Raised {
                    source,
                    description: description.clone(),
                    severity,
                    area,
                    controls,
                },
                by: who(&ctx.programme, &step)?,
                on: on(&ctx.programme, &step)?,
                why: why(&step, Some(&description))?,
            };
            let actor = Actor::local(&t.by, t.on, crate::context::now(&ctx.programme));
            let nc = records::raise(&ctx.programme, ctx.store.as_ref(), &actor, &t).await?;
            say(format!("raised {}", nc.id));
            Ok(())
        }
        NcCommand::Correct {
            args,
            correction,
            step,
        } => step_on(&args, &step, |_| Ok(Event::Corrected { correction })).await,
        NcCommand::Analyse {
            args,
            whys,
            cause,
            extent,
            step,
        } => {
            step_on(&args, &step, |_| {
                Ok(Event::RootCauseAnalysed {
                    whys,
                    cause,
                    extent,
                })
            })
            .await
        }
        NcCommand::Action {
            args,
            description,
            owner,
            due,
            success,
            step,
        } => {
            step_on(&args, &step, |ctx| {
                if let Some(o) = &owner {
                    person(&ctx.programme, "--owner", o)?;
                }
                let due = due.as_deref().map(|d| date("--due", d)).transpose()?;
                Ok(Event::ActionPlanned {
                    action: Action {
                        id: String::new(),
                        description,
                        owner,
                        due,
                        success_criterion: success,
                        implemented_on: None,
                        note: None,
                    },
                })
            })
            .await
        }
        NcCommand::Implement { args, note, step } => {
            let (dir, rest) = split_dir(&args, 2);
            let action = rest[1].clone();
            step_on(&[dir.display().to_string(), rest[0].clone()], &step, |_| {
                Ok(Event::ActionImplemented { action, note })
            })
            .await
        }
        NcCommand::Check {
            args,
            date: day,
            measure,
            periods,
            step,
        } => {
            step_on(&args, &step, |ctx| {
                let method = match measure {
                    Some(m) => {
                        if ctx.programme.measure(&m).is_none() {
                            return Err(CliError::invalid(format!(
                                "--measure: unknown measure `{m}`"
                            )));
                        }
                        CheckMethod::Measure {
                            measure: m,
                            periods,
                        }
                    }
                    None => CheckMethod::Manual,
                };
                Ok(Event::CheckPlanned {
                    check: Check {
                        on: date("--date", &day)?,
                        method,
                    },
                })
            })
            .await
        }
        NcCommand::Verify {
            args,
            effective,
            not_effective,
            evidence,
            step,
        } => verify(&args, effective, not_effective, evidence, &step).await,
        NcCommand::Close { args, step } => step_on(&args, &step, |_| Ok(Event::Closed)).await,
        NcCommand::VerifyDue { dir, step } => verify_due(&dir, &step).await,
    }
}

/// Runs one transition on `[DIR] ID`.
async fn step_on(
    args: &[String],
    step: &Step,
    make: impl FnOnce(&Ctx) -> CliResult<Event>,
) -> CliResult {
    let (dir, rest) = split_dir(args, 1);
    let ctx = open(&dir, &step.store).await?;
    let id = rest[0].clone();
    let event = make(&ctx)?;
    let t = Transition {
        event,
        by: who(&ctx.programme, step)?,
        on: on(&ctx.programme, step)?,
        why: why(step, None)?,
    };
    let name = t.event.name();
    let nc = transition(&ctx, &id, t).await?;
    say(format!(
        "{id}: {name}; now {} — next: {}",
        nc.state.as_str(),
        next_hint(nc.state)
    ));
    Ok(())
}

/// Runs every automatic check that is due; one that cannot be decided yet is
/// reported and left for a later run.
async fn verify_due(dir: &std::path::Path, step: &Step) -> CliResult {
    let ctx = open(dir, &step.store).await?;
    let actor = actor(&ctx.programme, step)?;
    let outcomes = records::verify_due(
        &ctx.programme,
        ctx.store.as_ref(),
        &actor,
        step.why.as_deref(),
    )
    .await?;
    if outcomes.is_empty() {
        say(format!("no automatic check is due on {}", actor.on));
    }
    for (id, outcome) in outcomes {
        match outcome {
            records::DueCheck::Decided(nc) => say_verified(&id, &nc),
            records::DueCheck::Undecided(why) => say(format!("{id}: not decided: {why}")),
        }
    }
    Ok(())
}

/// Verification: automatic through the linked measure, or manual with evidence.
async fn verify(
    args: &[String],
    effective: bool,
    not_effective: bool,
    evidence: String,
    step: &Step,
) -> CliResult {
    let (dir, rest) = split_dir(args, 1);
    let ctx = open(&dir, &step.store).await?;
    let id = &rest[0];
    let manual = (effective != not_effective).then_some((effective, evidence));
    let nc = records::verify(
        &ctx.programme,
        ctx.store.as_ref(),
        id,
        manual,
        &actor(&ctx.programme, step)?,
        step.why.as_deref(),
    )
    .await?;
    say_verified(id, &nc);
    Ok(())
}

/// What the record waits for, with the command that does it.
fn next_hint(state: clause9_core::nonconformity::State) -> String {
    use clause9_core::nonconformity::State;
    let command = match state {
        State::Raised => "nc correct",
        State::Corrected | State::Reopened => "nc analyse",
        State::RootCauseAnalysed => "nc action",
        State::ActionPlanned => "nc implement, nc check",
        State::Implemented => "nc verify",
        State::Verified => "nc close",
        State::Closed => return next_step(state).to_string(),
    };
    format!("{} (`clause9 {command}`)", next_step(state))
}

/// "NC-0003: verified effective; now closed — next: …"
fn say_verified(id: &str, nc: &Nonconformity) {
    let effective = nc.state != clause9_core::nonconformity::State::Reopened;
    say(format!(
        "{id}: {}; now {} — next: {}",
        if effective {
            "verified effective"
        } else {
            "NOT effective: reopened"
        },
        nc.state.as_str(),
        next_hint(nc.state)
    ));
}

fn print_list(ncs: &[Nonconformity], today: Date, format: Format) -> CliResult {
    if format == Format::Json {
        let list: Vec<_> = ncs
            .iter()
            .map(|n| {
                json!({
                    "id": n.id, "state": n.state, "source": n.source, "severity": n.severity,
                    "description": n.description, "raised_on": n.raised_on.to_string(),
                    "overdue": n.is_overdue(today),
                    "overdue_actions": n.overdue_actions(today).iter().map(|a| &a.id).collect::<Vec<_>>(),
                    "overdue_check": n.overdue_check(today).map(|c| c.on.to_string()),
                    "actions": n.actions, "check": n.check,
                })
            })
            .collect();
        return Ok(output::json(
            &json!({ "today": today.to_string(), "nonconformities": list }),
        )?);
    }
    let rows = ncs
        .iter()
        .map(|n| {
            vec![
                Cell::from(n.id.clone()),
                Cell::from(n.state.as_str()),
                Cell::from(n.severity.clone()),
                Cell::from(format!("{} {}", n.source.kind(), n.source.reference())),
                Cell::from(overdue_text(n, today)),
                Cell::from(n.description.chars().take(60).collect::<String>()),
            ]
        })
        .collect();
    output::table(
        &[
            "id",
            "state",
            "severity",
            "source",
            "overdue",
            "description",
        ],
        rows,
    );
    say(format!(
        "\n{} listed · {} overdue (as of {today})",
        ncs.len(),
        ncs.iter().filter(|n| n.is_overdue(today)).count()
    ));
    Ok(())
}

/// "OVERDUE: A1 due 2026-04-30, check due 2026-05-01", or empty.
pub(crate) fn overdue_text(n: &Nonconformity, today: Date) -> String {
    let parts = records::overdue_parts(n, today);
    if parts.is_empty() {
        String::new()
    } else {
        format!("OVERDUE: {}", parts.join(", "))
    }
}

fn show(nc: &Nonconformity, today: Date) {
    say(format!(
        "{} — {} ({}, {})",
        nc.id,
        nc.description,
        nc.severity,
        nc.state.as_str()
    ));
    say(format!(
        "source: {} {}",
        nc.source.kind(),
        nc.source.reference()
    ));
    if let Some(c) = &nc.correction {
        say(format!("correction: {c}"));
    }
    if let Some(r) = &nc.root_cause {
        say(format!("root cause: {r}"));
        for (i, w) in nc.whys.iter().enumerate() {
            say(format!("  why {}: {w}", i + 1));
        }
    }
    if let Some(e) = &nc.extent {
        say(format!("extent: {e}"));
    }
    for a in &nc.actions {
        say(format!(
            "action {}: {} — owner {}, due {}, success: {}{}",
            a.id,
            a.description,
            a.owner.as_deref().unwrap_or(""),
            a.due_date(),
            a.success_criterion.as_deref().unwrap_or(""),
            a.implemented_on
                .map_or(String::new(), |d| format!(" (implemented {d})"))
        ));
    }
    if let Some(c) = &nc.check {
        say(format!("check planned on {}: {:?}", c.on, c.method));
    }
    let overdue = overdue_text(nc, today);
    if !overdue.is_empty() {
        say(overdue);
    }
    say(format!("next: {}", next_hint(nc.state)));
    say("\nhistory:");
    for s in &nc.history {
        say(format!("  {} {} by {}: {}", s.on, s.event, s.by, s.why));
    }
}
