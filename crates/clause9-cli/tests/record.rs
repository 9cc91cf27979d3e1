//! `record`, `import`, corrections and concurrent writers: refused input
//! stores nothing; a stored value changes only through a correction.

mod common;

use common::*;

/// The current month of the starter (its last sample month).
fn this_month(p: &std::path::Path) -> String {
    evaluate_json(p, None)["period"]
        .as_str()
        .unwrap()
        .to_string()
}

fn previous_month(month: &str) -> String {
    let d: jiff::civil::Date = format!("{month}-01").parse().unwrap();
    let prev = d.checked_sub(jiff::Span::new().months(1)).unwrap();
    prev.strftime("%Y-%m").to_string()
}

#[test]
fn refused_records_store_nothing_and_say_why() {
    let (_dir, p) = starter();
    let dir = p.to_str().unwrap();
    let before = stored(&p, "M-AW-01");
    let month = this_month(&p);
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "record",
                dir,
                "M-AW-01",
                "--period",
                &month,
                "trained=-1",
                "--evidence",
                "evidence/lms-awareness-completion.csv",
            ],
            "`trained` = -1 is below its minimum 0",
        ),
        (
            &["record", dir, "M-AW-01", "--period", &month, "trained=5"],
            "`trained` requires evidence",
        ),
        (
            &["record", dir, "M-AW-01", "--period", &month, "traned=5"],
            "has no base measure `traned` (did you mean `trained`?)",
        ),
        (
            &["record", dir, "M-AW-1", "--period", &month, "trained=5"],
            "unknown measure `M-AW-1` (did you mean `M-AW-01`?)",
        ),
        (
            &[
                "record",
                dir,
                "M-AW-01",
                "--period",
                "2026-Q4",
                "headcount=5",
            ],
            "is collected monthly: give a monthly period",
        ),
        (
            &[
                "record",
                dir,
                "M-AW-01",
                "--period",
                "2099-01",
                "headcount=5",
            ],
            "has not started yet",
        ),
        (
            &[
                "record",
                dir,
                "M-AW-01",
                "--period",
                "2000-01",
                "headcount=5",
            ],
            "is before measuring starts",
        ),
        (
            &[
                "record",
                dir,
                "M-AW-01",
                "--period",
                &month,
                "headcount=abc",
            ],
            "`abc` is not a number",
        ),
        (
            &[
                "record",
                dir,
                "M-AW-01",
                "--period",
                &month,
                "headcount=5",
                "--evidence",
                "missing.pdf",
            ],
            "evidence file `missing.pdf` not found",
        ),
        (
            &[
                "record",
                dir,
                "M-AW-01",
                "--period",
                &month,
                "headcount=5",
                "--by",
                "mallory",
            ],
            "`mallory` is not a person of this programme",
        ),
        // one good value and one bad: neither is stored
        (
            &[
                "record",
                dir,
                "M-AW-01",
                "--period",
                &month,
                "headcount=500",
                "trained=999999",
                "--evidence",
                "evidence/lms-awareness-completion.csv",
            ],
            "above its maximum",
        ),
        // an existing value is not overwritten without a reason
        (
            &[
                "record",
                dir,
                "M-AW-01",
                "--period",
                &month,
                "headcount=470",
            ],
            "already has 468",
        ),
    ];
    for (args, message) in cases {
        let (code, out, err) = run(clause9(args));
        assert_eq!(code, 2, "{args:?}\n{out}{err}");
        assert!(
            err.contains(message),
            "{args:?}: expected {message:?} in\n{err}"
        );
    }
    assert_eq!(
        stored(&p, "M-AW-01"),
        before,
        "a refused record stored something"
    );
}

#[test]
fn a_correction_keeps_the_old_value_in_history() {
    let (_dir, p) = starter();
    let dir = p.to_str().unwrap();
    let month = this_month(&p);
    let before = stored(&p, "M-AW-01");
    // the same value again is not a change
    let out = ok(clause9(&[
        "record",
        dir,
        "M-AW-01",
        "--period",
        &month,
        "headcount=468",
    ]));
    assert!(out.contains("unchanged"), "{out}");
    assert_eq!(stored(&p, "M-AW-01"), before);
    // the same value with other evidence is a correction: it needs a reason
    let (code, _, err) = run(clause9(&[
        "record",
        dir,
        "M-AW-01",
        "--period",
        &month,
        "headcount=468",
        "--evidence",
        "https://lms.example/export/2",
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--reason: M-AW-01 headcount for ")
            && err.contains("already has 468")
            && err.contains("a correction needs the reason why"),
        "{err}"
    );
    assert_eq!(stored(&p, "M-AW-01"), before);
    let out = ok(clause9(&[
        "record",
        dir,
        "M-AW-01",
        "--period",
        &month,
        "headcount=470",
        "--reason",
        "two late joiners",
        "--by",
        "it_lead",
    ]));
    assert!(out.contains("corrected M-AW-01"), "{out}");
    let history: serde_json::Value = serde_json::from_str(&ok(clause9(&[
        "history", dir, "M-AW-01", "--format", "json",
    ])))
    .unwrap();
    let rows: Vec<&serde_json::Value> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["period"] == month.as_str() && o["base"] == "headcount")
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["value"], 468.0);
    assert_eq!(rows[0]["superseded_by"], rows[1]["id"]);
    assert_eq!(rows[1]["value"], 470.0);
    assert_eq!(rows[1]["supersedes"], rows[0]["id"]);
    assert_eq!(rows[1]["reason"], "two late joiners");
    assert_eq!(rows[1]["recorded_by"], "it_lead");
    let e = evaluate_json(&p, Some(&month));
    assert_eq!(e["measures"][0]["base"]["headcount"], 470);
    let table = ok(clause9(&["history", dir, "M-AW-01"]));
    assert!(
        table.contains("superseded by #") && table.contains("two late joiners"),
        "{table}"
    );
}

#[test]
fn a_new_value_with_evidence_changes_the_evaluation() {
    let (dir, p) = starter();
    let d = p.to_str().unwrap();
    let month = this_month(&p);
    // a fresh evidence file outside the programme, and a link
    let file = dir.path().join("phishing-report.txt");
    std::fs::write(&file, "campaign 7: 3 clicks of 470").unwrap();
    ok(clause9(&[
        "record",
        d,
        "M-PHI-01",
        "--period",
        &month,
        "users_clicked=3",
        "--reason",
        "re-counted",
        "--evidence",
        file.to_str().unwrap(),
    ]));
    let e = evaluate_json(&p, Some(&month));
    let phi = e["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "M-PHI-01")
        .unwrap();
    assert_eq!(phi["status"], "green");
    let history: serde_json::Value = serde_json::from_str(&ok(clause9(&[
        "history", d, "M-PHI-01", "--format", "json",
    ])))
    .unwrap();
    let last = history
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|o| o["id"].as_i64())
        .unwrap();
    let sha = last["evidence"]["sha256"].as_str().unwrap();
    // sha256 of the file's bytes, computed independently
    let expected = {
        use std::process::Command;
        let out = Command::new("sha256sum").arg(&file).output().unwrap();
        String::from_utf8(out.stdout)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(sha, expected);
    assert_eq!(last["evidence"]["size"], 27);
    assert_eq!(last["evidence"]["name"], "phishing-report.txt");
    assert_eq!(
        std::fs::read(p.join(".clause9/evidence").join(sha)).unwrap(),
        std::fs::read(&file).unwrap()
    );
    ok(clause9(&[
        "record",
        d,
        "M-MFA-01",
        "--period",
        &month,
        "accounts_mfa=505",
        "--reason",
        "all enrolled",
        "--evidence",
        "https://idp.example/report/42",
    ]));
}

#[test]
fn import_is_all_or_nothing() {
    let (dir, p) = starter();
    let d = p.to_str().unwrap();
    let month = this_month(&p);
    let prev = previous_month(&month);
    let before = stored(&p, "M-INC-01");
    let csv = dir.path().join("values.csv");
    std::fs::write(
        &csv,
        format!(
            "measure,period,base,value,evidence,reason\n\
             M-INC-01,{month},incidents_closed,40,,fixed export\n\
             M-INC-01,{month},closed_in_sla,39,,fixed export\n\
             M-INC-01,{prev},closed_in_sla,-4,,\n\
             M-NOPE,{month},x,1,,\n"
        ),
    )
    .unwrap();
    let (code, _, err) = run(clause9(&["import", d, csv.to_str().unwrap()]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("values.csv:4: `closed_in_sla` = -4 is below its minimum 0"),
        "{err}"
    );
    assert!(
        err.contains("values.csv:5: unknown measure `M-NOPE`"),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(stored(&p, "M-INC-01"), before);

    std::fs::write(
        &csv,
        format!(
            "measure,period,base,value,evidence,reason\n\
             M-INC-01,{month},incidents_closed,40,,fixed export\n\
             M-INC-01,{month},closed_in_sla,39,evidence/incident-sla-report.csv,fixed export\n"
        ),
    )
    .unwrap();
    let out = ok(clause9(&[
        "import",
        d,
        csv.to_str().unwrap(),
        "--by",
        "security_lead",
    ]));
    assert!(out.contains("2 values stored (2 corrections)"), "{out}");
    assert_eq!(stored(&p, "M-INC-01"), before + 2);
    let e = evaluate_json(&p, Some(&month));
    let inc = e["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "M-INC-01")
        .unwrap();
    assert!(
        (inc["value"].as_f64().unwrap() - 97.5).abs() < 1e-12,
        "{inc}"
    );
    // importing the same file again changes nothing
    let out = ok(clause9(&["import", d, csv.to_str().unwrap()]));
    assert!(
        out.contains("0 values stored (0 corrections), 2 unchanged"),
        "{out}"
    );
    // the same value with other evidence is a correction, refused without a reason
    std::fs::write(
        &csv,
        format!(
            "measure,period,base,value,evidence\n\
             M-INC-01,{month},closed_in_sla,39,evidence/hr-headcount-monthly.csv\n"
        ),
    )
    .unwrap();
    let (code, _, err) = run(clause9(&["import", d, csv.to_str().unwrap()]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "values.csv:2: M-INC-01 closed_in_sla for {month} already has 39"
        )) && err.contains("(in a `reason` column)")
            && err.contains("nothing was imported"),
        "{err}"
    );
    assert_eq!(stored(&p, "M-INC-01"), before + 2);
    // a bad header is named
    std::fs::write(&csv, "measure,period,base,valeu\n").unwrap();
    let (code, _, err) = run(clause9(&["import", d, csv.to_str().unwrap()]));
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown column `valeu`") && err.contains("missing column `value`"),
        "{err}"
    );
}

#[test]
fn two_processes_recording_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("isms");
    ok(clause9(&["init", p.to_str().unwrap()]));
    let month = this_month(&p);
    let d = p.to_str().unwrap().to_string();
    // 2 writers × 6 records on different keys, at the same time, through separate processes
    let mut children = Vec::new();
    for writer in 0..2 {
        for i in 0..6 {
            let mut cmd = clause9(&[
                "record",
                &d,
                "M-MFA-01",
                "--period",
                &month,
                &format!("accounts_active={}", 600 + writer * 10 + i),
                "--reason",
                &format!("writer {writer} #{i}"),
            ]);
            if writer == 1 {
                cmd = clause9(&[
                    "record",
                    &d,
                    "M-PHI-01",
                    "--period",
                    &month,
                    &format!("emails_delivered={}", 700 + i),
                    "--reason",
                    &format!("writer 1 #{i}"),
                ]);
            }
            children.push(
                cmd.stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap(),
            );
        }
    }
    let mut conflicts = 0;
    let mut stored_count = 0;
    for c in children {
        let out = c.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => stored_count += 1,
            Some(1) if err.contains("changed while you were editing it") => conflicts += 1,
            other => panic!("unexpected exit {other:?}: {err}"),
        }
    }
    // every process either stored its value or was told of the conflict; the
    // history holds exactly the values that were reported stored
    assert_eq!(stored_count + conflicts, 12);
    let corrections = |m: &str| {
        let h: serde_json::Value =
            serde_json::from_str(&ok(clause9(&["history", &d, m, "--format", "json"]))).unwrap();
        h.as_array()
            .unwrap()
            .iter()
            .filter(|o| {
                o["reason"]
                    .as_str()
                    .is_some_and(|r| r.starts_with("writer"))
            })
            .count()
    };
    assert_eq!(
        corrections("M-MFA-01") + corrections("M-PHI-01"),
        stored_count
    );
}

#[test]
fn status_groups_what_is_due_by_collector() {
    let (_dir, p) = starter();
    let month = this_month(&p);
    let out = ok(clause9(&[
        "status",
        p.to_str().unwrap(),
        "--period",
        &month,
    ]));
    assert!(out.contains("Alex Morgan (security_lead)"), "{out}");
    assert!(
        out.contains("10 collected · 0 open · 0 due · 0 overdue"),
        "{out}"
    );
    // a period with no values: everything is overdue, due or open, never collected
    let json: serde_json::Value = serde_json::from_str(&ok(clause9(&[
        "status",
        p.to_str().unwrap(),
        "--period",
        "2024-06",
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(
        json["items"].as_array().unwrap().len(),
        0,
        "nothing is due before the first period: {json}"
    );
    let next: String = {
        let d: jiff::civil::Date = format!("{month}-01").parse().unwrap();
        d.checked_add(jiff::Span::new().months(1))
            .unwrap()
            .strftime("%Y-%m")
            .to_string()
    };
    let json: serde_json::Value = serde_json::from_str(&ok(clause9(&[
        "status",
        p.to_str().unwrap(),
        "--period",
        &next,
        "--format",
        "json",
    ])))
    .unwrap();
    let states: Vec<&str> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["state"].as_str().unwrap())
        .collect();
    assert_eq!(states.len(), 10);
    assert!(states.iter().all(|s| *s == "open"), "{states:?}");
}
