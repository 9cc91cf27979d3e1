//! The scheduled-collection job: exactly one holder of the lease runs it,
//! failures are retried with exponential back-off, it gives up after the
//! last attempt, and a settled period is never run again. Time is advanced
//! by the test (the "sleep" records its argument and returns at once).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clause9_core::period::Period;
use clause9_server::jobs::{CollectionPolicy, Collector, RunOutcome, run_collection};
use jiff::{SignedDuration, Timestamp};

#[path = "api/env.rs"]
#[allow(dead_code)]
mod env;

/// Fails the first `failures` calls, then succeeds.
struct Flaky {
    failures: u32,
    calls: AtomicU32,
}

#[async_trait::async_trait]
impl Collector for Flaky {
    async fn collect(&self, _period: Period) -> Result<(), String> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if n <= self.failures {
            Err(format!("source unreachable (call {n})"))
        } else {
            Ok(())
        }
    }
}

fn policy() -> CollectionPolicy {
    CollectionPolicy {
        delay: SignedDuration::from_hours(2),
        first_backoff: Duration::from_secs(60),
        max_backoff: Duration::from_secs(300),
        max_attempts: 5,
        lease: SignedDuration::from_mins(10),
    }
}

#[tokio::test]
async fn retries_with_backoff_then_collects() {
    let env = env::Env::sqlite().await;
    let store = env.state.store.clone();
    let now: Timestamp = env::NOW.parse().unwrap();
    let flaky = Flaky {
        failures: 3,
        calls: AtomicU32::new(0),
    };
    let waits = Arc::new(Mutex::new(Vec::new()));
    let recorded = waits.clone();
    let outcome = run_collection(
        &store,
        "proc-a",
        &flaky,
        &policy(),
        "2026-10".parse().unwrap(),
        || now,
        |d| {
            recorded.lock().unwrap().push(d);
            async {}
        },
    )
    .await
    .unwrap();
    assert_eq!(outcome, RunOutcome::Collected { attempts: 4 });
    let secs: Vec<u64> = waits.lock().unwrap().iter().map(|d| d.as_secs()).collect();
    assert_eq!(secs, [60, 120, 240]);
    // The period is settled: no process takes it again, not even much later,
    // and another run does not call the collector.
    assert_eq!(
        store.jobs().finished("collect:2026-10").await.unwrap(),
        Some("done".to_string())
    );
    let later: Timestamp = "2027-06-01T00:00:00Z".parse().unwrap();
    assert!(
        !store
            .jobs()
            .try_lease("collect:2026-10", "proc-b", later, later)
            .await
            .unwrap()
    );
    let again = run_collection(
        &store,
        "proc-b",
        &flaky,
        &policy(),
        "2026-10".parse().unwrap(),
        || later,
        |_| async {},
    )
    .await
    .unwrap();
    assert_eq!(
        again,
        RunOutcome::Settled {
            outcome: "done".into()
        }
    );
    assert_eq!(flaky.calls.load(Ordering::SeqCst), 4);
    env.finish().await;
}

#[tokio::test]
async fn gives_up_after_the_last_attempt_and_backoff_is_capped() {
    let env = env::Env::sqlite().await;
    let now: Timestamp = env::NOW.parse().unwrap();
    let flaky = Flaky {
        failures: 99,
        calls: AtomicU32::new(0),
    };
    let waits = Arc::new(Mutex::new(Vec::new()));
    let recorded = waits.clone();
    let outcome = run_collection(
        &env.state.store,
        "proc-a",
        &flaky,
        &policy(),
        "2026-10".parse().unwrap(),
        || now,
        |d| {
            recorded.lock().unwrap().push(d.as_secs());
            async {}
        },
    )
    .await
    .unwrap();
    assert_eq!(
        outcome,
        RunOutcome::GaveUp {
            attempts: 5,
            last_error: "source unreachable (call 5)".into()
        }
    );
    assert_eq!(*waits.lock().unwrap(), [60, 120, 240, 300]);
    assert_eq!(
        env.state
            .store
            .jobs()
            .finished("collect:2026-10")
            .await
            .unwrap(),
        Some("gave-up".to_string())
    );
    env.finish().await;
}

#[tokio::test]
async fn only_the_lease_holder_runs_and_periods_wait_for_the_delay() {
    let env = env::Env::sqlite().await;
    let store = env.state.store.clone();
    let now: Timestamp = env::NOW.parse().unwrap();
    let until = now.checked_add(SignedDuration::from_mins(10)).unwrap();
    assert!(
        store
            .jobs()
            .try_lease("collect:2026-10", "proc-a", now, until)
            .await
            .unwrap()
    );
    let flaky = Flaky {
        failures: 0,
        calls: AtomicU32::new(0),
    };
    let outcome = run_collection(
        &store,
        "proc-b",
        &flaky,
        &policy(),
        "2026-10".parse().unwrap(),
        || now,
        |_| async {},
    )
    .await
    .unwrap();
    assert_eq!(outcome, RunOutcome::NotLeader);
    assert_eq!(flaky.calls.load(Ordering::SeqCst), 0);
    let end: Timestamp = "2026-11-01T00:00:00Z".parse().unwrap();
    assert!(!policy().ready(end, "2026-11-01T01:59:59Z".parse().unwrap()));
    assert!(policy().ready(end, "2026-11-01T02:00:00Z".parse().unwrap()));
    env.finish().await;
}

#[tokio::test]
async fn the_lease_is_held_through_each_back_off() {
    let env = env::Env::sqlite().await;
    let store = env.state.store.clone();
    let now: Timestamp = env::NOW.parse().unwrap();
    let flaky = Flaky {
        failures: 2,
        calls: AtomicU32::new(0),
    };
    // At the end of each wait (the clock stands still here, so "the end of
    // the wait" is now + wait), another process still cannot take the lease.
    let taken = Arc::new(Mutex::new(Vec::new()));
    let outcome = run_collection(
        &store,
        "proc-a",
        &flaky,
        &policy(),
        "2026-10".parse().unwrap(),
        || now,
        |wait| {
            let (store, taken) = (store.clone(), taken.clone());
            async move {
                let at = now
                    .checked_add(SignedDuration::try_from(wait).unwrap())
                    .unwrap();
                let got = store
                    .jobs()
                    .try_lease("collect:2026-10", "proc-b", at, at)
                    .await
                    .unwrap();
                taken.lock().unwrap().push(got);
            }
        },
    )
    .await
    .unwrap();
    assert_eq!(outcome, RunOutcome::Collected { attempts: 3 });
    assert_eq!(*taken.lock().unwrap(), [false, false]);
    env.finish().await;
}
