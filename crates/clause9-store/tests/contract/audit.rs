//! Contract cases for the audit log: observations logged in the same
//! transaction, listing, and tampering made directly in the database (with
//! the append-only triggers removed, as an attacker with database access
//! would) found by `verify`.

use clause9_store::Store;
use clause9_store::audit_log::{AuditQuery, NewAuditEntry, Tampering};

use crate::fixture::{Fixture, fix, obs};

fn entry(n: u32) -> NewAuditEntry {
    NewAuditEntry {
        at: "2026-11-22T11:00:00Z".parse().unwrap(),
        actor: "admin".to_string(),
        kind: "user.added".to_string(),
        subject: format!("user:u{n}"),
        details: serde_json::json!({"role": "viewer", "n": n}),
    }
}

/// Removes the append-only triggers, as someone with direct database access could.
async fn disarm(f: &Fixture) {
    let statements: &[&str] = match f.backend() {
        "sqlite" => &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ],
        _ => &["ALTER TABLE audit_log DISABLE TRIGGER USER"],
    };
    for sql in statements {
        f.raw_execute(sql).await.unwrap();
    }
}

/// A log of: #1 audit.started, #2 and #3 two observations, #4 a correction, #5..#7 user entries.
async fn filled(f: &Fixture) -> std::sync::Arc<dyn Store> {
    let store = f.open().await;
    let stored = store
        .append(&[
            obs("M", "a", "2026-10", Some(1.0)),
            obs("M", "b", "2026-10", Some(2.0)),
        ])
        .await
        .unwrap();
    store.append(&[fix(&stored[0], Some(5.0))]).await.unwrap();
    store
        .audit_log()
        .record(&[entry(1), entry(2), entry(3)])
        .await
        .unwrap();
    store
}

pub(crate) async fn observations_are_logged_in_the_same_transaction(f: &Fixture) {
    let store = filled(f).await;
    let entries = store
        .audit_log()
        .entries(&AuditQuery::default())
        .await
        .unwrap();
    let kinds: Vec<(i64, &str, &str)> = entries
        .iter()
        .map(|e| (e.seq, e.kind.as_str(), e.subject.as_str()))
        .collect();
    let history = store.history("M").await.unwrap();
    let ids: Vec<i64> = history.iter().map(|o| o.id).collect();
    assert_eq!(
        kinds,
        vec![
            (1, "audit.started", "audit:log"),
            (
                2,
                "observation.recorded",
                &*format!("observation:{}", ids[0])
            ),
            (
                3,
                "observation.recorded",
                &*format!("observation:{}", ids[1])
            ),
            (
                4,
                "observation.corrected",
                &*format!("observation:{}", ids[2])
            ),
            (5, "user.added", "user:u1"),
            (6, "user.added", "user:u2"),
            (7, "user.added", "user:u3"),
        ]
    );
    assert_eq!(entries[3].actor, "bob");
    assert_eq!(entries[3].details["value"], serde_json::json!(5.0));
    assert_eq!(entries[3].details["reason"], "typo in the ticket count");
    for pair in entries.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
    }
    let report = store.audit_log().verify().await.unwrap();
    assert_eq!((report.entries, report.problem), (7, None));
    assert_eq!(report.head, entries[6].hash);

    // A refused batch leaves no entry behind.
    let refused = store.append(&[obs("M", "b", "2026-10", Some(9.0))]).await;
    assert!(refused.is_err());
    let after = store
        .audit_log()
        .entries(&AuditQuery::default())
        .await
        .unwrap();
    assert_eq!(after.len(), 7);
}

pub(crate) async fn listing_filters_and_pages(f: &Fixture) {
    let store = filled(f).await;
    let page = store
        .audit_log()
        .entries(&AuditQuery {
            after_seq: Some(2),
            limit: Some(3),
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 4, 5]);
    let since = store
        .audit_log()
        .entries(&AuditQuery {
            since: Some("2026-11-22T10:30:00Z".parse().unwrap()),
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    // Entry #1 is stamped with the real time the log started; the others
    // with the fixture's times.
    let seqs: Vec<i64> = since.iter().map(|e| e.seq).filter(|s| *s > 1).collect();
    assert_eq!(seqs, [5, 6, 7]);
}

pub(crate) async fn the_database_refuses_changes_to_the_log(f: &Fixture) {
    filled(f).await;
    let update = f
        .raw_execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
        .await;
    assert!(update.unwrap_err().contains("append-only"));
    let delete = f.raw_execute("DELETE FROM audit_log WHERE seq = 2").await;
    assert!(delete.unwrap_err().contains("append-only"));
}

pub(crate) async fn an_edited_entry_is_found(f: &Fixture) {
    let store = filled(f).await;
    disarm(f).await;
    f.raw_execute("UPDATE audit_log SET details = replace(details, '5.0', '4.0') WHERE seq = 4")
        .await
        .unwrap();
    let problem = store.audit_log().verify().await.unwrap().problem.unwrap();
    assert_eq!((problem.seq, problem.tampering), (4, Tampering::Edited));
    assert_eq!(
        problem.message,
        "entry #4 was edited: its content does not match its hash"
    );
}

pub(crate) async fn an_edit_with_a_recomputed_hash_is_found(f: &Fixture) {
    let store = filled(f).await;
    disarm(f).await;
    // The attacker rewrites entry #5 and gives it a correct hash of its own;
    // entry #6 still links to the old one.
    let entries = store
        .audit_log()
        .entries(&AuditQuery::default())
        .await
        .unwrap();
    let e = &entries[4];
    let details = r#"{"n":1,"role":"admin"}"#;
    let hash = clause9_store::audit_log::entry_hash(
        5,
        &e.prev_hash,
        "2026-11-22T11:00:00.000000Z",
        &e.actor,
        &e.kind,
        &e.subject,
        details,
    );
    f.raw_execute(&format!(
        "UPDATE audit_log SET details = '{details}', hash = '{hash}' WHERE seq = 5"
    ))
    .await
    .unwrap();
    let problem = store.audit_log().verify().await.unwrap().problem.unwrap();
    assert_eq!((problem.seq, problem.tampering), (5, Tampering::Inserted));
}

pub(crate) async fn a_deleted_entry_is_found(f: &Fixture) {
    let store = filled(f).await;
    disarm(f).await;
    f.raw_execute("DELETE FROM audit_log WHERE seq = 3")
        .await
        .unwrap();
    let report = store.audit_log().verify().await.unwrap();
    let problem = report.problem.unwrap();
    assert_eq!((problem.seq, problem.tampering), (3, Tampering::Deleted));
    assert_eq!(
        problem.message,
        "entry #3 is missing: deleted from the database"
    );
    assert_eq!(report.entries, 6);
}

pub(crate) async fn deleting_the_newest_entries_of_an_observation_is_found(f: &Fixture) {
    let store = f.open().await;
    let stored = store
        .append(&[obs("M", "a", "2026-10", Some(1.0))])
        .await
        .unwrap();
    disarm(f).await;
    // The chain itself stays consistent after cutting off its end…
    f.raw_execute("DELETE FROM audit_log WHERE seq = 2")
        .await
        .unwrap();
    // …but the observation has lost its entry.
    let problem = store.audit_log().verify().await.unwrap().problem.unwrap();
    assert_eq!(problem.tampering, Tampering::Deleted);
    assert_eq!(
        problem.message,
        format!(
            "the entry recording observation #{} is missing: entries were deleted from the log",
            stored[0].id
        )
    );
}

pub(crate) async fn concurrent_writers_cannot_fork_the_chain(f: &Fixture) {
    let (a, b) = (f.open().await, f.open().await);
    let mut tasks = Vec::new();
    for i in 0..10u32 {
        for store in [a.clone(), b.clone()] {
            tasks.push(tokio::spawn(async move {
                if i % 2 == 0 {
                    store.audit_log().record(&[entry(i)]).await.map(|_| ())
                } else {
                    let base = format!("b{}", tasks_id());
                    store
                        .append(&[obs("M", &base, "2026-10", Some(1.0))])
                        .await
                        .map(|_| ())
                }
            }));
        }
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let report = a.audit_log().verify().await.unwrap();
    assert_eq!((report.entries, report.problem), (21, None));
}

/// A distinct number per call, so concurrent appends use distinct keys.
fn tasks_id() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}
