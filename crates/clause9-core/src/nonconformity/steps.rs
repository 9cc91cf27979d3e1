//! What every way of stepping a nonconformity shares (the `clause9 nc`
//! command, the web pages, the API): the sources and fields a person may
//! raise one with, the next record and action ids, and the periods and
//! verdict of an automatic effectiveness check. `label` names the field in
//! the caller's terms (`--severity` on the command line, `severity` in a form).

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::from_red::auto_verdict;
use super::{Nonconformity, Source};
use crate::evaluation::Status;
use crate::period::{Frequency, Period};
use crate::programme::Area;

/// The sources a person may raise a nonconformity from by hand (audit
/// findings and red indicators are raised by their own workflows).
pub const MANUAL_SOURCES: [&str; 3] = ["incident", "management_review", "other"];

/// The severities of a nonconformity.
pub const SEVERITIES: [&str; 2] = ["major", "minor"];

/// A source a person may raise by hand.
pub fn manual_source(label: &str, kind: &str, reference: String) -> Result<Source, String> {
    match kind {
        "incident" => Ok(Source::Incident { reference }),
        "management_review" => Ok(Source::ManagementReview { reference }),
        "other" => Ok(Source::Other { reference }),
        "audit_finding" | "red_indicator" => Err(format!(
            "{label} {kind}: these are raised by `clause9 audit finding` and `clause9 evaluate`"
        )),
        other => Err(format!(
            "{label} `{other}`: use incident, management_review or other"
        )),
    }
}

/// Every problem with the severity, area and controls of a new record.
pub fn check_raise(
    areas: &BTreeMap<String, Area>,
    severity: &str,
    area: Option<&str>,
    controls: &[String],
    labels: [&str; 3],
) -> Vec<String> {
    let [severity_label, area_label, control_label] = labels;
    let mut problems = Vec::new();
    if !SEVERITIES.contains(&severity) {
        problems.push(format!("{severity_label}: use major or minor"));
    }
    if let Some(a) = area
        && !areas.contains_key(a)
    {
        problems.push(format!("{area_label}: unknown area `{a}`"));
    }
    for c in controls {
        if crate::controls::name_of(c).is_none() {
            problems.push(format!("{control_label}: unknown control `{c}`"));
        }
    }
    problems
}

/// The next free id `PREFIX-0001` given the ids in use.
pub fn next_id<'a>(prefix: &str, used: impl Iterator<Item = &'a String>) -> String {
    let n = used
        .filter_map(|id| {
            id.strip_prefix(prefix)?
                .strip_prefix('-')?
                .parse::<u32>()
                .ok()
        })
        .max()
        .unwrap_or(0);
    format!("{prefix}-{:04}", n + 1)
}

/// The id of the next action planned on `nc` (`A1`, `A2`, …).
pub fn next_action_id(nc: Option<&Nonconformity>) -> String {
    format!("A{}", nc.map_or(0, |n| n.actions.len()) + 1)
}

/// The collection periods an automatic check on `day` looks at: the last
/// `periods` that ended before `day`, oldest first.
pub fn check_periods(collection: Frequency, periods: u32, day: Date) -> Vec<Period> {
    let mut p = Period::containing(collection, day).prev();
    let mut list = Vec::new();
    for _ in 0..periods.max(1) {
        list.push(p);
        p = p.prev();
    }
    list.reverse();
    list
}

/// The verdict of an automatic check and its evidence text ("2026-01 green,
/// 2026-02 red"), given the status of each of `list`; a period that started
/// before `after` (the last action's implementation) counts as no data.
pub fn check_verdict(
    list: &[Period],
    statuses: &[Status],
    periods: u32,
    after: Option<Date>,
) -> (Option<bool>, String) {
    let statuses: Vec<Status> = list
        .iter()
        .zip(statuses)
        .map(|(p, s)| {
            if after.is_some_and(|a| p.first_day() < a) {
                Status::NoData
            } else {
                *s
            }
        })
        .collect();
    let text = list
        .iter()
        .zip(&statuses)
        .map(|(p, s)| format!("{p} {}", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    (auto_verdict(&statuses, periods), text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_highest_in_use() {
        let used = ["NC-0002".to_string(), "NC-0010".into(), "AUD-0040".into()];
        assert_eq!(next_id("NC", used.iter()), "NC-0011");
        assert_eq!(next_id("MR", used.iter()), "MR-0001");
    }

    #[test]
    fn raising_checks_severity_area_and_controls() {
        let problems = check_raise(
            &BTreeMap::new(),
            "huge",
            Some("nowhere"),
            &["A.5.1".into(), "Z.9".into()],
            ["severity", "area", "control"],
        );
        assert_eq!(
            problems,
            vec![
                "severity: use major or minor",
                "area: unknown area `nowhere`",
                "control: unknown control `Z.9`",
            ]
        );
        assert!(manual_source("source", "red_indicator", String::new()).is_err());
        assert_eq!(
            manual_source("source", "incident", "INC-1".into()),
            Ok(Source::Incident {
                reference: "INC-1".into()
            })
        );
    }

    #[test]
    fn checks_mask_periods_before_the_last_action() {
        let day: Date = "2026-05-10".parse().unwrap();
        let list = check_periods(Frequency::Monthly, 2, day);
        let names: Vec<String> = list.iter().map(ToString::to_string).collect();
        assert_eq!(names, ["2026-03", "2026-04"]);
        let green = [Status::Green, Status::Green];
        assert_eq!(check_verdict(&list, &green, 2, None).0, Some(true));
        let (verdict, text) = check_verdict(&list, &green, 2, "2026-03-15".parse().ok());
        assert_eq!(verdict, None);
        assert_eq!(text, "2026-03 no_data, 2026-04 green");
    }
}
