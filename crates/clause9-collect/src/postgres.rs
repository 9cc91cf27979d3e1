//! `postgres` sources: the query runs in the source database inside a
//! read-only transaction with a statement timeout. The connection string comes
//! only from the environment variable the source names; `$start`, `$end` and
//! `$period` are bound as parameters (`$1::timestamptz` …), never pasted.

use std::time::Duration;

use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection, Row, SqlSafeStr};

use crate::error::Failure;
use crate::{SourceOutput, Window, params, value};

pub(crate) async fn run(
    url_env: &str,
    query: &str,
    window: &Window,
    timeout: Duration,
) -> Result<SourceOutput, Failure> {
    let url = std::env::var(url_env)
        .ok()
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| Failure::MissingEnv(url_env.to_string()))?;
    let body = query.trim().trim_end_matches(';').trim_end();
    let (sql, names) = params::positional(body)?;
    let sql = typed(&sql, &names);
    let mut conn = PgConnection::connect(&url).await.map_err(|e| {
        Failure::Connection(format!("{e} (check the connection string in `{url_env}`)"))
    })?;
    let result = read_only(&mut conn, &sql, &names, window, timeout).await;
    let _ = conn.close().await;
    result
}

async fn read_only(
    conn: &mut PgConnection,
    sql: &str,
    names: &[String],
    window: &Window,
    timeout: Duration,
) -> Result<SourceOutput, Failure> {
    let q = |e: sqlx::Error| Failure::Query(e.to_string());
    let mut tx = conn.begin().await.map_err(q)?;
    tx.execute("SET TRANSACTION READ ONLY").await.map_err(q)?;
    let ms = timeout.as_millis().max(1);
    // The timeout is our own integer; the user's SQL below runs as given
    // (that is the feature) with every value bound as a parameter.
    tx.execute(AssertSqlSafe(format!("SET LOCAL statement_timeout = {ms}")))
        .await
        .map_err(q)?;
    let statement = (&mut *tx)
        .prepare(AssertSqlSafe(sql.to_string()).into_sql_str())
        .await
        .map_err(q)?;
    let columns = sqlx::Statement::columns(&statement).len();
    if columns != 1 {
        return Err(Failure::Result(format!(
            "the query must return one column, it returned {columns}"
        )));
    }
    let wrapped = format!("SELECT row_to_json(q)::text FROM ({sql}\n) AS q LIMIT 2");
    let mut query = sqlx::query(AssertSqlSafe(wrapped));
    for name in names {
        query = query.bind(match name.as_str() {
            "start" => window.start.to_string(),
            "end" => window.end.to_string(),
            _ => window.period.to_string(),
        });
    }
    let rows = query.fetch_all(&mut *tx).await.map_err(|e| {
        let text = e.to_string();
        if text.contains("statement timeout") {
            Failure::Timeout {
                seconds: timeout.as_secs(),
            }
        } else {
            Failure::Query(text)
        }
    })?;
    // Rows this transaction read from user tables, as PostgreSQL counts them
    // (sequential reads plus index fetches; reads by parallel workers are
    // counted in their own transactions and may be missing).
    let rows_scanned: Option<i64> = sqlx::query_scalar(
        "SELECT COALESCE(sum(seq_tup_read + COALESCE(idx_tup_fetch, 0)), 0)::bigint \
         FROM pg_stat_xact_user_tables",
    )
    .fetch_one(&mut *tx)
    .await
    .ok();
    let rows_scanned = rows_scanned.and_then(|n| u64::try_from(n).ok());
    let _ = tx.rollback().await;
    if rows.len() != 1 {
        let n = if rows.len() > 1 {
            "more than one".to_string()
        } else {
            "0".to_string()
        };
        return Err(Failure::Result(format!(
            "the query must return one row, it returned {n}"
        )));
    }
    let text: String = rows[0].try_get(0).map_err(q)?;
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&text).map_err(|e| Failure::Result(e.to_string()))?;
    let v = object
        .values()
        .next()
        .cloned()
        .unwrap_or(serde_json::Value::Null);
    match v {
        serde_json::Value::Null => Ok(SourceOutput {
            value: None,
            files: Vec::new(),
            rows_scanned,
            platform: None,
        }),
        serde_json::Value::Number(n) => {
            let f = n
                .as_f64()
                .ok_or_else(|| Failure::Result(format!("cannot read {n} as a number")))?;
            Ok(SourceOutput {
                value: Some(value::finite(f)?),
                files: Vec::new(),
                rows_scanned,
                platform: None,
            })
        }
        other => Err(Failure::Result(format!(
            "the query must return a number, it returned {other}"
        ))),
    }
}

/// `$1` → `$1::timestamptz` for `$start`/`$end`, `$n::text` for `$period`.
fn typed(sql: &str, names: &[String]) -> String {
    let occ = params::scan(sql);
    let mut out = String::with_capacity(sql.len() + 16 * occ.len());
    let mut last = 0;
    for o in &occ {
        out.push_str(&sql[last..o.end]);
        let cast = match o.name.parse::<usize>().ok().and_then(|i| names.get(i - 1)) {
            Some(n) if n == "period" => "::text",
            _ => "::timestamptz",
        };
        out.push_str(cast);
        last = o.end;
    }
    out.push_str(&sql[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_typed_placeholders() {
        let (sql, names) = params::positional(
            "SELECT count(*) FROM t WHERE a >= $start AND p = $period AND a < $end",
        )
        .unwrap();
        assert_eq!(
            typed(&sql, &names),
            "SELECT count(*) FROM t WHERE a >= $1::timestamptz AND p = $2::text AND a < $3::timestamptz"
        );
    }
}
