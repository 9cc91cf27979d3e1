//! `clause9 report` in every format on the starter programme, the archive of
//! issued reports, and `clause9 reports verify`.

mod common;

use common::{clause9, ok, run, starter};

#[test]
fn every_format_is_issued_archived_and_verifiable() {
    let (tmp, p) = starter();
    let dir = p.to_str().unwrap();
    for format in ["html", "pdf", "md", "xlsx", "json"] {
        let out = tmp.path().join(format!("r.{format}"));
        let (code, _, err) = run(clause9(&[
            "report",
            dir,
            "--format",
            format,
            "--by",
            "ceo",
            "-o",
            out.to_str().unwrap(),
        ]));
        assert_eq!(code, 0, "{format}: {err}");
        assert!(err.contains("archived as issued report"), "{err}");
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.len() > 1000, "{format}: {} bytes", bytes.len());
        let verified = ok(clause9(&["reports", "verify", dir, out.to_str().unwrap()]));
        assert!(
            verified.contains("is an unaltered issued report"),
            "{verified}"
        );
        assert!(verified.contains(&format!("({format})")), "{verified}");
    }
    let listed: serde_json::Value =
        serde_json::from_str(&ok(clause9(&["reports", dir, "--format", "json"]))).unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 5);
    assert!(
        listed
            .iter()
            .all(|r| r["issued_by"] == "ceo" && r["sha256"].as_str().unwrap().len() == 64)
    );

    // one changed byte and it is no longer an issued report
    let md = tmp.path().join("r.md");
    let mut text = std::fs::read_to_string(&md).unwrap();
    text.push(' ');
    std::fs::write(&md, text).unwrap();
    let (code, _, err) = run(clause9(&["reports", "verify", dir, md.to_str().unwrap()]));
    assert_eq!(code, 1);
    assert!(err.contains("is not an issued report"), "{err}");
}

#[test]
fn audience_must_be_known_and_filters_measures() {
    let (tmp, p) = starter();
    let dir = p.to_str().unwrap();
    let (code, _, err) = run(clause9(&[
        "report",
        dir,
        "--format",
        "md",
        "--audience",
        "nobody",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("neither a person nor a group"), "{err}");
    let out = tmp.path().join("it.json");
    ok(clause9(&[
        "report",
        dir,
        "--format",
        "json",
        "--audience",
        "it_lead",
        "-o",
        out.to_str().unwrap(),
    ]));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(out).unwrap()).unwrap();
    // the starter's measures all report to the board, of which it_lead is not a member
    assert_eq!(v["measures"].as_array().unwrap().len(), 0);
    assert_eq!(v["audience"], "it_lead");
}

#[test]
fn an_empty_archive_says_so() {
    let (_tmp, p) = starter();
    let out = ok(clause9(&["reports", p.to_str().unwrap()]));
    assert!(out.contains("no reports issued yet"), "{out}");
}
