//! Reads `clause9.toml`: programme settings, people, groups, objectives,
//! areas and sources. Returns what it could read and reports the rest.

use std::collections::BTreeMap;

use jiff::tz::TimeZone;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::reader::{Located, Sink, TableReader};
use crate::ids::is_name_id;
use crate::period::Period;
use crate::programme::{Area, ColumnType, Objective, Person, PlatformKind, Settings, Source};

/// Settings plus the positions needed to check references later.
pub(super) struct LoadedSettings {
    pub settings: Settings,
    /// References to people made in clause9.toml, checked once all people are known.
    pub person_refs: Vec<Located<String>>,
}

pub(super) fn read_settings(doc: &Spanned<DeTable<'_>>, sink: &mut Sink) -> LoadedSettings {
    let mut root = TableReader::new("clause9.toml", doc);
    match root.integer(sink, "format") {
        Some(f) if f.value == 1 => {}
        Some(f) => sink.error(
            f.span,
            format!(
                "unsupported format {}: this clause9 reads format = 1",
                f.value
            ),
        ),
        None if root.raw("format").is_none() => {
            root.missing(sink, "format", "add `format = 1` at the top")
        }
        None => {}
    }
    let mut settings = Settings {
        name: String::new(),
        organisation: String::new(),
        timezone_name: "UTC".into(),
        timezone: TimeZone::UTC,
        first_period: Period::Year { year: 1900 },
        people: BTreeMap::new(),
        groups: BTreeMap::new(),
        objectives: BTreeMap::new(),
        areas: BTreeMap::new(),
        sources: BTreeMap::new(),
    };
    let mut person_refs = Vec::new();

    match root.table(sink, "programme") {
        Some((t, span)) => read_programme(
            TableReader::over("[programme]", t, span),
            sink,
            &mut settings,
        ),
        None if root.raw("programme").is_none() => root.missing(
            sink,
            "[programme]",
            "name, organisation, timezone and first_period",
        ),
        None => {}
    }
    for (id, t, span) in named_tables(&mut root, sink, "people") {
        let mut r = TableReader::over(format!("[people.{}]", id.value), t, span);
        let name = r.required_string(sink, "name", "the person's full name");
        let email = r.string(sink, "email");
        r.finish(sink, &["name", "email"]);
        settings.people.insert(
            id.value,
            Person {
                name: name.map(|n| n.value).unwrap_or_default(),
                email: email.map(|e| e.value),
            },
        );
    }
    if let Some((t, span)) = root.table(sink, "groups") {
        let mut r = TableReader::over("[groups]", t, span);
        let keys: Vec<(String, std::ops::Range<usize>)> =
            r.entries().map(|(k, s, _)| (k.to_string(), s)).collect();
        for (id, key_span) in keys {
            check_id(sink, &id, key_span, "group");
            let members = r.strings(sink, &id).unwrap_or_default();
            if members.is_empty() {
                sink.error(r.span.clone(), format!("group `{id}` has no members"));
            }
            settings
                .groups
                .insert(id, members.iter().map(|m| m.value.clone()).collect());
            person_refs.extend(members);
        }
    }
    for (id, t, span) in named_tables(&mut root, sink, "objectives") {
        let mut r = TableReader::over(format!("[objectives.{}]", id.value), t, span);
        let title = r.required_string(sink, "title", "what the objective aims for");
        let owner = r.required_string(sink, "owner", "a person id");
        let due = read_date(&mut r, sink, "due");
        r.finish(sink, &["title", "owner", "due"]);
        if let Some(o) = &owner {
            person_refs.push(o.clone());
        }
        settings.objectives.insert(
            id.value,
            Objective {
                title: title.map(|t| t.value).unwrap_or_default(),
                owner: owner.map(|o| o.value).unwrap_or_default(),
                due,
            },
        );
    }
    for (id, t, span) in named_tables(&mut root, sink, "areas") {
        let mut r = TableReader::over(format!("[areas.{}]", id.value), t, span);
        let title = r.required_string(sink, "title", "the area's name");
        let owner = r.required_string(sink, "owner", "a person id");
        r.finish(sink, &["title", "owner"]);
        if let Some(o) = &owner {
            person_refs.push(o.clone());
        }
        settings.areas.insert(
            id.value,
            Area {
                title: title.map(|t| t.value).unwrap_or_default(),
                owner: owner.map(|o| o.value).unwrap_or_default(),
            },
        );
    }
    for (id, t, span) in named_tables(&mut root, sink, "sources") {
        let r = TableReader::over(format!("[sources.{}]", id.value), t, span);
        if let Some(source) = read_source(r, sink) {
            settings.sources.insert(id.value, source);
        }
    }
    root.finish(
        sink,
        &[
            "format",
            "programme",
            "people",
            "groups",
            "objectives",
            "areas",
            "sources",
        ],
    );
    LoadedSettings {
        settings,
        person_refs,
    }
}

fn read_programme(mut r: TableReader, sink: &mut Sink, settings: &mut Settings) {
    if let Some(n) = r.required_string(sink, "name", "the programme's title") {
        settings.name = n.value;
    }
    if let Some(o) = r.required_string(sink, "organisation", "the organisation's name") {
        settings.organisation = o.value;
    }
    if let Some(tz) = r.required_string(sink, "timezone", "an IANA zone such as \"Europe/London\"")
    {
        match TimeZone::get(&tz.value) {
            Ok(zone) => {
                settings.timezone = zone;
                settings.timezone_name = tz.value;
            }
            Err(_) => sink.error(
                tz.span,
                format!(
                    "unknown timezone `{}`: use an IANA zone such as \"Europe/London\" or \"UTC\"",
                    tz.value
                ),
            ),
        }
    }
    if let Some(p) = r.required_string(
        sink,
        "first_period",
        "the first period anything is due, such as \"2025-01\"",
    ) {
        match p.value.parse::<Period>() {
            Ok(period) => settings.first_period = period,
            Err(e) => sink.error(p.span, e.to_string()),
        }
    }
    r.finish(sink, &["name", "organisation", "timezone", "first_period"]);
}

/// The source kinds, as the hint of a missing or unknown `kind` lists them.
fn kinds() -> String {
    let mut names = vec![
        "\"files\"".to_string(),
        "\"postgres\"".into(),
        "\"prometheus\"".into(),
    ];
    names.extend(
        PlatformKind::ALL
            .iter()
            .map(|k| format!("\"{}\"", k.as_str())),
    );
    names.join(", ")
}

fn read_source(mut r: TableReader, sink: &mut Sink) -> Option<Source> {
    let kind = r.required_string(sink, "kind", &kinds())?;
    let timeout_seconds = positive(&mut r, sink, "timeout_seconds");
    if let Some(platform) = PlatformKind::parse(&kind.value) {
        let (source, known) = super::platform::read(platform, &mut r, sink, timeout_seconds);
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        r.finish(sink, &known);
        return Some(Source::Platform(source));
    }
    let source = match kind.value.as_str() {
        "files" => {
            let mut tables = BTreeMap::new();
            match r.table(sink, "tables") {
                Some((t, span)) => {
                    let mut tr = TableReader::over(format!("{}.tables", r.name), t, span);
                    let keys: Vec<_> = tr.entries().map(|(k, s, _)| (k.to_string(), s)).collect();
                    for (table, span) in keys {
                        if !crate::ids::is_formula_id(&table) {
                            sink.error(span, format!("table name `{table}` must be a plain SQL name ([A-Za-z_][A-Za-z0-9_]*)"));
                        }
                        if let Some(path) = tr.string(sink, &table) {
                            if path.value.trim().is_empty() {
                                sink.error(
                                    path.span,
                                    format!("table `{table}` needs a file path or glob"),
                                );
                            } else if path.value.starts_with('/')
                                || path.value.split('/').any(|c| c == "..")
                            {
                                sink.error(path.span, format!("table `{table}`: evidence paths must stay inside the programme directory (no absolute paths, no `..`)"));
                            }
                            tables.insert(table, path.value);
                        }
                    }
                    if tables.is_empty() {
                        sink.error(r.span.clone(), format!("{} declares no tables", r.name));
                    }
                }
                None if r.raw("tables").is_none() => r.missing(
                    sink,
                    "tables",
                    "e.g. tables.incidents = \"evidence/incidents.csv\"",
                ),
                None => {}
            }
            let columns = read_columns(&mut r, sink);
            let memory_mb = positive(&mut r, sink, "memory_mb");
            Source::Files {
                tables,
                columns,
                timeout_seconds,
                memory_mb,
            }
        }
        "postgres" => {
            let env = r.required_string(
                sink,
                "url_env",
                "the environment variable holding the connection string",
            );
            if r.raw("url").is_some() {
                sink.error(r.span.clone(), format!("{}: a postgres connection string must not be written in a file; set `url_env` to the name of an environment variable", r.name));
            }
            Source::Postgres {
                url_env: env?.value,
                timeout_seconds,
            }
        }
        "prometheus" => {
            let url = r.required_string(
                sink,
                "url",
                "the server address, e.g. \"http://127.0.0.1:9090\"",
            )?;
            if !(url.value.starts_with("http://") || url.value.starts_with("https://")) {
                sink.error(
                    url.span.clone(),
                    "a prometheus `url` must start with http:// or https://",
                );
            }
            Source::Prometheus {
                url: url.value,
                timeout_seconds,
            }
        }
        other => {
            sink.error(
                kind.span,
                format!("unknown source kind `{other}`: use {}", kinds()),
            );
            return None;
        }
    };
    let known: &[&str] = match source {
        Source::Files { .. } => &["kind", "tables", "columns", "timeout_seconds", "memory_mb"],
        Source::Postgres { .. } => &["kind", "url_env", "timeout_seconds"],
        Source::Prometheus { .. } => &["kind", "url", "timeout_seconds"],
        Source::Platform(_) => &[],
    };
    r.finish(sink, known);
    Some(source)
}

/// A positive whole number (`timeout_seconds`, `memory_mb`).
fn positive(r: &mut TableReader, sink: &mut Sink, key: &str) -> Option<u64> {
    let v = r.integer(sink, key)?;
    match u64::try_from(v.value) {
        Ok(n) if n > 0 => Some(n),
        _ => {
            sink.error(
                v.span,
                format!("`{key}` in {} must be a whole number above 0", r.name),
            );
            None
        }
    }
}

/// `columns.closed_at = "timestamp"`: declared column types of a `files` source.
fn read_columns(r: &mut TableReader, sink: &mut Sink) -> BTreeMap<String, ColumnType> {
    let mut columns = BTreeMap::new();
    let Some((t, span)) = r.table(sink, "columns") else {
        return columns;
    };
    let mut cr = TableReader::over(format!("{}.columns", r.name), t, span);
    let keys: Vec<String> = cr.entries().map(|(k, _, _)| k.to_string()).collect();
    for column in keys {
        if let Some(ty) = cr.string(sink, &column) {
            match ColumnType::parse(&ty.value) {
                Some(t) => {
                    columns.insert(column, t);
                }
                None => sink.error(
                    ty.span,
                    format!(
                        "column `{column}`: unknown type `{}`; use one of {}",
                        ty.value,
                        ColumnType::NAMES.join(", ")
                    ),
                ),
            }
        }
    }
    columns
}

/// `[people.dana]`-style tables: every key of `key` is an id naming a sub-table.
fn named_tables<'t, 'i>(
    root: &mut TableReader<'t, 'i>,
    sink: &mut Sink,
    key: &str,
) -> Vec<(Located<String>, &'t DeTable<'i>, std::ops::Range<usize>)> {
    let Some((t, _)) = root.table(sink, key) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in t.iter() {
        let id = k.get_ref().to_string();
        check_id(sink, &id, k.span(), key.trim_end_matches('s'));
        match v.get_ref() {
            DeValue::Table(inner) => out.push((
                Located {
                    value: id,
                    span: k.span(),
                },
                inner,
                v.span(),
            )),
            _ => sink.error(v.span(), format!("[{key}.{id}] must be a table")),
        }
    }
    out
}

fn check_id(sink: &mut Sink, id: &str, span: std::ops::Range<usize>, what: &str) {
    if !is_name_id(id) {
        sink.error(span, format!("bad {what} id `{id}`: use letters, digits, `_`, `.` and `-`, starting with a letter or digit"));
    }
}

/// A date given as a TOML date (`2026-12-31`) or a string ("2026-12-31").
pub(super) fn read_date(
    r: &mut TableReader,
    sink: &mut Sink,
    key: &str,
) -> Option<jiff::civil::Date> {
    let v = r.raw(key)?;
    let text = match v.get_ref() {
        DeValue::String(s) => s.to_string(),
        DeValue::Datetime(d) => d.to_string(),
        _ => {
            sink.error(
                v.span(),
                format!("`{key}` in {} must be a date such as 2026-12-31", r.name),
            );
            return None;
        }
    };
    match text.parse::<jiff::civil::Date>() {
        Ok(d) if text.len() == 10 => Some(d),
        _ => {
            sink.error(
                v.span(),
                format!(
                    "`{key}` in {}: `{text}` is not a date such as 2026-12-31",
                    r.name
                ),
            );
            None
        }
    }
}
