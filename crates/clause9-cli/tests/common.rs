//! Helpers for the CLI tests: running the binary and reading its output.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The day every command of these tests runs as (`CLAUSE9_TODAY`), so that
/// no test passes on one day and fails on another; tests of date-dependent
/// behaviour set other days themselves.
pub(crate) const TODAY: &str = "2026-12-02";

pub(crate) fn clause9(args: &[&str]) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("clause9"));
    cmd.args(args)
        .env_remove("CLAUSE9_DATABASE_URL")
        .env_remove("CLAUSE9_PERSON")
        .env("CLAUSE9_TODAY", TODAY);
    cmd
}

/// `clause9 ARGS…` run as if today were `day`.
pub(crate) fn clause9_on(day: &str, args: &[&str]) -> Command {
    let mut cmd = clause9(args);
    cmd.env("CLAUSE9_TODAY", day);
    cmd
}

/// `TODAY` as a date.
pub(crate) fn today() -> jiff::civil::Date {
    TODAY.parse().unwrap()
}

/// Exit code, standard output, standard error.
pub(crate) fn run(mut cmd: Command) -> (i32, String, String) {
    let out = cmd.output().expect("the clause9 binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs and expects success; returns standard output.
pub(crate) fn ok(cmd: Command) -> String {
    let (code, out, err) = run(cmd);
    assert_eq!(
        code, 0,
        "failed with {code}\nstdout:\n{out}\nstderr:\n{err}"
    );
    out
}

pub(crate) fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh starter programme in a temporary directory.
pub(crate) fn starter() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("isms");
    ok(clause9(&["init", p.to_str().unwrap()]));
    (dir, p)
}

pub(crate) fn evaluate_json(p: &Path, period: Option<&str>) -> serde_json::Value {
    let mut args = vec!["evaluate", p.to_str().unwrap(), "--format", "json"];
    if let Some(period) = period {
        args.extend(["--period", period]);
    }
    serde_json::from_str(&ok(clause9(&args))).unwrap()
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Number of observations stored for a measure (history, superseded included).
pub(crate) fn stored(p: &Path, measure: &str) -> usize {
    let out = ok(clause9(&[
        "history",
        p.to_str().unwrap(),
        measure,
        "--format",
        "json",
    ]));
    serde_json::from_str::<serde_json::Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .len()
}
