//! `/reports`: issue a performance report for a period and an audience in
//! any format `clause9-report` renders, downloaded as a file and archived
//! (SHA-256) in the store as `clause9 report` does; the archive of issued
//! reports; and `POST /reports/verify`, which says whether an uploaded file
//! is an unaltered issued report (as `clause9 reports verify`).

use axum::extract::{Form, Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use clause9_core::Programme;
use clause9_core::access::ActionKind;
use clause9_core::analysis::analyse_evaluation;
use clause9_core::engine::{Values, evaluate};
use clause9_core::observation::Observation;
use clause9_core::period::{Frequency, Period};
use clause9_core::schedule::{CollectionState, collection_status};
use clause9_report::{Format, Input, Report, render as render_report, sha256};
use clause9_store::NewIssuedReport;
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

/// The report as a file name: `report-2026-10-board.pdf`.
fn file_name(period: Period, audience: Option<&str>, format: Format) -> String {
    let safe: String = audience
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    format!(
        "report-{period}{}.{}",
        if safe.is_empty() {
            String::new()
        } else {
            format!("-{safe}")
        },
        format.extension()
    )
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
    let settings = &programme.settings;
    let mut problems = Vec::new();
    let period = match form.period.trim().parse::<Period>() {
        Ok(p) => Some(p),
        Err(e) => {
            problems.push(format!("period: {e}"));
            None
        }
    };
    let audience = Some(form.audience.trim()).filter(|a| !a.is_empty());
    if let Some(a) = audience
        && !settings.people.contains_key(a)
        && !settings.groups.contains_key(a)
    {
        problems.push(format!(
            "audience: `{a}` is neither a person nor a group of this programme"
        ));
    }
    let format = Format::ALL.into_iter().find(|f| f.as_str() == form.format);
    if format.is_none() {
        problems.push(format!(
            "format: `{}` is not one of html, pdf, md, xlsx, json",
            form.format
        ));
    }
    let (Some(period), Some(format)) = (period, format) else {
        let shown = Shown {
            problems,
            sent: Some(json!(form)),
            verified: None,
        };
        return page_with(&state, &user, shown, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    if !problems.is_empty() {
        let shown = Shown {
            problems,
            sent: Some(json!(form)),
            verified: None,
        };
        return page_with(&state, &user, shown, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let now = state.now();
    let today = state.today(&programme);
    let mut history: Vec<Observation> = Vec::new();
    for m in programme.measures.iter().filter(|m| m.is_active()) {
        history.extend(state.store.history(&m.id).await.map_err(ApiError::from)?);
    }
    // open nonconformities are reported with their corrective actions
    let nonconformities = clause9_app::records::nonconformities::load_all(state.store.as_ref())
        .await
        .map_err(ApiError::from)?;
    let bytes = {
        let programme = programme.clone();
        let audience = audience.map(str::to_string);
        tokio::task::spawn_blocking(move || {
            let current: Vec<Observation> =
                history.iter().filter(|o| o.is_current()).cloned().collect();
            let mut evaluation = evaluate(&programme, &current, period);
            analyse_evaluation(&programme, &mut evaluation, &history, today);
            let previous = evaluate(&programme, &current, period.prev());
            let values = Values::new(&current);
            let overdue: Vec<_> = collection_status(&programme, &values, period, today)
                .into_iter()
                .filter(|c| c.state == CollectionState::Overdue)
                .collect();
            let report = Report::build(&Input {
                programme: &programme,
                evaluation: &evaluation,
                previous: Some(&previous),
                observations: &current,
                overdue: &overdue,
                nonconformities: &nonconformities,
                audience: audience.as_deref(),
                generated_at: now,
            });
            render_report(&report, format)
        })
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?
    };
    let name = file_name(period, audience, format);
    let hash = sha256(&bytes);
    state
        .store
        .reports()
        .archive(&NewIssuedReport {
            sha256: hash,
            period: period.to_string(),
            audience: audience.map(str::to_string),
            format: format.as_str().to_string(),
            issued_at: now,
            issued_by: user.user.person.clone(),
            file_name: name.clone(),
            size: bytes.len() as u64,
        })
        .await
        .map_err(ApiError::from)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_only_safe_characters() {
        let p: Period = "2026-10".parse().unwrap();
        assert_eq!(file_name(p, None, Format::Pdf), "report-2026-10.pdf");
        assert_eq!(
            file_name(p, Some("board\"; x=y"), Format::Html),
            "report-2026-10-boardxy.html"
        );
    }
}
