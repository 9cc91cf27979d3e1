//! Management review records and packs, auditor independence and the audit
//! universe, on a small programme.

use clause9_core::audit::independence::{competence_gaps, conflicts};
use clause9_core::audit::{ScopeItem, universe};
use clause9_core::registers::{Auditor, Registers};
use clause9_core::review::pack::{PackInput, pack};
use clause9_core::review::{INPUTS, Review, ReviewAction, ReviewEvent};
use clause9_core::{Programme, SourceFile};
use jiff::civil::date;

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
[groups]
ops = ["kim"]
[areas.it]
title = "IT"
owner = "sam"
[areas.hr]
title = "People"
owner = "kim"
"#;

const MEASURE: &str = r#"id = "M-1"
version = 1
name = "m"
information_need = "n"
kind = "performance"
controls = ["A.5.15"]
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
target = 1
green = 1
"#;

fn programme() -> Programme {
    let file = |path: &str, text: &str| SourceFile {
        path: path.into(),
        text: text.into(),
    };
    clause9_core::load(
        &file("clause9.toml", SETTINGS),
        &[file("measures/m.toml", MEASURE)],
    )
    .unwrap()
}

fn item(r: &str, a: Option<&str>) -> ScopeItem {
    ScopeItem {
        requirement: r.into(),
        area: a.map(String::from),
    }
}

#[test]
fn independence_names_each_conflict() {
    let p = programme();
    let scope = [item("A.5.15", None), item("9.1", Some("it"))];
    assert_eq!(
        conflicts(&p, &scope, "sam"),
        vec!["sam owns area `it` (IT), which is in scope".to_string()]
    );
    assert_eq!(
        conflicts(&p, &scope, "kim"),
        vec!["kim collects measure M-1 (its control A.5.15 is in scope)".to_string()]
    );
    assert_eq!(
        conflicts(&p, &scope, "jo"),
        vec!["jo owns measure M-1 (its control A.5.15 is in scope)".to_string()]
    );
    assert!(conflicts(&p, &[item("A.8.8", None)], "jo").is_empty());

    let mut regs = Registers::default();
    assert!(competence_gaps(&regs, &scope, "jo")[0].contains("not in the auditor register"));
    regs.auditors.push(Auditor {
        person: "jo".into(),
        competence: vec!["A.5".into()],
        qualifications: vec![],
    });
    assert_eq!(
        competence_gaps(&regs, &scope, "jo"),
        vec!["jo is not competent for 9.1 (competence: A.5)".to_string()]
    );
}

#[test]
fn universe_covers_clauses_and_applicable_controls() {
    let p = programme();
    let mut regs = Registers::default();
    regs.exclusions.insert("A.7.4".into(), "no premises".into());
    let u = universe(&p, &regs);
    // every clause and every applicable control once, ISMS-wide: M-1 (A.5.15) has no area
    assert_eq!(
        u.iter()
            .filter(|i| !i.requirement.starts_with("A."))
            .count(),
        23,
        "4.1 … 10.2"
    );
    assert_eq!(
        u.iter().filter(|i| i.requirement.starts_with("A.")).count(),
        92
    );
    assert!(u.iter().all(|i| i.area.is_none()));
    assert!(!u.iter().any(|i| i.requirement == "A.7.4"));

    // a control is audited in each area whose measures are linked to it
    let file = |path: &str, text: &str| SourceFile {
        path: path.into(),
        text: text.into(),
    };
    let in_area = |id: &str, area: &str| {
        MEASURE
            .replace("id = \"M-1\"", &format!("id = \"{id}\""))
            .replace("controls = [", &format!("area = \"{area}\"\ncontrols = ["))
    };
    let p = clause9_core::load(
        &file("clause9.toml", SETTINGS),
        &[
            file("measures/m1.toml", &in_area("M-1", "it")),
            file("measures/m2.toml", &in_area("M-2", "hr")),
        ],
    )
    .unwrap();
    let u = universe(&p, &regs);
    assert!(u.contains(&item("A.5.15", Some("it"))));
    assert!(u.contains(&item("A.5.15", Some("hr"))));
    assert!(!u.contains(&item("A.5.15", None)));
    assert!(u.contains(&item("10.2", None)));
    assert!(u.contains(&item("A.5.1", None)));
    assert_eq!(u.len(), 23 + 92 + 1);

    // ISMS-wide scope covers every area; an area's audit covers the ISMS-wide item
    assert!(item("A.5.15", None).covers(&item("A.5.15", Some("it"))));
    assert!(item("A.5.15", Some("it")).covers(&item("A.5.15", None)));
    assert!(item("A.5.15", Some("it")).covers(&item("A.5.15", Some("it"))));
    assert!(!item("A.5.15", Some("it")).covers(&item("A.5.15", Some("hr"))));
    assert!(!item("A.5.16", None).covers(&item("A.5.15", None)));
}

fn opened() -> (ReviewEvent, jiff::civil::Date) {
    (
        ReviewEvent::Opened {
            title: "MR".into(),
            date: date(2025, 9, 15),
            chair: "sam".into(),
        },
        date(2025, 9, 15),
    )
}

#[test]
fn signed_minutes_are_locked_but_actions_can_be_done() {
    let day = date(2025, 9, 15);
    let mut r = Review::replay("MR-0001", &[opened()]).unwrap();
    assert!(
        r.apply(&ReviewEvent::Signed { by: "sam".into() }, day)
            .unwrap_err()
            .contains("no attendees")
    );
    r.apply(
        &ReviewEvent::Attended {
            person: "kim".into(),
        },
        day,
    )
    .unwrap();
    assert!(
        r.apply(
            &ReviewEvent::Discussed {
                input: "h".into(),
                text: "x".into()
            },
            day
        )
        .unwrap_err()
        .contains("unknown input `h`")
    );
    assert!(
        r.apply(
            &ReviewEvent::Decided {
                kind: "party".into(),
                text: "x".into()
            },
            day
        )
        .is_err()
    );
    let action = ReviewAction {
        id: "RA1".into(),
        description: "d".into(),
        owner: "kim".into(),
        due: date(2025, 12, 31),
    };
    r.apply(&ReviewEvent::ActionAdded { action }, day).unwrap();
    assert!(
        r.apply(&ReviewEvent::Signed { by: "kim".into() }, day)
            .unwrap_err()
            .contains("only the chair (sam)")
    );
    r.apply(&ReviewEvent::Signed { by: "sam".into() }, day)
        .unwrap();
    let e = r
        .apply(
            &ReviewEvent::Attended {
                person: "jo".into(),
            },
            day,
        )
        .unwrap_err();
    assert!(
        e.contains("signed by sam on 2025-09-15 and are locked"),
        "{e}"
    );
    r.apply(
        &ReviewEvent::ActionDone {
            action: "RA1".into(),
            note: "n".into(),
        },
        date(2025, 10, 1),
    )
    .unwrap();
    assert!(r.open_actions().is_empty());
    assert!(
        r.apply(
            &ReviewEvent::ActionDone {
                action: "RA1".into(),
                note: "n".into()
            },
            day
        )
        .is_err()
    );
}

#[test]
fn an_empty_pack_has_every_section_saying_so() {
    let p = programme();
    let regs = Registers::default();
    let input = PackInput {
        date: date(2025, 9, 15),
        since: None,
        programme: &p,
        registers: &regs,
        reviews: &[],
        nonconformities: &[],
        evaluations: &[],
        audits: &[],
    };
    let md = pack(&input).markdown();
    for (key, _) in INPUTS {
        let start = md
            .find(&format!("## ({key})"))
            .unwrap_or_else(|| panic!("({key}) missing"));
        let section = &md[start..];
        let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
        if *key == "d4" {
            // the objective-less programme still lists nothing for (d4)
            assert!(section.contains("Nothing to report"), "{section}");
        } else {
            assert!(
                section.contains("Nothing to report since records began"),
                "{section}"
            );
        }
    }
    assert_eq!(md.matches("\n## (").count(), INPUTS.len());
}
