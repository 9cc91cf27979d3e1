//! Auditor independence and competence: nobody audits an area they own or a
//! measure they own or collect, and auditors are competent for the scope
//! according to the auditor register.

use super::ScopeItem;
use crate::programme::Programme;
use crate::registers::Registers;

/// Every reason `person` cannot audit `scope` impartially (empty: independent).
pub fn conflicts(programme: &Programme, scope: &[ScopeItem], person: &str) -> Vec<String> {
    let settings = &programme.settings;
    let mut out = Vec::new();
    let mut areas: Vec<&str> = scope.iter().filter_map(|i| i.area.as_deref()).collect();
    areas.sort();
    areas.dedup();
    for a in &areas {
        if let Some(area) = settings.areas.get(*a)
            && settings.includes(&area.owner, person)
        {
            out.push(format!(
                "{person} owns area `{a}` ({}), which is in scope",
                area.title
            ));
        }
    }
    for m in &programme.measures {
        let by_area = m.area.as_deref().is_some_and(|a| areas.contains(&a));
        let by_control = m.controls.iter().find(|c| {
            scope
                .iter()
                .any(|i| &i.requirement == *c && (i.area.is_none() || i.area == m.area))
        });
        if !by_area && by_control.is_none() {
            continue;
        }
        let why = if by_area {
            format!("its area `{}` is in scope", m.area.as_deref().unwrap_or(""))
        } else {
            format!(
                "its control {} is in scope",
                by_control.map_or("", |c| c.as_str())
            )
        };
        for (role, who) in [("owns", &m.roles.owner), ("collects", &m.roles.collector)] {
            if settings.includes(who, person) {
                out.push(format!("{person} {role} measure {} ({why})", m.id));
            }
        }
    }
    out
}

/// Why `person` is not competent to audit `scope` (empty: competent).
pub fn competence_gaps(registers: &Registers, scope: &[ScopeItem], person: &str) -> Vec<String> {
    let Some(auditor) = registers.auditor(person) else {
        return vec![format!(
            "{person} is not in the auditor register: add them to registers/auditors.toml with their competence"
        )];
    };
    let mut missing: Vec<&str> = scope
        .iter()
        .map(|i| i.requirement.as_str())
        .filter(|r| !auditor.competent_for(r))
        .collect();
    missing.sort();
    missing.dedup();
    if missing.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "{person} is not competent for {} (competence: {})",
            missing.join(", "),
            auditor.competence.join(", ")
        )]
    }
}
