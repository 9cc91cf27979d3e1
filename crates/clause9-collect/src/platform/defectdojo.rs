//! DefectDojo findings: `GET {url}/api/v2/findings/` with the API's own
//! filters (`severity=Critical&active=true&test__engagement__product=3`…),
//! signed in with an API v2 key (`Authorization: Token …`), every page read
//! (`limit=100`, `next` links), and the findings counted by `window`: `date`
//! (the day found), `created` or `mitigated` in the period, or
//! `open_at_end` (found before the period's end and not mitigated by then).
//! The total DefectDojo announces must match the findings read.

use reqwest::Url;
use serde_json::Value;

use super::paged::{self, Allowed, Page};
use super::{Ask, Reading, auth, client};
use crate::error::Failure;

pub(super) const ALLOWED: Allowed = Allowed {
    fields: &["date", "created", "mitigated"],
    open_at_end: Some(("date", &["mitigated"])),
    reserved: &["limit", "offset"],
};

pub(super) async fn run(ask: Ask<'_>) -> Result<Reading, Failure> {
    let (p, query, w, ctx) = (ask.platform, ask.query, ask.window, ask.ctx);
    let spec = paged::parse(query, &ALLOWED)?;
    let http = client(p, ctx, None, auth(p, ctx, "Token")?)?;
    let first = http.url("api/v2/findings/")?;
    paged::reading(http, first, &spec, w, "limit", page).await
}

fn page(answer: &crate::http::Answer) -> Result<Page, Failure> {
    let json = answer.json("DefectDojo")?;
    let items = json["results"].as_array().cloned().ok_or_else(|| {
        Failure::Result(format!(
            "the answer has no `results` list: {}",
            answer.excerpt()
        ))
    })?;
    let next = match &json["next"] {
        Value::String(s) => {
            Some(Url::parse(s).map_err(|e| Failure::Result(format!("bad next page `{s}`: {e}")))?)
        }
        _ => None,
    };
    Ok(Page {
        items,
        next,
        total: json["count"].as_u64(),
    })
}
