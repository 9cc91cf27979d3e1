//! Notification state: each person's preferences (JSON chosen by the
//! server) and the notices already sent, so that among several server
//! processes each notice goes out once.

use jiff::Timestamp;

use crate::error::StoreError;

#[async_trait::async_trait]
pub trait Notifications: Send + Sync {
    /// Sets a person's preferences (replacing earlier ones); audit-logged.
    async fn set_preferences(
        &self,
        person: &str,
        prefs: &serde_json::Value,
        change: &crate::accounts::Change,
    ) -> Result<(), StoreError>;
    /// A person's preferences, if they chose any.
    async fn preferences(&self, person: &str) -> Result<Option<serde_json::Value>, StoreError>;
    /// Claims the notice `key`: true for the first caller only.
    async fn claim(&self, key: &str, at: Timestamp) -> Result<bool, StoreError>;
}

pub(crate) const UPSERT: &str = "INSERT INTO notification_prefs (person, prefs, updated_at) VALUES ($1, $2, $3) \
     ON CONFLICT (person) DO UPDATE SET prefs = excluded.prefs, updated_at = excluded.updated_at";
pub(crate) const SELECT: &str = "SELECT prefs FROM notification_prefs WHERE person = $1";
pub(crate) const CLAIM: &str =
    "INSERT INTO notifications_sent (key, sent_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING";

/// Implements `Notifications` for `$store` (fields `pool` and `redactor`).
macro_rules! impl_notifications {
    ($store:ident, $db:ty, begin: $begin:literal) => {
        #[async_trait::async_trait]
        impl crate::notifications::Notifications for $store {
            async fn set_preferences(
                &self,
                person: &str,
                prefs: &serde_json::Value,
                change: &crate::accounts::Change,
            ) -> Result<(), crate::error::StoreError> {
                let db = |e| self.redactor.db(e);
                let mut tx = self.pool.begin_with($begin).await.map_err(db)?;
                sqlx::query(crate::notifications::UPSERT)
                    .bind(person.to_string())
                    .bind(crate::audit_log::canonical_json(prefs))
                    .bind(crate::accounts::stamp(change.at)?)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                let entry = crate::audit_log::NewAuditEntry {
                    at: change.at,
                    actor: change.actor.clone(),
                    kind: "notifications.preferences".into(),
                    subject: format!("person:{person}"),
                    details: prefs.clone(),
                };
                Self::append_audit(&mut tx, &self.redactor, &[entry]).await?;
                tx.commit().await.map_err(db)?;
                Ok(())
            }

            async fn preferences(
                &self,
                person: &str,
            ) -> Result<Option<serde_json::Value>, crate::error::StoreError> {
                let text: Option<String> = sqlx::query_scalar(crate::notifications::SELECT)
                    .bind(person.to_string())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(|e| self.redactor.db(e))?;
                text.map(|t| {
                    serde_json::from_str(&t).map_err(|_| {
                        crate::error::StoreError::Corrupt(format!(
                            "notification preferences of {person} are not JSON"
                        ))
                    })
                })
                .transpose()
            }

            async fn claim(
                &self,
                key: &str,
                at: jiff::Timestamp,
            ) -> Result<bool, crate::error::StoreError> {
                let done = sqlx::query(crate::notifications::CLAIM)
                    .bind(key.to_string())
                    .bind(crate::accounts::stamp(at)?)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| self.redactor.db(e))?;
                Ok(done.rows_affected() == 1)
            }
        }
    };
}

pub(crate) use impl_notifications;
