//! `postgres` sources against the test server (CLAUSE9_TEST_POSTGRES_URL, set
//! by scripts/test): bound parameters, read-only transaction, statement
//! timeout, NUMERIC results, and a missing environment variable.

mod common;

use clause9_collect::{Collector, Failure};
use sqlx::{Connection, Executor, PgConnection};

const SETTINGS: &str = r#"format = 1
[programme]
name = "T"
organisation = "T"
timezone = "Europe/London"
first_period = "2026-01"
[people.p]
name = "P"
[areas.a]
title = "A"
owner = "p"
"#;

fn measure(queries: &[String]) -> String {
    let mut m = String::from(
        "id = \"M-1\"\nversion = 1\nname = \"m\"\ninformation_need = \"n\"\nkind = \"performance\"\narea = \"a\"\n[roles]\nowner = \"p\"\ncollector = \"p\"\n[frequency]\ncollection = \"monthly\"\n",
    );
    for (i, q) in queries.iter().enumerate() {
        let source = if i == queries.len() - 1 {
            "unset"
        } else {
            "db"
        };
        m.push_str(&format!(
            "[[base]]\nid = \"q{i}\"\nmethod = \"query\"\nsource = \"{source}\"\nquery = '''\n{q}\n'''\n"
        ));
    }
    m.push_str("[indicator]\nmeasure = \"q0\"\ndirection = \"higher_is_better\"\ngreen = 1\n");
    m
}

#[tokio::test]
async fn postgres_queries_are_read_only_bound_and_time_limited() {
    let Ok(url) = std::env::var("CLAUSE9_TEST_POSTGRES_URL") else {
        eprintln!(
            "CLAUSE9_TEST_POSTGRES_URL is not set: scripts/test sets it; not testing postgres sources"
        );
        return;
    };
    let schema = format!("c9collect_{}", std::process::id());
    let mut conn = PgConnection::connect(&url).await.unwrap();
    conn.execute(sqlx::AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};
         CREATE TABLE {schema}.incidents (id int, closed_at timestamptz, cost numeric);
         CREATE SEQUENCE {schema}.s;
         INSERT INTO {schema}.incidents VALUES
           (1, '2026-09-30 23:30:00+00', 1.5), (2, '2026-10-15 12:00:00+00', 2.25),
           (3, '2026-10-31 23:59:00+00', 3), (4, '2026-11-01 00:00:00+00', 100);"
    )))
    .await
    .unwrap();
    let queries = vec![
        // October in London: [2026-09-30T23:00Z, 2026-11-01T00:00Z): rows 1, 2 and 3.
        format!(
            "SELECT count(*) FROM {schema}.incidents WHERE closed_at >= $start AND closed_at < $end"
        ),
        format!(
            "SELECT sum(cost) FROM {schema}.incidents WHERE closed_at >= $start AND closed_at < $end AND $period = '2026-10';"
        ),
        format!("SELECT nextval('{schema}.s')"),
        format!("SELECT count(*) FROM {schema}.incidents, pg_sleep(3)"),
        format!("SELECT id, cost FROM {schema}.incidents"),
        format!("SELECT max(id) FROM {schema}.incidents WHERE id > 10"),
        "SELECT 1".to_string(),
    ];
    let d = tempfile::tempdir().unwrap();
    common::write(
        d.path(),
        &[
            (
                "clause9.toml",
                &format!(
                    "{SETTINGS}[sources.db]\nkind = \"postgres\"\nurl_env = \"CLAUSE9_TEST_POSTGRES_URL\"\ntimeout_seconds = 1\n[sources.unset]\nkind = \"postgres\"\nurl_env = \"CLAUSE9_SURELY_UNSET_URL\"\n"
                ),
            ),
            ("measures/m.toml", &measure(&queries)),
        ],
    );
    let p = common::load(d.path());
    let c = Collector::new(d.path(), &p);
    let mut v = Vec::new();
    for i in 0..queries.len() {
        v.push(common::collect(&c, &p, "M-1", &format!("q{i}"), "2026-10").await);
    }
    let value = |i: usize| {
        v[i].as_ref()
            .map(|x| x.value)
            .map_err(|e| e.failure.clone())
    };
    assert_eq!(value(0), Ok(Some(3.0)));
    assert_eq!(value(1), Ok(Some(6.75)), "NUMERIC read exactly");
    assert!(
        matches!(value(2), Err(Failure::Query(m)) if m.contains("read-only")),
        "{:?}",
        value(2)
    );
    assert_eq!(value(3), Err(Failure::Timeout { seconds: 1 }));
    assert!(
        matches!(value(4), Err(Failure::Result(m)) if m.contains("one column")),
        "{:?}",
        value(4)
    );
    assert_eq!(value(5), Ok(None));
    assert_eq!(
        value(6),
        Err(Failure::MissingEnv("CLAUSE9_SURELY_UNSET_URL".into()))
    );
    let pr = &v[0].as_ref().unwrap().provenance;
    assert_eq!(pr.kind, "postgres");
    assert!(pr.files.is_empty());
    // a sequential scan of the four rows, as the transaction's statistics count it
    assert_eq!(pr.rows_scanned, Some(4));
    let after: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT last_value FROM {schema}.s"
    )))
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(after, 1, "the sequence was never advanced");
    conn.execute(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .await
        .unwrap();
}
