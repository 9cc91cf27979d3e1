//! A test HTTP server on loopback that plays a platform's part: it expects
//! exact requests, in order (method, path, query, chosen headers, body), and
//! answers each with a body written in the vendor's documented format. A
//! request that differs from the expected one is answered with HTTP 599 and
//! recorded, so the test fails naming the difference.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// How the request body must look.
pub(crate) enum Body {
    None,
    /// JSON, compared as values.
    Json(serde_json::Value),
    /// `application/x-www-form-urlencoded` fields, compared in order.
    Form(Vec<(&'static str, String)>),
}

/// One expected request and the answer to give.
pub(crate) struct Expect {
    pub method: &'static str,
    pub path: String,
    /// Decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// Headers that must be present with exactly this value (lowercase names).
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
    pub status: u16,
    pub response_headers: Vec<(&'static str, String)>,
    pub response: String,
}

impl Expect {
    pub(crate) fn new(method: &'static str, path: &str) -> Expect {
        Expect {
            method,
            path: path.to_string(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            status: 200,
            response_headers: vec![("content-type", "application/json".into())],
            response: String::new(),
        }
    }

    pub(crate) fn query(mut self, pairs: &[(&str, &str)]) -> Expect {
        self.query = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self
    }

    pub(crate) fn header(mut self, name: &'static str, value: &str) -> Expect {
        self.headers.push((name, value.to_string()));
        self
    }

    pub(crate) fn json(mut self, body: serde_json::Value) -> Expect {
        self.body = Body::Json(body);
        self
    }

    pub(crate) fn form(mut self, fields: &[(&'static str, &str)]) -> Expect {
        self.body = Body::Form(fields.iter().map(|(k, v)| (*k, v.to_string())).collect());
        self
    }

    pub(crate) fn answer(mut self, status: u16, body: &str) -> Expect {
        self.status = status;
        self.response = body.to_string();
        self
    }

    pub(crate) fn answer_header(mut self, name: &'static str, value: &str) -> Expect {
        self.response_headers.push((name, value.to_string()));
        self
    }
}

/// The running server.
pub(crate) struct Replay {
    pub url: String,
    state: Arc<Mutex<State>>,
    thread: Option<JoinHandle<()>>,
}

struct State {
    expected: Vec<Expect>,
    next: usize,
    problems: Vec<String>,
}

impl Replay {
    /// Serves `expected` on a free loopback port; `{base}` in answers is
    /// replaced with the server's address (for next-page links).
    pub(crate) fn start(expected: Vec<Expect>) -> Replay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let count = expected.len();
        let state = Arc::new(Mutex::new(State {
            expected,
            next: 0,
            problems: Vec::new(),
        }));
        let shared = state.clone();
        let base = url.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming().take(count) {
                let Ok(stream) = stream else { break };
                serve(stream, &shared, &base);
            }
        });
        Replay {
            url,
            state,
            thread: Some(thread),
        }
    }

    /// Every expected request came, exactly as expected.
    pub(crate) fn assert_done(&self) {
        let s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        assert!(
            s.problems.is_empty(),
            "requests differed:\n{}",
            s.problems.join("\n")
        );
        assert_eq!(
            s.next,
            s.expected.len(),
            "only {} of {} expected requests came",
            s.next,
            s.expected.len()
        );
    }
}

impl Drop for Replay {
    fn drop(&mut self) {
        // Unblock the accept loop if requests are still expected.
        let pending = {
            let s = self.state.lock().unwrap_or_else(|e| e.into_inner());
            s.expected.len() - s.next
        };
        for _ in 0..pending {
            let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(stream: TcpStream, state: &Arc<Mutex<State>>, base: &str) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).unwrap();
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    let index = s.next;
    s.next += 1;
    let (status, response_headers, response) = match s.expected.get(index) {
        None => {
            s.problems
                .push(format!("unexpected request {method} {target}"));
            (599, Vec::new(), String::new())
        }
        Some(e) => {
            let problems = differences(e, &method, &target, &headers, &body);
            if problems.is_empty() {
                (
                    e.status,
                    e.response_headers
                        .iter()
                        .map(|(k, v)| (*k, v.replace("{base}", base)))
                        .collect(),
                    e.response.replace("{base}", base),
                )
            } else {
                let text = format!("request {}: {}", index + 1, problems.join("; "));
                s.problems.push(text.clone());
                (599, Vec::new(), text)
            }
        }
    };
    drop(s);
    let mut out = stream;
    let mut head = format!(
        "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
        response.len()
    );
    for (k, v) in response_headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = out.write_all(head.as_bytes());
    let _ = out.write_all(response.as_bytes());
    let _ = out.flush();
}

fn differences(
    e: &Expect,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Vec<String> {
    let mut p = Vec::new();
    if method != e.method {
        p.push(format!("method {method}, expected {}", e.method));
    }
    let url = reqwest::Url::parse(&format!("http://x{target}")).unwrap();
    if url.path() != e.path {
        p.push(format!("path {}, expected {}", url.path(), e.path));
    }
    let query: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if query != e.query {
        p.push(format!("query {query:?}, expected {:?}", e.query));
    }
    for (name, value) in &e.headers {
        let got = headers.iter().find(|(k, _)| k == name).map(|(_, v)| v);
        if got != Some(value) {
            p.push(format!("header {name}: {got:?}, expected {value:?}"));
        }
    }
    match &e.body {
        Body::None => {
            if !body.is_empty() {
                p.push(format!(
                    "a body, expected none: {}",
                    String::from_utf8_lossy(body)
                ));
            }
        }
        Body::Json(want) => match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(got) if &got == want => {}
            Ok(got) => p.push(format!("body {got}, expected {want}")),
            Err(_) => p.push(format!("body not JSON: {}", String::from_utf8_lossy(body))),
        },
        Body::Form(want) => {
            let got: Vec<(String, String)> =
                reqwest::Url::parse(&format!("http://x/?{}", String::from_utf8_lossy(body)))
                    .unwrap()
                    .query_pairs()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect();
            if got != want {
                p.push(format!("form {got:?}, expected {want:?}"));
            }
        }
    }
    p
}
