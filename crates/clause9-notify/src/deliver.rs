//! Delivery: each notice once (claimed in the store), to each person by the
//! channels they chose: email over SMTP, and a JSON POST to their webhook.

use clause9_core::Programme;
use clause9_store::{Store, StoreError};
use jiff::Timestamp;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::{Notice, Preferences};

/// Sends email through one SMTP server.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// From an SMTP URL (`smtps://user:pass@host`, `smtp://host:587?tls=required`)
    /// and the sender address. Both usually come from the environment
    /// (`CLAUSE9_SMTP_URL`, `CLAUSE9_SMTP_FROM`); neither is ever logged.
    pub fn from_url(url: &str, from: &str) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|_| "the SMTP url is not valid; use smtps://USER:PASSWORD@HOST or smtp://HOST:587?tls=required".to_string())?
            .build();
        Ok(Mailer {
            transport,
            from: from
                .parse()
                .map_err(|_| format!("`{from}` is not an email address"))?,
        })
    }

    /// Plain SMTP to a server on this machine's loopback (no TLS, no login).
    pub fn loopback(port: u16, from: &str) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
            .port(port)
            .build();
        Ok(Mailer {
            transport,
            from: from
                .parse()
                .map_err(|_| format!("`{from}` is not an email address"))?,
        })
    }

    async fn send(&self, to: Mailbox, notice: &Notice) -> Result<(), String> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(format!("[clause9] {}", notice.title))
            .body(notice.text.clone())
            .map_err(|e| format!("cannot build the message: {e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("the SMTP server refused the message: {e}"))
    }
}

/// The ways out.
pub struct Channels {
    pub mailer: Option<Mailer>,
    pub http: reqwest::Client,
}

impl Channels {
    pub fn new(mailer: Option<Mailer>) -> Channels {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Channels { mailer, http }
    }
}

/// What a delivery run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DeliveryReport {
    pub emailed: usize,
    pub posted: usize,
    /// Not wanted by the person, or already sent.
    pub skipped: usize,
    /// One line per failure (the notice is not retried: delivery is at most once).
    pub failed: Vec<String>,
}

/// Whether a webhook URL may be called: https, or http on loopback.
pub fn webhook_allowed(url: &str) -> bool {
    url.starts_with("https://")
        || [
            "http://127.0.0.1:",
            "http://127.0.0.1/",
            "http://[::1]:",
            "http://localhost:",
        ]
        .iter()
        .any(|p| url.starts_with(p))
}

/// Sends each notice the person wants, once across all server processes.
pub async fn deliver(
    store: &dyn Store,
    programme: &Programme,
    notices: &[Notice],
    channels: &Channels,
    now: Timestamp,
) -> Result<DeliveryReport, StoreError> {
    let mut report = DeliveryReport::default();
    for notice in notices {
        let prefs: Preferences = store
            .notifications()
            .preferences(&notice.person)
            .await?
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        if !prefs.kinds.contains(&notice.kind)
            || !store.notifications().claim(&notice.key, now).await?
        {
            report.skipped += 1;
            continue;
        }
        let person = programme.settings.people.get(&notice.person);
        if prefs.email
            && let (Some(mailer), Some(p)) = (&channels.mailer, person)
            && let Some(email) = &p.email
        {
            match email.parse::<lettre::Address>() {
                Ok(address) => match mailer
                    .send(Mailbox::new(Some(p.name.clone()), address), notice)
                    .await
                {
                    Ok(()) => report.emailed += 1,
                    Err(e) => report.failed.push(format!("{}: email: {e}", notice.key)),
                },
                Err(_) => report
                    .failed
                    .push(format!("{}: `{email}` is not an email address", notice.key)),
            }
        }
        if let Some(url) = &prefs.webhook {
            if !webhook_allowed(url) {
                report
                    .failed
                    .push(format!("{}: webhook must be https://", notice.key));
                continue;
            }
            let sent = channels.http.post(url).json(notice).send().await;
            match sent.map(|r| r.status()) {
                Ok(status) if status.is_success() => report.posted += 1,
                Ok(status) => report
                    .failed
                    .push(format!("{}: webhook answered {status}", notice.key)),
                Err(e) => {
                    report
                        .failed
                        .push(format!("{}: webhook: {}", notice.key, e.without_url()))
                }
            }
        }
    }
    for line in &report.failed {
        tracing::warn!("notification not delivered: {line}");
    }
    Ok(report)
}
