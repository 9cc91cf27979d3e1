//! Leases for background jobs: a row per job naming the process that holds
//! it until an expiry, so that among several server processes on one
//! database exactly one runs each job, and a crashed holder's lease lapses.

use jiff::Timestamp;

use crate::error::StoreError;

/// Background-job leases.
#[async_trait::async_trait]
pub trait Jobs: Send + Sync {
    /// Takes or renews the lease on `job` for `holder` until `until`, if it
    /// is free, expired at `now`, or already held by `holder`. Returns
    /// whether `holder` has it.
    async fn try_lease(
        &self,
        job: &str,
        holder: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<bool, StoreError>;

    /// Gives the lease up if `holder` has it.
    async fn release(&self, job: &str, holder: &str) -> Result<(), StoreError>;

    /// Settles `job` for good if `holder` has its lease: the lease becomes
    /// `finished:<outcome>` and never lapses, so no process takes it again.
    /// Returns whether `holder` had it.
    async fn finish(&self, job: &str, holder: &str, outcome: &str) -> Result<bool, StoreError>;

    /// The outcome `job` was settled with by [`Jobs::finish`], if it was.
    async fn finished(&self, job: &str) -> Result<Option<String>, StoreError>;
}

/// Prefix of the holder of a settled job (no process id starts with it).
pub(crate) const FINISHED: &str = "finished:";

/// The expiry of a settled job's lease: later than any real time, in the
/// stored text form (which compares in time order).
pub(crate) const NEVER: &str = "9999-12-31T23:59:59.999999Z";

/// One statement, atomic on both backends: insert, or take over an expired
/// lease or renew one's own.
pub(crate) const TAKE: &str = "INSERT INTO job_leases (name, holder, expires_at) VALUES ($1, $2, $4) \
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
     WHERE job_leases.expires_at <= $3 OR job_leases.holder = excluded.holder";

pub(crate) const RELEASE: &str = "DELETE FROM job_leases WHERE name = $1 AND holder = $2";

pub(crate) const FINISH: &str =
    "UPDATE job_leases SET holder = $3, expires_at = $4 WHERE name = $1 AND holder = $2";

pub(crate) const FINISHED_OUTCOME: &str =
    "SELECT holder FROM job_leases WHERE name = $1 AND expires_at = $2";

/// Implements `Jobs` for `$store` (fields `pool` and `redactor`).
macro_rules! impl_jobs {
    ($store:ident, $db:ty) => {
        #[async_trait::async_trait]
        impl crate::jobs::Jobs for $store {
            async fn try_lease(
                &self,
                job: &str,
                holder: &str,
                now: jiff::Timestamp,
                until: jiff::Timestamp,
            ) -> Result<bool, crate::error::StoreError> {
                let done = sqlx::query(crate::jobs::TAKE)
                    .bind(job.to_string())
                    .bind(holder.to_string())
                    .bind(crate::accounts::stamp(now)?)
                    .bind(crate::accounts::stamp(until)?)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| self.redactor.db(e))?;
                Ok(done.rows_affected() == 1)
            }

            async fn release(
                &self,
                job: &str,
                holder: &str,
            ) -> Result<(), crate::error::StoreError> {
                sqlx::query(crate::jobs::RELEASE)
                    .bind(job.to_string())
                    .bind(holder.to_string())
                    .execute(&self.pool)
                    .await
                    .map_err(|e| self.redactor.db(e))?;
                Ok(())
            }

            async fn finish(
                &self,
                job: &str,
                holder: &str,
                outcome: &str,
            ) -> Result<bool, crate::error::StoreError> {
                let done = sqlx::query(crate::jobs::FINISH)
                    .bind(job.to_string())
                    .bind(holder.to_string())
                    .bind(format!("{}{outcome}", crate::jobs::FINISHED))
                    .bind(crate::jobs::NEVER)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| self.redactor.db(e))?;
                Ok(done.rows_affected() == 1)
            }

            async fn finished(
                &self,
                job: &str,
            ) -> Result<Option<String>, crate::error::StoreError> {
                let holder: Option<String> = sqlx::query_scalar(crate::jobs::FINISHED_OUTCOME)
                    .bind(job.to_string())
                    .bind(crate::jobs::NEVER)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(|e| self.redactor.db(e))?;
                Ok(holder.and_then(|h| h.strip_prefix(crate::jobs::FINISHED).map(str::to_string)))
            }
        }
    };
}

pub(crate) use impl_jobs;
