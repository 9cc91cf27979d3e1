//! `clause9 demo [DIR] [--listen ADDR] [--no-serve]`: writes a complete
//! fictional organisation — the measure library with two years of history,
//! registers, automated measures collected from real scanner outputs, an
//! audit cycle, nonconformities and management reviews — and, without
//! `--no-serve`, serves it with administrator, collector, auditor and
//! reviewer accounts whose generated passwords are printed once.

use std::path::Path;

use anyhow::Context as _;
use clause9_app::values::{self, Given};
use clause9_core::engine::evaluate;
use clause9_core::evaluation::Status;
use clause9_core::observation::NewObservation;
use clause9_core::period::{Frequency, Period};

use crate::cli::StoreArgs;
use crate::context::{current_for, load_programme, open_store, today};
use crate::demo::plan_history;
use crate::error::{CliError, CliResult};
use crate::output::say;
use crate::starter::{self, Shipped};

pub(super) async fn run(
    dir: &Path,
    listen: &str,
    no_serve: bool,
    store_args: &StoreArgs,
) -> CliResult {
    let listen = if no_serve {
        None
    } else {
        Some(crate::demo::serve::listen_address(listen)?)
    };
    if dir.join("clause9.toml").exists() {
        return Err(CliError::invalid(format!(
            "{} already holds a programme (clause9.toml exists); choose an empty directory",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    starter::write(Shipped::Library, dir)?;
    let shipped = load_programme(dir)?;
    let today = today(&shipped);
    starter::start_months_back(dir, today, 24)?;
    crate::demo::organisation::write_all(dir, today)?;
    let programme = load_programme(dir)?;

    let planned = plan_history(&programme, today, crate::context::now(&programme));
    let store = open_store(dir, store_args).await?;
    let originals: Vec<NewObservation> = planned.iter().map(|p| p.observation.clone()).collect();
    let stored = values::record(
        store.as_ref(),
        originals.into_iter().map(Given::from).collect(),
    )
    .await?
    .stored;
    let corrections: Vec<NewObservation> = planned
        .iter()
        .zip(&stored)
        .filter_map(|(p, o)| {
            let c = p.correction.as_ref()?;
            Some(NewObservation {
                value: Some(c.value),
                recorded_at: c.at,
                recorded_by: c.by.clone(),
                supersedes: Some(o.id),
                reason: Some(c.reason.clone()),
                ..o.new.clone()
            })
        })
        .collect();
    let corrected = values::record(
        store.as_ref(),
        corrections.into_iter().map(Given::from).collect(),
    )
    .await?
    .stored;

    // the automated measures, collected by the real engine; then the records
    // of audits, nonconformities and reviews, written by the real commands
    let last = Period::containing(Frequency::Monthly, today).prev();
    let mut first = last;
    for _ in 0..5 {
        first = first.prev();
    }
    let (ready, waiting) = crate::demo::platforms::split(&programme);
    crate::output::set_quiet(true);
    let mut collected = Ok(());
    for id in &ready {
        collected = super::collect::run(
            dir,
            None,
            Some(&first.to_string()),
            Some(&last.to_string()),
            Some(id),
            store_args,
        )
        .await;
        if collected.is_err() {
            break;
        }
    }
    let records = match collected {
        Ok(()) => crate::demo::records::write(dir, today, store_args).await,
        Err(e) => Err(e),
    };
    crate::output::set_quiet(false);
    let commands = records?;

    let last_month = Period::containing(Frequency::Monthly, today).prev();
    let observations = current_for(&programme, store.as_ref(), last_month).await?;
    let evaluation = evaluate(&programme, &observations, last_month);
    let count = |s: Status| evaluation.measures.iter().filter(|m| m.status == s).count();
    say(format!(
        "wrote a demonstration organisation to {}: {} measures, {} values over two years ({} corrected later)",
        dir.display(),
        programme.measures.len(),
        stored.len() + corrected.len(),
        corrected.len()
    ));
    say(format!(
        "{last_month}: {} green · {} amber · {} red · {} no data",
        count(Status::Green),
        count(Status::Amber),
        count(Status::Red),
        count(Status::NoData)
    ));
    let audits = crate::workflow::audit::load_all(store.as_ref()).await?;
    let ncs = crate::workflow::nc::load_all(store.as_ref()).await?;
    let reviews = crate::workflow::review::load_all(store.as_ref()).await?;
    say(format!(
        "automated: {} measures collected by their queries for {first} to {last}",
        ready.len()
    ));
    for (id, unset) in &waiting {
        say(format!(
            "not collected: {id} reads a platform that is not configured; set {} to collect it (docs/demo.md)",
            unset.join(", ")
        ));
    }
    say(format!(
        "records ({commands} commands): {} audits with {} findings · {} nonconformities ({} open) · {} management reviews ({} signed)",
        audits.len(),
        audits.iter().map(|a| a.findings.len()).sum::<usize>(),
        ncs.len(),
        ncs.iter().filter(|n| n.is_open()).count(),
        reviews.len(),
        reviews.iter().filter(|r| r.signed.is_some()).count()
    ));
    say(format!(
        "explore it: clause9 evaluate {d} --period {last_month} · clause9 status {d} · clause9 history {d} M-VUL-01 · clause9 nc list {d} --all · clause9 audit list {d} · clause9 review list {d}",
        d = dir.display()
    ));
    if let Some(listen) = listen {
        let logins = crate::demo::serve::add_accounts(store.as_ref()).await?;
        drop(store);
        crate::demo::serve::serve(dir, listen, store_args, &logins).await?;
    }
    Ok(())
}
