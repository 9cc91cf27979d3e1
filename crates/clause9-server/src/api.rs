//! The router: every route, its OpenAPI description, and the layers every
//! response goes through (security headers, request metrics, body limits).

pub mod admin;
pub mod audits;
pub mod docs;
pub mod evaluations;
pub mod evidence;
pub mod measures;
pub mod nonconformities;
pub mod observations;
pub mod page;
pub mod records;
pub mod reviews;
pub mod session;
pub mod system;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use clause9_core::Programme;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "clause9", description = "Measurement-as-code for ISO/IEC 27001 clause 9"),
    paths(
        system::healthz, system::readyz, system::programme,
        measures::list, measures::get,
        evaluations::get,
        observations::post, evidence::upload,
        session::login, session::whoami, session::logout,
        admin::users, admin::add_user, admin::audit_log, admin::verify,
        crate::metrics::metrics, crate::calendar::feed,
        crate::notifier::get_preferences, crate::notifier::put_preferences,
        nonconformities::list, nonconformities::get, nonconformities::raise,
        nonconformities::correct, nonconformities::analyse, nonconformities::add_action,
        nonconformities::implement, nonconformities::plan_check, nonconformities::verify,
        nonconformities::close,
        audits::list, audits::get, audits::create, audits::assign, audits::get_checklist,
        audits::grades, audits::record_finding, audits::complete, audits::programme,
        reviews::list, reviews::get, reviews::pack, reviews::open, reviews::attend,
        reviews::discuss, reviews::decide, reviews::add_action, reviews::action_done,
        reviews::sign,
    ),
    components(schemas(ErrorBody)),
    modifiers(&Security),
    security(("bearer" = []), ("session" = []))
)]
pub struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

/// The OpenAPI document as JSON.
pub fn openapi_json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|_| "{}".into())
}

/// The served programme, or 503 when none ever loaded.
pub fn programme_or_503(state: &AppState) -> Result<Arc<Programme>, ApiError> {
    state
        .programme
        .current()
        .ok_or_else(|| ApiError::unavailable("no valid programme is loaded; see the server log"))
}

/// Nonconformities, audits and management reviews.
fn workflow_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/nonconformities",
            get(nonconformities::list).post(nonconformities::raise),
        )
        .route("/api/v1/nonconformities/{id}", get(nonconformities::get))
        .route(
            "/api/v1/nonconformities/{id}/correction",
            post(nonconformities::correct),
        )
        .route(
            "/api/v1/nonconformities/{id}/root-cause",
            post(nonconformities::analyse),
        )
        .route(
            "/api/v1/nonconformities/{id}/actions",
            post(nonconformities::add_action),
        )
        .route(
            "/api/v1/nonconformities/{id}/actions/{action}/implementation",
            post(nonconformities::implement),
        )
        .route(
            "/api/v1/nonconformities/{id}/check",
            post(nonconformities::plan_check),
        )
        .route(
            "/api/v1/nonconformities/{id}/verification",
            post(nonconformities::verify),
        )
        .route(
            "/api/v1/nonconformities/{id}/closure",
            post(nonconformities::close),
        )
        .route("/api/v1/audits", get(audits::list).post(audits::create))
        .route("/api/v1/audits/{id}", get(audits::get))
        .route("/api/v1/audits/{id}/auditors", post(audits::assign))
        .route("/api/v1/audits/{id}/checklist", get(audits::get_checklist))
        .route("/api/v1/audits/{id}/findings", post(audits::record_finding))
        .route("/api/v1/audits/{id}/completion", post(audits::complete))
        .route("/api/v1/audit-grades", get(audits::grades))
        .route("/api/v1/audit-programme", get(audits::programme))
        .route("/api/v1/reviews", get(reviews::list).post(reviews::open))
        .route("/api/v1/review-pack", get(reviews::pack))
        .route("/api/v1/reviews/{id}", get(reviews::get))
        .route("/api/v1/reviews/{id}/attendees", post(reviews::attend))
        .route("/api/v1/reviews/{id}/discussion", post(reviews::discuss))
        .route("/api/v1/reviews/{id}/decisions", post(reviews::decide))
        .route("/api/v1/reviews/{id}/actions", post(reviews::add_action))
        .route(
            "/api/v1/reviews/{id}/actions/{action}/done",
            post(reviews::action_done),
        )
        .route("/api/v1/reviews/{id}/signature", post(reviews::sign))
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let evidence_limit = state.settings.max_evidence_bytes + 64 * 1024;
    let openapi = openapi_json();
    Router::new()
        .route("/healthz", get(system::healthz))
        .route("/readyz", get(system::readyz))
        .route("/metrics", get(crate::metrics::metrics))
        .route(
            "/api/v1/openapi.json",
            get(move || async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    openapi.clone(),
                )
            }),
        )
        .route("/calendar/{file}", get(crate::calendar::feed))
        .route("/api/v1/programme", get(system::programme))
        .route("/api/v1/measures", get(measures::list))
        .route("/api/v1/measures/{id}", get(measures::get))
        .route("/api/v1/evaluations", get(evaluations::get))
        .route("/api/v1/observations", post(observations::post))
        .route(
            "/api/v1/evidence",
            post(evidence::upload).layer(DefaultBodyLimit::max(evidence_limit)),
        )
        .route(
            "/api/v1/session",
            post(session::login)
                .get(session::whoami)
                .delete(session::logout),
        )
        .route("/api/v1/users", get(admin::users).post(admin::add_user))
        .route("/api/v1/audit-log", get(admin::audit_log))
        .route("/api/v1/audit-log/verify", get(admin::verify))
        .route(
            "/api/v1/notifications/preferences",
            get(crate::notifier::get_preferences).put(crate::notifier::put_preferences),
        )
        .merge(workflow_routes())
        .merge(crate::web::routes(evidence_limit))
        .fallback(|| async { ApiError::not_found("no such endpoint; see /api/v1/openapi.json") })
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::headers::metrics,
        ))
        .layer(axum::middleware::from_fn(crate::headers::security))
        .layer(DefaultBodyLimit::max(1024 * 1024))
        .with_state(state)
}
