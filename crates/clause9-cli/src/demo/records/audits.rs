//! The demo's audit cycle: two completed audits with a finding of every
//! grade each, one in progress and one planned (`clause9 audit`).

use super::Script;
use crate::error::CliResult;

pub(super) async fn write(s: &mut Script<'_>) -> CliResult {
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
