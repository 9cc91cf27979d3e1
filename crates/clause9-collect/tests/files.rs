//! `files` sources on real files in temporary directories: formats, gzip,
//! globs, RFC 3339 timestamps, declared column types, parameters, the
//! read-only rules, and the time and memory limits.

mod common;

use std::path::Path;

use clause9_collect::{Collector, Failure};
use clause9_core::Programme;

use common::programme;

async fn values(dir: &Path, p: &Programme, period: &str) -> Vec<Result<Option<f64>, Failure>> {
    let c = Collector::new(dir, p);
    let m = &p.measures[0];
    let mut out = Vec::new();
    for b in &m.base {
        out.push(
            c.collect(m, b, period.parse().unwrap())
                .await
                .map(|v| v.value)
                .map_err(|e| {
                    assert_eq!(
                        (e.measure.as_str(), e.base.as_str()),
                        ("M-1", b.id.as_str())
                    );
                    e.failure
                }),
        );
    }
    out
}

const INCIDENTS: &str = "id,opened_at,closed_at,severity
1,2026-09-28T10:00:00Z,2026-10-01T09:00:00+02:00,high
2,2026-10-02T10:00:00Z,2026-10-03T10:00:00Z,low
3,2026-10-05T10:00:00Z,2026-10-12T10:00:00Z,high
4,2026-10-30T10:00:00Z,2026-11-01T00:30:00+01:00,low
5,2026-10-30T10:00:00Z,,low
";

#[tokio::test]
async fn csv_timestamps_with_z_or_offset_are_instants_and_parameters_are_bound() {
    let d = tempfile::tempdir().unwrap();
    common::write(d.path(), &[("evidence/incidents.csv", INCIDENTS)]);
    let p = programme(
        d.path(),
        "kind = \"files\"\ntables.incidents = \"evidence/incidents.csv\"",
        &[
            // October in London is [2026-09-30T23:00Z, 2026-10-31T23:00Z+1h…): row 1 closes at
            // 07:00Z on 1 Oct (in), row 4 at 23:30Z on 31 Oct, before the end 00:00Z 1 Nov (in).
            "SELECT count(*) FROM incidents WHERE closed_at >= $start AND closed_at < $end",
            "SELECT count(*) FROM incidents WHERE closed_at >= $start AND closed_at < $end AND closed_at - opened_at <= INTERVAL '72 hours'",
            "SELECT sum(id) FROM incidents WHERE $period = '2026-10'",
            "SELECT max(id) FROM incidents WHERE closed_at IS NULL",
            "SELECT avg(id) FROM incidents WHERE severity = 'none'",
        ],
    );
    let v = values(d.path(), &p, "2026-10").await;
    assert_eq!(v[0], Ok(Some(4.0)));
    assert_eq!(v[1], Ok(Some(3.0)));
    assert_eq!(v[2], Ok(Some(15.0)));
    assert_eq!(v[3], Ok(Some(5.0)));
    assert_eq!(v[4], Ok(None), "NULL is no value");
}

#[tokio::test]
async fn declared_column_types_override_inference() {
    let d = tempfile::tempdir().unwrap();
    // Inference would read `code` as integers and `day` as text.
    common::write(
        d.path(),
        &[(
            "evidence/t.csv",
            "code,day,n\n007,2026-10-05 10:00:00+00,1\n010,2026-11-05 10:00:00+00,2\n",
        )],
    );
    let p = programme(
        d.path(),
        "kind = \"files\"\ntables.t = \"evidence/t.csv\"\ncolumns.code = \"string\"\ncolumns.day = \"timestamp\"",
        &["SELECT sum(n) FROM t WHERE code = '007' AND day >= $start AND day < $end"],
    );
    assert_eq!(values(d.path(), &p, "2026-10").await[0], Ok(Some(1.0)));
}

#[tokio::test]
async fn ndjson_gzip_globs_and_semicolon_csv() {
    let d = tempfile::tempdir().unwrap();
    let gz = |text: &str| {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(text.as_bytes()).unwrap();
        e.finish().unwrap()
    };
    common::write(
        d.path(),
        &[
            (
                "evidence/a/1.jsonl",
                "{\"at\":\"2026-10-01T00:00:00Z\",\"n\":1}\n{\"at\":\"2026-10-02T00:00:00Z\",\"n\":2}\n",
            ),
            (
                "evidence/a/2.jsonl",
                "{\"at\":\"2026-11-01T00:00:00Z\",\"n\":4}\n",
            ),
            ("evidence/s.csv", "A;B\n1;x\n2;y\n"),
        ],
    );
    std::fs::write(
        d.path().join("evidence/a/3.jsonl.gz"),
        gz("{\"at\":\"2026-10-03T00:00:00Z\",\"n\":8}\n"),
    )
    .unwrap();
    std::fs::write(d.path().join("evidence/g.csv.gz"), gz("x,y\n1,2\n3,4\n")).unwrap();
    let p = programme(
        d.path(),
        "kind = \"files\"\ntables.a = \"evidence/a/*.jsonl\"\ntables.agz = \"evidence/a/*.jsonl.gz\"\ntables.s = \"evidence/s.csv\"\ntables.g = \"evidence/g.csv.gz\"",
        &[
            "SELECT sum(n) FROM a WHERE at >= $start AND at < $end",
            "SELECT sum(n) FROM agz WHERE at >= $start AND at < $end",
            "SELECT sum(\"A\") FROM s WHERE \"B\" = 'y'",
            "SELECT sum(x * y) FROM g",
        ],
    );
    let v = values(d.path(), &p, "2026-10").await;
    assert_eq!(
        v,
        [Ok(Some(3.0)), Ok(Some(8.0)), Ok(Some(2.0)), Ok(Some(14.0))]
    );
}

#[tokio::test]
async fn json_documents_nested_arrays_and_parquet() {
    let d = tempfile::tempdir().unwrap();
    common::write(
        d.path(),
        &[
            (
                "evidence/r1.json",
                r#"{"Results":[{"Vulnerabilities":[{"Severity":"HIGH"},{"Severity":"LOW"}]},{"Target":"x"}]}"#,
            ),
            (
                "evidence/r2.json",
                r#"{"Results":[{"Vulnerabilities":[{"Severity":"HIGH","FixedVersion":"1.2"}]}]}"#,
            ),
            (
                "evidence/arr.json",
                r#"[{"a":1,"when":"2026-10-04T00:00:00+02:00"},{"a":2,"when":"2026-12-01T00:00:00Z"}]"#,
            ),
        ],
    );
    write_parquet(
        &d.path().join("evidence/p.parquet"),
        &[
            ("2026-10-01T00:00:00Z", 1),
            ("2026-10-31T12:00:00Z", 2),
            ("2026-11-01T00:00:00Z", 4),
        ],
    );
    let p = programme(
        d.path(),
        "kind = \"files\"\ntables.r = \"evidence/r*.json\"\ntables.arr = \"evidence/arr.json\"\ntables.p = \"evidence/*.parquet\"",
        &[
            "SELECT count(*) FROM (SELECT unnest(r['Vulnerabilities']) AS v FROM (SELECT unnest(\"Results\") AS r FROM r)) WHERE v['Severity'] = 'HIGH'",
            "SELECT count(*) FROM (SELECT unnest(r['Vulnerabilities']) AS v FROM (SELECT unnest(\"Results\") AS r FROM r)) WHERE v['FixedVersion'] IS NOT NULL",
            "SELECT sum(a) FROM arr WHERE \"when\" >= $start AND \"when\" < $end",
            "SELECT sum(n) FROM p WHERE at >= $start AND at < $end",
        ],
    );
    let v = values(d.path(), &p, "2026-10").await;
    assert_eq!(
        v,
        [Ok(Some(2.0)), Ok(Some(1.0)), Ok(Some(1.0)), Ok(Some(3.0))]
    );
}

/// Writes `at` (UTC instants) and `n` as Parquet: a fixture, written with
/// the arrow and parquet crates directly rather than the code under test.
fn write_parquet(path: &Path, rows: &[(&str, i64)]) {
    use datafusion::arrow::array::{Int64Array, TimestampMicrosecondArray};
    use datafusion::arrow::datatypes::{DataType, Field, Schema, TimeUnit};
    use datafusion::arrow::record_batch::RecordBatch;
    use datafusion::parquet::arrow::ArrowWriter;
    use std::sync::Arc;
    let schema = Arc::new(Schema::new(vec![
        Field::new(
            "at",
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            false,
        ),
        Field::new("n", DataType::Int64, false),
    ]));
    let at: Vec<i64> = rows
        .iter()
        .map(|(t, _)| t.parse::<jiff::Timestamp>().unwrap().as_microsecond())
        .collect();
    let n: Vec<i64> = rows.iter().map(|(_, n)| *n).collect();
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(TimestampMicrosecondArray::from(at).with_timezone("UTC")),
            Arc::new(Int64Array::from(n)),
        ],
    )
    .unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

#[tokio::test]
async fn provenance_lists_the_files_read_with_hashes() {
    let d = tempfile::tempdir().unwrap();
    common::write(
        d.path(),
        &[
            ("evidence/a.csv", "n\n1\n2\n"),
            ("evidence/b.csv", "n\n5\n"),
        ],
    );
    let p = programme(
        d.path(),
        "kind = \"files\"\ntables.a = \"evidence/a.csv\"\ntables.b = \"evidence/b.csv\"",
        &["SELECT sum(n) FROM a"],
    );
    let c = Collector::new(d.path(), &p);
    let m = &p.measures[0];
    let got = c
        .collect(m, &m.base[0], "2026-10".parse().unwrap())
        .await
        .unwrap();
    let pr = &got.provenance;
    assert_eq!(got.value, Some(3.0));
    assert_eq!((pr.source.as_str(), pr.kind.as_str()), ("s", "files"));
    assert_eq!(pr.files.len(), 1, "only the table the query reads");
    assert_eq!(pr.files[0].path, "evidence/a.csv");
    assert_eq!(pr.files[0].size, 6);
    // sha256 of "n\n1\n2\n", computed with `printf 'n\n1\n2\n' | sha256sum`
    assert_eq!(
        pr.files[0].sha256,
        "b08a11a12effc9d6330979a26f9cc9ed89e5cbb45bfbdbf97e2a78fdaf66cfe9"
    );
    assert_eq!(pr.rows_scanned, Some(2));
    assert_eq!(pr.parameters.start, "2026-09-30T23:00:00Z");
    assert_eq!(pr.parameters.end, "2026-11-01T00:00:00Z");
    assert_eq!(pr.query_sha256.len(), 64);
}

#[tokio::test]
async fn only_a_single_query_over_declared_tables() {
    let d = tempfile::tempdir().unwrap();
    common::write(
        d.path(),
        &[("evidence/a.csv", "n\n1\n"), ("secret.csv", "n\n42\n")],
    );
    let secret = d.path().join("secret.csv");
    let p = programme(
        d.path(),
        "kind = \"files\"\ntables.a = \"evidence/a.csv\"",
        &[
            &format!("SELECT sum(n) FROM '{}'", secret.display()),
            "SELECT 1; SELECT 2",
            "CREATE EXTERNAL TABLE x STORED AS CSV LOCATION 'secret.csv'",
            "COPY a TO 'out.csv'",
            "SELECT count(*) FROM information_schema.tables",
            "SELECT n FROM a WHERE n > $today",
            "SELECT n, n AS m FROM a",
            "SELECT 'x'",
        ],
    );
    let v = values(d.path(), &p, "2026-10").await;
    assert!(
        matches!(&v[0], Err(Failure::Query(m)) if m.contains("not found")),
        "{:?}",
        v[0]
    );
    for (i, r) in v.iter().enumerate().skip(1).take(3) {
        assert!(matches!(r, Err(Failure::Refused(_))), "{i}: {r:?}");
    }
    assert!(
        matches!(&v[4], Err(Failure::Query(m)) if m.contains("not found")),
        "{:?}",
        v[4]
    );
    assert!(
        matches!(&v[5], Err(Failure::Refused(m)) if m.contains("$today")),
        "{:?}",
        v[5]
    );
    assert!(
        matches!(&v[6], Err(Failure::Result(m)) if m.contains("one column")),
        "{:?}",
        v[6]
    );
    assert!(
        matches!(&v[7], Err(Failure::Result(m)) if m.contains("number")),
        "{:?}",
        v[7]
    );
    assert!(!d.path().join("out.csv").exists());
}

#[tokio::test]
async fn time_and_memory_limits_name_the_measure() {
    let d = tempfile::tempdir().unwrap();
    common::write(d.path(), &[("evidence/a.csv", "n\n1\n")]);
    // A cross join of generate_series is far too big for 1 MiB and 1 s.
    let p = programme(
        d.path(),
        "kind = \"files\"\ntables.a = \"evidence/a.csv\"\nmemory_mb = 1\ntimeout_seconds = 1",
        &[
            "SELECT count(DISTINCT x * 100000000 + y) FROM generate_series(1, 3000) AS s(x), generate_series(1, 3000) AS t(y)",
            "SELECT count(*) FROM generate_series(1, 100000000000) AS s(x) WHERE x % 7 = 8",
        ],
    );
    let v = values(d.path(), &p, "2026-10").await;
    assert!(
        matches!(&v[0], Err(Failure::Memory { mb: 1, .. })),
        "{:?}",
        v[0]
    );
    assert!(
        matches!(&v[1], Err(Failure::Timeout { seconds: 1 })),
        "{:?}",
        v[1]
    );
}

#[tokio::test]
async fn missing_files_are_a_clear_error() {
    let d = tempfile::tempdir().unwrap();
    let p = programme(
        d.path(),
        "kind = \"files\"\ntables.a = \"evidence/none-*.csv\"",
        &["SELECT count(*) FROM a"],
    );
    let v = values(d.path(), &p, "2026-10").await;
    assert!(
        matches!(&v[0], Err(Failure::Files(m)) if m.contains("no evidence file matches `evidence/none-*.csv`")),
        "{:?}",
        v[0]
    );
}
