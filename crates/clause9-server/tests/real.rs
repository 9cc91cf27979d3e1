//! Tests against the real server listening on a loopback port (reqwest over
//! TCP): sign-in with cookies, Bearer tokens, programme reloading through
//! the file watcher, two server processes sharing one PostgreSQL database,
//! and graceful shutdown. Each runs on SQLite, and on PostgreSQL when
//! `CLAUSE9_TEST_POSTGRES_URL` is set.

use std::time::Duration;

use clause9_server::Settings;
use clause9_server::serve::{Running, ServeOptions, start};
use clause9_store::accounts::Role;
use serde_json::json;

#[path = "api/env.rs"]
#[allow(dead_code)]
mod env;

use env::{Env, PASSWORD};

/// Where the test's store is, as a URL for `--database-url`.
fn database_url(env: &Env) -> Option<String> {
    env.postgres_url()
}

async fn server(env: &Env) -> Running {
    start(
        ServeOptions {
            dir: env.dir.path().to_path_buf(),
            listen: "127.0.0.1:0".parse().unwrap(),
            database_url: database_url(env),
            settings: Settings {
                secure_cookies: false,
                ..Settings::default()
            },
            today: None,
        },
        false,
    )
    .await
    .unwrap()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .no_proxy()
        .build()
        .unwrap()
}

macro_rules! both {
    ($($case:ident),* $(,)?) => {$(
        mod $case {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let env = crate::Env::sqlite().await;
                crate::$case(&env).await;
                env.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(env) = crate::Env::postgres(stringify!($case)).await {
                    crate::$case(&env).await;
                    env.finish().await;
                }
            }
        }
    )*};
}

both!(
    sign_in_record_and_sign_out_over_tcp,
    edits_are_picked_up_and_broken_ones_refused,
    servers_share_sessions_and_throttling,
    a_review_is_minuted_signed_and_locked_over_tcp
);

async fn sign_in_record_and_sign_out_over_tcp(env: &Env) {
    let token = env.user("sec", "security_lead", Role::Collector).await;
    let running = server(env).await;
    let base = format!("http://{}", running.addr);
    let http = client();
    assert_eq!(
        http.get(format!("{base}/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let bearer = http
        .get(format!("{base}/api/v1/evaluations?period=2026-10"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), 200);
    assert!(bearer.headers().contains_key("content-security-policy"));
    let body: serde_json::Value = bearer.json().await.unwrap();
    assert_eq!(body["period"], "2026-10");

    let login = http
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": "sec", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let csrf = login.json::<serde_json::Value>().await.unwrap()["csrf"]
        .as_str()
        .unwrap()
        .to_string();
    let values = json!({"measure": "M-AW-01", "period": "2026-10", "values": {"headcount": 480}});
    let refused = http
        .post(format!("{base}/api/v1/observations"))
        .json(&values)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "no CSRF token");
    let stored = http
        .post(format!("{base}/api/v1/observations"))
        .header("x-csrf-token", &csrf)
        .json(&values)
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), 201);
    let out = http
        .delete(format!("{base}/api/v1/session"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    assert_eq!(
        http.get(format!("{base}/api/v1/session"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    // Graceful shutdown: the server stops and the port closes.
    let addr = running.addr;
    running.stop().await.unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

async fn edits_are_picked_up_and_broken_ones_refused(env: &Env) {
    let token = env.user("sec", "security_lead", Role::Collector).await;
    let registers = env.dir.path().join("registers");
    std::fs::create_dir_all(&registers).unwrap();
    let reviews = registers.join("reviews.toml");
    std::fs::write(&reviews, "format = 1\ninterval_months = 6\n").unwrap();
    let running = server(env).await;
    let base = format!("http://{}", running.addr);
    let http = client();
    let status = || async {
        http.get(format!("{base}/api/v1/programme"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap()
    };
    assert_eq!(status().await["errors"], json!([]));
    let settings = env.dir.path().join("clause9.toml");
    let good = std::fs::read_to_string(&settings).unwrap();
    let mut readings = running.state.programme.subscribe();
    readings.borrow_and_update();

    // A broken edit: the last good programme stays, the errors are shown.
    std::fs::write(
        &settings,
        good.replace("format = 1", "format = 1\nbogus_key = ["),
    )
    .unwrap();
    wait_for_reading(&mut readings).await;
    let broken = status().await;
    assert!(!broken["errors"].as_array().unwrap().is_empty(), "{broken}");
    assert_eq!(broken["measures"], 5);
    let served = http
        .get(format!("{base}/api/v1/measures"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        served.status(),
        200,
        "still serving the last good programme"
    );

    // A good edit is picked up.
    std::fs::write(
        &settings,
        good.replace(
            "Example Ltd ISMS measurement programme",
            "Renamed programme",
        ),
    )
    .unwrap();
    wait_for_reading(&mut readings).await;
    let fixed = status().await;
    assert_eq!(
        (fixed["name"].as_str(), fixed["errors"].clone()),
        (Some("Renamed programme"), json!([]))
    );
    let log = running
        .state
        .store
        .audit_log()
        .entries(&Default::default())
        .await
        .unwrap();
    assert_eq!(
        log.iter().filter(|e| e.kind == "programme.loaded").count(),
        2
    );

    // The registers are read and watched with the programme: a broken
    // register keeps the last good pair, and a good edit is picked up.
    let interval = || {
        running
            .state
            .programme
            .current_with_registers()
            .unwrap()
            .1
            .review_interval_months
    };
    assert_eq!(interval(), 6);
    std::fs::write(&reviews, "format = 1\ninterval_months = \"often\"\n").unwrap();
    wait_for_reading(&mut readings).await;
    let broken = status().await;
    let errors = broken["errors"].to_string();
    assert!(errors.contains("reviews.toml"), "{broken}");
    assert_eq!(interval(), 6, "the last good registers stay");
    std::fs::write(&reviews, "format = 1\ninterval_months = 3\n").unwrap();
    wait_for_reading(&mut readings).await;
    assert_eq!(status().await["errors"], json!([]));
    assert_eq!(interval(), 3);
    running.stop().await.unwrap();
}

/// Waits (bounded) until the watcher has read the files again after a change
/// that is not yet reflected.
async fn wait_for_reading(readings: &mut tokio::sync::watch::Receiver<u64>) {
    tokio::time::timeout(Duration::from_secs(20), readings.changed())
        .await
        .expect("the watcher reloads the programme within 20 s")
        .unwrap();
}

async fn servers_share_sessions_and_throttling(env: &Env) {
    env.user("sec", "security_lead", Role::Collector).await;
    let (a, b) = (server(env).await, server(env).await);
    let http = client();
    let login = http
        .post(format!("http://{}/api/v1/session", a.addr))
        .json(&json!({"username": "sec", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    // The cookie jar is per host:port-less domain (127.0.0.1), so the session
    // made on A is sent to B, which knows it from the database.
    let me = http
        .get(format!("http://{}/api/v1/session", b.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    // Failed sign-ins on either server count together.
    let other = client();
    for server in [&a, &b, &a, &b, &a] {
        let r = other
            .post(format!("http://{}/api/v1/session", server.addr))
            .json(&json!({"username": "sec", "password": "wrong"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    let locked = other
        .post(format!("http://{}/api/v1/session", b.addr))
        .json(&json!({"username": "sec", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(locked.status(), 429);
    a.stop().await.unwrap();
    b.stop().await.unwrap();
}

/// The chair signs in with a session: writes need the CSRF token, the signed
/// minutes refuse further edits (409), and a viewer's token reads them.
async fn a_review_is_minuted_signed_and_locked_over_tcp(env: &Env) {
    env.user("robin", "ceo", Role::Reviewer).await;
    let viewer = env.user("vi", "it_lead", Role::Viewer).await;
    let running = server(env).await;
    let base = format!("http://{}", running.addr);
    let http = client();
    let login = http
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": "robin", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let csrf = login.json::<serde_json::Value>().await.unwrap()["csrf"]
        .as_str()
        .unwrap()
        .to_string();
    let post = |path: &str, body: serde_json::Value, csrf: Option<&str>| {
        let mut request = http.post(format!("{base}{path}")).json(&body);
        if let Some(csrf) = csrf {
            request = request.header("x-csrf-token", csrf);
        }
        request.send()
    };
    let open = json!({"title": "Autumn review", "date": "2026-11-14", "chair": "ceo"});
    let refused = post("/api/v1/reviews", open.clone(), None).await.unwrap();
    assert_eq!(refused.status(), 403, "no CSRF token");
    let opened = post("/api/v1/reviews", open, Some(&csrf)).await.unwrap();
    assert_eq!(opened.status(), 201);
    let attend = post(
        "/api/v1/reviews/MR-0001/attendees",
        json!({"person": "ceo"}),
        Some(&csrf),
    )
    .await
    .unwrap();
    assert_eq!(attend.status(), 200);
    let signed = post("/api/v1/reviews/MR-0001/signature", json!({}), Some(&csrf))
        .await
        .unwrap();
    assert_eq!(signed.status(), 200);
    let late = post(
        "/api/v1/reviews/MR-0001/decisions",
        json!({"kind": "change", "text": "too late"}),
        Some(&csrf),
    )
    .await
    .unwrap();
    assert_eq!(late.status(), 409);
    let body: serde_json::Value = late.json().await.unwrap();
    assert_eq!(body["error"]["code"], "locked");
    let read = http
        .get(format!("{base}/api/v1/reviews/MR-0001"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);
    let review: serde_json::Value = read.json().await.unwrap();
    assert_eq!(review["state"], "signed");
    assert_eq!(review["events"].as_array().unwrap().len(), 3);
    running.stop().await.unwrap();
}
