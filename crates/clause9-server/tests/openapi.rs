//! The OpenAPI document: a valid OpenAPI 3 document, every route of the
//! router described, every described path served, every reference resolved.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Method, Request};
use tower::ServiceExt as _;

#[path = "api/env.rs"]
#[allow(dead_code)]
mod env;

/// Every route the router serves, as (method, path template).
const ROUTES: &[(&str, &str)] = &[
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("get", "/calendar/{file}"),
    ("get", "/api/v1/programme"),
    ("get", "/api/v1/measures"),
    ("get", "/api/v1/measures/{id}"),
    ("get", "/api/v1/evaluations"),
    ("post", "/api/v1/observations"),
    ("post", "/api/v1/evidence"),
    ("post", "/api/v1/session"),
    ("get", "/api/v1/session"),
    ("delete", "/api/v1/session"),
    ("get", "/api/v1/users"),
    ("post", "/api/v1/users"),
    ("get", "/api/v1/audit-log"),
    ("get", "/api/v1/audit-log/verify"),
    ("get", "/api/v1/notifications/preferences"),
    ("put", "/api/v1/notifications/preferences"),
    ("get", "/api/v1/nonconformities"),
    ("post", "/api/v1/nonconformities"),
    ("get", "/api/v1/nonconformities/{id}"),
    ("post", "/api/v1/nonconformities/{id}/correction"),
    ("post", "/api/v1/nonconformities/{id}/root-cause"),
    ("post", "/api/v1/nonconformities/{id}/actions"),
    (
        "post",
        "/api/v1/nonconformities/{id}/actions/{action}/implementation",
    ),
    ("post", "/api/v1/nonconformities/{id}/check"),
    ("post", "/api/v1/nonconformities/{id}/verification"),
    ("post", "/api/v1/nonconformities/{id}/closure"),
    ("get", "/api/v1/audits"),
    ("post", "/api/v1/audits"),
    ("get", "/api/v1/audits/{id}"),
    ("post", "/api/v1/audits/{id}/auditors"),
    ("get", "/api/v1/audits/{id}/checklist"),
    ("post", "/api/v1/audits/{id}/findings"),
    ("post", "/api/v1/audits/{id}/completion"),
    ("get", "/api/v1/audit-grades"),
    ("get", "/api/v1/audit-programme"),
    ("get", "/api/v1/reviews"),
    ("post", "/api/v1/reviews"),
    ("get", "/api/v1/review-pack"),
    ("get", "/api/v1/reviews/{id}"),
    ("post", "/api/v1/reviews/{id}/attendees"),
    ("post", "/api/v1/reviews/{id}/discussion"),
    ("post", "/api/v1/reviews/{id}/decisions"),
    ("post", "/api/v1/reviews/{id}/actions"),
    ("post", "/api/v1/reviews/{id}/actions/{action}/done"),
    ("post", "/api/v1/reviews/{id}/signature"),
];

fn collect_refs(value: &serde_json::Value, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    out.insert(v.as_str().unwrap().to_string());
                } else {
                    collect_refs(v, out);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_document_describes_every_route_and_is_valid() {
    let env = env::Env::sqlite().await;
    let reply = env.get("/api/v1/openapi.json", None).await;
    assert_eq!(reply.status, 200);
    let doc = reply.json();
    // Structurally a valid OpenAPI 3 document.
    let parsed = oas3::from_json(reply.text()).expect("a valid OpenAPI 3.1 document");
    assert!(parsed.openapi.starts_with("3.1"), "{}", parsed.openapi);
    // Every schema in components parses as a JSON Schema object.
    let components = parsed.components.expect("components");
    assert!(
        components.schemas.len() >= 20,
        "{}",
        components.schemas.len()
    );

    let mut described = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "delete", "patch"] {
            if let Some(op) = item.get(method) {
                described.insert((method.to_string(), path.clone()));
                assert!(
                    op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                    "{method} {path}"
                );
            }
        }
    }
    let routes: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(
        described, routes,
        "the document and the router list the same routes"
    );

    // Every described route is served (not the 404 fallback, not 405).
    for (method, path) in &described {
        let uri = path
            .replace("{id}", "M-AW-01")
            .replace("{action}", "A1")
            .replace("{file}", "x.ics");
        let request = Request::builder()
            .method(Method::from_bytes(method.to_uppercase().as_bytes()).unwrap())
            .uri(&uri)
            .body(Body::empty())
            .unwrap();
        let response = env.app.clone().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let fallback = String::from_utf8_lossy(&body).contains("no such endpoint");
        assert!(status != 405 && !fallback, "{method} {path}: {status}");
    }

    // Every reference points at a schema that exists.
    let mut refs = BTreeSet::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for r in &refs {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected ref {r}"));
        assert!(schemas.contains_key(name), "unresolved reference {r}");
    }
    for name in [
        "ErrorBody",
        "EvaluationDoc",
        "NewValues",
        "Recorded",
        "MeasureDetail",
        "Uploaded",
    ] {
        assert!(schemas.contains_key(name), "{name}");
    }
    env.finish().await;
}

/// Real responses have the shape the document gives them (required fields present).
#[tokio::test]
async fn the_evaluation_schema_matches_a_real_response() {
    let env = env::Env::sqlite().await;
    let token = env
        .user(
            "sec",
            "security_lead",
            clause9_store::accounts::Role::Collector,
        )
        .await;
    let doc = env.get("/api/v1/openapi.json", None).await.json();
    let body = env
        .get("/api/v1/evaluations?period=2026-10", Some(&token))
        .await
        .json();
    let schemas = &doc["components"]["schemas"];
    let check = |schema: &serde_json::Value, value: &serde_json::Value, name: &str| {
        for field in schema["required"].as_array().unwrap() {
            let field = field.as_str().unwrap();
            assert!(
                value.get(field).is_some(),
                "{name}.{field} missing in {value}"
            );
        }
        let documented: BTreeSet<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        let actual: BTreeSet<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(documented, actual, "{name}");
    };
    check(&schemas["EvaluationDoc"], &body, "EvaluationDoc");
    check(
        &schemas["MeasureEvaluationDoc"],
        &body["measures"][0],
        "MeasureEvaluationDoc",
    );
    env.finish().await;
}
