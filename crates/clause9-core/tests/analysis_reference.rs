//! The analysis statistics against fixtures computed once with numpy and scipy
//! (tools/analysis-reference/make_fixtures.py): within 1e-9.

use clause9_core::analysis::{control, least_squares, mann_kendall_p, theil_sen, trend};
use clause9_core::measure::Direction;
use clause9_core::period::Period;
use serde_json::Value;

const FIXTURES: &str = include_str!("../../../tools/analysis-reference/fixtures.json");
const TOLERANCE: f64 = 1e-9;

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

fn close(case: &str, what: &str, got: f64, want: f64) {
    let scale = want.abs().max(1.0);
    assert!(
        (got - want).abs() <= TOLERANCE * scale,
        "{case}: {what} is {got}, the reference says {want}"
    );
}

fn month(i: usize) -> Period {
    let mut p: Period = "2024-01".parse().expect("a period");
    for _ in 0..i {
        p = p.next();
    }
    p
}

#[test]
fn statistics_match_the_reference() {
    let fixtures: Value = serde_json::from_str(FIXTURES).expect("valid fixtures");
    let cases = fixtures["cases"].as_array().expect("cases");
    assert!(cases.len() >= 10);
    let mut with_signals = 0;
    for case in cases {
        let name = case["name"].as_str().expect("a name");
        let xs = floats(&case["x"]);
        let ys = floats(&case["y"]);
        let t = trend(&xs, &ys, Direction::HigherIsBetter);
        close(
            name,
            "slope",
            t.slope.expect("a slope"),
            case["slope"].as_f64().unwrap(),
        );
        let (slope, _, _) = least_squares(&xs, &ys);
        close(
            name,
            "least_squares slope",
            slope,
            case["slope"].as_f64().unwrap(),
        );
        let ci = t.slope_ci95.expect("an interval");
        let want = floats(&case["slope_ci95"]);
        close(name, "ci low", ci[0], want[0]);
        close(name, "ci high", ci[1], want[1]);
        close(
            name,
            "theil-sen",
            theil_sen(&xs, &ys),
            case["theil_sen_slope"].as_f64().unwrap(),
        );
        close(
            name,
            "theil-sen (trend)",
            t.theil_sen_slope.unwrap(),
            case["theil_sen_slope"].as_f64().unwrap(),
        );
        close(
            name,
            "mann-kendall p",
            mann_kendall_p(&ys),
            case["mann_kendall_p"].as_f64().unwrap(),
        );
        close(
            name,
            "mann-kendall p (trend)",
            t.mann_kendall_p.unwrap(),
            case["mann_kendall_p"].as_f64().unwrap(),
        );

        let points: Vec<(Period, f64)> =
            ys.iter().enumerate().map(|(i, y)| (month(i), *y)).collect();
        let c = control(&points);
        match case.get("control") {
            None => {
                assert!(
                    c.centre.is_none() && c.note.is_some(),
                    "{name}: no limits below 5 points"
                );
            }
            Some(want) => {
                close(
                    name,
                    "centre",
                    c.centre.unwrap(),
                    want["centre"].as_f64().unwrap(),
                );
                close(
                    name,
                    "lower",
                    c.lower.unwrap(),
                    want["lower"].as_f64().unwrap(),
                );
                close(
                    name,
                    "upper",
                    c.upper.unwrap(),
                    want["upper"].as_f64().unwrap(),
                );
                let want_signals: Vec<(Period, String)> = want["signals"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| {
                        (
                            month(s["index"].as_u64().unwrap() as usize),
                            s["rule"].as_str().unwrap().to_string(),
                        )
                    })
                    .collect();
                let got: Vec<(Period, String)> = c
                    .signals
                    .iter()
                    .map(|s| (s.period, s.rule.to_string()))
                    .collect();
                assert_eq!(got, want_signals, "{name}: signals");
                with_signals += usize::from(!got.is_empty());
            }
        }
    }
    assert!(with_signals >= 5, "the fixtures exercise the signal rules");
}

#[test]
fn too_few_points_give_no_numbers() {
    let t = trend(&[0.0, 1.0], &[1.0, 2.0], Direction::HigherIsBetter);
    assert_eq!(t.points, 2);
    assert!(t.slope.is_none() && t.verdict.is_none() && t.mann_kendall_p.is_none());
    assert!(t.note.as_deref().unwrap().contains("at least 3"));
    let c = control(&[
        (month(0), 1.0),
        (month(1), 2.0),
        (month(2), 3.0),
        (month(3), 4.0),
    ]);
    assert!(c.centre.is_none() && c.upper.is_none() && c.signals.is_empty());
    assert!(c.note.as_deref().unwrap().contains("at least 5"));
}
