//! The web application: server-rendered pages (sign-in, dashboard, measure,
//! My work, internal audits, management reviews, reports, nonconformities,
//! notification settings, administration) from templates embedded in the binary, with the stylesheet
//! served from `/assets/`. No inline script or style: the strict CSP holds.

pub mod admin;
pub mod admin_notifications;
pub mod analysis;
pub mod assets;
pub mod audit_forms;
pub mod audits;
pub mod auth;
pub mod changes;
pub mod dashboard;
pub mod data;
pub mod measure;
pub mod my_work;
pub mod nc;
pub mod nc_forms;
pub mod notifications;
pub mod oidc;
pub mod records;
pub mod reports;
pub mod review_actions;
pub mod reviews;
pub mod svg;
pub mod templates;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};

use crate::error::ApiError;
use crate::state::AppState;

/// The routes of the pages; merged into the API router.
pub fn routes(evidence_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::page))
        .route("/sign-in", get(auth::sign_in_page).post(auth::sign_in))
        .route("/sign-out", post(auth::sign_out))
        .route("/oidc/start", get(oidc::start))
        .route("/oidc/callback", get(oidc::callback))
        .route("/measures/{id}", get(measure::page))
        .route(
            "/my-work",
            get(my_work::page)
                .post(my_work::submit)
                .layer(axum::extract::DefaultBodyLimit::max(evidence_limit)),
        )
        .route("/record/{id}", get(my_work::record_page))
        .route("/audits", get(audits::list).post(audit_forms::plan))
        .route("/audits/{id}/complete", post(audit_forms::complete))
        .route("/audits/{id}", get(audits::page))
        .route("/audits/{id}/findings", post(audits::record_finding))
        .route("/audits/{id}/report", get(audits::report))
        .route("/reviews", get(reviews::list).post(review_actions::open))
        .route("/reviews/{id}", get(reviews::page).post(reviews::submit))
        .route(
            "/reviews/{id}/actions/{action}/done",
            post(review_actions::action_done),
        )
        .route("/reports", get(reports::page).post(reports::issue))
        .route(
            "/reports/verify",
            post(reports::verify)
                .layer(axum::extract::DefaultBodyLimit::max(reports::VERIFY_LIMIT)),
        )
        .route("/nonconformities", get(nc::board).post(nc_forms::raise))
        .route("/nonconformities/{id}", get(nc::page))
        .route("/nonconformities/{id}/{step}", post(nc_forms::step))
        .route("/admin", get(admin::users))
        .route("/admin/users", get(admin::users).post(admin::add_user))
        .route(
            "/admin/users/{username}/disabled",
            post(admin::set_disabled),
        )
        .route("/admin/users/{username}/role", post(admin::set_role))
        .route(
            "/admin/tokens",
            get(admin::tokens).post(admin::create_token),
        )
        .route("/admin/tokens/{id}/revoke", post(admin::revoke_token))
        .route("/admin/audit-log", get(admin::audit_log))
        .route("/admin/notifications", get(admin_notifications::list))
        .route(
            "/admin/notifications/{person}",
            get(admin_notifications::person).post(admin_notifications::change),
        )
        .route(
            "/settings/notifications",
            get(notifications::page).post(notifications::submit),
        )
        .route("/assets/{file}", get(assets::serve))
}

/// `?saved=…`: what a form just saved, said once on the page it returns to.
#[derive(serde::Deserialize)]
pub struct Saved {
    pub saved: Option<String>,
}

/// An error shown as a page (status, title, what to do).
pub struct PageError {
    pub status: StatusCode,
    pub message: String,
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        let mut message = e.message;
        if !e.details.is_empty() {
            message = format!("{message}: {}", e.details.join("; "));
        }
        PageError {
            status: e.status,
            message,
        }
    }
}

/// A refusal of the rules as the lines to show beside a form and the
/// status to send them with (the API's one mapping, `error::status_of`); a
/// record that does not exist, or a failure, is an error page instead, its
/// message ending with `look` (where to find the records).
pub fn form_refusal(
    e: clause9_app::records::RecordError,
    look: &str,
) -> Result<(Vec<String>, StatusCode), PageError> {
    use clause9_app::records::RecordError;
    use clause9_core::refusal::RefusalKind;
    match e {
        RecordError::Refused(r) if r.kind == RefusalKind::NotFound => Err(PageError {
            status: StatusCode::NOT_FOUND,
            message: format!("{}; {look}", r.message),
        }),
        RecordError::Refused(r) => Ok((
            r.message_and_lines(str::to_string),
            crate::error::status_of(r.kind),
        )),
        other => Err(ApiError::from(other).into()),
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let title = self
            .status
            .canonical_reason()
            .unwrap_or("Error")
            .to_string();
        let body = templates::render(
            "error.html",
            serde_json::json!({ "title": title, "message": self.message, "user": () }),
        );
        (self.status, Html(body)).into_response()
    }
}

pub type PageResult<T = Html<String>> = Result<T, PageError>;
