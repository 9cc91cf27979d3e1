//! The same commands against a PostgreSQL store (`--database-url`), in a fresh
//! schema. Runs when CLAUSE9_TEST_POSTGRES_URL is set (the test script sets it).

mod common;

use common::*;

fn psql(url: &str, sql: &str) {
    let out = std::process::Command::new("psql")
        .args([url, "-qc", sql])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn init_record_and_evaluate_on_postgres() {
    let Ok(base) = std::env::var("CLAUSE9_TEST_POSTGRES_URL") else {
        eprintln!(
            "SKIPPED init_record_and_evaluate_on_postgres: set CLAUSE9_TEST_POSTGRES_URL to run it"
        );
        return;
    };
    #[allow(clippy::disallowed_methods)] // a unique name, not a date
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let schema = format!("cli_{}_{nanos}", std::process::id());
    psql(&base, &format!("CREATE SCHEMA {schema}"));
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options[search_path]={schema}");

    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("isms");
    let d = p.to_str().unwrap();
    let mut init = clause9(&["init", d]);
    init.env("CLAUSE9_DATABASE_URL", &url);
    ok(init);
    assert!(
        !p.join(".clause9/clause9.db").exists(),
        "the SQLite file was used instead of PostgreSQL"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(clause9(&[
        "evaluate",
        d,
        "--format",
        "json",
        "--database-url",
        &url,
    ])))
    .unwrap();
    let month = json["period"].as_str().unwrap().to_string();
    let statuses: Vec<&str> = json["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["green", "amber", "green", "amber", "red"]);
    let out = ok(clause9(&[
        "record",
        d,
        "M-VUL-01",
        "--period",
        &month,
        "fixed_by_deadline=17",
        "--reason",
        "patched",
        "--database-url",
        &url,
        "--evidence",
        "https://tickets.example/CHG-1",
    ]));
    assert!(out.contains("corrected"), "{out}");
    let json: serde_json::Value = serde_json::from_str(&ok(clause9(&[
        "evaluate",
        d,
        "--format",
        "json",
        "--database-url",
        &url,
    ])))
    .unwrap();
    assert_eq!(json["measures"][4]["status"], "green");
    // the SQLite default store was never touched
    assert!(!p.join(".clause9/clause9.db").exists());
    psql(&base, &format!("DROP SCHEMA {schema} CASCADE"));
}
