//! CLI tests for accounts, tokens and the audit log: `user`, `token`,
//! `audit-log` and `audit-log verify` against a starter programme.

mod common;

use std::io::Write as _;
use std::process::Stdio;

use common::{clause9, ok, run, starter};

fn add_user(dir: &str, name: &str, role: &str, password: &str) -> (i32, String, String) {
    let mut cmd = clause9(&[
        "user",
        "add",
        dir,
        name,
        "--person",
        "security_lead",
        "--role",
        role,
    ]);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(password.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn users_and_tokens_are_managed_and_audit_logged() {
    let (_tmp, p) = starter();
    let dir = p.to_str().unwrap();
    let (code, out, _) = add_user(dir, "ann", "admin", "a long enough password\n");
    assert_eq!(
        (code, out.as_str()),
        (0, "added user ann (security_lead, admin)\n")
    );

    let (code, _, err) = add_user(dir, "bob", "viewer", "short\n");
    assert_eq!(code, 2);
    assert!(err.contains("too short"), "{err}");
    let (code, _, err) = add_user(dir, "ann", "viewer", "another long password\n");
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
    let (code, _, err) = run(clause9(&[
        "user", "add", dir, "eve", "--person", "nobody", "--role", "admin",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("`nobody` is not a person"), "{err}");

    let listed = ok(clause9(&["user", "list", dir, "--format", "json"]));
    let users: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(users[0]["username"], "ann");
    assert_eq!(users[0]["role"], "admin");
    assert!(
        !listed.contains("argon2"),
        "password hashes are never shown"
    );

    // ann is the only admin: the command line does not disable the last one
    let (code, _, err) = run(clause9(&["user", "disable", dir, "ann"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("this would leave no active admin"), "{err}");
    let (code, _, err) = add_user(dir, "cat", "admin", "a long enough password\n");
    assert_eq!(code, 0, "{err}");

    let token = ok(clause9(&[
        "token",
        "create",
        dir,
        "ann",
        "--name",
        "ci",
        "--expires",
        "30",
    ]));
    let token = token.trim();
    assert!(token.starts_with("c9t_") && token.len() == 68, "{token}");
    let db = std::fs::read(p.join(".clause9/clause9.db")).unwrap();
    let needle = token.as_bytes();
    assert!(
        !db.windows(needle.len()).any(|w| w == needle),
        "the token itself is not stored"
    );
    ok(clause9(&["token", "revoke", dir, "1"]));
    let (code, _, err) = run(clause9(&["token", "revoke", dir, "1"]));
    assert_eq!(code, 2, "{err}");
    ok(clause9(&[
        "user",
        "disable",
        dir,
        "ann",
        "--by",
        "security_lead",
    ]));

    let log: serde_json::Value =
        serde_json::from_str(&ok(clause9(&["audit-log", dir, "--format", "json"]))).unwrap();
    let tail: Vec<(String, String)> = log
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .take(4)
        .rev()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().into(),
                e["actor"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(tail[0].0, "user.added");
    assert_eq!(tail[1].0, "token.created");
    assert_eq!(tail[2].0, "token.revoked");
    assert_eq!(
        tail[3],
        ("user.disabled".to_string(), "security_lead".to_string())
    );
    let verified = ok(clause9(&["audit-log", "verify", dir]));
    assert!(verified.starts_with("audit log intact: "), "{verified}");
    let (code, _, err) = run(clause9(&["audit-log", dir, "--since", "yesterday"]));
    assert_eq!(code, 2);
    assert!(err.contains("--since `yesterday`"), "{err}");
}
