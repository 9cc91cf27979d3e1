//! Contract cases about integrity: conflicts, refused corrections, the
//! database refusing changes made behind the store's back, concurrent writers.

use std::sync::Arc;

use clause9_core::observation::Observation;
use clause9_store::{Store, StoreError};

use crate::fixture::{Fixture, fix, obs};

fn conflict_on(result: Result<Vec<Observation>, StoreError>) -> (String, Option<i64>) {
    match result {
        Err(StoreError::Conflict {
            measure,
            base,
            period,
            current,
        }) => (format!("{measure}/{base}/{period}"), current),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

pub(crate) async fn stale_supersedes_conflicts(f: &Fixture) {
    let store = f.open().await;
    let original = store
        .append(&[obs("M", "b", "2026-10", Some(1.0))])
        .await
        .unwrap();
    let first = store.append(&[fix(&original[0], Some(2.0))]).await.unwrap();
    let stale = store.append(&[fix(&original[0], Some(3.0))]).await;
    let message = stale.as_ref().unwrap_err().to_string();
    assert_eq!(
        conflict_on(stale),
        ("M/b/2026-10".into(), Some(first[0].id))
    );
    assert_eq!(
        message,
        format!(
            "the value of M/b for 2026-10 changed while you were editing it (now observation #{}); read it again and retry",
            first[0].id
        )
    );
    assert_eq!(store.history("M").await.unwrap().len(), 2);
}

pub(crate) async fn batch_with_a_conflict_stores_nothing(f: &Fixture) {
    let store = f.open().await;
    let existing = store
        .append(&[obs("M", "k2", "2026-10", Some(1.0))])
        .await
        .unwrap();
    let batch = [
        obs("M", "k1", "2026-10", Some(1.0)),
        obs("M", "k2", "2026-10", Some(2.0)),
        obs("M", "k3", "2026-10", Some(3.0)),
    ];
    let result = store.append(&batch).await;
    assert_eq!(
        conflict_on(result),
        ("M/k2/2026-10".into(), Some(existing[0].id))
    );
    assert_eq!(store.history("M").await.unwrap(), existing);
    // Nothing was left half-done: the first item alone is accepted now.
    store.append(&batch[..1]).await.unwrap();
    assert_eq!(store.current(Some("M"), &[]).await.unwrap().len(), 2);
}

pub(crate) async fn second_original_conflicts(f: &Fixture) {
    let store = f.open().await;
    let first = store
        .append(&[obs("M", "b", "2026-10", Some(1.0))])
        .await
        .unwrap();
    let second = store.append(&[obs("M", "b", "2026-10", Some(2.0))]).await;
    assert_eq!(
        conflict_on(second),
        ("M/b/2026-10".into(), Some(first[0].id))
    );
    // Also inside one batch, for a key that has no value yet.
    let twice = [
        obs("M", "new", "2026-10", Some(1.0)),
        obs("M", "new", "2026-10", Some(2.0)),
    ];
    let (key, current) = conflict_on(store.append(&twice).await);
    assert_eq!(key, "M/new/2026-10");
    assert!(current.is_some());
    assert_eq!(store.history("M").await.unwrap(), first);
}

pub(crate) async fn bad_corrections_are_refused(f: &Fixture) {
    let store = f.open().await;
    let a = store
        .append(&[obs("M", "a", "2026-10", Some(1.0))])
        .await
        .unwrap();
    let b = store
        .append(&[obs("M", "b", "2026-10", Some(1.0))])
        .await
        .unwrap();
    // Superseding a value of another key.
    let across = fix(&a[0], Some(2.0));
    let across = clause9_core::observation::NewObservation {
        base: "b".into(),
        ..across
    };
    let err = store.append(&[across]).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("same measure, base and period")),
        "{err:?}"
    );
    // Superseding an id that does not exist.
    let mut ghost = fix(&b[0], Some(2.0));
    ghost.supersedes = Some(b[0].id + 1000);
    let err = store.append(&[ghost]).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("does not exist")),
        "{err:?}"
    );
    // A value that is not a number.
    let nan = obs("M", "c", "2026-10", Some(f64::NAN));
    assert!(matches!(
        store.append(&[nan]).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(
        store.history("M").await.unwrap(),
        [a[0].clone(), b[0].clone()]
    );
}

pub(crate) async fn database_refuses_changes_behind_the_store(f: &Fixture) {
    let store = f.open().await;
    let rows = store
        .append(&[obs("M", "b", "2026-10", Some(1.0))])
        .await
        .unwrap();
    let fixed = store.append(&[fix(&rows[0], Some(2.0))]).await.unwrap();
    let id = rows[0].id;
    let update = f
        .raw_execute(&format!(
            "UPDATE observations SET value = 99 WHERE id = {id}"
        ))
        .await;
    assert!(
        update.as_ref().unwrap_err().contains("append-only"),
        "{update:?}"
    );
    let delete = f
        .raw_execute(&format!("DELETE FROM observations WHERE id = {id}"))
        .await;
    assert!(
        delete.as_ref().unwrap_err().contains("append-only"),
        "{delete:?}"
    );
    let insert = |base: &str, supersedes: &str| {
        format!(
            "INSERT INTO observations (measure, base, period, definition_version, recorded_by, \
             recorded_at, method, supersedes) VALUES ('M', '{base}', '2026-10', 1, 'x', \
             '2026-11-22T10:00:00.123456Z', 'manual', {supersedes})"
        )
    };
    // A second original, a fork of the history, a correction across keys.
    assert!(f.raw_execute(&insert("b", "NULL")).await.is_err());
    assert!(f.raw_execute(&insert("b", &id.to_string())).await.is_err());
    assert!(
        f.raw_execute(&insert("c", &fixed[0].id.to_string()))
            .await
            .is_err()
    );
    let history = store.history("M").await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].new, rows[0].new);
}

pub(crate) async fn two_stores_append_concurrently(f: &Fixture) {
    let (one, two) = tokio::join!(f.open(), f.open());
    let stores: [Arc<dyn Store>; 2] = [one, two];
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let store = stores[i % 2].clone();
            tokio::spawn(async move {
                let item = obs("M", &format!("base{i:03}"), "2026-10", Some(i as f64));
                store.append(&[item]).await
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().len(), 1);
    }
    let current = stores[1].current(Some("M"), &[]).await.unwrap();
    assert_eq!(current.len(), 100);
    for (i, o) in current.iter().enumerate() {
        assert_eq!(
            (o.new.base.as_str(), o.new.value),
            (format!("base{i:03}").as_str(), Some(i as f64))
        );
    }
}

pub(crate) async fn concurrent_corrections_one_wins(f: &Fixture) {
    let (one, two) = tokio::join!(f.open(), f.open());
    let stores: [Arc<dyn Store>; 2] = [one, two];
    let original = stores[0]
        .append(&[obs("M", "b", "2026-10", Some(0.0))])
        .await
        .unwrap();
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let store = stores[i % 2].clone();
            let correction = fix(&original[0], Some(i as f64));
            tokio::spawn(async move { store.append(&[correction]).await })
        })
        .collect();
    let mut winners = Vec::new();
    let mut conflicts = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(rows) => winners.push(rows[0].clone()),
            Err(StoreError::Conflict { current, .. }) => conflicts.push(current),
            Err(other) => panic!("expected success or a conflict, got {other}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one correction wins");
    assert_eq!(conflicts.len(), 19);
    assert!(
        conflicts.iter().all(|c| *c == Some(winners[0].id)),
        "{conflicts:?}"
    );
    let history = stores[0].history("M").await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].superseded_by, Some(winners[0].id));
    assert_eq!(stores[1].current(None, &[]).await.unwrap(), winners);
}

pub(crate) async fn lost_race_is_a_conflict(f: &Fixture) {
    let store = f.open().await;
    let original = store
        .append(&[obs("M", "b", "2026-10", Some(1.0))])
        .await
        .unwrap();
    let correction = fix(&original[0], Some(2.0));
    let racer = store.clone();
    let (raw_id, result) = f
        .race_with_raw_correction(
            &original[0],
            async move { racer.append(&[correction]).await },
        )
        .await;
    assert_eq!(conflict_on(result), ("M/b/2026-10".into(), Some(raw_id)));
    let history = store.history("M").await.unwrap();
    let ids: Vec<_> = history.iter().map(|o| (o.id, o.superseded_by)).collect();
    assert_eq!(ids, [(original[0].id, Some(raw_id)), (raw_id, None)]);
}

pub(crate) async fn opposite_batches_conflict_without_deadlock(f: &Fixture) {
    let (one, two) = tokio::join!(f.open(), f.open());
    for round in 0..10 {
        let (a, b) = (format!("a{round}"), format!("b{round}"));
        let forward = [
            obs("M", &a, "2026-10", Some(1.0)),
            obs("M", &b, "2026-10", Some(1.0)),
        ];
        let backward = [
            obs("M", &b, "2026-10", Some(2.0)),
            obs("M", &a, "2026-10", Some(2.0)),
        ];
        let (s1, s2) = (one.clone(), two.clone());
        let t1 = tokio::spawn(async move { s1.append(&forward).await });
        let t2 = tokio::spawn(async move { s2.append(&backward).await });
        let results = [t1.await.unwrap(), t2.await.unwrap()];
        let ok = results.iter().filter(|r| r.is_ok()).count();
        let conflicts = results
            .iter()
            .filter(|r| matches!(r, Err(StoreError::Conflict { .. })))
            .count();
        assert_eq!((ok, conflicts), (1, 1), "round {round}: {results:?}");
    }
    assert_eq!(one.current(Some("M"), &[]).await.unwrap().len(), 20);
}
