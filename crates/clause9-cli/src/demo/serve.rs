//! Serving the demo: an administrator, a collector, an auditor and a
//! reviewer (the chair of the management reviews) with generated
//! passwords (printed once, stored only as argon2id hashes), then the server
//! on the chosen address until Ctrl-C.

use std::net::SocketAddr;
use std::path::Path;

use clause9_server::secret::{hash_password, new_secret};
use clause9_server::{ServeOptions, Settings};
use clause9_store::Store;
use clause9_store::accounts::{Change, NewUser, Role};

use crate::cli::StoreArgs;
use crate::error::{CliError, CliResult};
use crate::output::say;

/// The demo's accounts: username, person (of the library's `[people]`), role.
pub(crate) const ACCOUNTS: &[(&str, &str, Role)] = &[
    ("admin", "isms_manager", Role::Admin),
    ("collector", "hr_lead", Role::Collector),
    ("auditor", "internal_auditor", Role::Auditor),
    ("reviewer", "managing_director", Role::Reviewer),
];

/// Parses `--listen`.
pub(crate) fn listen_address(listen: &str) -> CliResult<SocketAddr> {
    listen.parse().map_err(|_| {
        CliError::invalid(format!(
            "--listen `{listen}` is not an address such as 127.0.0.1:8080"
        ))
    })
}

/// Adds the demo accounts; returns (username, person, role, password).
pub(crate) async fn add_accounts(
    store: &dyn Store,
) -> CliResult<Vec<(String, String, Role, String)>> {
    let change = Change {
        actor: "local:demo".into(),
        at: crate::context::clock_in(&jiff::tz::TimeZone::UTC).now(),
    };
    let mut out = Vec::new();
    for (username, person, role) in ACCOUNTS {
        let password = new_secret("demo");
        let hash =
            hash_password(&password).map_err(|e| CliError::Failed(anyhow::anyhow!("{e}")))?;
        store
            .accounts()
            .add_user(
                &NewUser {
                    username: (*username).into(),
                    person: (*person).into(),
                    role: *role,
                    password_hash: Some(hash),
                },
                &change,
            )
            .await
            .map_err(|e| {
                CliError::Failed(anyhow::anyhow!("cannot add the demo user {username}: {e}"))
            })?;
        out.push((username.to_string(), person.to_string(), *role, password));
    }
    Ok(out)
}

/// Serves `dir` on `listen` until Ctrl-C, after printing the address and
/// the logins. Session cookies are `Secure` unless the address is loopback
/// (plain HTTP on this machine only).
pub(crate) async fn serve(
    dir: &Path,
    listen: SocketAddr,
    store_args: &StoreArgs,
    logins: &[(String, String, Role, String)],
) -> CliResult {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CLAUSE9_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let options = ServeOptions {
        dir: dir.to_path_buf(),
        listen,
        database_url: store_args.database_url.clone(),
        settings: Settings {
            secure_cookies: !listen.ip().is_loopback(),
            ..Settings::default()
        },
        today: crate::context::today_option(),
    };
    let running = clause9_server::serve::start(options, true).await?;
    say(format!(
        "the demo is served at http://{}/ (Ctrl-C stops it)",
        running.addr
    ));
    for (username, person, role, password) in logins {
        say(format!(
            "  sign in as {username} ({}, {person}) with the password {password}",
            role.as_str()
        ));
    }
    say("  these passwords are shown only now; add more accounts with `clause9 user add`");
    if !listen.ip().is_loopback() {
        say(
            "  not a loopback address: session cookies are Secure, so sign-in needs HTTPS in front (a reverse proxy)",
        );
    }
    running.wait().await?;
    Ok(())
}
