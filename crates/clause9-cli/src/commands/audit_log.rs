//! `clause9 audit-log [DIR] [--since …] [--format json]` lists the audit log;
//! `clause9 audit-log verify [DIR]` checks its hash chain.

use std::path::Path;

use anyhow::anyhow;
use clause9_store::audit_log::AuditQuery;
use jiff::Timestamp;

use crate::cli::{Format, StoreArgs};
use crate::context::open_store;
use crate::error::{CliError, CliResult};
use crate::output::{self, Cell, say};

pub(super) async fn list(
    dir: &Path,
    since: Option<&str>,
    format: Format,
    store_args: &StoreArgs,
) -> CliResult {
    let since = since.map(parse_since).transpose()?;
    let store = open_store(dir, store_args).await?;
    let entries = store
        .audit_log()
        .entries(&AuditQuery {
            since,
            ..AuditQuery::default()
        })
        .await?;
    if format == Format::Json {
        return Ok(output::json(&entries)?);
    }
    let rows = entries
        .iter()
        .map(|e| {
            vec![
                Cell::from(e.seq.to_string()),
                Cell::from(e.at.to_string()),
                Cell::from(e.actor.clone()),
                Cell::from(e.kind.clone()),
                Cell::from(e.subject.clone()),
                Cell::from(clause9_store::audit_log::canonical_json(&e.details)),
            ]
        })
        .collect();
    output::table(&["#", "at", "actor", "kind", "subject", "details"], rows);
    Ok(())
}

pub(super) async fn verify(dir: &Path, format: Format, store_args: &StoreArgs) -> CliResult {
    let store = open_store(dir, store_args).await?;
    let report = store.audit_log().verify().await?;
    if format == Format::Json {
        output::json(&report)?;
    } else if report.problem.is_none() {
        say(format!(
            "audit log intact: {} entries, head {}",
            report.entries, report.head
        ));
    }
    match report.problem {
        None => Ok(()),
        Some(problem) => Err(CliError::Failed(anyhow!(
            "the audit log was tampered with: {}; restore the database from a backup and investigate who had write access",
            problem.message
        ))),
    }
}

/// `2026-11-01` (midnight UTC) or an RFC 3339 time.
fn parse_since(text: &str) -> CliResult<Timestamp> {
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts);
    }
    text.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp())
        .ok_or_else(|| {
            CliError::invalid(format!(
                "--since `{text}` is not a date or time; write 2026-11-01 or 2026-11-01T09:00:00Z"
            ))
        })
}
