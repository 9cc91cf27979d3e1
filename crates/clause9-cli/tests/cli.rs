//! CLI tests: the built `clause9` binary run in temporary directories, on the
//! starter, the library and the spec's own example.

mod common;

use common::*;

#[test]
fn init_writes_a_starter_that_evaluates_to_real_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("isms");
    let out = ok(clause9(&["init", p.to_str().unwrap()]));
    assert!(out.contains("recorded 120 sample values"), "{out}");
    ok(clause9(&["validate", p.to_str().unwrap()]));
    let json = evaluate_json(&p, None);
    let statuses: Vec<(String, String)> = json["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["id"].as_str().unwrap().to_string(),
                m["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // the starter's README works these out by hand from samples.csv
    let expected = [
        ("M-AW-01", "green"),
        ("M-INC-01", "amber"),
        ("M-MFA-01", "green"),
        ("M-PHI-01", "amber"),
        ("M-VUL-01", "red"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(statuses, expected);
    // the starter's README table of expected results is what evaluate gives
    let readme = include_str!("../programmes/starter/README.md");
    let expected_results = readme
        .split("Expected results")
        .nth(1)
        .expect("the starter README has its expected results");
    let rows: Vec<&str> = expected_results
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter(|l| l.starts_with("| M-"))
        .collect();
    assert_eq!(
        rows.len(),
        5,
        "the starter README's table has a row per measure"
    );
    for row in rows {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let (id, bases, status) = (cells[1], cells[2], cells[4]);
        let m = (json["measures"].as_array().unwrap().iter())
            .find(|m| m["id"] == id)
            .unwrap_or_else(|| panic!("README row {id} is not a starter measure"));
        assert!(
            status.starts_with(m["status"].as_str().unwrap()),
            "{id}: README says {status}, evaluate {}",
            m["status"]
        );
        for pair in bases.split(", ") {
            let (base, value) = pair.split_once(' ').unwrap();
            assert_eq!(
                m["base"][base].to_string(),
                value,
                "{id} {base} in the README"
            );
        }
    }
    let aw = &json["measures"][0];
    assert_eq!(aw["base"]["trained"], 451);
    assert_eq!(aw["base"]["headcount"], 468);
    assert!((aw["value"].as_f64().unwrap() - 100.0 * 451.0 / 468.0).abs() < 1e-12);
    assert_eq!(aw["diagnostics"], serde_json::json!([]));
    // every sample value carries its evidence hash, and the vault holds the file
    let history = ok(clause9(&[
        "history",
        p.to_str().unwrap(),
        "M-AW-01",
        "--format",
        "json",
    ]));
    let history: serde_json::Value = serde_json::from_str(&history).unwrap();
    let first = &history[0];
    let sha = first["evidence"]["sha256"].as_str().unwrap();
    assert_eq!(sha.len(), 64);
    assert!(p.join(".clause9/evidence").join(sha).is_file());
    // a second init into the same directory is refused
    let (code, _, err) = run(clause9(&["init", p.to_str().unwrap()]));
    assert_eq!(code, 2);
    assert!(err.contains("already holds a programme"), "{err}");
}

#[test]
fn table_output_is_plain_when_piped() {
    let (_dir, p) = starter();
    let out = ok(clause9(&["evaluate", p.to_str().unwrap()]));
    assert!(
        !out.contains('\u{1b}'),
        "escape codes in piped output: {out:?}"
    );
    assert!(out.contains("M-VUL-01") && out.contains("● red"), "{out}");
    assert!(
        out.contains("2 green · 2 amber · 1 red · 0 no data"),
        "{out}"
    );
}

#[test]
fn a_quarter_combines_the_months() {
    let (_dir, p) = starter();
    let this_month = evaluate_json(&p, None)["period"]
        .as_str()
        .unwrap()
        .to_string();
    let month: jiff::civil::Date = format!("{this_month}-01").parse().unwrap();
    let quarter = format!("{}-Q{}", month.year(), (month.month() - 1) / 3 + 1);
    let months: Vec<String> = (0..3)
        .map(|i| {
            format!(
                "{}-{:02}",
                month.year(),
                (month.month() - 1) / 3 * 3 + 1 + i
            )
        })
        .collect();
    let q = evaluate_json(&p, Some(&quarter));
    let phi = q["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "M-PHI-01")
        .unwrap()
        .clone();
    let mut clicked = 0.0;
    let mut delivered = 0.0;
    let mut all_months = true;
    for m in &months {
        let e = evaluate_json(&p, Some(m));
        let phi_m = e["measures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == "M-PHI-01")
            .unwrap()
            .clone();
        match (
            phi_m["base"]["users_clicked"].as_f64(),
            phi_m["base"]["emails_delivered"].as_f64(),
        ) {
            (Some(c), Some(d)) => {
                clicked += c;
                delivered += d;
            }
            _ => all_months = false,
        }
    }
    if all_months {
        assert_eq!(phi["base"]["users_clicked"].as_f64(), Some(clicked));
        assert!((phi["value"].as_f64().unwrap() - 100.0 * clicked / delivered).abs() < 1e-9);
    } else {
        // months after the current one have no values yet: the quarter says so
        assert_eq!(phi["status"], "no_data");
        let diagnostics = phi["diagnostics"].to_string();
        assert!(diagnostics.contains("collection periods"), "{diagnostics}");
    }
}

#[test]
fn the_library_validates_and_has_at_least_35_constructs() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("lib");
    let out = ok(clause9(&["init", "--library", p.to_str().unwrap()]));
    assert!(out.contains("measures"), "{out}");
    let out = ok(clause9(&["validate", p.to_str().unwrap()]));
    let count: usize = out
        .split('(')
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(count >= 35, "{out}");
    // evaluating a library with no values explains every no_data
    let json = evaluate_json(&p, Some("2026-10"));
    for m in json["measures"].as_array().unwrap() {
        assert_eq!(m["status"], "no_data");
        assert!(!m["diagnostics"].as_array().unwrap().is_empty(), "{m}");
    }
}

#[test]
fn the_spec_example_validates_and_collects_its_query_measure() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/spec"), dir.path());
    let p = dir.path();
    ok(clause9(&["validate", p.to_str().unwrap()]));
    // evidence/incidents.csv: 3 incidents closed in October (ids 1-3), 2 of
    // them within 72 hours (1 and 3: 24 hours each; 2 took 120 hours).
    let out = ok(clause9(&[
        "collect",
        p.to_str().unwrap(),
        "--period",
        "2026-10",
    ]));
    assert!(
        out.contains("summary: 2 collected, 0 unchanged, 0 failed"),
        "{out}"
    );
    // the manual measure: record the API example's values, then evaluate
    let (code, _, err) = run(clause9(&[
        "record",
        p.to_str().unwrap(),
        "M-AW-01",
        "--period",
        "2026-10",
        "trained=466",
        "headcount=487",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("`trained` requires evidence"), "{err}");
    ok(clause9(&[
        "record",
        p.to_str().unwrap(),
        "M-AW-01",
        "--period",
        "2026-10",
        "trained=466",
        "headcount=487",
        "--evidence",
        "https://lms.acme.example/reports/2026-10",
    ]));
    let json = evaluate_json(p, Some("2026-10"));
    let aw = &json["measures"][0];
    assert_eq!(aw["id"], "M-AW-01");
    assert_eq!(aw["status"], "green"); // 95.69% ≥ 95
    assert_eq!(
        aw["base"],
        serde_json::json!({ "trained": 466, "headcount": 487 })
    );
    assert_eq!(aw["value"], 100.0 * 466.0 / 487.0);
    let m = &json["measures"][1];
    assert_eq!(m["status"], "red"); // 66.67% < 85
    assert_eq!(
        m["base"],
        serde_json::json!({ "closed": 3, "closed_in_sla": 2 })
    );
    assert_eq!(m["derived"], serde_json::json!({ "sla_rate": 200.0 / 3.0 }));
    assert_eq!(json["programme"], "Acme ISMS measurement programme");
}

#[test]
fn validate_prints_every_problem_with_its_position_and_exits_2() {
    let (_dir, p) = starter();
    let m = p.join("measures/m-aw-01.toml");
    let text = std::fs::read_to_string(&m).unwrap();
    std::fs::write(
        &m,
        text.replace("collector = \"security_lead\"", "collector = \"nobody\"")
            .replace("red = 85", "red = 99"),
    )
    .unwrap();
    std::fs::write(
        p.join("measures/broken.toml"),
        "id = \"M-X\"\nversion = [\n",
    )
    .unwrap();
    let (code, _, err) = run(clause9(&["validate", p.to_str().unwrap()]));
    assert_eq!(code, 2);
    let file = m.display().to_string();
    assert!(
        err.contains(&format!("{file}:20:13: unknown person or group `nobody`")),
        "{err}"
    );
    assert!(
        err.contains("`red` (99) is better than `green` (95)"),
        "{err}"
    );
    assert!(
        err.contains("broken.toml:2:12: TOML syntax: unclosed array"),
        "{err}"
    );
    assert_eq!(
        err.matches("broken.toml").count(),
        1,
        "only the syntax error of a broken file: {err}"
    );
    assert!(err.ends_with("3 problems found\n"), "{err}");
    // every problem line has PATH:LINE:COLUMN
    for line in err.lines().filter(|l| !l.ends_with("found")) {
        let mut parts = line.splitn(4, ':');
        let (_, l, c) = (parts.next(), parts.next().unwrap(), parts.next().unwrap());
        assert!(
            l.parse::<usize>().is_ok() && c.parse::<usize>().is_ok(),
            "{line}"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, _) = run(clause9(&["evaluate", "--period"]));
    assert_eq!(code, 2);
    let (_dir, p) = starter();
    let (code, _, err) = run(clause9(&[
        "evaluate",
        p.to_str().unwrap(),
        "--period",
        "2026-13",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("the month must be between 1 and 12"), "{err}");
    let (code, _, err) = run(clause9(&["validate", "/nonexistent/dir"]));
    assert_eq!(code, 2);
    assert!(err.contains("no clause9.toml"), "{err}");
}
