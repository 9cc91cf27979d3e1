//! Counting the items of a paginated REST list (DefectDojo findings, GitHub
//! code scanning alerts) that belong to the period. The query is a URL query
//! string: the API's own filters, passed as they are, and `window`, which
//! ties the count to the collection period — `window=FIELD` counts items
//! whose FIELD (an instant, or a date read as a local day) lies in the
//! period; `window=open_at_end` counts items opened before the period's end
//! and not closed by then. Every page is read (the API's page size, next
//! links followed only on the same server, at most [`MAX_PAGES`]).

use jiff::Timestamp;
use jiff::civil::Date;
use reqwest::Url;
use serde_json::Value;

use crate::error::Failure;
use crate::http::{Answer, Http};
use crate::{Window, window};

/// A list longer than this many pages is refused rather than read for ever.
pub(super) const MAX_PAGES: u64 = 1000;

/// What `window` counts.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Rule {
    /// Items whose field lies in the period.
    InPeriod(String),
    /// Items opened (`opened`) before the end and not closed (any of
    /// `closed`) before it.
    OpenAtEnd {
        opened: &'static str,
        closed: &'static [&'static str],
    },
}

/// A parsed query: the API's filters and the rule.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Spec {
    pub filters: Vec<(String, String)>,
    pub rule: Rule,
}

/// What one platform allows.
pub(super) struct Allowed {
    /// Fields `window` may name.
    pub fields: &'static [&'static str],
    /// `window=open_at_end`: the opening and closing fields, if supported.
    pub open_at_end: Option<(&'static str, &'static [&'static str])>,
    /// Query keys clause9 sets itself (page size, page number).
    pub reserved: &'static [&'static str],
}

pub(super) fn parse(query: &str, allowed: &Allowed) -> Result<Spec, Failure> {
    let text = query.trim().trim_start_matches('?');
    let url = Url::parse(&format!("http://filters.invalid/?{text}"))
        .map_err(|e| Failure::Refused(format!("the query is not a URL query string: {e}")))?;
    let mut filters = Vec::new();
    let mut rule = None;
    for (k, v) in url.query_pairs() {
        let (k, v) = (k.to_string(), v.to_string());
        if v.contains('$') || k.contains('$') {
            return Err(Failure::Refused(format!(
                "`{k}={v}`: the period is applied by `window`, not by `$` parameters"
            )));
        }
        if allowed.reserved.contains(&k.as_str()) {
            return Err(Failure::Refused(format!(
                "`{k}` is set by clause9, which reads every page"
            )));
        }
        if k == "window" {
            if rule.is_some() {
                return Err(Failure::Refused("give `window` once".into()));
            }
            rule = Some(match (v.as_str(), allowed.open_at_end) {
                ("open_at_end", Some((opened, closed))) => Rule::OpenAtEnd { opened, closed },
                (f, _) if allowed.fields.contains(&f) => Rule::InPeriod(f.to_string()),
                _ => {
                    let mut choices: Vec<&str> = allowed.fields.to_vec();
                    if allowed.open_at_end.is_some() {
                        choices.push("open_at_end");
                    }
                    return Err(Failure::Refused(format!(
                        "`window={v}`: use one of {}",
                        choices.join(", ")
                    )));
                }
            });
            continue;
        }
        filters.push((k, v));
    }
    let rule = rule.ok_or_else(|| {
        Failure::Refused(format!(
            "the query needs `window` to tie the count to the period, e.g. `window={}`",
            allowed.fields.first().copied().unwrap_or("created")
        ))
    })?;
    Ok(Spec { filters, rule })
}

/// One page as a platform reads it: its items, the next page, and the
/// total the API announces (if it does).
pub(super) struct Page {
    pub items: Vec<Value>,
    pub next: Option<Url>,
    pub total: Option<u64>,
}

/// What the pages counted.
pub(super) struct Tally {
    pub in_window: u64,
    pub items: u64,
    pub pages: u64,
}

/// The platform's reading of a paged list: `first` with the query's filters
/// and `page_size` (the platform's key for it, set to 100) added, every page
/// read, and the items `spec` keeps in `w` as the value.
pub(super) async fn reading(
    mut http: Http,
    mut first: Url,
    spec: &Spec,
    w: &Window,
    page_size: &str,
    read: impl Fn(&Answer) -> Result<Page, Failure>,
) -> Result<super::Reading, Failure> {
    {
        let mut q = first.query_pairs_mut();
        for (k, v) in &spec.filters {
            q.append_pair(k, v);
        }
        q.append_pair(page_size, "100");
    }
    let tally = count(&mut http, first, spec, w, read).await?;
    Ok(super::Reading {
        value: Some(tally.in_window as f64),
        counts: super::counts([
            ("in_period", tally.in_window),
            ("items", tally.items),
            ("pages", tally.pages),
        ]),
        rows_scanned: Some(tally.items),
        requests: http.exchanges,
    })
}

/// Reads every page from `first` and counts the items `spec` keeps.
pub(super) async fn count(
    http: &mut Http,
    first: Url,
    spec: &Spec,
    w: &Window,
    read: impl Fn(&Answer) -> Result<Page, Failure>,
) -> Result<Tally, Failure> {
    let mut tally = Tally {
        in_window: 0,
        items: 0,
        pages: 0,
    };
    let mut announced = None;
    let mut next = Some(first);
    while let Some(url) = next.take() {
        if tally.pages == MAX_PAGES {
            return Err(Failure::Result(format!(
                "the list has more than {MAX_PAGES} pages; narrow it with the API's filters"
            )));
        }
        if !http.same_origin(&url) {
            return Err(Failure::Refused(format!(
                "the next page is on another server ({url}); the credentials are not sent there"
            )));
        }
        let answer = http.get(url).await?;
        if !answer.ok() {
            return Err(super::refused(&answer, ""));
        }
        let page = read(&answer)?;
        tally.pages += 1;
        if announced.is_none() {
            announced = page.total;
        }
        for item in &page.items {
            tally.items += 1;
            if counts(item, &spec.rule, w)? {
                tally.in_window += 1;
            }
        }
        next = page.next;
    }
    if let Some(total) = announced
        && total != tally.items
    {
        return Err(Failure::Result(format!(
            "the list announced {total} items but {} were read: it changed while it was read; collect again",
            tally.items
        )));
    }
    Ok(tally)
}

/// Does `item` count under `rule` for the period?
pub(super) fn counts(item: &Value, rule: &Rule, w: &Window) -> Result<bool, Failure> {
    match rule {
        Rule::InPeriod(field) => Ok(at(item, field, w)?.is_some_and(|t| in_period(t, w))),
        Rule::OpenAtEnd { opened, closed } => {
            let Some(open) = at(item, opened, w)? else {
                return Ok(false);
            };
            if !before_end(open, w) {
                return Ok(false);
            }
            for c in *closed {
                if at(item, c, w)?.is_some_and(|t| before_end(t, w)) {
                    return Ok(false);
                }
            }
            Ok(true)
        }
    }
}

/// When something happened: an instant, or a local day.
#[derive(Debug, Clone, Copy)]
pub(super) enum When {
    Instant(Timestamp),
    Day(Date),
}

fn in_period(t: When, w: &Window) -> bool {
    match t {
        When::Instant(t) => w.start <= t && t < w.end,
        When::Day(d) => {
            let (first, after) = window::local_days(w);
            first <= d && d < after
        }
    }
}

fn before_end(t: When, w: &Window) -> bool {
    match t {
        When::Instant(t) => t < w.end,
        When::Day(d) => d < window::local_days(w).1,
    }
}

/// The item's `field` (a dotted path) as a time; `None` when it is null.
/// A missing field is an error: a misspelt `window` must not count zero.
fn at(item: &Value, field: &str, _w: &Window) -> Result<Option<When>, Failure> {
    let mut v = item;
    for part in field.split('.') {
        v = v.get(part).ok_or_else(|| {
            Failure::Result(format!(
                "an item has no `{field}` field; check `window` against the API's answer"
            ))
        })?;
    }
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => {
            if let Ok(t) = s.parse::<Timestamp>() {
                Ok(Some(When::Instant(t)))
            } else if let Ok(d) = s.parse::<Date>()
                && s.len() == 10
            {
                Ok(Some(When::Day(d)))
            } else {
                Err(Failure::Result(format!(
                    "`{field}` is `{s}`, neither an RFC 3339 instant nor a date"
                )))
            }
        }
        other => Err(Failure::Result(format!("`{field}` is {other}, not a time"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::window::tests_support::october;

    const GH: Allowed = Allowed {
        fields: &["created_at", "fixed_at"],
        open_at_end: Some(("created_at", &["fixed_at", "dismissed_at"])),
        reserved: &["page", "per_page"],
    };

    #[test]
    fn the_query_is_filters_and_a_window() {
        let spec = parse("state=fixed&severity=critical&window=fixed_at", &GH).unwrap();
        assert_eq!(spec.rule, Rule::InPeriod("fixed_at".into()));
        assert_eq!(spec.filters.len(), 2);
        assert!(parse("state=open", &GH).is_err());
        assert!(parse("window=closed_at", &GH).is_err());
        assert!(parse("window=created_at&per_page=5", &GH).is_err());
        assert!(parse("window=created_at&since=$start", &GH).is_err());
        assert!(parse("window=created_at&window=fixed_at", &GH).is_err());
    }

    #[test]
    fn items_count_by_their_time_in_the_programmes_timezone() {
        let w = october();
        let rule = Rule::InPeriod("created_at".into());
        let item = |t: &str| serde_json::json!({ "created_at": t, "fixed_at": null, "dismissed_at": null });
        // London is UTC+1 until 25 October: 30 Sep 23:00 UTC is 1 Oct locally
        assert!(counts(&item("2026-09-30T23:00:00Z"), &rule, &w).unwrap());
        assert!(!counts(&item("2026-09-30T22:59:59Z"), &rule, &w).unwrap());
        assert!(!counts(&item("2026-11-01T00:00:00Z"), &rule, &w).unwrap());
        let day = serde_json::json!({ "date": "2026-10-31" });
        assert!(counts(&day, &Rule::InPeriod("date".into()), &w).unwrap());
        assert!(counts(&serde_json::json!({}), &rule, &w).is_err());
        let open = Rule::OpenAtEnd {
            opened: "created_at",
            closed: &["fixed_at", "dismissed_at"],
        };
        let fixed_later = serde_json::json!({ "created_at": "2026-05-01T00:00:00Z", "fixed_at": "2026-11-03T00:00:00Z", "dismissed_at": null });
        let fixed_before = serde_json::json!({ "created_at": "2026-05-01T00:00:00Z", "fixed_at": "2026-10-03T00:00:00Z", "dismissed_at": null });
        assert!(counts(&fixed_later, &open, &w).unwrap());
        assert!(!counts(&fixed_before, &open, &w).unwrap());
    }
}
