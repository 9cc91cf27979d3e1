//! Live checks against real platforms, run only when an environment variable
//! names one (otherwise each says it is skipped). They only read: queries
//! whose answer is known without data (`| makeresults`, `ROW`, `print`,
//! `vector`) where the platform has them, and otherwise a count whose value
//! is unknown but must be collected without error.
//!
//! | platform | variables |
//! |---|---|
//! | OpenSearch / Wazuh indexer | `CLAUSE9_LIVE_OPENSEARCH_URL` (+ `…_USERNAME`, `…_PASSWORD`) |
//! | Elasticsearch | `CLAUSE9_LIVE_ELASTICSEARCH_URL`, `CLAUSE9_LIVE_ELASTICSEARCH_API_KEY` |
//! | Splunk | `CLAUSE9_LIVE_SPLUNK_URL` (management port), `CLAUSE9_LIVE_SPLUNK_TOKEN` |
//! | Log Analytics | `CLAUSE9_LIVE_LA_WORKSPACE`, `…_TENANT`, `…_CLIENT_ID`, `…_CLIENT_SECRET` |
//! | Loki | `CLAUSE9_LIVE_LOKI_URL` |
//! | DefectDojo | `CLAUSE9_LIVE_DEFECTDOJO_URL`, `CLAUSE9_LIVE_DEFECTDOJO_TOKEN` |
//! | GitHub code scanning | `CLAUSE9_LIVE_GITHUB_REPO` (OWNER/NAME), `CLAUSE9_LIVE_GITHUB_TOKEN` |

mod common;

use clause9_collect::Collector;

/// Collects M-1/q0 for last month's period, or says the test is skipped.
async fn live(named_by: &str, source: &str, query: &str) -> Option<Option<f64>> {
    if std::env::var(named_by).is_err() {
        eprintln!("skipped: set {named_by} to run this test against a real server");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = common::programme(dir.path(), source, &[query]);
    let c = Collector::new(dir.path(), &p);
    let got = common::collect(&c, &p, "M-1", "q0", "2026-01").await;
    Some(got.unwrap_or_else(|e| panic!("{e}")).value)
}

#[tokio::test]
async fn live_opensearch() {
    let auth = if std::env::var("CLAUSE9_LIVE_OPENSEARCH_USERNAME").is_ok() {
        "\nusername_env = \"CLAUSE9_LIVE_OPENSEARCH_USERNAME\"\npassword_env = \"CLAUSE9_LIVE_OPENSEARCH_PASSWORD\""
    } else {
        ""
    };
    let got = live(
        "CLAUSE9_LIVE_OPENSEARCH_URL",
        &format!("kind = \"opensearch\"\nurl_env = \"CLAUSE9_LIVE_OPENSEARCH_URL\"{auth}"),
        "GET */_count\n{\"query\": {\"range\": {\"@timestamp\": {\"gte\": \"$start\", \"lt\": \"$end\"}}}}",
    )
    .await;
    if let Some(v) = got {
        assert!(v.is_some_and(|n| n >= 0.0));
    }
}

#[tokio::test]
async fn live_elasticsearch_esql() {
    let got = live(
        "CLAUSE9_LIVE_ELASTICSEARCH_URL",
        "kind = \"elasticsearch\"\nurl_env = \"CLAUSE9_LIVE_ELASTICSEARCH_URL\"\napi_key_env = \"CLAUSE9_LIVE_ELASTICSEARCH_API_KEY\"",
        "POST _query\nROW n = 3",
    )
    .await;
    if let Some(v) = got {
        assert_eq!(v, Some(3.0));
    }
}

#[tokio::test]
async fn live_splunk() {
    let got = live(
        "CLAUSE9_LIVE_SPLUNK_URL",
        "kind = \"splunk\"\nurl_env = \"CLAUSE9_LIVE_SPLUNK_URL\"\ntoken_env = \"CLAUSE9_LIVE_SPLUNK_TOKEN\"",
        "| makeresults count=3 | stats count",
    )
    .await;
    if let Some(v) = got {
        assert_eq!(v, Some(3.0));
    }
}

#[tokio::test]
async fn live_log_analytics() {
    let got = live(
        "CLAUSE9_LIVE_LA_WORKSPACE",
        "kind = \"log_analytics\"\nworkspace_env = \"CLAUSE9_LIVE_LA_WORKSPACE\"\ntenant_env = \"CLAUSE9_LIVE_LA_TENANT\"\nclient_id_env = \"CLAUSE9_LIVE_LA_CLIENT_ID\"\nclient_secret_env = \"CLAUSE9_LIVE_LA_CLIENT_SECRET\"",
        "print n = 3",
    )
    .await;
    if let Some(v) = got {
        assert_eq!(v, Some(3.0));
    }
}

#[tokio::test]
async fn live_loki() {
    let got = live(
        "CLAUSE9_LIVE_LOKI_URL",
        "kind = \"loki\"\nurl_env = \"CLAUSE9_LIVE_LOKI_URL\"",
        "vector(3)",
    )
    .await;
    if let Some(v) = got {
        assert_eq!(v, Some(3.0));
    }
}

#[tokio::test]
async fn live_defectdojo() {
    let got = live(
        "CLAUSE9_LIVE_DEFECTDOJO_URL",
        "kind = \"defectdojo\"\nurl_env = \"CLAUSE9_LIVE_DEFECTDOJO_URL\"\ntoken_env = \"CLAUSE9_LIVE_DEFECTDOJO_TOKEN\"",
        "severity=Critical&window=date",
    )
    .await;
    if let Some(v) = got {
        assert!(v.is_some_and(|n| n >= 0.0));
    }
}

#[tokio::test]
async fn live_github_code_scanning() {
    let Ok(repo) = std::env::var("CLAUSE9_LIVE_GITHUB_REPO") else {
        eprintln!(
            "skipped: set CLAUSE9_LIVE_GITHUB_REPO and CLAUSE9_LIVE_GITHUB_TOKEN to run this test"
        );
        return;
    };
    let got = live(
        "CLAUSE9_LIVE_GITHUB_TOKEN",
        &format!("kind = \"github_code_scanning\"\ntoken_env = \"CLAUSE9_LIVE_GITHUB_TOKEN\"\nrepo = \"{repo}\""),
        "window=open_at_end",
    )
    .await;
    if let Some(v) = got {
        assert!(v.is_some_and(|n| n >= 0.0));
    }
}
