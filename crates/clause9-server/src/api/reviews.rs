//! `/api/v1/reviews`: management reviews (9.3). Lists, one review with its
//! history, the input pack from live data, the minutes (attendees,
//! discussion, decisions, action items), the chair's sign-off that locks them
//! (every later change but the follow-up of action items is a 409) — through
//! the same `clause9_app::records::reviews` as `clause9 review`. Anyone
//! signed in reads; admins and reviewers write the minutes; the chair signs;
//! an action item is marked done by admins, reviewers or its owner.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use clause9_app::records::RecordError;
use clause9_app::records::reviews::{self as records, check_person};
use clause9_core::access::Action;
use clause9_core::review::{Review, ReviewAction, ReviewEvent};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::page::{Page, PageParams};
use crate::api::programme_or_503;
use crate::api::records::{
    EventView, actor, body, date, history, programme_and_registers, to_json,
};
use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;

type Body<T> = Result<Json<T>, axum::extract::rejection::JsonRejection>;

/// A review in a list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReviewItem {
    /// The minutes: id, title, date, chair, attendees, discussion (input,
    /// text), decisions (kind, text), actions, signed (by, date), done.
    #[schema(value_type = Object)]
    pub review: serde_json::Value,
    /// `draft` or `signed`.
    pub state: String,
    /// Action items not done yet.
    pub open_actions: Vec<String>,
    /// Open action items whose due date has passed.
    pub overdue_actions: Vec<String>,
}

/// One review with every stored event.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReviewView {
    #[serde(flatten)]
    pub item: ReviewItem,
    pub events: Vec<EventView>,
}

fn item(review: &Review, today: jiff::civil::Date) -> ApiResult<ReviewItem> {
    let open = review.open_actions();
    Ok(ReviewItem {
        review: to_json(review)?,
        state: if review.signed.is_some() {
            "signed"
        } else {
            "draft"
        }
        .into(),
        open_actions: open.iter().map(|a| a.id.clone()).collect(),
        overdue_actions: open
            .iter()
            .filter(|a| a.due < today)
            .map(|a| a.id.clone())
            .collect(),
    })
}

async fn view(state: &AppState, review: &Review) -> ApiResult<ReviewView> {
    let programme = programme_or_503(state)?;
    Ok(ReviewView {
        item: item(review, state.today(&programme))?,
        events: history(state, &format!("{}{}", records::PREFIX, review.id)).await?,
    })
}

/// Management reviews, in id order.
#[utoipa::path(get, path = "/api/v1/reviews", tag = "reviews", params(PageParams),
    responses((status = 200, body = Page<ReviewItem>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    _caller: Caller,
    Query(page): Query<PageParams>,
) -> ApiResult<Json<Page<ReviewItem>>> {
    let programme = programme_or_503(&state)?;
    let today = state.today(&programme);
    let items = records::load_all(state.store.as_ref())
        .await?
        .iter()
        .map(|r| item(r, today))
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Json(page.slice(items)?))
}

/// One review with its full event history.
#[utoipa::path(get, path = "/api/v1/reviews/{id}", tag = "reviews",
    params(("id" = String, Path, description = "MR-0001")),
    responses((status = 200, body = ReviewView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<ReviewView>> {
    let (review, _) = records::load(state.store.as_ref(), &id).await?;
    Ok(Json(view(&state, &review).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PackParams {
    /// The review date, YYYY-MM-DD (default today).
    pub date: Option<String>,
}

/// A section of the input pack: its title and blocks (`{"text"}`, `{"list"}`, `{"header", "rows"}`).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PackSection {
    pub title: String,
    #[schema(value_type = Vec<Object>)]
    pub content: Vec<serde_json::Value>,
}

/// The input pack, as `clause9 review prepare --format json`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Pack {
    pub title: String,
    /// The period covered, then one section per input of 9.3.2: (a) … (g), (d) as d1–d4.
    pub sections: Vec<PackSection>,
}

/// The input pack for a review on a date, assembled from live data.
#[utoipa::path(get, path = "/api/v1/review-pack", tag = "reviews", params(PackParams),
    responses((status = 200, body = Pack), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn pack(
    State(state): State<AppState>,
    _caller: Caller,
    Query(params): Query<PackParams>,
) -> ApiResult<Json<serde_json::Value>> {
    let (programme, registers) = programme_and_registers(&state)?;
    let day = match &params.date {
        Some(d) => date("date", d)?,
        None => state.today(&programme),
    };
    let doc = records::prepare(&programme, &registers, state.store.as_ref(), day).await?;
    Ok(Json(records::doc_json(&doc)))
}

/// A review to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenBody {
    pub title: String,
    /// The date of the meeting, YYYY-MM-DD.
    pub date: String,
    /// The person who chairs and signs.
    pub chair: String,
    pub why: Option<String>,
    pub on: Option<String>,
}

/// Opens a review's minutes (admins and reviewers).
#[utoipa::path(post, path = "/api/v1/reviews", tag = "reviews", request_body = OpenBody,
    responses((status = 201, body = ReviewView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn open(
    State(state): State<AppState>,
    caller: Caller,
    b: Body<OpenBody>,
) -> ApiResult<(StatusCode, Json<ReviewView>)> {
    caller.may(&*programme_or_503(&state)?, &Action::OpenReview)?;
    let b = body(b)?;
    let programme = programme_or_503(&state)?;
    let day = date("date", &b.date)?;
    let who = actor(&state, &programme, &caller, b.on.as_deref())?;
    let why = clause9_app::records::reason(b.why.as_deref(), Some("management review"))?;
    let review = records::open(
        &programme,
        state.store.as_ref(),
        b.title,
        day,
        b.chair,
        &who,
        &why,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(view(&state, &review).await?)))
}

/// Asks the policy before a change to review `id` (the record is loaded so
/// that the rules about the chair and action owners see it).
async fn may_review(
    state: &AppState,
    caller: &Caller,
    id: &str,
    step: Minute<'_>,
) -> ApiResult<()> {
    let programme = programme_or_503(state)?;
    let (review, _) = records::load(state.store.as_ref(), id).await?;
    let action = match step {
        Minute::Write => Action::WriteMinutes(&review),
        Minute::Sign => Action::SignMinutes(&review),
        Minute::Done(a) => Action::MarkReviewActionDone(&review, a),
    };
    caller.may(&programme, &action)
}

/// Which kind of change to the minutes a request is, for the policy.
enum Minute<'a> {
    Write,
    Sign,
    Done(&'a str),
}

/// Appends one event made from the review, as the caller.
async fn step(
    state: &AppState,
    caller: &Caller,
    id: &str,
    why: Option<&str>,
    on: Option<&str>,
    make: impl FnOnce(&Review) -> Result<ReviewEvent, RecordError>,
) -> ApiResult<Json<ReviewView>> {
    let programme = programme_or_503(state)?;
    let who = actor(state, &programme, caller, on)?;
    let (review, _) = records::step(&programme, state.store.as_ref(), id, make, &who, why).await?;
    Ok(Json(view(state, &review).await?))
}

/// An attendee.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendeeBody {
    pub person: String,
    pub why: Option<String>,
    pub on: Option<String>,
}

/// Records an attendee (admins and reviewers; 409 once signed).
#[utoipa::path(post, path = "/api/v1/reviews/{id}/attendees", tag = "reviews",
    params(("id" = String, Path, description = "MR-0001")), request_body = AttendeeBody,
    responses((status = 200, body = ReviewView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn attend(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    b: Body<AttendeeBody>,
) -> ApiResult<Json<ReviewView>> {
    may_review(&state, &caller, &id, Minute::Write).await?;
    let b = body(b)?;
    let programme = programme_or_503(&state)?;
    check_person(&programme, "person", &b.person)?;
    let person = b.person;
    step(
        &state,
        &caller,
        &id,
        b.why.as_deref(),
        b.on.as_deref(),
        |_| Ok(ReviewEvent::Attended { person }),
    )
    .await
}

/// The discussion of one input.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiscussionBody {
    /// a, b, c, d1, d2, d3, d4, e, f or g.
    pub input: String,
    pub text: String,
    pub why: Option<String>,
    pub on: Option<String>,
}

/// Minutes the discussion of an input (admins and reviewers; 409 once signed).
#[utoipa::path(post, path = "/api/v1/reviews/{id}/discussion", tag = "reviews",
    params(("id" = String, Path, description = "MR-0001")), request_body = DiscussionBody,
    responses((status = 200, body = ReviewView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn discuss(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    b: Body<DiscussionBody>,
) -> ApiResult<Json<ReviewView>> {
    may_review(&state, &caller, &id, Minute::Write).await?;
    let b = body(b)?;
    let (input, text) = (b.input, b.text);
    step(
        &state,
        &caller,
        &id,
        b.why.as_deref(),
        b.on.as_deref(),
        |_| Ok(ReviewEvent::Discussed { input, text }),
    )
    .await
}

/// A decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// improvement, change or resource.
    pub kind: String,
    pub text: String,
    pub why: Option<String>,
    pub on: Option<String>,
}

/// Records a decision (admins and reviewers; 409 once signed).
#[utoipa::path(post, path = "/api/v1/reviews/{id}/decisions", tag = "reviews",
    params(("id" = String, Path, description = "MR-0001")), request_body = DecisionBody,
    responses((status = 200, body = ReviewView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    b: Body<DecisionBody>,
) -> ApiResult<Json<ReviewView>> {
    may_review(&state, &caller, &id, Minute::Write).await?;
    let b = body(b)?;
    let (kind, text) = (b.kind, b.text);
    step(
        &state,
        &caller,
        &id,
        b.why.as_deref(),
        b.on.as_deref(),
        |_| Ok(ReviewEvent::Decided { kind, text }),
    )
    .await
}

/// An action item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewActionBody {
    pub description: String,
    /// A person id of the programme.
    pub owner: String,
    /// YYYY-MM-DD.
    pub due: String,
    pub why: Option<String>,
    pub on: Option<String>,
}

/// Adds an action item (admins and reviewers; 409 once signed).
#[utoipa::path(post, path = "/api/v1/reviews/{id}/actions", tag = "reviews",
    params(("id" = String, Path, description = "MR-0001")), request_body = ReviewActionBody,
    responses((status = 200, body = ReviewView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_action(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    b: Body<ReviewActionBody>,
) -> ApiResult<Json<ReviewView>> {
    may_review(&state, &caller, &id, Minute::Write).await?;
    let b = body(b)?;
    let programme = programme_or_503(&state)?;
    check_person(&programme, "owner", &b.owner)?;
    let due = date("due", &b.due)?;
    let (description, owner) = (b.description, b.owner);
    step(
        &state,
        &caller,
        &id,
        b.why.as_deref(),
        b.on.as_deref(),
        |r| {
            Ok(ReviewEvent::ActionAdded {
                action: ReviewAction {
                    id: format!("RA{}", r.actions.len() + 1),
                    description,
                    owner,
                    due,
                },
            })
        },
    )
    .await
}

/// The follow-up of an action item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DoneBody {
    pub note: String,
    pub why: Option<String>,
    pub on: Option<String>,
}

/// Marks an action item done (admins, reviewers, or the item's owner); allowed after signing.
#[utoipa::path(post, path = "/api/v1/reviews/{id}/actions/{action}/done", tag = "reviews",
    params(("id" = String, Path, description = "MR-0001"), ("action" = String, Path, description = "RA1")),
    request_body = DoneBody,
    responses((status = 200, body = ReviewView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn action_done(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, action)): Path<(String, String)>,
    b: Body<DoneBody>,
) -> ApiResult<Json<ReviewView>> {
    may_review(&state, &caller, &id, Minute::Done(&action)).await?;
    let b = body(b)?;
    let note = b.note;
    step(
        &state,
        &caller,
        &id,
        b.why.as_deref(),
        b.on.as_deref(),
        |_| Ok(ReviewEvent::ActionDone { action, note }),
    )
    .await
}

/// The sign-off.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatureBody {
    pub why: Option<String>,
    pub on: Option<String>,
}

/// The chair signs the minutes (a reviewer or admin whose person chairs the
/// review); the record is locked afterwards: further edits get 409.
#[utoipa::path(post, path = "/api/v1/reviews/{id}/signature", tag = "reviews",
    params(("id" = String, Path, description = "MR-0001")), request_body = SignatureBody,
    responses((status = 200, body = ReviewView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn sign(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    b: Body<SignatureBody>,
) -> ApiResult<Json<ReviewView>> {
    may_review(&state, &caller, &id, Minute::Sign).await?;
    let b = body(b)?;
    let by = caller.user.person.clone();
    step(
        &state,
        &caller,
        &id,
        b.why.as_deref(),
        b.on.as_deref(),
        |_| Ok(ReviewEvent::Signed { by }),
    )
    .await
}
