//! The report's content, built once from an analysed evaluation and rendered
//! by every format (and serialised as the JSON format).

use clause9_core::Programme;
use clause9_core::analysis::{ObjectiveRollup, Rollups, StatusCounts, Verdict, rollups};
use clause9_core::evaluation::{Evaluation, MeasureEvaluation, Status};
use clause9_core::measure::{BaseMethod, Direction, Measure, OnRed};
use clause9_core::nonconformity::Nonconformity;
use clause9_core::observation::Observation;
use clause9_core::period::Period;
use clause9_core::schedule::CollectionItem;
use serde::Serialize;

use crate::corrective::{self, OpenNonconformity};

/// What a report is made from. Nothing here is read from a store or a clock:
/// the caller passes it all in.
pub struct Input<'a> {
    pub programme: &'a Programme,
    /// The evaluated period, analysed (`analysis` set on each measure).
    pub evaluation: &'a Evaluation,
    /// The previous period of the same length, for "what changed".
    pub previous: Option<&'a Evaluation>,
    /// Current observations of the evaluated period's collection periods (provenance).
    pub observations: &'a [Observation],
    /// Overdue collections as of `generated_at`.
    pub overdue: &'a [CollectionItem],
    /// Every nonconformity (open ones are reported with their corrective actions).
    pub nonconformities: &'a [Nonconformity],
    /// Keep only measures whose information customers include this group or person.
    pub audience: Option<&'a str>,
    pub generated_at: jiff::Timestamp,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub format: u32,
    pub programme: String,
    pub organisation: String,
    pub period: Period,
    pub previous_period: Option<Period>,
    pub audience: Option<String>,
    pub generated_at: String,
    #[serde(skip)]
    pub generated_at_ts: jiff::Timestamp,
    pub summary: Summary,
    pub measures: Vec<MeasureSection>,
    pub attention: Vec<Attention>,
    pub overdue: Vec<Overdue>,
    /// Open nonconformities and their corrective actions, overdue first.
    pub corrective: Vec<OpenNonconformity>,
    pub rollups: Rollups,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub counts: StatusCounts,
    pub objectives: Vec<ObjectiveRollup>,
    pub changes: Vec<Change>,
    pub decisions: Vec<String>,
}

/// A measure whose status differs from the previous period.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub measure: String,
    pub name: String,
    pub from: Status,
    pub to: Status,
    pub value_from: Option<f64>,
    pub value_to: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Attention {
    pub measure: String,
    pub name: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Overdue {
    pub measure: String,
    pub base: String,
    pub period: Period,
    pub collector: String,
    pub due: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MeasureSection {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub unit: String,
    pub chart: String,
    pub status: Status,
    pub value: Option<f64>,
    pub target: f64,
    pub green: f64,
    pub red: Option<f64>,
    pub direction: &'static str,
    pub owner: String,
    pub verdict: Option<Verdict>,
    pub trend: String,
    pub control: String,
    pub centre: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub signals: Vec<String>,
    pub forecast: String,
    pub interpretation: Option<String>,
    pub quality: Vec<String>,
    pub diagnostics: Vec<String>,
    pub series: Vec<(Period, Option<f64>)>,
    pub construct: Construct,
    pub provenance: Vec<Provenance>,
}

/// The ISO/IEC 27004 fields of a measure's definition.
#[derive(Debug, Clone, Serialize)]
pub struct Construct {
    pub file: String,
    pub version: u32,
    pub information_need: String,
    pub objectives: Vec<String>,
    pub controls: Vec<String>,
    pub area: Option<String>,
    pub base: Vec<String>,
    pub derived: Vec<String>,
    pub indicator: String,
    pub decision_criteria: String,
    pub frequencies: String,
    pub roles: String,
    pub customers: Vec<String>,
}

/// Where one stored base value came from.
#[derive(Debug, Clone, Serialize)]
pub struct Provenance {
    pub observation: i64,
    pub base: String,
    pub period: Period,
    pub value: Option<f64>,
    pub recorded_by: String,
    pub recorded_at: String,
    pub method: String,
    pub definition_version: u32,
    pub evidence: String,
}

impl Report {
    pub fn build(input: &Input) -> Report {
        let settings = &input.programme.settings;
        let included = |m: &Measure| match input.audience {
            None => true,
            Some(who) => m
                .roles
                .customers
                .iter()
                .any(|c| c == who || settings.includes(c, who)),
        };
        let mut evaluation = input.evaluation.clone();
        evaluation
            .measures
            .retain(|e| input.programme.measure(&e.id).is_some_and(&included));
        let rollups = rollups(input.programme, &evaluation);
        let mut counts = StatusCounts::default();
        for k in &rollups.kinds {
            counts.green += k.counts.green;
            counts.amber += k.counts.amber;
            counts.red += k.counts.red;
            counts.no_data += k.counts.no_data;
            counts.deteriorating += k.counts.deteriorating;
        }
        let measures: Vec<MeasureSection> = evaluation
            .measures
            .iter()
            .filter_map(|e| {
                let m = input.programme.measure(&e.id)?;
                Some(section(input, m, e))
            })
            .collect();
        let changes = input.previous.map_or_else(Vec::new, |prev| {
            evaluation
                .measures
                .iter()
                .filter_map(|e| {
                    let before = prev.measures.iter().find(|p| p.id == e.id)?;
                    (before.status != e.status).then(|| Change {
                        measure: e.id.clone(),
                        name: e.name.clone(),
                        from: before.status,
                        to: e.status,
                        value_from: before.value,
                        value_to: e.value,
                    })
                })
                .collect()
        });
        let mut attention = Vec::new();
        let mut decisions = Vec::new();
        for s in &measures {
            let red = s.status == Status::Red;
            let worse = s.verdict == Some(Verdict::Deteriorating);
            let reason = match (red, worse) {
                (true, true) => "red and deteriorating",
                (true, false) => "red",
                (false, true) => "deteriorating",
                _ => continue,
            };
            attention.push(Attention {
                measure: s.id.clone(),
                name: s.name.clone(),
                reason: reason.to_string(),
            });
            let on_red = input
                .programme
                .measure(&s.id)
                .and_then(|m| m.indicator.on_red);
            if red {
                decisions.push(match on_red {
                    Some(OnRed::Nonconformity) => format!(
                        "{} {} is red: raise a nonconformity and decide the corrective action",
                        s.id, s.name
                    ),
                    _ => format!(
                        "{} {} is red: decide whether to act, accept the risk or revise the target",
                        s.id, s.name
                    ),
                });
            } else {
                decisions.push(format!(
                    "{} {} is deteriorating: decide whether to act before it turns red",
                    s.id, s.name
                ));
            }
        }
        let today = input
            .generated_at
            .to_zoned(settings.timezone.clone())
            .date();
        let shown: Vec<String> = measures.iter().map(|m| m.id.clone()).collect();
        let corrective = corrective::open(
            input.programme,
            input.nonconformities,
            input.audience.map(|_| shown.as_slice()),
            today,
        );
        for n in corrective.iter().filter(|n| n.overdue) {
            decisions.push(format!(
                "nonconformity {} is overdue ({}): confirm the owners' new dates or escalate",
                n.id,
                n.check
                    .as_deref()
                    .filter(|c| c.contains("overdue"))
                    .map_or("a corrective action is late", |c| c)
            ));
        }
        for o in &rollups.objectives {
            if o.on_track == Some(false) {
                decisions.push(format!(
                    "objective {} is off track ({}): confirm the plan to reach it",
                    o.id, o.reason
                ));
            }
        }
        let overdue = input
            .overdue
            .iter()
            .filter(|c| measures.iter().any(|m| m.id == c.measure))
            .map(|c| Overdue {
                measure: c.measure.clone(),
                base: c.base.clone(),
                period: c.period,
                collector: settings.display_name(&c.collector).to_string(),
                due: c.due.to_string(),
            })
            .collect();
        Report {
            format: 1,
            programme: settings.name.clone(),
            organisation: settings.organisation.clone(),
            period: input.evaluation.period,
            previous_period: input.previous.map(|p| p.period),
            audience: input.audience.map(str::to_string),
            generated_at: input
                .generated_at
                .strftime("%Y-%m-%d %H:%M UTC")
                .to_string(),
            generated_at_ts: input.generated_at,
            summary: Summary {
                counts,
                objectives: rollups.objectives.clone(),
                changes,
                decisions,
            },
            measures,
            attention,
            overdue,
            corrective,
            rollups,
        }
    }
}

fn section(input: &Input, m: &Measure, e: &MeasureEvaluation) -> MeasureSection {
    let settings = &input.programme.settings;
    let a = e.analysis.as_ref();
    let trend = a.map_or_else(String::new, |a| crate::text::trend(&a.trend));
    let control = a.map_or_else(String::new, |a| crate::text::control(&a.control));
    let i = &m.indicator;
    let criteria = match (i.direction, i.red) {
        (Direction::HigherIsBetter, Some(r)) => format!(
            "higher is better: green at {} or more, red below {r}, amber between; target {}",
            i.green, i.target
        ),
        (Direction::LowerIsBetter, Some(r)) => format!(
            "lower is better: green at {} or less, red above {r}, amber between; target {}",
            i.green, i.target
        ),
        (Direction::HigherIsBetter, None) => format!(
            "higher is better: green at {} or more, otherwise red; target {}",
            i.green, i.target
        ),
        (Direction::LowerIsBetter, None) => format!(
            "lower is better: green at {} or less, otherwise red; target {}",
            i.green, i.target
        ),
    };
    let person = |id: &str| settings.display_name(id).to_string();
    let provenance = input
        .observations
        .iter()
        .filter(|o| o.new.measure == m.id && e.collection_periods.contains(&o.new.period))
        .map(|o| {
            let ev = &o.new.evidence;
            let evidence = match (&ev.name, &ev.sha256, &ev.url) {
                (Some(n), Some(h), _) => format!("{n} (sha256 {h})"),
                (_, _, Some(u)) => u.clone(),
                _ => "none".to_string(),
            };
            Provenance {
                observation: o.id,
                base: o.new.base.clone(),
                period: o.new.period,
                value: o.new.value,
                recorded_by: o.new.recorded_by.clone(),
                recorded_at: o.new.recorded_at.strftime("%Y-%m-%d %H:%M UTC").to_string(),
                method: o.new.method.as_str().to_string(),
                definition_version: o.new.definition_version,
                evidence,
            }
        })
        .collect();
    let f = &m.frequency;
    MeasureSection {
        id: m.id.clone(),
        name: m.name.clone(),
        kind: m.kind.as_str().to_string(),
        unit: m.unit.clone(),
        chart: m.chart.as_str().to_string(),
        status: e.status,
        value: e.value,
        target: i.target,
        green: i.green,
        red: i.red,
        direction: i.direction.as_str(),
        owner: person(&m.roles.owner),
        verdict: a.and_then(|a| a.trend.verdict),
        trend,
        control,
        centre: a.and_then(|a| a.control.centre),
        lower: a.and_then(|a| a.control.lower),
        upper: a.and_then(|a| a.control.upper),
        signals: a.map_or_else(Vec::new, |a| {
            a.control
                .signals
                .iter()
                .map(|s| format!("{}: {}", s.period, crate::text::rule(s.rule)))
                .collect()
        }),
        forecast: a.map_or_else(String::new, |a| a.forecast.note.clone()),
        interpretation: i.interpretation.clone(),
        quality: a.map_or_else(Vec::new, |a| a.quality.clone()),
        diagnostics: e.diagnostics.clone(),
        series: a.map_or_else(Vec::new, |a| a.series.clone()),
        construct: Construct {
            file: m.file.clone(),
            version: m.version,
            information_need: m.information_need.clone(),
            objectives: m.objectives.clone(),
            controls: m
                .controls
                .iter()
                .map(|c| match clause9_core::controls::name_of(c) {
                    Some(n) => format!("{c} {n}"),
                    None => c.clone(),
                })
                .collect(),
            area: m.area.clone(),
            base: m
                .base
                .iter()
                .map(|b| {
                    let method = match &b.method {
                        BaseMethod::Manual { .. } => "entered by hand".to_string(),
                        BaseMethod::Query { source, .. } => format!("queried from `{source}`"),
                    };
                    format!(
                        "{}: {} ({method}, combined by {})",
                        b.id,
                        b.description,
                        b.aggregate.as_str()
                    )
                })
                .collect(),
            derived: m
                .derived
                .iter()
                .map(|d| format!("{} = {}", d.id, d.formula.text()))
                .collect(),
            indicator: i.measure.clone(),
            decision_criteria: criteria,
            frequencies: format!(
                "collected {}, analysed {}, reported {}, reviewed {}; due {} days after each collection period",
                f.collection, f.analysis, f.reporting, f.review, f.due_days
            ),
            roles: format!(
                "owner {}, collector {}, analyst {}, communicator {}",
                person(&m.roles.owner),
                person(&m.roles.collector),
                person(&m.roles.analyst),
                person(&m.roles.communicator)
            ),
            customers: m.roles.customers.clone(),
        },
        provenance,
    }
}
