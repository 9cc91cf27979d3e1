//! Date-dependent behaviour of the server at the instants where it changes,
//! by moving the server's one clock (`Env::set_now`). The starter's timezone
//! is Europe/London: several instants below fall on one local day and
//! another UTC day, so the tests also show that days are the programme's.
//! - The corrective-action job raises a red month only once the month has
//!   ended locally (2026-09-30T23:30Z is 1 October in London, in summer
//!   time), and runs an effectiveness check from its day on (the day after
//!   the clocks went forward in 2027), never the day before.
//! - My work and the dashboard: a month's manual value is not asked for on
//!   the last day of the month, is due from the 1st of the next month to its
//!   due day, and overdue from the day after.

use clause9_server::corrective::run_once;
use clause9_store::accounts::Role;
use serde_json::json;

use crate::corrective::implemented;
use crate::env::Env;
use crate::web::{page, sign_in};

/// Sets M-INC-01 (incident SLA) to raise a nonconformity when red.
fn raise_on_red(env: &Env) {
    let inc = env.dir.path().join("measures/m-inc-01.toml");
    let text = std::fs::read_to_string(&inc).unwrap();
    std::fs::write(
        &inc,
        text.replace("on_red = \"review\"", "on_red = \"nonconformity\""),
    )
    .unwrap();
    assert!(matches!(
        env.state.programme.reload(),
        clause9_server::programme::Reloaded::Changed(_)
    ));
}

pub(crate) async fn the_corrective_job_acts_from_the_local_day(env: &Env) {
    let token = env.user("sec", "security_lead", Role::Admin).await;
    raise_on_red(env);
    env.set_now("2026-10-05T12:00:00Z");
    let r = env
        .post_json(
            "/api/v1/observations",
            Some(&token),
            json!({"measure": "M-INC-01", "period": "2026-09",
                   "values": {"incidents_closed": 10, "closed_in_sla": 8},
                   "evidence": "https://tickets.example.com/sla/2026-09"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let check = implemented(env, &token, "2026-09-01", "2026-09-20", "2027-03-29", 1).await;

    // 23:30 on 30 September in London: September has not ended
    env.set_now("2026-09-30T22:30:00Z");
    let run = run_once(&env.state, "me").await.unwrap().unwrap();
    assert!(run.raised.is_empty(), "{:?}", run.raised);
    // 00:30 on 1 October in London (still 30 September in UTC): it has
    env.set_now("2026-09-30T23:30:00Z");
    let run = run_once(&env.state, "me").await.unwrap().unwrap();
    assert_eq!(run.raised.len(), 1, "{:?}", run.raised);
    assert!(run.raised[0].contains("2026-09"), "{:?}", run.raised);

    // the check is planned for 29 March 2027; the clocks went forward on the 28th
    let touched = |run: &clause9_server::corrective::Checked| {
        run.effective.contains(&check)
            || run.reopened.contains(&check)
            || run.undecided.iter().any(|(id, _)| *id == check)
    };
    env.set_now("2027-03-28T22:30:00Z"); // 23:30 BST on the 28th
    let run = run_once(&env.state, "me").await.unwrap().unwrap();
    assert!(!touched(&run), "not due the day before: {run:?}");
    env.set_now("2027-03-28T23:30:00Z"); // 00:30 BST on the 29th, the 28th in UTC
    let run = run_once(&env.state, "me").await.unwrap().unwrap();
    assert!(touched(&run), "due on its day: {run:?}");
    assert!(
        run.raised.is_empty(),
        "nothing raised twice: {:?}",
        run.raised
    );
}

/// The line under an entry's heading on My work (`Due … · due now` or
/// `… overdue`), or `None` when the entry is not on the page.
fn entry(html: &str, measure: &str, period: &str) -> Option<String> {
    let start = html.find(&format!("id=\"h-{measure}-{period}\""))?;
    let rest = &html[start..];
    let p = rest.find("<p>")? + 3;
    Some(rest[p..p + rest[p..].find("</p>")?].to_string())
}

pub(crate) async fn due_and_overdue_follow_the_local_day(env: &Env) {
    env.user("sec", "security_lead", Role::Collector).await;
    // M-AW-01 is collected monthly, due 10 days after its month
    let cases = [
        ("2026-11-30T12:00:00Z", "2026-11", None),
        ("2026-12-01T00:30:00Z", "2026-11", Some("due now")),
        ("2026-12-10T12:00:00Z", "2026-11", Some("due now")),
        ("2026-12-11T23:30:00Z", "2026-11", Some("due now")),
        ("2026-12-12T00:30:00Z", "2026-11", Some("overdue")),
        ("2026-12-31T23:30:00Z", "2026-11", Some("overdue")),
        // summer time: 23:30 UTC on 30 September is already October in London
        ("2026-09-30T22:30:00Z", "2026-09", None),
        ("2026-09-30T23:30:00Z", "2026-09", Some("due now")),
    ];
    for (at, period, expected) in cases {
        env.set_now(at);
        let session = sign_in(env, "sec").await;
        let work = page(env, "/my-work", &session).await;
        assert_eq!(work.status.as_u16(), 200, "{at}");
        let line = entry(&work.text(), "M-AW-01", period);
        match expected {
            None => assert_eq!(line, None, "{at}: {period} is not asked for yet"),
            Some(state) => {
                let line = line.unwrap_or_else(|| panic!("{at}: no entry for {period}"));
                assert!(line.contains(state), "{at}: {line}");
                if state == "due now" {
                    assert!(!line.contains("overdue"), "{at}: {line}");
                }
            }
        }
        let dashboard = page(env, "/", &session).await.text();
        let listed = dashboard.contains(&format!("M-AW-01</a> trained for {period}"));
        assert_eq!(listed, expected == Some("overdue"), "{at}: dashboard");
    }
}
