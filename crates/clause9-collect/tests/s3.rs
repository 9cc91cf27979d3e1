//! `files` sources whose tables live on S3-compatible object storage,
//! against a real S3 server on loopback: moto in server mode (PyPI
//! `moto[server]`; `scripts/test` installs it). The same evidence is read
//! from local files and from the bucket, and every query must give the same
//! value; the provenance names the objects with the SHA-256 of their bytes.
//! Without moto the test says it is skipped, unless
//! `CLAUSE9_TEST_MOTO_REQUIRED=1` (set by `scripts/test`).

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clause9_collect::Collector;

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Option<Server> {
    let present = Command::new("python3")
        .args(["-c", "import moto.server, flask"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !present {
        assert!(
            std::env::var("CLAUSE9_TEST_MOTO_REQUIRED").as_deref() != Ok("1"),
            "moto is missing: pip install 'moto[server]' (scripts/test does)"
        );
        eprintln!("skipped: moto is not installed (pip install 'moto[server]')");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("python3")
        .args([
            "-m",
            "moto.server",
            "-H",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot start moto");
    let server = Server {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "moto did not start within 30 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(server)
}

const OCTOBER: &str = "id;opened_at;closed_at;severity\n\
1;2026-09-29T08:00:00Z;2026-09-30T22:30:00Z;high\n\
2;2026-09-30T20:00:00Z;2026-09-30T23:00:00Z;high\n\
3;2026-10-10T08:00:00Z;2026-10-12T08:00:00Z;low\n\
4;2026-10-20T08:00:00Z;2026-10-31T23:59:00Z;high\n";
const NOVEMBER: &str = "id;opened_at;closed_at;severity\n\
5;2026-10-30T08:00:00Z;2026-11-01T00:00:00Z;high\n\
6;2026-11-02T08:00:00Z;2026-11-03T08:00:00Z;low\n";

const QUERIES: [&str; 3] = [
    "SELECT count(*) FROM incidents WHERE closed_at >= $start AND closed_at < $end",
    "SELECT count(*) FROM scans WHERE closed_at >= $start AND closed_at < $end AND severity = 'high'",
    "SELECT count(DISTINCT i.id) FROM incidents i JOIN scans s ON i.id = s.id WHERE s.opened_at < $end",
];

/// The rows of both CSV files as Parquet (written with the arrow and
/// parquet crates, not the code under test).
fn parquet() -> Vec<u8> {
    use datafusion::arrow::array::{Int64Array, StringArray, TimestampMicrosecondArray};
    use datafusion::arrow::datatypes::{DataType, Field, Schema, TimeUnit};
    use datafusion::arrow::record_batch::RecordBatch;
    use datafusion::parquet::arrow::ArrowWriter;
    use std::sync::Arc;
    let ts = || DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("opened_at", ts(), false),
        Field::new("closed_at", ts(), false),
        Field::new("severity", DataType::Utf8, false),
    ]));
    let rows: Vec<Vec<&str>> = OCTOBER
        .lines()
        .skip(1)
        .chain(NOVEMBER.lines().skip(1))
        .map(|l| l.split(';').collect())
        .collect();
    let at = |i: usize| -> TimestampMicrosecondArray {
        rows.iter()
            .map(|r| r[i].parse::<jiff::Timestamp>().unwrap().as_microsecond())
            .collect::<Vec<_>>()
            .into()
    };
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int64Array::from(
                rows.iter()
                    .map(|r| r[0].parse::<i64>().unwrap())
                    .collect::<Vec<_>>(),
            )),
            Arc::new(at(1).with_timezone("UTC")),
            Arc::new(at(2).with_timezone("UTC")),
            Arc::new(StringArray::from(
                rows.iter().map(|r| r[3]).collect::<Vec<_>>(),
            )),
        ],
    )
    .unwrap();
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    out
}

#[tokio::test]
async fn s3_tables_give_the_same_values_as_local_files() {
    let Some(server) = start() else { return };
    let local = tempfile::tempdir().unwrap();
    common::write(
        local.path(),
        &[
            ("evidence/incidents/2026-10.csv", OCTOBER),
            ("evidence/incidents/2026-11.csv", NOVEMBER),
        ],
    );
    let scans = parquet();
    std::fs::create_dir_all(local.path().join("evidence/scans")).unwrap();
    std::fs::write(local.path().join("evidence/scans/all.parquet"), &scans).unwrap();

    let http = reqwest::Client::new();
    let put = |key: String, body: Vec<u8>| {
        let http = http.clone();
        let url = format!("{}/{key}", server.url);
        async move {
            let r = http.put(url).body(body).send().await.unwrap();
            assert!(r.status().is_success(), "{}", r.text().await.unwrap());
        }
    };
    put("evidence".into(), Vec::new()).await;
    put("evidence/incidents/2026-10.csv".into(), OCTOBER.into()).await;
    put("evidence/incidents/2026-11.csv".into(), NOVEMBER.into()).await;
    put(
        "evidence/incidents/readme.txt.bak".into(),
        b"not evidence".to_vec(),
    )
    .await;
    put("evidence/scans/all.parquet".into(), scans.clone()).await;

    let on_disk = common::programme(
        local.path(),
        "kind = \"files\"\ntables.incidents = \"evidence/incidents/*.csv\"\ntables.scans = \"evidence/scans/*.parquet\"",
        &QUERIES,
    );
    let remote_dir = tempfile::tempdir().unwrap();
    let on_s3 = common::programme(
        remote_dir.path(),
        "kind = \"files\"\ntables.incidents = \"s3://evidence/incidents/*.csv\"\ntables.scans = \"s3://evidence/scans/*.parquet\"",
        &QUERIES,
    );
    let local_c = Collector::new(local.path(), &on_disk);
    let s3_c = Collector::new(remote_dir.path(), &on_s3)
        .with_env("AWS_ENDPOINT_URL", &server.url)
        .with_env("AWS_ALLOW_HTTP", "true")
        .with_env("AWS_ACCESS_KEY_ID", "clause9-test")
        .with_env("AWS_SECRET_ACCESS_KEY", "clause9-test-secret")
        .with_env("AWS_REGION", "us-east-1");
    let expected = [Some(3.0), Some(2.0), Some(5.0)];
    for (i, want) in expected.iter().enumerate() {
        let base = format!("q{i}");
        let a = common::collect(&local_c, &on_disk, "M-1", &base, "2026-10")
            .await
            .unwrap();
        let b = common::collect(&s3_c, &on_s3, "M-1", &base, "2026-10")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.value, *want, "local q{i}");
        assert_eq!(b.value, *want, "s3 q{i}");
        let hashes = |c: &clause9_collect::Collected| -> Vec<(String, u64)> {
            c.provenance
                .files
                .iter()
                .map(|f| (f.sha256.clone(), f.size))
                .collect()
        };
        assert_eq!(hashes(&a), hashes(&b), "the same bytes were read (q{i})");
        if i == 0 {
            let paths: Vec<&str> = b.provenance.files.iter().map(|f| f.path.as_str()).collect();
            assert_eq!(
                paths,
                [
                    "s3://evidence/incidents/2026-10.csv",
                    "s3://evidence/incidents/2026-11.csv"
                ]
            );
        }
    }

    // a missing bucket fails the value, naming the table
    let missing = tempfile::tempdir().unwrap();
    let p = common::programme(
        missing.path(),
        "kind = \"files\"\ntables.t = \"s3://no-such-bucket/x/*.csv\"",
        &["SELECT count(*) FROM t"],
    );
    let c = Collector::new(missing.path(), &p)
        .with_env("AWS_ENDPOINT_URL", &server.url)
        .with_env("AWS_ALLOW_HTTP", "true")
        .with_env("AWS_ACCESS_KEY_ID", "k")
        .with_env("AWS_SECRET_ACCESS_KEY", "s")
        .with_env("AWS_REGION", "us-east-1");
    let e = common::collect(&c, &p, "M-1", "q0", "2026-10")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("M-1/q0: evidence files: table `t`: s3://no-such-bucket/x/*.csv"),
        "{e}"
    );
}
