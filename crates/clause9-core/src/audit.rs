//! Internal audits (ISO/IEC 27001 9.2): each audit's plan, auditors,
//! findings and completion as events; the audit universe; independence and
//! competence checks (`audit/independence.rs`); the risk-based programme
//! (`audit/planner.rs`); coverage of the cycle and risk signals
//! (`audit/coverage.rs`); checklists and reports (`audit/report.rs`).

pub mod coverage;
pub mod finding;
pub mod independence;
pub mod planner;
pub mod report;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::controls::CLAUSES;
use crate::registers::Registers;

/// One thing to audit: a clause or control, in an area (or ISMS-wide).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ScopeItem {
    pub requirement: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
}

impl ScopeItem {
    /// Whether auditing `self` covers `item` of the universe: the same
    /// requirement, and either the same area, or one of the two ISMS-wide
    /// (no area). An ISMS-wide scope item covers the requirement in every
    /// area; auditing a requirement in one area, where its work is done,
    /// covers its ISMS-wide item.
    pub fn covers(&self, item: &ScopeItem) -> bool {
        self.requirement == item.requirement
            && (self.area.is_none() || item.area.is_none() || self.area == item.area)
    }

    pub fn label(&self) -> String {
        match &self.area {
            Some(a) => format!("{} @ {a}", self.requirement),
            None => self.requirement.clone(),
        }
    }
}

/// The audit plan (objectives, scope, criteria, dates, methods).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub title: String,
    pub objectives: String,
    pub scope: Vec<ScopeItem>,
    pub criteria: String,
    pub start: Date,
    pub end: Date,
    pub methods: String,
}

/// A finding with its grade and evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub id: String,
    pub item: ScopeItem,
    pub grade: String,
    pub statement: String,
    pub evidence: String,
    /// The nonconformity it opened, if its grade is a nonconformity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonconformity: Option<String>,
    pub on: Date,
}

/// What happened to an audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AuditEvent {
    Planned { plan: Plan },
    AuditorAssigned { person: String },
    FindingRecorded { finding: Finding },
    Completed { summary: String },
}

impl AuditEvent {
    pub fn name(&self) -> &'static str {
        match self {
            AuditEvent::Planned { .. } => "planned",
            AuditEvent::AuditorAssigned { .. } => "auditor_assigned",
            AuditEvent::FindingRecorded { .. } => "finding_recorded",
            AuditEvent::Completed { .. } => "completed",
        }
    }
}

/// An audit as its events make it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Audit {
    pub id: String,
    pub plan: Plan,
    pub auditors: Vec<String>,
    pub findings: Vec<Finding>,
    pub completed: Option<(Date, String)>,
}

impl Audit {
    /// Builds an audit from its events (with the date each happened).
    pub fn replay(id: &str, events: &[(AuditEvent, Date)]) -> Result<Audit, String> {
        let Some(((AuditEvent::Planned { plan }, _), rest)) = events.split_first() else {
            return Err(format!("{id} does not start with its plan"));
        };
        let mut audit = Audit {
            id: id.into(),
            plan: plan.clone(),
            auditors: Vec::new(),
            findings: Vec::new(),
            completed: None,
        };
        for (e, on) in rest {
            audit.apply(e, *on)?;
        }
        Ok(audit)
    }

    /// Applies an event, refusing changes to a completed audit.
    pub fn apply(&mut self, e: &AuditEvent, on: Date) -> Result<(), String> {
        if self.completed.is_some() {
            return Err(format!(
                "{} is completed: its record can no longer change",
                self.id
            ));
        }
        match e {
            AuditEvent::Planned { .. } => return Err(format!("{} is already planned", self.id)),
            AuditEvent::AuditorAssigned { person } => {
                if self.auditors.contains(person) {
                    return Err(format!("{person} already audits {}", self.id));
                }
                self.auditors.push(person.clone());
            }
            AuditEvent::FindingRecorded { finding } => {
                if !self.plan.scope.contains(&finding.item) {
                    return Err(format!(
                        "{} is not in the scope of {}: the scope is {}",
                        finding.item.label(),
                        self.id,
                        self.plan
                            .scope
                            .iter()
                            .map(ScopeItem::label)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                if self.auditors.is_empty() {
                    return Err(format!("{} has no auditor: assign one first", self.id));
                }
                self.findings.push(finding.clone());
            }
            AuditEvent::Completed { summary } => {
                if self.auditors.is_empty() {
                    return Err(format!("{} has no auditor: assign one first", self.id));
                }
                self.completed = Some((on, summary.clone()));
            }
        }
        Ok(())
    }
}

/// Clauses audited in the universe: 4.1 … 10.2 (one level below the clause).
pub fn universe_clauses() -> Vec<&'static str> {
    CLAUSES
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| id.matches('.').count() == 1)
        .collect()
}

/// The audit universe: every clause (4.1 … 10.2) ISMS-wide, and every
/// applicable Annex A control where its work is done: in each area with an
/// active measure linked to the control, or ISMS-wide when no area's measure
/// is. So patching measured in IT is audited in IT, and a control nobody
/// measures is still audited once. Excluded controls are not in it.
pub fn universe(programme: &crate::Programme, registers: &Registers) -> Vec<ScopeItem> {
    let mut items: Vec<ScopeItem> = universe_clauses()
        .into_iter()
        .map(|c| ScopeItem {
            requirement: c.into(),
            area: None,
        })
        .collect();
    for control in registers.applicable_controls() {
        let areas: std::collections::BTreeSet<&String> = programme
            .measures
            .iter()
            .filter(|m| m.is_active() && m.controls.iter().any(|c| c == control))
            .filter_map(|m| m.area.as_ref())
            .collect();
        if areas.is_empty() {
            items.push(ScopeItem {
                requirement: control.into(),
                area: None,
            });
        }
        for area in areas {
            items.push(ScopeItem {
                requirement: control.into(),
                area: Some(area.clone()),
            });
        }
    }
    items
}
