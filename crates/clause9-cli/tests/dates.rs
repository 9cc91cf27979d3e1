//! Date-dependent output of the command line at the days where it changes,
//! each command run with `CLAUSE9_TODAY` (the one clock, as `--today`): a
//! month's values are open on its last day, due from the 1st of the next
//! month to the due day and overdue the day after; a quarter's likewise at
//! the end of a quarter and of a year; on the day the clocks change the
//! moved clock shows that day; the first management review is due
//! on its day and overdue the day after; a day out of the clock's range is
//! refused.

mod common;

use common::*;
use serde_json::Value;

/// The state of `measure`'s first base value in `status --period PERIOD` as of `day`.
fn state(dir: &str, period: &str, measure: &str, day: &str) -> (String, String) {
    let out = ok(clause9_on(
        day,
        &["status", dir, "--period", period, "--format", "json"],
    ));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["today"], day, "the command runs as of {day}");
    let item = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["measure"] == measure && i["period"] == period)
        .unwrap_or_else(|| panic!("no {measure} {period} in {v}"))
        .clone();
    (
        item["state"].as_str().unwrap().to_string(),
        item["due"].as_str().unwrap().to_string(),
    )
}

#[test]
fn collection_states_change_on_their_days() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("isms");
    let d = p.to_str().unwrap();
    // written as of 5 October: sample values up to September
    ok(clause9_on("2026-10-05", &["init", d]));
    // M-PHI-01 collected quarterly, due 5 days after its quarter
    let phi = p.join("measures/m-phi-01.toml");
    let text = std::fs::read_to_string(&phi).unwrap();
    std::fs::write(
        &phi,
        text.replace(
            "collection = \"monthly\"\nreporting = \"monthly\"",
            "collection = \"quarterly\"\nreporting = \"quarterly\"",
        ),
    )
    .unwrap();
    ok(clause9(&["validate", d]));

    // a month (M-AW-01, due 10 days after)
    for (day, expected) in [
        ("2026-11-30", "open"),    // the last day of the month
        ("2026-12-01", "due"),     // the 1st of the next
        ("2026-12-10", "due"),     // the day before the due date
        ("2026-12-11", "due"),     // the due date
        ("2026-12-12", "overdue"), // the day after
    ] {
        let (state, due) = state(d, "2026-11", "M-AW-01", day);
        assert_eq!(
            (state.as_str(), due.as_str()),
            (expected, "2026-12-11"),
            "{day}"
        );
    }
    // the last month of a quarter and a year
    for (day, expected) in [
        ("2026-12-31", "open"),
        ("2027-01-01", "due"),
        ("2027-01-11", "due"),
        ("2027-01-12", "overdue"),
    ] {
        let (state, _) = state(d, "2026-12", "M-AW-01", day);
        assert_eq!(state, expected, "{day}");
    }
    // a quarter (M-PHI-01, due 5 days after)
    for (day, expected) in [
        ("2026-12-31", "open"),
        ("2027-01-01", "due"),
        ("2027-01-06", "due"),
        ("2027-01-07", "overdue"),
    ] {
        let (state, due) = state(d, "2026-Q4", "M-PHI-01", day);
        assert_eq!(
            (state.as_str(), due.as_str()),
            (expected, "2027-01-06"),
            "{day}"
        );
    }
    // the day the clocks go forward in London (28 March 2027) is still that
    // day by the moved clock, whatever the time of day
    for (day, expected) in [
        ("2027-03-28", "open"),
        ("2027-03-31", "open"),
        ("2027-04-01", "due"),
    ] {
        let (state, _) = state(d, "2027-03", "M-VUL-01", day);
        assert_eq!(state, expected, "{day}");
    }
}

#[test]
fn the_first_review_is_due_on_its_day_and_overdue_after() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("isms");
    let d = p.to_str().unwrap();
    ok(clause9_on("2025-11-05", &["init", d]));
    // no review yet: the first is due a review interval after the first period began
    let at = |day: &str| -> Value {
        serde_json::from_str(&ok(clause9_on(
            day,
            &["status", d, "--period", "2025-10", "--format", "json"],
        )))
        .unwrap()
    };
    let due: jiff::civil::Date = at("2025-11-05")["next_review_due"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let (before, after) = (due.yesterday().unwrap(), due.tomorrow().unwrap());
    for (day, overdue) in [(before, false), (due, false), (after, true)] {
        let v = at(&day.to_string());
        assert_eq!(v["next_review_due"], due.to_string(), "{day}");
        assert_eq!(v["review_overdue"], overdue, "{day}");
    }
}

#[test]
fn a_day_the_clock_cannot_show_is_refused_with_the_option_named() {
    let (code, _, err) = run(clause9(&["validate", ".", "--today", "31/12/2026"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--today: `31/12/2026` is not a date such as 2026-03-31"),
        "{err}"
    );
    let (code, _, err) = run(clause9(&["validate", ".", "--today", "9999-01-01"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--today: cannot move the clock to 9999-01-01"),
        "{err}"
    );
}
