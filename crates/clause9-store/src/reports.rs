//! The archive of issued reports: append-only records of every report file
//! handed out (its SHA-256, period, audience, format, time, file name), so a
//! file can later be verified as an unaltered issued report. Implemented for
//! both backends by one macro, like `shared.rs` does for observations.

use jiff::Timestamp;
use serde::Serialize;

use crate::error::StoreError;
use crate::rows::{format_timestamp, parse_timestamp};

/// A report about to be recorded as issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewIssuedReport {
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    pub period: String,
    /// The group or person the report was filtered for, if any.
    pub audience: Option<String>,
    /// `html`, `pdf`, `md`, `xlsx` or `json`.
    pub format: String,
    pub issued_at: Timestamp,
    /// The person who issued it (a person id or the local account).
    pub issued_by: String,
    /// The file name it was written to (without directories).
    pub file_name: String,
    pub size: u64,
}

/// A recorded issued report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssuedReport {
    pub id: i64,
    #[serde(flatten)]
    pub new: NewIssuedReport,
}

/// Where issued reports are recorded. Rows are never changed or removed.
#[async_trait::async_trait]
pub trait ReportArchive: Send + Sync {
    /// Records an issued report and returns it with its id.
    async fn archive(&self, report: &NewIssuedReport) -> Result<IssuedReport, StoreError>;

    /// Every issued report, oldest first.
    async fn issued(&self) -> Result<Vec<IssuedReport>, StoreError>;

    /// The issued reports with this SHA-256 (lowercase hex), oldest first.
    async fn issued_with_sha256(&self, sha256: &str) -> Result<Vec<IssuedReport>, StoreError>;
}

pub(crate) const INSERT_REPORT: &str = "INSERT INTO issued_reports \
     (sha256, period, audience, format, issued_at, issued_by, file_name, size) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
     RETURNING id, sha256, period, audience, format, issued_at, issued_by, file_name, size";

/// A row as read from either backend.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ReportRow {
    id: i64,
    sha256: String,
    period: String,
    audience: Option<String>,
    format: String,
    issued_at: String,
    issued_by: String,
    file_name: String,
    size: i64,
}

impl ReportRow {
    pub(crate) fn decode(self) -> Result<IssuedReport, StoreError> {
        let issued_at = parse_timestamp(&self.issued_at).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "issued report #{} has an unreadable time `{}`",
                self.id, self.issued_at
            ))
        })?;
        let size = u64::try_from(self.size).map_err(|_| {
            StoreError::Corrupt(format!("issued report #{} has a negative size", self.id))
        })?;
        Ok(IssuedReport {
            id: self.id,
            new: NewIssuedReport {
                sha256: self.sha256,
                period: self.period,
                audience: self.audience,
                format: self.format,
                issued_at,
                issued_by: self.issued_by,
                file_name: self.file_name,
                size,
            },
        })
    }
}

/// Checks a report before it is recorded; returns its time and size as stored.
pub(crate) fn encode(report: &NewIssuedReport) -> Result<(String, i64), StoreError> {
    let sha_ok = report.sha256.len() == 64
        && report
            .sha256
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
    if !sha_ok {
        return Err(StoreError::Invalid(format!(
            "`{}` is not a SHA-256 in lowercase hex (64 characters)",
            report.sha256
        )));
    }
    if !["html", "pdf", "md", "xlsx", "json"].contains(&report.format.as_str()) {
        return Err(StoreError::Invalid(format!(
            "unknown report format `{}`; use html, pdf, md, xlsx or json",
            report.format
        )));
    }
    let at = format_timestamp(report.issued_at).map_err(StoreError::Invalid)?;
    let size = i64::try_from(report.size)
        .map_err(|_| StoreError::Invalid("the report is too large to record".to_string()))?;
    Ok((at, size))
}

/// Implements `ReportArchive` for `$store` (a struct with `pool` and `redactor`).
macro_rules! impl_report_archive {
    ($store:ident) => {
        #[async_trait::async_trait]
        impl $crate::reports::ReportArchive for $store {
            async fn archive(
                &self,
                report: &$crate::reports::NewIssuedReport,
            ) -> Result<$crate::reports::IssuedReport, StoreError> {
                let (at, size) = $crate::reports::encode(report)?;
                let row: $crate::reports::ReportRow =
                    sqlx::query_as($crate::reports::INSERT_REPORT)
                        .bind(report.sha256.clone())
                        .bind(report.period.clone())
                        .bind(report.audience.clone())
                        .bind(report.format.clone())
                        .bind(at)
                        .bind(report.issued_by.clone())
                        .bind(report.file_name.clone())
                        .bind(size)
                        .fetch_one(&self.pool)
                        .await
                        .map_err(|e| self.redactor.db(e))?;
                row.decode()
            }

            async fn issued(&self) -> Result<Vec<$crate::reports::IssuedReport>, StoreError> {
                let rows: Vec<$crate::reports::ReportRow> = sqlx::query_as(concat!(
                    "SELECT id, sha256, period, audience, format, issued_at, issued_by, file_name, size ",
                    "FROM issued_reports ORDER BY id"
                ))
                .fetch_all(&self.pool)
                .await
                .map_err(|e| self.redactor.db(e))?;
                rows.into_iter().map($crate::reports::ReportRow::decode).collect()
            }

            async fn issued_with_sha256(
                &self,
                sha256: &str,
            ) -> Result<Vec<$crate::reports::IssuedReport>, StoreError> {
                let rows: Vec<$crate::reports::ReportRow> = sqlx::query_as(concat!(
                    "SELECT id, sha256, period, audience, format, issued_at, issued_by, file_name, size ",
                    "FROM issued_reports WHERE sha256 = $1 ORDER BY id"
                ))
                .bind(sha256.to_ascii_lowercase())
                .fetch_all(&self.pool)
                .await
                .map_err(|e| self.redactor.db(e))?;
                rows.into_iter().map($crate::reports::ReportRow::decode).collect()
            }
        }
    };
}

pub(crate) use impl_report_archive;
