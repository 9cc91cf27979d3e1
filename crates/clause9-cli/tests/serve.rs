//! `clause9 serve` as a real process on a loopback port: `/api/v1/evaluations`
//! returns exactly what `clause9 evaluate --format json` prints, and the
//! server stops on SIGTERM.

mod common;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::Stdio;

use common::{clause9, evaluate_json, ok, starter};

/// A minimal HTTP/1.1 GET over TCP: (status, body).
fn get(addr: &str, path: &str, token: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_string())
}

#[test]
fn the_api_serves_the_same_evaluation_as_the_cli() {
    let (_tmp, p) = starter();
    let dir = p.to_str().unwrap();
    let mut add = clause9(&[
        "user",
        "add",
        dir,
        "ann",
        "--person",
        "security_lead",
        "--role",
        "viewer",
    ]);
    add.stdin(Stdio::piped()).stdout(Stdio::null());
    let mut child = add.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password\n")
        .unwrap();
    assert!(child.wait().unwrap().success());
    let token = ok(clause9(&["token", "create", dir, "ann"]))
        .trim()
        .to_string();

    let mut server = clause9(&["serve", dir, "--listen", "127.0.0.1:0"]);
    server
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .env("CLAUSE9_LOG", "info");
    let mut server = server.spawn().unwrap();
    let mut log = BufReader::new(server.stderr.take().unwrap());
    let mut addr = None;
    let mut line = String::new();
    while log.read_line(&mut line).unwrap() > 0 {
        if let Some((_, rest)) = line.split_once("listening on http://") {
            addr = Some(rest.trim().to_string());
            break;
        }
        line.clear();
    }
    let addr = addr.expect("the server says where it listens");

    let month = {
        let evaluation = evaluate_json(&p, None);
        evaluation["period"].as_str().unwrap().to_string()
    };
    for period in [month.as_str(), "2026-Q3", "2025-12"] {
        let (status, body) = get(
            &addr,
            &format!("/api/v1/evaluations?period={period}"),
            &token,
        );
        assert_eq!(status, 200, "{body}");
        let api: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(api, evaluate_json(&p, Some(period)), "{period}");
    }
    let (status, _) = get(&addr, "/api/v1/evaluations", "c9t_wrong");
    assert_eq!(status, 401);

    // SIGTERM: the server shuts down gracefully and exits 0.
    let pid = server.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = server.wait().unwrap();
    assert!(status.success(), "{status:?}");
}
