//! Scheduled collection against the real server on a loopback port, with a
//! real `files` source (CSV evidence in a temporary programme): the values of
//! the ended months appear in the store with their provenance; two server
//! instances on one database collect each period exactly once; a source
//! that fails is retried with back-off until it works, and only it is
//! retried. Each runs on SQLite, and on PostgreSQL when
//! `CLAUSE9_TEST_POSTGRES_URL` is set.

use std::path::Path;
use std::time::{Duration, Instant};

use clause9_core::period::{Frequency, Period};
use clause9_server::Settings;
use clause9_server::collection::CollectionSchedule;
use clause9_server::jobs::CollectionPolicy;
use clause9_server::serve::{Running, ServeOptions, start};
use clause9_store::accounts::Role;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};

#[path = "api/env.rs"]
#[allow(dead_code)]
mod env;

use env::Env;

macro_rules! both {
    ($($case:ident),* $(,)?) => {$(
        mod $case {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let env = crate::Env::sqlite().await;
                crate::$case(&env).await;
                env.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(env) = crate::Env::postgres(stringify!($case)).await {
                    crate::$case(&env).await;
                    env.finish().await;
                }
            }
        }
    )*};
}

both!(
    ended_months_are_collected_with_provenance_exactly_once_by_two_servers,
    a_failing_source_is_retried_with_back_off_and_alone
);

const SETTINGS: &str = r#"format = 1
[programme]
name = "T"
organisation = "T"
timezone = "UTC"
first_period = "2020-01"
[people.p]
name = "P"
[areas.a]
title = "A"
owner = "p"
[sources.files]
kind = "files"
tables.tickets = "evidence/tickets.csv"
[sources.late]
kind = "files"
tables.scans = "evidence/scans.csv"
"#;

fn measure(id: &str, base: &str, source: &str, query: &str) -> String {
    format!(
        "id = \"{id}\"\nversion = 1\nname = \"m\"\ninformation_need = \"n\"\nkind = \"performance\"\narea = \"a\"\n\
         [roles]\nowner = \"p\"\ncollector = \"p\"\n[frequency]\ncollection = \"monthly\"\n\
         [[base]]\nid = \"{base}\"\nmethod = \"query\"\nsource = \"{source}\"\nquery = '''{query}'''\n\
         [indicator]\nmeasure = \"{base}\"\ndirection = \"higher_is_better\"\ngreen = 1\n"
    )
}

/// The day the servers run as (`ServeOptions::today`): the 1st of a month,
/// when last month has just ended.
const DAY: &str = "2026-12-01";

/// The last two ended months on `DAY`: (latest, the one before).
fn ended_months() -> (Period, Period) {
    let latest = Period::containing(Frequency::Monthly, DAY.parse().unwrap()).prev();
    (latest, latest.prev())
}

fn start_of(p: Period) -> Timestamp {
    p.bounds(&TimeZone::UTC).0
}

fn at(p: Period, hours: i64) -> String {
    start_of(p)
        .checked_add(SignedDuration::from_hours(hours))
        .unwrap()
        .to_string()
}

/// Replaces the starter programme in `dir` with one measure on the `files`
/// source (and, with `late`, one on the `late` source), and writes tickets:
/// 3 in the latest ended month, 2 in the one before, 1 in the current month.
fn write_programme(dir: &Path, late: bool) -> (Period, Period) {
    let (latest, before) = ended_months();
    std::fs::remove_dir_all(dir.join("measures")).unwrap();
    std::fs::create_dir_all(dir.join("measures")).unwrap();
    std::fs::create_dir_all(dir.join("evidence")).unwrap();
    std::fs::write(dir.join("clause9.toml"), SETTINGS).unwrap();
    std::fs::write(
        dir.join("measures/tickets.toml"),
        measure(
            "M-TICKETS",
            "opened",
            "files",
            "SELECT count(*) FROM tickets WHERE opened_at >= $start AND opened_at < $end",
        ),
    )
    .unwrap();
    if late {
        std::fs::write(
            dir.join("measures/scans.toml"),
            measure(
                "M-SCANS",
                "scans",
                "late",
                "SELECT count(*) FROM scans WHERE at >= $start AND at < $end",
            ),
        )
        .unwrap();
    }
    let current = latest.next();
    let rows = [
        at(before, 1),
        at(before, 50),
        at(latest, 0),
        at(latest, 30),
        at(latest, 24 * 27),
        at(current, 2),
    ];
    let mut csv = String::from("id,opened_at\n");
    for (i, r) in rows.iter().enumerate() {
        csv.push_str(&format!("{},{r}\n", i + 1));
    }
    std::fs::write(dir.join("evidence/tickets.csv"), csv).unwrap();
    (latest, before)
}

fn schedule() -> CollectionSchedule {
    CollectionSchedule {
        enabled: true,
        every: Duration::from_millis(100),
        catch_up: 2,
        policy: CollectionPolicy {
            delay: SignedDuration::ZERO,
            first_backoff: Duration::from_millis(300),
            max_backoff: Duration::from_secs(1),
            max_attempts: 50,
            lease: SignedDuration::from_mins(10),
        },
    }
}

async fn server(env: &Env) -> Running {
    start(
        ServeOptions {
            dir: env.dir.path().to_path_buf(),
            listen: "127.0.0.1:0".parse().unwrap(),
            database_url: env.postgres_url(),
            settings: Settings {
                secure_cookies: false,
                collection: schedule(),
                ..Settings::default()
            },
            today: Some(DAY.parse().unwrap()),
        },
        false,
    )
    .await
    .unwrap()
}

/// Waits (up to a minute) until `job` is settled; returns how.
async fn settled(env: &Env, job: &str) -> String {
    let began = Instant::now();
    loop {
        if let Some(outcome) = env.state.store.jobs().finished(job).await.unwrap() {
            return outcome;
        }
        assert!(
            began.elapsed() < Duration::from_secs(60),
            "{job} was not settled within a minute"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A counter from `/metrics` of the server at `addr`, read over HTTP.
async fn counter(addr: std::net::SocketAddr, token: &str, series: &str) -> u64 {
    let text = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("http://{addr}/metrics"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {series} in\n{text}"))
}

fn sha256_of(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

async fn ended_months_are_collected_with_provenance_exactly_once_by_two_servers(env: &Env) {
    let token = env.user("viewer", "p", Role::Viewer).await;
    let (latest, before) = write_programme(env.dir.path(), false);
    // Two instances on one database, started together: both see both
    // months ready at once.
    let (a, b) = tokio::join!(server(env), server(env));
    for p in [latest, before] {
        assert_eq!(settled(env, &format!("collect:{p}")).await, "done", "{p}");
    }
    // Give the loser's loop several more ticks to (wrongly) run again.
    tokio::time::sleep(Duration::from_millis(600)).await;

    let history = env.state.store.history("M-TICKETS").await.unwrap();
    assert_eq!(history.len(), 2, "one value per month: {history:#?}");
    let csv = env.dir.path().join("evidence/tickets.csv");
    for (p, want) in [(latest, 3.0), (before, 2.0)] {
        let o = history
            .iter()
            .find(|o| o.new.period == p)
            .unwrap_or_else(|| panic!("no value for {p}"));
        assert_eq!(o.new.value, Some(want), "{p}");
        assert_eq!(o.new.recorded_by, "source:files");
        assert_eq!(o.new.evidence.name.as_deref(), Some("evidence/tickets.csv"));
        assert_eq!(o.new.evidence.sha256, Some(sha256_of(&csv)));
        let prov = o.new.provenance.as_ref().expect("provenance is stored");
        assert_eq!(prov["source"], "files");
        assert_eq!(prov["kind"], "files");
        assert_eq!(prov["files"][0]["path"], "evidence/tickets.csv");
        assert_eq!(prov["files"][0]["sha256"], sha256_of(&csv));
        assert_eq!(prov["parameters"]["period"], p.to_string());
        assert_eq!(prov["parameters"]["start"], start_of(p).to_string());
        assert!(prov["query"].as_str().unwrap().contains("$start"));
    }

    // Exactly once: between the two servers, each month was collected by
    // one run, and no server ran a query again (no "unchanged" values).
    let mut runs = 0;
    let mut stored = 0;
    let mut unchanged = 0;
    for s in [&a, &b] {
        runs += counter(
            s.addr,
            &token,
            "clause9_scheduled_collection_runs_total{result=\"collected\"}",
        )
        .await;
        stored += counter(
            s.addr,
            &token,
            "clause9_scheduled_collection_values_total{outcome=\"stored\"}",
        )
        .await;
        unchanged += counter(
            s.addr,
            &token,
            "clause9_scheduled_collection_values_total{outcome=\"unchanged\"}",
        )
        .await;
    }
    assert_eq!((runs, stored, unchanged), (2, 2, 0));
    a.stop().await.unwrap();
    b.stop().await.unwrap();

    // A restarted server does not collect the settled months again.
    let c = server(env).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        counter(
            c.addr,
            &token,
            "clause9_scheduled_collection_values_total{outcome=\"unchanged\"}"
        )
        .await,
        0
    );
    assert_eq!(env.state.store.history("M-TICKETS").await.unwrap().len(), 2);
    c.stop().await.unwrap();
}

async fn a_failing_source_is_retried_with_back_off_and_alone(env: &Env) {
    let token = env.user("viewer", "p", Role::Viewer).await;
    let (latest, before) = write_programme(env.dir.path(), true);
    let running = server(env).await;
    // The `late` source has no evidence yet: its values fail and are retried.
    let began = Instant::now();
    loop {
        let failed = counter(
            running.addr,
            &token,
            "clause9_scheduled_collection_values_total{outcome=\"failed\"}",
        )
        .await;
        if failed >= 4 {
            break; // both months, at least twice
        }
        assert!(began.elapsed() < Duration::from_secs(60), "no retries");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        env.state
            .store
            .jobs()
            .finished(&format!("collect:{latest}"))
            .await
            .unwrap(),
        None,
        "not settled while a value fails"
    );
    let scans = format!("id,at\n1,{}\n2,{}\n", at(latest, 5), at(before, 5));
    std::fs::write(env.dir.path().join("evidence/scans.csv"), scans).unwrap();
    for p in [latest, before] {
        assert_eq!(settled(env, &format!("collect:{p}")).await, "done", "{p}");
    }
    let scans = env.state.store.history("M-SCANS").await.unwrap();
    assert_eq!(scans.len(), 2);
    assert!(scans.iter().all(|o| o.new.value == Some(1.0)));
    // The tickets were collected once, on the first attempt; retries ran only
    // the failed source (a re-run would count "unchanged").
    assert_eq!(env.state.store.history("M-TICKETS").await.unwrap().len(), 2);
    for (series, want) in [
        (
            "clause9_scheduled_collection_values_total{outcome=\"stored\"}",
            4,
        ),
        (
            "clause9_scheduled_collection_values_total{outcome=\"unchanged\"}",
            0,
        ),
        (
            "clause9_scheduled_collection_runs_total{result=\"collected\"}",
            2,
        ),
        (
            "clause9_scheduled_collection_runs_total{result=\"gave_up\"}",
            0,
        ),
    ] {
        assert_eq!(
            counter(running.addr, &token, series).await,
            want,
            "{series}"
        );
    }
    running.stop().await.unwrap();
}
