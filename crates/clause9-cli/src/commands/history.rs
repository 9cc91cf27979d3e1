//! `clause9 history [DIR] MEASURE`: every stored value with its provenance,
//! corrections included.

use crate::cli::{Format, StoreArgs};
use crate::context::{load_programme, open_store, split_dir};
use crate::error::{CliError, CliResult};
use crate::output::{self, Cell, DIM, number, say, styled};

pub(super) async fn run(args: &[String], format: Format, store_args: &StoreArgs) -> CliResult {
    let (dir, rest) = split_dir(args, 1);
    let measure_id = rest.first().cloned().unwrap_or_default();
    let programme = load_programme(&dir)?;
    let store = open_store(&dir, store_args).await?;
    let mut history = store.history(&measure_id).await?;
    if history.is_empty() && programme.measure(&measure_id).is_none() {
        return Err(CliError::invalid(format!(
            "unknown measure `{measure_id}` and nothing stored for it"
        )));
    }
    history
        .sort_by(|a, b| (a.new.period, &a.new.base, a.id).cmp(&(b.new.period, &b.new.base, b.id)));
    if format == Format::Json {
        return Ok(output::json(&history)?);
    }
    say(format!("{measure_id}: {} stored values", history.len()));
    let rows = history
        .iter()
        .map(|o| {
            let style = if o.is_current() {
                Default::default()
            } else {
                DIM
            };
            let evidence = match (
                &o.new.evidence.name,
                &o.new.evidence.sha256,
                &o.new.evidence.url,
            ) {
                (Some(n), Some(h), _) => format!("{n} sha256:{}", &h[..12.min(h.len())]),
                (_, _, Some(u)) => u.clone(),
                _ => "—".into(),
            };
            let note = match (o.new.supersedes, o.superseded_by) {
                (_, Some(by)) => format!("superseded by #{by}"),
                (Some(old), None) => format!(
                    "corrects #{old}: {}",
                    o.new.reason.clone().unwrap_or_default()
                ),
                _ => String::new(),
            };
            vec![
                styled(format!("#{}", o.id), style),
                styled(o.new.period.to_string(), style),
                styled(o.new.base.clone(), style),
                styled(o.new.value.map_or("no value".into(), number), style),
                Cell::from(format!("v{}", o.new.definition_version)),
                Cell::from(o.new.method.as_str()),
                Cell::from(o.new.recorded_by.clone()),
                Cell::from(o.new.recorded_at.strftime("%Y-%m-%d %H:%M:%SZ").to_string()),
                Cell::from(evidence),
                Cell::from(note),
            ]
        })
        .collect();
    output::table(
        &[
            "id",
            "period",
            "base",
            "value",
            "def",
            "how",
            "by",
            "recorded (UTC)",
            "evidence",
            "note",
        ],
        rows,
    );
    Ok(())
}
