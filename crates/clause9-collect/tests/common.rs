//! Shared helpers of the collector tests: load a programme from a directory
//! and collect one base measure.

#![allow(dead_code)]

use std::path::Path;

use clause9_collect::{CollectError, Collected, Collector};
use clause9_core::{Programme, SourceFile};

pub fn load(dir: &Path) -> Programme {
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

pub async fn collect(
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
pub fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}
