//! The demonstration organisation's audit, nonconformity and management
//! review records, written by running the real `clause9 audit`, `nc` and
//! `review` commands (parsed from their command lines, so every refusal and
//! every audit-log entry is the one a user would get): one audit cycle with
//! findings of every grade and the routine audits the programme asked for
//! so far, nonconformities in every lifecycle state with
//! SMART actions, two signed reviews and one in preparation. Every date is
//! relative to the day the demo runs.

use clap::Parser as _;
use jiff::ToSpan;
use jiff::civil::Date;

mod audits;
mod nonconformities;
mod reviews;
mod routine;

use crate::cli::{Cli, Command, StoreArgs};
use crate::error::{CliError, CliResult};

/// Runs `clause9 ARGS…` for the workflow commands.
pub(crate) struct Script<'a> {
    dir: String,
    today: Date,
    store: &'a StoreArgs,
    ran: usize,
}

impl Script<'_> {
    /// The date `days` before today (negative: after).
    pub(crate) fn d(&self, days: i64) -> String {
        self.today
            .checked_sub(days.days())
            .unwrap_or(self.today)
            .to_string()
    }

    pub(crate) async fn run(&mut self, args: &[&str]) -> CliResult {
        let mut argv: Vec<String> = vec!["clause9".into()];
        argv.extend(args.iter().take(2).map(|a| a.to_string()));
        argv.push(self.dir.clone());
        argv.extend(args.iter().skip(2).map(|a| a.to_string()));
        if let Some(url) = &self.store.database_url {
            argv.extend(["--database-url".into(), url.clone()]);
        }
        let failed = |e: String| {
            CliError::Failed(anyhow::anyhow!(
                "the demo's records could not be written: `{}`: {e}",
                argv[1..].join(" ")
            ))
        };
        let cli = Cli::try_parse_from(&argv).map_err(|e| failed(e.to_string()))?;
        let outcome = match cli.command {
            Command::Nc(c) => crate::workflow::nc::run(c).await,
            Command::Audit(c) => crate::workflow::audit::run(c).await,
            Command::Review(c) => crate::workflow::review::run(c).await,
            _ => return Err(failed("not a workflow command".into())),
        };
        outcome.map_err(|e| match e {
            CliError::Invalid(lines) => failed(lines.join("; ")),
            CliError::Failed(e) => failed(e.to_string()),
            CliError::Programme(problems) => failed(
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        })?;
        self.ran += 1;
        Ok(())
    }
}

/// Writes every record; returns how many commands it took.
pub(crate) async fn write(
    dir: &std::path::Path,
    today: Date,
    store: &StoreArgs,
) -> CliResult<usize> {
    let mut s = Script {
        dir: dir.display().to_string(),
        today,
        store,
        ran: 0,
    };
    audits::write(&mut s).await?;
    nonconformities::write(&mut s).await?;
    reviews::write(&mut s).await?;
    // last: the programme's plan depends on the nonconformities raised before the cycle
    routine::write(&mut s).await?;
    Ok(s.ran)
}
