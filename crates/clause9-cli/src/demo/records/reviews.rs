//! The demo's management reviews: two held and signed by the chair, one in
//! preparation (`clause9 review`).

use super::Script;
use crate::error::CliResult;

/// One step of `clause9 review` on a record, dated `days` ago.
async fn review(s: &mut Script<'_>, step: &str, id: &str, days: i64, extra: &[&str]) -> CliResult {
    let on = s.d(days);
    let mut args = vec!["review", step, id];
    args.extend(extra);
    args.extend(["--on", &on]);
    s.run(&args).await
}

pub(super) async fn write(s: &mut Script<'_>) -> CliResult {
    let held = [300, 120];
    let discussion: [[(&str, &str); 10]; 2] = [
        [
            ("a", "First review of the ISMS: no earlier actions."),
            (
                "b",
                "Ransomware in our sector (C-2): backups must be tested offline.",
            ),
            (
                "c",
                "The insurer now requires MFA everywhere and quarterly backup tests.",
            ),
            (
                "d1",
                "Audit AUD-0001 found late patching (major); correction done, root cause analysed.",
            ),
            (
                "d2",
                "Patching and awareness measures are red; backups green for a year.",
            ),
            (
                "d3",
                "First audit of the cycle completed; one major and one minor nonconformity.",
            ),
            (
                "d4",
                "Vulnerability objective at risk; other objectives on track.",
            ),
            (
                "e",
                "Positive feedback from the insurer on MFA; a bank asked for our patching policy.",
            ),
            ("f", "Two high risks (R-1, R-2) under treatment."),
            (
                "g",
                "Link the on-call runbook to incident classification (AUD-0001 opportunity).",
            ),
        ],
        [
            ("a", "Both actions of MR-0001 are done."),
            (
                "b",
                "New network and information security law (C-3) and engineering growth (C-4).",
            ),
            (
                "c",
                "The regulator requires incident reports within 24 hours.",
            ),
            (
                "d1",
                "Patching nonconformity closed; leavers' access and the outdated risk assessment are open.",
            ),
            (
                "d2",
                "Patching back to green; phishing clicks deteriorating.",
            ),
            (
                "d3",
                "Audit AUD-0002 found the risk assessment out of date (major).",
            ),
            ("d4", "Awareness objective has no target for next year."),
            ("e", "Staff find the awareness course too long."),
            (
                "f",
                "Cloud misconfiguration risk (R-7) added; ransomware risk treatment on track.",
            ),
            (
                "g",
                "Single source of truth for awareness completions (AUD-0002 observation).",
            ),
        ],
    ];
    for (n, days) in held.into_iter().enumerate() {
        let id = format!("MR-{:04}", n + 1);
        let date = s.d(days);
        let opened = s.d(days + 20);
        let title = if n == 0 {
            "Management review, first half"
        } else {
            "Management review, second half"
        };
        s.run(&[
            "review",
            "open",
            "--date",
            &date,
            "--chair",
            "managing_director",
            "--title",
            title,
            "--by",
            "isms_manager",
            "--on",
            &opened,
            "--why",
            "planned management review",
        ])
        .await?;
        review(
            s,
            "attend",
            &id,
            days,
            &[
                "--person",
                "managing_director",
                "--person",
                "finance_director",
                "--person",
                "ciso",
                "--person",
                "isms_manager",
                "--by",
                "isms_manager",
            ],
        )
        .await?;
        for (input, text) in discussion[n] {
            review(
                s,
                "discuss",
                &id,
                days,
                &["--input", input, "--text", text, "--by", "isms_manager"],
            )
            .await?;
        }
        let decisions: [(&str, &str); 3] = if n == 0 {
            [
                (
                    "improvement",
                    "Introduce an emergency change path for security patches",
                ),
                (
                    "change",
                    "Move the ISMS documentation into the version-controlled programme",
                ),
                ("resource", "Fund a second SOC analyst from next quarter"),
            ]
        } else {
            [
                (
                    "improvement",
                    "Shorten the awareness course and make it role based",
                ),
                ("change", "Add a risk assessment gate to every project"),
                (
                    "resource",
                    "Budget for an external penetration test of the cloud platform",
                ),
            ]
        };
        for (kind, text) in decisions {
            review(
                s,
                "decide",
                &id,
                days,
                &["--kind", kind, "--text", text, "--by", "isms_manager"],
            )
            .await?;
        }
        let actions: [(&str, &str, i64); 2] = if n == 0 {
            [
                (
                    "Approve the budget for the second SOC analyst",
                    "finance_director",
                    240,
                ),
                (
                    "Publish incident reporting guidance for staff",
                    "soc_lead",
                    220,
                ),
            ]
        } else {
            [
                (
                    "Commission the external penetration test of the cloud platform",
                    "ciso",
                    -20,
                ),
                (
                    "Replace the awareness course with role-based modules",
                    "hr_lead",
                    10,
                ),
            ]
        };
        for (description, owner, due) in actions {
            let due = s.d(due);
            review(
                s,
                "action",
                &id,
                days,
                &[
                    "--description",
                    description,
                    "--owner",
                    owner,
                    "--due",
                    &due,
                    "--by",
                    "isms_manager",
                ],
            )
            .await?;
        }
        review(
            s,
            "sign",
            &id,
            days - 2,
            &["--by", "managing_director", "--why", "minutes approved"],
        )
        .await?;
    }
    review(
        s,
        "done",
        "MR-0001",
        230,
        &[
            "RA1",
            "--note",
            "Budget approved in the quarterly plan",
            "--by",
            "finance_director",
        ],
    )
    .await?;
    review(
        s,
        "done",
        "MR-0001",
        215,
        &[
            "RA2",
            "--note",
            "Guidance on the intranet",
            "--by",
            "soc_lead",
        ],
    )
    .await?;

    // in preparation: a week from now, opened, not held yet
    let date = s.d(-7);
    let opened = s.d(10);
    s.run(&[
        "review",
        "open",
        "--date",
        &date,
        "--chair",
        "managing_director",
        "--title",
        "Management review, first half",
        "--by",
        "isms_manager",
        "--on",
        &opened,
        "--why",
        "planned management review",
    ])
    .await?;
    review(
        s,
        "attend",
        "MR-0003",
        2,
        &[
            "--person",
            "isms_manager",
            "--by",
            "isms_manager",
            "--why",
            "preparing the pack",
        ],
    )
    .await
}
