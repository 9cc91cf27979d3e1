//! The year's second half for `workflow_year.rs`: the management review pack
//! and minutes, the next review's input (a), and the OSCAL exports validated
//! against the 1.1.2 schemas.

use std::path::Path;

use serde_json::Value;

use super::{c9, json, refused};

fn validate_oscal(schema: &str, doc: &Value) {
    let errors = oscal_errors(schema, doc);
    assert!(errors.is_empty(), "{schema}: {errors:#?}\n{doc:#}");
    // the validator is not vacuous: a broken uuid and an empty title are caught
    let mut broken = doc.clone();
    let root = broken.as_object_mut().unwrap().values_mut().next().unwrap();
    root["uuid"] = Value::from("not-a-uuid");
    root["metadata"]["title"] = Value::from(" ");
    assert!(
        !oscal_errors(schema, &broken).is_empty(),
        "{schema} accepted a broken document"
    );
}

fn oscal_errors(schema: &str, doc: &Value) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/oscal")
        .join(schema);
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::options()
        .with_pattern_options(jsonschema::PatternOptions::fancy_regex())
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// From the first review pack to the OSCAL exports.
pub(crate) fn review_and_export(d: &Path) {
    // the management review pack
    let pack = c9(d, &["review", "prepare"], &["--date", "2025-09-15"]);
    let section = |key: &str| -> String {
        let start = pack
            .find(&format!("## ({key})"))
            .unwrap_or_else(|| panic!("no section ({key}):\n{pack}"));
        let rest = &pack[start + 4..];
        rest[..rest.find("\n## ").unwrap_or(rest.len())].to_string()
    };
    for key in ["a", "b", "c", "d1", "d2", "d3", "d4", "e", "f", "g"] {
        section(key);
    }
    assert!(
        section("a").contains("Nothing to report"),
        "{}",
        section("a")
    );
    // the first review: everything recorded so far is a change
    assert!(
        section("b").contains("C-1") && section("b").contains("C-2"),
        "{}",
        section("b")
    );
    assert!(section("c").contains("customers"));
    let d1 = section("d1");
    assert!(
        d1.contains("NC-0001")
            && d1.contains("closed")
            && d1.contains("NC-0002")
            && d1.contains("reopened once or more"),
        "{d1}"
    );
    assert!(
        d1.contains("red\\_indicator") && d1.contains("audit\\_finding"),
        "{d1}"
    );
    let d2 = section("d2");
    assert!(
        d2.contains("M-VUL-01") && d2.contains("red → green"),
        "{d2}"
    );
    let d3 = section("d3");
    assert!(
        d3.contains("AUD-0001")
            && d3.contains("1 major nonconformity")
            && d3.contains("opened NC-0002"),
        "{d3}"
    );
    assert!(section("d4").contains("OBJ-1"));
    assert!(section("e").contains("patching policy"));
    assert!(
        section("f").contains("R-1") && section("f").contains("20 (4×5)"),
        "{}",
        section("f")
    );
    assert!(
        section("g").contains("review dates")
            && section("g").contains("NC-0002: corrective action was not effective"),
        "{}",
        section("g")
    );

    // minutes, signed and locked
    let out = c9(
        d,
        &["review", "open"],
        &[
            "--date",
            "2025-09-15",
            "--chair",
            "ceo",
            "--by",
            "ciso",
            "--on",
            "2025-09-15",
        ],
    );
    assert!(out.contains("MR-0001"));
    let at = ["--by", "ciso", "--on", "2025-09-15"];
    c9(
        d,
        &["review", "attend"],
        &[
            &[
                "MR-0001", "--person", "ceo", "--person", "ciso", "--person", "it_lead",
            ][..],
            &at,
        ]
        .concat(),
    );
    c9(
        d,
        &["review", "discuss"],
        &[
            &[
                "MR-0001",
                "--input",
                "d1",
                "--text",
                "Patching back on track; exceptions process late",
            ][..],
            &at,
        ]
        .concat(),
    );
    c9(
        d,
        &["review", "decide"],
        &[
            &[
                "MR-0001",
                "--kind",
                "resource",
                "--text",
                "Fund a patch management tool",
            ][..],
            &at,
        ]
        .concat(),
    );
    c9(
        d,
        &["review", "action"],
        &[
            &[
                "MR-0001",
                "--description",
                "Buy a patch management tool",
                "--owner",
                "it_lead",
                "--due",
                "2025-12-31",
            ][..],
            &at,
        ]
        .concat(),
    );
    c9(
        d,
        &["review", "action"],
        &[
            &[
                "MR-0001",
                "--description",
                "Publish the exceptions process",
                "--owner",
                "ciso",
                "--due",
                "2025-10-31",
            ][..],
            &at,
        ]
        .concat(),
    );
    let err = refused(
        d,
        &["review", "sign"],
        &["MR-0001", "--by", "ciso", "--on", "2025-09-16"],
    );
    assert!(err.contains("only the chair (ceo)"), "{err}");
    c9(
        d,
        &["review", "sign"],
        &["MR-0001", "--by", "ceo", "--on", "2025-09-16"],
    );
    let err = refused(
        d,
        &["review", "decide"],
        &[
            &["MR-0001", "--kind", "change", "--text", "late addition"][..],
            &at,
        ]
        .concat(),
    );
    assert!(err.contains("locked"), "{err}");
    let minutes = c9(d, &["review", "minutes"], &["MR-0001"]);
    assert!(
        minutes.contains("Signed by ceo on 2025-09-16")
            && minutes.contains("Fund a patch management tool"),
        "{minutes}"
    );
    let list = json(d, &["review", "list"], &["--today", "2026-10-01"]);
    assert_eq!(list["next_review_due"], "2026-09-15");
    // `status` shows the same due date (against the real clock: the test runs
    // after 2026-09-15, so it is overdue)
    let status = json(d, &["status"], &["--period", "2025-09"]);
    assert_eq!(status["next_review_due"], "2026-09-15");
    assert_eq!(status["review_overdue"], true);
    assert_eq!(status["next_audit"], Value::Null, "AUD-0001 is complete");
    assert_eq!(list["review_overdue"], true);
    assert_eq!(
        list["reviews"][0]["overdue_actions"],
        serde_json::json!(["RA1", "RA2"])
    );
    c9(
        d,
        &["review", "done"],
        &[
            "MR-0001",
            "RA2",
            "--note",
            "published",
            "--by",
            "ciso",
            "--on",
            "2025-10-20",
        ],
    );

    // the next review's input (a) lists the actions still open
    let next = c9(d, &["review", "prepare"], &["--date", "2026-03-15"]);
    let a = &next[next.find("## (a)").unwrap()..next.find("## (b)").unwrap()];
    assert!(
        a.contains("MR-0001/RA1") && a.contains("OPEN, overdue since 2025-12-31"),
        "{a}"
    );
    assert!(
        a.contains("MR-0001/RA2") && a.contains("done on 2025-10-20"),
        "{a}"
    );
    assert!(
        next.contains("since the last review on 2025-09-15"),
        "{next}"
    );
    let b = &next[next.find("## (b)").unwrap()..next.find("## (c)").unwrap()];
    assert!(b.contains("Nothing to report since the last review"), "{b}");
    let d3 = &next[next.find("## (d3)").unwrap()..next.find("## (d4)").unwrap()];
    assert!(d3.contains("Nothing to report"), "{d3}");
    let pack_json = json(d, &["review", "prepare"], &["--date", "2026-03-15"]);
    let titles: Vec<&str> = pack_json["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .filter(|t| t.starts_with('('))
        .collect();
    assert_eq!(titles.len(), 10, "{titles:?}");
    assert_eq!(titles[3], "(d1) Nonconformities and corrective actions");
    let html = c9(
        d,
        &["review", "prepare"],
        &["--date", "2026-03-15", "--format", "html"],
    );
    assert!(
        html.starts_with("<!DOCTYPE html>") && html.contains("<h2>(d3) Audit results</h2>"),
        "{html}"
    );
    // the same pack as PDF, typeset in process: its text holds every input
    let pdf = d.join("pack.pdf");
    c9(
        d,
        &["review", "prepare"],
        &[
            "--date",
            "2026-03-15",
            "--format",
            "pdf",
            "-o",
            pdf.to_str().unwrap(),
        ],
    );
    let text = super::pdf_text(&pdf);
    for t in &titles {
        assert!(text.contains(t), "{t} missing from the PDF pack:\n{text}");
    }

    // OSCAL exports validate and hold every finding and action
    let ar_path = d.join("ar.json");
    c9(
        d,
        &["oscal", "assessment-results"],
        &["-o", ar_path.to_str().unwrap()],
    );
    let ar: Value = serde_json::from_str(&std::fs::read_to_string(&ar_path).unwrap()).unwrap();
    validate_oscal("oscal-1.1.2-prototype_assessment-results_schema.json", &ar);
    let text = ar.to_string();
    for f in ["AUD-0001/F1", "AUD-0001/F2"] {
        assert!(text.contains(f), "{f} missing from the assessment results");
    }
    assert_eq!(
        ar["assessment-results"]["metadata"]["oscal-version"],
        "1.1.2"
    );
    let poam_path = d.join("poam.json");
    c9(d, &["oscal", "poam"], &["-o", poam_path.to_str().unwrap()]);
    let poam: Value = serde_json::from_str(&std::fs::read_to_string(&poam_path).unwrap()).unwrap();
    validate_oscal("oscal-1.1.2-prototype_poam_schema.json", &poam);
    let text = poam.to_string();
    assert!(
        text.contains("NC-0002/A1") && text.contains("\"A.8.8\""),
        "{text}"
    );
    assert!(
        !text.contains("NC-0001"),
        "a closed nonconformity is not in the plan of action"
    );
}
