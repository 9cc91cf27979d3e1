//! The starter programme and its sample values, fixed in time (period
//! 2026-10, issued 2026-11-12), as report input: no store, no clock.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use clause9_core::analysis::analyse_evaluation;
use clause9_core::engine::{Values, evaluate};
use clause9_core::evaluation::Evaluation;
use clause9_core::observation::{Evidence, Method, NewObservation, Observation};
use clause9_core::period::Period;
use clause9_core::schedule::{CollectionItem, CollectionState, collection_status};
use clause9_core::{Programme, SourceFile, load};
use clause9_report::{Input, Report};

pub const PERIOD: &str = "2026-10";

pub fn starter_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../clause9-cli/programmes/starter")
}

pub struct Fixture {
    pub programme: Programme,
    pub evaluation: Evaluation,
    pub previous: Evaluation,
    pub current: Vec<Observation>,
    pub overdue: Vec<CollectionItem>,
}

/// The starter programme; `M-VUL-01`'s information customers become `it_lead`
/// so that audiences differ.
pub fn fixture() -> Fixture {
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
    }
}

impl Fixture {
    pub fn report(&self, audience: Option<&str>) -> Report {
        Report::build(&Input {
            programme: &self.programme,
            evaluation: &self.evaluation,
            previous: Some(&self.previous),
            observations: &self.current,
            overdue: &self.overdue,
            audience,
            generated_at: "2026-11-12T10:00:00Z".parse().unwrap(),
        })
    }
}
