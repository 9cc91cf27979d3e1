//! The programme: organisation settings, people, groups, objectives, areas,
//! sources and the measurement constructs (loaded from `clause9.toml` and
//! `measures/**/*.toml`).

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::measure::Measure;
use crate::period::Period;

/// A whole measurement programme, validated.
#[derive(Debug, Clone)]
pub struct Programme {
    pub settings: Settings,
    /// Sorted by id.
    pub measures: Vec<Measure>,
}

/// The contents of `clause9.toml`.
#[derive(Debug, Clone)]
pub struct Settings {
    pub name: String,
    pub organisation: String,
    pub timezone_name: String,
    pub timezone: TimeZone,
    /// Nothing is due before this period.
    pub first_period: Period,
    pub people: BTreeMap<String, Person>,
    pub groups: BTreeMap<String, Vec<String>>,
    pub objectives: BTreeMap<String, Objective>,
    pub areas: BTreeMap<String, Area>,
    pub sources: BTreeMap<String, Source>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub name: String,
    pub email: Option<String>,
}

/// An information security objective (ISO/IEC 27001 6.2).
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    pub title: String,
    pub owner: String,
    pub due: Option<Date>,
}

/// An organisational area or process with its owner.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub title: String,
    pub owner: String,
}

/// Where query base measures get their values.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// SQL over local evidence files: table name → path or glob (relative to the programme).
    Files {
        tables: BTreeMap<String, String>,
        /// Declared column types (`columns.closed_at = "timestamp"`), applied to
        /// every table of the source that has the column; they override inference.
        columns: BTreeMap<String, ColumnType>,
        /// Time limit of one query (`timeout_seconds`); `None`: the collector's default.
        timeout_seconds: Option<u64>,
        /// Memory limit of one query in MiB (`memory_mb`); `None`: the collector's default.
        memory_mb: Option<u64>,
    },
    /// SQL run read-only in a PostgreSQL database; the URL comes from an environment variable.
    Postgres {
        url_env: String,
        /// Statement timeout (`timeout_seconds`); `None`: the collector's default.
        timeout_seconds: Option<u64>,
    },
    /// PromQL against a Prometheus server's HTTP API.
    Prometheus {
        url: String,
        /// Time limit of one HTTP query (`timeout_seconds`); `None`: the collector's default.
        timeout_seconds: Option<u64>,
    },
    /// A search platform or security tool queried over its HTTP API
    /// (OpenSearch, Elasticsearch, Splunk, Log Analytics, Loki, DefectDojo,
    /// GitHub code scanning).
    Platform(Platform),
}

/// A platform source: where it is and how to sign in, all from environment
/// variables named in the file; never a URL or a secret itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Platform {
    pub kind: PlatformKind,
    /// Environment variable names by role: `url`, `token`, `username`,
    /// `password`, `api_key`, `workspace`, `tenant`, `client_id`,
    /// `client_secret`, `login_url` (declared as `ROLE_env = "NAME"`).
    pub env: BTreeMap<String, String>,
    /// Plain settings that are not secrets: `repo` or `org` (GitHub),
    /// `org_id` (the Loki tenant).
    pub scope: BTreeMap<String, String>,
    /// A PEM file of extra trusted certificate authorities (relative to the
    /// programme directory, or absolute), for servers with a private CA.
    pub ca_file: Option<String>,
    /// Time limit of one query, all its HTTP requests together.
    pub timeout_seconds: Option<u64>,
}

/// The platforms a source can query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformKind {
    OpenSearch,
    Elasticsearch,
    Splunk,
    LogAnalytics,
    Loki,
    DefectDojo,
    GithubCodeScanning,
}

impl PlatformKind {
    pub const ALL: [PlatformKind; 7] = [
        PlatformKind::OpenSearch,
        PlatformKind::Elasticsearch,
        PlatformKind::Splunk,
        PlatformKind::LogAnalytics,
        PlatformKind::Loki,
        PlatformKind::DefectDojo,
        PlatformKind::GithubCodeScanning,
    ];

    /// The `kind` written in `clause9.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            PlatformKind::OpenSearch => "opensearch",
            PlatformKind::Elasticsearch => "elasticsearch",
            PlatformKind::Splunk => "splunk",
            PlatformKind::LogAnalytics => "log_analytics",
            PlatformKind::Loki => "loki",
            PlatformKind::DefectDojo => "defectdojo",
            PlatformKind::GithubCodeScanning => "github_code_scanning",
        }
    }

    pub fn parse(s: &str) -> Option<PlatformKind> {
        PlatformKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A column type declared in a `files` source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// An instant: RFC 3339 text (`Z` or an offset) or epoch seconds; stored as UTC.
    Timestamp,
    Date,
    String,
    Integer,
    Float,
    Boolean,
}

impl ColumnType {
    pub const NAMES: [&'static str; 6] =
        ["timestamp", "date", "string", "integer", "float", "boolean"];

    pub fn parse(s: &str) -> Option<ColumnType> {
        Some(match s {
            "timestamp" => ColumnType::Timestamp,
            "date" => ColumnType::Date,
            "string" => ColumnType::String,
            "integer" => ColumnType::Integer,
            "float" => ColumnType::Float,
            "boolean" => ColumnType::Boolean,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ColumnType::Timestamp => "timestamp",
            ColumnType::Date => "date",
            ColumnType::String => "string",
            ColumnType::Integer => "integer",
            ColumnType::Float => "float",
            ColumnType::Boolean => "boolean",
        }
    }
}

impl Source {
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Files { .. } => "files",
            Source::Postgres { .. } => "postgres",
            Source::Prometheus { .. } => "prometheus",
            Source::Platform(p) => p.kind.as_str(),
        }
    }

    /// The declared time limit of one query, if any.
    pub fn timeout_seconds(&self) -> Option<u64> {
        match self {
            Source::Files {
                timeout_seconds, ..
            }
            | Source::Postgres {
                timeout_seconds, ..
            }
            | Source::Prometheus {
                timeout_seconds, ..
            } => *timeout_seconds,
            Source::Platform(p) => p.timeout_seconds,
        }
    }
}

impl Settings {
    /// Is `id` a person, or a group that includes `person`?
    pub fn includes(&self, id: &str, person: &str) -> bool {
        id == person
            || self
                .groups
                .get(id)
                .is_some_and(|members| members.iter().any(|m| m == person))
    }

    /// The people an id stands for: the person itself, or a group's members.
    pub fn people_of(&self, id: &str) -> Vec<String> {
        match self.groups.get(id) {
            Some(members) => members.clone(),
            None => vec![id.to_string()],
        }
    }

    /// A person's display name, or the id itself.
    pub fn display_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.people.get(id).map_or(id, |p| p.name.as_str())
    }
}

impl Programme {
    pub fn measure(&self, id: &str) -> Option<&Measure> {
        self.measures.iter().find(|m| m.id == id)
    }
}
