//! The `Store` implementation shared by both backends, written once as a macro
//! over the sqlx database type, plus the checks it makes before each insert.

use crate::error::StoreError;
use crate::rows::Encoded;

/// Refuses to supersede an observation that does not exist or that belongs to
/// another measure, base or period. `found` is the key of observation `target`.
pub(crate) fn check_superseded(
    item: &Encoded,
    target: i64,
    found: Option<(String, String, String)>,
) -> Result<(), StoreError> {
    match found {
        None => Err(StoreError::Invalid(format!(
            "the correction of {} supersedes observation #{target}, which does not exist; \
             read the current value again and correct that one",
            item.key()
        ))),
        Some((measure, base, period))
            if (measure.as_str(), base.as_str(), period.as_str())
                != (
                    item.measure.as_str(),
                    item.base.as_str(),
                    item.period.as_str(),
                ) =>
        {
            Err(StoreError::Invalid(format!(
                "the correction of {} supersedes observation #{target}, which is {measure}/{base} \
                 for {period}; a correction must supersede a value of the same measure, base \
                 and period",
                item.key()
            )))
        }
        Some(_) => Ok(()),
    }
}

/// The distinct keys of a batch, sorted, as text to lock (`measure␟base␟period`).
pub(crate) fn lock_keys(items: &[Encoded]) -> Vec<String> {
    let mut keys: Vec<String> = items
        .iter()
        .map(|i| format!("{}\u{1f}{}\u{1f}{}", i.measure, i.base, i.period))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Implements `Store` for `$store`, a struct with fields `pool: sqlx::Pool<$db>`
/// and `redactor: Redactor`. `$begin` starts a write transaction; `$lock`, if
/// any, is run inside it for each key of the batch, in sorted order, to
/// serialise writers of the same key (`$1` is the key text).
macro_rules! impl_store {
    ($store:ident, $db:ty, $name:literal, begin: $begin:literal, lock: $lock:expr) => {
        impl $store {
            /// The id of the current value of `item`'s key, read through `executor`.
            async fn head<'e, E>(executor: E, item: &Encoded) -> Result<Option<i64>, sqlx::Error>
            where
                E: sqlx::Executor<'e, Database = $db>,
            {
                sqlx::query_scalar(sql::SELECT_HEAD)
                    .bind(item.measure.clone())
                    .bind(item.base.clone())
                    .bind(item.period.clone())
                    .fetch_optional(executor)
                    .await
            }

            async fn insert(
                conn: &mut <$db as sqlx::Database>::Connection,
                item: &Encoded,
            ) -> Result<RawRow, sqlx::Error> {
                sqlx::query_as(sql::INSERT)
                    .bind(item.measure.clone())
                    .bind(item.base.clone())
                    .bind(item.period.clone())
                    .bind(item.value)
                    .bind(item.definition_version)
                    .bind(item.recorded_by.clone())
                    .bind(item.recorded_at.clone())
                    .bind(item.method)
                    .bind(item.evidence_name.clone())
                    .bind(item.evidence_sha256.clone())
                    .bind(item.evidence_size)
                    .bind(item.evidence_url.clone())
                    .bind(item.provenance.clone())
                    .bind(item.supersedes)
                    .bind(item.reason.clone())
                    .fetch_one(conn)
                    .await
            }
        }

        #[async_trait::async_trait]
        impl Store for $store {
            async fn append(
                &self,
                batch: &[NewObservation],
            ) -> Result<Vec<Observation>, StoreError> {
                let items = batch
                    .iter()
                    .map(rows::encode)
                    .collect::<Result<Vec<_>, _>>()?;
                if items.is_empty() {
                    return Ok(Vec::new());
                }
                let db = |e| self.redactor.db(e);
                let mut tx = self.pool.begin_with($begin).await.map_err(db)?;
                let lock: Option<&'static str> = $lock;
                if let Some(lock) = lock {
                    for key in lock_keys(&items) {
                        sqlx::query(lock)
                            .bind(key)
                            .execute(&mut *tx)
                            .await
                            .map_err(db)?;
                    }
                }
                let mut stored = Vec::with_capacity(items.len());
                for item in &items {
                    if let Some(target) = item.supersedes {
                        let found = sqlx::query_as(sql::SELECT_KEY)
                            .bind(target)
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(db)?;
                        check_superseded(item, target, found)?;
                    }
                    let head = Self::head(&mut *tx, item).await.map_err(db)?;
                    if head != item.supersedes {
                        return Err(item.conflict(head));
                    }
                    match Self::insert(&mut tx, item).await {
                        Ok(row) => stored.push(row.decode()?),
                        // Another writer got there first (a race the checks above
                        // could not see, e.g. one that bypassed the key lock):
                        // report the value that won.
                        Err(e) if is_unique_violation(&e) => {
                            tx.rollback().await.map_err(db)?;
                            let head = Self::head(&self.pool, item).await.map_err(db)?;
                            return Err(item.conflict(head));
                        }
                        Err(e) => return Err(db(e)),
                    }
                }
                // The audit entries commit with the values, or neither does.
                let entries: Vec<_> = stored
                    .iter()
                    .map(crate::audit_log::observation_entry)
                    .collect();
                Self::append_audit(&mut tx, &self.redactor, &entries).await?;
                tx.commit().await.map_err(db)?;
                Ok(stored)
            }

            async fn current(
                &self,
                measure: Option<&str>,
                periods: &[Period],
            ) -> Result<Vec<Observation>, StoreError> {
                let mut query = sqlx::QueryBuilder::<$db>::new(sql::SELECT_CURRENT);
                if let Some(measure) = measure {
                    query
                        .push(" AND o.measure = ")
                        .push_bind(measure.to_string());
                }
                if !periods.is_empty() {
                    query.push(" AND o.period IN (");
                    let mut list = query.separated(", ");
                    for period in periods {
                        list.push_bind(period.to_string());
                    }
                    query.push(")");
                }
                query.push(sql::ORDER_CURRENT);
                let rows: Vec<RawRow> = query
                    .build_query_as()
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| self.redactor.db(e))?;
                rows.into_iter().map(RawRow::decode).collect()
            }

            async fn history(&self, measure: &str) -> Result<Vec<Observation>, StoreError> {
                let rows: Vec<RawRow> = sqlx::query_as(sql::SELECT_HISTORY)
                    .bind(measure.to_string())
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| self.redactor.db(e))?;
                rows.into_iter().map(RawRow::decode).collect()
            }

            async fn observation(&self, id: i64) -> Result<Option<Observation>, StoreError> {
                let row: Option<RawRow> = sqlx::query_as(sql::SELECT_ONE)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(|e| self.redactor.db(e))?;
                row.map(RawRow::decode).transpose()
            }

            fn backend(&self) -> &'static str {
                $name
            }

            fn workflow(&self) -> &dyn $crate::workflow::WorkflowStore {
                self
            }

            fn audit_log(&self) -> &dyn crate::audit_log::AuditLog {
                self
            }

            fn accounts(&self) -> &dyn crate::accounts::Accounts {
                self
            }

            fn jobs(&self) -> &dyn crate::jobs::Jobs {
                self
            }

            fn notifications(&self) -> &dyn crate::notifications::Notifications {
                self
            }

            fn reports(&self) -> &dyn $crate::ReportArchive {
                self
            }
        }
    };
}

pub(crate) use impl_store;
