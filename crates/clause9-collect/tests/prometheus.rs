//! `prometheus` sources against a real Prometheus server (Debian's
//! `prometheus` package): the test writes OpenMetrics samples, builds a TSDB
//! with `promtool tsdb create-blocks-from openmetrics`, starts `prometheus` on
//! a free loopback port over it, queries, and stops it.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use clause9_collect::{Collector, Failure};

const SETTINGS: &str = r#"format = 1
[programme]
name = "T"
organisation = "T"
timezone = "Europe/London"
first_period = "2026-01"
[people.p]
name = "P"
[areas.a]
title = "A"
owner = "p"
"#;

/// The server; stopped when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Hourly samples at half past every hour from 2026-09-29 to 2026-11-03 for
/// `avail{svc="web"}` and `avail{svc="db"}`; web is 0 at the hours listed.
fn openmetrics(down: &[i64]) -> String {
    let from = "2026-09-29T00:30:00Z"
        .parse::<jiff::Timestamp>()
        .unwrap()
        .as_second();
    let to = "2026-11-03T00:30:00Z"
        .parse::<jiff::Timestamp>()
        .unwrap()
        .as_second();
    let mut s = String::from("# HELP avail Service available.\n# TYPE avail gauge\n");
    let mut t = from;
    while t < to {
        let web = if down.contains(&t) { 0 } else { 1 };
        s.push_str(&format!(
            "avail{{svc=\"web\"}} {web} {t}\navail{{svc=\"db\"}} 1 {t}\n"
        ));
        t += 3600;
    }
    s.push_str("# EOF\n");
    s
}

fn start(dir: &Path, data: &str) -> (Server, String) {
    let om = dir.join("samples.om");
    std::fs::write(&om, data).unwrap();
    let tsdb = dir.join("tsdb");
    let status = Command::new("promtool")
        .args([
            "tsdb",
            "create-blocks-from",
            "openmetrics",
            "--max-block-duration=1000h",
        ])
        .arg(&om)
        .arg(&tsdb)
        .stdout(Stdio::null())
        .status()
        .expect("promtool is missing: install Debian's `prometheus` package (scripts/test does)");
    assert!(status.success(), "promtool failed");
    let config = dir.join("prometheus.yml");
    std::fs::write(&config, "global:\n  scrape_interval: 1h\n").unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new("prometheus")
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.tsdb.path={}", tsdb.display()))
        .arg("--storage.tsdb.retention.time=100y")
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("prometheus is missing: install Debian's `prometheus` package (scripts/test does)");
    // Wait for the server's own "ready" log line: no sleeping, no polling.
    let stderr = child.stderr.take().unwrap();
    let server = Server(child);
    let mut lines = BufReader::new(stderr).lines();
    let mut log = Vec::new();
    loop {
        match lines.next() {
            Some(Ok(line)) => {
                let ready = line.contains("Server is ready to receive web requests");
                log.push(line);
                if ready {
                    break;
                }
            }
            _ => panic!(
                "prometheus stopped before it was ready:\n{}",
                log.join("\n")
            ),
        }
    }
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (server, format!("http://127.0.0.1:{port}"))
}

#[tokio::test]
async fn promql_at_the_period_end_with_its_range() {
    let d = tempfile::tempdir().unwrap();
    // Ten outages inside October (London): the web service is down 10 of the
    // 745 hourly samples in [2026-09-30T23:00Z, 2026-11-01T00:00Z).
    let first = "2026-10-03T10:30:00Z"
        .parse::<jiff::Timestamp>()
        .unwrap()
        .as_second();
    let down: Vec<i64> = (0..10).map(|i| first + i * 86_400).collect();
    let (_server, url) = start(d.path(), &openmetrics(&down));
    let queries = [
        "avg_over_time(avail{svc=\"web\"}[$range])",
        "count_over_time(avail{svc=\"web\"}[$range])",
        "last_over_time(avail[1h])",
        "avail{svc=\"none\"}",
        "avg_over_time(avail{svc=\"web\"}[$range]",
        "sum(count_over_time(avail[$range]))",
    ];
    let mut measure = String::from(
        "id = \"M-1\"\nversion = 1\nname = \"m\"\ninformation_need = \"n\"\nkind = \"performance\"\narea = \"a\"\n[roles]\nowner = \"p\"\ncollector = \"p\"\n[frequency]\ncollection = \"monthly\"\n",
    );
    for (i, q) in queries.iter().enumerate() {
        measure.push_str(&format!(
            "[[base]]\nid = \"q{i}\"\nmethod = \"query\"\nsource = \"prom\"\nquery = '{q}'\n"
        ));
    }
    measure
        .push_str("[indicator]\nmeasure = \"q0\"\ndirection = \"higher_is_better\"\ngreen = 1\n");
    common::write(
        d.path(),
        &[
            (
                "clause9.toml",
                &format!("{SETTINGS}[sources.prom]\nkind = \"prometheus\"\nurl = \"{url}\"\n"),
            ),
            ("measures/m.toml", &measure),
        ],
    );
    let p = common::load(d.path());
    let c = Collector::new(d.path(), &p);
    let mut v = Vec::new();
    for i in 0..queries.len() {
        v.push(common::collect(&c, &p, "M-1", &format!("q{i}"), "2026-10").await);
    }
    let value = |i: usize| {
        v[i].as_ref()
            .map(|x| x.value)
            .map_err(|e| e.failure.clone())
    };
    // October 2026 in London has 31 days and one extra hour (clocks go back on the 25th).
    assert_eq!(value(1), Ok(Some(745.0)));
    // Prometheus averages incrementally: equal to 735/745 up to rounding.
    let avg = value(0).unwrap().unwrap();
    assert!((avg - 735.0 / 745.0).abs() < 1e-12, "{avg}");
    assert!(
        matches!(value(2), Err(Failure::Result(m)) if m.contains("2 series")),
        "{:?}",
        value(2)
    );
    assert!(
        matches!(value(3), Err(Failure::Result(m)) if m.contains("no series")),
        "{:?}",
        value(3)
    );
    assert!(
        matches!(value(4), Err(Failure::Query(m)) if m.contains("bad_data")),
        "{:?}",
        value(4)
    );
    assert_eq!(value(5), Ok(Some(1490.0)));
    let pr = &v[0].as_ref().unwrap().provenance;
    assert_eq!(pr.parameters.range.as_deref(), Some("2682000s"));
    assert_eq!(pr.kind, "prometheus");
    // the samples the query read, from Prometheus' own query statistics
    assert_eq!(pr.rows_scanned, Some(745));
    let pr = &v[5].as_ref().unwrap().provenance;
    assert_eq!(pr.rows_scanned, Some(1490), "both series of the month");
}

#[tokio::test]
async fn an_unreachable_server_is_a_clear_error() {
    let d = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    common::write(
        d.path(),
        &[
            (
                "clause9.toml",
                &format!(
                    "{SETTINGS}[sources.prom]\nkind = \"prometheus\"\nurl = \"http://127.0.0.1:{port}\"\n"
                ),
            ),
            (
                "measures/m.toml",
                "id = \"M-1\"\nversion = 1\nname = \"m\"\ninformation_need = \"n\"\nkind = \"performance\"\narea = \"a\"\n[roles]\nowner = \"p\"\ncollector = \"p\"\n[frequency]\ncollection = \"monthly\"\n[[base]]\nid = \"q0\"\nmethod = \"query\"\nsource = \"prom\"\nquery = 'up'\n[indicator]\nmeasure = \"q0\"\ndirection = \"higher_is_better\"\ngreen = 1\n",
            ),
        ],
    );
    let p = common::load(d.path());
    let c = Collector::new(d.path(), &p);
    let e = common::collect(&c, &p, "M-1", "q0", "2026-10")
        .await
        .unwrap_err();
    assert!(matches!(e.failure, Failure::Connection(_)), "{e}");
    assert!(
        e.to_string().starts_with("M-1/q0: cannot reach the source"),
        "{e}"
    );
}
