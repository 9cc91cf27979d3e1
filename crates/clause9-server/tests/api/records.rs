//! The reports, nonconformity and administration pages: role checks (403),
//! CSRF refusals, a nonconformity walked from raised to closed through the
//! forms (with a reopening and a SMART refusal on the way), reports issued,
//! downloaded, archived and verified, users and tokens managed.

use axum::body::Body;
use axum::http::{Request, header};
use clause9_store::accounts::Role;
use clause9_store::audit_log::AuditQuery;

use crate::env::{Env, Reply};
use crate::web::{field, multipart, page, sign_in};

fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char);
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub(crate) async fn post_form(
    env: &Env,
    path: &str,
    session: &str,
    fields: &[(&str, &str)],
) -> Reply {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
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

/// The session's CSRF token, read from a page's sign-out form.
pub(crate) async fn csrf(env: &Env, session: &str) -> String {
    field(&page(env, "/", session).await.text(), "csrf")
}

/// Sends one lifecycle form of NC-0001.
async fn nc_step(
    env: &Env,
    session: &str,
    csrf: &str,
    name: &str,
    fields: &[(&str, &str)],
) -> Reply {
    let mut all = vec![("csrf", csrf)];
    all.extend_from_slice(fields);
    post_form(
        env,
        &format!("/nonconformities/NC-0001/{name}"),
        session,
        &all,
    )
    .await
}

/// Uploads a file to `POST /reports/verify`.
async fn verify_file(env: &Env, session: &str, csrf: &str, bytes: &[u8]) -> Reply {
    let (content_type, body) =
        multipart(&[("csrf", csrf)], Some(("application/octet-stream", bytes)));
    env.send(
        Request::post("/reports/verify")
            .header(header::COOKIE, session)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

fn location(r: &Reply) -> String {
    r.headers[header::LOCATION].to_str().unwrap().to_string()
}

pub(crate) async fn records_pages_check_roles_and_csrf(env: &Env) {
    env.user("ann", "security_lead", Role::Admin).await;
    env.user("cole", "it_lead", Role::Collector).await;
    let admin = sign_in(env, "ann").await;
    let collector = sign_in(env, "cole").await;
    for path in [
        "/reports",
        "/nonconformities",
        "/admin/users",
        "/admin/tokens",
        "/admin/audit-log",
    ] {
        let r = env.get(path, None).await;
        assert_eq!((r.status.as_u16(), location(&r)), (303, "/sign-in".into()));
        let r = page(env, path, &admin).await;
        assert_eq!(r.status.as_u16(), 200, "{path}: {}", r.text());
    }
    for path in [
        "/admin",
        "/admin/users",
        "/admin/tokens",
        "/admin/audit-log",
    ] {
        let r = page(env, path, &collector).await;
        assert_eq!(r.status.as_u16(), 403, "{path}");
        assert!(
            r.text().contains("the role `collector` may not")
                && r.text().contains("it needs one of: admin"),
            "{path}: {}",
            r.text()
        );
    }
    assert!(
        !page(env, "/", &collector)
            .await
            .text()
            .contains("/admin/users")
    );
    assert!(page(env, "/", &admin).await.text().contains("/admin/users"));
    // collectors see the board and the archive but may not change them
    assert_eq!(
        page(env, "/nonconformities", &collector)
            .await
            .status
            .as_u16(),
        200
    );
    let token = csrf(env, &collector).await;
    let raise = [
        ("csrf", token.as_str()),
        ("source", "incident"),
        ("reference", "INC-7"),
        ("description", "Backups were not tested"),
        ("severity", "minor"),
        ("why", "found in an incident"),
    ];
    let r = post_form(env, "/nonconformities", &collector, &raise).await;
    assert_eq!(r.status.as_u16(), 403);
    assert!(r.text().contains("may not raise a nonconformity"));
    let r = post_form(
        env,
        "/reports",
        &collector,
        &[("csrf", &token), ("period", "2026-10"), ("format", "html")],
    )
    .await;
    assert_eq!(r.status.as_u16(), 403);
    let r = post_form(
        env,
        "/admin/users",
        &collector,
        &[
            ("csrf", &token),
            ("username", "x"),
            ("person", "ceo"),
            ("role", "admin"),
            ("password", "long enough password"),
        ],
    )
    .await;
    assert_eq!(r.status.as_u16(), 403);
    // the admin's forms without (or with another session's) token are refused
    let mut stale = raise.to_vec();
    stale[0] = ("csrf", "c9f-not-the-token");
    for (path, fields) in [
        ("/nonconformities", stale.clone()),
        ("/reports", vec![("period", "2026-10"), ("format", "html")]),
        (
            "/admin/users",
            vec![("username", "x"), ("person", "ceo"), ("role", "viewer")],
        ),
        ("/admin/tokens", vec![("username", "ann"), ("name", "ci")]),
        ("/admin/users/cole/role", vec![("role", "admin")]),
        ("/admin/users/cole/disabled", vec![("disabled", "true")]),
        ("/admin/tokens/1/revoke", vec![]),
    ] {
        let r = post_form(env, path, &admin, &fields).await;
        assert_eq!(r.status.as_u16(), 403, "{path}");
        assert!(r.text().contains("security token"), "{path}");
    }
    assert!(
        crate::records::nonconformity_events(env).await.is_empty(),
        "nothing was raised"
    );
    let multipart_verify = multipart(&[("csrf", "nope")], Some(("text/html", b"<html>")));
    let r = env
        .send(
            Request::post("/reports/verify")
                .header(header::COOKIE, &admin)
                .header(header::CONTENT_TYPE, multipart_verify.0)
                .body(Body::from(multipart_verify.1))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status.as_u16(), 403);
}

pub(crate) async fn nonconformity_events(env: &Env) -> Vec<(String, String, String)> {
    env.state
        .store
        .workflow()
        .events("nc/")
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.stream, e.event, e.recorded_by))
        .collect()
}

pub(crate) async fn a_nonconformity_is_walked_from_raised_to_closed(env: &Env) {
    env.user("ann", "security_lead", Role::Owner).await;
    let s = sign_in(env, "ann").await;
    let t = csrf(env, &s).await;
    let t = t.as_str();
    // a raise with problems is shown again with each of them
    let r = post_form(
        env,
        "/nonconformities",
        &s,
        &[
            ("csrf", t),
            ("source", "red_indicator"),
            ("severity", "huge"),
            ("area", "moon"),
            ("controls", "A.5.15, Z.1"),
            ("why", "x"),
        ],
    )
    .await;
    assert_eq!(r.status.as_u16(), 422);
    let text = r.text();
    for expected in [
        "these are raised by",
        "description: say what is not conforming",
        "severity `huge`: use major or minor",
        "area: unknown area `moon`",
        "control: unknown control `Z.1`",
    ] {
        assert!(
            text.contains(&expected.replace('`', "&#x60;")) || text.contains(expected),
            "{expected} in {text}"
        );
    }
    let r = post_form(
        env,
        "/nonconformities",
        &s,
        &[
            ("csrf", t),
            ("source", "incident"),
            ("reference", "INC-7"),
            ("description", "Backups were not tested"),
            ("severity", "minor"),
            ("area", "it"),
            ("controls", "A.8.13"),
            ("why", "found in incident INC-7"),
        ],
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), location(&r)),
        (303, "/nonconformities/NC-0001".into())
    );
    let board = page(env, "/nonconformities", &s).await.text();
    assert!(board.contains("NC-0001") && board.contains("Backups were not tested"));

    let ok = |r: Reply, event: &str| {
        assert_eq!(r.status.as_u16(), 303, "{event}: {}", r.text());
        assert_eq!(
            location(&r),
            format!("/nonconformities/NC-0001?done={event}")
        );
    };
    // a step out of order is refused with the reason, in the form's words
    let r = nc_step(env, &s, t, "close", &[("why", "done")]).await;
    assert_eq!(r.status.as_u16(), 422);
    assert!(
        r.text().contains("closing is not possible now"),
        "{}",
        r.text()
    );
    assert!(!r.text().contains("`nc "), "command hints are left out");
    let r = nc_step(
        env,
        &s,
        t,
        "correct",
        &[("correction", ""), ("why", "contain")],
    )
    .await;
    assert_eq!(r.status.as_u16(), 422);
    ok(
        nc_step(
            env,
            &s,
            t,
            "correct",
            &[("correction", "Ran a restore test"), ("why", "contain it")],
        )
        .await,
        "corrected",
    );
    ok(
        nc_step(
            env,
            &s,
            t,
            "analyse",
            &[
                ("whys", "no schedule\nno owner"),
                ("cause", ""),
                ("extent", "all backups"),
                ("why", "5 whys"),
            ],
        )
        .await,
        "root_cause_analysed",
    );
    // an action that is not SMART is refused, with what is missing
    let r = nc_step(
        env,
        &s,
        t,
        "action",
        &[
            ("description", "Test restores monthly"),
            ("due", ""),
            ("success", ""),
            ("why", "plan"),
        ],
    )
    .await;
    assert_eq!(r.status.as_u16(), 422);
    let text = r.text();
    assert!(
        text.contains(
            "the action is not SMART: missing an owner, a due date, a measurable success criterion"
        ),
        "{text}"
    );
    assert!(
        text.contains("Test restores monthly"),
        "the form keeps what was sent"
    );
    ok(
        nc_step(
            env,
            &s,
            t,
            "action",
            &[
                ("description", "Test restores monthly"),
                ("owner", "it_lead"),
                ("due", "2026-12-15"),
                ("success", "12 restore tests a year"),
                ("why", "plan"),
            ],
        )
        .await,
        "action_planned",
    );
    ok(
        nc_step(
            env,
            &s,
            t,
            "implement",
            &[
                ("action", "A1"),
                ("note", "calendar entry made"),
                ("why", "done"),
            ],
        )
        .await,
        "action_implemented",
    );
    let r = nc_step(
        env,
        &s,
        t,
        "check",
        &[
            ("date", "2026-11-01"),
            ("method", "manual"),
            ("why", "plan check"),
        ],
    )
    .await;
    assert_eq!(r.status.as_u16(), 422, "a check in the past is refused");
    ok(
        nc_step(
            env,
            &s,
            t,
            "check",
            &[
                ("date", "2026-11-15"),
                ("method", "manual"),
                ("why", "plan check"),
            ],
        )
        .await,
        "check_planned",
    );
    // not effective: reopened, then analysed, acted on and verified again
    ok(
        nc_step(
            env,
            &s,
            t,
            "verify",
            &[
                ("verdict", "not_effective"),
                ("evidence", "restore failed"),
                ("why", "checked"),
            ],
        )
        .await,
        "reopened",
    );
    let shown = page(env, "/nonconformities/NC-0001?done=reopened", &s)
        .await
        .text();
    assert!(shown.contains("reopened") && shown.contains("the nonconformity is reopened"));
    ok(
        nc_step(
            env,
            &s,
            t,
            "analyse",
            &[
                ("cause", "the restore script was untested"),
                ("extent", "backups"),
                ("why", "again"),
            ],
        )
        .await,
        "root_cause_analysed",
    );
    ok(
        nc_step(
            env,
            &s,
            t,
            "action",
            &[
                ("description", "Fix the restore script"),
                ("owner", "it_lead"),
                ("due", "2026-11-30"),
                ("success", "a restore succeeds"),
                ("why", "plan"),
            ],
        )
        .await,
        "action_planned",
    );
    ok(
        nc_step(
            env,
            &s,
            t,
            "implement",
            &[("action", "A2"), ("note", "fixed"), ("why", "done")],
        )
        .await,
        "action_implemented",
    );
    ok(
        nc_step(
            env,
            &s,
            t,
            "check",
            &[
                ("date", "2026-11-15"),
                ("method", "manual"),
                ("why", "plan"),
            ],
        )
        .await,
        "check_planned",
    );
    let r = nc_step(
        env,
        &s,
        t,
        "verify",
        &[
            ("verdict", "effective"),
            ("evidence", ""),
            ("why", "checked"),
        ],
    )
    .await;
    assert_eq!(r.status.as_u16(), 422, "evidence is needed");
    ok(
        nc_step(
            env,
            &s,
            t,
            "verify",
            &[
                ("verdict", "effective"),
                ("evidence", "restore of 2026-11-15 succeeded"),
                ("why", "checked"),
            ],
        )
        .await,
        "verified",
    );
    ok(
        nc_step(env, &s, t, "close", &[("why", "effective")]).await,
        "closed",
    );
    let events = nonconformity_events(env).await;
    let names: Vec<&str> = events.iter().map(|e| e.1.as_str()).collect();
    assert_eq!(
        names,
        [
            "raised",
            "corrected",
            "root_cause_analysed",
            "action_planned",
            "action_implemented",
            "check_planned",
            "reopened",
            "root_cause_analysed",
            "action_planned",
            "action_implemented",
            "check_planned",
            "verified",
            "closed",
        ]
    );
    assert!(
        events
            .iter()
            .all(|e| e.0 == "nc/NC-0001" && e.2 == "security_lead")
    );
    let shown = page(env, "/nonconformities/NC-0001", &s).await.text();
    assert!(shown.contains("Closed</dt><dd>2026-11-15"), "{shown}");
    assert!(
        !shown.contains("action=\"/nonconformities/NC-0001/"),
        "no forms once closed"
    );
    let board = page(env, "/nonconformities", &s).await.text();
    assert!(board.contains("Closed (1)"));
    let log = env
        .state
        .store
        .audit_log()
        .entries(&AuditQuery::default())
        .await
        .unwrap();
    assert!(
        log.iter().any(|e| e.subject.contains("NC-0001")),
        "steps are in the audit log"
    );
}

pub(crate) async fn reports_are_issued_downloaded_and_verified(env: &Env) {
    env.user("ann", "security_lead", Role::Owner).await;
    let s = sign_in(env, "ann").await;
    let t = csrf(env, &s).await;
    let r = post_form(
        env,
        "/reports",
        &s,
        &[
            ("csrf", &t),
            ("period", "2026-13"),
            ("audience", "nobody"),
            ("format", "doc"),
        ],
    )
    .await;
    assert_eq!(r.status.as_u16(), 422);
    let text = r.text();
    assert!(
        text.contains("period:")
            && text.contains("neither a person nor a group")
            && text.contains("is not one of html, pdf, md, xlsx, json"),
        "{text}"
    );
    let mut issued = Vec::new();
    for (format, content_type, audience) in [
        ("html", "text/html; charset=utf-8", ""),
        ("md", "text/markdown; charset=utf-8", "board"),
        ("json", "application/json", "ceo"),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "",
        ),
    ] {
        let r = post_form(
            env,
            "/reports",
            &s,
            &[
                ("csrf", &t),
                ("period", "2026-10"),
                ("audience", audience),
                ("format", format),
            ],
        )
        .await;
        assert_eq!(r.status.as_u16(), 200, "{format}: {}", r.text());
        assert_eq!(r.headers[header::CONTENT_TYPE], content_type);
        let name = if audience.is_empty() {
            format!("report-2026-10.{format}")
        } else {
            format!("report-2026-10-{audience}.{format}")
        };
        assert_eq!(
            r.headers[header::CONTENT_DISPOSITION].to_str().unwrap(),
            format!("attachment; filename=\"{name}\"")
        );
        issued.push((name, r.body));
    }
    assert!(String::from_utf8_lossy(&issued[0].1).contains("<title>"));
    assert_eq!(&issued[3].1[..2], b"PK", "an XLSX file is a zip");
    let json: serde_json::Value = serde_json::from_slice(&issued[2].1).unwrap();
    assert_eq!(json["period"], "2026-10");
    let archive = env.state.store.reports().issued().await.unwrap();
    assert_eq!(archive.len(), 4);
    assert_eq!(
        (
            archive[1].new.audience.as_deref(),
            archive[1].new.issued_by.as_str(),
            archive[1].new.file_name.as_str()
        ),
        (Some("board"), "security_lead", "report-2026-10-board.md")
    );
    let listed = page(env, "/reports", &s).await.text();
    assert!(listed.contains("Issued reports (4)") && listed.contains("report-2026-10-board.md"));
    let r = verify_file(env, &s, &t, &issued[1].1).await;
    assert_eq!(r.status.as_u16(), 200);
    assert!(
        r.text()
            .contains("is an unaltered issued report: #2 for 2026-10 (md, audience board)"),
        "{}",
        r.text()
    );
    let mut altered = issued[0].1.clone();
    altered.extend(b"<!-- edited -->");
    let r = verify_file(env, &s, &t, &altered).await;
    assert!(r.text().contains("is not an issued report"), "{}", r.text());
}

pub(crate) async fn admins_manage_users_tokens_and_see_the_log(env: &Env) {
    env.user("ann", "security_lead", Role::Admin).await;
    env.user("cole", "it_lead", Role::Collector).await;
    let s = sign_in(env, "ann").await;
    let t = csrf(env, &s).await;
    let users = page(env, "/admin/users", &s).await.text();
    assert!(users.contains("ann (you)") && users.contains("cole"));
    let r = post_form(
        env,
        "/admin/users",
        &s,
        &[
            ("csrf", &t),
            ("username", "dee"),
            ("person", "nobody"),
            ("role", "chief"),
            ("password", "short"),
        ],
    )
    .await;
    assert_eq!(r.status.as_u16(), 422);
    let text = r.text();
    assert!(
        text.contains("role: &#x60;chief&#x60; is not one of")
            || text.contains("role: `chief` is not one of"),
        "{text}"
    );
    assert!(text.contains("is not a person of the programme"));
    let r = post_form(
        env,
        "/admin/users",
        &s,
        &[
            ("csrf", &t),
            ("username", "dee"),
            ("person", "ceo"),
            ("role", "viewer"),
            ("password", "a long enough passphrase"),
        ],
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), location(&r)),
        (303, "/admin/users?done=added".into())
    );
    let r = post_form(
        env,
        "/admin/users/dee/role",
        &s,
        &[("csrf", &t), ("role", "reviewer")],
    )
    .await;
    assert_eq!(r.status.as_u16(), 303);
    let dee = env
        .state
        .store
        .accounts()
        .user("dee")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(dee.role, Role::Reviewer);
    let r = post_form(
        env,
        "/admin/users/ann/role",
        &s,
        &[("csrf", &t), ("role", "viewer")],
    )
    .await;
    assert_eq!(r.status.as_u16(), 422, "an admin cannot demote themself");
    let r = post_form(
        env,
        "/admin/users/ann/disabled",
        &s,
        &[("csrf", &t), ("disabled", "true")],
    )
    .await;
    assert_eq!(r.status.as_u16(), 422, "an admin cannot disable themself");
    let cole = sign_in(env, "cole").await;
    let r = post_form(
        env,
        "/admin/users/cole/disabled",
        &s,
        &[("csrf", &t), ("disabled", "true")],
    )
    .await;
    assert_eq!(r.status.as_u16(), 303);
    assert_eq!(
        location(&page(env, "/", &cole).await),
        "/sign-in",
        "the session ended"
    );
    // a token is shown once, works on the API, and stops working when revoked
    let r = post_form(
        env,
        "/admin/tokens",
        &s,
        &[
            ("csrf", &t),
            ("username", "dee"),
            ("name", ""),
            ("expires_days", "0"),
        ],
    )
    .await;
    assert_eq!(r.status.as_u16(), 422);
    let r = post_form(
        env,
        "/admin/tokens",
        &s,
        &[
            ("csrf", &t),
            ("username", "dee"),
            ("name", "ci import"),
            ("expires_days", "30"),
        ],
    )
    .await;
    assert_eq!(r.status.as_u16(), 200);
    let html = r.text();
    let start = html.find("value=\"c9t").expect("the secret is shown") + 7;
    let secret = &html[start..start + html[start..].find('"').unwrap()];
    assert_eq!(
        env.get("/api/v1/measures", Some(secret))
            .await
            .status
            .as_u16(),
        200
    );
    assert!(
        !page(env, "/admin/tokens", &s).await.text().contains(secret),
        "shown only once"
    );
    let id = env
        .state
        .store
        .accounts()
        .tokens(Some("dee"))
        .await
        .unwrap()[0]
        .id;
    let r = post_form(
        env,
        &format!("/admin/tokens/{id}/revoke"),
        &s,
        &[("csrf", &t)],
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), location(&r)),
        (303, "/admin/tokens?done=revoked".into())
    );
    assert_eq!(
        env.get("/api/v1/measures", Some(secret))
            .await
            .status
            .as_u16(),
        401
    );
    let log = page(env, "/admin/audit-log", &s).await.text();
    assert!(log.contains("The chain verifies"), "{log}");
    for kind in [
        "user.added",
        "user.role_changed",
        "user.disabled",
        "token.revoked",
    ] {
        assert!(log.contains(kind), "{kind} in the log page");
    }
}

pub(crate) async fn measure_page_shows_the_analysis_and_the_dashboard_what_changed(env: &Env) {
    let token = env.user("sec", "security_lead", Role::Collector).await;
    // ten months of M-AW-01 rising steadily, then a drop in the last month
    let trained = [300, 320, 340, 360, 380, 400, 420, 440, 460, 200];
    for (i, t) in trained.iter().enumerate() {
        let period = format!("2026-{:02}", i + 1);
        let r = env
            .post_json(
                "/api/v1/observations",
                Some(&token),
                serde_json::json!({"measure": "M-AW-01", "period": period, "values": {"trained": t, "headcount": 500},
                                   "evidence": "https://lms.example.com/r"}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 201, "{}", r.text());
    }
    // the page shows what core's analysis computes, in words
    let programme = env.state.programme.current().unwrap();
    let m = programme.measure("M-AW-01").unwrap();
    let history = env.state.store.history("M-AW-01").await.unwrap();
    let today: jiff::civil::Date = "2026-11-15".parse().unwrap();
    let a = clause9_core::analysis::analyse(
        &programme.settings,
        m,
        &history,
        "2026-10".parse().unwrap(),
        today,
    );
    let s = sign_in(env, "sec").await;
    let r = page(env, "/measures/M-AW-01", &s).await;
    assert_eq!(r.status.as_u16(), 200);
    let html = r.text();
    assert!(html.contains("Analysis up to 2026-10"), "{html}");
    assert_eq!(a.trend.points, 10);
    let verdict = a.trend.verdict.expect("ten points give a trend").as_str();
    assert!(
        html.contains(&format!("v-{verdict}\">{verdict}</strong> over 10 points")),
        "{verdict}: {html}"
    );
    let centre = a.control.centre.expect("ten points give limits");
    assert!(
        html.contains(&format!(
            "XmR over 10 points: centre {}",
            clause9_server::web::svg::short(centre)
        )),
        "{html}"
    );
    // the chart draws those limits (monthly collection = monthly reporting), labelled in words
    let short = clause9_server::web::svg::short;
    let (lower, upper) = (a.control.lower.unwrap(), a.control.upper.unwrap());
    for label in [
        format!("centre line {}", short(centre)),
        format!("upper control limit {}", short(upper)),
        format!("lower control limit {}", short(lower)),
    ] {
        assert!(
            html.contains(&format!(">{label}</text>")),
            "{label}: {html}"
        );
    }
    for class in [
        "limit limit-centre",
        "limit limit-upper",
        "limit limit-lower",
    ] {
        assert_eq!(
            html.matches(&format!("<line class=\"{class}\"")).count(),
            1,
            "{class}"
        );
    }
    assert!(
        html.contains("the dotted line is the centre line"),
        "the caption says which line is which"
    );
    assert!(!a.control.signals.is_empty(), "the drop is a signal");
    assert!(
        html.contains("a value beyond the control limits") || html.contains("in a row"),
        "{html}"
    );
    assert!(
        html.contains(&a.forecast.note.replace('\'', "&#x27;")) || html.contains(&a.forecast.note)
    );
    assert!(html.contains("A.6.3"), "linked controls are listed");
    assert!(html.contains("None raised from or verified through this measure."));
    // the dashboard names the measure whose status changed from September to October
    let dashboard = page(env, "/", &s).await.text();
    assert!(
        dashboard.contains("What changed since 2026-09 (1)"),
        "{dashboard}"
    );
    assert!(dashboard.contains("M-AW-01</a> Security awareness training completion: <span class=\"change c-worse\">worse</span>"), "{dashboard}");
}

pub(crate) async fn an_automatic_check_waits_for_periods_after_the_actions(env: &Env) {
    env.user("ann", "security_lead", Role::Owner).await;
    let s = sign_in(env, "ann").await;
    let t = csrf(env, &s).await;
    let t = t.as_str();
    let r = post_form(
        env,
        "/nonconformities",
        &s,
        &[
            ("csrf", t),
            ("source", "other"),
            ("reference", "walkthrough"),
            ("description", "Training lapsed"),
            ("severity", "major"),
            ("why", "seen on a walkthrough"),
        ],
    )
    .await;
    assert_eq!(r.status.as_u16(), 303);
    for (name, fields) in [
        (
            "correct",
            vec![("correction", "reminded staff"), ("why", "contain")],
        ),
        (
            "analyse",
            vec![
                ("cause", "no reminders"),
                ("extent", "all staff"),
                ("why", "analysis"),
            ],
        ),
        (
            "action",
            vec![
                ("description", "Send reminders"),
                ("owner", "ceo"),
                ("due", "2026-12-01"),
                ("success", "M-AW-01 green"),
                ("why", "plan"),
            ],
        ),
        (
            "implement",
            vec![("action", "A1"), ("note", "sent"), ("why", "done")],
        ),
        (
            "check",
            vec![
                ("date", "2026-11-15"),
                ("method", "measure"),
                ("measure", "M-AW-01"),
                ("periods", "1"),
                ("why", "plan"),
            ],
        ),
    ] {
        let r = nc_step(env, &s, t, name, &fields).await;
        assert_eq!(r.status.as_u16(), 303, "{name}: {}", r.text());
    }
    let shown = page(env, "/nonconformities/NC-0001", &s).await.text();
    assert!(
        shown.contains("automatic: M-AW-01 must be green for 1 consecutive collection periods")
    );
    assert!(
        shown.contains("Run the check"),
        "no verdict is asked of the person"
    );
    // October started before the action was implemented, so it does not count
    let r = nc_step(env, &s, t, "verify", &[("why", "checked")]).await;
    assert_eq!(r.status.as_u16(), 422);
    assert!(
        r.text().contains(
            "not enough data to verify yet (M-AW-01 over the last 1 periods: 2026-10 no_data)"
        ),
        "{}",
        r.text()
    );
    let events = nonconformity_events(env).await;
    assert_eq!(
        events.last().unwrap().1,
        "check_planned",
        "nothing was recorded"
    );
}
