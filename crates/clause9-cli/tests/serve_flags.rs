//! `clause9 serve` refuses bad scheduled-collection and OIDC settings before
//! it starts, naming the flag and what to write instead (exit code 2).

mod common;

use common::{clause9, run, starter};

#[test]
fn bad_schedule_and_oidc_settings_are_refused_by_name() {
    let (_tmp, p) = starter();
    let dir = p.to_str().unwrap();
    for (args, says) in [
        (
            vec!["--collect-delay", "soon"],
            "--collect-delay `soon` is not a duration: write it like 90s, 10m, 2h or 1h 30m",
        ),
        (vec!["--collect-backoff=-5m"], "--collect-backoff `-5m` is"),
        (
            vec!["--collect-attempts", "0"],
            "--collect-attempts must be at least 1",
        ),
        (
            vec!["--oidc-issuer", "login.example.com"],
            "--oidc-issuer `login.example.com` is not an http(s) URL",
        ),
        (
            vec!["--oidc-issuer", "https://login.example.com"],
            "--oidc-issuer needs --oidc-client-id",
        ),
        (
            vec![
                "--oidc-issuer",
                "https://login.example.com",
                "--oidc-client-id",
                "clause9",
            ],
            "--oidc-issuer needs --public-url",
        ),
    ] {
        let mut full = vec!["serve", dir, "--listen", "127.0.0.1:0"];
        full.extend(args.iter().copied());
        let mut cmd = clause9(&full);
        cmd.env_remove("CLAUSE9_OIDC_CLIENT_ID")
            .env_remove("CLAUSE9_PUBLIC_URL")
            .env_remove("CLAUSE9_OIDC_ISSUER");
        let (code, _, err) = run(cmd);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}
