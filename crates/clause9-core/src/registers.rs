//! The ISMS registers kept as programme files under `registers/`: context
//! issues, interested parties, their feedback, risks, the statement of
//! applicability, auditors and the audit settings (grades, cycle).

pub mod csv;

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::controls::ANNEX_A;

/// Every register of a programme; each one is empty when its file is absent.
#[derive(Debug, Clone)]
pub struct Registers {
    pub issues: Vec<ContextIssue>,
    pub parties: Vec<Party>,
    pub feedback: Vec<Feedback>,
    pub risks: Vec<Risk>,
    /// Annex A controls declared not applicable, with the justification.
    pub exclusions: BTreeMap<String, String>,
    /// Justifications or notes for applicable controls listed in the SoA.
    pub soa_notes: BTreeMap<String, String>,
    pub auditors: Vec<Auditor>,
    pub audit: AuditSettings,
    /// Months between management reviews (`registers/reviews.toml`, default 12).
    pub review_interval_months: u32,
}

/// An external or internal issue (ISO/IEC 27001 4.1).
#[derive(Debug, Clone, PartialEq)]
pub struct ContextIssue {
    pub id: String,
    pub title: String,
    pub external: bool,
    pub description: String,
    /// When the issue last changed (or was first recorded).
    pub changed: Date,
}

/// An interested party and what it requires (4.2).
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    pub id: String,
    pub name: String,
    pub requirements: Vec<String>,
    pub changed: Date,
}

/// Feedback received from an interested party (9.3.2 e).
#[derive(Debug, Clone, PartialEq)]
pub struct Feedback {
    pub id: String,
    pub party: String,
    pub date: Date,
    pub summary: String,
    pub sentiment: String,
}

/// One risk of the risk register (6.1.2, 6.1.3, 8.2, 8.3).
#[derive(Debug, Clone, PartialEq)]
pub struct Risk {
    pub id: String,
    pub title: String,
    pub owner: String,
    /// 1 (rare) to 5 (almost certain).
    pub likelihood: u8,
    /// 1 (negligible) to 5 (severe).
    pub impact: u8,
    pub treatment: String,
    pub status: String,
    pub area: Option<String>,
    pub controls: Vec<String>,
    pub measures: Vec<String>,
    pub changed: Option<Date>,
}

impl Risk {
    /// likelihood × impact, 1 to 25.
    pub fn score(&self) -> u8 {
        self.likelihood * self.impact
    }
}

/// A person who may audit, with what they are competent to audit.
#[derive(Debug, Clone, PartialEq)]
pub struct Auditor {
    pub person: String,
    /// Clause or control prefixes (`9`, `A.8`, `A.5.15`) or `all`.
    pub competence: Vec<String>,
    pub qualifications: Vec<String>,
}

impl Auditor {
    /// Is this auditor competent for a clause or control id?
    pub fn competent_for(&self, item: &str) -> bool {
        self.competence.iter().any(|c| {
            c == "all"
                || item == c
                || item
                    .strip_prefix(c.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    }
}

/// How audit findings are graded, and the audit programme's cycle.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditSettings {
    pub cycle_months: u32,
    /// The first month of the first audit cycle (default: the programme's
    /// first period); later cycles follow every `cycle_months`.
    pub cycle_start: Option<crate::period::Period>,
    /// A risk whose score reaches this is high.
    pub high_risk: u8,
    pub grades: Vec<Grade>,
}

/// A finding grade; a grade with `nonconformity` set opens a 10.2 record.
#[derive(Debug, Clone, PartialEq)]
pub struct Grade {
    pub id: String,
    pub name: String,
    /// `Some("major")` or `Some("minor")` for nonconformities.
    pub nonconformity: Option<String>,
    /// Fed to review input (g) as an improvement opportunity.
    pub improvement: bool,
}

impl AuditSettings {
    /// The first month of the audit cycle that holds `this_month`.
    pub fn cycle_holding(
        &self,
        programme: &crate::Programme,
        this_month: crate::period::Period,
    ) -> crate::period::Period {
        use crate::period::Frequency;
        let first = self.cycle_start.unwrap_or_else(|| {
            programme
                .settings
                .first_period
                .enclosing(Frequency::Monthly)
                .unwrap_or(programme.settings.first_period)
        });
        current_cycle(first, self.cycle_months, this_month)
    }
}

/// The first month of the audit cycle that holds `this_month`: cycles of
/// `months` months follow one another from `first`, the first cycle's start
/// (`first` itself while `this_month` is before the end of the first cycle).
pub(crate) fn current_cycle(
    first: crate::period::Period,
    months: u32,
    this_month: crate::period::Period,
) -> crate::period::Period {
    let mut start = first;
    loop {
        let mut next = start;
        for _ in 0..months.max(1) {
            next = next.next();
        }
        if next > this_month {
            return start;
        }
        start = next;
    }
}

impl Default for AuditSettings {
    fn default() -> Self {
        let grade = |id: &str, name: &str, nc: Option<&str>, improvement| Grade {
            id: id.into(),
            name: name.into(),
            nonconformity: nc.map(String::from),
            improvement,
        };
        AuditSettings {
            cycle_months: 36,
            cycle_start: None,
            high_risk: 15,
            grades: vec![
                grade("major", "major nonconformity", Some("major"), false),
                grade("minor", "minor nonconformity", Some("minor"), false),
                grade("observation", "observation", None, true),
                grade("opportunity", "opportunity for improvement", None, true),
                grade("conformity", "conformity", None, false),
            ],
        }
    }
}

impl Default for Registers {
    fn default() -> Self {
        Registers {
            issues: Vec::new(),
            parties: Vec::new(),
            feedback: Vec::new(),
            risks: Vec::new(),
            exclusions: BTreeMap::new(),
            soa_notes: BTreeMap::new(),
            auditors: Vec::new(),
            audit: AuditSettings::default(),
            review_interval_months: 12,
        }
    }
}

impl Registers {
    /// Annex A controls that apply (every control not excluded in the SoA).
    pub fn applicable_controls(&self) -> Vec<&'static str> {
        ANNEX_A
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| !self.exclusions.contains_key(*id))
            .collect()
    }

    pub fn auditor(&self, person: &str) -> Option<&Auditor> {
        self.auditors.iter().find(|a| a.person == person)
    }

    pub fn grade(&self, id: &str) -> Option<&Grade> {
        self.audit.grades.iter().find(|g| g.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn competence_by_prefix() {
        let a = Auditor {
            person: "x".into(),
            competence: vec!["A.8".into(), "9".into()],
            qualifications: vec![],
        };
        assert!(a.competent_for("A.8.8"));
        assert!(a.competent_for("9.2"));
        assert!(!a.competent_for("A.80.1"));
        assert!(!a.competent_for("A.5.1"));
        assert!(!a.competent_for("10.2"));
    }
}
