//! The one place where a query meets its period: the bounds of the
//! collection period in the programme's timezone, as UTC instants, local
//! dates and a duration, and the ways they are bound into queries — into a
//! JSON request (string values that are exactly `$start`, `$end` or
//! `$period`), or into query text where a platform has no parameters (each
//! `$name` outside literals and comments replaced by a literal the platform
//! reads). Never the clock: collecting the same period again asks the same.

use jiff::civil::Date;
use serde_json::Value;

use crate::error::Failure;
use crate::{Window, params};

/// The names a query may use for its period.
pub(crate) const NAMES: [&str; 3] = ["start", "end", "period"];

/// An instant as RFC 3339 in UTC (`2026-10-01T00:00:00Z`).
pub(crate) fn rfc3339(t: jiff::Timestamp) -> String {
    t.to_string()
}

/// The text bound for `name`: RFC 3339 instants and the period's name.
pub(crate) fn value_of(w: &Window, name: &str) -> String {
    match name {
        "start" => rfc3339(w.start),
        "end" => rfc3339(w.end),
        _ => w.period.to_string(),
    }
}

/// The period's length as a duration in seconds (`2678400s`).
pub(crate) fn range(w: &Window) -> String {
    format!("{}s", w.end.as_second() - w.start.as_second())
}

/// The first local day of the period and the first day after it.
pub(crate) fn local_days(w: &Window) -> (Date, Date) {
    (
        w.start.to_zoned(w.timezone.clone()).date(),
        w.end.to_zoned(w.timezone.clone()).date(),
    )
}

/// Replaces every JSON string that is exactly `$start`, `$end` or
/// `$period` with its value; a string that mentions one of them in other
/// text is refused (it would be pasted, not bound). Returns the names bound.
pub(crate) fn bind_json(v: &mut Value, w: &Window) -> Result<Vec<String>, Failure> {
    let mut used = Vec::new();
    bind_into(v, w, &mut used)?;
    used.sort();
    used.dedup();
    Ok(used)
}

fn bind_into(v: &mut Value, w: &Window, used: &mut Vec<String>) -> Result<(), Failure> {
    match v {
        Value::String(s) => {
            if let Some(name) = s.strip_prefix('$')
                && NAMES.contains(&name)
            {
                used.push(name.to_string());
                *s = value_of(w, name);
            } else if NAMES.iter().any(|n| s.contains(&format!("${n}"))) {
                return Err(Failure::Refused(format!(
                    "`{s}`: write `$start`, `$end` or `$period` as a whole JSON string (\"gte\": \"$start\"), not inside other text"
                )));
            }
        }
        Value::Array(items) => {
            for item in items {
                bind_into(item, w, used)?;
            }
        }
        Value::Object(map) => {
            for (_, item) in map.iter_mut() {
                bind_into(item, w, used)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Replaces each `$name` outside quotes and comments with `render(name)`,
/// refusing any name not in `allowed`. Returns the text and the names in
/// order of use.
pub(crate) fn substitute(
    text: &str,
    allowed: &[&str],
    render: impl Fn(&str) -> String,
) -> Result<(String, Vec<String>), Failure> {
    let occ = params::scan(text);
    params::check(&occ, allowed)?;
    let mut out = String::with_capacity(text.len());
    let mut names = Vec::new();
    let mut last = 0;
    for o in &occ {
        out.push_str(&text[last..o.start]);
        out.push_str(&render(&o.name));
        names.push(o.name.clone());
        last = o.end;
    }
    out.push_str(&text[last..]);
    Ok((out, names))
}

#[cfg(test)]
pub(crate) mod tests_support {
    use crate::Window;
    use clause9_core::period::Period;
    use jiff::tz::TimeZone;

    /// October 2026 in Europe/London (31 days and one hour).
    pub(crate) fn october() -> Window {
        let tz = TimeZone::get("Europe/London").unwrap();
        let period: Period = "2026-10".parse().unwrap();
        let (start, end) = period.bounds(&tz);
        Window {
            period,
            start,
            end,
            timezone: tz,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::october;
    use super::*;

    #[test]
    fn the_window_is_the_period_in_the_programmes_timezone() {
        let w = october();
        assert_eq!(value_of(&w, "start"), "2026-09-30T23:00:00Z");
        assert_eq!(value_of(&w, "end"), "2026-11-01T00:00:00Z");
        assert_eq!(value_of(&w, "period"), "2026-10");
        assert_eq!(range(&w), "2682000s");
        let (first, after) = local_days(&w);
        assert_eq!(
            (first.to_string(), after.to_string()),
            ("2026-10-01".into(), "2026-11-01".into())
        );
    }

    #[test]
    fn json_strings_are_bound_whole_or_refused() {
        let w = october();
        let mut v: Value = serde_json::from_str(
            r#"{"range": {"ts": {"gte": "$start", "lt": "$end"}}, "x": ["$period", "$other", 3]}"#,
        )
        .unwrap();
        assert_eq!(bind_json(&mut v, &w).unwrap(), ["end", "period", "start"]);
        assert_eq!(v["range"]["ts"]["gte"], "2026-09-30T23:00:00Z");
        assert_eq!(v["x"][0], "2026-10");
        assert_eq!(v["x"][1], "$other");
        let mut pasted: Value = serde_json::from_str(r#"{"q": "ts:>$start"}"#).unwrap();
        assert!(bind_json(&mut pasted, &w).is_err());
    }

    #[test]
    fn text_is_substituted_outside_literals_only() {
        let (text, names) = substitute(
            "x >= $start AND y = '$end' -- $period\n AND z < $end",
            &NAMES,
            |n| format!("<{n}>"),
        )
        .unwrap();
        assert_eq!(
            text,
            "x >= <start> AND y = '$end' -- $period\n AND z < <end>"
        );
        assert_eq!(names, ["start", "end"]);
        assert!(substitute("x = $today", &NAMES, |n| n.to_string()).is_err());
    }
}
