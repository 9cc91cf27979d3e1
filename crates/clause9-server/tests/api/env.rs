//! The test environment: the starter programme in a temporary directory, a
//! store (a SQLite file, or a fresh PostgreSQL schema when
//! `CLAUSE9_TEST_POSTGRES_URL` is set), the router with a fixed clock, and
//! helpers to make users and requests.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use clause9_server::programme::ProgrammeCell;
use clause9_server::secret::{hash_password, new_secret, sha256_hex};
use clause9_server::{AppState, Settings};
use clause9_store::Store;
use clause9_store::accounts::{Change, NewUser, Role};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{AssertSqlSafe, Connection};
use tower::ServiceExt as _;

pub(crate) const PASSWORD: &str = "correct horse battery staple";
pub(crate) const NOW: &str = "2026-11-15T12:00:00Z";

/// One argon2id hash of `PASSWORD`, computed once (hashing is slow in debug builds).
static PASSWORD_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password(PASSWORD).unwrap());

pub(crate) struct Env {
    pub dir: tempfile::TempDir,
    pub state: AppState,
    pub app: Router,
    /// Moves the server's clock (it starts at `NOW`).
    pub clock: clause9_app::SetTime,
    pg: Option<(String, String)>,
}

pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The error code of an error body.
    pub(crate) fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}

pub(crate) fn starter_source() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../clause9-cli/programmes/starter")
}

/// Copies the starter's programme files (not its samples) into `to`.
pub(crate) fn write_programme(to: &Path) {
    let from = starter_source();
    std::fs::create_dir_all(to.join("measures")).unwrap();
    std::fs::copy(from.join("clause9.toml"), to.join("clause9.toml")).unwrap();
    for e in std::fs::read_dir(from.join("measures")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join("measures").join(e.file_name())).unwrap();
    }
}

pub(crate) fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    #[allow(clippy::disallowed_methods)] // a unique name, not a date
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{prefix}_{}_{nanos}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

impl Env {
    pub(crate) async fn sqlite() -> Env {
        let dir = tempfile::tempdir().unwrap();
        write_programme(dir.path());
        let store: Arc<dyn Store> = Arc::new(
            clause9_store::open_sqlite(&dir.path().join(".clause9/clause9.db"))
                .await
                .unwrap(),
        );
        Env::with(dir, store, None)
    }

    pub(crate) async fn postgres(case: &str) -> Option<Env> {
        let Ok(url) = std::env::var("CLAUSE9_TEST_POSTGRES_URL") else {
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED postgres case `{case}`: set CLAUSE9_TEST_POSTGRES_URL"
            );
            return None;
        };
        let schema = unique("s");
        let mut admin = PgConnection::connect(&url).await.unwrap();
        sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut admin)
            .await
            .unwrap();
        let options = PgConnectOptions::from_str(&url)
            .unwrap()
            .options([("search_path", schema.as_str())]);
        let store: Arc<dyn Store> =
            Arc::new(clause9_store::open_postgres_with(options).await.unwrap());
        let dir = tempfile::tempdir().unwrap();
        write_programme(dir.path());
        Some(Env::with(dir, store, Some((url, schema))))
    }

    fn with(dir: tempfile::TempDir, store: Arc<dyn Store>, pg: Option<(String, String)>) -> Env {
        let programme = Arc::new(ProgrammeCell::open(dir.path()));
        let settings = Settings {
            max_evidence_bytes: 64 * 1024,
            ..Settings::default()
        };
        let (clock, hand) = clause9_app::Clock::set_by_test(NOW.parse().unwrap());
        let state = AppState::new(store, programme, settings, clock);
        let app = clause9_server::router(state.clone());
        Env {
            dir,
            state,
            app,
            clock: hand,
            pg,
        }
    }

    /// From now on the server's clock says `at` (an RFC 3339 instant).
    pub(crate) fn set_now(&self, at: &str) {
        self.clock.set(at.parse().unwrap());
    }

    /// Adds a user with `PASSWORD` and returns a fresh API token of theirs.
    pub(crate) async fn user(&self, name: &str, person: &str, role: Role) -> String {
        let accounts = self.state.store.accounts();
        let change = Change {
            actor: "test".into(),
            at: NOW.parse().unwrap(),
        };
        accounts
            .add_user(
                &NewUser {
                    username: name.into(),
                    person: person.into(),
                    role,
                    password_hash: Some(PASSWORD_HASH.clone()),
                },
                &change,
            )
            .await
            .unwrap();
        let token = new_secret("c9t");
        accounts
            .add_token(name, "test", &sha256_hex(&token), None, &change)
            .await
            .unwrap();
        token
    }

    pub(crate) async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    pub(crate) async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        let mut request = Request::get(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    pub(crate) async fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: serde_json::Value,
    ) -> Reply {
        let mut request = Request::post(path).header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.send(request.body(Body::from(body.to_string())).unwrap())
            .await
    }

    /// A `--database-url` reaching this PostgreSQL schema (`None` on SQLite,
    /// whose file is found from the directory).
    #[allow(dead_code)]
    pub(crate) fn postgres_url(&self) -> Option<String> {
        self.pg.as_ref().map(|(url, schema)| {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}options[search_path]={schema}")
        })
    }

    pub(crate) async fn finish(self) {
        if let Some((url, schema)) = &self.pg {
            let mut admin = PgConnection::connect(url).await.unwrap();
            sqlx::query(AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                .execute(&mut admin)
                .await
                .unwrap();
        }
    }
}
