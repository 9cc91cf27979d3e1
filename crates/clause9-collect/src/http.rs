//! The one HTTP client of every HTTP source (Prometheus and the platforms):
//! TLS always verified (the bundled web roots, plus a private certificate
//! authority from `ca_file` when given), a time limit per request, a size
//! limit on answers, credentials never sent in clear to another machine,
//! and every exchange recorded for the provenance (method, address without
//! secrets, request body, status, size and SHA-256 of the answer).

use std::path::Path;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Failure;
use crate::provenance::sha256_hex;

/// Answers larger than this are refused (a count never needs more).
pub(crate) const MAX_ANSWER_BYTES: usize = 32 << 20;

/// How requests sign in.
pub(crate) enum Auth {
    None,
    Basic {
        username: String,
        password: String,
    },
    /// `Authorization: <scheme> <secret>` (`Bearer`, `ApiKey`, `Token`).
    Scheme {
        scheme: &'static str,
        secret: String,
    },
}

/// One request and its answer, as the provenance keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    pub method: String,
    /// The full address with its query string; never credentials.
    pub url: String,
    /// The request body sent (JSON, or form fields); `null` when it held a
    /// secret or there was none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    pub status: u16,
    pub bytes: u64,
    /// SHA-256 of the answer's body, lowercase hex.
    pub sha256: String,
}

/// An answer: status, headers and the whole body.
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as JSON, or a failure that says what came back instead.
    pub(crate) fn json(&self, platform: &str) -> Result<Value, Failure> {
        serde_json::from_slice(&self.body).map_err(|_| {
            Failure::Connection(format!(
                "the server answered HTTP {} with something that is not JSON ({}); is the address a {platform} API?",
                self.status,
                self.excerpt()
            ))
        })
    }

    /// The start of the body, for error messages.
    pub(crate) fn excerpt(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let text = text.trim();
        let cut: String = text.chars().take(300).collect();
        if cut.len() < text.len() {
            format!("{cut}…")
        } else if cut.is_empty() {
            "an empty body".into()
        } else {
            cut
        }
    }

    pub(crate) fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// A client bound to one platform's base address.
pub(crate) struct Http {
    client: reqwest::Client,
    base: Url,
    auth: Auth,
    timeout: Duration,
    headers: HeaderMap,
    /// Every request made so far, in order.
    pub exchanges: Vec<Exchange>,
}

impl Http {
    /// A client for `base` (an `http(s)://` address from an environment
    /// variable). `ca_file` is relative to `dir` unless absolute.
    pub(crate) fn new(
        base: &str,
        dir: &Path,
        ca_file: Option<&str>,
        timeout: Duration,
        auth: Auth,
    ) -> Result<Http, Failure> {
        let base = parse_base(base)?;
        if !matches!(auth, Auth::None) && base.scheme() == "http" && !is_loopback(&base) {
            return Err(Failure::Refused(format!(
                "credentials are never sent in clear: {} is http:// on another machine; use https://",
                shown(&base)
            )));
        }
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(30)))
            .user_agent(concat!("clause9/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .https_only(false);
        if let Some(file) = ca_file {
            let path = dir.join(file);
            let pem = std::fs::read(&path).map_err(|e| {
                Failure::Connection(format!("cannot read `ca_file` {}: {e}", path.display()))
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                Failure::Connection(format!(
                    "`ca_file` {} holds no PEM certificate: {e}",
                    path.display()
                ))
            })?;
            if certs.is_empty() {
                return Err(Failure::Connection(format!(
                    "`ca_file` {} holds no PEM certificate",
                    path.display()
                )));
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let client = builder
            .build()
            .map_err(|e| Failure::Connection(format!("cannot set up HTTPS: {e}")))?;
        Ok(Http {
            client,
            base,
            auth,
            timeout,
            headers: HeaderMap::new(),
            exchanges: Vec::new(),
        })
    }

    /// Sends `name: value` with every request (e.g. a tenant header).
    pub(crate) fn with_header(mut self, name: &'static str, value: &str) -> Result<Http, Failure> {
        let v = HeaderValue::from_str(value)
            .map_err(|_| Failure::Refused(format!("`{value}` cannot be sent as {name}")))?;
        self.headers.insert(HeaderName::from_static(name), v);
        Ok(self)
    }

    /// `path` under the base address (`_count`, `api/v2/findings/`).
    pub(crate) fn url(&self, path: &str) -> Result<Url, Failure> {
        let joined = format!(
            "{}/{}",
            self.base.as_str().trim_end_matches('/'),
            path.trim_start_matches('/')
        );
        Url::parse(&joined).map_err(|e| Failure::Refused(format!("bad address `{joined}`: {e}")))
    }

    /// Is `url` on the same scheme, host and port as the base (so the
    /// credentials may go there)?
    pub(crate) fn same_origin(&self, url: &Url) -> bool {
        url.scheme() == self.base.scheme()
            && url.host_str() == self.base.host_str()
            && url.port_or_known_default() == self.base.port_or_known_default()
    }

    pub(crate) async fn get(&mut self, url: Url) -> Result<Answer, Failure> {
        self.send(Method::GET, url, Body::None).await
    }

    pub(crate) async fn post_json(&mut self, url: Url, body: &Value) -> Result<Answer, Failure> {
        self.send(Method::POST, url, Body::Json(body.clone())).await
    }

    /// Posts form fields; `secret` fields are sent but not recorded.
    pub(crate) async fn post_form(
        &mut self,
        url: Url,
        fields: &[(&str, String)],
        secret: bool,
    ) -> Result<Answer, Failure> {
        let pairs: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        self.send(Method::POST, url, Body::Form { pairs, secret })
            .await
    }

    async fn send(&mut self, method: Method, url: Url, body: Body) -> Result<Answer, Failure> {
        let mut request = self
            .client
            .request(method.clone(), url.clone())
            .headers(self.headers.clone());
        request = match &self.auth {
            Auth::None => request,
            Auth::Basic { username, password } => request.basic_auth(username, Some(password)),
            Auth::Scheme { scheme, secret } => {
                request.header("Authorization", format!("{scheme} {secret}"))
            }
        };
        let recorded = match &body {
            Body::None => None,
            Body::Json(v) => {
                request = request
                    .header("Content-Type", "application/json")
                    .body(v.to_string());
                Some(v.clone())
            }
            Body::Form { pairs, secret } => {
                request = request.form(pairs);
                (!secret).then(|| {
                    Value::Object(
                        pairs
                            .iter()
                            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                            .collect(),
                    )
                })
            }
        };
        let shown_url = shown(&url);
        let seconds = self.timeout.as_secs();
        let fail = |e: reqwest::Error| {
            if e.is_timeout() {
                Failure::Timeout { seconds }
            } else {
                Failure::Connection(format!("{shown_url}: {}", chain(&e)))
            }
        };
        let mut response = request.send().await.map_err(fail)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(fail)? {
            if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(Failure::Result(format!(
                    "{shown_url} answered with more than {} MiB; a count needs far less: narrow the query",
                    MAX_ANSWER_BYTES >> 20
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        self.exchanges.push(Exchange {
            method: method.to_string(),
            url: shown_url,
            body: recorded,
            status,
            bytes: bytes.len() as u64,
            sha256: sha256_hex(&bytes),
        });
        Ok(Answer {
            status,
            headers,
            body: bytes,
        })
    }
}

enum Body {
    None,
    Json(Value),
    Form {
        pairs: Vec<(String, String)>,
        secret: bool,
    },
}

/// Parses a base address: `http://` or `https://`, no credentials inside.
fn parse_base(text: &str) -> Result<Url, Failure> {
    let url = Url::parse(text.trim()).map_err(|e| {
        Failure::Refused(format!(
            "`{}` is not an address such as https://host:port ({e})",
            text.trim()
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Failure::Refused(format!(
            "the address must start with https:// (or http:// on this machine), not {}://",
            url.scheme()
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Failure::Refused(
            "the address holds credentials; give them through the source's username/password or token variables instead".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Failure::Refused(
            "the address must not have a query string or fragment".into(),
        ));
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host_str() {
        Some("localhost") => true,
        Some(h) => h
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

/// An address as shown in messages and the provenance.
fn shown(url: &Url) -> String {
    url.as_str().to_string()
}

/// An error with its causes, one after another.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let t = s.to_string();
        if !text.contains(&t) {
            text.push_str(": ");
            text.push_str(&t);
        }
        source = s.source();
    }
    text
}

/// Reads an environment variable a source names, or says which one to set.
pub(crate) fn env(var: &str, what: &str) -> Result<String, Failure> {
    std::env::var(var)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| Failure::MissingSetting {
            var: var.to_string(),
            what: what.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_addresses_are_checked() {
        assert!(parse_base("https://siem.example:9200").is_ok());
        assert!(parse_base("ftp://x").is_err());
        assert!(parse_base("https://user:pw@siem.example").is_err());
        assert!(parse_base("https://siem.example/?a=1").is_err());
        assert!(parse_base("not an address").is_err());
    }

    #[test]
    fn credentials_never_go_in_clear_to_another_machine() {
        let dir = Path::new(".");
        let t = Duration::from_secs(1);
        let token = || Auth::Scheme {
            scheme: "Bearer",
            secret: "s".into(),
        };
        assert!(Http::new("http://10.1.2.3:9200", dir, None, t, token()).is_err());
        assert!(Http::new("http://127.0.0.1:9200", dir, None, t, token()).is_ok());
        assert!(Http::new("http://10.1.2.3:9200", dir, None, t, Auth::None).is_ok());
        assert!(Http::new("https://10.1.2.3:9200", dir, None, t, token()).is_ok());
    }
}
