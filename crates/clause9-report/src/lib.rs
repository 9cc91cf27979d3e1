//! clause9-report: performance reports for people (HTML, PDF, Markdown,
//! XLSX) and machines (JSON), made from an analysed evaluation. Pure given its
//! inputs: it never opens the store or reads the clock; the caller archives
//! what it issues.

pub mod chart;
pub mod corrective;
pub mod doc_pdf;
pub mod html;
pub mod markdown;
pub mod model;
pub mod pdf;
pub mod text;
pub mod xlsx;

pub use model::{Input, Report};
use sha2::{Digest, Sha256};

/// The formats a report can be issued in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Pdf,
    Markdown,
    Xlsx,
    Json,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Markdown => "md",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
        }
    }

    /// The file extension (the same as the name).
    pub fn extension(self) -> &'static str {
        self.as_str()
    }

    pub const ALL: [Format; 5] = [
        Format::Html,
        Format::Pdf,
        Format::Markdown,
        Format::Xlsx,
        Format::Json,
    ];
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("the PDF could not be typeset: {0}")]
    Pdf(String),
    #[error("the XLSX file could not be written: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("the JSON could not be written: {0}")]
    Json(#[from] serde_json::Error),
}

impl Report {
    /// `generated_at` as seconds since the Unix epoch.
    pub fn generated_at_seconds(&self) -> i64 {
        self.generated_at_ts.as_second()
    }
}

/// Renders a report in one format.
pub fn render(report: &Report, format: Format) -> Result<Vec<u8>, ReportError> {
    Ok(match format {
        Format::Html => html::render(report).into_bytes(),
        Format::Markdown => markdown::render(report).into_bytes(),
        Format::Json => {
            let mut v = serde_json::to_vec_pretty(report)?;
            v.push(b'\n');
            v
        }
        Format::Xlsx => xlsx::render(report)?,
        Format::Pdf => pdf::render(report)?,
    })
}

/// SHA-256 of a file's bytes, lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
