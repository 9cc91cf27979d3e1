//! "My work": the values due and overdue from the signed-in person, one
//! form per measure and period to enter them with an evidence file or link,
//! checked exactly as the API checks them (`check_manual` through
//! `api::observations::record`), with each problem shown next to its form.

use std::collections::BTreeMap;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use clause9_core::Programme;
use clause9_core::measure::{BaseMethod, Measure};
use clause9_core::period::Period;
use clause9_core::schedule::{CollectionState, due_date};
use serde::Deserialize;
use serde_json::Value;

use crate::api::observations::{NewValues, record};
use crate::api::programme_or_503;
use crate::calendar::includes;
use crate::error::ApiError;
use crate::state::AppState;
use crate::web::auth::WebUser;
use crate::web::data::{collections, recent_months};
use crate::web::svg::short;
use crate::web::templates::render;
use crate::web::{PageError, PageResult};
use clause9_core::access::Action;

/// One form: a measure's manual values for one period.
struct Entry {
    measure: String,
    period: Period,
    state: &'static str,
    entered: BTreeMap<String, String>,
    evidence_link: String,
    reason: String,
    problems: Vec<String>,
}

fn form_view(programme: &Programme, m: &Measure, e: &Entry) -> Value {
    let bases: Vec<Value> = m
        .base
        .iter()
        .filter_map(|b| match &b.method {
            BaseMethod::Manual { min, max, evidence_required } => Some(serde_json::json!({
                "id": b.id, "description": b.description, "unit": b.unit,
                "min": min.map(short), "max": max.map(short), "evidence_required": evidence_required,
                "value": e.entered.get(&b.id).cloned().unwrap_or_default(),
            })),
            BaseMethod::Query { .. } => None,
        })
        .collect();
    serde_json::json!({
        "key": format!("{}-{}", m.id, e.period),
        "measure": m.id, "name": m.name, "period": e.period.to_string(),
        "due": due_date(m, e.period).to_string(), "state": e.state,
        "collector": programme.settings.display_name(&m.roles.collector),
        "bases": bases, "evidence_link": e.evidence_link, "reason": e.reason,
        "problems": e.problems,
    })
}

/// The open entries of `user`: manual values not yet stored in recent months.
async fn due_entries(
    state: &AppState,
    programme: &Programme,
    person: &str,
) -> Result<Vec<Entry>, PageError> {
    let today = state.today(programme);
    let items = collections(state, programme, &recent_months(today), today).await?;
    let mut by: BTreeMap<(String, Period), &'static str> = BTreeMap::new();
    for i in items.iter().filter(|i| {
        matches!(i.state, CollectionState::Due | CollectionState::Overdue)
            && !i.collector.starts_with("source:")
            && includes(programme, &i.collector, person)
    }) {
        let slot = by.entry((i.measure.clone(), i.period)).or_insert("due");
        if i.state == CollectionState::Overdue {
            *slot = "overdue";
        }
    }
    let mut list: Vec<Entry> = by
        .into_iter()
        .map(|((measure, period), state)| Entry {
            measure,
            period,
            state,
            entered: BTreeMap::new(),
            evidence_link: String::new(),
            reason: String::new(),
            problems: Vec::new(),
        })
        .collect();
    list.sort_by(|a, b| {
        (a.state != "overdue", a.period, &a.measure).cmp(&(
            b.state != "overdue",
            b.period,
            &b.measure,
        ))
    });
    Ok(list)
}

fn page_html(
    programme: &Programme,
    user: &WebUser,
    entries: &[Entry],
    saved: Option<String>,
    status: StatusCode,
) -> Response {
    let forms: Vec<Value> = entries
        .iter()
        .filter_map(|e| {
            programme
                .measure(&e.measure)
                .map(|m| form_view(programme, m, e))
        })
        .collect();
    let overdue = entries.iter().filter(|e| e.state == "overdue").count();
    let counts = serde_json::json!({ "overdue": overdue, "due": entries.len() - overdue });
    let html = render(
        "my_work.html",
        serde_json::json!({ "title": "My work", "user": user.view(), "forms": forms, "counts": counts, "saved": saved, "nav": "my-work" }),
    );
    (status, Html(html)).into_response()
}

/// `GET /my-work`.
pub async fn page(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<crate::web::Saved>,
) -> PageResult<Response> {
    let programme = programme_or_503(&state)?;
    let entries = due_entries(&state, &programme, &user.user.person).await?;
    Ok(page_html(
        &programme,
        &user,
        &entries,
        q.saved,
        StatusCode::OK,
    ))
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    period: Option<String>,
}

/// `GET /record/{id}?period=P`: a form for one measure (any period), for
/// those who may record it; others are refused.
pub async fn record_page(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> PageResult<Response> {
    let programme = programme_or_503(&state)?;
    let Some(m) = programme.measure(&id) else {
        return Err(PageError {
            status: StatusCode::NOT_FOUND,
            message: format!("there is no measure `{id}` in the programme"),
        });
    };
    user.may(&programme, &Action::RecordValues(Some(m)))?;
    let period = match q.period {
        Some(p) => p.parse::<Period>().map_err(|e| PageError {
            status: StatusCode::BAD_REQUEST,
            message: format!("period: {e}"),
        })?,
        None => Period::containing(m.frequency.collection, state.today(&programme)).prev(),
    };
    let entry = Entry {
        measure: id,
        period,
        state: "chosen",
        entered: BTreeMap::new(),
        evidence_link: String::new(),
        reason: String::new(),
        problems: Vec::new(),
    };
    Ok(page_html(&programme, &user, &[entry], None, StatusCode::OK))
}

/// What a posted form held.
#[derive(Default)]
struct Posted {
    csrf: String,
    measure: String,
    period: String,
    values: BTreeMap<String, String>,
    evidence_link: String,
    reason: String,
    file: Option<(String, Vec<u8>)>,
}

async fn read_form(mut form: Multipart) -> Result<Posted, PageError> {
    let bad = |e: axum::extract::multipart::MultipartError| PageError {
        status: e.status(),
        message: format!("the form could not be read: {}", e.body_text()),
    };
    let mut p = Posted::default();
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let content_type = field.content_type().unwrap_or("").to_string();
            let has_name = field.file_name().is_some_and(|n| !n.is_empty());
            let bytes = field.bytes().await.map_err(bad)?;
            if has_name || !bytes.is_empty() {
                p.file = Some((content_type, bytes.to_vec()));
            }
            continue;
        }
        let text = field.text().await.map_err(bad)?;
        match name.as_str() {
            "csrf" => p.csrf = text,
            "measure" => p.measure = text,
            "period" => p.period = text,
            "evidence_link" => p.evidence_link = text.trim().to_string(),
            "reason" => p.reason = text.trim().to_string(),
            _ => {
                if let Some(base) = name.strip_prefix("value.") {
                    p.values.insert(base.to_string(), text.trim().to_string());
                }
            }
        }
    }
    Ok(p)
}

/// `POST /my-work` (multipart): stores the values, or shows the form again
/// with every problem next to it.
pub async fn submit(
    State(state): State<AppState>,
    user: WebUser,
    form: Multipart,
) -> PageResult<Response> {
    let posted = read_form(form).await?;
    user.check_csrf(&posted.csrf)?;
    let programme = programme_or_503(&state)?;
    user.may(
        &programme,
        &Action::RecordValues(programme.measure(&posted.measure)),
    )?;
    let mut problems = Vec::new();
    let mut values = BTreeMap::new();
    for (base, text) in &posted.values {
        if text.is_empty() {
            continue;
        }
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => {
                values.insert(base.clone(), v);
            }
            _ => problems.push(format!("{base}: `{text}` is not a number")),
        }
    }
    if values.is_empty() && problems.is_empty() {
        problems.push("enter at least one value".into());
    }
    let mut evidence = (!posted.evidence_link.is_empty()).then(|| posted.evidence_link.clone());
    if evidence
        .as_deref()
        .is_some_and(|l| !l.starts_with("https://"))
    {
        problems.push("evidence link: use an https:// address".into());
        evidence = None;
    }
    if problems.is_empty()
        && let Some((content_type, bytes)) = &posted.file
    {
        match crate::api::evidence::save_evidence(&state, &user.user, content_type, bytes).await {
            Ok(up) => evidence = Some(up.evidence),
            Err(e) => problems.push(format!("evidence file: {}", e.message)),
        }
    }
    if problems.is_empty() {
        let body = NewValues {
            measure: posted.measure.clone(),
            period: posted.period.clone(),
            values,
            evidence,
            reason: (!posted.reason.is_empty()).then(|| posted.reason.clone()),
        };
        match record(&state, &user.user, body, "web").await {
            Ok(_) => {
                let to = format!("/my-work?saved={}+{}", posted.measure, posted.period);
                return Ok(Redirect::to(&to).into_response());
            }
            Err(e)
                if e.status == StatusCode::UNPROCESSABLE_ENTITY
                    || e.status == StatusCode::CONFLICT =>
            {
                if e.details.is_empty() {
                    problems.push(e.message);
                } else {
                    problems.extend(e.details);
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    let period = posted.period.parse::<Period>().map_err(|e| {
        PageError::from(ApiError::invalid(
            "the values were refused",
            vec![format!("period: {e}")],
        ))
    })?;
    let mut entries = due_entries(&state, &programme, &user.user.person).await?;
    let failed = Entry {
        measure: posted.measure.clone(),
        period,
        state: "chosen",
        entered: posted.values,
        evidence_link: posted.evidence_link,
        reason: posted.reason,
        problems,
    };
    match entries
        .iter_mut()
        .find(|e| e.measure == failed.measure && e.period == failed.period)
    {
        Some(e) => {
            let state_was = e.state;
            *e = Entry {
                state: state_was,
                ..failed
            };
        }
        None => entries.insert(0, failed),
    }
    Ok(page_html(
        &programme,
        &user,
        &entries,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    ))
}
