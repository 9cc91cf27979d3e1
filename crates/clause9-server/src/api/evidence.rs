//! `POST /api/v1/evidence`: uploads an evidence file (multipart field
//! `file`) into the vault, `DIR/.clause9/evidence/<sha256>`, after checking
//! its size and that its bytes match an accepted content type.

use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use clause9_core::access::ActionKind;
use clause9_core::observation::Evidence;
use clause9_store::accounts::User;
use clause9_store::audit_log::NewAuditEntry;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Accepted content types; those with a signature must start with it.
const ACCEPTED: &[(&str, Option<&[u8]>)] = &[
    ("application/pdf", Some(b"%PDF-")),
    ("image/png", Some(b"\x89PNG\r\n\x1a\n")),
    ("image/jpeg", Some(b"\xff\xd8\xff")),
    ("text/csv", None),
    ("text/plain", None),
    ("application/json", None),
];

/// The multipart form of an upload.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file; its part's content type must be one of application/pdf,
    /// image/png, image/jpeg, text/csv, text/plain, application/json.
    #[schema(format = Binary, value_type = String)]
    file: Vec<u8>,
}

/// An uploaded evidence file.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Uploaded {
    pub sha256: String,
    pub size: u64,
    pub content_type: String,
    /// What to send as `evidence` with values: `sha256:HEX`.
    pub evidence: String,
}

/// Uploads an evidence file; 201 with its SHA-256.
#[utoipa::path(post, path = "/api/v1/evidence", tag = "observations",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = Uploaded), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody),
        (status = 415, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    mut form: Multipart,
) -> ApiResult<(StatusCode, Json<Uploaded>)> {
    caller.may_kind(ActionKind::UploadEvidence)?;
    let limit = state.settings.max_evidence_bytes;
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("evidence files may be at most {limit} bytes"),
        )
    };
    while let Some(mut field) = form
        .next_field()
        .await
        .map_err(|e| multipart_error(e, too_large()))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let content_type = field.content_type().unwrap_or("").to_string();
        if !ACCEPTED.iter().any(|(t, _)| *t == content_type) {
            return Err(unsupported(&content_type));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|e| multipart_error(e, too_large()))?
        {
            if bytes.len() + chunk.len() > limit {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        let uploaded = save_evidence(&state, &caller.user, &content_type, &bytes).await?;
        return Ok((StatusCode::CREATED, Json(uploaded)));
    }
    Err(ApiError::invalid(
        "no file was uploaded",
        vec!["send the file in a multipart field named `file`".into()],
    ))
}

/// Checks an evidence file's bytes against its content type and stores it
/// in the vault (once per content), noting the upload in the audit log.
pub async fn save_evidence(
    state: &AppState,
    user: &User,
    content_type: &str,
    bytes: &[u8],
) -> ApiResult<Uploaded> {
    let Some((_, signature)) = ACCEPTED.iter().find(|(t, _)| *t == content_type) else {
        return Err(unsupported(content_type));
    };
    if bytes.len() > state.settings.max_evidence_bytes {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!(
                "evidence files may be at most {} bytes",
                state.settings.max_evidence_bytes
            ),
        ));
    }
    let matches = match signature {
        Some(sig) => bytes.starts_with(sig),
        None => std::str::from_utf8(bytes).is_ok(),
    };
    if !matches {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!(
                "the file's bytes are not {content_type}; send the file with its real content type"
            ),
        ));
    }
    let sha256 = hex::encode(Sha256::digest(bytes));
    let dir = state.evidence_dir();
    let path = dir.join(&sha256);
    if !path.exists() {
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(ApiError::internal)?;
        let temp = dir.join(format!(".{sha256}.{}", crate::secret::new_secret("tmp")));
        tokio::fs::write(&temp, bytes)
            .await
            .map_err(ApiError::internal)?;
        tokio::fs::rename(&temp, &path)
            .await
            .map_err(ApiError::internal)?;
    }
    state
        .store
        .audit_log()
        .record(&[NewAuditEntry {
            at: state.now(),
            actor: user.person.clone(),
            kind: "evidence.uploaded".into(),
            subject: format!("evidence:{sha256}"),
            details: serde_json::json!({"size": bytes.len(), "content_type": content_type, "user": user.username}),
        }])
        .await?;
    Ok(Uploaded {
        evidence: format!("sha256:{sha256}"),
        sha256,
        size: bytes.len() as u64,
        content_type: content_type.to_string(),
    })
}

fn unsupported(content_type: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        format!(
            "evidence of type `{content_type}` is not accepted; use one of: {}",
            ACCEPTED
                .iter()
                .map(|(t, _)| *t)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
}

fn multipart_error(e: axum::extract::multipart::MultipartError, too_large: ApiError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large
    } else {
        ApiError::bad_request(format!("bad multipart body: {}", e.body_text()))
    }
}

/// The evidence of `sha256:HEX` if that file is in the vault.
pub async fn vault_evidence(state: &AppState, link: &str) -> ApiResult<Option<Evidence>> {
    let Some(hash) = link.strip_prefix("sha256:") else {
        return Ok(None);
    };
    if hash.len() != 64
        || !hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Ok(None);
    }
    let path = state.evidence_dir().join(hash);
    match tokio::fs::metadata(&path).await {
        Ok(meta) => Ok(Some(Evidence {
            name: Some(format!(".clause9/evidence/{hash}")),
            sha256: Some(hash.to_string()),
            size: Some(meta.len()),
            url: None,
        })),
        Err(_) => Ok(None),
    }
}
