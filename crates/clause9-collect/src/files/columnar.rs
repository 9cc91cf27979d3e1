//! A columnar copy of large text evidence. A CSV or NDJSON table is parsed on
//! every query that reads it, so ten measures over a twelve-month backfill
//! would parse the same file 120 times. A table whose files are larger than
//! [`THRESHOLD_BYTES`] is instead parsed once, when its source is prepared,
//! into Parquet files in a private temporary directory (removed when the
//! collector is dropped); every query then reads those, with column
//! projection and row-group statistics. The evidence hashes in the provenance
//! stay those of the original files.

use std::path::PathBuf;
use std::sync::Arc;

use datafusion::catalog::TableProvider;
use datafusion::dataframe::DataFrameWriteOptions;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};
use datafusion::prelude::SessionContext;

use crate::error::Failure;

/// Text tables at least this large (bytes on disk, all files together) get a
/// columnar copy; smaller ones are cheap enough to parse per query.
pub(crate) const THRESHOLD_BYTES: u64 = 64 << 20;

/// The columnar copy of one table, and the directory that holds it.
pub(crate) struct ColumnarCopy {
    pub provider: Arc<dyn TableProvider>,
    /// Deleted when the copy is dropped.
    _dir: tempfile::TempDir,
}

/// Parses `text` (a CSV or NDJSON listing table) once into Parquet and
/// returns a table over the Parquet files with the same schema.
pub(crate) async fn copy(
    ctx: &SessionContext,
    table: &str,
    text: Arc<dyn TableProvider>,
) -> Result<ColumnarCopy, Failure> {
    let failed = |what: &str, e: &dyn std::fmt::Display| {
        Failure::Files(format!(
            "table `{table}`: cannot {what} the columnar copy of the evidence \
             (set TMPDIR to a directory with free space): {e}"
        ))
    };
    let dir = tempfile::Builder::new()
        .prefix("clause9-columnar-")
        .tempdir()
        .map_err(|e| failed("create a directory for", &e))?;
    let out: PathBuf = dir.path().join("parts");
    std::fs::create_dir(&out).map_err(|e| failed("create a directory for", &e))?;
    let schema = text.schema();
    ctx.read_table(text)
        .map_err(|e| failed("read", &e))?
        .write_parquet(
            &format!("{}/", out.to_string_lossy()),
            DataFrameWriteOptions::new(),
            None,
        )
        .await
        .map_err(|e| failed("write", &e))?;
    let url = ListingTableUrl::parse(format!("{}/", out.to_string_lossy()))
        .map_err(|e| failed("read", &e))?;
    let options =
        ListingOptions::new(Arc::new(ParquetFormat::default())).with_file_extension(".parquet");
    let config = ListingTableConfig::new(url)
        .with_listing_options(options)
        .with_schema(schema);
    let provider = ListingTable::try_new(config).map_err(|e| failed("read", &e))?;
    Ok(ColumnarCopy {
        provider: Arc::new(provider),
        _dir: dir,
    })
}
