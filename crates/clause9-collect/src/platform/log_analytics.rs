//! Microsoft Sentinel / Azure Log Analytics: a KQL query through the Logs
//! query API (`POST {url}/v1/workspaces/{workspace}/query`) with `timespan`
//! set to the period (`start/end`, ISO 8601), signed in with a token fetched
//! by the client-credentials grant (`POST {login_url}/{tenant}/oauth2/v2.0/token`,
//! scope `https://api.loganalytics.io/.default`) and reused while it lasts.
//! `$start` and `$end` in the KQL become `datetime(…)` literals. Management
//! commands (starting with `.`) are refused; an answer that carries an
//! `error` beside its tables (a partial result) fails the value.

use std::time::{Duration, Instant};

use clause9_core::programme::Platform;
use serde_json::{Value, json};

use super::{Ask, Context, Reading, client, counts, refused, setting};
use crate::error::Failure;
use crate::http::{Auth, Http};
use crate::{Window, value, window};

pub(super) const DEFAULT_URL: &str = "https://api.loganalytics.azure.com";
pub(super) const DEFAULT_LOGIN_URL: &str = "https://login.microsoftonline.com";
pub(super) const SCOPE: &str = "https://api.loganalytics.io/.default";

pub(super) async fn run(ask: Ask<'_>) -> Result<Reading, Failure> {
    let (p, query, w, ctx) = (ask.platform, ask.query, ask.window, ask.ctx);
    let kql = kql(query, w)?;
    let workspace = setting(p, ctx, "workspace", "workspace id")?;
    if workspace.is_empty()
        || !workspace
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(Failure::Refused(
            "the workspace id must be the workspace's GUID".into(),
        ));
    }
    let mut requests = Vec::new();
    let token = token(p, ctx, &mut requests).await?;
    let mut http = client(
        p,
        ctx,
        Some(DEFAULT_URL),
        Auth::Scheme {
            scheme: "Bearer",
            secret: token,
        },
    )?;
    let url = http.url(&format!("v1/workspaces/{workspace}/query"))?;
    let timespan = format!(
        "{}/{}",
        window::value_of(w, "start"),
        window::value_of(w, "end")
    );
    let answer = http
        .post_json(url, &json!({ "query": kql, "timespan": timespan }))
        .await?;
    requests.append(&mut http.exchanges);
    let json = answer.json("Log Analytics")?;
    if !answer.ok() {
        let reason = json["error"]["message"].as_str().unwrap_or_default();
        return Err(if answer.status == 400 && !reason.is_empty() {
            Failure::Query(format!("the query was refused: {reason}"))
        } else {
            refused(&answer, "")
        });
    }
    if let Some(e) = json.get("error").filter(|e| !e.is_null()) {
        return Err(Failure::Result(format!(
            "the answer is partial ({}): {}",
            e["code"].as_str().unwrap_or("error"),
            e["message"].as_str().unwrap_or("no reason given")
        )));
    }
    let (value, rows) = read(&json)?;
    Ok(Reading {
        value,
        counts: counts([("rows", rows)]),
        rows_scanned: None,
        requests,
    })
}

/// The KQL as sent: management commands refused, `$start`/`$end` bound.
fn kql(query: &str, w: &Window) -> Result<String, Failure> {
    for statement in query.split(';') {
        if statement.trim_start().starts_with('.') {
            return Err(Failure::Refused(
                "management commands (starting with `.`) are not queries; only a query may run"
                    .into(),
            ));
        }
    }
    let (text, _) = window::substitute(query, &window::NAMES, |n| match n {
        "period" => format!("\"{}\"", w.period),
        _ => format!("datetime({})", window::value_of(w, n)),
    })?;
    Ok(text)
}

/// The first table's one row and one column.
fn read(json: &Value) -> Result<(Option<f64>, u64), Failure> {
    let table = &json["tables"][0];
    let columns = table["columns"].as_array().map(Vec::len).unwrap_or(0);
    let rows = table["rows"]
        .as_array()
        .ok_or_else(|| Failure::Result("the answer holds no table".into()))?;
    let v = value::single_json_value(
        columns,
        rows,
        "; end it with e.g. `| count` or `| summarize n = count()`",
        true, // decimal columns come as text
    )?;
    Ok((v, rows.len() as u64))
}

/// An access token for the Logs API, fetched once and reused until a minute
/// before it expires.
async fn token(
    p: &Platform,
    ctx: &Context<'_>,
    requests: &mut Vec<crate::http::Exchange>,
) -> Result<String, Failure> {
    let tenant = setting(p, ctx, "tenant", "tenant (directory) id")?;
    let client_id = setting(p, ctx, "client_id", "application (client) id")?;
    let login = if p.env.contains_key("login_url") {
        setting(p, ctx, "login_url", "sign-in address")?
    } else {
        DEFAULT_LOGIN_URL.to_string()
    };
    let key = format!("{login}|{tenant}|{client_id}");
    let mut cache = ctx.tokens.0.lock().await;
    if let Some((token, until)) = cache.get(&key)
        && Instant::now() < *until
    {
        return Ok(token.clone());
    }
    let secret = setting(p, ctx, "client_secret", "client secret")?;
    if tenant.contains(['/', '?', '#']) {
        return Err(Failure::Refused(
            "the tenant id must be a GUID or a domain name".into(),
        ));
    }
    let mut http = Http::new(
        &login,
        ctx.dir,
        p.ca_file.as_deref(),
        ctx.timeout,
        Auth::None,
    )?;
    let url = http.url(&format!("{tenant}/oauth2/v2.0/token"))?;
    let answer = http
        .post_form(
            url,
            &[
                ("grant_type", "client_credentials".into()),
                ("client_id", client_id),
                ("client_secret", secret),
                ("scope", SCOPE.into()),
            ],
            true,
        )
        .await?;
    requests.append(&mut http.exchanges);
    let json = answer.json("Microsoft Entra ID")?;
    let Some(token) = json["access_token"].as_str().filter(|_| answer.ok()) else {
        return Err(Failure::Connection(format!(
            "no access token from the sign-in service (HTTP {}): {}",
            answer.status,
            json["error_description"]
                .as_str()
                .or(json["error"].as_str())
                .unwrap_or("no reason given")
        )));
    };
    let lasts = json["expires_in"]
        .as_u64()
        .unwrap_or(300)
        .saturating_sub(60);
    cache.insert(
        key,
        (
            token.to_string(),
            Instant::now() + Duration::from_secs(lasts),
        ),
    );
    Ok(token.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn management_commands_are_refused() {
        let w = crate::window::tests_support::october();
        assert!(kql(".drop table SecurityEvent", &w).is_err());
        assert!(kql("SecurityEvent | count; .set-or-append x <| y", &w).is_err());
        assert_eq!(
            kql("SigninLogs | where TimeGenerated >= $start | count", &w).unwrap(),
            "SigninLogs | where TimeGenerated >= datetime(2026-09-30T23:00:00Z) | count"
        );
    }
}
