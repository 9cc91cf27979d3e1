//! OIDC sign-in against a real OpenID Connect provider: the `oidc-provider`
//! package (pinned in `e2e/oidc-provider/`) run with node on a loopback
//! port, and the real server on another. A Rust HTTP client plays the
//! browser: it follows the redirects and submits the provider's login and
//! consent forms. Proves: a known user is signed in with a database
//! session; a tampered state, a wrong PKCE verifier and a wrong nonce are
//! refused; an unknown identity and a disabled account are refused with a
//! clear page; in `email` mode the verified email names the account and an
//! unverified one is refused. Runs on
//! SQLite, and on PostgreSQL when `CLAUSE9_TEST_POSTGRES_URL` is set.
//!
//! Needs `npm ci` in `e2e/oidc-provider` (scripts/test runs it and sets
//! `CLAUSE9_TEST_OIDC_REQUIRED=1`, which turns a missing provider into a
//! failure instead of a skip).

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use clause9_server::Settings;
use clause9_server::oidc::{OidcConfig, UsernameClaim};
use clause9_server::serve::{Running, ServeOptions, start};
use clause9_store::accounts::Role;
use reqwest::cookie::{CookieStore as _, Jar};
use reqwest::{StatusCode, Url};

#[path = "api/env.rs"]
#[allow(dead_code)]
mod env;

use env::Env;

const CLIENT_ID: &str = "clause9-test";

fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../e2e/oidc-provider")
}

/// A free loopback port (bound, read, released).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The node process of the provider; killed when dropped.
struct Provider {
    child: Child,
    issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn provider(port: u16, secret: &str, redirect: &str) -> Provider {
    let mut child = Command::new("node")
        .arg("provider.mjs")
        .arg(port.to_string())
        .arg(CLIENT_ID)
        .arg(secret)
        .arg(redirect)
        .current_dir(provider_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node runs (scripts/test installs nodejs)");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while out.read_line(&mut line).unwrap() > 0 {
        if let Some(issuer) = line.trim().strip_prefix("listening on ") {
            // Keep reading: a closed pipe would stop node at its next line.
            std::thread::spawn(move || {
                let mut rest = String::new();
                while out.read_line(&mut rest).is_ok_and(|n| n > 0) {
                    rest.clear();
                }
            });
            return Provider {
                issuer: issuer.to_string(),
                child,
            };
        }
        line.clear();
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the OIDC provider did not start");
}

/// Whether the provider's packages are installed; skips (or fails, when
/// required) otherwise.
fn provider_installed(case: &str) -> bool {
    if provider_dir().join("node_modules/oidc-provider").is_dir() {
        return true;
    }
    assert!(
        std::env::var_os("CLAUSE9_TEST_OIDC_REQUIRED").is_none(),
        "run `npm ci` in e2e/oidc-provider: the OIDC tests need the provider"
    );
    eprintln!("SKIPPED OIDC case `{case}`: run `npm ci` in e2e/oidc-provider");
    false
}

macro_rules! both {
    ($($case:ident),* $(,)?) => {$(
        mod $case {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if !crate::provider_installed(stringify!($case)) {
                    return;
                }
                let env = crate::Env::sqlite().await;
                crate::$case(&env).await;
                env.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if !crate::provider_installed(stringify!($case)) {
                    return;
                }
                if let Some(env) = crate::Env::postgres(stringify!($case)).await {
                    crate::$case(&env).await;
                    env.finish().await;
                }
            }
        }
    )*};
}

both!(
    sign_in_through_a_real_provider,
    email_claim_and_disabled_accounts
);

/// A browser: its own cookies, redirects followed by hand.
struct Browser {
    http: reqwest::Client,
    jar: Arc<Jar>,
}

impl Browser {
    fn new() -> Browser {
        let jar = Arc::new(Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        Browser { http, jar }
    }

    /// From `/oidc/start` through the provider's login (as `login`) and
    /// consent forms to the URL of the server's callback (not yet visited).
    async fn through_provider(&self, server: &str, login: &str) -> String {
        let start = self
            .http
            .get(format!("{server}/oidc/start"))
            .send()
            .await
            .unwrap();
        assert_eq!(start.status(), StatusCode::SEE_OTHER);
        let mut url = Url::parse(location(&start)).unwrap();
        let query: String = url.query().unwrap_or("").into();
        for part in [
            "response_type=code",
            "code_challenge_method=S256",
            "code_challenge=",
            "state=",
            "nonce=",
        ] {
            assert!(query.contains(part), "{part} in {query}");
        }
        let callback = format!("{server}/oidc/callback");
        for _ in 0..20 {
            if url.as_str().starts_with(&callback) {
                return url.to_string();
            }
            let r = self.http.get(url.clone()).send().await.unwrap();
            if r.status().is_redirection() {
                url = url.join(location(&r)).unwrap();
                continue;
            }
            assert_eq!(r.status(), StatusCode::OK, "{url}");
            let html = r.text().await.unwrap();
            let action = attribute(&html, "action=\"").expect("a form");
            let prompt = attribute(&html, "name=\"prompt\" value=\"").expect("a prompt");
            let fields: Vec<(&str, &str)> = match prompt.as_str() {
                "login" => vec![("prompt", "login"), ("login", login), ("password", "any")],
                other => vec![("prompt", other)],
            };
            let posted = self
                .http
                .post(url.join(&action).unwrap())
                .form(&fields)
                .send()
                .await
                .unwrap();
            assert!(posted.status().is_redirection(), "{}", posted.status());
            url = url.join(location(&posted)).unwrap();
        }
        panic!("the provider never sent the browser back");
    }

    async fn get(&self, url: &str) -> (StatusCode, String) {
        let r = self.http.get(url).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }

    /// The flow cookie's value at `server`.
    fn flow_cookie(&self, server: &str) -> String {
        let url = Url::parse(server).unwrap();
        let header = self.jar.cookies(&url).expect("cookies");
        header
            .to_str()
            .unwrap()
            .split("; ")
            .find_map(|c| c.strip_prefix("clause9_oidc="))
            .expect("the flow cookie")
            .to_string()
    }

    fn set_flow_cookie(&self, server: &str, value: &str) {
        self.jar.add_cookie_str(
            &format!("clause9_oidc={value}; Path=/"),
            &Url::parse(server).unwrap(),
        );
    }
}

fn location(r: &reqwest::Response) -> &str {
    r.headers()
        .get(reqwest::header::LOCATION)
        .expect("a Location")
        .to_str()
        .unwrap()
}

/// The text after `prefix` up to the next `"`.
fn attribute(html: &str, prefix: &str) -> Option<String> {
    let at = html.find(prefix)? + prefix.len();
    let end = html[at..].find('"')?;
    Some(html[at..at + end].replace("&amp;", "&"))
}

async fn server(env: &Env, port: u16, issuer: &str, secret: &str) -> Running {
    server_with(env, port, issuer, secret, UsernameClaim::PreferredUsername).await
}

async fn server_with(
    env: &Env,
    port: u16,
    issuer: &str,
    secret: &str,
    username_claim: UsernameClaim,
) -> Running {
    start(
        ServeOptions {
            dir: env.dir.path().to_path_buf(),
            listen: format!("127.0.0.1:{port}").parse().unwrap(),
            database_url: env.postgres_url(),
            settings: Settings {
                secure_cookies: false,
                oidc: Some(OidcConfig {
                    issuer: issuer.into(),
                    client_id: CLIENT_ID.into(),
                    client_secret: Some(secret.into()),
                    provider_name: "Test Identity".into(),
                    redirect_url: format!("http://127.0.0.1:{port}/oidc/callback"),
                    username_claim,
                }),
                ..Settings::default()
            },
            today: None,
        },
        false,
    )
    .await
    .unwrap()
}

async fn sign_in_through_a_real_provider(env: &Env) {
    env.user("alice", "security_lead", Role::Viewer).await;
    let secret = clause9_server::secret::new_secret("oidc");
    let port = free_port();
    let provider = provider(
        free_port(),
        &secret,
        &format!("http://127.0.0.1:{port}/oidc/callback"),
    );
    let running = server(env, port, &provider.issuer, &secret).await;
    let base = format!("http://{}", running.addr);

    // The sign-in page offers the provider.
    let browser = Browser::new();
    let (status, page) = browser.get(&format!("{base}/sign-in")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("href=\"/oidc/start\""), "{page}");
    assert!(page.contains("Sign in with Test Identity"), "{page}");

    // Success: a known user gets a normal database session.
    let (status, _) = browser.get(&format!("{base}/api/v1/session")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let callback = browser.through_provider(&base, "alice").await;
    let (status, page) = browser.get(&callback).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Signed in"), "{page}");
    assert!(page.contains("url=/"), "continues to the dashboard: {page}");
    let (status, me) = browser.get(&format!("{base}/api/v1/session")).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    let me: serde_json::Value = serde_json::from_str(&me).unwrap();
    assert_eq!(me["username"], "alice");
    assert_eq!(me["role"], "viewer");
    let (status, dashboard) = browser.get(&format!("{base}/")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(dashboard.contains("alice (viewer)"), "{dashboard}");
    // The code and the flow cookie are spent: the same answer again (in a
    // browser without the cookie) is refused.
    let replay = Browser::new();
    let (status, page) = replay.get(&callback).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("not started in this browser"), "{page}");

    // A tampered state is refused, and no session starts.
    let browser = Browser::new();
    let callback = browser.through_provider(&base, "alice").await;
    let tampered = callback.replace("state=", "state=x");
    assert_ne!(tampered, callback);
    let (status, page) = browser.get(&tampered).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert!(page.contains("the state does not match"), "{page}");
    let (status, _) = browser.get(&format!("{base}/api/v1/session")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A wrong PKCE verifier: the provider refuses the code.
    let browser = Browser::new();
    let callback = browser.through_provider(&base, "alice").await;
    let flow = browser.flow_cookie(&base);
    let (state, rest) = flow.split_once('.').unwrap();
    let (nonce, _verifier) = rest.split_once('.').unwrap();
    let wrong = clause9_server::secret::new_secret("v").replace('_', "-");
    browser.set_flow_cookie(
        &base,
        &format!("{state}.{nonce}.{wrong}xxxxxxxxxxxxxxxxxxxxxxxx"),
    );
    let (status, page) = browser.get(&callback).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{page}");
    assert!(page.contains("could not complete the sign-in"), "{page}");
    let (status, _) = browser.get(&format!("{base}/api/v1/session")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A wrong nonce: the ID token is not accepted.
    let browser = Browser::new();
    let callback = browser.through_provider(&base, "alice").await;
    let flow = browser.flow_cookie(&base);
    let (state, rest) = flow.split_once('.').unwrap();
    let (_nonce, verifier) = rest.split_once('.').unwrap();
    browser.set_flow_cookie(&base, &format!("{state}.othernonce.{verifier}"));
    let (status, page) = browser.get(&callback).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{page}");
    assert!(page.contains("could not be verified"), "{page}");
    let (status, _) = browser.get(&format!("{base}/api/v1/session")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // An identity without a clause9 account is refused with a clear page.
    let browser = Browser::new();
    let callback = browser.through_provider(&base, "mallory").await;
    let (status, page) = browser.get(&callback).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
    assert!(
        page.contains("as `mallory`, but no clause9 account has that username"),
        "{page}"
    );
    let (status, _) = browser.get(&format!("{base}/api/v1/session")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    running.stop().await.unwrap();
    drop(provider);
}

/// Signs in at the provider as `login` in a fresh browser: the callback's
/// status and page, and the session it started, if any.
async fn sign_in_as(base: &str, login: &str) -> (StatusCode, String, Option<serde_json::Value>) {
    let browser = Browser::new();
    let callback = browser.through_provider(base, login).await;
    let (status, page) = browser.get(&callback).await;
    let (session, me) = browser.get(&format!("{base}/api/v1/session")).await;
    let me = (session == StatusCode::OK).then(|| serde_json::from_str(&me).unwrap());
    (status, page, me)
}

/// The `email` claim mode, and accounts that exist but may not sign in.
async fn email_claim_and_disabled_accounts(env: &Env) {
    env.user("carol@example.test", "security_lead", Role::Owner)
        .await;
    env.user("dave@example.test", "it_lead", Role::Viewer).await;
    env.user("unverified-erin@example.test", "it_lead", Role::Viewer)
        .await;
    // a username equal to the login is not enough in email mode
    env.user("frank", "it_lead", Role::Viewer).await;
    env.state
        .store
        .accounts()
        .set_disabled(
            "dave@example.test",
            true,
            &clause9_store::accounts::Change {
                actor: "test".into(),
                at: env::NOW.parse().unwrap(),
            },
        )
        .await
        .unwrap();
    let secret = clause9_server::secret::new_secret("oidc");
    let port = free_port();
    let provider = provider(
        free_port(),
        &secret,
        &format!("http://127.0.0.1:{port}/oidc/callback"),
    );
    let running = server_with(env, port, &provider.issuer, &secret, UsernameClaim::Email).await;
    let base = format!("http://{}", running.addr);
    // The verified email names the account.
    let (status, page, me) = sign_in_as(&base, "carol").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let me = me.expect("a session");
    assert_eq!(me["username"], "carol@example.test");
    assert_eq!(me["role"], "owner");

    // Refused, each with a clear page and no session: a disabled account, an
    // email the provider has not verified, and (in email mode) a login name
    // that is a username but not the email.
    for (login, says) in [
        (
            "dave",
            "the clause9 account `dave@example.test` is disabled",
        ),
        (
            "unverified-erin",
            "has not verified the email address `unverified-erin@example.test`",
        ),
        (
            "frank",
            "as `frank@example.test`, but no clause9 account has that username (email)",
        ),
    ] {
        let (status, page, me) = sign_in_as(&base, login).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{login}: {page}");
        assert!(page.contains(says), "{login}: {page}");
        assert!(me.is_none(), "{login} got a session");
    }

    running.stop().await.unwrap();
    drop(provider);
}
