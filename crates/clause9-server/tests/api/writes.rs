//! Writing cases: recording values (the same checks as `clause9 record`),
//! corrections, and evidence uploads.

use axum::body::Body;
use axum::http::{Request, header};
use clause9_store::accounts::Role;
use clause9_store::audit_log::AuditQuery;
use serde_json::json;

use crate::env::{Env, Reply};

fn details(reply: &Reply) -> Vec<String> {
    reply.json()["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().to_string())
        .collect()
}

pub(crate) async fn observations_are_recorded_and_checked(env: &Env) {
    let token = env.user("sec", "security_lead", Role::Collector).await;
    let post = |body: serde_json::Value| env.post_json("/api/v1/observations", Some(&token), body);
    let ok = post(json!({"measure": "M-AW-01", "period": "2026-10", "values": {"trained": 466, "headcount": 487},
                         "evidence": "https://lms.example.com/r/10"}))
        .await;
    assert_eq!(ok.status, 201, "{}", ok.text());
    let stored = ok.json()["stored"].as_array().unwrap().clone();
    assert_eq!(stored.len(), 2);
    assert!(
        stored
            .iter()
            .all(|o| o["recorded_by"] == "security_lead" && o["method"] == "manual")
    );

    let refused = post(
        json!({"measure": "M-AW-01", "period": "2026-12", "values": {"trained": -1, "bogus": 3}}),
    )
    .await;
    assert_eq!(
        (refused.status.as_u16(), refused.code().as_str()),
        (422, "invalid")
    );
    assert_eq!(
        details(&refused),
        [
            "2026-12 has not started yet (today is 2026-11-15)",
            "M-AW-01 has no base measure `bogus`; its base measures are headcount, trained",
            "`trained` = -1 is below its minimum 0",
            "`trained` requires evidence: add an evidence file or link",
        ]
    );
    let unknown = post(json!({"measure": "M-AW-0", "period": "2026-10", "values": {"x": 1}})).await;
    assert_eq!(
        details(&unknown),
        ["unknown measure `M-AW-0` (did you mean `M-AW-01`?)"]
    );
    let quarter =
        post(json!({"measure": "M-AW-01", "period": "2026-Q3", "values": {"headcount": 1}})).await;
    assert_eq!(
        details(&quarter),
        ["M-AW-01 is collected monthly: give a monthly period such as 2026-11"]
    );
    let bad_period =
        post(json!({"measure": "M-AW-01", "period": "October", "values": {"headcount": 1}})).await;
    assert_eq!(bad_period.status, 422);
    assert!(
        details(&bad_period)[0].starts_with("period: "),
        "{:?}",
        details(&bad_period)
    );
    let bad_evidence = post(
        json!({"measure": "M-AW-01", "period": "2026-09", "values": {"trained": 1},
                                   "evidence": "http://insecure.example.com"}),
    )
    .await;
    assert_eq!(bad_evidence.status, 422);
    let extra =
        post(json!({"measure": "M-AW-01", "period": "2026-09", "values": {}, "colour": "red"}))
            .await;
    assert_eq!(
        (extra.status.as_u16(), extra.code().as_str()),
        (422, "invalid")
    );
    let not_json = env
        .send(
            Request::post("/api/v1/observations")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{not json"))
                .unwrap(),
        )
        .await;
    assert_eq!(
        (not_json.status.as_u16(), not_json.code().as_str()),
        (422, "invalid")
    );

    // Each stored value has its audit entry, by the collector's person.
    let log = env
        .state
        .store
        .audit_log()
        .entries(&AuditQuery::default())
        .await
        .unwrap();
    let recorded: Vec<_> = log
        .iter()
        .filter(|e| e.kind == "observation.recorded")
        .collect();
    assert_eq!(recorded.len(), 2);
    assert!(recorded.iter().all(|e| e.actor == "security_lead"));
}

pub(crate) async fn corrections_need_a_reason(env: &Env) {
    // a role that may record nothing is refused before its body is read
    let viewer = env.user("vic", "security_lead", Role::Viewer).await;
    let garbled = env
        .post_json("/api/v1/observations", Some(&viewer), json!({"measure": 7}))
        .await;
    assert_eq!(garbled.status, 403);
    let token = env.user("sec", "security_lead", Role::Collector).await;
    let post = |body: serde_json::Value| env.post_json("/api/v1/observations", Some(&token), body);
    let first =
        post(json!({"measure": "M-AW-01", "period": "2026-10", "values": {"headcount": 487}}))
            .await;
    assert_eq!(first.status, 201);
    let id = first.json()["stored"][0]["id"].as_i64().unwrap();
    let same =
        post(json!({"measure": "M-AW-01", "period": "2026-10", "values": {"headcount": 487}}))
            .await;
    assert_eq!(same.status, 200);
    assert_eq!(same.json()["unchanged"], json!(["headcount"]));
    // the same value with other evidence is a correction: it needs a reason
    let other_evidence = post(json!({"measure": "M-AW-01", "period": "2026-10",
        "values": {"headcount": 487}, "evidence": "https://lms.example/export/2"}))
    .await;
    assert_eq!(other_evidence.status, 422);
    assert!(
        details(&other_evidence)[0].ends_with("a correction needs the reason why"),
        "{:?}",
        details(&other_evidence)
    );
    let no_reason =
        post(json!({"measure": "M-AW-01", "period": "2026-10", "values": {"headcount": 490}}))
            .await;
    let [detail] = details(&no_reason).try_into().unwrap();
    assert!(
        detail.starts_with(&format!(
            "reason: M-AW-01 headcount for 2026-10 already has 487 (observation #{id}, recorded by "
        )) && detail.ends_with("a correction needs the reason why"),
        "{detail}"
    );
    let fixed = post(
        json!({"measure": "M-AW-01", "period": "2026-10", "values": {"headcount": 490},
                            "reason": "three starters were missing"}),
    )
    .await;
    assert_eq!(fixed.status, 201, "{}", fixed.text());
    assert_eq!(fixed.json()["stored"][0]["supersedes"], json!(id));
    assert_eq!(
        fixed.json()["stored"][0]["reason"],
        "three starters were missing"
    );
}

fn multipart(token: &str, content_type: &str, bytes: &[u8]) -> Request<Body> {
    let boundary = "c9boundary7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"report\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post("/api/v1/evidence")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

pub(crate) async fn evidence_is_uploaded_checked_and_linked(env: &Env) {
    let token = env.user("sec", "security_lead", Role::Collector).await;
    let viewer = env.user("view", "ceo", Role::Viewer).await;
    let pdf = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
    let up = env.send(multipart(&token, "application/pdf", pdf)).await;
    assert_eq!(up.status, 201, "{}", up.text());
    let sha = up.json()["sha256"].as_str().unwrap().to_string();
    assert_eq!(sha, {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(pdf))
    });
    let kept = env.dir.path().join(".clause9/evidence").join(&sha);
    assert_eq!(std::fs::read(&kept).unwrap(), pdf);

    let linked = env
        .post_json(
            "/api/v1/observations",
            Some(&token),
            json!({"measure": "M-AW-01", "period": "2026-10", "values": {"trained": 400}, "evidence": format!("sha256:{sha}")}),
        )
        .await;
    assert_eq!(linked.status, 201, "{}", linked.text());
    let evidence = &linked.json()["stored"][0]["evidence"];
    assert_eq!(
        (evidence["sha256"].as_str(), evidence["size"].as_u64()),
        (Some(sha.as_str()), Some(pdf.len() as u64))
    );
    let unknown = env
        .post_json(
            "/api/v1/observations",
            Some(&token),
            json!({"measure": "M-AW-01", "period": "2026-09", "values": {"trained": 400}, "evidence": format!("sha256:{}", "0".repeat(64))}),
        )
        .await;
    assert_eq!(unknown.status, 422);

    let disguised = env
        .send(multipart(&token, "image/png", b"not a png at all"))
        .await;
    assert_eq!(
        (disguised.status.as_u16(), disguised.code().as_str()),
        (415, "unsupported_media_type")
    );
    let exe = env
        .send(multipart(&token, "application/x-msdownload", b"MZ"))
        .await;
    assert_eq!(exe.status, 415);
    let big = env
        .send(multipart(&token, "text/plain", &vec![b'a'; 64 * 1024 + 1]))
        .await;
    assert_eq!(
        (big.status.as_u16(), big.code().as_str()),
        (413, "payload_too_large")
    );
    let forbidden = env.send(multipart(&viewer, "application/pdf", pdf)).await;
    assert_eq!(forbidden.status, 403);
}

pub(crate) async fn notification_preferences_are_per_person(env: &Env) {
    let token = env.user("sec", "security_lead", Role::Collector).await;
    let defaults = env
        .get("/api/v1/notifications/preferences", Some(&token))
        .await
        .json();
    assert_eq!(defaults["email"], true);
    assert_eq!(defaults["kinds"].as_array().unwrap().len(), 7);
    let put = |body: serde_json::Value| {
        env.send(
            Request::put("/api/v1/notifications/preferences")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
    };
    let insecure = put(json!({"webhook": "http://hooks.example.com/x"})).await;
    assert_eq!(insecure.status, 422);
    let unknown = put(json!({"kinds": ["gossip"]})).await;
    assert_eq!(unknown.status, 422);
    let ok = put(json!({"kinds": ["collection_overdue"], "email": false, "webhook": "https://hooks.example.com/x"})).await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    let now = env
        .get("/api/v1/notifications/preferences", Some(&token))
        .await
        .json();
    assert_eq!(
        now,
        json!({"kinds": ["collection_overdue"], "email": false, "webhook": "https://hooks.example.com/x"})
    );
    let stored = env
        .state
        .store
        .notifications()
        .preferences("security_lead")
        .await
        .unwrap();
    assert_eq!(stored.unwrap()["email"], false);
}

pub(crate) async fn the_notification_job_runs_in_one_process(env: &Env) {
    let channels = clause9_notify::Channels::new(None);
    // Another process holds the lease: nothing is done here.
    let now = env.state.now();
    let until = now
        .checked_add(jiff::SignedDuration::from_mins(10))
        .unwrap();
    assert!(
        env.state
            .store
            .jobs()
            .try_lease("notify", "other", now, until)
            .await
            .unwrap()
    );
    assert_eq!(
        clause9_server::notifier::run_once(&env.state, &channels, "me")
            .await
            .unwrap(),
        None
    );
    env.state
        .store
        .jobs()
        .release("notify", "other")
        .await
        .unwrap();
    // Without values, October's collections are overdue on 15 November; with
    // no mailer and no webhooks nothing goes out, but each is claimed once.
    let report = clause9_server::notifier::run_once(&env.state, &channels, "me")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((report.emailed, report.posted), (0, 0));
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert!(
        !env.state
            .store
            .notifications()
            .claim("overdue:M-INC-01:incidents_closed:2026-10:it_lead", now)
            .await
            .unwrap()
    );
    let again = clause9_server::notifier::run_once(&env.state, &channels, "me")
        .await
        .unwrap()
        .unwrap();
    // The second run finds every notice already claimed.
    assert_eq!(report.skipped, 0);
    assert!(again.skipped > 0);
    assert_eq!((again.emailed, again.posted), (0, 0));
}
