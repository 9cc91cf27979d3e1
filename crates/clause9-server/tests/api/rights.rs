//! Every role × every kind of action, through the REST API and through the
//! web pages: both doors give the same answer (refused with 403, or not),
//! and it is the access policy's (`clause9_core::access`). A second pass
//! gives the rules about persons the same treatment: the collector of a
//! measure, the owner of an action, an auditor assigned to an audit, the
//! chair of a review. Requests are otherwise well formed, so an allowed one
//! either succeeds or meets a rule of the record (409, 422), never 403.

use axum::body::Body;
use axum::http::{Method, Request, header};
use clause9_core::access::{ActionKind, Role};
use serde_json::{Value, json};

use crate::env::{Env, Reply};
use crate::records::{csrf, post_form};
use crate::web::{multipart, page, sign_in};
use crate::workflow::add_auditors;

/// One way in through each door.
struct Case {
    kind: ActionKind,
    api: Option<(Method, &'static str, Value)>,
    web: Option<Web>,
}

enum Web {
    Form(&'static str, Vec<(&'static str, &'static str)>),
    Multipart(&'static str, Vec<(&'static str, &'static str)>),
    Get(&'static str),
}

fn cases() -> Vec<Case> {
    use ActionKind::*;
    let post = |path, body| Some((Method::POST, path, body));
    vec![
        Case {
            kind: RecordValues,
            api: post(
                "/api/v1/observations",
                json!({"measure": "M-AW-01", "period": "2026-10",
                       "values": {"headcount": 480, "trained": 450},
                       "evidence": "https://lms.example.com/r"}),
            ),
            web: Some(Web::Multipart(
                "/my-work",
                vec![
                    ("measure", "M-AW-01"),
                    ("period", "2026-10"),
                    ("value.headcount", "480"),
                    ("value.trained", "450"),
                    ("evidence_link", "https://lms.example.com/r"),
                ],
            )),
        },
        Case {
            kind: UploadEvidence,
            api: None, // multipart: sent by `upload` below
            web: None, // the web uploads evidence only with values
        },
        Case {
            kind: IssueReport,
            api: None, // issued on the reports page only (the API reads the archive)
            web: Some(Web::Form(
                "/reports",
                vec![("period", "2026-10"), ("audience", ""), ("format", "md")],
            )),
        },
        Case {
            kind: RaiseNonconformity,
            api: post(
                "/api/v1/nonconformities",
                json!({"source": "other", "description": "d", "severity": "minor", "why": "w"}),
            ),
            web: Some(Web::Form(
                "/nonconformities",
                vec![
                    ("source", "other"),
                    ("description", "d"),
                    ("severity", "minor"),
                    ("why", "w"),
                ],
            )),
        },
        Case {
            kind: WorkNonconformity,
            api: post(
                "/api/v1/nonconformities/NC-0001/correction",
                json!({"correction": "c", "why": "w"}),
            ),
            web: Some(Web::Form(
                "/nonconformities/NC-0001/correct",
                vec![("correction", "c"), ("why", "w")],
            )),
        },
        Case {
            kind: ImplementAction,
            api: post(
                "/api/v1/nonconformities/NC-0001/actions/A1/implementation",
                json!({"note": "n", "why": "w"}),
            ),
            web: Some(Web::Form(
                "/nonconformities/NC-0001/implement",
                vec![("action", "A1"), ("note", "n"), ("why", "w")],
            )),
        },
        Case {
            kind: VerifyEffectiveness,
            api: post(
                "/api/v1/nonconformities/NC-0001/verification",
                json!({"effective": true, "evidence": "e", "why": "w"}),
            ),
            web: Some(Web::Form(
                "/nonconformities/NC-0001/verify",
                vec![("verdict", "effective"), ("evidence", "e"), ("why", "w")],
            )),
        },
        Case {
            kind: PlanAudit,
            api: post(
                "/api/v1/audits",
                json!({"title": "t", "objectives": "o", "scope": ["9.2"], "criteria": "c",
                       "start": "2026-11-01", "end": "2026-11-02", "methods": "m", "auditors": []}),
            ),
            web: Some(Web::Form(
                "/audits",
                vec![
                    ("title", "t"),
                    ("objectives", "o"),
                    ("scope", "9.2"),
                    ("start", "2026-11-01"),
                    ("end", "2026-11-02"),
                    ("auditor", ""),
                ],
            )),
        },
        Case {
            kind: RecordFinding,
            api: post(
                "/api/v1/audits/AUD-0001/findings",
                json!({"item": "A.8.8@it", "grade": "observation", "statement": "s", "evidence": "e"}),
            ),
            web: Some(Web::Form(
                "/audits/AUD-0001/findings",
                vec![
                    ("item", "A.8.8@it"),
                    ("grade", "observation"),
                    ("statement", "s"),
                    ("evidence", "e"),
                ],
            )),
        },
        Case {
            kind: OpenReview,
            api: post(
                "/api/v1/reviews",
                json!({"title": "t", "date": "2026-11-20", "chair": "ceo"}),
            ),
            web: Some(Web::Form(
                "/reviews",
                vec![("title", "t"), ("date", "2026-11-20"), ("chair", "ceo")],
            )),
        },
        Case {
            kind: WriteMinutes,
            api: post(
                "/api/v1/reviews/MR-0001/attendees",
                json!({"person": "ceo"}),
            ),
            web: Some(Web::Form(
                "/reviews/MR-0001",
                vec![("step", "attend"), ("person", "ceo")],
            )),
        },
        Case {
            kind: SignMinutes,
            api: post("/api/v1/reviews/MR-0002/signature", json!({})),
            web: Some(Web::Form("/reviews/MR-0002", vec![("step", "sign")])),
        },
        Case {
            kind: MarkReviewActionDone,
            api: post(
                "/api/v1/reviews/MR-0001/actions/RA1/done",
                json!({"note": "n"}),
            ),
            web: Some(Web::Form(
                "/reviews/MR-0001/actions/RA1/done",
                vec![("note", "n")],
            )),
        },
        Case {
            kind: ManageAccounts,
            api: post(
                "/api/v1/users",
                json!({"username": "", "person": "tester", "role": "viewer",
                       "password": "a long enough passphrase"}),
            ),
            web: Some(Web::Form(
                "/admin/users",
                vec![
                    ("username", ""),
                    ("person", "tester"),
                    ("role", "viewer"),
                    ("password", "a long enough passphrase"),
                ],
            )),
        },
        Case {
            kind: ReadAuditLog,
            api: Some((Method::GET, "/api/v1/audit-log", Value::Null)),
            web: Some(Web::Get("/admin/audit-log")),
        },
        Case {
            kind: ManageNotificationsOfOthers,
            api: None, // the API changes only the caller's own settings
            web: Some(Web::Form(
                "/admin/notifications/security_lead",
                vec![("kind", "collection_due")],
            )),
        },
    ]
}

async fn api(env: &Env, token: &str, method: &Method, path: &str, body: &Value) -> Reply {
    let mut r = Request::builder()
        .method(method.clone())
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    let body = if body.is_null() {
        Body::empty()
    } else {
        r = r.header(header::CONTENT_TYPE, "application/json");
        Body::from(body.to_string())
    };
    env.send(r.body(body).unwrap()).await
}

async fn web(env: &Env, session: &str, csrf: &str, w: &Web) -> Reply {
    match w {
        Web::Get(path) => page(env, path, session).await,
        Web::Form(path, fields) => {
            let mut all = vec![("csrf", csrf)];
            all.extend(fields.iter().copied());
            post_form(env, path, session, &all).await
        }
        Web::Multipart(path, fields) => {
            let mut all = vec![("csrf", csrf)];
            all.extend(fields.iter().copied());
            let (content_type, body) = multipart(&all, None);
            env.send(
                Request::post(*path)
                    .header(header::COOKIE, session)
                    .header(header::CONTENT_TYPE, content_type)
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await
        }
    }
}

/// An evidence upload through the API.
async fn upload(env: &Env, token: &str) -> Reply {
    let (content_type, body) = multipart(&[], Some(("text/plain", b"evidence")));
    env.send(
        Request::post("/api/v1/evidence")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// Someone who may sign in through both doors.
struct Account {
    token: String,
    session: String,
    csrf: String,
}

async fn account(env: &Env, name: &str, person: &str, role: Role) -> Account {
    let token = env.user(name, person, role).await;
    let session = sign_in(env, name).await;
    let csrf = csrf(env, &session).await;
    Account {
        token,
        session,
        csrf,
    }
}

/// Whether each door refused `case` to `who` with 403: (API, web).
async fn doors(env: &Env, who: &Account, case: &Case, fresh: &str) -> (Option<bool>, Option<bool>) {
    let api_reply = match (&case.api, case.kind) {
        (_, ActionKind::UploadEvidence) => Some(upload(env, &who.token).await),
        (Some((method, path, body)), kind) => {
            let mut body = body.clone();
            if kind == ActionKind::ManageAccounts {
                body["username"] = json!(format!("{fresh}a"));
            }
            Some(api(env, &who.token, method, path, &body).await)
        }
        (None, _) => None,
    };
    let web_reply = match &case.web {
        Some(Web::Form(path, fields)) if case.kind == ActionKind::ManageAccounts => {
            let name = format!("{fresh}w");
            let mut all: Vec<(&str, &str)> = vec![("csrf", &who.csrf)];
            all.extend(fields.iter().copied());
            all[1].1 = &name;
            Some(post_form(env, path, &who.session, &all).await)
        }
        Some(w) => Some(web(env, &who.session, &who.csrf, w).await),
        None => None,
    };
    for r in api_reply.iter().chain(web_reply.iter()) {
        assert_ne!(r.status.as_u16(), 401, "{:?}: {}", case.kind, r.text());
        assert!(r.status.as_u16() < 500, "{:?}: {}", case.kind, r.text());
    }
    (
        api_reply.map(|r| r.status == 403),
        web_reply.map(|r| r.status == 403),
    )
}

/// NC-0001 with action A1 (owned by it_lead) planned, AUD-0001 with the
/// auditor `auditor` assigned, MR-0001 (chair ceo) with action RA1 owned by
/// it_lead, and MR-0002 (chair ceo) to sign.
async fn records(env: &Env) {
    add_auditors(env);
    let settings = env.dir.path().join("clause9.toml");
    let mut text = std::fs::read_to_string(&settings).unwrap();
    text.push_str("\n[people.tester]\nname = \"Tess Tester\"\n");
    std::fs::write(&settings, text).unwrap();
    let auditors = env.dir.path().join("registers/auditors.toml");
    let mut text = std::fs::read_to_string(&auditors).unwrap();
    text.push_str("\n[[auditor]]\nperson = \"tester\"\ncompetence = [\"all\"]\n");
    std::fs::write(&auditors, text).unwrap();
    assert!(matches!(
        env.state.programme.reload(),
        clause9_server::programme::Reloaded::Changed(_)
    ));
    let admin = env.user("setup", "security_lead", Role::Admin).await;
    let post = |path: &'static str, body: Value| {
        let admin = admin.clone();
        async move {
            let r = env.post_json(path, Some(&admin), body).await;
            assert!(r.status.is_success(), "{path}: {}", r.text());
        }
    };
    post(
        "/api/v1/nonconformities",
        json!({"source": "other", "description": "d", "severity": "minor", "on": "2026-11-01"}),
    )
    .await;
    post(
        "/api/v1/nonconformities/NC-0001/correction",
        json!({"correction": "c", "on": "2026-11-01"}),
    )
    .await;
    post(
        "/api/v1/nonconformities/NC-0001/root-cause",
        json!({"cause": "c", "extent": "e", "on": "2026-11-01"}),
    )
    .await;
    post(
        "/api/v1/nonconformities/NC-0001/actions",
        json!({"description": "fix", "owner": "it_lead", "due": "2026-12-31",
               "success_criterion": "green", "on": "2026-11-01"}),
    )
    .await;
    post(
        "/api/v1/audits",
        json!({"title": "t", "objectives": "o", "scope": ["A.8.8@it"], "criteria": "c",
               "start": "2026-11-01", "end": "2026-11-30", "methods": "m", "auditors": ["auditor"]}),
    )
    .await;
    for _ in 0..2 {
        post(
            "/api/v1/reviews",
            json!({"title": "t", "date": "2026-11-14", "chair": "ceo"}),
        )
        .await;
    }
    post(
        "/api/v1/reviews/MR-0001/actions",
        json!({"description": "d", "owner": "it_lead", "due": "2026-12-31"}),
    )
    .await;
}

pub(crate) async fn every_role_gets_the_same_answer_through_the_api_and_the_pages(env: &Env) {
    records(env).await;
    let cases = cases();
    // a person with no part in any record: the role table alone decides,
    // but for the rules that need a part (collector, assigned auditor, chair)
    for (n, role) in Role::ALL.into_iter().enumerate() {
        let who = account(env, &format!("r{n}"), "tester", role).await;
        for (i, case) in cases.iter().enumerate() {
            let expected_forbidden = match case.kind {
                ActionKind::RecordValues | ActionKind::RecordFinding => role != Role::Admin,
                ActionKind::SignMinutes => true,
                kind => !kind.roles().contains(&role),
            };
            let (api, web) = doors(env, &who, case, &format!("u{n}x{i}")).await;
            if let (Some(a), Some(w)) = (api, web) {
                assert_eq!(
                    a, w,
                    "{role} {:?}: the API and the pages disagree",
                    case.kind
                );
            }
            for door in [api, web].into_iter().flatten() {
                assert_eq!(
                    door, expected_forbidden,
                    "{role} {:?}: forbidden {door}, the policy says {expected_forbidden}",
                    case.kind
                );
            }
        }
    }
    // the rules about persons, whatever the role
    let part = |kind| cases.iter().find(|c| c.kind == kind).unwrap();
    let it_collector = account(env, "itc", "it_lead", Role::Collector).await;
    for (kind, allowed) in [
        (ActionKind::ImplementAction, true),      // it_lead owns A1
        (ActionKind::WorkNonconformity, true),    // and so acts on NC-0001
        (ActionKind::MarkReviewActionDone, true), // it_lead owns RA1
        (ActionKind::RecordFinding, false),       // a collector records no finding
    ] {
        let (api, web) = doors(env, &it_collector, part(kind), "itc").await;
        assert_eq!(api, web, "{kind:?}");
        assert_eq!(api, Some(!allowed), "{kind:?}");
    }
    let hr_collector = account(env, "hrc", "security_lead", Role::Collector).await;
    // M-AW-01's collector is security_lead in the starter
    let (api, web) = doors(env, &hr_collector, part(ActionKind::RecordValues), "hrc").await;
    assert_eq!(
        (api, web),
        (Some(false), Some(false)),
        "the collector of M-AW-01"
    );
    let assigned = account(env, "assigned", "auditor", Role::Auditor).await;
    let (api, web) = doors(env, &assigned, part(ActionKind::RecordFinding), "aud").await;
    assert_eq!(
        (api, web),
        (Some(false), Some(false)),
        "an assigned auditor"
    );
    let chair = account(env, "chair", "ceo", Role::Reviewer).await;
    let (api, web) = doors(env, &chair, part(ActionKind::SignMinutes), "chair").await;
    assert_eq!((api, web), (Some(false), Some(false)), "the chair signs");
}

pub(crate) async fn nobody_removes_the_last_admin(env: &Env) {
    env.user("first", "security_lead", Role::Admin).await;
    env.user("second", "ceo", Role::Admin).await;
    let first = sign_in(env, "first").await;
    let t = csrf(env, &first).await;
    // with two admins, one may take the role from the other
    let r = post_form(
        env,
        "/admin/users/second/role",
        &first,
        &[("csrf", &t), ("role", "reviewer")],
    )
    .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.text());
    // now `first` is the last active admin: neither another account's
    // change nor the command line's (an admin acting locally) may remove it
    let change = clause9_store::accounts::Change {
        actor: "local:test".into(),
        at: env.state.now(),
    };
    let local = clause9_core::access::Caller {
        role: Role::Admin,
        person: "local:test",
        name: "local:test",
    };
    for disable in [true, false] {
        let refused = if disable {
            clause9_app::accounts::set_disabled(
                env.state.store.as_ref(),
                &local,
                "first",
                true,
                &change,
            )
            .await
        } else {
            clause9_app::accounts::set_role(
                env.state.store.as_ref(),
                &local,
                "first",
                Role::Owner,
                &change,
            )
            .await
        };
        let message = refused.unwrap_err().to_string();
        assert!(
            message.contains("this would leave no active admin"),
            "{message}"
        );
    }
    let user = env
        .state
        .store
        .accounts()
        .user("first")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((user.role, user.disabled), (Role::Admin, false));
    // a second admin again: then the first may be disabled
    let r = post_form(
        env,
        "/admin/users/second/role",
        &first,
        &[("csrf", &t), ("role", "admin")],
    )
    .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.text());
    clause9_app::accounts::set_disabled(env.state.store.as_ref(), &local, "first", true, &change)
        .await
        .unwrap();
    // a disabled admin does not count: `second` is now the last one
    let second = sign_in(env, "second").await;
    let t = csrf(env, &second).await;
    let r = post_form(
        env,
        "/admin/users/first/disabled",
        &second,
        &[("csrf", &t), ("disabled", "false")],
    )
    .await;
    assert_eq!(r.status.as_u16(), 303, "enabling is always allowed");
    let r = post_form(
        env,
        "/admin/users/first/role",
        &second,
        &[("csrf", &t), ("role", "viewer")],
    )
    .await;
    assert_eq!(
        r.status.as_u16(),
        303,
        "two active admins again: {}",
        r.text()
    );
    // disabling `first` ended its sessions; as a viewer it manages nothing
    let first = sign_in(env, "first").await;
    let r = post_form(
        env,
        "/admin/users/second/disabled",
        &first,
        &[("csrf", &csrf(env, &first).await), ("disabled", "true")],
    )
    .await;
    assert_eq!(
        r.status.as_u16(),
        403,
        "first is a viewer now: {}",
        r.text()
    );
}
