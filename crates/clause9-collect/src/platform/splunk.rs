//! Splunk: an SPL search through the REST export endpoint
//! (`POST /services/search/v2/jobs/export`, `output_mode=json`) with
//! `earliest_time` and `latest_time` set to the period's bounds (epoch
//! seconds; Splunk includes the earliest and excludes the latest). The
//! search must end with one result row of one field (`| stats count`); the
//! final (not preview) row is read. Error messages from Splunk fail the
//! value; signing in is with a token (`Authorization: Bearer`) or a user
//! name and password.

use serde_json::Value;

use super::{Ask, Reading, auth, client, counts, refused, spl};
use crate::error::Failure;
use crate::value;

pub(super) const EXPORT: &str = "services/search/v2/jobs/export";

pub(super) async fn run(ask: Ask<'_>) -> Result<Reading, Failure> {
    let (p, query, w, ctx) = (ask.platform, ask.query, ask.window, ask.ctx);
    let search = spl::checked(query)?;
    let mut http = client(p, ctx, None, auth(p, ctx, "Bearer")?)?;
    let url = http.url(EXPORT)?;
    let answer = http
        .post_form(
            url,
            &[
                ("search", search),
                ("earliest_time", w.start.as_second().to_string()),
                ("latest_time", w.end.as_second().to_string()),
                ("output_mode", "json".into()),
            ],
            false,
        )
        .await?;
    if !answer.ok() {
        return Err(refused(&answer, ""));
    }
    let rows = results(&answer.body)?;
    let value = one_value(&rows)?;
    Ok(Reading {
        value,
        counts: counts([("results", rows.len() as u64)]),
        rows_scanned: None,
        requests: http.exchanges,
    })
}

/// The final result rows of an export answer (one JSON object per line; a
/// single document with `results` is read too). Splunk's error messages
/// become the failure.
pub(super) fn results(body: &[u8]) -> Result<Vec<serde_json::Map<String, Value>>, Failure> {
    let text = String::from_utf8_lossy(body);
    let mut rows = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let doc: Value = serde_json::from_str(line).map_err(|_| {
            Failure::Connection(format!(
                "the answer is not Splunk's JSON results (`{}`); is the address Splunk's management port (8089)?",
                line.chars().take(120).collect::<String>()
            ))
        })?;
        for m in doc["messages"].as_array().into_iter().flatten() {
            let kind = m["type"].as_str().unwrap_or_default();
            if matches!(kind, "ERROR" | "FATAL") {
                return Err(Failure::Query(format!(
                    "Splunk refused the search: {}",
                    m["text"].as_str().unwrap_or("no reason given")
                )));
            }
        }
        if doc["preview"] == Value::Bool(true) {
            continue;
        }
        if let Some(r) = doc["result"].as_object() {
            rows.push(r.clone());
        }
        for r in doc["results"].as_array().into_iter().flatten() {
            if let Some(r) = r.as_object() {
                rows.push(r.clone());
            }
        }
    }
    Ok(rows)
}

/// The one field of the one row (fields starting with `_` are Splunk's own).
fn one_value(rows: &[serde_json::Map<String, Value>]) -> Result<Option<f64>, Failure> {
    let [row] = rows else {
        return Err(Failure::Result(format!(
            "the search must end with one result row (e.g. `| stats count`), it returned {}",
            rows.len()
        )));
    };
    let fields: Vec<(&String, &Value)> = row.iter().filter(|(k, _)| !k.starts_with('_')).collect();
    let [(name, v)] = fields.as_slice() else {
        let names: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
        return Err(Failure::Result(format!(
            "the search must return one field, it returned {} ({})",
            names.len(),
            names.join(", ")
        )));
    };
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .map_err(|_| Failure::Result(format!("field `{name}` is `{s}`, not a number")))
            .and_then(value::finite)
            .map(Some),
        Value::Number(n) => value::finite(n.as_f64().unwrap_or(f64::NAN)).map(Some),
        other => Err(Failure::Result(format!(
            "field `{name}` is {other}, not a number"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_final_row_is_read_and_errors_fail() {
        let body = b"{\"preview\":true,\"offset\":0,\"result\":{\"count\":\"3\"}}\n{\"preview\":false,\"offset\":0,\"lastrow\":true,\"result\":{\"count\":\"42\"}}\n";
        let rows = results(body).unwrap();
        assert_eq!(one_value(&rows).unwrap(), Some(42.0));
        let oneshot = br#"{"preview":false,"init_offset":0,"messages":[],"fields":[{"name":"count"}],"results":[{"count":"7"}]}"#;
        assert_eq!(one_value(&results(oneshot).unwrap()).unwrap(), Some(7.0));
        let error = br#"{"messages":[{"type":"FATAL","text":"Unknown search command 'stat'."}]}"#;
        assert!(results(error).is_err());
        let two = b"{\"preview\":false,\"result\":{\"host\":\"a\",\"count\":\"1\"}}";
        assert!(one_value(&results(two).unwrap()).is_err());
    }
}
