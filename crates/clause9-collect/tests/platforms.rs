//! Platform sources that cannot run on this machine (Splunk, Log Analytics,
//! Loki, DefectDojo, GitHub, Elasticsearch, OpenSearch's SQL and PPL
//! plugins) against a loopback server that asserts the exact requests —
//! path, query, body with the period's bounds, sign-in header — and answers
//! in each vendor's documented format. The period is October 2026 in
//! Europe/London: 2026-09-30T23:00:00Z to 2026-11-01T00:00:00Z.

mod common;
#[path = "support/replay.rs"]
mod replay;

use clause9_collect::{Collected, Collector};
use replay::{Expect, Replay};
use serde_json::json;

const START: &str = "2026-09-30T23:00:00Z";
const END: &str = "2026-11-01T00:00:00Z";
const START_S: &str = "1790809200";
const END_S: &str = "1793491200";

/// Collects q0.. of M-1 for October from a source whose variables point at `server`.
async fn run(
    source: &str,
    queries: &[&str],
    env: &[(&str, &str)],
) -> Vec<Result<Collected, String>> {
    let dir = tempfile::tempdir().unwrap();
    let p = common::programme(dir.path(), source, queries);
    let mut c = Collector::new(dir.path(), &p);
    for (k, v) in env {
        c = c.with_env(k, v);
    }
    let mut out = Vec::new();
    for i in 0..queries.len() {
        out.push(
            common::collect(&c, &p, "M-1", &format!("q{i}"), "2026-10")
                .await
                .map_err(|e| e.to_string()),
        );
    }
    out
}

fn sha256(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

#[tokio::test]
async fn splunk_exports_one_row_for_the_period_with_a_token() {
    let answer =
        "{\"preview\":false,\"offset\":0,\"lastrow\":true,\"result\":{\"count\":\"42\"}}\n";
    let server = Replay::start(vec![
        Expect::new("POST", "/services/search/v2/jobs/export")
            .header("authorization", "Bearer splunk-secret")
            .form(&[
                ("search", "search index=wazuh rule.level>=12 | stats count"),
                ("earliest_time", START_S),
                ("latest_time", END_S),
                ("output_mode", "json"),
            ])
            .answer(200, answer),
    ]);
    let got = run(
        "kind = \"splunk\"\nurl_env = \"T_SPLUNK_URL\"\ntoken_env = \"T_SPLUNK_TOKEN\"",
        &["index=wazuh rule.level>=12 | stats count"],
        &[
            ("T_SPLUNK_URL", &server.url),
            ("T_SPLUNK_TOKEN", "splunk-secret"),
        ],
    )
    .await;
    server.assert_done();
    let c = got[0].as_ref().unwrap();
    assert_eq!(c.value, Some(42.0));
    assert_eq!(c.provenance.kind, "splunk");
    let record = c.provenance.platform.as_ref().unwrap();
    assert_eq!(record.counts["results"], 1);
    assert_eq!(record.requests[0].status, 200);
    assert_eq!(record.requests[0].sha256, sha256(answer));
    assert_eq!(
        record.requests[0].url,
        format!("{}/services/search/v2/jobs/export", server.url)
    );
    let text = serde_json::to_string(&c.provenance).unwrap();
    assert!(!text.contains("splunk-secret"), "the token leaked: {text}");
}

#[tokio::test]
async fn splunk_refuses_writes_before_sending_anything() {
    let server = Replay::start(vec![]);
    let got = run(
        "kind = \"splunk\"\nurl_env = \"T_SPLUNK_URL\"\ntoken_env = \"T_SPLUNK_TOKEN\"",
        &[
            "index=wazuh | delete",
            "index=wazuh | stats count | outputlookup x.csv",
        ],
        &[("T_SPLUNK_URL", &server.url), ("T_SPLUNK_TOKEN", "t")],
    )
    .await;
    server.assert_done();
    let e = got[0].as_ref().unwrap_err();
    assert!(
        e.starts_with("M-1/q0: splunk: refused: the SPL command `delete`"),
        "{e}"
    );
    let e = got[1].as_ref().unwrap_err();
    assert!(
        e.starts_with("M-1/q1: splunk: refused: the SPL command `outputlookup`"),
        "{e}"
    );
}

#[tokio::test]
async fn splunk_errors_fail_the_value() {
    let server = Replay::start(vec![
        Expect::new("POST", "/services/search/v2/jobs/export")
            .header("authorization", "Basic dTpw")
            .form(&[
                ("search", "search index=x | stat count"),
                ("earliest_time", START_S),
                ("latest_time", END_S),
                ("output_mode", "json"),
            ])
            .answer(
                200,
                r#"{"messages":[{"type":"FATAL","text":"Unknown search command 'stat'."}]}"#,
            ),
    ]);
    let got = run(
        "kind = \"splunk\"\nurl_env = \"T_URL\"\nusername_env = \"T_U\"\npassword_env = \"T_P\"",
        &["index=x | stat count"],
        &[("T_URL", &server.url), ("T_U", "u"), ("T_P", "p")],
    )
    .await;
    server.assert_done();
    let e = got[0].as_ref().unwrap_err();
    assert!(
        e.contains("splunk: query failed: Splunk refused the search: Unknown search command"),
        "{e}"
    );
}

#[tokio::test]
async fn log_analytics_signs_in_once_and_queries_with_the_timespan() {
    let token = r#"{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"eyJ0eXAi.fake.token"}"#;
    let table = |rows: &str| {
        format!(
            r#"{{"tables":[{{"name":"PrimaryResult","columns":[{{"name":"Count","type":"long"}}],"rows":{rows}}}]}}"#
        )
    };
    let server = Replay::start(vec![
        Expect::new("POST", "/tenant-1/oauth2/v2.0/token")
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", "app-1"),
                ("client_secret", "very-secret"),
                ("scope", "https://api.loganalytics.io/.default"),
            ])
            .answer(200, token),
        Expect::new("POST", "/v1/workspaces/0b1c2d3e-aaaa-bbbb-cccc-123456789012/query")
            .header("authorization", "Bearer eyJ0eXAi.fake.token")
            .json(json!({
                "query": "SigninLogs | where ResultType != 0 | count",
                "timespan": format!("{START}/{END}"),
            }))
            .answer(200, &table("[[17]]")),
        Expect::new("POST", "/v1/workspaces/0b1c2d3e-aaaa-bbbb-cccc-123456789012/query")
            .header("authorization", "Bearer eyJ0eXAi.fake.token")
            .json(json!({
                "query": format!("SecurityIncident | where ClosedTime >= datetime({START}) and ClosedTime < datetime({END}) | count"),
                "timespan": format!("{START}/{END}"),
            }))
            .answer(
                200,
                r#"{"tables":[{"name":"PrimaryResult","columns":[{"name":"Count","type":"long"}],"rows":[[3]]}],"error":{"code":"PartialError","message":"There were some errors when processing your query."}}"#,
            ),
    ]);
    let got = run(
        "kind = \"log_analytics\"\nworkspace_env = \"T_WS\"\ntenant_env = \"T_TENANT\"\nclient_id_env = \"T_ID\"\nclient_secret_env = \"T_SECRET\"\nurl_env = \"T_API\"\nlogin_url_env = \"T_LOGIN\"",
        &[
            "SigninLogs | where ResultType != 0 | count",
            "SecurityIncident | where ClosedTime >= $start and ClosedTime < $end | count",
        ],
        &[
            ("T_WS", "0b1c2d3e-aaaa-bbbb-cccc-123456789012"),
            ("T_TENANT", "tenant-1"),
            ("T_ID", "app-1"),
            ("T_SECRET", "very-secret"),
            ("T_API", &server.url),
            ("T_LOGIN", &server.url),
        ],
    )
    .await;
    server.assert_done();
    let c = got[0].as_ref().unwrap();
    assert_eq!(c.value, Some(17.0));
    let record = c.provenance.platform.as_ref().unwrap();
    assert_eq!(record.requests.len(), 2, "the token request and the query");
    assert_eq!(
        record.requests[0].body, None,
        "the secret form is not recorded"
    );
    let text = serde_json::to_string(&c.provenance).unwrap();
    assert!(!text.contains("very-secret"));
    let e = got[1].as_ref().unwrap_err();
    assert!(
        e.contains("M-1/q1: log_analytics: bad result: the answer is partial (PartialError)"),
        "{e}"
    );
}

#[tokio::test]
async fn loki_instant_query_at_the_periods_end_shares_the_prometheus_reader() {
    let logql = "sum(count_over_time({job=\"sshd\"} |= \"Failed password\" [2682000s]))";
    let server = Replay::start(vec![
        Expect::new("GET", "/loki/api/v1/query")
            .query(&[("query", logql), ("time", "1793491200000000000")])
            .header("authorization", "Basic bG9raS11c2VyOmxva2ktcHc=")
            .header("x-scope-orgid", "soc")
            .answer(
                200,
                r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1793491200,"42"]}],"stats":{"summary":{"totalLinesProcessed":1234,"totalBytesProcessed":99999}}}}"#,
            ),
    ]);
    let got = run(
        "kind = \"loki\"\nurl_env = \"T_LOKI\"\nusername_env = \"T_U\"\npassword_env = \"T_P\"\norg_id = \"soc\"",
        &["sum(count_over_time({job=\"sshd\"} |= \"Failed password\" [$range]))"],
        &[("T_LOKI", &server.url), ("T_U", "loki-user"), ("T_P", "loki-pw")],
    )
    .await;
    server.assert_done();
    let c = got[0].as_ref().unwrap();
    assert_eq!(c.value, Some(42.0));
    assert_eq!(c.provenance.rows_scanned, Some(1234));
    assert_eq!(c.provenance.parameters.range.as_deref(), Some("2682000s"));
}

#[tokio::test]
async fn defectdojo_reads_every_page_and_counts_findings_found_in_the_period() {
    let finding = |id: u32, date: &str| json!({"id": id, "title": "t", "severity": "Critical", "date": date, "created": "2026-10-02T10:00:00Z", "mitigated": null});
    let page1 = json!({"count": 3, "next": "{base}/api/v2/findings/?limit=100&offset=100&severity=Critical&active=true", "previous": null,
        "results": [finding(1, "2026-10-01"), finding(2, "2026-09-30")]});
    let page2 = json!({"count": 3, "next": null, "previous": "{base}/api/v2/findings/?limit=100&severity=Critical&active=true",
        "results": [finding(3, "2026-10-31")]});
    let server = Replay::start(vec![
        Expect::new("GET", "/api/v2/findings/")
            .query(&[
                ("severity", "Critical"),
                ("active", "true"),
                ("limit", "100"),
            ])
            .header("authorization", "Token dd-key")
            .answer(200, &page1.to_string()),
        Expect::new("GET", "/api/v2/findings/")
            .query(&[
                ("limit", "100"),
                ("offset", "100"),
                ("severity", "Critical"),
                ("active", "true"),
            ])
            .header("authorization", "Token dd-key")
            .answer(200, &page2.to_string()),
    ]);
    let got = run(
        "kind = \"defectdojo\"\nurl_env = \"T_DD\"\ntoken_env = \"T_DD_KEY\"",
        &["severity=Critical&active=true&window=date"],
        &[("T_DD", &server.url), ("T_DD_KEY", "dd-key")],
    )
    .await;
    server.assert_done();
    let c = got[0].as_ref().unwrap();
    assert_eq!(c.value, Some(2.0));
    let counts = &c.provenance.platform.as_ref().unwrap().counts;
    assert_eq!(
        (counts["items"], counts["pages"], counts["in_period"]),
        (3, 2, 2)
    );
}

#[tokio::test]
async fn defectdojo_refuses_a_list_that_changed_while_it_was_read() {
    let page = json!({"count": 5, "next": null, "results": [{"id": 1, "date": "2026-10-03", "mitigated": null}]});
    let server = Replay::start(vec![
        Expect::new("GET", "/api/v2/findings/")
            .query(&[("limit", "100")])
            .answer(200, &page.to_string()),
    ]);
    let got = run(
        "kind = \"defectdojo\"\nurl_env = \"T_DD\"\ntoken_env = \"T_DD_KEY\"",
        &["window=date"],
        &[("T_DD", &server.url), ("T_DD_KEY", "k")],
    )
    .await;
    server.assert_done();
    let e = got[0].as_ref().unwrap_err();
    assert!(
        e.contains("defectdojo: bad result: the list announced 5 items but 1 were read"),
        "{e}"
    );
}

#[tokio::test]
async fn github_code_scanning_follows_link_pages_and_counts_alerts_open_at_the_end() {
    let alert = |n: u32, created: &str, fixed: Option<&str>, dismissed: Option<&str>| {
        json!({"number": n, "created_at": created, "updated_at": created, "state": "open",
               "fixed_at": fixed, "dismissed_at": dismissed, "rule": {"severity": "error", "security_severity_level": "critical"}})
    };
    let page1 = json!([
        alert(1, "2026-08-01T10:00:00Z", None, None),
        alert(
            2,
            "2026-08-01T10:00:00Z",
            Some("2026-10-20T10:00:00Z"),
            None
        ),
    ]);
    let page2 = json!([
        alert(
            3,
            "2026-10-15T10:00:00Z",
            Some("2026-11-05T10:00:00Z"),
            None
        ),
        alert(4, "2026-11-02T10:00:00Z", None, None),
        alert(
            5,
            "2026-07-01T10:00:00Z",
            None,
            Some("2026-11-20T00:00:00Z")
        ),
    ]);
    let expect = |page: Option<&str>| {
        let mut q = vec![("severity", "critical"), ("per_page", "100")];
        if let Some(p) = page {
            q.push(("page", p));
        }
        Expect::new("GET", "/repos/acme/shop/code-scanning/alerts")
            .query(&q)
            .header("authorization", "Bearer gh-token")
            .header("accept", "application/vnd.github+json")
            .header("x-github-api-version", "2022-11-28")
    };
    let server = Replay::start(vec![
        expect(None)
            .answer(200, &page1.to_string())
            .answer_header(
                "link",
                "<{base}/repos/acme/shop/code-scanning/alerts?severity=critical&per_page=100&page=2>; rel=\"next\", <{base}/repos/acme/shop/code-scanning/alerts?severity=critical&per_page=100&page=2>; rel=\"last\"",
            ),
        expect(Some("2")).answer(200, &page2.to_string()),
    ]);
    let got = run(
        "kind = \"github_code_scanning\"\nurl_env = \"T_GH\"\ntoken_env = \"T_GH_TOKEN\"\nrepo = \"acme/shop\"",
        &["severity=critical&window=open_at_end"],
        &[("T_GH", &server.url), ("T_GH_TOKEN", "gh-token")],
    )
    .await;
    server.assert_done();
    // open at 2026-11-01T00:00Z: 1 (never closed), 3 (fixed after), 5 (dismissed after)
    assert_eq!(got[0].as_ref().unwrap().value, Some(3.0));
}

#[tokio::test]
async fn github_next_links_to_another_server_are_not_followed() {
    let server = Replay::start(vec![
        Expect::new("GET", "/orgs/acme/code-scanning/alerts")
            .query(&[("per_page", "100")])
            .answer(200, "[]")
            .answer_header(
                "link",
                "<https://elsewhere.example/steal?page=2>; rel=\"next\"",
            ),
    ]);
    let got = run(
        "kind = \"github_code_scanning\"\nurl_env = \"T_GH\"\ntoken_env = \"T_GH_TOKEN\"\norg = \"acme\"",
        &["window=created_at"],
        &[("T_GH", &server.url), ("T_GH_TOKEN", "gh-token")],
    )
    .await;
    server.assert_done();
    let e = got[0].as_ref().unwrap_err();
    assert!(
        e.contains("github_code_scanning: refused: the next page is on another server"),
        "{e}"
    );
}

#[tokio::test]
async fn elasticsearch_esql_and_sql_bind_the_period_as_parameters() {
    let server = Replay::start(vec![
        Expect::new("POST", "/_query")
            .query(&[("format", "json")])
            .header("authorization", "ApiKey es-key")
            .json(json!({
                "query": "FROM logs-* | WHERE @timestamp >= ?start AND @timestamp < ?end | STATS n = COUNT(*)",
                "params": [{"end": END}, {"start": START}],
            }))
            .answer(200, r#"{"took":5,"is_partial":false,"columns":[{"name":"n","type":"long"}],"values":[[12]]}"#),
        Expect::new("POST", "/_sql")
            .query(&[("format", "json")])
            .header("authorization", "ApiKey es-key")
            .json(json!({
                "query": "SELECT COUNT(*) FROM \"logs-*\" WHERE \"@timestamp\" >= CAST(? AS DATETIME) AND \"@timestamp\" < CAST(? AS DATETIME)",
                "params": [START, END],
            }))
            .answer(200, r#"{"columns":[{"name":"COUNT(*)","type":"long"}],"rows":[[5]]}"#),
    ]);
    let got = run(
        "kind = \"elasticsearch\"\nurl_env = \"T_ES\"\napi_key_env = \"T_ES_KEY\"",
        &[
            "POST _query\nFROM logs-* | WHERE @timestamp >= $start AND @timestamp < $end | STATS n = COUNT(*)",
            "POST _sql\nSELECT COUNT(*) FROM \"logs-*\" WHERE \"@timestamp\" >= CAST($start AS DATETIME) AND \"@timestamp\" < CAST($end AS DATETIME)",
        ],
        &[("T_ES", &server.url), ("T_ES_KEY", "es-key")],
    )
    .await;
    server.assert_done();
    assert_eq!(got[0].as_ref().unwrap().value, Some(12.0));
    assert_eq!(got[1].as_ref().unwrap().value, Some(5.0));
}

#[tokio::test]
async fn opensearch_sql_and_ppl_get_timestamp_literals() {
    let jdbc = |v: u32| {
        format!(
            r#"{{"schema":[{{"name":"COUNT(*)","type":"integer"}}],"datarows":[[{v}]],"total":1,"size":1,"status":200}}"#
        )
    };
    let server = Replay::start(vec![
        Expect::new("POST", "/_plugins/_sql")
            .header("authorization", "Basic YWRtaW46YWRtaW4tcHc=")
            .json(json!({"query": "SELECT COUNT(*) FROM wazuh-alerts-* WHERE timestamp >= '2026-09-30 23:00:00' AND timestamp < '2026-11-01 00:00:00' AND rule.level >= 12"}))
            .answer(200, &jdbc(8)),
        Expect::new("POST", "/_plugins/_ppl")
            .header("authorization", "Basic YWRtaW46YWRtaW4tcHc=")
            .json(json!({"query": "source=wazuh-alerts-* | where timestamp >= '2026-09-30 23:00:00' and timestamp < '2026-11-01 00:00:00' | stats count()"}))
            .answer(200, &jdbc(30)),
    ]);
    let got = run(
        "kind = \"opensearch\"\nurl_env = \"T_OS\"\nusername_env = \"T_U\"\npassword_env = \"T_P\"",
        &[
            "POST _plugins/_sql\nSELECT COUNT(*) FROM wazuh-alerts-* WHERE timestamp >= $start AND timestamp < $end AND rule.level >= 12",
            "POST _plugins/_ppl\nsource=wazuh-alerts-* | where timestamp >= $start and timestamp < $end | stats count()",
        ],
        &[("T_OS", &server.url), ("T_U", "admin"), ("T_P", "admin-pw")],
    )
    .await;
    server.assert_done();
    assert_eq!(got[0].as_ref().unwrap().value, Some(8.0));
    assert_eq!(got[1].as_ref().unwrap().value, Some(30.0));
}

#[tokio::test]
async fn partial_answers_refused_credentials_and_missing_settings_fail_clearly() {
    let body = json!({"query": {"range": {"timestamp": {"gte": START, "lt": END}}}});
    let server = Replay::start(vec![
        Expect::new("POST", "/alerts/_count")
            .json(body.clone())
            .answer(200, r#"{"count":12,"_shards":{"total":3,"successful":2,"skipped":0,"failed":1}}"#),
        Expect::new("POST", "/alerts/_count")
            .json(body)
            .answer(401, r#"{"error":{"type":"security_exception","reason":"missing authentication credentials"},"status":401}"#),
    ]);
    let q = "GET alerts/_count\n{\"query\": {\"range\": {\"timestamp\": {\"gte\": \"$start\", \"lt\": \"$end\"}}}}";
    let got = run(
        "kind = \"opensearch\"\nurl_env = \"T_OS\"",
        &[q, q],
        &[("T_OS", &server.url)],
    )
    .await;
    server.assert_done();
    let e = got[0].as_ref().unwrap_err();
    assert!(
        e.contains("M-1/q0: opensearch: bad result: 1 of 3 shards failed, so the count is partial"),
        "{e}"
    );
    let e = got[1].as_ref().unwrap_err();
    assert!(
        e.contains(
            "M-1/q1: opensearch: query failed: the server did not accept the credentials (HTTP 401)"
        ),
        "{e}"
    );

    let got = run(
        "kind = \"opensearch\"\nurl_env = \"CLAUSE9_TEST_NEVER_SET_URL\"",
        &[q],
        &[],
    )
    .await;
    let e = got[0].as_ref().unwrap_err();
    assert_eq!(
        e,
        "M-1/q0: opensearch: environment variable `CLAUSE9_TEST_NEVER_SET_URL` is not set: set it to the opensearch address (https://host:port)"
    );
}

#[tokio::test]
async fn an_unreachable_server_is_a_failure_naming_the_platform() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let got = run(
        "kind = \"loki\"\nurl_env = \"T_LOKI\"",
        &["sum(count_over_time({job=\"x\"}[$range]))"],
        &[("T_LOKI", &format!("http://127.0.0.1:{port}"))],
    )
    .await;
    let e = got[0].as_ref().unwrap_err();
    assert!(
        e.starts_with("M-1/q0: loki: cannot reach the source: http://127.0.0.1:"),
        "{e}"
    );
}
