//! Contract cases for the workflow event store: ordered streams, no gaps or
//! forks, once-only events, and a database that refuses to rewrite history.

use clause9_store::{Appended, NewEvent};
use serde_json::json;

use crate::fixture::Fixture;

fn ev(stream: &str, seq: i64, event: &str, once: Option<&str>) -> NewEvent {
    NewEvent {
        stream: stream.into(),
        seq,
        event: event.into(),
        payload: json!({ "n": seq, "text": "é \"quoted\"" }),
        recorded_by: "alex".into(),
        recorded_at: "2026-03-01T09:30:00.123456Z".parse().unwrap(),
        reason: "because".into(),
        once_key: once.map(String::from),
    }
}

fn stored(a: Appended) -> Vec<clause9_store::StoredEvent> {
    match a {
        Appended::Stored(v) => v,
        other => panic!("expected stored, got {other:?}"),
    }
}

pub(crate) async fn events_round_trip_in_order(f: &Fixture) {
    let store = f.open().await;
    let w = store.workflow();
    stored(
        w.append_events(&[ev("nc/NC-0002", 1, "raised", None)])
            .await
            .unwrap(),
    );
    let first = stored(
        w.append_events(&[
            ev("nc/NC-0001", 1, "raised", Some("red/M/2026-01")),
            ev("nc/NC-0001", 2, "corrected", None),
        ])
        .await
        .unwrap(),
    );
    assert_eq!(first.len(), 2);
    stored(
        w.append_events(&[ev("audit/AUD-0001", 1, "planned", None)])
            .await
            .unwrap(),
    );
    let nc = w.events("nc/").await.unwrap();
    let order: Vec<(&str, i64)> = nc.iter().map(|e| (e.stream.as_str(), e.seq)).collect();
    assert_eq!(
        order,
        vec![("nc/NC-0001", 1), ("nc/NC-0001", 2), ("nc/NC-0002", 1)]
    );
    assert_eq!(nc[0], first[0]);
    assert_eq!(nc[0].payload["text"], "é \"quoted\"");
    assert_eq!(nc[0].once_key.as_deref(), Some("red/M/2026-01"));
    assert_eq!(w.events("nc/NC-0002").await.unwrap().len(), 1);
    assert_eq!(w.events("audit/").await.unwrap().len(), 1);
    assert!(w.events("review/").await.unwrap().is_empty());
    // another store instance sees the same
    let again = f.open().await;
    assert_eq!(again.workflow().events("nc/").await.unwrap(), nc);
}

pub(crate) async fn gaps_and_forks_are_refused(f: &Fixture) {
    let store = f.open().await;
    let w = store.workflow();
    stored(
        w.append_events(&[ev("nc/NC-0001", 1, "raised", None)])
            .await
            .unwrap(),
    );
    for seq in [1, 3] {
        assert_eq!(
            w.append_events(&[ev("nc/NC-0001", seq, "corrected", None)])
                .await
                .unwrap(),
            Appended::StreamChanged {
                stream: "nc/NC-0001".into()
            }
        );
    }
    // a batch with one stale event stores nothing
    let r = w
        .append_events(&[
            ev("nc/NC-0002", 1, "raised", None),
            ev("nc/NC-0001", 1, "x", None),
        ])
        .await
        .unwrap();
    assert!(matches!(r, Appended::StreamChanged { .. }));
    assert!(w.events("nc/NC-0002").await.unwrap().is_empty());
    let mut bad = ev("nc/NC-0001", 2, "corrected", None);
    bad.reason = " ".into();
    assert!(w.append_events(&[bad]).await.is_err());
}

pub(crate) async fn once_keys_happen_once(f: &Fixture) {
    let store = f.open().await;
    let w = store.workflow();
    stored(
        w.append_events(&[ev("nc/NC-0001", 1, "raised", Some("red/M/2026-01"))])
            .await
            .unwrap(),
    );
    assert!(w.once_done("red/M/2026-01").await.unwrap());
    assert!(!w.once_done("red/M/2026-02").await.unwrap());
    assert_eq!(
        w.append_events(&[ev("nc/NC-0002", 1, "raised", Some("red/M/2026-01"))])
            .await
            .unwrap(),
        Appended::AlreadyDone {
            once_key: "red/M/2026-01".into()
        }
    );
    assert_eq!(w.events("nc/").await.unwrap().len(), 1);
    // behind the store's back too
    let insert = "INSERT INTO workflow_events (stream, seq, event, payload, recorded_by, recorded_at, reason, once_key) \
         VALUES ('nc/NC-0003', 1, 'raised', '{}', 'x', '2026-03-01T09:30:00.123456Z', 'r', 'red/M/2026-01')";
    assert!(f.raw_execute(insert).await.is_err());
}

pub(crate) async fn database_refuses_event_changes(f: &Fixture) {
    let store = f.open().await;
    let w = store.workflow();
    stored(
        w.append_events(&[ev("nc/NC-0001", 1, "raised", None)])
            .await
            .unwrap(),
    );
    let update = f
        .raw_execute("UPDATE workflow_events SET reason = 'changed'")
        .await;
    assert!(
        update.as_ref().unwrap_err().contains("append-only"),
        "{update:?}"
    );
    let delete = f.raw_execute("DELETE FROM workflow_events").await;
    assert!(
        delete.as_ref().unwrap_err().contains("append-only"),
        "{delete:?}"
    );
    let fork = "INSERT INTO workflow_events (stream, seq, event, payload, recorded_by, recorded_at, reason) \
         VALUES ('nc/NC-0001', 1, 'raised', '{}', 'x', '2026-03-01T09:30:00.123456Z', 'r')";
    assert!(f.raw_execute(fork).await.is_err());
    assert_eq!(w.events("nc/").await.unwrap()[0].reason, "because");
}

pub(crate) async fn concurrent_appends_one_wins(f: &Fixture) {
    let a = f.open().await;
    let b = f.open().await;
    stored(
        a.workflow()
            .append_events(&[ev("nc/NC-0001", 1, "raised", None)])
            .await
            .unwrap(),
    );
    let mut tasks = Vec::new();
    for store in [a.clone(), b.clone(), a, b] {
        tasks.push(tokio::spawn(async move {
            store
                .workflow()
                .append_events(&[ev("nc/NC-0001", 2, "corrected", None)])
                .await
                .unwrap()
        }));
    }
    let mut wins = 0;
    for t in tasks {
        match t.await.unwrap() {
            Appended::Stored(_) => wins += 1,
            Appended::StreamChanged { .. } => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(wins, 1);
    assert_eq!(
        f.open().await.workflow().events("nc/").await.unwrap().len(),
        2
    );
}

pub(crate) async fn workflow_changes_are_in_the_audit_log(f: &Fixture) {
    let store = f.open().await;
    let entries = |store: std::sync::Arc<dyn clause9_store::Store>| async move {
        store
            .audit_log()
            .entries(&clause9_store::audit_log::AuditQuery::default())
            .await
            .unwrap()
    };
    let before = entries(store.clone()).await.len();
    stored(
        store
            .workflow()
            .append_events(&[
                ev("nc/NC-0001", 1, "raised", None),
                ev("nc/NC-0001", 2, "corrected", None),
            ])
            .await
            .unwrap(),
    );
    let log = entries(store.clone()).await;
    assert_eq!(log.len(), before + 2);
    let last = &log[log.len() - 1];
    assert_eq!(last.kind, "workflow.corrected");
    assert_eq!(last.subject, "nc/NC-0001");
    assert_eq!(last.actor, "alex");
    assert_eq!(last.details["reason"], "because");
    assert_eq!(last.details["seq"], 2);
    // a refused append (a fork of the stream) writes nothing to the log either
    let refused = store
        .workflow()
        .append_events(&[ev("nc/NC-0001", 2, "closed", None)])
        .await
        .unwrap();
    assert!(
        matches!(refused, Appended::StreamChanged { .. }),
        "{refused:?}"
    );
    assert_eq!(entries(store.clone()).await.len(), before + 2);
    let report = store.audit_log().verify().await.unwrap();
    assert!(report.problem.is_none(), "{report:?}");
}
