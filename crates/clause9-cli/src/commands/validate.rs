//! `clause9 validate [DIR]`: checks every file and prints every problem.

use std::path::Path;

use crate::context::load_programme;
use crate::error::CliResult;
use crate::output::say;

pub fn run(dir: &Path) -> CliResult {
    let programme = load_programme(dir)?;
    let active = programme.measures.iter().filter(|m| m.is_active()).count();
    say(format!(
        "{}: valid ({} measures, {active} active)",
        dir.display(),
        programme.measures.len()
    ));
    Ok(())
}
