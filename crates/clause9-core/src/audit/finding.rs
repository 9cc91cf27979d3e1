//! Recording a finding: its grade from the register (a nonconformity grade
//! opens a 10.2 record, raised with the audit and finding as its source),
//! its statement and evidence required, the item within the audit's scope,
//! and a completed audit locked. `clause9_app::records::audits` applies it
//! for every front end.

use jiff::civil::Date;

use super::{Audit, AuditEvent, Finding, ScopeItem};
use crate::nonconformity::{Event, Source, Transition};
use crate::refusal::{Problem, Refusal};
use crate::registers::Registers;

/// What recording a finding stores.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub event: AuditEvent,
    /// The nonconformity the finding raises (its id and first transition).
    pub nonconformity: Option<(String, Transition)>,
    /// The grade's display name.
    pub grade_name: String,
}

/// What a finding says.
pub struct NewFinding<'a> {
    pub item: ScopeItem,
    pub grade: &'a str,
    pub statement: String,
    pub evidence: String,
    pub by: &'a str,
    pub on: Date,
}

/// Checks a finding against the audit and the grades and builds its events;
/// `nc_ids` are the nonconformity ids in use. The refusal says what to fix.
pub fn record(
    audit: &Audit,
    registers: &Registers,
    nc_ids: &[String],
    f: NewFinding,
) -> Result<Recorded, Refusal> {
    if audit.completed.is_some() {
        return Err(Refusal::locked(format!(
            "{} is completed: its record is locked",
            audit.id
        )));
    }
    let mut problems = Vec::new();
    let grade = registers.grade(f.grade).cloned();
    if grade.is_none() {
        let names: Vec<&str> = registers
            .audit
            .grades
            .iter()
            .map(|g| g.id.as_str())
            .collect();
        problems.push(Problem::field(
            "grade",
            format!(
                "`{}` is not a grade: use one of {}",
                f.grade,
                names.join(", ")
            ),
        ));
    }
    if f.statement.trim().is_empty() {
        problems.push(Problem::field(
            "statement",
            "the finding needs a statement: what was found",
        ));
    }
    if f.evidence.trim().is_empty() {
        problems.push(Problem::field(
            "evidence",
            "every finding needs its evidence",
        ));
    }
    let Some(g) = grade.filter(|_| problems.is_empty()) else {
        return Err(Refusal::invalid("the finding was refused", problems));
    };
    let fid = format!("F{}", audit.findings.len() + 1);
    let nonconformity = g.nonconformity.as_ref().map(|severity| {
        let id = crate::workflow::next_id("NC", nc_ids.iter());
        let t = Transition {
            event: Event::Raised {
                source: Source::AuditFinding {
                    audit: audit.id.clone(),
                    finding: fid.clone(),
                },
                description: f.statement.clone(),
                severity: severity.clone(),
                area: f.item.area.clone(),
                controls: vec![f.item.requirement.clone()],
            },
            by: f.by.to_string(),
            on: f.on,
            why: format!("{} found in audit {}", g.name, audit.id),
        };
        (id, t)
    });
    let event = AuditEvent::FindingRecorded {
        finding: Finding {
            id: fid,
            item: f.item,
            grade: g.id.clone(),
            statement: f.statement,
            evidence: f.evidence,
            nonconformity: nonconformity.as_ref().map(|(id, _)| id.clone()),
            on: f.on,
        },
    };
    // the audit's own checks: in scope, an auditor assigned
    audit
        .clone()
        .apply(&event, f.on)
        .map_err(|m| Refusal::invalid(m.clone(), vec![Problem::field("item", m)]))?;
    Ok(Recorded {
        event,
        nonconformity,
        grade_name: g.name,
    })
}
