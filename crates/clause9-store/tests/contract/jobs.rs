//! Contract cases for settled jobs: a finished job's lease never lapses, only
//! its holder can settle it, and its outcome can be read back by any process.

use jiff::{Timestamp, ToSpan};

use crate::fixture::Fixture;

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

pub(crate) async fn a_finished_job_is_never_taken_again(f: &Fixture) {
    let (a, b) = (f.open().await, f.open().await);
    let now = at("2026-11-01T10:00:00Z");
    let until = now + 5.minutes();
    assert_eq!(a.jobs().finished("collect:2026-10").await.unwrap(), None);
    assert!(
        a.jobs()
            .try_lease("collect:2026-10", "proc-a", now, until)
            .await
            .unwrap()
    );
    // Only the holder settles it.
    assert!(
        !b.jobs()
            .finish("collect:2026-10", "proc-b", "done")
            .await
            .unwrap()
    );
    assert_eq!(b.jobs().finished("collect:2026-10").await.unwrap(), None);
    assert!(
        a.jobs()
            .finish("collect:2026-10", "proc-a", "done")
            .await
            .unwrap()
    );
    assert_eq!(
        b.jobs()
            .finished("collect:2026-10")
            .await
            .unwrap()
            .as_deref(),
        Some("done")
    );
    // Years later, neither process (not even the old holder) takes it again,
    // and releasing does not undo it.
    let later = at("2100-01-01T00:00:00Z");
    for (store, holder) in [(&a, "proc-a"), (&b, "proc-b")] {
        assert!(
            !store
                .jobs()
                .try_lease("collect:2026-10", holder, later, later + 5.minutes())
                .await
                .unwrap(),
            "{holder}"
        );
        store
            .jobs()
            .release("collect:2026-10", holder)
            .await
            .unwrap();
    }
    assert_eq!(
        a.jobs()
            .finished("collect:2026-10")
            .await
            .unwrap()
            .as_deref(),
        Some("done")
    );
    // An ordinary lease is not reported as finished; other jobs are untouched.
    assert!(
        b.jobs()
            .try_lease("collect:2026-11", "proc-b", now, until)
            .await
            .unwrap()
    );
    assert_eq!(a.jobs().finished("collect:2026-11").await.unwrap(), None);
    assert!(
        b.jobs()
            .finish("collect:2026-11", "proc-b", "gave-up")
            .await
            .unwrap()
    );
    assert_eq!(
        a.jobs()
            .finished("collect:2026-11")
            .await
            .unwrap()
            .as_deref(),
        Some("gave-up")
    );
}
