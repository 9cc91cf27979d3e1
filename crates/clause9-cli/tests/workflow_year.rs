//! The "done when": a year of an organisation driven through the
//! built binary — measures recorded, a red indicator raising a
//! nonconformity once, an audit finding a major nonconformity, a conflicted
//! auditor refused, corrective actions planned (an incomplete one refused),
//! implemented and verified by the measure returning to green, the review
//! pack, signed and locked minutes, the next review's input (a), and OSCAL
//! exports valid against the 1.1.2 schemas.

mod common;
#[path = "workflow_year/review.rs"]
mod review;
mod workflow_common;

use std::cell::RefCell;
use std::path::Path;
use std::process::Command;

use common::{clause9, ok, run};
use serde_json::Value;
use workflow_common::organisation;

thread_local! {
    /// The store of this test's run: `None` for the programme's SQLite file.
    static DATABASE: RefCell<Option<String>> = const { RefCell::new(None) };
    /// The day the commands of this run take as today (`CLAUSE9_TODAY`).
    static DAY: RefCell<&'static str> = const { RefCell::new(common::TODAY) };
}

fn cmd(args: &[&str]) -> Command {
    let mut c = clause9(args);
    DAY.with(|day| c.env("CLAUSE9_TODAY", *day.borrow()));
    DATABASE.with(|db| {
        if let Some(url) = db.borrow().as_ref() {
            c.env("CLAUSE9_DATABASE_URL", url);
        }
    });
    c
}

/// Runs `clause9 SUB… DIR REST…` and expects success.
fn c9(dir: &Path, sub: &[&str], rest: &[&str]) -> String {
    let mut args: Vec<&str> = sub.to_vec();
    args.push(dir.to_str().unwrap());
    args.extend(rest);
    ok(cmd(&args))
}

/// Same, expecting exit 2; returns standard error.
fn refused(dir: &Path, sub: &[&str], rest: &[&str]) -> String {
    let mut args: Vec<&str> = sub.to_vec();
    args.push(dir.to_str().unwrap());
    args.extend(rest);
    let (code, out, err) = run(cmd(&args));
    assert_eq!(
        code, 2,
        "expected a refusal\nstdout:\n{out}\nstderr:\n{err}"
    );
    err
}

fn record(dir: &Path, period: &str, due: u32, fixed: u32) {
    let (d, f) = (format!("due={due}"), format!("fixed={fixed}"));
    c9(
        dir,
        &["record"],
        &["M-VUL-01", "--period", period, &d, &f, "--by", "it_lead"],
    );
}

/// Evaluates a month; returns (status of M-VUL-01, standard error).
fn evaluate(dir: &Path, period: &str) -> (String, String) {
    let (code, out, err) = run(cmd(&[
        "evaluate",
        dir.to_str().unwrap(),
        "--period",
        period,
        "--format",
        "json",
    ]));
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    (
        v["measures"][0]["status"].as_str().unwrap().to_string(),
        err,
    )
}

/// The text of a PDF file, by `pdftotext` (Debian's poppler-utils); the file
/// must start as a PDF does.
fn pdf_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.starts_with(b"%PDF-"),
        "{} is not a PDF",
        path.display()
    );
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils; ./scripts/test installs it)");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(dir: &Path, sub: &[&str], rest: &[&str]) -> Value {
    let mut r = rest.to_vec();
    r.extend(["--format", "json"]);
    serde_json::from_str(&c9(dir, sub, &r)).unwrap()
}

fn nc_list(dir: &Path, today: &str) -> Vec<Value> {
    json(dir, &["nc", "list"], &["--all", "--today", today])["nonconformities"]
        .as_array()
        .unwrap()
        .clone()
}

/// The year is run as of two days on which date-dependent output changes:
/// on SQLite the 1st of a month (last month's values due, not yet overdue),
/// on PostgreSQL the last day of a year.
#[test]
fn a_year_of_an_organisation() {
    DAY.with(|d| *d.borrow_mut() = "2026-12-01");
    a_year();
}

#[test]
fn a_year_of_an_organisation_on_postgres() {
    let Ok(base) = std::env::var("CLAUSE9_TEST_POSTGRES_URL") else {
        eprintln!(
            "SKIPPED a_year_of_an_organisation_on_postgres: set CLAUSE9_TEST_POSTGRES_URL to run it"
        );
        return;
    };
    #[allow(clippy::disallowed_methods)] // a unique name, not a date
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let schema = format!("wf_{}_{nanos}", std::process::id());
    let out = Command::new("psql")
        .args([base.as_str(), "-qc", &format!("CREATE SCHEMA {schema}")])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sep = if base.contains('?') { '&' } else { '?' };
    DATABASE
        .with(|db| *db.borrow_mut() = Some(format!("{base}{sep}options[search_path]={schema}")));
    DAY.with(|d| *d.borrow_mut() = "2026-12-31");
    a_year();
}

fn a_year() {
    let (_tmp, dir) = organisation();
    let d = dir.as_path();
    let out = c9(d, &["validate"], &[]);
    assert!(
        out.contains("1 risks") && out.contains("1 exclusions") && out.contains("2 auditors"),
        "{out}"
    );

    // January to March: on time
    for m in ["2025-01", "2025-02", "2025-03"] {
        record(d, m, 20, 19);
        let (status, err) = evaluate(d, m);
        assert_eq!(status, "green");
        assert!(err.is_empty(), "{err}");
    }
    assert!(nc_list(d, "2025-04-01").is_empty());

    // April: red raises a nonconformity, once
    record(d, "2025-04", 20, 10);
    let (status, err) = evaluate(d, "2025-04");
    assert_eq!(status, "red");
    assert!(err.contains("NC-0001 raised"), "{err}");
    let (_, again) = evaluate(d, "2025-04");
    assert!(again.is_empty(), "evaluating again must not raise: {again}");
    let ncs = nc_list(d, "2025-05-01");
    assert_eq!(ncs.len(), 1);
    assert_eq!(ncs[0]["source"]["kind"], "red_indicator");
    assert_eq!(ncs[0]["source"]["period"], "2025-04");

    // the audit programme audits each control where it is measured, brings
    // patching in the IT area forward and says why
    let plan = json(
        d,
        &["audit", "plan"],
        &["--start", "2025-05", "--months", "36"],
    );
    let slots = plan["slots"].as_array().unwrap();
    assert_eq!(slots.len(), 36);
    let items: Vec<&Value> = slots
        .iter()
        .flat_map(|s| s["items"].as_array().unwrap())
        .collect();
    for req in ["4.1", "9.2", "10.2", "A.5.1", "A.8.34"] {
        assert!(
            items.iter().any(|i| i["item"]["requirement"] == req),
            "{req} not planned"
        );
    }
    assert!(
        !items.iter().any(|i| i["item"]["requirement"] == "A.7.4"),
        "an excluded control was planned"
    );
    let patching: Vec<usize> = slots
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            s["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["item"]["requirement"] == "A.8.8" && i["item"]["area"] == "it")
        })
        .map(|(n, _)| n)
        .collect();
    assert_eq!(patching.len(), 3, "{patching:?}");
    assert_eq!(patching[0], 0);
    let why = items
        .iter()
        .find(|i| i["item"]["requirement"] == "A.8.8" && i["item"]["area"] == "it")
        .unwrap()["reason"]
        .as_str()
        .unwrap();
    assert!(
        why.contains("NC-0001") && why.contains("R-1") && why.contains("M-VUL-01"),
        "{why}"
    );

    // a conflicted auditor is refused, naming the conflict
    let audit = [
        "--title",
        "Patching",
        "--objectives",
        "Check vulnerability management",
        "--scope",
        "A.8.8@it",
        "--scope",
        "9.1",
        "--start",
        "2025-05-12",
        "--end",
        "2025-05-13",
        "--by",
        "ciso",
        "--on",
        "2025-05-05",
    ];
    let mut conflicted = audit.to_vec();
    conflicted.extend(["--auditor", "it_lead"]);
    let err = refused(d, &["audit", "create"], &conflicted);
    assert!(err.contains("it_lead owns area `it`"), "{err}");
    assert!(
        err.contains("it_lead owns measure M-VUL-01") && err.contains("not competent for 9.1"),
        "{err}"
    );
    c9(d, &["audit", "create"], &audit);
    let err = refused(d, &["audit", "assign"], &["AUD-0001", "it_lead"]);
    assert!(err.contains("collects measure M-VUL-01"), "{err}");
    c9(
        d,
        &["audit", "assign"],
        &["AUD-0001", "auditor", "--on", "2025-05-06", "--by", "ciso"],
    );
    // `status` names the planned audit that is not complete yet
    let status = json(d, &["status"], &["--period", "2025-05"]);
    assert_eq!(status["next_audit"]["id"], "AUD-0001", "{status}");
    let checklist = c9(d, &["audit", "checklist"], &["AUD-0001"]);
    assert!(
        checklist.contains("A.8.8") && checklist.contains("M-VUL-01"),
        "{checklist}"
    );

    // findings: a major nonconformity opens a 10.2 record
    let out = c9(
        d,
        &["audit", "finding"],
        &[
            "AUD-0001",
            "--item",
            "A.8.8@it",
            "--grade",
            "major",
            "--statement",
            "No patching exceptions process: 12 servers out of support",
            "--evidence",
            "scanner report 2025-05-12",
            "--by",
            "auditor",
            "--on",
            "2025-05-12",
        ],
    );
    assert!(out.contains("opened NC-0002"), "{out}");
    c9(
        d,
        &["audit", "finding"],
        &[
            "AUD-0001",
            "--item",
            "9.1",
            "--grade",
            "observation",
            "--statement",
            "Measure definitions lack review dates",
            "--evidence",
            "measures folder",
            "--by",
            "auditor",
            "--on",
            "2025-05-12",
        ],
    );
    let err = refused(
        d,
        &["audit", "finding"],
        &[
            "AUD-0001",
            "--item",
            "A.5.1",
            "--grade",
            "minor",
            "--statement",
            "x",
            "--evidence",
            "y",
            "--by",
            "auditor",
            "--on",
            "2025-05-12",
        ],
    );
    assert!(err.contains("not in the scope"), "{err}");
    c9(
        d,
        &["audit", "complete"],
        &[
            "AUD-0001",
            "--summary",
            "Patching needs a process",
            "--by",
            "auditor",
            "--on",
            "2025-05-13",
        ],
    );
    // coverage of the cycle: what was audited, what slipped
    let cov = json(
        d,
        &["audit", "coverage"],
        &["--since", "2025-05", "--today", "2025-09-15"],
    );
    let cov = cov["items"].as_array().unwrap();
    let state_of = |req: &str, area: Option<&str>| {
        cov.iter()
            .find(|i| i["item"]["requirement"] == req && i["item"]["area"].as_str() == area)
            .map(|i| i["state"].as_str().unwrap().to_string())
    };
    // A.8.8 is measured in IT (M-VUL-01), so it is audited there; clauses
    // and unmeasured controls once, ISMS-wide
    assert_eq!(state_of("A.8.8", Some("it")).as_deref(), Some("audited"));
    assert_eq!(state_of("A.8.8", None), None, "audited where measured");
    assert_eq!(state_of("9.1", Some("it")), None, "clauses are ISMS-wide");
    assert_eq!(state_of("9.1", None).as_deref(), Some("audited"));
    assert_eq!(state_of("A.7.4", None), None, "excluded");
    // no measure of this programme is linked to A.6.3: audited once, ISMS-wide
    assert!(state_of("A.6.3", None).is_some());
    assert_eq!(state_of("A.6.3", Some("people")), None);
    assert_ne!(state_of("A.5.1", None).as_deref(), Some("audited"));
    let overdue = cov.iter().filter(|i| i["state"] == "overdue").count();
    let not_yet = cov.iter().filter(|i| i["state"] == "not yet due").count();
    assert!(
        overdue > 0 && not_yet > overdue,
        "{overdue} overdue, {not_yet} not yet due"
    );
    // audited: A.8.8 in IT, and 9.1
    assert_eq!(overdue + not_yet + 2, cov.len());
    let report = c9(d, &["audit", "report"], &["AUD-0001", "--format", "html"]);
    assert!(
        report.contains("<td>NC-0002</td>") && report.contains("major nonconformity"),
        "{report}"
    );
    let pdf = d.join("audit.pdf");
    c9(
        d,
        &["audit", "report"],
        &["AUD-0001", "--format", "pdf", "-o", pdf.to_str().unwrap()],
    );
    let text = pdf_text(&pdf);
    assert!(
        text.contains("NC-0002") && text.contains("major nonconformity"),
        "{text}"
    );
    let err = refused(d, &["audit", "report"], &["AUD-0001", "--format", "pdf"]);
    assert!(err.contains("-o FILE.pdf"), "{err}");

    // NC-0001: contained, analysed, an incomplete action refused, then planned
    let step = |on: &'static str| ["--by", "ciso", "--on", on, "--why", "10.2"];
    c9(
        d,
        &["nc", "correct"],
        &[
            &["NC-0001", "--correction", "Emergency patching weekend"][..],
            &step("2025-05-02"),
        ]
        .concat(),
    );
    c9(
        d,
        &["nc", "analyse"],
        &[
            &[
                "NC-0001",
                "--why-chain",
                "patches missed",
                "--why-chain",
                "no owner for legacy servers",
                "--extent",
                "all legacy servers",
            ][..],
            &step("2025-05-03"),
        ]
        .concat(),
    );
    let err = refused(
        d,
        &["nc", "action"],
        &[
            &[
                "NC-0001",
                "--description",
                "Assign owners",
                "--due",
                "2025-06-30",
            ][..],
            &step("2025-05-04"),
        ]
        .concat(),
    );
    assert!(
        err.contains("not SMART")
            && err.contains("--owner: an owner is required")
            && err.contains("success criterion"),
        "{err}"
    );
    assert!(!err.contains("due date"), "{err}");
    c9(
        d,
        &["nc", "action"],
        &[
            &[
                "NC-0001",
                "--description",
                "Assign owners to legacy servers",
                "--owner",
                "it_lead",
                "--due",
                "2025-06-30",
                "--success",
                "M-VUL-01 green for 3 months",
            ][..],
            &step("2025-05-04"),
        ]
        .concat(),
    );
    c9(
        d,
        &["nc", "check"],
        &[
            &[
                "NC-0001",
                "--date",
                "2025-09-01",
                "--measure",
                "M-VUL-01",
                "--periods",
                "3",
            ][..],
            &step("2025-05-04"),
        ]
        .concat(),
    );
    c9(
        d,
        &["nc", "implement"],
        &[
            &["NC-0001", "A1", "--note", "owners named"][..],
            &step("2025-05-20"),
        ]
        .concat(),
    );

    // NC-0002: an action that will be overdue
    c9(
        d,
        &["nc", "correct"],
        &[
            &["NC-0002", "--correction", "Servers isolated"][..],
            &step("2025-05-14"),
        ]
        .concat(),
    );
    c9(
        d,
        &["nc", "analyse"],
        &[
            &[
                "NC-0002",
                "--cause",
                "no exceptions process",
                "--extent",
                "only IT",
            ][..],
            &step("2025-05-15"),
        ]
        .concat(),
    );
    c9(
        d,
        &["nc", "action"],
        &[
            &[
                "NC-0002",
                "--description",
                "Write an exceptions process",
                "--owner",
                "ciso",
                "--due",
                "2025-07-31",
                "--success",
                "process approved and used for every exception",
            ][..],
            &step("2025-05-15"),
        ]
        .concat(),
    );

    // May to August: back to green
    for m in ["2025-05", "2025-06", "2025-07", "2025-08"] {
        record(d, m, 20, 20);
        assert_eq!(evaluate(d, m).0, "green");
    }
    // verification before the planned date is refused; on the date the measure verifies it
    let err = refused(
        d,
        &["nc", "verify"],
        &["NC-0001", "--by", "ciso", "--on", "2025-08-20"],
    );
    assert!(err.contains("planned for 2025-09-01"), "{err}");
    let out = c9(
        d,
        &["nc", "verify-due"],
        &["--by", "ciso", "--on", "2025-08-31"],
    );
    assert!(
        out.contains("no automatic check is due on 2025-08-31"),
        "{out}"
    );
    let out = c9(
        d,
        &["nc", "verify-due"],
        &["--by", "ciso", "--on", "2025-09-02"],
    );
    assert!(out.contains("NC-0001: verified effective"), "{out}");
    c9(
        d,
        &["nc", "close"],
        &[&["NC-0001"][..], &step("2025-09-03")].concat(),
    );
    let shown = json(d, &["nc", "show"], &["NC-0001"]);
    assert_eq!(shown["nonconformity"]["state"], "closed");
    let events: Vec<&str> = shown["nonconformity"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        [
            "raised",
            "corrected",
            "root_cause_analysed",
            "action_planned",
            "check_planned",
            "action_implemented",
            "verified",
            "closed"
        ]
    );

    // overdue work is visible in the lists and in status
    let ncs = nc_list(d, "2025-09-10");
    let nc2 = ncs.iter().find(|n| n["id"] == "NC-0002").unwrap();
    assert_eq!(nc2["overdue"], true);
    assert_eq!(nc2["overdue_actions"], serde_json::json!(["A1"]));
    let table = c9(d, &["nc", "list"], &["--today", "2025-09-10"]);
    assert!(table.contains("OVERDUE: A1 due 2025-07-31"), "{table}");
    let status = c9(d, &["status"], &["--period", "2025-09"]);
    assert!(
        status.contains("NC-0002") && status.contains("OVERDUE"),
        "{status}"
    );

    // NC-0002: implemented late, and the manual check finds it did not work
    let late = ["--by", "ciso", "--why", "10.2", "--on", "2025-09-11"];
    c9(
        d,
        &["nc", "implement"],
        &[&["NC-0002", "A1", "--note", "process written"][..], &late].concat(),
    );
    c9(
        d,
        &["nc", "check"],
        &[&["NC-0002", "--date", "2025-09-12"][..], &late].concat(),
    );
    let err = refused(
        d,
        &["nc", "verify"],
        &["NC-0002", "--by", "ciso", "--on", "2025-09-12"],
    );
    assert!(err.contains("--effective or --not-effective"), "{err}");
    let out = c9(
        d,
        &["nc", "verify"],
        &[
            "NC-0002",
            "--not-effective",
            "--evidence",
            "3 exceptions not recorded",
            "--by",
            "ciso",
            "--on",
            "2025-09-12",
        ],
    );
    assert!(
        out.contains("NOT effective: reopened") && out.contains("analyse the root cause"),
        "{out}"
    );
    let shown = json(d, &["nc", "show"], &["NC-0002"]);
    assert_eq!(shown["nonconformity"]["state"], "reopened");

    review::review_and_export(d);
}
