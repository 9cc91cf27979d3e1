//! `files` sources: SQL over evidence files with DataFusion. Tables are
//! prepared once per source (files hashed, schemas inferred); each query then
//! runs in its own session that holds only the source's declared tables,
//! with a memory limit, no spilling to disk, and only a single query allowed.

pub(crate) mod columnar;
mod formats;
mod json_doc;
mod s3;
mod schema;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clause9_core::programme::{ColumnType, Source};
use datafusion::arrow::array::{Array, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::catalog::TableProvider;
use datafusion::common::ScalarValue;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::datasource::file_format::FileFormat;
use datafusion::datasource::file_format::csv::CsvFormat;
use datafusion::datasource::file_format::file_compression_type::FileCompressionType;
use datafusion::datasource::file_format::json::JsonFormat;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};
use datafusion::datasource::memory::MemorySourceConfig;
use datafusion::datasource::source::DataSourceExec;
use datafusion::error::DataFusionError;
use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::logical_expr::LogicalPlan;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::prelude::{SQLOptions, SessionConfig, SessionContext};
use datafusion::sql::parser::{DFParser, Statement as DFStatement};
use datafusion::sql::sqlparser::ast::Statement;
use object_store::ObjectStore;

use crate::error::Failure;
use crate::provenance::FileRead;
use crate::{SourceOutput, Window, params, value};

use formats::Format;

/// A declared table, ready to register.
struct Table {
    name: String,
    provider: Arc<dyn TableProvider>,
    files: Vec<FileRead>,
    /// Keeps the columnar copy of a large text table on disk while in use.
    _columnar: Option<columnar::ColumnarCopy>,
}

/// The tables of one `files` source; a table that could not be prepared
/// keeps its reason, reported to the queries that name it.
pub(crate) struct Prepared {
    tables: Vec<Table>,
    broken: Vec<(String, Failure)>,
    /// The object stores (S3 buckets) the tables read, by URL.
    buckets: Vec<(reqwest::Url, Arc<dyn ObjectStore>)>,
}

/// Hashes every file of every declared table and works out the tables' columns.
/// Text tables of at least `columnar_threshold` bytes get a columnar copy.
/// `env` gives values of `AWS_*` variables for tables on S3 before the
/// process environment.
pub(crate) async fn prepare(
    dir: &Path,
    source: &Source,
    columnar_threshold: u64,
    env: &HashMap<String, String>,
) -> Result<Prepared, Failure> {
    let Source::Files {
        tables,
        columns,
        memory_mb,
        ..
    } = source
    else {
        return Err(Failure::Files("not a files source".into()));
    };
    let ctx = SessionContext::new();
    let mut out = Prepared {
        tables: Vec::new(),
        broken: Vec::new(),
        buckets: Vec::new(),
    };
    for (name, pattern) in tables {
        let memory_mb = memory_mb.unwrap_or(crate::DEFAULT_MEMORY_MB);
        let limits = (memory_mb, columnar_threshold);
        let prepared = if pattern.starts_with("s3://") {
            prepare_s3_table(&ctx, name, pattern, columns, limits, env, &mut out.buckets).await
        } else {
            prepare_table(&ctx, dir, name, pattern, columns, limits).await
        };
        match prepared {
            Ok(t) => out.tables.push(t),
            Err(f) => out.broken.push((name.clone(), f)),
        }
    }
    Ok(out)
}

/// A table whose files are objects in an S3 bucket.
async fn prepare_s3_table(
    ctx: &SessionContext,
    name: &str,
    pattern: &str,
    columns: &BTreeMap<String, ColumnType>,
    (_, columnar_threshold): (u64, u64),
    env: &HashMap<String, String>,
    buckets: &mut Vec<(reqwest::Url, Arc<dyn ObjectStore>)>,
) -> Result<Table, Failure> {
    let in_table = |f: Failure| match f {
        Failure::Files(m) => Failure::Files(format!("table `{name}`: {m}")),
        other => other,
    };
    let (bucket_name, key) = s3::split(pattern).map_err(in_table)?;
    let bucket = s3::bucket(bucket_name, env).map_err(in_table)?;
    ctx.register_object_store(&bucket.url, bucket.store.clone());
    let keys = s3::expand(&bucket, bucket_name, key)
        .await
        .map_err(in_table)?;
    let paths: Vec<PathBuf> = keys.iter().map(|(k, _)| PathBuf::from(k)).collect();
    let (format, gz) = common_format(&paths).map_err(in_table)?;
    if format == Format::Json {
        return Err(in_table(Failure::Files(
            "`.json` documents are read from local files only; keep evidence on S3 as NDJSON (.ndjson, .jsonl), CSV or Parquet".into(),
        )));
    }
    let mut hashed = Vec::with_capacity(keys.len());
    for (k, _) in &keys {
        hashed.push(s3::hash(&bucket, bucket_name, k).await.map_err(in_table)?);
    }
    let delimiter = if format == Format::Csv {
        let head = s3::head(&bucket, bucket_name, &keys[0].0, keys[0].1)
            .await
            .map_err(in_table)?;
        formats::sniff_delimiter_bytes(&head, gz)
    } else {
        b','
    };
    let urls = keys
        .iter()
        .map(|(k, _)| ListingTableUrl::parse(format!("s3://{bucket_name}/{k}")))
        .collect::<Result<Vec<_>, _>>()
        .map_err(df_files)?;
    let provider = listing(ctx, urls, format, gz, columns, delimiter)
        .await
        .map_err(in_table)?;
    if !buckets.iter().any(|(u, _)| *u == bucket.url) {
        buckets.push((bucket.url.clone(), bucket.store.clone()));
    }
    finish_table(ctx, name, provider, hashed, format, columnar_threshold).await
}

/// A prepared table; large text tables get their columnar copy.
async fn finish_table(
    ctx: &SessionContext,
    name: &str,
    provider: Arc<dyn TableProvider>,
    hashed: Vec<FileRead>,
    format: Format,
    columnar_threshold: u64,
) -> Result<Table, Failure> {
    let bytes: u64 = hashed.iter().map(|f| f.size).sum();
    let text = matches!(format, Format::Csv | Format::Ndjson);
    let (provider, copy) = if text && bytes >= columnar_threshold {
        let copy = columnar::copy(ctx, name, provider).await?;
        (copy.provider.clone(), Some(copy))
    } else {
        (provider, None)
    };
    Ok(Table {
        name: name.to_string(),
        provider,
        files: hashed,
        _columnar: copy,
    })
}

async fn prepare_table(
    ctx: &SessionContext,
    dir: &Path,
    name: &str,
    pattern: &str,
    columns: &BTreeMap<String, ColumnType>,
    (memory_mb, columnar_threshold): (u64, u64),
) -> Result<Table, Failure> {
    {
        let in_table = |f: Failure| match f {
            Failure::Files(m) => Failure::Files(format!("table `{name}`: {m}")),
            other => other,
        };
        let paths = formats::expand(dir, pattern).map_err(in_table)?;
        let root = dir
            .canonicalize()
            .map_err(|e| Failure::Files(format!("{}: {e}", dir.display())))?;
        let hashed = {
            let paths = paths.clone();
            tokio::task::spawn_blocking(move || {
                paths
                    .iter()
                    .map(|p| formats::hash(&root, p))
                    .collect::<Result<Vec<_>, _>>()
            })
            .await
            .map_err(|e| Failure::Files(e.to_string()))?
            .map_err(in_table)?
        };
        let (format, gz) = common_format(&paths).map_err(in_table)?;
        let provider: Arc<dyn TableProvider> = match format {
            Format::Json => {
                let (paths, columns) = (paths.clone(), columns.clone());
                tokio::task::spawn_blocking(move || {
                    json_doc::table(&paths, gz, &columns, memory_mb)
                })
                .await
                .map_err(|e| Failure::Files(e.to_string()))?
                .map_err(in_table)?
            }
            _ => {
                let delimiter = if format == Format::Csv {
                    formats::sniff_delimiter(&paths[0], gz).map_err(in_table)?
                } else {
                    b','
                };
                let urls = paths
                    .iter()
                    .map(|p| ListingTableUrl::parse(p.to_string_lossy()))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(df_files)?;
                listing(ctx, urls, format, gz, columns, delimiter)
                    .await
                    .map_err(in_table)?
            }
        };
        finish_table(ctx, name, provider, hashed, format, columnar_threshold).await
    }
}

/// Every file of a table must have the same format and compression.
fn common_format(paths: &[PathBuf]) -> Result<(Format, bool), Failure> {
    let first = formats::detect(&paths[0])?;
    for p in &paths[1..] {
        if formats::detect(p)? != first {
            return Err(Failure::Files(format!(
                "{} and {} have different formats; give each format its own table",
                paths[0].display(),
                p.display()
            )));
        }
    }
    Ok(first)
}

fn df_files(e: DataFusionError) -> Failure {
    Failure::Files(e.to_string())
}

/// A CSV, NDJSON or Parquet table over `urls` (local files or objects),
/// read as the query runs.
async fn listing(
    ctx: &SessionContext,
    urls: Vec<ListingTableUrl>,
    format: Format,
    gz: bool,
    declared: &BTreeMap<String, ColumnType>,
    delimiter: u8,
) -> Result<Arc<dyn TableProvider>, Failure> {
    let compression = if gz {
        FileCompressionType::GZIP
    } else {
        FileCompressionType::UNCOMPRESSED
    };
    let file_format: Arc<dyn FileFormat> = match format {
        Format::Csv => Arc::new(
            CsvFormat::default()
                .with_has_header(true)
                .with_delimiter(delimiter)
                .with_file_compression_type(compression)
                .with_schema_infer_max_rec(schema::SAMPLE_ROWS),
        ),
        Format::Ndjson => Arc::new(
            JsonFormat::default()
                .with_file_compression_type(compression)
                .with_schema_infer_max_rec(schema::SAMPLE_ROWS),
        ),
        _ => Arc::new(ParquetFormat::default()),
    };
    let options = ListingOptions::new(file_format).with_file_extension("");
    let state = ctx.state();
    let mut schemas = Vec::new();
    for url in &urls {
        schemas.push(
            options
                .infer_schema(&state, url)
                .await
                .map_err(df_files)?
                .as_ref()
                .clone(),
        );
    }
    let inferred = Schema::try_merge(schemas)
        .map_err(|e| Failure::Files(format!("the files' columns do not agree: {e}")))?;
    let samples = if format == Format::Parquet {
        HashMap::new()
    } else {
        sample(ctx, &urls, &options, &inferred).await?
    };
    let refined = Arc::new(schema::refine(&inferred, &samples, declared));
    let config = ListingTableConfig::new_with_multi_paths(urls)
        .with_listing_options(options)
        .with_schema(refined);
    Ok(Arc::new(ListingTable::try_new(config).map_err(df_files)?))
}

/// The first rows' text of the columns that might hold timestamps.
async fn sample(
    ctx: &SessionContext,
    urls: &[ListingTableUrl],
    options: &ListingOptions,
    inferred: &Schema,
) -> Result<HashMap<String, Vec<String>>, Failure> {
    let candidates: Vec<String> = inferred
        .fields()
        .iter()
        .filter(|f| schema::is_candidate(f.data_type()))
        .map(|f| f.name().clone())
        .collect();
    if candidates.is_empty() {
        return Ok(HashMap::new());
    }
    let as_text = Schema::new(
        inferred
            .fields()
            .iter()
            .map(|f| {
                if schema::is_candidate(f.data_type()) {
                    Field::new(f.name(), DataType::Utf8, true)
                } else {
                    f.as_ref().clone()
                }
            })
            .collect::<Vec<_>>(),
    );
    let config = ListingTableConfig::new(urls[0].clone())
        .with_listing_options(options.clone())
        .with_schema(Arc::new(as_text));
    let table = ListingTable::try_new(config).map_err(df_files)?;
    let names: Vec<&str> = candidates.iter().map(String::as_str).collect();
    let batches = ctx
        .read_table(Arc::new(table))
        .and_then(|df| df.select_columns(&names))
        .and_then(|df| df.limit(0, Some(schema::SAMPLE_ROWS)))
        .map_err(df_files)?
        .collect()
        .await
        .map_err(df_files)?;
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for batch in &batches {
        for (i, name) in candidates.iter().enumerate() {
            let col = cast(batch.column(i), &DataType::Utf8)
                .map_err(|e| Failure::Files(e.to_string()))?;
            let Some(text) = col.as_any().downcast_ref::<StringArray>() else {
                continue;
            };
            let values = out.entry(name.clone()).or_default();
            values.extend(
                text.iter()
                    .flatten()
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
        }
    }
    Ok(out)
}

/// Runs one query over the prepared tables.
pub(crate) async fn run(
    prepared: &Prepared,
    query: &str,
    window: &Window,
    memory_mb: u64,
) -> Result<SourceOutput, Failure> {
    check_query(query)?;
    for (name, failure) in &prepared.broken {
        if names_table(query, name) {
            return Err(failure.clone());
        }
    }
    let runtime = RuntimeEnvBuilder::new()
        .with_memory_limit(
            usize::try_from(memory_mb).unwrap_or(usize::MAX / 2) << 20,
            1.0,
        )
        .with_disk_manager_builder(
            DiskManagerBuilder::default().with_mode(DiskManagerMode::Disabled),
        )
        .build_arc()
        .map_err(|e| Failure::Query(e.to_string()))?;
    let ctx = SessionContext::new_with_config_rt(SessionConfig::new(), runtime);
    for (url, store) in &prepared.buckets {
        ctx.register_object_store(url, store.clone());
    }
    for t in &prepared.tables {
        ctx.register_table(t.name.as_str(), t.provider.clone())
            .map_err(|e| Failure::Query(e.to_string()))?;
    }
    let classify = |e: DataFusionError| classify(e, memory_mb);
    let options = SQLOptions::new()
        .with_allow_ddl(false)
        .with_allow_dml(false)
        .with_allow_statements(false);
    let df = ctx
        .sql_with_options(query, options)
        .await
        .map_err(classify)?;
    let used = tables_used(df.logical_plan());
    let mut bound = HashMap::new();
    bound.insert(
        "start",
        ScalarValue::TimestampMicrosecond(Some(window.start.as_microsecond()), Some("UTC".into())),
    );
    bound.insert(
        "end",
        ScalarValue::TimestampMicrosecond(Some(window.end.as_microsecond()), Some("UTC".into())),
    );
    bound.insert("period", ScalarValue::Utf8(Some(window.period.to_string())));
    let df = df.with_param_values(bound).map_err(classify)?;
    let plan = df.create_physical_plan().await.map_err(classify)?;
    let batches = datafusion::physical_plan::collect(plan.clone(), ctx.task_ctx())
        .await
        .map_err(classify)?;
    let value = value::single_value(&batches)?;
    let mut files: Vec<FileRead> = prepared
        .tables
        .iter()
        .filter(|t| used.contains(&t.name))
        .flat_map(|t| t.files.iter().cloned())
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup();
    Ok(SourceOutput {
        value,
        files,
        rows_scanned: rows_scanned(plan.as_ref()),
        platform: None,
    })
}

/// Does the query text mention `table` as a word (outside nothing cleverer)?
fn names_table(query: &str, table: &str) -> bool {
    let q = query.to_ascii_lowercase();
    let t = table.to_ascii_lowercase();
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    q.match_indices(&t)
        .any(|(i, _)| !word(q[..i].chars().next_back()) && !word(q[i + t.len()..].chars().next()))
}

/// Refuses anything but one query statement, and unknown parameters.
fn check_query(query: &str) -> Result<(), Failure> {
    params::check(&params::scan(query), &params::SQL_PARAMETERS)?;
    let statements = DFParser::parse_sql(query)
        .map_err(|e| Failure::Query(format!("the SQL does not parse: {e}")))?;
    if statements.len() != 1 {
        return Err(Failure::Refused(format!(
            "a query must be exactly one SELECT statement, found {}",
            statements.len()
        )));
    }
    match &statements[0] {
        DFStatement::Statement(s) if matches!(s.as_ref(), Statement::Query(_)) => Ok(()),
        _ => Err(Failure::Refused(
            "only a SELECT query may run against evidence files (no DDL, DML, COPY, EXPLAIN or SET)"
                .into(),
        )),
    }
}

/// The names of the tables a plan scans, subqueries included.
fn tables_used(plan: &LogicalPlan) -> Vec<String> {
    let mut names = Vec::new();
    let _ = plan.apply_with_subqueries(|node| {
        if let LogicalPlan::TableScan(scan) = node {
            names.push(scan.table_name.table().to_string());
        }
        Ok(TreeNodeRecursion::Continue)
    });
    names
}

/// Rows read by the plan's scans, when every scan reports it. A file scan
/// counts the rows it read (after row-group pruning); an in-memory table (a
/// `.json` document) is read whole, so it counts all its rows.
fn rows_scanned(plan: &dyn ExecutionPlan) -> Option<u64> {
    let children = plan.children();
    if children.is_empty() {
        let Some(scan) = plan.downcast_ref::<DataSourceExec>() else {
            return Some(0);
        };
        let source: &dyn std::any::Any = scan.data_source().as_ref();
        if let Some(memory) = source.downcast_ref::<MemorySourceConfig>() {
            return Some(
                memory
                    .partitions()
                    .iter()
                    .flatten()
                    .map(|b| b.num_rows() as u64)
                    .sum(),
            );
        }
        return plan
            .metrics()
            .and_then(|m| m.output_rows())
            .map(|n| n as u64);
    }
    children
        .into_iter()
        .map(|c| rows_scanned(c.as_ref()))
        .sum::<Option<u64>>()
}

/// A DataFusion error as a failure; running out of memory says so.
fn classify(e: DataFusionError, memory_mb: u64) -> Failure {
    let text = e.to_string();
    let root = e.find_root();
    if matches!(root, DataFusionError::ResourcesExhausted(_))
        || text.contains("Resources exhausted")
    {
        Failure::Memory {
            mb: memory_mb,
            detail: root.to_string(),
        }
    } else if matches!(root, DataFusionError::Plan(_) | DataFusionError::SQL(..))
        && text.contains("not allowed")
    {
        Failure::Refused(text)
    } else {
        Failure::Query(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_select_is_allowed() {
        assert!(check_query("SELECT 1").is_ok());
        assert!(check_query("WITH a AS (SELECT 1 AS x) SELECT x FROM a").is_ok());
        for bad in [
            "SELECT 1; SELECT 2",
            "CREATE EXTERNAL TABLE t STORED AS CSV LOCATION '/etc/passwd'",
            "COPY (SELECT 1) TO '/tmp/x.csv'",
            "INSERT INTO t VALUES (1)",
            "SET datafusion.execution.batch_size = 1",
            "EXPLAIN SELECT 1",
            "DROP TABLE t",
        ] {
            assert!(
                matches!(check_query(bad), Err(Failure::Refused(_))),
                "{bad}"
            );
        }
    }
}
