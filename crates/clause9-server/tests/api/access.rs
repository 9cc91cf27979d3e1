//! Access rules: no credentials → 401; a role or person without the right → 403;
//! sessions with CSRF tokens; sign-in throttling; revoked tokens and
//! disabled users.

use axum::body::Body;
use axum::http::{Request, header};
use clause9_store::accounts::{Change, Role};
use serde_json::json;

use crate::env::{Env, NOW, PASSWORD, Reply};

fn aw(period: &str) -> serde_json::Value {
    json!({"measure": "M-AW-01", "period": period, "values": {"headcount": 480}})
}

pub(crate) async fn requests_without_credentials_get_401(env: &Env) {
    for path in [
        "/api/v1/measures",
        "/api/v1/measures/M-AW-01",
        "/api/v1/evaluations",
        "/api/v1/programme",
        "/api/v1/session",
        "/api/v1/users",
        "/api/v1/audit-log",
        "/api/v1/audit-log/verify",
        "/metrics",
    ] {
        let reply = env.get(path, None).await;
        assert_eq!(
            (reply.status.as_u16(), reply.code()),
            (401, "unauthenticated".into()),
            "{path}"
        );
        let forged = env.get(path, Some("c9t_0000")).await;
        assert_eq!(forged.status, 401, "{path}");
    }
    for path in ["/api/v1/observations", "/api/v1/users"] {
        assert_eq!(
            env.post_json(path, None, json!({})).await.status,
            401,
            "{path}"
        );
    }
    let basic = env
        .send(
            Request::get("/api/v1/measures")
                .header(header::AUTHORIZATION, "Basic YTpi")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(basic.status, 401);
}

pub(crate) async fn collectors_record_only_their_measures(env: &Env) {
    let it = env.user("it", "it_lead", Role::Collector).await;
    let ceo = env.user("ceo", "ceo", Role::Collector).await;
    let refused = env
        .post_json("/api/v1/observations", Some(&it), aw("2026-10"))
        .await;
    assert_eq!(
        (refused.status.as_u16(), refused.code().as_str()),
        (403, "forbidden")
    );
    assert_eq!(
        refused.json()["error"]["message"],
        "it may not record values of M-AW-01: its collector is `security_lead`"
    );
    assert_eq!(env.state.store.history("M-AW-01").await.unwrap().len(), 0);
    // Make the group `board` (ceo, security_lead) collect M-PHI-01.
    let file = env.dir.path().join("measures/m-phi-01.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("collector = \"security_lead\"", "collector = \"board\""),
    )
    .unwrap();
    assert!(matches!(
        env.state.programme.reload(),
        clause9_server::programme::Reloaded::Changed(_)
    ));
    let phi = |token: String| async move {
        env.post_json(
            "/api/v1/observations",
            Some(&token),
            json!({"measure": "M-PHI-01", "period": "2026-10", "values": {"emails_delivered": 400}}),
        )
        .await
    };
    let member = phi(ceo).await;
    assert_eq!(member.status, 201, "{}", member.text());
    assert_eq!(phi(it).await.status, 403);
}

pub(crate) async fn roles_that_may_not_record_get_403(env: &Env) {
    for (name, role) in [
        ("an", Role::Analyst),
        ("au", Role::Auditor),
        ("re", Role::Reviewer),
        ("vi", Role::Viewer),
    ] {
        let token = env.user(name, "security_lead", role).await;
        let reply = env
            .post_json("/api/v1/observations", Some(&token), aw("2026-10"))
            .await;
        assert_eq!(reply.status, 403, "{role:?}");
        // Reading is allowed.
        assert_eq!(
            env.get("/api/v1/evaluations", Some(&token)).await.status,
            200
        );
    }
    let owner = env.user("own", "security_lead", Role::Owner).await;
    assert_eq!(
        env.post_json("/api/v1/observations", Some(&owner), aw("2026-10"))
            .await
            .status,
        201
    );
    let admin = env.user("adm", "it_lead", Role::Admin).await;
    assert_eq!(
        env.post_json("/api/v1/observations", Some(&admin), aw("2026-09"))
            .await
            .status,
        201
    );
}

pub(crate) async fn only_admins_manage_users(env: &Env) {
    let admin = env.user("adm", "security_lead", Role::Admin).await;
    let body = json!({"username": "newbie", "person": "it_lead", "role": "viewer", "password": "a long enough password"});
    for role in [Role::Owner, Role::Collector, Role::Auditor, Role::Viewer] {
        let token = env.user(&format!("u{}", role.as_str()), "ceo", role).await;
        assert_eq!(
            env.get("/api/v1/users", Some(&token)).await.status,
            403,
            "{role:?}"
        );
        assert_eq!(
            env.post_json("/api/v1/users", Some(&token), body.clone())
                .await
                .status,
            403,
            "{role:?}"
        );
    }
    let created = env
        .post_json("/api/v1/users", Some(&admin), body.clone())
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let again = env.post_json("/api/v1/users", Some(&admin), body).await;
    assert_eq!(again.status, 422);
    let bad = env
        .post_json(
            "/api/v1/users",
            Some(&admin),
            json!({"username": "x", "person": "nobody", "role": "king", "password": "short"}),
        )
        .await;
    assert_eq!(bad.json()["error"]["details"].as_array().unwrap().len(), 3);
    let list = env
        .get("/api/v1/users?per_page=500", Some(&admin))
        .await
        .json();
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["username"] == "newbie")
    );
    assert!(!list.to_string().contains("argon2"));
}

pub(crate) async fn only_admins_and_auditors_read_the_audit_log(env: &Env) {
    let collector = env.user("col", "security_lead", Role::Collector).await;
    let auditor = env.user("aud", "ceo", Role::Auditor).await;
    assert_eq!(
        env.get("/api/v1/audit-log", Some(&collector)).await.status,
        403
    );
    assert_eq!(
        env.get("/api/v1/audit-log/verify", Some(&collector))
            .await
            .status,
        403
    );
    let log = env
        .get("/api/v1/audit-log?limit=2", Some(&auditor))
        .await
        .json();
    assert_eq!(log.as_array().unwrap().len(), 2);
    let verify = env
        .get("/api/v1/audit-log/verify", Some(&auditor))
        .await
        .json();
    assert_eq!(verify["problem"], serde_json::Value::Null);
}

async fn login(env: &Env, username: &str, password: &str, from: [u8; 4]) -> Reply {
    let addr = std::net::SocketAddr::from((from, 40000));
    let mut request = Request::post("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"username": username, "password": password}).to_string(),
        ))
        .unwrap();
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(addr));
    env.send(request).await
}

pub(crate) async fn sessions_need_csrf_and_end_on_logout(env: &Env) {
    env.user("sec", "security_lead", Role::Collector).await;
    let reply = login(env, "sec", PASSWORD, [127, 0, 0, 1]).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let cookie = reply
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(
        cookie.starts_with("__Host-clause9_session=c9s_"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_string();
    let csrf = reply.json()["csrf"].as_str().unwrap().to_string();
    let with_cookie =
        |method: &str, path: &str, csrf: Option<&str>, body: Option<serde_json::Value>| {
            let mut r = Request::builder()
                .method(method)
                .uri(path)
                .header(header::COOKIE, pair.clone());
            if let Some(c) = csrf {
                r = r.header("x-csrf-token", c);
            }
            if body.is_some() {
                r = r.header(header::CONTENT_TYPE, "application/json");
            }
            r.body(body.map_or(Body::empty(), |b| Body::from(b.to_string())))
                .unwrap()
        };
    let me = env
        .send(with_cookie("GET", "/api/v1/session", None, None))
        .await;
    assert_eq!(
        (me.json()["username"].as_str(), me.json()["csrf"].as_str()),
        (Some("sec"), Some(csrf.as_str()))
    );
    let no_csrf = env
        .send(with_cookie(
            "POST",
            "/api/v1/observations",
            None,
            Some(aw("2026-10")),
        ))
        .await;
    assert_eq!(
        (no_csrf.status.as_u16(), no_csrf.code().as_str()),
        (403, "forbidden")
    );
    let wrong = env
        .send(with_cookie(
            "POST",
            "/api/v1/observations",
            Some("c9c_wrong"),
            Some(aw("2026-10")),
        ))
        .await;
    assert_eq!(wrong.status, 403);
    let ok = env
        .send(with_cookie(
            "POST",
            "/api/v1/observations",
            Some(&csrf),
            Some(aw("2026-10")),
        ))
        .await;
    assert_eq!(ok.status, 201, "{}", ok.text());
    assert_eq!(
        env.send(with_cookie("DELETE", "/api/v1/session", None, None))
            .await
            .status,
        403
    );
    let out = env
        .send(with_cookie("DELETE", "/api/v1/session", Some(&csrf), None))
        .await;
    assert_eq!(out.status, 204);
    assert!(
        out.headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(
        env.send(with_cookie("GET", "/api/v1/session", None, None))
            .await
            .status,
        401
    );
    let wrong_password = login(env, "sec", "not the password", [127, 0, 0, 1]).await;
    assert_eq!(wrong_password.status, 401);
    let unknown = login(env, "ghost", PASSWORD, [127, 0, 0, 1]).await;
    assert_eq!(unknown.status, 401);
    assert_eq!(
        wrong_password.json()["error"]["message"],
        unknown.json()["error"]["message"]
    );
}

pub(crate) async fn failed_sign_ins_are_throttled(env: &Env) {
    env.user("sec", "security_lead", Role::Collector).await;
    env.user("it", "it_lead", Role::Collector).await;
    // Per account: five failures from anywhere lock the account for the window.
    for i in 0..5 {
        assert_eq!(login(env, "sec", "wrong", [10, 0, 0, i]).await.status, 401);
    }
    let locked = login(env, "sec", PASSWORD, [10, 0, 1, 1]).await;
    assert_eq!(
        (locked.status.as_u16(), locked.code().as_str()),
        (429, "too_many_requests")
    );
    assert_eq!(
        login(env, "it", PASSWORD, [10, 0, 1, 1]).await.status,
        200,
        "other accounts still sign in"
    );
    // Per address: twenty failures from one address block it for every account.
    for i in 0..20 {
        let _ = login(env, &format!("nobody{i}"), "wrong", [192, 168, 1, 9]).await;
    }
    assert_eq!(
        login(env, "it", PASSWORD, [192, 168, 1, 9]).await.status,
        429
    );
    assert_eq!(
        login(env, "it", PASSWORD, [192, 168, 1, 10]).await.status,
        200
    );
}

pub(crate) async fn revoked_and_disabled_get_401(env: &Env) {
    let token = env.user("sec", "security_lead", Role::Collector).await;
    assert_eq!(env.get("/api/v1/measures", Some(&token)).await.status, 200);
    let change = Change {
        actor: "test".into(),
        at: NOW.parse().unwrap(),
    };
    let accounts = env.state.store.accounts();
    let id = accounts.tokens(Some("sec")).await.unwrap()[0].id;
    accounts.revoke_token(id, &change).await.unwrap();
    assert_eq!(env.get("/api/v1/measures", Some(&token)).await.status, 401);
    let other = env.user("it", "it_lead", Role::Collector).await;
    accounts.set_disabled("it", true, &change).await.unwrap();
    assert_eq!(env.get("/api/v1/measures", Some(&other)).await.status, 401);
    assert_eq!(login(env, "it", PASSWORD, [127, 0, 0, 1]).await.status, 401);
}
