//! The starter programme and its sample values, fixed in time (period
//! 2026-10, issued 2026-11-12), as report input: no store, no clock.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use clause9_core::analysis::analyse_evaluation;
use clause9_core::engine::{Values, evaluate};
use clause9_core::evaluation::Evaluation;
use clause9_core::nonconformity::{Action, Event, Nonconformity, Source, Transition};
use clause9_core::observation::{Evidence, Method, NewObservation, Observation};
use clause9_core::period::Period;
use clause9_core::schedule::{CollectionItem, CollectionState, collection_status};
use clause9_core::{Programme, SourceFile, load};
use clause9_report::{Input, Report};

pub(crate) const PERIOD: &str = "2026-10";

pub(crate) fn starter_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../clause9-cli/programmes/starter")
}

pub(crate) struct Fixture {
    pub programme: Programme,
    pub evaluation: Evaluation,
    pub previous: Evaluation,
    pub current: Vec<Observation>,
    pub overdue: Vec<CollectionItem>,
    pub nonconformities: Vec<Nonconformity>,
}

/// The starter programme; `M-VUL-01`'s information customers become `it_lead`
/// so that audiences differ.
pub(crate) fn fixture() -> Fixture {
    let dir = starter_dir();
    let settings = std::fs::read_to_string(dir.join("clause9.toml"))
        .unwrap()
        .replace("first_period = \"2025-01\"", "first_period = \"2025-11\"");
    let mut files = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(dir.join("measures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for path in names {
        let mut text = std::fs::read_to_string(&path).unwrap();
        if text.contains("id = \"M-VUL-01\"") {
            text = text.replace("customers = [\"board\"]", "customers = [\"it_lead\"]");
        }
        files.push(SourceFile {
            path: format!("measures/{}", path.file_name().unwrap().to_string_lossy()),
            text,
        });
    }
    let programme = load(
        &SourceFile {
            path: "clause9.toml".into(),
            text: settings,
        },
        &files,
    )
    .expect("the starter programme loads");
    let period: Period = PERIOD.parse().unwrap();
    let samples = std::fs::read_to_string(dir.join("samples.csv")).unwrap();
    let mut current = Vec::new();
    for (i, line) in samples.lines().skip(1).enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        let mut p = period;
        for _ in 0..f[0].parse::<u32>().unwrap() {
            p = p.prev();
        }
        let recorded_at = format!(
            "{}T09:00:00Z",
            p.end_day().checked_add(jiff::ToSpan::days(3)).unwrap()
        );
        current.push(Observation {
            id: i as i64 + 1,
            new: NewObservation {
                measure: f[1].into(),
                base: f[2].into(),
                period: p,
                value: Some(f[3].parse().unwrap()),
                definition_version: 1,
                recorded_by: "security_lead".into(),
                recorded_at: recorded_at.parse().unwrap(),
                method: Method::Import,
                evidence: Evidence {
                    name: Some(f[4].into()),
                    sha256: Some(format!("{:064x}", i + 1)),
                    size: Some(100),
                    url: None,
                },
                provenance: None,
                supersedes: None,
                reason: None,
            },
            superseded_by: None,
        });
    }
    let today: jiff::civil::Date = "2026-11-12".parse().unwrap();
    let mut evaluation = evaluate(&programme, &current, period);
    analyse_evaluation(&programme, &mut evaluation, &current, today);
    let previous = evaluate(&programme, &current, period.prev());
    let values = Values::new(&current);
    let overdue = collection_status(&programme, &values, period, today)
        .into_iter()
        .filter(|c| c.state == CollectionState::Overdue)
        .collect();
    Fixture {
        programme,
        evaluation,
        previous,
        current,
        overdue,
        nonconformities: nonconformities(),
    }
}

/// Three records: NC-0001 from the red M-VUL-01 (area it) with an action due
/// 2026-10-31 and not implemented, so overdue when the report is issued on
/// 2026-11-12; NC-0002 from an audit finding in area people, root cause
/// analysed, no action yet; NC-0003 closed.
pub(crate) fn nonconformities() -> Vec<Nonconformity> {
    let t = |event: Event, day: i8| Transition {
        event,
        by: "ciso".into(),
        on: jiff::civil::date(2026, 10, day),
        why: "fixture".into(),
    };
    let raised = |source: Source, area: &str| Event::Raised {
        source,
        description: format!("raised in area {area}"),
        severity: "major".into(),
        area: Some(area.into()),
        controls: vec![],
    };
    let corrected = || Event::Corrected {
        correction: "contained".into(),
    };
    let analysed = || Event::RootCauseAnalysed {
        whys: vec!["no owner for patching".into()],
        cause: String::new(),
        extent: "all servers".into(),
    };
    let vul = vec![
        t(
            raised(
                Source::RedIndicator {
                    measure: "M-VUL-01".into(),
                    period: "2026-09".into(),
                },
                "it",
            ),
            2,
        ),
        t(corrected(), 3),
        t(analysed(), 5),
        t(
            Event::ActionPlanned {
                action: Action {
                    id: "A1".into(),
                    description: "Assign a patch owner per server group".into(),
                    owner: Some("it_lead".into()),
                    due: Some(jiff::civil::date(2026, 10, 31)),
                    success_criterion: Some("M-VUL-01 green for 3 months".into()),
                    implemented_on: None,
                    note: None,
                },
            },
            6,
        ),
    ];
    let audit = vec![
        t(
            raised(
                Source::AuditFinding {
                    audit: "AUD-0001".into(),
                    finding: "F1".into(),
                },
                "people",
            ),
            10,
        ),
        t(corrected(), 11),
        t(analysed(), 12),
    ];
    let closed = vec![
        t(
            raised(
                Source::Other {
                    reference: "x".into(),
                },
                "it",
            ),
            1,
        ),
        t(corrected(), 2),
        t(analysed(), 3),
        t(
            Event::ActionPlanned {
                action: Action {
                    id: "A1".into(),
                    description: "d".into(),
                    owner: Some("ciso".into()),
                    due: Some(jiff::civil::date(2026, 10, 3)),
                    success_criterion: Some("s".into()),
                    implemented_on: None,
                    note: None,
                },
            },
            3,
        ),
        t(
            Event::ActionImplemented {
                action: "A1".into(),
                note: "done".into(),
            },
            3,
        ),
        t(
            Event::CheckPlanned {
                check: clause9_core::nonconformity::Check {
                    on: jiff::civil::date(2026, 10, 4),
                    method: clause9_core::nonconformity::CheckMethod::Manual,
                },
            },
            3,
        ),
        t(
            Event::Verified {
                effective: true,
                evidence: "checked".into(),
            },
            4,
        ),
        t(Event::Closed, 5),
    ];
    [("NC-0001", vul), ("NC-0002", audit), ("NC-0003", closed)]
        .into_iter()
        .map(|(id, events)| Nonconformity::replay(id, &events).unwrap())
        .collect()
}

impl Fixture {
    pub(crate) fn report(&self, audience: Option<&str>) -> Report {
        Report::build(&Input {
            programme: &self.programme,
            evaluation: &self.evaluation,
            previous: Some(&self.previous),
            observations: &self.current,
            overdue: &self.overdue,
            nonconformities: &self.nonconformities,
            audience,
            generated_at: "2026-11-12T10:00:00Z".parse().unwrap(),
        })
    }
}
