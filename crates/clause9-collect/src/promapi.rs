//! Answers in the Prometheus HTTP API's shape (`status`, `data.resultType`,
//! `data.result`), which Prometheus and Grafana Loki both give: the one
//! sample of an instant query, or an error that says what came back.

use serde_json::Value;

use crate::error::Failure;
use crate::value;

/// The single number of an instant query's answer (a scalar, or a vector
/// of exactly one series). `server` names the server in messages.
pub(crate) fn single_value(json: &Value, server: &str) -> Result<f64, Failure> {
    if json["status"] != "success" {
        return Err(Failure::Query(format!(
            "{server} refused the query ({}): {}",
            json["errorType"].as_str().unwrap_or("error"),
            json["error"].as_str().unwrap_or("no reason given")
        )));
    }
    let data = &json["data"];
    let sample = match data["resultType"].as_str() {
        Some("scalar") => &data["result"],
        Some("vector") => {
            let series = data["result"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            match series.len() {
                1 => &series[0]["value"],
                0 => return Err(Failure::Result("the query returned no series at the period's end; check the metric or stream selector and labels".into())),
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
        Some("streams") => {
            return Err(Failure::Result(
                "the query returned log lines, not a number: use a metric query such as sum(count_over_time({job=\"x\"}[$range]))".into(),
            ));
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
    value::finite(v)
}

/// Binds `$range` (the period's length) into PromQL or LogQL; any other
/// `$name` is refused.
pub(crate) fn with_range(query: &str, w: &crate::Window) -> Result<String, Failure> {
    let range = crate::window::range(w);
    crate::window::substitute(query, &["range"], |_| range.clone()).map(|(q, _)| q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_series_or_a_scalar_gives_the_value() {
        let one: Value = serde_json::from_str(
            r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"42"]}]}}"#,
        )
        .unwrap();
        assert_eq!(single_value(&one, "Loki").unwrap(), 42.0);
        let scalar: Value = serde_json::from_str(
            r#"{"status":"success","data":{"resultType":"scalar","result":[1700000000,"2.5"]}}"#,
        )
        .unwrap();
        assert_eq!(single_value(&scalar, "Prometheus").unwrap(), 2.5);
        for bad in [
            r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#,
            r#"{"status":"success","data":{"resultType":"streams","result":[]}}"#,
            r#"{"status":"error","errorType":"bad_data","error":"parse error"}"#,
            r#"{"status":"success","data":{"resultType":"scalar","result":[1,"NaN"]}}"#,
        ] {
            let v: Value = serde_json::from_str(bad).unwrap();
            assert!(single_value(&v, "Loki").is_err(), "{bad}");
        }
    }
}
