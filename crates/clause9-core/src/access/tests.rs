//! The policy at every role × kind of action, and each rule about persons.

use jiff::civil::date;

use super::*;
use crate::SourceFile;
use crate::audit::Plan;
use crate::nonconformity::{Action as NcAction, Event, Transition};
use crate::review::ReviewAction;

const SETTINGS: &str = r#"format = 1
[programme]
name = "P"
organisation = "O"
timezone = "UTC"
first_period = "2025-01"
[people.sam]
name = "Sam"
[people.kim]
name = "Kim"
[people.jo]
name = "Jo"
[people.ana]
name = "Ana"
[groups]
ops = ["kim"]
[areas.it]
title = "IT"
owner = "sam"
"#;

const MEASURE: &str = r#"id = "M-1"
version = 1
name = "m"
information_need = "n"
kind = "performance"
[roles]
owner = "jo"
collector = "ops"
[frequency]
collection = "monthly"
[[base]]
id = "x"
method = "manual"
[indicator]
measure = "x"
direction = "higher_is_better"
green = 1
"#;

fn programme() -> Programme {
    let file = |path: &str, text: &str| SourceFile {
        path: path.into(),
        text: text.into(),
    };
    crate::load(
        &file("clause9.toml", SETTINGS),
        &[file("measures/m.toml", MEASURE)],
    )
    .unwrap()
}

fn nc(area: Option<&str>, action_owner: Option<&str>) -> Nonconformity {
    let t = |event: Event| Transition {
        event,
        by: "sam".into(),
        on: date(2026, 3, 1),
        why: "w".into(),
    };
    let mut events = vec![
        t(Event::Raised {
            source: Source::Other {
                reference: "r".into(),
            },
            description: "d".into(),
            severity: "minor".into(),
            area: area.map(String::from),
            controls: vec![],
        }),
        t(Event::Corrected {
            correction: "c".into(),
        }),
        t(Event::RootCauseAnalysed {
            whys: vec![],
            cause: "c".into(),
            extent: "e".into(),
        }),
    ];
    if let Some(owner) = action_owner {
        events.push(t(Event::ActionPlanned {
            action: NcAction {
                id: "A1".into(),
                description: "fix".into(),
                owner: Some(owner.into()),
                due: Some(date(2026, 4, 30)),
                success_criterion: Some("green".into()),
                implemented_on: None,
                note: None,
            },
        }));
    }
    Nonconformity::replay("NC-0001", &events).unwrap()
}

fn audit(auditors: &[&str]) -> Audit {
    Audit {
        id: "AUD-0001".into(),
        plan: Plan {
            title: "t".into(),
            objectives: "o".into(),
            scope: vec![],
            criteria: "c".into(),
            start: date(2026, 3, 1),
            end: date(2026, 3, 2),
            methods: "m".into(),
        },
        auditors: auditors.iter().map(|a| a.to_string()).collect(),
        findings: vec![],
        completed: None,
    }
}

fn review(chair: &str) -> Review {
    Review {
        id: "MR-0001".into(),
        title: "t".into(),
        date: date(2026, 3, 1),
        chair: chair.into(),
        attendees: vec![],
        discussion: vec![],
        decisions: vec![],
        actions: vec![ReviewAction {
            id: "RA1".into(),
            description: "d".into(),
            owner: "ana".into(),
            due: date(2026, 6, 1),
        }],
        signed: None,
        done: vec![],
    }
}

fn allowed(p: &Programme, role: Role, person: &str, action: &Action) -> bool {
    let caller = Caller {
        role,
        person,
        name: "someone",
    };
    may(p, &caller, action).is_ok()
}

#[test]
fn without_person_rules_the_table_decides_for_every_role() {
    let p = programme();
    let (n, a, r) = (nc(None, None), audit(&["nobody"]), review("nobody"));
    for kind in ActionKind::ALL {
        let action = match kind {
            ActionKind::RecordValues => Action::RecordValues(None),
            ActionKind::UploadEvidence => Action::UploadEvidence,
            ActionKind::IssueReport => Action::IssueReport,
            ActionKind::RaiseNonconformity => Action::RaiseNonconformity,
            ActionKind::WorkNonconformity => Action::WorkNonconformity(&n),
            ActionKind::ImplementAction => Action::ImplementAction(&n, "A1"),
            ActionKind::VerifyEffectiveness => Action::VerifyEffectiveness(&n),
            ActionKind::PlanAudit => Action::PlanAudit,
            // an admin records findings on any audit; others where assigned
            ActionKind::RecordFinding => continue,
            ActionKind::OpenReview => Action::OpenReview,
            ActionKind::WriteMinutes => Action::WriteMinutes(&r),
            ActionKind::SignMinutes => continue,
            ActionKind::MarkReviewActionDone => Action::MarkReviewActionDone(&r, "RA9"),
            ActionKind::ManageAccounts => Action::ManageAccounts {
                removes_last_admin: false,
            },
            ActionKind::ReadAuditLog => Action::ReadAuditLog,
            ActionKind::ManageNotificationsOfOthers => Action::ManageNotificationsOfOthers,
        };
        for role in Role::ALL {
            assert_eq!(
                allowed(&p, role, "jo", &action),
                kind.roles().contains(&role),
                "{role} {kind:?}"
            );
        }
    }
    let _ = a;
    // viewers change nothing at all
    assert!(
        ActionKind::ALL
            .iter()
            .all(|k| !k.roles().contains(&Role::Viewer))
    );
}

#[test]
fn collectors_and_owners_record_only_their_measures() {
    let p = programme();
    let m = p.measure("M-1");
    let record = Action::RecordValues(m);
    assert!(
        allowed(&p, Role::Collector, "kim", &record),
        "kim is in ops, the collector"
    );
    assert!(!allowed(&p, Role::Collector, "sam", &record));
    assert!(allowed(&p, Role::Owner, "jo", &record), "jo owns M-1");
    assert!(!allowed(&p, Role::Owner, "sam", &record));
    assert!(allowed(&p, Role::Admin, "sam", &record));
    assert!(!allowed(&p, Role::Analyst, "kim", &record));
    let refusal = may(
        &p,
        &Caller {
            role: Role::Collector,
            person: "sam",
            name: "sam",
        },
        &record,
    )
    .unwrap_err();
    assert_eq!(refusal.kind, crate::refusal::RefusalKind::Forbidden);
    assert_eq!(
        refusal.message,
        "sam may not record values of M-1: its collector is `ops`"
    );
}

#[test]
fn the_people_a_nonconformity_is_assigned_to_act_on_it() {
    let p = programme();
    // sam owns the IT area; ana owns its action A1
    let n = nc(Some("it"), Some("ana"));
    for role in [
        Role::Collector,
        Role::Analyst,
        Role::Auditor,
        Role::Reviewer,
    ] {
        assert!(
            allowed(&p, role, "sam", &Action::WorkNonconformity(&n)),
            "{role}"
        );
        assert!(
            allowed(&p, role, "ana", &Action::WorkNonconformity(&n)),
            "{role}"
        );
        assert!(
            allowed(&p, role, "ana", &Action::ImplementAction(&n, "A1")),
            "{role}"
        );
        assert!(
            !allowed(&p, role, "jo", &Action::WorkNonconformity(&n)),
            "{role}"
        );
        assert!(
            !allowed(&p, role, "jo", &Action::ImplementAction(&n, "A1")),
            "{role}"
        );
    }
    assert!(!allowed(
        &p,
        Role::Viewer,
        "sam",
        &Action::WorkNonconformity(&n)
    ));
    assert!(!allowed(
        &p,
        Role::Viewer,
        "ana",
        &Action::ImplementAction(&n, "A1")
    ));
    let other = nc(None, None);
    assert!(!allowed(
        &p,
        Role::Analyst,
        "sam",
        &Action::WorkNonconformity(&other)
    ));
}

#[test]
fn auditors_record_findings_only_on_audits_they_are_assigned_to() {
    let p = programme();
    let a = audit(&["kim"]);
    assert!(allowed(
        &p,
        Role::Auditor,
        "kim",
        &Action::RecordFinding(&a)
    ));
    assert!(!allowed(
        &p,
        Role::Auditor,
        "jo",
        &Action::RecordFinding(&a)
    ));
    assert!(allowed(&p, Role::Admin, "jo", &Action::RecordFinding(&a)));
    assert!(!allowed(
        &p,
        Role::Reviewer,
        "kim",
        &Action::RecordFinding(&a)
    ));
}

#[test]
fn only_the_chair_signs_and_action_owners_mark_their_actions_done() {
    let p = programme();
    let r = review("jo");
    assert!(allowed(&p, Role::Reviewer, "jo", &Action::SignMinutes(&r)));
    assert!(!allowed(
        &p,
        Role::Reviewer,
        "kim",
        &Action::SignMinutes(&r)
    ));
    assert!(!allowed(&p, Role::Admin, "kim", &Action::SignMinutes(&r)));
    assert!(!allowed(&p, Role::Owner, "jo", &Action::SignMinutes(&r)));
    assert!(allowed(
        &p,
        Role::Collector,
        "ana",
        &Action::MarkReviewActionDone(&r, "RA1")
    ));
    assert!(!allowed(
        &p,
        Role::Viewer,
        "ana",
        &Action::MarkReviewActionDone(&r, "RA1")
    ));
    assert!(!allowed(
        &p,
        Role::Collector,
        "kim",
        &Action::MarkReviewActionDone(&r, "RA1")
    ));
}

#[test]
fn nobody_removes_the_last_admin() {
    let p = programme();
    let last = Action::ManageAccounts {
        removes_last_admin: true,
    };
    assert!(!allowed(&p, Role::Admin, "sam", &last));
    let refusal = may(
        &p,
        &Caller {
            role: Role::Admin,
            person: "sam",
            name: "sam",
        },
        &last,
    )
    .unwrap_err();
    assert!(refusal.message.contains("no active admin"), "{refusal}");
}
