//! The demonstration organisation's audit, nonconformity and management
//! review records, written by running the real `clause9 audit`, `nc` and
//! `review` commands (parsed from their command lines, so every refusal and
//! every audit-log entry is the one a user would get): one audit cycle with
//! findings of every grade, nonconformities in every lifecycle state with
//! SMART actions, two signed reviews and one in preparation. Every date is
//! relative to the day the demo runs.

use clap::Parser as _;
use jiff::ToSpan;
use jiff::civil::Date;

use crate::cli::{Cli, Command, StoreArgs};
use crate::error::{CliError, CliResult};

/// Runs `clause9 ARGS…` for the workflow commands.
struct Script<'a> {
    dir: String,
    today: Date,
    store: &'a StoreArgs,
    ran: usize,
}

impl Script<'_> {
    /// The date `days` before today (negative: after).
    fn d(&self, days: i64) -> String {
        self.today
            .checked_sub(days.days())
            .unwrap_or(self.today)
            .to_string()
    }

    async fn run(&mut self, args: &[&str]) -> CliResult {
        let mut argv: Vec<String> = vec!["clause9".into()];
        argv.extend(args.iter().take(2).map(|a| a.to_string()));
        argv.push(self.dir.clone());
        argv.extend(args.iter().skip(2).map(|a| a.to_string()));
        if let Some(url) = &self.store.database_url {
            argv.extend(["--database-url".into(), url.clone()]);
        }
        let failed = |e: String| {
            CliError::Failed(anyhow::anyhow!(
                "the demo's records could not be written: `{}`: {e}",
                argv[1..].join(" ")
            ))
        };
        let cli = Cli::try_parse_from(&argv).map_err(|e| failed(e.to_string()))?;
        let outcome = match cli.command {
            Command::Nc(c) => crate::workflow::nc::run(c).await,
            Command::Audit(c) => crate::workflow::audit::run(c).await,
            Command::Review(c) => crate::workflow::review::run(c).await,
            _ => return Err(failed("not a workflow command".into())),
        };
        outcome.map_err(|e| match e {
            CliError::Invalid(lines) => failed(lines.join("; ")),
            CliError::Failed(e) => failed(e.to_string()),
            CliError::Programme(problems) => failed(
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        })?;
        self.ran += 1;
        Ok(())
    }
}

/// Writes every record; returns how many commands it took.
pub async fn write(dir: &std::path::Path, today: Date, store: &StoreArgs) -> CliResult<usize> {
    let mut s = Script {
        dir: dir.display().to_string(),
        today,
        store,
        ran: 0,
    };
    audits(&mut s).await?;
    nonconformities(&mut s).await?;
    reviews(&mut s).await?;
    Ok(s.ran)
}

async fn audits(s: &mut Script<'_>) -> CliResult {
    let (on, start, end) = (s.d(280), s.d(250), s.d(246));
    s.run(&["audit", "create", "--title", "Monitoring, vulnerabilities and incident response",
        "--objectives", "Confirm that monitoring results are evaluated, that vulnerabilities are fixed in time and that incidents are learnt from",
        "--scope", "9.1", "--scope", "A.8.8@itops", "--scope", "A.5.24@secops", "--scope", "A.5.26@secops", "--scope", "10.1",
        "--start", &start, "--end", &end, "--auditor", "internal_auditor",
        "--by", "isms_manager", "--on", &on, "--why", "first audit of the cycle in the audit programme"]).await?;
    let day = s.d(248);
    for (item, grade, statement, evidence) in [
        (
            "A.8.8@itops",
            "major",
            "Critical patches on internet-facing servers were applied 45 days after release; the patch policy requires 14 days",
            "Patch report of web-01, web-02 and vpn-01 for the quarter; change tickets CHG-1042 and CHG-1057",
        ),
        (
            "A.5.26@secops",
            "minor",
            "Two of eight incidents sampled were closed without the lessons-learned entry the procedure requires",
            "Incident tickets INC-311 and INC-318; incident procedure v3, section 6",
        ),
        (
            "9.1",
            "observation",
            "Several measures name no analyst, so nobody is asked to explain a red result",
            "Measure definitions M-LOG-01, M-FW-01 and M-CHG-02 in the programme repository",
        ),
        (
            "A.5.24@secops",
            "opportunity",
            "The on-call runbook could link straight to the incident classification table",
            "On-call runbook, revision of last month; interview with the SOC lead",
        ),
        (
            "10.1",
            "conformity",
            "Improvement proposals are logged, assessed and followed to a decision",
            "Improvement log, 12 entries sampled, all with a decision and an owner",
        ),
    ] {
        s.run(&[
            "audit",
            "finding",
            "AUD-0001",
            "--item",
            item,
            "--grade",
            grade,
            "--statement",
            statement,
            "--evidence",
            evidence,
            "--by",
            "internal_auditor",
            "--on",
            &day,
            "--why",
            "audit fieldwork",
        ])
        .await?;
    }
    let done = s.d(245);
    s.run(&["audit", "complete", "AUD-0001", "--summary",
        "The monitoring process works; patching of internet-facing systems does not meet the policy (major nonconformity)",
        "--by", "internal_auditor", "--on", &done]).await?;

    let (on, start, end) = (s.d(140), s.d(110), s.d(106));
    s.run(&["audit", "create", "--title", "Risk, people and access",
        "--objectives", "Confirm that risks are reassessed when the context changes and that access follows joiners, movers and leavers",
        "--scope", "6.1", "--scope", "7.2", "--scope", "A.5.15@identity", "--scope", "A.5.18@identity", "--scope", "A.6.3@people",
        "--start", &start, "--end", &end, "--auditor", "dpo",
        "--by", "isms_manager", "--on", &on, "--why", "second audit of the cycle in the audit programme"]).await?;
    let day = s.d(107);
    for (item, grade, statement, evidence) in [
        (
            "A.5.18@identity",
            "minor",
            "Access of 3 of 25 leavers sampled was removed more than five working days after they left",
            "HR leaver list and directory audit log for the half year; accounts jdoe, mlee, kpatel",
        ),
        (
            "6.1",
            "major",
            "The risk assessment was not repeated after production moved to the public cloud (context issue C-1)",
            "Risk register last assessed before the migration; migration project closure report",
        ),
        (
            "A.6.3@people",
            "observation",
            "Awareness course completions are kept both in the learning platform and in a spreadsheet, which disagree",
            "Completion export and HR spreadsheet for the same month: 14 differences",
        ),
        (
            "7.2",
            "opportunity",
            "Competence records could be linked to the role profiles so gaps show automatically",
            "Role profiles and training records of the SOC team",
        ),
        (
            "A.5.15@identity",
            "conformity",
            "The access control policy is approved, current and applied in the sampled systems",
            "Access control policy v5 with approval record; access lists of three systems",
        ),
    ] {
        s.run(&[
            "audit",
            "finding",
            "AUD-0002",
            "--item",
            item,
            "--grade",
            grade,
            "--statement",
            statement,
            "--evidence",
            evidence,
            "--by",
            "dpo",
            "--on",
            &day,
            "--why",
            "audit fieldwork",
        ])
        .await?;
    }
    let done = s.d(105);
    s.run(&["audit", "complete", "AUD-0002", "--summary",
        "Access control works with delays for leavers; the risk assessment is out of date (major nonconformity)",
        "--by", "dpo", "--on", &done]).await?;

    // in progress now: the browser tests record a finding in it
    let (on, start, end) = (s.d(30), s.d(3), s.d(-4));
    s.run(&["audit", "create", "--title", "Policies, backups and continuity",
        "--objectives", "Confirm that policies are current and that backups and continuity plans would work when needed",
        "--scope", "7.5", "--scope", "A.5.1@governance", "--scope", "A.8.13@itops", "--scope", "A.5.30@itops",
        "--start", &start, "--end", &end, "--auditor", "internal_auditor",
        "--by", "isms_manager", "--on", &on, "--why", "third audit of the cycle in the audit programme"]).await?;
    // planned: the next audit
    let (on, start, end) = (s.d(20), s.d(-42), s.d(-45));
    s.run(&["audit", "create", "--title", "Suppliers and management review",
        "--objectives", "Confirm that supplier security is agreed and monitored and that management reviews cover every input",
        "--scope", "9.3", "--scope", "A.5.19@suppliers", "--scope", "A.5.20@suppliers",
        "--start", &start, "--end", &end, "--auditor", "dpo",
        "--by", "isms_manager", "--on", &on, "--why", "fourth audit of the cycle in the audit programme"]).await
}

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

async fn nonconformities(s: &mut Script<'_>) -> CliResult {
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

/// One step of `clause9 review` on a record, dated `days` ago.
async fn review(s: &mut Script<'_>, step: &str, id: &str, days: i64, extra: &[&str]) -> CliResult {
    let on = s.d(days);
    let mut args = vec!["review", step, id];
    args.extend(extra);
    args.extend(["--on", &on]);
    s.run(&args).await
}

async fn reviews(s: &mut Script<'_>) -> CliResult {
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
