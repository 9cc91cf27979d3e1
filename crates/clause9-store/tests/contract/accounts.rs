//! Contract cases for accounts, tokens, sessions, sign-in throttling and
//! job leases; every user and token change lands in the audit log.

use clause9_store::StoreError;
use clause9_store::accounts::{Change, NewUser, Role};
use clause9_store::audit_log::AuditQuery;
use jiff::{Timestamp, ToSpan};

use crate::fixture::Fixture;

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn change(when: &str) -> Change {
    Change {
        actor: "root".into(),
        at: at(when),
    }
}

fn new_user(name: &str, role: Role) -> NewUser {
    NewUser {
        username: name.into(),
        person: format!("p_{name}"),
        role,
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
    }
}

pub(crate) async fn users_are_added_listed_disabled_and_logged(f: &Fixture) {
    let store = f.open().await;
    let accounts = store.accounts();
    let alice = accounts
        .add_user(
            &new_user("alice", Role::Collector),
            &change("2026-11-01T09:00:00Z"),
        )
        .await
        .unwrap();
    assert_eq!(
        (alice.person.as_str(), alice.role, alice.disabled),
        ("p_alice", Role::Collector, false)
    );
    accounts
        .add_user(
            &new_user("bob", Role::Admin),
            &change("2026-11-01T09:01:00Z"),
        )
        .await
        .unwrap();
    let again = accounts
        .add_user(
            &new_user("alice", Role::Viewer),
            &change("2026-11-01T09:02:00Z"),
        )
        .await;
    assert!(matches!(again, Err(StoreError::Invalid(m)) if m.contains("already exists")));
    let names: Vec<String> = accounts
        .users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(names, ["alice", "bob"]);
    let disabled = accounts
        .set_disabled("alice", true, &change("2026-11-02T09:00:00Z"))
        .await
        .unwrap();
    assert!(disabled.disabled);
    assert!(accounts.user("alice").await.unwrap().unwrap().disabled);
    assert!(
        accounts
            .set_disabled("nobody", true, &change("2026-11-02T09:00:00Z"))
            .await
            .is_err()
    );
    assert!(!format!("{alice:?}").contains("argon2"));

    let log = store
        .audit_log()
        .entries(&AuditQuery::default())
        .await
        .unwrap();
    let kinds: Vec<(&str, &str, &str)> = log[1..]
        .iter()
        .map(|e| (e.actor.as_str(), e.kind.as_str(), e.subject.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("root", "user.added", "user:alice"),
            ("root", "user.added", "user:bob"),
            ("root", "user.disabled", "user:alice"),
        ]
    );
    assert_eq!(log[1].details["role"], "collector");
    assert_eq!(store.audit_log().verify().await.unwrap().problem, None);
}

pub(crate) async fn tokens_authenticate_until_revoked_or_expired(f: &Fixture) {
    let store = f.open().await;
    let accounts = store.accounts();
    accounts
        .add_user(
            &new_user("ci", Role::Collector),
            &change("2026-11-01T09:00:00Z"),
        )
        .await
        .unwrap();
    let now = at("2026-11-01T10:00:00Z");
    let forever = accounts
        .add_token(
            "ci",
            "pipeline",
            &"a".repeat(64),
            None,
            &change("2026-11-01T10:00:00Z"),
        )
        .await
        .unwrap();
    let short = accounts
        .add_token(
            "ci",
            "short",
            &"b".repeat(64),
            Some(now + 1.hour()),
            &change("2026-11-01T10:00:00Z"),
        )
        .await
        .unwrap();
    assert!(
        accounts
            .add_token(
                "ghost",
                "x",
                &"c".repeat(64),
                None,
                &change("2026-11-01T10:00:00Z")
            )
            .await
            .is_err()
    );
    let user = |hash: String, when: Timestamp| async move {
        accounts
            .token_user(&hash, when)
            .await
            .unwrap()
            .map(|u| u.username)
    };
    assert_eq!(user("a".repeat(64), now).await.as_deref(), Some("ci"));
    assert_eq!(user("b".repeat(64), now).await.as_deref(), Some("ci"));
    assert_eq!(user("b".repeat(64), now + 2.hours()).await, None, "expired");
    assert_eq!(user("d".repeat(64), now).await, None, "unknown");
    let revoked = accounts
        .revoke_token(forever.id, &change("2026-11-01T11:00:00Z"))
        .await
        .unwrap();
    assert!(revoked.revoked_at.is_some());
    assert_eq!(user("a".repeat(64), now).await, None, "revoked");
    assert!(
        accounts
            .revoke_token(forever.id, &change("2026-11-01T11:00:00Z"))
            .await
            .is_err()
    );
    let listed = accounts.tokens(Some("ci")).await.unwrap();
    assert_eq!(
        listed.iter().map(|t| t.id).collect::<Vec<_>>(),
        [forever.id, short.id]
    );
    accounts
        .set_disabled("ci", true, &change("2026-11-01T12:00:00Z"))
        .await
        .unwrap();
    assert_eq!(user("b".repeat(64), now).await, None, "disabled user");
    let kinds: Vec<String> = store
        .audit_log()
        .entries(&AuditQuery::default())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds[2..],
        [
            "token.created",
            "token.created",
            "token.revoked",
            "user.disabled"
        ]
    );
}

pub(crate) async fn sessions_expire_and_end(f: &Fixture) {
    let store = f.open().await;
    let accounts = store.accounts();
    let user = accounts
        .add_user(
            &new_user("ann", Role::Owner),
            &change("2026-11-01T09:00:00Z"),
        )
        .await
        .unwrap();
    let now = at("2026-11-01T10:00:00Z");
    let id = "e".repeat(64);
    accounts
        .start_session(
            &id,
            &user,
            "csrf-1",
            now + 8.hours(),
            &change("2026-11-01T10:00:00Z"),
        )
        .await
        .unwrap();
    let session = accounts.session(&id, now).await.unwrap().unwrap();
    assert_eq!(
        (session.user.username.as_str(), session.csrf.as_str()),
        ("ann", "csrf-1")
    );
    assert!(
        accounts
            .session(&id, now + 9.hours())
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    accounts.end_session(&id, now).await.unwrap();
    assert!(accounts.session(&id, now).await.unwrap().is_none(), "ended");
    // Disabling a user ends its sessions.
    accounts
        .start_session(
            &"f".repeat(64),
            &user,
            "csrf-2",
            now + 8.hours(),
            &change("2026-11-01T10:00:00Z"),
        )
        .await
        .unwrap();
    accounts
        .set_disabled("ann", true, &change("2026-11-01T10:30:00Z"))
        .await
        .unwrap();
    accounts
        .set_disabled("ann", false, &change("2026-11-01T10:31:00Z"))
        .await
        .unwrap();
    assert!(
        accounts
            .session(&"f".repeat(64), now)
            .await
            .unwrap()
            .is_none()
    );
}

pub(crate) async fn login_failures_are_counted_per_key(f: &Fixture) {
    let store = f.open().await;
    let accounts = store.accounts();
    let keys = ["user:ann".to_string(), "addr:127.0.0.1".to_string()];
    for minute in 0..3 {
        let when = at("2026-11-01T10:00:00Z") + (minute * 10).minutes();
        accounts.note_login_failure(&keys, when).await.unwrap();
    }
    accounts
        .note_login_failure(&keys[1..], at("2026-11-01T10:25:00Z"))
        .await
        .unwrap();
    let since = at("2026-11-01T10:05:00Z");
    assert_eq!(accounts.login_failures("user:ann", since).await.unwrap(), 2);
    assert_eq!(
        accounts
            .login_failures("addr:127.0.0.1", since)
            .await
            .unwrap(),
        3
    );
    assert_eq!(accounts.login_failures("user:bob", since).await.unwrap(), 0);
}

pub(crate) async fn one_process_holds_a_job_lease(f: &Fixture) {
    let (a, b) = (f.open().await, f.open().await);
    let now = at("2026-11-01T10:00:00Z");
    let until = now + 5.minutes();
    assert!(
        a.jobs()
            .try_lease("collect", "proc-a", now, until)
            .await
            .unwrap()
    );
    assert!(
        !b.jobs()
            .try_lease("collect", "proc-b", now, until)
            .await
            .unwrap()
    );
    assert!(
        b.jobs()
            .try_lease("notify", "proc-b", now, until)
            .await
            .unwrap()
    );
    // The holder renews; after expiry another process takes over.
    assert!(
        a.jobs()
            .try_lease("collect", "proc-a", now + 1.minute(), until + 1.minute())
            .await
            .unwrap()
    );
    let later = until + 2.minutes();
    assert!(
        b.jobs()
            .try_lease("collect", "proc-b", later, later + 5.minutes())
            .await
            .unwrap()
    );
    assert!(
        !a.jobs()
            .try_lease("collect", "proc-a", later, later + 5.minutes())
            .await
            .unwrap()
    );
    b.jobs().release("collect", "proc-b").await.unwrap();
    assert!(
        a.jobs()
            .try_lease("collect", "proc-a", later, later + 5.minutes())
            .await
            .unwrap()
    );
    // Racing processes: exactly one wins.
    let mut tasks = Vec::new();
    for i in 0..6 {
        let store = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            store
                .jobs()
                .try_lease("race", &format!("p{i}"), now, until)
                .await
                .unwrap()
        }));
    }
    let mut winners = 0;
    for t in tasks {
        winners += usize::from(t.await.unwrap());
    }
    assert_eq!(winners, 1);
}

pub(crate) async fn notification_preferences_and_claims(f: &Fixture) {
    let (a, b) = (f.open().await, f.open().await);
    let n = a.notifications();
    assert_eq!(n.preferences("ann").await.unwrap(), None);
    let prefs = serde_json::json!({"email": true, "kinds": ["collection_overdue"]});
    n.set_preferences("ann", &prefs, &change("2026-11-01T09:00:00Z"))
        .await
        .unwrap();
    let newer = serde_json::json!({"email": false, "webhook": "https://hooks.example.com/x"});
    n.set_preferences("ann", &newer, &change("2026-11-02T09:00:00Z"))
        .await
        .unwrap();
    assert_eq!(
        b.notifications().preferences("ann").await.unwrap(),
        Some(newer)
    );
    let at = at("2026-11-02T10:00:00Z");
    assert!(n.claim("overdue:M-AW-01:2026-10:ann", at).await.unwrap());
    assert!(
        !b.notifications()
            .claim("overdue:M-AW-01:2026-10:ann", at)
            .await
            .unwrap()
    );
    let kinds: Vec<String> = a
        .audit_log()
        .entries(&AuditQuery::default())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds[1..],
        ["notifications.preferences", "notifications.preferences"]
    );
}
