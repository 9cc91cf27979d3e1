//! Registers through the command line: validation with positions, CSV import
//! all or nothing, and the small refusals of the workflow commands.

mod common;
mod workflow_common;

use common::{clause9, ok, run};
use workflow_common::{organisation, write};

fn p(dir: &std::path::Path) -> &str {
    dir.to_str().unwrap()
}

#[test]
fn csv_import_is_all_or_nothing_and_names_rows() {
    let (_tmp, dir) = organisation();
    let risks = dir.join("registers/risks.toml");
    let before = std::fs::read_to_string(&risks).unwrap();
    let csv = dir.join("risks.csv");
    std::fs::write(
        &csv,
        "id,title,owner,likelihood,impact,treatment,status,area,controls,measures\n\
         R-2,Phishing,ciso,4,4,mitigate,treating,people,A.6.3;A.8.5,\n\
         R-3,Lost laptop,nobody,x,3,mitigate,open,,A.8.1,\n\
         R-1,Duplicate of the file's risk,ciso,1,1,accept,accepted,,,\n",
    )
    .unwrap();
    let (code, _, err) = run(clause9(&[
        "register",
        "import",
        p(&dir),
        "risks",
        csv.to_str().unwrap(),
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("row 3: unknown person `nobody`"), "{err}");
    assert!(
        err.contains("row 3: `likelihood` in [[risk]] #3 must be an integer"),
        "{err}"
    );
    assert!(err.contains("row 4: duplicate id `R-1`"), "{err}");
    assert!(!err.contains("row 2"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&risks).unwrap(),
        before,
        "nothing may be written"
    );

    std::fs::write(
        &csv,
        "id,title,owner,likelihood,impact,treatment,status,area,controls,measures\n\
         R-2,\"Phishing, then account takeover\",ciso,4,4,mitigate,treating,people,A.6.3;A.8.5,\n\
         R-3,Lost laptop,it_lead,2,3,mitigate,open,,A.8.1,M-VUL-01\n",
    )
    .unwrap();
    let out = ok(clause9(&[
        "register",
        "import",
        p(&dir),
        "risks",
        csv.to_str().unwrap(),
    ]));
    assert!(out.contains("2 risks rows added"), "{out}");
    let out = ok(clause9(&["validate", p(&dir)]));
    assert!(out.contains("3 risks"), "{out}");
    let text = std::fs::read_to_string(&risks).unwrap();
    assert!(
        text.starts_with(&before) && text.contains("controls = [\"A.6.3\", \"A.8.5\"]"),
        "{text}"
    );

    // a new register file, and an unknown column
    let soa = dir.join("soa.csv");
    std::fs::write(&soa, "id,applicable,justification\nA.5.7,no,\n").unwrap();
    let (code, _, err) = run(clause9(&[
        "register",
        "import",
        p(&dir),
        "soa",
        soa.to_str().unwrap(),
    ]));
    assert_eq!(code, 2);
    assert!(
        err.contains("row 2: [[control]] #2 excludes a control without a `justification`"),
        "{err}"
    );
    std::fs::write(&soa, "id,aplicable\nA.5.7,no\n").unwrap();
    let (code, _, err) = run(clause9(&[
        "register",
        "import",
        p(&dir),
        "soa",
        soa.to_str().unwrap(),
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("row 1: unknown column `aplicable`"), "{err}");
    let (code, _, err) = run(clause9(&[
        "register",
        "import",
        p(&dir),
        "assets",
        soa.to_str().unwrap(),
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("unknown register `assets`"), "{err}");
}

#[test]
fn validate_reports_register_problems_with_positions() {
    let (_tmp, dir) = organisation();
    write(
        &dir,
        "registers/auditors.toml",
        "[[auditor]]\nperson = \"ghost\"\ncompetence = [\"A.5\"]\n",
    );
    write(
        &dir,
        "registers/parties.toml",
        "[[party]]\nid = \"customers\"\nname = \"C\"\nrequirements = []\nchanged = 2025-01-01\ncolor = 1\n",
    );
    let (code, _, err) = run(clause9(&["validate", p(&dir)]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("registers/auditors.toml:2:10: unknown person `ghost`"),
        "{err}"
    );
    assert!(
        err.contains("registers/parties.toml:6:1: unknown key `color`"),
        "{err}"
    );
    assert!(err.contains("2 problems found"), "{err}");
}

#[test]
fn workflow_refusals() {
    let (_tmp, dir) = organisation();
    let d = p(&dir);
    // no open nonconformity: no POA&M
    let out_file = dir.join("poam.json");
    let (code, _, err) = run(clause9(&[
        "oscal",
        "poam",
        d,
        "-o",
        out_file.to_str().unwrap(),
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("no open nonconformity") && !out_file.exists(),
        "{err}"
    );
    // red indicators and audit findings raise their own
    let (code, _, err) = run(clause9(&[
        "nc",
        "raise",
        d,
        "--source",
        "red_indicator",
        "--description",
        "x",
        "--by",
        "ciso",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("clause9 evaluate"), "{err}");
    ok(clause9(&[
        "nc",
        "raise",
        d,
        "--source",
        "incident",
        "--reference",
        "INC-7",
        "--description",
        "Laptop lost unencrypted",
        "--severity",
        "major",
        "--control",
        "A.8.1",
        "--by",
        "ciso",
        "--on",
        "2025-02-01",
    ]));
    let (code, _, err) = run(clause9(&[
        "nc",
        "close",
        d,
        "NC-0001",
        "--by",
        "ciso",
        "--why",
        "done",
        "--on",
        "2025-02-02",
    ]));
    assert_eq!(code, 2);
    assert!(
        err.contains("NC-0001 is raised: closing is not possible now; next: record the correction"),
        "{err}"
    );
    let (code, _, err) = run(clause9(&[
        "nc",
        "correct",
        d,
        "NC-0001",
        "--correction",
        "wiped remotely",
        "--by",
        "ciso",
        "--on",
        "2025-02-02",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("--why"), "{err}");
    let (code, _, err) = run(clause9(&[
        "nc",
        "correct",
        d,
        "NC-0001",
        "--correction",
        "wiped",
        "--by",
        "ciso",
        "--why",
        "x",
        "--on",
        "2025-01-02",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("last step was on 2025-02-01"), "{err}");
    let list: serde_json::Value = serde_json::from_str(&ok(clause9(&[
        "nc",
        "list",
        d,
        "--format",
        "json",
        "--today",
        "2025-03-01",
    ])))
    .unwrap();
    let ncs = list["nonconformities"].as_array().unwrap();
    assert_eq!(ncs.len(), 1);
    assert_eq!(ncs[0]["state"], "raised");
    assert_eq!(ncs[0]["source"]["kind"], "incident");
    // excluded controls are not audited; unknown grades are refused
    let (code, _, err) = run(clause9(&[
        "audit",
        "create",
        d,
        "--title",
        "t",
        "--objectives",
        "o",
        "--scope",
        "A.7.4",
        "--start",
        "2025-03-01",
        "--end",
        "2025-03-02",
        "--by",
        "ciso",
    ]));
    assert_eq!(code, 2);
    assert!(
        err.contains("excluded in the statement of applicability"),
        "{err}"
    );
    let audits: serde_json::Value =
        serde_json::from_str(&ok(clause9(&["audit", "list", d, "--format", "json"]))).unwrap();
    assert_eq!(audits["audits"].as_array().unwrap().len(), 0);
    let (code, _, err) = run(clause9(&[
        "review",
        "prepare",
        d,
        "--date",
        "2025-03-01",
        "--format",
        "pdf",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("-o FILE.pdf"), "{err}");
    let reviews: serde_json::Value =
        serde_json::from_str(&ok(clause9(&["review", "list", d, "--format", "json"]))).unwrap();
    assert_eq!(reviews["reviews"].as_array().unwrap().len(), 0);
}

/// Four evaluations of a red month at the same time raise exactly one
/// nonconformity, and none of them fails.
#[test]
fn concurrent_evaluations_raise_once() {
    let (_tmp, dir) = organisation();
    let d = p(&dir);
    for (m, fixed) in [("2025-03", "19"), ("2025-04", "5")] {
        let fixed = format!("fixed={fixed}");
        ok(clause9(&[
            "record", d, "M-VUL-01", "--period", m, "due=20", &fixed, "--by", "it_lead",
        ]));
    }
    // create the store's schema first, so the race is on the raise itself
    ok(clause9(&["evaluate", d, "--period", "2025-03"]));
    let children: Vec<_> = (0..4)
        .map(|_| {
            clause9(&["evaluate", d, "--period", "2025-04", "--format", "json"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut raised = 0;
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        raised += String::from_utf8_lossy(&out.stderr)
            .matches("NC-0001 raised")
            .count();
    }
    assert_eq!(raised, 1);
    let list: serde_json::Value = serde_json::from_str(&ok(clause9(&[
        "nc", "list", d, "--all", "--format", "json",
    ])))
    .unwrap();
    assert_eq!(list["nonconformities"].as_array().unwrap().len(), 1);
}
