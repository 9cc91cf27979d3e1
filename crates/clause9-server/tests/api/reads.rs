//! Reading cases: health, security headers, measures, evaluations, metrics.

use clause9_core::period::Period;
use clause9_store::accounts::Role;
use serde_json::json;

use crate::env::Env;

/// Stores a value of M-AW-01 for 2026-10 through the API, as the collector.
pub(crate) async fn record_october(env: &Env, token: &str) {
    let reply = env
        .post_json(
            "/api/v1/observations",
            Some(token),
            json!({"measure": "M-AW-01", "period": "2026-10", "values": {"trained": 466, "headcount": 487},
                   "evidence": "https://lms.example.com/reports/2026-10"}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
}

fn assert_security_headers(reply: &crate::env::Reply) {
    let h = |name: &str| {
        reply
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    let csp = h("content-security-policy").expect("a CSP on every response");
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert_eq!(h("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(h("referrer-policy").as_deref(), Some("no-referrer"));
}

pub(crate) async fn health_and_security_headers_everywhere(env: &Env) {
    let health = env.get("/healthz", None).await;
    assert_eq!(
        (health.status.as_u16(), health.text().as_str()),
        (200, "ok")
    );
    assert_security_headers(&health);
    let ready = env.get("/readyz", None).await;
    assert_eq!(ready.status, 200, "{}", ready.text());
    let missing = env.get("/api/v1/nothing-here", None).await;
    assert_eq!(
        (missing.status.as_u16(), missing.code().as_str()),
        (404, "not_found")
    );
    assert_security_headers(&missing);
    let unauthenticated = env.get("/api/v1/measures", None).await;
    assert_eq!(unauthenticated.status, 401);
    assert_security_headers(&unauthenticated);
    let body = unauthenticated.json();
    assert_eq!(body["error"]["code"], "unauthenticated");
    assert!(body["error"]["details"].is_array());
    let openapi = env.get("/api/v1/openapi.json", None).await;
    assert_eq!(openapi.status, 200);
    assert_security_headers(&openapi);
}

pub(crate) async fn measures_are_listed_in_pages_with_details_and_history(env: &Env) {
    let token = env.user("sec", "security_lead", Role::Collector).await;
    let page = env
        .get("/api/v1/measures?page=2&per_page=2", Some(&token))
        .await
        .json();
    let ids: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["M-MFA-01", "M-PHI-01"]);
    assert_eq!(
        (page["total"].as_u64(), page["page"].as_u64()),
        (Some(5), Some(2))
    );
    let bad = env.get("/api/v1/measures?per_page=0", Some(&token)).await;
    assert_eq!(bad.status, 400);

    record_october(env, &token).await;
    let detail = env
        .get("/api/v1/measures/M-AW-01", Some(&token))
        .await
        .json();
    assert_eq!(detail["collector"], "security_lead");
    assert_eq!(detail["indicator"]["measure"], "completion_rate");
    assert_eq!(detail["derived"][0]["formula"], "100 * trained / headcount");
    let history = detail["history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["recorded_by"], "security_lead");
    assert_eq!(
        history[0]["evidence"]["url"],
        "https://lms.example.com/reports/2026-10"
    );
    assert_eq!(
        history[0]["provenance"],
        json!({"via": "api", "user": "sec"})
    );
    let missing = env.get("/api/v1/measures/M-NOPE", Some(&token)).await;
    assert_eq!(
        (missing.status.as_u16(), missing.code().as_str()),
        (404, "not_found")
    );
}

pub(crate) async fn evaluations_match_the_engine(env: &Env) {
    let token = env.user("sec", "security_lead", Role::Collector).await;
    record_october(env, &token).await;
    let reply = env
        .get("/api/v1/evaluations?period=2026-10", Some(&token))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let programme = env.state.programme.current().unwrap();
    let period: Period = "2026-10".parse().unwrap();
    // the same as `clause9 evaluate --format json`: the evaluation with each
    // measure's analysis over its whole history
    let mut history = Vec::new();
    for m in &programme.measures {
        history.extend(env.state.store.history(&m.id).await.unwrap());
    }
    let current: Vec<_> = history.iter().filter(|o| o.is_current()).cloned().collect();
    let mut expected = clause9_core::engine::evaluate(&programme, &current, period);
    let today = env
        .state
        .now()
        .to_zoned(programme.settings.timezone.clone())
        .date();
    clause9_core::analysis::analyse_evaluation(&programme, &mut expected, &history, today);
    assert!(serde_json::to_value(&expected).unwrap()["measures"][0]["analysis"].is_object());
    assert_eq!(reply.json(), serde_json::to_value(&expected).unwrap());
    let m = &reply.json()["measures"][0];
    assert_eq!(
        (m["id"].as_str(), m["base"]["trained"].as_i64()),
        (Some("M-AW-01"), Some(466))
    );
    // Without a period: the current month of the (fixed) clock.
    let current = env.get("/api/v1/evaluations", Some(&token)).await.json();
    assert_eq!(current["period"], "2026-11");
    let bad = env
        .get("/api/v1/evaluations?period=2026-13", Some(&token))
        .await;
    assert_eq!(
        (bad.status.as_u16(), bad.code().as_str()),
        (400, "bad_request")
    );
}

pub(crate) async fn metrics_list_indicators_and_requests(env: &Env) {
    let token = env.user("sec", "security_lead", Role::Collector).await;
    let reply = env
        .post_json(
            "/api/v1/observations",
            Some(&token),
            json!({"measure": "M-AW-01", "period": "2026-11", "values": {"trained": 300, "headcount": 487},
                   "evidence": "https://lms.example.com/reports/2026-11"}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    env.get("/api/v1/measures", Some(&token)).await;
    assert_eq!(env.get("/metrics", None).await.status, 401);
    let metrics = env.get("/metrics", Some(&token)).await;
    assert_eq!(metrics.status, 200);
    let text = metrics.text();
    let value = 100.0 * 300.0 / 487.0;
    assert!(
        text.contains(&format!(
            "clause9_indicator_value{{measure=\"M-AW-01\",kind=\"performance\",objective=\"OBJ-1\"}} {value}\n"
        )),
        "{text}"
    );
    assert!(text.contains("clause9_indicator_status{measure=\"M-AW-01\",kind=\"performance\",objective=\"OBJ-1\"} 2\n"), "{text}");
    assert!(text.contains("clause9_indicator_status{measure=\"M-INC-01\",kind=\"effectiveness\",objective=\"OBJ-2\"} 3\n"), "{text}");
    assert!(
        !text.contains("clause9_indicator_value{measure=\"M-INC-01\""),
        "no value without data"
    );
    assert!(text.contains("clause9_http_requests_total{method=\"GET\",route=\"/api/v1/measures\",status=\"200\"} 1\n"), "{text}");
    assert!(text.contains("clause9_http_request_duration_seconds_count{method=\"POST\",route=\"/api/v1/observations\"} 1\n"), "{text}");
    promtool_check(&text);
}

/// `promtool check metrics` must accept the text (Debian's prometheus package).
fn promtool_check(text: &str) {
    use std::io::Write as _;
    let mut child = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("promtool runs: install Debian's prometheus package (scripts/test does)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool refused the metrics:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub(crate) async fn calendar_lists_the_callers_due_dates(env: &Env) {
    let it = env.user("it", "it_lead", Role::Collector).await;
    let bad = env.get("/calendar/c9t_nope.ics", None).await;
    assert_eq!(bad.status, 401);
    let reply = env.get(&format!("/calendar/{it}.ics"), None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.headers["content-type"],
        "text/calendar; charset=utf-8"
    );
    let text = reply.text();
    assert!(
        text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
        "{text}"
    );
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    // it_lead collects M-INC-01, M-MFA-01 and M-VUL-01 (monthly): 3 past + current + 12 ahead each.
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 3 * 16, "{text}");
    assert!(!text.contains("M-AW-01"), "not their measure");
    // October's values are due 10 days after the month ends (the starter's due_days).
    assert!(text.contains("UID:M-INC-01-2026-10@clause9\r\n"), "{text}");
    let october = text.split("UID:M-INC-01-2026-10@clause9").nth(1).unwrap();
    assert!(
        october.contains("SUMMARY:M-INC-01 values due for 2026-10\r\n"),
        "{october}"
    );
    assert!(
        october.contains("DTSTART;VALUE=DATE:20261111\r\n"),
        "{october}"
    );
    assert!(text.lines().all(|l| l.len() <= 75), "lines are folded");
}
