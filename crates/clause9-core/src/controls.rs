//! The audit universe's reference lists: ISO/IEC 27001:2022 management-system
//! clauses and Annex A control ids, with short names in our own words.

/// An Annex A theme (the four groups of controls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Theme {
    Organizational,
    People,
    Physical,
    Technological,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Organizational => "organizational",
            Theme::People => "people",
            Theme::Physical => "physical",
            Theme::Technological => "technological",
        }
    }
}

/// Management-system clauses (4 to 10) with their sub-clauses.
pub const CLAUSES: &[(&str, &str)] = &[
    ("4", "context of the organisation"),
    ("4.1", "organisation and its context"),
    ("4.2", "interested parties"),
    ("4.3", "ISMS scope"),
    ("4.4", "the ISMS itself"),
    ("5", "leadership"),
    ("5.1", "leadership and commitment"),
    ("5.2", "security policy"),
    ("5.3", "roles, responsibilities and authorities"),
    ("6", "planning"),
    ("6.1", "risks and opportunities"),
    ("6.1.1", "general planning for risks"),
    ("6.1.2", "risk assessment"),
    ("6.1.3", "risk treatment"),
    ("6.2", "security objectives"),
    ("6.3", "planning of changes"),
    ("7", "support"),
    ("7.1", "resources"),
    ("7.2", "competence"),
    ("7.3", "awareness"),
    ("7.4", "communication"),
    ("7.5", "documented information"),
    ("8", "operation"),
    ("8.1", "operational planning and control"),
    ("8.2", "risk assessment in operation"),
    ("8.3", "risk treatment in operation"),
    ("9", "performance evaluation"),
    ("9.1", "monitoring, measurement, analysis and evaluation"),
    ("9.2", "internal audit"),
    ("9.2.1", "internal audit: general"),
    ("9.2.2", "internal audit programme"),
    ("9.3", "management review"),
    ("9.3.1", "management review: general"),
    ("9.3.2", "management review inputs"),
    ("9.3.3", "management review results"),
    ("10", "improvement"),
    ("10.1", "continual improvement"),
    ("10.2", "nonconformity and corrective action"),
];

/// The 93 Annex A controls of ISO/IEC 27001:2022 with our short names.
pub const ANNEX_A: &[(&str, &str)] = &[
    ("A.5.1", "security policies"),
    ("A.5.2", "roles and responsibilities"),
    ("A.5.3", "segregation of duties"),
    ("A.5.4", "management responsibilities"),
    ("A.5.5", "contact with authorities"),
    ("A.5.6", "contact with special interest groups"),
    ("A.5.7", "threat intelligence"),
    ("A.5.8", "security in project management"),
    ("A.5.9", "asset inventory"),
    ("A.5.10", "acceptable use"),
    ("A.5.11", "return of assets"),
    ("A.5.12", "classification"),
    ("A.5.13", "labelling"),
    ("A.5.14", "information transfer"),
    ("A.5.15", "access control"),
    ("A.5.16", "identity management"),
    ("A.5.17", "authentication information"),
    ("A.5.18", "access rights"),
    ("A.5.19", "supplier relationships"),
    ("A.5.20", "supplier agreements"),
    ("A.5.21", "ICT supply chain"),
    ("A.5.22", "supplier monitoring"),
    ("A.5.23", "cloud services"),
    ("A.5.24", "incident management planning"),
    ("A.5.25", "assessing security events"),
    ("A.5.26", "incident response"),
    ("A.5.27", "learning from incidents"),
    ("A.5.28", "evidence collection"),
    ("A.5.29", "security during disruption"),
    ("A.5.30", "ICT readiness for continuity"),
    ("A.5.31", "legal and contractual requirements"),
    ("A.5.32", "intellectual property"),
    ("A.5.33", "protection of records"),
    ("A.5.34", "privacy and PII"),
    ("A.5.35", "independent review"),
    ("A.5.36", "compliance with policies"),
    ("A.5.37", "documented operating procedures"),
    ("A.6.1", "screening"),
    ("A.6.2", "terms of employment"),
    ("A.6.3", "awareness and training"),
    ("A.6.4", "disciplinary process"),
    ("A.6.5", "after termination or change"),
    ("A.6.6", "confidentiality agreements"),
    ("A.6.7", "remote working"),
    ("A.6.8", "event reporting"),
    ("A.7.1", "perimeters"),
    ("A.7.2", "physical entry"),
    ("A.7.3", "offices and rooms"),
    ("A.7.4", "physical monitoring"),
    ("A.7.5", "physical and environmental threats"),
    ("A.7.6", "working in secure areas"),
    ("A.7.7", "clear desk and screen"),
    ("A.7.8", "equipment siting"),
    ("A.7.9", "off-premises assets"),
    ("A.7.10", "storage media"),
    ("A.7.11", "supporting utilities"),
    ("A.7.12", "cabling"),
    ("A.7.13", "equipment maintenance"),
    ("A.7.14", "secure disposal or re-use"),
    ("A.8.1", "endpoint devices"),
    ("A.8.2", "privileged access"),
    ("A.8.3", "access restriction"),
    ("A.8.4", "source code access"),
    ("A.8.5", "secure authentication"),
    ("A.8.6", "capacity"),
    ("A.8.7", "malware protection"),
    ("A.8.8", "technical vulnerabilities"),
    ("A.8.9", "configuration management"),
    ("A.8.10", "information deletion"),
    ("A.8.11", "data masking"),
    ("A.8.12", "data leakage prevention"),
    ("A.8.13", "backup"),
    ("A.8.14", "redundancy"),
    ("A.8.15", "logging"),
    ("A.8.16", "monitoring activities"),
    ("A.8.17", "clock synchronisation"),
    ("A.8.18", "privileged utilities"),
    ("A.8.19", "software installation"),
    ("A.8.20", "network security"),
    ("A.8.21", "network services"),
    ("A.8.22", "network segregation"),
    ("A.8.23", "web filtering"),
    ("A.8.24", "cryptography"),
    ("A.8.25", "secure development life cycle"),
    ("A.8.26", "application security requirements"),
    ("A.8.27", "secure architecture"),
    ("A.8.28", "secure coding"),
    ("A.8.29", "security testing"),
    ("A.8.30", "outsourced development"),
    ("A.8.31", "separation of environments"),
    ("A.8.32", "change management"),
    ("A.8.33", "test information"),
    ("A.8.34", "protection during audit testing"),
];

/// The theme of an Annex A control id (`A.8.8` → technological).
pub fn theme_of(control: &str) -> Option<Theme> {
    let rest = control.strip_prefix("A.")?;
    ANNEX_A.iter().find(|(id, _)| *id == control)?;
    match rest.split('.').next()? {
        "5" => Some(Theme::Organizational),
        "6" => Some(Theme::People),
        "7" => Some(Theme::Physical),
        "8" => Some(Theme::Technological),
        _ => None,
    }
}

/// The short name of a clause or Annex A control id, if it is one.
pub fn name_of(id: &str) -> Option<&'static str> {
    ANNEX_A
        .iter()
        .chain(CLAUSES.iter())
        .find(|(i, _)| *i == id)
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_is_complete() {
        assert_eq!(ANNEX_A.len(), 93);
        let per_theme = |t| {
            ANNEX_A
                .iter()
                .filter(|(id, _)| theme_of(id) == Some(t))
                .count()
        };
        assert_eq!(per_theme(Theme::Organizational), 37);
        assert_eq!(per_theme(Theme::People), 8);
        assert_eq!(per_theme(Theme::Physical), 14);
        assert_eq!(per_theme(Theme::Technological), 34);
        assert_eq!(name_of("A.8.8"), Some("technical vulnerabilities"));
        assert_eq!(name_of("9.2"), Some("internal audit"));
        assert_eq!(name_of("A.9.1"), None);
        assert_eq!(theme_of("A.5.99"), None);
    }
}
