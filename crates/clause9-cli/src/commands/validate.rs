//! `clause9 validate [DIR]`: checks every file and prints every problem.

use std::path::Path;

use crate::error::CliResult;
use crate::output::say;
use crate::registers::load_all;

pub(super) fn run(dir: &Path) -> CliResult {
    let (programme, registers) = load_all(dir)?;
    let active = programme.measures.iter().filter(|m| m.is_active()).count();
    say(format!(
        "{}: valid ({} measures, {active} active; registers: {} issues, {} parties, {} feedback, {} risks, {} exclusions, {} auditors)",
        dir.display(),
        programme.measures.len(),
        registers.issues.len(),
        registers.parties.len(),
        registers.feedback.len(),
        registers.risks.len(),
        registers.exclusions.len(),
        registers.auditors.len()
    ));
    Ok(())
}
