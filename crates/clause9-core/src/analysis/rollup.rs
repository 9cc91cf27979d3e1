//! Roll-ups of an analysed evaluation: per objective (on track or not), per
//! Annex A theme and control, per area, per owner and per kind (performance
//! versus effectiveness).

use std::collections::BTreeMap;

use serde::Serialize;

use super::Verdict;
use crate::controls::{name_of, theme_of};
use crate::evaluation::{Evaluation, MeasureEvaluation, Status};
use crate::programme::Programme;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    pub green: usize,
    pub amber: usize,
    pub red: usize,
    pub no_data: usize,
    /// Measures whose trend verdict is `deteriorating`.
    pub deteriorating: usize,
}

impl StatusCounts {
    fn add(&mut self, m: &MeasureEvaluation) {
        match m.status {
            Status::Green => self.green += 1,
            Status::Amber => self.amber += 1,
            Status::Red => self.red += 1,
            Status::NoData => self.no_data += 1,
        }
        if deteriorating(m) {
            self.deteriorating += 1;
        }
    }

    pub fn total(&self) -> usize {
        self.green + self.amber + self.red + self.no_data
    }
}

fn deteriorating(m: &MeasureEvaluation) -> bool {
    m.analysis
        .as_ref()
        .is_some_and(|a| a.trend.verdict == Some(Verdict::Deteriorating))
}

/// The measures sharing one key (a control, an area, an owner…).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub key: String,
    pub title: String,
    pub measures: Vec<String>,
    pub counts: StatusCounts,
}

/// An objective is on track when it has measures with data and none of them
/// is red or deteriorating; `on_track` is `None` when none has data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectiveRollup {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub measures: Vec<String>,
    pub counts: StatusCounts,
    pub on_track: Option<bool>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rollups {
    pub objectives: Vec<ObjectiveRollup>,
    pub themes: Vec<Group>,
    pub controls: Vec<Group>,
    pub areas: Vec<Group>,
    pub owners: Vec<Group>,
    pub kinds: Vec<Group>,
}

/// Rolls up the measures of an evaluation (analysed or not: without analysis
/// nothing counts as deteriorating).
pub fn rollups(programme: &Programme, evaluation: &Evaluation) -> Rollups {
    let mut themes: BTreeMap<String, Group> = BTreeMap::new();
    let mut controls: BTreeMap<String, Group> = BTreeMap::new();
    let mut areas: BTreeMap<String, Group> = BTreeMap::new();
    let mut owners: BTreeMap<String, Group> = BTreeMap::new();
    let mut kinds: BTreeMap<String, Group> = BTreeMap::new();
    let settings = &programme.settings;
    let add = |map: &mut BTreeMap<String, Group>, key: &str, title: &str, m: &MeasureEvaluation| {
        let g = map.entry(key.to_string()).or_insert_with(|| Group {
            key: key.to_string(),
            title: title.to_string(),
            measures: Vec::new(),
            counts: StatusCounts::default(),
        });
        if !g.measures.contains(&m.id) {
            g.measures.push(m.id.clone());
            g.counts.add(m);
        }
    };
    for m in &evaluation.measures {
        let Some(def) = programme.measure(&m.id) else {
            continue;
        };
        for c in &def.controls {
            add(&mut controls, c, name_of(c).unwrap_or(""), m);
            if let Some(t) = theme_of(c) {
                add(&mut themes, t.as_str(), t.as_str(), m);
            }
        }
        if let Some(a) = &def.area {
            let title = settings
                .areas
                .get(a)
                .map_or(a.as_str(), |a| a.title.as_str());
            add(&mut areas, a, title, m);
        }
        let owner = &def.roles.owner;
        add(&mut owners, owner, settings.display_name(owner), m);
        add(&mut kinds, m.kind.as_str(), m.kind.as_str(), m);
    }
    let objectives = settings
        .objectives
        .iter()
        .map(|(id, o)| {
            let mut counts = StatusCounts::default();
            let mut measures = Vec::new();
            let mut red = Vec::new();
            let mut worse = Vec::new();
            for m in &evaluation.measures {
                if programme
                    .measure(&m.id)
                    .is_some_and(|d| d.objectives.contains(id))
                {
                    counts.add(m);
                    measures.push(m.id.clone());
                    if m.status == Status::Red {
                        red.push(m.id.clone());
                    }
                    if deteriorating(m) {
                        worse.push(m.id.clone());
                    }
                }
            }
            let with_data = counts.total() - counts.no_data;
            let (on_track, reason) = if with_data == 0 {
                (None, "no measure of this objective has data".to_string())
            } else if !red.is_empty() || !worse.is_empty() {
                let mut why = Vec::new();
                if !red.is_empty() {
                    why.push(format!("red: {}", red.join(", ")));
                }
                if !worse.is_empty() {
                    why.push(format!("deteriorating: {}", worse.join(", ")));
                }
                (Some(false), why.join("; "))
            } else {
                (
                    Some(true),
                    format!("{with_data} measure(s) with data, none red or deteriorating"),
                )
            };
            ObjectiveRollup {
                id: id.clone(),
                title: o.title.clone(),
                owner: o.owner.clone(),
                measures,
                counts,
                on_track,
                reason,
            }
        })
        .collect();
    let list = |m: BTreeMap<String, Group>| m.into_values().collect();
    Rollups {
        objectives,
        themes: list(themes),
        controls: list(controls),
        areas: list(areas),
        owners: list(owners),
        kinds: list(kinds),
    }
}
