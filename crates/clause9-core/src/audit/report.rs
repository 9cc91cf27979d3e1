//! An audit's checklist (generated from its scope) and its report, as
//! documents rendered to Markdown or HTML.

use super::{Audit, ScopeItem};
use crate::controls::name_of;
use crate::doc::Doc;
use crate::programme::Programme;
use crate::registers::Registers;

/// One checklist question.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Question {
    pub item: ScopeItem,
    pub question: String,
    /// Measures that give evidence for it.
    pub measures: Vec<String>,
}

/// Questions for every item of the scope, with the measures that can serve as evidence.
pub fn checklist(programme: &Programme, scope: &[ScopeItem]) -> Vec<Question> {
    let mut out = Vec::new();
    for item in scope {
        let name = name_of(&item.requirement).unwrap_or("");
        let place = item
            .area
            .as_ref()
            .map_or("across the ISMS".to_string(), |a| format!("in area `{a}`"));
        let measures: Vec<String> = programme
            .measures
            .iter()
            .filter(|m| m.controls.contains(&item.requirement))
            .filter(|m| item.area.is_none() || m.area == item.area)
            .map(|m| m.id.clone())
            .collect();
        let kind = if item.requirement.starts_with("A.") {
            "control"
        } else {
            "clause"
        };
        out.push(Question {
            item: item.clone(),
            question: format!(
                "Is {kind} {} ({name}) defined, implemented and effective {place}? What evidence shows it?",
                item.requirement
            ),
            measures: measures.clone(),
        });
        if !measures.is_empty() {
            out.push(Question {
                item: item.clone(),
                question: format!(
                    "Are the results of {} collected as defined, with evidence, and acted on when red?",
                    measures.join(", ")
                ),
                measures,
            });
        }
    }
    out
}

/// The checklist as a document.
pub fn checklist_doc(programme: &Programme, audit: &Audit) -> Doc {
    let mut d = Doc::new(format!("Checklist for {} — {}", audit.id, audit.plan.title));
    let rows = checklist(programme, &audit.plan.scope)
        .into_iter()
        .map(|q| {
            vec![
                q.item.label(),
                q.question,
                q.measures.join(", "),
                String::new(),
            ]
        })
        .collect();
    d.table(
        &["item", "question", "evidence from measures", "result"],
        rows,
    );
    d
}

/// The audit report.
pub fn report_doc(programme: &Programme, registers: &Registers, audit: &Audit) -> Doc {
    let p = &audit.plan;
    let mut d = Doc::new(format!("Internal audit report {} — {}", audit.id, p.title));
    d.p(format!("Organisation: {}", programme.settings.organisation));
    d.h(2, "Plan");
    d.list(vec![
        format!("Objectives: {}", p.objectives),
        format!(
            "Scope: {}",
            p.scope
                .iter()
                .map(ScopeItem::label)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!("Criteria: {}", p.criteria),
        format!("Dates: {} to {}", p.start, p.end),
        format!("Methods: {}", p.methods),
        format!(
            "Auditors: {}",
            audit
                .auditors
                .iter()
                .map(|a| format!("{} ({a})", programme.settings.display_name(a)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ]);
    d.h(2, "Findings");
    if audit.findings.is_empty() {
        d.p("No findings recorded.");
    } else {
        let rows = audit
            .findings
            .iter()
            .map(|f| {
                let grade = registers
                    .grade(&f.grade)
                    .map_or(f.grade.clone(), |g| g.name.clone());
                vec![
                    f.id.clone(),
                    f.item.label(),
                    grade,
                    f.statement.clone(),
                    f.evidence.clone(),
                    f.nonconformity.clone().unwrap_or_default(),
                ]
            })
            .collect();
        d.table(
            &[
                "id",
                "item",
                "grade",
                "finding",
                "evidence",
                "nonconformity",
            ],
            rows,
        );
    }
    d.h(2, "Summary by grade");
    let counts = registers
        .audit
        .grades
        .iter()
        .map(|g| {
            let n = audit.findings.iter().filter(|f| f.grade == g.id).count();
            format!("{}: {n}", g.name)
        })
        .collect();
    d.list(counts);
    d.h(2, "Conclusion");
    match &audit.completed {
        Some((on, summary)) => d.p(format!("Completed on {on}: {summary}")),
        None => d.p("The audit is not completed yet."),
    };
    d
}
