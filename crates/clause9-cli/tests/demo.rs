//! `clause9 demo --no-serve`: the demonstration organisation has two years of
//! history with every status, late and corrected values, and overdue work.
//! Its dates are relative to the day it is written on: each test writes it
//! as of another day (the 1st of a month; the day the clocks go forward in
//! London, the demo's timezone) and checks its dates against that day.

mod common;

use common::*;

#[test]
fn the_demo_has_history_with_every_status_corrections_and_overdue_work() {
    const DAY: &str = "2026-12-01";
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("demo");
    let d = p.to_str().unwrap();
    let out = ok(clause9_on(DAY, &["demo", d, "--no-serve"]));
    assert!(out.contains("92 measures"), "{out}");
    // the two measures read from search platforms wait for their variables
    assert!(
        out.contains("not collected: M-DOJO-01 reads a platform that is not configured; set CLAUSE9_DEMO_DEFECTDOJO_TOKEN, CLAUSE9_DEMO_DEFECTDOJO_URL to collect it"),
        "{out}"
    );
    assert!(out.contains("not collected: M-SIEM-01"), "{out}");
    let corrected: usize = out
        .split(" corrected later")
        .next()
        .and_then(|s| s.rsplit('(').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    assert!(corrected > 10, "{out}");
    ok(clause9_on(DAY, &["validate", d]));

    let today: jiff::civil::Date = DAY.parse().unwrap();
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
    let history: serde_json::Value = serde_json::from_str(&ok(clause9_on(
        DAY,
        &["history", d, "M-BAK-01", "--format", "json"],
    )))
    .unwrap();
    let periods: std::collections::BTreeSet<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["period"].as_str().unwrap())
        .collect();
    assert!(periods.len() >= 23, "{periods:?}");
    // the history ends with the month before the day it was written on
    assert_eq!(periods.last(), Some(&last_month.as_str()), "{periods:?}");

    // the uncollected last periods show as work that is due or overdue
    let status: serde_json::Value = serde_json::from_str(&ok(clause9_on(
        DAY,
        &["status", d, "--period", &last_month, "--format", "json"],
    )))
    .unwrap();
    let waiting = status["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["state"] == "overdue" || i["state"] == "due")
        .count();
    assert!(waiting > 0, "{status}");

    // writing the demo again into the same directory is refused
    let (code, _, err) = run(clause9_on(DAY, &["demo", d, "--no-serve"]));
    assert_eq!(code, 2, "{err}");
}

/// The day the second demo is written and read as.
const DAY2: &str = "2027-03-28";

fn json(args: &[&str]) -> serde_json::Value {
    let out = ok(clause9_on(DAY2, args));
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn the_demo_has_an_audit_cycle_nonconformities_reviews_and_collected_measures() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("demo");
    let d = p.to_str().unwrap();
    let out = ok(clause9_on(DAY2, &["demo", d, "--no-serve"]));
    assert!(out.contains("3 management reviews (2 signed)"), "{out}");
    let valid = ok(clause9_on(DAY2, &["validate", d]));
    assert!(valid.contains("7 risks"), "{valid}");
    let today = DAY2.to_string();

    // findings of every default grade, each with its evidence; the
    // nonconformity grades opened their records
    let audits = json(&["audit", "list", d, "--format", "json"]);
    let findings: Vec<&serde_json::Value> = audits["audits"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["audit"]["findings"].as_array().unwrap())
        .collect();
    for grade in ["major", "minor", "observation", "opportunity", "conformity"] {
        assert!(
            findings.iter().any(|f| f["grade"] == grade),
            "no {grade} finding: {audits}"
        );
    }
    for f in &findings {
        assert!(!f["evidence"].as_str().unwrap().is_empty(), "{f}");
        let opens = f["grade"] == "major" || f["grade"] == "minor";
        assert_eq!(f["nonconformity"].is_string(), opens, "{f}");
    }
    let states: Vec<&str> = audits["audits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["state"].as_str().unwrap())
        .collect();
    assert!(
        states.contains(&"completed") && states.contains(&"open"),
        "{states:?}"
    );
    // every audit's start and planning lie around today, history in the past
    let coverage = json(&["audit", "coverage", d, "--format", "json"]);
    assert!(
        coverage["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["state"] == "audited"),
        "{coverage}"
    );

    // nonconformities in every lifecycle state, with SMART actions, dated in the past
    let ncs = json(&["nc", "list", d, "--all", "--format", "json"]);
    let list = ncs["nonconformities"].as_array().unwrap();
    for state in [
        "raised",
        "corrected",
        "root_cause_analysed",
        "action_planned",
        "implemented",
        "verified",
        "closed",
        "reopened",
    ] {
        assert!(
            list.iter().any(|n| n["state"] == state),
            "no nonconformity {state}: {ncs}"
        );
    }
    for n in list {
        assert!(n["raised_on"].as_str().unwrap() <= today.as_str(), "{n}");
        for a in n["actions"].as_array().unwrap() {
            for key in ["owner", "due", "success_criterion"] {
                assert!(a[key].is_string(), "action without {key}: {a}");
            }
        }
    }
    assert!(list.iter().any(|n| n["overdue"] == true), "{ncs}");
    for kind in ["audit_finding", "incident", "management_review", "other"] {
        assert!(
            list.iter().any(|n| n["source"]["kind"] == kind),
            "{kind}: {ncs}"
        );
    }

    // two signed reviews, one in preparation
    let reviews = json(&["review", "list", d, "--format", "json"]);
    let rs = reviews["reviews"].as_array().unwrap();
    let signed = rs
        .iter()
        .filter(|r| r["review"]["signed"].is_array())
        .count();
    let unsigned: Vec<_> = rs
        .iter()
        .filter(|r| r["review"]["signed"].is_null())
        .collect();
    assert_eq!((signed, unsigned.len()), (2, 1), "{reviews}");
    for r in rs.iter().filter(|r| r["review"]["signed"].is_array()) {
        assert!(
            r["review"]["date"].as_str().unwrap() < today.as_str(),
            "{r}"
        );
        assert_eq!(
            r["review"]["discussion"].as_array().unwrap().len(),
            10,
            "{r}"
        );
        assert!(
            !r["review"]["actions"].as_array().unwrap().is_empty(),
            "{r}"
        );
    }
    let minutes = ok(clause9_on(DAY2, &["review", "minutes", d, "MR-0001"]));
    assert!(minutes.contains("This record is locked"), "{minutes}");

    // the automated measures were collected by the engine, with provenance
    for m in [
        "M-VULN-TRIVY",
        "M-VULN-GRYPE",
        "M-VULN-WAZUH",
        "M-CSPM-PROWLER",
    ] {
        let h = json(&["history", d, m, "--format", "json"]);
        let values = h.as_array().unwrap();
        assert!(values.len() >= 6, "{m}: {h}");
        for v in values {
            assert_eq!(v["method"], "query", "{v}");
            assert!(
                v["recorded_by"].as_str().unwrap().starts_with("source:"),
                "{v}"
            );
            let files = v["provenance"]["files"].as_array().unwrap();
            assert!(!files.is_empty(), "{v}");
            assert!(
                files[0]["path"].as_str().unwrap().starts_with("evidence/"),
                "{v}"
            );
            assert_eq!(files[0]["sha256"].as_str().unwrap().len(), 64, "{v}");
        }
    }

    // every record went into the tamper-evident log, which verifies
    let log = ok(clause9_on(DAY2, &["audit-log", "verify", d]));
    assert!(log.contains("intact"), "{log}");
    let entries = json(&["audit-log", d, "--format", "json"]);
    let text = entries.to_string();
    for kind in [
        "workflow.finding_recorded",
        "workflow.signed",
        "workflow.verified",
    ] {
        assert!(text.contains(kind), "no {kind} in the audit log");
    }
}
