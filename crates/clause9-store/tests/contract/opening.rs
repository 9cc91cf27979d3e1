//! Opening stores: URL forms, refused URLs, and connection errors that must
//! not reveal the password in the URL.

use std::str::FromStr;

use clause9_store::{StoreError, open, open_postgres, open_sqlite};
use sqlx::postgres::PgConnectOptions;

use crate::fixture::POSTGRES_URL_VAR;

#[tokio::test]
async fn unsupported_urls_are_refused_without_echoing_them() {
    let err = open("mysql://root:hunter2@db/clause9").await.err().unwrap();
    assert!(matches!(err, StoreError::Url(_)), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("`mysql`") && !message.contains("hunter2"),
        "{message}"
    );
    for url in ["sqlite:", "sqlite://", "sqlite::memory:"] {
        let err = open(url).await.err().unwrap();
        assert!(matches!(err, StoreError::Url(_)), "{url}: {err:?}");
    }
}

#[tokio::test]
async fn bad_postgres_url_does_not_reveal_the_password() {
    let err = open_postgres("postgres://app:s3cret-pw@127.0.0.1:notaport/db")
        .await
        .err()
        .unwrap();
    let message = err.to_string();
    assert!(!message.contains("s3cret-pw"), "{message}");
}

#[tokio::test]
async fn sqlite_creates_the_directory_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a").join("b").join("clause9.db");
    let store = open_sqlite(&path).await.unwrap();
    assert!(path.is_file());
    assert_eq!(store.path(), path);
    store.close().await;
}

#[tokio::test]
async fn postgres_connection_error_does_not_reveal_the_password() {
    let Ok(url) = std::env::var(POSTGRES_URL_VAR) else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED postgres_connection_error_does_not_reveal_the_password: set {POSTGRES_URL_VAR} to run it"
        );
        return;
    };
    let server = PgConnectOptions::from_str(&url).unwrap();
    let bad = format!(
        "postgres://{}:Very%40Secret-42@{}:{}/clause9_no_such_database",
        server.get_username(),
        server.get_host(),
        server.get_port()
    );
    let err = open_postgres(&bad).await.err().unwrap();
    let message = err.to_string();
    assert!(matches!(err, StoreError::Database(_)), "{err:?}");
    assert!(message.contains("cannot connect to postgres"), "{message}");
    assert!(
        !message.contains("Secret-42") && !message.contains("Very"),
        "{message}"
    );
}
