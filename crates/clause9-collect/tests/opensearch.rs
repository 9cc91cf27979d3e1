//! `opensearch` sources against a real server process on loopback:
//! `osmem-server` (PyPI `osmem-server`, an in-memory OpenSearch-compatible
//! server; `scripts/test` installs it). The test starts it on a free port,
//! writes Wazuh-like alerts on both sides of the period's bounds, and checks
//! `_count` and `_search` with and without aggregations, and the refusals.
//! Without the server the test says it is skipped, unless
//! `CLAUSE9_TEST_OSMEM_REQUIRED=1` (set by `scripts/test`) makes that a failure.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use clause9_collect::Collector;
use serde_json::json;

/// The server process; killed when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The osmem-server binary: `OSMEM_SERVER_BIN`, or the one the Python
/// package bundles.
fn binary() -> Option<String> {
    if let Ok(b) = std::env::var("OSMEM_SERVER_BIN") {
        return Some(b);
    }
    let out = Command::new("python3")
        .args([
            "-c",
            "import osmem_server; print(osmem_server.resolve_binary())",
        ])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|p| !p.is_empty())
}

fn start() -> Option<Server> {
    let Some(bin) = binary() else {
        assert!(
            std::env::var("CLAUSE9_TEST_OSMEM_REQUIRED").as_deref() != Ok("1"),
            "osmem-server is missing: `pip install osmem-server` (scripts/test does)"
        );
        eprintln!("skipped: osmem-server is not installed (pip install osmem-server)");
        return None;
    };
    let mut child = Command::new(bin)
        .args(["--addr", "127.0.0.1:0", "--no-ja"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot start osmem-server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready: serde_json::Value = serde_json::from_str(&line).expect("osmem-server did not start");
    Some(Server {
        url: ready["url"].as_str().unwrap().to_string(),
        child,
    })
}

const INDEX: &str = "wazuh-alerts-4.x-2026.10";

/// Alerts around October 2026 in Europe/London (2026-09-30T23:00Z to 2026-11-01T00:00Z).
async fn seed(url: &str) {
    let http = reqwest::Client::new();
    let put = http
        .put(format!("{url}/{INDEX}"))
        .json(&json!({"mappings": {"properties": {
            "timestamp": {"type": "date"},
            "rule": {"properties": {"level": {"type": "integer"}}},
            "agent": {"properties": {"id": {"type": "keyword"}}}
        }}}))
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success(), "{}", put.text().await.unwrap());
    for (ts, level, agent) in [
        ("2026-09-30T22:59:59Z", 12, "009"),
        ("2026-09-30T23:00:00Z", 12, "001"),
        ("2026-10-15T10:00:00Z", 5, "002"),
        ("2026-10-31T23:59:59Z", 13, "002"),
        ("2026-11-01T00:00:00Z", 14, "009"),
    ] {
        let r = http
            .post(format!("{url}/{INDEX}/_doc?refresh=true"))
            .json(&json!({"timestamp": ts, "rule": {"level": level}, "agent": {"id": agent}}))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }
}

const IN_PERIOD: &str = r#"{"range": {"timestamp": {"gte": "$start", "lt": "$end"}}}"#;

#[tokio::test]
async fn counts_and_aggregations_over_the_period_on_a_real_server() {
    let Some(server) = start() else { return };
    seed(&server.url).await;
    let queries = [
        format!(
            "GET wazuh-alerts-*/_count\n{{\"query\": {{\"bool\": {{\"filter\": [{IN_PERIOD}, {{\"range\": {{\"rule.level\": {{\"gte\": 12}}}}}}]}}}}}}"
        ),
        format!(
            "POST wazuh-alerts-*/_search\n{{\"query\": {IN_PERIOD}, \"aggs\": {{\"agents\": {{\"cardinality\": {{\"field\": \"agent.id\"}}}}}}}}"
        ),
        format!("GET wazuh-alerts-*/_search\n{{\"query\": {IN_PERIOD}}}"),
        format!(
            "GET wazuh-alerts-*/_search\n{{\"query\": {IN_PERIOD}, \"aggs\": {{\"level\": {{\"avg\": {{\"field\": \"rule.level\"}}}}}}}}"
        ),
        format!(
            "GET wazuh-alerts-*/_search\n{{\"query\": {IN_PERIOD}, \"aggs\": {{\"top\": {{\"terms\": {{\"field\": \"agent.id\", \"size\": 1}}}}}}}}"
        ),
        format!("POST wazuh-alerts-*/_delete_by_query\n{{\"query\": {IN_PERIOD}}}"),
        "GET wazuh-alerts-*/_count\n{\"query\": {\"match_all\": {}}}".to_string(),
        format!("GET wazuh-alerts-*/_search\n{{\"size\": 10, \"query\": {IN_PERIOD}}}"),
    ];
    let queries: Vec<&str> = queries.iter().map(String::as_str).collect();
    let dir = tempfile::tempdir().unwrap();
    let p = common::programme(
        dir.path(),
        "kind = \"opensearch\"\nurl_env = \"T_OSMEM_URL\"",
        &queries,
    );
    let c = Collector::new(dir.path(), &p).with_env("T_OSMEM_URL", &server.url);
    let get = |i: usize| {
        let (c, p) = (&c, &p);
        async move { common::collect(c, p, "M-1", &format!("q{i}"), "2026-10").await }
    };

    let high = get(0).await.unwrap();
    assert_eq!(high.value, Some(2.0), "level ≥ 12 inside the period");
    let record = high.provenance.platform.as_ref().unwrap();
    let sent = record.requests[0].body.as_ref().unwrap();
    assert_eq!(
        sent["query"]["bool"]["filter"][0]["range"]["timestamp"],
        json!({"gte": "2026-09-30T23:00:00Z", "lt": "2026-11-01T00:00:00Z"})
    );
    assert_eq!(
        record.requests[0].url,
        format!("{}/wazuh-alerts-*/_count", server.url)
    );
    assert_eq!(record.counts["count"], 2);

    let agents = get(1).await.unwrap();
    assert_eq!(agents.value, Some(2.0), "distinct agents 001 and 002");
    assert_eq!(agents.provenance.rows_scanned, Some(3));
    let sent = agents.provenance.platform.as_ref().unwrap().requests[0]
        .body
        .clone()
        .unwrap();
    assert_eq!(
        (sent["size"].clone(), sent["track_total_hits"].clone()),
        (json!(0), json!(true))
    );

    assert_eq!(get(2).await.unwrap().value, Some(3.0), "hits in the period");
    assert_eq!(
        get(3).await.unwrap().value,
        Some(10.0),
        "mean level (12 + 5 + 13) / 3"
    );

    let e = get(4).await.unwrap_err().to_string();
    assert!(
        e.contains("M-1/q4: opensearch: bad result: aggregation `top` left out"),
        "{e}"
    );
    let e = get(5).await.unwrap_err().to_string();
    assert!(
        e.contains("M-1/q5: opensearch: refused: `wazuh-alerts-*/_delete_by_query` is not a read"),
        "{e}"
    );
    let e = get(6).await.unwrap_err().to_string();
    assert!(
        e.contains("M-1/q6: opensearch: refused: the body must limit the documents to the period"),
        "{e}"
    );
    let e = get(7).await.unwrap_err().to_string();
    assert!(e.contains("must have \"size\": 0"), "{e}");

    // the refused delete sent nothing: every document is still there
    let all: serde_json::Value = reqwest::get(format!("{}/{INDEX}/_count", server.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all["count"], 5);
}
