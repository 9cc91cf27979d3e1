//! `clause9 user add|list|disable` and `clause9 token create|list|revoke`:
//! accounts for the server. Passwords come from standard input; a token is
//! shown once and only its SHA-256 is stored. Every change is audit-logged.

use std::io::Read as _;
use std::path::Path;

use anyhow::Context as _;
use clause9_server::secret;
use clause9_store::accounts::{Change, NewUser, Role};
use jiff::ToSpan;

use crate::cli::{Format, StoreArgs};
use crate::commands::record::recorder;
use crate::context::{load_programme, open_store, split_dir};
use crate::error::{CliError, CliResult};
use crate::output::{self, Cell, say};

/// Who makes the change: `--by` / `CLAUSE9_PERSON` or the local account.
fn change(dir: &Path, by: Option<&str>) -> CliResult<Change> {
    let actor = match by {
        Some(_) => recorder(&load_programme(dir)?, by)?,
        None => recorder_without_programme(),
    };
    Ok(Change {
        actor,
        at: crate::context::clock_in(&jiff::tz::TimeZone::UTC).now(),
    })
}

fn recorder_without_programme() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("local:{user}")
}

pub(super) async fn add(
    args: &[String],
    person: &str,
    role: &str,
    by: Option<&str>,
    store_args: &StoreArgs,
) -> CliResult {
    let (dir, rest) = split_dir(args, 1);
    let username = rest.first().cloned().unwrap_or_default();
    let programme = load_programme(&dir)?;
    let mut problems = Vec::new();
    if !programme.settings.people.contains_key(person) {
        problems.push(format!(
            "--person: `{person}` is not a person of this programme (see [people] in clause9.toml)"
        ));
    }
    let role = Role::parse(role);
    if role.is_none() {
        problems.push(
            "--role: use admin, owner, collector, analyst, auditor, reviewer or viewer".into(),
        );
    }
    if username.is_empty()
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        problems.push(format!(
            "the username `{username}` may only use letters, digits, `.`, `_` and `-`"
        ));
    }
    if !problems.is_empty() {
        return Err(CliError::Invalid(problems));
    }
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .context("cannot read the password from standard input")?;
    let password = password.lines().next().unwrap_or("");
    let hash = secret::hash_password(password).map_err(|e| CliError::invalid(e.to_string()))?;
    let change = change(&dir, by)?;
    let store = open_store(&dir, store_args).await?;
    let user = NewUser {
        username,
        person: person.to_string(),
        role: role.unwrap_or(Role::Viewer),
        password_hash: Some(hash),
    };
    let stored = store
        .accounts()
        .add_user(&user, &change)
        .await
        .map_err(invalid_or_failed)?;
    say(format!(
        "added user {} ({}, {})",
        stored.username,
        stored.person,
        stored.role.as_str()
    ));
    Ok(())
}

pub(super) async fn list(dir: &Path, format: Format, store_args: &StoreArgs) -> CliResult {
    let store = open_store(dir, store_args).await?;
    let users = store.accounts().users().await?;
    if format == Format::Json {
        return Ok(output::json(&users)?);
    }
    let rows = users
        .iter()
        .map(|u| {
            vec![
                Cell::from(u.username.clone()),
                Cell::from(u.person.clone()),
                Cell::from(u.role.as_str()),
                Cell::from(if u.disabled { "disabled" } else { "active" }),
            ]
        })
        .collect();
    output::table(&["username", "person", "role", "state"], rows);
    Ok(())
}

pub(super) async fn disable(
    args: &[String],
    by: Option<&str>,
    store_args: &StoreArgs,
) -> CliResult {
    let (dir, rest) = split_dir(args, 1);
    let username = rest.first().cloned().unwrap_or_default();
    let change = change(&dir, by)?;
    let store = open_store(&dir, store_args).await?;
    let caller = clause9_core::access::Caller {
        role: clause9_core::access::Role::Admin,
        person: &change.actor,
        name: &change.actor,
    };
    clause9_app::accounts::set_disabled(store.as_ref(), &caller, &username, true, &change).await?;
    say(format!("disabled user {username}; its sessions were ended"));
    Ok(())
}

pub(super) async fn create_token(
    args: &[String],
    name: &str,
    expires_days: Option<u32>,
    by: Option<&str>,
    store_args: &StoreArgs,
) -> CliResult {
    let (dir, rest) = split_dir(args, 1);
    let username = rest.first().cloned().unwrap_or_default();
    let change = change(&dir, by)?;
    let expires = match expires_days {
        Some(0) => {
            return Err(CliError::invalid(
                "--expires: give a number of days of 1 or more",
            ));
        }
        Some(days) => Some(
            change
                .at
                .checked_add(i64::from(days).saturating_mul(24).hours())
                .map_err(|_| CliError::invalid("--expires: too many days"))?,
        ),
        None => None,
    };
    let store = open_store(&dir, store_args).await?;
    let token = secret::new_secret("c9t");
    let stored = store
        .accounts()
        .add_token(
            &username,
            name,
            &secret::sha256_hex(&token),
            expires,
            &change,
        )
        .await
        .map_err(invalid_or_failed)?;
    eprintln!(
        "token #{} `{}` for {username}{}; it is shown only now — keep it secret:",
        stored.id,
        stored.name,
        expires.map_or(String::new(), |e| format!(", expires {e}"))
    );
    say(token);
    Ok(())
}

pub(super) async fn list_tokens(dir: &Path, format: Format, store_args: &StoreArgs) -> CliResult {
    let store = open_store(dir, store_args).await?;
    let tokens = store.accounts().tokens(None).await?;
    if format == Format::Json {
        return Ok(output::json(&tokens)?);
    }
    let rows = tokens
        .iter()
        .map(|t| {
            let state = match (t.revoked_at, t.expires_at) {
                (Some(at), _) => format!("revoked {at}"),
                (None, Some(at)) => format!("expires {at}"),
                (None, None) => "no expiry".into(),
            };
            vec![
                Cell::from(t.id.to_string()),
                Cell::from(t.username.clone()),
                Cell::from(t.name.clone()),
                Cell::from(t.created_at.to_string()),
                Cell::from(state),
            ]
        })
        .collect();
    output::table(&["#", "user", "name", "created", "state"], rows);
    Ok(())
}

pub(super) async fn revoke_token(
    args: &[String],
    by: Option<&str>,
    store_args: &StoreArgs,
) -> CliResult {
    let (dir, rest) = split_dir(args, 1);
    let id_text = rest.first().cloned().unwrap_or_default();
    let id: i64 = id_text.trim_start_matches('#').parse().map_err(|_| {
        CliError::invalid(format!(
            "`{id_text}` is not a token number; see `clause9 token list`"
        ))
    })?;
    let change = change(&dir, by)?;
    let store = open_store(&dir, store_args).await?;
    let token = store
        .accounts()
        .revoke_token(id, &change)
        .await
        .map_err(invalid_or_failed)?;
    say(format!(
        "revoked token #{id} `{}` of {}",
        token.name, token.username
    ));
    Ok(())
}

fn invalid_or_failed(e: clause9_store::StoreError) -> CliError {
    match e {
        clause9_store::StoreError::Invalid(message) => CliError::invalid(message),
        other => other.into(),
    }
}
