//! Management reviews (ISO/IEC 27001 9.3): the minutes as events (attendees,
//! discussion per input, decisions, action items, the chair's sign-off that
//! locks the record) and the follow-up of action items; the input pack is
//! assembled in `review/pack.rs`.

pub mod pack;
pub mod schedule;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The inputs of 9.3.2, (d) split in four; each has its own section in the pack.
pub const INPUTS: &[(&str, &str)] = &[
    ("a", "Status of actions from previous management reviews"),
    ("b", "Changes in external and internal issues"),
    (
        "c",
        "Changes in the needs and expectations of interested parties",
    ),
    ("d1", "Nonconformities and corrective actions"),
    ("d2", "Monitoring and measurement results"),
    ("d3", "Audit results"),
    ("d4", "Fulfilment of information security objectives"),
    ("e", "Feedback from interested parties"),
    (
        "f",
        "Results of risk assessment and status of risk treatment",
    ),
    ("g", "Opportunities for continual improvement"),
];

pub const DECISION_KINDS: &[&str] = &["improvement", "change", "resource"];

/// An action item decided in a review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewAction {
    pub id: String,
    pub description: String,
    pub owner: String,
    pub due: Date,
}

/// What happened to a review's minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReviewEvent {
    Opened {
        title: String,
        date: Date,
        chair: String,
    },
    Attended {
        person: String,
    },
    Discussed {
        input: String,
        text: String,
    },
    Decided {
        kind: String,
        text: String,
    },
    ActionAdded {
        action: ReviewAction,
    },
    Signed {
        by: String,
    },
    /// Follow-up of an action item (kept apart from the locked minutes).
    ActionDone {
        action: String,
        note: String,
    },
}

impl ReviewEvent {
    pub fn name(&self) -> &'static str {
        match self {
            ReviewEvent::Opened { .. } => "opened",
            ReviewEvent::Attended { .. } => "attended",
            ReviewEvent::Discussed { .. } => "discussed",
            ReviewEvent::Decided { .. } => "decided",
            ReviewEvent::ActionAdded { .. } => "action_added",
            ReviewEvent::Signed { .. } => "signed",
            ReviewEvent::ActionDone { .. } => "action_done",
        }
    }
}

/// A review's minutes as its events make them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    pub id: String,
    pub title: String,
    pub date: Date,
    pub chair: String,
    pub attendees: Vec<String>,
    pub discussion: Vec<(String, String)>,
    pub decisions: Vec<(String, String)>,
    pub actions: Vec<ReviewAction>,
    /// Who signed and when; a signed record refuses every change.
    pub signed: Option<(String, Date)>,
    /// Action id → date and note of completion.
    pub done: Vec<(String, Date, String)>,
}

impl Review {
    pub fn replay(id: &str, events: &[(ReviewEvent, Date)]) -> Result<Review, String> {
        let Some(((ReviewEvent::Opened { title, date, chair }, _), rest)) = events.split_first()
        else {
            return Err(format!("{id} does not start with `opened`"));
        };
        let mut r = Review {
            id: id.into(),
            title: title.clone(),
            date: *date,
            chair: chair.clone(),
            attendees: Vec::new(),
            discussion: Vec::new(),
            decisions: Vec::new(),
            actions: Vec::new(),
            signed: None,
            done: Vec::new(),
        };
        for (e, on) in rest {
            r.apply(e, *on)?;
        }
        Ok(r)
    }

    pub fn apply(&mut self, e: &ReviewEvent, on: Date) -> Result<(), String> {
        if let ReviewEvent::ActionDone { action, note } = e {
            if !self.actions.iter().any(|a| &a.id == action) {
                return Err(format!("{} has no action item {action}", self.id));
            }
            if self.done.iter().any(|(a, _, _)| a == action) {
                return Err(format!(
                    "action item {action} of {} is already done",
                    self.id
                ));
            }
            self.done.push((action.clone(), on, note.clone()));
            return Ok(());
        }
        if let Some((by, date)) = &self.signed {
            return Err(format!(
                "the minutes of {} were signed by {by} on {date} and are locked: record changes in the next review",
                self.id
            ));
        }
        match e {
            ReviewEvent::Opened { .. } => return Err(format!("{} is already opened", self.id)),
            ReviewEvent::Attended { person } => {
                if !self.attendees.contains(person) {
                    self.attendees.push(person.clone());
                }
            }
            ReviewEvent::Discussed { input, text } => {
                if !INPUTS.iter().any(|(i, _)| i == input) {
                    return Err(format!(
                        "unknown input `{input}`: use one of {}",
                        INPUTS
                            .iter()
                            .map(|(i, _)| *i)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                self.discussion.push((input.clone(), text.clone()));
            }
            ReviewEvent::Decided { kind, text } => {
                if !DECISION_KINDS.contains(&kind.as_str()) {
                    return Err(format!(
                        "unknown decision kind `{kind}`: use {}",
                        DECISION_KINDS.join(", ")
                    ));
                }
                self.decisions.push((kind.clone(), text.clone()));
            }
            ReviewEvent::ActionAdded { action } => {
                if action.owner.trim().is_empty() || action.description.trim().is_empty() {
                    return Err("an action item needs a description and an owner".into());
                }
                self.actions.push(action.clone());
            }
            ReviewEvent::Signed { by } => {
                if by != &self.chair {
                    return Err(format!(
                        "only the chair ({}) signs the minutes of {}, not {by}",
                        self.chair, self.id
                    ));
                }
                if self.attendees.is_empty() {
                    return Err(format!(
                        "{} has no attendees: record them before signing",
                        self.id
                    ));
                }
                self.signed = Some((by.clone(), on));
            }
            ReviewEvent::ActionDone { .. } => {}
        }
        Ok(())
    }

    /// The date of the last signed review held before `day`, if any.
    pub fn last_signed_before(reviews: &[Review], day: Date) -> Option<Date> {
        reviews
            .iter()
            .filter(|r| r.date < day)
            .filter_map(|r| r.signed.as_ref().map(|_| r.date))
            .max()
    }

    /// Action items not done yet.
    pub fn open_actions(&self) -> Vec<&ReviewAction> {
        self.actions
            .iter()
            .filter(|a| !self.done.iter().any(|(d, _, _)| *d == a.id))
            .collect()
    }

    /// The minutes as a document.
    pub fn minutes(&self, settings: &crate::programme::Settings) -> crate::doc::Doc {
        let mut d = crate::doc::Doc::new(format!(
            "Minutes of {} — {} ({})",
            self.id, self.title, self.date
        ));
        d.p(format!(
            "Chair: {} ({})",
            settings.display_name(&self.chair),
            self.chair
        ));
        d.h(2, "Attendees");
        d.list(
            self.attendees
                .iter()
                .map(|a| format!("{} ({a})", settings.display_name(a)))
                .collect(),
        );
        d.h(2, "Discussion");
        for (input, title) in INPUTS {
            let notes: Vec<String> = self
                .discussion
                .iter()
                .filter(|(i, _)| i == input)
                .map(|(_, t)| t.clone())
                .collect();
            d.h(3, format!("({input}) {title}"));
            if notes.is_empty() {
                d.p("Not discussed.");
            } else {
                d.list(notes);
            }
        }
        d.h(2, "Decisions");
        if self.decisions.is_empty() {
            d.p("No decisions recorded.");
        } else {
            d.table(
                &["kind", "decision"],
                self.decisions
                    .iter()
                    .map(|(k, t)| vec![k.clone(), t.clone()])
                    .collect(),
            );
        }
        d.h(2, "Action items");
        d.table(
            &["id", "action", "owner", "due"],
            self.actions
                .iter()
                .map(|a| {
                    vec![
                        a.id.clone(),
                        a.description.clone(),
                        a.owner.clone(),
                        a.due.to_string(),
                    ]
                })
                .collect(),
        );
        match &self.signed {
            Some((by, on)) => d.p(format!("Signed by {by} on {on}. This record is locked.")),
            None => d.p("Not signed yet."),
        };
        d
    }
}
