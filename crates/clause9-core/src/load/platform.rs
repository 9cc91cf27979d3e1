//! Reads a platform source of `clause9.toml` (`kind = "opensearch"`,
//! `"elasticsearch"`, `"splunk"`, `"log_analytics"`, `"loki"`,
//! `"defectdojo"`, `"github_code_scanning"`): which environment variables
//! hold its address and credentials, which sign-in it uses, and its plain
//! settings. Addresses and secrets are never accepted in the file itself.

use std::collections::BTreeMap;

use super::reader::{Sink, TableReader};
use crate::programme::{Platform, PlatformKind};

/// What one kind of platform source needs.
struct Spec {
    /// Roles whose `ROLE_env` must be given.
    required: &'static [&'static str],
    /// Roles whose `ROLE_env` may be given.
    optional: &'static [&'static str],
    /// Ways to sign in: each a set of roles given together; at most one set.
    auth: &'static [&'static [&'static str]],
    /// Must one of the `auth` sets be given?
    auth_required: bool,
    /// Plain (not secret) keys.
    scope: &'static [&'static str],
    /// Exactly one of the `scope` keys must be given.
    scope_one_of: bool,
}

const BASIC: &[&str] = &["username", "password"];

fn spec(kind: PlatformKind) -> Spec {
    match kind {
        PlatformKind::OpenSearch | PlatformKind::Elasticsearch => Spec {
            required: &["url"],
            optional: &[],
            auth: &[BASIC, &["api_key"], &["token"]],
            auth_required: false,
            scope: &[],
            scope_one_of: false,
        },
        PlatformKind::Splunk => Spec {
            required: &["url"],
            optional: &[],
            auth: &[&["token"], BASIC],
            auth_required: true,
            scope: &[],
            scope_one_of: false,
        },
        PlatformKind::LogAnalytics => Spec {
            required: &["workspace", "tenant", "client_id", "client_secret"],
            optional: &["url", "login_url"],
            auth: &[],
            auth_required: false,
            scope: &[],
            scope_one_of: false,
        },
        PlatformKind::Loki => Spec {
            required: &["url"],
            optional: &[],
            auth: &[&["token"], BASIC],
            auth_required: false,
            scope: &["org_id"],
            scope_one_of: false,
        },
        PlatformKind::DefectDojo => Spec {
            required: &["url", "token"],
            optional: &[],
            auth: &[],
            auth_required: false,
            scope: &[],
            scope_one_of: false,
        },
        PlatformKind::GithubCodeScanning => Spec {
            required: &["token"],
            optional: &["url"],
            auth: &[],
            auth_required: false,
            scope: &["repo", "org"],
            scope_one_of: true,
        },
    }
}

/// Reads the rest of a platform source's table (its `kind` is read).
pub(super) fn read(
    kind: PlatformKind,
    r: &mut TableReader,
    sink: &mut Sink,
    timeout_seconds: Option<u64>,
) -> (Platform, Vec<String>) {
    let spec = spec(kind);
    let name = kind.as_str();
    let mut env = BTreeMap::new();
    let auth_roles = spec.auth.iter().flat_map(|s| s.iter());
    let roles: Vec<&str> = spec
        .required
        .iter()
        .chain(spec.optional)
        .chain(auth_roles)
        .copied()
        .collect();
    for role in &roles {
        let key = format!("{role}_env");
        if let Some(v) = r.string(sink, &key) {
            if !is_env_name(&v.value) {
                sink.error(
                    v.span.clone(),
                    format!(
                        "`{key}` in {} must name an environment variable ([A-Za-z_][A-Za-z0-9_]*), not `{}`",
                        r.name, v.value
                    ),
                );
            }
            env.insert(role.to_string(), v.value);
        }
    }
    for role in spec.required {
        if !env.contains_key(*role) && r.raw(&format!("{role}_env")).is_none() {
            r.missing(
                sink,
                &format!("{role}_env"),
                &format!("the environment variable holding the {name} {}", what(role)),
            );
        }
    }
    check_auth(&spec, &env, r, sink, name);
    let mut scope = BTreeMap::new();
    for key in spec.scope {
        if let Some(v) = r.string(sink, key) {
            if !plain_scope_ok(key, &v.value) {
                sink.error(
                    v.span.clone(),
                    format!("`{key}` in {}: {}", r.name, scope_hint(key)),
                );
            }
            scope.insert(key.to_string(), v.value);
        }
    }
    if spec.scope_one_of && scope.len() != 1 {
        let keys = spec.scope.join("` or `");
        sink.error(
            r.span.clone(),
            format!("{} needs exactly one of `{keys}`", r.name),
        );
    }
    for plain in ["url", "token", "password", "api_key", "client_secret"] {
        if let Some(v) = r.raw(plain) {
            sink.error(
                v.span(),
                format!(
                    "{}: `{plain}` must not be written in a file; set `{plain}_env` to the name of an environment variable that holds it",
                    r.name
                ),
            );
        }
    }
    let ca_file = r.string(sink, "ca_file").map(|c| c.value);
    let mut known: Vec<String> = vec!["kind".into(), "timeout_seconds".into(), "ca_file".into()];
    known.extend(roles.iter().map(|r| format!("{r}_env")));
    known.extend(spec.scope.iter().map(|s| s.to_string()));
    known.sort();
    known.dedup();
    (
        Platform {
            kind,
            env,
            scope,
            ca_file,
            timeout_seconds,
        },
        known,
    )
}

/// At most one way of signing in, each given whole; one if required.
fn check_auth(
    spec: &Spec,
    env: &BTreeMap<String, String>,
    r: &TableReader,
    sink: &mut Sink,
    name: &str,
) {
    let mut given = 0;
    for set in spec.auth {
        let present = set.iter().filter(|role| env.contains_key(**role)).count();
        if present == set.len() {
            given += 1;
        } else if present > 0 {
            let keys: Vec<String> = set.iter().map(|s| format!("`{s}_env`")).collect();
            sink.error(
                r.span.clone(),
                format!("{}: give {} together", r.name, keys.join(" and ")),
            );
        }
    }
    let ways = || {
        spec.auth
            .iter()
            .map(|set| {
                set.iter()
                    .map(|s| format!("`{s}_env`"))
                    .collect::<Vec<_>>()
                    .join(" + ")
            })
            .collect::<Vec<_>>()
            .join(", or ")
    };
    if given > 1 {
        sink.error(
            r.span.clone(),
            format!("{}: choose one way to sign in: {}", r.name, ways()),
        );
    } else if given == 0 && spec.auth_required {
        sink.error(
            r.span.clone(),
            format!("{} needs a way to sign in to {name}: {}", r.name, ways()),
        );
    }
}

fn what(role: &str) -> &'static str {
    match role {
        "url" => "address (https://host:port)",
        "token" => "API token",
        "workspace" => "workspace id",
        "tenant" => "tenant (directory) id",
        "client_id" => "application (client) id",
        "client_secret" => "client secret",
        _ => "setting",
    }
}

fn is_env_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn plain_scope_ok(key: &str, value: &str) -> bool {
    let part = |p: &str| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    match key {
        "repo" => value
            .split_once('/')
            .is_some_and(|(o, n)| part(o) && part(n)),
        _ => part(value),
    }
}

fn scope_hint(key: &str) -> &'static str {
    match key {
        "repo" => "write the repository as OWNER/NAME",
        "org" => "write the organisation's login name (letters, digits, `-`, `_`, `.`)",
        _ => "use letters, digits, `-`, `_` and `.`",
    }
}
