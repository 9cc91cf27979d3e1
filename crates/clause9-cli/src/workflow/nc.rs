//! `clause9 nc …`: raise, correct, analyse, plan actions, implement, plan and
//! verify the effectiveness check, close; list and show with overdue work.

use clause9_core::nonconformity::steps::{
    check_periods, check_raise, check_verdict, manual_source, next_action_id,
};
use clause9_core::nonconformity::{
    Action, Check, CheckMethod, Event, Nonconformity, Refused, Transition, next_step,
};
use clause9_store::Store;
use jiff::civil::Date;
use serde_json::json;

use super::{Ctx, append, as_of, date, event, on, open, person, streams, who, why};
use crate::cli::Format;
use crate::cli_workflow::{NcCommand, Step};
use crate::context::{current_for, split_dir};
use crate::error::{CliError, CliResult};
use crate::output::{self, Cell, say};

pub const PREFIX: &str = "nc/";

/// Every nonconformity, rebuilt from its events, by id.
pub async fn load_all(store: &dyn Store) -> CliResult<Vec<Nonconformity>> {
    let mut out = Vec::new();
    for (id, events) in streams(store, PREFIX).await? {
        let transitions = events
            .iter()
            .map(|e| {
                Transition::from_payload(&e.payload, &e.recorded_by, &e.reason).map_err(|err| {
                    CliError::Failed(anyhow::anyhow!(
                        "stored event #{} of {id} cannot be read ({err})",
                        e.id
                    ))
                })
            })
            .collect::<CliResult<Vec<_>>>()?;
        out.push(
            Nonconformity::replay(&id, &transitions)
                .map_err(|e| CliError::Failed(anyhow::anyhow!("{id}: {e}")))?,
        );
    }
    Ok(out)
}

fn refused(e: Refused) -> CliError {
    CliError::invalid(e.to_string())
}

/// Applies a transition to a stored nonconformity and appends it.
async fn transition(ctx: &Ctx, id: &str, t: Transition) -> CliResult<Nonconformity> {
    let all = load_all(ctx.store.as_ref()).await?;
    let Some(mut nc) = all.into_iter().find(|n| n.id == id) else {
        return Err(CliError::invalid(format!(
            "no nonconformity `{id}`: see `clause9 nc list`"
        )));
    };
    nc.apply(&t).map_err(refused)?;
    let seq = nc.history.len();
    append(
        ctx.store.as_ref(),
        vec![event(
            &format!("{PREFIX}{id}"),
            seq,
            t.event.name(),
            t.payload(),
            &t.by,
            &t.why,
        )],
    )
    .await?;
    Ok(nc)
}

/// The events to raise a new nonconformity (and its id), checked.
pub fn raise_events(
    used: &[Nonconformity],
    t: &Transition,
    once_key: Option<String>,
) -> CliResult<(String, clause9_store::NewEvent)> {
    let id = super::next_id("NC", used.iter().map(|n| &n.id));
    Nonconformity::replay(&id, std::slice::from_ref(t)).map_err(refused)?;
    let mut e = event(
        &format!("{PREFIX}{id}"),
        1,
        "raised",
        t.payload(),
        &t.by,
        &t.why,
    );
    e.once_key = once_key;
    Ok((id, e))
}

pub async fn run(command: NcCommand) -> CliResult {
    match command {
        NcCommand::List { dir, all, list } => {
            let ctx = open(&dir, &list.store).await?;
            let today = as_of(&ctx.programme, list.today.as_deref())?;
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
            let today = as_of(&ctx.programme, list.today.as_deref())?;
            let id = &rest[0];
            let nc = load_all(ctx.store.as_ref())
                .await?
                .into_iter()
                .find(|n| &n.id == id)
                .ok_or_else(|| CliError::invalid(format!("no nonconformity `{id}`")))?;
            if list.format == Format::Json {
                return Ok(output::json(
                    &json!({ "nonconformity": nc, "overdue": nc.is_overdue(today), "next": next_step(nc.state) }),
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
            let source =
                manual_source("--source", &source, reference).map_err(CliError::invalid)?;
            let problems = check_raise(
                &ctx.programme.settings.areas,
                &severity,
                area.as_deref(),
                &controls,
                ["--severity", "--area", "--control"],
            );
            if !problems.is_empty() {
                return Err(CliError::Invalid(problems));
            }
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
            let used = load_all(ctx.store.as_ref()).await?;
            let (id, e) = raise_events(&used, &t, None)?;
            append(ctx.store.as_ref(), vec![e]).await?;
            say(format!("raised {id}"));
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
    let mut event = make(&ctx)?;
    if let Event::ActionPlanned { action } = &mut event {
        let all = load_all(ctx.store.as_ref()).await?;
        action.id = next_action_id(all.iter().find(|n| n.id == id));
    }
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
        next_step(nc.state)
    ));
    Ok(())
}

/// Runs every automatic check that is due; one that cannot be decided yet is
/// reported and left for a later run.
async fn verify_due(dir: &std::path::Path, step: &Step) -> CliResult {
    let ctx = open(dir, &step.store).await?;
    let day = on(&ctx.programme, step)?;
    let due: Vec<String> = load_all(ctx.store.as_ref())
        .await?
        .into_iter()
        .filter(|n| n.state == clause9_core::nonconformity::State::Implemented)
        .filter(|n| {
            n.check
                .as_ref()
                .is_some_and(|c| c.on <= day && matches!(c.method, CheckMethod::Measure { .. }))
        })
        .map(|n| n.id)
        .collect();
    if due.is_empty() {
        say(format!("no automatic check is due on {day}"));
    }
    for id in due {
        let args = [dir.display().to_string(), id.clone()];
        match verify(&args, false, false, String::new(), step).await {
            Ok(()) => {}
            Err(CliError::Invalid(lines)) => {
                for l in lines {
                    say(format!("{id}: not decided: {l}"));
                }
            }
            Err(e) => return Err(e),
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
    let day = on(&ctx.programme, step)?;
    let nc = load_all(ctx.store.as_ref())
        .await?
        .into_iter()
        .find(|n| &n.id == id)
        .ok_or_else(|| CliError::invalid(format!("no nonconformity `{id}`")))?;
    // the lifecycle's own checks (state, planned date) come first
    let mut probe = nc.clone();
    probe
        .apply(&Transition {
            event: Event::Verified {
                effective: true,
                evidence: "probe".into(),
            },
            by: "probe".into(),
            on: day,
            why: "probe".into(),
        })
        .map_err(refused)?;
    let (effective, evidence) = match nc.check.as_ref().map(|c| &c.method) {
        Some(CheckMethod::Measure { measure, periods }) => {
            // only periods that started after the last action was implemented count
            let after = nc.actions.iter().filter_map(|a| a.implemented_on).max();
            let (verdict, statuses) = measure_verdict(&ctx, measure, *periods, day, after).await?;
            let evidence = format!("{measure} over the last {periods} periods: {statuses}");
            match verdict {
                Some(v) => (v, evidence),
                None => {
                    return Err(CliError::invalid(format!(
                        "{id}: not enough data to verify yet ({evidence}); record the values and run again"
                    )));
                }
            }
        }
        _ => {
            if effective == not_effective {
                return Err(CliError::invalid(
                    "manual check: say --effective or --not-effective, with --evidence",
                ));
            }
            (effective, evidence)
        }
    };
    let t = Transition {
        event: Event::Verified {
            effective,
            evidence,
        },
        by: who(&ctx.programme, step)?,
        on: day,
        why: why(
            step,
            Some(if effective {
                "effectiveness check passed"
            } else {
                "effectiveness check failed"
            }),
        )?,
    };
    let nc = transition(&ctx, id, t).await?;
    say(format!(
        "{id}: {}; now {} — next: {}",
        if effective {
            "verified effective"
        } else {
            "NOT effective: reopened"
        },
        nc.state.as_str(),
        next_step(nc.state)
    ));
    Ok(())
}

/// The statuses of a measure's last `periods` collection periods that ended
/// before `day`; a period that started before `after` (the last action's
/// implementation) counts as no data.
pub async fn measure_verdict(
    ctx: &Ctx,
    measure: &str,
    periods: u32,
    day: Date,
    after: Option<Date>,
) -> CliResult<(Option<bool>, String)> {
    let m = ctx
        .programme
        .measure(measure)
        .ok_or_else(|| CliError::invalid(format!("unknown measure `{measure}`")))?;
    let list = check_periods(m.frequency.collection, periods, day);
    let mut statuses = Vec::new();
    for p in &list {
        let obs = current_for(&ctx.programme, ctx.store.as_ref(), *p).await?;
        let e = clause9_core::engine::evaluate(&ctx.programme, &obs, *p);
        statuses.push(
            e.measures
                .iter()
                .find(|x| x.id == measure)
                .map_or(clause9_core::evaluation::Status::NoData, |x| x.status),
        );
    }
    Ok(check_verdict(&list, &statuses, periods, after))
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
pub fn overdue_text(n: &Nonconformity, today: Date) -> String {
    let mut parts: Vec<String> = n
        .overdue_actions(today)
        .iter()
        .map(|a| format!("{} due {}", a.id, a.due_date()))
        .collect();
    if let Some(c) = n.overdue_check(today) {
        parts.push(format!("check due {}", c.on));
    }
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
    say(format!("next: {}", next_step(nc.state)));
    say("\nhistory:");
    for s in &nc.history {
        say(format!("  {} {} by {}: {}", s.on, s.event, s.by, s.why));
    }
}
