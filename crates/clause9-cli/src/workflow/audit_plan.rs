//! `clause9 audit plan` and `clause9 audit coverage`: the risk signals
//! (open nonconformities, red or deteriorating measures, high risks), the
//! programme over the cycle, and what the cycle has audited or let slip.

use std::path::{Path, PathBuf};

use clause9_core::audit::planner::Slot;
use clause9_core::audit::universe;
use clause9_core::doc::Doc;
use clause9_core::period::{Frequency, Period};
use jiff::civil::Date;
use serde_json::json;

use super::{Ctx, emit, open};
use crate::cli::{Format, StoreArgs};
use crate::cli_workflow::{DocFormat, ListArgs};
use crate::context::{parse_period, today};
use crate::error::{CliError, CliResult};
use crate::output::{self, Cell, say};

async fn programme_slots(ctx: &Ctx, start: Period, months: u32, day: Date) -> CliResult<Vec<Slot>> {
    Ok(clause9_app::records::audit_programme::programme_slots(
        &ctx.programme,
        &ctx.registers,
        ctx.store.as_ref(),
        start,
        months,
        day,
    )
    .await?)
}

fn month(text: &str) -> CliResult<Period> {
    let p = parse_period(text)?;
    if p.frequency() != Frequency::Monthly {
        return Err(CliError::invalid(format!(
            "`{text}` is not a month such as 2026-01"
        )));
    }
    Ok(p)
}

pub(crate) async fn run(
    dir: &Path,
    start: Option<&str>,
    months: Option<u32>,
    format: DocFormat,
    output: Option<&PathBuf>,
    store: &StoreArgs,
) -> CliResult {
    let ctx = open(dir, store).await?;
    let day = today(&ctx.programme);
    let start = match start {
        Some(s) => month(s)?,
        None => Period::containing(Frequency::Monthly, day).next(),
    };
    let months = months.unwrap_or(ctx.registers.audit.cycle_months);
    if months == 0 {
        return Err(CliError::invalid("--months must be at least 1"));
    }
    // the risk signals as they stood when the programme starts
    let slots = programme_slots(&ctx, start, months, day.min(start.first_day())).await?;
    let excluded = ctx.registers.exclusions.len();
    let mut doc = Doc::new(format!(
        "Internal audit programme — {} — {months} months from {start}",
        ctx.programme.settings.organisation
    ));
    doc.p(format!(
        "Every clause 4.1 to 10.2 and every applicable Annex A control ({} controls; {excluded} excluded in the statement of applicability and not audited) is audited at least once in the cycle. Items with open nonconformities, red or deteriorating measures or high risks come sooner and more often.",
        ctx.registers.applicable_controls().len()
    ));
    let rows = slots
        .iter()
        .flat_map(|s| {
            s.items.iter().map(move |i| {
                vec![
                    s.month.to_string(),
                    i.item.label(),
                    format!("{} of {}", i.occurrence, i.occurrences),
                    i.reason.clone(),
                ]
            })
        })
        .collect();
    doc.table(&["month", "item", "audit", "why here"], rows);
    emit(
        &doc,
        || json!({ "start": start, "months": months, "slots": slots }),
        format,
        output,
    )
}

pub(crate) async fn coverage(dir: &Path, since: Option<&str>, list: &ListArgs) -> CliResult {
    let ctx = open(dir, &list.store).await?;
    let day = today(&ctx.programme);
    let months = ctx.registers.audit.cycle_months;
    let this_month = Period::containing(Frequency::Monthly, day);
    // by default the cycle that holds today; cycles follow one another from
    // `cycle_start` (default: the programme's first month)
    let start = match since {
        Some(s) => month(s)?,
        None => ctx
            .registers
            .audit
            .cycle_holding(&ctx.programme, this_month),
    };
    // the programme as `audit plan --start` made it: signals as of its start
    let slots = programme_slots(&ctx, start, months, day.min(start.first_day())).await?;
    let audits = super::audit::load_all(ctx.store.as_ref()).await?;
    let rows: Vec<_> = clause9_core::audit::coverage::coverage(
        &universe(&ctx.programme, &ctx.registers),
        &slots,
        &audits,
        start,
        this_month,
    )
    .into_iter()
    .map(|c| (c.item, c.state, c.audits, c.planned))
    .collect();
    if list.format == Format::Json {
        let v: Vec<_> = rows
            .iter()
            .map(|(i, s, a, p)| json!({ "item": i, "state": s, "audits": a, "planned": p }))
            .collect();
        return Ok(output::json(
            &json!({ "cycle_start": start, "months": months, "today": day.to_string(), "items": v }),
        )?);
    }
    let count = |s: &str| rows.iter().filter(|r| r.1 == s).count();
    say(format!(
        "cycle from {start} ({months} months), as of {day}: {} audited · {} overdue · {} not yet due",
        count("audited"),
        count("overdue"),
        count("not yet due")
    ));
    let table = rows
        .iter()
        .filter(|r| r.1 != "not yet due")
        .map(|(i, s, a, p)| {
            vec![
                Cell::from(*s),
                Cell::from(i.label()),
                Cell::from(a.join(", ")),
                Cell::from(p.map_or(String::new(), |p| p.to_string())),
            ]
        })
        .collect();
    output::table(&["state", "item", "audits", "planned"], table);
    Ok(())
}
