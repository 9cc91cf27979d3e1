//! Access rules of the nonconformity, audit and review resources: no
//! credentials → 401; a role without the right → 403 (and nothing stored);
//! an auditor who is not independent of an audit, or not assigned to it,
//! may not record its findings; only the chair signs; signed minutes are
//! locked (409, in `workflow.rs`).

use clause9_store::accounts::Role;
use serde_json::json;

use crate::env::Env;
use crate::workflow::add_auditors;

const READS: &[&str] = &[
    "/api/v1/nonconformities",
    "/api/v1/nonconformities/NC-0001",
    "/api/v1/audits",
    "/api/v1/audits/AUD-0001",
    "/api/v1/audits/AUD-0001/checklist",
    "/api/v1/audit-grades",
    "/api/v1/audit-programme",
    "/api/v1/reviews",
    "/api/v1/reviews/MR-0001",
    "/api/v1/review-pack",
];

const WRITES: &[&str] = &[
    "/api/v1/nonconformities",
    "/api/v1/nonconformities/NC-0001/correction",
    "/api/v1/nonconformities/NC-0001/root-cause",
    "/api/v1/nonconformities/NC-0001/actions",
    "/api/v1/nonconformities/NC-0001/actions/A1/implementation",
    "/api/v1/nonconformities/NC-0001/check",
    "/api/v1/nonconformities/NC-0001/verification",
    "/api/v1/nonconformities/NC-0001/closure",
    "/api/v1/audits",
    "/api/v1/audits/AUD-0001/auditors",
    "/api/v1/audits/AUD-0001/findings",
    "/api/v1/audits/AUD-0001/completion",
    "/api/v1/reviews",
    "/api/v1/reviews/MR-0001/attendees",
    "/api/v1/reviews/MR-0001/discussion",
    "/api/v1/reviews/MR-0001/decisions",
    "/api/v1/reviews/MR-0001/actions",
    "/api/v1/reviews/MR-0001/actions/RA1/done",
    "/api/v1/reviews/MR-0001/signature",
];

pub(crate) async fn workflow_resources_need_credentials(env: &Env) {
    for path in READS {
        let reply = env.get(path, None).await;
        assert_eq!(
            (reply.status.as_u16(), reply.code()),
            (401, "unauthenticated".into()),
            "{path}"
        );
        assert_eq!(
            env.get(path, Some("c9t_forged")).await.status,
            401,
            "{path}"
        );
    }
    for path in WRITES {
        let reply = env.post_json(path, None, json!({})).await;
        assert_eq!(reply.status, 401, "{path}");
    }
    assert!(
        env.state
            .store
            .workflow()
            .events("")
            .await
            .unwrap()
            .is_empty()
    );
}

/// A record of each kind, made by the roles that may.
async fn records(env: &Env) {
    let owner = env.user("own", "it_lead", Role::Owner).await;
    let auditor = env.user("aud", "auditor", Role::Auditor).await;
    let reviewer = env.user("rev", "ceo", Role::Reviewer).await;
    let raised = env
        .post_json(
            "/api/v1/nonconformities",
            Some(&owner),
            json!({"source": "other", "description": "x", "severity": "minor"}),
        )
        .await;
    assert_eq!(raised.status, 201, "{}", raised.text());
    let audit = env
        .post_json("/api/v1/audits", Some(&auditor),
            json!({"title": "t", "objectives": "o", "scope": ["A.8.8@it"], "criteria": "c",
                   "start": "2026-11-01", "end": "2026-11-30", "methods": "m", "auditors": ["auditor"]}))
        .await;
    assert_eq!(audit.status, 201, "{}", audit.text());
    let review = env
        .post_json(
            "/api/v1/reviews",
            Some(&reviewer),
            json!({"title": "t", "date": "2026-11-14", "chair": "ceo"}),
        )
        .await;
    assert_eq!(review.status, 201, "{}", review.text());
}

pub(crate) async fn workflow_writes_need_the_right_role(env: &Env) {
    add_auditors(env);
    records(env).await;
    let before = env.state.store.workflow().events("").await.unwrap().len();
    let viewer = env.user("vi", "ceo", Role::Viewer).await;
    let collector = env.user("co", "it_lead", Role::Collector).await;
    let analyst = env.user("an", "security_lead", Role::Analyst).await;
    // viewers, collectors and analysts read everything and write nothing
    for token in [&viewer, &collector, &analyst] {
        for path in READS {
            assert_eq!(env.get(path, Some(token)).await.status, 200, "{path}");
        }
        for path in WRITES {
            let reply = env
                .post_json(path, Some(token), json!({"why": "try"}))
                .await;
            assert_eq!(
                (reply.status.as_u16(), reply.code().as_str()),
                (403, "forbidden"),
                "{path}: {}",
                reply.text()
            );
        }
    }
    // auditors and reviewers raise, but do not take a nonconformity through its lifecycle
    let auditor = env.user("aud2", "auditor", Role::Auditor).await;
    let reviewer = env.user("rev2", "security_lead", Role::Reviewer).await;
    for token in [&auditor, &reviewer] {
        let reply = env
            .post_json(
                "/api/v1/nonconformities/NC-0001/correction",
                Some(token),
                json!({"correction": "x"}),
            )
            .await;
        assert_eq!(reply.status, 403, "{}", reply.text());
        assert!(
            reply.text().contains("it needs the role admin, owner"),
            "{}",
            reply.text()
        );
    }
    // owners do not plan audits nor minute reviews; auditors do not minute reviews
    let owner = env.user("own2", "security_lead", Role::Owner).await;
    let reply = env
        .post_json(
            "/api/v1/audits/AUD-0001/completion",
            Some(&owner),
            json!({"summary": "x"}),
        )
        .await;
    assert_eq!(reply.status, 403, "{}", reply.text());
    let reply = env
        .post_json(
            "/api/v1/reviews/MR-0001/attendees",
            Some(&auditor),
            json!({"person": "ceo"}),
        )
        .await;
    assert_eq!(reply.status, 403, "{}", reply.text());
    // reviewers do not record audit findings
    let reply = env
        .post_json(
            "/api/v1/audits/AUD-0001/findings",
            Some(&reviewer),
            json!({"item": "A.8.8@it", "grade": "observation", "statement": "s", "evidence": "e"}),
        )
        .await;
    assert_eq!(reply.status, 403, "{}", reply.text());
    assert_eq!(
        env.state.store.workflow().events("").await.unwrap().len(),
        before
    );
}

pub(crate) async fn only_independent_assigned_auditors_record_findings(env: &Env) {
    add_auditors(env);
    records(env).await;
    let before = env.state.store.workflow().events("").await.unwrap().len();
    let finding =
        json!({"item": "A.8.8@it", "grade": "observation", "statement": "s", "evidence": "e"});
    // an auditor who owns the area in scope: not independent
    let it = env.user("itaud", "it_lead", Role::Auditor).await;
    let reply = env
        .post_json(
            "/api/v1/audits/AUD-0001/findings",
            Some(&it),
            finding.clone(),
        )
        .await;
    assert_eq!(
        (reply.status.as_u16(), reply.code().as_str()),
        (403, "forbidden"),
        "{}",
        reply.text()
    );
    // an admin is no more independent
    let admin = env.user("itadm", "it_lead", Role::Admin).await;
    let reply = env
        .post_json(
            "/api/v1/audits/AUD-0001/findings",
            Some(&admin),
            finding.clone(),
        )
        .await;
    assert_eq!(reply.status, 403, "{}", reply.text());
    let details = reply.json()["error"]["details"].to_string();
    assert!(
        details.contains("it_lead may not record findings of AUD-0001: it_lead owns area `it`"),
        "{details}"
    );
    // an independent auditor not assigned to the audit
    let other = env.user("ceoaud", "ceo", Role::Auditor).await;
    let reply = env
        .post_json(
            "/api/v1/audits/AUD-0001/findings",
            Some(&other),
            finding.clone(),
        )
        .await;
    assert_eq!(reply.status, 403, "{}", reply.text());
    assert!(
        reply.text().contains("ceo is not an auditor of AUD-0001"),
        "{}",
        reply.text()
    );
    assert_eq!(
        env.state.store.workflow().events("").await.unwrap().len(),
        before
    );
    // the assigned, independent auditor may
    let jo = env.user("jo", "auditor", Role::Auditor).await;
    let reply = env
        .post_json("/api/v1/audits/AUD-0001/findings", Some(&jo), finding)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert_eq!(reply.json()["nonconformity"], serde_json::Value::Null);
}
