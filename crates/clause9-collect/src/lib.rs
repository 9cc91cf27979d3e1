//! Automated evidence collection: runs the query of a `method = "query"` base
//! measure against its source (SQL over evidence files with DataFusion,
//! SQL in PostgreSQL, PromQL against Prometheus, queries against search
//! platforms and security tools over HTTP) for one period, and returns
//! the value with its provenance; [`batch`] collects and stores many values
//! at once (the `clause9 collect` command and the server's schedule).

pub mod batch;
mod error;
mod files;
mod http;
mod params;
mod platform;
mod postgres;
mod promapi;
mod prometheus;
mod provenance;
mod save;
mod value;
mod window;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clause9_core::measure::{BaseMeasure, BaseMethod, Measure};
use clause9_core::period::Period;
use clause9_core::programme::{Programme, Source};
use jiff::tz::TimeZone;
use tokio::sync::{Mutex, OnceCell};

pub use error::{CollectError, Failure};
pub use http::Exchange;
pub use provenance::{FileRead, Parameters, PlatformRecord, Provenance};
pub use save::{Outcome, save};

/// Default time limit of one query.
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 60;
/// Default memory limit of one `files` query, in MiB.
pub const DEFAULT_MEMORY_MB: u64 = 1024;

/// A collected value with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Collected {
    /// `None` when the source answered "no value" (SQL NULL).
    pub value: Option<f64>,
    pub provenance: Provenance,
}

/// The period bounds a query sees.
#[derive(Debug, Clone)]
pub(crate) struct Window {
    pub period: Period,
    pub start: jiff::Timestamp,
    pub end: jiff::Timestamp,
    /// The programme's timezone (local dates of the period).
    pub timezone: TimeZone,
}

/// A `files` source prepared once, or why it could not be.
type PreparedCell = OnceCell<Result<Arc<files::Prepared>, Failure>>;

/// Runs query base measures of one programme. Evidence files of a `files`
/// source are hashed and their schemas inferred once per collector and shared
/// by every query of that source; each query still gets its own time and
/// memory limits.
pub struct Collector {
    dir: PathBuf,
    timezone: TimeZone,
    sources: HashMap<String, Source>,
    prepared: Mutex<HashMap<String, Arc<PreparedCell>>>,
    columnar_threshold: u64,
    tokens: platform::Tokens,
    env: HashMap<String, String>,
}

impl Collector {
    /// A collector for `programme`, whose files live in `dir`.
    pub fn new(dir: &Path, programme: &Programme) -> Collector {
        Collector {
            dir: dir.to_path_buf(),
            timezone: programme.settings.timezone.clone(),
            sources: programme
                .settings
                .sources
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            prepared: Mutex::new(HashMap::new()),
            columnar_threshold: files::columnar::THRESHOLD_BYTES,
            tokens: platform::Tokens::default(),
            env: HashMap::new(),
        }
    }

    /// Gives platform sources (and `files` tables on S3, for `AWS_*`) a
    /// value for the environment variable `name`, used before the process
    /// environment (for embedding and tests).
    pub fn with_env(mut self, name: &str, value: &str) -> Collector {
        self.env.insert(name.to_string(), value.to_string());
        self
    }

    /// Gives CSV and NDJSON tables of at least `bytes` a columnar copy, parsed
    /// once and shared by every query and period of this collector (default
    /// 64 MiB; `u64::MAX` turns the copy off).
    pub fn with_columnar_threshold(mut self, bytes: u64) -> Collector {
        self.columnar_threshold = bytes;
        self
    }

    /// Collects `base` of `measure` for `period`. Errors name the measure and base.
    pub async fn collect(
        &self,
        measure: &Measure,
        base: &BaseMeasure,
        period: Period,
    ) -> Result<Collected, CollectError> {
        let wrap = |failure: Failure| CollectError {
            measure: measure.id.clone(),
            base: base.id.clone(),
            failure,
        };
        let BaseMethod::Query { source, query } = &base.method else {
            return Err(wrap(Failure::NotAQuery));
        };
        let Some(src) = self.sources.get(source) else {
            return Err(wrap(Failure::UnknownSource(source.clone())));
        };
        let (start, end) = period.bounds(&self.timezone);
        let window = Window {
            period,
            start,
            end,
            timezone: self.timezone.clone(),
        };
        let timeout = Duration::from_secs(src.timeout_seconds().unwrap_or(DEFAULT_TIMEOUT_SECONDS));
        let began = Instant::now();
        let outcome = match src {
            Source::Files { memory_mb, .. } => {
                let prepared = self.prepare(source, src).await.map_err(wrap)?;
                let memory = memory_mb.unwrap_or(DEFAULT_MEMORY_MB);
                limit(timeout, files::run(&prepared, query, &window, memory)).await
            }
            Source::Postgres { url_env, .. } => {
                limit(timeout, postgres::run(url_env, query, &window, timeout)).await
            }
            Source::Prometheus { url, .. } => {
                limit(timeout, prometheus::run(url, query, &window, timeout)).await
            }
            Source::Platform(p) => {
                let ctx = platform::Context {
                    dir: &self.dir,
                    tokens: &self.tokens,
                    env: &self.env,
                    timeout,
                };
                limit(timeout, platform::run(p, query, &window, ctx))
                    .await
                    .map_err(|f| f.on(p.kind.as_str()))
            }
        };
        let out = outcome.map_err(wrap)?;
        let with_range = match src {
            Source::Prometheus { .. } => true,
            Source::Platform(p) => p.kind == clause9_core::programme::PlatformKind::Loki,
            _ => false,
        };
        let parameters = Parameters::new(&window, with_range);
        Ok(Collected {
            value: out.value,
            provenance: Provenance {
                source: source.clone(),
                kind: src.kind().to_string(),
                query: query.clone(),
                query_sha256: provenance::sha256_hex(query.as_bytes()),
                parameters,
                files: out.files,
                rows_scanned: out.rows_scanned,
                duration_ms: began.elapsed().as_secs_f64() * 1000.0,
                platform: out.platform,
            },
        })
    }

    /// The shared, prepared tables of a `files` source (built once).
    async fn prepare(&self, id: &str, source: &Source) -> Result<Arc<files::Prepared>, Failure> {
        let cell = {
            let mut map = self.prepared.lock().await;
            map.entry(id.to_string()).or_default().clone()
        };
        cell.get_or_init(|| async {
            files::prepare(&self.dir, source, self.columnar_threshold, &self.env)
                .await
                .map(Arc::new)
        })
        .await
        .clone()
    }
}

/// The environment variables `source` names that are not set (empty when
/// it has all it needs to be queried; `files` and `prometheus` need none).
pub fn unset_variables(source: &Source) -> Vec<String> {
    let named: Vec<&String> = match source {
        Source::Postgres { url_env, .. } => vec![url_env],
        Source::Platform(p) => p.env.values().collect(),
        Source::Files { .. } | Source::Prometheus { .. } => Vec::new(),
    };
    named
        .into_iter()
        .filter(|v| std::env::var(v).map_or(true, |x| x.trim().is_empty()))
        .cloned()
        .collect()
}

/// What a source run produced, before provenance is completed.
pub(crate) struct SourceOutput {
    pub value: Option<f64>,
    pub files: Vec<FileRead>,
    pub rows_scanned: Option<u64>,
    pub platform: Option<PlatformRecord>,
}

async fn limit(
    timeout: Duration,
    fut: impl Future<Output = Result<SourceOutput, Failure>>,
) -> Result<SourceOutput, Failure> {
    match tokio::time::timeout(timeout, fut).await {
        Ok(r) => r,
        Err(_) => Err(Failure::Timeout {
            seconds: timeout.as_secs(),
        }),
    }
}
