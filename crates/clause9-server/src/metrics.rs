//! `GET /metrics` in the Prometheus text format: each indicator's value and
//! status for the current month, the server's request counts and
//! durations, and what its scheduled collection did.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use clause9_core::evaluation::Status;

use crate::api::evaluations::{current_month, evaluate};
use crate::api::programme_or_503;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::state::AppState;

/// Upper bounds of the request duration histogram, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Request counts by (method, route, status) and durations by (method, route).
#[derive(Default)]
pub struct RequestMetrics {
    totals: Mutex<BTreeMap<(String, String, u16), u64>>,
    durations: Mutex<BTreeMap<(String, String), Series>>,
}

impl RequestMetrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut totals) = self.totals.lock() {
            *totals
                .entry((method.to_string(), route.to_string(), status))
                .or_default() += 1;
        }
        if let Ok(mut durations) = self.durations.lock() {
            let s = durations
                .entry((method.to_string(), route.to_string()))
                .or_default();
            s.count += 1;
            s.sum += seconds;
            for (i, le) in BUCKETS.iter().enumerate() {
                if seconds <= *le {
                    s.buckets[i] += 1;
                }
            }
        }
    }

    fn render(&self, out: &mut String) {
        out.push_str("# HELP clause9_http_requests_total HTTP requests handled, by method, route and status.\n");
        out.push_str("# TYPE clause9_http_requests_total counter\n");
        if let Ok(totals) = self.totals.lock() {
            for ((method, route, status), n) in totals.iter() {
                let _ = writeln!(
                    out,
                    "clause9_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                    escape(method),
                    escape(route)
                );
            }
        }
        out.push_str(
            "# HELP clause9_http_request_duration_seconds Time to answer HTTP requests.\n",
        );
        out.push_str("# TYPE clause9_http_request_duration_seconds histogram\n");
        if let Ok(durations) = self.durations.lock() {
            for ((method, route), s) in durations.iter() {
                let labels = format!("method=\"{}\",route=\"{}\"", escape(method), escape(route));
                for (i, le) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "clause9_http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {}",
                        s.buckets[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "clause9_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                    s.count
                );
                let _ = writeln!(
                    out,
                    "clause9_http_request_duration_seconds_sum{{{labels}}} {}",
                    s.sum
                );
                let _ = writeln!(
                    out,
                    "clause9_http_request_duration_seconds_count{{{labels}}} {}",
                    s.count
                );
            }
        }
    }
}

/// A label value with `\`, `"` and newlines escaped.
pub fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The status as a number: 0 green, 1 amber, 2 red, 3 no data.
pub fn status_number(status: Status) -> u8 {
    match status {
        Status::Green => 0,
        Status::Amber => 1,
        Status::Red => 2,
        Status::NoData => 3,
    }
}

/// Indicators and request metrics, Prometheus text format 0.0.4.
#[utoipa::path(get, path = "/metrics", tag = "system",
    responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain"),
        (status = 401, body = crate::error::ErrorBody)))]
pub async fn metrics(
    State(state): State<AppState>,
    _caller: Caller,
) -> ApiResult<impl IntoResponse> {
    let programme = programme_or_503(&state)?;
    let period = current_month(&programme, &state);
    let evaluation = evaluate(&state, &programme, period).await?;
    let mut out = String::new();
    out.push_str("# HELP clause9_indicator_value The indicator's value for the current month (absent without data).\n");
    out.push_str("# TYPE clause9_indicator_value gauge\n");
    let mut statuses = String::new();
    statuses.push_str("# HELP clause9_indicator_status The indicator's status for the current month: 0 green, 1 amber, 2 red, 3 no data.\n");
    statuses.push_str("# TYPE clause9_indicator_status gauge\n");
    for m in &evaluation.measures {
        let objectives = programme
            .measure(&m.id)
            .map(|d| d.objectives.clone())
            .unwrap_or_default();
        let objectives = if objectives.is_empty() {
            vec![String::new()]
        } else {
            objectives
        };
        for objective in objectives {
            let labels = format!(
                "measure=\"{}\",kind=\"{}\",objective=\"{}\"",
                escape(&m.id),
                m.kind.as_str(),
                escape(&objective)
            );
            if let Some(v) = m.value.filter(|v| v.is_finite()) {
                let _ = writeln!(out, "clause9_indicator_value{{{labels}}} {v}");
            }
            let _ = writeln!(
                statuses,
                "clause9_indicator_status{{{labels}}} {}",
                status_number(m.status)
            );
        }
    }
    out.push_str(&statuses);
    state.metrics.render(&mut out);
    state.collection.render(&mut out);
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    ))
}
