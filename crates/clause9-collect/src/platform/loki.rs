//! Grafana Loki: a LogQL metric query as an instant query
//! (`GET /loki/api/v1/query`) evaluated at the period's end, with `$range`
//! the period's length, like Prometheus: `sum(count_over_time({job="sshd"}
//! |= "Failed password" [$range]))`. Loki answers in the Prometheus API's
//! shape, read by the same parser; the lines Loki processed are the rows
//! scanned. `org_id` is sent as `X-Scope-OrgID` for multi-tenant Loki.
//! Loki refuses ranges longer than its `max_query_length` (721 h by default).

use super::{Ask, Reading, auth, client, counts, refused};
use crate::error::Failure;
use crate::promapi;

pub(super) async fn run(ask: Ask<'_>) -> Result<Reading, Failure> {
    let (p, query, w, ctx) = (ask.platform, ask.query, ask.window, ask.ctx);
    let logql = promapi::with_range(query, w)?;
    let mut http = client(p, ctx, None, auth(p, ctx, "Bearer")?)?;
    if let Some(org) = p.scope.get("org_id") {
        http = http.with_header("x-scope-orgid", org)?;
    }
    let mut url = http.url("loki/api/v1/query")?;
    url.query_pairs_mut()
        .append_pair("query", &logql)
        .append_pair("time", &w.end.as_nanosecond().to_string());
    let answer = http.get(url).await?;
    if !answer.ok() && answer.status != 400 {
        return Err(refused(&answer, ""));
    }
    let json = answer.json("Loki").map_err(|_| {
        Failure::Query(format!(
            "Loki refused the query (HTTP {}): {}",
            answer.status,
            answer.excerpt()
        ))
    })?;
    let value = promapi::single_value(&json, "Loki")?;
    let lines = json["data"]["stats"]["summary"]["totalLinesProcessed"].as_u64();
    let mut counted = counts([]);
    if let Some(n) = lines {
        counted.insert("lines_processed".into(), n);
    }
    Ok(Reading {
        value: Some(value),
        counts: counted,
        rows_scanned: lines,
        requests: http.exchanges,
    })
}
