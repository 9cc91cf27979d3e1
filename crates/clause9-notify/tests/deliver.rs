//! Delivery against real servers on loopback: an SMTP server (Debian's
//! python3-aiosmtpd) and an HTTP listener for webhooks; preferences choose
//! what each person receives, and each notice goes out once.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;

use axum::Json;
use axum::routing::post;
use clause9_notify::{Channels, Mailer, NoticeKind, collection_notices, deliver, turned_red};
use clause9_store::accounts::Change;
use jiff::Timestamp;
use tokio::sync::mpsc;

fn programme(dir: &std::path::Path) -> clause9_core::Programme {
    let from =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../clause9-cli/programmes/starter");
    let read = |p: std::path::PathBuf| clause9_core::SourceFile {
        path: p.display().to_string(),
        text: std::fs::read_to_string(&p).unwrap(),
    };
    let _ = dir;
    let mut measures: Vec<_> = std::fs::read_dir(from.join("measures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    measures.sort();
    clause9_core::load(
        &read(from.join("clause9.toml")),
        &measures.into_iter().map(read).collect::<Vec<_>>(),
    )
    .unwrap()
}

/// Starts the SMTP server; returns it and its port, and a reader of its messages.
fn smtp_server() -> (
    std::process::Child,
    u16,
    BufReader<std::process::ChildStdout>,
) {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_server.py");
    // Debian's python, where python3-aiosmtpd is installed (not a pyenv shim).
    let python = if std::path::Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    };
    let mut child = Command::new(python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs (install python3-aiosmtpd; scripts/test does)");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let port = line
        .strip_prefix("ready ")
        .unwrap_or_else(|| {
            panic!("the SMTP server did not start (is python3-aiosmtpd installed?): {line:?}")
        })
        .trim()
        .parse()
        .unwrap();
    (child, port, out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notices_go_by_email_and_webhook_once_as_each_person_chose() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn clause9_store::Store> = Arc::new(
        clause9_store::open_sqlite(&dir.path().join("c9.db"))
            .await
            .unwrap(),
    );
    let programme = programme(dir.path());
    let today: jiff::civil::Date = "2026-11-20".parse().unwrap();
    let now: Timestamp = "2026-11-20T08:00:00Z".parse().unwrap();

    // The schedule for November: October's values are overdue after the 10th
    // (5th for M-PHI-01), from security_lead and it_lead.
    let values = clause9_core::engine::Values::default();
    let items = clause9_core::schedule::collection_status(
        &programme,
        &values,
        "2026-10".parse().unwrap(),
        today,
    );
    let notices = collection_notices(&programme, &items);
    assert!(
        notices
            .iter()
            .all(|n| n.kind == NoticeKind::CollectionOverdue)
    );
    let it: Vec<_> = notices.iter().filter(|n| n.person == "it_lead").collect();
    assert!(
        it.iter()
            .any(|n| n.key == "overdue:M-INC-01:incidents_closed:2026-10:it_lead"),
        "{it:?}"
    );

    // it_lead wants only a webhook; security_lead email only for overdue collections.
    let change = Change {
        actor: "test".into(),
        at: now,
    };
    let (tx, mut rx) = mpsc::unbounded_channel::<serde_json::Value>();
    let app = axum::Router::new().route(
        "/hook",
        post(move |Json(body): Json<serde_json::Value>| {
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
    store
        .notifications()
        .set_preferences(
            "it_lead",
            &serde_json::json!({"email": false, "webhook": hook}),
            &change,
        )
        .await
        .unwrap();
    store
        .notifications()
        .set_preferences(
            "security_lead",
            &serde_json::json!({"kinds": ["collection_overdue"]}),
            &change,
        )
        .await
        .unwrap();

    let (mut smtp, port, mut mail) = smtp_server();
    let channels = Channels::new(Some(
        Mailer::loopback(port, "clause9 <clause9@example.com>").unwrap(),
    ));
    let report = deliver(store.as_ref(), &programme, &notices, &channels, now)
        .await
        .unwrap();
    assert_eq!(report.failed, Vec::<String>::new());
    let to_security = notices
        .iter()
        .filter(|n| n.person == "security_lead")
        .count();
    assert_eq!((report.emailed, report.posted), (to_security, it.len()));

    for _ in 0..report.emailed {
        let mut line = String::new();
        mail.read_line(&mut line).unwrap();
        let message: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            message["to"],
            serde_json::json!(["alex.morgan@example.com"])
        );
        assert!(
            message["data"]
                .as_str()
                .unwrap()
                .contains("Subject: [clause9] M-"),
            "{message}"
        );
    }
    let mut keys = Vec::new();
    for _ in 0..report.posted {
        let body = rx.recv().await.unwrap();
        assert_eq!(body["person"], "it_lead");
        assert_eq!(body["kind"], "collection_overdue");
        keys.push(body["key"].as_str().unwrap().to_string());
    }
    assert!(keys.contains(&"overdue:M-INC-01:incidents_closed:2026-10:it_lead".to_string()));

    // Once: a second run (or another server process) sends nothing again.
    let again = deliver(store.as_ref(), &programme, &notices, &channels, now)
        .await
        .unwrap();
    assert_eq!(
        (again.emailed, again.posted, again.skipped),
        (0, 0, notices.len())
    );

    // An indicator turning red goes to its owner; security_lead did not choose it.
    let period: clause9_core::period::Period = "2026-10".parse().unwrap();
    let mut previous = clause9_core::engine::evaluate(&programme, &[], period.prev());
    let mut current = clause9_core::engine::evaluate(&programme, &[], period);
    previous.measures[0].status = clause9_core::evaluation::Status::Green;
    current.measures[0].status = clause9_core::evaluation::Status::Red;
    let red = turned_red(&programme, &previous, &current);
    assert_eq!(red.len(), 1);
    assert_eq!(
        (red[0].kind, red[0].person.as_str()),
        (NoticeKind::IndicatorRed, "security_lead")
    );
    let skipped = deliver(store.as_ref(), &programme, &red, &channels, now)
        .await
        .unwrap();
    assert_eq!((skipped.emailed, skipped.skipped), (0, 1));

    drop(smtp.stdin.take());
    smtp.wait().unwrap();
}
