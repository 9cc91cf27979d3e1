//! The workflow records (nonconformities, audits, management reviews) as the
//! command line and the server both use them: rebuilt from their event
//! streams, changed by checking an event against the record (the rules are in
//! `clause9_core`) and appending it through the workflow store, which writes
//! the audit log in the same transaction. One implementation, two front ends.

pub mod audit_programme;
pub mod audits;
pub mod evaluate;
pub mod nonconformities;
pub mod red;
pub mod reviews;

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::de::DeserializeOwned;

use clause9_core::Programme;
use clause9_core::access::{self, Action, Caller, Role};
use clause9_core::refusal::{Problem, Refusal};
use clause9_store::{Appended, NewEvent, Store, StoreError, StoredEvent};

/// Why a use case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// Refused by a rule or by the access policy: what and why, as data
    /// that each front end words (`clause9_core::refusal`).
    #[error("{0}")]
    Refused(Refusal),
    /// A stored event cannot be read back.
    #[error("{0}")]
    Corrupt(String),
    /// The work itself failed (rendering a report): nothing was stored.
    #[error("{0}")]
    Failed(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<Refusal> for RecordError {
    fn from(r: Refusal) -> RecordError {
        RecordError::Refused(r)
    }
}

impl From<clause9_core::nonconformity::Refused> for RecordError {
    fn from(r: clause9_core::nonconformity::Refused) -> RecordError {
        RecordError::Refused(r.into())
    }
}

impl RecordError {
    /// An invalid request: one problem, said in `message`.
    pub fn refused(message: impl Into<String>) -> RecordError {
        let message = message.into();
        Refusal::invalid(message.clone(), vec![Problem::new(message)]).into()
    }

    /// An invalid request about one field.
    pub fn field(field: &str, detail: impl Into<String>) -> RecordError {
        let detail = detail.into();
        Refusal::invalid(detail.clone(), vec![Problem::field(field, detail)]).into()
    }

    /// An invalid request with several problems.
    pub fn problems(message: impl Into<String>, problems: Vec<Problem>) -> RecordError {
        Refusal::invalid(message, problems).into()
    }

    pub fn not_found(message: impl Into<String>) -> RecordError {
        Refusal::not_found(message).into()
    }

    pub fn conflict(message: impl Into<String>) -> RecordError {
        Refusal::conflict(message).into()
    }

    pub fn locked(message: impl Into<String>) -> RecordError {
        Refusal::locked(message).into()
    }

    /// Someone else appended to `stream` meanwhile.
    pub fn changed(stream: &str) -> RecordError {
        RecordError::conflict(format!(
            "{stream} was changed by someone else meanwhile; try again"
        ))
    }

    /// The lines to show a person (fields named as the API names them).
    pub fn lines(&self) -> Vec<String> {
        match self {
            RecordError::Refused(r) => r.lines(str::to_string),
            other => vec![other.to_string()],
        }
    }

    /// The refusal, if this is one.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            RecordError::Refused(r) => Some(r),
            _ => None,
        }
    }
}

pub type RecordResult<T> = Result<T, RecordError>;

/// Who makes a change, with which rights, when it happened (the date) and
/// when it is recorded. Every use case asks the access policy
/// (`clause9_core::access::may`) through [`Actor::may`] before it changes
/// anything.
#[derive(Debug, Clone)]
pub struct Actor {
    /// A person id, or `local:USER`.
    pub by: String,
    /// The role the policy judges.
    pub role: Role,
    /// The account name, for refusals.
    pub name: String,
    /// The date the step happened.
    pub on: Date,
    /// The time it is stored.
    pub at: Timestamp,
}

impl Actor {
    /// A signed-in account acting as its person.
    pub fn account(person: &str, role: Role, name: &str, on: Date, at: Timestamp) -> Actor {
        Actor {
            by: person.to_string(),
            role,
            name: name.to_string(),
            on,
            at,
        }
    }

    /// Whoever can write the store directly (the command line, the server's
    /// own jobs): an administrator, named by `by`.
    pub fn local(by: &str, on: Date, at: Timestamp) -> Actor {
        Actor::account(by, Role::Admin, by, on, at)
    }

    /// The policy's view of this actor.
    pub fn caller(&self) -> Caller<'_> {
        Caller {
            role: self.role,
            person: &self.by,
            name: &self.name,
        }
    }

    /// Whether this actor may do `action` (the one policy); the refusal otherwise.
    pub fn may(&self, programme: &Programme, action: &Action) -> RecordResult<()> {
        access::may(programme, &self.caller(), action).map_err(RecordError::from)
    }
}

/// The events of every stream under `prefix` (`nc/`, `audit/AUD-0001`), grouped by record id.
pub async fn streams(
    store: &dyn Store,
    prefix: &str,
) -> RecordResult<BTreeMap<String, Vec<StoredEvent>>> {
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

pub use clause9_core::workflow::{encode, next_id};

/// A stored payload back as the event and its date.
pub fn decode<E: DeserializeOwned>(e: &StoredEvent) -> RecordResult<(E, Date)> {
    clause9_core::workflow::decode(&e.payload).map_err(|what| {
        RecordError::Corrupt(format!(
            "stored event #{} of {} cannot be read ({what}); the database was changed outside clause9",
            e.id, e.stream
        ))
    })
}

/// A new event for `stream` after `seq - 1` events.
pub fn event(
    stream: &str,
    seq: usize,
    name: &str,
    payload: serde_json::Value,
    by: &str,
    why: &str,
    at: Timestamp,
) -> NewEvent {
    NewEvent {
        stream: stream.to_string(),
        seq: seq as i64,
        event: name.to_string(),
        payload,
        recorded_by: by.to_string(),
        recorded_at: at,
        reason: why.to_string(),
        once_key: None,
    }
}

/// Appends, all or nothing. `Ok(false)` when a once-only event was already stored.
pub async fn append(store: &dyn Store, events: Vec<NewEvent>) -> RecordResult<bool> {
    match store.workflow().append_events(&events).await? {
        Appended::Stored(_) => Ok(true),
        Appended::AlreadyDone { .. } => Ok(false),
        Appended::StreamChanged { stream } => Err(RecordError::changed(&stream)),
    }
}

/// A reason, required: the given one, else `default`.
pub fn reason(why: Option<&str>, default: Option<&str>) -> RecordResult<String> {
    match why.filter(|w| !w.trim().is_empty()).or(default) {
        Some(w) if !w.trim().is_empty() => Ok(w.to_string()),
        _ => Err(RecordError::field(
            "why",
            "say why: every step records its reason",
        )),
    }
}
