//! The columnar copy of large text evidence (CSV and NDJSON parsed once into
//! Parquet): the answers and the provenance are those of the original files,
//! whether or not the copy is made; and the in-memory limit of `.json`
//! document tables.

mod common;

use std::path::Path;

use clause9_collect::{Collector, Failure};
use clause9_core::Programme;
use common::programme;

/// A month of incidents per row group of text: ids 1..=n, opened on day
/// (id % 28) + 1 of October or November 2026, severity high for even ids,
/// closed (when id % 5 != 0) three hours after opening.
fn incidents(n: u32) -> (String, String) {
    let mut csv = String::from("id,opened_at,closed_at,severity\n");
    let mut ndjson = String::new();
    for id in 1..=n {
        let month = if id % 2 == 0 { 10 } else { 11 };
        let day = id % 28 + 1;
        let opened = format!("2026-{month:02}-{day:02}T08:00:00Z");
        let closed = if id % 5 == 0 {
            String::new()
        } else {
            format!("2026-{month:02}-{day:02}T11:00:00+00:00")
        };
        let sev = if id % 2 == 0 { "high" } else { "low" };
        csv.push_str(&format!("{id},{opened},{closed},{sev}\n"));
        let closed_json = if closed.is_empty() {
            "null".to_string()
        } else {
            format!("\"{closed}\"")
        };
        ndjson.push_str(&format!(
            "{{\"id\":{id},\"opened_at\":\"{opened}\",\"closed_at\":{closed_json},\"severity\":\"{sev}\"}}\n"
        ));
    }
    (csv, ndjson)
}

const QUERIES: [&str; 5] = [
    "SELECT count(*) FROM c WHERE opened_at >= $start AND opened_at < $end",
    "SELECT count(*) FROM c WHERE opened_at >= $start AND opened_at < $end AND severity = 'high' AND closed_at IS NULL",
    "SELECT avg(date_part('epoch', closed_at - opened_at)) / 3600 FROM c WHERE closed_at >= $start AND closed_at < $end",
    "SELECT sum(id) FROM n WHERE opened_at >= $start AND opened_at < $end",
    "SELECT count(DISTINCT severity) FROM n WHERE closed_at IS NOT NULL AND $period = '2026-11'",
];

fn setup(dir: &Path) -> Programme {
    let (csv, ndjson) = incidents(2000);
    common::write(
        dir,
        &[
            ("evidence/c.csv", csv.as_str()),
            ("evidence/n.jsonl", ndjson.as_str()),
        ],
    );
    programme(
        dir,
        "kind = \"files\"\ntables.c = \"evidence/c.csv\"\ntables.n = \"evidence/n.jsonl\"",
        &QUERIES,
    )
}

/// Every query for two periods: (value, evidence paths, rows scanned).
type Answers = Vec<(Option<f64>, Vec<String>, Option<u64>)>;

async fn answers(c: &Collector, p: &Programme) -> Answers {
    let m = &p.measures[0];
    let mut out = Vec::new();
    for period in ["2026-10", "2026-11"] {
        for b in &m.base {
            let got = c
                .collect(m, b, period.parse().unwrap())
                .await
                .unwrap_or_else(|e| panic!("{period} {}: {e}", b.id));
            let paths = got
                .provenance
                .files
                .iter()
                .map(|f| f.path.clone())
                .collect();
            out.push((got.value, paths, got.provenance.rows_scanned));
        }
    }
    out
}

#[tokio::test]
async fn a_columnar_copy_gives_the_same_answers_and_provenance() {
    let d = tempfile::tempdir().unwrap();
    let p = setup(d.path());
    let streamed = answers(
        &Collector::new(d.path(), &p).with_columnar_threshold(u64::MAX),
        &p,
    )
    .await;
    let copied = answers(&Collector::new(d.path(), &p).with_columnar_threshold(0), &p).await;
    assert_eq!(copied, streamed);
    // Counted independently from the generator's rules: 1000 even ids open
    // in October, of which the multiples of ten (200) are still open.
    assert_eq!(streamed[0].0, Some(1000.0));
    assert_eq!(streamed[1].0, Some(200.0));
    assert_eq!(streamed[2].0, Some(3.0), "closed three hours after opening");
    // Odd ids open in November: 1 + 3 + … + 1999 = 1000².
    assert_eq!(streamed[5 + 3].0, Some(1_000_000.0));
    assert_eq!(streamed[5 + 4].0, Some(2.0));
    assert_eq!(
        streamed[4].0,
        Some(0.0),
        "$period is not 2026-11 in October"
    );
    for (_, paths, rows) in &copied {
        assert!(
            paths == &["evidence/c.csv"] || paths == &["evidence/n.jsonl"],
            "the original evidence, not the copy: {paths:?}"
        );
        // every scan reports its rows (0 where the plan needs no scan: the
        // `$period` condition is false in October)
        assert!(rows.is_some_and(|n| n <= 2000), "{rows:?}");
    }
}

#[tokio::test]
async fn a_json_document_larger_than_its_memory_share_is_refused() {
    let d = tempfile::tempdir().unwrap();
    // 1 MiB of memory allows 128 KiB of JSON text; this document is larger.
    let items: Vec<String> = (0..20_000)
        .map(|i| format!("{{\"n\":{i},\"s\":\"padding\"}}"))
        .collect();
    let doc = format!("[{}]", items.join(","));
    assert!(doc.len() > 128 << 10);
    common::write(d.path(), &[("evidence/big.json", doc.as_str())]);
    let p = programme(
        d.path(),
        "kind = \"files\"\ntables.b = \"evidence/big.json\"\nmemory_mb = 1",
        &["SELECT count(*) FROM b"],
    );
    let c = Collector::new(d.path(), &p);
    let e = common::collect(&c, &p, "M-1", "q0", "2026-10")
        .await
        .unwrap_err();
    assert!(
        matches!(&e.failure, Failure::Memory { mb: 1, detail } if detail.contains("NDJSON")),
        "{e}"
    );
    // The same rows as NDJSON are streamed under the same limit.
    common::write(
        d.path(),
        &[("evidence/big.jsonl", items.join("\n").as_str())],
    );
    let p = programme(
        d.path(),
        "kind = \"files\"\ntables.b = \"evidence/big.jsonl\"\nmemory_mb = 1",
        &["SELECT count(*) FROM b"],
    );
    let c = Collector::new(d.path(), &p);
    let got = common::collect(&c, &p, "M-1", "q0", "2026-10")
        .await
        .unwrap();
    assert_eq!(got.value, Some(20_000.0));
}

#[tokio::test]
async fn json_document_tables_report_rows_scanned() {
    let d = tempfile::tempdir().unwrap();
    common::write(
        d.path(),
        &[("evidence/a.json", r#"[{"n":1},{"n":2},{"n":3}]"#)],
    );
    let p = programme(
        d.path(),
        "kind = \"files\"\ntables.a = \"evidence/a.json\"",
        &["SELECT sum(n) FROM a"],
    );
    let c = Collector::new(d.path(), &p);
    let got = common::collect(&c, &p, "M-1", "q0", "2026-10")
        .await
        .unwrap();
    assert_eq!(got.value, Some(6.0));
    assert_eq!(got.provenance.rows_scanned, Some(3));
}
