//! Data-quality notes: missing periods, late collections (first stored after
//! the period's due date) and values corrected after they were reported
//! (a correction stored after the due date, when the value had been in use).

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;

use crate::measure::Measure;
use crate::observation::Observation;
use crate::period::Period;
use crate::programme::Settings;
use crate::schedule::due_date;

pub(super) fn notes(
    settings: &Settings,
    measure: &Measure,
    own: &[Observation],
    series: &[(Period, Option<f64>)],
    today: Date,
) -> Vec<String> {
    let mut notes = Vec::new();
    let day = |o: &Observation| o.new.recorded_at.to_zoned(settings.timezone.clone()).date();

    let missing: Vec<String> = series
        .iter()
        .filter(|(p, v)| v.is_none() && due_date(measure, *p) < today)
        .map(|(p, _)| p.to_string())
        .collect();
    if !missing.is_empty() {
        notes.push(format!(
            "no value for {} ({} of {} collection periods)",
            missing.join(", "),
            missing.len(),
            series.len()
        ));
    }
    if let Some((p, None)) = series.last()
        && due_date(measure, *p) >= today
    {
        notes.push(format!(
            "{p} is not complete yet: its values are due by {}",
            due_date(measure, *p)
        ));
    }

    let in_series: HashMap<Period, ()> = series.iter().map(|(p, _)| (*p, ())).collect();
    // late: the first value of each key stored after the due date; worst base per period
    let mut late: BTreeMap<Period, i64> = BTreeMap::new();
    for o in own.iter().filter(|o| o.new.supersedes.is_none()) {
        if !in_series.contains_key(&o.new.period) {
            continue;
        }
        let due = due_date(measure, o.new.period);
        let stored = day(o);
        if stored > due {
            let days = i64::from((stored - due).get_days());
            let worst = late.entry(o.new.period).or_insert(0);
            *worst = (*worst).max(days);
        }
    }
    for (p, days) in late {
        notes.push(format!(
            "{p} was collected {days} day{} late",
            if days == 1 { "" } else { "s" }
        ));
    }

    // corrected after being reported
    let by_id: HashMap<i64, &Observation> = own.iter().map(|o| (o.id, o)).collect();
    let mut corrections: Vec<&Observation> = own
        .iter()
        .filter(|o| o.new.supersedes.is_some() && in_series.contains_key(&o.new.period))
        .collect();
    corrections.sort_by_key(|o| (o.new.period, o.new.base.clone(), o.id));
    for c in corrections {
        let due = due_date(measure, c.new.period);
        if day(c) <= due {
            continue;
        }
        let before = c
            .new
            .supersedes
            .and_then(|id| by_id.get(&id))
            .and_then(|o| o.new.value);
        let show = |v: Option<f64>| v.map_or("no value".to_string(), |v| v.to_string());
        notes.push(format!(
            "{}: `{}` was corrected on {} after it was reported ({} → {}){}",
            c.new.period,
            c.new.base,
            day(c),
            show(before),
            show(c.new.value),
            c.new
                .reason
                .as_ref()
                .map_or(String::new(), |r| format!(": {r}"))
        ));
    }
    notes
}
