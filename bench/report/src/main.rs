//! Benchmark (not a test): evaluates, analyses and renders the report of a
//! synthetic programme of 100 measures × 36 months in every format, and
//! prints best and median wall-clock times.

use std::time::{Duration, Instant};

use clause9_core::analysis::analyse_evaluation;
use clause9_core::engine::evaluate;
use clause9_core::observation::{Evidence, Method, NewObservation, Observation};
use clause9_core::period::Period;
use clause9_core::{Programme, SourceFile, load};
use clause9_report::{Format, Input, Report, render};

const MEASURES: usize = 100;
const MONTHS: usize = 36;

fn programme() -> Programme {
    let settings = r#"
format = 1
[programme]
name = "Benchmark programme"
organisation = "Bench Ltd"
timezone = "Europe/London"
first_period = "2024-01"
[people.ann]
name = "Ann"
[people.bob]
name = "Bob"
[groups]
board = ["ann", "bob"]
[objectives.OBJ-1]
title = "Objective one"
owner = "ann"
[objectives.OBJ-2]
title = "Objective two"
owner = "bob"
[areas.it]
title = "IT"
owner = "bob"
"#;
    let charts = ["line", "bar", "gauge", "table"];
    let controls = ["A.5.1", "A.6.3", "A.7.4", "A.8.8", "A.8.15"];
    let files: Vec<SourceFile> = (0..MEASURES)
        .map(|i| SourceFile {
            path: format!("measures/m{i:03}.toml"),
            text: format!(
                r#"id = "M-B-{i:03}"
version = 1
name = "Benchmark measure {i}"
information_need = "How well does process {i} work?"
kind = "{kind}"
objectives = ["OBJ-{obj}"]
controls = ["{control}"]
area = "it"
unit = "%"
[roles]
owner = "{owner}"
collector = "bob"
customers = ["board"]
[frequency]
collection = "monthly"
due_days = 10
[[base]]
id = "total"
description = "items in scope"
method = "manual"
[[base]]
id = "done"
description = "items done on time"
method = "manual"
[[derived]]
id = "rate"
formula = "if(total == 0, 100, 100 * done / total)"
[indicator]
measure = "rate"
direction = "higher_is_better"
target = 100
green = 95
red = 80
[reporting]
chart = "{chart}"
"#,
                kind = if i % 2 == 0 {
                    "performance"
                } else {
                    "effectiveness"
                },
                obj = 1 + i % 2,
                control = controls[i % controls.len()],
                owner = if i % 3 == 0 { "ann" } else { "bob" },
                chart = charts[i % charts.len()],
            ),
        })
        .collect();
    let settings = SourceFile {
        path: "clause9.toml".into(),
        text: settings.into(),
    };
    load(&settings, &files).expect("the benchmark programme loads")
}

fn observations(last: Period) -> Vec<Observation> {
    let mut periods = vec![last];
    while periods.len() < MONTHS {
        let p = periods.last().unwrap().prev();
        periods.push(p);
    }
    periods.reverse();
    let mut out = Vec::new();
    let mut seed: u64 = 27004;
    let mut noise = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) % 7) as f64
    };
    for i in 0..MEASURES {
        for (t, p) in periods.iter().enumerate() {
            let total = 200.0 + (i % 17) as f64;
            let drift = if i % 3 == 0 {
                t as f64 * 0.5
            } else {
                -(t as f64) * 0.3
            };
            let done = (total * 0.85 + drift + noise()).clamp(0.0, total).round();
            for (base, value) in [("total", total), ("done", done)] {
                out.push(Observation {
                    id: out.len() as i64 + 1,
                    new: NewObservation {
                        measure: format!("M-B-{i:03}"),
                        base: base.into(),
                        period: *p,
                        value: Some(value),
                        definition_version: 1,
                        recorded_by: "bob".into(),
                        recorded_at: format!("{}T09:00:00Z", p.end_day()).parse().unwrap(),
                        method: Method::Manual,
                        evidence: Evidence::default(),
                        provenance: None,
                        supersedes: None,
                        reason: None,
                    },
                    superseded_by: None,
                });
            }
        }
    }
    out
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        last = Some(f());
        times.push(start.elapsed());
    }
    times.sort();
    (times[0], times[runs / 2], last.expect("at least one run"))
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5)
        .max(1);
    let programme = programme();
    let period: Period = "2026-12".parse().unwrap();
    let obs = observations(period);
    let today: jiff::civil::Date = "2027-01-20".parse().unwrap();
    println!(
        "{MEASURES} measures x {MONTHS} months ({} observations), {runs} runs each",
        obs.len()
    );
    println!(
        "{:<10} {:>12} {:>12} {:>12}",
        "step", "best", "median", "bytes"
    );
    let (best, median, evaluation) = time(runs, || {
        let mut e = evaluate(&programme, &obs, period);
        analyse_evaluation(&programme, &mut e, &obs, today);
        e
    });
    println!(
        "{:<10} {:>12.1?} {:>12.1?} {:>12}",
        "analyse", best, median, ""
    );
    let previous = evaluate(&programme, &obs, period.prev());
    let (best, median, report) = time(runs, || {
        Report::build(&Input {
            programme: &programme,
            evaluation: &evaluation,
            previous: Some(&previous),
            observations: &obs,
            overdue: &[],
            nonconformities: &[],
            audience: None,
            generated_at: "2027-01-20T10:00:00Z".parse().unwrap(),
        })
    });
    println!(
        "{:<10} {:>12.1?} {:>12.1?} {:>12}",
        "build", best, median, ""
    );
    for format in Format::ALL {
        let (best, median, bytes) = time(runs, || {
            render(&report, format).expect("the report renders")
        });
        println!(
            "{:<10} {:>12.1?} {:>12.1?} {:>12}",
            format.as_str(),
            best,
            median,
            bytes.len()
        );
    }
}
