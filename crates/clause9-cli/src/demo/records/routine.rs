//! The demo's routine audits: what a team following its audit programme
//! would have done so far this cycle. For each quarter of the cycle that has
//! passed, the items the programme placed there (and no story audit already
//! covered) are audited by an auditor who is independent of them and
//! competent, and found conforming; the last month's items are left
//! undone, so the audits page shows a little slippage, as real ones do.

use std::collections::BTreeMap;

use clause9_app::records::audit_programme::programme_slots;
use clause9_core::audit::ScopeItem;
use clause9_core::audit::coverage::coverage;
use clause9_core::audit::independence::{competence_gaps, conflicts};
use clause9_core::period::{Frequency, Period};

use super::Script;
use crate::error::CliResult;

/// The auditors the demo asks, in order of preference.
const AUDITORS: &[&str] = &["dpo", "internal_auditor"];

pub(super) async fn write(s: &mut Script<'_>) -> CliResult {
    let ctx = crate::workflow::open(std::path::Path::new(&s.dir), s.store).await?;
    let this_month = Period::containing(Frequency::Monthly, s.today);
    let months = ctx.registers.audit.cycle_months;
    let start = ctx
        .registers
        .audit
        .cycle_holding(&ctx.programme, this_month);
    let slots = programme_slots(
        &ctx.programme,
        &ctx.registers,
        ctx.store.as_ref(),
        start,
        months,
        s.today.min(start.first_day()),
    )
    .await?;
    let audits = crate::workflow::audit::load_all(ctx.store.as_ref()).await?;
    let covered = coverage(
        &clause9_core::audit::universe(&ctx.programme, &ctx.registers),
        &slots,
        &audits,
        start,
        this_month,
    );
    let done = |item: &ScopeItem| {
        covered
            .iter()
            .any(|c| &c.item == item && c.state == "audited")
    };
    // the quarters (of the cycle) before last month, with their items
    let last_month = this_month.prev();
    let mut quarters: BTreeMap<Period, Vec<ScopeItem>> = BTreeMap::new();
    for slot in slots.iter().filter(|s| s.month < last_month) {
        let quarter = slot
            .month
            .enclosing(Frequency::Quarterly)
            .unwrap_or(slot.month);
        for planned in &slot.items {
            let list = quarters.entry(quarter).or_default();
            if !done(&planned.item) && !list.contains(&planned.item) {
                list.push(planned.item.clone());
            }
        }
    }
    for (quarter, items) in quarters {
        // each item goes to the first auditor free to audit it
        let mut by_auditor: BTreeMap<&str, Vec<ScopeItem>> = BTreeMap::new();
        for item in items {
            let one = std::slice::from_ref(&item);
            if let Some(auditor) = AUDITORS.iter().find(|a| {
                conflicts(&ctx.programme, one, a).is_empty()
                    && competence_gaps(&ctx.registers, one, a).is_empty()
            }) {
                by_auditor.entry(auditor).or_default().push(item);
            }
        }
        // fieldwork in the quarter's last month that has ended
        let mut month = quarter.last_day();
        if month >= last_month.first_day() {
            month = last_month.prev().last_day();
        }
        for (auditor, scope) in by_auditor {
            routine_audit(s, ctx.store.as_ref(), quarter, auditor, &scope, month).await?;
        }
    }
    Ok(())
}

async fn routine_audit(
    s: &mut Script<'_>,
    store: &dyn clause9_store::Store,
    quarter: Period,
    auditor: &str,
    scope: &[ScopeItem],
    last_day: jiff::civil::Date,
) -> CliResult {
    let days = |d: jiff::civil::Date| (s.today - d).get_days() as i64;
    let (on, start, end) = (
        s.d(days(last_day) + 20),
        s.d(days(last_day) + 10),
        s.d(days(last_day) + 8),
    );
    let labels: Vec<String> = scope
        .iter()
        .map(|i| match &i.area {
            Some(a) => format!("{}@{a}", i.requirement),
            None => i.requirement.clone(),
        })
        .collect();
    let title = format!("Routine audit {quarter} ({})", auditor.replace('_', " "));
    let mut args: Vec<&str> = vec![
        "audit",
        "create",
        "--title",
        &title,
        "--objectives",
        "Confirm that the requirements the audit programme placed in this quarter are met",
    ];
    for l in &labels {
        args.extend(["--scope", l.as_str()]);
    }
    args.extend([
        "--start",
        &start,
        "--end",
        &end,
        "--auditor",
        auditor,
        "--by",
        "isms_manager",
        "--on",
        &on,
        "--why",
        "routine audit from the audit programme",
    ]);
    s.run(&args).await?;
    // the audit just created is the newest
    let id = crate::workflow::audit::load_all(store)
        .await?
        .into_iter()
        .map(|a| a.id)
        .max()
        .unwrap_or_default();
    let statement = format!(
        "The {} sampled requirements are met; records were complete and current",
        labels.len()
    );
    s.run(&[
        "audit",
        "finding",
        &id,
        "--item",
        &labels[0],
        "--grade",
        "conformity",
        "--statement",
        &statement,
        "--evidence",
        "Records and interviews sampled during the fieldwork",
        "--by",
        auditor,
        "--on",
        &end,
        "--why",
        "audit fieldwork",
    ])
    .await?;
    s.run(&[
        "audit",
        "complete",
        &id,
        "--summary",
        "Everything sampled conforms",
        "--by",
        auditor,
        "--on",
        &end,
    ])
    .await
}
