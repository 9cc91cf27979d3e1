//! The management review input pack: one section per input of 9.3.2, (a) to
//! (g) with (d) in four parts, assembled from live data. A section with
//! nothing to report says so; none is ever left out.

use jiff::civil::Date;

use super::{INPUTS, Review};
use crate::audit::Audit;
use crate::doc::Doc;
use crate::evaluation::{Evaluation, Status};
use crate::measure::OnRed;
use crate::nonconformity::{Nonconformity, State};
use crate::programme::Programme;
use crate::registers::Registers;

/// Everything the pack is made from.
pub struct PackInput<'a> {
    pub date: Date,
    /// The date of the last signed review before `date`, if any.
    pub since: Option<Date>,
    pub programme: &'a Programme,
    pub registers: &'a Registers,
    /// Earlier reviews (their action items feed input a).
    pub reviews: &'a [Review],
    pub nonconformities: &'a [Nonconformity],
    /// Evaluations of consecutive periods, oldest first, the last one the latest complete.
    pub evaluations: &'a [Evaluation],
    pub audits: &'a [Audit],
}

impl PackInput<'_> {
    fn in_window(&self, d: Date) -> bool {
        d <= self.date && self.since.is_none_or(|s| d > s)
    }
    fn window(&self) -> String {
        match self.since {
            Some(s) => format!("since the last review on {s}"),
            None => "since records began (no earlier signed review)".to_string(),
        }
    }
}

/// The months whose evaluations feed a pack dated `day`: from the month
/// after the last review `since` (at most 12, not before the programme's
/// `first_period`) to the last month that ended before `day`.
pub fn evaluation_months(
    first_period: crate::period::Period,
    since: Option<Date>,
    day: Date,
) -> Vec<crate::period::Period> {
    use crate::period::{Frequency, Period};
    let last = Period::containing(Frequency::Monthly, day).prev();
    let first_month = first_period.enclosing(Frequency::Monthly);
    let mut first = last;
    for _ in 0..11 {
        let p = first.prev();
        if since.is_some_and(|s| p.last_day() <= s) || first_month.is_some_and(|f| p < f) {
            break;
        }
        first = p;
    }
    let mut out = vec![first];
    while out[out.len() - 1] != last {
        let next = out[out.len() - 1].next();
        out.push(next);
    }
    out
}

/// The pack as a document: sections keyed `a` … `g`.
pub fn pack(input: &PackInput) -> Doc {
    let mut d = Doc::new(format!(
        "Management review input pack — {} — {}",
        input.programme.settings.organisation, input.date
    ));
    d.p(format!(
        "Period covered: {}, up to {}.",
        input.window(),
        input.date
    ));
    for (key, title) in INPUTS {
        d.h(2, format!("({key}) {title}"));
        let before = d.blocks.len();
        match *key {
            "a" => actions(input, &mut d),
            "b" => issues(input, &mut d),
            "c" => parties(input, &mut d),
            "d1" => nonconformities(input, &mut d),
            "d2" => measurement(input, &mut d),
            "d3" => audits(input, &mut d),
            "d4" => objectives(input, &mut d),
            "e" => feedback(input, &mut d),
            "f" => risks(input, &mut d),
            _ => improvement(input, &mut d),
        }
        if d.blocks.len() == before {
            d.p(format!("Nothing to report {}.", input.window()));
        }
    }
    d
}

fn actions(input: &PackInput, d: &mut Doc) {
    let mut rows = Vec::new();
    for r in input.reviews.iter().filter(|r| r.date < input.date) {
        for a in &r.actions {
            let status = match r
                .done
                .iter()
                .find(|(id, on, _)| *id == a.id && *on <= input.date)
            {
                Some((_, on, note)) => format!("done on {on}: {note}"),
                None if a.due < input.date => format!("OPEN, overdue since {}", a.due),
                None => "open".to_string(),
            };
            rows.push(vec![
                format!("{}/{}", r.id, a.id),
                a.description.clone(),
                a.owner.clone(),
                a.due.to_string(),
                status,
            ]);
        }
    }
    if !rows.is_empty() {
        d.table(&["action", "description", "owner", "due", "status"], rows);
    }
}

fn issues(input: &PackInput, d: &mut Doc) {
    let rows: Vec<Vec<String>> = input
        .registers
        .issues
        .iter()
        .filter(|i| input.in_window(i.changed))
        .map(|i| {
            vec![
                i.id.clone(),
                if i.external { "external" } else { "internal" }.into(),
                i.title.clone(),
                i.changed.to_string(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        d.table(&["issue", "kind", "title", "changed"], rows);
    }
}

fn parties(input: &PackInput, d: &mut Doc) {
    let rows: Vec<Vec<String>> = input
        .registers
        .parties
        .iter()
        .filter(|p| input.in_window(p.changed))
        .map(|p| {
            vec![
                p.id.clone(),
                p.name.clone(),
                p.requirements.join("; "),
                p.changed.to_string(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        d.table(&["party", "name", "requirements", "changed"], rows);
    }
}

fn nonconformities(input: &PackInput, d: &mut Doc) {
    let ncs = input.nonconformities;
    let raised = ncs.iter().filter(|n| input.in_window(n.raised_on)).count();
    let closed = ncs
        .iter()
        .filter(|n| n.closed_on.is_some_and(|c| input.in_window(c)))
        .count();
    let relevant: Vec<&Nonconformity> = ncs
        .iter()
        .filter(|n| n.raised_on <= input.date)
        .filter(|n| n.is_open() || n.closed_on.is_some_and(|c| input.in_window(c)))
        .collect();
    if relevant.is_empty() && raised == 0 {
        return;
    }
    let open = ncs
        .iter()
        .filter(|n| n.is_open() && n.raised_on <= input.date)
        .count();
    d.p(format!(
        "{raised} raised and {closed} closed {}; {open} open on {}.",
        input.window(),
        input.date
    ));
    let rows = relevant
        .iter()
        .map(|n| {
            let overdue = if n.is_overdue(input.date) {
                "overdue"
            } else {
                ""
            };
            let reopened = if n.history.iter().any(|s| s.event == "reopened") {
                "reopened once or more"
            } else {
                ""
            };
            vec![
                n.id.clone(),
                n.source.kind().to_string(),
                n.source.reference(),
                n.severity.clone(),
                n.state.as_str().to_string(),
                format!(
                    "{}/{} implemented",
                    n.actions
                        .iter()
                        .filter(|a| a.implemented_on.is_some())
                        .count(),
                    n.actions.len()
                ),
                [overdue, reopened]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    d.table(
        &[
            "id",
            "source",
            "reference",
            "severity",
            "state",
            "actions",
            "notes",
        ],
        rows,
    );
}

fn measurement(input: &PackInput, d: &mut Doc) {
    let Some(latest) = input.evaluations.last() else {
        return;
    };
    let first = &input.evaluations[0];
    let mut rows = Vec::new();
    for m in &latest.measures {
        let statuses: Vec<Status> = input
            .evaluations
            .iter()
            .filter_map(|e| e.measures.iter().find(|x| x.id == m.id).map(|x| x.status))
            .collect();
        let changes = statuses.windows(2).filter(|w| w[0] != w[1]).count();
        let trend = match (
            first
                .measures
                .iter()
                .find(|x| x.id == m.id)
                .and_then(|x| x.value),
            m.value,
        ) {
            (Some(a), Some(b)) => input
                .programme
                .measure(&m.id)
                .map(|def| {
                    if a == b {
                        "steady"
                    } else if def.indicator.direction.at_least_as_good(b, a) {
                        "improving"
                    } else {
                        "deteriorating"
                    }
                })
                .unwrap_or(""),
            _ => "no trend (missing data)",
        };
        let history: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
        rows.push(vec![
            m.id.clone(),
            m.status.as_str().to_string(),
            history.join(" → "),
            format!("{changes} status changes"),
            trend.to_string(),
            if m.status == Status::Red {
                "signal: red".into()
            } else {
                String::new()
            },
        ]);
    }
    d.p(format!("Periods {} to {}.", first.period, latest.period));
    d.table(
        &[
            "measure", "latest", "statuses", "changes", "trend", "signal",
        ],
        rows,
    );
}

fn audits(input: &PackInput, d: &mut Doc) {
    let relevant: Vec<&Audit> = input
        .audits
        .iter()
        .filter(|a| input.in_window(a.plan.start))
        .collect();
    if relevant.is_empty() {
        return;
    }
    let rows = relevant
        .iter()
        .map(|a| {
            let by_grade: Vec<String> = input
                .registers
                .audit
                .grades
                .iter()
                .map(|g| (g, a.findings.iter().filter(|f| f.grade == g.id).count()))
                .filter(|(_, n)| *n > 0)
                .map(|(g, n)| format!("{n} {}", g.name))
                .collect();
            vec![
                a.id.clone(),
                a.plan.title.clone(),
                a.plan.start.to_string(),
                if a.completed.is_some() {
                    "completed"
                } else {
                    "in progress"
                }
                .to_string(),
                if by_grade.is_empty() {
                    "no findings".into()
                } else {
                    by_grade.join(", ")
                },
            ]
        })
        .collect();
    d.table(&["audit", "title", "start", "state", "findings"], rows);
    let ncs: Vec<String> = relevant
        .iter()
        .flat_map(|a| {
            a.findings.iter().filter_map(|f| {
                f.nonconformity
                    .as_ref()
                    .map(|n| format!("{}/{} opened {n}: {}", a.id, f.id, f.statement))
            })
        })
        .collect();
    if !ncs.is_empty() {
        d.list(ncs);
    }
}

fn objectives(input: &PackInput, d: &mut Doc) {
    let latest = input.evaluations.last();
    let mut rows = Vec::new();
    for (id, o) in &input.programme.settings.objectives {
        let measures: Vec<String> = input
            .programme
            .measures
            .iter()
            .filter(|m| m.objectives.contains(id))
            .map(|m| {
                let s = latest
                    .and_then(|e| e.measures.iter().find(|x| x.id == m.id))
                    .map_or("not evaluated", |x| x.status.as_str());
                format!("{} {s}", m.id)
            })
            .collect();
        let met = !measures.is_empty() && measures.iter().all(|m| m.ends_with(" green"));
        rows.push(vec![
            id.clone(),
            o.title.clone(),
            o.due.map_or(String::new(), |d| d.to_string()),
            if measures.is_empty() {
                "no measure linked".into()
            } else {
                measures.join(", ")
            },
            if met {
                "on track".into()
            } else {
                "not yet fulfilled".into()
            },
        ]);
    }
    if !rows.is_empty() {
        d.table(
            &["objective", "title", "due", "measures", "fulfilment"],
            rows,
        );
    }
}

fn feedback(input: &PackInput, d: &mut Doc) {
    let rows: Vec<Vec<String>> = input
        .registers
        .feedback
        .iter()
        .filter(|f| input.in_window(f.date))
        .map(|f| {
            vec![
                f.date.to_string(),
                f.party.clone(),
                f.sentiment.clone(),
                f.summary.clone(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        d.table(&["date", "party", "sentiment", "summary"], rows);
    }
}

fn risks(input: &PackInput, d: &mut Doc) {
    let risks = &input.registers.risks;
    if risks.is_empty() {
        return;
    }
    let high = input.registers.audit.high_risk;
    let n_high = risks
        .iter()
        .filter(|r| r.score() >= high && r.status != "closed")
        .count();
    d.p(format!(
        "{} risks in the register; {n_high} high (score {high} or more) and not closed.",
        risks.len()
    ));
    let mut sorted: Vec<_> = risks.iter().collect();
    sorted.sort_by(|a, b| b.score().cmp(&a.score()).then(a.id.cmp(&b.id)));
    d.table(
        &[
            "risk",
            "title",
            "score",
            "treatment",
            "status",
            "owner",
            "changed",
        ],
        sorted
            .iter()
            .map(|r| {
                vec![
                    r.id.clone(),
                    r.title.clone(),
                    format!("{} ({}×{})", r.score(), r.likelihood, r.impact),
                    r.treatment.clone(),
                    r.status.clone(),
                    r.owner.clone(),
                    r.changed.map_or(String::new(), |c| c.to_string()),
                ]
            })
            .collect(),
    );
}

fn improvement(input: &PackInput, d: &mut Doc) {
    let mut items = Vec::new();
    for a in input
        .audits
        .iter()
        .filter(|a| input.in_window(a.plan.start))
    {
        for f in &a.findings {
            if input
                .registers
                .grade(&f.grade)
                .is_some_and(|g| g.improvement)
            {
                items.push(format!(
                    "audit {}/{} ({}): {}",
                    a.id, f.id, f.grade, f.statement
                ));
            }
        }
    }
    if let Some(latest) = input.evaluations.last() {
        for m in &latest.measures {
            let on_review = input
                .programme
                .measure(&m.id)
                .is_some_and(|d| d.indicator.on_red == Some(OnRed::Review));
            if m.status == Status::Amber {
                items.push(format!("measure {} is amber in {}", m.id, latest.period));
            } else if m.status == Status::Red && on_review {
                items.push(format!(
                    "measure {} is red in {} and asks for review",
                    m.id, latest.period
                ));
            }
        }
    }
    for n in input
        .nonconformities
        .iter()
        .filter(|n| n.state == State::Reopened)
    {
        items.push(format!(
            "{}: corrective action was not effective; rethink the approach",
            n.id
        ));
    }
    if !items.is_empty() {
        d.list(items);
    }
}
