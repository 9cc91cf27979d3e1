//! `clause9 status [DIR] [--period P]`: what is due, collected, missing and
//! overdue, grouped by collector.

use std::collections::BTreeMap;
use std::path::Path;

use clause9_app::records;
use clause9_core::engine::Values;
use clause9_core::schedule::{CollectionState, collection_status};
use serde::Serialize;

use crate::cli::{Format, StoreArgs};
use crate::context::{current_for, open_store, period_or_current, today};
use crate::error::CliResult;
use crate::output::{self, BOLD, Cell, say, state_style, styled};

#[derive(Serialize)]
struct Item {
    collector: String,
    measure: String,
    base: String,
    period: String,
    due: String,
    state: &'static str,
}

pub(super) async fn run(
    dir: &Path,
    period: Option<&str>,
    format: Format,
    store_args: &StoreArgs,
) -> CliResult {
    let (programme, registers) = crate::registers::load_all(dir)?;
    let period = period_or_current(&programme, period)?;
    let store = open_store(dir, store_args).await?;
    let observations = current_for(&programme, store.as_ref(), period).await?;
    let values = Values::new(&observations);
    let today = today(&programme);
    let items = collection_status(&programme, &values, period, today);
    let overdue_work = crate::workflow::red::overdue_work(store.as_ref(), today).await?;
    let reviews = records::reviews::load_all(store.as_ref()).await?;
    let next_review = records::reviews::next_due(&programme, &registers, &reviews);
    let review_overdue = next_review < today;
    let next_audit = records::audits::load_all(store.as_ref())
        .await?
        .into_iter()
        .filter(|a| a.completed.is_none())
        .min_by_key(|a| (a.plan.start, a.id.clone()))
        .map(|a| (a.id, a.plan.start, a.plan.title));

    if format == Format::Json {
        let list: Vec<Item> = items
            .iter()
            .map(|i| Item {
                collector: i.collector.clone(),
                measure: i.measure.clone(),
                base: i.base.clone(),
                period: i.period.to_string(),
                due: i.due.to_string(),
                state: i.state.as_str(),
            })
            .collect();
        return Ok(output::json(&serde_json::json!({
            "period": period,
            "today": today.to_string(),
            "items": list,
            "overdue_work": overdue_work,
            "next_review_due": next_review.to_string(),
            "review_overdue": review_overdue,
            "next_audit": next_audit.as_ref().map(|(id, start, title)| serde_json::json!({
                "id": id, "start": start.to_string(), "title": title,
            })),
        }))?);
    }

    let mut by_collector: BTreeMap<&str, Vec<_>> = BTreeMap::new();
    for i in &items {
        by_collector.entry(&i.collector).or_default().push(i);
    }
    say(format!(
        "{} — collection status for {period} (today {today})",
        programme.settings.name
    ));
    for (collector, list) in by_collector {
        let name = programme.settings.display_name(collector);
        let open = list
            .iter()
            .filter(|i| i.state != CollectionState::Collected)
            .count();
        say(format!(
            "\n{}{name}{} ({collector}): {open} of {} outstanding",
            BOLD.render(),
            BOLD.render_reset(),
            list.len()
        ));
        let rows = list
            .iter()
            .map(|i| {
                vec![
                    styled(i.state.as_str(), state_style(i.state)),
                    Cell::from(i.measure.clone()),
                    Cell::from(i.base.clone()),
                    Cell::from(i.period.to_string()),
                    Cell::from(format!("due {}", i.due)),
                ]
            })
            .collect();
        output::table(&["state", "measure", "base", "period", "due"], rows);
    }
    let count = |s: CollectionState| items.iter().filter(|i| i.state == s).count();
    say(format!(
        "\n{} collected · {} open · {} due · {} overdue",
        count(CollectionState::Collected),
        count(CollectionState::Open),
        count(CollectionState::Due),
        count(CollectionState::Overdue)
    ));
    say(format!(
        "next management review due {next_review}{}",
        if review_overdue { " (OVERDUE)" } else { "" }
    ));
    match &next_audit {
        Some((id, start, title)) => say(format!("next internal audit: {id} {title}, from {start}")),
        None => say("next internal audit: none planned (see `clause9 audit plan`)"),
    }
    if !overdue_work.is_empty() {
        say("\noverdue corrective actions and checks:");
        for line in &overdue_work {
            say(format!("  {line}"));
        }
    }
    Ok(())
}
