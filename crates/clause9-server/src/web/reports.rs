//! `/reports`: issue a performance report for a period and an audience in
//! any format `clause9-report` renders, downloaded as a file and archived
//! (SHA-256) in the store as `clause9 report` does; the archive of issued
//! reports; and `POST /reports/verify`, which says whether an uploaded file
//! is an unaltered issued report (as `clause9 reports verify`).

use axum::extract::{Form, Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use clause9_app::records::RecordError;
use clause9_app::reports;
use clause9_core::Programme;
use clause9_core::access::ActionKind;
use clause9_core::period::{Frequency, Period};
use clause9_core::refusal::RefusalKind;
use clause9_report::{Format, sha256};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::programme_or_503;
use crate::error::ApiError;
use crate::state::AppState;
use crate::web::auth::WebUser;
use crate::web::templates::render;
use crate::web::{PageError, PageResult};

/// The largest file `POST /reports/verify` accepts.
pub const VERIFY_LIMIT: usize = 64 * 1024 * 1024;

/// What each format is called on the form, and its media type.
fn describe(format: Format) -> (&'static str, &'static str) {
    match format {
        Format::Html => ("HTML (a web page)", "text/html; charset=utf-8"),
        Format::Pdf => ("PDF", "application/pdf"),
        Format::Markdown => ("Markdown", "text/markdown; charset=utf-8"),
        Format::Xlsx => (
            "Excel workbook (XLSX)",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        Format::Json => ("JSON (for machines)", "application/json"),
    }
}

#[derive(Debug, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct IssueForm {
    #[serde(skip_serializing)]
    pub csrf: String,
    pub period: String,
    pub audience: String,
    pub format: String,
}

/// What the page shows besides the archive: a refused form, a verification.
#[derive(Default)]
struct Shown {
    problems: Vec<String>,
    sent: Option<Value>,
    verified: Option<Value>,
}

async fn page_with(
    state: &AppState,
    user: &WebUser,
    shown: Shown,
    status: StatusCode,
) -> PageResult<Response> {
    let programme = programme_or_503(state)?;
    let settings = &programme.settings;
    let last_month = Period::containing(Frequency::Monthly, state.today(&programme)).prev();
    let issued: Vec<Value> = state
        .store
        .reports()
        .issued()
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .rev()
        .map(|r| {
            json!({
                "id": r.id, "issued_at": r.new.issued_at.strftime("%Y-%m-%d %H:%M UTC").to_string(),
                "period": r.new.period, "format": r.new.format,
                "audience": r.new.audience.as_deref().map(|a| audience_name(&programme, a)),
                "by": settings.display_name(&r.new.issued_by), "file": r.new.file_name,
                "size": r.new.size, "sha256": r.new.sha256,
            })
        })
        .collect();
    let audiences: Vec<Value> = settings
        .groups
        .keys()
        .map(|g| json!({ "id": g, "name": format!("group {g}") }))
        .chain(
            settings
                .people
                .iter()
                .map(|(id, p)| json!({ "id": id, "name": p.name })),
        )
        .collect();
    let formats: Vec<Value> = Format::ALL
        .iter()
        .map(|f| json!({ "id": f.as_str(), "name": describe(*f).0 }))
        .collect();
    let html = render(
        "reports.html",
        json!({
            "title": "Reports", "user": user.view(), "nav": "reports",
            "may_issue": user.may_kind(ActionKind::IssueReport).is_ok(),
            "default_period": last_month.to_string(),
            "audiences": audiences, "formats": formats, "issued": issued,
            "problems": shown.problems, "sent": shown.sent, "verified": shown.verified,
        }),
    );
    Ok((status, Html(html)).into_response())
}

fn audience_name(programme: &Programme, id: &str) -> String {
    if programme.settings.groups.contains_key(id) {
        format!("group {id}")
    } else {
        programme.settings.display_name(id).to_string()
    }
}

/// `GET /reports`.
pub async fn page(State(state): State<AppState>, user: WebUser) -> PageResult<Response> {
    page_with(&state, &user, Shown::default(), StatusCode::OK).await
}

/// `POST /reports`: issues the report and sends it as a download.
pub async fn issue(
    State(state): State<AppState>,
    user: WebUser,
    Form(form): Form<IssueForm>,
) -> PageResult<Response> {
    user.check_csrf(&form.csrf)?;
    user.may_kind(ActionKind::IssueReport)?;
    let programme = programme_or_503(&state)?;
    let mut problems = Vec::new();
    let period = match form.period.trim().parse::<Period>() {
        Ok(p) => Some(p),
        Err(e) => {
            problems.push(format!("period: {e}"));
            None
        }
    };
    let audience = Some(form.audience.trim()).filter(|a| !a.is_empty());
    problems.extend(reports::audience_problem(&programme, audience).map(|p| p.to_string()));
    let format = Format::ALL.into_iter().find(|f| f.as_str() == form.format);
    if format.is_none() {
        problems.push(format!(
            "format: `{}` is not one of html, pdf, md, xlsx, json",
            form.format
        ));
    }
    // the form again with its problems (422)
    let refused = async |problems: Vec<String>| {
        let shown = Shown {
            problems,
            sent: Some(json!(form)),
            verified: None,
        };
        page_with(&state, &user, shown, StatusCode::UNPROCESSABLE_ENTITY).await
    };
    let (Some(period), Some(format), true) = (period, format, problems.is_empty()) else {
        return refused(problems).await;
    };
    let name = reports::file_name(period, audience, format);
    let request = reports::Request {
        period,
        audience: audience.map(str::to_string),
        format,
        file_name: name.clone(),
    };
    let actor = user.actor(&state, &programme);
    let issued = match reports::issue(state.store.as_ref(), &programme, &actor, request).await {
        Ok(issued) => issued,
        Err(RecordError::Refused(r)) if r.kind == RefusalKind::Invalid => {
            return refused(r.lines(str::to_string)).await;
        }
        Err(e) => return Err(ApiError::from(e).into()),
    };
    let bytes = issued.bytes;
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(describe(format).1),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok((headers, bytes).into_response())
}

/// `POST /reports/verify` (multipart: `csrf`, `file`).
pub async fn verify(
    State(state): State<AppState>,
    user: WebUser,
    mut form: Multipart,
) -> PageResult<Response> {
    let bad = |e: axum::extract::multipart::MultipartError| PageError {
        status: StatusCode::BAD_REQUEST,
        message: format!("the upload could not be read ({e}); choose the file and send it again"),
    };
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "csrf" => csrf = field.text().await.map_err(bad)?,
            "file" => {
                let name = field.file_name().unwrap_or("").to_string();
                let bytes = field.bytes().await.map_err(bad)?;
                if !name.is_empty() || !bytes.is_empty() {
                    file = Some((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    user.check_csrf(&csrf)?;
    let Some((name, bytes)) = file else {
        let shown = Shown {
            problems: vec!["file: choose the report file to verify".into()],
            ..Shown::default()
        };
        return page_with(&state, &user, shown, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let hash = sha256(&bytes);
    let found = state
        .store
        .reports()
        .issued_with_sha256(&hash)
        .await
        .map_err(ApiError::from)?;
    let verified = match found.first() {
        Some(r) => json!({
            "ok": true, "file": name, "sha256": hash,
            "text": format!(
                "{name} is an unaltered issued report: #{} for {} ({}{}), issued {} by {} as {}",
                r.id, r.new.period, r.new.format,
                r.new.audience.as_ref().map_or(String::new(), |a| format!(", audience {a}")),
                r.new.issued_at.strftime("%Y-%m-%d %H:%M UTC"), r.new.issued_by, r.new.file_name
            ),
        }),
        None => json!({
            "ok": false, "file": name, "sha256": hash,
            "text": format!(
                "{name} is not an issued report: no report with this SHA-256 was issued from this store; it was altered or never issued"
            ),
        }),
    };
    let shown = Shown {
        verified: Some(verified),
        ..Shown::default()
    };
    page_with(&state, &user, shown, StatusCode::OK).await
}
