//! Wiring shared by the workflow commands (nc, audit, review, oscal): the
//! programme with its registers and store, dates, who records, new events;
//! the records themselves are `clause9_app::records`, shared with the server.

pub(crate) mod audit;
pub(crate) mod audit_plan;
pub(crate) mod nc;
pub(crate) mod oscal;
pub(crate) mod red;
pub(crate) mod review;

use clause9_core::refusal::RefusalKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clause9_app::records::{Actor, RecordError};
use clause9_core::Programme;
use clause9_core::doc::Doc;
use clause9_core::registers::Registers;
use clause9_store::Store;
use jiff::civil::Date;

use crate::cli::StoreArgs;
use crate::cli_workflow::{DocFormat, Step};
use crate::commands::record::recorder;
use crate::context::{open_store, today};
use crate::error::{CliError, CliResult};
use crate::registers::load_all;

/// A programme, its registers and its store.
pub(crate) struct Ctx {
    pub programme: Programme,
    pub registers: Registers,
    pub store: Arc<dyn Store>,
}

pub(crate) async fn open(dir: &Path, store: &StoreArgs) -> CliResult<Ctx> {
    let (programme, registers) = load_all(dir)?;
    let store = open_store(dir, store).await?;
    Ok(Ctx {
        programme,
        registers,
        store,
    })
}

/// A date argument.
pub(crate) fn date(flag: &str, text: &str) -> CliResult<Date> {
    match text.parse::<Date>() {
        Ok(d) if text.len() == 10 => Ok(d),
        _ => Err(CliError::invalid(format!(
            "{flag}: `{text}` is not a date such as 2026-03-31"
        ))),
    }
}

/// The date of a step: --on, else today in the programme's timezone.
pub(crate) fn on(programme: &Programme, step: &Step) -> CliResult<Date> {
    match &step.on {
        Some(d) => date("--on", d),
        None => Ok(today(programme)),
    }
}

/// Who records: a person of the programme, else the local account.
pub(crate) fn who(programme: &Programme, step: &Step) -> CliResult<String> {
    recorder(programme, step.by.as_deref())
}

/// --why, required.
pub(crate) fn why(step: &Step, default: Option<&str>) -> CliResult<String> {
    match step.why.as_deref().or(default) {
        Some(w) if !w.trim().is_empty() => Ok(w.to_string()),
        _ => Err(CliError::invalid(
            "say why with --why \"…\": every step records its reason",
        )),
    }
}

/// A person id of the programme, or an error naming the flag.
pub(crate) fn person(programme: &Programme, flag: &str, id: &str) -> CliResult<String> {
    if programme.settings.people.contains_key(id) {
        Ok(id.to_string())
    } else {
        Err(CliError::invalid(format!(
            "{flag}: `{id}` is not a person of this programme (see [people] in clause9.toml)"
        )))
    }
}

/// The flag that sets a request field (`success_criterion` → `--success`).
pub(crate) fn flag(field: &str) -> String {
    match field {
        "success_criterion" => "--success".into(),
        "whys" => "--why-chain".into(),
        "effective" => "--effective or --not-effective".into(),
        other => format!("--{}", other.replace('_', "-")),
    }
}

impl From<RecordError> for CliError {
    fn from(e: RecordError) -> CliError {
        match e {
            RecordError::Store(e) => e.into(),
            RecordError::Corrupt(m) | RecordError::Failed(m) => {
                CliError::Failed(anyhow::anyhow!(m))
            }
            RecordError::Refused(r) => CliError::Invalid(r.message_and_lines(flag)),
        }
    }
}

/// A missing record said with where to look (`hint`); other errors as they are.
pub(crate) fn or_missing(e: RecordError, hint: &str) -> CliError {
    match e {
        RecordError::Refused(r) if r.kind == RefusalKind::NotFound => {
            CliError::invalid(format!("{}: {hint}", r.message))
        }
        other => other.into(),
    }
}

/// Who records a step, on which date, stored now. The command line is a
/// local tool: whoever may write the store acts as an administrator.
pub(crate) fn actor(programme: &Programme, step: &Step) -> CliResult<Actor> {
    Ok(Actor::local(
        &who(programme, step)?,
        on(programme, step)?,
        crate::context::now(programme),
    ))
}

/// Writes a document (or JSON) to a file or standard output.
pub(crate) fn emit(
    doc: &Doc,
    json: impl FnOnce() -> serde_json::Value,
    format: DocFormat,
    output: Option<&PathBuf>,
) -> CliResult {
    let text: Vec<u8> = match format {
        DocFormat::Md => doc.markdown().into_bytes(),
        DocFormat::Html => doc.html().into_bytes(),
        DocFormat::Json => format!("{:#}\n", json()).into_bytes(),
        DocFormat::Pdf => {
            if output.is_none() {
                return Err(CliError::invalid(
                    "--format pdf writes a binary file: give it a name with -o FILE.pdf",
                ));
            }
            clause9_report::doc_pdf::render(doc).map_err(|e| anyhow::anyhow!(e))?
        }
    };
    match output {
        Some(path) => {
            std::fs::write(path, text)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            crate::output::say(format!("wrote {}", path.display()));
        }
        None => {
            use std::io::Write as _;
            std::io::stdout()
                .write_all(&text)
                .map_err(|e| anyhow::anyhow!("cannot write to standard output: {e}"))?;
        }
    }
    Ok(())
}
