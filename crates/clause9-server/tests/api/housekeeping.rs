//! The housekeeping job: expired sessions and old failed sign-ins are
//! deleted, live ones and recent failures kept, and only the process holding
//! the lease does it.

use clause9_server::housekeeping::{LEASE, Purged, run_once};
use clause9_store::accounts::{Change, Role};
use jiff::{SignedDuration, Timestamp};

use crate::env::{Env, NOW};

pub(crate) async fn housekeeping_deletes_expired_sessions_and_old_failures(env: &Env) {
    env.user("sam", "it_lead", Role::Viewer).await;
    let accounts = env.state.store.accounts();
    let user = accounts.user("sam").await.unwrap().unwrap();
    let now: Timestamp = NOW.parse().unwrap();
    let at = |mins: i64| now.checked_add(SignedDuration::from_mins(mins)).unwrap();
    let change = Change {
        actor: "test".into(),
        at: at(-600),
    };
    let expired = "a".repeat(64);
    let live = "b".repeat(64);
    accounts
        .start_session(&expired, &user, "csrf1", at(-1), &change)
        .await
        .unwrap();
    accounts
        .start_session(&live, &user, "csrf2", at(60), &change)
        .await
        .unwrap();
    // two days old, and ten minutes old
    accounts
        .note_login_failure(
            &["user:sam".into(), "addr:10.0.0.1".into()],
            at(-2 * 24 * 60),
        )
        .await
        .unwrap();
    accounts
        .note_login_failure(&["user:sam".into()], at(-10))
        .await
        .unwrap();
    let long_ago = at(-3 * 24 * 60);
    assert_eq!(
        accounts.login_failures("user:sam", long_ago).await.unwrap(),
        2
    );

    // another process holds the lease: nothing happens here
    let jobs = env.state.store.jobs();
    assert!(jobs.try_lease(LEASE, "other", now, at(10)).await.unwrap());
    assert_eq!(run_once(&env.state, "me").await.unwrap(), None);
    assert!(accounts.session(&live, now).await.unwrap().is_some());
    jobs.release(LEASE, "other").await.unwrap();

    let purged = run_once(&env.state, "me").await.unwrap();
    assert_eq!(
        purged,
        Some(Purged {
            sessions: 1,
            login_failures: 2
        })
    );
    assert!(accounts.session(&live, now).await.unwrap().is_some());
    assert_eq!(
        accounts.login_failures("user:sam", long_ago).await.unwrap(),
        1
    );
    assert_eq!(
        accounts
            .login_failures("addr:10.0.0.1", long_ago)
            .await
            .unwrap(),
        0
    );
    // the expired session's row is gone, not just refused
    let again = run_once(&env.state, "me").await.unwrap();
    assert_eq!(
        again,
        Some(Purged {
            sessions: 0,
            login_failures: 0
        })
    );
}
