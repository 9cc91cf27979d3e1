//! The text query endpoints of OpenSearch (SQL, PPL) and Elasticsearch
//! (SQL, ES|QL): only one read statement each; the period bound as the
//! server's own parameters where it has them (Elasticsearch `params`:
//! positional `?` for SQL, named `?start` for ES|QL), and otherwise as
//! timestamp literals clause9 writes itself (OpenSearch SQL and PPL, which
//! take no parameters); one row with one number read from the answer.

use serde_json::{Value, json};

use crate::error::Failure;
use crate::{Window, value, window};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Language {
    OpenSearchSql,
    Ppl,
    EsSql,
    Esql,
}

impl Language {
    pub(super) fn path(self) -> &'static str {
        match self {
            Language::OpenSearchSql => "_plugins/_sql",
            Language::Ppl => "_plugins/_ppl",
            Language::EsSql => "_sql?format=json",
            Language::Esql => "_query?format=json",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Language::OpenSearchSql | Language::EsSql => "SQL",
            Language::Ppl => "PPL",
            Language::Esql => "ES|QL",
        }
    }

    /// The words a read statement of this language may start with.
    fn reads(self) -> &'static [&'static str] {
        match self {
            Language::OpenSearchSql | Language::EsSql => &["select", "with"],
            Language::Ppl => &["source", "search"],
            Language::Esql => &["from", "row", "ts"],
        }
    }

    /// The request body: the query with the period bound.
    pub(super) fn body(self, text: &str, w: &Window) -> Result<Value, Failure> {
        read_only(self, text)?;
        Ok(match self {
            Language::OpenSearchSql | Language::Ppl => {
                let (q, _) = window::substitute(text, &window::NAMES, |n| literal(w, n))?;
                json!({ "query": q })
            }
            Language::EsSql => {
                let (q, names) = window::substitute(text, &window::NAMES, |_| "?".into())?;
                let params: Vec<Value> = names
                    .iter()
                    .map(|n| window::value_of(w, n).into())
                    .collect();
                if params.is_empty() {
                    json!({ "query": q })
                } else {
                    json!({ "query": q, "params": params })
                }
            }
            Language::Esql => {
                let (q, mut names) = window::substitute(text, &window::NAMES, |n| format!("?{n}"))?;
                names.sort();
                names.dedup();
                let params: Vec<Value> = names
                    .iter()
                    .map(|n| json!({ n.as_str(): window::value_of(w, n) }))
                    .collect();
                if params.is_empty() {
                    json!({ "query": q })
                } else {
                    json!({ "query": q, "params": params })
                }
            }
        })
    }

    /// The one value of the answer and the number of rows it had.
    pub(super) fn read(self, json: &Value) -> Result<(Option<f64>, u64), Failure> {
        let (columns, rows) = match self {
            Language::OpenSearchSql | Language::Ppl => {
                if let Some(status) = json["status"].as_u64()
                    && status != 200
                {
                    return Err(Failure::Query(format!(
                        "the server refused the {} query (status {status})",
                        self.name()
                    )));
                }
                (&json["schema"], &json["datarows"])
            }
            Language::EsSql => (&json["columns"], &json["rows"]),
            Language::Esql => {
                if json["is_partial"] == Value::Bool(true) {
                    return Err(Failure::Result(
                        "the ES|QL answer is partial (some shards or clusters failed); collect again".into(),
                    ));
                }
                (&json["columns"], &json["values"])
            }
        };
        let columns = columns.as_array().map(Vec::len).unwrap_or(0);
        let rows = rows
            .as_array()
            .ok_or_else(|| Failure::Result("the answer holds no rows".into()))?;
        let v = value::single_json_value(columns, rows, "", false)?;
        Ok((v, rows.len() as u64))
    }
}

/// A timestamp literal the OpenSearch SQL and PPL engines read, in UTC.
fn literal(w: &Window, name: &str) -> String {
    match name {
        "start" | "end" => {
            let t = if name == "start" { w.start } else { w.end };
            format!("'{}'", t.strftime("%Y-%m-%d %H:%M:%S"))
        }
        _ => format!("'{}'", w.period),
    }
}

/// One statement that reads: refuses several statements and anything that
/// does not start as a read (DELETE, INSERT, CREATE…).
fn read_only(lang: Language, text: &str) -> Result<(), Failure> {
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '\'' | '"' | '`') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ';') if !text[i + 1..].trim().is_empty() => {
                return Err(Failure::Refused(format!(
                    "a {} query must be one statement",
                    lang.name()
                )));
            }
            _ => {}
        }
    }
    let first = text
        .split(|c: char| c.is_whitespace() || c == '=' || c == '(')
        .find(|w| !w.is_empty())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !lang.reads().contains(&first.as_str()) {
        return Err(Failure::Refused(format!(
            "only a read may run: a {} query starts with {}, not `{first}`",
            lang.name(),
            lang.reads()
                .iter()
                .map(|r| format!("`{}`", r.to_ascii_uppercase()))
                .collect::<Vec<_>>()
                .join(" or ")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_read_statement_runs() {
        assert!(read_only(Language::OpenSearchSql, "SELECT COUNT(*) FROM a").is_ok());
        assert!(read_only(Language::Ppl, "source=alerts | stats count()").is_ok());
        assert!(read_only(Language::Esql, "FROM logs | STATS n = COUNT(*)").is_ok());
        for (lang, bad) in [
            (Language::OpenSearchSql, "DELETE FROM alerts WHERE 1=1"),
            (Language::OpenSearchSql, "SELECT 1; DELETE FROM alerts"),
            (Language::EsSql, "DROP TABLE x"),
            (Language::Esql, "SET x = 1"),
        ] {
            assert!(
                matches!(read_only(lang, bad), Err(Failure::Refused(_))),
                "{bad}"
            );
        }
        assert!(read_only(Language::OpenSearchSql, "SELECT ';' FROM a;").is_ok());
    }
}
