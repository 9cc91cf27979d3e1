//! Analysis of a measure's history: the series of the current definition
//! version, data-quality notes, verdicts, forecasts and roll-ups.

use clause9_core::analysis::{Outlook, Verdict, analyse, analyse_evaluation, rollups};
use clause9_core::engine::evaluate;
use clause9_core::observation::{Evidence, Method, NewObservation, Observation};
use clause9_core::period::Period;
use clause9_core::{Programme, SourceFile, load};

const SETTINGS: &str = r#"
format = 1
[programme]
name = "Test"
organisation = "Test Ltd"
timezone = "UTC"
first_period = "2025-01"
[people.dana]
name = "Dana"
[objectives.OBJ-1]
title = "Objective one"
owner = "dana"
[areas.ops]
title = "Operations"
owner = "dana"
"#;

fn programme(direction: &str) -> Programme {
    let settings = SourceFile {
        path: "clause9.toml".into(),
        text: SETTINGS.into(),
    };
    let criteria = if direction == "higher_is_better" {
        "target = 100\ngreen = 95\nred = 80"
    } else {
        "target = 50\ngreen = 60\nred = 80"
    };
    let text = format!(
        r#"id = "M-T"
version = 2
name = "t"
information_need = "n"
kind = "effectiveness"
objectives = ["OBJ-1"]
controls = ["A.8.8"]
area = "ops"
unit = "%"
[roles]
owner = "dana"
collector = "dana"
[frequency]
collection = "monthly"
due_days = 10
[[base]]
id = "v"
description = "v"
method = "manual"
[indicator]
measure = "v"
direction = "{direction}"
{criteria}
"#
    );
    let m = SourceFile {
        path: "measures/t.toml".into(),
        text,
    };
    match load(&settings, &[m]) {
        Ok(p) => p,
        Err(d) => panic!("fixture does not load: {d:?}"),
    }
}

/// (id, period, value, version, recorded day, supersedes)
type Spec<'a> = (i64, &'a str, f64, u32, &'a str, Option<i64>);

fn obs(spec: &[Spec]) -> Vec<Observation> {
    let mut out: Vec<Observation> = spec
        .iter()
        .map(
            |(id, period, value, version, day, supersedes)| Observation {
                id: *id,
                new: NewObservation {
                    measure: "M-T".into(),
                    base: "v".into(),
                    period: period.parse().unwrap(),
                    value: Some(*value),
                    definition_version: *version,
                    recorded_by: "dana".into(),
                    recorded_at: format!("{day}T12:00:00Z").parse().unwrap(),
                    method: Method::Manual,
                    evidence: Evidence::default(),
                    provenance: None,
                    supersedes: *supersedes,
                    reason: supersedes.map(|_| "typo".to_string()),
                },
                superseded_by: None,
            },
        )
        .collect();
    let links: Vec<(i64, i64)> = out
        .iter()
        .filter_map(|o| o.new.supersedes.map(|s| (s, o.id)))
        .collect();
    for (old, new) in links {
        out.iter_mut().find(|o| o.id == old).unwrap().superseded_by = Some(new);
    }
    out
}

fn history() -> Vec<Observation> {
    obs(&[
        (1, "2025-01", 10.0, 1, "2025-02-03", None),
        (2, "2025-02", 11.0, 1, "2025-03-03", None),
        (3, "2025-03", 60.0, 2, "2025-04-03", None),
        (4, "2025-04", 62.0, 2, "2025-05-23", None), // due 2025-05-11 (10 days after the month ends on 05-01)
        (5, "2025-05", 70.0, 2, "2025-06-03", None),
        (6, "2025-05", 64.0, 2, "2025-07-01", Some(5)), // corrected after reporting
        (7, "2025-07", 68.0, 2, "2025-08-03", None),
        (8, "2025-08", 71.0, 2, "2025-09-03", None),
        (9, "2025-09", 72.0, 2, "2025-10-03", None),
        (10, "2025-10", 75.0, 2, "2025-11-03", None),
    ])
}

fn today() -> jiff::civil::Date {
    "2025-12-20".parse().unwrap()
}

#[test]
fn series_restarts_at_the_current_version_and_quality_is_noted() {
    let p = programme("higher_is_better");
    let m = p.measure("M-T").unwrap();
    let period: Period = "2025-11".parse().unwrap();
    let a = analyse(&p.settings, m, &history(), period, today());
    let periods: Vec<String> = a.series.iter().map(|(p, _)| p.to_string()).collect();
    assert_eq!(periods.first().unwrap(), "2025-03");
    assert_eq!(periods.last().unwrap(), "2025-11");
    let values: Vec<Option<f64>> = a.series.iter().map(|(_, v)| *v).collect();
    assert_eq!(values[2], Some(64.0), "the corrected value is used");
    assert_eq!(values[3], None, "2025-06 has no value");
    assert_eq!(
        a.quality,
        vec![
            "values up to 2025-02 were recorded under an earlier definition version; the trend restarts with version 2 from 2025-03".to_string(),
            "no value for 2025-06, 2025-11 (2 of 9 collection periods)".to_string(),
            "2025-04 was collected 12 days late".to_string(),
            "2025-05: `v` was corrected on 2025-07-01 after it was reported (70 → 64): typo".to_string(),
        ]
    );
    assert_eq!(a.trend.points, 7);
    assert_eq!(a.trend.verdict, Some(Verdict::Improving));
    assert_eq!(a.control.points, 7);
    assert!(a.control.centre.is_some());
    assert_eq!(a.forecast.outlook, Outlook::WillReach);
    let reach = a.forecast.reaches_target.unwrap();
    assert!(reach > "2025-11".parse().unwrap(), "{reach}");
}

#[test]
fn direction_decides_the_verdict_and_the_forecast() {
    let p = programme("lower_is_better");
    let m = p.measure("M-T").unwrap();
    let a = analyse(
        &p.settings,
        m,
        &history(),
        "2025-10".parse().unwrap(),
        today(),
    );
    assert_eq!(a.trend.verdict, Some(Verdict::Deteriorating));
    // lower is better, target 50, values rising: never at this trend
    assert_eq!(a.forecast.outlook, Outlook::WillNotReach);
    assert!(a.forecast.reaches_target.is_none());
}

#[test]
fn few_points_say_so() {
    let p = programme("higher_is_better");
    let m = p.measure("M-T").unwrap();
    let a = analyse(
        &p.settings,
        m,
        &history(),
        "2025-04".parse().unwrap(),
        today(),
    );
    assert_eq!(a.trend.points, 2);
    assert!(a.trend.slope.is_none());
    assert!(a.control.upper.is_none());
    assert_eq!(a.forecast.outlook, Outlook::Unknown);
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["trend"]["slope"], serde_json::Value::Null);
    assert!(
        json["trend"]["note"]
            .as_str()
            .unwrap()
            .contains("at least 3")
    );
}

#[test]
fn rollups_follow_status_and_trend() {
    let p = programme("lower_is_better");
    let h = history();
    let current: Vec<Observation> = h.iter().filter(|o| o.is_current()).cloned().collect();
    let mut e = evaluate(&p, &current, "2025-10".parse().unwrap());
    analyse_evaluation(&p, &mut e, &h, today());
    let r = rollups(&p, &e);
    assert_eq!(r.objectives.len(), 1);
    assert_eq!(r.objectives[0].on_track, Some(false));
    assert!(r.objectives[0].reason.contains("deteriorating: M-T"));
    assert_eq!(r.controls[0].key, "A.8.8");
    assert_eq!(r.themes[0].key, "technological");
    assert_eq!(r.areas[0].title, "Operations");
    assert_eq!(r.owners[0].title, "Dana");
    assert_eq!(r.kinds[0].key, "effectiveness");
    assert_eq!(r.kinds[0].counts.deteriorating, 1);
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(
        json["measures"][0]["analysis"]["trend"]["verdict"],
        "deteriorating"
    );
}

#[test]
fn forecast_says_met_and_gives_an_interval() {
    use clause9_core::analysis::{Line, forecast};
    use clause9_core::measure::Direction;
    let periods: Vec<Period> = ["2026-01", "2026-02", "2026-03", "2026-04"]
        .iter()
        .map(|p| p.parse().unwrap())
        .collect();
    // y = 10 + 2x through the mean point (1.5, 13); the target 20 is reached at x = 5
    let line = Line {
        periods: &periods,
        last_x: 3,
        last_value: 16.0,
        mean_x: 1.5,
        mean_y: 13.0,
        slope: 2.0,
        slope_ci95: [1.0, 3.5],
    };
    let f = forecast(Some(&line), 20.0, Direction::HigherIsBetter);
    assert_eq!(f.outlook, Outlook::WillReach);
    assert_eq!(f.reaches_target.unwrap().to_string(), "2026-06");
    let [early, late] = f.interval.unwrap();
    // fast end: x = 1.5 + 7/3.5 = 3.5 → 2026-05; slow end: x = 1.5 + 7 = 8.5 → 2026-10
    assert_eq!(early.unwrap().to_string(), "2026-05");
    assert_eq!(late.unwrap().to_string(), "2026-10");
    let met = forecast(Some(&line), 15.0, Direction::HigherIsBetter);
    assert_eq!(met.outlook, Outlook::Met);
    let away = forecast(Some(&line), 5.0, Direction::LowerIsBetter);
    assert_eq!(away.outlook, Outlook::WillNotReach);
    assert_eq!(
        forecast(None, 5.0, Direction::LowerIsBetter).outlook,
        Outlook::Unknown
    );
}
