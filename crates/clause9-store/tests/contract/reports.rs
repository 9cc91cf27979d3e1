//! The archive of issued reports: round trip, lookup by hash, refusals, and
//! the database refusing changes made behind the store.

use clause9_store::NewIssuedReport;

use crate::fixture::Fixture;

fn report(sha: char, format: &str) -> NewIssuedReport {
    NewIssuedReport {
        sha256: sha.to_string().repeat(64),
        period: "2026-10".into(),
        audience: Some("board".into()),
        format: format.into(),
        issued_at: "2026-11-05T09:30:00.123456Z".parse().unwrap(),
        issued_by: "dana".into(),
        file_name: "report-2026-10.pdf".into(),
        size: 12345,
    }
}

pub(crate) async fn reports_round_trip_and_lookup(f: &Fixture) {
    let store = f.open().await;
    let archive = store.reports();
    assert!(archive.issued().await.unwrap().is_empty());
    let a = archive.archive(&report('a', "pdf")).await.unwrap();
    let mut other = report('b', "html");
    other.audience = None;
    let b = archive.archive(&other).await.unwrap();
    let again = archive.archive(&report('a', "pdf")).await.unwrap();
    assert!(a.id < b.id && b.id < again.id);
    assert_eq!(a.new, report('a', "pdf"));
    assert_eq!(b.new, other);
    // a fresh instance reads the same rows
    let reopened = f.open().await;
    let all = reopened.reports().issued().await.unwrap();
    assert_eq!(all, vec![a.clone(), b.clone(), again.clone()]);
    let found = reopened
        .reports()
        .issued_with_sha256(&"A".repeat(64))
        .await
        .unwrap();
    assert_eq!(found, vec![a, again]);
    assert!(
        reopened
            .reports()
            .issued_with_sha256(&"c".repeat(64))
            .await
            .unwrap()
            .is_empty()
    );
}

pub(crate) async fn reports_bad_input_is_refused(f: &Fixture) {
    let store = f.open().await;
    let mut bad = report('a', "pdf");
    bad.sha256 = "not-a-hash".into();
    let e = store.reports().archive(&bad).await.unwrap_err().to_string();
    assert!(e.contains("not a SHA-256"), "{e}");
    let e = store
        .reports()
        .archive(&report('a', "docx"))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown report format"), "{e}");
    assert!(store.reports().issued().await.unwrap().is_empty());
}

pub(crate) async fn reports_are_append_only_in_the_database(f: &Fixture) {
    let store = f.open().await;
    store.reports().archive(&report('a', "md")).await.unwrap();
    let e = f
        .raw_execute("UPDATE issued_reports SET sha256 = 'x'")
        .await
        .unwrap_err();
    assert!(e.contains("append-only"), "{}: {e}", f.backend());
    let e = f
        .raw_execute("DELETE FROM issued_reports")
        .await
        .unwrap_err();
    assert!(e.contains("append-only"), "{}: {e}", f.backend());
    assert_eq!(store.reports().issued().await.unwrap().len(), 1);
}
