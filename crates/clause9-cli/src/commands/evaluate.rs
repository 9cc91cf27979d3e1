//! `clause9 evaluate [DIR] --period P [--format table|json]`.

use std::path::Path;

use clause9_core::engine::evaluate;
use clause9_core::evaluation::Status;

use crate::cli::{Format, StoreArgs};
use crate::context::{current_for, load_programme, open_store, period_or_current};
use crate::error::CliResult;
use crate::output::{self, Cell, DIM, number, say, status_style, styled};

pub(super) async fn run(
    dir: &Path,
    period: Option<&str>,
    format: Format,
    store_args: &StoreArgs,
) -> CliResult {
    let programme = load_programme(dir)?;
    let period = period_or_current(&programme, period)?;
    let store = open_store(dir, store_args).await?;
    let observations = current_for(&programme, store.as_ref(), period).await?;
    let evaluation = evaluate(&programme, &observations, period);
    // red indicators with on_red = "nonconformity" raise one (once per period)
    let raised = crate::workflow::red::raise_from_red(
        &programme,
        &evaluation,
        store.as_ref(),
        crate::context::today(&programme),
    )
    .await?;
    for line in raised {
        eprintln!("{line}");
    }
    if format == Format::Json {
        let evaluation = super::analyse::analysed(&programme, store.as_ref(), period).await?;
        return Ok(output::json(&evaluation)?);
    }

    say(format!(
        "{} — {}",
        programme.settings.name, evaluation.period
    ));
    let rows = evaluation
        .measures
        .iter()
        .map(|m| {
            let value = m.value.map_or_else(
                || "—".to_string(),
                |v| format!("{}{}", number(v), unit(&m.unit)),
            );
            vec![
                styled(format!("● {}", m.status.as_str()), status_style(m.status)),
                Cell::from(m.id.clone()),
                Cell::from(m.name.clone()),
                Cell::from(value),
                Cell::from(format!("{}{}", number(m.target), unit(&m.unit))),
            ]
        })
        .collect();
    output::table(&["status", "measure", "name", "value", "target"], rows);
    let count = |s: Status| evaluation.measures.iter().filter(|m| m.status == s).count();
    say(format!(
        "\n{} green · {} amber · {} red · {} no data",
        count(Status::Green),
        count(Status::Amber),
        count(Status::Red),
        count(Status::NoData)
    ));
    let explained: Vec<_> = evaluation
        .measures
        .iter()
        .filter(|m| !m.diagnostics.is_empty())
        .collect();
    if !explained.is_empty() {
        say("");
        for m in explained {
            for d in &m.diagnostics {
                say(format!(
                    "{}{}{}: {d}",
                    DIM.render(),
                    m.id,
                    DIM.render_reset()
                ));
            }
        }
    }
    Ok(())
}

fn unit(u: &str) -> String {
    match u {
        "" => String::new(),
        "%" => "%".into(),
        other => format!(" {other}"),
    }
}
