//! Platform sources: search platforms and security tools queried over their
//! HTTP APIs. Each platform module turns one base measure's query and the
//! collection period into read-only requests and reads one number from the
//! answers; this module signs them in (from environment variables only),
//! records the requests and counts for the provenance, and names the
//! platform in every failure.

mod defectdojo;
mod github;
mod log_analytics;
mod loki;
mod paged;
mod search;
mod search_text;
mod spl;
mod splunk;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};

use clause9_core::programme::{Platform, PlatformKind};
use tokio::sync::Mutex;

use crate::error::Failure;
use crate::http::{self, Auth, Exchange, Http};
use crate::provenance::PlatformRecord;
use crate::{SourceOutput, Window};

/// Access tokens fetched during one collection, reused until they expire.
#[derive(Default)]
pub(crate) struct Tokens(Mutex<HashMap<String, (String, Instant)>>);

/// What a platform query may use besides its source and query.
pub(crate) struct Context<'a> {
    /// The programme directory (a relative `ca_file` is found there).
    pub dir: &'a Path,
    pub tokens: &'a Tokens,
    /// Environment variables given by the caller, before the process's own.
    pub env: &'a HashMap<String, String>,
    /// Time limit of each request.
    pub timeout: Duration,
}

/// One query of a platform module: the source, the query text, the period's
/// window and the context.
#[derive(Clone, Copy)]
pub(crate) struct Ask<'a> {
    pub platform: &'a Platform,
    pub query: &'a str,
    pub window: &'a Window,
    pub ctx: &'a Context<'a>,
}

/// What a platform module read.
pub(crate) struct Reading {
    pub value: Option<f64>,
    pub counts: BTreeMap<String, u64>,
    pub rows_scanned: Option<u64>,
    pub requests: Vec<Exchange>,
}

/// Runs `query` for the period `w` against the platform source `p`.
pub(crate) async fn run(
    p: &Platform,
    query: &str,
    w: &Window,
    ctx: Context<'_>,
) -> Result<SourceOutput, Failure> {
    let ask = Ask {
        platform: p,
        query: query.trim(),
        window: w,
        ctx: &ctx,
    };
    let reading = match p.kind {
        PlatformKind::OpenSearch | PlatformKind::Elasticsearch => search::run(ask).await?,
        PlatformKind::Splunk => splunk::run(ask).await?,
        PlatformKind::LogAnalytics => log_analytics::run(ask).await?,
        PlatformKind::Loki => loki::run(ask).await?,
        PlatformKind::DefectDojo => defectdojo::run(ask).await?,
        PlatformKind::GithubCodeScanning => github::run(ask).await?,
    };
    Ok(SourceOutput {
        value: reading.value,
        files: Vec::new(),
        rows_scanned: reading.rows_scanned,
        platform: Some(PlatformRecord {
            requests: reading.requests,
            counts: reading.counts,
        }),
    })
}

/// The value of the environment variable the source names for `role`.
fn setting(p: &Platform, ctx: &Context<'_>, role: &str, what: &str) -> Result<String, Failure> {
    let var = p.env.get(role).ok_or_else(|| {
        Failure::Refused(format!(
            "the source declares no `{role}_env`: add it to the source in clause9.toml"
        ))
    })?;
    if let Some(v) = ctx.env.get(var).filter(|v| !v.trim().is_empty()) {
        return Ok(v.clone());
    }
    http::env(var, &format!("{} {what}", p.kind.as_str()))
}

/// The sign-in the source declares: a token (sent with `scheme`), an API
/// key (`ApiKey`), a user name and password (basic), or none.
fn auth(p: &Platform, ctx: &Context<'_>, scheme: &'static str) -> Result<Auth, Failure> {
    if p.env.contains_key("token") {
        return Ok(Auth::Scheme {
            scheme,
            secret: setting(p, ctx, "token", "API token")?,
        });
    }
    if p.env.contains_key("api_key") {
        return Ok(Auth::Scheme {
            scheme: "ApiKey",
            secret: setting(p, ctx, "api_key", "API key")?,
        });
    }
    if p.env.contains_key("username") {
        return Ok(Auth::Basic {
            username: setting(p, ctx, "username", "user name")?,
            password: setting(p, ctx, "password", "password")?,
        });
    }
    Ok(Auth::None)
}

/// A client for the source's `url_env` address (or `default` when the
/// source may leave it out), signed in with `auth`.
fn client(
    p: &Platform,
    ctx: &Context<'_>,
    default: Option<&str>,
    auth: Auth,
) -> Result<Http, Failure> {
    let base = match (p.env.contains_key("url"), default) {
        (false, Some(d)) => d.to_string(),
        _ => setting(p, ctx, "url", "address (https://host:port)")?,
    };
    Http::new(&base, ctx.dir, p.ca_file.as_deref(), ctx.timeout, auth)
}

/// One count, named.
fn counts<const N: usize>(pairs: [(&str, u64); N]) -> BTreeMap<String, u64> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// A refusal from the server: its status and what it said.
fn refused(answer: &http::Answer, hint: &str) -> Failure {
    let why = match answer.status {
        401 => {
            "the server did not accept the credentials (HTTP 401): check the variables the source names"
        }
        403 => "the credentials may not read this (HTTP 403): give the account read access",
        404 => "not found (HTTP 404): check the address, index, workspace or repository",
        429 => "the server asks to slow down (HTTP 429): collect again later",
        _ => "",
    };
    if why.is_empty() {
        Failure::Query(format!(
            "the server answered HTTP {}{hint}: {}",
            answer.status,
            answer.excerpt()
        ))
    } else {
        Failure::Query(format!("{why}; it said: {}", answer.excerpt()))
    }
}
