//! The corrective-action job: a red indicator with `on_red =
//! "nonconformity"` raises one nonconformity (once); due automatic checks
//! are decided by their measure (verified, or reopened), one the data cannot
//! decide is left for a later run, a check planned for later is not
//! touched; and only the process holding the lease runs it.

use clause9_server::corrective::{ACTOR, LEASE, run_once};
use clause9_store::accounts::Role;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use crate::env::{Env, NOW};

/// Raises a nonconformity on `raised`, takes it to an automatic check of
/// M-AW-01 over `periods` periods planned for `check`, its one action
/// implemented on `implemented`; returns its id.
pub(crate) async fn implemented(
    env: &Env,
    token: &str,
    raised: &str,
    implemented: &str,
    check: &str,
    periods: u32,
) -> String {
    let post = |path: String, body: Value| async move {
        let r = env.post_json(&path, Some(token), body).await;
        assert!(r.status.is_success(), "{path}: {}", r.text());
        r.json()
    };
    let raisedj = post(
        "/api/v1/nonconformities".into(),
        json!({"source": "other", "reference": "walkthrough", "description": "Awareness training lapsed",
               "severity": "minor", "on": raised}),
    )
    .await;
    let id = raisedj["nonconformity"]["id"].as_str().unwrap().to_string();
    let nc = format!("/api/v1/nonconformities/{id}");
    post(
        format!("{nc}/correction"),
        json!({"correction": "reminders sent", "on": raised}),
    )
    .await;
    post(
        format!("{nc}/root-cause"),
        json!({"cause": "no reminders", "extent": "all staff", "on": raised}),
    )
    .await;
    post(
        format!("{nc}/actions"),
        json!({"description": "monthly reminders by line managers", "owner": "security_lead",
               "due": "2026-12-31", "success_criterion": "M-AW-01 green", "on": raised}),
    )
    .await;
    post(
        format!("{nc}/actions/A1/implementation"),
        json!({"note": "reminders scheduled", "on": implemented}),
    )
    .await;
    post(
        format!("{nc}/check"),
        json!({"date": check, "measure": "M-AW-01", "periods": periods, "on": implemented}),
    )
    .await;
    id
}

async fn state_of(env: &Env, token: &str, id: &str) -> Value {
    let r = env
        .get(&format!("/api/v1/nonconformities/{id}"), Some(token))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

pub(crate) async fn red_indicators_raise_and_due_checks_run_in_one_process(env: &Env) {
    let token = env.user("sec", "security_lead", Role::Admin).await;
    // Incident SLA raises a nonconformity when red; October is red (80%).
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
    let r = env
        .post_json(
            "/api/v1/observations",
            Some(&token),
            json!({"measure": "M-INC-01", "period": "2026-10",
                   "values": {"incidents_closed": 10, "closed_in_sla": 8},
                   "evidence": "https://tickets.example.com/sla/2026-10"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    // Awareness (green at 95%): August red, September and October green.
    for (period, trained) in [("2026-08", 60), ("2026-09", 97), ("2026-10", 99)] {
        let r = env
            .post_json(
                "/api/v1/observations",
                Some(&token),
                json!({"measure": "M-AW-01", "period": period,
                       "values": {"trained": trained, "headcount": 100},
                       "evidence": "https://lms.example.com/report"}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
    }
    // effective: the two periods after the action are green
    let effective = implemented(env, &token, "2026-07-01", "2026-08-20", "2026-11-01", 2).await;
    // not effective: three periods back reach the red August
    let reopened = implemented(env, &token, "2026-06-01", "2026-07-20", "2026-11-10", 3).await;
    // undecided: implemented in November, no period after it has ended
    let waiting = implemented(env, &token, "2026-10-01", "2026-11-02", "2026-11-14", 1).await;
    // planned for later: not due today (2026-11-15)
    let later = implemented(env, &token, "2026-07-01", "2026-08-20", "2026-12-01", 2).await;

    // another process holds the lease: nothing is decided here
    let now: Timestamp = NOW.parse().unwrap();
    let until = now.checked_add(SignedDuration::from_mins(10)).unwrap();
    let jobs = env.state.store.jobs();
    assert!(jobs.try_lease(LEASE, "other", now, until).await.unwrap());
    assert!(run_once(&env.state, "me").await.unwrap().is_none());
    assert_eq!(
        state_of(env, &token, &effective).await["nonconformity"]["state"],
        "implemented"
    );
    jobs.release(LEASE, "other").await.unwrap();

    let checked = run_once(&env.state, "me").await.unwrap().unwrap();
    assert_eq!(checked.raised.len(), 1, "{:?}", checked.raised);
    assert!(
        checked.raised[0].starts_with("NC-0005 raised"),
        "{:?}",
        checked.raised
    );
    let red = state_of(env, &token, "NC-0005").await;
    assert_eq!(red["nonconformity"]["state"], "raised");
    assert_eq!(red["nonconformity"]["source"]["kind"], "red_indicator");
    assert_eq!(red["nonconformity"]["source"]["measure"], "M-INC-01");
    assert_eq!(red["nonconformity"]["source"]["period"], "2026-10");
    assert_eq!(checked.effective, vec![effective.clone()]);
    assert_eq!(checked.reopened, vec![reopened.clone()]);
    assert_eq!(checked.undecided.len(), 1, "{:?}", checked.undecided);
    assert_eq!(checked.undecided[0].0, waiting);
    assert!(
        checked.undecided[0]
            .1
            .contains("not enough data to verify yet"),
        "{:?}",
        checked.undecided
    );

    let record = state_of(env, &token, &effective).await;
    assert_eq!(record["nonconformity"]["state"], "verified");
    let last = record["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["recorded_by"], ACTOR, "{last}");
    assert!(
        last.to_string()
            .contains("M-AW-01 over the last 2 periods: 2026-09 green, 2026-10 green"),
        "{last}"
    );
    assert_eq!(
        state_of(env, &token, &reopened).await["nonconformity"]["state"],
        "reopened"
    );
    assert_eq!(
        state_of(env, &token, &waiting).await["nonconformity"]["state"],
        "implemented"
    );
    assert_eq!(
        state_of(env, &token, &later).await["nonconformity"]["state"],
        "implemented"
    );

    // a second run finds only the undecided one again, and raises and
    // decides nothing twice
    let again = run_once(&env.state, "me").await.unwrap().unwrap();
    assert!(again.raised.is_empty(), "{:?}", again.raised);
    assert!(again.effective.is_empty() && again.reopened.is_empty());
    assert_eq!(again.undecided.len(), 1);
}
