//! Nonconformities and corrective actions (ISO/IEC 27001 10.2) as a pure state
//! machine over events: raised → corrected → root cause analysed → action
//! planned → implemented → effectiveness verified → closed, reopened when a
//! verification fails. Nothing reads the clock: dates are arguments.

pub mod events;
pub mod from_red;

use crate::refusal::{Problem, Refusal};
use jiff::civil::Date;
use serde::Serialize;

pub use events::{Action, Check, CheckMethod, Event, Source, Transition};

/// Where a nonconformity is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Raised,
    Corrected,
    RootCauseAnalysed,
    ActionPlanned,
    Implemented,
    Verified,
    Closed,
    Reopened,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Raised => "raised",
            State::Corrected => "corrected",
            State::RootCauseAnalysed => "root_cause_analysed",
            State::ActionPlanned => "action_planned",
            State::Implemented => "implemented",
            State::Verified => "verified",
            State::Closed => "closed",
            State::Reopened => "reopened",
        }
    }
}

/// One transition as recorded: what, who, when (the date it happened), why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub event: String,
    pub by: String,
    pub on: Date,
    pub why: String,
}

/// A nonconformity as its events make it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nonconformity {
    pub id: String,
    pub state: State,
    pub source: Source,
    pub description: String,
    pub severity: String,
    pub area: Option<String>,
    pub controls: Vec<String>,
    pub raised_on: Date,
    pub correction: Option<String>,
    pub root_cause: Option<String>,
    pub whys: Vec<String>,
    pub extent: Option<String>,
    pub actions: Vec<Action>,
    pub check: Option<Check>,
    /// Periods in which the linked indicator was red again while this was open.
    pub recurrences: Vec<String>,
    pub closed_on: Option<Date>,
    pub history: Vec<Step>,
}

/// Why a transition is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("{id} is {state}: {what} is not possible now; {next}")]
    WrongState {
        id: String,
        state: &'static str,
        what: &'static str,
        next: String,
    },
    /// The fields an action lacks (`description`, `owner`, `due`,
    /// `success_criterion`).
    #[error("the action is not SMART: missing {}", .0.iter().map(|f| smart_part(f)).collect::<Vec<_>>().join(", "))]
    NotSmart(Vec<&'static str>),
    /// A field the step needs is blank.
    #[error("{message}")]
    Missing {
        field: &'static str,
        message: &'static str,
    },
    #[error("{0}")]
    Invalid(String),
}

/// What a missing field of an action is, in words.
pub fn smart_part(field: &str) -> &'static str {
    match field {
        "description" => "a description",
        "owner" => "an owner",
        "due" => "a due date",
        _ => "a measurable success criterion",
    }
}

impl From<Refused> for Refusal {
    fn from(e: Refused) -> Refusal {
        match &e {
            Refused::WrongState { .. } => Refusal::conflict(e.to_string()),
            Refused::NotSmart(fields) => Refusal::invalid(
                e.to_string(),
                fields
                    .iter()
                    .map(|f| Problem::field(*f, format!("{} is required", smart_part(f))))
                    .collect(),
            ),
            Refused::Missing { field, message } => {
                Refusal::invalid(*message, vec![Problem::field(*field, *message)])
            }
            Refused::Invalid(m) => Refusal::invalid(m.clone(), vec![Problem::new(m.clone())]),
        }
    }
}

/// What a record in each state waits for.
pub fn next_step(state: State) -> &'static str {
    match state {
        State::Raised => "record the correction",
        State::Corrected | State::Reopened => "analyse the root cause",
        State::RootCauseAnalysed => "plan an action",
        State::ActionPlanned => "implement the actions and plan an effectiveness check",
        State::Implemented => "verify effectiveness on the planned check date",
        State::Verified => "close it",
        State::Closed => "nothing: it is closed",
    }
}

impl Nonconformity {
    /// Builds the record from its events, in order; the first must be `Raised`.
    pub fn replay(id: &str, events: &[Transition]) -> Result<Nonconformity, Refused> {
        let Some((first, rest)) = events.split_first() else {
            return Err(Refused::Invalid(format!("{id} has no events")));
        };
        let Event::Raised {
            source,
            description,
            severity,
            area,
            controls,
        } = &first.event
        else {
            return Err(Refused::Invalid(format!(
                "{id} does not start with `raised`"
            )));
        };
        let mut nc = Nonconformity {
            id: id.to_string(),
            state: State::Raised,
            source: source.clone(),
            description: description.clone(),
            severity: severity.clone(),
            area: area.clone(),
            controls: controls.clone(),
            raised_on: first.on,
            correction: None,
            root_cause: None,
            whys: Vec::new(),
            extent: None,
            actions: Vec::new(),
            check: None,
            recurrences: Vec::new(),
            closed_on: None,
            history: vec![first.step()],
        };
        for t in rest {
            nc.apply(t)?;
        }
        Ok(nc)
    }

    fn refuse(&self, what: &'static str) -> Refused {
        Refused::WrongState {
            id: self.id.clone(),
            state: self.state.as_str(),
            what,
            next: format!("next: {}", next_step(self.state)),
        }
    }

    /// Checks a transition against the current state and applies it.
    pub fn apply(&mut self, t: &Transition) -> Result<(), Refused> {
        if t.why.trim().is_empty() {
            return Err(Refused::Missing {
                field: "why",
                message: "say why: every step records its reason",
            });
        }
        if t.on < self.history.last().map_or(self.raised_on, |s| s.on) {
            return Err(Refused::Invalid(format!(
                "{} cannot be dated {}: its last step was on {}",
                self.id,
                t.on,
                self.history.last().map_or(self.raised_on, |s| s.on)
            )));
        }
        match &t.event {
            Event::Raised { .. } => {
                return Err(Refused::Invalid(format!("{} is already raised", self.id)));
            }
            Event::Corrected { correction } => {
                if self.state != State::Raised {
                    return Err(self.refuse("recording the correction"));
                }
                self.correction = Some(correction.clone());
                self.state = State::Corrected;
            }
            Event::RootCauseAnalysed {
                whys,
                cause,
                extent,
            } => {
                if !matches!(self.state, State::Corrected | State::Reopened) {
                    return Err(self.refuse("a root cause analysis"));
                }
                if cause.trim().is_empty() && whys.is_empty() {
                    return Err(Refused::Missing {
                        field: "cause",
                        message: "give the root cause, or the five whys that lead to it",
                    });
                }
                self.whys = whys.clone();
                self.root_cause = Some(if cause.trim().is_empty() {
                    whys.last().cloned().unwrap_or_default()
                } else {
                    cause.clone()
                });
                self.extent = Some(extent.clone());
                self.state = State::RootCauseAnalysed;
            }
            Event::ActionPlanned { action } => {
                if !matches!(
                    self.state,
                    State::RootCauseAnalysed | State::ActionPlanned | State::Implemented
                ) {
                    return Err(self.refuse("planning an action"));
                }
                action.check_smart()?;
                if self.actions.iter().any(|a| a.id == action.id) {
                    return Err(Refused::Invalid(format!(
                        "{} already has action {}",
                        self.id, action.id
                    )));
                }
                self.actions.push(action.clone());
                self.state = State::ActionPlanned;
            }
            Event::ActionImplemented { action, note } => {
                if self.state != State::ActionPlanned {
                    return Err(self.refuse("implementing an action"));
                }
                let id = self.id.clone();
                let a = self
                    .actions
                    .iter_mut()
                    .find(|a| &a.id == action)
                    .ok_or_else(|| Refused::Invalid(format!("{id} has no action {action}")))?;
                if a.implemented_on.is_some() {
                    return Err(Refused::Invalid(format!(
                        "action {action} of {id} is already implemented"
                    )));
                }
                a.implemented_on = Some(t.on);
                a.note = Some(note.clone());
                if self.actions.iter().all(|a| a.implemented_on.is_some()) {
                    self.state = State::Implemented;
                }
            }
            Event::CheckPlanned { check } => {
                if !matches!(self.state, State::ActionPlanned | State::Implemented) {
                    return Err(self.refuse("planning the effectiveness check"));
                }
                if check.on < t.on {
                    return Err(Refused::Invalid(format!(
                        "the check date {} is before today ({})",
                        check.on, t.on
                    )));
                }
                self.check = Some(check.clone());
            }
            Event::Verified {
                effective,
                evidence,
            } => {
                if self.state != State::Implemented {
                    return Err(self.refuse("verifying effectiveness"));
                }
                let Some(check) = &self.check else {
                    return Err(Refused::Invalid(format!(
                        "{} has no planned check: plan one first",
                        self.id
                    )));
                };
                if t.on < check.on {
                    return Err(Refused::Invalid(format!(
                        "the effectiveness check of {} is planned for {}: it cannot be verified on {}",
                        self.id, check.on, t.on
                    )));
                }
                if evidence.trim().is_empty() {
                    return Err(Refused::Missing {
                        field: "evidence",
                        message: "give the evidence of the check",
                    });
                }
                if *effective {
                    self.state = State::Verified;
                } else {
                    self.state = State::Reopened;
                    self.check = None;
                }
            }
            Event::Closed => {
                if self.state != State::Verified {
                    return Err(self.refuse("closing"));
                }
                self.state = State::Closed;
                self.closed_on = Some(t.on);
            }
            Event::Recurred { period } => {
                if self.state == State::Closed {
                    return Err(self.refuse("recording a recurrence"));
                }
                self.recurrences.push(period.clone());
            }
        }
        self.history.push(t.step());
        Ok(())
    }

    pub fn is_open(&self) -> bool {
        self.state != State::Closed
    }

    /// Actions not implemented whose due date has passed.
    pub fn overdue_actions(&self, today: Date) -> Vec<&Action> {
        self.actions
            .iter()
            .filter(|a| a.is_overdue(today))
            .collect()
    }

    /// The planned check, when its date has passed and it is not done.
    pub fn overdue_check(&self, today: Date) -> Option<&Check> {
        self.check.as_ref().filter(|c| {
            c.on < today && self.state != State::Verified && self.state != State::Closed
        })
    }

    pub fn is_overdue(&self, today: Date) -> bool {
        !self.overdue_actions(today).is_empty() || self.overdue_check(today).is_some()
    }
}

#[cfg(test)]
mod tests;
