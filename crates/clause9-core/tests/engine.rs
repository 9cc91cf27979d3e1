//! Engine tests, data-driven: each case is a measure snippet, stored values and
//! a period; `check` evaluates it and compares one readable line:
//! `STATUS VALUE | base=… | derived=… | diagnostics`.

use clause9_core::engine::{Values, evaluate_measure, judge};
use clause9_core::evaluation::Status;
use clause9_core::measure::{Direction, Indicator};
use clause9_core::observation::{Evidence, Method, NewObservation, Observation};
use clause9_core::period::Period;
use clause9_core::{Programme, SourceFile, load};

const SETTINGS: &str = r#"
format = 1
[programme]
name = "Test"
organisation = "Test Ltd"
timezone = "Europe/London"
first_period = "2025-01"
[people.dana]
name = "Dana"
"#;

fn programme(measure: &str) -> Programme {
    let settings = SourceFile {
        path: "clause9.toml".into(),
        text: SETTINGS.into(),
    };
    let text = format!(
        "id = \"M-T\"\nversion = 2\nname = \"t\"\ninformation_need = \"n\"\nkind = \"performance\"\n\
         {measure}\n[roles]\nowner = \"dana\"\ncollector = \"dana\"\n"
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

/// `base period value[@version]`, or `base period null`.
fn observations(spec: &[&str]) -> Vec<Observation> {
    spec.iter()
        .enumerate()
        .map(|(i, line)| {
            let parts: Vec<&str> = line.split_whitespace().collect();
            let (value, version) = match parts[2].split_once('@') {
                Some((v, ver)) => (v, ver.parse().unwrap()),
                None => (parts[2], 2),
            };
            Observation {
                id: i as i64 + 1,
                new: NewObservation {
                    measure: "M-T".into(),
                    base: parts[0].into(),
                    period: parts[1].parse().unwrap(),
                    value: if value == "null" {
                        None
                    } else {
                        Some(value.parse().unwrap())
                    },
                    definition_version: version,
                    recorded_by: "dana".into(),
                    recorded_at: "2026-01-01T00:00:00Z".parse().unwrap(),
                    method: Method::Manual,
                    evidence: Evidence::default(),
                    provenance: None,
                    supersedes: None,
                    reason: None,
                },
                superseded_by: None,
            }
        })
        .collect()
}

fn fmt(v: Option<f64>) -> String {
    v.map_or("null".into(), |v| format!("{}", (v * 1e6).round() / 1e6))
}

fn check(measure: &str, stored: &[&str], period: &str, expected: &str) {
    let p = programme(measure);
    let obs = observations(stored);
    let values = Values::new(&obs);
    let period: Period = period.parse().unwrap();
    let e = evaluate_measure(&p.settings, &p.measures[0], &values, period);
    let list = |v: &[(String, Option<f64>)]| {
        v.iter()
            .map(|(k, v)| format!("{k}={}", fmt(*v)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let got = format!(
        "{} {} | {} | {} | {}",
        e.status.as_str(),
        fmt(e.value),
        list(&e.base),
        list(&e.derived),
        e.diagnostics.join(" / ")
    );
    assert_eq!(
        got, expected,
        "\nmeasure:\n{measure}\nstored: {stored:?}\nperiod: {period}"
    );
}

const RATIO: &str = r#"
[frequency]
collection = "monthly"
[[base]]
id = "done"
method = "manual"
[[base]]
id = "total"
method = "manual"
[[derived]]
id = "rate"
formula = "100 * done / total"
[indicator]
measure = "rate"
direction = "higher_is_better"
green = 90
red = 80
"#;

#[test]
fn a_month_is_judged_on_its_own_values() {
    check(
        RATIO,
        &["done 2026-10 45", "total 2026-10 50"],
        "2026-10",
        "green 90 | done=45 total=50 | rate=90 | ",
    );
    check(
        RATIO,
        &["done 2026-10 44", "total 2026-10 50"],
        "2026-10",
        "amber 88 | done=44 total=50 | rate=88 | ",
    );
    check(
        RATIO,
        &["done 2026-10 40", "total 2026-10 50"],
        "2026-10",
        "amber 80 | done=40 total=50 | rate=80 | ",
    );
    check(
        RATIO,
        &["done 2026-10 39", "total 2026-10 50"],
        "2026-10",
        "red 78 | done=39 total=50 | rate=78 | ",
    );
}

#[test]
fn a_quarter_is_the_ratio_of_its_sums_not_the_mean_of_ratios() {
    // monthly ratios 100%, 50%, 90% (mean 80%); sums 1+5+90 / 1+10+100 = 96/111
    check(
        RATIO,
        &[
            "done 2026-10 1",
            "total 2026-10 1",
            "done 2026-11 5",
            "total 2026-11 10",
            "done 2026-12 90",
            "total 2026-12 100",
        ],
        "2026-Q4",
        "amber 86.486486 | done=96 total=111 | rate=86.486486 | ",
    );
}

#[test]
fn a_missing_month_leaves_the_quarter_without_data_and_says_which() {
    check(
        RATIO,
        &[
            "done 2026-10 1",
            "total 2026-10 1",
            "done 2026-11 5",
            "total 2026-11 10",
            "total 2026-12 100",
        ],
        "2026-Q4",
        "no_data null | done=null total=111 | rate=null | no value for `done` in 2026-12 (1 of 3 collection periods) / `rate` has no value: no value for `done`",
    );
}

#[test]
fn nothing_stored_is_explained() {
    check(
        RATIO,
        &[],
        "2026-10",
        "no_data null | done=null total=null | rate=null | no value for `done` in 2026-10 / no value for `total` in 2026-10 / `rate` has no value: no value for `done` and `total`",
    );
}

#[test]
fn division_by_zero_is_a_diagnostic_not_a_number() {
    check(
        RATIO,
        &["done 2026-10 0", "total 2026-10 0"],
        "2026-10",
        "no_data null | done=0 total=0 | rate=null | `rate` has no value: division by zero: `total` is 0",
    );
}

#[test]
fn a_null_from_the_source_is_explained() {
    check(
        RATIO,
        &["done 2026-10 null", "total 2026-10 5"],
        "2026-10",
        "no_data null | done=null total=5 | rate=null | `done` was collected for 2026-10 but the source returned no value / `rate` has no value: no value for `done`",
    );
}

fn aggregate(kind: &str) -> String {
    format!(
        "[frequency]\ncollection = \"monthly\"\n[[base]]\nid = \"x\"\nmethod = \"manual\"\naggregate = \"{kind}\"\n\
         [indicator]\nmeasure = \"x\"\ndirection = \"lower_is_better\"\ngreen = 5\n"
    )
}

#[test]
fn each_aggregate_combines_the_months_of_a_quarter() {
    let stored = ["x 2026-01 4", "x 2026-02 10", "x 2026-03 7"];
    for (kind, expected) in [
        ("sum", "red 21 | x=21 |  | "),
        ("mean", "red 7 | x=7 |  | "),
        ("min", "green 4 | x=4 |  | "),
        ("max", "red 10 | x=10 |  | "),
        ("last", "red 7 | x=7 |  | "),
    ] {
        check(&aggregate(kind), &stored, "2026-Q1", expected);
    }
    // a year of a monthly `last` measure is December's value
    let year: Vec<String> = (1..=12).map(|m| format!("x 2026-{m:02} {m}")).collect();
    let year: Vec<&str> = year.iter().map(String::as_str).collect();
    check(&aggregate("last"), &year, "2026", "red 12 | x=12 |  | ");
    check(
        &aggregate("mean"),
        &year,
        "2026-H1",
        "green 3.5 | x=3.5 |  | ",
    );
}

#[test]
fn a_value_collected_for_the_whole_longer_period_wins() {
    check(
        &aggregate("sum"),
        &["x 2026-Q1 3", "x 2026-01 4"],
        "2026-Q1",
        "green 3 | x=3 |  | ",
    );
}

#[test]
fn measuring_starts_at_the_first_period() {
    // first_period 2025-01: 2024 is not due at all, and 2024-Q4 neither
    check(
        &aggregate("sum"),
        &[],
        "2024-Q4",
        "no_data null | x=null |  | not due: measuring starts in 2025-01, after 2024-Q4",
    );
    let late = format!("first_period = \"2026-02\"\n{}", aggregate("sum"));
    check(
        &late,
        &["x 2026-02 1", "x 2026-03 2"],
        "2026-Q1",
        "green 3 | x=3 |  | measuring starts in 2026-02: 2026-Q1 combines 2 of its 3 monthly periods",
    );
}

#[test]
fn a_quarterly_measure_evaluated_for_a_month_shows_the_last_quarter_ended() {
    let quarterly = aggregate("sum").replace("monthly", "quarterly");
    check(
        &quarterly,
        &["x 2026-Q3 2"],
        "2026-11",
        "green 2 | x=2 |  | collected quarterly: the value shown is that of 2026-Q3, the latest quarterly period ended by the end of 2026-11",
    );
    check(
        &quarterly,
        &["x 2026-Q3 2", "x 2026-Q4 9"],
        "2026-12",
        "red 9 | x=9 |  | collected quarterly: the value shown is that of 2026-Q4, the latest quarterly period ended by the end of 2026-12",
    );
}

#[test]
fn weeks_belong_to_the_month_of_their_thursday() {
    let weekly = aggregate("sum").replace("monthly", "weekly");
    // 2026-01 holds W01..W05 (W01 starts 2025-12-29, its Thursday is 2026-01-01)
    let stored = [
        "x 2026-W01 1",
        "x 2026-W02 1",
        "x 2026-W03 1",
        "x 2026-W04 1",
        "x 2026-W05 1",
        "x 2026-W06 100",
    ];
    check(&weekly, &stored, "2026-01", "green 5 | x=5 |  | ");
}

#[test]
fn values_from_an_earlier_definition_version_are_flagged() {
    check(
        &aggregate("sum"),
        &["x 2026-10 3@1"],
        "2026-10",
        "green 3 | x=3 |  | `x` for 2026-10 was recorded under version 1 of the definition (now version 2)",
    );
}

#[test]
fn superseded_values_are_ignored() {
    let mut obs = observations(&["x 2026-10 30", "x 2026-10 3"]);
    obs[0].superseded_by = Some(2);
    obs[1].new.supersedes = Some(1);
    let p = programme(&aggregate("sum"));
    let values = Values::new(&obs);
    let e = evaluate_measure(
        &p.settings,
        &p.measures[0],
        &values,
        "2026-10".parse().unwrap(),
    );
    assert_eq!((e.status, e.value), (Status::Green, Some(3.0)));
}

#[test]
fn derived_measures_chain_in_dependency_order() {
    let chained = r#"
[frequency]
collection = "monthly"
[[base]]
id = "a"
method = "manual"
[[derived]]
id = "c"
formula = "b * 2"
[[derived]]
id = "b"
formula = "if(a > 10, a, 0) + 1"
[indicator]
measure = "c"
direction = "higher_is_better"
green = 10
"#;
    check(
        chained,
        &["a 2026-10 20"],
        "2026-10",
        "green 42 | a=20 | b=21 c=42 | ",
    );
    check(
        chained,
        &["a 2026-10 5"],
        "2026-10",
        "red 2 | a=5 | b=1 c=2 | ",
    );
}

fn indicator(direction: Direction, green: f64, red: Option<f64>) -> Indicator {
    Indicator {
        measure: "x".into(),
        direction,
        target: green,
        green,
        red,
        on_red: None,
        interpretation: None,
    }
}

#[test]
fn decision_criteria_at_their_thresholds() {
    use Direction::*;
    use Status::*;
    let cases: &[(Direction, f64, Option<f64>, f64, Status)] = &[
        (HigherIsBetter, 95.0, Some(85.0), 95.0, Green),
        (HigherIsBetter, 95.0, Some(85.0), 94.999, Amber),
        (HigherIsBetter, 95.0, Some(85.0), 85.0, Amber),
        (HigherIsBetter, 95.0, Some(85.0), 84.999, Red),
        (HigherIsBetter, 95.0, None, 95.0, Green),
        (HigherIsBetter, 95.0, None, 94.999, Red),
        (HigherIsBetter, 95.0, Some(95.0), 94.999, Red),
        (LowerIsBetter, 5.0, Some(10.0), 5.0, Green),
        (LowerIsBetter, 5.0, Some(10.0), 5.001, Amber),
        (LowerIsBetter, 5.0, Some(10.0), 10.0, Amber),
        (LowerIsBetter, 5.0, Some(10.0), 10.001, Red),
        (LowerIsBetter, 5.0, None, 5.0, Green),
        (LowerIsBetter, 5.0, None, 5.001, Red),
        (LowerIsBetter, 0.0, Some(0.0), -1.0, Green),
    ];
    for &(dir, green, red, value, want) in cases {
        assert_eq!(
            judge(&indicator(dir, green, red), Some(value)),
            want,
            "{dir:?} green {green} red {red:?} value {value}"
        );
    }
    assert_eq!(judge(&indicator(HigherIsBetter, 1.0, None), None), NoData);
}

#[test]
fn evaluation_json_has_the_contract_shape() {
    let p = programme(RATIO);
    let obs = observations(&["done 2026-10 31", "total 2026-10 34"]);
    let e = clause9_core::engine::evaluate(&p, &obs, "2026-10".parse().unwrap());
    let text = serde_json::to_string(&e).unwrap();
    let order = [
        "\"id\"",
        "\"name\"",
        "\"kind\"",
        "\"unit\"",
        "\"status\"",
        "\"value\"",
        "\"target\"",
        "\"base\"",
        "\"derived\"",
        "\"diagnostics\"",
    ];
    let positions: Vec<usize> = order.iter().map(|k| text.find(k).unwrap()).collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "fields out of the contract's order: {text}"
    );
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["format"], 1);
    assert_eq!(json["programme"], "Test");
    assert_eq!(json["period"], "2026-10");
    let m = &json["measures"][0];
    assert_eq!(m["status"], "green");
    assert_eq!(m["value"], 91.17647058823529);
    assert_eq!(m["target"], 90);
    assert_eq!(
        serde_json::to_string(&m["base"]).unwrap(),
        r#"{"done":31,"total":34}"#
    );
}

#[test]
fn domain_and_overflow_errors_explain_no_data() {
    let m = |formula: &str| {
        format!(
            "[frequency]\ncollection = \"monthly\"\n[[base]]\nid = \"x\"\nmethod = \"manual\"\n\
             [[derived]]\nid = \"y\"\nformula = \"{formula}\"\n\
             [indicator]\nmeasure = \"y\"\ndirection = \"lower_is_better\"\ngreen = 5\n"
        )
    };
    check(
        &m("ln(x)"),
        &["x 2026-10 0"],
        "2026-10",
        "no_data null | x=0 | y=null | `y` has no value: `ln` of 0 is undefined",
    );
    check(
        &m("sqrt(x)"),
        &["x 2026-10 -4"],
        "2026-10",
        "no_data null | x=-4 | y=null | `y` has no value: `sqrt` of -4 is undefined",
    );
    check(
        &m("10 ^ x"),
        &["x 2026-10 400"],
        "2026-10",
        "no_data null | x=400 | y=null | `y` has no value: the result is not a finite number",
    );
    check(
        &m("ln(x)"),
        &["x 2026-10 1"],
        "2026-10",
        "green 0 | x=1 | y=0 | ",
    );
}
