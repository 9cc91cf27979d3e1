//! The risk-based audit programme: every item of the audit universe once in
//! the cycle, items with open nonconformities, red or deteriorating measures
//! or high risks sooner and more often, spread over monthly slots, each
//! placement explained.

use serde::Serialize;

use super::ScopeItem;
use crate::period::Period;

/// Something that makes items more urgent: it concerns an area and/or controls.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    pub area: Option<String>,
    pub controls: Vec<String>,
    /// Shown in the plan, e.g. "open nonconformity NC-0003".
    pub reason: String,
    pub weight: u32,
}

impl Signal {
    /// How much this signal adds to `item`'s priority: its weight when it
    /// concerns the item's area or requirement, twice its weight when both
    /// (a nonconformity on A.8.8 in IT weighs most on A.8.8 in IT).
    fn weight_for(&self, item: &ScopeItem) -> u32 {
        let area = self.area.is_some() && item.area == self.area;
        let control = self.controls.contains(&item.requirement);
        match (area, control) {
            (true, true) => self.weight * 2,
            (false, false) => 0,
            _ => self.weight,
        }
    }
}

/// One item placed in a month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedItem {
    pub item: ScopeItem,
    /// 1-based: this is the n-th audit of the item in the cycle.
    pub occurrence: u32,
    pub occurrences: u32,
    pub score: u32,
    pub reason: String,
}

/// One monthly slot of the programme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Slot {
    pub month: Period,
    pub items: Vec<PlannedItem>,
}

/// How often an item is audited in a cycle, from its score.
pub fn occurrences(score: u32) -> u32 {
    match score {
        0 => 1,
        1..=3 => 2,
        _ => 3,
    }
}

/// Plans `universe` over `months` monthly slots from `start` (a month).
pub fn plan(universe: &[ScopeItem], signals: &[Signal], start: Period, months: u32) -> Vec<Slot> {
    let months = months.max(1) as usize;
    let mut scored: Vec<(usize, &ScopeItem, u32, Vec<&str>)> = universe
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let hits: Vec<&Signal> = signals.iter().filter(|s| s.weight_for(item) > 0).collect();
            let score = hits.iter().map(|s| s.weight_for(item)).sum();
            (
                i,
                item,
                score,
                hits.iter().map(|s| s.reason.as_str()).collect(),
            )
        })
        .collect();
    scored.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    let total: usize = scored.iter().map(|s| occurrences(s.2) as usize).sum();
    // the same number of items each month (give or take one)
    let cap: Vec<usize> = (0..months)
        .map(|m| total / months + usize::from(m < total % months))
        .collect();
    let mut load = vec![0usize; months];
    let mut placed: Vec<Vec<PlannedItem>> = vec![Vec::new(); months];
    for (_, item, score, reasons) in scored {
        let k = occurrences(score).min(months as u32);
        let interval = months / k as usize;
        let first = (0..months).position(|m| load[m] < cap[m]).unwrap_or(0);
        for r in 0..k {
            let target = (first + r as usize * interval).min(months - 1);
            let month = (target..months)
                .find(|m| load[*m] < cap[*m])
                .or_else(|| (0..target).rev().find(|m| load[*m] < cap[*m]))
                .unwrap_or(target);
            load[month] += 1;
            let reason = if score == 0 {
                format!(
                    "no risk signal: once in the {months}-month cycle, placed in the first free slot"
                )
            } else {
                format!(
                    "priority {score} ({}): {k} times in the cycle, about every {interval} months, first as early as a slot is free",
                    reasons.join("; ")
                )
            };
            placed[month].push(PlannedItem {
                item: item.clone(),
                occurrence: r + 1,
                occurrences: k,
                score,
                reason,
            });
        }
    }
    let mut month = start;
    let mut slots = Vec::with_capacity(months);
    for items in placed {
        slots.push(Slot { month, items });
        month = month.next();
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(r: &str, a: Option<&str>) -> ScopeItem {
        ScopeItem {
            requirement: r.into(),
            area: a.map(String::from),
        }
    }

    #[test]
    fn everything_once_risky_items_sooner_and_more_often() {
        let mut universe: Vec<ScopeItem> =
            (1..=40).map(|i| item(&format!("A.5.{i}"), None)).collect();
        universe.push(item("A.8.8", Some("it")));
        let signals = vec![
            Signal {
                area: Some("it".into()),
                controls: vec![],
                reason: "open nonconformity NC-0001".into(),
                weight: 3,
            },
            Signal {
                area: None,
                controls: vec!["A.8.8".into()],
                reason: "high risk R-1".into(),
                weight: 3,
            },
        ];
        let start: Period = "2026-01".parse().unwrap();
        let slots = plan(&universe, &signals, start, 12);
        assert_eq!(slots.len(), 12);
        assert_eq!(slots[11].month.to_string(), "2026-12");
        for u in &universe {
            assert!(
                slots.iter().any(|s| s.items.iter().any(|p| &p.item == u)),
                "{u:?} not planned"
            );
        }
        let risky: Vec<usize> = slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.items.iter().any(|p| p.item.requirement == "A.8.8"))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(risky, vec![0, 4, 8]);
        let first = &slots[0].items[0];
        assert!(
            first.reason.contains("NC-0001") && first.reason.contains("R-1"),
            "{}",
            first.reason
        );
        let max = slots.iter().map(|s| s.items.len()).max().unwrap();
        let min = slots.iter().map(|s| s.items.len()).min().unwrap();
        assert!(max - min <= 1, "{min}..{max}");
    }
}
