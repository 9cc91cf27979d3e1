//! Contract cases about storing and reading back: every field exactly, the
//! `current` filters and order, history, lookup by id, reopening.

use clause9_core::observation::{Evidence, Method, NewObservation};
use clause9_core::period::Period;
use clause9_store::StoreError;
use serde_json::json;

use crate::fixture::{Fixture, fix, obs, stored};

pub(crate) async fn round_trip_every_field(f: &Fixture) {
    let store = f.open().await;
    assert_eq!(store.backend(), f.backend());
    let full = NewObservation {
        measure: "M-INC-01".into(),
        base: "closed_in_sla".into(),
        period: "2026-W05".parse().unwrap(),
        value: Some(91.176_470_588_235_29),
        definition_version: u32::MAX,
        recorded_by: "source:jira".into(),
        recorded_at: "2026-11-22T10:00:00.123456Z".parse().unwrap(),
        method: Method::Query,
        evidence: Evidence {
            name: Some("evidence/tickets-2026-10.csv".into()),
            sha256: Some("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into()),
            size: Some(1 << 40),
            url: Some("https://jira.example/browse/SEC-1?x=1&y=é".into()),
        },
        provenance: Some(json!({
            "source": "jira", "query": "SELECT count(*) FROM t WHERE sla = 'ok'",
            "rows": 34, "duration_s": 0.123_456_789_012_345_6, "files": ["a.csv", "b ü.csv"],
            "nested": { "null": null, "t": true, "big": 1e300, "neg": -17 }
        })),
        supersedes: None,
        reason: Some("first import — “quoted”".into()),
    };
    let empty = NewObservation {
        value: None,
        method: Method::Import,
        recorded_at: "1999-01-01T00:00:00Z".parse().unwrap(),
        definition_version: 0,
        ..obs("M-INC-01", "closed", "2026-Q4", None)
    };
    let integral = NewObservation {
        recorded_at: "2026-11-22T10:00:00.999999999Z".parse().unwrap(),
        ..obs("M-INC-01", "open", "2026", Some(34.0))
    };
    let batch = [full.clone(), empty.clone(), integral.clone()];
    let got = store.append(&batch).await.unwrap();
    assert_eq!(got.len(), 3);
    assert!(got[0].id < got[1].id && got[1].id < got[2].id);
    assert_eq!(got[0], stored(got[0].id, &full));
    assert_eq!(got[1], stored(got[1].id, &empty));
    // Stored to the microsecond: the nanoseconds are dropped, and `append`
    // returns the row as it will be read back.
    let truncated = NewObservation {
        recorded_at: "2026-11-22T10:00:00.999999Z".parse().unwrap(),
        ..integral.clone()
    };
    assert_eq!(got[2], stored(got[2].id, &truncated));
    for row in &got {
        assert_eq!(store.observation(row.id).await.unwrap().as_ref(), Some(row));
    }
    assert_eq!(store.history("M-INC-01").await.unwrap(), got);
    // Timestamps are fixed-width UTC text, so text order is time order.
    let texts = f
        .raw_texts("SELECT recorded_at FROM observations ORDER BY id")
        .await;
    assert_eq!(
        texts,
        [
            "2026-11-22T10:00:00.123456Z",
            "1999-01-01T00:00:00.000000Z",
            "2026-11-22T10:00:00.999999Z"
        ]
    );
}

pub(crate) async fn current_filters_by_measure_and_periods(f: &Fixture) {
    let store = f.open().await;
    let p = |s: &str| s.parse::<Period>().unwrap();
    // Appended out of order; "X" sorts before "a" in byte order.
    let batch = [
        obs("M-B", "x", "2026-Q4", Some(5.0)),
        obs("M-A", "y", "2026-10", Some(3.0)),
        obs("M-A", "x", "2026-11", Some(2.0)),
        obs("M-A", "x", "2026-10", Some(1.0)),
        obs("M-B", "x", "2026-10", Some(4.0)),
        obs("M-A", "X", "2026-10", None),
    ];
    let rows = store.append(&batch).await.unwrap();
    let fixed = store.append(&[fix(&rows[3], Some(1.5))]).await.unwrap();
    let keys = |list: &[clause9_core::observation::Observation]| {
        list.iter()
            .map(|o| {
                format!(
                    "{}/{}/{}={:?}",
                    o.new.measure, o.new.base, o.new.period, o.new.value
                )
            })
            .collect::<Vec<_>>()
    };
    let all = store.current(None, &[]).await.unwrap();
    assert_eq!(
        keys(&all),
        [
            "M-A/X/2026-10=None",
            "M-A/x/2026-10=Some(1.5)",
            "M-A/x/2026-11=Some(2.0)",
            "M-A/y/2026-10=Some(3.0)",
            "M-B/x/2026-10=Some(4.0)",
            "M-B/x/2026-Q4=Some(5.0)",
        ]
    );
    assert!(all.iter().all(|o| o.is_current()));
    assert_eq!(all[1], fixed[0]);
    let a_oct = store.current(Some("M-A"), &[p("2026-10")]).await.unwrap();
    assert_eq!(
        keys(&a_oct),
        [
            "M-A/X/2026-10=None",
            "M-A/x/2026-10=Some(1.5)",
            "M-A/y/2026-10=Some(3.0)"
        ]
    );
    let two = store
        .current(None, &[p("2026-Q4"), p("2026-11")])
        .await
        .unwrap();
    assert_eq!(
        keys(&two),
        ["M-A/x/2026-11=Some(2.0)", "M-B/x/2026-Q4=Some(5.0)"]
    );
    let b = store.current(Some("M-B"), &[]).await.unwrap();
    assert_eq!(
        keys(&b),
        ["M-B/x/2026-10=Some(4.0)", "M-B/x/2026-Q4=Some(5.0)"]
    );
    assert!(store.current(Some("M-C"), &[]).await.unwrap().is_empty());
    assert!(store.current(None, &[p("2025")]).await.unwrap().is_empty());
}

pub(crate) async fn correction_supersedes_and_history(f: &Fixture) {
    let store = f.open().await;
    let original = store
        .append(&[obs("M", "b", "2026-10", Some(1.0))])
        .await
        .unwrap();
    store
        .append(&[obs("OTHER", "b", "2026-10", Some(9.0))])
        .await
        .unwrap();
    let first = store.append(&[fix(&original[0], Some(2.0))]).await.unwrap();
    let second = store.append(&[fix(&first[0], None)]).await.unwrap();
    let history = store.history("M").await.unwrap();
    let ids: Vec<_> = history
        .iter()
        .map(|o| (o.id, o.new.supersedes, o.superseded_by))
        .collect();
    let (o, c1, c2) = (original[0].id, first[0].id, second[0].id);
    assert_eq!(
        ids,
        [
            (o, None, Some(c1)),
            (c1, Some(o), Some(c2)),
            (c2, Some(c1), None)
        ]
    );
    assert_eq!(
        history[1].new.reason.as_deref(),
        Some("typo in the ticket count")
    );
    assert_eq!(history[2].new.value, None);
    assert_eq!(
        store.observation(o).await.unwrap().unwrap().superseded_by,
        Some(c1)
    );
    assert_eq!(store.current(Some("M"), &[]).await.unwrap(), second);
    assert!(store.observation(c2 + 1000).await.unwrap().is_none());
}

pub(crate) async fn reopen_keeps_data_and_migrations_are_idempotent(f: &Fixture) {
    let first = f.open().await;
    let rows = first
        .append(&[obs("M", "b", "2026-10", Some(1.0))])
        .await
        .unwrap();
    drop(first);
    for round in 1..=2 {
        let again = f.open().await;
        let history = again.history("M").await.unwrap();
        assert_eq!(history.len(), round);
        assert_eq!(history[0].new, rows[0].new);
        let head = history.last().unwrap();
        again
            .append(&[fix(head, Some(1.0 + round as f64))])
            .await
            .unwrap();
    }
    let versions = f
        .raw_texts("SELECT CAST(version AS TEXT) FROM _sqlx_migrations")
        .await;
    // Each migration applied once: the numbers of the files, in order.
    let mut expected: Vec<String> = std::fs::read_dir("migrations/sqlite")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .map(|name| {
            name.split('_')
                .next()
                .unwrap()
                .trim_start_matches('0')
                .to_string()
        })
        .collect();
    expected.sort_by_key(|v| v.parse::<i64>().unwrap());
    assert_eq!(versions, expected);
    assert_eq!(f.open().await.history("M").await.unwrap().len(), 3);
}

pub(crate) async fn open_by_url(f: &Fixture) {
    let store = clause9_store::open(&f.url()).await.unwrap();
    assert_eq!(store.backend(), f.backend());
    let rows = store
        .append(&[obs("M", "b", "2026-10", Some(1.0))])
        .await
        .unwrap();
    assert_eq!(f.open().await.history("M").await.unwrap(), rows);
    if f.backend() == "sqlite" {
        let short = f.url().replacen("sqlite://", "sqlite:", 1);
        let again = clause9_store::open(&short).await.unwrap();
        assert_eq!(again.history("M").await.unwrap(), rows);
    }
}

pub(crate) async fn corrupt_row_names_its_id(f: &Fixture) {
    let store = f.open().await;
    f.raw_execute(
        "INSERT INTO observations (measure, base, period, definition_version, recorded_by, \
         recorded_at, method) VALUES ('M', 'b', '2026-13', 1, 'x', '2026-11-22T10:00:00.123456Z', 'manual')",
    )
    .await
    .unwrap();
    let id = store.current(None, &[]).await.unwrap_err();
    let StoreError::Corrupt(message) = &id else {
        panic!("expected Corrupt, got {id:?}")
    };
    assert!(
        message.starts_with("observation #1 has an unreadable period"),
        "{message}"
    );
    assert!(id.to_string().contains("restore it from a backup"), "{id}");
    assert!(matches!(
        store.history("M").await,
        Err(StoreError::Corrupt(_))
    ));
}
