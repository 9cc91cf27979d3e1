//! The lifecycle's rules: every transition from every state, SMART actions,
//! reopening, overdue work.

use jiff::civil::date;

use super::*;
use crate::evaluation::Status;
use crate::nonconformity::from_red::auto_verdict;

fn t(event: Event, day: i8) -> Transition {
    Transition {
        event,
        by: "alex".into(),
        on: date(2026, 3, day),
        why: "reason".into(),
    }
}

fn raised() -> Transition {
    t(
        Event::Raised {
            source: Source::Other {
                reference: "x".into(),
            },
            description: "d".into(),
            severity: "minor".into(),
            area: None,
            controls: vec![],
        },
        1,
    )
}

fn action(id: &str, owner: Option<&str>, due: bool, success: Option<&str>) -> Event {
    Event::ActionPlanned {
        action: Action {
            id: id.into(),
            description: "fix".into(),
            owner: owner.map(String::from),
            due: due.then(|| date(2026, 4, 30)),
            success_criterion: success.map(String::from),
            implemented_on: None,
            note: None,
        },
    }
}

fn analysed() -> Event {
    Event::RootCauseAnalysed {
        whys: vec!["a".into(), "b".into()],
        cause: String::new(),
        extent: "only here".into(),
    }
}

fn verified(effective: bool) -> Event {
    Event::Verified {
        effective,
        evidence: "report".into(),
    }
}

fn check() -> Event {
    Event::CheckPlanned {
        check: Check {
            on: date(2026, 3, 20),
            method: CheckMethod::Manual,
        },
    }
}

#[test]
fn full_lifecycle_with_a_failed_verification() {
    let events = vec![
        raised(),
        t(
            Event::Corrected {
                correction: "patched".into(),
            },
            2,
        ),
        t(analysed(), 3),
        t(action("A1", Some("sam"), true, Some("0 overdue")), 4),
        t(check(), 4),
        t(
            Event::ActionImplemented {
                action: "A1".into(),
                note: "done".into(),
            },
            10,
        ),
        t(verified(false), 20),
        t(analysed(), 21),
        t(action("A2", Some("sam"), true, Some("0 overdue")), 21),
        t(
            Event::ActionImplemented {
                action: "A2".into(),
                note: "done".into(),
            },
            25,
        ),
        t(
            Event::CheckPlanned {
                check: Check {
                    on: date(2026, 3, 28),
                    method: CheckMethod::Manual,
                },
            },
            25,
        ),
        t(verified(true), 28),
        t(Event::Closed, 29),
    ];
    let nc = Nonconformity::replay("NC-0001", &events).unwrap();
    assert_eq!(nc.state, State::Closed);
    assert_eq!(nc.root_cause.as_deref(), Some("b"));
    assert_eq!(nc.actions.len(), 2);
    assert_eq!(nc.history.len(), events.len());
    assert!(nc.history.iter().any(|s| s.event == "reopened"));
    assert_eq!(nc.closed_on, Some(date(2026, 3, 29)));
}

#[test]
fn wrong_state_is_refused_and_names_the_next_step() {
    let mut nc = Nonconformity::replay("NC-0001", &[raised()]).unwrap();
    let e = nc.apply(&t(Event::Closed, 2)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "NC-0001 is raised: closing is not possible now; next: record the correction"
    );
    let e = nc
        .apply(&t(action("A1", Some("x"), true, Some("y")), 2))
        .unwrap_err();
    assert!(matches!(e, Refused::WrongState { .. }));
    assert_eq!(nc.state, State::Raised);
    assert_eq!(nc.history.len(), 1);
}

#[test]
fn actions_must_be_smart() {
    let mut nc = Nonconformity::replay(
        "NC-1",
        &[
            raised(),
            t(
                Event::Corrected {
                    correction: "c".into(),
                },
                2,
            ),
            t(analysed(), 3),
        ],
    )
    .unwrap();
    let e = nc
        .apply(&t(action("A1", None, false, Some(" ")), 4))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "the action is not SMART: missing an owner, a due date, a measurable success criterion"
    );
    let e = nc
        .apply(&t(action("A1", Some("sam"), true, None), 4))
        .unwrap_err();
    assert_eq!(e, Refused::NotSmart(vec!["success_criterion"]));
    nc.apply(&t(action("A1", Some("sam"), true, Some("s")), 4))
        .unwrap();
    assert_eq!(nc.state, State::ActionPlanned);
}

#[test]
fn verification_waits_for_the_check_date_and_evidence() {
    let mut nc = Nonconformity::replay(
        "NC-1",
        &[
            raised(),
            t(
                Event::Corrected {
                    correction: "c".into(),
                },
                2,
            ),
            t(analysed(), 3),
            t(action("A1", Some("sam"), true, Some("s")), 4),
            t(
                Event::ActionImplemented {
                    action: "A1".into(),
                    note: "n".into(),
                },
                5,
            ),
        ],
    )
    .unwrap();
    assert_eq!(nc.state, State::Implemented);
    let e = nc.apply(&t(verified(true), 6)).unwrap_err();
    assert!(e.to_string().contains("no planned check"), "{e}");
    nc.apply(&t(check(), 6)).unwrap();
    let e = nc.apply(&t(verified(true), 19)).unwrap_err();
    assert!(e.to_string().contains("planned for 2026-03-20"), "{e}");
    let e = nc
        .apply(&t(
            Event::Verified {
                effective: true,
                evidence: "".into(),
            },
            20,
        ))
        .unwrap_err();
    assert!(e.to_string().contains("evidence"), "{e}");
    // dated before the last step
    let e = nc.apply(&t(verified(true), 5)).unwrap_err();
    assert!(e.to_string().contains("last step was on 2026-03-06"), "{e}");
}

#[test]
fn overdue_actions_and_checks() {
    let nc = Nonconformity::replay(
        "NC-1",
        &[
            raised(),
            t(
                Event::Corrected {
                    correction: "c".into(),
                },
                2,
            ),
            t(analysed(), 3),
            t(action("A1", Some("sam"), true, Some("s")), 4),
            t(check(), 4),
        ],
    )
    .unwrap();
    assert!(!nc.is_overdue(date(2026, 3, 20)));
    assert!(nc.overdue_check(date(2026, 3, 21)).is_some());
    assert!(nc.overdue_actions(date(2026, 4, 30)).is_empty());
    assert_eq!(nc.overdue_actions(date(2026, 5, 1)).len(), 1);
}

#[test]
fn payload_round_trip() {
    for tr in [
        raised(),
        t(action("A1", Some("s"), true, Some("c")), 2),
        t(check(), 3),
        t(Event::Closed, 4),
    ] {
        let back = Transition::from_payload(&tr.payload(), "alex", "reason").unwrap();
        assert_eq!(back, tr);
    }
}

#[test]
fn automatic_verdicts() {
    use Status::*;
    assert_eq!(auto_verdict(&[Red, Green, Green, Green], 3), Some(true));
    assert_eq!(auto_verdict(&[Green, Amber, Green], 3), Some(false));
    assert_eq!(auto_verdict(&[Green, Green], 3), None);
    assert_eq!(auto_verdict(&[Green, NoData, Green], 3), None);
}

#[test]
fn red_indicators_raise_once_per_collection_period() {
    use crate::evaluation::{Evaluation, MeasureEvaluation};
    use crate::measure::Kind;
    use crate::nonconformity::from_red::{once_key, red_raises};
    let settings = "format = 1\n[programme]\nname = \"P\"\norganisation = \"O\"\ntimezone = \"UTC\"\nfirst_period = \"2025-01\"\n[people.a]\nname = \"A\"\n";
    let measure = |id: &str, on_red: &str| {
        format!(
            "id = \"{id}\"\nversion = 1\nname = \"n\"\ninformation_need = \"i\"\nkind = \"performance\"\ncontrols = [\"A.8.8\"]\n[roles]\nowner = \"a\"\ncollector = \"a\"\n[frequency]\ncollection = \"monthly\"\n[[base]]\nid = \"x\"\nmethod = \"manual\"\n[indicator]\nmeasure = \"x\"\ndirection = \"higher_is_better\"\ntarget = 10\ngreen = 9\nred = 5\non_red = \"{on_red}\"\n"
        )
    };
    let file = |p: &str, t: String| crate::SourceFile {
        path: p.into(),
        text: t,
    };
    let programme = crate::load(
        &file("clause9.toml", settings.into()),
        &[
            file("a.toml", measure("M-A", "nonconformity")),
            file("b.toml", measure("M-B", "review")),
        ],
    )
    .unwrap();
    let eval = |period: &str, status: Status| Evaluation {
        programme: "P".into(),
        period: period.parse().unwrap(),
        measures: ["M-A", "M-B"]
            .iter()
            .map(|id| MeasureEvaluation {
                id: id.to_string(),
                name: "n".into(),
                kind: Kind::Performance,
                unit: String::new(),
                status,
                value: Some(1.0),
                target: 10.0,
                base: vec![],
                derived: vec![],
                diagnostics: vec![],
                collection_periods: vec![],
                analysis: None,
            })
            .collect(),
    };
    let raised = red_raises(&programme, &eval("2025-04", Status::Red));
    assert_eq!(raised.len(), 1, "only on_red = nonconformity raises");
    assert_eq!(raised[0].measure, "M-A");
    assert_eq!(
        raised[0].once_key,
        once_key("M-A", "2025-04".parse().unwrap())
    );
    assert_eq!(raised[0].controls, vec!["A.8.8".to_string()]);
    assert!(
        red_raises(&programme, &eval("2025-Q2", Status::Red)).is_empty(),
        "a quarter of a monthly measure"
    );
    assert!(red_raises(&programme, &eval("2025-04", Status::Amber)).is_empty());
}

#[test]
fn descriptions_round_values() {
    assert_eq!(
        super::from_red::describe_value(94.16167664670658, "%"),
        "94.16%"
    );
    assert_eq!(super::from_red::describe_value(3.0, "days"), "3 days");
    assert_eq!(super::from_red::describe_value(0.5, ""), "0.5");
}
