//! The demo's nonconformities, one in each lifecycle state, with SMART
//! actions (`clause9 nc`).

use super::Script;
use crate::error::CliResult;

/// One step of `clause9 nc` on a record, dated `days` ago.
async fn nc(
    s: &mut Script<'_>,
    step: &str,
    id: &str,
    days: i64,
    by: &str,
    extra: &[&str],
) -> CliResult {
    let on = s.d(days);
    let mut args = vec!["nc", step, id];
    args.extend(extra);
    args.extend(["--by", by, "--on", &on]);
    s.run(&args).await
}

pub(super) async fn write(s: &mut Script<'_>) -> CliResult {
    // NC-0001 (AUD-0001 major): the whole lifecycle, closed
    nc(
        s,
        "correct",
        "NC-0001",
        240,
        "it_ops",
        &[
            "--correction",
            "The missing patches were applied to the three servers within 48 hours",
            "--why",
            "containment",
        ],
    )
    .await?;
    nc(s, "analyse", "NC-0001", 230, "it_ops", &[
        "--why-chain", "Patches waited for the monthly change window",
        "--why-chain", "The change policy treats security patches like any other change",
        "--why-chain", "Nobody owned the emergency change path after the reorganisation",
        "--cause", "No emergency change path for critical security patches",
        "--extent", "Every internet-facing system patched through the monthly window: web, VPN and mail gateways",
        "--why", "root cause workshop with IT operations"]).await?;
    let due = s.d(180);
    nc(s, "action", "NC-0001", 228, "isms_manager", &["--description", "Add an emergency change path for critical security patches", "--owner", "it_ops", "--due", &due, "--success", "Critical patches on internet-facing systems applied within 14 days in three consecutive monthly reports", "--why", "corrective action agreed with IT operations"]).await?;
    nc(
        s,
        "implement",
        "NC-0001",
        190,
        "it_ops",
        &[
            "A1",
            "--note",
            "Emergency change path approved by the change advisory board",
            "--why",
            "done",
        ],
    )
    .await?;
    let check = s.d(100);
    nc(
        s,
        "check",
        "NC-0001",
        189,
        "isms_manager",
        &[
            "--date",
            &check,
            "--why",
            "three monthly reports after the change",
        ],
    )
    .await?;
    nc(
        s,
        "verify",
        "NC-0001",
        98,
        "internal_auditor",
        &[
            "--effective",
            "--evidence",
            "Patch reports of the last three months: every critical patch applied within 10 days",
            "--why",
            "effectiveness check",
        ],
    )
    .await?;
    nc(
        s,
        "close",
        "NC-0001",
        97,
        "isms_manager",
        &["--why", "verified effective"],
    )
    .await?;

    // NC-0002 (AUD-0001 minor): verified effective, not closed yet
    nc(
        s,
        "correct",
        "NC-0002",
        240,
        "soc_lead",
        &[
            "--correction",
            "Lessons-learned entries written for INC-311 and INC-318",
            "--why",
            "correction",
        ],
    )
    .await?;
    nc(
        s,
        "analyse",
        "NC-0002",
        225,
        "soc_lead",
        &[
            "--cause",
            "The ticket workflow allows closing an incident without the lessons-learned field",
            "--extent",
            "All incident categories use the same workflow",
            "--why",
            "analysis of the ticket workflow",
        ],
    )
    .await?;
    let due = s.d(150);
    nc(
        s,
        "action",
        "NC-0002",
        224,
        "soc_lead",
        &[
            "--description",
            "Make the lessons-learned field mandatory before an incident can be closed",
            "--owner",
            "soc_lead",
            "--due",
            &due,
            "--success",
            "No incident closed without a lessons-learned entry in the next 20 incidents",
            "--why",
            "corrective action",
        ],
    )
    .await?;
    nc(
        s,
        "implement",
        "NC-0002",
        160,
        "soc_lead",
        &[
            "A1",
            "--note",
            "Workflow changed in the ticket system",
            "--why",
            "done",
        ],
    )
    .await?;
    let check = s.d(40);
    nc(
        s,
        "check",
        "NC-0002",
        159,
        "isms_manager",
        &["--date", &check, "--why", "after 20 more incidents"],
    )
    .await?;
    nc(
        s,
        "verify",
        "NC-0002",
        35,
        "internal_auditor",
        &[
            "--effective",
            "--evidence",
            "23 incidents closed since the change, every one with a lessons-learned entry",
            "--why",
            "effectiveness check",
        ],
    )
    .await?;

    // NC-0003 (AUD-0002 minor): the check failed, reopened
    nc(
        s,
        "correct",
        "NC-0003",
        100,
        "it_ops",
        &[
            "--correction",
            "The three leavers' accounts were disabled",
            "--why",
            "correction",
        ],
    )
    .await?;
    nc(
        s,
        "analyse",
        "NC-0003",
        95,
        "it_ops",
        &[
            "--cause",
            "HR sends the leaver list weekly, not on the leaving day",
            "--extent",
            "Contractors leave through the same process",
            "--why",
            "analysis with HR",
        ],
    )
    .await?;
    let due = s.d(60);
    nc(
        s,
        "action",
        "NC-0003",
        93,
        "isms_manager",
        &[
            "--description",
            "HR notifies IT operations of each leaver on the day through the HR system",
            "--owner",
            "hr_lead",
            "--due",
            &due,
            "--success",
            "Every leaver's access removed within one working day in a monthly sample of 10",
            "--why",
            "corrective action",
        ],
    )
    .await?;
    nc(
        s,
        "implement",
        "NC-0003",
        62,
        "hr_lead",
        &[
            "A1",
            "--note",
            "Daily leaver notification switched on in the HR system",
            "--why",
            "done",
        ],
    )
    .await?;
    let check = s.d(30);
    nc(
        s,
        "check",
        "NC-0003",
        61,
        "isms_manager",
        &["--date", &check, "--why", "one month after the change"],
    )
    .await?;
    nc(s, "verify", "NC-0003", 20, "internal_auditor", &["--not-effective", "--evidence", "Sample of 10 leavers last month: two contractors' accounts still active after five days", "--why", "effectiveness check"]).await?;

    // NC-0004 (AUD-0002 major): both actions implemented, check planned
    nc(
        s,
        "correct",
        "NC-0004",
        100,
        "ciso",
        &[
            "--correction",
            "Interim assessment of the top ten cloud risks approved by the CISO",
            "--why",
            "containment",
        ],
    )
    .await?;
    nc(
        s,
        "analyse",
        "NC-0004",
        90,
        "ciso",
        &[
            "--why-chain",
            "The migration project did not include a risk assessment step",
            "--why-chain",
            "The project template predates the ISMS",
            "--cause",
            "Project templates do not trigger a risk assessment on significant change",
            "--extent",
            "Any project that changes hosting, suppliers or data flows",
            "--why",
            "analysis",
        ],
    )
    .await?;
    let (due1, due2) = (s.d(50), s.d(40));
    nc(
        s,
        "action",
        "NC-0004",
        88,
        "isms_manager",
        &[
            "--description",
            "Repeat the full risk assessment for the cloud workloads",
            "--owner",
            "ciso",
            "--due",
            &due1,
            "--success",
            "Every cloud workload has an assessed risk with owner and treatment in the register",
            "--why",
            "corrective action",
        ],
    )
    .await?;
    nc(
        s,
        "action",
        "NC-0004",
        88,
        "isms_manager",
        &[
            "--description",
            "Add a risk assessment gate to the project template",
            "--owner",
            "isms_manager",
            "--due",
            &due2,
            "--success",
            "All projects started after the change pass the gate before design approval",
            "--why",
            "prevent recurrence",
        ],
    )
    .await?;
    nc(
        s,
        "implement",
        "NC-0004",
        52,
        "ciso",
        &[
            "A1",
            "--note",
            "Cloud risk assessment approved",
            "--why",
            "done",
        ],
    )
    .await?;
    nc(
        s,
        "implement",
        "NC-0004",
        41,
        "isms_manager",
        &["A2", "--note", "Template v4 published", "--why", "done"],
    )
    .await?;
    let check = s.d(-30);
    nc(
        s,
        "check",
        "NC-0004",
        40,
        "isms_manager",
        &[
            "--date",
            &check,
            "--why",
            "after the next two projects start",
        ],
    )
    .await?;

    // NC-0005 (incident): actions planned, one overdue
    let on = s.d(60);
    s.run(&[
        "nc",
        "raise",
        "--source",
        "incident",
        "--reference",
        "INC-352",
        "--severity",
        "major",
        "--description",
        "Customer data exported to a personal cloud drive by a departing employee",
        "--area",
        "people",
        "--control",
        "A.8.12",
        "--control",
        "A.6.5",
        "--by",
        "soc_lead",
        "--on",
        &on,
        "--why",
        "incident review",
    ])
    .await?;
    nc(
        s,
        "correct",
        "NC-0005",
        58,
        "soc_lead",
        &[
            "--correction",
            "The files were deleted under supervision and the customer informed",
            "--why",
            "containment",
        ],
    )
    .await?;
    nc(
        s,
        "analyse",
        "NC-0005",
        50,
        "soc_lead",
        &[
            "--cause",
            "Personal cloud storage is not blocked on company laptops",
            "--extent",
            "Every laptop; also removable media",
            "--why",
            "analysis",
        ],
    )
    .await?;
    let (due1, due2) = (s.d(10), s.d(-40));
    nc(
        s,
        "action",
        "NC-0005",
        49,
        "ciso",
        &[
            "--description",
            "Block personal cloud storage on company laptops",
            "--owner",
            "it_ops",
            "--due",
            &due1,
            "--success",
            "Uploads to personal cloud storage blocked on 100% of laptops in the endpoint report",
            "--why",
            "corrective action",
        ],
    )
    .await?;
    nc(
        s,
        "action",
        "NC-0005",
        49,
        "ciso",
        &[
            "--description",
            "Add data handling on departure to the leaver checklist",
            "--owner",
            "hr_lead",
            "--due",
            &due2,
            "--success",
            "Every leaver in the next quarter signs the data handling declaration",
            "--why",
            "corrective action",
        ],
    )
    .await?;

    // NC-0006 (management review): root cause analysed
    let on = s.d(118);
    s.run(&[
        "nc",
        "raise",
        "--source",
        "management_review",
        "--reference",
        "MR-0002",
        "--severity",
        "minor",
        "--description",
        "Awareness objectives have no measurable target for the second year",
        "--area",
        "people",
        "--control",
        "6.2",
        "--by",
        "isms_manager",
        "--on",
        &on,
        "--why",
        "decided in management review MR-0002",
    ])
    .await?;
    nc(
        s,
        "correct",
        "NC-0006",
        112,
        "hr_lead",
        &[
            "--correction",
            "Interim target of 95% completion set for this year",
            "--why",
            "correction",
        ],
    )
    .await?;
    nc(
        s,
        "analyse",
        "NC-0006",
        100,
        "hr_lead",
        &[
            "--cause",
            "Objectives were set for one year only when the ISMS started",
            "--extent",
            "All objectives due after next year",
            "--why",
            "analysis",
        ],
    )
    .await?;

    // NC-0007 (other): corrected
    let on = s.d(25);
    s.run(&[
        "nc",
        "raise",
        "--source",
        "other",
        "--reference",
        "phishing simulation",
        "--severity",
        "minor",
        "--description",
        "The phishing simulation was sent to only half of the staff",
        "--area",
        "people",
        "--control",
        "A.6.3",
        "--by",
        "soc_lead",
        "--on",
        &on,
        "--why",
        "found while reporting the simulation",
    ])
    .await?;
    nc(
        s,
        "correct",
        "NC-0007",
        22,
        "soc_lead",
        &[
            "--correction",
            "The simulation was sent to the remaining staff",
            "--why",
            "correction",
        ],
    )
    .await?;

    // NC-0008 (incident): just raised
    let on = s.d(4);
    s.run(&[
        "nc",
        "raise",
        "--source",
        "incident",
        "--reference",
        "INC-367",
        "--severity",
        "minor",
        "--description",
        "A backup job for the finance database failed for three nights unnoticed",
        "--area",
        "itops",
        "--control",
        "A.8.13",
        "--by",
        "it_ops",
        "--on",
        &on,
        "--why",
        "incident review",
    ])
    .await
}
