//! `clause9 serve [DIR] [--listen ADDR] [--database-url URL] [--collect-…]`:
//! runs the HTTP server (and its scheduled collection) until Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use clause9_server::collection::CollectionSchedule;
use clause9_server::jobs::CollectionPolicy;
use clause9_server::oidc::{OidcConfig, UsernameClaim};
use clause9_server::{ServeOptions, Settings};
use jiff::SignedDuration;

use crate::cli::{OidcArgs, OidcClaim, ScheduleArgs, StoreArgs};
use crate::error::{CliError, CliResult};

pub(super) async fn run(
    dir: &Path,
    listen: &str,
    insecure_cookies: bool,
    schedule: &ScheduleArgs,
    oidc: &OidcArgs,
    store: &StoreArgs,
) -> CliResult {
    if !dir.join("clause9.toml").is_file() {
        return Err(CliError::invalid(format!(
            "{} is not a clause9 programme: no clause9.toml (create one with `clause9 init {}`)",
            dir.display(),
            dir.display()
        )));
    }
    let listen: SocketAddr = listen.parse().map_err(|_| {
        CliError::invalid(format!(
            "--listen `{listen}` is not an address such as 127.0.0.1:8080"
        ))
    })?;
    let collection = collection_schedule(schedule)?;
    let oidc = oidc_config(oidc)?;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CLAUSE9_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let options = ServeOptions {
        dir: dir.to_path_buf(),
        listen,
        database_url: store.database_url.clone(),
        settings: Settings {
            secure_cookies: !insecure_cookies,
            collection,
            oidc,
            ..Settings::default()
        },
        today: crate::context::today_option(),
    };
    clause9_server::serve(options).await?;
    Ok(())
}

fn collection_schedule(args: &ScheduleArgs) -> Result<CollectionSchedule, CliError> {
    if args.collect_attempts == 0 {
        return Err(CliError::invalid("--collect-attempts must be at least 1"));
    }
    let defaults = CollectionPolicy::default();
    let every = duration("--collect-every", &args.collect_every)?;
    if every.is_zero() {
        return Err(CliError::invalid(
            "--collect-every must be longer than 0s, such as 1m",
        ));
    }
    Ok(CollectionSchedule {
        enabled: !args.no_scheduled_collection,
        every,
        catch_up: args.collect_catch_up,
        policy: CollectionPolicy {
            delay: SignedDuration::try_from(duration("--collect-delay", &args.collect_delay)?)
                .map_err(|e| CliError::invalid(format!("--collect-delay: {e}")))?,
            first_backoff: duration("--collect-backoff", &args.collect_backoff)?,
            max_backoff: duration("--collect-max-backoff", &args.collect_max_backoff)?,
            max_attempts: args.collect_attempts,
            ..defaults
        },
    })
}

/// A duration flag such as `90s`, `10m`, `2h` or `1h 30m`.
fn duration(flag: &str, text: &str) -> Result<Duration, CliError> {
    let parsed: SignedDuration = text.trim().parse().map_err(|_| {
        CliError::invalid(format!(
            "{flag} `{text}` is not a duration: write it like 90s, 10m, 2h or 1h 30m"
        ))
    })?;
    if parsed.is_negative() {
        return Err(CliError::invalid(format!(
            "{flag} `{text}` is negative: give a duration such as 10m"
        )));
    }
    Ok(parsed.unsigned_abs())
}

/// The OIDC settings, or `None` without `--oidc-issuer`. The secret comes
/// only from `CLAUSE9_OIDC_CLIENT_SECRET`.
fn oidc_config(args: &OidcArgs) -> Result<Option<OidcConfig>, CliError> {
    let Some(issuer) = args.oidc_issuer.clone() else {
        return Ok(None);
    };
    let Ok(parsed) = url_parts(&issuer) else {
        return Err(CliError::invalid(format!(
            "--oidc-issuer `{issuer}` is not an http(s) URL such as https://login.example.com/realms/acme"
        )));
    };
    let Some(client_id) = args.oidc_client_id.clone().filter(|c| !c.is_empty()) else {
        return Err(CliError::invalid(
            "--oidc-issuer needs --oidc-client-id (or CLAUSE9_OIDC_CLIENT_ID): the client id registered at the provider",
        ));
    };
    let Some(public) = args.public_url.as_deref() else {
        return Err(CliError::invalid(
            "--oidc-issuer needs --public-url (or CLAUSE9_PUBLIC_URL): the URL browsers reach this server at, such as https://clause9.example.com",
        ));
    };
    if url_parts(public).is_err() {
        return Err(CliError::invalid(format!(
            "--public-url `{public}` is not an http(s) URL such as https://clause9.example.com"
        )));
    }
    let client_secret = std::env::var("CLAUSE9_OIDC_CLIENT_SECRET")
        .ok()
        .filter(|s| !s.is_empty());
    Ok(Some(OidcConfig {
        issuer,
        client_id,
        client_secret,
        provider_name: args.oidc_name.clone().unwrap_or(parsed),
        redirect_url: format!("{}/oidc/callback", public.trim_end_matches('/')),
        username_claim: match args.oidc_username_claim {
            OidcClaim::PreferredUsername => UsernameClaim::PreferredUsername,
            OidcClaim::Email => UsernameClaim::Email,
        },
    }))
}

/// The host of an `http://` or `https://` URL.
fn url_parts(url: &str) -> Result<String, ()> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or(())?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(());
    }
    Ok(host.to_string())
}
