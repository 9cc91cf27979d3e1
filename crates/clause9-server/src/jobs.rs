//! Background jobs: each runs in exactly one server process at a time,
//! holding a lease in the database (`clause9_store::jobs::Jobs`).
//!
//! Scheduled collection is defined here but NOT wired to a collector yet:
//! the collection engine (`clause9-collect`) implements [`Collector`] when it
//! lands; until then the server runs no collection.

use std::sync::Arc;
use std::time::Duration;

use clause9_core::period::Period;
use clause9_store::Store;
use jiff::{SignedDuration, Timestamp};

/// Runs collection for one ended period.
#[async_trait::async_trait]
pub trait Collector: Send + Sync {
    /// Collects every query base measure due for `period`; an error means
    /// "try again later".
    async fn collect(&self, period: Period) -> Result<(), String>;
}

/// When and how often to retry.
#[derive(Debug, Clone)]
pub struct CollectionPolicy {
    /// Wait this long after a period ends before collecting it.
    pub delay: SignedDuration,
    /// First retry delay; doubled after each failure up to `max_backoff`.
    pub first_backoff: Duration,
    pub max_backoff: Duration,
    pub max_attempts: u32,
    /// How long a lease lasts (renewed before each attempt).
    pub lease: SignedDuration,
}

impl Default for CollectionPolicy {
    fn default() -> Self {
        CollectionPolicy {
            delay: SignedDuration::from_hours(2),
            first_backoff: Duration::from_secs(60),
            max_backoff: Duration::from_secs(3600),
            max_attempts: 8,
            lease: SignedDuration::from_mins(10),
        }
    }
}

impl CollectionPolicy {
    /// Whether `period` (ending at `end`) may be collected at `now`.
    pub fn ready(&self, end: Timestamp, now: Timestamp) -> bool {
        end.checked_add(self.delay).is_ok_and(|at| now >= at)
    }

    /// The wait before attempt `n` (n ≥ 2): exponential, capped.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(2));
        self.first_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// What one run of the job did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutcome {
    /// Another process holds the lease.
    NotLeader,
    /// Collected after this many attempts.
    Collected { attempts: u32 },
    /// Gave up after `max_attempts`.
    GaveUp { attempts: u32, last_error: String },
}

/// Collects `period` once, holding the lease `collect:<period>`, retrying with
/// back-off. `sleep` waits between attempts (tests pass one that returns at once).
pub async fn run_collection<S, F>(
    store: &Arc<dyn Store>,
    holder: &str,
    collector: &dyn Collector,
    policy: &CollectionPolicy,
    period: Period,
    now: impl Fn() -> Timestamp,
    sleep: S,
) -> Result<RunOutcome, clause9_store::StoreError>
where
    S: Fn(Duration) -> F,
    F: std::future::Future<Output = ()>,
{
    let job = format!("collect:{period}");
    let mut last_error = String::new();
    for attempt in 1..=policy.max_attempts {
        if attempt > 1 {
            sleep(policy.backoff(attempt)).await;
        }
        let at = now();
        let until = at.checked_add(policy.lease).unwrap_or(at);
        if !store.jobs().try_lease(&job, holder, at, until).await? {
            return Ok(RunOutcome::NotLeader);
        }
        match collector.collect(period).await {
            Ok(()) => {
                store.jobs().release(&job, holder).await?;
                return Ok(RunOutcome::Collected { attempts: attempt });
            }
            Err(e) => {
                tracing::warn!("collection of {period} failed (attempt {attempt}): {e}");
                last_error = e;
            }
        }
    }
    store.jobs().release(&job, holder).await?;
    Ok(RunOutcome::GaveUp {
        attempts: policy.max_attempts,
        last_error,
    })
}
