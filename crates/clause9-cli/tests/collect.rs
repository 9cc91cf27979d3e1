//! `clause9 collect` end to end: the example programme's KPIs from real
//! scanner outputs (checked against numbers counted independently by
//! `examples/vulnerability-kpis/expected.py`, which reads the files with
//! Python's json and csv modules), a backfill, unchanged and changed
//! evidence, and a failing query that does not stop the others.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// The example's base values as Python counts them for a period ending at `end`.
fn expected(p: &Path, end: &str) -> serde_json::Value {
    let out = Command::new("python3")
        .arg(p.join("expected.py"))
        .arg(end)
        .output()
        .expect("python3 runs (scripts/test installs it when missing)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn example_kpis_match_independent_counts_over_a_backfill() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("kpis");
    copy_dir(&repo().join("examples/vulnerability-kpis"), &p);
    let out = ok(clause9(&[
        "collect",
        p.to_str().unwrap(),
        "--from",
        "2025-01",
        "--to",
        "2025-06",
    ]));
    // 4 measures with 6 + 6 + 3 + 8 query base measures, for 6 months
    assert!(
        out.contains("summary: 138 collected, 0 unchanged, 0 failed"),
        "{out}"
    );
    // January ends before the Prowler findings (14 Feb 2025) and the Wazuh
    // detections (June 2025), so their time-bounded counts are 0 there.
    for (period, end) in [
        ("2025-01", "2025-02-01T00:00:00Z"),
        ("2025-06", "2025-06-30T23:00:00Z"),
    ] {
        let want = expected(&p, end);
        let json = evaluate_json(&p, Some(period));
        for m in json["measures"].as_array().unwrap() {
            let id = m["id"].as_str().unwrap();
            let base = m["base"].as_object().unwrap();
            let want = want[id].as_object().unwrap();
            assert_eq!(base.len(), want.len(), "{id}");
            for (k, v) in want {
                assert_eq!(base[k].as_f64(), v.as_f64(), "{period} {id}.{k}");
            }
        }
    }
    let want = expected(&p, "2025-06-30T23:00:00Z");
    assert_eq!(
        want["M-VULN-TRIVY"]["critical"], 3,
        "the Python count itself"
    );
    assert_eq!(want["M-VULN-GRYPE"]["total"], 24);
    // collecting June again finds the same evidence and stores nothing
    let before = stored(&p, "M-VULN-TRIVY");
    let out = ok(clause9(&[
        "collect",
        p.to_str().unwrap(),
        "--period",
        "2025-06",
        "--measure",
        "M-VULN-TRIVY",
    ]));
    assert!(
        out.contains("summary: 0 collected, 6 unchanged, 0 failed"),
        "{out}"
    );
    assert_eq!(stored(&p, "M-VULN-TRIVY"), before);
}

const SETTINGS: &str = r#"format = 1
[programme]
name = "T"
organisation = "T"
timezone = "UTC"
first_period = "2026-01"
[people.p]
name = "P"
[areas.a]
title = "A"
owner = "p"
[sources.files]
kind = "files"
tables.tickets = "evidence/tickets.csv"
tables.gone = "evidence/missing-*.csv"
"#;

fn measure(id: &str, queries: &[(&str, &str)]) -> String {
    let mut m = format!(
        "id = \"{id}\"\nversion = 1\nname = \"m\"\ninformation_need = \"n\"\nkind = \"performance\"\narea = \"a\"\n[roles]\nowner = \"p\"\ncollector = \"p\"\n[frequency]\ncollection = \"monthly\"\n"
    );
    for (b, q) in queries {
        m.push_str(&format!(
            "[[base]]\nid = \"{b}\"\nmethod = \"query\"\nsource = \"files\"\nquery = '''{q}'''\n"
        ));
    }
    m.push_str(&format!(
        "[indicator]\nmeasure = \"{}\"\ndirection = \"higher_is_better\"\ngreen = 1\n",
        queries[0].0
    ));
    m
}

#[test]
fn unchanged_evidence_stores_nothing_changed_evidence_supersedes_failures_are_isolated() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("measures")).unwrap();
    std::fs::create_dir_all(p.join("evidence")).unwrap();
    std::fs::write(p.join("clause9.toml"), SETTINGS).unwrap();
    std::fs::write(
        p.join("measures/ok.toml"),
        measure(
            "M-OK",
            &[(
                "opened",
                "SELECT count(*) FROM tickets WHERE opened_at >= $start AND opened_at < $end",
            )],
        ),
    )
    .unwrap();
    std::fs::write(
        p.join("measures/bad.toml"),
        measure(
            "M-BAD",
            &[
                ("gone", "SELECT count(*) FROM gone"),
                ("text", "SELECT 'x' FROM tickets LIMIT 1"),
            ],
        ),
    )
    .unwrap();
    let csv = p.join("evidence/tickets.csv");
    std::fs::write(
        &csv,
        "id,opened_at\n1,2026-02-03T10:00:00Z\n2,2026-02-28T23:59:59Z\n3,2026-03-01T00:00:00Z\n",
    )
    .unwrap();
    let collect = || {
        run(clause9(&[
            "collect",
            p.to_str().unwrap(),
            "--period",
            "2026-02",
        ]))
    };

    let (code, out, err) = collect();
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("collected  M-OK/opened 2026-02 = 2 (1 file"),
        "{out}"
    );
    assert!(out.contains("failed     M-BAD/gone 2026-02: evidence files: table `gone`: no evidence file matches `evidence/missing-*.csv`"), "{out}");
    assert!(
        out.contains("failed     M-BAD/text 2026-02: bad result: the query must return a number"),
        "{out}"
    );
    assert!(
        out.contains("summary: 1 collected, 0 unchanged, 2 failed"),
        "{out}"
    );
    assert!(
        err.contains("2 base values could not be collected"),
        "{err}"
    );
    assert_eq!(stored(p, "M-BAD"), 0, "a failed query stores nothing");

    let (_, out, _) = collect();
    assert!(out.contains("unchanged  M-OK/opened 2026-02 = 2"), "{out}");
    assert_eq!(stored(p, "M-OK"), 1);

    // the same value from different evidence supersedes (the evidence changed)
    std::fs::write(
        &csv,
        "id,opened_at\n1,2026-02-03T10:00:00Z\n2,2026-02-28T23:59:59Z\n",
    )
    .unwrap();
    let (_, out, _) = collect();
    assert!(
        out.contains("updated    M-OK/opened 2026-02 = 2, superseding the stored value"),
        "{out}"
    );
    std::fs::write(&csv, "id,opened_at\n1,2026-02-03T10:00:00Z\n").unwrap();
    let (_, out, _) = collect();
    assert!(out.contains("updated    M-OK/opened 2026-02 = 1"), "{out}");
    let history: serde_json::Value = serde_json::from_str(&ok(clause9(&[
        "history",
        p.to_str().unwrap(),
        "M-OK",
        "--format",
        "json",
    ])))
    .unwrap();
    let h = history.as_array().unwrap();
    assert_eq!(h.len(), 3, "history keeps every value");
    assert_eq!(h[0]["value"].as_f64(), Some(2.0));
    assert_eq!(h[2]["value"].as_f64(), Some(1.0));
    assert_eq!(h[2]["method"], "query");
    assert_eq!(h[2]["recorded_by"], "source:files");
    let prov = &h[2]["provenance"];
    assert_eq!(prov["source"], "files");
    assert_eq!(prov["files"][0]["path"], "evidence/tickets.csv");
    assert_eq!(prov["files"][0]["size"], 36); // "id,opened_at\n" + one 24-byte row
    assert_eq!(prov["rows_scanned"], 1);
    assert_eq!(prov["parameters"]["start"], "2026-02-01T00:00:00Z");
    assert!(
        prov["query"].as_str().unwrap().contains("$start"),
        "the query as written"
    );
    assert_eq!(prov["query_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(h[2]["evidence"]["name"], "evidence/tickets.csv");
}

#[test]
fn collect_needs_a_period_or_a_range() {
    let (_dir, p) = starter();
    let (code, _, err) = run(clause9(&["collect", p.to_str().unwrap()]));
    assert_eq!(code, 2);
    assert!(
        err.contains("give --period P, or --from P1 --to P2"),
        "{err}"
    );
    let out = ok(clause9(&[
        "collect",
        p.to_str().unwrap(),
        "--period",
        "2026-10",
    ]));
    assert!(out.contains("nothing to collect"), "{out}");
}
