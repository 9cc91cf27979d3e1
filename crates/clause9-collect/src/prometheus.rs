//! `prometheus` sources: a PromQL query evaluated at the period's end through
//! the HTTP API (`/api/v1/query`). `$range` is the period's length as a
//! duration (`2678400s` for a 31-day month); the single sample is the value,
//! and the samples the query read (Prometheus' query statistics) are its
//! rows scanned.

use std::time::Duration;

use serde_json::Value;

use crate::error::Failure;
use crate::{SourceOutput, Window, params, value};

/// The period's length as a PromQL duration in seconds.
pub fn range(w: &Window) -> String {
    format!("{}s", w.end.as_second() - w.start.as_second())
}

pub async fn run(
    url: &str,
    query: &str,
    window: &Window,
    timeout: Duration,
) -> Result<SourceOutput, Failure> {
    let occ = params::scan(query);
    params::check(&occ, &["range"])?;
    let mut promql = String::new();
    let mut last = 0;
    for o in &occ {
        promql.push_str(&query[last..o.start]);
        promql.push_str(&range(window));
        last = o.end;
    }
    promql.push_str(&query[last..]);
    let endpoint = format!("{}/api/v1/query", url.trim_end_matches('/'));
    let time = window.end.as_second().to_string();
    let (status, body) = tokio::task::spawn_blocking(move || -> Result<(u16, String), Failure> {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .build()
            .new_agent();
        let mut resp = agent
            .post(&endpoint)
            .send_form([
                ("query", promql.as_str()),
                ("time", time.as_str()),
                ("stats", "all"),
            ])
            .map_err(|e| match e {
                ureq::Error::Timeout(_) => Failure::Timeout {
                    seconds: timeout.as_secs(),
                },
                other => Failure::Connection(format!("{endpoint}: {other}")),
            })?;
        let status = resp.status().as_u16();
        let body = resp
            .body_mut()
            .read_to_string()
            .map_err(|e| Failure::Connection(format!("{endpoint}: {e}")))?;
        Ok((status, body))
    })
    .await
    .map_err(|e| Failure::Connection(e.to_string()))??;
    let json: Value = serde_json::from_str(&body).map_err(|_| {
        Failure::Connection(format!("the server answered HTTP {status} without a Prometheus API response; is `url` a Prometheus server?"))
    })?;
    if json["status"] != "success" {
        return Err(Failure::Query(format!(
            "Prometheus refused the query ({}): {}",
            json["errorType"].as_str().unwrap_or("error"),
            json["error"].as_str().unwrap_or("no reason given")
        )));
    }
    let data = &json["data"];
    let sample = match data["resultType"].as_str() {
        Some("scalar") => &data["result"],
        Some("vector") => {
            let series = data["result"].as_array().cloned().unwrap_or_default();
            match series.len() {
                1 => &data["result"][0]["value"],
                0 => return Err(Failure::Result("the query returned no series at the period's end; check the metric name and labels".into())),
                n => {
                    let shown: Vec<String> = series.iter().take(3).map(|s| s["metric"].to_string()).collect();
                    return Err(Failure::Result(format!(
                        "the query returned {n} series ({}{}); aggregate them to one, e.g. sum(...)",
                        shown.join(", "),
                        if n > 3 { ", …" } else { "" }
                    )));
                }
            }
        }
        other => {
            return Err(Failure::Result(format!(
                "the query must give an instant vector or a scalar, not {}",
                other.unwrap_or("nothing")
            )));
        }
    };
    let text = sample[1]
        .as_str()
        .ok_or_else(|| Failure::Result("the answer holds no sample value".into()))?;
    let v: f64 = text
        .parse()
        .map_err(|_| Failure::Result(format!("`{text}` is not a number")))?;
    // The samples the query touched, which Prometheus reports when asked
    // for statistics (`stats=all`); servers too old to report it give none.
    let rows_scanned = data["stats"]["samples"]["totalQueryableSamples"].as_u64();
    Ok(SourceOutput {
        value: Some(value::finite(v)?),
        files: Vec::new(),
        rows_scanned,
    })
}
