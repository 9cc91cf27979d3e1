//! Red indicators with `on_red = "nonconformity"` raise a nonconformity when
//! evaluated (the rule is `clause9_app::records::red`, shared with the
//! server's job). Also the overdue work shown by `clause9 status`.

use clause9_core::Programme;
use clause9_core::evaluation::Evaluation;
use clause9_store::Store;
use jiff::civil::Date;

use super::nc::{load_all, overdue_text};
use crate::error::CliResult;

/// Raises what the evaluation asks for; returns one line per change.
pub(crate) async fn raise_from_red(
    programme: &Programme,
    evaluation: &Evaluation,
    store: &dyn Store,
    today: Date,
) -> CliResult<Vec<String>> {
    Ok(clause9_app::records::red::raise_from_red(
        programme,
        evaluation,
        store,
        today,
        crate::context::now(programme),
    )
    .await?)
}

/// Overdue corrective actions and effectiveness checks, one line each.
pub(crate) async fn overdue_work(store: &dyn Store, today: Date) -> CliResult<Vec<String>> {
    Ok(load_all(store)
        .await?
        .iter()
        .filter(|n| n.is_open() && n.is_overdue(today))
        .map(|n| {
            format!(
                "{} ({}): {}",
                n.id,
                n.state.as_str(),
                overdue_text(n, today)
            )
        })
        .collect())
}
