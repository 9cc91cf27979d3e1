//! GitHub code scanning alerts of one repository (`repo = "OWNER/NAME"`) or
//! organisation (`org = "NAME"`): `GET {url}/repos/OWNER/NAME/code-scanning/alerts`
//! (or `/orgs/NAME/…`) with the API's own filters (`state`, `severity`,
//! `tool_name`, `ref`…), `per_page=100`, every page read through the `Link`
//! header, signed in with a token (`Authorization: Bearer`). The alerts are
//! counted by `window`: `created_at`, `updated_at`, `fixed_at` or
//! `dismissed_at` in the period, or `open_at_end` (created before the
//! period's end and neither fixed nor dismissed by then). `url` defaults to
//! `https://api.github.com` (set `url_env` for GitHub Enterprise Server).

use reqwest::Url;

use super::paged::{self, Allowed, Page};
use super::{Ask, Reading, auth, client};
use crate::error::Failure;

pub(super) const DEFAULT_URL: &str = "https://api.github.com";

pub(super) const ALLOWED: Allowed = Allowed {
    fields: &["created_at", "updated_at", "fixed_at", "dismissed_at"],
    open_at_end: Some(("created_at", &["fixed_at", "dismissed_at"])),
    reserved: &["page", "per_page", "before", "after"],
};

pub(super) async fn run(ask: Ask<'_>) -> Result<Reading, Failure> {
    let (p, query, w, ctx) = (ask.platform, ask.query, ask.window, ask.ctx);
    let spec = paged::parse(query, &ALLOWED)?;
    let path = match (p.scope.get("repo"), p.scope.get("org")) {
        (Some(repo), _) => format!("repos/{repo}/code-scanning/alerts"),
        (None, Some(org)) => format!("orgs/{org}/code-scanning/alerts"),
        (None, None) => {
            return Err(Failure::Refused(
                "the source names neither `repo` nor `org`".into(),
            ));
        }
    };
    let http = client(p, ctx, Some(DEFAULT_URL), auth(p, ctx, "Bearer")?)?
        .with_header("accept", "application/vnd.github+json")?
        .with_header("x-github-api-version", "2022-11-28")?;
    let first = http.url(&path)?;
    paged::reading(http, first, &spec, w, "per_page", page).await
}

fn page(answer: &crate::http::Answer) -> Result<Page, Failure> {
    let json = answer.json("GitHub")?;
    let items = json.as_array().cloned().ok_or_else(|| {
        Failure::Result(format!(
            "the answer is not a list of alerts: {}",
            answer.excerpt()
        ))
    })?;
    let next = answer
        .headers
        .get_all("link")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(next_link)
        .map(|s| Url::parse(&s).map_err(|e| Failure::Result(format!("bad next page `{s}`: {e}"))))
        .transpose()?;
    Ok(Page {
        items,
        next,
        total: None,
    })
}

/// The `rel="next"` address of a `Link` header.
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| p.trim() == "rel=\"next\"")
            .then(|| {
                url.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string()
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_page_comes_from_the_link_header() {
        let h = "<https://api.github.com/repositories/1/code-scanning/alerts?per_page=100&page=2>; rel=\"next\", <https://api.github.com/repositories/1/code-scanning/alerts?per_page=100&page=5>; rel=\"last\"";
        assert_eq!(
            next_link(h).unwrap(),
            "https://api.github.com/repositories/1/code-scanning/alerts?per_page=100&page=2"
        );
        assert_eq!(next_link("<https://x/?page=1>; rel=\"prev\""), None);
    }
}
