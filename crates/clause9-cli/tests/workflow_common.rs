//! A small organisation for the workflow tests: a programme with two areas,
//! a patching measure that raises nonconformities when red, and registers.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub(crate) const SETTINGS: &str = r#"format = 1

[programme]
name = "Acme ISMS"
organisation = "Acme Ltd"
timezone = "Europe/London"
first_period = "2025-01"

[people.ceo]
name = "Robin Hale"

[people.ciso]
name = "Alex Morgan"

[people.it_lead]
name = "Sam Patel"

[people.hr_lead]
name = "Kim Lee"

[people.auditor]
name = "Jo Auditor"

[objectives.OBJ-1]
title = "Fix critical weaknesses quickly"
owner = "ciso"
due = "2025-12-31"

[areas.it]
title = "IT operations"
owner = "it_lead"

[areas.people]
title = "People"
owner = "hr_lead"
"#;

pub(crate) const PATCHING: &str = r#"id = "M-VUL-01"
version = 1
name = "Critical vulnerabilities fixed on time"
information_need = "Do we fix critical vulnerabilities by the deadline?"
kind = "performance"
objectives = ["OBJ-1"]
controls = ["A.8.8"]
area = "it"
unit = "%"

[roles]
owner = "it_lead"
collector = "it_lead"

[frequency]
collection = "monthly"

[[base]]
id = "due"
method = "manual"

[[base]]
id = "fixed"
method = "manual"

[[derived]]
id = "rate"
formula = "100 * fixed / due"

[indicator]
measure = "rate"
direction = "higher_is_better"
target = 100
green = 90
red = 70
on_red = "nonconformity"
"#;

pub(crate) const REGISTERS: &[(&str, &str)] = &[
    (
        "context.toml",
        r#"[[issue]]
id = "C-1"
title = "New data protection law"
kind = "external"
changed = 2025-05-20

[[issue]]
id = "C-2"
title = "Move to cloud hosting"
kind = "internal"
changed = 2024-11-01
"#,
    ),
    (
        "parties.toml",
        r#"[[party]]
id = "customers"
name = "Customers"
requirements = ["keep our data confidential", "tell us about breaches within 72 hours"]
changed = 2025-06-01
"#,
    ),
    (
        "feedback.toml",
        r#"[[feedback]]
id = "FB-1"
party = "customers"
date = 2025-07-03
summary = "Asked for our patching policy during a tender"
sentiment = "neutral"
"#,
    ),
    (
        "risks.toml",
        r#"[[risk]]
id = "R-1"
title = "Unpatched servers exploited"
owner = "it_lead"
likelihood = 4
impact = 5
treatment = "mitigate"
status = "treating"
area = "it"
controls = ["A.8.8"]
measures = ["M-VUL-01"]
"#,
    ),
    (
        "soa.toml",
        r#"[[control]]
id = "A.7.4"
applicable = false
justification = "No premises of our own: the cloud provider monitors its sites"
"#,
    ),
    (
        "auditors.toml",
        r#"[[auditor]]
person = "auditor"
competence = ["all"]
qualifications = ["ISO/IEC 27001 lead auditor"]

[[auditor]]
person = "it_lead"
competence = ["A.8"]
"#,
    ),
];

/// Writes the organisation's programme into a fresh directory.
pub(crate) fn organisation() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("acme");
    write(&dir, "clause9.toml", SETTINGS);
    write(&dir, "measures/m-vul-01.toml", PATCHING);
    for (name, text) in REGISTERS {
        write(&dir, &format!("registers/{name}"), text);
    }
    (tmp, dir)
}

pub(crate) fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}
