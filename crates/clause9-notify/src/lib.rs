//! clause9-notify: notices (collections due and overdue, indicators turning
//! red, and — through [`NoticeSource`] — corrective actions overdue and
//! audits or reviews coming up), each person's preferences, and delivery by
//! email (SMTP via lettre, rustls) and webhook (JSON POST).

mod deliver;
mod notices;
mod workflow;

pub use deliver::{Channels, DeliveryReport, Mailer, deliver, webhook_allowed};
pub use notices::{NoticeSource, collection_notices, turned_red};
pub use workflow::{UPCOMING_DAYS, WorkflowNotices, WorkflowRecords, workflow_notices};

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// What a notice is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    CollectionDue,
    CollectionOverdue,
    IndicatorRed,
    CorrectiveActionOverdue,
    ReviewUpcoming,
    AuditUpcoming,
    EffectivenessCheckDue,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 7] = [
        NoticeKind::CollectionDue,
        NoticeKind::CollectionOverdue,
        NoticeKind::IndicatorRed,
        NoticeKind::CorrectiveActionOverdue,
        NoticeKind::ReviewUpcoming,
        NoticeKind::AuditUpcoming,
        NoticeKind::EffectivenessCheckDue,
    ];
}

/// One thing to tell one person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Notice {
    pub kind: NoticeKind,
    /// A person id of the programme.
    pub person: String,
    pub title: String,
    pub text: String,
    /// Identifies the notice, so it is sent once (`kind:…:person`).
    pub key: String,
}

/// What a person wants to receive, and how. Without stored preferences:
/// every kind, by email, no webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    #[serde(default = "all_kinds")]
    pub kinds: BTreeSet<NoticeKind>,
    #[serde(default = "yes")]
    pub email: bool,
    /// An `https://` URL (or `http://` on loopback) to POST each notice to.
    #[serde(default)]
    pub webhook: Option<String>,
}

fn all_kinds() -> BTreeSet<NoticeKind> {
    NoticeKind::ALL.into_iter().collect()
}

fn yes() -> bool {
    true
}

impl Preferences {
    /// Why these preferences cannot be saved (none: they can). The one check
    /// behind the API (`PUT /api/v1/notifications/preferences`) and the
    /// notification settings pages.
    pub fn problems(&self) -> Vec<String> {
        match &self.webhook {
            Some(url) if !webhook_allowed(url) => {
                vec!["webhook must be an https:// URL".to_string()]
            }
            _ => Vec::new(),
        }
    }

    /// A person's preferences as stored (`None`, or JSON that no longer
    /// reads, gives the defaults: every kind, by email).
    pub fn from_stored(stored: Option<serde_json::Value>) -> Preferences {
        stored
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default()
    }
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            kinds: all_kinds(),
            email: true,
            webhook: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_webhooks_are_allowed() {
        let with = |url: &str| Preferences {
            webhook: Some(url.into()),
            ..Preferences::default()
        };
        assert!(with("https://hooks.example.com/x").problems().is_empty());
        assert!(with("http://127.0.0.1:8080/x").problems().is_empty());
        assert_eq!(
            with("http://hooks.example.com/x").problems(),
            vec!["webhook must be an https:// URL".to_string()]
        );
        assert!(Preferences::default().problems().is_empty());
    }

    #[test]
    fn stored_preferences_that_do_not_read_give_the_defaults() {
        assert_eq!(Preferences::from_stored(None), Preferences::default());
        assert_eq!(
            Preferences::from_stored(Some(serde_json::json!({"kinds": ["gossip"]}))),
            Preferences::default()
        );
        let p = Preferences::from_stored(Some(serde_json::json!({"email": false})));
        assert!(!p.email && p.kinds.len() == NoticeKind::ALL.len());
    }
}
