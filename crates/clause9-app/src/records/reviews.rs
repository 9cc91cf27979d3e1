//! Management reviews (9.3) as stored records: rebuilt from the `review/`
//! streams, opened, minuted (attendees, discussion, decisions, action items),
//! signed by the chair (which locks them), actions followed up; the input
//! pack assembled from live data; when the next review is due.

use clause9_core::Programme;
use clause9_core::doc::{Block, Doc};
use clause9_core::registers::Registers;
use clause9_core::review::pack::{PackInput, pack};
use clause9_core::review::{Review, ReviewEvent};
use jiff::civil::Date;
use serde_json::json;

use clause9_core::access::Action;

use super::{Actor, RecordError, RecordResult, append, decode, encode, event, streams};
use clause9_store::Store;

pub const PREFIX: &str = "review/";

/// Every review, rebuilt from its events, in id order.
pub async fn load_all(store: &dyn Store) -> RecordResult<Vec<Review>> {
    let mut out = Vec::new();
    for (id, events) in streams(store, PREFIX).await? {
        let list = events
            .iter()
            .map(decode::<ReviewEvent>)
            .collect::<RecordResult<Vec<_>>>()?;
        out.push(Review::replay(&id, &list).map_err(RecordError::Corrupt)?);
    }
    Ok(out)
}

/// One review and the number of its events, or `NotFound`.
pub async fn load(store: &dyn Store, id: &str) -> RecordResult<(Review, usize)> {
    let events = streams(store, &format!("{PREFIX}{id}")).await?;
    let list = events
        .get(id)
        .ok_or_else(|| RecordError::not_found(format!("no review `{id}`")))?;
    let decoded = list
        .iter()
        .map(decode::<ReviewEvent>)
        .collect::<RecordResult<Vec<_>>>()?;
    let review = Review::replay(id, &decoded).map_err(RecordError::Corrupt)?;
    Ok((review, list.len()))
}

/// Opens a review's minutes; returns it.
pub async fn open(
    programme: &Programme,
    store: &dyn Store,
    title: String,
    date: Date,
    chair: String,
    actor: &Actor,
    why: &str,
) -> RecordResult<Review> {
    actor.may(programme, &Action::OpenReview)?;
    if !programme.settings.people.contains_key(&chair) {
        return Err(RecordError::refused(format!(
            "chair: `{chair}` is not a person of this programme (see [people] in clause9.toml)"
        )));
    }
    let used: Vec<String> = load_all(store).await?.into_iter().map(|r| r.id).collect();
    let id = super::next_id("MR", used.iter());
    let e = ReviewEvent::Opened { title, date, chair };
    let review = Review::replay(&id, &[(e.clone(), actor.on)]).map_err(RecordError::refused)?;
    append(
        store,
        vec![event(
            &format!("{PREFIX}{id}"),
            1,
            e.name(),
            encode(&e, actor.on),
            &actor.by,
            why,
            actor.at,
        )],
    )
    .await?;
    Ok(review)
}

/// Checks a person id named in an event (attendee, action owner) against the programme.
pub fn check_person(programme: &Programme, what: &str, id: &str) -> RecordResult<()> {
    if programme.settings.people.contains_key(id) {
        Ok(())
    } else {
        Err(RecordError::refused(format!(
            "{what}: `{id}` is not a person of this programme (see [people] in clause9.toml)"
        )))
    }
}

/// What the policy is asked before `event` is added to `review`.
pub fn action_of<'a>(review: &'a Review, event: &'a ReviewEvent) -> Action<'a> {
    match event {
        ReviewEvent::Signed { .. } => Action::SignMinutes(review),
        ReviewEvent::ActionDone { action, .. } => Action::MarkReviewActionDone(review, action),
        _ => Action::WriteMinutes(review),
    }
}

/// Appends one event to a review as `actor` after checking it against the
/// record; `make` builds the event from the current record. Signed minutes
/// refuse every change but the follow-up of action items (`Locked`).
pub async fn step(
    programme: &Programme,
    store: &dyn Store,
    id: &str,
    make: impl FnOnce(&Review) -> RecordResult<ReviewEvent>,
    actor: &Actor,
    why: Option<&str>,
) -> RecordResult<(Review, ReviewEvent)> {
    let (mut review, n) = load(store, id).await?;
    let e = make(&review)?;
    actor.may(programme, &action_of(&review, &e))?;
    let locked = review.signed.is_some() && !matches!(e, ReviewEvent::ActionDone { .. });
    review.apply(&e, actor.on).map_err(|m| {
        if locked {
            RecordError::locked(m)
        } else {
            RecordError::refused(m)
        }
    })?;
    let why = super::reason(why, Some(e.name()))?;
    append(
        store,
        vec![event(
            &format!("{PREFIX}{id}"),
            n + 1,
            e.name(),
            encode(&e, actor.on),
            &actor.by,
            &why,
            actor.at,
        )],
    )
    .await?;
    Ok((review, e))
}

/// The input pack for a review on `day`, from live data.
pub async fn prepare(
    programme: &Programme,
    registers: &Registers,
    store: &dyn Store,
    day: Date,
) -> RecordResult<Doc> {
    let reviews = load_all(store).await?;
    let since = reviews
        .iter()
        .filter(|r| r.date < day)
        .filter_map(|r| r.signed.as_ref().map(|_| r.date))
        .max();
    let ncs = super::nonconformities::load_all(store).await?;
    let audits = super::audits::load_all(store).await?;
    let evaluations = super::evaluate::monthly_since(programme, store, since, day).await?;
    let input = PackInput {
        date: day,
        since,
        programme,
        registers,
        reviews: &reviews,
        nonconformities: &ncs,
        evaluations: &evaluations,
        audits: &audits,
    };
    Ok(pack(&input))
}

/// The planned date of the next review: the interval after the last signed
/// one, or after the programme's first period when none is signed yet.
pub fn next_due(programme: &Programme, registers: &Registers, reviews: &[Review]) -> Date {
    clause9_core::review::schedule::next_review_due(
        reviews,
        programme.settings.first_period.first_day(),
        registers.review_interval_months,
    )
}

/// A document (the pack) as JSON: its title and sections with their blocks.
pub fn doc_json(doc: &Doc) -> serde_json::Value {
    let mut sections = Vec::new();
    let mut current: Option<(String, Vec<serde_json::Value>)> = None;
    for b in &doc.blocks {
        match b {
            Block::Heading(_, t) => {
                if let Some(s) = current.take() {
                    sections.push(json!({ "title": s.0, "content": s.1 }));
                }
                current = Some((t.clone(), Vec::new()));
            }
            Block::Paragraph(t) => current
                .get_or_insert_with(|| (String::new(), Vec::new()))
                .1
                .push(json!({ "text": t })),
            Block::List(items) => current
                .get_or_insert_with(|| (String::new(), Vec::new()))
                .1
                .push(json!({ "list": items })),
            Block::Table(h, rows) => current
                .get_or_insert_with(|| (String::new(), Vec::new()))
                .1
                .push(json!({ "header": h, "rows": rows })),
        }
    }
    if let Some(s) = current.take() {
        sections.push(json!({ "title": s.0, "content": s.1 }));
    }
    json!({ "title": doc.title, "sections": sections })
}
