//! The one error shape of the API, `{"error": {"code", "message", "details"}}`,
//! and the one place where error kinds map to HTTP statuses. Server errors
//! are logged in full and answered with a generic message.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use clause9_app::records::RecordError;
use clause9_core::refusal::{Refusal, RefusalKind};
use clause9_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// An API error: status, machine-readable code, message, details.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Vec<String>,
}

/// The body of every error response.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorContent,
}

#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorContent {
    /// `unauthenticated`, `forbidden`, `not_found`, `invalid`, `conflict`,
    /// `too_many_requests`, `payload_too_large`, `unsupported_media_type`,
    /// `unavailable` or `internal`.
    pub code: String,
    pub message: String,
    /// One entry per problem (for `invalid`: each value refused and why).
    pub details: Vec<String>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            details: Vec::new(),
        }
    }

    pub fn unauthenticated() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "sign in, or send an API token as `Authorization: Bearer …`",
        )
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 422 with one detail per problem.
    pub fn invalid(message: impl Into<String>, details: Vec<String>) -> ApiError {
        ApiError {
            details,
            ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
        }
    }

    pub fn unavailable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
    }

    /// A failure inside the server: logged with its cause, answered generically.
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        tracing::error!("internal error: {cause}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server failed to handle the request; the server log has the details",
        )
    }
}

/// The one mapping from a refusal's kind to an HTTP status, for the API
/// and the pages alike.
pub fn status_of(kind: RefusalKind) -> StatusCode {
    match kind {
        RefusalKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        RefusalKind::NotFound => StatusCode::NOT_FOUND,
        RefusalKind::Forbidden => StatusCode::FORBIDDEN,
        RefusalKind::Conflict | RefusalKind::Locked => StatusCode::CONFLICT,
    }
}

/// A refusal of the rules: its kind's status and code, its message, and
/// each problem as `field: detail` (the API names fields as its JSON keys).
impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> ApiError {
        let details = if r.problems.is_empty() {
            Vec::new()
        } else {
            r.lines(str::to_string)
        };
        ApiError {
            status: status_of(r.kind),
            code: r.kind.as_str(),
            message: r.message,
            details,
        }
    }
}

impl From<RecordError> for ApiError {
    fn from(e: RecordError) -> ApiError {
        match e {
            RecordError::Refused(r) => r.into(),
            RecordError::Corrupt(m) | RecordError::Failed(m) => ApiError::internal(m),
            RecordError::Store(e) => e.into(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::Conflict { .. } => {
                ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string())
            }
            StoreError::Invalid(message) => ApiError::invalid(message.clone(), vec![message]),
            other => ApiError::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorContent {
                code: self.code.to_string(),
                message: self.message,
                details: self.details,
            },
        };
        (self.status, Json(body)).into_response()
    }
}
