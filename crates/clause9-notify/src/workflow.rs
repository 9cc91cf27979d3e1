//! Notices from the workflow records: corrective actions overdue (to each
//! action's owner), effectiveness checks due (to the owners of the record's
//! actions), audits coming up (to the auditors and the owners of the areas in
//! scope) and management reviews coming up (to the chair). `WorkflowNotices`
//! reads the records from the store as a [`NoticeSource`].

use std::sync::Arc;

use clause9_app::records::{audits, nonconformities, reviews};
use clause9_core::Programme;
use clause9_core::audit::Audit;
use clause9_core::nonconformity::{Nonconformity, State};
use clause9_core::registers::Registers;
use clause9_core::review::Review;
use clause9_store::Store;
use jiff::civil::Date;

use crate::notices::people;
use crate::{Notice, NoticeKind, NoticeSource};

/// How many days ahead audits and reviews are announced.
pub const UPCOMING_DAYS: i64 = 14;

/// Everything the workflow notices are made from.
pub struct WorkflowRecords<'a> {
    pub programme: &'a Programme,
    pub nonconformities: &'a [Nonconformity],
    pub audits: &'a [Audit],
    pub reviews: &'a [Review],
    /// When the next management review is due by the review interval.
    pub next_review_due: Date,
}

fn upcoming(day: Date, today: Date) -> bool {
    day >= today
        && today
            .checked_add(jiff::Span::new().days(UPCOMING_DAYS))
            .is_ok_and(|horizon| day <= horizon)
}

/// The people of several parties, each once, in order.
fn everyone<'a>(programme: &Programme, parties: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for party in parties {
        for p in people(programme, party) {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

/// The notices of the records on `today`.
pub fn workflow_notices(r: &WorkflowRecords, today: Date) -> Vec<Notice> {
    let mut out = Vec::new();
    for nc in r.nonconformities.iter().filter(|n| n.is_open()) {
        for a in nc.overdue_actions(today) {
            for person in everyone(r.programme, a.owner.as_deref().into_iter()) {
                out.push(Notice {
                    kind: NoticeKind::CorrectiveActionOverdue,
                    title: format!("corrective action {}/{} is overdue", nc.id, a.id),
                    text: format!(
                        "Action {} of {} ({}) was due on {}: {}. Record its implementation with `clause9 nc implement` or the API.",
                        a.id, nc.id, nc.description, a.due_date(), a.description
                    ),
                    key: format!("action-overdue:{}:{}:{person}", nc.id, a.id),
                    person,
                });
            }
        }
        if let Some(check) = &nc.check
            && check.on <= today
            && nc.state == State::Implemented
        {
            let owners = everyone(
                r.programme,
                nc.actions.iter().filter_map(|a| a.owner.as_deref()),
            );
            for person in owners {
                out.push(Notice {
                    kind: NoticeKind::EffectivenessCheckDue,
                    title: format!("effectiveness check of {} is due", nc.id),
                    text: format!(
                        "The effectiveness check of {} ({}) is planned for {}. Verify it with `clause9 nc verify` or the API.",
                        nc.id, nc.description, check.on
                    ),
                    key: format!("check-due:{}:{}:{person}", nc.id, check.on),
                    person,
                });
            }
        }
    }
    for audit in r.audits.iter().filter(|a| a.completed.is_none()) {
        if !upcoming(audit.plan.start, today) {
            continue;
        }
        let area_owners = audit.plan.scope.iter().filter_map(|i| {
            i.area
                .as_deref()
                .and_then(|a| r.programme.settings.areas.get(a))
                .map(|a| a.owner.as_str())
        });
        let to = everyone(
            r.programme,
            audit.auditors.iter().map(String::as_str).chain(area_owners),
        );
        for person in to {
            out.push(Notice {
                kind: NoticeKind::AuditUpcoming,
                title: format!("audit {} starts on {}", audit.id, audit.plan.start),
                text: format!(
                    "Audit {} ({}) runs from {} to {}; scope: {}.",
                    audit.id,
                    audit.plan.title,
                    audit.plan.start,
                    audit.plan.end,
                    audit
                        .plan
                        .scope
                        .iter()
                        .map(|i| i.label())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                key: format!("audit-upcoming:{}:{}:{person}", audit.id, audit.plan.start),
                person,
            });
        }
    }
    let mut scheduled = false;
    for review in r.reviews.iter().filter(|v| v.signed.is_none()) {
        if review.date >= today {
            scheduled = true;
        }
        if !upcoming(review.date, today) {
            continue;
        }
        for person in everyone(r.programme, std::iter::once(review.chair.as_str())) {
            out.push(Notice {
                kind: NoticeKind::ReviewUpcoming,
                title: format!("management review {} on {}", review.id, review.date),
                text: format!(
                    "Management review {} ({}) meets on {}; prepare the input pack with `clause9 review prepare` or the API.",
                    review.id, review.title, review.date
                ),
                key: format!("review-upcoming:{}:{}:{person}", review.id, review.date),
                person,
            });
        }
    }
    // a review due by the interval and not scheduled yet: tell the last chair
    let last_chair = r
        .reviews
        .iter()
        .filter(|v| v.signed.is_some())
        .max_by_key(|v| v.date)
        .map(|v| v.chair.as_str());
    if !scheduled
        && upcoming(r.next_review_due, today)
        && let Some(chair) = last_chair
    {
        for person in everyone(r.programme, std::iter::once(chair)) {
            out.push(Notice {
                kind: NoticeKind::ReviewUpcoming,
                title: format!("a management review is due by {}", r.next_review_due),
                text: format!(
                    "The next management review is due by {} and none is scheduled; open one with `clause9 review open` or the API.",
                    r.next_review_due
                ),
                key: format!("review-due:{}:{person}", r.next_review_due),
                person,
            });
        }
    }
    out
}

/// The workflow records of a store as a notice source.
pub struct WorkflowNotices {
    pub store: Arc<dyn Store>,
    pub programme: Arc<Programme>,
    pub registers: Arc<Registers>,
}

#[async_trait::async_trait]
impl NoticeSource for WorkflowNotices {
    async fn notices(&self, today: Date) -> Vec<Notice> {
        let store = self.store.as_ref();
        let loaded = async {
            let ncs = nonconformities::load_all(store).await?;
            let audits = audits::load_all(store).await?;
            let reviews = reviews::load_all(store).await?;
            Ok::<_, clause9_app::records::RecordError>((ncs, audits, reviews))
        };
        match loaded.await {
            Ok((ncs, audits, list)) => workflow_notices(
                &WorkflowRecords {
                    programme: &self.programme,
                    nonconformities: &ncs,
                    audits: &audits,
                    reviews: &list,
                    next_review_due: reviews::next_due(&self.programme, &self.registers, &list),
                },
                today,
            ),
            Err(e) => {
                tracing::error!("workflow notices were not worked out: {e}");
                Vec::new()
            }
        }
    }
}
