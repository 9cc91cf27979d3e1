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

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            kinds: all_kinds(),
            email: true,
            webhook: None,
        }
    }
}
