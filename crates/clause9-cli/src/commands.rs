//! One module per command; `run` dispatches.

mod collect;
mod evaluate;
mod history;
mod import;
mod init;
pub mod record;
mod status;
mod validate;

use crate::cli::Command;
use crate::error::CliResult;

pub async fn run(command: Command) -> CliResult {
    match command {
        Command::Init {
            dir,
            library,
            store,
        } => init::run(&dir, library, &store).await,
        Command::Validate { dir } => validate::run(&dir),
        Command::Collect {
            dir,
            period,
            from,
            to,
            measure,
            store,
        } => {
            collect::run(
                &dir,
                period.as_deref(),
                from.as_deref(),
                to.as_deref(),
                measure.as_deref(),
                &store,
            )
            .await
        }
        Command::Record {
            args,
            period,
            evidence,
            reason,
            by,
            store,
        } => {
            record::run(
                &args,
                &period,
                evidence.as_deref(),
                reason.as_deref(),
                by.as_deref(),
                &store,
            )
            .await
        }
        Command::Evaluate {
            dir,
            period,
            format,
            store,
        } => evaluate::run(&dir, period.as_deref(), format, &store).await,
        Command::Status {
            dir,
            period,
            format,
            store,
        } => status::run(&dir, period.as_deref(), format, &store).await,
        Command::History {
            args,
            format,
            store,
        } => history::run(&args, format, &store).await,
        Command::Import { args, by, store } => import::run(&args, by.as_deref(), &store).await,
    }
}
