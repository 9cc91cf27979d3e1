//! Who may do what: the one authorization policy of clause9. Every door
//! (the REST API, the web pages, the jobs) asks [`may`] before a change and
//! shows or hides a form by the same answer, so a person's rights never
//! depend on the door they came in by.
//!
//! Two layers: a table of the roles that may do each kind of action
//! ([`ActionKind::roles`], published in `docs/rights.md`, which a test keeps
//! equal to it), and the rules about persons on top of it: a collector
//! records only the measures they collect; the people a nonconformity is
//! assigned to act on it whatever their role (except viewers); the owner of
//! a review action marks it done; only the chair signs minutes; only an
//! auditor assigned to an audit records its findings (independence and
//! competence are checked by the audit rules); nobody removes the last
//! administrator. The command line is a local tool: whoever can write the
//! store acts as an administrator, named by `--by`.

use std::fmt;

use serde::Serialize;

use crate::audit::Audit;
use crate::measure::Measure;
use crate::nonconformity::{Nonconformity, Source};
use crate::programme::Programme;
use crate::refusal::Refusal;
use crate::review::Review;

/// What an account may do; mapped to the responsible parties of the
/// programme (ISO/IEC 27004 6.5) and of audits and reviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Owner,
    Collector,
    Analyst,
    Auditor,
    Reviewer,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::Owner,
        Role::Collector,
        Role::Analyst,
        Role::Auditor,
        Role::Reviewer,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Owner => "owner",
            Role::Collector => "collector",
            Role::Analyst => "analyst",
            Role::Auditor => "auditor",
            Role::Reviewer => "reviewer",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kinds of change the policy decides (reading is open to every role).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActionKind {
    RecordValues,
    UploadEvidence,
    IssueReport,
    RaiseNonconformity,
    WorkNonconformity,
    ImplementAction,
    VerifyEffectiveness,
    PlanAudit,
    RecordFinding,
    OpenReview,
    WriteMinutes,
    SignMinutes,
    MarkReviewActionDone,
    ManageAccounts,
    ReadAuditLog,
    ManageNotificationsOfOthers,
}

use Role::{Admin, Analyst, Auditor, Collector, Owner, Reviewer};

impl ActionKind {
    pub const ALL: [ActionKind; 16] = [
        ActionKind::RecordValues,
        ActionKind::UploadEvidence,
        ActionKind::IssueReport,
        ActionKind::RaiseNonconformity,
        ActionKind::WorkNonconformity,
        ActionKind::ImplementAction,
        ActionKind::VerifyEffectiveness,
        ActionKind::PlanAudit,
        ActionKind::RecordFinding,
        ActionKind::OpenReview,
        ActionKind::WriteMinutes,
        ActionKind::SignMinutes,
        ActionKind::MarkReviewActionDone,
        ActionKind::ManageAccounts,
        ActionKind::ReadAuditLog,
        ActionKind::ManageNotificationsOfOthers,
    ];

    /// The roles that may do this at all (the table of `docs/rights.md`).
    pub fn roles(self) -> &'static [Role] {
        match self {
            ActionKind::RecordValues => &[Admin, Owner, Collector],
            ActionKind::UploadEvidence => &[Admin, Owner, Collector],
            ActionKind::IssueReport => &[Admin, Owner, Analyst, Auditor, Reviewer],
            ActionKind::RaiseNonconformity => &[Admin, Owner, Auditor, Reviewer],
            ActionKind::WorkNonconformity => &[Admin, Owner],
            ActionKind::ImplementAction => &[Admin, Owner],
            ActionKind::VerifyEffectiveness => &[Admin, Owner, Auditor],
            ActionKind::PlanAudit => &[Admin, Auditor],
            ActionKind::RecordFinding => &[Admin, Auditor],
            ActionKind::OpenReview => &[Admin, Reviewer],
            ActionKind::WriteMinutes => &[Admin, Reviewer],
            ActionKind::SignMinutes => &[Admin, Reviewer],
            ActionKind::MarkReviewActionDone => &[Admin, Reviewer],
            ActionKind::ManageAccounts => &[Admin],
            ActionKind::ReadAuditLog => &[Admin, Auditor],
            ActionKind::ManageNotificationsOfOthers => &[Admin],
        }
    }

    /// What it is, in words (messages and the rights table).
    pub fn describe(self) -> &'static str {
        match self {
            ActionKind::RecordValues => "record values",
            ActionKind::UploadEvidence => "upload evidence",
            ActionKind::IssueReport => "issue a report",
            ActionKind::RaiseNonconformity => "raise a nonconformity",
            ActionKind::WorkNonconformity => {
                "work on a nonconformity (correction, root cause, actions, effectiveness check, closure)"
            }
            ActionKind::ImplementAction => "record a corrective action as implemented",
            ActionKind::VerifyEffectiveness => "record the verdict of a manual effectiveness check",
            ActionKind::PlanAudit => "plan, assign and complete audits",
            ActionKind::RecordFinding => "record an audit finding",
            ActionKind::OpenReview => "open a management review",
            ActionKind::WriteMinutes => {
                "write review minutes (attendance, discussion, decisions, actions)"
            }
            ActionKind::SignMinutes => "sign review minutes",
            ActionKind::MarkReviewActionDone => "mark a review action done",
            ActionKind::ManageAccounts => "manage users, roles and API tokens",
            ActionKind::ReadAuditLog => "read and verify the audit log",
            ActionKind::ManageNotificationsOfOthers => {
                "change another person's notification settings"
            }
        }
    }

    /// The rule about persons on top of the roles, in words (or none).
    pub fn person_rule(self) -> Option<&'static str> {
        match self {
            ActionKind::RecordValues => Some(
                "collectors and owners only for the measures whose collector or owner is their person (or a group of it)",
            ),
            ActionKind::WorkNonconformity => Some(
                "also the owner of its area or of its measure, and the owner of any of its actions, whatever their role but viewer",
            ),
            ActionKind::ImplementAction => Some(
                "also the owner of the action, and the people who may work on the nonconformity",
            ),
            ActionKind::RecordFinding => Some(
                "auditors only on audits they are assigned to; everyone only where independent of the scope and competent for it",
            ),
            ActionKind::SignMinutes => Some("only the chair of the review"),
            ActionKind::MarkReviewActionDone => {
                Some("also the owner of the action, whatever their role but viewer")
            }
            ActionKind::ManageAccounts => {
                Some("nobody disables, or gives another role to, the last active admin")
            }
            _ => None,
        }
    }
}

/// The table of `docs/rights.md`: one row per kind of action, a column per
/// role, and the rule about persons (a test keeps the page equal to this).
pub fn rights_table() -> String {
    let mut out = String::from("| action |");
    for r in Role::ALL {
        out.push_str(&format!(" {r} |"));
    }
    out.push_str(" and also |\n|---|");
    for _ in Role::ALL {
        out.push_str(":-:|");
    }
    out.push_str("---|\n");
    for kind in ActionKind::ALL {
        out.push_str(&format!("| {} |", kind.describe()));
        for r in Role::ALL {
            out.push_str(if kind.roles().contains(&r) {
                " ✓ |"
            } else {
                " |"
            });
        }
        match kind.person_rule() {
            Some(rule) => out.push_str(&format!(" {rule} |\n")),
            None => out.push_str(" |\n"),
        }
    }
    out
}

/// What a caller asks to do, with the facts of the record that the rules
/// about persons need.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    /// Values of a measure (`None`: an unknown id, which the value checks report).
    RecordValues(Option<&'a Measure>),
    UploadEvidence,
    IssueReport,
    RaiseNonconformity,
    WorkNonconformity(&'a Nonconformity),
    ImplementAction(&'a Nonconformity, &'a str),
    VerifyEffectiveness(&'a Nonconformity),
    PlanAudit,
    RecordFinding(&'a Audit),
    OpenReview,
    WriteMinutes(&'a Review),
    SignMinutes(&'a Review),
    MarkReviewActionDone(&'a Review, &'a str),
    /// Managing accounts; `removes_last_admin` when the change would leave
    /// no active admin (disabling one, or giving the last one another role).
    ManageAccounts {
        removes_last_admin: bool,
    },
    ReadAuditLog,
    ManageNotificationsOfOthers,
}

impl Action<'_> {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::RecordValues(_) => ActionKind::RecordValues,
            Action::UploadEvidence => ActionKind::UploadEvidence,
            Action::IssueReport => ActionKind::IssueReport,
            Action::RaiseNonconformity => ActionKind::RaiseNonconformity,
            Action::WorkNonconformity(_) => ActionKind::WorkNonconformity,
            Action::ImplementAction(..) => ActionKind::ImplementAction,
            Action::VerifyEffectiveness(_) => ActionKind::VerifyEffectiveness,
            Action::PlanAudit => ActionKind::PlanAudit,
            Action::RecordFinding(_) => ActionKind::RecordFinding,
            Action::OpenReview => ActionKind::OpenReview,
            Action::WriteMinutes(_) => ActionKind::WriteMinutes,
            Action::SignMinutes(_) => ActionKind::SignMinutes,
            Action::MarkReviewActionDone(..) => ActionKind::MarkReviewActionDone,
            Action::ManageAccounts { .. } => ActionKind::ManageAccounts,
            Action::ReadAuditLog => ActionKind::ReadAuditLog,
            Action::ManageNotificationsOfOthers => ActionKind::ManageNotificationsOfOthers,
        }
    }
}

/// Who asks: an account's role, its person of the programme and its name.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    pub role: Role,
    pub person: &'a str,
    /// The account name, for messages.
    pub name: &'a str,
}

/// Whether `caller` may do `action`; the refusal says why not.
pub fn may(programme: &Programme, caller: &Caller, action: &Action) -> Result<(), Refusal> {
    let kind = action.kind();
    let by_role = kind.roles().contains(&caller.role);
    let acts = caller.role != Role::Viewer;
    let is = |party: &str| programme.settings.includes(party, caller.person);
    let allowed = match action {
        Action::RecordValues(None) => by_role,
        Action::RecordValues(Some(m)) => match caller.role {
            Admin => true,
            Collector => is(&m.roles.collector),
            Owner => is(&m.roles.owner) || is(&m.roles.collector),
            _ => false,
        },
        Action::WorkNonconformity(nc) => by_role || (acts && responsible(programme, caller, nc)),
        Action::ImplementAction(nc, action) => {
            by_role
                || (acts
                    && (responsible(programme, caller, nc)
                        || nc
                            .actions
                            .iter()
                            .any(|a| a.id == *action && a.owner.as_deref().is_some_and(&is))))
        }
        Action::RecordFinding(audit) => {
            caller.role == Admin || (by_role && audit.auditors.iter().any(|a| a == caller.person))
        }
        Action::SignMinutes(review) => by_role && review.chair == caller.person,
        Action::MarkReviewActionDone(review, action) => {
            by_role
                || (acts
                    && review
                        .actions
                        .iter()
                        .any(|a| a.id == *action && is(&a.owner)))
        }
        Action::ManageAccounts { removes_last_admin } => {
            return may_change_account(caller, *removes_last_admin);
        }
        _ => by_role,
    };
    if allowed {
        return Ok(());
    }
    Err(Refusal::forbidden(refusal_message(caller, action)))
}

/// Whether `caller`'s role may do `kind` at all, for the kinds whose rule
/// needs no record (reports, evidence uploads, administration).
pub fn may_kind(caller: &Caller, kind: ActionKind) -> Result<(), Refusal> {
    if kind.roles().contains(&caller.role) {
        Ok(())
    } else {
        Err(Refusal::forbidden(format!(
            "the role `{}` may not {}; it needs one of: {}",
            caller.role,
            kind.describe(),
            kind.roles()
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )))
    }
}

/// Whether `caller` may change an account; `removes_last_admin` when the
/// change would leave no active admin (which nobody may do).
pub fn may_change_account(caller: &Caller, removes_last_admin: bool) -> Result<(), Refusal> {
    may_kind(caller, ActionKind::ManageAccounts)?;
    if removes_last_admin {
        return Err(Refusal::forbidden(
            "this would leave no active admin: make another account admin first",
        ));
    }
    Ok(())
}

/// The people a nonconformity is assigned to: the owner of its area, of the
/// measure whose red indicator raised it, and of each of its actions.
fn responsible(programme: &Programme, caller: &Caller, nc: &Nonconformity) -> bool {
    let s = &programme.settings;
    let area_owner = nc
        .area
        .as_ref()
        .and_then(|a| s.areas.get(a))
        .is_some_and(|a| s.includes(&a.owner, caller.person));
    let measure_owner = match &nc.source {
        Source::RedIndicator { measure, .. } => programme
            .measure(measure)
            .is_some_and(|m| s.includes(&m.roles.owner, caller.person)),
        _ => false,
    };
    let action_owner = nc.actions.iter().any(|a| {
        a.owner
            .as_deref()
            .is_some_and(|o| s.includes(o, caller.person))
    });
    area_owner || measure_owner || action_owner
}

fn refusal_message(caller: &Caller, action: &Action) -> String {
    let kind = action.kind();
    let roles = || {
        kind.roles()
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (name, role) = (caller.name, caller.role);
    match action {
        Action::RecordValues(Some(m)) => format!(
            "{name} may not record values of {}: its collector is `{}`{}",
            m.id,
            m.roles.collector,
            if kind.roles().contains(&role) {
                ""
            } else {
                " and the role needs to be admin, owner or collector"
            }
        ),
        Action::RecordFinding(audit) if kind.roles().contains(&role) => format!(
            "{} is not an auditor of {} (its auditors: {}); an admin or auditor assigns them first",
            caller.person,
            audit.id,
            if audit.auditors.is_empty() {
                "none".to_string()
            } else {
                audit.auditors.join(", ")
            }
        ),
        Action::SignMinutes(review) if kind.roles().contains(&role) => format!(
            "only the chair ({}) signs the minutes of {}, not {}",
            review.chair, review.id, caller.person
        ),
        Action::WorkNonconformity(nc) | Action::ImplementAction(nc, _) => format!(
            "{name} ({role}) may not {} of {}: it needs the role {} or to be assigned to it",
            kind.describe(),
            nc.id,
            roles()
        ),
        Action::MarkReviewActionDone(review, action) => {
            let owner = review
                .actions
                .iter()
                .find(|a| a.id == *action)
                .map_or("nobody", |a| a.owner.as_str());
            format!("only admins, reviewers or the owner of {action} ({owner}) mark it done")
        }
        _ => format!(
            "the role `{role}` may not {}; it needs one of: {}",
            kind.describe(),
            roles()
        ),
    }
}

#[cfg(test)]
mod tests;
