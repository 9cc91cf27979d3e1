//! Nonconformities, audits and management reviews through the API: each
//! lifecycle end to end, SMART refusals, conflicted auditors, findings that
//! open nonconformities, signed minutes that lock, and the audit log entry of
//! every change.

use clause9_store::accounts::Role;
use serde_json::{Value, json};

use crate::env::{Env, Reply};

/// Adds an independent auditor (`auditor`) to the people, and the auditor
/// register: `auditor` and `it_lead` competent for everything.
pub(crate) fn add_auditors(env: &Env) {
    let dir = env.dir.path();
    let settings = dir.join("clause9.toml");
    let mut text = std::fs::read_to_string(&settings).unwrap();
    text.push_str("\n[people.auditor]\nname = \"Jo Auditor\"\n");
    std::fs::write(&settings, text).unwrap();
    std::fs::create_dir_all(dir.join("registers")).unwrap();
    std::fs::write(
        dir.join("registers/auditors.toml"),
        "[[auditor]]\nperson = \"auditor\"\ncompetence = [\"all\"]\n\n\
         [[auditor]]\nperson = \"it_lead\"\ncompetence = [\"all\"]\n",
    )
    .unwrap();
    assert!(matches!(
        env.state.programme.reload(),
        clause9_server::programme::Reloaded::Changed(_)
    ));
}

fn ok(reply: &Reply, status: u16) -> Value {
    assert_eq!(reply.status.as_u16(), status, "{}", reply.text());
    reply.json()
}

/// The kinds of the audit-log entries about `subject`.
async fn logged(env: &Env, subject: &str) -> Vec<String> {
    let admin = env
        .user(&crate::env::unique("adm"), "ceo", Role::Admin)
        .await;
    let log = ok(
        &env.get("/api/v1/audit-log?limit=1000", Some(&admin)).await,
        200,
    );
    log.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["subject"] == subject)
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

pub(crate) async fn nonconformities_follow_their_lifecycle(env: &Env) {
    let owner = env.user("itl", "it_lead", Role::Owner).await;
    let nc = "/api/v1/nonconformities/NC-0001";
    let raised = ok(
        &env.post_json(
            "/api/v1/nonconformities",
            Some(&owner),
            json!({"source": "incident", "reference": "INC-42", "description": "Backups not tested",
                   "severity": "minor", "area": "it", "controls": ["A.8.13"]}),
        )
        .await,
        201,
    );
    assert_eq!(raised["nonconformity"]["id"], "NC-0001");
    assert_eq!(raised["nonconformity"]["state"], "raised");
    assert_eq!(raised["events"][0]["recorded_by"], "it_lead");
    // bad fields are named
    let bad = env
        .post_json(
            "/api/v1/nonconformities",
            Some(&owner),
            json!({"source": "red_indicator", "description": "x", "severity": "huge", "area": "moon"}),
        )
        .await;
    assert_eq!((bad.status.as_u16(), bad.code().as_str()), (422, "invalid"));
    let details = bad.json()["error"]["details"].to_string();
    assert!(
        details.contains("source `red_indicator`")
            && details.contains("severity `huge`")
            && details.contains("unknown area `moon`"),
        "{details}"
    );

    ok(
        &env.post_json(
            &format!("{nc}/correction"),
            Some(&owner),
            json!({"correction": "tested the backups by hand"}),
        )
        .await,
        200,
    );
    // a step out of order is a conflict with the record's state
    let early = env
        .post_json(
            &format!("{nc}/closure"),
            Some(&owner),
            json!({"why": "done"}),
        )
        .await;
    assert_eq!(
        (early.status.as_u16(), early.code().as_str()),
        (409, "conflict")
    );
    assert!(
        early.text().contains(
            "NC-0001 is corrected: closing is not possible now; next: analyse the root cause"
        ),
        "{}",
        early.text()
    );
    let no_cause = env
        .post_json(
            &format!("{nc}/root-cause"),
            Some(&owner),
            json!({"extent": "all backup jobs"}),
        )
        .await;
    assert_eq!(no_cause.status, 422);
    assert_eq!(
        no_cause.json()["error"]["details"],
        json!(["cause: give the root cause, or the five whys that lead to it"])
    );
    ok(
        &env.post_json(
            &format!("{nc}/root-cause"),
            Some(&owner),
            json!({"whys": ["no test", "no schedule"], "cause": "", "extent": "all backup jobs"}),
        )
        .await,
        200,
    );
    // an action that is not SMART is refused, naming what is missing
    let vague = env
        .post_json(
            &format!("{nc}/actions"),
            Some(&owner),
            json!({"description": "test backups", "due": "2026-11-01"}),
        )
        .await;
    assert_eq!(
        (vague.status.as_u16(), vague.code().as_str()),
        (422, "invalid")
    );
    let body = vague.json();
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("not SMART") && message.contains("an owner"),
        "{message}"
    );
    assert_eq!(
        body["error"]["details"],
        json!([
            "owner: an owner is required",
            "success_criterion: a measurable success criterion is required"
        ])
    );
    let planned = ok(
        &env.post_json(
            &format!("{nc}/actions"),
            Some(&owner),
            json!({"description": "test backups monthly", "owner": "it_lead", "due": "2026-11-01",
                   "success_criterion": "a restore test every month for 3 months"}),
        )
        .await,
        200,
    );
    assert_eq!(planned["nonconformity"]["actions"][0]["id"], "A1");
    // its due date has passed (today is 2026-11-15): overdue everywhere
    assert_eq!(planned["overdue"], true);
    assert_eq!(planned["overdue_work"], json!(["A1 due 2026-11-01"]));
    let overdue = ok(
        &env.get("/api/v1/nonconformities?overdue=true", Some(&owner))
            .await,
        200,
    );
    assert_eq!(overdue["total"], 1);
    assert_eq!(
        overdue["items"][0]["overdue_work"],
        json!(["A1 due 2026-11-01"])
    );
    ok(
        &env.post_json(
            &format!("{nc}/actions/A1/implementation"),
            Some(&owner),
            json!({"note": "scheduled"}),
        )
        .await,
        200,
    );
    ok(
        &env.post_json(
            &format!("{nc}/check"),
            Some(&owner),
            json!({"date": "2026-11-15"}),
        )
        .await,
        200,
    );
    let no_verdict = env
        .post_json(&format!("{nc}/verification"), Some(&owner), json!({}))
        .await;
    assert_eq!(no_verdict.status, 422, "{}", no_verdict.text());
    assert!(
        no_verdict.text().contains("manual"),
        "{}",
        no_verdict.text()
    );
    let verified = ok(
        &env.post_json(
            &format!("{nc}/verification"),
            Some(&owner),
            json!({"effective": true, "evidence": "restore logs for the month"}),
        )
        .await,
        200,
    );
    assert_eq!(verified["nonconformity"]["state"], "verified");
    let closed = ok(
        &env.post_json(
            &format!("{nc}/closure"),
            Some(&owner),
            json!({"why": "effective"}),
        )
        .await,
        200,
    );
    assert_eq!(closed["nonconformity"]["state"], "closed");

    let record = ok(&env.get(nc, Some(&owner)).await, 200);
    let events: Vec<&str> = record["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        [
            "raised",
            "corrected",
            "root_cause_analysed",
            "action_planned",
            "action_implemented",
            "check_planned",
            "verified",
            "closed"
        ]
    );
    assert_eq!(
        record["nonconformity"]["history"].as_array().unwrap().len(),
        8
    );
    // filters and pages
    let open = ok(
        &env.get("/api/v1/nonconformities?state=open", Some(&owner))
            .await,
        200,
    );
    assert_eq!(open["total"], 0);
    let closed = ok(
        &env.get(
            "/api/v1/nonconformities?state=closed&per_page=1",
            Some(&owner),
        )
        .await,
        200,
    );
    assert_eq!(
        (closed["total"].clone(), closed["items"][0]["id"].clone()),
        (json!(1), json!("NC-0001"))
    );
    assert_eq!(
        env.get("/api/v1/nonconformities?state=nope", Some(&owner))
            .await
            .status,
        400
    );
    assert_eq!(
        env.get("/api/v1/nonconformities/NC-0404", Some(&owner))
            .await
            .code(),
        "not_found"
    );
    // every change is in the audit log
    assert_eq!(
        logged(env, "nc/NC-0001").await,
        [
            "workflow.raised",
            "workflow.corrected",
            "workflow.root_cause_analysed",
            "workflow.action_planned",
            "workflow.action_implemented",
            "workflow.check_planned",
            "workflow.verified",
            "workflow.closed"
        ]
    );
}

fn plan(auditors: &[&str]) -> Value {
    json!({"title": "IT operations", "objectives": "check patching", "scope": ["A.8.8@it", "9.1"],
           "criteria": "ISO/IEC 27001:2022", "start": "2026-11-10", "end": "2026-11-30",
           "methods": "interviews, records", "auditors": auditors})
}

pub(crate) async fn audits_need_independent_auditors_and_findings_open_nonconformities(env: &Env) {
    add_auditors(env);
    let auditor = env.user("jo", "auditor", Role::Auditor).await;
    // it_lead owns the area `it` and the measure M-VUL-01 in scope
    let conflicted = env
        .post_json("/api/v1/audits", Some(&auditor), plan(&["it_lead"]))
        .await;
    assert_eq!(
        (conflicted.status.as_u16(), conflicted.code().as_str()),
        (403, "forbidden")
    );
    let details = conflicted.json()["error"]["details"].to_string();
    assert!(
        details.contains("it_lead cannot audit this scope: it_lead owns area `it`")
            && details.contains("owns measure M-VUL-01"),
        "{details}"
    );
    assert_eq!(
        ok(&env.get("/api/v1/audits", Some(&auditor)).await, 200)["total"],
        0
    );
    let created = ok(
        &env.post_json("/api/v1/audits", Some(&auditor), plan(&["auditor"]))
            .await,
        201,
    );
    assert_eq!(created["audit"]["id"], "AUD-0001");
    assert_eq!(created["state"], "open");
    let again = env
        .post_json(
            "/api/v1/audits/AUD-0001/auditors",
            Some(&auditor),
            json!({"person": "it_lead"}),
        )
        .await;
    assert_eq!(again.status, 403, "{}", again.text());
    assert!(
        again.text().contains("it_lead owns area `it`"),
        "{}",
        again.text()
    );
    let bad_scope = env
        .post_json(
            "/api/v1/audits",
            Some(&auditor),
            json!({"title": "x", "objectives": "x", "scope": ["Z.1", "A.8.8@moon"],
            "criteria": "x", "start": "2026-13-01", "end": "2026-11-30", "methods": "x"}),
        )
        .await;
    assert_eq!(bad_scope.status, 422);
    assert_eq!(
        bad_scope.json()["error"]["details"]
            .as_array()
            .unwrap()
            .len(),
        3,
        "{}",
        bad_scope.text()
    );

    let checklist = ok(
        &env.get("/api/v1/audits/AUD-0001/checklist", Some(&auditor))
            .await,
        200,
    );
    assert_eq!(checklist.as_array().unwrap().len(), 3);
    assert_eq!(checklist[0]["requirement"], "A.8.8");
    assert_eq!(checklist[0]["measures"], json!(["M-VUL-01"]));
    let grades = ok(&env.get("/api/v1/audit-grades", Some(&auditor)).await, 200);
    let major = grades
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["nonconformity"] == "major")
        .unwrap();
    let major_id = major["id"].as_str().unwrap();

    let found = ok(
        &env.post_json(
            "/api/v1/audits/AUD-0001/findings",
            Some(&auditor),
            json!({"item": "A.8.8@it", "grade": major_id, "statement": "critical patches 40 days late",
                   "evidence": "patch report of October"}),
        )
        .await,
        201,
    );
    assert_eq!(
        (found["finding"].clone(), found["nonconformity"].clone()),
        (json!("F1"), json!("NC-0001"))
    );
    let nc = ok(
        &env.get("/api/v1/nonconformities/NC-0001", Some(&auditor))
            .await,
        200,
    );
    assert_eq!(
        nc["nonconformity"]["source"],
        json!({"kind": "audit_finding", "audit": "AUD-0001", "finding": "F1"})
    );
    assert_eq!(nc["nonconformity"]["severity"], "major");
    // a finding outside the scope, or without evidence, is refused
    let outside = env
        .post_json(
            "/api/v1/audits/AUD-0001/findings",
            Some(&auditor),
            json!({"item": "A.5.1", "grade": major_id, "statement": "x", "evidence": "y"}),
        )
        .await;
    assert_eq!(outside.status, 422);
    assert!(
        outside.text().contains("not in the scope of AUD-0001"),
        "{}",
        outside.text()
    );

    let done = ok(
        &env.post_json(
            "/api/v1/audits/AUD-0001/completion",
            Some(&auditor),
            json!({"summary": "one major finding"}),
        )
        .await,
        200,
    );
    assert_eq!(done["state"], "completed");
    let late = env
        .post_json(
            "/api/v1/audits/AUD-0001/findings",
            Some(&auditor),
            json!({"item": "9.1", "grade": major_id, "statement": "x", "evidence": "y"}),
        )
        .await;
    assert_eq!(
        (late.status.as_u16(), late.code().as_str()),
        (409, "locked")
    );
    let record = ok(
        &env.get("/api/v1/audits/AUD-0001", Some(&auditor)).await,
        200,
    );
    assert_eq!(record["events"].as_array().unwrap().len(), 4);
    assert_eq!(
        logged(env, "audit/AUD-0001").await,
        [
            "workflow.planned",
            "workflow.auditor_assigned",
            "workflow.finding_recorded",
            "workflow.completed"
        ]
    );
    assert_eq!(logged(env, "nc/NC-0001").await, ["workflow.raised"]);
    let completed = ok(
        &env.get("/api/v1/audits?state=completed", Some(&auditor))
            .await,
        200,
    );
    assert_eq!(completed["total"], 1);

    // the risk-based programme: the open nonconformity brings A.8.8 in `it` forward
    let programme = ok(
        &env.get(
            "/api/v1/audit-programme?start=2026-12&months=12",
            Some(&auditor),
        )
        .await,
        200,
    );
    assert_eq!(
        (programme["start"].clone(), programme["months"].clone()),
        (json!("2026-12"), json!(12))
    );
    let placed: Vec<&Value> = programme["slots"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["items"].as_array().unwrap())
        .filter(|i| i["item"] == json!({"requirement": "A.8.8", "area": "it"}))
        .collect();
    assert!(!placed.is_empty(), "{programme}");
    assert!(
        placed[0]["reason"]
            .as_str()
            .unwrap()
            .contains("open nonconformity NC-0001"),
        "{}",
        placed[0]
    );
    assert_eq!(
        env.get("/api/v1/audit-programme?start=2026-Q4", Some(&auditor))
            .await
            .status,
        422
    );
}

pub(crate) async fn reviews_are_minuted_signed_and_locked(env: &Env) {
    let chair = env.user("robin", "ceo", Role::Reviewer).await;
    let other = env.user("alex", "security_lead", Role::Reviewer).await;
    let owner = env.user("sam", "it_lead", Role::Owner).await;
    let opened = ok(
        &env.post_json(
            "/api/v1/reviews",
            Some(&other),
            json!({"title": "Autumn review", "date": "2026-11-14", "chair": "ceo"}),
        )
        .await,
        201,
    );
    assert_eq!(opened["review"]["id"], "MR-0001");
    assert_eq!(opened["state"], "draft");
    let mr = "/api/v1/reviews/MR-0001";
    for person in ["ceo", "security_lead"] {
        ok(
            &env.post_json(
                &format!("{mr}/attendees"),
                Some(&other),
                json!({"person": person}),
            )
            .await,
            200,
        );
    }
    ok(
        &env.post_json(
            &format!("{mr}/discussion"),
            Some(&other),
            json!({"input": "d2", "text": "phishing clicks fell"}),
        )
        .await,
        200,
    );
    let unknown = env
        .post_json(
            &format!("{mr}/discussion"),
            Some(&other),
            json!({"input": "z", "text": "?"}),
        )
        .await;
    assert_eq!(unknown.status, 422);
    assert!(
        unknown.text().contains("unknown input `z`"),
        "{}",
        unknown.text()
    );
    ok(
        &env.post_json(
            &format!("{mr}/decisions"),
            Some(&other),
            json!({"kind": "resource", "text": "hire a tester"}),
        )
        .await,
        200,
    );
    let action = ok(
        &env.post_json(
            &format!("{mr}/actions"),
            Some(&other),
            json!({"description": "test restores", "owner": "it_lead", "due": "2026-11-20"}),
        )
        .await,
        200,
    );
    assert_eq!(action["open_actions"], json!(["RA1"]));

    let pack = ok(
        &env.get("/api/v1/review-pack?date=2026-11-15", Some(&owner))
            .await,
        200,
    );
    let titles: Vec<&str> = pack["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    for key in [
        "(a)", "(b)", "(c)", "(d1)", "(d2)", "(d3)", "(d4)", "(e)", "(f)", "(g)",
    ] {
        assert!(
            titles.iter().any(|t| t.starts_with(key)),
            "{key} in {titles:?}"
        );
    }
    assert_eq!(
        env.get("/api/v1/review-pack?date=tomorrow", Some(&owner))
            .await
            .status,
        422
    );

    // only the chair signs
    let not_chair = env
        .post_json(&format!("{mr}/signature"), Some(&other), json!({}))
        .await;
    assert_eq!(not_chair.status, 403, "{}", not_chair.text());
    assert!(
        not_chair.text().contains("only the chair (ceo)"),
        "{}",
        not_chair.text()
    );
    let signed = ok(
        &env.post_json(&format!("{mr}/signature"), Some(&chair), json!({}))
            .await,
        200,
    );
    assert_eq!(signed["state"], "signed");
    // signed minutes are locked
    for (path, body) in [
        ("attendees", json!({"person": "it_lead"})),
        ("discussion", json!({"input": "a", "text": "late note"})),
        ("decisions", json!({"kind": "change", "text": "late"})),
        (
            "actions",
            json!({"description": "x", "owner": "ceo", "due": "2026-12-01"}),
        ),
        ("signature", json!({})),
    ] {
        let reply = env
            .post_json(&format!("{mr}/{path}"), Some(&chair), body)
            .await;
        assert_eq!(
            (reply.status.as_u16(), reply.code().as_str()),
            (409, "locked"),
            "{path}: {}",
            reply.text()
        );
        assert!(reply.text().contains("locked"), "{}", reply.text());
    }
    // the follow-up of an action item is still recorded, by its owner
    assert_eq!(
        env.post_json(
            &format!("{mr}/actions/RA1/done"),
            Some(&env.user("hr", "security_lead", Role::Owner).await),
            json!({"note": "done"})
        )
        .await
        .status,
        403
    );
    let done = ok(
        &env.post_json(
            &format!("{mr}/actions/RA1/done"),
            Some(&owner),
            json!({"note": "restores tested"}),
        )
        .await,
        200,
    );
    assert_eq!(done["open_actions"], json!([]));
    let list = ok(&env.get("/api/v1/reviews", Some(&owner)).await, 200);
    assert_eq!(
        (list["total"].clone(), list["items"][0]["state"].clone()),
        (json!(1), json!("signed"))
    );
    let record = ok(&env.get(mr, Some(&owner)).await, 200);
    assert_eq!(record["events"].as_array().unwrap().len(), 8);
    assert_eq!(logged(env, "review/MR-0001").await.len(), 8);
}

pub(crate) async fn the_notification_job_tells_owners_of_overdue_corrective_actions(env: &Env) {
    let owner = env.user("itl", "it_lead", Role::Owner).await;
    let nc = "/api/v1/nonconformities/NC-0001";
    ok(
        &env.post_json(
            "/api/v1/nonconformities",
            Some(&owner),
            json!({"source": "other", "description": "restores untested", "severity": "minor"}),
        )
        .await,
        201,
    );
    for (path, body) in [
        ("correction", json!({"correction": "c"})),
        (
            "root-cause",
            json!({"cause": "no schedule", "extent": "none"}),
        ),
        (
            "actions",
            json!({"description": "schedule tests", "owner": "it_lead", "due": "2026-11-01",
                   "success_criterion": "monthly restore tests"}),
        ),
    ] {
        ok(
            &env.post_json(&format!("{nc}/{path}"), Some(&owner), body)
                .await,
            200,
        );
    }
    // it_lead takes only corrective-action notices, by webhook to a listener on loopback
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Value>();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |axum::Json(body): axum::Json<Value>| {
            let tx = tx.clone();
            async move {
                tx.send(body).unwrap();
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let put = env
        .send(
            axum::http::Request::put("/api/v1/notifications/preferences")
                .header(axum::http::header::AUTHORIZATION, format!("Bearer {owner}"))
                .header(axum::http::header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from(
                    json!({"kinds": ["corrective_action_overdue"], "email": false, "webhook": hook})
                        .to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.text());
    let channels = clause9_notify::Channels::new(None);
    let report = clause9_server::notifier::run_once(&env.state, &channels, "me")
        .await
        .unwrap()
        .unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.posted, 1);
    let posted = rx.recv().await.unwrap();
    assert_eq!(
        (posted["kind"].as_str(), posted["key"].as_str()),
        (
            Some("corrective_action_overdue"),
            Some("action-overdue:NC-0001:A1:it_lead")
        )
    );
    // once
    let again = clause9_server::notifier::run_once(&env.state, &channels, "me")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.posted, 0);
}
