//! `clause9 serve [DIR] [--listen ADDR] [--database-url URL] [--collect-…]`:
//! runs the HTTP server (and its scheduled collection) until Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use clause9_server::collection::CollectionSchedule;
use clause9_server::jobs::CollectionPolicy;
use clause9_server::{ServeOptions, Settings};
use jiff::SignedDuration;

use crate::cli::{ScheduleArgs, StoreArgs};
use crate::error::{CliError, CliResult};

pub async fn run(
    dir: &Path,
    listen: &str,
    insecure_cookies: bool,
    schedule: &ScheduleArgs,
    store: &StoreArgs,
) -> CliResult {
    if !dir.join("clause9.toml").is_file() {
        return Err(CliError::invalid(format!(
            "{} is not a clause9 programme: no clause9.toml (create one with `clause9 init {}`)",
            dir.display(),
            dir.display()
        )));
    }
    let listen: SocketAddr = listen.parse().map_err(|_| {
        CliError::invalid(format!(
            "--listen `{listen}` is not an address such as 127.0.0.1:8080"
        ))
    })?;
    let collection = collection_schedule(schedule)?;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CLAUSE9_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let options = ServeOptions {
        dir: dir.to_path_buf(),
        listen,
        database_url: store.database_url.clone(),
        settings: Settings {
            secure_cookies: !insecure_cookies,
            collection,
            ..Settings::default()
        },
    };
    clause9_server::serve(options).await?;
    Ok(())
}

fn collection_schedule(args: &ScheduleArgs) -> Result<CollectionSchedule, CliError> {
    if args.collect_attempts == 0 {
        return Err(CliError::invalid(
            "--collect-attempts must be at least 1",
        ));
    }
    let defaults = CollectionPolicy::default();
    let every = duration("--collect-every", &args.collect_every)?;
    if every.is_zero() {
        return Err(CliError::invalid(
            "--collect-every must be longer than 0s, such as 1m",
        ));
    }
    Ok(CollectionSchedule {
        enabled: !args.no_scheduled_collection,
        every,
        catch_up: args.collect_catch_up,
        policy: CollectionPolicy {
            delay: SignedDuration::try_from(duration("--collect-delay", &args.collect_delay)?)
                .map_err(|e| CliError::invalid(format!("--collect-delay: {e}")))?,
            first_backoff: duration("--collect-backoff", &args.collect_backoff)?,
            max_backoff: duration("--collect-max-backoff", &args.collect_max_backoff)?,
            max_attempts: args.collect_attempts,
            ..defaults
        },
    })
}

/// A duration flag such as `90s`, `10m`, `2h` or `1h 30m`.
fn duration(flag: &str, text: &str) -> Result<Duration, CliError> {
    let parsed: SignedDuration = text.trim().parse().map_err(|_| {
        CliError::invalid(format!(
            "{flag} `{text}` is not a duration: write it like 90s, 10m, 2h or 1h 30m"
        ))
    })?;
    if parsed.is_negative() {
        return Err(CliError::invalid(format!(
            "{flag} `{text}` is negative: give a duration such as 10m"
        )));
    }
    Ok(parsed.unsigned_abs())
}
