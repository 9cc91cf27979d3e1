//! Contract case for role changes: the new role is in effect at once, for
//! live sessions too, an unknown user is refused, and the change is logged.

use clause9_store::StoreError;
use clause9_store::accounts::{Change, NewUser, Role};
use clause9_store::audit_log::AuditQuery;

use crate::fixture::Fixture;

fn change(when: &str) -> Change {
    Change {
        actor: "root".into(),
        at: when.parse().unwrap(),
    }
}

pub(crate) async fn roles_change_at_once_and_are_logged(f: &Fixture) {
    let store = f.open().await;
    let accounts = store.accounts();
    accounts
        .add_user(
            &NewUser {
                username: "carol".into(),
                person: "p_carol".into(),
                role: Role::Collector,
                password_hash: None,
            },
            &change("2026-11-01T09:00:00Z"),
        )
        .await
        .unwrap();
    let now = "2026-11-01T09:30:00Z".parse().unwrap();
    let until = "2026-11-01T17:00:00Z".parse().unwrap();
    let id = "a".repeat(64);
    let user = accounts.user("carol").await.unwrap().unwrap();
    accounts
        .start_session(&id, &user, "csrf1", until, &change("2026-11-01T09:10:00Z"))
        .await
        .unwrap();
    let changed = accounts
        .set_role("carol", Role::Analyst, &change("2026-11-01T09:20:00Z"))
        .await
        .unwrap();
    assert_eq!(changed.role, Role::Analyst);
    assert_eq!(
        accounts.user("carol").await.unwrap().unwrap().role,
        Role::Analyst
    );
    let session = accounts.session(&id, now).await.unwrap().unwrap();
    assert_eq!(session.user.role, Role::Analyst);
    let unknown = accounts
        .set_role("nobody", Role::Admin, &change("2026-11-01T09:21:00Z"))
        .await;
    assert!(matches!(unknown, Err(StoreError::Invalid(m)) if m.contains("no user `nobody`")));
    let log = store
        .audit_log()
        .entries(&AuditQuery::default())
        .await
        .unwrap();
    let last = log.last().unwrap();
    assert_eq!(
        (last.kind.as_str(), last.subject.as_str(), &last.details),
        (
            "user.role_changed",
            "user:carol",
            &serde_json::json!({ "role": "analyst" })
        )
    );
    assert!(store.audit_log().verify().await.unwrap().problem.is_none());
}
