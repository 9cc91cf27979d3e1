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
}

/// One statement, atomic on both backends: insert, or take over an expired
/// lease or renew one's own.
pub(crate) const TAKE: &str = "INSERT INTO job_leases (name, holder, expires_at) VALUES ($1, $2, $4) \
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
     WHERE job_leases.expires_at <= $3 OR job_leases.holder = excluded.holder";

pub(crate) const RELEASE: &str = "DELETE FROM job_leases WHERE name = $1 AND holder = $2";

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
        }
    };
}

pub(crate) use impl_jobs;
