//! Wiring shared by the workflow commands (nc, audit, review, oscal): the
//! programme with its registers and store, dates, who records, reading event
//! streams and appending to them.

pub mod audit;
pub mod audit_plan;
pub mod nc;
pub mod oscal;
pub mod red;
pub mod review;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clause9_core::Programme;
use clause9_core::doc::Doc;
use clause9_core::registers::Registers;
use clause9_store::{Appended, NewEvent, Store, StoredEvent};
use jiff::civil::Date;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::cli::StoreArgs;
use crate::cli_workflow::{DocFormat, Step};
use crate::commands::record::recorder;
use crate::context::{open_store, today};
use crate::error::{CliError, CliResult};
use crate::registers::load_all;

/// A programme, its registers and its store.
pub struct Ctx {
    pub programme: Programme,
    pub registers: Registers,
    pub store: Arc<dyn Store>,
}

pub async fn open(dir: &Path, store: &StoreArgs) -> CliResult<Ctx> {
    let (programme, registers) = load_all(dir)?;
    let store = open_store(dir, store).await?;
    Ok(Ctx {
        programme,
        registers,
        store,
    })
}

/// A date argument.
pub fn date(flag: &str, text: &str) -> CliResult<Date> {
    match text.parse::<Date>() {
        Ok(d) if text.len() == 10 => Ok(d),
        _ => Err(CliError::invalid(format!(
            "{flag}: `{text}` is not a date such as 2026-03-31"
        ))),
    }
}

/// The date of a step: --on, else today in the programme's timezone.
pub fn on(programme: &Programme, step: &Step) -> CliResult<Date> {
    match &step.on {
        Some(d) => date("--on", d),
        None => Ok(today(programme)),
    }
}

/// The date overdue work is judged against: --today, else today.
pub fn as_of(programme: &Programme, text: Option<&str>) -> CliResult<Date> {
    match text {
        Some(d) => date("--today", d),
        None => Ok(today(programme)),
    }
}

/// Who records: a person of the programme, else the local account.
pub fn who(programme: &Programme, step: &Step) -> CliResult<String> {
    recorder(programme, step.by.as_deref())
}

/// --why, required.
pub fn why(step: &Step, default: Option<&str>) -> CliResult<String> {
    match step.why.as_deref().or(default) {
        Some(w) if !w.trim().is_empty() => Ok(w.to_string()),
        _ => Err(CliError::invalid(
            "say why with --why \"…\": every step records its reason",
        )),
    }
}

/// A person id of the programme, or an error naming the flag.
pub fn person(programme: &Programme, flag: &str, id: &str) -> CliResult<String> {
    if programme.settings.people.contains_key(id) {
        Ok(id.to_string())
    } else {
        Err(CliError::invalid(format!(
            "{flag}: `{id}` is not a person of this programme (see [people] in clause9.toml)"
        )))
    }
}

/// An event's stored payload: the event with the date it happened.
pub fn encode<E: Serialize>(event: &E, on: Date) -> serde_json::Value {
    let mut v = serde_json::to_value(event).unwrap_or(serde_json::Value::Null);
    if let Some(map) = v.as_object_mut() {
        map.insert("on".into(), serde_json::Value::String(on.to_string()));
    }
    v
}

pub fn decode<E: DeserializeOwned>(e: &StoredEvent) -> CliResult<(E, Date)> {
    let bad = |what: String| {
        CliError::Failed(anyhow::anyhow!(
            "stored event #{} of {} cannot be read ({what}); the database was changed outside clause9",
            e.id,
            e.stream
        ))
    };
    let on = e
        .payload
        .get("on")
        .and_then(|v| v.as_str())
        .and_then(|s| s.parse::<Date>().ok())
        .ok_or_else(|| bad("no date".into()))?;
    let event = serde_json::from_value(e.payload.clone()).map_err(|err| bad(err.to_string()))?;
    Ok((event, on))
}

/// The events of every stream under `prefix` (`nc/`, `audit/AUD-0001`), grouped by record id.
pub async fn streams(
    store: &dyn Store,
    prefix: &str,
) -> CliResult<BTreeMap<String, Vec<StoredEvent>>> {
    let mut out: BTreeMap<String, Vec<StoredEvent>> = BTreeMap::new();
    for e in store.workflow().events(prefix).await? {
        let id = e
            .stream
            .split_once('/')
            .map_or("", |(_, id)| id)
            .to_string();
        out.entry(id).or_default().push(e);
    }
    Ok(out)
}

/// A new event for `stream` after `seq - 1` events.
pub fn event(
    stream: &str,
    seq: usize,
    name: &str,
    payload: serde_json::Value,
    by: &str,
    why: &str,
) -> NewEvent {
    NewEvent {
        stream: stream.to_string(),
        seq: seq as i64,
        event: name.to_string(),
        payload,
        recorded_by: by.to_string(),
        recorded_at: jiff::Timestamp::now(),
        reason: why.to_string(),
        once_key: None,
    }
}

/// Appends, all or nothing. `Ok(false)` when a once-only event was already stored.
pub async fn append(store: &dyn Store, events: Vec<NewEvent>) -> CliResult<bool> {
    match store.workflow().append_events(&events).await? {
        Appended::Stored(_) => Ok(true),
        Appended::AlreadyDone { .. } => Ok(false),
        Appended::StreamChanged { stream } => Err(CliError::Failed(anyhow::anyhow!(
            "{stream} was changed by someone else meanwhile; run the command again"
        ))),
    }
}

/// The next free id `PREFIX-0001` given the ids in use (shared with the server).
pub use clause9_core::nonconformity::steps::next_id;

/// Writes a document (or JSON) to a file or standard output.
pub fn emit(
    doc: &Doc,
    json: impl FnOnce() -> serde_json::Value,
    format: DocFormat,
    output: Option<&PathBuf>,
) -> CliResult {
    let text = match format {
        DocFormat::Md => doc.markdown(),
        DocFormat::Html => doc.html(),
        DocFormat::Json => format!("{:#}\n", json()),
        DocFormat::Pdf => {
            return Err(CliError::invalid(
                "--format pdf is not available yet (PDF comes with the report crate); use --format html or md",
            ));
        }
    };
    match output {
        Some(path) => {
            std::fs::write(path, text)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            crate::output::say(format!("wrote {}", path.display()));
        }
        None => print!("{text}"),
    }
    Ok(())
}
