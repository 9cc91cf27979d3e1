//! Open nonconformities and their corrective actions, as the report's
//! "areas needing attention" lists them: the state, what it waits for, and
//! each action with its owner, due date and whether it is overdue.

use clause9_core::Programme;
use clause9_core::nonconformity::{Nonconformity, Source, next_step};
use jiff::civil::Date;
use serde::Serialize;

/// One open nonconformity.
#[derive(Debug, Clone, Serialize)]
pub struct OpenNonconformity {
    pub id: String,
    pub state: &'static str,
    pub severity: String,
    /// `audit_finding`, `red_indicator`, …
    pub source: &'static str,
    /// `AUD-0001/F2`, `M-INC-01 2026-03`, …
    pub reference: String,
    pub description: String,
    pub raised_on: String,
    pub next_step: &'static str,
    /// An action or the effectiveness check is late.
    pub overdue: bool,
    /// The effectiveness check's date and whether it is late, when planned.
    pub check: Option<String>,
    pub actions: Vec<ActionLine>,
}

/// One corrective action of an open nonconformity.
#[derive(Debug, Clone, Serialize)]
pub struct ActionLine {
    pub id: String,
    pub description: String,
    pub owner: String,
    pub due: String,
    pub success_criterion: String,
    /// `implemented on D`, `overdue since D` or `due D`.
    pub status: String,
    pub overdue: bool,
}

/// The open records, overdue ones first, then by id. With an audience
/// (`measures` = the report's measures), only records raised from one of those
/// measures or in one of their areas.
pub fn open(
    programme: &Programme,
    records: &[Nonconformity],
    measures: Option<&[String]>,
    today: Date,
) -> Vec<OpenNonconformity> {
    let areas: Vec<&str> = measures
        .unwrap_or_default()
        .iter()
        .filter_map(|id| programme.measure(id)?.area.as_deref())
        .collect();
    let relevant = |n: &Nonconformity| match measures {
        None => true,
        Some(ids) => {
            matches!(&n.source, Source::RedIndicator { measure, .. } if ids.contains(measure))
                || n.area.as_deref().is_some_and(|a| areas.contains(&a))
        }
    };
    let names = &programme.settings;
    let mut out: Vec<OpenNonconformity> = records
        .iter()
        .filter(|n| n.is_open() && relevant(n))
        .map(|n| OpenNonconformity {
            id: n.id.clone(),
            state: n.state.as_str(),
            severity: n.severity.clone(),
            source: n.source.kind(),
            reference: n.source.reference(),
            description: n.description.clone(),
            raised_on: n.raised_on.to_string(),
            next_step: next_step(n.state),
            overdue: n.is_overdue(today),
            check: n.check.as_ref().map(|c| {
                if n.overdue_check(today).is_some() {
                    format!("effectiveness check overdue since {}", c.on)
                } else {
                    format!("effectiveness check on {}", c.on)
                }
            }),
            actions: n
                .actions
                .iter()
                .map(|a| {
                    let due = a.due.map_or_else(|| "—".to_string(), |d| d.to_string());
                    let overdue = a.is_overdue(today);
                    ActionLine {
                        id: a.id.clone(),
                        description: a.description.clone(),
                        owner: a
                            .owner
                            .as_deref()
                            .map_or("—", |o| names.display_name(o))
                            .to_string(),
                        status: match a.implemented_on {
                            Some(d) => format!("implemented on {d}"),
                            None if overdue => format!("overdue since {due}"),
                            None => format!("due {due}"),
                        },
                        due,
                        success_criterion: a.success_criterion.clone().unwrap_or_default(),
                        overdue,
                    }
                })
                .collect(),
        })
        .collect();
    out.sort_by(|a, b| b.overdue.cmp(&a.overdue).then_with(|| a.id.cmp(&b.id)));
    out
}

impl OpenNonconformity {
    /// One line: `NC-0003 (action_planned, major; AUD-0001/F2): description`.
    pub fn headline(&self) -> String {
        format!(
            "{} ({}, {}; {}){}: {}",
            self.id,
            self.state,
            self.severity,
            self.reference,
            if self.overdue { ", OVERDUE" } else { "" },
            self.description
        )
    }
}

impl ActionLine {
    /// `A1 description: Jane, due 2026-12-01; success: …`.
    pub fn line(&self) -> String {
        format!(
            "{} {}: {}, {}; success: {}",
            self.id, self.description, self.owner, self.status, self.success_criterion
        )
    }
}
