//! The events of a nonconformity's life, their JSON form (as stored), and the
//! records they carry: source, actions, effectiveness checks.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{Refused, Step};

/// Where a nonconformity came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    AuditFinding { audit: String, finding: String },
    RedIndicator { measure: String, period: String },
    Incident { reference: String },
    ManagementReview { reference: String },
    Other { reference: String },
}

impl Source {
    pub fn kind(&self) -> &'static str {
        match self {
            Source::AuditFinding { .. } => "audit_finding",
            Source::RedIndicator { .. } => "red_indicator",
            Source::Incident { .. } => "incident",
            Source::ManagementReview { .. } => "management_review",
            Source::Other { .. } => "other",
        }
    }

    /// A short reference: `AUD-0001/F2`, `M-INC-01 2026-03`, …
    pub fn reference(&self) -> String {
        match self {
            Source::AuditFinding { audit, finding } => format!("{audit}/{finding}"),
            Source::RedIndicator { measure, period } => format!("{measure} {period}"),
            Source::Incident { reference }
            | Source::ManagementReview { reference }
            | Source::Other { reference } => reference.clone(),
        }
    }
}

/// A corrective action. Owner, due date and success criterion are required.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub id: String,
    pub description: String,
    pub owner: Option<String>,
    pub due: Option<Date>,
    /// How success is measured ("no critical vulnerability older than 15 days for 3 months").
    pub success_criterion: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implemented_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Action {
    /// Refuses an action that lacks an owner, a due date or a measurable success criterion.
    pub fn check_smart(&self) -> Result<(), Refused> {
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
        let mut missing = Vec::new();
        if self.description.trim().is_empty() {
            missing.push("description");
        }
        if blank(&self.owner) {
            missing.push("owner");
        }
        if self.due.is_none() {
            missing.push("due");
        }
        if blank(&self.success_criterion) {
            missing.push("success_criterion");
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Refused::NotSmart(missing))
        }
    }

    /// The due date (SMART actions always have one).
    pub fn due_date(&self) -> Date {
        self.due.unwrap_or(Date::MAX)
    }

    pub fn is_overdue(&self, today: Date) -> bool {
        self.implemented_on.is_none() && self.due_date() < today
    }
}

/// How effectiveness is verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum CheckMethod {
    /// A person checks and records the evidence.
    Manual,
    /// The linked measure must be green for `periods` consecutive collection periods.
    Measure { measure: String, periods: u32 },
}

/// The effectiveness check, planned on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub on: Date,
    #[serde(flatten)]
    pub method: CheckMethod,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Raised {
        source: Source,
        description: String,
        severity: String,
        #[serde(default)]
        area: Option<String>,
        #[serde(default)]
        controls: Vec<String>,
    },
    Corrected {
        correction: String,
    },
    RootCauseAnalysed {
        #[serde(default)]
        whys: Vec<String>,
        cause: String,
        extent: String,
    },
    ActionPlanned {
        action: Action,
    },
    ActionImplemented {
        action: String,
        note: String,
    },
    CheckPlanned {
        check: Check,
    },
    Verified {
        effective: bool,
        evidence: String,
    },
    Closed,
    /// The linked indicator was red again in another period while the record was open.
    Recurred {
        period: String,
    },
}

impl Event {
    pub fn name(&self) -> &'static str {
        match self {
            Event::Raised { .. } => "raised",
            Event::Corrected { .. } => "corrected",
            Event::RootCauseAnalysed { .. } => "root_cause_analysed",
            Event::ActionPlanned { .. } => "action_planned",
            Event::ActionImplemented { .. } => "action_implemented",
            Event::CheckPlanned { .. } => "check_planned",
            Event::Verified {
                effective: true, ..
            } => "verified",
            Event::Verified { .. } => "reopened",
            Event::Closed => "closed",
            Event::Recurred { .. } => "recurred",
        }
    }
}

/// An event with who recorded it, the date it happened and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub event: Event,
    pub by: String,
    pub on: Date,
    pub why: String,
}

impl Transition {
    pub(crate) fn step(&self) -> Step {
        Step {
            event: self.event.name().to_string(),
            by: self.by.clone(),
            on: self.on,
            why: self.why.clone(),
        }
    }

    /// The stored payload: the event with its date.
    pub fn payload(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(&self.event).unwrap_or(serde_json::Value::Null);
        if let Some(map) = v.as_object_mut() {
            map.insert("on".into(), serde_json::Value::String(self.on.to_string()));
        }
        v
    }

    /// Reads a stored payload back.
    pub fn from_payload(
        payload: &serde_json::Value,
        by: &str,
        why: &str,
    ) -> Result<Transition, String> {
        let on = payload
            .get("on")
            .and_then(|v| v.as_str())
            .and_then(|s| s.parse::<Date>().ok())
            .ok_or("no date `on`")?;
        let event: Event = serde_json::from_value(payload.clone()).map_err(|e| e.to_string())?;
        Ok(Transition {
            event,
            by: by.to_string(),
            on,
            why: why.to_string(),
        })
    }
}
