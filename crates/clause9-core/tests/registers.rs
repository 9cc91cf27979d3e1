//! The register files: what they accept, and every problem reported at once
//! with its position.

use clause9_core::load::registers::load_registers;
use clause9_core::{Programme, SourceFile};

const SETTINGS: &str = r#"format = 1
[programme]
name = "P"
organisation = "O"
timezone = "UTC"
first_period = "2025-01"
[people.sam]
name = "Sam"
[people.jo]
name = "Jo"
[areas.it]
title = "IT"
owner = "sam"
"#;

const MEASURE: &str = r#"id = "M-1"
version = 1
name = "m"
information_need = "n"
kind = "performance"
controls = ["A.8.8"]
area = "it"
[roles]
owner = "sam"
collector = "sam"
[frequency]
collection = "monthly"
[[base]]
id = "x"
method = "manual"
[indicator]
measure = "x"
direction = "higher_is_better"
target = 1
green = 1
"#;

fn programme() -> Programme {
    let file = |path: &str, text: &str| SourceFile {
        path: path.into(),
        text: text.into(),
    };
    clause9_core::load(
        &file("clause9.toml", SETTINGS),
        &[file("measures/m.toml", MEASURE)],
    )
    .unwrap()
}

fn load(files: &[(&str, &str)]) -> Result<clause9_core::registers::Registers, Vec<String>> {
    let files: Vec<SourceFile> = files
        .iter()
        .map(|(p, t)| SourceFile {
            path: format!("registers/{p}"),
            text: t.to_string(),
        })
        .collect();
    load_registers(&files, &programme()).map_err(|d| d.iter().map(|d| d.to_string()).collect())
}

#[test]
fn a_complete_set_loads() {
    let r = load(&[
        ("context.toml", "format = 1\n[[issue]]\nid = \"C-1\"\ntitle = \"t\"\nkind = \"internal\"\nchanged = 2025-01-02\n"),
        ("parties.toml", "[[party]]\nid = \"reg\"\nname = \"Regulator\"\nrequirements = [\"report\"]\nchanged = \"2025-02-01\"\n"),
        ("feedback.toml", "[[feedback]]\nid = \"F\"\nparty = \"reg\"\ndate = 2025-03-01\nsummary = \"s\"\nsentiment = \"negative\"\n"),
        ("risks.toml", "[[risk]]\nid = \"R\"\ntitle = \"t\"\nowner = \"sam\"\nlikelihood = 3\nimpact = 5\ntreatment = \"accept\"\nstatus = \"accepted\"\narea = \"it\"\ncontrols = [\"A.8.8\", \"9.2\"]\nmeasures = [\"M-1\"]\n"),
        ("soa.toml", "[[control]]\nid = \"A.7.4\"\napplicable = false\njustification = \"no premises\"\n[[control]]\nid = \"A.8.8\"\napplicable = true\n"),
        ("auditors.toml", "[[auditor]]\nperson = \"jo\"\ncompetence = [\"all\"]\n"),
        ("reviews.toml", "format = 1\ninterval_months = 6\n"),
        ("audit.toml", "[programme]\ncycle_months = 24\ncycle_start = \"2025-03-14\"\nhigh_risk = 12\n[[grade]]\nid = \"nc\"\nname = \"nonconformity\"\nnonconformity = \"major\"\n[[grade]]\nid = \"ok\"\nname = \"fine\"\n"),
    ])
    .unwrap();
    assert_eq!(r.risks[0].score(), 15);
    assert_eq!(r.applicable_controls().len(), 92);
    assert!(!r.applicable_controls().contains(&"A.7.4"));
    assert_eq!(r.audit.cycle_months, 24);
    assert_eq!(r.audit.cycle_start, Some("2025-03".parse().unwrap()));
    // cycles of 24 months from March 2025
    assert_eq!(
        r.audit
            .cycle_holding(&programme(), "2027-02".parse().unwrap())
            .to_string(),
        "2025-03"
    );
    assert_eq!(
        r.audit
            .cycle_holding(&programme(), "2027-03".parse().unwrap())
            .to_string(),
        "2027-03"
    );
    assert_eq!(r.review_interval_months, 6);
    assert_eq!(r.audit.grades.len(), 2);
    assert_eq!(
        r.grade("nc").unwrap().nonconformity.as_deref(),
        Some("major")
    );
    assert!(r.auditor("jo").unwrap().competent_for("A.5.1"));
    assert!(!r.issues[0].external);
}

#[test]
fn every_problem_at_once_with_positions() {
    let errors = load(&[
        ("risks.toml", "[[risk]]\nid = \"R\"\ntitle = \"t\"\nowner = \"sma\"\nlikelihood = 9\nimpact = 2\ntreatment = \"ignore\"\nstatus = \"open\"\ncontrols = [\"A.9.9\"]\nmeasures = [\"M-2\"]\narea = \"hr\"\ncolour = \"red\"\n[[risk]]\nid = \"R\"\ntitle = \"t\"\nowner = \"sam\"\nlikelihood = 1\nimpact = 1\ntreatment = \"avoid\"\nstatus = \"open\"\n"),
        ("soa.toml", "[[control]]\nid = \"A.7.4\"\napplicable = false\n"),
        ("feedback.toml", "[[feedback]]\nid = \"F\"\nparty = \"nobody\"\ndate = \"2025-13-01\"\nsummary = \"s\"\n"),
        ("auditors.toml", "[[auditor]]\nperson = \"jo\"\ncompetence = [\"A.9\"]\n"),
        ("risk.toml", "x = 1\n"),
        ("audit.toml", "[programme]\ncycle_start = \"2025-W10\"\n"),
    ])
    .unwrap_err();
    let expect = [
        "registers/risks.toml:4:9: unknown person `sma`: add it under [people]",
        "registers/risks.toml:5:14: `likelihood` in [[risk]] #1 must be 1 to 5",
        "registers/risks.toml:7:13: `treatment` in [[risk]] #1 must be one of mitigate, accept, transfer, avoid, not `ignore`",
        "registers/risks.toml:9:13: unknown control `A.9.9`",
        "registers/risks.toml:10:13: unknown measure `M-2`",
        "registers/risks.toml:11:8: unknown area `hr`",
        "registers/risks.toml:12:1: unknown key `colour` in [[risk]] #1",
        "registers/risks.toml:14:6: duplicate id `R`: already defined at line 2, column 6",
        "registers/soa.toml:1:1: [[control]] #1 excludes a control without a `justification`",
        "registers/feedback.toml:3:9: unknown interested party `nobody`",
        "registers/feedback.toml:4:8: `date` in [[feedback]] #1: `2025-13-01` is not a date",
        "registers/auditors.toml:3:15: unknown competence `A.9`",
        "registers/risk.toml:1:1: unknown register file `risk.toml` (did you mean `risks.toml`?)",
        "registers/audit.toml:2:15: `cycle_start` in [programme] must be a month such as \"2026-03\" (or a date in it), not `2025-W10`",
    ];
    for e in expect {
        assert!(
            errors.iter().any(|x| x.starts_with(e)),
            "missing {e:?} in\n{}",
            errors.join("\n")
        );
    }
    assert_eq!(errors.len(), expect.len(), "{}", errors.join("\n"));
}

#[test]
fn syntax_errors_and_missing_keys() {
    let errors = load(&[
        ("context.toml", "[[issue]\nid = 1\n"),
        ("parties.toml", "[[party]]\nid = \"p\"\n"),
    ])
    .unwrap_err();
    assert!(
        errors[0].starts_with("registers/context.toml:1:"),
        "{errors:?}"
    );
    assert!(errors[0].contains("TOML syntax"), "{errors:?}");
    let missing: Vec<&String> = errors
        .iter()
        .filter(|e| e.contains("parties.toml"))
        .collect();
    assert_eq!(missing.len(), 3, "{missing:?}");
    for key in ["`name`", "`requirements`", "`changed`"] {
        assert!(missing.iter().any(|e| e.contains(key)), "{key} {missing:?}");
    }
}

mod no_panic {
    use super::load;
    use proptest::prelude::*;

    const RISKS: &str = "[[risk]]\nid = \"R\"\ntitle = \"t\"\nowner = \"sam\"\nlikelihood = 3\nimpact = 5\ntreatment = \"accept\"\nstatus = \"accepted\"\narea = \"it\"\ncontrols = [\"A.8.8\"]\nmeasures = [\"M-1\"]\nchanged = 2025-01-01\n";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Arbitrary text in every register file: problems, never a panic.
        #[test]
        fn arbitrary_text(text in "\\PC{0,200}") {
            for name in ["context.toml", "parties.toml", "feedback.toml", "risks.toml", "soa.toml", "auditors.toml", "audit.toml", "reviews.toml", "other.toml"] {
                let _ = load(&[(name, text.as_str())]);
            }
        }

        /// A valid risk with one character replaced anywhere.
        #[test]
        fn edited_risk(at in 0.0f64..1.0, c in prop::char::any()) {
            let mut chars: Vec<char> = RISKS.chars().collect();
            let last = chars.len() - 1;
            let i = ((chars.len() as f64) * at) as usize;
            chars[i.min(last)] = c;
            let text: String = chars.into_iter().collect();
            let _ = load(&[("risks.toml", text.as_str())]);
        }
    }
}
