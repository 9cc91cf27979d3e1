//! Background jobs: each runs in exactly one server process at a time,
//! holding a lease in the database (`clause9_store::jobs::Jobs`).
//!
//! [`run_collection`] collects one ended period exactly once among all the
//! processes on one database: under the lease `collect:<period>`, retrying
//! with back-off, and settling the job (`done` or `gave-up`) so that no
//! process runs it again. `crate::collection` implements [`Collector`] with
//! the collection engine and schedules the runs. [`repeat`] runs the
//! periodic jobs (notifications, effectiveness checks, housekeeping), each
//! under its lease, as [`holder`].

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
    /// Already settled by some process (`done` or `gave-up`): nothing to do.
    Settled { outcome: String },
    /// Another process holds the lease.
    NotLeader,
    /// Collected after this many attempts.
    Collected { attempts: u32 },
    /// Gave up after `max_attempts`.
    GaveUp { attempts: u32, last_error: String },
}

/// The lease name of the collection of `period`.
pub fn collection_job(period: Period) -> String {
    format!("collect:{period}")
}

/// Collects `period` once, holding the lease `collect:<period>`, retrying with
/// back-off, then settles the job so that no process collects it again.
/// `sleep` waits between attempts (tests pass one that returns at once). The
/// lease is renewed while an attempt runs and held through each wait, so
/// another process takes over only when this one stops.
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
    let job = collection_job(period);
    if let Some(outcome) = store.jobs().finished(&job).await? {
        return Ok(RunOutcome::Settled { outcome });
    }
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
        match renewing(store, &job, holder, policy, &now, collector.collect(period)).await {
            Ok(()) => {
                settle(store, &job, holder, "done").await?;
                return Ok(RunOutcome::Collected { attempts: attempt });
            }
            Err(e) => {
                tracing::warn!("collection of {period} failed (attempt {attempt}): {e}");
                last_error = e;
                if attempt < policy.max_attempts {
                    // Keep the lease through the wait: no other process
                    // starts over while this one backs off.
                    let at = now();
                    let wait = SignedDuration::try_from(policy.backoff(attempt + 1))
                        .unwrap_or(SignedDuration::MAX);
                    let until = at
                        .checked_add(wait.saturating_add(policy.lease))
                        .unwrap_or(at);
                    store.jobs().try_lease(&job, holder, at, until).await?;
                }
            }
        }
    }
    settle(store, &job, holder, "gave-up").await?;
    Ok(RunOutcome::GaveUp {
        attempts: policy.max_attempts,
        last_error,
    })
}

/// Runs `work`, renewing the lease every third of its length.
async fn renewing<T>(
    store: &Arc<dyn Store>,
    job: &str,
    holder: &str,
    policy: &CollectionPolicy,
    now: &impl Fn() -> Timestamp,
    work: impl std::future::Future<Output = T>,
) -> T {
    let every = (policy.lease.unsigned_abs() / 3).max(Duration::from_millis(10));
    tokio::pin!(work);
    loop {
        tokio::select! {
            out = &mut work => return out,
            _ = tokio::time::sleep(every) => {
                let at = now();
                let until = at.checked_add(policy.lease).unwrap_or(at);
                match store.jobs().try_lease(job, holder, at, until).await {
                    Ok(true) => {}
                    Ok(false) => tracing::warn!("lost the lease on {job} while collecting"),
                    Err(e) => tracing::warn!("cannot renew the lease on {job}: {e}"),
                }
            }
        }
    }
}

async fn settle(
    store: &Arc<dyn Store>,
    job: &str,
    holder: &str,
    outcome: &str,
) -> Result<(), clause9_store::StoreError> {
    if !store.jobs().finish(job, holder, outcome).await? {
        tracing::warn!(
            "{job} ended ({outcome}) after its lease passed to another process; it may run again there"
        );
    }
    Ok(())
}

/// This process's name as a lease holder: its pid and a random part.
pub fn holder() -> String {
    format!(
        "pid-{}-{}",
        std::process::id(),
        crate::secret::new_secret("h")
    )
}

/// Runs `run` in the background at start and then every `period` (a run
/// that overruns delays the next one rather than piling up).
pub fn repeat<F, Fut>(period: Duration, mut run: F)
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut every = tokio::time::interval(period);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            run().await;
        }
    });
}

/// Runs `work` while holding the lease `lease` as `holder` (for up to ten
/// minutes), then releases it, whatever `work` returned; `None` when another
/// process holds the lease.
pub async fn leased<T, F, Fut>(
    state: &crate::state::AppState,
    lease: &str,
    holder: &str,
    work: F,
) -> crate::error::ApiResult<Option<T>>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = crate::error::ApiResult<T>>,
{
    let now = state.now();
    let until = now
        .checked_add(SignedDuration::from_mins(10))
        .unwrap_or(now);
    let jobs = state.store.jobs();
    if !jobs.try_lease(lease, holder, now, until).await? {
        return Ok(None);
    }
    let outcome = work().await;
    jobs.release(lease, holder).await?;
    outcome.map(Some)
}
