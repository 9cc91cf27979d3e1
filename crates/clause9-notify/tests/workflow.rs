//! Workflow notices delivered by a real SMTP server on loopback (Debian's
//! python3-aiosmtpd): a corrective action overdue goes to its owner, an
//! effectiveness check due to the owners of the record's actions, an audit
//! coming up to the owners of the areas in scope, a review coming up to its
//! chair — each as the person chose, and once.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;

use clause9_app::records::{Actor, audits, nonconformities, reviews};
use clause9_core::Programme;
use clause9_core::audit::{Plan, ScopeItem};
use clause9_core::nonconformity::{Action, Check, CheckMethod, Event, Source, Transition};
use clause9_core::registers::Registers;
use clause9_notify::{Channels, Mailer, NoticeKind, NoticeSource, WorkflowNotices, deliver};
use clause9_store::accounts::Change;
use jiff::Timestamp;
use jiff::civil::Date;

fn programme() -> clause9_core::Programme {
    let from =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../clause9-cli/programmes/starter");
    let read = |p: std::path::PathBuf| clause9_core::SourceFile {
        path: p.display().to_string(),
        text: std::fs::read_to_string(&p).unwrap(),
    };
    let mut measures: Vec<_> = std::fs::read_dir(from.join("measures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    measures.sort();
    clause9_core::load(
        &read(from.join("clause9.toml")),
        &measures.into_iter().map(read).collect::<Vec<_>>(),
    )
    .unwrap()
}

/// The SMTP server of `smtp_server.py`, its port and a reader of its messages.
fn smtp_server() -> (
    std::process::Child,
    u16,
    BufReader<std::process::ChildStdout>,
) {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_server.py");
    let python = if std::path::Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    };
    let mut child = Command::new(python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs (install python3-aiosmtpd; scripts/test does)");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let port = line
        .strip_prefix("ready ")
        .unwrap_or_else(|| panic!("the SMTP server did not start: {line:?}"))
        .trim()
        .parse()
        .unwrap();
    (child, port, out)
}

fn day(text: &str) -> Date {
    text.parse().unwrap()
}

fn step(event: Event, by: &str, on: &str) -> Transition {
    Transition {
        event,
        by: by.into(),
        on: day(on),
        why: "test".into(),
    }
}

fn action(owner: &str, due: &str) -> Event {
    Event::ActionPlanned {
        action: Action {
            id: String::new(),
            description: "fix it".into(),
            owner: Some(owner.into()),
            due: Some(day(due)),
            success_criterion: Some("green for 3 months".into()),
            implemented_on: None,
            note: None,
        },
    }
}

/// NC-0001: A1 (it_lead) due 2026-11-01, not implemented. NC-0002: A1
/// (security_lead) implemented, its check planned for 2026-11-18.
async fn nonconformities(programme: &Programme, store: &dyn clause9_store::Store, at: Timestamp) {
    for (owner, due) in [("it_lead", "2026-11-01"), ("security_lead", "2026-11-10")] {
        let raised = step(
            Event::Raised {
                source: Source::Other {
                    reference: "test".into(),
                },
                description: format!("a finding for {owner}"),
                severity: "minor".into(),
                area: None,
                controls: Vec::new(),
            },
            "ceo",
            "2026-10-01",
        );
        let by = |t: &Transition| Actor::local(&t.by, t.on, at);
        let nc = nonconformities::raise(programme, store, &by(&raised), &raised)
            .await
            .unwrap();
        let mut steps = vec![
            step(
                Event::Corrected {
                    correction: "c".into(),
                },
                "ceo",
                "2026-10-02",
            ),
            step(
                Event::RootCauseAnalysed {
                    whys: Vec::new(),
                    cause: "cause".into(),
                    extent: "none".into(),
                },
                "ceo",
                "2026-10-03",
            ),
            step(action(owner, due), "ceo", "2026-10-04"),
        ];
        if owner == "security_lead" {
            steps.push(step(
                Event::ActionImplemented {
                    action: "A1".into(),
                    note: "done".into(),
                },
                "security_lead",
                "2026-11-05",
            ));
            steps.push(step(
                Event::CheckPlanned {
                    check: Check {
                        on: day("2026-11-18"),
                        method: CheckMethod::Manual,
                    },
                },
                "ceo",
                "2026-11-05",
            ));
        }
        for t in steps {
            nonconformities::apply(programme, store, &by(&t), &nc.id, t.clone())
                .await
                .unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workflow_notices_go_to_the_right_people_as_they_chose_once() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn clause9_store::Store> = Arc::new(
        clause9_store::open_sqlite(&dir.path().join("c9.db"))
            .await
            .unwrap(),
    );
    let programme = Arc::new(programme());
    let registers = Registers::default();
    let today = day("2026-11-20");
    let now: Timestamp = "2026-11-20T08:00:00Z".parse().unwrap();
    nonconformities(&programme, store.as_ref(), now).await;
    let actor = Actor::local("ceo", day("2026-11-01"), now);
    // an audit of A.8.8 in area `it` (owned by it_lead) starting in 5 days;
    // one a month away is not announced yet
    for (title, start, end) in [
        ("patching", "2026-11-25", "2026-11-27"),
        ("later", "2026-12-20", "2026-12-21"),
    ] {
        let plan = Plan {
            title: title.into(),
            objectives: "o".into(),
            scope: vec![ScopeItem {
                requirement: "A.8.8".into(),
                area: Some("it".into()),
            }],
            criteria: "c".into(),
            start: day(start),
            end: day(end),
            methods: "m".into(),
        };
        audits::create(
            &programme,
            &registers,
            store.as_ref(),
            plan,
            &[],
            &actor,
            "plan",
        )
        .await
        .unwrap();
    }
    reviews::open(
        &programme,
        store.as_ref(),
        "Autumn review".into(),
        day("2026-11-28"),
        "ceo".into(),
        &actor,
        "plan",
    )
    .await
    .unwrap();

    let source = WorkflowNotices {
        store: store.clone(),
        programme: programme.clone(),
        registers: Arc::new(registers),
    };
    let notices = source.notices(today).await;
    let mut got: Vec<(NoticeKind, &str, &str)> = notices
        .iter()
        .map(|n| (n.kind, n.person.as_str(), n.key.as_str()))
        .collect();
    got.sort();
    let mut want = vec![
        (
            NoticeKind::ReviewUpcoming,
            "ceo",
            "review-upcoming:MR-0001:2026-11-28:ceo",
        ),
        (
            NoticeKind::AuditUpcoming,
            "it_lead",
            "audit-upcoming:AUD-0001:2026-11-25:it_lead",
        ),
        (
            NoticeKind::CorrectiveActionOverdue,
            "it_lead",
            "action-overdue:NC-0001:A1:it_lead",
        ),
        (
            NoticeKind::EffectivenessCheckDue,
            "security_lead",
            "check-due:NC-0002:2026-11-18:security_lead",
        ),
    ];
    want.sort();
    assert_eq!(got, want);

    // it_lead wants only overdue corrective actions; ceo no email at all;
    // security_lead everything (the default).
    let change = Change {
        actor: "test".into(),
        at: now,
    };
    let notifications = store.notifications();
    notifications
        .set_preferences(
            "it_lead",
            &serde_json::json!({"kinds": ["corrective_action_overdue"]}),
            &change,
        )
        .await
        .unwrap();
    notifications
        .set_preferences("ceo", &serde_json::json!({"email": false}), &change)
        .await
        .unwrap();

    let (mut smtp, port, mut mail) = smtp_server();
    let channels = Channels::new(Some(
        Mailer::loopback(port, "clause9 <clause9@example.com>").unwrap(),
    ));
    let report = deliver(store.as_ref(), &programme, &notices, &channels, now)
        .await
        .unwrap();
    assert_eq!(report.failed, Vec::<String>::new());
    // the audit notice to it_lead is not wanted; the review notice to ceo is
    // claimed but has no channel
    assert_eq!((report.emailed, report.skipped), (2, 1));
    let mut received = Vec::new();
    for _ in 0..report.emailed {
        let mut line = String::new();
        mail.read_line(&mut line).unwrap();
        let message: serde_json::Value = serde_json::from_str(&line).unwrap();
        let data = message["data"].as_str().unwrap().to_string();
        let subject = data
            .lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .unwrap()
            .to_string();
        received.push((message["to"][0].as_str().unwrap().to_string(), subject));
    }
    received.sort();
    assert_eq!(
        received,
        [
            (
                "alex.morgan@example.com".to_string(),
                "[clause9] effectiveness check of NC-0002 is due".to_string()
            ),
            (
                "sam.patel@example.com".to_string(),
                "[clause9] corrective action NC-0001/A1 is overdue".to_string()
            ),
        ]
    );

    // Once: the next run finds every notice claimed or unwanted.
    let again = deliver(
        store.as_ref(),
        &programme,
        &source.notices(today).await,
        &channels,
        now,
    )
    .await
    .unwrap();
    assert_eq!((again.emailed, again.skipped), (0, notices.len()));

    drop(smtp.stdin.take());
    smtp.wait().unwrap();
}
