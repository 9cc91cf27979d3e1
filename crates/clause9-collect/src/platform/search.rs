//! OpenSearch (and the Wazuh indexer) and Elasticsearch. A query is written
//! like a request in the Dev Tools console: a first line `GET PATH` or
//! `POST PATH` and the body after it. Only reads are accepted:
//! `INDEX/_count` and `INDEX/_search` with a JSON body whose strings
//! `"$start"`, `"$end"` and `"$period"` are bound to the period; and the text
//! endpoints — OpenSearch `_plugins/_sql` and `_plugins/_ppl`, Elasticsearch
//! `_sql` and `_query` (ES|QL) — whose body is the query text itself.
//!
//! `_count` gives `count`. `_search` runs with `size: 0` and exact hit
//! counting; without aggregations its value is the number of hits, with one
//! top-level aggregation it is that aggregation's `value` (a single-value
//! metric), its `doc_count` (a single-bucket aggregation) or its number of
//! buckets (refused when documents were left out beyond its `size`).
//! Partial answers (failed shards, time-outs) are refused, never counted.

use clause9_core::programme::PlatformKind;
use serde_json::{Map, Value};

use super::{Ask, Reading, auth, client, counts, refused, search_text};
use crate::error::Failure;
use crate::{Window, value, window};

/// What a query asks for.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Endpoint {
    Count(String),
    Search(String),
    /// OpenSearch SQL, PPL; Elasticsearch SQL, ES|QL.
    Text(search_text::Language),
}

/// A parsed request: where it goes and its body text.
#[derive(Debug, PartialEq)]
pub(super) struct Request {
    pub endpoint: Endpoint,
    pub body: String,
}

pub(super) async fn run(ask: Ask<'_>) -> Result<Reading, Failure> {
    let (p, query, w, ctx) = (ask.platform, ask.query, ask.window, ask.ctx);
    let request = parse(p.kind, query)?;
    let mut http = client(p, ctx, None, auth(p, ctx, "Bearer")?)?;
    let (path, body) = match &request.endpoint {
        Endpoint::Count(index) => (format!("{index}/_count"), count_body(&request.body, w)?),
        Endpoint::Search(index) => (format!("{index}/_search"), search_body(&request.body, w)?),
        Endpoint::Text(lang) => (lang.path().to_string(), lang.body(&request.body, w)?),
    };
    let answer = http.post_json(http.url(&path)?, &body).await?;
    let json = answer.json(p.kind.as_str())?;
    if !answer.ok() {
        return Err(match error_reason(&json) {
            Some(reason) if answer.status == 400 => {
                Failure::Query(format!("the server refused the query: {reason}"))
            }
            _ => refused(&answer, ""),
        });
    }
    let (value, counted, rows) = match &request.endpoint {
        Endpoint::Count(_) => {
            complete(&json)?;
            let n = json["count"].as_u64().ok_or_else(|| {
                Failure::Result(format!("the answer has no `count`: {}", answer.excerpt()))
            })?;
            (Some(n as f64), counts([("count", n)]), Some(n))
        }
        Endpoint::Search(_) => read_search(&json)?,
        Endpoint::Text(lang) => {
            let (v, rows) = lang.read(&json)?;
            (v, counts([("rows", rows)]), None)
        }
    };
    Ok(Reading {
        value,
        counts: counted,
        rows_scanned: rows,
        requests: http.exchanges,
    })
}

/// Splits a query into its request line and body, and checks the path.
pub(super) fn parse(kind: PlatformKind, query: &str) -> Result<Request, Failure> {
    let text = query.trim_start();
    let (line, body) = text.split_once('\n').unwrap_or((text, ""));
    let mut words = line.split_whitespace();
    let (Some(method), Some(path), None) = (words.next(), words.next(), words.next()) else {
        return Err(Failure::Refused(
            "the query must start with a request line such as `GET wazuh-alerts-*/_count`, then the body".into(),
        ));
    };
    if !matches!(method.to_ascii_uppercase().as_str(), "GET" | "POST") {
        return Err(Failure::Refused(format!(
            "`{method}`: only reads are allowed (GET or POST to _count, _search or a query endpoint)"
        )));
    }
    let path = path.trim_start_matches('/');
    if path.contains(['?', '#']) {
        return Err(Failure::Refused(
            "the path must not carry URL parameters; clause9 sets the ones it needs".into(),
        ));
    }
    let segments: Vec<&str> = path.split('/').collect();
    let endpoint = match (kind, segments.as_slice()) {
        (_, [index, "_count"]) => Endpoint::Count(index_name(index)?),
        (_, ["_count"]) => Endpoint::Count("_all".into()),
        (_, [index, "_search"]) => Endpoint::Search(index_name(index)?),
        (_, ["_search"]) => Endpoint::Search("_all".into()),
        (PlatformKind::OpenSearch, ["_plugins", "_sql"]) => {
            Endpoint::Text(search_text::Language::OpenSearchSql)
        }
        (PlatformKind::OpenSearch, ["_plugins", "_ppl"]) => {
            Endpoint::Text(search_text::Language::Ppl)
        }
        (PlatformKind::Elasticsearch, ["_sql"]) => Endpoint::Text(search_text::Language::EsSql),
        (PlatformKind::Elasticsearch, ["_query"]) => Endpoint::Text(search_text::Language::Esql),
        _ => {
            let text = match kind {
                PlatformKind::OpenSearch => "`_plugins/_sql` or `_plugins/_ppl`",
                _ => "`_sql` or `_query` (ES|QL)",
            };
            return Err(Failure::Refused(format!(
                "`{path}` is not a read clause9 runs: use `INDEX/_count`, `INDEX/_search`, or {text}"
            )));
        }
    };
    Ok(Request {
        endpoint,
        body: body.trim().to_string(),
    })
}

/// An index name or pattern (`wazuh-alerts-4.x-*`, `a,b`, `remote:logs-*`).
fn index_name(index: &str) -> Result<String, Failure> {
    let bad = index.is_empty()
        || index.starts_with('_')
        || index
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '\\' | '<' | '>' | '|'));
    if bad {
        return Err(Failure::Refused(format!(
            "`{index}` is not an index name or pattern"
        )));
    }
    Ok(index.to_string())
}

/// The JSON body, bound to the period; an empty body is `{}`.
fn bound_body(text: &str, w: &Window) -> Result<Map<String, Value>, Failure> {
    if text.is_empty() {
        return Ok(Map::new());
    }
    let mut body: Value = serde_json::from_str(text)
        .map_err(|e| Failure::Refused(format!("the request body is not JSON: {e}")))?;
    let used = window::bind_json(&mut body, w)?;
    if !(used.iter().any(|u| u == "start") && used.iter().any(|u| u == "end")) {
        return Err(Failure::Refused(
            "the body must limit the documents to the period: use \"$start\" and \"$end\" in a range, e.g. {\"range\": {\"timestamp\": {\"gte\": \"$start\", \"lt\": \"$end\"}}}".into(),
        ));
    }
    match body {
        Value::Object(map) => Ok(map),
        _ => Err(Failure::Refused(
            "the request body must be a JSON object".into(),
        )),
    }
}

fn count_body(text: &str, w: &Window) -> Result<Value, Failure> {
    let body = bound_body(text, w)?;
    if let Some(key) = body.keys().find(|k| *k != "query") {
        return Err(Failure::Refused(format!(
            "a _count body holds only `query`, not `{key}`"
        )));
    }
    Ok(Value::Object(body))
}

fn search_body(text: &str, w: &Window) -> Result<Value, Failure> {
    let mut body = bound_body(text, w)?;
    match body.get("size") {
        None => {
            body.insert("size".into(), Value::from(0));
        }
        Some(v) if v.as_u64() == Some(0) => {}
        Some(v) => {
            return Err(Failure::Refused(format!(
                "a _search must have \"size\": 0 (documents are counted, not read), not {v}"
            )));
        }
    }
    match body.get("track_total_hits") {
        None => {
            body.insert("track_total_hits".into(), Value::Bool(true));
        }
        Some(Value::Bool(true)) => {}
        Some(v) => {
            return Err(Failure::Refused(format!(
                "\"track_total_hits\" must be true (an exact count), not {v}"
            )));
        }
    }
    for key in [
        "scroll",
        "pit",
        "search_after",
        "from",
        "_source",
        "stored_fields",
    ] {
        if body.contains_key(key) {
            return Err(Failure::Refused(format!(
                "`{key}` reads documents; a count needs none"
            )));
        }
    }
    Ok(Value::Object(body))
}

/// Refuses an answer computed on only some shards, or cut short.
fn complete(json: &Value) -> Result<(), Failure> {
    if json["timed_out"] == Value::Bool(true) {
        return Err(Failure::Result(
            "the search timed out on the server, so its count is partial; raise the server's time limit or narrow the query".into(),
        ));
    }
    let failed = json["_shards"]["failed"].as_u64().unwrap_or(0);
    if failed > 0 {
        let total = json["_shards"]["total"].as_u64().unwrap_or(0);
        return Err(Failure::Result(format!(
            "{failed} of {total} shards failed, so the count is partial; collect again when the cluster is healthy"
        )));
    }
    Ok(())
}

type Read = (
    Option<f64>,
    std::collections::BTreeMap<String, u64>,
    Option<u64>,
);

fn read_search(json: &Value) -> Result<Read, Failure> {
    complete(json)?;
    let total = &json["hits"]["total"];
    let (hits, relation) = match total {
        Value::Number(n) => (n.as_u64(), "eq"),
        _ => (
            total["value"].as_u64(),
            total["relation"].as_str().unwrap_or("eq"),
        ),
    };
    let hits = hits.ok_or_else(|| Failure::Result("the answer has no hit count".into()))?;
    if relation != "eq" {
        return Err(Failure::Result(format!(
            "the server counted at least {hits} hits but not exactly; clause9 asks for exact counts (track_total_hits)"
        )));
    }
    let Some(aggs) = json.get("aggregations").and_then(Value::as_object) else {
        return Ok((Some(hits as f64), counts([("hits", hits)]), Some(hits)));
    };
    let (name, agg) = match aggs.iter().collect::<Vec<_>>().as_slice() {
        [one] => *one,
        many => {
            let names: Vec<&str> = many.iter().map(|(k, _)| k.as_str()).collect();
            return Err(Failure::Result(format!(
                "the search has {} top-level aggregations ({}); a base measure reads one",
                names.len(),
                names.join(", ")
            )));
        }
    };
    let (value, mut counted) = aggregation_value(name, agg)?;
    counted.insert("hits".into(), hits);
    Ok((value, counted, Some(hits)))
}

/// The number an aggregation's answer stands for.
fn aggregation_value(
    name: &str,
    agg: &Value,
) -> Result<(Option<f64>, std::collections::BTreeMap<String, u64>), Failure> {
    if let Some(v) = agg.get("value") {
        return match v {
            Value::Null => Ok((None, counts([]))),
            Value::Number(n) => {
                let f = n
                    .as_f64()
                    .ok_or_else(|| Failure::Result(format!("cannot read {n}")))?;
                Ok((Some(value::finite(f)?), counts([])))
            }
            other => Err(Failure::Result(format!(
                "aggregation `{name}` has the value {other}, not a number"
            ))),
        };
    }
    if let Some(buckets) = agg.get("buckets") {
        let n = match buckets {
            Value::Array(b) => b.len(),
            Value::Object(b) => b.len(),
            _ => {
                return Err(Failure::Result(format!(
                    "aggregation `{name}`: unreadable buckets"
                )));
            }
        } as u64;
        let other = agg["sum_other_doc_count"].as_u64().unwrap_or(0);
        if other > 0 {
            return Err(Failure::Result(format!(
                "aggregation `{name}` left out {other} documents beyond its `size`, so its {n} buckets are not all of them: raise `size`, or count distinct values with `cardinality`"
            )));
        }
        return Ok((Some(n as f64), counts([("buckets", n)])));
    }
    if let Some(n) = agg.get("doc_count").and_then(Value::as_u64) {
        return Ok((Some(n as f64), counts([("doc_count", n)])));
    }
    Err(Failure::Result(format!(
        "cannot read a number from aggregation `{name}`: use a single-value metric (value_count, sum, avg, min, max, cardinality), a single-bucket aggregation (filter) or a bucket aggregation (terms) whose buckets are counted"
    )))
}

/// The reason in an OpenSearch or Elasticsearch error answer.
pub(super) fn error_reason(json: &Value) -> Option<String> {
    let e = &json["error"];
    let root = &e["root_cause"][0];
    let pick = |v: &Value| {
        v["reason"]
            .as_str()
            .or_else(|| v["details"].as_str())
            .map(str::to_string)
    };
    pick(root)
        .or_else(|| pick(e))
        .or_else(|| e.as_str().map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_reads_are_parsed() {
        let os = PlatformKind::OpenSearch;
        let r = parse(os, "GET wazuh-alerts-*/_count\n{\"query\": {}}").unwrap();
        assert_eq!(r.endpoint, Endpoint::Count("wazuh-alerts-*".into()));
        assert_eq!(r.body, "{\"query\": {}}");
        assert!(matches!(
            parse(os, "POST /logs/_search").unwrap().endpoint,
            Endpoint::Search(_)
        ));
        assert!(parse(os, "POST _plugins/_sql\nSELECT 1").is_ok());
        assert!(parse(PlatformKind::Elasticsearch, "POST _plugins/_sql\nSELECT 1").is_err());
        assert!(parse(PlatformKind::Elasticsearch, "POST _query\nFROM x").is_ok());
        for bad in [
            "DELETE logs",
            "POST logs/_delete_by_query\n{}",
            "PUT logs/_doc/1\n{}",
            "POST logs/_update_by_query",
            "POST _bulk",
            "GET logs/_search?scroll=1m",
            "POST _security/user/x",
            "GET _cat/indices",
            "GET /_all/_doc/1",
            "{\"query\": {}}",
        ] {
            assert!(matches!(parse(os, bad), Err(Failure::Refused(_))), "{bad}");
        }
    }

    #[test]
    fn aggregations_give_one_number() {
        let metric = serde_json::json!({"value": 2.0});
        assert_eq!(aggregation_value("a", &metric).unwrap().0, Some(2.0));
        let empty = serde_json::json!({"value": null});
        assert_eq!(aggregation_value("a", &empty).unwrap().0, None);
        let filter = serde_json::json!({"doc_count": 7});
        assert_eq!(aggregation_value("a", &filter).unwrap().0, Some(7.0));
        let terms =
            serde_json::json!({"buckets": [{"key": "a"}, {"key": "b"}], "sum_other_doc_count": 0});
        assert_eq!(aggregation_value("a", &terms).unwrap().0, Some(2.0));
        let cut = serde_json::json!({"buckets": [{"key": "a"}], "sum_other_doc_count": 4});
        assert!(aggregation_value("a", &cut).is_err());
    }
}
