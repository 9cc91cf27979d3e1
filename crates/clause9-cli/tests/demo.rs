//! `clause9 demo --no-serve`: the demonstration organisation has two years of
//! history with every status, late and corrected values, and overdue work.

mod common;

use common::*;

#[test]
fn the_demo_has_history_with_every_status_corrections_and_overdue_work() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("demo");
    let d = p.to_str().unwrap();
    let out = ok(clause9(&["demo", d, "--no-serve"]));
    assert!(out.contains("86 measures"), "{out}");
    let corrected: usize = out
        .split(" corrected later")
        .next()
        .and_then(|s| s.rsplit('(').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    assert!(corrected > 10, "{out}");
    ok(clause9(&["validate", d]));

    let today = jiff::Zoned::now().date();
    let last_month = today
        .first_of_month()
        .checked_sub(jiff::Span::new().months(1))
        .unwrap()
        .strftime("%Y-%m")
        .to_string();
    let e = evaluate_json(&p, Some(&last_month));
    let count = |s: &str| {
        e["measures"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["status"] == s)
            .count()
    };
    assert!(
        count("green") > 10 && count("amber") > 3 && count("red") > 3 && count("no_data") > 3,
        "{e}"
    );

    // two years of monthly values behind a monthly measure
    let history: serde_json::Value = serde_json::from_str(&ok(clause9(&[
        "history", d, "M-BAK-01", "--format", "json",
    ])))
    .unwrap();
    let periods: std::collections::BTreeSet<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["period"].as_str().unwrap())
        .collect();
    assert!(periods.len() >= 23, "{periods:?}");

    // the uncollected last periods show as work that is due or overdue
    let status: serde_json::Value = serde_json::from_str(&ok(clause9(&[
        "status",
        d,
        "--period",
        &last_month,
        "--format",
        "json",
    ])))
    .unwrap();
    let waiting = status["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["state"] == "overdue" || i["state"] == "due")
        .count();
    assert!(waiting > 0, "{status}");

    // writing the demo again into the same directory is refused
    let (code, _, err) = run(clause9(&["demo", d, "--no-serve"]));
    assert_eq!(code, 2, "{err}");
}
