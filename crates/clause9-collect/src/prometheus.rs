//! `prometheus` sources: a PromQL query evaluated at the period's end through
//! the HTTP API (`/api/v1/query`). `$range` is the period's length as a
//! duration (`2678400s` for a 31-day month); the single sample is the value,
//! and the samples the query read (Prometheus' query statistics) are its
//! rows scanned.

use std::path::Path;
use std::time::Duration;

use crate::error::Failure;
use crate::http::{Auth, Http};
use crate::{SourceOutput, Window, promapi};

pub(crate) async fn run(
    url: &str,
    query: &str,
    window: &Window,
    timeout: Duration,
) -> Result<SourceOutput, Failure> {
    let promql = promapi::with_range(query, window)?;
    let mut http = Http::new(url, Path::new("."), None, timeout, Auth::None)?;
    let endpoint = http.url("api/v1/query")?;
    let time = window.end.as_second().to_string();
    let answer = http
        .post_form(
            endpoint,
            &[("query", promql), ("time", time), ("stats", "all".into())],
            false,
        )
        .await?;
    let json = answer.json("Prometheus").map_err(|_| {
        Failure::Connection(format!("the server answered HTTP {} without a Prometheus API response; is `url` a Prometheus server?", answer.status))
    })?;
    let value = promapi::single_value(&json, "Prometheus")?;
    // The samples the query touched, which Prometheus reports when asked
    // for statistics (`stats=all`); servers too old to report it give none.
    let rows_scanned = json["data"]["stats"]["samples"]["totalQueryableSamples"].as_u64();
    Ok(SourceOutput {
        value: Some(value),
        files: Vec::new(),
        rows_scanned,
        platform: None,
    })
}
