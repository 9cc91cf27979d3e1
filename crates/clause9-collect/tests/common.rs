//! Shared helpers of the collector tests: load a programme from a directory
//! and collect one base measure.

#![allow(dead_code)]

use std::path::Path;

use clause9_collect::{CollectError, Collected, Collector};
use clause9_core::{Programme, SourceFile};

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

/// A programme with one source (`source` is the TOML after `[sources.s]`)
/// and one measure whose bases are the given queries, named q0, q1, …
pub(crate) fn programme(dir: &Path, source: &str, queries: &[&str]) -> Programme {
    let mut measure = String::from(
        "id = \"M-1\"\nversion = 1\nname = \"m\"\ninformation_need = \"n\"\nkind = \"performance\"\narea = \"a\"\n[roles]\nowner = \"p\"\ncollector = \"p\"\n[frequency]\ncollection = \"monthly\"\n",
    );
    for (i, q) in queries.iter().enumerate() {
        measure.push_str(&format!(
            "[[base]]\nid = \"q{i}\"\nmethod = \"query\"\nsource = \"s\"\nquery = '''\n{q}\n'''\n"
        ));
    }
    measure
        .push_str("[indicator]\nmeasure = \"q0\"\ndirection = \"higher_is_better\"\ngreen = 1\n");
    write(
        dir,
        &[
            (
                "clause9.toml",
                &format!("{SETTINGS}[sources.s]\n{source}\n"),
            ),
            ("measures/m.toml", &measure),
        ],
    );
    load(dir)
}

pub(crate) fn load(dir: &Path) -> Programme {
    let read = |p: &Path| SourceFile {
        path: p.strip_prefix(dir).unwrap().display().to_string(),
        text: std::fs::read_to_string(p).unwrap(),
    };
    let settings = read(&dir.join("clause9.toml"));
    let mut measures = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir.join("measures")) {
        let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort();
        measures = paths.iter().map(|p| read(p)).collect();
    }
    match clause9_core::load(&settings, &measures) {
        Ok(p) => p,
        Err(d) => panic!("{d:#?}"),
    }
}

pub(crate) async fn collect(
    c: &Collector,
    p: &Programme,
    measure: &str,
    base: &str,
    period: &str,
) -> Result<Collected, CollectError> {
    let m = p.measure(measure).unwrap();
    c.collect(m, m.base(base).unwrap(), period.parse().unwrap())
        .await
}

/// Writes `files` (path, contents) under `dir`.
pub(crate) fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}
