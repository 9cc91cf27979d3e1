//! The audit and management review pages: a finding refused for a recorder
//! who is not independent (the conflict named), recorded by an independent
//! auditor (opening its nonconformity), CSRF and evidence checked; review
//! minutes written, signed only by the chair, and locked afterwards.

use axum::body::Body;
use axum::http::{Request, header};
use clause9_core::audit::{AuditEvent, Plan, ScopeItem};
use clause9_core::review::ReviewEvent;
use clause9_core::workflow::encode;
use clause9_store::NewEvent;
use clause9_store::accounts::Role;

use crate::env::{Env, NOW, Reply};
use crate::web::{field, page, sign_in};

async fn post_form(env: &Env, path: &str, session: &str, fields: &[(&str, &str)]) -> Reply {
    let body: String = fields
        .iter()
        .map(|(k, v)| {
            let v: String = v
                .bytes()
                .map(|b| match b {
                    b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    b' ' => "+".into(),
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join("&");
    env.send(
        Request::post(path)
            .header(header::COOKIE, session)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

fn event(stream: &str, seq: i64, name: &str, payload: serde_json::Value) -> NewEvent {
    NewEvent {
        stream: stream.into(),
        seq,
        event: name.into(),
        payload,
        recorded_by: "ceo".into(),
        recorded_at: NOW.parse().unwrap(),
        reason: "test".into(),
        once_key: None,
    }
}

/// An audit of 9.1 and A.8.8 in area `it` with `ceo` as auditor, and a
/// review chaired by `ceo`, both in preparation; the auditor register.
async fn records(env: &Env) {
    let registers = env.dir.path().join("registers");
    std::fs::create_dir_all(&registers).unwrap();
    std::fs::write(
        registers.join("auditors.toml"),
        "[[auditor]]\nperson = \"ceo\"\ncompetence = [\"all\"]\n\n[[auditor]]\nperson = \"it_lead\"\ncompetence = [\"all\"]\n",
    )
    .unwrap();
    // the registers are read with the programme (the running server's watcher does this)
    assert!(matches!(
        env.state.programme.reload(),
        clause9_server::programme::Reloaded::Changed(_)
    ));
    let day: jiff::civil::Date = "2026-11-10".parse().unwrap();
    let plan = AuditEvent::Planned {
        plan: Plan {
            title: "Vulnerabilities".into(),
            objectives: "Patching works".into(),
            scope: vec![
                ScopeItem {
                    requirement: "9.1".into(),
                    area: None,
                },
                ScopeItem {
                    requirement: "A.8.8".into(),
                    area: Some("it".into()),
                },
            ],
            criteria: "ISO/IEC 27001".into(),
            start: day,
            end: "2026-11-20".parse().unwrap(),
            methods: "interviews".into(),
        },
    };
    let assigned = AuditEvent::AuditorAssigned {
        person: "ceo".into(),
    };
    let opened = ReviewEvent::Opened {
        title: "Management review".into(),
        date: "2026-11-20".parse().unwrap(),
        chair: "ceo".into(),
    };
    env.state
        .store
        .workflow()
        .append_events(&[
            event("audit/AUD-0001", 1, "planned", encode(&plan, day)),
            event(
                "audit/AUD-0001",
                2,
                "auditor_assigned",
                encode(&assigned, day),
            ),
            event("review/MR-0001", 1, "opened", encode(&opened, day)),
        ])
        .await
        .unwrap();
}

pub(crate) async fn findings_need_an_independent_auditor(env: &Env) {
    records(env).await;
    env.user("ceo", "ceo", Role::Auditor).await;
    env.user("itl", "it_lead", Role::Auditor).await;
    let itl = sign_in(env, "itl").await;
    let list = page(env, "/audits", &itl).await;
    assert_eq!(list.status.as_u16(), 200, "{}", list.text());
    assert!(list.text().contains("AUD-0001"));
    let audit = page(env, "/audits/AUD-0001", &itl).await;
    assert_eq!(audit.status.as_u16(), 200, "{}", audit.text());
    let html = audit.text();
    assert!(html.contains("it_lead owns area `it`"), "{html}");
    let csrf = field(&html, "csrf");
    let finding = |csrf: &str| {
        [
            ("csrf", csrf.to_string()),
            ("item", "A.8.8@it".to_string()),
            ("grade", "minor".to_string()),
            ("statement", "Patches late on two servers".to_string()),
            ("evidence", "Patch report of October".to_string()),
        ]
    };
    let refs = |f: &[(&'static str, String)]| -> Vec<(&'static str, String)> { f.to_vec() };
    let send = |session: String, fields: Vec<(&'static str, String)>| async move {
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        post_form(env, "/audits/AUD-0001/findings", &session, &f).await
    };
    let refused = send(itl.clone(), refs(&finding(&csrf))).await;
    assert_eq!(refused.status.as_u16(), 403, "{}", refused.text());
    assert!(
        refused
            .text()
            .contains("it_lead may not record findings of AUD-0001: it_lead owns area `it`"),
        "{}",
        refused.text()
    );

    let ceo = sign_in(env, "ceo").await;
    let csrf = field(&page(env, "/audits/AUD-0001", &ceo).await.text(), "csrf");
    let stale = send(ceo.clone(), refs(&finding("stale"))).await;
    assert_eq!(stale.status.as_u16(), 403);
    let mut no_evidence = finding(&csrf).to_vec();
    no_evidence[4].1 = " ".into();
    let r = send(ceo.clone(), no_evidence).await;
    assert_eq!(r.status.as_u16(), 422);
    assert!(
        r.text().contains("every finding needs its evidence"),
        "{}",
        r.text()
    );
    let ok = send(ceo.clone(), refs(&finding(&csrf))).await;
    assert_eq!(ok.status.as_u16(), 303, "{}", ok.text());
    assert_eq!(ok.headers[header::LOCATION], "/audits/AUD-0001?saved=F1");
    let shown = page(env, "/audits/AUD-0001?saved=F1", &ceo).await.text();
    assert!(shown.contains("it opened nonconformity NC-0001"), "{shown}");
    assert!(shown.contains("Patches late on two servers"));
    let nc = env
        .state
        .store
        .workflow()
        .events("nc/NC-0001")
        .await
        .unwrap();
    assert_eq!(nc.len(), 1);
    assert_eq!(nc[0].payload["source"]["audit"], "AUD-0001");
    let report = page(env, "/audits/AUD-0001/report?format=md", &ceo).await;
    assert_eq!(report.status.as_u16(), 200);
    assert!(report.text().contains("Patches late on two servers"));
}

pub(crate) async fn review_minutes_are_signed_by_the_chair_and_locked(env: &Env) {
    records(env).await;
    env.user("ceo", "ceo", Role::Reviewer).await;
    env.user("sec", "security_lead", Role::Reviewer).await;
    env.user("col", "it_lead", Role::Collector).await;
    let sec = sign_in(env, "sec").await;
    let dash = page(env, "/", &sec).await.text();
    assert!(
        dash.contains("/reviews/MR-0001"),
        "the dashboard shows the next review"
    );
    assert!(
        dash.contains("/audits/AUD-0001"),
        "the dashboard shows the next audit"
    );
    let html = page(env, "/reviews/MR-0001", &sec).await.text();
    for input in ["(a) ", "(d1) ", "(d4) ", "(g) "] {
        assert!(html.contains(input), "the pack has {input}");
    }
    let csrf = field(&html, "csrf");
    let post = |session: String, fields: Vec<(&'static str, String)>| async move {
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        post_form(env, "/reviews/MR-0001", &session, &f).await
    };
    let attend = post(
        sec.clone(),
        vec![
            ("csrf", csrf.clone()),
            ("step", "attend".into()),
            ("person", "ceo".into()),
        ],
    )
    .await;
    assert_eq!(attend.status.as_u16(), 303, "{}", attend.text());
    let no_owner_date = post(
        sec.clone(),
        vec![
            ("csrf", csrf.clone()),
            ("step", "action".into()),
            ("description", "Buy".into()),
            ("owner", "it_lead".into()),
            ("due", "soon".into()),
        ],
    )
    .await;
    assert_eq!(no_owner_date.status.as_u16(), 422);
    assert!(no_owner_date.text().contains("is not a date"));
    let not_chair = post(
        sec.clone(),
        vec![("csrf", csrf.clone()), ("step", "sign".into())],
    )
    .await;
    assert_eq!(not_chair.status.as_u16(), 403);
    assert!(
        not_chair.text().contains("only the chair (ceo) signs"),
        "{}",
        not_chair.text()
    );

    let col = sign_in(env, "col").await;
    let col_csrf = field(&page(env, "/reviews/MR-0001", &col).await.text(), "csrf");
    let collector = post(
        col,
        vec![
            ("csrf", col_csrf),
            ("step", "attend".into()),
            ("person", "ceo".into()),
        ],
    )
    .await;
    assert_eq!(collector.status.as_u16(), 403);

    let ceo = sign_in(env, "ceo").await;
    let csrf = field(&page(env, "/reviews/MR-0001", &ceo).await.text(), "csrf");
    let signed = post(
        ceo.clone(),
        vec![("csrf", csrf.clone()), ("step", "sign".into())],
    )
    .await;
    assert_eq!(signed.status.as_u16(), 303, "{}", signed.text());
    let html = page(env, "/reviews/MR-0001", &ceo).await.text();
    assert!(html.contains("signed by"), "{html}");
    assert!(
        !html.contains("action=\"/reviews/MR-0001\""),
        "no form is left"
    );
    let late = post(
        ceo,
        vec![
            ("csrf", csrf),
            ("step", "discuss".into()),
            ("input", "a".into()),
            ("text", "late".into()),
        ],
    )
    .await;
    assert_eq!(late.status.as_u16(), 409);
    assert!(late.text().contains("are locked"), "{}", late.text());
}

pub(crate) async fn reviews_are_opened_and_actions_followed_up_after_signing(env: &Env) {
    records(env).await;
    env.user("ceo", "ceo", Role::Reviewer).await;
    // a collector who does not own the action item RA1 (it_lead does)
    env.user("col", "security_lead", Role::Collector).await;
    let col = sign_in(env, "col").await;
    let list = page(env, "/reviews", &col).await.text();
    assert!(!list.contains("Open the review"), "collectors get no form");
    let col_csrf = field(&list, "csrf");
    let opening = |csrf: &str, date: &str, chair: &str| {
        vec![
            ("csrf", csrf.to_string()),
            ("title", "Quarterly review".to_string()),
            ("date", date.to_string()),
            ("chair", chair.to_string()),
        ]
    };
    let post = |session: String, path: &'static str, fields: Vec<(&'static str, String)>| async move {
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        post_form(env, path, &session, &f).await
    };
    let refused = post(
        col.clone(),
        "/reviews",
        opening(&col_csrf, "2026-12-10", "ceo"),
    )
    .await;
    assert_eq!(refused.status.as_u16(), 403, "{}", refused.text());
    assert!(
        refused
            .text()
            .contains("the role `collector` may not open a management review"),
        "{}",
        refused.text()
    );
    let count = || async {
        env.state
            .store
            .workflow()
            .events("review/")
            .await
            .unwrap()
            .len()
    };
    assert_eq!(count().await, 1);

    let ceo = sign_in(env, "ceo").await;
    let list = page(env, "/reviews", &ceo).await.text();
    assert!(list.contains("Open the review"), "{list}");
    let csrf = field(&list, "csrf");
    let stale = post(
        ceo.clone(),
        "/reviews",
        opening("stale", "2026-12-10", "ceo"),
    )
    .await;
    assert_eq!(stale.status.as_u16(), 403);
    let no_date = post(ceo.clone(), "/reviews", opening(&csrf, "soon", "ceo")).await;
    assert_eq!(no_date.status.as_u16(), 422);
    assert!(
        no_date.text().contains("date: `soon` is not a date"),
        "{}",
        no_date.text()
    );
    let no_chair = post(
        ceo.clone(),
        "/reviews",
        opening(&csrf, "2026-12-10", "nobody"),
    )
    .await;
    assert_eq!(no_chair.status.as_u16(), 422);
    assert!(
        no_chair
            .text()
            .contains("chair: `nobody` is not a person of this programme"),
        "{}",
        no_chair.text()
    );
    assert_eq!(count().await, 1, "nothing was opened");
    let opened = post(ceo.clone(), "/reviews", opening(&csrf, "2026-12-10", "ceo")).await;
    assert_eq!(opened.status.as_u16(), 303, "{}", opened.text());
    assert_eq!(
        opened.headers[header::LOCATION],
        "/reviews/MR-0002?saved=opened"
    );
    let (review, n) = clause9_app::records::reviews::load(env.state.store.as_ref(), "MR-0002")
        .await
        .unwrap();
    assert_eq!(
        (
            review.title.as_str(),
            review.date.to_string(),
            review.chair.as_str(),
            n
        ),
        ("Quarterly review", "2026-12-10".to_string(), "ceo", 1)
    );
    let stream = env
        .state
        .store
        .workflow()
        .events("review/MR-0002")
        .await
        .unwrap();
    assert_eq!(stream[0].recorded_by, "ceo");
    assert!(
        page(env, "/reviews/MR-0002?saved=opened", &ceo)
            .await
            .text()
            .contains("Recorded the opening of the review.")
    );

    // MR-0001: an action item already past due, then the minutes signed
    for fields in [
        vec![("step", "attend"), ("person", "ceo")],
        vec![
            ("step", "action"),
            ("description", "Replace the old firewall"),
            ("owner", "it_lead"),
            ("due", "2026-11-01"),
        ],
        vec![("step", "sign")],
    ] {
        let mut all = vec![("csrf", csrf.clone())];
        all.extend(fields.into_iter().map(|(k, v)| (k, v.to_string())));
        let r = post(ceo.clone(), "/reviews/MR-0001", all).await;
        assert_eq!(r.status.as_u16(), 303, "{}", r.text());
    }
    let html = page(env, "/reviews/MR-0001", &ceo).await.text();
    assert!(html.contains("signed by"), "{html}");
    assert!(
        html.contains("<td class=\"action-state\"><span class=\"late\">overdue</span>"),
        "{html}"
    );
    assert!(
        html.contains("action=\"/reviews/MR-0001/actions/RA1/done\""),
        "the follow-up form is there after signing"
    );
    let done =
        |csrf: &str, note: &str| vec![("csrf", csrf.to_string()), ("note", note.to_string())];
    let path = "/reviews/MR-0001/actions/RA1/done";
    let by_collector = post(col.clone(), path, done(&col_csrf, "replaced")).await;
    assert_eq!(by_collector.status.as_u16(), 403);
    assert!(
        by_collector
            .text()
            .contains("only admins, reviewers or the owner of RA1 (it_lead) mark it done"),
        "{}",
        by_collector.text()
    );
    let stale = post(ceo.clone(), path, done("stale", "replaced")).await;
    assert_eq!(stale.status.as_u16(), 403);
    let no_note = post(ceo.clone(), path, done(&csrf, "  ")).await;
    assert_eq!(no_note.status.as_u16(), 422);
    assert!(
        no_note.text().contains("RA1: say what was done"),
        "{}",
        no_note.text()
    );
    let unknown = post(
        ceo.clone(),
        "/reviews/MR-0001/actions/RA9/done",
        done(&csrf, "replaced"),
    )
    .await;
    assert_eq!(unknown.status.as_u16(), 422);
    assert!(
        unknown.text().contains("MR-0001 has no action item RA9"),
        "{}",
        unknown.text()
    );
    let (review, _) = clause9_app::records::reviews::load(env.state.store.as_ref(), "MR-0001")
        .await
        .unwrap();
    assert!(review.done.is_empty(), "nothing was recorded");

    let ok = post(ceo.clone(), path, done(&csrf, "Replaced on 14 November")).await;
    assert_eq!(ok.status.as_u16(), 303, "{}", ok.text());
    assert_eq!(
        ok.headers[header::LOCATION],
        "/reviews/MR-0001?saved=action_done"
    );
    let (review, _) = clause9_app::records::reviews::load(env.state.store.as_ref(), "MR-0001")
        .await
        .unwrap();
    assert_eq!(
        review.done,
        vec![(
            "RA1".to_string(),
            "2026-11-15".parse().unwrap(),
            "Replaced on 14 November".to_string()
        )]
    );
    let html = page(env, "/reviews/MR-0001?saved=action_done", &ceo)
        .await
        .text();
    assert!(html.contains("Recorded the action item as done."));
    assert!(
        html.contains("<td class=\"action-state\"><strong>done</strong>"),
        "{html}"
    );
    assert!(html.contains("2026-11-15: Replaced on 14 November"));
    assert!(
        !html.contains("/actions/RA1/done"),
        "no follow-up form is left"
    );
    let again = post(ceo, path, done(&csrf, "again")).await;
    assert_eq!(again.status.as_u16(), 422);
    assert!(again.text().contains("already done"), "{}", again.text());
}

pub(crate) async fn audits_are_planned_and_completed_from_the_pages(env: &Env) {
    records(env).await;
    env.user("ceo", "ceo", Role::Auditor).await;
    env.user("own", "it_lead", Role::Owner).await;
    let ceo = sign_in(env, "ceo").await;
    let list = page(env, "/audits", &ceo).await.text();
    assert!(list.contains("Plan the audit"), "{list}");
    let csrf = field(&list, "csrf");
    let plan = |csrf: &str, scope: &str, start: &str| {
        vec![
            ("csrf", csrf.to_string()),
            ("title", "Access reviews".to_string()),
            ("objectives", "Leavers lose access in time".to_string()),
            ("scope", scope.to_string()),
            ("criteria", "Access policy v2".to_string()),
            ("start", start.to_string()),
            ("end", "2026-12-04".to_string()),
            ("methods", "sampling".to_string()),
            ("auditor", "ceo".to_string()),
        ]
    };
    let send = |path: &'static str, session: String, fields: Vec<(&'static str, String)>| async move {
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        post_form(env, path, &session, &f).await
    };

    // an owner may not plan; a bad token is refused
    let own = sign_in(env, "own").await;
    let own_csrf = field(&page(env, "/audits", &own).await.text(), "csrf");
    assert!(
        !page(env, "/audits", &own)
            .await
            .text()
            .contains("Plan the audit")
    );
    let r = send(
        "/audits",
        own.clone(),
        plan(&own_csrf, "A.5.18", "2026-12-01"),
    )
    .await;
    assert_eq!(r.status.as_u16(), 403, "{}", r.text());
    let r = send(
        "/audits",
        ceo.clone(),
        plan("stale", "A.5.18", "2026-12-01"),
    )
    .await;
    assert_eq!(r.status.as_u16(), 403);
    // every problem is named
    let r = send(
        "/audits",
        ceo.clone(),
        plan(&csrf, "A.99.1 9.1@nowhere", "1 Dec"),
    )
    .await;
    assert_eq!(r.status.as_u16(), 422, "{}", r.text());
    let text = r.text();
    for says in ["A.99.1", "nowhere", "start: `1 Dec` is not a date"] {
        assert!(text.contains(says), "{says}: {text}");
    }
    // an auditor who is not independent of the scope is refused
    let mut conflicted = plan(&csrf, "A.8.8@it", "2026-12-01");
    conflicted[8].1 = "it_lead".into();
    let r = send("/audits", ceo.clone(), conflicted).await;
    assert_eq!(r.status.as_u16(), 403, "{}", r.text());
    assert!(r.text().contains("it_lead owns area `it`"), "{}", r.text());

    let r = send(
        "/audits",
        ceo.clone(),
        plan(&csrf, "A.5.18, 9.2", "2026-12-01"),
    )
    .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.text());
    assert_eq!(
        r.headers[header::LOCATION],
        "/audits/AUD-0002?saved=planned"
    );
    let shown = page(env, "/audits/AUD-0002", &ceo).await.text();
    assert!(
        shown.contains("Access reviews") && shown.contains("A.5.18"),
        "{shown}"
    );
    assert!(shown.contains("Complete the audit"), "{shown}");

    // completing needs a conclusion, then locks the record
    let complete = |csrf: &str, summary: &str| {
        vec![("csrf", csrf.to_string()), ("summary", summary.to_string())]
    };
    let r = send(
        "/audits/AUD-0002/complete",
        own.clone(),
        complete(&own_csrf, "done"),
    )
    .await;
    assert_eq!(r.status.as_u16(), 403);
    let r = send(
        "/audits/AUD-0002/complete",
        ceo.clone(),
        complete(&csrf, " "),
    )
    .await;
    assert_eq!(r.status.as_u16(), 422);
    let r = send(
        "/audits/AUD-0002/complete",
        ceo.clone(),
        complete(&csrf, "Leavers lose access within a day"),
    )
    .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.text());
    let shown = page(env, "/audits/AUD-0002", &ceo).await.text();
    assert!(
        shown.contains("Leavers lose access within a day"),
        "{shown}"
    );
    assert!(shown.contains("This audit is completed"), "{shown}");
    assert!(!shown.contains("Complete the audit"));
    let r = send(
        "/audits/AUD-0002/complete",
        ceo.clone(),
        complete(&csrf, "again"),
    )
    .await;
    assert_eq!(r.status.as_u16(), 409, "{}", r.text());
    let r = send(
        "/audits/AUD-9999/complete",
        ceo.clone(),
        complete(&csrf, "x"),
    )
    .await;
    assert_eq!(r.status.as_u16(), 404);
}
