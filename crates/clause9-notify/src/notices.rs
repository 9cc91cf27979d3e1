//! Working out the notices: from the collection schedule, from two
//! evaluations, and from other features through [`NoticeSource`].

use clause9_core::Programme;
use clause9_core::evaluation::{Evaluation, Status};
use clause9_core::schedule::{CollectionItem, CollectionState};
use jiff::civil::Date;

use crate::{Notice, NoticeKind};

/// Other features' notices (corrective actions overdue, effectiveness checks
/// due, audits and reviews coming up): `WorkflowNotices` implements it.
#[async_trait::async_trait]
pub trait NoticeSource: Send + Sync {
    async fn notices(&self, today: Date) -> Vec<Notice>;
}

/// The people a party (person or group id) stands for.
pub(crate) fn people(programme: &Programme, party: &str) -> Vec<String> {
    match programme.settings.groups.get(party) {
        Some(members) => members.clone(),
        None if programme.settings.people.contains_key(party) => vec![party.to_string()],
        None => Vec::new(),
    }
}

/// A notice per person per base value due or overdue (values collected by
/// sources are left to the collection job).
pub fn collection_notices(programme: &Programme, items: &[CollectionItem]) -> Vec<Notice> {
    let mut out = Vec::new();
    for item in items {
        let kind = match item.state {
            CollectionState::Due => NoticeKind::CollectionDue,
            CollectionState::Overdue => NoticeKind::CollectionOverdue,
            _ => continue,
        };
        let (label, verb) = match kind {
            NoticeKind::CollectionDue => ("due", "is due by"),
            _ => ("overdue", "was due on"),
        };
        for person in people(programme, &item.collector) {
            out.push(Notice {
                kind,
                title: format!("{} {} for {} {label}", item.measure, item.base, item.period),
                text: format!(
                    "The value of {} ({}) for {} {verb} {}. Record it with `clause9 record` or the API.",
                    item.base, item.measure_name, item.period, item.due
                ),
                key: format!("{label}:{}:{}:{}:{person}", item.measure, item.base, item.period),
                person,
            });
        }
    }
    out
}

/// A notice to each owner of an indicator that is red now and was not in
/// the previous evaluation.
pub fn turned_red(
    programme: &Programme,
    previous: &Evaluation,
    current: &Evaluation,
) -> Vec<Notice> {
    let mut out = Vec::new();
    for m in current.measures.iter().filter(|m| m.status == Status::Red) {
        let before = previous
            .measures
            .iter()
            .find(|p| p.id == m.id)
            .map(|p| p.status);
        if before == Some(Status::Red) {
            continue;
        }
        let Some(definition) = programme.measure(&m.id) else {
            continue;
        };
        for person in people(programme, &definition.roles.owner) {
            out.push(Notice {
                kind: NoticeKind::IndicatorRed,
                title: format!("{} turned red for {}", m.id, current.period),
                text: format!(
                    "{} is red for {} (value {}, target {}); it was {} for {}.",
                    m.name,
                    current.period,
                    m.value.map_or("none".to_string(), |v| format!("{v:.2}")),
                    m.target,
                    before.map_or("not evaluated", |s| s.as_str()),
                    previous.period
                ),
                key: format!("red:{}:{}:{person}", m.id, current.period),
                person,
            });
        }
    }
    out
}
