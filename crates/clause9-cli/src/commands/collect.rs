//! `clause9 collect`: automated collection of query base measures. Not
//! available yet: it says so plainly and stores nothing.

use std::path::Path;

use crate::context::{load_programme, parse_period};
use crate::error::{CliError, CliResult};

pub fn run(
    dir: &Path,
    period: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    measure: Option<&str>,
) -> CliResult {
    let programme = load_programme(dir)?;
    for p in [period, from, to].into_iter().flatten() {
        parse_period(p)?;
    }
    if let Some(id) = measure
        && programme.measure(id).is_none()
    {
        return Err(CliError::invalid(format!("unknown measure `{id}`")));
    }
    Err(CliError::Failed(anyhow::anyhow!(
        "automated collection is not available yet in this version of clause9: nothing was collected or stored; \
         enter values with `clause9 record` or `clause9 import` until query sources are supported"
    )))
}
